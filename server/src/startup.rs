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
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower_sessions::cookie::SameSite;
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};

use crate::clock::Clock;
use crate::config::{tiktok_hosts, Settings};
use crate::db::{self, Database};
use crate::metrics::Metrics;
use crate::sandbox::{self, Sandbox, SandboxConfig, SandboxLayout};
use crate::security::{self, CspNonce};
use crate::services::connect::{AuthorizeLinks, ConnectService, MarketLink};
use crate::services::scoring::Scorer;
use crate::services::wallet::WalletAuth;
use crate::services::AppServices;
use crate::sync::SyncEngine;
use crate::telemetry;
use crate::tiktok::{AppSecret, TikTokClient, TikTokConfig};
use crate::vault::TokenVault;
use crate::webhooks::WebhookReceiver;

/// Name of the session cookie (over HTTPS with the `__Host-` prefix: Secure, path `/`, no
/// domain, so no other host can set or read it).
pub const SESSION_COOKIE: &str = "shopscore_session";
/// The session cookie's name over HTTPS.
pub const SECURE_SESSION_COOKIE: &str = "__Host-shopscore_session";

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
    /// The scoring service.
    pub scorer: Arc<Scorer>,
    /// The server's clock.
    pub clock: Clock,
    /// The token vault.
    pub vault: Arc<TokenVault>,
    /// The TikTok Shop client.
    pub client: Arc<TikTokClient>,
    /// The seller markets the connect button offers.
    pub markets: Vec<String>,
    /// Open live-update streams.
    pub live: Arc<crate::live::LiveHub>,
    /// The per-client rate limits.
    pub limits: Arc<crate::front::Limits>,
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
    /// The attester key is unusable.
    #[error("{0}")]
    Attester(#[from] crate::attest::AttesterError),
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
        let clock = Clock::system();
        let local = listener
            .local_addr()
            .map_err(|e| StartupError::TikTok(e.to_string()))?;
        let wiring = tiktok_wiring(&settings, local)?;
        let webhook_key = wiring.client.app_key.clone();
        let webhook_secret = wiring.client.app_secret.clone();
        let mut client_config = wiring.client;
        client_config.max_body_bytes = settings.sync.max_body_bytes;
        let client = Arc::new(
            TikTokClient::new(client_config).map_err(|e| StartupError::TikTok(e.to_string()))?,
        );
        let client_handle = client.clone();
        let scorer = Arc::new(Scorer::new(
            db.clone(),
            shopscore::money::FxTable::shipped(),
            clock.clone(),
            settings.sync.history_days,
        ));
        let sync = Arc::new(SyncEngine::new(
            db.clone(),
            vault.clone(),
            client.clone(),
            settings.sync.clone(),
            clock.clone(),
            scorer.clone(),
        ));
        let webhooks = Arc::new(WebhookReceiver::new(
            webhook_key,
            webhook_secret,
            settings.sync.webhook_max_age,
            sync.clone(),
            clock.clone(),
        ));
        let markets = wiring
            .links
            .markets()
            .iter()
            .map(|m| m.as_str().to_string())
            .collect();
        let attester = Arc::new(crate::attest::Attester::from_settings(&settings)?);
        let shares = crate::services::shares::ShareService::new(
            db.clone(),
            attester,
            vault.clone(),
            clock.clone(),
            &settings.app_url,
            settings.attestation.max_days,
        );
        let services = Arc::new(AppServices::new(
            db.clone(),
            WalletAuth::new(
                db.clone(),
                &settings.app_url,
                clock.clone(),
                crate::services::wallet::SessionLifetimes {
                    idle: settings.front.session_idle,
                    max: settings.front.session_max,
                    anonymous: settings.front.session_anonymous,
                },
            ),
            ConnectService::new(
                db.clone(),
                client,
                vault.clone(),
                sync.clone(),
                wiring.links,
                clock.clone(),
            ),
            scorer.clone(),
            shares,
            clock.clone(),
        ));
        let settings_front = settings.front.clone();
        let state = AppState {
            leptos_options,
            settings: Arc::new(settings),
            db,
            metrics: Arc::new(Metrics::default()),
            services,
            sandbox: wiring.sandbox,
            sync,
            webhooks,
            scorer,
            clock,
            vault,
            client: client_handle,
            markets,
            live: Arc::default(),
            limits: crate::front::Limits::new(
                &settings_front.rate_limits,
                settings_front.client_ip_header.clone(),
            ),
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
        // Expired nonces, states and held installs, webhook ids older than any accepted
        // replay, old run logs and audit rows go hourly.
        let purge = {
            let db = self.state.db.clone();
            let clock = self.state.clock.clone();
            let retention = Retention::of(&self.state.settings);
            let limits = self.state.limits.clone();
            let client = self.state.client.clone();
            tokio::spawn(async move {
                let hour = Duration::from_secs(3600);
                // First purge an hour after start: nothing at start-up competes with serving.
                let mut every = tokio::time::interval_at(tokio::time::Instant::now() + hour, hour);
                loop {
                    every.tick().await;
                    purge_once(db.as_ref(), clock.now(), &retention).await;
                    limits.trim();
                    client.trim();
                }
            })
        };
        let workers = if self.state.settings.sync.scheduler {
            crate::sync::scheduler::spawn(self.state.sync.clone())
        } else {
            Vec::new()
        };
        let engine = self.state.sync.clone();
        let drain = self.state.settings.sync.drain;
        let shutdown = async move {
            shutdown.await;
            // Stop claiming first, then let the runs in flight finish within the deadline.
            let left = engine.drain(drain).await;
            if left > 0 {
                tracing::warn!(runs = left, "sync runs still in flight at the drain deadline; their checkpoints keep their place");
            }
        };
        // `/metrics` on its own (internal) address when METRICS_ADDR says so.
        let metrics_server = match self.state.settings.front.metrics_addr {
            Some(addr) => {
                let listener = TcpListener::bind(addr).await?;
                let app = Router::new()
                    .route("/metrics", get(metrics))
                    .with_state(self.state.clone());
                Some(tokio::spawn(
                    async move { axum::serve(listener, app).await },
                ))
            }
            None => None,
        };
        let front = &self.state.settings.front;
        let result = crate::serve::serve(
            self.listener,
            self.router,
            shutdown,
            front.header_read_timeout,
            self.state.settings.sync.drain,
        )
        .await;
        if let Some(server) = metrics_server {
            server.abort();
        }
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

/// The pages' route list, generated once per process. Generating it renders the app with
/// resource loading suppressed through a process-wide flag (leptos_server's
/// `SuppressResourceLoad`): a resource another server in the process first polls meanwhile
/// never loads, and its page's stream stalls (leptos issue #4773). Seen when tests started an
/// app while another test's page rendered.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The full router: operations endpoints, Leptos pages and server functions, static files.
pub fn router(state: AppState) -> Router {
    let site_info = SiteInfo {
        sandbox: state.settings.sandbox_mode(),
        markets: state.markets.clone(),
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

    // The cookie follows the public address's scheme, whatever APP_ENV says.
    let secure = state.settings.https();
    let front = &state.settings.front;
    let sessions = SessionManagerLayer::new(state.db.session_store())
        .with_name(if secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            front.session_idle.as_secs() as i64,
        )));
    let origin = crate::front::Origin(Arc::new(
        state.settings.app_url.origin().ascii_serialization(),
    ));

    let kept = crate::page_cache::KeptPages::new(state.metrics.clone());
    let routes = route_list();
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
    // The live stream lasts as long as the page is open: outside the request timeout.
    let live = Router::new()
        .route("/api/live", get(crate::live::stream))
        .with_state(state.clone());
    let metrics_route = match &front.metrics_token {
        Some(_) => Router::new()
            .route("/metrics", get(metrics_with_token))
            .with_state(state.clone()),
        None => Router::new(),
    };
    Router::new()
        .route(
            "/api/connections/{id}",
            axum::routing::delete(delete_connection),
        )
        .route(
            "/api/shares",
            get(crate::shares_api::list).post(crate::shares_api::create),
        )
        .route(
            "/api/shares/{id}",
            axum::routing::delete(crate::shares_api::revoke),
        )
        .route("/api/attester", get(crate::shares_api::attester))
        .route(
            "/api/attestations/verify",
            axum::routing::post(crate::shares_api::verify),
        )
        .route(
            "/share/{token}/report.json",
            get(crate::shares_api::download_json),
        )
        .route(
            "/share/{token}/report.csv",
            get(crate::shares_api::download_csv),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
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
        .merge(metrics_route)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            front.request_timeout,
        ))
        .merge(live)
        .layer(middleware::from_fn(
            crate::api_errors::status_from_app_error,
        ))
        .layer(middleware::from_fn_with_state(
            crate::page_cache::PersonalPages {
                pages: kept.clone(),
                services: state.services.clone(),
                timeout: front.request_timeout,
            },
            crate::page_cache::personal,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(origin, crate::front::csrf))
        .layer(middleware::from_fn_with_state(
            kept,
            crate::page_cache::visitors,
        ))
        .layer(middleware::from_fn_with_state(
            state.limits.clone(),
            crate::front::rate_limit,
        ))
        .layer(middleware::from_fn_with_state(
            security::Https(state.settings.https()),
            security::headers,
        ))
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

/// How the app reaches TikTok Shop: the client's configuration, the browser's authorize links,
/// and in sandbox mode the sandbox to mount.
struct TikTokWiring {
    client: TikTokConfig,
    links: AuthorizeLinks,
    sandbox: Option<Arc<Sandbox>>,
}

fn tiktok_wiring(settings: &Settings, local: SocketAddr) -> Result<TikTokWiring, StartupError> {
    let hosts = &settings.tiktok_hosts;
    let parse = |u: &str| url::Url::parse(u).map_err(|e| StartupError::TikTok(format!("{u}: {e}")));
    let or = |configured: &Option<url::Url>, default: &str| match configured {
        Some(url) => Ok(url.clone()),
        None => parse(default),
    };
    let app_url = settings.app_url.as_str().trim_end_matches('/').to_string();
    match &settings.tiktok {
        Some(creds) => {
            let client = TikTokConfig::new(
                creds.app_key.clone(),
                AppSecret::new(creds.app_secret.expose()),
                or(&hosts.auth_base, tiktok_hosts::AUTH_BASE)?,
                or(&hosts.api_base, tiktok_hosts::API_BASE)?,
            );
            let market = |id: &Option<String>, url: &Option<url::Url>, default: &str| {
                id.as_ref()
                    .map(|service_id| {
                        Ok::<_, StartupError>(MarketLink {
                            authorize_url: or(url, default)?,
                            service_id: service_id.clone(),
                        })
                    })
                    .transpose()
            };
            let links = AuthorizeLinks {
                global: market(
                    &creds.service_id,
                    &hosts.authorize_url,
                    tiktok_hosts::AUTHORIZE_URL,
                )?,
                us: market(
                    &creds.us_service_id,
                    &hosts.us_authorize_url,
                    tiktok_hosts::US_AUTHORIZE_URL,
                )?,
                creator_url: or(
                    &hosts.creator_authorize_url,
                    tiktok_hosts::CREATOR_AUTHORIZE_URL,
                )?,
                app_key: creds.app_key.clone(),
            };
            Ok(TikTokWiring {
                client,
                links,
                sandbox: None,
            })
        }
        None => {
            let credentials = sandbox_credentials(&settings.data_dir)?;
            let redirect = parse(&format!("{app_url}/api/tiktokshop/callback"))?;
            // The client reaches the mounted sandbox over HTTP on this process's own address,
            // exactly as it would reach TikTok; so do its webhook deliveries.
            let host = if local.ip().is_unspecified() {
                "127.0.0.1".to_string()
            } else {
                local.ip().to_string()
            };
            let own = format!("http://{host}:{}", local.port());
            let mut config = SandboxConfig::new(
                credentials.app_key.clone(),
                credentials.app_secret.clone(),
                credentials.service_id.clone(),
                redirect,
            );
            config.us_service_id = credentials.us_service_id.clone();
            config.webhook_url = Some(parse(&format!("{own}/api/webhooks/tiktokshop"))?);
            let sandbox = Sandbox::new(config);
            let client = TikTokConfig::new(
                credentials.app_key.clone(),
                credentials.app_secret,
                or(&hosts.auth_base, &format!("{own}/sandbox/auth"))?,
                or(&hosts.api_base, &format!("{own}/sandbox/open-api"))?,
            );
            let links = AuthorizeLinks {
                global: Some(MarketLink {
                    authorize_url: or(
                        &hosts.authorize_url,
                        &format!("{app_url}/sandbox/open/authorize"),
                    )?,
                    service_id: credentials.service_id,
                }),
                us: Some(MarketLink {
                    authorize_url: or(
                        &hosts.us_authorize_url,
                        &format!("{app_url}/sandbox/us/open/authorize"),
                    )?,
                    service_id: credentials.us_service_id,
                }),
                creator_url: or(
                    &hosts.creator_authorize_url,
                    &format!("{app_url}/sandbox/alliance/creator/auth"),
                )?,
                app_key: credentials.app_key,
            };
            Ok(TikTokWiring {
                client,
                links,
                sandbox: Some(sandbox),
            })
        }
    }
}

/// The local instance's sandbox app: generated once and kept in `DATA_DIR/sandbox_app.json`,
/// so tokens issued before a restart stay valid.
#[derive(Clone)]
pub(crate) struct SandboxCredentials {
    pub app_key: String,
    pub app_secret: AppSecret,
    pub service_id: String,
    pub us_service_id: String,
}

pub(crate) fn sandbox_credentials(
    data_dir: &std::path::Path,
) -> Result<SandboxCredentials, StartupError> {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Stored {
        app_key: String,
        app_secret: String,
        service_id: String,
        /// Kept apart from the rest-of-world id, as TikTok's two Partner Centers do (a file
        /// from before the US market gets one).
        #[serde(default)]
        us_service_id: String,
    }
    let path = data_dir.join("sandbox_app.json");
    let fail = |e: &dyn std::fmt::Display| {
        StartupError::TikTok(format!("sandbox credentials in {}: {e}", path.display()))
    };
    let stored = match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str::<Stored>(&text).map_err(|e| fail(&e))?),
        Err(_) => None,
    };
    let stored = match stored {
        Some(s) if !s.us_service_id.is_empty() => s,
        other => {
            let (app_key, app_secret, service_id, us_service_id) =
                SandboxConfig::generate_credentials();
            let fresh = match other {
                Some(old) => Stored {
                    us_service_id,
                    ..old
                },
                None => Stored {
                    app_key,
                    app_secret: app_secret.expose().to_string(),
                    service_id,
                    us_service_id,
                },
            };
            std::fs::create_dir_all(data_dir).map_err(|e| fail(&e))?;
            let text = serde_json::to_string_pretty(&fresh).map_err(|e| fail(&e))?;
            crate::vault::write_private(&path, &text).map_err(|e| fail(&e))?;
            fresh
        }
    };
    Ok(SandboxCredentials {
        app_key: stored.app_key,
        app_secret: AppSecret::new(stored.app_secret),
        service_id: stored.service_id,
        us_service_id: stored.us_service_id,
    })
}

/// How long each table keeps its rows.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// Webhook ids: twice the replay window.
    pub webhooks_secs: i64,
    /// The sync run log.
    pub runs_secs: i64,
    /// Audit events (kept longest).
    pub audit_secs: i64,
    /// Sign-ins remembered for "sign out everywhere": a session's longest life.
    pub sessions_secs: i64,
}

impl Retention {
    /// The retention of the settings.
    pub fn of(settings: &Settings) -> Retention {
        Retention {
            webhooks_secs: 2 * settings.sync.webhook_max_age.as_secs() as i64,
            runs_secs: i64::from(settings.front.runs_retention_days) * 86_400,
            audit_secs: i64::from(settings.front.audit_retention_days) * 86_400,
            sessions_secs: settings.front.session_max.as_secs() as i64,
        }
    }
}

/// One pass of the hourly purge.
pub async fn purge_once(db: &dyn Database, now: i64, r: &Retention) {
    let results = [
        (
            "nonces, states and held installs",
            db.purge_single_use(now).await,
        ),
        (
            "webhook ids",
            db.purge_webhooks(now - r.webhooks_secs).await,
        ),
        (
            "sync run logs",
            db.purge_runs((now - r.runs_secs) * 1000).await,
        ),
        ("audit events", db.purge_audit(now - r.audit_secs).await),
        (
            "remembered sign-ins",
            db.purge_wallet_sessions(now - r.sessions_secs).await,
        ),
    ];
    for (what, result) in results {
        match result {
            Ok(gone) => tracing::debug!(rows = gone, "purged expired {what}"),
            Err(e) => tracing::warn!(error = %e, "purging expired {what} failed"),
        }
    }
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

/// `/metrics` on the main address: only with `Authorization: Bearer <METRICS_TOKEN>`.
async fn metrics_with_token(
    State(state): State<AppState>,
    headers: http::HeaderMap,
) -> axum::response::Response {
    use subtle::ConstantTimeEq;
    let expected = state
        .settings
        .front
        .metrics_token
        .as_ref()
        .map(|t| format!("Bearer {}", t.expose()));
    let given = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match expected {
        Some(e) if bool::from(e.as_bytes().ct_eq(given.as_bytes())) => {
            metrics(State(state)).await.into_response()
        }
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
