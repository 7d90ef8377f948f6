//! The TikTok Shop client against the sandbox, persona by persona: every figure the seed
//! promises, through the real client, the reference's endpoints and shapes, normalisation and
//! the domain core's income fold.

use std::collections::HashSet;

use proptest::prelude::*;
use server::tiktok::api::{self, OrderSearchPage};
use server::tiktok::{
    normalize, AccessToken, Page, PageGuard, Paginated, Scope, ShopCipher, TikTokClient, UserType,
};
use shopscore::income::{compute_income, IncomeReport, IncomeWindow};
use shopscore::money::{Currency, Money};
use shopscore::records::{Record, SourceInfo, SourceKind};

use super::sandbox::{now, spawn_sandbox, TestSandbox};

const WINDOW_DAYS: i64 = 90;

struct Connected {
    client: TikTokClient,
    token: AccessToken,
    open_id: String,
    shops: Vec<api::AuthorizedShop>,
    user_type: UserType,
}

impl Connected {
    fn shop(&self, i: usize) -> ShopCipher {
        ShopCipher::parse(self.shops[i].cipher.clone()).unwrap()
    }
}

async fn connect_as(s: &TestSandbox, persona: &str, creator: bool) -> Connected {
    let grant = s.connect_as(persona, creator).await;
    let client = s.client();
    let shops = if grant.user_type == UserType::Seller {
        client
            .send(
                &grant.access_token,
                Scope::User(&grant.open_id),
                &api::GetAuthorizedShops,
            )
            .await
            .unwrap()
            .shops
            .ok
    } else {
        Vec::new()
    };
    Connected {
        client,
        token: grant.access_token,
        open_id: grant.open_id,
        shops,
        user_type: grant.user_type,
    }
}

async fn connect(s: &TestSandbox, persona: &str) -> Connected {
    connect_as(s, persona, false).await
}

/// Every page of a search, bounded like the engine's.
async fn all_pages<R>(c: &Connected, scope: Scope<'_>, first: R) -> Vec<R::Response>
where
    R: Paginated,
    R::Response: Page,
{
    let mut pages = Vec::new();
    let mut guard = PageGuard::new(None);
    let mut request = first.at_page(None);
    loop {
        let page = c.client.send(&c.token, scope, &request).await.unwrap();
        let next = guard
            .advance(
                1,
                page.total_count(),
                request.page_size(),
                page.next_page_token(),
            )
            .unwrap();
        pages.push(page);
        match next {
            Some(token) => request = request.at_page(Some(token)),
            None => return pages,
        }
    }
}

/// Every record of a shop over the last 90 days, normalised.
async fn shop_records(c: &Connected, i: usize) -> Vec<Record> {
    let cipher = c.shop(i);
    let scope = Scope::Shop(&cipher);
    let id = c.shops[i].id.clone();
    let (from, until) = (now() - WINDOW_DAYS * 86_400, now() + 1);
    let mut records = Vec::new();
    for page in all_pages(c, scope, api::SearchOrders::created_between(from, until)).await {
        records.extend(page.orders.ok.iter().map(|o| normalize::order(&id, o)));
    }
    for page in all_pages(c, scope, api::SearchReturns::created_between(from, until)).await {
        records.extend(
            page.return_orders
                .ok
                .iter()
                .map(|r| normalize::return_order(&id, r)),
        );
    }
    for page in all_pages(c, scope, api::GetStatements::between(from, until)).await {
        records.extend(
            page.statements
                .ok
                .iter()
                .map(|s| normalize::statement(&id, s)),
        );
    }
    for page in all_pages(c, scope, api::GetPayments::between(from, until)).await {
        records.extend(page.payments.ok.iter().map(|p| normalize::payment(&id, p)));
    }
    for page in all_pages(c, scope, api::SearchProducts::default()).await {
        records.extend(page.products.ok.iter().map(|p| normalize::product(&id, p)));
    }
    records
}

async fn creator_records(c: &Connected) -> Vec<Record> {
    let (from, until) = (now() - WINDOW_DAYS * 86_400, now() + 1);
    let mut records = Vec::new();
    let first = api::SearchCreatorAffiliateOrders::created_between(from, until);
    for page in all_pages(c, Scope::User(&c.open_id), first).await {
        for order in &page.orders.ok {
            records.extend(normalize::creator_affiliate_order(&c.open_id, order));
        }
    }
    records
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn income(sources: &[SourceInfo], records: Vec<Record>) -> IncomeReport {
    compute_income(IncomeWindow::ninety_days(now()), sources, records)
}

#[tokio::test]
async fn seller_boutique_has_150_delivered_orders_15000_of_sales_and_a_5_percent_return_rate() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    assert_eq!(c.shops.len(), 1);
    let shop = &c.shops[0];
    assert_eq!(
        (shop.region.as_str(), shop.seller_type.as_str()),
        ("US", "LOCAL")
    );
    let records = shop_records(&c, 0).await;
    assert!(records.iter().all(|r| !matches!(r, Record::Unparseable(_))));
    let report = income(
        &[SourceInfo::new(&shop.id, SourceKind::Shop, Currency::USD)],
        records.clone(),
    );
    assert_eq!(report.counts.paid_orders, 150);
    assert_eq!(report.counts.countable_orders, 150);
    assert_eq!(report.usd.delivered_gmv, usd(1_500_000));
    assert_eq!(report.usd.refunds, usd(75_000));
    assert_eq!(report.usd.net_revenue, usd(1_425_000));
    assert_eq!(report.usd.pending, usd(0));
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
}

#[tokio::test]
async fn statements_settle_into_payments_and_us_shops_have_no_revenue_amount() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = c.shop(0);
    let scope = Scope::Shop(&cipher);
    let statements = c
        .client
        .send(&c.token, scope, &api::GetStatements::between(0, now()))
        .await
        .unwrap()
        .statements
        .ok;
    let payments = c
        .client
        .send(&c.token, scope, &api::GetPayments::between(0, now()))
        .await
        .unwrap()
        .payments
        .ok;
    assert!(!statements.is_empty() && !payments.is_empty());
    for st in &statements {
        // The reference: US and UK statements carry net_sales_amount, not revenue_amount.
        assert!(st.revenue_amount.is_empty(), "{st:?}");
        assert!(!st.net_sales_amount.is_empty());
        let net = Money::parse_amount(&st.net_sales_amount, Currency::USD).unwrap();
        let settled = Money::parse_amount(&st.settlement_amount, Currency::USD).unwrap();
        assert!(settled.minor <= net.minor, "fees come off");
        if !st.payment_id.is_empty() {
            let pay = payments
                .iter()
                .find(|p| p.id == st.payment_id)
                .expect("a statement's payment is listed");
            assert_eq!(pay.amount.currency, "USD");
        }
    }
    let withdrawals = c
        .client
        .send(
            &c.token,
            scope,
            &api::GetWithdrawals {
                create_time_ge: None,
                create_time_lt: None,
                page_size: 100,
                page_token: None,
            },
        )
        .await
        .unwrap();
    assert!(withdrawals.total_count >= 0);
}

#[tokio::test]
async fn tiktoks_own_analytics_agree_with_the_boutique_and_not_with_the_gap_persona() {
    let s = spawn_sandbox().await;
    for (persona, agree) in [("seller-boutique", true), ("analytics-gap", false)] {
        let c = connect(&s, persona).await;
        let cipher = c.shop(0);
        let today = now().div_euclid(86_400);
        let date = |day: i64| {
            let d = time::OffsetDateTime::from_unix_timestamp(day * 86_400)
                .unwrap()
                .date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        };
        let request = api::GetShopPerformance {
            start_date_ge: date(today - 30),
            end_date_lt: date(today),
            currency: "LOCAL".into(),
        };
        let data = c
            .client
            .send(&c.token, Scope::Shop(&cipher), &request)
            .await
            .unwrap();
        let analytics = normalize::shop_analytics(&data).unwrap();
        let mut source = SourceInfo::new(&c.shops[0].id, SourceKind::Shop, Currency::USD);
        source.analytics = Some(analytics);
        let report = income(&[source], shop_records(&c, 0).await);
        let check = &report.sources[0].analytics;
        assert_eq!(!check.flagged, agree, "{persona}: {check:?}");
        let service = c
            .client
            .send(
                &c.token,
                Scope::Shop(&cipher),
                &api::GetCustomerServicePerformance {
                    support_date_ge: date(today - 30),
                    support_date_lt: date(today),
                },
            )
            .await
            .unwrap();
        let service = normalize::customer_service(&service);
        assert!(service.response_percent.is_some());
    }
}

#[tokio::test]
async fn creator_fashion_settles_4500_on_30000_of_sales_and_reports_unsettled_apart() {
    let s = spawn_sandbox().await;
    let c = connect_as(&s, "creator-fashion", true).await;
    assert_eq!(c.user_type, UserType::Creator);
    let profile = c
        .client
        .send(&c.token, Scope::User(&c.open_id), &api::GetCreatorProfile)
        .await
        .unwrap();
    assert_eq!(profile.selection_region, "US");
    let report = income(
        &[SourceInfo::new(
            &c.open_id,
            SourceKind::Creator,
            Currency::USD,
        )],
        creator_records(&c).await,
    );
    assert_eq!(report.counts.affiliate_settled_orders, 200);
    assert_eq!(report.usd.commission_verified, usd(450_000));
    assert!(
        report.usd.commission_estimated.minor > 0,
        "unsettled orders are reported separately"
    );
    assert_eq!(report.usd.total_income, usd(450_000));
}

#[tokio::test]
async fn an_indonesian_creators_rupiah_parts_add_up_to_the_books_verified_commission() {
    let s = spawn_sandbox().await;
    let c = connect_as(&s, "creator-id", true).await;
    let records = creator_records(&c).await;
    assert!(
        records
            .iter()
            .all(|r| !matches!(r, Record::Unparseable(u) if !u.is_ambiguous())),
        "every Rp amount reads"
    );
    let report = income(
        &[SourceInfo::new(
            &c.open_id,
            SourceKind::Creator,
            Currency::IDR,
        )],
        records,
    );
    let persona = server::sandbox::personas::persona("creator-id").unwrap();
    let sandbox = server::sandbox::Sandbox::new(super::sandbox::config());
    let book = sandbox.affiliate_book(persona, now()).unwrap();
    let verified = &report.sources[0].original;
    assert_eq!(verified.commission_verified.currency, Currency::IDR);
    assert_eq!(
        verified.commission_verified.minor,
        book.verified_commission(),
        "settled parts minus deductions, in whole rupiah"
    );
    assert!(
        verified.commission_deducted.minor > 0,
        "DEDUCTED orders take theirs back"
    );
    assert!(
        verified.commission_verified.minor >= 1000,
        "never read as 9.9"
    );
}

#[tokio::test]
async fn hybrid_nets_10000_as_a_seller_and_3000_as_a_creator() {
    let s = spawn_sandbox().await;
    let seller = connect(&s, "hybrid").await;
    let creator = connect_as(&s, "hybrid", true).await;
    let shop = &seller.shops[0];
    let mut records = shop_records(&seller, 0).await;
    records.extend(creator_records(&creator).await);
    let sources = [
        SourceInfo::new(&shop.id, SourceKind::Shop, Currency::USD),
        SourceInfo::new(&creator.open_id, SourceKind::Creator, Currency::USD),
    ];
    let report = income(&sources, records);
    assert_eq!(report.usd.net_revenue, usd(1_000_000));
    assert_eq!(report.usd.commission_verified, usd(300_000));
    assert_eq!(report.usd.total_income, usd(1_300_000));
    let cipher = seller.shop(0);
    let seller_side = seller
        .client
        .send(
            &seller.token,
            Scope::Shop(&cipher),
            &api::SearchSellerAffiliateOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    assert!(
        seller_side.total_count > 0,
        "the shop's creator sales are listed"
    );
}

#[tokio::test]
async fn empty_shop_is_active_with_no_orders() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "empty-shop").await;
    assert_eq!(c.shops.len(), 1);
    let cipher = c.shop(0);
    let page = c
        .client
        .send(
            &c.token,
            Scope::Shop(&cipher),
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
    let cipher = c.shop(0);
    let page = c
        .client
        .send(
            &c.token,
            Scope::Shop(&cipher),
            &api::SearchOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    assert_eq!(page.orders.ok[0].payment.as_ref().unwrap().currency, "AUD");
}

#[tokio::test]
async fn no_shop_authorizes_no_shop_and_a_partner_is_user_type_3() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "no-shop").await;
    assert!(c.shops.is_empty());
    let partner = s.connect_as("partner-agency", false).await;
    assert_eq!(partner.user_type, UserType::Partner);
}

#[tokio::test]
async fn multi_shop_has_a_usd_shop_and_an_idr_shop_in_whole_rupiah() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "multi-shop").await;
    let regions: Vec<&str> = c.shops.iter().map(|s| s.region.as_str()).collect();
    assert_eq!(regions, vec!["US", "ID"]);
    let idr = c.shops[1].clone();
    let records = shop_records(&c, 1).await;
    let report = income(
        &[SourceInfo::new(&idr.id, SourceKind::Shop, Currency::IDR)],
        records.clone(),
    );
    assert_eq!(report.counts.paid_orders, 60);
    for record in &records {
        if let Record::Order(o) = record {
            assert_eq!(o.total.currency, Currency::IDR);
        }
    }
}

#[tokio::test]
async fn order_detail_returns_the_orders_the_search_listed() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = c.shop(0);
    let page = c
        .client
        .send(
            &c.token,
            Scope::Shop(&cipher),
            &api::SearchOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    let ids: Vec<String> = page
        .orders
        .ok
        .iter()
        .take(5)
        .map(|o| o.id.clone())
        .collect();
    let detail = c
        .client
        .send(
            &c.token,
            Scope::Shop(&cipher),
            &api::GetOrderDetail { ids: ids.clone() },
        )
        .await
        .unwrap();
    assert_eq!(detail.orders.ok, page.orders.ok[..5].to_vec());
}

#[tokio::test]
async fn large_shop_pages_through_50000_orders_100_a_page_without_serving_one_twice() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "large-shop").await;
    let cipher = c.shop(0);
    let first = api::SearchOrders::created_between(now() - WINDOW_DAYS * 86_400, now() + 1);
    assert_eq!(first.page_size, 100, "the documented maximum");
    let pages = all_pages(&c, Scope::Shop(&cipher), first).await;
    let mut seen = HashSet::new();
    let mut last_time = 0;
    for page in &pages {
        assert_eq!(page.total_count, 50_000);
        assert!(page.orders.len() <= 100);
        for order in &page.orders.ok {
            let t = order.create_time.unwrap();
            assert!(t >= last_time, "ascending create_time");
            last_time = t;
            assert!(seen.insert(order.id.clone()), "an order served twice");
        }
    }
    assert_eq!((seen.len(), pages.len()), (50_000, 500));
}

#[tokio::test]
async fn the_order_search_pages_newest_first_as_the_reverse_of_oldest_first_in_either_sort() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = c.shop(0);
    let listed = |pages: Vec<OrderSearchPage>| -> Vec<(String, i64, i64)> {
        pages
            .iter()
            .flat_map(|p| p.orders.ok.iter())
            .map(|o| (o.id.clone(), o.create_time.unwrap(), o.update_time.unwrap()))
            .collect()
    };
    for by_update in [false, true] {
        let mut request = if by_update {
            api::SearchOrders::updated_between(0, now() + 1)
        } else {
            api::SearchOrders::created_between(0, now() + 1)
        };
        request.page_size = 7;
        let oldest_first = listed(all_pages(&c, Scope::Shop(&cipher), request.clone()).await);
        request.sort_order = api::SortOrder::Desc;
        let newest_first = listed(all_pages(&c, Scope::Shop(&cipher), request).await);
        assert!(oldest_first.len() > 14, "several pages");
        let key = |o: &(String, i64, i64)| if by_update { o.2 } else { o.1 };
        assert!(oldest_first.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
        let ids: HashSet<&String> = oldest_first.iter().map(|o| &o.0).collect();
        assert_eq!(ids.len(), oldest_first.len(), "an order listed twice");
        let mut reversed = newest_first.clone();
        reversed.reverse();
        assert_eq!(reversed, oldest_first, "sorted by update time: {by_update}");
    }
}

#[tokio::test]
async fn a_page_size_outside_the_documented_range_is_never_sent() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = c.shop(0);
    let before = s.calls();
    let mut request = api::SearchReturns::created_between(0, now());
    request.page_size = 100;
    let err = c
        .client
        .send(&c.token, Scope::Shop(&cipher), &request)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), server::tiktok::ErrorKind::InvalidInput);
    assert_eq!(s.calls(), before, "refused before it left");
}

#[tokio::test]
async fn a_tampered_page_token_is_rejected() {
    let s = spawn_sandbox().await;
    let c = connect(&s, "seller-boutique").await;
    let cipher = c.shop(0);
    let mut request = api::SearchOrders::created_between(0, now());
    request.page_token = Some("MTAwOmZvcmdlZA".into());
    let err = c
        .client
        .send(&c.token, Scope::Shop(&cipher), &request)
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
        prop_assert_eq!(&page.orders.ok[0].status, &status);
    }
}
