//! BIP322 generic signed messages (BIP322 2.0.0): a message is signed by
//! satisfying the scriptPubKey of an address in a virtual transaction, so any
//! address type can sign, not only the P2PKH keys of BIP137.
//!
//! Two virtual transactions carry the message: `to_spend` pays 0 to the
//! address's scriptPubKey (its input commits to the tagged hash of the
//! message), and `to_sign` spends it to a single `OP_RETURN` output. The
//! signature is, by format:
//! - **legacy**: the BIP137 signature of [`super::message`] (P2PKH only when
//!   signing, as BIP322 says; BIP137's segwit headers are accepted when verifying);
//! - **simple** (`smp` prefix): the witness of `to_sign`, for native segwit
//!   addresses (P2WPKH, P2TR here) with version, lock time and sequence at 0;
//! - **full** (`ful` prefix): the whole signed `to_sign` transaction, for
//!   every address type and for time locks;
//! - **proof of funds** (`pof` prefix): a finalized PSBT of `to_sign` with
//!   more inputs, each proven as if spent (verified here, not signed).
//!
//! Signing uses the crate's own signers ([`crate::ecdsa`] RFC 6979 low-S,
//! [`crate::schnorr`] BIP340 with the BIP86 tweak); rust-bitcoin supplies the
//! transaction encoding and the legacy, BIP143 and BIP341 sighashes.
//! Verification evaluates the script templates it knows (P2PKH, P2WPKH,
//! P2SH-P2WPKH, P2TR key path, bare multisig in P2SH, P2WSH and P2SH-P2WSH)
//! with BIP322's required rules (SIGHASH_ALL or taproot's DEFAULT, strict DER,
//! low S, minimal pushes, clean stack, null dummy); any other script is
//! [`Bip322Error::CannotEvaluate`] (BIP322's "inconclusive"), never valid.
//!
//! Everything depends only on the scriptPubKey, so Litecoin works as Bitcoin
//! does (its legacy format uses Litecoin's BIP137 magic).
//!
//! ```
//! use wallet_core::bitcoin::bip322::{self, Format};
//! use wallet_core::bitcoin::{Address, AddressType, NetworkParams};
//! use wallet_core::key::PrivateKey;
//!
//! let key = PrivateKey::from_hex(&"11".repeat(32)).unwrap();
//! let address =
//!     Address::from_public_key(&key.public_key(), AddressType::P2wpkh, NetworkParams::BITCOIN)
//!         .unwrap();
//! let signature = bip322::sign(&key, &address, b"I own this address", Format::Simple).unwrap();
//! assert!(signature.starts_with("smp"));
//! let verified = bip322::verify(&address, b"I own this address", &signature).unwrap();
//! assert_eq!(verified.format, Format::Simple);
//! let err = bip322::verify(&address, b"I own that address", &signature).unwrap_err();
//! assert_eq!(err.kind(), wallet_core::ErrorKind::BadSignature);
//! ```

mod script;
mod sign;
mod verify;

pub use script::ScriptFailure;
pub use sign::{sign, sign_with, SignOptions};
pub use verify::{detect_format, verify, Verified};

use crate::error::{Error, ErrorKind};
use crate::hash::tagged_hash;
use bitcoin::absolute::LockTime;
use bitcoin::hashes::Hash;
use bitcoin::script::{Builder, PushBytesBuf};
use bitcoin::transaction::Version;
use bitcoin::{
    Amount, OutPoint, Script, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness,
};
use core::fmt;

/// The BIP340 tag of the message hash.
pub const MESSAGE_TAG: &str = "BIP0322-signed-message";

/// A BIP322 signature encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// BIP137 compact recoverable ECDSA signature, base64, no prefix.
    Legacy,
    /// The witness stack of `to_sign`, prefix `smp`.
    Simple,
    /// The whole `to_sign` transaction, prefix `ful`.
    Full,
    /// A finalized PSBT of `to_sign` with extra inputs, prefix `pof`.
    ProofOfFunds,
}

impl Format {
    /// The prefix BIP322 2.0 puts before the base64 (none for legacy).
    #[must_use]
    pub const fn prefix(self) -> Option<&'static str> {
        match self {
            Format::Legacy => None,
            Format::Simple => Some("smp"),
            Format::Full => Some("ful"),
            Format::ProofOfFunds => Some("pof"),
        }
    }

    /// Lowercase name: `legacy`, `simple`, `full`, `proof-of-funds`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Format::Legacy => "legacy",
            Format::Simple => "simple",
            Format::Full => "full",
            Format::ProofOfFunds => "proof-of-funds",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The `to_sign` fields a full signature may set (for time-locked scripts);
/// BIP322's reading of a valid signature is "valid at time `lock_time` and
/// age `sequence`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLocks {
    /// `to_sign`'s version: 0, or 2 for relative time locks (BIP68).
    pub version: Version,
    /// `to_sign`'s nLockTime.
    pub lock_time: LockTime,
    /// The nSequence of `to_sign`'s first input.
    pub sequence: Sequence,
}

impl TimeLocks {
    /// All zero: what a simple signature implies.
    pub const NONE: TimeLocks = TimeLocks {
        version: Version(0),
        lock_time: LockTime::ZERO,
        sequence: Sequence::ZERO,
    };
}

impl Default for TimeLocks {
    fn default() -> Self {
        Self::NONE
    }
}

/// `SHA256(SHA256(tag) || SHA256(tag) || message)` with the tag
/// [`MESSAGE_TAG`]; the message as given, no length prefix.
#[must_use]
pub fn message_hash(message: &[u8]) -> [u8; 32] {
    tagged_hash(MESSAGE_TAG, &[message])
}

/// The virtual `to_spend` transaction: version 0, one input spending
/// `000…000:0xFFFFFFFF` with scriptSig `OP_0 PUSH32[message_hash]` and
/// sequence 0, one output of 0 paying `message_challenge`, lock time 0.
#[must_use]
pub fn to_spend(message_challenge: &Script, message: &[u8]) -> Transaction {
    let script_sig = Builder::new()
        .push_int(0)
        .push_slice(message_hash(message))
        .into_script();
    Transaction {
        version: Version(0),
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: Txid::all_zeros(),
                vout: 0xFFFF_FFFF,
            },
            script_sig,
            sequence: Sequence::ZERO,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::ZERO,
            script_pubkey: message_challenge.to_owned(),
        }],
    }
}

/// The unsigned virtual `to_sign` transaction: one input spending
/// `to_spend_txid:0` (empty scriptSig and witness), one `OP_RETURN` output
/// of 0, with the version, lock time and sequence of `locks`.
#[must_use]
pub fn to_sign(to_spend_txid: Txid, locks: TimeLocks) -> Transaction {
    Transaction {
        version: locks.version,
        lock_time: locks.lock_time,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: to_spend_txid,
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: locks.sequence,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::ZERO,
            script_pubkey: op_return(),
        }],
    }
}

/// The bare `OP_RETURN` script of `to_sign`'s output.
fn op_return() -> ScriptBuf {
    ScriptBuf::from(vec![bitcoin::opcodes::all::OP_RETURN.to_u8()])
}

/// A script made of one push of `data` (a P2SH redeem script in a scriptSig).
fn single_push(data: &[u8]) -> Result<ScriptBuf, Bip322Error> {
    let bytes = PushBytesBuf::try_from(data.to_vec()).map_err(|_| Bip322Error::Signer {
        reason: "a pushed item is over 4 GiB".into(),
    })?;
    Ok(Builder::new().push_slice(bytes).into_script())
}

/// Why a BIP322 signature could not be made or did not verify.
///
/// Every variant whose kind is [`ErrorKind::BadSignature`] is BIP322's
/// "invalid" and its message starts with `invalid signature`; the
/// [`ErrorKind::Unsupported`] ones are BIP322's "inconclusive".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Bip322Error {
    /// The signature text is empty.
    #[error("signature too short: the signature is empty; paste the whole base64 signature")]
    Empty,

    /// The text after the prefix is not base64.
    #[error("error decoding signature as base64: {} is not valid base64 (a character is wrong or missing)", .format.map_or("the signature", |f| f.code()))]
    Base64 {
        /// The format its prefix names; `None` without a prefix.
        format: Option<Format>,
    },

    /// The bytes are not a witness stack, transaction or PSBT.
    #[error("error parsing signature as {format} variant: {reason}")]
    Malformed {
        /// The format the bytes were read as.
        format: Format,
        /// What the decoder found wrong.
        reason: String,
    },

    /// `to_sign` is not shaped as BIP322 requires.
    #[error("invalid signature: its to_sign transaction breaks BIP322: {rule}")]
    InvalidToSign {
        /// The rule that is broken.
        rule: &'static str,
    },

    /// `to_sign` spends the `to_spend` of another message or address.
    #[error("invalid signature: it was made for another message or another address (to_sign does not spend this message's to_spend)")]
    MessageMismatch,

    /// The key or script in the signature belongs to another address.
    #[error("invalid signature: it is by {signer}, not by {address}")]
    WrongAddress {
        /// The address being verified.
        address: String,
        /// The address of the key or script that signed.
        signer: String,
    },

    /// A cryptographic signature that does not verify.
    #[error("invalid signature: input {input}'s signature does not verify for this address and message (another message was signed, or the signature was altered)")]
    InvalidSignature {
        /// The `to_sign` input (0 is the message's own).
        input: usize,
    },

    /// A script that fails, or breaks one of BIP322's required rules.
    #[error("invalid signature: input {input}: {failure}")]
    ScriptFailed {
        /// The `to_sign` input.
        input: usize,
        /// What failed.
        failure: ScriptFailure,
    },

    /// A proof-of-funds input that does not say which output it spends.
    #[error("invalid signature: proof-of-funds input {input} has no witness or non-witness UTXO for the output it spends")]
    MissingUtxo {
        /// The `to_sign` input.
        input: usize,
    },

    /// A proof-of-funds input without final scriptSig or witness.
    #[error("invalid signature: proof-of-funds input {input} is not finalized")]
    NotFinalized {
        /// The `to_sign` input.
        input: usize,
    },

    /// A script this verifier cannot evaluate: the signature may be valid.
    #[error("cannot evaluate this script: input {input} is {script}; the result is inconclusive, check it with a full script interpreter (Bitcoin Core)")]
    CannotEvaluate {
        /// The `to_sign` input.
        input: usize,
        /// What kind of script it is.
        script: String,
    },

    /// A `to_sign` version other than 0 or 2 (reserved for upgrades).
    #[error("cannot evaluate this signature: to_sign has version {version}, and BIP322 reserves every version but 0 and 2 for upgrades (inconclusive)")]
    ToSignVersion {
        /// The version found.
        version: i32,
    },

    /// The key does not control the address.
    #[error("this key does not control {address}{hint}")]
    KeyMismatch {
        /// The address asked for.
        address: String,
        /// How the address was read (e.g. as the key's P2SH-P2WPKH).
        hint: &'static str,
    },

    /// An address a single key cannot sign for.
    #[error("cannot sign for {what}: a single key signs P2PKH, P2SH-P2WPKH, P2WPKH and BIP86 P2TR addresses")]
    CannotSign {
        /// What the address pays to.
        what: String,
    },

    /// A format BIP322 does not allow for this address or these options.
    #[error("cannot sign in the {format} format: {reason}")]
    FormatNotAllowed {
        /// The format asked for.
        format: Format,
        /// Why not, and what to use instead.
        reason: &'static str,
    },

    /// The signer failed (a bug or a one-in-2^128 key).
    #[error("signing failed: {reason}")]
    Signer {
        /// What failed.
        reason: String,
    },
}

impl Bip322Error {
    /// The stable category: `invalid_input` (undecodable), `bad_signature`
    /// (invalid), `unsupported` (inconclusive, or an address a single key
    /// cannot sign), `invalid_key` (wrong key), `internal`.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Bip322Error::Empty
            | Bip322Error::Base64 { .. }
            | Bip322Error::Malformed { .. }
            | Bip322Error::FormatNotAllowed { .. } => ErrorKind::InvalidInput,
            Bip322Error::InvalidToSign { .. }
            | Bip322Error::MessageMismatch
            | Bip322Error::WrongAddress { .. }
            | Bip322Error::InvalidSignature { .. }
            | Bip322Error::ScriptFailed { .. }
            | Bip322Error::MissingUtxo { .. }
            | Bip322Error::NotFinalized { .. } => ErrorKind::BadSignature,
            Bip322Error::CannotEvaluate { .. }
            | Bip322Error::ToSignVersion { .. }
            | Bip322Error::CannotSign { .. } => ErrorKind::Unsupported,
            Bip322Error::KeyMismatch { .. } => ErrorKind::InvalidKey,
            Bip322Error::Signer { .. } => ErrorKind::Internal,
        }
    }
}

impl From<Bip322Error> for Error {
    fn from(e: Bip322Error) -> Self {
        let message = e.to_string();
        match e.kind() {
            ErrorKind::BadSignature => Error::BadSignature(message),
            ErrorKind::Unsupported => Error::Unsupported(message),
            ErrorKind::InvalidKey => Error::InvalidKey(message),
            ErrorKind::Internal => Error::Internal(message),
            _ => Error::InvalidInput(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_converts_to_the_same_crate_kind() {
        let samples = [
            Bip322Error::Empty,
            Bip322Error::MessageMismatch,
            Bip322Error::ToSignVersion { version: 3 },
            Bip322Error::KeyMismatch {
                address: "bc1q…".into(),
                hint: "",
            },
            Bip322Error::Signer { reason: "x".into() },
        ];
        for e in samples {
            let kind = e.kind();
            assert_eq!(Error::from(e).kind(), kind);
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(Format::Simple.prefix(), Some("smp"));
        assert_eq!(Format::Full.prefix(), Some("ful"));
        assert_eq!(Format::ProofOfFunds.prefix(), Some("pof"));
        assert_eq!(Format::Legacy.prefix(), None);
    }
}
