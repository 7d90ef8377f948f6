//! Reusable components: the page frame, wallet sign-in, the TikTok Shop connect button, the
//! connection manager, the score dashboard and its charts, and the income estimator.

pub mod charts;
pub mod connect_button;
pub mod connections;
pub mod estimator;
pub mod form;
pub mod format;
pub mod insights;
pub mod layout;
pub mod score;
pub mod share_panel;
pub mod wallet;

use leptos::prelude::*;

/// Whether the island around the caller has hydrated: `false` in the server's render, `true`
/// once effects run (they run only in the browser). What needs the wasm bundle is disabled
/// until then, so a click before hydration is not lost.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
