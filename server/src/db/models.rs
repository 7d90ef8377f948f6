//! Typed rows: what the stores read and write. Status, kind, market and currency are enums
//! decoded here; JSON columns are decoded here into their types; inserts have their own
//! structs. No status literal or JSON parsing lives outside the db layer.

use app::api::{FetchIssue, RevenueData};
use shopscore::money::Currency;
use shopscore::records::{SourceInfo, SourceKind};

use super::DbError;

/// A connection's status. Transitions are compare-and-set on [`Connection::generation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionStatus {
    /// Synced on schedule; counts in the wallet's score.
    Active,
    /// TikTok refused the authorization for good: the borrower must reconnect. Still counts
    /// (with a staleness flag) until it is revoked.
    NeedsReconnect,
    /// Deauthorized or disconnected: tokens gone, never counts again.
    Revoked,
}

impl ConnectionStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Active => "active",
            ConnectionStatus::NeedsReconnect => "needs_reconnect",
            ConnectionStatus::Revoked => "revoked",
        }
    }

    /// Reads a stored value.
    pub fn parse(text: &str) -> Result<ConnectionStatus, DbError> {
        match text {
            "active" => Ok(ConnectionStatus::Active),
            "needs_reconnect" => Ok(ConnectionStatus::NeedsReconnect),
            "revoked" => Ok(ConnectionStatus::Revoked),
            other => Err(DbError::Corrupt(format!("connection status {other:?}"))),
        }
    }
}

/// Which Partner Center a grant came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Market {
    /// Rest of world (`services.tiktokshop.com`).
    Global,
    /// The United States (`services.tiktokshops.us`).
    Us,
}

impl Market {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Market::Global => "global",
            Market::Us => "us",
        }
    }

    /// Reads a stored value.
    pub fn parse(text: &str) -> Result<Market, DbError> {
        match text {
            "global" => Ok(Market::Global),
            "us" => Ok(Market::Us),
            other => Err(DbError::Corrupt(format!("market {other:?}"))),
        }
    }
}

/// Who authorized a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantUser {
    /// A seller (`user_type` 0): shops.
    Seller,
    /// A creator (`user_type` 1): the creator account.
    Creator,
}

impl GrantUser {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantUser::Seller => "seller",
            GrantUser::Creator => "creator",
        }
    }

    /// Reads a stored value.
    pub fn parse(text: &str) -> Result<GrantUser, DbError> {
        match text {
            "seller" => Ok(GrantUser::Seller),
            "creator" => Ok(GrantUser::Creator),
            other => Err(DbError::Corrupt(format!("grant user {other:?}"))),
        }
    }
}

/// An encrypted token as stored: which key sealed it and `nonce || ciphertext`.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedToken {
    /// Id of the key that sealed it.
    pub key_id: String,
    /// 12-byte nonce followed by the AES-GCM ciphertext and tag.
    pub blob: Vec<u8>,
}

impl std::fmt::Debug for SealedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SealedToken(key {}, {} bytes)",
            self.key_id,
            self.blob.len()
        )
    }
}

/// A grant's sealed tokens and when they expire (absolute unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedTokens {
    /// The access token.
    pub access: SealedToken,
    /// When it expires.
    pub access_expires_at: i64,
    /// The refresh token.
    pub refresh: SealedToken,
    /// When it expires.
    pub refresh_expires_at: i64,
}

/// One TikTok authorization of a wallet: the tokens its shops share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Id (the tokens are sealed bound to it).
    pub id: String,
    /// The wallet it belongs to.
    pub wallet: String,
    /// The account's open id.
    pub open_id: String,
    /// Seller or creator.
    pub user: GrantUser,
    /// The Partner Center it came through.
    pub market: Market,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// The tokens; `None` once revoked.
    pub tokens: Option<SealedTokens>,
    /// Bumped by every token write (compare-and-set of a refresh).
    pub token_version: i64,
}

/// What a new or renewed authorization stores (its tokens are sealed once its id is known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    /// The wallet.
    pub wallet: String,
    /// The account's open id.
    pub open_id: String,
    /// Seller or creator.
    pub user: GrantUser,
    /// The Partner Center.
    pub market: Market,
    /// Scopes granted.
    pub scopes: Vec<String>,
}

/// The run in flight on a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncProgress {
    /// A run holds the lease.
    pub running: bool,
    /// Records fetched by it.
    pub fetched: i64,
    /// Records TikTok counted for it (0 while unknown).
    pub total: i64,
}

/// A connection: one shop or creator account of a wallet.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// Id.
    pub id: String,
    /// The wallet.
    pub wallet: String,
    /// The grant whose tokens it uses.
    pub grant_id: String,
    /// Shop or creator.
    pub account: SourceKind,
    /// TikTok's shop id, or the creator's open id.
    pub platform_account_id: String,
    /// Shop or creator name.
    pub name: String,
    /// The shop cipher (shops only).
    pub shop_cipher: Option<String>,
    /// Region code.
    pub region: String,
    /// Currency.
    pub currency: Currency,
    /// Status.
    pub status: ConnectionStatus,
    /// Bumped by every reconnect and revocation.
    pub generation: i64,
    /// When it was (re)connected.
    pub connected_at: i64,
    /// The last completed sync.
    pub last_synced_at: Option<i64>,
    /// The domain's description of the source (region, currency, analytics, missing scopes).
    pub source: SourceInfo,
    /// What could not be fetched.
    pub fetch_issues: Vec<FetchIssue>,
    /// Its figures as the last rescore left them.
    pub figures: Option<RevenueData>,
    /// The run in flight.
    pub sync: SyncProgress,
    /// When the next job is due.
    pub next_sync_at: Option<i64>,
}

/// A shop or creator account to store for a grant.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConnection {
    /// Shop or creator.
    pub account: SourceKind,
    /// TikTok's shop id, or the creator's open id.
    pub platform_account_id: String,
    /// Its name.
    pub name: String,
    /// Shop cipher.
    pub shop_cipher: Option<String>,
    /// Region code.
    pub region: String,
    /// Currency.
    pub currency: Currency,
    /// The domain's source description.
    pub source: SourceInfo,
}

/// A sync job: one connection and resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The connection.
    pub connection_id: String,
    /// The resource.
    pub resource: String,
    /// When it runs next.
    pub next_run_at: i64,
    /// Everything up to this time has been fetched; `None` until a first run completes.
    pub watermark: Option<i64>,
    /// The last run.
    pub last_run_at: Option<i64>,
    /// Failed runs in a row.
    pub attempts: i64,
    /// The current fetch issue, if the last run failed.
    pub issue: Option<FetchIssue>,
}

/// One time slice of a resource's run in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The connection.
    pub connection_id: String,
    /// The resource.
    pub resource: String,
    /// Slice number.
    pub slice: i64,
    /// Filters by update time (an incremental run) rather than creation time (a backfill).
    pub incremental: bool,
    /// Window start (inclusive).
    pub window_from: i64,
    /// Window end (exclusive).
    pub window_until: i64,
    /// The page to fetch next; `None` for the first page.
    pub page_token: Option<String>,
    /// Finished.
    pub done: bool,
    /// Records fetched.
    pub fetched: i64,
    /// Records TikTok counted.
    pub total: i64,
    /// Pages that failed in a row.
    pub failures: i64,
}

/// How a resource's run ended, for [`super::JobStore::finish_job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobOutcome {
    /// When it runs next.
    pub next_run_at: i64,
    /// The new watermark (`Some` when the run completed).
    pub watermark: Option<i64>,
    /// The fetch issue when it failed (attempts then grow by one).
    pub issue: Option<FetchIssue>,
    /// Now.
    pub now: i64,
}

/// The lease of one run: which run, on which generation of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLease {
    /// The connection.
    pub connection_id: String,
    /// `instance:run`.
    pub token: String,
    /// The connection's generation when the lease was taken.
    pub generation: i64,
}

/// The wallet's current score: its dashboard view.
#[derive(Debug, Clone, PartialEq)]
pub struct WalletScore {
    /// The wallet.
    pub wallet: String,
    /// The score row in the history.
    pub history_id: i64,
    /// Its model version.
    pub model_version: String,
    /// When.
    pub computed_at: i64,
    /// What the dashboard shows, as kept (JSON of an [`app::api::ScoreView`]): read with
    /// [`WalletScore::view`]. Kept as text so that a page whose render is kept by it (see
    /// `page_cache`) is served without parsing it.
    pub view_json: String,
    /// What the insights show, as kept (JSON of an [`app::api::InsightsView`]; `None` for a
    /// score kept before insights existed): read with [`WalletScore::insights`].
    pub insights_json: Option<String>,
}

impl WalletScore {
    /// What the dashboard shows.
    pub fn view(&self) -> Result<app::api::ScoreView, super::DbError> {
        super::from_json("view", &self.view_json)
    }

    /// What the insights show.
    pub fn insights(&self) -> Result<Option<app::api::InsightsView>, super::DbError> {
        self.insights_json
            .as_deref()
            .map(|i| super::from_json("insights", i))
            .transpose()
    }
}

/// A score as computed and kept: the full report under its model version.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRecord {
    /// History id.
    pub id: i64,
    /// The wallet.
    pub wallet: String,
    /// The model version.
    pub model_version: String,
    /// The inputs digest.
    pub inputs_digest: String,
    /// When.
    pub computed_at: i64,
    /// The score.
    pub score: f64,
    /// The grade.
    pub grade: String,
    /// The income report, JSON as stored (its shape is its model version's).
    pub income: String,
    /// The score report, JSON as stored.
    pub report: String,
}

/// What TikTok said of a grant held for a browser (everything but the tokens).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingGrantInfo {
    /// The account's open id.
    pub open_id: String,
    /// Seller or creator (`seller`, `creator`).
    pub user: String,
    /// The seller's name.
    pub seller_name: String,
    /// `seller_base_region`.
    pub region: String,
    /// Scopes granted.
    pub scopes: Vec<String>,
}

/// A grant held for a browser until a wallet claims it (an App Store install).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingGrant {
    /// Id.
    pub id: String,
    /// The browser it belongs to: its key in the session (kept across the sign-in, which
    /// renews the session id).
    pub session_id: String,
    /// What TikTok said of the grant.
    pub info: PendingGrantInfo,
    /// Its sealed tokens (bound to the pending id) and their expiries.
    pub tokens: SealedTokens,
    /// When it stops being claimable.
    pub expires_at: i64,
}

/// What a browser sees of the grant it holds (never the tokens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldGrant {
    /// Id.
    pub id: String,
    /// The seller's name TikTok gave.
    pub seller_name: String,
    /// When it stops being claimable.
    pub expires_at: i64,
}
