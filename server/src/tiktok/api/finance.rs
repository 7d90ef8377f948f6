//! Finance (reference folder `finance/`; every page needs scope `seller.finance.info`):
//! statements, payments and withdrawals (202309), transactions by statement and by order
//! (202501: the 202309 versions were sunset on 2025-12-31) and unsettled transactions
//! (202507: money on its way). Page sizes 1–100; `sort_field` is required where documented.

use serde::{Deserialize, Serialize};

use super::{page_impl, paginated_impl, push_opt, ApiRequest, Items, Method, PageRange, SortOrder};
use crate::tiktok::de;

const FINANCE: &str = "seller.finance.info";

/// `GET /finance/202309/statements`: daily statements, by statement time.
#[derive(Debug, Clone, PartialEq)]
pub struct GetStatements {
    /// Generated on or after.
    pub statement_time_ge: Option<i64>,
    /// Generated before.
    pub statement_time_lt: Option<i64>,
    /// `PAID`, `FAILED`, `PROCESSING`; all by default.
    pub payment_status: Option<String>,
    /// 1..=100.
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// `ASC` (default) or `DESC`.
    pub sort_order: SortOrder,
}

impl GetStatements {
    /// The documented page sizes.
    pub const PAGE: PageRange = PageRange::UP_TO_100;

    /// Statements generated in `[from, until)`, oldest first, the largest page.
    pub fn between(from: i64, until: i64) -> Self {
        GetStatements {
            statement_time_ge: Some(from),
            statement_time_lt: Some(until),
            payment_status: None,
            page_size: Self::PAGE.max,
            page_token: None,
            sort_order: SortOrder::Asc,
        }
    }
}

impl ApiRequest for GetStatements {
    type Response = StatementsPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202309/statements";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = FINANCE;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("sort_field", "statement_time".to_string()),
            ("sort_order", self.sort_order.as_str().to_string()),
            ("page_size", self.page_size.to_string()),
        ];
        push_opt(&mut q, "statement_time_ge", &self.statement_time_ge);
        push_opt(&mut q, "statement_time_lt", &self.statement_time_lt);
        push_opt(&mut q, "payment_status", &self.payment_status);
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn validate(&self) -> Result<(), String> {
        Self::PAGE.check(Self::PATH, self.page_size)
    }
}

/// `data` of [`GetStatements`] (no `total_count`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatementsPage {
    /// `statements[]`.
    #[serde(default)]
    pub statements: Items<Statement>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
}

/// A daily statement: signed amounts in `currency`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// Statement id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// 00:00 UTC; covers the day before.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub statement_time: Option<i64>,
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// What was settled.
    #[serde(default, deserialize_with = "de::string")]
    pub settlement_amount: String,
    /// Revenue at settlement (all regions but the UK and the US).
    #[serde(default, deserialize_with = "de::string")]
    pub revenue_amount: String,
    /// Fees (negative).
    #[serde(default, deserialize_with = "de::string")]
    pub fee_amount: String,
    /// Adjustments.
    #[serde(default, deserialize_with = "de::string")]
    pub adjustment_amount: String,
    /// Shipping costs (local sellers outside SEA).
    #[serde(default, deserialize_with = "de::string")]
    pub shipping_cost_amount: String,
    /// Revenue after seller discounts (local sellers outside SEA).
    #[serde(default, deserialize_with = "de::string")]
    pub net_sales_amount: String,
    /// `PAID`, `FAILED`, `PROCESSING`.
    #[serde(default, deserialize_with = "de::string")]
    pub payment_status: String,
    /// The payout (`payments[].id`).
    #[serde(default, deserialize_with = "de::string")]
    pub payment_id: String,
}

/// `GET /finance/202309/payments`: payouts (not available in SEA markets).
#[derive(Debug, Clone, PartialEq)]
pub struct GetPayments {
    /// Created on or after.
    pub create_time_ge: Option<i64>,
    /// Created before.
    pub create_time_lt: Option<i64>,
    /// 1..=100.
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
    /// `ASC` (default) or `DESC`.
    pub sort_order: SortOrder,
}

impl GetPayments {
    /// The documented page sizes.
    pub const PAGE: PageRange = PageRange::UP_TO_100;

    /// Payments created in `[from, until)`, oldest first, the largest page.
    pub fn between(from: i64, until: i64) -> Self {
        GetPayments {
            create_time_ge: Some(from),
            create_time_lt: Some(until),
            page_size: Self::PAGE.max,
            page_token: None,
            sort_order: SortOrder::Asc,
        }
    }
}

impl ApiRequest for GetPayments {
    type Response = PaymentsPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202309/payments";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = FINANCE;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("sort_field", "create_time".to_string()),
            ("sort_order", self.sort_order.as_str().to_string()),
            ("page_size", self.page_size.to_string()),
        ];
        push_opt(&mut q, "create_time_ge", &self.create_time_ge);
        push_opt(&mut q, "create_time_lt", &self.create_time_lt);
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn validate(&self) -> Result<(), String> {
        Self::PAGE.check(Self::PATH, self.page_size)
    }
}

/// `data` of [`GetPayments`] (no `total_count`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentsPage {
    /// `payments[]`.
    #[serde(default)]
    pub payments: Items<Payment>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
}

/// `{value, currency}`: the payments endpoint's money.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueAmount {
    /// A decimal string.
    #[serde(default, deserialize_with = "de::string")]
    pub value: String,
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
}

/// A payout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment id (statements name it in `payment_id`).
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// Initiated.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
    /// Paid.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub paid_time: Option<i64>,
    /// `PAID`, `PROCESSING`, `FAILED`.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// After currency exchange.
    #[serde(default)]
    pub amount: ValueAmount,
    /// Before currency exchange.
    #[serde(default)]
    pub settlement_amount: Option<ValueAmount>,
    /// Reserved (negative when withheld).
    #[serde(default)]
    pub reserve_amount: Option<ValueAmount>,
    /// Six decimal places.
    #[serde(default, deserialize_with = "de::string")]
    pub exchange_rate: String,
}

/// `GET /finance/202309/withdrawals` (`types` is required; no sort parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct GetWithdrawals {
    /// Created on or after.
    pub create_time_ge: Option<i64>,
    /// Created before.
    pub create_time_lt: Option<i64>,
    /// 1..=100.
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
}

impl ApiRequest for GetWithdrawals {
    type Response = WithdrawalsPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202309/withdrawals";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = FINANCE;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("types", "WITHDRAW,SETTLE,TRANSFER,REVERSE".to_string()),
            ("page_size", self.page_size.to_string()),
        ];
        push_opt(&mut q, "create_time_ge", &self.create_time_ge);
        push_opt(&mut q, "create_time_lt", &self.create_time_lt);
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn validate(&self) -> Result<(), String> {
        PageRange::UP_TO_100.check(Self::PATH, self.page_size)
    }
}

/// `data` of [`GetWithdrawals`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WithdrawalsPage {
    /// `withdrawals[]`.
    #[serde(default)]
    pub withdrawals: Items<Withdrawal>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Withdrawals matching.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// A withdrawal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// Transaction id (not numeric).
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// Amount.
    #[serde(default, deserialize_with = "de::string")]
    pub amount: String,
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// `PROCESSING`, `SUCCESS` (or `PAID`), `FAILED`.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// `WITHDRAW`, `SETTLE`, `TRANSFER`, `REVERSE`.
    #[serde(rename = "type", default, deserialize_with = "de::string")]
    pub kind: String,
    /// Created.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub create_time: Option<i64>,
}

/// `GET /finance/202501/statements/{statement_id}/statement_transactions`.
#[derive(Debug, Clone, PartialEq)]
pub struct GetStatementTransactions {
    /// The statement.
    pub statement_id: String,
    /// 1..=100.
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
}

impl ApiRequest for GetStatementTransactions {
    type Response = StatementTransactionsPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202501/statements/{statement_id}/statement_transactions";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = FINANCE;
    fn path(&self) -> String {
        Self::PATH.replace("{statement_id}", &self.statement_id)
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("sort_field", "order_create_time".to_string()),
            ("page_size", self.page_size.to_string()),
        ];
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn validate(&self) -> Result<(), String> {
        path_id(&self.statement_id)?;
        PageRange::UP_TO_100.check(Self::PATH, self.page_size)
    }
}

/// An id used in a path: digits only, so nothing else can be spliced into the path.
fn path_id(id: &str) -> Result<(), String> {
    if !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("{id:?} is not a TikTok id"))
    }
}

/// `data` of [`GetStatementTransactions`]: the statement with its transactions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatementTransactionsPage {
    /// Statement id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// `SETTLED`.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// Settled (before reserves).
    #[serde(default, deserialize_with = "de::string")]
    pub total_settlement_amount: String,
    /// Paid out (settlement + reserve).
    #[serde(default, deserialize_with = "de::string")]
    pub payable_amount: String,
    /// `transactions[]`.
    #[serde(default)]
    pub transactions: Items<StatementTransaction>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Transactions in the statement.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// One transaction of a statement: an order, an adjustment or a reserve movement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatementTransaction {
    /// Transaction id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// `ORDER`, `RESERVE` or an adjustment type (some are display text).
    #[serde(rename = "type", default, deserialize_with = "de::string")]
    pub kind: String,
    /// The order (for `ORDER`).
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    /// The adjustment (for adjustments).
    #[serde(default, deserialize_with = "de::string")]
    pub adjustment_id: String,
    /// Settled.
    #[serde(default, deserialize_with = "de::string")]
    pub settlement_amount: String,
    /// Revenue.
    #[serde(default, deserialize_with = "de::string")]
    pub revenue_amount: String,
    /// Fees and taxes (shipping excluded).
    #[serde(default, deserialize_with = "de::string")]
    pub fee_tax_amount: String,
    /// Shipping.
    #[serde(default, deserialize_with = "de::string")]
    pub shipping_cost_amount: String,
}

/// `GET /finance/202501/orders/{order_id}/statement_transactions` (not paginated).
#[derive(Debug, Clone, PartialEq)]
pub struct GetOrderStatementTransactions {
    /// The order.
    pub order_id: String,
}

impl ApiRequest for GetOrderStatementTransactions {
    type Response = OrderStatementTransactions;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202501/orders/{order_id}/statement_transactions";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = FINANCE;
    fn path(&self) -> String {
        Self::PATH.replace("{order_id}", &self.order_id)
    }
    fn validate(&self) -> Result<(), String> {
        path_id(&self.order_id)
    }
}

/// `data` of [`GetOrderStatementTransactions`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderStatementTransactions {
    /// The order.
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// Settled.
    #[serde(default, deserialize_with = "de::string")]
    pub settlement_amount: String,
    /// Revenue.
    #[serde(default, deserialize_with = "de::string")]
    pub revenue_amount: String,
    /// Fees and taxes (named `fee_and_tax_amount` at the order level).
    #[serde(default, deserialize_with = "de::string")]
    pub fee_and_tax_amount: String,
    /// Per sku.
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    pub sku_transactions: Vec<SkuTransaction>,
}

/// One sku of an order's settlement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SkuTransaction {
    /// Sku id.
    #[serde(default, deserialize_with = "de::string")]
    pub sku_id: String,
    /// The statement that settled it.
    #[serde(default, deserialize_with = "de::string")]
    pub statement_id: String,
    /// A string in the reference.
    #[serde(default, deserialize_with = "de::string")]
    pub quantity: String,
    /// Settled.
    #[serde(default, deserialize_with = "de::string")]
    pub settlement_amount: String,
}

/// `GET /finance/202507/orders/unsettled`: transactions not settled yet (estimates).
#[derive(Debug, Clone, PartialEq)]
pub struct GetUnsettledTransactions {
    /// From (TikTok's default is 2025-01-01).
    pub search_time_ge: Option<i64>,
    /// Until (default now).
    pub search_time_lt: Option<i64>,
    /// 1..=100.
    pub page_size: u32,
    /// The cursor.
    pub page_token: Option<String>,
}

impl GetUnsettledTransactions {
    /// The documented page sizes.
    pub const PAGE: PageRange = PageRange::UP_TO_100;

    /// Every unsettled transaction, the largest page.
    pub fn all() -> Self {
        GetUnsettledTransactions {
            search_time_ge: None,
            search_time_lt: None,
            page_size: Self::PAGE.max,
            page_token: None,
        }
    }
}

impl ApiRequest for GetUnsettledTransactions {
    type Response = UnsettledPage;
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/finance/202507/orders/unsettled";
    const SHOP_SCOPED: bool = true;
    const SCOPE: &'static str = FINANCE;
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("sort_field", "order_create_time".to_string()),
            ("sort_order", "ASC".to_string()),
            ("page_size", self.page_size.to_string()),
        ];
        push_opt(&mut q, "search_time_ge", &self.search_time_ge);
        push_opt(&mut q, "search_time_lt", &self.search_time_lt);
        push_opt(&mut q, "page_token", &self.page_token);
        q
    }
    fn validate(&self) -> Result<(), String> {
        Self::PAGE.check(Self::PATH, self.page_size)
    }
}

/// `data` of [`GetUnsettledTransactions`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnsettledPage {
    /// `transactions[]`.
    #[serde(default)]
    pub transactions: Items<UnsettledTransaction>,
    /// The next cursor.
    #[serde(default, deserialize_with = "de::string")]
    pub next_page_token: String,
    /// Records matching.
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    pub total_count: i64,
}

/// An unsettled order or adjustment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnsettledTransaction {
    /// Transaction id.
    #[serde(default, deserialize_with = "de::string")]
    pub id: String,
    /// `ORDER` or an adjustment type.
    #[serde(rename = "type", default, deserialize_with = "de::string")]
    pub kind: String,
    /// `UNSETTLED`.
    #[serde(default, deserialize_with = "de::string")]
    pub status: String,
    /// ISO 4217.
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
    /// A unix time as a string, or "x days after delivery".
    #[serde(default, deserialize_with = "de::string")]
    pub estimated_settlement: String,
    /// Free text.
    #[serde(default, deserialize_with = "de::string")]
    pub unsettled_reason: String,
    /// The order's creation.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub order_create_time: Option<i64>,
    /// The order (for `ORDER`).
    #[serde(default, deserialize_with = "de::string")]
    pub order_id: String,
    /// The order an adjustment relates to.
    #[serde(default, deserialize_with = "de::string")]
    pub adjustment_order_id: String,
    /// Estimated settlement.
    #[serde(default, deserialize_with = "de::string")]
    pub est_settlement_amount: String,
    /// Estimated revenue.
    #[serde(default, deserialize_with = "de::string")]
    pub est_revenue_amount: String,
}

page_impl!(StatementsPage, PaymentsPage);
page_impl!(counted: WithdrawalsPage, StatementTransactionsPage, UnsettledPage);
paginated_impl!(
    GetStatements,
    GetPayments,
    GetWithdrawals,
    GetStatementTransactions,
    GetUnsettledTransactions
);
