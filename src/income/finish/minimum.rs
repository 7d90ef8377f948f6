//! The minimum order value: a delivered order under a dollar that is also under a fifth of
//! the shop's typical (value-weighted median) order is left out of verified sales and counts.

use crate::income::state::SourceState;
use crate::income::window::IncomeWindow;

/// The value-weighted median of delivered order values (`None`: five dollars or more).
pub(super) fn weighted_median(state: &SourceState) -> Option<i64> {
    let small: i128 = state
        .small_values
        .iter()
        .map(|(v, c)| i128::from(*v) * i128::from(*c))
        .sum();
    let total = small + state.large_value_sum;
    let mut running = 0i128;
    for (value, count) in &state.small_values {
        running += i128::from(*value) * i128::from(*count);
        if running * 2 >= total {
            return Some(*value);
        }
    }
    None
}

/// Removes delivered orders below the minimum order value from verified sales and counts the
/// rest of the orders under a dollar as countable. Returns the micro orders' value (window).
pub(super) fn apply_minimum(state: &mut SourceState, window: IncomeWindow) -> i128 {
    let median = weighted_median(state);
    let mut micro_value = 0i128;
    let micro = std::mem::take(&mut state.micro);
    for ((offset, value, delivered_only), count) in micro {
        let too_small = median.is_none_or(|m| i128::from(value) * 5 < i128::from(m));
        let cell = &mut state.days[offset as usize];
        if !too_small {
            cell.countable += count;
            continue;
        }
        let amount = i128::from(value) * i128::from(count);
        cell.delivered -= amount;
        if delivered_only {
            cell.delivered_only -= amount;
        }
        if offset < window.days {
            state.sums.delivered -= amount;
            if delivered_only {
                state.sums.delivered_only -= amount;
            }
            state.counts.micro_orders += u64::from(count);
            micro_value += amount;
        }
    }
    state.counts.countable_orders = state.days[..window.days as usize]
        .iter()
        .map(|c| u64::from(c.countable))
        .sum();
    micro_value
}
