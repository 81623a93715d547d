//! Issue 21's payment features through the C ABI on a real Litecoin Core
//! regtest node: `wallet_btc_send` with several recipients (`"payees"`),
//! with `"amount":"max"`, from a single-key wallet, the old `to`/`amount`
//! request still paying, and the requests it refuses.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unsafe_code)]

use serde_json::{json, Value};
use wallet::WalletStatus as S;
use wallet_testkit::*;

fn c(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}

/// Runs a call that writes a JSON string, returning it parsed or the status
/// and last error message.
fn ffi_json(
    f: impl FnOnce(*mut *mut std::ffi::c_char) -> wallet::WalletStatus,
) -> Result<Value, (wallet::WalletStatus, String)> {
    let mut out: *mut std::ffi::c_char = std::ptr::null_mut();
    let st = f(&mut out);
    if st != S::Ok {
        // SAFETY: the library's last-error pointer is a valid C string.
        let msg = unsafe { std::ffi::CStr::from_ptr(wallet::wallet_last_error_message()) };
        return Err((st, msg.to_string_lossy().into_owned()));
    }
    // SAFETY: on success `out` is a C string owned by us until freed.
    let text = unsafe { std::ffi::CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: returned by the library, freed once.
    unsafe { wallet::wallet_string_free(out) };
    Ok(serde_json::from_str(&text).unwrap())
}

fn address(kind: wallet_core::bitcoin::AddressType, key: u8) -> String {
    let params = wallet_core::bitcoin::NetworkParams::new(
        wallet_core::bitcoin::Chain::Litecoin,
        wallet_core::bitcoin::Network::Regtest,
    )
    .unwrap();
    let k = wallet_core::key::PrivateKey::from_bytes(&[key; 32]).unwrap();
    wallet_core::bitcoin::Address::from_public_key(&k.public_key(), kind, params)
        .unwrap()
        .to_string()
}

/// The outputs of a transaction the node knows, as (address, satoshis).
fn outputs(node: &Node, txid: &Value) -> Vec<(String, u64)> {
    let tx = node.rpc("getrawtransaction", json!([txid, true]));
    tx["vout"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let spk = &o["scriptPubKey"];
            let a = spk["address"]
                .as_str()
                .or_else(|| spk["addresses"][0].as_str());
            let sat = (o["value"].as_f64().unwrap() * 1e8).round() as u64;
            (a.unwrap_or_default().to_owned(), sat)
        })
        .collect()
}

#[test]
fn issue21_28_several_recipients_and_max_through_the_c_abi() {
    use wallet_core::bitcoin::AddressType as T;
    let Some(node) = Node::litecoind() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let fast =
        c(r#"{"kdf_memory_kib":256,"kdf_iterations":1,"kdf_parallelism":1,"allow_weak_kdf":true}"#);
    let ks_dir = c(dir.path().join("ks").to_str().unwrap());
    let mut ks: *mut wallet::WalletKeystore = std::ptr::null_mut();
    let mut w: *mut wallet::WalletHandle = std::ptr::null_mut();
    let (name, pw) = (c("k"), c("pw"));
    // A single key (hex): its P2WPKH and P2TR addresses get a coin each.
    let key = c(&hex::encode([0x42u8; 32]));
    let (own_wpkh, own_tr) = (address(T::P2wpkh, 0x42), address(T::P2tr, 0x42));
    let (a, b, sink) = (
        address(T::P2wpkh, 1),
        address(T::P2tr, 2),
        address(T::P2wpkh, 3),
    );
    node.rpc("generatetoaddress", json!([1, own_wpkh]));
    node.rpc("generatetoaddress", json!([1, own_tr]));
    node.rpc("generatetoaddress", json!([100, sink]));
    let url = c(&node.url);
    let auth = c(&json!({"user": node.user, "password": node.pass}).to_string());
    let net = json!({"chain": "ltc", "network": "regtest", "fee_rate": 2.0});
    let with = |extra: Value| {
        let mut r = net.clone();
        r.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        r
    };
    // SAFETY: valid strings and out-pointers throughout; handles freed at the end.
    unsafe {
        assert_eq!(
            wallet::wallet_keystore_open(ks_dir.as_ptr(), &mut ks),
            S::Ok
        );
        ffi_json(|o| {
            let kind = c("private-key");
            wallet::wallet_keystore_import(
                ks,
                name.as_ptr(),
                kind.as_ptr(),
                key.as_ptr(),
                pw.as_ptr(),
                fast.as_ptr(),
                o,
            )
        })
        .unwrap();
        assert_eq!(
            wallet::wallet_keystore_unlock(ks, name.as_ptr(), pw.as_ptr(), 1, &mut w),
            S::Ok
        );
    }
    let send = |req: Value| {
        let r = c(&req.to_string());
        // SAFETY: valid strings and out-pointer; `w` is live until freed below.
        ffi_json(|o| unsafe {
            wallet::wallet_btc_send(w, url.as_ptr(), auth.as_ptr(), r.as_ptr(), 30_000, o)
        })
    };
    // Two recipients in one transaction, change back to the key's own address.
    let paid = send(with(json!({"payees": [
        {"to": a, "amount": "1.5"},
        {"to": b, "amount": "20000sat"},
    ]})))
    .unwrap();
    assert_eq!(paid["payees"].as_array().unwrap().len(), 2, "{paid}");
    assert_eq!(paid["amount_sat"], 150_020_000u64, "{paid}");
    assert_eq!(paid["change"]["address"], own_wpkh.as_str(), "{paid}");
    let outs = outputs(&node, &paid["txid"]);
    assert!(outs.contains(&(a.clone(), 150_000_000)), "{outs:?}");
    assert!(outs.contains(&(b.clone(), 20_000)), "{outs:?}");
    // The old shape still pays one recipient.
    let one = send(with(json!({"to": sink, "amount": "0.5"}))).unwrap();
    assert_eq!(one["to"], sink.as_str(), "{one}");
    node.rpc("generatetoaddress", json!([1, sink]));
    // Refused, nothing sent: "max" among several, both shapes at once, a
    // lone "to", an address twice.
    for (req, want) in [
        (
            json!({"payees": [{"to": a, "amount": "max"}, {"to": b, "amount": "1"}]}),
            "one recipient",
        ),
        (
            json!({"to": a, "amount": "1", "payees": [{"to": b, "amount": "1"}]}),
            "not both",
        ),
        (json!({"to": a}), "go together"),
        (
            json!({"payees": [{"to": a, "amount": "1"}, {"to": a, "amount": "2"}]}),
            "paid twice",
        ),
        (json!({}), "no recipient"),
    ] {
        let (st, msg) = send(with(req)).unwrap_err();
        assert_eq!(st, S::InvalidInput, "{msg}");
        assert!(msg.contains(want), "{want}: {msg}");
    }
    // Everything left to one address, no change.
    let max = send(with(json!({"to": sink, "amount": "max"}))).unwrap();
    assert_eq!(max["payees"][0]["max"], true, "{max}");
    assert!(max.get("change").is_none(), "{max}");
    let outs = outputs(&node, &max["txid"]);
    assert_eq!(
        outs,
        vec![(sink.clone(), max["amount_sat"].as_u64().unwrap())]
    );
    let (st, _) = send(with(json!({"to": sink, "amount": "max"}))).unwrap_err();
    assert_eq!(st, S::InsufficientFunds);
    // SAFETY: handles from the calls above, freed once.
    unsafe {
        wallet::wallet_handle_free(w);
        wallet::wallet_keystore_free(ks);
    }
}
