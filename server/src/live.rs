//! `GET /api/live`: Server-Sent Events for the signed-in wallet's dashboard. One `data:` event
//! each time its score and figures are stored again (a webhook, a scheduled sync or a connect
//! brought new records), a comment heartbeat every 15 seconds, and at most a few streams per
//! wallet (a further one answers 429).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use tokio::sync::broadcast;

use crate::startup::AppState;

/// Streams one wallet may hold at once.
pub const STREAMS_PER_WALLET: usize = 4;
/// The heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// Counts the open streams per wallet.
#[derive(Default)]
pub struct LiveHub {
    open: Mutex<HashMap<String, usize>>,
}

/// One open stream; it counts itself out when dropped.
struct Slot {
    hub: Arc<LiveHub>,
    wallet: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.hub.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.wallet) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.wallet);
            }
        }
    }
}

impl LiveHub {
    fn enter(self: &Arc<Self>, wallet: &str) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(wallet.to_string()).or_default();
        if *n >= STREAMS_PER_WALLET {
            return None;
        }
        *n += 1;
        Some(Slot {
            hub: self.clone(),
            wallet: wallet.to_string(),
        })
    }

    /// Streams open now (all wallets).
    pub fn open_streams(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .sum()
    }
}

fn figures_changed() -> Event {
    let data = serde_json::json!({ "kind": "figures", "at": crate::clock::unix_now() });
    Event::default().data(data.to_string())
}

/// The wallet's changes as events. The stream (and its slot) goes when the response does: a
/// client that left is noticed at the next heartbeat at the latest.
fn events(
    changes: broadcast::Receiver<String>,
    slot: Slot,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures::stream::unfold((changes, slot), |(mut changes, slot)| async move {
        loop {
            match changes.recv().await {
                Ok(wallet) if wallet == slot.wallet => {
                    return Some((Ok(figures_changed()), (changes, slot)))
                }
                Ok(_) => {}
                // Missed some: the page refetches anyway.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    return Some((Ok(figures_changed()), (changes, slot)))
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

/// The handler.
pub async fn stream(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    use app::ports::Services;
    let wallet = match state.services.current_wallet(&session).await {
        Ok(Some(wallet)) => wallet,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let Some(slot) = state.live.enter(&wallet) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many live streams for this wallet",
        )
            .into_response();
    };
    let changes = state.scorer.subscribe();
    Sse::new(events(changes, slot))
        .keep_alive(KeepAlive::new().interval(HEARTBEAT).text("heartbeat"))
        .into_response()
}
