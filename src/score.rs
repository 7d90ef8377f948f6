//! The credit score: four factors from an [`IncomeReport`], each explained by its signals,
//! combined into a 0–100 score with a grade, a confidence, ranked reasons, the model version
//! and a digest of the inputs.
//!
#![doc = include_str!("MODEL.md")]

use serde::{Deserialize, Serialize};

use crate::digest::canonical_sha256;
use crate::income::{IncomeReport, ReconciliationStatus};
use crate::money::Money;

/// The model version recorded with every score. Bump it (and MODEL.md's changelog) whenever a
/// weight, a curve, a signal or a reason changes, so stored scores are never silently rewritten.
pub const MODEL_VERSION: &str = "shopscore-score-1.0.0";

const DAY: f64 = 86_400.0;

/// The four factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FactorKind {
    /// Monthly verified income against the tiers: 40%.
    Revenue,
    /// Regularity and stability: 20%.
    Consistency,
    /// Quality and standing: 20%.
    Reliability,
    /// Trajectory: 20%.
    Growth,
}

impl FactorKind {
    /// The factor's weight in the score (the seed's 40/20/20/20).
    pub fn weight(self) -> f64 {
        match self {
            FactorKind::Revenue => 0.40,
            _ => 0.20,
        }
    }

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            FactorKind::Revenue => "Revenue",
            FactorKind::Consistency => "Consistency",
            FactorKind::Reliability => "Reliability",
            FactorKind::Growth => "Growth",
        }
    }
}

/// One input to a factor: its value, the points (0–100) it earned, and whether it was missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signal {
    /// Stable identifier (e.g. `returnRate`).
    pub id: String,
    /// Plain-language name.
    pub label: String,
    /// The measured value (units in `display`); `None` when missing.
    pub value: Option<f64>,
    /// The value as a person reads it (`"5.0%"`, `"$4,750.00 / month"`, `"not available"`).
    pub display: String,
    /// Points earned, 0–100; `None` when missing.
    pub points: Option<f64>,
    /// Nominal weight inside the factor.
    pub weight: f64,
    /// Share of the factor after missing signals' weight moved to the present ones (0–1).
    pub effective_weight: f64,
    /// The signal could not be computed from the data available.
    pub missing: bool,
}

/// A factor: its score (0–100), weight in the total, and the signals behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    /// Which factor.
    pub kind: FactorKind,
    /// Weight in the total score.
    pub weight: f64,
    /// Score 0–100.
    pub score: f64,
    /// Every signal was missing: the factor scored 0 and confidence is lowered.
    pub missing: bool,
    /// The signals, in a fixed order.
    pub signals: Vec<Signal>,
}

/// The lending platform's grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    /// Score ≥ 75: Established.
    A,
    /// Score ≥ 55: Growing.
    B,
    /// Score ≥ 40: Building.
    C,
    /// Below 40: Emerging.
    D,
}

impl Grade {
    /// The grade for a 0–100 score.
    pub fn from_score(score: f64) -> Grade {
        if score >= 75.0 {
            Grade::A
        } else if score >= 55.0 {
            Grade::B
        } else if score >= 40.0 {
            Grade::C
        } else {
            Grade::D
        }
    }

    /// The grade's name.
    pub fn label(self) -> &'static str {
        match self {
            Grade::A => "Established",
            Grade::B => "Growing",
            Grade::C => "Building",
            Grade::D => "Emerging",
        }
    }
}

/// How far a lender can rely on the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Confidence {
    /// Verified transactions, enough history, payouts reconciled, nothing missing.
    High,
    /// One thing short of that.
    Medium,
    /// Little data, failed reconciliation, or several gaps.
    Low,
}

/// Whether a reason pulls the score down or up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Holding the score (or the confidence) down.
    HoldingDown,
    /// Helping the score.
    Helping,
}

/// A ranked reason: a stable code plus a sentence a borrower can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// Stable identifier, e.g. `REVENUE_BELOW_TOP_TIER`.
    pub code: String,
    /// The factor it belongs to; `None` for confidence reasons.
    pub factor: Option<FactorKind>,
    /// Down or up.
    pub direction: Direction,
    /// Score points lost (holding down) or earned (helping); 0 for confidence reasons.
    pub impact: f64,
    /// Plain sentence.
    pub message: String,
}

/// The score for one borrower, with everything needed to explain and reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreReport {
    /// [`MODEL_VERSION`] at computation time.
    pub model_version: String,
    /// SHA-256 (hex) of the model version and the canonical encoding of the income report.
    pub inputs_digest: String,
    /// 0–100, one decimal.
    pub score: f64,
    /// A–D.
    pub grade: Grade,
    /// The grade's name.
    pub grade_label: String,
    /// Confidence.
    pub confidence: Confidence,
    /// Why confidence is below HIGH (empty when HIGH).
    pub confidence_reasons: Vec<Reason>,
    /// The monthly verified income the revenue factor used.
    pub monthly_income_usd: Money,
    /// Revenue, consistency, reliability, growth.
    pub factors: Vec<Factor>,
    /// The main things holding the score down, largest first (at most four).
    pub holding_down: Vec<Reason>,
    /// The main things helping, largest first (at most three).
    pub helping: Vec<Reason>,
}

impl ScoreReport {
    /// Whether this stored score is what the current model gives for `income`: same model
    /// version, same inputs digest, same score, grade and confidence. (Store JSON with
    /// `serde_json`'s `float_roundtrip` feature so the signals' floats also compare equal.)
    pub fn reproduces(&self, income: &IncomeReport) -> bool {
        let fresh = compute_score(income);
        self.model_version == MODEL_VERSION
            && self.inputs_digest == fresh.inputs_digest
            && (self.score - fresh.score).abs() < 1e-9
            && self.grade == fresh.grade
            && self.confidence == fresh.confidence
    }
}

/// The digest of a score's inputs under the current model.
pub fn inputs_digest(income: &IncomeReport) -> String {
    canonical_sha256(MODEL_VERSION, income)
}

/// A signal's definition: identity, weight and the words used to explain it.
struct Spec {
    id: &'static str,
    label: &'static str,
    weight: f64,
    low_code: &'static str,
    low: &'static str,
    high_code: &'static str,
    high: &'static str,
}

/// Every signal of the model, by factor. MODEL.md documents the same table.
const REVENUE: [Spec; 1] = [Spec {
    id: "monthlyVerifiedIncome",
    label: "Monthly verified income (sales and settled commissions, USD)",
    weight: 1.0,
    low_code: "REVENUE_BELOW_TOP_TIER",
    low: "Your monthly verified income is below the $20,000 top tier; more verified sales or settled commissions raise this factor.",
    high_code: "REVENUE_STRONG",
    high: "Your monthly verified income is strong.",
}];

const CONSISTENCY: [Spec; 5] = [
    Spec {
        id: "weeksWithSales",
        label: "Weeks with at least one order",
        weight: 30.0,
        low_code: "CONSISTENCY_WEEKS_WITHOUT_SALES",
        low: "Many weeks in the last 90 days had no orders; selling every week raises consistency.",
        high_code: "CONSISTENCY_SELLS_EVERY_WEEK",
        high: "You had orders in nearly every week.",
    },
    Spec {
        id: "weeklyOrderVariation",
        label: "Variation of weekly order counts",
        weight: 25.0,
        low_code: "CONSISTENCY_UNEVEN_WEEKLY_ORDERS",
        low: "Your weekly order counts swing widely; steadier weekly sales raise consistency.",
        high_code: "CONSISTENCY_STEADY_WEEKLY_ORDERS",
        high: "Your weekly order counts are steady.",
    },
    Spec {
        id: "monthlyIncomeStability",
        label: "Month-over-month income stability",
        weight: 25.0,
        low_code: "CONSISTENCY_VOLATILE_MONTHLY_INCOME",
        low: "Your income changes a lot from month to month; steadier monthly income raises consistency.",
        high_code: "CONSISTENCY_STABLE_MONTHLY_INCOME",
        high: "Your monthly income is stable.",
    },
    Spec {
        id: "shopAge",
        label: "Age of the oldest connected shop or account",
        weight: 15.0,
        low_code: "CONSISTENCY_YOUNG_ACCOUNT",
        low: "Your shop or account is young; this improves on its own as it reaches two years.",
        high_code: "CONSISTENCY_ESTABLISHED_ACCOUNT",
        high: "Your shop has been open for a long time.",
    },
    Spec {
        id: "sellerType",
        label: "Seller type (business or individual)",
        weight: 5.0,
        low_code: "CONSISTENCY_INDIVIDUAL_SELLER",
        low: "You sell as an individual; registering as a business seller raises this signal.",
        high_code: "CONSISTENCY_BUSINESS_SELLER",
        high: "You sell as a registered business.",
    },
];

const RELIABILITY: [Spec; 7] = [
    Spec {
        id: "returnRate",
        label: "Return rate (refunded value ÷ GMV)",
        weight: 30.0,
        low_code: "RELIABILITY_HIGH_RETURN_RATE",
        low: "A high share of your sales was refunded; fewer returns raise reliability.",
        high_code: "RELIABILITY_LOW_RETURN_RATE",
        high: "Few of your sales are refunded.",
    },
    Spec {
        id: "shopRating",
        label: "Shop rating (0–5)",
        weight: 20.0,
        low_code: "RELIABILITY_LOW_SHOP_RATING",
        low: "Your shop rating is low; better reviews raise reliability.",
        high_code: "RELIABILITY_HIGH_SHOP_RATING",
        high: "Your shop rating is high.",
    },
    Spec {
        id: "reviewCount",
        label: "Number of reviews",
        weight: 5.0,
        low_code: "RELIABILITY_FEW_REVIEWS",
        low: "Your shop has few reviews; more reviewed orders make the rating count for more.",
        high_code: "RELIABILITY_MANY_REVIEWS",
        high: "Your shop has many reviews.",
    },
    Spec {
        id: "onTimeDelivery",
        label: "On-time delivery rate",
        weight: 15.0,
        low_code: "RELIABILITY_LATE_DELIVERIES",
        low: "Too many orders are delivered late; shipping on time raises reliability.",
        high_code: "RELIABILITY_ON_TIME_DELIVERY",
        high: "You deliver on time.",
    },
    Spec {
        id: "violations",
        label: "Platform violations",
        weight: 15.0,
        low_code: "RELIABILITY_PLATFORM_VIOLATIONS",
        low: "Your shop has platform violations; resolving them and avoiding new ones raises reliability.",
        high_code: "RELIABILITY_GOOD_STANDING",
        high: "Your shop is in good standing with no violations.",
    },
    Spec {
        id: "cancellationRate",
        label: "Cancelled orders ÷ placed orders",
        weight: 10.0,
        low_code: "RELIABILITY_HIGH_CANCELLATION_RATE",
        low: "Many orders were cancelled; keeping stock accurate and fulfilling orders raises reliability.",
        high_code: "RELIABILITY_FEW_CANCELLATIONS",
        high: "Few of your orders are cancelled.",
    },
    Spec {
        id: "commissionSettlement",
        label: "Settled vs. reversed affiliate commissions",
        weight: 10.0,
        low_code: "RELIABILITY_REVERSED_COMMISSIONS",
        low: "Many of your affiliate commissions were reversed; promoting products that buyers keep raises reliability.",
        high_code: "RELIABILITY_COMMISSIONS_SETTLE",
        high: "Your affiliate commissions settle rather than being reversed.",
    },
];

const GROWTH: [Spec; 4] = [
    Spec {
        id: "incomeTrend",
        label: "Latest month's income vs. the months before",
        weight: 40.0,
        low_code: "GROWTH_INCOME_DECLINING",
        low: "Your latest month's income is below the months before it; growing recent sales raises growth.",
        high_code: "GROWTH_INCOME_RISING",
        high: "Your income is rising month over month.",
    },
    Spec {
        id: "orderTrend",
        label: "Orders in the recent half of the window vs. the earlier half",
        weight: 30.0,
        low_code: "GROWTH_ORDERS_DECLINING",
        low: "You received fewer orders recently than earlier in the window.",
        high_code: "GROWTH_ORDERS_RISING",
        high: "Your order count is growing.",
    },
    Spec {
        id: "newProducts",
        label: "Products launched in the window",
        weight: 15.0,
        low_code: "GROWTH_NO_NEW_PRODUCTS",
        low: "You launched few new products in the last 90 days; new listings raise growth.",
        high_code: "GROWTH_NEW_PRODUCTS",
        high: "You are launching new products.",
    },
    Spec {
        id: "affiliateNetwork",
        label: "Distinct shops promoted as a creator",
        weight: 15.0,
        low_code: "GROWTH_NARROW_AFFILIATE_NETWORK",
        low: "You promote products from few shops; a wider affiliate network raises growth.",
        high_code: "GROWTH_BROAD_AFFILIATE_NETWORK",
        high: "You promote products from many shops.",
    },
];

/// A measured signal before weighting: value, display text and points, or missing.
struct Measure {
    value: Option<f64>,
    display: String,
    points: Option<f64>,
}

impl Measure {
    fn missing() -> Measure {
        Measure {
            value: None,
            display: "not available".to_string(),
            points: None,
        }
    }

    fn of(value: f64, display: String, points: f64) -> Measure {
        if !value.is_finite() {
            return Measure::missing();
        }
        Measure {
            value: Some(value),
            display,
            points: Some(clamp_points(points)),
        }
    }
}

/// 0–100, with NaN read as 0: no input can push a point outside the range.
fn clamp_points(points: f64) -> f64 {
    if points.is_nan() {
        0.0
    } else {
        points.clamp(0.0, 100.0)
    }
}

fn unit(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// The revenue curve: continuous, non-decreasing, 100 from $20,000/month. An active shop or
/// account starts at 10 points with no income (credit for existing).
pub fn revenue_points(monthly_usd: f64, active: bool) -> f64 {
    let base = if active { 10.0 } else { 0.0 };
    let m = if monthly_usd.is_nan() {
        0.0
    } else {
        monthly_usd.max(0.0)
    };
    let points = if m < 1_000.0 {
        base + (35.0 - base) * m / 1_000.0
    } else if m < 5_000.0 {
        35.0 + 30.0 * (m - 1_000.0) / 4_000.0
    } else if m < 20_000.0 {
        65.0 + 35.0 * (m - 5_000.0) / 15_000.0
    } else {
        100.0
    };
    clamp_points(points)
}

fn dollars(money: Money) -> f64 {
    money.minor as f64 / 100.0
}

fn format_usd(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Coefficient of variation (σ/μ) of non-negative values; `None` when the mean is not positive.
fn variation(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean.is_nan() || mean <= 0.0 || !mean.is_finite() {
        return None;
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let cv = var.sqrt() / mean;
    cv.is_finite().then_some(cv)
}

/// Relative change → points: flat is 50, doubling or more is 100, falling to zero is 0.
fn trend_points(recent: f64, earlier: f64) -> Option<(f64, f64)> {
    if earlier > 0.0 {
        let change = (recent - earlier) / earlier;
        change
            .is_finite()
            .then(|| (change, clamp_points(50.0 + 50.0 * change)))
    } else if recent > 0.0 {
        Some((1.0, 100.0))
    } else {
        None
    }
}

fn revenue_measures(income: &IncomeReport) -> Vec<Measure> {
    let monthly = dollars(income.usd.monthly_income);
    let active = income.sources.iter().any(|s| s.source.active);
    vec![Measure::of(
        monthly,
        format!("{} / month", format_usd(monthly)),
        revenue_points(monthly, active),
    )]
}

fn consistency_measures(income: &IncomeReport) -> Vec<Measure> {
    let weeks = &income.weekly_order_counts;
    let weekly: Vec<f64> = weeks.iter().map(|c| *c as f64).collect();
    let total_orders: u64 = weeks.iter().sum();

    let weeks_with_sales = if weeks.is_empty() {
        Measure::missing()
    } else {
        let active = weeks.iter().filter(|c| **c > 0).count() as f64 / weeks.len() as f64;
        Measure::of(
            active,
            format!(
                "{} of {} weeks",
                weeks.iter().filter(|c| **c > 0).count(),
                weeks.len()
            ),
            100.0 * active,
        )
    };

    let weekly_variation = match variation(&weekly) {
        Some(cv) if total_orders > 0 => Measure::of(
            cv,
            format!("{cv:.2} (σ/mean)"),
            100.0 * (1.0 - unit(cv / 1.5)),
        ),
        _ => Measure::missing(),
    };

    let monthly: Vec<f64> = income
        .usd
        .monthly_series
        .iter()
        .map(|m| dollars(*m).max(0.0))
        .collect();
    let stability = match variation(&monthly) {
        Some(cv) if monthly.len() >= 2 => {
            Measure::of(cv, format!("{cv:.2} (σ/mean)"), 100.0 * (1.0 - unit(cv)))
        }
        _ => Measure::missing(),
    };

    let end = income.window.end;
    let oldest = income.sources.iter().filter_map(|_| None::<i64>).min();
    let age = match oldest {
        Some(opened) => {
            let days = ((end as f64 - opened as f64) / DAY).max(0.0);
            Measure::of(
                days,
                format!("{} days", days.floor()),
                20.0 + 80.0 * unit(days / 730.0),
            )
        }
        None => Measure::missing(),
    };

    let seller = Measure::missing();

    vec![weeks_with_sales, weekly_variation, stability, age, seller]
}

fn reliability_measures(income: &IncomeReport) -> Vec<Measure> {
    let gmv = income.usd.gmv.minor;
    let refunds = income.usd.refunds.minor;
    let returns = if gmv > 0 {
        let rate = refunds.max(0) as f64 / gmv as f64;
        Measure::of(rate, percent(rate), 100.0 * (1.0 - unit(rate / 0.20)))
    } else if refunds > 0 {
        // Refunds with no sales in the window: the worst case, not a division by zero.
        Measure {
            value: None,
            display: "refunds with no sales".to_string(),
            points: Some(0.0),
        }
    } else {
        Measure::missing()
    };

    // Shop rating, review count, on-time delivery and violations: no documented TikTok
    // endpoint gives them (interim; the 1.1.0 model replaces these signals).
    let (rating, review_count, on_time, violations) = (
        Measure::missing(),
        Measure::missing(),
        Measure::missing(),
        Measure::missing(),
    );

    let c = &income.counts;
    let placed = c.paid_orders + c.sample_orders + c.cancelled_orders;
    let cancellations = if placed > 0 {
        let rate = c.cancelled_orders as f64 / placed as f64;
        Measure::of(rate, percent(rate), 100.0 * (1.0 - unit(rate / 0.20)))
    } else {
        Measure::missing()
    };

    let decided = c.affiliate_settled + c.affiliate_reversed;
    let settlement = if decided > 0 {
        let reversed = c.affiliate_reversed as f64 / decided as f64;
        Measure::of(
            1.0 - reversed,
            format!("{} settled", percent(1.0 - reversed)),
            100.0 * (1.0 - unit(reversed / 0.30)),
        )
    } else {
        Measure::missing()
    };

    vec![
        returns,
        rating,
        review_count,
        on_time,
        violations,
        cancellations,
        settlement,
    ]
}

fn growth_measures(income: &IncomeReport) -> Vec<Measure> {
    let months: Vec<f64> = income
        .usd
        .monthly_series
        .iter()
        .map(|m| dollars(*m).max(0.0))
        .collect();
    let income_trend = match months.split_last() {
        Some((last, earlier)) if !earlier.is_empty() => {
            let before = earlier.iter().sum::<f64>() / earlier.len() as f64;
            match trend_points(*last, before) {
                Some((change, points)) => {
                    Measure::of(change, format!("{:+.1}%", change * 100.0), points)
                }
                None => Measure::missing(),
            }
        }
        _ => Measure::missing(),
    };

    let weeks = &income.weekly_order_counts;
    let half = weeks.len() / 2;
    let order_trend = if half == 0 {
        Measure::missing()
    } else {
        let earlier: u64 = weeks[weeks.len() - 2 * half..weeks.len() - half]
            .iter()
            .sum();
        let recent: u64 = weeks[weeks.len() - half..].iter().sum();
        match trend_points(recent as f64, earlier as f64) {
            Some((change, points)) => Measure::of(
                change,
                format!("{recent} vs {earlier} orders ({:+.1}%)", change * 100.0),
                points,
            ),
            None => Measure::missing(),
        }
    };

    let c = &income.counts;
    let products = if c.products > 0 {
        let launched = c.products_launched as f64;
        Measure::of(
            launched,
            format!("{launched} launched"),
            40.0 + 15.0 * launched,
        )
    } else {
        Measure::missing()
    };

    let network = if c.affiliate_orders > 0 {
        let shops = income.distinct_affiliate_shops as f64;
        Measure::of(shops, format!("{shops} shops"), 20.0 * shops)
    } else {
        Measure::missing()
    };

    vec![income_trend, order_trend, products, network]
}

fn build_factor(kind: FactorKind, specs: &[Spec], measures: Vec<Measure>) -> Factor {
    let present_weight: f64 = specs
        .iter()
        .zip(&measures)
        .filter(|(_, m)| m.points.is_some())
        .map(|(s, _)| s.weight)
        .sum();
    let mut score = 0.0;
    let signals: Vec<Signal> = specs
        .iter()
        .zip(measures)
        .map(|(spec, m)| {
            let effective = match m.points {
                Some(points) if present_weight > 0.0 => {
                    let share = spec.weight / present_weight;
                    score += share * points;
                    share
                }
                _ => 0.0,
            };
            Signal {
                id: spec.id.to_string(),
                label: spec.label.to_string(),
                value: m.value,
                display: m.display,
                points: m.points,
                weight: spec.weight,
                effective_weight: effective,
                missing: m.points.is_none(),
            }
        })
        .collect();
    Factor {
        kind,
        weight: kind.weight(),
        score: clamp_points(score),
        missing: present_weight <= 0.0,
        signals,
    }
}

fn specs_of(kind: FactorKind) -> &'static [Spec] {
    match kind {
        FactorKind::Revenue => &REVENUE,
        FactorKind::Consistency => &CONSISTENCY,
        FactorKind::Reliability => &RELIABILITY,
        FactorKind::Growth => &GROWTH,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn rank(mut reasons: Vec<Reason>, keep: usize) -> Vec<Reason> {
    reasons.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then_with(|| a.code.cmp(&b.code))
    });
    reasons.truncate(keep);
    reasons
}

fn explain(factors: &[Factor]) -> (Vec<Reason>, Vec<Reason>) {
    let mut down = Vec::new();
    let mut up = Vec::new();
    for factor in factors {
        for (signal, spec) in factor.signals.iter().zip(specs_of(factor.kind)) {
            let Some(points) = signal.points else {
                continue;
            };
            let share = factor.weight * signal.effective_weight;
            let lost = round1(share * (100.0 - points));
            let earned = round1(share * points);
            if lost >= 0.5 && points < 80.0 {
                down.push(Reason {
                    code: spec.low_code.to_string(),
                    factor: Some(factor.kind),
                    direction: Direction::HoldingDown,
                    impact: lost,
                    message: spec.low.to_string(),
                });
            }
            if earned >= 0.5 && points >= 60.0 {
                up.push(Reason {
                    code: spec.high_code.to_string(),
                    factor: Some(factor.kind),
                    direction: Direction::Helping,
                    impact: earned,
                    message: spec.high.to_string(),
                });
            }
        }
    }
    (rank(down, 4), rank(up, 3))
}

fn confidence_reason(code: &str, message: &str) -> Reason {
    Reason {
        code: code.to_string(),
        factor: None,
        direction: Direction::HoldingDown,
        impact: 0.0,
        message: message.to_string(),
    }
}

/// Minimum verified transactions (paid orders + settled commissions) for HIGH confidence.
pub const ENOUGH_TRANSACTIONS: u64 = 30;

fn assess_confidence(income: &IncomeReport, factors: &[Factor]) -> (Confidence, Vec<Reason>) {
    let mut steps = 0u8;
    let mut reasons = Vec::new();
    let transactions = income.counts.paid_orders + income.counts.affiliate_settled;
    if transactions < 5 {
        steps += 2;
        reasons.push(confidence_reason(
            "CONFIDENCE_VERY_FEW_TRANSACTIONS",
            "There are fewer than 5 verified orders or commissions in the window, so the score rests on very little data.",
        ));
    } else if transactions < ENOUGH_TRANSACTIONS {
        steps += 1;
        reasons.push(confidence_reason(
            "CONFIDENCE_FEW_TRANSACTIONS",
            "There are fewer than 30 verified orders or commissions in the window; more sales history makes the score more reliable.",
        ));
    }
    match income.reconciliation.status {
        ReconciliationStatus::Shortfall => {
            steps += 2;
            reasons.push(confidence_reason(
                "CONFIDENCE_PAYOUT_SHORTFALL",
                "Payouts received are far below the sales reported; the sales could not be matched to money settled.",
            ));
        }
        ReconciliationStatus::Unavailable => {
            steps += 1;
            reasons.push(confidence_reason(
                "CONFIDENCE_PAYOUTS_NOT_VERIFIED",
                "Sales could not be matched to settlements or payouts; granting the finance permission lets us verify them.",
            ));
        }
        ReconciliationStatus::Reconciled | ReconciliationStatus::NotApplicable => {}
    }
    if income
        .sources
        .iter()
        .any(|s| !s.source.missing_scopes.is_empty())
    {
        steps += 1;
        reasons.push(confidence_reason(
            "CONFIDENCE_MISSING_PERMISSIONS",
            "Some data permissions were not granted, so parts of your activity are missing; reconnect and grant every permission.",
        ));
    }
    if income.has_data_warnings() {
        steps += 1;
        reasons.push(confidence_reason(
            "CONFIDENCE_DATA_EXCLUDED",
            "Some records could not be counted (unknown currency, mixed currencies, invalid amounts or dates); they are listed in the income report.",
        ));
    }
    if income.window.days < 60 {
        steps += 1;
        reasons.push(confidence_reason(
            "CONFIDENCE_SHORT_WINDOW",
            "The income window is shorter than 60 days.",
        ));
    }
    if factors.iter().any(|f| f.missing) {
        steps += 1;
        reasons.push(confidence_reason(
            "CONFIDENCE_FACTOR_WITHOUT_DATA",
            "At least one factor had no data at all and scored zero.",
        ));
    }
    let level = match steps {
        0 => Confidence::High,
        1 => Confidence::Medium,
        _ => Confidence::Low,
    };
    (level, reasons)
}

/// Scores an income report. Pure and total: never panics, always 0–100, and the same report
/// always gives the same score and digest.
pub fn compute_score(income: &IncomeReport) -> ScoreReport {
    let factors = vec![
        build_factor(FactorKind::Revenue, &REVENUE, revenue_measures(income)),
        build_factor(
            FactorKind::Consistency,
            &CONSISTENCY,
            consistency_measures(income),
        ),
        build_factor(
            FactorKind::Reliability,
            &RELIABILITY,
            reliability_measures(income),
        ),
        build_factor(FactorKind::Growth, &GROWTH, growth_measures(income)),
    ];
    let raw: f64 = factors.iter().map(|f| f.weight * f.score).sum();
    let score = round1(clamp_points(raw));
    let grade = Grade::from_score(score);
    let (confidence, confidence_reasons) = assess_confidence(income, &factors);
    let (holding_down, helping) = explain(&factors);
    ScoreReport {
        model_version: MODEL_VERSION.to_string(),
        inputs_digest: inputs_digest(income),
        score,
        grade,
        grade_label: grade.label().to_string(),
        confidence,
        confidence_reasons,
        monthly_income_usd: income.usd.monthly_income,
        factors,
        holding_down,
        helping,
    }
}
