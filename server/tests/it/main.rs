//! shopscore's server integration tests: one binary, a `spawn_app()` helper, a fresh database
//! per test, every database test run on SQLite and on PostgreSQL.

mod helpers;

mod connect;
mod engine;
mod front_door;
mod fuzz_smoke;
mod health;
mod insights;
mod pages;
mod sandbox;
mod shares;
mod signer;
mod startup;
mod store;
mod sync;
mod tiktok;
mod wallet;
mod webhooks;
