//! The token vault: OAuth tokens are sealed with AES-256-GCM before they reach the database.
//! Separate keys for access and refresh tokens, a random 96-bit nonce per encryption, associated
//! data binding each ciphertext to its connection and token kind, and a key id stored beside it
//! so keys can rotate.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::{EncryptionKey, Secret, Settings};
use crate::db::SealedToken;

/// Which token a ciphertext holds; part of the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Short-lived access token.
    Access,
    /// Long-lived refresh token.
    Refresh,
}

impl TokenKind {
    fn label(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        }
    }
}

/// A vault failure. Never carries key or token material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    /// The ciphertext was sealed with a key this process does not have.
    #[error("token sealed with unknown key {0}")]
    UnknownKey(String),
    /// Authentication failed: tampered, or bound to another connection or kind.
    #[error("token ciphertext failed authentication")]
    Tampered,
    /// Encryption itself failed.
    #[error("token encryption failed")]
    Encrypt,
    /// Missing keys or unreadable key files.
    #[error("{0}")]
    Keys(String),
}

struct SealingKey {
    id: String,
    cipher: Aes256Gcm,
}

impl SealingKey {
    fn new(key: &EncryptionKey) -> Self {
        // The id names the key without revealing it: a short hash of it.
        let id = hex::encode(&Sha256::digest(key.bytes())[..4]);
        SealingKey {
            id,
            cipher: Aes256Gcm::new(key.bytes().into()),
        }
    }
}

/// Seals and opens OAuth tokens.
pub struct TokenVault {
    access: SealingKey,
    refresh: SealingKey,
}

impl std::fmt::Debug for TokenVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TokenVault(access key {}, refresh key {})",
            self.access.id, self.refresh.id
        )
    }
}

fn associated_data(connection_id: &str, kind: TokenKind) -> Vec<u8> {
    format!("shopscore/v1/{connection_id}/{}", kind.label()).into_bytes()
}

impl TokenVault {
    /// A vault with the two keys.
    pub fn new(access: &EncryptionKey, refresh: &EncryptionKey) -> Self {
        TokenVault {
            access: SealingKey::new(access),
            refresh: SealingKey::new(refresh),
        }
    }

    /// The vault for these settings: the configured keys, or in sandbox mode keys generated once
    /// and kept under `DATA_DIR` (`token_encryption.key`, `refresh_token_encryption.key`).
    pub fn from_settings(settings: &Settings) -> Result<Self, VaultError> {
        match (&settings.token_key, &settings.refresh_token_key) {
            (Some(a), Some(r)) => Ok(TokenVault::new(a, r)),
            _ if settings.sandbox_mode() => {
                let a = match &settings.token_key {
                    Some(k) => k.clone(),
                    None => load_or_generate(&settings.data_dir.join("token_encryption.key"), "TOKEN_ENCRYPTION_KEY")?,
                };
                let r = match &settings.refresh_token_key {
                    Some(k) => k.clone(),
                    None => load_or_generate(
                        &settings.data_dir.join("refresh_token_encryption.key"),
                        "REFRESH_TOKEN_ENCRYPTION_KEY",
                    )?,
                };
                Ok(TokenVault::new(&a, &r))
            }
            (None, _) => Err(VaultError::Keys(
                "TOKEN_ENCRYPTION_KEY is required when TikTok Shop app credentials are configured".into(),
            )),
            (_, None) => Err(VaultError::Keys(
                "REFRESH_TOKEN_ENCRYPTION_KEY is required when TikTok Shop app credentials are configured".into(),
            )),
        }
    }

    fn key(&self, kind: TokenKind) -> &SealingKey {
        match kind {
            TokenKind::Access => &self.access,
            TokenKind::Refresh => &self.refresh,
        }
    }

    /// Encrypts a token for a connection.
    pub fn seal(
        &self,
        connection_id: &str,
        kind: TokenKind,
        token: &Secret,
    ) -> Result<SealedToken, VaultError> {
        let key = self.key(kind);
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = associated_data(connection_id, kind);
        let ciphertext = key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: token.expose().as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Encrypt)?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        Ok(SealedToken {
            key_id: key.id.clone(),
            blob,
        })
    }

    /// Decrypts a token sealed for this connection and kind.
    pub fn open(
        &self,
        connection_id: &str,
        kind: TokenKind,
        sealed: &SealedToken,
    ) -> Result<Secret, VaultError> {
        let key = self.key(kind);
        if sealed.key_id != key.id {
            return Err(VaultError::UnknownKey(sealed.key_id.clone()));
        }
        if sealed.blob.len() < 12 + 16 {
            return Err(VaultError::Tampered);
        }
        let (nonce, ciphertext) = sealed.blob.split_at(12);
        let aad = associated_data(connection_id, kind);
        let plain = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Tampered)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| VaultError::Tampered)
    }
}

fn load_or_generate(path: &Path, var: &'static str) -> Result<EncryptionKey, VaultError> {
    match std::fs::read_to_string(path) {
        Ok(text) => EncryptionKey::from_hex(var, &text)
            .map_err(|e| VaultError::Keys(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = EncryptionKey::generate();
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    VaultError::Keys(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            write_private(path, &key.to_hex())
                .map_err(|e| VaultError::Keys(format!("cannot write {}: {e}", path.display())))?;
            tracing::info!(file = %path.display(), "generated a sandbox-mode token encryption key");
            Ok(key)
        }
        Err(e) => Err(VaultError::Keys(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Creates `path` readable by its owner only (0600) and writes `contents`; fails if it exists.
pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> TokenVault {
        TokenVault::new(&EncryptionKey::generate(), &EncryptionKey::generate())
    }

    #[test]
    fn a_sealed_token_opens_for_its_connection_and_kind() {
        let v = vault();
        let sealed = v
            .seal("conn-1", TokenKind::Access, &Secret::new("ROW_abc"))
            .unwrap();
        assert_eq!(
            v.open("conn-1", TokenKind::Access, &sealed)
                .unwrap()
                .expose(),
            "ROW_abc"
        );
        assert!(
            !sealed.blob.windows(7).any(|w| w == b"ROW_abc"),
            "ciphertext hides the token"
        );
    }

    #[test]
    fn sealing_twice_uses_fresh_nonces() {
        let v = vault();
        let a = v.seal("c", TokenKind::Access, &Secret::new("t")).unwrap();
        let b = v.seal("c", TokenKind::Access, &Secret::new("t")).unwrap();
        assert_ne!(a.blob[..12], b.blob[..12]);
    }

    #[test]
    fn a_token_moved_to_another_connection_or_kind_does_not_open() {
        let v = vault();
        let sealed = v
            .seal("conn-1", TokenKind::Refresh, &Secret::new("r"))
            .unwrap();
        assert_eq!(
            v.open("conn-2", TokenKind::Refresh, &sealed),
            Err(VaultError::Tampered)
        );
        // Access and refresh tokens use different keys, so the key id already differs.
        assert!(v.open("conn-1", TokenKind::Access, &sealed).is_err());
    }

    #[test]
    fn a_flipped_bit_is_detected() {
        let v = vault();
        let mut sealed = v
            .seal("c", TokenKind::Access, &Secret::new("token"))
            .unwrap();
        let last = sealed.blob.len() - 1;
        sealed.blob[last] ^= 1;
        assert_eq!(
            v.open("c", TokenKind::Access, &sealed),
            Err(VaultError::Tampered)
        );
    }

    #[test]
    fn sandbox_keys_are_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        let a = load_or_generate(&path, "TOKEN_ENCRYPTION_KEY").unwrap();
        let b = load_or_generate(&path, "TOKEN_ENCRYPTION_KEY").unwrap();
        assert_eq!(a.to_hex(), b.to_hex());
    }
}
