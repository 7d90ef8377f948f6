//! The score's unit tests: the revenue curve, grades, the neutral prior, applicability,
//! explanations that never contradict themselves, and confidence steps.

use super::explain::{assemble, explain, not_measured_code, HELPING_FROM};
use super::measures::{concentration_points, format_usd, Measure};
use super::specs::{specs_of, Applies, GROWTH, UNAVAILABLE};
use super::*;
use crate::income::{compute_income, IncomeWindow};
use crate::tests::fixtures::*;

#[test]
fn revenue_tiers_are_continuous_at_every_boundary() {
    for boundary in [1_000.0, 5_000.0, 20_000.0] {
        let below = revenue_points(boundary - 0.01, true);
        let above = revenue_points(boundary + 0.01, true);
        assert!((above - below).abs() < 0.01, "cliff at {boundary}");
    }
    assert!((revenue_points(999.0, true) - revenue_points(1_001.0, true)).abs() < 0.1);
}

#[test]
fn revenue_reaches_100_at_20000_a_month_and_credits_an_active_shop() {
    assert_eq!(revenue_points(20_000.0, true), 100.0);
    assert_eq!(revenue_points(1e12, false), 100.0);
    assert_eq!(revenue_points(0.0, true), 10.0);
    assert_eq!(revenue_points(0.0, false), 0.0);
    assert_eq!(revenue_points(-500.0, true), 10.0);
    assert_eq!(revenue_points(f64::NAN, true), 10.0);
}

#[test]
fn grades_follow_the_platform_thresholds() {
    assert_eq!(Grade::from_score(75.0), Grade::A);
    assert_eq!(Grade::from_score(74.9), Grade::B);
    assert_eq!(Grade::from_score(55.0), Grade::B);
    assert_eq!(Grade::from_score(40.0), Grade::C);
    assert_eq!(Grade::from_score(39.9), Grade::D);
    assert_eq!(Grade::A.label(), "Established");
    assert_eq!(Grade::D.label(), "Emerging");
}

#[test]
fn a_missing_signal_scores_the_neutral_prior_at_its_own_weight() {
    let factor = assemble(
        FactorKind::Growth,
        &GROWTH,
        vec![
            Measure::of(0.0, String::new(), 90.0),
            Measure::missing(),
            Measure::missing(),
            Measure::of(0.0, String::new(), 100.0),
        ],
        |_| true,
    );
    // No weight moves: 40 × 90 + 30 × 50 + 15 × 50 + 15 × 100, over 100.
    assert!((factor.score - (3_600.0 + 1_500.0 + 750.0 + 1_500.0) / 100.0).abs() < 1e-9);
    assert!(factor.signals[1].missing);
    assert_eq!(factor.signals[1].points, NEUTRAL_PRIOR);
    assert_eq!(factor.signals[1].effective_weight, 0.30);
    assert!((factor.missing_weight - 0.45).abs() < 1e-12);
    assert!(!factor.missing);
}

#[test]
fn signals_that_do_not_apply_carry_no_weight() {
    let factor = assemble(
        FactorKind::Growth,
        &GROWTH,
        vec![
            Measure::of(0.0, String::new(), 100.0),
            Measure::of(0.0, String::new(), 100.0),
            Measure::of(0.0, String::new(), 0.0),
            Measure::of(0.0, String::new(), 0.0),
        ],
        |spec| spec.applies == Applies::Always,
    );
    assert_eq!(factor.signals.len(), 2);
    assert_eq!(factor.score, 100.0);
}

#[test]
fn a_signal_is_either_holding_down_or_helping_never_both() {
    for points in [0.0, 30.0, 60.0, 65.0, 69.9, 70.0, 75.0, 80.0, 100.0] {
        let factor = assemble(
            FactorKind::Growth,
            &GROWTH,
            (0..4)
                .map(|_| Measure::of(1.0, String::new(), points))
                .collect(),
            |_| true,
        );
        let (down, up) = explain(&[factor], 90);
        for reason in &down {
            assert!(!up.iter().any(|u| u.factor == reason.factor
                && specs_of(FactorKind::Growth)
                    .iter()
                    .any(|s| s.low_code == reason.code && s.high_code == u.code)));
        }
        if points < HELPING_FROM {
            assert!(up.is_empty(), "{points} helped");
        } else {
            assert!(down.is_empty(), "{points} held down");
        }
    }
}

#[test]
fn messages_name_the_actual_window_length() {
    let factor = assemble(
        FactorKind::Growth,
        &GROWTH,
        vec![
            Measure::of(1.0, String::new(), 100.0),
            Measure::of(1.0, String::new(), 0.0),
            Measure::of(1.0, String::new(), 100.0),
            Measure::of(1.0, String::new(), 100.0),
        ],
        |_| true,
    );
    let (down, _) = explain(&[factor], 45);
    let orders = down
        .iter()
        .find(|r| r.code == "GROWTH_ORDERS_DECLINING")
        .unwrap();
    assert!(
        orders.message.contains("last 45 days"),
        "{}",
        orders.message
    );
    assert!(!orders.message.contains("{days}"));
}

#[test]
fn a_missing_signal_is_its_own_reason_with_a_stable_code() {
    assert_eq!(
        not_measured_code("onTimeDelivery"),
        "NOT_MEASURED_ON_TIME_DELIVERY"
    );
    let factor = assemble(
        FactorKind::Growth,
        &GROWTH,
        (0..4).map(|_| Measure::missing()).collect(),
        |_| true,
    );
    assert!(factor.missing);
    let (down, up) = explain(&[factor], 90);
    assert!(up.is_empty());
    assert!(down.iter().all(|r| r.code.starts_with("NOT_MEASURED_")));
}

#[test]
fn every_reason_code_is_unique() {
    let mut codes: Vec<String> = [
        FactorKind::Revenue,
        FactorKind::Consistency,
        FactorKind::Reliability,
        FactorKind::Growth,
    ]
    .iter()
    .flat_map(|k| {
        specs_of(*k).iter().flat_map(|s| {
            [
                s.low_code.to_string(),
                s.high_code.to_string(),
                not_measured_code(s.id),
            ]
        })
    })
    .collect();
    let n = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n);
}

#[test]
fn concentration_costs_points_only_past_forty_percent() {
    assert_eq!(concentration_points(0.10), 100.0);
    assert_eq!(concentration_points(0.40), 100.0);
    assert!((concentration_points(0.70) - 50.0).abs() < 1e-9);
    assert_eq!(concentration_points(1.0), 0.0);
}

#[test]
fn usd_is_formatted_with_grouping() {
    assert_eq!(format_usd(4_750.0), "$4,750.00");
    assert_eq!(format_usd(1_234_567.891), "$1,234,567.89");
    assert_eq!(format_usd(0.5), "$0.50");
}

#[test]
fn shop_rating_reviews_violations_and_seller_type_are_shown_as_unavailable_inputs() {
    let income = compute_income(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop")],
        seller_records(),
    );
    let score = compute_score(&income);
    let ids: Vec<&str> = score
        .unavailable_inputs
        .iter()
        .map(|u| u.id.as_str())
        .collect();
    assert_eq!(ids, UNAVAILABLE.map(|u| u.0));
    let weighted: Vec<&str> = score
        .factors
        .iter()
        .flat_map(|f| f.signals.iter().map(|s| s.id.as_str()))
        .collect();
    for id in ids {
        assert!(!weighted.contains(&id), "{id} is weighted");
    }
}

#[test]
fn pending_sales_above_a_quarter_of_gmv_lower_confidence() {
    let mut records = seller_records();
    records.extend((0..60).map(|i| {
        with_status(
            order("shop", 10_000 + i, 10_000, DAY * (1 + i as i64 % 5)),
            crate::records::OrderStatus::AwaitingShipment,
        )
    }));
    let income = compute_income(IncomeWindow::ninety_days(NOW), &[shop("shop")], records);
    let score = compute_score(&income);
    assert!(score
        .confidence_reasons
        .iter()
        .any(|r| r.code == "CONFIDENCE_MANY_PENDING_ORDERS"));
    let plain = compute_score(&compute_income(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop")],
        seller_records(),
    ));
    assert!(!plain
        .confidence_reasons
        .iter()
        .any(|r| r.code == "CONFIDENCE_MANY_PENDING_ORDERS"));
}

#[test]
fn a_short_window_and_missing_permissions_each_lower_confidence() {
    let mut s = creator("creator");
    s.missing_scopes = vec![crate::records::DataScope::Finance];
    let income = compute_income(IncomeWindow::new(NOW, 30), &[s], creator_records());
    let score = compute_score(&income);
    let codes: Vec<&str> = score
        .confidence_reasons
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert!(codes.contains(&"CONFIDENCE_SHORT_WINDOW"));
    assert!(codes.contains(&"CONFIDENCE_MISSING_PERMISSIONS"));
    assert_eq!(score.confidence, Confidence::Low);
}
