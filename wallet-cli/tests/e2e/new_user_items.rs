//! Regression tests named after the remaining items of issue 21 (found by
//! trying the wallet as a new user) and 22.13 that need no node: units of
//! the other coin, a changed message, a garbage broadcast, a phrase mixing
//! word lists, and the V3 export's confirmation.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;

/// A keystore holding `t`, the `abandon … about` phrase.
fn abandon() -> Ks {
    let ks = Ks::new();
    let mut a = vec!["import", "t", "--mnemonic"];
    a.extend_from_slice(&FAST[1..]);
    ks.run(&a, &format!("{ABANDON}\n")).assert_ok();
    ks
}

/// The refusal of `btc send` on `chain` paying `amount`, before any node
/// is asked (the node URL is closed).
fn send_refusal(ks: &Ks, chain: &[&str], to: &str, amount: &str) -> serde_json::Value {
    let mut a = vec![
        "--json",
        "btc",
        "send",
        "t",
        "--rpc-url",
        "http://127.0.0.1:1",
    ];
    a.extend_from_slice(chain);
    a.extend_from_slice(&["--to", to, "--amount", amount, "--yes"]);
    let r = ks.run(&a, "");
    r.assert_fails(1);
    r.err_json()
}

#[test]
fn issue21_2_and_22_13_a_unit_must_belong_to_the_chain() {
    let ks = abandon();
    let ltc = ["--chain", "ltc", "--network", "regtest"];
    let e = send_refusal(
        &ks,
        &ltc,
        "rltc1q6rz28mcfaxtmd6v789l9rrlrusdprr9puuzgkg",
        "0.5btc",
    );
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not in Litecoin's units"),
        "{e}"
    );
    let e = send_refusal(
        &ks,
        &[],
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        "1ltc",
    );
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not in Bitcoin's units"),
        "{e}"
    );
}

#[test]
fn issue21_8_a_changed_message_does_not_match_instead_of_naming_a_signer() {
    let ks = abandon();
    let r = ks.run(
        &["--json", "sign-message", "t", "--chain", "eth", "hello"],
        "",
    );
    r.assert_ok();
    let j = r.json();
    let (address, signature) = (
        j["address"].as_str().unwrap(),
        j["signature"].as_str().unwrap(),
    );
    let check = |msg: &str| {
        let a = [
            "--json",
            "verify-message",
            "--chain",
            "eth",
            "--address",
            address,
        ];
        wallet(&[&a[..], &["--signature", signature, msg]].concat(), "")
    };
    check("hello").assert_ok();
    let r = check("hellp");
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "bad_signature", "{e}");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("does not match this message and address"),
        "{msg}"
    );
    assert!(!msg.contains("made by"), "{msg}");
}

#[test]
fn issue21_13_a_phrase_mixing_word_lists_names_both_languages() {
    let r = wallet(
        &["mnemonic", "new", "--language", "french", "--words", "12"],
        "",
    );
    r.assert_ok();
    let mut words: Vec<&str> = r.stdout.split_whitespace().collect();
    words[4] = "zoo"; // English only
    let r = wallet(
        &["--json", "mnemonic", "check"],
        &format!("{}\n", words.join(" ")),
    );
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(
        (
            e["kind"].as_str(),
            e["language"].as_str(),
            e["word_language"].as_str()
        ),
        (Some("invalid_mnemonic"), Some("french"), Some("english")),
        "{e}"
    );
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("is from the English word list, but the rest of the phrase is French"),
        "{msg}"
    );
    assert!(!msg.contains("a English"), "{msg}");
}

#[test]
fn issue21_15_a_garbage_broadcast_says_what_is_wrong() {
    for (tx, why) in [("00112233", "ends too early"), ("zz", "hex")] {
        let r = wallet(
            &[
                "--json",
                "btc",
                "broadcast",
                "--rpc-url",
                "http://127.0.0.1:1",
                tx,
            ],
            "",
        );
        r.assert_fails(r.code.max(1));
        let e = r.err_json();
        let msg = e["message"].as_str().unwrap();
        assert!(!msg.contains("IO error"), "{msg}");
        assert!(msg.contains(why), "{tx}: {msg}");
        assert_ne!(
            e["kind"], "node_unreachable",
            "refused before any node is asked: {e}"
        );
    }
}

#[test]
fn issue21_11_the_v3_export_asks_to_write_an_encrypted_file() {
    let ks = abandon();
    let out = ks.dir.path().join("out.json");
    let o = out.to_str().unwrap();
    let base = [
        "--json",
        "export",
        "t",
        "--eth-keystore",
        o,
        "--chain",
        "eth",
    ];
    // Without a terminal or --yes: refused, and nothing is written.
    let r = ks.run(&base, "");
    r.assert_fails(r.code.max(1));
    assert!(
        r.err_json()["message"]
            .as_str()
            .unwrap()
            .contains("confirmation"),
        "{r:?}"
    );
    assert!(!out.exists());
    // With --yes (the export password is the wallet's, given twice on a
    // terminal; from the password file here): a V3 file, mode 0600.
    let r = ks.run(&[&base[..], &["--yes"]].concat(), "");
    r.assert_ok();
    assert_eq!(
        r.json()["address"],
        "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    );
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let v3: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v3["version"], 3);
}
