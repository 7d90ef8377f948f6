//! The seed's worked examples (SCORING.md's acceptance table), exact to the cent.

use std::collections::BTreeMap;

use super::fixtures::*;
use crate::income::{compute_income, IncomeWindow};
use crate::money::Currency;

fn window() -> IncomeWindow {
    IncomeWindow::ninety_days(NOW)
}

#[test]
fn seller_worked_example_nets_14250_and_4750_a_month() {
    let report = compute_income(window(), &[shop("shop")], seller_records());
    assert_eq!(report.usd.gmv, usd(1_500_000));
    assert_eq!(report.counts.paid_orders, 150);
    assert_eq!(report.counts.completed_orders, 150);
    assert_eq!(report.average_order_value, usd(10_000));
    assert_eq!(report.return_rate, Some(0.05));
    assert_eq!(report.usd.refunds, usd(75_000));
    assert_eq!(report.usd.net_revenue, usd(1_425_000));
    assert_eq!(report.usd.total_income, usd(1_425_000));
    assert_eq!(report.usd.monthly_income, usd(475_000));
    assert_eq!(report.counts.items_sold, 150);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn creator_worked_example_earns_4500_and_1500_a_month() {
    let report = compute_income(window(), &[creator("creator")], creator_records());
    assert_eq!(report.usd.affiliate_sales, usd(3_000_000));
    assert_eq!(report.usd.affiliate_settled, usd(450_000));
    assert_eq!(report.usd.affiliate_estimated, usd(0));
    assert_eq!(report.usd.total_income, usd(450_000));
    assert_eq!(report.usd.monthly_income, usd(150_000));
    assert_eq!(report.counts.affiliate_settled, 200);
    assert_eq!(report.distinct_affiliate_shops, 5);
}

#[test]
fn hybrid_worked_example_totals_13000_and_4333_33_a_month() {
    let report = compute_income(
        window(),
        &[shop("shop"), creator("creator")],
        hybrid_records(),
    );
    assert_eq!(report.usd.net_revenue, usd(1_000_000));
    assert_eq!(report.usd.affiliate_settled, usd(300_000));
    assert_eq!(report.usd.total_income, usd(1_300_000));
    assert_eq!(report.usd.monthly_income, usd(433_333));
    assert_eq!(report.usd.monthly_income.to_string(), "4333.33 USD");
    let shares: Vec<f64> = report.sources.iter().map(|s| s.share).collect();
    assert!((shares[0] - 10.0 / 13.0).abs() < 1e-12);
    assert!((shares[1] - 3.0 / 13.0).abs() < 1e-12);
}

#[test]
fn an_active_shop_with_no_orders_has_zero_income_and_no_warnings() {
    let report = compute_income(window(), &[shop("shop")], Vec::new());
    assert_eq!(report.usd.total_income, usd(0));
    assert_eq!(report.usd.monthly_income, usd(0));
    assert_eq!(report.average_order_value, usd(0));
    assert_eq!(report.return_rate, None);
    assert!(report.warnings.is_empty());
    assert_eq!(report.usd.monthly_series.len(), 3);
    assert_eq!(report.usd.total_income.currency, Currency::USD);
}

#[test]
fn the_same_order_stored_twice_leaves_income_unchanged() {
    // The store upserts by `Record::key`; a re-synced order replaces itself.
    let mut store = BTreeMap::new();
    for record in seller_records().into_iter().chain(seller_records()) {
        store.insert(record.key(), record);
    }
    let twice = compute_income(window(), &[shop("shop")], store.into_values());
    let once = compute_income(window(), &[shop("shop")], seller_records());
    assert_eq!(twice, once);
    assert_eq!(twice.usd.net_revenue, usd(1_425_000));
}

mod score {
    use super::*;
    use crate::income::compute_income;
    use crate::score::{compute_score, Confidence, FactorKind, Grade, MODEL_VERSION};

    #[test]
    fn an_active_shop_with_no_orders_scores_above_zero_from_existence_alone() {
        let income = compute_income(window(), &[shop("shop")], Vec::new());
        let score = compute_score(&income);
        assert!(score.score > 0.0, "{}", score.score);
        assert_eq!(score.grade, Grade::D);
        assert_eq!(score.confidence, Confidence::Low);
        let revenue = &score.factors[0];
        assert_eq!(revenue.kind, FactorKind::Revenue);
        assert_eq!(revenue.score, 10.0);
        assert!(score
            .holding_down
            .iter()
            .any(|r| r.code == "REVENUE_BELOW_TOP_TIER"));
    }

    #[test]
    fn the_seller_example_scores_with_reasons_and_a_digest() {
        let income = compute_income(window(), &[shop("shop")], seller_records());
        let score = compute_score(&income);
        assert_eq!(score.model_version, MODEL_VERSION);
        assert_eq!(score.inputs_digest.len(), 64);
        assert!((0.0..=100.0).contains(&score.score));
        // $4,750/month sits in the mid tier: 35 + 30 × 3,750/4,000 = 63.125.
        assert!((score.factors[0].score - 63.125).abs() < 1e-9);
        assert_eq!(score.holding_down[0].code, "REVENUE_BELOW_TOP_TIER");
        assert!(!score.helping.is_empty());
        // No statements were supplied, so payouts are unverified.
        assert_eq!(score.confidence, Confidence::Medium);
        assert!(score
            .confidence_reasons
            .iter()
            .any(|r| r.code == "CONFIDENCE_PAYOUTS_NOT_VERIFIED"));
        assert!(score.reproduces(&income));
    }

    #[test]
    fn the_hybrid_borrower_outscores_either_side_alone() {
        let hybrid = compute_income(
            window(),
            &[shop("shop"), creator("creator")],
            hybrid_records(),
        );
        let shop_only: Vec<_> = hybrid_records()
            .into_iter()
            .filter(|r| r.source() == "shop")
            .collect();
        let alone = compute_income(window(), &[shop("shop")], shop_only);
        assert!(compute_score(&hybrid).factors[0].score > compute_score(&alone).factors[0].score);
    }

    #[test]
    fn a_score_survives_a_json_round_trip_and_still_reproduces() {
        let income = compute_income(window(), &[shop("shop")], seller_records());
        let score = compute_score(&income);
        let stored_income: crate::income::IncomeReport =
            serde_json::from_str(&serde_json::to_string(&income).unwrap()).unwrap();
        let stored_score: crate::score::ScoreReport =
            serde_json::from_str(&serde_json::to_string(&score).unwrap()).unwrap();
        assert_eq!(stored_income, income);
        assert_eq!(stored_score, score);
        assert!(stored_score.reproduces(&stored_income));
        let json = serde_json::to_string(&score).unwrap();
        assert!(json.contains("\"inputsDigest\""));
        assert!(json.contains("\"holdingDown\""));
    }
}
