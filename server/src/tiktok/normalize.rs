//! Wire → domain: pure functions mapping TikTok's wire types into the domain core's records.
//! Every amount goes through [`Money::parse_amount`], which reads each currency's local formats
//! exactly (`"Rp9.900"` is 9,900 rupiah) and refuses to guess an ambiguous one. A record that
//! cannot be read becomes [`Record::Unparseable`] so the report counts it instead of it
//! vanishing; an unreadable *part* of a creator's commission is left out (and counted) while
//! the parts that read still count.

use shopscore::money::{Currency, Money, MoneyError};
use shopscore::records::{
    AffiliateOrder, AffiliateStatus, CommissionParts, CustomerService, LineItem, Order,
    OrderStatus, Payment, PaymentStatus, Product, Record, RecordKind, Return, ReturnItem,
    ReturnStatus, SellerAffiliateOrder, SellerAffiliateStatus, ShopAnalytics, Statement,
    Unparseable, UnsettledTransaction,
};

use super::api;

fn unparseable(source: &str, kind: RecordKind, id: &str, reason: impl Into<String>) -> Record {
    Record::Unparseable(Unparseable {
        source: source.to_string(),
        kind,
        id: id.to_string(),
        reason: reason.into(),
    })
}

/// Reads an amount and its currency code. An ambiguous amount's reason starts with
/// `ambiguous` (callers append the field after it), so the report counts it under its own
/// warning.
pub fn money(amount: &str, currency: &str) -> Result<Money, String> {
    let currency = Currency::from_code(currency).map_err(|e: MoneyError| e.to_string())?;
    Money::parse_amount(amount, currency).map_err(|e| e.to_string())
}

/// An optional amount: empty or absent is `None`.
fn optional(amount: &str, currency: &str) -> Result<Option<Money>, String> {
    if amount.trim().is_empty() {
        Ok(None)
    } else {
        money(amount, currency).map(Some)
    }
}

/// An order. Line items keep product, sku, name and price (TikTok sends one line per unit).
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
        Err(e) => return bad(format!("{e} (in payment.total_amount)")),
    };
    let mut items = Vec::with_capacity(wire.line_items.len());
    for line in &wire.line_items {
        let currency = if line.currency.is_empty() {
            &payment.currency
        } else {
            &line.currency
        };
        let sale_price = match optional(&line.sale_price, currency) {
            Ok(price) => price.unwrap_or(Money::zero(total.currency)),
            Err(e) => return bad(format!("{e} (in line_items[{}].sale_price)", line.id)),
        };
        items.push(LineItem {
            product_id: line.product_id.clone(),
            sku_id: line.sku_id.clone(),
            product_name: line.product_name.clone(),
            sale_price,
            quantity: 1,
            is_gift: line.is_gift,
        });
    }
    Record::Order(Order {
        source: source.to_string(),
        id: wire.id.clone(),
        status: OrderStatus::parse(&wire.status),
        create_time,
        update_time: wire.update_time,
        paid_time: wire.paid_time,
        delivery_time: wire.delivery_time,
        rts_time: wire.rts_time,
        rts_sla_time: wire.rts_sla_time,
        total,
        is_sample: wire.is_sample_order,
        is_replacement: wire.is_replacement_order,
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
    let total = match money(&refund.refund_total, &refund.currency) {
        Ok(m) => m,
        Err(e) => return bad(format!("{e} (in refund_amount.refund_total)")),
    };
    let mut items = Vec::with_capacity(wire.return_line_items.len());
    for line in &wire.return_line_items {
        let line_refund = match &line.refund_amount {
            Some(r) => match optional(&r.refund_total, &r.currency) {
                Ok(m) => m.unwrap_or(Money::zero(total.currency)),
                Err(e) => return bad(format!("{e} (in return_line_items.refund_total)")),
            },
            None => Money::zero(total.currency),
        };
        items.push(ReturnItem {
            sku_id: line.sku_id.clone(),
            refund: line_refund,
        });
    }
    Record::Return(Return {
        source: source.to_string(),
        id: wire.return_id.clone(),
        order_id: wire.order_id.clone(),
        status: ReturnStatus::parse(&wire.return_status),
        return_type: wire.return_type.clone(),
        create_time,
        update_time: wire.update_time,
        refund: total,
        items,
    })
}

/// A daily statement. Its settled revenue is `revenue_amount`, or `net_sales_amount` for the
/// US and UK shops that have no `revenue_amount`.
pub fn statement(source: &str, wire: &api::Statement) -> Record {
    let bad = |reason: String| unparseable(source, RecordKind::Statement, &wire.id, reason);
    let Some(statement_time) = wire.statement_time else {
        return bad("no statement_time".into());
    };
    let c = &wire.currency;
    let read =
        |field: &str, value: &str| optional(value, c).map_err(|e| format!("{e} (in {field})"));
    let parts = (|| {
        let settlement =
            money(&wire.settlement_amount, c).map_err(|e| format!("{e} (in settlement_amount)"))?;
        let revenue = match read("revenue_amount", &wire.revenue_amount)? {
            Some(r) => Some(r),
            None => read("net_sales_amount", &wire.net_sales_amount)?,
        };
        Ok::<_, String>((
            settlement,
            revenue,
            read("fee_amount", &wire.fee_amount)?,
            read("adjustment_amount", &wire.adjustment_amount)?,
            read("shipping_cost_amount", &wire.shipping_cost_amount)?,
        ))
    })();
    match parts {
        Ok((settlement, revenue, fee, adjustment, shipping_cost)) => Record::Statement(Statement {
            source: source.to_string(),
            id: wire.id.clone(),
            statement_time,
            settlement,
            revenue,
            fee,
            adjustment,
            shipping_cost,
            payment_status: PaymentStatus::parse(&wire.payment_status),
            payment_id: wire.payment_id.clone(),
        }),
        Err(e) => bad(e),
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
            status: PaymentStatus::parse(&wire.status),
        }),
        Err(e) => bad(format!("{e} (in amount)")),
    }
}

/// An unsettled transaction: money on its way.
pub fn unsettled(source: &str, wire: &api::UnsettledTransaction) -> Record {
    let bad = |reason: String| unparseable(source, RecordKind::Unsettled, &wire.id, reason);
    match money(&wire.est_settlement_amount, &wire.currency) {
        Ok(estimated_settlement) => Record::Unsettled(UnsettledTransaction {
            source: source.to_string(),
            id: wire.id.clone(),
            kind: wire.kind.clone(),
            order_id: [&wire.order_id, &wire.adjustment_order_id]
                .into_iter()
                .find(|id| !id.is_empty())
                .cloned(),
            order_create_time: wire.order_create_time,
            estimated_settlement,
            // "x days after delivery" is not a time; a string of digits is.
            estimated_settle_time: wire.estimated_settlement.trim().parse::<i64>().ok(),
            reason: wire.unsettled_reason.clone(),
        }),
        Err(e) => bad(format!("{e} (in est_settlement_amount)")),
    }
}

/// Reads one commission part; a part that does not read is left out and reported.
fn part(
    out: &mut Vec<Record>,
    source: &str,
    line_id: &str,
    name: &str,
    wire: &Option<api::Amount>,
) -> Option<Money> {
    let amount = wire.as_ref()?;
    match optional(&amount.amount, &amount.currency) {
        Ok(m) => m,
        Err(e) => {
            out.push(unparseable(
                source,
                RecordKind::AffiliateOrder,
                &format!("{line_id}#{name}"),
                format!("{e} (in {name})"),
            ));
            None
        }
    }
}

/// A creator's affiliate order: one record per sku, `{order id}/{sku id}`, plus a record for
/// each commission part that could not be read.
pub fn creator_affiliate_order(source: &str, wire: &api::CreatorAffiliateOrder) -> Vec<Record> {
    let mut out = Vec::with_capacity(wire.skus.len());
    for (index, sku) in wire.skus.iter().enumerate() {
        let sku_key = if sku.id.is_empty() {
            index.to_string()
        } else {
            sku.id.clone()
        };
        let id = format!("{}/{}", wire.id, sku_key);
        let bad = |reason: String| unparseable(source, RecordKind::AffiliateOrder, &id, reason);
        let Some(create_time) = wire.create_time else {
            out.push(bad("no create_time".into()));
            continue;
        };
        let Some(price) = &sku.price else {
            out.push(bad("no price".into()));
            continue;
        };
        let unit = match money(&price.amount, &price.currency) {
            Ok(m) => m,
            Err(e) => {
                out.push(bad(format!("{e} (in price)")));
                continue;
            }
        };
        let quantity = sku.quantity.unwrap_or(1);
        let Some(sales) = unit
            .minor
            .checked_mul(i64::from(quantity))
            .map(|minor| Money::new(minor, unit.currency))
        else {
            out.push(bad("price × quantity overflows".into()));
            continue;
        };
        let actual = CommissionParts {
            commission: part(
                &mut out,
                source,
                &id,
                "actual_commission",
                &sku.actual_commission,
            ),
            bonus: part(
                &mut out,
                source,
                &id,
                "actual_bonus_commission",
                &sku.actual_bonus_commission,
            ),
            shop_ads: part(
                &mut out,
                source,
                &id,
                "actual_shop_ads_commission",
                &sku.actual_shop_ads_commission,
            ),
            creator_reward: part(
                &mut out,
                source,
                &id,
                "actual_creator_commission_reward_fee",
                &sku.actual_creator_commission_reward_fee,
            ),
        };
        let estimated = CommissionParts {
            commission: part(
                &mut out,
                source,
                &id,
                "estimated_commission",
                &sku.estimated_commission,
            ),
            bonus: part(
                &mut out,
                source,
                &id,
                "estimated_bonus_commission",
                &sku.estimated_bonus_commission,
            ),
            shop_ads: part(
                &mut out,
                source,
                &id,
                "estimated_shop_ads_commission",
                &sku.estimated_shop_ads_commission,
            ),
            creator_reward: part(
                &mut out,
                source,
                &id,
                "estimated_creator_commission_reward_fee",
                &sku.estimated_creator_commission_reward_fee,
            ),
        };
        out.push(Record::AffiliateOrder(AffiliateOrder {
            source: source.to_string(),
            id: id.clone(),
            order_id: wire.id.clone(),
            create_time,
            delivery_time: wire.delivery_time,
            status: AffiliateStatus::parse(&wire.status),
            shop: sku.shop_name.clone(),
            product_id: sku.product_id.clone(),
            product_name: sku.product_name.clone(),
            content_type: sku.content_type.clone(),
            content_id: sku.content_id.clone(),
            campaign_id: sku.campaign_id.clone(),
            open_collaboration_id: sku.open_collaboration_id.clone(),
            target_collaboration_id: sku.target_collaboration_id.clone(),
            sales,
            quantity,
            returned_quantity: sku
                .returned_quantity
                .unwrap_or(0)
                .saturating_add(sku.refunded_quantity.unwrap_or(0)),
            commission_rate_bps: sku.commission_rate.unwrap_or(0),
            actual,
            estimated,
        }));
    }
    out
}

/// Sums present amounts of one currency (a commission and its Shop Ads twin).
fn sum(parts: &[Option<Money>]) -> Result<Option<Money>, String> {
    let mut total: Option<Money> = None;
    for m in parts.iter().flatten() {
        total = Some(match total {
            None => *m,
            Some(t) => t.checked_add(*m).map_err(|e| e.to_string())?,
        });
    }
    Ok(total)
}

/// A shop's affiliate order: one record per sku, `{order id}/{index}` (seller skus have no id).
pub fn seller_affiliate_order(source: &str, wire: &api::SellerAffiliateOrder) -> Vec<Record> {
    let mut out = Vec::with_capacity(wire.skus.len());
    for (index, sku) in wire.skus.iter().enumerate() {
        let id = format!("{}/{index}", wire.id);
        let bad =
            |reason: String| unparseable(source, RecordKind::SellerAffiliateOrder, &id, reason);
        let Some(create_time) = wire.create_time else {
            out.push(bad("no create_time".into()));
            continue;
        };
        let read = |a: &Option<api::Amount>| match a {
            Some(a) => optional(&a.amount, &a.currency),
            None => Ok(None),
        };
        let amounts = (|| {
            let estimated = sum(&[
                read(&sku.estimated_paid_commission)?,
                read(&sku.estimated_paid_shop_ads_commission)?,
            ])?;
            let actual = sum(&[
                read(&sku.actual_paid_commission)?,
                read(&sku.actual_paid_shop_ads_commission)?,
            ])?;
            Ok::<_, String>((estimated, actual))
        })();
        match amounts {
            Ok((Some(estimated_paid), actual_paid)) => {
                out.push(Record::SellerAffiliateOrder(SellerAffiliateOrder {
                    source: source.to_string(),
                    id: id.clone(),
                    order_id: wire.id.clone(),
                    create_time,
                    status: SellerAffiliateStatus::parse(&wire.status),
                    product_id: sku.product_id.clone(),
                    creator: sku.creator_username.clone(),
                    content_type: sku.content_type.clone(),
                    estimated_paid,
                    actual_paid,
                }))
            }
            Ok((None, _)) => out.push(bad("no estimated_paid_commission".into())),
            Err(e) => out.push(bad(e)),
        }
    }
    out
}

/// A product (its launch).
pub fn product(source: &str, wire: &api::Product) -> Record {
    match wire.create_time {
        Some(create_time) => Record::Product(Product {
            source: source.to_string(),
            id: wire.id.clone(),
            title: wire.title.clone(),
            status: wire.status.clone(),
            create_time,
        }),
        None => unparseable(source, RecordKind::Product, &wire.id, "no create_time"),
    }
}

/// TikTok's own analytics for the window (granularity `ALL`: one interval); `Err` names what
/// could not be read.
pub fn shop_analytics(wire: &api::ShopPerformanceData) -> Result<ShopAnalytics, String> {
    let interval = wire
        .performance
        .intervals
        .first()
        .ok_or("the analytics answer has no interval")?;
    let amount = |field: &str, a: &Option<api::Amount>| -> Result<Money, String> {
        let a = a.as_ref().ok_or(format!("no {field}"))?;
        money(&a.amount, &a.currency).map_err(|e| format!("{e} (in {field})"))
    };
    let count = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
    Ok(ShopAnalytics {
        start_date: interval.start_date.clone(),
        end_date: interval.end_date.clone(),
        gmv: amount("gmv", &interval.gmv)?,
        orders: count(interval.orders),
        units_sold: count(interval.units_sold),
        refunds: amount("refunds", &interval.refunds)?,
        cancellations_and_returns: count(interval.cancellations_and_returns),
    })
}

/// Customer-service performance; a percentage that does not read (or is outside 0–100) is
/// missing.
pub fn customer_service(wire: &api::CustomerServiceData) -> CustomerService {
    let percent = |s: &str| {
        s.trim()
            .trim_end_matches('%')
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && (0.0..=100.0).contains(v))
    };
    let p = &wire.performance;
    CustomerService {
        sessions: p
            .support_session_count
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0),
        response_percent: percent(&p.response_percentage),
        satisfaction_percent: percent(&p.satisfaction_percentage),
    }
}

#[cfg(test)]
mod tests;
