//! What every page may know about the running instance.

use leptos::prelude::*;

use super::types::SiteInfo;
use crate::error::AppError;

/// Describes the running instance (sandbox mode or not).
#[server(prefix = "/api", endpoint = "site_info")]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    use_context::<SiteInfo>().ok_or(AppError::Internal)
}
