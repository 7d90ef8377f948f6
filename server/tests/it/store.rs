//! The store's guarantees that the flows rely on, on both databases: one transaction per
//! connect, one wallet per shop, conditional status changes, leases fenced per run, refreshes
//! that only land over the version they read, key rotation, and the purge.

use std::sync::Arc;

use server::config::{DatabaseUrl, EncryptionKey};
use server::db::{
    Checkpoint, ConnectionStatus, Database, DbError, FirstRun, GrantUser, JobOutcome, Market,
    NewConnection, NewGrant, PendingGrant, PendingGrantInfo, Redeemed, SealedToken, SealedTokens,
    StateBinding,
};
use server::tiktok::{AccessToken, RefreshToken};
use server::vault::{TokenKind, TokenVault};
use shopscore::money::{Currency, Money};
use shopscore::records::{Order, OrderStatus, Record, SourceInfo, SourceKind};

use crate::helpers::{Db, FreshDb};
use crate::on_both_databases;

const NOW: i64 = 1_760_000_000;
const WALLET_A: &str = "0x00000000000000000000000000000000000000aa";
const WALLET_B: &str = "0x00000000000000000000000000000000000000bb";

pub async fn fresh_store(kind: Db) -> (Arc<dyn Database>, FreshDb) {
    let fresh = FreshDb::new(kind).await;
    let db = server::db::connect(&DatabaseUrl::parse(&fresh.url).unwrap())
        .await
        .unwrap();
    db.migrate().await.unwrap();
    (db, fresh)
}

fn vault() -> TokenVault {
    TokenVault::new(&EncryptionKey::generate(), &EncryptionKey::generate())
}

fn grant(wallet: &str, open_id: &str) -> NewGrant {
    NewGrant {
        wallet: wallet.into(),
        open_id: open_id.into(),
        user: GrantUser::Seller,
        market: Market::Global,
        scopes: vec!["seller.order.info".into()],
    }
}

fn shop(id: &str) -> NewConnection {
    NewConnection {
        account: SourceKind::Shop,
        platform_account_id: id.into(),
        name: format!("Shop {id}"),
        shop_cipher: Some(format!("ROW_{id}")),
        region: "US".into(),
        currency: Currency::USD,
        source: SourceInfo::new(id, SourceKind::Shop, Currency::USD),
    }
}

fn slice(resource: &str, k: i64) -> Checkpoint {
    Checkpoint {
        connection_id: String::new(),
        resource: resource.into(),
        slice: k,
        incremental: false,
        window_from: NOW - 90 * 86_400 + k * 86_400,
        window_until: NOW - 90 * 86_400 + (k + 1) * 86_400,
        page_token: None,
        done: false,
        fetched: 0,
        total: 0,
        failures: 0,
    }
}

fn first_runs() -> Vec<(SourceKind, Vec<FirstRun>)> {
    vec![(
        SourceKind::Shop,
        vec![
            FirstRun {
                resource: "orders".into(),
                slices: vec![slice("orders", 0), slice("orders", 1)],
            },
            FirstRun {
                resource: "statements".into(),
                slices: vec![slice("statements", 0)],
            },
        ],
    )]
}

/// Connects `shops` for `wallet` through one grant, tokens sealed by `vault` for the id the
/// store gives; returns the connection ids.
async fn connect(
    db: &dyn Database,
    vault: &TokenVault,
    wallet: &str,
    open_id: &str,
    shops: &[&str],
    now: i64,
) -> Result<Vec<String>, DbError> {
    let access = AccessToken::new(format!("access-{open_id}-{now}"));
    let refresh = RefreshToken::new(format!("refresh-{open_id}-{now}"));
    let seal = |id: &str| {
        vault
            .seal_pair(id, &access, now + 3600, &refresh, now + 86_400)
            .map_err(|e| e.to_string())
    };
    let accounts: Vec<NewConnection> = shops.iter().map(|s| shop(s)).collect();
    db.connect(
        &grant(wallet, open_id),
        &seal,
        &accounts,
        &first_runs(),
        now,
    )
    .await
    .map(|c| c.connection_ids)
}

fn order(source: &str, id: &str, total_minor: i64) -> Record {
    Record::Order(Order {
        source: source.into(),
        id: id.into(),
        status: OrderStatus::Completed,
        create_time: NOW - 10 * 86_400,
        update_time: None,
        paid_time: Some(NOW - 10 * 86_400),
        delivery_time: Some(NOW - 7 * 86_400),
        rts_time: None,
        rts_sla_time: None,
        total: Money::new(total_minor, Currency::USD),
        is_sample: false,
        is_replacement: false,
        items: Vec::new(),
    })
}

async fn a_connect_writes_the_grant_its_connections_jobs_and_checkpoints_at_once(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    let ids = connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1", "s2"], NOW)
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        let jobs = db.list_jobs(id).await.unwrap();
        assert_eq!(
            jobs.iter().map(|j| j.resource.as_str()).collect::<Vec<_>>(),
            ["orders", "statements"],
            "born with its jobs"
        );
        assert!(jobs
            .iter()
            .all(|j| j.next_run_at == NOW && j.watermark.is_none()));
        assert_eq!(db.load_checkpoints(id, "orders").await.unwrap().len(), 2);
        let c = db.load_connection(id).await.unwrap().unwrap();
        assert_eq!(c.status, ConnectionStatus::Active);
        assert_eq!(c.next_sync_at, Some(NOW));
    }
    // Sealed with the id the upsert returned: the grant's own id opens them.
    let c = db.load_connection(&ids[0]).await.unwrap().unwrap();
    let g = db.load_grant(&c.grant_id).await.unwrap().unwrap();
    let tokens = g.tokens.expect("tokens");
    let access: AccessToken = vault
        .open(&g.id, TokenKind::Access, &tokens.access)
        .unwrap();
    assert_eq!(access.expose(), format!("access-open-1-{NOW}"));
    assert!(vault
        .open::<()>("another-id", TokenKind::Access, &tokens.access)
        .is_err());
    // Both shops share the grant.
    let other = db.load_connection(&ids[1]).await.unwrap().unwrap();
    assert_eq!(other.grant_id, g.id);
}

async fn a_shop_active_on_one_wallet_cannot_back_another(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    let first = connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1"], NOW)
        .await
        .unwrap();
    let refused = connect(
        db.as_ref(),
        &vault,
        WALLET_B,
        "open-1",
        &["s9", "s1"],
        NOW + 1,
    )
    .await;
    assert!(
        matches!(&refused, Err(DbError::AlreadyLinked(shop)) if shop == "s1"),
        "{refused:?}"
    );
    assert!(
        db.list_connections(WALLET_B).await.unwrap().is_empty(),
        "nothing of the refused connect was written, not even the other shop"
    );
    // A connection needing a reconnect still counts for its wallet: still refused.
    let c = db.load_connection(&first[0]).await.unwrap().unwrap();
    assert!(db
        .set_status(
            &c.id,
            c.generation,
            ConnectionStatus::Active,
            ConnectionStatus::NeedsReconnect
        )
        .await
        .unwrap());
    assert!(matches!(
        connect(db.as_ref(), &vault, WALLET_B, "open-1", &["s1"], NOW + 2).await,
        Err(DbError::AlreadyLinked(_))
    ));
    // Once disconnected on the first wallet, it can move.
    assert!(db.revoke_connection(&first[0], NOW + 3).await.unwrap());
    let moved = connect(db.as_ref(), &vault, WALLET_B, "open-1", &["s1"], NOW + 4)
        .await
        .unwrap();
    assert_eq!(moved.len(), 1);
}

async fn status_changes_compare_the_generation_and_a_revocation_sticks(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    let id = connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1"], NOW)
        .await
        .unwrap()
        .remove(0);
    let old = db.load_connection(&id).await.unwrap().unwrap();
    // A reconnect bumps the generation: an old run's verdict no longer lands.
    connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1"], NOW + 10)
        .await
        .unwrap();
    let fresh = db.load_connection(&id).await.unwrap().unwrap();
    assert_eq!(fresh.id, old.id, "a reconnect keeps the connection");
    assert!(fresh.generation > old.generation);
    assert!(!db
        .set_status(
            &id,
            old.generation,
            ConnectionStatus::Active,
            ConnectionStatus::NeedsReconnect
        )
        .await
        .unwrap());
    assert_eq!(
        db.load_connection(&id).await.unwrap().unwrap().status,
        ConnectionStatus::Active
    );
    // A revocation is never undone by a status change.
    assert!(db.revoke_connection(&id, NOW + 20).await.unwrap());
    let revoked = db.load_connection(&id).await.unwrap().unwrap();
    assert_eq!(revoked.status, ConnectionStatus::Revoked);
    for from in [ConnectionStatus::Active, ConnectionStatus::NeedsReconnect] {
        assert!(!db
            .set_status(&id, revoked.generation, from, ConnectionStatus::Active)
            .await
            .unwrap());
    }
    assert_eq!(
        db.load_connection(&id).await.unwrap().unwrap().status,
        ConnectionStatus::Revoked
    );
    let g = db.load_grant(&revoked.grant_id).await.unwrap().unwrap();
    assert!(
        g.tokens.is_none(),
        "the last live connection took the tokens with it"
    );
}

async fn a_lease_fences_every_write_of_its_run(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    let id = connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1"], NOW)
        .await
        .unwrap()
        .remove(0);
    let run_a = db
        .claim_due("instance-1:a", NOW, NOW + 60)
        .await
        .unwrap()
        .expect("the new connection is due");
    assert_eq!(run_a.connection_id, id);
    assert!(
        db.lease(&id, "instance-1:b", NOW, NOW + 60)
            .await
            .unwrap()
            .is_none(),
        "a second run of the same instance does not get the lease"
    );
    let mut cp = db.load_checkpoints(&id, "orders").await.unwrap().remove(0);
    cp.page_token = Some("p2".into());
    let stored = db
        .store_page(&run_a, &cp, &[order("s1", "o1", 1000)], 5, NOW)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    // A reconnect ends the run's lease: none of its writes lands any more.
    connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1"], NOW + 5)
        .await
        .unwrap();
    cp.page_token = Some("p3".into());
    assert!(matches!(
        db.store_page(&run_a, &cp, &[order("s1", "o2", 1000)], 0, NOW + 6)
            .await,
        Err(DbError::LeaseLost(_))
    ));
    let outcome = JobOutcome {
        next_run_at: NOW + 86_400,
        watermark: Some(NOW),
        issue: None,
        now: NOW + 6,
    };
    assert!(matches!(
        db.finish_job(&run_a, "orders", &outcome).await,
        Err(DbError::LeaseLost(_))
    ));
    assert!(!db.renew(&run_a, NOW + 120).await.unwrap());
    let checkpoints = db.load_checkpoints(&id, "orders").await.unwrap();
    assert!(
        checkpoints
            .iter()
            .all(|c| c.page_token.is_none() && c.fetched == 0),
        "the reconnect started a clean backfill: {checkpoints:?}"
    );
    // The new run leases it; the old run's release cannot free the new run's lease.
    let run_b = db
        .lease(&id, "instance-2:c", NOW + 7, NOW + 67)
        .await
        .unwrap()
        .expect("free after the reconnect");
    db.release(&run_a).await.unwrap();
    assert!(db.load_connection(&id).await.unwrap().unwrap().sync.running);
    assert!(db.renew(&run_b, NOW + 100).await.unwrap());
    db.finish_job(&run_b, "orders", &outcome).await.unwrap();
    let jobs = db.list_jobs(&id).await.unwrap();
    let orders = jobs.iter().find(|j| j.resource == "orders").unwrap();
    assert_eq!(orders.watermark, Some(NOW));
    assert!(db.load_checkpoints(&id, "orders").await.unwrap().is_empty());
    db.release(&run_b).await.unwrap();
    assert!(!db.load_connection(&id).await.unwrap().unwrap().sync.running);
}

async fn two_claims_take_two_different_connections(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1", "s2"], NOW)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        db.claim_due("i1:a", NOW, NOW + 60),
        db.claim_due("i2:b", NOW, NOW + 60)
    );
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    assert_ne!(a.connection_id, b.connection_id);
    assert!(db.claim_due("i3:c", NOW, NOW + 60).await.unwrap().is_none());
    // An expired lease can be claimed again.
    assert!(db
        .claim_due("i3:c", NOW + 61, NOW + 120)
        .await
        .unwrap()
        .is_some());
}

async fn a_webhook_request_keeps_a_failing_jobs_backoff(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    let id = connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1"], NOW)
        .await
        .unwrap()
        .remove(0);
    let run = db.lease(&id, "i:a", NOW, NOW + 60).await.unwrap().unwrap();
    let failed = JobOutcome {
        next_run_at: NOW + 600,
        watermark: None,
        issue: Some(app::api::FetchIssue {
            resource: "orders".into(),
            code: "tiktok_unavailable".into(),
            message: "down".into(),
        }),
        now: NOW,
    };
    db.finish_job(&run, "orders", &failed).await.unwrap();
    let done = JobOutcome {
        next_run_at: NOW + 86_400,
        watermark: Some(NOW),
        issue: None,
        now: NOW,
    };
    db.finish_job(&run, "statements", &done).await.unwrap();
    db.release(&run).await.unwrap();
    db.request_sync(&id, &["orders", "statements"], NOW + 1)
        .await
        .unwrap();
    let jobs = db.list_jobs(&id).await.unwrap();
    let by = |r: &str| jobs.iter().find(|j| j.resource == r).unwrap().clone();
    assert_eq!(
        by("orders").next_run_at,
        NOW + 600,
        "the failing job keeps its wait"
    );
    assert_eq!(by("orders").attempts, 1);
    assert_eq!(
        by("statements").next_run_at,
        NOW + 1,
        "a healthy job runs now"
    );
}

async fn a_refresh_lands_only_over_the_version_it_read(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    let id = connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1"], NOW)
        .await
        .unwrap()
        .remove(0);
    let grant_id = db.load_connection(&id).await.unwrap().unwrap().grant_id;
    let g = db.load_grant(&grant_id).await.unwrap().unwrap();
    let fresh = |n: u8| SealedTokens {
        access: SealedToken {
            key_id: "k".into(),
            blob: vec![n; 40],
        },
        access_expires_at: NOW + 7200,
        refresh: SealedToken {
            key_id: "k".into(),
            blob: vec![n + 1; 40],
        },
        refresh_expires_at: NOW + 86_400,
    };
    assert!(db
        .store_refreshed(&grant_id, g.token_version, &fresh(1))
        .await
        .unwrap());
    assert!(
        !db.store_refreshed(&grant_id, g.token_version, &fresh(3))
            .await
            .unwrap(),
        "a sibling that read the same version loses: its tokens never overwrite the rotated ones"
    );
    let now = db.load_grant(&grant_id).await.unwrap().unwrap();
    assert_eq!(now.tokens.unwrap().access.blob, vec![1; 40]);
    // The refresh lock: one holder at a time, until it lapses.
    assert!(db
        .lock_refresh(&grant_id, "run-1", NOW, NOW + 60)
        .await
        .unwrap());
    assert!(!db
        .lock_refresh(&grant_id, "run-2", NOW + 1, NOW + 61)
        .await
        .unwrap());
    assert!(db
        .lock_refresh(&grant_id, "run-2", NOW + 61, NOW + 121)
        .await
        .unwrap());
    db.unlock_refresh(&grant_id, "run-1").await.unwrap();
    assert!(
        !db.lock_refresh(&grant_id, "run-3", NOW + 62, NOW + 122)
            .await
            .unwrap(),
        "an old holder's unlock does not free the new holder's lock"
    );
    // Revoked: no tokens come back.
    let wallets = db.revoke_grant(&grant_id, NOW + 200).await.unwrap();
    assert_eq!(wallets, vec![WALLET_A.to_string()]);
    let v = db
        .load_grant(&grant_id)
        .await
        .unwrap()
        .unwrap()
        .token_version;
    assert!(!db.store_refreshed(&grant_id, v, &fresh(5)).await.unwrap());
    assert!(db
        .load_grant(&grant_id)
        .await
        .unwrap()
        .unwrap()
        .tokens
        .is_none());
}

async fn rotating_keys_reseals_every_grant_and_old_keys_still_open_until_then(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let (old_access, old_refresh) = (EncryptionKey::generate(), EncryptionKey::generate());
    let old = TokenVault::new(&old_access, &old_refresh);
    let first = connect(db.as_ref(), &old, WALLET_A, "open-1", &["s1"], NOW)
        .await
        .unwrap();
    // The keys rotate in the middle of the stored data: a grant sealed after the rotation
    // uses the new keys already.
    let (new_access, new_refresh) = (EncryptionKey::generate(), EncryptionKey::generate());
    let ring = TokenVault::with_earlier(
        &new_access,
        std::slice::from_ref(&old_access),
        &new_refresh,
        std::slice::from_ref(&old_refresh),
    );
    connect(db.as_ref(), &ring, WALLET_B, "open-2", &["s2"], NOW)
        .await
        .unwrap();
    let rotation = server::vault::rotate_keys(db.as_ref(), &ring)
        .await
        .unwrap();
    assert_eq!(
        (rotation.resealed, rotation.current, rotation.failed),
        (1, 1, 0),
        "{rotation}"
    );
    // Every token opens with the new keys alone now.
    let only_new = TokenVault::new(&new_access, &new_refresh);
    for wallet in [WALLET_A, WALLET_B] {
        let c = db.list_connections(wallet).await.unwrap().remove(0);
        let g = db.load_grant(&c.grant_id).await.unwrap().unwrap();
        let t = g.tokens.unwrap();
        let access: AccessToken = only_new.open(&g.id, TokenKind::Access, &t.access).unwrap();
        let refresh: RefreshToken = only_new
            .open(&g.id, TokenKind::Refresh, &t.refresh)
            .unwrap();
        assert!(access.expose().starts_with("access-") && refresh.expose().starts_with("refresh-"));
    }
    let again = server::vault::rotate_keys(db.as_ref(), &ring)
        .await
        .unwrap();
    assert_eq!((again.resealed, again.current), (0, 2));
    // Without the old key, a grant sealed with it is reported, not lost silently.
    let g = db
        .load_grant(
            &db.load_connection(&first[0])
                .await
                .unwrap()
                .unwrap()
                .grant_id,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(old
        .open::<()>(&g.id, TokenKind::Access, &g.tokens.unwrap().access)
        .is_err());
}

async fn expired_single_use_values_and_old_webhook_ids_are_purged(db: Db) {
    let (store, _fresh) = fresh_store(db).await;
    let now = NOW;
    store
        .create_wallet_nonce("old-nonce", "s", now - 700, now - 100, 5)
        .await
        .unwrap();
    store
        .create_wallet_nonce("live-nonce", "s", now, now + 600, 5)
        .await
        .unwrap();
    let binding = StateBinding {
        session_id: "s".into(),
        wallet: WALLET_A.into(),
        market: "global".into(),
        account: "seller".into(),
    };
    store
        .create_oauth_state("old-state", &binding, now - 700, now - 100)
        .await
        .unwrap();
    store
        .record_webhook("old-delivery", "shop", 1, now - 10_000)
        .await
        .unwrap();
    store
        .record_webhook("new-delivery", "shop", 1, now)
        .await
        .unwrap();
    let gone = store.purge_single_use(now).await.unwrap();
    assert_eq!(gone, 2);
    assert_eq!(store.purge_webhooks(now - 600).await.unwrap(), 1);
    assert_eq!(
        store
            .redeem_wallet_nonce("live-nonce", "s", now)
            .await
            .unwrap(),
        Redeemed::Fresh(())
    );
    assert!(
        store
            .record_webhook("old-delivery", "shop", 1, now)
            .await
            .unwrap(),
        "its id was forgotten"
    );
    assert!(
        !store
            .record_webhook("new-delivery", "shop", 1, now)
            .await
            .unwrap(),
        "still a duplicate"
    );
}

async fn a_session_holds_at_most_a_few_live_nonces(db: Db) {
    let (store, _fresh) = fresh_store(db).await;
    for n in 0..20 {
        store
            .create_wallet_nonce(&format!("n{n}"), "s", NOW + n, NOW + 600, 5)
            .await
            .unwrap();
    }
    let mut fresh = 0;
    for n in 0..20 {
        if store
            .redeem_wallet_nonce(&format!("n{n}"), "s", NOW + 30)
            .await
            .unwrap()
            == Redeemed::Fresh(())
        {
            fresh += 1;
            assert!(n >= 15, "only the newest five survive, not n{n}");
        }
    }
    assert_eq!(fresh, 5);
}

async fn a_held_install_is_claimed_once_and_only_by_its_browser(db: Db) {
    let (store, _fresh) = fresh_store(db).await;
    let held = PendingGrant {
        id: "held-1".into(),
        session_id: "browser-1".into(),
        info: PendingGrantInfo {
            open_id: "open-1".into(),
            user: "seller".into(),
            seller_name: "Maple".into(),
            region: "US".into(),
            scopes: vec![],
        },
        tokens: SealedTokens {
            access: SealedToken {
                key_id: "k".into(),
                blob: vec![1; 40],
            },
            access_expires_at: NOW + 3600,
            refresh: SealedToken {
                key_id: "k".into(),
                blob: vec![2; 40],
            },
            refresh_expires_at: NOW + 86_400,
        },
        expires_at: NOW + 600,
    };
    store.hold_grant(&held, NOW).await.unwrap();
    assert!(store.held_grant("browser-2", NOW).await.unwrap().is_none());
    assert!(matches!(
        store.claim_grant("held-1", "browser-2", NOW).await.unwrap(),
        Redeemed::Unknown
    ));
    let seen = store.held_grant("browser-1", NOW).await.unwrap().unwrap();
    assert_eq!(
        (seen.id.as_str(), seen.seller_name.as_str()),
        ("held-1", "Maple")
    );
    match store
        .claim_grant("held-1", "browser-1", NOW + 1)
        .await
        .unwrap()
    {
        Redeemed::Fresh(p) => assert_eq!(p.tokens, held.tokens),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        store
            .claim_grant("held-1", "browser-1", NOW + 2)
            .await
            .unwrap(),
        Redeemed::Reused
    ));
    assert!(store
        .held_grant("browser-1", NOW + 2)
        .await
        .unwrap()
        .is_none());
    let late = PendingGrant {
        id: "held-2".into(),
        ..held
    };
    store.hold_grant(&late, NOW).await.unwrap();
    assert!(matches!(
        store
            .claim_grant("held-2", "browser-1", NOW + 601)
            .await
            .unwrap(),
        Redeemed::Expired
    ));
}

on_both_databases!(
    a_connect_writes_the_grant_its_connections_jobs_and_checkpoints_at_once,
    a_shop_active_on_one_wallet_cannot_back_another,
    status_changes_compare_the_generation_and_a_revocation_sticks,
    a_lease_fences_every_write_of_its_run,
    two_claims_take_two_different_connections,
    a_webhook_request_keeps_a_failing_jobs_backoff,
    a_refresh_lands_only_over_the_version_it_read,
    rotating_keys_reseals_every_grant_and_old_keys_still_open_until_then,
    expired_single_use_values_and_old_webhook_ids_are_purged,
    a_session_holds_at_most_a_few_live_nonces,
    a_held_install_is_claimed_once_and_only_by_its_browser,
    a_wallets_connections_come_with_their_own_grants_scopes,
);

async fn a_wallets_connections_come_with_their_own_grants_scopes(db: Db) {
    let (db, _fresh) = fresh_store(db).await;
    let vault = vault();
    let first = connect(db.as_ref(), &vault, WALLET_A, "open-1", &["s1", "s2"], NOW)
        .await
        .unwrap();
    let access = AccessToken::new("access-open-2".to_string());
    let refresh = RefreshToken::new("refresh-open-2".to_string());
    let seal = |id: &str| {
        vault
            .seal_pair(id, &access, NOW + 3600, &refresh, NOW + 86_400)
            .map_err(|e| e.to_string())
    };
    let wider = NewGrant {
        scopes: vec!["seller.order.info".into(), "seller.finance.info".into()],
        ..grant(WALLET_A, "open-2")
    };
    let second = db
        .connect(&wider, &seal, &[shop("s3")], &first_runs(), NOW)
        .await
        .unwrap()
        .connection_ids;
    connect(db.as_ref(), &vault, WALLET_B, "open-3", &["s4"], NOW)
        .await
        .unwrap();
    let grant_of = |id: String| {
        let db = db.clone();
        async move { db.load_connection(&id).await.unwrap().unwrap().grant_id }
    };
    let (g1, g2) = (
        grant_of(first[0].clone()).await,
        grant_of(second[0].clone()).await,
    );
    assert_eq!(grant_of(first[1].clone()).await, g1, "one grant, two shops");

    let scopes_of = |wallet: &'static str| {
        let db = db.clone();
        async move {
            db.list_connections_with_scopes(wallet)
                .await
                .unwrap()
                .into_iter()
                .map(|(c, scopes)| (c.id, c.grant_id, scopes))
                .collect::<Vec<_>>()
        }
    };
    let mine = scopes_of(WALLET_A).await;
    assert_eq!(mine.len(), 3, "{mine:?}");
    for (id, grant, scopes) in &mine {
        if *grant == g1 {
            assert!(first.contains(id));
            assert_eq!(scopes, &["seller.order.info"]);
        } else {
            assert_eq!(*grant, g2);
            assert!(second.contains(id));
            assert_eq!(scopes, &["seller.order.info", "seller.finance.info"]);
        }
    }
    assert_eq!(
        mine.iter().map(|(id, _, _)| id.clone()).collect::<Vec<_>>(),
        db.list_connections(WALLET_A)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        "each connection once, in the same order as without the scopes"
    );
    let theirs = scopes_of(WALLET_B).await;
    assert_eq!(theirs.len(), 1, "only the other wallet's own: {theirs:?}");
    assert!(theirs[0].1 != g1 && theirs[0].1 != g2);
    assert!(scopes_of("0x00000000000000000000000000000000000000cc")
        .await
        .is_empty());
}
