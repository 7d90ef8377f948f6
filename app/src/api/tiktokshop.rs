//! The TikTok Shop authorization: the authorize URL, the OAuth callback, and the claim of an
//! App Store install.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::types::AuthUrl;
use crate::error::AppError;

/// `GET /api/tiktokshop/auth?wallet=0x…[&account=creator][&market=us|global]` →
/// `{"authUrl": "…"}` for the signed-in wallet only: the seller page of the market (required
/// when both are configured), or with `account=creator` the creator page.
#[server(prefix = "/api", endpoint = "tiktokshop/auth", input = GetUrl, output = Json)]
pub async fn tiktokshop_auth(
    wallet: String,
    account: Option<String>,
    market: Option<String>,
) -> Result<AuthUrl, AppError> {
    use super::server::{require_wallet, services, session};
    use crate::ports::{ConnectAccount, ShopMarket};
    let session = session().await?;
    require_wallet(&session).await?;
    let account = match account.as_deref() {
        None | Some("seller") => ConnectAccount::Seller,
        Some("creator") => ConnectAccount::Creator,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "account must be seller or creator, not {other:?}"
            )))
        }
    };
    let market = match market.as_deref() {
        None | Some("") => None,
        Some(text) => Some(ShopMarket::parse(text).ok_or_else(|| {
            AppError::BadRequest(format!("market must be us or global, not {text:?}"))
        })?),
    };
    let auth_url = services()?
        .tiktok_auth_url(&session, &wallet, account, market)
        .await?;
    Ok(AuthUrl { auth_url })
}

/// Sends the browser to `target` with a real redirect, whatever the Accept header.
#[cfg(feature = "ssr")]
fn redirect(target: &str) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SEE_OTHER);
        if let Ok(location) = http::HeaderValue::from_str(target) {
            response.insert_header(http::header::LOCATION, location);
        }
    }
}

/// `GET /api/tiktokshop/callback?code=…&state=…`: TikTok sends the browser here after consent
/// (an App Store install comes without `state`). Always redirects to the dashboard with the
/// outcome in the query ([`super::ConnectOutcome::redirect`]).
#[server(prefix = "/api", endpoint = "tiktokshop/callback", input = GetUrl, output = Json)]
pub async fn tiktokshop_callback(
    code: Option<String>,
    auth_code: Option<String>,
    state: Option<String>,
    error: Option<String>,
) -> Result<(), AppError> {
    use super::outcome::{ConnectFailure, ConnectOutcome};
    use super::server::{services, session};
    use crate::ports::CallbackParams;
    let outcome = match (session().await, services()) {
        (Ok(session), Ok(services)) => {
            services
                .tiktok_callback(
                    &session,
                    CallbackParams {
                        code: code.or(auth_code),
                        state,
                        error,
                    },
                )
                .await
        }
        _ => ConnectOutcome::Failed(ConnectFailure::Internal),
    };
    redirect(&outcome.redirect());
    Ok(())
}

/// `POST /api/tiktokshop/claim`: binds this browser's App Store install to the signed-in
/// wallet; returns where the dashboard goes next.
#[server(prefix = "/api", endpoint = "tiktokshop/claim")]
pub async fn claim_install(wallet: String) -> Result<String, AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    require_wallet(&session).await?;
    let outcome = services()?.claim_install(&session, &wallet).await?;
    Ok(outcome.redirect())
}
