//! Cross-module tests: the seed's worked examples (golden) and the score's properties.

mod fixtures;
mod golden;
mod properties;
