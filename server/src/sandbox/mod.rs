//! The TikTok Shop sandbox: a faithful local stand-in that speaks API.md's protocol (consent
//! page, single-use expiring auth codes, self-verifying tokens, signature and timestamp checks,
//! the envelope and error codes, scopes, shop ciphers, per-shop rate limits, cursor paging,
//! latency and fault injection) over deterministic persona data. The same router runs alone
//! (`shopscore sandbox`) or mounted in the app under `/sandbox/…`.

pub mod consent;
pub mod data;
pub mod faults;
pub mod personas;
pub mod tokens;

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, on, MethodFilter};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use url::Url;

use crate::db::now_unix;
use crate::tiktok::api::{self, MAX_PAGE_SIZE};
use crate::tiktok::{codes, AppSecret};
use faults::{Fault, FaultPlan};
use personas::{AffiliateBook, Frame, OrderBook, Persona, ShopSpec};
use tokens::{Claims, Kind, Refusal};

/// The sandbox's settings.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The app key clients must send.
    pub app_key: String,
    /// The app secret they sign with.
    pub app_secret: AppSecret,
    /// The service id the consent page expects.
    pub service_id: String,
    /// The app's registered redirect URL.
    pub redirect_url: Url,
    /// Seed of the generated data.
    pub seed: u64,
    /// Added to every Open API answer.
    pub latency: Duration,
    /// Share of Open API calls answered with a fault: 5xx and 429 bursts (runs of answers for
    /// one shop) and malformed pages, counted answer by answer.
    pub fault_rate: f64,
    /// Requests per second per shop (per account for calls without a shop).
    pub rate_limit_per_sec: u32,
    /// Access token lifetime (default 4 hours, as the seed says).
    pub access_ttl: Duration,
    /// Refresh token lifetime (default 30 days).
    pub refresh_ttl: Duration,
    /// Auth code lifetime (default 10 minutes).
    pub code_ttl: Duration,
    /// Signs the sandbox's tokens (keep it to keep tokens valid across restarts).
    pub token_signing_key: [u8; 32],
    /// Orders of the `large-shop` persona (default 50,000), scaled for benchmarks.
    pub large_shop_orders: Option<u64>,
}

impl SandboxConfig {
    /// Defaults around the app credentials; the token key is derived from the secret, so the
    /// same credentials keep issued tokens valid across restarts.
    pub fn new(
        app_key: impl Into<String>,
        app_secret: AppSecret,
        service_id: impl Into<String>,
        redirect_url: Url,
    ) -> Self {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(app_secret.expose().as_bytes())
            .expect("HMAC-SHA256 accepts keys of any length");
        mac.update(b"shopscore sandbox token signing key");
        let token_signing_key: [u8; 32] = mac.finalize().into_bytes().into();
        SandboxConfig {
            app_key: app_key.into(),
            app_secret,
            service_id: service_id.into(),
            redirect_url,
            seed: 1,
            latency: Duration::ZERO,
            fault_rate: 0.0,
            rate_limit_per_sec: 50,
            access_ttl: Duration::from_secs(4 * 3600),
            refresh_ttl: Duration::from_secs(30 * 86_400),
            code_ttl: Duration::from_secs(600),
            token_signing_key,
            large_shop_orders: None,
        }
    }

    /// Fresh random app credentials for a local instance (sandbox mode): app key, secret and
    /// service id.
    pub fn generate_credentials() -> (String, AppSecret, String) {
        let key = format!("sbx{}", hex::encode(rand::random::<[u8; 6]>()));
        let secret = AppSecret::new(hex::encode(rand::random::<[u8; 20]>()));
        let service = format!(
            "{}",
            7_000_000_000_000_000_000u64 + rand::random::<u64>() % 1_000_000_000_000_000_000
        );
        (key, secret, service)
    }
}

/// Where the routes live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxLayout {
    /// At TikTok's real paths: `/open/authorize`, `/api/v2/token/…`, `/order/202309/…`.
    Standalone,
    /// Under the app: `/sandbox/open/authorize`, `/sandbox/auth/…`, `/sandbox/open-api/…`.
    Mounted,
}

impl SandboxLayout {
    /// Prefix of the consent page, token endpoints and Open API.
    pub fn prefixes(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SandboxLayout::Standalone => ("", "", ""),
            SandboxLayout::Mounted => ("/sandbox", "/sandbox/auth", "/sandbox/open-api"),
        }
    }
}

/// A running sandbox: configuration plus the little state it keeps.
pub struct Sandbox {
    config: SandboxConfig,
    used_codes: Mutex<HashSet<String>>,
    retired_refresh: Mutex<HashSet<String>>,
    limiter: DefaultKeyedRateLimiter<String>,
    faults: Mutex<FaultPlan>,
    faulted: std::sync::atomic::AtomicU64,
    counter: std::sync::atomic::AtomicU64,
    calls: std::sync::atomic::AtomicU64,
    large_shop: Option<&'static Persona>,
    switches: Mutex<Switches>,
    held: std::sync::atomic::AtomicU64,
    /// Keys the page tokens (see [`tokens::page_token_key`]).
    page_key: u64,
}

/// Outages a test can switch on and off while the sandbox runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Switches {
    /// Every Open API call answers HTTP 503.
    pub outage: bool,
    /// Every Open API call answers HTTP 429.
    pub rate_limit_storm: bool,
    /// The next this many order search pages are cut in half (malformed JSON).
    pub malformed_order_pages: u32,
    /// With `Some(n)`, the next `n` order searches are answered and later ones are held
    /// unanswered until the switches change: a test's way to stop a sync mid-flight.
    pub hold_order_pages: Option<u32>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("app_key", &self.config.app_key)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Builds a sandbox.
    pub fn new(config: SandboxConfig) -> Arc<Sandbox> {
        let rate = NonZeroU32::new(config.rate_limit_per_sec.max(1)).unwrap_or(NonZeroU32::MIN);
        let seed = config.seed;
        Arc::new(Sandbox {
            limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(rate)),
            faults: Mutex::new(FaultPlan::new(config.fault_rate, seed)),
            used_codes: Mutex::new(HashSet::new()),
            retired_refresh: Mutex::new(HashSet::new()),
            faulted: std::sync::atomic::AtomicU64::new(0),
            counter: std::sync::atomic::AtomicU64::new(0),
            calls: std::sync::atomic::AtomicU64::new(0),
            large_shop: config.large_shop_orders.map(personas::scaled_large_shop),
            switches: Mutex::new(Switches::default()),
            held: std::sync::atomic::AtomicU64::new(0),
            page_key: tokens::page_token_key(&config.token_signing_key),
            config,
        })
    }

    /// The persona of an id: the shipped ones, with `large-shop` scaled when configured.
    pub fn persona(&self, id: &str) -> Option<&'static Persona> {
        match self.large_shop {
            Some(large) if id == large.id => Some(large),
            _ => personas::persona(id),
        }
    }

    /// Open API calls answered so far (every attempt, faults included).
    pub fn open_api_calls(&self) -> u64 {
        self.calls.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Open API calls answered with an injected fault (see [`faults`]).
    pub fn faulted_answers(&self) -> u64 {
        self.faulted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Order searches held unanswered right now (see [`Switches::hold_order_pages`]).
    pub fn held_calls(&self) -> u64 {
        self.held.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether an order search must wait; counts down the searches still let through.
    fn hold_order_search(&self) -> bool {
        let Ok(mut s) = self.switches.lock() else {
            return false;
        };
        match s.hold_order_pages {
            Some(0) => true,
            Some(n) => {
                s.hold_order_pages = Some(n - 1);
                false
            }
            None => false,
        }
    }

    fn holding(&self) -> bool {
        self.switches
            .lock()
            .map(|s| s.hold_order_pages == Some(0))
            .unwrap_or(false)
    }

    /// Switches outages on or off.
    pub fn set_switches(&self, switches: Switches) {
        if let Ok(mut s) = self.switches.lock() {
            *s = switches;
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    fn request_id(&self) -> String {
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("SBX{}{:010}", now_unix(), n)
    }

    /// Issues an auth code for a persona as the consent page does (for tests and tools).
    pub fn issue_code(&self, persona: &str, now: i64) -> String {
        tokens::issue(
            &self.config.token_signing_key,
            &Claims {
                kind: Kind::Code,
                persona: persona.into(),
                expires: now + self.config.code_ttl.as_secs() as i64,
                anchor: now,
                nonce: tokens::nonce(),
            },
        )
    }
}

/// The sandbox routes, state applied (`Router<()>`): `.merge()` them into the app.
pub fn router(sandbox: Arc<Sandbox>, layout: SandboxLayout) -> Router {
    let (page, auth, api_prefix) = layout.prefixes();
    let state = AppState { sandbox, layout };
    let mut router = Router::new()
        .route(
            &format!("{page}/open/authorize"),
            get(consent::page).post(consent::submit),
        )
        .route(&format!("{auth}/api/v2/token/get"), get(token_get))
        .route(&format!("{auth}/api/v2/token/refresh"), get(token_refresh));
    for endpoint in ENDPOINTS {
        let filter = match endpoint.method {
            api::Method::Get => MethodFilter::GET,
            api::Method::Post => MethodFilter::POST,
        };
        router = router.route(
            &format!("{api_prefix}{}", endpoint.path),
            on(
                filter,
                move |State(state): State<AppState>,
                      RawQuery(query): RawQuery,
                      headers: HeaderMap,
                      body: Bytes| async move {
                    open_api(state, endpoint, query, headers, body).await
                },
            ),
        );
    }
    router.with_state(state)
}

/// Serves the standalone sandbox until Ctrl-C.
pub async fn serve(config: SandboxConfig, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, service_id = %config.service_id, "TikTok Shop sandbox listening on http://{local}");
    println!(
        "TikTok Shop sandbox on http://{local}\n  consent: http://{local}/open/authorize?service_id={}&state=…\n  app_key: {}\n  redirect: {}",
        config.service_id, config.app_key, config.redirect_url
    );
    let app = router(Sandbox::new(config), SandboxLayout::Standalone);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

#[derive(Clone)]
struct AppState {
    sandbox: Arc<Sandbox>,
    layout: SandboxLayout,
}

/// An Open API endpoint as the sandbox serves it: one table of paths, scopes and shop scoping.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// Method.
    pub method: api::Method,
    /// Path.
    pub path: &'static str,
    /// The scope it needs.
    pub scope: &'static str,
    /// Needs `shop_cipher`.
    pub shop_scoped: bool,
    handler: Handler,
}

#[derive(Debug, Clone, Copy)]
enum Handler {
    Shops,
    OrderSearch,
    OrderDetail,
    Products,
    Statements,
    Payments,
    Withdrawals,
    Returns,
    CreatorAffiliate,
    SellerAffiliate,
    Profile,
    Performance,
}

macro_rules! endpoint {
    ($req:ty, $scope:literal, $handler:ident) => {
        Endpoint {
            method: <$req as api::ApiRequest>::METHOD,
            path: <$req as api::ApiRequest>::PATH,
            scope: $scope,
            shop_scoped: <$req as api::ApiRequest>::SHOP_SCOPED,
            handler: Handler::$handler,
        }
    };
}

/// Every Open API path the sandbox serves, with the scope it needs.
pub const ENDPOINTS: &[Endpoint] = &[
    endpoint!(api::GetAuthorizedShops, "seller.authorization.info", Shops),
    endpoint!(api::SearchOrders, "seller.order.info", OrderSearch),
    endpoint!(api::GetOrderDetail, "seller.order.info", OrderDetail),
    endpoint!(api::SearchProducts, "seller.product.basic", Products),
    endpoint!(api::GetStatements, "seller.finance.info", Statements),
    endpoint!(api::GetPayments, "seller.finance.info", Payments),
    endpoint!(api::GetWithdrawals, "seller.finance.info", Withdrawals),
    endpoint!(api::SearchReturns, "seller.return_refund.basic", Returns),
    endpoint!(
        api::SearchCreatorAffiliateOrders,
        "creator.affiliate_collaboration.read",
        CreatorAffiliate
    ),
    endpoint!(
        api::SearchSellerAffiliateOrders,
        "seller.affiliate_collaboration.read",
        SellerAffiliate
    ),
    endpoint!(api::GetCreatorProfile, "creator.profile.read", Profile),
    // Sandbox-only: shop metrics TikTok's documented API does not offer (see
    // `api::GetShopPerformance`).
    endpoint!(
        api::GetShopPerformance,
        "seller.authorization.info",
        Performance
    ),
];

/// An error answer: envelope code, message, HTTP status.
struct Reject(i64, String, StatusCode);

impl Reject {
    fn new(code: i64, message: impl Into<String>) -> Reject {
        Reject(code, message.into(), StatusCode::OK)
    }
}

fn envelope(
    sandbox: &Sandbox,
    status: StatusCode,
    code: i64,
    message: &str,
    data: Option<Value>,
) -> Response {
    let mut body = json!({ "code": code, "message": message, "request_id": sandbox.request_id() });
    if let Some(data) = data {
        body["data"] = data;
    }
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
    }
    response
}

fn reject(sandbox: &Sandbox, r: Reject) -> Response {
    envelope(sandbox, r.2, r.0, &r.1, None)
}

// ---------------------------------------------------------------------------------------------
// Token endpoints

fn query_map(query: &Option<String>) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn check_app(sandbox: &Sandbox, q: &BTreeMap<String, String>) -> Result<(), Reject> {
    use subtle::ConstantTimeEq;
    let key_ok = q.get("app_key").map(String::as_str) == Some(sandbox.config.app_key.as_str());
    let secret = q
        .get("app_secret")
        .map(String::as_bytes)
        .unwrap_or_default();
    let secret_ok: bool = secret
        .ct_eq(sandbox.config.app_secret.expose().as_bytes())
        .into();
    if key_ok && secret_ok {
        Ok(())
    } else {
        Err(Reject::new(
            codes::REQUEST_ERROR,
            "invalid app_key or app_secret",
        ))
    }
}

fn grant(sandbox: &Sandbox, persona: &Persona, anchor: i64, now: i64) -> Value {
    let cfg = &sandbox.config;
    let access_exp = now + cfg.access_ttl.as_secs() as i64;
    let refresh_exp = now + cfg.refresh_ttl.as_secs() as i64;
    let claims = |kind, expires| Claims {
        kind,
        persona: persona.id.into(),
        expires,
        anchor,
        nonce: tokens::nonce(),
    };
    json!({
        "access_token": tokens::issue(&cfg.token_signing_key, &claims(Kind::Access, access_exp)),
        "access_token_expire_in": access_exp,
        "refresh_token": tokens::issue(&cfg.token_signing_key, &claims(Kind::Refresh, refresh_exp)),
        "refresh_token_expire_in": refresh_exp,
        "open_id": data::open_id(persona.no),
        "seller_name": persona.name,
        "seller_base_region": persona.region,
        "user_type": persona.user_type,
        "granted_scopes": persona.scopes,
    })
}

async fn token_get(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let sandbox = &state.sandbox;
    let q = query_map(&query);
    let result = (|| {
        check_app(sandbox, &q)?;
        if q.get("grant_type").map(String::as_str) != Some("authorized_code") {
            return Err(Reject::new(
                codes::REQUEST_ERROR,
                "grant_type must be authorized_code",
            ));
        }
        let now = now_unix();
        let code = q.get("auth_code").map(String::as_str).unwrap_or("");
        let claims = tokens::verify(&sandbox.config.token_signing_key, Kind::Code, code, now)
            .map_err(|_| Reject::new(codes::REQUEST_ERROR, "auth_code is invalid or expired"))?;
        if !sandbox
            .used_codes
            .lock()
            .map(|mut used| used.insert(claims.nonce.clone()))
            .unwrap_or(false)
        {
            return Err(Reject::new(
                codes::REQUEST_ERROR,
                "auth_code has already been used",
            ));
        }
        let persona = sandbox
            .persona(&claims.persona)
            .ok_or_else(|| Reject::new(codes::REQUEST_ERROR, "unknown persona"))?;
        Ok(grant(sandbox, persona, claims.anchor, now))
    })();
    match result {
        Ok(data) => envelope(sandbox, StatusCode::OK, codes::OK, "success", Some(data)),
        Err(r) => reject(sandbox, r),
    }
}

async fn token_refresh(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let sandbox = &state.sandbox;
    let q = query_map(&query);
    let result = (|| {
        check_app(sandbox, &q)?;
        if q.get("grant_type").map(String::as_str) != Some("refresh_token") {
            return Err(Reject::new(
                codes::REQUEST_ERROR,
                "grant_type must be refresh_token",
            ));
        }
        let now = now_unix();
        let token = q.get("refresh_token").map(String::as_str).unwrap_or("");
        let claims = tokens::verify(&sandbox.config.token_signing_key, Kind::Refresh, token, now)
            .map_err(|r| match r {
            Refusal::Expired => Reject::new(codes::TOKEN_EXPIRED, "refresh_token expired"),
            Refusal::Invalid => Reject::new(codes::INVALID_TOKEN, "refresh_token is invalid"),
        })?;
        // Rotation: the old refresh token is retired the moment it is used.
        if !sandbox
            .retired_refresh
            .lock()
            .map(|mut r| r.insert(claims.nonce.clone()))
            .unwrap_or(false)
        {
            return Err(Reject::new(
                codes::INVALID_TOKEN,
                "refresh_token has been rotated and retired",
            ));
        }
        let persona = sandbox
            .persona(&claims.persona)
            .ok_or_else(|| Reject::new(codes::INVALID_TOKEN, "unknown persona"))?;
        Ok(grant(sandbox, persona, claims.anchor, now))
    })();
    match result {
        Ok(data) => envelope(sandbox, StatusCode::OK, codes::OK, "success", Some(data)),
        Err(r) => reject(sandbox, r),
    }
}

// ---------------------------------------------------------------------------------------------
// Open API

/// The timestamp window: up to 5 minutes old, at most 30 seconds ahead.
pub const TIMESTAMP_MAX_AGE: i64 = 300;
/// See [`TIMESTAMP_MAX_AGE`].
pub const TIMESTAMP_MAX_SKEW: i64 = 30;

struct Call<'a> {
    sandbox: &'a Sandbox,
    persona: &'static Persona,
    anchor: i64,
    shop: Option<&'static ShopSpec>,
    params: BTreeMap<String, String>,
    body: Bytes,
    path: &'static str,
}

async fn open_api(
    state: AppState,
    endpoint: &'static Endpoint,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sandbox = state.sandbox.as_ref();
    sandbox
        .calls
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if !sandbox.config.latency.is_zero() {
        tokio::time::sleep(sandbox.config.latency).await;
    }
    if matches!(endpoint.handler, Handler::OrderSearch) && sandbox.hold_order_search() {
        sandbox
            .held
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        while sandbox.holding() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        sandbox
            .held
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
    let switches = sandbox.switches.lock().map(|s| *s).unwrap_or_default();
    if switches.outage {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::response::Html("<html><body><h1>503 Service Unavailable</h1></body></html>"),
        )
            .into_response();
    }
    if switches.rate_limit_storm {
        return reject(
            sandbox,
            Reject(
                codes::RATE_LIMITED,
                "too many requests (storm)".into(),
                StatusCode::TOO_MANY_REQUESTS,
            ),
        );
    }
    let malform = matches!(endpoint.handler, Handler::OrderSearch)
        && switches.malformed_order_pages > 0
        && sandbox
            .switches
            .lock()
            .map(|mut s| {
                let hit = s.malformed_order_pages > 0;
                s.malformed_order_pages = s.malformed_order_pages.saturating_sub(1);
                hit
            })
            .unwrap_or(false);
    let call = match authenticate(sandbox, endpoint, &query, &headers, body) {
        Ok(call) => call,
        Err(r) => return reject(sandbox, r),
    };
    let limit_key = call
        .shop
        .map(data::shop_id)
        .unwrap_or_else(|| data::open_id(call.persona.no));
    if sandbox.limiter.check_key(&limit_key).is_err() {
        return reject(
            sandbox,
            Reject(
                codes::RATE_LIMITED,
                "too many requests for this shop".into(),
                StatusCode::TOO_MANY_REQUESTS,
            ),
        );
    }
    let fault = inject_fault(sandbox, &limit_key);
    if let Some(Fault::ServerError) = fault {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::response::Html(
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            ),
        )
            .into_response();
    }
    if let Some(Fault::RateLimited) = fault {
        return reject(
            sandbox,
            Reject(
                codes::RATE_LIMITED,
                "too many requests (burst)".into(),
                StatusCode::TOO_MANY_REQUESTS,
            ),
        );
    }
    let response = match serve_endpoint(&call, endpoint.handler) {
        Ok(data) => envelope(sandbox, StatusCode::OK, codes::OK, "Success", Some(data)),
        Err(r) => reject(sandbox, r),
    };
    if malform || matches!(fault, Some(Fault::Malformed)) {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let cut = bytes.slice(..bytes.len() / 2);
        return (StatusCode::OK, [("content-type", "application/json")], cut).into_response();
    }
    response
}

fn authenticate<'a>(
    sandbox: &'a Sandbox,
    endpoint: &'static Endpoint,
    query: &Option<String>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Call<'a>, Reject> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let params: BTreeMap<String, String> = pairs.iter().cloned().collect();
    if params.get("app_key").map(String::as_str) != Some(sandbox.config.app_key.as_str()) {
        return Err(Reject::new(codes::REQUEST_ERROR, "invalid app_key"));
    }
    let now = now_unix();
    let timestamp: i64 = params
        .get("timestamp")
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| {
            Reject::new(
                codes::REQUEST_ERROR,
                "timestamp is missing or not unix seconds",
            )
        })?;
    if now - timestamp > TIMESTAMP_MAX_AGE || timestamp - now > TIMESTAMP_MAX_SKEW {
        return Err(Reject::new(
            codes::REQUEST_ERROR,
            "timestamp is outside the accepted window (-5 min / +30 s)",
        ));
    }
    let received = params.get("sign").map(String::as_str).unwrap_or("");
    let signed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signable = crate::tiktok::SignableRequest {
        path: endpoint.path,
        params: &signed,
        body: (!body.is_empty()).then_some(&body[..]),
    };
    if !crate::tiktok::sign::verify(&signable, &sandbox.config.app_secret, timestamp, received) {
        return Err(Reject::new(codes::INVALID_SIGNATURE, "invalid signature"));
    }
    let token = headers
        .get("x-tts-access-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let claims = tokens::verify(&sandbox.config.token_signing_key, Kind::Access, token, now)
        .map_err(|r| match r {
            Refusal::Expired => Reject::new(codes::TOKEN_EXPIRED, "access token expired"),
            Refusal::Invalid => Reject::new(codes::INVALID_TOKEN, "invalid access token"),
        })?;
    let persona = sandbox
        .persona(&claims.persona)
        .ok_or_else(|| Reject::new(codes::INVALID_TOKEN, "invalid access token"))?;
    if !persona.scopes.contains(&endpoint.scope) {
        return Err(Reject::new(
            codes::MISSING_SCOPE,
            format!("the authorization lacks the scope {}", endpoint.scope),
        ));
    }
    let shop = if endpoint.shop_scoped {
        let cipher = params.get("shop_cipher").map(String::as_str).unwrap_or("");
        let shop = persona
            .shops
            .iter()
            .find(|s| data::shop_cipher(sandbox.config.seed, s) == cipher)
            .ok_or_else(|| {
                Reject::new(
                    codes::SHOP_CIPHER,
                    "shop_cipher is missing or does not belong to this authorization",
                )
            })?;
        Some(shop)
    } else {
        None
    };
    Ok(Call {
        sandbox,
        persona,
        anchor: claims.anchor,
        shop,
        params,
        body,
        path: endpoint.path,
    })
}

fn inject_fault(sandbox: &Sandbox, key: &str) -> Option<Fault> {
    let fault = sandbox.faults.lock().ok()?.next(key);
    if fault.is_some() {
        sandbox
            .faulted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    fault
}

impl Call<'_> {
    fn frame(&self) -> Frame {
        Frame::new(self.anchor)
    }

    fn book(&self) -> Result<OrderBook, Reject> {
        let shop = self
            .shop
            .ok_or_else(|| Reject::new(codes::SHOP_CIPHER, "shop_cipher is required"))?;
        Ok(OrderBook {
            shop,
            seed: self.sandbox.config.seed,
            frame: self.frame(),
        })
    }

    fn body_json<T: DeserializeOwned + Default>(&self) -> Result<T, Reject> {
        if self.body.is_empty() {
            return Ok(T::default());
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| Reject::new(codes::REQUEST_ERROR, format!("invalid request body: {e}")))
    }

    fn param_i64(&self, key: &str) -> Result<Option<i64>, Reject> {
        match self.params.get(key) {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                Reject::new(codes::REQUEST_ERROR, format!("{key} must be unix seconds"))
            }),
        }
    }

    fn page_size(&self) -> Result<u64, Reject> {
        match self.params.get("page_size") {
            None => Ok(u64::from(MAX_PAGE_SIZE)),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if (1..=u64::from(MAX_PAGE_SIZE)).contains(&n) => Ok(n),
                _ => Err(Reject::new(
                    codes::REQUEST_ERROR,
                    format!("page_size must be between 1 and {MAX_PAGE_SIZE}"),
                )),
            },
        }
    }

    /// A page over `total` items: offset from the opaque token, next token, and the items.
    fn page(&self, total: u64) -> Result<(std::ops::Range<u64>, String), Reject> {
        let size = self.page_size()?;
        let offset = match self.params.get("page_token").filter(|t| !t.is_empty()) {
            None => 0,
            Some(token) => self.read_page_token(token)?,
        };
        let offset = offset.min(total);
        let end = (offset + size).min(total);
        let next = if end < total {
            self.page_token(end)
        } else {
            String::new()
        };
        Ok((offset..end, next))
    }

    fn token_mac(&self, offset: u64) -> String {
        let digest = personas::h(
            self.sandbox.page_key,
            &[
                offset,
                self.anchor as u64,
                personas::h(0, &self.path.bytes().map(u64::from).collect::<Vec<_>>()),
                self.shop.map(|s| s.no).unwrap_or(0),
            ],
        );
        format!("{digest:016x}")
    }

    fn page_token(&self, offset: u64) -> String {
        URL_SAFE_NO_PAD.encode(format!("{offset}:{}", self.token_mac(offset)))
    }

    fn read_page_token(&self, token: &str) -> Result<u64, Reject> {
        let bad = || Reject::new(codes::REQUEST_ERROR, "invalid page_token");
        let text = URL_SAFE_NO_PAD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(bad)?;
        let (offset, mac) = text.split_once(':').ok_or_else(bad)?;
        let offset: u64 = offset.parse().map_err(|_| bad())?;
        if mac != self.token_mac(offset) {
            return Err(bad());
        }
        Ok(offset)
    }
}

fn to_value<T: serde::Serialize>(value: T) -> Result<Value, Reject> {
    serde_json::to_value(value)
        .map_err(|e| Reject::new(codes::REQUEST_ERROR, format!("cannot render: {e}")))
}

fn serve_endpoint(call: &Call<'_>, handler: Handler) -> Result<Value, Reject> {
    let seed = call.sandbox.config.seed;
    match handler {
        Handler::Shops => to_value(api::AuthorizedShops {
            shops: call
                .persona
                .shops
                .iter()
                .map(|s| api::AuthorizedShop {
                    id: data::shop_id(s),
                    name: s.name.into(),
                    region: s.region.into(),
                    seller_type: "LOCAL".into(),
                    cipher: data::shop_cipher(seed, s),
                    code: format!("SBX{}SHOP", s.no),
                })
                .collect(),
        }),
        Handler::OrderSearch => {
            let book = call.book()?;
            let filter: api::OrderSearchFilter = call.body_json()?;
            let from = filter
                .create_time_ge
                .map(|t| book.first_at_or_after(t))
                .unwrap_or(0);
            let until = filter
                .create_time_lt
                .map(|t| book.first_at_or_after(t))
                .unwrap_or(book.len())
                .max(from);
            let descending = call.params.get("sort_order").map(String::as_str) == Some("DESC");
            // An order is updated at most ten days after its creation.
            let (from, until) = match (filter.update_time_ge, filter.create_time_ge) {
                (Some(ge), None) => (
                    book.first_at_or_after(ge - 11 * personas::DAY).max(from),
                    until,
                ),
                _ => (from, until),
            };
            let updated_in = |i: u64| {
                if filter.update_time_ge.is_none() && filter.update_time_lt.is_none() {
                    return true;
                }
                let t = data::order(&book, i).update_time.unwrap_or(0);
                filter.update_time_ge.is_none_or(|ge| t >= ge)
                    && filter.update_time_lt.is_none_or(|lt| t < lt)
            };
            let matching: Vec<u64> = match &filter.order_status {
                Some(status) => (from..until)
                    .filter(|i| book.status(book.kind(*i)) == status.as_str())
                    .filter(|i| updated_in(*i))
                    .collect(),
                None => (from..until).filter(|i| updated_in(*i)).collect(),
            };
            let mut matching = matching;
            if descending {
                matching.reverse();
            }
            let (range, next) = call.page(matching.len() as u64)?;
            let orders = range
                .map(|k| data::order(&book, matching[k as usize]))
                .collect();
            to_value(api::OrderSearchPage {
                orders,
                next_page_token: next,
                total_count: matching.len() as i64,
            })
        }
        Handler::OrderDetail => {
            let book = call.book()?;
            let ids: Vec<&str> = call
                .params
                .get("ids")
                .map(|s| s.split(',').filter(|s| !s.is_empty()).collect())
                .unwrap_or_default();
            if ids.is_empty() || ids.len() > MAX_PAGE_SIZE as usize {
                return Err(Reject::new(
                    codes::REQUEST_ERROR,
                    "ids must name 1 to 50 orders",
                ));
            }
            let orders = ids
                .iter()
                .filter_map(|id| data::order_index(seed, book.shop, &book, id))
                .map(|i| data::order(&book, i))
                .collect();
            to_value(api::OrderDetail { orders })
        }
        Handler::Products => {
            let book = call.book()?;
            let filter: api::ProductSearchFilter = call.body_json()?;
            let matching: Vec<u64> = (0..book.shop.plan.products)
                .filter(|q| {
                    let t = book.frame.spread(*q, book.shop.plan.products);
                    filter.create_time_ge.is_none_or(|ge| t >= ge)
                        && filter.create_time_le.is_none_or(|le| t <= le)
                })
                .collect();
            let (range, next) = call.page(matching.len() as u64)?;
            let products = range
                .map(|k| data::product(&book, matching[k as usize]))
                .collect();
            to_value(api::ProductSearchPage {
                products,
                next_page_token: next,
                total_count: matching.len() as i64,
            })
        }
        Handler::Statements | Handler::Payments => {
            let book = call.book()?;
            let (ge_key, lt_key) = match handler {
                Handler::Statements => ("statement_time_ge", "statement_time_lt"),
                _ => ("create_time_ge", "create_time_lt"),
            };
            let (ge, lt) = (call.param_i64(ge_key)?, call.param_i64(lt_key)?);
            let all: Vec<_> = data::statements(&book)
                .into_iter()
                .filter(|(s, _)| {
                    let t = s.statement_time.unwrap_or(0);
                    ge.is_none_or(|ge| t >= ge) && lt.is_none_or(|lt| t < lt)
                })
                .collect();
            let (range, next) = call.page(all.len() as u64)?;
            let slice = &all[range.start as usize..range.end as usize];
            match handler {
                Handler::Statements => to_value(api::StatementsPage {
                    statements: slice.iter().map(|(s, _)| s.clone()).collect(),
                    next_page_token: next,
                }),
                _ => to_value(api::PaymentsPage {
                    payments: slice.iter().map(|(_, p)| p.clone()).collect(),
                    next_page_token: next,
                }),
            }
        }
        Handler::Withdrawals => {
            let book = call.book()?;
            let all = data::withdrawals(&book);
            let (range, next) = call.page(all.len() as u64)?;
            to_value(api::WithdrawalsPage {
                withdrawals: all[range.start as usize..range.end as usize].to_vec(),
                next_page_token: next,
                total_count: all.len() as i64,
            })
        }
        Handler::Returns => {
            let book = call.book()?;
            let filter: api::ReturnSearchFilter = call.body_json()?;
            let all: Vec<api::ReturnOrder> = data::returns(&book)
                .into_iter()
                .filter(|r| {
                    let t = r.create_time.unwrap_or(0);
                    let u = r.update_time.unwrap_or(0);
                    filter.create_time_ge.is_none_or(|ge| t >= ge)
                        && filter.create_time_lt.is_none_or(|lt| t < lt)
                        && filter.update_time_ge.is_none_or(|ge| u >= ge)
                        && filter.update_time_lt.is_none_or(|lt| u < lt)
                        && filter
                            .order_ids
                            .as_ref()
                            .is_none_or(|ids| ids.contains(&r.order_id))
                        && filter
                            .return_status
                            .as_ref()
                            .is_none_or(|s| s.contains(&r.return_status))
                })
                .collect();
            let (range, next) = call.page(all.len() as u64)?;
            to_value(api::ReturnSearchPage {
                return_orders: all[range.start as usize..range.end as usize].to_vec(),
                next_page_token: next,
                total_count: all.len() as i64,
            })
        }
        Handler::CreatorAffiliate => {
            let plan = call
                .persona
                .creator
                .as_ref()
                .ok_or_else(|| Reject::new(codes::MISSING_SCOPE, "not a creator account"))?;
            let book = AffiliateBook {
                plan,
                no: call.persona.no,
                seed,
                frame: call.frame(),
            };
            let filter: api::AffiliateOrderFilter = call.body_json()?;
            let matching: Vec<u64> = (0..book.len())
                .filter(|i| {
                    let t = book.create_time(*i);
                    filter.create_time_ge.is_none_or(|ge| t >= ge)
                        && filter.create_time_lt.is_none_or(|lt| t < lt)
                })
                .collect();
            let (range, next) = call.page(matching.len() as u64)?;
            let orders = range
                .map(|k| data::creator_affiliate_order(&book, matching[k as usize]))
                .collect();
            to_value(api::AffiliateOrderPage {
                orders,
                next_page_token: next,
                total_count: matching.len() as i64,
            })
        }
        Handler::SellerAffiliate => {
            let book = call.book()?;
            let filter: api::AffiliateOrderFilter = call.body_json()?;
            let from = filter
                .create_time_ge
                .map(|t| book.first_at_or_after(t))
                .unwrap_or(0);
            let until = filter
                .create_time_lt
                .map(|t| book.first_at_or_after(t))
                .unwrap_or(book.len())
                .max(from);
            let matching = data::seller_affiliate_indices(&book, from, until);
            let (range, next) = call.page(matching.len() as u64)?;
            let orders = range
                .map(|k| data::seller_affiliate_order(&book, matching[k as usize]))
                .collect();
            to_value(api::AffiliateOrderPage {
                orders,
                next_page_token: next,
                total_count: matching.len() as i64,
            })
        }
        Handler::Profile => {
            let plan = call
                .persona
                .creator
                .as_ref()
                .ok_or_else(|| Reject::new(codes::MISSING_SCOPE, "not a creator account"))?;
            to_value(api::CreatorProfile {
                username: plan.username.into(),
                nickname: call.persona.name.into(),
                selection_region: call.persona.region.into(),
                follower_count: Some(
                    10_000 + (personas::h(seed, &[call.persona.no, 43]) % 90_000) as i64,
                ),
            })
        }
        Handler::Performance => {
            let shop = call
                .shop
                .ok_or_else(|| Reject::new(codes::SHOP_CIPHER, "shop_cipher is required"))?;
            let (rating, reviews, on_time, violations) = shop.metrics;
            to_value(api::ShopPerformance {
                rating: rating.into(),
                review_count: Some(reviews),
                on_time_delivery_rate: on_time.into(),
                violations: Some(violations),
                shop_open_time: Some(call.anchor - 400 * personas::DAY),
            })
        }
    }
}
