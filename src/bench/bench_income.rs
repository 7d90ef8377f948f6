//! Benchmark: verified income and the score over generated orders, streamed (never collected),
//! with the wall time and the peak resident memory (VmHWM) printed.
//!
//! `cargo run --release --example bench_income -- --orders 1000000`

use std::time::Instant;

use shopscore::income::{compute_income, IncomeWindow};
use shopscore::money::{Currency, Money};
use shopscore::records::{
    AffiliateOrder, AffiliateStatus, LineItem, Order, OrderStatus, Record, Return, ReturnStatus,
    SourceInfo, SourceKind, Statement,
};
use shopscore::score::compute_score;

const NOW: i64 = 1_750_000_000;
const WINDOW: i64 = 90 * 86_400;

/// A small deterministic generator (xorshift): the benchmark needs no `rand`.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Per order: the order itself, a return for one in twenty, an affiliate line for one in ten
/// and a statement for one in a hundred.
fn records(orders: u64) -> impl Iterator<Item = Record> {
    let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
    (0..orders).flat_map(move |i| {
        let r = rng.next();
        let created = NOW - 1 - (r % (WINDOW as u64 - 2)) as i64;
        let minor = 500 + (r >> 20) as i64 % 20_000;
        let status = match r % 10 {
            0 => OrderStatus::Cancelled,
            1 => OrderStatus::InTransit,
            2 => OrderStatus::Delivered,
            _ => OrderStatus::Completed,
        };
        let mut out = Vec::with_capacity(3);
        out.push(Record::Order(Order {
            source: "shop".to_string(),
            id: i.to_string(),
            status,
            create_time: created,
            paid_time: Some(created),
            total: Money::new(minor, Currency::USD),
            is_sample: false,
            items: vec![LineItem {
                product_id: format!("p{}", r % 500),
                quantity: 1 + (r >> 40) as u32 % 3,
            }],
        }));
        if i.is_multiple_of(20) {
            out.push(Record::Return(Return {
                source: "shop".to_string(),
                id: format!("r{i}"),
                order_id: i.to_string(),
                status: ReturnStatus::Refunded,
                create_time: (created + 86_400).min(NOW),
                refund: Money::new(minor / 2, Currency::USD),
            }));
        }
        if i.is_multiple_of(10) {
            out.push(Record::AffiliateOrder(AffiliateOrder {
                source: "creator".to_string(),
                id: format!("a{i}"),
                create_time: created,
                status: if r.is_multiple_of(3) {
                    AffiliateStatus::ToSettle
                } else {
                    AffiliateStatus::Settled
                },
                shop: format!("brand{}", r % 40),
                product_id: format!("sku{}", r % 300),
                sales: Money::new(minor, Currency::USD),
                commission_rate_bps: 1_500,
                estimated_commission: Money::new(minor * 15 / 100, Currency::USD),
                actual_commission: Some(Money::new(minor * 15 / 100, Currency::USD)),
            }));
        }
        if i.is_multiple_of(100) {
            out.push(Record::Statement(Statement {
                source: "shop".to_string(),
                id: format!("s{i}"),
                statement_time: created,
                settlement: Money::new(minor * 85, Currency::USD),
            }));
        }
        out
    })
}

/// Peak resident set size in kB, from /proc (Linux only; the library does no I/O).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let orders = args
        .iter()
        .position(|a| a == "--orders")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(1_000_000);

    let sources = [
        SourceInfo::new("shop", SourceKind::Shop, Currency::USD),
        SourceInfo::new("creator", SourceKind::Creator, Currency::USD),
    ];
    let started = Instant::now();
    let income = compute_income(IncomeWindow::ninety_days(NOW), &sources, records(orders));
    let income_done = started.elapsed();
    let score = compute_score(&income);
    let total = started.elapsed();

    println!("orders generated     {orders}");
    println!("paid orders          {}", income.counts.paid_orders);
    println!("GMV                  {}", income.usd.gmv);
    println!("net revenue          {}", income.usd.net_revenue);
    println!("settled commission   {}", income.usd.affiliate_settled);
    println!("monthly income       {}", income.usd.monthly_income);
    println!(
        "score                {} ({:?} {}, confidence {:?})",
        score.score, score.grade, score.grade_label, score.confidence
    );
    println!(
        "warnings             {:?}",
        income
            .warnings
            .iter()
            .map(|w| (w.code, w.count))
            .collect::<Vec<_>>()
    );
    println!("income time          {:.3} s", income_done.as_secs_f64());
    println!("income + score time  {:.3} s", total.as_secs_f64());
    match peak_rss_kb() {
        Some(kb) => println!("peak RSS (VmHWM)     {:.1} MiB", kb as f64 / 1024.0),
        None => println!("peak RSS (VmHWM)     unavailable on this platform"),
    }
}
