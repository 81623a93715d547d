//! End-to-end tests of the built `wallet` binary: mnemonic, derive, completions,
//! output formats, exit codes, and a clean error for every bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use std::io::Write;
use wallet_core::hd::ExtendedPrivateKey;

const LANGS: [&str; 10] = [
    "english",
    "chinese-simplified",
    "chinese-traditional",
    "japanese",
    "korean",
    "spanish",
    "french",
    "italian",
    "czech",
    "portuguese",
];

#[test]
fn mnemonic_new_every_language_and_length_passes_check() {
    for lang in LANGS {
        for words in ["12", "15", "18", "21", "24"] {
            let r = wallet(
                &[
                    "--json",
                    "mnemonic",
                    "new",
                    "--words",
                    words,
                    "--language",
                    lang,
                ],
                "",
            );
            r.assert_ok();
            let v = r.json();
            let phrase = v["mnemonic"].as_str().unwrap();
            assert_eq!(v["words"].as_u64().unwrap().to_string(), words);
            assert_eq!(v["language"], lang);
            if lang == "japanese" {
                assert!(
                    phrase.contains('\u{3000}'),
                    "Japanese uses the ideographic space"
                );
            }
            let c = wallet(&["--json", "mnemonic", "check"], phrase);
            c.assert_ok();
            let cv = c.json();
            assert_eq!(cv["valid"], true);
            assert_eq!(cv["words"].as_u64().unwrap().to_string(), words);
            // Chinese phrases can be valid in both lists; the detected one must accept it.
            if !lang.starts_with("chinese") {
                assert_eq!(cv["language"], lang);
            }
            let c2 = wallet(&["mnemonic", "check", "--language", lang], phrase);
            c2.assert_ok();
            assert!(c2.stdout.contains("valid"));
        }
    }
}

#[test]
fn mnemonic_new_text_output_is_just_the_phrase() {
    let r = wallet(&["mnemonic", "new"], "");
    r.assert_ok();
    let line = r.stdout.trim_end_matches('\n');
    assert!(!line.contains('\n'));
    assert_eq!(line.split(' ').count(), 12);
    wallet(&["mnemonic", "check"], &r.stdout).assert_ok();
    // Two runs never repeat.
    let r2 = wallet(&["mnemonic", "new", "--words", "24"], "");
    assert_ne!(r.stdout, r2.stdout);
    assert_eq!(r2.stdout.split_whitespace().count(), 24);
}

#[test]
fn typo_gets_a_suggestion() {
    let typo = ABANDON
        .replacen("abandon", "abandn", 1)
        .replacen("abandon", "abnadon", 1);
    let r = wallet(&["mnemonic", "check"], &typo);
    r.assert_fails(1);
    assert!(r.stderr.contains("word 1 'abandn'"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean 'abandon'"), "{}", r.stderr);
    let j = wallet(&["--json", "mnemonic", "check"], &typo);
    j.assert_fails(1);
    let e = j.err_json();
    assert_eq!(e["kind"], "invalid_mnemonic");
    assert_eq!(e["position"], 1);
    assert_eq!(e["suggestions"][0], "abandon");
    assert!(j.stdout.is_empty());
}

#[test]
fn mnemonic_check_errors() {
    let cases: &[(&str, &str)] = &[
        (&ABANDON.replace("about", "abandon"), "bad_checksum"),
        ("abandon abandon abandon", "invalid_mnemonic"),
        (&format!("{ABANDON} abandon"), "invalid_mnemonic"),
        (
            &ABANDON.replacen("abandon", "abeille", 1),
            "invalid_mnemonic",
        ),
        ("   \n", "invalid_input"),
        ("zzzz qqqq", "invalid_mnemonic"),
    ];
    for (phrase, kind) in cases {
        let r = wallet(&["--json", "mnemonic", "check"], phrase);
        r.assert_fails(1);
        assert_eq!(r.err_json()["kind"], *kind, "{phrase}: {}", r.stderr);
        let plain = wallet(&["mnemonic", "check"], phrase);
        plain.assert_fails(1);
        assert!(plain.stderr.starts_with("error: "), "{}", plain.stderr);
    }
    // The foreign word is named with its language.
    let r = wallet(
        &["mnemonic", "check"],
        &ABANDON.replacen("abandon", "abeille", 1),
    );
    assert!(r.stderr.contains("French"), "{}", r.stderr);
    // An English phrase checked as Spanish.
    wallet(&["mnemonic", "check", "--language", "spanish"], ABANDON).assert_fails(1);
    // Invalid UTF-8 on stdin.
    let r = wallet_with(&["mnemonic", "check"], &[0xff, 0xfe, 0x20], &[]);
    r.assert_fails(1);
    assert!(r.stderr.contains("UTF-8"));
}

#[test]
fn derive_bip84_bip86_bip49_vectors() {
    for (file, extra) in [
        ("bip84.json", vec![]),
        ("bip86.json", vec!["--type", "p2tr"]),
        (
            "bip49.json",
            vec!["--type", "p2sh-p2wpkh", "--network", "testnet"],
        ),
    ] {
        let v = vector(file);
        let sm = &v["summary"];
        let addrs = sm["addresses"].as_array().unwrap();
        for a in addrs {
            let path = a["path"].as_str().unwrap();
            let parts: Vec<&str> = path.split('/').collect();
            let change = parts[4] == "1";
            let index = parts[5];
            let mut args = vec!["--json", "derive", "--index", index];
            if change {
                args.push("--change");
            }
            args.extend(extra.iter().copied());
            let r = wallet(&args, sm["mnemonic"].as_str().unwrap());
            r.assert_ok();
            let j = r.json();
            assert_eq!(j["addresses"][0]["address"], a["address"], "{file} {path}");
            assert_eq!(j["addresses"][0]["path"], path);
            // The same address through --path.
            let mut args = vec!["derive", "--path", path];
            args.extend(
                extra
                    .iter()
                    .copied()
                    .filter(|x| *x != "--type" && !x.starts_with("p2")),
            );
            let r = wallet(&args, sm["mnemonic"].as_str().unwrap());
            r.assert_ok();
            assert_eq!(
                r.stdout.trim(),
                format!("{path}  {}", a["address"].as_str().unwrap())
            );
        }
        // The account xpub in SLIP-132 form.
        let r = wallet(
            &[&["--json", "derive"][..], &extra].concat(),
            sm["mnemonic"].as_str().unwrap(),
        );
        let j = r.json();
        match file {
            "bip84.json" => assert_eq!(j["account_slip132"], sm["account_zpub"], "{file}"),
            "bip49.json" => assert_eq!(j["account_slip132"], sm["account_upub"], "{file}"),
            _ => {
                assert_eq!(j["account_xpub"], sm["account_xpub"], "{file}");
                assert!(j.get("account_slip132").is_none(), "{j}");
            }
        }
        // The plain form is the same key with BIP32's version bytes.
        let plain =
            wallet_core::hd::ExtendedPublicKey::parse(j["account_xpub"].as_str().unwrap()).unwrap();
        let prefix = if file == "bip49.json" { "tpub" } else { "xpub" };
        assert!(
            j["account_xpub"].as_str().unwrap().starts_with(prefix),
            "{j}"
        );
        if let Some(s) = j["account_slip132"].as_str() {
            let slip = wallet_core::hd::ExtendedPublicKey::parse(s).unwrap();
            assert_eq!(plain.public_key(), slip.public_key());
        }
    }
}

#[test]
fn derive_bip44_p2pkh_known_answers() {
    // BIP44 (P2PKH) for the "abandon … about" phrase, m/44'/0'/0'/0/0 and the
    // first change address, as every BIP44 wallet derives them (checked with an
    // independent from-scratch BIP32 computation in Python).
    let r = wallet(
        &["--json", "derive", "--type", "p2pkh", "--count", "1"],
        ABANDON,
    );
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["addresses"][0]["path"], "m/44'/0'/0'/0/0");
    assert_eq!(
        j["addresses"][0]["address"],
        "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"
    );
    assert_eq!(
        j["account_xpub"],
        "xpub6BosfCnifzxcFwrSzQiqu2DBVTshkCXacvNsWGYJVVhhawA7d4R5WSWGFNbi8Aw6ZRc1brxMyWMzG3DSSSSoekkudhUd9yLb6qx39T9nMdj"
    );
    let r = wallet(&["derive", "--path", "m/44'/0'/0'/1/0"], ABANDON);
    r.assert_ok();
    assert_eq!(
        r.stdout.trim(),
        "m/44'/0'/0'/1/0  1J3J6EvPrv8q6AC3VCjWV45Uf3nssNMRtH"
    );
}

#[test]
fn derive_ethereum_anvil_accounts() {
    let r = wallet(
        &["derive", "--chain", "eth", "--count", "3"],
        ANVIL_MNEMONIC,
    );
    r.assert_ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "m/44'/60'/0'/0/0  0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "m/44'/60'/0'/0/1  0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "m/44'/60'/0'/0/2  0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        ]
    );
    let j = wallet(
        &["--json", "derive", "--chain", "eth", "--index", "9"],
        ANVIL_MNEMONIC,
    )
    .json();
    assert_eq!(j["chain"], "eth");
    assert_eq!(
        j["addresses"][0]["address"],
        "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"
    );
    assert!(j.get("network").is_none());
}

#[test]
fn derive_litecoin_prefixes() {
    for (network, kind, prefix) in [
        ("mainnet", "p2wpkh", "ltc1"),
        ("mainnet", "p2pkh", "L"),
        ("mainnet", "p2sh-p2wpkh", "M"),
        ("testnet", "p2wpkh", "tltc1"),
        ("regtest", "p2wpkh", "rltc1"),
        ("regtest", "p2tr", "rltc1p"),
    ] {
        let r = wallet(
            &[
                "--json",
                "derive",
                "--chain",
                "ltc",
                "--network",
                network,
                "--type",
                kind,
            ],
            ABANDON,
        );
        r.assert_ok();
        let j = r.json();
        let a = j["addresses"][0]["address"].as_str().unwrap();
        assert!(a.starts_with(prefix), "{network} {kind}: {a}");
        let coin = if network == "mainnet" { "2'" } else { "1'" };
        assert!(j["addresses"][0]["path"]
            .as_str()
            .unwrap()
            .contains(&format!("/{coin}/")));
    }
    for (network, prefix) in [
        ("regtest", "bcrt1q"),
        ("signet", "tb1q"),
        ("testnet", "tb1q"),
    ] {
        let j = wallet(&["--json", "derive", "--network", network], ABANDON).json();
        assert!(j["addresses"][0]["address"]
            .as_str()
            .unwrap()
            .starts_with(prefix));
    }
}

#[test]
fn passphrase_file_is_used_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let with_nl = write("a", b"TREZOR\n");
    let without = write("b", b"TREZOR");
    let spaced = write("c", b" TREZOR \n");
    let crlf = write("d", b"TREZOR\r\n");
    let fp = |f: &str| -> String {
        let r = wallet(&["--json", "derive", "--passphrase-file", f], ABANDON);
        r.assert_ok();
        r.json()["master_fingerprint"].as_str().unwrap().to_owned()
    };
    // The BIP39 English vector for this phrase with passphrase TREZOR.
    let expected = ExtendedPrivateKey::parse("xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF")
        .unwrap()
        .fingerprint()
        .to_string();
    assert_eq!(fp(&with_nl), expected);
    assert_eq!(fp(&without), expected);
    assert_eq!(fp(&crlf), expected);
    assert_ne!(fp(&spaced), expected);
    let none = wallet(&["--json", "derive"], ABANDON).json()["master_fingerprint"].clone();
    assert_eq!(none, "73c5da0a");
    let bad = write("e", &[0xff, 0xfe]);
    wallet(&["derive", "--passphrase-file", &bad], ABANDON).assert_fails(1);
    let missing = dir.path().join("missing").to_str().unwrap().to_owned();
    let r = wallet(
        &["--json", "derive", "--passphrase-file", &missing],
        ABANDON,
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "not_found");
}

#[test]
fn derive_ten_thousand_matches_single_derivations() {
    let r = wallet(
        &["--json", "derive", "--chain", "eth", "--count", "10000"],
        ANVIL_MNEMONIC,
    );
    r.assert_ok();
    let j = r.json();
    let list = j["addresses"].as_array().unwrap();
    assert_eq!(list.len(), 10000);
    for i in [0usize, 1, 4999, 5000, 9999] {
        let one = wallet(
            &[
                "--json",
                "derive",
                "--chain",
                "eth",
                "--index",
                &i.to_string(),
            ],
            ANVIL_MNEMONIC,
        )
        .json();
        assert_eq!(
            list[i]["address"], one["addresses"][0]["address"],
            "index {i}"
        );
        assert_eq!(list[i]["index"], i);
    }
    let text = wallet(&["derive", "--count", "10000", "--type", "p2tr"], ABANDON);
    text.assert_ok();
    assert_eq!(text.stdout.lines().count(), 10000);
}

#[test]
fn derive_bad_inputs_fail_cleanly() {
    let cases: &[(&[&str], &str, i32, &str)] = &[
        (&["derive", "--path", "m/84'/0'/x"], ABANDON, 1, "invalid_path"),
        (&["derive", "--path", "m/2147483648"], ABANDON, 1, "invalid_path"),
        (&["derive", "--path", "m//0"], ABANDON, 1, "invalid_path"),
        (&["derive", "--index", "2147483648"], ABANDON, 1, "invalid_path"),
        (&["derive", "--account", "4294967295"], ABANDON, 1, "invalid_path"),
        (&["derive", "--index", "2147483647", "--count", "2"], ABANDON, 1, "invalid_path"),
        (&["derive", "--chain", "ltc", "--network", "signet"], ABANDON, 1, "unsupported"),
        (&["derive", "--chain", "eth", "--type", "p2tr"], ABANDON, 2, "usage"),
        (&["derive", "--chain", "eth", "--network", "testnet"], ABANDON, 2, "usage"),
        (&["derive", "--chain", "doge"], ABANDON, 2, "usage"),
        (&["derive", "--count", "0"], ABANDON, 2, "usage"),
        (&["derive", "--count", "-1"], ABANDON, 2, "usage"),
        (&["derive", "--path", "m/0", "--index", "1"], ABANDON, 2, "usage"),
        (&["derive"], "", 1, "invalid_input"),
        (&["derive"], "abandon abandon", 1, "invalid_mnemonic"),
        (&["derive"], "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi", 1, "invalid_mnemonic"),
        (&["mnemonic", "new", "--words", "13"], "", 2, "usage"),
        (&["mnemonic", "new", "--language", "klingon"], "", 2, "usage"),
        (&["nonsense"], "", 2, "usage"),
    ];
    for (args, stdin, code, kind) in cases {
        let r = wallet(args, stdin);
        r.assert_fails(*code);
        let mut with_json = vec!["--json"];
        with_json.extend_from_slice(args);
        let j = wallet(&with_json, stdin);
        j.assert_fails(*code);
        assert_eq!(j.err_json()["kind"], *kind, "{args:?}: {}", j.stderr);
        assert!(j.stdout.is_empty(), "{args:?}");
    }
    // A usage error in JSON names what is missing, not just that something is.
    let j = wallet(&["--json", "eth", "sign-tx", "w"], "");
    j.assert_fails(2);
    let msg = j.err_json()["message"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("--nonce") && msg.contains("--chain-id"),
        "{msg}"
    );
}

#[test]
fn secrets_never_echoed_in_errors() {
    // A valid phrase with a bad checksum must not be printed back.
    let phrase = ABANDON.replace("about", "zoo");
    let r = wallet(&["derive"], &phrase);
    r.assert_fails(1);
    assert!(!r.stderr.contains("abandon abandon"), "{}", r.stderr);
    assert!(!r.stdout.contains("abandon"));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let r = wallet(&["completions", shell], "");
        r.assert_ok();
        assert!(r.stdout.contains("wallet"), "{shell}");
        assert!(r.stdout.contains("derive"), "{shell}");
    }
    wallet(&["completions", "tcsh"], "").assert_fails(2);
    // --json wraps the script in one object.
    let j = wallet(&["--json", "completions", "bash"], "").json();
    assert_eq!(j["shell"], "bash");
    assert!(j["script"].as_str().unwrap().contains("derive"));
    // A reader that stops early (`| head -1`) is not an error, and never a panic.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "for s in bash zsh fish; do '{}' completions $s | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}; done",
            wallet_bin().display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "0\n0\n0\n",
        "{stderr}"
    );
}

#[test]
fn version_and_help() {
    let r = wallet(&["--version"], "");
    r.assert_ok();
    assert!(r.stdout.starts_with("wallet "));
    let j = wallet(&["--json", "--version"], "").json();
    assert_eq!(j["name"], "wallet");
    assert_eq!(j["version"], env!("CARGO_PKG_VERSION"));
    let h = wallet(&["--help"], "");
    h.assert_ok();
    for word in ["mnemonic", "derive", "completions", "--json"] {
        assert!(h.stdout.contains(word), "{word}");
    }
}
