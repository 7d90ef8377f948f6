//! The authorization pages, each accepting exactly the parameters TikTok's guides document:
//! the seller page (`/open/authorize?service_id=…&state=…`, one per market: rest of world and
//! US, each with its own service id), the creator page (`/alliance/creator/auth?app_key=…&
//! state=…`) and the Seller Center App Store, whose installs come back **without** `state`.
//! Plain HTML forms, no inline script or style, so they render under the app's CSP.
//!
//! Each browser signs in to its own copy of the personas (a sandbox account, kept in the
//! `sbx_account` cookie): two visitors connecting `seller-boutique` get two different shops, so
//! one shop backing one wallet holds in the sandbox as it does at TikTok, while the same
//! browser reconnecting gets its own shop back.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::personas::{Persona, PERSONAS};
use super::{AppState, SandboxLayout};
use crate::clock::unix_now as now_unix;
use crate::tiktok::SCOPES;

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn error_page(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization error</title></head><body><main><h1>Authorization error</h1><p>{}</p></main></body></html>", escape(message))),
    )
        .into_response()
}

/// The grant a page gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    Seller,
    Creator,
}

/// Refuses any query parameter but `allowed`, and a missing `required` one.
fn exact(query: &BTreeMap<String, String>, allowed: &[&str], required: &str) -> Result<(), String> {
    if let Some(extra) = query.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!(
            "The authorization link carries `{extra}`, which this page does not take: it takes {}.",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    if query.get(required).is_none_or(|v| v.is_empty()) {
        return Err(format!("The authorization link has no `{required}`."));
    }
    Ok(())
}

fn offered(grant: Grant) -> impl Iterator<Item = &'static Persona> {
    PERSONAS.iter().filter(move |p| match grant {
        Grant::Seller => p.user_type != 1,
        Grant::Creator => p.creator.is_some(),
    })
}

/// The name of the sandbox account cookie.
pub const ACCOUNT_COOKIE: &str = "sbx_account";

/// The sandbox account a request's cookie names, if any.
pub fn account_cookie(headers: &HeaderMap) -> Option<u32> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == ACCOUNT_COOKIE)
        .and_then(|(_, v)| v.parse().ok())
        .filter(|n| *n > 0)
}

/// This browser's sandbox account, and the cookie to set when it is new.
fn account_of(headers: &HeaderMap) -> (u32, Option<String>) {
    match account_cookie(headers) {
        Some(n) => (n, None),
        None => {
            let n = 1 + rand::random::<u32>() % 99_999;
            let cookie =
                format!("{ACCOUNT_COOKIE}={n}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000");
            (n, Some(cookie))
        }
    }
}

fn with_cookie(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(value) = cookie.and_then(|c| axum::http::HeaderValue::from_str(&c).ok()) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
    response
}

fn render(
    state: &AppState,
    headers: &HeaderMap,
    grant: Grant,
    market: &str,
    identity: (&str, &str),
    st: &str,
) -> Response {
    let (account, cookie) = account_of(headers);
    let (prefix, _, _) = state.layout.prefixes();
    let stylesheet = match state.layout {
        SandboxLayout::Mounted => "<link rel=\"stylesheet\" href=\"/pkg/shopscore.css\">",
        SandboxLayout::Standalone => "",
    };
    let scopes: String = SCOPES
        .iter()
        .filter(|(scope, _)| (grant == Grant::Creator) == scope.starts_with("creator."))
        .map(|(scope, what)| {
            format!(
                "<li class=\"consent-scope\"><code>{scope}</code> — {}</li>",
                escape(what)
            )
        })
        .collect();
    let personas: String = offered(grant)
        .map(|p| {
            format!(
                "<li class=\"consent-persona\"><button type=\"submit\" class=\"button consent-persona-button\" name=\"persona\" value=\"{id}\">{id}</button> <span class=\"consent-persona-description\">{desc}</span></li>",
                id = p.id,
                desc = escape(p.description)
            )
        })
        .collect();
    let who = match grant {
        Grant::Seller => "your TikTok Shop",
        Grant::Creator => "your TikTok Shop creator account",
    };
    let page = Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Authorize shopscore — TikTok Shop sandbox</title>{stylesheet}</head>\
<body class=\"consent\"><main class=\"consent-card\">\
<p class=\"consent-badge\">TikTok Shop sandbox · {market}</p>\
<h1>Authorize shopscore to read {who}</h1>\
<p>shopscore asks for read-only access to:</p><ul class=\"consent-scopes\">{scopes}</ul>\
<form method=\"post\" action=\"{prefix}/open/authorize\" class=\"consent-form\">\
<input type=\"hidden\" name=\"grant\" value=\"{grant}\"><input type=\"hidden\" name=\"{key}\" value=\"{value}\"><input type=\"hidden\" name=\"state\" value=\"{st}\"><input type=\"hidden\" name=\"account\" value=\"{account}\">\
<p>Choose the test account to sign in as:</p><ul class=\"consent-personas\">{personas}</ul>\
<p><button type=\"submit\" class=\"button button-secondary consent-deny\" name=\"action\" value=\"deny\">Deny</button></p>\
</form></main></body></html>",
        grant = match grant { Grant::Seller => "seller", Grant::Creator => "creator" },
        key = identity.0,
        value = escape(identity.1),
        st = escape(st),
    ));
    with_cookie(page.into_response(), cookie)
}

/// `GET …/open/authorize?service_id=…&state=…`: the rest-of-world seller page.
pub(super) async fn seller_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    seller(&state, &headers, &query, false)
}

/// `GET …/us/open/authorize?service_id=…&state=…`: the US seller page (its own service id).
pub(super) async fn us_seller_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    seller(&state, &headers, &query, true)
}

fn seller(
    state: &AppState,
    headers: &HeaderMap,
    query: &BTreeMap<String, String>,
    us: bool,
) -> Response {
    if let Err(e) = exact(query, &["service_id", "state"], "service_id") {
        return error_page(&e);
    }
    let config = &state.sandbox.config;
    let (expected, other) = if us {
        (&config.us_service_id, &config.service_id)
    } else {
        (&config.service_id, &config.us_service_id)
    };
    let service_id = &query["service_id"];
    if service_id == other {
        return error_page("This service_id belongs to the other market's Partner Center: US sellers authorize on the US page, everyone else on the global one.");
    }
    if service_id != expected {
        return error_page("Unknown service_id: this app is not registered with the sandbox.");
    }
    let market = if us { "United States" } else { "Rest of world" };
    render(
        state,
        headers,
        Grant::Seller,
        market,
        ("service_id", service_id),
        query.get("state").map(String::as_str).unwrap_or(""),
    )
}

/// `GET …/alliance/creator/auth?app_key=…&state=…`: the creator page (no service id).
pub(super) async fn creator_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    if let Err(e) = exact(&query, &["app_key", "state"], "app_key") {
        return error_page(&e);
    }
    if query["app_key"] != state.sandbox.config.app_key {
        return error_page("Unknown app_key: creator authorization is allow-listed by app key, and this one is not.");
    }
    if query.get("state").is_none_or(|s| s.is_empty()) {
        return error_page("Creator authorization links need a `state` added by the app.");
    }
    render(
        &state,
        &headers,
        Grant::Creator,
        "Creator",
        ("app_key", &query["app_key"]),
        &query["state"],
    )
}

/// The consent answer.
#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    grant: String,
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    app_key: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    persona: Option<String>,
    #[serde(default)]
    action: Option<String>,
    /// The browser's sandbox account (0: the shared copy).
    #[serde(default)]
    account: u32,
}

/// `POST …/open/authorize`: consent (303 with `code` and the unchanged `state`) or denial
/// (`code=null&error=access_denied`, as the authorization page update documents).
pub(super) async fn submit(
    State(state): State<AppState>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let sandbox = &state.sandbox;
    let config = &sandbox.config;
    let creator = match form.grant.as_str() {
        "seller"
            if form.service_id == config.service_id || form.service_id == config.us_service_id =>
        {
            false
        }
        "creator" if form.app_key == config.app_key => true,
        _ => {
            return error_page("This consent form does not belong to a sandbox authorization page.")
        }
    };
    let mut target = config.redirect_url.clone();
    if form.action.as_deref() == Some("deny") {
        target
            .query_pairs_mut()
            .append_pair("code", "null")
            .append_pair("error", "access_denied")
            .append_pair("state", &form.state);
        return Redirect::to(target.as_str()).into_response();
    }
    let Some(persona) = form.persona.as_deref().and_then(|id| sandbox.persona(id)) else {
        return error_page("Choose one of the test accounts.");
    };
    let code = sandbox.issue_code_in(persona.id, creator, form.account, now_unix());
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &form.state);
    Redirect::to(target.as_str()).into_response()
}

/// `GET …/appstore`: the Seller Center App Store: install shopscore as one of the sellers.
pub(super) async fn app_store_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (prefix, _, _) = state.layout.prefixes();
    let (account, cookie) = account_of(&headers);
    let personas: String = offered(Grant::Seller)
        .filter(|p| !p.shops.is_empty())
        .map(|p| {
            format!(
                "<li class=\"consent-persona\"><button type=\"submit\" class=\"button consent-persona-button\" name=\"persona\" value=\"{id}\">Install as {id}</button></li>",
                id = p.id
            )
        })
        .collect();
    let page = Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Seller Center App Store — TikTok Shop sandbox</title></head>\
<body class=\"consent\"><main class=\"consent-card\"><p class=\"consent-badge\">TikTok Shop sandbox · Seller Center App Store</p>\
<h1>shopscore</h1><p>Verified income and a credit score for your shop. Installing sends you to shopscore to finish connecting.</p>\
<form method=\"post\" action=\"{prefix}/appstore\"><input type=\"hidden\" name=\"account\" value=\"{account}\"><ul class=\"consent-personas\">{personas}</ul></form></main></body></html>"
    ));
    with_cookie(page.into_response(), cookie)
}

/// The App Store install.
#[derive(Debug, Deserialize)]
pub struct InstallForm {
    #[serde(default)]
    persona: String,
    /// The browser's sandbox account (0: the shared copy).
    #[serde(default)]
    account: u32,
}

/// `POST …/appstore`: the install redirects with a `code` and **no** `state`.
pub(super) async fn app_store_install(
    State(state): State<AppState>,
    Form(form): Form<InstallForm>,
) -> Response {
    let sandbox = &state.sandbox;
    let Some(persona) = sandbox.persona(&form.persona) else {
        return error_page("Choose one of the test sellers.");
    };
    let code = sandbox.issue_code_in(persona.id, false, form.account, now_unix());
    let mut target = sandbox.config.redirect_url.clone();
    target.query_pairs_mut().append_pair("code", &code);
    Redirect::to(target.as_str()).into_response()
}
