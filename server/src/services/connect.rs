//! Connecting TikTok Shop: the authorize URL with a state bound to the session and wallet, and
//! the callback that exchanges the code, lists the shops, checks their regions, stores each
//! connection and runs its first sync through the sync engine (the 90-day backfill, income and
//! score) before redirecting.
//!
//! A connection succeeds with whatever the granted scopes return: an endpoint that fails is
//! recorded as a fetch issue (lowering confidence) and what was fetched is kept.

use std::sync::Arc;

use app::error::AppError;
use app::ports::CallbackParams;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shopscore::money::Currency;
use shopscore::records::{SellerType, SourceInfo, SourceKind};
use shopscore::region::{availability_of, Availability, Region};
use shopscore::wallet::WalletAddress;
use tower_sessions::Session;
use url::Url;

use super::wallet::{session_id, WALLET_KEY};
use crate::config::Secret;
use crate::db::{now_unix, ConnectionRow, Database, Redeemed};
use crate::sync::SyncEngine;
use crate::tiktok::api::GetAuthorizedShops;
use crate::tiktok::{AuthCode, ErrorKind, ShopCipher, TikTokError};
use crate::vault::TokenKind;

/// How long an OAuth state waits for TikTok's redirect.
pub const STATE_TTL_SECS: i64 = 600;
/// The platform name stored and shown.
pub const PLATFORM: &str = "tiktok_shop";

/// Where the browser goes to authorize, and where TikTok sends it back.
#[derive(Debug, Clone)]
pub struct AuthorizeLinks {
    /// The seller authorization page.
    pub authorize_url: Url,
    /// The creator authorization page (creators authorize on a page of their own).
    pub creator_authorize_url: Url,
    /// The app's service id.
    pub service_id: String,
}

/// Why a connect failed: the `tiktokshop_error` code the dashboard explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectError {
    ConsentDenied,
    StateMissing,
    StateInvalid,
    StateExpired,
    StateReused,
    CodeMissing,
    CodeRejected,
    NoShop,
    RestrictedRegion,
    MissingPermission(String),
    TokenExpired,
    TokenRevoked,
    TikTokUnavailable,
    Internal,
}

impl ConnectError {
    /// The query string for the dashboard redirect.
    pub fn query(&self) -> String {
        let code = match self {
            ConnectError::ConsentDenied => "consent_denied",
            ConnectError::StateMissing => "state_missing",
            ConnectError::StateInvalid => "state_invalid",
            ConnectError::StateExpired => "state_expired",
            ConnectError::StateReused => "state_reused",
            ConnectError::CodeMissing => "code_missing",
            ConnectError::CodeRejected => "code_rejected",
            ConnectError::NoShop => "no_shop",
            ConnectError::RestrictedRegion => "restricted_region",
            ConnectError::MissingPermission(_) => "missing_permission",
            ConnectError::TokenExpired => "token_expired",
            ConnectError::TokenRevoked => "token_revoked",
            ConnectError::TikTokUnavailable => "tiktok_unavailable",
            ConnectError::Internal => "internal",
        };
        match self {
            ConnectError::MissingPermission(scope) => {
                format!("tiktokshop_error={code}&permission={}", urlencode(scope))
            }
            _ => format!("tiktokshop_error={code}"),
        }
    }

    fn from_tiktok(error: &TikTokError, what: &str) -> ConnectError {
        match error.kind() {
            ErrorKind::InvalidToken => ConnectError::TokenRevoked,
            ErrorKind::TokenExpired => ConnectError::TokenExpired,
            ErrorKind::MissingScope => ConnectError::MissingPermission(what.to_string()),
            ErrorKind::ServerError
            | ErrorKind::Timeout
            | ErrorKind::Transport
            | ErrorKind::RateLimited => ConnectError::TikTokUnavailable,
            _ => ConnectError::Internal,
        }
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn internal(context: &str, error: impl std::fmt::Display) -> ConnectError {
    tracing::error!(error = %error, "{context}");
    ConnectError::Internal
}

/// SHA-256 of a state, hex: only this is stored.
pub fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

fn random_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// One account found in an authorization: a shop, or the creator account itself.
struct Account {
    platform_account_id: String,
    kind: SourceKind,
    name: String,
    region: String,
    currency: Currency,
    cipher: Option<ShopCipher>,
    seller_type: Option<String>,
}

/// The connect flow.
pub struct ConnectService {
    db: Arc<dyn Database>,
    engine: Arc<SyncEngine>,
    links: AuthorizeLinks,
}

impl ConnectService {
    /// Wires the flow.
    pub fn new(db: Arc<dyn Database>, engine: Arc<SyncEngine>, links: AuthorizeLinks) -> Self {
        ConnectService { db, engine, links }
    }

    /// The authorize URL for the signed-in wallet, with a fresh state bound to the session:
    /// the seller page, or the creator page with `creator`.
    pub async fn auth_url(
        &self,
        session: &Session,
        wallet: &str,
        creator: bool,
    ) -> Result<String, AppError> {
        let requested = WalletAddress::parse(wallet).map_err(|e| {
            AppError::BadRequest(format!("The wallet parameter is not a valid address: {e}."))
        })?;
        let signed_in: Option<String> = session
            .get(WALLET_KEY)
            .await
            .map_err(|_| AppError::Internal)?;
        let signed_in = signed_in.ok_or(AppError::Unauthorized)?;
        if requested.to_string() != signed_in {
            return Err(AppError::Forbidden);
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let state = {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        };
        let sid = session_id(session).await?;
        let now = now_unix();
        self.db
            .create_oauth_state(
                &state_hash(&state),
                &sid,
                &signed_in,
                now,
                now + STATE_TTL_SECS,
            )
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "cannot store an OAuth state");
                AppError::Internal
            })?;
        let mut url = if creator {
            self.links.creator_authorize_url.clone()
        } else {
            self.links.authorize_url.clone()
        };
        url.query_pairs_mut()
            .append_pair("service_id", &self.links.service_id)
            .append_pair("state", &state);
        Ok(url.to_string())
    }

    /// Handles TikTok's redirect and says where the browser goes next.
    pub async fn callback(&self, session: &Session, params: CallbackParams) -> String {
        match self.connect(session, params).await {
            Ok(wallet) => {
                tracing::info!(wallet = %wallet, "TikTok Shop connected");
                "/dashboard?tiktokshop_connected=true".to_string()
            }
            Err(error) => {
                tracing::info!(error = ?error, "TikTok Shop connect failed");
                format!("/dashboard?{}", error.query())
            }
        }
    }

    async fn connect(
        &self,
        session: &Session,
        params: CallbackParams,
    ) -> Result<String, ConnectError> {
        let state = params
            .state
            .filter(|s| !s.is_empty())
            .ok_or(ConnectError::StateMissing)?;
        if state.len() > 200 {
            return Err(ConnectError::StateInvalid);
        }
        let now = now_unix();
        let (state_session, wallet) = match self
            .db
            .redeem_oauth_state(&state_hash(&state), now)
            .await
            .map_err(|e| internal("cannot redeem an OAuth state", e))?
        {
            Redeemed::Fresh(bound) => bound,
            Redeemed::Unknown => return Err(ConnectError::StateInvalid),
            Redeemed::Reused => return Err(ConnectError::StateReused),
            Redeemed::Expired => return Err(ConnectError::StateExpired),
        };
        // The browser that asked must be the one that comes back, still signed in as the wallet.
        let current_session = session.id().map(|id| id.to_string());
        let current_wallet: Option<String> = session.get(WALLET_KEY).await.ok().flatten();
        if current_session.as_deref() != Some(state_session.as_str())
            || current_wallet.as_deref() != Some(&wallet)
        {
            return Err(ConnectError::StateInvalid);
        }
        if params.error.is_some() {
            return Err(ConnectError::ConsentDenied);
        }
        let code = params
            .code
            .filter(|c| !c.is_empty())
            .ok_or(ConnectError::CodeMissing)?;
        if code.len() > 512 {
            return Err(ConnectError::CodeRejected);
        }

        let grant = self
            .engine
            .client()
            .get_token(&AuthCode::new(code))
            .await
            .map_err(|e| match e.kind() {
                ErrorKind::ServerError
                | ErrorKind::Timeout
                | ErrorKind::Transport
                | ErrorKind::RateLimited => ConnectError::TikTokUnavailable,
                _ => {
                    tracing::info!(error = %e, "the authorization code was rejected");
                    ConnectError::CodeRejected
                }
            })?;
        let token = grant.access_token.clone();
        let scopes = grant.granted_scopes.clone();

        let mut accounts = Vec::new();
        let mut shop_error = None;
        let is_creator = grant.user_type == crate::tiktok::UserType::Creator
            || scopes
                .iter()
                .any(|s| s == "creator.affiliate_collaboration.read");
        if grant.user_type == crate::tiktok::UserType::Seller {
            match self
                .engine
                .client()
                .send(&token, None, &GetAuthorizedShops)
                .await
            {
                Ok(list) => {
                    for shop in list.shops {
                        let availability = availability_of(&shop.region);
                        if availability != Availability::Supported {
                            tracing::info!(region = %shop.region, "skipping a shop outside the supported regions");
                            shop_error.get_or_insert(ConnectError::RestrictedRegion);
                            continue;
                        }
                        let currency = Region::from_code(&shop.region)
                            .and_then(|r| r.default_currency())
                            .unwrap_or(Currency::USD);
                        let Ok(cipher) = ShopCipher::parse(shop.cipher.clone()) else {
                            tracing::warn!(shop.id = %shop.id, "skipping a shop with an unusable cipher");
                            continue;
                        };
                        accounts.push(Account {
                            platform_account_id: shop.id.clone(),
                            kind: SourceKind::Shop,
                            name: shop.name.clone(),
                            region: shop.region.clone(),
                            currency,
                            cipher: Some(cipher),
                            seller_type: Some(shop.seller_type.clone()),
                        });
                    }
                }
                Err(e) => {
                    shop_error = Some(ConnectError::from_tiktok(&e, "seller.authorization.info"))
                }
            }
        }
        if is_creator {
            let region = if grant.seller_base_region.is_empty() {
                "US".to_string()
            } else {
                grant.seller_base_region.clone()
            };
            if availability_of(&region) == Availability::Supported {
                let currency = Region::from_code(&region)
                    .and_then(|r| r.default_currency())
                    .unwrap_or(Currency::USD);
                accounts.push(Account {
                    platform_account_id: grant.open_id.clone(),
                    kind: SourceKind::Creator,
                    name: if grant.seller_name.is_empty() {
                        "Creator account".into()
                    } else {
                        grant.seller_name.clone()
                    },
                    region,
                    currency,
                    cipher: None,
                    seller_type: None,
                });
            } else {
                shop_error.get_or_insert(ConnectError::RestrictedRegion);
            }
        }
        if accounts.is_empty() {
            return Err(shop_error.unwrap_or(ConnectError::NoShop));
        }

        let existing = self
            .db
            .list_connections(&wallet)
            .await
            .map_err(|e| internal("cannot list connections", e))?;
        // Every account of the grant is stored before any first sync: they share its refresh
        // token, and a sync that refreshes it must find the others to hand it on.
        let mut stored = Vec::with_capacity(accounts.len());
        for account in accounts {
            let id = existing
                .iter()
                .find(|c| {
                    c.platform == PLATFORM && c.platform_account_id == account.platform_account_id
                })
                .map(|c| c.id.clone())
                .unwrap_or_else(random_id);
            let seal = |kind, secret: &Secret| {
                self.engine
                    .vault()
                    .seal(&id, kind, secret)
                    .map_err(|e| internal("cannot seal a token", e))
            };
            let access = seal(TokenKind::Access, &Secret::new(grant.access_token.expose()))?;
            let refresh = seal(
                TokenKind::Refresh,
                &Secret::new(grant.refresh_token.expose()),
            )?;
            let mut source =
                SourceInfo::new(&account.platform_account_id, account.kind, account.currency);
            source.name = account.name.clone();
            source.region = Region::from_code(&account.region);
            source.seller_type = account.seller_type.as_deref().map(|t| match t {
                "CROSS_BORDER" | "LOCAL" => SellerType::Business,
                _ => SellerType::Individual,
            });
            let mut row = ConnectionRow {
                id: id.clone(),
                wallet: wallet.clone(),
                platform: PLATFORM.to_string(),
                platform_account_id: account.platform_account_id.clone(),
                account_kind: match account.kind {
                    SourceKind::Shop => "shop",
                    SourceKind::Creator => "creator",
                }
                .to_string(),
                open_id: grant.open_id.clone(),
                shop_name: account.name.clone(),
                shop_cipher: account.cipher.as_ref().map(|c| c.as_str().to_string()),
                region: account.region.clone(),
                currency: account.currency.code().to_string(),
                seller_type: account.seller_type.clone(),
                status: "active".to_string(),
                scopes: scopes.clone(),
                access_token: Some(access),
                access_expires_at: Some(grant.access_token_expire_in),
                refresh_token: Some(refresh),
                refresh_expires_at: Some(grant.refresh_token_expire_in),
                connected_at: now,
                last_synced_at: None,
                source_info: serde_json::to_string(&source)
                    .map_err(|e| internal("cannot encode a source", e))?,
                revenue_data: None,
                score: None,
                model_version: None,
                inputs_digest: None,
                fetch_issues: "[]".to_string(),
                sync_fetched: 0,
                sync_total: 0,
                next_sync_at: None,
            };
            row.id = self
                .db
                .upsert_connection(&row)
                .await
                .map_err(|e| internal("cannot store a connection", e))?;
            stored.push(row.id);
        }
        for id in stored {
            if let Err(e) = self.engine.initial_sync(&id).await {
                return Err(internal("the first sync failed", e));
            }
            let _ = self
                .db
                .record_event(
                    "tiktok_connected",
                    Some(&wallet),
                    &format!("connection {id}"),
                )
                .await;
        }
        // Each first sync already rescored the wallet over all its connections.
        Ok(wallet)
    }

    /// Recomputes and stores the borrower's score over all their connections.
    pub async fn recompute_wallet(&self, wallet: &str, now: i64) -> Result<(), ConnectError> {
        self.engine
            .recompute_wallet(wallet, now)
            .await
            .map_err(|e| internal("cannot recompute a score", e))
    }
}
