//! Wire → domain: pure functions mapping TikTok's wire types into the domain core's records.
//! Money strings are parsed exactly with [`Money::parse`]; a record that cannot be read
//! becomes [`Record::Unparseable`] so the report counts it instead of it vanishing.

use shopscore::money::{Currency, Money, MoneyError};
use shopscore::records::{
    AffiliateOrder, AffiliateStatus, LineItem, Order, OrderStatus, Payment, PaymentStatus, Product,
    Record, RecordKind, Return, ReturnStatus, ShopMetrics, Statement, Unparseable,
};

use super::api;

/// Return statuses → what became of the money. One table to correct as TikTok documents more.
pub const RETURN_STATUSES: &[(&str, ReturnStatus)] = &[
    ("RETURN_OR_REFUND_REQUEST_COMPLETE", ReturnStatus::Refunded),
    ("RETURN_OR_REFUND_REQUEST_SUCCESS", ReturnStatus::Refunded),
    ("REFUND_SUCCESS", ReturnStatus::Refunded),
    ("RETURN_OR_REFUND_REQUEST_PENDING", ReturnStatus::InProgress),
    ("AWAITING_BUYER_SHIP", ReturnStatus::InProgress),
    ("BUYER_SHIPPED_ITEM", ReturnStatus::InProgress),
    ("AWAITING_BUYER_RESPONSE", ReturnStatus::InProgress),
    ("REFUND_OR_RETURN_REQUEST_REJECT", ReturnStatus::Rejected),
    ("REJECT_RECEIVE_PACKAGE", ReturnStatus::Rejected),
    ("RETURN_OR_REFUND_REQUEST_CANCEL", ReturnStatus::Rejected),
];

/// Reads a return status through [`RETURN_STATUSES`]; anything else is `Unknown`.
pub fn return_status(status: &str) -> ReturnStatus {
    let wanted = status.trim().to_ascii_uppercase();
    RETURN_STATUSES
        .iter()
        .find(|(s, _)| *s == wanted)
        .map(|(_, r)| r.clone())
        .unwrap_or_else(|| ReturnStatus::Unknown(status.to_string()))
}

/// Reads a payout status.
pub fn payment_status(status: &str) -> PaymentStatus {
    match status.trim().to_ascii_uppercase().as_str() {
        "PAID" => PaymentStatus::Paid,
        "PROCESSING" => PaymentStatus::Processing,
        "FAILED" => PaymentStatus::Failed,
        _ => PaymentStatus::Unknown(status.to_string()),
    }
}

fn unparseable(source: &str, kind: RecordKind, id: &str, reason: impl Into<String>) -> Record {
    Record::Unparseable(Unparseable {
        source: source.to_string(),
        kind,
        id: id.to_string(),
        reason: reason.into(),
    })
}

fn money(amount: &str, currency: &str) -> Result<Money, String> {
    let currency = Currency::from_code(currency).map_err(|e: MoneyError| e.to_string())?;
    Money::parse(amount.trim(), currency).map_err(|e| e.to_string())
}

/// An order.
pub fn order(source: &str, wire: &api::Order) -> Record {
    let bad = |reason: String| unparseable(source, RecordKind::Order, &wire.id, reason);
    let Some(create_time) = wire.create_time else {
        return bad("no create_time".into());
    };
    let Some(payment) = &wire.payment else {
        return bad("no payment".into());
    };
    let total = match money(&payment.total_amount, &payment.currency) {
        Ok(m) => m,
        Err(e) => return bad(format!("payment.total_amount: {e}")),
    };
    // TikTok sends one line item per unit; group them by product.
    let mut items: Vec<LineItem> = Vec::new();
    for line in &wire.line_items {
        match items.iter_mut().find(|i| i.product_id == line.product_id) {
            Some(item) => item.quantity += 1,
            None => items.push(LineItem {
                product_id: line.product_id.clone(),
                quantity: 1,
            }),
        }
    }
    Record::Order(Order {
        source: source.to_string(),
        id: wire.id.clone(),
        status: OrderStatus::parse(&wire.status),
        create_time,
        paid_time: wire.paid_time,
        total,
        is_sample: wire.is_sample_order,
        items,
    })
}

/// A return or refund.
pub fn return_order(source: &str, wire: &api::ReturnOrder) -> Record {
    let bad = |reason: String| unparseable(source, RecordKind::Return, &wire.return_id, reason);
    let Some(create_time) = wire.create_time else {
        return bad("no create_time".into());
    };
    let Some(refund) = &wire.refund_amount else {
        return bad("no refund_amount".into());
    };
    match money(&refund.refund_total, &refund.currency) {
        Ok(refund) => Record::Return(Return {
            source: source.to_string(),
            id: wire.return_id.clone(),
            order_id: wire.order_id.clone(),
            status: return_status(&wire.return_status),
            create_time,
            refund,
        }),
        Err(e) => bad(format!("refund_amount.refund_total: {e}")),
    }
}

/// A settlement statement.
pub fn statement(source: &str, wire: &api::Statement) -> Record {
    let bad = |reason: String| unparseable(source, RecordKind::Statement, &wire.id, reason);
    let Some(statement_time) = wire.statement_time else {
        return bad("no statement_time".into());
    };
    match money(&wire.settlement_amount, &wire.currency) {
        Ok(settlement) => Record::Statement(Statement {
            source: source.to_string(),
            id: wire.id.clone(),
            statement_time,
            settlement,
        }),
        Err(e) => bad(format!("settlement_amount: {e}")),
    }
}

/// A payout.
pub fn payment(source: &str, wire: &api::Payment) -> Record {
    let bad = |reason: String| unparseable(source, RecordKind::Payment, &wire.id, reason);
    let Some(create_time) = wire.create_time else {
        return bad("no create_time".into());
    };
    match money(&wire.amount.value, &wire.amount.currency) {
        Ok(amount) => Record::Payment(Payment {
            source: source.to_string(),
            id: wire.id.clone(),
            create_time,
            paid_time: wire.paid_time,
            amount,
            status: payment_status(&wire.status),
        }),
        Err(e) => bad(format!("amount: {e}")),
    }
}

/// A creator's affiliate order: one record per sku (id `order:sku` when there are several).
pub fn affiliate_order(source: &str, wire: &api::AffiliateOrder) -> Vec<Record> {
    let several = wire.skus.len() > 1;
    wire.skus
        .iter()
        .map(|sku| {
            let id = if several {
                format!("{}:{}", wire.id, sku.id)
            } else {
                wire.id.clone()
            };
            affiliate_line(source, wire, sku, id)
        })
        .collect()
}

fn affiliate_line(
    source: &str,
    wire: &api::AffiliateOrder,
    sku: &api::AffiliateSku,
    id: String,
) -> Record {
    let bad = |reason: String| unparseable(source, RecordKind::AffiliateOrder, &id, reason);
    let Some(create_time) = wire.create_time else {
        return bad("no create_time".into());
    };
    let Some(price) = &sku.price else {
        return bad("no price".into());
    };
    let unit = match money(&price.amount, &price.currency) {
        Ok(m) => m,
        Err(e) => return bad(format!("price: {e}")),
    };
    let quantity = sku.quantity.unwrap_or(1);
    let Some(sales) = unit
        .minor
        .checked_mul(i64::from(quantity))
        .map(|minor| Money::new(minor, unit.currency))
    else {
        return bad("price × quantity overflows".into());
    };
    let estimated_commission = match &sku.estimated_commission {
        Some(a) => match money(&a.amount, &a.currency) {
            Ok(m) => m,
            Err(e) => return bad(format!("estimated_commission: {e}")),
        },
        None => Money::zero(unit.currency),
    };
    let actual_commission = match &sku.actual_commission {
        Some(a) if !a.amount.is_empty() => match money(&a.amount, &a.currency) {
            Ok(m) => Some(m),
            Err(e) => return bad(format!("actual_commission: {e}")),
        },
        _ => None,
    };
    let status = match &sku.settlement_status {
        Some(s) if !s.is_empty() => AffiliateStatus::parse(s),
        _ => AffiliateStatus::parse(&wire.status),
    };
    Record::AffiliateOrder(AffiliateOrder {
        source: source.to_string(),
        id,
        create_time,
        status,
        shop: sku.shop_name.clone(),
        product_id: sku.product_id.clone(),
        sales,
        commission_rate_bps: sku.commission_rate.unwrap_or(0),
        estimated_commission,
        actual_commission,
    })
}

/// A product (its launch).
pub fn product(source: &str, wire: &api::Product) -> Record {
    match wire.create_time {
        Some(create_time) => Record::Product(Product {
            source: source.to_string(),
            id: wire.id.clone(),
            create_time,
        }),
        None => unparseable(source, RecordKind::Product, &wire.id, "no create_time"),
    }
}

/// Shop metrics (sandbox-only endpoint); unreadable values stay missing.
pub fn shop_metrics(wire: &api::ShopPerformance) -> ShopMetrics {
    let ratio = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    ShopMetrics {
        rating: ratio(&wire.rating).filter(|r| (0.0..=5.0).contains(r)),
        review_count: wire.review_count.and_then(|v| u64::try_from(v).ok()),
        on_time_delivery_rate: ratio(&wire.on_time_delivery_rate)
            .filter(|r| (0.0..=1.0).contains(r)),
        violations: wire.violations.and_then(|v| u32::try_from(v).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire_order(total: &str, currency: &str) -> api::Order {
        api::Order {
            id: "576".into(),
            status: "DELIVERED".into(),
            create_time: Some(100),
            paid_time: Some(101),
            payment: Some(api::OrderPayment {
                currency: currency.into(),
                total_amount: total.into(),
                ..Default::default()
            }),
            line_items: vec![
                api::OrderLineItem {
                    product_id: "p1".into(),
                    ..Default::default()
                },
                api::OrderLineItem {
                    product_id: "p1".into(),
                    ..Default::default()
                },
                api::OrderLineItem {
                    product_id: "p2".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn an_order_keeps_its_total_exactly_and_groups_units_by_product() {
        let Record::Order(o) = order("shop", &wire_order("21.30", "USD")) else {
            panic!("an order")
        };
        assert_eq!(o.total, Money::new(2130, Currency::USD));
        assert_eq!(o.status, OrderStatus::Delivered);
        assert_eq!(
            o.items,
            vec![
                LineItem {
                    product_id: "p1".into(),
                    quantity: 2
                },
                LineItem {
                    product_id: "p2".into(),
                    quantity: 1
                }
            ]
        );
    }

    #[test]
    fn a_locale_formatted_amount_is_unparseable_not_misread() {
        let record = order("shop", &wire_order("Rp9.900", "IDR"));
        assert!(
            matches!(record, Record::Unparseable(ref u) if u.reason.contains("Rp9.900")),
            "{record:?}"
        );
    }

    #[test]
    fn return_statuses_map_through_the_table() {
        assert_eq!(
            return_status("RETURN_OR_REFUND_REQUEST_COMPLETE"),
            ReturnStatus::Refunded
        );
        assert_eq!(
            return_status("RETURN_OR_REFUND_REQUEST_PENDING"),
            ReturnStatus::InProgress
        );
        assert_eq!(
            return_status("REFUND_OR_RETURN_REQUEST_REJECT"),
            ReturnStatus::Rejected
        );
        assert_eq!(
            return_status("NEW_THING"),
            ReturnStatus::Unknown("NEW_THING".into())
        );
    }

    #[test]
    fn an_affiliate_line_multiplies_price_by_quantity_and_reads_the_rate() {
        let wire = api::AffiliateOrder {
            id: "9".into(),
            create_time: Some(5),
            status: "SETTLED".into(),
            skus: vec![api::AffiliateSku {
                id: "s".into(),
                product_id: "p".into(),
                shop_name: "Shop".into(),
                quantity: Some(2),
                price: Some(api::Amount {
                    amount: "75.10".into(),
                    currency: "USD".into(),
                }),
                commission_rate: Some(1500),
                estimated_commission: Some(api::Amount {
                    amount: "22.53".into(),
                    currency: "USD".into(),
                }),
                actual_commission: Some(api::Amount {
                    amount: "22.53".into(),
                    currency: "USD".into(),
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let records = affiliate_order("creator", &wire);
        let Record::AffiliateOrder(line) = &records[0] else {
            panic!("an affiliate order")
        };
        assert_eq!(line.sales, Money::new(15020, Currency::USD));
        assert_eq!(line.commission_rate_bps, 1500);
        assert_eq!(
            line.actual_commission,
            Some(Money::new(2253, Currency::USD))
        );
        assert_eq!(line.status, AffiliateStatus::Settled);
    }

    #[test]
    fn shop_metrics_keep_only_plausible_values() {
        let m = shop_metrics(&api::ShopPerformance {
            rating: "4.8".into(),
            review_count: Some(120),
            on_time_delivery_rate: "7".into(),
            violations: Some(0),
            shop_open_time: None,
        });
        assert_eq!(m.rating, Some(4.8));
        assert_eq!(m.on_time_delivery_rate, None);
        assert_eq!(m.violations, Some(0));
    }
}
