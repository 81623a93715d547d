//! Descriptors and PSBTv2 against a real node: litecoind (Litecoin Core 0.21)
//! on regtest reads the descriptors this SDK writes — the same checksums
//! (`getdescriptorinfo`) and the same addresses (`deriveaddresses`) — for
//! each of the four account types. Skips with a note when litecoind is not
//! installed, unless WALLET_REQUIRE_DEVNET is set (then it fails).
//!
//! Litecoin Core 0.21 predates BIP389 multipath and `tr()` descriptors: for
//! those it still computes the checksum (it reports it when the given one is
//! wrong, before reading the functions), and the taproot addresses are
//! checked with `validateaddress` (BIP86's own vectors check their derivation).
//!
//! PSBTv2: a version 2 PSBT spending a regtest coinbase paid to the anvil
//! mnemonic's first BIP84 address is signed by the SDK (through its v0
//! signer), finalized and extracted; the node's `testmempoolaccept` takes it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use wallet_testkit as common;

use bitcoin::psbt::Psbt;
use bitcoin::{Amount, OutPoint, Sequence, Transaction, TxIn, TxOut, Txid};
use serde_json::{json, Value};
use std::str::FromStr;
use wallet_core::bitcoin::descriptor::{AccountDescriptor, Keychain, Keychains};
use wallet_core::bitcoin::psbt::KeyRing;
use wallet_core::bitcoin::psbt_v2::{self, PsbtV2, PsbtVersion, TxModifiable};
use wallet_core::bitcoin::{Address, AddressType, Chain, Network, NetworkParams};
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::mnemonic::Mnemonic;
use wallet_core::schnorr::AuxRand;

fn regtest() -> NetworkParams {
    NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap()
}

fn master_of(phrase: &str) -> ExtendedPrivateKey {
    let m = Mnemonic::parse(phrase).unwrap();
    ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap()
}

fn master() -> ExtendedPrivateKey {
    master_of(common::ABANDON)
}

fn split(descriptor: &str) -> (&str, &str) {
    descriptor.split_once('#').unwrap()
}

/// The checksum litecoind computes for `payload`, read from its answer to a
/// deliberately wrong one (this works for descriptors it cannot parse).
fn node_checksum(node: &common::Node, payload: &str) -> String {
    let v = node.rpc_raw("getdescriptorinfo", json!([format!("{payload}#qqqqqqqq")]));
    let msg = v["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let tail = msg
        .split("computed checksum '")
        .nth(1)
        .unwrap_or_else(|| panic!("no computed checksum in {v}"));
    tail.trim_end_matches('\'').to_owned()
}

fn our_addresses(d: &AccountDescriptor, keychain: Keychain, n: u32) -> Vec<String> {
    d.addresses(keychain, 0, n)
        .unwrap()
        .into_iter()
        .map(|a| a.address)
        .collect()
}

/// One chain's descriptor: litecoind agrees on the checksum, reads it as a
/// public ranged descriptor, and derives our addresses.
fn check_chain(node: &common::Node, d: &AccountDescriptor, keychain: Keychain) {
    let text = d.to_descriptor(Keychains::Only(keychain)).unwrap();
    let (payload, sum) = split(&text);
    assert_eq!(node_checksum(node, payload), sum, "{text}");
    if d.kind() == AddressType::P2tr {
        return check_taproot_addresses(node, d, keychain);
    }
    let info = node.rpc("getdescriptorinfo", json!([text]));
    assert_eq!(info["checksum"], sum, "{info}");
    assert_eq!(info["isrange"], true);
    assert_eq!(info["hasprivatekeys"], false);
    // The node's normal form (' for hardened) reads back as the same account.
    let normal = info["descriptor"].as_str().unwrap();
    let mine = AccountDescriptor::parse(&text, regtest()).unwrap();
    assert_eq!(AccountDescriptor::parse(normal, regtest()).unwrap(), mine);
    let got = node.rpc("deriveaddresses", json!([text, [0, 5]]));
    let got: Vec<String> = serde_json::from_value(got).unwrap();
    assert_eq!(got, our_addresses(d, keychain, 6), "{text}");
}

fn check_taproot_addresses(node: &common::Node, d: &AccountDescriptor, keychain: Keychain) {
    for a in our_addresses(d, keychain, 3) {
        let v: Value = node.rpc("validateaddress", json!([a]));
        assert_eq!(v["isvalid"], true, "{v}");
        assert_eq!(v["witness_version"], 1, "{v}");
    }
}

#[test]
fn litecoind_reads_our_descriptors() {
    let Some(node) = common::Node::litecoind() else {
        return;
    };
    let m = master();
    for kind in AddressType::ALL {
        let d = AccountDescriptor::from_master(&m, kind, regtest(), 0).unwrap();
        for keychain in [Keychain::External, Keychain::Internal] {
            check_chain(&node, &d, keychain);
        }
        let multi = d.to_descriptor(Keychains::Both).unwrap();
        let (payload, sum) = split(&multi);
        assert_eq!(node_checksum(&node, payload), sum, "{multi}");
        let private = d.to_private_descriptor(&m, Keychains::Both).unwrap();
        let (payload, sum) = split(private.expose());
        assert_eq!(node_checksum(&node, payload), sum);
    }
}

#[test]
fn litecoind_private_descriptor_is_the_same_account() {
    let Some(node) = common::Node::litecoind() else {
        return;
    };
    let m = master();
    let d = AccountDescriptor::from_master(&m, AddressType::P2wpkh, regtest(), 0).unwrap();
    let private = d
        .to_private_descriptor(&m, Keychains::Only(Keychain::External))
        .unwrap();
    let info = node.rpc("getdescriptorinfo", json!([private.expose()]));
    assert_eq!(info["hasprivatekeys"], true);
    assert_eq!(info["checksum"], split(private.expose()).1);
    let public = info["descriptor"].as_str().unwrap();
    let back = AccountDescriptor::parse(public, regtest()).unwrap();
    assert_eq!(back.xpub(), d.xpub());
    assert_eq!(back.origin(), d.origin());
    let got = node.rpc("deriveaddresses", json!([private.expose(), [0, 2]]));
    let got: Vec<String> = serde_json::from_value(got).unwrap();
    assert_eq!(got, our_addresses(&d, Keychain::External, 3));
}

fn spk(address: &str) -> bitcoin::ScriptBuf {
    let a = Address::parse(address, regtest()).unwrap();
    bitcoin::ScriptBuf::from_bytes(a.script_pubkey())
}

/// A v0 PSBT spending output 0 of `prev` (paid to `from`, whose BIP32
/// origin is given) to `to`, less a fee.
fn spend_psbt(
    prev: Transaction,
    from: &wallet_core::account::DerivedAddress,
    fp: [u8; 4],
    to: &str,
) -> Psbt {
    let utxo = prev.output[0].clone();
    let spend = Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(prev.compute_txid(), 0),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            ..TxIn::default()
        }],
        output: vec![TxOut {
            value: utxo.value - Amount::from_sat(100_000),
            script_pubkey: spk(to),
        }],
    };
    let mut p = Psbt::from_unsigned_tx(spend).unwrap();
    p.inputs[0].non_witness_utxo = Some(prev);
    p.inputs[0].witness_utxo = Some(utxo);
    let pk = bitcoin::secp256k1::PublicKey::from_slice(&from.public_key.to_compressed()).unwrap();
    let path = bitcoin::bip32::DerivationPath::from_str(&from.path.to_string()).unwrap();
    p.inputs[0]
        .bip32_derivation
        .insert(pk, (bitcoin::bip32::Fingerprint::from(fp), path));
    p
}

#[test]
fn litecoind_accepts_a_signed_psbt_v2() {
    let Some(node) = common::Node::litecoind() else {
        return;
    };
    let m = master_of(common::ANVIL_MNEMONIC);
    let d = AccountDescriptor::from_master(&m, AddressType::P2wpkh, regtest(), 0).unwrap();
    let from = d.addresses(Keychain::External, 0, 1).unwrap().remove(0);
    let sink = d
        .addresses(Keychain::Internal, 0, 1)
        .unwrap()
        .remove(0)
        .address;
    let hashes = node.rpc("generatetoaddress", json!([1, from.address]));
    node.rpc("generatetoaddress", json!([100, sink]));
    let block = node.rpc("getblock", json!([hashes[0], 1]));
    let cb: Txid = block["tx"][0].as_str().unwrap().parse().unwrap();
    let raw = node.rpc("getrawtransaction", json!([cb.to_string(), false]));
    let prev: Transaction =
        bitcoin::consensus::deserialize(&hex::decode(raw.as_str().unwrap()).unwrap()).unwrap();

    let v0 = spend_psbt(prev, &from, m.fingerprint().0, &sink);
    let v2 = PsbtV2::from_v0(&v0)
        .unwrap()
        .with_modifiable(TxModifiable(3));
    let text = v2.to_base64();
    let v2 = PsbtV2::parse(text.as_bytes()).unwrap();
    let ring = KeyRing::from_master(m, regtest(), 1).unwrap();
    let (signed, report) = psbt_v2::sign(&v2, &ring, AuxRand::Random).unwrap();
    assert_eq!(report.signed, 1, "{:?}", report.inputs);
    assert_eq!(
        psbt_v2::detect_version(&signed.serialize()).unwrap(),
        PsbtVersion::V2
    );
    let (finalized, done) = psbt_v2::finalize(&signed).unwrap();
    assert_eq!(done, 1);
    let tx = psbt_v2::extract(&finalized).unwrap();
    let accept = node.rpc("testmempoolaccept", json!([[hex::encode(&tx)]]));
    assert_eq!(accept[0]["allowed"], true, "{accept}");
}
