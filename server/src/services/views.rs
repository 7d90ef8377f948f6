//! From the domain's reports to the JSON views of `app::api`: amounts become numbers in major
//! units (for display and scripts) only here, at the edge.

use app::api::{
    Amounts, ConnectionView, FactorView, FetchIssue, ReasonView, RevenueData, ScoreView,
    SignalView, SourceShare,
};
use shopscore::income::{IncomeFigures, IncomeReport};
use shopscore::records::SourceKind;
use shopscore::score::{Confidence, Direction, FactorKind, ScoreReport};

use crate::db::ConnectionRow;

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

fn amounts(f: &IncomeFigures, aov: f64) -> Amounts {
    Amounts {
        total_revenue: f.gmv.to_major_f64(),
        net_revenue: f.net_revenue.to_major_f64(),
        average_order_value: aov,
        affiliate_commission: f.affiliate_settled.to_major_f64(),
        estimated_commission: f.affiliate_estimated.to_major_f64(),
        monthly_income: f.monthly_income.to_major_f64(),
        pending: f.pending.to_major_f64(),
        refunds: f.refunds.to_major_f64(),
    }
}

/// Rounds to the currency's minor unit for display (`2/3` of a cent never shows).
fn per_order(total: &shopscore::money::Money, orders: u64) -> f64 {
    if orders == 0 {
        return 0.0;
    }
    let minor = total.minor / orders as i64;
    let scale = 10f64.powi(total.currency.exponent() as i32);
    minor as f64 / scale
}

/// The seed's `revenueData` for one connection, from its own income report.
pub fn revenue_data(report: &IncomeReport) -> Option<RevenueData> {
    let source = report.sources.first()?;
    let original = &source.original;
    let usd = source
        .usd
        .as_ref()
        .map(|usd| amounts(usd, per_order(&usd.gmv, source.counts.paid_orders)));
    Some(RevenueData {
        total_revenue: original.gmv.to_major_f64(),
        net_revenue: original.net_revenue.to_major_f64(),
        order_count: source.counts.completed_orders,
        paid_order_count: source.counts.paid_orders,
        average_order_value: per_order(&original.gmv, source.counts.paid_orders),
        return_rate: if original.gmv.minor > 0 {
            Some(original.refunds.minor as f64 / original.gmv.minor as f64)
        } else {
            None
        },
        affiliate_commission: original.affiliate_settled.to_major_f64(),
        estimated_commission: original.affiliate_estimated.to_major_f64(),
        monthly_income: original.monthly_income.to_major_f64(),
        items_sold: source.counts.items_sold,
        period_days: report.window.days,
        currency: source.source.currency.code().to_string(),
        usd,
        shop_rating: source.source.metrics.as_ref().and_then(|m| m.rating),
    })
}

/// A connection as the page and `/api/connections` show it.
pub fn connection_view(row: &ConnectionRow) -> ConnectionView {
    let revenue = row
        .revenue_data
        .as_deref()
        .and_then(|json| serde_json::from_str::<IncomeReport>(json).ok())
        .and_then(|report| revenue_data(&report));
    ConnectionView {
        id: row.id.clone(),
        platform: row.platform.clone(),
        account_kind: row.account_kind.clone(),
        shop_name: row.shop_name.clone(),
        region: row.region.clone(),
        currency: row.currency.clone(),
        status: row.status.clone(),
        connected_at: rfc3339(row.connected_at),
        last_synced_at: row.last_synced_at.map(rfc3339),
        revenue_data: revenue,
        scopes: row.scopes.clone(),
        fetch_issues: serde_json::from_str::<Vec<FetchIssue>>(&row.fetch_issues)
            .unwrap_or_default(),
        needs_reconnect: row.status == "needs_reconnect",
        stale: is_stale(row, crate::db::now_unix()),
        next_sync_at: row.next_sync_at.map(rfc3339),
        syncing: row.sync_fetched > 0 || row.sync_total > 0,
        sync_fetched: row.sync_fetched.max(0) as u64,
        sync_total: row.sync_total.max(0) as u64,
    }
}

/// How late a sync may be before the data counts as stale.
const STALE_AFTER_OVERDUE_SECS: i64 = 3600;
/// Data older than this is stale whatever the schedule says (twice the daily cadence).
const STALE_AFTER_SECS: i64 = 2 * 86_400;

/// Stale: never synced, synced too long ago, or a sync overdue by more than an hour.
pub fn is_stale(row: &ConnectionRow, now: i64) -> bool {
    if row.status != "active" {
        return row.status == "needs_reconnect";
    }
    match row.last_synced_at {
        None => true,
        Some(at) => {
            now - at > STALE_AFTER_SECS
                || row
                    .next_sync_at
                    .is_some_and(|due| now - due > STALE_AFTER_OVERDUE_SECS)
        }
    }
}

fn factor_id(kind: FactorKind) -> (&'static str, &'static str) {
    match kind {
        FactorKind::Revenue => ("revenue", "Revenue"),
        FactorKind::Consistency => ("consistency", "Consistency"),
        FactorKind::Reliability => ("reliability", "Reliability"),
        FactorKind::Growth => ("growth", "Growth"),
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
            .map(|f| {
                let (id, name) = factor_id(f.kind);
                FactorView {
                    id: id.to_string(),
                    name: name.to_string(),
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
                            points: s.points,
                            weight: s.effective_weight,
                            missing: s.missing,
                        })
                        .collect(),
                }
            })
            .collect(),
        reasons: score
            .holding_down
            .iter()
            .chain(score.helping.iter())
            .map(reason)
            .collect(),
        model_version: score.model_version.clone(),
        inputs_digest: score.inputs_digest.clone(),
        computed_at: rfc3339(computed_at),
        sources: income
            .sources
            .iter()
            .map(|s| SourceShare {
                id: s.source.id.clone(),
                name: s.source.name.clone(),
                kind: match s.source.kind {
                    SourceKind::Shop => "shop",
                    SourceKind::Creator => "creator",
                }
                .to_string(),
                share: s.share,
                monthly_income_usd: s
                    .usd
                    .as_ref()
                    .map(|u| u.monthly_income.to_major_f64())
                    .unwrap_or(0.0),
            })
            .collect(),
        total_income_usd: income.usd.total_income.to_major_f64(),
        monthly_income_usd: income.usd.monthly_income.to_major_f64(),
        monthly_series_usd: income
            .usd
            .monthly_series
            .iter()
            .map(|m| m.to_major_f64())
            .collect(),
        weekly_orders: income.weekly_order_counts.clone(),
        reconciliation: format!("{:?}", income.reconciliation.status).to_lowercase(),
        period_days: income.window.days,
    }
}
