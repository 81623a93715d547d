//! Tests of `descriptor`: the BIP380 checksum cases, the BIP380–389 vectors
//! (testdata/vectors/descriptors.json), round trips against
//! `crate::account` derivation, and every error variant.

use super::*;
use crate::account::{self, AddressFormat};
use crate::bitcoin::{Address, Chain, Network};
use crate::mnemonic::Mnemonic;
use serde_json::Value;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/vectors/descriptors.json"
));
const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn list<'a>(v: &'a Value, path: &[&str]) -> &'a Vec<Value> {
    let mut x = v;
    for p in path {
        x = &x[*p];
    }
    x.as_array().unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn master(phrase: &str) -> ExtendedPrivateKey {
    ExtendedPrivateKey::from_seed(&Mnemonic::parse(phrase).unwrap().to_seed("")).unwrap()
}

fn script(p: &Parsed, branch: usize, index: u32) -> String {
    let pk = p.public_key(branch, index).unwrap();
    let a = Address::from_public_key(&pk, p.kind, NetworkParams::BITCOIN).unwrap();
    hex::encode(a.script_pubkey())
}

fn is_unsupported<T>(r: &Result<T>) -> bool {
    matches!(r, Err(DescriptorError::Unsupported { .. }))
}

#[test]
fn bip380_checksum_cases() {
    let v = vectors();
    for case in list(&v, &["checksum"]) {
        let d = s(&case["descriptor"]);
        let got = verify_checksum(d);
        let ok = match s(&case["error"]) {
            "none" => got.is_ok(),
            "missing" => got == Err(DescriptorError::ChecksumMissing),
            "length" => matches!(got, Err(DescriptorError::ChecksumLength { .. })),
            "mismatch" => got == Err(DescriptorError::ChecksumMismatch),
            "character" => matches!(
                got,
                Err(DescriptorError::ChecksumCharacter {
                    position: 1,
                    found: '#'
                })
            ),
            "invalid_character" => matches!(
                got,
                Err(DescriptorError::InvalidCharacter {
                    position: 5,
                    found: 'Ü'
                })
            ),
            other => panic!("unknown case {other}"),
        };
        assert!(ok, "{d}: {got:?}");
    }
    assert_eq!(
        with_checksum("raw(deadbeef)").unwrap(),
        "raw(deadbeef)#89f8spxm"
    );
    assert_eq!(checksum("raw(deadbeef)").unwrap(), "89f8spxm");
}

/// BIP380's key expressions, each as the key of `pkh()`: valid ones parse or
/// are refused as outside the subset; invalid ones are refused as invalid.
#[test]
fn bip380_key_expressions() {
    let v = vectors();
    for case in list(&v, &["key_expressions", "valid"]) {
        let d = format!("pkh({})", s(&case["key"]));
        let r = Parsed::parse(&d);
        assert!(r.is_ok() || is_unsupported(&r), "{d}: {r:?}");
    }
    for case in list(&v, &["key_expressions", "invalid"]) {
        let d = format!("pkh({})", s(&case["key"]));
        let r = Parsed::parse(&d);
        assert!(r.is_err() && !is_unsupported(&r), "{d}: {r:?}");
    }
}

/// The descriptors of BIP381–386 that fall in the subset produce the BIP's
/// scripts; the other valid ones are `Unsupported`; every invalid one is
/// refused as invalid.
#[test]
fn bip381_to_386_descriptors() {
    let v = vectors();
    let mut parsed = Vec::new();
    for bip in ["381", "382", "384", "385", "386"] {
        for case in list(&v, &["descriptors", bip, "valid"]) {
            let d = s(&case["descriptor"]);
            let r = Parsed::parse(d);
            let Ok(p) = r else {
                assert!(is_unsupported(&r), "{d}: {r:?}");
                continue;
            };
            for (i, want) in list(case, &["scripts"]).iter().enumerate() {
                assert_eq!(script(&p, 0, i as u32), s(want), "{d} child {i}");
            }
            parsed.push(d.to_owned());
        }
        for case in list(&v, &["descriptors", bip, "invalid"]) {
            let d = s(&case["descriptor"]);
            let r = Parsed::parse(d);
            assert!(r.is_err() && !is_unsupported(&r), "{d}: {r:?}");
        }
    }
    assert_eq!(parsed.len(), 3, "{parsed:?}");
}

/// BIP389: each branch of a parsed multipath descriptor derives what its
/// expansion derives; invalid ones are refused (two of them, whose fault is
/// in a script tree or multisig we do not read, as `Unsupported`).
#[test]
fn bip389_multipath() {
    let v = vectors();
    let mut parsed = 0;
    for case in list(&v, &["multipath", "valid"]) {
        let d = s(&case["descriptor"]);
        let r = Parsed::parse(d);
        let Ok(p) = r else {
            assert!(is_unsupported(&r), "{d}: {r:?}");
            continue;
        };
        let expansions = list(case, &["expansions"]);
        assert_eq!(p.branches(), expansions.len(), "{d}");
        for (b, e) in expansions.iter().enumerate() {
            let one = Parsed::parse(s(e)).unwrap();
            assert_eq!(one.branches(), 1);
            for i in 0..3 {
                assert_eq!(
                    script(&p, b, i),
                    script(&one, 0, i),
                    "{d} branch {b} child {i}"
                );
            }
        }
        parsed += 1;
    }
    assert_eq!(parsed, 2);
    for case in list(&v, &["multipath", "invalid"]) {
        let d = s(&case["descriptor"]);
        let r = Parsed::parse(d);
        let outside = d.starts_with("tr(") || d.starts_with("sh(multi(");
        assert!(r.is_err() && outside == is_unsupported(&r), "{d}: {r:?}");
    }
}

fn format_of(d: &AccountDescriptor) -> AddressFormat {
    AddressFormat::Bitcoin {
        params: d.params(),
        kind: d.kind(),
    }
}

/// Generate → parse → the same descriptor and the same addresses as
/// `crate::account`, for every type, on Bitcoin and Litecoin networks.
#[test]
fn round_trip_matches_account_derivation() {
    let m = master(ABANDON);
    let params = [
        NetworkParams::BITCOIN,
        NetworkParams::new(Chain::Bitcoin, Network::Testnet).unwrap(),
        NetworkParams::new(Chain::Litecoin, Network::Mainnet).unwrap(),
        NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap(),
    ];
    for p in params {
        for kind in AddressType::ALL {
            let d = AccountDescriptor::from_master(&m, kind, p, 0).unwrap();
            let text = d.to_descriptor(Keychains::Both).unwrap();
            assert_eq!(AccountDescriptor::parse(&text, p).unwrap(), d, "{text}");
            let (ext, int) = d.to_descriptor_pair().unwrap();
            assert_eq!(AccountDescriptor::parse_pair(&int, &ext, p).unwrap(), d);
            let format = format_of(&d);
            for keychain in [Keychain::External, Keychain::Internal] {
                let first = format.address_path(0, keychain, 0).unwrap();
                let want = account::derive_addresses(&m, &format, &first, 4).unwrap();
                assert_eq!(d.addresses(keychain, 0, 4).unwrap(), want, "{text}");
            }
        }
    }
}

/// The BIP84 and BIP86 vectors' accounts: the descriptor's key is the
/// vector's account key, and its first addresses are the vector's.
#[test]
fn bip84_bip86_vectors() {
    let m = master(ABANDON);
    for (file, kind) in [
        ("bip84.json", AddressType::P2wpkh),
        ("bip86.json", AddressType::P2tr),
    ] {
        let path = format!("{}/../testdata/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let sum = &v["summary"];
        let want_key = sum["account_xpub"]
            .as_str()
            .or(sum["account_zpub"].as_str())
            .unwrap();
        let want_key = ExtendedPublicKey::parse(want_key).unwrap();
        let d = AccountDescriptor::from_master(&m, kind, NetworkParams::BITCOIN, 0).unwrap();
        assert_eq!(d.xpub().public_key(), want_key.public_key());
        assert_eq!(d.xpub().chain_code(), want_key.chain_code());
        let text = d.to_string();
        let prefix = match kind {
            AddressType::P2tr => "tr([73c5da0a/86h/0h/0h]xpub",
            _ => "wpkh([73c5da0a/84h/0h/0h]xpub",
        };
        assert!(text.starts_with(prefix), "{text}");
        // From the stored public facts alone (any version bytes, here the vector's).
        let path: DerivationPath = sum["account_path"].as_str().unwrap().parse().unwrap();
        let stored = AccountDescriptor::from_account_key(
            kind,
            NetworkParams::BITCOIN,
            m.fingerprint(),
            path.clone(),
            want_key.clone(),
        )
        .unwrap();
        assert_eq!(stored, d);
        let wrong = AccountDescriptor::from_account_key(
            kind,
            NetworkParams::BITCOIN,
            m.fingerprint(),
            path.parent().unwrap(),
            want_key.clone(),
        );
        assert!(matches!(wrong, Err(DescriptorError::OriginMismatch { .. })));
        let parsed = AccountDescriptor::parse(&text, NetworkParams::BITCOIN).unwrap();
        let got = parsed.addresses(Keychain::External, 0, 2).unwrap();
        for (g, w) in got.iter().zip(list(sum, &["addresses"])) {
            assert_eq!(g.address, s(&w["address"]));
            assert_eq!(g.path.to_string(), s(&w["path"]));
        }
    }
}

#[test]
fn generated_forms() {
    let m = master(ABANDON);
    let d = AccountDescriptor::from_master(&m, AddressType::P2shP2wpkh, NetworkParams::BITCOIN, 0)
        .unwrap();
    let both = d.to_descriptor(Keychains::Both).unwrap();
    assert!(
        both.starts_with("sh(wpkh([73c5da0a/49h/0h/0h]xpub"),
        "{both}"
    );
    assert!(both.contains("/<0;1>/*))#"), "{both}");
    let (ext, int) = d.to_descriptor_pair().unwrap();
    assert!(ext.contains("/0/*))#") && int.contains("/1/*))#"));
    // A `'` hardened marker, an xprv and no checksum are all accepted.
    let quoted = both
        .split('#')
        .next()
        .unwrap()
        .replace("h/", "'/")
        .replace("h]", "']");
    assert_eq!(
        AccountDescriptor::parse(&quoted, NetworkParams::BITCOIN).unwrap(),
        d
    );
    let test = NetworkParams::new(Chain::Litecoin, Network::Testnet).unwrap();
    let t = AccountDescriptor::from_master(&m, AddressType::P2tr, test, 0).unwrap();
    assert!(
        t.to_string().starts_with("tr([73c5da0a/86h/1h/0h]tpub"),
        "{t}"
    );
}

#[test]
fn private_descriptor_round_trip() {
    let m = master(ABANDON);
    let d =
        AccountDescriptor::from_master(&m, AddressType::P2wpkh, NetworkParams::BITCOIN, 0).unwrap();
    let private = d.to_private_descriptor(&m, Keychains::Both).unwrap();
    assert!(private
        .expose()
        .starts_with("wpkh([73c5da0a/84h/0h/0h]xprv"));
    assert!(verify_checksum(private.expose()).is_ok());
    assert!(!format!("{private:?}").contains("xprv"));
    // A watch-only wallet made from it keeps only the public key.
    let watch = AccountDescriptor::parse(private.expose(), NetworkParams::BITCOIN).unwrap();
    assert_eq!(watch, d);
    let other = master("test test test test test test test test test test test junk");
    assert_eq!(
        d.to_private_descriptor(&other, Keychains::Both)
            .unwrap_err(),
        DescriptorError::WrongMasterKey
    );
    // An error about a private descriptor does not quote it.
    let mut bad = private.expose().to_owned();
    bad.insert(bad.find('*').unwrap(), '1');
    let e = AccountDescriptor::parse(&bad, NetworkParams::BITCOIN).unwrap_err();
    assert_eq!(e, DescriptorError::ChecksumMismatch);
}

fn account_text(kind: AddressType, params: NetworkParams) -> String {
    AccountDescriptor::from_master(&master(ABANDON), kind, params, 0)
        .unwrap()
        .to_descriptor(Keychains::Both)
        .unwrap()
}

/// One input per error variant; each error's kind survives the conversion
/// into `crate::Error`, and no message quotes a key.
#[test]
fn every_error_variant() {
    let main = NetworkParams::BITCOIN;
    let wpkh = account_text(AddressType::P2wpkh, main);
    let payload = wpkh.split('#').next().unwrap();
    let xpub = &payload[payload.find(']').unwrap() + 1..payload.find("/<").unwrap()];
    let origin = "[73c5da0a/84h/0h/0h]";
    let ext = format!("wpkh({origin}{xpub}/0/*)");
    let mut bad_key = xpub.to_owned();
    let last = bad_key.pop().unwrap();
    bad_key.push(if last == 'z' { 'y' } else { 'z' });
    let deep = format!("{}pk(02){}", "sh(".repeat(200), ")".repeat(200));
    let parse = |d: &str| AccountDescriptor::parse(d, main).unwrap_err();
    let cases: Vec<(DescriptorError, &str)> = vec![
        (parse("raw(00)#"), "ChecksumMissing"),
        (parse("raw(00)#abc"), "ChecksumLength"),
        (parse("raw(00)#abcdefgb"), "ChecksumCharacter"),
        (parse(&format!("{payload}#qqqqqqqq")), "ChecksumMismatch"),
        (parse("wpkh(\u{e9})"), "InvalidCharacter"),
        (parse(&format!("{payload}x")), "Syntax"),
        (parse(""), "Syntax"),
        (parse("wpkh(a,b"), "Syntax"),
        (parse(xpub), "Syntax"),
        (parse(&deep), "Syntax"),
        (parse("wpkh()"), "Arguments"),
        (parse("sh(sh(wpkh(02)))"), "Context"),
        (
            parse(&format!("wpkh(04{})", "ab".repeat(64))),
            "UncompressedKey",
        ),
        (parse(&format!("wpkh([73c5da0/84h]{xpub}/0/*)")), "Origin"),
        (parse(&format!("wpkh({origin}{xpub}/0x/*)")), "Step"),
        (parse(&format!("wpkh({origin}{xpub}/<0>/*)")), "Multipath"),
        (parse(&format!("wpkh({origin}{bad_key}/0/*)")), "Key"),
        (
            parse(&format!("wpkh([73c5da0a/84h/0h]{xpub}/0/*)")),
            "OriginMismatch",
        ),
        (parse(&format!("wpkh({origin}{xpub}/2/*)")), "Unsupported"),
        (parse(&format!("wpkh({xpub}/0/*)")), "Unsupported"),
        (parse(&format!("wsh(multi(1,{xpub}))")), "Unsupported"),
        (parse(&format!("foo({xpub})")), "Unsupported"),
        (
            AccountDescriptor::parse(
                &wpkh,
                NetworkParams::new(Chain::Bitcoin, Network::Regtest).unwrap(),
            )
            .unwrap_err(),
            "WrongNetwork",
        ),
        (
            AccountDescriptor::parse_pair(&ext, &ext, main).unwrap_err(),
            "PairMismatch",
        ),
        (
            AccountDescriptor::parse(&ext, main)
                .unwrap()
                .to_descriptor(Keychains::Only(Keychain::Internal))
                .unwrap_err(),
            "MissingKeychain",
        ),
        (
            AccountDescriptor::parse(&ext, main)
                .unwrap()
                .to_private_descriptor(&master(ABANDON), Keychains::Both)
                .unwrap_err(),
            "MissingKeychain",
        ),
        (
            AccountDescriptor::from_master(&master(ABANDON), AddressType::P2wpkh, main, HARDENED)
                .unwrap_err(),
            "Derivation",
        ),
    ];
    for (e, want) in &cases {
        let name = format!("{e:?}");
        assert!(name.starts_with(want), "{want}: {e:?}");
        let msg = e.to_string();
        assert!(!msg.contains("xpub6") && !msg.contains("xprv"), "{msg}");
        assert_eq!(Error::from(e.clone()).kind(), e.kind(), "{e:?}");
    }
    assert_eq!(parse("raw(00)#").kind(), ErrorKind::InvalidInput);
    // Long words, which may be keys, are not quoted.
    let e = parse(&format!("{}(0)", &xpub[..20].to_ascii_lowercase()));
    assert!(
        !e.to_string().contains(&xpub[4..20].to_ascii_lowercase()),
        "{e}"
    );
    let e = parse(&format!("wpkh({origin}{xpub}/{}/*)", &xpub[..20]));
    assert!(!e.to_string().contains(&xpub[..20]), "{e}");
    assert!(parse("sh(foo(0))").to_string().contains("'foo()'"));
    assert_eq!(
        parse(&format!("{payload}#qqqqqqqq")).kind(),
        ErrorKind::BadChecksum
    );
}

/// The hostile cases: nothing the parser is given panics.
#[test]
fn garbage_does_not_panic() {
    let wpkh = account_text(AddressType::P2wpkh, NetworkParams::BITCOIN);
    for cut in 0..wpkh.len() {
        let _ = AccountDescriptor::parse(&wpkh[..cut], NetworkParams::BITCOIN);
    }
    for s in [
        "(",
        ")",
        "{",
        "}",
        ",",
        "[",
        "]",
        "#",
        "<;>",
        "tr({,})",
        "tr(02,{pk(02),pk(03)})",
    ] {
        let _ = AccountDescriptor::parse(s, NetworkParams::BITCOIN);
    }
}
