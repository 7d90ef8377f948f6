//! `shopscore bench-fleet`: many shops per instance. The sandbox in-process with its
//! `large-shop` persona sized to `--orders-per-connection`, `--connections` shops connected
//! (one wallet each, in distinct sandbox accounts), then every shop's order backfill run through
//! the real client and sync engine, `SYNC_WORKERS` at a time per instance as the scheduler
//! would; then `--new-orders` orders are added to every shop and each is synced incrementally
//! (its updates since the last run, with the engine's overlap). Prints the records stored per second,
//! the CPU seconds per 10,000 records and the peak RSS. With `--instances 2` (PostgreSQL) the
//! same backfill also runs on a fresh database split between two engines with their own pools
//! and clients, and the speed-up of two instances over one is printed.
//!
//! The sandbox answers without latency (unless `--latency-ms` says otherwise) and with a rate
//! limit far above TikTok's (the client's budget raised to match), so the figure is the
//! product's own cost per record (its writes, rescoring and bookkeeping), not TikTok's floor
//! (that is `bench-sync`). With TikTok's latency a sync mostly waits, and the figure is how
//! many syncs an instance keeps in flight.

use std::sync::Arc;
use std::time::Instant;

use crate::bench::{peak_rss_kb, DataDir, Stack, StackArgs};
use crate::db::Market;
use crate::sync::{Resource, Selection, SyncEngine};

/// The sandbox's per-shop rate for the fleet: far above any real budget.
const FLEET_RATE: u32 = 100_000;

/// The fleet's knobs.
#[derive(Debug, Clone)]
pub struct FleetArgs {
    pub connections: usize,
    pub orders_per_connection: u64,
    /// `postgres://…` (default: a SQLite file in a scratch directory). With `--instances 2`
    /// it must be an empty PostgreSQL database: the run creates a sibling database beside it.
    pub database_url: Option<String>,
    /// 1, or 2 to measure two instances against one (PostgreSQL only).
    pub instances: usize,
    /// Orders added to each shop before the incremental sync.
    pub new_orders: u32,
    /// The sandbox's delay before each answer (0 by default: the product's own cost).
    pub latency_ms: u64,
}

/// One phase's figures: the orders it stored, the orders TikTok delivered (an incremental
/// sync also re-reads its overlap), the syncs run, the wall and CPU time.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub records: u64,
    pub delivered: u64,
    pub syncs: usize,
    pub elapsed_s: f64,
    pub cpu_s: f64,
}

impl Phase {
    fn records_per_s(&self) -> f64 {
        self.records as f64 / self.elapsed_s.max(1e-9)
    }

    fn cpu_per_10k(&self) -> f64 {
        self.cpu_s * 10_000.0 / (self.records.max(1) as f64)
    }
}

/// What `bench-fleet` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetReport {
    pub connections: usize,
    pub backfill: Phase,
    pub incremental: Phase,
    /// The backfill again with two instances, on a fresh database.
    pub two_instances: Option<Phase>,
    pub peak_rss_mb: f64,
}

impl std::fmt::Display for FleetReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "connections {}", self.connections)?;
        for (name, p) in [
            ("backfill", &self.backfill),
            ("incremental", &self.incremental),
        ] {
            writeln!(
                f,
                "{name} records {} delivered {} syncs {} elapsed_s {:.2} records_per_s {:.0} \
                 syncs_per_s {:.0} cpu_s {:.2} cpu_s_per_10k {:.3}",
                p.records,
                p.delivered,
                p.syncs,
                p.elapsed_s,
                p.records_per_s(),
                p.syncs as f64 / p.elapsed_s.max(1e-9),
                p.cpu_s,
                p.cpu_per_10k()
            )?;
        }
        if let Some(p) = &self.two_instances {
            writeln!(
                f,
                "two_instances records {} elapsed_s {:.2} records_per_s {:.0} speedup {:.2}",
                p.records,
                p.elapsed_s,
                p.records_per_s(),
                p.records_per_s() / self.backfill.records_per_s().max(1e-9)
            )?;
        }
        write!(f, "peak_rss_mb {:.1}", self.peak_rss_mb)
    }
}

/// This process's CPU time (user + system), in seconds.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command's closing parenthesis; utime and stime are the 12th and
    // 13th of them, in clock ticks (100 a second on Linux).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs the benchmark.
pub async fn run(args: FleetArgs) -> Result<FleetReport, String> {
    if args.instances == 0 || args.instances > 2 {
        return Err("--instances is 1 or 2".into());
    }
    let postgres = args
        .database_url
        .as_deref()
        .is_some_and(|u| u.starts_with("postgres"));
    if args.instances == 2 && !postgres {
        return Err("--instances 2 needs --database-url postgres://… (instances share a PostgreSQL server; SQLite has one writer)".into());
    }
    let dir = DataDir::new(None, "fleet")?;
    let (backfill, incremental) = {
        let stack = start(&args, &dir.path.join("one"), args.database_url.clone()).await?;
        let ids = connect_all(&stack, args.connections).await?;
        let engines = [stack.engine.clone()];
        let backfill = measure(&stack, &engines, &ids).await?;
        let persona = stack
            .sandbox
            .persona("large-shop")
            .ok_or("no large-shop persona")?;
        let now = stack.engine.clock().now();
        for account in 1..=args.connections {
            let account = u32::try_from(account).map_err(|_| "too many connections")?;
            stack
                .sandbox
                .add_orders(persona, account, args.new_orders, now);
        }
        let incremental = measure(&stack, &engines, &ids).await?;
        (backfill, incremental)
    };
    let two_instances = if args.instances == 2 {
        let first = args.database_url.as_deref().unwrap_or_default();
        let url = sibling_database(first, true).await?;
        let phase = async {
            let stack = start(&args, &dir.path.join("two"), Some(url)).await?;
            let ids = connect_all(&stack, args.connections).await?;
            let engines = [stack.engine.clone(), stack.sibling().await?];
            measure(&stack, &engines, &ids).await
        }
        .await;
        // The sibling goes with its pools (the stack and its workers ended above), whatever
        // the phase did; the phase's own error comes first.
        let dropped = sibling_database(first, false).await;
        let phase = phase?;
        dropped?;
        Some(phase)
    } else {
        None
    };
    Ok(FleetReport {
        connections: args.connections,
        backfill,
        incremental,
        two_instances,
        peak_rss_mb: peak_rss_kb().map(|kb| kb as f64 / 1024.0).unwrap_or(0.0),
    })
}

async fn start(
    args: &FleetArgs,
    dir: &std::path::Path,
    database_url: Option<String>,
) -> Result<Stack, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("data directory: {e}"))?;
    Stack::start(&StackArgs {
        dir,
        database_url,
        latency_ms: args.latency_ms,
        rate_limit: FLEET_RATE,
        fault_rate: 0.0,
        large_shop_orders: args.orders_per_connection,
        slices: 4,
        lease_secs: 300,
    })
    .await
}

/// The second database beside the first on its server, with the first URL's query: created
/// afresh (`create`, dropped first if an earlier run left it) or dropped.
async fn sibling_database(url: &str, create: bool) -> Result<String, String> {
    use sqlx::Connection as _;
    let (base, rest) = url
        .rsplit_once('/')
        .ok_or("the PostgreSQL URL names no database")?;
    let (name, query) = match rest.split_once('?') {
        Some((name, query)) => (name, format!("?{query}")),
        None => (rest, String::new()),
    };
    let sibling = format!("{name}_fleet_two");
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .map_err(|e| format!("PostgreSQL: {e}"))?;
    let mut statements = vec![format!(
        "DROP DATABASE IF EXISTS \"{sibling}\" WITH (FORCE)"
    )];
    if create {
        statements.push(format!("CREATE DATABASE \"{sibling}\""));
    }
    for statement in statements {
        sqlx::query(&statement)
            .execute(&mut admin)
            .await
            .map_err(|e| format!("PostgreSQL: {e}"))?;
    }
    Ok(format!("{base}/{sibling}{query}"))
}

/// Connects `n` shops, one wallet each, through the code exchange and discovery.
async fn connect_all(stack: &Stack, n: usize) -> Result<Vec<String>, String> {
    let now = stack.engine.clock().now();
    let wallet_of = |i: usize| format!("0x{:040x}", 0x000f_1ee7_0000_u64 + i as u64);
    // An earlier run's shops would be reconnected with their records already stored.
    let earlier = stack
        .db
        .list_connections(&wallet_of(0))
        .await
        .map_err(|e| format!("reading the database: {e}"))?;
    if !earlier.is_empty() {
        return Err("the database holds an earlier fleet run's shops: name an empty one".into());
    }
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let wallet = wallet_of(i);
        let account = u32::try_from(i + 1).map_err(|_| "too many connections")?;
        let code = stack
            .sandbox
            .issue_code_in("large-shop", false, account, now);
        let connected = stack
            .connect
            .store_code(&wallet, Market::Global, &code)
            .await
            .map_err(|e| format!("connecting shop {i}: {}", e.message()))?;
        ids.extend(connected.connection_ids);
    }
    Ok(ids)
}

/// Syncs every connection's orders, the connections split round-robin between the engines and
/// each engine running `workers` at a time; the records are those stored by the phase.
async fn measure(
    stack: &Stack,
    engines: &[Arc<SyncEngine>],
    ids: &[String],
) -> Result<Phase, String> {
    let before = count_orders(stack, ids).await?;
    let cpu = cpu_seconds();
    let started = Instant::now();
    let workers = engines[0].settings().workers.max(1) as usize;
    // As the scheduler runs them: `workers` tasks per engine, each on the runtime's threads,
    // taking the next connection when its sync ends.
    // A JoinSet: on the first error the rest are aborted when it drops.
    let mut tasks = tokio::task::JoinSet::new();
    for (k, engine) in engines.iter().enumerate() {
        let mine: std::collections::VecDeque<String> =
            ids.iter().skip(k).step_by(engines.len()).cloned().collect();
        let queue = Arc::new(std::sync::Mutex::new(mine));
        for _ in 0..workers {
            let (engine, queue) = (engine.clone(), queue.clone());
            tasks.spawn(async move {
                let mut delivered = 0;
                loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
                    let Some(id) = next else {
                        return Ok::<u64, String>(delivered);
                    };
                    let summary = engine
                        .sync_connection(&id, Selection::Only(vec![Resource::Orders]))
                        .await
                        .map_err(|e| format!("sync of {id}: {e}"))?;
                    if let Some(issue) = summary.issues.first() {
                        return Err(format!("sync of {id}: {}", issue.message));
                    }
                    delivered += summary.delivered;
                }
            });
        }
    }
    let mut delivered = 0u64;
    while let Some(done) = tasks.join_next().await {
        delivered += done.map_err(|e| format!("a sync worker stopped: {e}"))??;
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    let cpu_s = cpu_seconds() - cpu;
    Ok(Phase {
        records: count_orders(stack, ids).await?.saturating_sub(before),
        delivered,
        syncs: ids.len(),
        elapsed_s,
        cpu_s,
    })
}

async fn count_orders(stack: &Stack, ids: &[String]) -> Result<u64, String> {
    let mut n = 0u64;
    for id in ids {
        stack
            .db
            .for_each_record_id(id, "order", &mut |_| n += 1)
            .await
            .map_err(|e| format!("stored orders: {e}"))?;
    }
    Ok(n)
}
