//! Issues 21.7 and 22.4 through the CLI: `mnemonic check`, `derive` and
//! every `import` form, in text and `--json`, never show key characters
//! (lower-cased WIF/xprv, a hex key pasted as a phrase, separators).

use crate::common::*;

const WIF: &str = "L1aW4aubDFB7yfras2S1mN3bqg9nwySY8nkoLmJebSLD5BWv3ENZ";
const XPRV: &str = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
const HEX: &str = "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d";

/// No run of 4 characters of `secret` (beyond word-list words) and no
/// quoted character of it in `text`.
fn assert_hidden(text: &str, secret: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(4) {
        let run: String = w.iter().collect();
        if run.chars().all(char::is_alphabetic) && ABANDON.contains(&run) {
            continue;
        }
        assert!(!text.contains(&run), "{text:?} shows '{run}'");
    }
    for ch in &chars {
        assert!(!text.contains(&format!("'{ch}'")), "{text:?} quotes {ch}");
    }
}

fn secrets() -> Vec<String> {
    vec![
        WIF.to_lowercase(),
        XPRV.to_lowercase(),
        HEX.to_owned(),
        format!("{HEX}zz"),
        WIF.to_owned(),
        ABANDON.replace(' ', ",").replace("about", "zoo"),
        ABANDON.replace(' ', "."),
    ]
}

#[test]
fn issue21_7_mnemonic_check_and_derive_hide_keys() {
    for s in secrets() {
        for json in [false, true] {
            for cmd in [&["mnemonic", "check"][..], &["derive"][..]] {
                let mut args: Vec<&str> = cmd.to_vec();
                if json {
                    args.insert(0, "--json");
                }
                let r = wallet(&args, &format!("{s}\n"));
                if r.code == 0 {
                    // The dotted phrase is a valid phrase.
                    assert!(s.contains("abandon."), "{s}: {r:?}");
                    continue;
                }
                r.assert_fails(1);
                assert_hidden(&r.stderr, &s);
                assert_hidden(&r.stdout, &s);
            }
        }
    }
}

#[test]
fn issue22_4_every_import_form_hides_keys() {
    let ks = Ks::new();
    for s in secrets() {
        for kind in ["--mnemonic", "--wif", "--xprv", "--private-key"] {
            for json in [false, true] {
                let mut args = vec!["import", "w", kind];
                args.extend_from_slice(&FAST);
                if json {
                    args.insert(0, "--json");
                }
                let r = ks.run(&args, &format!("{s}\n"));
                if r.code == 0 {
                    ks.run(&["delete", "w", "--yes"], "").assert_ok();
                    continue;
                }
                r.assert_fails(1);
                assert_hidden(&r.stderr, &s);
                if json {
                    r.err_json();
                }
            }
        }
    }
}
