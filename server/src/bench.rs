//! `shopscore bench-sync`: the sandbox in-process with the `large-shop` persona, a 90-day
//! order backfill through the real client and sync engine into a fresh database, and the
//! figures that say how close it came to the rate limit's floor. With `--data-dir` the run
//! can be killed and started again: it resumes from its checkpoints.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{Database, Market};
use crate::sandbox::render::orders::order_id;
use crate::sandbox::{Sandbox, SandboxConfig, SandboxLayout};
use crate::services::connect::{AuthorizeLinks, ConnectService};
use crate::services::scoring::Scorer;
use crate::sync::{Resource, Selection, SyncEngine};
use crate::tiktok::{TikTokClient, TikTokConfig};
use crate::vault::TokenVault;

/// The wallet the benchmark's connection belongs to.
const BENCH_WALLET: &str = "0x000000000000000000000000000000000000b0b0";

/// The benchmark's knobs.
#[derive(Debug, Clone)]
pub struct BenchArgs {
    pub orders: u64,
    pub latency_ms: u64,
    pub rate_limit: u32,
    pub fault_rate: f64,
    pub slices: u32,
    pub lease_secs: u64,
    /// Keeps the database, keys and sandbox credentials here (a rerun resumes).
    pub data_dir: Option<std::path::PathBuf>,
    /// The database to backfill into (default: a SQLite file in the data directory).
    pub database_url: Option<String>,
    /// Draws a progress bar on stderr.
    pub progress: bool,
}

/// The figures printed at the end.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub orders_stored: u64,
    pub duplicates: u64,
    pub missing: u64,
    pub unexpected: u64,
    pub requests: u64,
    /// Requests the sandbox answered with an injected fault.
    pub faults: u64,
    pub floor_s: f64,
    pub elapsed_s: f64,
    pub ratio: f64,
    pub peak_rss_mb: f64,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "orders_stored {}", self.orders_stored)?;
        writeln!(f, "duplicates {}", self.duplicates)?;
        writeln!(f, "missing {}", self.missing)?;
        writeln!(f, "unexpected {}", self.unexpected)?;
        writeln!(f, "requests {}", self.requests)?;
        writeln!(f, "faults {}", self.faults)?;
        writeln!(f, "floor_s {:.2}", self.floor_s)?;
        writeln!(f, "elapsed_s {:.2}", self.elapsed_s)?;
        writeln!(f, "ratio {:.3}", self.ratio)?;
        write!(f, "peak_rss_mb {:.1}", self.peak_rss_mb)
    }
}

fn fail(what: &str) -> impl Fn(&dyn std::fmt::Display) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// Runs the benchmark.
pub async fn run(args: BenchArgs) -> Result<BenchReport, String> {
    let scratch;
    let dir = match &args.data_dir {
        Some(dir) => dir.clone(),
        None => {
            scratch = std::env::temp_dir().join(format!(
                "shopscore-bench-{}",
                hex::encode(rand::random::<[u8; 6]>())
            ));
            scratch.clone()
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| fail("data directory")(&e))?;
    let result = run_in(&args, &dir).await;
    if args.data_dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

async fn run_in(args: &BenchArgs, dir: &std::path::Path) -> Result<BenchReport, String> {
    let db_url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.display()));
    let data_dir = dir.display().to_string();
    let settings = Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(db_url.clone()),
        "DATA_DIR" => Some(data_dir.clone()),
        _ => None,
    })
    .map_err(|e| fail("settings")(&e))?;
    let credentials =
        crate::startup::sandbox_credentials(dir).map_err(|e| fail("sandbox credentials")(&e))?;
    let (app_key, app_secret) = (credentials.app_key, credentials.app_secret);

    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| fail("sandbox listener")(&e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| fail("sandbox address")(&e))?;
    let base = url::Url::parse(&format!("http://{addr}")).map_err(|e| fail("sandbox URL")(&e))?;
    let mut config = SandboxConfig::new(
        app_key.clone(),
        app_secret.clone(),
        credentials.service_id,
        base.join("/callback")
            .map_err(|e| fail("sandbox URL")(&e))?,
    );
    config.latency = Duration::from_millis(args.latency_ms);
    config.fault_rate = args.fault_rate;
    config.rate_limit_per_sec = args.rate_limit;
    config.large_shop_orders = Some(args.orders);
    let sandbox = Sandbox::new(config);
    let router = crate::sandbox::router(sandbox.clone(), SandboxLayout::Standalone);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let db = crate::db::connect(&settings.database_url)
        .await
        .map_err(|e| fail("database")(&e))?;
    db.migrate().await.map_err(|e| fail("migrations")(&e))?;
    let vault = Arc::new(TokenVault::from_settings(&settings).map_err(|e| fail("vault")(&e))?);
    let mut client_config =
        TikTokConfig::new(app_key.clone(), app_secret, base.clone(), base.clone());
    client_config.rate_limit_per_sec = args.rate_limit;
    let client = Arc::new(TikTokClient::new(client_config).map_err(|e| fail("client")(&e))?);
    let mut sync_settings = settings.sync.clone();
    sync_settings.backfill_slices = args.slices;
    sync_settings.lease = Duration::from_secs(args.lease_secs.max(1));
    sync_settings.run_deadline = Duration::from_secs(24 * 3600);
    let clock = Clock::system();
    let scorer = Arc::new(Scorer::new(
        db.clone(),
        shopscore::money::FxTable::shipped(),
        clock.clone(),
        sync_settings.history_days,
    ));
    let engine = Arc::new(SyncEngine::new(
        db.clone(),
        vault.clone(),
        client.clone(),
        sync_settings,
        clock.clone(),
        scorer,
    ));

    let id = match db
        .list_connections(BENCH_WALLET)
        .await
        .map_err(|e| fail("connections")(&e))?
        .into_iter()
        .next()
    {
        Some(c) => c.id,
        None => {
            let connect = ConnectService::new(
                db.clone(),
                client.clone(),
                vault.clone(),
                engine.clone(),
                AuthorizeLinks {
                    global: None,
                    us: None,
                    creator_url: base.clone(),
                    app_key,
                },
                clock.clone(),
            );
            let code = sandbox.issue_code("large-shop", false, clock.now());
            let connected = connect
                .store_code(BENCH_WALLET, Market::Global, &code)
                .await
                .map_err(|e| format!("connecting large-shop: {}", e.message()))?;
            connected
                .connection_ids
                .into_iter()
                .next()
                .ok_or("large-shop authorized no shop")?
        }
    };

    let mut stored_before = 0u64;
    db.for_each_record_id(&id, "order", &mut |_| stored_before += 1)
        .await
        .map_err(|e| fail("stored orders")(&e))?;

    let progress = args.progress.then(|| {
        let db = db.clone();
        let id = id.clone();
        tokio::spawn(async move { draw_progress(db, id).await })
    });
    let started = Instant::now();
    let summary = engine
        .sync_connection(&id, Selection::Only(vec![Resource::Orders]))
        .await
        .map_err(|e| fail("sync")(&e))?;
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(task) = progress {
        task.abort();
        eprintln!();
    }
    server.abort();
    if let Some(issue) = summary.issues.first() {
        return Err(format!(
            "the backfill ended with an issue: {}",
            issue.message
        ));
    }

    // The stored ids against the sandbox's, both in id order: constant memory.
    let book = bench_book(&sandbox)?;
    let mut expected = (0..book.len()).map(|i| order_id(book.seed, book.shop, i));
    let mut next_expected = expected.next();
    let (mut stored, mut missing, mut unexpected) = (0u64, 0u64, 0u64);
    db.for_each_record_id(&id, "order", &mut |got| {
        stored += 1;
        loop {
            match &next_expected {
                Some(want) if *want < got => {
                    missing += 1;
                    next_expected = expected.next();
                }
                Some(want) if *want == got => {
                    next_expected = expected.next();
                    break;
                }
                _ => {
                    unexpected += 1;
                    break;
                }
            }
        }
    })
    .await
    .map_err(|e| fail("stored orders")(&e))?;
    missing += u64::from(next_expected.is_some()) + expected.count() as u64;

    let page_size = crate::tiktok::api::SearchOrders::PAGE.max;
    let pages = args.orders.div_ceil(u64::from(page_size));
    let floor_s = pages as f64 / f64::from(args.rate_limit.max(1));
    Ok(BenchReport {
        orders_stored: stored,
        duplicates: (stored_before + summary.delivered).saturating_sub(stored),
        missing,
        unexpected,
        requests: sandbox.open_api_calls(),
        faults: sandbox.faulted_answers(),
        floor_s,
        elapsed_s: elapsed,
        ratio: elapsed / floor_s,
        peak_rss_mb: peak_rss_kb().map(|kb| kb as f64 / 1024.0).unwrap_or(0.0),
    })
}

/// The sandbox's `large-shop` order book. Its ids depend on the seed and the size, not on the
/// anchor, so any frame lists the same set.
fn bench_book(sandbox: &Sandbox) -> Result<crate::sandbox::personas::OrderBook, String> {
    let persona = sandbox
        .persona("large-shop")
        .ok_or("no large-shop persona")?;
    let shop = persona.shops.first().ok_or("large-shop has no shop")?;
    Ok(sandbox.book(shop, 0))
}

async fn draw_progress(db: Arc<dyn Database>, id: String) {
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tick.tick().await;
        if let Ok(Some(c)) = db.load_connection(&id).await {
            let (done, total) = (c.sync.fetched, c.sync.total.max(1));
            let width = 40;
            let filled = ((done * width) / total).clamp(0, width) as usize;
            eprint!(
                "\r[{}{}] {done}/{} orders",
                "#".repeat(filled),
                " ".repeat(width as usize - filled),
                c.sync.total
            );
            let _ = std::io::stderr().flush();
        }
    }
}

/// Peak resident memory (VmHWM) in KiB, on Linux.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
