//! Order and affiliate books: a persona's records addressed by index. Order `i` of a shop is
//! created at `frame.spread(i, n)`; which kind it is follows from an even spread of the
//! categories (regular paid orders, then unpaid, cancelled, samples and extra groups), so any
//! page is generated on demand and the totals are exact.

use super::{h, CreatorPlan, ShopSpec};

/// One day in seconds.
pub const DAY: i64 = 86_400;

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

/// A category of the non-regular slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// `CANCELLED`.
    Cancelled,
    /// A free sample.
    Sample,
    /// Extra group `g` of the plan.
    Extra(usize),
}

/// Interleaves categories of given counts evenly (Sainte-Laguë): slot `j` gets the category
/// whose next share is due soonest. Returns each slot's category and its rank within it.
pub fn interleave<T: Copy>(counts: &[(T, u64)]) -> Vec<(T, u64)> {
    let total: u64 = counts.iter().map(|(_, c)| c).sum();
    let mut taken = vec![0u64; counts.len()];
    let mut out = Vec::with_capacity(total as usize);
    for _ in 0..total {
        // Due time of category t's next slot: (taken + ½) / count; the smallest goes next.
        let mut best: Option<usize> = None;
        for (t, (_, count)) in counts.iter().enumerate() {
            if taken[t] >= *count {
                continue;
            }
            let better = match best {
                None => true,
                Some(b) => {
                    let lhs = (2 * taken[t] + 1) as u128 * counts[b].1 as u128;
                    let rhs = (2 * taken[b] + 1) as u128 * *count as u128;
                    lhs < rhs
                }
            };
            if better {
                best = Some(t);
            }
        }
        let Some(t) = best else { break };
        out.push((counts[t].0, taken[t]));
        taken[t] += 1;
    }
    out
}

/// What kind of order sits at an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// A regular paid order and its rank among them.
    Paid(u64),
    /// Unpaid.
    Unpaid,
    /// Cancelled.
    Cancelled,
    /// A free sample.
    Sample,
    /// Extra group `g`, its `m`-th order.
    Extra(usize, u64),
}

/// A shop's order book: the shop, the seed, the frame and the layout of its extra slots.
#[derive(Debug, Clone)]
pub struct OrderBook {
    /// The shop.
    pub shop: &'static ShopSpec,
    /// The seed.
    pub seed: u64,
    /// Its frame.
    pub frame: Frame,
    layout: std::sync::Arc<[(Category, u64)]>,
}

/// The layout of a shop's extra slots (cancelled, samples, extras), unpaid left out.
pub fn layout(shop: &ShopSpec) -> std::sync::Arc<[(Category, u64)]> {
    let p = &shop.plan;
    let mut counts = vec![
        (Category::Cancelled, p.cancelled),
        (Category::Sample, p.samples),
    ];
    counts.extend(
        p.extras
            .iter()
            .enumerate()
            .map(|(g, e)| (Category::Extra(g), e.count)),
    );
    interleave(&counts).into()
}

impl OrderBook {
    /// A book over a cached layout (see [`layout`]).
    pub fn new(
        shop: &'static ShopSpec,
        seed: u64,
        frame: Frame,
        layout: std::sync::Arc<[(Category, u64)]>,
    ) -> OrderBook {
        OrderBook {
            shop,
            seed,
            frame,
            layout,
        }
    }

    /// Total orders.
    pub fn len(&self) -> u64 {
        self.shop.plan.paid + self.extras()
    }

    /// No orders at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn extras(&self) -> u64 {
        self.shop.plan.unpaid + self.layout.len() as u64
    }

    /// Index of the `j`-th non-regular order (evenly spread).
    fn extra_pos(&self, j: u64) -> u64 {
        ((2 * j + 1) * self.len()) / (2 * self.extras())
    }

    /// How many non-regular orders sit before index `i`.
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
        let before = self.extras_before(i);
        if before < self.extras() && self.extra_pos(before) == i {
            let j = before as usize;
            return match self.layout.get(j) {
                None => OrderKind::Unpaid,
                Some((Category::Cancelled, _)) => OrderKind::Cancelled,
                Some((Category::Sample, _)) => OrderKind::Sample,
                Some((Category::Extra(g), m)) => OrderKind::Extra(*g, *m),
            };
        }
        OrderKind::Paid(i - before)
    }

    /// The index of the regular paid order of rank `rank`.
    pub fn paid_index(&self, rank: u64) -> u64 {
        let (mut lo, mut hi) = (
            rank,
            (rank + self.extras()).min(self.len().saturating_sub(1)),
        );
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

    /// The total of the regular paid order of rank `rank`: pairs around the mean, so GMV is
    /// exact.
    pub fn paid_total(&self, rank: u64) -> i64 {
        let p = &self.shop.plan;
        let base = p.gmv_minor / p.paid.max(1) as i64;
        if p.paid % 2 == 1 && rank == p.paid - 1 {
            return base + p.gmv_minor % p.paid.max(1) as i64;
        }
        let delta = (h(self.seed, &[self.shop.no, rank / 2, 7]) % (base as u64 / 5 + 1)) as i64;
        if rank.is_multiple_of(2) {
            base + delta
        } else {
            base - delta
        }
    }

    /// The total of order `i`, whatever its kind.
    pub fn total(&self, kind: OrderKind) -> i64 {
        let p = &self.shop.plan;
        match kind {
            OrderKind::Paid(rank) => self.paid_total(rank),
            OrderKind::Extra(g, _) => p.extras[g].minor,
            _ => (p.gmv_minor / p.paid.max(1) as i64).max(100),
        }
    }

    /// The status string of an order of `kind`.
    pub fn status(&self, kind: OrderKind) -> &'static str {
        const PENDING: [&str; 5] = [
            "AWAITING_SHIPMENT",
            "ON_HOLD",
            "PARTIALLY_SHIPPING",
            "AWAITING_COLLECTION",
            "IN_TRANSIT",
        ];
        let p = &self.shop.plan;
        match kind {
            OrderKind::Unpaid => "UNPAID",
            OrderKind::Cancelled => "CANCELLED",
            OrderKind::Sample => "COMPLETED",
            OrderKind::Extra(g, _) => p.extras[g].status,
            OrderKind::Paid(rank) => {
                let from_newest = p.paid - 1 - rank;
                if from_newest < p.pending {
                    PENDING[(from_newest % 5) as usize]
                } else if from_newest < p.pending + p.delivered {
                    "DELIVERED"
                } else {
                    "COMPLETED"
                }
            }
        }
    }

    /// Paid ranks that can carry a return (completed ones).
    fn completed_ranks(&self) -> u64 {
        let p = &self.shop.plan;
        p.paid.saturating_sub(p.pending + p.delivered).max(1)
    }

    /// The returns: (paid rank, status, refund in minor units), by rank.
    pub fn returns(&self) -> Vec<(u64, &'static str, i64)> {
        let p = &self.shop.plan;
        let c = self.completed_ranks();
        let spread = |n: u64, offset: u64| {
            (0..n).map(move |r| (((2 * r + 1) * c) / (2 * n.max(1)) + offset).min(c - 1))
        };
        let mut out: Vec<(u64, &'static str, i64)> = spread(p.refunds, 0)
            .map(|rank| (rank, "RETURN_OR_REFUND_REQUEST_COMPLETE", p.refund_minor))
            .collect();
        if p.refunds >= 2 {
            // One rejected request: no money moved.
            let base = p.gmv_minor / p.paid.max(1) as i64;
            out.push((
                (out[1].0 + 1).min(c - 1),
                "REFUND_OR_RETURN_REQUEST_REJECT",
                base / 3,
            ));
        }
        out.extend(
            spread(p.open_returns, 1)
                .map(|rank| (rank, "RETURN_OR_REFUND_REQUEST_PENDING", p.refund_minor)),
        );
        out.sort_by_key(|r| r.0);
        out.dedup_by_key(|r| r.0);
        out
    }
}

/// The kind of a creator's affiliate order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AffiliateKind {
    /// Settled, with its rank.
    Settled(u64),
    /// Placed, commission estimated.
    Ordered,
    /// Held for a fraud check.
    Frozen,
    /// Refunded: no commission.
    Refunded,
    /// A deduction from the balance.
    Deducted,
}

/// A creator's affiliate orders, addressed by index.
#[derive(Debug, Clone)]
pub struct AffiliateBook {
    /// The plan.
    pub plan: &'static CreatorPlan,
    /// Persona number.
    pub no: u64,
    /// Seed.
    pub seed: u64,
    /// Frame.
    pub frame: Frame,
    layout: std::sync::Arc<[(AffiliateKind, u64)]>,
}

/// The layout of a creator's orders: settled, refunded and deducted spread evenly, the
/// estimated ones (ordered, frozen) the most recent.
pub fn affiliate_layout(plan: &CreatorPlan) -> std::sync::Arc<[(AffiliateKind, u64)]> {
    let mut layout = interleave(&[
        (AffiliateKind::Settled(0), plan.settled),
        (AffiliateKind::Refunded, plan.refunded),
        (AffiliateKind::Deducted, plan.deducted),
    ]);
    layout.extend(interleave(&[
        (AffiliateKind::Ordered, plan.ordered),
        (AffiliateKind::Frozen, plan.frozen),
    ]));
    layout
        .into_iter()
        .map(|(kind, rank)| match kind {
            AffiliateKind::Settled(_) => (AffiliateKind::Settled(rank), rank),
            other => (other, rank),
        })
        .collect::<Vec<_>>()
        .into()
}

impl AffiliateBook {
    /// A book over a cached layout (see [`affiliate_layout`]).
    pub fn new(
        plan: &'static CreatorPlan,
        no: u64,
        seed: u64,
        frame: Frame,
        layout: std::sync::Arc<[(AffiliateKind, u64)]>,
    ) -> AffiliateBook {
        AffiliateBook {
            plan,
            no,
            seed,
            frame,
            layout,
        }
    }

    /// Total orders.
    pub fn len(&self) -> u64 {
        self.layout.len() as u64
    }

    /// No orders.
    pub fn is_empty(&self) -> bool {
        self.layout.is_empty()
    }

    /// The kind of order `i`.
    pub fn kind(&self, i: u64) -> AffiliateKind {
        self.layout
            .get(i as usize)
            .map(|(k, _)| *k)
            .unwrap_or(AffiliateKind::Ordered)
    }

    /// Attributed sales of order `i`, minor units: settled ones pair around the mean so the
    /// total is exact; every amount is a multiple of 1,000 minor units so each rate divides it.
    pub fn sales(&self, i: u64) -> i64 {
        let base = self.plan.sales_minor / self.plan.settled.max(1) as i64;
        let step = 1_000;
        match self.kind(i) {
            AffiliateKind::Settled(rank) => {
                if self.plan.settled % 2 == 1 && rank == self.plan.settled - 1 {
                    return base + self.plan.sales_minor % self.plan.settled.max(1) as i64;
                }
                let delta = (h(self.seed, &[self.no, rank / 2, 11])
                    % (base as u64 / (10 * step as u64) + 1)) as i64
                    * step;
                if rank.is_multiple_of(2) {
                    base + delta
                } else {
                    base - delta
                }
            }
            _ => (base - (h(self.seed, &[self.no, i, 13]) % 5) as i64 * step).max(step),
        }
    }

    /// The four actual (or estimated) commission parts of order `i`: commission, bonus, Shop
    /// Ads and the partner reward, in minor units (0 when the plan has none).
    pub fn parts(&self, i: u64) -> [i64; 4] {
        let sales = self.sales(i);
        let p = self.plan;
        let rank = match self.kind(i) {
            AffiliateKind::Settled(rank) => rank,
            _ => i,
        };
        let shop_ads = if p.shop_ads_every > 0 && rank.is_multiple_of(p.shop_ads_every) {
            sales * p.shop_ads_bps / 10_000
        } else {
            0
        };
        [
            sales * p.rate_bps / 10_000,
            sales * p.bonus_bps / 10_000,
            shop_ads,
            p.reward_minor,
        ]
    }

    /// The sandbox's own figure of the verified commission: every actual part of settled
    /// orders, minus the parts of deducted ones.
    pub fn verified_commission(&self) -> i64 {
        (0..self.len())
            .map(|i| match self.kind(i) {
                AffiliateKind::Settled(_) => self.parts(i).iter().sum(),
                AffiliateKind::Deducted => -self.parts(i).iter().sum::<i64>(),
                _ => 0,
            })
            .sum()
    }

    /// Creation time of order `i`.
    pub fn create_time(&self, i: u64) -> i64 {
        self.frame.spread(i, self.len())
    }
}
