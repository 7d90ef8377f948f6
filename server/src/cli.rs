//! The command line: `shopscore serve` (the default), `shopscore migrate`, `shopscore
//! rotate-keys`, `shopscore sandbox` and the benchmarks `bench-sync`, `bench-fleet` and
//! `bench-load`.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{AppEnv, Settings};
use crate::startup::Application;

/// shopscore: verified TikTok Shop income and a credit score lenders can trust.
#[derive(Parser, Debug)]
#[command(name = "shopscore", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web app (the default). Reads Leptos' LEPTOS_* variables and DESIGN.md's
    /// configuration table.
    Serve {
        /// Address to listen on; defaults to LEPTOS_SITE_ADDR (127.0.0.1:3000).
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Re-encrypt every stored token with the current keys (TOKEN_ENCRYPTION_KEY and
    /// TOKEN_REFRESH_ENCRYPTION_KEY), opening old ones with TOKEN_ENCRYPTION_PREVIOUS_KEYS and
    /// TOKEN_REFRESH_ENCRYPTION_PREVIOUS_KEYS; prints the counts.
    RotateKeys,
    /// Run the TikTok Shop sandbox alone, at TikTok's real paths, on one address.
    Sandbox(SandboxArgs),
    /// Backfill the sandbox's large shop through the real client and sync engine into a fresh
    /// SQLite database and print how close it came to the rate limit's floor.
    BenchSync(BenchSyncArgs),
    /// Sign in wallets with connected sandbox accounts on an in-process app on loopback, drive
    /// the dashboard and the JSON API with concurrent clients, and print requests/s, p50/p99
    /// and errors (non-zero exit on any error).
    BenchLoad(BenchLoadArgs),
    /// Connect many sandbox shops, backfill and then sync them all through the real engine,
    /// and print records stored per second, CPU seconds per 10,000 records and peak RSS (with
    /// `--instances 2` on PostgreSQL, the speed-up of two instances over one).
    BenchFleet(BenchFleetArgs),
}

/// `shopscore bench-fleet [--connections 1000] [--orders-per-connection 1000]
/// [--database-url URL] [--instances 1|2] [--new-orders 10] [--latency-ms 0]`.
#[derive(Debug, clap::Args)]
struct BenchFleetArgs {
    /// Shops connected, one wallet each.
    #[arg(long, default_value_t = 1_000)]
    connections: usize,
    /// Orders of each shop.
    #[arg(long, default_value_t = 1_000)]
    orders_per_connection: u64,
    /// An empty database (`postgres://…`; default: a scratch SQLite file).
    #[arg(long)]
    database_url: Option<String>,
    /// 2: also backfill a fresh sibling database with two instances and print the speed-up
    /// (PostgreSQL only).
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// Orders added to each shop before the incremental sync.
    #[arg(long, default_value_t = 10)]
    new_orders: u32,
    /// The sandbox's delay before each answer (0: the product's own cost alone; TikTok's
    /// answers take about 150 ms).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

/// `shopscore bench-sync [--orders 50000] [--latency-ms 150] [--rate-limit 50] [--fault-rate 0]`
/// (pages are the documented maximum, 100 orders).
#[derive(clap::Args, Debug)]
struct BenchSyncArgs {
    /// Orders of the large shop.
    #[arg(long, default_value_t = 50_000)]
    orders: u64,
    /// Latency the sandbox adds to every Open API answer, in milliseconds.
    #[arg(long, default_value_t = 150)]
    latency_ms: u64,
    /// Requests per second per shop (the sandbox enforces it, the client paces to it).
    #[arg(long, default_value_t = 50)]
    rate_limit: u32,
    /// Share of calls the sandbox answers with a fault (5xx and 429 bursts, malformed pages).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Time slices fetched concurrently.
    #[arg(long, default_value_t = 32)]
    slices: u32,
    /// Lease of the connection, in seconds (a rerun after a crash waits for it to expire).
    #[arg(long, default_value_t = 60)]
    lease_secs: u64,
    /// Keep the database, keys and sandbox credentials here; a rerun resumes the backfill.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// Backfill into this database (`sqlite://…` or `postgres://…`, empty or from an earlier
    /// run with the same `--data-dir`) instead of a fresh SQLite file in the data directory.
    #[arg(long)]
    database_url: Option<String>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Backfill orders, returns, statements, payments and products together; the floor is the
    /// slowest API's (each has its own per-shop budget).
    #[arg(long)]
    whole_shop: bool,
}

/// `shopscore bench-load [--wallets 50] [--clients 200] [--secs 60] [--route /path …]
/// [--visitors]`.
#[derive(Debug, clap::Args)]
struct BenchLoadArgs {
    /// Wallets signed in, each with one connected sandbox account.
    #[arg(long, default_value_t = 50)]
    wallets: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Seconds the clients drive.
    #[arg(long, default_value_t = 60)]
    secs: u64,
    /// A path the clients request (repeatable; default: /dashboard, /api/score,
    /// /api/connections and /api/insights in turn).
    #[arg(long = "route")]
    routes: Vec<String>,
    /// Browse as visitors (no cookies, nobody signed in).
    #[arg(long)]
    visitors: bool,
}

/// `shopscore sandbox --addr 127.0.0.1:PORT --app-key K --app-secret S --redirect-url URL`.
#[derive(clap::Args, Debug)]
struct SandboxArgs {
    /// Address to listen on.
    #[arg(long)]
    addr: SocketAddr,
    /// The app key clients must send.
    #[arg(long)]
    app_key: String,
    /// The app secret clients sign with (or `SANDBOX_APP_SECRET`, which keeps it out of `ps`).
    #[arg(long, env = "SANDBOX_APP_SECRET", hide_env_values = true)]
    app_secret: String,
    /// The app's redirect URL (the consent page sends the code there).
    #[arg(long)]
    redirect_url: url::Url,
    /// The service id the rest-of-world consent page expects (`service_id=`).
    #[arg(long, default_value = "shopscore-sandbox")]
    service_id: String,
    /// The service id the US consent page expects.
    #[arg(long, default_value = "shopscore-sandbox-us")]
    us_service_id: String,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Latency added to every Open API answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of Open API calls answered with a fault (0.0–1.0).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Requests per second per shop.
    #[arg(long, default_value_t = 50)]
    rate_limit: u32,
}

/// Parses the command line and runs the command; prints a start-up failure as one line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command.unwrap_or(Command::Serve { addr: None }) {
        Command::Serve { addr } => serve(load_settings()?, addr).await,
        Command::Migrate => migrate(load_settings()?).await,
        Command::RotateKeys => rotate_keys(load_settings()?).await,
        Command::Sandbox(args) => sandbox(args).await,
        Command::BenchSync(args) => bench_sync(args).await,
        Command::BenchLoad(args) => bench_load(args).await,
        Command::BenchFleet(args) => bench_fleet(args).await,
    }
}

/// DESIGN.md's configuration, read once; also starts the logs in the matching format.
fn load_settings() -> Result<Settings, String> {
    // `.env` is a development convenience; production takes the real environment only.
    let production = std::env::var("APP_ENV")
        .map(|v| matches!(v.trim(), "production" | "prod"))
        .unwrap_or(false);
    if !production {
        let _ = dotenvy::dotenv();
    }
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    crate::telemetry::init(settings.app_env == AppEnv::Production);
    Ok(settings)
}

async fn migrate(settings: Settings) -> Result<(), String> {
    let db = crate::db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("DATABASE_URL ({}): {e}", settings.database_url.redacted()))?;
    db.migrate()
        .await
        .map_err(|e| format!("DATABASE_URL ({}): {e}", settings.database_url.redacted()))?;
    println!("migrations applied to {}", settings.database_url.redacted());
    Ok(())
}

async fn rotate_keys(settings: Settings) -> Result<(), String> {
    let db = crate::db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("DATABASE_URL ({}): {e}", settings.database_url.redacted()))?;
    db.migrate()
        .await
        .map_err(|e| format!("DATABASE_URL ({}): {e}", settings.database_url.redacted()))?;
    let vault = crate::vault::TokenVault::from_settings(&settings).map_err(|e| e.to_string())?;
    let rotation = crate::vault::rotate_keys(db.as_ref(), &vault).await?;
    println!("{rotation}");
    if rotation.failed > 0 {
        return Err(format!(
            "{} grants could not be re-encrypted (their key is not in the keyring); see the log",
            rotation.failed
        ));
    }
    Ok(())
}

/// The standalone sandbox: its own flags, not the app's configuration.
async fn sandbox(args: SandboxArgs) -> Result<(), String> {
    crate::telemetry::init(false);
    let mut config = crate::sandbox::SandboxConfig::new(
        args.app_key,
        crate::tiktok::AppSecret::new(args.app_secret),
        args.service_id,
        args.redirect_url,
    );
    config.us_service_id = args.us_service_id;
    config.seed = args.seed;
    config.latency = std::time::Duration::from_millis(args.latency_ms);
    config.fault_rate = args.fault_rate;
    config.rate_limit_per_sec = args.rate_limit;
    crate::sandbox::serve(config, args.addr)
        .await
        .map_err(|e| format!("sandbox on {}: {e}", args.addr))
}

/// The load on loopback: no log lines; stdout carries the figures, stderr the progress.
async fn bench_load(args: BenchLoadArgs) -> Result<(), String> {
    let report = crate::load::run(crate::load::LoadArgs {
        wallets: args.wallets,
        clients: args.clients,
        secs: args.secs,
        routes: args.routes,
        visitors: args.visitors,
    })
    .await?;
    println!("{report}");
    if report.errors > 0 {
        return Err(format!("{} requests failed", report.errors));
    }
    Ok(())
}

/// The fleet benchmark: no log lines; stdout carries the figures.
async fn bench_fleet(args: BenchFleetArgs) -> Result<(), String> {
    let report = crate::fleet::run(crate::fleet::FleetArgs {
        connections: args.connections,
        orders_per_connection: args.orders_per_connection,
        database_url: args.database_url,
        instances: args.instances,
        new_orders: args.new_orders,
        latency_ms: args.latency_ms,
    })
    .await?;
    println!("{report}");
    Ok(())
}

/// The backfill benchmark: no log lines; stdout carries the figures, stderr the progress bar.
async fn bench_sync(args: BenchSyncArgs) -> Result<(), String> {
    let report = crate::bench::run(crate::bench::BenchArgs {
        orders: args.orders,
        latency_ms: args.latency_ms,
        rate_limit: args.rate_limit,
        fault_rate: args.fault_rate,
        slices: args.slices,
        lease_secs: args.lease_secs,
        data_dir: args.data_dir,
        database_url: args.database_url,
        progress: !args.quiet,
        whole_shop: args.whole_shop,
    })
    .await?;
    println!("{report}");
    Ok(())
}

async fn serve(settings: Settings, addr: Option<SocketAddr>) -> Result<(), String> {
    let conf = leptos::config::get_configuration(None)
        .map_err(|e| format!("LEPTOS_* configuration: {e}"))?;
    let mut options = conf.leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "shopscore".into();
    }
    let addr = addr.unwrap_or(options.site_addr);
    let sandbox = settings.sandbox_mode();
    let app = Application::build(settings, options, addr)
        .await
        .map_err(|e| e.to_string())?;
    // Signal handlers first: a SIGTERM right after the line below is a graceful shutdown.
    let shutdown = crate::startup::shutdown_signal();
    tracing::info!(
        addr = %addr,
        sandbox,
        "shopscore listening on http://{}",
        addr
    );
    app.run_until(shutdown)
        .await
        .map_err(|e| format!("server error: {e}"))
}
