//! Sharing with lenders (the dashboard's panel) and the lender's report page. The REST routes
//! (`/api/shares`, `/api/attester`, `/api/attestations/verify`) live in the server.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::types::{CreatedShare, ShareView, SharedReport};
use crate::error::AppError;

/// The signed-in wallet's shares.
#[server(prefix = "/api", endpoint = "shares/list", input = GetUrl, output = Json)]
pub async fn list_shares() -> Result<Vec<ShareView>, AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    let wallet = require_wallet(&session).await?;
    services()?.list_shares(&wallet).await
}

/// Creates a share from the dashboard's form (works without JavaScript: the list shows it).
#[server(prefix = "/api", endpoint = "shares/create")]
pub async fn create_share(
    lender: String,
    expires_in_days: u32,
    scope: String,
    threshold_usd: Option<String>,
) -> Result<CreatedShare, AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    let wallet = require_wallet(&session).await?;
    let threshold_usd = match threshold_usd.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<f64>().map_err(|_| {
            AppError::BadRequest("The threshold is a number of US dollars.".into())
        })?),
    };
    services()?
        .create_share(
            &wallet,
            super::types::ShareRequest {
                lender,
                expires_in_days,
                scope,
                threshold_usd,
            },
        )
        .await
}

/// Revokes a share from the dashboard.
#[server(prefix = "/api", endpoint = "shares/revoke")]
pub async fn revoke_share(id: String) -> Result<(), AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    let wallet = require_wallet(&session).await?;
    services()?.revoke_share(&wallet, &id).await
}

/// What a lender's link shows.
#[server(prefix = "/api", endpoint = "shared/report", input = GetUrl, output = Json)]
pub async fn get_shared_report(token: String) -> Result<SharedReport, AppError> {
    use super::server::services;
    let result = services()?.shared_report(&token).await;
    if let Err(e) = &result {
        // The page answers with the error's status too (410 once revoked or expired).
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(e.status()) {
                response.set_status(status);
            }
        }
    }
    result
}
