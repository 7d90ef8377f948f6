//! A short smoke run of every fuzz target (`server/fuzz/`, README "Fuzzing") without cargo-fuzz:
//! each target's body runs over its committed seed corpus and over deterministic mutations of
//! it (bit flips, truncations, splices, repeated bytes), so a parser that panics on a near-miss
//! of a real input fails the suite. The long runs (10 million executions a target) are the
//! README's command.

use std::path::PathBuf;

use server::fuzzing::TARGETS;

/// Mutations per seed.
const MUTATIONS: usize = 400;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut seeds: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    seeds.sort();
    seeds.into_iter().map(|(_, bytes)| bytes).collect()
}

/// xorshift64*: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: [&[u8]; 12] = [
    b"\"",
    b"null",
    b"-",
    b".",
    b",",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"1e309",
    b"{}",
    b"[]",
    b"\xff\xfe",
    b"\\u0000",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => out.truncate(rng.below(out.len())),
            2 => {
                let at = rng.below(out.len() + 1);
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            3 if !other.is_empty() => {
                let at = rng.below(out.len() + 1);
                let from = rng.below(other.len());
                let to = from + rng.below(other.len() - from + 1);
                out.splice(at..at, other[from..to].iter().copied());
            }
            4 if !out.is_empty() => {
                let i = rng.below(out.len());
                let run = vec![out[i]; 1 + rng.below(64)];
                out.splice(i..i, run);
            }
            _ if !out.is_empty() => {
                let i = rng.below(out.len());
                out.remove(i);
            }
            _ => out.push(rng.next() as u8),
        }
    }
    out
}

#[test]
fn every_fuzz_target_survives_its_corpus_and_mutations_of_it() {
    for (name, target) in TARGETS {
        let seeds = corpus(name);
        assert!(seeds.len() >= 3, "{name}: a seed corpus is committed");
        let mut rng = Rng(0x5eed_0000 ^ name.len() as u64);
        for seed in &seeds {
            target(seed);
            for _ in 0..MUTATIONS {
                let other = &seeds[rng.below(seeds.len())];
                let input = mutate(&mut rng, seed, other);
                target(&input);
            }
        }
    }
}
