//! `/share/{token}`: the lender's read-only report: the score, grade, confidence and reasons,
//! verified income by month and by source, reconciliation, the connections' freshness, the
//! model version and inputs digest, and the signed credential with a "verify" button;
//! downloads as JSON and CSV; prints as a clean page. A threshold share shows only its claim.
//! A revoked or expired link answers 410.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{get_shared_report, SharedReport};
use crate::components::charts::BarChart;
use crate::components::format::{money, percent, when};
use crate::error::AppError;

fn usd(v: f64) -> String {
    money(v, "USD")
}

/// The page.
#[component]
pub fn SharePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let report = crate::codec::Resource::new_with_options(token, get_shared_report, false);
    view! {
        <Title text="Verified income report" />
        <Suspense fallback=|| view! { <p class="muted">"Loading the report…"</p> }>
            {move || report.get().map(|result| match result {
                Ok(r) => view! { <Report report=r /> }.into_any(),
                Err(AppError::Gone) => view! {
                    <section class="card" data-testid="share-gone">
                        <h1>"This link is no longer valid"</h1>
                        <p>"The borrower revoked it, or it expired. Ask them for a new one."</p>
                    </section>
                }.into_any(),
                Err(_) => view! {
                    <section class="card" data-testid="share-missing">
                        <h1>"No report here"</h1>
                        <p>"This link is not one shopscore issued. Check that it was copied whole."</p>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Report(report: SharedReport) -> impl IntoView {
    let SharedReport {
        lender,
        threshold_usd,
        score,
        wallet,
        freshness,
        attestation,
        attestation_uid,
        created_at,
        expires_at,
        ..
    } = report;
    let json = serde_json::to_string_pretty(&attestation).unwrap_or_default();
    let signer = attestation["signer"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    view! {
        <article class="lender-report" data-testid="lender-report">
            <header class="page-header">
                <h1>"Verified income report"</h1>
                <p class="muted">{format!("Shared with {lender} on {} · valid until {}", when(&created_at), when(&expires_at))}</p>
                <p class="muted">"Borrower's wallet " <code data-testid="report-wallet">{wallet.clone()}</code></p>
            </header>
            {match (score, threshold_usd) {
                (Some(s), _) => {
                    let months: Vec<String> = (1..=s.monthly_series_usd.len()).map(|i| format!("M{i}")).collect();
                    view! {
                        <section class="score-grid">
                            <div class="card score-card">
                                <p class="score-number" data-testid="report-score">{format!("{:.0}", s.score)}<span class="score-max">" / 100"</span></p>
                                <p class="grade">{format!("Grade {} · {}", s.grade, s.grade_label)}</p>
                                <p class="muted" data-testid="report-confidence">{format!("Confidence: {}", s.confidence)}</p>
                                <ul class="confidence-reasons">{s.confidence_reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
                            </div>
                            <div class="card income-card">
                                <h2>"Verified income"</h2>
                                <p class="big-figure" data-testid="report-monthly-income">{usd(s.monthly_income_usd)}<span class="unit">" / month"</span></p>
                                <p class="muted">{format!("{} over the last {} days", usd(s.total_income_usd), s.period_days)}</p>
                                <p class="muted">{format!("Payout reconciliation: {}", s.reconciliation.replace('_', " "))}</p>
                                <table class="data-table">
                                    <caption>"By source"</caption>
                                    <thead><tr><th scope="col">"Source"</th><th scope="col">"Share"</th><th scope="col">"Monthly"</th></tr></thead>
                                    <tbody>{s.sources.iter().map(|src| view! {
                                        <tr><th scope="row">{format!("{} ({})", src.name, src.kind)}</th><td>{percent(src.share)}</td><td>{usd(src.monthly_income_usd)}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            </div>
                        </section>
                        <section class="card">
                            <BarChart title="Verified income per 30 days (USD)" labels=months values=s.monthly_series_usd.clone() format=usd class="chart-income" />
                        </section>
                        <section class="card">
                            <h2>"Why this score"</h2>
                            <ol class="reasons">{s.reasons.iter().map(|r| view! { <li>{r.text.clone()}" "<code class="reason-code">{r.code.clone()}</code></li> }).collect_view()}</ol>
                            <p class="fine-print">{format!("Model {} · computed {} · inputs digest ", s.model_version, when(&s.computed_at))}<code data-testid="report-digest">{s.inputs_digest.clone()}</code></p>
                        </section>
                    }.into_any()
                }
                (None, threshold) => view! {
                    <section class="card" data-testid="report-threshold">
                        <h2>"Claim"</h2>
                        <p class="big-figure">{format!("Monthly verified income of at least {}", usd(threshold.unwrap_or(0.0)))}</p>
                        <p class="muted">"The borrower chose to share only this. The credential below attests it."</p>
                    </section>
                }.into_any(),
            }}
            <section class="card" data-testid="report-freshness">
                <h2>"Connections now"</h2>
                <ul>{freshness.into_iter().map(|f| view! {
                    <li data-stale=f.stale.to_string()>
                        <strong>{f.name}</strong>{format!(" ({}) · {} · ", f.kind, f.status)}
                        {f.last_synced_at.map(|t| format!("last synced {} · ", when(&t))).unwrap_or_default()}
                        {f.note}
                    </li>
                }).collect_view()}</ul>
            </section>
            <section class="card attestation" data-testid="report-attestation">
                <h2>"Credential"</h2>
                <p>"An Ethereum Attestation Service off-chain attestation (EIP-712, version 2) signed by shopscore's attester "<code>{signer}</code>" for the wallet above. Verify it with the EAS SDK, easscan or any EIP-712 library, or here:"</p>
                <VerifyAttestation attestation=attestation.to_string() />
                <p class="fine-print">"UID " <code>{attestation_uid}</code></p>
                <details><summary>"The attestation (JSON)"</summary><pre class="attestation-json" data-testid="report-attestation-json">{json}</pre></details>
                <p class="no-print">
                    <a href=format!("{path}/report.json") data-testid="report-json">"Download as JSON"</a>
                    " · "
                    <a href=format!("{path}/report.csv") data-testid="report-csv">"Download as CSV"</a>
                </p>
            </section>
        </article>
    }
}

/// The report's verify button: an island on the otherwise static report.
#[island]
fn VerifyAttestation(
    /// The attestation, as the JSON text the verifier reads.
    attestation: String,
) -> impl IntoView {
    let (verified, set_verified) = signal(None::<String>);
    let hydrated = crate::components::hydrated();
    let verify = move |_| {
        let body = attestation.clone();
        leptos::task::spawn_local(async move {
            let text = verify_in_browser(body).await;
            set_verified.set(Some(text));
        });
    };
    view! {
        <p><button type="button" class="button no-print" on:click=verify
               disabled=move || !hydrated.get() data-testid="report-verify">"Verify"</button>
           " " <span data-testid="report-verify-result" role="status">{move || verified.get().unwrap_or_default()}</span></p>
    }
}

/// What `/api/attestations/verify` answers.
#[cfg(feature = "hydrate")]
#[derive(serde::Deserialize)]
struct Verdict {
    valid: bool,
    #[serde(default)]
    reason: Option<String>,
}

/// Posts the attestation to `/api/attestations/verify` and says what came back.
async fn verify_in_browser(attestation: String) -> String {
    #[cfg(feature = "hydrate")]
    {
        match crate::web3::post_json("/api/attestations/verify", &attestation).await {
            Ok(text) => match serde_json::from_slice::<Verdict>(text.as_bytes()) {
                Ok(v) if v.valid => {
                    "Valid: signed by shopscore's attester, not expired, not revoked.".to_string()
                }
                Ok(v) => format!(
                    "Not valid: {}",
                    v.reason.as_deref().unwrap_or("unknown reason")
                ),
                Err(_) => "The verifier's answer could not be read.".to_string(),
            },
            Err(e) => format!("The verifier could not be reached: {e}"),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = attestation;
        String::new()
    }
}
