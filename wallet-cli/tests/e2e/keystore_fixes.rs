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
