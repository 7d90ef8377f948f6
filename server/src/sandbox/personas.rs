//! The sandbox's personas and their deterministic data. Every figure is exact and generated
//! by index (never all at once), relative to an anchor time fixed at authorization: all dated
//! records fall within `(anchor − 88 days, anchor − 1 hour]`.

use shopscore::money::Currency;

/// One day in seconds.
pub const DAY: i64 = 86_400;

/// Seller scopes (every seller persona but `missing-finance-scope` gets them all).
pub const SELLER_SCOPES: &[&str] = &[
    "seller.authorization.info",
    "seller.order.info",
    "seller.product.basic",
    "seller.finance.info",
    "seller.return_refund.basic",
    "seller.affiliate_collaboration.read",
];
/// Seller scopes without finance.
pub const SELLER_SCOPES_NO_FINANCE: &[&str] = &[
    "seller.authorization.info",
    "seller.order.info",
    "seller.product.basic",
    "seller.return_refund.basic",
    "seller.affiliate_collaboration.read",
];
/// Creator scopes.
pub const CREATOR_SCOPES: &[&str] = &[
    "creator.affiliate_collaboration.read",
    "creator.profile.read",
];
/// A seller who is also a creator.
pub const HYBRID_SCOPES: &[&str] = &[
    "seller.authorization.info",
    "seller.order.info",
    "seller.product.basic",
    "seller.finance.info",
    "seller.return_refund.basic",
    "seller.affiliate_collaboration.read",
    "creator.affiliate_collaboration.read",
    "creator.profile.read",
];

/// What a shop sells over the 90 days.
#[derive(Debug, Clone, Copy)]
pub struct ShopPlan {
    /// Paid, non-sample orders.
    pub paid: u64,
    /// Their GMV in minor units (divisible by `paid`).
    pub gmv_minor: i64,
    /// `UNPAID` orders (the most recent ones).
    pub unpaid: u64,
    /// `CANCELLED` orders.
    pub cancelled: u64,
    /// Free sample orders (paid status, `is_sample_order`).
    pub samples: u64,
    /// Completed refunds.
    pub refunds: u64,
    /// Each refund's amount in minor units.
    pub refund_minor: i64,
    /// Products launched.
    pub products: u64,
}

/// A shop of a persona.
#[derive(Debug, Clone, Copy)]
pub struct ShopSpec {
    /// Small number that makes ids unique.
    pub no: u64,
    /// Display name.
    pub name: &'static str,
    /// Region code.
    pub region: &'static str,
    /// Currency.
    pub currency: Currency,
    /// What it sells.
    pub plan: ShopPlan,
    /// Rating, review count, on-time rate, violations (sandbox-only metrics).
    pub metrics: (&'static str, i64, &'static str, i64),
}

/// A creator's affiliate business over the 90 days.
#[derive(Debug, Clone, Copy)]
pub struct CreatorPlan {
    /// Settled orders.
    pub settled: u64,
    /// Their attributed sales in minor units (divisible by `settled`, and by 20 per order).
    pub sales_minor: i64,
    /// Commission rate in hundredths of a percent.
    pub rate_bps: i64,
    /// Orders not settled yet (estimated commission only).
    pub unsettled: u64,
    /// Refunded orders (commission reversed).
    pub refunded: u64,
    /// TikTok username.
    pub username: &'static str,
}

/// A persona offered on the consent page.
#[derive(Debug, Clone, Copy)]
pub struct Persona {
    /// The id (the consent button's value).
    pub id: &'static str,
    /// Number that makes ids unique.
    pub no: u64,
    /// One line for the consent page.
    pub description: &'static str,
    /// `seller_name`.
    pub name: &'static str,
    /// `seller_base_region`.
    pub region: &'static str,
    /// 0 = seller, 1 = creator.
    pub user_type: i64,
    /// Granted scopes.
    pub scopes: &'static [&'static str],
    /// Authorized shops.
    pub shops: &'static [ShopSpec],
    /// Affiliate side, if any.
    pub creator: Option<CreatorPlan>,
}

const fn plan(
    paid: u64,
    gmv_minor: i64,
    refunds: u64,
    refund_minor: i64,
    products: u64,
) -> ShopPlan {
    ShopPlan {
        paid,
        gmv_minor,
        unpaid: 3,
        cancelled: 5,
        samples: 2,
        refunds,
        refund_minor,
        products,
    }
}

/// Every persona, ids exact.
pub const PERSONAS: &[Persona] = &[
    Persona {
        id: "seller-boutique",
        no: 1,
        description: "The seed's seller: 150 paid orders, GMV $15,000.00 over 90 days, $750 refunded (5%).",
        name: "Mia's Boutique",
        region: "US",
        user_type: 0,
        scopes: SELLER_SCOPES,
        shops: &[ShopSpec {
            no: 1,
            name: "Mia's Boutique",
            region: "US",
            currency: Currency::USD,
            plan: ShopPlan { paid: 150, gmv_minor: 1_500_000, unpaid: 4, cancelled: 6, samples: 3, refunds: 10, refund_minor: 7_500, products: 12 },
            metrics: ("4.8", 312, "0.97", 0),
        }],
        creator: None,
    },
    Persona {
        id: "creator-fashion",
        no: 2,
        description: "The seed's creator: 200 settled affiliate orders, $30,000 sales, $4,500 commission.",
        name: "Ava Styles",
        region: "US",
        user_type: 1,
        scopes: CREATOR_SCOPES,
        shops: &[],
        creator: Some(CreatorPlan { settled: 200, sales_minor: 3_000_000, rate_bps: 1500, unsettled: 12, refunded: 3, username: "ava.styles" }),
    },
    Persona {
        id: "hybrid",
        no: 3,
        description: "A seller who is also a creator: net seller revenue $10,000 and $3,000 settled commission.",
        name: "Harbor Home",
        region: "US",
        user_type: 0,
        scopes: HYBRID_SCOPES,
        shops: &[ShopSpec {
            no: 3,
            name: "Harbor Home",
            region: "US",
            currency: Currency::USD,
            plan: plan(70, 1_050_000, 5, 10_000, 8),
            metrics: ("4.6", 140, "0.94", 1),
        }],
        creator: Some(CreatorPlan { settled: 100, sales_minor: 2_000_000, rate_bps: 1500, unsettled: 5, refunded: 1, username: "harbor.home" }),
    },
    Persona {
        id: "empty-shop",
        no: 4,
        description: "An active shop with no orders yet.",
        name: "Fresh Start Goods",
        region: "US",
        user_type: 0,
        scopes: SELLER_SCOPES,
        shops: &[ShopSpec {
            no: 4,
            name: "Fresh Start Goods",
            region: "US",
            currency: Currency::USD,
            plan: ShopPlan { paid: 0, gmv_minor: 0, unpaid: 0, cancelled: 0, samples: 0, refunds: 0, refund_minor: 0, products: 3 },
            metrics: ("0", 0, "1", 0),
        }],
        creator: None,
    },
    Persona {
        id: "restricted-region",
        no: 5,
        description: "A shop in Australia, a region TikTok Shop lending does not serve.",
        name: "Outback Outfitters",
        region: "AU",
        user_type: 0,
        scopes: SELLER_SCOPES,
        shops: &[ShopSpec {
            no: 5,
            name: "Outback Outfitters",
            region: "AU",
            currency: Currency::AUD,
            plan: plan(40, 400_000, 2, 5_000, 5),
            metrics: ("4.5", 60, "0.92", 0),
        }],
        creator: None,
    },
    Persona {
        id: "no-shop",
        no: 6,
        description: "An authorization that names no shop.",
        name: "Nobody's Shop",
        region: "US",
        user_type: 0,
        scopes: SELLER_SCOPES,
        shops: &[],
        creator: None,
    },
    Persona {
        id: "missing-finance-scope",
        no: 7,
        description: "A seller who did not grant the finance permission: finance calls answer 105005.",
        name: "Quiet Ledger Co",
        region: "US",
        user_type: 0,
        scopes: SELLER_SCOPES_NO_FINANCE,
        shops: &[ShopSpec {
            no: 7,
            name: "Quiet Ledger Co",
            region: "US",
            currency: Currency::USD,
            plan: plan(30, 300_000, 2, 5_000, 4),
            metrics: ("4.7", 45, "0.96", 0),
        }],
        creator: None,
    },
    Persona {
        id: "multi-shop",
        no: 8,
        description: "Two shops: one in the US (USD), one in Indonesia (IDR, whole rupiah).",
        name: "Twin Markets",
        region: "US",
        user_type: 0,
        scopes: SELLER_SCOPES,
        shops: &[
            ShopSpec {
                no: 8,
                name: "Twin Markets US",
                region: "US",
                currency: Currency::USD,
                plan: plan(50, 500_000, 2, 6_000, 6),
                metrics: ("4.9", 210, "0.98", 0),
            },
            ShopSpec {
                no: 9,
                name: "Twin Markets Indonesia",
                region: "ID",
                currency: Currency::IDR,
                plan: plan(60, 90_000_000, 3, 500_000, 6),
                metrics: ("4.7", 95, "0.95", 0),
            },
        ],
        creator: None,
    },
    Persona {
        id: "large-shop",
        no: 9,
        description: "50,000 orders in 90 days, for performance work.",
        name: "Mega Mart",
        region: "US",
        user_type: 0,
        scopes: SELLER_SCOPES,
        shops: &[ShopSpec {
            no: 10,
            name: "Mega Mart",
            region: "US",
            currency: Currency::USD,
            plan: ShopPlan { paid: 48_000, gmv_minor: 240_000_000, unpaid: 500, cancelled: 1_000, samples: 500, refunds: 960, refund_minor: 4_000, products: 200 },
            metrics: ("4.4", 18_500, "0.91", 3),
        }],
        creator: None,
    },
];

/// The `large-shop` persona with `orders` orders in the same proportions (built once per
/// sandbox, so it is leaked to live as long as the shipped ones).
pub fn scaled_large_shop(orders: u64) -> &'static Persona {
    let base = persona("large-shop").unwrap_or(&PERSONAS[0]);
    let shop = base.shops[0];
    let orders = orders.max(100);
    let scale = |n: u64| (n * orders / 50_000).max(1);
    let unpaid = scale(shop.plan.unpaid);
    let cancelled = scale(shop.plan.cancelled);
    let samples = scale(shop.plan.samples);
    let paid = orders - unpaid - cancelled - samples;
    let plan = ShopPlan {
        paid,
        gmv_minor: paid as i64 * 5_000,
        unpaid,
        cancelled,
        samples,
        refunds: scale(shop.plan.refunds),
        ..shop.plan
    };
    let shops: &'static [ShopSpec] = Box::leak(Box::new([ShopSpec { plan, ..shop }]));
    Box::leak(Box::new(Persona { shops, ..*base }))
}

/// Looks a persona up by id.
pub fn persona(id: &str) -> Option<&'static Persona> {
    PERSONAS.iter().find(|p| p.id == id)
}

/// A 64-bit mix (splitmix64): the sandbox's only source of variation.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Hash of a seed and a few numbers.
pub fn h(seed: u64, parts: &[u64]) -> u64 {
    parts.iter().fold(mix(seed), |acc, p| {
        mix(acc ^ p.wrapping_mul(0x100_0000_01B3))
    })
}

/// Formats minor units as the decimal string TikTok sends.
pub fn amount(minor: i64, currency: Currency) -> String {
    let exp = u32::from(currency.exponent());
    if exp == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = exp as usize
    )
}

/// The time frame of a persona's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Exclusive start: anchor − 88 days.
    pub start: i64,
    /// Inclusive end: anchor − 1 hour.
    pub end: i64,
}

impl Frame {
    /// The frame for an anchor.
    pub fn new(anchor: i64) -> Frame {
        Frame {
            start: anchor - 88 * DAY,
            end: anchor - 3600,
        }
    }

    /// The `i`-th of `n` evenly spread times, strictly inside the frame.
    pub fn spread(&self, i: u64, n: u64) -> i64 {
        let span = (self.end - self.start - 120) as i128;
        self.start + 60 + ((i as i128 * span) / n.max(1) as i128) as i64
    }
}

/// What kind of order sits at an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// A paid order and its rank among paid orders.
    Paid(u64),
    /// Unpaid.
    Unpaid,
    /// Cancelled.
    Cancelled,
    /// A free sample.
    Sample,
}

/// A shop's order book, addressed by index: order `i` is created at `frame.spread(i, n)`.
#[derive(Debug, Clone, Copy)]
pub struct OrderBook {
    /// The shop.
    pub shop: &'static ShopSpec,
    /// The seed.
    pub seed: u64,
    /// Its frame.
    pub frame: Frame,
}

impl OrderBook {
    /// Total orders.
    pub fn len(&self) -> u64 {
        let p = &self.shop.plan;
        p.paid + p.unpaid + p.cancelled + p.samples
    }

    /// No orders at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn extras(&self) -> u64 {
        self.len() - self.shop.plan.paid
    }

    /// Index of the `j`-th non-paid order (evenly spread).
    fn extra_pos(&self, j: u64) -> u64 {
        ((2 * j + 1) * self.len()) / (2 * self.extras())
    }

    /// How many non-paid orders sit before index `i`.
    fn extras_before(&self, i: u64) -> u64 {
        let e = self.extras();
        if e == 0 {
            return 0;
        }
        let mut j = (i * e / self.len().max(1)).min(e);
        while j < e && self.extra_pos(j) < i {
            j += 1;
        }
        while j > 0 && self.extra_pos(j - 1) >= i {
            j -= 1;
        }
        j
    }

    /// The kind of order `i`.
    pub fn kind(&self, i: u64) -> OrderKind {
        let p = &self.shop.plan;
        let before = self.extras_before(i);
        if before < self.extras() && self.extra_pos(before) == i {
            let j = before;
            if j >= self.extras() - p.unpaid {
                return OrderKind::Unpaid;
            }
            let m = p.cancelled + p.samples;
            return if ((j + 1) * p.cancelled) / m > (j * p.cancelled) / m {
                OrderKind::Cancelled
            } else {
                OrderKind::Sample
            };
        }
        OrderKind::Paid(i - before)
    }

    /// The index of the paid order of rank `rank`.
    pub fn paid_index(&self, rank: u64) -> u64 {
        let (mut lo, mut hi) = (
            rank,
            (rank + self.extras()).min(self.len().saturating_sub(1)),
        );
        // Smallest i with at least rank + 1 paid orders in 0..=i.
        while lo < hi {
            let mid = (lo + hi) / 2;
            if mid + 1 - self.extras_before(mid + 1) > rank {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// Creation time of order `i` (strictly increasing in `i` for these sizes).
    pub fn create_time(&self, i: u64) -> i64 {
        self.frame.spread(i, self.len())
    }

    /// First index created at or after `t`.
    pub fn first_at_or_after(&self, t: i64) -> u64 {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.create_time(mid) < t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The total of the paid order of rank `rank`: pairs around the mean, so GMV is exact.
    pub fn paid_total(&self, rank: u64) -> i64 {
        let p = &self.shop.plan;
        let base = p.gmv_minor / p.paid.max(1) as i64;
        if p.paid % 2 == 1 && rank == p.paid - 1 {
            return base;
        }
        let delta = (h(self.seed, &[self.shop.no, rank / 2, 7]) % (base as u64 / 5 + 1)) as i64;
        if rank.is_multiple_of(2) {
            base + delta
        } else {
            base - delta
        }
    }

    /// The status string of order `i`.
    pub fn status(&self, kind: OrderKind) -> &'static str {
        match kind {
            OrderKind::Unpaid => "UNPAID",
            OrderKind::Cancelled => "CANCELLED",
            OrderKind::Sample => "COMPLETED",
            OrderKind::Paid(rank) => match self.shop.plan.paid - 1 - rank {
                0 => "AWAITING_SHIPMENT",
                1 => "ON_HOLD",
                2 => "PARTIALLY_SHIPPING",
                3 => "AWAITING_COLLECTION",
                4 => "IN_TRANSIT",
                5..=7 => "DELIVERED",
                _ => "COMPLETED",
            },
        }
    }

    /// Paid ranks that can carry a return (completed ones).
    fn completed_ranks(&self) -> u64 {
        self.shop
            .plan
            .paid
            .saturating_sub(8)
            .max(self.shop.plan.refunds)
    }

    /// The returns: (paid rank, status, refund in minor units), oldest first.
    pub fn returns(&self) -> Vec<(u64, &'static str, i64)> {
        let p = &self.shop.plan;
        if p.refunds == 0 {
            return Vec::new();
        }
        let c = self.completed_ranks();
        let mut out: Vec<(u64, &'static str, i64)> = (0..p.refunds)
            .map(|r| {
                (
                    ((2 * r + 1) * c) / (2 * p.refunds),
                    "RETURN_OR_REFUND_REQUEST_COMPLETE",
                    p.refund_minor,
                )
            })
            .collect();
        // One return still pending and one rejected, on orders next to refunded ones.
        let base = p.gmv_minor / p.paid.max(1) as i64;
        if let Some(&(rank, _, _)) = out.first() {
            out.push((rank + 1, "RETURN_OR_REFUND_REQUEST_PENDING", base / 2));
        }
        if let Some(&(rank, _, _)) = out.get(1) {
            out.push((rank + 1, "REFUND_OR_RETURN_REQUEST_REJECT", base / 3));
        }
        out.sort_by_key(|r| r.0);
        out
    }
}

/// A creator's affiliate order lines, addressed by index.
#[derive(Debug, Clone, Copy)]
pub struct AffiliateBook {
    /// The plan.
    pub plan: &'static CreatorPlan,
    /// Persona number.
    pub no: u64,
    /// Seed.
    pub seed: u64,
    /// Frame.
    pub frame: Frame,
}

/// The kind of an affiliate line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AffiliateKind {
    /// Settled, with its rank.
    Settled(u64),
    /// Refunded.
    Refunded,
    /// Not settled yet.
    Unsettled(u64),
}

/// Shops whose products the creators promote.
pub const PROMOTED_SHOPS: &[&str] = &[
    "Luna Apparel",
    "Coastline Denim",
    "Petal & Thread",
    "Northwind Outfitters",
    "Velvet Row",
];

impl AffiliateBook {
    /// Total lines.
    pub fn len(&self) -> u64 {
        self.plan.settled + self.plan.refunded + self.plan.unsettled
    }

    /// No lines.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The kind of line `i`: the most recent ones are unsettled; refunds are spread.
    pub fn kind(&self, i: u64) -> AffiliateKind {
        let m = self.plan.settled + self.plan.refunded;
        if i >= m {
            return AffiliateKind::Unsettled(i - m);
        }
        let r = self.plan.refunded;
        let refunds_upto = |k: u64| (k * r) / m;
        if refunds_upto(i + 1) > refunds_upto(i) {
            AffiliateKind::Refunded
        } else {
            AffiliateKind::Settled(i - refunds_upto(i + 1))
        }
    }

    /// Attributed sales of line `i`, minor units, a multiple of 20 so 15% is exact.
    pub fn sales(&self, i: u64, kind: AffiliateKind) -> i64 {
        let base = self.plan.sales_minor / self.plan.settled.max(1) as i64;
        match kind {
            AffiliateKind::Settled(rank) => {
                if self.plan.settled % 2 == 1 && rank == self.plan.settled - 1 {
                    return base;
                }
                let delta =
                    (h(self.seed, &[self.no, rank / 2, 11]) % (base as u64 / 100 + 1)) as i64 * 20;
                if rank.is_multiple_of(2) {
                    base + delta
                } else {
                    base - delta
                }
            }
            _ => base - (h(self.seed, &[self.no, i, 13]) % 50) as i64 * 20,
        }
    }

    /// Creation time of line `i`.
    pub fn create_time(&self, i: u64) -> i64 {
        self.frame.spread(i, self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(id: &str) -> OrderBook {
        OrderBook {
            shop: &persona(id).unwrap().shops[0],
            seed: 42,
            frame: Frame::new(1_700_000_000),
        }
    }

    #[test]
    fn the_boutique_has_150_paid_orders_worth_exactly_15000_dollars() {
        let b = book("seller-boutique");
        let mut gmv = 0;
        let mut paid = 0;
        let mut kinds = std::collections::BTreeMap::new();
        for i in 0..b.len() {
            let kind = b.kind(i);
            *kinds.entry(b.status(kind)).or_insert(0) += 1;
            if let OrderKind::Paid(rank) = kind {
                assert_eq!(b.paid_index(rank), i);
                gmv += b.paid_total(rank);
                paid += 1;
            }
        }
        assert_eq!((paid, gmv), (150, 1_500_000));
        for status in [
            "UNPAID",
            "CANCELLED",
            "ON_HOLD",
            "AWAITING_SHIPMENT",
            "PARTIALLY_SHIPPING",
            "AWAITING_COLLECTION",
            "IN_TRANSIT",
            "DELIVERED",
            "COMPLETED",
        ] {
            assert!(kinds.contains_key(status), "{status} missing: {kinds:?}");
        }
    }

    #[test]
    fn order_times_increase_and_stay_inside_the_frame() {
        let b = book("large-shop");
        let mut last = b.frame.start;
        for i in (0..b.len()).step_by(97).chain([b.len() - 1]) {
            let t = b.create_time(i);
            assert!(t > last && t <= b.frame.end);
            last = t;
        }
        assert_eq!(b.first_at_or_after(b.create_time(1234)), 1234);
    }

    #[test]
    fn the_creator_settles_exactly_4500_dollars_on_30000_of_sales() {
        let p = persona("creator-fashion").unwrap();
        let a = AffiliateBook {
            plan: p.creator.as_ref().unwrap(),
            no: p.no,
            seed: 9,
            frame: Frame::new(1_700_000_000),
        };
        let (mut sales, mut commission, mut settled) = (0, 0, 0);
        for i in 0..a.len() {
            if let k @ AffiliateKind::Settled(_) = a.kind(i) {
                let s = a.sales(i, k);
                assert_eq!(s % 20, 0);
                sales += s;
                commission += s * a.plan.rate_bps / 10_000;
                settled += 1;
            }
        }
        assert_eq!((settled, sales, commission), (200, 3_000_000, 450_000));
    }

    #[test]
    fn amounts_print_with_the_currency_exponent() {
        assert_eq!(amount(1050, Currency::USD), "10.50");
        assert_eq!(amount(-7, Currency::USD), "-0.07");
        assert_eq!(amount(1_500_000, Currency::IDR), "1500000");
    }
}
