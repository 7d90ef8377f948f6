//! The landing page as a visitor sees it, rendered once per process. A visitor (a `GET /`
//! without a query and without any cookie) gets the same page as every other visitor but for
//! the CSP nonce, so the first such render is kept with its nonce cut out, and later visitors
//! get it with their own nonce put back: a static page's cost. Anything else, a signed-in
//! browser included, renders as before.
//!
//! What the kept page shows cannot change while the process runs: the landing page reads only
//! the signed-in wallet (none without a cookie) and the site's fixed configuration.

use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::security::CspNonce;

/// The largest page kept (the landing page is about 30 KB); a larger one is served, not kept.
const MAX_PAGE: usize = 512 * 1024;

/// The kept page.
#[derive(Clone, Default)]
pub struct VisitorPage(Arc<RwLock<Option<Arc<Kept>>>>);

struct Kept {
    headers: HeaderMap,
    /// The body split where its nonce stood.
    pieces: Vec<Bytes>,
}

impl Kept {
    fn response(&self, nonce: &str) -> Response {
        let mut body = Vec::with_capacity(self.pieces.iter().map(Bytes::len).sum::<usize>() + 64);
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// Whether a request is a visitor's landing page.
fn visitor_landing(req: &Request) -> bool {
    req.method() == Method::GET
        && req.uri().path() == "/"
        && req.uri().query().is_none()
        && !req.headers().contains_key(header::COOKIE)
}

/// Middleware (inside the security headers, which mint the nonce).
pub async fn serve(State(page): State<VisitorPage>, req: Request, next: Next) -> Response {
    if !visitor_landing(&req) {
        return next.run(req).await;
    }
    let Some(nonce) = req.extensions().get::<CspNonce>().map(|n| n.0.clone()) else {
        return next.run(req).await;
    };
    let kept = page.0.read().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(kept) = kept {
        return kept.response(&nonce);
    }
    let response = next.run(req).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK
        || !html
        || response.headers().contains_key(header::SET_COOKIE)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        // The render failed midway: this visitor gets an error page rather than half a page.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if bytes.len() > MAX_PAGE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let kept = Kept {
        headers: parts.headers.clone(),
        pieces: split(&bytes, nonce.as_bytes()),
    };
    *page.0.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(kept));
    Response::from_parts(parts, Body::from(bytes))
}

/// `bytes` cut at every occurrence of `needle`.
fn split(bytes: &Bytes, needle: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while !needle.is_empty() && i + needle.len() <= bytes.len() {
        if &bytes[i..i + needle.len()] == needle {
            pieces.push(bytes.slice(start..i));
            i += needle.len();
            start = i;
        } else {
            i += 1;
        }
    }
    pieces.push(bytes.slice(start..));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_cut_at_each_nonce_and_put_back_with_another() {
        let page = Bytes::from_static(
            b"<script nonce=\"N0\">a</script><p>N</p><script nonce=\"N0\"></script>",
        );
        let pieces = split(&page, b"N0");
        assert_eq!(pieces.len(), 3);
        let kept = Kept {
            headers: HeaderMap::new(),
            pieces,
        };
        let response = kept.response("XYZ");
        let body = futures::executor::block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
            .unwrap();
        assert_eq!(
            &body[..],
            b"<script nonce=\"XYZ\">a</script><p>N</p><script nonce=\"XYZ\"></script>"
        );
    }
}
