//! The JSON that crosses the wire. Field names are camelCase as the seed names them; amounts
//! are numbers in major units (`15000.0`) for display and scripts, computed exactly on the
//! server from integer minor units.

use serde::{Deserialize, Serialize};

/// What every page may know about the running instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// True when no TikTok Shop app credentials are configured and the built-in sandbox serves
    /// the TikTok Shop protocol.
    pub sandbox: bool,
}

/// `GET /api/wallet/nonce`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceResponse {
    /// The nonce to put in the EIP-4361 message.
    pub nonce: String,
}

/// The signed-in wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletSession {
    /// EIP-55 checksummed address.
    pub address: String,
}

/// `GET /api/tiktokshop/auth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthUrl {
    /// Where to send the browser to authorize shopscore on TikTok Shop.
    pub auth_url: String,
}

/// Revenue figures in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Amounts {
    /// GMV: paid, non-sample orders.
    pub total_revenue: f64,
    /// GMV minus refunds.
    pub net_revenue: f64,
    /// GMV ÷ paid orders.
    pub average_order_value: f64,
    /// Settled affiliate commission (verified).
    pub affiliate_commission: f64,
    /// Unsettled commission (estimated, not counted).
    pub estimated_commission: f64,
    /// Total verified income ÷ (window days ÷ 30).
    pub monthly_income: f64,
    /// Paid orders not yet delivered.
    pub pending: f64,
    /// Refunded amounts.
    pub refunds: f64,
}

/// A connection's verified income, as the seed names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevenueData {
    /// GMV in the connection's currency.
    pub total_revenue: f64,
    /// Net revenue in the connection's currency.
    pub net_revenue: f64,
    /// Completed orders.
    pub order_count: u64,
    /// Paid orders.
    pub paid_order_count: u64,
    /// Average order value.
    pub average_order_value: f64,
    /// Refunds ÷ GMV (0–1), `null` with no sales.
    pub return_rate: Option<f64>,
    /// Settled affiliate commission.
    pub affiliate_commission: f64,
    /// Estimated (unsettled) commission.
    pub estimated_commission: f64,
    /// Monthly verified income.
    pub monthly_income: f64,
    /// Items sold.
    pub items_sold: u64,
    /// Window length in days.
    pub period_days: u32,
    /// The connection's currency.
    pub currency: String,
    /// The same figures in US dollars (`null` when no rate is known).
    pub usd: Option<Amounts>,
    /// Shop rating, when known.
    pub shop_rating: Option<f64>,
}

/// Something that could not be fetched during the last sync; lowers confidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchIssue {
    /// What was being fetched (`orders`, `statements`, …).
    pub resource: String,
    /// Stable code (`missing_permission`, `tiktok_unavailable`, …).
    pub code: String,
    /// A sentence for the borrower.
    pub message: String,
}

/// One connected shop or creator account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionView {
    /// Connection id.
    pub id: String,
    /// Always `"tiktok_shop"`.
    pub platform: String,
    /// `shop` or `creator`.
    pub account_kind: String,
    /// Shop (or creator) name.
    pub shop_name: String,
    /// Region code.
    pub region: String,
    /// Currency code.
    pub currency: String,
    /// `active`, `needs_reconnect` or `revoked`.
    pub status: String,
    /// RFC 3339.
    pub connected_at: String,
    /// RFC 3339, `null` before the first sync.
    pub last_synced_at: Option<String>,
    /// Verified income of this connection.
    pub revenue_data: Option<RevenueData>,
    /// Permissions granted.
    pub scopes: Vec<String>,
    /// What could not be fetched.
    pub fetch_issues: Vec<FetchIssue>,
    /// The authorization failed for good (`status` is `needs_reconnect`): show a reconnect
    /// button.
    #[serde(default)]
    pub needs_reconnect: bool,
    /// The data is older than its cadence allows (a sync is overdue or keeps failing).
    #[serde(default)]
    pub stale: bool,
    /// RFC 3339: when the next scheduled sync is due, `null` when none is scheduled.
    #[serde(default)]
    pub next_sync_at: Option<String>,
    /// A sync is running: records fetched so far (`syncFetched`) of those TikTok counted
    /// (`syncTotal`, 0 while unknown), for a progress bar.
    #[serde(default)]
    pub syncing: bool,
    #[serde(default)]
    pub sync_fetched: u64,
    #[serde(default)]
    pub sync_total: u64,
}

/// One signal of a factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignalView {
    pub id: String,
    pub label: String,
    /// Human-readable value.
    pub value: String,
    /// Points 0–100, `null` when missing.
    pub points: Option<f64>,
    /// Weight inside the factor after missing signals' weight moved to the others.
    pub weight: f64,
    pub missing: bool,
}

/// One of the four factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FactorView {
    /// `revenue`, `consistency`, `reliability`, `growth`.
    pub id: String,
    pub name: String,
    /// Weight in the score (0.4, 0.2, …).
    pub weight: f64,
    /// 0–100.
    pub value: f64,
    pub missing: bool,
    pub signals: Vec<SignalView>,
}

/// A reason code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonView {
    /// Stable identifier.
    pub code: String,
    /// A plain sentence the borrower can act on.
    pub text: String,
    /// `negative` (holding the score down) or `positive` (helping it).
    pub direction: String,
}

/// One source's share of the borrower's verified income.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceShare {
    pub id: String,
    pub name: String,
    /// `shop` or `creator`.
    pub kind: String,
    /// 0–1.
    pub share: f64,
    /// Monthly verified income in USD.
    pub monthly_income_usd: f64,
}

/// `GET /api/score`: the borrower's score over all connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreView {
    /// 0–100.
    pub score: f64,
    /// `A`–`D`.
    pub grade: String,
    /// `Established`, `Growing`, `Building`, `Emerging`.
    pub grade_label: String,
    /// `HIGH`, `MEDIUM`, `LOW`.
    pub confidence: String,
    /// Why confidence is what it is.
    pub confidence_reasons: Vec<String>,
    pub factors: Vec<FactorView>,
    /// Ranked: what holds the score down first, then what helps it.
    pub reasons: Vec<ReasonView>,
    pub model_version: String,
    pub inputs_digest: String,
    /// RFC 3339.
    pub computed_at: String,
    /// Each source's share.
    pub sources: Vec<SourceShare>,
    /// Total verified income over the window, USD.
    pub total_income_usd: f64,
    /// Monthly verified income, USD.
    pub monthly_income_usd: f64,
    /// Verified income per 30-day slice, oldest first, USD.
    pub monthly_series_usd: Vec<f64>,
    /// Orders per week, oldest first.
    pub weekly_orders: Vec<u64>,
    /// Payout reconciliation status (`matched`, `shortfall`, `unavailable`, …).
    pub reconciliation: String,
    /// Window length in days.
    pub period_days: u32,
}

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DashboardData {
    /// The signed-in wallet, `null` for a visitor.
    pub wallet: Option<String>,
    /// Its connections.
    pub connections: Vec<ConnectionView>,
    /// Its score over all connections.
    pub score: Option<ScoreView>,
}
