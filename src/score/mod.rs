//! The credit score, model `shopscore-score-1.1.0`: four factors from an [`IncomeReport`], each
//! explained by its signals, combined into a 0–100 score with a grade, a confidence, ranked
//! reasons, the model and income versions and a digest of the inputs.
//!
#![doc = include_str!("../MODEL.md")]

mod confidence;
mod explain;
mod measures;
mod specs;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::digest::canonical_sha256;
use crate::income::{IncomeReport, INCOME_VERSION};
use crate::money::Money;

pub use confidence::ENOUGH_TRANSACTIONS;
pub use measures::revenue_points;

/// The model version recorded with every score. Bump it (and MODEL.md's changelog) whenever a
/// weight, a curve, a signal or a reason changes, so stored scores are never silently rewritten.
pub const MODEL_VERSION: &str = "shopscore-score-1.1.0";

/// Points a missing signal scores at its full weight: a neutral prior, neither reward nor
/// punishment, so that hiding data never pays more than an average result.
pub const NEUTRAL_PRIOR: f64 = 50.0;

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
    /// Points, 0–100 (the neutral prior, 50, when missing).
    pub points: f64,
    /// Nominal weight inside the factor.
    pub weight: f64,
    /// Share of the factor: weight ÷ the weights of the factor's applicable signals (0–1).
    pub effective_weight: f64,
    /// The signal applies but could not be measured: it scored the neutral prior (50).
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
    /// Every applicable signal was missing: the factor scored the prior and confidence drops.
    pub missing: bool,
    /// Share of the factor's weight that went to missing signals (0–1).
    pub missing_weight: f64,
    /// The signals that apply to this borrower, in a fixed order.
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

/// An input the seed's model names but TikTok does not provide: shown, never weighted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnavailableInput {
    /// Stable identifier (e.g. `shopRating`).
    pub id: String,
    /// Plain-language name.
    pub label: String,
    /// Why it is not available.
    pub reason: String,
}

/// The score for one borrower, with everything needed to explain and reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreReport {
    /// [`MODEL_VERSION`] at computation time.
    pub model_version: String,
    /// The income calculation's version ([`INCOME_VERSION`]) of the report scored.
    pub income_version: String,
    /// SHA-256 (hex) of the model version, the income version, the records digest and the
    /// canonical encoding of the income report.
    pub inputs_digest: String,
    /// The income report's digest of the raw record set.
    pub records_digest: String,
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
    /// Inputs that TikTok does not provide, shown as not available.
    pub unavailable_inputs: Vec<UnavailableInput>,
}

impl ScoreReport {
    /// Whether this stored score is what the current model gives for `income`: same model and
    /// income versions, same inputs digest, same score, grade and confidence. A score stored
    /// under another version never reproduces: it is kept as it was, never rewritten.
    pub fn reproduces(&self, income: &IncomeReport) -> bool {
        if self.model_version != MODEL_VERSION || income.income_version != INCOME_VERSION {
            return false;
        }
        let fresh = compute_score(income);
        self.income_version == fresh.income_version
            && self.inputs_digest == fresh.inputs_digest
            && (self.score - fresh.score).abs() < 1e-9
            && self.grade == fresh.grade
            && self.confidence == fresh.confidence
    }
}

/// The digest of a score's inputs under the current model: the model version (as the domain),
/// then the income version, the records digest and the whole income report.
pub fn inputs_digest(income: &IncomeReport) -> String {
    canonical_sha256(
        MODEL_VERSION,
        &(&income.income_version, &income.records_digest, income),
    )
}

/// Scores an income report. Pure and total: never panics, always 0–100, and the same report
/// always gives the same score and digest.
pub fn compute_score(income: &IncomeReport) -> ScoreReport {
    let factors: Vec<Factor> = [
        FactorKind::Revenue,
        FactorKind::Consistency,
        FactorKind::Reliability,
        FactorKind::Growth,
    ]
    .into_iter()
    .map(|kind| explain::build_factor(kind, income))
    .collect();
    let raw: f64 = factors.iter().map(|f| f.weight * f.score).sum();
    let score = explain::round1(measures::clamp_points(raw));
    let grade = Grade::from_score(score);
    let (confidence, confidence_reasons) = confidence::assess(income, &factors);
    let (holding_down, helping) = explain::explain(&factors, income.window.days);
    let has_shop = income
        .sources
        .iter()
        .any(|s| s.source.kind == crate::records::SourceKind::Shop);
    let unavailable_inputs = if has_shop {
        specs::UNAVAILABLE
            .iter()
            .map(|(id, label, reason)| UnavailableInput {
                id: id.to_string(),
                label: label.to_string(),
                reason: reason.to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    ScoreReport {
        model_version: MODEL_VERSION.to_string(),
        income_version: income.income_version.clone(),
        inputs_digest: inputs_digest(income),
        records_digest: income.records_digest.clone(),
        score,
        grade,
        grade_label: grade.label().to_string(),
        confidence,
        confidence_reasons,
        monthly_income_usd: income.usd.monthly_income,
        factors,
        holding_down,
        helping,
        unavailable_inputs,
    }
}
