//! The one error type of the SDK, with its stable [`ErrorKind`] (defined in
//! [`crate::kind`], below every module, so that leaf errors can name their
//! kind without importing this façade).
//!
//! Every failure the SDK reports is an [`Error`]. Each variant maps to an
//! [`ErrorKind`], a coarse category whose string form (`ErrorKind::as_str`) is
//! part of the public contract: the CLI prints it in `--json` errors and the C
//! FFI returns it as a status code. Messages say what was wrong and, where it
//! helps, what to do; they never contain key material or passwords.

/// Result alias used throughout the SDK.
pub type Result<T, E = Error> = core::result::Result<T, E>;

pub use crate::kind::ErrorKind;

/// How a fee above the safety cap can be paid anyway (each face names its
/// own switch: the CLI's `--allow-high-fee`, the requests' `allow_high_fee`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HighFeeRemedy {
    /// The caller chose the fee: allowing a high fee pays it.
    Allow,
    /// The node chose the Bitcoin fee rate: give it explicitly, and allow it.
    GiveFeeRate,
    /// The node chose the Ethereum fees per gas: give them explicitly, and
    /// allow them.
    GiveFeesPerGas,
}

impl HighFeeRemedy {
    /// The advice in the SDK's own words.
    #[must_use]
    pub fn advice(self) -> &'static str {
        match self {
            HighFeeRemedy::Allow => "allow a high fee explicitly to pay it",
            HighFeeRemedy::GiveFeeRate => {
                "give the fee rate explicitly and allow a high fee to pay it anyway"
            }
            HighFeeRemedy::GiveFeesPerGas => {
                "give the fees explicitly and allow a high fee to pay that much"
            }
        }
    }
}

/// Every error the SDK reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Generic malformed input; the message says what and where.
    #[error("{0}")]
    InvalidInput(String),

    /// A phrase that is not a valid BIP39 mnemonic.
    #[error(transparent)]
    Mnemonic(crate::mnemonic::MnemonicError),

    /// A checksum failed in an encoded string (base58check, bech32, EIP-55).
    #[error("{what}: checksum mismatch (a character is wrong)")]
    Checksum {
        /// What was being decoded.
        what: &'static str,
    },

    /// A version/prefix that is not known.
    #[error("{what}: unknown version {version}")]
    UnknownVersion {
        /// What was being decoded.
        what: &'static str,
        /// The version seen, as text (hex or prefix).
        version: String,
    },

    /// Data for another network than the one asked for.
    #[error("{what} is for {found}, not {expected}")]
    WrongNetwork {
        /// What was being decoded.
        what: &'static str,
        /// The network the data is for.
        found: String,
        /// The network that was asked for.
        expected: String,
    },

    /// An invalid secp256k1 key or extended key.
    #[error("invalid key: {0}")]
    InvalidKey(String),

    /// A derivation path that cannot be parsed or used.
    #[error("invalid derivation path: {0}")]
    InvalidPath(String),

    /// An address that cannot be parsed.
    #[error("invalid address: {0}")]
    InvalidAddress(String),

    /// Something valid that is not supported.
    #[error("unsupported: {0}")]
    Unsupported(String),

    /// The password does not decrypt the file.
    #[error("wrong password for {0}")]
    WrongPassword(String),

    /// A file failed authentication or is structurally corrupt.
    #[error("{0}")]
    Tampered(String),

    /// A file format version this build cannot read.
    #[error("{what} has format version {version}, which this version cannot read")]
    UnsupportedFileVersion {
        /// Which file.
        what: String,
        /// The version found.
        version: String,
    },

    /// KDF parameters below the safe floor.
    #[error("{0}")]
    WeakKdf(String),

    /// A wallet that does not exist.
    #[error("no wallet named '{0}' in the keystore")]
    WalletNotFound(String),

    /// A wallet name that is taken.
    #[error("a wallet named '{0}' already exists; choose another name or delete it first")]
    WalletExists(String),

    /// A file that would be overwritten.
    #[error("'{0}' already exists; refusing to overwrite it")]
    FileExists(String),

    /// Another process holds the keystore lock.
    #[error("the keystore '{0}' is locked by another wallet process; try again")]
    Locked(String),

    /// Another payment from the same wallet claimed the change address this
    /// one was about to use (two sends at once): nothing was sent.
    #[error("another payment from this wallet took change address {index} of {account} at the same time; nothing was sent: try again")]
    ChangeTaken {
        /// The change record's account key.
        account: String,
        /// The change index both wanted.
        index: u32,
    },

    /// The change index a payment takes could not be recorded, so the
    /// payment was not sent; its kind is the cause's.
    #[error("nothing was sent: the wallet could not record the change address it takes: {0}")]
    ChangeNotRecorded(Box<Error>),

    /// A file-system operation failed.
    #[error("{op} '{path}': {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// On which path.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },

    /// The node could not be reached.
    #[error("cannot reach the node at {url}: {reason}")]
    NodeUnreachable {
        /// The endpoint (credentials removed).
        url: String,
        /// Why.
        reason: String,
    },

    /// The node did not answer in time.
    #[error("the node at {url} did not answer within {seconds} s")]
    Timeout {
        /// The endpoint (credentials removed).
        url: String,
        /// The timeout.
        seconds: u64,
    },

    /// The answer was not a valid JSON-RPC response.
    #[error("the node at {url} gave an invalid answer: {reason}")]
    BadResponse {
        /// The endpoint (credentials removed).
        url: String,
        /// What was wrong.
        reason: String,
    },

    /// The connection failed while a signed transaction was being sent, and
    /// the node could not confirm whether it received it: it may be on its
    /// way. Its kind is the failure's (timeout, unreachable, bad answer).
    #[error("{cause}; transaction {tx} may have been sent: look it up by that hash (or wait) before sending again, or the payment may be made twice")]
    MaybeSent {
        /// The transaction's hash (Ethereum) or txid (Bitcoin), as shown to users.
        tx: String,
        /// The transport failure.
        cause: Box<Error>,
    },

    /// A transaction the node accepted, then a failure while its receipt
    /// was awaited or proven: it was sent (do not send it again blindly).
    /// Its kind is the failure's.
    #[error("transaction {tx} was sent, but then: {cause}; look it up by that hash before sending again")]
    Sent {
        /// The transaction's hash, as shown to users.
        tx: String,
        /// What failed after the send.
        cause: Box<Error>,
    },

    /// A transaction the node accepted has no receipt yet after the wait:
    /// it is pending (not lost) and may still be mined. Its kind is
    /// [`ErrorKind::Timeout`].
    #[error("transaction {tx} was sent and is still pending after {seconds} s (no receipt yet); it may be mined later: look it up by that hash before sending it again")]
    Pending {
        /// The transaction's hash, as shown to users.
        tx: String,
        /// How long the receipt was waited for.
        seconds: u64,
    },

    /// The node returned a JSON-RPC error.
    #[error("the node refused {method}: {message} (code {code})")]
    NodeError {
        /// The method called.
        method: String,
        /// JSON-RPC error code.
        code: i64,
        /// The node's message.
        message: String,
    },

    /// The node rejected a transaction.
    #[error("the node rejected the transaction: {0}")]
    Rejected(String),

    /// The node refused the credentials.
    #[error("the node at {0} refused the credentials (check the RPC user and password, or the cookie file)")]
    AuthFailed(String),

    /// A fee above the safety cap; nothing was signed or sent. The kind is
    /// `invalid_input`.
    #[error("{reason} ({})", .remedy.advice())]
    HighFee {
        /// What the fee is and which cap it exceeds.
        reason: String,
        /// How to pay it anyway.
        remedy: HighFeeRemedy,
    },

    /// Not enough funds.
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),

    /// The node serves another chain than expected.
    #[error("wrong chain: {0}")]
    WrongChain(String),

    /// A signature that does not verify.
    #[error("{0}")]
    BadSignature(String),

    /// A node's answer that does not match its proof; the message names
    /// what did not match and against what.
    #[error("the node's answer could not be verified: {0}")]
    Unverified(String),

    /// An address selection that cannot be resolved.
    #[error(transparent)]
    Selection(SelectionError),

    /// A derivation path or index that was refused.
    #[error(transparent)]
    Path(crate::path::PathError),

    /// A SLIP-39 share or set of shares that cannot be read or combined
    /// (the `slip39` module's functions return the typed
    /// [`crate::slip39::Slip39Error`]; this is its kind and message).
    #[error("{message}")]
    Slip39 {
        /// Its kind (`bad_checksum`, `invalid_mnemonic`, `invalid_input`, …).
        kind: ErrorKind,
        /// What was wrong, naming the share.
        message: String,
    },

    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// For a transaction the node refused ([`Error::Rejected`]), why, as a
    /// stable word scripts can act on: `nonce_too_low`, `nonce_too_high`,
    /// `replacement_underpriced`, `fee_too_low`, `gas_too_low`,
    /// `already_known`, `conflict`, `premature` or `other` (the node's own
    /// words are in the message). `None` for other errors.
    #[must_use]
    pub fn rejection_reason(&self) -> Option<&'static str> {
        let Error::Rejected(message) = self else {
            return None;
        };
        let m = message.to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
        Some(if has(&["nonce too low", "nonce-too-low", "oldnonce"]) {
            "nonce_too_low"
        } else if has(&["nonce too high", "nonce-too-high"]) {
            "nonce_too_high"
        } else if has(&[
            "replacement transaction underpriced",
            "replacement-underpriced",
            "insufficient fee",
        ]) {
            "replacement_underpriced"
        } else if has(&[
            "less than block base fee",
            "fee cap less than",
            "underpriced",
            "min relay fee",
            "mempool min fee",
            "fee too low",
            "feetoolow",
        ]) {
            "fee_too_low"
        } else if has(&["intrinsic gas too low", "gas too low", "out of gas"]) {
            "gas_too_low"
        } else if has(&[
            "already known",
            "already-in-mempool",
            "already in block chain",
            "already imported",
        ]) {
            "already_known"
        } else if has(&[
            "mempool-conflict",
            "missingorspent",
            "missing-inputs",
            "double spend",
        ]) {
            "conflict"
        } else if has(&["premature", "non-final", "non-bip68-final"]) {
            "premature"
        } else {
            "other"
        })
    }

    /// The stable category of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput(_) | Error::HighFee { .. } => ErrorKind::InvalidInput,
            Error::Mnemonic(e) => e.kind(),
            Error::Checksum { .. } => ErrorKind::BadChecksum,
            Error::UnknownVersion { .. } => ErrorKind::UnknownVersion,
            Error::WrongNetwork { .. } => ErrorKind::WrongNetwork,
            Error::InvalidKey(_) => ErrorKind::InvalidKey,
            Error::InvalidPath(_) => ErrorKind::InvalidPath,
            Error::InvalidAddress(_) => ErrorKind::InvalidAddress,
            Error::Unsupported(_) => ErrorKind::Unsupported,
            Error::WrongPassword(_) => ErrorKind::WrongPassword,
            Error::Tampered(_) => ErrorKind::Tampered,
            Error::UnsupportedFileVersion { .. } => ErrorKind::UnknownVersion,
            Error::WeakKdf(_) => ErrorKind::WeakParameters,
            Error::WalletNotFound(_) => ErrorKind::NotFound,
            Error::WalletExists(_) | Error::FileExists(_) => ErrorKind::AlreadyExists,
            Error::Locked(_) | Error::ChangeTaken { .. } => ErrorKind::Locked,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorKind::NotFound
            }
            Error::Io { .. } => ErrorKind::Io,
            Error::NodeUnreachable { .. } => ErrorKind::NodeUnreachable,
            Error::Timeout { .. } | Error::Pending { .. } => ErrorKind::Timeout,
            Error::BadResponse { .. } => ErrorKind::BadResponse,
            Error::MaybeSent { cause, .. }
            | Error::Sent { cause, .. }
            | Error::ChangeNotRecorded(cause) => cause.kind(),
            Error::NodeError { .. } => ErrorKind::NodeError,
            Error::Rejected(_) => ErrorKind::Rejected,
            Error::AuthFailed(_) => ErrorKind::AuthFailed,
            Error::InsufficientFunds(_) => ErrorKind::InsufficientFunds,
            Error::WrongChain(_) => ErrorKind::WrongChain,
            Error::BadSignature(_) => ErrorKind::BadSignature,
            Error::Unverified(_) => ErrorKind::Unverified,
            Error::Selection(e) => e.kind(),
            Error::Slip39 { kind, .. } => *kind,
            Error::Path(e) => e.kind(),
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The structured facts some errors carry, for JSON reports (see
    /// [`crate::report::ErrorReport`]): the word, position, suggestions and
    /// languages of a mnemonic error, a rejection's `reason`, a lost send's
    /// `maybe_sent` and `tx`.
    #[must_use]
    pub fn details(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        let mut d = serde_json::Map::new();
        use crate::mnemonic::MnemonicError as M;
        match self {
            Error::Mnemonic(M::UnknownWord {
                position,
                word,
                language,
                suggestions,
            }) => {
                d.insert("position".into(), json!(position));
                if let Some(w) = word {
                    d.insert("word".into(), json!(w));
                }
                d.insert("language".into(), json!(language.code()));
                d.insert("suggestions".into(), json!(suggestions));
            }
            Error::Mnemonic(M::ForeignWord {
                position,
                word,
                found,
                expected,
                ..
            }) => {
                d.insert("position".into(), json!(position));
                d.insert("word".into(), json!(word));
                d.insert("word_language".into(), json!(found.code()));
                d.insert("language".into(), json!(expected.code()));
            }
            Error::Mnemonic(M::WordCount(n)) => {
                d.insert("word_count".into(), json!(n));
            }
            Error::Rejected(_) => {
                d.insert("reason".into(), json!(self.rejection_reason()));
            }
            Error::MaybeSent { tx, .. } => {
                d.insert("maybe_sent".into(), json!(true));
                d.insert("tx".into(), json!(tx));
            }
            Error::Sent { tx, .. } => {
                d.insert("maybe_sent".into(), json!(true));
                d.insert("sent".into(), json!(true));
                d.insert("tx".into(), json!(tx));
            }
            Error::Pending { tx, .. } => {
                d.insert("maybe_sent".into(), json!(true));
                d.insert("pending".into(), json!(true));
                d.insert("tx".into(), json!(tx));
            }
            _ => {}
        }
        d
    }

    pub(crate) fn input(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }

    pub(crate) fn key(msg: impl Into<String>) -> Self {
        Error::InvalidKey(msg.into())
    }

    #[cfg_attr(not(feature = "keystore"), allow(dead_code))]
    pub(crate) fn io(op: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            op,
            path: path.display().to_string(),
            source,
        }
    }
}

/// Implements `From` on a face's error type for each of the core's leaf
/// errors ([`MnemonicError`](crate::mnemonic::MnemonicError),
/// [`PathError`](crate::hd::PathError), [`SelectionError`]), through
/// [`Error`], so they keep its kind and details. The type must implement
/// `From<wallet_core::Error>`.
///
/// ```
/// struct FaceError(wallet_core::ErrorKind);
/// impl From<wallet_core::Error> for FaceError {
///     fn from(e: wallet_core::Error) -> Self {
///         FaceError(e.kind())
///     }
/// }
/// wallet_core::from_leaf_errors!(FaceError);
/// let e: FaceError = "m/x".parse::<wallet_core::hd::DerivationPath>().unwrap_err().into();
/// assert_eq!(e.0, wallet_core::ErrorKind::InvalidPath);
/// ```
#[macro_export]
macro_rules! from_leaf_errors {
    ($target:ty) => {
        $crate::from_leaf_errors!(@each $target:
            $crate::mnemonic::MnemonicError,
            $crate::hd::PathError,
            $crate::account::SelectionError);
    };
    (@each $target:ty: $($leaf:ty),*) => {$(
        impl From<$leaf> for $target {
            fn from(e: $leaf) -> Self {
                $crate::Error::from(e).into()
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        let mut codes = std::collections::HashSet::new();
        for kind in ErrorKind::ALL {
            let name = kind.as_str();
            assert!(seen.insert(name), "duplicate kind {name}");
            assert!(codes.insert(kind.code()), "duplicate code of {name}");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(kind.as_cstr().to_str().unwrap(), name);
            assert_eq!(ErrorKind::from_code(kind.code()), Some(*kind));
        }
        assert_eq!(ErrorKind::from_code(0), None);
    }

    #[test]
    fn unknown_word_message_suggests() {
        use crate::mnemonic::{Language, MnemonicError};
        let e = Error::Mnemonic(MnemonicError::UnknownWord {
            position: 7,
            word: Some("abandn".into()),
            language: Language::English,
            suggestions: vec!["abandon"],
        });
        assert_eq!(
            e.to_string(),
            "word 7 'abandn' is not in the English word list; did you mean 'abandon'?"
        );
        assert_eq!(e.kind(), ErrorKind::InvalidMnemonic);
    }

    #[test]
    fn rejection_reasons_from_node_messages() {
        // Messages as geth/anvil and Bitcoin Core word them.
        for (msg, want) in [
            ("nonce too low: next nonce 1, tx nonce 0", "nonce_too_low"),
            ("max fee per gas less than block base fee: address 0x…, maxFeePerGas: 1, baseFee: 875000000", "fee_too_low"),
            ("replacement transaction underpriced", "replacement_underpriced"),
            ("transaction underpriced", "fee_too_low"),
            ("min relay fee not met, 20 < 110", "fee_too_low"),
            ("insufficient fee, rejecting replacement", "replacement_underpriced"),
            ("intrinsic gas too low", "gas_too_low"),
            ("already known", "already_known"),
            ("txn-mempool-conflict", "conflict"),
            ("bad-txns-inputs-missingorspent", "conflict"),
            ("bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 1", "premature"),
            ("something new", "other"),
        ] {
            assert_eq!(Error::Rejected(msg.into()).rejection_reason(), Some(want), "{msg}");
        }
        assert_eq!(Error::input("x").rejection_reason(), None);
    }
}

impl From<crate::mnemonic::MnemonicError> for Error {
    fn from(e: crate::mnemonic::MnemonicError) -> Self {
        Error::Mnemonic(e)
    }
}

impl From<crate::path::PathError> for Error {
    fn from(e: crate::path::PathError) -> Self {
        Error::Path(e)
    }
}

/// Why a selection cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SelectionError {
    /// An address type was given for Ethereum, which has one kind of address.
    #[error("address types apply to Bitcoin and Litecoin only (an Ethereum address has one form)")]
    TypeOnEthereum,
    /// A network was given for Ethereum, whose addresses are the same on every network.
    #[error("networks apply to Bitcoin and Litecoin only (Ethereum addresses are the same on every network)")]
    NetworkOnEthereum,
    /// A full path and an account, keychain or index at once.
    #[error("give either a full path or an account, keychain and index, not both")]
    PathWithPosition,
    /// A count of zero addresses.
    #[error("the count of addresses must be at least 1")]
    ZeroCount,
    /// More than one address from a path with no level to increment (`m`).
    #[error("several addresses need a path with at least one level to increment")]
    NothingToIncrement,
    /// The run would pass the last index of its level.
    #[error("{count} addresses from index {start} run past the last index 2147483647")]
    RunPastLastIndex {
        /// How many addresses were asked for.
        count: u64,
        /// The first index of the run.
        start: u32,
    },
    /// A position (path, account, keychain, index, count) for a single-key
    /// wallet, which has one key and no positions.
    #[error("this wallet is a single key: path, account, index, change and count do not apply")]
    SingleKeyPosition,
}

impl SelectionError {
    /// The stable kind of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            SelectionError::NothingToIncrement | SelectionError::RunPastLastIndex { .. } => {
                ErrorKind::InvalidPath
            }
            _ => ErrorKind::InvalidInput,
        }
    }
}

impl From<SelectionError> for Error {
    fn from(e: SelectionError) -> Self {
        Error::Selection(e)
    }
}
