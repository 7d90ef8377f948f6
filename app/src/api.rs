//! Server functions: thin, public endpoints. Each reads what the server put in context and
//! maps errors to [`AppError`]; no SQL or HTTP lives here.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// What every page may know about the running instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteInfo {
    /// True when no TikTok Shop app credentials are configured and the built-in sandbox serves
    /// the TikTok Shop protocol.
    pub sandbox: bool,
}

/// Describes the running instance (sandbox mode or not).
#[server(prefix = "/api", endpoint = "site_info")]
pub async fn get_site_info() -> Result<SiteInfo, crate::error::AppError> {
    use_context::<SiteInfo>().ok_or(AppError::Internal)
}
