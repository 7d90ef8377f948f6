//! Golden insights on the seed's personas (exact to the cent), shares that add to one, the
//! longer history, seasonality and today's orders.

use super::*;
use crate::income::compute_income;
use crate::tests::fixtures::*;

fn shipped() -> FxTable {
    FxTable::shipped()
}

fn seller() -> Analysis {
    analyse(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop")],
        &shipped(),
        seller_records(),
    )
}

#[test]
fn the_seller_personas_product_table_is_exact_to_the_cent() {
    let table = &seller().insights.products[0];
    let rows: Vec<(&str, i64, i64, u32, u64)> = table
        .products
        .iter()
        .map(|p| {
            (
                p.product_id.as_str(),
                p.revenue.original.minor,
                p.refunds.original.minor,
                p.share_bps,
                p.orders,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("p1", 210_000, 10_000, 1_474, 22),
            ("p2", 210_000, 10_000, 1_474, 22),
            ("p0", 205_000, 15_000, 1_439, 22),
            ("p3", 200_000, 10_000, 1_404, 21),
            ("p4", 200_000, 10_000, 1_403, 21),
            ("p5", 200_000, 10_000, 1_403, 21),
            ("p6", 200_000, 10_000, 1_403, 21),
        ]
    );
    assert!(!table.products_truncated);
    assert_eq!(table.top_product_share, Some(210_000.0 / 1_425_000.0));
    assert_eq!(table.products[0].name, "Product 1");
    let total: i64 = table
        .products
        .iter()
        .map(|p| p.revenue.original.minor)
        .sum();
    assert_eq!(
        total, 1_425_000,
        "product revenue adds up to verified net revenue"
    );
}

#[test]
fn the_creator_personas_affiliate_network_is_exact_to_the_cent() {
    let analysis = analyse(
        IncomeWindow::ninety_days(NOW),
        &[creator("creator")],
        &shipped(),
        creator_records(),
    );
    let a = &analysis.insights.affiliate[0];
    let shops: Vec<(&str, i64, u32)> = a
        .shops
        .iter()
        .map(|s| (s.shop.as_str(), s.commission.original.minor, s.share_bps))
        .collect();
    assert_eq!(
        shops,
        [
            ("brand0", 90_000, 2_000),
            ("brand1", 90_000, 2_000),
            ("brand2", 90_000, 2_000),
            ("brand3", 90_000, 2_000),
            ("brand4", 90_000, 2_000),
        ]
    );
    assert_eq!(a.top_shop_share, Some(0.2));
    assert_eq!(a.top_content.len(), 10);
    assert_eq!(a.top_content[0].content_id, "v0");
    assert_eq!(a.top_content[0].commission.original.minor, 36_000);
    assert_eq!(a.top_content[0].share, 0.08);
    assert_eq!(a.content_types.len(), 1);
    assert_eq!(a.content_types[0].commission.original.minor, 450_000);
    assert_eq!(a.collaborations.len(), 1);
    assert_eq!(a.collaborations[0].kind, CollaborationKind::Open);
    assert_eq!(a.settled_ratio, Some(1.0));
    assert_eq!(a.clawback_rate, Some(0.0));
}

#[test]
fn insights_come_from_the_same_pass_as_the_income_report() {
    let analysis = seller();
    let alone = compute_income(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop")],
        seller_records(),
    );
    assert_eq!(analysis.income, alone);
}

#[test]
fn product_shares_add_to_one_when_the_tail_is_summed_into_other() {
    let records: Vec<Record> = (0..25)
        .flat_map(|p| {
            (0..=p).map(move |k| {
                let mut o = order_of(
                    "shop",
                    p * 100 + k,
                    1_000 + p as i64 * 7,
                    DAY * (k as i64 + 1),
                );
                o.items[0].product_id = format!("prod{p:02}");
                o.items[0].sku_id = format!("sku{p:02}");
                Record::Order(o)
            })
        })
        .collect();
    let analysis = analyse(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop")],
        &shipped(),
        records,
    );
    let table = &analysis.insights.products[0];
    assert!(table.products_truncated);
    assert_eq!(table.products.len(), TOP_PRODUCTS + 1);
    assert_eq!(table.products.last().unwrap().product_id, "other");
    assert_eq!(
        table.products.iter().map(|p| p.share_bps).sum::<u32>(),
        10_000
    );
    assert_eq!(table.products[0].product_id, "prod24");
}

#[test]
fn a_return_without_lines_is_spread_over_the_products_by_revenue() {
    let mut records = vec![
        order("shop", 1, 30_000, DAY * 5),
        order("shop", 2, 10_000, DAY * 5),
    ];
    if let Record::Return(mut r) = refund("shop", 1, 4_000, DAY) {
        r.items.clear();
        records.push(Record::Return(r));
    }
    let analysis = analyse(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop")],
        &shipped(),
        records,
    );
    let refunds: Vec<i64> = analysis.insights.products[0]
        .products
        .iter()
        .map(|p| p.refunds.original.minor)
        .collect();
    assert_eq!(refunds, [3_000, 1_000]);
}

#[test]
fn the_longer_history_feeds_the_series_and_seasonality_but_not_the_score_window() {
    let window = IncomeWindow::ninety_days(NOW).with_history(400);
    let mut records: Vec<Record> = (0..400)
        .map(|d| order("shop", d as usize, 10_000, DAY * d + 3_600))
        .collect();
    // November 2024 (NOW is 2025-06-15): three times the usual sales.
    records.extend((0..30).flat_map(|d| {
        (0..2).map(move |k| {
            order(
                "shop",
                10_000 + d * 2 + k,
                10_000,
                DAY * (200 + d as i64) + 7_200,
            )
        })
    }));
    let analysis = analyse(window, &[shop("shop")], &shipped(), records);
    let monthly = &analysis.insights.monthly;
    assert_eq!(monthly.last().unwrap().source, "total");
    assert_eq!(monthly[0].original.len(), 14);
    assert_eq!(analysis.insights.weekly[0].original.len(), 57);
    let s = &analysis.insights.seasonality;
    assert_eq!(s.strongest_month, Some(11));
    assert!(s.note.contains("November"), "{}", s.note);
    let yoy = s.year_over_year.as_ref().unwrap();
    assert_eq!(yoy.latest.minor, 30 * 10_000);
    assert_eq!(yoy.year_earlier.minor, 30 * 10_000);
    assert_eq!(yoy.change, Some(0.0));
    assert_eq!(analysis.income.usd.delivered_gmv.minor, 90 * 10_000);
    assert_eq!(
        analysis.income.earliest_earning,
        Some(NOW - DAY * 399 - 3_600)
    );
}

#[test]
fn a_short_history_says_seasonality_needs_thirteen_months() {
    let s = &seller().insights.seasonality;
    assert!(s.year_over_year.is_none());
    assert!(s.note.contains("13 months"));
}

#[test]
fn today_counts_paid_orders_of_the_last_24_hours() {
    let records = vec![
        order("shop", 1, 1_000, 3_600),
        with_status(
            order("shop", 2, 2_000, 7_200),
            crate::records::OrderStatus::AwaitingShipment,
        ),
        with_status(
            order("shop", 3, 4_000, 7_200),
            crate::records::OrderStatus::Unpaid,
        ),
        order("shop", 4, 8_000, DAY + 60),
    ];
    let analysis = analyse(
        IncomeWindow::ninety_days(NOW),
        &[shop("shop")],
        &shipped(),
        records,
    );
    let today = &analysis.insights.today[0];
    assert_eq!(today.orders, 2);
    assert_eq!(today.gmv.original.minor, 3_000);
    assert_eq!(today.gmv.usd.map(|m| m.minor), Some(3_000));
}

#[test]
fn insights_serialise_in_camel_case() {
    let json = serde_json::to_string(&seller().insights).unwrap();
    for key in [
        "\"productsTruncated\"",
        "\"topProductShare\"",
        "\"shareBps\"",
        "\"itemsSold\"",
        "\"returnRate\"",
    ] {
        assert!(json.contains(key), "{key}");
    }
}
