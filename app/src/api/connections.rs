//! The borrower's connections and score, as JSON for the page and for lenders' scripts.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::types::{ConnectionView, DashboardData, DashboardUpdate, InsightsView, ScoreView};
use crate::error::AppError;

/// `GET /api/connections` → the signed-in wallet's connections.
#[server(prefix = "/api", endpoint = "connections", input = GetUrl, output = Json)]
pub async fn list_connections() -> Result<Vec<ConnectionView>, AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    let wallet = require_wallet(&session).await?;
    services()?.connections(&wallet).await
}

/// `GET /api/score` → the borrower's score over all connections (`null` before any).
#[server(prefix = "/api", endpoint = "score", input = GetUrl, output = Json)]
pub async fn get_score() -> Result<Option<ScoreView>, AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    let wallet = require_wallet(&session).await?;
    services()?.score(&wallet).await
}

/// `GET /api/insights` → the signed-in wallet's products, affiliate network, campaigns,
/// seasonality and today's orders (`null` before any score).
#[server(prefix = "/api", endpoint = "insights", input = GetUrl, output = Json)]
pub async fn get_insights() -> Result<Option<InsightsView>, AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    let wallet = require_wallet(&session).await?;
    services()?.insights(&wallet).await
}

/// Disconnects one of the signed-in wallet's connections (the page's button and form; lenders'
/// scripts use `DELETE /api/connections/{id}`).
#[server(prefix = "/api", endpoint = "connections/disconnect")]
pub async fn disconnect_connection(id: String) -> Result<(), AppError> {
    use super::server::{require_wallet, services, session};
    let session = session().await?;
    let wallet = require_wallet(&session).await?;
    services()?.disconnect(&wallet, &id).await
}

/// Everything the dashboard shows, in one round trip: the signed-in wallet (if any), its
/// connections and its score.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<DashboardData, AppError> {
    use super::server::{prefetched, services, session};
    use crate::ports::PrefetchedDashboard;
    // A page render: the server read the data already.
    if let Some(PrefetchedDashboard(data)) = prefetched() {
        return Ok(DashboardData::clone(&data));
    }
    services()?.dashboard(&session().await?).await
}

/// The dashboard again, for its live island after an event: what the island shows itself and
/// the score and insights panels rendered as HTML.
#[server(prefix = "/api", endpoint = "dashboard/update")]
pub async fn get_dashboard_update() -> Result<DashboardUpdate, AppError> {
    use super::server::{services, session};
    use crate::pages::dashboard::{figures_html, live_parts};
    let data = services()?.dashboard(&session().await?).await?;
    Ok(DashboardUpdate {
        parts: live_parts(data.connections, data.shares, data.score.is_some()),
        wallet: data.wallet,
        figures_html: figures_html(data.score, data.insights),
    })
}
