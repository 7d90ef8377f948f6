//! The inputs digest: SHA-256 over a canonical binary encoding of any `Serialize` value, so a
//! stored score can be tied to exactly the inputs it was computed from.
//!
//! The encoding is a tagged, self-delimiting byte stream: every value starts with a one-byte
//! tag, strings and names are length-prefixed, integers are widened to 128-bit big-endian,
//! floats are their IEEE-754 bits (with `-0.0` and NaN normalised), and containers carry an end
//! tag. Maps are encoded in iteration order, which is why report types use `BTreeMap` and
//! sorted vectors. Unlike JSON it has no whitespace, escaping or number-formatting choices.

use serde::ser::{self, Serialize};
use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of `domain` followed by the canonical encoding of `value`.
pub fn canonical_sha256<T: Serialize + ?Sized>(domain: &str, value: &T) -> String {
    let mut encoder = Encoder {
        hasher: Sha256::new(),
    };
    encoder.text(b's', domain);
    // The encoder itself never fails; a failing `Serialize` impl still yields a digest of
    // what was written plus an error marker, so the function stays total.
    if value.serialize(&mut encoder).is_err() {
        encoder.tag(b'!');
    }
    hex::encode(encoder.hasher.finalize())
}

struct Encoder {
    hasher: Sha256,
}

impl Encoder {
    fn tag(&mut self, tag: u8) {
        self.hasher.update([tag]);
    }

    fn text(&mut self, tag: u8, text: &str) {
        self.bytes(tag, text.as_bytes());
    }

    fn bytes(&mut self, tag: u8, bytes: &[u8]) {
        self.tag(tag);
        self.hasher.update((bytes.len() as u64).to_be_bytes());
        self.hasher.update(bytes);
    }

    fn int(&mut self, value: i128) {
        self.tag(b'i');
        self.hasher.update(value.to_be_bytes());
    }
}

/// The encoder's error: only ever produced by a value's own `Serialize` implementation.
#[derive(Debug)]
pub struct EncodeError(String);

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EncodeError {}

impl ser::Error for EncodeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        EncodeError(msg.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, EncodeError>;

impl ser::Serializer for &mut Encoder {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result {
        self.tag(if v { b'T' } else { b'F' });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.int(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.int(i128::from(v));
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.tag(b'u');
        self.hasher.update(v.to_be_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result {
        let normal = if v.is_nan() {
            f64::NAN.to_bits()
        } else if v == 0.0 {
            0f64.to_bits()
        } else {
            v.to_bits()
        };
        self.tag(b'f');
        self.hasher.update(normal.to_be_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        self.text(b's', v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.text(b's', v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.bytes(b'y', v);
        Ok(())
    }
    fn serialize_none(self) -> Result {
        self.tag(b'n');
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        self.tag(b'S');
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.tag(b'U');
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result {
        self.text(b'U', name);
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.text(b'v', variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result {
        self.text(b'N', name);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.text(b'V', variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self> {
        self.tag(b'[');
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self> {
        self.tag(b'(');
        Ok(self)
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<Self> {
        self.text(b'(', name);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self> {
        self.text(b'<', variant);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self> {
        self.tag(b'{');
        Ok(self)
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Self> {
        self.text(b'r', name);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self> {
        self.text(b'R', variant);
        Ok(self)
    }
}

macro_rules! compound {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for &mut Encoder {
            type Ok = ();
            type Error = EncodeError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result {
                self.tag(b'e');
                Ok(())
            }
        }
    };
}

compound!(SerializeSeq, serialize_element);
compound!(SerializeTuple, serialize_element);
compound!(SerializeTupleStruct, serialize_field);
compound!(SerializeTupleVariant, serialize_field);

impl ser::SerializeMap for &mut Encoder {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result {
        self.tag(b'e');
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Encoder {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.text(b'k', key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Result {
        self.tag(b'e');
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Encoder {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.text(b'k', key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Result {
        self.tag(b'e');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_digest_of_nothing_in_a_domain_is_a_known_answer() {
        // sha256(b"s" ++ u64be(3) ++ b"abc" ++ b"U"), computed independently with Python's
        // hashlib: hashlib.sha256(b"s" + (3).to_bytes(8, "big") + b"abc" + b"U").hexdigest()
        assert_eq!(
            canonical_sha256("abc", &()),
            "ac101d49523bda009db9d096b9238cbf207b6d5b61d6c68757ef7a0295b514c9"
        );
    }

    #[test]
    fn strings_are_length_prefixed_so_boundaries_cannot_shift() {
        let a = canonical_sha256("d", &("ab", "c"));
        let b = canonical_sha256("d", &("a", "bc"));
        assert_ne!(a, b);
    }

    #[test]
    fn equal_values_digest_equally_and_any_change_shows() {
        let mut map = BTreeMap::new();
        map.insert("x", 1.5f64);
        map.insert("y", -0.0);
        let mut same = BTreeMap::new();
        same.insert("y", 0.0);
        same.insert("x", 1.5f64);
        assert_eq!(canonical_sha256("d", &map), canonical_sha256("d", &same));
        same.insert("x", 1.5000000001);
        assert_ne!(canonical_sha256("d", &map), canonical_sha256("d", &same));
        assert_ne!(canonical_sha256("d", &map), canonical_sha256("e", &map));
    }
}
