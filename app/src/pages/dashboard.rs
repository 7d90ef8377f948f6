//! `/dashboard`: the borrower's connections, verified income and score.

use leptos::prelude::*;
use leptos_meta::Title;

/// The dashboard page.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <header class="page-header">
            <h1>"Your dashboard"</h1>
            <p class="muted">"Verified income and your credit score, from the shops you connect."</p>
        </header>
        <section class="card empty-state" data-testid="dashboard-empty" aria-labelledby="empty-title">
            <div class="empty-icon" aria-hidden="true">"🛍"</div>
            <h2 id="empty-title">"No shops connected yet"</h2>
            <p>
                "Connect a TikTok Shop seller account or a creator affiliate account to see your verified "
                "income, your score and the reasons behind it."
            </p>
            <a class="button button-primary" href="/#connect">"Connect TikTok Shop"</a>
        </section>
    }
}
