//! Insights for the dashboard (`GET /api/insights`): product analytics, the affiliate network,
//! campaigns and content, verified income over the longer history, seasonality and today's
//! orders. Computed in the same single pass as income: [`analyse`] folds every record once.

mod affiliate;
mod products;
mod series;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::income::{IncomeAccumulator, IncomeReport, IncomeWindow};
use crate::money::{convert_minor, Currency, FxTable, Money};
use crate::records::{Record, SourceInfo};

pub use affiliate::{
    AffiliateInsights, CampaignInsight, CollaborationInsight, CollaborationKind, ContentInsight,
    ContentTypeInsight, ShopInsight,
};
pub use products::{ProductInsight, ProductTable, TOP_PRODUCTS};
pub use series::{Seasonality, SeriesInsight, TodayInsight, YearOverYear};

/// An amount in the source's currency and in USD (`None` without an FX rate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Amount {
    /// In the source's currency.
    pub original: Money,
    /// In USD.
    pub usd: Option<Money>,
}

/// Converts source amounts for one source.
#[derive(Clone, Copy)]
pub(crate) struct Converter<'a> {
    pub currency: Currency,
    pub fx: &'a FxTable,
}

impl Converter<'_> {
    pub(crate) fn money(&self, minor: i128) -> Money {
        Money::new(clamp(minor), self.currency)
    }

    pub(crate) fn usd(&self, minor: i128) -> Option<Money> {
        let rate = self.fx.rate(self.currency)?;
        convert_minor(minor, self.currency, rate)
            .ok()
            .map(|m| Money::new(m, Currency::USD))
    }

    pub(crate) fn amount(&self, minor: i128) -> Amount {
        Amount {
            original: self.money(minor),
            usd: self.usd(minor),
        }
    }
}

fn clamp(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Shares in basis points that add to exactly 10,000 (largest remainder), or all zero.
pub(crate) fn shares_bps(values: &[i128]) -> Vec<u32> {
    crate::income::apportion(10_000, values)
        .into_iter()
        .map(|v| u32::try_from(v).unwrap_or(0))
        .collect()
}

/// Everything the dashboard shows beside the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Insights {
    /// The window and history they cover.
    pub window: IncomeWindow,
    /// Per shop: products by verified revenue.
    pub products: Vec<ProductTable>,
    /// Per creator account: shops, content, campaigns.
    pub affiliate: Vec<AffiliateInsights>,
    /// Verified income per whole week of the history, per source and in total (USD).
    pub weekly: Vec<SeriesInsight>,
    /// Verified income per 30-day bucket of the history, per source and in total (USD).
    pub monthly: Vec<SeriesInsight>,
    /// Year-over-year comparison and the strongest month, when the history allows.
    pub seasonality: Seasonality,
    /// Orders and GMV of the last 24 hours, per source.
    pub today: Vec<TodayInsight>,
}

/// Income and insights from one pass over the records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    /// The verified-income report (what the score reads).
    pub income: IncomeReport,
    /// What the dashboard shows beside it.
    pub insights: Insights,
}

impl IncomeAccumulator {
    /// Finishes the fold into the income report and the insights.
    pub fn finish_with_insights(self) -> Analysis {
        let fx = self.fx.clone();
        let sources = self.sources.clone();
        let finished = self.finish_all();
        let window = finished.report.window;
        let mut products = Vec::new();
        let mut affiliate = Vec::new();
        for (source, detail) in sources.iter().zip(&finished.details) {
            let convert = Converter {
                currency: source.currency,
                fx: &fx,
            };
            match source.kind {
                crate::records::SourceKind::Shop => {
                    products.push(products::table(source, &detail.products, convert))
                }
                crate::records::SourceKind::Creator => {
                    affiliate.push(affiliate::insights(source, &detail.groups, convert))
                }
            }
        }
        let insights = Insights {
            window,
            products,
            affiliate,
            weekly: series::weekly(window, &sources, &finished.details, &fx),
            monthly: series::monthly(window, &sources, &finished.details, &fx),
            seasonality: series::seasonality(window, &sources, &finished.details, &fx),
            today: series::today(&sources, &finished.details, &fx),
        };
        Analysis {
            income: finished.report,
            insights,
        }
    }
}

/// Computes income and insights in one pass over `records`.
pub fn analyse(
    window: IncomeWindow,
    sources: &[SourceInfo],
    fx: &FxTable,
    records: impl IntoIterator<Item = Record>,
) -> Analysis {
    let mut accumulator = IncomeAccumulator::new(window, sources, fx.clone());
    for record in records {
        accumulator.add(&record);
    }
    accumulator.finish_with_insights()
}
