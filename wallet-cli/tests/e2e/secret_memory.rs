//! No secret survives in the memory of a finished `wallet` process: the
//! test build stops itself just before exiting (WALLET_DEBUG_STOP_AT_EXIT),
//! and we scan every writable mapping (heap, stacks, data) through
//! /proc/PID/mem for the mnemonic (whole, and every window of two and three
//! consecutive words, in every form the process may have held: NFKD and
//! NFC, ASCII and ideographic spaces), the seed, the keys and the password.
//! Scanned: commands that unlock a wallet (signing, exports) and commands
//! that read a phrase on stdin (`import --mnemonic`, `derive`, `mnemonic
//! check`), for an English, a Spanish (typed in NFC, with accents) and a
//! Japanese wallet.
//! Also: the process is not dumpable and has no core limit while it runs
//! (reported by the process itself in test builds).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use std::io::{Read, Seek, SeekFrom, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wallet_core::hd::{ethereum_path, ExtendedPrivateKey};
use wallet_core::mnemonic::{Language, Mnemonic};

const PHRASE: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";
const PASSWORD: &str = "a fairly unique password 7731";

fn proc_state(pid: u32) -> Option<char> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    s.rsplit(')').next()?.trim().chars().next()
}

/// A secret to look for.
struct Needle {
    label: String,
    bytes: Vec<u8>,
}

fn needle(label: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Needle {
    Needle {
        label: label.into(),
        bytes: bytes.into(),
    }
}

/// Every (needle, address, mapping) found in the writable memory of `pid`.
/// One pass over memory per mapping: candidate positions are those whose
/// first two bytes start some needle (a 64 Ki-entry table), so dozens of
/// needles cost about as much as one (the test build is unoptimised).
fn scan(pid: u32, needles: &[Needle]) -> Vec<(String, u64, String)> {
    let mut by_prefix: Vec<Vec<usize>> = vec![Vec::new(); 1 << 16];
    for (i, n) in needles.iter().enumerate() {
        assert!(n.bytes.len() >= 8, "needle {} is too short", n.label);
        by_prefix[usize::from(u16::from_le_bytes([n.bytes[0], n.bytes[1]]))].push(i);
    }
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let mut found = Vec::new();
    for line in maps.lines() {
        let mut parts = line.split_whitespace();
        let range = parts.next().unwrap();
        let perms = parts.next().unwrap();
        let name = line.split_whitespace().nth(5).unwrap_or("").to_owned();
        if !perms.starts_with("rw") || name == "[vvar]" || name == "[vsyscall]" {
            continue;
        }
        let (a, b) = range.split_once('-').unwrap();
        let (start, end) = (
            u64::from_str_radix(a, 16).unwrap(),
            u64::from_str_radix(b, 16).unwrap(),
        );
        let mut buf = vec![0u8; (end - start) as usize];
        if mem.seek(SeekFrom::Start(start)).is_err() || mem.read_exact(&mut buf).is_err() {
            continue;
        }
        for pos in 0..buf.len().saturating_sub(1) {
            let list = &by_prefix[usize::from(u16::from_le_bytes([buf[pos], buf[pos + 1]]))];
            for &i in list {
                let n = &needles[i].bytes;
                if buf[pos..].starts_with(n) {
                    found.push((needles[i].label.clone(), start + pos as u64, name.clone()));
                }
            }
        }
    }
    found
}

/// Starts `wallet ARGS` with `stdin` piped in, and waits until the test
/// hook stopped it at exit (every secret dropped by then).
fn run_stopped(args: &[String], stdin: &[u8]) -> (u32, std::process::Child) {
    let mut child = Command::new(wallet_bin())
        .args(args)
        .env("WALLET_DEBUG_STOP_AT_EXIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut si = child.stdin.take().unwrap();
        let _ = si.write_all(stdin);
    }
    let pid = child.id();
    let start = Instant::now();
    while proc_state(pid) != Some('T') {
        if start.elapsed() > Duration::from_secs(60) || proc_state(pid).is_none_or(|s| s == 'Z') {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("the process did not stop at exit: {args:?}: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (pid, child)
}

/// The NFC form of an NFKD Spanish phrase: the composed letters the word
/// list decomposes (a hand-written table: the test crate has no Unicode
/// normalisation library). Panics on a combining mark it does not know.
fn spanish_nfc(nfkd: &str) -> String {
    let mut out = String::new();
    for c in nfkd.chars() {
        let composed = match (out.chars().last(), c) {
            (Some(base), '\u{301}') => "aeiou".find(base).map(|i| ['á', 'é', 'í', 'ó', 'ú'][i]),
            (Some('n'), '\u{303}') => Some('ñ'),
            (Some('u'), '\u{308}') => Some('ü'),
            (_, m) if ('\u{300}'..='\u{36f}').contains(&m) => {
                panic!("no composition for {m:?} in {nfkd}")
            }
            _ => None,
        };
        match composed {
            Some(x) => {
                out.pop();
                out.push(x);
            }
            None => out.push(c),
        }
    }
    out
}

/// A wallet under test: what is typed on stdin, and every secret derived
/// from it that must not be left behind.
struct Wallet {
    name: &'static str,
    /// The phrase as fed on stdin.
    input: String,
    needles: Vec<Needle>,
}

impl Wallet {
    fn new(
        name: &'static str,
        mnemonic: &Mnemonic,
        input: String,
        extra_forms: &[&str],
        passphrase: &str,
    ) -> Self {
        let words: Vec<&str> = (0..mnemonic.word_count())
            .map(|i| mnemonic.word(i).unwrap())
            .collect();
        let mut needles = Vec::new();
        // Every form a word may have been held in: the NFKD word, and the
        // forms given in `extra_forms` (NFC for Spanish), each with every
        // separator a phrase is written with.
        let mut forms: Vec<Vec<String>> = vec![words.iter().map(|w| w.to_string()).collect()];
        for f in extra_forms {
            forms.push(f.split([' ', '\u{3000}']).map(str::to_owned).collect());
        }
        for (fi, form) in forms.iter().enumerate() {
            assert_eq!(form.len(), words.len());
            for sep in [" ", "\u{3000}"] {
                needles.push(needle(
                    format!("{name}: whole phrase (form {fi}, sep {sep:?})"),
                    form.join(sep),
                ));
                for n in [2, 3] {
                    for (i, w) in form.windows(n).enumerate() {
                        needles.push(needle(
                            format!("{name}: words {}-{} (form {fi}, sep {sep:?})", i + 1, i + n),
                            w.join(sep),
                        ));
                    }
                }
            }
        }
        if !passphrase.is_empty() {
            let b = passphrase.as_bytes();
            needles.extend([
                needle(format!("{name}: passphrase"), b),
                needle(format!("{name}: passphrase start"), &b[..48]),
                needle(format!("{name}: passphrase end"), &b[b.len() - 48..]),
            ]);
        }
        let seed = mnemonic.to_seed(passphrase);
        let master = ExtendedPrivateKey::from_seed(&seed).unwrap();
        let eth = master.derive_path(&ethereum_path(0, 0).unwrap()).unwrap();
        let eth_key = eth.private_key().to_bytes().expose().to_vec();
        let btc = master
            .derive_path(&"m/84'/0'/0'/0/0".parse().unwrap())
            .unwrap();
        needles.extend([
            needle(format!("{name}: seed"), seed.expose().to_vec()),
            needle(format!("{name}: eth private key"), eth_key.clone()),
            needle(
                format!("{name}: eth private key hex"),
                hex::encode(&eth_key),
            ),
            needle(
                format!("{name}: btc private key"),
                btc.private_key().to_bytes().expose().to_vec(),
            ),
            needle(
                format!("{name}: master xprv"),
                master.to_base58().expose().as_bytes().to_vec(),
            ),
            needle(
                format!("{name}: master key"),
                master.private_key().to_bytes().expose().to_vec(),
            ),
        ]);
        Self {
            name,
            input,
            needles,
        }
    }
}

#[test]
fn no_secret_left_in_memory_after_signing() {
    if cfg!(not(debug_assertions)) {
        eprintln!("skipped: the stop hook exists in test (debug) builds only");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ks = dir.path().join("ks");
    let pw = dir.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let base = |extra: &[&str]| -> Vec<String> {
        let mut v = vec![
            "--keystore-dir".to_owned(),
            ks.to_str().unwrap().into(),
            "--password-file".into(),
            pw.to_str().unwrap().into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };

    let english = Mnemonic::parse(PHRASE).unwrap();
    // Spanish, typed the way a keyboard writes accents (NFC); the word list
    // and the seed use NFKD. The first entropy whose phrase has accents.
    let spanish = (0u8..=255)
        .map(|i| Mnemonic::from_entropy(&[i.wrapping_mul(37); 16], Language::Spanish).unwrap())
        .find(|m| m.phrase().expose().contains('\u{301}'))
        .unwrap();
    let spanish_typed = spanish_nfc(spanish.phrase().expose());
    assert_ne!(spanish_typed, spanish.phrase().expose());
    // Japanese, written with U+3000 between the words.
    let japanese = Mnemonic::from_entropy(&[0x5a; 32], Language::Japanese).unwrap();
    assert!(japanese.phrase().expose().contains('\u{3000}'));
    // The Japanese wallet has a BIP39 passphrase of about 1.3 KB: the
    // encrypted payload outgrows any small fixed buffer.
    let long_passphrase: String = (0..40).map(|i| format!("{i:04}-ひみつの合言葉-")).collect();
    let pp = dir.path().join("passphrase");
    std::fs::write(&pp, &long_passphrase).unwrap();
    let pp = pp.to_str().unwrap().to_owned();
    let wallets = [
        Wallet::new("en", &english, PHRASE.to_owned(), &[], ""),
        Wallet::new("es", &spanish, spanish_typed.clone(), &[&spanish_typed], ""),
        Wallet::new(
            "ja",
            &japanese,
            japanese.phrase().expose().to_owned(),
            &[],
            &long_passphrase,
        ),
    ];
    let mut needles: Vec<Needle> = wallets
        .iter()
        .flat_map(|w| w.needles.iter())
        .map(|n| needle(n.label.clone(), n.bytes.clone()))
        .collect();
    needles.push(needle("password", PASSWORD));

    let mut runs: Vec<(Vec<String>, Vec<u8>)> = Vec::new();
    for w in &wallets {
        let stdin = format!("{}\n", w.input).into_bytes();
        let passphrase: &[&str] = if w.name == "ja" {
            &["--passphrase-file", &pp]
        } else {
            &[]
        };
        // The import itself is scanned (it reads the phrase on stdin).
        let import = [
            "import",
            w.name,
            "--mnemonic",
            "--allow-weak-kdf",
            "--kdf-memory",
            "1024",
            "--kdf-iterations",
            "1",
            "--kdf-parallelism",
            "1",
        ];
        runs.push((base(&[&import[..], passphrase].concat()), stdin.clone()));
        runs.push((
            base(&[
                "--allow-weak-kdf",
                "sign-message",
                w.name,
                "--chain",
                "eth",
                "hello",
            ]),
            Vec::new(),
        ));
        runs.push((
            base(&["--allow-weak-kdf", "export", w.name, "--mnemonic", "--yes"]),
            Vec::new(),
        ));
        let derive = [&["derive", "--chain", "eth"][..], passphrase].concat();
        runs.push((
            derive.iter().map(|s| s.to_string()).collect(),
            stdin.clone(),
        ));
        runs.push((vec!["mnemonic".into(), "check".into()], stdin));
    }
    for extra in [
        &[
            "--allow-weak-kdf",
            "eth",
            "sign-tx",
            "en",
            "--to",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "--value",
            "1",
            "--nonce",
            "0",
            "--gas",
            "21000",
            "--chain-id",
            "1",
            "--max-fee",
            "1gwei",
            "--priority-fee",
            "1gwei",
        ][..],
        &[
            "--allow-weak-kdf",
            "sign-message",
            "en",
            "--chain",
            "btc",
            "hello",
        ],
        &[
            "--allow-weak-kdf",
            "--json",
            "export",
            "en",
            "--private-key",
            "--chain",
            "eth",
            "--yes",
        ],
    ] {
        runs.push((base(extra), Vec::new()));
    }

    let program = wallet_bin().to_str().unwrap().to_owned();
    let mut scanned = 0;
    for (args, stdin) in &runs {
        let (pid, mut child) = run_stopped(args, stdin);
        // While it runs, core files are off (the dumpable flag was turned
        // back on by the test hook for this scan; see the test below).
        let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap()
            .to_owned();
        assert!(core.split_whitespace().nth(4) == Some("0"), "{core}");
        let found = scan(pid, &needles);
        // Control: the scanner does see the process's memory (argv is in it).
        let control = scan(pid, &[needle("argv", program.as_bytes())]);
        assert!(
            !control.is_empty(),
            "the memory scan sees nothing: it proves nothing"
        );
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.code().is_none() || out.status.code() == Some(0),
            "{args:?} failed: {out:?}"
        );
        assert!(
            found.is_empty(),
            "secrets left in memory after {args:?}: {found:#?}"
        );
        scanned += 1;
    }
    assert_eq!(scanned, 18);
}

/// The test build reports its own hardening (`WALLET_TEST_REPORT_HARDENING=1`):
/// `dumpable=0` (`PR_GET_DUMPABLE`) and `core_limit=0/0` while it holds the
/// phrase. The dumpable flag cannot be checked from outside: root may read
/// any process, and /proc shows the flag only through access checks.
#[test]
fn the_process_is_not_dumpable_while_it_holds_secrets() {
    for (args, stdin) in [
        (&["mnemonic", "check"][..], format!("{PHRASE}\n")),
        (&["derive", "--chain", "eth"][..], format!("{PHRASE}\n")),
    ] {
        let mut child = Command::new(wallet_bin())
            .args(args)
            .env("WALLET_TEST_REPORT_HARDENING", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The process blocks reading stdin after hardening: its limits are
        // visible from outside meanwhile.
        let pid = child.id();
        let start = Instant::now();
        let mut core_zero = false;
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(l) = std::fs::read_to_string(format!("/proc/{pid}/limits")) {
                if l.lines().any(|x| {
                    x.starts_with("Max core file size") && x.split_whitespace().nth(4) == Some("0")
                }) {
                    core_zero = true;
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(
            core_zero,
            "RLIMIT_CORE was not set to 0 while reading a secret"
        );
        if cfg!(not(debug_assertions)) {
            eprintln!("note: release build, no hardening report to check (debug builds only)");
            continue;
        }
        let report = stderr
            .lines()
            .find(|l| l.starts_with("dumpable="))
            .unwrap_or_else(|| panic!("no hardening report on stderr: {stderr}"));
        let field = |k: &str| {
            report
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
                .unwrap_or_else(|| panic!("no {k} in {report}"))
        };
        assert_eq!(field("dumpable"), "0", "{report}");
        assert_eq!(field("core_limit"), "0/0", "{report}");
        let mlock = report.split_once("mlock=").unwrap().1;
        assert!(
            mlock == "locked" || mlock.starts_with("not locked: "),
            "{report}"
        );
        eprintln!("{args:?}: {report}");
    }
}
