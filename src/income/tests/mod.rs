//! Income's unit tests: statuses, the reserve, commission rules, reconciliation and its cap,
//! the analytics cross-check, the minimum order value, windows and warnings.

mod reconciliation;

use super::*;
use crate::money::{Currency, Money};
use crate::records::{
    AffiliateStatus, CommissionParts, OrderStatus, Payment, PaymentStatus, RecordKind,
    ReturnStatus, SellerAffiliateOrder, SellerAffiliateStatus, ShopAnalytics, SourceKind,
    Statement, Unparseable, UnsettledTransaction,
};
use crate::tests::fixtures::DAY;
use crate::tests::fixtures::*;

pub(super) fn run(records: Vec<Record>) -> IncomeReport {
    compute_income(IncomeWindow::ninety_days(NOW), &[shop("shop")], records)
}

pub(super) fn warning(report: &IncomeReport, code: WarningCode) -> u64 {
    report
        .warnings
        .iter()
        .find(|w| w.code == code)
        .map_or(0, |w| w.count)
}

pub(super) fn days(n: i64) -> i64 {
    n * DAY
}

#[test]
fn only_delivered_orders_are_verified_and_pending_ones_are_shown_beside_them() {
    let report = run(vec![
        with_status(order("shop", 1, 1_000, days(30)), OrderStatus::Unpaid),
        with_status(order("shop", 2, 2_000, days(30)), OrderStatus::Cancelled),
        with_status(order("shop", 3, 3_000, days(30)), OrderStatus::InTransit),
        with_status(order("shop", 4, 4_000, days(30)), OrderStatus::OnHold),
        with_status(
            order("shop", 5, 5_000, days(30)),
            OrderStatus::Unknown("LOST".into()),
        ),
        order("shop", 6, 6_000, days(30)),
    ]);
    assert_eq!(report.usd.gmv.minor, 3_000 + 4_000 + 5_000 + 6_000);
    assert_eq!(report.usd.delivered_gmv.minor, 6_000);
    assert_eq!(report.usd.pending.minor, 12_000);
    assert_eq!(report.usd.net_revenue.minor, 6_000);
    assert_eq!(report.counts.pending_orders, 3);
    assert_eq!(report.counts.unpaid_orders, 1);
    assert_eq!(report.counts.cancelled_orders, 1);
    assert_eq!(warning(&report, WarningCode::UnknownStatus), 1);
    assert!(
        report.has_data_warnings(),
        "an unknown status lowers confidence"
    );
}

#[test]
fn samples_and_replacements_are_not_sales() {
    let mut sample = order_of("shop", 1, 9_999, days(3));
    sample.is_sample = true;
    let mut replacement = order_of("shop", 2, 8_888, days(3));
    replacement.is_replacement = true;
    let report = run(vec![Record::Order(sample), Record::Order(replacement)]);
    assert_eq!(report.usd.gmv.minor, 0);
    assert_eq!(report.counts.sample_orders, 1);
    assert_eq!(report.counts.replacement_orders, 1);
}

#[test]
fn open_returns_are_deducted_and_delivered_orders_carry_a_reserve_at_the_shops_return_rate() {
    let report = run(vec![
        order("shop", 1, 60_000, days(40)),
        with_status(order("shop", 2, 40_000, days(20)), OrderStatus::Delivered),
        refund("shop", 1, 6_000, days(30)),
        return_of("shop", 2, 4_000, days(10), ReturnStatus::InProgress),
        return_of("shop", 2, 9_000, days(10), ReturnStatus::Rejected),
    ]);
    let usd = &report.usd;
    assert_eq!(usd.delivered_gmv.minor, 100_000);
    assert_eq!(usd.refunds.minor, 6_000);
    assert_eq!(usd.refunds_in_progress.minor, 4_000);
    // 10% historical return rate on the 40,000 still `DELIVERED`.
    assert_eq!(usd.return_reserve.minor, 4_000);
    assert_eq!(usd.net_revenue.minor, 100_000 - 6_000 - 4_000 - 4_000);
    assert_eq!(report.return_rate, Some(0.10));
    assert_eq!(report.counts.open_returns, 1);
}

#[test]
fn refunds_beyond_delivered_sales_are_reported_not_subtracted_from_commission() {
    let report = compute_income(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop"), creator("creator")],
        vec![
            order("shop", 1, 1_000, days(5)),
            refund("shop", 1, 5_000, days(2)),
            commission("creator", 1, 10_000, 1_000, days(5)),
        ],
    );
    assert_eq!(report.usd.net_revenue.minor, 0);
    assert_eq!(report.usd.uncovered_refunds.minor, 4_000);
    assert_eq!(report.usd.total_income.minor, 1_000);
}

fn line(id: usize, status: AffiliateStatus, actual: CommissionParts) -> Record {
    let mut l = commission_of("creator", id, 10_000, 1_000, days(10));
    l.status = status;
    l.estimated = CommissionParts {
        commission: Some(usd(900)),
        bonus: Some(usd(100)),
        ..CommissionParts::default()
    };
    l.actual = actual;
    Record::AffiliateOrder(l)
}

#[test]
fn settled_commission_counts_every_actual_part_and_deductions_always_reduce() {
    let parts = |c, b, s, r| CommissionParts {
        commission: Some(usd(c)),
        bonus: Some(usd(b)),
        shop_ads: Some(usd(s)),
        creator_reward: Some(usd(r)),
    };
    let report = compute_income(
        IncomeWindow::ninety_days(NOW),
        &[creator("creator")],
        vec![
            line(1, AffiliateStatus::Settled, parts(1_000, 200, 300, 50)),
            line(2, AffiliateStatus::Deducted, parts(-400, 0, 0, 0)),
            line(3, AffiliateStatus::Deducted, parts(100, 0, 0, 0)),
            line(4, AffiliateStatus::Ordered, CommissionParts::default()),
            line(5, AffiliateStatus::Frozen, CommissionParts::default()),
            line(6, AffiliateStatus::Unspecified, CommissionParts::default()),
            line(7, AffiliateStatus::Refunded, parts(999, 0, 0, 0)),
            line(
                8,
                AffiliateStatus::Unknown("NEW".into()),
                CommissionParts::default(),
            ),
            line(9, AffiliateStatus::Settled, CommissionParts::default()),
        ],
    );
    let usd = &report.usd;
    assert_eq!(usd.commission_settled.minor, 1_550);
    assert_eq!(usd.commission_parts.bonus.minor, 200);
    assert_eq!(usd.commission_parts.shop_ads.minor, 300);
    assert_eq!(usd.commission_parts.creator_reward.minor, 50);
    assert_eq!(usd.commission_deducted.minor, 500);
    assert_eq!(usd.commission_verified.minor, 1_050);
    assert_eq!(usd.commission_estimated.minor, 4 * 1_000);
    assert_eq!(usd.total_income.minor, 1_050);
    assert_eq!(report.counts.affiliate_reversed_orders, 1);
    assert_eq!(report.counts.affiliate_deducted_orders, 2);
    assert_eq!(warning(&report, WarningCode::MissingActualCommission), 1);
    assert_eq!(warning(&report, WarningCode::UnknownStatus), 1);
    // Sales of every line that was not refunded.
    assert_eq!(usd.affiliate_sales.minor, 8 * 10_000);
}

#[test]
fn an_affiliate_order_with_several_skus_counts_once() {
    let sku = |n: usize| {
        let mut l = commission_of("creator", 1, 10_000, 1_000, days(3));
        l.id = format!("a1/sku{n}");
        Record::AffiliateOrder(l)
    };
    let report = compute_income(
        IncomeWindow::ninety_days(NOW),
        &[creator("creator")],
        vec![sku(1), sku(2), sku(3)],
    );
    assert_eq!(report.counts.affiliate_lines, 3);
    assert_eq!(report.counts.affiliate_orders, 1);
    assert_eq!(report.counts.affiliate_settled_orders, 1);
    assert_eq!(report.usd.commission_verified.minor, 3_000);
}

#[test]
fn unsettled_transactions_are_upcoming_payouts_never_income() {
    let upcoming = |id: &str, minor: i64, at: Option<i64>| {
        Record::Unsettled(UnsettledTransaction {
            source: "shop".into(),
            id: id.into(),
            kind: "ORDER".into(),
            order_id: None,
            order_create_time: None,
            estimated_settlement: usd(minor),
            estimated_settle_time: at,
            reason: "waiting for delivery".into(),
        })
    };
    let report = run(vec![
        upcoming("u1", 5_000, Some(NOW + days(3))),
        upcoming("u2", -500, Some(NOW + days(1))),
        upcoming("u3", 1_000, None),
    ]);
    assert_eq!(report.usd.unsettled.minor, 5_500);
    assert_eq!(report.counts.unsettled_transactions, 3);
    assert_eq!(report.sources[0].unsettled_earliest, Some(NOW + days(1)));
    assert_eq!(report.usd.total_income.minor, 0);
}

#[test]
fn orders_too_small_to_count_are_left_out_of_verified_sales_and_counts() {
    let mut records: Vec<Record> = (0..20)
        .map(|i| order("shop", i, 5_000, days(2 + i as i64)))
        .collect();
    records.extend((0..30).map(|i| order("shop", 100 + i, 1, days(2 + i as i64))));
    // A $3 order is below 20% of the typical $50 order but not below a dollar: it counts.
    records.push(order("shop", 500, 300, days(4)));
    let report = run(records);
    assert_eq!(report.counts.micro_orders, 30);
    assert_eq!(report.usd.micro_orders.minor, 30);
    assert_eq!(report.counts.countable_orders, 21);
    assert_eq!(report.usd.delivered_gmv.minor, 20 * 5_000 + 300);
}

#[test]
fn a_shop_of_small_orders_keeps_them_countable() {
    let records: Vec<Record> = (0..20)
        .map(|i| order("shop", i, 60, days(2 + i as i64)))
        .collect();
    let report = run(records);
    assert_eq!(report.counts.micro_orders, 0);
    assert_eq!(report.counts.countable_orders, 20);
}

#[test]
fn records_older_than_the_history_warn_but_history_records_do_not() {
    let window = IncomeWindow::ninety_days(NOW).with_history(365);
    let report = compute_income(
        window,
        &[shop("shop")],
        vec![
            order("shop", 1, 1_000, days(200)),
            order("shop", 2, 1_000, days(400)),
            order("shop", 3, 1_000, -days(1)),
            order("shop", 4, 500, days(10)),
        ],
    );
    assert_eq!(report.usd.gmv.minor, 500);
    assert_eq!(warning(&report, WarningCode::OutsideWindow), 1);
    assert_eq!(warning(&report, WarningCode::FutureTimestamp), 1);
    assert_eq!(report.earliest_earning, Some(NOW - days(200)));
    assert_eq!(window.history_days, 365);
    assert_eq!(
        IncomeWindow::new(NOW, 90).with_history(5_000).history_days,
        730
    );
}

#[test]
fn foreign_currencies_unknown_sources_ambiguous_and_unreadable_records_are_reported() {
    let mut eur = order_of("shop", 1, 1_000, days(3));
    eur.total = Money::new(1_000, Currency::EUR);
    let unreadable = |reason: &str| {
        Record::Unparseable(Unparseable {
            source: "shop".into(),
            kind: RecordKind::AffiliateOrder,
            id: "9".into(),
            reason: reason.into(),
        })
    };
    let report = run(vec![
        Record::Order(eur),
        order("ghost", 2, 1_000, days(3)),
        order("shop", 3, -1_000, days(3)),
        unreadable("ambiguous amount \"2.000\": it reads as 2 IDR or 2000 IDR"),
        unreadable("payment.total_amount: \"x\" is not a plain decimal amount"),
        refund("shop", 77, 100, days(1)),
    ]);
    for code in [
        WarningCode::CurrencyMismatch,
        WarningCode::UnknownSource,
        WarningCode::NegativeAmount,
        WarningCode::AmbiguousAmount,
        WarningCode::Unparseable,
        WarningCode::ReturnForUnknownOrder,
    ] {
        assert_eq!(warning(&report, code), 1, "{code:?}");
    }
    assert_eq!(report.usd.gmv.minor, 0);
    assert_eq!(
        report.usd.refunds.minor, 100,
        "a refund of an unknown order is still deducted"
    );
}

#[test]
fn an_idr_shop_reports_rupiah_and_dollars_and_a_missing_rate_is_reported() {
    let fx = FxTable::from_pairs("2025-01-01", [("IDR", "16000")]).unwrap();
    let mut o = order_of("shop", 1, 0, days(1));
    o.total = Money::parse_amount("Rp4.800.000", Currency::IDR).unwrap();
    o.items[0].sale_price = o.total;
    let idr = crate::records::SourceInfo::new("shop", SourceKind::Shop, Currency::IDR);
    let report = compute_income_with_fx(
        IncomeWindow::ninety_days(NOW),
        std::slice::from_ref(&idr),
        &fx,
        vec![Record::Order(o.clone())],
    );
    assert_eq!(
        report.sources[0].original.gmv,
        Money::new(4_800_000, Currency::IDR)
    );
    assert_eq!(report.usd.gmv, usd(30_000));
    assert_eq!(report.usd.monthly_income, usd(10_000));
    let mut thb = o;
    thb.total = Money::new(10_000, Currency::THB);
    let no_rate = compute_income_with_fx(
        IncomeWindow::ninety_days(NOW),
        &[crate::records::SourceInfo::new(
            "shop",
            SourceKind::Shop,
            Currency::THB,
        )],
        &fx,
        vec![Record::Order(thb)],
    );
    assert_eq!(no_rate.sources[0].usd, None);
    assert_eq!(no_rate.usd.gmv.minor, 0);
    assert_eq!(warning(&no_rate, WarningCode::NoFxRate), 1);
}

#[test]
fn series_have_three_months_and_twelve_weeks_oldest_first() {
    let report = run(vec![
        order("shop", 1, 100, days(1)),
        order("shop", 2, 300, days(85)),
    ]);
    let series: Vec<i64> = report.usd.monthly_series.iter().map(|m| m.minor).collect();
    assert_eq!(series, vec![300, 0, 100]);
    assert_eq!(report.usd.weekly_series.len(), 12);
    assert_eq!(report.weekly_order_counts.len(), 12);
    assert_eq!(report.weekly_order_counts[11], 1);
}

#[test]
fn the_records_digest_ignores_order_but_sees_every_record() {
    let a = run(vec![
        order("shop", 1, 100, days(1)),
        order("shop", 2, 300, days(5)),
    ]);
    let b = run(vec![
        order("shop", 2, 300, days(5)),
        order("shop", 1, 100, days(1)),
    ]);
    let c = run(vec![
        order("shop", 2, 300, days(5)),
        order("shop", 1, 101, days(1)),
    ]);
    assert_eq!(a.records_digest, b.records_digest);
    assert_ne!(a.records_digest, c.records_digest);
    assert_eq!(a.record_count, 2);
}

#[test]
fn overflowing_sums_are_clamped_and_flagged_not_wrapped() {
    let report = run(vec![
        order("shop", 1, i64::MAX, days(1)),
        order("shop", 2, i64::MAX, days(1)),
    ]);
    assert_eq!(report.usd.gmv.minor, i64::MAX);
    assert!(warning(&report, WarningCode::AmountOverflow) >= 1);
}
