//! A creator's affiliate network: settled commission per promoted shop, per content type and
//! content piece, per campaign and collaboration type, how much of it settled and how much was
//! clawed back. Shares are of settled commission and leave the borrower's own shops out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{shares_bps, Amount, Converter};
use crate::income::{DecidedGroup, Programme};
use crate::records::SourceInfo;

/// How many content pieces are listed.
const TOP_CONTENT: usize = 10;

/// One promoted shop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopInsight {
    /// The shop's name as TikTok gives it.
    pub shop: String,
    /// Settled commission (all actual parts).
    pub commission: Amount,
    /// Estimated commission not yet settled.
    pub estimated: Amount,
    /// Share of settled commission (0 for the borrower's own shops).
    pub share: f64,
    /// The share in basis points (the shares of other shops add to 10,000).
    pub share_bps: u32,
    /// One of the borrower's own shops: excluded from income.
    pub self_dealing: bool,
}

/// Settled commission per content type (`LIVE`, `VIDEO`, `SHOP`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentTypeInsight {
    /// TikTok's `content_type` (empty when TikTok gave none).
    pub content_type: String,
    /// Settled commission.
    pub commission: Amount,
    /// Share of settled commission.
    pub share: f64,
    /// The share in basis points.
    pub share_bps: u32,
}

/// One content piece (a video or a LIVE).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentInsight {
    /// TikTok's `content_id`.
    pub content_id: String,
    /// Its type.
    pub content_type: String,
    /// Settled commission.
    pub commission: Amount,
    /// Share of the settled commission of all content pieces.
    pub share: f64,
}

/// Settled commission per TAP campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignInsight {
    /// `campaign_id`.
    pub campaign_id: String,
    /// Settled commission.
    pub commission: Amount,
    /// Share of settled commission.
    pub share: f64,
}

/// How a line came to the creator; when several ids are set, target wins over open, and open
/// over campaign (the most specific deal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CollaborationKind {
    /// `target_collaboration_id` set.
    Target,
    /// `open_collaboration_id` set.
    Open,
    /// Only `campaign_id` set.
    Campaign,
    /// None set.
    None,
}

/// Settled commission per collaboration type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollaborationInsight {
    /// The type.
    pub kind: CollaborationKind,
    /// Settled commission.
    pub commission: Amount,
    /// Share of settled commission.
    pub share: f64,
}

/// A creator account's network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AffiliateInsights {
    /// The creator's source id.
    pub source: String,
    /// Promoted shops by settled commission.
    pub shops: Vec<ShopInsight>,
    /// The top shop's share of settled commission (own shops excluded).
    pub top_shop_share: Option<f64>,
    /// Settled commission per content type.
    pub content_types: Vec<ContentTypeInsight>,
    /// The top content pieces.
    pub top_content: Vec<ContentInsight>,
    /// Settled commission per campaign.
    pub campaigns: Vec<CampaignInsight>,
    /// Settled commission per collaboration type.
    pub collaborations: Vec<CollaborationInsight>,
    /// Settled ÷ (settled + estimated).
    pub settled_ratio: Option<f64>,
    /// Deducted ÷ settled.
    pub clawback_rate: Option<f64>,
}

/// A promoted shop while summing: (own shop?, matched name) → (display name, settled, estimated).
type ShopSums = ((bool, String), (String, i128, i128));

fn ratio(a: i128, b: i128) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Sums `value` per key over the groups that are not self-dealing, largest first.
fn by_key<K: Ord + Clone>(
    groups: &[&DecidedGroup],
    key: impl Fn(&DecidedGroup) -> Option<K>,
) -> Vec<(K, i128)> {
    let mut sums: BTreeMap<K, i128> = BTreeMap::new();
    for g in groups {
        if let Some(k) = key(g) {
            *sums.entry(k).or_default() += g.acc.settled_total();
        }
    }
    let mut out: Vec<(K, i128)> = sums.into_iter().filter(|(_, v)| *v > 0).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Builds the insights of one creator account.
pub(crate) fn insights(
    source: &SourceInfo,
    groups: &[DecidedGroup],
    convert: Converter,
) -> AffiliateInsights {
    let others: Vec<&DecidedGroup> = groups.iter().filter(|g| g.matched.is_none()).collect();
    let mut shops: BTreeMap<(bool, String), (String, i128, i128)> = BTreeMap::new();
    for g in groups {
        let entry = shops
            .entry((g.matched.is_some(), g.key.shop.clone()))
            .or_insert_with(|| (g.acc.shop_name.clone(), 0, 0));
        if g.acc.shop_name < entry.0 && !g.acc.shop_name.is_empty() {
            entry.0 = g.acc.shop_name.clone();
        }
        entry.1 += g.acc.settled_total();
        entry.2 += g.acc.estimated;
    }
    let mut shops: Vec<ShopSums> = shops.into_iter().collect();
    shops.sort_by(|a, b| {
        a.0 .0
            .cmp(&b.0 .0)
            .then(b.1 .1.cmp(&a.1 .1))
            .then(a.0 .1.cmp(&b.0 .1))
    });
    let counted: Vec<i128> = shops
        .iter()
        .map(|((own, _), (_, settled, _))| if *own { 0 } else { *settled })
        .collect();
    let bps = shares_bps(&counted);
    let total: i128 = counted.iter().sum();
    let shop_rows: Vec<ShopInsight> = shops
        .iter()
        .zip(&bps)
        .map(|(((own, _), (name, settled, estimated)), b)| ShopInsight {
            shop: name.clone(),
            commission: convert.amount(*settled),
            estimated: convert.amount(*estimated),
            share: f64::from(*b) / 10_000.0,
            share_bps: *b,
            self_dealing: *own,
        })
        .collect();
    let settled: i128 = others.iter().map(|g| g.acc.settled_total()).sum();
    let estimated: i128 = others.iter().map(|g| g.acc.estimated).sum();
    let deducted: i128 = others.iter().map(|g| g.acc.deducted).sum();
    let types = by_key(&others, |g| Some(g.key.content_type.clone()));
    let type_bps = shares_bps(&types.iter().map(|t| t.1).collect::<Vec<_>>());
    let content = by_key(&others, |g| {
        (!g.key.content_id.is_empty())
            .then(|| (g.key.content_id.clone(), g.key.content_type.clone()))
    });
    let content_total: i128 = content.iter().map(|c| c.1).sum();
    let campaigns = by_key(&others, |g| {
        (!g.key.campaign_id.is_empty()).then(|| g.key.campaign_id.clone())
    });
    let collaborations = by_key(&others, |g| {
        Some(match g.key.programme {
            Programme::Target => CollaborationKind::Target,
            Programme::Open => CollaborationKind::Open,
            Programme::Campaign => CollaborationKind::Campaign,
            Programme::None => CollaborationKind::None,
        })
    });
    AffiliateInsights {
        source: source.id.clone(),
        top_shop_share: counted.iter().max().and_then(|top| ratio(*top, total)),
        shops: shop_rows,
        content_types: types
            .iter()
            .zip(type_bps)
            .map(|((t, v), b)| ContentTypeInsight {
                content_type: t.clone(),
                commission: convert.amount(*v),
                share: f64::from(b) / 10_000.0,
                share_bps: b,
            })
            .collect(),
        top_content: content
            .iter()
            .take(TOP_CONTENT)
            .map(|((id, t), v)| ContentInsight {
                content_id: id.clone(),
                content_type: t.clone(),
                commission: convert.amount(*v),
                share: ratio(*v, content_total).unwrap_or(0.0),
            })
            .collect(),
        campaigns: campaigns
            .iter()
            .map(|(id, v)| CampaignInsight {
                campaign_id: id.clone(),
                commission: convert.amount(*v),
                share: ratio(*v, settled).unwrap_or(0.0),
            })
            .collect(),
        collaborations: collaborations
            .iter()
            .map(|(kind, v)| CollaborationInsight {
                kind: *kind,
                commission: convert.amount(*v),
                share: ratio(*v, settled).unwrap_or(0.0),
            })
            .collect(),
        settled_ratio: ratio(settled, settled + estimated),
        clawback_rate: ratio(deducted, settled),
    }
}
