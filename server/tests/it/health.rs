//! Operations endpoints: liveness, readiness, metrics.

use crate::helpers::{spawn_app, spawn_app_with, Db};
use crate::on_both_databases;

async fn healthz_answers_ok(db: Db) {
    let app = spawn_app(db).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
}

async fn readyz_answers_200_when_the_database_is_reachable(db: Db) {
    let app = spawn_app(db).await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
}

async fn metrics_count_requests_by_route_and_status(db: Db) {
    let app = spawn_app_with(db, &[("METRICS_TOKEN", "scrape-me")]).await;
    app.get("/healthz").await;
    app.get("/healthz").await;
    app.get("/no-such-page").await;
    let text = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"),
        "{text}"
    );
    assert!(text.contains("status=\"404\""), "{text}");
    assert!(
        text.contains("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 2"),
        "{text}"
    );
}

async fn every_response_carries_a_request_id(db: Db) {
    let app = spawn_app(db).await;
    let res = app.get("/healthz").await;
    let id = res
        .headers()
        .get("x-request-id")
        .expect("x-request-id")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 16);
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
}

async fn migrations_create_the_audit_trail(db: Db) {
    let app = spawn_app(db).await;
    app.state
        .db
        .record_event("test", Some("0xabc"), "hello", 1_700_000_000)
        .await
        .expect("insert");
    let events = app.state.db.recent_events(5).await.expect("select");
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        (
            e.kind.as_str(),
            e.wallet.as_deref(),
            e.detail.as_str(),
            e.occurred_at
        ),
        ("test", Some("0xabc"), "hello", 1_700_000_000)
    );
}

on_both_databases!(
    healthz_answers_ok,
    readyz_answers_200_when_the_database_is_reachable,
    metrics_count_requests_by_route_and_status,
    every_response_carries_a_request_id,
    migrations_create_the_audit_trail,
);

/// PostgreSQL going away at run time turns readiness to 503, and back to 200 when it returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_follows_postgres_going_away_and_coming_back() {
    use sqlx::Connection;
    let app = spawn_app(Db::Postgres).await;
    let name = app.db.name.clone().expect("a PostgreSQL database");
    assert_eq!(app.get("/readyz").await.status(), 200);

    let mut admin = sqlx::PgConnection::connect(&crate::helpers::postgres_admin_url())
        .await
        .unwrap();
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(app.get("/readyz").await.status(), 503);

    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(app.get("/readyz").await.status(), 200);
}
