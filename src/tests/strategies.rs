//! Proptest strategies: arbitrary records of every kind (with extreme amounts, foreign
//! currencies, unknown statuses and timestamps outside the window) and sources.

use proptest::prelude::*;

use super::fixtures::{commission_of, creator, order_of, shop, DAY, NOW};
use crate::money::{Currency, Money};
use crate::records::{
    AffiliateStatus, CommissionParts, CustomerService, OrderStatus, PaymentStatus, Product, Record,
    Return, ReturnItem, ReturnStatus, SourceInfo, Statement,
};

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => 0i64..5_000_000,
        1 => Just(i64::MAX),
        1 => Just(0i64),
        1 => any::<i64>(),
    ]
}

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![8 => Just(Currency::USD), 1 => Just(Currency::EUR), 1 => Just(Currency::IDR)]
}

fn seconds_ago() -> impl Strategy<Value = i64> {
    prop_oneof![9 => 0..90 * DAY, 1 => -3 * DAY..120 * DAY]
}

fn order_status() -> impl Strategy<Value = OrderStatus> {
    prop_oneof![
        Just(OrderStatus::Unpaid),
        Just(OrderStatus::OnHold),
        Just(OrderStatus::AwaitingShipment),
        Just(OrderStatus::InTransit),
        Just(OrderStatus::Delivered),
        Just(OrderStatus::Completed),
        Just(OrderStatus::Completed),
        Just(OrderStatus::Cancelled),
        Just(OrderStatus::Unknown("LOST".into())),
    ]
}

fn return_status() -> impl Strategy<Value = ReturnStatus> {
    prop_oneof![
        Just(ReturnStatus::Refunded),
        Just(ReturnStatus::InProgress),
        Just(ReturnStatus::Rejected),
        Just(ReturnStatus::Replaced),
        Just(ReturnStatus::Unknown("?".into())),
    ]
}

fn affiliate_status() -> impl Strategy<Value = AffiliateStatus> {
    prop_oneof![
        3 => Just(AffiliateStatus::Settled),
        1 => Just(AffiliateStatus::Ordered),
        1 => Just(AffiliateStatus::Refunded),
        1 => Just(AffiliateStatus::Deducted),
        1 => Just(AffiliateStatus::Frozen),
        1 => Just(AffiliateStatus::Unknown("TO_SETTLE".into())),
    ]
}

pub(crate) fn record() -> impl Strategy<Value = Record> {
    let order = (
        0usize..60,
        amount(),
        currency(),
        order_status(),
        seconds_ago(),
        any::<bool>(),
    )
        .prop_map(|(id, minor, currency, status, ago, sample)| {
            let mut o = order_of("shop", id, minor.max(0), ago);
            o.total = Money::new(minor, currency);
            o.status = status;
            o.is_sample = sample && id % 5 == 0;
            Record::Order(o)
        });
    let ret = (
        0usize..80,
        amount(),
        seconds_ago(),
        return_status(),
        any::<bool>(),
    )
        .prop_map(|(id, minor, ago, status, lines)| {
            Record::Return(Return {
                source: "shop".into(),
                id: format!("r{id}"),
                order_id: id.to_string(),
                status,
                return_type: "REFUND".into(),
                create_time: NOW - ago,
                update_time: None,
                refund: Money::new(minor, Currency::USD),
                items: if lines {
                    vec![ReturnItem {
                        sku_id: format!("s{}", id % 7),
                        refund: Money::new(minor / 2, Currency::USD),
                    }]
                } else {
                    Vec::new()
                },
            })
        });
    let affiliate = (
        0usize..60,
        amount(),
        amount(),
        affiliate_status(),
        seconds_ago(),
        any::<bool>(),
    )
        .prop_map(|(id, sales, earned, status, ago, has_actual)| {
            let mut line = commission_of("creator", id, sales.max(0), 1_500, ago);
            line.sales = Money::new(sales, Currency::USD);
            line.status = status;
            let parts = CommissionParts {
                commission: Some(Money::new(earned, Currency::USD)),
                bonus: (id % 3 == 0).then_some(Money::new(earned / 10, Currency::USD)),
                ..CommissionParts::default()
            };
            line.actual = if has_actual {
                parts.clone()
            } else {
                CommissionParts::default()
            };
            line.estimated = parts;
            line.product_id = format!("p{}", id % 9);
            Record::AffiliateOrder(line)
        });
    let statement = (0u32..10, amount(), seconds_ago()).prop_map(|(id, minor, ago)| {
        Record::Statement(Statement {
            source: "shop".into(),
            id: format!("s{id}"),
            statement_time: NOW - ago,
            settlement: Money::new(minor, Currency::USD),
            revenue: None,
            fee: (id % 2 == 0).then_some(Money::new(-(minor / 20).abs(), Currency::USD)),
            adjustment: None,
            shipping_cost: None,
            payment_status: PaymentStatus::Paid,
            payment_id: format!("p{id}"),
        })
    });
    let product = (0u32..10, 0..400 * DAY).prop_map(|(id, ago)| {
        Record::Product(Product {
            source: "shop".into(),
            id: format!("p{id}"),
            title: format!("P{id}"),
            status: "ACTIVATE".into(),
            create_time: NOW - ago,
        })
    });
    prop_oneof![6 => order, 2 => ret, 2 => affiliate, 1 => statement, 1 => product]
}

pub(crate) fn sources() -> impl Strategy<Value = Vec<SourceInfo>> {
    (
        any::<bool>(),
        proptest::option::of((any::<u64>(), proptest::option::of(any::<f64>()))),
        any::<bool>(),
    )
        .prop_map(|(active, service, same_name)| {
            let mut s = shop("shop");
            s.active = active;
            if same_name {
                s.name = "brand1".into();
            }
            s.customer_service = service.map(|(sessions, pct)| CustomerService {
                sessions,
                response_percent: pct,
                satisfaction_percent: pct.map(|p| p * 2.0),
            });
            vec![s, creator("creator")]
        })
}
