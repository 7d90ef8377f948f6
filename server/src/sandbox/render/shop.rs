//! Shops, products, TikTok's own analytics and customer-service performance, as
//! `authorization/get-authorized-shops`, `products/search-products` (202502),
//! `analytics/get-shop-performance` and `customer-service/get-customer-service-performance`
//! write them.

use serde_json::{json, Value};

use super::orders::line_count;
use super::{money, product_id, shop_cipher, shop_id};
use crate::sandbox::personas::{amount, OrderBook, OrderKind, Persona, DAY};

/// The authorized shops of a persona.
pub fn authorized_shops(persona: &Persona, seed: u64, account: u32) -> Value {
    let shops: Vec<Value> = persona
        .shops
        .iter()
        .map(|s| {
            json!({
                "id": shop_id(s, account),
                "name": s.name,
                "region": s.region,
                "seller_type": s.seller_type,
                "cipher": shop_cipher(seed, s, account),
                "code": format!("SBX{}SHOP", s.no),
            })
        })
        .collect();
    json!({ "shops": shops })
}

/// How many products a shop lists: those that sold, then listings that never did.
pub fn product_count(book: &OrderBook) -> u64 {
    book.shop.plan.products + book.shop.plan.unsold_products
}

/// Launch time of product `q`.
pub fn product_time(book: &OrderBook, q: u64) -> i64 {
    book.frame.spread(q, product_count(book))
}

/// Product `q` of a shop (the sold ones first).
pub fn product(book: &OrderBook, q: u64) -> Value {
    let shop = book.shop;
    let t = product_time(book, q);
    let base = shop.plan.gmv_minor / shop.plan.paid.max(1) as i64;
    let id = product_id(shop, q);
    json!({
        "id": id,
        "title": format!("{} item {}", shop.name, q + 1),
        "status": "ACTIVATE",
        "create_time": t,
        "update_time": t,
        "sales_regions": [shop.region],
        "is_not_for_sale": false,
        "listing_quality_tier": "GOOD",
        "skus": [{
            "id": format!("{id}1"),
            "seller_sku": format!("SKU-{}-{q}", shop.no),
            "price": {
                "currency": shop.currency.code(),
                "sale_price": amount(base.max(100), shop.currency),
                "tax_exclusive_price": amount(base.max(100), shop.currency),
            },
            "inventory": [{ "warehouse_id": "7068517275539719942", "quantity": 50 }],
        }],
    })
}

/// Days since the epoch of a `YYYY-MM-DD` date (UTC; the sandbox's shops keep UTC).
pub fn parse_date(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `YYYY-MM-DD` of a unix time (UTC).
pub fn format_date(t: i64) -> String {
    let z = t.div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// TikTok's own analytics over `[start, end)` days (in the shop's currency: `LOCAL`): paid orders' GMV (scaled by the plan's
/// `analytics_percent`: 100 agrees with the orders), orders, units, refunds.
pub fn performance(book: &OrderBook, start: i64, end: i64) -> Value {
    let cur = book.shop.currency;
    let (from, until) = (
        book.first_at_or_after(start * DAY),
        book.first_at_or_after(end * DAY),
    );
    let (mut gmv, mut orders, mut units, mut cancelled) = (0i64, 0i64, 0i64, 0i64);
    for i in from..until {
        let kind = book.kind(i);
        match kind {
            OrderKind::Unpaid | OrderKind::Sample => {}
            OrderKind::Cancelled => cancelled += 1,
            _ => {
                gmv += book.total(kind);
                orders += 1;
                units += line_count(book, kind, i) as i64;
            }
        }
    }
    let refunds: i64 = book
        .returns()
        .into_iter()
        .filter(|(rank, status, _)| {
            let i = book.paid_index(*rank);
            *status == "RETURN_OR_REFUND_REQUEST_COMPLETE" && (from..until).contains(&i)
        })
        .map(|(_, _, refund)| refund)
        .sum();
    let gmv = gmv * book.shop.plan.analytics_percent / 100;
    let currency = cur;
    let avg = if orders > 0 { gmv / orders } else { 0 };
    json!({
        "performance": {
            "intervals": [{
                "start_date": format_date(start * DAY),
                "end_date": format_date(end * DAY),
                "gmv": money(gmv, currency),
                "gmv_breakdowns": [{ "amount": amount(gmv, currency), "currency": currency.code(), "type": "PRODUCT_CARD" }],
                "sku_orders": units,
                "orders": orders,
                "avg_order_value": money(avg, currency),
                "units_sold": units,
                "buyers": orders,
                "refunds": money(refunds, currency),
                "cancellations_and_returns": cancelled,
            }],
            "comparison_intervals": [],
        },
        "latest_available_date": format_date(book.frame.end - DAY),
    })
}

/// Customer-service performance.
pub fn customer_service(book: &OrderBook) -> Value {
    let (sessions, response, satisfaction) = book.shop.service;
    json!({
        "performance": {
            "support_session_count": sessions,
            "response_percentage": response,
            "satisfaction_percentage": satisfaction,
            "response_time_mins": if sessions > 0 { "4.2" } else { "" },
        }
    })
}
