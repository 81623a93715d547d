//! The stable categories of failure ([`ErrorKind`]): one table defines each
//! kind's name (printed by `--json` errors) and code (the C ABI's status).
//! This module depends on nothing, so every module's typed leaf error can
//! say its kind, and [`crate::error::Error`] sits above them all.

/// Defines [`ErrorKind`] from one table: each kind's stable code (the C
/// ABI's status value), its stable name and its doc.
macro_rules! kinds {
    ($($(#[doc = $doc:literal])* $kind:ident = $code:literal, $name:literal;)*) => {
        /// A stable category for an [`Error`](crate::Error): its name and code never change
        /// (the CLI prints the name in `--json` errors, the C ABI returns the
        /// code as its status).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[repr(i32)]
        pub enum ErrorKind {
            $($(#[doc = $doc])* $kind = $code,)*
        }

        impl ErrorKind {
            /// Every kind, in code order.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind,)*];

            /// The stable snake_case name (used by `--json` output and documentation).
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $name,)*
                }
            }

            /// The name as a C string (for the C ABI).
            #[must_use]
            pub const fn as_cstr(self) -> &'static core::ffi::CStr {
                match self {
                    $(ErrorKind::$kind => {
                        const NAME: &core::ffi::CStr = match core::ffi::CStr::from_bytes_with_nul(
                            concat!($name, "\0").as_bytes(),
                        ) {
                            Ok(c) => c,
                            Err(_) => panic!("a kind name holds a NUL"),
                        };
                        NAME
                    })*
                }
            }
        }
    };
}

kinds! {
    /// Malformed input: bad syntax, bad hex or base58, wrong length, out of range.
    InvalidInput = 1, "invalid_input";
    /// A mnemonic phrase with an unknown word, a wrong word count or a foreign word.
    InvalidMnemonic = 2, "invalid_mnemonic";
    /// A checksum did not match (mnemonic, base58check, bech32, EIP-55).
    BadChecksum = 3, "bad_checksum";
    /// A version/prefix byte that is not known (extended keys, addresses, files).
    UnknownVersion = 4, "unknown_version";
    /// Valid data, but for another network or chain than the one asked for.
    WrongNetwork = 5, "wrong_network";
    /// Key material that is not a valid secp256k1 key.
    InvalidKey = 6, "invalid_key";
    /// A BIP32 derivation path that cannot be parsed or used.
    InvalidPath = 7, "invalid_path";
    /// An address that cannot be parsed.
    InvalidAddress = 8, "invalid_address";
    /// Valid input asking for something this SDK does not do.
    Unsupported = 9, "unsupported";
    /// The password does not open the file.
    WrongPassword = 10, "wrong_password";
    /// A file was modified: its authentication failed.
    Tampered = 11, "tampered";
    /// Key-derivation parameters below the safe floor.
    WeakParameters = 12, "weak_parameters";
    /// A wallet or file that does not exist.
    NotFound = 13, "not_found";
    /// A wallet or file that already exists and would be overwritten.
    AlreadyExists = 14, "already_exists";
    /// Another process holds the keystore lock.
    Locked = 15, "locked";
    /// The operating system refused a file operation.
    Io = 16, "io";
    /// The user declined a confirmation.
    Cancelled = 17, "cancelled";
    /// The node could not be reached (refused, DNS, TLS).
    NodeUnreachable = 18, "node_unreachable";
    /// The node did not answer in time.
    Timeout = 19, "timeout";
    /// The node answered something that is not a valid JSON-RPC response.
    BadResponse = 20, "bad_response";
    /// The node returned a JSON-RPC error.
    NodeError = 21, "node_error";
    /// The node refused a transaction (with its reason).
    Rejected = 22, "rejected";
    /// The node refused our credentials.
    AuthFailed = 23, "auth_failed";
    /// Not enough funds for the payment and its fee.
    InsufficientFunds = 24, "insufficient_funds";
    /// The node serves another chain than the one expected.
    WrongChain = 25, "wrong_chain";
    /// A signature that does not verify for the given key, address or message.
    BadSignature = 26, "bad_signature";
    /// A node's answer did not match its proof (a state or receipt proof, a
    /// header chain, a merkle branch): the node lied or is broken.
    Unverified = 27, "unverified";
    /// A bug: an invariant of the SDK did not hold.
    Internal = 255, "internal";
}

impl ErrorKind {
    /// The stable code (the C ABI's status value).
    #[must_use]
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The kind whose code is `code`.
    #[must_use]
    pub fn from_code(code: i32) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// True for failures of the network or the node (CLI exit code 3).
    /// A node on the wrong chain and refused RPC credentials are the user's
    /// to fix (a wrong URL, a wrong password): exit code 1, like bad input.
    #[must_use]
    pub const fn is_network(self) -> bool {
        matches!(
            self,
            ErrorKind::NodeUnreachable
                | ErrorKind::Timeout
                | ErrorKind::BadResponse
                | ErrorKind::NodeError
                | ErrorKind::Rejected
                | ErrorKind::Unverified
        )
    }
}

impl core::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
