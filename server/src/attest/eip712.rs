//! The EAS off-chain attestation, version 2, byte for byte as the EAS SDK (2.10) builds it:
//! the schema's ABI-encoded data, the schema UID, the EIP-712 `Attest` struct and domain, the
//! digest, the UID, and secp256k1 signing and recovery (Keccak-256 from `sha3`, ECDSA with
//! RFC 6979 nonces and low `s` from `k256`).

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};

/// Keccak-256.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`.
const DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
/// The version-2 off-chain `Attest` type.
pub const ATTEST_TYPE: &str = "Attest(uint16 version,bytes32 schema,address recipient,uint64 time,uint64 expirationTime,bool revocable,bytes32 refUID,bytes data,bytes32 salt)";
/// The domain's name for off-chain attestations (not the contract's on-chain `"EAS"`).
pub const DOMAIN_NAME: &str = "EAS Attestation";
/// The off-chain attestation version.
pub const VERSION: u16 = 2;

/// One ABI value of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// `uint8` … `uint256` up to 128 bits, right-aligned.
    Uint(u128),
    /// `bool`.
    Bool(bool),
    /// `bytes32`.
    Bytes32([u8; 32]),
    /// `string` (dynamic).
    String(String),
}

fn word_u128(v: u128) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[16..].copy_from_slice(&v.to_be_bytes());
    w
}

fn word_address(a: &[u8; 20]) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a);
    w
}

/// ABI encoding of function arguments (`abi.encode(a, b, …)`: heads, then the dynamic tails),
/// as the SDK's `SchemaEncoder.encodeData` returns it.
pub fn encode_params(tokens: &[Token]) -> Vec<u8> {
    let head_len = tokens.len() * 32;
    let mut head = Vec::with_capacity(head_len);
    let mut tail = Vec::new();
    for token in tokens {
        match token {
            Token::Uint(v) => head.extend_from_slice(&word_u128(*v)),
            Token::Bool(b) => head.extend_from_slice(&word_u128(u128::from(*b))),
            Token::Bytes32(b) => head.extend_from_slice(b),
            Token::String(s) => {
                head.extend_from_slice(&word_u128((head_len + tail.len()) as u128));
                let bytes = s.as_bytes();
                tail.extend_from_slice(&word_u128(bytes.len() as u128));
                tail.extend_from_slice(bytes);
                let pad = (32 - bytes.len() % 32) % 32;
                tail.extend(std::iter::repeat_n(0u8, pad));
            }
        }
    }
    head.extend_from_slice(&tail);
    head
}

/// `SchemaRegistry.getSchemaUID`: keccak256(schema ‖ resolver ‖ revocable).
pub fn schema_uid(schema: &str, resolver: &[u8; 20], revocable: bool) -> [u8; 32] {
    let mut p = Vec::with_capacity(schema.len() + 21);
    p.extend_from_slice(schema.as_bytes());
    p.extend_from_slice(resolver);
    p.push(u8::from(revocable));
    keccak256(&p)
}

/// The EIP-712 domain of off-chain attestations on one EAS deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// The EAS contract's version string (`"1.0.1"` on Base mainnet).
    pub version: String,
    /// The chain id.
    pub chain_id: u64,
    /// The EAS contract.
    pub verifying_contract: [u8; 20],
}

impl Domain {
    /// The domain separator.
    pub fn separator(&self) -> [u8; 32] {
        let mut e = Vec::with_capacity(5 * 32);
        e.extend_from_slice(&keccak256(DOMAIN_TYPE.as_bytes()));
        e.extend_from_slice(&keccak256(DOMAIN_NAME.as_bytes()));
        e.extend_from_slice(&keccak256(self.version.as_bytes()));
        e.extend_from_slice(&word_u128(u128::from(self.chain_id)));
        e.extend_from_slice(&word_address(&self.verifying_contract));
        keccak256(&e)
    }
}

/// The `Attest` message of a version-2 off-chain attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attest {
    /// The schema UID.
    pub schema: [u8; 32],
    /// The recipient (the borrower's wallet).
    pub recipient: [u8; 20],
    /// When (unix seconds).
    pub time: u64,
    /// Expiry (unix seconds; 0 = never).
    pub expiration_time: u64,
    /// Revocable.
    pub revocable: bool,
    /// The attestation this one replaces (zero when none).
    pub ref_uid: [u8; 32],
    /// The ABI-encoded schema data.
    pub data: Vec<u8>,
    /// Salt.
    pub salt: [u8; 32],
}

impl Attest {
    /// The struct hash.
    pub fn struct_hash(&self) -> [u8; 32] {
        let mut e = Vec::with_capacity(10 * 32);
        e.extend_from_slice(&keccak256(ATTEST_TYPE.as_bytes()));
        e.extend_from_slice(&word_u128(u128::from(VERSION)));
        e.extend_from_slice(&self.schema);
        e.extend_from_slice(&word_address(&self.recipient));
        e.extend_from_slice(&word_u128(u128::from(self.time)));
        e.extend_from_slice(&word_u128(u128::from(self.expiration_time)));
        e.extend_from_slice(&word_u128(u128::from(self.revocable)));
        e.extend_from_slice(&self.ref_uid);
        e.extend_from_slice(&keccak256(&self.data));
        e.extend_from_slice(&self.salt);
        keccak256(&e)
    }

    /// The EIP-712 digest signed: keccak256(0x1901 ‖ domain separator ‖ struct hash).
    pub fn digest(&self, domain: &Domain) -> [u8; 32] {
        let mut e = Vec::with_capacity(66);
        e.extend_from_slice(&[0x19, 0x01]);
        e.extend_from_slice(&domain.separator());
        e.extend_from_slice(&self.struct_hash());
        keccak256(&e)
    }

    /// `Offchain.getOffchainUID` (version 2): the schema UID enters as its lowercase
    /// `0x…` text (the SDK's quirk), the attester as the zero address, a zero bump last.
    pub fn uid(&self) -> [u8; 32] {
        let mut p = Vec::with_capacity(200 + self.data.len());
        p.extend_from_slice(&VERSION.to_be_bytes());
        p.extend_from_slice(format!("0x{}", hex::encode(self.schema)).as_bytes());
        p.extend_from_slice(&self.recipient);
        p.extend_from_slice(&[0u8; 20]);
        p.extend_from_slice(&self.time.to_be_bytes());
        p.extend_from_slice(&self.expiration_time.to_be_bytes());
        p.push(u8::from(self.revocable));
        p.extend_from_slice(&self.ref_uid);
        p.extend_from_slice(&self.data);
        p.extend_from_slice(&self.salt);
        p.extend_from_slice(&0u32.to_be_bytes());
        keccak256(&p)
    }
}

/// An Ethereum address of a public key: the last 20 bytes of keccak256(x ‖ y).
pub fn address_of(key: &VerifyingKey) -> [u8; 20] {
    let point = key.to_encoded_point(false);
    let hash = keccak256(&point.as_bytes()[1..]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&hash[12..]);
    a
}

/// A recoverable signature as the SDK writes it: `r`, `s` and `v` (27 or 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rsv {
    pub r: [u8; 32],
    pub s: [u8; 32],
    pub v: u8,
}

/// Signs a digest (RFC 6979, low `s`).
pub fn sign(key: &SigningKey, digest: &[u8; 32]) -> Result<Rsv, k256::ecdsa::Error> {
    let (signature, recovery) = key.sign_prehash_recoverable(digest)?;
    let bytes = signature.to_bytes();
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&bytes[..32]);
    s.copy_from_slice(&bytes[32..]);
    Ok(Rsv {
        r,
        s,
        v: 27 + recovery.to_byte(),
    })
}

/// The address that signed `digest` (`v` 27/28 or 0/1), if the signature is well formed.
pub fn recover(digest: &[u8; 32], rsv: &Rsv) -> Option<[u8; 20]> {
    let recovery = match rsv.v {
        27 | 28 => rsv.v - 27,
        0 | 1 => rsv.v,
        _ => return None,
    };
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice(&rsv.r);
    bytes[32..].copy_from_slice(&rsv.s);
    let signature = Signature::from_slice(&bytes).ok()?;
    // Malleable high-s signatures are not ours (we always sign low s).
    if signature.normalize_s().is_some() {
        return None;
    }
    let recovery = RecoveryId::from_byte(recovery)?;
    let key = VerifyingKey::recover_from_prehash(digest, &signature, recovery).ok()?;
    Some(address_of(&key))
}
