//! Property tests: the score is bounded, monotone where SCORING.md says so, independent of
//! record order and deterministic; pending orders and open returns never raise verified income
//! — for arbitrary inputs, not just the examples.

use proptest::prelude::*;

use super::fixtures::{order_of, shop, DAY, NOW};
use super::strategies::{record, sources};
use crate::income::{compute_income, IncomeReport, IncomeWindow};
use crate::insights::analyse;
use crate::money::{Currency, FxTable, Money};
use crate::records::{OrderStatus, Record, Return, ReturnStatus, SourceInfo};
use crate::score::{compute_score, revenue_points, FactorKind, ScoreReport};

fn window() -> IncomeWindow {
    IncomeWindow::ninety_days(NOW)
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
            assert!((0.0..=100.0).contains(&s.points), "{} {}", s.id, s.points);
        }
    }
}

fn completed(id: usize, minor: i64, ago: i64) -> Record {
    Record::Order(order_of("shop", id, minor, ago))
}

/// A delivered order of a product no creator line promotes (so it cannot reveal self-dealing).
fn completed_elsewhere(id: usize, minor: i64, ago: i64) -> Record {
    let mut o = order_of("shop", id, minor, ago);
    o.items[0].product_id = "not-promoted".into();
    o.items[0].sku_id = "not-promoted".into();
    Record::Order(o)
}

/// Record sets as the store holds them: one record per `(source, kind, id)`.
fn records(max: usize) -> impl Strategy<Value = Vec<Record>> {
    proptest::collection::vec(record(), 0..max).prop_map(|all| {
        let mut seen = std::collections::BTreeSet::new();
        all.into_iter().filter(|r| seen.insert(r.key())).collect()
    })
}

fn open_return(order: usize, minor: i64, status: ReturnStatus) -> Record {
    Record::Return(Return {
        source: "shop".into(),
        id: format!("extra-return-{order}"),
        order_id: order.to_string(),
        status,
        return_type: "REFUND".into(),
        create_time: NOW - DAY,
        update_time: None,
        refund: Money::new(minor, Currency::USD),
        items: Vec::new(),
    })
}

fn without_finance(records: Vec<Record>) -> Vec<Record> {
    records
        .into_iter()
        .filter(|r| !matches!(r, Record::Statement(_) | Record::Payment(_)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn every_factor_and_the_score_stay_within_0_and_100(
        sources in sources(),
        records in records(60),
    ) {
        let (_, score) = score_of(&sources, records);
        assert_bounded(&score);
    }

    #[test]
    fn the_order_of_input_records_never_changes_income_insights_or_score(
        sources in sources(),
        (records, shuffled) in records(60)
            .prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
    ) {
        let fx = FxTable::shipped();
        let a = analyse(window(), &sources, &fx, records);
        let b = analyse(window(), &sources, &fx, shuffled);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(compute_score(&a.income), compute_score(&b.income));
    }

    #[test]
    fn the_same_inputs_always_give_the_same_score_and_digest(
        sources in sources(),
        records in records(40),
    ) {
        let (_, first) = score_of(&sources, records.clone());
        let (_, second) = score_of(&sources, records);
        prop_assert_eq!(&first.inputs_digest, &second.inputs_digest);
        prop_assert_eq!(first, second);
    }

    #[test]
    fn a_changed_record_changes_the_records_digest(
        records in proptest::collection::vec(record(), 1..30),
        which in any::<prop::sample::Index>(),
    ) {
        // (Duplicated keys are fine here: the digest covers whatever is folded in.)
        let (before, _) = score_of(&[shop("shop")], records.clone());
        let mut changed = records;
        let i = which.index(changed.len());
        changed[i] = completed(9_999, 123, DAY);
        let (after, _) = score_of(&[shop("shop")], changed);
        prop_assert_ne!(before.records_digest, after.records_digest);
    }

    #[test]
    fn more_delivered_sales_never_lower_verified_income_or_the_revenue_factor(
        sources in sources(),
        records in records(40),
        extra in 100i64..10_000_000_000,
        ago in 0..89 * DAY,
    ) {
        let records = without_finance(records);
        let (before_income, before) = score_of(&sources, records.clone());
        let mut more = records;
        more.push(completed_elsewhere(777_777, extra, ago));
        let (after_income, after) = score_of(&sources, more);
        prop_assert!(after_income.usd.total_income.minor >= before_income.usd.total_income.minor);
        prop_assert!(factor(&after, FactorKind::Revenue) >= factor(&before, FactorKind::Revenue));
    }

    #[test]
    fn pending_orders_never_raise_verified_income(
        sources in sources(),
        records in records(40),
        extra in 0i64..10_000_000_000,
        ago in 0..89 * DAY,
        status in prop_oneof![
            Just(OrderStatus::OnHold),
            Just(OrderStatus::AwaitingShipment),
            Just(OrderStatus::AwaitingCollection),
            Just(OrderStatus::InTransit),
            Just(OrderStatus::Unknown("NEW".into())),
        ],
    ) {
        let (before, _) = score_of(&sources, records.clone());
        let mut more = records;
        let mut pending = order_of("shop", 888_888, extra, ago);
        pending.status = status;
        more.push(Record::Order(pending));
        let (after, _) = score_of(&sources, more);
        prop_assert!(after.usd.total_income.minor <= before.usd.total_income.minor);
        prop_assert!(after.usd.net_revenue.minor <= before.usd.net_revenue.minor);
    }

    #[test]
    fn adding_an_open_return_never_raises_verified_income(
        sources in sources(),
        records in records(40),
        refund in 0i64..1_000_000_000,
        order in 0usize..60,
        status in prop_oneof![
            Just(ReturnStatus::InProgress),
            Just(ReturnStatus::Unknown("NEW".into())),
        ],
    ) {
        let (before, _) = score_of(&sources, records.clone());
        let mut more = records;
        more.push(open_return(order, refund, status));
        let (after, _) = score_of(&sources, more);
        prop_assert!(after.usd.total_income.minor <= before.usd.total_income.minor);
    }

    #[test]
    fn the_revenue_curve_never_decreases(a in -1e9f64..1e9, b in -1e9f64..1e9, active in any::<bool>()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(revenue_points(lo, active) <= revenue_points(hi, active));
    }

    #[test]
    fn a_higher_return_rate_never_raises_reliability(
        sources in sources(),
        orders in proptest::collection::vec((100i64..1_000_000, 0..89 * DAY), 1..30),
        refund in 0i64..1_000_000,
        more in 1i64..1_000_000,
    ) {
        let base: Vec<Record> = orders
            .iter()
            .enumerate()
            .map(|(i, (minor, ago))| completed(i, *minor, *ago))
            .collect();
        let with = |r: i64| {
            let mut records = base.clone();
            records.push(open_return(0, r, ReturnStatus::Refunded));
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
        records in records(40),
        months in proptest::collection::vec(0i64..10_000_000, 3),
        transfer in 0i64..10_000_000,
    ) {
        let mut income = compute_income(window(), &sources, records);
        income.trend_month_start = 0;
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
fn edge_cases_stay_bounded_empty_one_order_huge_order_refunds_without_sales() {
    let mut bare = shop("shop");
    bare.active = false;
    let cases: Vec<Vec<Record>> = vec![
        vec![],
        vec![completed(1, 1, DAY)],
        vec![completed(1, i64::MAX, DAY)],
        vec![completed(1, i64::MAX, DAY), completed(2, i64::MAX, 2 * DAY)],
        vec![open_return(404, 50_000, ReturnStatus::Refunded)],
    ];
    for records in cases {
        let (_, score) = score_of(std::slice::from_ref(&bare), records);
        assert_bounded(&score);
        assert!(score.score.is_finite());
        // Customer service was not given, and says so.
        let reliability = &score.factors[2];
        assert!(reliability.signals.iter().filter(|s| s.missing).count() >= 2);
    }
}

#[test]
fn refunds_with_no_delivered_sales_score_the_return_rate_as_worst_not_missing() {
    let (income, score) = score_of(
        &[shop("shop")],
        vec![open_return(404, 50_000, ReturnStatus::Refunded)],
    );
    assert_eq!(income.usd.delivered_gmv.minor, 0);
    assert_eq!(income.usd.net_revenue.minor, 0);
    assert_eq!(income.usd.uncovered_refunds.minor, 50_000);
    let signal = &score.factors[2].signals[0];
    assert_eq!(signal.id, "returnRate");
    assert_eq!(signal.points, 0.0);
    assert!(!signal.missing);
}
