//! The fold's running state per source: daily cells over the history, window sums, small
//! value histograms for the minimum order value, and the per-product, per-sku and per-group
//! (promoted shop × product × content × programme) aggregates. Nothing here grows with orders.

use std::collections::BTreeMap;

use super::report::IncomeCounts;
use crate::records::UnixSeconds;

/// One day of a source's history (amounts in the source's minor units).
#[derive(Debug, Clone, Default)]
pub(crate) struct DayCell {
    /// Delivered GMV of orders created that day.
    pub delivered: i128,
    /// Of which `DELIVERED` (not yet `COMPLETED`).
    pub delivered_only: i128,
    /// Refunds, decided or in progress, of returns requested that day.
    pub refunds: i128,
    /// Estimated creator commission placed on that day (delivery, else creation).
    pub estimated: i128,
    /// Delivered orders of at least one dollar created that day (countable for sure).
    pub countable: u32,
}

/// Window sums of one source (score window only).
#[derive(Debug, Clone, Default)]
pub(crate) struct Sums {
    pub gmv: i128,
    pub delivered: i128,
    pub delivered_only: i128,
    pub pending: i128,
    pub refunds: i128,
    pub refunds_in_progress: i128,
    /// Delivered GMV of orders delivered (or created) within the settlement lag.
    pub lag_delivered: i128,
    pub seller_paid: i128,
    pub seller_estimated: i128,
    pub unsettled: i128,
    pub statement_revenue: i128,
    pub payments_paid: i128,
    pub analytics_gmv: i128,
    pub today_gmv: i128,
    pub today_orders: u64,
}

/// A product of a shop source.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProductAcc {
    /// `title` of the product record, when seen.
    pub title: Option<String>,
    /// The smallest `product_name` seen on order lines (deterministic whatever the order).
    pub line_name: Option<String>,
    /// Launched inside the score window (product record).
    pub launched_in_window: bool,
    /// Seen in a delivered order.
    pub sold: bool,
    /// Line revenue of delivered orders in the window (non-gift `sale_price` × quantity).
    pub revenue: i128,
    /// Delivered orders in the window containing it.
    pub orders: u64,
    /// Non-gift units delivered in the window.
    pub items: u64,
}

impl ProductAcc {
    pub(crate) fn name(&self, id: &str) -> String {
        self.title
            .clone()
            .or_else(|| self.line_name.clone())
            .unwrap_or_else(|| id.to_string())
    }
}

/// A sku of a shop source: the product it belongs to and the refunds returns named it in.
#[derive(Debug, Clone, Default)]
pub(crate) struct SkuAcc {
    pub product: Option<String>,
    pub refunds: i128,
}

/// How a creator line came to the creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Programme {
    /// `target_collaboration_id` set (wins over the others: a deal made with this creator).
    Target,
    /// `open_collaboration_id` set.
    Open,
    /// Only `campaign_id` set.
    Campaign,
    /// None set.
    None,
}

/// Creator lines grouped by what decides self-dealing and what insights break down by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct GroupKey {
    /// The promoted shop's name, trimmed and lowercased.
    pub shop: String,
    pub product_id: String,
    pub content_id: String,
    pub content_type: String,
    pub campaign_id: String,
    pub programme: Programme,
    pub programme_id: String,
}

/// The sums of one group.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupAcc {
    /// The smallest spelling of the shop's name seen.
    pub shop_name: String,
    /// Settled actual parts: commission, bonus, shop ads, creator reward (window).
    pub settled: [i128; 4],
    /// What deductions took back (window, positive).
    pub deducted: i128,
    /// Estimated commission of unsettled lines (window).
    pub estimated: i128,
    /// Attributed sales of lines not refunded (window).
    pub sales: i128,
    /// Lines in the window.
    pub lines: u64,
    /// Settled orders in the window (first sighting of the order).
    pub settled_orders: u64,
    /// Net verified commission (settled − deducted) by placement day offset, over the history.
    pub days: BTreeMap<u32, i128>,
    /// Settled orders by creation day offset (window).
    pub settled_order_days: BTreeMap<u32, u32>,
    /// Earliest creation time of a settled line over the history.
    pub first_settled: Option<UnixSeconds>,
}

impl GroupAcc {
    pub(crate) fn settled_total(&self) -> i128 {
        self.settled.iter().sum()
    }

    /// Net verified commission of the group in the window (never below zero).
    pub(crate) fn verified(&self) -> i128 {
        (self.settled_total() - self.deducted).max(0)
    }
}

/// Everything the fold keeps for one source.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceState {
    /// Minor units of one US dollar in the source's currency; `None` without an FX rate.
    pub one_dollar: Option<i64>,
    /// One cell per day of the history, index = days before the end (0 = the last 24 hours).
    pub days: Vec<DayCell>,
    pub sums: Sums,
    pub counts: IncomeCounts,
    /// Delivered orders under one dollar: (day offset, value, still `DELIVERED`) → count.
    pub micro: BTreeMap<(u32, i64, bool), u32>,
    /// Delivered order values in the window under five dollars → count.
    pub small_values: BTreeMap<i64, u64>,
    /// Sum of delivered order values in the window of five dollars or more.
    pub large_value_sum: i128,
    pub products: BTreeMap<String, ProductAcc>,
    pub skus: BTreeMap<String, SkuAcc>,
    /// Refunds no return line ties to a known sku: spread over products by revenue.
    pub unattributed_refunds: i128,
    pub groups: BTreeMap<GroupKey, GroupAcc>,
    /// Settled affiliate parts over the window (including self-dealing), deducted, estimated.
    pub settled_parts: [i128; 4],
    pub deducted: i128,
    pub estimated: i128,
    pub affiliate_sales: i128,
    /// Earliest delivered order creation over the history.
    pub first_delivered: Option<UnixSeconds>,
    pub unsettled_earliest: Option<UnixSeconds>,
    pub has_statements: bool,
    pub has_payments: bool,
}

impl SourceState {
    pub(crate) fn new(history_days: u32, one_dollar: Option<i64>) -> SourceState {
        SourceState {
            one_dollar,
            days: vec![DayCell::default(); history_days as usize],
            ..SourceState::default()
        }
    }
}

/// The minimum or maximum of two optional times.
pub(crate) fn earliest(a: Option<UnixSeconds>, b: Option<UnixSeconds>) -> Option<UnixSeconds> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The smaller of a kept name and a new one (so the kept name does not depend on record order).
pub(crate) fn keep_smallest(kept: &mut Option<String>, candidate: &str) {
    if candidate.is_empty() {
        return;
    }
    if kept.as_deref().is_none_or(|k| candidate < k) {
        *kept = Some(candidate.to_string());
    }
}

/// A shop name as matched: trimmed, lowercased.
pub(crate) fn shop_key(name: &str) -> String {
    name.trim().to_lowercase()
}
