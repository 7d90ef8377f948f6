//! The TikTok Shop Open API client: pure signing, typed requests and responses, the one send
//! path (rate limit, retries, envelope, errors), webhooks and normalisation into the domain
//! core's records. Hosts come from configuration ([`crate::config::tiktok_hosts`]).

pub mod api;
pub mod client;
mod de;
pub mod error;
pub mod normalize;
pub mod secret;
pub mod sign;
pub mod turnstile;
pub mod webhook;

pub use api::{ApiRequest, Method, Page, Paginated};
pub use client::{
    decode_envelope, decode_token_response, CallKind, Pages, ReqwestTransport, TikTokClient,
    TikTokConfig, TokenGrant, Transport, TransportError, UserType, WireRequest, WireResponse,
};
pub use error::{codes, ErrorKind, TikTokError};
pub use secret::{AccessToken, AppSecret, AuthCode, RefreshToken, ShopCipher};
pub use sign::{sign, SignableRequest, Signature};

/// Every scope the product asks for, with what it unlocks (sandbox personas grant subsets).
pub const SCOPES: &[(&str, &str)] = &[
    ("seller.authorization.info", "the shops you authorized"),
    ("seller.order.info", "your orders"),
    ("seller.product.basic", "your products and launch dates"),
    ("seller.finance.info", "statements, payouts and withdrawals"),
    ("seller.return_refund.basic", "returns and refunds"),
    (
        "seller.affiliate_collaboration.read",
        "orders your shop got through creators",
    ),
    (
        "creator.affiliate_collaboration.read",
        "your affiliate orders and commissions",
    ),
    ("creator.profile.read", "your creator profile"),
];

#[cfg(test)]
mod sample_tests {
    //! Every JSON file in `samples/` (copied from the shared API notes) parses into its type.
    use super::api::*;
    use super::webhook::{EventData, WebhookEvent};
    use serde::de::DeserializeOwned;
    use std::path::PathBuf;

    fn samples_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/tiktok/samples")
    }

    fn data<T: DeserializeOwned>(name: &str, body: &[u8]) -> T {
        super::decode_envelope::<T>("/sample", 200, None, body)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// Parses one sample by name; false when no type is known for it.
    fn parse(name: &str, body: &[u8]) -> bool {
        match name {
            "AuthGetTokenResponse.json" | "AuthRefreshTokenResponse.json" => {
                let grant = super::decode_token_response(200, body).unwrap();
                assert_eq!(grant.access_token_expire_in, 1660556783);
                assert_eq!(grant.seller_base_region, "ID");
                assert_eq!(grant.user_type, super::UserType::Seller);
            }
            "AuthorizationGetShopsResponse.json" => {
                let shops: AuthorizedShops = data(name, body);
                assert_eq!(
                    shops.shops[0].cipher,
                    "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3"
                );
            }
            "FinanceGetOrderStatementTransactionsResponse.json" => {
                let t: OrderStatementTransactions = data(name, body);
                assert_eq!(t.statement_transactions[0].settlement_amount, "130");
            }
            "FinanceGetPaymentsResponse.json" => {
                let p: PaymentsPage = data(name, body);
                assert_eq!(p.payments[0].amount.value, "100");
                assert!(p.next_page_token().is_some());
            }
            "FinanceGetStatementTransactionsResponse.json" => {
                let t: StatementTransactionsPage = data(name, body);
                assert_eq!(t.statement_id, "7238804564097517339");
            }
            "FinanceGetStatementsResponse.json" => {
                let s: StatementsPage = data(name, body);
                assert_eq!(s.statements[0].settlement_amount, "100");
            }
            "FinanceGetWithdrawalsResponse.json" => {
                let w: WithdrawalsPage = data(name, body);
                assert_eq!(w.withdrawals[0].kind, "WITHDRAW");
            }
            "OrderBatchGetOrderDetailResponse.json" => {
                let d: OrderDetail = data(name, body);
                assert_eq!(
                    d.orders[0]
                        .payment
                        .as_ref()
                        .map(|p| p.total_amount.as_str()),
                    Some("5000")
                );
            }
            "OrderSearchOrdersResponse.json" => {
                let p: OrderSearchPage = data(name, body);
                assert_eq!(p.total_count, 22113);
                assert_eq!(p.orders[0].status, "UNPAID");
                assert_eq!(p.orders[0].id, "576461413038785752");
            }
            "OrderSearchOrdersRequest.json" => {
                let f: OrderSearchFilter = serde_json::from_slice(body).unwrap();
                assert_eq!(f.order_status.as_deref(), Some("UNPAID"));
            }
            "ProductSearchProductsRequest.json" => {
                let f: ProductSearchFilter = serde_json::from_slice(body).unwrap();
                assert_eq!(f.create_time_le, Some(1694319208));
            }
            "ProductSearchProductsResponse.json" => {
                let p: ProductSearchPage = data(name, body);
                assert_eq!(p.products[0].create_time, Some(1234567890));
            }
            "ReturnRefundSearchCancellationsResponse.json" => {
                let c: CancellationSearchPage = data(name, body);
                assert_eq!(
                    c.cancellations[0]
                        .refund_amount
                        .as_ref()
                        .map(|r| r.refund_total.as_str()),
                    Some("1.23")
                );
            }
            "ReturnRefundSearchReturnsRequest.json" => {
                let f: ReturnSearchFilter = serde_json::from_slice(body).unwrap();
                assert_eq!(f.order_ids, Some(vec!["577686530908261117".to_string()]));
            }
            "ReturnRefundSearchReturnsResponse.json" => {
                let r: ReturnSearchPage = data(name, body);
                assert_eq!(
                    r.return_orders[0]
                        .refund_amount
                        .as_ref()
                        .map(|r| r.refund_total.as_str()),
                    Some("1.23")
                );
            }
            "SellerGetPermissionsResponse.json" => {
                let p: SellerPermissions = data(name, body);
                assert_eq!(p.permissions, vec!["MANAGE_GLOBAL_PRODUCT"]);
            }
            "SellerGetShopsResponse.json" => {
                let s: SellerShops = data(name, body);
                assert_eq!(s.shops[0].region, "GB");
            }
            _ => return false,
        }
        true
    }

    #[test]
    fn every_sample_response_parses_into_its_typed_response() {
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
        assert_eq!(parsed, 18);
    }

    #[test]
    fn every_sample_event_parses_into_its_typed_event() {
        let mut kinds = Vec::new();
        for entry in std::fs::read_dir(samples_dir().join("events")).unwrap() {
            let path = entry.unwrap().path();
            let event: WebhookEvent =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            assert_eq!(event.shop_id, "7494049642642441621");
            let data = event.data().unwrap();
            assert!(
                !matches!(data, EventData::Other(_)),
                "{path:?} has an unknown type"
            );
            kinds.push(event.kind);
        }
        kinds.sort();
        assert_eq!(kinds, vec![1, 6, 7, 11, 12]);
    }

    #[test]
    fn sample_records_normalise_into_domain_records() {
        let body = std::fs::read(samples_dir().join("OrderSearchOrdersResponse.json")).unwrap();
        let page: OrderSearchPage = data("orders", &body);
        let record = super::normalize::order("shop", &page.orders[0]);
        let shopscore::records::Record::Order(order) = record else {
            panic!("{record:?}")
        };
        assert_eq!(
            order.total,
            shopscore::money::Money::new(5000, shopscore::money::Currency::IDR)
        );
        assert!(!order.status.is_paid());
    }
}
