//! The Open API: every documented path the product reads (written here from the reference,
//! not taken from the client), each request authenticated the way TikTok's common-errors page
//! describes (app key, signature, timestamp window, token header, `user_type`, scope, shop
//! cipher), rate limited per API and account, paged with opaque tokens, and answered with the
//! documented envelope, codes and messages. Unknown paths answer 36009009, wrong methods
//! 36009010.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, on, MethodFilter};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::auth::query_map;
use super::faults::Fault;
use super::personas::{h, Persona, ShopSpec};
use super::render::shop_cipher;
use super::serve::serve_api;
use super::tokens::{self, parse_subject, Kind, Refusal};
use super::{locked, AppState, Sandbox};
use crate::clock::unix_now as now_unix;
use crate::tiktok::{codes, sign, SignableRequest};

/// The timestamp window: up to 5 minutes old, at most 30 seconds ahead.
pub const TIMESTAMP_MAX_AGE: i64 = 300;
/// See [`TIMESTAMP_MAX_AGE`].
pub const TIMESTAMP_MAX_SKEW: i64 = 30;

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A seller token with a `shop_cipher` of one of its shops.
    Shop,
    /// A seller token, no cipher (Get Authorized Shops).
    Seller,
    /// A creator token (`user_type` 1), no cipher.
    Creator,
}

/// An endpoint as the sandbox serves it.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// `GET` or `POST`.
    pub method: MethodFilter,
    /// The path (with `{…}` for path parameters).
    pub path: &'static str,
    /// The scope it needs.
    pub scope: &'static str,
    /// Who calls it.
    pub caller: Caller,
    /// The documented `page_size` range, when paged.
    pub page: Option<(u64, u64)>,
    /// The handler.
    pub handler: Handler,
}

/// The endpoints' handlers (see [`super::serve_api`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handler {
    Shops,
    OrderSearch,
    OrderDetail,
    Returns,
    Cancellations,
    Products,
    Statements,
    Payments,
    Withdrawals,
    Unsettled,
    CreatorOrders,
    CreatorProfile,
    SellerAffiliateOrders,
    ShopPerformance,
    CustomerService,
}

const fn ep(
    method: MethodFilter,
    path: &'static str,
    scope: &'static str,
    caller: Caller,
    page: Option<(u64, u64)>,
    handler: Handler,
) -> Endpoint {
    Endpoint {
        method,
        path,
        scope,
        caller,
        page,
        handler,
    }
}

const HUNDRED: Option<(u64, u64)> = Some((1, 100));
use MethodFilter as M;

/// Every Open API path the sandbox serves, from TikTok's endpoint list.
pub const ENDPOINTS: &[Endpoint] = &[
    ep(
        M::GET,
        "/authorization/202309/shops",
        "seller.authorization.info",
        Caller::Seller,
        None,
        Handler::Shops,
    ),
    ep(
        M::POST,
        "/order/202309/orders/search",
        "seller.order.info",
        Caller::Shop,
        HUNDRED,
        Handler::OrderSearch,
    ),
    ep(
        M::GET,
        "/order/202507/orders",
        "seller.order.info",
        Caller::Shop,
        None,
        Handler::OrderDetail,
    ),
    ep(
        M::POST,
        "/return_refund/202309/returns/search",
        "seller.return_refund.basic",
        Caller::Shop,
        Some((10, 50)),
        Handler::Returns,
    ),
    ep(
        M::POST,
        "/return_refund/202309/cancellations/search",
        "seller.return_refund.basic",
        Caller::Shop,
        Some((1, 50)),
        Handler::Cancellations,
    ),
    ep(
        M::POST,
        "/product/202502/products/search",
        "seller.product.basic",
        Caller::Shop,
        HUNDRED,
        Handler::Products,
    ),
    ep(
        M::GET,
        "/finance/202309/statements",
        "seller.finance.info",
        Caller::Shop,
        HUNDRED,
        Handler::Statements,
    ),
    ep(
        M::GET,
        "/finance/202309/payments",
        "seller.finance.info",
        Caller::Shop,
        HUNDRED,
        Handler::Payments,
    ),
    ep(
        M::GET,
        "/finance/202309/withdrawals",
        "seller.finance.info",
        Caller::Shop,
        HUNDRED,
        Handler::Withdrawals,
    ),
    ep(
        M::GET,
        "/finance/202507/orders/unsettled",
        "seller.finance.info",
        Caller::Shop,
        HUNDRED,
        Handler::Unsettled,
    ),
    ep(
        M::POST,
        "/affiliate_creator/202410/orders/search",
        "creator.affiliate_collaboration.read",
        Caller::Creator,
        HUNDRED,
        Handler::CreatorOrders,
    ),
    ep(
        M::GET,
        "/affiliate_creator/202508/profiles",
        "creator.affiliate.info",
        Caller::Creator,
        None,
        Handler::CreatorProfile,
    ),
    ep(
        M::POST,
        "/affiliate_seller/202410/orders/search",
        "seller.affiliate_collaboration.read",
        Caller::Shop,
        HUNDRED,
        Handler::SellerAffiliateOrders,
    ),
    ep(
        M::GET,
        "/analytics/202405/shop/performance",
        "data.shop_analytics.public.read",
        Caller::Shop,
        None,
        Handler::ShopPerformance,
    ),
    ep(
        M::GET,
        "/customer_service/202407/performance",
        "seller.customer_service",
        Caller::Shop,
        None,
        Handler::CustomerService,
    ),
];

/// Mounts every endpoint under `prefix`, with 36009009/36009010 for the rest.
pub fn routes(mut router: Router<AppState>, prefix: &str) -> Router<AppState> {
    for endpoint in ENDPOINTS {
        let wrong_method = move || async move {
            not_served(
                codes::INVALID_METHOD,
                "Invalid method. The HTTP method used is not supported by this endpoint.",
            )
        };
        router = router.route(
            &format!("{prefix}{}", endpoint.path),
            on(
                endpoint.method,
                move |State(state): State<AppState>,
                      RawQuery(query): RawQuery,
                      headers: HeaderMap,
                      body: Bytes| async move {
                    open_api(state, endpoint, query, headers, body).await
                },
            )
            .fallback(wrong_method),
        );
    }
    let catch_all = if prefix.is_empty() {
        // Standalone, TikTok's paths are the whole namespace: version-shaped paths only.
        "/{area}/{version}/{*rest}".to_string()
    } else {
        format!("{prefix}/{{*rest}}")
    };
    router.route(
        &catch_all,
        any(|| async {
            not_served(
                codes::INVALID_PATH,
                "Invalid path. The specified path does not match any available endpoint.",
            )
        }),
    )
}

fn not_served(code: i64, message: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "code": code, "message": message, "request_id": "SBX" })),
    )
        .into_response()
}

/// An error answer: envelope code, message, HTTP status.
pub struct Reject(pub i64, pub String, pub StatusCode);

impl Reject {
    /// A refusal with HTTP 200 (TikTok answers most errors with 200 and a code).
    pub fn new(code: i64, message: impl Into<String>) -> Reject {
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

/// The answer of a handler: `data` on success, the refusal otherwise.
pub fn answer(sandbox: &Sandbox, result: Result<Value, Reject>) -> Response {
    match result {
        Ok(data) => envelope(sandbox, StatusCode::OK, codes::OK, "Success", Some(data)),
        Err(Reject(code, message, status)) => envelope(sandbox, status, code, &message, None),
    }
}

/// An authenticated call.
pub struct Call<'a> {
    /// The sandbox.
    pub sandbox: &'a Sandbox,
    /// The endpoint.
    pub endpoint: &'static Endpoint,
    /// The persona the token belongs to.
    pub persona: &'static Persona,
    /// When its data was anchored (the authorization).
    pub anchor: i64,
    /// The shop named by `shop_cipher`.
    pub shop: Option<&'static ShopSpec>,
    /// The sandbox account the token's grant belongs to.
    pub account: u32,
    /// The query.
    pub params: BTreeMap<String, String>,
    /// The body.
    pub body: Bytes,
}

const SCOPE_DENIED: &str = "Access denied. The app is not authorized to access the endpoint because the access scopes granted for the app or the access token do not contain the required access scope for the endpoint.";

fn authenticate<'a>(
    sandbox: &'a Sandbox,
    endpoint: &'static Endpoint,
    query: &Option<String>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Call<'a>, Reject> {
    let params = query_map(query);
    if params.get("app_key").map(String::as_str) != Some(sandbox.config.app_key.as_str()) {
        return Err(Reject::new(
            codes::REQUEST_ERROR,
            "Invalid credentials. Invalid `app_key` query parameter.",
        ));
    }
    let Some(sign_param) = params.get("sign") else {
        return Err(Reject::new(
            codes::REQUEST_ERROR,
            "Missing credentials. The request does not include a required signature in the query.",
        ));
    };
    let now = now_unix();
    let timestamp: i64 = params
        .get("timestamp")
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| Reject::new(codes::REQUEST_ERROR, "Invalid timestamp. The value of the `timestamp` query parameter must not be lesser than 0."))?;
    if timestamp < now - TIMESTAMP_MAX_AGE {
        return Err(Reject::new(codes::REQUEST_ERROR, "Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than 5 minutes before the current time."));
    }
    if timestamp > now + TIMESTAMP_MAX_SKEW {
        return Err(Reject::new(codes::REQUEST_ERROR, "Invalid timestamp. The value of the `timestamp` query parameter must not exceed the current time by more than 30 seconds."));
    }
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "sign" && k.as_str() != "access_token")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // The signature covers TikTok's path (none of these endpoints has path parameters), not
    // the prefix the sandbox is mounted under.
    let expected = sign(
        &SignableRequest {
            path: endpoint.path,
            params: &pairs,
            body: (!body.is_empty()).then_some(&body[..]),
        },
        &sandbox.config.app_secret,
        timestamp,
    );
    {
        use subtle::ConstantTimeEq;
        if !bool::from(expected.as_str().as_bytes().ct_eq(sign_param.as_bytes())) {
            return Err(Reject::new(
                codes::INVALID_SIGNATURE,
                "Invalid credentials. The `sign` query parameter is invalid.",
            ));
        }
    }
    let bad_token = || {
        Reject::new(
            codes::REQUEST_ERROR,
            "Invalid credentials. The `x-tts-access-token` header is invalid.",
        )
    };
    let token = headers
        .get("x-tts-access-token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(bad_token)?;
    let claims = tokens::verify(&sandbox.config.token_signing_key, Kind::Access, token, now).map_err(|r| match r {
        Refusal::Expired => Reject::new(codes::TOKEN_EXPIRED, "Expired credentials. The `access_token` or `x-tts-access-token` header has expired."),
        Refusal::Invalid => bad_token(),
    })?;
    let subject = parse_subject(&claims.persona);
    let (creator_grant, account) = (subject.creator, subject.account);
    let persona = sandbox.persona(subject.persona).ok_or_else(bad_token)?;
    if sandbox.is_deauthorized(persona.id) {
        return Err(Reject::new(
            codes::INVALID_TOKEN,
            "access token is invalid; detail:your token has been deauthorized",
        ));
    }
    let creator_grant = creator_grant || persona.user_type == 1;
    let wrong_user = |what: &str| {
        Reject::new(
            codes::WRONG_ACCOUNT,
            format!("Invalid query or header. The `x-tts-access-token` header is invalid: {what}."),
        )
    };
    match (endpoint.caller, creator_grant) {
        (Caller::Creator, false) => {
            return Err(wrong_user(
                "the token has an invalid `user_type` for this endpoint",
            ))
        }
        (Caller::Shop | Caller::Seller, true) => {
            return Err(wrong_user(
                "the token has an invalid `user_type` for this endpoint",
            ))
        }
        _ => {}
    }
    let granted: &[&str] = if creator_grant {
        super::personas::CREATOR_SCOPES
    } else {
        persona.scopes
    };
    if !granted.contains(&endpoint.scope) {
        return Err(Reject::new(codes::MISSING_SCOPE, SCOPE_DENIED));
    }
    let cipher = params.get("shop_cipher").filter(|c| !c.is_empty());
    let shop = match (endpoint.caller, cipher) {
        (Caller::Shop, None) => return Err(Reject::new(codes::SHOP_CIPHER, "Missing identifier. The `shop_cipher` query parameter is required to identify the target shop.")),
        (Caller::Shop, Some(cipher)) => Some(
            persona
                .shops
                .iter()
                .find(|s| &shop_cipher(sandbox.config.seed, s, account) == cipher)
                .ok_or_else(|| wrong_user("the token is not associated with a shop, or the associated shop does not match the provided `shop_cipher` query parameter"))?,
        ),
        (_, Some(_)) => return Err(Reject::new(codes::REQUEST_ERROR, "Unexpected identifier. The `shop_cipher` query parameter is not required for this request.")),
        (_, None) => None,
    };
    Ok(Call {
        sandbox,
        endpoint,
        persona,
        anchor: claims.anchor,
        shop,
        account,
        params,
        body,
    })
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
    *locked(&sandbox.paths)
        .entry(endpoint.path.to_string())
        .or_default() += 1;
    if !sandbox.config.latency.is_zero() {
        tokio::time::sleep(sandbox.config.latency).await;
    }
    let order_search = endpoint.handler == Handler::OrderSearch;
    if order_search && hold(sandbox) {
        sandbox
            .held
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        while locked(&sandbox.switches).hold_order_pages == Some(0) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        sandbox
            .held
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
    let switches = sandbox.switches();
    if switches.outage {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::response::Html("<html><body><h1>503 Service Unavailable</h1></body></html>"),
        )
            .into_response();
    }
    if switches.rate_limit_storm {
        return too_many(sandbox);
    }
    let call = match authenticate(sandbox, endpoint, &query, &headers, body) {
        Ok(call) => call,
        Err(r) => return answer(sandbox, Err(r)),
    };
    let account = call
        .shop
        .map(|shop| super::render::shop_id(shop, call.account))
        .unwrap_or_else(|| format!("{}@{}", call.persona.id, call.account));
    let limit_key = format!("{}|{account}", endpoint.path);
    if sandbox.limiter.check_key(&limit_key).is_err() {
        return too_many(sandbox);
    }
    match inject_fault(sandbox, &account) {
        Some(Fault::ServerError) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::response::Html("<html><body><h1>503 Service Unavailable</h1></body></html>"),
            )
                .into_response()
        }
        Some(Fault::RateLimited) => return too_many(sandbox),
        Some(Fault::Malformed) => return malformed(),
        None => {}
    }
    if order_search {
        if let Some(bytes) = switches.huge_order_bodies {
            return huge(bytes);
        }
        if take(sandbox, |s| &mut s.malformed_order_pages) {
            return malformed();
        }
        if call.params.contains_key("page_token") && take(sandbox, |s| &mut s.refuse_page_tokens) {
            return answer(
                sandbox,
                Err(Reject::new(
                    codes::REQUEST_ERROR,
                    "Invalid request parameter. The `page_token` is invalid or expired.",
                )),
            );
        }
    }
    let result = serve_api(&call, endpoint.handler, switches);
    answer(sandbox, result)
}

fn too_many(sandbox: &Sandbox) -> Response {
    envelope(
        sandbox,
        StatusCode::TOO_MANY_REQUESTS,
        codes::RATE_LIMITED,
        "Too many requests. You've made too many requests in a short period of time.",
        None,
    )
}

fn malformed() -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        r#"{"code":0,"message":"Success","data":{"orders":[{"id":"57"#,
    )
        .into_response()
}

fn huge(bytes: usize) -> Response {
    let stream = futures::stream::iter((0..bytes.div_ceil(65_536)).map(move |k| {
        let n = 65_536.min(bytes - k * 65_536);
        Ok::<_, std::io::Error>(Bytes::from(vec![b' '; n]))
    }));
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        axum::body::Body::from_stream(stream),
    )
        .into_response()
}

/// Counts down a switch; true when it was still on.
fn take(sandbox: &Sandbox, field: impl Fn(&mut super::Switches) -> &mut u32) -> bool {
    let mut switches = locked(&sandbox.switches);
    let n = field(&mut switches);
    if *n > 0 {
        *n -= 1;
        true
    } else {
        false
    }
}

/// Whether an order search must wait; counts down the searches still let through.
fn hold(sandbox: &Sandbox) -> bool {
    let mut s = locked(&sandbox.switches);
    match s.hold_order_pages {
        Some(0) => true,
        Some(n) => {
            s.hold_order_pages = Some(n - 1);
            false
        }
        None => false,
    }
}

fn inject_fault(sandbox: &Sandbox, key: &str) -> Option<Fault> {
    let fault = locked(&sandbox.faults).next(key);
    if fault.is_some() {
        sandbox
            .faulted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    fault
}

impl Call<'_> {
    /// The body as JSON (an empty body is `{}`).
    pub fn body_json(&self) -> Result<Value, Reject> {
        if self.body.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| Reject::new(codes::REQUEST_ERROR, format!("Invalid request body: {e}")))
    }

    /// A unix-time query or body parameter.
    pub fn time_param(&self, body: &Value, key: &str) -> Result<Option<i64>, Reject> {
        if let Some(v) = self.params.get(key).filter(|v| !v.is_empty()) {
            return v.parse().map(Some).map_err(|_| {
                Reject::new(
                    codes::REQUEST_ERROR,
                    format!("Invalid request parameter. {key} must be a unix timestamp."),
                )
            });
        }
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| {
                Reject::new(
                    codes::REQUEST_ERROR,
                    format!("Invalid request parameter. {key} must be a unix timestamp."),
                )
            }),
        }
    }

    /// A required query parameter that must take one of the documented values.
    pub fn require(&self, key: &str, allowed: &[&str]) -> Result<(), Reject> {
        match self.params.get(key) {
            Some(v) if allowed.contains(&v.as_str()) => Ok(()),
            Some(v) => Err(Reject::new(
                codes::REQUEST_ERROR,
                format!(
                    "Invalid request parameter. {key} only supports {}; got {v:?}.",
                    allowed.join(", ")
                ),
            )),
            None => Err(Reject::new(
                codes::REQUEST_ERROR,
                format!("Invalid request parameter. {key} is required."),
            )),
        }
    }

    fn page_size(&self) -> Result<u64, Reject> {
        let Some((min, max)) = self.endpoint.page else {
            return Ok(u64::MAX);
        };
        let bad = |what: String| match self.endpoint.handler {
            Handler::Products => Reject::new(12019109, "page size is invalid"),
            Handler::Returns | Handler::Cancellations => {
                Reject::new(25001001, format!("invalid parameter: {what}"))
            }
            _ => Reject::new(
                codes::REQUEST_ERROR,
                format!("Invalid request parameter. {what}"),
            ),
        };
        match self.params.get("page_size") {
            None => match self.endpoint.handler {
                Handler::Returns | Handler::Cancellations => Ok(10),
                Handler::Statements
                | Handler::Payments
                | Handler::Withdrawals
                | Handler::Unsettled => Ok(20),
                _ => Err(bad("page_size is required.".into())),
            },
            Some(v) => match v.parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(bad(format!("page_size must be between {min} and {max}."))),
            },
        }
    }

    /// One page over `total` items: the index range and the next page token (empty at the end).
    pub fn page(&self, total: u64) -> Result<(std::ops::Range<u64>, String), Reject> {
        let size = self.page_size()?;
        let offset = match self.params.get("page_token").filter(|t| !t.is_empty()) {
            None => 0,
            Some(token) => self.read_page_token(token)?,
        };
        let offset = offset.min(total);
        let end = offset.saturating_add(size).min(total);
        let next = if end < total {
            self.page_token(end)
        } else {
            String::new()
        };
        Ok((offset..end, next))
    }

    fn token_mac(&self, offset: u64) -> String {
        let path: Vec<u64> = self.endpoint.path.bytes().map(u64::from).collect();
        let digest = h(
            self.sandbox.page_key,
            &[
                offset,
                self.anchor as u64,
                h(0, &path),
                self.shop.map(|s| s.no).unwrap_or(self.persona.no),
            ],
        );
        format!("{digest:016x}")
    }

    /// An opaque page token for `offset`.
    pub fn page_token(&self, offset: u64) -> String {
        URL_SAFE_NO_PAD.encode(format!("{offset}:{}", self.token_mac(offset)))
    }

    fn read_page_token(&self, token: &str) -> Result<u64, Reject> {
        let bad = || {
            Reject::new(
                codes::REQUEST_ERROR,
                "Invalid request parameter. The `page_token` is invalid or expired.",
            )
        };
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
