//! The sandbox's personas: deterministic test accounts whose every figure is exact, generated
//! by index (never all at once) relative to an anchor fixed at authorization. The seed's worked
//! examples have every counted order completed and every return decided; pending orders, open
//! returns, deductions and the gaming manoeuvres live in personas of their own.

pub mod books;

use shopscore::money::Currency;

pub use books::{AffiliateBook, AffiliateKind, Category, Frame, OrderBook, OrderKind, DAY};

/// Seller scopes (every seller persona but `missing-finance-scope` gets them all).
pub const SELLER_SCOPES: &[&str] = &[
    "seller.authorization.info",
    "seller.order.info",
    "seller.product.basic",
    "seller.finance.info",
    "seller.return_refund.basic",
    "seller.affiliate_collaboration.read",
    "data.shop_analytics.public.read",
    "seller.customer_service",
];
/// Seller scopes without finance.
pub const SELLER_SCOPES_NO_FINANCE: &[&str] = &[
    "seller.authorization.info",
    "seller.order.info",
    "seller.product.basic",
    "seller.return_refund.basic",
    "seller.affiliate_collaboration.read",
    "data.shop_analytics.public.read",
    "seller.customer_service",
];
/// Creator scopes (the reference's: affiliate orders, and the profile under
/// `creator.affiliate.info`).
pub const CREATOR_SCOPES: &[&str] = &[
    "creator.affiliate_collaboration.read",
    "creator.affiliate.info",
];
/// A seller who is also a creator.
pub const HYBRID_SCOPES: &[&str] = &[
    "seller.authorization.info",
    "seller.order.info",
    "seller.product.basic",
    "seller.finance.info",
    "seller.return_refund.basic",
    "seller.affiliate_collaboration.read",
    "data.shop_analytics.public.read",
    "seller.customer_service",
    "creator.affiliate_collaboration.read",
    "creator.affiliate.info",
];

/// A group of extra orders beside a shop's regular ones (spread over the frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extra {
    /// How many.
    pub count: u64,
    /// Each one's total, minor units.
    pub minor: i64,
    /// Their status.
    pub status: &'static str,
}

/// What a shop sells over the 90 days.
#[derive(Debug, Clone, Copy)]
pub struct ShopPlan {
    /// Paid, non-sample regular orders.
    pub paid: u64,
    /// Their GMV in minor units.
    pub gmv_minor: i64,
    /// Of the paid ones, the most recent this many are still pending (in fulfilment).
    pub pending: u64,
    /// Then this many are `DELIVERED` (returns still possible); the rest `COMPLETED`.
    pub delivered: u64,
    /// `UNPAID` orders (the most recent extras).
    pub unpaid: u64,
    /// `CANCELLED` orders.
    pub cancelled: u64,
    /// Free sample orders.
    pub samples: u64,
    /// Decided refunds (`RETURN_OR_REFUND_REQUEST_COMPLETE`).
    pub refunds: u64,
    /// Each refund's amount.
    pub refund_minor: i64,
    /// Returns left open (`RETURN_OR_REFUND_REQUEST_PENDING`) on top.
    pub open_returns: u64,
    /// Products launched (all of them sold something).
    pub products: u64,
    /// Listings launched that never sold.
    pub unsold_products: u64,
    /// Extra orders (self-purchases, one-cent orders, …).
    pub extras: &'static [Extra],
    /// TikTok's own analytics GMV as a percentage of the orders' (100: they agree).
    pub analytics_percent: i64,
    /// Every this-many paid orders came through a creator (0: none).
    pub affiliate_every: u64,
}

/// A plan with the seed's usual extras and nothing gamed.
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
        pending: 0,
        delivered: 0,
        unpaid: 3,
        cancelled: 5,
        samples: 2,
        refunds,
        refund_minor,
        open_returns: 0,
        products,
        unsold_products: 0,
        extras: &[],
        analytics_percent: 100,
        affiliate_every: 0,
    }
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
    /// `LOCAL` or `CROSS_BORDER`.
    pub seller_type: &'static str,
    /// Currency.
    pub currency: Currency,
    /// What it sells.
    pub plan: ShopPlan,
    /// Customer service: sessions, response %, satisfaction %.
    pub service: (i64, &'static str, &'static str),
}

/// A creator's affiliate business over the 90 days.
#[derive(Debug, Clone, Copy)]
pub struct CreatorPlan {
    /// Settled orders.
    pub settled: u64,
    /// Their attributed sales in minor units.
    pub sales_minor: i64,
    /// Base commission rate, hundredths of a percent.
    pub rate_bps: i64,
    /// Bonus rate (0: none).
    pub bonus_bps: i64,
    /// Every this-many settled orders also earn Shop Ads commission (0: never) …
    pub shop_ads_every: u64,
    /// … at this rate.
    pub shop_ads_bps: i64,
    /// A reward fee per settled order from affiliate partners, minor units (0: none).
    pub reward_minor: i64,
    /// Orders placed, commission estimated (`ORDERED`).
    pub ordered: u64,
    /// Orders held for a fraud check (`FROZEN`).
    pub frozen: u64,
    /// Refunded orders (no commission).
    pub refunded: u64,
    /// Deductions from the balance (`DEDUCTED`).
    pub deducted: u64,
    /// The currency of the amounts.
    pub currency: Currency,
    /// Amounts written as TikTok's Indonesian sample writes them (`"Rp9.900"`).
    pub localized: bool,
    /// The creator promotes the persona's own shop (self-dealing).
    pub own_shop: bool,
    /// TikTok username.
    pub username: &'static str,
    /// The profile's `selection_region` (empty: the profile answers "no sale region").
    pub selection_region: &'static str,
}

const fn creator(
    settled: u64,
    sales_minor: i64,
    rate_bps: i64,
    username: &'static str,
) -> CreatorPlan {
    CreatorPlan {
        settled,
        sales_minor,
        rate_bps,
        bonus_bps: 0,
        shop_ads_every: 0,
        shop_ads_bps: 0,
        reward_minor: 0,
        ordered: 12,
        frozen: 0,
        refunded: 3,
        deducted: 0,
        currency: Currency::USD,
        localized: false,
        own_shop: false,
        username,
        selection_region: "US",
    }
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
    /// `seller_base_region` (empty for creators: TikTok documents it for sellers only).
    pub region: &'static str,
    /// 0 = seller, 1 = creator, 3 = partner.
    pub user_type: i64,
    /// Granted scopes.
    pub scopes: &'static [&'static str],
    /// Authorized shops.
    pub shops: &'static [ShopSpec],
    /// Affiliate side, if any.
    pub creator: Option<CreatorPlan>,
}

const SERVICE: (i64, &str, &str) = (40, "96.5", "94.0");

/// The base of the gaming personas: an honest $3,000-a-month corner store.
const CORNER: ShopPlan = plan(90, 900_000, 0, 0, 6);

const fn corner(no: u64, name: &'static str, plan: ShopPlan) -> ShopSpec {
    ShopSpec {
        no,
        name,
        region: "US",
        seller_type: "LOCAL",
        currency: Currency::USD,
        plan,
        service: SERVICE,
    }
}

const fn seller(
    id: &'static str,
    no: u64,
    description: &'static str,
    shops: &'static [ShopSpec],
) -> Persona {
    Persona {
        id,
        no,
        description,
        name: shops[0].name,
        region: shops[0].region,
        user_type: 0,
        scopes: SELLER_SCOPES,
        shops,
        creator: None,
    }
}

/// Every persona, ids exact.
pub const PERSONAS: &[Persona] = &[
    seller(
        "seller-boutique",
        1,
        "The seed's seller: 150 completed orders, GMV $15,000.00 over 90 days, $750 refunded (5%).",
        &[ShopSpec {
            no: 1,
            name: "Mia's Boutique",
            region: "US",
            seller_type: "LOCAL",
            currency: Currency::USD,
            plan: ShopPlan { unpaid: 4, cancelled: 6, samples: 3, ..plan(150, 1_500_000, 10, 7_500, 12) },
            service: (120, "98.2", "96.1"),
        }],
    ),
    Persona {
        id: "creator-fashion",
        no: 2,
        description: "The seed's creator: 200 settled affiliate orders, $30,000 sales, $4,500 commission.",
        name: "Ava Styles",
        region: "",
        user_type: 1,
        scopes: CREATOR_SCOPES,
        shops: &[],
        creator: Some(creator(200, 3_000_000, 1500, "ava.styles")),
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
            seller_type: "LOCAL",
            currency: Currency::USD,
            plan: ShopPlan { affiliate_every: 5, ..plan(70, 1_050_000, 5, 10_000, 8) },
            service: (60, "97.0", "95.5"),
        }],
        creator: Some(CreatorPlan { ordered: 5, refunded: 1, ..creator(100, 2_000_000, 1500, "harbor.home") }),
    },
    seller(
        "empty-shop",
        4,
        "An active shop with no orders yet.",
        &[ShopSpec {
            no: 4,
            name: "Fresh Start Goods",
            region: "US",
            seller_type: "LOCAL",
            currency: Currency::USD,
            plan: ShopPlan { unpaid: 0, cancelled: 0, samples: 0, unsold_products: 3, ..plan(0, 0, 0, 0, 0) },
            service: (0, "", ""),
        }],
    ),
    seller(
        "restricted-region",
        5,
        "A shop in Australia, a region TikTok Shop lending does not serve.",
        &[ShopSpec {
            no: 5,
            name: "Outback Outfitters",
            region: "AU",
            seller_type: "LOCAL",
            currency: Currency::AUD,
            plan: plan(40, 400_000, 2, 5_000, 5),
            service: SERVICE,
        }],
    ),
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
        scopes: SELLER_SCOPES_NO_FINANCE,
        ..seller(
            "missing-finance-scope",
            7,
            "A seller who did not grant the finance permission: finance calls answer 105005.",
            &[ShopSpec {
                no: 7,
                name: "Quiet Ledger Co",
                region: "US",
                seller_type: "LOCAL",
                currency: Currency::USD,
                plan: plan(30, 300_000, 2, 5_000, 4),
                service: SERVICE,
            }],
        )
    },
    seller(
        "multi-shop",
        8,
        "Two shops: one in the US (USD), one in Indonesia (IDR, whole rupiah).",
        &[
            ShopSpec {
                no: 8,
                name: "Twin Markets US",
                region: "US",
                seller_type: "CROSS_BORDER",
                currency: Currency::USD,
                plan: plan(50, 500_000, 2, 6_000, 6),
                service: SERVICE,
            },
            ShopSpec {
                no: 9,
                name: "Twin Markets Indonesia",
                region: "ID",
                seller_type: "CROSS_BORDER",
                currency: Currency::IDR,
                plan: plan(60, 90_000_000, 3, 500_000, 6),
                service: SERVICE,
            },
        ],
    ),
    seller(
        "large-shop",
        9,
        "50,000 orders in 90 days, for performance work.",
        &[ShopSpec {
            no: 10,
            name: "Mega Mart",
            region: "US",
            seller_type: "LOCAL",
            currency: Currency::USD,
            plan: ShopPlan {
                pending: 400,
                delivered: 1_200,
                unpaid: 500,
                cancelled: 1_000,
                samples: 500,
                ..plan(48_000, 240_000_000, 960, 4_000, 200)
            },
            service: (9_000, "91.0", "89.5"),
        }],
    ),
    Persona {
        id: "creator-id",
        no: 10,
        description: "An Indonesian creator (IDR): commission in parts written as \"Rp9.900\", some orders DEDUCTED, FROZEN and still ORDERED.",
        name: "Sari Gaya",
        region: "",
        user_type: 1,
        scopes: CREATOR_SCOPES,
        shops: &[],
        creator: Some(CreatorPlan {
            settled: 120,
            sales_minor: 14_400_000,
            rate_bps: 1000,
            bonus_bps: 200,
            shop_ads_every: 4,
            shop_ads_bps: 500,
            reward_minor: 250,
            ordered: 10,
            frozen: 4,
            refunded: 3,
            deducted: 8,
            currency: Currency::IDR,
            localized: true,
            own_shop: false,
            username: "sari.gaya",
            selection_region: "ID",
        }),
    },
    seller(
        "analytics-gap",
        11,
        "A shop whose orders add up to more than TikTok's own analytics GMV (60% of it): the gap is shown.",
        &[ShopSpec {
            no: 11,
            name: "Gap Goods",
            region: "US",
            seller_type: "LOCAL",
            currency: Currency::USD,
            plan: ShopPlan { analytics_percent: 60, ..plan(80, 800_000, 2, 5_000, 5) },
            service: SERVICE,
        }],
    ),
    seller(
        "steady-seller",
        12,
        "An honest corner store: $9,000 of completed orders in 90 days ($3,000 a month), the twin of the gamed personas.",
        &[corner(12, "Corner Store", CORNER)],
    ),
    seller(
        "gamed-self-purchases",
        13,
        "The corner store plus 300 unshipped $150 self-purchases (AWAITING_SHIPMENT): shown as pending, never verified.",
        &[corner(13, "Corner Store Plus", ShopPlan {
            extras: &[Extra { count: 300, minor: 15_000, status: "AWAITING_SHIPMENT" }],
            ..CORNER
        })],
    ),
    seller(
        "gamed-penny-orders",
        14,
        "The corner store plus 120 one-cent orders filling empty weeks: they do not count as orders.",
        &[corner(14, "Corner Store Pennies", ShopPlan {
            extras: &[Extra { count: 120, minor: 1, status: "COMPLETED" }],
            ..CORNER
        })],
    ),
    seller(
        "gamed-open-returns",
        15,
        "The corner store with 12% of its sales in return requests left unanswered: deducted all the same.",
        &[corner(15, "Corner Store Returns", ShopPlan { open_returns: 11, refund_minor: 10_000, ..CORNER })],
    ),
    Persona {
        id: "gamed-self-affiliation",
        no: 16,
        description: "A seller whose own creator account promotes the seller's own shop: that commission is excluded.",
        name: "Loop Living",
        region: "US",
        user_type: 0,
        scopes: HYBRID_SCOPES,
        shops: &[corner(16, "Loop Living", CORNER)],
        creator: Some(CreatorPlan { own_shop: true, ordered: 0, refunded: 0, ..creator(60, 900_000, 2000, "loop.living") }),
    },
    Persona {
        id: "creator-no-region",
        no: 17,
        description: "A creator whose profile names no selection region: refused with an explanation, never assumed to be in the US.",
        name: "Nomad Nina",
        region: "",
        user_type: 1,
        scopes: CREATOR_SCOPES,
        shops: &[],
        creator: Some(CreatorPlan { selection_region: "", ..creator(20, 300_000, 1000, "nomad.nina") }),
    },
    Persona {
        id: "partner-agency",
        no: 18,
        description: "A TikTok Shop partner (user_type 3), not a seller or creator: refused with an explanation.",
        name: "Agency Partners",
        region: "US",
        user_type: 3,
        scopes: &["partner.authorization.info"],
        shops: &[],
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
        pending: scale(shop.plan.pending),
        delivered: scale(shop.plan.delivered),
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

/// Formats minor units as the plain decimal string the Open API sends (`"10.50"`, `"9900"`).
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

/// Formats whole rupiah as TikTok's creator sample writes them: `"Rp9.900"` (a dot groups the
/// thousands), and plain digits below a thousand (`"250"`).
pub fn rupiah(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let digits = minor.unsigned_abs().to_string();
    if digits.len() <= 3 {
        return format!("{sign}{digits}");
    }
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{sign}Rp{grouped}")
}

#[cfg(test)]
mod tests;
