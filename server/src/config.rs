//! Typed settings: the configuration table of DESIGN.md, read once from the environment.
//! Nothing else in the program reads environment variables (Leptos reads its own `LEPTOS_*`).

use std::fmt;
use std::path::PathBuf;

use url::Url;

/// Where TikTok Shop lives in production (the authorization guides 202407 and the creator
/// authorization guide). The one place these hosts are written down.
pub mod tiktok_hosts {
    /// Seller authorization page, rest of world (`?service_id=…&state=…`).
    pub const AUTHORIZE_URL: &str = "https://services.tiktokshop.com/open/authorize";
    /// Seller authorization page of the US Partner Center (its own service id).
    pub const US_AUTHORIZE_URL: &str = "https://services.tiktokshops.us/open/authorize";
    /// Creator authorization page (`?app_key=…&state=…`; allow-listed by app key).
    pub const CREATOR_AUTHORIZE_URL: &str = "https://shop.tiktok.com/alliance/creator/auth";
    /// Token get and refresh.
    pub const AUTH_BASE: &str = "https://auth.tiktok-shops.com";
    /// The Open API.
    pub const API_BASE: &str = "https://open-api.tiktokglobalshop.com";
}

/// A configuration problem, always naming the variable at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A required variable is missing.
    #[error("{var} is required when APP_ENV=production ({why})")]
    Missing {
        var: &'static str,
        why: &'static str,
    },
    /// A variable is present but unreadable.
    #[error("{var}: {message}")]
    Invalid { var: &'static str, message: String },
}

impl ConfigError {
    fn invalid(var: &'static str, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            var,
            message: message.into(),
        }
    }
}

/// Development or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// Local development: sandbox allowed, generated keys, cookies without `Secure`.
    Development,
    /// Production: secure cookies, every secret configured.
    Production,
}

/// A configuration secret (the server's one secret type, of no particular kind).
pub type Secret = crate::secret::Secret<crate::secret::Opaque>;

/// A 32-byte key for AES-256-GCM, given as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey([u8; 32]);

impl EncryptionKey {
    /// Parses 64 hex digits.
    pub fn from_hex(var: &'static str, hex_text: &str) -> Result<Self, ConfigError> {
        let bytes = hex::decode(hex_text.trim()).map_err(|_| {
            ConfigError::invalid(var, "expected 64 hexadecimal digits (a 32-byte key)")
        })?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            ConfigError::invalid(var, "expected 64 hexadecimal digits (a 32-byte key)")
        })?;
        Ok(EncryptionKey(key))
    }
    /// A fresh random key.
    pub fn generate() -> Self {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        EncryptionKey(key)
    }
    /// The key bytes, for the cipher only.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// Hex form, for writing a generated development key to disk.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The database named by `DATABASE_URL`, parsed by scheme. Its `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://path` or `sqlite::memory:`.
    Sqlite(String),
    /// `postgres://…` or `postgresql://…`.
    Postgres(String),
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl DatabaseUrl {
    /// Parses a database URL, accepting only the two supported schemes.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        if text.starts_with("sqlite:") {
            Ok(DatabaseUrl::Sqlite(text.to_string()))
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            let parsed = Url::parse(text).map_err(|e| {
                ConfigError::invalid("DATABASE_URL", format!("not a valid PostgreSQL URL ({e})"))
            })?;
            if parsed.host_str().unwrap_or("").is_empty() {
                return Err(ConfigError::invalid(
                    "DATABASE_URL",
                    "the PostgreSQL URL names no host",
                ));
            }
            Ok(DatabaseUrl::Postgres(text.to_string()))
        } else {
            Err(ConfigError::invalid(
                "DATABASE_URL",
                "expected sqlite://PATH or postgres://USER@HOST:PORT/DATABASE",
            ))
        }
    }

    /// The URL text.
    pub fn as_str(&self) -> &str {
        match self {
            DatabaseUrl::Sqlite(s) | DatabaseUrl::Postgres(s) => s,
        }
    }

    /// The URL with any password replaced, for logs and error messages.
    pub fn redacted(&self) -> String {
        match Url::parse(self.as_str()) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("redacted"));
                url.to_string()
            }
            _ => self.as_str().to_string(),
        }
    }
}

/// Real TikTok Shop app credentials from Partner Center. US and rest-of-world Partner Centers
/// issue different service ids: either market may be configured alone, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TikTokCredentials {
    /// `TIKTOK_SHOP_APP_KEY`.
    pub app_key: String,
    /// `TIKTOK_SHOP_APP_SECRET`.
    pub app_secret: Secret,
    /// `TIKTOK_SHOP_SERVICE_ID`: the rest-of-world service id.
    pub service_id: Option<String>,
    /// `TIKTOK_SHOP_US_SERVICE_ID`: the US service id.
    pub us_service_id: Option<String>,
}

/// Where to reach TikTok Shop (or a compatible server). `None` means "the default for the
/// mode": production hosts with credentials, the mounted sandbox without.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TikTokHosts {
    /// `TIKTOK_SHOP_AUTHORIZE_URL`.
    pub authorize_url: Option<Url>,
    /// `TIKTOK_SHOP_US_AUTHORIZE_URL`.
    pub us_authorize_url: Option<Url>,
    /// `TIKTOK_SHOP_CREATOR_AUTHORIZE_URL`.
    pub creator_authorize_url: Option<Url>,
    /// `TIKTOK_SHOP_AUTH_BASE`.
    pub auth_base: Option<Url>,
    /// `TIKTOK_SHOP_API_BASE`.
    pub api_base: Option<Url>,
}

/// How the sync engine keeps connections current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    /// `SYNC_SCHEDULER` (`on`/`off`, default on): whether `serve` runs the scheduler.
    pub scheduler: bool,
    /// `SYNC_ORDERS_EVERY_SECS` (default a day): orders, returns and affiliate orders.
    pub orders_every: std::time::Duration,
    /// `SYNC_FINANCE_EVERY_SECS` (default a day): statements and payments.
    pub finance_every: std::time::Duration,
    /// `SYNC_SHOP_EVERY_SECS` (default 6 hours): shop metrics and products.
    pub shop_every: std::time::Duration,
    /// `TOKEN_REFRESH_MARGIN_SECS` (default 30 minutes): refresh when less remains.
    pub refresh_margin: std::time::Duration,
    /// `WEBHOOK_MAX_AGE_SECS` (default 2 days): how old a delivery may be and still be acted
    /// on. TikTok retries for about 15.5 hours (2 min, 30 min, 3 h, 12 h), so a genuine late
    /// delivery is inside it; deliveries are remembered for twice as long, so a replay inside it
    /// is a duplicate.
    pub webhook_max_age: std::time::Duration,
    /// `SYNC_LEASE_SECS` (default 60): how long a claim lasts unless renewed.
    pub lease: std::time::Duration,
    /// `SYNC_POLL_MS` (default 1000): how often an idle scheduler looks for due jobs.
    pub poll: std::time::Duration,
    /// `SYNC_WORKERS` (default 8): connections one instance syncs at once. A sync mostly
    /// waits on TikTok (each shop has its own request budget), so an instance syncs more shops
    /// at once than it has cores. On SQLite the stores' pool has 8 connections (16 measured
    /// slower in `bench-fleet`); a sync holds one only while a statement or a rescore's streamed
    /// read runs.
    pub workers: u32,
    /// `SYNC_BACKFILL_SLICES` (default 32): time slices of an order backfill fetched at once.
    pub backfill_slices: u32,
    /// `SYNC_RUN_DEADLINE_SECS` (default 30 minutes): a run still paging after this stops with
    /// a fetch issue (a cursor that never ends cannot pin a worker).
    pub run_deadline: std::time::Duration,
    /// `HISTORY_DAYS` (default 90, up to 730): how far back records are fetched; the score keeps
    /// its 90-day window, the insights use the whole history.
    pub history_days: u32,
    /// `TIKTOK_MAX_BODY_BYTES` (default 8 MiB): the largest TikTok answer read.
    pub max_body_bytes: usize,
    /// `CONNECT_WAIT_SECS` (default 4): how long the OAuth callback waits for a first sync
    /// before it redirects (the backfill continues in the background).
    pub connect_wait: std::time::Duration,
    /// `SHUTDOWN_DRAIN_SECS` (default 20): how long a shutdown lets running syncs finish.
    pub drain: std::time::Duration,
}

impl Default for SyncSettings {
    fn default() -> Self {
        use std::time::Duration;
        SyncSettings {
            scheduler: true,
            orders_every: Duration::from_secs(86_400),
            finance_every: Duration::from_secs(86_400),
            shop_every: Duration::from_secs(6 * 3600),
            refresh_margin: Duration::from_secs(1800),
            webhook_max_age: Duration::from_secs(2 * 86_400),
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(1000),
            workers: 8,
            backfill_slices: 32,
            run_deadline: Duration::from_secs(1800),
            history_days: 90,
            max_body_bytes: 8 * 1024 * 1024,
            connect_wait: Duration::from_secs(4),
            drain: Duration::from_secs(20),
        }
    }
}

impl SyncSettings {
    fn from_get(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        use std::time::Duration;
        let d = SyncSettings::default();
        let number = |var: &'static str, default: u64, min: u64| -> Result<u64, ConfigError> {
            match get(var) {
                None => Ok(default),
                Some(v) => match v.parse::<u64>() {
                    Ok(n) if n >= min => Ok(n),
                    _ => Err(ConfigError::invalid(
                        var,
                        format!("expected a whole number of at least {min}, got {v:?}"),
                    )),
                },
            }
        };
        let secs =
            |var, default: Duration| number(var, default.as_secs(), 1).map(Duration::from_secs);
        let scheduler = match get("SYNC_SCHEDULER").as_deref() {
            None | Some("on") | Some("true") | Some("1") => true,
            Some("off") | Some("false") | Some("0") => false,
            Some(other) => {
                return Err(ConfigError::invalid(
                    "SYNC_SCHEDULER",
                    format!("expected on or off, got {other:?}"),
                ))
            }
        };
        Ok(SyncSettings {
            scheduler,
            orders_every: secs("SYNC_ORDERS_EVERY_SECS", d.orders_every)?,
            finance_every: secs("SYNC_FINANCE_EVERY_SECS", d.finance_every)?,
            shop_every: secs("SYNC_SHOP_EVERY_SECS", d.shop_every)?,
            refresh_margin: Duration::from_secs(number(
                "TOKEN_REFRESH_MARGIN_SECS",
                d.refresh_margin.as_secs(),
                0,
            )?),
            webhook_max_age: secs("WEBHOOK_MAX_AGE_SECS", d.webhook_max_age)?,
            lease: secs("SYNC_LEASE_SECS", d.lease)?,
            poll: Duration::from_millis(number("SYNC_POLL_MS", 1000, 10)?),
            workers: number("SYNC_WORKERS", u64::from(d.workers), 1)?.min(64) as u32,
            backfill_slices: number("SYNC_BACKFILL_SLICES", u64::from(d.backfill_slices), 1)?
                .min(256) as u32,
            run_deadline: secs("SYNC_RUN_DEADLINE_SECS", d.run_deadline)?,
            history_days: match number("HISTORY_DAYS", u64::from(d.history_days), 90)? {
                n if n <= 730 => n as u32,
                n => {
                    return Err(ConfigError::invalid(
                        "HISTORY_DAYS",
                        format!("at most 730 days (24 months), got {n}"),
                    ))
                }
            },
            max_body_bytes: number("TIKTOK_MAX_BODY_BYTES", d.max_body_bytes as u64, 65_536)?
                as usize,
            connect_wait: Duration::from_secs(number(
                "CONNECT_WAIT_SECS",
                d.connect_wait.as_secs(),
                0,
            )?),
            drain: secs("SHUTDOWN_DRAIN_SECS", d.drain)?,
        })
    }
}

/// The token encryption keyrings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    /// `TOKEN_ENCRYPTION_KEY`: seals access tokens.
    pub token: Option<EncryptionKey>,
    /// `REFRESH_TOKEN_ENCRYPTION_KEY`: seals refresh tokens.
    pub refresh_token: Option<EncryptionKey>,
    /// `TOKEN_ENCRYPTION_PREVIOUS_KEYS`: earlier access keys (comma-separated hex) that still
    /// open old tokens until `shopscore rotate-keys` re-seals them.
    pub previous_token: Vec<EncryptionKey>,
    /// `REFRESH_TOKEN_ENCRYPTION_PREVIOUS_KEYS`: earlier refresh keys.
    pub previous_refresh_token: Vec<EncryptionKey>,
}

/// Every setting the server needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `APP_ENV`.
    pub app_env: AppEnv,
    /// `APP_URL`: public base URL.
    pub app_url: Url,
    /// `DATABASE_URL`.
    pub database_url: DatabaseUrl,
    /// `DATA_DIR`: where generated development keys live (default `data`).
    pub data_dir: PathBuf,
    /// App credentials; `None` is sandbox mode.
    pub tiktok: Option<TikTokCredentials>,
    /// Host overrides.
    pub tiktok_hosts: TikTokHosts,
    /// The token encryption keys.
    pub keys: Keys,
    /// The sync engine's cadences, margins and switches.
    pub sync: SyncSettings,
    /// The score credential's attester and EAS deployment.
    pub attestation: AttestationSettings,
    /// Limits, timeouts, sessions, metrics and retention at the front door.
    pub front: FrontDoor,
}

/// Requests per minute per client address, by route class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// `RATE_LIMIT_NONCE_PER_MIN` (default 20): `GET /api/wallet/nonce`.
    pub nonce: u32,
    /// `RATE_LIMIT_SIGN_IN_PER_MIN` (default 20): `POST /api/wallet/verify`.
    pub sign_in: u32,
    /// `RATE_LIMIT_AUTHORIZE_PER_MIN` (default 30): `GET /api/tiktokshop/auth`.
    pub authorize: u32,
    /// `RATE_LIMIT_CALLBACK_PER_MIN` (default 30): `GET /api/tiktokshop/callback`.
    pub callback: u32,
    /// `RATE_LIMIT_WEBHOOK_PER_MIN` (default 1200): `POST /api/webhooks/tiktokshop`.
    pub webhook: u32,
    /// `RATE_LIMIT_SHARES_PER_MIN` (default 30): creating shares and verifying credentials.
    pub shares: u32,
}

/// The front door's settings.
#[derive(Clone, Debug)]
pub struct FrontDoor {
    /// `METRICS_ADDR`: serve `/metrics` on this address only (an internal port).
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// `METRICS_TOKEN`: serve `/metrics` on the main address to `Authorization: Bearer <token>`.
    pub metrics_token: Option<Secret>,
    /// `CLIENT_IP_HEADER` (e.g. `x-forwarded-for`, set only behind a proxy that overwrites it):
    /// where the client address comes from; the connection's peer address otherwise.
    pub client_ip_header: Option<String>,
    /// Rate limits.
    pub rate_limits: RateLimits,
    /// `SESSION_IDLE_SECS` (default 7 days): a signed-in session ends after this long unused.
    pub session_idle: std::time::Duration,
    /// `SESSION_MAX_SECS` (default 30 days): a signed-in session ends this long after sign-in.
    pub session_max: std::time::Duration,
    /// `SESSION_ANONYMOUS_SECS` (default 15 minutes): a session without a wallet lasts this long.
    pub session_anonymous: std::time::Duration,
    /// `REQUEST_TIMEOUT_SECS` (default 30): the longest a request may take (live streams aside).
    pub request_timeout: std::time::Duration,
    /// `HEADER_READ_TIMEOUT_SECS` (default 10): a client that has not sent its headers by then
    /// is dropped.
    pub header_read_timeout: std::time::Duration,
    /// `AUDIT_RETENTION_DAYS` (default 400): audit events are kept longest.
    pub audit_retention_days: u32,
    /// `RUNS_RETENTION_DAYS` (default 30): the sync run log.
    pub runs_retention_days: u32,
}

/// Base mainnet's EAS contract (a predeploy).
pub const BASE_EAS_CONTRACT: &str = "0x4200000000000000000000000000000000000021";

/// The lenders' credential: who signs it and for which EAS deployment.
#[derive(Clone, Debug)]
pub struct AttestationSettings {
    /// `ATTESTER_PRIVATE_KEY` (64 hex digits, secp256k1); generated under `DATA_DIR` in sandbox
    /// mode, required in production.
    pub private_key: Option<Secret>,
    /// `EAS_CHAIN_ID` (default 8453, Base mainnet).
    pub chain_id: u64,
    /// `EAS_CONTRACT` (default Base's `0x4200…0021`).
    pub contract: String,
    /// `EAS_VERSION`: the EAS contract's version string (default `1.0.1`, Base's predeploy).
    pub eas_version: String,
    /// `ATTESTATION_MAX_DAYS` (default 30): the longest a credential (and its share link) lasts.
    pub max_days: u32,
}

impl Settings {
    /// Whether the public address is HTTPS (cookies are `Secure` and `__Host-` prefixed, HSTS
    /// is sent).
    pub fn https(&self) -> bool {
        self.app_url.scheme() == "https"
    }

    /// True when no TikTok Shop app credentials are configured.
    pub fn sandbox_mode(&self) -> bool {
        self.tiktok.is_none()
    }

    /// Reads the settings through `lookup` (the process environment in production, a map in
    /// tests). Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        // Real TikTok credentials without APP_ENV mean production: the safe side.
        let credentials_given =
            get("TIKTOK_SHOP_APP_KEY").is_some() || get("TIKTOK_SHOP_APP_SECRET").is_some();
        let app_env = match get("APP_ENV").as_deref() {
            None if credentials_given => AppEnv::Production,
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                return Err(ConfigError::invalid(
                    "APP_ENV",
                    format!("expected development or production, got {other:?}"),
                ))
            }
        };
        let production = app_env == AppEnv::Production;

        let app_url = parse_url(
            "APP_URL",
            &get("APP_URL").unwrap_or_else(|| "http://127.0.0.1:3000".into()),
        )?;
        let database_url = DatabaseUrl::parse(
            &get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/shopscore.db".into()),
        )?;
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));

        let key = get("TIKTOK_SHOP_APP_KEY");
        let secret = get("TIKTOK_SHOP_APP_SECRET");
        let service_id = get("TIKTOK_SHOP_SERVICE_ID");
        let us_service_id = get("TIKTOK_SHOP_US_SERVICE_ID");
        let any_service = service_id.is_some() || us_service_id.is_some();
        let tiktok = match (key, secret, any_service) {
            (None, None, false) => None,
            (Some(app_key), Some(app_secret), true) => Some(TikTokCredentials {
                app_key,
                app_secret: Secret::new(app_secret),
                service_id,
                us_service_id,
            }),
            (key, secret, _) => {
                let var = if key.is_none() {
                    "TIKTOK_SHOP_APP_KEY"
                } else if secret.is_none() {
                    "TIKTOK_SHOP_APP_SECRET"
                } else {
                    "TIKTOK_SHOP_SERVICE_ID"
                };
                return Err(ConfigError::invalid(
                    var,
                    "missing: set the app key, the app secret and a service id (TIKTOK_SHOP_SERVICE_ID for the rest of the world, TIKTOK_SHOP_US_SERVICE_ID for the US, or both), or none of them for sandbox mode",
                ));
            }
        };
        if production && tiktok.is_none() {
            return Err(ConfigError::Missing {
                var: "TIKTOK_SHOP_APP_KEY",
                why: "production never runs the sandbox; set TIKTOK_SHOP_APP_KEY, TIKTOK_SHOP_APP_SECRET and TIKTOK_SHOP_SERVICE_ID",
            });
        }

        let optional_url = |var: &'static str| get(var).map(|v| parse_url(var, &v)).transpose();
        let tiktok_hosts = TikTokHosts {
            authorize_url: optional_url("TIKTOK_SHOP_AUTHORIZE_URL")?,
            us_authorize_url: optional_url("TIKTOK_SHOP_US_AUTHORIZE_URL")?,
            creator_authorize_url: optional_url("TIKTOK_SHOP_CREATOR_AUTHORIZE_URL")?,
            auth_base: optional_url("TIKTOK_SHOP_AUTH_BASE")?,
            api_base: optional_url("TIKTOK_SHOP_API_BASE")?,
        };

        let key_var = |var: &'static str| {
            get(var)
                .map(|v| EncryptionKey::from_hex(var, &v))
                .transpose()
        };
        let token_key = key_var("TOKEN_ENCRYPTION_KEY")?;
        let refresh_token_key = key_var("REFRESH_TOKEN_ENCRYPTION_KEY")?;
        let key_list = |var: &'static str| -> Result<Vec<EncryptionKey>, ConfigError> {
            get(var)
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|k| !k.is_empty())
                        .map(|k| EncryptionKey::from_hex(var, k))
                        .collect()
                })
                .unwrap_or_else(|| Ok(Vec::new()))
        };
        let previous_token = key_list("TOKEN_ENCRYPTION_PREVIOUS_KEYS")?;
        let previous_refresh_token = key_list("REFRESH_TOKEN_ENCRYPTION_PREVIOUS_KEYS")?;
        if production {
            if token_key.is_none() {
                return Err(ConfigError::Missing {
                    var: "TOKEN_ENCRYPTION_KEY",
                    why: "access tokens are encrypted with it; generate one with `openssl rand -hex 32`",
                });
            }
            if refresh_token_key.is_none() {
                return Err(ConfigError::Missing {
                    var: "REFRESH_TOKEN_ENCRYPTION_KEY",
                    why: "refresh tokens are encrypted with it; generate one with `openssl rand -hex 32`",
                });
            }
            if token_key == refresh_token_key {
                return Err(ConfigError::invalid(
                    "REFRESH_TOKEN_ENCRYPTION_KEY",
                    "must differ from TOKEN_ENCRYPTION_KEY",
                ));
            }
        }

        let sync = SyncSettings::from_get(&get)?;
        let attestation = AttestationSettings {
            private_key: get("ATTESTER_PRIVATE_KEY").map(Secret::new),
            chain_id: match get("EAS_CHAIN_ID") {
                Some(v) => v.parse().map_err(|_| {
                    ConfigError::invalid("EAS_CHAIN_ID", "expected a chain id such as 8453")
                })?,
                None => 8453,
            },
            contract: get("EAS_CONTRACT").unwrap_or_else(|| BASE_EAS_CONTRACT.into()),
            eas_version: get("EAS_VERSION").unwrap_or_else(|| "1.0.1".into()),
            max_days: match get("ATTESTATION_MAX_DAYS") {
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|d| (1..=365).contains(d))
                    .ok_or_else(|| {
                        ConfigError::invalid("ATTESTATION_MAX_DAYS", "expected 1 to 365 days")
                    })?,
                None => 30,
            },
        };
        if production && attestation.private_key.is_none() {
            return Err(ConfigError::Missing {
                var: "ATTESTER_PRIVATE_KEY",
                why: "lenders' credentials are signed with it; keep it secret and publish its address",
            });
        }

        let per_min = |var: &'static str, default: u32| -> Result<u32, ConfigError> {
            match get(var) {
                Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    ConfigError::invalid(var, "expected a positive number of requests a minute")
                }),
                None => Ok(default),
            }
        };
        let seconds =
            |var: &'static str, default: u64| -> Result<std::time::Duration, ConfigError> {
                match get(var) {
                    Some(v) => v
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .map(std::time::Duration::from_secs)
                        .ok_or_else(|| {
                            ConfigError::invalid(var, "expected a positive number of seconds")
                        }),
                    None => Ok(std::time::Duration::from_secs(default)),
                }
            };
        let days =
            |var: &'static str, default: u32| -> Result<u32, ConfigError> {
                match get(var) {
                    Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        ConfigError::invalid(var, "expected a positive number of days")
                    }),
                    None => Ok(default),
                }
            };
        let front = FrontDoor {
            metrics_addr: get("METRICS_ADDR")
                .map(|v| {
                    v.parse().map_err(|_| {
                        ConfigError::invalid(
                            "METRICS_ADDR",
                            "expected an address such as 127.0.0.1:9100",
                        )
                    })
                })
                .transpose()?,
            metrics_token: get("METRICS_TOKEN").map(Secret::new),
            client_ip_header: get("CLIENT_IP_HEADER").map(|h| h.to_ascii_lowercase()),
            rate_limits: RateLimits {
                nonce: per_min("RATE_LIMIT_NONCE_PER_MIN", 20)?,
                sign_in: per_min("RATE_LIMIT_SIGN_IN_PER_MIN", 20)?,
                authorize: per_min("RATE_LIMIT_AUTHORIZE_PER_MIN", 30)?,
                callback: per_min("RATE_LIMIT_CALLBACK_PER_MIN", 30)?,
                webhook: per_min("RATE_LIMIT_WEBHOOK_PER_MIN", 1200)?,
                shares: per_min("RATE_LIMIT_SHARES_PER_MIN", 30)?,
            },
            session_idle: seconds("SESSION_IDLE_SECS", 7 * 86_400)?,
            session_max: seconds("SESSION_MAX_SECS", 30 * 86_400)?,
            session_anonymous: seconds("SESSION_ANONYMOUS_SECS", 15 * 60)?,
            request_timeout: seconds("REQUEST_TIMEOUT_SECS", 30)?,
            header_read_timeout: seconds("HEADER_READ_TIMEOUT_SECS", 10)?,
            audit_retention_days: days("AUDIT_RETENTION_DAYS", 400)?,
            runs_retention_days: days("RUNS_RETENTION_DAYS", 30)?,
        };
        if production {
            // Production talks to TikTok over TLS only.
            for (var, url) in [
                ("TIKTOK_SHOP_AUTHORIZE_URL", &tiktok_hosts.authorize_url),
                (
                    "TIKTOK_SHOP_US_AUTHORIZE_URL",
                    &tiktok_hosts.us_authorize_url,
                ),
                (
                    "TIKTOK_SHOP_CREATOR_AUTHORIZE_URL",
                    &tiktok_hosts.creator_authorize_url,
                ),
                ("TIKTOK_SHOP_AUTH_BASE", &tiktok_hosts.auth_base),
                ("TIKTOK_SHOP_API_BASE", &tiktok_hosts.api_base),
            ] {
                if let Some(url) = url.as_ref().filter(|u| u.scheme() != "https") {
                    return Err(ConfigError::invalid(
                        var,
                        format!("{url} is not https: production reaches TikTok Shop over TLS only"),
                    ));
                }
            }
        }

        Ok(Settings {
            sync,
            attestation,
            front,
            app_env,
            app_url,
            database_url,
            data_dir,
            tiktok,
            tiktok_hosts,
            keys: Keys {
                token: token_key,
                refresh_token: refresh_token_key,
                previous_token,
                previous_refresh_token,
            },
        })
    }

    /// Reads the settings from the process environment (after `.env` in development).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

fn parse_url(var: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text)
        .map_err(|e| ConfigError::invalid(var, format!("not a valid URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::invalid(
            var,
            "expected an http:// or https:// URL",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(move |name| map.get(name).cloned())
    }

    const KEY_A: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const KEY_B: &str = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    #[test]
    fn nothing_configured_means_sandbox_on_sqlite() {
        let s = settings(&[]).expect("defaults are valid");
        assert!(s.sandbox_mode());
        assert_eq!(s.app_env, AppEnv::Development);
        assert_eq!(
            s.database_url,
            DatabaseUrl::Sqlite("sqlite://data/shopscore.db".into())
        );
        assert_eq!(s.app_url.as_str(), "http://127.0.0.1:3000/");
    }

    #[test]
    fn production_names_the_missing_app_credentials() {
        let err = settings(&[("APP_ENV", "production")]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("TIKTOK_SHOP_APP_KEY is required"),
            "{err}"
        );
    }

    #[test]
    fn production_names_the_missing_token_key() {
        let err = settings(&[
            ("APP_ENV", "production"),
            ("TIKTOK_SHOP_APP_KEY", "k"),
            ("TIKTOK_SHOP_APP_SECRET", "s"),
            ("TIKTOK_SHOP_SERVICE_ID", "1"),
            ("REFRESH_TOKEN_ENCRYPTION_KEY", KEY_B),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("TOKEN_ENCRYPTION_KEY is required"),
            "{err}"
        );
    }

    #[test]
    fn production_starts_with_every_secret() {
        let s = settings(&[
            ("APP_ENV", "production"),
            ("TIKTOK_SHOP_APP_KEY", "k"),
            ("TIKTOK_SHOP_APP_SECRET", "s"),
            ("TIKTOK_SHOP_SERVICE_ID", "1"),
            ("TOKEN_ENCRYPTION_KEY", KEY_A),
            ("REFRESH_TOKEN_ENCRYPTION_KEY", KEY_B),
            ("ATTESTER_PRIVATE_KEY", KEY_A),
            ("DATABASE_URL", "postgres://app@db.internal:5432/shopscore"),
        ])
        .expect("complete production settings");
        assert!(!s.sandbox_mode());
        assert_eq!(s.app_env, AppEnv::Production);
    }

    #[test]
    fn production_refuses_to_start_without_an_attester_key() {
        let err = settings(&[
            ("APP_ENV", "production"),
            ("TIKTOK_SHOP_APP_KEY", "k"),
            ("TIKTOK_SHOP_APP_SECRET", "s"),
            ("TIKTOK_SHOP_SERVICE_ID", "1"),
            ("TOKEN_ENCRYPTION_KEY", KEY_A),
            ("REFRESH_TOKEN_ENCRYPTION_KEY", KEY_B),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("ATTESTER_PRIVATE_KEY is required"),
            "{err}"
        );
    }

    #[test]
    fn real_credentials_without_app_env_start_as_production() {
        let err = settings(&[
            ("TIKTOK_SHOP_APP_KEY", "k"),
            ("TIKTOK_SHOP_APP_SECRET", "s"),
            ("TIKTOK_SHOP_SERVICE_ID", "1"),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("TOKEN_ENCRYPTION_KEY is required"),
            "production's checks apply: {err}"
        );
        let s = settings(&[
            ("APP_ENV", "development"),
            ("TIKTOK_SHOP_APP_KEY", "k"),
            ("TIKTOK_SHOP_APP_SECRET", "s"),
            ("TIKTOK_SHOP_SERVICE_ID", "1"),
        ])
        .expect("development is chosen explicitly");
        assert_eq!(s.app_env, AppEnv::Development);
    }

    #[test]
    fn production_reaches_tiktok_over_https_only() {
        let err = settings(&[
            ("APP_ENV", "production"),
            ("TIKTOK_SHOP_APP_KEY", "k"),
            ("TIKTOK_SHOP_APP_SECRET", "s"),
            ("TIKTOK_SHOP_SERVICE_ID", "1"),
            ("TOKEN_ENCRYPTION_KEY", KEY_A),
            ("REFRESH_TOKEN_ENCRYPTION_KEY", KEY_B),
            ("ATTESTER_PRIVATE_KEY", KEY_A),
            ("TIKTOK_SHOP_AUTH_BASE", "http://auth.example"),
        ])
        .unwrap_err();
        assert!(
            err.to_string().starts_with("TIKTOK_SHOP_AUTH_BASE:")
                && err.to_string().contains("not https"),
            "{err}"
        );
    }

    #[test]
    fn front_door_defaults_are_the_documented_ones() {
        let s = settings(&[]).unwrap();
        let f = &s.front;
        assert_eq!(
            (
                f.rate_limits.nonce,
                f.rate_limits.sign_in,
                f.rate_limits.authorize
            ),
            (20, 20, 30)
        );
        assert_eq!((f.rate_limits.callback, f.rate_limits.webhook), (30, 1200));
        assert_eq!(f.session_anonymous.as_secs(), 15 * 60);
        assert_eq!(f.session_max.as_secs(), 30 * 86_400);
        assert_eq!(f.header_read_timeout.as_secs(), 10);
        assert!(f.metrics_token.is_none() && f.metrics_addr.is_none());
        assert!(!s.https());
        let s = settings(&[("APP_URL", "https://shopscore.example")]).unwrap();
        assert!(s.https());
    }

    #[test]
    fn a_partial_set_of_app_credentials_is_rejected() {
        let err = settings(&[("TIKTOK_SHOP_APP_KEY", "k")]).unwrap_err();
        assert!(
            err.to_string().starts_with("TIKTOK_SHOP_APP_SECRET"),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_database_url_names_the_variable() {
        for bad in ["mysql://x", "not a url", "postgres://"] {
            let err = settings(&[("DATABASE_URL", bad)]).unwrap_err();
            assert!(err.to_string().starts_with("DATABASE_URL:"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_short_key_is_rejected_with_its_name() {
        let err = settings(&[("TOKEN_ENCRYPTION_KEY", "abcd")]).unwrap_err();
        assert!(
            err.to_string().starts_with("TOKEN_ENCRYPTION_KEY:"),
            "{err}"
        );
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let key = EncryptionKey::from_hex("TOKEN_ENCRYPTION_KEY", KEY_A).unwrap();
        assert_eq!(format!("{key:?}"), "[redacted]");
    }

    #[test]
    fn sync_settings_default_to_the_seed_cadences_and_read_overrides() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.sync, SyncSettings::default());
        assert_eq!(s.sync.shop_every.as_secs(), 6 * 3600);
        let s = settings(&[("SYNC_SCHEDULER", "off"), ("SYNC_LEASE_SECS", "5")]).unwrap();
        assert!(!s.sync.scheduler);
        assert_eq!(s.sync.lease.as_secs(), 5);
        let err = settings(&[("SYNC_ORDERS_EVERY_SECS", "soon")]).unwrap_err();
        assert!(
            err.to_string().starts_with("SYNC_ORDERS_EVERY_SECS:"),
            "{err}"
        );
    }

    #[test]
    fn database_passwords_are_redacted_for_logs() {
        let url = DatabaseUrl::parse("postgres://app:pw@db:5432/x").unwrap();
        assert!(!url.redacted().contains("pw"));
    }
}
