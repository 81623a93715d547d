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
//! What we refuse, with a reason: inputs that are not ours, taproot script
//! paths, inputs whose amount cannot be verified, inconsistent UTXO data
//! (BIP174's signer checks), non-standard sighash types, SIGHASH_SINGLE
//! without a matching output.

use super::address::AddressType;
use super::network::NetworkParams;
use crate::ecdsa;
use crate::error::{Error, Result};
use crate::hash;
use crate::hd::{ChildIndex, DerivationPath, ExtendedPrivateKey, Fingerprint};
use crate::key::PrivateKey;
use crate::schnorr::{self, AuxRand};
use bitcoin::hashes::Hash;
use bitcoin::psbt::{Input, Psbt, PsbtSighashType};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::{Amount, Script, ScriptBuf, Transaction, TxOut, Witness};
use std::collections::HashMap;

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

/// One key we can sign with, and the forms its public key takes.
#[derive(Clone)]
struct OwnedKey {
    key: PrivateKey,
    compressed: [u8; 33],
    uncompressed: [u8; 65],
}

impl OwnedKey {
    fn new(key: PrivateKey) -> Self {
        let pk = key.public_key();
        Self {
            compressed: pk.to_compressed(),
            uncompressed: pk.to_uncompressed(),
            key,
        }
    }
}

/// The keys a signer holds: an HD master (matched through BIP32 derivation
/// info, or by scanning its addresses), and/or single keys.
#[derive(Default)]
pub struct KeyRing {
    master: Option<(ExtendedPrivateKey, Fingerprint)>,
    singles: Vec<OwnedKey>,
    /// scriptPubKey → (key, type) for the addresses we derived.
    scripts: HashMap<Vec<u8>, (usize, AddressType)>,
    derived: Vec<OwnedKey>,
}

impl KeyRing {
    /// A ring with an HD master key. Inputs are matched by their BIP32
    /// derivation info; inputs without it are matched against the first
    /// `gap` receive and change addresses of every type, account 0, on `params`.
    pub fn from_master(
        master: ExtendedPrivateKey,
        params: NetworkParams,
        gap: u32,
    ) -> Result<Self> {
        let fp = master.fingerprint();
        let mut ring = KeyRing {
            master: Some((master.clone(), fp)),
            ..KeyRing::default()
        };
        for kind in AddressType::ALL {
            let account = crate::hd::account_path(kind.purpose(), params.coin_type(), 0)?;
            let acct = master.derive_path(&account)?;
            for change in [false, true] {
                let branch = acct.derive_child(ChildIndex::normal(u32::from(change))?)?;
                for i in 0..gap {
                    let k = branch.derive_child(ChildIndex::normal(i)?)?;
                    let owned = OwnedKey::new(k.private_key().clone());
                    let spk =
                        super::Address::from_public_key(&owned.key.public_key(), kind, params)?
                            .script_pubkey();
                    ring.derived.push(owned);
                    ring.scripts.insert(spk, (ring.derived.len() - 1, kind));
                }
            }
        }
        Ok(ring)
    }

    /// A ring of single keys (matched by public key, key hash or script,
    /// compressed or uncompressed).
    #[must_use]
    pub fn from_keys(keys: Vec<PrivateKey>) -> Self {
        KeyRing {
            singles: keys.into_iter().map(OwnedKey::new).collect(),
            ..KeyRing::default()
        }
    }

    fn all_plain(&self) -> impl Iterator<Item = &OwnedKey> {
        self.singles.iter().chain(self.derived.iter())
    }

    /// The key whose public key is `pk`, using the BIP32 origin if given.
    fn by_pubkey(
        &self,
        pk: &[u8],
        origin: Option<&(Fingerprint, DerivationPath)>,
    ) -> Option<OwnedKey> {
        if let (Some((master, fp)), Some((ofp, path))) = (&self.master, origin) {
            if fp == ofp {
                if let Ok(k) = master.derive_path(path) {
                    let owned = OwnedKey::new(k.private_key().clone());
                    if owned.compressed[..] == *pk || owned.uncompressed[..] == *pk {
                        return Some(owned);
                    }
                }
            }
        }
        self.all_plain()
            .find(|k| k.compressed[..] == *pk || k.uncompressed[..] == *pk)
            .cloned()
    }

    /// The key whose HASH160 is `h` (P2PKH/P2WPKH), compressed or not.
    fn by_hash(
        &self,
        h: &[u8],
        origins: &[(Vec<u8>, (Fingerprint, DerivationPath))],
    ) -> Option<(OwnedKey, Vec<u8>)> {
        for (pk, origin) in origins {
            if hash::hash160(pk)[..] == *h {
                if let Some(k) = self.by_pubkey(pk, Some(origin)) {
                    return Some((k, pk.clone()));
                }
            }
        }
        for k in self.all_plain() {
            if hash::hash160(&k.compressed)[..] == *h {
                return Some((k.clone(), k.compressed.to_vec()));
            }
            if hash::hash160(&k.uncompressed)[..] == *h {
                return Some((k.clone(), k.uncompressed.to_vec()));
            }
        }
        None
    }

    /// Whether the x-only key `x` is one of ours (through its origin, or
    /// among the single and scanned keys).
    fn owns_x_only(&self, x: &[u8; 32], origin: &(Fingerprint, DerivationPath)) -> bool {
        if let Some((master, fp)) = &self.master {
            if *fp == origin.0
                && master
                    .derive_path(&origin.1)
                    .is_ok_and(|k| k.private_key().public_key().x_only() == *x)
            {
                return true;
            }
        }
        self.all_plain().any(|k| k.key.public_key().x_only() == *x)
    }

    /// A key whose BIP86 output key is `output_key`, with its origin or by scan.
    fn by_taproot_output(
        &self,
        output_key: &[u8; 32],
        origins: &[([u8; 32], (Fingerprint, DerivationPath))],
        merkle_root: Option<&[u8; 32]>,
    ) -> Option<OwnedKey> {
        let matches = |k: &OwnedKey| {
            super::taproot::tweak_public_key(&k.key.public_key().x_only(), merkle_root)
                .map(|(q, _)| q == *output_key)
                .unwrap_or(false)
        };
        if let Some((master, fp)) = &self.master {
            for (_, (ofp, path)) in origins {
                if ofp == fp {
                    if let Ok(k) = master.derive_path(path) {
                        let owned = OwnedKey::new(k.private_key().clone());
                        if matches(&owned) {
                            return Some(owned);
                        }
                    }
                }
            }
        }
        self.all_plain().find(|k| matches(k)).cloned()
    }
}

/// What happened to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputStatus {
    /// We added a signature (of this script type).
    Signed(String),
    /// Already finalized; left alone.
    AlreadyFinal,
    /// Not ours (no key of the wallet in it).
    NotOurs,
    /// Ours, but refused: the reason.
    Refused(String),
}

/// The outcome of signing a PSBT.
#[derive(Debug, Clone)]
pub struct SignReport {
    /// One status per input.
    pub inputs: Vec<InputStatus>,
    /// Value of every input (when known).
    pub input_values: Vec<Option<u64>>,
    /// Fee in satoshis, when every input's value is known.
    pub fee: Option<u64>,
    /// Number of signatures added.
    pub signed: usize,
    /// For each input we signed, the sighash type used (`SIGHASH_ALL`,
    /// `SIGHASH_DEFAULT`, `SIGHASH_NONE|SIGHASH_ANYONECANPAY`, …); `None`
    /// for inputs we did not sign.
    pub sighash_types: Vec<Option<String>>,
}

impl SignReport {
    /// Indexes and types of the inputs we signed with a sighash type that
    /// does not commit to the whole transaction (anything but
    /// `SIGHASH_ALL`/`SIGHASH_DEFAULT`): the rest of the transaction can be
    /// changed by others without invalidating our signature.
    #[must_use]
    pub fn partial_commitments(&self) -> Vec<(usize, &str)> {
        self.sighash_types
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                t.as_deref()
                    .filter(|t| !matches!(*t, "SIGHASH_ALL" | "SIGHASH_DEFAULT"))
                    .map(|t| (i, t))
            })
            .collect()
    }
}

/// The sighash type of the signature we put in `input`.
fn signed_type(input: &Input) -> Option<String> {
    if let Some(sig) = &input.tap_key_sig {
        return Some(sig.sighash_type.to_string());
    }
    input
        .partial_sigs
        .values()
        .next()
        .map(|s| s.sighash_type.to_string())
}

/// An input's UTXO, and a reason not to sign it if its data is inconsistent
/// (BIP174's signer checks). A previous transaction that does not match the
/// outpoint rejects the whole PSBT.
fn check_input(psbt: &Psbt, i: usize) -> Result<(Option<TxOut>, Option<String>)> {
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
            problem = Some("the redeemScript does not match the scriptPubKey".to_owned());
        }
    }
    if let Some(ws) = &input.witness_script {
        let p2wsh = ScriptBuf::new_p2wsh(&ws.wscript_hash());
        let expected = input.redeem_script.as_ref().unwrap_or(spk);
        if *expected != p2wsh {
            problem = Some(
                "the witnessScript does not match the scriptPubKey or redeemScript".to_owned(),
            );
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
            problem = Some("a witness UTXO is given for a non-witness input".to_owned());
        }
    }
    Ok((Some(utxo), problem))
}

/// The ECDSA sighash type an input asks for, or why we will not sign with it.
fn ecdsa_type(input: &Input) -> std::result::Result<EcdsaSighashType, String> {
    match input.sighash_type {
        None => Ok(EcdsaSighashType::All),
        Some(t) => t.ecdsa_hash_ty().map_err(|_| {
            format!(
                "non-standard sighash type 0x{:x}; refusing to sign",
                t.to_u32()
            )
        }),
    }
}

/// Pubkeys of a standard `m-of-n CHECKMULTISIG` script, with `m`.
fn multisig_keys(script: &Script) -> Option<(usize, Vec<Vec<u8>>)> {
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

/// Signs every input of `psbt` that `ring` can sign.
pub fn sign(psbt: &mut Psbt, ring: &KeyRing, aux: AuxRand) -> Result<SignReport> {
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
    let input_values: Vec<Option<u64>> = utxos
        .iter()
        .map(|u| u.as_ref().map(|o| o.value.to_sat()))
        .collect();
    let fee = if input_values.iter().all(Option::is_some) {
        let ins: u64 = input_values
            .iter()
            .flatten()
            .try_fold(0u64, |a, v| a.checked_add(*v))
            .ok_or_else(|| Error::input("input values overflow"))?;
        let outs: u64 = psbt
            .unsigned_tx
            .output
            .iter()
            .try_fold(0u64, |a, o| a.checked_add(o.value.to_sat()))
            .ok_or_else(|| Error::input("output values overflow"))?;
        Some(ins.checked_sub(outs).ok_or_else(|| {
            Error::input(format!(
                "the outputs ({outs} sat) exceed the inputs ({ins} sat)"
            ))
        })?)
    } else {
        None
    };
    let tx = psbt.unsigned_tx.clone();
    let mut cache = SighashCache::new(&tx);
    let mut statuses = Vec::with_capacity(n);
    let mut sighash_types = Vec::with_capacity(n);
    let mut signed = 0;
    for (i, problem) in problems.iter().enumerate() {
        let status = match problem {
            Some(p) => InputStatus::Refused(format!("{p}; refusing to sign")),
            None => sign_input(psbt, i, &utxos, fee.is_some(), ring, &mut cache, aux)?,
        };
        if matches!(status, InputStatus::Signed(_)) {
            signed += 1;
            sighash_types.push(signed_type(&psbt.inputs[i]));
        } else {
            sighash_types.push(None);
        }
        statuses.push(status);
    }
    Ok(SignReport {
        inputs: statuses,
        input_values,
        fee,
        signed,
        sighash_types,
    })
}

fn sign_input(
    psbt: &mut Psbt,
    i: usize,
    utxos: &[Option<TxOut>],
    fee_known: bool,
    ring: &KeyRing,
    cache: &mut SighashCache<&Transaction>,
    aux: AuxRand,
) -> Result<InputStatus> {
    let input = &psbt.inputs[i];
    if input.final_script_sig.is_some() || input.final_script_witness.is_some() {
        return Ok(InputStatus::AlreadyFinal);
    }
    let Some(utxo) = utxos[i].clone() else {
        // We cannot tell the script: is it ours?
        let ours = input.bip32_derivation.iter().any(|(pk, (fp, path))| {
            ring.by_pubkey(
                &pk.serialize(),
                Some(&(Fingerprint(fp.to_bytes()), to_path(path))),
            )
            .is_some()
        });
        return Ok(if ours {
            InputStatus::Refused("the UTXO it spends is missing (neither the previous transaction nor the witness UTXO is in the PSBT)".into())
        } else {
            InputStatus::NotOurs
        });
    };
    let spk = utxo.script_pubkey.clone();
    let origins: Vec<(Vec<u8>, (Fingerprint, DerivationPath))> = input
        .bip32_derivation
        .iter()
        .map(|(pk, (fp, path))| {
            (
                pk.serialize().to_vec(),
                (Fingerprint(fp.to_bytes()), to_path(path)),
            )
        })
        .collect();
    let single_output = i < psbt.unsigned_tx.output.len();

    // Taproot.
    if spk.is_p2tr() {
        let mut output_key = [0u8; 32];
        output_key.copy_from_slice(&spk.as_bytes()[2..34]);
        let tap_origins: Vec<([u8; 32], (Fingerprint, DerivationPath))> = input
            .tap_key_origins
            .iter()
            .filter(|(_, (leaves, _))| leaves.is_empty())
            .map(|(x, (_, (fp, path)))| {
                (x.serialize(), (Fingerprint(fp.to_bytes()), to_path(path)))
            })
            .collect();
        let merkle_root = input.tap_merkle_root.map(|r| r.to_byte_array());
        let Some(owned) = ring.by_taproot_output(&output_key, &tap_origins, merkle_root.as_ref())
        else {
            // One of our keys in a script leaf: ours, but a script-path
            // spend we cannot make. A leaf key of someone else's: not ours.
            let in_leaf = input
                .tap_key_origins
                .iter()
                .any(|(x, (leaves, (fp, path)))| {
                    !leaves.is_empty()
                        && ring.owns_x_only(
                            &x.serialize(),
                            &(Fingerprint(fp.to_bytes()), to_path(path)),
                        )
                });
            return Ok(if in_leaf {
                InputStatus::Refused("taproot script-path spends are not supported".into())
            } else {
                InputStatus::NotOurs
            });
        };
        if utxos.iter().any(Option::is_none) {
            return Ok(InputStatus::Refused(
                "a taproot signature commits to every input's amount, and some inputs' UTXOs are missing".into(),
            ));
        }
        let ty = match input.sighash_type {
            None => TapSighashType::Default,
            Some(t) => match t.taproot_hash_ty() {
                Ok(ty) => ty,
                Err(_) => {
                    return Ok(InputStatus::Refused(format!(
                        "invalid taproot sighash type 0x{:x}; refusing to sign",
                        t.to_u32()
                    )))
                }
            },
        };
        if matches!(
            ty,
            TapSighashType::Single | TapSighashType::SinglePlusAnyoneCanPay
        ) && !single_output
        {
            return Ok(InputStatus::Refused(
                "SIGHASH_SINGLE without an output at the same index".into(),
            ));
        }
        let all: Vec<TxOut> = utxos.iter().flatten().cloned().collect();
        let prevouts = if matches!(
            ty,
            TapSighashType::AllPlusAnyoneCanPay
                | TapSighashType::NonePlusAnyoneCanPay
                | TapSighashType::SinglePlusAnyoneCanPay
        ) {
            Prevouts::One(i, utxo.clone())
        } else {
            Prevouts::All(&all)
        };
        let sighash = cache
            .taproot_key_spend_signature_hash(i, &prevouts, ty)
            .map_err(|e| Error::input(format!("input {i}: {e}")))?;
        let tweaked = super::taproot::tweak_private_key(&owned.key, merkle_root.as_ref())?;
        let sig = schnorr::sign(&tweaked, &sighash.to_byte_array(), aux)?;
        let signature = bitcoin::secp256k1::schnorr::Signature::from_slice(&sig)
            .map_err(|_| Error::Internal("schnorr signature encoding".into()))?;
        let input = &mut psbt.inputs[i];
        input.tap_key_sig = Some(bitcoin::taproot::Signature {
            signature,
            sighash_type: ty,
        });
        if input.tap_internal_key.is_none() {
            input.tap_internal_key =
                bitcoin::secp256k1::XOnlyPublicKey::from_slice(&owned.key.public_key().x_only())
                    .ok();
        }
        return Ok(InputStatus::Signed("p2tr".into()));
    }

    // ECDSA: work out the script code and the keys that may sign.
    let value = utxo.value;
    let has_prev_tx = input.non_witness_utxo.is_some();
    enum Plan {
        Legacy(ScriptBuf),
        Segwit(ScriptBuf, bool),
    }
    let mut set_redeem = None;
    let (plan, keys, label): (Plan, Vec<(OwnedKey, Vec<u8>)>, &str) = if spk.is_p2pkh() {
        let h = &spk.as_bytes()[3..23];
        match ring.by_hash(h, &origins) {
            Some(k) => (Plan::Legacy(spk.clone()), vec![k], "p2pkh"),
            None => return Ok(InputStatus::NotOurs),
        }
    } else if spk.is_p2pk() {
        let b = spk.as_bytes();
        let pk = &b[1..b.len() - 1];
        match ring.by_pubkey(pk, origins.iter().find(|(p, _)| p == pk).map(|(_, o)| o)) {
            Some(k) => (Plan::Legacy(spk.clone()), vec![(k, pk.to_vec())], "p2pk"),
            None => return Ok(InputStatus::NotOurs),
        }
    } else if spk.is_p2wpkh() {
        let h = &spk.as_bytes()[2..22];
        match ring.by_hash(h, &origins) {
            Some(k) if k.1.len() == 33 => (Plan::Segwit(spk.clone(), true), vec![k], "p2wpkh"),
            Some(_) => {
                return Ok(InputStatus::Refused(
                    "segwit requires a compressed key".into(),
                ))
            }
            None => return Ok(InputStatus::NotOurs),
        }
    } else if spk.is_p2sh() {
        let redeem = match &input.redeem_script {
            Some(r) => r.clone(),
            None => {
                // Is it one of our P2SH-P2WPKH addresses?
                match ring.scripts.get(spk.as_bytes()) {
                    Some((idx, AddressType::P2shP2wpkh)) => {
                        let k = &ring.derived[*idx];
                        let r = ScriptBuf::from_bytes(super::p2wpkh_script(&hash::hash160(
                            &k.compressed,
                        )));
                        set_redeem = Some(r.clone());
                        r
                    }
                    _ => {
                        let mut found = None;
                        for k in ring.all_plain() {
                            let r = ScriptBuf::from_bytes(super::p2wpkh_script(&hash::hash160(
                                &k.compressed,
                            )));
                            if ScriptBuf::new_p2sh(&r.script_hash()) == spk {
                                found = Some(r);
                                break;
                            }
                        }
                        match found {
                            Some(r) => {
                                set_redeem = Some(r.clone());
                                r
                            }
                            None => return Ok(InputStatus::NotOurs),
                        }
                    }
                }
            }
        };
        if redeem.is_p2wpkh() {
            let h = &redeem.as_bytes()[2..22];
            match ring.by_hash(h, &origins) {
                Some(k) => (Plan::Segwit(redeem, true), vec![k], "p2sh-p2wpkh"),
                None => return Ok(InputStatus::NotOurs),
            }
        } else if redeem.is_p2wsh() {
            let Some(ws) = input.witness_script.clone() else {
                return Ok(InputStatus::Refused(
                    "P2SH-P2WSH input without its witnessScript".into(),
                ));
            };
            let keys = script_keys(ring, &ws, &origins);
            if keys.is_empty() {
                return Ok(InputStatus::NotOurs);
            }
            (Plan::Segwit(ws, false), keys, "p2sh-p2wsh")
        } else {
            let keys = script_keys(ring, &redeem, &origins);
            if keys.is_empty() {
                return Ok(InputStatus::NotOurs);
            }
            (Plan::Legacy(redeem), keys, "p2sh")
        }
    } else if spk.is_p2wsh() {
        let Some(ws) = input.witness_script.clone() else {
            return Ok(InputStatus::Refused(
                "P2WSH input without its witnessScript".into(),
            ));
        };
        let keys = script_keys(ring, &ws, &origins);
        if keys.is_empty() {
            return Ok(InputStatus::NotOurs);
        }
        (Plan::Segwit(ws, false), keys, "p2wsh")
    } else {
        return Ok(InputStatus::NotOurs);
    };
    // Only now that the input is known to be ours does its sighash type
    // matter: someone else's odd type must not stop us signing our inputs.
    let ty = match ecdsa_type(input) {
        Ok(t) => t,
        Err(reason) => return Ok(InputStatus::Refused(reason)),
    };
    if matches!(
        ty,
        EcdsaSighashType::Single | EcdsaSighashType::SinglePlusAnyoneCanPay
    ) && !single_output
    {
        return Ok(InputStatus::Refused(
            "SIGHASH_SINGLE without an output at the same index".into(),
        ));
    }
    if matches!(plan, Plan::Segwit(..)) && !has_prev_tx && !fee_known {
        return Ok(InputStatus::Refused(
            "only its witness UTXO is given and another input's UTXO is missing, so the fee cannot be known: a segwit v0 signature does not commit to the other inputs' amounts (the BIP143 fee attack); add every input's previous transaction or witness UTXO".into(),
        ));
    }
    let digest: [u8; 32] = match &plan {
        Plan::Legacy(code) => {
            if !has_prev_tx {
                return Ok(InputStatus::Refused(
                    "a legacy input needs the previous transaction in the PSBT to verify its amount".into(),
                ));
            }
            cache
                .legacy_signature_hash(i, code, ty.to_u32())
                .map_err(|e| Error::input(format!("input {i}: {e}")))?
                .to_byte_array()
        }
        Plan::Segwit(code, true) => cache
            .p2wpkh_signature_hash(i, code, value, ty)
            .map_err(|e| Error::input(format!("input {i}: {e}")))?
            .to_byte_array(),
        Plan::Segwit(code, false) => cache
            .p2wsh_signature_hash(i, code, value, ty)
            .map_err(|e| Error::input(format!("input {i}: {e}")))?
            .to_byte_array(),
    };
    let input = &mut psbt.inputs[i];
    if let Some(r) = set_redeem {
        input.redeem_script = Some(r);
    }
    for (owned, pk_bytes) in keys {
        let sig = ecdsa::sign_prehash(&owned.key, &digest)?;
        let der = sig.to_der()?;
        let signature = bitcoin::secp256k1::ecdsa::Signature::from_der(&der)
            .map_err(|_| Error::Internal("DER signature encoding".into()))?;
        let pk = bitcoin::PublicKey::from_slice(&pk_bytes)
            .map_err(|_| Error::Internal("public key encoding".into()))?;
        input.partial_sigs.insert(
            pk,
            bitcoin::ecdsa::Signature {
                signature,
                sighash_type: ty,
            },
        );
    }
    Ok(InputStatus::Signed(label.into()))
}

/// Keys of ours that appear in `script` (or are listed in its BIP32 derivations).
fn script_keys(
    ring: &KeyRing,
    script: &Script,
    origins: &[(Vec<u8>, (Fingerprint, DerivationPath))],
) -> Vec<(OwnedKey, Vec<u8>)> {
    let bytes = script.as_bytes();
    let contains = |pk: &[u8]| bytes.windows(pk.len()).any(|w| w == pk);
    let mut out: Vec<(OwnedKey, Vec<u8>)> = Vec::new();
    for (pk, origin) in origins {
        if contains(pk) {
            if let Some(k) = ring.by_pubkey(pk, Some(origin)) {
                out.push((k, pk.clone()));
            }
        }
    }
    for k in ring.all_plain() {
        for pk in [k.compressed.to_vec(), k.uncompressed.to_vec()] {
            if contains(&pk) && !out.iter().any(|(_, p)| *p == pk) {
                out.push((k.clone(), pk));
            }
        }
    }
    out
}

fn to_path(p: &bitcoin::bip32::DerivationPath) -> DerivationPath {
    let v: Vec<ChildIndex> = p
        .into_iter()
        .map(|c| ChildIndex::from_raw(u32::from(*c)))
        .collect();
    DerivationPath::from_indexes(v).unwrap_or_default()
}

/// Finalizes every input that has what it needs (BIP174 input finalizer).
/// Returns the number of inputs that are final afterwards.
pub fn finalize(psbt: &mut Psbt) -> Result<usize> {
    let n = psbt.inputs.len();
    let mut done = 0;
    for i in 0..n {
        let (utxo, problem) = check_input(psbt, i)?;
        let utxo = if problem.is_some() { None } else { utxo };
        let input = &mut psbt.inputs[i];
        if input.final_script_sig.is_some() || input.final_script_witness.is_some() {
            done += 1;
            continue;
        }
        let Some(utxo) = utxo else { continue };
        let spk = utxo.script_pubkey;
        let one_sig = |input: &Input, pk: &[u8]| -> Option<Vec<u8>> {
            input
                .partial_sigs
                .iter()
                .find(|(k, _)| k.to_bytes() == pk)
                .map(|(_, s)| s.to_vec())
        };
        // The signature of the key whose HASH160 is `h` (P2PKH, P2WPKH):
        // other partial signatures in the input are ignored.
        let sig_for_hash = |input: &Input, h: &[u8]| -> Option<(Vec<u8>, Vec<u8>)> {
            input
                .partial_sigs
                .iter()
                .map(|(k, s)| (k.to_bytes(), s.to_vec()))
                .find(|(pk, _)| hash::hash160(pk)[..] == *h)
        };
        let mut script_sig: Option<ScriptBuf> = None;
        let mut witness: Option<Witness> = None;
        if spk.is_p2tr() {
            if let Some(sig) = &input.tap_key_sig {
                witness = Some(Witness::from_slice(&[sig.to_vec()]));
            }
        } else if spk.is_p2pkh() {
            if let Some((pk, sig)) = sig_for_hash(input, &spk.as_bytes()[3..23]) {
                script_sig = Some(push_script(&[&sig, &pk]));
            }
        } else if spk.is_p2pk() {
            let b = spk.as_bytes();
            if let Some(sig) = one_sig(input, &b[1..b.len() - 1]) {
                script_sig = Some(push_script(&[&sig]));
            }
        } else if spk.is_p2wpkh() {
            if let Some((pk, sig)) =
                sig_for_hash(input, &spk.as_bytes()[2..22]).filter(|(pk, _)| pk.len() == 33)
            {
                witness = Some(Witness::from_slice(&[sig, pk]));
            }
        } else if let Some(redeem) = input.redeem_script.clone() {
            if redeem.is_p2wpkh() {
                if let Some((pk, sig)) =
                    sig_for_hash(input, &redeem.as_bytes()[2..22]).filter(|(pk, _)| pk.len() == 33)
                {
                    script_sig = Some(push_script(&[redeem.as_bytes()]));
                    witness = Some(Witness::from_slice(&[sig, pk]));
                }
            } else if redeem.is_p2wsh() {
                if let Some(ws) = input.witness_script.clone() {
                    if let Some(stack) = multisig_stack(input, &ws) {
                        let mut items = stack;
                        items.push(ws.to_bytes());
                        script_sig = Some(push_script(&[redeem.as_bytes()]));
                        witness = Some(Witness::from_slice(&items));
                    }
                }
            } else if let Some(stack) = multisig_stack(input, &redeem) {
                let mut parts: Vec<&[u8]> = stack.iter().map(Vec::as_slice).collect();
                parts.push(redeem.as_bytes());
                script_sig = Some(push_script(&parts));
            }
        } else if spk.is_p2wsh() {
            if let Some(ws) = input.witness_script.clone() {
                if let Some(mut stack) = multisig_stack(input, &ws) {
                    stack.push(ws.to_bytes());
                    witness = Some(Witness::from_slice(&stack));
                }
            }
        }
        if script_sig.is_none() && witness.is_none() {
            continue;
        }
        // BIP174: the finalizer keeps only the UTXO and unknown fields.
        let keep = Input {
            non_witness_utxo: input.non_witness_utxo.take(),
            witness_utxo: input.witness_utxo.take(),
            final_script_sig: script_sig,
            final_script_witness: witness,
            proprietary: std::mem::take(&mut input.proprietary),
            unknown: std::mem::take(&mut input.unknown),
            ..Input::default()
        };
        *input = keep;
        done += 1;
    }
    Ok(done)
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
        } else {
            // Items are signatures, keys and scripts: far below the 4 GiB push limit.
            if let Ok(pb) = <&bitcoin::script::PushBytes>::try_from(*it) {
                b = b.push_slice(pb);
            }
        }
    }
    b.into_script()
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

/// A PSBT sighash type by its standard name or number, for updaters and tests.
pub fn sighash_type(n: u32) -> PsbtSighashType {
    PsbtSighashType::from_u32(n)
}

/// Value of an amount in satoshis (helper for callers that avoid `bitcoin`).
#[must_use]
pub fn sat(a: Amount) -> u64 {
    a.to_sat()
}
