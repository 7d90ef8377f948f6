//! From the domain's reports and the typed rows to the JSON views of `app::api`: amounts become
//! numbers in major units (for display and scripts) only here, at the edge.

use app::api::{
    AffiliateShopView, AffiliateView, AmountView, Amounts, AnalyticsView, CommissionSliceView,
    ConnectionView, FactorView, InsightsView, ProductView, ReasonView, ReconciliationView,
    RevenueData, ScoreView, SeasonalityView, SeriesView, ShopProductsView, SignalView, SourceShare,
    TodayView, UnavailableView, WarningView, YearOverYearView,
};
use shopscore::income::{
    AnalyticsCheck, IncomeFigures, IncomeReport, Reconciliation, ReconciliationStatus,
    SourceIncome, WarningCode,
};
use shopscore::insights::{Insights, SeriesInsight};
use shopscore::money::Money;
use shopscore::records::SourceInfo;
use shopscore::score::{Confidence, Direction, FactorKind, ScoreReport};

use crate::db::{Connection, ConnectionStatus};

/// RFC 3339 for a unix time.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The name an enum has on the wire, in `snake_case` (`verifiedBySettlement` →
/// `verified_by_settlement`).
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    let name = serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let camel = name.chars().any(|c| c.is_ascii_lowercase());
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if camel && i > 0 && c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn major(m: Money) -> f64 {
    m.to_major_f64()
}

/// `total ÷ orders`, rounded down to the currency's minor unit (2/3 of a cent never shows).
fn per_order(total: Money, orders: u64) -> f64 {
    if orders == 0 {
        return 0.0;
    }
    Money::new(total.minor / orders as i64, total.currency).to_major_f64()
}

fn amounts(f: &IncomeFigures, counted_orders: u64) -> Amounts {
    Amounts {
        total_revenue: major(f.delivered_gmv),
        net_revenue: major(f.net_revenue),
        average_order_value: per_order(f.delivered_gmv, counted_orders),
        affiliate_commission: major(f.commission_verified),
        estimated_commission: major(f.commission_estimated),
        verified_income: major(f.total_income),
        monthly_income: major(f.monthly_income),
        ordered_sales: major(f.gmv),
        pending: major(f.pending),
        micro_orders: major(f.micro_orders),
        refunds: major(f.refunds),
        refunds_in_progress: major(f.refunds_in_progress),
        return_reserve: major(f.return_reserve),
        capped_by_reconciliation: major(f.capped_by_reconciliation),
        self_dealing_excluded: major(f.self_dealing_excluded),
        seller_commission_paid: major(f.seller_commission_paid),
        unsettled: major(f.unsettled),
        settled_revenue: major(f.settled_revenue),
    }
}

fn reconciliation(r: &Reconciliation) -> ReconciliationView {
    let ratio = r
        .ratio
        .map(|x| format!("{:.0}%", x * 100.0))
        .unwrap_or_default();
    let explanation = match r.status {
        ReconciliationStatus::NotApplicable => "Nothing to reconcile: no sales due to have settled.".to_string(),
        ReconciliationStatus::VerifiedBySettlement => "Commission counts only once TikTok settled it.".to_string(),
        ReconciliationStatus::Reconciled => format!("TikTok's payouts cover the delivered sales due to have settled ({ratio})."),
        ReconciliationStatus::Partial => format!("TikTok's payouts cover only part of the delivered sales due to have settled ({ratio}); income is capped at what they cover."),
        ReconciliationStatus::Shortfall => format!("TikTok's payouts fall far short of the delivered sales due to have settled ({ratio}); income is capped at what they cover."),
        ReconciliationStatus::Excess => format!("TikTok settled far more than the orders explain ({ratio}); the difference is not counted."),
        ReconciliationStatus::Unavailable => "TikTok's settlements could not be read, so the sales are not checked against payouts.".to_string(),
    };
    ReconciliationView {
        status: wire_name(&r.status),
        verified_by: r.verified_by.as_ref().map(wire_name),
        settled: major(r.settled),
        expected: major(r.expected),
        ratio: r.ratio,
        explanation,
    }
}

fn analytics(a: &AnalyticsCheck) -> AnalyticsView {
    AnalyticsView {
        status: wire_name(&a.status),
        derived_gmv: a.derived_gmv.map(major),
        tiktok_gmv: a.tiktok_gmv.map(major),
        ratio: a.ratio,
        flagged: a.flagged,
    }
}

/// The seed's `revenueData` of one source of the wallet's report.
pub fn revenue_data(source: &SourceIncome, report: &IncomeReport) -> RevenueData {
    let counted = source.counts.countable_orders;
    RevenueData {
        amounts: amounts(&source.original, counted),
        order_count: counted,
        completed_order_count: source.counts.completed_orders,
        paid_order_count: source.counts.paid_orders,
        pending_order_count: source.counts.pending_orders,
        open_return_count: source.counts.open_returns,
        return_rate: source.return_rate,
        on_time_shipping: source.on_time_shipping,
        items_sold: source.counts.items_sold,
        period_days: report.window.days,
        currency: source.source.currency.code().to_string(),
        usd: source.usd.as_ref().map(|usd| amounts(usd, counted)),
        shop_rating: None,
        reconciliation: reconciliation(&source.reconciliation),
        analytics: analytics(&source.analytics),
    }
}

/// How late a sync may be before the data counts as stale.
const STALE_AFTER_OVERDUE_SECS: i64 = 3600;
/// Data older than this is stale whatever the schedule says (twice the daily cadence).
const STALE_AFTER_SECS: i64 = 2 * 86_400;

/// Stale: never synced, synced too long ago, a sync overdue by more than an hour, or an
/// authorization that needs renewing.
pub fn is_stale(c: &Connection, now: i64) -> bool {
    match c.status {
        ConnectionStatus::Revoked => false,
        ConnectionStatus::NeedsReconnect => true,
        ConnectionStatus::Active => match c.last_synced_at {
            None => true,
            Some(at) => {
                now - at > STALE_AFTER_SECS
                    || c.next_sync_at
                        .is_some_and(|due| now - due > STALE_AFTER_OVERDUE_SECS)
            }
        },
    }
}

/// A connection as the page and `/api/connections` show it.
pub fn connection_view(c: &Connection, scopes: &[String], now: i64) -> ConnectionView {
    ConnectionView {
        id: c.id.clone(),
        platform: crate::db::PLATFORM.to_string(),
        account_kind: c.account.name().to_string(),
        shop_name: c.name.clone(),
        region: c.region.clone(),
        currency: c.currency.code().to_string(),
        status: c.status.as_str().to_string(),
        connected_at: rfc3339(c.connected_at),
        last_synced_at: c.last_synced_at.map(rfc3339),
        revenue_data: c.figures.clone(),
        scopes: scopes.to_vec(),
        fetch_issues: c.fetch_issues.clone(),
        needs_reconnect: c.status == ConnectionStatus::NeedsReconnect,
        stale: is_stale(c, now),
        next_sync_at: c.next_sync_at.map(rfc3339),
        syncing: c.sync.running,
        sync_fetched: c.sync.fetched.max(0) as u64,
        sync_total: c.sync.total.max(0) as u64,
    }
}

fn factor_id(kind: FactorKind) -> &'static str {
    match kind {
        FactorKind::Revenue => "revenue",
        FactorKind::Consistency => "consistency",
        FactorKind::Reliability => "reliability",
        FactorKind::Growth => "growth",
    }
}

/// What a warning means, for the borrower and the lender.
fn warning_text(code: WarningCode, count: u64) -> String {
    let n = |one: &str, many: &str| {
        if count == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    let records = n("record", "records");
    match code {
        WarningCode::OutsideWindow => format!("{count} {records} older than the history were not counted."),
        WarningCode::FutureTimestamp => format!("{count} {records} dated in the future were not counted."),
        WarningCode::UnknownSource => format!("{count} {records} of an account that is not connected were not counted."),
        WarningCode::CurrencyMismatch => format!("{count} {records} in another currency than their account's were not counted."),
        WarningCode::NoFxRate => "An account's currency has no exchange rate to US dollars, so it is left out of the dollar totals and the score.".to_string(),
        WarningCode::NegativeAmount => format!("{count} {records} with an impossible negative amount were not counted."),
        WarningCode::AmountOverflow => "An amount too large to add up was clamped; the totals are suspect.".to_string(),
        WarningCode::ReturnForUnknownOrder => format!("{count} {} for orders not fetched; the refunds are still deducted.", n("return", "returns")),
        WarningCode::UnknownStatus => format!("{count} {records} with a status shopscore does not know were treated cautiously (pending, deducted or estimated)."),
        WarningCode::MissingActualCommission => format!("{count} settled affiliate {} without an actual commission were not counted.", n("order", "orders")),
        WarningCode::Unparseable => format!("{count} {records} from TikTok Shop could not be read and were not counted."),
        WarningCode::AmbiguousAmount => format!("{count} {records} with an amount that reads two ways were not counted."),
        WarningCode::SelfDealing => format!("{count} affiliate {} on the borrower's own shops were excluded.", n("line", "lines")),
        WarningCode::ReconciliationExcess => "A shop was settled far more than its orders explain; the difference is not counted.".to_string(),
        WarningCode::AnalyticsGap => "The sales derived from orders are more than 10% above TikTok's own analytics.".to_string(),
    }
}

/// The borrower's score as `/api/score` and the dashboard show it.
pub fn score_view(income: &IncomeReport, score: &ScoreReport, computed_at: i64) -> ScoreView {
    let reason = |r: &shopscore::score::Reason| ReasonView {
        code: r.code.clone(),
        text: r.message.clone(),
        direction: match r.direction {
            Direction::HoldingDown => "negative",
            Direction::Helping => "positive",
        }
        .to_string(),
    };
    let usd_minor = |m: Money| m.to_major_f64();
    let ordered = income.usd.gmv.minor;
    ScoreView {
        score: score.score,
        grade: format!("{:?}", score.grade),
        grade_label: score.grade_label.clone(),
        confidence: match score.confidence {
            Confidence::High => "HIGH",
            Confidence::Medium => "MEDIUM",
            Confidence::Low => "LOW",
        }
        .to_string(),
        confidence_reasons: score
            .confidence_reasons
            .iter()
            .map(|r| r.message.clone())
            .collect(),
        factors: score
            .factors
            .iter()
            .map(|f| FactorView {
                id: factor_id(f.kind).to_string(),
                name: f.kind.label().to_string(),
                weight: f.weight,
                value: f.score,
                missing: f.missing,
                signals: f
                    .signals
                    .iter()
                    .map(|s| SignalView {
                        id: s.id.clone(),
                        label: s.label.clone(),
                        value: s.display.clone(),
                        points: (!s.missing).then_some(s.points),
                        weight: s.effective_weight,
                        missing: s.missing,
                    })
                    .collect(),
            })
            .collect(),
        reasons: score
            .holding_down
            .iter()
            .chain(score.helping.iter())
            .map(reason)
            .collect(),
        model_version: score.model_version.clone(),
        income_version: score.income_version.clone(),
        inputs_digest: score.inputs_digest.clone(),
        records_digest: score.records_digest.clone(),
        computed_at: rfc3339(computed_at),
        sources: income
            .sources
            .iter()
            .map(|s| SourceShare {
                id: s.source.id.clone(),
                name: s.source.name.clone(),
                kind: s.source.kind.name().to_string(),
                share: s.share,
                monthly_income_usd: s
                    .usd
                    .as_ref()
                    .map_or(0.0, |u| u.monthly_income.to_major_f64()),
            })
            .collect(),
        total_income_usd: usd_minor(income.usd.total_income),
        monthly_income_usd: usd_minor(income.usd.monthly_income),
        pending_usd: usd_minor(income.usd.pending),
        pending_share: income
            .pending_share
            .or_else(|| (ordered > 0).then(|| income.usd.pending.minor as f64 / ordered as f64)),
        monthly_series_usd: income
            .usd
            .monthly_series
            .iter()
            .map(|m| m.to_major_f64())
            .collect(),
        weekly_orders: income.weekly_order_counts.clone(),
        reconciliation: wire_name(&income.reconciliation.status),
        period_days: income.window.days,
        warnings: income
            .warnings
            .iter()
            .map(|w| WarningView {
                code: wire_name_screaming(&w.code),
                count: w.count,
                text: warning_text(w.code, w.count),
                examples: w.examples.clone(),
                lowers_confidence: w.code.lowers_confidence(),
            })
            .collect(),
        unavailable_inputs: score
            .unavailable_inputs
            .iter()
            .map(|u| UnavailableView {
                id: u.id.clone(),
                label: u.label.clone(),
                reason: u.reason.clone(),
            })
            .collect(),
    }
}

/// A `SCREAMING_SNAKE_CASE` wire name as it is.
fn wire_name_screaming<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn amount_view(a: &shopscore::insights::Amount) -> AmountView {
    AmountView {
        amount: major(a.original),
        currency: a.original.currency.code().to_string(),
        usd: a.usd.map(major),
    }
}

fn slice(
    label: String,
    kind: String,
    commission: &shopscore::insights::Amount,
    share: f64,
) -> CommissionSliceView {
    CommissionSliceView {
        label,
        kind,
        commission: amount_view(commission),
        share,
    }
}

fn series(s: &SeriesInsight, name: &dyn Fn(&str) -> String) -> SeriesView {
    SeriesView {
        source: s.source.clone(),
        name: if s.source == "total" {
            "All sources".to_string()
        } else {
            name(&s.source)
        },
        currency: s
            .original
            .first()
            .map_or("USD", |m| m.currency.code())
            .to_string(),
        values: s.original.iter().map(|m| major(*m)).collect(),
        values_usd: s
            .usd
            .as_ref()
            .map(|v| v.iter().map(|m| major(*m)).collect()),
    }
}

/// The insights as `/api/insights` and the dashboard show them; `sources` names each source.
pub fn insights_view(
    insights: &Insights,
    sources: &[SourceInfo],
    computed_at: i64,
) -> InsightsView {
    let name = |id: &str| {
        sources
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    };
    let shops: Vec<ShopProductsView> = insights
        .products
        .iter()
        .map(|t| ShopProductsView {
            source: t.source.clone(),
            name: name(&t.source),
            products: t
                .products
                .iter()
                .map(|p| ProductView {
                    product_id: p.product_id.clone(),
                    name: p.name.clone(),
                    revenue: amount_view(&p.revenue),
                    share: p.share,
                    orders: p.orders,
                    items_sold: p.items_sold,
                    refunds: amount_view(&p.refunds),
                    return_rate: p.return_rate,
                })
                .collect(),
            products_truncated: t.products_truncated,
            top_product_share: t.top_product_share,
        })
        .collect();
    let creators: Vec<AffiliateView> = insights
        .affiliate
        .iter()
        .map(|a| AffiliateView {
            source: a.source.clone(),
            name: name(&a.source),
            shops: a
                .shops
                .iter()
                .map(|s| AffiliateShopView {
                    name: s.shop.clone(),
                    commission: amount_view(&s.commission),
                    estimated: amount_view(&s.estimated),
                    share: s.share,
                    self_dealing: s.self_dealing,
                })
                .collect(),
            top_shop_share: a.top_shop_share,
            content_types: a
                .content_types
                .iter()
                .map(|c| {
                    slice(
                        c.content_type.clone(),
                        String::new(),
                        &c.commission,
                        c.share,
                    )
                })
                .collect(),
            top_content: a
                .top_content
                .iter()
                .map(|c| {
                    slice(
                        c.content_id.clone(),
                        c.content_type.clone(),
                        &c.commission,
                        c.share,
                    )
                })
                .collect(),
            campaigns: a
                .campaigns
                .iter()
                .map(|c| slice(c.campaign_id.clone(), String::new(), &c.commission, c.share))
                .collect(),
            collaborations: a
                .collaborations
                .iter()
                .map(|c| slice(wire_name(&c.kind), String::new(), &c.commission, c.share))
                .collect(),
            settled_ratio: a.settled_ratio,
            clawback_rate: a.clawback_rate,
        })
        .collect();
    // The largest shop and creator account lead (by verified revenue, by settled commission).
    let revenue = |t: &ShopProductsView| -> f64 {
        t.products
            .iter()
            .map(|p| p.revenue.usd.unwrap_or(p.revenue.amount))
            .sum()
    };
    let lead_shop = shops
        .iter()
        .max_by(|a, b| revenue(a).total_cmp(&revenue(b)))
        .cloned();
    let commission = |a: &AffiliateView| -> f64 {
        a.shops
            .iter()
            .map(|s| s.commission.usd.unwrap_or(s.commission.amount))
            .sum()
    };
    let lead_creator = creators
        .iter()
        .max_by(|a, b| commission(a).total_cmp(&commission(b)))
        .cloned();
    let s = &insights.seasonality;
    InsightsView {
        products: lead_shop
            .as_ref()
            .map(|t| t.products.clone())
            .unwrap_or_default(),
        products_truncated: lead_shop.as_ref().is_some_and(|t| t.products_truncated),
        top_product_share: lead_shop.as_ref().and_then(|t| t.top_product_share),
        affiliate: lead_creator,
        shops,
        creators,
        weekly: insights.weekly.iter().map(|x| series(x, &name)).collect(),
        monthly: insights.monthly.iter().map(|x| series(x, &name)).collect(),
        seasonality: SeasonalityView {
            history_days: s.history_days,
            year_over_year: s.year_over_year.as_ref().map(|y| YearOverYearView {
                latest: major(y.latest),
                year_earlier: major(y.year_earlier),
                change: y.change,
            }),
            strongest_month: s.strongest_month,
            note: s.note.clone(),
        },
        today: insights
            .today
            .iter()
            .map(|t| TodayView {
                source: t.source.clone(),
                name: name(&t.source),
                orders: t.orders,
                gmv: amount_view(&t.gmv),
            })
            .collect(),
        history_days: insights.window.history_days,
        computed_at: rfc3339(computed_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_snake_case() {
        assert_eq!(
            wire_name(&ReconciliationStatus::VerifiedBySettlement),
            "verified_by_settlement"
        );
        assert_eq!(wire_name(&ReconciliationStatus::Reconciled), "reconciled");
        assert_eq!(
            wire_name_screaming(&WarningCode::AmbiguousAmount),
            "AMBIGUOUS_AMOUNT"
        );
    }
}
