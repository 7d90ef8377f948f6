//! Sharing with lenders: the link, the lender's page and downloads, the EAS credential and its
//! verification, the access log, revocation (410) and the threshold credential.

use serde_json::{json, Value};

use crate::helpers::{new_client, spawn_app_with, Db, TestApp};
use crate::on_both_databases;
use crate::signer::TestWallet;

async fn connected(db: Db) -> (TestApp, TestWallet) {
    let app = spawn_app_with(db, &[("SYNC_SCHEDULER", "off")]).await;
    let wallet = TestWallet::new(1);
    app.sign_in(&wallet).await;
    app.connect(&wallet, "seller-boutique").await;
    (app, wallet)
}

async fn share(app: &TestApp, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/api/shares"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

async fn verify(app: &TestApp, attestation: &Value) -> Value {
    new_client()
        .post(app.url("/api/attestations/verify"))
        .json(attestation)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn a_lender_reads_the_shared_report_and_its_credential_verifies(db: Db) {
    let (app, wallet) = connected(db).await;
    let score = app.score().await;
    let (status, created) = share(
        &app,
        json!({ "lender": "Acme Capital", "expiresInDays": 14, "scope": "full" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let url = created["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/share/", app.address)));
    let attestation = created["attestation"].clone();

    // The credential: EAS's JSON, signed by the attester, for this wallet, saying /api/score.
    let attester: Value = app.get("/api/attester").await.json().await.unwrap();
    assert_eq!(attester["chainId"], 8453);
    assert_eq!(
        attester["easContract"],
        "0x4200000000000000000000000000000000000021"
    );
    assert_eq!(attestation["signer"], attester["address"]);
    assert_eq!(
        attestation["sig"]["message"]["schema"],
        attester["schemaUid"]
    );
    assert_eq!(attestation["sig"]["message"]["recipient"], wallet.address());
    assert_eq!(attestation["sig"]["primaryType"], "Attest");
    let verified = verify(&app, &attestation).await;
    assert_eq!(verified["valid"], true, "{verified}");
    let claim = &verified["claim"];
    assert_eq!(claim["monthlyIncomeUsdCents"], 475_000);
    assert_eq!(
        claim["scoreTenths"],
        (score["score"].as_f64().unwrap() * 10.0).round() as u64
    );
    assert_eq!(claim["grade"], score["grade"]);
    assert_eq!(claim["confidence"], score["confidence"]);
    assert_eq!(
        claim["inputsDigest"],
        format!("0x{}", score["inputsDigest"].as_str().unwrap())
    );
    assert_eq!(claim["modelVersion"], score["modelVersion"]);
    assert_eq!(claim["thresholdOnly"], false);

    // The lender needs no wallet.
    let lender = new_client();
    let page = lender.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("data-testid=\"lender-report\""));
    assert!(html.contains("$4,750.00"), "the monthly verified income");
    assert!(html.contains(score["inputsDigest"].as_str().unwrap()));
    let json_download: Value = lender
        .get(format!("{url}/report.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        json_download["score"]["monthlyIncomeUsd"],
        score["monthlyIncomeUsd"]
    );
    let csv = lender
        .get(format!("{url}/report.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("section,item,value\n") && csv.contains("income,monthlyIncomeUsd,4750.00"),
        "{csv}"
    );

    // The borrower sees the visits.
    let list: Value = app.get("/api/shares").await.json().await.unwrap();
    assert_eq!(list[0]["lender"], "Acme Capital");
    assert_eq!(list[0]["accessCount"], 3);
    assert!(list[0]["lastAccessAt"].is_string());
    assert_eq!(list[0]["url"], url.as_str());
    let events = app.state.db.recent_events(20).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.kind == "share_opened" && e.detail.contains("Acme Capital")));

    // Revoked: the link is gone, the credential is refused.
    let id = created["id"].as_str().unwrap();
    let res = app
        .client
        .delete(app.url(&format!("/api/shares/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(lender.get(&url).send().await.unwrap().status(), 410);
    assert_eq!(
        lender
            .get(format!("{url}/report.json"))
            .send()
            .await
            .unwrap()
            .status(),
        410
    );
    let verified = verify(&app, &attestation).await;
    assert_eq!(verified["valid"], false);
    assert_eq!(verified["reason"], "revoked by the borrower");
}

async fn a_threshold_credential_claims_only_the_threshold(db: Db) {
    let (app, _wallet) = connected(db).await;
    let (status, error) = share(
        &app,
        json!({ "lender": "L", "expiresInDays": 7, "scope": "threshold", "thresholdUsd": 5000 }),
    )
    .await;
    assert_eq!(status, 400, "income is $4,750: {error}");
    let (status, created) = share(
        &app,
        json!({ "lender": "L", "expiresInDays": 7, "scope": "threshold", "thresholdUsd": 4000 }),
    )
    .await;
    assert_eq!(status, 201);
    let claim = verify(&app, &created["attestation"]).await["claim"].clone();
    assert_eq!(claim["thresholdOnly"], true);
    assert_eq!(claim["thresholdUsdCents"], 400_000);
    assert_eq!(claim["monthlyIncomeUsdCents"], 0);
    assert_eq!(claim["scoreTenths"], 0);
    let html = new_client()
        .get(created["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-testid=\"report-threshold\"") && html.contains("$4,000.00"));
    assert!(
        !html.contains("$4,750.00"),
        "the income itself is not shown"
    );
}

on_both_databases!(
    a_lender_reads_the_shared_report_and_its_credential_verifies,
    a_threshold_credential_claims_only_the_threshold,
);

#[tokio::test]
async fn a_refreshed_credential_links_the_one_it_replaces_and_bad_requests_are_refused() {
    let (app, _wallet) = connected(Db::Sqlite).await;
    let (_, first) = share(
        &app,
        json!({ "lender": "A", "expiresInDays": 30, "scope": "full" }),
    )
    .await;
    let (_, second) = share(
        &app,
        json!({ "lender": "A", "expiresInDays": 30, "scope": "full" }),
    )
    .await;
    assert_eq!(
        second["attestation"]["sig"]["message"]["refUID"],
        first["attestation"]["sig"]["uid"]
    );
    for bad in [
        json!({ "lender": "", "expiresInDays": 3, "scope": "full" }),
        json!({ "lender": "A", "expiresInDays": 0, "scope": "full" }),
        json!({ "lender": "A", "expiresInDays": 31, "scope": "full" }),
        json!({ "lender": "A", "expiresInDays": 3, "scope": "everything" }),
        json!({ "lender": "A", "expiresInDays": 3, "scope": "threshold" }),
        json!({ "nonsense": true }),
    ] {
        assert_eq!(share(&app, bad.clone()).await.0, 400, "{bad}");
    }
    let stranger = TestApp {
        client: new_client(),
        ..app
    };
    assert_eq!(
        share(
            &stranger,
            json!({ "lender": "A", "expiresInDays": 3, "scope": "full" })
        )
        .await
        .0,
        401
    );
    assert_eq!(stranger.get("/share/not-a-real-token").await.status(), 404);
    // A tampered credential is refused by the public verifier.
    let mut tampered = first["attestation"].clone();
    tampered["sig"]["message"]["recipient"] = json!("0x2222222222222222222222222222222222222222");
    let verified = verify(&stranger, &tampered).await;
    assert_eq!(verified["valid"], false, "{verified}");
    // Asking about another wallet: refused.
    let mut other = first["attestation"].clone();
    other["recipient"] = json!("0x2222222222222222222222222222222222222222");
    assert_eq!(
        verify(&stranger, &other).await["reason"],
        "issued for another wallet"
    );
}
