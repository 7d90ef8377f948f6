//! The one send path: rate limit, timestamp, signature, `x-tts-access-token`, the envelope,
//! bounded retries with backoff and jitter for reads, and decoding that keeps a scrubbed body
//! excerpt on failure. HTTP sits behind the small [`Transport`] trait so tests plug in.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use super::api::{ApiRequest, EnvelopeData, EnvelopeHead, Method, Page, Paginated};
use super::de;
use super::error::{classify, codes, scrub_body, ErrorKind, TikTokError};
use super::secret::{AccessToken, AppSecret, AuthCode, RefreshToken, ShopCipher};
use super::sign::{sign, SignableRequest};
use super::turnstile::Turnstile;

/// How many characters of a bad body an error keeps.
const BODY_EXCERPT: usize = 300;
/// First backoff step; doubled per attempt, with jitter.
const BACKOFF_BASE: Duration = Duration::from_millis(200);
/// Longest single backoff.
const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// Longest `Retry-After` honoured.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

/// Where and how to reach TikTok Shop (or the sandbox).
#[derive(Debug, Clone)]
pub struct TikTokConfig {
    /// The app key.
    pub app_key: String,
    /// The app secret.
    pub app_secret: AppSecret,
    /// Token endpoints' base (`https://auth.tiktok-shops.com`, or the sandbox's `/sandbox/auth`).
    pub auth_base: Url,
    /// Open API base (`https://open-api.tiktokglobalshop.com`, or `/sandbox/open-api`).
    pub api_base: Url,
    /// Client-side requests per second per shop (TikTok's limit is about 50).
    pub rate_limit_per_sec: u32,
    /// Timeout of one HTTP exchange.
    pub timeout: Duration,
    /// Retries of a transient failure of a read (0 = try once).
    pub max_retries: u32,
}

impl TikTokConfig {
    /// Explicit bases with the defaults: 50 requests/s, 20 s timeout, 3 retries.
    pub fn new(
        app_key: impl Into<String>,
        app_secret: AppSecret,
        auth_base: Url,
        api_base: Url,
    ) -> TikTokConfig {
        TikTokConfig {
            app_key: app_key.into(),
            app_secret,
            auth_base,
            api_base,
            rate_limit_per_sec: 50,
            timeout: Duration::from_secs(20),
            max_retries: 3,
        }
    }
}

/// Which client a request goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Token get/refresh: never follows redirects.
    Token,
    /// The Open API.
    OpenApi,
}

/// One HTTP exchange as the send path builds it.
pub struct WireRequest {
    /// Token or Open API.
    pub kind: CallKind,
    /// GET or POST.
    pub method: Method,
    /// The full URL (token URLs carry the app secret: never log it).
    pub url: Url,
    /// Headers (the access token among them: never log them).
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes, exactly as signed.
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for WireRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireRequest")
            .field("kind", &self.kind)
            .field("method", &self.method)
            .field("path", &self.url.path())
            .finish_non_exhaustive()
    }
}

/// What came back.
#[derive(Clone)]
pub struct WireResponse {
    /// HTTP status.
    pub status: u16,
    /// `Retry-After` in seconds, when present.
    pub retry_after: Option<Duration>,
    /// The body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for WireResponse {
    /// The body may hold tokens (a token call's answer): only its length is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireResponse")
            .field("status", &self.status)
            .field("retry_after", &self.retry_after)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Why no response came back.
#[derive(Debug, Clone)]
pub enum TransportError {
    /// The timeout elapsed.
    Timeout,
    /// Anything else (the message carries no URL).
    Failed(String),
}

/// The HTTP seam: the reqwest implementation in production, fakes in tests.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Performs one exchange.
    async fn execute(&self, request: WireRequest) -> Result<WireResponse, TransportError>;
}

/// The reqwest transport: two clients built once, the token one without redirects.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    api: reqwest::Client,
    token: reqwest::Client,
}

impl ReqwestTransport {
    /// Builds both clients with the timeout (rustls).
    pub fn new(timeout: Duration) -> Result<ReqwestTransport, TikTokError> {
        let build = |redirects: reqwest::redirect::Policy| {
            reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(10)))
                .redirect(redirects)
                .user_agent(concat!("shopscore/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| {
                    TikTokError::InvalidInput(format!(
                        "cannot build the HTTP client: {}",
                        e.without_url()
                    ))
                })
        };
        Ok(ReqwestTransport {
            // Neither follows redirects: a redirect would carry `x-tts-access-token` to another host.
            api: build(reqwest::redirect::Policy::none())?,
            token: build(reqwest::redirect::Policy::none())?,
        })
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn execute(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        let client = match request.kind {
            CallKind::Token => &self.token,
            CallKind::OpenApi => &self.api,
        };
        let mut builder = match request.method {
            Method::Get => client.get(request.url),
            Method::Post => client.post(request.url),
        };
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportError::Timeout
            } else {
                TransportError::Failed(e.without_url().to_string())
            }
        };
        let response = builder.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.bytes().await.map_err(failed)?.to_vec();
        Ok(WireResponse {
            status,
            retry_after,
            body,
        })
    }
}

/// Who authorized: a seller or a creator (`user_type` 0 or 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    /// `user_type` 0.
    Seller,
    /// `user_type` 1.
    Creator,
}

/// The result of a token exchange or refresh. Expiry times are absolute unix seconds.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// The access token.
    pub access_token: AccessToken,
    /// When it expires (absolute).
    pub access_token_expire_in: i64,
    /// The refresh token: a refresh returns a new one; store it.
    pub refresh_token: RefreshToken,
    /// When it expires (absolute).
    pub refresh_token_expire_in: i64,
    /// The account's open id.
    pub open_id: String,
    /// The seller's or creator's name.
    pub seller_name: String,
    /// `ID`, `US`, `GB`, …
    pub seller_base_region: String,
    /// Seller or creator.
    pub user_type: UserType,
    /// Scopes granted (empty when TikTok does not say).
    pub granted_scopes: Vec<String>,
}

/// The token endpoints' `data`.
#[derive(Deserialize)]
struct TokenData {
    access_token: AccessToken,
    #[serde(deserialize_with = "de::i64_or_zero")]
    access_token_expire_in: i64,
    refresh_token: RefreshToken,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    refresh_token_expire_in: i64,
    #[serde(default, deserialize_with = "de::string")]
    open_id: String,
    #[serde(default, deserialize_with = "de::string")]
    seller_name: String,
    #[serde(default, deserialize_with = "de::string")]
    seller_base_region: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    user_type: Option<i64>,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    granted_scopes: Vec<String>,
}

/// Parses a token endpoint body (exposed for tests and the sample files).
pub fn decode_token_response(status: u16, body: &[u8]) -> Result<TokenGrant, TikTokError> {
    const ENDPOINT: &str = "/api/v2/token";
    let data: TokenData = decode_envelope(ENDPOINT, status, None, body)?;
    let user_type = match data.user_type {
        Some(0) | None => UserType::Seller,
        Some(1) => UserType::Creator,
        Some(other) => {
            return Err(TikTokError::Decode {
                endpoint: ENDPOINT,
                status,
                reason: format!("unknown user_type {other}"),
                scrubbed_body_excerpt: scrub_body(body, BODY_EXCERPT),
            })
        }
    };
    Ok(TokenGrant {
        access_token: data.access_token,
        access_token_expire_in: data.access_token_expire_in,
        refresh_token: data.refresh_token,
        refresh_token_expire_in: data.refresh_token_expire_in,
        open_id: data.open_id,
        seller_name: data.seller_name,
        seller_base_region: data.seller_base_region,
        user_type,
        granted_scopes: data.granted_scopes,
    })
}

/// Reads one response: HTTP status, the envelope (`code != 0` is an error even on HTTP 200),
/// then `data` as `T`. Never panics, whatever the bytes.
pub fn decode_envelope<T: DeserializeOwned>(
    endpoint: &'static str,
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, TikTokError> {
    let decode_error = |reason: String| TikTokError::Decode {
        endpoint,
        status,
        reason,
        scrubbed_body_excerpt: scrub_body(body, BODY_EXCERPT),
    };
    let head = serde_json::from_slice::<EnvelopeHead>(body);
    if let Ok(EnvelopeHead {
        code: Some(code),
        message,
        request_id,
    }) = &head
    {
        if *code != codes::OK {
            return Err(TikTokError::Api {
                code: *code,
                kind: classify(*code),
                // TikTok's own words, scrubbed like a body: they reach logs and errors.
                message: scrub_body(message.as_bytes(), BODY_EXCERPT),
                request_id: request_id.clone(),
                endpoint,
                retry_after,
            });
        }
    }
    if status == 429 {
        return Err(TikTokError::Api {
            code: codes::RATE_LIMITED,
            kind: ErrorKind::RateLimited,
            message: "HTTP 429 Too Many Requests".into(),
            request_id: String::new(),
            endpoint,
            retry_after,
        });
    }
    if status >= 500 {
        return Err(TikTokError::Http5xx {
            status,
            endpoint,
            retry_after,
        });
    }
    match head {
        Err(e) if !(200..300).contains(&status) => {
            let _ = e;
            Err(TikTokError::HttpStatus {
                status,
                endpoint,
                scrubbed_body_excerpt: scrub_body(body, BODY_EXCERPT),
            })
        }
        Err(e) => Err(decode_error(format!("not a JSON envelope: {e}"))),
        Ok(EnvelopeHead { code: None, .. }) => {
            Err(decode_error("JSON without an envelope `code`".into()))
        }
        Ok(_) => match serde_json::from_slice::<EnvelopeData<T>>(body) {
            Ok(EnvelopeData { data: Some(data) }) => Ok(data),
            Ok(EnvelopeData { data: None }) => Err(decode_error("success without `data`".into())),
            Err(e) => Err(decode_error(format!("unexpected `data`: {e}"))),
        },
    }
}

/// The TikTok Shop client: build once, share (`Clone` is cheap).
#[derive(Clone)]
pub struct TikTokClient<T: Transport = ReqwestTransport> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    config: TikTokConfig,
    transport: T,
    limiter: DefaultKeyedRateLimiter<String>,
    /// Per shop: who waits on the limiter next (see [`Turnstile`]).
    turnstiles: std::sync::Mutex<std::collections::HashMap<String, Arc<Turnstile>>>,
}

impl<T: Transport> std::fmt::Debug for TikTokClient<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TikTokClient")
            .field("app_key", &self.inner.config.app_key)
            .field("api_base", &self.inner.config.api_base.as_str())
            .finish_non_exhaustive()
    }
}

impl TikTokClient<ReqwestTransport> {
    /// Builds the client and its two reqwest clients (once).
    pub fn new(config: TikTokConfig) -> Result<Self, TikTokError> {
        let transport = ReqwestTransport::new(config.timeout)?;
        TikTokClient::with_transport(config, transport)
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Joins a base URL (which may carry a path prefix, as the mounted sandbox's does) and a path.
fn endpoint_url(base: &Url, path: &str) -> Result<Url, TikTokError> {
    let joined = format!("{}{}", base.as_str().trim_end_matches('/'), path);
    Url::parse(&joined)
        .map_err(|e| TikTokError::InvalidInput(format!("bad endpoint URL for {path}: {e}")))
}

/// The backoff before retry `attempt` (0-based): exponential with full jitter in its upper
/// half, or the server's `Retry-After` (capped) when it sent one.
pub fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(wait) = retry_after {
        return wait.min(RETRY_AFTER_CAP);
    }
    let ceiling = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(BACKOFF_CAP);
    let half = ceiling / 2;
    let jitter = rand::random::<f64>();
    half + half.mul_f64(jitter)
}

impl<T: Transport> TikTokClient<T> {
    /// A client over any transport (tests use fakes).
    pub fn with_transport(config: TikTokConfig, transport: T) -> Result<Self, TikTokError> {
        let rate = NonZeroU32::new(config.rate_limit_per_sec).ok_or_else(|| {
            TikTokError::InvalidInput("rate_limit_per_sec must be at least 1".into())
        })?;
        // Pace evenly with a small burst, so the server's own window never sees more than it
        // allows even with network jitter.
        let burst =
            NonZeroU32::new((config.rate_limit_per_sec / 10).max(1)).unwrap_or(NonZeroU32::MIN);
        let limiter = RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst));
        Ok(TikTokClient {
            inner: Arc::new(Inner {
                config,
                transport,
                limiter,
                turnstiles: Default::default(),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &TikTokConfig {
        &self.inner.config
    }

    /// Exchanges an auth code for tokens (`/api/v2/token/get`). Never retried: a code is
    /// single-use. Redirects are not followed.
    pub async fn get_token(&self, code: &AuthCode) -> Result<TokenGrant, TikTokError> {
        self.token_call(
            "/api/v2/token/get",
            &[
                ("auth_code", code.expose()),
                ("grant_type", "authorized_code"),
            ],
        )
        .await
    }

    /// Trades a refresh token for new tokens (`/api/v2/token/refresh`); the answer carries a
    /// new refresh token that replaces the old one. Never retried.
    pub async fn refresh_token(&self, refresh: &RefreshToken) -> Result<TokenGrant, TikTokError> {
        self.token_call(
            "/api/v2/token/refresh",
            &[
                ("refresh_token", refresh.expose()),
                ("grant_type", "refresh_token"),
            ],
        )
        .await
    }

    async fn token_call(
        &self,
        path: &'static str,
        params: &[(&str, &str)],
    ) -> Result<TokenGrant, TikTokError> {
        let config = &self.inner.config;
        let mut url = endpoint_url(&config.auth_base, path)?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("app_key", &config.app_key);
            query.append_pair("app_secret", config.app_secret.expose());
            for (k, v) in params {
                query.append_pair(k, v);
            }
        }
        let request = WireRequest {
            kind: CallKind::Token,
            method: Method::Get,
            url,
            headers: Vec::new(),
            body: None,
        };
        let started = std::time::Instant::now();
        let response = self
            .inner
            .transport
            .execute(request)
            .await
            .map_err(|e| transport_error(path, e))?;
        let result = decode_token_response(response.status, &response.body);
        tracing::debug!(
            endpoint = path,
            status = response.status,
            duration_ms = started.elapsed().as_millis() as u64,
            ok = result.is_ok(),
            "TikTok Shop token call"
        );
        result
    }

    /// Sends one Open API request: the one path every endpoint goes through.
    pub async fn send<R: ApiRequest>(
        &self,
        token: &AccessToken,
        shop: Option<&ShopCipher>,
        request: &R,
    ) -> Result<R::Response, TikTokError> {
        // A single call (the connect flow, a metrics read) goes before any backfill page.
        self.send_ranked(token, shop, request, i64::MAX).await
    }

    /// [`send`](Self::send), queued for the shop's rate limiter at `rank`: while calls wait
    /// for it, the highest rank goes first, the earliest among equals (a backfill ranks its
    /// slices by the records they have left).
    pub async fn send_ranked<R: ApiRequest>(
        &self,
        token: &AccessToken,
        shop: Option<&ShopCipher>,
        request: &R,
        rank: i64,
    ) -> Result<R::Response, TikTokError> {
        let path = request.path();
        if R::SHOP_SCOPED && shop.is_none() {
            return Err(TikTokError::InvalidInput(format!(
                "{path} is shop-scoped and needs a shop cipher"
            )));
        }
        let config = &self.inner.config;
        let body = request.body().map_err(|e| {
            TikTokError::InvalidInput(format!("cannot serialise the body of {path}: {e}"))
        })?;
        let endpoint_params = request.query();
        let limiter_key = shop.map(|s| s.as_str().to_string()).unwrap_or_default();
        let turnstile = self.turnstile(&limiter_key);
        let mut attempt = 0u32;
        loop {
            {
                let _turn = turnstile.turn(rank).await;
                self.inner.limiter.until_key_ready(&limiter_key).await;
            }
            let timestamp = now_unix();
            let timestamp_text = timestamp.to_string();
            let mut params: Vec<(&str, &str)> =
                vec![("app_key", &config.app_key), ("timestamp", &timestamp_text)];
            if let Some(shop) = shop {
                params.push(("shop_cipher", shop.as_str()));
            }
            params.extend(endpoint_params.iter().map(|(k, v)| (*k, v.as_str())));
            let signature = sign(
                &SignableRequest {
                    path,
                    params: &params,
                    body: body.as_deref().map(str::as_bytes),
                },
                &config.app_secret,
                timestamp,
            );
            let mut url = endpoint_url(&config.api_base, path)?;
            {
                let mut query = url.query_pairs_mut();
                for (k, v) in &params {
                    if !v.is_empty() {
                        query.append_pair(k, v);
                    }
                }
                query.append_pair("sign", signature.as_str());
            }
            let wire = WireRequest {
                kind: CallKind::OpenApi,
                method: R::METHOD,
                url,
                headers: vec![
                    ("x-tts-access-token", token.expose().to_string()),
                    ("content-type", "application/json".to_string()),
                ],
                body: body.as_ref().map(|b| b.as_bytes().to_vec()),
            };
            let started = std::time::Instant::now();
            let result = match self.inner.transport.execute(wire).await {
                Ok(response) => decode_envelope::<R::Response>(
                    path,
                    response.status,
                    response.retry_after,
                    &response.body,
                ),
                Err(e) => Err(transport_error(path, e)),
            };
            let duration_ms = started.elapsed().as_millis() as u64;
            match result {
                Ok(data) => {
                    tracing::debug!(
                        endpoint = path,
                        attempt,
                        duration_ms,
                        "TikTok Shop call succeeded"
                    );
                    return Ok(data);
                }
                Err(error)
                    if R::IDEMPOTENT_READ
                        && error.is_transient()
                        && attempt < config.max_retries =>
                {
                    let wait = backoff(attempt, error.retry_after());
                    tracing::info!(endpoint = path, attempt, duration_ms, wait_ms = wait.as_millis() as u64, error = %error, "TikTok Shop call failed transiently; retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(error) => {
                    tracing::warn!(endpoint = path, attempt, duration_ms, kind = ?error.kind(), error = %error, "TikTok Shop call failed");
                    return Err(error);
                }
            }
        }
    }

    fn turnstile(&self, key: &str) -> Arc<Turnstile> {
        let mut map = self
            .inner
            .turnstiles
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        map.entry(key.to_string()).or_default().clone()
    }

    /// Iterates the pages of a cursor endpoint from `request`'s page token (`None`: the
    /// first page). Resumable: [`Pages::next_token`] is where to start again.
    pub fn pages<'a, R: Paginated>(
        &'a self,
        token: &'a AccessToken,
        shop: Option<&'a ShopCipher>,
        request: R,
    ) -> Pages<'a, R, T>
    where
        R::Response: Page,
    {
        Pages {
            client: self,
            token,
            shop,
            next: Some(request),
        }
    }
}

fn transport_error(endpoint: &'static str, error: TransportError) -> TikTokError {
    match error {
        TransportError::Timeout => TikTokError::Timeout { endpoint },
        TransportError::Failed(message) => TikTokError::Transport { endpoint, message },
    }
}

/// The pages of a cursor endpoint, fetched one at a time.
pub struct Pages<'a, R: Paginated, T: Transport> {
    client: &'a TikTokClient<T>,
    token: &'a AccessToken,
    shop: Option<&'a ShopCipher>,
    next: Option<R>,
}

impl<R: Paginated, T: Transport> Pages<'_, R, T>
where
    R::Response: Page,
{
    /// The next page, `None` after the last one. After an error the iterator stays at the
    /// failed page, so calling again retries it.
    pub async fn next_page(&mut self) -> Option<Result<R::Response, TikTokError>> {
        let request = self.next.as_ref()?;
        match self.client.send(self.token, self.shop, request).await {
            Ok(page) => {
                self.next = page
                    .next_page_token()
                    .map(|t| request.at_page(Some(t.to_string())));
                Some(Ok(page))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiktok::api::{GetAuthorizedShops, SearchOrders};
    use std::sync::Mutex;

    type Seen = (CallKind, String, Vec<(&'static str, String)>);

    /// Answers from a script and records what it was asked.
    struct Scripted {
        answers: Mutex<Vec<Result<WireResponse, TransportError>>>,
        seen: Mutex<Vec<Seen>>,
    }

    impl Scripted {
        fn new(mut answers: Vec<Result<WireResponse, TransportError>>) -> Scripted {
            answers.reverse();
            Scripted {
                answers: Mutex::new(answers),
                seen: Mutex::new(Vec::new()),
            }
        }
    }

    #[async_trait]
    impl Transport for Scripted {
        async fn execute(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
            self.seen.lock().unwrap().push((
                request.kind,
                request.url.to_string(),
                request.headers,
            ));
            self.answers
                .lock()
                .unwrap()
                .pop()
                .unwrap_or(Err(TransportError::Failed("script exhausted".into())))
        }
    }

    fn answer(status: u16, body: &str) -> Result<WireResponse, TransportError> {
        Ok(WireResponse {
            status,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        })
    }

    fn client(script: Vec<Result<WireResponse, TransportError>>) -> TikTokClient<Scripted> {
        let base = Url::parse("http://tiktok.test/sandbox/open-api").unwrap();
        let mut config = TikTokConfig::new(
            "key",
            AppSecret::new("secret"),
            Url::parse("http://auth.test").unwrap(),
            base,
        );
        config.rate_limit_per_sec = 1000;
        TikTokClient::with_transport(config, Scripted::new(script)).unwrap()
    }

    const SHOPS_OK: &str = r#"{"code":0,"message":"Success","request_id":"r","data":{"shops":[]}}"#;
    const EMPTY_PAGE: &str = r#"{"code":0,"message":"Success","request_id":"r","data":{"orders":[],"next_page_token":"","total_count":0}}"#;

    fn cipher() -> ShopCipher {
        ShopCipher::parse("C1").unwrap()
    }

    #[tokio::test]
    async fn a_call_carries_the_token_header_and_a_signature_over_the_endpoint_path() {
        let c = client(vec![answer(200, SHOPS_OK)]);
        c.send(&AccessToken::new("tok"), None, &GetAuthorizedShops)
            .await
            .unwrap();
        let seen = c.inner.transport.seen.lock().unwrap();
        let (kind, url, headers) = &seen[0];
        assert_eq!(*kind, CallKind::OpenApi);
        let url = Url::parse(url).unwrap();
        assert_eq!(url.path(), "/sandbox/open-api/authorization/202309/shops");
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let ts: i64 = get("timestamp").unwrap().parse().unwrap();
        let expected = sign(
            &SignableRequest {
                path: "/authorization/202309/shops",
                params: &[("app_key", "key")],
                body: None,
            },
            &AppSecret::new("secret"),
            ts,
        );
        assert_eq!(get("sign").as_deref(), Some(expected.as_str()));
        assert!(headers.contains(&("x-tts-access-token", "tok".to_string())));
        assert!(headers.contains(&("content-type", "application/json".to_string())));
    }

    #[tokio::test]
    async fn a_non_zero_code_on_http_200_is_an_error_with_its_kind() {
        let c = client(vec![answer(
            200,
            r#"{"code":105002,"message":"expired","request_id":"r1"}"#,
        )]);
        let err = c
            .send(&AccessToken::new("t"), None, &GetAuthorizedShops)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TokenExpired);
        assert_eq!(err.code(), Some(105002));
    }

    #[tokio::test]
    async fn a_read_is_retried_after_429_and_5xx_then_succeeds() {
        let c = client(vec![
            Ok(WireResponse {
                status: 429,
                retry_after: Some(Duration::from_secs(1)),
                body: b"{}".to_vec(),
            }),
            answer(503, "<html>busy</html>"),
            answer(200, EMPTY_PAGE),
        ]);
        let page = c
            .send(
                &AccessToken::new("t"),
                Some(&cipher()),
                &SearchOrders::created_between(0, 10),
            )
            .await
            .unwrap();
        assert_eq!(page.total_count, 0);
        assert_eq!(c.inner.transport.seen.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn retries_are_bounded() {
        let c = client(vec![
            answer(500, ""),
            answer(500, ""),
            answer(500, ""),
            answer(500, ""),
            answer(200, EMPTY_PAGE),
        ]);
        let err = c
            .send(
                &AccessToken::new("t"),
                Some(&cipher()),
                &SearchOrders::created_between(0, 10),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ServerError);
        assert_eq!(
            c.inner.transport.seen.lock().unwrap().len(),
            4,
            "one try and three retries"
        );
    }

    #[tokio::test]
    async fn a_signature_error_is_never_retried() {
        let c = client(vec![
            answer(200, r#"{"code":106001,"message":"bad sign"}"#),
            answer(200, SHOPS_OK),
        ]);
        let err = c
            .send(&AccessToken::new("t"), None, &GetAuthorizedShops)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSignature);
        assert_eq!(c.inner.transport.seen.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_token_call_is_never_retried_and_uses_the_no_redirect_client() {
        let c = client(vec![answer(503, ""), answer(200, SHOPS_OK)]);
        let err = c.get_token(&AuthCode::new("code")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ServerError);
        let seen = c.inner.transport.seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0, CallKind::Token);
        assert!(seen[0].1.starts_with("http://auth.test/api/v2/token/get?app_key=key&app_secret=secret&auth_code=code&grant_type=authorized_code"));
    }

    #[tokio::test]
    async fn a_shop_scoped_call_without_a_cipher_is_refused_before_sending() {
        let c = client(vec![]);
        let err = c
            .send(
                &AccessToken::new("t"),
                None,
                &SearchOrders::created_between(0, 1),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(c.inner.transport.seen.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_html_error_page_is_a_typed_error_with_a_scrubbed_excerpt() {
        let c = client(vec![answer(
            200,
            "<html><body>Bad gateway ROW_Fw8rBwAAAAAkW03FYd09DG9INtpw361</body></html>",
        )]);
        let err = c
            .send(&AccessToken::new("t"), None, &GetAuthorizedShops)
            .await
            .unwrap_err();
        match err {
            TikTokError::Decode {
                scrubbed_body_excerpt,
                ..
            } => {
                assert!(scrubbed_body_excerpt.contains("Bad gateway"));
                assert!(!scrubbed_body_excerpt.contains("ROW_Fw8r"));
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn pages_follow_the_cursor_until_the_empty_token() {
        let first = r#"{"code":0,"data":{"orders":[{"id":"1","status":"COMPLETED"}],"next_page_token":"abc","total_count":2}}"#;
        let second = r#"{"code":0,"data":{"orders":[{"id":"2","status":"COMPLETED"}],"next_page_token":"","total_count":2}}"#;
        let c = client(vec![answer(200, first), answer(200, second)]);
        let token = AccessToken::new("t");
        let shop = cipher();
        let mut pages = c.pages(&token, Some(&shop), SearchOrders::created_between(0, 10));
        let mut ids = Vec::new();
        while let Some(page) = pages.next_page().await {
            ids.extend(page.unwrap().orders.into_iter().map(|o| o.id));
        }
        assert_eq!(ids, vec!["1", "2"]);
        let seen = c.inner.transport.seen.lock().unwrap();
        assert!(seen[1].1.contains("page_token=abc"));
    }

    #[test]
    fn backoff_grows_and_honours_retry_after() {
        assert_eq!(
            backoff(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(backoff(0, Some(Duration::from_secs(3600))), RETRY_AFTER_CAP);
        let first = backoff(0, None);
        assert!(first >= BACKOFF_BASE / 2 && first <= BACKOFF_BASE);
        let late = backoff(10, None);
        assert!(late >= BACKOFF_CAP / 2 && late <= BACKOFF_CAP);
    }
}
