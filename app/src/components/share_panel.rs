//! "Share with a lender": create a link with its signed credential (the whole report, or only
//! "monthly verified income ≥ $X"), copy it, see when the lender opened it, revoke it. Plain
//! forms: they work without JavaScript (the page reloads with the new share listed).

use leptos::prelude::*;

use super::format::{money, when};
use crate::api::{CreateShare, RevokeShare, ShareView};

/// The panel.
#[component]
pub fn SharePanel(shares: Vec<ShareView>) -> impl IntoView {
    let create = ServerAction::<CreateShare>::new();
    let revoke = ServerAction::<RevokeShare>::new();
    Effect::new(move |_| {
        let done = matches!(create.value().get(), Some(Ok(_)))
            || matches!(revoke.value().get(), Some(Ok(())));
        if done {
            #[cfg(feature = "hydrate")]
            crate::web3::reload();
        }
    });
    view! {
        <section class="section share-panel" aria-labelledby="share-title" data-testid="share-panel">
            <h2 id="share-title">"Share with a lender"</h2>
            <div class="card">
                <p>
                    "A link to a read-only report, with a credential signed by shopscore (an EAS off-chain attestation bound to your wallet) that any lender can verify without trusting us. "
                    "Share everything, or only that your monthly verified income reaches an amount."
                </p>
                <ActionForm action=create attr:class="share-form">
                    <label>"Lender" <input type="text" name="lender" required maxlength="80" data-testid="share-lender" /></label>
                    <label>"Days" <input type="number" name="expires_in_days" min="1" max="30" value="30" required data-testid="share-days" /></label>
                    <fieldset>
                        <legend>"What to share"</legend>
                        <label><input type="radio" name="scope" value="full" checked data-testid="share-full" />" The whole report"</label>
                        <label><input type="radio" name="scope" value="threshold" data-testid="share-threshold" />" Only: monthly verified income of at least"</label>
                        <label>"US$ " <input type="number" name="threshold_usd" min="1" step="1" data-testid="share-threshold-usd" /></label>
                    </fieldset>
                    <button type="submit" class="button" data-testid="share-create">"Create the link"</button>
                </ActionForm>
                {move || create.value().get().and_then(Result::err).map(|e| view! { <p class="error-text" role="alert" data-testid="share-error">{e.to_string()}</p> })}
            </div>
            <ul class="share-list" data-testid="share-list">
                {shares.into_iter().map(|s| {
                    let status = if s.revoked { "revoked" } else if s.expired { "expired" } else { "active" };
                    let what = match s.threshold_usd {
                        Some(t) => format!("only: monthly verified income ≥ {}", money(t, "USD")),
                        None => "the whole report".to_string(),
                    };
                    let opened = match &s.last_access_at {
                        Some(at) => format!("opened {} times, last {}", s.access_count, when(at)),
                        None => "not opened yet".to_string(),
                    };
                    let live = status == "active";
                    let id = s.id.clone();
                    view! {
                        <li class="card share" data-testid="share-item" data-status=status>
                            <p><strong>{s.lender.clone()}</strong>{format!(" · {what} · until {} · {status}", when(&s.expires_at))}</p>
                            <p class="muted" data-testid="share-access">{opened}</p>
                            {live.then(|| view! {
                                <label class="share-link">"Link " <input type="text" readonly value=s.url.clone() data-testid="share-url" /></label>
                            })}
                            <p class="fine-print">"Credential " <code>{s.attestation_uid.clone()}</code></p>
                            {live.then(|| view! {
                                <ActionForm action=revoke>
                                    <input type="hidden" name="id" value=id />
                                    <button type="submit" class="button button-ghost button-sm" data-testid="share-revoke">"Revoke"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
