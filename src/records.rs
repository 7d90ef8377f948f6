//! Normalised input records: what verified income is computed from, independent of the TikTok
//! Shop wire types (the server maps wire → records; this crate never sees JSON from TikTok).

use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};
use crate::region::Region;

/// Unix time in seconds.
pub type UnixSeconds = i64;

/// A TikTok Shop order status, read tolerantly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Placed, not paid: not revenue.
    Unpaid,
    /// Paid, held for risk checks.
    OnHold,
    /// Paid, waiting to ship.
    AwaitingShipment,
    /// Some packages shipped.
    PartiallyShipping,
    /// Waiting for the carrier.
    AwaitingCollection,
    /// With the carrier.
    InTransit,
    /// Delivered to the buyer.
    Delivered,
    /// Completed (after the return window).
    Completed,
    /// Cancelled: not revenue.
    Cancelled,
    /// A status this version does not know; treated as paid-but-pending and reported.
    Unknown(String),
}

impl OrderStatus {
    /// Reads TikTok's status string (`"AWAITING_SHIPMENT"`, …); anything else is `Unknown`.
    pub fn parse(status: &str) -> OrderStatus {
        match status.trim().to_ascii_uppercase().as_str() {
            "UNPAID" => OrderStatus::Unpaid,
            "ON_HOLD" => OrderStatus::OnHold,
            "AWAITING_SHIPMENT" => OrderStatus::AwaitingShipment,
            "PARTIALLY_SHIPPING" => OrderStatus::PartiallyShipping,
            "AWAITING_COLLECTION" => OrderStatus::AwaitingCollection,
            "IN_TRANSIT" => OrderStatus::InTransit,
            "DELIVERED" => OrderStatus::Delivered,
            "COMPLETED" => OrderStatus::Completed,
            "CANCELLED" => OrderStatus::Cancelled,
            _ => OrderStatus::Unknown(status.to_string()),
        }
    }

    /// Paid: counts toward GMV (everything but `UNPAID` and `CANCELLED`).
    pub fn is_paid(&self) -> bool {
        !matches!(self, OrderStatus::Unpaid | OrderStatus::Cancelled)
    }

    /// Paid but not yet `DELIVERED` or `COMPLETED`.
    pub fn is_pending(&self) -> bool {
        self.is_paid() && !matches!(self, OrderStatus::Delivered | OrderStatus::Completed)
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    /// The product sold.
    pub product_id: String,
    /// Units on this line.
    pub quantity: u32,
}

/// A shop order (`/order/202309/orders`), normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The source (shop) it belongs to: [`SourceInfo::id`].
    pub source: String,
    /// TikTok order id (a string of digits; kept a string).
    pub id: String,
    /// Order status.
    pub status: OrderStatus,
    /// `create_time`: decides the window and the buckets.
    pub create_time: UnixSeconds,
    /// `paid_time`, when paid.
    pub paid_time: Option<UnixSeconds>,
    /// `payment.total_amount` with `payment.currency`.
    pub total: Money,
    /// `is_sample_order`: free samples are not revenue.
    pub is_sample: bool,
    /// `line_items[]`.
    pub items: Vec<LineItem>,
}

/// What became of a return or refund request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReturnStatus {
    /// Money went back to the buyer: counts as a refund.
    Refunded,
    /// Still being processed: reported, not yet deducted.
    InProgress,
    /// Rejected or cancelled by the buyer: no money moved.
    Rejected,
    /// A status this version does not know; deducted (the conservative reading) and reported.
    Unknown(String),
}

/// A return or refund (`/return_refund/202309/returns/search`), normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Return {
    /// The source (shop).
    pub source: String,
    /// Return id.
    pub id: String,
    /// The order it refunds.
    pub order_id: String,
    /// Its state.
    pub status: ReturnStatus,
    /// When it was requested: decides the window.
    pub create_time: UnixSeconds,
    /// Amount refunded to the buyer.
    pub refund: Money,
}

/// A settlement statement (`/finance/202309/statements`), normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// The source (shop).
    pub source: String,
    /// Statement id.
    pub id: String,
    /// `statement_time`.
    pub statement_time: UnixSeconds,
    /// `settlement_amount`: what the shop was settled, after fees.
    pub settlement: Money,
}

/// A payout's state.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    /// Paid out to the seller's bank.
    Paid,
    /// On its way.
    Processing,
    /// Failed.
    Failed,
    /// Unknown; not counted as settled.
    Unknown(String),
}

/// A payout (`/finance/202309/payments`), normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// The source (shop or creator account).
    pub source: String,
    /// Payment id.
    pub id: String,
    /// `create_time`: decides the window.
    pub create_time: UnixSeconds,
    /// `paid_time`, when paid.
    pub paid_time: Option<UnixSeconds>,
    /// `amount`.
    pub amount: Money,
    /// `status`.
    pub status: PaymentStatus,
}

/// A creator affiliate order's status, per the API's documented values (read tolerantly).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AffiliateStatus {
    /// `UNSPECIFIED`.
    Unspecified,
    /// `AWAITING PAYMENT`.
    AwaitingPayment,
    /// `PROCESSING`.
    Processing,
    /// `To-SETTLE`.
    ToSettle,
    /// `SETTLED`: the commission is verified.
    Settled,
    /// `REFUNDED`: the commission was reversed.
    Refunded,
    /// `FROZEN`.
    Frozen,
    /// Anything else.
    Unknown(String),
}

impl AffiliateStatus {
    /// Reads the documented spellings (`"To-SETTLE"`, `"AWAITING PAYMENT"`, …) tolerantly.
    pub fn parse(status: &str) -> AffiliateStatus {
        let normal: String = status
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        match normal.as_str() {
            "UNSPECIFIED" => AffiliateStatus::Unspecified,
            "AWAITING_PAYMENT" => AffiliateStatus::AwaitingPayment,
            "PROCESSING" => AffiliateStatus::Processing,
            "TO_SETTLE" => AffiliateStatus::ToSettle,
            "SETTLED" => AffiliateStatus::Settled,
            "REFUNDED" => AffiliateStatus::Refunded,
            "FROZEN" => AffiliateStatus::Frozen,
            _ => AffiliateStatus::Unknown(status.to_string()),
        }
    }
}

/// One sku line of a creator's affiliate order (`/affiliate_creator/202410/orders/search`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AffiliateOrder {
    /// The source (creator account).
    pub source: String,
    /// Unique id of this line: the order id, plus the sku id when an order has several skus.
    pub id: String,
    /// `create_time`: decides the window.
    pub create_time: UnixSeconds,
    /// Order status.
    pub status: AffiliateStatus,
    /// The shop whose product was promoted (`shop_name`).
    pub shop: String,
    /// The product promoted.
    pub product_id: String,
    /// Attributed sales (`price` × `quantity`).
    pub sales: Money,
    /// `commission_rate` in hundredths of a percent (1500 = 15%).
    pub commission_rate_bps: u32,
    /// `estimated_commission`: projected at order time, not verified.
    pub estimated_commission: Money,
    /// `actual_commission`: after settlement, net of returns; verified when settled.
    pub actual_commission: Option<Money>,
}

/// A product (`/product/202309/products/search`): its launch feeds the growth factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// The source (shop).
    pub source: String,
    /// Product id.
    pub id: String,
    /// `create_time`: the launch.
    pub create_time: UnixSeconds,
}

/// Which kind of record a [`Record`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RecordKind {
    /// [`Order`].
    Order,
    /// [`Return`].
    Return,
    /// [`Statement`].
    Statement,
    /// [`Payment`].
    Payment,
    /// [`AffiliateOrder`].
    AffiliateOrder,
    /// [`Product`].
    Product,
}

/// A record the server could not normalise (bad money string, unknown currency, …): passed
/// through so the report counts it instead of it vanishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unparseable {
    /// The source it came from.
    pub source: String,
    /// What it was meant to be.
    pub kind: RecordKind,
    /// Its TikTok id, when known.
    pub id: String,
    /// Why it could not be read (e.g. a [`crate::money::MoneyError`] message).
    pub reason: String,
}

/// One input record; income is a fold over a stream of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Record {
    /// A shop order.
    Order(Order),
    /// A return or refund.
    Return(Return),
    /// A settlement statement.
    Statement(Statement),
    /// A payout.
    Payment(Payment),
    /// A creator affiliate order line.
    AffiliateOrder(AffiliateOrder),
    /// A product.
    Product(Product),
    /// A record that failed to normalise.
    Unparseable(Unparseable),
}

impl Record {
    /// The source id the record belongs to.
    pub fn source(&self) -> &str {
        match self {
            Record::Order(r) => &r.source,
            Record::Return(r) => &r.source,
            Record::Statement(r) => &r.source,
            Record::Payment(r) => &r.source,
            Record::AffiliateOrder(r) => &r.source,
            Record::Product(r) => &r.source,
            Record::Unparseable(r) => &r.source,
        }
    }

    /// The record's kind.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Order(_) => RecordKind::Order,
            Record::Return(_) => RecordKind::Return,
            Record::Statement(_) => RecordKind::Statement,
            Record::Payment(_) => RecordKind::Payment,
            Record::AffiliateOrder(_) => RecordKind::AffiliateOrder,
            Record::Product(_) => RecordKind::Product,
            Record::Unparseable(r) => r.kind,
        }
    }

    /// The TikTok id.
    pub fn id(&self) -> &str {
        match self {
            Record::Order(r) => &r.id,
            Record::Return(r) => &r.id,
            Record::Statement(r) => &r.id,
            Record::Payment(r) => &r.id,
            Record::AffiliateOrder(r) => &r.id,
            Record::Product(r) => &r.id,
            Record::Unparseable(r) => &r.id,
        }
    }

    /// The identity the store upserts by: `(source, kind, TikTok id)`. Storing a record whose
    /// key is already present replaces it, which is why a fold over the store never counts an
    /// order twice.
    pub fn key(&self) -> (String, RecordKind, String) {
        (
            self.source().to_string(),
            self.kind(),
            self.id().to_string(),
        )
    }
}

/// Whether a source is a shop or a creator account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// A seller's shop: orders, returns, statements, products.
    Shop,
    /// A creator affiliate account: affiliate orders, payments.
    Creator,
}

/// The seed's "seller type" for the consistency factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SellerType {
    /// A registered business.
    Business,
    /// An individual seller.
    Individual,
}

/// A data permission (scope) a connection may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DataScope {
    /// Orders.
    Orders,
    /// Returns and refunds.
    Returns,
    /// Finance: statements and payments.
    Finance,
    /// Products.
    Products,
    /// Creator affiliate orders.
    Affiliate,
}

/// Optional shop quality metrics; each one may be missing, and the score says so.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopMetrics {
    /// Shop rating, 0–5.
    pub rating: Option<f64>,
    /// Number of reviews.
    pub review_count: Option<u64>,
    /// On-time delivery rate, 0–1.
    pub on_time_delivery_rate: Option<f64>,
    /// Platform violations (policy strikes) in the last 90 days.
    pub violations: Option<u32>,
}

/// One connected account of a borrower: a shop or a creator account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceInfo {
    /// Stable id (e.g. the shop id or the creator's open id); records name it in `source`.
    pub id: String,
    /// Shop or creator.
    pub kind: SourceKind,
    /// Display name.
    pub name: String,
    /// The region, when known.
    pub region: Option<Region>,
    /// The currency its amounts are in; a record in another currency is excluded and reported.
    pub currency: Currency,
    /// The account is active (an authorized, live shop): earns credit for existing.
    pub active: bool,
    /// When the shop or account was opened (shop age).
    pub opened_at: Option<UnixSeconds>,
    /// Business or individual seller, when known.
    pub seller_type: Option<SellerType>,
    /// Shop metrics, when available.
    pub metrics: Option<ShopMetrics>,
    /// Permissions that were not granted, so that data is missing rather than zero.
    pub missing_scopes: Vec<DataScope>,
}

impl SourceInfo {
    /// An active source with nothing optional filled in.
    pub fn new(id: &str, kind: SourceKind, currency: Currency) -> SourceInfo {
        SourceInfo {
            id: id.to_string(),
            kind,
            name: id.to_string(),
            region: None,
            currency,
            active: true,
            opened_at: None,
            seller_type: None,
            metrics: None,
            missing_scopes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statuses_parse_and_classify_paid_and_pending() {
        assert_eq!(
            OrderStatus::parse("AWAITING_SHIPMENT"),
            OrderStatus::AwaitingShipment
        );
        assert!(!OrderStatus::parse("UNPAID").is_paid());
        assert!(!OrderStatus::parse("CANCELLED").is_paid());
        assert!(OrderStatus::parse("IN_TRANSIT").is_pending());
        assert!(OrderStatus::parse("DELIVERED").is_paid());
        assert!(!OrderStatus::parse("COMPLETED").is_pending());
        assert_eq!(
            OrderStatus::parse("LOST"),
            OrderStatus::Unknown("LOST".into())
        );
    }

    #[test]
    fn affiliate_statuses_parse_documented_spellings() {
        assert_eq!(
            AffiliateStatus::parse("To-SETTLE"),
            AffiliateStatus::ToSettle
        );
        assert_eq!(
            AffiliateStatus::parse("AWAITING PAYMENT"),
            AffiliateStatus::AwaitingPayment
        );
        assert_eq!(AffiliateStatus::parse("SETTLED"), AffiliateStatus::Settled);
        assert_eq!(
            AffiliateStatus::parse("weird"),
            AffiliateStatus::Unknown("weird".into())
        );
    }
}
