//! How far a lender can rely on the score: HIGH, then one step down (MEDIUM, LOW) for each
//! shortfall, each with a `CONFIDENCE_*` reason.

use super::{Confidence, Direction, Factor, Reason};
use crate::income::{IncomeReport, ReconciliationStatus};

/// Minimum countable transactions (countable orders + settled affiliate orders of other shops)
/// for HIGH confidence.
pub const ENOUGH_TRANSACTIONS: u64 = 30;
/// A pending share of GMV above this lowers confidence.
const PENDING_SHARE_LIMIT: f64 = 0.25;
/// A factor that lost more than this share of its weight to missing signals lowers confidence.
const MISSING_WEIGHT_LIMIT: f64 = 1.0 / 3.0;

fn reason(code: &str, message: &str) -> Reason {
    Reason {
        code: code.to_string(),
        factor: None,
        direction: Direction::HoldingDown,
        impact: 0.0,
        message: message.to_string(),
    }
}

/// The confidence and its reasons.
pub(crate) fn assess(income: &IncomeReport, factors: &[Factor]) -> (Confidence, Vec<Reason>) {
    let mut steps = 0u8;
    let mut reasons = Vec::new();
    let mut step = |n: u8, code: &str, message: &str| {
        steps += n;
        reasons.push(reason(code, message));
    };
    let own: u64 = income.sources.iter().map(|s| s.self_dealing.orders).sum();
    let c = &income.counts;
    let transactions = c.countable_orders + c.affiliate_settled_orders.saturating_sub(own);
    if transactions < 5 {
        step(2, "CONFIDENCE_VERY_FEW_TRANSACTIONS", "There are fewer than 5 delivered orders or settled commissions in the window, so the score rests on very little data.");
    } else if transactions < ENOUGH_TRANSACTIONS {
        step(1, "CONFIDENCE_FEW_TRANSACTIONS", "There are fewer than 30 delivered orders or settled commissions in the window; more sales history makes the score more reliable.");
    }
    let worst = income
        .sources
        .iter()
        .map(|s| s.reconciliation.status)
        .max()
        .unwrap_or(ReconciliationStatus::NotApplicable);
    match worst {
        ReconciliationStatus::Shortfall => step(2, "CONFIDENCE_PAYOUT_SHORTFALL", "Money settled or paid out is far below your verified income; what could not be matched to settlements is not counted for a shop, and the rest rests on little evidence."),
        ReconciliationStatus::Partial => step(1, "CONFIDENCE_PAYOUT_PARTIAL", "Only part of your verified income has been matched to money settled or paid out yet; a shop's unmatched sales are not counted."),
        ReconciliationStatus::Unavailable => step(1, "CONFIDENCE_PAYOUTS_NOT_VERIFIED", "Your sales could not be matched to settlements or payouts; granting the finance permission lets us verify them."),
        ReconciliationStatus::Excess | ReconciliationStatus::Reconciled | ReconciliationStatus::VerifiedBySettlement | ReconciliationStatus::NotApplicable => {}
    }
    if income
        .sources
        .iter()
        .any(|s| s.reconciliation.status == ReconciliationStatus::Excess)
    {
        step(1, "CONFIDENCE_PAYOUT_EXCESS", "Your shop was settled much more money than its orders explain; the orders we were given may be incomplete.");
    }
    if income
        .sources
        .iter()
        .any(|s| !s.source.missing_scopes.is_empty())
    {
        step(1, "CONFIDENCE_MISSING_PERMISSIONS", "Some data permissions were not granted, so parts of your activity are missing; reconnect and grant every permission.");
    }
    if income.has_data_warnings() {
        step(1, "CONFIDENCE_DATA_EXCLUDED", "Some records could not be counted (unknown statuses, ambiguous or invalid amounts, mixed currencies or dates); they are listed in the income report.");
    }
    if income.window.days < 60 {
        step(
            1,
            "CONFIDENCE_SHORT_WINDOW",
            "The income window is shorter than 60 days.",
        );
    }
    if income
        .pending_share
        .is_some_and(|s| s > PENDING_SHARE_LIMIT)
    {
        step(1, "CONFIDENCE_MANY_PENDING_ORDERS", "More than a quarter of your sales are paid but not yet delivered; they count once they are delivered.");
    }
    if income.sources.iter().any(|s| s.analytics.flagged) {
        step(1, "CONFIDENCE_ANALYTICS_GAP", "The sales in your orders are more than 10% above TikTok's own analytics for your shop.");
    }
    if income.self_dealing_found() {
        step(1, "CONFIDENCE_SELF_DEALING", "Your creator account earned commission on your own shop's products; that commission is not counted as income.");
    }
    if factors.iter().any(|f| f.missing) {
        step(
            1,
            "CONFIDENCE_FACTOR_WITHOUT_DATA",
            "At least one factor had no data at all and scored the neutral prior.",
        );
    } else if factors
        .iter()
        .any(|f| f.missing_weight > MISSING_WEIGHT_LIMIT)
    {
        step(1, "CONFIDENCE_SIGNALS_MISSING", "A factor lost more than a third of its weight to signals that could not be measured, so it rests on the neutral prior.");
    }
    let level = match steps {
        0 => Confidence::High,
        1 => Confidence::Medium,
        _ => Confidence::Low,
    };
    (level, reasons)
}
