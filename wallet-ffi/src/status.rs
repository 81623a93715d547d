//! The status every C function returns: wallet-core's [`ErrorKind`] codes
//! (the one table of kinds, `wallet_core::error`), plus the boundary's own
//! `OK`, `NULL_POINTER` and `INVALID_UTF8`. The enum is spelled out here for
//! cbindgen; a test checks it against the core table.

use std::ffi::CStr;
use wallet_core::ErrorKind;

/// The outcome of every call. Values are stable; new ones may be added.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalletStatus {
    /// Success.
    Ok = 0,
    /// Malformed input.
    InvalidInput = 1,
    /// A mnemonic with an unknown word, a wrong word count or a foreign word.
    InvalidMnemonic = 2,
    /// A checksum did not match.
    BadChecksum = 3,
    /// An unknown version or prefix.
    UnknownVersion = 4,
    /// Data for another network.
    WrongNetwork = 5,
    /// An invalid key.
    InvalidKey = 6,
    /// An invalid derivation path.
    InvalidPath = 7,
    /// An invalid address.
    InvalidAddress = 8,
    /// Not supported.
    Unsupported = 9,
    /// Wrong password.
    WrongPassword = 10,
    /// A modified or corrupt file.
    Tampered = 11,
    /// KDF parameters below the safe floor.
    WeakParameters = 12,
    /// No such wallet or file.
    NotFound = 13,
    /// The wallet or file exists already.
    AlreadyExists = 14,
    /// The keystore is locked by another process.
    Locked = 15,
    /// A file-system error.
    Io = 16,
    /// Declined.
    Cancelled = 17,
    /// The node cannot be reached.
    NodeUnreachable = 18,
    /// The node did not answer in time.
    Timeout = 19,
    /// The node's answer is not valid JSON-RPC.
    BadResponse = 20,
    /// The node returned an error.
    NodeError = 21,
    /// The node rejected a transaction.
    Rejected = 22,
    /// The node refused the credentials.
    AuthFailed = 23,
    /// Not enough funds.
    InsufficientFunds = 24,
    /// The node serves another chain.
    WrongChain = 25,
    /// A signature does not verify.
    BadSignature = 26,
    /// A node's answer did not match its proof.
    Unverified = 27,
    /// A required pointer argument was NULL.
    NullPointer = 100,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 101,
    /// A bug (including a caught panic).
    Internal = 255,
}

impl WalletStatus {
    /// Every status, for looking one up by value.
    pub(crate) const ALL: [WalletStatus; 31] = [
        Self::Ok,
        Self::InvalidInput,
        Self::InvalidMnemonic,
        Self::BadChecksum,
        Self::UnknownVersion,
        Self::WrongNetwork,
        Self::InvalidKey,
        Self::InvalidPath,
        Self::InvalidAddress,
        Self::Unsupported,
        Self::WrongPassword,
        Self::Tampered,
        Self::WeakParameters,
        Self::NotFound,
        Self::AlreadyExists,
        Self::Locked,
        Self::Io,
        Self::Cancelled,
        Self::NodeUnreachable,
        Self::Timeout,
        Self::BadResponse,
        Self::NodeError,
        Self::Rejected,
        Self::AuthFailed,
        Self::InsufficientFunds,
        Self::WrongChain,
        Self::BadSignature,
        Self::Unverified,
        Self::NullPointer,
        Self::InvalidUtf8,
        Self::Internal,
    ];

    /// The status of a core error kind.
    #[must_use]
    pub fn from_kind(kind: ErrorKind) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|s| *s as i32 == kind.code())
            .unwrap_or(Self::Internal)
    }

    /// The stable name (`ok`, `wrong_password`, …).
    #[must_use]
    pub fn name(self) -> &'static CStr {
        match self {
            Self::Ok => c"ok",
            Self::NullPointer => c"null_pointer",
            Self::InvalidUtf8 => c"invalid_utf8",
            other => ErrorKind::from_code(other as i32).map_or(c"internal", ErrorKind::as_cstr),
        }
    }
}
