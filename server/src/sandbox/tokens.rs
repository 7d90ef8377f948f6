//! Self-verifying sandbox credentials: auth codes, access and refresh tokens carry their
//! persona, open id, expiry and data anchor, HMAC-signed with the instance's key, so a restart
//! keeps stored tokens valid. Used codes and retired refresh tokens are remembered in memory.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a credential is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An auth code.
    Code,
    /// An access token.
    Access,
    /// A refresh token.
    Refresh,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Code => "c",
            Kind::Access => "a",
            Kind::Refresh => "r",
        }
    }
    fn prefix(self) -> &'static str {
        match self {
            Kind::Code => "SBXCODE_",
            Kind::Access => "ROW_SBX_",
            Kind::Refresh => "SBXREF_",
        }
    }
}

/// A credential's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// Kind.
    pub kind: Kind,
    /// Persona id.
    pub persona: String,
    /// Expiry (unix seconds).
    pub expires: i64,
    /// Data anchor (unix seconds).
    pub anchor: i64,
    /// Unique per credential.
    pub nonce: String,
}

/// Why a credential was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of ours, tampered with, or the wrong kind.
    Invalid,
    /// Past its expiry.
    Expired,
}

fn mac(key: &[u8; 32], payload: &[u8]) -> Vec<u8> {
    let mut m =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC-SHA256 accepts 32-byte keys");
    m.update(payload);
    m.finalize().into_bytes().to_vec()
}

/// A 64-bit key for the sandbox's page tokens, derived one way from the signing key: page
/// tokens are mixed with a reversible hash, so they must never carry the signing key itself.
pub fn page_token_key(key: &[u8; 32]) -> u64 {
    let digest = mac(key, b"shopscore sandbox page tokens");
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

/// Issues a credential.
pub fn issue(key: &[u8; 32], claims: &Claims) -> String {
    let payload = format!(
        "{}|{}|{}|{}|{}",
        claims.kind.tag(),
        claims.persona,
        claims.expires,
        claims.anchor,
        claims.nonce
    );
    let tag = mac(key, payload.as_bytes());
    format!(
        "{}{}.{}",
        claims.kind.prefix(),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(&tag[..18])
    )
}

/// Verifies a credential of `kind` at time `now`.
pub fn verify(key: &[u8; 32], kind: Kind, text: &str, now: i64) -> Result<Claims, Refusal> {
    use subtle::ConstantTimeEq;
    let body = text.strip_prefix(kind.prefix()).ok_or(Refusal::Invalid)?;
    let (payload_b64, tag_b64) = body.split_once('.').ok_or(Refusal::Invalid)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| Refusal::Invalid)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag_b64)
        .map_err(|_| Refusal::Invalid)?;
    let expected = mac(key, &payload);
    if tag.len() != 18 || !bool::from(expected[..18].ct_eq(&tag)) {
        return Err(Refusal::Invalid);
    }
    let payload = String::from_utf8(payload).map_err(|_| Refusal::Invalid)?;
    let parts: Vec<&str> = payload.split('|').collect();
    let [tag, persona, expires, anchor, nonce] = parts.as_slice() else {
        return Err(Refusal::Invalid);
    };
    if *tag != kind.tag() {
        return Err(Refusal::Invalid);
    }
    let expires: i64 = expires.parse().map_err(|_| Refusal::Invalid)?;
    let anchor: i64 = anchor.parse().map_err(|_| Refusal::Invalid)?;
    if now >= expires {
        return Err(Refusal::Expired);
    }
    Ok(Claims {
        kind,
        persona: persona.to_string(),
        expires,
        anchor,
        nonce: nonce.to_string(),
    })
}

/// Who a grant is for: a persona, its creator side or its seller side, in one sandbox account
/// (each browser signs in to its own copy of the personas; 0 is the shared copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject<'a> {
    /// The persona.
    pub persona: &'a str,
    /// The persona's creator grant (a seller who is also a creator authorizes twice).
    pub creator: bool,
    /// The sandbox account.
    pub account: u32,
}

/// The subject of a grant as a token carries it: `persona[#creator][@account]`.
pub fn grant_subject(persona: &str, creator: bool, account: u32) -> String {
    let mut subject = persona.to_string();
    if creator {
        subject.push_str("#creator");
    }
    if account > 0 {
        subject.push_str(&format!("@{account}"));
    }
    subject
}

/// Reads a grant's subject.
pub fn parse_subject(subject: &str) -> Subject<'_> {
    let (rest, account) = match subject.rsplit_once('@') {
        Some((rest, n)) => (rest, n.parse().unwrap_or(0)),
        None => (subject, 0),
    };
    match rest.strip_suffix("#creator") {
        Some(persona) => Subject {
            persona,
            creator: true,
            account,
        },
        None => Subject {
            persona: rest,
            creator: false,
            account,
        },
    }
}

/// A fresh random nonce.
pub fn nonce() -> String {
    hex::encode(rand::random::<[u8; 12]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(kind: Kind) -> Claims {
        Claims {
            kind,
            persona: "seller-boutique".into(),
            expires: 200,
            anchor: 50,
            nonce: "n1".into(),
        }
    }

    #[test]
    fn a_credential_verifies_until_it_expires() {
        let key = [7u8; 32];
        let token = issue(&key, &claims(Kind::Access));
        assert_eq!(
            verify(&key, Kind::Access, &token, 199),
            Ok(claims(Kind::Access))
        );
        assert_eq!(
            verify(&key, Kind::Access, &token, 200),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn a_tampered_foreign_or_wrong_kind_credential_is_invalid() {
        let key = [7u8; 32];
        let token = issue(&key, &claims(Kind::Refresh));
        assert_eq!(
            verify(&[8u8; 32], Kind::Refresh, &token, 0),
            Err(Refusal::Invalid)
        );
        assert_eq!(verify(&key, Kind::Access, &token, 0), Err(Refusal::Invalid));
        let mut forged = token.clone();
        forged.insert(10, 'x');
        assert_eq!(
            verify(&key, Kind::Refresh, &forged, 0),
            Err(Refusal::Invalid)
        );
    }
}
