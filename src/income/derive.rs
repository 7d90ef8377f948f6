//! From a source's raw sums to its figures: the return reserve, net revenue and its cap, the
//! commission rules, the series, and the payout reconciliation and analytics cross-check.
//! The same derivation runs on the source's own amounts and on their USD conversions.

use super::report::{
    AnalyticsCheck, AnalyticsStatus, CommissionParts, IncomeFigures, Reconciliation,
    ReconciliationStatus, VerifiedBy,
};
use crate::money::{div_half_even, Currency, Money};
use crate::records::SourceKind;

/// One bucket of a series, raw.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bucket {
    pub delivered: i128,
    pub delivered_only: i128,
    pub refunds: i128,
    pub commission: i128,
}

/// The primitive sums of one source, in one currency: what conversion applies to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Raw {
    pub gmv: i128,
    pub delivered: i128,
    pub delivered_only: i128,
    pub pending: i128,
    pub micro: i128,
    pub refunds: i128,
    pub in_progress: i128,
    pub lag_delivered: i128,
    pub settled: [i128; 4],
    pub deducted: i128,
    pub estimated: i128,
    pub sales: i128,
    pub self_dealing: i128,
    pub seller_paid: i128,
    pub seller_estimated: i128,
    pub unsettled: i128,
    pub statement_revenue: i128,
    pub payments_paid: i128,
    pub months: Vec<Bucket>,
    pub weeks: Vec<Bucket>,
}

impl Raw {
    /// Applies `f` to every amount (a currency conversion).
    pub(crate) fn map(&self, f: &mut impl FnMut(i128) -> i128) -> Raw {
        let mut bucket = |b: &Bucket| Bucket {
            delivered: f(b.delivered),
            delivered_only: f(b.delivered_only),
            refunds: f(b.refunds),
            commission: f(b.commission),
        };
        let months = self.months.iter().map(&mut bucket).collect();
        let weeks = self.weeks.iter().map(&mut bucket).collect();
        Raw {
            gmv: f(self.gmv),
            delivered: f(self.delivered),
            delivered_only: f(self.delivered_only),
            pending: f(self.pending),
            micro: f(self.micro),
            refunds: f(self.refunds),
            in_progress: f(self.in_progress),
            lag_delivered: f(self.lag_delivered),
            settled: self.settled.map(&mut *f),
            deducted: f(self.deducted),
            estimated: f(self.estimated),
            sales: f(self.sales),
            self_dealing: f(self.self_dealing),
            seller_paid: f(self.seller_paid),
            seller_estimated: f(self.seller_estimated),
            unsettled: f(self.unsettled),
            statement_revenue: f(self.statement_revenue),
            payments_paid: f(self.payments_paid),
            months,
            weeks,
        }
    }

    fn covered_refunds(&self) -> i128 {
        (self.refunds + self.in_progress).clamp(0, self.delivered.max(0))
    }

    /// The reserve on `delivered_only` at the shop's own return rate.
    fn reserve_on(&self, delivered_only: i128) -> i128 {
        if self.delivered <= 0 {
            return 0;
        }
        div_half_even(delivered_only * self.covered_refunds(), self.delivered)
    }

    /// Settled revenue: statements, else paid payouts ÷ 0.85 (shops) or as paid (creators).
    pub(crate) fn settled_money(&self, kind: SourceKind, has_statements: bool) -> i128 {
        match kind {
            SourceKind::Shop if has_statements => self.statement_revenue,
            SourceKind::Shop => div_half_even(self.payments_paid * 100, 85),
            SourceKind::Creator => self.payments_paid,
        }
    }
}

/// How a source is verified, decided once on its own currency.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verification {
    pub kind: SourceKind,
    pub has_statements: bool,
    /// Net revenue is capped at what settled (plus the orders still in the lag).
    pub cap: bool,
}

/// Clamps to `i64` minor units, noting when it had to.
pub(crate) struct Clamp {
    pub overflow: bool,
}

impl Clamp {
    pub(crate) fn money(&mut self, value: i128, currency: Currency) -> Money {
        let clamped = i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX });
        self.overflow |= i128::from(clamped) != value;
        Money::new(clamped, currency)
    }
}

/// The figures of `raw` in `currency` over a window of `days`.
pub(crate) fn derive(
    raw: &Raw,
    verification: Verification,
    days: u32,
    currency: Currency,
    clamp: &mut Clamp,
) -> IncomeFigures {
    let refund_total = raw.refunds + raw.in_progress;
    let reserve = raw.reserve_on(raw.delivered_only);
    let remainder = raw.delivered - refund_total - reserve;
    let uncovered = (-remainder).max(0);
    let before_cap = remainder.max(0);
    let settled_revenue = raw.settled_money(verification.kind, verification.has_statements);
    let capped = if verification.cap {
        let lag = if raw.delivered > 0 {
            div_half_even(
                before_cap * raw.lag_delivered.min(raw.delivered),
                raw.delivered,
            )
        } else {
            0
        };
        (before_cap - (settled_revenue.max(0) + lag)).max(0)
    } else {
        0
    };
    let net = before_cap - capped;
    let settled_total: i128 = raw.settled.iter().sum();
    let verified = (settled_total - raw.deducted).max(0);
    let counted = (verified - raw.self_dealing).max(0);
    let total = net + counted;
    let monthly = div_half_even(total * 30, i128::from(days.max(1)));
    let mut series = |buckets: &[Bucket]| -> Vec<Money> {
        buckets
            .iter()
            .map(|b| {
                let value =
                    b.delivered - b.refunds - raw.reserve_on(b.delivered_only) + b.commission;
                clamp.money(value, currency)
            })
            .collect()
    };
    let monthly_series = series(&raw.months);
    let weekly_series = series(&raw.weeks);
    let mut m = |v: i128| clamp.money(v, currency);
    IncomeFigures {
        gmv: m(raw.gmv),
        delivered_gmv: m(raw.delivered),
        pending: m(raw.pending),
        micro_orders: m(raw.micro),
        refunds: m(raw.refunds),
        refunds_in_progress: m(raw.in_progress),
        return_reserve: m(reserve),
        uncovered_refunds: m(uncovered),
        capped_by_reconciliation: m(capped),
        net_revenue: m(net),
        commission_settled: m(settled_total),
        commission_deducted: m(raw.deducted),
        commission_verified: m(verified),
        commission_estimated: m(raw.estimated),
        commission_parts: CommissionParts {
            commission: m(raw.settled[0]),
            bonus: m(raw.settled[1]),
            shop_ads: m(raw.settled[2]),
            creator_reward: m(raw.settled[3]),
            deducted: m(raw.deducted),
        },
        affiliate_sales: m(raw.sales),
        self_dealing_excluded: m(raw.self_dealing),
        seller_commission_paid: m(raw.seller_paid),
        seller_commission_estimated: m(raw.seller_estimated),
        unsettled: m(raw.unsettled),
        settled_revenue: m(settled_revenue),
        total_income: m(total),
        monthly_income: m(monthly),
        monthly_series,
        weekly_series,
    }
}

/// Ratio bands, in percent of expected.
const RECONCILED_FROM: i128 = 90;
const RECONCILED_TO: i128 = 130;
const PARTIAL_FROM: i128 = 55;

fn status_of(settled: i128, expected: i128) -> ReconciliationStatus {
    let percent = |p: i128| expected * p;
    let scaled = settled * 100;
    if scaled > percent(RECONCILED_TO) {
        ReconciliationStatus::Excess
    } else if scaled >= percent(RECONCILED_FROM) {
        ReconciliationStatus::Reconciled
    } else if scaled >= percent(PARTIAL_FROM) {
        ReconciliationStatus::Partial
    } else {
        ReconciliationStatus::Shortfall
    }
}

/// Reconciles one source in its own currency (see MODEL.md, "Payout reconciliation").
pub(crate) fn reconcile(
    raw: &Raw,
    kind: SourceKind,
    has_statements: bool,
    has_payments: bool,
    currency: Currency,
) -> Reconciliation {
    let finance = has_statements || has_payments;
    let settled = raw.settled_money(kind, has_statements);
    let (expected, verified_by) = match kind {
        SourceKind::Shop => {
            let due = (raw.delivered - raw.lag_delivered).max(0);
            let refunds_due = if raw.delivered > 0 {
                div_half_even(raw.refunds * due, raw.delivered)
            } else {
                0
            };
            let by = if has_statements {
                VerifiedBy::Statements
            } else {
                VerifiedBy::Payments
            };
            (due - refunds_due - raw.seller_paid, by)
        }
        SourceKind::Creator => {
            let settled_total: i128 = raw.settled.iter().sum();
            (
                (settled_total - raw.deducted - raw.self_dealing).max(0),
                VerifiedBy::Payments,
            )
        }
    };
    let result = |status, verified_by, settled: i128, ratio| Reconciliation {
        status,
        verified_by,
        settled: Money::new(clamp64(settled), currency),
        expected: Money::new(clamp64(expected), currency),
        ratio,
    };
    if kind == SourceKind::Creator && !has_payments {
        return if expected > 0 {
            result(
                ReconciliationStatus::VerifiedBySettlement,
                Some(VerifiedBy::SettledCommission),
                expected,
                None,
            )
        } else {
            result(ReconciliationStatus::NotApplicable, None, 0, None)
        };
    }
    if !finance {
        let status = if raw.delivered > 0 {
            ReconciliationStatus::Unavailable
        } else {
            ReconciliationStatus::NotApplicable
        };
        return result(status, None, 0, None);
    }
    if expected <= 0 {
        return result(
            ReconciliationStatus::NotApplicable,
            Some(verified_by),
            settled,
            None,
        );
    }
    let ratio = settled as f64 / expected as f64;
    result(
        status_of(settled, expected),
        Some(verified_by),
        settled,
        ratio.is_finite().then_some(ratio),
    )
}

/// Reconciliation over all sources in USD: summed amounts, the worst source's status.
pub(crate) fn overall(parts: &[(Reconciliation, i128, i128)]) -> Reconciliation {
    let mut settled = 0i128;
    let mut expected = 0i128;
    let mut worst = ReconciliationStatus::NotApplicable;
    let mut verified_by = None;
    for (r, s, e) in parts {
        worst = worst.max(r.status);
        if matches!(
            r.status,
            ReconciliationStatus::NotApplicable | ReconciliationStatus::Unavailable
        ) {
            continue;
        }
        settled += s;
        expected += e;
        verified_by = verified_by.max(r.verified_by);
    }
    let ratio = (expected > 0).then(|| settled as f64 / expected as f64);
    Reconciliation {
        status: worst,
        verified_by,
        settled: Money::new(clamp64(settled), Currency::USD),
        expected: Money::new(clamp64(expected), Currency::USD),
        ratio: ratio.filter(|r| r.is_finite()),
    }
}

/// Compares derived GMV with TikTok's (both already in one currency).
pub(crate) fn analytics_check(
    derived: Option<Money>,
    tiktok: Option<Money>,
    comparable: Option<(i128, i128)>,
) -> AnalyticsCheck {
    let unavailable = AnalyticsCheck {
        status: AnalyticsStatus::Unavailable,
        derived_gmv: derived,
        tiktok_gmv: tiktok,
        ratio: None,
        flagged: false,
    };
    let Some((ours, theirs)) = comparable else {
        return unavailable;
    };
    let (status, flagged, ratio) = if theirs <= 0 {
        let agree = ours <= 0;
        let status = if agree {
            AnalyticsStatus::Agreement
        } else {
            AnalyticsStatus::Gap
        };
        (status, !agree, None)
    } else {
        let above = ours * 100 > theirs * 110;
        let below = ours * 100 < theirs * 90;
        let status = if above || below {
            AnalyticsStatus::Gap
        } else {
            AnalyticsStatus::Agreement
        };
        let ratio = ours as f64 / theirs as f64;
        (status, above, ratio.is_finite().then_some(ratio))
    };
    AnalyticsCheck {
        status,
        derived_gmv: derived,
        tiktok_gmv: tiktok,
        ratio,
        flagged,
    }
}

pub(crate) fn clamp64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}
