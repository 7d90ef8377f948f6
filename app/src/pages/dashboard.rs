//! `/dashboard`: the borrower's connections, verified income, score, reasons and charts, and
//! the outcome of a TikTok Shop connection attempt in plain words.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{
    get_dashboard, get_site_info, ClaimInstall, ConnectOutcome, DashboardData, PendingInstall,
};
use crate::codec::Shipped;
use crate::components::connect_button::{CartIcon, MarketChoice, TikTokShopConnectButton};
use crate::components::connections::BusinessConnectionManager;
use crate::components::insights::InsightsPanel;
use crate::components::score::ScoreDashboard;
use crate::components::share_panel::SharePanel;
use crate::components::wallet::WalletSignIn;

/// The dashboard page: read on the server, shown by the [`DashboardLive`] island.
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
                let market_choice = info.get()?.map_or(MarketChoice(false), |i| MarketChoice::of(&i.markets));
                let failed = result.as_ref().err().map(|e| e.to_string());
                let outcome = query.with(|q| ConnectOutcome::from_query(|k| q.get(k)));
                Some(view! {
                    <DashboardLive
                        initial=Shipped(result.unwrap_or_default())
                        failed=failed
                        outcome=outcome
                        market_choice=market_choice
                    />
                })
            }}
        </Suspense>
    }
}

/// The dashboard's figures, live: an island that starts from what the server read and, once
/// hydrated, refetches them on each event from `/api/live` while a wallet is signed in.
#[island]
fn DashboardLive(
    /// The dashboard as the server read it.
    initial: Shipped<DashboardData>,
    /// Why it could not be read, if it could not.
    failed: Option<String>,
    /// How the connection attempt that led here ended, from the query string.
    outcome: Option<ConnectOutcome>,
    /// Whether the connect buttons ask for the seller market.
    market_choice: MarketChoice,
) -> impl IntoView {
    provide_context(market_choice);
    let state = RwSignal::new((failed, initial.0));
    let (live, set_live) = signal(false);
    #[cfg(feature = "hydrate")]
    {
        // The newest refetch wins: an older answer arriving late is dropped.
        let latest = StoredValue::new(0_u64);
        let refetch = move || {
            let generation = latest.get_value() + 1;
            latest.set_value(generation);
            leptos::task::spawn_local(async move {
                let result = get_dashboard().await;
                if latest.get_value() == generation {
                    state.set(match result {
                        Ok(data) => (None, data),
                        Err(e) => (Some(e.to_string()), DashboardData::default()),
                    });
                }
            });
        };
        let subscription = StoredValue::new_local(None::<crate::live::Live>);
        Effect::new(move |_| {
            let signed_in = state.with(|(_, data)| data.wallet.is_some());
            if signed_in && subscription.with_value(Option::is_none) {
                let live = crate::live::subscribe(refetch, move |open| set_live.set(open));
                subscription.set_value(live);
            }
        });
        on_cleanup(move || subscription.set_value(None));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_live;
    move || {
        let (failed, data) = state.get();
        view! {
            {failed.map(|message| view! {
                <div class="notice notice-error" role="alert" data-testid="dashboard-error">
                    <p>{format!("Your dashboard could not be loaded: {message}")}</p>
                </div>
            })}
            {outcome.clone().map(|outcome| match outcome {
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
                ConnectOutcome::Failed(failure) => {
                    let wallet = data.wallet.clone();
                    view! {
                        <div class="notice notice-error" role="alert" data-testid="connect-error-message" data-code=failure.code()>
                            <p>{failure.message()}</p>
                            {failure.reconnect_helps().then(|| view! { <TikTokShopConnectButton wallet=wallet label="Reconnect TikTok Shop" /> })}
                        </div>
                    }.into_any()
                }
            })}
            {data.pending_install.clone().map(|held| view! { <ClaimCard held=held wallet=data.wallet.clone() /> })}
            <DashboardBody data=data live=live />
        }
    }
}

#[component]
fn DashboardBody(data: DashboardData, #[prop(into)] live: Signal<bool>) -> impl IntoView {
    let DashboardData {
        wallet,
        connections,
        score,
        insights,
        shares,
        ..
    } = data;
    let has_score = score.is_some();
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
        {insights.map(|i| view! { <InsightsPanel insights=i live=live /> })}
        {has_score.then(|| view! { <SharePanel shares=shares /> })}
        <BusinessConnectionManager wallet=wallet connections=connections />
    }
    .into_any()
}

/// An App Store install held for this browser: confirm it for the signed-in wallet.
#[component]
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
                    <ActionForm action=claim>
                        <input type="hidden" name="wallet" value=wallet.clone() />
                        <button type="submit" class="button tiktok-button tiktok-primary" data-testid="claim-install">
                            {format!("Connect it to {wallet}")}
                        </button>
                    </ActionForm>
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
