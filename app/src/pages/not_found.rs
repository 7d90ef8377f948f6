//! The page for a route that does not exist; answers HTTP 404.

use leptos::prelude::*;
use leptos_meta::Title;

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Page not found" />
        <section class="card not-found" data-testid="not-found">
            <p class="eyebrow">"Error 404"</p>
            <h1>"This page does not exist"</h1>
            <p>"The address may be mistyped, or the page may have moved."</p>
            <div class="hero-actions">
                <a class="button button-primary" href="/">"Go to the home page"</a>
                <a class="button button-ghost" href="/dashboard">"Open your dashboard"</a>
            </div>
        </section>
    }
}
