//! A test wallet: a fixed secp256k1 key signing EIP-191 `personal_sign` messages, and the
//! flows a browser performs (sign in, connect a sandbox persona) driven over HTTP.

use server::load::Wallet;

use crate::helpers::TestApp;

/// A wallet with a private key.
pub struct TestWallet(Wallet);

impl TestWallet {
    /// A deterministic wallet from a one-byte seed (seed 1 is Hardhat's first test account).
    pub fn new(seed: u8) -> TestWallet {
        let bytes: [u8; 32] = match seed {
            1 => hex::decode("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
                .unwrap()
                .try_into()
                .unwrap(),
            n => [n; 32],
        };
        TestWallet(Wallet::from_key(bytes).expect("a valid key"))
    }

    /// The EIP-55 checksummed address.
    pub fn address(&self) -> String {
        self.0.address()
    }

    /// `personal_sign`: 65 bytes r || s || v (27/28), hex with 0x.
    pub fn sign(&self, message: &str) -> String {
        self.0.sign(message)
    }
}

pub use server::load::siwe_message;

/// Now, RFC 3339 in UTC.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

impl TestApp {
    /// `host:port` of the app.
    pub fn domain(&self) -> String {
        self.address.trim_start_matches("http://").to_string()
    }

    /// Asks for a nonce.
    pub async fn nonce(&self) -> String {
        let res = self.get("/api/wallet/nonce").await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        body["nonce"].as_str().expect("a nonce").to_string()
    }

    /// Posts a message and signature to the verify endpoint.
    pub async fn verify(&self, message: &str, signature: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/wallet/verify"))
            .json(&serde_json::json!({ "message": message, "signature": signature }))
            .send()
            .await
            .unwrap()
    }

    /// Signs `wallet` in on this client's session.
    pub async fn sign_in(&self, wallet: &TestWallet) {
        let nonce = self.nonce().await;
        let message = siwe_message(
            &self.domain(),
            &self.address,
            &wallet.address(),
            &nonce,
            &now_rfc3339(),
            1,
        );
        let res = self.verify(&message, &wallet.sign(&message)).await;
        assert_eq!(
            res.status(),
            200,
            "{}",
            res.text().await.unwrap_or_default()
        );
    }

    /// Starts a seller authorization (rest of world) and returns the authorize URL.
    pub async fn auth_url(&self, wallet: &TestWallet) -> String {
        self.auth_url_for(wallet, "account=seller&market=global")
            .await
    }

    /// Starts an authorization with extra query parameters (`account=creator`, `market=us`).
    pub async fn auth_url_for(&self, wallet: &TestWallet, query: &str) -> String {
        let res = self
            .get(&format!(
                "/api/tiktokshop/auth?wallet={}&{query}",
                wallet.address()
            ))
            .await;
        assert_eq!(
            res.status(),
            200,
            "{}",
            res.text().await.unwrap_or_default()
        );
        let body: serde_json::Value = res.json().await.unwrap();
        body["authUrl"].as_str().expect("authUrl").to_string()
    }

    /// On the sandbox's consent page, submits `choice` (`persona=<id>` or `action=deny`) with
    /// the form's hidden fields and returns TikTok's redirect back to the app (the callback URL).
    pub async fn consent(&self, auth_url: &str, choice: (&str, &str)) -> String {
        let page = self.client.get(auth_url).send().await.unwrap();
        assert_eq!(page.status(), 200, "{auth_url}");
        let html = page.text().await.unwrap();
        let hidden =
            regex_lite::Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)">"#)
                .unwrap();
        let mut form: Vec<(String, String)> = hidden
            .captures_iter(&html)
            .map(|c| (c[1].to_string(), c[2].replace("&amp;", "&")))
            .collect();
        assert!(!form.is_empty(), "no hidden fields in the consent form");
        form.push((choice.0.to_string(), choice.1.to_string()));
        let action = regex_lite::Regex::new(r#"<form method="post" action="([^"]+)""#).unwrap();
        let action = action.captures(&html).expect("a form")[1].to_string();
        // The form posts to the consent page's own server (the sandbox, mounted or standalone).
        let target = url::Url::parse(auth_url).unwrap().join(&action).unwrap();
        let res = self.client.post(target).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303);
        res.headers()["location"].to_str().unwrap().to_string()
    }

    /// Follows TikTok's redirect to the callback; returns where the app sends the browser.
    pub async fn callback(&self, callback_url: &str) -> String {
        let res = self.client.get(callback_url).send().await.unwrap();
        assert!(
            res.status().is_redirection(),
            "callback answered {}",
            res.status()
        );
        res.headers()["location"].to_str().unwrap().to_string()
    }

    /// The whole connect flow for a persona on the seller page (rest of world); returns the
    /// dashboard URL the app redirects to.
    pub async fn connect(&self, wallet: &TestWallet, persona: &str) -> String {
        let auth_url = self.auth_url(wallet).await;
        let callback = self.consent(&auth_url, ("persona", persona)).await;
        self.callback(&callback).await
    }

    /// The connect flow on the creator page.
    pub async fn connect_creator(&self, wallet: &TestWallet, persona: &str) -> String {
        let auth_url = self.auth_url_for(wallet, "account=creator").await;
        let callback = self.consent(&auth_url, ("persona", persona)).await;
        self.callback(&callback).await
    }

    /// `GET /api/connections` as JSON.
    pub async fn connections(&self) -> serde_json::Value {
        let res = self.get("/api/connections").await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// The id of this browser's first connection.
    pub async fn first_connection_id(&self) -> String {
        self.connections().await[0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// `DELETE /api/connections/{id}`.
    pub async fn delete_connection(&self, id: &str) -> reqwest::Response {
        self.client
            .delete(self.url(&format!("/api/connections/{id}")))
            .send()
            .await
            .unwrap()
    }

    /// `GET /api/score` as JSON.
    pub async fn score(&self) -> serde_json::Value {
        let res = self.get("/api/score").await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }
}
