//! Single secp256k1 keys: a [`PrivateKey`] (hex, PEM) and a [`PublicKey`].
//!
//! WIF lives with the Bitcoin code (`bitcoin::wif`) because its version byte
//! names a Bitcoin-family network.

use crate::error::{Error, Result};
use crate::hash;
use crate::secret::{SecretBytes, SecretString};
use core::fmt;
use k256::elliptic_curve::sec1::ToSec1Point;
use k256::elliptic_curve::PrimeField;
use k256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use k256::Scalar;
use zeroize::Zeroizing;

/// A secp256k1 private key. Zeroized on drop; `Debug` is redacted.
#[derive(Clone)]
pub struct PrivateKey(k256::SecretKey);

impl PrivateKey {
    /// From 32 big-endian bytes; must be in `1..n-1`.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        k256::SecretKey::from_slice(bytes)
            .map(Self)
            .map_err(|_| Error::key("private key is not in the range 1..n-1 of secp256k1"))
    }

    /// From a slice that must be exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::key(format!("a private key is 32 bytes, not {}", bytes.len())))?;
        let arr = Zeroizing::new(arr);
        Self::from_bytes(&arr)
    }

    /// From 64 hex digits, with or without `0x`; surrounding whitespace ignored.
    pub fn from_hex(s: &str) -> Result<Self> {
        let t = s.trim();
        let t = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .unwrap_or(t);
        if t.len() != 64 {
            return Err(Error::key(format!(
                "a hex private key is 64 hex digits, not {}",
                t.len()
            )));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(t, &mut bytes[..])
            .map_err(|_| Error::key("the private key is not valid hex"))?;
        Self::from_bytes(&bytes)
    }

    /// From a PEM document: SEC1 (`EC PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`) on secp256k1.
    ///
    /// Only the key's own block is read: other blocks in the same file (the
    /// `EC PARAMETERS` block `openssl ecparam -genkey` writes first, text
    /// around it) are ignored.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let t = pem.trim();
        if let Some(block) = pem_block(t, "EC PRIVATE KEY") {
            if let Some(params) = pem_block(t, "EC PARAMETERS") {
                // The only curve we accept, by its OID (1.3.132.0.10).
                const SECP256K1_PARAMS: &str = "BgUrgQQACg==";
                let b64: String = params
                    .lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect::<String>();
                if b64.trim() != SECP256K1_PARAMS {
                    return Err(Error::key(
                        "the PEM's EC PARAMETERS do not name the curve secp256k1 (another curve, or explicit parameters)",
                    ));
                }
            }
            k256::SecretKey::from_sec1_pem(block)
                .map(Self)
                .map_err(|_| Error::key("not a valid SEC1 secp256k1 private key (EC PRIVATE KEY)"))
        } else if let Some(block) = pem_block(t, "PRIVATE KEY") {
            k256::SecretKey::from_pkcs8_pem(block)
                .map(Self)
                .map_err(|_| {
                    Error::key(
                        "not a valid PKCS#8 secp256k1 private key (wrong curve or malformed)",
                    )
                })
        } else if t.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            Err(Error::Unsupported(
                "encrypted PKCS#8 PEM; decrypt it first (openssl pkcs8 -in FILE)".into(),
            ))
        } else {
            Err(Error::input(
                "not a PEM private key: expected '-----BEGIN EC PRIVATE KEY-----' or '-----BEGIN PRIVATE KEY-----'",
            ))
        }
    }

    /// The 32 big-endian bytes.
    #[must_use]
    pub fn to_bytes(&self) -> SecretBytes<32> {
        let mut b: [u8; 32] = self.0.to_bytes().into();
        let out = SecretBytes::new(b);
        zeroize::Zeroize::zeroize(&mut b);
        out
    }

    /// 64 lowercase hex digits, no prefix.
    #[must_use]
    pub fn to_hex(&self) -> SecretString {
        SecretString::new(hex::encode(self.to_bytes().expose()))
    }

    /// SEC1 PEM (`EC PRIVATE KEY`, with the curve OID and the uncompressed
    /// public key), byte for byte as `openssl ec` writes it.
    pub fn to_sec1_pem(&self) -> Result<SecretString> {
        self.0
            .to_sec1_pem(LineEnding::LF)
            .map(SecretString::from)
            .map_err(|e| Error::Internal(format!("SEC1 encoding failed: {e}")))
    }

    /// PKCS#8 PEM (`PRIVATE KEY`), as `openssl pkey` writes it.
    pub fn to_pkcs8_pem(&self) -> Result<SecretString> {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            .map(SecretString::from)
            .map_err(|e| Error::Internal(format!("PKCS#8 encoding failed: {e}")))
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        let point = crate::generator::mul_generator(&self.0.to_nonzero_scalar()).to_affine();
        // A non-zero scalar below n never gives the point at infinity.
        k256::PublicKey::from_affine(point)
            .map(PublicKey)
            .unwrap_or_else(|_| PublicKey(self.0.public_key()))
    }

    /// The scalar, for signing code inside the crate.
    pub(crate) fn secret_key(&self) -> &k256::SecretKey {
        &self.0
    }

    pub(crate) fn from_secret_key(k: k256::SecretKey) -> Self {
        Self(k)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey([REDACTED])")
    }
}

impl PartialEq for PrivateKey {
    fn eq(&self, other: &Self) -> bool {
        self.to_bytes() == other.to_bytes()
    }
}

impl Eq for PrivateKey {}

/// A secp256k1 public key (a valid curve point).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(k256::PublicKey);

impl PublicKey {
    /// From SEC1 bytes: 33 (compressed) or 65 (uncompressed).
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        match (bytes.len(), bytes.first()) {
            (33, Some(0x02 | 0x03)) | (65, Some(0x04)) => k256::PublicKey::from_sec1_bytes(bytes)
                .map(Self)
                .map_err(|_| Error::key("public key is not a point on secp256k1")),
            (33 | 65, Some(tag)) => Err(Error::key(format!(
                "public key prefix 0x{tag:02x} does not match its length (0x02/0x03 for 33 bytes, 0x04 for 65)"
            ))),
            (n, _) => Err(Error::key(format!(
                "a public key is 33 (compressed) or 65 (uncompressed) bytes, not {n}"
            ))),
        }
    }

    /// From hex SEC1 bytes, with or without `0x`.
    pub fn from_hex(s: &str) -> Result<Self> {
        let t = s.trim();
        let t = t.strip_prefix("0x").unwrap_or(t);
        let bytes = hex::decode(t).map_err(|_| Error::key("the public key is not valid hex"))?;
        Self::from_slice(&bytes)
    }

    /// 33-byte compressed SEC1 encoding.
    #[must_use]
    pub fn to_compressed(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out.copy_from_slice(self.0.to_sec1_point(true).as_bytes());
        out
    }

    /// 65-byte uncompressed SEC1 encoding (`04 || x || y`).
    #[must_use]
    pub fn to_uncompressed(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out.copy_from_slice(self.0.to_sec1_point(false).as_bytes());
        out
    }

    /// The 32-byte x coordinate (BIP340 x-only key of the even-y point).
    #[must_use]
    pub fn x_only(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(&self.to_compressed()[1..]);
        out
    }

    /// HASH160 of the compressed encoding.
    #[must_use]
    pub fn hash160(&self) -> [u8; 20] {
        hash::hash160(&self.to_compressed())
    }

    /// `self + t·G` for the 32-byte big-endian tweak `t`, as BIP32's CKDpub
    /// and BIP341's output key add it: refused when `t` is not below the
    /// group order or the sum is the point at infinity.
    pub fn add_tweak(&self, tweak: &[u8; 32]) -> Result<PublicKey> {
        let t: Option<Scalar> = Scalar::from_repr((*tweak).into()).into();
        let t = t.ok_or_else(|| Error::key("the tweak is not below the secp256k1 group order"))?;
        self.add_scalar_tweak(&t)
            .ok_or_else(|| Error::key("the tweak gives the point at infinity"))
    }

    /// `self + t·G`, or `None` at the point at infinity.
    pub(crate) fn add_scalar_tweak(&self, t: &Scalar) -> Option<PublicKey> {
        let p = crate::generator::mul_generator(t) + self.0.as_affine();
        k256::PublicKey::from_affine(p.to_affine()).ok().map(Self)
    }

    /// The k256 point, for code inside the crate.
    pub(crate) fn inner(&self) -> &k256::PublicKey {
        &self.0
    }

    pub(crate) fn from_inner(k: k256::PublicKey) -> Self {
        Self(k)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", hex::encode(self.to_compressed()))
    }
}

/// The `-----BEGIN label-----` … `-----END label-----` block of a PEM file,
/// markers included.
fn pem_block<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let from = text.find(&begin)?;
    let to = text[from..].find(&end)? + from + end.len();
    Some(&text[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "0000000000000000000000000000000000000000000000000000000000000001";

    #[test]
    fn hex_round_trip_and_range() {
        let k = PrivateKey::from_hex(&format!("0x{ONE}")).unwrap();
        assert_eq!(k.to_hex().expose(), ONE);
        assert_eq!(
            hex::encode(k.public_key().to_compressed()),
            "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        );
        assert!(PrivateKey::from_hex(&"00".repeat(32)).is_err());
        let n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
        assert!(PrivateKey::from_hex(n).is_err());
        assert!(PrivateKey::from_hex("abcd").is_err());
        assert!(PrivateKey::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn pem_round_trips() {
        let k = PrivateKey::from_hex(ONE).unwrap();
        let sec1 = k.to_sec1_pem().unwrap();
        assert!(sec1.expose().starts_with("-----BEGIN EC PRIVATE KEY-----"));
        assert_eq!(PrivateKey::from_pem(sec1.expose()).unwrap(), k);
        let p8 = k.to_pkcs8_pem().unwrap();
        assert!(p8.expose().starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(PrivateKey::from_pem(p8.expose()).unwrap(), k);
        assert!(PrivateKey::from_pem("hello").is_err());
    }

    #[test]
    fn public_key_encodings() {
        let k = PrivateKey::from_hex(ONE).unwrap().public_key();
        assert_eq!(PublicKey::from_slice(&k.to_uncompressed()).unwrap(), k);
        assert_eq!(PublicKey::from_slice(&k.to_compressed()).unwrap(), k);
        assert!(PublicKey::from_slice(&[2u8; 12]).is_err());
    }

    #[test]
    fn add_tweak_adds_multiples_of_g() {
        let one = PrivateKey::from_hex(ONE).unwrap().public_key();
        let mut t = [0u8; 32];
        t[31] = 2;
        let three = PrivateKey::from_hex(&format!("{:0>64}", "3")).unwrap();
        assert_eq!(one.add_tweak(&t).unwrap(), three.public_key());
        let n = hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
            .unwrap();
        let n: [u8; 32] = n.try_into().unwrap();
        assert!(one.add_tweak(&n).is_err(), "tweak equal to the order");
        // n - 1 = -1: G + (-1)·G is the point at infinity.
        let mut minus_one = n;
        minus_one[31] -= 1;
        assert!(one.add_tweak(&minus_one).is_err());
    }

    #[test]
    fn debug_redacted() {
        let k = PrivateKey::from_hex(ONE).unwrap();
        assert_eq!(format!("{k:?}"), "PrivateKey([REDACTED])");
    }
}
