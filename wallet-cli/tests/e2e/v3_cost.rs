//! Issue 22.11: a V3 file asking for more KDF work than wallets write is
//! decrypted only after consent (a terminal's "yes", or
//! `--allow-costly-kdf`), and one asking for more than twice geth's
//! standard scrypt work is refused before any of it is spent.

use crate::common::*;
use serde_json::json;
use wallet_core::key::PrivateKey;
use wallet_core::keystore::v3::{self, ScryptParams};

const KEY: &str = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

/// A V3 file of KEY under "pw": 16 MiB, 1.25× the standard work.
fn costly_file(dir: &std::path::Path) -> std::path::PathBuf {
    let key = PrivateKey::from_hex(KEY).unwrap();
    let params = ScryptParams {
        log_n: 14,
        r: 8,
        p: 20,
    };
    let text = v3::encrypt(&key, b"pw", params).unwrap();
    let path = dir.join("costly.json");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn issue22_11_costly_v3_needs_consent() {
    let ks = Ks::new();
    let file = costly_file(ks.dir.path());
    let f = file.to_str().unwrap();
    let import = |name: &str, extra: &[&str]| {
        let mut a = vec!["--json", "import", name, "--eth-keystore", f];
        a.extend_from_slice(extra);
        a.extend_from_slice(&FAST);
        ks.run(&a, "pw\n")
    };
    // Piped: refused, saying what it would cost and how to allow it.
    let r = import("a", &[]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "cancelled");
    let m = e["message"].as_str().unwrap();
    assert!(
        m.contains("about 16 MiB of memory") && m.contains("--allow-costly-kdf"),
        "{m}"
    );
    assert!(!ks.dir.path().join("ks/a.json").exists());
    // With the flag: imported, the same key.
    import("a", &["--allow-costly-kdf"]).assert_ok();
    let k = ks.run(&["export", "a", "--private-key", "--yes"], "");
    assert_eq!(k.stdout.trim().trim_start_matches("0x"), KEY);
    // At a terminal: asked first; "no" decrypts nothing, "yes" goes on.
    let dir = ks.dir.path().join("ks");
    let pw = ks.dir.path().join("pw");
    let mut args = vec![
        "--allow-weak-kdf",
        "--keystore-dir",
        dir.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "import",
        "b",
        "--eth-keystore",
        f,
    ];
    args.extend_from_slice(&FAST);
    let t = wallet_tty(
        &args,
        json!([{"expect": "Type 'yes' to continue: ", "send": "no\n"}]),
        &[],
    );
    assert_eq!(t.code, 1, "{t:?}");
    assert!(t.output.contains("about 16 MiB of memory"), "{t:?}");
    assert!(!dir.join("b.json").exists());
    let t = wallet_tty(
        &args,
        json!([
            {"expect": "Type 'yes' to continue: ", "send": "yes\n"},
            {"expect": "Password of the Ethereum keystore: ", "send": "pw\n", "hidden": true},
        ]),
        &[],
    );
    assert_eq!(t.code, 0, "{t:?}");
    assert!(dir.join("b.json").exists());
    // Past the ceiling (the 1 GiB the old limit allowed): refused, even with the flag.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["crypto"]["kdfparams"]["n"] = json!(1u64 << 20);
    v["crypto"]["kdfparams"]["p"] = json!(1);
    let huge = ks.dir.path().join("huge.json");
    std::fs::write(&huge, v.to_string()).unwrap();
    let mut a = vec![
        "--json",
        "import",
        "c",
        "--eth-keystore",
        huge.to_str().unwrap(),
        "--allow-costly-kdf",
    ];
    a.extend_from_slice(&FAST);
    let r = ks.run(&a, "pw\n");
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "unsupported");
    assert!(e["message"].as_str().unwrap().contains("1024 MiB"), "{e}");
}
