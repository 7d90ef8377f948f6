//! Sign-In with Ethereum: the happy path and every way a sign-in must fail.

use crate::helpers::{new_client, spawn_app, Db};
use crate::on_both_databases;
use crate::signer::{now_rfc3339, siwe_message, TestWallet};

async fn signing_in_binds_the_wallet_to_a_new_session(db: Db) {
    let app = spawn_app(db).await;
    let wallet = TestWallet::new(1);
    assert_eq!(
        wallet.address(),
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    );
    let nonce = app.nonce().await;
    let before = app
        .client
        .get(app.url("/api/wallet/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        before.json::<serde_json::Value>().await.unwrap(),
        serde_json::Value::Null
    );
    let message = siwe_message(
        &app.domain(),
        &app.address,
        &wallet.address(),
        &nonce,
        &now_rfc3339(),
        1,
    );
    let res = app.verify(&message, &wallet.sign(&message)).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["address"], wallet.address());
    let me: serde_json::Value = app.get("/api/wallet/me").await.json().await.unwrap();
    assert_eq!(me["address"], wallet.address());
    let events = app.state.db.recent_events(1).await.unwrap();
    assert_eq!(events[0].kind, "wallet_sign_in");
}

async fn a_replayed_sign_in_message_is_rejected(db: Db) {
    let app = spawn_app(db).await;
    let wallet = TestWallet::new(1);
    let nonce = app.nonce().await;
    let message = siwe_message(
        &app.domain(),
        &app.address,
        &wallet.address(),
        &nonce,
        &now_rfc3339(),
        1,
    );
    let signature = wallet.sign(&message);
    assert_eq!(app.verify(&message, &signature).await.status(), 200);
    let again = app.verify(&message, &signature).await;
    assert_eq!(again.status(), 400);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("not issued to this browser"));
}

on_both_databases!(
    signing_in_binds_the_wallet_to_a_new_session,
    a_replayed_sign_in_message_is_rejected
);

async fn expect_rejected(
    app: &crate::helpers::TestApp,
    message: &str,
    signature: &str,
    needle: &str,
) {
    let res = app.verify(message, signature).await;
    assert_eq!(res.status(), 400);
    let text = res.text().await.unwrap();
    assert!(text.contains(needle), "expected {needle:?} in {text}");
    assert_eq!(
        app.get("/api/connections").await.status(),
        401,
        "nothing signed in"
    );
}

#[tokio::test]
async fn a_message_for_another_domain_is_rejected() {
    let app = spawn_app(Db::Sqlite).await;
    let wallet = TestWallet::new(1);
    let nonce = app.nonce().await;
    let message = siwe_message(
        "evil.example",
        "https://evil.example",
        &wallet.address(),
        &nonce,
        &now_rfc3339(),
        1,
    );
    expect_rejected(
        &app,
        &message,
        &wallet.sign(&message),
        "made for evil.example",
    )
    .await;
}

#[tokio::test]
async fn an_old_message_is_rejected_as_expired() {
    let app = spawn_app(Db::Sqlite).await;
    let wallet = TestWallet::new(1);
    let nonce = app.nonce().await;
    let message = siwe_message(
        &app.domain(),
        &app.address,
        &wallet.address(),
        &nonce,
        "2020-01-01T00:00:00Z",
        1,
    );
    expect_rejected(&app, &message, &wallet.sign(&message), "expired").await;
}

#[tokio::test]
async fn a_signature_by_another_address_is_rejected() {
    let app = spawn_app(Db::Sqlite).await;
    let (claimed, signer) = (TestWallet::new(1), TestWallet::new(7));
    let nonce = app.nonce().await;
    let message = siwe_message(
        &app.domain(),
        &app.address,
        &claimed.address(),
        &nonce,
        &now_rfc3339(),
        1,
    );
    expect_rejected(&app, &message, &signer.sign(&message), "not made by").await;
}

#[tokio::test]
async fn a_nonce_issued_to_another_browser_is_rejected() {
    let app = spawn_app(Db::Sqlite).await;
    let wallet = TestWallet::new(1);
    let nonce = app.nonce().await;
    // Same server, a different browser (no cookies): the nonce is not theirs.
    let other = crate::helpers::TestApp {
        client: new_client(),
        ..app
    };
    let message = siwe_message(
        &other.domain(),
        &other.address,
        &wallet.address(),
        &nonce,
        &now_rfc3339(),
        1,
    );
    expect_rejected(
        &other,
        &message,
        &wallet.sign(&message),
        "not issued to this browser",
    )
    .await;
}

#[tokio::test]
async fn another_chain_is_rejected() {
    let app = spawn_app(Db::Sqlite).await;
    let wallet = TestWallet::new(1);
    let nonce = app.nonce().await;
    let message = siwe_message(
        &app.domain(),
        &app.address,
        &wallet.address(),
        &nonce,
        &now_rfc3339(),
        5,
    );
    expect_rejected(&app, &message, &wallet.sign(&message), "chain 5").await;
}

#[tokio::test]
async fn malformed_messages_and_signatures_get_400() {
    let app = spawn_app(Db::Sqlite).await;
    let wallet = TestWallet::new(1);
    expect_rejected(&app, "hello", "0x00", "not a valid EIP-4361 message").await;
    let nonce = app.nonce().await;
    let message = siwe_message(
        &app.domain(),
        &app.address,
        &wallet.address(),
        &nonce,
        &now_rfc3339(),
        1,
    );
    expect_rejected(&app, &message, "0x1234", "65 bytes").await;
    let res = app
        .client
        .post(app.url("/api/wallet/verify"))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = spawn_app(Db::Sqlite).await;
    app.sign_in(&TestWallet::new(1)).await;
    assert_eq!(app.get("/api/connections").await.status(), 200);
    let res = app
        .client
        .post(app.url("/api/wallet/logout"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/api/connections").await.status(), 401);
}
