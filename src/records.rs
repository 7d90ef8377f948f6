//! Normalised input records: what verified income is computed from, independent of the TikTok
//! Shop wire types (the server maps wire → records; this crate never sees JSON from TikTok).
//! Statuses follow TikTok's reference (orders 202309, returns 202309, creator affiliate orders
//! 202410, seller affiliate orders 202410, finance 202309/202507) and are read tolerantly: an
//! unknown value is kept as `Unknown` and reported, never guessed.

use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};
use crate::region::Region;

/// Unix time in seconds.
pub type UnixSeconds = i64;

/// Reads a status the way TikTok spells it: trimmed, case-insensitive, `-` and spaces as `_`.
fn status_key(status: &str) -> String {
    status
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// A TikTok Shop order status (`orders[].status`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Placed, not paid: not revenue.
    Unpaid,
    /// Accepted, awaiting fulfilment; the buyer may still cancel: pending.
    OnHold,
    /// Paid, waiting to ship: pending.
    AwaitingShipment,
    /// Some packages shipped: pending.
    PartiallyShipping,
    /// Waiting for the carrier: pending.
    AwaitingCollection,
    /// With the carrier: pending.
    InTransit,
    /// Delivered to the buyer; returns are still possible.
    Delivered,
    /// Completed: no further returns or refunds are allowed.
    Completed,
    /// Cancelled: not revenue.
    Cancelled,
    /// A status this version does not know: pending (never verified) and reported.
    Unknown(String),
}

impl OrderStatus {
    /// Reads TikTok's status string (`"AWAITING_SHIPMENT"`, …); anything else is `Unknown`.
    pub fn parse(status: &str) -> OrderStatus {
        match status_key(status).as_str() {
            "UNPAID" => OrderStatus::Unpaid,
            "ON_HOLD" => OrderStatus::OnHold,
            "AWAITING_SHIPMENT" => OrderStatus::AwaitingShipment,
            "PARTIALLY_SHIPPING" => OrderStatus::PartiallyShipping,
            "AWAITING_COLLECTION" => OrderStatus::AwaitingCollection,
            "IN_TRANSIT" => OrderStatus::InTransit,
            "DELIVERED" => OrderStatus::Delivered,
            "COMPLETED" => OrderStatus::Completed,
            "CANCELLED" | "CANCEL" => OrderStatus::Cancelled,
            _ => OrderStatus::Unknown(status.to_string()),
        }
    }

    /// Paid: counts toward GMV (everything but `UNPAID` and `CANCELLED`).
    pub fn is_paid(&self) -> bool {
        !matches!(self, OrderStatus::Unpaid | OrderStatus::Cancelled)
    }

    /// Delivered (`DELIVERED` or `COMPLETED`): the only orders verified income counts.
    pub fn is_delivered(&self) -> bool {
        matches!(self, OrderStatus::Delivered | OrderStatus::Completed)
    }

    /// Paid but not delivered (`ON_HOLD`, in fulfilment, or a status this version does not
    /// know): shown as pending, never counted as verified.
    pub fn is_pending(&self) -> bool {
        self.is_paid() && !self.is_delivered()
    }
}

/// One line of an order (`line_items[]`). TikTok sends one line per unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    /// `product_id`.
    pub product_id: String,
    /// `sku_id`.
    pub sku_id: String,
    /// `product_name`, for product analytics.
    pub product_name: String,
    /// `sale_price` in the order's currency (what the buyer paid for the unit).
    pub sale_price: Money,
    /// Units on this line (1 for TikTok's lines; kept for other sources).
    pub quantity: u32,
    /// `is_gift`: a free item, not a sale.
    pub is_gift: bool,
}

/// A shop order (`/order/202309/orders/search`, `/order/202507/orders`), normalised.
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
    /// `update_time`: the last status change.
    pub update_time: Option<UnixSeconds>,
    /// `paid_time`, when paid.
    pub paid_time: Option<UnixSeconds>,
    /// `delivery_time`, when delivered.
    pub delivery_time: Option<UnixSeconds>,
    /// `rts_time`: when the seller shipped.
    pub rts_time: Option<UnixSeconds>,
    /// `rts_sla_time`: the latest time the seller had to ship by.
    pub rts_sla_time: Option<UnixSeconds>,
    /// `payment.total_amount` with `payment.currency`.
    pub total: Money,
    /// `is_sample_order`: free samples are not revenue.
    pub is_sample: bool,
    /// `is_replacement_order`: a replacement for an earlier order, not a new sale.
    pub is_replacement: bool,
    /// `line_items[]`.
    pub items: Vec<LineItem>,
}

/// What became of a return or refund request, from TikTok's `return_status`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReturnStatus {
    /// Money went back to the buyer (`RETURN_OR_REFUND_REQUEST_SUCCESS`, `…_COMPLETE`,
    /// `REPLACEMENT_REQUEST_REFUND_SUCCESS`): a refund.
    Refunded,
    /// Still open (`…_PENDING`, `AWAITING_BUYER_SHIP`, `BUYER_SHIPPED_ITEM`,
    /// `AWAITING_BUYER_RESPONSE`, `REPLACEMENT_REQUEST_PENDING`): deducted, the cautious reading.
    InProgress,
    /// Rejected or cancelled: no money moved.
    Rejected,
    /// Resolved by a replacement order (`REPLACEMENT_REQUEST_COMPLETE`): no money moved.
    Replaced,
    /// A status this version does not know: deducted (the cautious reading) and reported.
    Unknown(String),
}

impl ReturnStatus {
    /// Reads TikTok's `return_status` (202309's 14 values; tolerant of case and of the
    /// `…_CANCELLED` spelling the webhook pages use).
    pub fn parse(status: &str) -> ReturnStatus {
        match status_key(status).as_str() {
            "RETURN_OR_REFUND_REQUEST_SUCCESS"
            | "RETURN_OR_REFUND_REQUEST_COMPLETE"
            | "REPLACEMENT_REQUEST_REFUND_SUCCESS" => ReturnStatus::Refunded,
            "RETURN_OR_REFUND_REQUEST_PENDING"
            | "AWAITING_BUYER_SHIP"
            | "BUYER_SHIPPED_ITEM"
            | "AWAITING_BUYER_RESPONSE"
            | "REPLACEMENT_REQUEST_PENDING" => ReturnStatus::InProgress,
            "REFUND_OR_RETURN_REQUEST_REJECT"
            | "REJECT_RECEIVE_PACKAGE"
            | "RETURN_OR_REFUND_REQUEST_CANCEL"
            | "RETURN_OR_REFUND_REQUEST_CANCELLED"
            | "RETURN_OR_REFUND__REQUEST_CANCELLED"
            | "REPLACEMENT_REQUEST_REJECT"
            | "REPLACEMENT_REQUEST_CANCEL" => ReturnStatus::Rejected,
            "REPLACEMENT_REQUEST_COMPLETE" => ReturnStatus::Replaced,
            _ => ReturnStatus::Unknown(status.to_string()),
        }
    }
}

/// One returned line (`return_line_items[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnItem {
    /// `sku_id` (a return line names the sku, not the product).
    pub sku_id: String,
    /// `refund_amount.refund_total` of the line.
    pub refund: Money,
}

/// A return or refund (`/return_refund/202309/returns/search`), normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Return {
    /// The source (shop).
    pub source: String,
    /// `return_id`.
    pub id: String,
    /// The order it refunds.
    pub order_id: String,
    /// Its state.
    pub status: ReturnStatus,
    /// `return_type`: `REFUND`, `RETURN_AND_REFUND`, `REPLACEMENT`.
    pub return_type: String,
    /// When it was requested: decides the window.
    pub create_time: UnixSeconds,
    /// `update_time`.
    pub update_time: Option<UnixSeconds>,
    /// `refund_amount.refund_total`: what the buyer gets (or got) back.
    pub refund: Money,
    /// The returned lines.
    pub items: Vec<ReturnItem>,
}

/// A payout's state (`PAID`, `PROCESSING`, `FAILED`; withdrawals also say `SUCCESS`).
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

impl PaymentStatus {
    /// Reads TikTok's `payment_status` / `status`.
    pub fn parse(status: &str) -> PaymentStatus {
        match status_key(status).as_str() {
            "PAID" | "SUCCESS" => PaymentStatus::Paid,
            "PROCESSING" => PaymentStatus::Processing,
            "FAILED" => PaymentStatus::Failed,
            _ => PaymentStatus::Unknown(status.to_string()),
        }
    }
}

/// A daily settlement statement (`/finance/202309/statements`), normalised. Amounts are signed
/// as TikTok sends them (fees and costs negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// The source (shop).
    pub source: String,
    /// Statement id.
    pub id: String,
    /// `statement_time` (00:00 UTC; the statement covers the day before).
    pub statement_time: UnixSeconds,
    /// `settlement_amount`: what the shop was settled, after fees and adjustments.
    pub settlement: Money,
    /// `revenue_amount` (absent for US and UK shops).
    pub revenue: Option<Money>,
    /// `fee_amount` (negative).
    pub fee: Option<Money>,
    /// `adjustment_amount`.
    pub adjustment: Option<Money>,
    /// `shipping_cost_amount` (local sellers outside SEA).
    pub shipping_cost: Option<Money>,
    /// `payment_status`.
    pub payment_status: PaymentStatus,
    /// `payment_id`: the payout it went into.
    pub payment_id: String,
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
    /// `amount` (after currency exchange).
    pub amount: Money,
    /// `status`.
    pub status: PaymentStatus,
}

/// An unsettled transaction (`/finance/202507/orders/unsettled`): money on its way to the
/// shop, an estimate TikTok may still change. Never verified income; shown as upcoming payouts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsettledTransaction {
    /// The source (shop).
    pub source: String,
    /// Transaction id.
    pub id: String,
    /// `type`: `ORDER` or an adjustment type.
    pub kind: String,
    /// `order_id` (or `adjustment_order_id`), when there is one.
    pub order_id: Option<String>,
    /// `order_create_time`.
    pub order_create_time: Option<UnixSeconds>,
    /// `est_settlement_amount`, signed.
    pub estimated_settlement: Money,
    /// `estimated_settlement` when TikTok gives a time (not "x days after delivery").
    pub estimated_settle_time: Option<UnixSeconds>,
    /// `unsettled_reason` (free text).
    pub reason: String,
}

/// A creator affiliate order's status (202410: `UNSPECIFIED`, `ORDERED`, `SETTLED`,
/// `REFUNDED`, `FROZEN`, `DEDUCTED`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AffiliateStatus {
    /// Undefined, may be updated later: estimated.
    Unspecified,
    /// Placed, commission not settled, an estimate available: estimated.
    Ordered,
    /// The commission is settled: verified.
    Settled,
    /// Returned, refunded or cancelled: no commission.
    Refunded,
    /// Held for a fraud check: estimated.
    Frozen,
    /// A deduction from the creator's balance: subtracted from verified commission.
    Deducted,
    /// Anything else: estimated, and reported.
    Unknown(String),
}

impl AffiliateStatus {
    /// Reads the 202410 status (tolerant of case, spaces and `-`).
    pub fn parse(status: &str) -> AffiliateStatus {
        match status_key(status).as_str() {
            "UNSPECIFIED" => AffiliateStatus::Unspecified,
            "ORDERED" => AffiliateStatus::Ordered,
            "SETTLED" => AffiliateStatus::Settled,
            "REFUNDED" => AffiliateStatus::Refunded,
            "FROZEN" => AffiliateStatus::Frozen,
            "DEDUCTED" => AffiliateStatus::Deducted,
            _ => AffiliateStatus::Unknown(status.to_string()),
        }
    }
}

/// The four parts a creator's commission comes in (each `{amount, currency}` on the wire);
/// `None` when TikTok did not send the part (or it could not be read: see `Unparseable`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommissionParts {
    /// `*_commission`: base × rate.
    pub commission: Option<Money>,
    /// `*_bonus_commission`.
    pub bonus: Option<Money>,
    /// `*_shop_ads_commission`.
    pub shop_ads: Option<Money>,
    /// `*_creator_commission_reward_fee`.
    pub creator_reward: Option<Money>,
}

impl CommissionParts {
    /// The parts that are present.
    pub fn present(&self) -> impl Iterator<Item = Money> + '_ {
        [
            self.commission,
            self.bonus,
            self.shop_ads,
            self.creator_reward,
        ]
        .into_iter()
        .flatten()
    }

    /// Whether no part is present.
    pub fn is_empty(&self) -> bool {
        self.present().next().is_none()
    }
}

/// One sku line of a creator's affiliate order (`/affiliate_creator/202410/orders/search`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AffiliateOrder {
    /// The source (creator account).
    pub source: String,
    /// Unique id of this line: `{order id}/{sku id}` (or the order id alone).
    pub id: String,
    /// The order id: an order counts once, however many skus it has.
    pub order_id: String,
    /// `create_time`: decides the window.
    pub create_time: UnixSeconds,
    /// `delivery_time`, when delivered.
    pub delivery_time: Option<UnixSeconds>,
    /// The order's status (an order-level field, copied to each of its lines).
    pub status: AffiliateStatus,
    /// `shop_name`: the shop whose product was promoted (TikTok gives no shop id here).
    pub shop: String,
    /// `product_id`.
    pub product_id: String,
    /// `product_name`.
    pub product_name: String,
    /// `content_type`: `SHOP`, `VIDEO`, `LIVE`, `PRE_LIVE`, `PROMOTION_PAGE`, `LINKSHARE`.
    pub content_type: String,
    /// `content_id`: the video or LIVE that sold it.
    pub content_id: String,
    /// `campaign_id` (a TAP campaign), empty when none.
    pub campaign_id: String,
    /// `open_collaboration_id`, empty when none.
    pub open_collaboration_id: String,
    /// `target_collaboration_id`, empty when none.
    pub target_collaboration_id: String,
    /// Attributed sales: `price` × `quantity`.
    pub sales: Money,
    /// `quantity`.
    pub quantity: u32,
    /// `returned_quantity` + `refunded_quantity`.
    pub returned_quantity: u32,
    /// `commission_rate` in hundredths of a percent (1500 = 15%).
    pub commission_rate_bps: u32,
    /// The `actual_*` parts: verified when the order is `SETTLED`.
    pub actual: CommissionParts,
    /// The `estimated_*` parts: never verified.
    pub estimated: CommissionParts,
}

/// A seller affiliate order's status (202410 seller spec).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SellerAffiliateStatus {
    /// In progress.
    Processing,
    /// Completed: the commission was paid.
    Completed,
    /// Cancelled: nothing paid.
    Cancelled,
    /// Held for a fraud check.
    Frozen,
    /// Taken back.
    Deducted,
    /// Anything else.
    Unknown(String),
}

impl SellerAffiliateStatus {
    /// Reads the seller-side status.
    pub fn parse(status: &str) -> SellerAffiliateStatus {
        match status_key(status).as_str() {
            "PROCESSING" => SellerAffiliateStatus::Processing,
            "COMPLETED" => SellerAffiliateStatus::Completed,
            "CANCELLED" => SellerAffiliateStatus::Cancelled,
            "FROZEN" => SellerAffiliateStatus::Frozen,
            "DEDUCTED" => SellerAffiliateStatus::Deducted,
            _ => SellerAffiliateStatus::Unknown(status.to_string()),
        }
    }
}

/// One sku line of an order a shop got through a creator
/// (`/affiliate_seller/202410/orders/search`): the commission the shop pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerAffiliateOrder {
    /// The source (shop).
    pub source: String,
    /// Unique id of this line: `{order id}/{line index}`.
    pub id: String,
    /// The order id.
    pub order_id: String,
    /// `create_time`.
    pub create_time: UnixSeconds,
    /// The order's status.
    pub status: SellerAffiliateStatus,
    /// `product_id`.
    pub product_id: String,
    /// `creator_username`.
    pub creator: String,
    /// `content_type`.
    pub content_type: String,
    /// `estimated_paid_commission` (+ `estimated_paid_shop_ads_commission`).
    pub estimated_paid: Money,
    /// `actual_paid_commission` (+ `actual_paid_shop_ads_commission`), once known.
    pub actual_paid: Option<Money>,
}

/// A product (`/product/202502/products/search`): launches feed the growth factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// The source (shop).
    pub source: String,
    /// Product id.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `status` (`ACTIVATE`, `DRAFT`, …).
    pub status: String,
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
    /// [`UnsettledTransaction`].
    Unsettled,
    /// [`AffiliateOrder`].
    AffiliateOrder,
    /// [`SellerAffiliateOrder`].
    SellerAffiliateOrder,
    /// [`Product`].
    Product,
}

impl RecordKind {
    /// Every kind, in a fixed order.
    pub const ALL: [RecordKind; 8] = [
        RecordKind::Order,
        RecordKind::Return,
        RecordKind::Statement,
        RecordKind::Payment,
        RecordKind::Unsettled,
        RecordKind::AffiliateOrder,
        RecordKind::SellerAffiliateOrder,
        RecordKind::Product,
    ];

    /// A stable name (the store's `kind` column).
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::Order => "order",
            RecordKind::Return => "return",
            RecordKind::Statement => "statement",
            RecordKind::Payment => "payment",
            RecordKind::Unsettled => "unsettled",
            RecordKind::AffiliateOrder => "affiliate_order",
            RecordKind::SellerAffiliateOrder => "seller_affiliate_order",
            RecordKind::Product => "product",
        }
    }

    /// The kind of a stable name.
    pub fn from_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A record the server could not normalise (bad money string, ambiguous amount, unknown
/// currency, …): passed through so the report counts it instead of it vanishing.
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

impl Unparseable {
    /// Whether the amount was ambiguous (the reason starts with "ambiguous", as
    /// [`crate::money::MoneyError::Ambiguous`]'s message does): counted as `AMBIGUOUS_AMOUNT`.
    pub fn is_ambiguous(&self) -> bool {
        self.reason
            .trim_start()
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("ambiguous"))
    }
}

/// One input record; income is a fold over a stream of these.
///
/// The store reads a body that starts with its `type` tag as the variant's struct directly
/// (`server/src/db/records.rs`): a variant's struct must keep accepting unknown fields and
/// have no field of its own named `type`.
#[allow(
    clippy::large_enum_variant,
    reason = "records are streamed one at a time, never held in bulk; boxing would only add an allocation per record"
)]
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
    /// Money on its way (an estimate).
    Unsettled(UnsettledTransaction),
    /// A creator affiliate order line.
    AffiliateOrder(AffiliateOrder),
    /// A shop's affiliate order line (commission it pays).
    SellerAffiliateOrder(SellerAffiliateOrder),
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
            Record::Unsettled(r) => &r.source,
            Record::AffiliateOrder(r) => &r.source,
            Record::SellerAffiliateOrder(r) => &r.source,
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
            Record::Unsettled(_) => RecordKind::Unsettled,
            Record::AffiliateOrder(_) => RecordKind::AffiliateOrder,
            Record::SellerAffiliateOrder(_) => RecordKind::SellerAffiliateOrder,
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
            Record::Unsettled(r) => &r.id,
            Record::AffiliateOrder(r) => &r.id,
            Record::SellerAffiliateOrder(r) => &r.id,
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

impl SourceKind {
    /// `shop` or `creator`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Shop => "shop",
            SourceKind::Creator => "creator",
        }
    }

    /// The kind of a name.
    pub fn from_name(name: &str) -> Option<SourceKind> {
        match name {
            "shop" => Some(SourceKind::Shop),
            "creator" => Some(SourceKind::Creator),
            _ => None,
        }
    }
}

/// TikTok's `seller_type` (Get Authorized Shops): how the shop trades, not whether the seller is
/// a business. TikTok does not say business or individual, so the score does not guess it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SellerType {
    /// A local seller with one shop.
    Local,
    /// A cross-border seller with shops in several countries.
    CrossBorder,
}

impl SellerType {
    /// Reads `LOCAL` / `CROSS_BORDER`; anything else is unknown.
    pub fn parse(value: &str) -> Option<SellerType> {
        match status_key(value).as_str() {
            "LOCAL" => Some(SellerType::Local),
            "CROSS_BORDER" => Some(SellerType::CrossBorder),
            _ => None,
        }
    }
}

/// A data permission (scope) a connection may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DataScope {
    /// Orders.
    Orders,
    /// Returns and refunds.
    Returns,
    /// Finance: statements, payments, unsettled transactions.
    Finance,
    /// Products.
    Products,
    /// Creator affiliate orders.
    Affiliate,
    /// A shop's affiliate orders (commission it pays creators).
    SellerAffiliate,
    /// Shop analytics (TikTok's own GMV, orders and refunds).
    Analytics,
    /// Customer-service performance.
    CustomerService,
}

/// TikTok's own figures for a shop over a period (`/analytics/202405/shop/performance`,
/// granularity `ALL`): an independent cross-check of the GMV derived from orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopAnalytics {
    /// `start_date` (inclusive, `YYYY-MM-DD` in the shop's time zone).
    pub start_date: String,
    /// `end_date` (exclusive).
    pub end_date: String,
    /// `gmv`.
    pub gmv: Money,
    /// `orders`.
    pub orders: u64,
    /// `units_sold`.
    pub units_sold: u64,
    /// `refunds`.
    pub refunds: Money,
    /// `cancellations_and_returns` (items).
    pub cancellations_and_returns: u64,
}

/// Customer-service performance (`/customer_service/202407/performance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerService {
    /// `support_session_count`.
    pub sessions: u64,
    /// `response_percentage`, 0–100: sessions answered within 24 hours.
    pub response_percent: Option<f64>,
    /// `satisfaction_percentage`, 0–100: rated sessions rated satisfied.
    pub satisfaction_percent: Option<f64>,
}

/// One connected account of a borrower: a shop or a creator account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceInfo {
    /// Stable id (the shop id or the creator's open id); records name it in `source`.
    pub id: String,
    /// Shop or creator.
    pub kind: SourceKind,
    /// Display name (the shop name, or the creator's name).
    pub name: String,
    /// The region, when known.
    pub region: Option<Region>,
    /// The currency its amounts are in; a record in another currency is excluded and reported.
    pub currency: Currency,
    /// The account is active (an authorized, live shop): earns credit for existing.
    pub active: bool,
    /// TikTok's seller type of a shop, when it said.
    pub seller_type: Option<SellerType>,
    /// TikTok's own analytics for the window, when granted and fetched.
    pub analytics: Option<ShopAnalytics>,
    /// Customer-service performance, when granted and fetched.
    pub customer_service: Option<CustomerService>,
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
            seller_type: None,
            analytics: None,
            customer_service: None,
            missing_scopes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statuses_parse_and_classify_paid_delivered_and_pending() {
        assert_eq!(
            OrderStatus::parse("AWAITING_SHIPMENT"),
            OrderStatus::AwaitingShipment
        );
        assert!(!OrderStatus::parse("UNPAID").is_paid());
        assert!(!OrderStatus::parse("CANCELLED").is_paid());
        assert!(OrderStatus::parse("IN_TRANSIT").is_pending());
        assert!(OrderStatus::parse("ON_HOLD").is_pending());
        assert!(OrderStatus::parse("DELIVERED").is_delivered());
        assert!(!OrderStatus::parse("COMPLETED").is_pending());
        let lost = OrderStatus::parse("LOST");
        assert_eq!(lost, OrderStatus::Unknown("LOST".into()));
        assert!(lost.is_pending() && !lost.is_delivered());
    }

    #[test]
    fn affiliate_statuses_follow_the_202410_reference() {
        for (text, status) in [
            ("UNSPECIFIED", AffiliateStatus::Unspecified),
            ("ORDERED", AffiliateStatus::Ordered),
            ("SETTLED", AffiliateStatus::Settled),
            ("REFUNDED", AffiliateStatus::Refunded),
            ("FROZEN", AffiliateStatus::Frozen),
            ("deducted", AffiliateStatus::Deducted),
        ] {
            assert_eq!(AffiliateStatus::parse(text), status);
        }
        assert_eq!(
            AffiliateStatus::parse("To-SETTLE"),
            AffiliateStatus::Unknown("To-SETTLE".into())
        );
    }

    #[test]
    fn return_statuses_map_every_documented_value() {
        assert_eq!(
            ReturnStatus::parse("RETURN_OR_REFUND_REQUEST_COMPLETE"),
            ReturnStatus::Refunded
        );
        assert_eq!(
            ReturnStatus::parse("AWAITING_BUYER_SHIP"),
            ReturnStatus::InProgress
        );
        assert_eq!(
            ReturnStatus::parse("REJECT_RECEIVE_PACKAGE"),
            ReturnStatus::Rejected
        );
        assert_eq!(
            ReturnStatus::parse("REPLACEMENT_REQUEST_COMPLETE"),
            ReturnStatus::Replaced
        );
        assert!(matches!(
            ReturnStatus::parse("SOMETHING_NEW"),
            ReturnStatus::Unknown(_)
        ));
    }

    #[test]
    fn record_kinds_round_trip_their_names_and_seller_types_are_tiktoks() {
        for kind in RecordKind::ALL {
            assert_eq!(RecordKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(SellerType::parse("LOCAL"), Some(SellerType::Local));
        assert_eq!(
            SellerType::parse("CROSS_BORDER"),
            Some(SellerType::CrossBorder)
        );
        assert_eq!(SellerType::parse("BUSINESS"), None);
        assert_eq!(PaymentStatus::parse("SUCCESS"), PaymentStatus::Paid);
    }
}
