//! # wallet-ffi: the C ABI of wallet-core
//!
//! A thin layer: every function marshals its arguments through the typed
//! wrappers of [`boundary`], calls one wallet-core operation, and writes the
//! core's JSON view of the result (`wallet_core::report`) or a
//! [`WalletStatus`]. The wallet's logic lives in wallet-core; none of it is
//! here.
//!
//! Rules (see `docs/ffi.md`):
//! - Every function returns a `WalletStatus`; results go through out-pointers,
//!   which are written only on success.
//! - On failure, `wallet_last_error_message()` gives the message for the
//!   calling thread (valid until that thread's next `wallet_` call). It can
//!   quote a mistyped mnemonic word, so it is wiped when replaced and when
//!   the thread exits.
//! - Every `char*` the library returns is freed with `wallet_string_free`
//!   (which wipes it first: some hold secrets), every handle with its
//!   `_free` function.
//! - Handles are immutable after creation and may be used from several
//!   threads at once; free a handle once, after every call using it returned.
//! - Panics never cross the boundary: they become `WALLET_STATUS_INTERNAL`
//!   (every entry point runs its whole body, error recording included,
//!   under `catch_unwind`).

#![allow(unsafe_code)]

mod boundary;
mod status;
// The UniFFI interface (Kotlin, Swift, Python), next to the C ABI.
pub mod bindings;
// In this order in the generated header.
pub mod keystore;
pub mod memory;
pub mod mnemonic;
pub mod node;
pub mod sign;
pub mod slip39;

pub use keystore::*;
pub use memory::*;
pub use mnemonic::*;
pub use node::*;
pub use sign::*;
pub use slip39::*;
pub use status::WalletStatus;

#[cfg(test)]
mod message_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

uniffi::setup_scaffolding!("wallet");
#[cfg(test)]
mod verify_tests;
