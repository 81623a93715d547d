#![no_main]
//! Raw signed transactions (RLP), EIP-712 JSON and access lists: never panic;
//! a decoded transaction re-encodes to the same bytes.
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::eth_tx_typed_data(data));
