//! The shopscore Leptos app: the shell, the router, pages, components and the server functions
//! that cross the wire. Built twice: with `ssr` into the server and with `hydrate` into wasm.
// The dashboard's view types nest deeply when components are not erased (`--cfg
// erase_components` is set for cargo in .cargo/config.toml; cargo-fuzz replaces RUSTFLAGS).
#![recursion_limit = "256"]

pub mod api;
pub mod codec;
pub mod components;
pub mod error;
#[cfg(feature = "hydrate")]
pub mod live;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod siwe;
#[cfg(feature = "hydrate")]
pub mod web3;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::components::layout::{SiteFooter, SiteHeader};
use crate::pages::{
    dashboard::DashboardPage, landing::LandingPage, not_found::NotFound, share::SharePage,
};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content="shopscore turns verified TikTok Shop sales and affiliate commissions into an income report and credit score lenders can rely on." />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: header, routed pages and footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/shopscore.css" />
        <Title formatter=|text: String| {
            if text.is_empty() { "shopscore".to_string() } else { format!("{text} · shopscore") }
        } />
        <Router>
            <SiteHeader />
            <main id="main" class="main">
                // Async rendering sends each page complete, so it reads the same without JavaScript.
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=LandingPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/share/:token") view=SharePage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

/// The wasm entry point. The pages are rendered on the server only; what a visitor works with
/// (the estimator, sign-in, the connect buttons, the App Store claim, the dashboard's share
/// panel and connections with its live updates, a report's verify button) are islands, each
/// hydrated from its own props by Leptos' island script once this has run.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
