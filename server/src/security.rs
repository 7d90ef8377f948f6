//! Security headers on every response, with a fresh CSP nonce per request that Leptos puts on
//! its hydration scripts; `Cache-Control: no-store` on every answer that may carry personal
//! data; HSTS when the site is served over HTTPS.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::HeaderValue;

/// The nonce minted for this request; the Leptos context hands it to the hydration scripts.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// A fresh nonce: 128 random bits, base64url.
fn new_nonce() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The Content-Security-Policy for a page rendered with `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether the site is served over HTTPS (HSTS is sent then).
#[derive(Clone, Copy, Debug)]
pub struct Https(pub bool);

/// Requests whose answers may carry personal data: never stored by a browser or proxy. The
/// landing page is personal with a cookie (it shows the signed-in wallet).
fn personal(req: &Request) -> bool {
    let path = req.uri().path();
    path == "/dashboard"
        || path.starts_with("/api/")
        || path.starts_with("/share/")
        || (path == "/" && req.headers().contains_key(http::header::COOKIE))
}

/// Middleware: mints the nonce and sets the security headers.
pub async fn headers(
    axum::extract::State(https): axum::extract::State<Https>,
    mut req: Request,
    next: Next,
) -> Response {
    let no_store = personal(&req);
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
        headers.insert(CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    );
    if https.0 {
        headers.insert(
            http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if no_store {
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    response
}
