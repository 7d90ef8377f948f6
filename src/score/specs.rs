//! Every signal of model 1.1.0: identity, weight inside its factor, who it applies to, and the
//! words that explain it. MODEL.md publishes the same table; a test keeps the codes unique.

use super::FactorKind;

/// Which borrowers a signal applies to (a seller is not judged on commissions, nor a creator
/// on returns): a signal that does not apply has no weight; one that applies but cannot be
/// measured is *missing* and scores the neutral prior.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applies {
    Always,
    Shops,
    Creators,
}

/// A signal's definition. `{days}` in a message is the score window's length.
pub(crate) struct Spec {
    pub id: &'static str,
    pub label: &'static str,
    pub weight: f64,
    pub applies: Applies,
    pub low_code: &'static str,
    pub low: &'static str,
    pub high_code: &'static str,
    pub high: &'static str,
}

pub(crate) const REVENUE: [Spec; 1] = [Spec {
    id: "monthlyVerifiedIncome",
    label: "Monthly verified income (delivered sales and settled commissions, USD)",
    weight: 1.0,
    applies: Applies::Always,
    low_code: "REVENUE_BELOW_TOP_TIER",
    low: "Your monthly verified income is below the $20,000 top tier; more delivered sales or settled commissions raise this factor.",
    high_code: "REVENUE_STRONG",
    high: "Your monthly verified income is strong.",
}];

pub(crate) const CONSISTENCY: [Spec; 7] = [
    Spec {
        id: "weeksWithSales",
        label: "Weeks with at least one countable order",
        weight: 30.0,
        applies: Applies::Always,
        low_code: "CONSISTENCY_WEEKS_WITHOUT_SALES",
        low: "Many weeks in the last {days} days had no delivered orders; selling every week raises consistency.",
        high_code: "CONSISTENCY_SELLS_EVERY_WEEK",
        high: "You had delivered orders in nearly every week of the last {days} days.",
    },
    Spec {
        id: "weeklyOrderVariation",
        label: "Variation of weekly order counts",
        weight: 25.0,
        applies: Applies::Always,
        low_code: "CONSISTENCY_UNEVEN_WEEKLY_ORDERS",
        low: "Your weekly order counts swing widely; steadier weekly sales raise consistency.",
        high_code: "CONSISTENCY_STEADY_WEEKLY_ORDERS",
        high: "Your weekly order counts are steady.",
    },
    Spec {
        id: "monthlyIncomeStability",
        label: "Month-over-month stability of verified income",
        weight: 25.0,
        applies: Applies::Always,
        low_code: "CONSISTENCY_VOLATILE_MONTHLY_INCOME",
        low: "Your verified income changes a lot from month to month; steadier monthly income raises consistency.",
        high_code: "CONSISTENCY_STABLE_MONTHLY_INCOME",
        high: "Your monthly verified income is stable.",
    },
    Spec {
        id: "shopAge",
        label: "Age of the earliest verified earning (capped by the history fetched)",
        weight: 15.0,
        applies: Applies::Always,
        low_code: "CONSISTENCY_YOUNG_ACCOUNT",
        low: "Your verified earnings history is short; it improves on its own as it reaches two years.",
        high_code: "CONSISTENCY_ESTABLISHED_ACCOUNT",
        high: "You have a long history of verified earnings.",
    },
    Spec {
        id: "productConcentration",
        label: "Top product's share of verified product revenue",
        weight: 10.0,
        applies: Applies::Shops,
        low_code: "CONCENTRATION_ONE_PRODUCT",
        low: "Most of your shop's revenue comes from one product; selling a wider range makes your income less fragile.",
        high_code: "CONCENTRATION_SPREAD_PRODUCTS",
        high: "Your shop's revenue is spread over several products.",
    },
    Spec {
        id: "shopConcentration",
        label: "Top promoted shop's share of settled commission",
        weight: 10.0,
        applies: Applies::Creators,
        low_code: "CONCENTRATION_ONE_SHOP",
        low: "Most of your commission comes from one shop; promoting products of more shops makes your income less fragile.",
        high_code: "CONCENTRATION_SPREAD_SHOPS",
        high: "Your commission comes from several shops.",
    },
    Spec {
        id: "contentConcentration",
        label: "Top content piece's share of settled commission",
        weight: 5.0,
        applies: Applies::Creators,
        low_code: "CONCENTRATION_ONE_CONTENT",
        low: "Most of your commission comes from one video or LIVE; earning from more pieces of content makes your income less fragile.",
        high_code: "CONCENTRATION_SPREAD_CONTENT",
        high: "Your commission comes from many pieces of content.",
    },
];

pub(crate) const RELIABILITY: [Spec; 6] = [
    Spec {
        id: "returnRate",
        label: "Return rate ((refunds + open returns) ÷ delivered GMV)",
        weight: 30.0,
        applies: Applies::Shops,
        low_code: "RELIABILITY_HIGH_RETURN_RATE",
        low: "A high share of your delivered sales was refunded or is being returned; fewer returns raise reliability.",
        high_code: "RELIABILITY_LOW_RETURN_RATE",
        high: "Few of your delivered sales are returned.",
    },
    Spec {
        id: "onTimeDelivery",
        label: "Orders shipped by TikTok's shipping deadline",
        weight: 15.0,
        applies: Applies::Shops,
        low_code: "RELIABILITY_LATE_SHIPMENTS",
        low: "Too many orders were shipped after TikTok's deadline; shipping on time raises reliability.",
        high_code: "RELIABILITY_SHIPS_ON_TIME",
        high: "You ship your orders on time.",
    },
    Spec {
        id: "cancellationRate",
        label: "Cancelled ÷ (cancelled + countable delivered) orders",
        weight: 10.0,
        applies: Applies::Shops,
        low_code: "RELIABILITY_HIGH_CANCELLATION_RATE",
        low: "Many orders were cancelled; keeping stock accurate and fulfilling orders raises reliability.",
        high_code: "RELIABILITY_FEW_CANCELLATIONS",
        high: "Few of your orders are cancelled.",
    },
    Spec {
        id: "customerSatisfaction",
        label: "Chat sessions rated satisfied (TikTok customer service)",
        weight: 10.0,
        applies: Applies::Shops,
        low_code: "RELIABILITY_LOW_SATISFACTION",
        low: "Fewer buyers rate your chat support as satisfying than is typical; better answers raise reliability.",
        high_code: "RELIABILITY_SATISFIED_BUYERS",
        high: "Buyers rate your chat support as satisfying.",
    },
    Spec {
        id: "responseRate",
        label: "Chat sessions answered within 24 hours",
        weight: 10.0,
        applies: Applies::Shops,
        low_code: "RELIABILITY_SLOW_RESPONSES",
        low: "Many buyer chats were not answered within 24 hours; answering every chat within a day raises reliability.",
        high_code: "RELIABILITY_FAST_RESPONSES",
        high: "You answer buyer chats within a day.",
    },
    Spec {
        id: "commissionSettlement",
        label: "Settled vs. deducted or refunded affiliate orders",
        weight: 10.0,
        applies: Applies::Creators,
        low_code: "RELIABILITY_REVERSED_COMMISSIONS",
        low: "Many of your affiliate orders were deducted or refunded; promoting products that buyers keep raises reliability.",
        high_code: "RELIABILITY_COMMISSIONS_SETTLE",
        high: "Your affiliate commissions settle rather than being deducted or refunded.",
    },
];

pub(crate) const GROWTH: [Spec; 4] = [
    Spec {
        id: "incomeTrend",
        label: "Latest 30 days' verified income vs. the months before",
        weight: 40.0,
        applies: Applies::Always,
        low_code: "GROWTH_INCOME_DECLINING",
        low: "Your latest 30 days' verified income is below the months before it; growing delivered sales raises growth.",
        high_code: "GROWTH_INCOME_RISING",
        high: "Your verified income is rising month over month.",
    },
    Spec {
        id: "orderTrend",
        label: "Countable orders in the recent weeks vs. the earlier weeks",
        weight: 30.0,
        applies: Applies::Always,
        low_code: "GROWTH_ORDERS_DECLINING",
        low: "You received fewer orders in recent weeks than earlier in the last {days} days.",
        high_code: "GROWTH_ORDERS_RISING",
        high: "Your order count is growing.",
    },
    Spec {
        id: "newProducts",
        label: "Products launched in the window that sold",
        weight: 15.0,
        applies: Applies::Shops,
        low_code: "GROWTH_NO_NEW_PRODUCTS",
        low: "None or few of the products you launched in the last {days} days have sold; new listings that sell raise growth.",
        high_code: "GROWTH_NEW_PRODUCTS",
        high: "Products you launched recently are selling.",
    },
    Spec {
        id: "affiliateNetwork",
        label: "Promoted shops whose commission settled",
        weight: 15.0,
        applies: Applies::Creators,
        low_code: "GROWTH_NARROW_AFFILIATE_NETWORK",
        low: "Your settled commissions come from few shops; settled sales for more shops raise growth.",
        high_code: "GROWTH_BROAD_AFFILIATE_NETWORK",
        high: "Your commissions settle from many shops.",
    },
];

/// The signals of a factor.
pub(crate) fn specs_of(kind: FactorKind) -> &'static [Spec] {
    match kind {
        FactorKind::Revenue => &REVENUE,
        FactorKind::Consistency => &CONSISTENCY,
        FactorKind::Reliability => &RELIABILITY,
        FactorKind::Growth => &GROWTH,
    }
}

/// Inputs the seed's model names that no documented TikTok endpoint gives: shown, not weighted.
pub(crate) const UNAVAILABLE: [(&str, &str, &str); 4] = [
    (
        "shopRating",
        "Shop rating",
        "TikTok Shop's Open API documents no endpoint for a shop's rating.",
    ),
    (
        "reviewCount",
        "Number of reviews",
        "TikTok Shop's Open API documents no endpoint for a shop's review count.",
    ),
    (
        "violations",
        "Platform violations",
        "TikTok Shop's Open API documents no endpoint for a shop's violations.",
    ),
    (
        "sellerType",
        "Seller type (business or individual)",
        "TikTok says LOCAL or CROSS_BORDER, not business or individual, so it is not scored.",
    ),
];
