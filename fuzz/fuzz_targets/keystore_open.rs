#![no_main]
//! Opening wallet files and Ethereum V3 files: arbitrary bytes never panic.
//! (KDF work is capped here so the fuzzer explores parsing, not argon2.)
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::keystore_open(data));
