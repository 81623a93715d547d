//! Help that matches behaviour: `sign-message` and `export` list only the
//! flags they accept, and refuse bad combinations before the password is
//! asked for (issues 21.16, 21.17).

use crate::common::*;

/// A keystore with wallet `w`, and a runner that gives no password at all:
/// a command that asks for one fails with "no password given".
fn no_password_ks() -> (Ks, impl Fn(&[&str]) -> Run) {
    let ks = Ks::new();
    let mut a = vec!["import", "w", "--mnemonic"];
    a.extend_from_slice(&FAST);
    ks.run(&a, ABANDON).assert_ok();
    let dir = ks.dir.path().join("ks").to_str().unwrap().to_owned();
    let run = move |args: &[&str]| {
        let mut full = vec!["--json", "--allow-weak-kdf", "--keystore-dir", dir.as_str()];
        full.extend_from_slice(args);
        wallet(&full, "")
    };
    (ks, run)
}

fn asked_for_password(r: &Run) -> bool {
    r.stderr.contains("no password given")
}

#[test]
fn issue21_16_sign_message_help_and_early_refusals() {
    let help = wallet(&["sign-message", "--help"], "");
    help.assert_ok();
    let h = &help.stdout;
    assert!(
        h.contains("Usage: wallet sign-message [OPTIONS] --chain <CHAIN>"),
        "{h}"
    );
    assert!(!h.contains("--count"), "{h}");
    assert!(!h.contains("btc (default)"), "--chain has no default: {h}");
    // Taproot signs with BIP322 only (BIP137 has no P2TR form).
    assert!(h.contains("--bip322"), "{h}");
    let (_ks, run) = no_password_ks();
    // Refused before the password is asked for.
    let usage: [&[&str]; 3] = [
        &["sign-message", "w", "--chain", "btc", "--count", "2", "hi"],
        &["sign-message", "w", "hi"],
        &[
            "sign-message",
            "w",
            "--chain",
            "btc",
            "--type",
            "p2sh",
            "hi",
        ],
    ];
    for bad in usage {
        let r = run(bad);
        r.assert_fails(2);
        assert_eq!(r.err_json()["kind"], "usage", "{bad:?}");
        assert!(!asked_for_password(&r), "{bad:?}: {}", r.stderr);
    }
    let taproot: [&[&str]; 2] = [
        &[
            "sign-message",
            "w",
            "--chain",
            "btc",
            "--type",
            "p2tr",
            "hi",
        ],
        &[
            "sign-message",
            "w",
            "--chain",
            "ltc",
            "--path",
            "m/86'/2'/0'/0/0",
            "hi",
        ],
    ];
    for bad in taproot {
        let r = run(bad);
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "unsupported", "{bad:?}");
        assert!(e["message"].as_str().unwrap().contains("taproot"), "{e}");
        assert!(!asked_for_password(&r), "{bad:?}: {}", r.stderr);
    }
    // A good combination gets as far as the password.
    let r = run(&[
        "sign-message",
        "w",
        "--chain",
        "btc",
        "--type",
        "p2wpkh",
        "hi",
    ]);
    assert!(asked_for_password(&r), "{}", r.stderr);
}

#[test]
fn issue21_17_export_count_refused_before_password() {
    let help = wallet(&["export", "--help"], "");
    assert!(!help.stdout.contains("--count"), "{}", help.stdout);
    let (_ks, run) = no_password_ks();
    for what in ["--xpub", "--private-key", "--wif", "--mnemonic", "--xprv"] {
        let r = run(&["export", "w", what, "--count", "2", "--yes"]);
        r.assert_fails(2);
        assert_eq!(r.err_json()["kind"], "usage", "{what}");
        assert!(!asked_for_password(&r), "{what}: {}", r.stderr);
    }
    // Without --count the xpub needs no password, the key does.
    run(&["export", "w", "--xpub"]).assert_ok();
    let r = run(&["export", "w", "--private-key", "--yes"]);
    assert!(asked_for_password(&r), "{}", r.stderr);
}
