//! Cross-check against a peer: Foundry's `cast` (from npm, installed by
//! scripts/devnet/install) must derive the same Ethereum addresses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use std::process::Command;

fn cast_address(
    cast: &std::path::Path,
    mnemonic: &str,
    index: u32,
    passphrase: Option<&str>,
) -> String {
    let idx = index.to_string();
    let mut args = vec![
        "wallet",
        "address",
        "--mnemonic",
        mnemonic,
        "--mnemonic-index",
        &idx,
    ];
    if let Some(p) = passphrase {
        args.extend(["--mnemonic-passphrase", p]);
    }
    let out = Command::new(cast).args(&args).output().expect("run cast");
    assert!(
        out.status.success(),
        "cast failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn ethereum_addresses_equal_cast() {
    let Some(cast) = cast() else { return };
    let mut mnemonics = vec![ANVIL_MNEMONIC.to_owned(), ABANDON.to_owned()];
    for words in ["12", "24"] {
        let r = wallet(&["--json", "mnemonic", "new", "--words", words], "");
        mnemonics.push(r.json()["mnemonic"].as_str().unwrap().to_owned());
    }
    let mut compared = 0;
    for m in &mnemonics {
        let r = wallet(&["--json", "derive", "--chain", "eth", "--count", "5"], m);
        r.assert_ok();
        let ours = r.json();
        for i in 0..5u32 {
            let theirs = cast_address(&cast, m, i, None);
            assert_eq!(
                ours["addresses"][i as usize]["address"],
                theirs.as_str(),
                "{m} #{i}"
            );
            compared += 1;
        }
        for i in [17u32, 1000, 2_147_483_647] {
            let r = wallet(
                &[
                    "--json",
                    "derive",
                    "--chain",
                    "eth",
                    "--index",
                    &i.to_string(),
                ],
                m,
            );
            assert_eq!(
                r.json()["addresses"][0]["address"],
                cast_address(&cast, m, i, None).as_str()
            );
            compared += 1;
        }
    }
    // With a BIP39 passphrase.
    let dir = tempfile::tempdir().unwrap();
    let pf = dir.path().join("pass");
    std::fs::write(&pf, "correct horse battery staple\n").unwrap();
    let r = wallet(
        &[
            "--json",
            "derive",
            "--chain",
            "eth",
            "--passphrase-file",
            pf.to_str().unwrap(),
        ],
        ANVIL_MNEMONIC,
    );
    assert_eq!(
        r.json()["addresses"][0]["address"],
        cast_address(
            &cast,
            ANVIL_MNEMONIC,
            0,
            Some("correct horse battery staple")
        )
        .as_str()
    );
    assert!(compared >= 30);
}
