//! # wallet-core
//!
//! The SDK behind the `wallet` command and the C library: BIP39 mnemonics,
//! BIP32 derivation, secp256k1 keys, Bitcoin-family and Ethereum addresses.
//!
//! Layers point one way: [`hd`] builds on [`mnemonic`]; [`bitcoin`] and
//! [`ethereum`] build on [`hd`] and [`key`] and never import each other;
//! [`error`] and [`secret`] sit at the bottom. Nothing here prints or reads
//! the terminal.
//!
//! ```
//! use wallet_core::{mnemonic::Mnemonic, hd, ethereum};
//! let m = Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
//! let master = hd::ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
//! let key = master.derive_path(&hd::ethereum_path(0, 0).unwrap()).unwrap();
//! let addr = ethereum::Address::from_public_key(&key.private_key().public_key());
//! assert_eq!(addr.to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
//! ```

pub mod account;
pub mod bitcoin;
pub mod chain;
pub mod ecdsa;
pub mod error;
pub mod ethereum;
mod generator;
pub mod hash;
pub mod hd;
pub mod key;
#[cfg(feature = "keystore")]
pub mod keystore;
pub mod mnemonic;
pub mod report;
#[cfg(all(feature = "keystore", feature = "rpc"))]
pub mod request;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod schnorr;
pub mod secret;
pub mod slip39;
#[cfg(feature = "rpc")]
pub mod spend;
#[cfg(feature = "rpc")]
pub mod verify;
#[cfg(all(feature = "keystore", feature = "rpc"))]
pub mod wallet;

pub use error::{Error, ErrorKind, Result};

/// The rust-bitcoin crate this SDK's Bitcoin types come from (PSBTs,
/// transactions, amounts), for callers that need more of it.
pub use ::bitcoin as rust_bitcoin;
