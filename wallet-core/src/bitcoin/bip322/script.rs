//! The script templates BIP322 verification can evaluate, one `to_sign`
//! input at a time, under BIP322's required rules. Anything else is
//! [`Bip322Error::CannotEvaluate`]: this is not a script interpreter.

use super::Bip322Error;
use crate::bitcoin::address::{Address, Payload};
use crate::bitcoin::network::NetworkParams;
use crate::ecdsa::{self, RecoverableSignature};
use crate::hash::{hash160, sha256};
use crate::key::PublicKey;
use crate::schnorr;
use bitcoin::hashes::Hash;
use bitcoin::opcodes::all::{OP_CHECKMULTISIG, OP_PUSHNUM_1, OP_PUSHNUM_16};
use bitcoin::script::Instruction;
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::{Script, ScriptBuf, Transaction, TxOut, WPubkeyHash};

/// The only ECDSA sighash type BIP322 allows.
const SIGHASH_ALL: u8 = 0x01;

/// How a script failed, or which BIP322 required rule it broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptFailure {
    /// An ECDSA signature whose sighash byte is not SIGHASH_ALL (0x01), or a
    /// taproot one neither DEFAULT (64 bytes) nor ALL.
    #[error("sighash type 0x{0:02x}; BIP322 requires SIGHASH_ALL (or taproot's SIGHASH_DEFAULT)")]
    SighashType(u8),
    /// An ECDSA signature that is not strict DER (BIP66).
    #[error("the ECDSA signature is not strict DER")]
    NotStrictDer,
    /// An ECDSA signature with `s` in the upper half of the order.
    #[error("the ECDSA signature has a high S value (LOW_S)")]
    HighS,
    /// A Schnorr signature that is not 64 or 65 bytes.
    #[error("a Schnorr signature is 64 or 65 bytes, not {0}")]
    SchnorrLength(usize),
    /// A public key that is neither 33-byte compressed nor 65-byte uncompressed SEC1.
    #[error("a public key is not a valid compressed or uncompressed secp256k1 point (STRICTENC)")]
    PubkeyEncoding,
    /// A push that is not minimally encoded.
    #[error("a push is not minimally encoded (MINIMALDATA)")]
    NonMinimalPush,
    /// A scriptSig that cannot be read as pushes.
    #[error("the scriptSig is not a sequence of pushes")]
    BadPush,
    /// Too many or too few stack items for the script (CLEANSTACK included).
    #[error("the script needs {expected} stack items, the signature gives {found}")]
    StackSize {
        /// How many the template consumes.
        expected: usize,
        /// How many there are.
        found: usize,
    },
    /// The dummy element of OP_CHECKMULTISIG is not empty (NULLDUMMY).
    #[error("the OP_CHECKMULTISIG dummy element is not empty (NULLDUMMY)")]
    NullDummy,
    /// A witness on an input whose script is not segwit.
    #[error("a non-segwit input carries a witness")]
    UnexpectedWitness,
    /// A scriptSig on a native segwit input, or more than the redeem script
    /// on a P2SH-wrapped one.
    #[error("a segwit input carries a scriptSig it must not have")]
    UnexpectedScriptSig,
}

/// One input being evaluated.
struct Spend<'a> {
    tx: &'a Transaction,
    prevouts: &'a [TxOut],
    index: usize,
    /// For naming the address of a key or script that signed.
    params: NetworkParams,
}

impl Spend<'_> {
    fn fail(&self, failure: ScriptFailure) -> Bip322Error {
        Bip322Error::ScriptFailed {
            input: self.index,
            failure,
        }
    }

    fn cannot(&self, script: &str) -> Bip322Error {
        Bip322Error::CannotEvaluate {
            input: self.index,
            script: script.into(),
        }
    }

    fn invalid(&self) -> Bip322Error {
        Bip322Error::InvalidSignature { input: self.index }
    }

    fn wrong_address(&self, signer: Payload) -> Bip322Error {
        Bip322Error::WrongAddress {
            address: address_text(&self.prevout().script_pubkey, self.params),
            signer: Address::new(signer, self.params).to_string(),
        }
    }

    fn prevout(&self) -> &TxOut {
        // `check_input` makes sure the index is in range.
        &self.prevouts[self.index]
    }

    fn script_sig(&self) -> &Script {
        &self.tx.input[self.index].script_sig
    }

    fn witness(&self) -> Vec<&[u8]> {
        self.tx.input[self.index].witness.iter().collect()
    }
}

/// The address of a scriptPubKey, or its hex when no address encodes it.
fn address_text(spk: &Script, params: NetworkParams) -> String {
    payload_of(spk).map_or_else(
        || spk.to_hex_string(),
        |p| Address::new(p, params).to_string(),
    )
}

fn payload_of(spk: &Script) -> Option<Payload> {
    let b = spk.as_bytes();
    if spk.is_p2pkh() {
        b.get(3..23)?.try_into().ok().map(Payload::PubkeyHash)
    } else if spk.is_p2sh() {
        b.get(2..22)?.try_into().ok().map(Payload::ScriptHash)
    } else {
        let version = spk.witness_version()?.to_num();
        Some(Payload::Witness {
            version,
            program: b.get(2..)?.to_vec(),
        })
    }
}

/// Evaluates input `index` of `tx` spending `prevouts[index]`.
pub(super) fn check_input(
    tx: &Transaction,
    prevouts: &[TxOut],
    index: usize,
    params: NetworkParams,
) -> Result<(), Bip322Error> {
    if index >= tx.input.len() || index >= prevouts.len() {
        return Err(Bip322Error::InvalidToSign {
            rule: "every input needs the output it spends",
        });
    }
    let s = Spend {
        tx,
        prevouts,
        index,
        params,
    };
    let spk = s.prevout().script_pubkey.clone();
    let native_segwit = spk.witness_version().is_some();
    if native_segwit && !s.script_sig().is_empty() {
        return Err(s.fail(ScriptFailure::UnexpectedScriptSig));
    }
    let bytes = spk.as_bytes();
    if spk.is_p2pkh() {
        p2pkh(&s, bytes.get(3..23).unwrap_or_default())
    } else if spk.is_p2sh() {
        p2sh(&s, bytes.get(2..22).unwrap_or_default())
    } else if spk.is_p2wpkh() {
        p2wpkh(&s, bytes.get(2..).unwrap_or_default())
    } else if spk.is_p2wsh() {
        p2wsh(&s, bytes.get(2..).unwrap_or_default())
    } else if spk.is_p2tr() {
        p2tr(&s, bytes.get(2..).unwrap_or_default())
    } else if let Some(v) = spk.witness_version() {
        Err(s.cannot(&format!("a segwit version {} program", v.to_num())))
    } else {
        Err(s.cannot("a non-standard scriptPubKey"))
    }
}

/// The pushes of a scriptSig, minimally encoded; `None` when it has any
/// other opcode.
fn pushes<'a>(s: &Spend<'_>, script: &'a Script) -> Result<Option<Vec<&'a [u8]>>, Bip322Error> {
    let mut out = Vec::new();
    for ins in script.instructions_minimal() {
        match ins {
            Ok(Instruction::PushBytes(p)) => out.push(p.as_bytes()),
            Ok(Instruction::Op(_)) => return Ok(None),
            Err(bitcoin::script::Error::NonMinimalPush) => {
                return Err(s.fail(ScriptFailure::NonMinimalPush))
            }
            Err(_) => return Err(s.fail(ScriptFailure::BadPush)),
        }
    }
    Ok(Some(out))
}

fn expect_items(s: &Spend<'_>, expected: usize, found: usize) -> Result<(), Bip322Error> {
    if expected == found {
        Ok(())
    } else {
        Err(s.fail(ScriptFailure::StackSize { expected, found }))
    }
}

fn p2pkh(s: &Spend<'_>, hash: &[u8]) -> Result<(), Bip322Error> {
    if !s.tx.input[s.index].witness.is_empty() {
        return Err(s.fail(ScriptFailure::UnexpectedWitness));
    }
    let Some(items) = pushes(s, s.script_sig())? else {
        return Err(s.cannot("a P2PKH spend whose scriptSig has non-push opcodes"));
    };
    expect_items(s, 2, items.len())?;
    let (sig, key) = (items[0], items[1]);
    if hash160(key) != hash {
        return Err(s.wrong_address(Payload::PubkeyHash(hash160(key))));
    }
    let digest = SighashCache::new(s.tx)
        .legacy_signature_hash(s.index, &s.prevout().script_pubkey, 1)
        .map_err(|_| s.invalid())?
        .to_byte_array();
    if checksig(s, sig, key, &digest)? {
        Ok(())
    } else {
        Err(s.invalid())
    }
}

fn p2sh(s: &Spend<'_>, hash: &[u8]) -> Result<(), Bip322Error> {
    let Some(items) = pushes(s, s.script_sig())? else {
        return Err(s.fail(ScriptFailure::BadPush));
    };
    let Some((redeem, rest)) = items.split_last() else {
        return Err(s.fail(ScriptFailure::StackSize {
            expected: 1,
            found: 0,
        }));
    };
    if hash160(redeem) != hash {
        return Err(s.wrong_address(Payload::ScriptHash(hash160(redeem))));
    }
    let redeem = Script::from_bytes(redeem);
    if redeem.witness_version().is_some() {
        if !rest.is_empty() {
            return Err(s.fail(ScriptFailure::UnexpectedScriptSig));
        }
        let program = redeem.as_bytes().get(2..).unwrap_or_default();
        return if redeem.is_p2wpkh() {
            p2wpkh(s, program)
        } else if redeem.is_p2wsh() {
            p2wsh(s, program)
        } else {
            Err(s.cannot("a P2SH-wrapped segwit program other than P2WPKH or P2WSH"))
        };
    }
    if !s.tx.input[s.index].witness.is_empty() {
        return Err(s.fail(ScriptFailure::UnexpectedWitness));
    }
    let Some((m, keys)) = multisig(redeem) else {
        return Err(s.cannot("a P2SH redeem script other than P2WPKH, P2WSH or multisig"));
    };
    let digest = SighashCache::new(s.tx)
        .legacy_signature_hash(s.index, redeem, 1)
        .map_err(|_| s.invalid())?
        .to_byte_array();
    check_multisig(s, rest, m, &keys, &digest)
}

fn p2wpkh(s: &Spend<'_>, program: &[u8]) -> Result<(), Bip322Error> {
    let items = s.witness();
    expect_items(s, 2, items.len())?;
    let (sig, key) = (items[0], items[1]);
    if hash160(key) != program {
        return Err(s.wrong_address(Payload::Witness {
            version: 0,
            program: hash160(key).to_vec(),
        }));
    }
    let hash = WPubkeyHash::from_slice(program).map_err(|_| s.invalid())?;
    let digest = SighashCache::new(s.tx)
        .p2wpkh_signature_hash(
            s.index,
            &ScriptBuf::new_p2wpkh(&hash),
            s.prevout().value,
            EcdsaSighashType::All,
        )
        .map_err(|_| s.invalid())?
        .to_byte_array();
    if checksig(s, sig, key, &digest)? {
        Ok(())
    } else {
        Err(s.invalid())
    }
}

fn p2wsh(s: &Spend<'_>, program: &[u8]) -> Result<(), Bip322Error> {
    let items = s.witness();
    let Some((script, rest)) = items.split_last() else {
        return Err(s.fail(ScriptFailure::StackSize {
            expected: 1,
            found: 0,
        }));
    };
    if sha256(script) != program {
        return Err(s.wrong_address(Payload::Witness {
            version: 0,
            program: sha256(script).to_vec(),
        }));
    }
    let script = Script::from_bytes(script);
    let Some((m, keys)) = multisig(script) else {
        return Err(s.cannot("a P2WSH script other than multisig"));
    };
    let digest = SighashCache::new(s.tx)
        .p2wsh_signature_hash(s.index, script, s.prevout().value, EcdsaSighashType::All)
        .map_err(|_| s.invalid())?
        .to_byte_array();
    check_multisig(s, rest, m, &keys, &digest)
}

fn p2tr(s: &Spend<'_>, output_key: &[u8]) -> Result<(), Bip322Error> {
    let items = s.witness();
    match items.as_slice() {
        [] => Err(s.fail(ScriptFailure::StackSize {
            expected: 1,
            found: 0,
        })),
        [sig] => p2tr_key_path(s, output_key, sig),
        [.., last] if last.first() == Some(&0x50) => Err(s.cannot("a taproot spend with an annex")),
        _ => Err(s.cannot("a taproot script-path spend")),
    }
}

fn p2tr_key_path(s: &Spend<'_>, output_key: &[u8], sig: &[u8]) -> Result<(), Bip322Error> {
    let (ty, sig) = match sig.len() {
        64 => (TapSighashType::Default, sig),
        65 => match sig[64] {
            0x01 => (TapSighashType::All, &sig[..64]),
            other => return Err(s.fail(ScriptFailure::SighashType(other))),
        },
        n => return Err(s.fail(ScriptFailure::SchnorrLength(n))),
    };
    let digest = SighashCache::new(s.tx)
        .taproot_key_spend_signature_hash(s.index, &Prevouts::All(s.prevouts), ty)
        .map_err(|_| s.invalid())?
        .to_byte_array();
    let (Ok(key), Ok(sig)) = (<[u8; 32]>::try_from(output_key), <[u8; 64]>::try_from(sig)) else {
        return Err(s.invalid());
    };
    if schnorr::verify(&key, &digest, &sig) {
        Ok(())
    } else {
        Err(s.invalid())
    }
}

/// `OP_m <key>… OP_n OP_CHECKMULTISIG` with minimal pushes of 33- or
/// 65-byte keys: `(m, keys)`.
fn multisig(script: &Script) -> Option<(usize, Vec<&[u8]>)> {
    let ins: Vec<Instruction<'_>> = script
        .instructions_minimal()
        .collect::<Result<_, _>>()
        .ok()?;
    let small = |i: &Instruction<'_>| match i {
        Instruction::Op(op)
            if (OP_PUSHNUM_1.to_u8()..=OP_PUSHNUM_16.to_u8()).contains(&op.to_u8()) =>
        {
            Some(usize::from(op.to_u8() - OP_PUSHNUM_1.to_u8()) + 1)
        }
        _ => None,
    };
    let (first, rest) = ins.split_first()?;
    let (last, rest) = rest.split_last()?;
    let (count, key_ins) = rest.split_last()?;
    if *last != Instruction::Op(OP_CHECKMULTISIG) {
        return None;
    }
    let (m, n) = (small(first)?, small(count)?);
    let keys: Vec<&[u8]> = key_ins
        .iter()
        .map(|i| match i {
            Instruction::PushBytes(p) if matches!(p.len(), 33 | 65) => Some(p.as_bytes()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (keys.len() == n && m <= n).then_some((m, keys))
}

/// OP_CHECKMULTISIG over `stack` (`dummy sig_1 … sig_m`): signatures in
/// key order, each key tried at most once.
fn check_multisig(
    s: &Spend<'_>,
    stack: &[&[u8]],
    m: usize,
    keys: &[&[u8]],
    digest: &[u8; 32],
) -> Result<(), Bip322Error> {
    expect_items(s, m + 1, stack.len())?;
    let Some((dummy, sigs)) = stack.split_first() else {
        return Err(s.invalid());
    };
    if !dummy.is_empty() {
        return Err(s.fail(ScriptFailure::NullDummy));
    }
    let mut keys = keys.iter();
    for sig in sigs {
        loop {
            let Some(key) = keys.next() else {
                return Err(s.invalid());
            };
            if checksig(s, sig, key, digest)? {
                break;
            }
        }
    }
    Ok(())
}

/// OP_CHECKSIG of one `DER || sighash` element against `key`: `Ok(false)`
/// for a well-formed signature that does not verify (or an empty one),
/// `Err` for one that breaks an encoding rule.
fn checksig(s: &Spend<'_>, sig: &[u8], key: &[u8], digest: &[u8; 32]) -> Result<bool, Bip322Error> {
    let Some((&ty, der)) = sig.split_last() else {
        return Ok(false);
    };
    let (r, sv) = ecdsa::parse_der(der).map_err(|_| s.fail(ScriptFailure::NotStrictDer))?;
    let mut compact = [0u8; 64];
    compact[..32].copy_from_slice(&r);
    compact[32..].copy_from_slice(&sv);
    let low_s = RecoverableSignature::from_compact(&compact, 0)
        .map(|x| x.is_low_s())
        .unwrap_or(false);
    if !low_s {
        return Err(s.fail(ScriptFailure::HighS));
    }
    if ty != SIGHASH_ALL {
        return Err(s.fail(ScriptFailure::SighashType(ty)));
    }
    let key = PublicKey::from_slice(key).map_err(|_| s.fail(ScriptFailure::PubkeyEncoding))?;
    Ok(ecdsa::verify_prehash(&key, digest, &r, &sv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multisig_templates() {
        let k = [2u8; 33];
        let mut b = bitcoin::script::Builder::new().push_int(1);
        for _ in 0..2 {
            b = b.push_slice(k);
        }
        let s = b.push_int(2).push_opcode(OP_CHECKMULTISIG).into_script();
        let (m, keys) = multisig(&s).unwrap();
        assert_eq!((m, keys.len()), (1, 2));
        // m > n, wrong key size, missing OP_CHECKMULTISIG.
        let bad = bitcoin::script::Builder::new()
            .push_int(3)
            .push_slice(k)
            .push_int(1)
            .push_opcode(OP_CHECKMULTISIG)
            .into_script();
        assert!(multisig(&bad).is_none());
        let bad = bitcoin::script::Builder::new()
            .push_int(1)
            .push_slice([2u8; 20])
            .push_int(1)
            .push_opcode(OP_CHECKMULTISIG)
            .into_script();
        assert!(multisig(&bad).is_none());
        assert!(multisig(Script::from_bytes(&[0x51, 0x51])).is_none());
    }
}
