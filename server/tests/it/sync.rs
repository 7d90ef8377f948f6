//! The sync engine against the mounted sandbox: token refresh and rotation, needs_reconnect,
//! the scheduler's incremental runs, checkpoints and leases, faults (a 429 storm, minutes of 5xx,
//! a malformed page, the database going away, kill -9 of a backfill) and hostile answers (a
//! cursor that never ends, a huge body, refused page tokens, records that do not decode). Every
//! fault ends with the exact stored set the sandbox holds and a clear status on the connection.

use std::collections::BTreeSet;
use std::time::Duration;

use server::clock::unix_now as now_unix;
use server::db::{Connection, ConnectionStatus, SealedTokens};
use server::sandbox::render::orders::{order_id, return_id};
use server::sandbox::tokens::{self, Claims, Kind};
use server::sandbox::Switches;
use server::sync::{Resource, RunSummary, Selection};
use server::tiktok::{AccessToken, RefreshToken};
use server::vault::TokenKind;
use shopscore::records::SourceKind;

use crate::helpers::{spawn_app_beside, spawn_app_with, Db, TestApp};
use crate::on_both_databases;
use crate::signer::TestWallet;

const NO_SCHEDULER: &[(&str, &str)] = &[("SYNC_SCHEDULER", "off")];

pub(crate) async fn connected(
    db: Db,
    extra: &[(&str, &str)],
    persona: &str,
) -> (TestApp, Connection) {
    let app = spawn_app_with(db, extra).await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    assert_eq!(
        app.connect(&wallet, persona).await,
        "/dashboard?tiktokshop_connected=true"
    );
    let row = only_connection(&app, &wallet).await;
    (app, row)
}

pub(crate) async fn only_connection(app: &TestApp, wallet: &TestWallet) -> Connection {
    let rows = app
        .state
        .db
        .list_connections(&wallet.address())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    rows.into_iter().next().unwrap()
}

/// The names of a shop connection's sync jobs.
fn shop_jobs() -> Vec<&'static str> {
    Resource::for_kind(SourceKind::Shop)
        .iter()
        .map(|r| r.name())
        .collect()
}

pub(crate) async fn reload(app: &TestApp, id: &str) -> Connection {
    app.state.db.load_connection(id).await.unwrap().unwrap()
}

async fn sync(app: &TestApp, id: &str) -> RunSummary {
    app.state
        .sync
        .sync_connection(id, Selection::All)
        .await
        .unwrap()
}

/// The order and return ids the sandbox holds for a one-shop persona.
pub(crate) fn sandbox_ids(app: &TestApp, persona: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let sandbox = app.state.sandbox.as_ref().unwrap();
    let shop = &sandbox.persona(persona).unwrap().shops[0];
    let book = sandbox.book(shop, now_unix());
    let orders = (0..book.len())
        .map(|i| order_id(book.seed, shop, i))
        .collect();
    let returns = (0..book.returns().len())
        .map(|r| return_id(shop, r))
        .collect();
    (orders, returns)
}

pub(crate) async fn stored_ids(app: &TestApp, id: &str, kind: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut count = 0;
    app.state
        .db
        .for_each_record_id(id, kind, &mut |r| {
            count += 1;
            ids.insert(r);
        })
        .await
        .unwrap();
    assert_eq!(count, ids.len(), "no record is stored twice");
    ids
}

/// The connection holds exactly the sandbox's orders and returns, is active and has no issue.
pub(crate) async fn assert_exact_and_clear(app: &TestApp, id: &str, persona: &str) {
    let (orders, returns) = sandbox_ids(app, persona);
    assert_eq!(stored_ids(app, id, "order").await, orders);
    assert_eq!(stored_ids(app, id, "return").await, returns);
    let row = reload(app, id).await;
    assert_eq!(row.status, ConnectionStatus::Active);
    assert_eq!(row.fetch_issues, vec![]);
    assert!(row.last_synced_at.is_some());
    let jobs = app.state.db.list_jobs(id).await.unwrap();
    assert!(
        jobs.iter()
            .all(|j| j.watermark.is_some() && j.issue.is_none()),
        "{jobs:?}"
    );
}

fn sandbox_token(app: &TestApp, kind: Kind, persona: &str, expires: i64) -> String {
    let sandbox = app.state.sandbox.as_ref().unwrap();
    tokens::issue(
        &sandbox.config().token_signing_key,
        &Claims {
            kind,
            persona: persona.into(),
            expires,
            anchor: now_unix(),
            nonce: tokens::nonce(),
        },
    )
}

/// The grant's tokens in the clear.
async fn grant_tokens(app: &TestApp, c: &Connection) -> (String, String) {
    let g = app.state.db.load_grant(&c.grant_id).await.unwrap().unwrap();
    let t = g.tokens.expect("tokens");
    let access: AccessToken = app
        .state
        .vault
        .open(&g.id, TokenKind::Access, &t.access)
        .unwrap();
    let refresh: RefreshToken = app
        .state
        .vault
        .open(&g.id, TokenKind::Refresh, &t.refresh)
        .unwrap();
    (access.expose().to_string(), refresh.expose().to_string())
}

/// Replaces the grant's tokens (over its current version, as a refresh would).
async fn set_grant_tokens(
    app: &TestApp,
    c: &Connection,
    access: &str,
    access_expires_at: i64,
    refresh: &str,
) {
    let g = app.state.db.load_grant(&c.grant_id).await.unwrap().unwrap();
    let tokens: SealedTokens = app
        .state
        .vault
        .seal_pair(
            &g.id,
            &AccessToken::new(access),
            access_expires_at,
            &RefreshToken::new(refresh),
            now_unix() + 86_400,
        )
        .unwrap();
    assert!(app
        .state
        .db
        .store_refreshed(&g.id, g.token_version, &tokens)
        .await
        .unwrap());
}

/// Polls `check` every 50 ms for at most `secs` seconds.
pub(crate) async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tick.tick().await;
        if check().await {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

async fn a_token_within_the_margin_is_refreshed_before_a_sync_and_the_rotated_refresh_token_stored(
    db: Db,
) {
    // A margin longer than the sandbox's 4-hour lifetime: every sync refreshes first.
    let (app, row) = connected(
        db,
        &[
            ("SYNC_SCHEDULER", "off"),
            ("TOKEN_REFRESH_MARGIN_SECS", "20000"),
        ],
        "seller-boutique",
    )
    .await;
    let (_, first) = grant_tokens(&app, &row).await;
    sync(&app, &row.id).await;
    let (_, second) = grant_tokens(&app, &row).await;
    assert_ne!(
        first, second,
        "the rotated refresh token replaced the old one"
    );
    // The sandbox retired `second`'s predecessor: a third sync only works with `second` stored.
    let summary = sync(&app, &row.id).await;
    assert!(summary.issues.is_empty(), "{:?}", summary.issues);
    assert_ne!(grant_tokens(&app, &row).await.1, second);
    assert_eq!(reload(&app, &row.id).await.status, ConnectionStatus::Active);
}

async fn the_shops_of_one_grant_share_each_refresh_and_stay_connected(db: Db) {
    // Every sync refreshes (the margin is longer than the token's life).
    let app = spawn_app_with(
        db,
        &[
            ("SYNC_SCHEDULER", "off"),
            ("TOKEN_REFRESH_MARGIN_SECS", "20000"),
        ],
    )
    .await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    app.connect(&wallet, "multi-shop").await;
    let rows = app
        .state
        .db
        .list_connections(&wallet.address())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "one connection per shop of the grant");
    // Each refresh retires the token the other shop was given with it.
    for round in 0..2 {
        for row in &rows {
            let summary = sync(&app, &row.id).await;
            assert!(
                summary.issues.is_empty(),
                "round {round}: {:?}",
                summary.issues
            );
        }
    }
    for row in &rows {
        assert_eq!(reload(&app, &row.id).await.status, ConnectionStatus::Active);
    }
    assert_eq!(
        rows[0].grant_id, rows[1].grant_id,
        "one grant, one set of tokens"
    );
}

async fn a_refresh_refused_for_good_marks_the_connection_needs_reconnect(db: Db) {
    let (app, row) = connected(db, NO_SCHEDULER, "seller-boutique").await;
    let expired = sandbox_token(&app, Kind::Access, "seller-boutique", now_unix() - 10);
    set_grant_tokens(
        &app,
        &row,
        &expired,
        now_unix() + 3600,
        "SBXREF_revoked.token",
    )
    .await;
    sync(&app, &row.id).await;
    let row = reload(&app, &row.id).await;
    assert_eq!(row.status, ConnectionStatus::NeedsReconnect);
    assert!(row.fetch_issues.iter().any(|i| i.code == "token_invalid"));
    let shown = app.connections().await;
    assert_eq!(shown[0]["status"], "needs_reconnect");
    // The scheduler leaves it alone, even with every job due.
    let names = shop_jobs();
    app.state
        .db
        .request_sync(&row.id, &names, now_unix() - 1)
        .await
        .unwrap();
    assert!(app.state.sync.run_next_due().await.unwrap().is_none());
}

#[tokio::test]
async fn an_expired_access_token_answered_105002_is_refreshed_once_and_the_sync_completes() {
    let (app, row) = connected(Db::Sqlite, NO_SCHEDULER, "seller-boutique").await;
    let expired = sandbox_token(&app, Kind::Access, "seller-boutique", now_unix() - 10);
    let (_, refresh) = grant_tokens(&app, &row).await;
    // We believe it is fresh, so only TikTok's 105002 can reveal it.
    set_grant_tokens(&app, &row, &expired, now_unix() + 3600, &refresh).await;
    let summary = sync(&app, &row.id).await;
    assert!(summary.issues.is_empty(), "{:?}", summary.issues);
    let (access, rotated) = grant_tokens(&app, &row).await;
    assert_ne!(access, expired);
    assert_ne!(rotated, refresh);
    assert_exact_and_clear(&app, &row.id, "seller-boutique").await;
}

// ---------------------------------------------------------------------------------------------
// Jobs, scheduler, incremental runs

async fn the_first_sync_stores_the_exact_set_and_leaves_every_job_scheduled(db: Db) {
    let (app, row) = connected(db, NO_SCHEDULER, "seller-boutique").await;
    assert_exact_and_clear(&app, &row.id, "seller-boutique").await;
    let jobs = app.state.db.list_jobs(&row.id).await.unwrap();
    assert_eq!(jobs.len(), shop_jobs().len());
    let now = now_unix();
    for job in &jobs {
        let every = if matches!(
            job.resource.as_str(),
            "products" | "analytics" | "customer_service"
        ) {
            6 * 3600
        } else {
            86_400
        };
        assert!(
            (job.next_run_at - now - every).abs() < 120,
            "{} runs on its cadence",
            job.resource
        );
    }
    let shown = app.connections().await;
    assert!(shown[0]["lastSyncedAt"].is_string());
    assert_eq!(shown[0]["needsReconnect"], false);
    assert_eq!(shown[0]["stale"], false);
}

async fn the_scheduler_runs_due_jobs_incrementally_without_duplicating_anything(db: Db) {
    let (app, row) = connected(db, &[("SYNC_POLL_MS", "50")], "seller-boutique").await;
    let names = shop_jobs();
    app.state
        .db
        .request_sync(&row.id, &names, now_unix())
        .await
        .unwrap();
    app.state.sync.wake();
    eventually(30, "a scheduled run", || async {
        let runs = app.state.db.list_runs(&row.id).await.unwrap();
        runs.len() >= 2 && runs.iter().all(|r| r.2.is_some())
    })
    .await;
    eventually(30, "no due job", || async {
        let jobs = app.state.db.list_jobs(&row.id).await.unwrap();
        jobs.iter().all(|j| j.next_run_at > now_unix())
    })
    .await;
    assert_exact_and_clear(&app, &row.id, "seller-boutique").await;
    let score = app.score().await;
    assert!(score["score"].as_f64().unwrap() > 0.0);
}

// ---------------------------------------------------------------------------------------------
// Faults

/// Runs one statement with the connection id as `$1` on the app's database, from outside.
pub(crate) async fn execute_outside(app: &TestApp, sql: &str, id: &str) {
    use sqlx::Connection;
    if app.db.name.is_some() {
        let mut c = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
        sqlx::query(sql).bind(id).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
        sqlx::query(sql).bind(id).execute(&mut c).await.unwrap();
    }
}

/// Forgets what the connect-time sync stored and queues a backfill from nothing, so the
/// records at the end are the ones the faulty backfill itself stored.
pub(crate) async fn begin_backfill_again(app: &TestApp, id: &str) {
    execute_outside(
        app,
        "DELETE FROM connection_records WHERE connection_id = $1",
        id,
    )
    .await;
    assert!(stored_ids(app, id, "order").await.is_empty());
    execute_outside(
        app,
        "DELETE FROM sync_checkpoints WHERE connection_id = $1",
        id,
    )
    .await;
    execute_outside(
        app,
        "UPDATE sync_jobs SET watermark = NULL, attempts = 0, issue = NULL, next_run_at = 0 \
         WHERE connection_id = $1",
        id,
    )
    .await;
}

async fn a_malformed_page_in_the_middle_of_a_backfill_is_fetched_again(db: Db) {
    let (app, row) = connected(db, NO_SCHEDULER, "seller-boutique").await;
    begin_backfill_again(&app, &row.id).await;
    let sandbox = app.state.sandbox.as_ref().unwrap();
    sandbox.set_switches(Switches {
        malformed_order_pages: 3,
        ..Default::default()
    });
    let summary = sync(&app, &row.id).await;
    assert!(summary.issues.is_empty(), "{:?}", summary.issues);
    assert_exact_and_clear(&app, &row.id, "seller-boutique").await;
}

async fn tiktok_answering_5xx_for_minutes_leaves_a_clear_issue_then_recovers_exactly(db: Db) {
    let (app, row) = connected(db, NO_SCHEDULER, "seller-boutique").await;
    begin_backfill_again(&app, &row.id).await;
    let sandbox = app.state.sandbox.as_ref().unwrap();
    sandbox.set_switches(Switches {
        outage: true,
        ..Default::default()
    });
    let summary = sync(&app, &row.id).await;
    assert!(!summary.issues.is_empty());
    let during = reload(&app, &row.id).await;
    assert_eq!(
        during.status,
        ConnectionStatus::Active,
        "an outage is not the seller's fault"
    );
    assert!(
        during
            .fetch_issues
            .iter()
            .any(|i| i.code == "tiktok_unavailable"),
        "{:?}",
        during.fetch_issues
    );
    let jobs = app.state.db.list_jobs(&row.id).await.unwrap();
    assert!(jobs
        .iter()
        .all(|j| j.attempts == 1 && j.next_run_at > now_unix()));
    sandbox.set_switches(Switches::default());
    let summary = sync(&app, &row.id).await;
    assert!(summary.issues.is_empty(), "{:?}", summary.issues);
    assert_exact_and_clear(&app, &row.id, "seller-boutique").await;
}

async fn a_429_storm_mid_backfill_is_waited_out(db: Db) {
    let (app, row) = connected(db, NO_SCHEDULER, "seller-boutique").await;
    begin_backfill_again(&app, &row.id).await;
    let sandbox = app.state.sandbox.clone().unwrap();
    let before = sandbox.open_api_calls();
    sandbox.set_switches(Switches {
        rate_limit_storm: true,
        ..Default::default()
    });
    let engine = app.state.sync.clone();
    let id = row.id.clone();
    let run = tokio::spawn(async move { engine.sync_connection(&id, Selection::All).await });
    eventually(30, "the storm to be hit", || async {
        sandbox.open_api_calls() >= before + 10
    })
    .await;
    sandbox.set_switches(Switches::default());
    let first = run.await.unwrap().unwrap();
    if !first.issues.is_empty() {
        // The storm outlasted a page's retries: the job's retry finishes it.
        sync(&app, &row.id).await;
    }
    assert_exact_and_clear(&app, &row.id, "seller-boutique").await;
}

/// Runs SQL (several statements allowed) on the app's database, from outside.
async fn execute_raw_outside(app: &TestApp, sql: &str) {
    use sqlx::Connection;
    if app.db.name.is_some() {
        let mut c = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    }
}

async fn a_run_failing_on_the_database_waits_and_lets_other_connections_sync(db: Db) {
    let (app, failing) = connected(db, NO_SCHEDULER, "seller-boutique").await;
    let other_wallet = TestWallet::new(2);
    let other_app = TestApp {
        address: app.address.clone(),
        client: crate::helpers::new_client(),
        state: app.state.clone(),
        db: app.db.beside(),
    };
    other_app.sign_in(&other_wallet).await;
    other_app.connect(&other_wallet, "empty-shop").await;
    let other = only_connection(&other_app, &other_wallet).await;

    begin_backfill_again(&app, &failing.id).await;
    // The failing connection is the most overdue; the database refuses its records.
    execute_outside(
        &app,
        "UPDATE sync_jobs SET next_run_at = next_run_at - 100 WHERE connection_id = $1",
        &failing.id,
    )
    .await;
    let refuse = if app.db.name.is_some() {
        format!(
            "CREATE FUNCTION refuse_records() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION 'refused by the test'; END $$; \
             CREATE TRIGGER refuse_records BEFORE INSERT ON connection_records FOR EACH ROW \
             WHEN (NEW.connection_id = '{}') EXECUTE FUNCTION refuse_records();",
            failing.id
        )
    } else {
        format!(
            "CREATE TRIGGER refuse_records BEFORE INSERT ON connection_records \
             WHEN NEW.connection_id = '{}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
            failing.id
        )
    };
    execute_raw_outside(&app, &refuse).await;
    let names = shop_jobs();
    app.state
        .db
        .request_sync(&other.id, &names, now_unix())
        .await
        .unwrap();

    let engine = &app.state.sync;
    assert!(
        engine.run_next_due().await.is_err(),
        "the records were refused"
    );
    let jobs = app.state.db.list_jobs(&failing.id).await.unwrap();
    assert!(
        jobs.iter()
            .all(|j| j.attempts == 1 && j.next_run_at >= now_unix() + 50),
        "the failed jobs wait about a minute: {jobs:?}"
    );
    let (next, summary) = engine
        .run_next_due()
        .await
        .unwrap()
        .expect("the other is due");
    assert_eq!(next, other.id, "the other connection is not held up");
    assert!(summary.issues.is_empty(), "{:?}", summary.issues);
    assert!(
        engine.run_next_due().await.unwrap().is_none(),
        "nothing else is due"
    );

    // Once the database takes the records again, the next run completes from the checkpoints.
    let drop = if app.db.name.is_some() {
        "DROP TRIGGER refuse_records ON connection_records"
    } else {
        "DROP TRIGGER refuse_records"
    };
    execute_raw_outside(&app, drop).await;
    // A webhook's request does not cut a failing job's backoff short; its wait does end.
    app.state
        .db
        .request_sync(&failing.id, &names, now_unix())
        .await
        .unwrap();
    assert!(
        engine.run_next_due().await.unwrap().is_none(),
        "still backing off"
    );
    app.state.clock.advance(120);
    let (next, summary) = engine
        .run_next_due()
        .await
        .unwrap()
        .expect("it is due again");
    assert_eq!(next, failing.id);
    assert!(summary.issues.is_empty(), "{:?}", summary.issues);
    assert_exact_and_clear(&app, &failing.id, "seller-boutique").await;
}

/// The database made unavailable to the app, until [`DatabaseAway::come_back`].
enum DatabaseAway {
    /// PostgreSQL refuses new connections and the app's were terminated.
    Postgres {
        admin: sqlx::PgConnection,
        name: String,
    },
    /// Another process holds SQLite's write lock beyond the app's busy timeout.
    Sqlite(sqlx::SqliteConnection),
}

impl DatabaseAway {
    async fn go(app: &TestApp) -> DatabaseAway {
        use sqlx::Connection;
        match &app.db.name {
            Some(name) => {
                let mut admin = sqlx::PgConnection::connect(&crate::helpers::postgres_admin_url())
                    .await
                    .unwrap();
                sqlx::query(&format!(
                    "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"
                ))
                .execute(&mut admin)
                .await
                .unwrap();
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                )
                .bind(name)
                .execute(&mut admin)
                .await
                .unwrap();
                DatabaseAway::Postgres {
                    admin,
                    name: name.clone(),
                }
            }
            None => {
                let mut lock = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
                sqlx::query("BEGIN EXCLUSIVE")
                    .execute(&mut lock)
                    .await
                    .unwrap();
                DatabaseAway::Sqlite(lock)
            }
        }
    }

    async fn come_back(self) {
        match self {
            DatabaseAway::Postgres { mut admin, name } => {
                sqlx::query(&format!(
                    "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"
                ))
                .execute(&mut admin)
                .await
                .unwrap();
            }
            DatabaseAway::Sqlite(mut lock) => {
                sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
            }
        }
    }
}

async fn the_database_going_away_mid_sync_loses_nothing(db: Db) {
    // One order slice of two pages (100 a page), so that a backfill can stop between pages.
    // A short lease: the interrupted run cannot release its lease while the database is away.
    let extra = [
        ("SYNC_SCHEDULER", "off"),
        ("SYNC_BACKFILL_SLICES", "1"),
        ("SYNC_LEASE_SECS", "3"),
    ];
    let (app, row) = connected(db, &extra, "seller-boutique").await;
    begin_backfill_again(&app, &row.id).await;
    let sandbox = app.state.sandbox.clone().unwrap();
    sandbox.set_switches(Switches {
        hold_order_pages: Some(1),
        ..Default::default()
    });
    let engine = app.state.sync.clone();
    let id = row.id.clone();
    let run = tokio::spawn(async move { engine.sync_connection(&id, Selection::All).await });
    // The slice waits on its second page: the first page answered is committed.
    eventually(30, "the order slice to be held mid-backfill", || async {
        sandbox.held_calls() == 1
    })
    .await;
    let before = stored_ids(&app, &row.id, "order").await;
    assert_eq!(before.len(), 100, "one page of a hundred was stored");

    let away = DatabaseAway::go(&app).await;
    sandbox.set_switches(Switches::default());
    let interrupted = run.await.unwrap();
    assert!(
        interrupted.is_err() || interrupted.as_ref().is_ok_and(|s| !s.issues.is_empty()),
        "the run could not store its pages: {interrupted:?}"
    );
    away.come_back().await;

    let after = stored_ids(&app, &row.id, "order").await;
    assert!(after.is_superset(&before), "stored orders were lost");
    // The job runs again from its checkpoints and completes.
    let mut done = false;
    for _ in 0..5 {
        if let Ok(summary) = app
            .state
            .sync
            .sync_connection(&row.id, Selection::All)
            .await
        {
            if summary.issues.is_empty() {
                done = true;
                break;
            }
        }
    }
    assert!(done, "a later sync completes");
    assert_exact_and_clear(&app, &row.id, "seller-boutique").await;
}

/// Orders the bench's checkpoints say were fetched, read from outside the process.
async fn bench_fetched(url: &str) -> i64 {
    use sqlx::Connection;
    const SQL: &str = "SELECT CAST(SUM(fetched) AS BIGINT) FROM sync_checkpoints";
    let fetched: Option<i64> = if url.starts_with("postgres") {
        match sqlx::PgConnection::connect(url).await {
            Ok(mut c) => sqlx::query_scalar(SQL)
                .fetch_one(&mut c)
                .await
                .unwrap_or(None),
            Err(_) => None,
        }
    } else {
        match sqlx::SqliteConnection::connect(&format!("{url}?mode=ro")).await {
            Ok(mut c) => sqlx::query_scalar(SQL)
                .fetch_one(&mut c)
                .await
                .unwrap_or(None),
            Err(_) => None,
        }
    };
    fetched.unwrap_or(0)
}

async fn kill_9_during_a_backfill_then_a_restart_resumes_exactly(db: Db) {
    let fresh = crate::helpers::FreshDb::new(db).await;
    let url = fresh.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let bench = {
        let (url, dir) = (url.clone(), dir.path().to_path_buf());
        move || {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_shopscore"));
            cmd.args([
                "bench-sync",
                "--orders",
                "6000",
                "--latency-ms",
                "40",
                "--rate-limit",
                "50",
                "--slices",
                "8",
                "--lease-secs",
                "2",
                "--quiet",
                "--database-url",
                &url,
                "--data-dir",
            ])
            .arg(&dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
            cmd
        }
    };
    let mut first = bench().spawn().unwrap();
    // Kill it once some pages are committed and before it finishes.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while bench_fetched(&url).await < 1000 {
        assert!(
            std::time::Instant::now() < deadline,
            "the backfill never started"
        );
        assert!(
            first.try_wait().unwrap().is_none(),
            "the backfill ended before it could be killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let again = bench.clone();
    let output = tokio::task::spawn_blocking(move || {
        let mut cmd = again();
        cmd.stderr(std::process::Stdio::piped());
        cmd.output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the rerun failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let figure = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .parse()
            .unwrap()
    };
    assert_eq!(figure("orders_stored"), 6000, "{text}");
    assert_eq!(figure("missing"), 0, "{text}");
    // Only pages in flight when it died were fetched again: at most one per slice.
    assert!(figure("duplicates") <= 8 * 100, "{text}");
}

// ---------------------------------------------------------------------------------------------
// Many instances

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_never_sync_a_connection_at_once_and_finish_every_job() {
    let extra = [
        ("SYNC_SCHEDULER", "on"),
        ("SYNC_POLL_MS", "50"),
        ("SYNC_WORKERS", "2"),
    ];
    let a = spawn_app_with(Db::Postgres, &extra).await;
    let b = spawn_app_beside(&a, &extra).await;
    assert_ne!(a.state.sync.owner(), b.state.sync.owner());
    // One shop backs one wallet: six wallets, six shops.
    const PERSONAS: [&str; 6] = [
        "seller-boutique",
        "empty-shop",
        "steady-seller",
        "analytics-gap",
        "gamed-penny-orders",
        "gamed-open-returns",
    ];
    let mut ids = Vec::new();
    for (seed, persona) in (1..=6u8).zip(PERSONAS) {
        let wallet = TestWallet::new(seed);
        let app = TestApp {
            address: a.address.clone(),
            client: crate::helpers::new_client(),
            state: a.state.clone(),
            db: a.db.beside(),
        };
        app.sign_in(&wallet).await;
        app.connect(&wallet, persona).await;
        ids.push((only_connection(&app, &wallet).await.id, persona));
    }
    let names = shop_jobs();
    let hold = |on: bool| {
        for app in [&a, &b] {
            app.state.sandbox.as_ref().unwrap().set_switches(Switches {
                hold_order_pages: on.then_some(0),
                ..Default::default()
            });
        }
    };
    for round in 0..2 {
        // In the first round every order search is held, so an instance holds at most its
        // two workers' connections and the other instance must take some of the six.
        hold(round == 0);
        for (id, _) in &ids {
            a.state
                .db
                .request_sync(id, &names, now_unix())
                .await
                .unwrap();
        }
        a.state.sync.wake();
        b.state.sync.wake();
        if round == 0 {
            eventually(60, "both instances to be syncing at once", || async {
                let mut busy = BTreeSet::new();
                for (id, _) in &ids {
                    for (run, _, end) in a.state.db.list_runs(id).await.unwrap() {
                        if end.is_none() {
                            // `instance:run`: the instance part.
                            busy.insert(run.split(':').next().unwrap_or_default().to_string());
                        }
                    }
                }
                busy.len() == 2
            })
            .await;
            hold(false);
        }
        eventually(60, "every job to finish", || async {
            let mut all = true;
            for (id, _) in &ids {
                let jobs = a.state.db.list_jobs(id).await.unwrap();
                let runs = a.state.db.list_runs(id).await.unwrap();
                all &= jobs.iter().all(|j| j.next_run_at > now_unix())
                    && runs.len() >= 2 + round
                    && runs.iter().all(|r| r.2.is_some());
            }
            all
        })
        .await;
    }
    let mut owners = BTreeSet::new();
    for (id, persona) in &ids {
        let runs = a.state.db.list_runs(id).await.unwrap();
        for pair in runs.windows(2) {
            let (_, _, end) = &pair[0];
            let (_, start, _) = &pair[1];
            assert!(end.unwrap() <= *start, "runs of {id} overlapped: {runs:?}");
        }
        owners.extend(
            runs.into_iter()
                .map(|r| r.0.split(':').next().unwrap_or_default().to_string()),
        );
        assert_exact_and_clear(&a, id, persona).await;
    }
    assert!(owners.len() >= 2, "both instances took part: {owners:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_on_postgres_never_hand_out_one_connection_twice() {
    let a = spawn_app_with(Db::Postgres, NO_SCHEDULER).await;
    let mut ids = Vec::new();
    for (seed, persona) in (1..=3u8).zip(["empty-shop", "seller-boutique", "steady-seller"]) {
        let wallet = TestWallet::new(seed);
        let app = TestApp {
            address: a.address.clone(),
            client: crate::helpers::new_client(),
            state: a.state.clone(),
            db: a.db.beside(),
        };
        app.sign_in(&wallet).await;
        app.connect(&wallet, persona).await;
        ids.push(only_connection(&app, &wallet).await.id);
    }
    let names = shop_jobs();
    let now = now_unix();
    for id in &ids {
        a.state.db.request_sync(id, &names, now).await.unwrap();
    }
    let claims = futures::future::join_all((0..12).map(|k| {
        let db = a.state.db.clone();
        async move {
            db.claim_due(&format!("owner-{k}:run"), now, now + 60)
                .await
                .unwrap()
        }
    }))
    .await;
    let won: Vec<String> = claims
        .into_iter()
        .flatten()
        .map(|l| l.connection_id)
        .collect();
    let distinct: BTreeSet<&String> = won.iter().collect();
    assert_eq!(
        won.len(),
        distinct.len(),
        "a connection was claimed twice: {won:?}"
    );
    assert_eq!(
        distinct.len(),
        ids.len(),
        "every due connection was claimed"
    );
}

on_both_databases!(
    a_token_within_the_margin_is_refreshed_before_a_sync_and_the_rotated_refresh_token_stored,
    a_refresh_refused_for_good_marks_the_connection_needs_reconnect,
    the_first_sync_stores_the_exact_set_and_leaves_every_job_scheduled,
    the_scheduler_runs_due_jobs_incrementally_without_duplicating_anything,
    a_malformed_page_in_the_middle_of_a_backfill_is_fetched_again,
    tiktok_answering_5xx_for_minutes_leaves_a_clear_issue_then_recovers_exactly,
    a_429_storm_mid_backfill_is_waited_out,
    the_database_going_away_mid_sync_loses_nothing,
    kill_9_during_a_backfill_then_a_restart_resumes_exactly,
    a_run_failing_on_the_database_waits_and_lets_other_connections_sync,
    the_shops_of_one_grant_share_each_refresh_and_stay_connected,
);
