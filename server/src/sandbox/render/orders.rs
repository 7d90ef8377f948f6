//! Orders and returns as `orders/get-order-list` and `return-and-refund/search-returns` write
//! them. Order ids decode back into (shop, index); simulated orders use their own range.

use serde_json::{json, Value};

use super::{product_id, Obj};
use crate::sandbox::personas::{amount, h, OrderBook, OrderKind, ShopSpec, DAY};

/// Order id: decodable back into (shop, index).
pub fn order_id(seed: u64, shop: &ShopSpec, i: u64) -> String {
    (576_400_000_000_000_000u64
        + shop.no * 1_000_000_000_000
        + i * 1000
        + h(seed, &[shop.no, i, 3]) % 1000)
        .to_string()
}

/// The index an order id names in `shop`, if it is one of its ids.
pub fn order_index(book: &OrderBook, id: &str) -> Option<u64> {
    let n: u64 = id.parse().ok()?;
    let rest = n.checked_sub(576_400_000_000_000_000u64 + book.shop.no * 1_000_000_000_000)?;
    let i = rest / 1000;
    (i < book.len() && order_id(book.seed, book.shop, i) == id).then_some(i)
}

/// The product on line `l` of order `i`.
pub fn line_product(book: &OrderBook, i: u64, l: u64) -> u64 {
    h(book.seed, &[book.shop.no, i, l, 17]) % book.shop.plan.products.max(1)
}

/// How many lines (units) order `i` has: 1 to 3; extras have one.
pub fn line_count(book: &OrderBook, kind: OrderKind, i: u64) -> u64 {
    match kind {
        OrderKind::Extra(..) => 1,
        _ => 1 + h(book.seed, &[book.shop.no, i, 5]) % 3,
    }
}

/// When order `i`'s events happened: (paid, shipped, shipping deadline, delivered, update).
struct Times {
    paid: Option<i64>,
    rts: Option<i64>,
    rts_sla: Option<i64>,
    collection: Option<i64>,
    delivery: Option<i64>,
    cancel: Option<i64>,
    update: i64,
}

fn times(book: &OrderBook, kind: OrderKind, status: &str, i: u64) -> Times {
    let t = book.create_time(i);
    let end = book.frame.end;
    let capped = |x: i64| x.min(end).max(t);
    let shipped = matches!(
        status,
        "AWAITING_COLLECTION" | "IN_TRANSIT" | "DELIVERED" | "COMPLETED" | "PARTIALLY_SHIPPING"
    );
    let delivered = matches!(status, "DELIVERED" | "COMPLETED");
    // Every 23rd order ships after its deadline.
    let late = h(book.seed, &[book.shop.no, i, 19]).is_multiple_of(23);
    let rts_sla = t + 2 * DAY;
    Times {
        paid: (kind != OrderKind::Unpaid).then_some(t + 120),
        rts: shipped.then(|| capped(if late { t + 3 * DAY } else { t + DAY })),
        rts_sla: (kind != OrderKind::Unpaid && kind != OrderKind::Cancelled).then_some(rts_sla),
        collection: (shipped && status != "AWAITING_COLLECTION").then(|| capped(t + DAY + 3600)),
        delivery: delivered.then(|| capped(t + 3 * DAY)),
        cancel: (kind == OrderKind::Cancelled).then_some(t + 1800),
        update: capped(if delivered { t + 10 * DAY } else { t + 300 }),
    }
}

/// When order `i` last changed.
pub fn update_time(book: &OrderBook, i: u64) -> i64 {
    let kind = book.kind(i);
    times(book, kind, book.status(kind), i).update
}

/// Order `i` of a book, as the order list and detail write it.
pub fn order(book: &OrderBook, i: u64) -> Value {
    let shop = book.shop;
    let kind = book.kind(i);
    let status = book.status(kind);
    let total = book.total(kind);
    let cur = shop.currency;
    let lines = line_count(book, kind, i);
    let id = order_id(book.seed, shop, i);
    let line_items: Vec<Value> = (0..lines)
        .map(|l| {
            let share = total / lines as i64 + if l == 0 { total % lines as i64 } else { 0 };
            let q = line_product(book, i, l);
            json!({
                "id": format!("{id}{l}"),
                "sku_id": format!("{}1", product_id(shop, q)),
                "product_id": product_id(shop, q),
                "product_name": format!("{} item {}", shop.name, q + 1),
                "sku_name": "Default",
                "seller_sku": format!("SKU-{}-{q}", shop.no),
                "sale_price": amount(share, cur),
                "original_price": amount(share, cur),
                "platform_discount": "0",
                "seller_discount": "0",
                "currency": cur.code(),
                "display_status": status,
                "is_gift": false,
            })
        })
        .collect();
    let t = times(book, kind, status, i);
    Obj::new()
        .set("id", id.clone())
        .set("status", status)
        .set("create_time", book.create_time(i))
        .set("update_time", t.update)
        .opt("paid_time", t.paid)
        .opt("rts_time", t.rts)
        .opt("rts_sla_time", t.rts_sla)
        .opt("collection_time", t.collection)
        .opt("delivery_time", t.delivery)
        .opt("cancel_time", t.cancel)
        .opt(
            "cancellation_initiator",
            (kind == OrderKind::Cancelled).then_some("BUYER"),
        )
        .set("is_sample_order", kind == OrderKind::Sample)
        .set("is_replacement_order", false)
        .set("is_on_hold_order", status == "ON_HOLD")
        .set("is_cod", false)
        .set("order_type", "NORMAL")
        .set("shipping_type", "TIKTOK")
        .set("fulfillment_type", "FULFILLMENT_BY_SELLER")
        .set("delivery_type", "HOME_DELIVERY")
        .set("commerce_platform", "TIKTOK_SHOP")
        .set(
            "user_id",
            format!("70214368104682{:05}", h(book.seed, &[i, 29]) % 100_000),
        )
        .set(
            "buyer_email",
            format!("buyer{}@scs.tiktokw.us", h(book.seed, &[i, 31]) % 100_000),
        )
        .set(
            "payment",
            json!({
                "currency": cur.code(),
                "sub_total": amount(total, cur),
                "shipping_fee": "0",
                "seller_discount": "0",
                "platform_discount": "0",
                "total_amount": amount(total, cur),
                "original_total_product_price": amount(total, cur),
                "original_shipping_fee": "0",
                "shipping_fee_seller_discount": "0",
                "shipping_fee_platform_discount": "0",
                "tax": "0",
            }),
        )
        .set("line_items", line_items)
        .done()
}

/// A simulated order (`/sandbox/simulate/orders`): paid now, awaiting shipment.
pub fn simulated_order(shop: &ShopSpec, id: &str, created: i64, total: i64) -> Value {
    let cur = shop.currency;
    json!({
        "id": id,
        "status": "AWAITING_SHIPMENT",
        "create_time": created,
        "update_time": created,
        "paid_time": created,
        "rts_sla_time": created + 2 * DAY,
        "is_sample_order": false,
        "is_replacement_order": false,
        "is_on_hold_order": false,
        "is_cod": false,
        "order_type": "NORMAL",
        "shipping_type": "TIKTOK",
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "delivery_type": "HOME_DELIVERY",
        "commerce_platform": "TIKTOK_SHOP",
        "payment": {
            "currency": cur.code(),
            "sub_total": amount(total, cur),
            "shipping_fee": "0",
            "seller_discount": "0",
            "platform_discount": "0",
            "total_amount": amount(total, cur),
            "original_total_product_price": amount(total, cur),
            "tax": "0",
        },
        "line_items": [{
            "id": format!("{id}0"),
            "sku_id": format!("{}1", product_id(shop, 0)),
            "product_id": product_id(shop, 0),
            "product_name": format!("{} item 1", shop.name),
            "sku_name": "Default",
            "sale_price": amount(total, cur),
            "original_price": amount(total, cur),
            "currency": cur.code(),
            "display_status": "AWAITING_SHIPMENT",
            "is_gift": false,
        }],
    })
}

/// The id of a shop's `r`-th return.
pub fn return_id(shop: &ShopSpec, r: usize) -> String {
    (4_035_300_000_000_000_000u64 + shop.no * 1_000_000 + r as u64).to_string()
}

/// What the returns search filters a return on, without writing it out.
pub struct ReturnFacts {
    /// The index of the order it returns.
    pub order: u64,
    pub create_time: i64,
    pub update_time: i64,
}

/// The facts of a return of a book: (rank, status, refund).
pub fn return_facts(book: &OrderBook, (rank, status, _): (u64, &str, i64)) -> ReturnFacts {
    let order = book.paid_index(rank);
    let t = (book.create_time(order) + 2 * DAY).min(book.frame.end);
    ReturnFacts {
        order,
        create_time: t,
        update_time: if status == "RETURN_OR_REFUND_REQUEST_PENDING" {
            t
        } else {
            (t + DAY).min(book.frame.end)
        },
    }
}

/// Return `r` of a book: (rank, status, refund), as the returns search writes it.
pub fn return_order(book: &OrderBook, r: usize, ret: (u64, &str, i64)) -> Value {
    let (_, status, refund) = ret;
    let shop = book.shop;
    let cur = shop.currency;
    let facts = return_facts(book, ret);
    let i = facts.order;
    let id = return_id(shop, r);
    let order = order_id(book.seed, shop, i);
    let q = line_product(book, i, 0);
    let money = json!({
        "currency": cur.code(),
        "refund_total": amount(refund, cur),
        "refund_subtotal": amount(refund, cur),
        "refund_shipping_fee": "0",
        "refund_tax": "0",
    });
    json!({
        "return_id": id,
        "order_id": order,
        "return_type": "REFUND",
        "return_status": status,
        "arbitration_status": "",
        "role": "BUYER",
        "return_reason": "ecom_order_delivered_refund_and_return_reason_wrong_size",
        "return_reason_text": "Wrong size",
        "create_time": facts.create_time,
        "update_time": facts.update_time,
        "refund_amount": money,
        "is_combined_return": false,
        "return_line_items": [{
            "return_line_item_id": format!("{id}0"),
            "order_line_item_id": format!("{order}0"),
            "sku_id": format!("{}1", product_id(shop, q)),
            "sku_name": "Default",
            "product_name": format!("{} item {}", shop.name, q + 1),
            "refund_amount": money,
        }],
    })
}
