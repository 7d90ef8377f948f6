//! The front door, from outside, on a default local run: metrics nobody can grow or read
//! without the token, rate limits, CSRF refusals, no-store answers, security headers, a
//! half-sent request dropped, session lifetimes and "sign out everywhere".

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{new_client, spawn_app, spawn_app_beside, spawn_app_with, Db, TestApp};
use crate::on_both_databases;
use crate::signer::TestWallet;

async fn metrics(app: &TestApp) -> String {
    app.client
        .get(app.url("/metrics"))
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn made_up_methods_do_not_grow_the_metrics_and_metrics_are_not_public() {
    let app = spawn_app_with(Db::Sqlite, &[("METRICS_TOKEN", "scrape-me")]).await;
    assert_eq!(
        app.get("/metrics").await.status(),
        401,
        "no token, no metrics"
    );
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let made_up = |from: usize| {
        let app = &app;
        async move {
            for i in from..from + 300 {
                let method = reqwest::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
                app.client
                    .request(method, app.url(&format!("/made/up/path/{i}")))
                    .send()
                    .await
                    .unwrap();
            }
        }
    };
    metrics(&app).await; // the scrape's own series exist from here on
    made_up(0).await;
    let after_300 = metrics(&app).await;
    assert!(!after_300.contains("MADEUP"), "{after_300}");
    assert!(
        !after_300.contains("/made/up"),
        "raw paths never become labels"
    );
    assert!(after_300.contains("method=\"other\""), "{after_300}");
    made_up(300).await;
    let after_600 = metrics(&app).await;
    let series = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                l.rsplit_once(' ')
                    .map(|(name, _)| name.to_string())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        series(&after_300),
        series(&after_600),
        "300 more made-up methods and paths add no series"
    );
}

#[tokio::test]
async fn without_a_token_or_address_metrics_are_not_served_at_all() {
    let app = spawn_app(Db::Sqlite).await;
    assert_eq!(app.get("/metrics").await.status(), 404);
}

#[tokio::test]
async fn four_hundred_nonce_requests_from_one_address_are_throttled() {
    let app = spawn_app(Db::Sqlite).await;
    let mut ok = 0;
    let mut limited = None;
    for _ in 0..400 {
        let res = new_client()
            .get(app.url("/api/wallet/nonce"))
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            200 => ok += 1,
            429 => {
                limited.get_or_insert(res);
            }
            other => panic!("answered {other}"),
        }
    }
    assert!(
        (20..=30).contains(&ok),
        "about the minute's budget (20) was served: {ok}"
    );
    let limited = limited.expect("the rest were throttled");
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("Too many requests"));
}

#[tokio::test]
async fn behind_a_proxy_the_configured_header_names_the_client() {
    let app = spawn_app_with(
        Db::Sqlite,
        &[
            ("CLIENT_IP_HEADER", "x-forwarded-for"),
            ("RATE_LIMIT_NONCE_PER_MIN", "2"),
        ],
    )
    .await;
    let nonce = |ip: &'static str| {
        new_client()
            .get(app.url("/api/wallet/nonce"))
            .header("x-forwarded-for", ip)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(nonce("203.0.113.1").await.unwrap().status(), 200);
    }
    assert_eq!(nonce("203.0.113.1").await.unwrap().status(), 429);
    assert_eq!(
        nonce("203.0.113.2").await.unwrap().status(),
        200,
        "another client has its own budget"
    );
}

async fn cross_site_writes_are_refused(db: Db) {
    let app = spawn_app(db).await;
    let body = serde_json::json!({ "message": "x", "signature": "0x00" });
    let post = || new_client().post(app.url("/api/wallet/verify"));
    let foreign = post()
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let plain = post()
        .header("origin", "https://evil.example")
        .header("content-type", "text/plain")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 403);
    let plain_same_site = post()
        .header("origin", &app.address)
        .header("content-type", "text/plain")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        plain_same_site.status(),
        403,
        "a text/plain write is refused even from our origin"
    );
    let fetch_metadata = post()
        .header("sec-fetch-site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_metadata.status(), 403);
    let ours = post()
        .header("origin", &app.address)
        .header("sec-fetch-site", "same-origin")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ours.status(),
        400,
        "our own page's write reaches the sign-in (which refuses the message)"
    );
    // The OAuth callback is a top-level GET from TikTok's site: never refused as cross-site.
    let callback = new_client()
        .get(app.url("/api/tiktokshop/callback?code=c&state=unknown"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert!(callback.status().is_redirection(), "{}", callback.status());
    assert!(callback.headers()["location"]
        .to_str()
        .unwrap()
        .contains("tiktokshop_error=state_invalid"));
}

async fn personal_answers_are_never_cached_and_security_headers_are_set(db: Db) {
    let app = spawn_app(db).await;
    let wallet = TestWallet::new(7);
    app.sign_in(&wallet).await;
    for path in [
        "/",
        "/dashboard",
        "/api/connections",
        "/api/score",
        "/api/wallet/me",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        let headers = res.headers();
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert_eq!(
            headers["cross-origin-opener-policy"], "same-origin",
            "{path}"
        );
        assert_eq!(
            headers["cross-origin-resource-policy"], "same-origin",
            "{path}"
        );
        assert!(headers.contains_key("permissions-policy"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over plain http"
        );
    }
    let visitors = new_client().get(app.url("/")).send().await.unwrap();
    assert_eq!(visitors.status(), 200);
    assert!(
        !visitors.headers().contains_key("cache-control"),
        "the visitors' landing page shows nothing personal"
    );
}

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_secure_and_hsts_is_sent() {
    let app = spawn_app_with(Db::Sqlite, &[("APP_URL", "https://shopscore.example")]).await;
    let res = app.get("/api/wallet/nonce").await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-shopscore_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain="),
        "{cookie}"
    );
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    let plain = spawn_app(Db::Sqlite).await;
    let res = plain.get("/api/wallet/nonce").await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("shopscore_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_half_sent_request_is_dropped() {
    let app = spawn_app_with(Db::Sqlite, &[("HEADER_READ_TIMEOUT_SECS", "1")]).await;
    let mut socket = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    socket
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let mut buf = [0u8; 512];
    // The server closes the connection (perhaps after a 408); it never waits for the rest.
    // With a 1-second header timeout it is gone within seconds (hyper's default would be 30).
    let read = tokio::time::timeout(Duration::from_secs(6), async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the half-sent request was still open after 30 s"
    );
}

async fn an_anonymous_session_is_short_and_a_signed_in_one_has_an_absolute_end(db: Db) {
    let app = spawn_app(db).await;
    let res = app.get("/api/wallet/nonce").await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    let max_age: i64 = cookie
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Max-Age="))
        .map(|v| v.parse().unwrap())
        .or_else(|| {
            // tower-sessions writes Expires; read it back as seconds from now.
            let expires = cookie
                .split(';')
                .find_map(|part| part.trim().strip_prefix("Expires="))?;
            let at = time::OffsetDateTime::parse(
                expires,
                &time::format_description::well_known::Rfc2822,
            )
            .ok()?;
            Some((at - time::OffsetDateTime::now_utc()).whole_seconds())
        })
        .expect("the pre-sign-in cookie expires");
    assert!(
        (60..=15 * 60 + 5).contains(&max_age),
        "a pre-sign-in session lasts minutes: {max_age} s ({cookie})"
    );

    let short = spawn_app_with(db, &[("SESSION_MAX_SECS", "2")]).await;
    let wallet = TestWallet::new(8);
    short.sign_in(&wallet).await;
    let me: serde_json::Value = short.get("/api/wallet/me").await.json().await.unwrap();
    assert_eq!(me["address"], wallet.address());
    for _ in 0..2 {
        assert!(landing(&short).await.contains(&wallet.address()));
    }
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let page = short.get("/").await.text().await.unwrap();
    assert!(
        page.contains("data-testid=\"wallet-sign-in\"") && !page.contains(&wallet.address()),
        "past the absolute lifetime the landing page is signed out: {page}"
    );
    let me: serde_json::Value = short.get("/api/wallet/me").await.json().await.unwrap();
    assert!(
        me.is_null(),
        "past the absolute lifetime the session is over, used or not: {me}"
    );
}

async fn signing_out_everywhere_ends_every_session_of_the_wallet(db: Db) {
    let app = spawn_app(db).await;
    let wallet = TestWallet::new(9);
    let other_wallet = TestWallet::new(10);
    let laptop = app.another_browser();
    let phone = app.another_browser();
    let someone_else = app.another_browser();
    laptop.sign_in(&wallet).await;
    phone.sign_in(&wallet).await;
    someone_else.sign_in(&other_wallet).await;
    let ended = laptop
        .post_empty_form("/api/wallet/logout-everywhere")
        .await;
    assert_eq!(ended.status(), 200, "{}", ended.text().await.unwrap());
    for (who, app) in [("laptop", &laptop), ("phone", &phone)] {
        let me: serde_json::Value = app.get("/api/wallet/me").await.json().await.unwrap();
        assert!(me.is_null(), "{who} is signed out: {me}");
    }
    let me: serde_json::Value = someone_else
        .get("/api/wallet/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["address"], other_wallet.address(), "other wallets stay");
}

on_both_databases!(
    cross_site_writes_are_refused,
    personal_answers_are_never_cached_and_security_headers_are_set,
    an_anonymous_session_is_short_and_a_signed_in_one_has_an_absolute_end,
    signing_out_everywhere_ends_every_session_of_the_wallet,
    a_signed_in_landing_page_is_kept_for_its_wallet_until_its_session_ends,
);

/// A page's nonce (from the CSP header) and its HTML with the nonce replaced by a marker.
async fn without_nonce(res: reqwest::Response) -> (String, String) {
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let nonce = crate::helpers::csp_nonce(&csp);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry this response's nonce"
    );
    (nonce.clone(), html.replace(&nonce, "NONCE"))
}

/// A visitor's landing page (no cookie) with its nonce, see [`without_nonce`].
async fn visitor_landing(app: &TestApp) -> (String, String) {
    without_nonce(
        reqwest::Client::new()
            .get(app.url("/"))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn visitors_get_one_landing_page_with_their_own_nonce_and_a_signed_in_browser_its_own() {
    let app = spawn_app(Db::Sqlite).await;
    let (first_nonce, first) = visitor_landing(&app).await;
    let (second_nonce, second) = visitor_landing(&app).await;
    assert_ne!(first_nonce, second_nonce, "every response mints its nonce");
    assert_eq!(first, second, "visitors see the same page");
    assert!(first.contains("data-testid=\"wallet-sign-in\""));

    let wallet = TestWallet::new(7);
    app.sign_in(&wallet).await;
    let mine = app.get("/").await.text().await.unwrap();
    assert!(
        mine.contains("data-testid=\"wallet-signed-in\""),
        "a signed-in browser sees its wallet, not the visitors' page"
    );
    let (_, after) = visitor_landing(&app).await;
    assert_eq!(after, first, "and visitors still see theirs");
    assert!(!after.contains("data-testid=\"wallet-signed-in\""));
}

/// This browser's landing page with its nonce replaced by a marker, see [`without_nonce`].
async fn landing(app: &TestApp) -> String {
    without_nonce(app.get("/").await).await.1
}

/// `browser`'s cookies on the instance `on`.
fn on_instance(browser: &TestApp, on: &TestApp) -> TestApp {
    TestApp {
        address: on.address.clone(),
        client: browser.client.clone(),
        state: on.state.clone(),
        db: on.db.beside(),
    }
}

async fn a_signed_in_landing_page_is_kept_for_its_wallet_until_its_session_ends(db: Db) {
    let token = [("METRICS_TOKEN", "scrape-me")];
    let first = spawn_app_with(db, &token).await;
    let second = spawn_app_beside(&first, &token).await;
    let wallet = TestWallet::new(14);
    let (laptop, phone) = (first.another_browser(), first.another_browser());
    laptop.sign_in(&wallet).await;
    phone.sign_in(&wallet).await;

    let page = landing(&laptop).await;
    assert!(page.contains("data-testid=\"wallet-signed-in\""), "{page}");
    assert!(page.contains(&wallet.address()), "its wallet");
    assert_eq!(
        page,
        landing(&laptop).await,
        "the same page, with its own nonce"
    );
    assert_eq!(page, landing(&phone).await, "the wallet's other browser");
    let m = metrics(&first).await;
    assert_eq!(kept(&m, "signed_in_landing", "miss"), 1, "{m}");
    assert_eq!(kept(&m, "signed_in_landing", "hit"), 2, "{m}");
    assert_eq!(
        kept(&m, "landing", "miss"),
        0,
        "not the visitors' page: {m}"
    );

    // Another wallet gets its own page.
    let someone = first.another_browser();
    let other_wallet = TestWallet::new(15);
    someone.sign_in(&other_wallet).await;
    let theirs = landing(&someone).await;
    assert!(theirs.contains(&other_wallet.address()));
    assert!(!theirs.contains(&wallet.address()), "not another wallet's");

    // The phone on the second instance: its page is kept there too, until the wallet signs
    // out everywhere on the first instance.
    let phone_there = on_instance(&phone, &second);
    for _ in 0..2 {
        let there = landing(&phone_there).await;
        assert!(there.contains(&wallet.address()), "{there}");
    }
    let ended = laptop
        .post_empty_form("/api/wallet/logout-everywhere")
        .await;
    assert_eq!(ended.status(), 200, "{}", ended.text().await.unwrap());
    let signed_out = landing(&laptop).await;
    assert!(!signed_out.contains(&wallet.address()), "{signed_out}");
    let after = landing(&phone_there).await;
    assert!(
        after.contains("data-testid=\"wallet-sign-in\"")
            && !after.contains("data-testid=\"wallet-signed-in\""),
        "the session ended elsewhere: {after}"
    );
    assert!(!after.contains(&wallet.address()));
    let m = metrics(&second).await;
    assert_eq!(kept(&m, "signed_in_landing", "hit"), 1, "{m}");
    assert_eq!(kept(&m, "signed_in_landing", "miss"), 2, "{m}");
    assert!(
        landing(&someone).await.contains(&other_wallet.address()),
        "other wallets stay signed in"
    );
}

/// This browser's dashboard with its nonce replaced by a marker, see [`without_nonce`].
async fn dashboard(app: &TestApp, path: &str) -> String {
    without_nonce(app.get(path).await).await.1
}

/// The kept-page counter of `page` and `outcome` (hit or miss).
fn kept(metrics: &str, page: &str, outcome: &str) -> u64 {
    let series = format!("kept_pages_total{{page=\"{page}\",outcome=\"{outcome}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&series))
        .map_or(0, |n| n.parse().unwrap())
}

#[tokio::test]
async fn a_dashboard_render_is_served_again_until_what_it_shows_changes() {
    let app = spawn_app_with(
        Db::Sqlite,
        &[("SYNC_SCHEDULER", "off"), ("METRICS_TOKEN", "scrape-me")],
    )
    .await;
    let wallet = TestWallet::new(11);
    app.sign_in(&wallet).await;
    app.connect(&wallet, "seller-boutique").await;

    let first = dashboard(&app, "/dashboard").await;
    assert!(first.contains("data-testid=\"score-value\""), "the score");
    assert!(first.contains(&wallet.address()), "the wallet");
    let second = dashboard(&app, "/dashboard").await;
    assert_eq!(first, second, "the same page, with its own nonce");
    let m = metrics(&app).await;
    assert_eq!(kept(&m, "dashboard", "miss"), 1, "{m}");
    assert_eq!(
        kept(&m, "dashboard", "hit"),
        1,
        "the second view was the kept render"
    );

    // Two wallets with the same (empty) history each get a page of their own.
    let (twelve, thirteen) = (TestWallet::new(12), TestWallet::new(13));
    let other = app.another_browser();
    other.sign_in(&twelve).await;
    let third = app.another_browser();
    third.sign_in(&thirteen).await;
    for (browser, mine, theirs) in [(&other, &twelve, &thirteen), (&third, &thirteen, &twelve)] {
        let page = dashboard(browser, "/dashboard").await;
        assert!(page.contains("No shops connected yet"));
        assert!(page.contains(&mine.address()), "its own wallet");
        assert!(!page.contains(&theirs.address()) && !page.contains(&wallet.address()));
    }

    // A view with an outcome in the query is rendered each time, never kept.
    let failed = dashboard(&app, "/dashboard?tiktokshop_error=consent_denied").await;
    assert!(failed.contains("data-testid=\"connect-error-message\""));
    let again = dashboard(&app, "/dashboard?tiktokshop_error=consent_denied").await;
    assert!(again.contains("data-testid=\"connect-error-message\""));
    assert!(!dashboard(&app, "/dashboard")
        .await
        .contains("data-testid=\"connect-error-message\""));

    // Only the score changed (as a rescore writes it): the next view is rendered from it.
    let shown = |page: &str, score: &str| {
        page.contains(&format!(
            "data-testid=\"score-value\" class=\"score-number\">{score}<"
        ))
    };
    let view = stored_score_view(&app, &wallet).await;
    let kept_score = serde_json::from_str::<serde_json::Value>(&view).unwrap()["score"]
        .as_f64()
        .unwrap();
    assert!(shown(&first, &format!("{kept_score:.0}")), "the kept score");
    assert!(!shown(&first, "7"));
    // The score's number replaced in place, the text as long as before (JSON allows the
    // spaces): only what it says differs.
    let rest = view
        .strip_prefix("{\"score\":")
        .expect("the view starts with its score");
    let number = &rest[..rest.find(',').unwrap()];
    let rescored = format!(
        "{{\"score\":{:<width$}{}",
        "7",
        &rest[number.len()..],
        width = number.len()
    );
    assert_eq!(rescored.len(), view.len());
    set_stored_score_view(&app, &wallet, &rescored).await;
    let seven = dashboard(&app, "/dashboard").await;
    assert!(shown(&seven, "7"), "{seven}");
    assert_eq!(seven, dashboard(&app, "/dashboard").await, "kept again");
    let m = metrics(&app).await;
    assert_eq!(kept(&m, "dashboard", "miss"), 4, "{m}");
    assert_eq!(kept(&m, "dashboard", "hit"), 3, "{m}");

    // A kept score that does not read: the page says so, and nothing is kept or served kept.
    set_stored_score_view(&app, &wallet, "{not json").await;
    for _ in 0..2 {
        let broken = dashboard(&app, "/dashboard").await;
        assert!(
            broken.contains("data-testid=\"dashboard-error\""),
            "{broken}"
        );
        assert!(!broken.contains("data-testid=\"score-value\""));
    }
    let m = metrics(&app).await;
    assert_eq!(kept(&m, "dashboard", "miss"), 4, "{m}");
    assert_eq!(kept(&m, "dashboard", "hit"), 3, "{m}");
    set_stored_score_view(&app, &wallet, &view).await;
    assert_eq!(
        dashboard(&app, "/dashboard").await,
        first,
        "the first page, kept"
    );

    // What the page shows changed: the next view is rendered from the new data.
    let id = app.first_connection_id().await;
    let res = app.delete_connection(&id).await;
    assert_eq!(res.status(), 204);
    let after = dashboard(&app, "/dashboard").await;
    assert!(after.contains("No shops connected yet"), "{after}");
    assert!(!after.contains("data-testid=\"score-value\""));
    let m = metrics(&app).await;
    assert_eq!(kept(&m, "dashboard", "hit"), 4, "{m}");
    assert_eq!(
        kept(&m, "dashboard", "miss"),
        5,
        "the first view, two other wallets', the new score and the new data: {m}"
    );
}

/// The wallet's current score as the dashboard's view of it is kept (a SQLite app).
async fn stored_score_view(app: &TestApp, wallet: &TestWallet) -> String {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
    sqlx::query_scalar("SELECT view FROM wallet_scores WHERE wallet = $1")
        .bind(wallet.address())
        .fetch_one(&mut c)
        .await
        .unwrap()
}

/// Replaces the kept view of the wallet's current score, as a rescore would (a SQLite app).
async fn set_stored_score_view(app: &TestApp, wallet: &TestWallet, view: &str) {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
    let done = sqlx::query("UPDATE wallet_scores SET view = $1 WHERE wallet = $2")
        .bind(view)
        .bind(wallet.address())
        .execute(&mut c)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
}
