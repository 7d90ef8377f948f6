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
