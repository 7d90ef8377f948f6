//! Fixed-memory helpers of the fold: a Bloom filter of order ids (to spot returns for orders
//! never seen and to count an affiliate order once), and the order-independent digest of the
//! raw record set that an auditor recomputes.

use crate::digest::canonical_sha256;
use crate::records::Record;

/// A fixed-size Bloom filter of order keys: no false "unknown", rare false "known".
pub(crate) struct OrderFilter {
    bits: Vec<u64>,
}

const FILTER_BITS_LOG2: u32 = 24; // 2 MiB: ~0.2% false positives at one million orders
const FILTER_HASHES: u64 = 4;

impl OrderFilter {
    pub(crate) fn new() -> OrderFilter {
        OrderFilter {
            bits: vec![0; 1 << (FILTER_BITS_LOG2 - 6)],
        }
    }

    fn positions(key: u64) -> impl Iterator<Item = usize> {
        let h2 = splitmix(key) | 1;
        let mask = (1u64 << FILTER_BITS_LOG2) - 1;
        (0..FILTER_HASHES).map(move |i| (key.wrapping_add(i.wrapping_mul(h2)) & mask) as usize)
    }

    pub(crate) fn insert(&mut self, key: u64) {
        for bit in Self::positions(key) {
            self.bits[bit >> 6] |= 1 << (bit & 63);
        }
    }

    pub(crate) fn contains(&self, key: u64) -> bool {
        Self::positions(key).all(|bit| self.bits[bit >> 6] & (1 << (bit & 63)) != 0)
    }
}

pub(crate) fn order_key(source: &str, order_id: &str) -> u64 {
    // FNV-1a: deterministic on every target, unlike std's randomised hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in source
        .bytes()
        .chain(std::iter::once(0xff))
        .chain(order_id.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    splitmix(hash)
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl OrderFilter {
    /// Inserts `key` and says whether it was new (a false "not new" is possible but, at
    /// ~0.2% for a million keys, rare; it only ever under-counts).
    pub(crate) fn insert_new(&mut self, key: u64) -> bool {
        let new = !self.contains(key);
        if new {
            self.insert(key);
        }
        new
    }
}

/// The records digest: the wrapping sum (mod 2^256) of every record's SHA-256 over its canonical
/// encoding, plus the count. Order-independent, and a changed, added or removed record shows.
pub(crate) struct RecordsDigest {
    sum: [u64; 4],
    count: u64,
}

/// The domain the per-record digests are taken in.
const RECORD_DOMAIN: &str = "shopscore-record";

impl RecordsDigest {
    pub(crate) fn new() -> RecordsDigest {
        RecordsDigest {
            sum: [0; 4],
            count: 0,
        }
    }

    pub(crate) fn add(&mut self, record: &Record) {
        let hex_digest = canonical_sha256(RECORD_DOMAIN, record);
        let bytes = hex::decode(hex_digest).unwrap_or_default();
        let mut carry = 0u128;
        // Limb 3 holds the least significant 8 bytes.
        for limb in (0..4).rev() {
            let mut word = [0u8; 8];
            if let Some(chunk) = bytes.get(limb * 8..limb * 8 + 8) {
                word.copy_from_slice(chunk);
            }
            let total = u128::from(self.sum[limb]) + u128::from(u64::from_be_bytes(word)) + carry;
            self.sum[limb] = total as u64;
            carry = total >> 64;
        }
        self.count += 1;
    }

    /// Number of records folded in.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// Lowercase hex SHA-256 of the count and the sum.
    pub(crate) fn finish(&self) -> String {
        let sum: String = self.sum.iter().map(|w| format!("{w:016x}")).collect();
        canonical_sha256("shopscore-records", &(self.count, sum))
    }
}
