//! The connect flow against the mounted sandbox: the seed's figures, each error persona, state
//! abuse, encryption at rest, disconnect and isolation between wallets.

use crate::helpers::{spawn_app, Db, TestApp};
use crate::on_both_databases;
use crate::signer::TestWallet;

async fn signed_in_app(db: Db) -> (TestApp, TestWallet) {
    let app = spawn_app(db).await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    (app, wallet)
}

fn close(actual: &serde_json::Value, expected: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    assert!((actual - expected).abs() < 0.005, "{actual} != {expected}");
}

async fn seller_boutique_connects_with_the_seed_figures(db: Db) {
    let (app, wallet) = signed_in_app(db).await;
    assert_eq!(
        app.connect(&wallet, "seller-boutique").await,
        "/dashboard?tiktokshop_connected=true"
    );
    let connections = app.connections().await;
    let list = connections.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let c = &list[0];
    assert_eq!(c["platform"], "tiktok_shop");
    assert_eq!(c["status"], "active");
    assert_eq!(c["currency"], "USD");
    let revenue = &c["revenueData"];
    close(&revenue["totalRevenue"], 15_000.0);
    close(&revenue["netRevenue"], 14_250.0);
    close(&revenue["monthlyIncome"], 4_750.0);
    close(&revenue["averageOrderValue"], 100.0);
    close(&revenue["returnRate"], 0.05);
    close(&revenue["usd"]["netRevenue"], 14_250.0);
    assert_eq!(revenue["paidOrderCount"], 150);
    let score = app.score().await;
    close(&score["monthlyIncomeUsd"], 4_750.0);
    let value = score["score"].as_f64().unwrap();
    assert!(value > 0.0 && value <= 100.0);
    assert_eq!(score["factors"].as_array().unwrap().len(), 4);
    assert_eq!(score["inputsDigest"].as_str().unwrap().len(), 64);
    assert!(!score["reasons"].as_array().unwrap().is_empty());
}

async fn hybrid_totals_13000_and_4333_33_a_month(db: Db) {
    let (app, wallet) = signed_in_app(db).await;
    assert_eq!(
        app.connect(&wallet, "hybrid").await,
        "/dashboard?tiktokshop_connected=true"
    );
    assert_eq!(
        app.connect_creator(&wallet, "hybrid").await,
        "/dashboard?tiktokshop_connected=true",
        "the creator side authorizes on the creator page"
    );
    let score = app.score().await;
    close(&score["totalIncomeUsd"], 13_000.0);
    close(&score["monthlyIncomeUsd"], 4_333.33);
    assert_eq!(
        score["sources"].as_array().unwrap().len(),
        2,
        "a shop and a creator account"
    );
}

async fn disconnecting_deletes_tokens_and_records_but_keeps_an_audit_row(db: Db) {
    let (app, wallet) = signed_in_app(db).await;
    app.connect(&wallet, "seller-boutique").await;
    let id = app.first_connection_id().await;
    let res = app.delete_connection(&id).await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.connections().await, serde_json::json!([]));
    assert_eq!(app.score().await, serde_json::Value::Null);
    let events = app.state.db.recent_events(5).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.kind == "tiktok_disconnected" && e.detail.contains(&id)));
    let again = app.delete_connection(&id).await;
    assert_eq!(again.status(), 404);
}

on_both_databases!(
    seller_boutique_connects_with_the_seed_figures,
    hybrid_totals_13000_and_4333_33_a_month,
    disconnecting_deletes_tokens_and_records_but_keeps_an_audit_row,
);

#[tokio::test]
async fn creator_fashion_earns_4500_settled_commission() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    assert_eq!(
        app.connect_creator(&wallet, "creator-fashion").await,
        "/dashboard?tiktokshop_connected=true"
    );
    let c = &app.connections().await[0];
    assert_eq!(c["accountKind"], "creator");
    close(&c["revenueData"]["affiliateCommission"], 4_500.0);
    close(&c["revenueData"]["monthlyIncome"], 1_500.0);
}

#[tokio::test]
async fn an_empty_shop_is_accepted_with_zero_income_and_credit_for_existing() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    assert_eq!(
        app.connect(&wallet, "empty-shop").await,
        "/dashboard?tiktokshop_connected=true"
    );
    close(
        &app.connections().await[0]["revenueData"]["totalRevenue"],
        0.0,
    );
    let score = app.score().await;
    close(&score["monthlyIncomeUsd"], 0.0);
    assert!(score["score"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn each_error_persona_redirects_with_its_code_and_stores_nothing() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    assert_eq!(
        app.connect(&wallet, "no-shop").await,
        "/dashboard?tiktokshop_error=no_shop"
    );
    assert_eq!(
        app.connect(&wallet, "restricted-region").await,
        "/dashboard?tiktokshop_error=restricted_region"
    );
    assert_eq!(app.connections().await, serde_json::json!([]));
}

#[tokio::test]
async fn a_missing_finance_scope_connects_and_names_the_permission() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    assert_eq!(
        app.connect(&wallet, "missing-finance-scope").await,
        "/dashboard?tiktokshop_connected=true"
    );
    let c = &app.connections().await[0];
    let issues = c["fetchIssues"].as_array().unwrap();
    assert!(
        issues.iter().any(|i| i["code"] == "missing_permission"
            && i["message"]
                .as_str()
                .unwrap()
                .contains("seller.finance.info")),
        "{issues:?}"
    );
    assert!(
        c["revenueData"]["totalRevenue"].as_f64().unwrap() > 0.0,
        "orders were still fetched"
    );
    assert_ne!(app.score().await["confidence"], "HIGH");
}

#[tokio::test]
async fn denying_consent_says_so() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    let auth_url = app.auth_url(&wallet).await;
    let callback = app.consent(&auth_url, ("action", "deny")).await;
    assert!(
        callback.contains("code=null") && callback.contains("error=access_denied"),
        "{callback}"
    );
    assert_eq!(
        app.callback(&callback).await,
        "/dashboard?tiktokshop_error=consent_denied"
    );
}

#[tokio::test]
async fn a_reused_forged_or_missing_state_is_refused() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    let auth_url = app.auth_url(&wallet).await;
    let callback = app.consent(&auth_url, ("persona", "seller-boutique")).await;
    assert_eq!(
        app.callback(&callback).await,
        "/dashboard?tiktokshop_connected=true"
    );
    assert_eq!(
        app.callback(&callback).await,
        "/dashboard?tiktokshop_error=state_reused"
    );
    let forged = app.url("/api/tiktokshop/callback?code=abc&state=forged-state-value");
    assert_eq!(
        app.callback(&forged).await,
        "/dashboard?tiktokshop_error=state_invalid"
    );
    let missing = app.url("/api/tiktokshop/callback");
    assert_eq!(
        app.callback(&missing).await,
        "/dashboard?tiktokshop_error=state_missing"
    );
}

#[tokio::test]
async fn the_auth_url_is_only_for_the_signed_in_wallet() {
    let app = spawn_app(Db::Sqlite).await;
    let wallet = TestWallet::new(1);
    let res = app
        .get(&format!("/api/tiktokshop/auth?wallet={}", wallet.address()))
        .await;
    assert_eq!(res.status(), 401);
    app.sign_in(&wallet).await;
    let other = TestWallet::new(9);
    let res = app
        .get(&format!("/api/tiktokshop/auth?wallet={}", other.address()))
        .await;
    assert_eq!(res.status(), 403);
    let res = app.get("/api/tiktokshop/auth?wallet=not-an-address").await;
    assert_eq!(res.status(), 400);
    let url = app.auth_url(&wallet).await;
    let state = url.split("state=").nth(1).unwrap();
    assert!(state.len() >= 43, "at least 256 bits of state");
}

#[tokio::test]
async fn tokens_are_encrypted_at_rest() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    app.connect(&wallet, "seller-boutique").await;
    let rows = app
        .state
        .db
        .list_connections(&wallet.address())
        .await
        .unwrap();
    let grant = app
        .state
        .db
        .load_grant(&rows[0].grant_id)
        .await
        .unwrap()
        .expect("the grant");
    let data = app.db._dir.path().join("data");
    let key = |name: &str| {
        let text = std::fs::read_to_string(data.join(name)).unwrap();
        server::config::EncryptionKey::from_hex("TOKEN_ENCRYPTION_KEY", &text).unwrap()
    };
    let vault = server::vault::TokenVault::new(
        &key("token_encryption.key"),
        &key("refresh_token_encryption.key"),
    );
    let access: server::tiktok::AccessToken = vault
        .open(
            &grant.id,
            server::vault::TokenKind::Access,
            &grant.tokens.as_ref().expect("sealed tokens").access,
        )
        .unwrap();
    assert!(access.expose().len() > 16);
    let raw = std::fs::read(app.db.url.trim_start_matches("sqlite://")).unwrap();
    assert!(
        !raw.windows(access.expose().len())
            .any(|w| w == access.expose().as_bytes()),
        "no plaintext token on disk"
    );
    let json = serde_json::to_string(&app.connections().await).unwrap();
    assert!(!json.contains(access.expose()));
}

#[tokio::test]
async fn another_wallet_sees_none_of_the_first_wallets_data() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    app.connect(&wallet, "seller-boutique").await;
    let id = app.first_connection_id().await;
    let other = TestApp {
        client: crate::helpers::new_client(),
        ..app
    };
    other.sign_in(&TestWallet::new(9)).await;
    assert_eq!(other.connections().await, serde_json::json!([]));
    assert_eq!(other.score().await, serde_json::Value::Null);
    let res = other.delete_connection(&id).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn reconnecting_keeps_the_connection_and_refreshes_it() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    app.connect(&wallet, "seller-boutique").await;
    let first = app.connections().await[0]["id"].clone();
    assert_eq!(
        app.connect(&wallet, "seller-boutique").await,
        "/dashboard?tiktokshop_connected=true"
    );
    let list = app.connections().await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], first);
    close(&list[0]["revenueData"]["totalRevenue"], 15_000.0);
}

#[tokio::test]
async fn json_endpoints_answer_401_without_a_wallet() {
    let app = spawn_app(Db::Sqlite).await;
    assert_eq!(app.get("/api/connections").await.status(), 401);
    assert_eq!(app.get("/api/score").await.status(), 401);
    assert_eq!(
        app.client
            .delete(app.url("/api/connections/abc"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

/// Not the mounted sandbox: a separate TikTok-compatible server named by the `TIKTOK_SHOP_*`
/// variables, with real (non-sandbox) credentials configured. The client must work unchanged.
#[tokio::test]
async fn a_siwe_client_connects_through_a_separate_tiktok_compatible_server() {
    use server::sandbox::{SandboxConfig, SandboxLayout};
    use server::tiktok::AppSecret;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (key, secret, service) = (
        "partner-app-key",
        "partner-app-secret",
        "7200000000000000002",
    );
    let callback = url::Url::parse(&format!("{app_url}/api/tiktokshop/callback")).unwrap();
    let tiktok = crate::sandbox::spawn_sandbox_with(
        SandboxConfig::new(key, AppSecret::new(secret), service, callback),
        SandboxLayout::Standalone,
    )
    .await;
    let authorize = format!("{}/open/authorize", tiktok.base);
    let creator_authorize = format!("{}/alliance/creator/auth", tiktok.base);
    let app = crate::helpers::spawn_app_on(
        Db::Sqlite,
        listener,
        &[
            ("APP_ENV", "development"),
            ("TIKTOK_SHOP_APP_KEY", key),
            ("TIKTOK_SHOP_APP_SECRET", secret),
            ("TIKTOK_SHOP_SERVICE_ID", service),
            ("TIKTOK_SHOP_AUTHORIZE_URL", &authorize),
            ("TIKTOK_SHOP_CREATOR_AUTHORIZE_URL", &creator_authorize),
            ("TIKTOK_SHOP_AUTH_BASE", &tiktok.base),
            ("TIKTOK_SHOP_API_BASE", &tiktok.base),
            ("TOKEN_ENCRYPTION_KEY", &"11".repeat(32)),
            ("REFRESH_TOKEN_ENCRYPTION_KEY", &"22".repeat(32)),
        ],
    )
    .await;
    assert!(
        app.state.sandbox.is_none(),
        "no sandbox is mounted with real credentials"
    );
    assert_eq!(app.get("/sandbox/open/authorize").await.status(), 404);
    let html = app.get("/").await.text().await.unwrap();
    assert!(!html.contains("sandbox-banner"));

    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    let auth_url = app.auth_url(&wallet).await;
    assert!(auth_url.starts_with(&authorize), "{auth_url}");
    assert!(auth_url.contains(&format!("service_id={service}")));
    let callback = app.consent(&auth_url, ("persona", "seller-boutique")).await;
    assert!(callback.starts_with(&app_url));
    assert_eq!(
        app.callback(&callback).await,
        "/dashboard?tiktokshop_connected=true"
    );
    let revenue = &app.connections().await[0]["revenueData"];
    close(&revenue["totalRevenue"], 15_000.0);
    close(&revenue["netRevenue"], 14_250.0);
    close(&app.score().await["monthlyIncomeUsd"], 4_750.0);

    // Creators authorize on their own page, named by TIKTOK_SHOP_CREATOR_AUTHORIZE_URL.
    let creator_url = app.auth_url_for(&wallet, "account=creator").await;
    assert!(creator_url.starts_with(&creator_authorize), "{creator_url}");
    assert!(
        creator_url.contains(&format!("app_key={key}")),
        "{creator_url}"
    );
    let callback = app
        .consent(&creator_url, ("persona", "creator-fashion"))
        .await;
    assert_eq!(
        app.callback(&callback).await,
        "/dashboard?tiktokshop_connected=true"
    );
    close(&app.score().await["totalIncomeUsd"], 14_250.0 + 4_500.0);
    let res = app
        .get(&format!(
            "/api/tiktokshop/auth?wallet={}&account=reseller",
            wallet.address()
        ))
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn malformed_parameters_get_a_clear_error() {
    let (app, _wallet) = signed_in_app(Db::Sqlite).await;
    let res = app.get("/api/tiktokshop/auth").await;
    assert_eq!(res.status(), 400, "a missing wallet parameter");
    assert!(res.text().await.unwrap().contains("Malformed request"));
    let res = app
        .client
        .delete(app.url("/api/connections/not-an-id!"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400, "a malformed connection id");
    let long_state = "x".repeat(5_000);
    let url = app.url(&format!(
        "/api/tiktokshop/callback?code=a&state={long_state}"
    ));
    assert_eq!(
        app.callback(&url).await,
        "/dashboard?tiktokshop_error=state_invalid"
    );
    let url = app.url("/api/tiktokshop/callback?code=null&error=access_denied");
    assert_eq!(
        app.callback(&url).await,
        "/dashboard?tiktokshop_error=consent_denied"
    );
    let url = app.url("/api/tiktokshop/callback");
    assert_eq!(
        app.callback(&url).await,
        "/dashboard?tiktokshop_error=state_missing"
    );
}

#[tokio::test]
async fn the_dashboard_shows_a_connection_that_needs_reconnecting() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    app.connect(&wallet, "seller-boutique").await;
    let html = app.get("/dashboard").await.text().await.unwrap();
    assert!(
        html.contains("Last synced 20"),
        "the last sync time is shown"
    );
    assert!(!html.contains("data-testid=\"needs-reconnect\""));
    let id = app.first_connection_id().await;
    let c = app.state.db.load_connection(&id).await.unwrap().unwrap();
    assert!(app
        .state
        .db
        .set_status(
            &id,
            c.generation,
            server::db::ConnectionStatus::Active,
            server::db::ConnectionStatus::NeedsReconnect
        )
        .await
        .unwrap());
    let html = app.get("/dashboard").await.text().await.unwrap();
    assert!(html.contains("Needs reconnecting"), "the status badge");
    assert!(
        html.contains("data-testid=\"needs-reconnect\""),
        "the explanation"
    );
    assert!(html.contains(">Reconnect<"), "a reconnect button");
    assert_eq!(app.connections().await[0]["needsReconnect"], true);
}

#[tokio::test]
async fn the_creator_link_takes_app_key_and_state_and_sellers_choose_their_market() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    let creator = app.auth_url_for(&wallet, "account=creator").await;
    let url = url::Url::parse(&creator).unwrap();
    assert_eq!(url.path(), "/sandbox/alliance/creator/auth");
    let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        keys,
        ["app_key", "state"],
        "exactly the documented parameters"
    );
    let config = app.state.sandbox.as_ref().unwrap().config();
    let us = url::Url::parse(&app.auth_url_for(&wallet, "market=us").await).unwrap();
    assert_eq!(us.path(), "/sandbox/us/open/authorize");
    assert_eq!(
        us.query_pairs().find(|(k, _)| k == "service_id").unwrap().1,
        config.us_service_id.as_str()
    );
    let global = url::Url::parse(&app.auth_url_for(&wallet, "market=global").await).unwrap();
    assert_eq!(global.path(), "/sandbox/open/authorize");
    assert_eq!(
        global
            .query_pairs()
            .find(|(k, _)| k == "service_id")
            .unwrap()
            .1,
        config.service_id.as_str()
    );
    // With two markets configured, nothing is guessed.
    let res = app
        .get(&format!("/api/tiktokshop/auth?wallet={}", wallet.address()))
        .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("market=us"));
    let res = app
        .get(&format!(
            "/api/tiktokshop/auth?wallet={}&market=moon",
            wallet.address()
        ))
        .await;
    assert_eq!(res.status(), 400);
    // A US seller connects through the US page.
    let callback = app
        .consent(us.as_str(), ("persona", "seller-boutique"))
        .await;
    assert_eq!(
        app.callback(&callback).await,
        "/dashboard?tiktokshop_connected=true"
    );
}

#[tokio::test]
async fn a_shop_connected_to_one_wallet_is_refused_to_another_with_how_to_move_it() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    app.connect(&wallet, "seller-boutique").await;
    // The same browser (so the same sandbox shop) signs in with another wallet.
    let second = TestWallet::new(9);
    app.sign_in(&second).await;
    assert_eq!(
        app.connect(&second, "seller-boutique").await,
        "/dashboard?tiktokshop_error=already_linked"
    );
    assert_eq!(app.connections().await, serde_json::json!([]));
    let html = app
        .get("/dashboard?tiktokshop_error=already_linked")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("already connected to another wallet"));
    assert!(html.contains("disconnect the account there"));
    // Another browser signs in to its own copy of the sandbox's personas: no conflict.
    let other = TestApp {
        client: crate::helpers::new_client(),
        ..app
    };
    let third = TestWallet::new(8);
    other.sign_in(&third).await;
    assert_eq!(
        other.connect(&third, "seller-boutique").await,
        "/dashboard?tiktokshop_connected=true"
    );
}

#[tokio::test]
async fn a_partner_account_and_a_creator_without_a_region_are_refused_clearly() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    assert_eq!(
        app.connect(&wallet, "partner-agency").await,
        "/dashboard?tiktokshop_error=partner_account"
    );
    assert_eq!(
        app.connect_creator(&wallet, "creator-no-region").await,
        "/dashboard?tiktokshop_error=region_unknown",
        "never assumed to be in the US"
    );
    assert_eq!(app.connections().await, serde_json::json!([]));
    let html = app
        .get("/dashboard?tiktokshop_error=region_unknown")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("did not tell us which region"));
}

#[tokio::test]
async fn the_indonesian_creator_connects_in_rupiah_with_its_parts_and_deductions() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    assert_eq!(
        app.connect_creator(&wallet, "creator-id").await,
        "/dashboard?tiktokshop_connected=true"
    );
    let c = &app.connections().await[0];
    assert_eq!(
        (c["region"].as_str(), c["currency"].as_str()),
        (Some("ID"), Some("IDR"))
    );
    let persona = server::sandbox::personas::persona("creator-id").unwrap();
    let book = app
        .state
        .sandbox
        .as_ref()
        .unwrap()
        .affiliate_book(persona, server::clock::unix_now())
        .unwrap();
    close(
        &c["revenueData"]["affiliateCommission"],
        book.verified_commission() as f64,
    );
}

#[tokio::test]
async fn an_app_store_install_is_held_for_its_browser_until_a_wallet_claims_it() {
    let app = spawn_app(Db::Sqlite).await;
    // The seller installs from the App Store: TikTok comes back without a state.
    let res = app
        .client
        .post(app.url("/sandbox/appstore"))
        .form(&[("persona", "seller-boutique")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let callback = res.headers()["location"].to_str().unwrap().to_string();
    assert!(!callback.contains("state="));
    assert_eq!(
        app.callback(&callback).await,
        "/dashboard?tiktokshop_install=pending"
    );
    let html = app.get("/dashboard").await.text().await.unwrap();
    assert!(
        html.contains("data-testid=\"install-pending\""),
        "the dashboard asks for a wallet"
    );
    // Another browser cannot claim it.
    let other = TestApp {
        client: crate::helpers::new_client(),
        address: app.address.clone(),
        state: app.state.clone(),
        db: app.db.beside(),
    };
    let stranger = TestWallet::new(7);
    other.sign_in(&stranger).await;
    assert_eq!(
        claim(&other, &stranger).await,
        "/dashboard?tiktokshop_error=install_expired"
    );
    // This browser signs in and claims it for its wallet, once.
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    assert_eq!(
        claim(&app, &wallet).await,
        "/dashboard?tiktokshop_connected=true"
    );
    let shown = app.connections().await;
    assert_eq!(shown[0]["shopName"], "Mia's Boutique");
    close(&shown[0]["revenueData"]["totalRevenue"], 15_000.0);
    assert_eq!(
        claim(&app, &wallet).await,
        "/dashboard?tiktokshop_error=install_expired"
    );
    assert_eq!(other.connections().await, serde_json::json!([]));
}

async fn claim(app: &TestApp, wallet: &TestWallet) -> String {
    let res = app
        .client
        .post(app.url("/api/tiktokshop/claim"))
        .form(&[("wallet", wallet.address())])
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
    res.json::<String>().await.unwrap()
}

#[tokio::test]
async fn the_hybrid_persona_reconciles_each_source_against_what_can_verify_it() {
    let (app, wallet) = signed_in_app(Db::Sqlite).await;
    app.connect(&wallet, "hybrid").await;
    app.connect_creator(&wallet, "hybrid").await;
    let list = app.connections().await;
    let by_kind = |kind: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["accountKind"] == kind)
            .unwrap()["revenueData"]["reconciliation"]
            .clone()
    };
    let shop = by_kind("shop");
    let creator = by_kind("creator");
    assert_eq!(shop["verifiedBy"], "statements", "{shop}");
    assert_ne!(shop["status"], "unavailable", "{shop}");
    assert_eq!(creator["verifiedBy"], "settled_commission", "{creator}");
    for c in list.as_array().unwrap() {
        assert!(
            c["fetchIssues"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["code"] != "missing_permission"),
            "no permission that was granted is blamed: {c}"
        );
    }
    assert_ne!(app.score().await["reconciliation"], "unavailable");
}
