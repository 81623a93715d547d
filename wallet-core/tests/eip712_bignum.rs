//! EIP-712 integers written as JSON numbers of any size, against Python
//! eth-account: testdata/vectors/eip712_bignum.json (made by
//! eip712_bignum.py beside it) holds documents for every uintN/intN width at
//! and around its bounds, out-of-range and non-integer values, and the
//! typed-data documents of eth-account's own tests, each as the JSON text
//! eth-account read, with what eth-account did with it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use wallet_core::error::ErrorKind;
use wallet_core::ethereum::eip712::{Eip712Error, NumberForm};
use wallet_core::ethereum::{Address, TypedData};
use wallet_core::key::PrivateKey;

fn vectors() -> (Value, PrivateKey) {
    let path = format!(
        "{}/../testdata/vectors/eip712_bignum.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(v["source"]
        .as_str()
        .unwrap()
        .starts_with("computed with eth-account 0.14.0 "));
    let key =
        PrivateKey::from_hex(v["private_key"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    assert_eq!(
        Address::from_public_key(&key.public_key()).to_checksum(),
        v["signer_address"].as_str().unwrap()
    );
    (v, key)
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {v}"))
}

fn hex32(h: [u8; 32]) -> String {
    format!("0x{}", hex::encode(h))
}

/// Every difference between our hashes and signature and eth-account's.
fn differences(t: &Value, key: &PrivateKey) -> Vec<String> {
    let name = text(t, "name");
    let e = &t["eth_account"];
    let td = match TypedData::parse(text(t, "document")) {
        Ok(td) => td,
        Err(err) => return vec![format!("{name}: we refuse it: {err}")],
    };
    let ours = [
        ("domain_separator", hex32(td.domain_separator())),
        ("hash_struct", hex32(td.hash_struct().unwrap())),
        ("digest", hex32(td.signing_hash().unwrap())),
        ("signature", td.sign(key).unwrap().to_string()),
    ];
    ours.into_iter()
        .filter(|(field, got)| got != text(e, field))
        .map(|(field, got)| format!("{name}.{field}: ours {got}, eth-account {}", e[field]))
        .collect()
}

/// The name of the variant, as the vector file writes it.
fn variant(e: &Eip712Error) -> &'static str {
    match e {
        Eip712Error::NotJson { .. } => "NotJson",
        Eip712Error::BadPart { .. } => "BadPart",
        Eip712Error::BadTypeName { .. } => "BadTypeName",
        Eip712Error::BadMemberName { .. } => "BadMemberName",
        Eip712Error::Missing { .. } => "Missing",
        Eip712Error::WrongValue { .. } => "WrongValue",
        Eip712Error::ArrayLength { .. } => "ArrayLength",
        Eip712Error::NotAnInteger { .. } => "NotAnInteger",
        Eip712Error::IntegerText { .. } => "IntegerText",
        Eip712Error::NegativeUnsigned { .. } => "NegativeUnsigned",
        Eip712Error::OutOfRange { .. } => "OutOfRange",
        _ => "another variant",
    }
}

/// Each uintN and intN, N = 8…256: 0, 1, 2^53±1, 2^63, 2^64±1 and the
/// type's bounds as plain JSON numbers (in members, a T[] and a nested
/// struct), a chainId above 2^64; and -0. Same hashes and signature as
/// eth-account.
#[test]
fn json_integers_of_every_width_sign_like_eth_account() {
    let (v, key) = vectors();
    let mut names = vec![];
    let mut diffs = vec![];
    for t in v["signed"].as_array().unwrap() {
        diffs.extend(differences(t, &key));
        // The CLI's entry point gives the same digest.
        let doc = text(t, "document");
        assert_eq!(
            hex32(TypedData::from_json(doc).unwrap().signing_hash().unwrap()),
            text(&t["eth_account"], "digest")
        );
        names.push(text(t, "name").to_owned());
    }
    assert!(diffs.is_empty(), "{diffs:#?}");
    for n in (8..=256).step_by(8) {
        assert!(names.contains(&format!("uint{n}")), "uint{n}");
        assert!(names.contains(&format!("int{n}")), "int{n}");
    }
    assert!(names.contains(&"minus_zero_and_inferred_domain".to_owned()));
}

/// Above or below the type's range, negative for uintN, fractions and
/// exponents (`1.5`, `1.0`, `1e3`, `-0.0`, `1e400`), booleans, null,
/// arrays and objects for an integer, strings that are not integers: each a
/// typed error naming the member and the type. eth-account refuses them too,
/// but for three strings Python's int() reads.
#[test]
fn what_does_not_fit_is_a_typed_error() {
    let (v, _) = vectors();
    let python_only = [r#""+5""#, r#""1_000""#, r#""\u0661\u0662""#];
    let mut seen = std::collections::BTreeSet::new();
    for t in v["refused"].as_array().unwrap() {
        let name = text(t, "name");
        let err = TypedData::parse(text(t, "document"))
            .map(|_| ())
            .unwrap_err();
        assert_eq!(variant(&err), text(t, "error"), "{name}: {err}");
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        seen.insert(variant(&err));
        let shown = err.to_string();
        if variant(&err) != "NotJson" {
            let at = if name.starts_with("domain_") {
                "domain.chainId"
            } else {
                "message.x"
            };
            assert!(shown.starts_with(at), "{name}: {shown}");
        }
        match (&err, t["form"].as_str()) {
            (Eip712Error::NotAnInteger { form, .. }, Some(want)) => {
                let want = if want == "Fraction" {
                    NumberForm::Fraction
                } else {
                    NumberForm::Exponent
                };
                assert_eq!(*form, want, "{name}");
            }
            (Eip712Error::NotAnInteger { .. }, None) => panic!("{name}: no form in the vector"),
            _ => {}
        }
        if let Eip712Error::OutOfRange { ty, .. } | Eip712Error::NegativeUnsigned { ty, .. } = &err
        {
            assert!(
                shown.contains(&format!("for {ty}"))
                    || shown.contains(&format!("{ty} is unsigned")),
                "{shown}"
            );
            assert!(shown.contains(&ty.range()), "{shown}");
        }
        let whole = wallet_core::error::Error::from(err);
        assert!(whole
            .to_string()
            .starts_with("invalid EIP-712 typed data: "));
        let eth_account_signs = t["eth_account"].get("signature").is_some();
        let token_is_python_only = python_only.iter().any(|p| name.ends_with(p));
        assert_eq!(
            eth_account_signs, token_is_python_only,
            "{name}: {}",
            t["eth_account"]
        );
    }
    let all = [
        "OutOfRange",
        "NegativeUnsigned",
        "NotAnInteger",
        "WrongValue",
        "IntegerText",
        "NotJson",
    ];
    assert_eq!(seen, all.into_iter().collect());
    // Both bounds of each of the 32 widths, and -1 for each uintN.
    let names: Vec<&str> = v["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| text(t, "name"))
        .collect();
    for n in (8..=256).step_by(8) {
        for case in [
            format!("uint{n}_2^{n}"),
            format!("uint{n}_-1"),
            format!("int{n}_2^{}", n - 1),
            format!("int{n}_-2^{}-1", n - 1),
        ] {
            assert!(names.contains(&case.as_str()), "{case}");
        }
    }
}

/// The documents of eth-account's own EIP-712 tests: what it signs we sign
/// identically, but for the few this wallet refuses on purpose (each with
/// its reason in the vector file); what it refuses we refuse.
#[test]
fn eth_account_test_documents_sign_identically() {
    let (v, key) = vectors();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for t in v["eth_account_tests"].as_array().unwrap() {
        let name = text(t, "name");
        let ours = text(t, "ours");
        *counts.entry(ours).or_default() += 1;
        match ours {
            "same signature" => {
                let d = differences(t, &key);
                assert!(d.is_empty(), "{d:#?}");
            }
            "refused on purpose" => {
                assert!(t["eth_account"].get("signature").is_some(), "{name}");
                assert!(!text(t, "why_we_refuse").is_empty());
                let err = TypedData::parse(text(t, "document"))
                    .map(|_| ())
                    .unwrap_err();
                assert_eq!(variant(&err), text(t, "error"), "{name}: {err}");
            }
            "refused, like eth-account" => {
                assert!(t["eth_account"].get("refuses").is_some(), "{name}");
                assert!(TypedData::parse(text(t, "document")).is_err(), "{name}");
            }
            other => panic!("{name}: unknown outcome {other}"),
        }
    }
    assert_eq!(counts["same signature"], 13, "{counts:?}");
    assert_eq!(counts["refused on purpose"], 10, "{counts:?}");
    assert_eq!(counts["refused, like eth-account"], 17, "{counts:?}");
}
