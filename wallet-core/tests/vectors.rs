//! Official test vectors: BIP32 (1–5), BIP39 (English, nine other languages,
//! Japanese with passphrase), BIP49/84/86, EIP-55 and WIF. The JSON files in
//! `tests/vectors/` name their upstream sources.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;
use wallet_core::account::AddressFormat;
use wallet_core::bitcoin::{AddressType, Chain, Network, NetworkParams, Wif};
use wallet_core::ethereum;
use wallet_core::hd::{
    DerivationPath, ExtendedKey, ExtendedPrivateKey, ExtendedPublicKey, KeyVersion,
};
use wallet_core::mnemonic::{Language, Mnemonic};
use wallet_core::ErrorKind;

fn load(name: &str) -> Value {
    let path = format!("{}/../testdata/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn bip32_vectors_1_to_4() {
    let v = load("bip32.json");
    let mut checked = 0;
    for vector in v["valid"].as_array().unwrap() {
        let seed = hex::decode(s(&vector["seed_hex"])).unwrap();
        let master = ExtendedPrivateKey::from_seed_bytes(&seed).unwrap();
        for chain in vector["chains"].as_array().unwrap() {
            let path: DerivationPath = s(&chain["path"]).parse().unwrap();
            let k = master.derive_path(&path).unwrap();
            assert_eq!(k.to_base58().expose(), s(&chain["ext_prv"]), "{path}");
            assert_eq!(k.to_xpub().to_base58(), s(&chain["ext_pub"]), "{path}");
            // Parsing re-serialises byte-identically.
            let prv = ExtendedPrivateKey::parse(s(&chain["ext_prv"])).unwrap();
            assert_eq!(prv, k);
            let pubk = ExtendedPublicKey::parse(s(&chain["ext_pub"])).unwrap();
            assert_eq!(pubk.to_base58(), s(&chain["ext_pub"]));
            // Where the last step is non-hardened, CKDpub agrees with CKDpriv.
            if let (Some(parent), Some(last)) = (path.parent(), path.last()) {
                if !last.is_hardened() {
                    let via_pub = master
                        .derive_path(&parent)
                        .unwrap()
                        .to_xpub()
                        .derive_child(last)
                        .unwrap();
                    assert_eq!(via_pub, pubk, "{path}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 17, "only {checked} chains checked");
}

#[test]
fn bip32_vector_5_invalid_keys_rejected_with_reason() {
    let v = load("bip32.json");
    let cases = v["invalid_extended_keys"].as_array().unwrap();
    assert_eq!(cases.len(), 16);
    for case in cases {
        let key = s(&case["key"]);
        let reason = s(&case["reason"]);
        let err = ExtendedKey::parse(key).expect_err(reason);
        let msg = err.to_string();
        let ok = match reason {
            "pubkey version / prvkey mismatch" => msg.contains("public version"),
            "prvkey version / pubkey mismatch" => msg.contains("private version"),
            "invalid pubkey prefix 04" => msg.contains("0x04"),
            "invalid prvkey prefix 04" => msg.contains("private version") && msg.contains("0x04"),
            "invalid pubkey prefix 01" => msg.contains("0x01"),
            "invalid prvkey prefix 01" => msg.contains("private version") && msg.contains("0x01"),
            "zero depth with non-zero parent fingerprint" => msg.contains("parent fingerprint"),
            "zero depth with non-zero index" => msg.contains("child index"),
            "unknown extended key version" => err.kind() == ErrorKind::UnknownVersion,
            "private key 0 not in 1..n-1" | "private key n not in 1..n-1" => msg.contains("1..n-1"),
            "invalid checksum" => err.kind() == ErrorKind::BadChecksum,
            r if r.starts_with("invalid pubkey 02") => msg.contains("not a point"),
            other => panic!("unexpected reason {other}"),
        };
        assert!(ok, "{reason}: got '{msg}'");
    }
}

#[test]
fn extended_key_negative_cases() {
    let good = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
    // Truncated payload.
    let e = ExtendedKey::parse(&good[..good.len() - 5]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("bytes"), "{e}");
    // Not base58.
    assert_eq!(
        ExtendedKey::parse("xprv0OIl").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    // A private key where a public one is asked for, and vice versa.
    assert!(ExtendedPublicKey::parse(good).is_err());
    let xpub = ExtendedPrivateKey::parse(good)
        .unwrap()
        .to_xpub()
        .to_base58();
    assert!(ExtendedPrivateKey::parse(&xpub).is_err());
    // Wrong network: a mainnet key is not accepted for regtest.
    let k = ExtendedKey::parse(good).unwrap();
    let regtest = NetworkParams::new(Chain::Bitcoin, Network::Regtest).unwrap();
    assert!(!regtest.accepts_key_version(k.version()));
    assert!(NetworkParams::BITCOIN.accepts_key_version(k.version()));
}

fn check_bip39_vector(
    lang: Language,
    entropy: &str,
    phrase: &str,
    seed: &str,
    xprv: &str,
    pass: &str,
) {
    let m = Mnemonic::from_entropy(&hex::decode(entropy).unwrap(), lang).unwrap();
    let ours: String = m.phrase().expose().nfkd().collect();
    let theirs: String = phrase.nfkd().collect();
    assert_eq!(ours, theirs, "{lang} {entropy}");
    let parsed = Mnemonic::parse(phrase).unwrap();
    assert_eq!(parsed.entropy().expose(), m.entropy().expose());
    let sd = parsed.to_seed(pass);
    assert_eq!(hex::encode(sd.expose()), seed, "{lang} {entropy}");
    let master = ExtendedPrivateKey::from_seed(&sd).unwrap();
    assert_eq!(master.to_base58().expose(), xprv);
}

#[test]
fn bip39_english() {
    let v = load("bip39_english.json");
    let pass = s(&v["passphrase"]);
    let list = v["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 24);
    for t in list {
        check_bip39_vector(
            Language::English,
            s(&t["entropy"]),
            s(&t["mnemonic"]),
            s(&t["seed"]),
            s(&t["xprv"]),
            pass,
        );
        // The reference phrase re-encodes byte-identically.
        let m = Mnemonic::parse(s(&t["mnemonic"])).unwrap();
        assert_eq!(m.phrase().expose(), s(&t["mnemonic"]));
    }
}

#[test]
fn bip39_nine_other_languages() {
    let v = load("bip39_trezor_multilang.json");
    let pass = s(&v["passphrase"]);
    let mut langs = 0;
    for (name, list) in v["languages"].as_object().unwrap() {
        let Ok(lang) = name.parse::<Language>() else {
            assert!(name == "russian" || name == "turkish", "{name}");
            continue;
        };
        langs += 1;
        for t in list.as_array().unwrap() {
            check_bip39_vector(
                lang,
                s(&t["entropy"]),
                s(&t["mnemonic"]),
                s(&t["seed"]),
                s(&t["xprv"]),
                pass,
            );
            // Our phrase is the reference implementation's, byte for byte.
            let m = Mnemonic::parse_in(s(&t["mnemonic"]), lang).unwrap();
            assert_eq!(m.phrase().expose(), s(&t["mnemonic"]), "{name}");
        }
    }
    assert_eq!(langs, 9);
}

#[test]
fn bip39_japanese_with_passphrase_in_every_normal_form() {
    let v = load("bip39_japanese_bip32jp.json");
    let list = v["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 24);
    for t in list {
        let phrase = s(&t["phrase"]);
        let salt = s(&t["salt"]);
        check_bip39_vector(
            Language::Japanese,
            s(&t["entropy"]),
            phrase,
            s(&t["seed"]),
            s(&t["bip32_xprv"]),
            salt,
        );
        assert!(phrase.contains('\u{3000}'));
        for (p, q) in [
            (
                phrase.nfc().collect::<String>(),
                salt.nfc().collect::<String>(),
            ),
            (phrase.nfd().collect(), salt.nfd().collect()),
            (phrase.nfkc().collect(), salt.nfkc().collect()),
            (phrase.nfkd().collect(), salt.nfkd().collect()),
        ] {
            let m = Mnemonic::parse(&p).unwrap();
            assert_eq!(hex::encode(m.to_seed(&q).expose()), s(&t["seed"]));
        }
    }
}

#[test]
fn passphrase_is_not_trimmed() {
    let m = Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about").unwrap();
    assert_ne!(m.to_seed("TREZOR").expose(), m.to_seed(" TREZOR ").expose());
    assert_ne!(m.to_seed("").expose(), m.to_seed(" ").expose());
}

struct Bip {
    file: &'static str,
    params: NetworkParams,
    kind: AddressType,
    version: KeyVersion,
    root: &'static str,
    account_prv: &'static str,
    account_pub: &'static str,
}

fn check_bip(b: &Bip) {
    let v = load(b.file);
    let sm = &v["summary"];
    let m = Mnemonic::parse(s(&sm["mnemonic"])).unwrap();
    let master = ExtendedPrivateKey::from_seed(&m.to_seed(s(&sm["passphrase"])))
        .unwrap()
        .with_version(b.version);
    assert_eq!(master.to_base58().expose(), s(&sm[b.root]));
    let format = AddressFormat::Bitcoin {
        params: b.params,
        kind: b.kind,
    };
    assert_eq!(format.key_version(), b.version);
    let acct_path: DerivationPath = s(&sm["account_path"]).parse().unwrap();
    assert_eq!(format.account_path(0).unwrap(), acct_path);
    let acct = master.derive_path(&acct_path).unwrap();
    assert_eq!(acct.to_base58().expose(), s(&sm[b.account_prv]));
    assert_eq!(acct.to_xpub().to_base58(), s(&sm[b.account_pub]));
    // Round trip of the SLIP-132 strings.
    assert_eq!(
        ExtendedPrivateKey::parse(s(&sm[b.account_prv]))
            .unwrap()
            .to_base58()
            .expose(),
        s(&sm[b.account_prv])
    );
    let addrs = sm["addresses"].as_array().unwrap();
    assert!(!addrs.is_empty());
    for a in addrs {
        let path: DerivationPath = s(&a["path"]).parse().unwrap();
        let list = wallet_core::account::derive_addresses(&master, &format, &path, 1).unwrap();
        assert_eq!(list[0].address, s(&a["address"]), "{path}");
        let k = master.derive_path(&path).unwrap();
        if let Some(pk) = a.get("pubkey") {
            assert_eq!(
                hex::encode(k.private_key().public_key().to_compressed()),
                s(pk)
            );
        }
        for wif_field in ["privkey", "privkey_wif"] {
            if let Some(w) = a.get(wif_field) {
                assert_eq!(Wif::encode(k.private_key(), true, b.params).expose(), s(w));
                let back = Wif::decode_for(s(w), b.params).unwrap();
                assert_eq!(&back.key, k.private_key());
            }
        }
        if let Some(h) = a.get("privkey_hex") {
            assert_eq!(k.private_key().to_hex().expose(), s(h));
        }
        if let Some(x) = a.get("xprv") {
            assert_eq!(k.to_base58().expose(), s(x));
            assert_eq!(k.to_xpub().to_base58(), s(&a["xpub"]));
        }
        if let Some(ik) = a.get("internal_key") {
            let pk = k.private_key().public_key();
            assert_eq!(hex::encode(pk.x_only()), s(ik));
            let out = wallet_core::bitcoin::taproot::bip86_output_key(&pk).unwrap();
            assert_eq!(hex::encode(out), s(&a["output_key"]));
        }
        let parsed = wallet_core::bitcoin::Address::parse(s(&a["address"]), b.params).unwrap();
        if let Some(spk) = a.get("scriptPubKey") {
            assert_eq!(hex::encode(parsed.script_pubkey()), s(spk));
        }
        if let Some(sh) = a.get("script_hash") {
            assert_eq!(
                hex::encode(parsed.script_pubkey()),
                format!("a914{}87", s(sh))
            );
        }
    }
}

#[test]
fn bip49_bip84_bip86() {
    let testnet = NetworkParams::new(Chain::Bitcoin, Network::Testnet).unwrap();
    check_bip(&Bip {
        file: "bip49.json",
        params: testnet,
        kind: AddressType::P2shP2wpkh,
        version: KeyVersion::UPRV,
        root: "root_uprv",
        account_prv: "account_uprv",
        account_pub: "account_upub",
    });
    check_bip(&Bip {
        file: "bip84.json",
        params: NetworkParams::BITCOIN,
        kind: AddressType::P2wpkh,
        version: KeyVersion::ZPRV,
        root: "root_zprv",
        account_prv: "account_zprv",
        account_pub: "account_zpub",
    });
    check_bip(&Bip {
        file: "bip86.json",
        params: NetworkParams::BITCOIN,
        kind: AddressType::P2tr,
        version: KeyVersion::XPRV,
        root: "root_xprv",
        account_prv: "account_xprv",
        account_pub: "account_xpub",
    });
}

#[test]
fn eip55() {
    let v = load("eip55.json");
    let mut n = 0;
    for group in ["all_caps", "all_lower", "normal"] {
        for a in v[group].as_array().unwrap() {
            let text = s(a);
            let addr: ethereum::Address = text.parse().unwrap();
            assert_eq!(addr.to_checksum(), text);
            let lower = format!("0x{}", text[2..].to_lowercase());
            assert_eq!(lower.parse::<ethereum::Address>().unwrap(), addr);
            n += 1;
        }
    }
    assert_eq!(n, 8);
    for a in v["normal"].as_array().unwrap() {
        let text = s(a);
        // Flip the case of one letter: the checksum must catch it.
        let pos = text[2..].find(|c: char| c.is_ascii_alphabetic()).unwrap() + 2;
        let mut bad: Vec<char> = text.chars().collect();
        bad[pos] = if bad[pos].is_ascii_uppercase() {
            bad[pos].to_ascii_lowercase()
        } else {
            bad[pos].to_ascii_uppercase()
        };
        let bad: String = bad.into_iter().collect();
        assert_eq!(
            bad.parse::<ethereum::Address>().unwrap_err().kind(),
            ErrorKind::BadChecksum,
            "{bad}"
        );
    }
}

#[test]
fn wif_vectors() {
    let v = load("wif.json");
    let valid = v["valid"].as_array().unwrap();
    assert!(valid.len() >= 5);
    for t in valid {
        let w = Wif::decode(s(&t["WIF"])).unwrap();
        assert_eq!(w.key.to_hex().expose(), s(&t["d"]));
        assert_eq!(w.compressed, t["compressed"].as_bool().unwrap());
        assert_eq!(u64::from(w.version), t["version"].as_u64().unwrap());
        assert_eq!(w.to_wif().expose(), s(&t["WIF"]));
    }
    for t in v["invalid"]["decode"].as_array().unwrap() {
        let version = u8::try_from(t["version"].as_u64().unwrap()).unwrap();
        let err = Wif::decode_expecting(s(&t["WIF"]), version).unwrap_err();
        let msg = err.to_string();
        match s(&t["exception"]) {
            "Invalid network version" => assert_eq!(err.kind(), ErrorKind::WrongNetwork),
            "Invalid compression flag" => assert!(msg.contains("compression flag"), "{msg}"),
            "Invalid WIF length" => assert!(
                msg.contains("payload is") || msg.contains("too short"),
                "{msg}"
            ),
            other => panic!("unexpected {other}: {msg}"),
        }
    }
    // Bad checksum is its own kind.
    let good = s(&valid[0]["WIF"]);
    let mut bad = good.to_owned();
    let last = if bad.ends_with('A') { "B" } else { "A" };
    bad.replace_range(bad.len() - 1.., last);
    assert_eq!(
        Wif::decode(&bad).unwrap_err().kind(),
        ErrorKind::BadChecksum
    );
}
