//! The streaming fold: [`IncomeAccumulator::add`] takes one record at a time, in any order, and
//! keeps only per-source, per-day, per-product, per-sku and per-group sums.

use std::collections::BTreeMap;

mod affiliate;
mod finance;

use super::filter::{order_key, OrderFilter, RecordsDigest};
use super::state::{earliest, keep_smallest, SourceState};
use super::warnings::{WarningCode, Warnings};
use super::window::{IncomeWindow, Position, DAY};
use super::SETTLEMENT_LAG_DAYS;
use crate::money::{convert_minor, div_half_even, FxRate, FxTable, Money};
use crate::records::{
    Order, OrderStatus, Record, Return, ReturnStatus, SourceInfo, SourceKind, UnixSeconds,
};

/// The streaming fold: feed records one at a time with [`IncomeAccumulator::add`], then
/// [`IncomeAccumulator::finish`]. The result does not depend on the order of the records.
pub struct IncomeAccumulator {
    pub(crate) window: IncomeWindow,
    pub(crate) fx: FxTable,
    pub(crate) sources: Vec<SourceInfo>,
    index: BTreeMap<String, usize>,
    last: usize,
    pub(crate) states: Vec<SourceState>,
    orders_seen: OrderFilter,
    pub(crate) return_keys: Vec<u64>,
    affiliate_seen: OrderFilter,
    pub(crate) warnings: Warnings,
    pub(crate) digest: RecordsDigest,
    analytics_ranges: Vec<Option<(UnixSeconds, UnixSeconds)>>,
}

/// Minor units of one US dollar in the currency of `rate`, half to even.
fn one_dollar(rate: FxRate, exponent: u8) -> i64 {
    let minor = div_half_even(
        i128::from(rate.per_usd_micros) * 10i128.pow(u32::from(exponent)),
        1_000_000,
    );
    i64::try_from(minor).unwrap_or(i64::MAX).max(1)
}

/// What an order is, for the figures.
enum OrderKind {
    Unpaid,
    Cancelled,
    Sample,
    Replacement,
    Delivered { completed: bool },
    Pending,
}

fn order_kind(order: &Order) -> OrderKind {
    match &order.status {
        OrderStatus::Unpaid => OrderKind::Unpaid,
        OrderStatus::Cancelled => OrderKind::Cancelled,
        _ if order.is_sample => OrderKind::Sample,
        _ if order.is_replacement => OrderKind::Replacement,
        status if status.is_delivered() => OrderKind::Delivered {
            completed: *status == OrderStatus::Completed,
        },
        _ => OrderKind::Pending,
    }
}

fn label(source: &str, id: &str) -> String {
    format!("{source}/{id}")
}

fn minor(money: Money) -> i128 {
    i128::from(money.minor)
}

impl IncomeAccumulator {
    /// Starts a fold over `sources` (a source listed twice keeps its first entry).
    pub fn new(window: IncomeWindow, sources: &[SourceInfo], fx: FxTable) -> IncomeAccumulator {
        let window = window.normalised();
        let mut kept: Vec<SourceInfo> = Vec::new();
        let mut index = BTreeMap::new();
        for source in sources {
            if !index.contains_key(&source.id) {
                index.insert(source.id.clone(), kept.len());
                kept.push(source.clone());
            }
        }
        let states = kept
            .iter()
            .map(|s| {
                let dollar = fx
                    .rate(s.currency)
                    .map(|rate| one_dollar(rate, s.currency.exponent()));
                SourceState::new(window.history_days, dollar)
            })
            .collect();
        let analytics_ranges = kept
            .iter()
            .map(|s| {
                let a = s.analytics.as_ref()?;
                let start = crate::money::days_from_civil(&a.start_date)? * DAY;
                let end = crate::money::days_from_civil(&a.end_date)? * DAY;
                (start < end).then_some((start, end))
            })
            .collect();
        IncomeAccumulator {
            window,
            fx,
            sources: kept,
            index,
            last: 0,
            states,
            orders_seen: OrderFilter::new(),
            return_keys: Vec::new(),
            affiliate_seen: OrderFilter::new(),
            warnings: Warnings::default(),
            digest: RecordsDigest::new(),
            analytics_ranges,
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
    fn admit(
        &mut self,
        record: &Record,
        time: UnixSeconds,
        amounts: &[Money],
    ) -> Option<(usize, Position)> {
        let example = || label(record.source(), record.id());
        let Some(i) = self.source_index(record.source()) else {
            self.warnings.add(WarningCode::UnknownSource, example);
            return None;
        };
        let position = self.window.position(time);
        match position {
            Position::Future => {
                self.warnings.add(WarningCode::FutureTimestamp, example);
                return None;
            }
            Position::Before => {
                self.warnings.add(WarningCode::OutsideWindow, example);
                return None;
            }
            Position::History | Position::Window => {}
        }
        let currency = self.sources[i].currency;
        if amounts.iter().any(|m| m.currency != currency) {
            self.warnings.add(WarningCode::CurrencyMismatch, example);
            return None;
        }
        Some((i, position))
    }

    /// Folds one record in.
    pub fn add(&mut self, record: &Record) {
        self.digest.add(record);
        match record {
            Record::Order(order) => self.add_order(record, order),
            Record::Return(ret) => self.add_return(record, ret),
            Record::Statement(statement) => self.add_statement(record, statement),
            Record::Payment(payment) => self.add_payment(record, payment),
            Record::Unsettled(unsettled) => self.add_unsettled(unsettled),
            Record::AffiliateOrder(line) => self.add_affiliate(record, line),
            Record::SellerAffiliateOrder(line) => self.add_seller_affiliate(record, line),
            Record::Product(product) => self.add_product(product),
            Record::Unparseable(bad) => {
                let code = if bad.is_ambiguous() {
                    WarningCode::AmbiguousAmount
                } else {
                    WarningCode::Unparseable
                };
                self.warnings.add(code, || {
                    format!("{}/{}: {}", bad.source, bad.id, bad.reason)
                });
            }
        }
    }

    fn add_order(&mut self, record: &Record, order: &Order) {
        if let Some(i) = self.source_index(&order.source) {
            self.orders_seen.insert(order_key(&order.source, &order.id));
            if self.sources[i].kind == SourceKind::Shop {
                let state = &mut self.states[i];
                for line in &order.items {
                    state.products.entry(line.product_id.clone()).or_default();
                    let sku = state.skus.entry(line.sku_id.clone()).or_default();
                    keep_smallest(&mut sku.product, &line.product_id);
                }
            }
        }
        let Some((i, position)) = self.admit(record, order.create_time, &[order.total]) else {
            return;
        };
        if order.total.is_negative() {
            self.warnings.add(WarningCode::NegativeAmount, || {
                label(&order.source, &order.id)
            });
            return;
        }
        if let OrderStatus::Unknown(_) = order.status {
            self.warnings.add(WarningCode::UnknownStatus, || {
                label(&order.source, &order.id)
            });
        }
        let kind = order_kind(order);
        let total = minor(order.total);
        let window = self.window;
        let offset = window.offset(order.create_time);
        let state = &mut self.states[i];
        let paid = matches!(kind, OrderKind::Delivered { .. } | OrderKind::Pending);
        if let (true, Some((start, end))) = (paid, self.analytics_ranges[i]) {
            if order.create_time >= start && order.create_time < end {
                state.sums.analytics_gmv += total;
            }
        }
        if let OrderKind::Delivered { completed } = kind {
            let cell = &mut state.days[offset as usize];
            cell.delivered += total;
            if !completed {
                cell.delivered_only += total;
            }
            match state.one_dollar {
                Some(dollar) if order.total.minor < dollar => {
                    *state
                        .micro
                        .entry((offset, order.total.minor, !completed))
                        .or_default() += 1;
                }
                Some(_) => cell.countable += 1,
                None => {}
            }
            state.first_delivered = earliest(state.first_delivered, Some(order.create_time));
            for line in &order.items {
                if let Some(product) = state.products.get_mut(&line.product_id) {
                    product.sold = true;
                }
            }
        }
        if position == Position::Window {
            self.add_window_order(i, order, kind, total);
        }
    }

    fn add_window_order(&mut self, i: usize, order: &Order, kind: OrderKind, total: i128) {
        let end = self.window.end;
        let currency = self.sources[i].currency;
        let state = &mut self.states[i];
        let (sums, counts) = (&mut state.sums, &mut state.counts);
        match kind {
            OrderKind::Unpaid => counts.unpaid_orders += 1,
            OrderKind::Cancelled => counts.cancelled_orders += 1,
            OrderKind::Sample => counts.sample_orders += 1,
            OrderKind::Replacement => counts.replacement_orders += 1,
            OrderKind::Pending | OrderKind::Delivered { .. } => {
                sums.gmv += total;
                counts.paid_orders += 1;
                if order.create_time > end - DAY {
                    sums.today_gmv += total;
                    sums.today_orders += 1;
                }
            }
        }
        let shipped = matches!(
            order.status,
            OrderStatus::PartiallyShipping
                | OrderStatus::AwaitingCollection
                | OrderStatus::InTransit
                | OrderStatus::Delivered
                | OrderStatus::Completed
        );
        // Orders under a dollar never improve the shipping record (they cost nothing to ship on time).
        let priced = state.one_dollar.is_some_and(|d| order.total.minor >= d);
        if let (true, true, Some(rts), Some(sla)) =
            (shipped, priced, order.rts_time, order.rts_sla_time)
        {
            counts.shipped_with_sla += 1;
            if rts <= sla {
                counts.shipped_on_time += 1;
            }
        }
        match kind {
            OrderKind::Pending => {
                sums.pending += total;
                counts.pending_orders += 1;
            }
            OrderKind::Delivered { completed } => {
                sums.delivered += total;
                counts.delivered_orders += 1;
                if completed {
                    counts.completed_orders += 1;
                } else {
                    sums.delivered_only += total;
                }
                let delivered_at = order.delivery_time.unwrap_or(order.create_time);
                if delivered_at > end - i64::from(SETTLEMENT_LAG_DAYS) * DAY {
                    sums.lag_delivered += total;
                }
                match state.one_dollar {
                    Some(dollar) if order.total.minor < dollar.saturating_mul(5) => {
                        *state.small_values.entry(order.total.minor).or_default() += 1;
                    }
                    _ => state.large_value_sum += total,
                }
                let mut seen: Vec<&str> = Vec::new();
                for line in order.items.iter().filter(|l| !l.is_gift) {
                    counts.items_sold += u64::from(line.quantity);
                    let Some(product) = state.products.get_mut(&line.product_id) else {
                        continue;
                    };
                    product.items += u64::from(line.quantity);
                    if line.sale_price.currency == currency && !line.sale_price.is_negative() {
                        product.revenue += minor(line.sale_price) * i128::from(line.quantity);
                    }
                    keep_smallest(&mut product.line_name, &line.product_name);
                    if !seen.contains(&line.product_id.as_str()) {
                        seen.push(&line.product_id);
                        product.orders += 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn add_return(&mut self, record: &Record, ret: &Return) {
        let Some((i, position)) = self.admit(record, ret.create_time, &[ret.refund]) else {
            return;
        };
        if ret.refund.is_negative() {
            self.warnings
                .add(WarningCode::NegativeAmount, || label(&ret.source, &ret.id));
            return;
        }
        let deducted = !matches!(ret.status, ReturnStatus::Rejected | ReturnStatus::Replaced);
        let refund = minor(ret.refund);
        let offset = self.window.offset(ret.create_time);
        let currency = self.sources[i].currency;
        if deducted {
            self.states[i].days[offset as usize].refunds += refund;
        }
        if position != Position::Window {
            return;
        }
        self.return_keys.push(order_key(&ret.source, &ret.order_id));
        if let ReturnStatus::Unknown(_) = ret.status {
            self.warnings
                .add(WarningCode::UnknownStatus, || label(&ret.source, &ret.id));
        }
        let state = &mut self.states[i];
        match &ret.status {
            ReturnStatus::Refunded => {
                state.sums.refunds += refund;
                state.counts.refunded_returns += 1;
            }
            ReturnStatus::InProgress | ReturnStatus::Unknown(_) => {
                state.sums.refunds_in_progress += refund;
                state.counts.open_returns += 1;
            }
            ReturnStatus::Rejected | ReturnStatus::Replaced => {}
        }
        if deducted {
            let mut itemised = 0i128;
            for item in &ret.items {
                if item.refund.currency == currency && !item.refund.is_negative() {
                    state.skus.entry(item.sku_id.clone()).or_default().refunds +=
                        minor(item.refund);
                    itemised += minor(item.refund);
                }
            }
            state.unattributed_refunds += (refund - itemised).max(0);
        }
    }

    /// Whether an order key was seen (for returns of unknown orders).
    pub(crate) fn order_seen(&self, key: u64) -> bool {
        self.orders_seen.contains(key)
    }

    /// Converts a source amount to USD cents (`None` without a rate or on overflow).
    pub(crate) fn to_usd(&self, source: usize, amount: i128) -> Option<i128> {
        let currency = self.sources.get(source)?.currency;
        let rate = self.fx.rate(currency)?;
        convert_minor(amount, currency, rate).ok().map(i128::from)
    }
}
