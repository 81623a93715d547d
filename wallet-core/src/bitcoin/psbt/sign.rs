//! The signer: which inputs are ours, the sighash each needs, the policy on
//! sighash types and amounts, and the signatures added.

use super::check::check_inputs;
use super::keyring::{origin, script_keys, KeyRing, Origin, OwnedKey};
use super::{Refusal, ScriptKind};
use crate::bitcoin::{AddressType, NetworkParams};
use crate::ecdsa;
use crate::error::{Error, Result};
use crate::hash;
use crate::schnorr::{self, AuxRand};
use bitcoin::hashes::Hash;
use bitcoin::psbt::{Input, Psbt, PsbtSighashType};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::{Amount, ScriptBuf, Transaction, TxOut};

/// What happened to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputStatus {
    /// We added a signature for a script of this kind.
    Signed(ScriptKind),
    /// Already finalized; left alone.
    AlreadyFinal,
    /// Not ours (no key of the wallet in it).
    NotOurs,
    /// Ours (or possibly ours), but refused: why.
    Refused(Refusal),
}

/// The outcome of signing a PSBT.
#[derive(Debug, Clone)]
pub struct SignReport {
    /// One status per input.
    pub inputs: Vec<InputStatus>,
    /// Value of every input, when known.
    pub input_values: Vec<Option<Amount>>,
    /// The fee, when every input's value is known.
    pub fee: Option<Amount>,
    /// Number of inputs signed.
    pub signed: usize,
    /// For each input we signed, the sighash type used; `None` for inputs
    /// we did not sign.
    pub sighash_types: Vec<Option<PsbtSighashType>>,
}

impl SignReport {
    /// Indexes and types of the inputs we signed with a sighash type that
    /// does not commit to the whole transaction (anything but ALL/DEFAULT,
    /// which the signer uses only when allowed explicitly).
    #[must_use]
    pub fn partial_commitments(&self) -> Vec<(usize, PsbtSighashType)> {
        self.sighash_types
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.filter(|t| !commits_to_all(*t)).map(|t| (i, t)))
            .collect()
    }
}

fn commits_to_all(t: PsbtSighashType) -> bool {
    matches!(t.to_u32(), 0 | 1)
}

/// How the signer decides.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Schnorr auxiliary randomness.
    pub aux: AuxRand,
    /// Sighash types signed besides SIGHASH_ALL and SIGHASH_DEFAULT (which
    /// commit to the whole transaction). Anything else is refused.
    pub allowed_sighash: Vec<PsbtSighashType>,
    /// Sign legacy/segwit v0 inputs whose amount comes only from a witness
    /// UTXO (not verifiable from the PSBT). Off by default, as hardware
    /// wallets do since the 2020 fee attack; for callers that verified
    /// every amount themselves (and for BIP143's test vectors).
    pub trust_witness_utxo: bool,
    /// Refuse inputs of our master key derived for another coin type.
    pub network: Option<NetworkParams>,
}

impl Default for SignOptions {
    fn default() -> Self {
        Self {
            aux: AuxRand::Random,
            allowed_sighash: Vec::new(),
            trust_witness_utxo: false,
            network: None,
        }
    }
}

struct Ctx<'a> {
    utxos: &'a [Option<TxOut>],
    fee_known: bool,
    ring: &'a KeyRing,
    opts: &'a SignOptions,
    outputs: usize,
}

/// Signs every input of `psbt` that `ring` can sign, with the default policy
/// (only SIGHASH_ALL/DEFAULT, full previous transactions required) and `aux`.
pub fn sign(psbt: &mut Psbt, ring: &KeyRing, aux: AuxRand) -> Result<SignReport> {
    sign_with(
        psbt,
        ring,
        &SignOptions {
            aux,
            ..SignOptions::default()
        },
    )
}

/// Signs every input of `psbt` that `ring` can sign under `opts`.
pub fn sign_with(psbt: &mut Psbt, ring: &KeyRing, opts: &SignOptions) -> Result<SignReport> {
    let (utxos, problems) = check_inputs(psbt)?;
    let input_values: Vec<Option<Amount>> =
        utxos.iter().map(|u| u.as_ref().map(|o| o.value)).collect();
    let fee = fee_of(psbt, &input_values)?;
    let ctx = Ctx {
        utxos: &utxos,
        fee_known: fee.is_some(),
        ring,
        opts,
        outputs: psbt.unsigned_tx.output.len(),
    };
    let tx = psbt.unsigned_tx.clone();
    let mut cache = SighashCache::new(&tx);
    let mut inputs = Vec::with_capacity(utxos.len());
    let mut sighash_types = Vec::with_capacity(utxos.len());
    for (i, problem) in problems.into_iter().enumerate() {
        let status = match problem {
            Some(p) => InputStatus::Refused(p),
            None => sign_input(psbt, i, &ctx, &mut cache)?,
        };
        let signed = matches!(status, InputStatus::Signed(_));
        sighash_types.push(signed.then(|| signed_type(&psbt.inputs[i])).flatten());
        inputs.push(status);
    }
    let signed = inputs
        .iter()
        .filter(|s| matches!(s, InputStatus::Signed(_)))
        .count();
    Ok(SignReport {
        inputs,
        input_values,
        fee,
        signed,
        sighash_types,
    })
}

/// Inputs minus outputs, when every input's value is known.
pub(super) fn fee_of(psbt: &Psbt, values: &[Option<Amount>]) -> Result<Option<Amount>> {
    if !values.iter().all(Option::is_some) {
        return Ok(None);
    }
    let ins = values
        .iter()
        .flatten()
        .try_fold(Amount::ZERO, |a, v| a.checked_add(*v))
        .ok_or_else(|| Error::input("input values overflow"))?;
    let outs = psbt
        .unsigned_tx
        .output
        .iter()
        .try_fold(Amount::ZERO, |a, o| a.checked_add(o.value))
        .ok_or_else(|| Error::input("output values overflow"))?;
    ins.checked_sub(outs).map(Some).ok_or_else(|| {
        Error::input(format!(
            "the outputs ({} sat) exceed the inputs ({} sat)",
            outs.to_sat(),
            ins.to_sat()
        ))
    })
}

/// The sighash type of the signature we put in `input`.
fn signed_type(input: &Input) -> Option<PsbtSighashType> {
    if let Some(sig) = &input.tap_key_sig {
        return Some(sig.sighash_type.into());
    }
    input
        .partial_sigs
        .values()
        .next()
        .map(|s| s.sighash_type.into())
}

fn sign_input(
    psbt: &mut Psbt,
    i: usize,
    ctx: &Ctx<'_>,
    cache: &mut SighashCache<&Transaction>,
) -> Result<InputStatus> {
    let input = &psbt.inputs[i];
    if input.final_script_sig.is_some() || input.final_script_witness.is_some() {
        return Ok(InputStatus::AlreadyFinal);
    }
    let Some(utxo) = ctx.utxos[i].clone() else {
        return Ok(missing_utxo(input, ctx.ring));
    };
    if let Some(r) = wrong_network(input, ctx) {
        return Ok(InputStatus::Refused(r));
    }
    if utxo.script_pubkey.is_p2tr() {
        return sign_taproot(psbt, i, ctx, cache, &utxo);
    }
    let plan = match plan_ecdsa(&utxo.script_pubkey, input, ctx.ring) {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    // Only now that the input is known to be ours does its sighash type
    // matter: someone else's odd type must not stop us signing our inputs.
    let ty = match ecdsa_type(input, ctx, i) {
        Ok(t) => t,
        Err(r) => return Ok(InputStatus::Refused(r)),
    };
    if let Some(r) = amount_refusal(&plan, input, ctx) {
        return Ok(InputStatus::Refused(r));
    }
    let digest = ecdsa_digest(&plan, cache, i, utxo.value, ty)?;
    let kind = plan.kind;
    insert_partial_sigs(&mut psbt.inputs[i], plan, &digest, ty)?;
    Ok(InputStatus::Signed(kind))
}

/// Without a UTXO we cannot tell the script: is the input ours?
fn missing_utxo(input: &Input, ring: &KeyRing) -> InputStatus {
    let ours = input.bip32_derivation.iter().any(|(pk, (fp, path))| {
        ring.by_pubkey(&pk.serialize(), Some(&origin(fp, path)))
            .is_some()
    });
    if ours {
        InputStatus::Refused(Refusal::MissingUtxo)
    } else {
        InputStatus::NotOurs
    }
}

/// An origin of our master key whose coin type is not the network's.
fn wrong_network(input: &Input, ctx: &Ctx<'_>) -> Option<Refusal> {
    let params = ctx.opts.network?;
    let fp = ctx.ring.master_fingerprint()?;
    let paths = input
        .bip32_derivation
        .values()
        .map(|(f, p)| origin(f, p))
        .chain(
            input
                .tap_key_origins
                .values()
                .map(|(_, (f, p))| origin(f, p)),
        );
    wrong_coin(paths, fp, params)
}

/// The first origin of master `fp` whose BIP44-style coin type differs from
/// `params`'s.
pub(super) fn wrong_coin(
    origins: impl Iterator<Item = Origin>,
    fp: crate::hd::Fingerprint,
    params: NetworkParams,
) -> Option<Refusal> {
    origins.filter(|(f, _)| *f == fp).find_map(|(_, path)| {
        let idx = path.indexes();
        let (purpose, coin) = (idx.first()?, idx.get(1)?);
        let bip44 = purpose.is_hardened() && matches!(purpose.index(), 44 | 49 | 84 | 86);
        (bip44 && coin.is_hardened() && coin.index() != params.coin_type()).then_some(
            Refusal::WrongNetwork {
                found: coin.index(),
                expected: params.coin_type(),
            },
        )
    })
}

fn sign_taproot(
    psbt: &mut Psbt,
    i: usize,
    ctx: &Ctx<'_>,
    cache: &mut SighashCache<&Transaction>,
    utxo: &TxOut,
) -> Result<InputStatus> {
    let input = &psbt.inputs[i];
    let mut output_key = [0u8; 32];
    output_key.copy_from_slice(&utxo.script_pubkey.as_bytes()[2..34]);
    let origins: Vec<([u8; 32], Origin)> = input
        .tap_key_origins
        .iter()
        .filter(|(_, (leaves, _))| leaves.is_empty())
        .map(|(x, (_, (fp, path)))| (x.serialize(), origin(fp, path)))
        .collect();
    let merkle_root = input.tap_merkle_root.map(|r| r.to_byte_array());
    let Some(owned) = ctx
        .ring
        .by_taproot_output(&output_key, &origins, merkle_root.as_ref())
    else {
        return Ok(taproot_not_signed(input, ctx.ring));
    };
    if ctx.utxos.iter().any(Option::is_none) {
        return Ok(InputStatus::Refused(Refusal::TaprootMissingPrevouts));
    }
    let ty = match taproot_type(input, ctx, i) {
        Ok(t) => t,
        Err(r) => return Ok(InputStatus::Refused(r)),
    };
    let all: Vec<TxOut> = ctx.utxos.iter().flatten().cloned().collect();
    let prevouts = if (ty as u8) & 0x80 != 0 {
        Prevouts::One(i, utxo.clone())
    } else {
        Prevouts::All(&all)
    };
    let sighash = cache
        .taproot_key_spend_signature_hash(i, &prevouts, ty)
        .map_err(|e| Error::input(format!("input {i}: {e}")))?;
    let tweaked = crate::bitcoin::taproot::tweak_private_key(&owned.key, merkle_root.as_ref())?;
    let sig = schnorr::sign(&tweaked, &sighash.to_byte_array(), ctx.opts.aux)?;
    let signature = bitcoin::secp256k1::schnorr::Signature::from_slice(&sig)
        .map_err(|_| Error::Internal("schnorr signature encoding".into()))?;
    let input = &mut psbt.inputs[i];
    input.tap_key_sig = Some(bitcoin::taproot::Signature {
        signature,
        sighash_type: ty,
    });
    if input.tap_internal_key.is_none() {
        input.tap_internal_key =
            bitcoin::secp256k1::XOnlyPublicKey::from_slice(&owned.key.public_key().x_only()).ok();
    }
    Ok(InputStatus::Signed(ScriptKind::P2tr))
}

/// A taproot input none of our keys spends by key path: one of our keys in
/// a script leaf is ours but unsupported; otherwise not ours.
fn taproot_not_signed(input: &Input, ring: &KeyRing) -> InputStatus {
    let in_leaf = input
        .tap_key_origins
        .iter()
        .any(|(x, (leaves, (fp, path)))| {
            !leaves.is_empty() && ring.owns_x_only(&x.serialize(), &origin(fp, path))
        });
    if in_leaf {
        InputStatus::Refused(Refusal::TaprootScriptPath)
    } else {
        InputStatus::NotOurs
    }
}

fn allowed(ctx: &Ctx<'_>, t: PsbtSighashType) -> bool {
    commits_to_all(t) || ctx.opts.allowed_sighash.contains(&t)
}

fn taproot_type(input: &Input, ctx: &Ctx<'_>, i: usize) -> Result<TapSighashType, Refusal> {
    let ty = match input.sighash_type {
        None => TapSighashType::Default,
        Some(t) => t
            .taproot_hash_ty()
            .map_err(|_| Refusal::InvalidSighash(t.to_u32()))?,
    };
    if !allowed(ctx, ty.into()) {
        return Err(Refusal::SighashNotAllowed(ty.into()));
    }
    let single = matches!(
        ty,
        TapSighashType::Single | TapSighashType::SinglePlusAnyoneCanPay
    );
    if single && i >= ctx.outputs {
        return Err(Refusal::SingleWithoutOutput);
    }
    Ok(ty)
}

fn ecdsa_type(input: &Input, ctx: &Ctx<'_>, i: usize) -> Result<EcdsaSighashType, Refusal> {
    let ty = match input.sighash_type {
        None => EcdsaSighashType::All,
        Some(t) => t
            .ecdsa_hash_ty()
            .map_err(|_| Refusal::InvalidSighash(t.to_u32()))?,
    };
    if !allowed(ctx, ty.into()) {
        return Err(Refusal::SighashNotAllowed(ty.into()));
    }
    let single = matches!(
        ty,
        EcdsaSighashType::Single | EcdsaSighashType::SinglePlusAnyoneCanPay
    );
    if single && i >= ctx.outputs {
        return Err(Refusal::SingleWithoutOutput);
    }
    Ok(ty)
}

/// How an ECDSA input of ours is signed: the script code, the digest
/// algorithm (legacy, or BIP143 for a key hash or a script), the keys.
struct EcdsaPlan {
    code: ScriptBuf,
    digest: Digest,
    keys: Vec<(OwnedKey, Vec<u8>)>,
    kind: ScriptKind,
    set_redeem: Option<ScriptBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Digest {
    Legacy,
    KeyHash,
    Script,
}

type Plan = std::result::Result<EcdsaPlan, InputStatus>;

fn plan(code: ScriptBuf, digest: Digest, keys: Vec<(OwnedKey, Vec<u8>)>, kind: ScriptKind) -> Plan {
    if keys.is_empty() {
        return Err(InputStatus::NotOurs);
    }
    Ok(EcdsaPlan {
        code,
        digest,
        keys,
        kind,
        set_redeem: None,
    })
}

fn origins(input: &Input) -> Vec<(Vec<u8>, Origin)> {
    input
        .bip32_derivation
        .iter()
        .map(|(pk, (fp, path))| (pk.serialize().to_vec(), origin(fp, path)))
        .collect()
}

fn plan_ecdsa(spk: &ScriptBuf, input: &Input, ring: &KeyRing) -> Plan {
    let origins = origins(input);
    if spk.is_p2pkh() {
        let keys = ring.by_hash(&spk.as_bytes()[3..23], &origins);
        return plan(
            spk.clone(),
            Digest::Legacy,
            keys.into_iter().collect(),
            ScriptKind::P2pkh,
        );
    }
    if spk.is_p2pk() {
        let b = spk.as_bytes();
        let pk = &b[1..b.len() - 1];
        let o = origins.iter().find(|(p, _)| p == pk).map(|(_, o)| o);
        let keys = ring.by_pubkey(pk, o).map(|k| (k, pk.to_vec()));
        return plan(
            spk.clone(),
            Digest::Legacy,
            keys.into_iter().collect(),
            ScriptKind::P2pk,
        );
    }
    if spk.is_p2wpkh() {
        return plan_key_hash(spk.clone(), ring, &origins, ScriptKind::P2wpkh);
    }
    if spk.is_p2sh() {
        return plan_p2sh(spk, input, ring, &origins);
    }
    if spk.is_p2wsh() {
        return plan_wsh(input, ring, &origins, ScriptKind::P2wsh);
    }
    Err(InputStatus::NotOurs)
}

/// A segwit v0 key hash (`0 <20 bytes>`) as the BIP143 script code.
fn plan_key_hash(
    code: ScriptBuf,
    ring: &KeyRing,
    origins: &[(Vec<u8>, Origin)],
    kind: ScriptKind,
) -> Plan {
    match ring.by_hash(&code.as_bytes()[2..22], origins) {
        Some(k) if k.1.len() == 33 => plan(code, Digest::KeyHash, vec![k], kind),
        Some(_) => Err(InputStatus::Refused(Refusal::UncompressedSegwit)),
        None => Err(InputStatus::NotOurs),
    }
}

fn plan_wsh(
    input: &Input,
    ring: &KeyRing,
    origins: &[(Vec<u8>, Origin)],
    kind: ScriptKind,
) -> Plan {
    let Some(ws) = input.witness_script.clone() else {
        return Err(InputStatus::Refused(Refusal::MissingWitnessScript(kind)));
    };
    let keys = script_keys(ring, &ws, origins);
    plan(ws, Digest::Script, keys, kind)
}

fn plan_p2sh(
    spk: &ScriptBuf,
    input: &Input,
    ring: &KeyRing,
    origins: &[(Vec<u8>, Origin)],
) -> Plan {
    let (redeem, set_redeem) = match &input.redeem_script {
        Some(r) => (r.clone(), None),
        None => {
            let r = nested_p2wpkh_redeem(spk, ring).ok_or(InputStatus::NotOurs)?;
            (r.clone(), Some(r))
        }
    };
    let mut p = if redeem.is_p2wpkh() {
        plan_key_hash(redeem, ring, origins, ScriptKind::P2shP2wpkh)
    } else if redeem.is_p2wsh() {
        plan_wsh(input, ring, origins, ScriptKind::P2shP2wsh)
    } else {
        let keys = script_keys(ring, &redeem, origins);
        plan(redeem, Digest::Legacy, keys, ScriptKind::P2sh)
    }?;
    p.set_redeem = set_redeem;
    Ok(p)
}

/// The redeemScript of one of our P2SH-P2WPKH addresses that pays to `spk`.
fn nested_p2wpkh_redeem(spk: &ScriptBuf, ring: &KeyRing) -> Option<ScriptBuf> {
    let redeem_of = |k: &OwnedKey| {
        ScriptBuf::from_bytes(crate::bitcoin::p2wpkh_script(&hash::hash160(&k.compressed)))
    };
    if let Some((idx, AddressType::P2shP2wpkh)) = ring.scripts.get(spk.as_bytes()) {
        return ring.derived.get(*idx).map(redeem_of);
    }
    ring.all_plain()
        .map(redeem_of)
        .find(|r| ScriptBuf::new_p2sh(&r.script_hash()) == *spk)
}

/// A reason the amount an ECDSA signature commits to cannot be trusted.
fn amount_refusal(plan: &EcdsaPlan, input: &Input, ctx: &Ctx<'_>) -> Option<Refusal> {
    if input.non_witness_utxo.is_some() {
        return None;
    }
    if plan.digest == Digest::Legacy || !ctx.opts.trust_witness_utxo || !ctx.fee_known {
        return Some(Refusal::MissingPreviousTx(plan.kind));
    }
    None
}

fn ecdsa_digest(
    plan: &EcdsaPlan,
    cache: &mut SighashCache<&Transaction>,
    i: usize,
    value: Amount,
    ty: EcdsaSighashType,
) -> Result<[u8; 32]> {
    let err = |e: &dyn core::fmt::Display| Error::input(format!("input {i}: {e}"));
    Ok(match plan.digest {
        Digest::Legacy => cache
            .legacy_signature_hash(i, &plan.code, ty.to_u32())
            .map_err(|e| err(&e))?
            .to_byte_array(),
        Digest::KeyHash => cache
            .p2wpkh_signature_hash(i, &plan.code, value, ty)
            .map_err(|e| err(&e))?
            .to_byte_array(),
        Digest::Script => cache
            .p2wsh_signature_hash(i, &plan.code, value, ty)
            .map_err(|e| err(&e))?
            .to_byte_array(),
    })
}

fn insert_partial_sigs(
    input: &mut Input,
    plan: EcdsaPlan,
    digest: &[u8; 32],
    ty: EcdsaSighashType,
) -> Result<()> {
    if let Some(r) = plan.set_redeem {
        input.redeem_script = Some(r);
    }
    for (owned, pk_bytes) in plan.keys {
        let der = ecdsa::sign_prehash(&owned.key, digest)?.to_der()?;
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
    Ok(())
}
