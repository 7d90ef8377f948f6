//! `shopscore bench-sync`: the sandbox in-process with the `large-shop` persona, a 90-day
//! order backfill through the real client and sync engine into a fresh database, and the
//! figures that say how close it came to the rate limit's floor. With `--data-dir` the run
//! can be killed and started again: it resumes from its checkpoints. With `--whole-shop` the
//! run backfills orders, returns, statements, payments and products together, each API under
//! its own per-shop budget, and the floor is the slowest API's.

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
use shopscore::records::RecordKind;

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
    /// Orders, returns, statements, payments and products together (default: orders).
    pub whole_shop: bool,
}

/// One API's share of a run: the records it stored, the calls the sandbox answered for it, and
/// its floor (the fewest pages those records fit in at the documented maximum page size, at the
/// per-API rate).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFigures {
    pub resource: &'static str,
    pub path: &'static str,
    pub records: u64,
    pub calls: u64,
    pub floor_s: f64,
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
    /// Per API (with `--whole-shop`; orders alone otherwise).
    pub apis: Vec<ApiFigures>,
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
        for api in &self.apis {
            writeln!(
                f,
                "api {} {} records {} calls {} floor_s {:.2}",
                api.resource, api.path, api.records, api.calls, api.floor_s
            )?;
        }
        write!(f, "peak_rss_mb {:.1}", self.peak_rss_mb)
    }
}

fn fail(what: &str) -> impl Fn(&dyn std::fmt::Display) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// A benchmark's data directory: the one asked for (kept, so a rerun resumes), or a scratch
/// one removed when the run ends.
pub(crate) struct DataDir {
    pub path: std::path::PathBuf,
    scratch: bool,
}

impl DataDir {
    pub fn new(asked: Option<&std::path::Path>, name: &str) -> Result<DataDir, String> {
        let (path, scratch) = match asked {
            Some(dir) => (dir.to_path_buf(), false),
            None => (
                std::env::temp_dir().join(format!(
                    "shopscore-{name}-{}",
                    hex::encode(rand::random::<[u8; 6]>())
                )),
                true,
            ),
        };
        std::fs::create_dir_all(&path).map_err(|e| fail("data directory")(&e))?;
        Ok(DataDir { path, scratch })
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        if self.scratch {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// What a benchmark's world is made of.
pub(crate) struct StackArgs<'a> {
    pub dir: &'a std::path::Path,
    /// Default: a SQLite file in `dir`.
    pub database_url: Option<String>,
    pub latency_ms: u64,
    pub rate_limit: u32,
    pub fault_rate: f64,
    /// The `large-shop` persona's orders.
    pub large_shop_orders: u64,
    pub slices: u32,
    pub lease_secs: u64,
}

/// A benchmark's world: the sandbox on loopback and the product's client, vault, scorer and
/// sync engine over one database, as `serve` builds them.
pub(crate) struct Stack {
    pub sandbox: Arc<Sandbox>,
    pub db: Arc<dyn Database>,
    pub engine: Arc<SyncEngine>,
    pub connect: ConnectService,
    settings: Settings,
    client_config: TikTokConfig,
    sync_settings: crate::config::SyncSettings,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Stack {
    pub async fn start(args: &StackArgs<'_>) -> Result<Stack, String> {
        let dir = args.dir;
        let db_url = args
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.display()));
        let data_dir = dir.display().to_string();
        // The sync's own settings (`SYNC_WORKERS`, …) follow the environment.
        let settings = Settings::from_lookup(|name| match name {
            "DATABASE_URL" => Some(db_url.clone()),
            "DATA_DIR" => Some(data_dir.clone()),
            _ if name.starts_with("SYNC_") => std::env::var(name).ok(),
            _ => None,
        })
        .map_err(|e| fail("settings")(&e))?;
        let credentials = crate::startup::sandbox_credentials(dir)
            .map_err(|e| fail("sandbox credentials")(&e))?;
        let (app_key, app_secret) = (credentials.app_key, credentials.app_secret);

        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| fail("sandbox listener")(&e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| fail("sandbox address")(&e))?;
        let base =
            url::Url::parse(&format!("http://{addr}")).map_err(|e| fail("sandbox URL")(&e))?;
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
        config.large_shop_orders = Some(args.large_shop_orders);
        let sandbox = Sandbox::new(config);
        let router = crate::sandbox::router(sandbox.clone(), SandboxLayout::Standalone);
        let server = tokio::spawn(async move { axum::serve(listener, router).await });

        let mut client_config =
            TikTokConfig::new(app_key.clone(), app_secret, base.clone(), base.clone());
        client_config.rate_limit_per_sec = args.rate_limit;
        let mut sync_settings = settings.sync.clone();
        sync_settings.backfill_slices = args.slices;
        sync_settings.lease = Duration::from_secs(args.lease_secs.max(1));
        sync_settings.run_deadline = Duration::from_secs(24 * 3600);
        let (db, engine, client, vault) =
            engine_over(&settings, &client_config, &sync_settings).await?;
        db.migrate().await.map_err(|e| fail("migrations")(&e))?;
        let connect = ConnectService::new(
            db.clone(),
            client,
            vault,
            engine.clone(),
            AuthorizeLinks {
                global: None,
                us: None,
                creator_url: base.clone(),
                app_key,
            },
            engine.clock().clone(),
        );
        Ok(Stack {
            sandbox,
            db,
            engine,
            connect,
            settings,
            client_config,
            sync_settings,
            server,
        })
    }

    /// Another instance over the same database and sandbox: its own pool, client and engine.
    pub async fn sibling(&self) -> Result<Arc<SyncEngine>, String> {
        let (_, engine, ..) =
            engine_over(&self.settings, &self.client_config, &self.sync_settings).await?;
        Ok(engine)
    }
}

type Built = (
    Arc<dyn Database>,
    Arc<SyncEngine>,
    Arc<TikTokClient>,
    Arc<TokenVault>,
);

async fn engine_over(
    settings: &Settings,
    client_config: &TikTokConfig,
    sync_settings: &crate::config::SyncSettings,
) -> Result<Built, String> {
    let db = crate::db::connect(&settings.database_url)
        .await
        .map_err(|e| fail("database")(&e))?;
    let vault = Arc::new(TokenVault::from_settings(settings).map_err(|e| fail("vault")(&e))?);
    let client =
        Arc::new(TikTokClient::new(client_config.clone()).map_err(|e| fail("client")(&e))?);
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
        sync_settings.clone(),
        clock,
        scorer,
    ));
    Ok((db, engine, client, vault))
}

/// Runs the benchmark.
pub async fn run(args: BenchArgs) -> Result<BenchReport, String> {
    let dir = DataDir::new(args.data_dir.as_deref(), "bench")?;
    let stack = Stack::start(&StackArgs {
        dir: &dir.path,
        database_url: args.database_url.clone(),
        latency_ms: args.latency_ms,
        rate_limit: args.rate_limit,
        fault_rate: args.fault_rate,
        large_shop_orders: args.orders,
        slices: args.slices,
        lease_secs: args.lease_secs,
    })
    .await?;
    let Stack {
        sandbox,
        db,
        engine,
        connect,
        ..
    } = &stack;
    let clock = engine.clock().clone();
    let id = match db
        .list_connections(BENCH_WALLET)
        .await
        .map_err(|e| fail("connections")(&e))?
        .into_iter()
        .next()
    {
        Some(c) => c.id,
        None => {
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
    let resources: Vec<Resource> = if args.whole_shop {
        WHOLE_SHOP.iter().map(|(r, ..)| *r).collect()
    } else {
        vec![Resource::Orders]
    };
    let summary = engine
        .sync_connection(&id, Selection::Only(resources))
        .await
        .map_err(|e| fail("sync")(&e))?;
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(task) = progress {
        task.abort();
        eprintln!();
    }
    if let Some(issue) = summary.issues.first() {
        return Err(format!(
            "the backfill ended with an issue: {}",
            issue.message
        ));
    }

    // The stored ids against the sandbox's, both in id order: constant memory.
    let book = bench_book(sandbox)?;
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

    let calls = sandbox.calls_by_path();
    let rate = f64::from(args.rate_limit.max(1));
    let mut apis = Vec::new();
    let mut stored_all = 0u64;
    for &(resource, kind, path, page) in WHOLE_SHOP {
        if resource != Resource::Orders && !args.whole_shop {
            continue;
        }
        let mut records = 0u64;
        db.for_each_record_id(&id, kind.name(), &mut |_| records += 1)
            .await
            .map_err(|e| fail("stored records")(&e))?;
        stored_all += records;
        // Orders: the book's size, so a lost order cannot lower the floor.
        let records_for_floor = if resource == Resource::Orders {
            args.orders
        } else {
            records
        };
        apis.push(ApiFigures {
            resource: resource.name(),
            path,
            records,
            calls: calls.iter().find(|(p, _)| p == path).map_or(0, |(_, n)| *n),
            floor_s: records_for_floor.div_ceil(u64::from(page)) as f64 / rate,
        });
    }
    let floor_s = apis.iter().map(|a| a.floor_s).fold(0.0, f64::max);
    Ok(BenchReport {
        orders_stored: stored,
        duplicates: (stored_before + summary.delivered).saturating_sub(stored_all),
        missing,
        unexpected,
        requests: sandbox.open_api_calls(),
        faults: sandbox.faulted_answers(),
        floor_s,
        elapsed_s: elapsed,
        ratio: elapsed / floor_s,
        peak_rss_mb: peak_rss_kb().map(|kb| kb as f64 / 1024.0).unwrap_or(0.0),
        apis,
    })
}

/// The whole shop's backfill: each resource, the kind it stores, its list API and that API's
/// documented maximum page size.
const WHOLE_SHOP: &[(Resource, RecordKind, &str, u32)] = {
    use crate::tiktok::api::{
        GetPayments, GetStatements, SearchOrders, SearchProducts, SearchReturns,
    };
    use crate::tiktok::ApiRequest as _;
    &[
        (
            Resource::Orders,
            RecordKind::Order,
            SearchOrders::PATH,
            SearchOrders::PAGE.max,
        ),
        (
            Resource::Returns,
            RecordKind::Return,
            SearchReturns::PATH,
            SearchReturns::PAGE.max,
        ),
        (
            Resource::Statements,
            RecordKind::Statement,
            GetStatements::PATH,
            GetStatements::PAGE.max,
        ),
        (
            Resource::Payments,
            RecordKind::Payment,
            GetPayments::PATH,
            GetPayments::PAGE.max,
        ),
        (
            Resource::Products,
            RecordKind::Product,
            SearchProducts::PATH,
            SearchProducts::PAGE.max,
        ),
    ]
};

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
