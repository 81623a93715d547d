//! Tests of `psbt_v2`: the BIP370 vectors (testdata/vectors/bip370.json),
//! v0 ⇄ v2 round trips on the BIP174 vectors, signing a PSBTv2 for the anvil
//! mnemonic's P2WPKH key through the v0 signer, and every error variant.

use super::*;
use crate::bitcoin::{Address, AddressType, Chain, Network, NetworkParams};
use crate::hd::ExtendedPrivateKey;
use crate::mnemonic::Mnemonic;
use bitcoin::bip32;
use bitcoin::sighash::{EcdsaSighashType, SighashCache};
use serde_json::Value;
use std::str::FromStr;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/vectors/bip370.json"
));
const ANVIL: &str = "test test test test test test test test test test test junk";

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn cases<'a>(v: &'a Value, section: &str) -> &'a Vec<Value> {
    v[section].as_array().unwrap()
}

fn bytes(case: &Value) -> Vec<u8> {
    hex::decode(case["hex"].as_str().unwrap()).unwrap()
}

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key].as_str().unwrap()
}

/// The BIP field a vector's description names (the one the error must name).
fn named_field(description: &str) -> String {
    if description.contains("PSBT_GLOBAL_VERSION set to 2") {
        return "PSBT_GLOBAL_UNSIGNED_TX".into();
    }
    let start = description.find("PSBT_").unwrap();
    description[start..]
        .chars()
        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
        .collect()
}

#[test]
fn bip370_invalid_vectors_are_refused_precisely() {
    let v = vectors();
    for case in cases(&v, "invalid") {
        let d = text(case, "description");
        let b = bytes(case);
        let e = AnyPsbt::parse(&b).unwrap_err();
        assert_eq!(
            AnyPsbt::parse(text(case, "base64").as_bytes()).unwrap_err(),
            e
        );
        let msg = e.to_string();
        assert!(msg.contains(&named_field(d)), "{d}: {msg}");
        let expected =
            if d.starts_with("PSBTv0 but with PSBT_GLOBAL_VERSION") || d.contains("UNSIGNED_TX") {
                matches!(e, PsbtV2Error::Excluded { version: 2, .. })
            } else if d.starts_with("PSBTv0") {
                matches!(e, PsbtV2Error::Excluded { version: 0, .. })
            } else if d.contains("missing") {
                matches!(e, PsbtV2Error::Missing { version: 2, .. })
            } else if d.contains("TIME_LOCKTIME") {
                matches!(e, PsbtV2Error::TimeLocktime { input: 0, .. })
            } else {
                matches!(e, PsbtV2Error::HeightLocktime { input: 0, .. })
            };
        assert!(expected, "{d}: {e:?}");
    }
}

#[test]
fn bip370_valid_vectors_parse_and_round_trip() {
    let v = vectors();
    for case in cases(&v, "valid").iter().chain(cases(&v, "locktime")) {
        let d = text(case, "description");
        let b = bytes(case);
        assert_eq!(detect_version(&b).unwrap(), PsbtVersion::V2, "{d}");
        let p = PsbtV2::parse(text(case, "base64").as_bytes()).unwrap();
        assert_eq!(p.serialize(), b, "{d}");
        assert_eq!(p.to_base64(), text(case, "base64"));
        assert_eq!(AnyPsbt::parse(&b).unwrap(), AnyPsbt::V2(p.clone()));
        let upper = text(case, "hex").to_ascii_uppercase();
        assert_eq!(PsbtV2::parse(upper.as_bytes()).unwrap(), p);
        if p.lock_time().is_ok() {
            // Writing back an untouched v0 form changes nothing.
            assert_eq!(p.with_signed_v0(&p.to_v0().unwrap()).unwrap(), p, "{d}");
            let back = PsbtV2::from_v0(&p.to_v0().unwrap()).unwrap();
            assert_eq!(back.unsigned_tx().unwrap(), p.unsigned_tx().unwrap(), "{d}");
        }
    }
}

#[test]
fn bip370_fields_are_read() {
    let v = vectors();
    let all = cases(&v, "valid")
        .iter()
        .find(|c| text(c, "description").ends_with("with all PSBTv2 fields"))
        .unwrap();
    let p = PsbtV2::deserialize(&bytes(all)).unwrap();
    assert_eq!(p.tx_version(), transaction::Version::TWO);
    assert_eq!(p.fallback_locktime(), Some(absolute::LockTime::ZERO));
    assert_eq!(p.modifiable(), Some(TxModifiable(7)));
    let i = p.inputs()[0];
    assert_eq!(i.sequence, Some(Sequence(0xffff_fffe)));
    assert_eq!(
        i.required_time_locktime.unwrap().to_consensus_u32(),
        1_657_048_460
    );
    assert_eq!(
        i.required_height_locktime.unwrap().to_consensus_u32(),
        10_000
    );
    assert_eq!(p.outputs().len(), 2);
    assert_eq!(p.outputs()[0].value, Amount::from_sat(800_000_000));
    let flags = TxModifiable(7);
    assert!(flags.inputs_modifiable() && flags.outputs_modifiable() && flags.has_sighash_single());
    assert_eq!(flags.after_signature(0x01), TxModifiable(4));
    assert_eq!(flags.after_signature(0x82), TxModifiable(7));
    assert_eq!(TxModifiable(3).after_signature(0x83), TxModifiable(5));
    assert_eq!(p.unique_id().unwrap(), {
        let mut tx = p.unsigned_tx().unwrap();
        tx.input[0].sequence = Sequence::ZERO;
        tx.compute_txid()
    });
}

#[test]
fn bip370_lock_times() {
    let v = vectors();
    for case in cases(&v, "locktime") {
        let p = PsbtV2::deserialize(&bytes(case)).unwrap();
        let got = p.lock_time();
        match case["locktime"].as_u64() {
            Some(n) => assert_eq!(
                got.unwrap().to_consensus_u32() as u64,
                n,
                "{}",
                text(case, "description")
            ),
            None => assert_eq!(got.unwrap_err(), PsbtV2Error::LocktimeConflict),
        }
    }
}

fn bip174() -> Value {
    let path = format!(
        "{}/../testdata/vectors/bip174_psbt.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every PSBT of the BIP174 vectors: the invalid ones are refused as v0;
/// the others go v0 → v2 → v0 byte for byte.
#[test]
fn bip174_vectors_round_trip_through_v2() {
    let v = bip174();
    let mut round_trips = 0;
    let workflow = v["workflow"].as_array().unwrap().iter();
    for case in v["cases"].as_array().unwrap().iter().chain(workflow) {
        let Some(h) = case["hex"].as_str() else {
            continue;
        };
        let b = hex::decode(h).unwrap();
        if case["verdict"] == "invalid" {
            assert!(AnyPsbt::parse(&b).is_err(), "{}", case["description"]);
            continue;
        }
        if !b.starts_with(MAGIC) {
            continue; // an extracted network transaction
        }
        let v2 = PsbtV2::from_v0_bytes(&b).unwrap();
        assert_eq!(v2.to_v0_bytes().unwrap(), b, "{h}");
        let v0 = parse_v0(&b).unwrap();
        assert_eq!(v2.to_v0().unwrap(), v0);
        assert_eq!(PsbtV2::from_v0(&v0).unwrap().to_v0().unwrap(), v0);
        let any = AnyPsbt::V0(v0.clone()).to_version(PsbtVersion::V2).unwrap();
        assert_eq!(any.to_version(PsbtVersion::V0).unwrap(), AnyPsbt::V0(v0));
        round_trips += 1;
    }
    assert_eq!(round_trips, 24);
}

fn regtest() -> NetworkParams {
    NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap()
}

fn anvil_master() -> ExtendedPrivateKey {
    ExtendedPrivateKey::from_seed(&Mnemonic::parse(ANVIL).unwrap().to_seed("")).unwrap()
}

const PATH: &str = "m/84'/1'/0'/0/0";

/// A PSBTv2 spending a (made-up) output paid to the anvil mnemonic's first
/// BIP84 regtest address, with inputs and outputs still modifiable.
fn anvil_v2() -> (PsbtV2, TxOut) {
    let m = anvil_master();
    let key = m.derive_path(&PATH.parse().unwrap()).unwrap();
    let pk = *key.to_xpub().public_key();
    let spk = Address::from_public_key(&pk, AddressType::P2wpkh, regtest())
        .unwrap()
        .script_pubkey();
    let utxo = TxOut {
        value: Amount::from_sat(50_000),
        script_pubkey: ScriptBuf::from_bytes(spk),
    };
    let funding = Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([0x11; 32]), 0),
            ..TxIn::default()
        }],
        output: vec![utxo.clone()],
    };
    let spend = Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(funding.compute_txid(), 0),
            sequence: Sequence(0xffff_fffd),
            ..TxIn::default()
        }],
        output: vec![TxOut {
            value: Amount::from_sat(49_000),
            script_pubkey: ScriptBuf::from_bytes(
                vec![0x00, 0x14].into_iter().chain([0x22; 20]).collect(),
            ),
        }],
    };
    let mut p = Psbt::from_unsigned_tx(spend).unwrap();
    p.inputs[0].non_witness_utxo = Some(funding);
    p.inputs[0].witness_utxo = Some(utxo.clone());
    let secp_pk = bitcoin::secp256k1::PublicKey::from_slice(&pk.to_compressed()).unwrap();
    p.inputs[0].bip32_derivation.insert(
        secp_pk,
        (
            bip32::Fingerprint::from(m.fingerprint().0),
            bip32::DerivationPath::from_str(PATH).unwrap(),
        ),
    );
    let v2 = PsbtV2::from_v0(&p)
        .unwrap()
        .with_modifiable(TxModifiable(3));
    (v2, utxo)
}

fn raw_of(p: &PsbtV2) -> Raw {
    read_raw(&p.serialize()).unwrap().0
}

/// Signing a v2 PSBT yields a v2 PSBT whose only changes are the signature
/// pair appended to the input and the modifiable flags BIP370's signer must
/// clear; finalized, it is a valid transaction.
#[test]
fn sign_v2_through_the_v0_signer() {
    let (v2, utxo) = anvil_v2();
    let ring = KeyRing::from_master(anvil_master(), regtest(), 2).unwrap();
    let (signed, report) = sign(&v2, &ring, AuxRand::Fixed([0; 32])).unwrap();
    assert_eq!(report.signed, 1, "{:?}", report.inputs);
    assert_eq!(
        detect_version(&signed.serialize()).unwrap(),
        PsbtVersion::V2
    );
    let (before, after) = (raw_of(&v2), raw_of(&signed));
    assert_eq!(after.outputs, before.outputs);
    let (sig, kept) = after.inputs[0].split_last().unwrap();
    assert_eq!(kept, &before.inputs[0][..]);
    assert_eq!(sig.key_type(), (0x02, true));
    let strip = |m: &Map| -> Map {
        m.iter()
            .filter(|p| !p.is(GLOBAL_TX_MODIFIABLE))
            .cloned()
            .collect()
    };
    assert_eq!(strip(&after.global), strip(&before.global));
    assert_eq!(signed.modifiable(), Some(TxModifiable(0)));

    let (finalized, done) = finalize(&signed).unwrap();
    assert_eq!(done, 1);
    assert_eq!(
        detect_version(&finalized.serialize()).unwrap(),
        PsbtVersion::V2
    );
    let tx: Transaction = bitcoin::consensus::deserialize(&extract(&finalized).unwrap()).unwrap();
    assert_eq!(tx.lock_time, v2.lock_time().unwrap());
    assert_eq!(tx.compute_txid(), v2.unsigned_tx().unwrap().compute_txid());
    verify_p2wpkh(&tx, &utxo);
}

/// Checks the witness signature of input 0 against its BIP143 sighash.
fn verify_p2wpkh(tx: &Transaction, utxo: &TxOut) {
    let w = &tx.input[0].witness;
    assert_eq!(w.len(), 2);
    let sig = bitcoin::ecdsa::Signature::from_slice(w.nth(0).unwrap()).unwrap();
    let pk = bitcoin::secp256k1::PublicKey::from_slice(w.nth(1).unwrap()).unwrap();
    let sighash = SighashCache::new(tx)
        .p2wpkh_signature_hash(0, &utxo.script_pubkey, utxo.value, EcdsaSighashType::All)
        .unwrap();
    let msg = bitcoin::secp256k1::Message::from_digest(sighash.to_byte_array());
    bitcoin::secp256k1::Secp256k1::verification_only()
        .verify_ecdsa(&msg, &sig.signature, &pk)
        .unwrap();
}

/// Replaces the first `from` in `hex_text` by `to`.
fn patch(hex_text: &str, from: &str, to: &str) -> Vec<u8> {
    assert!(hex_text.contains(from), "{from}");
    hex::decode(hex_text.replacen(from, to, 1)).unwrap()
}

fn required_only() -> String {
    let v = vectors();
    let c = cases(&v, "valid")
        .iter()
        .find(|c| text(c, "description").ends_with("required fields only."))
        .unwrap()
        .clone();
    text(&c, "hex").to_owned()
}

/// One input per variant not reached by the vectors; every kind survives
/// the conversion into `crate::Error`.
#[test]
fn every_error_variant() {
    let h = required_only();
    let b = hex::decode(&h).unwrap();
    let v0 = {
        let v = bip174();
        let c = &v["cases"].as_array().unwrap()[20];
        hex::decode(c["hex"].as_str().unwrap()).unwrap()
    };
    let (v2, _) = anvil_v2();
    let errs = [
        decode_text(b"\xff\xfe").unwrap_err(),
        decode_text(b"!!!").unwrap_err(),
        PsbtV2::deserialize(b"psbx\xff\x00").unwrap_err(),
        PsbtV2::deserialize(&b[..b.len() - 3]).unwrap_err(),
        PsbtV2::deserialize(&[b.as_slice(), &[0]].concat()).unwrap_err(),
        PsbtV2::deserialize(&patch(&h, "70736274ff01", "70736274fffd0100")).unwrap_err(),
        PsbtV2::deserialize(&patch(&h, "70736274ff", "70736274ff01020402000000")).unwrap_err(),
        PsbtV2::deserialize(&v0).unwrap_err(),
        parse_v0(&b).unwrap_err(),
        PsbtV2::deserialize(&patch(&h, "01fb0402000000", "01fb0403000000")).unwrap_err(),
        PsbtV2::deserialize(&patch(&h, "70736274ff010204", "70736274ff0202ff04")).unwrap_err(),
        PsbtV2::deserialize(&patch(
            &h,
            "70736274ff01020402000000",
            "70736274ff010203020000",
        ))
        .unwrap_err(),
        PsbtV2::deserialize(&patch(
            &h,
            "0103080008af2f00000000",
            "010308ffffffffffffffff",
        ))
        .unwrap_err(),
        PsbtV2::deserialize(&patch(&h, "010f040000000000", "010f0400000000020200010000"))
            .unwrap_err(),
        v2.with_signed_v0(&parse_v0(&v0).unwrap()).unwrap_err(),
    ];
    let names = [
        "Encoding",
        "Encoding",
        "NotPsbt",
        "Truncated",
        "TrailingData",
        "NonCanonical",
        "DuplicateKey",
        "WrongVersion",
        "WrongVersion",
        "UnsupportedVersion",
        "KeyData",
        "Length",
        "NegativeAmount",
        "Bip174",
        "TransactionChanged",
    ];
    for (e, name) in errs.iter().zip(names) {
        assert!(format!("{e:?}").starts_with(name), "{name}: {e:?}");
        assert_eq!(Error::from(e.clone()).kind(), e.kind(), "{e:?}");
    }
    assert_eq!(errs[9].kind(), ErrorKind::UnknownVersion);
}

/// Truncations and bit flips of a valid PSBTv2 never panic.
#[test]
fn hostile_bytes_do_not_panic() {
    let b = hex::decode(required_only()).unwrap();
    for cut in 0..b.len() {
        let _ = AnyPsbt::parse(&b[..cut]);
    }
    for i in 0..b.len() {
        let mut x = b.clone();
        x[i] ^= 0xff;
        let _ = AnyPsbt::parse(&x);
    }
}
