//! `shopscore bench-load`: the app in-process in sandbox mode on loopback, `--wallets` wallets
//! signed in over SIWE with a sandbox shop connected each (through the consent page and the
//! OAuth callback, as a browser does), then `--clients` concurrent clients driving the
//! dashboard and the JSON API for `--secs` seconds. Prints requests per second, p50 and p99
//! per route and overall, and the errors (any answer but 200, or a transport failure); exits
//! non-zero on any error. Loopback only: it never takes an address to aim at.
//!
//! The per-address rate limits are raised for the run (every client is 127.0.0.1); they are
//! tested on their own (`tests/it/front_door.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use k256::ecdsa::SigningKey;
use sha3::{Digest, Keccak256};

use crate::config::Settings;
use crate::startup::Application;

/// The load's knobs.
#[derive(Debug, Clone)]
pub struct LoadArgs {
    /// Wallets signed in, each with one connected sandbox account.
    pub wallets: usize,
    /// Concurrent clients (client `i` browses as wallet `i % wallets`).
    pub clients: usize,
    /// How long the clients drive, in seconds.
    pub secs: u64,
    /// The paths each client cycles through (default [`ROUTES`]); one path measures one
    /// page's throughput.
    pub routes: Vec<String>,
    /// The clients browse as visitors: no cookies, nobody signed in (the wallets are still
    /// set up, so the app holds the same data).
    pub visitors: bool,
}

/// The pages and answers each client cycles through by default: what a signed-in borrower's
/// browser and a lender's tooling read.
pub const ROUTES: [&str; 4] = [
    "/dashboard",
    "/api/score",
    "/api/connections",
    "/api/insights",
];

/// The sandbox accounts the wallets connect, in turn: (persona, account kind).
const PERSONAS: [(&str, &str); 3] = [
    ("hybrid", "seller"),
    ("steady-seller", "seller"),
    ("creator-fashion", "creator"),
];

/// A wallet's key: signs EIP-191 `personal_sign` messages.
pub struct Wallet {
    key: SigningKey,
}

impl Wallet {
    /// A deterministic wallet from `seed` (any seed gives a valid key).
    pub fn from_seed(seed: u64) -> Wallet {
        let mut counter = 0u64;
        loop {
            let bytes = Keccak256::digest(format!("shopscore-load-{seed}-{counter}").as_bytes());
            if let Ok(key) = SigningKey::from_bytes(&bytes) {
                return Wallet { key };
            }
            counter += 1;
        }
    }

    /// A wallet from a 32-byte private key.
    pub fn from_key(bytes: [u8; 32]) -> Option<Wallet> {
        SigningKey::from_bytes(&bytes.into())
            .ok()
            .map(|key| Wallet { key })
    }

    /// The EIP-55 checksummed address.
    pub fn address(&self) -> String {
        let point = self.key.verifying_key().to_encoded_point(false);
        let hash = Keccak256::digest(&point.as_bytes()[1..]);
        let mut address = [0u8; 20];
        address.copy_from_slice(&hash[12..]);
        siwe::eip55(&address)
    }

    /// `personal_sign`: r ‖ s ‖ v (27/28), `0x`-hex.
    pub fn sign(&self, message: &str) -> String {
        let prefixed = format!("\x19Ethereum Signed Message:\n{}{}", message.len(), message);
        let digest = Keccak256::digest(prefixed.as_bytes());
        let (signature, recovery) = self
            .key
            .sign_prehash_recoverable(&digest)
            .expect("a prehash of 32 bytes signs");
        let mut bytes = signature.to_bytes().to_vec();
        bytes.push(27 + recovery.to_byte());
        format!("0x{}", hex::encode(bytes))
    }
}

/// The standard EIP-4361 text the sign-in button asks a wallet to sign, for `chain_id`.
pub fn siwe_message(
    domain: &str,
    uri: &str,
    address: &str,
    nonce: &str,
    issued_at: &str,
    chain_id: u64,
) -> String {
    format!(
        "{domain} wants you to sign in with your Ethereum account:\n{address}\n\nSign in to shopscore to see your verified income.\n\nURI: {uri}\nVersion: 1\nChain ID: {chain_id}\nNonce: {nonce}\nIssued At: {issued_at}"
    )
}

/// Latencies of one route, in microseconds.
#[derive(Debug, Default, Clone)]
struct Samples {
    micros: Vec<u32>,
    errors: u64,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub wallets: usize,
    pub clients: usize,
    pub elapsed_s: f64,
    /// `(route, requests, p50 ms, p99 ms, errors)`.
    pub routes: Vec<(String, u64, f64, f64, u64)>,
    pub requests: u64,
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    /// The first few errors, said.
    pub first_errors: Vec<String>,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "wallets {}", self.wallets)?;
        writeln!(f, "clients {}", self.clients)?;
        writeln!(f, "elapsed_s {:.1}", self.elapsed_s)?;
        for (route, requests, p50, p99, errors) in &self.routes {
            writeln!(
                f,
                "route {route} requests {requests} p50_ms {p50:.2} p99_ms {p99:.2} errors {errors}"
            )?;
        }
        writeln!(f, "requests {}", self.requests)?;
        writeln!(f, "requests_per_s {:.0}", self.requests_per_s)?;
        writeln!(f, "p50_ms {:.2}", self.p50_ms)?;
        writeln!(f, "p99_ms {:.2}", self.p99_ms)?;
        for error in &self.first_errors {
            writeln!(f, "error {error}")?;
        }
        write!(f, "errors {}", self.errors)
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1]) / 1000.0
}

/// Runs the load.
pub async fn run(args: LoadArgs) -> Result<LoadReport, String> {
    if args.wallets == 0 || args.clients == 0 {
        return Err("--wallets and --clients must be at least 1".into());
    }
    if let Some(bad) = args.routes.iter().find(|r| !r.starts_with('/')) {
        return Err(format!("--route {bad}: a path on the app, starting with /"));
    }
    if args.routes.iter().any(|r| r.starts_with("/api/live")) {
        return Err(
            "--route /api/live: the live stream never ends; it is not a request to time".into(),
        );
    }
    let dir = std::env::temp_dir().join(format!(
        "shopscore-load-{}",
        hex::encode(rand::random::<[u8; 6]>())
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("data directory: {e}"))?;
    let result = run_in(&args, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_in(args: &LoadArgs, dir: &std::path::Path) -> Result<LoadReport, String> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| format!("listener: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("listener: {e}"))?
        .port();
    let origin = format!("http://127.0.0.1:{port}");
    let vars: Vec<(&str, String)> = vec![
        ("APP_URL", origin.clone()),
        ("DATA_DIR", dir.display().to_string()),
        (
            "DATABASE_URL",
            format!("sqlite://{}/load.db", dir.display()),
        ),
        ("CONNECT_WAIT_SECS", "60".into()),
        ("RATE_LIMIT_NONCE_PER_MIN", "1000000".into()),
        ("RATE_LIMIT_SIGN_IN_PER_MIN", "1000000".into()),
        ("RATE_LIMIT_AUTHORIZE_PER_MIN", "1000000".into()),
        ("RATE_LIMIT_CALLBACK_PER_MIN", "1000000".into()),
    ];
    let settings = Settings::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .map_err(|e| format!("settings: {e}"))?;
    let conf = leptos::config::get_configuration(None)
        .map_err(|e| format!("LEPTOS_* configuration: {e}"))?;
    let mut options = conf.leptos_options;
    if options.output_name.is_empty() {
        options.output_name = "shopscore".into();
    }
    let app = Application::build_on(settings, options, listener)
        .await
        .map_err(|e| e.to_string())?;
    let stop = Arc::new(tokio::sync::Notify::new());
    let server = {
        let stop = stop.clone();
        tokio::spawn(app.run_until(async move { stop.notified().await }))
    };

    eprintln!(
        "signing in {} wallets and connecting their sandbox accounts…",
        args.wallets
    );
    let mut jars = Vec::with_capacity(args.wallets);
    for i in 0..args.wallets {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = client_with(&jar)?;
        let wallet = Wallet::from_seed(i as u64);
        let (persona, account) = PERSONAS[i % PERSONAS.len()];
        prepare(&client, &origin, &wallet, persona, account)
            .await
            .map_err(|e| format!("wallet {i} ({persona}): {e}"))?;
        jars.push(jar);
    }

    eprintln!("driving {} clients for {} s…", args.clients, args.secs);
    let routes: Arc<Vec<String>> = Arc::new(if args.routes.is_empty() && args.visitors {
        // A visitor reads the public pages only.
        vec!["/".to_string()]
    } else if args.routes.is_empty() {
        ROUTES.iter().map(|r| r.to_string()).collect()
    } else {
        args.routes.clone()
    });
    let running = Arc::new(AtomicBool::new(true));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.clients);
    for i in 0..args.clients {
        let client = if args.visitors {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| format!("HTTP client: {e}"))?
        } else {
            client_with(&jars[i % jars.len()])?
        };
        let running = running.clone();
        let origin = origin.clone();
        let routes = routes.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = vec![Samples::default(); routes.len()];
            let mut errors = Vec::new();
            let mut turn = i;
            while running.load(Ordering::Relaxed) {
                let which = turn % routes.len();
                turn += 1;
                let sent = Instant::now();
                let outcome = match client
                    .get(format!("{origin}{}", routes[which]))
                    .send()
                    .await
                {
                    Ok(res) if res.status() == 200 => {
                        res.bytes().await.map(|_| ()).map_err(|e| e.to_string())
                    }
                    Ok(res) => Err(format!("answered {}", res.status())),
                    Err(e) => Err(e.to_string()),
                };
                let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                match outcome {
                    Ok(()) => samples[which].micros.push(micros),
                    Err(e) => {
                        samples[which].errors += 1;
                        if errors.len() < 3 {
                            errors.push(format!("{}: {e}", routes[which]));
                        }
                    }
                }
            }
            (samples, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(args.secs)).await;
    running.store(false, Ordering::Relaxed);
    let mut per_route = vec![Samples::default(); routes.len()];
    let mut first_errors = Vec::new();
    for task in tasks {
        let (samples, errors) = task.await.map_err(|e| format!("a client failed: {e}"))?;
        for (all, one) in per_route.iter_mut().zip(samples) {
            all.micros.extend(one.micros);
            all.errors += one.errors;
        }
        first_errors.extend(
            errors
                .into_iter()
                .take(3usize.saturating_sub(first_errors.len())),
        );
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    stop.notify_one();
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;

    let mut all: Vec<u32> = Vec::new();
    let mut by_route = Vec::new();
    let mut errors = 0;
    for (route, samples) in routes.iter().zip(per_route.iter_mut()) {
        samples.micros.sort_unstable();
        by_route.push((
            route.to_string(),
            samples.micros.len() as u64 + samples.errors,
            percentile(&samples.micros, 0.50),
            percentile(&samples.micros, 0.99),
            samples.errors,
        ));
        errors += samples.errors;
        all.extend_from_slice(&samples.micros);
    }
    all.sort_unstable();
    let requests = all.len() as u64 + errors;
    Ok(LoadReport {
        wallets: args.wallets,
        clients: args.clients,
        elapsed_s,
        routes: by_route,
        requests,
        requests_per_s: requests as f64 / elapsed_s,
        p50_ms: percentile(&all, 0.50),
        p99_ms: percentile(&all, 0.99),
        errors,
        first_errors,
    })
}

fn client_with(jar: &Arc<reqwest::cookie::Jar>) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar.clone())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))
}

/// Signs `wallet` in on `client`'s cookies and connects `persona` through the consent page.
async fn prepare(
    client: &reqwest::Client,
    origin: &str,
    wallet: &Wallet,
    persona: &str,
    account: &str,
) -> Result<(), String> {
    let json = |res: reqwest::Response| async move {
        let status = res.status();
        let text = res.text().await.map_err(|e| e.to_string())?;
        if status != 200 {
            return Err(format!("answered {status}: {text}"));
        }
        serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())
    };
    let get = |path: String| client.get(format!("{origin}{path}")).send();
    let nonce = json(
        get("/api/wallet/nonce".into())
            .await
            .map_err(|e| e.to_string())?,
    )
    .await?;
    let nonce = nonce["nonce"].as_str().ok_or("no nonce")?;
    let issued_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| e.to_string())?;
    let domain = origin.trim_start_matches("http://");
    let message = siwe_message(
        domain,
        origin,
        &wallet.address(),
        nonce,
        &issued_at,
        app::siwe::CHAIN_ID,
    );
    let signed = client
        .post(format!("{origin}/api/wallet/verify"))
        .header("origin", origin)
        .json(&serde_json::json!({ "message": message, "signature": wallet.sign(&message) }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    json(signed).await.map_err(|e| format!("sign-in: {e}"))?;

    let auth = json(
        get(format!(
            "/api/tiktokshop/auth?wallet={}&account={account}&market=global",
            wallet.address()
        ))
        .await
        .map_err(|e| e.to_string())?,
    )
    .await?;
    let auth_url = auth["authUrl"].as_str().ok_or("no authUrl")?;
    let page = client
        .get(auth_url)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let mut form = hidden_fields(&page);
    form.push(("persona".into(), persona.into()));
    let action = form_action(&page).ok_or("no consent form")?;
    let target = url::Url::parse(auth_url)
        .and_then(|u| u.join(&action))
        .map_err(|e| e.to_string())?;
    let consent = client
        .post(target)
        .header("origin", origin)
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let callback = consent
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("consent answered {}", consent.status()))?
        .to_string();
    let back = client
        .get(&callback)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let dashboard = back
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !dashboard.contains("tiktokshop_connected") {
        return Err(format!("the callback sent the browser to {dashboard:?}"));
    }
    Ok(())
}

/// `<input type="hidden" name="…" value="…">` pairs of a page.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(r#"<input type="hidden" name=""#) {
        rest = &rest[at + r#"<input type="hidden" name=""#.len()..];
        let Some((name, after)) = rest.split_once('"') else {
            break;
        };
        let Some(after) = after.strip_prefix(r#" value=""#) else {
            continue;
        };
        let Some((value, _)) = after.split_once('"') else {
            break;
        };
        fields.push((name.to_string(), value.replace("&amp;", "&")));
    }
    fields
}

/// The `action` of a page's first `<form method="post">`.
fn form_action(html: &str) -> Option<String> {
    let start =
        html.find(r#"<form method="post" action=""#)? + r#"<form method="post" action=""#.len();
    let (action, _) = html[start..].split_once('"')?;
    Some(action.replace("&amp;", "&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardhats_first_account_has_its_well_known_address() {
        let key = hex::decode("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
            .unwrap();
        let wallet = Wallet::from_key(key.try_into().unwrap()).unwrap();
        assert_eq!(
            wallet.address(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
    }

    #[test]
    fn the_consent_form_is_read_like_a_browser_reads_it() {
        let html = r#"<form method="post" action="/oauth/consent?a=1&amp;b=2"><input type="hidden" name="state" value="x&amp;y"><input type="hidden" name="app_key" value="k"></form>"#;
        assert_eq!(
            hidden_fields(html),
            vec![
                ("state".to_string(), "x&y".to_string()),
                ("app_key".to_string(), "k".to_string())
            ]
        );
        assert_eq!(form_action(html).as_deref(), Some("/oauth/consent?a=1&b=2"));
    }

    #[test]
    fn percentiles_are_ranks_of_the_sorted_samples() {
        let samples: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile(&samples, 0.50), 50.0);
        assert_eq!(percentile(&samples, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.99), 0.0);
    }
}
