//! The C ABI end to end: the C example built with gcc against the static and
//! the dynamic library runs a full flow on a real anvil; it and a
//! multithreaded stress test of every error path run clean under valgrind;
//! Python ctypes covers the same error paths.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use wallet_testkit::*;

/// Where cargo built libwallet.a and libwallet.so for these tests:
/// target/debug/deps (always fresh: `cargo test` builds every crate type of
/// the library there, but copies them up to target/debug only sometimes).
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    if deps.join("libwallet.a").exists() && deps.join("libwallet.so").exists() {
        return deps;
    }
    deps.parent().unwrap().to_path_buf()
}

/// The library exports `wallet_test_panic` (and the C code may call it) only
/// when built with debug assertions, like this test (same profile).
const LIB_HAS_TEST_PANIC: bool = cfg!(debug_assertions);

fn build_c(out: &Path) {
    let src = root().join("wallet-ffi/examples/c");
    let st = Command::new("make")
        .arg("-s")
        .arg("-f")
        .arg(src.join("Makefile"))
        .arg("CC=gcc")
        .arg(format!("WALLET_DEBUG={}", u8::from(LIB_HAS_TEST_PANIC)))
        .arg(format!("SRCDIR={}", src.display()))
        .arg(format!("LIBDIR={}", lib_dir().display()))
        .arg("-C")
        .arg(out)
        .status()
        .expect("make");
    assert!(st.success(), "building the C example failed");
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    // cargo points LD_LIBRARY_PATH at target/debug, whose libwallet.so may be
    // an older copy; it would win over the binaries' RUNPATH (lib_dir()).
    let o = cmd.env_remove("LD_LIBRARY_PATH").output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn field<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} ")))
        .unwrap_or_else(|| panic!("no {key} in {out}"))
}

fn valgrind() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/valgrind");
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("WALLET_REQUIRE_DEVNET").is_some() {
        panic!("valgrind is missing (apt-get install valgrind)");
    }
    eprintln!("SKIPPED: valgrind not installed");
    None
}

#[test]
fn c_example_static_and_dynamic_on_anvil_and_clean_under_valgrind() {
    let Some(anvil) = Anvil::start() else { return };
    let build = tempfile::tempdir().unwrap();
    build_c(build.path());
    // The core's derivation for the dev mnemonic, to compare with C.
    let m = wallet_core::mnemonic::Mnemonic::parse(ANVIL_MNEMONIC).unwrap();
    let master = wallet_core::hd::ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
    let f = wallet_core::account::AddressFormat::Ethereum;
    let want = wallet_core::account::derive_addresses(
        &master,
        &f,
        &f.address_path(0, wallet_core::account::Keychain::External, 0)
            .unwrap(),
        2,
    )
    .unwrap();
    for bin in ["demo_static", "demo_dynamic"] {
        let ks = tempfile::tempdir().unwrap();
        let (ok, out, err) = run(Command::new(build.path().join(bin))
            .arg(&anvil.url)
            .arg(ks.path().join("ks")));
        assert!(ok, "{bin}: {out}\n{err}");
        let derived: serde_json::Value = serde_json::from_str(field(&out, "DERIVED")).unwrap();
        for (i, w) in want.iter().enumerate() {
            assert_eq!(derived["addresses"][i]["address"], w.address.as_str());
        }
        assert_eq!(field(&out, "DEV_ETH"), want[0].address);
        assert_eq!(field(&out, "FUND_STATUS"), "1");
        assert_eq!(field(&out, "TX_STATUS"), "1", "{out}");
        assert_eq!(field(&out, "WRONG_PASSWORD"), "wrong_password");
        let bal: u128 = field(&out, "BALANCE_WEI").parse().unwrap();
        assert!(
            bal < 750_000_000_000_000_000 && bal > 740_000_000_000_000_000,
            "{bal}"
        );
        // The transaction is really on chain.
        let hash = field(&out, "TX_HASH");
        let rc = anvil.rpc("eth_getTransactionReceipt", serde_json::json!([hash]));
        assert_eq!(rc["status"], "0x1");
        // The fresh wallet's address is the core's derivation from the
        // secret sealed in the file C created.
        let fresh = field(&out, "FRESH_ETH");
        let store = wallet_core::keystore::Keystore::open(ks.path().join("ks")).unwrap();
        let secret = store
            .load("fresh")
            .unwrap()
            .unlock(b"correct horse", true)
            .unwrap();
        let master = secret.master().unwrap().clone();
        let core = wallet_core::account::derive_addresses(
            &master,
            &f,
            &f.address_path(0, wallet_core::account::Keychain::External, 0)
                .unwrap(),
            1,
        )
        .unwrap();
        assert_eq!(fresh, core[0].address);
        assert!(out.contains("DONE"));
    }
    let Some(vg) = valgrind() else { return };
    let supp = root().join("wallet-ffi/examples/c/valgrind.supp");
    let ks = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(Command::new(&vg)
        .args(["--leak-check=full", "--error-exitcode=1", "-q"])
        .arg(format!("--suppressions={}", supp.display()))
        .arg(build.path().join("demo_dynamic"))
        .arg(&anvil.url)
        .arg(ks.path().join("ks")));
    assert!(ok && out.contains("DONE"), "valgrind demo: {out}\n{err}");
    let (ok, out, err) = run(Command::new(&vg)
        .args(["--leak-check=full", "--error-exitcode=1", "-q"])
        .arg(format!("--suppressions={}", supp.display()))
        .env("STRESS_ROUNDS", "3")
        .arg(build.path().join("stress_static"))
        .arg(ks.path().join("ks2"))
        .arg("http://127.0.0.1:9"));
    assert!(
        ok && out.contains("STRESS failures=0"),
        "valgrind stress: {out}\n{err}"
    );
}

#[test]
fn stress_many_threads_every_error_path() {
    let build = tempfile::tempdir().unwrap();
    build_c(build.path());
    for bin in ["stress_dynamic", "stress_static"] {
        let ks = tempfile::tempdir().unwrap();
        let (ok, out, err) = run(Command::new(build.path().join(bin))
            .arg(ks.path().join("ks"))
            .arg("http://127.0.0.1:9"));
        assert!(
            ok && out.contains("STRESS failures=0"),
            "{bin}: {out}\n{err}"
        );
        // The injected panic (debug builds only) surfaced as a status, not
        // an abort.
        if LIB_HAS_TEST_PANIC {
            assert!(err.contains("injected test panic"), "{err}");
        }
    }
}

#[test]
fn python_ctypes_binding() {
    let anvil = Anvil::start();
    let url = anvil.as_ref().map_or("-".to_owned(), |a| a.url.clone());
    let ks = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(Command::new("python3")
        .arg(root().join("testdata/python/ffi_ctypes.py"))
        .arg(lib_dir().join("libwallet.so"))
        .arg(&url)
        .arg(ks.path().join("ks")));
    assert!(ok && out.contains("CTYPES_OK"), "{out}\n{err}");
}

/// Calls an FFI function that writes a JSON string to its out-pointer.
fn ffi_json(
    f: impl FnOnce(*mut *mut std::ffi::c_char) -> wallet::WalletStatus,
) -> Result<serde_json::Value, (wallet::WalletStatus, String)> {
    let mut out: *mut std::ffi::c_char = std::ptr::null_mut();
    let st = f(&mut out);
    if st != wallet::WalletStatus::Ok {
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
    Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

fn c(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}

#[test]
fn btc_sign_broadcast_and_send_through_the_c_abi_on_litecoind() {
    use serde_json::json;
    use std::ptr::null;
    use wallet::WalletStatus as S;
    let Some(node) = Node::litecoind() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let fast =
        c(r#"{"kdf_memory_kib":256,"kdf_iterations":1,"kdf_parallelism":1,"allow_weak_kdf":true}"#);
    let mut ks: *mut wallet::WalletKeystore = std::ptr::null_mut();
    let ks_dir = c(dir.path().join("ks").to_str().unwrap());
    // SAFETY: valid strings and out-pointers throughout; handles freed at the end.
    unsafe {
        assert_eq!(
            wallet::wallet_keystore_open(ks_dir.as_ptr(), &mut ks),
            S::Ok
        );
        let (name, pw) = (c("w"), c("pw"));
        ffi_json(|o| {
            wallet::wallet_keystore_import(
                ks,
                name.as_ptr(),
                c("mnemonic").as_ptr(),
                c(ABANDON).as_ptr(),
                pw.as_ptr(),
                fast.as_ptr(),
                o,
            )
        })
        .unwrap();
        let mut w: *mut wallet::WalletHandle = std::ptr::null_mut();
        assert_eq!(
            wallet::wallet_keystore_unlock(ks, name.as_ptr(), pw.as_ptr(), 1, &mut w),
            S::Ok
        );
        let sel = c(r#"{"chain":"ltc","network":"regtest","type":"p2wpkh","count":2}"#);
        let addrs = ffi_json(|o| {
            wallet::wallet_keystore_addresses(ks, name.as_ptr(), sel.as_ptr(), null(), o)
        })
        .unwrap();
        let a0 = addrs["addresses"][0]["address"]
            .as_str()
            .unwrap()
            .to_owned();
        let a1 = addrs["addresses"][1]["address"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(a0.starts_with("rltc1"), "{a0}");
        let sink_key = wallet_core::key::PrivateKey::from_hex(&"11".repeat(32)).unwrap();
        let ltc_regtest = wallet_core::bitcoin::NetworkParams::new(
            wallet_core::bitcoin::Chain::Litecoin,
            wallet_core::bitcoin::Network::Regtest,
        )
        .unwrap();
        let sink = wallet_core::bitcoin::Address::from_public_key(
            &sink_key.public_key(),
            wallet_core::bitcoin::AddressType::P2wpkh,
            ltc_regtest,
        )
        .unwrap()
        .to_string();
        let sink = sink.as_str();
        let hashes = node.rpc("generatetoaddress", json!([101, a0]));
        let block1 = node.rpc("getblock", json!([hashes[0], 1]));
        let cb = block1["tx"][0].as_str().unwrap().to_owned();

        // A PSBT made by the node (createpsbt + utxoupdatepsbt), signed and
        // finalized by the C ABI, broadcast by it with cookie-file auth.
        let p = node.rpc(
            "createpsbt",
            json!([[{"txid": cb, "vout": 0}], [{sink: 10}, {a1.clone(): 39.9999}]]),
        );
        let p = node.rpc("utxoupdatepsbt", json!([p]));
        // Core 0.21 adds only the witness UTXO; the signer also needs the
        // previous transaction to verify the amount (hardware-wallet rule).
        let mut parsed: wallet_core::rust_bitcoin::Psbt = p.as_str().unwrap().parse().unwrap();
        let raw = node.rpc("getrawtransaction", json!([cb, false]));
        parsed.inputs[0].non_witness_utxo = Some(
            wallet_core::rust_bitcoin::consensus::encode::deserialize(
                &hex::decode(raw.as_str().unwrap()).unwrap(),
            )
            .unwrap(),
        );
        let opts = c(r#"{"chain":"ltc","network":"regtest","finalize":true}"#);
        let psbt = c(&parsed.to_string());
        let signed =
            ffi_json(|o| wallet::wallet_btc_sign_psbt(w, psbt.as_ptr(), opts.as_ptr(), o)).unwrap();
        assert_eq!(signed["signed"], 1, "{signed}");
        let cookie = dir.path().join("cookie");
        std::fs::write(&cookie, format!("{}:{}", node.user, node.pass)).unwrap();
        let auth = c(&json!({"cookie_file": cookie}).to_string());
        let url = c(&node.url);
        let net = c(r#"{"chain":"ltc","network":"regtest"}"#);
        let hex = c(signed["hex"].as_str().unwrap());
        let sent = ffi_json(|o| {
            wallet::wallet_btc_broadcast(
                url.as_ptr(),
                auth.as_ptr(),
                net.as_ptr(),
                hex.as_ptr(),
                10_000,
                o,
            )
        })
        .unwrap();
        assert_eq!(sent["txid"], signed["txid"]);
        assert!(node
            .rpc("getmempoolentry", json!([sent["txid"]]))
            .is_object());
        // A malformed cookie file and a wrong password are the user's to fix.
        std::fs::write(&cookie, "no colon here").unwrap();
        let e = ffi_json(|o| {
            wallet::wallet_btc_broadcast(
                url.as_ptr(),
                auth.as_ptr(),
                net.as_ptr(),
                hex.as_ptr(),
                10_000,
                o,
            )
        })
        .unwrap_err();
        assert_eq!(e.0, S::InvalidInput, "{}", e.1);
        let bad = c(r#"{"user":"test","password":"nope"}"#);
        let e = ffi_json(|o| {
            wallet::wallet_btc_broadcast(
                url.as_ptr(),
                bad.as_ptr(),
                net.as_ptr(),
                hex.as_ptr(),
                10_000,
                o,
            )
        })
        .unwrap_err();
        assert_eq!(e.0, S::AuthFailed, "{}", e.1);

        // A payment from the wallet's coins (scan, select, sign, send).
        node.rpc("generatetoaddress", json!([1, sink]));
        let good = c(&json!({"user": node.user, "password": node.pass}).to_string());
        let req = c(&json!({"to": sink, "amount": "1.5", "fee_rate": 3.0, "chain": "ltc", "network": "regtest"}).to_string());
        let paid = ffi_json(|o| {
            wallet::wallet_btc_send(w, url.as_ptr(), good.as_ptr(), req.as_ptr(), 30_000, o)
        })
        .unwrap();
        let txid = paid["txid"].as_str().unwrap();
        assert!(node.rpc("getmempoolentry", json!([txid])).is_object());
        let tx = node.rpc("getrawtransaction", json!([txid, true]));
        let to_sink: f64 = tx["vout"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| {
                o["scriptPubKey"]["addresses"][0] == sink || o["scriptPubKey"]["address"] == sink
            })
            .map(|o| o["value"].as_f64().unwrap())
            .sum();
        assert_eq!((to_sink * 1e8).round() as u64, 150_000_000, "{tx}");
        let fee = paid["fee_sat"].as_u64().unwrap();
        assert!(fee >= 3 * paid["vsize"].as_u64().unwrap(), "{paid}");
        // Too much: a typed error, nothing sent.
        let req = c(
            &json!({"to": sink, "amount": "100000", "chain": "ltc", "network": "regtest"})
                .to_string(),
        );
        let e = ffi_json(|o| {
            wallet::wallet_btc_send(w, url.as_ptr(), good.as_ptr(), req.as_ptr(), 30_000, o)
        })
        .unwrap_err();
        assert_eq!(e.0, S::InsufficientFunds, "{}", e.1);
        wallet::wallet_handle_free(w);
        wallet::wallet_keystore_free(ks);
    }
}

/// EIP-7702 through the C ABI: an authorization and a set-code transaction
/// byte-equal to cast's (testdata/vectors/eip7702_cast.json), a missing
/// recipient refused, and on anvil (Prague) a contract created with
/// `"create":true` that the sending account then delegates to itself.
#[test]
fn eth_authorizations_and_set_code_sends_through_the_c_abi() {
    use serde_json::json;
    use wallet::WalletStatus as S;
    let v = vector("eip7702_cast.json");
    let Some(anvil) = Anvil::start_with(&["--hardfork", "prague"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let fast =
        c(r#"{"kdf_memory_kib":256,"kdf_iterations":1,"kdf_parallelism":1,"allow_weak_kdf":true}"#);
    let mut ks: *mut wallet::WalletKeystore = std::ptr::null_mut();
    let ks_dir = c(dir.path().join("ks").to_str().unwrap());
    // SAFETY: valid strings and out-pointers throughout; handles freed at the end.
    unsafe {
        assert_eq!(
            wallet::wallet_keystore_open(ks_dir.as_ptr(), &mut ks),
            S::Ok
        );
        let (name, pw) = (c("dev"), c("pw"));
        ffi_json(|o| {
            wallet::wallet_keystore_import(
                ks,
                name.as_ptr(),
                c("mnemonic").as_ptr(),
                c(ANVIL_MNEMONIC).as_ptr(),
                pw.as_ptr(),
                fast.as_ptr(),
                o,
            )
        })
        .unwrap();
        let mut w: *mut wallet::WalletHandle = std::ptr::null_mut();
        assert_eq!(
            wallet::wallet_keystore_unlock(ks, name.as_ptr(), pw.as_ptr(), 1, &mut w),
            S::Ok
        );
        let json_call = |f: &dyn Fn(*const std::ffi::c_char, *mut *mut std::ffi::c_char) -> S,
                         req: serde_json::Value| {
            let r = c(&req.to_string());
            ffi_json(|o| f(r.as_ptr(), o))
        };
        let sign_auth = |r, o| wallet::wallet_eth_sign_auth(w, r, o);
        let sign_tx = |r, o| wallet::wallet_eth_sign_tx(w, r, o);
        let a = &v["authorizations"][0];
        let auth = json_call(
            &sign_auth,
            json!({"address": a["address"], "nonce": a["nonce"], "chain_id": a["chain_id"]}),
        )
        .unwrap();
        assert_eq!(auth["raw"], a["signed"]);
        let t = &v["set_code_transactions"][0];
        let tx = json_call(
            &sign_tx,
            json!({"to": t["to"], "value": "7wei", "data": t["data"], "nonce": t["nonce"],
                   "gas": t["gas"], "chain_id": t["chain_id"], "max_fee": "3gwei",
                   "priority_fee": "2gwei", "authorization_list": [t["auth"]]}),
        )
        .unwrap();
        assert_eq!(tx["raw"], t["raw"]);
        let (st, msg) = json_call(
            &sign_tx,
            json!({"value": "1", "nonce": 0, "gas": 21000, "chain_id": 1, "gas_price": "1gwei"}),
        )
        .unwrap_err();
        assert_eq!(st, S::InvalidInput, "{msg}");
        assert!(msg.contains("no recipient"), "{msg}");
        let url = c(&anvil.url);
        let send = |r, o| wallet::wallet_eth_send(w, url.as_ptr(), r, 30_000, o);
        let created = json_call(
            &send,
            json!({"create": true, "data": "0x600a600c600039600a6000f3602a60005260206000f3", "wait": true}),
        )
        .unwrap();
        let contract = created["contract_address"].as_str().unwrap().to_owned();
        let dev = created["from"].as_str().unwrap().to_owned();
        let sent = json_call(
            &send,
            json!({"to": dev, "authorization_list": [{"address": contract}], "wait": true}),
        )
        .unwrap();
        assert_eq!(sent["status"], 1, "{sent}");
        assert_eq!(sent["type"], 4, "{sent}");
        assert_eq!(sent["authorization_list"][0]["nonce"], 2, "{sent}");
        let code = anvil.rpc("eth_getCode", json!([dev, "latest"]));
        assert_eq!(
            code,
            format!(
                "0xef0100{}",
                contract.trim_start_matches("0x").to_lowercase()
            )
        );
        let called = anvil.rpc("eth_call", json!([{"to": dev, "data": "0x"}, "latest"]));
        assert_eq!(called, format!("0x{:064x}", 42));
        wallet::wallet_handle_free(w);
        wallet::wallet_keystore_free(ks);
    }
}
