//! The one exception type of the bindings: [`WalletError`], a variant per
//! wallet-core [`ErrorKind`], so a caller catches the kind it handles
//! (`WalletException.WrongPassword` in Kotlin, `WalletError.WrongPassword`
//! in Python and Swift) or reads `kind`, the core's stable name
//! (`ErrorKind::as_str`, never a name of its own), on any of them.
//!
//! The variant list mirrors the core's kind table (a test checks every kind
//! maps to the variant of its name); panics never become a `WalletError`:
//! UniFFI turns them into its own internal exception.

use super::language::Language;
use wallet_core::ErrorKind;

/// Structured facts some errors carry; the ones that do not apply are null
/// (or empty). They quote user input only as the messages do: one mistyped
/// mnemonic word.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ErrorDetails {
    /// The 1-based position of the offending mnemonic word.
    pub position: Option<u32>,
    /// The offending mnemonic word, as typed (normalised).
    pub word: Option<String>,
    /// Words of the list closest to the offending word, best first.
    pub suggestions: Vec<String>,
    /// The word list the phrase was read in (or the one asked for).
    pub language: Option<Language>,
    /// The word list the offending word belongs to (a word of another list).
    pub word_language: Option<Language>,
    /// The word count of a phrase with a count BIP39 does not allow.
    pub word_count: Option<u32>,
    /// Why a node rejected a transaction, as a stable word: `nonce_too_low`,
    /// `nonce_too_high`, `replacement_underpriced`, `fee_too_low`,
    /// `gas_too_low`, `already_known`, `conflict`, `premature` or `other`.
    pub rejection: Option<String>,
    /// A send whose answer was lost: the hash (Ethereum) or txid (Bitcoin)
    /// of the transaction that may have been sent. Look it up before sending
    /// again.
    pub maybe_sent_tx: Option<String>,
}

/// Defines [`WalletError`] with one variant per kind, each carrying the same
/// three fields, and its construction from a kind.
macro_rules! wallet_error {
    ($($(#[doc = $doc:literal])* $kind:ident;)*) => {
        /// Every failure of the library. The variant is the error's stable kind;
        /// `kind` is its name as the CLI's `--json` errors and the C ABI's
        /// `wallet_status_name` spell it.
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        pub enum WalletError {
            $(
                $(#[doc = $doc])*
                #[error("{reason}")]
                $kind {
                    /// The stable kind name (`wrong_password`, …).
                    kind: String,
                    /// One sentence saying what was wrong and what to do (no
                    /// passwords or keys; at most one mistyped mnemonic word).
                    reason: String,
                    /// The structured facts of the error, when it has some.
                    details: Box<ErrorDetails>,
                },
            )*
        }

        impl WalletError {
            /// The error of `kind` (a kind this list lacks becomes `Internal`,
            /// keeping the core's name in `kind`).
            pub(crate) fn of(kind: ErrorKind, reason: String, details: ErrorDetails) -> Self {
                let name = kind.as_str().to_owned();
                match kind {
                    $(ErrorKind::$kind => WalletError::$kind { kind: name, reason, details: Box::new(details) },)*
                    _ => WalletError::Internal { kind: name, reason, details: Box::new(details) },
                }
            }

            /// The stable kind name.
            #[must_use]
            pub fn kind(&self) -> &str {
                match self {
                    $(WalletError::$kind { kind, .. } => kind,)*
                }
            }

            /// The structured facts.
            #[must_use]
            pub fn details(&self) -> &ErrorDetails {
                match self {
                    $(WalletError::$kind { details, .. } => details,)*
                }
            }
        }
    };
}

wallet_error! {
    /// Malformed input: bad syntax, hex, base58 or JSON, a wrong length, a value out of range.
    InvalidInput;
    /// A mnemonic with an unknown word, a word of another list or a wrong word count.
    InvalidMnemonic;
    /// A checksum did not match (mnemonic, base58check, bech32, EIP-55).
    BadChecksum;
    /// An unknown version or prefix (extended keys, addresses, file formats).
    UnknownVersion;
    /// Valid data for another network or chain than the one asked for.
    WrongNetwork;
    /// Key material that is not a valid secp256k1 key.
    InvalidKey;
    /// A derivation path that cannot be parsed or used.
    InvalidPath;
    /// An address that cannot be parsed.
    InvalidAddress;
    /// Valid input asking for something the library does not do.
    Unsupported;
    /// The password does not open the wallet file.
    WrongPassword;
    /// A wallet file was modified: its authentication failed.
    Tampered;
    /// Key-derivation parameters below the safe floor (allow them explicitly for tests).
    WeakParameters;
    /// A wallet or file that does not exist.
    NotFound;
    /// A wallet or file that already exists and would be overwritten.
    AlreadyExists;
    /// Another process (or payment) holds the keystore lock: try again.
    Locked;
    /// The operating system refused a file operation.
    Io;
    /// The user declined a confirmation.
    Cancelled;
    /// The node could not be reached (refused, DNS, TLS).
    NodeUnreachable;
    /// The node did not answer in time.
    Timeout;
    /// The node answered something that is not a valid JSON-RPC response.
    BadResponse;
    /// The node returned a JSON-RPC error.
    NodeError;
    /// The node refused a transaction (`details.rejection` says why).
    Rejected;
    /// The node refused the credentials.
    AuthFailed;
    /// Not enough funds for the payment and its fee.
    InsufficientFunds;
    /// The node serves another chain than the one expected.
    WrongChain;
    /// A signature that does not verify for the given key, address or message.
    BadSignature;
    /// A node's answer did not match its proof: the node lied or is broken.
    Unverified;
    /// A bug: an invariant of the library did not hold.
    Internal;
}

// The fields again as methods, for code that holds the exception's common
// type (Kotlin's `WalletException`, Swift's `WalletError`); in Python the
// fields of the instance shadow them (`e.kind` is the string).
#[uniffi::export]
impl WalletError {
    /// The stable kind name (`wrong_password`, …), whatever the variant.
    #[uniffi::method(name = "kind")]
    pub fn kind_name(&self) -> String {
        self.kind().to_owned()
    }

    /// The sentence saying what was wrong and what to do, whatever the
    /// variant.
    #[uniffi::method(name = "reason")]
    pub fn reason_text(&self) -> String {
        self.to_string()
    }

    /// The structured facts, whatever the variant.
    #[uniffi::method(name = "details")]
    pub fn details_record(&self) -> ErrorDetails {
        self.details().clone()
    }
}

impl From<wallet_core::Error> for WalletError {
    fn from(e: wallet_core::Error) -> Self {
        let d = e.details();
        let text = |k: &str| d.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let number = |k: &str| {
            d.get(k)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        let language = |k: &str| {
            text(k)
                .and_then(|c| c.parse::<wallet_core::mnemonic::Language>().ok())
                .map(Language::from)
        };
        let details = ErrorDetails {
            position: number("position"),
            word: text("word"),
            suggestions: d
                .get("suggestions")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            language: language("language"),
            word_language: language("word_language"),
            word_count: number("word_count"),
            rejection: text("reason"),
            maybe_sent_tx: text("tx"),
        };
        WalletError::of(e.kind(), e.to_string(), details)
    }
}

/// Failures of the bindings layer itself (everything else is the core's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindingError {
    /// A secret read after it was wiped.
    #[error("this secret was wiped; it can no longer be read")]
    Wiped,
    /// A caller's buffer too small for a secret.
    #[error(
        "the buffer holds {given} bytes but the secret needs {needed}: allocate byte_len() bytes"
    )]
    BufferTooSmall {
        /// Bytes the secret needs.
        needed: u64,
        /// Bytes the buffer has.
        given: u64,
    },
    /// A text that should be hex.
    #[error("{what} is not hex")]
    NotHex {
        /// Which argument.
        what: &'static str,
    },
    /// A text that should be JSON.
    #[error("{what} is not valid JSON: {reason}")]
    NotJson {
        /// Which argument.
        what: &'static str,
        /// The parser's complaint (it quotes no input).
        reason: String,
    },
}

impl BindingError {
    /// The stable kind of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }
}

impl From<BindingError> for wallet_core::Error {
    fn from(e: BindingError) -> Self {
        wallet_core::Error::InvalidInput(e.to_string())
    }
}

impl From<BindingError> for WalletError {
    fn from(e: BindingError) -> Self {
        WalletError::of(e.kind(), e.to_string(), ErrorDetails::default())
    }
}

/// The result every exported function returns.
pub type WalletResult<T> = Result<T, WalletError>;

wallet_core::from_leaf_errors!(WalletError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_kind_maps_to_the_variant_of_its_name() {
        for kind in ErrorKind::ALL {
            let e = WalletError::of(*kind, "r".into(), ErrorDetails::default());
            assert_eq!(e.kind(), kind.as_str());
            let variant = format!("{e:?}");
            assert!(
                variant.starts_with(&format!("{kind:?} {{")),
                "{kind:?} -> {variant}"
            );
        }
    }

    #[test]
    fn core_errors_keep_their_details() {
        let e = WalletError::from(
            wallet_core::mnemonic::Mnemonic::parse(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn",
            )
            .unwrap_err(),
        );
        assert!(matches!(e, WalletError::InvalidMnemonic { .. }), "{e:?}");
        let d = e.details();
        assert_eq!(d.position, Some(12));
        assert_eq!(d.word.as_deref(), Some("abandn"));
        assert!(d.suggestions.iter().any(|s| s == "abandon"));
        assert_eq!(d.language, Some(Language::English));
        let r = WalletError::from(wallet_core::Error::Rejected("nonce too low".into()));
        assert_eq!(r.details().rejection.as_deref(), Some("nonce_too_low"));
        assert_eq!(r.kind(), "rejected");
        let w = WalletError::from(BindingError::Wiped);
        assert!(matches!(w, WalletError::InvalidInput { .. }));
        assert!(w.to_string().contains("wiped"));
    }
}
