//! Who goes next to a shop's rate limiter. Callers queue with a rank; when the turn is free the
//! highest rank goes (the earliest among equals). The sync engine ranks a backfill slice by the
//! records it has left, so lagging slices catch up and all of them finish together: the rate
//! limit stays the only bound until the end, instead of a few late slices running alone.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Mutex;

use tokio::sync::oneshot;

/// One queue.
#[derive(Debug, Default)]
pub struct Turnstile {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    taken: bool,
    seq: u64,
    waiting: BinaryHeap<Waiter>,
}

#[derive(Debug)]
struct Waiter {
    rank: i64,
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    /// Higher rank first, then the earlier arrival.
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank
            .cmp(&other.rank)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// The turn; dropping it hands the turn to the next in line.
#[derive(Debug)]
pub struct Turn<'a> {
    turnstile: &'a Turnstile,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.turnstile.pass();
    }
}

/// A caller still in line: if it is dropped after the turn was handed to it, it passes it on.
struct InLine<'a> {
    turnstile: &'a Turnstile,
    wake: Option<oneshot::Receiver<()>>,
}

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        if let Some(mut wake) = self.wake.take() {
            wake.close();
            if wake.try_recv().is_ok() {
                self.turnstile.pass();
            }
        }
    }
}

impl Turnstile {
    /// Waits for the turn at `rank`.
    pub async fn turn(&self, rank: i64) -> Turn<'_> {
        let wake = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if !state.taken {
                state.taken = true;
                return Turn { turnstile: self };
            }
            let (tx, rx) = oneshot::channel();
            state.seq += 1;
            let seq = state.seq;
            state.waiting.push(Waiter {
                rank,
                seq,
                wake: tx,
            });
            rx
        };
        let mut in_line = InLine {
            turnstile: self,
            wake: Some(wake),
        };
        if let Some(wake) = in_line.wake.as_mut() {
            // The sender lives in the heap until it is used, so this only ends with the turn.
            let _ = wake.await;
        }
        in_line.wake = None;
        Turn { turnstile: self }
    }

    /// Hands the turn to the best waiter still waiting, or frees it.
    fn pass(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while let Some(next) = state.waiting.pop() {
            if next.wake.send(()).is_ok() {
                return;
            }
        }
        state.taken = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_free_turn_is_taken_at_once_and_freed_on_drop() {
        let t = Turnstile::default();
        drop(t.turn(0).await);
        drop(t.turn(0).await);
    }

    #[tokio::test]
    async fn the_highest_rank_goes_next_then_the_earliest() {
        let t = Arc::new(Turnstile::default());
        let first = t.turn(0).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, rank) in [("low", 1), ("high", 9), ("mid-a", 5), ("mid-b", 5)] {
            let (t, order) = (t.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _turn = t.turn(rank).await;
                order.lock().unwrap().push(name);
            }));
            // Queue them in this order.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        drop(first);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["high", "mid-a", "mid-b", "low"]);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_in_line_never_keeps_the_turn() {
        let t = Arc::new(Turnstile::default());
        let first = t.turn(0).await;
        // Leaves the line before its turn.
        let quitter = tokio::time::timeout(Duration::from_millis(20), t.turn(5)).await;
        assert!(quitter.is_err());
        let t2 = t.clone();
        let next = tokio::spawn(async move {
            let _turn = t2.turn(1).await;
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), next)
            .await
            .expect("the next caller got the turn")
            .unwrap();
        drop(t.turn(0).await);
    }

    #[tokio::test]
    async fn a_turn_handed_to_a_caller_dropped_before_it_ran_is_passed_on() {
        let t = Turnstile::default();
        let first = t.turn(0).await;
        let mut quitter = Box::pin(t.turn(5));
        // Queue it, hand it the turn, then drop it without polling again.
        assert!(futures::poll!(quitter.as_mut()).is_pending());
        drop(first);
        drop(quitter);
        tokio::time::timeout(Duration::from_secs(5), t.turn(0))
            .await
            .expect("the turn was passed on");
    }
}
