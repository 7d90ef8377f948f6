//! Renders a persona's generated data as the Open API's wire types (the client's own types,
//! so the sandbox and the client cannot drift apart).

use crate::tiktok::api;

use super::personas::{
    amount, h, AffiliateBook, AffiliateKind, Frame, OrderBook, OrderKind, ShopSpec, DAY,
    PROMOTED_SHOPS,
};

/// Shop id.
pub fn shop_id(shop: &ShopSpec) -> String {
    format!("74940496426424{:05}", shop.no)
}

/// Shop cipher, deterministic from the seed.
pub fn shop_cipher(seed: u64, shop: &ShopSpec) -> String {
    format!("GCP_SBX{:016x}", h(seed, &[shop.no, 0xC1]))
}

/// Open id of a persona.
pub fn open_id(persona_no: u64) -> String {
    format!("70107360571{:08}", persona_no)
}

/// Order id: decodable back into (shop, index).
pub fn order_id(seed: u64, shop: &ShopSpec, i: u64) -> String {
    (576_400_000_000_000_000u64
        + shop.no * 1_000_000_000_000
        + i * 1000
        + h(seed, &[shop.no, i, 3]) % 1000)
        .to_string()
}

/// The index an order id names in `shop`, if it is one of its ids.
pub fn order_index(seed: u64, shop: &ShopSpec, book: &OrderBook, id: &str) -> Option<u64> {
    let n: u64 = id.parse().ok()?;
    let rest = n.checked_sub(576_400_000_000_000_000u64 + shop.no * 1_000_000_000_000)?;
    let i = rest / 1000;
    (i < book.len() && order_id(seed, shop, i) == id).then_some(i)
}

fn product_id(shop: &ShopSpec, q: u64) -> String {
    (1_729_500_000_000_000_000u64 + shop.no * 1_000_000_000 + q).to_string()
}

/// Order `i` of a book.
pub fn order(book: &OrderBook, i: u64) -> api::Order {
    let shop = book.shop;
    let kind = book.kind(i);
    let status = book.status(kind);
    let t = book.create_time(i);
    let end = book.frame.end;
    let base = shop.plan.gmv_minor / shop.plan.paid.max(1) as i64;
    let total = match kind {
        OrderKind::Paid(rank) => book.paid_total(rank),
        _ => base.max(100),
    };
    let lines = 1 + h(book.seed, &[shop.no, i, 5]) % 3;
    let cur = shop.currency;
    let line_items = (0..lines)
        .map(|l| {
            let share = total / lines as i64 + if l == 0 { total % lines as i64 } else { 0 };
            let q = h(book.seed, &[shop.no, i, l, 17]) % shop.plan.products.max(1);
            api::OrderLineItem {
                id: format!("{}{}", order_id(book.seed, shop, i), l),
                product_id: product_id(shop, q),
                product_name: format!("{} item {}", shop.name, q + 1),
                sku_id: format!("{}1", product_id(shop, q)),
                currency: cur.code().into(),
                original_price: amount(share, cur),
                sale_price: amount(share, cur),
                display_status: status.into(),
                ..Default::default()
            }
        })
        .collect();
    let delivered = matches!(status, "DELIVERED" | "COMPLETED");
    api::Order {
        id: order_id(book.seed, shop, i),
        status: status.into(),
        create_time: Some(t),
        update_time: Some(if delivered {
            (t + 10 * DAY).min(end)
        } else {
            (t + 300).min(end)
        }),
        paid_time: (kind != OrderKind::Unpaid).then_some(t + 120),
        delivery_time: delivered.then(|| (t + 3 * DAY).min(end)),
        cancel_time: (kind == OrderKind::Cancelled).then_some(t + 1800),
        is_sample_order: kind == OrderKind::Sample,
        order_type: "NORMAL".into(),
        shipping_type: "TIKTOK".into(),
        fulfillment_type: "FULFILLMENT_BY_SELLER".into(),
        commerce_platform: "TIKTOK_SHOP".into(),
        payment: Some(api::OrderPayment {
            currency: cur.code().into(),
            total_amount: amount(total, cur),
            sub_total: amount(total, cur),
            original_total_product_price: Some(amount(total, cur)),
            seller_discount: Some(amount(0, cur)),
            platform_discount: Some(amount(0, cur)),
            shipping_fee: Some(amount(0, cur)),
            tax: Some(amount(0, cur)),
            ..Default::default()
        }),
        line_items,
        ..Default::default()
    }
}

/// The returns of a book, oldest first.
pub fn returns(book: &OrderBook) -> Vec<api::ReturnOrder> {
    let shop = book.shop;
    let cur = shop.currency;
    book.returns()
        .into_iter()
        .enumerate()
        .map(|(r, (rank, status, refund))| {
            let i = book.paid_index(rank);
            let t = book.create_time(i) + 2 * DAY;
            let money = api::RefundAmount {
                currency: cur.code().into(),
                refund_total: amount(refund, cur),
                refund_subtotal: Some(amount(refund, cur)),
                refund_shipping_fee: Some(amount(0, cur)),
                refund_tax: Some(amount(0, cur)),
                ..Default::default()
            };
            api::ReturnOrder {
                return_id: (4_035_300_000_000_000_000u64 + shop.no * 1_000_000 + r as u64)
                    .to_string(),
                order_id: order_id(book.seed, shop, i),
                return_status: status.into(),
                return_type: "REFUND".into(),
                create_time: Some(t),
                update_time: Some((t + DAY).min(book.frame.end)),
                refund_amount: Some(money.clone()),
                role: "BUYER".into(),
                return_reason: "ecom_order_delivered_refund_and_return_reason_wrong_size".into(),
                return_line_items: vec![api::ReturnLineItem {
                    return_line_item_id: format!(
                        "{}0",
                        4_035_300_000_000_000_000u64 + shop.no * 1_000_000 + r as u64
                    ),
                    order_line_item_id: format!("{}0", order_id(book.seed, shop, i)),
                    refund_amount: Some(money),
                    ..Default::default()
                }],
                ..Default::default()
            }
        })
        .collect()
}

/// Weekly statements: orders delivered settle ten days after creation, minus a 5% fee and
/// their refunds. Only statements dated inside the frame exist.
pub fn statements(book: &OrderBook) -> Vec<(api::Statement, api::Payment)> {
    let shop = book.shop;
    let cur = shop.currency;
    let frame: Frame = book.frame;
    let refunds: std::collections::HashMap<u64, i64> = book
        .returns()
        .into_iter()
        .filter(|(_, status, _)| *status == "RETURN_OR_REFUND_REQUEST_COMPLETE")
        .map(|(rank, _, refund)| (rank, refund))
        .collect();
    let mut out = Vec::new();
    for k in 0.. {
        let time = frame.start + 10 * DAY + 7 * DAY * (k + 1);
        if time > frame.end {
            break;
        }
        let from = book.first_at_or_after(frame.start + 7 * DAY * k + 1);
        let until = book.first_at_or_after(frame.start + 7 * DAY * (k + 1) + 1);
        let (mut revenue, mut fees, mut adjustments) = (0i64, 0i64, 0i64);
        for i in from..until {
            if let kind @ OrderKind::Paid(rank) = book.kind(i) {
                if matches!(book.status(kind), "DELIVERED" | "COMPLETED") {
                    let total = book.paid_total(rank);
                    revenue += total;
                    fees += total / 20;
                    adjustments += refunds.get(&rank).copied().unwrap_or(0);
                }
            }
        }
        let settlement = revenue - fees - adjustments;
        let paid_at = time + 2 * DAY;
        let paid = paid_at <= frame.end;
        let k = k as u64;
        let statement_id = (7_238_800_000_000_000_000u64 + shop.no * 1_000_000 + k).to_string();
        let payment_id = (3_458_700_000_000_000_000u64 + shop.no * 1_000_000 + k).to_string();
        let value = |m: i64| api::ValueAmount {
            value: amount(m, cur),
            currency: cur.code().into(),
        };
        out.push((
            api::Statement {
                id: statement_id,
                statement_time: Some(time),
                currency: cur.code().into(),
                settlement_amount: amount(settlement, cur),
                revenue_amount: amount(revenue, cur),
                fee_amount: amount(-fees, cur),
                adjustment_amount: amount(-adjustments, cur),
                shipping_cost_amount: amount(0, cur),
                net_sales_amount: amount(revenue - adjustments, cur),
                payment_status: if paid { "PAID" } else { "PROCESSING" }.into(),
                payment_id: payment_id.clone(),
            },
            api::Payment {
                id: payment_id,
                create_time: Some(time),
                paid_time: paid.then_some(paid_at),
                status: if paid { "PAID" } else { "PROCESSING" }.into(),
                amount: value(settlement),
                settlement_amount: Some(value(settlement)),
                reserve_amount: Some(value(0)),
                payment_amount_before_exchange: Some(value(settlement)),
                exchange_rate: Some("1.000000".into()),
            },
        ));
    }
    out
}

/// Withdrawals: each paid payout withdrawn an hour later.
pub fn withdrawals(book: &OrderBook) -> Vec<api::Withdrawal> {
    statements(book)
        .into_iter()
        .filter_map(|(_, p)| {
            let at = p.paid_time? + 3600;
            (at <= book.frame.end).then(|| api::Withdrawal {
                id: format!("WD{}", p.id),
                amount: p.amount.value.clone(),
                currency: p.amount.currency.clone(),
                status: "SUCCESS".into(),
                kind: "WITHDRAW".into(),
                create_time: Some(at),
            })
        })
        .collect()
}

/// Product `q` of a shop: launched evenly across the frame.
pub fn product(book: &OrderBook, q: u64) -> api::Product {
    let shop = book.shop;
    let t = book.frame.spread(q, shop.plan.products);
    let base = shop.plan.gmv_minor / shop.plan.paid.max(1) as i64;
    api::Product {
        id: product_id(shop, q),
        title: format!("{} item {}", shop.name, q + 1),
        status: "ACTIVATE".into(),
        create_time: Some(t),
        update_time: Some(t),
        sales_regions: vec![shop.region.into()],
        listing_quality_tier: "GOOD".into(),
        skus: vec![api::ProductSku {
            id: format!("{}1", product_id(shop, q)),
            seller_sku: format!("SKU-{}-{q}", shop.no),
            price: Some(api::ProductPrice {
                currency: shop.currency.code().into(),
                sale_price: amount(base.max(100), shop.currency),
                tax_exclusive_price: None,
            }),
        }],
        ..Default::default()
    }
}

/// The seller-side affiliate orders: paid orders at index ≡ 2 (mod 5) came through creators
/// at a 10% commission.
pub fn seller_affiliate_indices(book: &OrderBook, from: u64, until: u64) -> Vec<u64> {
    (from..until)
        .filter(|i| i % 5 == 2 && matches!(book.kind(*i), OrderKind::Paid(_)))
        .collect()
}

/// A seller-side affiliate order.
pub fn seller_affiliate_order(book: &OrderBook, i: u64) -> api::AffiliateOrder {
    let o = order(book, i);
    let cur = book.shop.currency;
    let total = match book.kind(i) {
        OrderKind::Paid(rank) => book.paid_total(rank),
        _ => 0,
    };
    let settled = o.status == "COMPLETED";
    let commission = api::Amount {
        amount: amount(total / 10, cur),
        currency: cur.code().into(),
    };
    api::AffiliateOrder {
        id: o.id.clone(),
        create_time: o.create_time,
        delivery_time: o.delivery_time,
        status: String::new(),
        skus: vec![api::AffiliateSku {
            id: format!("{}1", o.id),
            product_id: o
                .line_items
                .first()
                .map(|l| l.product_id.clone())
                .unwrap_or_default(),
            product_name: o
                .line_items
                .first()
                .map(|l| l.product_name.clone())
                .unwrap_or_default(),
            shop_name: book.shop.name.into(),
            quantity: Some(1),
            price: Some(api::Amount {
                amount: amount(total, cur),
                currency: cur.code().into(),
            }),
            content_type: "VIDEO".into(),
            content_id: format!(
                "72{:017}",
                h(book.seed, &[book.shop.no, i % 7, 23]) % 100_000_000_000_000_000
            ),
            commission_rate: Some(1000),
            standard_commission_rate: Some(1000),
            estimated_commission: Some(commission.clone()),
            actual_commission: settled.then_some(commission),
            settlement_status: Some(if settled { "SETTLED" } else { "To-SETTLE" }.into()),
            ..Default::default()
        }],
    }
}

/// Creator affiliate line `i`.
pub fn creator_affiliate_order(book: &AffiliateBook, i: u64) -> api::AffiliateOrder {
    let kind = book.kind(i);
    let sales = book.sales(i, kind);
    let rate = book.plan.rate_bps;
    let commission = sales * rate / 10_000;
    let usd = |m: i64| api::Amount {
        amount: amount(m, shopscore::money::Currency::USD),
        currency: "USD".into(),
    };
    let quantity: i64 = if h(book.seed, &[book.no, i, 29]).is_multiple_of(3) {
        2
    } else {
        1
    };
    let status = match kind {
        AffiliateKind::Settled(_) => "SETTLED",
        AffiliateKind::Refunded => "REFUNDED",
        AffiliateKind::Unsettled(u) => {
            ["To-SETTLE", "AWAITING PAYMENT", "PROCESSING"][(u % 3) as usize]
        }
    };
    let t = book.create_time(i);
    let shop =
        PROMOTED_SHOPS[(h(book.seed, &[book.no, i, 31]) % PROMOTED_SHOPS.len() as u64) as usize];
    let content = ["VIDEO", "LIVE", "SHOP"][(i % 3) as usize];
    let id = (580_000_000_000_000_000u64 + book.no * 1_000_000_000 + i).to_string();
    api::AffiliateOrder {
        id: id.clone(),
        create_time: Some(t),
        delivery_time: Some((t + 3 * DAY).min(book.frame.end)),
        status: status.into(),
        skus: vec![api::AffiliateSku {
            id: format!("{id}1"),
            product_id: (1_729_600_000_000_000_000u64
                + h(book.seed, &[book.no, i % 40, 37]) % 1_000_000)
                .to_string(),
            product_name: format!("{shop} bestseller"),
            shop_name: shop.into(),
            quantity: Some(quantity as u32),
            price: Some(usd(sales / quantity)),
            content_type: content.into(),
            content_id: format!(
                "73{:017}",
                h(book.seed, &[book.no, i % 9, 41]) % 100_000_000_000_000_000
            ),
            commission_rate: Some(rate as u32),
            standard_commission_rate: Some(rate as u32),
            estimated_commission: Some(usd(commission)),
            actual_commission: matches!(kind, AffiliateKind::Settled(_)).then(|| usd(commission)),
            returned_quantity: Some(if kind == AffiliateKind::Refunded {
                quantity as u32
            } else {
                0
            }),
            refunded_quantity: Some(if kind == AffiliateKind::Refunded {
                quantity as u32
            } else {
                0
            }),
            settlement_status: None,
        }],
    }
}
