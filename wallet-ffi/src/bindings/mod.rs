//! # The UniFFI interface: wallet-core as Kotlin, Swift and Python objects
//!
//! The second interface of the library, next to the C ABI: the same
//! operations, exported with UniFFI's proc macros as objects ([`Keystore`],
//! [`UnlockedWallet`], [`Mnemonic`], [`MasterKey`], [`EthereumNode`],
//! [`BitcoinNode`], [`SecretText`]), records, enums and one exception type
//! ([`WalletError`], a variant per stable kind). The generated sources are
//! in `wallet-ffi/bindings/` (`scripts/bindings` regenerates them with the
//! unpublished `wallet-bindgen` crate, so the generator never ships).
//!
//! Like the C ABI this layer is thin: each method converts its arguments
//! to the core's types, calls one wallet-core operation and converts the
//! core's view of the result. Secrets come in as [`Secret`] arguments, never
//! inside a record, enum or option (UniFFI copies those out of a buffer it
//! frees unwiped; a test checks the interface has none), and go out as
//! [`SecretText`] objects (wiped when destroyed); `docs/ffi.md` says what
//! the host languages can and cannot wipe.
//!
//! Every object is `Send + Sync` (UniFFI shares it behind an `Arc`) and
//! immutable, except [`SecretText`], whose wipe takes a lock.

mod error;
mod keystore;
mod language;
mod mnemonic;
mod node;
mod secret;
mod types;
mod unlocked;
mod views;

pub use error::{BindingError, ErrorDetails, WalletError, WalletResult};
pub use keystore::{ImportFormat, KdfOptions, Keystore};
pub use mnemonic::{
    library_version, suggest_words, validate_mnemonic, MasterKey, Mnemonic, MnemonicCheck,
};
pub use node::{
    BitcoinNode, BtcBalance, BtcBroadcast, BtcPayment, BtcSendRequest, BtcVerification, ChainPoint,
    EthBalance, EthSendResult, EthereumNode, PaymentChange, PaymentInput,
};
pub use secret::{Secret, SecretText};
pub use types::{AddressType, Chain, KeyChoice, KeyForm, Keychain, Language, Network, Selection};
pub use unlocked::{EthTxRequest, UnlockedWallet};
pub use views::{
    AddressEntry, AddressList, CreatedWallet, EthKeystoreExport, InputOutcome, ListedWallet,
    MessageSignature, PsbtOutcome, SecretExport, SignedEthTx, TypedDataSignature, UnreadableWallet,
    WalletListing, WalletSummary, XpubExport,
};

// Every object is shared between threads by the host languages.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Keystore>();
    send_sync::<UnlockedWallet>();
    send_sync::<Mnemonic>();
    send_sync::<MasterKey>();
    send_sync::<EthereumNode>();
    send_sync::<BitcoinNode>();
    send_sync::<SecretText>();
};
