//! The TikTok secrets (the server's one [`crate::secret::Secret`] type, by kind) and the shop
//! cipher.

pub use crate::secret::{AccessToken, AppSecret, AuthCode, RefreshToken};

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
