//! Shop metrics TikTok documents: `GET /analytics/202405/shop/performance` (reference page
//! `analytics/get-shop-performance`, scope `data.shop_analytics.public.read`: GMV, orders,
//! units, buyers, refunds per interval) and `GET /customer_service/202407/performance`
//! (`customer-service/get-customer-service-performance`, scope `seller.customer_service`).
//! No documented endpoint gives a shop rating, a review count or on-time delivery.

use serde::{Deserialize, Serialize};

use super::{Amount, ApiRequest, Method};
use crate::tiktok::de;

/// A calendar date `YYYY-MM-DD` (the shop's time zone), checked before it is sent.
fn check_date(name: &str, date: &str) -> Result<(), String> {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b[i].is_ascii_digit());
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
    {
        Ok(())
    } else {
        Err(format!("{name} {date:?} is not YYYY-MM-DD"))
    }
}

/// `GET /analytics/202405/shop/performance` over `[start, end)`, one aggregate interval.
#[derive(Debug, Clone, PartialEq)]
pub struct GetShopPerformance {
    /// Inclusive start date.
    pub start_date_ge: String,
    /// Exclusive end date.
    pub end_date_lt: String,
    /// `LOCAL` (the shop's currency, the default) or `USD`.
    pub currency: String,
}

impl ApiRequest for GetShopPerformance {
    type Response = ShopPerformanceData;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/analytics/202405/shop/performance";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = "data.shop_analytics.public.read";
    fn query(&self) -> Vec<(&'static str, String)> {
        vec![
            ("start_date_ge", self.start_date_ge.clone()),
            ("end_date_lt", self.end_date_lt.clone()),
            ("granularity", "ALL".to_string()),
            ("with_comparison", "false".to_string()),
            ("currency", self.currency.clone()),
        ]
    }
    fn validate(&self) -> Result<(), String> {
        check_date("start_date_ge", &self.start_date_ge)?;
        check_date("end_date_lt", &self.end_date_lt)?;
        match self.currency.as_str() {
            "LOCAL" | "USD" => Ok(()),
            other => Err(format!("currency {other:?} is not LOCAL or USD")),
        }
    }
}

/// `data` of [`GetShopPerformance`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShopPerformanceData {
    /// The intervals.
    #[serde(default)]
    pub performance: ShopPerformance,
    /// The latest date with data (shop time zone).
    #[serde(default, deserialize_with = "de::string")]
    pub latest_available_date: String,
}

/// `performance`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShopPerformance {
    /// One interval for granularity `ALL`.
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub intervals: Vec<PerformanceInterval>,
}

/// One interval of shop performance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PerformanceInterval {
    /// Inclusive.
    #[serde(default, deserialize_with = "de::string")]
    pub start_date: String,
    /// Exclusive.
    #[serde(default, deserialize_with = "de::string")]
    pub end_date: String,
    /// "Overall Gross Merchandise Value (GMV) for the shop."
    #[serde(default)]
    pub gmv: Option<Amount>,
    /// Orders.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub orders: Option<i64>,
    /// Units sold.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub units_sold: Option<i64>,
    /// Unique buyers.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub buyers: Option<i64>,
    /// "Total value of refunds for the shop."
    #[serde(default)]
    pub refunds: Option<Amount>,
    /// Items cancelled or returned.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub cancellations_and_returns: Option<i64>,
}

/// `GET /customer_service/202407/performance` over `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetCustomerServicePerformance {
    /// Inclusive start date.
    pub support_date_ge: String,
    /// Exclusive end date.
    pub support_date_lt: String,
}

impl ApiRequest for GetCustomerServicePerformance {
    type Response = CustomerServiceData;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/customer_service/202407/performance";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = "seller.customer_service";
    fn query(&self) -> Vec<(&'static str, String)> {
        vec![
            ("support_date_ge", self.support_date_ge.clone()),
            ("support_date_lt", self.support_date_lt.clone()),
        ]
    }
    fn validate(&self) -> Result<(), String> {
        check_date("support_date_ge", &self.support_date_ge)?;
        check_date("support_date_lt", &self.support_date_lt)
    }
}

/// `data` of [`GetCustomerServicePerformance`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerServiceData {
    /// The figures.
    #[serde(default)]
    pub performance: CustomerServicePerformance,
}

/// Customer-service figures; percentages are strings without `%`, already × 100.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerServicePerformance {
    /// Chat sessions started by customers.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub support_session_count: Option<i64>,
    /// First response within 24 hours, e.g. `"93.4"`.
    #[serde(default, deserialize_with = "de::string")]
    pub response_percentage: String,
    /// Rated sessions rated 4 or 5 stars.
    #[serde(default, deserialize_with = "de::string")]
    pub satisfaction_percentage: String,
    /// Average first response time, minutes.
    #[serde(default, deserialize_with = "de::string")]
    pub response_time_mins: String,
}
