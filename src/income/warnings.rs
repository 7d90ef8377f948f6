//! What the report says about records it did not count, or counted with a caveat: a code per
//! reason, a count and a few examples. Nothing is dropped silently.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// How many example ids each warning keeps (the smallest, so the list is order-independent).
const WARNING_EXAMPLES: usize = 5;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WarningCode {
    /// Older than the history: not counted (normal for a sync that overlaps).
    OutsideWindow,
    /// Timestamp after the window end ("now"): not counted.
    FutureTimestamp,
    /// Names a source that was not passed in: not counted.
    UnknownSource,
    /// Currency differs from its source's currency (mixed currencies in one shop): not counted.
    CurrencyMismatch,
    /// A source's currency has no FX rate: its income is reported in its own currency only
    /// and left out of the USD totals and the score.
    NoFxRate,
    /// A negative amount where none is possible: not counted.
    NegativeAmount,
    /// A sum or a conversion exceeded 64-bit minor units: clamped, and the result is suspect.
    AmountOverflow,
    /// A return for an order that was never seen: its refund is still deducted.
    ReturnForUnknownOrder,
    /// A status this version does not know: handled cautiously (pending, deducted, estimated).
    UnknownStatus,
    /// A settled affiliate order without any actual commission part: not counted.
    MissingActualCommission,
    /// The server could not normalise the record (bad amount, unknown currency, …).
    Unparseable,
    /// An amount that reads as two different values (`"2.000"` IDR): the record is not counted.
    AmbiguousAmount,
    /// Commission the borrower's creator account earned on the borrower's own shops: excluded.
    SelfDealing,
    /// A shop was settled far more money than its orders explain.
    ReconciliationExcess,
    /// The GMV derived from orders is more than 10% above TikTok's own analytics figure.
    AnalyticsGap,
}

impl WarningCode {
    /// Whether the warning lowers confidence as a data warning (`CONFIDENCE_DATA_EXCLUDED`).
    /// `OutsideWindow` is informational; self-dealing, a reconciliation excess and an analytics
    /// gap each have a confidence step of their own, so they are not counted twice.
    pub fn lowers_confidence(self) -> bool {
        !matches!(
            self,
            WarningCode::OutsideWindow
                | WarningCode::SelfDealing
                | WarningCode::ReconciliationExcess
                | WarningCode::AnalyticsGap
        )
    }
}

/// Records that were excluded or handled specially, counted per reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// What happened.
    pub code: WarningCode,
    /// How many records.
    pub count: u64,
    /// Up to five examples (`source/id`), the smallest in byte order.
    pub examples: Vec<String>,
}

#[derive(Default)]
struct Entry {
    count: u64,
    examples: BTreeSet<String>,
}

/// The warnings collected during a fold.
#[derive(Default)]
pub(crate) struct Warnings {
    entries: BTreeMap<WarningCode, Entry>,
}

impl Warnings {
    /// Counts one record under `code`, keeping the example if it is among the smallest.
    pub(crate) fn add(&mut self, code: WarningCode, example: impl FnOnce() -> String) {
        self.add_many(code, 1, example);
    }

    /// Counts `count` records under `code` with one example.
    pub(crate) fn add_many(
        &mut self,
        code: WarningCode,
        count: u64,
        example: impl FnOnce() -> String,
    ) {
        let entry = self.entries.entry(code).or_default();
        entry.count += count;
        let example = example();
        if example.is_empty() {
            return;
        }
        let keep = entry.examples.len() < WARNING_EXAMPLES
            || entry.examples.last().is_some_and(|last| example < *last);
        if keep {
            entry.examples.insert(example);
            if entry.examples.len() > WARNING_EXAMPLES {
                entry.examples.pop_last();
            }
        }
    }

    /// The warnings, by code.
    pub(crate) fn into_list(self) -> Vec<Warning> {
        self.entries
            .into_iter()
            .map(|(code, entry)| Warning {
                code,
                count: entry.count,
                examples: entry.examples.into_iter().collect(),
            })
            .collect()
    }
}
