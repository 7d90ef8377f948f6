//! Typed settings: the configuration table of DESIGN.md, read once from the environment.
//! Nothing else in the program reads environment variables (Leptos reads its own `LEPTOS_*`).

use std::fmt;
use std::path::PathBuf;

use url::Url;

/// Where TikTok Shop lives in production. The one place these hosts are written down.
pub mod tiktok_hosts {
    /// Seller authorization page.
    pub const AUTHORIZE_URL: &str = "https://services.tiktokshop.com/open/authorize";
    /// Creator authorization page (reported; configurable).
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

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret string.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself; call only where a request is built.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

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

/// Real TikTok Shop app credentials from Partner Center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TikTokCredentials {
    /// `TIKTOK_SHOP_APP_KEY`.
    pub app_key: String,
    /// `TIKTOK_SHOP_APP_SECRET`.
    pub app_secret: Secret,
    /// `TIKTOK_SHOP_SERVICE_ID`.
    pub service_id: String,
}

/// Where to reach TikTok Shop (or a compatible server). `None` means "the default for the
/// mode": production hosts with credentials, the mounted sandbox without.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TikTokHosts {
    /// `TIKTOK_SHOP_AUTHORIZE_URL`.
    pub authorize_url: Option<Url>,
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
    /// `WEBHOOK_MAX_AGE_SECS` (default 5 minutes): older deliveries are refused as stale.
    pub webhook_max_age: std::time::Duration,
    /// `SYNC_LEASE_SECS` (default 60): how long a claim lasts unless renewed.
    pub lease: std::time::Duration,
    /// `SYNC_POLL_MS` (default 1000): how often an idle scheduler looks for due jobs.
    pub poll: std::time::Duration,
    /// `SYNC_WORKERS` (default 4): connections one instance syncs at once.
    pub workers: u32,
    /// `SYNC_BACKFILL_SLICES` (default 32): time slices of an order backfill fetched at once.
    pub backfill_slices: u32,
    /// `SYNC_PAGE_SIZE` (default 50, TikTok's maximum): orders and returns a page.
    pub page_size: u32,
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
            webhook_max_age: Duration::from_secs(300),
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(1000),
            workers: 4,
            backfill_slices: 32,
            page_size: 50,
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
            page_size: number("SYNC_PAGE_SIZE", u64::from(d.page_size), 1)?.min(50) as u32,
        })
    }
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
    /// `TOKEN_ENCRYPTION_KEY`.
    pub token_key: Option<EncryptionKey>,
    /// `REFRESH_TOKEN_ENCRYPTION_KEY`.
    pub refresh_token_key: Option<EncryptionKey>,
    /// The sync engine's cadences, margins and switches.
    pub sync: SyncSettings,
}

impl Settings {
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

        let app_env = match get("APP_ENV").as_deref() {
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
        let tiktok = match (key, secret, service_id) {
            (None, None, None) => None,
            (Some(app_key), Some(app_secret), Some(service_id)) => Some(TikTokCredentials {
                app_key,
                app_secret: Secret::new(app_secret),
                service_id,
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
                    "missing: set all three TikTok Shop app credentials, or none for sandbox mode",
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

        Ok(Settings {
            sync,
            app_env,
            app_url,
            database_url,
            data_dir,
            tiktok,
            tiktok_hosts,
            token_key,
            refresh_token_key,
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
            ("DATABASE_URL", "postgres://app@db.internal:5432/shopscore"),
        ])
        .expect("complete production settings");
        assert!(!s.sandbox_mode());
        assert_eq!(s.app_env, AppEnv::Production);
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
