//! Connecting TikTok Shop: the authorize URL with a state bound to the session and wallet, and
//! the callback that exchanges the code, lists the shops, checks their regions, fetches the
//! 90-day window, computes income and score with the domain core and stores everything.
//!
//! A connection succeeds with whatever the granted scopes return: an endpoint that fails is
//! recorded as a fetch issue (lowering confidence) and what was fetched is kept.

use std::sync::Arc;

use app::api::FetchIssue;
use app::error::AppError;
use app::ports::CallbackParams;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shopscore::income::{IncomeAccumulator, IncomeReport, IncomeWindow};
use shopscore::money::{Currency, FxTable};
use shopscore::records::{DataScope, Record, SellerType, SourceInfo, SourceKind};
use shopscore::region::{availability_of, Availability, Region};
use shopscore::score::{compute_score, ScoreReport};
use shopscore::wallet::WalletAddress;
use tower_sessions::Session;
use url::Url;

use super::wallet::{session_id, WALLET_KEY};
use crate::config::Secret;
use crate::db::{now_unix, ConnectionRow, Database, Redeemed, WalletScoreRow};
use crate::tiktok::api::{
    GetAuthorizedShops, GetPayments, GetShopPerformance, GetStatements,
    SearchCreatorAffiliateOrders, SearchOrders, SearchProducts, SearchReturns,
};
use crate::tiktok::{
    normalize, AccessToken, AuthCode, ErrorKind, Page, Paginated, ShopCipher, TikTokClient,
    TikTokError,
};
use crate::vault::{TokenKind, TokenVault};

/// How long an OAuth state waits for TikTok's redirect.
pub const STATE_TTL_SECS: i64 = 600;
/// The income window.
pub const WINDOW_DAYS: u32 = 90;
/// The platform name stored and shown.
pub const PLATFORM: &str = "tiktok_shop";

/// Where the browser goes to authorize, and where TikTok sends it back.
#[derive(Debug, Clone)]
pub struct AuthorizeLinks {
    /// The seller authorization page.
    pub authorize_url: Url,
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
    vault: Arc<TokenVault>,
    client: Arc<TikTokClient>,
    links: AuthorizeLinks,
    fx: FxTable,
}

impl ConnectService {
    /// Wires the flow.
    pub fn new(
        db: Arc<dyn Database>,
        vault: Arc<TokenVault>,
        client: Arc<TikTokClient>,
        links: AuthorizeLinks,
        fx: FxTable,
    ) -> Self {
        ConnectService {
            db,
            vault,
            client,
            links,
            fx,
        }
    }

    /// The authorize URL for the signed-in wallet, with a fresh state bound to the session.
    pub async fn auth_url(&self, session: &Session, wallet: &str) -> Result<String, AppError> {
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
        let mut url = self.links.authorize_url.clone();
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
            .client
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
            match self.client.send(&token, None, &GetAuthorizedShops).await {
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
        for account in accounts {
            let id = existing
                .iter()
                .find(|c| {
                    c.platform == PLATFORM && c.platform_account_id == account.platform_account_id
                })
                .map(|c| c.id.clone())
                .unwrap_or_else(random_id);
            let seal = |kind, secret: &Secret| {
                self.vault
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
            };
            row.id = self
                .db
                .upsert_connection(&row)
                .await
                .map_err(|e| internal("cannot store a connection", e))?;
            self.sync_connection(&mut row, &mut source, &token, account.cipher.as_ref(), now)
                .await?;
            let _ = self
                .db
                .record_event(
                    "tiktok_connected",
                    Some(&wallet),
                    &format!("connection {}", row.id),
                )
                .await;
        }
        self.recompute_wallet(&wallet, now).await?;
        Ok(wallet)
    }

    /// Fetches the window for one connection, stores the records page by page, computes its own
    /// income and score and saves them with the fetch issues.
    async fn sync_connection(
        &self,
        row: &mut ConnectionRow,
        source: &mut SourceInfo,
        token: &AccessToken,
        cipher: Option<&ShopCipher>,
        now: i64,
    ) -> Result<(), ConnectError> {
        let from = now - i64::from(WINDOW_DAYS) * 86_400;
        let mut issues: Vec<FetchIssue> = Vec::new();
        let sid = source.id.clone();
        match source.kind {
            SourceKind::Shop => {
                let req = SearchOrders::created_between(from, now);
                self.fetch(
                    row,
                    token,
                    cipher,
                    req,
                    "orders",
                    DataScope::Orders,
                    source,
                    &mut issues,
                    |p| p.orders.iter().map(|o| normalize::order(&sid, o)).collect(),
                )
                .await?;
                let req = SearchReturns::created_between(from, now);
                self.fetch(
                    row,
                    token,
                    cipher,
                    req,
                    "returns",
                    DataScope::Returns,
                    source,
                    &mut issues,
                    |p| {
                        p.return_orders
                            .iter()
                            .map(|r| normalize::return_order(&sid, r))
                            .collect()
                    },
                )
                .await?;
                let req = GetStatements {
                    statement_time_ge: Some(from),
                    statement_time_lt: Some(now),
                    ..Default::default()
                };
                self.fetch(
                    row,
                    token,
                    cipher,
                    req,
                    "statements",
                    DataScope::Finance,
                    source,
                    &mut issues,
                    |p| {
                        p.statements
                            .iter()
                            .map(|s| normalize::statement(&sid, s))
                            .collect()
                    },
                )
                .await?;
                let req = GetPayments {
                    create_time_ge: Some(from),
                    create_time_lt: Some(now),
                    ..Default::default()
                };
                self.fetch(
                    row,
                    token,
                    cipher,
                    req,
                    "payments",
                    DataScope::Finance,
                    source,
                    &mut issues,
                    |p| {
                        p.payments
                            .iter()
                            .map(|s| normalize::payment(&sid, s))
                            .collect()
                    },
                )
                .await?;
                let req = SearchProducts::default();
                self.fetch(
                    row,
                    token,
                    cipher,
                    req,
                    "products",
                    DataScope::Products,
                    source,
                    &mut issues,
                    |p| {
                        p.products
                            .iter()
                            .map(|s| normalize::product(&sid, s))
                            .collect()
                    },
                )
                .await?;
                match self.client.send(token, cipher, &GetShopPerformance).await {
                    Ok(perf) => {
                        source.opened_at = perf.shop_open_time;
                        source.metrics = Some(normalize::shop_metrics(&perf));
                    }
                    Err(e) => issues.push(issue("shop_metrics", &e)),
                }
            }
            SourceKind::Creator => {
                let req = SearchCreatorAffiliateOrders::created_between(from, now);
                self.fetch(
                    row,
                    token,
                    None,
                    req,
                    "affiliate_orders",
                    DataScope::Affiliate,
                    source,
                    &mut issues,
                    |p| {
                        p.orders
                            .iter()
                            .flat_map(|o| normalize::affiliate_order(&sid, o))
                            .collect()
                    },
                )
                .await?;
            }
        }
        row.fetch_issues = serde_json::to_string(&issues)
            .map_err(|e| internal("cannot encode fetch issues", e))?;
        row.source_info =
            serde_json::to_string(&*source).map_err(|e| internal("cannot encode a source", e))?;
        row.last_synced_at = Some(now);
        let (income, score) = self.compute(std::slice::from_ref(row), now).await?;
        row.revenue_data =
            Some(serde_json::to_string(&income).map_err(|e| internal("cannot encode income", e))?);
        row.score =
            Some(serde_json::to_string(&score).map_err(|e| internal("cannot encode a score", e))?);
        row.model_version = Some(score.model_version.clone());
        row.inputs_digest = Some(score.inputs_digest.clone());
        self.db
            .save_connection_results(row)
            .await
            .map_err(|e| internal("cannot save sync results", e))
    }

    /// Fetches every page of one resource, storing each page's records as it arrives. A
    /// failure becomes a fetch issue; pages already stored stay stored.
    #[allow(clippy::too_many_arguments)] // one call per resource, each naming what it fetches
    async fn fetch<R, F>(
        &self,
        row: &ConnectionRow,
        token: &AccessToken,
        cipher: Option<&ShopCipher>,
        request: R,
        resource: &str,
        scope: DataScope,
        source: &mut SourceInfo,
        issues: &mut Vec<FetchIssue>,
        records_of: F,
    ) -> Result<(), ConnectError>
    where
        R: Paginated,
        R::Response: Page,
        F: Fn(&R::Response) -> Vec<Record>,
    {
        let mut pages = self.client.pages(token, cipher, request);
        while let Some(page) = pages.next_page().await {
            match page {
                Ok(page) => {
                    let records = records_of(&page);
                    self.db
                        .store_records(&row.id, &records, now_unix())
                        .await
                        .map_err(|e| internal("cannot store records", e))?;
                }
                Err(e) => {
                    if e.kind() == ErrorKind::MissingScope
                        && !source.missing_scopes.contains(&scope)
                    {
                        source.missing_scopes.push(scope);
                    }
                    tracing::info!(resource, error = %e, "a resource could not be fetched");
                    issues.push(issue(resource, &e));
                    break;
                }
            }
        }
        Ok(())
    }

    /// Income and score over the stored records of `rows`, streamed from the database.
    pub async fn compute(
        &self,
        rows: &[ConnectionRow],
        now: i64,
    ) -> Result<(IncomeReport, ScoreReport), ConnectError> {
        let sources: Vec<SourceInfo> = rows
            .iter()
            .map(|r| serde_json::from_str(&r.source_info))
            .collect::<Result<_, _>>()
            .map_err(|e| internal("a stored source is unreadable", e))?;
        let mut acc = IncomeAccumulator::new(
            IncomeWindow::new(now, WINDOW_DAYS),
            &sources,
            self.fx.clone(),
        );
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        self.db
            .for_each_record(&ids, &mut |record| acc.add(&record))
            .await
            .map_err(|e| internal("cannot read stored records", e))?;
        let income = acc.finish();
        let score = compute_score(&income);
        Ok((income, score))
    }

    /// Recomputes and stores the borrower's score over all their connections.
    pub async fn recompute_wallet(&self, wallet: &str, now: i64) -> Result<(), ConnectError> {
        let rows = self
            .db
            .list_connections(wallet)
            .await
            .map_err(|e| internal("cannot list connections", e))?;
        if rows.is_empty() {
            return self
                .db
                .delete_wallet_score(wallet)
                .await
                .map_err(|e| internal("cannot delete a score", e));
        }
        let (income, score) = self.compute(&rows, now).await?;
        let row = WalletScoreRow {
            wallet: wallet.to_string(),
            income: serde_json::to_string(&income)
                .map_err(|e| internal("cannot encode income", e))?,
            score: serde_json::to_string(&score)
                .map_err(|e| internal("cannot encode a score", e))?,
            model_version: score.model_version.clone(),
            inputs_digest: score.inputs_digest.clone(),
            computed_at: now,
        };
        self.db
            .save_wallet_score(&row)
            .await
            .map_err(|e| internal("cannot save a score", e))
    }
}

/// The TikTok Shop permission (scope) a resource needs.
pub fn permission_for(resource: &str) -> &'static str {
    match resource {
        "orders" => "seller.order.info",
        "returns" => "seller.return_refund.basic",
        "statements" | "payments" => "seller.finance.info",
        "products" => "seller.product.basic",
        "shop_metrics" => "seller.authorization.info",
        "affiliate_orders" => "creator.affiliate_collaboration.read",
        _ => "seller.authorization.info",
    }
}

/// A fetch issue for the borrower, from a TikTok error.
fn issue(resource: &str, error: &TikTokError) -> FetchIssue {
    let (code, message) = match error.kind() {
        ErrorKind::MissingScope => (
            "missing_permission",
            format!(
                "shopscore was not granted the {} permission, so your {} could not be read.",
                permission_for(resource),
                resource.replace('_', " ")
            ),
        ),
        ErrorKind::ServerError | ErrorKind::Timeout | ErrorKind::Transport | ErrorKind::RateLimited => (
            "tiktok_unavailable",
            format!("TikTok Shop did not answer for your {}; we will try again.", resource.replace('_', " ")),
        ),
        ErrorKind::InvalidToken | ErrorKind::TokenExpired => (
            "token_invalid",
            "TikTok Shop no longer accepts this connection's authorization. Reconnect to refresh it.".to_string(),
        ),
        _ => ("fetch_failed", format!("Your {} could not be read from TikTok Shop.", resource.replace('_', " "))),
    };
    FetchIssue {
        resource: resource.to_string(),
        code: code.to_string(),
        message,
    }
}
