//! `/api/insights` and `/api/live`: products, the affiliate network and the series from the
//! stored records; live events when simulated orders arrive through TikTok's webhook.

use std::time::Duration;

use crate::helpers::{spawn_app_with, Db};
use crate::signer::TestWallet;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test]
async fn the_hybrid_personas_insights_list_products_and_promoted_shops_with_shares_adding_to_one() {
    let app = spawn_app_with(Db::Sqlite, &[("SYNC_SCHEDULER", "off")]).await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    app.connect(&wallet, "hybrid").await;
    app.connect_creator(&wallet, "hybrid").await;
    let res = app.get("/api/insights").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let insights: serde_json::Value = res.json().await.unwrap();
    let products = insights["products"].as_array().unwrap();
    assert!(!products.is_empty());
    let shares: f64 = products.iter().map(|p| p["share"].as_f64().unwrap()).sum();
    assert!(close(shares, 1.0), "product shares add up to 1: {shares}");
    for p in products {
        for key in [
            "productId",
            "name",
            "revenue",
            "share",
            "orders",
            "itemsSold",
            "returnRate",
        ] {
            assert!(p.get(key).is_some(), "{key} in {p}");
        }
        assert_eq!(p["revenue"]["currency"], "USD");
        assert!(p["revenue"]["usd"].is_number());
    }
    assert!(insights["topProductShare"].as_f64().unwrap() > 0.0);
    let affiliate = &insights["affiliate"];
    let shops = affiliate["shops"].as_array().unwrap();
    assert!(!shops.is_empty());
    let shares: f64 = shops.iter().map(|s| s["share"].as_f64().unwrap()).sum();
    assert!(
        close(shares, 1.0),
        "promoted-shop shares add up to 1: {shares}"
    );
    for key in [
        "topShopShare",
        "contentTypes",
        "campaigns",
        "settledRatio",
        "clawbackRate",
    ] {
        assert!(affiliate.get(key).is_some(), "{key}");
    }
    assert!(insights["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["source"] == "total"));
    assert!(insights["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["source"] == "total"));
    assert!(insights["seasonality"]["note"].is_string());
    let html = app.get("/dashboard").await.text().await.unwrap();
    assert!(html.contains("data-testid=\"product-table\""));
    assert!(html.contains("data-testid=\"affiliate-shops\""));
    assert!(
        html.contains("The figures"),
        "charts carry their figures as a table"
    );
}

#[tokio::test]
async fn live_updates_need_a_wallet_and_are_bounded_per_wallet() {
    let app = spawn_app_with(Db::Sqlite, &[("SYNC_SCHEDULER", "off")]).await;
    assert_eq!(app.get("/api/live").await.status(), 401);
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    let mut open = Vec::new();
    for _ in 0..server::live::STREAMS_PER_WALLET {
        let res = app.get("/api/live").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        open.push(res);
    }
    assert_eq!(app.get("/api/live").await.status(), 429);
    drop(open);
}

/// Simulates three seller-boutique orders through TikTok's webhook and waits for the live event
/// they cause on this browser's `/api/live`.
async fn three_orders_arrive_live(app: &crate::helpers::TestApp) {
    let mut live = app.get("/api/live").await;
    assert_eq!(live.status(), 200);
    let res = app
        .client
        .post(app.url("/sandbox/simulate/orders"))
        .json(&serde_json::json!({ "persona": "seller-boutique", "count": 3 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let event = tokio::time::timeout(Duration::from_secs(30), async {
        let mut text = String::new();
        while let Some(chunk) = live.chunk().await.unwrap() {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("data:") {
                break;
            }
        }
        text
    })
    .await
    .expect("a live event within seconds of the simulated orders");
    assert!(event.contains("\"kind\":\"figures\""), "{event}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulated_order_reaches_the_dashboard_as_a_live_event() {
    let app = spawn_app_with(Db::Sqlite, &[("SYNC_POLL_MS", "100")]).await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    app.connect(&wallet, "seller-boutique").await;
    let before: serde_json::Value = app.get("/api/insights").await.json().await.unwrap();
    let today = |v: &serde_json::Value| v["today"][0]["orders"].as_u64().unwrap_or(0);
    three_orders_arrive_live(&app).await;
    let after: serde_json::Value = app.get("/api/insights").await.json().await.unwrap();
    assert_eq!(
        today(&after),
        today(&before) + 3,
        "today's orders went up by three"
    );
}

/// `POST /api/dashboard/update`, the dashboard island's refresh, as JSON.
async fn dashboard_update(app: &crate::helpers::TestApp) -> serde_json::Value {
    let res = app.post_empty_form("/api/dashboard/update").await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The count in the first "N orders" of today's list in `html`.
fn todays_orders(html: &str) -> u64 {
    let (_, rest) = html
        .split_once("data-testid=\"today-orders\">")
        .expect("today's orders");
    rest.split(' ').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboards_live_refresh_brings_the_panels_as_the_page_renders_them() {
    let app = spawn_app_with(Db::Sqlite, &[("SYNC_POLL_MS", "100")]).await;
    let visitor = dashboard_update(&app).await;
    assert!(visitor["wallet"].is_null(), "{visitor}");
    let none = visitor["figuresHtml"].as_str().unwrap();
    assert!(!none.contains("data-testid"), "no panels: {none}");

    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    app.connect(&wallet, "seller-boutique").await;
    let update = dashboard_update(&app).await;
    assert_eq!(update["wallet"], wallet.address());
    assert_eq!(update["parts"]["connections"].as_array().unwrap().len(), 1);
    assert_eq!(update["parts"]["hasScore"], true);
    let figures = update["figuresHtml"].as_str().unwrap();
    assert!(figures.contains("data-testid=\"score-value\""), "{figures}");
    assert!(figures.contains("data-testid=\"live-indicator\""));
    let page = app.get("/dashboard").await.text().await.unwrap();
    assert!(
        page.contains(figures),
        "the swapped-in panels are the page's own"
    );

    three_orders_arrive_live(&app).await;
    let after = dashboard_update(&app).await;
    assert_eq!(
        todays_orders(after["figuresHtml"].as_str().unwrap()),
        todays_orders(figures) + 3,
        "the refreshed panels count the three new orders"
    );
}
