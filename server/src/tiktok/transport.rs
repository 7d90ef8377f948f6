//! The HTTP seam: one exchange as the send path builds it, the [`Transport`] trait that tests
//! and the sandbox benchmark plug into, and the reqwest implementation (two clients built once,
//! no redirects, bodies read through a size cap so a hostile answer cannot grow the process).

use std::time::Duration;

use async_trait::async_trait;
use url::Url;

use super::api::Method;
use super::error::TikTokError;

/// Which client a request goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Token get/refresh.
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
    /// The largest answer body read; a larger one is [`TransportError::TooLarge`].
    pub max_body: usize,
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

/// Why no (usable) response came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The timeout elapsed.
    Timeout,
    /// The body was larger than the request's cap (it was not read further).
    TooLarge(usize),
    /// Anything else (the message carries no URL).
    Failed(String),
}

impl TransportError {
    /// The client's error for a failed exchange with `endpoint`.
    pub fn into_tiktok(self, endpoint: &'static str) -> TikTokError {
        match self {
            TransportError::Timeout => TikTokError::Timeout { endpoint },
            TransportError::TooLarge(limit) => TikTokError::TooLarge { endpoint, limit },
            TransportError::Failed(message) => TikTokError::Transport { endpoint, message },
        }
    }
}

/// The HTTP seam: the reqwest implementation in production, fakes in tests.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Performs one exchange.
    async fn execute(&self, request: WireRequest) -> Result<WireResponse, TransportError>;
}

/// The reqwest transport: two clients built once, neither following redirects (a redirect
/// would carry `x-tts-access-token`, or a token URL's secret, to another host).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    api: reqwest::Client,
    token: reqwest::Client,
}

impl ReqwestTransport {
    /// Builds both clients with the timeout (rustls).
    pub fn new(timeout: Duration) -> Result<ReqwestTransport, TikTokError> {
        let build = || {
            reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(10)))
                .redirect(reqwest::redirect::Policy::none())
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
            api: build()?,
            token: build()?,
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
        let mut response = builder.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let limit = request.max_body;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(TransportError::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > limit {
                return Err(TransportError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(WireResponse {
            status,
            retry_after,
            body,
        })
    }
}
