//! The lenders' credential: an Ethereum Attestation Service (EAS) off-chain attestation,
//! signed by shopscore's attester key over the borrower's score and verified income, bound to
//! the borrower's wallet. Any lender verifies it with standard tooling (the EAS SDK, easscan,
//! any EIP-712 library) without trusting shopscore's servers, and it can be published on-chain
//! unchanged.
//!
//! What it proves: that shopscore's attester, at `time`, said this wallet had this score,
//! grade, confidence and monthly verified income (or only that the income reached a threshold),
//! from the inputs named by the digest, under the model version. What it does not: that the
//! wallet's owner runs the shop today (it lapses at `expirationTime`), or anything TikTok did
//! not report.

pub mod credential;
pub mod eip712;

#[cfg(test)]
mod tests;

use k256::ecdsa::SigningKey;
use serde_json::Value;
use shopscore::wallet::WalletAddress;

use crate::config::{AttestationSettings, Settings};
pub use credential::{Invalid, ScoreClaim, Verified, SCHEMA};
use eip712::{Attest, Domain};

/// Why the attester cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum AttesterError {
    /// The key is not 32 bytes of hex, or not a valid secp256k1 scalar.
    #[error("ATTESTER_PRIVATE_KEY: expected 64 hexadecimal digits of a secp256k1 private key")]
    BadKey,
    /// The contract address does not parse.
    #[error("EAS_CONTRACT: expected a 0x address")]
    BadContract,
    /// The generated development key could not be kept.
    #[error("cannot keep the development attester key in {0}")]
    Keep(String),
}

/// shopscore's attester on one EAS deployment.
pub struct Attester {
    key: SigningKey,
    address: WalletAddress,
    domain: Domain,
    schema_uid: [u8; 32],
}

impl std::fmt::Debug for Attester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attester")
            .field("address", &self.address.to_string())
            .finish_non_exhaustive()
    }
}

fn key_from_hex(text: &str) -> Result<SigningKey, AttesterError> {
    let bytes =
        hex::decode(text.trim().trim_start_matches("0x")).map_err(|_| AttesterError::BadKey)?;
    SigningKey::from_slice(&bytes).map_err(|_| AttesterError::BadKey)
}

impl Attester {
    /// An attester with this key on this deployment.
    pub fn new(key: SigningKey, a: &AttestationSettings) -> Result<Attester, AttesterError> {
        let contract = WalletAddress::parse(&a.contract).map_err(|_| AttesterError::BadContract)?;
        let address = WalletAddress::from_bytes(eip712::address_of(key.verifying_key()));
        Ok(Attester {
            key,
            address,
            domain: Domain {
                version: a.eas_version.clone(),
                chain_id: a.chain_id,
                verifying_contract: *contract.as_bytes(),
            },
            schema_uid: eip712::schema_uid(SCHEMA, &[0u8; 20], true),
        })
    }

    /// The configured attester: `ATTESTER_PRIVATE_KEY`, or in sandbox mode a key generated once
    /// and kept in `DATA_DIR/attester.key`.
    pub fn from_settings(settings: &Settings) -> Result<Attester, AttesterError> {
        let a = &settings.attestation;
        let key = match &a.private_key {
            Some(secret) => key_from_hex(secret.expose())?,
            None => {
                let path = settings.data_dir.join("attester.key");
                match std::fs::read_to_string(&path) {
                    Ok(text) => key_from_hex(&text)?,
                    Err(_) => {
                        let key = SigningKey::random(&mut rand::rngs::OsRng);
                        std::fs::create_dir_all(&settings.data_dir)
                            .and_then(|_| {
                                crate::vault::write_private(&path, &hex::encode(key.to_bytes()))
                            })
                            .map_err(|e| AttesterError::Keep(format!("{}: {e}", path.display())))?;
                        key
                    }
                }
            }
        };
        Attester::new(key, a)
    }

    /// The attester's address (EIP-55).
    pub fn address(&self) -> WalletAddress {
        self.address
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.domain.chain_id
    }

    /// The EAS contract.
    pub fn contract(&self) -> WalletAddress {
        WalletAddress::from_bytes(self.domain.verifying_contract)
    }

    /// The EAS contract's version in the domain.
    pub fn eas_version(&self) -> &str {
        &self.domain.version
    }

    /// The schema's UID, `0x…`.
    pub fn schema_uid(&self) -> String {
        format!("0x{}", hex::encode(self.schema_uid))
    }

    /// Signs a claim for `recipient`: the package JSON and its UID.
    pub fn issue(
        &self,
        claim: &ScoreClaim,
        recipient: &WalletAddress,
        time: u64,
        expiration_time: u64,
        ref_uid: Option<&str>,
    ) -> Result<(Value, String), String> {
        let data = claim
            .encode()
            .ok_or_else(|| "the inputs digest is not 32 bytes of hex".to_string())?;
        let ref_uid = match ref_uid {
            Some(uid) => hex::decode(uid.trim_start_matches("0x"))
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| "the replaced attestation's UID is not 32 bytes".to_string())?,
            None => [0u8; 32],
        };
        let attest = Attest {
            schema: self.schema_uid,
            recipient: *recipient.as_bytes(),
            time,
            expiration_time,
            revocable: true,
            ref_uid,
            data,
            salt: rand::random(),
        };
        let rsv =
            eip712::sign(&self.key, &attest.digest(&self.domain)).map_err(|e| e.to_string())?;
        let uid = format!("0x{}", hex::encode(attest.uid()));
        Ok((
            credential::package(&attest, &self.domain, &rsv, &self.address),
            uid,
        ))
    }

    /// Verifies a package at `now` against this attester; `recipient` when the lender asks
    /// about one wallet.
    pub fn verify(
        &self,
        json: &Value,
        now: u64,
        is_revoked: &dyn Fn(&str) -> bool,
        recipient: Option<&WalletAddress>,
    ) -> Result<Verified, Invalid> {
        credential::verify(
            json,
            &self.domain,
            &self.schema_uid,
            self.address.as_bytes(),
            now,
            is_revoked,
            recipient,
        )
    }
}
