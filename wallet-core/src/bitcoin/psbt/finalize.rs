//! The BIP174 input finalizer: turns the partial signatures of inputs it
//! knows the script of into final scriptSigs and witnesses.

use super::check::{check_input, multisig_keys};
use crate::error::Result;
use crate::hash;
use bitcoin::psbt::{Input, Psbt};
use bitcoin::{Script, ScriptBuf, Witness};

/// A final scriptSig and/or witness.
type Final = (Option<ScriptBuf>, Option<Witness>);

/// Finalizes every input that has what it needs. Returns the number of
/// inputs that are final afterwards.
pub fn finalize(psbt: &mut Psbt) -> Result<usize> {
    let mut done = 0;
    for i in 0..psbt.inputs.len() {
        let (utxo, problem) = check_input(psbt, i)?;
        let input = &mut psbt.inputs[i];
        if input.final_script_sig.is_some() || input.final_script_witness.is_some() {
            done += 1;
            continue;
        }
        let Some(utxo) = utxo.filter(|_| problem.is_none()) else {
            continue;
        };
        let Some((script_sig, witness)) = final_scripts(input, &utxo.script_pubkey) else {
            continue;
        };
        // BIP174: the finalizer keeps only the UTXO and unknown fields.
        *input = Input {
            non_witness_utxo: input.non_witness_utxo.take(),
            witness_utxo: input.witness_utxo.take(),
            final_script_sig: script_sig,
            final_script_witness: witness,
            proprietary: std::mem::take(&mut input.proprietary),
            unknown: std::mem::take(&mut input.unknown),
            ..Input::default()
        };
        done += 1;
    }
    Ok(done)
}

/// The final scripts of an input paying to `spk`, when its signatures are there.
fn final_scripts(input: &Input, spk: &Script) -> Option<Final> {
    if spk.is_p2tr() {
        let sig = input.tap_key_sig.as_ref()?;
        return Some((None, Some(Witness::from_slice(&[sig.to_vec()]))));
    }
    if spk.is_p2pkh() {
        let (pk, sig) = sig_for_hash(input, &spk.as_bytes()[3..23])?;
        return Some((Some(push_script(&[&sig, &pk])), None));
    }
    if spk.is_p2pk() {
        let b = spk.as_bytes();
        let sig = one_sig(input, &b[1..b.len() - 1])?;
        return Some((Some(push_script(&[&sig])), None));
    }
    if spk.is_p2wpkh() {
        return Some((None, Some(key_hash_witness(input, spk)?)));
    }
    if spk.is_p2wsh() {
        let ws = input.witness_script.as_ref()?;
        return Some((None, Some(script_witness(input, ws)?)));
    }
    final_p2sh(input, input.redeem_script.as_ref()?)
}

fn final_p2sh(input: &Input, redeem: &ScriptBuf) -> Option<Final> {
    let script_sig = push_script(&[redeem.as_bytes()]);
    if redeem.is_p2wpkh() {
        return Some((Some(script_sig), Some(key_hash_witness(input, redeem)?)));
    }
    if redeem.is_p2wsh() {
        let ws = input.witness_script.as_ref()?;
        return Some((Some(script_sig), Some(script_witness(input, ws)?)));
    }
    let stack = multisig_stack(input, redeem)?;
    let mut parts: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
    parts.push(redeem.as_bytes());
    Some((Some(push_script(&parts)), None))
}

/// `<sig> <pubkey>` for a segwit v0 key hash script (`0 <20 bytes>`).
fn key_hash_witness(input: &Input, program: &Script) -> Option<Witness> {
    let (pk, sig) =
        sig_for_hash(input, &program.as_bytes()[2..22]).filter(|(pk, _)| pk.len() == 33)?;
    Some(Witness::from_slice(&[sig, pk]))
}

/// `OP_0 <sigs…> <witnessScript>` for a multisig witness script.
fn script_witness(input: &Input, ws: &ScriptBuf) -> Option<Witness> {
    let mut stack = multisig_stack(input, ws)?;
    stack.push(ws.to_bytes());
    Some(Witness::from_slice(&stack))
}

fn one_sig(input: &Input, pk: &[u8]) -> Option<Vec<u8>> {
    input
        .partial_sigs
        .iter()
        .find(|(k, _)| k.to_bytes() == pk)
        .map(|(_, s)| s.to_vec())
}

/// The signature of the key whose HASH160 is `h` (P2PKH, P2WPKH): other
/// partial signatures in the input are ignored.
fn sig_for_hash(input: &Input, h: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    input
        .partial_sigs
        .iter()
        .map(|(k, s)| (k.to_bytes(), s.to_vec()))
        .find(|(pk, _)| hash::hash160(pk)[..] == *h)
}

/// `OP_0 sig…` for a standard multisig script, signatures in key order.
fn multisig_stack(input: &Input, script: &Script) -> Option<Vec<Vec<u8>>> {
    let (m, keys) = multisig_keys(script)?;
    let mut sigs = Vec::new();
    for pk in &keys {
        if let Some((_, s)) = input.partial_sigs.iter().find(|(k, _)| k.to_bytes() == *pk) {
            sigs.push(s.to_vec());
        }
        if sigs.len() == m {
            break;
        }
    }
    if sigs.len() < m {
        return None;
    }
    let mut stack = vec![Vec::new()];
    stack.extend(sigs);
    Some(stack)
}

/// A script of data pushes (an empty item is OP_0).
fn push_script(items: &[&[u8]]) -> ScriptBuf {
    let mut b = bitcoin::script::Builder::new();
    for it in items {
        if it.is_empty() {
            b = b.push_opcode(bitcoin::opcodes::OP_0);
        } else if let Ok(pb) = <&bitcoin::script::PushBytes>::try_from(*it) {
            // Items are signatures, keys and scripts: far below the push limit.
            b = b.push_slice(pb);
        }
    }
    b.into_script()
}
