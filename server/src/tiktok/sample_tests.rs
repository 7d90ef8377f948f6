//! Every sample in `samples/` (written from TikTok's reference pages) parses into its typed
//! request or response, with the fields the product reads where the reference put them.

use std::path::PathBuf;

use serde::de::DeserializeOwned;

use super::api::*;
use super::webhook::{EventData, WebhookEvent};
use super::{decode_envelope, decode_token_response, ErrorKind, UserType};

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/tiktok/samples")
}

fn data<T: DeserializeOwned>(name: &str, body: &[u8]) -> T {
    decode_envelope::<T>("/sample", 200, None, body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Parses one sample by name; false when no type is known for it.
fn parse(name: &str, body: &[u8]) -> bool {
    match name {
        "AuthGetTokenResponse.json" | "AuthRefreshTokenResponse.json" => {
            let grant = decode_token_response(200, body).unwrap();
            assert_eq!(grant.access_token_expire_in, 1660556783);
            assert_eq!(grant.refresh_token_expire_in, 1691487031);
            assert_eq!(grant.seller_base_region, "ID");
            assert_eq!(grant.user_type, UserType::Seller);
            assert_eq!(grant.granted_scopes.len(), 2);
        }
        "AuthorizationGetShopsResponse.json" => {
            let shops: AuthorizedShops = data(name, body);
            let shop = &shops.shops.ok[0];
            assert_eq!(shop.cipher, "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3");
            assert_eq!(
                (shop.region.as_str(), shop.seller_type.as_str()),
                ("GB", "CROSS_BORDER")
            );
        }
        "OrderSearchOrdersRequest.json" => {
            let f: OrderSearchFilter = serde_json::from_slice(body).unwrap();
            assert_eq!(f.order_status.as_deref(), Some("UNPAID"));
        }
        "OrderSearchOrdersResponse.json" => {
            let p: OrderSearchPage = data(name, body);
            assert_eq!(p.total_count, 22113);
            let o = &p.orders.ok[0];
            assert_eq!(
                (o.id.as_str(), o.status.as_str()),
                ("576461413038785752", "UNPAID")
            );
            assert_eq!(o.payment.as_ref().unwrap().total_amount, "5000");
            assert_eq!(o.rts_sla_time, Some(1619611688));
            assert!(p.orders.bad.is_empty());
        }
        "OrderGetOrderDetailResponse.json" => {
            let d: OrderDetail = data(name, body);
            let o = &d.orders.ok[0];
            assert!(!o.line_items.is_empty());
            assert!(o.payment.is_some());
        }
        "ReturnRefundSearchReturnsRequest.json" => {
            let f: ReturnSearchFilter = serde_json::from_slice(body).unwrap();
            assert_eq!(f.order_ids, Some(vec!["577686530908261117".to_string()]));
        }
        "ReturnRefundSearchReturnsResponse.json" => {
            let r: ReturnSearchPage = data(name, body);
            let ret = &r.return_orders.ok[0];
            assert_eq!(ret.refund_amount.as_ref().unwrap().refund_total, "1.23");
            assert_eq!(ret.return_status, "RETURN_OR_REFUND_REQUEST_PENDING");
            assert!(ret.is_combined_return, "\"true \" is read as true");
            assert_eq!(ret.return_line_items[0].sku_id, "2729382476852921560");
        }
        "ReturnRefundSearchCancellationsRequest.json" => {
            let f: CancellationSearchFilter = serde_json::from_slice(body).unwrap();
            assert_eq!(
                f.cancel_status,
                Some(vec!["CANCELLATION_REQUEST_PENDING".to_string()])
            );
        }
        "ReturnRefundSearchCancellationsResponse.json" => {
            let c: CancellationSearchPage = data(name, body);
            let cancel = &c.cancellations.ok[0];
            assert_eq!(cancel.refund_amount.as_ref().unwrap().refund_total, "1.23");
            assert_eq!(cancel.cancel_type, "REQUEST_CANCEL_REFUND");
        }
        "ProductSearchProducts202502Request.json" => {
            let f: ProductSearchFilter = serde_json::from_slice(body).unwrap();
            assert_eq!(f.create_time_le, Some(1694319208));
            assert_eq!(f.category_version.as_deref(), Some("v1"));
        }
        "ProductSearchProducts202502Response.json" => {
            let p: ProductSearchPage = data(name, body);
            assert_eq!(p.total_count, 200);
            assert_eq!(p.products.ok[0].status, "ACTIVATE");
            assert_eq!(p.products.ok[0].create_time, Some(1234567890));
        }
        "FinanceGetStatementsResponse.json" => {
            let s: StatementsPage = data(name, body);
            let st = &s.statements.ok[0];
            assert_eq!(
                (st.settlement_amount.as_str(), st.fee_amount.as_str()),
                ("100", "-30")
            );
            assert_eq!(st.payment_id, "3459275187040258849");
        }
        "FinanceGetPaymentsResponse.json" => {
            let p: PaymentsPage = data(name, body);
            assert_eq!(p.payments.ok[0].amount.value, "100");
            assert!(p.next_page_token().is_some());
        }
        "FinanceGetWithdrawalsResponse.json" => {
            let w: WithdrawalsPage = data(name, body);
            assert_eq!(w.withdrawals.ok[0].kind, "WITHDRAW");
        }
        "FinanceGetStatementTransactions202501Response.json" => {
            let t: StatementTransactionsPage = data(name, body);
            assert_eq!(t.id, "7238804564097517339");
            assert_eq!(t.transactions.ok[0].kind, "ORDER");
        }
        "FinanceGetOrderStatementTransactions202501Response.json" => {
            let t: OrderStatementTransactions = data(name, body);
            assert_eq!(t.fee_and_tax_amount, "-30");
            assert_eq!(t.sku_transactions[0].statement_id, "7238804564097517339");
        }
        "FinanceGetUnsettledTransactionsResponse.json" => {
            let u: UnsettledPage = data(name, body);
            let t = &u.transactions.ok[0];
            assert_eq!(
                (t.status.as_str(), t.est_settlement_amount.as_str()),
                ("UNSETTLED", "130")
            );
            assert_eq!(t.estimated_settlement, "1685548800");
        }
        "AffiliateCreatorSearchOrdersRequest.json" | "AffiliateSellerSearchOrdersRequest.json" => {
            let f: AffiliateOrderFilter = serde_json::from_slice(body).unwrap();
            assert!(f.create_time_ge.is_some() && f.create_time_lt.is_some());
        }
        "AffiliateCreatorSearchOrdersResponse.json" => {
            let p: CreatorAffiliateOrderPage = data(name, body);
            let order = &p.orders.ok[0];
            assert_eq!(order.status, "SETTLED");
            let sku = &order.skus[0];
            assert_eq!(sku.actual_commission.as_ref().unwrap().amount, "Rp1.900");
            assert_eq!(sku.commission_rate, Some(1000));
            assert_eq!(
                sku.actual_creator_commission_reward_fee
                    .as_ref()
                    .unwrap()
                    .currency,
                "IRD",
                "kept as sent; the normaliser refuses the typo"
            );
        }
        "AffiliateCreatorGetProfileResponse.json" => {
            let p: CreatorProfile = data(name, body);
            assert_eq!(
                (p.selection_region.as_str(), p.register_region.as_str()),
                ("US", "US")
            );
        }
        "AffiliateSellerSearchOrdersResponse.json" => {
            let p: SellerAffiliateOrderPage = data(name, body);
            let sku = &p.orders.ok[0].skus[0];
            assert_eq!(sku.actual_paid_commission.as_ref().unwrap().amount, "10000");
            assert_eq!(sku.commission_rate, "1000");
        }
        "AnalyticsGetShopPerformanceResponse.json" => {
            let a: ShopPerformanceData = data(name, body);
            let i = &a.performance.intervals[0];
            assert_eq!(i.gmv.as_ref().unwrap().amount, "0.00");
            assert_eq!(a.latest_available_date, "2024-04-07");
        }
        "CustomerServiceGetPerformanceResponse.json" => {
            let c: CustomerServiceData = data(name, body);
            assert_eq!(c.performance.support_session_count, Some(15));
            assert_eq!(c.performance.satisfaction_percentage, "95.2");
        }
        "ErrorInvalidApiVersion.json" => {
            let err = decode_envelope::<serde_json::Value>("/sample", 200, None, body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::VersionRetired);
        }
        _ => return false,
    }
    true
}

#[test]
fn every_sample_parses_into_its_typed_request_or_response() {
    let mut parsed = 0;
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(&path).unwrap();
        assert!(parse(&name, &body), "no typed response for sample {name}");
        parsed += 1;
    }
    assert_eq!(parsed, 26);
}

#[test]
fn every_sample_event_parses_into_its_typed_event() {
    let mut kinds = Vec::new();
    for entry in std::fs::read_dir(samples_dir().join("events")).unwrap() {
        let path = entry.unwrap().path();
        let event: WebhookEvent = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let data = event.data().unwrap();
        match event.kind {
            20 => {
                assert!(event.shop_id.is_empty());
                assert_eq!(
                    event.creator_open_id,
                    "VIyStQAAAADCBQ40s4TzOSSOEIW-bM5O9cod3vK8OytW8m-bnBYlXw"
                );
                assert_eq!(
                    data,
                    EventData::CreatorDeauthorization {
                        cancel_time: Some(1644412885)
                    }
                );
            }
            35 => assert_eq!(data, EventData::Other(35)),
            _ => {
                assert_eq!(event.shop_id, "7494049642642441621");
                assert!(!matches!(data, EventData::Other(_)), "{path:?}");
            }
        }
        kinds.push(event.kind);
    }
    kinds.sort();
    assert_eq!(kinds, vec![1, 6, 7, 11, 12, 20, 35]);
}

/// `(method, path, scope)` of every endpoint in TikTok's list (`endpoints.tsv`, copied from the
/// reference's index).
fn reference_endpoints() -> Vec<(String, String, String)> {
    include_str!("endpoints.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_string(),
                f[1].to_string(),
                f.get(3).unwrap_or(&"").to_string(),
            )
        })
        .collect()
}

fn listed<R: ApiRequest>(endpoints: &[(String, String, String)]) {
    let method = match R::METHOD {
        super::Method::Get => "GET",
        super::Method::Post => "POST",
    };
    assert!(
        endpoints.iter().any(|(m, p, s)| m == method
            && p == R::PATH
            && s.split(',').any(|s| s.trim() == R::SCOPE)),
        "{method} {} with scope {} is not in TikTok's endpoint list",
        R::PATH,
        R::SCOPE
    );
}

#[test]
fn every_endpoint_the_client_calls_is_in_tiktoks_list_with_its_scope() {
    let e = reference_endpoints();
    assert!(e.len() > 200);
    listed::<GetAuthorizedShops>(&e);
    listed::<SearchOrders>(&e);
    listed::<GetOrderDetail>(&e);
    listed::<SearchReturns>(&e);
    listed::<SearchCancellations>(&e);
    listed::<SearchProducts>(&e);
    listed::<GetStatements>(&e);
    listed::<GetPayments>(&e);
    listed::<GetWithdrawals>(&e);
    listed::<GetStatementTransactions>(&e);
    listed::<GetOrderStatementTransactions>(&e);
    listed::<GetUnsettledTransactions>(&e);
    listed::<SearchCreatorAffiliateOrders>(&e);
    listed::<SearchSellerAffiliateOrders>(&e);
    listed::<GetCreatorProfile>(&e);
    listed::<GetShopPerformance>(&e);
    listed::<GetCustomerServicePerformance>(&e);
}

#[test]
fn every_path_the_sandbox_serves_is_in_tiktoks_list() {
    let e = reference_endpoints();
    for endpoint in crate::sandbox::openapi::ENDPOINTS {
        assert!(
            e.iter()
                .any(|(_, p, s)| p == endpoint.path
                    && s.split(',').any(|s| s.trim() == endpoint.scope)),
            "the sandbox serves {} ({}), which TikTok does not document",
            endpoint.path,
            endpoint.scope
        );
    }
}

/// Every versioned Open API path written anywhere in the client or the sandbox (tests and
/// comments included) is one TikTok documents: a path TikTok does not have fails in production.
#[test]
fn every_versioned_path_in_the_tiktok_and_sandbox_sources_is_in_tiktoks_list() {
    let listed: std::collections::BTreeSet<String> = reference_endpoints()
        .into_iter()
        .map(|(_, p, _)| p)
        .collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![root.join("tiktok"), root.join("sandbox")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut unknown = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("\"/") {
            let literal = &text[i + 1..];
            let Some(end) = literal.find('"') else {
                continue;
            };
            let path = &literal[..end];
            let mut parts = path.trim_start_matches('/').split('/');
            let (Some(_area), Some(version)) = (parts.next(), parts.next()) else {
                continue;
            };
            let versioned = version.len() == 6 && version.bytes().all(|b| b.is_ascii_digit());
            if versioned && !path.contains(' ') && !listed.contains(path) {
                unknown.push(format!("{}: {path}", file.display()));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "not in TikTok's reference: {unknown:#?}"
    );
}
