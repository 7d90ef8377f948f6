//! Known-answer tests against the EAS SDK's own output (`eas-vector.json`: the SDK 2.10.0 and
//! ethers 6 signed the attestation below), and the refusals a lender relies on.

use k256::ecdsa::SigningKey;
use serde_json::Value;
use shopscore::wallet::WalletAddress;

use super::credential::{self, Invalid, ScoreClaim, SCHEMA};
use super::eip712::{self, Attest, Domain, Rsv};
use super::Attester;
use crate::config::AttestationSettings;

fn vector() -> Value {
    serde_json::from_str(include_str!("eas-vector.json")).unwrap()
}

fn h32(text: &str) -> [u8; 32] {
    hex::decode(text.trim_start_matches("0x"))
        .unwrap()
        .try_into()
        .unwrap()
}

fn key() -> SigningKey {
    SigningKey::from_slice(&h32(vector()["inputs"]["privateKey"].as_str().unwrap())).unwrap()
}

fn domain() -> Domain {
    Domain {
        version: "1.0.1".into(),
        chain_id: 8453,
        verifying_contract: *WalletAddress::parse("0x4200000000000000000000000000000000000021")
            .unwrap()
            .as_bytes(),
    }
}

fn claim() -> ScoreClaim {
    ScoreClaim {
        model_version: "shopscore-score-1.1.0".into(),
        score_tenths: 692,
        grade: "B".into(),
        confidence: "HIGH".into(),
        monthly_income_usd_cents: 475_000,
        window_days: 90,
        computed_at: 1_767_225_600,
        inputs_digest: format!("0x{}", "33".repeat(32)),
        sources: 1,
        threshold_only: false,
        threshold_usd_cents: 0,
    }
}

fn attest() -> Attest {
    Attest {
        schema: eip712::schema_uid(SCHEMA, &[0u8; 20], true),
        recipient: [0x11; 20],
        time: 1_767_225_600,
        expiration_time: 1_769_817_600,
        revocable: true,
        ref_uid: [0u8; 32],
        data: claim().encode().unwrap(),
        salt: [0x22; 32],
    }
}

fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

#[test]
fn every_intermediate_value_equals_the_eas_sdks() {
    let v = vector();
    assert_eq!(v["inputs"]["schema"], SCHEMA);
    let a = attest();
    assert_eq!(hex0x(&a.schema), v["schemaUID"]);
    assert_eq!(hex0x(&a.data), v["data"]);
    assert_eq!(hex0x(&domain().separator()), v["domainSeparator"]);
    assert_eq!(hex0x(&a.struct_hash()), v["structHash"]);
    let digest = a.digest(&domain());
    assert_eq!(hex0x(&digest), v["digest"]);
    assert_eq!(hex0x(&a.uid()), v["uid"]);
    let rsv = eip712::sign(&key(), &digest).unwrap();
    assert_eq!(hex0x(&rsv.r), v["signatureRSV"]["r"]);
    assert_eq!(hex0x(&rsv.s), v["signatureRSV"]["s"]);
    assert_eq!(u64::from(rsv.v), v["signatureRSV"]["v"].as_u64().unwrap());
    let signer = WalletAddress::from_bytes(eip712::address_of(key().verifying_key()));
    assert_eq!(signer.to_string(), v["signer"]);
    assert_eq!(eip712::recover(&digest, &rsv), Some(*signer.as_bytes()));
}

#[test]
fn the_package_is_the_json_the_sdk_writes() {
    let v = vector();
    let a = attest();
    let rsv = eip712::sign(&key(), &a.digest(&domain())).unwrap();
    let signer = WalletAddress::from_bytes(eip712::address_of(key().verifying_key()));
    let ours = credential::package(&a, &domain(), &rsv, &signer);
    let theirs: Value = serde_json::from_str(v["packageJson"].as_str().unwrap()).unwrap();
    assert_eq!(ours, theirs);
    // Byte for byte too (key order and all).
    assert_eq!(
        serde_json::to_string(&ours).unwrap(),
        v["packageJson"].as_str().unwrap()
    );
    assert_eq!(ScoreClaim::decode(&a.data), Some(claim()));
}

fn attester() -> Attester {
    Attester::new(
        key(),
        &AttestationSettings {
            private_key: None,
            chain_id: 8453,
            contract: crate::config::BASE_EAS_CONTRACT.into(),
            eas_version: "1.0.1".into(),
            max_days: 30,
        },
    )
    .unwrap()
}

const NOW: u64 = 1_767_225_700;

fn never(_: &str) -> bool {
    false
}

#[test]
fn the_sdks_own_attestation_verifies_and_every_tampering_is_refused() {
    let v = vector();
    let a = attester();
    let good: Value = serde_json::from_str(v["packageJson"].as_str().unwrap()).unwrap();
    let ok = a.verify(&good, NOW, &never, None).unwrap();
    assert_eq!(ok.claim, claim());
    assert_eq!(ok.uid, v["uid"]);
    assert_eq!(
        ok.recipient,
        WalletAddress::parse("0x1111111111111111111111111111111111111111").unwrap()
    );

    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut copy = good.clone();
        f(&mut copy);
        a.verify(&copy, NOW, &never, None).unwrap_err()
    };
    // The data says $5,000 a month instead: the UID no longer matches.
    let richer = {
        let mut c = claim();
        c.monthly_income_usd_cents = 500_000;
        hex0x(&c.encode().unwrap())
    };
    assert_eq!(
        mutate(&|j| j["sig"]["message"]["data"] = Value::String(richer.clone())),
        Invalid::Tampered
    );
    // The same tampering with a recomputed UID: the signature no longer matches the signer.
    let recomputed = {
        let mut t = attest();
        t.data = hex::decode(richer.trim_start_matches("0x")).unwrap();
        hex0x(&t.uid())
    };
    assert_eq!(
        mutate(&|j| {
            j["sig"]["message"]["data"] = Value::String(richer.clone());
            j["sig"]["uid"] = Value::String(recomputed.clone());
        }),
        Invalid::WrongSigner
    );
    assert_eq!(
        mutate(&|j| j["sig"]["domain"]["chainId"] = "1".into()),
        Invalid::WrongDomain
    );
    assert_eq!(
        mutate(&|j| j["sig"]["primaryType"] = "Attestation".into()),
        Invalid::WrongDomain
    );
    assert_eq!(
        mutate(&|j| j["sig"]["signature"]["s"] = Value::String(hex0x(&[7u8; 32]))),
        Invalid::WrongSigner
    );
    assert_eq!(
        mutate(&|j| *j = serde_json::json!({"sig": 1})),
        Invalid::Malformed
    );

    // Expired, revoked, another wallet.
    let exp = good["sig"]["message"]["expirationTime"]
        .as_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert_eq!(
        a.verify(&good, exp, &never, None).unwrap_err(),
        Invalid::Expired
    );
    let uid = v["uid"].as_str().unwrap().to_string();
    assert_eq!(
        a.verify(&good, NOW, &|u| u == uid, None).unwrap_err(),
        Invalid::Revoked
    );
    let other = WalletAddress::parse("0x2222222222222222222222222222222222222222").unwrap();
    assert_eq!(
        a.verify(&good, NOW, &never, Some(&other)).unwrap_err(),
        Invalid::WrongRecipient
    );

    // Signed by another key: refused even though it is a perfectly valid EAS attestation.
    let stranger = Attester::new(
        SigningKey::from_slice(&[9u8; 32]).unwrap(),
        &AttestationSettings {
            private_key: None,
            chain_id: 8453,
            contract: crate::config::BASE_EAS_CONTRACT.into(),
            eas_version: "1.0.1".into(),
            max_days: 30,
        },
    )
    .unwrap();
    let recipient = WalletAddress::parse("0x1111111111111111111111111111111111111111").unwrap();
    let (forged, _) = stranger
        .issue(&claim(), &recipient, NOW, NOW + 86_400, None)
        .unwrap();
    assert_eq!(
        a.verify(&forged, NOW, &never, None).unwrap_err(),
        Invalid::WrongSigner
    );
    assert!(stranger.verify(&forged, NOW, &never, None).is_ok());
}

#[test]
fn an_issued_credential_verifies_and_links_the_one_it_replaces() {
    let a = attester();
    let recipient = WalletAddress::parse("0x1111111111111111111111111111111111111111").unwrap();
    let (first, first_uid) = a
        .issue(&claim(), &recipient, NOW, NOW + 86_400, None)
        .unwrap();
    let (second, _) = a
        .issue(
            &claim(),
            &recipient,
            NOW + 10,
            NOW + 86_400,
            Some(&first_uid),
        )
        .unwrap();
    assert_eq!(
        a.verify(&first, NOW, &never, Some(&recipient)).unwrap().uid,
        first_uid
    );
    assert_eq!(second["sig"]["message"]["refUID"], Value::String(first_uid));
    assert!(a
        .verify(&second, NOW + 10, &never, Some(&recipient))
        .is_ok());
    let malformed = Rsv {
        r: [0; 32],
        s: [0; 32],
        v: 27,
    };
    assert_eq!(eip712::recover(&[1u8; 32], &malformed), None);
}
