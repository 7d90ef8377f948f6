//! The token endpoints (`/api/v2/token/get` and `/refresh` on the auth host): unsigned GETs
//! with the app secret in the query, answering the grant with absolute expiry times. Auth
//! codes are single-use; a refresh retires the refresh token it used (rotation). Refusals use
//! the answers observed from TikTok: `36004005 "can not find related auth record"` for an
//! unknown, retired or withdrawn refresh token, `36004001 "rt has expired"` for an expired one.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::openapi::{answer, Reject};
use super::personas::Persona;
use super::render::open_id;
use super::tokens::{self, parse_subject, Claims, Kind, Refusal};
use super::{locked, AppState, Sandbox};
use crate::clock::unix_now as now_unix;
use crate::tiktok::codes;

pub(super) fn query_map(query: &Option<String>) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn check_app(sandbox: &Sandbox, q: &BTreeMap<String, String>) -> Result<(), Reject> {
    use subtle::ConstantTimeEq;
    let key_ok = q.get("app_key").map(String::as_str) == Some(sandbox.config.app_key.as_str());
    let secret = q
        .get("app_secret")
        .map(String::as_bytes)
        .unwrap_or_default();
    let secret_ok: bool = secret
        .ct_eq(sandbox.config.app_secret.expose().as_bytes())
        .into();
    if key_ok && secret_ok {
        Ok(())
    } else {
        Err(Reject::new(
            codes::REQUEST_ERROR,
            "Invalid credentials. Invalid `app_key` query parameter.",
        ))
    }
}

/// The `open_id` of a persona's grant: the seller's, or the creator's own.
pub fn grant_open_id(persona: &Persona, creator: bool, account: u32) -> String {
    if creator {
        open_id(persona.no + 1000, account)
    } else {
        open_id(persona.no, account)
    }
}

fn grant(
    sandbox: &Sandbox,
    persona: &Persona,
    creator: bool,
    account: u32,
    anchor: i64,
    now: i64,
) -> Value {
    let cfg = &sandbox.config;
    let access_exp = now + cfg.access_ttl.as_secs() as i64;
    let refresh_exp = now + cfg.refresh_ttl.as_secs() as i64;
    let claims = |kind, expires| Claims {
        kind,
        persona: tokens::grant_subject(persona.id, creator, account),
        expires,
        anchor,
        nonce: tokens::nonce(),
    };
    let (user_type, scopes): (i64, &[&str]) = if creator {
        (1, super::personas::CREATOR_SCOPES)
    } else {
        (persona.user_type, persona.scopes)
    };
    let scopes: Vec<&str> = scopes
        .iter()
        .copied()
        .filter(|s| creator == s.starts_with("creator."))
        .collect();
    json!({
        "access_token": tokens::issue(&cfg.token_signing_key, &claims(Kind::Access, access_exp)),
        "access_token_expire_in": access_exp,
        "refresh_token": tokens::issue(&cfg.token_signing_key, &claims(Kind::Refresh, refresh_exp)),
        "refresh_token_expire_in": refresh_exp,
        "open_id": grant_open_id(persona, creator, account),
        "seller_name": persona.name,
        // Documented for sellers; a creator's region comes from the creator profile.
        "seller_base_region": if creator { "" } else { persona.region },
        "user_type": user_type,
        "granted_scopes": scopes,
    })
}

fn persona_of(sandbox: &Sandbox, subject: &str) -> Option<(&'static Persona, bool, u32)> {
    let s = parse_subject(subject);
    // A creator-only persona's grant is a creator's whichever page issued it.
    sandbox
        .persona(s.persona)
        .map(|p| (p, s.creator || p.user_type == 1, s.account))
}

pub(super) async fn token_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let sandbox = &state.sandbox;
    let q = query_map(&query);
    let result = (|| {
        check_app(sandbox, &q)?;
        if q.get("grant_type").map(String::as_str) != Some("authorized_code") {
            return Err(Reject::new(
                codes::REQUEST_ERROR,
                "Invalid request parameter. grant_type only accepts authorized_code.",
            ));
        }
        let now = now_unix();
        let code = q.get("auth_code").map(String::as_str).unwrap_or("");
        let claims = tokens::verify(&sandbox.config.token_signing_key, Kind::Code, code, now)
            .map_err(|_| {
                Reject::new(
                    codes::REQUEST_ERROR,
                    "Invalid auth_code: it is unknown or expired.",
                )
            })?;
        if !locked(&sandbox.used_codes).insert(claims.nonce.clone()) {
            return Err(Reject::new(
                codes::REQUEST_ERROR,
                "Invalid auth_code: it has already been used.",
            ));
        }
        let (persona, creator, account) = persona_of(sandbox, &claims.persona)
            .ok_or_else(|| Reject::new(codes::REQUEST_ERROR, "Invalid auth_code."))?;
        Ok(grant(
            sandbox,
            persona,
            creator,
            account,
            claims.anchor,
            now,
        ))
    })();
    answer(sandbox, result)
}

pub(super) async fn token_refresh(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let sandbox = &state.sandbox;
    if sandbox.switches().token_outage {
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "token service unavailable",
        )
            .into_response();
    }
    let q = query_map(&query);
    let result = (|| {
        check_app(sandbox, &q)?;
        if q.get("grant_type").map(String::as_str) != Some("refresh_token") {
            return Err(Reject::new(
                codes::REQUEST_ERROR,
                "Invalid request parameter. grant_type only accepts refresh_token.",
            ));
        }
        let now = now_unix();
        let token = q.get("refresh_token").map(String::as_str).unwrap_or("");
        let unknown = || {
            Reject::new(
                codes::AUTH_RECORD_MISSING,
                "can not find related auth record",
            )
        };
        let claims = tokens::verify(&sandbox.config.token_signing_key, Kind::Refresh, token, now)
            .map_err(|r| match r {
            Refusal::Expired => Reject::new(codes::REFRESH_EXPIRED, "rt has expired"),
            Refusal::Invalid => unknown(),
        })?;
        let (persona, creator, account) =
            persona_of(sandbox, &claims.persona).ok_or_else(unknown)?;
        if sandbox.is_deauthorized(persona.id) {
            return Err(unknown());
        }
        // Rotation: the old refresh token is retired the moment it is used.
        if !locked(&sandbox.retired_refresh).insert(claims.nonce.clone()) {
            return Err(unknown());
        }
        Ok(grant(
            sandbox,
            persona,
            creator,
            account,
            claims.anchor,
            now,
        ))
    })();
    answer(sandbox, result)
}
