//! Building and running the HTTP application: state, routes, layers, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::api::SiteInfo;
use app::{shell, App};
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{middleware, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_sessions::cookie::SameSite;
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};

use crate::config::{tiktok_hosts, AppEnv, Settings};
use crate::db::{self, Database};
use crate::metrics::Metrics;
use crate::sandbox::{self, Sandbox, SandboxConfig, SandboxLayout};
use crate::security::{self, CspNonce};
use crate::services::connect::{AuthorizeLinks, ConnectService};
use crate::services::wallet::WalletAuth;
use crate::services::AppServices;
use crate::sync::SyncEngine;
use crate::telemetry;
use crate::tiktok::{AppSecret, TikTokClient, TikTokConfig};
use crate::vault::TokenVault;
use crate::webhooks::WebhookReceiver;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "shopscore_session";

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Leptos' options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The settings read at start-up.
    pub settings: Arc<Settings>,
    /// The database.
    pub db: Arc<dyn Database>,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
    /// The services behind the server functions.
    pub services: Arc<AppServices>,
    /// The mounted TikTok Shop sandbox (sandbox mode only).
    pub sandbox: Option<Arc<Sandbox>>,
    /// The sync engine (the scheduler, the webhook receiver and the connect flow use it).
    pub sync: Arc<SyncEngine>,
    /// The webhook receiver.
    pub webhooks: Arc<WebhookReceiver>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// A start-up failure, printed as one line naming what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The configuration is invalid.
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    /// The database could not be reached or migrated.
    #[error("DATABASE_URL ({url}): {source}")]
    Database { url: String, source: db::DbError },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The token keys are missing or unreadable.
    #[error("{0}")]
    Vault(#[from] crate::vault::VaultError),
    /// The TikTok Shop client or sandbox could not be set up.
    #[error("TikTok Shop: {0}")]
    TikTok(String),
}

/// A bound, ready-to-serve application (bind to port 0 in tests and read [`Application::port`]).
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Binds `addr`, then builds the application on it.
    pub async fn build(
        settings: Settings,
        leptos_options: LeptosOptions,
        addr: SocketAddr,
    ) -> Result<Application, StartupError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        Self::build_on(settings, leptos_options, listener).await
    }

    /// Connects the database, applies migrations, wires the services and builds the router on
    /// an already bound listener.
    pub async fn build_on(
        settings: Settings,
        leptos_options: LeptosOptions,
        listener: TcpListener,
    ) -> Result<Application, StartupError> {
        let db = db::connect(&settings.database_url)
            .await
            .map_err(|source| StartupError::Database {
                url: settings.database_url.redacted(),
                source,
            })?;
        db.migrate()
            .await
            .map_err(|source| StartupError::Database {
                url: settings.database_url.redacted(),
                source,
            })?;
        let vault = Arc::new(TokenVault::from_settings(&settings)?);
        let local = listener
            .local_addr()
            .map_err(|e| StartupError::TikTok(e.to_string()))?;
        let wiring = tiktok_wiring(&settings, local)?;
        let webhook_key = wiring.client.app_key.clone();
        let webhook_secret = wiring.client.app_secret.clone();
        let client = Arc::new(
            TikTokClient::new(wiring.client).map_err(|e| StartupError::TikTok(e.to_string()))?,
        );
        let sync = Arc::new(SyncEngine::new(
            db.clone(),
            vault,
            client,
            shopscore::money::FxTable::shipped(),
            settings.sync.clone(),
        ));
        let webhooks = Arc::new(WebhookReceiver::new(
            webhook_key,
            webhook_secret,
            settings.sync.webhook_max_age.as_secs() as i64,
            sync.clone(),
        ));
        let services = Arc::new(AppServices::new(
            db.clone(),
            WalletAuth::new(db.clone(), &settings.app_url),
            ConnectService::new(db.clone(), sync.clone(), wiring.links),
        ));
        let state = AppState {
            leptos_options,
            settings: Arc::new(settings),
            db,
            metrics: Arc::new(Metrics::default()),
            services,
            sandbox: wiring.sandbox,
            sync,
            webhooks,
        };
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The shared state (tests reach the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let store = self.state.db.session_store();
        let cleanup = tokio::spawn(store.continuously_delete_expired(Duration::from_secs(3600)));
        // Expired nonces and states, and webhook ids older than any accepted replay, go hourly.
        let purge = {
            let db = self.state.db.clone();
            let keep_webhooks = 2 * self.state.settings.sync.webhook_max_age.as_secs() as i64;
            tokio::spawn(async move {
                let hour = Duration::from_secs(3600);
                // First purge an hour after start: nothing at start-up competes with serving.
                let mut every = tokio::time::interval_at(tokio::time::Instant::now() + hour, hour);
                loop {
                    every.tick().await;
                    let now = db::now_unix();
                    match db.purge_expired(now, now - keep_webhooks).await {
                        Ok(gone) => tracing::debug!(
                            rows = gone,
                            "expired nonces, states and webhook ids purged"
                        ),
                        Err(e) => tracing::warn!(error = %e, "purging expired rows failed"),
                    }
                }
            })
        };
        let workers = if self.state.settings.sync.scheduler {
            crate::sync::scheduler::spawn(self.state.sync.clone())
        } else {
            Vec::new()
        };
        let result = axum::serve(self.listener, self.router.into_make_service())
            .with_graceful_shutdown(shutdown)
            .await;
        cleanup.abort();
        purge.abort();
        for worker in workers {
            worker.abort();
        }
        result
    }
}

/// Installs the SIGTERM and Ctrl-C handlers now and returns a future that resolves on either.
/// Installing before the server says it is listening means a SIGTERM sent right after that
/// line is a graceful shutdown, never the default kill.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (mut terminate, mut interrupt) = handlers;
            let term = async {
                match terminate.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async {
                match interrupt.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = term => {},
                _ = int => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutdown signal received, finishing in-flight requests");
    }
}

/// The full router: operations endpoints, Leptos pages and server functions, static files.
pub fn router(state: AppState) -> Router {
    let site_info = SiteInfo {
        sandbox: state.settings.sandbox_mode(),
    };
    let services: Arc<dyn app::ports::Services> = state.services.clone();
    let context = move || {
        provide_context(site_info.clone());
        provide_context(services.clone());
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(nonce) = parts.extensions.get::<CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
            }
        }
    };

    let secure = state.settings.app_env == AppEnv::Production;
    let sessions = SessionManagerLayer::new(state.db.session_store())
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::days(7)));

    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let sandbox_routes = match &state.sandbox {
        Some(sandbox) => sandbox::router(sandbox.clone(), SandboxLayout::Mounted),
        None => Router::new(),
    };
    let webhooks = Router::new()
        .route(
            "/api/webhooks/tiktokshop",
            axum::routing::post(crate::webhooks::receive),
        )
        .with_state(state.webhooks.clone());
    Router::new()
        .route(
            "/api/connections/{id}",
            axum::routing::delete(delete_connection),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .with_state(state.clone())
        .merge(sandbox_routes)
        .merge(webhooks)
        .layer(middleware::from_fn(
            crate::api_errors::status_from_app_error,
        ))
        .layer(sessions)
        .layer(middleware::from_fn(security::headers))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            telemetry::observe,
        ))
}

/// `DELETE /api/connections/{id}`: disconnects (tokens deleted, an audit row kept).
async fn delete_connection(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> axum::response::Response {
    use app::ports::Services;
    let result = async {
        let wallet = state
            .services
            .current_wallet(&session)
            .await?
            .ok_or(app::error::AppError::Unauthorized)?;
        state.services.disconnect(&wallet, &id).await
    }
    .await;
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (
                status,
                axum::Json(serde_json::json!({ "error": error.to_string() })),
            )
                .into_response()
        }
    }
}

/// How the app reaches TikTok Shop: the client's configuration, the browser's authorize link,
/// and in sandbox mode the sandbox to mount.
struct TikTokWiring {
    client: TikTokConfig,
    links: AuthorizeLinks,
    sandbox: Option<Arc<Sandbox>>,
}

fn tiktok_wiring(settings: &Settings, local: SocketAddr) -> Result<TikTokWiring, StartupError> {
    let hosts = &settings.tiktok_hosts;
    let parse = |u: &str| url::Url::parse(u).map_err(|e| StartupError::TikTok(format!("{u}: {e}")));
    let app_url = settings.app_url.as_str().trim_end_matches('/').to_string();
    match &settings.tiktok {
        Some(creds) => {
            let client = TikTokConfig::new(
                creds.app_key.clone(),
                AppSecret::new(creds.app_secret.expose()),
                hosts
                    .auth_base
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(tiktok_hosts::AUTH_BASE))?,
                hosts
                    .api_base
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(tiktok_hosts::API_BASE))?,
            );
            let links = AuthorizeLinks {
                authorize_url: hosts
                    .authorize_url
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(tiktok_hosts::AUTHORIZE_URL))?,
                creator_authorize_url: hosts
                    .creator_authorize_url
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(tiktok_hosts::CREATOR_AUTHORIZE_URL))?,
                service_id: creds.service_id.clone(),
            };
            Ok(TikTokWiring {
                client,
                links,
                sandbox: None,
            })
        }
        None => {
            let (app_key, app_secret, service_id) = sandbox_credentials(&settings.data_dir)?;
            let redirect = parse(&format!("{app_url}/api/tiktokshop/callback"))?;
            let sandbox = Sandbox::new(SandboxConfig::new(
                app_key.clone(),
                app_secret.clone(),
                service_id.clone(),
                redirect,
            ));
            // The client reaches the mounted sandbox over HTTP on this process's own address,
            // exactly as it would reach TikTok.
            let host = if local.ip().is_unspecified() {
                "127.0.0.1".to_string()
            } else {
                local.ip().to_string()
            };
            let own = format!("http://{host}:{}", local.port());
            let client = TikTokConfig::new(
                app_key,
                app_secret,
                hosts
                    .auth_base
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(&format!("{own}/sandbox/auth")))?,
                hosts
                    .api_base
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(&format!("{own}/sandbox/open-api")))?,
            );
            let links = AuthorizeLinks {
                authorize_url: hosts
                    .authorize_url
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(&format!("{app_url}/sandbox/open/authorize")))?,
                // The sandbox has one consent page; its personas include creators.
                creator_authorize_url: hosts
                    .creator_authorize_url
                    .clone()
                    .map(Ok)
                    .unwrap_or_else(|| parse(&format!("{app_url}/sandbox/open/authorize")))?,
                service_id,
            };
            Ok(TikTokWiring {
                client,
                links,
                sandbox: Some(sandbox),
            })
        }
    }
}

/// The local instance's sandbox app credentials: generated once and kept in
/// `DATA_DIR/sandbox_app.json`, so tokens issued before a restart stay valid.
pub(crate) fn sandbox_credentials(
    data_dir: &std::path::Path,
) -> Result<(String, AppSecret, String), StartupError> {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Stored {
        app_key: String,
        app_secret: String,
        service_id: String,
    }
    let path = data_dir.join("sandbox_app.json");
    let fail = |e: &dyn std::fmt::Display| {
        StartupError::TikTok(format!("sandbox credentials in {}: {e}", path.display()))
    };
    if let Ok(text) = std::fs::read_to_string(&path) {
        let stored: Stored = serde_json::from_str(&text).map_err(|e| fail(&e))?;
        return Ok((
            stored.app_key,
            AppSecret::new(stored.app_secret),
            stored.service_id,
        ));
    }
    let (app_key, app_secret, service_id) = SandboxConfig::generate_credentials();
    let stored = Stored {
        app_key: app_key.clone(),
        app_secret: app_secret.expose().to_string(),
        service_id: service_id.clone(),
    };
    std::fs::create_dir_all(data_dir).map_err(|e| fail(&e))?;
    let text = serde_json::to_string_pretty(&stored).map_err(|e| fail(&e))?;
    crate::vault::write_private(&path, &text).map_err(|e| fail(&e))?;
    Ok((app_key, app_secret, service_id))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(Duration::from_secs(3), state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
        Err(_) => {
            tracing::warn!("readiness check timed out waiting for the database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
