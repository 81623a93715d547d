//! Replays every saved fuzz input (`tests/fuzz_cases/<target>/crashes/*`:
//! inputs that once crashed a target, each fixed since; `…/corpus.bin`: the
//! minimized corpus the fuzzers built, packed as (u32 LE length, bytes)
//! records by `scripts/fuzz --save-corpus`) through the same checks the fuzz
//! targets run (`fuzz/checks.rs`). Any panic fails the test and names the input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

const TARGETS: [&str; 6] = [
    "mnemonic_path",
    "keys",
    "addresses_amounts",
    "eth_tx_typed_data",
    "psbt_sign",
    "keystore_open",
];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fuzz_cases")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The records of a packed corpus file.
fn unpack(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        assert!(rest.len() >= 4, "truncated corpus file");
        let (len, tail) = rest.split_at(4);
        let len = u32::from_le_bytes(len.try_into().unwrap()) as usize;
        assert!(tail.len() >= len, "truncated corpus record");
        let (data, tail) = tail.split_at(len);
        out.push(data);
        rest = tail;
    }
    out
}

fn replay(target: &str) -> usize {
    let mut files = Vec::new();
    files_under(&cases_dir().join(target), &mut files);
    files.sort();
    let mut count = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let inputs = if f.file_name().is_some_and(|n| n == "corpus.bin") {
            unpack(&bytes)
        } else {
            vec![&bytes[..]]
        };
        for (i, data) in inputs.iter().enumerate() {
            let r = std::panic::catch_unwind(|| checks::run(target, data));
            assert!(
                r.is_ok(),
                "{target}: {} (record {i}) panics again",
                f.display()
            );
        }
        count += inputs.len();
    }
    count
}

#[test]
fn every_saved_case_passes() {
    let mut total = 0;
    for t in TARGETS {
        let n = replay(t);
        // Each target's minimized corpus is saved (hundreds of inputs).
        assert!(n >= 100, "{t}: only {n} saved inputs");
        total += n;
    }
    // The crash that found the uncapped satoshi amounts is always among them.
    assert!(cases_dir()
        .join("addresses_amounts/crashes/amount_sats_cap")
        .is_file());
    assert!(total >= 1, "no saved fuzz cases found");
}

#[test]
fn the_checks_do_fail_on_a_broken_invariant() {
    // A positive control: the replay harness sees a panic when a check fails.
    let r = std::panic::catch_unwind(|| checks::run("no_such_target", b""));
    assert!(r.is_err());
}
