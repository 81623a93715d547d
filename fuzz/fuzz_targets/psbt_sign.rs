#![no_main]
//! PSBT parsing and `sign-psbt` (sign, finalize, extract) on arbitrary input: never panic.
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::psbt_sign(data));
