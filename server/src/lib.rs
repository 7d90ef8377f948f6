//! The shopscore server: configuration, database, HTTP application, telemetry and the
//! command-line interface. Everything with I/O lives here.

pub mod api_errors;
pub mod attest;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod fleet;
pub mod front;
pub mod fuzzing;
pub mod live;
pub mod load;
pub mod metrics;
pub mod page_cache;
pub mod sandbox;
pub mod secret;
pub mod security;
pub mod serve;
pub mod services;
pub mod shares_api;
pub mod startup;
pub mod sync;
pub mod telemetry;
pub mod tiktok;
pub mod vault;
pub mod webhooks;
