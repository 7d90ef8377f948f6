//! The score credential: shopscore's EAS schema, its values, and the signed off-chain
//! attestation in the JSON the EAS SDK writes (`{"sig": {…}, "signer": "0x…"}`), issued and
//! verified.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::eip712::{self, Attest, Domain, Rsv, Token};

/// The schema, exactly as registered.
pub const SCHEMA: &str = "string modelVersion,uint16 scoreTenths,string grade,string confidence,uint64 monthlyIncomeUsdCents,uint32 windowDays,uint64 computedAt,bytes32 inputsDigest,uint8 sources,bool thresholdOnly,uint64 thresholdUsdCents";

/// What the credential says about a borrower.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreClaim {
    /// The score model's version.
    pub model_version: String,
    /// Score × 10 (0 in a threshold credential).
    pub score_tenths: u16,
    /// `A`–`D` (empty in a threshold credential).
    pub grade: String,
    /// `HIGH`, `MEDIUM`, `LOW` (empty in a threshold credential).
    pub confidence: String,
    /// Monthly verified income in US cents (0 in a threshold credential).
    pub monthly_income_usd_cents: u64,
    /// The score window in days.
    pub window_days: u32,
    /// When the score was computed (unix seconds).
    pub computed_at: u64,
    /// The score's inputs digest (hex, 32 bytes).
    pub inputs_digest: String,
    /// Income sources behind it.
    pub sources: u8,
    /// Only "monthly verified income ≥ threshold" is claimed.
    pub threshold_only: bool,
    /// The threshold, US cents (0 unless `threshold_only`).
    pub threshold_usd_cents: u64,
}

fn hex32(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text.trim_start_matches("0x")).ok()?;
    bytes.try_into().ok()
}

fn hex20(text: &str) -> Option<[u8; 20]> {
    let bytes = hex::decode(text.trim_start_matches("0x")).ok()?;
    bytes.try_into().ok()
}

fn read_word(data: &[u8], at: usize) -> Option<&[u8]> {
    data.get(at..at.checked_add(32)?)
}

fn read_uint(data: &[u8], at: usize, bits: u32) -> Option<u128> {
    let w = read_word(data, at)?;
    if w[..16].iter().any(|b| *b != 0) {
        return None;
    }
    let v = u128::from_be_bytes(w[16..].try_into().ok()?);
    (bits >= 128 || v >> bits == 0).then_some(v)
}

fn read_string(data: &[u8], head: usize) -> Option<String> {
    let offset = usize::try_from(read_uint(data, head, 64)?).ok()?;
    let len = usize::try_from(read_uint(data, offset, 64)?).ok()?;
    let start = offset.checked_add(32)?;
    let bytes = data.get(start..start.checked_add(len)?)?;
    String::from_utf8(bytes.to_vec()).ok()
}

impl ScoreClaim {
    fn tokens(&self) -> Option<Vec<Token>> {
        Some(vec![
            Token::String(self.model_version.clone()),
            Token::Uint(u128::from(self.score_tenths)),
            Token::String(self.grade.clone()),
            Token::String(self.confidence.clone()),
            Token::Uint(u128::from(self.monthly_income_usd_cents)),
            Token::Uint(u128::from(self.window_days)),
            Token::Uint(u128::from(self.computed_at)),
            Token::Bytes32(hex32(&self.inputs_digest)?),
            Token::Uint(u128::from(self.sources)),
            Token::Bool(self.threshold_only),
            Token::Uint(u128::from(self.threshold_usd_cents)),
        ])
    }

    /// The ABI-encoded data (`SchemaEncoder.encodeData`); `None` for a digest that is not 32
    /// bytes of hex.
    pub fn encode(&self) -> Option<Vec<u8>> {
        self.tokens().map(|t| eip712::encode_params(&t))
    }

    /// Reads encoded data back, refusing anything that is not exactly this schema's encoding.
    pub fn decode(data: &[u8]) -> Option<ScoreClaim> {
        let word = |i: usize| i * 32;
        let bool_word = read_uint(data, word(9), 1)?;
        let claim = ScoreClaim {
            model_version: read_string(data, word(0))?,
            score_tenths: u16::try_from(read_uint(data, word(1), 16)?).ok()?,
            grade: read_string(data, word(2))?,
            confidence: read_string(data, word(3))?,
            monthly_income_usd_cents: u64::try_from(read_uint(data, word(4), 64)?).ok()?,
            window_days: u32::try_from(read_uint(data, word(5), 32)?).ok()?,
            computed_at: u64::try_from(read_uint(data, word(6), 64)?).ok()?,
            inputs_digest: format!("0x{}", hex::encode(read_word(data, word(7))?)),
            sources: u8::try_from(read_uint(data, word(8), 8)?).ok()?,
            threshold_only: bool_word == 1,
            threshold_usd_cents: u64::try_from(read_uint(data, word(10), 64)?).ok()?,
        };
        // Canonical only: re-encoding gives the same bytes.
        (claim.encode()? == data).then_some(claim)
    }
}

/// The attestation's message as the SDK writes it (bigints as decimal strings).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageJson {
    version: u16,
    schema: String,
    recipient: String,
    time: String,
    expiration_time: String,
    revocable: bool,
    #[serde(rename = "refUID")]
    ref_uid: String,
    data: String,
    salt: String,
}

fn types_json() -> Value {
    let fields = [
        ("version", "uint16"),
        ("schema", "bytes32"),
        ("recipient", "address"),
        ("time", "uint64"),
        ("expirationTime", "uint64"),
        ("revocable", "bool"),
        ("refUID", "bytes32"),
        ("data", "bytes"),
        ("salt", "bytes32"),
    ];
    serde_json::json!({
        "Attest": fields
            .iter()
            .map(|(name, ty)| serde_json::json!({ "name": name, "type": ty }))
            .collect::<Vec<_>>()
    })
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Writes a signed attestation as the SDK's shareable package.
pub fn package(
    attest: &Attest,
    domain: &Domain,
    rsv: &Rsv,
    signer: &shopscore::wallet::WalletAddress,
) -> Value {
    let recipient = shopscore::wallet::WalletAddress::from_bytes(attest.recipient);
    serde_json::json!({
        "sig": {
            "version": eip712::VERSION,
            "uid": hex0x(&attest.uid()),
            "domain": {
                "name": eip712::DOMAIN_NAME,
                "version": domain.version,
                "chainId": domain.chain_id.to_string(),
                "verifyingContract": shopscore::wallet::WalletAddress::from_bytes(domain.verifying_contract).to_string(),
            },
            "primaryType": "Attest",
            "message": MessageJson {
                version: eip712::VERSION,
                schema: hex0x(&attest.schema),
                recipient: recipient.to_string(),
                time: attest.time.to_string(),
                expiration_time: attest.expiration_time.to_string(),
                revocable: attest.revocable,
                ref_uid: hex0x(&attest.ref_uid),
                data: hex0x(&attest.data),
                salt: hex0x(&attest.salt),
            },
            "types": types_json(),
            "signature": { "v": rsv.v, "r": hex0x(&rsv.r), "s": hex0x(&rsv.s) },
        },
        "signer": signer.to_string(),
    })
}

/// Why an attestation does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// Not the JSON of a signed off-chain attestation.
    Malformed,
    /// Another EAS deployment, chain or off-chain type.
    WrongDomain,
    /// Not shopscore's schema.
    UnknownSchema,
    /// The message does not hash to its UID, or its data is not the schema's.
    Tampered,
    /// Signed by someone else than shopscore's attester.
    WrongSigner,
    /// For another wallet than the one asked about.
    WrongRecipient,
    /// Past its expiry.
    Expired,
    /// Revoked by the borrower.
    Revoked,
}

impl Invalid {
    /// A sentence.
    pub fn reason(self) -> &'static str {
        match self {
            Invalid::Malformed => "not a signed EAS off-chain attestation (version 2)",
            Invalid::WrongDomain => "made for another EAS deployment or chain",
            Invalid::UnknownSchema => "not shopscore's score schema",
            Invalid::Tampered => "the attested data was changed after signing",
            Invalid::WrongSigner => "not signed by shopscore's attester",
            Invalid::WrongRecipient => "issued for another wallet",
            Invalid::Expired => "expired",
            Invalid::Revoked => "revoked by the borrower",
        }
    }
}

/// A verified attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Its UID (lowercase hex).
    pub uid: String,
    /// The borrower's wallet.
    pub recipient: shopscore::wallet::WalletAddress,
    /// When it was issued.
    pub time: u64,
    /// When it expires (0: never).
    pub expiration_time: u64,
    /// What it says.
    pub claim: ScoreClaim,
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<u64> {
    text(v)?.parse().ok()
}

/// Checks a package (or its `sig` alone) against this deployment and attester, at `now`.
pub fn verify(
    json: &Value,
    domain: &Domain,
    schema_uid: &[u8; 32],
    attester: &[u8; 20],
    now: u64,
    is_revoked: &dyn Fn(&str) -> bool,
    recipient: Option<&shopscore::wallet::WalletAddress>,
) -> Result<Verified, Invalid> {
    use Invalid::*;
    let sig = json.get("sig").unwrap_or(json);
    let d = sig.get("domain").ok_or(Malformed)?;
    let m = sig.get("message").ok_or(Malformed)?;
    if d.get("name").and_then(Value::as_str) != Some(eip712::DOMAIN_NAME)
        || d.get("chainId").and_then(number) != Some(domain.chain_id)
        || d.get("verifyingContract")
            .and_then(Value::as_str)
            .and_then(hex20)
            != Some(domain.verifying_contract)
        || d.get("version").and_then(Value::as_str) != Some(domain.version.as_str())
        || sig.get("primaryType").and_then(Value::as_str) != Some("Attest")
        || sig.get("types") != Some(&types_json())
    {
        return Err(WrongDomain);
    }
    if m.get("version").and_then(number) != Some(u64::from(eip712::VERSION)) {
        return Err(Malformed);
    }
    let field = |name: &str| m.get(name).ok_or(Malformed);
    let bytes32 =
        |name: &str| field(name).and_then(|v| v.as_str().and_then(hex32).ok_or(Malformed));
    let attest = Attest {
        schema: bytes32("schema")?,
        recipient: field("recipient")?
            .as_str()
            .and_then(hex20)
            .ok_or(Malformed)?,
        time: field("time").map(number)?.ok_or(Malformed)?,
        expiration_time: field("expirationTime").map(number)?.ok_or(Malformed)?,
        revocable: field("revocable")?.as_bool().ok_or(Malformed)?,
        ref_uid: bytes32("refUID")?,
        data: field("data")?
            .as_str()
            .and_then(|h| hex::decode(h.trim_start_matches("0x")).ok())
            .ok_or(Malformed)?,
        salt: bytes32("salt")?,
    };
    if &attest.schema != schema_uid {
        return Err(UnknownSchema);
    }
    let uid = hex0x(&attest.uid());
    if sig.get("uid").and_then(Value::as_str) != Some(uid.as_str()) {
        return Err(Tampered);
    }
    let s = sig.get("signature").ok_or(Malformed)?;
    let rsv = Rsv {
        r: s.get("r")
            .and_then(Value::as_str)
            .and_then(hex32)
            .ok_or(Malformed)?,
        s: s.get("s")
            .and_then(Value::as_str)
            .and_then(hex32)
            .ok_or(Malformed)?,
        v: s.get("v")
            .and_then(number)
            .and_then(|v| u8::try_from(v).ok())
            .ok_or(Malformed)?,
    };
    let signer = eip712::recover(&attest.digest(domain), &rsv).ok_or(WrongSigner)?;
    if &signer != attester {
        return Err(WrongSigner);
    }
    let claim = ScoreClaim::decode(&attest.data).ok_or(Tampered)?;
    let to = shopscore::wallet::WalletAddress::from_bytes(attest.recipient);
    if recipient.is_some_and(|r| *r != to) {
        return Err(WrongRecipient);
    }
    if attest.expiration_time != 0 && now >= attest.expiration_time {
        return Err(Expired);
    }
    if is_revoked(&uid) {
        return Err(Revoked);
    }
    Ok(Verified {
        uid,
        recipient: to,
        time: attest.time,
        expiration_time: attest.expiration_time,
        claim,
    })
}
