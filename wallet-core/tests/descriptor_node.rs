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

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests/common/mod.rs"]
mod common;

use serde_json::{json, Value};
use wallet_core::bitcoin::descriptor::{AccountDescriptor, Keychain, Keychains};
use wallet_core::bitcoin::{AddressType, Chain, Network, NetworkParams};
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::mnemonic::Mnemonic;

fn regtest() -> NetworkParams {
    NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap()
}

fn master() -> ExtendedPrivateKey {
    let m = Mnemonic::parse(common::ABANDON).unwrap();
    ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap()
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
