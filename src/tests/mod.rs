//! Cross-module tests: the seed's worked examples (golden), the gaming suite and the
//! properties of income and the score.

pub(crate) mod fixtures;
mod gaming;
mod golden;
mod properties;
mod strategies;
