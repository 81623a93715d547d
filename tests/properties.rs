//! Property tests (proptest, 1,000 cases each) for every parser and round
//! trip: what we write parses back to the same value, arbitrary input never
//! panics, and every error has a typed kind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::U256;
use proptest::prelude::*;
use wallet_core::bitcoin::{payment, psbt, Address, AddressType, NetworkParams, Payload, Wif};
use wallet_core::ethereum::{
    self, ChainId, Fees, Gas, Nonce, SignedTransaction, Transaction, TypedData, Unit, Wei,
};
use wallet_core::hd::{ChildIndex, DerivationPath, ExtendedKey, ExtendedPrivateKey, KeyVersion};
use wallet_core::key::{PrivateKey, PublicKey};
use wallet_core::keystore::{v3, KdfParams, KeySource, WalletFile, WalletSecret};
use wallet_core::mnemonic::{Language, Mnemonic};
use wallet_core::ErrorKind;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(1000),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn key_strategy() -> impl Strategy<Value = PrivateKey> {
    any::<[u8; 32]>().prop_filter_map("in range", |b| PrivateKey::from_bytes(&b).ok())
}

fn language() -> impl Strategy<Value = Language> {
    (0usize..10).prop_map(|i| Language::ALL[i])
}

fn entropy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![Just(16usize), Just(20), Just(24), Just(28), Just(32)]
        .prop_flat_map(|n| proptest::collection::vec(any::<u8>(), n))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mnemonic_round_trip(e in entropy(), lang in language()) {
        let m = Mnemonic::from_entropy(&e, lang).unwrap();
        let back = Mnemonic::parse_in(m.phrase().expose(), lang).unwrap();
        let ent = back.entropy();
        prop_assert_eq!(ent.expose(), &e[..]);
        // Detection finds a language whose words give the same seed.
        let detected = Mnemonic::parse(m.phrase().expose()).unwrap();
        let (s1, s2) = (detected.to_seed("x"), m.to_seed("x"));
        prop_assert_eq!(s1.expose(), s2.expose());
    }

    #[test]
    fn mnemonic_garbage_is_a_typed_error(s in "\\PC{0,200}") {
        if let Err(e) = Mnemonic::parse(&s) {
            prop_assert!(matches!(e.kind(), ErrorKind::InvalidMnemonic | ErrorKind::BadChecksum | ErrorKind::InvalidInput), "{:?}", e);
        }
    }

    #[test]
    fn mnemonic_word_salad_is_a_typed_error(words in proptest::collection::vec(0usize..2048, 1..30), lang in language()) {
        let list = lang.word_list();
        let phrase: Vec<&str> = words.iter().map(|i| list[*i]).collect();
        match Mnemonic::parse(&phrase.join(" ")) {
            Ok(m) => prop_assert_eq!(m.word_count(), words.len()),
            Err(e) => prop_assert!(matches!(e.kind(), ErrorKind::InvalidMnemonic | ErrorKind::BadChecksum), "{:?}", e),
        }
    }

    #[test]
    fn path_round_trip(v in proptest::collection::vec((0u32..0x8000_0000, any::<bool>()), 0..12)) {
        let idx: Vec<ChildIndex> = v.iter().map(|(i, h)| if *h { ChildIndex::hardened(*i).unwrap() } else { ChildIndex::normal(*i).unwrap() }).collect();
        let p = DerivationPath::from_indexes(idx).unwrap();
        prop_assert_eq!(p.to_string().parse::<DerivationPath>().unwrap(), p.clone());
        let h_form = p.to_string().replace('\'', "h");
        prop_assert_eq!(h_form.parse::<DerivationPath>().unwrap(), p);
    }

    #[test]
    fn path_garbage_is_a_typed_error(s in "[mM0-9/'hH+ x-]{0,40}|\\PC{0,40}") {
        if let Err(e) = s.parse::<DerivationPath>() {
            prop_assert_eq!(e.kind(), ErrorKind::InvalidPath);
        }
    }

    #[test]
    fn extended_key_round_trip(seed in proptest::collection::vec(any::<u8>(), 16..=64), path in proptest::collection::vec((0u32..1000, any::<bool>()), 0..4), vi in 0usize..9) {
        let version = KeyVersion::ALL[vi];
        let master = ExtendedPrivateKey::from_seed_bytes(&seed).unwrap();
        let idx: Vec<ChildIndex> = path.iter().map(|(i, h)| if *h { ChildIndex::hardened(*i).unwrap() } else { ChildIndex::normal(*i).unwrap() }).collect();
        let k = master.derive_path(&DerivationPath::from_indexes(idx).unwrap()).unwrap().with_version(version);
        let s = k.to_base58();
        prop_assert_eq!(ExtendedPrivateKey::parse(s.expose()).unwrap(), k.clone());
        let p = k.public_key().to_base58();
        prop_assert_eq!(wallet_core::hd::ExtendedPublicKey::parse(&p).unwrap().to_base58(), p);
    }

    #[test]
    fn extended_key_garbage_is_a_typed_error(s in "[1-9A-HJ-NP-Za-km-z]{0,120}") {
        if let Err(e) = ExtendedKey::parse(&s) {
            prop_assert!(matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::BadChecksum | ErrorKind::UnknownVersion | ErrorKind::InvalidKey | ErrorKind::Unsupported), "{:?}", e);
        }
    }

    #[test]
    fn single_key_formats_round_trip(k in key_strategy(), compressed in any::<bool>(), pi in 0usize..7) {
        prop_assert_eq!(PrivateKey::from_hex(k.to_hex().expose()).unwrap(), k.clone());
        prop_assert_eq!(PrivateKey::from_pem(k.to_sec1_pem().unwrap().expose()).unwrap(), k.clone());
        prop_assert_eq!(PrivateKey::from_pem(k.to_pkcs8_pem().unwrap().expose()).unwrap(), k.clone());
        let params = NetworkParams::ALL[pi];
        let w = Wif::encode(&k, compressed, params);
        let back = Wif::decode_for(w.expose(), params).unwrap();
        prop_assert_eq!(back.key, k.clone());
        prop_assert_eq!(back.compressed, compressed);
        let pk = k.public_key();
        prop_assert_eq!(PublicKey::from_slice(&pk.to_uncompressed()).unwrap(), pk);
        prop_assert_eq!(PublicKey::from_slice(&pk.to_compressed()).unwrap(), pk);
    }

    #[test]
    fn single_key_garbage_is_a_typed_error(s in "\\PC{0,100}", b in proptest::collection::vec(any::<u8>(), 0..70)) {
        for r in [PrivateKey::from_hex(&s).map(|_| ()), PrivateKey::from_pem(&s).map(|_| ()), Wif::decode(&s).map(|_| ()), PublicKey::from_slice(&b).map(|_| ()), PublicKey::from_hex(&s).map(|_| ())] {
            if let Err(e) = r {
                prop_assert!(matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::InvalidKey | ErrorKind::BadChecksum | ErrorKind::UnknownVersion | ErrorKind::Unsupported | ErrorKind::WrongNetwork), "{:?}", e);
            }
        }
    }

    #[test]
    fn addresses_round_trip(h20 in any::<[u8; 20]>(), h32 in any::<[u8; 32]>(), pi in 0usize..7, kind in 0u8..4) {
        let params = NetworkParams::ALL[pi];
        let payload = match kind {
            0 => Payload::PubkeyHash(h20),
            1 => Payload::ScriptHash(h20),
            2 => Payload::Witness { version: 0, program: h20.to_vec() },
            _ => Payload::Witness { version: 1, program: h32.to_vec() },
        };
        let a = Address::new(payload, params);
        let s = a.to_string();
        prop_assert_eq!(Address::parse(&s, params).unwrap(), a.clone());
        if kind >= 2 {
            prop_assert_eq!(Address::parse(&s.to_uppercase(), params).unwrap(), a);
        }
        let e = ethereum::Address(h20);
        prop_assert_eq!(e.to_checksum().parse::<ethereum::Address>().unwrap(), e);
    }

    #[test]
    fn address_garbage_is_a_typed_error(s in "[a-z0-9]{0,12}1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{0,70}|[1-9A-HJ-NP-Za-km-z]{20,40}|0x[0-9a-fA-F]{0,44}|\\PC{0,60}") {
        if let Err(e) = Address::parse_any(&s) {
            prop_assert!(matches!(e.kind(), ErrorKind::InvalidAddress | ErrorKind::BadChecksum | ErrorKind::WrongNetwork | ErrorKind::UnknownVersion), "{:?}", e);
        }
        if let Err(e) = s.parse::<ethereum::Address>() {
            prop_assert!(matches!(e.kind(), ErrorKind::InvalidAddress | ErrorKind::BadChecksum), "{:?}", e);
        }
        let _ = AddressType::ALL;
    }

    #[test]
    fn transactions_round_trip(k in key_strategy(), ty in 0u8..3, nonce in any::<u64>(), gas in any::<u64>(), value in any::<u128>(), fee in 1u128..u128::MAX / 2, to in proptest::option::of(any::<[u8; 20]>()), data in proptest::collection::vec(any::<u8>(), 0..200), chain in 1u64..1_000_000) {
        let fees = match ty {
            0 => Fees::Legacy { gas_price: Wei(U256::from(fee)) },
            1 => Fees::AccessList { gas_price: Wei(U256::from(fee)) },
            _ => Fees::Eip1559 { max_fee: Wei(U256::from(fee)), max_priority_fee: Wei(U256::from(fee / 2)) },
        };
        let tx = Transaction { chain_id: Some(ChainId(chain)), nonce: Nonce(nonce), gas: Gas(gas), fees, to: to.map(ethereum::Address), value: Wei(U256::from(value)), data, access_list: vec![] };
        let signed = tx.sign(&k).unwrap();
        let back = SignedTransaction::decode(&signed.to_raw()).unwrap();
        prop_assert_eq!(back.sender().unwrap(), ethereum::Address::from_public_key(&k.public_key()));
        prop_assert_eq!(back, signed);
    }

    #[test]
    fn transaction_garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = SignedTransaction::decode(&b) {
            prop_assert!(matches!(e.kind(), ErrorKind::InvalidInput | ErrorKind::Unsupported), "{:?}", e);
        }
    }

    #[test]
    fn typed_data_sign_recover(k in key_strategy(), x in any::<u64>(), name in "[a-zA-Z0-9 ]{0,30}", flag in any::<bool>(), blob in proptest::collection::vec(any::<u8>(), 0..40)) {
        let td = serde_json::json!({
            "types": {
                "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}],
                "M": [{"name": "x", "type": "uint64"}, {"name": "n", "type": "string"}, {"name": "f", "type": "bool"}, {"name": "b", "type": "bytes"}, {"name": "l", "type": "uint8[]"}]
            },
            "primaryType": "M",
            "domain": {"name": name, "chainId": 1},
            "message": {"x": x, "n": name, "f": flag, "b": format!("0x{}", hex::encode(&blob)), "l": blob.iter().take(5).collect::<Vec<_>>()}
        });
        let t = TypedData::from_json(&td.to_string()).unwrap();
        let sig = t.sign(&k).unwrap();
        prop_assert_eq!(t.recover(&sig).unwrap(), ethereum::Address::from_public_key(&k.public_key()));
    }

    #[test]
    fn typed_data_garbage_is_a_typed_error(s in "\\PC{0,200}", t in "(uint|int|bytes)[0-9]{0,3}|string|bool|address|Foo|X\\[\\]") {
        if let Err(e) = TypedData::from_json(&s) {
            prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
        }
        let doc = serde_json::json!({"types": {"EIP712Domain": [], "A": [{"name": "v", "type": t}]}, "primaryType": "A", "domain": {}, "message": {"v": s}});
        if let Err(e) = TypedData::from_json(&doc.to_string()) {
            prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn amounts_round_trip(wei in any::<u128>(), sat in 0u64..=payment::MAX_AMOUNT) {
        let w = Wei(U256::from(wei));
        prop_assert_eq!(Wei::parse(&format!("{}ether", w.to_ether_string()), Unit::Ether).unwrap(), w);
        prop_assert_eq!(Wei::parse(&format!("{}gwei", w.to_gwei_string()), Unit::Ether).unwrap(), w);
        prop_assert_eq!(Wei::parse(&format!("{wei}wei"), Unit::Ether).unwrap(), w);
        prop_assert_eq!(payment::parse_amount(&payment::format_coins(sat)).unwrap(), sat);
        prop_assert_eq!(payment::parse_amount(&format!("{sat}sat")).unwrap(), sat);
    }

    #[test]
    fn amount_garbage_is_a_typed_error(s in "[0-9.]{0,30}(ether|gwei|wei|sat|btc|e|)|\\PC{0,30}") {
        for r in [Wei::parse(&s, Unit::Ether).map(|_| ()), payment::parse_amount(&s).map(|_| ())] {
            if let Err(e) = r {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
            }
        }
    }
}

const FAST: KdfParams = KdfParams {
    m_cost_kib: 8,
    t_cost: 1,
    p_cost: 1,
};

fn wallet_file() -> (Vec<u8>, WalletFile, wallet_core::keystore::Keys) {
    let secret = WalletSecret::PrivateKey {
        key: PrivateKey::from_hex(&"42".repeat(32)).unwrap(),
        compressed: true,
        wif_version: None,
        source: KeySource::Hex,
    };
    let (f, keys) = WalletFile::seal("p", "2026-01-01T00:00:00Z", &secret, b"pw", FAST).unwrap();
    (f.to_bytes().unwrap(), f, keys)
}

fn psbt_seed() -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../tests/vectors/bip174_psbt.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    hex::decode(v["workflow"][2]["hex"].as_str().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn keystore_file_mutations_never_open(flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4)) {
        let (bytes, _, keys) = wallet_file();
        let mut b = bytes.clone();
        for (i, x) in &flips {
            let at = i.index(b.len());
            b[at] ^= x;
        }
        let r = WalletFile::parse(&b).and_then(|f| f.unlock_with_key(&keys));
        prop_assert!(r.is_err(), "a modified file opened");
        let e = r.unwrap_err();
        prop_assert!(matches!(e.kind(), ErrorKind::Tampered | ErrorKind::UnknownVersion | ErrorKind::WrongPassword), "{:?}", e);
    }

    #[test]
    fn keystore_garbage_never_panics(b in proptest::collection::vec(any::<u8>(), 0..400), s in "\\{\\PC{0,200}\\}") {
        let _ = WalletFile::parse(&b);
        if let Err(e) = WalletFile::parse(s.as_bytes()) {
            prop_assert!(matches!(e.kind(), ErrorKind::Tampered | ErrorKind::UnknownVersion), "{:?}", e);
        }
    }

    #[test]
    fn v3_files_round_trip_and_mutations_fail(k in key_strategy(), flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..3)) {
        let light = v3::ScryptParams { log_n: 4, r: 1, p: 1 };
        let text = v3::encrypt(&k, b"pw", light).unwrap();
        prop_assert_eq!(v3::decrypt(&text, b"pw").unwrap(), k.clone());
        let mut b = text.into_bytes();
        for (i, x) in &flips {
            let at = i.index(b.len());
            b[at] ^= x;
        }
        let s = String::from_utf8_lossy(&b);
        // Either refused, or (a flip in a field nobody authenticates, like the
        // id) the very same key.
        // A changed IV decrypts to another valid key (V3's MAC does not
        // cover it): only the stated address catches that, so with the
        // address field itself gone the key may differ.
        if let Ok(again) = v3::decrypt(&s, b"pw") {
            let has_address = serde_json::from_str::<serde_json::Value>(&s).ok().and_then(|d| d.get("address").cloned()).is_some();
            if has_address {
                prop_assert_eq!(again, k);
            }
        }
    }

    #[test]
    fn psbt_mutations_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6), cut in any::<prop::sample::Index>()) {
        let mut b = psbt_seed();
        for (i, x) in &flips {
            let at = i.index(b.len());
            b[at] = *x;
        }
        let len = b.len();
        b.truncate(cut.index(len).max(len / 2));
        if let Ok(mut p) = psbt::parse(&b) {
            let ring = psbt::KeyRing::from_keys(vec![PrivateKey::from_hex(&"01".repeat(32)).unwrap()]);
            let _ = psbt::sign(&mut p, &ring, wallet_core::schnorr::AuxRand::Fixed([0; 32]));
            let _ = psbt::finalize(&mut p);
            let _ = psbt::extract(&p);
        }
    }

    #[test]
    fn psbt_garbage_is_a_typed_error(b in proptest::collection::vec(any::<u8>(), 0..300), s in "\\PC{0,100}") {
        for r in [psbt::parse(&b).map(|_| ()), psbt::parse(s.as_bytes()).map(|_| ())] {
            if let Err(e) = r {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
            }
        }
    }
}
