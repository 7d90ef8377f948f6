//! The score dashboard: score and grade, confidence, the four factors with their signals, the
//! reason codes, monthly income and weekly order charts, and each source's share.

use leptos::prelude::*;

use super::charts::BarChart;
use super::format::{money, percent, when};
use crate::api::ScoreView;

fn usd(v: f64) -> String {
    money(v, "USD")
}

fn count(v: f64) -> String {
    format!("{v:.0}")
}

/// The whole score panel.
#[component]
pub fn ScoreDashboard(score: ScoreView) -> impl IntoView {
    let months: Vec<String> = (1..=score.monthly_series_usd.len())
        .map(|i| format!("M{i}"))
        .collect();
    let weeks: Vec<String> = (1..=score.weekly_orders.len())
        .map(|i| format!("W{i}"))
        .collect();
    let weekly: Vec<f64> = score.weekly_orders.iter().map(|w| *w as f64).collect();
    let grade_class = format!("grade grade-{}", score.grade.to_ascii_lowercase());
    let (down, up): (Vec<_>, Vec<_>) = score
        .reasons
        .iter()
        .cloned()
        .partition(|r| r.direction == "negative");
    view! {
        <section class="section score-panel" aria-labelledby="score-title" data-testid="score-dashboard">
            <h2 id="score-title">"Your credit score"</h2>
            <div class="score-grid">
                <div class="card score-card">
                    <p class="score-number" data-testid="score-value">{format!("{:.0}", score.score)}<span class="score-max">" / 100"</span></p>
                    <p class=grade_class data-testid="score-grade">{format!("Grade {} · {}", score.grade, score.grade_label)}</p>
                    <p class="muted" data-testid="score-confidence">{format!("Confidence: {}", score.confidence)}</p>
                    <ul class="confidence-reasons">
                        {score.confidence_reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                    </ul>
                    <p class="fine-print">
                        {format!("Model {} · computed {} · inputs digest ", score.model_version, when(&score.computed_at))}
                        <code title=score.inputs_digest.clone()>{score.inputs_digest.chars().take(12).collect::<String>()}</code>
                    </p>
                </div>
                <div class="card income-card">
                    <h3>"Verified income"</h3>
                    <p class="big-figure" data-testid="monthly-income">{usd(score.monthly_income_usd)}<span class="unit">" / month"</span></p>
                    <p class="muted" data-testid="total-income">{format!("{} over the last {} days", usd(score.total_income_usd), score.period_days)}</p>
                    <p class="muted">{format!("Payout reconciliation: {}", score.reconciliation.replace('_', " "))}</p>
                    {(score.pending_usd > 0.0).then(|| view! {
                        <p class="muted" data-testid="pending-usd">{format!("{} paid but not delivered yet: shown, not counted.", usd(score.pending_usd))}</p>
                    })}
                    {(!score.warnings.is_empty()).then(|| view! {
                        <ul class="warnings" data-testid="data-warnings">
                            {score.warnings.iter().map(|w| view! { <li>{w.text.clone()}" "<code class="reason-code">{w.code.clone()}</code></li> }).collect_view()}
                        </ul>
                    })}
                    <h4>"Sources"</h4>
                    <ul class="shares" data-testid="source-shares">
                        {score.sources.iter().map(|s| {
                            let width = format!("{:.1}", (s.share * 100.0).clamp(0.0, 100.0));
                            view! {
                                <li>
                                    <span class="share-name">{format!("{} ({})", s.name, s.kind)}</span>
                                    <svg class="share-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                                        <rect x="0" y="0" width="100" height="8" rx="4" class="share-track" />
                                        <rect x="0" y="0" width=width height="8" rx="4" class="share-fill" />
                                    </svg>
                                    <span class="share-value">{format!("{} · {}/mo", percent(s.share), usd(s.monthly_income_usd))}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            </div>

            <div class="card reasons-card">
                <h3>"Why this score"</h3>
                <div class="reasons-grid">
                    <div>
                        <h4>"Holding it down"</h4>
                        <ol class="reasons reasons-down" data-testid="reasons-down">
                            {down.into_iter().map(|r| view! { <li>{r.text}" "<code class="reason-code">{r.code}</code></li> }).collect_view()}
                        </ol>
                    </div>
                    <div>
                        <h4>"Helping it"</h4>
                        <ol class="reasons reasons-up" data-testid="reasons-up">
                            {up.into_iter().map(|r| view! { <li>{r.text}" "<code class="reason-code">{r.code}</code></li> }).collect_view()}
                        </ol>
                    </div>
                </div>
            </div>

            <div class="factor-grid">
                {score.factors.iter().map(|f| {
                    let width = format!("{:.1}", f.value.clamp(0.0, 100.0));
                    view! {
                        <div class="card factor" data-testid=format!("factor-{}", f.id)>
                            <h3>{format!("{} · {:.0}% of the score", f.name, f.weight * 100.0)}</h3>
                            <p class="factor-value">{format!("{:.0}", f.value)}<span class="score-max">" / 100"</span></p>
                            <svg class="factor-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                                <rect x="0" y="0" width="100" height="8" rx="4" class="share-track" />
                                <rect x="0" y="0" width=width height="8" rx="4" class="share-fill" />
                            </svg>
                            <table class="signals">
                                <thead><tr><th scope="col">"Signal"</th><th scope="col">"Value"</th><th scope="col">"Points"</th></tr></thead>
                                <tbody>
                                    {f.signals.iter().map(|s| view! {
                                        <tr class:missing=s.missing>
                                            <td>{s.label.clone()}</td>
                                            <td>{if s.missing { "missing".to_string() } else { s.value.clone() }}</td>
                                            <td>{s.points.map(|p| format!("{p:.0}")).unwrap_or_else(|| "—".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                }).collect_view()}
            </div>

            <div class="chart-grid">
                <div class="card"><BarChart title="Verified income per 30 days (USD)" labels=months values=score.monthly_series_usd.clone() format=usd class="chart-income" /></div>
                <div class="card"><BarChart title="Orders per week" labels=weeks values=weekly format=count class="chart-orders" /></div>
            </div>
        </section>
    }
}
