//! The unsigned PSBT of a payment: version 2, RBF signalled, change at a
//! random position, and the data every signer needs (the previous
//! transaction of every non-taproot input, witness UTXOs, BIP32 origins).
//! Amounts and coin selection are in [`super::amount`] and
//! [`super::coin_selection`].

use super::address::{Address, AddressType, Payload};
use super::coin_selection::{Coin, Selection};
use crate::error::{Error, Result};
use crate::hd::{DerivationPath, Fingerprint};
use crate::key::PublicKey;
use bitcoin::absolute::LockTime;
use bitcoin::psbt::{Input, Output, Psbt};
use bitcoin::transaction::Version;
use bitcoin::{Amount, FeeRate, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness};
use std::collections::BTreeMap;

/// Fee rates above this are refused unless allowed explicitly: for
/// payments, node estimates and PSBTs to sign (a typo like a rate of 2000,
/// or a PSBT that burns its inputs as fee).
pub const MAX_FEE_RATE: FeeRate = FeeRate::from_sat_per_vb_u32(500);

/// Where the change goes.
#[derive(Debug, Clone)]
pub struct ChangeOutput {
    /// The change address.
    pub address: Address,
    /// Its derivation path (the empty path for a single key, which has none).
    pub path: DerivationPath,
    /// Its public key.
    pub public_key: PublicKey,
}

/// One output paid to a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayTo {
    /// The recipient.
    pub address: Address,
    /// The amount.
    pub amount: Amount,
}

/// What a payment pays: the selection, the payees, the change.
#[derive(Debug, Clone, Copy)]
pub struct PsbtParts<'a> {
    /// Coins, fee and change amount.
    pub selection: &'a Selection,
    /// The recipients, in output order (the change goes at a random
    /// position among them).
    pub payees: &'a [PayTo],
    /// Where the change goes.
    pub change: &'a ChangeOutput,
    /// The master key's fingerprint, for the BIP32 origins of the inputs
    /// and the change (`None`: a single key, whose PSBT carries no origins;
    /// signers find its inputs by their scripts).
    pub master_fingerprint: Option<Fingerprint>,
}

/// The unsigned PSBT of a payment; `input_pubkeys` are the coins' keys, in order.
pub fn build_psbt(parts: &PsbtParts<'_>, input_pubkeys: &[PublicKey]) -> Result<Psbt> {
    let sel = parts.selection;
    if input_pubkeys.len() != sel.coins.len() {
        return Err(Error::Internal("one public key per input".into()));
    }
    let (tx, change_index) = unsigned_tx(parts);
    let mut psbt = Psbt::from_unsigned_tx(tx).map_err(|e| Error::Internal(format!("PSBT: {e}")))?;
    let fp = parts
        .master_fingerprint
        .map(|f| bitcoin::bip32::Fingerprint::from(f.0));
    for ((input, c), pk) in psbt.inputs.iter_mut().zip(&sel.coins).zip(input_pubkeys) {
        fill_input(input, c, pk, fp)?;
    }
    if let Some(ci) = change_index {
        fill_change(&mut psbt.outputs[ci], parts.change, fp);
    }
    Ok(psbt)
}

/// A uniformly random index in `0..=n` (where the change goes among `n`
/// payee outputs).
fn random_position(n: usize) -> usize {
    let slots = n as u64 + 1;
    // Rejection sampling keeps every slot equally likely.
    let zone = u64::MAX - u64::MAX % slots;
    loop {
        let v = rand_core::RngCore::next_u64(&mut rand_core::OsRng);
        if v < zone {
            return (v % slots) as usize;
        }
    }
}

/// The transaction, and the change output's index when there is one.
fn unsigned_tx(parts: &PsbtParts<'_>) -> (Transaction, Option<usize>) {
    let inputs = parts
        .selection
        .coins
        .iter()
        .map(|c| TxIn {
            previous_output: c.outpoint,
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::new(),
        })
        .collect();
    let mut outputs: Vec<TxOut> = parts
        .payees
        .iter()
        .map(|p| TxOut {
            value: p.amount,
            script_pubkey: ScriptBuf::from_bytes(p.address.script_pubkey()),
        })
        .collect();
    let mut change_index = None;
    if let Some(v) = parts.selection.change {
        let pos = random_position(outputs.len());
        outputs.insert(
            pos,
            TxOut {
                value: v,
                script_pubkey: ScriptBuf::from_bytes(parts.change.address.script_pubkey()),
            },
        );
        change_index = Some(pos);
    }
    let tx = Transaction {
        version: Version::TWO,
        lock_time: LockTime::ZERO,
        input: inputs,
        output: outputs,
    };
    (tx, change_index)
}

fn fill_input(
    input: &mut Input,
    c: &Coin,
    pk: &PublicKey,
    fp: Option<bitcoin::bip32::Fingerprint>,
) -> Result<()> {
    let origin = fp.map(|fp| (fp, to_bitcoin_path(&c.path)));
    let utxo = TxOut {
        value: c.value,
        script_pubkey: c.script_pubkey.clone(),
    };
    if c.kind == AddressType::P2tr {
        input.witness_utxo = Some(utxo);
        let x = x_only(pk)?;
        input.tap_internal_key = Some(x);
        if let Some(origin) = origin {
            input.tap_key_origins.insert(x, (Vec::new(), origin));
        }
        return Ok(());
    }
    // The previous transaction lets every signer verify the amount: a
    // legacy or segwit v0 signature does not commit to the other inputs'.
    let prev = c.prev_tx.clone().ok_or_else(|| {
        Error::input(format!(
            "coin {} needs its previous transaction, which the node did not give",
            c.outpoint
        ))
    })?;
    input.non_witness_utxo = Some(prev);
    match c.kind {
        AddressType::P2shP2wpkh => {
            input.witness_utxo = Some(utxo);
            input.redeem_script = Some(ScriptBuf::from_bytes(super::p2wpkh_script(&pk.hash160())));
        }
        AddressType::P2wpkh => input.witness_utxo = Some(utxo),
        _ => {}
    }
    if let Some(origin) = origin {
        let spk = bitcoin::secp256k1::PublicKey::from_slice(&pk.to_compressed())
            .map_err(|_| Error::Internal("public key".into()))?;
        input.bip32_derivation = BTreeMap::from([(spk, origin)]);
    }
    Ok(())
}

fn x_only(pk: &PublicKey) -> Result<bitcoin::secp256k1::XOnlyPublicKey> {
    bitcoin::secp256k1::XOnlyPublicKey::from_slice(&pk.x_only())
        .map_err(|_| Error::Internal("x-only key".into()))
}

/// The change output's origins, when there is a master key (so signers see
/// it is theirs), and the scripts it needs.
fn fill_change(out: &mut Output, change: &ChangeOutput, fp: Option<bitcoin::bip32::Fingerprint>) {
    let origin = fp.map(|fp| (fp, to_bitcoin_path(&change.path)));
    let pk = &change.public_key;
    if matches!(
        change.address.payload(),
        Payload::Witness { version: 1, .. }
    ) {
        if let Ok(x) = x_only(pk) {
            out.tap_internal_key = Some(x);
            if let Some(origin) = origin {
                out.tap_key_origins.insert(x, (Vec::new(), origin));
            }
        }
    } else if let Ok(spk) = bitcoin::secp256k1::PublicKey::from_slice(&pk.to_compressed()) {
        if let Some(origin) = origin {
            out.bip32_derivation.insert(spk, origin);
        }
        if change.address.address_type() == Some(AddressType::P2shP2wpkh) {
            out.redeem_script = Some(ScriptBuf::from_bytes(super::p2wpkh_script(&pk.hash160())));
        }
    }
}

fn to_bitcoin_path(p: &DerivationPath) -> bitcoin::bip32::DerivationPath {
    p.indexes()
        .iter()
        .map(|c| bitcoin::bip32::ChildNumber::from(c.raw()))
        .collect::<Vec<_>>()
        .into()
}

/// The txid of a serialised transaction.
pub fn txid_of(raw: &[u8]) -> Result<Txid> {
    Ok(decode_tx(raw)?.compute_txid())
}

/// Decodes a serialised transaction strictly.
pub fn decode_tx(raw: &[u8]) -> Result<Transaction> {
    bitcoin::consensus::encode::deserialize(raw).map_err(|e| {
        Error::input(format!(
            "not a valid transaction ({}): check it is the whole signed transaction, in hex",
            describe_decode_error(&e)
        ))
    })
}

fn describe_decode_error(e: &bitcoin::consensus::encode::Error) -> String {
    use bitcoin::consensus::encode::Error as E;
    match e {
        E::Io(_) => "it ends too early".into(),
        other => other.to_string(),
    }
}

/// The virtual size of a serialised transaction.
pub fn vsize_of(raw: &[u8]) -> Result<u64> {
    Ok(decode_tx(raw)?.vsize() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;
    use bitcoin::{OutPoint, Weight};

    fn key(n: u8) -> PublicKey {
        crate::key::PrivateKey::from_bytes(&[n; 32])
            .unwrap()
            .public_key()
    }

    fn address(n: u8) -> Address {
        let p = crate::bitcoin::NetworkParams::BITCOIN;
        Address::from_public_key(&key(n), AddressType::P2wpkh, p).unwrap()
    }

    #[test]
    fn payees_keep_their_order_and_the_change_lands_anywhere_among_them() {
        let coin = Coin {
            outpoint: OutPoint::new(Txid::from_byte_array([1; 32]), 0),
            value: Amount::from_sat(1_000_000),
            script_pubkey: ScriptBuf::from_bytes(address(1).script_pubkey()),
            kind: AddressType::P2tr,
            path: DerivationPath::master(),
            compressed: true,
            prev_tx: None,
            confirmations: 1,
            height: 1,
        };
        let selection = Selection {
            coins: vec![coin],
            change: Some(Amount::from_sat(400_000)),
            fee: Amount::from_sat(1_000),
            weight: Weight::from_wu(800),
        };
        let payees: Vec<PayTo> = (2..5)
            .map(|n| PayTo {
                address: address(n),
                amount: Amount::from_sat(u64::from(n) * 100_000),
            })
            .collect();
        let change = ChangeOutput {
            address: address(9),
            path: DerivationPath::master(),
            public_key: key(9),
        };
        let parts = PsbtParts {
            selection: &selection,
            payees: &payees,
            change: &change,
            master_fingerprint: None,
        };
        let mut seen = [false; 4];
        for _ in 0..200 {
            let psbt = build_psbt(&parts, &[key(1)]).unwrap();
            let outs = &psbt.unsigned_tx.output;
            let change_spk = ScriptBuf::from_bytes(change.address.script_pubkey());
            let at = outs
                .iter()
                .position(|o| o.script_pubkey == change_spk)
                .unwrap();
            seen[at] = true;
            let rest: Vec<Amount> = outs
                .iter()
                .filter(|o| o.script_pubkey != change_spk)
                .map(|o| o.value)
                .collect();
            let want: Vec<Amount> = payees.iter().map(|p| p.amount).collect();
            assert_eq!(rest, want);
            // No fingerprint: no BIP32 origins anywhere.
            assert!(psbt.inputs[0].tap_key_origins.is_empty());
            assert!(psbt.outputs[at].bip32_derivation.is_empty());
        }
        assert_eq!(seen, [true; 4]);
    }
}
