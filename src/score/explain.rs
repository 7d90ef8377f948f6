//! Factors from measures (applicable signals only, the neutral prior for missing ones) and the
//! ranked reasons: each signal appears once, as holding the score down (points below 70) or as
//! helping (70 or more); a missing signal is a reason of its own ("not measured").

use super::measures::{self, clamp_points, Measure};
use super::specs::{specs_of, Applies, Spec};
use super::{Direction, Factor, FactorKind, Reason, Signal, NEUTRAL_PRIOR};
use crate::income::IncomeReport;
use crate::records::SourceKind;

/// Points at which a signal stops holding the score down and starts helping it.
pub const HELPING_FROM: f64 = 70.0;
/// Reasons worth less than this many score points are not listed.
const MIN_IMPACT: f64 = 0.5;

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn measures_of(kind: FactorKind, income: &IncomeReport) -> Vec<Measure> {
    match kind {
        FactorKind::Revenue => measures::revenue(income),
        FactorKind::Consistency => measures::consistency(income),
        FactorKind::Reliability => measures::reliability(income),
        FactorKind::Growth => measures::growth(income),
    }
}

fn applies(spec: &Spec, income: &IncomeReport) -> bool {
    let has = |kind| income.sources.iter().any(|s| s.source.kind == kind);
    match spec.applies {
        Applies::Always => true,
        Applies::Shops => has(SourceKind::Shop),
        Applies::Creators => has(SourceKind::Creator),
    }
}

/// A factor over the signals that apply to this borrower.
pub(crate) fn build_factor(kind: FactorKind, income: &IncomeReport) -> Factor {
    assemble(kind, specs_of(kind), measures_of(kind, income), |spec| {
        applies(spec, income)
    })
}

pub(crate) fn assemble(
    kind: FactorKind,
    specs: &[Spec],
    measures: Vec<Measure>,
    applies: impl Fn(&Spec) -> bool,
) -> Factor {
    let chosen: Vec<(&Spec, Measure)> = specs
        .iter()
        .zip(measures)
        .filter(|(spec, _)| applies(spec))
        .collect();
    let total_weight: f64 = chosen.iter().map(|(s, _)| s.weight).sum();
    let mut score = 0.0;
    let mut missing_weight = 0.0;
    let signals: Vec<Signal> = chosen
        .into_iter()
        .map(|(spec, m)| {
            let share = if total_weight > 0.0 {
                spec.weight / total_weight
            } else {
                0.0
            };
            let missing = m.points.is_none();
            let points = m.points.map_or(NEUTRAL_PRIOR, clamp_points);
            if missing {
                missing_weight += share;
            }
            score += share * points;
            Signal {
                id: spec.id.to_string(),
                label: spec.label.to_string(),
                value: m.value,
                display: m.display,
                points,
                weight: spec.weight,
                effective_weight: share,
                missing,
            }
        })
        .collect();
    Factor {
        kind,
        weight: kind.weight(),
        score: clamp_points(score),
        missing: !signals.is_empty() && signals.iter().all(|s| s.missing),
        missing_weight: missing_weight.clamp(0.0, 1.0),
        signals,
    }
}

/// `onTimeDelivery` → `NOT_MEASURED_ON_TIME_DELIVERY`.
pub(crate) fn not_measured_code(id: &str) -> String {
    let mut code = String::from("NOT_MEASURED_");
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            code.push('_');
        }
        code.push(c.to_ascii_uppercase());
    }
    code
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

/// The ranked reasons: at most four holding the score down and three helping.
pub(crate) fn explain(factors: &[Factor], days: u32) -> (Vec<Reason>, Vec<Reason>) {
    let mut down = Vec::new();
    let mut up = Vec::new();
    let words = |text: &str| text.replace("{days}", &days.to_string());
    for factor in factors {
        let specs = specs_of(factor.kind);
        for signal in &factor.signals {
            let Some(spec) = specs.iter().find(|s| s.id == signal.id) else {
                continue;
            };
            let share = factor.weight * signal.effective_weight;
            let lost = round1(share * (100.0 - signal.points));
            let earned = round1(share * signal.points);
            if signal.missing {
                if lost >= MIN_IMPACT {
                    down.push(Reason {
                        code: not_measured_code(spec.id),
                        factor: Some(factor.kind),
                        direction: Direction::HoldingDown,
                        impact: lost,
                        message: format!(
                            "We could not measure \"{}\" from the data TikTok returned ({}); it counts as average until it can be measured.",
                            spec.label, signal.display
                        ),
                    });
                }
            } else if signal.points < HELPING_FROM {
                if lost >= MIN_IMPACT {
                    down.push(Reason {
                        code: spec.low_code.to_string(),
                        factor: Some(factor.kind),
                        direction: Direction::HoldingDown,
                        impact: lost,
                        message: words(spec.low),
                    });
                }
            } else if earned >= MIN_IMPACT {
                up.push(Reason {
                    code: spec.high_code.to_string(),
                    factor: Some(factor.kind),
                    direction: Direction::Helping,
                    impact: earned,
                    message: words(spec.high),
                });
            }
        }
    }
    (rank(down, 4), rank(up, 3))
}
