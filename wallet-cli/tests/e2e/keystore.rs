//! The keystore end to end through the `wallet` binary: every wallet kind
//! round-trips, passwords and tampering give distinct errors, permissions,
//! concurrency, crashes (SIGKILL) and write failures never lose a wallet,
//! Ethereum V3 interop with the official vectors and with cast.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "correct horse\n").unwrap();
        std::fs::write(dir.path().join("pw2"), "battery staple\n").unwrap();
        Env { dir }
    }
    fn ks(&self) -> PathBuf {
        self.dir.path().join("ks")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn file(&self, name: &str) -> PathBuf {
        self.ks().join(format!("{name}.json"))
    }
    /// Runs wallet with this keystore and password file.
    fn run_pw(&self, pw: &str, args: &[&str], stdin: &str) -> Run {
        let ks = self.ks();
        let pwf = self.path(pw);
        let mut full = vec![
            "--keystore-dir",
            ks.to_str().unwrap(),
            "--password-file",
            pwf.to_str().unwrap(),
        ];
        full.extend_from_slice(args);
        wallet_with(&full, stdin.as_bytes(), &[])
    }
    fn run(&self, args: &[&str], stdin: &str) -> Run {
        self.run_pw("pw", args, stdin)
    }
    fn create_fast(&self, name: &str) -> Run {
        let mut a = vec!["--json", "create", name];
        a.extend_from_slice(&FAST);
        let r = self.run(&a, "");
        r.assert_ok();
        r
    }
    fn import_fast(&self, name: &str, how: &[&str], stdin: &str) -> Run {
        let mut a = vec!["--json", "import", name];
        a.extend_from_slice(how);
        a.extend_from_slice(&FAST);
        self.run(&a, stdin)
    }
    fn export(&self, name: &str, what: &[&str]) -> Run {
        self.export_with("pw", name, what)
    }
    /// `export NAME --yes WHAT…` with the password in file `pw`.
    fn export_with(&self, pw: &str, name: &str, what: &[&str]) -> Run {
        let mut a = vec!["--allow-weak-kdf", "export", name, "--yes"];
        a.extend_from_slice(what);
        self.run_pw(pw, &a, "")
    }
}

#[test]
fn create_list_address_export_round_trip() {
    let e = Env::new();
    let created = e.create_fast("alice").json();
    let phrase = created["mnemonic"].as_str().unwrap().to_owned();
    assert_eq!(created["kind"], "mnemonic");
    assert_eq!(created["backup_verified"], false);
    // list and info need no password.
    let l = wallet(
        &["--json", "--keystore-dir", e.ks().to_str().unwrap(), "list"],
        "",
    )
    .json();
    assert_eq!(l["wallets"][0]["name"], "alice");
    assert_eq!(l["wallets"][0]["fingerprint"], created["fingerprint"]);
    let i = wallet(
        &[
            "--json",
            "--keystore-dir",
            e.ks().to_str().unwrap(),
            "info",
            "alice",
        ],
        "",
    )
    .json();
    assert_eq!(i["accounts"].as_array().unwrap().len(), 13);
    // Addresses without a password equal `derive` from the phrase.
    for sel in [
        vec!["--count", "3"],
        vec!["--chain", "eth", "--index", "7"],
        vec![
            "--type",
            "p2tr",
            "--network",
            "regtest",
            "--change",
            "--count",
            "2",
        ],
        vec!["--chain", "ltc", "--type", "p2sh-p2wpkh"],
    ] {
        let ks = e.ks();
        let mut a = vec![
            "--json",
            "--keystore-dir",
            ks.to_str().unwrap(),
            "address",
            "alice",
        ];
        a.extend_from_slice(&sel);
        let ours = wallet(&a, "");
        ours.assert_ok();
        let mut d = vec!["--json", "derive"];
        d.extend_from_slice(&sel);
        let want = wallet(&d, &phrase);
        assert_eq!(
            ours.json()["addresses"],
            want.json()["addresses"],
            "{sel:?}"
        );
    }
    // A selection outside the stored accounts needs the password, and works with it.
    let r = e.run(
        &[
            "--allow-weak-kdf",
            "--json",
            "address",
            "alice",
            "--account",
            "5",
        ],
        "",
    );
    r.assert_ok();
    let want = wallet(&["--json", "derive", "--account", "5"], &phrase).json();
    assert_eq!(r.json()["addresses"], want["addresses"]);
    // The xpub needs no password; it matches derive's account xpub.
    let x = wallet(
        &[
            "--json",
            "--keystore-dir",
            e.ks().to_str().unwrap(),
            "export",
            "alice",
            "--xpub",
        ],
        "",
    );
    x.assert_ok();
    assert_eq!(x.json()["xpub"], want_xpub(&phrase));
    // The mnemonic comes back identical.
    let m = e.export("alice", &["--mnemonic"]);
    m.assert_ok();
    assert_eq!(m.stdout.trim(), phrase);
}

fn want_xpub(phrase: &str) -> serde_json::Value {
    wallet(&["--json", "derive"], phrase).json()["account_xpub"].clone()
}

#[test]
fn every_kind_imports_and_re_exports_byte_identically() {
    let e = Env::new();
    // Mnemonic.
    e.import_fast("m", &["--mnemonic"], ANVIL_MNEMONIC)
        .assert_ok();
    assert_eq!(e.export("m", &["--mnemonic"]).stdout.trim(), ANVIL_MNEMONIC);
    // xprv (master).
    let xprv = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
    e.import_fast("x", &["--xprv"], xprv).assert_ok();
    assert_eq!(e.export("x", &["--xprv"]).stdout.trim(), xprv);
    // The same master key under every SLIP-132 / testnet / Litecoin version:
    // each re-exports exactly as imported, and derives the same addresses.
    let master = wallet_core::hd::ExtendedPrivateKey::parse(xprv).unwrap();
    let x_addr = e.run(&["address", "x", "--type", "p2tr", "--index", "3"], "");
    x_addr.assert_ok();
    for (i, v) in wallet_core::hd::KeyVersion::ALL.iter().enumerate().skip(1) {
        let text = master
            .clone()
            .with_version(*v)
            .to_base58()
            .expose()
            .to_owned();
        let name = format!("x{i}");
        e.import_fast(&name, &["--xprv"], &text).assert_ok();
        assert_eq!(e.export(&name, &["--xprv"]).stdout.trim(), text, "{v:?}");
        let a = e.run(&["address", &name, "--type", "p2tr", "--index", "3"], "");
        assert_eq!(a.stdout, x_addr.stdout, "{v:?}");
        e.run(&["delete", &name, "--yes"], "").assert_ok();
    }
    // Asked for a network, the export takes that network's version.
    let t = e.export("x", &["--xprv", "--network", "testnet"]);
    assert!(t.stdout.starts_with("tprv"), "{}", t.stdout);
    // An xprv wallet: addresses (from stored xpubs, no password) and the
    // account xpub equal the derivation from the key itself.
    let by_path = e.run(&["--json", "address", "x", "--path", "m/84'/0'/0'/0/5"], "");
    by_path.assert_ok();
    let by_index = e
        .run(&["--json", "address", "x", "--index", "5"], "")
        .json();
    assert_eq!(
        by_path.json()["addresses"][0]["address"],
        by_index["addresses"][0]["address"]
    );
    let k = master
        .derive_path(&"m/84'/0'/0'/0/5".parse().unwrap())
        .unwrap()
        .private_key()
        .public_key();
    let want = wallet_core::bitcoin::Address::from_public_key(
        &k,
        wallet_core::bitcoin::AddressType::P2wpkh,
        wallet_core::bitcoin::NetworkParams::BITCOIN,
    )
    .unwrap()
    .to_string();
    assert_eq!(by_index["addresses"][0]["address"], want.as_str());
    let account = master
        .derive_path(&"m/84'/0'/0'".parse().unwrap())
        .unwrap()
        .to_xpub();
    let xpub = e.run(&["--json", "export", "x", "--xpub"], "");
    xpub.assert_ok();
    assert_eq!(xpub.json()["xpub"], account.to_base58().as_str());
    assert!(account.to_base58().starts_with("xpub"));
    let zpub = e.run(&["--json", "export", "x", "--xpub", "--slip132"], "");
    zpub.assert_ok();
    let want = account
        .with_version(wallet_core::hd::KeyVersion::ZPRV)
        .to_base58();
    assert_eq!(zpub.json()["xpub"], want.as_str());
    // WIF, compressed and uncompressed, mainnet and testnet.
    for (i, wif) in [
        "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn",
        "5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf",
        "cMahea7zqjxrtgAbB7LSGbcQUr1uX1ojuat9jZodMN87JcbXMTcA",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("w{i}");
        e.import_fast(&name, &["--wif"], wif).assert_ok();
        assert_eq!(e.export(&name, &["--wif"]).stdout.trim(), *wif);
    }
    // The uncompressed key's Bitcoin address is its P2PKH one.
    let a = e.run(&["address", "w1"], "");
    assert_eq!(a.stdout.trim(), "1EHNa6Q4Jz2uvNExL497mE43ikXhwF6kZm");
    e.run(&["address", "w1", "--type", "p2wpkh"], "")
        .assert_fails(1);
    // Hex.
    let hex_key = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    e.import_fast("h", &["--private-key"], &format!("0x{hex_key}\n"))
        .assert_ok();
    assert_eq!(e.export("h", &["--private-key"]).stdout.trim(), hex_key);
    let addr = e.run(&["address", "h", "--chain", "eth"], "");
    assert_eq!(
        addr.stdout.trim(),
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    );
    // PEM (as OpenSSL writes it), SEC1 and PKCS#8.
    let fixtures = root().join("testdata/fixtures/pem");
    for (name, file, extra) in [
        ("p1", "openssl_sec1.pem", vec![]),
        ("p8", "openssl_pkcs8.pem", vec!["--pkcs8"]),
    ] {
        let f = fixtures.join(file);
        e.import_fast(name, &["--pem", f.to_str().unwrap()], "")
            .assert_ok();
        let mut what = vec!["--pem"];
        what.extend(extra);
        let out = e.export(name, &what);
        out.assert_ok();
        assert_eq!(out.stdout, std::fs::read_to_string(&f).unwrap());
    }
    // Listing shows them all.
    let l = e.run(&["--json", "list"], "").json();
    assert_eq!(l["wallets"].as_array().unwrap().len(), 8);
    assert!(l["unreadable"].as_array().unwrap().is_empty());
}

#[test]
fn bip39_passphrase_survives_export_and_rederive() {
    let e = Env::new();
    std::fs::write(e.path("pp"), "  spaced passphrase \n").unwrap();
    let pp = e.path("pp");
    let r = e.import_fast(
        "pp",
        &["--mnemonic", "--passphrase-file", pp.to_str().unwrap()],
        ABANDON,
    );
    r.assert_ok();
    let addr = e
        .run(&["--json", "address", "pp", "--chain", "eth"], "")
        .json();
    let out = e.path("pp-out");
    let ex = e.export(
        "pp",
        &["--mnemonic", "--passphrase-out", out.to_str().unwrap()],
    );
    ex.assert_ok();
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let re = wallet(
        &[
            "--json",
            "derive",
            "--chain",
            "eth",
            "--passphrase-file",
            out.to_str().unwrap(),
        ],
        &ex.stdout,
    );
    assert_eq!(re.json()["addresses"], addr["addresses"]);
    // Without the passphrase the addresses differ.
    let without = wallet(&["--json", "derive", "--chain", "eth"], &ex.stdout).json();
    assert_ne!(without["addresses"], addr["addresses"]);
    // JSON export carries it.
    let j = e
        .run(
            &[
                "--allow-weak-kdf",
                "--json",
                "export",
                "pp",
                "--mnemonic",
                "--yes",
            ],
            "",
        )
        .json();
    assert_eq!(j["passphrase"], "  spaced passphrase ");

    // The same through `create`: 24 Japanese words and the passphrase; the
    // phrase printed once (no terminal) re-derives the wallet's addresses
    // only with the passphrase.
    let mut a = vec![
        "--json",
        "create",
        "jp",
        "--words",
        "24",
        "--language",
        "japanese",
        "--passphrase-file",
        pp.to_str().unwrap(),
    ];
    a.extend_from_slice(&FAST);
    let c = e.run(&a, "");
    c.assert_ok();
    let c = c.json();
    assert_eq!(c["words"], 24);
    assert_eq!(c["language"], "japanese");
    assert_eq!(c["backup_verified"], false);
    let phrase = c["mnemonic"].as_str().unwrap().to_owned();
    assert_eq!(phrase.split('\u{3000}').count(), 24, "{phrase}");
    let stored = e
        .run(
            &["--json", "address", "jp", "--chain", "eth", "--count", "3"],
            "",
        )
        .json();
    let re = wallet(
        &[
            "--json",
            "derive",
            "--chain",
            "eth",
            "--count",
            "3",
            "--passphrase-file",
            pp.to_str().unwrap(),
        ],
        &phrase,
    );
    assert_eq!(re.json()["addresses"], stored["addresses"]);
    let without = wallet(
        &["--json", "derive", "--chain", "eth", "--count", "3"],
        &phrase,
    )
    .json();
    assert_ne!(without["addresses"], stored["addresses"]);
    let back = e
        .run(
            &[
                "--allow-weak-kdf",
                "--json",
                "export",
                "jp",
                "--mnemonic",
                "--yes",
            ],
            "",
        )
        .json();
    assert_eq!(back["mnemonic"], phrase.as_str());
    assert_eq!(back["passphrase"], "  spaced passphrase ");
}

#[test]
fn wrong_password_tampering_and_versions_are_distinct_errors() {
    let e = Env::new();
    e.create_fast("w");
    let r = e.run_pw(
        "pw2",
        &[
            "--allow-weak-kdf",
            "--json",
            "export",
            "w",
            "--mnemonic",
            "--yes",
        ],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_password");
    // Weak parameters are refused unless asked for.
    let r = e.run(&["--json", "export", "w", "--mnemonic", "--yes"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "weak_parameters");
    // … before any password is asked for (none is available here).
    let ks = e.ks();
    let r = crate::common::wallet_with(
        &[
            "--keystore-dir",
            ks.to_str().unwrap(),
            "--json",
            "export",
            "w",
            "--mnemonic",
            "--yes",
        ],
        b"",
        &[],
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "weak_parameters", "{}", r.stderr);
    // Flip bytes through the whole file: always a clean "tampered".
    let path = e.file("w");
    let orig = std::fs::read(&path).unwrap();
    let step = (orig.len() / 60).max(1);
    for i in (0..orig.len()).step_by(step) {
        let mut b = orig.clone();
        b[i] ^= 0x01;
        std::fs::write(&path, &b).unwrap();
        let r = e.run(
            &[
                "--allow-weak-kdf",
                "--json",
                "export",
                "w",
                "--mnemonic",
                "--yes",
            ],
            "",
        );
        r.assert_fails(1);
        let kind = r.err_json()["kind"].as_str().unwrap().to_owned();
        assert!(
            kind == "tampered" || kind == "unknown_version",
            "byte {i}: {}",
            r.stderr
        );
    }
    // A newer format version.
    let mut v: serde_json::Value = serde_json::from_slice(&orig).unwrap();
    v["version"] = serde_json::json!(2);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let r = e.run(&["--json", "info", "w"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unknown_version");
    // Missing wallet, existing name, bad names.
    std::fs::write(&path, &orig).unwrap();
    let r = e.run(&["--json", "info", "nobody"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "not_found");
    let mut a = vec!["--json", "create", "w"];
    a.extend_from_slice(&FAST);
    let r = e.run(&a, "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "already_exists");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        orig,
        "the existing file is untouched"
    );
    for bad in ["../x", ".hidden", "a/b", "-x", ""] {
        let mut a = vec!["--json", "create", bad];
        a.extend_from_slice(&FAST);
        let r = e.run(&a, "");
        assert_ne!(r.code, 0, "{bad}");
        assert!(!r.stderr.contains("panicked"));
    }
    // Unreadable files are listed as such, not fatal.
    std::fs::write(e.file("junk"), b"{not json").unwrap();
    let l = e.run(&["--json", "list"], "").json();
    assert_eq!(l["unreadable"][0]["name"], "junk");
    assert_eq!(l["unreadable"][0]["kind"], "tampered");
}

#[test]
fn default_kdf_parameters_and_permissions() {
    let e = Env::new();
    let r = e.run(&["--json", "create", "strong"], "");
    r.assert_ok();
    let info = e.run(&["--json", "info", "strong"], "").json();
    assert_eq!(info["kdf"]["m_cost_kib"], 65536);
    assert_eq!(info["kdf"]["t_cost"], 3);
    assert_eq!(info["kdf"]["p_cost"], 4);
    assert_eq!(info["kdf"]["safe"], true);
    let phrase = r.json()["mnemonic"].as_str().unwrap().to_owned();
    let m = e.run(&["export", "strong", "--mnemonic", "--yes"], "");
    assert_eq!(m.stdout.trim(), phrase);
    let dir_mode = std::fs::metadata(e.ks()).unwrap().permissions().mode() & 0o777;
    let file_mode = std::fs::metadata(e.file("strong"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
    assert_eq!(file_mode, 0o600);
    // An existing wider directory is tightened.
    std::fs::set_permissions(e.ks(), std::fs::Permissions::from_mode(0o755)).unwrap();
    e.create_fast("second");
    assert_eq!(
        std::fs::metadata(e.ks()).unwrap().permissions().mode() & 0o777,
        0o700
    );
    // Weak parameters are refused at creation too unless asked for.
    let r = e.run(&["--json", "create", "weak", "--kdf-memory", "1024"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "weak_parameters");
}

#[test]
fn passwd_re_encrypts_atomically() {
    let e = Env::new();
    let created = e.create_fast("p");
    let phrase = created.json()["mnemonic"].as_str().unwrap().to_owned();
    let pw2 = e.path("pw2");
    let mut a = vec!["passwd", "p", "--new-password-file", pw2.to_str().unwrap()];
    a.extend_from_slice(&FAST);
    e.run(&a, "").assert_ok();
    let r = e.run(
        &[
            "--allow-weak-kdf",
            "--json",
            "export",
            "p",
            "--mnemonic",
            "--yes",
        ],
        "",
    );
    assert_eq!(r.err_json()["kind"], "wrong_password");
    let r = e.run_pw(
        "pw2",
        &["--allow-weak-kdf", "export", "p", "--mnemonic", "--yes"],
        "",
    );
    assert_eq!(r.stdout.trim(), phrase);
    assert_eq!(
        std::fs::metadata(e.file("p")).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // A wrong old password changes nothing.
    let before = std::fs::read(e.file("p")).unwrap();
    let mut a = vec!["passwd", "p", "--new-password-file", pw2.to_str().unwrap()];
    a.extend_from_slice(&FAST);
    e.run(&a, "").assert_fails(1);
    assert_eq!(std::fs::read(e.file("p")).unwrap(), before);
    // No temporary files are left behind.
    let stray: Vec<_> = std::fs::read_dir(e.ks())
        .unwrap()
        .flatten()
        .filter(|d| d.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(stray.is_empty());
}

#[test]
fn delete_needs_confirmation() {
    let e = Env::new();
    e.create_fast("d");
    let r = e.run(&["--json", "delete", "d"], "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "cancelled");
    assert!(e.file("d").exists());
    e.run(&["delete", "d", "--yes"], "").assert_ok();
    assert!(!e.file("d").exists());
    let r = e.run(&["--json", "delete", "d", "--yes"], "");
    assert_eq!(r.err_json()["kind"], "not_found");
    // Secrets are not printed without confirmation either.
    e.create_fast("s");
    let r = e.run(
        &["--allow-weak-kdf", "--json", "export", "s", "--mnemonic"],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "cancelled");
    assert!(r.stdout.is_empty());
}

#[test]
fn concurrent_creates_of_one_name_exactly_one_wins() {
    for round in 0..5 {
        let e = Env::new();
        // Create the directory first so both processes race on the file.
        e.create_fast("other");
        let name = format!("race{round}");
        let spawn = || {
            let ks = e.ks();
            let pw = e.path("pw");
            let mut args = vec![
                "--json".to_owned(),
                "--keystore-dir".into(),
                ks.to_str().unwrap().into(),
                "--password-file".into(),
                pw.to_str().unwrap().into(),
                "create".into(),
                name.clone(),
            ];
            args.extend(FAST.iter().map(|s| s.to_string()));
            Command::new(wallet_bin())
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn();
        let b = spawn();
        let (oa, ob) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let wins = [&oa, &ob].iter().filter(|o| o.status.success()).count();
        assert_eq!(wins, 1, "round {round}: {oa:?} {ob:?}");
        let loser = if oa.status.success() { &ob } else { &oa };
        let err: serde_json::Value = serde_json::from_slice(&loser.stderr).unwrap();
        assert_eq!(err["kind"], "already_exists");
        let winner = if oa.status.success() { &oa } else { &ob };
        let phrase = serde_json::from_slice::<serde_json::Value>(&winner.stdout).unwrap()
            ["mnemonic"]
            .as_str()
            .unwrap()
            .to_owned();
        let m = e.export(&name, &["--mnemonic"]);
        assert_eq!(
            m.stdout.trim(),
            phrase,
            "the file holds the winner's wallet"
        );
    }
}

fn kill_after(mut child: std::process::Child, delay: Duration) {
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}

fn wallet_cmd(e: &Env, pw: &str, args: &[&str]) -> Command {
    let mut c = Command::new(wallet_bin());
    c.arg("--keystore-dir")
        .arg(e.ks())
        .arg("--password-file")
        .arg(e.path(pw))
        .args(args)
        .stdin(Stdio::null())
        // Not /dev/null: `create` refuses to show its phrase where it is lost.
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    c
}

/// Pseudo-random delays without a dependency: a xorshift seeded by time.
fn delays(n: usize, max_ms: u64) -> Vec<Duration> {
    let mut x = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_micros(x % (max_ms * 1000))
        })
        .collect()
}

const MEDIUM: [&str; 7] = [
    "--allow-weak-kdf",
    "--kdf-memory",
    "8192",
    "--kdf-iterations",
    "1",
    "--kdf-parallelism",
    "1",
];

#[test]
fn sigkill_during_create_and_passwd_never_breaks_a_wallet() {
    let e = Env::new();
    e.create_fast("base");
    let base = e.export("base", &["--mnemonic"]).stdout;
    for (round, delay) in delays(50, 120).into_iter().enumerate() {
        // create: afterwards the wallet is absent or complete.
        let name = format!("k{round}");
        let mut args = vec!["create", name.as_str()];
        args.extend_from_slice(&MEDIUM);
        let child = wallet_cmd(&e, "pw", &args).spawn().unwrap();
        kill_after(child, delay);
        if e.file(&name).exists() {
            let r = e.export(&name, &["--mnemonic"]);
            assert_eq!(
                r.code, 0,
                "round {round}: a created file must be complete: {r:?}"
            );
        }
        // passwd: afterwards the wallet opens with the old or the new password.
        let (old, new) = if round % 2 == 0 {
            ("pw", "pw2")
        } else {
            ("pw2", "pw")
        };
        let current = if e.export_with(old, "base", &["--mnemonic"]).code == 0 {
            old
        } else {
            new
        };
        let other = if current == "pw" { "pw2" } else { "pw" };
        let newf = e.path(other);
        let mut args = vec![
            "passwd",
            "base",
            "--new-password-file",
            newf.to_str().unwrap(),
        ];
        args.extend_from_slice(&MEDIUM);
        let child = wallet_cmd(&e, current, &args).spawn().unwrap();
        kill_after(child, delay);
        let with_current = e.export_with(current, "base", &["--mnemonic"]);
        let with_other = e.export_with(other, "base", &["--mnemonic"]);
        let opened: Vec<&Run> = [&with_current, &with_other]
            .into_iter()
            .filter(|r| r.code == 0)
            .collect();
        assert_eq!(
            opened.len(),
            1,
            "round {round}: {with_current:?} {with_other:?}"
        );
        assert_eq!(opened[0].stdout, base, "round {round}");
    }
    let l = e.run(&["--json", "list"], "").json();
    assert!(l["unreadable"].as_array().unwrap().is_empty(), "{l}");
}

/// Waits until a temporary file of a write in progress appears in the
/// keystore directory.
fn temporary_appears(e: &Env, within: Duration) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < within {
        let found = std::fs::read_dir(e.ks())
            .unwrap()
            .flatten()
            .any(|d| d.file_name().to_str().is_some_and(|n| n.contains(".tmp-")));
        if found {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// The crash that matters most, made certain: the process is killed with
/// its new file written, synced and verified, but not yet in place (a debug
/// build holds it there when asked). The old state survives whole, and the
/// next write clears the leftover temporary file.
#[test]
fn sigkill_between_write_and_rename_keeps_the_old_state() {
    if !cfg!(debug_assertions) {
        return; // the pause hook exists in debug builds only
    }
    let e = Env::new();
    e.create_fast("base");
    let base = e.export("base", &["--mnemonic"]).stdout;
    let paused = |pw: &str, args: &[&str]| {
        let mut c = wallet_cmd(&e, pw, args);
        c.env("WALLET_TEST_PAUSE_BEFORE_COMMIT_MS", "20000");
        let mut child = c.spawn().unwrap();
        assert!(
            temporary_appears(&e, Duration::from_secs(30)),
            "no write started"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    };
    // create: killed before the link, the wallet does not exist.
    let mut args = vec!["create", "half"];
    args.extend_from_slice(&MEDIUM);
    paused("pw", &args);
    assert!(!e.file("half").exists());
    // passwd: killed before the rename, the old password still opens it.
    let newf = e.path("pw2");
    let mut args = vec![
        "passwd",
        "base",
        "--new-password-file",
        newf.to_str().unwrap(),
    ];
    args.extend_from_slice(&MEDIUM);
    paused("pw", &args);
    let r = e.export_with("pw", "base", &["--mnemonic"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, base);
    let r = e.export_with("pw2", "base", &["--mnemonic"]);
    r.assert_fails(1);
    // The leftovers are there until the next write under the lock removes them.
    assert!(temporary_appears(&e, Duration::from_millis(1)));
    e.create_fast("after");
    assert!(!temporary_appears(&e, Duration::from_millis(1)));
    let l = e.run(&["--json", "list"], "").json();
    assert!(l["unreadable"].as_array().unwrap().is_empty(), "{l}");
}

/// The advisory lock serialises writers: a second process waits for it,
/// and gives up with a clear `locked` error if it is never released.
#[test]
fn a_held_lock_makes_writers_wait_then_give_up() {
    let e = Env::new();
    e.create_fast("first");
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(e.ks().join(".lock"))
        .unwrap();
    lock.lock().unwrap();
    // Released after a second: the writer waited, then succeeded.
    let holder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        drop(lock);
    });
    let start = std::time::Instant::now();
    e.create_fast("second").assert_ok();
    assert!(start.elapsed() >= Duration::from_millis(900));
    holder.join().unwrap();
    // Never released: `locked`, exit 1, and nothing written.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(e.ks().join(".lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut a = vec!["--json", "create", "third"];
    a.extend_from_slice(&MEDIUM);
    let r = e.run(&a, "");
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "locked", "{}", r.stderr);
    assert!(!e.file("third").exists());
    drop(lock);
}

#[test]
fn a_failed_write_leaves_the_old_file_intact() {
    let e = Env::new();
    e.create_fast("f");
    let before = std::fs::read(e.file("f")).unwrap();
    // RLIMIT_FSIZE makes every write beyond 512 bytes fail (EFBIG), like a full disk.
    let wallet = wallet_bin();
    let script = format!(
        "trap '' XFSZ; ulimit -f 1; exec '{}' --keystore-dir '{}' --password-file '{}' --json passwd f --new-password-file '{}' {}",
        wallet.display(),
        e.ks().display(),
        e.path("pw").display(),
        e.path("pw2").display(),
        FAST.join(" ")
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["kind"], "io", "{err}");
    assert_eq!(std::fs::read(e.file("f")).unwrap(), before);
    e.export("f", &["--mnemonic"]).assert_ok();
    // Same for a create into a full disk: nothing appears.
    let script = format!(
        "trap '' XFSZ; ulimit -f 1; exec '{}' --keystore-dir '{}' --password-file '{}' --json create g {}",
        wallet.display(),
        e.ks().display(),
        e.path("pw").display(),
        FAST.join(" ")
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert!(!out.status.success());
    assert!(!e.file("g").exists());
    let stray: Vec<_> = std::fs::read_dir(e.ks())
        .unwrap()
        .flatten()
        .filter(|d| d.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(stray.is_empty(), "temporary files are cleaned up");
}

fn v3_vectors() -> serde_json::Value {
    vector("keystore_v3.json")
}

#[test]
fn ethereum_v3_official_vectors_import() {
    let e = Env::new();
    let v = v3_vectors();
    for (i, t) in v["vectors"].as_array().unwrap().iter().enumerate() {
        let f = e.path(&format!("v3-{i}.json"));
        std::fs::write(&f, serde_json::to_vec(&t["json"]).unwrap()).unwrap();
        let name = format!("v{i}");
        let r = e.import_fast(
            &name,
            &["--eth-keystore", f.to_str().unwrap()],
            t["password"].as_str().unwrap(),
        );
        r.assert_ok();
        let k = e.export(&name, &["--private-key"]);
        assert_eq!(
            k.stdout.trim(),
            t["priv"].as_str().unwrap(),
            "{}",
            t["name"]
        );
    }
    for t in v["invalid"].as_array().unwrap() {
        let f = e.path("bad.json");
        std::fs::write(&f, serde_json::to_vec(&t["json"]).unwrap()).unwrap();
        let r = e.import_fast(
            "bad",
            &["--eth-keystore", f.to_str().unwrap()],
            t["password"].as_str().unwrap(),
        );
        r.assert_fails(1);
        assert!(!e.file("bad").exists());
    }
    for t in v["known_inconsistent_upstream"].as_array().unwrap() {
        let f = e.path("wrong.json");
        std::fs::write(&f, serde_json::to_vec(&t["json"]).unwrap()).unwrap();
        let r = e.import_fast(
            "wrong",
            &["--eth-keystore", f.to_str().unwrap()],
            t["password"].as_str().unwrap(),
        );
        assert!(
            r.code != 0
                || e.export("wrong", &["--private-key"]).stdout.trim()
                    != t["priv"].as_str().unwrap_or("")
        );
        let _ = std::fs::remove_file(e.file("wrong"));
    }
    // Malformed files.
    for (i, junk) in [
        "",
        "{}",
        "[1,2]",
        "{\"crypto\":{}}",
        "{\"version\":2,\"crypto\":{}}",
    ]
    .iter()
    .enumerate()
    {
        let f = e.path(&format!("junk{i}.json"));
        std::fs::write(&f, junk).unwrap();
        let r = e.import_fast(
            &format!("j{i}"),
            &["--eth-keystore", f.to_str().unwrap()],
            "pw",
        );
        r.assert_fails(1);
    }
}

fn cast_decrypt(cast: &Path, file: &Path, password: &str) -> String {
    let out = Command::new(cast)
        .args(["wallet", "decrypt-keystore", "-k"])
        .arg(file.parent().unwrap())
        .arg(file.file_name().unwrap())
        .env("CAST_UNSAFE_PASSWORD", password)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    s.trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_start_matches("0x")
        .to_owned()
}

#[test]
fn v3_interop_with_cast() {
    let Some(cast) = cast() else { return };
    let e = Env::new();
    e.import_fast("k", &["--mnemonic"], ANVIL_MNEMONIC)
        .assert_ok();
    // Ours → cast, with the wallet password and with another one.
    let out1 = e.path("exported1.json");
    let r = e.export(
        "k",
        &["--eth-keystore", out1.to_str().unwrap(), "--index", "3"],
    );
    r.assert_ok();
    let want = e
        .export("k", &["--private-key", "--chain", "eth", "--index", "3"])
        .stdout
        .trim()
        .to_owned();
    assert_eq!(cast_decrypt(&cast, &out1, "correct horse"), want);
    assert_eq!(
        std::fs::metadata(&out1).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The parameters geth, cast, ethers and MetaMask expect by default.
    let v3: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out1).unwrap()).unwrap();
    assert_eq!(v3["version"], 3);
    assert_eq!(v3["crypto"]["cipher"], "aes-128-ctr");
    assert_eq!(v3["crypto"]["kdf"], "scrypt");
    let kp = &v3["crypto"]["kdfparams"];
    assert_eq!(
        (
            kp["n"].as_u64(),
            kp["r"].as_u64(),
            kp["p"].as_u64(),
            kp["dklen"].as_u64()
        ),
        (Some(262_144), Some(8), Some(1), Some(32)),
        "{kp}"
    );
    assert_eq!(kp["salt"].as_str().unwrap().len(), 64);
    assert_eq!(
        v3["crypto"]["cipherparams"]["iv"].as_str().unwrap().len(),
        32
    );
    let id = v3["id"].as_str().unwrap();
    assert!(
        id.len() == 36 && id.as_bytes()[14] == b'4',
        "a UUID v4: {id}"
    );
    // Exporting over an existing file is refused, and leaves it alone.
    let before = std::fs::read(&out1).unwrap();
    let again = e.export(
        "k",
        &["--eth-keystore", out1.to_str().unwrap(), "--index", "3"],
    );
    again.assert_fails(1);
    assert_eq!(std::fs::read(&out1).unwrap(), before);
    let out2 = e.path("exported2.json");
    std::fs::write(e.path("exp-pw"), "another one").unwrap();
    let ep = e.path("exp-pw");
    e.export(
        "k",
        &[
            "--eth-keystore",
            out2.to_str().unwrap(),
            "--export-password-file",
            ep.to_str().unwrap(),
        ],
    )
    .assert_ok();
    let want0 = e
        .export("k", &["--private-key", "--chain", "eth"])
        .stdout
        .trim()
        .to_owned();
    assert_eq!(cast_decrypt(&cast, &out2, "another one"), want0);
    // Never overwrites.
    let r = e.export("k", &["--eth-keystore", out2.to_str().unwrap()]);
    r.assert_fails(1);
    // cast → ours.
    let dir = e.path("castdir");
    std::fs::create_dir(&dir).unwrap();
    let out = Command::new(&cast)
        .args(["wallet", "new"])
        .arg(&dir)
        .env("CAST_PASSWORD", "cast password")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let addr = text
        .split_whitespace()
        .find(|w| w.starts_with("0x") && w.len() == 42)
        .expect("cast prints the address")
        .to_owned();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    e.import_fast(
        "fromcast",
        &["--eth-keystore", file.to_str().unwrap()],
        "cast password\n",
    )
    .assert_ok();
    let a = e.run(&["address", "fromcast", "--chain", "eth"], "");
    assert_eq!(a.stdout.trim().to_lowercase(), addr.to_lowercase());
    // Wrong password for the cast file.
    let r = e.import_fast(
        "nope",
        &["--eth-keystore", file.to_str().unwrap()],
        "not it",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_password");
}

#[test]
fn depth_nonzero_xprv_is_refused_clearly() {
    let e = Env::new();
    let acct = "xprv9xgqHN7yz9MwCkxsBPN5qetuNdQSUttZNKw1dcYTV4mkaAFiBVGQziHs3NRSWMkCzvgjEe3n9xV8oYywvM8at9yRqyaZVz6TYYhX98VjsUk";
    let r = e.import_fast("acct", &["--xprv"], acct);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported");
    for (how, input) in [
        ("--wif", "not a wif"),
        ("--private-key", "1234"),
        ("--mnemonic", "abandon abandon"),
        ("--xprv", "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8"),
    ] {
        let r = e.import_fast("bad", &[how], input);
        r.assert_fails(1);
        assert!(!e.file("bad").exists(), "{how}");
    }
}

#[test]
fn keystore_location_and_password_from_the_environment() {
    let e = Env::new();
    let pw = e.path("pw");
    let pw = pw.to_str().unwrap();
    let home = e.path("home");
    let xdg = e.path("xdg");
    let env_dir = e.path("envdir");
    std::fs::create_dir_all(&home).unwrap();
    let create = |name: &str, env: &[(&str, &str)]| {
        let mut a = vec!["--json", "create", name];
        a.extend_from_slice(&FAST);
        let r = wallet_with(&a, b"", env);
        r.assert_ok();
        r
    };
    // Nothing set but HOME: ~/.local/share/wallet/keystore, and `list`
    // names that directory even before it exists.
    let h = home.to_str().unwrap();
    let l = wallet_with(&["--json", "list"], b"", &[("HOME", h)]);
    l.assert_ok();
    let want = home.join(".local/share/wallet/keystore");
    assert_eq!(l.json()["keystore"], want.to_str().unwrap());
    create("a", &[("HOME", h), ("WALLET_PASSWORD_FILE", pw)]);
    assert!(want.join("a.json").is_file());
    let mode = std::fs::metadata(&want).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    // XDG_DATA_HOME wins over HOME (a relative one is ignored, as the spec says).
    let x = xdg.to_str().unwrap();
    create(
        "b",
        &[
            ("HOME", h),
            ("XDG_DATA_HOME", x),
            ("WALLET_PASSWORD_FILE", pw),
        ],
    );
    assert!(xdg.join("wallet/keystore/b.json").is_file());
    create(
        "c",
        &[
            ("HOME", h),
            ("XDG_DATA_HOME", "relative/dir"),
            ("WALLET_PASSWORD_FILE", pw),
        ],
    );
    assert!(want.join("c.json").is_file());
    // WALLET_KEYSTORE_DIR wins over both; --keystore-dir over it.
    let d = env_dir.to_str().unwrap();
    let base = [
        ("HOME", h),
        ("XDG_DATA_HOME", x),
        ("WALLET_KEYSTORE_DIR", d),
        ("WALLET_PASSWORD_FILE", pw),
    ];
    create("d", &base);
    assert!(env_dir.join("d.json").is_file());
    let flag_dir = e.path("flagdir");
    let mut a = vec![
        "--json",
        "--keystore-dir",
        flag_dir.to_str().unwrap(),
        "create",
        "f",
    ];
    a.extend_from_slice(&FAST);
    wallet_with(&a, b"", &base).assert_ok();
    assert!(flag_dir.join("f.json").is_file());
    // The password file from the environment unlocks; a wrong one is refused.
    let addr = wallet_with(&["--json", "address", "d", "--chain", "eth"], b"", &base);
    addr.assert_ok();
    let wrong = e.path("pw2");
    let mut bad = base;
    bad[3] = ("WALLET_PASSWORD_FILE", wrong.to_str().unwrap());
    let r = wallet_with(
        &[
            "--json",
            "--allow-weak-kdf",
            "export",
            "d",
            "--mnemonic",
            "--yes",
        ],
        b"",
        &bad,
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_password");
    // Without a password source and no terminal: a clear error, not a hang.
    let r = wallet_with(
        &["--json", "export", "d", "--mnemonic", "--yes"],
        b"",
        &base[..3],
    );
    r.assert_fails(1);
}

/// `create`, `export` and `delete` at a terminal: the password asked twice,
/// the phrase shown once and three of its words asked back, confirmations typed.
#[test]
fn interactive_create_quiz_export_and_delete_at_a_terminal() {
    use serde_json::json;
    let e = Env::new();
    let ks = e.ks();
    let ks = ks.to_str().unwrap();
    let pw_file = e.path("pw");
    let pw_file = pw_file.to_str().unwrap();
    let create_args = |name: &'static str| {
        let mut a = vec!["--keystore-dir", ks, "--json", "create", name];
        a.extend_from_slice(&FAST);
        a
    };
    let quiz = json!([
        {"expect": "New wallet password: ", "send": "correct horse\n", "hidden": true},
        {"expect": "Repeat the wallet password: ", "send": "correct horse\n", "hidden": true},
        {"expect": "Press Enter", "send": "\n"},
        {"expect": "Word #(\\d+): ", "send_word": true},
        {"expect": "Word #(\\d+): ", "send_word": true},
        {"expect": "Word #(\\d+): ", "send_word": true},
    ]);
    let r = wallet_tty(&create_args("t"), quiz, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.failed_step, None, "{r:?}");
    assert_eq!(r.words.len(), 12, "{r:?}");
    // The JSON result says the backup was verified and does not repeat the phrase.
    let last = r.output.lines().rev().find(|l| l.starts_with('{')).unwrap();
    let v: serde_json::Value = serde_json::from_str(last.trim()).unwrap();
    assert_eq!(v["backup_verified"], true, "{v}");
    assert!(v.get("mnemonic").is_none(), "{v}");
    assert_eq!(r.output.matches(&r.words.join(" ")).count(), 0);
    // The words shown are the wallet's (the password typed twice is the one used).
    let phrase = e.export("t", &["--mnemonic"]).stdout.trim().to_owned();
    assert_eq!(phrase, r.words.join(" "));

    // Wrong answers three times, and no second look: nothing is created.
    let mut wrong = vec![
        json!({"expect": "New wallet password: ", "send": "pw\n"}),
        json!({"expect": "Repeat the wallet password: ", "send": "pw\n"}),
        json!({"expect": "Press Enter", "send": "\n"}),
    ];
    for _ in 0..3 {
        wrong.push(json!({"expect": "Word #\\d+: ", "send": "zebra\n"}));
    }
    wrong.push(json!({"expect": "again\\? \\[y/N\\]: ", "send": "n\n"}));
    let r = wallet_tty(&create_args("u"), json!(wrong), &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.output.contains("could not be verified"), "{r:?}");
    assert!(!e.file("u").exists());
    // Two different passwords, three times: nothing is created.
    let r = wallet_tty(
        &create_args("v"),
        json!([
            {"expect": "New wallet password: ", "send": "one\n"},
            {"expect": "Repeat the wallet password: ", "send": "two\n"},
            {"expect": "New wallet password: ", "send": "one\n"},
            {"expect": "Repeat the wallet password: ", "send": "two\n"},
            {"expect": "New wallet password: ", "send": "one\n"},
            {"expect": "Repeat the wallet password: ", "send": "two\n"},
        ]),
        &[],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.output.contains("differ"), "{r:?}");
    assert!(!e.file("v").exists());

    // Export at a terminal: the password (hidden), then an explicit yes.
    let export = [
        "--keystore-dir",
        ks,
        "--allow-weak-kdf",
        "export",
        "t",
        "--mnemonic",
    ];
    let r = wallet_tty(
        &export,
        json!([
            {"expect": "[Pp]assword.*: ", "send": "correct horse\n", "hidden": true},
            {"expect": "Type '.*' to continue: ", "send": "no\n"},
        ]),
        &[],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(!r.output.contains(&phrase), "{r:?}");
    let r = wallet_tty(
        &export,
        json!([
            {"expect": "[Pp]assword.*: ", "send": "correct horse\n", "hidden": true},
            {"expect": "Type '(.*)' to continue: ", "send": "yes\n"},
        ]),
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.output.contains(&phrase), "{r:?}");
    // The hidden password is not echoed.
    assert!(!r.output.contains("correct horse"), "{r:?}");

    // Delete asks for the name; anything else keeps the wallet.
    let del = [
        "--keystore-dir",
        ks,
        "--password-file",
        pw_file,
        "delete",
        "t",
    ];
    let r = wallet_tty(
        &del,
        json!([{"expect": "Type 't' to continue: ", "send": "nope\n"}]),
        &[],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(e.file("t").exists());
    let r = wallet_tty(
        &del,
        json!([{"expect": "Type 't' to continue: ", "send": "t\n"}]),
        &[],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!e.file("t").exists());
}
