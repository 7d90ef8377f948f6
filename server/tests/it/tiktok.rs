//! The TikTok Shop client against the sandbox, persona by persona: every figure the seed
//! promises, through the real client, normalisation and the domain core's income fold.

use std::collections::HashSet;

use proptest::prelude::*;
use server::tiktok::api::{self, OrderSearchPage};
use server::tiktok::{normalize, AccessToken, ShopCipher, TikTokClient, UserType};
use shopscore::income::{compute_income, IncomeWindow};
use shopscore::money::{Currency, Money};
use shopscore::records::{Record, SourceInfo, SourceKind};

use super::sandbox::{now, spawn_sandbox, TestSandbox};

const WINDOW_DAYS: i64 = 90;

struct Connected {
    client: TikTokClient,
    token: AccessToken,
    shops: Vec<api::AuthorizedShop>,
    user_type: UserType,
}

async fn connect(s: &TestSandbox, persona: &str) -> Connected {
    let grant = s.connect(persona).await;
    let client = s.client();
    let shops = if grant.user_type == UserType::Seller {
        client
            .send(&grant.access_token, None, &api::GetAuthorizedShops)
            .await
            .unwrap()
            .shops
    } else {
        Vec::new()
    };
    Connected {
        client,
        token: grant.access_token,
        shops,
        user_type: grant.user_type,
    }
}

/// Fetches every record of a shop over the last 90 days, normalised.
async fn shop_records(c: &Connected, shop: &api::AuthorizedShop) -> Vec<Record> {
    let cipher = ShopCipher::parse(shop.cipher.clone()).unwrap();
    let (from, until) = (now() - WINDOW_DAYS * 86_400, now() + 1);
    let mut records = Vec::new();
    let mut pages = c.client.pages(
        &c.token,
        Some(&cipher),
        api::SearchOrders::created_between(from, until),
    );
    while let Some(page) = pages.next_page().await {
        records.extend(
            page.unwrap()
                .orders
                .iter()
                .map(|o| normalize::order(&shop.id, o)),
        );
    }
    let mut pages = c.client.pages(
        &c.token,
        Some(&cipher),
        api::SearchReturns::created_between(from, until),
    );
    while let Some(page) = pages.next_page().await {
        records.extend(
            page.unwrap()
                .return_orders
                .iter()
                .map(|r| normalize::return_order(&shop.id, r)),
        );
    }
    let statements = api::GetStatements {
        statement_time_ge: Some(from),
        statement_time_lt: Some(until),
        ..Default::default()
    };
    let mut pages = c.client.pages(&c.token, Some(&cipher), statements);
    while let Some(page) = pages.next_page().await {
        records.extend(
            page.unwrap()
                .statements
                .iter()
                .map(|s| normalize::statement(&shop.id, s)),
        );
    }
    let mut pages = c
        .client
        .pages(&c.token, Some(&cipher), api::SearchProducts::default());
    while let Some(page) = pages.next_page().await {
        records.extend(
            page.unwrap()
                .products
                .iter()
                .map(|p| normalize::product(&shop.id, p)),
        );
    }
    records
}

async fn creator_records(c: &Connected, source: &str) -> Vec<Record> {
    let (from, until) = (now() - WINDOW_DAYS * 86_400, now() + 1);
    let mut records = Vec::new();
    let mut pages = c.client.pages(
        &c.token,
        None,
        api::SearchCreatorAffiliateOrders::created_between(from, until),
    );
    while let Some(page) = pages.next_page().await {
        for order in &page.unwrap().orders {
            records.extend(normalize::affiliate_order(source, order));
        }
    }
    records
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

#[tokio::test]
async fn seller_boutique_has_150_paid_orders_15000_gmv_and_a_5_percent_return_rate() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    assert_eq!(c.shops.len(), 1);
    let shop = &c.shops[0];
    assert_eq!(
        (shop.region.as_str(), shop.seller_type.as_str()),
        ("US", "LOCAL")
    );
    let records = shop_records(&c, shop).await;
    assert!(records.iter().all(|r| !matches!(r, Record::Unparseable(_))));
    let report = compute_income(
        IncomeWindow::ninety_days(now()),
        &[SourceInfo::new(&shop.id, SourceKind::Shop, Currency::USD)],
        records.clone(),
    );
    assert_eq!(report.counts.paid_orders, 150);
    assert_eq!(report.usd.gmv, usd(1_500_000));
    assert_eq!(report.usd.refunds, usd(75_000));
    assert_eq!(report.usd.net_revenue, usd(1_425_000));
    assert_eq!(report.return_rate, Some(0.05));
    assert!(
        report.counts.unpaid_orders > 0
            && report.counts.cancelled_orders > 0
            && report.counts.sample_orders > 0
    );
    assert!(
        report.counts.statements > 0,
        "delivered orders settle into statements"
    );
    let statuses: HashSet<String> = records
        .iter()
        .filter_map(|r| match r {
            Record::Order(o) => Some(format!("{:?}", o.status)),
            _ => None,
        })
        .collect();
    assert_eq!(statuses.len(), 9, "every order status: {statuses:?}");
}

#[tokio::test]
async fn statements_and_payments_settle_delivered_orders_minus_fees() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = ShopCipher::parse(c.shops[0].cipher.clone()).unwrap();
    let statements = c
        .client
        .send(&c.token, Some(&cipher), &api::GetStatements::default())
        .await
        .unwrap()
        .statements;
    let payments = c
        .client
        .send(&c.token, Some(&cipher), &api::GetPayments::default())
        .await
        .unwrap()
        .payments;
    assert_eq!(statements.len(), payments.len());
    for (st, pay) in statements.iter().zip(&payments) {
        assert_eq!(st.payment_id, pay.id);
        assert_eq!(st.settlement_amount, pay.amount.value);
        let revenue = Money::parse(&st.revenue_amount, Currency::USD).unwrap();
        let settled = Money::parse(&st.settlement_amount, Currency::USD).unwrap();
        assert!(
            settled.minor < revenue.minor || revenue.minor == 0,
            "fees come off"
        );
    }
    assert!(payments.iter().any(|p| p.status == "PAID"));
    let withdrawals = c
        .client
        .send(&c.token, Some(&cipher), &api::GetWithdrawals::default())
        .await
        .unwrap();
    assert!(withdrawals.total_count > 0);
    let metrics = c
        .client
        .send(&c.token, Some(&cipher), &api::GetShopPerformance)
        .await
        .unwrap();
    let metrics = normalize::shop_metrics(&metrics);
    assert_eq!(metrics.rating, Some(4.8));
    assert_eq!(metrics.violations, Some(0));
}

#[tokio::test]
async fn creator_fashion_settles_4500_on_30000_of_sales_and_reports_unsettled_apart() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "creator-fashion").await;
    assert_eq!(c.user_type, UserType::Creator);
    let profile = c
        .client
        .send(&c.token, None, &api::GetCreatorProfile)
        .await
        .unwrap();
    assert_eq!(profile.selection_region, "US");
    let records = creator_records(&c, "creator").await;
    let report = compute_income(
        IncomeWindow::ninety_days(now()),
        &[SourceInfo::new(
            "creator",
            SourceKind::Creator,
            Currency::USD,
        )],
        records,
    );
    assert_eq!(report.counts.affiliate_settled, 200);
    assert_eq!(report.usd.affiliate_settled, usd(450_000));
    assert!(
        report.usd.affiliate_estimated.minor > 0,
        "unsettled orders are reported separately"
    );
    assert_eq!(report.usd.total_income, usd(450_000));
}

#[tokio::test]
async fn hybrid_nets_10000_as_a_seller_and_3000_as_a_creator() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "hybrid").await;
    let shop = &c.shops[0];
    let mut records = shop_records(&c, shop).await;
    records.extend(creator_records(&c, "creator").await);
    let sources = [
        SourceInfo::new(&shop.id, SourceKind::Shop, Currency::USD),
        SourceInfo::new("creator", SourceKind::Creator, Currency::USD),
    ];
    let report = compute_income(IncomeWindow::ninety_days(now()), &sources, records);
    assert_eq!(report.usd.net_revenue, usd(1_000_000));
    assert_eq!(report.usd.affiliate_settled, usd(300_000));
    assert_eq!(report.usd.total_income, usd(1_300_000));
    let cipher = ShopCipher::parse(shop.cipher.clone()).unwrap();
    let seller_side = c
        .client
        .send(
            &c.token,
            Some(&cipher),
            &api::SearchSellerAffiliateOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    assert!(seller_side.total_count > 0);
    assert!(seller_side.orders[0].skus[0].settlement_status.is_some());
}

#[tokio::test]
async fn empty_shop_is_active_with_no_orders() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "empty-shop").await;
    assert_eq!(c.shops.len(), 1);
    let cipher = ShopCipher::parse(c.shops[0].cipher.clone()).unwrap();
    let page = c
        .client
        .send(
            &c.token,
            Some(&cipher),
            &api::SearchOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            page.total_count,
            page.orders.len(),
            page.next_page_token.as_str()
        ),
        (0, 0, "")
    );
}

#[tokio::test]
async fn restricted_region_is_a_shop_in_australia_priced_in_aud() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "restricted-region").await;
    assert_eq!(c.shops[0].region, "AU");
    let cipher = ShopCipher::parse(c.shops[0].cipher.clone()).unwrap();
    let page = c
        .client
        .send(
            &c.token,
            Some(&cipher),
            &api::SearchOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    assert_eq!(page.orders[0].payment.as_ref().unwrap().currency, "AUD");
}

#[tokio::test]
async fn no_shop_authorizes_no_shop() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "no-shop").await;
    assert!(c.shops.is_empty());
}

#[tokio::test]
async fn multi_shop_has_a_usd_shop_and_an_idr_shop_in_whole_rupiah() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "multi-shop").await;
    let regions: Vec<&str> = c.shops.iter().map(|s| s.region.as_str()).collect();
    assert_eq!(regions, vec!["US", "ID"]);
    let idr = &c.shops[1];
    let records = shop_records(&c, idr).await;
    let report = compute_income(
        IncomeWindow::ninety_days(now()),
        &[SourceInfo::new(&idr.id, SourceKind::Shop, Currency::IDR)],
        records.clone(),
    );
    assert_eq!(report.counts.paid_orders, 60);
    for record in &records {
        if let Record::Order(o) = record {
            assert_eq!(o.total.currency, Currency::IDR);
        }
    }
    let cipher = ShopCipher::parse(idr.cipher.clone()).unwrap();
    let page = c
        .client
        .send(
            &c.token,
            Some(&cipher),
            &api::SearchOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    assert!(!page.orders[0]
        .payment
        .as_ref()
        .unwrap()
        .total_amount
        .contains('.'));
}

#[tokio::test]
async fn order_detail_returns_the_orders_the_search_listed() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = ShopCipher::parse(c.shops[0].cipher.clone()).unwrap();
    let page = c
        .client
        .send(
            &c.token,
            Some(&cipher),
            &api::SearchOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    let ids: Vec<String> = page.orders.iter().take(5).map(|o| o.id.clone()).collect();
    let detail = c
        .client
        .send(
            &c.token,
            Some(&cipher),
            &api::GetOrderDetail { ids: ids.clone() },
        )
        .await
        .unwrap();
    assert_eq!(detail.orders, page.orders[..5].to_vec());
}

#[tokio::test]
async fn large_shop_pages_through_50000_orders_without_serving_one_twice() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "large-shop").await;
    let cipher = ShopCipher::parse(c.shops[0].cipher.clone()).unwrap();
    let started = std::time::Instant::now();
    let mut pages = c.client.pages(
        &c.token,
        Some(&cipher),
        api::SearchOrders::created_between(now() - WINDOW_DAYS * 86_400, now() + 1),
    );
    let mut seen = HashSet::new();
    let mut count = 0;
    let mut requests = 0;
    let mut last_time = 0;
    while let Some(page) = pages.next_page().await {
        let page: OrderSearchPage = page.unwrap();
        requests += 1;
        assert_eq!(page.total_count, 50_000);
        assert!(page.orders.len() <= 50);
        for order in page.orders {
            let t = order.create_time.unwrap();
            assert!(t >= last_time, "ascending create_time");
            last_time = t;
            assert!(seen.insert(order.id), "an order served twice");
            count += 1;
        }
    }
    assert_eq!((count, requests), (50_000, 1_000));
    eprintln!(
        "large-shop: {count} orders in {requests} pages in {:.1} s at the default 50 requests/s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn a_tampered_page_token_is_rejected() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = ShopCipher::parse(c.shops[0].cipher.clone()).unwrap();
    let mut request = api::SearchOrders::created_between(0, now());
    request.page_token = Some("MTAwOmZvcmdlZA".into());
    let err = c
        .client
        .send(&c.token, Some(&cipher), &request)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(36009004));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1024), status in 100u16..600) {
        let _ = server::tiktok::decode_envelope::<OrderSearchPage>("/fuzz", status, None, &bytes);
        let _ = server::tiktok::decode_token_response(status, &bytes);
    }

    #[test]
    fn a_truncated_page_is_a_decode_error_not_a_panic(cut in 0usize..600) {
        let body = br#"{"code":0,"message":"Success","request_id":"r","data":{"orders":[{"id":"1","status":"COMPLETED","create_time":1,"payment":{"currency":"USD","total_amount":"1.00"}}],"next_page_token":"","total_count":1}}"#;
        let cut = cut.min(body.len() - 1);
        let result = server::tiktok::decode_envelope::<OrderSearchPage>("/fuzz", 200, None, &body[..cut]);
        prop_assert!(result.is_err());
    }

    #[test]
    fn unknown_fields_and_statuses_parse_tolerantly(status in "[A-Z_]{1,20}", extra in "[a-z_]{1,12}") {
        let body = format!(r#"{{"code":0,"data":{{"orders":[{{"id":"1","status":"{status}","{extra}x":{{"a":[1,2]}}}}],"next_page_token":"","total_count":1}}}}"#);
        let page = server::tiktok::decode_envelope::<OrderSearchPage>("/fuzz", 200, None, body.as_bytes()).unwrap();
        prop_assert_eq!(&page.orders[0].status, &status);
    }
}
