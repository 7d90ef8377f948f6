//! `/dashboard`: the borrower's connections, verified income, score, reasons and charts, and
//! the outcome of a TikTok Shop connection attempt in plain words.
//!
//! The page is rendered on the server. The score and insights panels are plain HTML: after a
//! live event the [`DashboardLive`] island fetches them rendered again and swaps them in, so
//! their view code stays out of the wasm bundle. What a borrower works with is in islands: the
//! wallet's sign-in, the connect buttons, the claim of an App Store install, the share panel
//! and the connections (the last two refreshed by [`DashboardLive`] itself).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{
    get_dashboard, get_site_info, ClaimInstall, ConnectOutcome, ConnectionView, DashboardData,
    DashboardLiveParts, InsightsView, PendingInstall, ScoreView, ShareView,
};
use crate::codec::Shipped;
use crate::components::connect_button::{CartIcon, MarketChoice, TikTokShopConnectButton};
use crate::components::connections::{connection_card, BusinessConnectionManager};
use crate::components::form::PostForm;
use crate::components::insights::InsightsPanel;
use crate::components::score::ScoreDashboard;
use crate::components::share_panel::{share_item, SharePanel};
use crate::components::wallet::WalletSignIn;

/// The id of the element around the score and insights panels.
pub const FIGURES_ID: &str = "dashboard-figures";

/// The dashboard page, read on the server.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let data = crate::codec::Resource::new_with_options(|| (), |_| get_dashboard(), false);
    let info = crate::codec::OnceResource::new_with_options(get_site_info(), false);
    view! {
        <Title text="Dashboard" />
        <header class="page-header">
            <h1>"Your dashboard"</h1>
            <p class="muted">"Verified income and your credit score, from the shops you connect."</p>
        </header>
        <Suspense fallback=|| view! { <p class="muted">"Loading your dashboard…"</p> }>
            {move || {
                let result = data.get()?;
                let market_choice = MarketChoice::of(info.get()?);
                let failed = result.as_ref().err().map(|e| e.to_string());
                let outcome = query.with(|q| ConnectOutcome::from_query(|k| q.get(k)));
                Some(view! {
                    <Dashboard data=result.unwrap_or_default() failed=failed outcome=outcome market_choice=market_choice />
                })
            }}
        </Suspense>
    }
}

/// The score and insights panels, as the server renders them into the page and for
/// [`DashboardLive`]'s refreshes.
#[component]
fn Figures(score: Option<ScoreView>, insights: Option<InsightsView>) -> impl IntoView {
    view! {
        {score.map(|s| view! { <ScoreDashboard score=s /> })}
        {insights.map(|i| view! { <InsightsPanel insights=i /> })}
    }
}

/// [`Figures`] as HTML.
#[cfg(feature = "ssr")]
pub fn figures_html(score: Option<ScoreView>, insights: Option<InsightsView>) -> String {
    view! { <Figures score=score insights=insights /> }.to_html()
}

/// The parts of a dashboard its live island shows, their cards and links rendered here (on the
/// server).
pub fn live_parts(
    connections: Vec<ConnectionView>,
    shares: Vec<ShareView>,
    has_score: bool,
) -> DashboardLiveParts {
    DashboardLiveParts {
        connections: connections.into_iter().map(connection_card).collect(),
        shares: shares.into_iter().map(share_item).collect(),
        has_score,
    }
}

#[component]
fn Dashboard(
    data: DashboardData,
    failed: Option<String>,
    outcome: Option<ConnectOutcome>,
    market_choice: MarketChoice,
) -> impl IntoView {
    let DashboardData {
        wallet,
        connections,
        score,
        pending_install,
        insights,
        shares,
    } = data;
    let parts = live_parts(connections, shares, score.is_some());
    view! {
        {failed.map(|message| view! {
            <div class="notice notice-error" role="alert" data-testid="dashboard-error">
                <p>{format!("Your dashboard could not be loaded: {message}")}</p>
            </div>
        })}
        {outcome.map(|outcome| match outcome {
            ConnectOutcome::Connected { syncing } => view! {
                <div class="notice notice-ok" role="status" data-testid="connect-success">
                    {if syncing {
                        "TikTok Shop connected. We are still importing your records: your figures fill in below as they arrive."
                    } else {
                        "TikTok Shop connected. Your verified income and score are below."
                    }}
                </div>
            }.into_any(),
            ConnectOutcome::InstallPending => view! {
                <div class="notice notice-ok" role="status" data-testid="install-pending-notice">
                    "TikTok Shop authorized shopscore from the App Store. Sign in with the wallet that should own this shop, then confirm below."
                </div>
            }.into_any(),
            ConnectOutcome::Failed(failure) => view! {
                <div class="notice notice-error" role="alert" data-testid="connect-error-message" data-code=failure.code()>
                    <p>{failure.message()}</p>
                    {failure.reconnect_helps().then(|| view! {
                        <ReconnectButton wallet=wallet.clone() market_choice=market_choice />
                    })}
                </div>
            }.into_any(),
        })}
        {pending_install.map(|held| view! { <ClaimCard held=held wallet=wallet.clone() /> })}
        {match wallet {
            None => view! {
                <section class="card empty-state" data-testid="dashboard-empty" aria-labelledby="empty-title">
                    <div class="empty-icon" aria-hidden="true"><CartIcon /></div>
                    <h2 id="empty-title">"No shops connected yet"</h2>
                    <p>"Sign in with your wallet, then connect a TikTok Shop seller account or a creator affiliate account to see your verified income, your score and the reasons behind it."</p>
                    <WalletBar wallet=None />
                </section>
            }.into_any(),
            Some(wallet) => view! {
                <div class="wallet-bar"><WalletBar wallet=Some(wallet.clone()) /></div>
                <div id=FIGURES_ID class="dashboard-figures">
                    <Figures score=score insights=insights />
                </div>
                <DashboardLive initial=Shipped(parts) wallet=wallet market_choice=market_choice />
            }.into_any(),
        }}
    }
}

/// The wallet's sign-in, or who is signed in: an island in the server-rendered page.
#[island]
fn WalletBar(wallet: Option<String>) -> impl IntoView {
    view! { <WalletSignIn wallet=wallet /> }
}

/// The reconnect button of a failed connection attempt: an island in the server-rendered
/// notice.
#[island]
fn ReconnectButton(wallet: Option<String>, market_choice: MarketChoice) -> impl IntoView {
    provide_context(market_choice);
    view! { <TikTokShopConnectButton wallet=wallet label="Reconnect TikTok Shop" /> }
}

/// The live part of the dashboard: the share panel and the connections, from what the server
/// read. Once hydrated it listens to `/api/live`; on each event it fetches the dashboard again,
/// shows the new connections and shares and swaps in the score and insights panels the server
/// rendered.
#[island]
fn DashboardLive(
    /// What the island shows, as the server read it.
    initial: Shipped<DashboardLiveParts>,
    /// The signed-in wallet.
    wallet: String,
    /// Whether the connect buttons ask for the seller market.
    market_choice: MarketChoice,
) -> impl IntoView {
    provide_context(market_choice);
    let parts = RwSignal::new(initial.0);
    // Why the last refresh failed, if it did: what is shown stays.
    let failed = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        // The newest refetch wins: an older answer arriving late is dropped.
        let latest = StoredValue::new(0_u64);
        let open = StoredValue::new(false);
        // The panels' HTML last swapped in (the page's own until the first refresh).
        let shown = StoredValue::new(None::<String>);
        let own = StoredValue::new(wallet.clone());
        let refetch = move || {
            let generation = latest.get_value() + 1;
            latest.set_value(generation);
            let own = own.get_value();
            leptos::task::spawn_local(async move {
                let result = crate::api::get_dashboard_update().await;
                if latest.get_value() != generation {
                    return;
                }
                match result {
                    // Signed out elsewhere, or another wallet signed in in another tab: the
                    // page is no longer this wallet's.
                    Ok(update) if update.wallet.as_deref() != Some(own.as_str()) => {
                        crate::web3::reload()
                    }
                    Ok(update) => {
                        if shown.with_value(|s| s.as_ref() != Some(&update.figures_html)) {
                            crate::live::show_figures(&update.figures_html);
                            crate::live::show_live(open.get_value());
                            shown.set_value(Some(update.figures_html));
                        }
                        failed.set(None);
                        parts.set(update.parts);
                    }
                    Err(e) => failed.set(Some(e.to_string())),
                }
            });
        };
        let subscription = StoredValue::new_local(None::<crate::live::Live>);
        Effect::new(move |_| {
            if subscription.with_value(Option::is_none) {
                let live = crate::live::subscribe(refetch, move |is_open| {
                    open.set_value(is_open);
                    crate::live::show_live(is_open);
                });
                subscription.set_value(live);
            }
        });
        on_cleanup(move || subscription.set_value(None));
    }
    // Each part is redrawn only when it changed, so a form in the share panel keeps its state
    // (and a call in flight its answer) across refreshes that do not touch it.
    let connections = Memo::new(move |_| parts.with(|p| p.connections.clone()));
    let shares = Memo::new(move |_| parts.with(|p| p.shares.clone()));
    let has_score = Memo::new(move |_| parts.with(|p| p.has_score));
    let no_connections = Memo::new(move |_| connections.with(Vec::is_empty));
    let wallet = Some(wallet);
    let empty_wallet = wallet.clone();
    view! {
        {move || failed.get().map(|message| view! {
            <div class="notice notice-error" role="alert" data-testid="dashboard-error">
                <p>{format!("Your dashboard could not be refreshed, so what is shown may be out of date. {message}")}</p>
            </div>
        })}
        {move || no_connections.get().then(|| view! {
            <section class="card empty-state" data-testid="dashboard-empty" aria-labelledby="empty-title">
                <div class="empty-icon" aria-hidden="true"><CartIcon /></div>
                <h2 id="empty-title">"No shops connected yet"</h2>
                <p>"Connect a TikTok Shop seller account or a creator affiliate account to see your verified income, your score and the reasons behind it."</p>
                <TikTokShopConnectButton wallet=empty_wallet.clone() />
            </section>
        })}
        {move || has_score.get().then(|| view! { <SharePanel shares=shares /> })}
        <BusinessConnectionManager wallet=wallet connections=connections />
    }
}

/// An App Store install held for this browser: confirm it for the signed-in wallet. An island
/// in the server-rendered page.
#[island]
fn ClaimCard(held: PendingInstall, wallet: Option<String>) -> impl IntoView {
    let claim = ServerAction::<ClaimInstall>::new();
    Effect::new(move |_| {
        if let Some(Ok(target)) = claim.value().get() {
            #[cfg(feature = "hydrate")]
            crate::web3::navigate(&target);
            #[cfg(not(feature = "hydrate"))]
            let _ = target;
        }
    });
    let minutes = held.expires_in_secs.div_ceil(60);
    view! {
        <section class="card claim-card" data-testid="install-pending" aria-labelledby="claim-title">
            <h2 id="claim-title">"Finish connecting your TikTok Shop"</h2>
            <p>{format!("{} authorized shopscore from the TikTok Shop App Store. It is held for this browser for {minutes} more minutes.", if held.seller_name.is_empty() { "A seller" } else { held.seller_name.as_str() })}</p>
            {match wallet {
                Some(wallet) => view! {
                    <PostForm action=claim read=|field| Ok(ClaimInstall { wallet: field("wallet").unwrap_or_default() })>
                        <input type="hidden" name="wallet" value=wallet.clone() />
                        <button type="submit" class="button tiktok-button tiktok-primary" data-testid="claim-install">
                            {format!("Connect it to {wallet}")}
                        </button>
                    </PostForm>
                    {move || claim.value().get().and_then(Result::err).map(|e| view! { <p class="error-text" role="alert">{e.to_string()}</p> })}
                }.into_any(),
                None => view! {
                    <p class="muted">"Sign in with the wallet that should own this shop first."</p>
                    <WalletSignIn wallet=None />
                }.into_any(),
            }}
        </section>
    }
}
