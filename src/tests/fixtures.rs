//! Builders for test records: the seed's borrowers and small variations.

use crate::money::{Currency, Money};
use crate::records::{
    AffiliateOrder, AffiliateStatus, LineItem, Order, OrderStatus, Record, Return, ReturnStatus,
    SourceInfo, SourceKind,
};

pub const NOW: i64 = 1_750_000_000;
pub const DAY: i64 = 86_400;

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub fn shop(id: &str) -> SourceInfo {
    let mut source = SourceInfo::new(id, SourceKind::Shop, Currency::USD);
    source.opened_at = Some(NOW - 400 * DAY);
    source
}

pub fn creator(id: &str) -> SourceInfo {
    let mut source = SourceInfo::new(id, SourceKind::Creator, Currency::USD);
    source.opened_at = Some(NOW - 400 * DAY);
    source
}

/// A completed order of `minor` cents, `seconds_ago` before [`NOW`].
pub fn order(source: &str, id: usize, minor: i64, seconds_ago: i64) -> Record {
    Record::Order(Order {
        source: source.into(),
        id: format!("{id}"),
        status: OrderStatus::Completed,
        create_time: NOW - seconds_ago,
        paid_time: Some(NOW - seconds_ago),
        total: usd(minor),
        is_sample: false,
        items: vec![LineItem {
            product_id: format!("p{}", id % 7),
            quantity: 1,
        }],
    })
}

pub fn refund(source: &str, order_id: usize, minor: i64, seconds_ago: i64) -> Record {
    Record::Return(Return {
        source: source.into(),
        id: format!("r{order_id}"),
        order_id: format!("{order_id}"),
        status: ReturnStatus::Refunded,
        create_time: NOW - seconds_ago,
        refund: usd(minor),
    })
}

pub fn commission(source: &str, id: usize, sales: i64, rate_bps: u32, seconds_ago: i64) -> Record {
    let earned = sales * i64::from(rate_bps) / 10_000;
    Record::AffiliateOrder(AffiliateOrder {
        source: source.into(),
        id: format!("a{id}"),
        create_time: NOW - seconds_ago,
        status: AffiliateStatus::Settled,
        shop: format!("brand{}", id % 5),
        product_id: format!("sku{}", id % 11),
        sales: usd(sales),
        commission_rate_bps: rate_bps,
        estimated_commission: usd(earned),
        actual_commission: Some(usd(earned)),
    })
}

/// Spreads `n` events evenly over the 90-day window (never on its edges).
pub fn spread(i: usize, n: usize) -> i64 {
    let span = 90 * DAY - 2;
    1 + (span * i as i64) / n.max(1) as i64
}

/// The seed's seller: 150 orders, GMV $15,000 (AOV $100), 5% of it refunded.
pub fn seller_records() -> Vec<Record> {
    let mut records: Vec<Record> = (0..150)
        .map(|i| order("shop", i, 10_000, spread(i, 150)))
        .collect();
    // 15 partial refunds of $50 = $750 = 5% of GMV.
    records.extend((0..15).map(|i| refund("shop", i * 10, 5_000, spread(i * 10, 150) / 2)));
    records
}

/// The seed's creator: 200 attributed orders, $30,000 sales at 15%.
pub fn creator_records() -> Vec<Record> {
    (0..200)
        .map(|i| commission("creator", i, 15_000, 1_500, spread(i, 200)))
        .collect()
}

/// The seed's hybrid: $10,000 own net revenue + $3,000 commission.
pub fn hybrid_records() -> Vec<Record> {
    let mut records: Vec<Record> = (0..100)
        .map(|i| order("shop", i, 10_000, spread(i, 100)))
        .collect();
    records.extend((0..100).map(|i| commission("creator", i, 20_000, 1_500, spread(i, 100))));
    records
}
