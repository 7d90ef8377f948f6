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
    /// The seller markets this instance connects (`global`, `us`): the connect button asks
    /// which one when there are two.
    #[serde(default)]
    pub markets: Vec<String>,
}

/// An App Store install held for this browser until a wallet claims it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingInstall {
    /// The seller's name TikTok gave.
    pub seller_name: String,
    /// How long it can still be claimed.
    pub expires_in_secs: u64,
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

/// Income figures in one currency. Only `verifiedIncome` (and its parts `netRevenue` and
/// `affiliateCommission`, and `monthlyIncome`) is verified income; everything else is shown
/// beside it and never counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Amounts {
    /// Verified sales: delivered orders that count (not pending, not samples, not too small).
    pub total_revenue: f64,
    /// Verified sales less refunds, returns still open and the return reserve (and, when
    /// payouts reconcile, no more than they settle).
    pub net_revenue: f64,
    /// Verified sales ÷ the orders they count.
    pub average_order_value: f64,
    /// Verified affiliate commission: settled, less deductions and self-dealing.
    pub affiliate_commission: f64,
    /// Commission not settled yet (estimated, not counted).
    pub estimated_commission: f64,
    /// Verified income: net revenue plus verified commission over the window.
    pub verified_income: f64,
    /// Verified income per 30 days of the window.
    pub monthly_income: f64,
    /// Everything paid by buyers, delivered or not (not verified).
    pub ordered_sales: f64,
    /// Paid orders not delivered yet (on hold, awaiting shipment, in transit, unknown status):
    /// not counted until delivered.
    pub pending: f64,
    /// Orders below the minimum that counts (relative to the shop's typical order).
    pub micro_orders: f64,
    /// Refunds paid.
    pub refunds: f64,
    /// Returns still in progress, deducted in full.
    pub refunds_in_progress: f64,
    /// Revenue still inside its return period, reduced by the shop's own return rate.
    pub return_reserve: f64,
    /// Verified sales left out because payouts do not cover them.
    pub capped_by_reconciliation: f64,
    /// Commission earned on the borrower's own shops, excluded.
    pub self_dealing_excluded: f64,
    /// Commission the shop pays creators (a cost, not income).
    pub seller_commission_paid: f64,
    /// What TikTok says is on its way but not settled (not counted).
    pub unsettled: f64,
    /// What TikTok's statements settled in the window.
    pub settled_revenue: f64,
}

/// How a source's income was checked against TikTok's payouts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationView {
    /// `reconciled`, `partial`, `shortfall`, `excess`, `unavailable`, `verified_by_settlement`,
    /// `not_applicable`.
    pub status: String,
    /// What verified it: `statements`, `payments`, `settled_commission`, or `null`.
    pub verified_by: Option<String>,
    /// Settled (in the source's currency).
    pub settled: f64,
    /// Expected from the delivered orders due to have settled.
    pub expected: f64,
    /// settled ÷ expected, when there was something to expect.
    pub ratio: Option<f64>,
    /// A sentence for the borrower and the lender.
    pub explanation: String,
}

/// TikTok's own analytics against the sales shopscore derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsView {
    /// `agreement`, `gap` or `unavailable`.
    pub status: String,
    /// GMV derived from the orders over TikTok's date range.
    pub derived_gmv: Option<f64>,
    /// GMV TikTok's analytics report.
    pub tiktok_gmv: Option<f64>,
    /// derived ÷ TikTok's.
    pub ratio: Option<f64>,
    /// The gap is large enough to lower confidence.
    pub flagged: bool,
}

/// A connection's verified income, as the seed names it, with what was left out and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevenueData {
    /// The figures in the connection's currency.
    #[serde(flatten)]
    pub amounts: Amounts,
    /// The orders counted in `totalRevenue` (delivered, at or above the minimum order value).
    pub order_count: u64,
    /// Orders TikTok marks `COMPLETED` (a separate figure: delivered orders may not be yet).
    pub completed_order_count: u64,
    /// Paid orders.
    pub paid_order_count: u64,
    /// Paid orders not delivered yet.
    pub pending_order_count: u64,
    /// Returns still open.
    pub open_return_count: u64,
    /// Refunds ÷ sales (0–1), `null` with no sales.
    pub return_rate: Option<f64>,
    /// Orders shipped within TikTok's deadline (0–1), `null` when none had one.
    pub on_time_shipping: Option<f64>,
    /// Items sold.
    pub items_sold: u64,
    /// Window length in days.
    pub period_days: u32,
    /// The connection's currency.
    pub currency: String,
    /// The same figures in US dollars (`null` when no rate is known).
    pub usd: Option<Amounts>,
    /// TikTok Shop's API gives no shop rating: always `null`.
    pub shop_rating: Option<f64>,
    /// Payouts against income.
    pub reconciliation: ReconciliationView,
    /// TikTok's analytics against derived sales.
    pub analytics: AnalyticsView,
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

/// A data warning: records that were not counted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarningView {
    /// Stable code (`UNPARSEABLE_RECORD`, `AMBIGUOUS_AMOUNT`, …).
    pub code: String,
    /// How many records.
    pub count: u64,
    /// A sentence.
    pub text: String,
    /// Up to five examples (`source/id`).
    pub examples: Vec<String>,
    /// Whether it lowers confidence.
    pub lowers_confidence: bool,
}

/// An input the model names that TikTok does not provide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnavailableView {
    pub id: String,
    pub label: String,
    pub reason: String,
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
    /// Ranked: what holds the score down first, then what helps it (each signal in one list).
    pub reasons: Vec<ReasonView>,
    pub model_version: String,
    /// The income calculation's version.
    pub income_version: String,
    pub inputs_digest: String,
    /// Digest of the raw record set the income was computed from.
    pub records_digest: String,
    /// RFC 3339.
    pub computed_at: String,
    /// Each source's share.
    pub sources: Vec<SourceShare>,
    /// Total verified income over the window, USD.
    pub total_income_usd: f64,
    /// Monthly verified income, USD.
    pub monthly_income_usd: f64,
    /// Paid but undelivered sales, USD (not counted).
    pub pending_usd: f64,
    /// Pending ÷ everything ordered (0–1), `null` with no orders.
    pub pending_share: Option<f64>,
    /// Verified income per 30-day slice, oldest first, USD.
    pub monthly_series_usd: Vec<f64>,
    /// Orders per week, oldest first.
    pub weekly_orders: Vec<u64>,
    /// Payout reconciliation status over all sources (`reconciled`, `shortfall`, …).
    pub reconciliation: String,
    /// Window length in days.
    pub period_days: u32,
    /// Records not counted, and why.
    pub warnings: Vec<WarningView>,
    /// Inputs TikTok does not provide.
    pub unavailable_inputs: Vec<UnavailableView>,
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
    /// An App Store install this browser holds, waiting for a wallet to claim it.
    #[serde(default)]
    pub pending_install: Option<PendingInstall>,
    /// Products, the affiliate network, seasonality and today.
    #[serde(default)]
    pub insights: Option<InsightsView>,
    /// The links shared with lenders.
    #[serde(default)]
    pub shares: Vec<ShareView>,
}

/// What the dashboard's live island shows itself: a card per connection, the links shared
/// with lenders and whether there is a score to share. What the cards and links say is HTML the
/// server renders; the island adds what a borrower acts on (reconnect, disconnect, revoke).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DashboardLiveParts {
    /// The connections.
    pub connections: Vec<ConnectionCardView>,
    /// The links shared with lenders.
    pub shares: Vec<ShareItemView>,
    /// Whether a score exists (the share panel is shown only then).
    pub has_score: bool,
}

/// A connection's card on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCardView {
    /// The connection's id.
    pub id: String,
    /// The shop's or creator's name.
    pub shop_name: String,
    /// A creator account (reconnects on the creator authorization page).
    pub creator: bool,
    /// The seller market a reconnect goes to (`us` or `global`).
    pub market: String,
    /// Whether the card offers to reconnect.
    pub reconnect: bool,
    /// Its status, sync, figures and notes, as HTML.
    pub body_html: String,
}

/// A link shared with a lender, on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ShareItemView {
    /// The share's id.
    pub id: String,
    /// `active`, `expired` or `revoked`.
    pub status: String,
    /// Who it was shared with, what, until when, how often opened and the link, as HTML.
    pub body_html: String,
}

/// The dashboard refreshed after a live event: the island's parts, and the score and insights
/// panels rendered on the server as HTML (the browser swaps them in; their view code and their
/// types' readers stay out of the wasm bundle).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DashboardUpdate {
    /// The wallet signed in on this session now (`null` after "sign out everywhere"; another
    /// one after a sign-in in another tab).
    pub wallet: Option<String>,
    /// What the island shows.
    pub parts: DashboardLiveParts,
    /// The score and insights panels, as HTML.
    pub figures_html: String,
}

/// An amount in its source's currency and in US dollars (`null` without a rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AmountView {
    /// In `currency`.
    pub amount: f64,
    /// The source's currency.
    pub currency: String,
    /// In US dollars.
    pub usd: Option<f64>,
}

/// One product of a shop, by verified revenue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    pub product_id: String,
    pub name: String,
    /// Verified revenue (delivered sales).
    pub revenue: AmountView,
    /// Share of the shop's verified revenue (0–1; the shares of a shop add up to 1).
    pub share: f64,
    pub orders: u64,
    pub items_sold: u64,
    pub refunds: AmountView,
    /// Refunds ÷ revenue, `null` without revenue.
    pub return_rate: Option<f64>,
}

/// A shop's products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopProductsView {
    /// The shop's TikTok id.
    pub source: String,
    /// Its name.
    pub name: String,
    /// The top products, then the rest summed in one row (`productId` `"other"`).
    pub products: Vec<ProductView>,
    /// More products than listed.
    pub products_truncated: bool,
    /// The top product's share (concentration).
    pub top_product_share: Option<f64>,
}

/// A shop a creator promotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AffiliateShopView {
    pub name: String,
    /// Settled commission (verified).
    pub commission: AmountView,
    /// Commission not settled yet.
    pub estimated: AmountView,
    /// Share of the creator's settled commission.
    pub share: f64,
    /// The borrower's own shop (its commission is excluded from income).
    pub self_dealing: bool,
}

/// A slice of a creator's settled commission (a content type, a piece of content, a campaign,
/// a collaboration type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommissionSliceView {
    /// What it is (`LIVE`, a content id, a campaign id, `open`, …).
    pub label: String,
    /// The content type, for a piece of content.
    #[serde(default)]
    pub kind: String,
    pub commission: AmountView,
    pub share: f64,
}

/// A creator account's affiliate network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AffiliateView {
    /// The creator's open id.
    pub source: String,
    /// Its name.
    pub name: String,
    pub shops: Vec<AffiliateShopView>,
    /// The top promoted shop's share (concentration).
    pub top_shop_share: Option<f64>,
    pub content_types: Vec<CommissionSliceView>,
    pub top_content: Vec<CommissionSliceView>,
    pub campaigns: Vec<CommissionSliceView>,
    pub collaborations: Vec<CommissionSliceView>,
    /// Settled ÷ (settled + estimated).
    pub settled_ratio: Option<f64>,
    /// Deducted ÷ settled.
    pub clawback_rate: Option<f64>,
}

/// One verified-income series, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesView {
    /// The source id, or `total`.
    pub source: String,
    /// Its name.
    pub name: String,
    /// The values' currency.
    pub currency: String,
    pub values: Vec<f64>,
    /// The same in US dollars.
    pub values_usd: Option<Vec<f64>>,
}

/// The latest 30 days against the same 30 days a year earlier, USD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct YearOverYearView {
    pub latest: f64,
    pub year_earlier: f64,
    pub change: Option<f64>,
}

/// Seasonality, when the history allows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SeasonalityView {
    pub history_days: u32,
    pub year_over_year: Option<YearOverYearView>,
    /// The calendar month (1–12) with the highest income.
    pub strongest_month: Option<u32>,
    /// A sentence.
    pub note: String,
}

/// The last 24 hours of a shop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TodayView {
    pub source: String,
    pub name: String,
    pub orders: u64,
    pub gmv: AmountView,
}

/// `GET /api/insights`: products, the affiliate network, campaigns, seasonality and today, from
/// the same verified records as the score. `products` and `affiliate` are the largest shop's
/// and creator account's; `shops` and `creators` list every one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InsightsView {
    pub products: Vec<ProductView>,
    pub products_truncated: bool,
    pub top_product_share: Option<f64>,
    pub affiliate: Option<AffiliateView>,
    pub shops: Vec<ShopProductsView>,
    pub creators: Vec<AffiliateView>,
    /// Weekly verified income per source and in total.
    pub weekly: Vec<SeriesView>,
    /// Verified income per 30 days per source and in total.
    pub monthly: Vec<SeriesView>,
    pub seasonality: SeasonalityView,
    pub today: Vec<TodayView>,
    /// Days of history the series cover.
    pub history_days: u32,
    /// RFC 3339.
    pub computed_at: String,
}

/// `POST /api/shares`: what the borrower shares with a lender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRequest {
    /// The lender's name (shown to the borrower in the access log).
    pub lender: String,
    /// Days the link and its credential last (1 to the configured maximum, 30 by default).
    pub expires_in_days: u32,
    /// `full` or `threshold`.
    pub scope: String,
    /// For `threshold`: the monthly verified income claimed, USD.
    #[serde(default)]
    pub threshold_usd: Option<f64>,
}

/// A share as the borrower sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareView {
    pub id: String,
    pub lender: String,
    /// `full` or `threshold`.
    pub scope: String,
    pub threshold_usd: Option<f64>,
    /// The link to give the lender.
    pub url: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
    pub revoked: bool,
    pub expired: bool,
    /// RFC 3339 of the lender's last visit.
    pub last_access_at: Option<String>,
    pub access_count: u64,
    /// The attestation's UID.
    pub attestation_uid: String,
}

/// `201` of `POST /api/shares`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedShare {
    pub id: String,
    pub url: String,
    /// The signed EAS off-chain attestation (`{"sig": …, "signer": …}`).
    pub attestation: serde_json::Value,
    /// RFC 3339.
    pub expires_at: String,
}

/// A connection's freshness on the lender's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreshnessView {
    pub name: String,
    /// `shop` or `creator`.
    pub kind: String,
    /// `active`, `needs_reconnect`, `revoked`.
    pub status: String,
    pub last_synced_at: Option<String>,
    pub stale: bool,
    /// A sentence.
    pub note: String,
}

/// What the lender's link shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedReport {
    pub lender: String,
    /// `full` or `threshold`.
    pub scope: String,
    /// For `threshold`: the income claimed, USD a month.
    pub threshold_usd: Option<f64>,
    /// The score as shared (`null` for a threshold share).
    pub score: Option<ScoreView>,
    /// The borrower's wallet (the attestation's recipient).
    pub wallet: String,
    /// The connections now.
    pub freshness: Vec<FreshnessView>,
    pub attestation: serde_json::Value,
    pub attestation_uid: String,
    pub created_at: String,
    pub expires_at: String,
}

/// `GET /api/attester`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttesterInfo {
    pub address: String,
    pub chain_id: u64,
    pub schema: String,
    pub schema_uid: String,
    pub eas_contract: String,
    pub eas_version: String,
}

/// `POST /api/attestations/verify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOutcome {
    pub valid: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    pub uid: Option<String>,
    pub recipient: Option<String>,
    /// The decoded claim.
    pub claim: Option<serde_json::Value>,
}
