//! SLIP-39 wallets end to end (issue 19) and the prompts that ask again
//! (issue 21, items 24 and 25): `create --slip39` (JSON, text, and at a
//! terminal with the share check), `import --slip39`, `mnemonic check
//! --slip39`, interop both ways with the reference implementation (PyPI
//! `shamir-mnemonic`, through `testdata/python/slip39_oracle.py` in the
//! venv of `scripts/devnet/install py`), and the BIP39 quiz and password
//! prompts at a terminal.

use crate::common::*;
use serde_json::{json, Value};
use std::path::PathBuf;
use wallet_core::hd::ExtendedPrivateKey;

/// The reference implementation's venv python (skips without it, unless
/// `WALLET_REQUIRE_DEVNET` is set).
fn python() -> Option<PathBuf> {
    devnet_tool("py/bin/python")
}

/// Runs the reference (see `wallet_testkit::slip39_oracle`) on `requests`;
/// `python()` said it is installed.
fn oracle(_python: &PathBuf, requests: Value) -> Vec<Value> {
    slip39_oracle(requests.as_array().unwrap()).unwrap()
}

/// `wallet ARGS` of a fast-KDF wallet command in `ks`.
fn fast(args: &[&'static str]) -> Vec<&'static str> {
    let mut a = args.to_vec();
    a.extend_from_slice(&FAST);
    a
}

/// The shares of a `create --slip39 --json` result, by (group, member).
fn shares_of(created: &Value) -> Vec<(u64, u64, String)> {
    created["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["group"].as_u64().unwrap(),
                s["member"].as_u64().unwrap(),
                s["mnemonic"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pick(shares: &[(u64, u64, String)], want: &[(u64, u64)]) -> Vec<String> {
    want.iter()
        .map(|w| shares.iter().find(|s| (s.0, s.1) == *w).unwrap().2.clone())
        .collect()
}

#[test]
fn issue19_create_slip39_json_shares_combine_in_python_to_the_same_master_key() {
    let Some(py) = python() else { return };
    let ks = Ks::new();
    std::fs::write(ks.dir.path().join("pass"), "TREZOR\n").unwrap();
    let pass = ks.dir.path().join("pass");
    let pass = pass.to_str().unwrap();
    let r = ks.run(
        &[
            &["--json", "create", "g", "--slip39", "--groups", "2of3"][..],
            &["--members", "2of3,1of1,3of5", "--passphrase-file", pass],
            &FAST,
        ]
        .concat(),
        "",
    );
    r.assert_ok();
    let created = r.json();
    assert_eq!(created["kind"], "slip39");
    assert_eq!(created["backup_verified"], false);
    assert_eq!(created["slip39"]["group_threshold"], 2);
    assert_eq!(created["slip39"]["groups"][2]["count"], 5);
    assert_eq!(created["slip39"]["extendable"], true);
    assert_eq!(created["slip39"]["iteration_exponent"], 1);
    let shares = shares_of(&created);
    assert_eq!(shares.len(), 9);
    assert!(shares.iter().all(|s| s.2.split(' ').count() == 20));
    let r = ks.run(
        &fast(&[
            "--json",
            "create",
            "s",
            "--slip39",
            "--shares",
            "3",
            "--threshold",
            "2",
            "--slip39-bits",
            "256",
            "--iteration-exponent",
            "0",
            "--no-extendable",
        ]),
        "",
    );
    r.assert_ok();
    let single = r.json();
    assert_eq!(single["slip39"]["bits"], 256);
    assert_eq!(single["slip39"]["extendable"], false);
    let single_shares = shares_of(&single);
    assert!(single_shares.iter().all(|s| s.2.split(' ').count() == 33));
    let results = oracle(
        &py,
        json!([
            {"op": "combine", "passphrase": "TREZOR",
             "mnemonics": pick(&shares, &[(3, 5), (1, 2), (3, 1), (1, 3), (3, 2)])},
            {"op": "combine", "passphrase": "TREZOR",
             "mnemonics": pick(&shares, &[(2, 1), (1, 1), (1, 3)])},
            {"op": "combine", "passphrase": "",
             "mnemonics": pick(&single_shares, &[(1, 3), (1, 1)])},
        ]),
    );
    assert_eq!(results[0]["secret"], results[1]["secret"]);
    for (name, result) in [("g", &results[0]), ("s", &results[2])] {
        // The reference's secret, as a BIP32 seed, is this wallet's master key.
        let xprv = ks.run(&["export", name, "--xprv", "--yes"], "");
        xprv.assert_ok();
        assert_eq!(xprv.stdout.trim(), result["xprv"], "{name}");
        let seed = hex::decode(result["secret"].as_str().unwrap()).unwrap();
        let master = ExtendedPrivateKey::from_seed_bytes(&seed).unwrap();
        assert_eq!(master.to_base58().expose(), result["xprv"]);
        let info = ks.run(&["--json", "info", name], "").json();
        assert_eq!(info["kind"], "slip39");
        assert_eq!(info["fingerprint"], master.fingerprint().to_string());
    }
    assert_eq!(results[2]["secret"].as_str().unwrap().len(), 64, "256 bits");
}

#[test]
fn issue19_import_slip39_shares_made_in_python_gives_the_same_wallet() {
    let Some(py) = python() else { return };
    let secret = "bb54aac4b89dc868ba37d9cc21b2cece".repeat(2);
    let results = oracle(
        &py,
        json!([{"op": "split", "secret": secret, "passphrase": "pw39",
                "group_threshold": 2, "groups": [[2, 3], [1, 1], [3, 5]],
                "extendable": true, "iteration_exponent": 0}]),
    );
    let groups = results[0]["groups"].as_array().unwrap();
    let share = |g: usize, m: usize| groups[g][m].as_str().unwrap().to_owned();
    let ks = Ks::new();
    std::fs::write(ks.dir.path().join("pass"), "pw39\n").unwrap();
    let pass = ks.dir.path().join("pass");
    let pass = pass.to_str().unwrap();
    // Out of order, groups interleaved, blank lines between.
    let input = format!(
        "{}\n\n{}\n{}\n{}\n  {}  \n",
        share(2, 4),
        share(0, 1),
        share(2, 0),
        share(0, 2),
        share(2, 2)
    );
    let r = ks.run(
        &[
            &[
                "--json",
                "import",
                "p",
                "--slip39",
                "--passphrase-file",
                pass,
            ][..],
            &FAST,
        ]
        .concat(),
        &input,
    );
    r.assert_ok();
    assert_eq!(r.json()["kind"], "slip39");
    let master = ExtendedPrivateKey::from_seed_bytes(&hex::decode(&secret).unwrap()).unwrap();
    let xprv = ks.run(&["export", "p", "--xprv", "--yes"], "");
    assert_eq!(xprv.stdout.trim(), master.to_base58().expose());
    // The addresses are BIP32 of the secret: the first Ethereum key.
    let path = "m/44'/60'/0'/0/0".parse().unwrap();
    let pk = master
        .derive_path(&path)
        .unwrap()
        .private_key()
        .public_key();
    let want = wallet_core::ethereum::Address::from_public_key(&pk).to_checksum();
    assert_eq!(r.json()["addresses"]["eth"], want.as_str());
    // Without the passphrase: another wallet, without any error.
    let r = ks.run(&fast(&["--json", "import", "q", "--slip39"]), &input);
    r.assert_ok();
    assert_ne!(r.json()["addresses"]["eth"], want.as_str());
}

#[test]
fn issue19_import_slip39_errors_name_the_share_and_what_is_missing() {
    let ks = Ks::new();
    let make = |name: &'static str| {
        let r = ks.run(
            &fast(&[
                "--json",
                "create",
                name,
                "--slip39",
                "--groups",
                "2of2",
                "--members",
                "2of3,1of1",
                "--iteration-exponent",
                "0",
            ]),
            "",
        );
        r.assert_ok();
        shares_of(&r.json())
    };
    let a = make("a");
    let b = make("b");
    let import = |lines: &[&str]| {
        let r = ks.run(
            &fast(&["--json", "import", "x", "--slip39"]),
            &lines.join("\n"),
        );
        r.assert_fails(1);
        assert!(!ks.dir.path().join("ks/x.json").exists());
        r.err_json()
    };
    // One word changed: the checksum names the share.
    let mut typo: Vec<String> = a[1].2.split(' ').map(str::to_owned).collect();
    typo[7] = if typo[7] == "academic" {
        "acid"
    } else {
        "academic"
    }
    .to_owned();
    let e = import(&[&a[0].2, &typo.join(" ")]);
    assert_eq!(e["kind"], "bad_checksum", "{e}");
    assert_eq!(e["share"], 2);
    assert!(
        e["message"].as_str().unwrap().starts_with("share 2:"),
        "{e}"
    );
    // Shares of two backups.
    let e = import(&[&a[0].2, &b[1].2]);
    assert_eq!(e["share"], 2);
    assert!(
        e["message"].as_str().unwrap().contains("different backups"),
        "{e}"
    );
    // The same share twice.
    let e = import(&[&a[0].2, &a[0].2]);
    assert!(
        e["message"].as_str().unwrap().contains("shares 1 and 2"),
        "{e}"
    );
    assert_eq!(e["share"], 2);
    // Too few: per group, what is missing.
    let e = import(&[&a[0].2, &a[3].2]);
    assert_eq!(
        e["message"],
        "not enough shares: 1 more complete group is needed; group 1 needs 1 more share"
    );
    // An unknown word is quoted with a suggestion; nothing else of the share.
    let mut unknown: Vec<String> = a[0].2.split(' ').map(str::to_owned).collect();
    unknown[5] = "qqqq".to_owned();
    let e = import(&[&unknown.join(" ")]);
    assert_eq!(e["kind"], "invalid_mnemonic");
    assert_eq!(e["share"], 1);
    let msg = e["message"].as_str().unwrap();
    assert!(msg.starts_with("share 1: word 6 'qqqq'"), "{msg}");
    // And the right shares work.
    let r = ks.run(
        &fast(&["--json", "import", "x", "--slip39"]),
        &[&a[3].2, &a[2].2, &a[0].2].map(String::as_str).join("\n"),
    );
    r.assert_ok();
    let a_info = ks.run(&["--json", "info", "a"], "").json();
    assert_eq!(r.json()["addresses"], a_info["addresses"]);
}

#[test]
fn issue19_mnemonic_check_slip39_reports_progress_and_never_the_secret() {
    let ks = Ks::new();
    let r = ks.run(
        &fast(&[
            "--json",
            "create",
            "c",
            "--slip39",
            "--shares",
            "5",
            "--threshold",
            "3",
        ]),
        "",
    );
    let shares = shares_of(&r.json());
    let check = |lines: &[&String]| {
        let text: Vec<&str> = lines.iter().map(|s| s.as_str()).collect();
        wallet(
            &["--json", "mnemonic", "check", "--slip39"],
            &text.join("\n"),
        )
    };
    let r = check(&[&shares[4].2, &shares[1].2]);
    r.assert_ok();
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["complete"], false);
    assert_eq!(v["groups"][0]["missing"], 1);
    assert_eq!(v["groups"][0]["given"], 2);
    let r = check(&[&shares[4].2, &shares[1].2, &shares[0].2]);
    let v = r.json();
    assert_eq!(v["complete"], true);
    assert_eq!(v["groups_needed"], 0);
    assert!(v.get("master_secret").is_none(), "{v}");
    let text = wallet(&["mnemonic", "check", "--slip39"], &shares[2].2);
    text.assert_ok();
    assert!(text.stdout.contains("2 more needed"), "{}", text.stdout);
    let mut bad: Vec<&str> = shares[2].2.split(' ').collect();
    bad[12] = if bad[12] == "academic" {
        "acid"
    } else {
        "academic"
    };
    let bad = bad.join(" ");
    let r = wallet(
        &["--json", "mnemonic", "check", "--slip39"],
        &format!("{}\n{bad}\n", shares[0].2),
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "bad_checksum");
    assert_eq!(r.err_json()["valid"], false);
    assert_eq!(r.err_json()["share"], 2);
}

#[test]
fn issue19_slip39_wallet_has_no_mnemonic_to_export() {
    let ks = Ks::new();
    ks.run(
        &fast(&[
            "create",
            "n",
            "--slip39",
            "--shares",
            "2",
            "--threshold",
            "2",
        ]),
        "",
    )
    .assert_ok();
    let r = ks.run(&["--json", "export", "n", "--mnemonic", "--yes"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
    assert!(
        r.err_json()["message"]
            .as_str()
            .unwrap()
            .contains("no BIP39 mnemonic"),
        "{}",
        r.stderr
    );
    // Refused before any password is needed.
    let dir = ks.dir.path().join("ks");
    let r = wallet(
        &[
            "--json",
            "--keystore-dir",
            dir.to_str().unwrap(),
            "export",
            "n",
            "--mnemonic",
            "--yes",
        ],
        "",
    );
    assert_eq!(r.err_json()["kind"], "unsupported");
    // The layout is checked before anything is asked.
    let r = ks.run(
        &fast(&[
            "--json",
            "create",
            "z",
            "--slip39",
            "--groups",
            "2of3",
            "--members",
            "2of3",
        ]),
        "",
    );
    r.assert_fails(1);
    assert!(r.err_json()["message"]
        .as_str()
        .unwrap()
        .contains("3 groups"));
    let r = ks.run(&fast(&["create", "z", "--slip39"]), "");
    r.assert_fails(2);
}

/// Steps that type a share listed earlier as `share G.M: …`.
fn type_share(g: u8, m: u8) -> Value {
    json!({"expect": "Share: ", "send_seen": format!("share {g}\\.{m}: ([a-z ]+[a-z])")})
}

fn tty_create(dir: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["--keystore-dir", dir.to_str().unwrap(), "--json", "create"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a.extend(FAST.iter().map(|s| s.to_string()));
    a
}

fn last_json(output: &str) -> Value {
    let line = output.lines().rev().find(|l| l.starts_with('{')).unwrap();
    serde_json::from_str(line.trim()).unwrap()
}

#[test]
fn issue19_create_slip39_at_a_terminal_checks_a_threshold_of_shares() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let args = tty_create(
        &dir,
        &[
            "t",
            "--slip39",
            "--groups",
            "2of2",
            "--members",
            "2of3,1of1",
        ],
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let steps = json!([
        {"expect": "New wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Press Enter", "send": "\n"},
        type_share(1, 3),
        {"expect": "Correct\\. So far: group 1: 1 of 2 shares"},
        type_share(2, 1),
        type_share(1, 1),
        {"expect": "The backup was verified"},
    ]);
    let r = wallet_tty(&args, steps, &[]);
    assert_eq!((r.code, r.failed_step), (0, None), "{r:?}");
    let v = last_json(&r.output);
    assert_eq!(v["backup_verified"], true);
    assert!(v.get("shares").is_none(), "{v}");
    assert_eq!(v["slip39"]["group_count"], 2);
    // The answers were cleared after the check: a clear follows the last one.
    let last_answer = r.output.rfind("Share: ").unwrap();
    assert!(r.output[last_answer..].contains("\x1b[2J\x1b[3J"), "{r:?}");
    ks.run(&["export", "t", "--xprv", "--yes"], "").assert_ok();
}

#[test]
fn issue21_25_share_quiz_hints_counts_misses_and_shows_the_shares_again() {
    let ks = Ks::new();
    let other = ks.run(
        &fast(&[
            "--json",
            "create",
            "o",
            "--slip39",
            "--shares",
            "3",
            "--threshold",
            "2",
        ]),
        "",
    );
    let foreign = shares_of(&other.json())[0].2.clone();
    let dir = ks.dir.path().join("ks");
    let args = tty_create(
        &dir,
        &["t", "--slip39", "--shares", "3", "--threshold", "2"],
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let steps = json!([
        {"expect": "New wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Press Enter", "send": "\n"},
        // Not a share: a hint, no miss.
        {"expect": "Share: ", "send": "hello world\n"},
        {"expect": "not counted as a miss"},
        // A valid share of another backup, then two empty answers: three misses.
        {"expect": "Share: ", "send": format!("{foreign}\n")},
        {"expect": "another backup"},
        {"expect": "Share: ", "send": "\n"},
        {"expect": "Share: ", "send": "\n"},
        {"expect": "Show the backup again\\? \\[y/N\\]: ", "send": "y\n"},
        {"expect": "Press Enter", "send": "\n"},
        type_share(1, 2),
        type_share(1, 3),
        {"expect": "The backup was verified"},
    ]);
    let r = wallet_tty(&args, steps, &[]);
    assert_eq!((r.code, r.failed_step), (0, None), "{r:?}");
    assert_eq!(r.output.matches("  share 1.1: ").count(), 2, "shown twice");
    assert_eq!(last_json(&r.output)["backup_verified"], true);
    // Declining the second look creates nothing.
    let args = tty_create(
        &dir,
        &["u", "--slip39", "--shares", "2", "--threshold", "2"],
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let steps = json!([
        {"expect": "New wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Press Enter", "send": "\n"},
        {"expect": "Share: ", "send": "\n"},
        {"expect": "Share: ", "send": "\n"},
        {"expect": "Share: ", "send": "\n"},
        {"expect": "again\\? \\[y/N\\]: ", "send": "n\n"},
    ]);
    let r = wallet_tty(&args, steps, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.output.contains("could not be verified"), "{r:?}");
    assert!(!dir.join("u.json").exists());
}

/// `import NAME --mnemonic` at a terminal, with these steps after the phrase.
fn tty_import(dir: &std::path::Path, name: &str, steps: Value) -> TtyRun {
    let mut a = vec![
        "--keystore-dir",
        dir.to_str().unwrap(),
        "--json",
        "import",
        name,
        "--mnemonic",
    ];
    a.extend_from_slice(&FAST);
    wallet_tty(&a, steps, &[])
}

#[test]
fn issue21_24_password_mismatch_asks_again() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let steps = json!([
        {"expect": "Mnemonic: ", "send": format!("{ABANDON}\n"), "hidden": true},
        {"expect": "New wallet password: ", "send": "one\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "two\n", "hidden": true},
        {"expect": "differ\\. Try again"},
        {"expect": "New wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "pw\n", "hidden": true},
    ]);
    let r = tty_import(&dir, "w", steps);
    assert_eq!((r.code, r.failed_step), (0, None), "{r:?}");
    // The password is the one typed twice alike.
    ks.run(&["export", "w", "--xprv", "--yes"], "").assert_ok();
}

#[test]
fn issue21_24_empty_password_refused_at_the_first_entry() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let steps = json!([
        {"expect": "Mnemonic: ", "send": format!("{ABANDON}\n"), "hidden": true},
        {"expect": "New wallet password: ", "send": "\n", "hidden": true},
        {"expect": "must not be empty\\. Try again"},
        {"expect": "New wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "pw\n", "hidden": true},
    ]);
    let r = tty_import(&dir, "w", steps);
    assert_eq!((r.code, r.failed_step), (0, None), "{r:?}");
    // Refused before the repeat was asked.
    let empty = r.output.find("must not be empty").unwrap();
    assert!(!r.output[..empty].contains("Repeat"), "{r:?}");
}

#[test]
fn issue21_24_three_failed_attempts_give_a_clear_error() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let steps = json!([
        {"expect": "Mnemonic: ", "send": format!("{ABANDON}\n"), "hidden": true},
        {"expect": "New wallet password: ", "send": "\n", "hidden": true},
        {"expect": "New wallet password: ", "send": "a\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "b\n", "hidden": true},
        {"expect": "New wallet password: ", "send": "c\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "d\n", "hidden": true},
    ]);
    let r = tty_import(&dir, "w", steps);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.output.contains("in 3 attempts"), "{r:?}");
    assert!(r.output.contains("nothing was written"), "{r:?}");
    assert!(!dir.join("w.json").exists());
}

#[test]
fn issue21_24_mnemonic_typo_at_a_hidden_prompt_asks_again() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let typo = ABANDON.replace("about", "abuot");
    let steps = json!([
        {"expect": "Mnemonic: ", "send": format!("{typo}\n"), "hidden": true},
        {"expect": "Try again \\(2 of 3\\)"},
        {"expect": "Mnemonic: ", "send": format!("{ABANDON}\n"), "hidden": true},
        {"expect": "New wallet password: ", "send": "pw\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "pw\n", "hidden": true},
    ]);
    let r = tty_import(&dir, "w", steps);
    assert_eq!((r.code, r.failed_step), (0, None), "{r:?}");
    assert!(r.output.contains("did you mean"), "{r:?}");
    // `mnemonic check` too; three typos end with the error itself.
    let steps = json!([
        {"expect": "Mnemonic: ", "send": format!("{typo}\n"), "hidden": true},
        {"expect": "Mnemonic: ", "send": format!("{typo}\n"), "hidden": true},
        {"expect": "Mnemonic: ", "send": format!("{typo}\n"), "hidden": true},
    ]);
    let r = wallet_tty(&["--json", "mnemonic", "check"], steps, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.output.matches("Try again").count(), 2, "{r:?}");
    assert!(r.output.contains("\"valid\":false"), "{r:?}");
}

/// `create NAME` (BIP39) at a terminal up to the first quiz question.
fn quiz_start(dir: &std::path::Path, name: &str) -> (Vec<String>, Vec<Value>) {
    let args = tty_create(dir, &[name]);
    let steps = vec![
        json!({"expect": "New wallet password: ", "send": "pw\n", "hidden": true}),
        json!({"expect": "Repeat the wallet password: ", "send": "pw\n", "hidden": true}),
        json!({"expect": "Press Enter", "send": "\n"}),
    ];
    (args, steps)
}

#[test]
fn issue21_25_quiz_rejects_non_words_and_clears_the_answers() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let (args, mut steps) = quiz_start(&dir, "q");
    steps.extend([
        json!({"expect": "Word #\\d+: ", "send": "qqqq\n"}),
        json!({"expect": "not a word of the English list"}),
        json!({"expect": "Word #(\\d+): ", "send_word": true}),
        json!({"expect": "Word #(\\d+): ", "send_word": true}),
        json!({"expect": "Word #(\\d+): ", "send_word": true}),
        json!({"expect": "The backup was verified"}),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = wallet_tty(&args, json!(steps), &[]);
    assert_eq!((r.code, r.failed_step), (0, None), "{r:?}");
    assert_eq!(last_json(&r.output)["backup_verified"], true);
    let last_answer = r.output.rfind("Word #").unwrap();
    assert!(r.output[last_answer..].contains("\x1b[2J\x1b[3J"), "{r:?}");
}

#[test]
fn issue21_25_quiz_offers_the_phrase_again_after_three_misses() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let (args, mut steps) = quiz_start(&dir, "q");
    // Empty answers are never right: three misses.
    for _ in 0..3 {
        steps.push(json!({"expect": "Word #\\d+: ", "send": "\n"}));
    }
    steps.extend([
        json!({"expect": "Show the backup again\\? \\[y/N\\]: ", "send": "y\n"}),
        json!({"expect": "Press Enter", "send": "\n"}),
        json!({"expect": "Word #(\\d+): ", "send_word": true}),
        json!({"expect": "Word #(\\d+): ", "send_word": true}),
        json!({"expect": "Word #(\\d+): ", "send_word": true}),
        json!({"expect": "The backup was verified"}),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = wallet_tty(&args, json!(steps), &[]);
    assert_eq!((r.code, r.failed_step), (0, None), "{r:?}");
    assert_eq!(r.output.matches("Write down these words").count(), 2);
    let phrase = ks.run(&["export", "q", "--mnemonic", "--yes"], "");
    assert_eq!(phrase.stdout.trim(), r.words.join(" "));
}
