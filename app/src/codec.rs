//! The codec of the pages' resources: JSON, as Leptos' default, but read through serde_json's
//! byte reader, the one server functions' responses are read with. One reader means one
//! deserializer per type in the wasm bundle instead of two (serde_json generates each type's
//! deserializer per reader).

use leptos::server::codee::{Decoder, Encoder};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// JSON through serde_json's byte reader.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A resource read once on the server and shipped in the page (see [`Json`]).
pub type OnceResource<T> = leptos::server::OnceResource<T, Json>;
/// A resource refetched when its source changes (see [`Json`]).
pub type Resource<T> = leptos::server::Resource<T, Json>;

/// An island's prop shipped as JSON text inside the props' JSON, and read back through the
/// byte reader. Leptos reads an island's props with serde_json's `from_str`, a reader of its
/// own: a type read there directly would bring a second deserializer of everything in it into
/// the bundle, next to the one its server function's answers are read with.
#[derive(Debug, Clone, PartialEq)]
pub struct Shipped<T>(pub T);

impl<T: Serialize> Serialize for Shipped<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Shipped<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_slice(text.as_bytes())
            .map(Shipped)
            .map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_encoded_decodes_to_the_same_value() {
        let value = (
            String::from("naïve \"quoted\""),
            vec![1.5_f64, -2.0],
            Some(7_u8),
        );
        let text = <Json as Encoder<_>>::encode(&value).unwrap();
        let back: (String, Vec<f64>, Option<u8>) = <Json as Decoder<_>>::decode(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn a_shipped_value_travels_as_json_text_and_reads_back_the_same() {
        let value = Shipped(vec![(String::from("a \"b\""), 2.5_f64)]);
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(text, r#""[[\"a \\\"b\\\"\",2.5]]""#);
        let back: Shipped<Vec<(String, f64)>> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        assert!(serde_json::from_str::<Shipped<Vec<(String, f64)>>>(r#""[1"" "#).is_err());
    }
}
