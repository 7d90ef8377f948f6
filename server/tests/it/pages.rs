//! Server-rendered pages and the security headers on them.

use crate::helpers::{spawn_app, Db};

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn landing_page_renders_with_a_csp_nonce_on_its_hydration_script() {
    let app = spawn_app(Db::Sqlite).await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let csp = header(&res, "content-security-policy").to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(&res, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    let nonce = crate::helpers::csp_nonce(&csp);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Turn your TikTok Shop sales into credit"),
        "landing copy"
    );
    assert!(html.contains("/pkg/shopscore.js"), "hydration script");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the scripts carry the header's nonce"
    );
}

#[tokio::test]
async fn each_response_gets_a_new_nonce() {
    let app = spawn_app(Db::Sqlite).await;
    let a = header(&app.get("/").await, "content-security-policy").to_string();
    let b = header(&app.get("/").await, "content-security-policy").to_string();
    assert_ne!(a, b);
}

#[tokio::test]
async fn sandbox_mode_shows_the_sandbox_banner() {
    let app = spawn_app(Db::Sqlite).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains("data-testid=\"sandbox-banner\""),
        "banner in sandbox mode"
    );
}

#[tokio::test]
async fn dashboard_renders_its_empty_state() {
    let app = spawn_app(Db::Sqlite).await;
    let res = app.get("/dashboard").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("No shops connected yet"), "{html}");
}

#[tokio::test]
async fn an_unknown_route_gets_the_styled_404_page() {
    let app = spawn_app(Db::Sqlite).await;
    let res = app.get("/definitely/not/here").await;
    assert_eq!(res.status(), 404);
    assert!(res.headers().contains_key("content-security-policy"));
    let html = res.text().await.unwrap();
    assert!(html.contains("This page does not exist"), "{html}");
    assert!(
        html.contains("/pkg/shopscore.css"),
        "styled like the rest of the site"
    );
}
