//! The codec of the pages' resources: JSON, as Leptos' default, but read through serde_json's
//! byte reader, the one server functions' responses are read with. One reader means one
//! deserializer per type in the wasm bundle instead of two (serde_json generates each type's
//! deserializer per reader).

use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};

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
}
