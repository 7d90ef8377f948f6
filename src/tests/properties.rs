//! Property tests: the score is bounded, monotone where SCORING.md says so, independent of
//! record order, and deterministic — for arbitrary inputs, not just the examples.

use proptest::prelude::*;

use super::fixtures::{creator, shop, DAY, NOW};
use crate::income::{compute_income, IncomeReport, IncomeWindow};
use crate::money::{Currency, Money};
use crate::records::{
    AffiliateOrder, AffiliateStatus, LineItem, Order, OrderStatus, Product, Record, Return,
    ReturnStatus, SellerType, ShopMetrics, SourceInfo, Statement,
};
use crate::score::{compute_score, revenue_points, FactorKind, ScoreReport};

fn window() -> IncomeWindow {
    IncomeWindow::ninety_days(NOW)
}

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

fn record() -> impl Strategy<Value = Record> {
    let order = (
        0u32..60,
        amount(),
        currency(),
        order_status(),
        seconds_ago(),
        any::<bool>(),
        0u32..4,
    )
        .prop_map(|(id, minor, currency, status, ago, sample, qty)| {
            Record::Order(Order {
                source: "shop".into(),
                id: id.to_string(),
                status,
                create_time: NOW - ago,
                paid_time: None,
                total: Money::new(minor, currency),
                is_sample: sample && id % 5 == 0,
                items: vec![LineItem {
                    product_id: format!("p{}", id % 3),
                    quantity: qty,
                }],
            })
        });
    let ret = (0u32..80, amount(), seconds_ago(), 0u8..4).prop_map(|(id, minor, ago, s)| {
        Record::Return(Return {
            source: "shop".into(),
            id: format!("r{id}"),
            order_id: id.to_string(),
            status: match s {
                0 => ReturnStatus::Refunded,
                1 => ReturnStatus::InProgress,
                2 => ReturnStatus::Rejected,
                _ => ReturnStatus::Unknown("?".into()),
            },
            create_time: NOW - ago,
            refund: Money::new(minor, Currency::USD),
        })
    });
    let affiliate = (
        0u32..60,
        amount(),
        amount(),
        0u8..4,
        seconds_ago(),
        any::<bool>(),
    )
        .prop_map(|(id, sales, earned, s, ago, has_actual)| {
            Record::AffiliateOrder(AffiliateOrder {
                source: "creator".into(),
                id: format!("a{id}"),
                create_time: NOW - ago,
                status: match s {
                    0 | 1 => AffiliateStatus::Settled,
                    2 => AffiliateStatus::Refunded,
                    _ => AffiliateStatus::ToSettle,
                },
                shop: format!("brand{}", id % 4),
                product_id: format!("sku{}", id % 9),
                sales: Money::new(sales, Currency::USD),
                commission_rate_bps: 1_500,
                estimated_commission: Money::new(earned, Currency::USD),
                actual_commission: has_actual.then_some(Money::new(earned, Currency::USD)),
            })
        });
    let statement = (0u32..10, amount(), seconds_ago()).prop_map(|(id, minor, ago)| {
        Record::Statement(Statement {
            source: "shop".into(),
            id: format!("s{id}"),
            statement_time: NOW - ago,
            settlement: Money::new(minor, Currency::USD),
        })
    });
    let product = (0u32..10, 0..400 * DAY).prop_map(|(id, ago)| {
        Record::Product(Product {
            source: "shop".into(),
            id: format!("p{id}"),
            create_time: NOW - ago,
        })
    });
    prop_oneof![6 => order, 2 => ret, 2 => affiliate, 1 => statement, 1 => product]
}

fn metrics() -> impl Strategy<Value = Option<ShopMetrics>> {
    proptest::option::of(
        (
            proptest::option::of(any::<f64>()),
            proptest::option::of(any::<u64>()),
            proptest::option::of(any::<f64>()),
            proptest::option::of(any::<u32>()),
        )
            .prop_map(
                |(rating, review_count, on_time_delivery_rate, violations)| ShopMetrics {
                    rating,
                    review_count,
                    on_time_delivery_rate,
                    violations,
                },
            ),
    )
}

fn sources() -> impl Strategy<Value = Vec<SourceInfo>> {
    (
        metrics(),
        any::<bool>(),
        proptest::option::of(-100 * DAY..2_000 * DAY),
    )
        .prop_map(|(metrics, active, age)| {
            let mut s = shop("shop");
            s.metrics = metrics;
            s.active = active;
            s.opened_at = age.map(|a| NOW - a);
            s.seller_type = active.then_some(SellerType::Individual);
            vec![s, creator("creator")]
        })
}

fn score_of(sources: &[SourceInfo], records: Vec<Record>) -> (IncomeReport, ScoreReport) {
    let income = compute_income(window(), sources, records);
    let score = compute_score(&income);
    (income, score)
}

fn factor(score: &ScoreReport, kind: FactorKind) -> f64 {
    score
        .factors
        .iter()
        .find(|f| f.kind == kind)
        .map_or(f64::NAN, |f| f.score)
}

fn assert_bounded(score: &ScoreReport) {
    assert!(
        (0.0..=100.0).contains(&score.score),
        "score {}",
        score.score
    );
    for f in &score.factors {
        assert!((0.0..=100.0).contains(&f.score), "{:?} {}", f.kind, f.score);
        for s in &f.signals {
            if let Some(p) = s.points {
                assert!((0.0..=100.0).contains(&p), "{} {}", s.id, p);
            }
        }
    }
}

fn completed(id: &str, minor: i64, ago: i64) -> Record {
    Record::Order(Order {
        source: "shop".into(),
        id: id.into(),
        status: OrderStatus::Completed,
        create_time: NOW - ago,
        paid_time: None,
        total: Money::new(minor, Currency::USD),
        is_sample: false,
        items: vec![],
    })
}

fn refunded(id: &str, order: &str, minor: i64) -> Record {
    Record::Return(Return {
        source: "shop".into(),
        id: id.into(),
        order_id: order.into(),
        status: ReturnStatus::Refunded,
        create_time: NOW - DAY,
        refund: Money::new(minor, Currency::USD),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_factor_and_the_score_stay_within_0_and_100(
        sources in sources(),
        records in proptest::collection::vec(record(), 0..60),
    ) {
        let (_, score) = score_of(&sources, records);
        assert_bounded(&score);
    }

    #[test]
    fn the_order_of_input_records_never_changes_the_result(
        sources in sources(),
        (records, shuffled) in proptest::collection::vec(record(), 0..60)
            .prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
    ) {
        let (income_a, score_a) = score_of(&sources, records);
        let (income_b, score_b) = score_of(&sources, shuffled);
        prop_assert_eq!(income_a, income_b);
        prop_assert_eq!(score_a, score_b);
    }

    #[test]
    fn the_same_inputs_always_give_the_same_score_and_digest(
        sources in sources(),
        records in proptest::collection::vec(record(), 0..40),
    ) {
        let (_, first) = score_of(&sources, records.clone());
        let (_, second) = score_of(&sources, records);
        prop_assert_eq!(&first.inputs_digest, &second.inputs_digest);
        prop_assert_eq!(first, second);
    }

    #[test]
    fn more_verified_income_never_lowers_the_revenue_factor(
        sources in sources(),
        records in proptest::collection::vec(record(), 0..40),
        extra in 1i64..10_000_000_000,
        ago in 0..89 * DAY,
    ) {
        let (_, before) = score_of(&sources, records.clone());
        let mut more = records;
        more.push(completed("extra-order", extra, ago));
        let (_, after) = score_of(&sources, more);
        prop_assert!(factor(&after, FactorKind::Revenue) >= factor(&before, FactorKind::Revenue));
    }

    #[test]
    fn the_revenue_curve_never_decreases(a in -1e9f64..1e9, b in -1e9f64..1e9, active in any::<bool>()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(revenue_points(lo, active) <= revenue_points(hi, active));
    }

    #[test]
    fn a_higher_return_rate_never_raises_reliability(
        sources in sources(),
        orders in proptest::collection::vec((1i64..1_000_000, 0..89 * DAY), 1..30),
        refund in 0i64..1_000_000,
        more in 1i64..1_000_000,
    ) {
        let base: Vec<Record> = orders
            .iter()
            .enumerate()
            .map(|(i, (minor, ago))| completed(&i.to_string(), *minor, *ago))
            .collect();
        let with = |r: i64| {
            let mut records = base.clone();
            records.push(refunded("r", "0", r));
            score_of(&sources, records).1
        };
        let lower = with(refund);
        let higher = with(refund + more);
        prop_assert!(
            factor(&higher, FactorKind::Reliability) <= factor(&lower, FactorKind::Reliability)
        );
    }

    #[test]
    fn more_volatile_income_never_raises_consistency(
        sources in sources(),
        records in proptest::collection::vec(record(), 0..40),
        months in proptest::collection::vec(0i64..10_000_000, 3),
        transfer in 0i64..10_000_000,
    ) {
        let mut income = compute_income(window(), &sources, records);
        for (slot, minor) in income.usd.monthly_series.iter_mut().zip(&months) {
            *slot = Money::new(*minor, Currency::USD);
        }
        let calm = compute_score(&income);
        // Move money from the poorest month to the richest: same total, more volatile.
        let series = &mut income.usd.monthly_series;
        let (poor, rich) = {
            let mut idx: Vec<usize> = (0..series.len()).collect();
            idx.sort_by_key(|i| (series[*i].minor, *i));
            (idx[0], idx[idx.len() - 1])
        };
        let moved = transfer.min(series[poor].minor);
        series[poor].minor -= moved;
        series[rich].minor += moved;
        let volatile = compute_score(&income);
        prop_assert!(
            factor(&volatile, FactorKind::Consistency) <= factor(&calm, FactorKind::Consistency) + 1e-9
        );
    }
}

#[test]
fn edge_cases_stay_bounded_empty_one_order_huge_order_refunds_without_gmv() {
    let bare = {
        let mut s = shop("shop");
        s.opened_at = None;
        s.active = false;
        s
    };
    let cases: Vec<Vec<Record>> = vec![
        vec![],
        vec![completed("1", 1, DAY)],
        vec![completed("1", i64::MAX, DAY)],
        vec![
            completed("1", i64::MAX, DAY),
            completed("2", i64::MAX, 2 * DAY),
        ],
        vec![refunded("r", "ghost", 50_000)],
    ];
    for records in cases {
        let (income, score) = score_of(std::slice::from_ref(&bare), records);
        assert_bounded(&score);
        assert!(score.score.is_finite());
        // All optional metrics are missing and say so.
        let reliability = &score.factors[2];
        assert!(reliability.signals.iter().filter(|s| s.missing).count() >= 4);
        let _ = income;
    }
}

#[test]
fn refunds_with_zero_gmv_score_the_return_rate_as_worst_not_missing() {
    let (income, score) = score_of(&[shop("shop")], vec![refunded("r", "ghost", 50_000)]);
    assert_eq!(income.usd.gmv.minor, 0);
    assert_eq!(income.usd.net_revenue.minor, -50_000);
    let signal = &score.factors[2].signals[0];
    assert_eq!(signal.id, "returnRate");
    assert_eq!(signal.points, Some(0.0));
    assert!(!signal.missing);
}
