//! Issues 21.7 and 22.4: no error of any key-parsing path quotes key
//! material. WIF, xprv and hex keys (valid, lower-cased, upper-cased, one
//! character changed, pasted where another form or a phrase is expected)
//! and phrases joined by separators go through every import kind; neither
//! the message nor the JSON details hold a 4-character run of the input or
//! a quoted character of it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use wallet_core::report::ErrorReport;
use wallet_core::secret::SecretString;
use wallet_core::wallet::{ImportKind, ImportSource};

const WIF: &str = "L1aW4aubDFB7yfras2S1mN3bqg9nwySY8nkoLmJebSLD5BWv3ENZ";
const XPRV: &str = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
const HEX: &str = "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d";
const PHRASE: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/// Every key string a user might paste wrongly.
fn inputs() -> Vec<String> {
    let mut v = Vec::new();
    for key in [WIF, XPRV, HEX] {
        v.push(key.to_owned());
        v.push(key.to_lowercase());
        v.push(key.to_uppercase());
        // One character changed (a typo), and one appended.
        let mut typo: Vec<char> = key.chars().collect();
        typo[7] = if typo[7] == 'z' { 'y' } else { 'z' };
        v.push(typo.into_iter().collect());
        v.push(format!("{key}0"));
        v.push(format!("0x{key}"));
    }
    for sep in [",", ".", "-", ";", ",  ", "_"] {
        v.push(PHRASE.replace(' ', sep));
    }
    v
}

/// Fails when `text` (an error's message or details) shows any part of
/// `secret`: a run of 4 of its characters, or one of them quoted alone.
fn assert_hidden(text: &str, secret: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(4) {
        let run: String = w.iter().collect();
        // "abandon" is a word list word: the mnemonic errors may name one word.
        if run.chars().all(char::is_alphabetic) && PHRASE.contains(&run) {
            continue;
        }
        assert!(
            !text.contains(&run),
            "{text:?} shows '{run}' of the secret input"
        );
    }
    for c in &chars {
        for q in [format!("'{c}'"), format!("\"{c}\"")] {
            assert!(!text.contains(&q), "{text:?} quotes a character: {q}");
        }
    }
}

fn check(e: &wallet_core::Error, secret: &str) {
    let r = ErrorReport::from(e);
    assert_hidden(&r.message, secret);
    assert_hidden(&serde_json::to_string(&r.details).unwrap(), secret);
}

#[test]
fn issue21_7_every_import_kind_hides_key_material() {
    let kinds = [
        ImportKind::Mnemonic,
        ImportKind::Xprv,
        ImportKind::Wif,
        ImportKind::PrivateKey,
        ImportKind::Pem,
    ];
    let mut refused = 0;
    for input in inputs() {
        for kind in kinds {
            let src = ImportSource::Text {
                kind,
                text: SecretString::from(input.as_str()),
            };
            if let Err(e) = src.into_secret() {
                check(&e, &input);
                refused += 1;
            }
        }
        let src = ImportSource::mnemonic(
            SecretString::from(input.as_str()),
            None,
            SecretString::default(),
        );
        if let Err(e) = src.into_secret() {
            check(&e, &input);
            refused += 1;
        }
    }
    // Nearly every pairing is wrong on purpose.
    assert!(refused > 100, "{refused}");
}

#[test]
fn issue22_4_parsers_hide_key_material() {
    use wallet_core::bitcoin::Wif;
    use wallet_core::hd::{ExtendedKey, ExtendedPrivateKey};
    use wallet_core::key::PrivateKey;
    use wallet_core::mnemonic::{Language, Mnemonic};
    for input in inputs() {
        let errors = [
            Wif::decode(&input).err(),
            ExtendedKey::parse(&input).err(),
            ExtendedPrivateKey::parse(&input).err(),
            PrivateKey::from_hex(&input).err(),
            Mnemonic::parse(&input).err().map(wallet_core::Error::from),
            Mnemonic::parse_in(&input, Language::English)
                .err()
                .map(wallet_core::Error::from),
        ];
        for e in errors.iter().flatten() {
            check(e, &input);
        }
    }
}

#[test]
fn issue21_7_base58_errors_name_the_position_only() {
    let lower = WIF.to_lowercase();
    let e = wallet_core::bitcoin::Wif::decode(&lower).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("not valid base58"), "{m}");
    assert!(m.contains("character 1 "), "{m}");
    let e = wallet_core::hd::ExtendedKey::parse(&XPRV.to_lowercase()).unwrap_err();
    assert!(e.to_string().contains("character 21 "), "{e}");
}
