//! The front door's middleware: per-client rate limits on the routes an anonymous visitor can
//! hammer, a CSRF check on every request that changes something, and the client address they
//! both key on.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::RateLimits;

/// The route classes that are rate limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Nonce,
    SignIn,
    Authorize,
    Callback,
    Webhook,
    Shares,
}

fn class_of(method: &Method, path: &str) -> Option<Class> {
    match (method, path) {
        (_, "/api/wallet/nonce") => Some(Class::Nonce),
        (_, "/api/wallet/verify") => Some(Class::SignIn),
        (_, "/api/tiktokshop/auth") => Some(Class::Authorize),
        (_, "/api/tiktokshop/callback") | (_, "/api/tiktokshop/claim") => Some(Class::Callback),
        (_, "/api/webhooks/tiktokshop") => Some(Class::Webhook),
        (&Method::POST, "/api/shares")
        | (_, "/api/shares/create")
        | (_, "/api/attestations/verify") => Some(Class::Shares),
        _ => None,
    }
}

/// Keyed limiters per route class.
pub struct Limits {
    limiters: Vec<(Class, DefaultKeyedRateLimiter<IpAddr>, u32)>,
    client_ip_header: Option<String>,
}

fn quota(per_minute: u32) -> Quota {
    // The minute's budget at once, then refilled at an even pace.
    Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Limits {
    /// The limits of the settings.
    pub fn new(limits: &RateLimits, client_ip_header: Option<String>) -> Arc<Limits> {
        let make =
            |class, per_minute: u32| (class, RateLimiter::keyed(quota(per_minute)), per_minute);
        Arc::new(Limits {
            limiters: vec![
                make(Class::Nonce, limits.nonce),
                make(Class::SignIn, limits.sign_in),
                make(Class::Authorize, limits.authorize),
                make(Class::Callback, limits.callback),
                make(Class::Webhook, limits.webhook),
                make(Class::Shares, limits.shares),
            ],
            client_ip_header,
        })
    }

    /// The client's address: the configured proxy header's first address, else the peer.
    pub fn client_ip(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        if let Some(name) = &self.client_ip_header {
            if let Some(ip) = headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse().ok())
            {
                return Some(ip);
            }
        }
        peer.map(|p| p.ip())
    }

    /// Forgets idle clients (the hourly purge calls it).
    pub fn trim(&self) {
        for (_, limiter, _) in &self.limiters {
            limiter.retain_recent();
        }
    }
}

/// Middleware: answers 429 with `Retry-After` once a client exceeds its class's budget.
pub async fn rate_limit(State(limits): State<Arc<Limits>>, req: Request, next: Next) -> Response {
    let Some(class) = class_of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let Some(ip) = limits.client_ip(req.headers(), peer) else {
        return next.run(req).await;
    };
    let Some((_, limiter, per_minute)) = limits.limiters.iter().find(|(c, _, _)| *c == class)
    else {
        return next.run(req).await;
    };
    match limiter.check_key(&ip) {
        Ok(()) => next.run(req).await,
        Err(not_until) => {
            let wait = not_until
                .wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                ))
                .max(Duration::from_secs(1));
            tracing::info!(client = %ip, class = ?class, per_minute, "rate limited");
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({ "error": "Too many requests from this address; try again shortly." })),
            )
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
    }
}

/// What the CSRF check compares with.
#[derive(Clone)]
pub struct Origin(pub Arc<String>);

/// Paths whose writes come from outside browsers, authenticated otherwise (TikTok's signed
/// webhooks).
fn exempt(path: &str) -> bool {
    path == "/api/webhooks/tiktokshop"
}

/// Middleware: a request that changes something must come from this site. A browser always
/// says where a cross-site request comes from (`Origin`, `Sec-Fetch-Site`); scripts that send
/// neither are not browsers and carry no ambient cookies of a victim. `text/plain` bodies (the
/// form a cross-site "simple" request takes to dodge a preflight) are refused outright.
pub async fn csrf(State(origin): State<Origin>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || exempt(req.uri().path())
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let refuse = |why: &str| {
        tracing::info!(path = %req.uri().path(), why, "a cross-site request was refused");
        (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({ "error": "Cross-site requests are not accepted." })),
        )
            .into_response()
    };
    if let Some(o) = headers.get(header::ORIGIN) {
        if o.to_str().ok() != Some(origin.0.as_str()) {
            return refuse("origin");
        }
    } else if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return refuse("sec-fetch-site");
        }
    }
    let plain = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/plain"));
    if plain {
        return refuse("text/plain");
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_comes_from_the_proxy_header_only_when_configured() {
        let limits = Limits::new(
            &RateLimits {
                nonce: 3,
                sign_in: 3,
                authorize: 3,
                callback: 3,
                webhook: 3,
                shares: 3,
            },
            Some("x-forwarded-for".into()),
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.7, 10.0.0.1"),
        );
        let peer: SocketAddr = "10.0.0.1:5555".parse().unwrap();
        assert_eq!(
            limits.client_ip(&headers, Some(peer)),
            "203.0.113.7".parse().ok()
        );
        let plain = Limits::new(
            &RateLimits {
                nonce: 1,
                sign_in: 1,
                authorize: 1,
                callback: 1,
                webhook: 1,
                shares: 1,
            },
            None,
        );
        assert_eq!(
            plain.client_ip(&headers, Some(peer)),
            Some(peer.ip()),
            "a header nobody vouches for is ignored"
        );
    }

    #[test]
    fn only_the_routes_an_anonymous_visitor_can_hammer_are_classed() {
        assert_eq!(
            class_of(&Method::GET, "/api/wallet/nonce"),
            Some(Class::Nonce)
        );
        assert_eq!(class_of(&Method::POST, "/api/shares"), Some(Class::Shares));
        assert_eq!(class_of(&Method::GET, "/api/shares"), None);
        assert_eq!(class_of(&Method::GET, "/dashboard"), None);
    }
}
