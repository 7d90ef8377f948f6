//! Verified income: one streaming, order-independent fold over normalised records into an
//! [`IncomeReport`], as SCORING.md and MODEL.md define it: delivered sales net of refunds, open
//! returns and a return reserve; settled creator commission less deductions and self-dealing;
//! pending, estimated and unsettled money shown beside it, never counted; payout reconciliation
//! that caps what does not reconcile; TikTok's analytics as a cross-check.
//!
//! Memory does not grow with orders: per-source daily cells over the history, per-product,
//! per-sku and per-group (promoted shop × product × content × programme) sums, two fixed 2 MiB
//! filters of order ids, 8 bytes per return in the window, and small value histograms. Every
//! record that is not counted is reported in [`IncomeReport::warnings`].

mod derive;
mod filter;
mod finish;
mod fold;
mod groups;
mod report;
mod state;
mod totals;
mod warnings;
mod window;

#[cfg(test)]
mod tests;

pub(crate) use finish::SourceDetail;
pub use fold::IncomeAccumulator;
pub(crate) use groups::{apportion, DecidedGroup, ProductRow};
pub use report::{
    AnalyticsCheck, AnalyticsStatus, CommissionParts, Concentration, IncomeCounts, IncomeFigures,
    IncomeReport, MatchedBy, Reconciliation, ReconciliationStatus, SelfDealing, SourceIncome,
    VerifiedBy,
};
pub(crate) use state::Programme;
pub use warnings::{Warning, WarningCode};
pub use window::{IncomeWindow, DAY, MAX_HISTORY_DAYS, MONTH_DAYS};

use crate::money::FxTable;
use crate::records::{Record, SourceInfo};

/// The version of the income calculation, recorded in every report and in the score's digest.
/// Bump it whenever a figure's definition changes.
pub const INCOME_VERSION: &str = "shopscore-income-2.0.0";

/// Orders delivered (or, without a delivery time, created) within this many days of the window
/// end are not yet expected to have settled.
pub const SETTLEMENT_LAG_DAYS: u32 = 14;

/// Computes verified income with the shipped FX table.
pub fn compute_income(
    window: IncomeWindow,
    sources: &[SourceInfo],
    records: impl IntoIterator<Item = Record>,
) -> IncomeReport {
    compute_income_with_fx(window, sources, &FxTable::shipped(), records)
}

/// Computes verified income with a given FX table (e.g. an override from configuration).
pub fn compute_income_with_fx(
    window: IncomeWindow,
    sources: &[SourceInfo],
    fx: &FxTable,
    records: impl IntoIterator<Item = Record>,
) -> IncomeReport {
    let mut accumulator = IncomeAccumulator::new(window, sources, fx.clone());
    for record in records {
        accumulator.add(&record);
    }
    accumulator.finish()
}
