//! `/dashboard`: the borrower's connections, verified income, score, reasons and charts, and
//! the outcome of a TikTok Shop connection attempt in plain words.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{get_dashboard, DashboardData};
use crate::components::connect_button::{CartIcon, TikTokShopConnectButton};
use crate::components::connections::BusinessConnectionManager;
use crate::components::score::ScoreDashboard;
use crate::components::wallet::WalletSignIn;

/// What a `tiktokshop_error` code means for the borrower, and whether reconnecting helps.
pub fn explain_error(code: &str, permission: Option<&str>) -> (String, bool) {
    let text = match code {
        "consent_denied" => {
            "You declined access on TikTok Shop, so nothing was connected. Connect again whenever you are ready.".into()
        }
        "state_missing" | "state_invalid" => "This connection attempt could not be verified: it did not start from this browser session. Please start again with the Connect button.".into(),
        "state_expired" => "The connection attempt took too long and expired. Please start again.".into(),
        "state_reused" => "This authorization link was already used. Please start again with the Connect button.".into(),
        "code_missing" | "code_rejected" => "TikTok Shop did not confirm the authorization (the code was missing, expired or already used). Please connect again.".into(),
        "no_shop" => "No active TikTok Shop found. Please set up your shop first.".into(),
        "restricted_region" => "TikTok Shop is not available in your region yet. Supported: United States, Canada, United Kingdom, France, Germany, Italy, Spain, Indonesia, Malaysia, Thailand, Vietnam, the Philippines and Singapore.".into(),
        "missing_permission" => format!(
            "shopscore was not granted the {} permission. Approve it on TikTok Shop's consent screen (or ask your shop admin to grant it in Partner Center), then reconnect.",
            // Only a scope name is echoed back: a crafted link cannot put prose in the alert.
            permission
                .filter(|p| p.len() <= 64 && p.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'))
                .unwrap_or("required")
        ),
        "token_expired" => "Your TikTok Shop authorization has expired. Reconnect to keep your score current.".into(),
        "token_revoked" => "Your TikTok Shop authorization was revoked. Reconnect to keep your score current.".into(),
        "tiktok_unavailable" => "TikTok Shop is not answering right now. Nothing was lost; please try again in a few minutes.".into(),
        _ => "Something went wrong on our side while connecting. Please try again.".into(),
    };
    let reconnect = matches!(
        code,
        "token_expired"
            | "token_revoked"
            | "missing_permission"
            | "state_expired"
            | "state_reused"
            | "code_rejected"
            | "tiktok_unavailable"
    );
    (text, reconnect)
}

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text="Dashboard" />
        <header class="page-header">
            <h1>"Your dashboard"</h1>
            <p class="muted">"Verified income and your credit score, from the shops you connect."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading your dashboard…"</p> }>
            {move || data.get().map(|result| {
                let failed = result.as_ref().err().map(|e| e.to_string());
                let data = result.unwrap_or_default();
                let connected = query.with(|q| q.get("tiktokshop_connected").is_some());
                let error = query.with(|q| q.get("tiktokshop_error"));
                let permission = query.with(|q| q.get("permission"));
                view! {
                    {failed.map(|message| view! {
                        <div class="notice notice-error" role="alert" data-testid="dashboard-error">
                            <p>{format!("Your dashboard could not be loaded: {message}")}</p>
                        </div>
                    })}
                    {connected.then(|| view! {
                        <div class="notice notice-ok" role="status" data-testid="connect-success">
                            "TikTok Shop connected. Your verified income and score are below."
                        </div>
                    })}
                    {error.map(|code| {
                        let (text, reconnect) = explain_error(&code, permission.as_deref());
                        let wallet = data.wallet.clone();
                        view! {
                            <div class="notice notice-error" role="alert" data-testid="connect-error-message" data-code=code.clone()>
                                <p>{text}</p>
                                {reconnect.then(|| view! { <TikTokShopConnectButton wallet=wallet label="Reconnect TikTok Shop" /> })}
                            </div>
                        }
                    })}
                    <DashboardBody data=data />
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardBody(data: DashboardData) -> impl IntoView {
    let DashboardData {
        wallet,
        connections,
        score,
    } = data;
    if wallet.is_none() {
        return view! {
            <section class="card empty-state" data-testid="dashboard-empty" aria-labelledby="empty-title">
                <div class="empty-icon" aria-hidden="true"><CartIcon /></div>
                <h2 id="empty-title">"No shops connected yet"</h2>
                <p>"Sign in with your wallet, then connect a TikTok Shop seller account or a creator affiliate account to see your verified income, your score and the reasons behind it."</p>
                <WalletSignIn wallet=None />
            </section>
        }
        .into_any();
    }
    let empty = connections.is_empty();
    view! {
        <div class="wallet-bar"><WalletSignIn wallet=wallet.clone() /></div>
        {empty.then(|| view! {
            <section class="card empty-state" data-testid="dashboard-empty" aria-labelledby="empty-title">
                <div class="empty-icon" aria-hidden="true"><CartIcon /></div>
                <h2 id="empty-title">"No shops connected yet"</h2>
                <p>"Connect a TikTok Shop seller account or a creator affiliate account to see your verified income, your score and the reasons behind it."</p>
                <TikTokShopConnectButton wallet=wallet.clone() />
            </section>
        })}
        {score.map(|s| view! { <ScoreDashboard score=s /> })}
        <BusinessConnectionManager wallet=wallet connections=connections />
    }
    .into_any()
}
