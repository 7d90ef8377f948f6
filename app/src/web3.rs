//! The browser side of wallet sign-in: the injected EIP-1193 provider (`window.ethereum`)
//! reached through wasm-bindgen, and the few browser facts a SIWE message needs.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn provider() -> Option<JsValue> {
    let window = web_sys::window()?;
    let ethereum = Reflect::get(&window, &JsValue::from_str("ethereum")).ok()?;
    (!ethereum.is_undefined() && !ethereum.is_null()).then_some(ethereum)
}

/// True when a wallet extension injected a provider.
pub fn has_provider() -> bool {
    provider().is_some()
}

fn describe(error: JsValue) -> String {
    Reflect::get(&error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the wallet reported an error".to_string())
}

async fn request(method: &str, params: Array) -> Result<JsValue, String> {
    let ethereum = provider().ok_or_else(|| "No wallet found in this browser.".to_string())?;
    let request = Reflect::get(&ethereum, &JsValue::from_str("request"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| "The wallet does not support EIP-1193 requests.".to_string())?;
    let args = Object::new();
    Reflect::set(
        &args,
        &JsValue::from_str("method"),
        &JsValue::from_str(method),
    )
    .map_err(describe)?;
    Reflect::set(&args, &JsValue::from_str("params"), &params).map_err(describe)?;
    let promise = request
        .call1(&ethereum, &args)
        .map_err(describe)?
        .dyn_into::<Promise>()
        .map_err(|_| "The wallet did not answer with a promise.".to_string())?;
    JsFuture::from(promise).await.map_err(describe)
}

/// `eth_requestAccounts`: the first account the user shares.
pub async fn request_account() -> Result<String, String> {
    let accounts = request("eth_requestAccounts", Array::new()).await?;
    Array::from(&accounts)
        .get(0)
        .as_string()
        .ok_or_else(|| "The wallet shared no account.".to_string())
}

/// `personal_sign` (EIP-191) of a UTF-8 message by `address`; returns the 0x signature.
pub async fn personal_sign(message: &str, address: &str) -> Result<String, String> {
    let hex: String = message
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let params = Array::of2(
        &JsValue::from_str(&format!("0x{hex}")),
        &JsValue::from_str(address),
    );
    request("personal_sign", params)
        .await?
        .as_string()
        .ok_or_else(|| "The wallet returned no signature.".to_string())
}

/// `host[:port]` and origin of the page.
pub fn location() -> (String, String) {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    let origin = location
        .as_ref()
        .and_then(|l| l.origin().ok())
        .unwrap_or_default();
    (host, origin)
}

/// Now, RFC 3339 in UTC (`2026-11-25T14:53:01.123Z`).
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// Sends the browser to `url`.
pub fn navigate(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// Reloads the page.
pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// POSTs a JSON body and returns the answer's text.
pub async fn post_json(url: &str, body: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or_else(|| "no window".to_string())?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = web_sys::Headers::new().map_err(describe)?;
    headers
        .set("content-type", "application/json")
        .map_err(describe)?;
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(describe)?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(describe)?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "the answer is not a response".to_string())?;
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    text.as_string()
        .ok_or_else(|| "the answer has no text".to_string())
}
