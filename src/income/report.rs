//! The verified-income report: figures per source (own currency and USD) and in total, counts,
//! reconciliation, the analytics cross-check, self-dealing and the inputs the score reads.

use serde::{Deserialize, Serialize};

use super::warnings::Warning;
use super::window::IncomeWindow;
use crate::money::{FxRate, Money};
use crate::records::{SourceInfo, UnixSeconds};

/// The parts of settled creator commission, and what deductions took back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommissionParts {
    /// `actual_commission` of settled lines (base × rate).
    pub commission: Money,
    /// `actual_bonus_commission` of settled lines.
    pub bonus: Money,
    /// `actual_shop_ads_commission` of settled lines.
    pub shop_ads: Money,
    /// `actual_creator_commission_reward_fee` of settled lines.
    pub creator_reward: Money,
    /// What `DEDUCTED` lines took back (always shown as a positive amount).
    pub deducted: Money,
}

/// Amounts over the score window in one currency: a source's own, or USD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeFigures {
    /// Paid orders' totals (any paid status), free samples and replacements excluded.
    pub gmv: Money,
    /// Orders `DELIVERED` or `COMPLETED` (less orders too small to count): the only verified sales.
    pub delivered_gmv: Money,
    /// Paid but not delivered (`ON_HOLD`, in fulfilment, unknown): shown, never counted.
    pub pending: Money,
    /// Delivered orders below the minimum order value: shown, not counted.
    pub micro_orders: Money,
    /// Refunded returns.
    pub refunds: Money,
    /// Returns still open or of an unknown status: deducted too (the cautious reading).
    pub refunds_in_progress: Money,
    /// Held back for returns still possible on `DELIVERED` orders, at the shop's own return rate.
    pub return_reserve: Money,
    /// Refunds beyond delivered sales: reported, never subtracted from other income.
    pub uncovered_refunds: Money,
    /// Net revenue removed because settlements did not cover it.
    pub capped_by_reconciliation: Money,
    /// Verified net revenue: delivered − refunds − refunds in progress − reserve, capped.
    pub net_revenue: Money,
    /// Every actual part of `SETTLED` creator lines.
    pub commission_settled: Money,
    /// What `DEDUCTED` creator lines took back.
    pub commission_deducted: Money,
    /// Settled − deducted, never below zero.
    pub commission_verified: Money,
    /// Estimated parts of `ORDERED`, `FROZEN`, `UNSPECIFIED` and unknown lines: never counted.
    pub commission_estimated: Money,
    /// Settled commission part by part.
    pub commission_parts: CommissionParts,
    /// Sales attributed to the creator (lines not refunded): not income.
    pub affiliate_sales: Money,
    /// Commission earned on the borrower's own shops: excluded from total income.
    pub self_dealing_excluded: Money,
    /// Commission the shop paid creators (`COMPLETED` seller affiliate lines).
    pub seller_commission_paid: Money,
    /// Commission the shop will likely pay creators (`PROCESSING`, `FROZEN`).
    pub seller_commission_estimated: Money,
    /// Money on its way (unsettled transactions): upcoming payouts, never verified.
    pub unsettled: Money,
    /// Settled revenue from statements (or paid payouts) that reconciliation compares with.
    pub settled_revenue: Money,
    /// Net revenue + verified commission − self-dealing.
    pub total_income: Money,
    /// Total × 30 ÷ window days, half to even.
    pub monthly_income: Money,
    /// Verified income per 30-day bucket of the score window, oldest first.
    pub monthly_series: Vec<Money>,
    /// Verified income per whole week of the score window, oldest first.
    pub weekly_series: Vec<Money>,
}

/// Counts over the score window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeCounts {
    /// Paid orders (not samples, not replacements).
    pub paid_orders: u64,
    /// Orders `DELIVERED` or `COMPLETED`.
    pub delivered_orders: u64,
    /// Orders `COMPLETED`.
    pub completed_orders: u64,
    /// Paid orders not yet delivered.
    pub pending_orders: u64,
    /// Cancelled orders.
    pub cancelled_orders: u64,
    /// Unpaid orders.
    pub unpaid_orders: u64,
    /// Free sample orders.
    pub sample_orders: u64,
    /// Replacement orders.
    pub replacement_orders: u64,
    /// Non-gift units of delivered orders.
    pub items_sold: u64,
    /// Delivered orders at or above the minimum order value: what counting signals count.
    pub countable_orders: u64,
    /// Delivered orders below the minimum order value.
    pub micro_orders: u64,
    /// Returns that refunded money.
    pub refunded_returns: u64,
    /// Returns still open (or of an unknown status).
    pub open_returns: u64,
    /// Distinct creator affiliate orders (an order with several skus counts once).
    pub affiliate_orders: u64,
    /// Creator affiliate lines (skus).
    pub affiliate_lines: u64,
    /// Affiliate orders `SETTLED`.
    pub affiliate_settled_orders: u64,
    /// Affiliate orders `DEDUCTED`.
    pub affiliate_deducted_orders: u64,
    /// Affiliate orders `REFUNDED` (reversed).
    pub affiliate_reversed_orders: u64,
    /// Affiliate orders still estimated (`ORDERED`, `FROZEN`, `UNSPECIFIED`, unknown).
    pub affiliate_estimated_orders: u64,
    /// Seller affiliate lines (commission the shop pays).
    pub seller_affiliate_lines: u64,
    /// Statements in the window.
    pub statements: u64,
    /// Payouts in the window.
    pub payments: u64,
    /// Unsettled transactions.
    pub unsettled_transactions: u64,
    /// Products known (from product records and order lines).
    pub products: u64,
    /// Products launched in the window.
    pub products_launched: u64,
    /// Products launched in the window that sold (seen in a delivered order).
    pub products_launched_sold: u64,
    /// Shipped orders with both `rts_time` and `rts_sla_time`.
    pub shipped_with_sla: u64,
    /// Of those, shipped by the SLA.
    pub shipped_on_time: u64,
}

/// What a reconciliation compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VerifiedBy {
    /// Settlement statements' revenue.
    Statements,
    /// Paid payouts (with a documented fee allowance).
    Payments,
    /// TikTok's own settled creator commission.
    SettledCommission,
}

/// Outcome of comparing settled money with the sales it should come from (best first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReconciliationStatus {
    /// Nothing to reconcile.
    NotApplicable,
    /// A creator account without payouts: TikTok's settled commission is the verification.
    VerifiedBySettlement,
    /// Settled ÷ expected between 0.90 and 1.30.
    Reconciled,
    /// More than 1.30: more money than the orders explain (flagged).
    Excess,
    /// 0.55 to 0.90: part of the sales has not turned into money (flagged).
    Partial,
    /// Sales but no statements or payouts (e.g. the finance permission is missing).
    Unavailable,
    /// Below 0.55: sales that never turn into money.
    Shortfall,
}

/// Payout reconciliation of one source (or all of them, in USD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    /// The outcome.
    pub status: ReconciliationStatus,
    /// What verified the source; `None` when nothing could.
    pub verified_by: Option<VerifiedBy>,
    /// Money settled.
    pub settled: Money,
    /// What should have settled by now.
    pub expected: Money,
    /// settled ÷ expected, when expected is positive.
    pub ratio: Option<f64>,
}

/// How the GMV derived from orders compares with TikTok's own analytics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AnalyticsStatus {
    /// Within 10% of TikTok's figure.
    Agreement,
    /// More than 10% apart.
    Gap,
    /// No analytics (not granted, not fetched, unreadable dates or no rate to compare).
    Unavailable,
}

/// The analytics cross-check of one shop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsCheck {
    /// The outcome.
    pub status: AnalyticsStatus,
    /// Our GMV over TikTok's dates (UTC days), in the source currency.
    pub derived_gmv: Option<Money>,
    /// TikTok's `gmv`, as sent.
    pub tiktok_gmv: Option<Money>,
    /// derived ÷ TikTok's, when TikTok's is positive.
    pub ratio: Option<f64>,
    /// Derived GMV more than 10% above TikTok's: a red flag that lowers confidence.
    pub flagged: bool,
}

/// How a self-dealing line was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchedBy {
    /// The promoted product is one of the borrower's own shops' products.
    ProductId,
    /// The promoted shop's name is one of the borrower's own shops' names.
    ShopName,
}

/// Commission a creator source earned on the borrower's own shops, excluded from income.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelfDealing {
    /// Net verified commission excluded (source currency).
    pub excluded: Option<Money>,
    /// Creator lines on the borrower's own shops.
    pub lines: u64,
    /// Of those, matched by product id.
    pub by_product_id: u64,
    /// Of those, matched by shop name only.
    pub by_shop_name: u64,
    /// Settled orders on the borrower's own shops (left out of every count).
    pub orders: u64,
    /// The promoted shops concerned, by name.
    pub shops: Vec<String>,
}

/// One source's income, in its own currency and in USD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceIncome {
    /// The source as passed in.
    pub source: SourceInfo,
    /// Figures in the source's currency.
    pub original: IncomeFigures,
    /// Figures in USD; `None` when the FX table has no rate for the currency.
    pub usd: Option<IncomeFigures>,
    /// The rate used.
    pub fx_rate: Option<FxRate>,
    /// Counts.
    pub counts: IncomeCounts,
    /// Share of the borrower's total verified income (0–1).
    pub share: f64,
    /// (Refunds + refunds in progress) ÷ delivered GMV.
    pub return_rate: Option<f64>,
    /// Share of shipped orders shipped by TikTok's SLA.
    pub on_time_shipping: Option<f64>,
    /// This source's payout reconciliation.
    pub reconciliation: Reconciliation,
    /// The analytics cross-check (shops).
    pub analytics: AnalyticsCheck,
    /// Self-dealing found on this (creator) source.
    pub self_dealing: SelfDealing,
    /// The earliest estimated settle time of the unsettled transactions.
    pub unsettled_earliest: Option<UnixSeconds>,
    /// The earliest verified earning record in the history (delivered order, settled line).
    pub first_earning: Option<UnixSeconds>,
}

/// How concentrated verified income is (shares 0–1; `None` when there is nothing to share).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Concentration {
    /// The top product's share of the shops' verified product revenue.
    pub top_product_share: Option<f64>,
    /// The top promoted shop's share of settled commission (the borrower's own excluded).
    pub top_shop_share: Option<f64>,
    /// The top content piece's share of settled commission.
    pub top_content_share: Option<f64>,
}

/// Verified income over a window for one borrower (all their shops and creator accounts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncomeReport {
    /// [`super::INCOME_VERSION`] at computation time.
    pub income_version: String,
    /// The window.
    pub window: IncomeWindow,
    /// Date of the FX table used.
    pub fx_as_of: String,
    /// Order-independent SHA-256 of the raw records folded in (see MODEL.md).
    pub records_digest: String,
    /// How many records were folded in.
    pub record_count: u64,
    /// Per-source income, in the order the sources were passed.
    pub sources: Vec<SourceIncome>,
    /// Totals in USD over the sources that have a rate.
    pub usd: IncomeFigures,
    /// Counts over all sources.
    pub counts: IncomeCounts,
    /// GMV ÷ paid orders, in USD.
    pub average_order_value: Money,
    /// (Refunds + refunds in progress) ÷ delivered GMV, over the shops with a rate.
    pub return_rate: Option<f64>,
    /// Share of shipped orders shipped by the SLA, over all shops.
    pub on_time_shipping: Option<f64>,
    /// Pending ÷ GMV.
    pub pending_share: Option<f64>,
    /// Countable orders per whole week (shop orders at or above the minimum value plus settled
    /// affiliate orders of other shops), oldest first.
    pub weekly_order_counts: Vec<u64>,
    /// The monthly series the trends read: verified USD income per bucket, with the newest
    /// bucket's creator commission left out while that bucket still has estimated commission.
    pub trend_series: Vec<Money>,
    /// First bucket of `trend_series` that trends and stability may use (earlier buckets
    /// predate a source's first earning or hold only part of its first month).
    pub trend_month_start: u32,
    /// First week of `weekly_order_counts` the order trend may use.
    pub trend_week_start: u32,
    /// Earliest verified earning record over the history, of all sources that earn.
    pub earliest_earning: Option<UnixSeconds>,
    /// Distinct promoted shops whose commission settled (the borrower's own excluded).
    pub affiliate_network: u64,
    /// How concentrated income is.
    pub concentration: Concentration,
    /// Payout reconciliation over all sources, in USD (status: the worst source's).
    pub reconciliation: Reconciliation,
    /// Everything not counted or counted with a caveat.
    pub warnings: Vec<Warning>,
}

impl IncomeReport {
    /// Total verified income in USD.
    pub fn total_income_usd(&self) -> Money {
        self.usd.total_income
    }

    /// Monthly verified income in USD.
    pub fn monthly_income_usd(&self) -> Money {
        self.usd.monthly_income
    }

    /// Whether any warning lowers confidence as a data warning.
    pub fn has_data_warnings(&self) -> bool {
        self.warnings.iter().any(|w| w.code.lowers_confidence())
    }

    /// Whether self-dealing was found on any source.
    pub fn self_dealing_found(&self) -> bool {
        self.sources.iter().any(|s| s.self_dealing.lines > 0)
    }
}
