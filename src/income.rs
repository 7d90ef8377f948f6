//! Verified income: one streaming fold over normalised records into an [`IncomeReport`], exactly
//! as SCORING.md defines it (GMV, refunds, net revenue, commissions, monthly income, series,
//! per-source shares and payout reconciliation).
//!
//! Memory is independent of the number of orders: per-source sums, fixed-size monthly and
//! weekly buckets, a fixed 2 MiB filter of order ids (to spot returns for orders never seen),
//! 8 bytes per return, and a few bounded example lists. Every record that is not counted is
//! reported in [`IncomeReport::warnings`], never silently dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::money::{convert_minor, div_half_even, Currency, FxRate, FxTable, Money};
use crate::records::{
    AffiliateOrder, AffiliateStatus, Order, OrderStatus, Payment, PaymentStatus, Product, Record,
    Return, ReturnStatus, SourceInfo, SourceKind, Statement, UnixSeconds,
};

const DAY: i64 = 86_400;
/// Length of one monthly bucket, as in SCORING.md's "÷ (window days ÷ 30)".
pub const MONTH_DAYS: u32 = 30;
/// Settled payouts below this share of the expected (delivered, net of refunds) revenue are
/// flagged as a reconciliation shortfall. TikTok's fees and payout lag stay well above it.
pub const SHORTFALL_THRESHOLD_PERCENT: i128 = 60;
/// How many example ids each warning keeps (the smallest, so the list is order-independent).
const WARNING_EXAMPLES: usize = 5;

/// The period income is computed over: `(end − days, end]`, with `end` the sync time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeWindow {
    /// The window end ("now", passed in: the library never reads a clock).
    pub end: UnixSeconds,
    /// Length in days (at least 1; the default is 90).
    pub days: u32,
}

impl IncomeWindow {
    /// The default 90-day window ending at `end`.
    pub fn ninety_days(end: UnixSeconds) -> IncomeWindow {
        IncomeWindow { end, days: 90 }
    }

    /// A window of `days` (raised to at least 1) ending at `end`.
    pub fn new(end: UnixSeconds, days: u32) -> IncomeWindow {
        IncomeWindow {
            end,
            days: days.max(1),
        }
    }

    fn days(&self) -> u32 {
        self.days.max(1)
    }

    /// The exclusive start.
    pub fn start(&self) -> UnixSeconds {
        self.end.saturating_sub(i64::from(self.days()) * DAY)
    }

    /// Number of 30-day buckets in the monthly series.
    pub fn months(&self) -> usize {
        self.days().div_ceil(MONTH_DAYS) as usize
    }

    /// Number of whole weeks in the weekly series (at least one).
    pub fn weeks(&self) -> usize {
        (self.days() / 7).max(1) as usize
    }

    fn position(&self, time: UnixSeconds) -> Position {
        if time > self.end {
            Position::Future
        } else if time <= self.start() {
            Position::Before
        } else {
            Position::Inside
        }
    }

    /// Monthly bucket of an in-window time, oldest first; the oldest may be partial.
    fn month_of(&self, time: UnixSeconds) -> usize {
        let from_end = ((self.end - time) / (i64::from(MONTH_DAYS) * DAY)) as usize;
        self.months().saturating_sub(1 + from_end)
    }

    /// Weekly bucket of an in-window time, if it falls in a whole week.
    fn week_of(&self, time: UnixSeconds) -> Option<usize> {
        let from_end = ((self.end - time) / (7 * DAY)) as usize;
        let weeks = self.weeks();
        (from_end < weeks).then(|| weeks - 1 - from_end)
    }
}

enum Position {
    Before,
    Inside,
    Future,
}

/// What a warning is about. `OutsideWindow` is informational; the rest lower confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WarningCode {
    /// Created before the window: not counted (normal for a sync that overlaps).
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
    /// A status this version does not know: handled conservatively.
    UnknownStatus,
    /// A settled affiliate order without `actual_commission`: not counted as verified.
    MissingActualCommission,
    /// The server could not normalise the record (bad amount, unknown currency, …).
    Unparseable,
}

impl WarningCode {
    /// Whether the warning lowers confidence (everything but `OutsideWindow`).
    pub fn lowers_confidence(self) -> bool {
        !matches!(
            self,
            WarningCode::OutsideWindow | WarningCode::UnknownStatus
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

/// Amounts in one currency: a source's own, or the USD totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeFigures {
    /// Paid, non-sample orders' totals.
    pub gmv: Money,
    /// Refunded amounts from returns.
    pub refunds: Money,
    /// Returns still in progress: reported, not deducted.
    pub refunds_in_progress: Money,
    /// GMV − refunds.
    pub net_revenue: Money,
    /// GMV of orders paid but not yet delivered (included in GMV).
    pub pending: Money,
    /// Sales attributed to the creator (not income).
    pub affiliate_sales: Money,
    /// `actual_commission` of settled affiliate orders: verified.
    pub affiliate_settled: Money,
    /// `estimated_commission` of unsettled affiliate orders: not verified, not counted.
    pub affiliate_estimated: Money,
    /// Estimated commission of reversed (refunded) affiliate orders.
    pub affiliate_reversed: Money,
    /// Net revenue + settled commission.
    pub total_income: Money,
    /// Total ÷ (window days ÷ 30), half to even.
    pub monthly_income: Money,
    /// Settled statements (or, without statements, paid payouts) in the window.
    pub settled_payouts: Money,
    /// Verified income per 30-day bucket, oldest first.
    pub monthly_series: Vec<Money>,
}

/// Counts over the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeCounts {
    /// Paid, non-sample orders.
    pub paid_orders: u64,
    /// Orders in `COMPLETED`.
    pub completed_orders: u64,
    /// Paid orders not yet delivered.
    pub pending_orders: u64,
    /// Cancelled orders.
    pub cancelled_orders: u64,
    /// Unpaid orders.
    pub unpaid_orders: u64,
    /// Free sample orders (excluded from GMV).
    pub sample_orders: u64,
    /// Units sold in paid, non-sample orders.
    pub items_sold: u64,
    /// Returns that refunded money.
    pub refunded_returns: u64,
    /// Affiliate order lines in the window.
    pub affiliate_orders: u64,
    /// Settled affiliate order lines.
    pub affiliate_settled: u64,
    /// Reversed (refunded) affiliate order lines.
    pub affiliate_reversed: u64,
    /// Statements in the window.
    pub statements: u64,
    /// Payouts in the window.
    pub payments: u64,
    /// Products seen.
    pub products: u64,
    /// Products launched in the window.
    pub products_launched: u64,
}

impl IncomeCounts {
    fn add(&mut self, other: &IncomeCounts) {
        self.paid_orders += other.paid_orders;
        self.completed_orders += other.completed_orders;
        self.pending_orders += other.pending_orders;
        self.cancelled_orders += other.cancelled_orders;
        self.unpaid_orders += other.unpaid_orders;
        self.sample_orders += other.sample_orders;
        self.items_sold += other.items_sold;
        self.refunded_returns += other.refunded_returns;
        self.affiliate_orders += other.affiliate_orders;
        self.affiliate_settled += other.affiliate_settled;
        self.affiliate_reversed += other.affiliate_reversed;
        self.statements += other.statements;
        self.payments += other.payments;
        self.products += other.products;
        self.products_launched += other.products_launched;
    }
}

/// Outcome of comparing settled money with the revenue it should come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReconciliationStatus {
    /// No revenue to reconcile.
    NotApplicable,
    /// Settled money covers at least the threshold share of expected revenue.
    Reconciled,
    /// Revenue but no statements or payouts (e.g. the finance scope is missing).
    Unavailable,
    /// Settled money falls well short of revenue: orders that never turn into money.
    Shortfall,
}

/// Payout reconciliation: settled money vs. delivered net revenue (creators: settled commission).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    /// The outcome.
    pub status: ReconciliationStatus,
    /// Money settled (statements, else paid payouts).
    pub settled: Money,
    /// What should have been settled: delivered GMV − refunds, or settled commission.
    pub expected: Money,
    /// settled ÷ expected, when expected is positive.
    pub ratio: Option<f64>,
}

/// One source's income, in its own currency and in USD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceIncome {
    /// The source as passed in.
    pub source: SourceInfo,
    /// Figures in the source's currency.
    pub original: IncomeFigures,
    /// Figures in USD; `None` when the FX table has no rate for the currency.
    pub usd: Option<IncomeFigures>,
    /// The rate used.
    pub fx_rate: Option<FxRate>,
    /// Counts.
    pub counts: IncomeCounts,
    /// Share of the borrower's total verified income (0–1).
    pub share: f64,
    /// This source's payout reconciliation.
    pub reconciliation: Reconciliation,
}

/// Verified income over a window for one borrower (all their shops and creator accounts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeReport {
    /// The window.
    pub window: IncomeWindow,
    /// Date of the FX table used.
    pub fx_as_of: String,
    /// Per-source income and shares, in the order the sources were passed.
    pub sources: Vec<SourceIncome>,
    /// Totals in USD over the sources that have a rate.
    pub usd: IncomeFigures,
    /// Counts over all sources.
    pub counts: IncomeCounts,
    /// GMV ÷ paid orders, in USD.
    pub average_order_value: Money,
    /// Refunds ÷ GMV; `None` when GMV is zero.
    pub return_rate: Option<f64>,
    /// Orders per whole week, oldest first: paid shop orders plus attributed (not reversed)
    /// affiliate orders.
    pub weekly_order_counts: Vec<u64>,
    /// Distinct shops the creator promoted.
    pub distinct_affiliate_shops: u64,
    /// Distinct products the creator promoted.
    pub distinct_affiliate_products: u64,
    /// Payout reconciliation over all sources, in USD.
    pub reconciliation: Reconciliation,
    /// Everything not counted or counted with a caveat.
    pub warnings: Vec<Warning>,
}

impl IncomeReport {
    /// Total verified income in USD.
    pub fn total_income_usd(&self) -> Money {
        self.usd.total_income
    }

    /// Monthly verified income in USD.
    pub fn monthly_income_usd(&self) -> Money {
        self.usd.monthly_income
    }

    /// Whether any warning lowers confidence.
    pub fn has_data_warnings(&self) -> bool {
        self.warnings.iter().any(|w| w.code.lowers_confidence())
    }
}

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

#[derive(Default)]
struct SourceSums {
    gmv: i128,
    refunds: i128,
    refunds_in_progress: i128,
    pending: i128,
    delivered: i128,
    affiliate_sales: i128,
    affiliate_settled: i128,
    affiliate_estimated: i128,
    affiliate_reversed: i128,
    statements: i128,
    payments: i128,
    monthly: Vec<i128>,
    counts: IncomeCounts,
}

#[derive(Default)]
struct WarningAcc {
    count: u64,
    examples: BTreeSet<String>,
}

/// A fixed-size Bloom filter of order keys: no false "unknown", rare false "known".
struct OrderFilter {
    bits: Vec<u64>,
}

const FILTER_BITS_LOG2: u32 = 24; // 2 MiB: ~0.2% false positives at one million orders
const FILTER_HASHES: u64 = 4;

impl OrderFilter {
    fn new() -> OrderFilter {
        OrderFilter {
            bits: vec![0; 1 << (FILTER_BITS_LOG2 - 6)],
        }
    }

    fn positions(key: u64) -> impl Iterator<Item = usize> {
        let h2 = splitmix(key) | 1;
        let mask = (1u64 << FILTER_BITS_LOG2) - 1;
        (0..FILTER_HASHES).map(move |i| (key.wrapping_add(i.wrapping_mul(h2)) & mask) as usize)
    }

    fn insert(&mut self, key: u64) {
        for bit in Self::positions(key) {
            self.bits[bit >> 6] |= 1 << (bit & 63);
        }
    }

    fn contains(&self, key: u64) -> bool {
        Self::positions(key).all(|bit| self.bits[bit >> 6] & (1 << (bit & 63)) != 0)
    }
}

fn order_key(source: &str, order_id: &str) -> u64 {
    // FNV-1a: deterministic on every target, unlike std's randomised hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in source
        .bytes()
        .chain(std::iter::once(0xff))
        .chain(order_id.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix(hash)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The streaming fold: feed records one at a time with [`IncomeAccumulator::add`], then
/// [`IncomeAccumulator::finish`]. The result does not depend on the order of the records.
pub struct IncomeAccumulator {
    window: IncomeWindow,
    fx: FxTable,
    sources: Vec<SourceInfo>,
    index: BTreeMap<String, usize>,
    last: usize,
    sums: Vec<SourceSums>,
    weekly: Vec<u64>,
    affiliate_shops: BTreeSet<String>,
    affiliate_products: BTreeSet<String>,
    orders_seen: OrderFilter,
    return_order_keys: Vec<u64>,
    warnings: BTreeMap<WarningCode, WarningAcc>,
}

impl IncomeAccumulator {
    /// Starts a fold over `sources` (a source listed twice keeps its first entry).
    pub fn new(window: IncomeWindow, sources: &[SourceInfo], fx: FxTable) -> IncomeAccumulator {
        let window = IncomeWindow::new(window.end, window.days);
        let mut kept = Vec::new();
        let mut index = BTreeMap::new();
        for source in sources {
            if !index.contains_key(&source.id) {
                index.insert(source.id.clone(), kept.len());
                kept.push(source.clone());
            }
        }
        let sums = kept
            .iter()
            .map(|_| SourceSums {
                monthly: vec![0; window.months()],
                ..SourceSums::default()
            })
            .collect();
        IncomeAccumulator {
            window,
            fx,
            sources: kept,
            index,
            last: 0,
            sums,
            weekly: vec![0; window.weeks()],
            affiliate_shops: BTreeSet::new(),
            affiliate_products: BTreeSet::new(),
            orders_seen: OrderFilter::new(),
            return_order_keys: Vec::new(),
            warnings: BTreeMap::new(),
        }
    }

    fn warn(&mut self, code: WarningCode, example: impl FnOnce() -> String) {
        let entry = self.warnings.entry(code).or_default();
        entry.count += 1;
        let example = example();
        let keep = entry.examples.len() < WARNING_EXAMPLES
            || entry.examples.last().is_some_and(|last| example < *last);
        if keep {
            entry.examples.insert(example);
            if entry.examples.len() > WARNING_EXAMPLES {
                entry.examples.pop_last();
            }
        }
    }

    fn source_index(&mut self, source: &str) -> Option<usize> {
        if self.sources.get(self.last).is_some_and(|s| s.id == source) {
            return Some(self.last);
        }
        let found = self.index.get(source).copied();
        if let Some(i) = found {
            self.last = i;
        }
        found
    }

    /// Resolves the source and checks time and currency; `None` means "reported, not counted".
    fn admit(&mut self, record: &Record, time: UnixSeconds, amounts: &[Money]) -> Option<usize> {
        let label = || format!("{}/{}", record.source(), record.id());
        let Some(i) = self.source_index(record.source()) else {
            self.warn(WarningCode::UnknownSource, label);
            return None;
        };
        match self.window.position(time) {
            Position::Future => {
                self.warn(WarningCode::FutureTimestamp, label);
                return None;
            }
            Position::Before => {
                self.warn(WarningCode::OutsideWindow, label);
                return None;
            }
            Position::Inside => {}
        }
        let currency = self.sources[i].currency;
        if amounts.iter().any(|m| m.currency != currency) {
            self.warn(WarningCode::CurrencyMismatch, label);
            return None;
        }
        Some(i)
    }

    /// Folds one record in.
    pub fn add(&mut self, record: &Record) {
        match record {
            Record::Order(order) => self.add_order(record, order),
            Record::Return(ret) => self.add_return(record, ret),
            Record::Statement(statement) => self.add_statement(record, statement),
            Record::Payment(payment) => self.add_payment(record, payment),
            Record::AffiliateOrder(line) => self.add_affiliate(record, line),
            Record::Product(product) => self.add_product(product),
            Record::Unsettled(_) | Record::SellerAffiliateOrder(_) => {}
            Record::Unparseable(bad) => self.warn(WarningCode::Unparseable, || {
                format!("{}/{}: {}", bad.source, bad.id, bad.reason)
            }),
        }
    }

    fn add_order(&mut self, record: &Record, order: &Order) {
        if self.source_index(&order.source).is_some() {
            self.orders_seen.insert(order_key(&order.source, &order.id));
        }
        let Some(i) = self.admit(record, order.create_time, &[order.total]) else {
            return;
        };
        if order.total.is_negative() {
            self.warn(WarningCode::NegativeAmount, || {
                format!("{}/{}", order.source, order.id)
            });
            return;
        }
        if let OrderStatus::Unknown(_) = order.status {
            self.warn(WarningCode::UnknownStatus, || {
                format!("{}/{}", order.source, order.id)
            });
        }
        let month = self.window.month_of(order.create_time);
        let week = self.window.week_of(order.create_time);
        let sums = &mut self.sums[i];
        match &order.status {
            OrderStatus::Unpaid => sums.counts.unpaid_orders += 1,
            OrderStatus::Cancelled => sums.counts.cancelled_orders += 1,
            _ if order.is_sample => sums.counts.sample_orders += 1,
            status => {
                let total = i128::from(order.total.minor);
                sums.gmv += total;
                sums.monthly[month] += total;
                sums.counts.paid_orders += 1;
                sums.counts.items_sold += order
                    .items
                    .iter()
                    .map(|item| u64::from(item.quantity))
                    .sum::<u64>();
                if status.is_pending() {
                    sums.pending += total;
                    sums.counts.pending_orders += 1;
                } else {
                    sums.delivered += total;
                }
                if *status == OrderStatus::Completed {
                    sums.counts.completed_orders += 1;
                }
                if let Some(week) = week {
                    self.weekly[week] += 1;
                }
            }
        }
    }

    fn add_return(&mut self, record: &Record, ret: &Return) {
        let Some(i) = self.admit(record, ret.create_time, &[ret.refund]) else {
            return;
        };
        if ret.refund.is_negative() {
            self.warn(WarningCode::NegativeAmount, || {
                format!("{}/{}", ret.source, ret.id)
            });
            return;
        }
        self.return_order_keys
            .push(order_key(&ret.source, &ret.order_id));
        let month = self.window.month_of(ret.create_time);
        let refund = i128::from(ret.refund.minor);
        let sums = &mut self.sums[i];
        match &ret.status {
            ReturnStatus::Refunded => {
                sums.refunds += refund;
                sums.monthly[month] -= refund;
                sums.counts.refunded_returns += 1;
            }
            ReturnStatus::Unknown(_) => {
                sums.refunds += refund;
                sums.monthly[month] -= refund;
                sums.counts.refunded_returns += 1;
                self.warn(WarningCode::UnknownStatus, || {
                    format!("{}/{}", ret.source, ret.id)
                });
            }
            ReturnStatus::InProgress => sums.refunds_in_progress += refund,
            ReturnStatus::Rejected | ReturnStatus::Replaced => {}
        }
    }

    fn add_statement(&mut self, record: &Record, statement: &Statement) {
        let Some(i) = self.admit(record, statement.statement_time, &[statement.settlement]) else {
            return;
        };
        let sums = &mut self.sums[i];
        sums.statements += i128::from(statement.settlement.minor);
        sums.counts.statements += 1;
    }

    fn add_payment(&mut self, record: &Record, payment: &Payment) {
        let time = payment.paid_time.unwrap_or(payment.create_time);
        let Some(i) = self.admit(record, time, &[payment.amount]) else {
            return;
        };
        if payment.amount.is_negative() {
            self.warn(WarningCode::NegativeAmount, || {
                format!("{}/{}", payment.source, payment.id)
            });
            return;
        }
        if let PaymentStatus::Unknown(_) = payment.status {
            self.warn(WarningCode::UnknownStatus, || {
                format!("{}/{}", payment.source, payment.id)
            });
        }
        let sums = &mut self.sums[i];
        sums.counts.payments += 1;
        if payment.status == PaymentStatus::Paid {
            sums.payments += i128::from(payment.amount.minor);
        }
    }

    fn add_affiliate(&mut self, record: &Record, line: &AffiliateOrder) {
        let mut amounts = vec![line.sales];
        amounts.extend(line.estimated.present());
        amounts.extend(line.actual.present());
        let estimated_commission: i128 =
            line.estimated.present().map(|m| i128::from(m.minor)).sum();
        let actual_commission: Option<i128> = (!line.actual.is_empty())
            .then(|| line.actual.present().map(|m| i128::from(m.minor)).sum());
        let Some(i) = self.admit(record, line.create_time, &amounts) else {
            return;
        };
        if amounts.iter().any(|m| m.is_negative()) {
            self.warn(WarningCode::NegativeAmount, || {
                format!("{}/{}", line.source, line.id)
            });
            return;
        }
        let label = || format!("{}/{}", line.source, line.id);
        let month = self.window.month_of(line.create_time);
        let estimated = estimated_commission;
        let mut warning = None;
        {
            let sums = &mut self.sums[i];
            sums.counts.affiliate_orders += 1;
            match &line.status {
                AffiliateStatus::Refunded => {
                    sums.counts.affiliate_reversed += 1;
                    sums.affiliate_reversed += estimated;
                }
                status => {
                    if let Some(week) = self.window.week_of(line.create_time) {
                        self.weekly[week] += 1;
                    }
                    sums.affiliate_sales += i128::from(line.sales.minor);
                    match (status, actual_commission) {
                        (AffiliateStatus::Settled, Some(actual)) => {
                            sums.affiliate_settled += actual;
                            sums.monthly[month] += actual;
                            sums.counts.affiliate_settled += 1;
                        }
                        (AffiliateStatus::Settled, None) => {
                            sums.affiliate_estimated += estimated;
                            warning = Some(WarningCode::MissingActualCommission);
                        }
                        (AffiliateStatus::Unknown(_), _) => {
                            sums.affiliate_estimated += estimated;
                            warning = Some(WarningCode::UnknownStatus);
                        }
                        _ => sums.affiliate_estimated += estimated,
                    }
                }
            }
        }
        if let Some(code) = warning {
            self.warn(code, label);
        }
        if !self.affiliate_shops.contains(&line.shop) {
            self.affiliate_shops.insert(line.shop.clone());
        }
        if !self.affiliate_products.contains(&line.product_id) {
            self.affiliate_products.insert(line.product_id.clone());
        }
    }

    fn add_product(&mut self, product: &Product) {
        let label = || format!("{}/{}", product.source, product.id);
        let Some(i) = self.source_index(&product.source) else {
            self.warn(WarningCode::UnknownSource, label);
            return;
        };
        match self.window.position(product.create_time) {
            Position::Future => self.warn(WarningCode::FutureTimestamp, label),
            Position::Before => self.sums[i].counts.products += 1,
            Position::Inside => {
                self.sums[i].counts.products += 1;
                self.sums[i].counts.products_launched += 1;
            }
        }
    }

    /// Finishes the fold: converts, reconciles and reports.
    pub fn finish(mut self) -> IncomeReport {
        let unknown_returns = self
            .return_order_keys
            .iter()
            .filter(|key| !self.orders_seen.contains(**key))
            .count() as u64;
        if unknown_returns > 0 {
            let entry = self
                .warnings
                .entry(WarningCode::ReturnForUnknownOrder)
                .or_default();
            entry.count += unknown_returns;
        }

        let window = self.window;
        let sums = std::mem::take(&mut self.sums);
        let sources = std::mem::take(&mut self.sources);
        let mut per_source = Vec::with_capacity(sources.len());
        let mut usd_parts: Vec<(SourceKind, FigureSums)> = Vec::new();
        let mut counts = IncomeCounts::default();
        for (source, sums) in sources.into_iter().zip(sums) {
            counts.add(&sums.counts);
            let raw = FigureSums::from(&sums);
            let original = self.figures(&raw, source.currency, &source.id);
            let rate = self.fx.rate(source.currency);
            let usd = match rate {
                Some(rate) => {
                    let converted = self.convert_sums(&raw, source.currency, rate, &source.id);
                    let figures = self.figures(&converted, Currency::USD, &source.id);
                    usd_parts.push((source.kind, converted));
                    Some(figures)
                }
                None => {
                    if !raw.is_empty() {
                        self.warn(WarningCode::NoFxRate, || source.id.clone());
                    }
                    None
                }
            };
            let reconciliation = reconcile(
                &raw,
                sums.counts.statements + sums.counts.payments > 0,
                source.currency,
            );
            per_source.push(SourceIncome {
                source,
                original,
                usd,
                fx_rate: rate,
                counts: sums.counts,
                share: 0.0,
                reconciliation,
            });
        }

        let mut total = FigureSums::zero(window.months());
        for (_, part) in &usd_parts {
            total.add(part);
        }
        let usd = self.figures(&total, Currency::USD, "total");

        let total_positive: i128 = per_source
            .iter()
            .filter_map(|s| s.usd.as_ref())
            .map(|u| i128::from(u.total_income.minor.max(0)))
            .sum();
        for source in &mut per_source {
            if let (Some(figures), true) = (&source.usd, total_positive > 0) {
                source.share = figures.total_income.minor.max(0) as f64 / total_positive as f64;
            }
        }

        let reconciliation = overall_reconciliation(&per_source);
        let average_order_value = if counts.paid_orders > 0 {
            Money::new(
                clamp_i64(div_half_even(
                    i128::from(usd.gmv.minor),
                    i128::from(counts.paid_orders),
                )),
                Currency::USD,
            )
        } else {
            Money::zero(Currency::USD)
        };
        let return_rate =
            (usd.gmv.minor > 0).then(|| usd.refunds.minor as f64 / usd.gmv.minor as f64);

        let warnings = std::mem::take(&mut self.warnings)
            .into_iter()
            .map(|(code, acc)| Warning {
                code,
                count: acc.count,
                examples: acc.examples.into_iter().collect(),
            })
            .collect();

        IncomeReport {
            window,
            fx_as_of: self.fx.as_of.clone(),
            sources: per_source,
            usd,
            counts,
            average_order_value,
            return_rate,
            weekly_order_counts: self.weekly,
            distinct_affiliate_shops: self.affiliate_shops.len() as u64,
            distinct_affiliate_products: self.affiliate_products.len() as u64,
            reconciliation,
            warnings,
        }
    }

    fn convert_sums(
        &mut self,
        raw: &FigureSums,
        currency: Currency,
        rate: FxRate,
        source: &str,
    ) -> FigureSums {
        let mut overflow = false;
        let mut convert = |v: i128| match convert_minor(v, currency, rate) {
            Ok(minor) => i128::from(minor),
            Err(_) => {
                overflow = true;
                i128::from(clamp_i64(v))
            }
        };
        let converted = raw.map(&mut convert);
        if overflow {
            self.warn(WarningCode::AmountOverflow, || source.to_string());
        }
        converted
    }

    fn figures(&mut self, sums: &FigureSums, currency: Currency, source: &str) -> IncomeFigures {
        let mut overflow = false;
        let mut money = |v: i128| {
            let clamped = clamp_i64(v);
            overflow |= i128::from(clamped) != v;
            Money::new(clamped, currency)
        };
        let net = sums.gmv - sums.refunds;
        let total = net + sums.affiliate_settled;
        let monthly = div_half_even(
            total * i128::from(MONTH_DAYS),
            i128::from(self.window.days()),
        );
        let settled_payouts = if sums.has_statements {
            sums.statements
        } else {
            sums.payments
        };
        let figures = IncomeFigures {
            gmv: money(sums.gmv),
            refunds: money(sums.refunds),
            refunds_in_progress: money(sums.refunds_in_progress),
            net_revenue: money(net),
            pending: money(sums.pending),
            affiliate_sales: money(sums.affiliate_sales),
            affiliate_settled: money(sums.affiliate_settled),
            affiliate_estimated: money(sums.affiliate_estimated),
            affiliate_reversed: money(sums.affiliate_reversed),
            total_income: money(total),
            monthly_income: money(monthly),
            settled_payouts: money(settled_payouts),
            monthly_series: sums.monthly.iter().map(|v| money(*v)).collect(),
        };
        if overflow {
            self.warn(WarningCode::AmountOverflow, || source.to_string());
        }
        figures
    }
}

/// The raw sums behind [`IncomeFigures`], in one currency.
#[derive(Clone)]
struct FigureSums {
    gmv: i128,
    refunds: i128,
    refunds_in_progress: i128,
    pending: i128,
    delivered: i128,
    affiliate_sales: i128,
    affiliate_settled: i128,
    affiliate_estimated: i128,
    affiliate_reversed: i128,
    statements: i128,
    payments: i128,
    has_statements: bool,
    monthly: Vec<i128>,
}

impl FigureSums {
    fn zero(months: usize) -> FigureSums {
        FigureSums {
            gmv: 0,
            refunds: 0,
            refunds_in_progress: 0,
            pending: 0,
            delivered: 0,
            affiliate_sales: 0,
            affiliate_settled: 0,
            affiliate_estimated: 0,
            affiliate_reversed: 0,
            statements: 0,
            payments: 0,
            has_statements: false,
            monthly: vec![0; months],
        }
    }

    fn from(sums: &SourceSums) -> FigureSums {
        FigureSums {
            gmv: sums.gmv,
            refunds: sums.refunds,
            refunds_in_progress: sums.refunds_in_progress,
            pending: sums.pending,
            delivered: sums.delivered,
            affiliate_sales: sums.affiliate_sales,
            affiliate_settled: sums.affiliate_settled,
            affiliate_estimated: sums.affiliate_estimated,
            affiliate_reversed: sums.affiliate_reversed,
            statements: sums.statements,
            payments: sums.payments,
            has_statements: sums.counts.statements > 0,
            monthly: sums.monthly.clone(),
        }
    }

    fn is_empty(&self) -> bool {
        [
            self.gmv,
            self.refunds,
            self.refunds_in_progress,
            self.affiliate_sales,
            self.affiliate_settled,
            self.affiliate_estimated,
            self.affiliate_reversed,
            self.statements,
            self.payments,
        ]
        .iter()
        .all(|v| *v == 0)
    }

    fn map(&self, f: &mut impl FnMut(i128) -> i128) -> FigureSums {
        FigureSums {
            gmv: f(self.gmv),
            refunds: f(self.refunds),
            refunds_in_progress: f(self.refunds_in_progress),
            pending: f(self.pending),
            delivered: f(self.delivered),
            affiliate_sales: f(self.affiliate_sales),
            affiliate_settled: f(self.affiliate_settled),
            affiliate_estimated: f(self.affiliate_estimated),
            affiliate_reversed: f(self.affiliate_reversed),
            statements: f(self.statements),
            payments: f(self.payments),
            has_statements: self.has_statements,
            monthly: self.monthly.iter().map(|v| f(*v)).collect(),
        }
    }

    fn add(&mut self, other: &FigureSums) {
        self.gmv += other.gmv;
        self.refunds += other.refunds;
        self.refunds_in_progress += other.refunds_in_progress;
        self.pending += other.pending;
        self.delivered += other.delivered;
        self.affiliate_sales += other.affiliate_sales;
        self.affiliate_settled += other.affiliate_settled;
        self.affiliate_estimated += other.affiliate_estimated;
        self.affiliate_reversed += other.affiliate_reversed;
        // Per source, payouts are statements when there are any, else payments.
        let other_payouts = if other.has_statements {
            other.statements
        } else {
            other.payments
        };
        self.payments += other_payouts;
        for (mine, theirs) in self.monthly.iter_mut().zip(&other.monthly) {
            *mine += theirs;
        }
    }
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

fn reconcile(raw: &FigureSums, has_finance_records: bool, currency: Currency) -> Reconciliation {
    // Shops settle delivered orders net of refunds; creators are paid settled commission.
    // A source may have both (a hybrid account), so the expectation is their sum.
    let expected = raw.delivered - raw.refunds + raw.affiliate_settled;
    let settled = if raw.has_statements {
        raw.statements
    } else {
        raw.payments
    };
    reconciliation_from(expected, settled, has_finance_records, currency)
}

fn reconciliation_from(
    expected: i128,
    settled: i128,
    has_finance_records: bool,
    currency: Currency,
) -> Reconciliation {
    let status = if expected <= 0 {
        ReconciliationStatus::NotApplicable
    } else if !has_finance_records {
        ReconciliationStatus::Unavailable
    } else if settled * 100 < expected * SHORTFALL_THRESHOLD_PERCENT {
        ReconciliationStatus::Shortfall
    } else {
        ReconciliationStatus::Reconciled
    };
    Reconciliation {
        status,
        settled: Money::new(clamp_i64(settled), currency),
        expected: Money::new(clamp_i64(expected), currency),
        ratio: (expected > 0).then(|| settled as f64 / expected as f64),
    }
}

fn overall_reconciliation(sources: &[SourceIncome]) -> Reconciliation {
    let mut expected: i128 = 0;
    let mut settled: i128 = 0;
    let mut worst = ReconciliationStatus::NotApplicable;
    for source in sources {
        let Some(rate) = source.fx_rate else { continue };
        let r = &source.reconciliation;
        let currency = source.source.currency;
        let to_usd =
            |m: Money| convert_minor(i128::from(m.minor), currency, rate).map_or(0, i128::from);
        if r.status != ReconciliationStatus::NotApplicable {
            expected += to_usd(r.expected);
            settled += to_usd(r.settled);
        }
        worst = worst.max(r.status);
    }
    let mut overall = reconciliation_from(expected, settled, true, Currency::USD);
    overall.status = worst;
    overall
}
