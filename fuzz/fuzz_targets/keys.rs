#![no_main]
//! Extended keys, WIF, hex, PEM and public keys: never panic; what parses re-encodes identically.
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::keys(data));
