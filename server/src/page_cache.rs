//! Kept pages: a rendered page served again, with the response's own CSP nonce put back, for
//! as long as what it shows has not changed. Three kinds of page are kept:
//!
//! - **The visitors' landing page** (a `GET /` without a query and without any cookie). It
//!   reads only the signed-in wallet (none without a cookie) and the site's fixed
//!   configuration, so one render serves every visitor while the router runs. It is kept
//!   apart from the budget below: no number of signed-in pages pushes it out.
//! - **A signed-in browser's landing page** (a `GET /` without a query, with a cookie). Its
//!   render is a function of the signed-in wallet (or none: a session that ended) and the
//!   site's configuration. The wallet is read from the session once per view and the kept
//!   render is found by it; the render that misses is given the wallet already read.
//! - **The dashboard** (a `GET /dashboard` without a query; the views with a connection
//!   attempt's outcome in the query are rendered each time, so made-up queries cannot fill the
//!   budget). Its render is a function of the dashboard's data (the wallet, its connections,
//!   score, insights and shares, an install the browser holds) and the site's configuration.
//!   The data is read once per view, as the page would read it, and the kept render is found
//!   by a digest of that data (the score and insights by the text they are kept as, so a view
//!   served from a kept render parses neither): any change to the data is a different page,
//!   and the render that misses is given the data already read, so it cannot show anything
//!   else.
//!
//! Only a complete `200` HTML page that sets no cookie is kept, at most [`MAX_PAGE`] bytes;
//! the oldest signed-in pages go first once [`BUDGET`] bytes of them are kept.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use app::ports::{PrefetchedDashboard, PrefetchedWallet, Services};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::metrics::Metrics;
use crate::security::CspNonce;
use crate::services::{AppServices, DashboardRead};

/// The largest page kept (the landing page is about 30 KB, a busy dashboard under 200 KB); a
/// larger one is served, not kept.
const MAX_PAGE: usize = 512 * 1024;
/// The bytes of kept pages, at most.
const BUDGET: usize = 32 * 1024 * 1024;

type Key = [u8; 32];

/// Which kept page a view is.
#[derive(Clone, Copy)]
enum Page {
    /// The visitors' landing page (one).
    VisitorsLanding,
    /// A signed-in browser's landing page, by the digest of its wallet.
    SignedInLanding(Key),
    /// A dashboard, by the digest of its data.
    Dashboard(Key),
}

impl Page {
    fn name(self) -> &'static str {
        match self {
            Page::VisitorsLanding => "landing",
            Page::SignedInLanding(_) => "signed_in_landing",
            Page::Dashboard(_) => "dashboard",
        }
    }

    /// The page's key in the budget (none for the visitors' landing page).
    fn key(self) -> Option<Key> {
        match self {
            Page::VisitorsLanding => None,
            Page::SignedInLanding(key) | Page::Dashboard(key) => Some(key),
        }
    }
}

/// The kept pages of one router.
#[derive(Clone)]
pub struct KeptPages(Arc<Shared>);

struct Shared {
    pages: Mutex<Pages>,
    metrics: Arc<Metrics>,
}

#[derive(Default)]
struct Pages {
    /// The visitors' landing page, outside the budget.
    landing: Option<Arc<Kept>>,
    by_key: HashMap<Key, Arc<Kept>>,
    /// Keys, oldest first.
    order: VecDeque<Key>,
    bytes: usize,
}

struct Kept {
    headers: HeaderMap,
    /// The body split where its nonce stood.
    pieces: Vec<Bytes>,
}

impl Kept {
    fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }

    fn response(&self, nonce: &str) -> Response {
        let mut body = Vec::with_capacity(self.len() + 64);
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

impl KeptPages {
    /// No pages kept yet; hits and misses are counted in `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> KeptPages {
        KeptPages(Arc::new(Shared {
            pages: Mutex::new(Pages::default()),
            metrics,
        }))
    }

    fn get(&self, page: Page) -> Option<Arc<Kept>> {
        let pages = self.0.pages.lock().unwrap_or_else(|p| p.into_inner());
        match page.key() {
            None => pages.landing.clone(),
            Some(key) => pages.by_key.get(&key).cloned(),
        }
    }

    fn keep(&self, page: Page, kept: Kept) {
        let mut pages = self.0.pages.lock().unwrap_or_else(|p| p.into_inner());
        let Some(key) = page.key() else {
            pages.landing = Some(Arc::new(kept));
            return;
        };
        if pages.by_key.contains_key(&key) {
            return;
        }
        pages.bytes += kept.len();
        pages.by_key.insert(key, Arc::new(kept));
        pages.order.push_back(key);
        while pages.bytes > BUDGET {
            let Some(oldest) = pages.order.pop_front() else {
                break;
            };
            if let Some(gone) = pages.by_key.remove(&oldest) {
                pages.bytes -= gone.len();
            }
        }
    }

    /// The kept `page` with `nonce` put in, if it is kept.
    fn hit(&self, page: Page, nonce: &str) -> Option<Response> {
        let kept = self.get(page)?;
        self.0.metrics.kept_page(page.name(), true);
        Some(kept.response(nonce))
    }

    /// `next`'s response, kept as `page` when it is a complete page that sets no cookie.
    async fn render(&self, page: Page, nonce: &str, req: Request, next: Next) -> Response {
        self.0.metrics.kept_page(page.name(), false);
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
        let bytes = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => bytes,
            Err(error) => {
                // The render failed midway: this browser gets an error page, not half a page.
                tracing::warn!(page = page.name(), %error, "a page's render failed midway");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        if bytes.len() <= MAX_PAGE {
            self.keep(
                page,
                Kept {
                    headers: parts.headers.clone(),
                    pieces: split(&bytes, nonce.as_bytes()),
                },
            );
        }
        Response::from_parts(parts, Body::from(bytes))
    }
}

fn nonce_of(req: &Request) -> Option<String> {
    req.extensions().get::<CspNonce>().map(|n| n.0.clone())
}

/// Whether a request is a visitor's landing page.
fn visitor_landing(req: &Request) -> bool {
    req.method() == Method::GET
        && req.uri().path() == "/"
        && req.uri().query().is_none()
        && !req.headers().contains_key(header::COOKIE)
}

/// Middleware for the visitors' landing page (inside the security headers, which mint the
/// nonce).
pub async fn visitors(State(pages): State<KeptPages>, req: Request, next: Next) -> Response {
    if !visitor_landing(&req) {
        return next.run(req).await;
    }
    let Some(nonce) = nonce_of(&req) else {
        return next.run(req).await;
    };
    match pages.hit(Page::VisitorsLanding, &nonce) {
        Some(kept) => kept,
        None => pages.render(Page::VisitorsLanding, &nonce, req, next).await,
    }
}

/// What the signed-in pages' middleware needs.
#[derive(Clone)]
pub struct PersonalPages {
    /// The kept pages.
    pub pages: KeptPages,
    /// The services the pages read their data from.
    pub services: Arc<AppServices>,
    /// How long reading the data may take (the request timeout: the read is outside it).
    pub timeout: std::time::Duration,
}

/// Writes into a digest.
struct Digesting(Sha256);

impl Digesting {
    /// A digest of pages of `kind`.
    fn of(kind: &[u8]) -> Digesting {
        let mut digest = Digesting(Sha256::new());
        digest.text(Some(kind));
        digest
    }

    /// `text` (or its absence) after its length, so no two sequences share a digest.
    fn text(&mut self, text: Option<&[u8]>) {
        match text {
            Some(text) => {
                self.0.update([1]);
                self.0.update((text.len() as u64).to_le_bytes());
                self.0.update(text);
            }
            None => self.0.update([0]),
        }
    }

    /// The digest of what was written.
    fn key(self) -> Key {
        self.0.finalize().into()
    }
}

impl std::io::Write for Digesting {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The digest a signed-in browser's landing page is kept under: of its wallet.
fn signed_in_landing_key(wallet: Option<&str>) -> Key {
    let mut digest = Digesting::of(b"landing");
    digest.text(wallet.map(str::as_bytes));
    digest.key()
}

/// The digest a dashboard render is kept under: of its data, the score and insights by the
/// text they are kept as.
fn dashboard_key(read: &DashboardRead) -> Option<Key> {
    let mut digest = Digesting::of(b"dashboard");
    serde_json::to_writer(&mut digest, &read.data).ok()?;
    let score = read.score.as_ref();
    digest.text(score.map(|s| s.view_json.as_bytes()));
    digest.text(
        score
            .and_then(|s| s.insights_json.as_deref())
            .map(str::as_bytes),
    );
    Some(digest.key())
}

/// Middleware for the signed-in pages (inside the session layer: they read the browser's
/// session): the landing page of a browser with a cookie, and the dashboard.
pub async fn personal(State(state): State<PersonalPages>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET || req.uri().query().is_some() {
        return next.run(req).await;
    }
    // Without a cookie it is the visitors' landing page, kept outside the session layer.
    let landing = match req.uri().path() {
        "/" if req.headers().contains_key(header::COOKIE) => true,
        "/dashboard" => false,
        _ => return next.run(req).await,
    };
    let (Some(nonce), Some(session)) = (
        nonce_of(&req),
        req.extensions().get::<tower_sessions::Session>().cloned(),
    ) else {
        return next.run(req).await;
    };
    if landing {
        serve(
            &state,
            &nonce,
            req,
            next,
            state.services.current_wallet(&session),
            |wallet| {
                Some(Page::SignedInLanding(signed_in_landing_key(
                    wallet.as_deref(),
                )))
            },
            |wallet| Some(PrefetchedWallet(wallet)),
        )
        .await
    } else {
        serve(
            &state,
            &nonce,
            req,
            next,
            state.services.read_dashboard(&session),
            |read| dashboard_key(read).map(Page::Dashboard),
            // Only a render reads the score's text; a kept score that does not read is the
            // page's to show.
            |read| Some(PrefetchedDashboard(Arc::new(read.into_data().ok()?))),
        )
        .await
    }
}

/// One view of a signed-in page: reads the page's data within the request timeout, finds the
/// kept render by the `key` of it, or renders the page with what `prefetch` makes of the data
/// in the request (so the render shows what was read). Without a key, or when the read or
/// `prefetch` fails, the page is rendered as it is and reads its data itself (and shows what
/// went wrong); a read that takes longer than the request timeout is a `503`.
async fn serve<T, E: Clone + Send + Sync + 'static>(
    state: &PersonalPages,
    nonce: &str,
    mut req: Request,
    next: Next,
    read: impl std::future::Future<Output = Result<T, app::error::AppError>>,
    key: impl FnOnce(&T) -> Option<Page>,
    prefetch: impl FnOnce(T) -> Option<E>,
) -> Response {
    let data = match tokio::time::timeout(state.timeout, read).await {
        Ok(Ok(data)) => data,
        Ok(Err(_)) => return next.run(req).await,
        Err(_) => {
            tracing::warn!(
                path = req.uri().path(),
                "a page's data took longer than the request timeout"
            );
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let Some(page) = key(&data) else {
        return next.run(req).await;
    };
    if let Some(kept) = state.pages.hit(page, nonce) {
        return kept;
    }
    let Some(prefetched) = prefetch(data) else {
        return next.run(req).await;
    };
    req.extensions_mut().insert(prefetched);
    state.pages.render(page, nonce, req, next).await
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
mod tests;
