//! The shopscore server: configuration, database, HTTP application, telemetry and the
//! command-line interface. Everything with I/O lives here.

pub mod api_errors;
pub mod bench;
pub mod cli;
pub mod config;
pub mod db;
pub mod metrics;
pub mod sandbox;
pub mod security;
pub mod services;
pub mod startup;
pub mod sync;
pub mod telemetry;
pub mod tiktok;
pub mod vault;
pub mod webhooks;
