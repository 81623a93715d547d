#![no_main]
//! Mnemonic phrases, languages and derivation paths: arbitrary text never panics.
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::mnemonic_path(data));
