//! `POST /api/webhooks/tiktokshop`: signed deliveries become queued work and answer 200 with an
//! empty body; forged or truncated ones answer 401; malformed, too old and replayed ones do
//! nothing; a retry that arrives hours late is still acted on once.

use serde_json::json;
use server::clock::unix_now as now_unix;
use server::db::{Connection, ConnectionStatus};
use server::tiktok::webhook::webhook_signature;

use crate::helpers::{spawn_app_with, Db, TestApp};
use crate::on_both_databases;
use crate::signer::TestWallet;

async fn connected(db: Db) -> (TestApp, Connection) {
    let app = spawn_app_with(db, &[("SYNC_SCHEDULER", "off")]).await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    app.connect(&wallet, "seller-boutique").await;
    let row = app
        .state
        .db
        .list_connections(&wallet.address())
        .await
        .unwrap()
        .remove(0);
    (app, row)
}

fn delivery(kind: i64, shop_id: &str, id: &str, timestamp: i64) -> Vec<u8> {
    let data = match kind {
        1 => {
            json!({ "order_id": "576461413038785752", "order_status": "IN_TRANSIT", "update_time": timestamp })
        }
        6 => json!({ "message": "Shop_id is deauthorized from your APP by merchant." }),
        7 => {
            json!({ "message": "expiring", "expiration_time": (timestamp + 7 * 86_400).to_string() })
        }
        12 => {
            json!({ "order_id": "1", "return_id": "2", "return_status": "RETURN_OR_REFUND_REQUEST_COMPLETE", "update_time": timestamp })
        }
        _ => {
            json!({ "order_id": "1", "cancel_id": "3", "cancel_status": "CANCELLATION_REQUEST_COMPLETE" })
        }
    };
    serde_json::to_vec(&json!({
        "type": kind,
        "tts_notification_id": id,
        "shop_id": shop_id,
        "timestamp": timestamp,
        "data": data,
    }))
    .unwrap()
}

fn sign(app: &TestApp, body: &[u8]) -> String {
    let config = app.state.sandbox.as_ref().unwrap().config();
    webhook_signature(&config.app_key, &config.app_secret, body)
}

async fn post(app: &TestApp, body: Vec<u8>, authorization: Option<String>) -> (u16, String) {
    let mut request = app
        .client
        .post(app.url("/api/webhooks/tiktokshop"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(auth) = authorization {
        request = request.header("authorization", auth);
    }
    let res = request.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

async fn due(app: &TestApp, id: &str) -> Vec<String> {
    let now = now_unix();
    app.state
        .db
        .list_jobs(id)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.next_run_at <= now)
        .map(|j| j.resource)
        .collect()
}

async fn status_of(app: &TestApp, id: &str) -> ConnectionStatus {
    app.state
        .db
        .load_connection(id)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn an_order_status_change_queues_an_incremental_order_sync(db: Db) {
    let (app, row) = connected(db).await;
    assert!(due(&app, &row.id).await.is_empty());
    let body = delivery(1, &row.platform_account_id, "n-1", now_unix());
    let (status, text) = post(&app, body.clone(), Some(sign(&app, &body))).await;
    assert_eq!((status, text.as_str()), (200, ""), "200 with an empty body");
    assert_eq!(due(&app, &row.id).await, vec!["orders"]);
    // The queued job is what the scheduler picks up next.
    let (claimed, summary) = app.state.sync.run_next_due().await.unwrap().unwrap();
    assert_eq!(claimed, row.id);
    assert_eq!(summary.resources, vec!["orders"]);
    assert!(due(&app, &row.id).await.is_empty());
}

async fn a_return_or_cancellation_change_queues_orders_and_returns(db: Db) {
    let (app, row) = connected(db).await;
    for (kind, id) in [(12, "n-12"), (11, "n-11")] {
        let body = delivery(kind, &row.platform_account_id, id, now_unix());
        let (status, _) = post(&app, body.clone(), Some(sign(&app, &body))).await;
        assert_eq!(status, 200);
    }
    assert_eq!(due(&app, &row.id).await, vec!["orders", "returns"]);
}

async fn a_replayed_delivery_is_acknowledged_and_does_nothing(db: Db) {
    let (app, row) = connected(db).await;
    let body = delivery(1, &row.platform_account_id, "n-same", now_unix());
    let auth = sign(&app, &body);
    assert_eq!(post(&app, body.clone(), Some(auth.clone())).await.0, 200);
    app.state.sync.run_next_due().await.unwrap();
    let (status, text) = post(&app, body, Some(auth)).await;
    assert_eq!((status, text.as_str()), (200, ""));
    assert!(
        due(&app, &row.id).await.is_empty(),
        "a replay queues nothing"
    );
}

async fn a_retry_that_arrives_hours_late_is_still_acted_on_once(db: Db) {
    let (app, row) = connected(db).await;
    // TikTok's fourth retry comes about 15.5 hours after the first push.
    let sent = now_unix() - 15 * 3600 - 32 * 60;
    let body = delivery(1, &row.platform_account_id, "n-late", sent);
    assert_eq!(
        post(&app, body.clone(), Some(sign(&app, &body))).await.0,
        200
    );
    assert_eq!(
        due(&app, &row.id).await,
        vec!["orders"],
        "a late genuine delivery counts"
    );
    app.state.sync.run_next_due().await.unwrap();
    assert_eq!(
        post(&app, body.clone(), Some(sign(&app, &body))).await.0,
        200
    );
    assert!(due(&app, &row.id).await.is_empty(), "once");
}

async fn forged_and_truncated_deliveries_get_401_and_unreadable_ones_do_nothing(db: Db) {
    let (app, row) = connected(db).await;
    let shop = row.platform_account_id.clone();
    let body = delivery(1, &shop, "n-bad", now_unix());

    // Forged: signed with another secret, or not signed: 401, empty.
    let (status, text) = post(&app, body.clone(), Some("00".repeat(32))).await;
    assert_eq!((status, text.as_str()), (401, ""));
    assert_eq!(post(&app, body.clone(), None).await.0, 401);
    // Truncated in transit: the signature no longer matches.
    let auth = sign(&app, &body);
    let cut = body[..body.len() / 2].to_vec();
    assert_eq!(post(&app, cut.clone(), Some(auth)).await.0, 401);
    // Signed but unreadable, or too old to tell from a replay, or undated: acknowledged (TikTok
    // accepts only 200 or 401) and kept aside without acting.
    let signed_cut = sign(&app, &cut);
    assert_eq!(post(&app, cut, Some(signed_cut)).await.0, 200);
    let old = delivery(1, &shop, "n-old", now_unix() - 3 * 86_400);
    let auth = sign(&app, &old);
    assert_eq!(post(&app, old, Some(auth)).await.0, 200);
    let undated = serde_json::to_vec(&json!({ "type": 1, "shop_id": shop, "data": {} })).unwrap();
    let auth = sign(&app, &undated);
    assert_eq!(post(&app, undated, Some(auth)).await.0, 200);

    assert!(due(&app, &row.id).await.is_empty(), "nothing was queued");
    assert_eq!(status_of(&app, &row.id).await, ConnectionStatus::Active);
}

async fn deauthorization_revokes_the_connection_and_deletes_its_tokens(db: Db) {
    let (app, row) = connected(db).await;
    assert!(app.score().await["score"].is_number());
    let body = delivery(6, &row.platform_account_id, "n-6", now_unix());
    assert_eq!(
        post(&app, body.clone(), Some(sign(&app, &body))).await.0,
        200
    );
    assert_eq!(status_of(&app, &row.id).await, ConnectionStatus::Revoked);
    let grant = app
        .state
        .db
        .load_grant(&row.grant_id)
        .await
        .unwrap()
        .unwrap();
    assert!(grant.tokens.is_none(), "tokens deleted");
    assert_eq!(app.connections().await[0]["status"], "revoked");
    // The revoked shop no longer counts: the wallet has no score left.
    assert_eq!(app.score().await, serde_json::Value::Null);
    // A revoked connection is never synced again.
    let names = ["orders", "returns"];
    app.state
        .db
        .request_sync(&row.id, &names, now_unix())
        .await
        .unwrap();
    assert!(app.state.sync.run_next_due().await.unwrap().is_none());
}

async fn a_late_deauthorization_never_revokes_a_newer_reconnect(db: Db) {
    let (app, row) = connected(db).await;
    let sent_before_reconnect = row.connected_at - 60;
    let body = delivery(
        6,
        &row.platform_account_id,
        "n-6-old",
        sent_before_reconnect,
    );
    assert_eq!(
        post(&app, body.clone(), Some(sign(&app, &body))).await.0,
        200
    );
    assert_eq!(status_of(&app, &row.id).await, ConnectionStatus::Active);
}

async fn a_creator_deauthorization_names_the_creator_not_a_shop(db: Db) {
    let app = spawn_app_with(db, &[("SYNC_SCHEDULER", "off")]).await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    app.connect_creator(&wallet, "creator-fashion").await;
    let c = app
        .state
        .db
        .list_connections(&wallet.address())
        .await
        .unwrap()
        .remove(0);
    let body = serde_json::to_vec(&json!({
        "type": 20,
        "tts_notification_id": "n-20",
        "creator_open_id": c.platform_account_id,
        "timestamp": now_unix(),
        "data": { "cancel_time": now_unix() }
    }))
    .unwrap();
    assert_eq!(
        post(&app, body.clone(), Some(sign(&app, &body))).await.0,
        200
    );
    assert_eq!(status_of(&app, &c.id).await, ConnectionStatus::Revoked);
}

async fn an_upcoming_expiration_is_recorded_as_a_warning(db: Db) {
    let (app, row) = connected(db).await;
    let body = delivery(7, &row.platform_account_id, "n-7", now_unix());
    assert_eq!(
        post(&app, body.clone(), Some(sign(&app, &body))).await.0,
        200
    );
    let events = app.state.db.recent_events(10).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.kind == "tiktok_authorization_expiring" && e.detail.contains(&row.id)));
    assert_eq!(status_of(&app, &row.id).await, ConnectionStatus::Active);
}

on_both_databases!(
    an_order_status_change_queues_an_incremental_order_sync,
    a_return_or_cancellation_change_queues_orders_and_returns,
    a_replayed_delivery_is_acknowledged_and_does_nothing,
    a_retry_that_arrives_hours_late_is_still_acted_on_once,
    forged_and_truncated_deliveries_get_401_and_unreadable_ones_do_nothing,
    deauthorization_revokes_the_connection_and_deletes_its_tokens,
    a_late_deauthorization_never_revokes_a_newer_reconnect,
    a_creator_deauthorization_names_the_creator_not_a_shop,
    an_upcoming_expiration_is_recorded_as_a_warning,
);
