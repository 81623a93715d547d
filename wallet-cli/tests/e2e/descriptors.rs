//! Descriptors and watch-only wallets on a real litecoind (Litecoin Core
//! 0.21, issue 18.2–18.4): the node itself reads what `export --descriptor`
//! prints (`getdescriptorinfo`, `deriveaddresses`, a watch-only wallet in
//! the node through `importmulti` — this build has no sqlite, so no
//! descriptor wallets), sees the same balance as `btc balance`; a PSBT made
//! by our watch-only wallet (version 2 too) is signed by the wallet with the
//! keys and accepted by the node.

use crate::common::*;
use serde_json::{json, Value};

const MNEMONIC: &str = "test test test test test test test test test test test junk";
const TYPES: [&str; 4] = ["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"];

fn import_keys(ks: &Ks) {
    let mut a = vec!["--json", "import", "w", "--mnemonic"];
    a.extend_from_slice(&FAST);
    ks.run(&a, MNEMONIC).assert_ok();
}

fn net<'a>(node: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut a: Vec<&str> = node.iter().map(String::as_str).collect();
    a.extend_from_slice(&["--chain", "ltc", "--network", "regtest"]);
    a.extend_from_slice(extra);
    a
}

fn export(ks: &Ks, name: &str, extra: &[&str]) -> Run {
    let mut a = vec!["--json", "export", name, "--descriptor", "--chain", "ltc"];
    a.extend_from_slice(&["--network", "regtest"]);
    a.extend_from_slice(extra);
    ks.run(&a, "")
}

fn addresses(ks: &Ks, name: &str, kind: &str, extra: &[&str]) -> Vec<String> {
    let mut a = vec![
        "--json",
        "address",
        name,
        "--chain",
        "ltc",
        "--network",
        "regtest",
    ];
    a.extend_from_slice(&["--type", kind, "--count", "5"]);
    a.extend_from_slice(extra);
    let r = ks.run(&a, "");
    r.assert_ok();
    r.json()["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["address"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn litecoind_reads_our_descriptors_and_watch_only_psbts_are_accepted() {
    let Some(node) = Node::litecoind_with(&["-disablewallet=0"]) else {
        return;
    };
    let na = node.cli_args();
    let ks = Ks::new();
    import_keys(&ks);
    let r = export(&ks, "w", &[]);
    r.assert_ok();
    let exported = r.json();
    assert_eq!(exported["private"], false);
    let accounts = exported["accounts"].as_array().unwrap().clone();
    assert_eq!(accounts.len(), 4, "{exported}");
    // Litecoin Core 0.21 has no tr() descriptors (taproot descriptors came
    // with Bitcoin Core 22): the node checks the other three types.
    let node_types: Vec<&Value> = accounts.iter().filter(|a| a["type"] != "p2tr").collect();
    assert_eq!(node_types.len(), 3);
    for a in node_types.iter().copied() {
        let kind = a["type"].as_str().unwrap();
        for chain in ["receive", "change"] {
            let d = a[chain].as_str().unwrap();
            let info = node.rpc("getdescriptorinfo", json!([d]));
            let (ours, body) = d.rsplit_once('#').unwrap();
            assert_eq!(info["checksum"], body, "{kind} {chain}: {info}");
            assert!(info["isrange"].as_bool().unwrap());
            assert_eq!(info["hasprivatekeys"], false);
            assert!(ours.contains(&format!(
                "[{}/",
                exported["master_fingerprint"].as_str().unwrap()
            )));
        }
        let derived = node.rpc("deriveaddresses", json!([a["receive"], [0, 4]]));
        assert_eq!(derived, json!(addresses(&ks, "w", kind, &[])), "{kind}");
        let derived = node.rpc("deriveaddresses", json!([a["change"], [0, 4]]));
        assert_eq!(
            derived,
            json!(addresses(&ks, "w", kind, &["--change"])),
            "{kind}"
        );
    }
    // Our own watch-only wallet from the exported lines.
    let text = export(&ks, "w", &[]).json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            [
                a["receive"].as_str().unwrap().to_owned(),
                a["change"].as_str().unwrap().to_owned(),
            ]
        })
        .collect::<Vec<_>>()
        .join("\n");
    let r = ks.run(
        &[
            "--json",
            "import",
            "watch",
            "--descriptor",
            "--chain",
            "ltc",
            "--network",
            "regtest",
        ],
        &text,
    );
    r.assert_ok();
    assert_eq!(r.json()["kind"], "watch-only");
    for kind in TYPES {
        assert_eq!(
            addresses(&ks, "watch", kind, &[]),
            addresses(&ks, "w", kind, &[])
        );
    }
    // Coins on two types, matured.
    let sink = node_address(&node);
    for (i, kind) in ["p2wpkh", "p2sh-p2wpkh"].iter().enumerate() {
        let addr = addresses(&ks, "w", kind, &[])[i].clone();
        node.rpc("generatetoaddress", json!([1, addr]));
    }
    node.rpc("generatetoaddress", json!([100, sink]));
    // The node's watch-only wallet (legacy: importmulti with desc).
    node.rpc("createwallet", json!(["nodewatch", true, true]));
    let requests: Vec<Value> = node_types
        .iter()
        .flat_map(|a| {
            ["receive", "change"]
                .map(|c| json!({"desc": a[c], "range": [0, 49], "timestamp": 0, "watchonly": true}))
        })
        .collect();
    let answers = node.rpc_wallet("nodewatch", "importmulti", json!([requests]));
    assert!(
        answers
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["success"] == true),
        "{answers}"
    );
    let node_balance = node.rpc_wallet("nodewatch", "getbalances", json!([]));
    let node_sat = (node_balance["watchonly"]["trusted"].as_f64().unwrap() * 1e8).round() as u64;
    let balance = |name: &str| -> u64 {
        let mut a = vec!["--json", "btc", "balance", name];
        a.extend(net(&na, &[]));
        let r = ks.run(&a, "");
        r.assert_ok();
        r.json()["confirmed_sat"].as_u64().unwrap()
    };
    assert_eq!(node_sat, 100 * 100_000_000, "{node_balance}");
    assert_eq!(balance("w"), node_sat);
    assert_eq!(balance("watch"), node_sat);
    // A PSBT from the watch-only side, version 2, signed by the keys.
    let mut a = vec!["--json", "btc", "create-psbt", "watch", "--to", &sink];
    a.extend(net(
        &na,
        &["--amount", "1.5", "--fee-rate", "3", "--psbt-version", "2"],
    ));
    let r = ks.run(&a, "");
    r.assert_ok();
    let made = r.json();
    assert_eq!(made["psbt_version"], 2);
    let change_addr = made["change"]["address"].as_str().unwrap().to_owned();
    assert!(addresses(&ks, "w", "p2wpkh", &["--change"]).contains(&change_addr));
    let psbt = made["psbt"].as_str().unwrap().to_owned();
    // The node (0.21) cannot read version 2; our signer can.
    assert!(node.rpc_raw("decodepsbt", json!([psbt]))["error"].is_object());
    let sign = |p: &str, extra: &[&str]| -> Run {
        let mut a = vec![
            "--json",
            "btc",
            "sign-psbt",
            "w",
            "--yes",
            "--chain",
            "ltc",
            "--network",
            "regtest",
        ];
        a.extend_from_slice(extra);
        ks.run(&a, p)
    };
    let r = sign(&psbt, &[]);
    r.assert_ok();
    let signed = r.json();
    assert_eq!(signed["psbt_version"], 2, "{signed}");
    let outputs = signed["outputs"].as_array().unwrap();
    assert!(outputs.iter().any(|o| o["change"] == true), "{signed}");
    // Converted to version 0, the node finalizes it and accepts it.
    let r = ks.run(
        &["--json", "btc", "convert-psbt", "--psbt-version", "0"],
        signed["psbt"].as_str().unwrap(),
    );
    r.assert_ok();
    let v0 = r.json()["psbt"].as_str().unwrap().to_owned();
    let fin = node.rpc("finalizepsbt", json!([v0]));
    assert_eq!(fin["complete"], true, "{fin}");
    let accept = node.rpc("testmempoolaccept", json!([[fin["hex"]]]));
    assert_eq!(accept[0]["allowed"], true, "{accept}");
    // The same PSBT finalized by the wallet is accepted and sent.
    let r = sign(&psbt, &["--finalize"]);
    r.assert_ok();
    let txid = node.rpc("sendrawtransaction", json!([r.json()["hex"]]));
    assert_eq!(txid, r.json()["txid"]);
    // A second PSBT gets the next change address (the first was recorded).
    let mut a = vec![
        "--json",
        "btc",
        "send",
        "watch",
        "--psbt-only",
        "--to",
        &sink,
    ];
    a.extend(net(&na, &["--amount", "0.5", "--fee-rate", "3"]));
    let r = ks.run(&a, "");
    r.assert_ok();
    assert_ne!(r.json()["change"]["address"], json!(change_addr));
    assert_eq!(r.json()["psbt_version"], 0);
    // A watch-only wallet cannot sign or send.
    let mut a = vec!["--json", "btc", "send", "watch", "--yes", "--to", &sink];
    a.extend(net(&na, &["--amount", "0.5"]));
    let r = ks.run(&a, "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
    assert!(r.err_json()["message"]
        .as_str()
        .unwrap()
        .contains("watch-only"));
}

/// An address of another wallet (the "abandon … about" mnemonic's).
fn node_address(_node: &Node) -> String {
    let abandon = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    let r = wallet(
        &[
            "--json",
            "derive",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--index",
            "7",
        ],
        abandon,
    );
    r.json()["addresses"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn descriptor_exports_and_imports_fail_clearly() {
    let ks = Ks::new();
    import_keys(&ks);
    // Private descriptors need the password and a confirmation.
    let r = export(&ks, "w", &["--private", "--yes", "--type", "p2wpkh"]);
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["private"], true);
    assert!(j["accounts"][0]["descriptor"]
        .as_str()
        .unwrap()
        .contains("tprv"));
    // Addresses are not accounts.
    let r = export(&ks, "w", &["--index", "3"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input");
    let r = ks.run(
        &["--json", "export", "w", "--descriptor", "--chain", "eth"],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
    let import = |name: &str, text: &str| {
        ks.run(
            &[
                "--json",
                "import",
                name,
                "--descriptor",
                "--chain",
                "ltc",
                "--network",
                "regtest",
            ],
            text,
        )
    };
    let good = export(&ks, "w", &["--type", "p2wpkh"]).json()["accounts"][0]["descriptor"]
        .as_str()
        .unwrap()
        .to_owned();
    // A changed character fails the checksum; a mainnet key is the wrong network.
    let bad = good.replacen("84h", "44h", 1).replacen("84'", "44'", 1);
    let r = import("x", &bad);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "bad_checksum", "{}", r.stderr);
    let main = ks.run(
        &[
            "--json",
            "export",
            "w",
            "--descriptor",
            "--chain",
            "ltc",
            "--type",
            "p2wpkh",
        ],
        "",
    );
    let r = import(
        "x",
        main.json()["accounts"][0]["descriptor"].as_str().unwrap(),
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_network", "{}", r.stderr);
    let r = import("x", "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input");
    let r = import("x", &format!("{good}\n{good}"));
    r.assert_fails(1);
    assert!(r.err_json()["message"]
        .as_str()
        .unwrap()
        .contains("at most one"));
    assert!(!ks.dir.path().join("ks/x.json").exists());
    // The name of an existing wallet is refused.
    let r = import("w", &good);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "already_exists");
    // A watch-only wallet lists as such and has no secrets.
    import("wo", &good).assert_ok();
    let list = ks.run(&["--json", "list"], "").json();
    let wo = list["wallets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "wo")
        .unwrap()
        .clone();
    assert_eq!(wo["kind"], "watch-only");
    let r = ks.run(&["--json", "export", "wo", "--mnemonic", "--yes"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
    let r = ks.run(
        &["--json", "sign-message", "wo", "--chain", "ltc", "hi"],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
    let r = ks.run(&["--json", "address", "wo", "--type", "p2tr"], "");
    r.assert_fails(1);
    let r = ks.run(&["--json", "address", "wo", "--chain", "btc"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_chain");
    let r = ks.run(&["--json", "info", "wo"], "");
    r.assert_ok();
    assert_eq!(r.json()["accounts"][0]["descriptor"], json!(good));
    ks.run(&["--json", "delete", "wo", "--yes"], "").assert_ok();
    assert!(!ks.dir.path().join("ks/wo.json").exists());
}
