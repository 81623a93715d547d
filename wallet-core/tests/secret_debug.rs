//! `Debug` of every type that holds a secret prints no key material.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use wallet_core::bitcoin::{NetworkParams, Wif};
use wallet_core::hd::{ExtendedKey, ExtendedPrivateKey};
use wallet_core::key::PrivateKey;
use wallet_core::keystore::{KeySource, SingleKey, WalletSecret};
use wallet_core::mnemonic::Mnemonic;
use wallet_core::secret::{SecretBytes, SecretString, SecretVec};

const PHRASE: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";
const KEY: &str = "4646464646464646464646464646464646464646464646464646464646464646";

fn assert_clean(what: &str, debug: String, secrets: &[String]) {
    for s in secrets {
        assert!(!s.is_empty());
        assert!(
            !debug.to_lowercase().contains(&s.to_lowercase()),
            "{what}: Debug leaks {s}: {debug}"
        );
    }
}

#[test]
fn no_secret_in_debug() {
    let key = PrivateKey::from_hex(KEY).unwrap();
    let m = Mnemonic::parse(PHRASE).unwrap();
    let seed = m.to_seed("pass phrase");
    let master = ExtendedPrivateKey::from_seed(&seed).unwrap();
    let xprv = master.to_base58();
    let wif = Wif::encode(&key, true, NetworkParams::BITCOIN);
    let secrets = vec![
        KEY.to_owned(),
        "legal winner".to_owned(),
        "sausage".to_owned(),
        hex::encode(&seed.expose()[..8]),
        xprv.expose()[4..20].to_owned(),
        hex::encode(&master.private_key().to_bytes().expose()[..8]),
        wif.expose()[1..20].to_owned(),
        "pass phrase".to_owned(),
        // Decimal renderings of the key's first bytes, as a derived Debug would print.
        "70, 70, 70".to_owned(),
    ];
    let cases: Vec<(&str, String)> = vec![
        ("PrivateKey", format!("{key:?}")),
        ("Mnemonic", format!("{m:?}")),
        ("Seed", format!("{seed:?}")),
        ("ExtendedPrivateKey", format!("{master:?}")),
        (
            "ExtendedKey",
            format!("{:?}", ExtendedKey::parse(xprv.expose()).unwrap()),
        ),
        (
            "SecretString",
            format!("{:?}", SecretString::from("pass phrase")),
        ),
        (
            "SecretBytes",
            format!("{:?}", SecretBytes::new([0x46u8; 32])),
        ),
        ("SecretVec", format!("{:?}", SecretVec::new(vec![0x46; 32]))),
        ("Wif", format!("{:?}", Wif::decode(wif.expose()).unwrap())),
        ("SecretString(wif)", format!("{wif:?}")),
        (
            "WalletSecret::Mnemonic",
            format!(
                "{:?}",
                WalletSecret::from_mnemonic(m.clone(), SecretString::from("pass phrase")).unwrap()
            ),
        ),
        (
            "WalletSecret::Xprv",
            format!("{:?}", WalletSecret::from_xprv(master.clone()).unwrap()),
        ),
        (
            "WalletSecret::PrivateKey",
            format!(
                "{:?}",
                WalletSecret::Single(SingleKey {
                    key: key.clone(),
                    compressed: true,
                    wif_version: Some(0x80),
                    source: KeySource::Wif
                })
            ),
        ),
    ];
    for (what, debug) in cases {
        assert_clean(what, debug, &secrets);
    }
}

#[test]
fn errors_do_not_echo_secrets() {
    // A bad checksum mnemonic, a bad hex key and a bad WIF: the error text
    // names the problem, not the secret.
    let bad_phrase = PHRASE.replace("yellow", "zoo");
    let e = Mnemonic::parse(&bad_phrase).unwrap_err().to_string();
    assert!(!e.contains("legal winner"), "{e}");
    let e = PrivateKey::from_hex(&KEY.replace('4', "z"))
        .unwrap_err()
        .to_string();
    assert!(!e.contains("6464646"), "{e}");
    let wif = Wif::encode(
        &PrivateKey::from_hex(KEY).unwrap(),
        true,
        NetworkParams::BITCOIN,
    );
    let mut broken = wif.expose().to_owned();
    broken.pop();
    broken.push('1');
    let e = Wif::decode(&broken).unwrap_err().to_string();
    assert!(!e.contains(&wif.expose()[..20]), "{e}");
    let e = ExtendedKey::parse(&format!(
        "{}x",
        &ExtendedPrivateKey::from_seed(&Mnemonic::parse(PHRASE).unwrap().to_seed(""))
            .unwrap()
            .to_base58()
            .expose()[..100]
    ))
    .unwrap_err()
    .to_string();
    assert!(!e.contains("xprv9"), "{e}");
}
