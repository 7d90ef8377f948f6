//! The token endpoints' answer (`auth.tiktok-shops.com/api/v2/token/get` and `/refresh`,
//! reference: the authorization guides 202309 and 202407): absolute expiry times, the open id,
//! the account kind (`user_type` 0 seller, 1 creator, 3 partner) and the granted scopes.

use serde::Deserialize;

use super::de;
use super::envelope::decode_envelope;
use super::error::{codes, ErrorKind, TikTokError};
use super::secret::{AccessToken, RefreshToken};

/// Who authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    /// `user_type` 0: a seller.
    Seller,
    /// `user_type` 1: a creator.
    Creator,
    /// `user_type` 3: a partner (TAP): not an income source the product scores.
    Partner,
    /// Any other value: refused with the value named.
    Other(i64),
}

/// The result of a token exchange or refresh. Expiry times are absolute unix seconds.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// The access token.
    pub access_token: AccessToken,
    /// When it expires (absolute).
    pub access_token_expire_in: i64,
    /// The refresh token (store whatever comes back: it may rotate).
    pub refresh_token: RefreshToken,
    /// When it expires (absolute; the authorization's length).
    pub refresh_token_expire_in: i64,
    /// The account's open id.
    pub open_id: String,
    /// The seller's name (undocumented for creators).
    pub seller_name: String,
    /// `ID`, `US`, `GB`, … (documented for sellers; creators' region comes from their profile).
    pub seller_base_region: String,
    /// Seller, creator or partner.
    pub user_type: UserType,
    /// Scopes granted (`granted_scopes`; older answers call them `granted_permissions`).
    pub granted_scopes: Vec<String>,
}

#[derive(Deserialize)]
struct TokenData {
    access_token: AccessToken,
    #[serde(deserialize_with = "de::i64_or_zero")]
    access_token_expire_in: i64,
    refresh_token: RefreshToken,
    #[serde(default, deserialize_with = "de::i64_or_zero")]
    refresh_token_expire_in: i64,
    #[serde(default, deserialize_with = "de::string")]
    open_id: String,
    #[serde(default, deserialize_with = "de::string")]
    seller_name: String,
    #[serde(default, deserialize_with = "de::string")]
    seller_base_region: String,
    #[serde(default, deserialize_with = "de::opt_i64")]
    user_type: Option<i64>,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    granted_scopes: Vec<String>,
    #[serde(default, deserialize_with = "de::vec_or_empty")]
    granted_permissions: Vec<String>,
}

/// The path both token endpoints report errors under.
pub const TOKEN_ENDPOINT: &str = "/api/v2/token";

/// Parses a token endpoint body (exposed for tests and the sample files).
pub fn decode_token_response(status: u16, body: &[u8]) -> Result<TokenGrant, TikTokError> {
    let data: TokenData = decode_envelope(TOKEN_ENDPOINT, status, None, body)?;
    let user_type = match data.user_type {
        Some(0) | None => UserType::Seller,
        Some(1) => UserType::Creator,
        Some(3) => UserType::Partner,
        Some(other) => UserType::Other(other),
    };
    let granted_scopes = if data.granted_scopes.is_empty() {
        data.granted_permissions
    } else {
        data.granted_scopes
    };
    Ok(TokenGrant {
        access_token: data.access_token,
        access_token_expire_in: data.access_token_expire_in,
        refresh_token: data.refresh_token,
        refresh_token_expire_in: data.refresh_token_expire_in,
        open_id: data.open_id,
        seller_name: data.seller_name,
        seller_base_region: data.seller_base_region,
        user_type,
        granted_scopes,
    })
}

/// Whether the token endpoint refused a *refresh token* explicitly (expired, retired or
/// unknown): only then must the seller reconnect. TikTok documents no codes for this; these are
/// the answers observed (`36004001 "rt has expired"`, `36004005 "can not find related auth
/// record"`), the access-token codes when the auth host reuses them, and a 36009004 whose message
/// names the refresh token.
pub fn refresh_refused(code: i64, message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    match code {
        codes::REFRESH_EXPIRED | codes::AUTH_RECORD_MISSING => true,
        codes::INVALID_TOKEN | codes::TOKEN_EXPIRED => true,
        codes::REQUEST_ERROR => {
            (m.contains("refresh_token") || m.contains("refresh token"))
                && (m.contains("invalid") || m.contains("expired"))
        }
        _ => false,
    }
}

/// The error a refresh ends with: a refused refresh token becomes [`ErrorKind::RefreshRefused`].
pub fn classify_refresh(mut error: TikTokError) -> TikTokError {
    if let TikTokError::Api {
        code,
        kind,
        message,
        ..
    } = &mut error
    {
        if refresh_refused(*code, message) {
            *kind = ErrorKind::RefreshRefused;
        }
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(user_type: &str, scopes: &str) -> Vec<u8> {
        format!(
            r#"{{"code":0,"message":"success","data":{{"access_token":"a","access_token_expire_in":10,"refresh_token":"r","refresh_token_expire_in":20,"open_id":"o","user_type":{user_type}{scopes}}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn user_types_follow_the_202407_table() {
        let read = |t: &str| decode_token_response(200, &grant(t, "")).unwrap().user_type;
        assert_eq!(read("0"), UserType::Seller);
        assert_eq!(read("1"), UserType::Creator);
        assert_eq!(read("3"), UserType::Partner);
        assert_eq!(read("7"), UserType::Other(7));
    }

    #[test]
    fn scopes_are_read_under_either_documented_name() {
        let g = decode_token_response(
            200,
            &grant("0", r#","granted_scopes":["seller.order.info"]"#),
        )
        .unwrap();
        assert_eq!(g.granted_scopes, vec!["seller.order.info"]);
        let g = decode_token_response(
            200,
            &grant("0", r#","granted_permissions":["MANAGE_ORDERS"]"#),
        )
        .unwrap();
        assert_eq!(g.granted_scopes, vec!["MANAGE_ORDERS"]);
    }

    #[test]
    fn only_explicit_refresh_token_answers_are_refusals() {
        let api = |code: i64, message: &str| TikTokError::Api {
            code,
            kind: super::super::error::classify(code),
            message: message.into(),
            request_id: String::new(),
            endpoint: TOKEN_ENDPOINT,
            retry_after: None,
        };
        assert!(refresh_refused(36004001, "rt has expired"));
        assert!(refresh_refused(
            36004005,
            "can not find related auth record"
        ));
        assert!(refresh_refused(36009004, "refresh_token is invalid"));
        assert!(!refresh_refused(36009004, "invalid app_key"));
        assert!(!refresh_refused(36009003, "internal error"));
        let timeout = classify_refresh(TikTokError::Timeout {
            endpoint: TOKEN_ENDPOINT,
        });
        assert_eq!(timeout.kind(), ErrorKind::Timeout);
        assert_eq!(
            classify_refresh(api(36004001, "rt has expired")).kind(),
            ErrorKind::RefreshRefused
        );
        assert_eq!(
            classify_refresh(api(36009003, "x")).kind(),
            ErrorKind::ServerError
        );
    }
}
