//! # wallet-core
//!
//! The SDK behind the `wallet` command, the C library and the mobile
//! bindings: HD wallets (BIP39, SLIP-39, BIP32), encrypted keystores,
//! addresses of Bitcoin, Litecoin and Ethereum, signing (transactions,
//! PSBTs, messages), and payments through full nodes, with the node's
//! answers checked against proofs when asked. Every face calls the same
//! functions here, so they agree byte for byte.
//!
//! ## A guide
//!
//! - **Derive addresses** from a phrase with [`mnemonic::Mnemonic`],
//!   [`hd::ExtendedPrivateKey`] and an [`account::Selection`] (chain,
//!   type, network, account, index, count), resolved in one place:
//!   `examples/derive_addresses.rs`.
//! - **Keep keys in a keystore** ([`keystore::Keystore`], argon2id +
//!   AES-256-GCM files, Ethereum V3 import/export) and work with one
//!   wallet through [`wallet::Wallet`]: its public facts need no password;
//!   operations that need the secret take a closure that supplies it, and
//!   [`wallet::UnlockedWallet`] holds the decrypted secret (wiped on drop):
//!   `examples/create_and_back_up.rs`, `examples/open_keystore.rs`.
//! - **Sign**: Ethereum transactions of every type
//!   ([`ethereum::Transaction`], EIP-155 to EIP-7702), EIP-191 and EIP-712
//!   messages, PSBTs of either version ([`bitcoin::psbt`],
//!   [`bitcoin::psbt_v2`]; reviewed before signing, with the refusals a
//!   hardware wallet makes), BIP137 and BIP322 messages
//!   ([`bitcoin::bip322`]): `examples/sign_psbt.rs`,
//!   `examples/sign_eip1559.rs`.
//! - **Pay through a node** ([`rpc`] clients; [`spend`] builds, signs and
//!   sends once): `examples/eth_send.rs`. With [`verify`], balances, nonces
//!   and coins are checked against headers and Merkle proofs instead of
//!   believed.
//! - **Watch and back up**: output descriptors and watch-only wallets
//!   ([`bitcoin::descriptor`], [`wallet::WatchWallet`]); Shamir backups
//!   ([`slip39`]).
//! - **Show results**: [`report`] holds the serializable views the CLI's
//!   `--json` and the C ABI both print (documented in `docs/json.md`);
//!   [`request`] the JSON requests the C ABI takes.
//!
//! ## Errors
//!
//! Every fallible function returns [`Error`], whose [`Error::kind`] is one
//! of the stable [`ErrorKind`]s (`wrong_password`, `bad_checksum`,
//! `unverified`, …) that scripts and the C status codes follow. Modules
//! with their own failure modes have a typed leaf error (for example
//! [`mnemonic::MnemonicError`], [`hd::PathError`],
//! [`bitcoin::bip322::Bip322Error`], [`slip39::Slip39Error`]) that converts
//! into it. Messages never contain secrets, and never name a CLI flag.
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `keystore` | on | wallet files (argon2id, AES-GCM), Ethereum V3 keystores |
//! | `rpc` | on | node clients (blocking HTTP), payments, proof checks |
//! | both | on | the wallet/session API ([`wallet`]) and JSON requests ([`request`]) |
//!
//! Without them (`default-features = false`) the crate is the signing core:
//! mnemonics, derivation, keys, addresses, transactions, PSBTs, messages,
//! descriptors and SLIP-39, with no HTTP client and no KDF.
//!
//! Layers point one way: [`hd`] builds on [`mnemonic`]; [`bitcoin`] and
//! [`ethereum`] build on [`hd`] and [`key`] and never import each other;
//! [`error`] and [`secret`] sit at the bottom; [`spend`] and [`wallet`] at
//! the top. Nothing here prints or reads the terminal.
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
pub mod kind;
pub mod mnemonic;
mod path;
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

pub use error::{Error, ErrorKind, HighFeeRemedy, Result};

/// The rust-bitcoin crate this SDK's Bitcoin types come from (PSBTs,
/// transactions, amounts), for callers that need more of it.
pub use ::bitcoin as rust_bitcoin;
