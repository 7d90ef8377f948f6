//! Start-up failures are one clear line naming the variable to fix.

use std::process::Command;

use crate::helpers::{leptos_options, test_settings};
use server::startup::Application;

#[tokio::test]
async fn an_unreachable_postgres_stops_start_up_naming_database_url() {
    let settings = test_settings("postgres://postgres@127.0.0.1:1/nothing", &[]);
    let err = Application::build(settings, leptos_options(), "127.0.0.1:0".parse().unwrap())
        .await
        .err()
        .expect("start-up fails");
    let message = err.to_string();
    assert!(
        message.starts_with("DATABASE_URL (postgres://postgres@127.0.0.1:1/nothing):"),
        "{message}"
    );
    assert!(!message.contains('\n'), "one line: {message}");
}

fn run_binary(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shopscore"));
    cmd.args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

#[test]
fn a_malformed_database_url_stops_the_binary_with_one_line() {
    let out = run_binary(
        &["migrate"],
        &[("DATABASE_URL", "mysql://root@localhost/x")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("error: DATABASE_URL:"), "{stderr}");
}

#[test]
fn production_without_secrets_refuses_to_start_and_names_the_variable() {
    let out = run_binary(&["serve"], &[("APP_ENV", "production")]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: TIKTOK_SHOP_APP_KEY is required when APP_ENV=production"),
        "{stderr}"
    );
}

#[test]
fn migrate_creates_the_sqlite_database_and_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/dir/shopscore.db", dir.path().display());
    let out = run_binary(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("nested/dir/shopscore.db").exists());
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/shopscore.db", dir.path().display());
    let data = dir.path().join("data").display().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopscore"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &url)
        .env("DATA_DIR", &data)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("shopscore listening"));
    assert!(listening, "the server announced it was listening");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let reader = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<String>>());
    // A bounded wait: a server that ignores SIGTERM fails the test instead of hanging it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within 30 s of SIGTERM");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(exit.success(), "exit status {exit:?}");
    let rest = reader.join().unwrap();
    assert!(
        rest.iter().any(|l| l.contains("shutdown signal received")),
        "{rest:?}"
    );
}
