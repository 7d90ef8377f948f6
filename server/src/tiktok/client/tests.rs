use super::*;
use crate::tiktok::api::{GetAuthorizedShops, SearchOrders, SearchReturns};
use crate::tiktok::error::ErrorKind;
use crate::tiktok::transport::{TransportError, WireResponse};
use async_trait::async_trait;

type Seen = (CallKind, String, Vec<(&'static str, String)>);

/// Answers from a script and records what it was asked.
struct Scripted {
    answers: Mutex<Vec<Result<WireResponse, TransportError>>>,
    seen: Mutex<Vec<Seen>>,
}

impl Scripted {
    fn new(mut answers: Vec<Result<WireResponse, TransportError>>) -> Scripted {
        answers.reverse();
        Scripted {
            answers: Mutex::new(answers),
            seen: Mutex::new(Vec::new()),
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

#[async_trait]
impl Transport for Scripted {
    async fn execute(&self, request: WireRequest) -> Result<WireResponse, TransportError> {
        self.seen
            .lock()
            .unwrap()
            .push((request.kind, request.url.to_string(), request.headers));
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop()
            .unwrap_or(Err(TransportError::Failed("script exhausted".into())))?;
        if answer.body.len() > request.max_body {
            return Err(TransportError::TooLarge(request.max_body));
        }
        Ok(answer)
    }
}

fn answer(status: u16, body: &str) -> Result<WireResponse, TransportError> {
    Ok(WireResponse {
        status,
        retry_after: None,
        body: body.as_bytes().to_vec(),
    })
}

fn client(script: Vec<Result<WireResponse, TransportError>>) -> TikTokClient<Scripted> {
    let base = Url::parse("http://tiktok.test/sandbox/open-api").unwrap();
    let mut config = TikTokConfig::new(
        "key",
        AppSecret::new("secret"),
        Url::parse("http://auth.test").unwrap(),
        base,
    );
    config.rate_limit_per_sec = 1000;
    config.retry.base = Duration::from_millis(1);
    TikTokClient::with_transport(config, Scripted::new(script)).unwrap()
}

const SHOPS_OK: &str = r#"{"code":0,"message":"Success","request_id":"r","data":{"shops":[]}}"#;
const EMPTY_PAGE: &str = r#"{"code":0,"message":"Success","request_id":"r","data":{"orders":[],"next_page_token":"","total_count":0}}"#;

fn cipher() -> ShopCipher {
    ShopCipher::parse("C1").unwrap()
}

fn user() -> Scope<'static> {
    Scope::User("open-1")
}

#[tokio::test]
async fn a_call_carries_the_token_header_and_a_signature_over_the_endpoint_path() {
    let c = client(vec![answer(200, SHOPS_OK)]);
    c.send(&AccessToken::new("tok"), user(), &GetAuthorizedShops)
        .await
        .unwrap();
    let seen = c.transport().seen();
    let (kind, url, headers) = &seen[0];
    assert_eq!(*kind, CallKind::OpenApi);
    let url = Url::parse(url).unwrap();
    assert_eq!(url.path(), "/sandbox/open-api/authorization/202309/shops");
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(
        get("shop_cipher"),
        None,
        "Get Authorized Shops takes no cipher"
    );
    let ts: i64 = get("timestamp").unwrap().parse().unwrap();
    let expected = sign(
        &SignableRequest {
            path: "/authorization/202309/shops",
            params: &[("app_key", "key")],
            body: None,
        },
        &AppSecret::new("secret"),
        ts,
    );
    assert_eq!(get("sign").as_deref(), Some(expected.as_str()));
    assert!(headers.contains(&("x-tts-access-token", "tok".to_string())));
    assert!(headers.contains(&("content-type", "application/json".to_string())));
}

#[tokio::test]
async fn a_non_zero_code_on_http_200_is_an_error_classified_with_its_message() {
    let c = client(vec![
        answer(
            200,
            r#"{"code":105002,"message":"expired","request_id":"r1"}"#,
        ),
        answer(
            200,
            r#"{"code":36009004,"message":"Invalid credentials. The `x-tts-access-token` header is invalid.","request_id":"r2"}"#,
        ),
        answer(
            200,
            r#"{"code":36009004,"message":"Invalid timestamp. The value of the `timestamp` query parameter must not be earlier than 5 minutes before the current time.","request_id":"r3"}"#,
        ),
    ]);
    let token = AccessToken::new("t");
    let kinds = [
        c.send(&token, user(), &GetAuthorizedShops)
            .await
            .unwrap_err()
            .kind(),
        c.send(&token, user(), &GetAuthorizedShops)
            .await
            .unwrap_err()
            .kind(),
        c.send(&token, user(), &GetAuthorizedShops)
            .await
            .unwrap_err()
            .kind(),
    ];
    assert_eq!(
        kinds,
        [
            ErrorKind::TokenExpired,
            ErrorKind::InvalidToken,
            ErrorKind::OurBug
        ]
    );
}

#[tokio::test]
async fn a_read_is_retried_after_429_5xx_and_36009003_then_succeeds() {
    let c = client(vec![
        Ok(WireResponse {
            status: 429,
            retry_after: Some(Duration::from_millis(1)),
            body: b"{}".to_vec(),
        }),
        answer(503, "<html>busy</html>"),
        answer(
            200,
            r#"{"code":36009003,"message":"Internal error. Please try again."}"#,
        ),
        answer(200, EMPTY_PAGE),
    ]);
    let page = c
        .send(
            &AccessToken::new("t"),
            Scope::Shop(&cipher()),
            &SearchOrders::created_between(0, 10),
        )
        .await
        .unwrap();
    assert_eq!(page.total_count, 0);
    assert_eq!(c.transport().seen().len(), 4);
}

#[tokio::test]
async fn retries_are_bounded_by_the_policy() {
    let c = client(vec![
        answer(500, ""),
        answer(500, ""),
        answer(500, ""),
        answer(500, ""),
        answer(200, EMPTY_PAGE),
    ]);
    let err = c
        .send(
            &AccessToken::new("t"),
            Scope::Shop(&cipher()),
            &SearchOrders::created_between(0, 10),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ServerError);
    assert_eq!(c.transport().seen().len(), 4, "one try and three retries");
}

#[tokio::test]
async fn a_signature_error_is_never_retried() {
    let c = client(vec![
        answer(200, r#"{"code":106001,"message":"bad sign"}"#),
        answer(200, SHOPS_OK),
    ]);
    let err = c
        .send(&AccessToken::new("t"), user(), &GetAuthorizedShops)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OurBug);
    assert_eq!(c.transport().seen().len(), 1);
}

#[tokio::test]
async fn a_token_call_is_never_retried_and_a_refused_refresh_is_told_apart() {
    let c = client(vec![
        answer(503, ""),
        answer(200, r#"{"code":36004001,"message":"rt has expired"}"#),
        answer(200, r#"{"code":36009003,"message":"internal"}"#),
    ]);
    let err = c.get_token(&AuthCode::new("code")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ServerError);
    let seen = c.transport().seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, CallKind::Token);
    assert!(seen[0].1.starts_with("http://auth.test/api/v2/token/get?app_key=key&app_secret=secret&auth_code=code&grant_type=authorized_code"));
    let refused = c.refresh_token(&RefreshToken::new("r")).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::RefreshRefused);
    let flaky = c.refresh_token(&RefreshToken::new("r")).await.unwrap_err();
    assert_eq!(flaky.kind(), ErrorKind::ServerError);
}

#[tokio::test]
async fn scope_mistakes_and_out_of_range_page_sizes_are_refused_before_sending() {
    let c = client(vec![]);
    let token = AccessToken::new("t");
    let shop = cipher();
    let errors = [
        c.send(&token, user(), &SearchOrders::created_between(0, 1))
            .await
            .unwrap_err(),
        c.send(&token, Scope::Shop(&shop), &GetAuthorizedShops)
            .await
            .unwrap_err(),
        {
            let mut too_big = SearchOrders::created_between(0, 1);
            too_big.page_size = 101;
            c.send(&token, Scope::Shop(&shop), &too_big)
                .await
                .unwrap_err()
        },
        {
            let mut too_small = SearchReturns::created_between(0, 1);
            too_small.page_size = 9;
            c.send(&token, Scope::Shop(&shop), &too_small)
                .await
                .unwrap_err()
        },
    ];
    for error in &errors {
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    }
    assert!(errors[3].to_string().contains("10..=50"), "{}", errors[3]);
    assert!(c.transport().seen().is_empty());
}

#[tokio::test]
async fn an_answer_over_the_body_cap_is_an_error_not_read_into_memory() {
    let huge = format!(
        r#"{{"code":0,"data":{{"orders":[],"next_page_token":"","total_count":0,"pad":"{}"}}}}"#,
        "x".repeat(2048)
    );
    let mut c = client(vec![answer(200, &huge)]);
    Arc::get_mut(&mut c.inner).unwrap().config.max_body_bytes = 1024;
    let err = c
        .send(
            &AccessToken::new("t"),
            Scope::Shop(&cipher()),
            &SearchOrders::created_between(0, 10),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert_eq!(c.transport().seen().len(), 1, "a huge body is not retried");
}

#[tokio::test]
async fn an_html_error_page_is_a_typed_error_with_a_scrubbed_excerpt() {
    let c = client(vec![answer(
        200,
        "<html><body>Bad gateway ROW_Fw8rBwAAAAAkW03FYd09DG9INtpw361</body></html>",
    )]);
    let err = c
        .send(&AccessToken::new("t"), user(), &GetAuthorizedShops)
        .await
        .unwrap_err();
    match err {
        TikTokError::Decode {
            scrubbed_body_excerpt,
            ..
        } => {
            assert!(scrubbed_body_excerpt.contains("Bad gateway"));
            assert!(!scrubbed_body_excerpt.contains("ROW_Fw8r"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limits_are_kept_per_api_and_account_and_idle_ones_are_trimmed() {
    let c = client(vec![
        answer(200, SHOPS_OK),
        answer(200, EMPTY_PAGE),
        answer(200, SHOPS_OK),
    ]);
    let token = AccessToken::new("t");
    c.send(&token, Scope::User("creator-a"), &GetAuthorizedShops)
        .await
        .unwrap();
    c.send(
        &token,
        Scope::Shop(&cipher()),
        &SearchOrders::created_between(0, 1),
    )
    .await
    .unwrap();
    c.send(&token, Scope::User("creator-b"), &GetAuthorizedShops)
        .await
        .unwrap();
    assert_eq!(c.accounts_held(), 3, "one queue per API and account");
    c.forget_account("creator-a");
    assert_eq!(c.accounts_held(), 0, "idle queues go when trimmed");
}

#[tokio::test]
async fn one_unreadable_order_is_kept_aside_and_the_page_still_decodes() {
    let page = r#"{"code":0,"data":{"orders":[{"id":"1","status":"COMPLETED"},{"id":"2","create_time":{"odd":true}}],"next_page_token":"","total_count":2}}"#;
    let c = client(vec![answer(200, page)]);
    let page = c
        .send(
            &AccessToken::new("t"),
            Scope::Shop(&cipher()),
            &SearchOrders::created_between(0, 10),
        )
        .await
        .unwrap();
    assert_eq!(page.orders.ok.len(), 1);
    assert_eq!(page.orders.bad.len(), 1);
    assert_eq!(page.orders.bad[0].0, "2");
}
