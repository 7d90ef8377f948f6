//! Finance as `finance/get-statements`, `get-payments`, `get-withdrawals` and
//! `get-unsettled-transactions` write it. A delivered order settles seven days after delivery,
//! on that day's statement (generated at 00:00 UTC), less a 5% fee and its decided refunds;
//! orders not settled yet are unsettled transactions. US and UK shops have no
//! `revenue_amount` (they get `net_sales_amount`); SEA shops have no payments.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::orders::order_id;
use super::Obj;
use crate::sandbox::personas::{amount, OrderBook, OrderKind, DAY};

/// Days from delivery to settlement.
pub const SETTLE_AFTER_DELIVERY: i64 = 7;
/// Delivery follows creation by this long.
const DELIVERY_AFTER_CREATE: i64 = 3 * DAY;

fn is_sea(region: &str) -> bool {
    matches!(region, "ID" | "MY" | "TH" | "VN" | "PH" | "SG")
}

fn midnight(t: i64) -> i64 {
    t - t.rem_euclid(DAY)
}

/// A settled day: (statement time, revenue, fees, refunds).
struct Day {
    time: i64,
    revenue: i64,
    fees: i64,
    refunds: i64,
}

/// Orders delivered and settled in the frame, grouped into daily statements.
fn settled_days(book: &OrderBook) -> Vec<Day> {
    let frame = book.frame;
    let refunds: HashMap<u64, i64> = book
        .returns()
        .into_iter()
        .filter(|(_, status, _)| *status == "RETURN_OR_REFUND_REQUEST_COMPLETE")
        .map(|(rank, _, refund)| (rank, refund))
        .collect();
    let mut days: Vec<Day> = Vec::new();
    let settle_lag = DELIVERY_AFTER_CREATE + SETTLE_AFTER_DELIVERY * DAY;
    let first = midnight(frame.start + settle_lag) + DAY;
    let mut time = first;
    while time <= frame.end {
        // Orders created in [time − lag − 1 day, time − lag) settle on this statement.
        let from = book.first_at_or_after(time - settle_lag - DAY);
        let until = book.first_at_or_after(time - settle_lag);
        let mut day = Day {
            time,
            revenue: 0,
            fees: 0,
            refunds: 0,
        };
        for i in from..until {
            let kind = book.kind(i);
            if matches!(
                kind,
                OrderKind::Sample | OrderKind::Unpaid | OrderKind::Cancelled
            ) {
                continue;
            }
            if !matches!(book.status(kind), "DELIVERED" | "COMPLETED") {
                continue;
            }
            let total = book.total(kind);
            day.revenue += total;
            day.fees += total / 20;
            if let OrderKind::Paid(rank) = kind {
                day.refunds += refunds.get(&rank).copied().unwrap_or(0);
            }
        }
        if day.revenue > 0 {
            days.push(day);
        }
        time += DAY;
    }
    days
}

/// The statements (and their payments) of a book, oldest first.
pub fn statements(book: &OrderBook) -> Vec<(Value, Value)> {
    let shop = book.shop;
    let cur = shop.currency;
    let no_revenue_field = matches!(shop.region, "US" | "GB");
    settled_days(book)
        .into_iter()
        .enumerate()
        .map(|(k, d)| {
            let settlement = d.revenue - d.fees - d.refunds;
            let paid_at = d.time + 2 * DAY;
            let paid = paid_at <= book.frame.end;
            let statement_id =
                (7_238_800_000_000_000_000u64 + shop.no * 1_000_000 + k as u64).to_string();
            let payment_id =
                (3_458_700_000_000_000_000u64 + shop.no * 1_000_000 + k as u64).to_string();
            let status = if paid { "PAID" } else { "PROCESSING" };
            let statement = Obj::new()
                .set("id", statement_id)
                .set("statement_time", d.time)
                .set("settlement_amount", amount(settlement, cur))
                .set("currency", cur.code())
                .opt(
                    "revenue_amount",
                    (!no_revenue_field).then(|| amount(d.revenue, cur)),
                )
                .set("fee_amount", amount(-d.fees, cur))
                .set("adjustment_amount", amount(-d.refunds, cur))
                .set("payment_status", status)
                .set("payment_id", payment_id.clone())
                .opt(
                    "net_sales_amount",
                    (!is_sea(shop.region)).then(|| amount(d.revenue - d.refunds, cur)),
                )
                .opt(
                    "shipping_cost_amount",
                    (!is_sea(shop.region)).then(|| amount(0, cur)),
                )
                .done();
            let value = |m: i64| json!({ "value": amount(m, cur), "currency": cur.code() });
            let payment = Obj::new()
                .set("create_time", d.time)
                .set("id", payment_id)
                .set("status", status)
                .set("amount", value(settlement))
                .set("settlement_amount", value(settlement))
                .set("reserve_amount", value(0))
                .set("payment_amount_before_exchange", value(settlement))
                .set("exchange_rate", "1.000000")
                .opt("paid_time", paid.then_some(paid_at))
                .set("bank_account", "***********1234")
                .done();
            (statement, payment)
        })
        .collect()
}

/// Whether the shop's market has the payments endpoint (not SEA).
pub fn has_payments(book: &OrderBook) -> bool {
    !is_sea(book.shop.region)
}

/// Withdrawals: each paid payout withdrawn an hour later.
pub fn withdrawals(book: &OrderBook) -> Vec<Value> {
    let cur = book.shop.currency;
    statements(book)
        .into_iter()
        .filter_map(|(_, p)| {
            let at = p["paid_time"].as_i64()? + 3600;
            (at <= book.frame.end).then(|| {
                json!({
                    "id": format!("WD{}", p["id"].as_str().unwrap_or_default()),
                    "type": "WITHDRAW",
                    "amount": p["amount"]["value"],
                    "currency": cur.code(),
                    "status": "SUCCESS",
                    "create_time": at,
                })
            })
        })
        .collect()
}

/// Unsettled transactions: paid orders not on a statement yet (undelivered, or delivered less
/// than seven days ago), each an estimate less the 5% fee.
pub fn unsettled(book: &OrderBook) -> Vec<Value> {
    let cur = book.shop.currency;
    let cutoff = book.frame.end - DELIVERY_AFTER_CREATE - SETTLE_AFTER_DELIVERY * DAY;
    let from = book.first_at_or_after(cutoff.min(book.frame.end));
    let mut out = Vec::new();
    let mut push = |i: u64, kind: OrderKind, delivered: bool| {
        let total = book.total(kind);
        let created = book.create_time(i);
        let delivery = created + DELIVERY_AFTER_CREATE;
        let id = order_id(book.seed, book.shop, i);
        out.push(
            Obj::new()
                .set("type", "ORDER")
                .set("id", format!("9{id}"))
                .set("status", "UNSETTLED")
                .set("currency", cur.code())
                .set(
                    "estimated_settlement",
                    if delivered {
                        (delivery + SETTLE_AFTER_DELIVERY * DAY).to_string()
                    } else {
                        format!("{SETTLE_AFTER_DELIVERY} days after delivery")
                    },
                )
                .set(
                    "unsettled_reason",
                    if delivered {
                        "waiting for settlement"
                    } else {
                        "waiting for delivery"
                    },
                )
                .set("order_create_time", created)
                .opt("order_delivery_time", delivered.then_some(delivery))
                .set("order_id", id)
                .set("est_settlement_amount", amount(total - total / 20, cur))
                .set("est_revenue_amount", amount(total, cur))
                .set("est_fee_tax_amount", amount(-(total / 20), cur))
                .set("est_shipping_cost_amount", amount(0, cur))
                .set("est_adjustment_amount", amount(0, cur))
                .done(),
        );
    };
    for i in 0..book.len() {
        let kind = book.kind(i);
        if matches!(
            kind,
            OrderKind::Sample | OrderKind::Unpaid | OrderKind::Cancelled
        ) {
            continue;
        }
        let status = book.status(kind);
        let delivered = matches!(status, "DELIVERED" | "COMPLETED");
        if !delivered || i >= from {
            push(i, kind, delivered);
        }
    }
    out
}
