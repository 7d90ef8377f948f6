//! Product analytics of a shop: verified revenue per product (delivered line revenue less the
//! refunds mapped to it through return lines' skus), shares that add to one, the top 20 and an
//! "other" entry for the rest.

use serde::{Deserialize, Serialize};

use super::{shares_bps, Amount, Converter};
use crate::income::ProductRow;
use crate::records::SourceInfo;

/// How many products are listed by name; the rest are summed into one "other" entry.
pub const TOP_PRODUCTS: usize = 20;

/// One product (or the "other" entry, `productId` `"other"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductInsight {
    /// TikTok's product id, or `"other"`.
    pub product_id: String,
    /// The product's title (or the name on its order lines).
    pub name: String,
    /// Verified revenue: delivered line revenue less refunds.
    pub revenue: Amount,
    /// Share of the shop's verified product revenue (0–1).
    pub share: f64,
    /// The same share in basis points; a table's shares add to exactly 10,000.
    pub share_bps: u32,
    /// Delivered orders containing it.
    pub orders: u64,
    /// Non-gift units delivered.
    pub items_sold: u64,
    /// Refunds and open returns mapped to it.
    pub refunds: Amount,
    /// Refunds ÷ delivered line revenue.
    pub return_rate: Option<f64>,
}

/// A shop's product table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductTable {
    /// The shop's source id.
    pub source: String,
    /// The top products by verified revenue, then "other" when there are more.
    pub products: Vec<ProductInsight>,
    /// Whether products were summed into "other".
    pub products_truncated: bool,
    /// The top product's share.
    pub top_product_share: Option<f64>,
}

fn ratio(a: i128, b: i128) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Builds the table of one shop.
pub(crate) fn table(source: &SourceInfo, rows: &[ProductRow], convert: Converter) -> ProductTable {
    let mut rows: Vec<&ProductRow> = rows.iter().collect();
    rows.sort_by(|a, b| b.revenue().cmp(&a.revenue()).then_with(|| a.id.cmp(&b.id)));
    let revenues: Vec<i128> = rows.iter().map(|r| r.revenue()).collect();
    let bps = shares_bps(&revenues);
    let entry = |id: String, name: String, gross: i128, refunds: i128, orders, items, bps: u32| {
        ProductInsight {
            product_id: id,
            name,
            revenue: convert.amount((gross - refunds).max(0)),
            share: f64::from(bps) / 10_000.0,
            share_bps: bps,
            orders,
            items_sold: items,
            refunds: convert.amount(refunds),
            return_rate: ratio(refunds, gross),
        }
    };
    let mut products: Vec<ProductInsight> = rows
        .iter()
        .zip(&bps)
        .take(TOP_PRODUCTS)
        .map(|(r, b)| {
            entry(
                r.id.clone(),
                r.name.clone(),
                r.gross,
                r.refunds,
                r.orders,
                r.items,
                *b,
            )
        })
        .collect();
    let truncated = rows.len() > TOP_PRODUCTS;
    if truncated {
        let rest = &rows[TOP_PRODUCTS..];
        let mut other = entry(
            "other".to_string(),
            format!("{} other products", rest.len()),
            rest.iter().map(|r| r.gross).sum(),
            rest.iter().map(|r| r.refunds).sum(),
            rest.iter().map(|r| r.orders).sum(),
            rest.iter().map(|r| r.items).sum(),
            bps[TOP_PRODUCTS..].iter().sum(),
        );
        // The entry's revenue is the sum of its products' (each floored at zero).
        other.revenue = convert.amount(rest.iter().map(|r| r.revenue()).sum());
        products.push(other);
    }
    let total: i128 = revenues.iter().sum();
    ProductTable {
        source: source.id.clone(),
        top_product_share: revenues.first().and_then(|top| ratio(*top, total)),
        products,
        products_truncated: truncated,
    }
}
