//! Signs a PSBT offline with a wallet's key: a P2WPKH coin (its previous
//! transaction included, as the signer requires for segwit v0 inputs) paid
//! to another address, reviewed (outputs and fee) before signing, then
//! finalized into a network transaction.
//!
//!   cargo run -p wallet-core --example sign_psbt

use wallet_core::bitcoin::psbt::{self, KeyRing, SignOptions};
use wallet_core::bitcoin::{Address, AddressType, NetworkParams};
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::mnemonic::Mnemonic;
use wallet_core::rust_bitcoin::{
    absolute::LockTime, transaction::Version, Amount, OutPoint, ScriptBuf, Sequence, Transaction,
    TxIn, TxOut, Witness,
};

fn main() -> Result<(), wallet_core::Error> {
    let params = NetworkParams::BITCOIN;
    let mnemonic = Mnemonic::parse("test test test test test test test test test test test junk")?;
    let master = ExtendedPrivateKey::from_seed(&mnemonic.to_seed(""))?;
    let ring = KeyRing::from_master(master.clone(), params, 20)?;
    // The coin: output 0 of a transaction paying our first P2WPKH address.
    let key = master.derive_path(&"m/84'/0'/0'/0/0".parse()?)?;
    let ours =
        Address::from_public_key(&key.private_key().public_key(), AddressType::P2wpkh, params)?;
    let funding = Transaction {
        version: Version::TWO,
        lock_time: LockTime::ZERO,
        input: vec![TxIn::default()],
        output: vec![TxOut {
            value: Amount::from_sat(100_000),
            script_pubkey: ScriptBuf::from_bytes(ours.script_pubkey()),
        }],
    };
    let payee = Address::parse("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", params)?;
    let spend = Transaction {
        version: Version::TWO,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: funding.compute_txid(),
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(99_000),
            script_pubkey: ScriptBuf::from_bytes(payee.script_pubkey()),
        }],
    };
    let mut p = wallet_core::rust_bitcoin::Psbt::from_unsigned_tx(spend)
        .map_err(|e| wallet_core::Error::Internal(e.to_string()))?;
    p.inputs[0].witness_utxo = Some(funding.output[0].clone());
    p.inputs[0].non_witness_utxo = Some(funding);
    let review = psbt::review(&p, &ring, params)?;
    for o in &review.outputs {
        println!(
            "pays {} sat to {:?} (change: {})",
            o.amount.to_sat(),
            o.address,
            o.change
        );
    }
    review.check_fee(false)?;
    let opts = SignOptions {
        network: Some(params),
        ..SignOptions::default()
    };
    let report = psbt::sign_with(&mut p, &ring, &opts)?;
    println!("signed {} input(s), fee {:?}", report.signed, report.fee);
    psbt::finalize(&mut p)?;
    println!("{}", hex::encode(psbt::extract(&p)?));
    Ok(())
}
