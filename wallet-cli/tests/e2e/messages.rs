//! BIP322 message signatures through the CLI (issue 18.1): every address
//! type of Bitcoin and Litecoin signs in the format BIP322 prescribes and in
//! the full format, `verify-message` detects the format, tampering fails with
//! `bad_signature`, and signatures cross to and from bip322-js 3.0.0, an
//! independent implementation (`scripts/devnet/install js322`).

use crate::common::*;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// The BIP32 test mnemonic anvil also uses.
const MNEMONIC: &str = "test test test test test test test test test test test junk";
/// A key of the BIP322 basic vectors (`L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k`).
const WIF: &str = "L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k";

fn import(ks: &Ks, name: &str, how: &str, stdin: &str) {
    let mut a = vec!["--json", "import", name, how];
    a.extend_from_slice(&FAST);
    ks.run(&a, stdin).assert_ok();
}

fn sign(ks: &Ks, name: &str, chain: &str, kind: &str, format: &str, msg: &str) -> Run {
    let bip322 = format!("--bip322={format}");
    let mut a = vec!["--json", "sign-message", name, "--chain", chain];
    a.extend_from_slice(&["--type", kind, &bip322, msg]);
    ks.run(&a, "")
}

fn verify(address: &str, chain: &str, signature: &str, msg: &str) -> Run {
    wallet(
        &[
            "--json",
            "verify-message",
            "--chain",
            chain,
            "--address",
            address,
        ]
        .into_iter()
        .chain(["--signature", signature, msg])
        .collect::<Vec<_>>(),
        "",
    )
}

fn signed(r: &Run) -> (String, String, String) {
    r.assert_ok();
    let j = r.json();
    let s = |k: &str| j[k].as_str().unwrap().to_owned();
    (s("address"), s("signature"), s("format"))
}

#[test]
fn bip322_signatures_of_every_type_verify_and_tampering_fails() {
    let ks = Ks::new();
    import(&ks, "w", "--mnemonic", MNEMONIC);
    let cases = [
        ("p2pkh", "legacy", None),
        ("p2sh-p2wpkh", "full", Some("ful")),
        ("p2wpkh", "simple", Some("smp")),
        ("p2tr", "simple", Some("smp")),
    ];
    for chain in ["btc", "ltc"] {
        for (kind, want, prefix) in cases {
            let (addr, sig, format) = signed(&sign(&ks, "w", chain, kind, "auto", "hello"));
            assert_eq!(format, want, "{chain} {kind}");
            if let Some(p) = prefix {
                assert!(sig.starts_with(p), "{chain} {kind}: {sig}");
            }
            let r = verify(&addr, chain, &sig, "hello");
            r.assert_ok();
            assert_eq!(r.json()["format"], want);
            assert_eq!(r.json()["valid"], true);
            let r = verify(&addr, chain, &sig, "hellO");
            r.assert_fails(1);
            assert_eq!(r.err_json()["kind"], "bad_signature", "{chain} {kind}");
            assert_eq!(r.err_json()["valid"], false);
            // Every type signs in the full format too.
            let (addr2, full, format) = signed(&sign(&ks, "w", chain, kind, "full", "hello"));
            assert_eq!((format.as_str(), addr2.as_str()), ("full", addr.as_str()));
            verify(&addr, chain, &full, "hello").assert_ok();
        }
        // Another address of the same wallet does not verify.
        let (a0, sig, _) = signed(&sign(&ks, "w", chain, "p2wpkh", "auto", "m"));
        let other = ks.run(
            &["--json", "address", "w", "--chain", chain, "--index", "1"],
            "",
        );
        let a1 = other.json()["addresses"][0]["address"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_ne!(a0, a1);
        let r = verify(&a1, chain, &sig, "m");
        r.assert_fails(1);
        assert_eq!(r.err_json()["kind"], "bad_signature");
    }
}

#[test]
fn bip322_format_not_allowed_for_the_type_is_refused_before_the_password() {
    let ks = Ks::new();
    import(&ks, "w", "--mnemonic", MNEMONIC);
    let r = sign(&ks, "w", "btc", "p2pkh", "simple", "x");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input");
    // Taproot has no BIP137 form: refused before any password is asked
    // (no password file and no terminal here).
    let ksdir = ks.dir.path().join("ks");
    let r = wallet(
        &[
            "--json",
            "--keystore-dir",
            ksdir.to_str().unwrap(),
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
    assert!(r.err_json()["message"].as_str().unwrap().contains("BIP322"));
    let r = ks.run(
        &[
            "--json",
            "sign-message",
            "w",
            "--chain",
            "eth",
            "--bip322",
            "x",
        ],
        "",
    );
    r.assert_fails(2);
}

#[test]
fn bip322_official_vector_verifies_through_the_cli() {
    // bitcoin/bips bip-0322 basic-test-vectors.json (testdata/vectors/bip322.json).
    let v = vector("bip322.json");
    let mut checked = 0;
    for case in v["basic"]["simple"].as_array().unwrap() {
        let addr = case["address"].as_str().unwrap();
        let msg = case["message"].as_str().unwrap();
        for sig in case["bip322_signatures"].as_array().unwrap() {
            let r = verify(addr, "btc", sig.as_str().unwrap(), msg);
            r.assert_ok();
            assert_eq!(r.json()["format"], "simple");
            verify(addr, "btc", sig.as_str().unwrap(), "tampered").assert_fails(1);
            checked += 1;
        }
    }
    assert!(checked >= 2, "no simple vectors read: {}", v["basic"]);
}

/// Runs bip322-js on `requests` (see testdata/js/bip322_check.cjs), or
/// `None` when it is not installed (outside CI).
fn bip322_js(requests: &[Value]) -> Option<Vec<Value>> {
    devnet_tool("js322/node_modules/bip322-js/package.json")?;
    let mut child = Command::new("node")
        .arg(testdata("js/bip322_check.cjs"))
        .env("DEVNET_JS322", root().join(".devnet/js322"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let body = serde_json::to_vec(requests).unwrap();
    child.stdin.take().unwrap().write_all(&body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn bip322_cli_signatures_verify_in_bip322_js_and_back() {
    let ks = Ks::new();
    import(&ks, "k", "--wif", WIF);
    let mut requests = Vec::new();
    let mut ours = Vec::new();
    for kind in ["p2pkh", "p2wpkh", "p2tr"] {
        let (addr, sig, _) = signed(&sign(&ks, "k", "btc", kind, "auto", "Hello World"));
        // bip322-js 3 predates BIP322 2.0's prefixes: it reads bare base64.
        let bare = sig.strip_prefix("smp").unwrap_or(&sig).to_owned();
        requests.push(
            json!({"op": "verify", "address": addr, "message": "Hello World", "signature": bare}),
        );
        requests.push(
            json!({"op": "verify", "address": addr, "message": "Hello world", "signature": bare}),
        );
        requests.push(json!({"op": "sign", "wif": WIF, "address": addr, "message": "from js"}));
        ours.push(addr);
    }
    let Some(answers) = bip322_js(&requests) else {
        return;
    };
    for (i, addr) in ours.iter().enumerate() {
        let a = &answers[3 * i..3 * i + 3];
        assert_eq!(a[0]["valid"], true, "{addr}: {a:?}");
        assert_eq!(a[1]["valid"], false, "{addr}: {a:?}");
        let theirs = a[2]["signature"].as_str().unwrap();
        verify(addr, "btc", theirs, "from js").assert_ok();
        verify(addr, "btc", theirs, "from JS").assert_fails(1);
    }
}
