//! Regions: which TikTok Shop markets the product serves, which are restricted, and each
//! market's default currency. Unknown codes are "unsupported", never a panic.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::Currency;

/// Whether a region can be connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Availability {
    /// TikTok Shop operates there and the product accepts it.
    Supported,
    /// Known, but TikTok Shop is not available there (Australia, India, most of the Middle East).
    Restricted,
    /// A code the product does not know.
    Unsupported,
}

/// A market known to the product, supported or restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(clippy::upper_case_acronyms)] // variants are ISO 3166 codes, written as such
pub enum Region {
    /// United States.
    US,
    /// Canada.
    CA,
    /// United Kingdom (TikTok uses `GB`; `UK` is accepted as an alias).
    GB,
    /// France.
    FR,
    /// Germany.
    DE,
    /// Italy.
    IT,
    /// Spain.
    ES,
    /// Indonesia.
    ID,
    /// Malaysia.
    MY,
    /// Thailand.
    TH,
    /// Vietnam.
    VN,
    /// Philippines.
    PH,
    /// Singapore.
    SG,
    /// Australia (restricted).
    AU,
    /// India (restricted).
    IN,
    /// United Arab Emirates (restricted).
    AE,
    /// Saudi Arabia (restricted).
    SA,
    /// Qatar (restricted).
    QA,
    /// Kuwait (restricted).
    KW,
    /// Bahrain (restricted).
    BH,
    /// Oman (restricted).
    OM,
    /// Israel (restricted).
    IL,
    /// Jordan (restricted).
    JO,
    /// Lebanon (restricted).
    LB,
    /// Egypt (restricted).
    EG,
    /// Iraq (restricted).
    IQ,
    /// Iran (restricted).
    IR,
}

impl Region {
    /// Every known region, supported first.
    pub const ALL: [Region; 27] = [
        Region::US,
        Region::CA,
        Region::GB,
        Region::FR,
        Region::DE,
        Region::IT,
        Region::ES,
        Region::ID,
        Region::MY,
        Region::TH,
        Region::VN,
        Region::PH,
        Region::SG,
        Region::AU,
        Region::IN,
        Region::AE,
        Region::SA,
        Region::QA,
        Region::KW,
        Region::BH,
        Region::OM,
        Region::IL,
        Region::JO,
        Region::LB,
        Region::EG,
        Region::IQ,
        Region::IR,
    ];

    /// The ISO 3166-1 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Region::US => "US",
            Region::CA => "CA",
            Region::GB => "GB",
            Region::FR => "FR",
            Region::DE => "DE",
            Region::IT => "IT",
            Region::ES => "ES",
            Region::ID => "ID",
            Region::MY => "MY",
            Region::TH => "TH",
            Region::VN => "VN",
            Region::PH => "PH",
            Region::SG => "SG",
            Region::AU => "AU",
            Region::IN => "IN",
            Region::AE => "AE",
            Region::SA => "SA",
            Region::QA => "QA",
            Region::KW => "KW",
            Region::BH => "BH",
            Region::OM => "OM",
            Region::IL => "IL",
            Region::JO => "JO",
            Region::LB => "LB",
            Region::EG => "EG",
            Region::IQ => "IQ",
            Region::IR => "IR",
        }
    }

    /// Reads a code case-insensitively; `None` for a code the product does not know.
    pub fn from_code(code: &str) -> Option<Region> {
        let code = code.trim();
        if code.eq_ignore_ascii_case("UK") {
            return Some(Region::GB);
        }
        Region::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(code))
    }

    /// Whether TikTok Shop connections from this region are accepted.
    pub fn availability(self) -> Availability {
        match self {
            Region::US
            | Region::CA
            | Region::GB
            | Region::FR
            | Region::DE
            | Region::IT
            | Region::ES
            | Region::ID
            | Region::MY
            | Region::TH
            | Region::VN
            | Region::PH
            | Region::SG => Availability::Supported,
            _ => Availability::Restricted,
        }
    }

    /// The currency shops in this region price in, where the product knows it.
    pub fn default_currency(self) -> Option<Currency> {
        Some(match self {
            Region::US => Currency::USD,
            Region::CA => Currency::CAD,
            Region::GB => Currency::GBP,
            Region::FR | Region::DE | Region::IT | Region::ES => Currency::EUR,
            Region::ID => Currency::IDR,
            Region::MY => Currency::MYR,
            Region::TH => Currency::THB,
            Region::VN => Currency::VND,
            Region::PH => Currency::PHP,
            Region::SG => Currency::SGD,
            Region::AU => Currency::AUD,
            Region::IN => Currency::INR,
            _ => return None,
        })
    }
}

/// Classifies any region code, including ones the product has never heard of.
pub fn availability_of(code: &str) -> Availability {
    Region::from_code(code).map_or(Availability::Unsupported, Region::availability)
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Region::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown region {code:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_markets_are_supported_with_their_currencies() {
        let expected = [
            ("US", Currency::USD),
            ("CA", Currency::CAD),
            ("GB", Currency::GBP),
            ("FR", Currency::EUR),
            ("DE", Currency::EUR),
            ("IT", Currency::EUR),
            ("ES", Currency::EUR),
            ("ID", Currency::IDR),
            ("MY", Currency::MYR),
            ("TH", Currency::THB),
            ("VN", Currency::VND),
            ("PH", Currency::PHP),
            ("SG", Currency::SGD),
        ];
        for (code, currency) in expected {
            let region = Region::from_code(code).unwrap();
            assert_eq!(region.availability(), Availability::Supported, "{code}");
            assert_eq!(region.default_currency(), Some(currency), "{code}");
        }
    }

    #[test]
    fn australia_india_and_the_middle_east_are_restricted() {
        for code in [
            "AU", "IN", "AE", "SA", "QA", "KW", "BH", "OM", "IL", "JO", "LB", "EG", "IQ", "IR",
        ] {
            assert_eq!(availability_of(code), Availability::Restricted, "{code}");
        }
        assert_eq!(Region::AU.default_currency(), Some(Currency::AUD));
        assert_eq!(Region::IN.default_currency(), Some(Currency::INR));
    }

    #[test]
    fn unknown_codes_are_unsupported_not_panics() {
        for code in ["", "ZZ", "USA", "🇺🇸", "x"] {
            assert_eq!(availability_of(code), Availability::Unsupported, "{code:?}");
        }
        assert_eq!(availability_of("uk"), Availability::Supported);
    }
}
