//! Backfill slicing and retry pacing: pure functions with the time passed in.

use std::time::Duration;

/// Splits `[from, until)` into at most `n` contiguous, non-overlapping slices that cover it
/// exactly (fewer when the window is shorter than `n` seconds).
pub fn split(from: i64, until: i64, n: u32) -> Vec<(i64, i64)> {
    if until <= from {
        return vec![(from, until)];
    }
    let span = (until - from) as i128;
    let n = i128::from(n.max(1)).min(span);
    (0..n)
        .map(|k| {
            let a = from + (span * k / n) as i64;
            let b = from + (span * (k + 1) / n) as i64;
            (a, b)
        })
        .collect()
}

/// When a job that failed `attempts` times in a row runs again: a minute, doubling, never
/// later than its cadence.
pub fn retry_after(attempts: i64, cadence: Duration) -> Duration {
    let step = Duration::from_secs(60).saturating_mul(1u32 << attempts.clamp(0, 16) as u32);
    step.min(cadence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ninety_days_split_into_thirty_two_equal_slices() {
        let slices = split(0, 90 * 86_400, 32);
        assert_eq!(slices.len(), 32);
        assert_eq!(slices[0].0, 0);
        assert_eq!(slices[31].1, 90 * 86_400);
    }

    #[test]
    fn retries_back_off_up_to_the_cadence() {
        let day = Duration::from_secs(86_400);
        assert_eq!(retry_after(0, day), Duration::from_secs(60));
        assert_eq!(retry_after(3, day), Duration::from_secs(480));
        assert_eq!(retry_after(40, day), day);
    }

    proptest! {
        #[test]
        fn slices_cover_the_window_exactly_without_overlap(
            from in -1_000_000i64..1_000_000, len in 0i64..10_000_000, n in 1u32..300
        ) {
            let until = from + len;
            let slices = split(from, until, n);
            prop_assert!(!slices.is_empty());
            prop_assert_eq!(slices[0].0, from);
            prop_assert_eq!(slices[slices.len() - 1].1, until);
            for pair in slices.windows(2) {
                prop_assert_eq!(pair[0].1, pair[1].0);
            }
            if len > 0 {
                for (a, b) in &slices {
                    prop_assert!(a < b);
                }
            }
        }
    }
}
