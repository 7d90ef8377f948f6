//! Finishing the fold: minimum order value, self-dealing, per-source figures in their own
//! currency and in USD, reconciliation, the analytics cross-check, totals and the score inputs.

use std::collections::{BTreeMap, BTreeSet};

mod assemble;
mod minimum;

use super::derive::{derive, reconcile, Bucket, Clamp, Raw, Verification};
use super::fold::IncomeAccumulator;
use super::groups::{decide, product_rows, CreatorOutcome, DecidedGroup, ProductRow};
use super::report::{
    Concentration, IncomeCounts, IncomeReport, ReconciliationStatus, SelfDealing, SourceIncome,
};
use super::state::{earliest, shop_key, SourceState};
use super::warnings::WarningCode;
use super::window::{IncomeWindow, DAY};
use super::SETTLEMENT_LAG_DAYS;
use crate::money::{convert_minor, div_half_even, Currency, Money};
use crate::records::{SourceKind, UnixSeconds};
use assemble::Assembly;
use minimum::apply_minimum;

/// What insights need beyond the report, per source (amounts in the source's currency).
#[derive(Debug, Clone)]
pub(crate) struct SourceDetail {
    pub products: Vec<ProductRow>,
    pub groups: Vec<DecidedGroup>,
    /// Verified income per day of the history, index = days before the end.
    pub history_days: Vec<i128>,
    pub today_orders: u64,
    pub today_gmv: i128,
}

/// The report and the details insights are built from.
pub(crate) struct Finished {
    pub report: IncomeReport,
    pub details: Vec<SourceDetail>,
}

fn bucket_into(bucket: &mut Bucket, state: &SourceState, creator: &CreatorOutcome, offset: u32) {
    let cell = &state.days[offset as usize];
    bucket.delivered += cell.delivered;
    bucket.delivered_only += cell.delivered_only;
    bucket.refunds += cell.refunds;
    bucket.commission += creator.commission_days.get(&offset).copied().unwrap_or(0);
}

fn raw_of(state: &SourceState, creator: &CreatorOutcome, micro: i128, window: IncomeWindow) -> Raw {
    let mut months = vec![Bucket::default(); window.months()];
    let mut weeks = vec![Bucket::default(); window.weeks()];
    for offset in 0..window.days {
        if let Some(m) = window.month_of_offset(offset) {
            bucket_into(&mut months[m], state, creator, offset);
        }
        if let Some(w) = window.week_of_offset(offset) {
            bucket_into(&mut weeks[w], state, creator, offset);
        }
    }
    let s = &state.sums;
    Raw {
        gmv: s.gmv,
        delivered: s.delivered,
        delivered_only: s.delivered_only,
        pending: s.pending,
        micro,
        refunds: s.refunds,
        in_progress: s.refunds_in_progress,
        lag_delivered: s.lag_delivered,
        settled: state.settled_parts,
        deducted: state.deducted,
        estimated: state.estimated,
        sales: state.affiliate_sales,
        self_dealing: creator.excluded,
        seller_paid: s.seller_paid,
        seller_estimated: s.seller_estimated,
        unsettled: s.unsettled,
        statement_revenue: s.statement_revenue,
        payments_paid: s.payments_paid,
        months,
        weeks,
    }
}

/// Verified income per day of the history (index = days before the end), at the window's
/// return rate.
fn history_days(state: &SourceState, creator: &CreatorOutcome, raw: &Raw) -> Vec<i128> {
    let refunds = (raw.refunds + raw.in_progress).clamp(0, raw.delivered.max(0));
    state
        .days
        .iter()
        .enumerate()
        .map(|(offset, cell)| {
            let limit = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
            let reserve = if raw.delivered > 0 {
                div_half_even(limit(cell.delivered_only) * refunds, raw.delivered)
            } else {
                0
            };
            let commission = creator
                .commission_days
                .get(&(offset as u32))
                .copied()
                .unwrap_or(0);
            cell.delivered - cell.refunds - reserve + commission
        })
        .collect()
}

/// The first bucket trends may use: after a source's first earning (and after its first,
/// partial, bucket when the first earning came more than `grace` after the bucket opened).
fn first_complete(
    first_earning: UnixSeconds,
    buckets: usize,
    start_of: impl Fn(usize) -> UnixSeconds,
    grace: i64,
) -> u32 {
    for bucket in 0..buckets {
        let end = if bucket + 1 < buckets {
            start_of(bucket + 1)
        } else {
            UnixSeconds::MAX
        };
        if first_earning <= end {
            let partial = first_earning > start_of(bucket) + grace;
            return (bucket + usize::from(partial)) as u32;
        }
    }
    buckets as u32
}

fn share_of_top(values: impl Iterator<Item = i128>) -> Option<f64> {
    let values: Vec<i128> = values.filter(|v| *v > 0).collect();
    let total: i128 = values.iter().sum();
    let top = values.iter().max()?;
    (total > 0).then(|| *top as f64 / total as f64)
}

impl IncomeAccumulator {
    /// Finishes the fold: decides self-dealing, converts, reconciles and reports.
    pub fn finish(self) -> IncomeReport {
        self.finish_all().report
    }

    pub(crate) fn finish_all(mut self) -> Finished {
        let unknown = self
            .return_keys
            .iter()
            .filter(|key| !self.order_seen(**key))
            .count() as u64;
        if unknown > 0 {
            self.warnings
                .add_many(WarningCode::ReturnForUnknownOrder, unknown, String::new);
        }
        let window = self.window;
        let mut own_products = BTreeSet::new();
        let mut own_shops = BTreeSet::new();
        for (source, state) in self.sources.iter().zip(&self.states) {
            if source.kind == SourceKind::Shop {
                own_products.extend(state.products.keys().filter(|k| !k.is_empty()).cloned());
                let name = shop_key(&source.name);
                if !name.is_empty() {
                    own_shops.insert(name);
                }
            }
        }
        let states = std::mem::take(&mut self.states);
        let sources = std::mem::take(&mut self.sources);
        let mut per_source = Vec::with_capacity(sources.len());
        let mut details = Vec::with_capacity(sources.len());
        let mut counts = IncomeCounts::default();
        let mut reconciliations = Vec::new();
        let mut totals: Vec<super::report::IncomeFigures> = Vec::new();
        let mut trend = vec![0i128; window.months()];
        let mut weekly = vec![0u64; window.weeks()];
        let mut starts = (0u32, 0u32);
        let mut earliest_earning = None;
        let mut network = BTreeSet::new();
        let mut product_values = Vec::new();
        let mut shop_values: BTreeMap<String, i128> = BTreeMap::new();
        let mut content_values: BTreeMap<(String, String), i128> = BTreeMap::new();
        for (i, (source, mut state)) in sources.into_iter().zip(states).enumerate() {
            let micro = apply_minimum(&mut state, window);
            let creator = decide(std::mem::take(&mut state.groups), &own_products, &own_shops);
            let first_earning = earliest(state.first_delivered, creator.first_settled);
            let products = product_rows(&state);
            state.counts.products = state.products.len() as u64;
            state.counts.products_launched = state
                .products
                .values()
                .filter(|p| p.launched_in_window)
                .count() as u64;
            state.counts.products_launched_sold = state
                .products
                .values()
                .filter(|p| p.launched_in_window && p.sold)
                .count() as u64;
            // Sums beyond 64-bit minor units cannot be shown anyway: clamp them once, here, so
            // the derivation's products stay inside 128 bits, and say so.
            let mut clamped = false;
            let raw = raw_of(&state, &creator, micro, window).map(&mut |v| {
                let c = v.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
                clamped |= c != v;
                c
            });
            let currency = source.currency;
            let reconciliation = reconcile(
                &raw,
                source.kind,
                state.has_statements,
                state.has_payments,
                currency,
            );
            let verification = Verification {
                kind: source.kind,
                has_statements: state.has_statements,
                cap: source.kind == SourceKind::Shop
                    && matches!(
                        reconciliation.status,
                        ReconciliationStatus::Partial | ReconciliationStatus::Shortfall
                    ),
            };
            let mut clamp = Clamp { overflow: false };
            let original = derive(&raw, verification, window.days, currency, &mut clamp);
            let rate = self.fx.rate(currency);
            let mut converted = None;
            if let Some(rate) = rate {
                let mut convert = |v: i128| match convert_minor(v, currency, rate) {
                    Ok(m) => i128::from(m),
                    Err(_) => {
                        clamp.overflow = true;
                        v.signum() * i128::from(i64::MAX)
                    }
                };
                let raw_usd = raw.map(&mut convert);
                let usd_recon = (
                    reconciliation.clone(),
                    convert(i128::from(reconciliation.settled.minor)),
                    convert(i128::from(reconciliation.expected.minor)),
                );
                let figures = derive(
                    &raw_usd,
                    verification,
                    window.days,
                    Currency::USD,
                    &mut clamp,
                );
                converted = Some((raw_usd, figures, usd_recon));
            } else if raw.gmv != 0 || raw.settled.iter().any(|v| *v != 0) || raw.deducted != 0 {
                self.warnings
                    .add(WarningCode::NoFxRate, || source.id.clone());
            }
            if clamp.overflow || clamped {
                self.warnings
                    .add(WarningCode::AmountOverflow, || source.id.clone());
            }
            if reconciliation.status == ReconciliationStatus::Excess {
                self.warnings
                    .add(WarningCode::ReconciliationExcess, || source.id.clone());
            }
            if creator.lines > 0 {
                let example = creator.shops.iter().next().cloned().unwrap_or_default();
                self.warnings
                    .add_many(WarningCode::SelfDealing, creator.lines, || {
                        format!("{}: {example}", source.id)
                    });
            }
            let analytics = self.analytics_of(i, &source, &state);
            if analytics.flagged {
                self.warnings
                    .add(WarningCode::AnalyticsGap, || source.id.clone());
            }
            if let (Some((raw_usd, figures, usd_recon)), Some(rate)) = (&converted, rate) {
                reconciliations.push(usd_recon.clone());
                for (b, value) in figures.monthly_series.iter().enumerate() {
                    trend[b] += i128::from(value.minor);
                }
                let newest = window.months() - 1;
                let newest_estimated: i128 = (0..window.days)
                    .filter(|o| window.month_of_offset(*o) == Some(newest))
                    .map(|o| state.days[o as usize].estimated)
                    .sum();
                if newest_estimated > 0 {
                    trend[newest] -= raw_usd.months[newest].commission;
                }
                for offset in 0..window.days {
                    if let Some(w) = window.week_of_offset(offset) {
                        weekly[w] += u64::from(state.days[offset as usize].countable)
                            + u64::from(
                                creator
                                    .settled_order_days
                                    .get(&offset)
                                    .copied()
                                    .unwrap_or(0),
                            );
                    }
                }
                if let Some(first) = first_earning {
                    let mut months =
                        first_complete(first, window.months(), |b| window.month_start(b), 7 * DAY);
                    // Commission is placed by delivery, but lines are fetched by creation: unless
                    // the history reaches a settlement lag before the window, the oldest bucket
                    // misses what was ordered just before it and delivered inside it.
                    let lag_covered = window.history_days >= window.days + SETTLEMENT_LAG_DAYS;
                    if source.kind == SourceKind::Creator && !lag_covered {
                        months = months.max(1);
                    }
                    let weeks =
                        first_complete(first, window.weeks(), |b| window.week_start(b), DAY);
                    starts = (starts.0.max(months), starts.1.max(weeks));
                    earliest_earning = earliest(earliest_earning, Some(first));
                }
                let to_usd = |v: i128| convert_minor(v, currency, rate).map_or(0, i128::from);
                product_values.extend(products.iter().map(|p| to_usd(p.revenue())));
                for g in creator.groups.iter().filter(|g| g.matched.is_none()) {
                    let settled = to_usd(g.acc.settled_total());
                    if settled > 0 {
                        network.insert(g.key.shop.clone());
                        *shop_values.entry(g.key.shop.clone()).or_default() += settled;
                        if !g.key.content_id.is_empty() {
                            *content_values
                                .entry((g.key.content_type.clone(), g.key.content_id.clone()))
                                .or_default() += settled;
                        }
                    }
                }
                totals.push(figures.clone());
            }
            let history = history_days(&state, &creator, &raw);
            let c = &state.counts;
            let delivered = raw.delivered;
            let return_rate =
                (delivered > 0).then(|| (raw.refunds + raw.in_progress) as f64 / delivered as f64);
            let on_time = (c.shipped_with_sla > 0)
                .then(|| c.shipped_on_time as f64 / c.shipped_with_sla as f64);
            counts.add(c);
            per_source.push(SourceIncome {
                original,
                usd: converted.map(|(_, figures, _)| figures),
                fx_rate: rate,
                counts: state.counts.clone(),
                share: 0.0,
                return_rate,
                on_time_shipping: on_time,
                reconciliation,
                analytics,
                self_dealing: SelfDealing {
                    excluded: (creator.lines > 0)
                        .then(|| Money::new(super::derive::clamp64(creator.excluded), currency)),
                    lines: creator.lines,
                    by_product_id: creator.by_product_id,
                    by_shop_name: creator.by_shop_name,
                    orders: creator.orders,
                    shops: creator.shops.iter().cloned().collect(),
                },
                unsettled_earliest: state.unsettled_earliest,
                first_earning,
                source,
            });
            details.push(SourceDetail {
                products,
                groups: creator.groups,
                history_days: history,
                today_orders: state.sums.today_orders,
                today_gmv: state.sums.today_gmv,
            });
        }
        let report = self.assemble(
            per_source,
            totals,
            counts,
            reconciliations,
            Assembly {
                trend,
                weekly,
                starts,
                earliest_earning,
                network: network.len() as u64,
                concentration: Concentration {
                    top_product_share: share_of_top(product_values.into_iter()),
                    top_shop_share: share_of_top(shop_values.into_values()),
                    top_content_share: share_of_top(content_values.into_values()),
                },
            },
        );
        Finished { report, details }
    }
}
