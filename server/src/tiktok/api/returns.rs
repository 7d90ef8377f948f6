//! Returns and cancellations: `POST /return_refund/202309/returns/search` (reference page
//! `return-and-refund/search-returns`: page_size 10–50, default sort ASC) and
//! `POST /return_refund/202309/cancellations/search` (`search-cancellations`: 1–50).

use serde::{Deserialize, Serialize};

use super::{page_impl, paginated_impl, push_opt, ApiRequest, Items, Method, PageRange, SortOrder};
use crate::tiktok::de;

/// Body filters of a returns search (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnSearchFilter {
    /// Requested on or after.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_ge: Option<i64>,
    /// Requested before.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_lt: Option<i64>,
    /// Updated on or after.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_ge: Option<i64>,
    /// Updated before.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_lt: Option<i64>,
    /// Statuses (a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_status: Option<Vec<String>>,
    /// `REFUND`, `RETURN_AND_REFUND`, `REPLACEMENT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_types: Option<Vec<String>>,
    /// Orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_ids: Option<Vec<String>>,
    /// Returns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_ids: Option<Vec<String>>,
    /// BCP-47 language of `return_reason_text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// `POST /return_refund/202309/returns/search`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchReturns {
    /// 10..=50.
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// `create_time` or `update_time`.
    pub sort_field: String,
    /// `ASC` (TikTok's default) or `DESC`.
    pub sort_order: SortOrder,
    /// Body filters.
    pub filter: ReturnSearchFilter,
}

impl SearchReturns {
    /// The documented page sizes: at least 10.
    pub const PAGE: PageRange = PageRange::RETURNS;

    /// Returns requested in `[from, until)`, the largest page.
    pub fn created_between(from: i64, until: i64) -> Self {
        SearchReturns {
            page_size: Self::PAGE.max,
            page_token: None,
            sort_field: "create_time".into(),
            sort_order: SortOrder::Asc,
            filter: ReturnSearchFilter {
                create_time_ge: Some(from),
                create_time_lt: Some(until),
                ..Default::default()
            },
        }
    }

    /// Returns updated in `[from, until)`, the largest page.
    pub fn updated_between(from: i64, until: i64) -> Self {
        SearchReturns {
            page_size: Self::PAGE.max,
            page_token: None,
            sort_field: "update_time".into(),
            sort_order: SortOrder::Asc,
            filter: ReturnSearchFilter {
                update_time_ge: Some(from),
                update_time_lt: Some(until),
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
    const SCOPE: &'static str = "seller.return_refund.basic";
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("page_size", self.page_size.to_string()),
            ("sort_field", self.sort_field.clone()),
            ("sort_order", self.sort_order.as_str().to_string()),
        ];
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn body(&self) -> Result<Option<String>, serde_json::Error> {
        serde_json::to_string(&self.filter).map(Some)
    }
    fn validate(&self) -> Result<(), String> {
        Self::PAGE.check(Self::PATH, self.page_size)
    }
}

/// `data` of [`SearchReturns`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnSearchPage {
    /// `return_orders[]`.
    #[serde(default)]
    pub return_orders: Items<ReturnOrder>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Returns matching.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A refund breakdown: strings in `currency`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RefundAmount {
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// What the buyer gets back.
    #[serde(default, deserialize_with = "de::string")]
    pub refund_total: String,
    /// Items refunded.
    #[serde(default, deserialize_with = "de::string")]
    pub refund_subtotal: String,
    /// Shipping refunded.
    #[serde(default, deserialize_with = "de::string")]
    pub refund_shipping_fee: String,
    /// Tax refunded.
    #[serde(default, deserialize_with = "de::string")]
    pub refund_tax: String,
}

/// A return or refund.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnOrder {
    /// Return id.
    #[serde(default, deserialize_with = "de::string")]
    pub return_id: String,
    /// The order.
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    /// One of the 14 documented statuses.
    #[serde(default, deserialize_with = "de::string")]
    pub return_status: String,
    /// `REFUND`, `RETURN_AND_REFUND`, `REPLACEMENT`.
    #[serde(default, deserialize_with = "de::string")]
    pub return_type: String,
    /// Requested.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    /// Updated.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub update_time: Option<i64>,
    /// Total refund to the buyer.
    #[serde(default)]
    pub refund_amount: Option<RefundAmount>,
    /// `IN_PROGRESS`, `SUPPORT_BUYER`, `SUPPORT_SELLER`, `CLOSED`.
    #[serde(default, deserialize_with = "de::string")]
    pub arbitration_status: String,
    /// Who asked: `BUYER`, `SELLER`, `OPERATOR`, `SYSTEM`.
    #[serde(default, deserialize_with = "de::string")]
    pub role: String,
    /// Reason key.
    #[serde(default, deserialize_with = "de::string")]
    pub return_reason: String,
    /// The lines returned.
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub return_line_items: Vec<ReturnLineItem>,
    /// Part of a combined return (sent as `"true "` in the reference sample).
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_combined_return: bool,
}

/// One line of a return.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnLineItem {
    /// Return line id.
    #[serde(default, deserialize_with = "de::string")]
    pub return_line_item_id: String,
    /// The order's `line_items[].id`.
    #[serde(default, deserialize_with = "de::string")]
    pub order_line_item_id: String,
    /// Sku id.
    #[serde(default, deserialize_with = "de::string")]
    pub sku_id: String,
    /// Product name.
    #[serde(default, deserialize_with = "de::string")]
    pub product_name: String,
    /// The line's refund.
    #[serde(default)]
    pub refund_amount: Option<RefundAmount>,
}

/// Body filters of a cancellations search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancellationSearchFilter {
    /// Created on or after.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_ge: Option<i64>,
    /// Created before.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_lt: Option<i64>,
    /// Statuses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_status: Option<Vec<String>>,
    /// Orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_ids: Option<Vec<String>>,
}

/// `POST /return_refund/202309/cancellations/search`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchCancellations {
    /// 1..=50.
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// Body filters.
    pub filter: CancellationSearchFilter,
}

impl SearchCancellations {
    /// The documented page sizes.
    pub const PAGE: PageRange = PageRange::UP_TO_50;
}

impl ApiRequest for SearchCancellations {
    type Response = CancellationSearchPage;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/return_refund/202309/cancellations/search";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = "seller.return_refund.basic";
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![("page_size", self.page_size.to_string())];
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn body(&self) -> Result<Option<String>, serde_json::Error> {
        serde_json::to_string(&self.filter).map(Some)
    }
    fn validate(&self) -> Result<(), String> {
        Self::PAGE.check(Self::PATH, self.page_size)
    }
}

/// `data` of [`SearchCancellations`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CancellationSearchPage {
    /// `cancellations[]`.
    #[serde(default)]
    pub cancellations: Items<Cancellation>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Cancellations matching.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A cancellation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cancellation {
    /// Cancellation id.
    #[serde(default, deserialize_with = "de::string")]
    pub cancel_id: String,
    /// The order.
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    /// `CANCELLATION_REQUEST_PENDING`, …, `…_CANCELLED` (the filter spells it `…_CANCEL`).
    #[serde(default, deserialize_with = "de::string")]
    pub cancel_status: String,
    /// `CANCEL` or `BUYER_CANCEL` (the sample sends `REQUEST_CANCEL_REFUND`).
    #[serde(default, deserialize_with = "de::string")]
    pub cancel_type: String,
    /// Created.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    /// The refund.
    #[serde(default)]
    pub refund_amount: Option<RefundAmount>,
}

page_impl!(counted: ReturnSearchPage, CancellationSearchPage);
paginated_impl!(SearchReturns, SearchCancellations);
