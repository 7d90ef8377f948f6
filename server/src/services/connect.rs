//! Connecting TikTok Shop.
//!
//! - **The link**: the seller page of the market the borrower chose (rest of world or the US,
//!   each with its own service id) or the creator page (`app_key`), with a fresh state bound
//!   to the session, the wallet, the market and the account kind.
//! - **The callback** stores and redirects: the code is exchanged, the accounts discovered
//!   (shops in the supported regions, or the creator with its region from TikTok), the grant,
//!   its connections, their jobs and first checkpoints written in one transaction (tokens sealed
//!   with the grant's id), and the first syncs started in the background. The browser waits for
//!   them only a few seconds (`CONNECT_WAIT_SECS`): a small shop lands with its score, a large
//!   one keeps filling in behind the progress bar.
//! - **An App Store install** comes back without a state: its grant is held sealed for this
//!   browser session for a few minutes until the user signs in with the wallet that should own
//!   it and claims it (single use, never from another browser).

use std::sync::Arc;
use std::time::Duration;

use app::api::{ConnectFailure, ConnectOutcome, PendingInstall};
use app::error::AppError;
use app::ports::{CallbackParams, ConnectAccount, ShopMarket};
use rand::RngCore;
use sha2::{Digest, Sha256};
use shopscore::records::SourceKind;
use shopscore::wallet::WalletAddress;
use tower_sessions::Session;
use url::Url;

use super::accounts::{self, Discovered};
use super::wallet::{browser_key, existing_browser_key, session_id, WALLET_KEY};
use crate::clock::Clock;
use crate::config::SyncSettings;
use crate::db::{
    Connected, Database, DbError, FirstRun, GrantUser, Market, NewGrant, PendingGrant,
    PendingGrantInfo, Redeemed, SealedTokens, StateBinding,
};
use crate::sync::{Resource, SyncEngine};
use crate::tiktok::{
    AccessToken, AuthCode, ErrorKind, RefreshToken, TikTokClient, TokenGrant, UserType,
};
use crate::vault::{TokenKind, TokenVault};

/// How long an OAuth state waits for TikTok's redirect.
pub const STATE_TTL_SECS: i64 = 600;
/// How long an App Store install waits for a wallet to claim it.
pub const INSTALL_TTL_SECS: i64 = 600;

/// A seller authorization page and its service id.
#[derive(Debug, Clone)]
pub struct MarketLink {
    /// `…/open/authorize`.
    pub authorize_url: Url,
    /// The Partner Center app's service id for this market.
    pub service_id: String,
}

/// Where the browser goes to authorize.
#[derive(Debug, Clone)]
pub struct AuthorizeLinks {
    /// Rest of world.
    pub global: Option<MarketLink>,
    /// The United States.
    pub us: Option<MarketLink>,
    /// The creator page (`?app_key=…&state=…`).
    pub creator_url: Url,
    /// The app key the creator page takes.
    pub app_key: String,
}

impl AuthorizeLinks {
    /// The seller markets configured.
    pub fn markets(&self) -> Vec<ShopMarket> {
        let mut markets = Vec::new();
        if self.global.is_some() {
            markets.push(ShopMarket::Global);
        }
        if self.us.is_some() {
            markets.push(ShopMarket::Us);
        }
        markets
    }
}

fn market_of(market: ShopMarket) -> Market {
    match market {
        ShopMarket::Global => Market::Global,
        ShopMarket::Us => Market::Us,
    }
}

fn internal(context: &str, error: impl std::fmt::Display) -> ConnectFailure {
    tracing::error!(error = %error, "{context}");
    ConnectFailure::Internal
}

/// SHA-256 of a state, hex: only this is stored.
pub fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

fn random_token(bytes: usize) -> String {
    use base64::Engine as _;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// The grant's tokens in the clear, only for as long as a connect takes.
struct Tokens {
    access: AccessToken,
    access_expires_at: i64,
    refresh: RefreshToken,
    refresh_expires_at: i64,
}

/// What connecting needs to know of an authorization, whichever way it came.
struct Authorization {
    open_id: String,
    user: UserType,
    seller_name: String,
    region: String,
    scopes: Vec<String>,
    tokens: Tokens,
}

impl From<TokenGrant> for Authorization {
    fn from(g: TokenGrant) -> Self {
        Authorization {
            open_id: g.open_id,
            user: g.user_type,
            seller_name: g.seller_name,
            region: g.seller_base_region,
            scopes: g.granted_scopes,
            tokens: Tokens {
                access: g.access_token,
                access_expires_at: g.access_token_expire_in,
                refresh: g.refresh_token,
                refresh_expires_at: g.refresh_token_expire_in,
            },
        }
    }
}

/// The longest `state` accepted (ours are 43 characters).
pub const MAX_STATE_LEN: usize = 200;
/// The longest authorization code sent on to TikTok.
pub const MAX_CODE_LEN: usize = 512;

/// What TikTok's redirect asks for, read from its query before anything is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackStep {
    /// No `state`: an install started in TikTok's App Store, held for this browser.
    Install { code: String },
    /// A redirect of ours: redeem `state`, then exchange `code` unless consent was `denied`.
    Redeem {
        state: String,
        code: Option<String>,
        denied: bool,
    },
}

/// Reads a redirect's query (TikTok sends `code=null` with a refusal). A state of ours is
/// always redeemed (spent) before the code is judged. Pure: never panics.
pub fn read_callback(params: CallbackParams) -> Result<CallbackStep, ConnectFailure> {
    let code = params.code.filter(|c| !c.is_empty() && c != "null");
    let denied = params.error.is_some();
    match params.state.filter(|s| !s.is_empty()) {
        None if denied => Err(ConnectFailure::ConsentDenied),
        None => match code {
            Some(code) if code.len() > MAX_CODE_LEN => Err(ConnectFailure::CodeRejected),
            Some(code) => Ok(CallbackStep::Install { code }),
            None => Err(ConnectFailure::StateMissing),
        },
        Some(state) if state.len() > MAX_STATE_LEN => Err(ConnectFailure::StateInvalid),
        Some(state) => Ok(CallbackStep::Redeem {
            state,
            code,
            denied,
        }),
    }
}

/// The connect flow.
pub struct ConnectService {
    db: Arc<dyn Database>,
    client: Arc<TikTokClient>,
    vault: Arc<TokenVault>,
    engine: Arc<SyncEngine>,
    links: AuthorizeLinks,
    clock: Clock,
    settings: SyncSettings,
}

impl ConnectService {
    /// Wires the flow.
    pub fn new(
        db: Arc<dyn Database>,
        client: Arc<TikTokClient>,
        vault: Arc<TokenVault>,
        engine: Arc<SyncEngine>,
        links: AuthorizeLinks,
        clock: Clock,
    ) -> Self {
        let settings = engine.settings().clone();
        ConnectService {
            db,
            client,
            vault,
            engine,
            links,
            clock,
            settings,
        }
    }

    /// The seller markets this instance can connect.
    pub fn markets(&self) -> Vec<ShopMarket> {
        self.links.markets()
    }

    /// The authorize URL for the signed-in wallet, with a fresh state bound to the session.
    pub async fn auth_url(
        &self,
        session: &Session,
        wallet: &str,
        account: ConnectAccount,
        market: Option<ShopMarket>,
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
        // A seller link is for one market: the borrower's choice, or the only one configured.
        let market = match (account, market) {
            (ConnectAccount::Creator, _) => ShopMarket::Global,
            (ConnectAccount::Seller, Some(m)) => m,
            (ConnectAccount::Seller, None) => match self.markets().as_slice() {
                [only] => *only,
                _ => {
                    return Err(AppError::BadRequest(
                        "Say where your shop is registered: market=us for the United States, market=global for everywhere else.".into(),
                    ))
                }
            },
        };
        let state = random_token(32);
        let sid = session_id(session).await?;
        let now = self.clock.now();
        let binding = StateBinding {
            session_id: sid,
            wallet: signed_in,
            market: market_of(market).as_str().to_string(),
            account: match account {
                ConnectAccount::Seller => "seller",
                ConnectAccount::Creator => "creator",
            }
            .to_string(),
        };
        let mut url = match account {
            ConnectAccount::Creator => {
                let mut url = self.links.creator_url.clone();
                url.query_pairs_mut()
                    .append_pair("app_key", &self.links.app_key)
                    .append_pair("state", &state);
                url
            }
            ConnectAccount::Seller => {
                let link = match market {
                    ShopMarket::Global => self.links.global.as_ref(),
                    ShopMarket::Us => self.links.us.as_ref(),
                }
                .ok_or_else(|| {
                    AppError::BadRequest(match market {
                        ShopMarket::Us => "This instance has no United States app configured; choose the rest-of-world market.".into(),
                        ShopMarket::Global => "This instance has no rest-of-world app configured; choose the United States market.".into(),
                    })
                })?;
                let mut url = link.authorize_url.clone();
                url.query_pairs_mut()
                    .append_pair("service_id", &link.service_id)
                    .append_pair("state", &state);
                url
            }
        };
        self.db
            .create_oauth_state(&state_hash(&state), &binding, now, now + STATE_TTL_SECS)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "cannot store an OAuth state");
                AppError::Internal
            })?;
        url.set_fragment(None);
        Ok(url.to_string())
    }

    /// Handles TikTok's redirect.
    pub async fn callback(&self, session: &Session, params: CallbackParams) -> ConnectOutcome {
        let outcome = match self.redirected(session, params).await {
            Ok(outcome) => outcome,
            Err(failure) => ConnectOutcome::Failed(failure),
        };
        tracing::info!(outcome = ?outcome, "TikTok Shop redirect handled");
        outcome
    }

    async fn redirected(
        &self,
        session: &Session,
        params: CallbackParams,
    ) -> Result<ConnectOutcome, ConnectFailure> {
        let (state, code, denied) = match read_callback(params)? {
            CallbackStep::Install { code } => return self.hold_install(session, &code).await,
            CallbackStep::Redeem {
                state,
                code,
                denied,
            } => (state, code, denied),
        };
        let now = self.clock.now();
        let binding = match self
            .db
            .redeem_oauth_state(&state_hash(&state), now)
            .await
            .map_err(|e| internal("cannot redeem an OAuth state", e))?
        {
            Redeemed::Fresh(bound) => bound,
            Redeemed::Unknown => return Err(ConnectFailure::StateInvalid),
            Redeemed::Reused => return Err(ConnectFailure::StateReused),
            Redeemed::Expired => return Err(ConnectFailure::StateExpired),
        };
        // The browser that asked must be the one that comes back, still signed in as the wallet.
        let current_session = session.id().map(|id| id.to_string());
        let current_wallet: Option<String> = session.get(WALLET_KEY).await.ok().flatten();
        if current_session.as_deref() != Some(binding.session_id.as_str())
            || current_wallet.as_deref() != Some(binding.wallet.as_str())
        {
            return Err(ConnectFailure::StateInvalid);
        }
        if denied {
            return Err(ConnectFailure::ConsentDenied);
        }
        let code = code.ok_or(ConnectFailure::CodeMissing)?;
        let authorization = self.exchange(&code).await?;
        let market = Market::parse(&binding.market).unwrap_or(Market::Global);
        self.connect(&binding.wallet, market, authorization).await
    }

    async fn exchange(&self, code: &str) -> Result<Authorization, ConnectFailure> {
        if code.len() > MAX_CODE_LEN {
            return Err(ConnectFailure::CodeRejected);
        }
        let grant = self
            .client
            .get_token(&AuthCode::new(code))
            .await
            .map_err(|e| match e.kind() {
                ErrorKind::ServerError
                | ErrorKind::Timeout
                | ErrorKind::Transport
                | ErrorKind::RateLimited => ConnectFailure::TikTokUnavailable,
                _ => {
                    tracing::info!(error = %e, "the authorization code was rejected");
                    ConnectFailure::CodeRejected
                }
            })?;
        if grant.user_type == UserType::Partner {
            return Err(ConnectFailure::PartnerAccount);
        }
        Ok(grant.into())
    }

    /// Exchanges a code and stores what it grants for `wallet`, without starting any sync
    /// (the benchmark and tests drive the engine themselves).
    pub async fn store_code(
        &self,
        wallet: &str,
        market: Market,
        code: &str,
    ) -> Result<Connected, ConnectFailure> {
        let authorization = self.exchange(code).await?;
        self.store(wallet, market, authorization).await
    }

    /// Discovers the accounts, stores everything in one transaction and starts the first
    /// syncs, waiting for them only briefly.
    async fn connect(
        &self,
        wallet: &str,
        market: Market,
        a: Authorization,
    ) -> Result<ConnectOutcome, ConnectFailure> {
        let connected = self.store(wallet, market, a).await?;
        self.engine.wake();
        let mut first_syncs: Vec<_> = connected
            .connection_ids
            .iter()
            .map(|id| self.engine.start(id))
            .collect();
        let wait = self.settings.connect_wait;
        let all = futures::future::join_all(first_syncs.iter_mut());
        let syncing = tokio::time::timeout(wait, all).await.is_err();
        if syncing {
            tracing::info!(
                wallet,
                wait_s = wait.as_secs(),
                "the first sync continues in the background"
            );
            // The dashboard shows the connections at once, their figures as they land.
            if let Err(e) = self.engine.scorer().rescore(wallet).await {
                tracing::warn!(error = %e, "cannot score the new connections yet");
            }
        }
        Ok(ConnectOutcome::Connected { syncing })
    }

    /// Discovers the accounts and stores the grant, its connections, their jobs and first
    /// checkpoints in one transaction.
    async fn store(
        &self,
        wallet: &str,
        market: Market,
        a: Authorization,
    ) -> Result<Connected, ConnectFailure> {
        let Discovered { accounts, left_out } = accounts::discover(
            &self.client,
            &a.tokens.access,
            a.user,
            &a.open_id,
            &a.seller_name,
            &a.region,
        )
        .await?;
        if let Some(why) = &left_out {
            tracing::info!(
                reason = why.code(),
                "some accounts of the grant were left out"
            );
        }
        let user = match a.user {
            UserType::Creator => GrantUser::Creator,
            _ => GrantUser::Seller,
        };
        let now = self.clock.now();
        let first_runs: Vec<(SourceKind, Vec<FirstRun>)> = [SourceKind::Shop, SourceKind::Creator]
            .into_iter()
            .map(|kind| {
                let runs = Resource::for_kind(kind)
                    .iter()
                    .map(|r| FirstRun {
                        resource: r.name().to_string(),
                        slices: r.plan(
                            None,
                            now,
                            self.settings.history_days,
                            self.settings.backfill_slices,
                        ),
                    })
                    .collect();
                (kind, runs)
            })
            .collect();
        let vault = &self.vault;
        let tokens = &a.tokens;
        let seal = move |grant_id: &str| -> Result<SealedTokens, String> {
            vault
                .seal_pair(
                    grant_id,
                    &tokens.access,
                    tokens.access_expires_at,
                    &tokens.refresh,
                    tokens.refresh_expires_at,
                )
                .map_err(|e| e.to_string())
        };
        let connected = self
            .db
            .connect(
                &NewGrant {
                    wallet: wallet.to_string(),
                    open_id: a.open_id.clone(),
                    user,
                    market,
                    scopes: a.scopes.clone(),
                },
                &seal,
                &accounts,
                &first_runs,
                now,
            )
            .await
            .map_err(|e| match e {
                DbError::AlreadyLinked(account) => {
                    tracing::info!(%account, "the account is already connected to another wallet");
                    ConnectFailure::AlreadyLinked
                }
                other => internal("cannot store a connection", other),
            })?;
        for id in &connected.connection_ids {
            if let Err(e) = self
                .db
                .record_event(
                    "tiktok_connected",
                    Some(wallet),
                    &format!("connection {id}"),
                    now,
                )
                .await
            {
                tracing::warn!(error = %e, "cannot record an audit event");
            }
        }
        Ok(connected)
    }

    /// An App Store install: exchange the code now (it lives 30 minutes and is single use)
    /// and hold the grant, sealed, for this browser session until a wallet claims it.
    async fn hold_install(
        &self,
        session: &Session,
        code: &str,
    ) -> Result<ConnectOutcome, ConnectFailure> {
        let a = self.exchange(code).await?;
        let sid = browser_key(session)
            .await
            .map_err(|e| internal("cannot start a session", e))?;
        let id = hex::encode(rand::random::<[u8; 16]>());
        let tokens = self
            .vault
            .seal_pair(
                &id,
                &a.tokens.access,
                a.tokens.access_expires_at,
                &a.tokens.refresh,
                a.tokens.refresh_expires_at,
            )
            .map_err(|e| internal("cannot seal a held grant", e))?;
        let now = self.clock.now();
        let held = PendingGrant {
            id,
            session_id: sid,
            info: PendingGrantInfo {
                open_id: a.open_id,
                user: match a.user {
                    UserType::Creator => "creator",
                    _ => "seller",
                }
                .to_string(),
                seller_name: a.seller_name,
                region: a.region,
                scopes: a.scopes,
            },
            tokens,
            expires_at: now + INSTALL_TTL_SECS,
        };
        self.db
            .hold_grant(&held, now)
            .await
            .map_err(|e| internal("cannot hold an App Store install", e))?;
        tracing::info!("an App Store install is held for its browser session");
        Ok(ConnectOutcome::InstallPending)
    }

    /// The App Store install this browser holds, if any.
    pub async fn pending_install(
        &self,
        session: &Session,
    ) -> Result<Option<PendingInstall>, AppError> {
        let Some(sid) = existing_browser_key(session).await else {
            return Ok(None);
        };
        let now = self.clock.now();
        let held = self.db.held_grant(&sid, now).await.map_err(|e| {
            tracing::error!(error = %e, "cannot read a held install");
            AppError::Internal
        })?;
        Ok(held.map(|h| PendingInstall {
            seller_name: h.seller_name,
            expires_in_secs: (h.expires_at - now).max(0) as u64,
        }))
    }

    /// Binds this browser's App Store install to the signed-in wallet (`wallet` must be it).
    pub async fn claim_install(
        &self,
        session: &Session,
        wallet: &str,
    ) -> Result<ConnectOutcome, AppError> {
        let signed_in: Option<String> = session
            .get(WALLET_KEY)
            .await
            .map_err(|_| AppError::Internal)?;
        let signed_in = signed_in.ok_or(AppError::Unauthorized)?;
        let requested = WalletAddress::parse(wallet).map_err(|e| {
            AppError::BadRequest(format!("The wallet is not a valid address: {e}."))
        })?;
        if requested.to_string() != signed_in {
            return Err(AppError::Forbidden);
        }
        let Some(sid) = existing_browser_key(session).await else {
            return Ok(ConnectOutcome::Failed(ConnectFailure::InstallExpired));
        };
        let now = self.clock.now();
        let Some(held) = self.db.held_grant(&sid, now).await.map_err(|e| {
            tracing::error!(error = %e, "cannot read a held install");
            AppError::Internal
        })?
        else {
            return Ok(ConnectOutcome::Failed(ConnectFailure::InstallExpired));
        };
        let pending = match self
            .db
            .claim_grant(&held.id, &sid, now)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "cannot claim a held install");
                AppError::Internal
            })? {
            Redeemed::Fresh(pending) => pending,
            _ => return Ok(ConnectOutcome::Failed(ConnectFailure::InstallExpired)),
        };
        let opened = (|| {
            Ok::<_, crate::vault::VaultError>(Tokens {
                access: self
                    .vault
                    .open(&pending.id, TokenKind::Access, &pending.tokens.access)?,
                access_expires_at: pending.tokens.access_expires_at,
                refresh: self.vault.open(
                    &pending.id,
                    TokenKind::Refresh,
                    &pending.tokens.refresh,
                )?,
                refresh_expires_at: pending.tokens.refresh_expires_at,
            })
        })();
        let tokens = match opened {
            Ok(tokens) => tokens,
            Err(e) => {
                tracing::error!(error = %e, "cannot open a held install's tokens");
                return Ok(ConnectOutcome::Failed(ConnectFailure::Internal));
            }
        };
        let info = pending.info;
        let market = if info.region.eq_ignore_ascii_case("US") {
            Market::Us
        } else {
            Market::Global
        };
        let authorization = Authorization {
            open_id: info.open_id,
            user: if info.user == "creator" {
                UserType::Creator
            } else {
                UserType::Seller
            },
            seller_name: info.seller_name,
            region: info.region,
            scopes: info.scopes,
            tokens,
        };
        Ok(
            match self.connect(&signed_in, market, authorization).await {
                Ok(outcome) => outcome,
                Err(failure) => ConnectOutcome::Failed(failure),
            },
        )
    }

    /// How long the callback waits for first syncs.
    pub fn connect_wait(&self) -> Duration {
        self.settings.connect_wait
    }
}
