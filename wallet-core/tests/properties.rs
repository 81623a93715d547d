//! Property tests (proptest, 1,000 cases each) for every parser and round
//! trip: what we write parses back to the same value, arbitrary input never
//! panics, and every error has a typed kind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::U256;
use proptest::prelude::*;
use wallet_core::bitcoin::{amount, psbt, Address, Amount, Chain, NetworkParams, Payload, Wif};
use wallet_core::ethereum::{
    self, ChainId, Fees, Gas, Nonce, SignedTransaction, Transaction, TxFields, TxKind, TxLegacy,
    TypedData, Unit, Wei,
};
use wallet_core::hd::{ChildIndex, DerivationPath, ExtendedKey, ExtendedPrivateKey, KeyVersion};
use wallet_core::key::{PrivateKey, PublicKey};
use wallet_core::keystore::{
    v3, KdfParams, KeySource, Keystore, SingleKey, WalletFile, WalletSecret,
};
use wallet_core::mnemonic::{Language, Mnemonic};
use wallet_core::secret::SecretString;
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
        let p = k.to_xpub().to_base58();
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
    }

    #[test]
    fn transactions_round_trip(k in key_strategy(), ty in 0u8..3, nonce in any::<u64>(), gas in any::<u64>(), value in any::<u128>(), fee in 1u128..u128::MAX / 2, to in proptest::option::of(any::<[u8; 20]>()), data in proptest::collection::vec(any::<u8>(), 0..200), chain in 1u64..1_000_000) {
        let fees = match ty {
            0 => Fees::Legacy { gas_price: Wei(U256::from(fee)) },
            1 => Fees::AccessList { gas_price: Wei(U256::from(fee)) },
            _ => Fees::Eip1559 { max_fee: Wei(U256::from(fee)), max_priority_fee: Wei(U256::from(fee / 2)) },
        };
        let to = to.map_or(TxKind::Create, |a| TxKind::Call(ethereum::Address(a)));
        let tx = TxFields { chain_id: ChainId(chain), nonce: Nonce(nonce), gas_limit: Gas(gas), fees, to, value: Wei(U256::from(value)), input: data, access_list: vec![], blob: None, authorizations: None }.build().unwrap();
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
    fn amounts_round_trip(wei in any::<u128>(), sat in 0u64..=amount::MAX_AMOUNT.to_sat()) {
        let w = Wei(U256::from(wei));
        prop_assert_eq!(Wei::parse(&format!("{}ether", w.to_ether_string()), Unit::Ether).unwrap(), w);
        prop_assert_eq!(Wei::parse(&format!("{}gwei", w.to_gwei_string()), Unit::Ether).unwrap(), w);
        prop_assert_eq!(Wei::parse(&format!("{wei}wei"), Unit::Ether).unwrap(), w);
        let a = Amount::from_sat(sat);
        for chain in [Chain::Bitcoin, Chain::Litecoin] {
            prop_assert_eq!(amount::parse_amount(&amount::format_coins(a), chain).unwrap(), a);
            prop_assert_eq!(amount::parse_amount(&format!("{sat}sat"), chain).unwrap(), a);
        }
    }

    #[test]
    fn amount_garbage_is_a_typed_error(s in "[0-9.]{0,30}(ether|gwei|wei|sat|btc|e|)|\\PC{0,30}") {
        for r in [Wei::parse(&s, Unit::Ether).map(|_| ()), amount::parse_amount(&s, Chain::Bitcoin).map(|_| ()), amount::parse_fee_rate(&s).map(|_| ())] {
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
    let secret = WalletSecret::Single(SingleKey {
        key: PrivateKey::from_hex(&"42".repeat(32)).unwrap(),
        compressed: true,
        wif_version: None,
        source: KeySource::Hex,
    });
    let (f, keys) = WalletFile::seal("p", "2026-01-01T00:00:00Z", &secret, b"pw", FAST).unwrap();
    (f.to_bytes().unwrap(), f, keys)
}

fn psbt_seed() -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../testdata/vectors/bip174_psbt.json",
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

// ---------------------------------------------------------------------------
// PSBTs generated through the `bitcoin` crate: our parser reads every form
// (binary, hex, base64 with line breaks) back to the same PSBT, and our
// base64 / the binary serialisation re-encode byte for byte.

/// A BIP32 key origin: a fingerprint and a path of 0–5 steps.
fn key_origin() -> impl Strategy<Value = bitcoin::bip32::KeySource> {
    (
        any::<[u8; 4]>(),
        proptest::collection::vec(any::<u32>(), 0..5),
    )
        .prop_map(|(fp, path)| {
            (
                bitcoin::bip32::Fingerprint::from(fp),
                path.into_iter()
                    .map(bitcoin::bip32::ChildNumber::from)
                    .collect::<Vec<_>>()
                    .into(),
            )
        })
}

fn secp_key(k: &PrivateKey) -> bitcoin::secp256k1::PublicKey {
    bitcoin::secp256k1::PublicKey::from_slice(&k.public_key().to_compressed()).unwrap()
}

fn script() -> impl Strategy<Value = bitcoin::ScriptBuf> {
    proptest::collection::vec(any::<u8>(), 0..60).prop_map(bitcoin::ScriptBuf::from_bytes)
}

fn tx_out() -> impl Strategy<Value = bitcoin::TxOut> {
    (any::<u64>(), script()).prop_map(|(v, s)| bitcoin::TxOut {
        value: bitcoin::Amount::from_sat(v),
        script_pubkey: s,
    })
}

fn unsigned_tx(
    prevouts: Vec<([u8; 32], u32)>,
    sequences: Vec<u32>,
    outputs: Vec<bitcoin::TxOut>,
    version: i32,
    lock_time: u32,
) -> bitcoin::Transaction {
    use bitcoin::hashes::Hash;
    bitcoin::Transaction {
        version: bitcoin::transaction::Version(version),
        lock_time: bitcoin::absolute::LockTime::from_consensus(lock_time),
        input: prevouts
            .into_iter()
            .zip(sequences)
            .map(|((txid, vout), seq)| bitcoin::TxIn {
                previous_output: bitcoin::OutPoint {
                    txid: bitcoin::Txid::from_byte_array(txid),
                    vout,
                },
                script_sig: bitcoin::ScriptBuf::new(),
                sequence: bitcoin::Sequence(seq),
                witness: bitcoin::Witness::new(),
            })
            .collect(),
        output: outputs,
    }
}

/// Per-input PSBT data: witness UTXO, previous transaction (whose txid
/// the input then spends), BIP32 origins, sighash type, scripts, taproot
/// internal key.
#[allow(clippy::type_complexity)]
fn input_data() -> impl Strategy<
    Value = (
        Option<bitcoin::TxOut>,
        Option<Vec<bitcoin::TxOut>>,
        Vec<(PrivateKey, bitcoin::bip32::KeySource)>,
        Option<u32>,
        (Option<bitcoin::ScriptBuf>, Option<bitcoin::ScriptBuf>),
        Option<PrivateKey>,
    ),
> {
    (
        proptest::option::of(tx_out()),
        proptest::option::of(proptest::collection::vec(tx_out(), 1..3)),
        proptest::collection::vec((key_strategy(), key_origin()), 0..3),
        proptest::option::of(prop_oneof![
            Just(1u32),
            Just(2),
            Just(3),
            Just(0x81),
            Just(0x82),
            Just(0x83),
            any::<u32>()
        ]),
        (
            proptest::option::of(script()),
            proptest::option::of(script()),
        ),
        proptest::option::of(key_strategy()),
    )
}

#[allow(clippy::type_complexity)]
fn output_data() -> impl Strategy<
    Value = (
        Vec<(PrivateKey, bitcoin::bip32::KeySource)>,
        Option<bitcoin::ScriptBuf>,
        Option<bitcoin::ScriptBuf>,
        Option<PrivateKey>,
    ),
> {
    (
        proptest::collection::vec((key_strategy(), key_origin()), 0..3),
        proptest::option::of(script()),
        proptest::option::of(script()),
        proptest::option::of(key_strategy()),
    )
}

fn x_only(k: &PrivateKey) -> bitcoin::secp256k1::XOnlyPublicKey {
    bitcoin::secp256k1::XOnlyPublicKey::from_slice(&k.public_key().to_compressed()[1..]).unwrap()
}

/// Inserts a line break every 64 characters (as PSBTs are often pasted).
fn wrapped(s: &str) -> String {
    s.as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------
// Keystore round trips, usage records.

/// A random wallet secret of each kind.
fn wallet_secret() -> impl Strategy<Value = WalletSecret> {
    prop_oneof![
        (entropy(), language(), "[\\PC\"\\\\\t]{0,40}").prop_map(|(e, lang, pp)| {
            WalletSecret::from_mnemonic(
                Mnemonic::from_entropy(&e, lang).unwrap(),
                SecretString::from(pp),
            )
            .unwrap()
        }),
        (proptest::collection::vec(any::<u8>(), 16..=64), 0usize..9).prop_map(|(seed, vi)| {
            WalletSecret::from_xprv(
                ExtendedPrivateKey::from_seed_bytes(&seed)
                    .unwrap()
                    .with_version(KeyVersion::ALL[vi]),
            )
            .unwrap()
        }),
        (
            key_strategy(),
            any::<bool>(),
            proptest::option::of(any::<u8>()),
            0usize..4
        )
            .prop_map(|(key, compressed, wif_version, si)| {
                WalletSecret::Single(SingleKey {
                    key,
                    compressed,
                    wif_version,
                    source: [
                        KeySource::Hex,
                        KeySource::Wif,
                        KeySource::Pem,
                        KeySource::EthKeystore,
                    ][si],
                })
            }),
    ]
}

fn same_secret(a: &WalletSecret, b: &WalletSecret) -> bool {
    a == b
}

/// A fresh keystore directory for one property (removed at the end).
struct TempKeystore(std::path::PathBuf, Keystore);

impl TempKeystore {
    fn new(label: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("wallet-properties-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let ks = Keystore::open(&dir).unwrap();
        // The usage record is only written for a wallet that exists.
        std::fs::write(dir.join("w.json"), b"{}").unwrap();
        Self(dir, ks)
    }

    fn write_usage(&self, bytes: &[u8]) {
        std::fs::write(self.0.join("w.usage"), bytes).unwrap();
    }
}

impl Drop for TempKeystore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

thread_local! {
    static USAGE_ARBITRARY: TempKeystore = TempKeystore::new("usage-arbitrary");
    static USAGE_RECORDS: TempKeystore = TempKeystore::new("usage-records");
}

/// A JSON value of the shapes a usage record's fields may take, right or wrong.
fn usage_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        24 => (0u64..=u64::from(u32::MAX)).prop_map(|n| json!(n)),
        8 => (0u64..=16).prop_map(|n| json!(n)),
        1 => any::<u64>().prop_map(|n| json!(n)),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => any::<f64>().prop_map(|n| json!(n)),
        1 => "\\PC{0,8}".prop_map(|s| json!(s)),
        1 => Just(json!(null)),
        1 => Just(json!([1])),
        1 => Just(json!({"a": 1})),
        1 => any::<bool>().prop_map(|b| json!(b)),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn psbt_parse_serialize_identity(
        prevouts in proptest::collection::vec((any::<[u8; 32]>(), any::<u32>()), 1..4),
        sequences in proptest::collection::vec(any::<u32>(), 3),
        outputs in proptest::collection::vec(tx_out(), 0..4),
        version in prop_oneof![Just(1i32), Just(2), any::<i32>()],
        lock_time in any::<u32>(),
        inputs in proptest::collection::vec(input_data(), 3),
        outs in proptest::collection::vec(output_data(), 3),
        xpub in proptest::option::of((key_strategy(), any::<[u8; 32]>(), key_origin())),
        proprietary in proptest::collection::vec((proptest::collection::vec(any::<u8>(), 0..8), any::<u8>(), proptest::collection::vec(any::<u8>(), 0..8), proptest::collection::vec(any::<u8>(), 0..20)), 0..3),
    ) {
        use bitcoin::psbt::{raw::ProprietaryKey, Psbt, PsbtSighashType};
        let mut prevouts = prevouts;
        // Inputs with a previous transaction spend one of its outputs.
        let mut prev_txs = Vec::new();
        for (i, (data, prev)) in inputs.iter().zip(prevouts.iter_mut()).enumerate() {
            if let Some(outs) = &data.1 {
                let t = unsigned_tx(vec![([i as u8; 32], 0)], vec![0xffff_ffff], outs.clone(), 2, 0);
                use bitcoin::hashes::Hash;
                *prev = (t.compute_txid().to_byte_array(), prev.1 % outs.len() as u32);
                prev_txs.push(Some(t));
            } else {
                prev_txs.push(None);
            }
        }
        let n_in = prevouts.len();
        let tx = unsigned_tx(prevouts, sequences[..n_in].to_vec(), outputs, version, lock_time);
        let mut p = Psbt::from_unsigned_tx(tx).unwrap();
        for (i, input) in p.inputs.iter_mut().enumerate() {
            let (wutxo, _, origins, sighash, (redeem, witness), tap) = &inputs[i];
            input.witness_utxo = wutxo.clone();
            input.non_witness_utxo = prev_txs[i].clone();
            for (k, o) in origins {
                input.bip32_derivation.insert(secp_key(k), o.clone());
            }
            input.sighash_type = sighash.map(PsbtSighashType::from_u32);
            input.redeem_script = redeem.clone();
            input.witness_script = witness.clone();
            input.tap_internal_key = tap.as_ref().map(x_only);
        }
        for (o, (origins, redeem, witness, tap)) in p.outputs.iter_mut().zip(&outs) {
            for (k, origin) in origins {
                o.bip32_derivation.insert(secp_key(k), origin.clone());
            }
            o.redeem_script = redeem.clone();
            o.witness_script = witness.clone();
            o.tap_internal_key = tap.as_ref().map(x_only);
        }
        if let Some((k, chain_code, origin)) = &xpub {
            let mut raw = Vec::with_capacity(78);
            raw.extend_from_slice(&[0x04, 0x88, 0xb2, 0x1e]);
            raw.push(origin.1.len() as u8);
            raw.extend_from_slice(origin.0.as_bytes());
            raw.extend_from_slice(&origin.1.as_ref().last().map_or(0, |c| u32::from(*c)).to_be_bytes());
            raw.extend_from_slice(chain_code);
            raw.extend_from_slice(&k.public_key().to_compressed());
            if let Ok(x) = bitcoin::bip32::Xpub::decode(&raw) {
                p.xpub.insert(x, origin.clone());
            }
        }
        for (prefix, subtype, key, value) in proprietary {
            p.proprietary.insert(ProprietaryKey { prefix, subtype, key }, value);
        }

        let bytes = p.serialize();
        let parsed = psbt::parse(&bytes).unwrap();
        prop_assert_eq!(&parsed, &p);
        prop_assert_eq!(parsed.serialize(), bytes.clone());
        let b64 = psbt::to_base64(&parsed);
        prop_assert_eq!(&psbt::parse(b64.as_bytes()).unwrap(), &p);
        prop_assert_eq!(&psbt::parse(wrapped(&b64).as_bytes()).unwrap(), &p);
        prop_assert_eq!(psbt::to_base64(&psbt::parse(b64.as_bytes()).unwrap()), b64);
        prop_assert_eq!(&psbt::parse(hex::encode(&bytes).as_bytes()).unwrap(), &p);
    }

    #[test]
    fn keystore_seal_parse_unlock_round_trip(secret in wallet_secret(), password in proptest::collection::vec(any::<u8>(), 1..40), name in "[a-z0-9][a-z0-9._-]{0,20}") {
        let (f, _) = WalletFile::seal(&name, "2026-12-04T00:00:00Z", &secret, &password, FAST).unwrap();
        let bytes = f.to_bytes().unwrap();
        let g = WalletFile::parse(&bytes).unwrap();
        prop_assert_eq!(g.to_bytes().unwrap(), bytes);
        prop_assert_eq!(g.name(), name.as_str());
        prop_assert_eq!(g.kind(), secret.kind());
        prop_assert_eq!(g.public(), &secret.public_info().unwrap());
        // Cheap KDF parameters open only with allow_weak.
        prop_assert_eq!(g.unlock(&password, false).unwrap_err().kind(), ErrorKind::WeakParameters);
        let back = g.unlock(&password, true).unwrap();
        prop_assert!(same_secret(&back, &secret));
        let mut wrong = password.clone();
        wrong[0] ^= 1;
        prop_assert_eq!(g.unlock(&wrong, true).unwrap_err().kind(), ErrorKind::WrongPassword);
    }

    #[test]
    fn bech32_addresses_of_every_witness_version(
        version in prop_oneof![3 => Just(0u8), 2 => Just(1u8), 3 => 2u8..=16],
        program in prop_oneof![
            2 => proptest::collection::vec(any::<u8>(), 20),
            2 => proptest::collection::vec(any::<u8>(), 32),
            3 => proptest::collection::vec(any::<u8>(), 2..=40),
            1 => proptest::collection::vec(any::<u8>(), 0..=45),
        ],
        pi in 0usize..7,
        right_checksum in proptest::bool::weighted(0.8),
        upper in any::<bool>(),
    ) {
        use bech32::{ByteIterExt, Fe32, Fe32IterExt, Hrp};
        let params = NetworkParams::ALL[pi];
        let hrp = Hrp::parse(params.hrp()).unwrap();
        let fe = Fe32::try_from(version).unwrap();
        // Any version, any length, either checksum: valid and invalid alike.
        // The checksum BIP350 prescribes for the version, or the other one.
        let bech32m = (version != 0) == right_checksum;
        let s: String = if bech32m {
            program.iter().copied().bytes_to_fes().with_checksum::<bech32::Bech32m>(&hrp).with_witness_version(fe).chars().collect()
        } else {
            program.iter().copied().bytes_to_fes().with_checksum::<bech32::Bech32>(&hrp).with_witness_version(fe).chars().collect()
        };
        let s = if upper { s.to_uppercase() } else { s };
        // BIP141/173/350: v0 is 20 (P2WPKH) or 32 (P2WSH) bytes under bech32;
        // v1–16 are 2–40 bytes under bech32m.
        let valid = if version == 0 {
            !bech32m && matches!(program.len(), 20 | 32)
        } else {
            bech32m && (2..=40).contains(&program.len())
        };
        match Address::parse(&s, params) {
            Ok(a) => {
                prop_assert!(valid, "accepted {}", s);
                prop_assert_eq!(a.to_string(), s.to_lowercase());
                prop_assert_eq!(a.payload(), &Payload::Witness { version, program: program.clone() });
                prop_assert_eq!(&Address::new(a.payload().clone(), params), &a);
                let spk = a.script_pubkey();
                prop_assert_eq!(spk.len(), program.len() + 2);
            }
            Err(e) => {
                prop_assert!(!valid, "refused {}: {}", s, e);
                prop_assert!(matches!(e.kind(), ErrorKind::InvalidAddress | ErrorKind::BadChecksum), "{:?}", e);
            }
        }
        // Whatever network it is parsed for, no panic and a typed answer.
        for p in NetworkParams::ALL {
            if let Err(e) = Address::parse(&s, p) {
                prop_assert!(matches!(e.kind(), ErrorKind::InvalidAddress | ErrorKind::BadChecksum | ErrorKind::WrongNetwork), "{:?}", e);
            }
        }
    }

    #[test]
    fn transactions_any_chain_id_access_list_and_u256(
        k in key_strategy(),
        ty in 0u8..3,
        chain in prop_oneof![Just(None), any::<u64>().prop_map(Some), (0u64..=1000).prop_map(Some), Just(Some((u64::MAX - 36) / 2)), Just(Some((u64::MAX - 36) / 2 + 1))],
        nonce in any::<u64>(),
        gas in any::<u64>(),
        value in any::<[u8; 32]>(),
        fee_a in any::<[u8; 32]>(),
        fee_b in any::<[u8; 32]>(),
        to in proptest::option::of(any::<[u8; 20]>()),
        data in proptest::collection::vec(any::<u8>(), 0..100),
        access in proptest::collection::vec((any::<[u8; 20]>(), proptest::collection::vec(any::<[u8; 32]>(), 0..4)), 0..4),
    ) {
        use wallet_core::ethereum::transaction::AccessListItem;
        let (a, b) = (U256::from_be_bytes(fee_a), U256::from_be_bytes(fee_b));
        let fees = match ty {
            0 => Fees::Legacy { gas_price: Wei(a) },
            1 => Fees::AccessList { gas_price: Wei(a) },
            _ => Fees::Eip1559 { max_fee: Wei(a.max(b)), max_priority_fee: Wei(a.min(b)) },
        };
        // Legacy transactions have no access list; one in four keeps it
        // anyway, to check that it is refused.
        let keep = ty != 0 || nonce % 4 == 0;
        let access_list: Vec<AccessListItem> = access
            .into_iter()
            .filter(|_| keep)
            .map(|(addr, keys)| AccessListItem { address: ethereum::Address(addr), storage_keys: keys })
            .collect();
        let kind = to.map_or(TxKind::Create, |a| TxKind::Call(ethereum::Address(a)));
        let value = Wei(U256::from_be_bytes(value));
        // A transaction without a chain id is a pre-EIP-155 legacy one;
        // typed ones (and legacy ones with an access list) cannot be built
        // without one: nothing to sign.
        let built = match chain {
            None if ty == 0 && access_list.is_empty() => Transaction::Legacy(TxLegacy { chain_id: None, nonce: Nonce(nonce), gas_price: Wei(a), gas_limit: Gas(gas), to: kind, value, input: data }),
            None => return Ok(()),
            Some(c) => match (TxFields { chain_id: ChainId(c), nonce: Nonce(nonce), gas_limit: Gas(gas), fees, to: kind, value, input: data, access_list: access_list.clone(), blob: None, authorizations: None }).build() {
                Ok(tx) => tx,
                Err(e) => {
                    prop_assert!(ty == 0 && !access_list.is_empty(), "{}", e);
                    return Ok(());
                }
            },
        };
        prop_assert!(ty != 0 || access_list.is_empty());
        let tx = built;
        let max_legacy = (u64::MAX - 36) / 2;
        let expect_err = matches!((ty, chain), (0, Some(c)) if c > max_legacy);
        match tx.clone().sign(&k) {
            Ok(signed) => {
                prop_assert!(!expect_err, "signed {:?}", tx);
                let raw = signed.to_raw();
                let back = SignedTransaction::decode(&raw).unwrap();
                prop_assert_eq!(&back, &signed);
                prop_assert_eq!(back.to_raw(), raw);
                prop_assert_eq!(back.sender().unwrap(), ethereum::Address::from_public_key(&k.public_key()));
                match (ty, chain) {
                    (0, None) => prop_assert!(signed.v() == 27 || signed.v() == 28),
                    (0, Some(c)) => prop_assert_eq!((signed.v() - 35) / 2, c),
                    _ => prop_assert!(signed.v() <= 1),
                }
            }
            Err(e) => {
                prop_assert!(expect_err, "refused {:?}: {}", tx, e);
                prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
            }
        }
    }

    #[test]
    fn wei_amounts_in_every_unit(raw in any::<[u8; 32]>(), small in any::<u64>(), pick in 0u8..3) {
        // Full-range values, and small ones (where decimals matter).
        let v = match pick {
            0 => U256::from_be_bytes(raw),
            1 => U256::from(small),
            _ => U256::from_be_bytes(raw) >> (usize::from(raw[0]) % 256),
        };
        let w = Wei(v);
        let ether = w.to_ether_string();
        let gwei = w.to_gwei_string();
        for (text, unit) in [
            (format!("{ether}ether"), Unit::Wei),
            (format!("{ether} ETH"), Unit::Wei),
            (ether.clone(), Unit::Ether),
            (format!("{gwei}gwei"), Unit::Ether),
            (format!("{gwei} GWei"), Unit::Ether),
            (gwei.clone(), Unit::Gwei),
            (format!("{v}wei"), Unit::Ether),
            (v.to_string(), Unit::Wei),
            (format!("{v:#x}"), Unit::Ether),
            (format!(" {ether} ether "), Unit::Wei),
        ] {
            prop_assert_eq!(Wei::parse(&text, unit).unwrap(), w, "{}", text);
        }
        // The same digits read in a larger unit: the exact product, or a
        // typed error when it exceeds 2^256 - 1.
        for (unit, scale) in [(Unit::Gwei, U256::from(1_000_000_000u64)), (Unit::Ether, U256::from(10u64).pow(U256::from(18u64)))] {
            match (Wei::parse(&v.to_string(), unit), v.checked_mul(scale)) {
                (Ok(x), Some(expect)) => prop_assert_eq!(x.0, expect),
                (Err(e), None) => prop_assert_eq!(e.kind(), ErrorKind::InvalidInput),
                (r, expect) => prop_assert!(false, "{} in {:?}: {:?}, expected {:?}", v, unit, r, expect),
            }
        }
        // One digit more than 2^256 - 1 never parses.
        prop_assert_eq!(Wei::parse(&format!("{}{}wei", U256::MAX, small % 10), Unit::Wei).unwrap_err().kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn usage_record_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..300), account in "\\PC{0,20}") {
        USAGE_ARBITRARY.with(|t| {
            t.write_usage(&b);
            match t.1.next_change_index("w", &account) {
                Ok(_) => Ok(()),
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::Tampered, "{:?}", e);
                    Ok(())
                }
            }
        })?;
    }

    #[test]
    fn usage_records_give_their_value_or_a_typed_error(
        version in prop_oneof![4 => Just(serde_json::json!(1)), 1 => usage_value()],
        values in proptest::collection::btree_map("[a-z0-9/']{0,12}", usage_value(), 0..4),
        next_change_shape in 0u8..8,
        account in "[a-z0-9/']{0,12}",
        next in prop_oneof![any::<u32>(), 0u32..=16],
        pretty in any::<bool>(),
        claim in any::<bool>(),
    ) {
        use serde_json::json;
        let next_change = match next_change_shape {
            0 => json!(null),
            1 => json!([]),
            2 => json!("x"),
            _ => json!(values),
        };
        let mut doc = json!({"version": version, "next_change": next_change});
        if next_change_shape == 3 {
            doc.as_object_mut().unwrap().remove("next_change");
        }
        let bytes = if pretty { serde_json::to_vec_pretty(&doc).unwrap() } else { serde_json::to_vec(&doc).unwrap() };
        let valid = version.as_u64() == Some(1)
            && next_change_shape >= 4
            && values.values().all(|v| v.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)));
        USAGE_RECORDS.with(|t| {
            t.write_usage(&bytes);
            let current = values.get(&account).and_then(serde_json::Value::as_u64).unwrap_or(0);
            match t.1.next_change_index("w", &account) {
                Ok(n) => {
                    prop_assert!(valid, "accepted {}", doc);
                    prop_assert_eq!(u64::from(n), current);
                }
                Err(e) => {
                    prop_assert!(!valid, "refused {}: {}", doc, e);
                    prop_assert_eq!(e.kind(), ErrorKind::Tampered);
                }
            }
            // Claiming an index: refused if the record is broken or already
            // past it; otherwise recorded, and read back.
            if claim {
                match t.1.record_change_index("w", &account, next) {
                    Ok(()) => {
                        prop_assert!(valid && u64::from(next) > current);
                        prop_assert_eq!(t.1.next_change_index("w", &account).unwrap(), next);
                    }
                    Err(e) if valid => {
                        prop_assert!(u64::from(next) <= current, "{}", e);
                        prop_assert_eq!(e.kind(), ErrorKind::Locked);
                    }
                    Err(e) => prop_assert_eq!(e.kind(), ErrorKind::Tampered),
                }
            }
            Ok(())
        })?;
    }
}
