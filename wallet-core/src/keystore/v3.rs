//! Ethereum "Web3 Secret Storage" (keystore V3) files, as geth, MetaMask,
//! ethers, eth-account and cast write them: scrypt or PBKDF2-HMAC-SHA256,
//! AES-128-CTR, MAC = keccak256(DK[16..32] || ciphertext).

use crate::error::{Error, Result};
use crate::ethereum::Address;
use crate::hash::keccak256;
use crate::key::PrivateKey;
use crate::secret::SecretBytes;
use aes::cipher::{KeyIvInit, StreamCipher};
use rand_core::{OsRng, RngCore};
use serde_json::{json, Value};
use zeroize::Zeroizing;

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// The scrypt work (N·r·p) of geth's standard setting, N = 2^18, r = 8,
/// p = 1, which is also eth-account's N = 2^18, r = 1, p = 8: what real
/// wallets ask for. More is decrypted only after the user agrees.
const STANDARD_SCRYPT_WORK: u64 = 1 << 21;
/// The most scrypt work any file may ask for: twice the standard.
const MAX_SCRYPT_WORK: u64 = 2 * STANDARD_SCRYPT_WORK;
/// The most scrypt memory (128·N·r bytes) a file may ask for: the 256 MiB
/// of geth's standard setting.
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
const MAX_SCRYPT_P: u32 = 64;
/// PBKDF2-HMAC-SHA256 rounds decrypted without asking (geth writes 262,144;
/// OWASP recommends 600,000), and the most any file may ask for.
const USUAL_PBKDF2_ROUNDS: u32 = 600_000;
const MAX_PBKDF2_ROUNDS: u32 = 2_000_000;

/// The key-derivation function a V3 file names, checked against the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V3Kdf {
    /// scrypt with N = 2^`log_n`.
    Scrypt {
        /// log2(N).
        log_n: u8,
        /// Block size.
        r: u32,
        /// Parallelism.
        p: u32,
    },
    /// PBKDF2-HMAC-SHA256 with `c` rounds.
    Pbkdf2 {
        /// Rounds.
        c: u32,
    },
}

/// What decrypting a V3 file will cost, known from its `kdfparams` before
/// any work is done: a hostile file may ask for as much as it likes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfCost {
    /// The function and its parameters.
    pub kdf: V3Kdf,
    /// Bytes of memory it needs (scrypt's 128·N·r; PBKDF2 needs none).
    pub memory_bytes: u64,
    /// True when it asks for more than real wallets write (but not more
    /// than this crate accepts at all): confirm with the user first.
    pub above_usual: bool,
}

impl KdfCost {
    fn of(kdf: V3Kdf) -> Self {
        match kdf {
            V3Kdf::Scrypt { log_n, r, p } => {
                let n = 1u64 << log_n;
                let work = n * u64::from(r) * u64::from(p);
                Self {
                    kdf,
                    memory_bytes: 128 * n * u64::from(r),
                    above_usual: work > STANDARD_SCRYPT_WORK,
                }
            }
            V3Kdf::Pbkdf2 { c } => Self {
                kdf,
                memory_bytes: 0,
                above_usual: c > USUAL_PBKDF2_ROUNDS,
            },
        }
    }
}

impl core::fmt::Display for KdfCost {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.kdf {
            V3Kdf::Scrypt { log_n, r, p } => {
                let work = (1u64 << log_n) * u64::from(r) * u64::from(p);
                write!(
                    f,
                    "scrypt N=2^{log_n}, r={r}, p={p}: about {} MiB of memory and {:.1}× the work of geth's standard setting",
                    self.memory_bytes.div_ceil(1 << 20),
                    work as f64 / STANDARD_SCRYPT_WORK as f64
                )
            }
            V3Kdf::Pbkdf2 { c } => write!(
                f,
                "PBKDF2-HMAC-SHA256 with {c} rounds ({:.1}× the 262,144 geth writes)",
                f64::from(c) / 262_144.0
            ),
        }
    }
}

/// The KDF cost of a V3 file, without decrypting it. Malformed files and
/// files asking for more than this crate ever spends are errors, as in
/// [`decrypt`].
pub fn kdf_cost(json_text: &str) -> Result<KdfCost> {
    let doc = parse_doc(json_text)?;
    let crypto = crypto_section(&doc)?;
    Ok(KdfCost::of(kdf_params(crypto)?))
}

fn parse_doc(json_text: &str) -> Result<Value> {
    let doc: Value = serde_json::from_str(json_text)
        .map_err(|e| Error::input(format!("the Ethereum keystore is not valid JSON: {e}")))?;
    match doc.get("version") {
        None => {}
        Some(v) if v.as_u64() == Some(3) || v.as_str() == Some("3") => {}
        Some(v) => {
            return Err(Error::UnsupportedFileVersion {
                what: "the Ethereum keystore".into(),
                version: v.to_string(),
            })
        }
    }
    Ok(doc)
}

fn crypto_section(doc: &Value) -> Result<&Value> {
    doc.get("crypto")
        .or_else(|| doc.get("Crypto"))
        .ok_or_else(|| bad("no 'crypto' section"))
}

/// The KDF of `crypto`, refused when it is malformed or costs more than
/// [`MAX_SCRYPT_MEMORY`] / [`MAX_SCRYPT_WORK`] / [`MAX_PBKDF2_ROUNDS`].
fn kdf_params(crypto: &Value) -> Result<V3Kdf> {
    let kdf = str_field(crypto, "kdf")?;
    let params = crypto
        .get("kdfparams")
        .ok_or_else(|| bad("no 'kdfparams'"))?;
    match kdf.as_str() {
        "scrypt" => {
            let n = uint_field(params, "n")?;
            let r = uint_field(params, "r")?;
            let p = uint_field(params, "p")?;
            if n < 2 || !n.is_power_of_two() {
                return Err(bad("scrypt n must be a power of two"));
            }
            if r == 0 || p == 0 || p > u64::from(MAX_SCRYPT_P) || r > u64::from(u32::MAX) {
                return Err(bad("scrypt r and p must be positive (p at most 64)"));
            }
            let memory = n.saturating_mul(r).saturating_mul(128);
            let work = n.saturating_mul(r).saturating_mul(p);
            if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
                return Err(Error::Unsupported(format!(
                    "the keystore's scrypt parameters (n={n}, r={r}, p={p}) need about {} MiB of memory and {:.1}× the work of geth's standard setting (N=2^18, r=8, p=1: 256 MiB); wallets write at most that, so a file asking for more is refused before any of it is spent",
                    memory.div_ceil(1 << 20),
                    work as f64 / STANDARD_SCRYPT_WORK as f64
                )));
            }
            Ok(V3Kdf::Scrypt {
                log_n: n.trailing_zeros() as u8,
                r: r as u32,
                p: p as u32,
            })
        }
        "pbkdf2" => {
            let prf = str_field(params, "prf")?;
            if prf != "hmac-sha256" {
                return Err(Error::Unsupported(format!(
                    "PBKDF2 with '{prf}' (V3 defines hmac-sha256)"
                )));
            }
            let c = uint_field(params, "c")?;
            if c == 0 {
                return Err(bad("pbkdf2 c must be at least 1"));
            }
            if c > u64::from(MAX_PBKDF2_ROUNDS) {
                return Err(Error::Unsupported(format!(
                    "the keystore asks for {c} PBKDF2 rounds; wallets write 262,144 (at most 2,000,000 are accepted), so it is refused before any of them is spent"
                )));
            }
            Ok(V3Kdf::Pbkdf2 { c: c as u32 })
        }
        other => Err(Error::Unsupported(format!(
            "Ethereum keystore KDF '{other}' (expected scrypt or pbkdf2)"
        ))),
    }
}

/// Scrypt parameters for exported files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScryptParams {
    /// log2(N).
    pub log_n: u8,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
}

impl ScryptParams {
    /// geth's "standard" parameters, which cast, ethers and MetaMask read: N = 2^18, r = 8, p = 1.
    pub const STANDARD: ScryptParams = ScryptParams {
        log_n: 18,
        r: 8,
        p: 1,
    };
}

/// Decrypts a V3 keystore JSON document with `password`.
pub fn decrypt(json_text: &str, password: &[u8]) -> Result<PrivateKey> {
    let doc = parse_doc(json_text)?;
    let crypto = crypto_section(&doc)?;
    let cipher = str_field(crypto, "cipher")?;
    if cipher != "aes-128-ctr" {
        return Err(Error::Unsupported(format!(
            "Ethereum keystore cipher '{cipher}' (only aes-128-ctr exists in V3)"
        )));
    }
    let iv = hex_field(crypto.get("cipherparams").unwrap_or(&Value::Null), "iv")?;
    if iv.len() != 16 {
        return Err(bad("cipherparams.iv must be 16 bytes"));
    }
    let ciphertext = hex_field(crypto, "ciphertext")?;
    if ciphertext.len() != 32 {
        return Err(bad("ciphertext must be 32 bytes (one secp256k1 key)"));
    }
    let mac = hex_field(crypto, "mac")?;
    let kdf = kdf_params(crypto)?;
    let params = crypto
        .get("kdfparams")
        .ok_or_else(|| bad("no 'kdfparams'"))?;
    let dklen = uint_field(params, "dklen")?;
    if !(32..=64).contains(&dklen) {
        return Err(bad("kdfparams.dklen must be between 32 and 64"));
    }
    let salt = hex_field(params, "salt")?;
    let mut dk = Zeroizing::new(vec![0u8; dklen as usize]);
    match kdf {
        V3Kdf::Scrypt { log_n, r, p } => scrypt_any(password, &salt, log_n, r, p, &mut dk)?,
        V3Kdf::Pbkdf2 { c } => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt, c, &mut dk),
    }
    let mut mac_input = Zeroizing::new(Vec::with_capacity(16 + ciphertext.len()));
    mac_input.extend_from_slice(&dk[16..32]);
    mac_input.extend_from_slice(&ciphertext);
    let computed = keccak256(&mac_input);
    if !constant_time_eq(&computed, &mac) {
        return Err(Error::WrongPassword(
            "the Ethereum keystore (or the file is corrupt: its MAC does not match)".into(),
        ));
    }
    let mut plain = Zeroizing::new([0u8; 32]);
    plain.copy_from_slice(&ciphertext);
    let mut cipher = Aes128Ctr::new(dk[..16].into(), iv.as_slice().into());
    cipher.apply_keystream(&mut plain[..]);
    let key = PrivateKey::from_bytes(&plain)?;
    // The MAC covers the ciphertext but not the IV, so a changed IV decrypts
    // to a different valid key; the stated address is what catches that.
    match doc.get("address") {
        None | Some(Value::Null) => {}
        Some(v) => {
            let stated = v
                .as_str()
                .map(|a| a.trim_start_matches("0x").to_ascii_lowercase())
                .and_then(|a| format!("0x{a}").parse::<Address>().ok())
                .ok_or_else(|| {
                    Error::Tampered(
                        "the Ethereum keystore's 'address' field is not an address".into(),
                    )
                })?;
            if stated != Address::from_public_key(&key.public_key()) {
                return Err(Error::Tampered(
                    "the Ethereum keystore decrypts, but to a key whose address differs from its 'address' field".into(),
                ));
            }
        }
    }
    Ok(key)
}

/// Encrypts `key` as a V3 keystore with scrypt `params` (use [`ScryptParams::STANDARD`]).
pub fn encrypt(key: &PrivateKey, password: &[u8], params: ScryptParams) -> Result<String> {
    let mut salt = [0u8; 32];
    let mut iv = [0u8; 16];
    let mut uuid = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut iv);
    OsRng.fill_bytes(&mut uuid);
    uuid[6] = (uuid[6] & 0x0f) | 0x40;
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
    let mut dk = Zeroizing::new([0u8; 32]);
    scrypt_any(
        password,
        &salt,
        params.log_n,
        params.r,
        params.p,
        &mut dk[..],
    )?;
    let secret: SecretBytes<32> = key.to_bytes();
    let mut ct = *secret.expose();
    let mut cipher = Aes128Ctr::new(dk[..16].into(), (&iv).into());
    cipher.apply_keystream(&mut ct);
    // DK[16..32] is key material: the buffer is wiped.
    let mut mac_input = Zeroizing::new(Vec::with_capacity(48));
    mac_input.extend_from_slice(&dk[16..32]);
    mac_input.extend_from_slice(&ct);
    let mac = keccak256(&mac_input);
    let u = hex::encode(uuid);
    let id = format!(
        "{}-{}-{}-{}-{}",
        &u[..8],
        &u[8..12],
        &u[12..16],
        &u[16..20],
        &u[20..]
    );
    let address = Address::from_public_key(&key.public_key());
    let doc = json!({
        "address": hex::encode(address.as_bytes()),
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": { "iv": hex::encode(iv) },
            "ciphertext": hex::encode(ct),
            "kdf": "scrypt",
            "kdfparams": {
                "dklen": 32,
                "n": 1u64 << params.log_n,
                "p": params.p,
                "r": params.r,
                "salt": hex::encode(salt),
            },
            "mac": hex::encode(mac),
        },
        "id": id,
        "version": 3,
    });
    serde_json::to_string(&doc).map_err(|e| Error::Internal(format!("V3 JSON: {e}")))
}

fn bad(msg: &str) -> Error {
    Error::input(format!("malformed Ethereum keystore: {msg}"))
}

fn str_field(v: &Value, name: &str) -> Result<String> {
    v.get(name)
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| bad(&format!("missing or non-string '{name}'")))
}

fn hex_field(v: &Value, name: &str) -> Result<Vec<u8>> {
    let s = v
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(&format!("missing or non-string '{name}'")))?;
    hex::decode(s.trim_start_matches("0x")).map_err(|_| bad(&format!("'{name}' is not hex")))
}

fn uint_field(v: &Value, name: &str) -> Result<u64> {
    match v.get(name) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| bad(&format!("missing or non-integer '{name}'")))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// scrypt for every parameter set files use. The `scrypt` crate enforces
/// RFC 7914's `N < 2^(16·r)`, which eth-account's defaults (N = 2^18, r = 1,
/// p = 8) break; for those we run our own ROMix (same algorithm, no such check).
pub(crate) fn scrypt_any(
    password: &[u8],
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
    out: &mut [u8],
) -> Result<()> {
    if let Ok(params) = scrypt::Params::new(log_n, r, p, out.len()) {
        return scrypt::scrypt(password, salt, &params, out)
            .map_err(|e| Error::Internal(format!("scrypt: {e}")));
    }
    romix::scrypt(password, salt, log_n, r as usize, p as usize, out)
}

/// RFC 7914 scrypt, written out for parameters the `scrypt` crate refuses.
mod romix {
    use crate::error::{Error, Result};
    use zeroize::Zeroizing;

    pub(super) fn scrypt(
        password: &[u8],
        salt: &[u8],
        log_n: u8,
        r: usize,
        p: usize,
        out: &mut [u8],
    ) -> Result<()> {
        if log_n == 0 || log_n >= 32 || r == 0 || p == 0 {
            return Err(Error::input("invalid scrypt parameters"));
        }
        let n = 1usize << log_n;
        let block = 128 * r;
        let mut b = Zeroizing::new(vec![0u8; block * p]);
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, 1, &mut b);
        let mut v = Zeroizing::new(vec![0u32; n * block / 4]);
        let mut x = Zeroizing::new(vec![0u32; block / 4]);
        let mut y = Zeroizing::new(vec![0u32; block / 4]);
        for chunk in b.chunks_mut(block) {
            for (w, c) in x.iter_mut().zip(chunk.chunks_exact(4)) {
                *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            }
            let words = block / 4;
            for i in 0..n {
                v[i * words..(i + 1) * words].copy_from_slice(&x);
                block_mix(&mut x, &mut y, r);
            }
            for _ in 0..n {
                let j = (x[words - 16] as usize) & (n - 1);
                for (xi, vi) in x.iter_mut().zip(&v[j * words..(j + 1) * words]) {
                    *xi ^= vi;
                }
                block_mix(&mut x, &mut y, r);
            }
            for (w, c) in x.iter().zip(chunk.chunks_exact_mut(4)) {
                c.copy_from_slice(&w.to_le_bytes());
            }
        }
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &b, 1, out);
        Ok(())
    }

    /// BlockMix with Salsa20/8; `y` is scratch of the same size as `x`.
    fn block_mix(x: &mut [u32], y: &mut [u32], r: usize) {
        let mut t = [0u32; 16];
        t.copy_from_slice(&x[(2 * r - 1) * 16..2 * r * 16]);
        for i in 0..2 * r {
            for (tj, xj) in t.iter_mut().zip(&x[i * 16..(i + 1) * 16]) {
                *tj ^= xj;
            }
            salsa20_8(&mut t);
            // Even blocks go to the first half, odd blocks to the second.
            let dst = if i % 2 == 0 { i / 2 } else { r + i / 2 };
            y[dst * 16..(dst + 1) * 16].copy_from_slice(&t);
        }
        x.copy_from_slice(y);
    }

    fn salsa20_8(b: &mut [u32; 16]) {
        let mut x = *b;
        for _ in 0..4 {
            macro_rules! qr {
                ($a:expr, $b:expr, $c:expr, $d:expr) => {
                    x[$b] ^= x[$a].wrapping_add(x[$d]).rotate_left(7);
                    x[$c] ^= x[$b].wrapping_add(x[$a]).rotate_left(9);
                    x[$d] ^= x[$c].wrapping_add(x[$b]).rotate_left(13);
                    x[$a] ^= x[$d].wrapping_add(x[$c]).rotate_left(18);
                };
            }
            qr!(0, 4, 8, 12);
            qr!(5, 9, 13, 1);
            qr!(10, 14, 2, 6);
            qr!(15, 3, 7, 11);
            qr!(0, 1, 2, 3);
            qr!(5, 6, 7, 4);
            qr!(10, 11, 8, 9);
            qr!(15, 12, 13, 14);
        }
        for (bi, xi) in b.iter_mut().zip(x.iter()) {
            *bi = bi.wrapping_add(*xi);
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn rfc7914_vectors_and_agreement_with_the_crate() {
            // RFC 7914 section 12, second vector: P="password", S="NaCl", N=1024, r=8, p=16.
            let mut out = [0u8; 64];
            super::scrypt(b"password", b"NaCl", 10, 8, 16, &mut out).unwrap();
            assert_eq!(
                hex::encode(out),
                "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
            );
            // Same result as the crate for parameters it accepts.
            for (log_n, r, p) in [(4u8, 1usize, 1usize), (6, 2, 3), (5, 8, 1)] {
                let mut ours = [0u8; 32];
                super::scrypt(b"pw", b"salt", log_n, r, p, &mut ours).unwrap();
                let mut theirs = [0u8; 32];
                let params = scrypt::Params::new(log_n, r as u32, p as u32, 32).unwrap();
                scrypt::scrypt(b"pw", b"salt", &params, &mut theirs).unwrap();
                assert_eq!(ours, theirs, "{log_n} {r} {p}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_light_params() {
        let key = PrivateKey::from_hex(&"11".repeat(32)).unwrap();
        let light = ScryptParams {
            log_n: 10,
            r: 8,
            p: 1,
        };
        let text = encrypt(&key, b"pw", light).unwrap();
        assert_eq!(decrypt(&text, b"pw").unwrap(), key);
        assert_eq!(
            decrypt(&text, b"nope").unwrap_err().kind(),
            crate::ErrorKind::WrongPassword
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 3);
        assert_eq!(v["crypto"]["kdfparams"]["n"], 1024);
        // A file asking for absurd memory is refused before any work.
        let mut huge = v.clone();
        huge["crypto"]["kdfparams"]["n"] = json!(1u64 << 40);
        assert!(decrypt(&huge.to_string(), b"pw").is_err());
        let light_cost = kdf_cost(&text).unwrap();
        assert!(!light_cost.above_usual);
        assert_eq!(light_cost.memory_bytes, 1 << 20);
        assert!(decrypt("not json", b"pw").is_err());
        assert!(decrypt("{}", b"pw").is_err());
    }

    fn with_scrypt(n: u64, r: u64, p: u64) -> String {
        json!({"version": 3, "crypto": {"cipher": "aes-128-ctr", "kdf": "scrypt",
            "kdfparams": {"n": n, "r": r, "p": p, "dklen": 32, "salt": "00"},
            "cipherparams": {"iv": "00".repeat(16)}, "ciphertext": "00".repeat(32), "mac": "00".repeat(32)}})
        .to_string()
    }

    fn with_pbkdf2(c: u64) -> String {
        json!({"version": 3, "crypto": {"cipher": "aes-128-ctr", "kdf": "pbkdf2",
            "kdfparams": {"c": c, "prf": "hmac-sha256", "dklen": 32, "salt": "00"},
            "cipherparams": {"iv": "00".repeat(16)}, "ciphertext": "00".repeat(32), "mac": "00".repeat(32)}})
        .to_string()
    }

    #[test]
    fn issue22_11_kdf_cost_is_bounded_and_flagged() {
        // What wallets write: accepted without asking.
        for (n, r, p) in [
            (1 << 18, 8, 1),
            (1 << 18, 1, 8),
            (1 << 12, 8, 6),
            (1 << 17, 8, 1),
        ] {
            let c = kdf_cost(&with_scrypt(n, r, p)).unwrap();
            assert!(!c.above_usual, "{c}");
        }
        let standard = kdf_cost(&with_scrypt(1 << 18, 8, 1)).unwrap();
        assert_eq!(standard.memory_bytes, 256 << 20);
        assert!(standard.to_string().contains("about 256 MiB"), "{standard}");
        // More work than that, within twice the standard: ask first.
        let c = kdf_cost(&with_scrypt(1 << 18, 8, 2)).unwrap();
        assert!(c.above_usual);
        assert!(
            c.to_string().contains("256 MiB") && c.to_string().contains("2.0×"),
            "{c}"
        );
        assert!(kdf_cost(&with_pbkdf2(1_000_000)).unwrap().above_usual);
        assert!(!kdf_cost(&with_pbkdf2(262_144)).unwrap().above_usual);
        // The old ceiling (1 GiB, 3 min of CPU) and anything past twice the
        // standard is refused before any work, by decrypt too.
        for text in [
            with_scrypt(1 << 20, 8, 1),
            with_scrypt(1 << 19, 8, 1),
            with_scrypt(1 << 18, 8, 3),
            with_scrypt(1 << 14, 8, 64),
            with_pbkdf2(2_000_001),
        ] {
            let e = kdf_cost(&text).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Unsupported, "{e}");
            assert!(e.to_string().contains("refused before"), "{e}");
            assert_eq!(
                decrypt(&text, b"pw").unwrap_err().kind(),
                crate::ErrorKind::Unsupported
            );
        }
        assert!(kdf_cost(&with_scrypt(1 << 20, 8, 1))
            .unwrap_err()
            .to_string()
            .contains("1024 MiB"));
    }

    #[test]
    fn a_changed_iv_is_caught_by_the_address() {
        // The V3 MAC does not cover the IV: a different IV decrypts to a
        // different (valid) key, which only the stated address reveals.
        let key = PrivateKey::from_hex(&"11".repeat(32)).unwrap();
        let light = ScryptParams {
            log_n: 4,
            r: 1,
            p: 1,
        };
        let mut v: Value = serde_json::from_str(&encrypt(&key, b"pw", light).unwrap()).unwrap();
        v["crypto"]["cipherparams"]["iv"] = json!("00".repeat(16));
        let kind = |v: &Value| decrypt(&v.to_string(), b"pw").unwrap_err().kind();
        assert_eq!(kind(&v), crate::ErrorKind::Tampered);
        v["address"] = json!("not an address");
        assert_eq!(kind(&v), crate::ErrorKind::Tampered);
        v["address"] = json!(42);
        assert_eq!(kind(&v), crate::ErrorKind::Tampered);
        // Without any address the change cannot be seen: a different key.
        v.as_object_mut().unwrap().remove("address");
        assert_ne!(decrypt(&v.to_string(), b"pw").unwrap(), key);
    }
}
