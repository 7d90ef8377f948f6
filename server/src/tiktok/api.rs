//! Each Open API endpoint of API.md's table as a typed request that knows its response type,
//! and the wire types of the responses. Ids stay strings, money stays a decimal string (parsed
//! exactly by [`super::normalize`]), times are unix seconds. Every field is read tolerantly:
//! unknown fields are ignored, missing ones default, numbers-as-strings are accepted.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::de;

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST (searches: reads all the same).
    Post,
}

/// An Open API endpoint: a typed request that knows its response type.
pub trait ApiRequest: Send + Sync {
    /// The `data` of a successful envelope.
    type Response: DeserializeOwned + Send;
    /// The method.
    const METHOD: Method;
    /// The path, no host, no query (what is signed).
    const PATH: &'static str;
    /// The call needs `shop_cipher`.
    const SHOP_SCOPED: bool;
    /// A read: retried on 429/5xx even when it is a POST search.
    const IDEMPOTENT_READ: bool = true;
    /// The path (defaults to [`ApiRequest::PATH`]).
    fn path(&self) -> &'static str {
        Self::PATH
    }
    /// Endpoint query parameters (the send path adds `app_key`, `timestamp`, `sign`,
    /// `shop_cipher`).
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// The JSON body, serialised once: these exact bytes are signed and sent.
    fn body(&self) -> Result<Option<String>, serde_json::Error> {
        Ok(None)
    }
}

/// A cursor-paginated request.
pub trait Paginated: ApiRequest + Clone {
    /// The same request for the page at `token` (`None`: the first page).
    fn at_page(&self, token: Option<String>) -> Self;
}

/// A page of a cursor-paginated response.
pub trait Page {
    /// The token of the next page; `None` at the end (TikTok sends an empty string).
    fn next_page_token(&self) -> Option<&str>;
}

/// The most a page may hold (the seed caps order pages at 50).
pub const MAX_PAGE_SIZE: u32 = 50;

fn clamp_page_size(size: u32) -> u32 {
    size.clamp(1, MAX_PAGE_SIZE)
}

fn push_opt(
    query: &mut Vec<(&'static str, String)>,
    key: &'static str,
    value: &Option<impl ToString>,
) {
    if let Some(v) = value {
        query.push((key, v.to_string()));
    }
}

/// The response envelope's head: `{code, message, request_id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvelopeHead {
    /// 0 on success; `None` when the body is JSON but not an envelope.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub code: Option<i64>,
    #[serde(default, deserialize_with = "de::string")]
    pub message: String,
    #[serde(default, deserialize_with = "de::string")]
    pub request_id: String,
}

/// The envelope's `data`.
#[derive(Debug, Clone, Deserialize)]
pub struct EnvelopeData<T> {
    /// The payload.
    pub data: Option<T>,
}

/// `asc`/`desc` sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortOrder {
    /// Oldest first.
    #[serde(rename = "ASC")]
    Asc,
    /// Newest first.
    #[serde(rename = "DESC")]
    Desc,
}

impl SortOrder {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "ASC",
            SortOrder::Desc => "DESC",
        }
    }
}

macro_rules! page_impl {
    ($($ty:ty),+) => {
        $(impl Page for $ty {
            fn next_page_token(&self) -> Option<&str> {
                Some(self.next_page_token.as_str()).filter(|t| !t.is_empty())
            }
        })+
    };
}

macro_rules! paginated_impl {
    ($($ty:ty),+) => {
        $(impl Paginated for $ty {
            fn at_page(&self, token: Option<String>) -> Self {
                Self { page_token: token, ..self.clone() }
            }
        })+
    };
}

// ---------------------------------------------------------------------------------------------
// Authorized shops

/// `GET /authorization/202309/shops`: the shops the token may read, with their ciphers.
#[derive(Debug, Clone, Default)]
pub struct GetAuthorizedShops;

impl ApiRequest for GetAuthorizedShops {
    type Response = AuthorizedShops;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/authorization/202309/shops";
    const SHOP_SCOPED: bool = false;
}

/// `data` of [`GetAuthorizedShops`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizedShops {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub shops: Vec<AuthorizedShop>,
}

/// One authorized shop.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizedShop {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub name: String,
    #[serde(default, deserialize_with = "de::string")]
    pub region: String,
    /// `LOCAL` or `CROSS_BORDER`.
    #[serde(default, deserialize_with = "de::string")]
    pub seller_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub cipher: String,
    #[serde(default, deserialize_with = "de::string")]
    pub code: String,
}

// ---------------------------------------------------------------------------------------------
// Orders

/// Body filters of an order search (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderSearchFilter {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_ge: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_lt: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_ge: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_lt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_buyer_request_cancel: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_type: Option<String>,
}

/// `POST /order/202309/orders/search`: one page of orders (cursor pagination).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOrders {
    /// 1..=50.
    pub page_size: u32,
    /// The cursor; `None` for the first page.
    pub page_token: Option<String>,
    /// `create_time` (the default) or `update_time`.
    pub sort_field: String,
    /// Oldest first by default.
    pub sort_order: SortOrder,
    /// Body filters.
    pub filter: OrderSearchFilter,
}

impl SearchOrders {
    /// Orders created in `[from, until)`, oldest first, 50 a page.
    pub fn created_between(from: i64, until: i64) -> Self {
        SearchOrders {
            page_size: MAX_PAGE_SIZE,
            page_token: None,
            sort_field: "create_time".into(),
            sort_order: SortOrder::Asc,
            filter: OrderSearchFilter {
                create_time_ge: Some(from),
                create_time_lt: Some(until),
                ..Default::default()
            },
        }
    }
}

impl ApiRequest for SearchOrders {
    type Response = OrderSearchPage;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/order/202309/orders/search";
    const SHOP_SCOPED: bool = true;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("page_size", clamp_page_size(self.page_size).to_string()),
            ("sort_field", self.sort_field.clone()),
            ("sort_order", self.sort_order.as_str().to_string()),
        ];
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn body(&self) -> Result<Option<String>, serde_json::Error> {
        serde_json::to_string(&self.filter).map(Some)
    }
}

/// `data` of [`SearchOrders`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderSearchPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub orders: Vec<Order>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// `GET /order/202309/orders?ids=…`: up to 50 orders by id.
#[derive(Debug, Clone, PartialEq)]
pub struct GetOrderDetail {
    /// Order ids (at most 50).
    pub ids: Vec<String>,
}

impl ApiRequest for GetOrderDetail {
    type Response = OrderDetail;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/order/202309/orders";
    const SHOP_SCOPED: bool = true;
    fn query(&self) -> Vec<(&'static str, String)> {
        vec![("ids", self.ids.join(","))]
    }
}

/// `data` of [`GetOrderDetail`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderDetail {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub orders: Vec<Order>,
}

/// An order (search and detail share the shape). Buyer addresses are deliberately not read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Order {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// `UNPAID`, `ON_HOLD`, …, `CANCELLED`; unknown values are kept as sent.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub update_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub paid_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub delivery_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub cancel_time: Option<i64>,
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_sample_order: bool,
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_cod: bool,
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_on_hold_order: bool,
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_replacement_order: bool,
    #[serde(default, deserialize_with = "de::string")]
    pub order_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub shipping_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub fulfillment_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub commerce_platform: String,
    #[serde(default, deserialize_with = "de::string")]
    pub cancel_reason: String,
    #[serde(default, deserialize_with = "de::string")]
    pub cancellation_initiator: String,
    #[serde(default, deserialize_with = "de::string")]
    pub warehouse_id: String,
    #[serde(default)]
    pub payment: Option<OrderPayment>,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub line_items: Vec<OrderLineItem>,
}

/// `payment` of an order: amounts as decimal strings in `currency`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderPayment {
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub total_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub sub_total: String,
    #[serde(default)]
    pub original_total_product_price: Option<String>,
    #[serde(default)]
    pub seller_discount: Option<String>,
    #[serde(default)]
    pub platform_discount: Option<String>,
    #[serde(default)]
    pub shipping_fee: Option<String>,
    #[serde(default)]
    pub original_shipping_fee: Option<String>,
    #[serde(default)]
    pub tax: Option<String>,
    #[serde(default)]
    pub product_tax: Option<String>,
    #[serde(default)]
    pub shipping_fee_tax: Option<String>,
    #[serde(default)]
    pub retail_delivery_fee: Option<String>,
    #[serde(default)]
    pub buyer_service_fee: Option<String>,
    #[serde(default)]
    pub small_order_fee: Option<String>,
}

/// One line item of an order (TikTok sends one line per unit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderLineItem {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub product_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub product_name: String,
    #[serde(default, deserialize_with = "de::string")]
    pub sku_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub sku_name: String,
    #[serde(default, deserialize_with = "de::string")]
    pub seller_sku: String,
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub original_price: String,
    #[serde(default, deserialize_with = "de::string")]
    pub sale_price: String,
    #[serde(default)]
    pub seller_discount: Option<String>,
    #[serde(default)]
    pub platform_discount: Option<String>,
    #[serde(default, deserialize_with = "de::string")]
    pub display_status: String,
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_gift: bool,
    #[serde(default, deserialize_with = "de::string")]
    pub sku_type: String,
}

// ---------------------------------------------------------------------------------------------
// Products

/// Body filters of a product search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductSearchFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_ge: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_le: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_ge: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_le: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_skus: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_platforms: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_quality_tier: Option<String>,
}

/// `POST /product/202309/products/search`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchProducts {
    /// 1..=50 (clamped; TikTok allows up to 100 here, the client keeps one page size).
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// Body filters.
    pub filter: ProductSearchFilter,
}

impl Default for SearchProducts {
    fn default() -> Self {
        SearchProducts {
            page_size: MAX_PAGE_SIZE,
            page_token: None,
            filter: ProductSearchFilter::default(),
        }
    }
}

impl ApiRequest for SearchProducts {
    type Response = ProductSearchPage;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/product/202309/products/search";
    const SHOP_SCOPED: bool = true;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![("page_size", clamp_page_size(self.page_size).to_string())];
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn body(&self) -> Result<Option<String>, serde_json::Error> {
        serde_json::to_string(&self.filter).map(Some)
    }
}

/// `data` of [`SearchProducts`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductSearchPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub products: Vec<Product>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Product {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub title: String,
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// The launch.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub update_time: Option<i64>,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub sales_regions: Vec<String>,
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_not_for_sale: bool,
    #[serde(default, deserialize_with = "de::string")]
    pub listing_quality_tier: String,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub skus: Vec<ProductSku>,
}

/// A product's sku.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductSku {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub seller_sku: String,
    #[serde(default)]
    pub price: Option<ProductPrice>,
}

/// A sku's price.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductPrice {
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub sale_price: String,
    #[serde(default)]
    pub tax_exclusive_price: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Finance

/// `GET /finance/202309/statements`: settlements, by statement time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetStatements {
    pub statement_time_ge: Option<i64>,
    pub statement_time_lt: Option<i64>,
    pub payment_status: Option<String>,
    pub page_size: Option<u32>,
    pub page_token: Option<String>,
    pub sort_order: Option<SortOrder>,
}

impl ApiRequest for GetStatements {
    type Response = StatementsPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202309/statements";
    const SHOP_SCOPED: bool = true;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("sort_field", "statement_time".to_string()),
            (
                "page_size",
                clamp_page_size(self.page_size.unwrap_or(MAX_PAGE_SIZE)).to_string(),
            ),
        ];
        push_opt(&mut q, "statement_time_ge", &self.statement_time_ge);
        push_opt(&mut q, "statement_time_lt", &self.statement_time_lt);
        push_opt(&mut q, "payment_status", &self.payment_status);
        push_opt(&mut q, "page_token", &self.page_token);
        push_opt(&mut q, "sort_order", &self.sort_order.map(|s| s.as_str()));
        q
    }
}

/// `data` of [`GetStatements`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatementsPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub statements: Vec<Statement>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
}

/// A settlement statement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub statement_time: Option<i64>,
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub settlement_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub revenue_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub fee_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub adjustment_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub shipping_cost_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub net_sales_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub payment_status: String,
    #[serde(default, deserialize_with = "de::string")]
    pub payment_id: String,
}

/// `GET /finance/202309/payments`: payouts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetPayments {
    pub create_time_ge: Option<i64>,
    pub create_time_lt: Option<i64>,
    pub page_size: Option<u32>,
    pub page_token: Option<String>,
    pub sort_order: Option<SortOrder>,
}

impl ApiRequest for GetPayments {
    type Response = PaymentsPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202309/payments";
    const SHOP_SCOPED: bool = true;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("sort_field", "create_time".to_string()),
            (
                "page_size",
                clamp_page_size(self.page_size.unwrap_or(MAX_PAGE_SIZE)).to_string(),
            ),
        ];
        push_opt(&mut q, "create_time_ge", &self.create_time_ge);
        push_opt(&mut q, "create_time_lt", &self.create_time_lt);
        push_opt(&mut q, "page_token", &self.page_token);
        push_opt(&mut q, "sort_order", &self.sort_order.map(|s| s.as_str()));
        q
    }
}

/// `data` of [`GetPayments`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentsPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub payments: Vec<Payment>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
}

/// `{value, currency}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueAmount {
    #[serde(default, deserialize_with = "de::string")]
    pub value: String,
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
}

/// A payout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub paid_time: Option<i64>,
    /// `PAID`, `PROCESSING`, `FAILED`.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    #[serde(default)]
    pub amount: ValueAmount,
    #[serde(default)]
    pub settlement_amount: Option<ValueAmount>,
    #[serde(default)]
    pub reserve_amount: Option<ValueAmount>,
    #[serde(default)]
    pub payment_amount_before_exchange: Option<ValueAmount>,
    #[serde(default)]
    pub exchange_rate: Option<String>,
}

/// `GET /finance/202309/withdrawals`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetWithdrawals {
    pub create_time_ge: Option<i64>,
    pub create_time_lt: Option<i64>,
    pub page_size: Option<u32>,
    pub page_token: Option<String>,
}

impl ApiRequest for GetWithdrawals {
    type Response = WithdrawalsPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202309/withdrawals";
    const SHOP_SCOPED: bool = true;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("types", "WITHDRAW,SETTLE,TRANSFER,REVERSE".to_string()),
            (
                "page_size",
                clamp_page_size(self.page_size.unwrap_or(MAX_PAGE_SIZE)).to_string(),
            ),
        ];
        push_opt(&mut q, "create_time_ge", &self.create_time_ge);
        push_opt(&mut q, "create_time_lt", &self.create_time_lt);
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
}

/// `data` of [`GetWithdrawals`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WithdrawalsPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub withdrawals: Vec<Withdrawal>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A withdrawal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Withdrawal {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    #[serde(rename = "type", default, deserialize_with = "de::string")]
    pub kind: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
}

/// `data` of `GET /finance/202309/statements/{id}/statement_transactions` (sample only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatementTransactionsPage {
    #[serde(default, deserialize_with = "de::string")]
    pub statement_id: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub statement_time: Option<i64>,
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub settlement_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub revenue_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub fee_amount: String,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub statement_transactions: Vec<StatementTransaction>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
}

/// `data` of `GET /finance/202309/orders/{id}/statement_transactions` (sample only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderStatementTransactions {
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub order_create_time: Option<i64>,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub statement_transactions: Vec<StatementTransaction>,
}

/// One statement transaction (the fields the product reads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatementTransaction {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub statement_id: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub statement_time: Option<i64>,
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub settlement_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub revenue_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub fee_amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub net_sales_amount: String,
    #[serde(default)]
    pub affiliate_commission_amount: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Returns and cancellations

/// Body filters of a returns search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnSearchFilter {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_ge: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_lt: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_ge: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_lt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_status: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_types: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_user_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arbitration_status: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// `POST /return_refund/202309/returns/search`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchReturns {
    pub page_size: u32,
    pub page_token: Option<String>,
    pub filter: ReturnSearchFilter,
}

impl SearchReturns {
    /// Returns requested in `[from, until)`, 50 a page.
    pub fn created_between(from: i64, until: i64) -> Self {
        SearchReturns {
            page_size: MAX_PAGE_SIZE,
            page_token: None,
            filter: ReturnSearchFilter {
                create_time_ge: Some(from),
                create_time_lt: Some(until),
                ..Default::default()
            },
        }
    }
}

impl ApiRequest for SearchReturns {
    type Response = ReturnSearchPage;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/return_refund/202309/returns/search";
    const SHOP_SCOPED: bool = true;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![("page_size", clamp_page_size(self.page_size).to_string())];
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn body(&self) -> Result<Option<String>, serde_json::Error> {
        serde_json::to_string(&self.filter).map(Some)
    }
}

/// `data` of [`SearchReturns`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnSearchPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub return_orders: Vec<ReturnOrder>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A refund breakdown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RefundAmount {
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    #[serde(default, deserialize_with = "de::string")]
    pub refund_total: String,
    #[serde(default)]
    pub refund_subtotal: Option<String>,
    #[serde(default)]
    pub refund_shipping_fee: Option<String>,
    #[serde(default)]
    pub refund_tax: Option<String>,
    #[serde(default)]
    pub retail_delivery_fee: Option<String>,
    #[serde(default)]
    pub buyer_service_fee: Option<String>,
}

/// A return or refund.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnOrder {
    #[serde(default, deserialize_with = "de::string")]
    pub return_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    /// e.g. `RETURN_OR_REFUND_REQUEST_COMPLETE`.
    #[serde(default, deserialize_with = "de::string")]
    pub return_status: String,
    /// `REFUND`, `RETURN_AND_REFUND`, `REPLACEMENT`.
    #[serde(default, deserialize_with = "de::string")]
    pub return_type: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub update_time: Option<i64>,
    #[serde(default)]
    pub refund_amount: Option<RefundAmount>,
    #[serde(default)]
    pub arbitration_status: Option<String>,
    #[serde(default, deserialize_with = "de::string")]
    pub role: String,
    #[serde(default, deserialize_with = "de::string")]
    pub return_reason: String,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub return_line_items: Vec<ReturnLineItem>,
}

/// One line of a return.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnLineItem {
    #[serde(default, deserialize_with = "de::string")]
    pub return_line_item_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub order_line_item_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub sku_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub product_name: String,
    #[serde(default)]
    pub refund_amount: Option<RefundAmount>,
}

/// `data` of `POST /return_refund/202309/cancellations/search` (sample only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancellationSearchPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub cancellations: Vec<Cancellation>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A cancellation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cancellation {
    #[serde(default, deserialize_with = "de::string")]
    pub cancel_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub cancel_status: String,
    #[serde(default, deserialize_with = "de::string")]
    pub cancel_type: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub refund_amount: Option<RefundAmount>,
}

// ---------------------------------------------------------------------------------------------
// Affiliate

/// Body filters of an affiliate order search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AffiliateOrderFilter {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_ge: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_lt: Option<i64>,
}

/// `POST /affiliate_creator/202410/orders/search`: a creator's attributed orders (creator
/// token, no `shop_cipher`).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchCreatorAffiliateOrders {
    pub page_size: u32,
    pub page_token: Option<String>,
    pub filter: AffiliateOrderFilter,
}

/// `POST /affiliate_seller/202410/orders/search`: orders a shop got through creators, with
/// the commission it pays (shop-scoped).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSellerAffiliateOrders {
    pub page_size: u32,
    pub page_token: Option<String>,
    pub filter: AffiliateOrderFilter,
}

macro_rules! affiliate_search {
    ($ty:ident, $path:literal, $shop:literal) => {
        impl $ty {
            /// Orders created in `[from, until)`, 50 a page.
            pub fn created_between(from: i64, until: i64) -> Self {
                $ty {
                    page_size: MAX_PAGE_SIZE,
                    page_token: None,
                    filter: AffiliateOrderFilter {
                        create_time_ge: Some(from),
                        create_time_lt: Some(until),
                    },
                }
            }
        }

        impl ApiRequest for $ty {
            type Response = AffiliateOrderPage;
            const METHOD: Method = Method::Post;
            const PATH: &'static str = $path;
            const SHOP_SCOPED: bool = $shop;
            fn query(&self) -> Vec<(&'static str, String)> {
                let mut q = vec![("page_size", clamp_page_size(self.page_size).to_string())];
                push_opt(&mut q, "page_token", &self.page_token);
                q
            }
            fn body(&self) -> Result<Option<String>, serde_json::Error> {
                serde_json::to_string(&self.filter).map(Some)
            }
        }
    };
}

affiliate_search!(
    SearchCreatorAffiliateOrders,
    "/affiliate_creator/202410/orders/search",
    false
);
affiliate_search!(
    SearchSellerAffiliateOrders,
    "/affiliate_seller/202410/orders/search",
    true
);

/// `data` of the affiliate order searches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AffiliateOrderPage {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub orders: Vec<AffiliateOrder>,
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// An affiliate order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AffiliateOrder {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub delivery_time: Option<i64>,
    /// `UNSPECIFIED`, `AWAITING PAYMENT`, `To-SETTLE`, `SETTLED`, `REFUNDED`, `FROZEN`, …
    /// (deprecated on the seller side, where `skus[].settlement_status` holds the state).
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub skus: Vec<AffiliateSku>,
}

/// `{amount, currency}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    #[serde(default, deserialize_with = "de::string")]
    pub amount: String,
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
}

/// One sku of an affiliate order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AffiliateSku {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub product_id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub product_name: String,
    #[serde(default, deserialize_with = "de::string")]
    pub shop_name: String,
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub quantity: Option<u32>,
    #[serde(default)]
    pub price: Option<Amount>,
    /// `SHOP`, `VIDEO`, `LIVE`, …
    #[serde(default, deserialize_with = "de::string")]
    pub content_type: String,
    #[serde(default, deserialize_with = "de::string")]
    pub content_id: String,
    /// Hundredths of a percent (`1500` = 15%), sent as a number or a string.
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub commission_rate: Option<u32>,
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub standard_commission_rate: Option<u32>,
    #[serde(default)]
    pub estimated_commission: Option<Amount>,
    #[serde(default)]
    pub actual_commission: Option<Amount>,
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub returned_quantity: Option<u32>,
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub refunded_quantity: Option<u32>,
    /// Seller side: the per-sku state.
    #[serde(default)]
    pub settlement_status: Option<String>,
}

/// `GET /affiliate_creator/202508/profiles`: the creator's profile.
#[derive(Debug, Clone, Default)]
pub struct GetCreatorProfile;

impl ApiRequest for GetCreatorProfile {
    type Response = CreatorProfile;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/affiliate_creator/202508/profiles";
    const SHOP_SCOPED: bool = false;
}

/// A creator's profile (field set uncertain beyond `username` and `selection_region`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatorProfile {
    #[serde(default, deserialize_with = "de::string")]
    pub username: String,
    #[serde(default, deserialize_with = "de::string")]
    pub nickname: String,
    #[serde(default, deserialize_with = "de::string")]
    pub selection_region: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub follower_count: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Sandbox-only

/// `GET /sandbox_only/202309/shop_performance`: **served by the sandbox only**. TikTok's
/// shop rating, review count and fulfilment metrics are not in the sources we could check; the
/// sandbox serves them here (signed and shop-scoped like any Open API call) so the score's
/// optional reliability signals can be exercised. Against TikTok this answers an error, and
/// the score says the metrics are missing.
#[derive(Debug, Clone, Default)]
pub struct GetShopPerformance;

impl ApiRequest for GetShopPerformance {
    type Response = ShopPerformance;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/sandbox_only/202309/shop_performance";
    const SHOP_SCOPED: bool = true;
}

/// Shop metrics (sandbox only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShopPerformance {
    /// 0–5, a decimal string.
    #[serde(default, deserialize_with = "de::string")]
    pub rating: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub review_count: Option<i64>,
    /// 0–1, a decimal string.
    #[serde(default, deserialize_with = "de::string")]
    pub on_time_delivery_rate: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub violations: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub shop_open_time: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Seller (samples only)

/// `data` of `GET /seller/202309/permissions` (sample only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SellerPermissions {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub permissions: Vec<String>,
}

/// `data` of `GET /seller/202309/shops` (sample only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SellerShops {
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub shops: Vec<SellerShop>,
}

/// A seller shop (sample only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SellerShop {
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::string")]
    pub region: String,
}

page_impl!(
    OrderSearchPage,
    ProductSearchPage,
    StatementsPage,
    PaymentsPage,
    WithdrawalsPage,
    ReturnSearchPage,
    AffiliateOrderPage
);

paginated_impl!(
    GetStatements,
    GetPayments,
    GetWithdrawals,
    SearchOrders,
    SearchProducts,
    SearchReturns,
    SearchCreatorAffiliateOrders,
    SearchSellerAffiliateOrders
);
