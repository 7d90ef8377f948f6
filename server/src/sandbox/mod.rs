//! The TikTok Shop sandbox: a local stand-in written from TikTok's reference: the seller
//! (global and US), creator and App Store authorization pages, single-use expiring auth codes,
//! self-verifying tokens, signature and timestamp checks, the envelope and the common errors
//! with their documented messages, scopes, shop ciphers, page-size ranges, a rate limit per API
//! and account, cursor paging, latency and fault injection, signed webhooks with TikTok's retry
//! schedule, over deterministic persona data. The same router runs alone (`shopscore sandbox`)
//! or mounted in the app under `/sandbox/…`.

pub mod auth;
pub mod consent;
pub mod faults;
pub mod openapi;
pub mod personas;
pub mod render;
mod serve;
pub mod simulate;
pub mod tokens;
pub mod webhooks;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use url::Url;

use crate::clock::unix_now as now_unix;
use crate::tiktok::AppSecret;
use faults::FaultPlan;
use personas::{AffiliateBook, Frame, OrderBook, Persona, ShopSpec};
use tokens::{Claims, Kind};

/// The sandbox's settings.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The app key clients must send.
    pub app_key: String,
    /// The app secret they sign with.
    pub app_secret: AppSecret,
    /// The service id of the rest-of-world Partner Center app.
    pub service_id: String,
    /// The service id of the US Partner Center app.
    pub us_service_id: String,
    /// The app's registered redirect URL.
    pub redirect_url: Url,
    /// Where webhooks are delivered (the app's receiver), if anywhere.
    pub webhook_url: Option<Url>,
    /// Seed of the generated data.
    pub seed: u64,
    /// Added to every Open API answer.
    pub latency: Duration,
    /// Share of Open API calls answered with a fault: 5xx and 429 bursts (runs of answers for
    /// one shop) and malformed pages, counted answer by answer.
    pub fault_rate: f64,
    /// Requests per second per API and account (TikTok's: 50).
    pub rate_limit_per_sec: u32,
    /// Access token lifetime (default 4 hours, as the seed says; TikTok's guide says 7 days).
    pub access_ttl: Duration,
    /// Refresh token lifetime (default 30 days).
    pub refresh_ttl: Duration,
    /// Auth code lifetime (default 30 minutes, as TikTok documents).
    pub code_ttl: Duration,
    /// Signs the sandbox's tokens (keep it to keep tokens valid across restarts).
    pub token_signing_key: [u8; 32],
    /// Orders of the `large-shop` persona (default 50,000), scaled for benchmarks.
    pub large_shop_orders: Option<u64>,
    /// TikTok's webhook retry delays (2 min, 30 min, 3 h, 12 h), scaled for tests.
    pub webhook_retry_scale: f64,
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
        let service_id = service_id.into();
        SandboxConfig {
            app_key: app_key.into(),
            app_secret,
            us_service_id: format!("{service_id}1"),
            service_id,
            redirect_url,
            webhook_url: None,
            seed: 1,
            latency: Duration::ZERO,
            fault_rate: 0.0,
            rate_limit_per_sec: 50,
            access_ttl: Duration::from_secs(4 * 3600),
            refresh_ttl: Duration::from_secs(30 * 86_400),
            code_ttl: Duration::from_secs(1800),
            token_signing_key,
            large_shop_orders: None,
            webhook_retry_scale: 1.0,
        }
    }

    /// Fresh random app credentials for a local instance (sandbox mode): app key, secret,
    /// rest-of-world and US service ids.
    pub fn generate_credentials() -> (String, AppSecret, String, String) {
        let key = format!("sbx{}", hex::encode(rand::random::<[u8; 5]>()));
        let secret = AppSecret::new(hex::encode(rand::random::<[u8; 20]>()));
        let id = || {
            format!(
                "{}",
                7_000_000_000_000_000_000u64 + rand::random::<u64>() % 1_000_000_000_000_000_000
            )
        };
        (key, secret, id(), id())
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
    /// Prefix of the authorization pages, token endpoints and Open API.
    pub fn prefixes(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SandboxLayout::Standalone => ("", "", ""),
            SandboxLayout::Mounted => ("/sandbox", "/sandbox/auth", "/sandbox/open-api"),
        }
    }
}

/// Outages and hostile answers a test can switch on and off while the sandbox runs.
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
    /// Order searches never end: every page names a fresh next page.
    pub endless_order_cursor: bool,
    /// Order searches answer a body of this many bytes.
    pub huge_order_bodies: Option<usize>,
    /// The next this many order searches with a page token refuse it as invalid.
    pub refuse_page_tokens: u32,
    /// Every order page carries one order that does not decode.
    pub broken_order_records: bool,
    /// The token refresh endpoint answers HTTP 503 (TikTok's auth host is down).
    pub token_outage: bool,
}

/// An order added by `/sandbox/simulate/orders`: (id, created, total in minor units).
pub type SimulatedOrder = (String, i64, i64);
/// A shop's order book layout (its extra slots, interleaved).
type OrderLayout = Arc<[(personas::Category, u64)]>;
/// A creator's affiliate book layout.
type AffiliateLayout = Arc<[(personas::AffiliateKind, u64)]>;

/// A running sandbox: configuration plus the little state it keeps.
pub struct Sandbox {
    config: SandboxConfig,
    used_codes: Mutex<HashSet<String>>,
    retired_refresh: Mutex<HashSet<String>>,
    /// Personas whose grants were withdrawn (tokens answer 105001, refreshes 36004005).
    deauthorized: Mutex<HashSet<String>>,
    limiter: governor::DefaultKeyedRateLimiter<String>,
    faults: Mutex<FaultPlan>,
    faulted: std::sync::atomic::AtomicU64,
    counter: std::sync::atomic::AtomicU64,
    calls: std::sync::atomic::AtomicU64,
    /// Calls answered so far, per Open API path.
    paths: Mutex<HashMap<String, u64>>,
    large_shop: Option<&'static Persona>,
    switches: Mutex<Switches>,
    held: std::sync::atomic::AtomicU64,
    /// Orders added by `/sandbox/simulate/orders`, per sandbox account and shop number.
    simulated: Mutex<HashMap<(u32, u64), Vec<SimulatedOrder>>>,
    /// Cached layouts of the books (by shop or persona number).
    order_layouts: Mutex<HashMap<u64, OrderLayout>>,
    affiliate_layouts: Mutex<HashMap<u64, AffiliateLayout>>,
    /// Keys the page tokens (see [`tokens::page_token_key`]).
    page_key: u64,
    http: reqwest::Client,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("app_key", &self.config.app_key)
            .finish_non_exhaustive()
    }
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Sandbox {
    /// Builds a sandbox.
    pub fn new(config: SandboxConfig) -> Arc<Sandbox> {
        use governor::{Quota, RateLimiter};
        use std::num::NonZeroU32;
        let rate = NonZeroU32::new(config.rate_limit_per_sec.max(1)).unwrap_or(NonZeroU32::MIN);
        let seed = config.seed;
        Arc::new(Sandbox {
            limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(rate)),
            faults: Mutex::new(FaultPlan::new(config.fault_rate, seed)),
            used_codes: Mutex::default(),
            retired_refresh: Mutex::default(),
            deauthorized: Mutex::default(),
            faulted: Default::default(),
            counter: Default::default(),
            calls: Default::default(),
            paths: Mutex::default(),
            large_shop: config.large_shop_orders.map(personas::scaled_large_shop),
            switches: Mutex::default(),
            held: Default::default(),
            simulated: Mutex::default(),
            order_layouts: Mutex::default(),
            affiliate_layouts: Mutex::default(),
            page_key: tokens::page_token_key(&config.token_signing_key),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(3))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
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

    /// The configuration.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Open API calls answered so far (every attempt, faults included).
    pub fn open_api_calls(&self) -> u64 {
        self.calls.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every Open API path called so far (to check a client calls only documented paths).
    pub fn paths_called(&self) -> Vec<String> {
        self.calls_by_path()
            .into_iter()
            .map(|(path, _)| path)
            .collect()
    }

    /// Open API calls answered so far (every attempt), per path, in path order.
    pub fn calls_by_path(&self) -> Vec<(String, u64)> {
        let mut paths: Vec<(String, u64)> = locked(&self.paths)
            .iter()
            .map(|(path, n)| (path.clone(), *n))
            .collect();
        paths.sort();
        paths
    }

    /// Open API calls answered with an injected fault (see [`faults`]).
    pub fn faulted_answers(&self) -> u64 {
        self.faulted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Order searches held unanswered right now (see [`Switches::hold_order_pages`]).
    pub fn held_calls(&self) -> u64 {
        self.held.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Switches outages on or off.
    pub fn set_switches(&self, switches: Switches) {
        *locked(&self.switches) = switches;
    }

    /// The switches now.
    pub fn switches(&self) -> Switches {
        *locked(&self.switches)
    }

    /// Withdraws a persona's grants, as a seller or creator removing the app would: its tokens
    /// answer 105001 and its refresh tokens 36004005.
    pub fn deauthorize(&self, persona: &str) {
        locked(&self.deauthorized).insert(persona.to_string());
    }

    /// Withdraws a persona's grants and tells the app, as TikTok does: a seller deauthorization
    /// (type 6) for each of its shops, and a creator deauthorization (type 20, no `shop_id`) for
    /// its creator account. Returns the deliveries in flight.
    pub fn deauthorize_and_notify(
        self: &Arc<Self>,
        persona: &str,
        account: u32,
    ) -> Vec<tokio::task::JoinHandle<webhooks::Delivered>> {
        self.deauthorize(persona);
        let Some(p) = self.persona(persona) else {
            return Vec::new();
        };
        let now = now_unix();
        let mut sent = Vec::new();
        for shop in p.shops {
            let id = render::shop_id(shop, account);
            sent.push(self.send_webhook(serde_json::json!({
                "type": 6,
                "tts_notification_id": format!("sbx-6-{id}-{now}"),
                "shop_id": id,
                "timestamp": now,
                "data": { "message": format!("Shop_id {id} is deauthorized from your APP by merchant.") }
            })));
        }
        if p.creator.is_some() {
            let open_id = auth::grant_open_id(p, true, account);
            sent.push(self.send_webhook(serde_json::json!({
                "type": 20,
                "tts_notification_id": format!("sbx-20-{open_id}-{now}"),
                "creator_open_id": open_id,
                "timestamp": now,
                "data": { "cancel_time": now }
            })));
        }
        sent
    }

    fn is_deauthorized(&self, persona: &str) -> bool {
        locked(&self.deauthorized).contains(persona)
    }

    fn request_id(&self) -> String {
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("SBX{}{:010}", now_unix(), n)
    }

    /// Issues an auth code for a persona's seller (`creator: false`) or creator grant, as the
    /// authorization pages do (for tests and tools).
    pub fn issue_code(&self, persona: &str, creator: bool, now: i64) -> String {
        self.issue_code_in(persona, creator, 0, now)
    }

    /// [`issue_code`](Self::issue_code) in a sandbox account (a browser's own copy of the
    /// personas).
    pub fn issue_code_in(&self, persona: &str, creator: bool, account: u32, now: i64) -> String {
        tokens::issue(
            &self.config.token_signing_key,
            &Claims {
                kind: Kind::Code,
                persona: tokens::grant_subject(persona, creator, account),
                expires: now + self.config.code_ttl.as_secs() as i64,
                anchor: now,
                nonce: tokens::nonce(),
            },
        )
    }

    /// A shop's order book for an anchor.
    pub fn book(&self, shop: &'static ShopSpec, anchor: i64) -> OrderBook {
        let layout = locked(&self.order_layouts)
            .entry(shop.no)
            .or_insert_with(|| personas::books::layout(shop))
            .clone();
        OrderBook::new(shop, self.config.seed, Frame::new(anchor), layout)
    }

    /// A creator's affiliate book for an anchor.
    pub fn affiliate_book(&self, persona: &'static Persona, anchor: i64) -> Option<AffiliateBook> {
        let plan = persona.creator.as_ref()?;
        let layout = locked(&self.affiliate_layouts)
            .entry(persona.no)
            .or_insert_with(|| personas::books::affiliate_layout(plan))
            .clone();
        Some(AffiliateBook::new(
            plan,
            persona.no,
            self.config.seed,
            Frame::new(anchor),
            layout,
        ))
    }

    /// Orders simulated for a shop: (id, created, total).
    pub fn simulated_orders(&self, account: u32, shop_no: u64) -> Vec<SimulatedOrder> {
        locked(&self.simulated)
            .get(&(account, shop_no))
            .cloned()
            .unwrap_or_default()
    }
}

/// The sandbox routes, state applied (`Router<()>`): `.merge()` them into the app.
pub fn router(sandbox: Arc<Sandbox>, layout: SandboxLayout) -> Router {
    let (page, auth, api_prefix) = layout.prefixes();
    let state = AppState { sandbox, layout };
    let router = Router::new()
        .route(
            &format!("{page}/open/authorize"),
            get(consent::seller_page).post(consent::submit),
        )
        .route(
            &format!("{page}/us/open/authorize"),
            get(consent::us_seller_page),
        )
        .route(
            &format!("{page}/alliance/creator/auth"),
            get(consent::creator_page),
        )
        .route(
            &format!("{page}/appstore"),
            get(consent::app_store_page).post(consent::app_store_install),
        )
        .route(&format!("{page}/simulate/orders"), post(simulate::orders))
        .route(&format!("{auth}/api/v2/token/get"), get(auth::token_get))
        .route(
            &format!("{auth}/api/v2/token/refresh"),
            get(auth::token_refresh),
        );
    openapi::routes(router, api_prefix).with_state(state)
}

/// Serves the standalone sandbox until Ctrl-C.
pub async fn serve(config: SandboxConfig, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, service_id = %config.service_id, "TikTok Shop sandbox listening on http://{local}");
    println!(
        "TikTok Shop sandbox on http://{local}\n  seller:  http://{local}/open/authorize?service_id={}&state=…\n  US:      http://{local}/us/open/authorize?service_id={}&state=…\n  creator: http://{local}/alliance/creator/auth?app_key={}&state=…\n  redirect: {}",
        config.service_id, config.us_service_id, config.app_key, config.redirect_url
    );
    let app = router(Sandbox::new(config), SandboxLayout::Standalone);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    sandbox: Arc<Sandbox>,
    layout: SandboxLayout,
}
