//! Benchmark: income, insights and the score over generated records, streamed (never
//! collected), with the wall time and the peak resident memory (VmHWM) printed.
//!
//! `cargo run --release --example bench_income -- --orders 1000000`

use std::time::Instant;

use shopscore::income::{IncomeAccumulator, IncomeWindow};
use shopscore::money::{Currency, FxTable, Money};
use shopscore::records::{
    AffiliateOrder, AffiliateStatus, CommissionParts, LineItem, Order, OrderStatus, PaymentStatus,
    Record, Return, ReturnItem, ReturnStatus, SourceInfo, SourceKind, Statement,
};
use shopscore::score::compute_score;

const NOW: i64 = 1_750_000_000;
const DAY: i64 = 86_400;
const HISTORY: i64 = 365 * DAY;

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

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

/// Per order: the order itself, a return for one in twenty, an affiliate line for one in ten
/// and a statement for one in a hundred, over a year of history.
fn records(orders: u64) -> impl Iterator<Item = Record> {
    let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
    (0..orders).flat_map(move |i| {
        let r = rng.next();
        let created = NOW - 1 - (r % (HISTORY as u64 - 2)) as i64;
        let minor = 500 + (r >> 20) as i64 % 20_000;
        let status = match r % 10 {
            0 => OrderStatus::Cancelled,
            1 => OrderStatus::InTransit,
            2 => OrderStatus::Delivered,
            _ => OrderStatus::Completed,
        };
        let product = format!("p{}", r % 500);
        let mut out = Vec::with_capacity(4);
        out.push(Record::Order(Order {
            source: "shop".to_string(),
            id: i.to_string(),
            status,
            create_time: created,
            update_time: None,
            paid_time: Some(created),
            delivery_time: Some((created + 3 * DAY).min(NOW)),
            rts_time: Some(created + DAY),
            rts_sla_time: Some(created + 2 * DAY),
            total: usd(minor),
            is_sample: false,
            is_replacement: false,
            items: vec![LineItem {
                product_id: product.clone(),
                sku_id: format!("{product}-s"),
                product_name: product.clone(),
                sale_price: usd(minor),
                quantity: 1,
                is_gift: false,
            }],
        }));
        if i.is_multiple_of(20) {
            out.push(Record::Return(Return {
                source: "shop".to_string(),
                id: format!("r{i}"),
                order_id: i.to_string(),
                status: ReturnStatus::Refunded,
                return_type: "REFUND".to_string(),
                create_time: (created + DAY).min(NOW),
                update_time: None,
                refund: usd(minor / 2),
                items: vec![ReturnItem {
                    sku_id: format!("{product}-s"),
                    refund: usd(minor / 2),
                }],
            }));
        }
        if i.is_multiple_of(10) {
            let parts = CommissionParts {
                commission: Some(usd(minor * 15 / 100)),
                ..CommissionParts::default()
            };
            out.push(Record::AffiliateOrder(AffiliateOrder {
                source: "creator".to_string(),
                id: format!("a{i}/1"),
                order_id: format!("a{i}"),
                create_time: created,
                delivery_time: Some((created + 3 * DAY).min(NOW)),
                status: if r.is_multiple_of(3) {
                    AffiliateStatus::Ordered
                } else {
                    AffiliateStatus::Settled
                },
                shop: format!("brand{}", r % 40),
                product_id: format!("sku{}", r % 300),
                product_name: String::new(),
                content_type: "VIDEO".to_string(),
                content_id: format!("v{}", r % 2_000),
                campaign_id: String::new(),
                open_collaboration_id: format!("oc{}", r % 7),
                target_collaboration_id: String::new(),
                sales: usd(minor),
                quantity: 1,
                returned_quantity: 0,
                commission_rate_bps: 1_500,
                actual: parts.clone(),
                estimated: parts,
            }));
        }
        if i.is_multiple_of(100) {
            out.push(Record::Statement(Statement {
                source: "shop".to_string(),
                id: format!("s{i}"),
                statement_time: created,
                settlement: usd(minor * 85),
                revenue: Some(usd(minor * 100)),
                fee: None,
                adjustment: None,
                shipping_cost: None,
                payment_status: PaymentStatus::Paid,
                payment_id: format!("pay{i}"),
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
    let window = IncomeWindow::ninety_days(NOW).with_history(365);
    let started = Instant::now();
    let mut accumulator = IncomeAccumulator::new(window, &sources, FxTable::shipped());
    let mut count = 0u64;
    for record in records(orders) {
        accumulator.add(&record);
        count += 1;
    }
    let analysis = accumulator.finish_with_insights();
    let income_done = started.elapsed();
    let income = &analysis.income;
    let score = compute_score(income);
    let total = started.elapsed();

    println!("records folded       {count}");
    println!("paid orders (90 d)   {}", income.counts.paid_orders);
    println!("GMV                  {}", income.usd.gmv);
    println!("net revenue          {}", income.usd.net_revenue);
    println!("verified commission  {}", income.usd.commission_verified);
    println!("monthly income       {}", income.usd.monthly_income);
    println!(
        "score                {} ({:?} {}, confidence {:?})",
        score.score, score.grade, score.grade_label, score.confidence
    );
    println!(
        "products listed      {}",
        analysis
            .insights
            .products
            .first()
            .map_or(0, |t| t.products.len())
    );
    println!(
        "warnings             {:?}",
        income
            .warnings
            .iter()
            .map(|w| (w.code, w.count))
            .collect::<Vec<_>>()
    );
    println!("fold + insights time {:.3} s", income_done.as_secs_f64());
    println!("with the score       {:.3} s", total.as_secs_f64());
    match peak_rss_kb() {
        Some(kb) => println!("peak RSS (VmHWM)     {:.1} MiB", kb as f64 / 1024.0),
        None => println!("peak RSS (VmHWM)     unavailable on this platform"),
    }
}
