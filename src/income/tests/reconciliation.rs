//! Reconciliation's unit tests: the bands, what verified each source, the cap, the commission
//! a shop pays creators, and the analytics cross-check.

use super::*;

fn statement_with(settlement: i64, revenue: Option<i64>, fee: Option<i64>) -> Record {
    Record::Statement(Statement {
        source: "shop".into(),
        id: format!("st{settlement}"),
        statement_time: NOW - days(1),
        settlement: usd(settlement),
        revenue: revenue.map(usd),
        fee: fee.map(usd),
        adjustment: None,
        shipping_cost: None,
        payment_status: PaymentStatus::Paid,
        payment_id: "p".into(),
    })
}

fn old_orders() -> Vec<Record> {
    (0..10)
        .map(|i| order("shop", i, 10_000, days(20 + i as i64)))
        .collect()
}

#[test]
fn reconciliation_bands_follow_settled_revenue_over_what_is_due() {
    let with = |revenue: i64| {
        let mut records = old_orders();
        records.push(statement_with(revenue * 85 / 100, Some(revenue), None));
        run(records).sources[0].reconciliation.clone()
    };
    assert_eq!(with(100_000).status, ReconciliationStatus::Reconciled);
    assert_eq!(with(100_000).verified_by, Some(VerifiedBy::Statements));
    assert_eq!(with(100_000).ratio, Some(1.0));
    assert_eq!(with(130_000).status, ReconciliationStatus::Reconciled);
    assert_eq!(with(131_000).status, ReconciliationStatus::Excess);
    assert_eq!(with(89_000).status, ReconciliationStatus::Partial);
    assert_eq!(with(55_000).status, ReconciliationStatus::Partial);
    assert_eq!(with(54_000).status, ReconciliationStatus::Shortfall);
    let none = run(old_orders());
    assert_eq!(
        none.sources[0].reconciliation.status,
        ReconciliationStatus::Unavailable
    );
}

#[test]
fn statements_without_revenue_are_rebuilt_from_their_components_or_the_fee_allowance() {
    // settlement 85,000 and fee −15,000: revenue 100,000.
    let mut records = old_orders();
    records.push(statement_with(85_000, None, Some(-15_000)));
    assert_eq!(run(records).usd.settled_revenue.minor, 100_000);
    // settlement only: ÷ 0.85.
    let mut records = old_orders();
    records.push(statement_with(85_000, None, None));
    assert_eq!(run(records).usd.settled_revenue.minor, 100_000);
}

#[test]
fn paid_payouts_reconcile_a_shop_without_statements() {
    let mut records = old_orders();
    records.push(Record::Payment(Payment {
        source: "shop".into(),
        id: "pay".into(),
        create_time: NOW - days(2),
        paid_time: Some(NOW - days(1)),
        amount: usd(85_000),
        status: PaymentStatus::Paid,
    }));
    let r = &run(records).sources[0].reconciliation;
    assert_eq!(r.verified_by, Some(VerifiedBy::Payments));
    assert_eq!(r.status, ReconciliationStatus::Reconciled);
}

#[test]
fn verified_income_is_capped_at_what_settled_plus_the_orders_still_in_the_lag() {
    let mut records = old_orders();
    records.push(order("shop", 99, 50_000, days(3)));
    records.push(statement_with(34_000, Some(40_000), None));
    let report = run(records);
    let r = &report.sources[0].reconciliation;
    assert_eq!(r.status, ReconciliationStatus::Shortfall);
    assert_eq!(r.expected.minor, 100_000);
    // Net 150,000: capped at 40,000 settled + 50,000 still in the settlement lag.
    assert_eq!(report.usd.net_revenue.minor, 90_000);
    assert_eq!(report.usd.capped_by_reconciliation.minor, 60_000);
}

#[test]
fn commission_the_shop_paid_creators_is_subtracted_from_what_should_settle() {
    let paid = |status, actual: Option<i64>| {
        Record::SellerAffiliateOrder(SellerAffiliateOrder {
            source: "shop".into(),
            id: format!("sa{status:?}"),
            order_id: "1".into(),
            create_time: NOW - days(25),
            status,
            product_id: "p1".into(),
            creator: "someone".into(),
            content_type: "VIDEO".into(),
            estimated_paid: usd(7_000),
            actual_paid: actual.map(usd),
        })
    };
    let mut records = old_orders();
    records.push(paid(SellerAffiliateStatus::Completed, Some(10_000)));
    records.push(paid(SellerAffiliateStatus::Processing, None));
    records.push(statement_with(76_500, Some(90_000), None));
    let report = run(records);
    assert_eq!(report.usd.seller_commission_paid.minor, 10_000);
    assert_eq!(report.usd.seller_commission_estimated.minor, 7_000);
    assert_eq!(report.sources[0].reconciliation.expected.minor, 90_000);
    assert_eq!(
        report.sources[0].reconciliation.status,
        ReconciliationStatus::Reconciled
    );
}

#[test]
fn a_creator_is_verified_by_tiktoks_settlement_or_by_its_payouts() {
    let creator_run = |extra: Vec<Record>| {
        let mut records = vec![commission("creator", 1, 100_000, 1_000, days(20))];
        records.extend(extra);
        compute_income(
            IncomeWindow::ninety_days(NOW),
            &[creator("creator")],
            records,
        )
    };
    let settled = creator_run(vec![]);
    let r = &settled.sources[0].reconciliation;
    assert_eq!(r.status, ReconciliationStatus::VerifiedBySettlement);
    assert_eq!(r.verified_by, Some(VerifiedBy::SettledCommission));
    let paid = creator_run(vec![Record::Payment(Payment {
        source: "creator".into(),
        id: "pay".into(),
        create_time: NOW - days(5),
        paid_time: None,
        amount: usd(10_000),
        status: PaymentStatus::Paid,
    })]);
    assert_eq!(
        paid.sources[0].reconciliation.status,
        ReconciliationStatus::Reconciled
    );
}

#[test]
fn tiktoks_analytics_cross_check_flags_derived_gmv_well_above_tiktoks() {
    let check = |tiktok: i64| {
        let mut s = shop("shop");
        // 2025-05-01 .. 2025-06-15: covers every order below.
        s.analytics = Some(ShopAnalytics {
            start_date: "2025-05-01".into(),
            end_date: "2025-06-15".into(),
            gmv: usd(tiktok),
            orders: 10,
            units_sold: 10,
            refunds: usd(0),
            cancellations_and_returns: 0,
        });
        compute_income(IncomeWindow::ninety_days(NOW), &[s], old_orders())
    };
    let agree = check(95_000);
    assert_eq!(
        agree.sources[0].analytics.status,
        AnalyticsStatus::Agreement
    );
    let gap = check(80_000);
    assert_eq!(gap.sources[0].analytics.status, AnalyticsStatus::Gap);
    assert!(gap.sources[0].analytics.flagged);
    assert_eq!(warning(&gap, WarningCode::AnalyticsGap), 1);
    let below = check(200_000);
    assert_eq!(below.sources[0].analytics.status, AnalyticsStatus::Gap);
    assert!(!below.sources[0].analytics.flagged);
    assert_eq!(
        run(old_orders()).sources[0].analytics.status,
        AnalyticsStatus::Unavailable
    );
}
