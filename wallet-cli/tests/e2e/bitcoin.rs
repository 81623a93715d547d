//! Bitcoin and Litecoin through the `wallet` binary: PSBTs checked by an
//! independent implementation (bitcoinjs-lib), payments on a real Litecoin
//! Core 0.21 regtest node (litecoind) and on bcoin (Bitcoin's own regtest),
//! node rejections with their reasons, message signatures, bad inputs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use bitcoin::psbt::Psbt;
use bitcoin::{Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const TYPES: [&str; 4] = ["p2wpkh", "p2sh-p2wpkh", "p2pkh", "p2tr"];

impl Ks {
    /// The options `run` puts before the command.
    fn base_args(&self) -> Vec<String> {
        let ks = self.dir.path().join("ks");
        let pw = self.dir.path().join("pw");
        vec![
            "--allow-weak-kdf".into(),
            "--keystore-dir".into(),
            ks.to_str().unwrap().into(),
            "--password-file".into(),
            pw.to_str().unwrap().into(),
        ]
    }
    fn create(&self, name: &str) -> Value {
        let mut a = vec!["--json", "create", name];
        a.extend_from_slice(&FAST);
        let r = self.run(&a, "");
        r.assert_ok();
        r.json()
    }
    fn address(&self, name: &str, chain: &str, kind: &str, index: u32) -> (String, String) {
        let i = index.to_string();
        let r = self.run(
            &[
                "--json",
                "address",
                name,
                "--chain",
                chain,
                "--network",
                "regtest",
                "--type",
                kind,
                "--index",
                &i,
            ],
            "",
        );
        r.assert_ok();
        let j = r.json();
        (
            j["addresses"][0]["address"].as_str().unwrap().to_owned(),
            j["addresses"][0]["public_key"].as_str().unwrap().to_owned(),
        )
    }
}

fn other_address(chain: &str, kind: &str) -> String {
    let r = wallet(
        &[
            "--json",
            "derive",
            "--chain",
            chain,
            "--network",
            "regtest",
            "--type",
            kind,
            "--index",
            "7",
        ],
        ABANDON,
    );
    r.json()["addresses"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn fake_prev(spk: &ScriptBuf, value: u64, salt: u8) -> Transaction {
    Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: Txid::from_raw_hash(bitcoin::hashes::Hash::from_byte_array([salt; 32])),
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(value),
            script_pubkey: spk.clone(),
        }],
    }
}

/// A transaction the node knows (the litecoind of these tests has -txindex).
fn node_tx(node: &Node, txid: &Txid) -> Transaction {
    let raw = node.rpc("getrawtransaction", json!([txid.to_string(), false]));
    bitcoin::consensus::encode::deserialize(&hex::decode(raw.as_str().unwrap()).unwrap()).unwrap()
}

fn spk_of(addr: &str, chain: &str) -> ScriptBuf {
    let params = wallet_core::bitcoin::NetworkParams::new(
        chain.parse().unwrap(),
        "regtest".parse().unwrap(),
    )
    .unwrap();
    ScriptBuf::from_bytes(
        wallet_core::bitcoin::Address::parse(addr, params)
            .unwrap()
            .script_pubkey(),
    )
}

fn node_js() -> Option<PathBuf> {
    devnet_tool("js/node_modules/bitcoinjs-lib/package.json")?;
    Some(root().join("testdata/js/psbt_check.cjs"))
}

fn bitcoinjs_check(script: &PathBuf, psbt_b64: &str, extra: &[&str]) -> (bool, Value) {
    let mut child = Command::new("node")
        .arg(script)
        .arg("regtest")
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(psbt_b64.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.success() && v["valid"] == true, v)
}

#[test]
fn psbts_we_sign_validate_with_bitcoinjs_for_all_four_types() {
    let Some(script) = node_js() else { return };
    let ks = Ks::new();
    ks.create("w");
    let mut p = Psbt::from_unsigned_tx(Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![],
        output: vec![TxOut {
            value: Amount::from_sat(390_000),
            script_pubkey: spk_of(&other_address("btc", "p2wpkh"), "btc"),
        }],
    })
    .unwrap();
    for (i, kind) in TYPES.iter().enumerate() {
        let (addr, _) = ks.address("w", "btc", kind, i as u32);
        let spk = spk_of(&addr, "btc");
        let prev = fake_prev(&spk, 100_000, i as u8 + 1);
        p.unsigned_tx.input.push(TxIn {
            previous_output: OutPoint {
                txid: prev.compute_txid(),
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::new(),
        });
        let mut input = bitcoin::psbt::Input::default();
        if *kind != "p2pkh" {
            input.witness_utxo = Some(prev.output[0].clone());
        }
        // Legacy and segwit v0 inputs carry their previous transaction
        // (the signer refuses them without it).
        if *kind != "p2tr" {
            input.non_witness_utxo = Some(prev);
        }
        p.inputs.push(input);
    }
    let unsigned = p.to_string();
    let r = ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "w",
            "--network",
            "regtest",
        ],
        &unsigned,
    );
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["signed"], 4, "{j}");
    assert_eq!(j["fee_sat"], 10_000);
    let signed = j["psbt"].as_str().unwrap().to_owned();
    let (ok, v) = bitcoinjs_check(&script, &signed, &["--require-partial"]);
    assert!(ok, "bitcoinjs rejected our signatures: {v}");
    // Our own finalizer gives the same transaction bitcoinjs finalized.
    let mut ours = wallet_core::bitcoin::psbt::parse(signed.as_bytes()).unwrap();
    wallet_core::bitcoin::psbt::finalize(&mut ours).unwrap();
    let raw = wallet_core::bitcoin::psbt::extract(&ours).unwrap();
    assert_eq!(hex::encode(raw), v["hex"].as_str().unwrap());
    // A corrupted signature is caught by bitcoinjs (the check can fail).
    let mut bad = wallet_core::bitcoin::psbt::parse(signed.as_bytes()).unwrap();
    let (k, mut sig) = bad.inputs[0]
        .partial_sigs
        .iter()
        .next()
        .map(|(k, s)| (*k, *s))
        .unwrap();
    let mut compact = sig.signature.serialize_compact();
    compact[10] ^= 1;
    sig.signature = bitcoin::secp256k1::ecdsa::Signature::from_compact(&compact).unwrap();
    bad.inputs[0].partial_sigs.insert(k, sig);
    let (ok, _) = bitcoinjs_check(&script, &bad.to_string(), &["--require-partial"]);
    assert!(!ok);
    // --finalize prints the final transaction.
    let r = ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "w",
            "--network",
            "regtest",
            "--finalize",
        ],
        &unsigned,
    );
    r.assert_ok();
    let tx: Transaction = bitcoin::consensus::encode::deserialize(
        &hex::decode(r.json()["hex"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(tx.input.len(), 4);
    // Another wallet has nothing to sign here.
    ks.create("other");
    let r = ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "other",
            "--network",
            "regtest",
        ],
        &unsigned,
    );
    r.assert_fails(1);
}

#[test]
fn bad_bitcoin_inputs_fail_cleanly() {
    let ks = Ks::new();
    ks.create("w");
    for junk in [
        "",
        "not base64!",
        "cHNidP8=",
        "70736274ff",
        "AAAA",
        "0200000000",
    ] {
        let r = ks.run(&["--json", "btc", "sign-psbt", "--yes", "w"], junk);
        r.assert_fails(1);
        assert_eq!(r.err_json()["kind"], "invalid_input", "{junk:?}");
    }
    // Offline checks before any node is contacted.
    let dead = "http://127.0.0.1:9";
    let ltc_to = other_address("ltc", "p2wpkh");
    let btc_to = other_address("btc", "p2wpkh");
    let cases: &[(&[&str], &str, i32)] = &[
        (&["--to", &btc_to, "--amount", "1"], "wrong_network", 1),
        (
            &["--to", &ltc_to, "--amount", "1.123456789"],
            "invalid_input",
            1,
        ),
        (&["--to", &ltc_to, "--amount=-1"], "invalid_input", 1),
        (&["--to", &ltc_to, "--amount", "100sat"], "invalid_input", 1),
        (
            &["--to", "rltc1qqqqq", "--amount", "1"],
            "invalid_address",
            1,
        ),
        (&["--to", &ltc_to, "--amount", "1"], "node_unreachable", 3),
    ];
    for (extra, kind, code) in cases {
        let mut a = vec![
            "--json",
            "btc",
            "send",
            "w",
            "--rpc-url",
            dead,
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--yes",
        ];
        a.extend_from_slice(extra);
        let r = ks.run(&a, "");
        r.assert_fails(*code);
        assert_eq!(r.err_json()["kind"], *kind, "{extra:?}: {}", r.stderr);
    }
    for raw in ["zz", "00", "0200"] {
        let r = ks.run(&["--json", "btc", "broadcast", "--rpc-url", dead, raw], "");
        r.assert_fails(1);
        assert_eq!(r.err_json()["kind"], "invalid_input");
    }
}

#[test]
fn message_signatures_round_trip() {
    let ks = Ks::new();
    ks.create("w");
    for kind in ["p2pkh", "p2sh-p2wpkh", "p2wpkh"] {
        for chain in ["btc", "ltc"] {
            let r = ks.run(
                &[
                    "--json",
                    "sign-message",
                    "w",
                    "--chain",
                    chain,
                    "--type",
                    kind,
                    "hello world",
                ],
                "",
            );
            r.assert_ok();
            let j = r.json();
            let (addr, sig) = (
                j["address"].as_str().unwrap(),
                j["signature"].as_str().unwrap(),
            );
            ks.run(
                &[
                    "verify-message",
                    "--chain",
                    chain,
                    "--address",
                    addr,
                    "--signature",
                    sig,
                    "hello world",
                ],
                "",
            )
            .assert_ok();
            let r = ks.run(
                &[
                    "--json",
                    "verify-message",
                    "--chain",
                    chain,
                    "--address",
                    addr,
                    "--signature",
                    sig,
                    "hello World",
                ],
                "",
            );
            r.assert_fails(1);
            assert_eq!(r.err_json()["kind"], "bad_signature");
        }
    }
    let r = ks.run(
        &[
            "--json",
            "sign-message",
            "w",
            "--chain",
            "btc",
            "--type",
            "p2tr",
            "x",
        ],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
    // The bitcoinjs-message fixture verifies through the CLI.
    let r = wallet(&["verify-message", "--chain", "btc", "--address", "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", "--signature", "H8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0=", "vires is numeris"], "");
    r.assert_ok();
}

fn sat(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

fn ltc_args<'a>(node: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut a: Vec<&str> = node.iter().map(String::as_str).collect();
    a.extend_from_slice(&["--chain", "ltc", "--network", "regtest"]);
    a.extend_from_slice(extra);
    a
}

#[test]
fn litecoind_regtest_payments_balances_and_rejections() {
    let Some(node) = Node::litecoind() else {
        return;
    };
    let na = node.cli_args();
    let ks = Ks::new();
    ks.create("w");
    let sink = other_address("ltc", "p2wpkh");
    // Coins on all four address types, then maturity.
    for (i, kind) in TYPES.iter().enumerate() {
        let (addr, _) = ks.address("w", "ltc", kind, i as u32);
        node.rpc("generatetoaddress", json!([1, addr]));
    }
    node.rpc("generatetoaddress", json!([100, sink]));
    let bal = |ks: &Ks| -> Value {
        let mut a = vec!["--json", "btc", "balance", "w"];
        a.extend(ltc_args(&na, &[]));
        let r = ks.run(&a, "");
        r.assert_ok();
        r.json()
    };
    let b0 = bal(&ks);
    assert_eq!(sat(&b0["confirmed_sat"]), 4 * 50 * 100_000_000, "{b0}");
    for kind in TYPES {
        assert_eq!(sat(&b0["by_type_sat"][kind]), 50 * 100_000_000, "{kind}");
    }
    let send = |ks: &Ks, extra: &[&str]| -> Run {
        let mut a = vec!["--json", "btc", "send", "w", "--yes"];
        a.extend(ltc_args(&na, extra));
        ks.run(&a, "")
    };
    // A fee below the minimum relay fee: the node's reason, nothing sent.
    let r = send(&ks, &["--to", &sink, "--amount", "1", "--fee-rate", "0.2"]);
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "rejected");
    assert_eq!(e["reason"], "fee_too_low", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("min relay fee"),
        "{e}"
    );
    // Wrong network and wrong chain are refused before anything happens.
    let mut a = vec!["--json", "btc", "balance", "w"];
    let mut wrong = na.iter().map(String::as_str).collect::<Vec<_>>();
    wrong.extend(["--chain", "ltc", "--network", "testnet"]);
    a.extend(wrong);
    let r = ks.run(&a, "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_chain");
    let mut a = vec!["--json", "btc", "balance", "w"];
    let mut wrong = na.iter().map(String::as_str).collect::<Vec<_>>();
    wrong.extend(["--chain", "btc", "--network", "regtest"]);
    a.extend(wrong);
    let r = ks.run(&a, "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_chain", "{}", r.stderr);
    // A fee rate above the safety cap (a typo like 2000 for 2) is refused
    // unless allowed explicitly; nothing is sent.
    let before = node.rpc("getmempoolinfo", json!([]))["size"].clone();
    let r = send(&ks, &["--to", &sink, "--amount", "1", "--fee-rate", "2000"]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(e["message"].as_str().unwrap().contains("safety cap"), "{e}");
    assert_eq!(node.rpc("getmempoolinfo", json!([]))["size"], before);
    // Too much.
    let r = send(&ks, &["--to", &sink, "--amount", "500", "--fee-rate", "2"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "insufficient_funds");
    // A payment that needs coins of several types.
    let r = send(&ks, &["--to", &sink, "--amount", "120", "--fee-rate", "2"]);
    r.assert_ok();
    let paid = r.json();
    let txid = paid["txid"].as_str().unwrap().to_owned();
    let inputs = paid["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 3, "{paid}");
    let kinds: std::collections::BTreeSet<&str> =
        inputs.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    let fee = sat(&paid["fee_sat"]);
    let vsize = sat(&paid["vsize"]);
    assert!(fee >= 2 * vsize, "fee {fee} for {vsize} vB");
    assert!(node.rpc("getmempoolentry", json!([txid])).is_object());
    // The raw transaction signals RBF.
    let decoded = node.rpc("decoderawtransaction", json!([paid["hex"]]));
    assert!(decoded["vin"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| sat(&i["sequence"]) < 0xffff_fffe));
    // Before it is mined, the balance leaves out the coins it spends, and a
    // second payment picks other coins instead of double-spending them.
    let pending = bal(&ks);
    let spent_in: u64 = inputs.iter().map(|i| sat(&i["value_sat"])).sum();
    assert_eq!(sat(&pending["spent_in_mempool_sat"]), spent_in, "{pending}");
    assert_eq!(
        sat(&pending["confirmed_sat"]),
        sat(&b0["confirmed_sat"]) - spent_in,
        "{pending}"
    );
    let r = send(&ks, &["--to", &sink, "--amount", "10", "--fee-rate", "2"]);
    r.assert_ok();
    let second = r.json();
    let fee2 = sat(&second["fee_sat"]);
    let outpoint = |i: &serde_json::Value| format!("{}:{}", i["txid"], i["vout"]);
    let first_ins: std::collections::BTreeSet<String> = inputs.iter().map(outpoint).collect();
    for i in second["inputs"].as_array().unwrap() {
        assert!(!first_ins.contains(&outpoint(i)), "{i} is spent twice");
    }
    assert!(node
        .rpc("getmempoolentry", json!([second["txid"]]))
        .is_object());
    // Mine, then everything adds up to the satoshi.
    node.rpc("generatetoaddress", json!([1, sink]));
    let b1 = bal(&ks);
    assert_eq!(sat(&b1["spent_in_mempool_sat"]), 0);
    assert_eq!(
        sat(&b1["confirmed_sat"]),
        sat(&b0["confirmed_sat"]) - 130 * 100_000_000 - fee - fee2,
        "{b1}"
    );
    let change = &paid["change"];
    assert!(
        change["path"].as_str().unwrap().contains("/1/0"),
        "{change}"
    );
    let sink_utxos = node.rpc("scantxoutset", json!(["start", [format!("addr({sink})")]]));
    let got: f64 = sink_utxos["unspents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["txid"] == txid.as_str())
        .map(|u| u["amount"].as_f64().unwrap())
        .sum();
    assert_eq!((got * 1e8).round() as u64, 120 * 100_000_000);
    // A spend of an immature coinbase output: the node refuses it with its reason.
    let (addr, _) = ks.address("w", "ltc", "p2wpkh", 9);
    let hashes = node.rpc("generatetoaddress", json!([1, addr]));
    let block = node.rpc("getblock", json!([hashes[0], 1]));
    let cb_txid: Txid = block["tx"][0].as_str().unwrap().parse().unwrap();
    let cb = node.rpc("gettxout", json!([cb_txid.to_string(), 0]));
    let value = (cb["value"].as_f64().unwrap() * 1e8).round() as u64;
    let b2 = bal(&ks);
    assert_eq!(sat(&b2["immature_sat"]), value);
    assert_eq!(sat(&b2["confirmed_sat"]), sat(&b1["confirmed_sat"]));
    let mut p = Psbt::from_unsigned_tx(Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: cb_txid,
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(value - 10_000),
            script_pubkey: spk_of(&sink, "ltc"),
        }],
    })
    .unwrap();
    p.inputs[0].witness_utxo = Some(TxOut {
        value: Amount::from_sat(value),
        script_pubkey: spk_of(&addr, "ltc"),
    });
    p.inputs[0].non_witness_utxo = Some(node_tx(&node, &cb_txid));
    let r = ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "w",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--finalize",
        ],
        &p.to_string(),
    );
    r.assert_ok();
    let hex_tx = r.json()["hex"].as_str().unwrap().to_owned();
    let mut a = vec!["--json", "btc", "broadcast"];
    a.extend(ltc_args(&na, &[&hex_tx]));
    let r = ks.run(&a, "");
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "rejected");
    assert!(e["message"].as_str().unwrap().contains("premature"), "{e}");
    assert_eq!(e["reason"], "premature", "{e}");
    // Without --fee-rate: regtest has no estimate, so the fallback rate, and
    // the result says where the rate came from.
    let r = send(&ks, &["--to", &sink, "--amount", "1"]);
    r.assert_ok();
    let p = r.json();
    assert_eq!(p["fee_rate_source"], "fallback", "{p}");
    assert_eq!(p["fee_rate"], 2.0, "{p}");
    assert!(sat(&p["fee_sat"]) >= 2 * sat(&p["vsize"]), "{p}");
    // Without --yes: at a terminal anything but "yes" cancels; with no
    // terminal nothing is asked and nothing is sent.
    let mut a = ks.base_args();
    a.extend(["--json", "btc", "send", "w"].map(String::from));
    a.extend(
        ltc_args(&na, &["--to", &sink, "--amount", "1", "--fee-rate", "2"])
            .iter()
            .map(|s| s.to_string()),
    );
    let args: Vec<&str> = a.iter().map(String::as_str).collect();
    let before = node.rpc("getmempoolinfo", json!([]))["size"].clone();
    let t = wallet_tty(
        &args,
        json!([{"expect": "Type 'yes' to continue: ", "send": "no\n"}]),
        &[],
    );
    assert_eq!(t.code, 1, "{t:?}");
    assert!(t.output.contains("Pay 1 LTC to"), "{t:?}");
    let r = wallet_with(&args, b"", &[]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "cancelled", "{}", r.stderr);
    assert_eq!(node.rpc("getmempoolinfo", json!([]))["size"], before);
    // Litecoin's dust limit is ten times Bitcoin's (its -dustrelayfee is
    // 0.0003 LTC/kB): 2,000 sat to a P2WPKH address is refused before
    // anything is signed; 3,000 sat (above 2,940) is relayed by the node.
    let r = send(
        &ks,
        &["--to", &sink, "--amount", "2000sat", "--fee-rate", "2"],
    );
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(e["message"].as_str().unwrap().contains("2940 sat"), "{e}");
    let r = send(
        &ks,
        &["--to", &sink, "--amount", "3000sat", "--fee-rate", "2"],
    );
    r.assert_ok();
    assert!(node
        .rpc("getmempoolentry", json!([r.json()["txid"]]))
        .is_object());
    // Cookie-file authentication (the file holds `user:password`, as
    // Core's .cookie does).
    let cookie = ks.dir.path().join("cookie");
    let with_cookie = |contents: &str| {
        std::fs::write(&cookie, contents).unwrap();
        let mut a = vec!["--json", "btc", "balance", "w", "--rpc-url", &node.url];
        a.extend(["--rpc-cookie", cookie.to_str().unwrap()]);
        a.extend(["--chain", "ltc", "--network", "regtest"]);
        ks.run(&a, "")
    };
    let r = with_cookie(&format!("{}:{}", node.user, node.pass));
    r.assert_ok();
    assert_eq!(r.json(), bal(&ks), "the same node, the same balance");
    let r = with_cookie(&format!("{}:wrong", node.user));
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "auth_failed");
    // Bad credentials.
    let bad_pw = ks.dir.path().join("badpw");
    std::fs::write(&bad_pw, "nope").unwrap();
    let r = ks.run(
        &[
            "--json",
            "btc",
            "balance",
            "w",
            "--rpc-url",
            &node.url,
            "--rpc-user",
            "test",
            "--rpc-password-file",
            bad_pw.to_str().unwrap(),
            "--chain",
            "ltc",
            "--network",
            "regtest",
        ],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "auth_failed");
}

#[test]
fn bcoin_regtest_spend_from_its_address_index() {
    let Some(node) = Node::bcoin() else { return };
    let ks = Ks::new();
    ks.create("w");
    let sink = other_address("btc", "p2wpkh");
    node.rpc("generatetoaddress", json!([432, sink]));
    let (wpkh, _) = ks.address("w", "btc", "p2wpkh", 0);
    let (pkh, _) = ks.address("w", "btc", "p2pkh", 0);
    assert!(wpkh.starts_with("bcrt1q"));
    node.rpc("generatetoaddress", json!([1, wpkh]));
    node.rpc("generatetoaddress", json!([1, pkh]));
    node.rpc("generatetoaddress", json!([100, sink]));
    // The coins, from bcoin's address index (REST).
    let mut coins = Vec::new();
    for addr in [&wpkh, &pkh] {
        let list = http_get_auth(
            node.port,
            &node.user,
            &node.pass,
            &format!("/coin/address/{addr}"),
        );
        let c = list.as_array().unwrap()[0].clone();
        coins.push((addr.clone(), c));
    }
    let mut p = Psbt::from_unsigned_tx(Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![],
        output: vec![],
    })
    .unwrap();
    let mut total = 0;
    for (addr, c) in &coins {
        let txid: Txid = c["hash"].as_str().unwrap().parse().unwrap();
        let value = c["value"].as_u64().unwrap();
        total += value;
        p.unsigned_tx.input.push(TxIn {
            previous_output: OutPoint {
                txid,
                vout: c["index"].as_u64().unwrap() as u32,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::new(),
        });
        let mut input = bitcoin::psbt::Input::default();
        if addr.starts_with("bcrt1") {
            input.witness_utxo = Some(TxOut {
                value: Amount::from_sat(value),
                script_pubkey: spk_of(addr, "btc"),
            });
        }
        let tx = http_get_auth(node.port, &node.user, &node.pass, &format!("/tx/{txid}"));
        let prev: Transaction = bitcoin::consensus::encode::deserialize(
            &hex::decode(tx["hex"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        input.non_witness_utxo = Some(prev);
        p.inputs.push(input);
    }
    p.unsigned_tx.output.push(TxOut {
        value: Amount::from_sat(total - 20_000),
        script_pubkey: spk_of(&sink, "btc"),
    });
    p.outputs.push(bitcoin::psbt::Output::default());
    let r = ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "w",
            "--network",
            "regtest",
            "--finalize",
        ],
        &p.to_string(),
    );
    r.assert_ok();
    let signed = r.json();
    let hex_tx = signed["hex"].as_str().unwrap().to_owned();
    let txid = signed["txid"].as_str().unwrap().to_owned();
    let na = node.cli_args();
    let mut a: Vec<&str> = vec!["--json", "btc", "broadcast"];
    a.extend(na.iter().map(String::as_str));
    a.extend(["--network", "regtest", &hex_tx]);
    let r = ks.run(&a, "");
    r.assert_ok();
    assert_eq!(r.json()["txid"], txid.as_str());
    assert!(node.rpc("getmempoolentry", json!([txid])).is_object());
    // Mined in the next block.
    let hashes = node.rpc("generatetoaddress", json!([1, sink]));
    let block = node.rpc("getblock", json!([hashes[0], true, false]));
    let txs: Vec<String> = block["tx"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t.as_str()
                .map_or_else(|| t["txid"].as_str().unwrap().to_owned(), str::to_owned)
        })
        .collect();
    assert!(txs.contains(&txid), "{block}");
    // Broadcasting it again (a retry) is not a failure: the node has it in
    // a block, and says so; nothing new is sent.
    let r = ks.run(&a, "");
    r.assert_ok();
    let again = r.json();
    assert_eq!(again["txid"], txid.as_str());
    assert_eq!(again["confirmed"], true, "{again}");
    assert_eq!(again["in_mempool"], false, "{again}");
    // bcoin has no scantxoutset: payments say so clearly.
    let mut s: Vec<&str> = vec!["--json", "btc", "balance", "w"];
    s.extend(na.iter().map(String::as_str));
    s.extend(["--network", "regtest"]);
    let r = ks.run(&s, "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
}

/// Every sighash type, on every address type, signed by `sign-psbt` and
/// accepted by litecoind's consensus checks (and the hash-type byte is the one
/// asked for).
#[test]
fn every_sighash_type_is_accepted_by_litecoind() {
    let Some(node) = Node::litecoind() else {
        return;
    };
    let na = node.cli_args();
    let ks = Ks::new();
    ks.create("w");
    let sink = other_address("ltc", "p2wpkh");
    // Two coins on each address type (indexes 0 and 1), then maturity.
    let mut coins: Vec<(&str, String, Txid)> = Vec::new();
    for kind in TYPES {
        for index in 0..2 {
            let (addr, _) = ks.address("w", "ltc", kind, index);
            let h = node.rpc("generatetoaddress", json!([1, addr]));
            let block = node.rpc("getblock", json!([h[0], 1]));
            coins.push((
                kind,
                addr,
                block["tx"][0].as_str().unwrap().parse().unwrap(),
            ));
        }
    }
    node.rpc("generatetoaddress", json!([100, sink]));
    // ECDSA and taproot hash types: ALL, NONE, SINGLE, each with ANYONECANPAY.
    let plans: [[u32; 4]; 2] = [[0x83, 0x02, 0x81, 0x03], [0x82, 0x03, 0x02, 0x81]];
    for (round, plan) in plans.iter().enumerate() {
        let picked: Vec<&(&str, String, Txid)> = TYPES
            .iter()
            .map(|k| coins.iter().filter(|c| c.0 == *k).nth(round).unwrap())
            .collect();
        let mut values = Vec::new();
        for (_, _, txid) in &picked {
            let out = node.rpc("gettxout", json!([txid.to_string(), 0]));
            values.push((out["value"].as_f64().unwrap() * 1e8).round() as u64);
        }
        let total: u64 = values.iter().sum();
        // One output per input, so SIGHASH_SINGLE has its output.
        let each = (total - 100_000) / 4;
        let mut p = Psbt::from_unsigned_tx(Transaction {
            version: bitcoin::transaction::Version::TWO,
            lock_time: bitcoin::absolute::LockTime::ZERO,
            input: picked
                .iter()
                .map(|(_, _, txid)| TxIn {
                    previous_output: OutPoint {
                        txid: *txid,
                        vout: 0,
                    },
                    script_sig: ScriptBuf::new(),
                    sequence: Sequence::MAX,
                    witness: Witness::new(),
                })
                .collect(),
            output: (0..4)
                .map(|_| TxOut {
                    value: Amount::from_sat(each),
                    script_pubkey: spk_of(&sink, "ltc"),
                })
                .collect(),
        })
        .unwrap();
        for (i, (kind, addr, txid)) in picked.iter().enumerate() {
            p.inputs[i].witness_utxo = Some(TxOut {
                value: Amount::from_sat(values[i]),
                script_pubkey: spk_of(addr, "ltc"),
            });
            if *kind == "p2pkh" {
                p.inputs[i].witness_utxo = None;
            }
            if *kind != "p2tr" {
                p.inputs[i].non_witness_utxo = Some(node_tx(&node, txid));
            }
            p.inputs[i].sighash_type = Some(bitcoin::psbt::PsbtSighashType::from_u32(plan[i]));
        }
        // Only SIGHASH_ALL/DEFAULT are signed unless allowed: first refused...
        let base = [
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "w",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--finalize",
        ];
        let r = ks.run(&base, &p.to_string());
        r.assert_fails(1);
        assert!(
            r.stderr
                .contains("does not commit to the whole transaction"),
            "{}",
            r.stderr
        );
        // ...then signed as allowed.
        let allowed: Vec<String> = plan.iter().map(|t| format!("0x{t:x}")).collect();
        let mut args = base.to_vec();
        for t in &allowed {
            args.extend(["--allow-sighash", t.as_str()]);
        }
        let r = ks.run(&args, &p.to_string());
        r.assert_ok();
        let signed = r.json();
        assert_eq!(signed["signed"], 4, "{signed}");
        let hex_tx = signed["hex"].as_str().unwrap().to_owned();
        // The hash-type byte of each signature is the one the PSBT asked for.
        let tx: Transaction =
            bitcoin::consensus::encode::deserialize(&hex::decode(&hex_tx).unwrap()).unwrap();
        for (i, (kind, _, _)) in picked.iter().enumerate() {
            let sig: Vec<u8> = match *kind {
                "p2pkh" => tx.input[i]
                    .script_sig
                    .instructions()
                    .next()
                    .unwrap()
                    .unwrap()
                    .push_bytes()
                    .unwrap()
                    .as_bytes()
                    .to_vec(),
                _ => tx.input[i].witness.nth(0).unwrap().to_vec(),
            };
            assert_eq!(
                u32::from(*sig.last().unwrap()),
                plan[i],
                "{kind} round {round}"
            );
        }
        // Consensus and policy: the node accepts it, and mines it.
        let accept = node.rpc("testmempoolaccept", json!([[hex_tx]]));
        assert_eq!(accept[0]["allowed"], true, "{accept}");
        let mut a = vec!["--json", "btc", "broadcast"];
        a.extend(ltc_args(&na, &[&hex_tx]));
        let r = ks.run(&a, "");
        r.assert_ok();
        assert_eq!(r.json()["txid"], signed["txid"]);
        node.rpc("generatetoaddress", json!([1, sink]));
        let conf = node.rpc("getrawtransaction", json!([signed["txid"], true]));
        assert_eq!(conf["confirmations"], 1, "{conf}");
    }
}

/// Signs a one-input P2WPKH spend of `outpoint` (worth `value`, at the
/// wallet's receive address `from`) paying `pay` to `to`: a raw hex.
fn sign_spend(
    ks: &Ks,
    node: &Node,
    outpoint: OutPoint,
    value: u64,
    (from, to): (&str, &str),
    pay: u64,
) -> String {
    let mut p = Psbt::from_unsigned_tx(Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: outpoint,
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(pay),
            script_pubkey: spk_of(to, "ltc"),
        }],
    })
    .unwrap();
    p.inputs[0].witness_utxo = Some(TxOut {
        value: Amount::from_sat(value),
        script_pubkey: spk_of(from, "ltc"),
    });
    p.inputs[0].non_witness_utxo = Some(node_tx(node, &outpoint.txid));
    let r = ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "--allow-high-fee",
            "w",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--finalize",
        ],
        &p.to_string(),
    );
    r.assert_ok();
    r.json()["hex"].as_str().unwrap().to_owned()
}

#[test]
fn change_addresses_are_never_reused_and_double_spends_are_refused() {
    // Replacement on, as on Bitcoin Core (Litecoin's default is off, where
    // every conflict is a plain txn-mempool-conflict).
    let Some(node) = Node::litecoind_with(&["-mempoolreplacement=1"]) else {
        return;
    };
    let na = node.cli_args();
    let ks = Ks::new();
    ks.create("w");
    let sink = other_address("ltc", "p2wpkh");
    let (addr0, _) = ks.address("w", "ltc", "p2wpkh", 0);
    node.rpc("generatetoaddress", json!([1, addr0]));
    node.rpc("generatetoaddress", json!([100, sink]));
    let send = |extra: &[&str]| -> Run {
        let mut a = vec!["--json", "btc", "send", "w", "--yes"];
        a.extend(ltc_args(&na, extra));
        ks.run(&a, "")
    };
    let balance = |gap: &str| -> Value {
        let mut a = vec!["--json", "btc", "balance", "w", "--gap", gap];
        a.extend(ltc_args(&na, &[]));
        let r = ks.run(&a, "");
        r.assert_ok();
        r.json()
    };
    // Each payment spends the previous one's change (the wallet's only
    // coin), so no coin is left on a used change address for a scan to see:
    // the change still goes to a fresh address every time.
    let mut paths = Vec::new();
    let mut first = None;
    for round in 0..4 {
        let r = send(&["--to", &sink, "--amount", "1", "--fee-rate", "2"]);
        r.assert_ok();
        let p = r.json();
        assert_eq!(p["inputs"].as_array().unwrap().len(), 1, "{p}");
        let path = p["change"]["path"].as_str().unwrap().to_owned();
        assert!(
            path.ends_with(&format!("/1/{round}")),
            "{path} in round {round}"
        );
        paths.push((path, p["change"]["address"].as_str().unwrap().to_owned()));
        if round == 0 {
            first = Some(p.clone());
        }
        node.rpc("generatetoaddress", json!([1, sink]));
    }
    // The last change (index 3) is found even with a gap of 1: the scan
    // covers every change index the wallet handed out.
    let b = balance("1");
    let full = balance("20");
    assert_eq!(b["confirmed_sat"], full["confirmed_sat"], "{b} {full}");
    assert!(sat(&full["confirmed_sat"]) > 45 * 100_000_000, "{full}");
    // The record is the wallet's own file, 0600, and goes with the wallet.
    let record = ks.dir.path().join("ks").join("w.usage");
    let doc: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    assert_eq!(doc["version"], 1, "{doc}");
    assert_eq!(doc["next_change"]["ltc/regtest/m/84'/1'/0'"], 4, "{doc}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&record).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A damaged record stops payments (nothing sent) instead of being
    // silently replaced.
    std::fs::write(&record, "{\"version\": 1, \"next_change\": 3}").unwrap();
    let before = node.rpc("getmempoolinfo", json!([]))["size"].clone();
    let r = send(&["--to", &sink, "--amount", "1", "--fee-rate", "2"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "tampered", "{}", r.stderr);
    assert_eq!(node.rpc("getmempoolinfo", json!([]))["size"], before);
    std::fs::write(&record, serde_json::to_vec(&doc).unwrap()).unwrap();

    // Double spends. The coinbase coin spent (and mined) by the first
    // payment, spent again: the node's reason, exit 3, nothing sent.
    let first = first.unwrap();
    let coin = &first["inputs"][0];
    let outpoint = OutPoint {
        txid: coin["txid"].as_str().unwrap().parse().unwrap(),
        vout: coin["vout"].as_u64().unwrap() as u32,
    };
    let value = sat(&coin["value_sat"]);
    let again = sign_spend(
        &ks,
        &node,
        outpoint,
        value,
        (&addr0, &sink),
        value - 100_000,
    );
    let mut a = vec!["--json", "btc", "broadcast"];
    a.extend(ltc_args(&na, &[&again]));
    let r = ks.run(&a, "");
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "rejected", "{e}");
    assert_eq!(e["reason"], "conflict", "{e}");
    // A coin spent by a payment still in the mempool, spent again with a
    // lower fee: a replacement the node refuses.
    let r = send(&["--to", &sink, "--amount", "1", "--fee-rate", "5"]);
    r.assert_ok();
    let pending = r.json();
    let coin = &pending["inputs"][0];
    let outpoint = OutPoint {
        txid: coin["txid"].as_str().unwrap().parse().unwrap(),
        vout: coin["vout"].as_u64().unwrap() as u32,
    };
    let value = sat(&coin["value_sat"]);
    assert_eq!(coin["path"].as_str().unwrap(), paths[3].0, "{pending}");
    let cheap = sign_spend(
        &ks,
        &node,
        outpoint,
        value,
        (&paths[3].1, &sink),
        value - 200,
    );
    let mut a = vec!["--json", "btc", "broadcast"];
    a.extend(ltc_args(&na, &[&cheap]));
    let r = ks.run(&a, "");
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "rejected", "{e}");
    assert_eq!(e["reason"], "replacement_underpriced", "{e}");
    assert!(node
        .rpc("getmempoolentry", json!([pending["txid"]]))
        .is_object());
    // The same coin with a higher fee replaces it (BIP125; the payment
    // signalled it): the fee bump is sent and the old payment is gone.
    let bump = sign_spend(
        &ks,
        &node,
        outpoint,
        value,
        (&paths[3].1, &sink),
        value - 1_000_000,
    );
    let mut a = vec!["--json", "btc", "broadcast"];
    a.extend(ltc_args(&na, &[&bump]));
    let r = ks.run(&a, "");
    r.assert_ok();
    let bumped = r.json();
    assert_eq!(bumped["in_mempool"], true, "{bumped}");
    assert!(node
        .rpc("getmempoolentry", json!([bumped["txid"]]))
        .is_object());
    let mempool = node.rpc("getrawmempool", json!([]));
    assert!(
        !mempool.as_array().unwrap().contains(&pending["txid"]),
        "{mempool}"
    );
}
