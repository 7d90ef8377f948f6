//! Wallet addresses: `0x` + 40 hex digits, EIP-55 checksum validated on mixed-case input and
//! used for display.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha3::{Digest, Keccak256};

/// Why a string is not a wallet address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    /// Missing `0x` prefix.
    #[error("a wallet address starts with 0x")]
    MissingPrefix,
    /// Not 40 hex digits after the prefix.
    #[error("a wallet address has 40 hexadecimal digits after 0x")]
    BadLength,
    /// A character that is not a hex digit.
    #[error("a wallet address contains only hexadecimal digits after 0x")]
    NotHex,
    /// Mixed case that does not match the EIP-55 checksum: most likely a typo.
    #[error("the wallet address checksum (EIP-55) does not match; check it for typos")]
    BadChecksum,
}

/// An Ethereum-style wallet address, held as its 20 bytes; displays with the EIP-55 checksum.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WalletAddress([u8; 20]);

impl WalletAddress {
    /// Parses `0x` + 40 hex digits. All-lowercase and all-uppercase input is accepted;
    /// mixed case must carry a valid EIP-55 checksum.
    pub fn parse(input: &str) -> Result<WalletAddress, WalletError> {
        let hex_part = input
            .strip_prefix("0x")
            .or_else(|| input.strip_prefix("0X"))
            .ok_or(WalletError::MissingPrefix)?;
        if hex_part.len() != 40 {
            return Err(WalletError::BadLength);
        }
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(hex_part, &mut bytes).map_err(|_| WalletError::NotHex)?;
        let address = WalletAddress(bytes);
        let has_lower = hex_part.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = hex_part.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && address.checksummed_hex() != hex_part {
            return Err(WalletError::BadChecksum);
        }
        Ok(address)
    }

    /// The address of 20 raw bytes.
    pub fn from_bytes(bytes: [u8; 20]) -> WalletAddress {
        WalletAddress(bytes)
    }

    /// The 20 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Lowercase form, e.g. for database keys.
    pub fn to_lowercase_string(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }

    /// The 40 hex digits with EIP-55 capitalisation (no prefix).
    fn checksummed_hex(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = Keccak256::digest(lower.as_bytes());
        lower
            .char_indices()
            .map(|(i, c)| {
                let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0x0f;
                if c.is_ascii_alphabetic() && nibble >= 8 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }
}

impl fmt::Display for WalletAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", self.checksummed_hex())
    }
}

impl fmt::Debug for WalletAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WalletAddress({self})")
    }
}

impl FromStr for WalletAddress {
    type Err = WalletError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WalletAddress::parse(s)
    }
}

impl Serialize for WalletAddress {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WalletAddress {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        WalletAddress::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vectors published with EIP-55.
    const EIP55: [&str; 4] = [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ];

    #[test]
    fn eip55_vectors_parse_and_display_unchanged() {
        for vector in EIP55 {
            let address = WalletAddress::parse(vector).unwrap();
            assert_eq!(address.to_string(), vector);
        }
    }

    #[test]
    fn single_case_input_is_accepted_and_displayed_checksummed() {
        for vector in EIP55 {
            let lower = vector.to_ascii_lowercase();
            let upper = format!("0x{}", vector[2..].to_ascii_uppercase());
            assert_eq!(WalletAddress::parse(&lower).unwrap().to_string(), vector);
            assert_eq!(WalletAddress::parse(&upper).unwrap().to_string(), vector);
        }
    }

    #[test]
    fn a_mistyped_checksum_is_rejected() {
        // Flip the case of one letter of a valid vector.
        let typo = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert_eq!(WalletAddress::parse(typo), Err(WalletError::BadChecksum));
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        assert_eq!(
            WalletAddress::parse("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            Err(WalletError::MissingPrefix)
        );
        assert_eq!(WalletAddress::parse("0x1234"), Err(WalletError::BadLength));
        assert_eq!(
            WalletAddress::parse("0xzzAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            Err(WalletError::NotHex)
        );
        assert_eq!(WalletAddress::parse("0xé"), Err(WalletError::BadLength));
    }
}
