//! The native wallet file (format version 1): argon2id + AES-256-GCM, public
//! metadata bound to the ciphertext as associated data. `docs/keystore.md`
//! specifies it byte for byte.

use super::secret::{PublicInfo, WalletKind, WalletSecret};
use crate::error::{Error, Result};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand_core::{OsRng, RngCore};
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

/// The `format` field of every wallet file.
pub const FORMAT_NAME: &str = "wallet-keystore";
/// The only format version this build writes and reads.
pub const FORMAT_VERSION: u64 = 1;
/// Prefix of the associated data.
const AAD_PREFIX: &[u8] = b"wallet-keystore/1\n";
/// Prefix of the integrity hash input.
const INTEGRITY_PREFIX: &[u8] = b"wallet-keystore/1 integrity\n";
/// Label of the password check.
const CHECK_LABEL: &[u8] = b"wallet-keystore/1 password check";

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes over memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes.
    pub const DEFAULT: KdfParams = KdfParams {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 4,
    };

    /// Below this a file is refused unless weak parameters are allowed
    /// (OWASP's minimum for argon2id: 19 MiB, 2 passes).
    pub const FLOOR: KdfParams = KdfParams {
        m_cost_kib: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };

    /// Above these a file is refused outright (a hostile file must not make us
    /// allocate gigabytes or spin for minutes).
    pub const CEILING: KdfParams = KdfParams {
        m_cost_kib: 4 * 1024 * 1024,
        t_cost: 64,
        p_cost: 64,
    };

    /// True when the parameters are at or above [`KdfParams::FLOOR`].
    #[must_use]
    pub fn is_safe(&self) -> bool {
        self.m_cost_kib >= Self::FLOOR.m_cost_kib && self.t_cost >= Self::FLOOR.t_cost
    }

    /// Checks the parameters are sane, and above the floor unless `allow_weak`.
    pub fn check(&self, allow_weak: bool) -> Result<()> {
        let c = Self::CEILING;
        if self.p_cost == 0
            || self.t_cost == 0
            || self.m_cost_kib < 8 * self.p_cost
            || self.m_cost_kib > c.m_cost_kib
            || self.t_cost > c.t_cost
            || self.p_cost > c.p_cost
        {
            return Err(Error::input(format!(
                "argon2id parameters out of range: m = {} KiB, t = {}, p = {} (need 1 ≤ t ≤ 64, 1 ≤ p ≤ 64, 8·p ≤ m ≤ 4 GiB)",
                self.m_cost_kib, self.t_cost, self.p_cost
            )));
        }
        if !allow_weak && !self.is_safe() {
            return Err(Error::WeakKdf(format!(
                "argon2id parameters m = {} KiB, t = {} are below the safe floor (m ≥ {} KiB, t ≥ {})",
                self.m_cost_kib,
                self.t_cost,
                Self::FLOOR.m_cost_kib,
                Self::FLOOR.t_cost
            )));
        }
        Ok(())
    }

    /// Derives 64 bytes: the AES-256 key, then the password-check key.
    ///
    /// The lanes of each slice are computed in parallel on rayon's global
    /// pool (argon2's `parallel` feature; RFC 9106 section 3.4 lets lanes of
    /// one slice run at once), which gives the same bytes as one thread:
    /// `wallet-core/tests/kdf_vectors.rs` checks RFC 9106's vector and files
    /// written before.
    pub(crate) fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Keys> {
        let params = argon2::Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(64))
            .map_err(|e| Error::input(format!("argon2id parameters: {e}")))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 64]);
        argon
            .hash_password_into(password, salt, &mut out[..])
            .map_err(|e| Error::Internal(format!("argon2id: {e}")))?;
        Ok(Keys(out))
    }
}

/// The 64 bytes argon2id derives from the password.
pub struct Keys(Zeroizing<[u8; 64]>);

impl Keys {
    fn aes(&self) -> &[u8] {
        &self.0[..32]
    }

    /// The password check stored in the file: SHA-256 of a label and the
    /// second half of the derived bytes, first 16 bytes, hex. It tells a
    /// wrong password from a modified file without weakening anything (the
    /// ciphertext already lets anyone test a password guess).
    fn check(&self) -> String {
        let mut input = Zeroizing::new(Vec::with_capacity(96));
        input.extend_from_slice(CHECK_LABEL);
        input.extend_from_slice(&self.0[32..]);
        hex::encode(&crate::hash::sha256(&input)[..16])
    }
}

/// A parsed (not yet decrypted) wallet file.
#[derive(Debug, Clone)]
pub struct WalletFile {
    doc: Map<String, Value>,
    name: String,
    kind: WalletKind,
    created: String,
    public: PublicInfo,
    kdf: KdfParams,
    salt: Vec<u8>,
    nonce: [u8; 12],
    check: String,
    ciphertext: Vec<u8>,
}

impl WalletFile {
    /// Encrypts `secret` under `password` into a new file document.
    /// Returns the file and the AES key, so the caller can verify what was
    /// written without running the KDF again.
    pub fn seal(
        name: &str,
        created: &str,
        secret: &WalletSecret,
        password: &[u8],
        kdf: KdfParams,
    ) -> Result<(Self, Keys)> {
        kdf.check(true)?;
        let public = secret.public_info()?;
        let mut salt = vec![0u8; 32];
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut salt);
        OsRng.fill_bytes(&mut nonce);
        let key = kdf.derive(password, &salt)?;
        let public_value = public.to_json()?;
        let mut doc = Map::new();
        doc.insert("format".into(), json!(FORMAT_NAME));
        doc.insert("version".into(), json!(FORMAT_VERSION));
        doc.insert("name".into(), json!(name));
        doc.insert("kind".into(), json!(secret.kind().code()));
        doc.insert("created".into(), json!(created));
        doc.insert("public".into(), public_value);
        doc.insert(
            "crypto".into(),
            json!({
                "cipher": "aes-256-gcm",
                "kdf": "argon2id",
                "kdfparams": {
                    "m_cost_kib": kdf.m_cost_kib,
                    "t_cost": kdf.t_cost,
                    "p_cost": kdf.p_cost,
                    "version": 19,
                    "salt": hex::encode(&salt),
                },
                "check": key.check(),
            }),
        );
        let ciphertext = encrypt_into(&mut doc, &key, nonce, &secret.to_plaintext()?)?;
        let file = Self {
            doc,
            name: name.to_owned(),
            kind: secret.kind(),
            created: created.to_owned(),
            public,
            kdf,
            salt,
            nonce,
            check: key.check(),
            ciphertext,
        };
        Ok((file, key))
    }

    /// Parses a file's bytes, checking its structure (not its authenticity:
    /// that needs the password, see [`WalletFile::unlock`]).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let doc = checked_document(bytes)?;
        let name = text_field(&doc, "name")?;
        let kind: WalletKind =
            serde_json::from_value(doc.get("kind").cloned().unwrap_or(Value::Null))
                .map_err(|_| corrupt("unknown 'kind'"))?;
        let created = text_field(&doc, "created")?;
        let public = PublicInfo::from_json(doc.get("public").cloned().unwrap_or(Value::Null))?;
        let crypto = CryptoFields::read(&doc)?;
        Ok(Self {
            doc,
            name,
            kind,
            created,
            public,
            kdf: crypto.kdf,
            salt: crypto.salt,
            nonce: crypto.nonce,
            check: crypto.check,
            ciphertext: crypto.ciphertext,
        })
    }

    /// Derives the key from `password` and decrypts; checks the KDF floor
    /// first unless `allow_weak`.
    pub fn unlock(&self, password: &[u8], allow_weak: bool) -> Result<WalletSecret> {
        self.kdf.check(allow_weak)?;
        let key = self.kdf.derive(password, &self.salt)?;
        self.unlock_with_key(&key)
    }

    /// This file with `plaintext` as its payload, encrypted under `key`
    /// (this file's own, from [`WalletFile::seal`]) with a fresh nonce, and
    /// its integrity hash recomputed. For tests and fuzzing: it puts any
    /// bytes where the payload goes, which [`WalletFile::unlock_with_key`]
    /// then has to parse.
    #[doc(hidden)]
    pub fn resealed(&self, key: &Keys, plaintext: &[u8]) -> Result<Self> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let mut doc = self.doc.clone();
        let ciphertext = encrypt_into(&mut doc, key, nonce, plaintext)?;
        Ok(Self {
            doc,
            nonce,
            ciphertext,
            ..self.clone()
        })
    }

    /// Decrypts with already derived keys. A wrong password and a modified
    /// file are told apart by the password check.
    pub fn unlock_with_key(&self, key: &Keys) -> Result<WalletSecret> {
        let aad = associated_data(&self.doc)?;
        let cipher = Aes256Gcm::new_from_slice(key.aes())
            .map_err(|_| Error::Internal("AES key length".into()))?;
        let check_ok = key.check() == self.check;
        let decrypted = cipher.decrypt(
            &Nonce::from(self.nonce),
            Payload {
                msg: &self.ciphertext,
                aad: &aad,
            },
        );
        let plain = match (decrypted, check_ok) {
            (Ok(p), true) => Zeroizing::new(p),
            (Ok(mut p), false) => {
                zeroize::Zeroize::zeroize(&mut p);
                return Err(Error::Tampered(format!(
                    "wallet '{}': the file was modified (its password check field)",
                    self.name
                )));
            }
            (Err(_), true) => {
                return Err(Error::Tampered(format!(
                    "wallet '{}': the file was modified (authentication of its contents failed)",
                    self.name
                )))
            }
            (Err(_), false) => return Err(Error::WrongPassword(format!("wallet '{}'", self.name))),
        };
        let secret = WalletSecret::from_plaintext(&plain)?;
        if secret.kind() != self.kind {
            return Err(Error::Tampered(
                "the file's kind does not match its payload".into(),
            ));
        }
        Ok(secret)
    }

    /// The file's bytes: canonical JSON (keys sorted, no whitespace, no
    /// trailing newline), so every byte is significant.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(4096);
        canonical_json(&Value::Object(self.doc.clone()), &mut out);
        Ok(out)
    }

    /// The wallet name recorded in the file.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The wallet kind.
    #[must_use]
    pub fn kind(&self) -> WalletKind {
        self.kind
    }

    /// Creation time (RFC 3339, UTC).
    #[must_use]
    pub fn created(&self) -> &str {
        &self.created
    }

    /// The public metadata (not authenticated until the file is unlocked).
    #[must_use]
    pub fn public(&self) -> &PublicInfo {
        &self.public
    }

    /// The KDF parameters.
    #[must_use]
    pub fn kdf(&self) -> KdfParams {
        self.kdf
    }
}

/// A corrupt-file error saying what is wrong.
fn corrupt(m: &str) -> Error {
    Error::Tampered(format!("the wallet file is corrupt: {m}"))
}

/// The document of a wallet file whose format, version and integrity hash
/// are right.
fn checked_document(bytes: &[u8]) -> Result<Map<String, Value>> {
    let text = std::str::from_utf8(bytes).map_err(|_| corrupt("not UTF-8"))?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| corrupt(&format!("not JSON ({e})")))?;
    let Value::Object(doc) = value else {
        return Err(corrupt("not a JSON object"));
    };
    if doc.get("format").and_then(Value::as_str) != Some(FORMAT_NAME) {
        return Err(corrupt("no 'format': \"wallet-keystore\" field"));
    }
    match doc.get("version").and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(Error::UnsupportedFileVersion {
                what: "the wallet file".into(),
                version: v.to_string(),
            })
        }
        None => return Err(corrupt("no integer 'version'")),
    }
    let stated = doc.get("integrity").and_then(Value::as_str).unwrap_or("");
    let mut rest = doc.clone();
    rest.remove("integrity");
    if stated != integrity_hash(&rest) {
        return Err(Error::Tampered(
            "the wallet file is corrupt or was modified (its integrity hash does not match)".into(),
        ));
    }
    Ok(doc)
}

/// A text field of `m`.
fn text_field(m: &Map<String, Value>, k: &str) -> Result<String> {
    m.get(k)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| corrupt(&format!("missing '{k}'")))
}

/// The `crypto` section, read and checked.
struct CryptoFields {
    kdf: KdfParams,
    salt: Vec<u8>,
    nonce: [u8; 12],
    check: String,
    ciphertext: Vec<u8>,
}

impl CryptoFields {
    fn read(doc: &Map<String, Value>) -> Result<Self> {
        let crypto = doc
            .get("crypto")
            .and_then(Value::as_object)
            .ok_or_else(|| corrupt("missing 'crypto'"))?;
        if text_field(crypto, "cipher")? != "aes-256-gcm"
            || text_field(crypto, "kdf")? != "argon2id"
        {
            return Err(corrupt("unknown cipher or KDF"));
        }
        let (kdf, salt) = read_kdf(crypto)?;
        let nonce_v = strict_hex(&text_field(crypto, "nonce")?)
            .ok_or_else(|| corrupt("nonce is not lowercase hex"))?;
        let nonce: [u8; 12] = nonce_v
            .as_slice()
            .try_into()
            .map_err(|_| corrupt("nonce is not 12 bytes"))?;
        let check = text_field(crypto, "check")?;
        if check.len() != 32 || strict_hex(&check).is_none() {
            return Err(corrupt("check is not 16 bytes of lowercase hex"));
        }
        let ciphertext = strict_hex(&text_field(crypto, "ciphertext")?)
            .ok_or_else(|| corrupt("ciphertext is not lowercase hex"))?;
        if ciphertext.len() < 16 {
            return Err(corrupt("ciphertext shorter than its tag"));
        }
        Ok(Self {
            kdf,
            salt,
            nonce,
            check,
            ciphertext,
        })
    }
}

/// The argon2id parameters and salt of the `crypto` section.
fn read_kdf(crypto: &Map<String, Value>) -> Result<(KdfParams, Vec<u8>)> {
    let kp = crypto
        .get("kdfparams")
        .and_then(Value::as_object)
        .ok_or_else(|| corrupt("missing 'kdfparams'"))?;
    let int = |k: &str| -> Result<u32> {
        kp.get(k)
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| corrupt(&format!("kdfparams.{k} is not an integer")))
    };
    let kdf = KdfParams {
        m_cost_kib: int("m_cost_kib")?,
        t_cost: int("t_cost")?,
        p_cost: int("p_cost")?,
    };
    if int("version")? != 19 {
        return Err(corrupt("argon2 version must be 19 (0x13)"));
    }
    let salt =
        strict_hex(&text_field(kp, "salt")?).ok_or_else(|| corrupt("salt is not lowercase hex"))?;
    if salt.len() < 16 {
        return Err(corrupt("salt shorter than 16 bytes"));
    }
    Ok((kdf, salt))
}

/// Encrypts `plaintext` into `doc` under `key` and `nonce`: sets
/// `crypto.nonce` and `crypto.ciphertext` (the associated data covers the
/// nonce and every other header field) and the integrity hash. Returns the
/// ciphertext.
fn encrypt_into(
    doc: &mut Map<String, Value>,
    key: &Keys,
    nonce: [u8; 12],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    doc.remove("integrity");
    if let Some(Value::Object(c)) = doc.get_mut("crypto") {
        c.insert("nonce".into(), json!(hex::encode(nonce)));
    }
    let aad = associated_data(doc)?;
    let cipher = Aes256Gcm::new_from_slice(key.aes())
        .map_err(|_| Error::Internal("AES key length".into()))?;
    let ciphertext = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| Error::Internal("AES-GCM encryption failed".into()))?;
    if let Some(Value::Object(c)) = doc.get_mut("crypto") {
        c.insert("ciphertext".into(), json!(hex::encode(&ciphertext)));
    }
    let integrity = integrity_hash(doc);
    doc.insert("integrity".into(), json!(integrity));
    Ok(ciphertext)
}

/// `AAD_PREFIX` followed by the document without `integrity`,
/// `crypto.ciphertext` and `crypto.check`, in canonical JSON.
fn associated_data(doc: &Map<String, Value>) -> Result<Vec<u8>> {
    let mut copy = doc.clone();
    copy.remove("integrity");
    if let Some(Value::Object(c)) = copy.get_mut("crypto") {
        c.remove("ciphertext");
        c.remove("check");
    }
    let mut out = AAD_PREFIX.to_vec();
    canonical_json(&Value::Object(copy), &mut out);
    Ok(out)
}

/// SHA-256 of `INTEGRITY_PREFIX` and the canonical document (which must not
/// hold `integrity` itself), hex. Catches corruption before any KDF work and
/// lets a damaged file be reported as such rather than as a wrong password.
fn integrity_hash(doc: &Map<String, Value>) -> String {
    let mut buf = INTEGRITY_PREFIX.to_vec();
    canonical_json(&Value::Object(doc.clone()), &mut buf);
    hex::encode(crate::hash::sha256(&buf))
}

/// Canonical JSON: object keys sorted by code point, no whitespace,
/// strings and numbers as serde_json writes them (RFC 8785 for the values
/// this format uses: strings, integers, booleans, null, arrays, objects).
pub(crate) fn canonical_json(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(&Value::String(k.clone()), out);
                out.push(b':');
                if let Some(x) = m.get(k) {
                    canonical_json(x, out);
                }
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(x, out);
            }
            out.push(b']');
        }
        scalar => {
            // Writing a scalar into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, scalar);
        }
    }
}

/// Lowercase hex only: uppercase variants would decode to the same bytes and
/// let a modified file pass as unmodified.
fn strict_hex(s: &str) -> Option<Vec<u8>> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    hex::decode(s).ok()
}

/// The current time as RFC 3339 UTC, second precision.
#[must_use]
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnemonic::Mnemonic;
    use crate::secret::SecretString;

    const FAST: KdfParams = KdfParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn secret() -> WalletSecret {
        WalletSecret::from_mnemonic(
            Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about").unwrap(),
            SecretString::from(""),
        )
        .unwrap()
    }

    #[test]
    fn seal_parse_unlock() {
        let (f, key) =
            WalletFile::seal("a", "2026-01-01T00:00:00Z", &secret(), b"pw", FAST).unwrap();
        let bytes = f.to_bytes().unwrap();
        let g = WalletFile::parse(&bytes).unwrap();
        assert_eq!(
            g.unlock_with_key(&key).unwrap().kind(),
            WalletKind::Mnemonic
        );
        assert!(
            g.unlock(b"pw", false).is_err(),
            "weak params refused by default"
        );
        assert!(g.unlock(b"pw", true).is_ok());
        assert_eq!(
            g.unlock(b"px", true).unwrap_err().kind(),
            crate::ErrorKind::WrongPassword
        );
        assert_eq!(
            g.public().fingerprint.map(|f| f.to_string()).as_deref(),
            Some("73c5da0a")
        );
        assert_eq!(g.public().accounts.len(), 13);
    }

    #[test]
    fn every_byte_flip_is_detected_as_tampering() {
        let (f, key) =
            WalletFile::seal("a", "2026-01-01T00:00:00Z", &secret(), b"pw", FAST).unwrap();
        let bytes = f.to_bytes().unwrap();
        for i in 0..bytes.len() {
            for x in [0x01u8, 0x20, 0x80] {
                let mut b = bytes.clone();
                b[i] ^= x;
                let err = WalletFile::parse(&b)
                    .and_then(|g| g.unlock_with_key(&key))
                    .expect_err("a flipped byte went unnoticed");
                assert!(
                    matches!(
                        err.kind(),
                        crate::ErrorKind::Tampered | crate::ErrorKind::UnknownVersion
                    ),
                    "flip {x:#x} at byte {i}: {err}"
                );
            }
        }
    }

    #[test]
    fn modified_but_rehashed_header_is_caught_by_the_aead() {
        // An attacker who recomputes the integrity hash still cannot change
        // the authenticated metadata.
        let (f, key) =
            WalletFile::seal("a", "2026-01-01T00:00:00Z", &secret(), b"pw", FAST).unwrap();
        let mut doc: Map<String, Value> = serde_json::from_slice(&f.to_bytes().unwrap()).unwrap();
        doc.insert("created".into(), json!("2030-01-01T00:00:00Z"));
        doc.remove("integrity");
        let h = integrity_hash(&doc);
        doc.insert("integrity".into(), json!(h));
        let mut bytes = Vec::new();
        canonical_json(&Value::Object(doc), &mut bytes);
        let g = WalletFile::parse(&bytes).unwrap();
        assert_eq!(
            g.unlock_with_key(&key).unwrap_err().kind(),
            crate::ErrorKind::Tampered
        );
    }

    /// Every field of the file but the ciphertext, `check` and `integrity`
    /// is associated data: changing any one of them (and recomputing the
    /// unkeyed integrity hash, as an attacker can) fails the AEAD.
    #[test]
    fn every_header_field_is_bound_to_the_ciphertext() {
        fn leaves(v: &Value, at: &str, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m {
                        leaves(x, &format!("{at}/{k}"), out);
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        leaves(x, &format!("{at}/{i}"), out);
                    }
                }
                _ => out.push(at.to_owned()),
            }
        }
        fn changed(v: &Value) -> Value {
            match v {
                Value::String(s) => {
                    let mut c: Vec<char> = s.chars().collect();
                    match c.last_mut() {
                        // Stay in the same alphabet (hex, base64, base58, digits).
                        Some(ch) => *ch = if *ch == '1' { '2' } else { '1' },
                        None => c.push('1'),
                    }
                    json!(c.into_iter().collect::<String>())
                }
                Value::Number(n) => json!(n.as_u64().map_or(1, |x| x + 1)),
                Value::Bool(b) => json!(!b),
                _ => json!("x"),
            }
        }
        let (f, key) =
            WalletFile::seal("a", "2026-01-01T00:00:00Z", &secret(), b"pw", FAST).unwrap();
        let orig: Value = serde_json::from_slice(&f.to_bytes().unwrap()).unwrap();
        let mut paths = Vec::new();
        leaves(&orig, "", &mut paths);
        let skip = ["/integrity", "/crypto/ciphertext", "/crypto/check"];
        let mut bound = 0;
        for p in paths.iter().filter(|p| !skip.contains(&p.as_str())) {
            let mut doc = orig.clone();
            let leaf = doc.pointer_mut(p).unwrap();
            *leaf = changed(leaf);
            let Value::Object(mut m) = doc else {
                unreachable!()
            };
            m.remove("integrity");
            let h = integrity_hash(&m);
            m.insert("integrity".into(), json!(h));
            let mut bytes = Vec::new();
            canonical_json(&Value::Object(m), &mut bytes);
            // Either the parser refuses the changed value outright, or the
            // AEAD does: never a wallet that opens.
            if let Ok(g) = WalletFile::parse(&bytes) {
                let e = g.unlock_with_key(&key).expect_err(p);
                assert_eq!(e.kind(), crate::ErrorKind::Tampered, "{p}: {e}");
                assert!(g.unlock(b"pw", true).is_err(), "{p}");
                bound += 1;
            }
        }
        assert!(bound >= 5, "only {bound} fields reached the AEAD");
    }

    #[test]
    fn rfc3339_shape() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20);
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }
}
