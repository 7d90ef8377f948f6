//! Builders for test records: the seed's borrowers (every counted order `COMPLETED`, every
//! return decided) and small variations.

use crate::money::{Currency, Money};
use crate::records::{
    AffiliateOrder, AffiliateStatus, CommissionParts, LineItem, Order, OrderStatus, Product,
    Record, Return, ReturnItem, ReturnStatus, SourceInfo, SourceKind, Statement,
};

pub const NOW: i64 = 1_750_000_000;
pub const DAY: i64 = 86_400;

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub fn shop(id: &str) -> SourceInfo {
    SourceInfo::new(id, SourceKind::Shop, Currency::USD)
}

pub fn creator(id: &str) -> SourceInfo {
    SourceInfo::new(id, SourceKind::Creator, Currency::USD)
}

/// A completed order of `minor` cents, `seconds_ago` before [`NOW`], one unit of product
/// `p{id % 7}` (sku `s{id % 7}`), delivered two days after it was placed.
pub fn order_of(source: &str, id: usize, minor: i64, seconds_ago: i64) -> Order {
    let created = NOW - seconds_ago;
    Order {
        source: source.into(),
        id: format!("{id}"),
        status: OrderStatus::Completed,
        create_time: created,
        update_time: None,
        paid_time: Some(created),
        delivery_time: Some((created + 2 * DAY).min(NOW)),
        rts_time: Some(created + DAY / 2),
        rts_sla_time: Some(created + DAY),
        total: usd(minor),
        is_sample: false,
        is_replacement: false,
        items: vec![LineItem {
            product_id: format!("p{}", id % 7),
            sku_id: format!("s{}", id % 7),
            product_name: format!("Product {}", id % 7),
            sale_price: usd(minor),
            quantity: 1,
            is_gift: false,
        }],
    }
}

pub fn order(source: &str, id: usize, minor: i64, seconds_ago: i64) -> Record {
    Record::Order(order_of(source, id, minor, seconds_ago))
}

/// The same order in another status.
pub fn with_status(record: Record, status: OrderStatus) -> Record {
    match record {
        Record::Order(mut o) => {
            o.status = status;
            Record::Order(o)
        }
        other => other,
    }
}

/// A return of `minor` cents on order `order_id` (product `p{order_id % 7}`).
pub fn return_of(
    source: &str,
    order_id: usize,
    minor: i64,
    seconds_ago: i64,
    status: ReturnStatus,
) -> Record {
    Record::Return(Return {
        source: source.into(),
        id: format!("r{order_id}"),
        order_id: format!("{order_id}"),
        status,
        return_type: "REFUND".into(),
        create_time: NOW - seconds_ago,
        update_time: None,
        refund: usd(minor),
        items: vec![ReturnItem {
            sku_id: format!("s{}", order_id % 7),
            refund: usd(minor),
        }],
    })
}

pub fn refund(source: &str, order_id: usize, minor: i64, seconds_ago: i64) -> Record {
    return_of(source, order_id, minor, seconds_ago, ReturnStatus::Refunded)
}

/// A settled creator line: `sales` cents at `rate_bps`, promoting `brand{id % 5}`'s product
/// `sku{id % 11}` through video `v{id % 13}` (no delivery time: placed when ordered).
pub fn commission_of(
    source: &str,
    id: usize,
    sales: i64,
    rate_bps: u32,
    seconds_ago: i64,
) -> AffiliateOrder {
    let earned =
        i64::try_from(i128::from(sales) * i128::from(rate_bps) / 10_000).unwrap_or(i64::MAX);
    let created = NOW - seconds_ago;
    let parts = CommissionParts {
        commission: Some(usd(earned)),
        ..CommissionParts::default()
    };
    AffiliateOrder {
        source: source.into(),
        id: format!("a{id}/sku{}", id % 11),
        order_id: format!("a{id}"),
        create_time: created,
        delivery_time: None,
        status: AffiliateStatus::Settled,
        shop: format!("brand{}", id % 5),
        product_id: format!("sku{}", id % 11),
        product_name: format!("Item {}", id % 11),
        content_type: "VIDEO".into(),
        content_id: format!("v{}", id % 13),
        campaign_id: String::new(),
        open_collaboration_id: format!("oc{}", id % 3),
        target_collaboration_id: String::new(),
        sales: usd(sales),
        quantity: 1,
        returned_quantity: 0,
        commission_rate_bps: rate_bps,
        actual: parts.clone(),
        estimated: parts,
    }
}

pub fn commission(source: &str, id: usize, sales: i64, rate_bps: u32, seconds_ago: i64) -> Record {
    Record::AffiliateOrder(commission_of(source, id, sales, rate_bps, seconds_ago))
}

pub fn product(source: &str, id: &str, days_ago: i64) -> Record {
    Record::Product(Product {
        source: source.into(),
        id: id.into(),
        title: format!("Listing {id}"),
        status: "ACTIVATE".into(),
        create_time: NOW - days_ago * DAY,
    })
}

/// A daily statement with TikTok's own revenue figure.
pub fn statement(source: &str, id: usize, revenue: i64, seconds_ago: i64) -> Record {
    Record::Statement(Statement {
        source: source.into(),
        id: format!("st{id}"),
        statement_time: NOW - seconds_ago,
        settlement: usd(revenue * 85 / 100),
        revenue: Some(usd(revenue)),
        fee: None,
        adjustment: None,
        shipping_cost: None,
        payment_status: crate::records::PaymentStatus::Paid,
        payment_id: format!("pay{id}"),
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
