//! Scripting behaviour: a reader that stops early (`| head`, 21.19), and
//! commands reading stdin at a terminal say so (21.26).

use crate::common::*;
use serde_json::json;
use std::io::Read;
use std::process::{Command, Stdio};

/// Runs `wallet ARGS` with `stdin`, reads `keep` bytes of stdout and closes
/// it, as `| head -c keep` does; returns the exit code and stderr.
fn closed_early(args: &[&str], stdin: &str, keep: usize) -> (i32, String) {
    let mut child = Command::new(wallet_bin())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = vec![0u8; keep];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn issue21_19_broken_pipe_is_silent_in_json_and_text() {
    let phrase = format!("{ABANDON}\n");
    let plain = closed_early(&["derive", "--count", "200000"], &phrase, 10);
    let json = closed_early(&["--json", "derive", "--count", "200000"], &phrase, 10);
    assert_eq!(plain, (0, String::new()));
    assert_eq!(json, plain, "--json behaves as plain output");
    // A big single JSON document (completions) too.
    let json = closed_early(&["--json", "completions", "bash"], "", 10);
    assert_eq!(json, (0, String::new()));
}

#[test]
fn issue21_26_stdin_at_a_terminal_is_announced() {
    let raw = "0xc0";
    let t = wallet_tty(
        &["eth", "decode-tx"],
        json!([{"expect": "reading the raw transaction \\(hex\\) from stdin", "send": format!("{raw}\n\u{4}")}]),
        &[],
    );
    assert_eq!(t.failed_step, None, "{t:?}");
    // It read what was typed (an empty list is no transaction).
    assert_eq!(t.code, 1, "{t:?}");
    let t = wallet_tty(
        &[
            "btc",
            "broadcast",
            "--rpc-url",
            "127.0.0.1:1",
            "--chain",
            "ltc",
            "--network",
            "regtest",
        ],
        json!([{"expect": "reading the transaction \\(hex\\) from stdin", "send": "00\n\u{4}"}]),
        &[],
    );
    assert_eq!(t.failed_step, None, "{t:?}");
    assert_eq!(t.code, 1, "{t:?}");
    let t = wallet_tty(
        &["eth", "broadcast", "--rpc-url", "127.0.0.1:1"],
        json!([{"expect": "reading the raw transaction \\(hex\\) from stdin", "send": "zz\n\u{4}"}]),
        &[],
    );
    assert_eq!(t.failed_step, None, "{t:?}");
    assert!(t.output.contains("not hex"), "{t:?}");
    // Piped: nothing extra on stderr.
    let r = wallet(&["eth", "decode-tx"], "zz\n");
    r.assert_fails(1);
    assert!(!r.stderr.contains("reading"), "{}", r.stderr);
    let r = wallet(&["btc", "broadcast", "--rpc-url", "127.0.0.1:1"], "zz\n");
    r.assert_fails(1);
    assert!(!r.stderr.contains("reading"), "{}", r.stderr);
}

/// `wallet ARGS` (keystore `ks`, no terminal) with stdout as `out`.
fn create_with_stdout(ks: &Ks, name: &str, json: bool, out: Stdio) -> (i32, String) {
    create_with_stdout_args(ks, name, json, out, &[])
}

/// As [`create_with_stdout`], with `extra` arguments to `create`.
fn create_with_stdout_args(
    ks: &Ks,
    name: &str,
    json: bool,
    out: Stdio,
    extra: &[&str],
) -> (i32, String) {
    let dir = ks.dir.path().join("ks");
    let pw = ks.dir.path().join("pw");
    let mut args = vec![
        "--keystore-dir",
        dir.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
    ];
    if json {
        args.push("--json");
    }
    args.extend(["create", name]);
    args.extend_from_slice(extra);
    args.extend_from_slice(&FAST);
    let o = Command::new(wallet_bin())
        .args(&args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn issue22_14_create_with_closed_stdout_fails_and_leaves_nothing() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    for json in [false, true] {
        // stdout /dev/null: refused before anything is written.
        let (code, err) = create_with_stdout(&ks, "a", json, Stdio::null());
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("would be lost"), "{err}");
        // A reader that is already gone: the wallet written is removed again.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let (code, err) = create_with_stdout(&ks, "b", json, Stdio::from(writer));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("was not kept"), "{err}");
        if json {
            let e: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
            assert_eq!(e["kind"], "io");
        }
        assert!(!dir.join("a.json").exists() && !dir.join("b.json").exists());
    }
    // A closed descriptor (`>&-`) is refused like /dev/null.
    let pw = ks.dir.path().join("pw");
    let script = format!(
        "exec '{}' --keystore-dir '{}' --password-file '{}' create c {} </dev/null >&-",
        wallet_bin().display(),
        dir.display(),
        pw.display(),
        FAST.join(" ")
    );
    let o = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(!dir.join("c.json").exists());
    // A file keeps the phrase: created.
    let file = std::fs::File::create(ks.dir.path().join("phrase.txt")).unwrap();
    let (code, err) = create_with_stdout(&ks, "d", false, Stdio::from(file));
    assert_eq!(code, 0, "{err}");
    let phrase = std::fs::read_to_string(ks.dir.path().join("phrase.txt")).unwrap();
    assert_eq!(phrase.split_whitespace().count(), 12);
    assert!(dir.join("d.json").exists());
}

/// As 22.14, for SLIP-39 shares: a closed or discarded stdout loses no
/// backup (refused first, or the wallet is not kept); a file keeps them.
#[test]
fn issue22_14_slip39_create_with_closed_stdout_fails_and_leaves_nothing() {
    let ks = Ks::new();
    let dir = ks.dir.path().join("ks");
    let slip39 = ["--slip39", "--shares", "3", "--threshold", "2"];
    let (code, err) = create_with_stdout_args(&ks, "a", true, Stdio::null(), &slip39);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("would be lost"), "{err}");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let (code, err) = create_with_stdout_args(&ks, "b", false, Stdio::from(writer), &slip39);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("shares could not be shown") && err.contains("was not kept"),
        "{err}"
    );
    assert!(!dir.join("a.json").exists() && !dir.join("b.json").exists());
    let file = std::fs::File::create(ks.dir.path().join("shares.txt")).unwrap();
    let (code, err) = create_with_stdout_args(&ks, "c", false, Stdio::from(file), &slip39);
    assert_eq!(code, 0, "{err}");
    let shares = std::fs::read_to_string(ks.dir.path().join("shares.txt")).unwrap();
    assert!(
        shares
            .lines()
            .filter(|l| l.split_whitespace().count() >= 20)
            .count()
            >= 3,
        "{shares}"
    );
    assert!(dir.join("c.json").exists());
}
