//! PSBT (BIP174) signing, finalizing and extraction for Bitcoin-family chains.
//!
//! The `bitcoin` crate parses and serialises PSBTs and computes sighashes
//! (legacy, BIP143, BIP341); signatures are made here with our keys through
//! k256 (RFC 6979 ECDSA, BIP340 Schnorr). What we sign:
//!
//! - P2PKH and P2PK (legacy sighash; the previous transaction must be present),
//! - P2WPKH and P2SH-P2WPKH (BIP143; the previous transaction or the witness UTXO),
//! - P2TR key path (BIP341; every input's UTXO must be known),
//! - our key's share of P2SH, P2WSH and P2SH-P2WSH scripts (multisig), by
//!   BIP32 derivation or by the key appearing in the script.
//!
//! What we refuse, with a typed [`Refusal`]: inputs whose amount cannot be
//! verified (a legacy or segwit v0 input needs its full previous
//! transaction: segwit v0 signatures commit to their own amount only, so
//! two signing sessions with understated amounts could burn the difference
//! as fee), sighash types other than SIGHASH_ALL/DEFAULT unless allowed,
//! taproot script paths, inconsistent UTXO data (BIP174's signer checks),
//! SIGHASH_SINGLE without a matching output, and keys of ours derived for
//! another network. [`review`] shows where the money goes before signing.
//!
//! Modules: [`keyring`](KeyRing) (our keys), `check` (UTXO data), `sign`,
//! `finalize`, `review`.

mod check;
mod finalize;
mod keyring;
mod refusal;
mod review;
mod sign;

pub use finalize::finalize;
pub use keyring::KeyRing;
pub use refusal::{Refusal, ScriptKind};
pub use review::{review, PsbtReview, ReviewedOutput};
pub use sign::{sign, sign_with, InputStatus, SignOptions, SignReport};

use crate::error::{Error, Result};
use bitcoin::psbt::{Psbt, PsbtSighashType};

/// Parses a PSBT given as base64 text, hex text or raw binary.
pub fn parse(input: &[u8]) -> Result<Psbt> {
    let bad = |m: String| Error::input(format!("invalid PSBT: {m}"));
    if input.starts_with(b"psbt\xff") {
        return Psbt::deserialize(input).map_err(|e| bad(e.to_string()));
    }
    let text = std::str::from_utf8(input).map_err(|_| bad("not base64, hex or binary".into()))?;
    let t: String = text.split_whitespace().collect();
    if t.is_empty() {
        return Err(bad("empty input".into()));
    }
    if t.len().is_multiple_of(2)
        && t.starts_with("70736274ff")
        && t.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let bytes = hex::decode(&t).map_err(|e| bad(e.to_string()))?;
        return Psbt::deserialize(&bytes).map_err(|e| bad(e.to_string()));
    }
    t.parse::<Psbt>().map_err(|e| bad(e.to_string()))
}

/// The PSBT as base64.
#[must_use]
pub fn to_base64(psbt: &Psbt) -> String {
    psbt.to_string()
}

/// The network transaction of a fully finalized PSBT, serialised.
pub fn extract(psbt: &Psbt) -> Result<Vec<u8>> {
    if let Some(i) = psbt
        .inputs
        .iter()
        .position(|x| x.final_script_sig.is_none() && x.final_script_witness.is_none())
    {
        return Err(Error::input(format!(
            "input {i} is not finalized (not signed by us, or signatures are missing); the transaction cannot be extracted"
        )));
    }
    let tx = psbt.clone().extract_tx_unchecked_fee_rate();
    Ok(bitcoin::consensus::encode::serialize(&tx))
}

/// A PSBT sighash type by its number, for updaters and tests.
pub fn sighash_type(n: u32) -> PsbtSighashType {
    PsbtSighashType::from_u32(n)
}

/// Parses a sighash type: `ALL`, `NONE`, `SINGLE`, `DEFAULT`, each with an
/// optional `SIGHASH_` prefix and `|ANYONECANPAY` (any case), or its number
/// (`0x82`, `130`).
pub fn parse_sighash(s: &str) -> Result<PsbtSighashType> {
    let t = s.trim().to_ascii_uppercase();
    let bad = || {
        Error::input(format!(
            "'{s}' is not a sighash type: write ALL, NONE, SINGLE or DEFAULT, optionally with |ANYONECANPAY, or a number"
        ))
    };
    if let Some(h) = t.strip_prefix("0X") {
        return u32::from_str_radix(h, 16)
            .map(PsbtSighashType::from_u32)
            .map_err(|_| bad());
    }
    if let Ok(n) = t.parse::<u32>() {
        return Ok(PsbtSighashType::from_u32(n));
    }
    let (base, acp) = match t.split_once('|') {
        Some((b, a)) if a.trim_start_matches("SIGHASH_") == "ANYONECANPAY" => (b, 0x80),
        Some(_) => return Err(bad()),
        None => (t.as_str(), 0),
    };
    let n = match base.trim_start_matches("SIGHASH_") {
        "DEFAULT" if acp == 0 => 0,
        "ALL" => 1,
        "NONE" => 2,
        "SINGLE" => 3,
        _ => return Err(bad()),
    };
    Ok(PsbtSighashType::from_u32(n | acp))
}
