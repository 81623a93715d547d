//! The checks behind each fuzz target, shared by `fuzz/fuzz_targets/*` and
//! the regression test `tests/fuzz_regressions.rs` (which replays the saved
//! crash inputs and corpus through the very same code).
//!
//! Each function must never panic except on a broken invariant, which it
//! states with `assert!`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use wallet_core::bitcoin::psbt::{self, KeyRing};
use wallet_core::bitcoin::{amount, message, Address, Chain, NetworkParams, Wif};
use wallet_core::ethereum::{self, transaction, SignedTransaction, TypedData, Unit, Wei};
use wallet_core::hd::{DerivationPath, ExtendedKey};
use wallet_core::key::{PrivateKey, PublicKey};
use wallet_core::keystore::{
    v3, KdfParams, KeySource, Keys, Keystore, SingleKey, WalletFile, WalletSecret,
};
use wallet_core::mnemonic::{Language, Mnemonic};
use wallet_core::schnorr::AuxRand;

static RING: OnceLock<KeyRing> = OnceLock::new();

/// Runs the check named `target` (a `fuzz/fuzz_targets/` name) on `data`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "mnemonic_path" => mnemonic_path(data),
        "keys" => keys(data),
        "addresses_amounts" => addresses_amounts(data),
        "eth_tx_typed_data" => eth_tx_typed_data(data),
        "psbt_sign" => psbt_sign(data),
        "keystore_open" => keystore_open(data),
        other => panic!("no fuzz target named {other}"),
    }
}

/// Mnemonic phrases, languages and derivation paths: arbitrary text never panics.
pub fn mnemonic_path(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Ok(m) = Mnemonic::parse(&s) {
        let again = Mnemonic::parse(m.phrase().expose()).expect("a parsed phrase re-parses");
        assert_eq!(again.entropy().expose(), m.entropy().expose());
    }
    // One language per input (the first byte picks it): the same coverage
    // across inputs at a tenth of the cost of trying all ten every time.
    let lang = Language::ALL[usize::from(data.first().copied().unwrap_or(0)) % Language::ALL.len()];
    if let Ok(m) = Mnemonic::parse_in(&s, lang) {
        assert_eq!(m.language(), lang);
        let again =
            Mnemonic::parse_in(m.phrase().expose(), lang).expect("a parsed phrase re-parses");
        assert_eq!(again.entropy().expose(), m.entropy().expose());
    }
    let _ = wallet_core::mnemonic::suggest(&s, lang);
    let _ = s.parse::<Language>();
    if let Ok(p) = s.parse::<DerivationPath>() {
        assert_eq!(
            p.to_string().parse::<DerivationPath>().expect("round trip"),
            p
        );
    }
}

/// Extended keys, WIF, hex, PEM and public keys: never panic; what parses re-encodes identically.
pub fn keys(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Ok(k) = ExtendedKey::parse(&s) {
        match k {
            ExtendedKey::Private(x) => assert_eq!(x.to_base58().expose(), s.trim()),
            ExtendedKey::Public(x) => assert_eq!(x.to_base58(), s.trim()),
        }
    }
    if let Ok(w) = Wif::decode(&s) {
        assert_eq!(w.to_wif().expose(), s.trim());
    }
    let _ = PrivateKey::from_hex(&s);
    let _ = PrivateKey::from_pem(&s);
    let _ = PublicKey::from_hex(&s);
    if let Ok(pk) = PublicKey::from_slice(data) {
        assert_eq!(
            PublicKey::from_slice(&pk.to_compressed()).expect("compressed"),
            pk
        );
    }
    // A valid base58check payload of extended-key length with arbitrary contents.
    if data.len() >= 78 {
        let s = bs58_check(&data[..78]);
        let _ = ExtendedKey::parse(&s);
    }
}
fn bs58_check(payload: &[u8]) -> String {
    let h = wallet_core::hash::sha256d(payload);
    let mut v = payload.to_vec();
    v.extend_from_slice(&h[..4]);
    // Minimal base58 encoder (the fuzz crate keeps its dependencies small).
    const A: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits = vec![0u8];
    for &b in &v {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut out: String = v.iter().take_while(|b| **b == 0).map(|_| '1').collect();
    out.extend(
        digits
            .iter()
            .rev()
            .skip_while(|d| **d == 0)
            .map(|d| A[*d as usize] as char),
    );
    out
}

/// Addresses of every type and network, amounts with units, signatures: never panic.
pub fn addresses_amounts(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    for p in NetworkParams::ALL {
        if let Ok(a) = Address::parse(&s, p) {
            let again = Address::parse(&a.to_string(), p).expect("round trip");
            assert_eq!(again, a);
            let _ = a.script_pubkey();
        }
    }
    let _ = Address::parse_any(&s);
    if let Ok(a) = s.parse::<ethereum::Address>() {
        assert_eq!(
            a.to_checksum()
                .parse::<ethereum::Address>()
                .expect("round trip"),
            a
        );
    }
    for u in [Unit::Ether, Unit::Gwei, Unit::Wei] {
        let _ = Wei::parse(&s, u);
    }
    for chain in [Chain::Bitcoin, Chain::Litecoin] {
        if let Ok(v) = amount::parse_amount(&s, chain) {
            assert_eq!(
                amount::parse_amount(&amount::format_coins(v), chain).expect("round trip"),
                v
            );
        }
    }
    let _ = amount::parse_fee_rate(&s);
    let _ = ethereum::Signature::from_hex(&s);
    if let Some((addr, rest)) = s.split_once('|') {
        let _ = message::verify(addr, rest.as_bytes(), rest, NetworkParams::BITCOIN);
    }
}

/// Raw signed transactions (RLP), EIP-712 JSON and access lists: never panic;
/// a decoded transaction re-encodes to the same bytes.
pub fn eth_tx_typed_data(data: &[u8]) {
    if let Ok(tx) = SignedTransaction::decode(data) {
        assert_eq!(tx.to_raw(), data);
        let _ = tx.sender();
        let _ = tx.hash();
    }
    let s = String::from_utf8_lossy(data);
    if let Ok(td) = TypedData::from_json(&s) {
        let _ = td.signing_hash();
        let _ = td.encode_type();
    }
    let _ = transaction::parse_access_list(&s);
}

/// PSBT parsing and `sign-psbt` (sign, finalize, extract) on arbitrary input: never panic.
pub fn psbt_sign(data: &[u8]) {
    let ring = RING.get_or_init(|| {
        let keys = (1u8..=3)
            .map(|i| PrivateKey::from_hex(&format!("{:0>64}", i)).expect("key"))
            .collect();
        KeyRing::from_keys(keys)
    });
    if let Ok(mut p) = psbt::parse(data) {
        // What `sign-psbt` prints (base64) must read back as the same PSBT
        // and re-encode to the same text, before and after signing and
        // finalizing.
        let round_trips = |p: &_| {
            let b64 = psbt::to_base64(p);
            let again = psbt::parse(b64.as_bytes()).expect("our base64 re-parses");
            assert!(&again == p, "the re-parsed PSBT differs");
            assert_eq!(psbt::to_base64(&again), b64);
        };
        round_trips(&p);
        let _ = psbt::sign(&mut p, ring, AuxRand::Fixed([0; 32]));
        round_trips(&p);
        let _ = psbt::finalize(&mut p);
        round_trips(&p);
        let _ = psbt::extract(&p);
    }
}

/// Opening wallet files and Ethereum V3 files: arbitrary bytes never panic.
/// (KDF work is capped here so the fuzzer explores parsing, not argon2.)
/// The same bytes are also sealed as the *decrypted payload* of a valid
/// wallet file (so the payload parser behind the AEAD is reached), and
/// written as a wallet's change-index usage record (`NAME.usage`).
pub fn keystore_open(data: &[u8]) {
    if let Ok(f) = WalletFile::parse(data) {
        let _ = f.public();
        let k = f.kdf();
        if k.m_cost_kib <= 64 && k.t_cost <= 1 {
            let _ = f.unlock(b"fuzz", true);
        }
    }
    let s = String::from_utf8_lossy(data);
    let json = serde_json::from_str::<serde_json::Value>(&s).ok();
    if let Some(v) = &json {
        let p = &v["crypto"]["kdfparams"];
        let cheap =
            p["n"].as_u64().is_none_or(|n| n <= 1024) && p["c"].as_u64().is_none_or(|c| c <= 1000);
        if cheap {
            let _ = v3::decrypt(&s, b"fuzz");
        }
    }
    // Bytes that are not JSON fail the payload and usage parsers at the
    // same serde_json call that just refused them: only JSON goes further.
    let Some(v) = json else { return };
    // As a payload: sealed under the template of the kind it names.
    let kind = v
        .get("type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("private-key");
    let t = payload_templates()
        .iter()
        .find(|t| t.kind == kind)
        .unwrap_or(&payload_templates()[2]);
    if let Ok(secret) = t.file_with_payload(data).unlock_with_key(&t.keys) {
        assert_eq!(secret.kind().code(), t.kind);
    }
    usage_record(data);
}

/// A wallet file sealed once with cheap KDF parameters, and its key: any
/// payload is resealed into it by the core's own `WalletFile::resealed`.
struct PayloadTemplate {
    kind: &'static str,
    file: WalletFile,
    keys: Keys,
}

const FUZZ_KDF: KdfParams = KdfParams {
    m_cost_kib: 8,
    t_cost: 1,
    p_cost: 1,
};

impl PayloadTemplate {
    fn new(secret: &WalletSecret) -> Self {
        let (file, keys) =
            WalletFile::seal("fuzz", "2026-01-01T00:00:00Z", secret, b"fuzz", FUZZ_KDF)
                .expect("seal");
        Self {
            kind: secret.kind().code(),
            file,
            keys,
        }
    }

    /// The template's file with `payload` as its sealed plaintext.
    fn file_with_payload(&self, payload: &[u8]) -> WalletFile {
        self.file.resealed(&self.keys, payload).expect("reseal")
    }
}

static TEMPLATES: OnceLock<[PayloadTemplate; 3]> = OnceLock::new();

/// One template per wallet kind (mnemonic, xprv, private key), each
/// checked once: its own payload, resealed by this harness, unlocks.
fn payload_templates() -> &'static [PayloadTemplate; 3] {
    TEMPLATES.get_or_init(|| {
        let m = Mnemonic::parse(
            "legal winner thank year wave sausage worth useful legal winner thank yellow",
        )
        .expect("phrase");
        let xprv = wallet_core::hd::ExtendedPrivateKey::from_seed(&m.to_seed("")).expect("xprv");
        let key = PrivateKey::from_hex(&"42".repeat(32)).expect("key");
        let templates = [
            (
                PayloadTemplate::new(
                    &WalletSecret::from_mnemonic(m.clone(), "".into()).expect("mnemonic"),
                ),
                format!(
                    r#"{{"type":"mnemonic","mnemonic":"{}","language":"english","passphrase":""}}"#,
                    m.phrase().expose()
                ),
            ),
            (
                PayloadTemplate::new(&WalletSecret::from_xprv(xprv.clone()).expect("xprv")),
                format!(
                    r#"{{"type":"xprv","xprv":"{}"}}"#,
                    xprv.to_base58().expose()
                ),
            ),
            (
                PayloadTemplate::new(&WalletSecret::Single(SingleKey {
                    key,
                    compressed: true,
                    wif_version: None,
                    source: KeySource::Hex,
                })),
                format!(
                    r#"{{"type":"private-key","key":"{}","compressed":true}}"#,
                    "42".repeat(32)
                ),
            ),
        ];
        templates.map(|(t, payload)| {
            let s = t
                .file_with_payload(payload.as_bytes())
                .unlock_with_key(&t.keys)
                .expect("the harness reseals correctly");
            assert_eq!(s.kind().code(), t.kind);
            t
        })
    })
}

static USAGE: OnceLock<(Keystore, std::path::PathBuf, String)> = OnceLock::new();

/// Arbitrary bytes as a wallet's `.usage` record: a change index or a
/// typed error, never a panic. (One file per process in a shared
/// directory, in memory (/dev/shm) where there is one; removed after each
/// input.)
fn usage_record(data: &[u8]) {
    let (ks, path, name) = USAGE.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join("wallet-fuzz-usage");
        let ks = Keystore::open(&dir).expect("usage directory");
        let name = format!("w{}", std::process::id());
        (ks, dir.join(format!("{name}.usage")), name)
    });
    std::fs::write(path, data).expect("write the usage record");
    match ks.next_change_index(name, "btc/mainnet/m/84'/0'/0'") {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), wallet_core::ErrorKind::Tampered, "{e}"),
    }
    let _ = std::fs::remove_file(path);
}
