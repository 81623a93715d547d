//! SLIP-39 through the C ABI: `wallet_slip39_split` and
//! `wallet_slip39_combine` round trips (fresh and given secrets, groups,
//! passphrases), their error statuses, keystore import of kind `slip39`,
//! and interop both ways with the reference implementation (PyPI
//! `shamir-mnemonic` through `testdata/python/slip39_oracle.py`, in the
//! venv of `scripts/devnet/install py`; skipped without it).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unsafe_code)]

use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use wallet::WalletStatus as S;
use wallet_testkit::*;

/// Calls a JSON-in, JSON-out function; `Err((status, message))` on failure.
fn call(
    f: unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> S,
    request: &Value,
) -> Result<Value, (S, String)> {
    let req = CString::new(request.to_string()).unwrap();
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a valid NUL-terminated request and out-pointer.
    let st = unsafe { f(req.as_ptr(), &mut out) };
    if st != S::Ok {
        assert!(out.is_null(), "the out-pointer is written only on success");
        // SAFETY: the library's own NUL-terminated pointer, read at once.
        let msg = unsafe { CStr::from_ptr(wallet::wallet_last_error_message()) };
        return Err((st, msg.to_string_lossy().into_owned()));
    }
    // SAFETY: on success a C string we own until it is freed, once.
    let text = unsafe { CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    unsafe { wallet::wallet_string_free(out) };
    Ok(serde_json::from_str(&text).unwrap())
}

fn split(request: Value) -> Value {
    call(wallet::wallet_slip39_split, &request).unwrap()
}

fn combine(shares: &[&Value], passphrase: &str) -> Result<Value, (S, String)> {
    call(
        wallet::wallet_slip39_combine,
        &json!({"shares": shares.iter().map(|s| s["mnemonic"].clone()).collect::<Vec<_>>(),
                "passphrase": passphrase}),
    )
}

fn shares(v: &Value) -> Vec<Value> {
    v["shares"].as_array().unwrap().clone()
}

#[test]
fn split_and_combine_round_trip() {
    let v = split(
        json!({"members": "2of3,1of1,3of5", "groups": "2of3", "passphrase": "TREZOR",
                         "iteration_exponent": 0}),
    );
    let s = shares(&v);
    assert_eq!(s.len(), 9);
    assert_eq!((&s[3]["group"], &s[3]["member"]), (&json!(2), &json!(1)));
    assert_eq!(v["slip39"]["group_threshold"], 2);
    assert_eq!(v["slip39"]["bits"], 128);
    let got = combine(&[&s[8], &s[3], &s[6], &s[5]], "TREZOR").unwrap();
    assert_eq!(got["fingerprint"], v["fingerprint"]);
    assert_eq!(got["identifier"], v["slip39"]["identifier"]);
    assert_eq!(got["master_secret"].as_str().unwrap().len(), 32);
    // A wrong passphrase is another secret, not an error.
    let other = combine(&[&s[8], &s[3], &s[6], &s[5]], "trezor").unwrap();
    assert_ne!(other["master_secret"], got["master_secret"]);

    // A given secret: the same secret comes back, and its BIP32 fingerprint.
    let secret = "bb54aac4b89dc868ba37d9cc21b2cece";
    let v = split(json!({"members": "3of5", "master_secret": secret, "extendable": false}));
    assert_eq!(v["slip39"]["extendable"], false);
    assert_eq!(v["slip39"]["iteration_exponent"], 1);
    let s = shares(&v);
    let got = combine(&[&s[4], &s[0], &s[2]], "").unwrap();
    assert_eq!(got["master_secret"], secret);
    let master =
        wallet_core::hd::ExtendedPrivateKey::from_seed_bytes(&hex::decode(secret).unwrap())
            .unwrap();
    assert_eq!(got["fingerprint"], master.fingerprint().to_string());
    let v = split(json!({"members": "1of1", "bits": 256}));
    assert_eq!(
        shares(&v)[0]["mnemonic"]
            .as_str()
            .unwrap()
            .split(' ')
            .count(),
        33
    );
}

#[test]
fn errors_have_their_own_status_and_name_the_share() {
    let v = split(json!({"members": "2of3", "iteration_exponent": 0}));
    let s = shares(&v);
    let other = shares(&split(json!({"members": "2of3", "iteration_exponent": 0})));
    let mut typo: Vec<String> = s[1]["mnemonic"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(str::to_owned)
        .collect();
    typo[9] = if typo[9] == "academic" {
        "acid"
    } else {
        "academic"
    }
    .to_owned();
    let typo = json!({"mnemonic": typo.join(" ")});
    let (st, msg) = combine(&[&s[0], &typo], "").unwrap_err();
    assert_eq!(st, S::BadChecksum);
    assert!(msg.starts_with("share 2:"), "{msg}");
    let (st, msg) = combine(&[&s[0], &other[1]], "").unwrap_err();
    assert_eq!(st, S::InvalidInput);
    assert!(msg.contains("different backups"), "{msg}");
    let (_, msg) = combine(&[&s[0], &s[0]], "").unwrap_err();
    assert!(msg.contains("shares 1 and 2"), "{msg}");
    let (_, msg) = combine(&[&s[2]], "").unwrap_err();
    assert!(msg.contains("group 1 needs 1 more share"), "{msg}");
    let (st, _) = combine(&[&json!({"mnemonic": "academic acid"})], "").unwrap_err();
    assert_eq!(st, S::InvalidMnemonic);
    let (st, msg) = combine(&[&s[0], &s[1]], "é").unwrap_err();
    assert_eq!(st, S::InvalidInput);
    assert!(msg.contains("printable ASCII"), "{msg}");
    let (_, msg) = combine(&[], "").unwrap_err();
    assert_eq!(msg, "no shares were given");

    let bad_split = |req: Value| call(wallet::wallet_slip39_split, &req).unwrap_err();
    let (st, msg) = bad_split(json!({}));
    assert_eq!(st, S::InvalidInput);
    assert!(msg.contains("no member scheme"), "{msg}");
    let (_, msg) = bad_split(json!({"members": "2of3,2of3"}));
    assert!(msg.contains("not how many of them are needed"), "{msg}");
    let (_, msg) = bad_split(json!({"members": "2of3", "bits": 192}));
    assert!(msg.contains("128 or 256"), "{msg}");
    let (_, msg) = bad_split(json!({"members": "2of3", "master_secret": "xyz"}));
    assert!(msg.contains("not hex"), "{msg}");
    let (_, msg) = bad_split(json!({"members": "2of3", "master_secret": "00ff"}));
    assert!(msg.contains("128 to 512 bits"), "{msg}");
    let (_, msg) = bad_split(json!({"members": "2of3", "iteration_exponent": 16}));
    assert!(msg.contains("0 to 15"), "{msg}");
    let (st, msg) = bad_split(json!({"members": "2of3", "colour": "red"}));
    assert_eq!(st, S::InvalidInput);
    assert!(msg.contains("unknown field"), "{msg}");

    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: NULL request on purpose, valid out-pointer.
    let st = unsafe { wallet::wallet_slip39_combine(std::ptr::null(), &mut out) };
    assert_eq!(st, S::NullPointer);
    let req = CString::new("{}").unwrap();
    // SAFETY: NULL out-pointer on purpose.
    let st = unsafe { wallet::wallet_slip39_split(req.as_ptr(), std::ptr::null_mut()) };
    assert_eq!(st, S::NullPointer);
}

#[test]
fn shares_import_into_a_keystore_as_kind_slip39() {
    let v = split(json!({"members": "2of3", "passphrase": "p39", "iteration_exponent": 0}));
    let s = shares(&v);
    let text = format!(
        "{}\n{}\n",
        s[2]["mnemonic"].as_str().unwrap(),
        s[1]["mnemonic"].as_str().unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let c = |x: &str| CString::new(x).unwrap();
    let ks_dir = c(dir.path().to_str().unwrap());
    let opts = c(
        r#"{"passphrase":"p39","kdf_memory_kib":256,"kdf_iterations":1,"kdf_parallelism":1,"allow_weak_kdf":true}"#,
    );
    let mut ks: *mut wallet::WalletKeystore = std::ptr::null_mut();
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: valid strings and out-pointers; the handle and string freed once.
    let summary: Value = unsafe {
        assert_eq!(
            wallet::wallet_keystore_open(ks_dir.as_ptr(), &mut ks),
            S::Ok
        );
        let st = wallet::wallet_keystore_import(
            ks,
            c("s").as_ptr(),
            c("slip39").as_ptr(),
            c(&text).as_ptr(),
            c("pw").as_ptr(),
            opts.as_ptr(),
            &mut out,
        );
        assert_eq!(st, S::Ok);
        let v = serde_json::from_str(CStr::from_ptr(out).to_str().unwrap()).unwrap();
        wallet::wallet_string_free(out);
        wallet::wallet_keystore_free(ks);
        v
    };
    assert_eq!(summary["kind"], "slip39");
    assert_eq!(summary["fingerprint"], v["fingerprint"]);
}

/// Runs the reference implementation on `requests` (`None`: not installed).
fn oracle(requests: Value) -> Option<Vec<Value>> {
    slip39_oracle(requests.as_array().unwrap())
}

#[test]
fn interop_with_the_reference_implementation_both_ways() {
    let v = split(
        json!({"members": "2of3,1of1", "groups": "2of2", "bits": 256,
                         "passphrase": "TREZOR"}),
    );
    let s = shares(&v);
    let ours = combine(&[&s[1], &s[3], &s[0]], "TREZOR").unwrap();
    let mnemonics: Vec<&Value> = [&s[3], &s[0], &s[1]].map(|x| &x["mnemonic"]).to_vec();
    let secret = "0660cc198330660cc198330660cc1983".repeat(2);
    let Some(r) = oracle(json!([
        {"op": "combine", "mnemonics": mnemonics, "passphrase": "TREZOR"},
        {"op": "split", "secret": secret, "passphrase": "", "group_threshold": 1,
         "groups": [[3, 5]], "extendable": false, "iteration_exponent": 2},
    ])) else {
        return;
    };
    assert_eq!(r[0]["secret"], ours["master_secret"]);
    let master = wallet_core::hd::ExtendedPrivateKey::from_seed_bytes(
        &hex::decode(ours["master_secret"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(master.to_base58().expose(), r[0]["xprv"]);
    let theirs: Vec<Value> = r[1]["groups"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"mnemonic": m}))
        .collect();
    let got = combine(&[&theirs[4], &theirs[1], &theirs[2]], "").unwrap();
    assert_eq!(got["master_secret"], secret);
}
