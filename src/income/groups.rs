//! At the end of the fold: which creator lines are self-dealing (decided only now, because the
//! borrower's own products may arrive after the lines), and what the rest add to each source's
//! days. Also the per-product table with refunds mapped through skus, and largest-remainder
//! apportioning, which insights reuse.

use std::collections::{BTreeMap, BTreeSet};

use super::report::MatchedBy;
use super::state::{earliest, GroupAcc, GroupKey, SourceState};
use crate::records::UnixSeconds;

/// A creator group with the self-dealing decision.
#[derive(Debug, Clone)]
pub(crate) struct DecidedGroup {
    pub key: GroupKey,
    pub acc: GroupAcc,
    pub matched: Option<MatchedBy>,
}

/// What a creator source's groups give once self-dealing is decided.
#[derive(Debug, Clone, Default)]
pub(crate) struct CreatorOutcome {
    /// Net verified commission of groups that are not self-dealing, by placement day offset.
    pub commission_days: BTreeMap<u32, i128>,
    /// Settled orders of groups that are not self-dealing, by creation day offset.
    pub settled_order_days: BTreeMap<u32, u32>,
    /// Earliest settled line of groups that are not self-dealing.
    pub first_settled: Option<UnixSeconds>,
    /// Net verified commission of self-dealing groups (window).
    pub excluded: i128,
    pub lines: u64,
    pub orders: u64,
    pub by_product_id: u64,
    pub by_shop_name: u64,
    pub shops: BTreeSet<String>,
    pub groups: Vec<DecidedGroup>,
}

/// Decides self-dealing for every group of a creator source: product id first, then shop name.
pub(crate) fn decide(
    groups: BTreeMap<GroupKey, GroupAcc>,
    own_products: &BTreeSet<String>,
    own_shops: &BTreeSet<String>,
) -> CreatorOutcome {
    let mut out = CreatorOutcome::default();
    for (key, acc) in groups {
        let matched = if !key.product_id.is_empty() && own_products.contains(&key.product_id) {
            Some(MatchedBy::ProductId)
        } else if !key.shop.is_empty() && own_shops.contains(&key.shop) {
            Some(MatchedBy::ShopName)
        } else {
            None
        };
        match matched {
            Some(by) => {
                out.excluded += acc.verified();
                out.lines += acc.lines;
                out.orders += acc.settled_orders;
                match by {
                    MatchedBy::ProductId => out.by_product_id += acc.lines,
                    MatchedBy::ShopName => out.by_shop_name += acc.lines,
                }
                out.shops.insert(acc.shop_name.clone());
            }
            None => {
                for (day, amount) in &acc.days {
                    *out.commission_days.entry(*day).or_default() += amount;
                }
                for (day, count) in &acc.settled_order_days {
                    *out.settled_order_days.entry(*day).or_default() += count;
                }
                out.first_settled = earliest(out.first_settled, acc.first_settled);
            }
        }
        out.groups.push(DecidedGroup { key, acc, matched });
    }
    out
}

/// Splits `total` over `weights` in proportion, exactly: floors first, then one unit each to
/// the largest remainders (ties to the earlier weight). Zero or negative weights get nothing.
pub(crate) fn apportion(total: i128, weights: &[i128]) -> Vec<i128> {
    let sum: i128 = weights.iter().map(|w| (*w).max(0)).sum();
    if sum <= 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let product = total.saturating_mul((*w).max(0));
        shares.push(product / sum);
        remainders.push((product % sum, i));
    }
    let mut left = total - shares.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        if weights[i] > 0 {
            shares[i] += 1;
            left -= 1;
        }
    }
    shares
}

/// One product of a shop over the window, with its refunds.
#[derive(Debug, Clone)]
pub(crate) struct ProductRow {
    pub id: String,
    pub name: String,
    /// Delivered line revenue.
    pub gross: i128,
    /// Refunds (decided and in progress) mapped to it.
    pub refunds: i128,
    pub orders: u64,
    pub items: u64,
}

impl ProductRow {
    /// Verified product revenue: line revenue less its refunds, never below zero.
    pub(crate) fn revenue(&self) -> i128 {
        (self.gross - self.refunds).max(0)
    }
}

/// The product table of a shop source: refunds of return lines mapped through their sku;
/// refunds no line ties to a sold product are spread over the products by line revenue.
pub(crate) fn product_rows(state: &SourceState) -> Vec<ProductRow> {
    let mut refunds: BTreeMap<&str, i128> = BTreeMap::new();
    let mut pool = state.unattributed_refunds;
    for sku in state.skus.values() {
        if sku.refunds <= 0 {
            continue;
        }
        match sku
            .product
            .as_deref()
            .filter(|p| state.products.get(*p).is_some_and(|a| a.revenue > 0))
        {
            Some(product) => *refunds.entry(product).or_default() += sku.refunds,
            None => pool += sku.refunds,
        }
    }
    let mut rows: Vec<ProductRow> = state
        .products
        .iter()
        .filter(|(id, p)| p.revenue > 0 || refunds.contains_key(id.as_str()))
        .map(|(id, p)| ProductRow {
            id: id.clone(),
            name: p.name(id),
            gross: p.revenue,
            refunds: refunds.get(id.as_str()).copied().unwrap_or(0),
            orders: p.orders,
            items: p.items,
        })
        .collect();
    let weights: Vec<i128> = rows.iter().map(|r| r.gross).collect();
    for (row, extra) in rows.iter_mut().zip(apportion(pool, &weights)) {
        row.refunds += extra;
    }
    rows
}
