//! Keystore findings: hardened address paths (22.6), loose modes and
//! world-writable directories (22.8), non-regular files in the keystore
//! (22.9), names that differ only in case, suggestions and renames (21.27,
//! 21.28).

use crate::common::*;

fn import_abandon(ks: &Ks, name: &str) {
    let mut a = vec!["import", name, "--mnemonic"];
    a.extend_from_slice(&FAST);
    ks.run(&a, ABANDON).assert_ok();
}

fn first_address(r: &Run) -> (String, String) {
    let j = r.json();
    let a = &j["addresses"][0];
    (
        a["path"].as_str().unwrap().to_owned(),
        a["address"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn issue22_6_address_keeps_hardened_mark() {
    let ks = Ks::new();
    import_abandon(&ks, "w");
    for (chain, path) in [
        ("btc", "m/84'/0'/0'/0/5'"),
        ("btc", "m/84'/0'/0'/1'/5"),
        ("ltc", "m/44'/2'/0'/0/5'"),
        ("eth", "m/44'/60'/0'/0/5'"),
    ] {
        let ours = ks.run(
            &["--json", "address", "w", "--chain", chain, "--path", path],
            "",
        );
        ours.assert_ok();
        let derived = wallet(
            &["--json", "derive", "--chain", chain, "--path", path],
            &format!("{ABANDON}\n"),
        );
        derived.assert_ok();
        assert_eq!(
            first_address(&ours),
            first_address(&derived),
            "{chain} {path}"
        );
        assert_eq!(first_address(&ours).0, path);
        // Not the address of the path without the mark.
        let plain = path.trim_end_matches('\'').replace("1'/5", "1/5");
        let unhardened = ks.run(
            &["--json", "address", "w", "--chain", chain, "--path", &plain],
            "",
        );
        assert_ne!(
            first_address(&ours).1,
            first_address(&unhardened).1,
            "{path}"
        );
        if chain != "eth" {
            let s = ks.run(
                &[
                    "--json",
                    "sign-message",
                    "w",
                    "--chain",
                    chain,
                    "--path",
                    path,
                    "x",
                ],
                "",
            );
            s.assert_ok();
            assert_eq!(s.json()["address"], first_address(&ours).1);
        }
    }
}

fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn chmod(p: &std::path::Path, m: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

#[test]
fn issue22_8_loose_modes_flagged_fixed_and_refused() {
    let ks = Ks::new();
    import_abandon(&ks, "w");
    let dir = ks.dir.path().join("ks");
    let file = dir.join("w.json");
    chmod(&file, 0o666);
    // Every use warns, with the fix; --json as a JSON line; nothing changes.
    for args in [&["info", "w"][..], &["list"], &["address", "w"]] {
        let r = ks.run(args, "");
        r.assert_ok();
        assert!(
            r.stderr
                .contains("has mode 0666 (other users can change it)"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    }
    let r = ks.run(&["--json", "-q", "info", "w"], "");
    let line: serde_json::Value = serde_json::from_str(r.stderr.lines().next().unwrap()).unwrap();
    assert!(line["warning"].as_str().unwrap().contains("0666"), "{line}");
    assert_eq!(mode(&file), 0o666);
    // A rewrite makes it private.
    let pw = ks.dir.path().join("pw");
    let mut a = vec!["passwd", "w", "--new-password-file", pw.to_str().unwrap()];
    a.extend_from_slice(&FAST);
    ks.run(&a, "").assert_ok();
    assert_eq!(mode(&file), 0o600);
    let r = ks.run(&["info", "w"], "");
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    // A group-readable directory: tightened by a writing command, reported by a reading one.
    chmod(&dir, 0o750);
    let r = ks.run(&["info", "w"], "");
    assert!(
        r.stderr.contains("has mode 0750 (other users can read it)"),
        "{}",
        r.stderr
    );
    assert_eq!(mode(&dir), 0o750);
    import_abandon(&ks, "w2");
    assert_eq!(mode(&dir), 0o700);
    // A directory every user may write to is refused, with the fix.
    chmod(&dir, 0o777);
    for args in [&["--json", "info", "w"][..], &["--json", "list"]] {
        let r = ks.run(args, "");
        r.assert_fails(1);
        let m = r.err_json()["message"].as_str().unwrap().to_owned();
        assert!(
            m.contains("writable by every user") && m.contains("chmod 700"),
            "{m}"
        );
    }
    let mut a = vec!["--json", "import", "w3", "--mnemonic"];
    a.extend_from_slice(&FAST);
    ks.run(&a, ABANDON).assert_fails(1);
    assert!(!dir.join("w3.json").exists());
    chmod(&dir, 0o700);
}

#[test]
fn issue22_9_fifo_in_keystore_dir() {
    let ks = Ks::new();
    import_abandon(&ks, "w");
    let dir = ks.dir.path().join("ks");
    let fifo = dir.join("trap.json");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // `list` returns (a blocking open would hang) and reports the FIFO.
    let r = ks.run(&["--json", "list"], "");
    r.assert_ok();
    let v = r.json();
    assert_eq!(v["wallets"].as_array().unwrap().len(), 1, "{v}");
    let bad = v["unreadable"].to_string();
    assert!(
        bad.contains("trap") && bad.contains("not a regular file"),
        "{bad}"
    );
    let r = ks.run(&["list"], "");
    assert!(
        r.stdout.contains("UNREADABLE") && r.stdout.contains("a FIFO"),
        "{}",
        r.stdout
    );
    // Opening it by name fails the same way, and names skip it.
    let r = ks.run(&["--json", "info", "trap"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "tampered");
    let r = ks.run(&["list", "--names"], "");
    assert_eq!(r.stdout, "w\n");
}

#[test]
fn issue21_27_case_twins_refused_and_typos_suggested() {
    let ks = Ks::new();
    import_abandon(&ks, "main");
    for args in [&["create", "Main"][..], &["import", "MAIN", "--mnemonic"]] {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        a.extend_from_slice(&FAST);
        let r = ks.run(&a, ABANDON);
        r.assert_fails(1);
        let m = r.err_json()["message"].as_str().unwrap().to_owned();
        assert!(
            m.contains("differs only in case") && m.contains("'main'"),
            "{m}"
        );
    }
    assert_eq!(ks.run(&["list", "--names"], "").stdout, "main\n");
    let r = ks.run(&["--json", "info", "mian"], "");
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "not_found");
    assert_eq!(e["suggestion"], "main");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean 'main'?"),
        "{e}"
    );
    let r = ks.run(&["info", "zzzzzz"], "");
    assert!(!r.stderr.contains("did you mean"), "{}", r.stderr);
}

#[test]
fn issue21_27_shell_completion_of_languages_and_names() {
    let ks = Ks::new();
    import_abandon(&ks, "main");
    import_abandon(&ks, "savings");
    let script = wallet(&["completions", "bash"], "").stdout;
    let file = ks.dir.path().join("complete.bash");
    std::fs::write(&file, script).unwrap();
    let bin_dir = wallet_bin().parent().unwrap().to_path_buf();
    let complete = |words: &[&str]| -> Vec<String> {
        let cword = words.len() - 1;
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let cmd = format!(
            "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _wallet wallet '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display(),
            quoted.join(" "),
            words[cword],
            words[cword - 1]
        );
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(cmd)
            .env(
                "PATH",
                format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
            )
            .env("WALLET_KEYSTORE_DIR", ks.dir.path().join("ks"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let langs = complete(&["wallet", "mnemonic", "new", "--language", ""]);
    assert_eq!(langs.len(), 10, "{langs:?}");
    assert!(
        langs.contains(&"chinese-traditional".to_owned()),
        "{langs:?}"
    );
    assert_eq!(
        complete(&["wallet", "create", "x", "--language", "fr"]),
        ["french"]
    );
    assert_eq!(
        complete(&["wallet", "derive", "--type", "p2s"]),
        ["p2sh-p2wpkh"]
    );
    assert_eq!(complete(&["wallet", "info", "sa"]), ["savings"]);
    assert_eq!(complete(&["wallet", "eth", "balance", "ma"]), ["main"]);
    assert_eq!(complete(&["wallet", "btc", "send", "s"]), ["savings"]);
    assert_eq!(complete(&["wallet", "rename", "m"]), ["main"]);
    // A new wallet's name is not completed from the existing ones.
    assert!(complete(&["wallet", "create", "ma"]).is_empty());
    // zsh and fish get the same hook.
    for shell in ["zsh", "fish"] {
        let s = wallet(&["completions", shell], "").stdout;
        assert!(s.contains("wallet list --names"), "{shell}");
    }
}

#[test]
fn issue21_28_rename() {
    let ks = Ks::new();
    import_abandon(&ks, "main");
    import_abandon(&ks, "other");
    let before = ks.run(&["--json", "address", "main"], "").json();
    let r = ks.run(&["--json", "rename", "main", "savings"], "");
    r.assert_ok();
    assert_eq!(r.json()["name"], "savings");
    assert_eq!(ks.run(&["list", "--names"], "").stdout, "other\nsavings\n");
    // The same wallet, still unlockable with its password, file private.
    assert_eq!(ks.run(&["--json", "address", "savings"], "").json(), before);
    ks.run(&["export", "savings", "--private-key", "--yes"], "")
        .assert_ok();
    assert_eq!(mode(&ks.dir.path().join("ks/savings.json")), 0o600);
    // Never over another wallet or its case twin; the old name stays.
    for (to, kind) in [("other", "already_exists"), ("OTHER", "invalid_input")] {
        let r = ks.run(&["--json", "rename", "savings", to], "");
        r.assert_fails(1);
        assert_eq!(r.err_json()["kind"], kind, "{to}");
    }
    let r = ks.run(&["--json", "rename", "nope", "x"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "not_found");
    // A wrong password changes nothing.
    let bad = ks.dir.path().join("bad");
    std::fs::write(&bad, "wrong\n").unwrap();
    let dir = ks.dir.path().join("ks");
    let r = wallet(
        &[
            "--json",
            "--allow-weak-kdf",
            "--keystore-dir",
            dir.to_str().unwrap(),
            "--password-file",
            bad.to_str().unwrap(),
            "rename",
            "savings",
            "x",
        ],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_password");
    assert_eq!(ks.run(&["list", "--names"], "").stdout, "other\nsavings\n");
    // Case only: the same wallet under the new spelling.
    ks.run(&["rename", "savings", "Savings"], "").assert_ok();
    assert_eq!(ks.run(&["list", "--names"], "").stdout, "Savings\nother\n");
}

#[test]
fn issue21_28_man_page_renders_and_names_every_command() {
    let r = wallet(&["man"], "");
    r.assert_ok();
    assert!(
        r.stdout.starts_with(".ie") || r.stdout.contains(".TH wallet 1"),
        "{}",
        &r.stdout[..200]
    );
    let page = rendered_page(&r.stdout);
    let mut missing = Vec::new();
    let help = wallet(&["--help"], "").stdout;
    let top: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect();
    assert!(top.len() > 12, "{top:?}");
    for c in &top {
        if !page.contains(&format!("wallet {c}")) {
            missing.push(c.clone());
        }
    }
    for group in ["eth", "btc", "mnemonic"] {
        let h = wallet(&[group, "--help"], "").stdout;
        for sub in h
            .lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help")
        {
            if !page.contains(&format!("wallet {group} {sub}")) {
                missing.push(format!("{group} {sub}"));
            }
        }
    }
    assert!(missing.is_empty(), "not in the man page: {missing:?}");
    assert!(page.contains("--rpc-url <URL>"), "options are listed");
}

/// The page as `man` shows it (nroff), without overstrike; groff must not warn.
fn rendered_page(roff: &str) -> String {
    use std::io::Write;
    let spawned = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-P", "-cbou"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = spawned else {
        // Without groff (groff-base), check the roff source itself.
        eprintln!("groff is not installed: checking the roff text only");
        return ["\\fB", "\\fR", "\\fI"]
            .iter()
            .fold(roff.replace("\\-", "-"), |t, f| t.replace(f, ""));
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(roff.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let warnings = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && warnings.trim().is_empty(),
        "groff: {warnings}"
    );
    String::from_utf8_lossy(&o.stdout).replace(['\u{2010}', '\u{2212}'], "-")
}

/// A case-only rename still refuses a third spelling that exists already
/// (`savings` → `Savings` while `SAVINGS` is there), and keeps working
/// when it is free.
#[test]
fn rename_case_only_never_makes_a_third_case_twin() {
    let ks = Ks::new();
    import_abandon(&ks, "savings");
    let dir = ks.dir.path().join("ks");
    // A second spelling made behind the wallet's back (another tool, a copy).
    std::fs::copy(dir.join("savings.json"), dir.join("SAVINGS.json")).unwrap();
    let r = ks.run(&["--json", "rename", "savings", "Savings"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input", "{r:?}");
    assert!(!dir.join("Savings.json").exists());
    std::fs::remove_file(dir.join("SAVINGS.json")).unwrap();
    ks.run(&["rename", "savings", "Savings"], "").assert_ok();
    assert_eq!(ks.run(&["list", "--names"], "").stdout, "Savings\n");
}

/// `rename W W` is refused before any password is asked for (a wrong
/// password file does not matter).
#[test]
fn rename_to_the_same_name_is_refused_first() {
    let ks = Ks::new();
    import_abandon(&ks, "main");
    let dir = ks.dir.path().join("ks");
    let bad = ks.dir.path().join("bad");
    std::fs::write(&bad, "wrong\n").unwrap();
    let (d, b) = (dir.to_str().unwrap(), bad.to_str().unwrap());
    let a = [
        "--json",
        "--keystore-dir",
        d,
        "--password-file",
        b,
        "rename",
        "main",
        "main",
    ];
    let r = wallet(&a, "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input", "{r:?}");
}
