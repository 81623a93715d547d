//! Interop with bip322-js 3.0.0, an independent implementation
//! (`scripts/devnet/install js322`, driven by tests/js/bip322_check.cjs):
//! our signatures verify there and theirs verify here, for P2WPKH,
//! P2SH-P2WPKH, P2TR and P2PKH. bip322-js predates BIP322 2.0: it reads
//! bare (unprefixed) simple signatures, signs P2SH-P2WPKH in the simple
//! format, has no full format, and uses BIP137 for P2PKH.

use super::*;
use std::io::Write;
use std::process::{Command, Stdio};

/// The check script, or `None` (skip) when bip322-js is not installed,
/// unless `WALLET_REQUIRE_DEVNET` is set (CI): then a missing tool fails, as
/// tests/common's `devnet_tool` does for the CLI tests.
fn checker() -> Option<PathBuf> {
    let marker = root().join(".devnet/js322/node_modules/bip322-js/package.json");
    if !marker.exists() {
        if std::env::var_os("WALLET_REQUIRE_DEVNET").is_some() {
            panic!(
                "{} is missing: run scripts/devnet/install js322",
                marker.display()
            );
        }
        eprintln!(
            "SKIPPED: {} not installed (run scripts/devnet/install js322)",
            marker.display()
        );
        return None;
    }
    Some(root().join("testdata/js/bip322_check.cjs"))
}

/// Runs every request in one node process; one answer per request.
fn ask(script: &PathBuf, requests: &[Value]) -> Vec<Value> {
    let mut child = Command::new("node")
        .arg(script)
        .env("DEVNET_JS322", root().join(".devnet/js322"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    let body = serde_json::to_vec(requests).unwrap();
    child.stdin.take().unwrap().write_all(&body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answers.len(), requests.len());
    answers
}

/// The bare base64 witness of one of our signatures, as bip322-js reads it
/// (for P2SH-P2WPKH: the witness of our full signature).
fn for_bip322_js(k: &PrivateKey, address: &Address, kind: AddressType, msg: &str) -> String {
    let bare = SignOptions {
        prefix: false,
        ..SignOptions::default()
    };
    match kind {
        AddressType::P2pkh => bip322::sign(k, address, msg.as_bytes(), Format::Legacy).unwrap(),
        AddressType::P2shP2wpkh => {
            let full = bip322::sign(k, address, msg.as_bytes(), Format::Full).unwrap();
            let witness = &decode_full(&full).input[0].witness;
            B64.encode(bitcoin::consensus::serialize(witness))
        }
        _ => bip322::sign_with(k, address, msg.as_bytes(), Format::Simple, &bare).unwrap(),
    }
}

fn cases() -> Vec<(&'static str, AddressType, NetworkParams)> {
    let testnet = NetworkParams::new(Chain::Bitcoin, Network::Testnet).unwrap();
    let mut out = Vec::new();
    for wif in [WIF_A, WIF_B] {
        for kind in AddressType::ALL {
            out.push((wif, kind, NetworkParams::BITCOIN));
        }
    }
    out.push((WIF_A, AddressType::P2wpkh, testnet));
    out.push((WIF_B, AddressType::P2tr, testnet));
    out
}

#[test]
fn our_signatures_verify_in_bip322_js() {
    let Some(script) = checker() else { return };
    let msg = "signed by wallet-core, checked by bip322-js";
    let mut requests = Vec::new();
    for (wif, kind, params) in cases() {
        let k = key(wif);
        let address = address_of(&k, kind, params);
        let sig = for_bip322_js(&k, &address, kind, msg);
        for m in [msg, "a message that was not signed"] {
            requests.push(serde_json::json!({
                "op": "verify", "address": address.to_string(), "message": m, "signature": sig,
            }));
        }
    }
    let answers = ask(&script, &requests);
    for (req, ans) in requests.iter().zip(&answers) {
        assert_eq!(ans["ok"], true, "{req} -> {ans}");
        let want = req["message"] == msg;
        assert_eq!(ans["valid"], want, "{req} -> {ans}");
    }
}

#[test]
fn bip322_js_signatures_verify_here() {
    let Some(script) = checker() else { return };
    let msg = "signed by bip322-js, checked by wallet-core";
    let cases = cases();
    let requests: Vec<Value> = cases
        .iter()
        .map(|(wif, kind, params)| {
            let address = address_of(&key(wif), *kind, *params);
            serde_json::json!({ "op": "sign", "wif": wif, "address": address.to_string(), "message": msg })
        })
        .collect();
    let answers = ask(&script, &requests);
    for ((wif, kind, params), ans) in cases.iter().zip(&answers) {
        assert_eq!(ans["ok"], true, "{kind}: {ans}");
        let sig = ans["signature"].as_str().unwrap();
        let address = address_of(&key(wif), *kind, *params);
        let ok =
            bip322::verify(&address, msg.as_bytes(), sig).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let want = if *kind == AddressType::P2pkh {
            Format::Legacy
        } else {
            Format::Simple
        };
        assert_eq!(ok.format, want, "{kind}");
        let e = bip322::verify(&address, b"another message", sig).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadSignature, "{kind}: {e}");
    }
}
