//! Affiliate orders as `affiliate-creator/search-creator-affiliate-orders` (202410 statuses,
//! commission in parts, rupiah written `"Rp9.900"` as the reference's sample writes them) and
//! `affiliate-seller/search-seller-affiliate-orders` write them, and the creator profile.

use serde_json::{json, Value};

use super::orders::{line_product, order_id};
use super::{product_id, Obj};
use crate::sandbox::personas::{
    amount, h, rupiah, AffiliateBook, AffiliateKind, OrderBook, OrderKind, Persona, DAY,
};

/// Shops whose products the creators promote (when not their own).
pub const PROMOTED_SHOPS: &[&str] = &[
    "Luna Apparel",
    "Coastline Denim",
    "Petal & Thread",
    "Northwind Outfitters",
    "Velvet Row",
];

/// The 202410 status of an affiliate order.
pub fn status(kind: AffiliateKind) -> &'static str {
    match kind {
        AffiliateKind::Settled(_) => "SETTLED",
        AffiliateKind::Ordered => "ORDERED",
        AffiliateKind::Frozen => "FROZEN",
        AffiliateKind::Refunded => "REFUNDED",
        AffiliateKind::Deducted => "DEDUCTED",
    }
}

/// Creator order `i`.
pub fn creator_order(persona: &Persona, book: &AffiliateBook, i: u64) -> Value {
    let plan = book.plan;
    let kind = book.kind(i);
    let cur = plan.currency;
    let write = |minor: i64| {
        if plan.localized {
            rupiah(minor)
        } else {
            amount(minor, cur)
        }
    };
    let money = |minor: i64| json!({ "amount": write(minor), "currency": cur.code() });
    let sales = book.sales(i);
    let quantity: i64 = if h(book.seed, &[book.no, i, 29]).is_multiple_of(3) {
        2
    } else {
        1
    };
    let t = book.create_time(i);
    let id = (580_000_000_000_000_000u64 + book.no * 1_000_000_000 + i).to_string();
    let (shop_name, product) = match persona.shops.first().filter(|_| plan.own_shop) {
        Some(own) => (
            own.name.to_string(),
            product_id(own, h(book.seed, &[i, 37]) % own.plan.products.max(1)),
        ),
        None => {
            let shop = PROMOTED_SHOPS
                [(h(book.seed, &[book.no, i, 31]) % PROMOTED_SHOPS.len() as u64) as usize];
            let product =
                1_729_600_000_000_000_000u64 + h(book.seed, &[book.no, i % 40, 37]) % 1_000_000;
            (shop.to_string(), product.to_string())
        }
    };
    let [commission, bonus, shop_ads, reward] = book.parts(i);
    let mut sku = Obj::new()
        .set("id", format!("{id}1"))
        .set("product_id", product)
        .set("product_name", format!("{shop_name} bestseller"))
        .set("shop_name", shop_name)
        .set("price", money(sales / quantity))
        .set("quantity", quantity)
        .set("content_type", ["VIDEO", "LIVE", "SHOP"][(i % 3) as usize])
        .set(
            "content_id",
            format!(
                "73{:017}",
                h(book.seed, &[book.no, i % 9, 41]) % 100_000_000_000_000_000
            ),
        )
        .set("commission_rate", plan.rate_bps)
        .set("commission_bonus_rate", plan.bonus_bps)
        .set("shop_ads_commission_rate", plan.shop_ads_bps)
        .set("commission_model", "Fixed commission")
        .set("estimated_commission_base", money(sales))
        .set("estimated_commission", money(commission))
        .set("estimated_bonus_commission", money(bonus))
        .set("estimated_shop_ads_commission", money(shop_ads))
        .set("estimated_creator_commission_reward_fee", money(reward))
        .set(
            "returned_quantity",
            if kind == AffiliateKind::Refunded {
                quantity
            } else {
                0
            },
        )
        .set("refunded_quantity", 0)
        .set("tag", "");
    // Which program the sale came through: mostly open collaborations, some targeted, a few
    // TAP campaigns.
    sku = match i % 7 {
        0 => sku.set("campaign_id", format!("7366{:07}", i % 3)),
        1 | 4 => sku.set("target_collaboration_id", format!("7377{:07}", i % 4)),
        _ => sku.set("open_collaboration_id", format!("7388{:07}", i % 5)),
    };
    sku = match kind {
        AffiliateKind::Settled(_) | AffiliateKind::Deducted => sku
            .set("actual_commission_base", money(sales))
            .set("actual_commission", money(commission))
            .set("actual_bonus_commission", money(bonus))
            .set("actual_shop_ads_commission", money(shop_ads))
            .set("actual_creator_commission_reward_fee", money(reward)),
        AffiliateKind::Refunded => sku
            .set("actual_commission_base", money(0))
            .set("actual_commission", money(0)),
        AffiliateKind::Ordered | AffiliateKind::Frozen => sku,
    };
    json!({
        "id": id,
        "create_time": t,
        "delivery_time": (t + 3 * DAY).min(book.frame.end),
        "status": status(kind),
        "skus": [sku.done()],
    })
}

/// The creator's profile; `None` when the plan names no selection region (TikTok answers
/// 16015007 "no sale region").
pub fn profile(persona: &Persona, account: u32) -> Option<Value> {
    let plan = persona.creator.as_ref()?;
    if plan.selection_region.is_empty() {
        return None;
    }
    Some(json!({
        "username": plan.username,
        "selection_region": plan.selection_region,
        "register_region": plan.selection_region,
        "seller_type": if persona.shops.is_empty() { "" } else { "LOCAL" },
        "permissions": ["ADD_AFFILIATE_PERMISSION"],
        "user_type": "TIKTOK_SHOP_CREATOR",
        "creator_user_open_id": crate::sandbox::auth::grant_open_id(persona, true, account),
        "avatar": { "width": 100, "height": 100, "url": "" },
    }))
}

/// The regular paid orders of a shop that came through a creator, in `[from, until)`.
pub fn seller_affiliate_indices(book: &OrderBook, from: u64, until: u64) -> Vec<u64> {
    let every = book.shop.plan.affiliate_every;
    if every == 0 {
        return Vec::new();
    }
    (from..until)
        .filter(|i| matches!(book.kind(*i), OrderKind::Paid(rank) if rank % every == 2))
        .collect()
}

/// A shop's affiliate order: 10% commission the shop pays, known once the order completed.
pub fn seller_affiliate_order(book: &OrderBook, i: u64) -> Value {
    let shop = book.shop;
    let cur = shop.currency;
    let kind = book.kind(i);
    let total = book.total(kind);
    let status = match book.status(kind) {
        "COMPLETED" => "COMPLETED",
        "CANCELLED" => "CANCELLED",
        _ => "PROCESSING",
    };
    let money = |minor: i64| json!({ "amount": amount(minor, cur), "currency": cur.code() });
    let t = book.create_time(i);
    let mut sku = Obj::new()
        .set("open_collaboration_id", format!("7388{:07}", i % 5))
        .set(
            "creator_username",
            format!("creator.{}", h(book.seed, &[i, 43]) % 40),
        )
        .set("price", money(total))
        .set("quantity", 1)
        .set("content_type", "VIDEO")
        .set(
            "content_id",
            format!(
                "72{:017}",
                h(book.seed, &[shop.no, i % 7, 23]) % 100_000_000_000_000_000
            ),
        )
        .set("product_id", product_id(shop, line_product(book, i, 0)))
        .set("commission_rate", "1000")
        .set("estimated_commission_base", money(total))
        .set("estimated_paid_commission", money(total / 10));
    if status == "COMPLETED" {
        sku = sku
            .set("actual_commission_base", money(total))
            .set("actual_paid_commission", money(total / 10));
    }
    json!({
        "id": order_id(book.seed, shop, i),
        "create_time": t,
        "delivery_time": (t + 3 * DAY).min(book.frame.end),
        "status": status,
        "skus": [sku.done()],
    })
}
