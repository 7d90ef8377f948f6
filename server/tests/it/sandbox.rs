//! The TikTok Shop sandbox over HTTP: consent, codes, tokens, signature, timestamp, scopes,
//! shop ciphers, rate limits and faults, in both layouts.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use server::sandbox::{self, Sandbox, SandboxConfig, SandboxLayout};
use server::tiktok::{
    sign, AccessToken, AppSecret, AuthCode, ErrorKind, RefreshToken, Scope, SignableRequest,
    TikTokClient, TikTokConfig, TokenGrant,
};
use url::Url;

pub const APP_KEY: &str = "sbx-test-key";
pub const APP_SECRET: &str = "sbx-test-secret";
pub const SERVICE_ID: &str = "7100000000000000001";
pub const US_SERVICE_ID: &str = "7100000000000000002";
pub const REDIRECT: &str = "http://app.test/api/tiktokshop/callback";

/// A running sandbox and how to reach it.
pub struct TestSandbox {
    pub base: String,
    pub layout: SandboxLayout,
    pub http: reqwest::Client,
    pub sandbox: std::sync::Arc<Sandbox>,
}

pub fn config() -> SandboxConfig {
    let mut config = SandboxConfig::new(
        APP_KEY,
        AppSecret::new(APP_SECRET),
        SERVICE_ID,
        Url::parse(REDIRECT).unwrap(),
    );
    config.us_service_id = US_SERVICE_ID.into();
    config
}

/// Starts a sandbox on a random port.
pub async fn spawn_sandbox_with(config: SandboxConfig, layout: SandboxLayout) -> TestSandbox {
    let sandbox = Sandbox::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = sandbox::router(sandbox.clone(), layout);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestSandbox {
        base: format!("http://127.0.0.1:{port}"),
        layout,
        http,
        sandbox,
    }
}

pub async fn spawn_sandbox() -> TestSandbox {
    spawn_sandbox_with(config(), SandboxLayout::Standalone).await
}

impl TestSandbox {
    fn prefixes(&self) -> (String, String, String) {
        let (page, auth, api) = self.layout.prefixes();
        (
            format!("{}{page}", self.base),
            format!("{}{auth}", self.base),
            format!("{}{api}", self.base),
        )
    }

    /// The client configured against this sandbox.
    pub fn client_config(&self) -> TikTokConfig {
        let (_, auth, api) = self.prefixes();
        TikTokConfig::new(
            APP_KEY,
            AppSecret::new(APP_SECRET),
            Url::parse(&auth).unwrap(),
            Url::parse(&api).unwrap(),
        )
    }

    pub fn client(&self) -> TikTokClient {
        TikTokClient::new(self.client_config()).unwrap()
    }

    /// Open API calls answered so far.
    pub fn calls(&self) -> u64 {
        self.sandbox.open_api_calls()
    }

    /// Consents as `persona` on the seller page through the HTML form and returns the
    /// redirect's query.
    pub async fn consent(&self, persona: &str, state: &str) -> BTreeMap<String, String> {
        self.consent_as(persona, state, false).await
    }

    /// Consents on the seller page, or with `creator` on the creator page.
    pub async fn consent_as(
        &self,
        persona: &str,
        state: &str,
        creator: bool,
    ) -> BTreeMap<String, String> {
        let (page, _, _) = self.prefixes();
        let form = if creator {
            [
                ("grant", "creator"),
                ("app_key", APP_KEY),
                ("state", state),
                ("persona", persona),
            ]
        } else {
            [
                ("grant", "seller"),
                ("service_id", SERVICE_ID),
                ("state", state),
                ("persona", persona),
            ]
        };
        let response = self
            .http
            .post(format!("{page}/open/authorize"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with(REDIRECT), "{location}");
        Url::parse(&location)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    /// Consents on the seller page and exchanges the code.
    pub async fn connect(&self, persona: &str) -> TokenGrant {
        self.connect_as(persona, false).await
    }

    /// Consents (on the creator page with `creator`) and exchanges the code.
    pub async fn connect_as(&self, persona: &str, creator: bool) -> TokenGrant {
        let query = self.consent_as(persona, "st", creator).await;
        self.client()
            .get_token(&AuthCode::new(query["code"].clone()))
            .await
            .unwrap()
    }

    /// A raw signed call, to test what the client never sends.
    pub async fn raw(
        &self,
        path: &str,
        params: &[(&str, &str)],
        token: &str,
        timestamp: i64,
        forge: bool,
    ) -> serde_json::Value {
        let (_, _, api) = self.prefixes();
        let mut all: Vec<(&str, &str)> = vec![("app_key", APP_KEY)];
        all.extend_from_slice(params);
        let ts = timestamp.to_string();
        all.push(("timestamp", &ts));
        let mut signature = sign(
            &SignableRequest {
                path,
                params: &all,
                body: None,
            },
            &AppSecret::new(APP_SECRET),
            timestamp,
        )
        .as_str()
        .to_string();
        if forge {
            signature.replace_range(
                0..2,
                if signature.starts_with("00") {
                    "11"
                } else {
                    "00"
                },
            );
        }
        all.push(("sign", &signature));
        let response = self
            .http
            .get(format!("{api}{path}"))
            .query(&all)
            .header("x-tts-access-token", token)
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn page(s: &TestSandbox, path_and_query: &str) -> (u16, String) {
    let res = s
        .http
        .get(format!("{}{path_and_query}", s.base))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn shops() -> server::tiktok::api::GetAuthorizedShops {
    server::tiktok::api::GetAuthorizedShops
}

#[tokio::test]
async fn the_seller_page_takes_exactly_service_id_and_state_and_offers_the_sellers() {
    let s = spawn_sandbox().await;
    let (status, html) = page(
        &s,
        &format!("/open/authorize?service_id={SERVICE_ID}&state=abc%3Cx"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("<form method=\"post\""));
    assert!(
        html.contains("name=\"state\" value=\"abc&lt;x\""),
        "state is carried, escaped"
    );
    for persona in [
        "seller-boutique",
        "hybrid",
        "empty-shop",
        "restricted-region",
        "no-shop",
        "missing-finance-scope",
        "multi-shop",
        "large-shop",
    ] {
        assert!(
            html.contains(&format!("name=\"persona\" value=\"{persona}\"")),
            "{persona} missing"
        );
    }
    assert!(
        !html.contains("value=\"creator-fashion\""),
        "creators use their own page"
    );
    assert!(html.contains("value=\"deny\""));
    assert!(html.contains("seller.finance.info"));
    assert!(
        !html.contains("<script") && !html.contains("style="),
        "strict-CSP friendly"
    );
    // Anything but the documented parameters is refused.
    for bad in [
        format!("/open/authorize?service_id={SERVICE_ID}&state=x&redirect_uri=http://evil"),
        format!("/open/authorize?app_key={APP_KEY}&state=x"),
        "/open/authorize?service_id=other&state=x".to_string(),
        // The US app's id belongs on the US page.
        format!("/open/authorize?service_id={US_SERVICE_ID}&state=x"),
    ] {
        assert_eq!(page(&s, &bad).await.0, 400, "{bad}");
    }
    assert_eq!(
        page(
            &s,
            &format!("/us/open/authorize?service_id={US_SERVICE_ID}&state=x")
        )
        .await
        .0,
        200
    );
    assert_eq!(
        page(
            &s,
            &format!("/us/open/authorize?service_id={SERVICE_ID}&state=x")
        )
        .await
        .0,
        400
    );
}

#[tokio::test]
async fn the_creator_page_takes_app_key_and_state_not_a_service_id() {
    let s = spawn_sandbox().await;
    let (status, html) = page(
        &s,
        &format!("/alliance/creator/auth?app_key={APP_KEY}&state=s1"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"creator-fashion\"") && html.contains("value=\"creator-id\""));
    assert!(html.contains("creator.affiliate_collaboration.read"));
    for bad in [
        format!("/alliance/creator/auth?service_id={SERVICE_ID}&state=s1"),
        format!("/alliance/creator/auth?app_key={APP_KEY}"),
        "/alliance/creator/auth?app_key=someone-else&state=s1".to_string(),
    ] {
        assert_eq!(page(&s, &bad).await.0, 400, "{bad}");
    }
    let grant = s.connect_as("creator-fashion", true).await;
    assert_eq!(grant.user_type, server::tiktok::UserType::Creator);
}

#[tokio::test]
async fn consent_redirects_with_a_code_and_the_unchanged_state() {
    let s = spawn_sandbox().await;
    let query = s.consent("seller-boutique", "state/with+chars").await;
    assert_eq!(query["state"], "state/with+chars");
    assert!(!query["code"].is_empty());
}

#[tokio::test]
async fn denial_redirects_with_code_null_and_access_denied() {
    let s = spawn_sandbox().await;
    let form = [
        ("grant", "seller"),
        ("service_id", SERVICE_ID),
        ("state", "s1"),
        ("action", "deny"),
    ];
    let response = s
        .http
        .post(format!("{}/open/authorize", s.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let query: BTreeMap<String, String> = location.query_pairs().into_owned().collect();
    assert_eq!(
        query.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert_eq!(query.get("code").map(String::as_str), Some("null"));
    assert_eq!(query.get("state").map(String::as_str), Some("s1"));
}

#[tokio::test]
async fn an_app_store_install_comes_back_with_a_code_and_no_state() {
    let s = spawn_sandbox().await;
    let (status, html) = page(&s, "/appstore").await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"seller-boutique\""));
    let response = s
        .http
        .post(format!("{}/appstore", s.base))
        .form(&[("persona", "seller-boutique")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let query: BTreeMap<String, String> = location.query_pairs().into_owned().collect();
    assert!(
        query.contains_key("code") && !query.contains_key("state"),
        "{query:?}"
    );
}

#[tokio::test]
async fn the_token_exchange_returns_absolute_expiry_times_and_the_persona() {
    let s = spawn_sandbox().await;
    let before = now();
    let grant = s.connect("seller-boutique").await;
    assert!(
        (grant.access_token_expire_in - before - 4 * 3600).abs() <= 5,
        "4 hours, absolute"
    );
    assert!(grant.refresh_token_expire_in > grant.access_token_expire_in);
    assert_eq!(grant.seller_base_region, "US");
    assert!(grant
        .granted_scopes
        .iter()
        .any(|s| s == "seller.finance.info"));
    assert_eq!(format!("{:?}", grant.access_token), "[redacted]");
}

#[tokio::test]
async fn a_reused_or_expired_code_is_rejected() {
    let s = spawn_sandbox().await;
    let code = AuthCode::new(s.consent("seller-boutique", "x").await["code"].clone());
    let client = s.client();
    client.get_token(&code).await.unwrap();
    let err = client.get_token(&code).await.unwrap_err();
    assert_eq!(err.code(), Some(36009004), "{err}");
    let mut config = config();
    config.code_ttl = Duration::ZERO;
    let s = spawn_sandbox_with(config, SandboxLayout::Standalone).await;
    let code = AuthCode::new(s.consent("seller-boutique", "x").await["code"].clone());
    let err = s.client().get_token(&code).await.unwrap_err();
    assert_eq!(err.code(), Some(36009004), "{err}");
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_a_retired_one_is_refused_for_good() {
    let s = spawn_sandbox().await;
    let first = s.connect("seller-boutique").await;
    let client = s.client();
    let second = client.refresh_token(&first.refresh_token).await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_ne!(second.access_token, first.access_token);
    let err = client
        .refresh_token(&first.refresh_token)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RefreshRefused, "{err}");
    client.refresh_token(&second.refresh_token).await.unwrap();
    let err = client
        .refresh_token(&RefreshToken::new("nonsense"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RefreshRefused);
}

#[tokio::test]
async fn wrong_app_credentials_cannot_exchange_a_code() {
    let s = spawn_sandbox().await;
    let code = AuthCode::new(s.consent("seller-boutique", "x").await["code"].clone());
    let mut config = s.client_config();
    config.app_secret = AppSecret::new("wrong");
    let err = TikTokClient::new(config)
        .unwrap()
        .get_token(&code)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(36009004));
}

#[tokio::test]
async fn a_forged_signature_is_rejected_with_106001() {
    let s = spawn_sandbox().await;
    let grant = s.connect("seller-boutique").await;
    let ok = s
        .raw(
            "/authorization/202309/shops",
            &[],
            grant.access_token.expose(),
            now(),
            false,
        )
        .await;
    assert_eq!(ok["code"], 0, "{ok}");
    let forged = s
        .raw(
            "/authorization/202309/shops",
            &[],
            grant.access_token.expose(),
            now(),
            true,
        )
        .await;
    assert_eq!(forged["code"], 106001, "{forged}");
    let mut config = s.client_config();
    config.app_secret = AppSecret::new("not-the-secret");
    let err = TikTokClient::new(config)
        .unwrap()
        .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(106001));
    assert_eq!(err.kind(), ErrorKind::OurBug);
}

#[tokio::test]
async fn a_timestamp_outside_five_minutes_before_to_thirty_seconds_after_is_rejected() {
    let s = spawn_sandbox().await;
    let grant = s.connect("seller-boutique").await;
    let token = grant.access_token.expose();
    let stale = s
        .raw(
            "/authorization/202309/shops",
            &[],
            token,
            now() - 301,
            false,
        )
        .await;
    assert_eq!(stale["code"], 36009004, "{stale}");
    let future = s
        .raw("/authorization/202309/shops", &[], token, now() + 60, false)
        .await;
    assert_eq!(future["code"], 36009004, "{future}");
    let recent = s
        .raw(
            "/authorization/202309/shops",
            &[],
            token,
            now() - 240,
            false,
        )
        .await;
    assert_eq!(recent["code"], 0, "{recent}");
}

#[tokio::test]
async fn unknown_and_expired_tokens_read_as_invalid_and_expired() {
    let mut config = config();
    config.access_ttl = Duration::ZERO;
    let s = spawn_sandbox_with(config, SandboxLayout::Standalone).await;
    let unknown = s
        .raw(
            "/authorization/202309/shops",
            &[],
            "ROW_made_up",
            now(),
            false,
        )
        .await;
    assert_eq!(unknown["code"], 36009004);
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .contains("x-tts-access-token"));
    let grant = s.connect("seller-boutique").await;
    let err = s
        .client()
        .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TokenExpired);
    let err = s
        .client()
        .send(&AccessToken::new("x"), Scope::User("x"), &shops())
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::InvalidToken,
        "36009004 naming the token header"
    );
}

#[tokio::test]
async fn a_shop_scoped_call_needs_its_shops_cipher() {
    let s = spawn_sandbox().await;
    let grant = s.connect("seller-boutique").await;
    let token = grant.access_token.expose();
    let missing = s
        .raw("/order/202507/orders", &[("ids", "1")], token, now(), false)
        .await;
    assert_eq!(missing["code"], 106013, "{missing}");
    let foreign = s
        .raw(
            "/order/202507/orders",
            &[("ids", "1"), ("shop_cipher", "GCP_other")],
            token,
            now(),
            false,
        )
        .await;
    assert_eq!(foreign["code"], 101000, "{foreign}");
    let unexpected = s
        .raw(
            "/authorization/202309/shops",
            &[("shop_cipher", "GCP_other")],
            token,
            now(),
            false,
        )
        .await;
    assert_eq!(unexpected["code"], 36009004, "{unexpected}");
}

#[tokio::test]
async fn a_path_tiktok_does_not_have_is_36009009() {
    let s = spawn_sandbox().await;
    let grant = s.connect("seller-boutique").await;
    let answer = s
        .raw(
            "/shop/202309/metrics",
            &[],
            grant.access_token.expose(),
            now(),
            false,
        )
        .await;
    assert_eq!(answer["code"], 36009009, "{answer}");
}

#[tokio::test]
async fn a_missing_scope_answers_105005_and_a_creator_token_is_the_wrong_account_for_shops() {
    let s = spawn_sandbox().await;
    let grant = s.connect("missing-finance-scope").await;
    let client = s.client();
    let list = client
        .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
        .await
        .unwrap();
    let cipher = server::tiktok::ShopCipher::parse(list.shops.ok[0].cipher.clone()).unwrap();
    let err = client
        .send(
            &grant.access_token,
            Scope::Shop(&cipher),
            &server::tiktok::api::GetStatements::between(0, now()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingScope);
    // Other endpoints still answer.
    let orders = client
        .send(
            &grant.access_token,
            Scope::Shop(&cipher),
            &server::tiktok::api::SearchOrders::created_between(0, now()),
        )
        .await
        .unwrap();
    assert!(orders.total_count > 0);
    let creator = s.connect_as("creator-fashion", true).await;
    let err = client
        .send(
            &creator.access_token,
            Scope::User(&creator.open_id),
            &shops(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WrongAccount);
}

#[tokio::test]
async fn the_rate_limit_is_per_api_and_answers_429_with_36009002() {
    let mut config = config();
    config.rate_limit_per_sec = 2;
    let s = spawn_sandbox_with(config, SandboxLayout::Standalone).await;
    let grant = s.connect("seller-boutique").await;
    let mut codes = Vec::new();
    for _ in 0..8 {
        codes.push(
            s.raw(
                "/authorization/202309/shops",
                &[],
                grant.access_token.expose(),
                now(),
                false,
            )
            .await["code"]
                .clone(),
        );
    }
    assert!(codes.iter().any(|c| c == 36009002), "{codes:?}");
    assert_eq!(codes[0], 0);
    // Another API of the same shop has a budget of its own.
    let list = s
        .client()
        .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
        .await;
    let cipher = match list {
        Ok(list) => list.shops.ok[0].cipher.clone(),
        Err(_) => {
            tokio::time::sleep(Duration::from_secs(1)).await;
            s.client()
                .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
                .await
                .unwrap()
                .shops
                .ok[0]
                .cipher
                .clone()
        }
    };
    for _ in 0..4 {
        let _ = s
            .raw(
                "/authorization/202309/shops",
                &[],
                grant.access_token.expose(),
                now(),
                false,
            )
            .await;
    }
    let other = s
        .raw(
            "/product/202502/products/search",
            &[("shop_cipher", &cipher), ("page_size", "10")],
            grant.access_token.expose(),
            now(),
            false,
        )
        .await;
    assert_ne!(other["code"], 36009002, "{other}");
}

#[tokio::test]
async fn with_every_call_faulted_the_client_gets_typed_errors_not_panics() {
    let mut config = config();
    config.fault_rate = 1.0;
    let s = spawn_sandbox_with(config, SandboxLayout::Standalone).await;
    let grant = s.connect("seller-boutique").await;
    let mut client_config = s.client_config();
    client_config.retry.max_retries = 1;
    let client = TikTokClient::new(client_config).unwrap();
    for _ in 0..6 {
        let err = client
            .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::ServerError | ErrorKind::RateLimited | ErrorKind::Decode
            ),
            "{err}"
        );
    }
}

#[tokio::test]
async fn the_mounted_layout_serves_the_same_protocol_under_sandbox() {
    let s = spawn_sandbox_with(config(), SandboxLayout::Mounted).await;
    let (status, html) = page(
        &s,
        &format!("/sandbox/open/authorize?service_id={SERVICE_ID}&state=x"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("action=\"/sandbox/open/authorize\""));
    let grant = s.connect("seller-boutique").await;
    let list = s
        .client()
        .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
        .await
        .unwrap();
    assert_eq!(list.shops.len(), 1);
    let standalone_path = s
        .http
        .get(format!("{}/authorization/202309/shops", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(standalone_path.status(), 404);
}

#[tokio::test]
async fn tokens_stay_valid_across_a_restart_with_the_same_credentials() {
    let first = spawn_sandbox().await;
    let grant = first.connect("seller-boutique").await;
    let second = spawn_sandbox().await;
    let list = second
        .client()
        .send(&grant.access_token, Scope::User(&grant.open_id), &shops())
        .await
        .unwrap();
    assert_eq!(list.shops.len(), 1);
}
