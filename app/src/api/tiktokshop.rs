//! The TikTok Shop authorization: the authorize URL and the OAuth callback.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::types::AuthUrl;
use crate::error::AppError;

/// `GET /api/tiktokshop/auth?wallet=0x…[&account=creator]` → `{"authUrl": "…"}` for the
/// signed-in wallet only; `account=creator` gives the creator authorization page.
#[server(prefix = "/api", endpoint = "tiktokshop/auth", input = GetUrl, output = Json)]
pub async fn tiktokshop_auth(wallet: String, account: Option<String>) -> Result<AuthUrl, AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    require_wallet(&session).await?;
    let creator = match account.as_deref() {
        None | Some("seller") => false,
        Some("creator") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "account must be seller or creator, not {other:?}"
            )))
        }
    };
    let auth_url = services()?
        .tiktok_auth_url(&session, &wallet, creator)
        .await?;
    Ok(AuthUrl { auth_url })
}

/// `GET /api/tiktokshop/callback?code=…&state=…`: TikTok sends the browser here after consent.
/// Always redirects to the dashboard, with `tiktokshop_connected=true` or `tiktokshop_error=…`.
#[server(prefix = "/api", endpoint = "tiktokshop/callback", input = GetUrl, output = Json)]
pub async fn tiktokshop_callback(
    code: Option<String>,
    auth_code: Option<String>,
    state: Option<String>,
    error: Option<String>,
) -> Result<(), AppError> {
    use super::server::{services, session};
    use crate::ports::CallbackParams;
    let target = match (session().await, services()) {
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
        _ => "/dashboard?tiktokshop_error=internal".to_string(),
    };
    // A real redirect whatever the Accept header: this is a browser navigation from TikTok.
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SEE_OTHER);
        if let Ok(location) = http::HeaderValue::from_str(&target) {
            response.insert_header(http::header::LOCATION, location);
        }
    }
    Ok(())
}
