//! BIP322 verification: reading a signature's format, checking `to_sign`
//! against the rules of the BIP, then evaluating each input's script.

use super::script::check_input;
use super::{op_return, single_push, to_sign, to_spend, Bip322Error, Format, TimeLocks};
use crate::bitcoin::address::{p2wpkh_script, Address};
use crate::bitcoin::message;
use crate::ecdsa::RecoverableSignature;
use crate::hash::hash160;
use bitcoin::absolute::LockTime;
use bitcoin::base64::engine::general_purpose::STANDARD as B64;
use bitcoin::base64::Engine;
use bitcoin::psbt::Psbt;
use bitcoin::{OutPoint, ScriptBuf, Sequence, Transaction, TxOut, Witness};
use std::collections::HashSet;

/// A signature that verified: BIP322's "valid at time `lock_time` and age
/// `sequence`" (both zero for simple and legacy signatures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The format the signature was in.
    pub format: Format,
    /// `to_sign`'s nLockTime: the signature is valid from this time or height.
    pub lock_time: LockTime,
    /// The nSequence of `to_sign`'s first input (its relative time lock).
    pub sequence: Sequence,
    /// For a proof of funds, the outputs it proves control of, as the PSBT
    /// describes them: whether they exist and are unspent needs the chain.
    pub proven: Vec<(OutPoint, TxOut)>,
}

impl Verified {
    fn at(format: Format, lock_time: LockTime, sequence: Sequence) -> Self {
        Self {
            format,
            lock_time,
            sequence,
            proven: Vec::new(),
        }
    }
}

/// A signature read from its text.
enum Decoded {
    Legacy([u8; 65]),
    Simple(Witness),
    Full(Transaction),
    ProofOfFunds(Box<Psbt>),
}

/// The format of `signature`: by its prefix (`smp`, `ful`, `pof`); without
/// one, 65 bytes with a BIP137 header (27..=42) are legacy and anything else
/// is read as a simple signature from before BIP322 had prefixes.
pub fn detect_format(signature: &str) -> Result<Format, Bip322Error> {
    Ok(match decode(signature)? {
        Decoded::Legacy(_) => Format::Legacy,
        Decoded::Simple(_) => Format::Simple,
        Decoded::Full(_) => Format::Full,
        Decoded::ProofOfFunds(_) => Format::ProofOfFunds,
    })
}

fn decode(signature: &str) -> Result<Decoded, Bip322Error> {
    let text = signature.trim();
    if text.is_empty() {
        return Err(Bip322Error::Empty);
    }
    let prefixed = [Format::Simple, Format::Full, Format::ProofOfFunds]
        .into_iter()
        .find_map(|f| Some((f, text.strip_prefix(f.prefix()?)?)));
    let Some((format, body)) = prefixed else {
        let bytes = B64
            .decode(text)
            .map_err(|_| Bip322Error::Base64 { format: None })?;
        if let Ok(raw) = <[u8; 65]>::try_from(bytes.as_slice()) {
            if (27..=42).contains(&raw[0]) {
                return Ok(Decoded::Legacy(raw));
            }
        }
        return read(Format::Simple, &bytes);
    };
    let bytes = B64.decode(body).map_err(|_| Bip322Error::Base64 {
        format: Some(format),
    })?;
    read(format, &bytes)
}

/// Reads the bytes of a prefixed (or bare simple) signature.
fn read(format: Format, bytes: &[u8]) -> Result<Decoded, Bip322Error> {
    let malformed = |reason: String| Bip322Error::Malformed { format, reason };
    match format {
        Format::Simple => bitcoin::consensus::deserialize(bytes)
            .map(Decoded::Simple)
            .map_err(|e| malformed(e.to_string())),
        Format::Full => bitcoin::consensus::deserialize(bytes)
            .map(Decoded::Full)
            .map_err(|e| malformed(e.to_string())),
        Format::ProofOfFunds => Psbt::deserialize(bytes)
            .map(|p| Decoded::ProofOfFunds(Box::new(p)))
            .map_err(|e| malformed(e.to_string())),
        Format::Legacy => <[u8; 65]>::try_from(bytes)
            .map(Decoded::Legacy)
            .map_err(|_| {
                malformed(format!(
                    "a legacy signature is 65 bytes, not {}",
                    bytes.len()
                ))
            }),
    }
}

/// Verifies `signature` (any format, see [`detect_format`]) for `address`
/// and `message`.
///
/// Legacy signatures are checked by [`message::verify`], which also accepts
/// BIP137's segwit headers (BIP322 itself only allows legacy for P2PKH).
/// A simple signature for a P2SH address whose witness is a P2WPKH one is
/// read with the redeem script `0014<HASH160(key)>` filled in, as signers
/// from before BIP322 2.0 (bip322-js) make them; BIP143 sighashes do not
/// cover the scriptSig, so this is the full signature they stand for.
pub fn verify(address: &Address, message: &[u8], signature: &str) -> Result<Verified, Bip322Error> {
    match decode(signature)? {
        Decoded::Legacy(raw) => verify_legacy(address, message, signature, &raw),
        Decoded::Simple(witness) => verify_simple(address, message, witness),
        Decoded::Full(tx) => verify_full(address, message, &tx),
        Decoded::ProofOfFunds(psbt) => verify_pof(address, message, &psbt),
    }
}

/// A legacy signature whose `r` and `s` are in range verifies or is invalid
/// (a key that cannot be recovered, or another key's).
fn verify_legacy(
    address: &Address,
    msg: &[u8],
    signature: &str,
    raw: &[u8; 65],
) -> Result<Verified, Bip322Error> {
    let mut compact = [0u8; 64];
    compact.copy_from_slice(&raw[1..]);
    RecoverableSignature::from_compact(&compact, raw[0].saturating_sub(27) & 3).map_err(|e| {
        Bip322Error::Malformed {
            format: Format::Legacy,
            reason: e.to_string(),
        }
    })?;
    message::verify(&address.to_string(), msg, signature, address.params())
        .map_err(|_| Bip322Error::InvalidSignature { input: 0 })?;
    Ok(Verified::at(Format::Legacy, LockTime::ZERO, Sequence::ZERO))
}

fn verify_simple(address: &Address, msg: &[u8], witness: Witness) -> Result<Verified, Bip322Error> {
    let spk = ScriptBuf::from(address.script_pubkey());
    let spend = to_spend(&spk, msg);
    let mut tx = to_sign(spend.compute_txid(), TimeLocks::NONE);
    if spk.is_p2sh() && witness.len() == 2 {
        if let Some(key) = witness.nth(1).filter(|k| k.len() == 33) {
            tx.input[0].script_sig = single_push(&p2wpkh_script(&hash160(key)))?;
        }
    }
    tx.input[0].witness = witness;
    check_input(&tx, &spend.output, 0, address.params())?;
    Ok(Verified::at(Format::Simple, LockTime::ZERO, Sequence::ZERO))
}

fn verify_full(address: &Address, msg: &[u8], tx: &Transaction) -> Result<Verified, Bip322Error> {
    if tx.input.len() != 1 {
        return Err(Bip322Error::InvalidToSign {
            rule: "a full signature has exactly one input (proofs of funds use the pof format)",
        });
    }
    let spend = check_shape(address, msg, tx)?;
    let checked = check_input(tx, &spend.output, 0, address.params());
    if tx.input[0].previous_output.txid != spend.compute_txid() {
        return Err(match checked {
            Err(e @ Bip322Error::WrongAddress { .. }) => e,
            _ => Bip322Error::MessageMismatch,
        });
    }
    checked?;
    Ok(Verified::at(
        Format::Full,
        tx.lock_time,
        tx.input[0].sequence,
    ))
}

/// The rules every `to_sign` follows; returns `to_spend`.
fn check_shape(
    address: &Address,
    msg: &[u8],
    tx: &Transaction,
) -> Result<Transaction, Bip322Error> {
    let rule = |rule| Err(Bip322Error::InvalidToSign { rule });
    match tx.output.as_slice() {
        [out] if out.value.to_sat() == 0 && out.script_pubkey == op_return() => {}
        _ => return rule("it must have exactly one output, OP_RETURN with value 0"),
    }
    let Some(first) = tx.input.first() else {
        return rule("it has no input");
    };
    if first.previous_output.vout != 0 {
        return rule("its first input must spend output 0 of to_spend");
    }
    let mut seen = HashSet::new();
    if !tx.input.iter().all(|i| seen.insert(i.previous_output)) {
        return rule("two inputs spend the same output");
    }
    if !matches!(tx.version.0, 0 | 2) {
        return Err(Bip322Error::ToSignVersion {
            version: tx.version.0,
        });
    }
    Ok(to_spend(&ScriptBuf::from(address.script_pubkey()), msg))
}

fn verify_pof(address: &Address, msg: &[u8], psbt: &Psbt) -> Result<Verified, Bip322Error> {
    let mut tx = psbt.unsigned_tx.clone();
    let spend = check_shape(address, msg, &tx)?;
    if tx.input[0].previous_output.txid != spend.compute_txid() {
        return Err(Bip322Error::MessageMismatch);
    }
    let mut prevouts = spend.output.clone();
    for (i, (txin, input)) in tx.input.iter_mut().zip(&psbt.inputs).enumerate() {
        if input.final_script_sig.is_none() && input.final_script_witness.is_none() {
            return Err(Bip322Error::NotFinalized { input: i });
        }
        txin.script_sig = input.final_script_sig.clone().unwrap_or_default();
        txin.witness = input.final_script_witness.clone().unwrap_or_default();
        if i > 0 {
            prevouts.push(utxo(psbt, i)?);
        }
    }
    for i in 0..tx.input.len() {
        check_input(&tx, &prevouts, i, address.params())?;
    }
    let proven = tx
        .input
        .iter()
        .map(|i| i.previous_output)
        .zip(prevouts)
        .skip(1)
        .collect();
    Ok(Verified {
        format: Format::ProofOfFunds,
        lock_time: tx.lock_time,
        sequence: tx.input[0].sequence,
        proven,
    })
}

/// The output PSBT input `i` spends: its non-witness UTXO (or that of an
/// earlier input from the same transaction), checked against the txid, else
/// its witness UTXO.
fn utxo(psbt: &Psbt, i: usize) -> Result<TxOut, Bip322Error> {
    let missing = Bip322Error::MissingUtxo { input: i };
    let outpoint = psbt
        .unsigned_tx
        .input
        .get(i)
        .ok_or(missing.clone())?
        .previous_output;
    let full = psbt
        .inputs
        .iter()
        .take(i + 1)
        .filter_map(|inp| inp.non_witness_utxo.as_ref())
        .find(|prev| prev.compute_txid() == outpoint.txid);
    if let Some(prev) = full {
        let vout = usize::try_from(outpoint.vout).map_err(|_| missing.clone())?;
        return prev.output.get(vout).cloned().ok_or(missing);
    }
    psbt.inputs
        .get(i)
        .and_then(|inp| inp.witness_utxo.clone())
        .ok_or(missing)
}
