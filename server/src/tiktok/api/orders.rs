//! Orders: `POST /order/202309/orders/search` (reference page `orders/get-order-list`, the
//! latest version) and `GET /order/202507/orders` (`orders/get-order-detail`, 202507). Buyer
//! addresses, names and messages are personal data and deliberately not read.

use serde::{Deserialize, Serialize};

use super::{page_impl, paginated_impl, push_opt, ApiRequest, Items, Method, PageRange, SortOrder};
use crate::tiktok::de;

/// Body filters of an order search (all optional; `_lt` bounds are exclusive).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderSearchFilter {
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
    /// One status (a single string, not a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_status: Option<String>,
    /// `TIKTOK` or `SELLER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_type: Option<String>,
}

/// `POST /order/202309/orders/search`: one page of orders (cursor pagination).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOrders {
    /// 1..=100 (required).
    pub page_size: u32,
    /// The cursor; `None` for the first page.
    pub page_token: Option<String>,
    /// `create_time` or `update_time`.
    pub sort_field: String,
    /// TikTok's default is `DESC`; backfills ask for `ASC`.
    pub sort_order: SortOrder,
    /// Body filters.
    pub filter: OrderSearchFilter,
}

impl SearchOrders {
    /// The documented page sizes.
    pub const PAGE: PageRange = PageRange::UP_TO_100;

    /// Orders created in `[from, until)`, oldest first, the largest page.
    pub fn created_between(from: i64, until: i64) -> Self {
        SearchOrders {
            page_size: Self::PAGE.max,
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

    /// Orders updated in `[from, until)`, oldest update first, the largest page.
    pub fn updated_between(from: i64, until: i64) -> Self {
        SearchOrders {
            page_size: Self::PAGE.max,
            page_token: None,
            sort_field: "update_time".into(),
            sort_order: SortOrder::Asc,
            filter: OrderSearchFilter {
                update_time_ge: Some(from),
                update_time_lt: Some(until),
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
    const SCOPE: &'static str = "seller.order.info";
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
        Self::PAGE.check(Self::PATH, self.page_size)?;
        match self.sort_field.as_str() {
            "create_time" | "update_time" => Ok(()),
            other => Err(format!(
                "sort_field {other:?} is not create_time or update_time"
            )),
        }
    }
}

/// `data` of [`SearchOrders`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderSearchPage {
    /// `orders[]`.
    #[serde(default)]
    pub orders: Items<Order>,
    /// The cursor of the next page (empty at the end).
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Orders matching the search.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// `GET /order/202507/orders?ids=…`: up to 50 orders by id.
#[derive(Debug, Clone, PartialEq)]
pub struct GetOrderDetail {
    /// Order ids (1 to 50).
    pub ids: Vec<String>,
}

impl ApiRequest for GetOrderDetail {
    type Response = OrderDetail;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/order/202507/orders";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = "seller.order.info";
    fn query(&self) -> Vec<(&'static str, String)> {
        vec![("ids", self.ids.join(","))]
    }
    fn validate(&self) -> Result<(), String> {
        if (1..=50).contains(&self.ids.len()) {
            Ok(())
        } else {
            Err(format!(
                "ids names {} orders; 1 to 50 are allowed",
                self.ids.len()
            ))
        }
    }
}

/// `data` of [`GetOrderDetail`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderDetail {
    /// `orders[]`.
    #[serde(default)]
    pub orders: Items<Order>,
}

/// An order (search and detail share the shape).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Order id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// `UNPAID`, `ON_HOLD`, …, `CANCELLED`; unknown values are kept as sent.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// Created.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    /// Last status change.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub update_time: Option<i64>,
    /// Paid.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub paid_time: Option<i64>,
    /// Shipped by the seller.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub rts_time: Option<i64>,
    /// Latest time to ship.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub rts_sla_time: Option<i64>,
    /// Collected by the carrier (`IN_TRANSIT`).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub collection_time: Option<i64>,
    /// Delivered.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub delivery_time: Option<i64>,
    /// Cancelled.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub cancel_time: Option<i64>,
    /// A free sample.
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_sample_order: bool,
    /// Cash on delivery.
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_cod: bool,
    /// Has been or will be `ON_HOLD`.
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_on_hold_order: bool,
    /// A replacement of an earlier order.
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_replacement_order: bool,
    /// `NORMAL`, `PRE_ORDER`, … (empty for standard orders).
    #[serde(default, deserialize_with = "de::string")]
    pub order_type: String,
    /// `TIKTOK` or `SELLER`.
    #[serde(default, deserialize_with = "de::string")]
    pub shipping_type: String,
    /// `FULFILLMENT_BY_SELLER`, `FULFILLMENT_BY_TIKTOK`, …
    #[serde(default, deserialize_with = "de::string")]
    pub fulfillment_type: String,
    /// `TIKTOK_SHOP` or `TOKOPEDIA`.
    #[serde(default, deserialize_with = "de::string")]
    pub commerce_platform: String,
    /// `SELLER`, `BUYER`, `SYSTEM`.
    #[serde(default, deserialize_with = "de::string")]
    pub cancellation_initiator: String,
    /// Amounts.
    #[serde(default)]
    pub payment: Option<OrderPayment>,
    /// One line per unit.
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub line_items: Vec<OrderLineItem>,
}

/// `payment` of an order: amounts as decimal strings in `currency`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderPayment {
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// "Buyer paid total payment."
    #[serde(default, deserialize_with = "de::string")]
    pub total_amount: String,
    /// "Buyer paid sub-total of all the SKUs in the order."
    #[serde(default, deserialize_with = "de::string")]
    pub sub_total: String,
    /// "Buyer paid shipping fee."
    #[serde(default, deserialize_with = "de::string")]
    pub shipping_fee: String,
    /// "Product discount by seller."
    #[serde(default, deserialize_with = "de::string")]
    pub seller_discount: String,
    /// "Product discount by platform."
    #[serde(default, deserialize_with = "de::string")]
    pub platform_discount: String,
    /// Taxes paid by the buyer.
    #[serde(default, deserialize_with = "de::string")]
    pub tax: String,
    /// Before discounts.
    #[serde(default, deserialize_with = "de::string")]
    pub original_total_product_price: String,
}

/// One line item of an order (one line per unit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderLineItem {
    /// Line id (returns name it in `order_line_item_id`).
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// Product id.
    #[serde(default, deserialize_with = "de::string")]
    pub product_id: String,
    /// Product name.
    #[serde(default, deserialize_with = "de::string")]
    pub product_name: String,
    /// Sku id.
    #[serde(default, deserialize_with = "de::string")]
    pub sku_id: String,
    /// Sku name.
    #[serde(default, deserialize_with = "de::string")]
    pub sku_name: String,
    /// Currency of the prices.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// "Item original price."
    #[serde(default, deserialize_with = "de::string")]
    pub original_price: String,
    /// "Item sale price."
    #[serde(default, deserialize_with = "de::string")]
    pub sale_price: String,
    /// Line status (the detail sample sends `TO_SHIP`, outside the documented list).
    #[serde(default, deserialize_with = "de::string")]
    pub display_status: String,
    /// A free item.
    #[serde(default, deserialize_with = "de::bool_or_false")]
    pub is_gift: bool,
}

page_impl!(counted: OrderSearchPage);
paginated_impl!(SearchOrders);
