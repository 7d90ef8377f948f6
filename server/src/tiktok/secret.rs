//! Secrets as types: app secret, access and refresh tokens, auth codes. They print
//! `[redacted]`, have no `Serialize`, and are exposed only where a request is built.

use std::fmt;

use serde::{Deserialize, Deserializer};

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps the secret value.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }
            /// The secret itself: call only where a request is built or the vault encrypts it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($name)
            }
        }
    };
}

secret_type!(
    /// The app secret from Partner Center: signs every Open API call.
    AppSecret
);
secret_type!(
    /// An Open API access token (`x-tts-access-token`).
    AccessToken
);
secret_type!(
    /// A refresh token: trades for a new access token (and a new refresh token).
    RefreshToken
);
secret_type!(
    /// A single-use authorization code from the redirect back to the app.
    AuthCode
);

impl From<crate::config::Secret> for AppSecret {
    fn from(secret: crate::config::Secret) -> Self {
        AppSecret::new(secret.expose())
    }
}

/// The `cipher` of an authorized shop: required on every shop-scoped call. Not a secret,
/// but never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShopCipher(String);

impl ShopCipher {
    /// Parses a cipher: non-empty, no whitespace.
    pub fn parse(value: impl Into<String>) -> Result<ShopCipher, crate::tiktok::TikTokError> {
        let value = value.into();
        if value.is_empty() || value.chars().any(char::is_whitespace) {
            return Err(crate::tiktok::TikTokError::InvalidInput(
                "a shop cipher is a non-empty string without whitespace".into(),
            ));
        }
        Ok(ShopCipher(value))
    }
    /// The cipher text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ShopCipher {
    type Error = crate::tiktok::TikTokError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ShopCipher::parse(value)
    }
}

impl From<ShopCipher> for String {
    fn from(cipher: ShopCipher) -> String {
        cipher.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_print_redacted_in_debug_and_display() {
        let token = AccessToken::new("ROW_secret_token");
        assert_eq!(format!("{token:?}"), "[redacted]");
        assert_eq!(format!("{token}"), "[redacted]");
        assert_eq!(format!("{:?}", AppSecret::new("s")), "[redacted]");
        assert_eq!(format!("{:?}", RefreshToken::new("r")), "[redacted]");
        assert_eq!(format!("{:?}", AuthCode::new("c")), "[redacted]");
        assert_eq!(token.expose(), "ROW_secret_token");
    }

    #[test]
    fn a_shop_cipher_must_be_non_empty() {
        assert!(ShopCipher::parse("").is_err());
        assert!(ShopCipher::parse("a b").is_err());
        assert_eq!(
            ShopCipher::parse("GCP_x")
                .map(|c| c.as_str().to_string())
                .ok(),
            Some("GCP_x".into())
        );
    }
}
