//! Authorization: `GET /authorization/202309/shops` (reference page
//! `authorization/get-authorized-shops`).

use serde::{Deserialize, Serialize};

use super::{ApiRequest, Items, Method};
use crate::tiktok::de;

/// `GET /authorization/202309/shops`: the shops the seller token may read, with their ciphers.
/// Takes no `shop_cipher` (sending one is answered 36009004 "Unexpected identifier").
#[derive(Debug, Clone, Default)]
pub struct GetAuthorizedShops;

impl ApiRequest for GetAuthorizedShops {
    type Response = AuthorizedShops;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/authorization/202309/shops";
    const SHOP_SCOPED: bool = false;
    const SCOPE: &'static str = "seller.authorization.info";
}

/// `data` of [`GetAuthorizedShops`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizedShops {
    /// `shops[]`.
    #[serde(default)]
    pub shops: Items<AuthorizedShop>,
}

/// One authorized shop.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorizedShop {
    /// "An internal identifier for the TikTok Shop" (webhooks name it in `shop_id`).
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// Shop name.
    #[serde(default, deserialize_with = "de::string")]
    pub name: String,
    /// Region code (`GB` for the United Kingdom).
    #[serde(default, deserialize_with = "de::string")]
    pub region: String,
    /// `LOCAL` or `CROSS_BORDER`.
    #[serde(default, deserialize_with = "de::string")]
    pub seller_type: String,
    /// The shop cipher for shop-scoped calls.
    #[serde(default, deserialize_with = "de::string")]
    pub cipher: String,
    /// The shop code shown in Seller Center.
    #[serde(default, deserialize_with = "de::string")]
    pub code: String,
}
