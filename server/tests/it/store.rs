//! The store's guarantees that the flows rely on, on both databases.

use server::db::{now_unix, SealedToken};

use crate::helpers::{spawn_app, Db};
use crate::on_both_databases;
use crate::signer::TestWallet;

async fn expired_nonces_states_and_old_webhook_ids_are_purged(db: Db) {
    let app = spawn_app(db).await;
    let store = &app.state.db;
    let now = now_unix();
    store
        .create_wallet_nonce("old-nonce", "s", now - 700, now - 100)
        .await
        .unwrap();
    store
        .create_wallet_nonce("live-nonce", "s", now, now + 600)
        .await
        .unwrap();
    store
        .create_oauth_state("old-state", "s", "0xabc", now - 700, now - 100)
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
    let gone = store.purge_expired(now, now - 600).await.unwrap();
    assert_eq!(gone, 3);
    assert_eq!(
        store
            .redeem_wallet_nonce("live-nonce", "s", now)
            .await
            .unwrap(),
        server::db::Redeemed::Fresh(())
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

async fn a_refresh_cannot_overwrite_tokens_that_changed_meanwhile(db: Db) {
    let app = spawn_app(db).await;
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
    let stale = SealedToken {
        key_id: "x".into(),
        blob: vec![1, 2, 3],
    };
    let fresh = SealedToken {
        key_id: "y".into(),
        blob: vec![4, 5, 6],
    };
    let saved = app
        .state
        .db
        .save_tokens(&row.id, &stale, &fresh, 1, &fresh, 2)
        .await
        .unwrap();
    assert!(
        !saved,
        "the stored refresh token is not the one this refresh started from"
    );
    let current = row.refresh_token.clone().unwrap();
    let saved = app
        .state
        .db
        .save_tokens(&row.id, &current, &fresh, 1, &fresh, 2)
        .await
        .unwrap();
    assert!(saved);
    app.state
        .db
        .set_connection_status(&row.id, "revoked", true)
        .await
        .unwrap();
    let saved = app
        .state
        .db
        .save_tokens(&row.id, &fresh, &current, 1, &current, 2)
        .await
        .unwrap();
    assert!(!saved, "a revoked connection gets no tokens back");
    let after = app
        .state
        .db
        .list_connections(&wallet.address())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(after.status, "revoked");
    assert!(after.access_token.is_none() && after.refresh_token.is_none());
}

on_both_databases!(
    expired_nonces_states_and_old_webhook_ids_are_purged,
    a_refresh_cannot_overwrite_tokens_that_changed_meanwhile,
);
