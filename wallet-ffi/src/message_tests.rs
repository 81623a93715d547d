//! Message signing and verification through the C ABI: BIP137 and BIP322
//! signatures of a wallet's keys verify (and a changed message does not),
//! unknown schemes and formats a type cannot carry are statuses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::keystore::*;
use crate::sign::*;
use crate::status::WalletStatus;
use crate::test_support::{dev_wallet as wallet, take_string};
use std::ffi::{c_char, CString};

/// Takes ownership of a (non-null) library string.
fn take(p: *mut c_char) -> String {
    take_string(p).unwrap()
}

fn sign(w: *mut WalletHandle, req: &str, msg: &[u8]) -> (WalletStatus, Option<serde_json::Value>) {
    let req = CString::new(req).unwrap();
    let mut out = std::ptr::null_mut();
    // SAFETY: live handle, valid buffers.
    let st = unsafe { wallet_sign_message(w, req.as_ptr(), msg.as_ptr(), msg.len(), &mut out) };
    let v = (!out.is_null()).then(|| serde_json::from_str(&take(out)).unwrap());
    (st, v)
}

fn verify(req: &serde_json::Value, msg: &[u8]) -> (WalletStatus, Option<serde_json::Value>) {
    let req = CString::new(req.to_string()).unwrap();
    let mut out = std::ptr::null_mut();
    // SAFETY: valid buffers.
    let st = unsafe { wallet_verify_message(req.as_ptr(), msg.as_ptr(), msg.len(), &mut out) };
    let v = (!out.is_null()).then(|| serde_json::from_str(&take(out)).unwrap());
    (st, v)
}

#[test]
fn bip137_and_bip322_signatures_verify_and_changed_messages_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(dir.path());
    let cases = [
        ("btc", "p2wpkh", "bip137", "bip137", "legacy"),
        ("btc", "p2tr", "bip322", "simple", "simple"),
        ("ltc", "p2sh-p2wpkh", "bip322", "full", "full"),
        ("btc", "p2pkh", "bip322-legacy", "legacy", "legacy"),
        ("ltc", "p2wpkh", "bip322-full", "full", "full"),
        ("eth", "p2wpkh", "bip137", "", ""),
    ];
    for (chain, kind, scheme, signed_as, read_as) in cases {
        let key = if chain == "eth" {
            serde_json::json!({"chain": chain})
        } else {
            serde_json::json!({"chain": chain, "type": kind})
        };
        let req = serde_json::json!({"key": key, "scheme": scheme}).to_string();
        let (st, v) = sign(w, &req, b"hello");
        assert_eq!(st, WalletStatus::Ok, "{req}");
        let v = v.unwrap();
        assert_eq!(v["format"].as_str().unwrap_or(""), signed_as, "{req}");
        let check = serde_json::json!({
            "chain": chain, "address": v["address"], "signature": v["signature"]
        });
        let (st, ok) = verify(&check, b"hello");
        assert_eq!(st, WalletStatus::Ok, "{check}");
        assert_eq!(ok.unwrap()["format"].as_str().unwrap_or(""), read_as);
        let (st, none) = verify(&check, b"hellO");
        assert_eq!(st, WalletStatus::BadSignature, "{check}");
        assert!(none.is_none());
    }
    // SAFETY: the handle from `wallet`, freed once.
    unsafe { wallet_handle_free(w) };
}

#[test]
fn unknown_schemes_and_impossible_formats_are_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(dir.path());
    let (st, _) = sign(w, r#"{"scheme":"bip999"}"#, b"x");
    assert_eq!(st, WalletStatus::InvalidInput);
    let (st, _) = sign(w, r#"{"key":{"type":"p2tr"},"scheme":"bip137"}"#, b"x");
    assert_eq!(st, WalletStatus::Unsupported);
    let (st, _) = sign(
        w,
        r#"{"key":{"type":"p2pkh"},"scheme":"bip322-simple"}"#,
        b"x",
    );
    assert_eq!(st, WalletStatus::InvalidInput);
    let (st, _) = sign(w, r#"{"key":{"count":2}}"#, b"x");
    assert_eq!(st, WalletStatus::InvalidInput);
    let (st, _) = sign(w, r#"{"extra":1}"#, b"x");
    assert_eq!(st, WalletStatus::InvalidInput);
    let bad = serde_json::json!({"chain": "btc", "address": "bc1qnot", "signature": "AAAA"});
    assert_eq!(verify(&bad, b"x").0, WalletStatus::InvalidAddress);
    // SAFETY: the handle from `wallet`, freed once.
    unsafe { wallet_handle_free(w) };
}
