//! Affiliate: a creator's orders (`POST /affiliate_creator/202410/orders/search`, reference
//! page `affiliate-creator/search-creator-affiliate-orders`: creator token, no `shop_cipher`),
//! a shop's orders through creators (`POST /affiliate_seller/202410/orders/search`), and the
//! creator profile (`GET /affiliate_creator/202508/profiles`, scope `creator.affiliate.info`).
//! Creator amounts come locale-formatted (`"Rp9.900"`): they stay strings here.

use serde::{Deserialize, Serialize};

use super::{page_impl, paginated_impl, push_opt, Amount, ApiRequest, Items, Method, PageRange};
use crate::tiktok::de;

/// Body filters of an affiliate order search (unix seconds, `_lt` exclusive).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AffiliateOrderFilter {
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
    /// Seller side only: a campaign, target or open collaboration id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program_id: Option<String>,
}

/// `POST /affiliate_creator/202410/orders/search`: a creator's attributed orders.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchCreatorAffiliateOrders {
    /// 1..=100 (required).
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// Body filters.
    pub filter: AffiliateOrderFilter,
}

/// `POST /affiliate_seller/202410/orders/search`: orders a shop got through creators, with the
/// commission it pays (shop-scoped).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSellerAffiliateOrders {
    /// 1..=100 (required).
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// Body filters.
    pub filter: AffiliateOrderFilter,
}

macro_rules! affiliate_search {
    ($ty:ident, $page:ident, $path:literal, $shop:literal, $scope:literal) => {
        impl $ty {
            /// The documented page sizes.
            pub const PAGE: PageRange = PageRange::UP_TO_100;

            /// Orders created in `[from, until)`, the largest page.
            pub fn created_between(from: i64, until: i64) -> Self {
                $ty {
                    page_size: Self::PAGE.max,
                    page_token: None,
                    filter: AffiliateOrderFilter {
                        create_time_ge: Some(from),
                        create_time_lt: Some(until),
                        program_id: None,
                    },
                }
            }
        }

        impl ApiRequest for $ty {
            type Response = $page;
            const METHOD: Method = Method::Post;
            const PATH: &'static str = $path;
            const SHOP_SCOPED: bool = $shop;
            const SCOPE: &'static str = $scope;
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
    };
}

affiliate_search!(
    SearchCreatorAffiliateOrders,
    CreatorAffiliateOrderPage,
    "/affiliate_creator/202410/orders/search",
    false,
    "creator.affiliate_collaboration.read"
);
affiliate_search!(
    SearchSellerAffiliateOrders,
    SellerAffiliateOrderPage,
    "/affiliate_seller/202410/orders/search",
    true,
    "seller.affiliate_collaboration.read"
);

/// `data` of [`SearchCreatorAffiliateOrders`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatorAffiliateOrderPage {
    /// `orders[]`.
    #[serde(default)]
    pub orders: Items<CreatorAffiliateOrder>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Orders matching.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A creator's affiliate order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatorAffiliateOrder {
    /// Order id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// Created (UTC).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    /// Delivered (UTC).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub delivery_time: Option<i64>,
    /// `UNSPECIFIED`, `ORDERED`, `SETTLED`, `REFUNDED`, `FROZEN`, `DEDUCTED`.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// Its skus.
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub skus: Vec<CreatorAffiliateSku>,
}

/// One sku of a creator's affiliate order, with the commission in parts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatorAffiliateSku {
    /// Sku id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// TAP campaign.
    #[serde(default, deserialize_with = "de::string")]
    pub campaign_id: String,
    /// Open collaboration.
    #[serde(default, deserialize_with = "de::string")]
    pub open_collaboration_id: String,
    /// Target collaboration.
    #[serde(default, deserialize_with = "de::string")]
    pub target_collaboration_id: String,
    /// Product id.
    #[serde(default, deserialize_with = "de::string")]
    pub product_id: String,
    /// Product name.
    #[serde(default, deserialize_with = "de::string")]
    pub product_name: String,
    /// The shop selling it (no shop id is given).
    #[serde(default, deserialize_with = "de::string")]
    pub shop_name: String,
    /// "The localized price of the product."
    #[serde(default)]
    pub price: Option<Amount>,
    /// Units.
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub quantity: Option<u32>,
    /// `SHOP`, `VIDEO`, `LIVE`, `PRE_LIVE`, `PROMOTION_PAGE`, `LINKSHARE`.
    #[serde(default, deserialize_with = "de::string")]
    pub content_type: String,
    /// The video or LIVE.
    #[serde(default, deserialize_with = "de::string")]
    pub content_id: String,
    /// Hundredths of a percent (an integer, whatever the page's prose says).
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub commission_rate: Option<u32>,
    /// Estimated base commission.
    #[serde(default)]
    pub estimated_commission: Option<Amount>,
    /// Estimated bonus.
    #[serde(default)]
    pub estimated_bonus_commission: Option<Amount>,
    /// Estimated Shop Ads commission.
    #[serde(default)]
    pub estimated_shop_ads_commission: Option<Amount>,
    /// Estimated reward from affiliate partners.
    #[serde(default)]
    pub estimated_creator_commission_reward_fee: Option<Amount>,
    /// Actual base commission (base × rate).
    #[serde(default)]
    pub actual_commission: Option<Amount>,
    /// Actual bonus.
    #[serde(default)]
    pub actual_bonus_commission: Option<Amount>,
    /// Actual Shop Ads commission.
    #[serde(default)]
    pub actual_shop_ads_commission: Option<Amount>,
    /// Actual reward from affiliate partners.
    #[serde(default)]
    pub actual_creator_commission_reward_fee: Option<Amount>,
    /// Units returned.
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub returned_quantity: Option<u32>,
    /// Units refunded.
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub refunded_quantity: Option<u32>,
}

/// `data` of [`SearchSellerAffiliateOrders`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SellerAffiliateOrderPage {
    /// `orders[]`.
    #[serde(default)]
    pub orders: Items<SellerAffiliateOrder>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Orders matching.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// An order a shop got through a creator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SellerAffiliateOrder {
    /// Order id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// Created.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    /// Delivered.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub delivery_time: Option<i64>,
    /// `PROCESSING`, `COMPLETED`, `CANCELLED`, `FROZEN`, `DEDUCTED`.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// Its skus (no sku id is given).
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub skus: Vec<SellerAffiliateSku>,
}

/// One sku of a shop's affiliate order: the commission the shop pays.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SellerAffiliateSku {
    /// Product id.
    #[serde(default, deserialize_with = "de::string")]
    pub product_id: String,
    /// The creator.
    #[serde(default, deserialize_with = "de::string")]
    pub creator_username: String,
    /// Content format.
    #[serde(default, deserialize_with = "de::string")]
    pub content_type: String,
    /// A string on the seller side.
    #[serde(default, deserialize_with = "de::string")]
    pub commission_rate: String,
    /// Units.
    #[serde(default, deserialize_with = "de::opt_u32")]
    pub quantity: Option<u32>,
    /// Selling price.
    #[serde(default)]
    pub price: Option<Amount>,
    /// Estimated commission the seller pays.
    #[serde(default)]
    pub estimated_paid_commission: Option<Amount>,
    /// Estimated Shop Ads commission the seller pays.
    #[serde(default)]
    pub estimated_paid_shop_ads_commission: Option<Amount>,
    /// Actual commission the seller pays.
    #[serde(default)]
    pub actual_paid_commission: Option<Amount>,
    /// Actual Shop Ads commission the seller pays.
    #[serde(default)]
    pub actual_paid_shop_ads_commission: Option<Amount>,
}

/// `GET /affiliate_creator/202508/profiles`: the creator's profile (region included).
#[derive(Debug, Clone, Default)]
pub struct GetCreatorProfile;

impl ApiRequest for GetCreatorProfile {
    type Response = CreatorProfile;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/affiliate_creator/202508/profiles";
    const SHOP_SCOPED: bool = false;
    const SCOPE: &'static str = "creator.affiliate.info";
}

/// A creator's profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreatorProfile {
    /// TikTok username.
    #[serde(default, deserialize_with = "de::string")]
    pub username: String,
    /// Where the creator may promote products: the region the product serves.
    #[serde(default, deserialize_with = "de::string")]
    pub selection_region: String,
    /// Where the TikTok account is registered.
    #[serde(default, deserialize_with = "de::string")]
    pub register_region: String,
    /// `LOCAL` or `CROSS_BORDER` when the creator also sells.
    #[serde(default, deserialize_with = "de::string")]
    pub seller_type: String,
    /// `TIKTOK_SHOP_CREATOR`, …
    #[serde(default, deserialize_with = "de::string")]
    pub user_type: String,
    /// The creator's open id for these APIs.
    #[serde(default, deserialize_with = "de::string")]
    pub creator_user_open_id: String,
}

page_impl!(counted: CreatorAffiliateOrderPage, SellerAffiliateOrderPage);
paginated_impl!(SearchCreatorAffiliateOrders, SearchSellerAffiliateOrders);
