//! The frame every page shares: header with navigation, sandbox banner, footer.

use leptos::prelude::*;

use crate::api::get_site_info;

/// Site header with the brand and navigation; shows the sandbox banner in sandbox mode.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <SandboxBanner />
        <header class="site-header">
            <nav class="nav" aria-label="Main">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    " shopscore"
                </a>
                <ul class="nav-links">
                    <li><a href="/#how-it-works">"How it works"</a></li>
                    <li><a href="/dashboard">"Dashboard"</a></li>
                </ul>
            </nav>
        </header>
    }
}

/// A banner that says the TikTok Shop data comes from the built-in sandbox.
#[component]
pub fn SandboxBanner() -> impl IntoView {
    let info = crate::codec::OnceResource::new_with_options(get_site_info(), false);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                info.get()
                    .and_then(Result::ok)
                    .filter(|info| info.sandbox)
                    .map(|_| {
                        view! {
                            <div class="sandbox-banner" role="status" data-testid="sandbox-banner">
                                <strong>"Sandbox mode."</strong>
                                " No TikTok Shop app credentials are configured, so shops you connect here are "
                                "test shops served by shopscore's built-in TikTok Shop sandbox. No real data is used."
                            </div>
                        }
                    })
            }}
        </Suspense>
    }
}

/// Site footer.
#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "shopscore reads TikTok Shop data with read-only permissions and never stores buyer details. "
                "Scores are computed by a published, versioned model."
            </p>
        </footer>
    }
}
