//! "Share with a lender": create a link with its signed credential (the whole report, or only
//! "monthly verified income ≥ $X"), copy it, see when the lender opened it, revoke it. Plain
//! forms: they work without JavaScript (the page reloads with the new share listed).

use leptos::prelude::*;

use super::form::{Field, PostForm};
use super::format::{money, when};
use crate::api::{CreateShare, RevokeShare, ShareItemView, ShareView};

/// The panel, in the dashboard's island; what each link says is rendered on the server
/// ([`share_item`]).
#[component]
pub fn SharePanel(
    /// The links, as the island refreshes them.
    #[prop(into)]
    shares: Signal<Vec<ShareItemView>>,
) -> impl IntoView {
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
                <PostForm action=create read=read_share class="share-form">
                    <label>"Lender" <input type="text" name="lender" required maxlength="80" data-testid="share-lender" /></label>
                    <label>"Days" <input type="number" name="expires_in_days" min="1" max="30" value="30" required data-testid="share-days" /></label>
                    <fieldset>
                        <legend>"What to share"</legend>
                        <label><input type="radio" name="scope" value="full" checked data-testid="share-full" />" The whole report"</label>
                        <label><input type="radio" name="scope" value="threshold" data-testid="share-threshold" />" Only: monthly verified income of at least"</label>
                        <label>"US$ " <input type="number" name="threshold_usd" min="1" step="1" data-testid="share-threshold-usd" /></label>
                    </fieldset>
                    <button type="submit" class="button" data-testid="share-create">"Create the link"</button>
                </PostForm>
                {move || create.value().get().and_then(Result::err).map(|e| view! { <p class="error-text" role="alert" data-testid="share-error">{e.to_string()}</p> })}
            </div>
            <ul class="share-list" data-testid="share-list">
                {move || shares.get().into_iter().map(|s| {
                    let ShareItemView { id, status, body_html } = s;
                    let live = status == "active";
                    view! {
                        <li class="card share" data-testid="share-item" data-status=status>
                            <div class="share-body" inner_html=body_html></div>
                            {live.then(|| view! {
                                <PostForm action=revoke read=|field| Ok(RevokeShare { id: field("id").unwrap_or_default() })>
                                    <input type="hidden" name="id" value=id />
                                    <button type="submit" class="button button-ghost button-sm" data-testid="share-revoke">"Revoke"</button>
                                </PostForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The share form's fields as [`CreateShare`]'s input.
fn read_share(field: Field<'_>) -> Result<CreateShare, String> {
    let days = field("expires_in_days").unwrap_or_default();
    let expires_in_days = days
        .trim()
        .parse()
        .map_err(|_| format!("The number of days is a whole number of days, not \"{days}\"."))?;
    Ok(CreateShare {
        lender: field("lender").unwrap_or_default(),
        expires_in_days,
        scope: field("scope").unwrap_or_default(),
        threshold_usd: field("threshold_usd"),
    })
}

/// A shared link for the dashboard's island, what it says rendered here (on the server).
pub fn share_item(share: ShareView) -> ShareItemView {
    let status = if share.revoked {
        "revoked"
    } else if share.expired {
        "expired"
    } else {
        "active"
    };
    ShareItemView {
        id: share.id.clone(),
        status: status.to_string(),
        body_html: view! { <ShareBody share=share status=status /> }.to_html(),
    }
}

/// Who a link was shared with, what, until when, how often it was opened, and the link.
#[component]
fn ShareBody(share: ShareView, status: &'static str) -> impl IntoView {
    let what = match share.threshold_usd {
        Some(t) => format!("only: monthly verified income ≥ {}", money(t, "USD")),
        None => "the whole report".to_string(),
    };
    let opened = match &share.last_access_at {
        Some(at) => format!("opened {} times, last {}", share.access_count, when(at)),
        None => "not opened yet".to_string(),
    };
    view! {
        <p><strong>{share.lender.clone()}</strong>{format!(" · {what} · until {} · {status}", when(&share.expires_at))}</p>
        <p class="muted" data-testid="share-access">{opened}</p>
        {(status == "active").then(|| view! {
            <label class="share-link">"Link " <input type="text" readonly value=share.url.clone() data-testid="share-url" /></label>
        })}
        <p class="fine-print">"Credential " <code>{share.attestation_uid.clone()}</code></p>
    }
}
