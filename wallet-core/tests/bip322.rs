//! BIP322 against the BIP's own vectors (testdata/vectors/bip322.json),
//! against bip322-js (an independent implementation, when installed), and
//! every error the module reports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bitcoin::base64::engine::general_purpose::STANDARD as B64;
use bitcoin::base64::Engine;
use bitcoin::{absolute::LockTime, transaction::Version, ScriptBuf, Sequence, Transaction};
use serde_json::Value;
use std::path::PathBuf;
use wallet_core::bitcoin::bip322::{
    self, Bip322Error, Format, ScriptFailure, SignOptions, TimeLocks,
};
use wallet_core::bitcoin::{Address, AddressType, Chain, Network, NetworkParams, Wif};
use wallet_core::key::PrivateKey;
use wallet_core::schnorr::AuxRand;
use wallet_core::ErrorKind;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vectors() -> Value {
    let p = root().join("testdata/vectors/bip322.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn rows<'a>(v: &'a Value, section: &str, kind: &str) -> &'a [Value] {
    v[section][kind].as_array().unwrap()
}

fn btc(s: &str) -> Address {
    Address::parse(s, NetworkParams::BITCOIN).unwrap()
}

fn key(wif: &str) -> PrivateKey {
    Wif::decode(wif).unwrap().key
}

fn text<'a>(row: &'a Value, field: &str) -> &'a str {
    row[field].as_str().unwrap()
}

fn sigs(row: &Value) -> Vec<&str> {
    row["bip322_signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

/// The scripts this verifier evaluates; the vectors' time-lock scripts are
/// beyond its templates.
fn evaluable(ty: &str) -> bool {
    !ty.contains("time-lock")
}

#[test]
fn message_hashes_and_virtual_transactions() {
    let v = vectors();
    for row in rows(&v, "basic", "tx_hashes") {
        let msg = text(row, "message").as_bytes();
        assert_eq!(
            hex::encode(bip322::message_hash(msg)),
            text(row, "message_hash")
        );
        let spk = ScriptBuf::from(btc(text(row, "address")).script_pubkey());
        let spend = bip322::to_spend(&spk, msg);
        assert_eq!(
            spend.compute_txid().to_string(),
            text(row, "to_spend_tx_hash")
        );
        let sign = bip322::to_sign(spend.compute_txid(), TimeLocks::NONE);
        assert_eq!(
            sign.compute_txid().to_string(),
            text(row, "to_sign_tx_hash")
        );
    }
}

#[test]
fn simple_vectors_verify_and_ecdsa_ones_sign_identically() {
    let v = vectors();
    let all: Vec<&Value> = ["basic", "generated"]
        .iter()
        .flat_map(|s| rows(&v, s, "simple"))
        .collect();
    assert_eq!(all.len(), 8);
    for row in all {
        let (addr, msg, ty) = (
            btc(text(row, "address")),
            text(row, "message"),
            text(row, "type"),
        );
        for sig in sigs(row) {
            let ok = bip322::verify(&addr, msg.as_bytes(), sig).unwrap();
            assert_eq!(ok.format, Format::Simple, "{ty}");
        }
        let keys = row["private_keys"].as_array().unwrap();
        if keys.len() != 1 {
            continue;
        }
        let k = key(keys[0].as_str().unwrap());
        let mine = bip322::sign(&k, &addr, msg.as_bytes(), Format::Simple).unwrap();
        bip322::verify(&addr, msg.as_bytes(), &mine).unwrap();
        if ty == "p2wpkh" {
            // RFC 6979: the vectors' ungrinded signature is ours byte for byte.
            assert!(sigs(row).contains(&mine.as_str()), "{ty} {msg}: {mine}");
        }
    }
}

fn vector_locks(row: &Value) -> TimeLocks {
    TimeLocks {
        version: Version(row["tx_version"].as_i64().unwrap() as i32),
        lock_time: LockTime::from_consensus(row["lock_time"].as_u64().unwrap() as u32),
        sequence: Sequence(row["sequence"].as_u64().unwrap() as u32),
    }
}

#[test]
fn full_vectors_verify_and_ecdsa_ones_sign_identically() {
    let v = vectors();
    for row in rows(&v, "generated", "full") {
        let (addr, msg, ty) = (
            btc(text(row, "address")),
            text(row, "message"),
            text(row, "type"),
        );
        let sig = sigs(row)[0];
        let got = bip322::verify(&addr, msg.as_bytes(), sig);
        if !evaluable(ty) {
            let e = got.unwrap_err();
            assert!(
                matches!(e, Bip322Error::CannotEvaluate { input: 0, .. }),
                "{ty}: {e}"
            );
            assert_eq!(e.kind(), ErrorKind::Unsupported);
            assert!(e.to_string().contains("cannot evaluate this script"), "{e}");
            continue;
        }
        let ok = got.unwrap_or_else(|e| panic!("{ty}: {e}"));
        let locks = vector_locks(row);
        assert_eq!(
            (ok.format, ok.lock_time, ok.sequence),
            (Format::Full, locks.lock_time, locks.sequence)
        );
        let keys = row["private_keys"].as_array().unwrap();
        if keys.len() != 1 {
            continue;
        }
        let options = SignOptions {
            time_locks: locks,
            ..SignOptions::default()
        };
        let k = key(keys[0].as_str().unwrap());
        let mine = bip322::sign_with(&k, &addr, msg.as_bytes(), Format::Full, &options).unwrap();
        bip322::verify(&addr, msg.as_bytes(), &mine).unwrap();
        if ty != "p2tr" {
            assert_eq!(mine, sig, "{ty}");
        }
    }
}

#[test]
fn proof_of_funds_vectors_verify() {
    let v = vectors();
    for row in rows(&v, "generated", "proof_of_funds") {
        let (addr, msg) = (btc(text(row, "address")), text(row, "message"));
        let ok = bip322::verify(&addr, msg.as_bytes(), sigs(row)[0]).unwrap();
        assert_eq!(ok.format, Format::ProofOfFunds);
        assert_eq!(ok.lock_time, vector_locks(row).lock_time);
        let want: Vec<(String, u64)> = row["additional_inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|group| group.as_array().unwrap())
            .map(|i| {
                (
                    i["pk_script"].as_str().unwrap().to_owned(),
                    i["value"].as_u64().unwrap(),
                )
            })
            .collect();
        let got: Vec<(String, u64)> = ok
            .proven
            .iter()
            .map(|(_, out)| (out.script_pubkey.to_hex_string(), out.value.to_sat()))
            .collect();
        assert_eq!(got, want);
    }
}

#[test]
fn error_vectors_fail_with_their_reason() {
    let v = vectors();
    let all: Vec<&Value> = ["basic", "generated"]
        .iter()
        .flat_map(|s| rows(&v, s, "error"))
        .collect();
    assert_eq!(all.len(), 36);
    for row in all {
        let (addr, msg) = (btc(text(row, "address")), text(row, "message"));
        let e = bip322::verify(&addr, msg.as_bytes(), text(row, "signature")).unwrap_err();
        let substr = text(row, "error_substr");
        assert!(
            e.to_string().contains(substr),
            "{}: {e}",
            text(row, "description")
        );
        let kind = if substr == "invalid signature" {
            ErrorKind::BadSignature
        } else {
            ErrorKind::InvalidInput
        };
        assert_eq!(e.kind(), kind, "{}", text(row, "description"));
        assert_eq!(wallet_core::Error::from(e).kind(), kind);
    }
}

const WIF_A: &str = "L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k";
const WIF_B: &str = "KySmn2yeCukjHXnSu3M6vX7tNok4weu1FKbNEuVvm2b3ZidKhB4L";

fn address_of(k: &PrivateKey, kind: AddressType, params: NetworkParams) -> Address {
    Address::from_public_key(&k.public_key(), kind, params).unwrap()
}

/// Each (type, format) a single key signs.
const SIGNABLE: [(AddressType, Format); 7] = [
    (AddressType::P2pkh, Format::Legacy),
    (AddressType::P2pkh, Format::Full),
    (AddressType::P2shP2wpkh, Format::Full),
    (AddressType::P2wpkh, Format::Simple),
    (AddressType::P2wpkh, Format::Full),
    (AddressType::P2tr, Format::Simple),
    (AddressType::P2tr, Format::Full),
];

#[test]
fn tampered_message_address_or_signature_is_bad_signature() {
    let (a, b) = (key(WIF_A), key(WIF_B));
    for params in [NetworkParams::BITCOIN, ltc()] {
        for (kind, format) in SIGNABLE {
            let addr = address_of(&a, kind, params);
            let sig = bip322::sign(&a, &addr, b"tamper me", format).unwrap();
            assert_eq!(bip322::detect_format(&sig).unwrap(), format);
            assert_eq!(
                bip322::verify(&addr, b"tamper me", &sig).unwrap().format,
                format
            );
            let e = bip322::verify(&addr, b"tamper me!", &sig).unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::BadSignature,
                "{kind} {format} message: {e}"
            );
            let other = address_of(&b, kind, params);
            let e = bip322::verify(&other, b"tamper me", &sig).unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::BadSignature,
                "{kind} {format} address: {e}"
            );
            let e = bip322::verify(&addr, b"tamper me", &flip_signature_byte(&sig, format))
                .unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::BadSignature,
                "{kind} {format} signature: {e}"
            );
            assert_eq!(wallet_core::Error::from(e).kind(), ErrorKind::BadSignature);
        }
    }
}

fn ltc() -> NetworkParams {
    NetworkParams::new(Chain::Litecoin, Network::Mainnet).unwrap()
}

/// Changes one byte inside the cryptographic signature, keeping the
/// encoding valid.
fn flip_signature_byte(sig: &str, format: Format) -> String {
    match format {
        Format::Legacy => {
            let mut raw = B64.decode(sig).unwrap();
            raw[20] ^= 1;
            B64.encode(raw)
        }
        Format::Simple => {
            let mut w = decode_witness(sig);
            w[0][10] ^= 1;
            encode_witness(&w)
        }
        _ => {
            let mut tx = decode_full(sig);
            let input = &mut tx.input[0];
            if input.witness.is_empty() {
                let mut bytes = input.script_sig.to_bytes();
                bytes[10] ^= 1;
                input.script_sig = ScriptBuf::from(bytes);
            } else {
                let mut w: Vec<Vec<u8>> = input.witness.to_vec();
                w[0][10] ^= 1;
                input.witness = bitcoin::Witness::from_slice(&w);
            }
            encode_full(&tx)
        }
    }
}

fn decode_witness(sig: &str) -> Vec<Vec<u8>> {
    let w: bitcoin::Witness =
        bitcoin::consensus::deserialize(&B64.decode(sig.trim_start_matches("smp")).unwrap())
            .unwrap();
    w.to_vec()
}

fn encode_witness(items: &[Vec<u8>]) -> String {
    let w = bitcoin::Witness::from_slice(items);
    format!("smp{}", B64.encode(bitcoin::consensus::serialize(&w)))
}

fn decode_full(sig: &str) -> Transaction {
    bitcoin::consensus::deserialize(&B64.decode(sig.trim_start_matches("ful")).unwrap()).unwrap()
}

fn encode_full(tx: &Transaction) -> String {
    format!("ful{}", B64.encode(bitcoin::consensus::serialize(tx)))
}

#[test]
fn litecoin_signatures_are_litecoin_addresses_own() {
    let a = key(WIF_A);
    for (kind, format) in SIGNABLE {
        let addr = address_of(&a, kind, ltc());
        let sig = bip322::sign(&a, &addr, b"litecoin", format).unwrap();
        bip322::verify(&addr, b"litecoin", &sig).unwrap();
        // Only the legacy format has a chain-specific hash (BIP137's magic):
        // the same signature for the same script on Bitcoin does not verify.
        let on_btc = address_of(&a, kind, NetworkParams::BITCOIN);
        let there = bip322::verify(&on_btc, b"litecoin", &sig);
        assert_eq!(there.is_ok(), format != Format::Legacy, "{kind} {format}");
    }
}

#[test]
fn unprefixed_signatures_verify_as_before_bip322_2() {
    let a = key(WIF_A);
    let options = SignOptions {
        prefix: false,
        ..SignOptions::default()
    };
    for (kind, format) in SIGNABLE {
        let addr = address_of(&a, kind, NetworkParams::BITCOIN);
        let sig = bip322::sign_with(&a, &addr, b"bare", format, &options).unwrap();
        assert!(!sig.starts_with("smp") && !sig.starts_with("ful"), "{sig}");
        if format == Format::Full {
            // A bare full signature reads as a (wrong) simple one.
            assert!(bip322::verify(&addr, b"bare", &sig).is_err());
        } else {
            assert_eq!(bip322::verify(&addr, b"bare", &sig).unwrap().format, format);
        }
    }
}

#[test]
fn taproot_signature_with_fixed_aux_is_deterministic() {
    let a = key(WIF_A);
    let addr = address_of(&a, AddressType::P2tr, NetworkParams::BITCOIN);
    let options = SignOptions {
        aux: AuxRand::Fixed([7; 32]),
        ..SignOptions::default()
    };
    let one = bip322::sign_with(&a, &addr, b"aux", Format::Simple, &options).unwrap();
    let two = bip322::sign_with(&a, &addr, b"aux", Format::Simple, &options).unwrap();
    assert_eq!(one, two);
    assert_eq!(
        decode_witness(&one)[0].len(),
        64,
        "SIGHASH_DEFAULT: no sighash byte"
    );
}

#[path = "bip322/errors.rs"]
mod errors;
#[path = "bip322/interop.rs"]
mod interop;
