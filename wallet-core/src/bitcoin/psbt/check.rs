//! BIP174's signer checks on an input's UTXO data, and the shared script
//! helpers of the signer and the finalizer.

use super::Refusal;
use crate::error::{Error, Result};
use bitcoin::psbt::Psbt;
use bitcoin::{Script, ScriptBuf, TxOut};

/// Each input's UTXO (when known) and its refusal (when its data is inconsistent).
pub(super) type Checked = (Vec<Option<TxOut>>, Vec<Option<Refusal>>);

/// Every input's UTXO (when known) and the reason not to sign it (when its
/// data is inconsistent). A previous transaction that does not match its
/// outpoint rejects the whole PSBT.
pub(super) fn check_inputs(psbt: &Psbt) -> Result<Checked> {
    let n = psbt.inputs.len();
    if n != psbt.unsigned_tx.input.len() {
        return Err(Error::input(
            "invalid PSBT: input count differs from the transaction's",
        ));
    }
    let mut utxos = Vec::with_capacity(n);
    let mut problems = Vec::with_capacity(n);
    for i in 0..n {
        let (u, p) = check_input(psbt, i)?;
        utxos.push(u);
        problems.push(p);
    }
    Ok((utxos, problems))
}

/// An input's UTXO, and a reason not to sign it if its data is inconsistent
/// (BIP174's signer checks). A previous transaction that does not match the
/// outpoint rejects the whole PSBT.
pub(super) fn check_input(psbt: &Psbt, i: usize) -> Result<(Option<TxOut>, Option<Refusal>)> {
    let input = &psbt.inputs[i];
    let txin = &psbt.unsigned_tx.input[i];
    let reject = |m: &str| Error::input(format!("input {i}: {m}; refusing to sign"));
    let from_prev = match &input.non_witness_utxo {
        Some(prev) => {
            if prev.compute_txid() != txin.previous_output.txid {
                return Err(reject(
                    "the previous transaction does not match the outpoint it spends",
                ));
            }
            let vout = txin.previous_output.vout as usize;
            Some(prev.output.get(vout).cloned().ok_or_else(|| {
                reject("the outpoint's index is past the previous transaction's outputs")
            })?)
        }
        None => None,
    };
    if let (Some(a), Some(b)) = (&from_prev, &input.witness_utxo) {
        if a != b {
            return Err(reject(
                "the witness UTXO contradicts the previous transaction",
            ));
        }
    }
    let utxo = from_prev.or_else(|| input.witness_utxo.clone());
    let Some(utxo) = utxo else {
        return Ok((None, None));
    };
    let spk = &utxo.script_pubkey;
    let mut problem = None;
    if let Some(rs) = &input.redeem_script {
        if !spk.is_p2sh() || ScriptBuf::new_p2sh(&rs.script_hash()) != *spk {
            problem = Some(Refusal::RedeemScriptMismatch);
        }
    }
    if let Some(ws) = &input.witness_script {
        let p2wsh = ScriptBuf::new_p2wsh(&ws.wscript_hash());
        let expected = input.redeem_script.as_ref().unwrap_or(spk);
        if *expected != p2wsh {
            problem = Some(Refusal::WitnessScriptMismatch);
        }
    }
    if input.witness_utxo.is_some() && input.non_witness_utxo.is_none() {
        let segwit = spk.is_witness_program()
            || input
                .redeem_script
                .as_ref()
                .is_some_and(|r| r.is_witness_program());
        // A bare P2SH without its redeemScript may still be nested segwit.
        let unknown = spk.is_p2sh() && input.redeem_script.is_none();
        if !segwit && !unknown {
            problem = Some(Refusal::WitnessUtxoForNonWitness);
        }
    }
    Ok((Some(utxo), problem))
}

/// Pubkeys of a standard `m-of-n CHECKMULTISIG` script, with `m`.
pub(super) fn multisig_keys(script: &Script) -> Option<(usize, Vec<Vec<u8>>)> {
    let b = script.as_bytes();
    if b.len() < 3 || *b.last()? != 0xae {
        return None;
    }
    let m = usize::from(b[0].checked_sub(0x50)?);
    let n = usize::from(b[b.len() - 2].checked_sub(0x50)?);
    if m == 0 || m > n || n > 16 {
        return None;
    }
    let mut keys = Vec::new();
    let mut p = 1;
    while p < b.len() - 2 {
        let len = usize::from(b[p]);
        if len != 33 && len != 65 {
            return None;
        }
        keys.push(b.get(p + 1..p + 1 + len)?.to_vec());
        p += 1 + len;
    }
    (keys.len() == n && p == b.len() - 2).then_some((m, keys))
}
