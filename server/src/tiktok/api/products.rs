//! Products: `POST /product/202502/products/search` (reference page `products/search-products`,
//! version 202502; time filters end in `_le`, inclusive; no sort parameters; at most 10,000
//! results per search, so large catalogues are searched by time slice).

use serde::{Deserialize, Serialize};

use super::{page_impl, paginated_impl, push_opt, ApiRequest, Items, Method, PageRange};
use crate::tiktok::de;

/// Body filters of a product search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductSearchFilter {
    /// `ALL` (default), `ACTIVATE`, `DRAFT`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Created on or after.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_ge: Option<i64>,
    /// Created on or before (inclusive).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub create_time_le: Option<i64>,
    /// Updated on or after.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_ge: Option<i64>,
    /// Updated on or before (inclusive).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::opt_i64"
    )]
    pub update_time_le: Option<i64>,
    /// At most 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_skus: Option<Vec<String>>,
    /// `v1` or `v2` (a body field since 202502).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_version: Option<String>,
}

/// `POST /product/202502/products/search`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchProducts {
    /// 1..=100 (required).
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// Body filters.
    pub filter: ProductSearchFilter,
}

impl SearchProducts {
    /// The documented page sizes.
    pub const PAGE: PageRange = PageRange::UP_TO_100;

    /// Every product created in `[from, until]`, the largest page.
    pub fn created_between(from: i64, until_inclusive: i64) -> Self {
        SearchProducts {
            page_size: Self::PAGE.max,
            page_token: None,
            filter: ProductSearchFilter {
                create_time_ge: Some(from),
                create_time_le: Some(until_inclusive),
                ..Default::default()
            },
        }
    }
}

impl Default for SearchProducts {
    fn default() -> Self {
        SearchProducts {
            page_size: Self::PAGE.max,
            page_token: None,
            filter: ProductSearchFilter::default(),
        }
    }
}

impl ApiRequest for SearchProducts {
    type Response = ProductSearchPage;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/product/202502/products/search";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = "seller.product.basic";
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

/// `data` of [`SearchProducts`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductSearchPage {
    /// `products[]`.
    #[serde(default)]
    pub products: Items<Product>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Products matching.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A product (the key properties search returns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Product id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// Title.
    #[serde(default, deserialize_with = "de::string")]
    pub title: String,
    /// `ACTIVATE`, `DRAFT`, … (omitted for Indonesian products not listed on TikTok Shop).
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// The launch.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    /// Last update.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub update_time: Option<i64>,
    /// Regions it sells in.
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub sales_regions: Vec<String>,
    /// `POOR`, `FAIR`, `GOOD` (US).
    #[serde(default, deserialize_with = "de::string")]
    pub listing_quality_tier: String,
    /// Skus.
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub skus: Vec<ProductSku>,
}

/// A product's sku.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductSku {
    /// Sku id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// The seller's sku code.
    #[serde(default, deserialize_with = "de::string")]
    pub seller_sku: String,
    /// Price.
    #[serde(default)]
    pub price: Option<ProductPrice>,
}

/// A sku's price.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductPrice {
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// Display price.
    #[serde(default, deserialize_with = "de::string")]
    pub sale_price: String,
    /// Pre-tax price.
    #[serde(default, deserialize_with = "de::string")]
    pub tax_exclusive_price: String,
}

page_impl!(counted: ProductSearchPage);
paginated_impl!(SearchProducts);
