//! What the engine fetches for each kind of account, how often, over which window, and what a
//! failure means for the borrower (a fetch issue naming the permission or the cause).

use std::time::Duration;

use app::api::FetchIssue;
use shopscore::records::{DataScope, RecordKind, SourceKind};

use super::slices::split;
use crate::config::SyncSettings;
use crate::db::Checkpoint;
use crate::tiktok::api;
use crate::tiktok::{ApiRequest, ErrorKind, TikTokError};

/// An incremental order or return run re-reads this much before its watermark.
const OVERLAP_SECS: i64 = 3600;
/// Statements and payments are re-read this far back (late statements and payouts).
const FINANCE_OVERLAP_SECS: i64 = 7 * 86_400;
/// Creator and seller affiliate orders change status for weeks after the sale (settlement,
/// deductions), so their incremental runs re-read the last 30 days.
const AFFILIATE_OVERLAP_SECS: i64 = 30 * 86_400;

/// One thing the engine fetches for a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Orders (backfill by creation, then by update).
    Orders,
    /// Returns and refunds.
    Returns,
    /// Daily settlement statements.
    Statements,
    /// Payouts.
    Payments,
    /// Money on its way (a snapshot replaced at every run).
    Unsettled,
    /// Products.
    Products,
    /// Orders the shop got through creators (the commission it pays).
    SellerAffiliateOrders,
    /// TikTok's own shop analytics (GMV, orders, refunds) for the cross-check.
    Analytics,
    /// Customer-service performance.
    CustomerService,
    /// A creator's affiliate orders.
    AffiliateOrders,
}

const SHOP: &[Resource] = &[
    Resource::Orders,
    Resource::Returns,
    Resource::Statements,
    Resource::Payments,
    Resource::Unsettled,
    Resource::Products,
    Resource::SellerAffiliateOrders,
    Resource::Analytics,
    Resource::CustomerService,
];
const CREATOR: &[Resource] = &[Resource::AffiliateOrders];

/// The names of some resources.
pub fn names(resources: &[Resource]) -> Vec<&'static str> {
    resources.iter().map(|r| r.name()).collect()
}

impl Resource {
    /// The resources of an account kind.
    pub fn for_kind(kind: SourceKind) -> &'static [Resource] {
        match kind {
            SourceKind::Shop => SHOP,
            SourceKind::Creator => CREATOR,
        }
    }

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Resource::Orders => "orders",
            Resource::Returns => "returns",
            Resource::Statements => "statements",
            Resource::Payments => "payments",
            Resource::Unsettled => "unsettled",
            Resource::Products => "products",
            Resource::SellerAffiliateOrders => "seller_affiliate_orders",
            Resource::Analytics => "analytics",
            Resource::CustomerService => "customer_service",
            Resource::AffiliateOrders => "affiliate_orders",
        }
    }

    /// The resource of a stored name.
    pub fn parse(name: &str) -> Option<Resource> {
        SHOP.iter()
            .chain(CREATOR)
            .copied()
            .find(|r| r.name() == name)
    }

    /// How often it runs.
    pub fn every(self, settings: &SyncSettings) -> Duration {
        match self {
            Resource::Orders
            | Resource::Returns
            | Resource::AffiliateOrders
            | Resource::SellerAffiliateOrders => settings.orders_every,
            Resource::Statements | Resource::Payments | Resource::Unsettled => {
                settings.finance_every
            }
            Resource::Products | Resource::Analytics | Resource::CustomerService => {
                settings.shop_every
            }
        }
    }

    /// The data scope it needs (named to the borrower when missing).
    pub fn scope(self) -> DataScope {
        match self {
            Resource::Orders => DataScope::Orders,
            Resource::Returns => DataScope::Returns,
            Resource::Statements | Resource::Payments | Resource::Unsettled => DataScope::Finance,
            Resource::Products => DataScope::Products,
            Resource::SellerAffiliateOrders => DataScope::SellerAffiliate,
            Resource::Analytics => DataScope::Analytics,
            Resource::CustomerService => DataScope::CustomerService,
            Resource::AffiliateOrders => DataScope::Affiliate,
        }
    }

    /// The permission TikTok's reference names for it.
    pub fn permission(self) -> &'static str {
        match self {
            Resource::Orders => api::SearchOrders::SCOPE,
            Resource::Returns => api::SearchReturns::SCOPE,
            Resource::Statements => api::GetStatements::SCOPE,
            Resource::Payments => api::GetPayments::SCOPE,
            Resource::Unsettled => api::GetUnsettledTransactions::SCOPE,
            Resource::Products => api::SearchProducts::SCOPE,
            Resource::SellerAffiliateOrders => api::SearchSellerAffiliateOrders::SCOPE,
            Resource::Analytics => api::GetShopPerformance::SCOPE,
            Resource::CustomerService => api::GetCustomerServicePerformance::SCOPE,
            Resource::AffiliateOrders => api::SearchCreatorAffiliateOrders::SCOPE,
        }
    }

    /// A record kind replaced as a whole at every run (a snapshot), if the resource is one.
    pub fn snapshot(self) -> Option<RecordKind> {
        match self {
            Resource::Unsettled => Some(RecordKind::Unsettled),
            _ => None,
        }
    }

    /// A single call (no pages): its result lands on the connection's source.
    pub fn is_single_call(self) -> bool {
        matches!(self, Resource::Analytics | Resource::CustomerService)
    }

    /// The slices of a new run: a backfill of the history when there is no watermark (orders
    /// in `slices` time slices, returns and affiliate orders in a few), else an incremental
    /// run from just before the watermark.
    pub fn plan(
        self,
        watermark: Option<i64>,
        now: i64,
        history_days: u32,
        slices: u32,
    ) -> Vec<Checkpoint> {
        let history_start = now - i64::from(history_days.max(1)) * 86_400;
        let (from, incremental, n) = match (self, watermark) {
            (Resource::Orders, None) => (history_start, false, slices),
            (
                Resource::Returns | Resource::AffiliateOrders | Resource::SellerAffiliateOrders,
                None,
            ) => (history_start, false, (slices / 8).max(1)),
            (_, None) => (history_start, false, 1),
            (Resource::Orders | Resource::Returns, Some(w)) => (w - OVERLAP_SECS, true, 1),
            (Resource::Statements | Resource::Payments, Some(w)) => {
                ((w - FINANCE_OVERLAP_SECS).max(history_start), false, 1)
            }
            (Resource::AffiliateOrders | Resource::SellerAffiliateOrders, Some(w)) => {
                ((w - AFFILIATE_OVERLAP_SECS).max(history_start), false, 1)
            }
            (_, Some(_)) => (history_start, false, 1),
        };
        let n = match self {
            Resource::Products | Resource::Unsettled => 1,
            _ => n,
        };
        // The window ends after the current second: a record created this second is in it.
        split(from, now + 1, n)
            .into_iter()
            .enumerate()
            .map(|(k, (a, b))| Checkpoint {
                connection_id: String::new(),
                resource: self.name().to_string(),
                slice: k as i64,
                incremental,
                window_from: a,
                window_until: b,
                page_token: None,
                done: false,
                fetched: 0,
                total: 0,
                failures: 0,
            })
            .collect()
    }
}

/// The code of the issue a permission that was not granted leaves (the source then lists its
/// data scope as missing).
pub const MISSING_PERMISSION: &str = "missing_permission";

/// The fetch issue a failed resource leaves on its connection, for the borrower.
pub fn issue(resource: Resource, error: &TikTokError) -> FetchIssue {
    let what = resource.name().replace('_', " ");
    let (code, message) = match error.kind() {
        ErrorKind::MissingScope => (
            MISSING_PERMISSION,
            format!(
                "shopscore was not granted the {} permission, so your {what} could not be read.",
                resource.permission()
            ),
        ),
        ErrorKind::ServerError
        | ErrorKind::Timeout
        | ErrorKind::Transport
        | ErrorKind::RateLimited
        | ErrorKind::Decode => (
            "tiktok_unavailable",
            format!("TikTok Shop did not answer properly for your {what}; we will try again."),
        ),
        ErrorKind::TooLarge => (
            "tiktok_answer_too_large",
            format!("TikTok Shop sent an answer for your {what} larger than we read; we will try again."),
        ),
        ErrorKind::InvalidToken | ErrorKind::TokenExpired | ErrorKind::RefreshRefused => (
            "token_invalid",
            "TikTok Shop no longer accepts this connection's authorization. Reconnect to refresh it."
                .to_string(),
        ),
        ErrorKind::WrongAccount => (
            "wrong_account",
            format!("TikTok Shop says this authorization does not cover this account's {what}; reconnecting it may help."),
        ),
        _ => (
            "fetch_failed",
            format!("Your {what} could not be read from TikTok Shop; we will try again."),
        ),
    };
    FetchIssue {
        resource: resource.name().to_string(),
        code: code.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_order_run_is_a_sliced_backfill_of_the_history() {
        let plan = Resource::Orders.plan(None, 100 * 86_400, 90, 32);
        assert_eq!(plan.len(), 32);
        assert!(plan.iter().all(|s| !s.incremental));
        assert_eq!(plan[0].window_from, 10 * 86_400);
        assert_eq!(plan[31].window_until, 100 * 86_400 + 1);
        let year = Resource::Orders.plan(None, 400 * 86_400, 365, 32);
        assert_eq!(year[0].window_from, 35 * 86_400);
    }

    #[test]
    fn a_later_order_run_reads_updates_since_just_before_the_watermark() {
        let plan = Resource::Orders.plan(Some(1_000_000), 1_086_400, 90, 32);
        assert_eq!(plan.len(), 1);
        assert!(plan[0].incremental);
        assert_eq!(plan[0].window_from, 1_000_000 - OVERLAP_SECS);
    }

    #[test]
    fn every_resource_name_parses_back_and_names_its_documented_scope() {
        for r in SHOP.iter().chain(CREATOR) {
            assert_eq!(Resource::parse(r.name()), Some(*r));
            assert!(!r.permission().is_empty());
        }
        assert_eq!(
            Resource::Analytics.permission(),
            "data.shop_analytics.public.read"
        );
    }
}
