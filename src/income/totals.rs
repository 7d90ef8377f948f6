//! Totals: the USD figures summed over the sources that have a rate, and counts summed over
//! all sources.

use super::derive::Clamp;
use super::report::{CommissionParts, IncomeCounts, IncomeFigures};
use super::window::IncomeWindow;
use crate::money::{Currency, Money};

fn sum(values: impl Iterator<Item = Money>, clamp: &mut Clamp) -> Money {
    let total: i128 = values.map(|m| i128::from(m.minor)).sum();
    clamp.money(total, Currency::USD)
}

fn sum_series(
    all: &[IncomeFigures],
    len: usize,
    pick: impl Fn(&IncomeFigures) -> &Vec<Money>,
    clamp: &mut Clamp,
) -> Vec<Money> {
    (0..len)
        .map(|i| sum(all.iter().filter_map(|f| pick(f).get(i).copied()), clamp))
        .collect()
}

/// Sums per-source USD figures; the monthly income is derived from the summed total income.
pub(crate) fn sum_figures(
    all: &[IncomeFigures],
    window: IncomeWindow,
    clamp: &mut Clamp,
) -> IncomeFigures {
    macro_rules! total {
        ($($field:ident).+) => {
            sum(all.iter().map(|f| f.$($field).+), clamp)
        };
    }
    let total_income = total!(total_income);
    let monthly = crate::money::div_half_even(
        i128::from(total_income.minor) * 30,
        i128::from(window.days.max(1)),
    );
    IncomeFigures {
        gmv: total!(gmv),
        delivered_gmv: total!(delivered_gmv),
        pending: total!(pending),
        micro_orders: total!(micro_orders),
        refunds: total!(refunds),
        refunds_in_progress: total!(refunds_in_progress),
        return_reserve: total!(return_reserve),
        uncovered_refunds: total!(uncovered_refunds),
        capped_by_reconciliation: total!(capped_by_reconciliation),
        net_revenue: total!(net_revenue),
        commission_settled: total!(commission_settled),
        commission_deducted: total!(commission_deducted),
        commission_verified: total!(commission_verified),
        commission_estimated: total!(commission_estimated),
        commission_parts: CommissionParts {
            commission: total!(commission_parts.commission),
            bonus: total!(commission_parts.bonus),
            shop_ads: total!(commission_parts.shop_ads),
            creator_reward: total!(commission_parts.creator_reward),
            deducted: total!(commission_parts.deducted),
        },
        affiliate_sales: total!(affiliate_sales),
        self_dealing_excluded: total!(self_dealing_excluded),
        seller_commission_paid: total!(seller_commission_paid),
        seller_commission_estimated: total!(seller_commission_estimated),
        unsettled: total!(unsettled),
        settled_revenue: total!(settled_revenue),
        total_income,
        monthly_income: clamp.money(monthly, Currency::USD),
        monthly_series: sum_series(all, window.months(), |f| &f.monthly_series, clamp),
        weekly_series: sum_series(all, window.weeks(), |f| &f.weekly_series, clamp),
    }
}

impl IncomeCounts {
    /// Adds another source's counts.
    pub(crate) fn add(&mut self, o: &IncomeCounts) {
        macro_rules! add {
            ($($field:ident),+) => { $( self.$field += o.$field; )+ };
        }
        add!(
            paid_orders,
            delivered_orders,
            completed_orders,
            pending_orders,
            cancelled_orders,
            unpaid_orders,
            sample_orders,
            replacement_orders,
            items_sold,
            countable_orders,
            micro_orders,
            refunded_returns,
            open_returns,
            affiliate_orders,
            affiliate_lines,
            affiliate_settled_orders,
            affiliate_deducted_orders,
            affiliate_reversed_orders,
            affiliate_estimated_orders,
            seller_affiliate_lines,
            statements,
            payments,
            unsettled_transactions,
            products,
            products_launched,
            products_launched_sold,
            shipped_with_sla,
            shipped_on_time
        );
    }
}
