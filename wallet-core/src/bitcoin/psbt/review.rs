//! What a PSBT does, shown before it is signed: where each output's money
//! goes (our change, or an address), the fee and its rate over the final
//! transaction's estimated size. A PSBT whose outputs are ours on another
//! network is refused here, before any signature.

use super::check::check_inputs;
use super::keyring::{origin, KeyRing};
use super::sign::{fee_of, wrong_coin};
use super::Refusal;
use crate::bitcoin::amount::sat_per_vb;
use crate::bitcoin::coin_selection::input_weight;
use crate::bitcoin::payment::MAX_FEE_RATE;
use crate::bitcoin::{taproot, Address, AddressType, NetworkParams};
use crate::error::{Error, HighFeeRemedy, Result};
use crate::hash;
use bitcoin::psbt::{Output, Psbt};
use bitcoin::{Amount, Script, TxOut};

/// One output of a reviewed PSBT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewedOutput {
    /// Its address on the network reviewed for (`None`: a script with no address).
    pub address: Option<String>,
    /// Its amount.
    pub amount: Amount,
    /// Whether it pays to one of the signer's own keys (change).
    pub change: bool,
}

/// What a PSBT does.
#[derive(Debug, Clone, PartialEq)]
pub struct PsbtReview {
    /// Every output, in order.
    pub outputs: Vec<ReviewedOutput>,
    /// The fee, when every input's value is known.
    pub fee: Option<Amount>,
    /// The estimated virtual size of the final transaction (signatures at
    /// their largest; inputs of unknown script counted as legacy ones).
    pub vsize: u64,
    /// The fee over that size, in sat/vB, when the fee is known.
    pub fee_rate: Option<f64>,
}

impl PsbtReview {
    /// Refuses a fee rate above the safety cap ([`MAX_FEE_RATE`])
    /// unless `allow_high_fee`.
    pub fn check_fee(&self, allow_high_fee: bool) -> Result<()> {
        match self.above_cap() {
            Some(what) if !allow_high_fee => Err(Error::HighFee {
                reason: format!("{what}; nothing was signed"),
                remedy: HighFeeRemedy::Allow,
            }),
            _ => Ok(()),
        }
    }

    /// What the fee is, when its rate is above the safety cap
    /// ([`MAX_FEE_RATE`]): "the PSBT pays a fee of … above the … cap".
    #[must_use]
    pub fn above_cap(&self) -> Option<String> {
        match (self.fee, self.fee_rate) {
            (Some(fee), Some(rate)) if rate > sat_per_vb(MAX_FEE_RATE) => Some(format!(
                "the PSBT pays a fee of {} sat (~{rate:.1} sat/vB over ~{} vB), above the {} sat/vB safety cap",
                fee.to_sat(),
                self.vsize,
                sat_per_vb(MAX_FEE_RATE)
            )),
            _ => None,
        }
    }
}

/// Reviews `psbt` for the signer holding `ring` on `params`.
pub fn review(psbt: &Psbt, ring: &KeyRing, params: NetworkParams) -> Result<PsbtReview> {
    let (utxos, _) = check_inputs(psbt)?;
    let values: Vec<Option<Amount>> = utxos.iter().map(|u| u.as_ref().map(|o| o.value)).collect();
    let fee = fee_of(psbt, &values)?;
    if psbt.outputs.len() != psbt.unsigned_tx.output.len() {
        return Err(Error::input(
            "invalid PSBT: output count differs from the transaction's",
        ));
    }
    let mut outputs = Vec::with_capacity(psbt.outputs.len());
    for (o, txout) in psbt.outputs.iter().zip(&psbt.unsigned_tx.output) {
        if let Some(r) = output_network(o, ring, params) {
            return Err(Error::WrongNetwork {
                what: "an output of this PSBT",
                found: r.to_string(),
                expected: format!("{} {}", params.chain(), params.network()),
            });
        }
        outputs.push(ReviewedOutput {
            address: Address::from_script(txout.script_pubkey.as_bytes(), params)
                .map(|a| a.to_string()),
            amount: txout.value,
            change: is_ours(o, txout, ring),
        });
    }
    let vsize = estimate_vsize(psbt, &utxos);
    let fee_rate = fee.map(|f| f.to_sat() as f64 / vsize.max(1) as f64);
    Ok(PsbtReview {
        outputs,
        fee,
        vsize,
        fee_rate,
    })
}

fn output_network(o: &Output, ring: &KeyRing, params: NetworkParams) -> Option<Refusal> {
    let fp = ring.master_fingerprint()?;
    let origins = o
        .bip32_derivation
        .values()
        .map(|(f, p)| origin(f, p))
        .chain(o.tap_key_origins.values().map(|(_, (f, p))| origin(f, p)));
    wrong_coin(origins, fp, params)
}

/// Whether `txout` pays to a key of ours named by its derivation info (or
/// to one of the ring's scanned addresses).
fn is_ours(o: &Output, txout: &TxOut, ring: &KeyRing) -> bool {
    let spk = &txout.script_pubkey;
    if ring.scripts.contains_key(spk.as_bytes()) {
        return true;
    }
    let ecdsa = o.bip32_derivation.iter().any(|(pk, (fp, path))| {
        let pk = pk.serialize();
        ring.owns_origin(&pk, &origin(fp, path)) && pays_to_key(spk, &pk)
    });
    let taproot = o.tap_key_origins.iter().any(|(x, (_, (fp, path)))| {
        let x = x.serialize();
        ring.owns_origin(&x, &origin(fp, path))
            && taproot::tweak_public_key(&x, None)
                .is_ok_and(|(q, _)| spk.is_p2tr() && spk.as_bytes()[2..34] == q)
    });
    ecdsa || taproot
}

/// Whether `spk` is the P2PKH, P2WPKH or P2SH-P2WPKH script of `pk`.
fn pays_to_key(spk: &Script, pk: &[u8]) -> bool {
    let h = hash::hash160(pk);
    let wpkh = crate::bitcoin::p2wpkh_script(&h);
    let b = spk.as_bytes();
    (spk.is_p2pkh() && b[3..23] == h)
        || b == wpkh.as_slice()
        || (spk.is_p2sh() && b[2..22] == hash::hash160(&wpkh))
}

/// The final transaction's virtual size, signatures at their largest.
fn estimate_vsize(psbt: &Psbt, utxos: &[Option<TxOut>]) -> u64 {
    let base = bitcoin::consensus::encode::serialize(&psbt.unsigned_tx).len() as u64;
    let mut weight = 4 * base;
    let mut segwit = false;
    for (input, utxo) in psbt.inputs.iter().zip(utxos) {
        let kind = utxo
            .as_ref()
            .and_then(|u| kind_of(&u.script_pubkey, input.redeem_script.as_deref()));
        let kind = kind.unwrap_or(AddressType::P2pkh);
        segwit |= kind != AddressType::P2pkh;
        // The unsigned transaction already holds 41 bytes of each input.
        weight += input_weight(kind).to_wu().saturating_sub(4 * 41);
    }
    if segwit {
        weight += 2;
    }
    weight.div_ceil(4)
}

fn kind_of(spk: &Script, redeem: Option<&Script>) -> Option<AddressType> {
    if spk.is_p2tr() {
        Some(AddressType::P2tr)
    } else if spk.is_p2wpkh() {
        Some(AddressType::P2wpkh)
    } else if spk.is_p2pkh() {
        Some(AddressType::P2pkh)
    } else if spk.is_p2sh() && redeem.is_some_and(Script::is_p2wpkh) {
        Some(AddressType::P2shP2wpkh)
    } else {
        None
    }
}
