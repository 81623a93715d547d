//! `"verify":true` through the C ABI against a real anvil: a balance and a
//! send (with its receipt) proven and reported as `"verified"`; a node
//! lying about a balance or a nonce is `WALLET_UNVERIFIED`, and nothing is
//! sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::keystore::*;
use crate::node::*;
use crate::status::WalletStatus;
use crate::test_support::{dev_wallet as wallet, take_string};
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use wallet_testkit::{Anvil, RewritingProxy, Upstream};

/// Account 0 of the dev mnemonic (anvil's first account).
const DEV_ADDR: &CStr = c"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

fn take(p: *mut c_char) -> Option<Value> {
    take_string(p).map(|s| serde_json::from_str(&s).expect("the library writes JSON"))
}

fn balance(url: &str, options: Option<&str>) -> (WalletStatus, Option<Value>) {
    let (url, options) = (
        CString::new(url).unwrap(),
        options.map(|o| CString::new(o).unwrap()),
    );
    let mut out = std::ptr::null_mut();
    let o = options.as_ref().map_or(std::ptr::null(), |o| o.as_ptr());
    // SAFETY: valid NUL-terminated arguments and out pointer.
    let st =
        unsafe { wallet_eth_balance_verified(url.as_ptr(), DEV_ADDR.as_ptr(), o, 5000, &mut out) };
    (st, take(out))
}

fn send(w: *mut WalletHandle, url: &str, req: &Value) -> (WalletStatus, Option<Value>) {
    let (url, req) = (
        CString::new(url).unwrap(),
        CString::new(req.to_string()).unwrap(),
    );
    let mut out = std::ptr::null_mut();
    // SAFETY: live handle, valid arguments.
    let st = unsafe { wallet_eth_send(w, url.as_ptr(), req.as_ptr(), 10_000, &mut out) };
    (st, take(out))
}

#[test]
fn verified_balance_and_send_through_the_c_abi() {
    let Some(anvil) = Anvil::start() else {
        return;
    };
    anvil.rpc("evm_mine", json!([]));
    let (st, v) = balance(&anvil.url, None);
    assert_eq!(st, WalletStatus::Ok);
    let v = v.unwrap();
    assert_eq!(v["verified"]["trusted_block"]["trust"], "dev_latest", "{v}");
    assert_eq!(v["verified"]["accounts"][0]["balance_wei"], v["wei"]);
    let two = json!({"witness_urls": [anvil.url], "quorum": 2}).to_string();
    let (st, v) = balance(&anvil.url, Some(&two));
    assert_eq!(st, WalletStatus::Ok);
    assert_eq!(v.unwrap()["verified"]["trusted_block"]["agreeing"], 2);
    let liar = RewritingProxy::start(Upstream::anvil(&anvil), |req, resp| {
        if matches!(
            req["method"].as_str(),
            Some("eth_getBalance" | "eth_getTransactionCount")
        ) {
            resp["result"] = json!("0x3");
        }
    });
    let (st, _) = balance(&liar.url, None);
    assert_eq!(st, WalletStatus::Unverified);
    let (st, _) = balance(&anvil.url, Some(r#"{"quorum":0}"#));
    assert_eq!(st, WalletStatus::InvalidInput);

    let dir = tempfile::tempdir().unwrap();
    let w = wallet(dir.path());
    let req = json!({"to": "0x000000000000000000000000000000000000dEaD", "value": "0.001",
        "verify": true, "wait": true});
    let (st, v) = send(w, &anvil.url, &req);
    assert_eq!(st, WalletStatus::Ok);
    let v = v.unwrap();
    assert_eq!(v["verified"]["receipt"]["status"], 1, "{v}");
    assert_eq!(v["verified"]["accounts"][0]["nonce"], 0);
    let (st, _) = send(w, &liar.url, &req);
    assert_eq!(st, WalletStatus::Unverified);
    assert!(!liar.saw("eth_sendRawTransaction"));
    // SAFETY: the handle made above, freed once.
    unsafe { wallet_handle_free(w) };
}
