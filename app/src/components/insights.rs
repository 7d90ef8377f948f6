//! Insights beside the score: today's orders, each shop's products, each creator account's
//! affiliate network (promoted shops, content, campaigns), verified income over the history and
//! seasonality. Plain tables: readable without JavaScript and by screen readers.

use leptos::prelude::*;

use super::charts::BarChart;
use super::format::{money, percent};
use crate::api::{AffiliateView, AmountView, CommissionSliceView, InsightsView, ShopProductsView};

/// The id of the live-updates indicator (the dashboard's island marks it).
pub const INDICATOR_ID: &str = "live-indicator";

fn amount(a: &AmountView) -> String {
    match a.usd {
        Some(usd) if a.currency != "USD" => {
            format!("{} ({})", money(a.amount, &a.currency), money(usd, "USD"))
        }
        _ => money(a.amount, &a.currency),
    }
}

fn optional_percent(v: Option<f64>) -> String {
    v.map(percent).unwrap_or_else(|| "—".into())
}

/// Everything the insights show.
#[component]
pub fn InsightsPanel(insights: InsightsView) -> impl IntoView {
    let InsightsView {
        shops,
        creators,
        monthly,
        weekly,
        seasonality,
        today,
        history_days,
        ..
    } = insights;
    let total = |series: &[crate::api::SeriesView]| {
        series
            .iter()
            .find(|s| s.source == "total")
            .and_then(|s| s.values_usd.clone().or(Some(s.values.clone())))
            .unwrap_or_default()
    };
    let monthly_total = total(&monthly);
    let weekly_total = total(&weekly);
    let months: Vec<String> = (1..=monthly_total.len()).map(|i| format!("M{i}")).collect();
    let weeks: Vec<String> = (1..=weekly_total.len()).map(|i| format!("W{i}")).collect();
    let usd = |v: f64| money(v, "USD");
    view! {
        <section class="section insights" aria-labelledby="insights-title" data-testid="insights">
            <h2 id="insights-title">"Insights"</h2>
            <div class="card today-card" data-testid="today">
                <h3>
                    "Today "
                    // The dashboard's live island marks it live while updates arrive.
                    <span class="live-indicator" id=INDICATOR_ID data-testid="live-indicator" data-live="false">
                        "updates on reload"
                    </span>
                </h3>
                <ul class="today-list">
                    {today.into_iter().map(|t| view! {
                        <li data-testid="today-shop">
                            <span class="share-name">{t.name}</span>
                            <span data-testid="today-orders">{format!("{} orders", t.orders)}</span>
                            " · "
                            <span data-testid="today-gmv">{amount(&t.gmv)}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <p class="muted">"Paid orders of the last 24 hours; they count as income once delivered."</p>
            </div>
            {shops.into_iter().map(|t| view! { <ProductTable table=t /> }).collect_view()}
            {creators.into_iter().map(|a| view! { <AffiliatePanel affiliate=a /> }).collect_view()}
            <div class="chart-grid">
                <div class="card">
                    <BarChart title=format!("Verified income per 30 days over {history_days} days (USD)") labels=months values=monthly_total format=usd class="chart-income" />
                </div>
                <div class="card">
                    <BarChart title="Verified income per week (USD)" labels=weeks values=weekly_total format=usd class="chart-income" />
                </div>
            </div>
            <div class="card" data-testid="seasonality">
                <h3>"Seasonality"</h3>
                <p>{seasonality.note.clone()}</p>
                {seasonality.year_over_year.map(|y| view! {
                    <p>{format!("Last 30 days {} against {} a year earlier ({}).", usd(y.latest), usd(y.year_earlier), y.change.map(|c| format!("{:+.1}%", c * 100.0)).unwrap_or_else(|| "no change to compare".into()))}</p>
                })}
            </div>
        </section>
    }
}

#[component]
fn ProductTable(table: ShopProductsView) -> impl IntoView {
    let concentration = table.top_product_share.filter(|s| *s >= 0.5).map(|s| {
        format!(
            "One product brings {} of this shop's verified revenue: a concentration risk.",
            percent(s)
        )
    });
    view! {
        <div class="card products" data-testid="product-table">
            <h3>{format!("Products · {}", table.name)}</h3>
            <table class="data-table">
                <caption>{format!("By verified revenue; the top product's share: {}", optional_percent(table.top_product_share))}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Product"</th>
                        <th scope="col">"Verified revenue"</th>
                        <th scope="col">"Share"</th>
                        <th scope="col">"Orders"</th>
                        <th scope="col">"Items"</th>
                        <th scope="col">"Return rate"</th>
                    </tr>
                </thead>
                <tbody>
                    {table.products.into_iter().map(|p| view! {
                        <tr data-testid="product-row">
                            <th scope="row">{p.name}</th>
                            <td>{amount(&p.revenue)}</td>
                            <td>{percent(p.share)}</td>
                            <td>{p.orders.to_string()}</td>
                            <td>{p.items_sold.to_string()}</td>
                            <td>{optional_percent(p.return_rate)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {concentration.map(|c| view! { <p class="note-warn">{c}</p> })}
        </div>
    }
}

fn slices(
    title: &'static str,
    testid: &'static str,
    rows: Vec<CommissionSliceView>,
) -> impl IntoView {
    (!rows.is_empty()).then(|| {
        view! {
            <table class="data-table" data-testid=testid>
                <caption>{title}</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Settled commission"</th><th scope="col">"Share"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let label = if r.kind.is_empty() { r.label } else { format!("{} ({})", r.label, r.kind) };
                        view! { <tr><th scope="row">{label}</th><td>{amount(&r.commission)}</td><td>{percent(r.share)}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

#[component]
fn AffiliatePanel(affiliate: AffiliateView) -> impl IntoView {
    view! {
        <div class="card affiliate" data-testid="affiliate-shops">
            <h3>{format!("Affiliate network · {}", affiliate.name)}</h3>
            <p class="muted">
                {format!(
                    "Settled {} of the commission tracked; {} clawed back; the top shop brings {}.",
                    optional_percent(affiliate.settled_ratio),
                    optional_percent(affiliate.clawback_rate),
                    optional_percent(affiliate.top_shop_share)
                )}
            </p>
            <table class="data-table">
                <caption>"Promoted shops"</caption>
                <thead><tr><th scope="col">"Shop"</th><th scope="col">"Settled"</th><th scope="col">"Estimated"</th><th scope="col">"Share"</th></tr></thead>
                <tbody>
                    {affiliate.shops.into_iter().map(|s| view! {
                        <tr data-testid="affiliate-shop">
                            <th scope="row">{s.name}{s.self_dealing.then_some(" (your own shop: excluded)")}</th>
                            <td>{amount(&s.commission)}</td>
                            <td>{amount(&s.estimated)}</td>
                            <td>{percent(s.share)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {slices("By content type", "content-types", affiliate.content_types)}
            {slices("Top content", "top-content", affiliate.top_content)}
            {slices("By campaign", "campaigns", affiliate.campaigns)}
            {slices("By collaboration", "collaborations", affiliate.collaborations)}
        </div>
    }
}
