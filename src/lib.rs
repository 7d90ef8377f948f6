//! shopscore's domain core: money, verified income and the credit score. Pure Rust, no I/O;
//! it builds for the server and for `wasm32-unknown-unknown` so the dashboard shares its types.

pub mod digest;
pub mod income;
pub mod insights;
pub mod money;
pub mod records;
pub mod region;
pub mod score;
pub mod wallet;

#[cfg(test)]
mod tests;
