//! Test helpers: fresh databases and a running app on a random port.

use std::collections::HashMap;

use leptos::config::LeptosOptions;
use server::config::Settings;
use server::startup::{AppState, Application};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests create their databases on (trust auth).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty database for one test. SQLite lives in a temporary directory; PostgreSQL gets
/// a new database named `shopscore_test_<random>` (the test command drops old ones).
pub struct FreshDb {
    pub url: String,
    pub name: Option<String>,
    pub _dir: tempfile::TempDir,
}

impl FreshDb {
    /// The same database, for another instance (its own scratch directory).
    pub fn beside(&self) -> FreshDb {
        FreshDb {
            url: self.url.clone(),
            name: self.name.clone(),
            _dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub async fn new(kind: Db) -> FreshDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        match kind {
            Db::Sqlite => {
                let url = format!("sqlite://{}/shopscore.db", dir.path().display());
                FreshDb {
                    url,
                    name: None,
                    _dir: dir,
                }
            }
            Db::Postgres => {
                use sqlx::Connection;
                let name = format!("shopscore_test_{}", hex::encode(rand::random::<[u8; 6]>()));
                let mut admin = sqlx::PgConnection::connect(&postgres_admin_url())
                    .await
                    .expect("the PostgreSQL server at 127.0.0.1:5432 is reachable (set TEST_POSTGRES_URL otherwise)");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create database");
                let base = postgres_admin_url();
                let url = match base.rfind('/') {
                    Some(i) => format!("{}/{name}", &base[..i]),
                    None => panic!("TEST_POSTGRES_URL has no database part"),
                };
                FreshDb {
                    url,
                    name: Some(name),
                    _dir: dir,
                }
            }
        }
    }
}

/// A running app and a client with a cookie jar.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub db: FreshDb,
}

impl TestApp {
    /// The same app seen from another browser (its own cookie jar); `self` keeps the database.
    pub fn another_browser(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            client: new_client(),
            state: self.state.clone(),
            db: self.db.beside(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the app")
    }

    /// A server function without arguments called as the page calls it: an empty form posted
    /// from the app's own origin.
    pub async fn post_empty_form(&self, path: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .form(&[("", "")][..0])
            .send()
            .await
            .expect("request reaches the app")
    }
}

/// Settings for a test: sandbox mode with the given database, plus `extra` variables.
pub fn test_settings(database_url: &str, extra: &[(&str, &str)]) -> Settings {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("DATABASE_URL".into(), database_url.into());
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    Settings::from_lookup(move |name| vars.get(name).cloned()).expect("valid test settings")
}

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("shopscore")
        .site_root("target/site")
        .build()
}

/// Starts the app on a random port against a fresh database of `kind`.
pub async fn spawn_app(kind: Db) -> TestApp {
    spawn_app_with(kind, &[]).await
}

/// Starts the app with extra settings. `APP_URL` is the bound address, as in production.
pub async fn spawn_app_with(kind: Db, extra: &[(&str, &str)]) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    spawn_app_on(kind, listener, extra).await
}

/// Starts the app on an already bound listener (when another server must know its address).
pub async fn spawn_app_on(
    kind: Db,
    listener: tokio::net::TcpListener,
    extra: &[(&str, &str)],
) -> TestApp {
    // `TEST_LOG=info` (an env filter) prints the apps' logs with each failing test's output.
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    }
    let db = FreshDb::new(kind).await;
    let port = listener.local_addr().expect("address").port();
    let address = format!("http://127.0.0.1:{port}");
    let data_dir = db._dir.path().join("data");
    let data_dir = data_dir.display().to_string();
    // The callback waits for small shops' first syncs, so tests read their figures at once
    // (a test about the wait sets it lower).
    let mut vars = vec![
        ("APP_URL", address.as_str()),
        ("DATA_DIR", data_dir.as_str()),
        ("CONNECT_WAIT_SECS", "60"),
    ];
    vars.extend_from_slice(extra);
    let settings = test_settings(&db.url, &vars);
    let app = Application::build_on(settings, leptos_options(), listener)
        .await
        .expect("the app starts");
    let state = app.state().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        client: new_client(),
        state,
        db,
    }
}

/// Starts a second instance beside `first`: the same database and data directory (so the same
/// keys and sandbox credentials), its own port, sessions and sync owner.
pub async fn spawn_app_beside(first: &TestApp, extra: &[(&str, &str)]) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let address = format!("http://127.0.0.1:{port}");
    let data_dir = first.db._dir.path().join("data").display().to_string();
    let mut vars = vec![
        ("APP_URL", address.as_str()),
        ("DATA_DIR", data_dir.as_str()),
        ("CONNECT_WAIT_SECS", "60"),
    ];
    vars.extend_from_slice(extra);
    let settings = test_settings(&first.db.url, &vars);
    let app = Application::build_on(settings, leptos_options(), listener)
        .await
        .expect("the second instance starts");
    let state = app.state().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        client: new_client(),
        state,
        db: first.db.beside(),
    }
}

/// A browser-like client: cookie jar, no automatic redirects (tests follow them explicitly), and
/// a bound on each exchange, so a response that stalls fails its test instead of hanging the run.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .expect("client")
}

/// Declares each named `async fn(Db)` test twice: once on SQLite, once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Db::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Db::Postgres).await
                }
            )+
        }
    };
}

/// The nonce a Content-Security-Policy header allows scripts with.
pub fn csp_nonce(csp: &str) -> String {
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP")
        .to_string()
}
