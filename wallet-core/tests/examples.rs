//! The SDK's examples (`wallet-core/examples/`), which `cargo test` builds,
//! run here and must succeed and print what they say: offline ones
//! directly, the node one against a real anvil.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;
use wallet_testkit::Anvil;

/// `target/<profile>/examples/NAME`, built by cargo for this test run.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let p = profile_dir.join("examples").join(name);
    assert!(p.exists(), "{} was not built", p.display());
    p
}

fn run(name: &str, args: &[&str]) -> String {
    let out = Command::new(example(name)).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn derive_addresses_prints_the_known_addresses() {
    let out = run("derive_addresses", &[]);
    assert!(out.contains("m/44'/60'/0'/0/0       0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    assert!(out.contains("m/86'/0'/0'/0/0"));
    assert!(out.contains("rltc1q"));
}

#[test]
fn sign_psbt_finalizes_a_transaction() {
    let out = run("sign_psbt", &[]);
    assert!(
        out.contains("signed 1 input(s), fee Some(1000 SAT)"),
        "{out}"
    );
    let hex = out.lines().last().unwrap();
    assert!(hex.starts_with("0200000000010"), "{hex}");
}

#[test]
fn create_and_back_up_round_trips_through_a_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        "create_and_back_up",
        &[dir.path().join("ks").to_str().unwrap()],
    );
    assert!(
        out.contains("created 'example' with a 12-word phrase"),
        "{out}"
    );
    assert!(
        out.contains("unlocked; its first Ethereum address: 0x"),
        "{out}"
    );
    // It deletes its wallet at the end.
    let out = run("open_keystore", &[dir.path().join("ks").to_str().unwrap()]);
    assert!(out.starts_with("0 wallet(s)"), "{out}");
}

#[test]
fn sign_eip1559_signs_as_many_as_asked() {
    let out = run("sign_eip1559", &["10"]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["transactions"], 10);
}

#[test]
fn eth_send_is_mined_on_anvil() {
    let Some(anvil) = Anvil::start() else { return };
    let out = run("eth_send", &[&anvil.url]);
    assert!(out.contains("sending 0.01 ETH with nonce 0"), "{out}");
    assert!(out.contains("with status 1"), "{out}");
}
