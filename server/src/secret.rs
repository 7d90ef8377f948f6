//! The server's one secret type: `Secret<K>`, a string that prints `[redacted]`, has no
//! `Serialize`, and is exposed only where a request is built or the vault encrypts it. The
//! marker `K` keeps an app secret, an access token, a refresh token and an auth code from
//! being passed for one another.

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer};

/// A secret string of kind `K`.
pub struct Secret<K = Opaque>(String, PhantomData<fn() -> K>);

/// A secret of no particular kind (configuration values).
#[derive(Debug)]
pub enum Opaque {}
/// The app secret from Partner Center: signs every Open API call.
#[derive(Debug)]
pub enum App {}
/// An Open API access token (`x-tts-access-token`).
#[derive(Debug)]
pub enum Access {}
/// A refresh token: trades for a new access token (and a new refresh token).
#[derive(Debug)]
pub enum Refresh {}
/// A single-use authorization code from the redirect back to the app.
#[derive(Debug)]
pub enum Code {}

/// The app secret.
pub type AppSecret = Secret<App>;
/// An access token.
pub type AccessToken = Secret<Access>;
/// A refresh token.
pub type RefreshToken = Secret<Refresh>;
/// An authorization code.
pub type AuthCode = Secret<Code>;

impl<K> Secret<K> {
    /// Wraps the secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into(), PhantomData)
    }

    /// The secret itself: call only where a request is built or the vault encrypts it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The same value as a secret of another kind (a token read back from the vault).
    pub fn into_kind<L>(self) -> Secret<L> {
        Secret(self.0, PhantomData)
    }
}

impl<K> Clone for Secret<K> {
    fn clone(&self) -> Self {
        Secret(self.0.clone(), PhantomData)
    }
}

impl<K> PartialEq for Secret<K> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K> Eq for Secret<K> {}

impl<K> std::hash::Hash for Secret<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

impl<K> fmt::Debug for Secret<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<K> fmt::Display for Secret<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de, K> Deserialize<'de> for Secret<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
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
        assert_eq!(
            format!("{:?}", Secret::<Opaque>::new("hunter2")),
            "[redacted]"
        );
        assert_eq!(token.expose(), "ROW_secret_token");
    }
}
