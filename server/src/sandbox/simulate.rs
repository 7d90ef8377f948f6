//! `POST /sandbox/simulate/orders` `{"persona": "<id>", "count": N}` (sandbox mode only): adds
//! N paid orders dated now to each of the persona's shops and delivers a signed order webhook
//! (type 1) for each, as TikTok would, so live tracking can be tried and tested. The orders go
//! to the caller's own copy of the persona (its sandbox account cookie, or `"account"`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::personas::h;
use super::render::shop_id;
use super::{locked, AppState};
use crate::clock::unix_now as now_unix;

/// The request.
#[derive(Debug, Deserialize)]
pub struct Simulate {
    persona: String,
    count: u32,
    #[serde(default)]
    account: Option<u32>,
}

/// The most orders one call adds.
pub const MAX_COUNT: u32 = 500;

pub(super) async fn orders(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Json(request): Json<Simulate>,
) -> Response {
    let sandbox = &state.sandbox;
    let account = request
        .account
        .or_else(|| super::consent::account_cookie(&headers))
        .unwrap_or(0);
    let Some(persona) = sandbox.persona(&request.persona) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown persona" })),
        )
            .into_response();
    };
    if request.count == 0 || request.count > MAX_COUNT {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": format!("count must be between 1 and {MAX_COUNT}") })),
        )
            .into_response();
    }
    let now = now_unix();
    let added = sandbox.add_orders(persona, account, request.count, now);
    for (shop, order) in &added {
        sandbox.send_webhook(json!({
            "type": 1,
            "tts_notification_id": format!("73{:017}", h(now as u64, &[order.parse().unwrap_or(0)]) % 100_000_000_000_000_000),
            "shop_id": shop,
            "timestamp": now,
            "data": {
                "order_id": order,
                "order_status": "AWAITING_SHIPMENT",
                "is_on_hold_order": false,
                "update_time": now,
            },
        }));
    }
    (StatusCode::CREATED, Json(json!({ "orders": added.len() }))).into_response()
}

impl super::Sandbox {
    /// Adds `count` paid orders dated `now` to each shop of the persona in a sandbox account;
    /// returns `(shop id, order id)` of each. No webhook is sent (the endpoint above sends them).
    pub fn add_orders(
        &self,
        persona: &'static super::personas::Persona,
        account: u32,
        count: u32,
        now: i64,
    ) -> Vec<(String, String)> {
        let mut added = Vec::new();
        let mut simulated = locked(&self.simulated);
        for shop in persona.shops {
            let base = shop.plan.gmv_minor / shop.plan.paid.max(1) as i64;
            let list = simulated.entry((account, shop.no)).or_default();
            for _ in 0..count {
                let n = list.len() as u64;
                let id = (577_900_000_000_000_000u64 + shop.no * 1_000_000_000 + n).to_string();
                let total =
                    base.max(100) + (h(self.config.seed, &[shop.no, n, 47]) % 5) as i64 * 100;
                list.push((id.clone(), now, total));
                added.push((shop_id(shop, account), id));
            }
        }
        added
    }
}
