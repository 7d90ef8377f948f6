//! The command line: `shopscore serve` (the default) and `shopscore migrate`.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{AppEnv, Settings};
use crate::startup::Application;

/// shopscore: verified TikTok Shop income and a credit score lenders can trust.
#[derive(Parser, Debug)]
#[command(name = "shopscore", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web app (the default). Reads Leptos' LEPTOS_* variables and DESIGN.md's
    /// configuration table.
    Serve {
        /// Address to listen on; defaults to LEPTOS_SITE_ADDR (127.0.0.1:3000).
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Apply the database migrations and exit.
    Migrate,
}

/// Parses the command line and runs the command; prints a start-up failure as one line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    // `.env` is a development convenience; production takes the real environment only.
    let _ = dotenvy::dotenv();
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    crate::telemetry::init(settings.app_env == AppEnv::Production);
    match cli.command.unwrap_or(Command::Serve { addr: None }) {
        Command::Serve { addr } => serve(settings, addr).await,
        Command::Migrate => {
            let db = crate::db::connect(&settings.database_url)
                .await
                .map_err(|e| format!("DATABASE_URL ({}): {e}", settings.database_url.redacted()))?;
            db.migrate()
                .await
                .map_err(|e| format!("DATABASE_URL ({}): {e}", settings.database_url.redacted()))?;
            println!("migrations applied to {}", settings.database_url.redacted());
            Ok(())
        }
    }
}

async fn serve(settings: Settings, addr: Option<SocketAddr>) -> Result<(), String> {
    let conf = leptos::config::get_configuration(None)
        .map_err(|e| format!("LEPTOS_* configuration: {e}"))?;
    let mut options = conf.leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "shopscore".into();
    }
    let addr = addr.unwrap_or(options.site_addr);
    let sandbox = settings.sandbox_mode();
    let app = Application::build(settings, options, addr)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        addr = %addr,
        sandbox,
        "shopscore listening on http://{}",
        addr
    );
    app.run().await.map_err(|e| format!("server error: {e}"))
}
