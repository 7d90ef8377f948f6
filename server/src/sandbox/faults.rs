//! Fault injection: which Open API answers are faults, so that the share of faulted answers is
//! the configured rate. A fault is a 5xx burst, a 429 burst (a run of consecutive answers for
//! one shop) or a single malformed page; the chance to start one is scaled by the mean run
//! length, so bursts do not inflate the share.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Longest run of one burst (lengths are uniform in `1..=MAX_BURST`).
pub const MAX_BURST: u32 = 5;

/// What a faulted answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 503 with an HTML page.
    ServerError,
    /// HTTP 429 with code 36009002.
    RateLimited,
    /// HTTP 200 whose JSON is cut in half.
    Malformed,
}

/// The seeded fault plan of a sandbox.
#[derive(Debug)]
pub struct FaultPlan {
    rate: f64,
    start: f64,
    rng: StdRng,
    /// Per shop (or account): the burst in progress and the answers it has left.
    running: BTreeMap<String, (Fault, u32)>,
}

/// Mean faulted answers per fault: a third each of 5xx bursts, 429 bursts and single
/// malformed pages.
fn mean_run() -> f64 {
    let burst = f64::from(MAX_BURST + 1) / 2.0;
    (burst + burst + 1.0) / 3.0
}

impl FaultPlan {
    /// A plan answering about `rate` of all calls with a fault.
    pub fn new(rate: f64, seed: u64) -> FaultPlan {
        let rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Calls outside a burst start one with chance `start`; with mean length L the share of
        // faulted calls is start·L / (1 − start + start·L) = rate.
        let l = mean_run();
        let start = if rate >= 1.0 {
            1.0
        } else {
            rate / (l * (1.0 - rate) + rate)
        };
        FaultPlan {
            rate,
            start,
            rng: StdRng::seed_from_u64(seed),
            running: BTreeMap::new(),
        }
    }

    /// The fault of the next call for `key`, if it is one.
    pub fn next(&mut self, key: &str) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        if let Some((fault, left)) = self.running.get_mut(key) {
            let fault = *fault;
            *left -= 1;
            if *left == 0 {
                self.running.remove(key);
            }
            return Some(fault);
        }
        if !self.rng.gen_bool(self.start) {
            return None;
        }
        let fault = match self.rng.gen_range(0..3) {
            0 => Fault::ServerError,
            1 => Fault::RateLimited,
            _ => return Some(Fault::Malformed),
        };
        let len = self.rng.gen_range(1..=MAX_BURST);
        if len > 1 {
            self.running.insert(key.to_string(), (fault, len - 1));
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(rate: f64, seed: u64, calls: usize) -> Vec<Option<Fault>> {
        let mut plan = FaultPlan::new(rate, seed);
        (0..calls).map(|_| plan.next("shop")).collect()
    }

    #[test]
    fn no_rate_no_faults() {
        assert!(draw(0.0, 1, 10_000).iter().all(Option::is_none));
        assert!(draw(f64::NAN, 1, 1_000).iter().all(Option::is_none));
    }

    #[test]
    fn every_call_faults_at_rate_one() {
        assert!(draw(1.0, 1, 1_000).iter().all(Option::is_some));
    }

    #[test]
    fn the_share_of_faulted_answers_is_the_rate_bursts_included() {
        for seed in 1..=5 {
            let calls = draw(0.05, seed, 200_000);
            let share = calls.iter().filter(|f| f.is_some()).count() as f64 / calls.len() as f64;
            assert!((0.045..0.055).contains(&share), "seed {seed}: {share}");
        }
    }

    #[test]
    fn bursts_are_runs_of_one_kind_and_malformed_pages_come_alone() {
        let calls = draw(0.05, 7, 200_000);
        let mut longest = 0;
        let mut run = (None, 0u32);
        for fault in &calls {
            run = match (run, fault) {
                ((Some(kind), n), Some(f)) if kind == *f && *f != Fault::Malformed => {
                    (Some(kind), n + 1)
                }
                (_, f) => (*f, u32::from(f.is_some())),
            };
            longest = longest.max(run.1);
        }
        assert!(longest > 1, "no burst in 200,000 calls");
        // Two bursts may abut, so a run is at most twice the longest burst.
        assert!(longest <= 2 * MAX_BURST, "a run of {longest}");
        for kind in [Fault::ServerError, Fault::RateLimited, Fault::Malformed] {
            assert!(calls.contains(&Some(kind)), "no {kind:?}");
        }
    }

    #[test]
    fn a_burst_belongs_to_its_shop() {
        let mut plan = FaultPlan::new(0.5, 3);
        let mut saw_other_clean_during_burst = false;
        for _ in 0..1_000 {
            let a = plan.next("a");
            let in_burst = plan.running.contains_key("a");
            let b = plan.next("b");
            if a.is_some() && in_burst && b.is_none() {
                saw_other_clean_during_burst = true;
            }
        }
        assert!(saw_other_clean_during_burst);
    }
}
