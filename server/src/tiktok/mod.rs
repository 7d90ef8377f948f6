//! The TikTok Shop Open API client, written from TikTok's own reference
//! (`lazykern/ecommerce-api-docs`): pure signing, typed requests and responses, the one send
//! path (rate limit per API, retry policy, body cap, envelope, errors), bounded paging,
//! webhooks and normalisation into the domain core's records. Hosts come from configuration
//! ([`crate::config::tiktok_hosts`]).

pub mod api;
pub mod client;
mod de;
pub mod envelope;
pub mod error;
pub mod normalize;
pub mod paging;
pub mod retry;
pub mod secret;
pub mod sign;
pub mod token;
pub mod transport;
pub mod turnstile;
pub mod webhook;

pub use api::{ApiRequest, Items, Method, Page, PageRange, Paginated};
pub use client::{Scope, TikTokClient, TikTokConfig};
pub use envelope::decode_envelope;
pub use error::{codes, ErrorKind, TikTokError};
pub use paging::{PageGuard, PagingError};
pub use retry::RetryPolicy;
pub use secret::{AccessToken, AppSecret, AuthCode, RefreshToken, ShopCipher};
pub use sign::{sign, SignableRequest, Signature};
pub use token::{decode_token_response, TokenGrant, UserType};
pub use transport::{
    CallKind, ReqwestTransport, Transport, TransportError, WireRequest, WireResponse,
};

/// Every scope the product reads with, as the reference names them, and what it unlocks
/// (sandbox personas grant subsets; a missing one is named to the borrower).
pub const SCOPES: &[(&str, &str)] = &[
    ("seller.authorization.info", "the shops you authorized"),
    ("seller.order.info", "your orders"),
    ("seller.product.basic", "your products and launch dates"),
    (
        "seller.finance.info",
        "statements, payouts and money on its way",
    ),
    ("seller.return_refund.basic", "returns and refunds"),
    (
        "seller.affiliate_collaboration.read",
        "orders your shop got through creators",
    ),
    (
        "data.shop_analytics.public.read",
        "TikTok's own shop analytics (GMV, orders, refunds)",
    ),
    ("seller.customer_service", "customer-service performance"),
    (
        "creator.affiliate_collaboration.read",
        "your affiliate orders and commissions",
    ),
    ("creator.affiliate.info", "your creator profile and region"),
];

#[cfg(test)]
mod sample_tests;
