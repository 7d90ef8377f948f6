//! `BusinessConnectionManager`: the platforms a borrower can connect (TikTok Shop live, others
//! coming later) and a card per connection with its status, last sync, figures, reconnect and
//! disconnect. What a card says is rendered on the server ([`connection_card`]); the manager,
//! in the dashboard's island, adds the buttons.

use leptos::prelude::*;

use super::connect_button::{ButtonSize, ButtonVariant, TikTokShopConnectButton};
use super::form::PostForm;
use super::format::{money, percent, when};
use crate::api::{ConnectionCardView, ConnectionView, DisconnectConnection};

/// A platform in the registry.
struct Platform {
    name: &'static str,
    blurb: &'static str,
    live: bool,
}

const PLATFORMS: &[Platform] = &[
    Platform {
        name: "TikTok Shop",
        blurb: "Seller sales and creator affiliate commissions",
        live: true,
    },
    Platform {
        name: "Shopify",
        blurb: "Store sales",
        live: false,
    },
    Platform {
        name: "Stripe",
        blurb: "Payment processing",
        live: false,
    },
    Platform {
        name: "YouTube",
        blurb: "Ad revenue",
        live: false,
    },
];

fn status_label(status: &str) -> (&'static str, &'static str) {
    match status {
        "active" => ("Connected", "status-ok"),
        "needs_reconnect" => ("Needs reconnecting", "status-warn"),
        "revoked" => ("Access revoked", "status-error"),
        _ => ("Unknown", "status-warn"),
    }
}

/// The platform registry and the wallet's connections.
#[component]
pub fn BusinessConnectionManager(
    /// The signed-in wallet.
    wallet: Option<String>,
    /// Its connections' cards, as the island refreshes them.
    #[prop(into)]
    connections: Signal<Vec<ConnectionCardView>>,
) -> impl IntoView {
    let disconnect = ServerAction::<DisconnectConnection>::new();
    // After a disconnect the page's data is stale: reload it.
    Effect::new(move |_| {
        if let Some(Ok(())) = disconnect.value().get() {
            #[cfg(feature = "hydrate")]
            crate::web3::reload();
        }
    });
    let has_connections = Memo::new(move |_| connections.with(|c| !c.is_empty()));
    let card_wallet = wallet.clone();
    let cards = move || {
        connections
            .get()
            .into_iter()
            .map(|c| view! { <ConnectionCard card=c wallet=card_wallet.clone() disconnect=disconnect /> })
            .collect_view()
    };
    view! {
        <section class="section" aria-labelledby="platforms-title">
            <h2 id="platforms-title">"Income sources"</h2>
            <ul class="platform-list">
                {PLATFORMS.iter().map(|p| {
                    let wallet = wallet.clone();
                    view! {
                        <li class="card platform" class:platform-soon=!p.live>
                            <div>
                                <h3>{p.name}</h3>
                                <p class="muted">{p.blurb}</p>
                            </div>
                            {if p.live {
                                (move || view! {
                                    <TikTokShopConnectButton wallet=wallet.clone() size=ButtonSize::Sm
                                        label=if has_connections.get() { "Connect another" } else { "Connect TikTok Shop" } />
                                }).into_any()
                            } else {
                                view! { <span class="badge">"Coming later"</span> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="connection-list" data-testid="connections">{cards}</div>
        </section>
    }
}

/// A connection's card as the dashboard's island shows it: the body the server rendered, and
/// the buttons.
#[component]
fn ConnectionCard(
    card: ConnectionCardView,
    wallet: Option<String>,
    /// The manager's disconnect action.
    disconnect: ServerAction<DisconnectConnection>,
) -> impl IntoView {
    let ConnectionCardView {
        id,
        shop_name,
        creator,
        market,
        reconnect,
        body_html,
    } = card;
    view! {
        <article class="card connection" data-testid="connection-card" aria-label=format!("{shop_name} connection")>
            <div class="connection-body" inner_html=body_html></div>
            <footer class="connection-actions">
                {reconnect.then(|| view! {
                    <TikTokShopConnectButton wallet=wallet.clone() size=ButtonSize::Sm variant=ButtonVariant::Outline label="Reconnect"
                        creator=creator market=market />
                })}
                <PostForm action=disconnect read=|field| Ok(DisconnectConnection { id: field("id").unwrap_or_default() })>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button button-ghost button-sm" data-testid="disconnect">"Disconnect"</button>
                </PostForm>
            </footer>
        </article>
    }
}

/// A connection's card for the dashboard's island, its body rendered here (on the server).
pub fn connection_card(connection: ConnectionView) -> ConnectionCardView {
    ConnectionCardView {
        id: connection.id.clone(),
        shop_name: connection.shop_name.clone(),
        creator: connection.account_kind == "creator",
        // A reconnect goes to the Partner Center the shop belongs to.
        market: if connection.region == "US" {
            "us"
        } else {
            "global"
        }
        .to_string(),
        reconnect: connection.needs_reconnect || connection.status != "active",
        body_html: view! { <ConnectionBody connection=connection /> }.to_html(),
    }
}

/// What a connection's card says: status, last sync, import progress, figures and notes.
#[component]
fn ConnectionBody(connection: ConnectionView) -> impl IntoView {
    let (label, class) = status_label(&connection.status);
    let kind = if connection.account_kind == "creator" {
        "Creator account"
    } else {
        "Shop"
    };
    let revenue = connection.revenue_data.clone();
    let currency = connection.currency.clone();
    view! {
        <header class="connection-head">
            <div>
                <h3>{connection.shop_name.clone()}</h3>
                <p class="muted">{format!("TikTok Shop · {kind} · {} · {}", connection.region, connection.currency)}</p>
            </div>
            <span class=format!("status {class}") data-testid="connection-status">{label}</span>
        </header>
        <p class="muted sync-line" data-testid="sync-line">
            {match &connection.last_synced_at {
                Some(t) => format!("Last synced {}", when(t)),
                None => "Not synced yet".to_string(),
            }}
            {connection.next_sync_at.as_ref().map(|t| format!(" · next sync {}", when(t)))}
        </p>
        {connection.stale.then(|| view! {
            <p class="stale-note" data-testid="stale">
                "These figures are out of date: the last sync is overdue. "
                {if connection.needs_reconnect { "Reconnect to refresh them." } else { "We keep retrying." }}
            </p>
        })}
        {connection.needs_reconnect.then(|| view! {
            <p class="reconnect-note" role="alert" data-testid="needs-reconnect">
                "TikTok Shop no longer accepts this connection's authorization. Reconnect to keep your score current."
            </p>
        })}
        {connection.syncing.then(|| {
            let (fetched, total) = (connection.sync_fetched, connection.sync_total);
            let known = total > 0;
            let percent = if known { (fetched as f64 / total as f64 * 100.0).clamp(0.0, 100.0) } else { 0.0 };
            let text = if known {
                format!("Importing your records: {fetched} of {total}")
            } else {
                format!("Importing your records: {fetched} so far")
            };
            view! {
                <div class="sync-progress" data-testid="sync-progress">
                    <p class="muted">{text.clone()}</p>
                    <svg class="share-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="progressbar"
                        aria-label=text aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{percent:.0}")>
                        <rect x="0" y="0" width="100" height="8" rx="4" class="share-track" />
                        <rect x="0" y="0" width=format!("{percent:.1}") height="8" rx="4" class="share-fill" />
                    </svg>
                </div>
            }
        })}
        {revenue.map(|r| {
            let is_creator = connection.account_kind == "creator";
            let a = r.amounts.clone();
            // What is shown beside verified income and never counted in it.
            let mut aside: Vec<(&'static str, &'static str, f64, String)> = Vec::new();
            let mut note = |testid, label, value: f64, why: String| {
                if value.abs() >= 0.005 {
                    aside.push((testid, label, value, why));
                }
            };
            note("pending", "Pending delivery", a.pending, format!("{} paid orders not delivered yet: counted once delivered", r.pending_order_count));
            note("refunds-in-progress", "Returns in progress", a.refunds_in_progress, format!("{} open returns, deducted in full", r.open_return_count));
            note("return-reserve", "Return reserve", a.return_reserve, "recent sales still inside their return period, reduced by this shop's return rate".into());
            note("micro-orders", "Very small orders", a.micro_orders, "orders far below this shop's typical order do not count".into());
            note("capped", "Not covered by payouts", a.capped_by_reconciliation, "sales TikTok's settlements do not cover".into());
            note("self-dealing", "Own-shop commission", a.self_dealing_excluded, "commission earned on your own shops is excluded".into());
            note("estimated-commission", "Estimated commission", a.estimated_commission, "not settled yet".into());
            note("unsettled", "Money on its way", a.unsettled, "TikTok's upcoming settlements: not counted until paid".into());
            note("seller-commission", "Commission paid to creators", a.seller_commission_paid, "a cost of this shop's affiliate sales".into());
            let reconciliation = r.reconciliation.clone();
            let analytics = r.analytics.clone();
            view! {
                <dl class="figures">
                    {(!is_creator).then(|| view! {
                        <div><dt>"Verified sales"</dt><dd data-testid="gmv">{money(a.total_revenue, &currency)}</dd></div>
                        <div><dt>"Net revenue"</dt><dd data-testid="net-revenue">{money(a.net_revenue, &currency)}</dd></div>
                        <div><dt>"Orders counted"</dt><dd data-testid="order-count">{r.order_count.to_string()}</dd></div>
                        <div><dt>"Return rate"</dt><dd>{r.return_rate.map(percent).unwrap_or_else(|| "—".into())}</dd></div>
                    })}
                    <div><dt>"Settled commission"</dt><dd data-testid="commission">{money(a.affiliate_commission, &currency)}</dd></div>
                    <div><dt>"Monthly income"</dt><dd data-testid="connection-monthly">{money(a.monthly_income, &currency)}</dd></div>
                </dl>
                {(!aside.is_empty()).then(|| view! {
                    <details class="not-counted" data-testid="not-counted">
                        <summary>"Shown, not counted"</summary>
                        <dl class="figures figures-aside">
                            {aside.into_iter().map(|(testid, label, value, why)| view! {
                                <div data-testid=testid><dt>{label}</dt><dd>{money(value, &currency)}</dd><dd class="muted">{why}</dd></div>
                            }).collect_view()}
                        </dl>
                    </details>
                })}
                <p class="muted" data-testid="reconciliation" data-status=reconciliation.status.clone()>
                    {reconciliation.explanation.clone()}
                </p>
                {(analytics.status != "unavailable").then(|| view! {
                    <p class="muted" data-testid="analytics-check" data-status=analytics.status.clone()>
                        {match analytics.status.as_str() {
                            "gap" => "TikTok's own analytics report less than the sales derived from your orders: the difference lowers confidence.".to_string(),
                            _ => "TikTok's own analytics agree with the sales derived from your orders.".to_string(),
                        }}
                    </p>
                })}
            }
        })}
        {(!connection.fetch_issues.is_empty()).then(|| view! {
            <ul class="issues" data-testid="fetch-issues">
                {connection.fetch_issues.iter().map(|i| view! { <li>{i.message.clone()}</li> }).collect_view()}
            </ul>
        })}
    }
}
