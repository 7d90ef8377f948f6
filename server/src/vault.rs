//! The token vault: OAuth tokens are sealed with AES-256-GCM before they reach the database.
//! Separate keyrings for access and refresh tokens, each the current key plus earlier ones
//! named by key id; a random 96-bit nonce per encryption; associated data binding each
//! ciphertext to its grant and token kind. Tokens sealed with an earlier key still open, and
//! [`TokenVault::reseal`] moves them to the current key (`shopscore rotate-keys`).

use std::collections::HashMap;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::config::{EncryptionKey, Settings};
use crate::db::{SealedToken, SealedTokens};
use crate::secret::Secret;

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
    /// Authentication failed: tampered, or bound to another grant or kind.
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
        SealingKey {
            id: key_id(key),
            cipher: Aes256Gcm::new(key.bytes().into()),
        }
    }
}

/// The id a key is stored under: the first 4 bytes of its SHA-256, hex.
pub fn key_id(key: &EncryptionKey) -> String {
    hex::encode(&Sha256::digest(key.bytes())[..4])
}

/// The current key and the earlier ones of one token kind.
struct Keyring {
    current: SealingKey,
    earlier: HashMap<String, SealingKey>,
}

impl Keyring {
    fn new(current: &EncryptionKey, earlier: &[EncryptionKey]) -> Keyring {
        let current = SealingKey::new(current);
        let earlier = earlier
            .iter()
            .map(SealingKey::new)
            .filter(|k| k.id != current.id)
            .map(|k| (k.id.clone(), k))
            .collect();
        Keyring { current, earlier }
    }

    fn find(&self, id: &str) -> Option<&SealingKey> {
        if self.current.id == id {
            Some(&self.current)
        } else {
            self.earlier.get(id)
        }
    }
}

/// Seals and opens OAuth tokens.
pub struct TokenVault {
    access: Keyring,
    refresh: Keyring,
}

impl std::fmt::Debug for TokenVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TokenVault(access key {} +{}, refresh key {} +{})",
            self.access.current.id,
            self.access.earlier.len(),
            self.refresh.current.id,
            self.refresh.earlier.len()
        )
    }
}

fn associated_data(owner_id: &str, kind: TokenKind) -> Vec<u8> {
    format!("shopscore/v2/{owner_id}/{}", kind.label()).into_bytes()
}

impl TokenVault {
    /// A vault with the two current keys and no earlier ones.
    pub fn new(access: &EncryptionKey, refresh: &EncryptionKey) -> Self {
        TokenVault::with_earlier(access, &[], refresh, &[])
    }

    /// A vault with the current keys and the earlier keys that still open old tokens.
    pub fn with_earlier(
        access: &EncryptionKey,
        earlier_access: &[EncryptionKey],
        refresh: &EncryptionKey,
        earlier_refresh: &[EncryptionKey],
    ) -> Self {
        TokenVault {
            access: Keyring::new(access, earlier_access),
            refresh: Keyring::new(refresh, earlier_refresh),
        }
    }

    /// The vault for these settings: the configured keys, or in sandbox mode keys generated once
    /// and kept under `DATA_DIR` (`token_encryption.key`, `refresh_token_encryption.key`).
    pub fn from_settings(settings: &Settings) -> Result<Self, VaultError> {
        let keys = &settings.keys;
        let (access, refresh) = match (&keys.token, &keys.refresh_token) {
            (Some(a), Some(r)) => (a.clone(), r.clone()),
            _ if settings.sandbox_mode() => (
                match &keys.token {
                    Some(k) => k.clone(),
                    None => load_or_generate(
                        &settings.data_dir.join("token_encryption.key"),
                        "TOKEN_ENCRYPTION_KEY",
                    )?,
                },
                match &keys.refresh_token {
                    Some(k) => k.clone(),
                    None => load_or_generate(
                        &settings.data_dir.join("refresh_token_encryption.key"),
                        "REFRESH_TOKEN_ENCRYPTION_KEY",
                    )?,
                },
            ),
            (None, _) => return Err(VaultError::Keys(
                "TOKEN_ENCRYPTION_KEY is required when TikTok Shop app credentials are configured".into(),
            )),
            (_, None) => return Err(VaultError::Keys(
                "REFRESH_TOKEN_ENCRYPTION_KEY is required when TikTok Shop app credentials are configured".into(),
            )),
        };
        Ok(TokenVault::with_earlier(
            &access,
            &keys.previous_token,
            &refresh,
            &keys.previous_refresh_token,
        ))
    }

    fn ring(&self, kind: TokenKind) -> &Keyring {
        match kind {
            TokenKind::Access => &self.access,
            TokenKind::Refresh => &self.refresh,
        }
    }

    /// Encrypts a token for its owner (a grant or a held grant) with the current key.
    pub fn seal<K>(
        &self,
        owner_id: &str,
        kind: TokenKind,
        token: &Secret<K>,
    ) -> Result<SealedToken, VaultError> {
        let key = &self.ring(kind).current;
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = associated_data(owner_id, kind);
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

    /// Decrypts a token sealed for this owner and kind, with whichever key of the ring sealed it.
    pub fn open<K>(
        &self,
        owner_id: &str,
        kind: TokenKind,
        sealed: &SealedToken,
    ) -> Result<Secret<K>, VaultError> {
        let key = self
            .ring(kind)
            .find(&sealed.key_id)
            .ok_or_else(|| VaultError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.blob.len() < 12 + 16 {
            return Err(VaultError::Tampered);
        }
        let (nonce, ciphertext) = sealed.blob.split_at(12);
        let aad = associated_data(owner_id, kind);
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

    /// Seals both tokens of a grant.
    pub fn seal_pair<A, R>(
        &self,
        owner_id: &str,
        access: &Secret<A>,
        access_expires_at: i64,
        refresh: &Secret<R>,
        refresh_expires_at: i64,
    ) -> Result<SealedTokens, VaultError> {
        Ok(SealedTokens {
            access: self.seal(owner_id, TokenKind::Access, access)?,
            access_expires_at,
            refresh: self.seal(owner_id, TokenKind::Refresh, refresh)?,
            refresh_expires_at,
        })
    }

    /// The tokens re-sealed with the current keys, or `None` when they already are.
    pub fn reseal(
        &self,
        owner_id: &str,
        tokens: &SealedTokens,
    ) -> Result<Option<SealedTokens>, VaultError> {
        if tokens.access.key_id == self.access.current.id
            && tokens.refresh.key_id == self.refresh.current.id
        {
            return Ok(None);
        }
        let access: Secret = self.open(owner_id, TokenKind::Access, &tokens.access)?;
        let refresh: Secret = self.open(owner_id, TokenKind::Refresh, &tokens.refresh)?;
        self.seal_pair(
            owner_id,
            &access,
            tokens.access_expires_at,
            &refresh,
            tokens.refresh_expires_at,
        )
        .map(Some)
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

/// What a key rotation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Grants whose tokens were re-sealed with the current keys.
    pub resealed: u64,
    /// Grants already sealed with the current keys.
    pub current: u64,
    /// Grants whose tokens changed meanwhile (a refresh stored new ones, sealed with the
    /// current keys).
    pub raced: u64,
    /// Grants whose key is not in the keyring (logged, left as they are).
    pub failed: u64,
}

impl std::fmt::Display for Rotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "resealed {}\nalready_current {}\nrefreshed_meanwhile {}\nfailed {}",
            self.resealed, self.current, self.raced, self.failed
        )
    }
}

/// Re-seals every stored grant's tokens with the current keys (`shopscore rotate-keys`). Each
/// write is a compare-and-set on the grant's token version, so a refresh running at the same
/// time wins and its tokens (sealed with the current keys already) stay.
pub async fn rotate_keys(
    db: &dyn crate::db::Database,
    vault: &TokenVault,
) -> Result<Rotation, String> {
    let mut rotation = Rotation::default();
    let grants = db
        .sealed_grants()
        .await
        .map_err(|e| format!("cannot list the stored grants: {e}"))?;
    for (id, version, tokens) in grants {
        match vault.reseal(&id, &tokens) {
            Ok(None) => rotation.current += 1,
            Ok(Some(fresh)) => match db.store_refreshed(&id, version, &fresh).await {
                Ok(true) => rotation.resealed += 1,
                Ok(false) => rotation.raced += 1,
                Err(e) => return Err(format!("cannot store re-sealed tokens: {e}")),
            },
            Err(e) => {
                tracing::error!(grant.id = %id, error = %e, "cannot re-seal a grant's tokens");
                rotation.failed += 1;
            }
        }
    }
    Ok(rotation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> TokenVault {
        TokenVault::new(&EncryptionKey::generate(), &EncryptionKey::generate())
    }

    #[test]
    fn a_sealed_token_opens_for_its_grant_and_kind() {
        let v = vault();
        let sealed = v
            .seal("grant-1", TokenKind::Access, &Secret::<()>::new("ROW_abc"))
            .unwrap();
        let opened: Secret = v.open("grant-1", TokenKind::Access, &sealed).unwrap();
        assert_eq!(opened.expose(), "ROW_abc");
        assert!(!sealed.blob.windows(7).any(|w| w == b"ROW_abc"));
    }

    #[test]
    fn sealing_twice_uses_fresh_nonces() {
        let v = vault();
        let token = Secret::<()>::new("same");
        let a = v.seal("g", TokenKind::Access, &token).unwrap();
        let b = v.seal("g", TokenKind::Access, &token).unwrap();
        assert_ne!(a.blob, b.blob);
    }

    #[test]
    fn a_token_moved_to_another_grant_or_kind_does_not_open() {
        let v = vault();
        let sealed = v
            .seal("grant-1", TokenKind::Refresh, &Secret::<()>::new("r"))
            .unwrap();
        assert_eq!(
            v.open::<()>("grant-2", TokenKind::Refresh, &sealed),
            Err(VaultError::Tampered)
        );
        assert!(v.open::<()>("grant-1", TokenKind::Access, &sealed).is_err());
    }

    #[test]
    fn a_flipped_bit_is_detected() {
        let v = vault();
        let mut sealed = v
            .seal("g", TokenKind::Access, &Secret::<()>::new("token"))
            .unwrap();
        let last = sealed.blob.len() - 1;
        sealed.blob[last] ^= 1;
        assert_eq!(
            v.open::<()>("g", TokenKind::Access, &sealed),
            Err(VaultError::Tampered)
        );
    }

    #[test]
    fn tokens_sealed_with_an_earlier_key_open_and_reseal_with_the_current_one() {
        let (old_a, old_r) = (EncryptionKey::generate(), EncryptionKey::generate());
        let before = TokenVault::new(&old_a, &old_r);
        let tokens = before
            .seal_pair(
                "g",
                &Secret::<()>::new("a"),
                10,
                &Secret::<()>::new("r"),
                20,
            )
            .unwrap();
        let (new_a, new_r) = (EncryptionKey::generate(), EncryptionKey::generate());
        let after = TokenVault::with_earlier(&new_a, &[old_a], &new_r, &[old_r]);
        let opened: Secret = after.open("g", TokenKind::Access, &tokens.access).unwrap();
        assert_eq!(opened.expose(), "a");
        let resealed = after
            .reseal("g", &tokens)
            .unwrap()
            .expect("moved to the new keys");
        assert_eq!(resealed.access.key_id, key_id(&new_a));
        assert_eq!(resealed.refresh_expires_at, 20);
        assert_eq!(after.reseal("g", &resealed).unwrap(), None);
        let only_new = TokenVault::new(&new_a, &new_r);
        let r: Secret = only_new
            .open("g", TokenKind::Refresh, &resealed.refresh)
            .unwrap();
        assert_eq!(r.expose(), "r");
        assert!(matches!(
            only_new.open::<()>("g", TokenKind::Access, &tokens.access),
            Err(VaultError::UnknownKey(_))
        ));
    }
}
