//! The seed's worked examples (SCORING.md's acceptance table), exact to the cent, and the
//! pinned score and inputs digest of each persona: a changed weight, curve or figure cannot
//! pass without a new model (or income) version and new pins.

use std::collections::BTreeMap;

use super::fixtures::*;
use crate::income::{compute_income, IncomeReport, IncomeWindow, ReconciliationStatus};
use crate::money::Currency;
use crate::score::{compute_score, Confidence, FactorKind, Grade, ScoreReport, MODEL_VERSION};

fn window() -> IncomeWindow {
    IncomeWindow::ninety_days(NOW)
}

fn seller() -> IncomeReport {
    compute_income(window(), &[shop("shop")], seller_records())
}

fn creator_income() -> IncomeReport {
    compute_income(window(), &[creator("creator")], creator_records())
}

fn hybrid() -> IncomeReport {
    compute_income(
        window(),
        &[shop("shop"), creator("creator")],
        hybrid_records(),
    )
}

fn empty_shop() -> IncomeReport {
    compute_income(window(), &[shop("shop")], Vec::new())
}

#[test]
fn seller_worked_example_nets_14250_and_4750_a_month() {
    let report = seller();
    assert_eq!(report.usd.gmv, usd(1_500_000));
    assert_eq!(report.usd.delivered_gmv, usd(1_500_000));
    assert_eq!(report.usd.pending, usd(0));
    assert_eq!(report.counts.paid_orders, 150);
    assert_eq!(report.counts.completed_orders, 150);
    assert_eq!(report.counts.countable_orders, 150);
    assert_eq!(report.average_order_value, usd(10_000));
    assert_eq!(report.return_rate, Some(0.05));
    assert_eq!(report.usd.refunds, usd(75_000));
    assert_eq!(report.usd.return_reserve, usd(0));
    assert_eq!(report.usd.net_revenue, usd(1_425_000));
    assert_eq!(report.usd.total_income, usd(1_425_000));
    assert_eq!(report.usd.monthly_income, usd(475_000));
    assert_eq!(report.counts.items_sold, 150);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn creator_worked_example_earns_4500_and_1500_a_month() {
    let report = creator_income();
    assert_eq!(report.usd.affiliate_sales, usd(3_000_000));
    assert_eq!(report.usd.commission_settled, usd(450_000));
    assert_eq!(report.usd.commission_verified, usd(450_000));
    assert_eq!(report.usd.commission_parts.commission, usd(450_000));
    assert_eq!(report.usd.commission_estimated, usd(0));
    assert_eq!(report.usd.total_income, usd(450_000));
    assert_eq!(report.usd.monthly_income, usd(150_000));
    assert_eq!(report.counts.affiliate_orders, 200);
    assert_eq!(report.counts.affiliate_settled_orders, 200);
    assert_eq!(report.affiliate_network, 5);
    assert_eq!(
        report.sources[0].reconciliation.status,
        ReconciliationStatus::VerifiedBySettlement
    );
}

#[test]
fn hybrid_worked_example_totals_13000_and_4333_33_a_month() {
    let report = hybrid();
    assert_eq!(report.usd.net_revenue, usd(1_000_000));
    assert_eq!(report.usd.commission_verified, usd(300_000));
    assert_eq!(report.usd.self_dealing_excluded, usd(0));
    assert_eq!(report.usd.total_income, usd(1_300_000));
    assert_eq!(report.usd.monthly_income, usd(433_333));
    assert_eq!(report.usd.monthly_income.to_string(), "4333.33 USD");
    let shares: Vec<f64> = report.sources.iter().map(|s| s.share).collect();
    assert!((shares[0] - 10.0 / 13.0).abs() < 1e-12);
    assert!((shares[1] - 3.0 / 13.0).abs() < 1e-12);
}

#[test]
fn an_active_shop_with_no_orders_has_zero_income_and_no_warnings() {
    let report = empty_shop();
    assert_eq!(report.usd.total_income, usd(0));
    assert_eq!(report.usd.monthly_income, usd(0));
    assert_eq!(report.average_order_value, usd(0));
    assert_eq!(report.return_rate, None);
    assert!(report.warnings.is_empty());
    assert_eq!(report.usd.monthly_series.len(), 3);
    assert_eq!(report.usd.total_income.currency, Currency::USD);
    assert_eq!(
        report.sources[0].reconciliation.status,
        ReconciliationStatus::NotApplicable
    );
}

#[test]
fn the_same_order_stored_twice_leaves_income_unchanged() {
    // The store upserts by `Record::key`; a re-synced order replaces itself.
    let mut store = BTreeMap::new();
    for record in seller_records().into_iter().chain(seller_records()) {
        store.insert(record.key(), record);
    }
    let twice = compute_income(window(), &[shop("shop")], store.into_values());
    assert_eq!(twice, seller());
    assert_eq!(twice.usd.net_revenue, usd(1_425_000));
}

/// The persona's score, grade, confidence and inputs digest, pinned.
fn assert_pinned(
    score: &ScoreReport,
    points: f64,
    grade: Grade,
    confidence: Confidence,
    digest: &str,
) {
    assert_eq!(score.model_version, MODEL_VERSION);
    eprintln!(
        "PIN {} {:?} {:?} {}",
        score.score, score.grade, score.confidence, score.inputs_digest
    );
    assert_eq!(score.score, points, "score moved: {score:#?}");
    assert_eq!(score.grade, grade);
    assert_eq!(
        score.confidence, confidence,
        "{:?}",
        score.confidence_reasons
    );
    assert_eq!(score.inputs_digest, digest);
}

#[test]
fn the_seller_persona_scores_as_pinned() {
    let income = seller();
    let score = compute_score(&income);
    // $4,750/month sits in the mid tier: 35 + 30 × 3,750/4,000 = 63.125.
    assert!((score.factors[0].score - 63.125).abs() < 1e-9);
    assert_pinned(
        &score,
        67.4,
        Grade::B,
        Confidence::Medium,
        "7c48be54b8621b2d9ce1d933ae580f48b7efd947f6cfc897371720b4d56059c5",
    );
    assert!(score
        .confidence_reasons
        .iter()
        .any(|r| r.code == "CONFIDENCE_PAYOUTS_NOT_VERIFIED"));
    assert!(score.reproduces(&income));
}

#[test]
fn the_creator_persona_scores_as_pinned() {
    let score = compute_score(&creator_income());
    // $1,500/month: 35 + 30 × 500/4,000 = 38.75.
    assert!((score.factors[0].score - 38.75).abs() < 1e-9);
    assert_pinned(
        &score,
        65.3,
        Grade::B,
        Confidence::High,
        "54c8a90953c353585c544d558b79fea7ff46eb3191d067b09ebd70ef914b5c2e",
    );
}

#[test]
fn the_hybrid_persona_scores_as_pinned_and_above_either_side_alone() {
    let income = hybrid();
    let score = compute_score(&income);
    assert_pinned(
        &score,
        71.0,
        Grade::B,
        Confidence::Medium,
        "f2b1e90dfb7b538583aeeb7a857db163a8fb6858b0992c203b960e00ca966051",
    );
    let shop_only: Vec<_> = hybrid_records()
        .into_iter()
        .filter(|r| r.source() == "shop")
        .collect();
    let alone = compute_income(window(), &[shop("shop")], shop_only);
    assert!(score.factors[0].score > compute_score(&alone).factors[0].score);
}

#[test]
fn the_empty_shop_scores_for_existing_alone_as_pinned() {
    let score = compute_score(&empty_shop());
    let revenue = &score.factors[0];
    assert_eq!(revenue.kind, FactorKind::Revenue);
    assert_eq!(revenue.score, 10.0);
    assert!(score
        .holding_down
        .iter()
        .any(|r| r.code == "REVENUE_BELOW_TOP_TIER"));
    assert_pinned(
        &score,
        31.1,
        Grade::D,
        Confidence::Low,
        "b32ee5d26eea879ccdb699c41f6a59dc0ed017f819cf40870944f7323575771c",
    );
}

#[test]
fn a_stored_report_read_back_from_json_gives_the_same_digest_and_reproduces() {
    for income in [seller(), creator_income(), hybrid(), empty_shop()] {
        let score = compute_score(&income);
        let stored_income: IncomeReport =
            serde_json::from_str(&serde_json::to_string(&income).unwrap()).unwrap();
        let stored_score: ScoreReport =
            serde_json::from_str(&serde_json::to_string(&score).unwrap()).unwrap();
        assert_eq!(stored_income, income);
        assert_eq!(stored_score, score);
        assert_eq!(
            crate::score::inputs_digest(&stored_income),
            score.inputs_digest
        );
        assert!(stored_score.reproduces(&stored_income));
        let json = serde_json::to_string(&score).unwrap();
        assert!(json.contains("\"inputsDigest\""));
        assert!(json.contains("\"holdingDown\""));
    }
}

#[test]
fn a_score_stored_under_another_model_version_never_reproduces() {
    let income = seller();
    let mut old = compute_score(&income);
    old.model_version = "shopscore-score-1.0.0".into();
    assert!(!old.reproduces(&income));
    let mut other = income.clone();
    other.records_digest = "0".repeat(64);
    assert!(!compute_score(&income).reproduces(&other));
}
