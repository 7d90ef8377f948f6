//! The lenders' JSON API, as REST routes beside the server functions:
//! `POST/GET /api/shares`, `DELETE /api/shares/{id}`, `GET /api/attester`,
//! `POST /api/attestations/verify` (public), and a share's downloads
//! `GET /share/{token}/report.json` and `/report.csv`.

use app::api::{ShareRequest, SharedReport};
use app::error::AppError;
use app::ports::Services;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use tower_sessions::Session;

use crate::startup::AppState;

fn error(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(serde_json::json!({ "error": e.to_string() }))).into_response()
}

async fn wallet(state: &AppState, session: &Session) -> Result<String, AppError> {
    state
        .services
        .current_wallet(session)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// `POST /api/shares` → `201 {"id", "url", "attestation", "expiresAt"}`.
pub async fn create(
    State(state): State<AppState>,
    session: Session,
    body: Result<Json<ShareRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return error(AppError::BadRequest(
            "Send JSON: {\"lender\", \"expiresInDays\", \"scope\": \"full\" | \"threshold\", \"thresholdUsd\"}.".into(),
        ));
    };
    match async {
        let wallet = wallet(&state, &session).await?;
        state.services.create_share(&wallet, request).await
    }
    .await
    {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(e) => error(e),
    }
}

/// `GET /api/shares`.
pub async fn list(State(state): State<AppState>, session: Session) -> Response {
    match async {
        let wallet = wallet(&state, &session).await?;
        state.services.list_shares(&wallet).await
    }
    .await
    {
        Ok(list) => Json(list).into_response(),
        Err(e) => error(e),
    }
}

/// `DELETE /api/shares/{id}` → 204.
pub async fn revoke(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    match async {
        let wallet = wallet(&state, &session).await?;
        state.services.revoke_share(&wallet, &id).await
    }
    .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(e),
    }
}

/// `GET /api/attester`.
pub async fn attester(State(state): State<AppState>) -> Response {
    Json(state.services.attester()).into_response()
}

/// The verify request: the attestation, and optionally the wallet it must be for.
#[derive(Debug, Deserialize)]
pub struct VerifyRequest {
    #[serde(flatten)]
    attestation: serde_json::Value,
}

/// `POST /api/attestations/verify` with an attestation JSON (optionally `"recipient"`) →
/// `{"valid", "reason", …}`.
pub async fn verify(
    State(state): State<AppState>,
    body: Result<Json<VerifyRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(request)) = body else {
        return Json(serde_json::json!({ "valid": false, "reason": "not JSON" })).into_response();
    };
    let recipient = request
        .attestation
        .get("recipient")
        .and_then(|r| r.as_str())
        .map(str::to_string);
    let outcome = state
        .services
        .verify_attestation(&request.attestation, recipient.as_deref())
        .await;
    Json(outcome).into_response()
}

async fn report(state: &AppState, token: &str) -> Result<SharedReport, Response> {
    state.services.shared_report(token).await.map_err(error)
}

/// `GET /share/{token}/report.json`.
pub async fn download_json(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match report(&state, &token).await {
        Ok(r) => (
            [(
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"shopscore-report.json\"",
            )],
            Json(r),
        )
            .into_response(),
        Err(response) => response,
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// `GET /share/{token}/report.csv`: one `section,item,value` row per figure.
pub async fn download_csv(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let r = match report(&state, &token).await {
        Ok(r) => r,
        Err(response) => return response,
    };
    let mut rows: Vec<[String; 3]> = vec![
        ["report".into(), "wallet".into(), r.wallet.clone()],
        ["report".into(), "lender".into(), r.lender.clone()],
        [
            "report".into(),
            "attestationUid".into(),
            r.attestation_uid.clone(),
        ],
        ["report".into(), "expiresAt".into(), r.expires_at.clone()],
    ];
    match &r.score {
        Some(s) => {
            rows.push(["score".into(), "score".into(), format!("{:.1}", s.score)]);
            rows.push(["score".into(), "grade".into(), s.grade.clone()]);
            rows.push(["score".into(), "confidence".into(), s.confidence.clone()]);
            rows.push([
                "score".into(),
                "modelVersion".into(),
                s.model_version.clone(),
            ]);
            rows.push([
                "score".into(),
                "inputsDigest".into(),
                s.inputs_digest.clone(),
            ]);
            rows.push([
                "income".into(),
                "monthlyIncomeUsd".into(),
                format!("{:.2}", s.monthly_income_usd),
            ]);
            rows.push([
                "income".into(),
                "totalIncomeUsd".into(),
                format!("{:.2}", s.total_income_usd),
            ]);
            rows.push([
                "income".into(),
                "reconciliation".into(),
                s.reconciliation.clone(),
            ]);
            for (i, m) in s.monthly_series_usd.iter().enumerate() {
                rows.push([
                    "monthlyIncomeUsd".into(),
                    format!("M{}", i + 1),
                    format!("{m:.2}"),
                ]);
            }
            for source in &s.sources {
                rows.push([
                    "source".into(),
                    source.name.clone(),
                    format!("{:.2}", source.monthly_income_usd),
                ]);
            }
            for reason in &s.reasons {
                rows.push(["reason".into(), reason.code.clone(), reason.text.clone()]);
            }
        }
        None => rows.push([
            "claim".into(),
            "monthlyVerifiedIncomeAtLeastUsd".into(),
            format!("{:.2}", r.threshold_usd.unwrap_or(0.0)),
        ]),
    }
    for f in &r.freshness {
        rows.push([
            "connection".into(),
            f.name.clone(),
            format!("{} ({})", f.status, f.note),
        ]);
    }
    let mut text = String::from("section,item,value\n");
    for [a, b, c] in rows {
        text.push_str(&format!(
            "{},{},{}\n",
            csv_field(&a),
            csv_field(&b),
            csv_field(&c)
        ));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"shopscore-report.csv\"",
            ),
        ],
        text,
    )
        .into_response()
}
