//! One core, two faces (issue 14): the same operations through the CLI's
//! `--json` and through the C ABI (called in-process) give equal JSON, field
//! by field — derivation, a wallet's addresses, an account xpub, an EIP-1559
//! signature and a PSBT signature.

#![allow(unsafe_code)] // the C ABI is called in-process

use crate::common::*;
use bitcoin::psbt::Psbt;
use bitcoin::{
    absolute::LockTime, transaction::Version, Amount, OutPoint, ScriptBuf, Sequence, Transaction,
    TxIn, TxOut, Witness,
};
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use wallet::{WalletHandle, WalletKeystore, WalletStatus};

const MNEMONIC: &str = "test test test test test test test test test test test junk";
const FAST: &str =
    r#"{"kdf_memory_kib":256,"kdf_iterations":1,"kdf_parallelism":1,"allow_weak_kdf":true}"#;

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Takes a library string and parses it as JSON (or keeps it as a string).
fn take(p: *mut c_char) -> Value {
    // SAFETY: the library's own NUL-terminated string, freed once here.
    let text = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: as above.
    unsafe { wallet::wallet_string_free(p) };
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

fn ok(st: WalletStatus, what: &str) {
    assert_eq!(st, WalletStatus::Ok, "{what}");
}

/// A keystore (for both faces) holding wallet `dev`, imported through the C ABI.
struct Both {
    ks: Ks,
    store: *mut WalletKeystore,
    handle: *mut WalletHandle,
}

impl Both {
    fn new() -> Both {
        let ks = Ks::new();
        let dir = c(ks.dir.path().join("ks").to_str().unwrap());
        let (mut store, mut handle, mut out) = (
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        // SAFETY: valid NUL-terminated arguments and out-pointers.
        unsafe {
            ok(
                wallet::wallet_keystore_open(dir.as_ptr(), &mut store),
                "open",
            );
            let st = wallet::wallet_keystore_import(
                store,
                c"dev".as_ptr(),
                c"mnemonic".as_ptr(),
                c(MNEMONIC).as_ptr(),
                c"pw".as_ptr(),
                c(FAST).as_ptr(),
                &mut out,
            );
            ok(st, "import");
            take(out);
            ok(
                wallet::wallet_keystore_unlock(
                    store,
                    c"dev".as_ptr(),
                    c"pw".as_ptr(),
                    1,
                    &mut handle,
                ),
                "unlock",
            );
        }
        Both { ks, store, handle }
    }

    fn cli(&self, args: &[&str], stdin: &str) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let r = self.ks.run(&a, stdin);
        r.assert_ok();
        r.json()
    }
}

impl Drop for Both {
    fn drop(&mut self) {
        // SAFETY: the handles from `new`, freed once.
        unsafe {
            wallet::wallet_handle_free(self.handle);
            wallet::wallet_keystore_free(self.store);
        }
    }
}

#[test]
fn derive_and_addresses_are_the_same_json_in_both_faces() {
    let both = Both::new();
    let cases: [(&[&str], Value); 3] = [
        (
            &["--chain", "eth", "--count", "3"],
            json!({"chain": "eth", "count": 3}),
        ),
        (
            &[
                "--chain",
                "btc",
                "--type",
                "p2tr",
                "--account",
                "1",
                "--change",
                "--index",
                "4",
                "--count",
                "2",
            ],
            json!({"chain": "btc", "type": "p2tr", "account": 1, "change": true, "index": 4, "count": 2}),
        ),
        (
            &[
                "--chain",
                "ltc",
                "--network",
                "regtest",
                "--type",
                "p2sh-p2wpkh",
            ],
            json!({"chain": "ltc", "network": "regtest", "type": "p2sh-p2wpkh"}),
        ),
    ];
    for (flags, request) in cases {
        let mut request = request;
        request["allow_weak_kdf"] = json!(true);
        let req = c(&request.to_string());
        let mut out = std::ptr::null_mut();
        // SAFETY: valid arguments.
        let st = unsafe {
            wallet::wallet_derive_addresses(
                c(MNEMONIC).as_ptr(),
                std::ptr::null(),
                req.as_ptr(),
                &mut out,
            )
        };
        ok(st, "derive");
        let ffi = take(out);
        let mut a = vec!["derive"];
        a.extend_from_slice(flags);
        assert_eq!(both.cli(&a, MNEMONIC), ffi, "derive {request}");
        let mut out = std::ptr::null_mut();
        // SAFETY: valid arguments.
        let st = unsafe {
            wallet::wallet_keystore_addresses(
                both.store,
                c"dev".as_ptr(),
                req.as_ptr(),
                c"pw".as_ptr(),
                &mut out,
            )
        };
        ok(st, "addresses");
        let ffi = take(out);
        let mut a = vec!["address", "dev"];
        a.extend_from_slice(flags);
        assert_eq!(both.cli(&a, ""), ffi, "address {request}");
    }
}

#[test]
fn xpub_eip1559_and_psbt_are_the_same_in_both_faces() {
    let both = Both::new();
    // The account xpub: the FFI returns the key itself, the CLI its view.
    let mut out = std::ptr::null_mut();
    let req = c(r#"{"chain":"btc","type":"p2wpkh","slip132":true}"#);
    // SAFETY: valid arguments.
    let st = unsafe {
        wallet::wallet_keystore_export_xpub(
            both.store,
            c"dev".as_ptr(),
            req.as_ptr(),
            c"pw".as_ptr(),
            &mut out,
        )
    };
    ok(st, "xpub");
    let cli = both.cli(
        &["export", "dev", "--xpub", "--slip132", "--type", "p2wpkh"],
        "",
    );
    assert_eq!(cli["xpub"], take(out));
    assert!(cli["xpub"].as_str().unwrap().starts_with("zpub"));
    // An EIP-1559 transaction, every field.
    let tx = json!({"to": "0x3535353535353535353535353535353535353535", "value": "1.5ether",
        "data": "0xdeadbeef", "nonce": 7, "gas": 30000, "chain_id": 1,
        "max_fee": "30gwei", "priority_fee": "2gwei", "index": 1});
    let mut out = std::ptr::null_mut();
    // SAFETY: live handle, valid arguments.
    let st =
        unsafe { wallet::wallet_eth_sign_tx(both.handle, c(&tx.to_string()).as_ptr(), &mut out) };
    ok(st, "sign tx");
    let ffi = take(out);
    let cli = both.cli(
        &[
            "eth",
            "sign-tx",
            "dev",
            "--to",
            "0x3535353535353535353535353535353535353535",
            "--value",
            "1.5ether",
            "--data",
            "0xdeadbeef",
            "--nonce",
            "7",
            "--gas",
            "30000",
            "--chain-id",
            "1",
            "--max-fee",
            "30gwei",
            "--priority-fee",
            "2gwei",
            "--index",
            "1",
        ],
        "",
    );
    assert_eq!(cli, ffi, "EIP-1559");
    // A PSBT spending a P2WPKH coin of the wallet (previous tx included).
    let psbt = dev_psbt(&both);
    let mut out = std::ptr::null_mut();
    let opts = c(r#"{"chain":"btc","network":"regtest"}"#);
    // SAFETY: live handle, valid arguments.
    let st = unsafe {
        wallet::wallet_btc_sign_psbt(both.handle, c(&psbt).as_ptr(), opts.as_ptr(), &mut out)
    };
    ok(st, "sign psbt");
    let ffi = take(out);
    let cli = both.cli(
        &[
            "btc",
            "sign-psbt",
            "dev",
            "--yes",
            "--chain",
            "btc",
            "--network",
            "regtest",
        ],
        &psbt,
    );
    assert_eq!(cli, ffi, "PSBT");
    assert_eq!(ffi["signed"], 1);
}

/// A regtest PSBT paying 0.9999 of a 1 BTC coin on the wallet's first P2WPKH address.
fn dev_psbt(both: &Both) -> String {
    let ours = both.cli(
        &["address", "dev", "--chain", "btc", "--network", "regtest"],
        "",
    );
    let params = wallet_core::bitcoin::NetworkParams::new(
        wallet_core::bitcoin::Chain::Bitcoin,
        wallet_core::bitcoin::Network::Regtest,
    )
    .unwrap();
    let other = wallet(
        &["--json", "derive", "--chain", "btc", "--network", "regtest"],
        ABANDON,
    )
    .json()["addresses"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned();
    let spk = |a: &str| {
        ScriptBuf::from_bytes(
            wallet_core::bitcoin::Address::parse(a, params)
                .unwrap()
                .script_pubkey(),
        )
    };
    let funding = Transaction {
        version: Version::TWO,
        lock_time: LockTime::ZERO,
        input: vec![TxIn::default()],
        output: vec![TxOut {
            value: Amount::from_sat(100_000_000),
            script_pubkey: spk(ours["addresses"][0]["address"].as_str().unwrap()),
        }],
    };
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
            value: Amount::from_sat(99_990_000),
            script_pubkey: spk(&other),
        }],
    };
    let mut p = Psbt::from_unsigned_tx(spend).unwrap();
    p.inputs[0].witness_utxo = Some(funding.output[0].clone());
    p.inputs[0].non_witness_utxo = Some(funding);
    p.to_string()
}
