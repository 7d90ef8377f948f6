//! What is synced: the resources of a shop or creator connection, their cadences, how a run's
//! window is planned (a sliced backfill, or an incremental window from the watermark), and the
//! fetch issue a failure becomes.

use std::time::Duration;

use app::api::FetchIssue;
use shopscore::records::DataScope;

use super::slices::split;
use super::WINDOW_DAYS;
use crate::config::SyncSettings;
use crate::db::CheckpointRow;
use crate::tiktok::{ErrorKind, TikTokError};

/// How far back an incremental run looks before its watermark: late updates, clock skew.
const OVERLAP_SECS: i64 = 3600;
/// Statements and payouts change status for about a week after they are dated.
const FINANCE_OVERLAP_SECS: i64 = 7 * 86_400;
/// Affiliate orders settle weeks after they are created and can only be searched by creation.
const AFFILIATE_OVERLAP_SECS: i64 = 30 * 86_400;

/// One thing fetched from TikTok Shop for a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Orders,
    Returns,
    Statements,
    Payments,
    Products,
    ShopMetrics,
    AffiliateOrders,
}

const SHOP: &[Resource] = &[
    Resource::Orders,
    Resource::Returns,
    Resource::Statements,
    Resource::Payments,
    Resource::Products,
    Resource::ShopMetrics,
];
const CREATOR: &[Resource] = &[Resource::AffiliateOrders];

/// The names of `resources`, as stored in `sync_jobs.resource`.
pub fn names(resources: &[Resource]) -> Vec<&'static str> {
    resources.iter().map(|r| r.name()).collect()
}

impl Resource {
    /// The resources of a connection of `account_kind` (`shop` or `creator`).
    pub fn for_kind(account_kind: &str) -> &'static [Resource] {
        if account_kind == "creator" {
            CREATOR
        } else {
            SHOP
        }
    }

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Resource::Orders => "orders",
            Resource::Returns => "returns",
            Resource::Statements => "statements",
            Resource::Payments => "payments",
            Resource::Products => "products",
            Resource::ShopMetrics => "shop_metrics",
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

    /// How often it is synced.
    pub fn every(self, settings: &SyncSettings) -> Duration {
        match self {
            Resource::Orders | Resource::Returns | Resource::AffiliateOrders => {
                settings.orders_every
            }
            Resource::Statements | Resource::Payments => settings.finance_every,
            Resource::Products | Resource::ShopMetrics => settings.shop_every,
        }
    }

    /// The data scope a missing permission on it takes away.
    pub fn scope(self) -> DataScope {
        match self {
            Resource::Orders => DataScope::Orders,
            Resource::Returns => DataScope::Returns,
            Resource::Statements | Resource::Payments => DataScope::Finance,
            Resource::Products | Resource::ShopMetrics => DataScope::Products,
            Resource::AffiliateOrders => DataScope::Affiliate,
        }
    }

    /// The slices of a new run. Without a watermark it is a backfill of the income window by
    /// creation time, orders split in `slices` so that the rate limit is the only bound;
    /// with one it is incremental from just before the watermark.
    pub fn plan(
        self,
        connection_id: &str,
        watermark: Option<i64>,
        now: i64,
        slices: u32,
    ) -> Vec<CheckpointRow> {
        let window_start = now - i64::from(WINDOW_DAYS) * 86_400;
        let (from, incremental, n) = match (self, watermark) {
            (Resource::Orders, None) => (window_start, false, slices),
            (Resource::Returns | Resource::AffiliateOrders, None) => {
                (window_start, false, (slices / 8).max(1))
            }
            (_, None) => (window_start, false, 1),
            (Resource::Orders | Resource::Returns, Some(w)) => (w - OVERLAP_SECS, true, 1),
            (Resource::Statements | Resource::Payments, Some(w)) => {
                ((w - FINANCE_OVERLAP_SECS).max(window_start), false, 1)
            }
            (Resource::AffiliateOrders, Some(w)) => {
                ((w - AFFILIATE_OVERLAP_SECS).max(window_start), false, 1)
            }
            (_, Some(_)) => (window_start, false, 1),
        };
        let n = if self == Resource::Products { 1 } else { n };
        split(from, now, n)
            .into_iter()
            .enumerate()
            .map(|(k, (a, b))| CheckpointRow {
                connection_id: connection_id.to_string(),
                resource: self.name().to_string(),
                slice: k as i64,
                incremental,
                window_from: a,
                window_until: b,
                page_token: None,
                done: false,
                fetched: 0,
                total: 0,
            })
            .collect()
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
pub fn issue(resource: &str, error: &TikTokError) -> FetchIssue {
    let what = resource.replace('_', " ");
    let (code, message) = match error.kind() {
        ErrorKind::MissingScope => (
            "missing_permission",
            format!(
                "shopscore was not granted the {} permission, so your {what} could not be read.",
                permission_for(resource),
            ),
        ),
        ErrorKind::ServerError
        | ErrorKind::Timeout
        | ErrorKind::Transport
        | ErrorKind::RateLimited
        | ErrorKind::Decode => (
            "tiktok_unavailable",
            format!("TikTok Shop did not answer for your {what}; we will try again."),
        ),
        ErrorKind::InvalidToken | ErrorKind::TokenExpired => (
            "token_invalid",
            "TikTok Shop no longer accepts this connection's authorization. Reconnect to refresh it.".to_string(),
        ),
        _ => (
            "fetch_failed",
            format!("Your {what} could not be read from TikTok Shop."),
        ),
    };
    FetchIssue {
        resource: resource.to_string(),
        code: code.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_order_run_is_a_sliced_backfill_of_the_window() {
        let plan = Resource::Orders.plan("c", None, 100 * 86_400, 32);
        assert_eq!(plan.len(), 32);
        assert!(plan.iter().all(|s| !s.incremental));
        assert_eq!(plan[0].window_from, 10 * 86_400);
        assert_eq!(plan[31].window_until, 100 * 86_400);
    }

    #[test]
    fn a_later_order_run_reads_updates_since_just_before_the_watermark() {
        let plan = Resource::Orders.plan("c", Some(1_000_000), 1_086_400, 32);
        assert_eq!(plan.len(), 1);
        assert!(plan[0].incremental);
        assert_eq!(plan[0].window_from, 1_000_000 - OVERLAP_SECS);
    }

    #[test]
    fn every_resource_name_parses_back() {
        for r in SHOP.iter().chain(CREATOR) {
            assert_eq!(Resource::parse(r.name()), Some(*r));
        }
    }
}
