//! What the signer did with an input: the script kind it signed, or why it
//! refused (typed, like rust-bitcoin's `SignError`), so callers can act on
//! the reason and faces print the same words.

use bitcoin::psbt::PsbtSighashType;
use core::fmt;

/// The kind of script an input was signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScriptKind {
    /// Pay to public key hash.
    P2pkh,
    /// Pay to public key.
    P2pk,
    /// Native segwit v0 key hash.
    P2wpkh,
    /// Segwit v0 key hash nested in P2SH.
    P2shP2wpkh,
    /// Segwit v0 script hash nested in P2SH.
    P2shP2wsh,
    /// A legacy P2SH script (multisig).
    P2sh,
    /// Native segwit v0 script hash.
    P2wsh,
    /// Taproot key path.
    P2tr,
}

impl ScriptKind {
    /// The stable code (`p2wpkh`, `p2sh-p2wsh`, …).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            ScriptKind::P2pkh => "p2pkh",
            ScriptKind::P2pk => "p2pk",
            ScriptKind::P2wpkh => "p2wpkh",
            ScriptKind::P2shP2wpkh => "p2sh-p2wpkh",
            ScriptKind::P2shP2wsh => "p2sh-p2wsh",
            ScriptKind::P2sh => "p2sh",
            ScriptKind::P2wsh => "p2wsh",
            ScriptKind::P2tr => "p2tr",
        }
    }

    /// Whether a signature for it is segwit v0 (BIP143: commits to its own
    /// amount only).
    #[must_use]
    pub const fn is_segwit_v0(self) -> bool {
        matches!(
            self,
            ScriptKind::P2wpkh | ScriptKind::P2shP2wpkh | ScriptKind::P2shP2wsh | ScriptKind::P2wsh
        )
    }
}

impl fmt::Display for ScriptKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why the signer refused an input that is (or may be) ours.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The redeemScript does not hash to the scriptPubKey.
    RedeemScriptMismatch,
    /// The witnessScript does not hash to the scriptPubKey or redeemScript.
    WitnessScriptMismatch,
    /// A witness UTXO is given for an input that is not segwit.
    WitnessUtxoForNonWitness,
    /// Neither the previous transaction nor the witness UTXO is given.
    MissingUtxo,
    /// A legacy or segwit v0 input without its full previous transaction:
    /// its amount cannot be verified (the signature of a segwit v0 input
    /// commits to its own amount only, so a PSBT that understates amounts
    /// in two signing sessions can burn the difference as fee).
    MissingPreviousTx(ScriptKind),
    /// A taproot script-path spend (not supported).
    TaprootScriptPath,
    /// A taproot signature commits to every input's amount, and some are missing.
    TaprootMissingPrevouts,
    /// A sighash type that is not valid for the input's script.
    InvalidSighash(u32),
    /// A sighash type other than ALL/DEFAULT that the user did not allow.
    SighashNotAllowed(PsbtSighashType),
    /// SIGHASH_SINGLE on an input with no output at its index.
    SingleWithoutOutput,
    /// A segwit input whose key is uncompressed.
    UncompressedSegwit,
    /// A P2WSH or P2SH-P2WSH input without its witnessScript.
    MissingWitnessScript(ScriptKind),
    /// The input's key is ours on another network (the derivation path's
    /// coin type is not the one asked for).
    WrongNetwork {
        /// The coin type in the input's derivation path.
        found: u32,
        /// The coin type of the network asked for.
        expected: u32,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::RedeemScriptMismatch => f.write_str("the redeemScript does not match the scriptPubKey"),
            Refusal::WitnessScriptMismatch => f.write_str("the witnessScript does not match the scriptPubKey or redeemScript"),
            Refusal::WitnessUtxoForNonWitness => f.write_str("a witness UTXO is given for a non-witness input"),
            Refusal::MissingUtxo => f.write_str("the UTXO it spends is missing (neither the previous transaction nor the witness UTXO is in the PSBT)"),
            Refusal::MissingPreviousTx(kind) => write!(
                f,
                "a {kind} input needs its full previous transaction in the PSBT (non_witness_utxo) so that its amount can be verified: a segwit v0 or legacy signature does not commit to the other inputs' amounts"
            ),
            Refusal::TaprootScriptPath => f.write_str("taproot script-path spends are not supported"),
            Refusal::TaprootMissingPrevouts => f.write_str("a taproot signature commits to every input's amount, and some inputs' UTXOs are missing"),
            Refusal::InvalidSighash(t) => write!(f, "non-standard sighash type 0x{t:x}"),
            Refusal::SighashNotAllowed(t) => write!(
                f,
                "the PSBT asks for {t}, which does not commit to the whole transaction (others could redirect the funds); only SIGHASH_ALL and SIGHASH_DEFAULT are signed unless that type is allowed explicitly"
            ),
            Refusal::SingleWithoutOutput => f.write_str("SIGHASH_SINGLE without an output at the same index"),
            Refusal::UncompressedSegwit => f.write_str("segwit requires a compressed key"),
            Refusal::MissingWitnessScript(kind) => write!(f, "{kind} input without its witnessScript"),
            Refusal::WrongNetwork { found, expected } => write!(
                f,
                "the input's key is derived for coin type {found}, not {expected}: the PSBT is for another chain or network"
            ),
        }
    }
}
