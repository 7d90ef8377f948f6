//! The kept pages' own parts: the nonce put back, the keys, the budget.

use super::*;

fn body(response: Response) -> Bytes {
    futures::executor::block_on(axum::body::to_bytes(response.into_body(), 1 << 20)).unwrap()
}

#[test]
fn a_page_is_cut_at_each_nonce_and_put_back_with_another() {
    let page = Bytes::from_static(
        b"<script nonce=\"N0\">a</script><p>N</p><script nonce=\"N0\"></script>",
    );
    let pieces = split(&page, b"N0");
    assert_eq!(pieces.len(), 3);
    let kept = Kept {
        headers: HeaderMap::new(),
        pieces,
    };
    assert_eq!(
        &body(kept.response("XYZ"))[..],
        b"<script nonce=\"XYZ\">a</script><p>N</p><script nonce=\"XYZ\"></script>"
    );
}

#[test]
fn a_dashboard_is_keyed_by_its_score_as_kept() {
    let read = |view: Option<&str>, insights: Option<&str>| DashboardRead {
        data: app::api::DashboardData {
            wallet: Some("0xabc".into()),
            ..Default::default()
        },
        score: view.map(|view| crate::db::WalletScore {
            wallet: "0xabc".into(),
            history_id: 1,
            model_version: "v".into(),
            computed_at: 0,
            view_json: view.into(),
            insights_json: insights.map(str::to_owned),
        }),
    };
    let key = |view, insights| dashboard_key(&read(view, insights)).unwrap();
    let base = key(Some(r#"{"score":61}"#), Some("{}"));
    assert_eq!(
        base,
        key(Some(r#"{"score":61}"#), Some("{}")),
        "the same read"
    );
    for (view, insights) in [
        (Some(r#"{"score":62}"#), Some("{}")),
        (Some(r#"{"score":61}"#), Some(r#"{"today":1}"#)),
        (Some(r#"{"score":61}"#), None),
        (None, None),
        // The texts are framed: moving bytes between them is another read.
        (Some(r#"{"score":61}{"#), Some("}")),
    ] {
        assert_ne!(base, key(view, insights), "{view:?} {insights:?}");
    }
    let mut other = read(Some(r#"{"score":61}"#), Some("{}"));
    other.data.wallet = Some("0xdef".into());
    assert_ne!(base, dashboard_key(&other).unwrap(), "another wallet");
}

#[test]
fn a_signed_in_landing_page_is_keyed_by_its_wallet() {
    let one = signed_in_landing_key(Some("0xabc"));
    assert_eq!(one, signed_in_landing_key(Some("0xabc")));
    assert_ne!(one, signed_in_landing_key(Some("0xabd")), "another wallet");
    assert_ne!(one, signed_in_landing_key(None), "a session that ended");
    assert_ne!(signed_in_landing_key(None), signed_in_landing_key(Some("")));
    // The two kinds share the budget's map: a landing page is never found as a dashboard.
    let dashboard = DashboardRead {
        data: app::api::DashboardData::default(),
        score: None,
    };
    assert_ne!(
        signed_in_landing_key(None),
        dashboard_key(&dashboard).unwrap()
    );
}

#[test]
fn a_landing_page_render_shows_the_wallet_already_read() {
    use leptos::prelude::{provide_context, Owner};
    let owner = Owner::new();
    owner.set();
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts
        .extensions
        .insert(PrefetchedWallet(Some("0xfeed".into())));
    provide_context(parts);
    // No services in the context: the wallet can only come from what was read.
    let wallet = futures::executor::block_on(app::api::current_wallet()).unwrap();
    assert_eq!(wallet.map(|w| w.address).as_deref(), Some("0xfeed"));
}

#[test]
fn the_oldest_pages_go_once_the_budget_is_spent() {
    let pages = KeptPages::new(Arc::new(Metrics::default()));
    let page = |fill: u8| Kept {
        headers: HeaderMap::new(),
        pieces: vec![Bytes::from(vec![fill; 4 * 1024 * 1024])],
    };
    pages.keep(Page::VisitorsLanding, page(0xff));
    // Signed-in landing pages and dashboards share the budget.
    for i in 0..10u8 {
        let key = [i; 32];
        if i % 2 == 0 {
            pages.keep(Page::Dashboard(key), page(i));
        } else {
            pages.keep(Page::SignedInLanding(key), page(i));
        }
    }
    let inner = pages.0.pages.lock().unwrap();
    assert!(
        inner.landing.is_some(),
        "the visitors' landing page is kept apart"
    );
    assert_eq!(inner.bytes, 8 * 4 * 1024 * 1024, "within the budget");
    assert!(!inner.by_key.contains_key(&[0; 32]), "the oldest went");
    assert!(!inner.by_key.contains_key(&[1; 32]));
    assert!(inner.by_key.contains_key(&[2; 32]), "the newer stay");
    assert!(inner.by_key.contains_key(&[9; 32]));
    assert_eq!(inner.order.len(), 8);
}
