//! The consent page: an HTML form (POST) carrying the request's values in hidden inputs, one
//! submit button per persona and a deny button. No inline script or style, so it renders under
//! the app's strict CSP when mounted.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::personas::PERSONAS;
use super::{now_unix, AppState, SandboxLayout};
use crate::tiktok::SCOPES;

/// The consent request and its answer.
#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    persona: Option<String>,
    #[serde(default)]
    action: Option<String>,
}

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

/// `GET …/open/authorize?service_id=…&state=…`.
pub(super) async fn page(
    State(state): State<AppState>,
    Query(form): Query<ConsentForm>,
) -> Response {
    if form.service_id != state.sandbox.config.service_id {
        return error_page("Unknown service_id: this app is not registered with the sandbox.");
    }
    let (prefix, _, _) = state.layout.prefixes();
    let stylesheet = match state.layout {
        SandboxLayout::Mounted => "<link rel=\"stylesheet\" href=\"/pkg/shopscore.css\">",
        SandboxLayout::Standalone => "",
    };
    let scopes: String = SCOPES
        .iter()
        .map(|(scope, what)| {
            format!(
                "<li class=\"consent-scope\"><code>{scope}</code> — {}</li>",
                escape(what)
            )
        })
        .collect();
    let personas: String = PERSONAS
        .iter()
        .map(|p| {
            format!(
                "<li class=\"consent-persona\"><button type=\"submit\" class=\"button consent-persona-button\" name=\"persona\" value=\"{id}\">{id}</button> <span class=\"consent-persona-description\">{desc}</span></li>",
                id = p.id,
                desc = escape(p.description)
            )
        })
        .collect();
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Authorize shopscore — TikTok Shop sandbox</title>{stylesheet}</head>\
<body class=\"consent\"><main class=\"consent-card\">\
<p class=\"consent-badge\">TikTok Shop sandbox</p>\
<h1>Authorize shopscore to read your TikTok Shop data</h1>\
<p>shopscore asks for read-only access to:</p><ul class=\"consent-scopes\">{scopes}</ul>\
<form method=\"post\" action=\"{prefix}/open/authorize\" class=\"consent-form\">\
<input type=\"hidden\" name=\"service_id\" value=\"{service_id}\"><input type=\"hidden\" name=\"state\" value=\"{st}\">\
<p>Choose the test account to sign in as:</p><ul class=\"consent-personas\">{personas}</ul>\
<p><button type=\"submit\" class=\"button button-secondary consent-deny\" name=\"action\" value=\"deny\">Deny</button></p>\
</form></main></body></html>",
        service_id = escape(&form.service_id),
        st = escape(&form.state),
    ))
    .into_response()
}

/// `POST …/open/authorize`: consent (303 with `code` and the unchanged `state`) or denial.
pub(super) async fn submit(
    State(state): State<AppState>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let sandbox = &state.sandbox;
    if form.service_id != sandbox.config.service_id {
        return error_page("Unknown service_id: this app is not registered with the sandbox.");
    }
    let mut target = sandbox.config.redirect_url.clone();
    if form.action.as_deref() == Some("deny") {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user denied the authorization.")
            .append_pair("state", &form.state);
        return Redirect::to(target.as_str()).into_response();
    }
    let Some(persona) = form.persona.as_deref().and_then(|id| sandbox.persona(id)) else {
        return error_page("Choose one of the test accounts.");
    };
    let code = sandbox.issue_code(persona.id, now_unix());
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &form.state);
    Redirect::to(target.as_str()).into_response()
}
