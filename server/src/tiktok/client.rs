//! The one send path: validation against the reference's ranges, a rate limiter per API and
//! account (TikTok allows 50 QPS per API for each app and shop), timestamp, signature,
//! `x-tts-access-token`, the envelope, the retry policy for reads, and decoding that keeps a
//! scrubbed body excerpt on failure. HTTP sits behind [`Transport`] so tests plug in.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use url::Url;

use super::api::{ApiRequest, Method};
use super::envelope::decode_envelope;
use super::error::TikTokError;
use super::retry::{Outcome, RetryPolicy};
use super::secret::{AccessToken, AppSecret, AuthCode, RefreshToken, ShopCipher};
use super::sign::{sign, SignableRequest};
use super::token::{classify_refresh, decode_token_response, TokenGrant};
use super::transport::{CallKind, ReqwestTransport, Transport, WireRequest};
use super::turnstile::Turnstile;

/// The default cap on an answer's body: TikTok's largest pages are well under a megabyte.
pub const DEFAULT_MAX_BODY: usize = 8 * 1024 * 1024;

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
    /// Requests per second per API and account (TikTok's limit: 50).
    pub rate_limit_per_sec: u32,
    /// Timeout of one HTTP exchange.
    pub timeout: Duration,
    /// How reads are retried.
    pub retry: RetryPolicy,
    /// The largest answer body read.
    pub max_body_bytes: usize,
}

impl TikTokConfig {
    /// Explicit bases with the defaults: 50 requests/s per API, 20 s timeout, the default
    /// retry policy, an 8 MiB body cap.
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
            retry: RetryPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY,
        }
    }
}

/// Whose data a call reads: a shop (seller token and `shop_cipher`) or a user's own account
/// (the creator's affiliate data, or the seller's list of shops). Rate limits are kept per API
/// and per this account.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A shop-scoped call.
    Shop(&'a ShopCipher),
    /// A call for the authorizing user (no `shop_cipher`), keyed by its open id.
    User(&'a str),
}

impl Scope<'_> {
    /// The account part of the rate-limit key.
    pub fn account(&self) -> &str {
        match self {
            Scope::Shop(cipher) => cipher.as_str(),
            Scope::User(open_id) => open_id,
        }
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
    /// Per API and account: who waits on the limiter next (see [`Turnstile`]).
    turnstiles: Mutex<HashMap<String, Arc<Turnstile>>>,
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
                turnstiles: Mutex::default(),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &TikTokConfig {
        &self.inner.config
    }

    /// The transport (tests inspect what was sent).
    pub fn transport(&self) -> &T {
        &self.inner.transport
    }

    /// Exchanges an auth code for tokens (`/api/v2/token/get`). Never retried: a code is
    /// single-use.
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

    /// Trades a refresh token for new tokens (`/api/v2/token/refresh`); the answer's refresh
    /// token replaces the old one. Never retried. A refused refresh token is
    /// [`super::ErrorKind::RefreshRefused`]; every other failure is not a reason to reconnect.
    pub async fn refresh_token(&self, refresh: &RefreshToken) -> Result<TokenGrant, TikTokError> {
        self.token_call(
            "/api/v2/token/refresh",
            &[
                ("refresh_token", refresh.expose()),
                ("grant_type", "refresh_token"),
            ],
        )
        .await
        .map_err(classify_refresh)
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
            max_body: config.max_body_bytes,
        };
        let started = std::time::Instant::now();
        let response = self
            .inner
            .transport
            .execute(request)
            .await
            .map_err(|e| e.into_tiktok(path))?;
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

    /// Sends one Open API request at the front of its limiter's queue (a single call of the
    /// connect flow goes before any backfill page).
    pub async fn send<R: ApiRequest>(
        &self,
        token: &AccessToken,
        scope: Scope<'_>,
        request: &R,
    ) -> Result<R::Response, TikTokError> {
        self.send_ranked(token, scope, request, i64::MAX).await
    }

    /// [`send`](Self::send), queued for its API's rate limiter at `rank`: while calls wait, the
    /// highest rank goes first, the earliest among equals (a backfill ranks its slices by the
    /// records they have left).
    pub async fn send_ranked<R: ApiRequest>(
        &self,
        token: &AccessToken,
        scope: Scope<'_>,
        request: &R,
        rank: i64,
    ) -> Result<R::Response, TikTokError> {
        let endpoint = R::PATH;
        let config = &self.inner.config;
        request
            .validate()
            .map_err(|e| TikTokError::InvalidInput(format!("{endpoint}: {e}")))?;
        let cipher = match (R::SHOP_SCOPED, scope) {
            (true, Scope::Shop(cipher)) => Some(cipher),
            (false, Scope::User(_)) => None,
            (true, Scope::User(_)) => {
                return Err(TikTokError::InvalidInput(format!(
                    "{endpoint} is shop-scoped and needs a shop cipher"
                )))
            }
            (false, Scope::Shop(_)) => {
                return Err(TikTokError::InvalidInput(format!(
                    "{endpoint} takes no shop cipher (TikTok answers 36009004 \"Unexpected identifier\")"
                )))
            }
        };
        let path = request.path();
        let body = request.body().map_err(|e| {
            TikTokError::InvalidInput(format!("cannot serialise the body of {endpoint}: {e}"))
        })?;
        let endpoint_params = request.query();
        let key = format!("{endpoint}|{}", scope.account());
        let turnstile = self.turnstile(&key);
        let mut retries = 0u32;
        loop {
            {
                let _turn = turnstile.turn(rank).await;
                self.inner.limiter.until_key_ready(&key).await;
            }
            let timestamp = now_unix();
            let timestamp_text = timestamp.to_string();
            let mut params: Vec<(&str, &str)> =
                vec![("app_key", &config.app_key), ("timestamp", &timestamp_text)];
            if let Some(cipher) = cipher {
                params.push(("shop_cipher", cipher.as_str()));
            }
            params.extend(endpoint_params.iter().map(|(k, v)| (*k, v.as_str())));
            let signature = sign(
                &SignableRequest {
                    path: &path,
                    params: &params,
                    body: body.as_deref().map(str::as_bytes),
                },
                &config.app_secret,
                timestamp,
            );
            let mut url = endpoint_url(&config.api_base, &path)?;
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
                max_body: config.max_body_bytes,
            };
            let started = std::time::Instant::now();
            let result = match self.inner.transport.execute(wire).await {
                Ok(response) => decode_envelope::<R::Response>(
                    endpoint,
                    response.status,
                    response.retry_after,
                    &response.body,
                ),
                Err(e) => Err(e.into_tiktok(endpoint)),
            };
            let duration_ms = started.elapsed().as_millis() as u64;
            let error = match result {
                Ok(data) => {
                    tracing::debug!(endpoint, retries, duration_ms, "TikTok Shop call succeeded");
                    return Ok(data);
                }
                Err(error) => error,
            };
            let decision = if R::IDEMPOTENT_READ {
                config.retry.decide(&error, retries, rand::random::<f64>())
            } else {
                Outcome::Stop
            };
            match decision {
                Outcome::Retry(wait) => {
                    tracing::info!(endpoint, retries, duration_ms, wait_ms = wait.as_millis() as u64, error = %error, "TikTok Shop call failed transiently; retrying");
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
                Outcome::Stop => {
                    alert_if_operator_error(&error);
                    tracing::warn!(endpoint, retries, duration_ms, kind = ?error.kind(), error = %error, "TikTok Shop call failed");
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

    /// Forgets the limiter state of an account (its connection went): the per-account maps
    /// only hold accounts in use.
    pub fn forget_account(&self, account: &str) {
        let suffix = format!("|{account}");
        self.inner
            .turnstiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|key, turnstile| !key.ends_with(&suffix) || Arc::strong_count(turnstile) > 1);
        self.trim();
    }

    /// Drops idle per-account state: queues nobody waits in, limiter cells back to full.
    pub fn trim(&self) {
        self.inner
            .turnstiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, turnstile| Arc::strong_count(turnstile) > 1);
        self.inner.limiter.retain_recent();
        self.inner.limiter.shrink_to_fit();
    }

    /// How many per-account queues are held (for tests of [`Self::trim`]).
    pub fn accounts_held(&self) -> usize {
        self.inner
            .turnstiles
            .lock()
            .map(|m| m.len())
            .unwrap_or_default()
    }
}

/// Errors an operator must fix (not a seller): logged at error level once, where they occur.
fn alert_if_operator_error(error: &TikTokError) {
    use super::error::ErrorKind;
    match error.kind() {
        ErrorKind::VersionRetired => {
            tracing::error!(alert = "tiktok_version_retired", error = %error, "TikTok Shop retired an API version this build calls: upgrade shopscore")
        }
        ErrorKind::IpNotAllowed => {
            tracing::error!(alert = "tiktok_ip_not_allowed", error = %error, "TikTok Shop refuses this server's IP address: add it to the app's IP allow list in Partner Center")
        }
        ErrorKind::OurBug => {
            tracing::error!(alert = "tiktok_request_rejected", error = %error, "TikTok Shop rejected a request shopscore built: a bug or a misconfigured app key or clock")
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
