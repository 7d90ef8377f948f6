//! The report's cross-source parts: the analytics cross-check of a source and the totals,
//! shares, rates and score inputs assembled from all sources.

use crate::income::derive::{analytics_check, clamp64, overall, Clamp};
use crate::income::fold::IncomeAccumulator;
use crate::income::report::{
    AnalyticsCheck, Concentration, IncomeCounts, IncomeFigures, IncomeReport, Reconciliation,
    SourceIncome,
};
use crate::income::state::SourceState;
use crate::income::warnings::WarningCode;
use crate::income::INCOME_VERSION;
use crate::money::{div_half_even, Currency, Money};
use crate::records::{SourceInfo, UnixSeconds};

/// The cross-source inputs of the report, gathered while finishing each source.
pub(super) struct Assembly {
    pub(super) trend: Vec<i128>,
    pub(super) weekly: Vec<u64>,
    pub(super) starts: (u32, u32),
    pub(super) earliest_earning: Option<UnixSeconds>,
    pub(super) network: u64,
    pub(super) concentration: Concentration,
}

impl IncomeAccumulator {
    pub(super) fn analytics_of(
        &self,
        i: usize,
        source: &SourceInfo,
        state: &SourceState,
    ) -> AnalyticsCheck {
        let Some(a) = &source.analytics else {
            return analytics_check(None, None, None);
        };
        let derived = Money::new(clamp64(state.sums.analytics_gmv), source.currency);
        let dates_ok = crate::money::days_from_civil(&a.start_date)
            .zip(crate::money::days_from_civil(&a.end_date))
            .is_some_and(|(s, e)| s < e);
        let comparable = if !dates_ok {
            None
        } else if a.gmv.currency == source.currency {
            Some((state.sums.analytics_gmv, i128::from(a.gmv.minor)))
        } else {
            self.to_usd(i, state.sums.analytics_gmv)
                .zip(self.fx.to_usd(a.gmv).ok().map(|m| i128::from(m.minor)))
        };
        analytics_check(Some(derived), Some(a.gmv), comparable)
    }

    pub(super) fn assemble(
        mut self,
        mut per_source: Vec<SourceIncome>,
        totals: Vec<IncomeFigures>,
        counts: IncomeCounts,
        reconciliations: Vec<(Reconciliation, i128, i128)>,
        assembly: Assembly,
    ) -> IncomeReport {
        let window = self.window;
        let mut clamp = Clamp { overflow: false };
        let usd = crate::income::totals::sum_figures(&totals, window, &mut clamp);
        if clamp.overflow {
            self.warnings
                .add(WarningCode::AmountOverflow, || "total".to_string());
        }
        let positive: i128 = per_source
            .iter()
            .filter_map(|s| s.usd.as_ref())
            .map(|u| i128::from(u.total_income.minor.max(0)))
            .sum();
        for source in &mut per_source {
            if let (Some(figures), true) = (&source.usd, positive > 0) {
                source.share = figures.total_income.minor.max(0) as f64 / positive as f64;
            }
        }
        let ratio = |a: i64, b: i64| (b > 0).then(|| a as f64 / b as f64);
        let average_order_value = if counts.paid_orders > 0 {
            Money::new(
                clamp64(div_half_even(
                    i128::from(usd.gmv.minor),
                    i128::from(counts.paid_orders),
                )),
                Currency::USD,
            )
        } else {
            Money::zero(Currency::USD)
        };
        let refund_total = usd
            .refunds
            .minor
            .saturating_add(usd.refunds_in_progress.minor);
        IncomeReport {
            income_version: INCOME_VERSION.to_string(),
            window,
            fx_as_of: self.fx.as_of.clone(),
            records_digest: self.digest.finish(),
            record_count: self.digest.count(),
            average_order_value,
            return_rate: ratio(refund_total, usd.delivered_gmv.minor),
            on_time_shipping: (counts.shipped_with_sla > 0)
                .then(|| counts.shipped_on_time as f64 / counts.shipped_with_sla as f64),
            pending_share: ratio(usd.pending.minor, usd.gmv.minor),
            weekly_order_counts: assembly.weekly,
            trend_series: assembly
                .trend
                .iter()
                .map(|v| clamp.money(*v, Currency::USD))
                .collect(),
            trend_month_start: assembly.starts.0,
            trend_week_start: assembly.starts.1,
            earliest_earning: assembly.earliest_earning,
            affiliate_network: assembly.network,
            concentration: assembly.concentration,
            reconciliation: overall(&reconciliations),
            sources: per_source,
            usd,
            counts,
            warnings: std::mem::take(&mut self.warnings).into_list(),
        }
    }
}
