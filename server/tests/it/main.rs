//! shopscore's server integration tests: one binary, a `spawn_app()` helper, a fresh database
//! per test, every database test run on SQLite and on PostgreSQL.

mod helpers;

mod connect;
mod health;
mod pages;
mod sandbox;
mod signer;
mod startup;
mod store;
mod sync;
mod tiktok;
mod wallet;
mod webhooks;
