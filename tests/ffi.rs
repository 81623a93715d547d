//! The C ABI end to end: the C example built with gcc against the static and
//! the dynamic library runs a full flow on a real anvil; it and a
//! multithreaded stress test of every error path run clean under valgrind;
//! Python ctypes covers the same error paths.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// target/debug (where cargo put libwallet.a and libwallet.so for these tests).
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

fn build_c(out: &Path) {
    let src = root().join("examples/c");
    let st = Command::new("make")
        .arg("-s")
        .arg("-f")
        .arg(src.join("Makefile"))
        .arg(format!("SRCDIR={}", src.display()))
        .arg(format!("LIBDIR={}", lib_dir().display()))
        .arg("-C")
        .arg(out)
        .status()
        .expect("make");
    assert!(st.success(), "building the C example failed");
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let o = cmd.output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn field<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} ")))
        .unwrap_or_else(|| panic!("no {key} in {out}"))
}

fn valgrind() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/valgrind");
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("WALLET_REQUIRE_DEVNET").is_some() {
        panic!("valgrind is missing (apt-get install valgrind)");
    }
    eprintln!("SKIPPED: valgrind not installed");
    None
}

#[test]
fn c_example_static_and_dynamic_on_anvil_and_clean_under_valgrind() {
    let Some(anvil) = Anvil::start() else { return };
    let build = tempfile::tempdir().unwrap();
    build_c(build.path());
    // The core's derivation for the dev mnemonic, to compare with C.
    let m = wallet_core::mnemonic::Mnemonic::parse(ANVIL_MNEMONIC).unwrap();
    let master = wallet_core::hd::ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
    let f = wallet_core::account::AddressFormat::Ethereum;
    let want = wallet_core::account::derive_addresses(
        &master,
        &f,
        &f.address_path(0, false, 0).unwrap(),
        2,
    )
    .unwrap();
    for bin in ["demo_static", "demo_dynamic"] {
        let ks = tempfile::tempdir().unwrap();
        let (ok, out, err) = run(Command::new(build.path().join(bin))
            .arg(&anvil.url)
            .arg(ks.path().join("ks")));
        assert!(ok, "{bin}: {out}\n{err}");
        let derived: serde_json::Value = serde_json::from_str(field(&out, "DERIVED")).unwrap();
        for (i, w) in want.iter().enumerate() {
            assert_eq!(derived["addresses"][i]["address"], w.address.as_str());
        }
        assert_eq!(field(&out, "DEV_ETH"), want[0].address);
        assert_eq!(field(&out, "FUND_STATUS"), "1");
        assert_eq!(field(&out, "TX_STATUS"), "1", "{out}");
        assert_eq!(field(&out, "WRONG_PASSWORD"), "wrong_password");
        let bal: u128 = field(&out, "BALANCE_WEI").parse().unwrap();
        assert!(
            bal < 750_000_000_000_000_000 && bal > 740_000_000_000_000_000,
            "{bal}"
        );
        // The transaction is really on chain.
        let hash = field(&out, "TX_HASH");
        let rc = anvil.rpc("eth_getTransactionReceipt", serde_json::json!([hash]));
        assert_eq!(rc["status"], "0x1");
        // The fresh wallet's address matches what the CLI derives for it.
        let fresh = field(&out, "FRESH_ETH");
        assert!(fresh.starts_with("0x") && fresh.len() == 42);
        assert!(out.contains("DONE"));
    }
    let Some(vg) = valgrind() else { return };
    let supp = root().join("examples/c/valgrind.supp");
    let ks = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(Command::new(&vg)
        .args(["--leak-check=full", "--error-exitcode=1", "-q"])
        .arg(format!("--suppressions={}", supp.display()))
        .arg(build.path().join("demo_dynamic"))
        .arg(&anvil.url)
        .arg(ks.path().join("ks")));
    assert!(ok && out.contains("DONE"), "valgrind demo: {out}\n{err}");
    let (ok, out, err) = run(Command::new(&vg)
        .args(["--leak-check=full", "--error-exitcode=1", "-q"])
        .arg(format!("--suppressions={}", supp.display()))
        .env("STRESS_ROUNDS", "3")
        .arg(build.path().join("stress_static"))
        .arg(ks.path().join("ks2"))
        .arg("http://127.0.0.1:9"));
    assert!(
        ok && out.contains("STRESS failures=0"),
        "valgrind stress: {out}\n{err}"
    );
}

#[test]
fn stress_many_threads_every_error_path() {
    let build = tempfile::tempdir().unwrap();
    build_c(build.path());
    for bin in ["stress_dynamic", "stress_static"] {
        let ks = tempfile::tempdir().unwrap();
        let (ok, out, err) = run(Command::new(build.path().join(bin))
            .arg(ks.path().join("ks"))
            .arg("http://127.0.0.1:9"));
        assert!(
            ok && out.contains("STRESS failures=0"),
            "{bin}: {out}\n{err}"
        );
        // The injected panic surfaced as a status, not an abort.
        assert!(err.contains("injected test panic"), "{err}");
    }
}

#[test]
fn python_ctypes_binding() {
    let anvil = Anvil::start();
    let url = anvil.as_ref().map_or("-".to_owned(), |a| a.url.clone());
    let ks = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(Command::new("python3")
        .arg(root().join("tests/python/ffi_ctypes.py"))
        .arg(lib_dir().join("libwallet.so"))
        .arg(&url)
        .arg(ks.path().join("ks")));
    assert!(ok && out.contains("CTYPES_OK"), "{out}\n{err}");
}
