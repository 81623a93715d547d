#![no_main]
//! Addresses of every type and network, amounts with units, signatures: never panic.
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::addresses_amounts(data));
