//! The gaming suite: for each manoeuvre a borrower could try, an honest borrower and the same
//! borrower gaming. The gamed one must verify no more income and score at most one point more.

use super::fixtures::*;
use crate::income::{compute_income, IncomeReport, IncomeWindow};
use crate::records::{
    AffiliateStatus, OrderStatus, Record, ReturnStatus, SellerType, SourceInfo, SourceKind,
};
use crate::score::{compute_score, FactorKind, ScoreReport};

fn window() -> IncomeWindow {
    IncomeWindow::ninety_days(NOW)
}

fn run(sources: &[SourceInfo], records: Vec<Record>) -> (IncomeReport, ScoreReport) {
    let income = compute_income(window(), sources, records);
    let score = compute_score(&income);
    (income, score)
}

/// The gamed borrower verifies no more and scores at most one point more than the honest one.
fn assert_no_gain(
    sources: &[SourceInfo],
    honest: Vec<Record>,
    gamed: Vec<Record>,
) -> (IncomeReport, IncomeReport, ScoreReport, ScoreReport) {
    let (honest_income, honest_score) = run(sources, honest);
    let (gamed_income, gamed_score) = run(sources, gamed);
    assert!(
        gamed_income.usd.total_income.minor <= honest_income.usd.total_income.minor,
        "verified income rose: {} → {}",
        honest_income.usd.total_income,
        gamed_income.usd.total_income
    );
    assert!(
        gamed_score.score <= honest_score.score + 1.0,
        "score rose: {} → {}\nhonest {:#?}\ngamed {:#?}",
        honest_score.score,
        gamed_score.score,
        honest_score.factors,
        gamed_score.factors
    );
    (honest_income, gamed_income, honest_score, gamed_score)
}

/// An honest shop: 150 delivered $100 orders over 90 days, 12% of it refunded, statements
/// that settle what the orders earned.
fn honest_shop() -> Vec<Record> {
    let mut records: Vec<Record> = (0..150)
        .map(|i| order("shop", i, 10_000, spread(i, 150)))
        .collect();
    records.extend((0..18).map(|i| refund("shop", i * 8, 10_000, spread(i * 8, 150) / 2)));
    records.extend((0..10).map(|i| statement("shop", i, 132_000, (i as i64 * 8 + 3) * DAY)));
    records
}

fn self_purchases(n: usize, from: usize) -> Vec<Record> {
    (0..n)
        .map(|i| {
            with_status(
                order("shop", from + i, 15_000, (i as i64 % 10 + 1) * DAY),
                OrderStatus::AwaitingShipment,
            )
        })
        .collect()
}

fn one_cent_orders(n: usize, from: usize, weeks: &[i64]) -> Vec<Record> {
    (0..n)
        .map(|i| {
            let week = weeks[i % weeks.len()];
            order(
                "shop",
                from + i,
                1,
                week * 7 * DAY + (i as i64 % 5 + 1) * DAY,
            )
        })
        .collect()
}

#[test]
fn three_hundred_unshipped_self_purchases_verify_nothing_and_score_nothing() {
    let mut gamed = honest_shop();
    gamed.extend(self_purchases(300, 1_000));
    let (honest, gamed, _, _) = assert_no_gain(&[shop("shop")], honest_shop(), gamed);
    assert_eq!(gamed.usd.pending.minor, 300 * 15_000);
    assert_eq!(gamed.usd.net_revenue, honest.usd.net_revenue);
}

#[test]
fn return_requests_left_pending_still_count_as_returns() {
    let pending: Vec<Record> = honest_shop()
        .into_iter()
        .map(|r| match r {
            Record::Return(mut ret) => {
                ret.status = ReturnStatus::InProgress;
                Record::Return(ret)
            }
            other => other,
        })
        .collect();
    let (honest, gamed, _, _) = assert_no_gain(&[shop("shop")], honest_shop(), pending);
    assert_eq!(honest.return_rate, Some(0.12));
    assert_eq!(
        gamed.return_rate,
        Some(0.12),
        "a 12% return rate must not become 0%"
    );
    assert_eq!(gamed.counts.open_returns, 18);
}

/// A shop that sells only every other week: 60 orders in weeks 1, 3, 5, … before the end.
fn gappy_shop() -> Vec<Record> {
    (0..60)
        .map(|i| {
            let week = 2 * (i as i64 % 6) + 1;
            order(
                "shop",
                i,
                10_000,
                week * 7 * DAY + (i as i64 % 6) * DAY / 2 + DAY,
            )
        })
        .collect()
}

#[test]
fn one_cent_orders_filling_empty_weeks_do_not_count() {
    for n in [85, 120] {
        let mut gamed = gappy_shop();
        gamed.extend(one_cent_orders(n, 5_000, &[0, 2, 4, 6, 8, 10]));
        let (honest, gamed, honest_score, gamed_score) =
            assert_no_gain(&[shop("shop")], gappy_shop(), gamed);
        assert_eq!(gamed.counts.micro_orders, n as u64);
        assert_eq!(gamed.weekly_order_counts, honest.weekly_order_counts);
        let weeks = |s: &ScoreReport| s.factors[1].signals[0].points;
        assert_eq!(weeks(&gamed_score), weeks(&honest_score));
    }
}

fn hybrid_sources() -> Vec<SourceInfo> {
    let mut own = shop("shop");
    own.name = "My Own Shop".into();
    vec![own, creator("creator")]
}

fn honest_hybrid() -> Vec<Record> {
    let mut records = honest_shop();
    records.extend((0..100).map(|i| commission("creator", i, 20_000, 1_500, spread(i, 100))));
    records
}

#[test]
fn promoting_the_borrowers_own_products_is_excluded_as_self_dealing() {
    let mut gamed = honest_hybrid();
    gamed.extend((0..200).map(|i| {
        let mut line = commission_of("creator", 10_000 + i, 15_000, 2_000, spread(i, 200));
        line.product_id = format!("p{}", i % 7);
        line.shop = "Another Name".into();
        Record::AffiliateOrder(line)
    }));
    let sources = hybrid_sources();
    let (honest, gamed, _, score) = assert_no_gain(&sources, honest_hybrid(), gamed);
    let found = &gamed.sources[1].self_dealing;
    assert_eq!(found.lines, 200);
    assert_eq!(found.by_product_id, 200);
    assert_eq!(gamed.usd.self_dealing_excluded.minor, 200 * 3_000);
    assert_eq!(gamed.affiliate_network, honest.affiliate_network);
    assert!(score
        .confidence_reasons
        .iter()
        .any(|r| r.code == "CONFIDENCE_SELF_DEALING"));
}

#[test]
fn promoting_the_borrowers_own_shop_by_name_only_is_excluded_too() {
    let mut gamed = honest_hybrid();
    gamed.extend((0..200).map(|i| {
        let mut line = commission_of("creator", 10_000 + i, 15_000, 2_000, spread(i, 200));
        line.product_id = format!("unlisted{}", i % 3);
        line.shop = "  my own SHOP ".into();
        Record::AffiliateOrder(line)
    }));
    let (_, gamed, _, _) = assert_no_gain(&hybrid_sources(), honest_hybrid(), gamed);
    let found = &gamed.sources[1].self_dealing;
    assert_eq!((found.lines, found.by_shop_name), (200, 200));
}

#[test]
fn junk_listings_that_never_sold_are_not_new_products() {
    let mut honest = honest_shop();
    honest.extend((0..7).map(|p| product("shop", &format!("p{p}"), 200)));
    let mut gamed = honest.clone();
    gamed.extend((0..4).map(|j| product("shop", &format!("junk{j}"), 10)));
    let (_, gamed, honest_score, gamed_score) = assert_no_gain(&[shop("shop")], honest, gamed);
    assert_eq!(gamed.counts.products_launched, 4);
    assert_eq!(gamed.counts.products_launched_sold, 0);
    assert_eq!(
        factor(&gamed_score, FactorKind::Growth),
        factor(&honest_score, FactorKind::Growth)
    );
}

fn honest_creator() -> Vec<Record> {
    creator_records()
}

#[test]
fn shops_promoted_with_nothing_settled_do_not_widen_the_network() {
    let mut gamed = honest_creator();
    gamed.extend((0..5).flat_map(|s| {
        (0..4).map(move |i| {
            let mut line = commission_of(
                "creator",
                20_000 + s * 10 + i,
                50_000,
                2_000,
                (i as i64 + 1) * DAY,
            );
            line.shop = format!("new brand {s}");
            line.status = AffiliateStatus::Ordered;
            line.actual = Default::default();
            Record::AffiliateOrder(line)
        })
    }));
    let (honest, gamed, _, _) = assert_no_gain(&[creator("creator")], honest_creator(), gamed);
    assert_eq!(gamed.affiliate_network, honest.affiliate_network);
    assert!(gamed.usd.commission_estimated.minor > 0);
}

#[test]
fn a_spike_of_unshipped_orders_just_before_the_sync_changes_nothing() {
    let mut gamed = honest_shop();
    gamed.extend((0..100).map(|i| {
        with_status(
            order("shop", 3_000 + i, 20_000, (i as i64 % 3) * DAY + 60),
            OrderStatus::InTransit,
        )
    }));
    assert_no_gain(&[shop("shop")], honest_shop(), gamed);
}

#[test]
fn a_brand_new_shop_has_missing_trends_not_perfect_ones() {
    let records: Vec<Record> = (0..40)
        .map(|i| order("shop", i, 10_000, (i as i64 % 20 + 1) * DAY))
        .collect();
    let (_, score) = run(&[shop("shop")], records);
    let growth = &score.factors[3];
    for id in ["incomeTrend", "orderTrend"] {
        let signal = growth.signals.iter().find(|s| s.id == id).unwrap();
        assert!(signal.missing, "{id} should be missing: {signal:?}");
        assert_eq!(signal.points, 50.0);
    }
    assert!(score
        .confidence_reasons
        .iter()
        .any(|r| r.code == "CONFIDENCE_SIGNALS_MISSING"));
}

#[test]
fn a_local_seller_type_gives_no_bonus() {
    let with_type = |t: Option<SellerType>| {
        let mut s = shop("shop");
        s.seller_type = t;
        run(&[s], honest_shop()).1.score
    };
    let none = with_type(None);
    assert_eq!(with_type(Some(SellerType::Local)), none);
    assert_eq!(with_type(Some(SellerType::CrossBorder)), none);
}

#[test]
fn the_issues_combined_example_verifies_no_more_and_scores_no_higher() {
    let mut gamed: Vec<Record> = honest_shop()
        .into_iter()
        .map(|r| match r {
            Record::Return(mut ret) => {
                ret.status = ReturnStatus::InProgress;
                Record::Return(ret)
            }
            other => other,
        })
        .collect();
    gamed.extend(self_purchases(300, 1_000));
    gamed.extend(one_cent_orders(
        120,
        5_000,
        &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    ));
    let (honest_income, honest_score) = run(&[shop("shop")], honest_shop());
    let (gamed_income, gamed_score) = run(&[shop("shop")], gamed);
    assert!(gamed_income.usd.total_income.minor <= honest_income.usd.total_income.minor);
    assert!(
        gamed_score.score <= honest_score.score,
        "{} > {}",
        gamed_score.score,
        honest_score.score
    );
}

fn factor(score: &ScoreReport, kind: FactorKind) -> f64 {
    score
        .factors
        .iter()
        .find(|f| f.kind == kind)
        .map_or(f64::NAN, |f| f.score)
}

#[test]
fn sources_of_both_kinds_are_judged_on_their_own_signals() {
    let (_, seller) = run(&[shop("shop")], honest_shop());
    let ids: Vec<&str> = seller.factors[2]
        .signals
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert!(!ids.contains(&"commissionSettlement"));
    let (_, creator_score) = run(
        &[SourceInfo::new(
            "creator",
            SourceKind::Creator,
            crate::money::Currency::USD,
        )],
        honest_creator(),
    );
    let ids: Vec<&str> = creator_score.factors[2]
        .signals
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(ids, ["commissionSettlement"]);
}
