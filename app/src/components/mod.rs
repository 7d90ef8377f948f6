//! Reusable components: the page frame, the sandbox banner and the income estimator.

pub mod estimator;
pub mod layout;
