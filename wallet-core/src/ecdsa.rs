//! secp256k1 ECDSA with RFC 6979 deterministic nonces and low-S signatures,
//! public-key recovery, and DER encoding: the one signing primitive both
//! chains use.

use crate::error::{Error, Result};
use crate::key::{PrivateKey, PublicKey};
use k256::ecdsa::{RecoveryId, Signature};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::subtle::ConditionallySelectable;
use k256::elliptic_curve::Group;
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, NonZeroScalar, Scalar};
use zeroize::Zeroizing;

/// A compact signature `(r, s)` with the recovery id of its public key.
/// `s` is always in the lower half of the group order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoverableSignature {
    /// `r`, big-endian.
    pub r: [u8; 32],
    /// `s`, big-endian, low-S.
    pub s: [u8; 32],
    /// Recovery id (0..=3; 0/1 in practice): the parity of R's y coordinate,
    /// plus 2 when R's x overflowed the order.
    pub recovery_id: u8,
}

impl RecoverableSignature {
    /// `r || s`.
    #[must_use]
    pub fn to_compact(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.r);
        out[32..].copy_from_slice(&self.s);
        out
    }

    /// From `r || s` and a recovery id.
    pub fn from_compact(compact: &[u8; 64], recovery_id: u8) -> Result<Self> {
        if recovery_id > 3 {
            return Err(Error::input(format!(
                "signature recovery id {recovery_id} is not 0..3"
            )));
        }
        // Validates 0 < r, s < n.
        Signature::from_slice(compact)
            .map_err(|_| Error::input("signature r or s is zero or not below the group order"))?;
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&compact[..32]);
        s.copy_from_slice(&compact[32..]);
        Ok(Self { r, s, recovery_id })
    }

    /// True when `s` is in the lower half of the order (BIP62/EIP-2).
    #[must_use]
    pub fn is_low_s(&self) -> bool {
        Signature::from_slice(&self.to_compact())
            .map(|s| !bool::from(s.s().is_high()))
            .unwrap_or(false)
    }

    /// DER encoding (Bitcoin scripts).
    pub fn to_der(&self) -> Result<Vec<u8>> {
        let sig = Signature::from_slice(&self.to_compact())
            .map_err(|_| Error::Internal("signature out of range".into()))?;
        Ok(sig.to_der().as_bytes().to_vec())
    }

    fn k256(&self) -> Result<(Signature, RecoveryId)> {
        let sig = Signature::from_slice(&self.to_compact())
            .map_err(|_| Error::input("signature r or s is zero or not below the group order"))?;
        let rid = RecoveryId::from_byte(self.recovery_id)
            .ok_or_else(|| Error::input("invalid signature recovery id"))?;
        Ok((sig, rid))
    }
}

/// Signs a 32-byte digest: RFC 6979 nonce, low-S, with recovery id.
///
/// Signs with the secret scalar directly rather than through `SigningKey`,
/// which would first compute the public key, and computes `k·G` with the
/// crate's own constant-time comb (`crate::generator`). The nonce's
/// inversion is k256's constant-time one. The result is byte for byte what
/// `ecdsa::hazmat::sign_prehashed_rfc6979` gives (tested).
pub fn sign_prehash(key: &PrivateKey, digest: &[u8; 32]) -> Result<RecoverableSignature> {
    let d = Zeroizing::new(key.secret_key().to_nonzero_scalar());
    let x = Zeroizing::new(d.to_repr());
    let mut nonces =
        rfc6979::KGenerator::<k256::sha2::Sha256, k256::U256>::new(&x, digest, &[], order());
    // Another nonce only when r or s came out zero (probability ~2^-256).
    for _ in 0..64 {
        let mut k_bytes = Zeroizing::new(k256::FieldBytes::default());
        nonces.fill_next_k(&mut k_bytes[..]);
        let Some(k) = NonZeroScalar::from_repr(*k_bytes)
            .into_option()
            .map(Zeroizing::new)
        else {
            continue;
        };
        if let Some(sig) = sign_with_nonce(&d, &k, digest) {
            return Ok(sig);
        }
    }
    Err(Error::Internal("RFC 6979 gave no usable nonce".into()))
}

/// `(r, s)` with `r = x(k·G) mod n`, `s = k⁻¹(z + r·d)` made low-S, and the
/// recovery id; `None` when `r` or `s` is zero.
fn sign_with_nonce(
    d: &NonZeroScalar,
    k: &NonZeroScalar,
    digest: &[u8; 32],
) -> Option<RecoverableSignature> {
    let z = <Scalar as Reduce<k256::FieldBytes>>::reduce(&(*digest).into());
    let big_r = crate::generator::mul_generator(k).to_affine();
    let x = big_r.x();
    let r = <Scalar as Reduce<k256::FieldBytes>>::reduce(&x);
    // k is non-zero, so its inverse exists; a zero here would only give s = 0.
    let k_inv = Zeroizing::new(k.as_ref().invert().unwrap_or(Scalar::ZERO));
    let s = *k_inv * (z + r * d.as_ref());
    if bool::from(r.is_zero() | s.is_zero()) {
        return None;
    }
    let high = s.is_high();
    let s = Scalar::conditional_select(&s, &-s, high);
    let y_odd = bool::from(big_r.y_is_odd() ^ high);
    let x_reduced = r.to_repr() != x;
    Some(RecoverableSignature {
        r: r.to_repr().into(),
        s: s.to_repr().into(),
        recovery_id: RecoveryId::new(y_odd, x_reduced).to_byte(),
    })
}

/// Recovers the public key that made `sig` over `digest`.
///
/// A high-S signature is refused (EIP-2, BIP62: its low-S twin is the one
/// to use). Everything here is public, so it runs in variable time:
/// `Q = r⁻¹·(s·R − z·G)` as one wNAF double-scalar multiplication.
pub fn recover(digest: &[u8; 32], sig: &RecoverableSignature) -> Result<PublicKey> {
    let (s, rid) = sig.k256()?;
    let unrecoverable = || Error::input("no public key can be recovered from this signature");
    let (r, s) = s.split_scalars();
    if bool::from(s.is_high()) {
        return Err(unrecoverable());
    }
    // With recovery ids 2 and 3, R's x coordinate was r + n (below p).
    let x = if rid.is_x_reduced() {
        x_plus_order(&sig.r).ok_or_else(unrecoverable)?
    } else {
        sig.r
    };
    let big_r = AffinePoint::decompress(&x.into(), u8::from(rid.is_y_odd()).into())
        .into_option()
        .ok_or_else(unrecoverable)?;
    let z = <Scalar as Reduce<k256::FieldBytes>>::reduce(&(*digest).into());
    let r_inv = Option::<Scalar>::from(r.invert_vartime()).ok_or_else(unrecoverable)?;
    let u1 = -(r_inv * z);
    let u2 = r_inv * *s;
    let q = crate::generator::mul_generator_and_add_vartime(&u1, &u2, &big_r.into());
    k256::PublicKey::from_affine(q.to_affine())
        .map(PublicKey::from_inner)
        .map_err(|_| unrecoverable())
}

/// The order n of secp256k1, as k256 defines it.
fn order() -> &'static k256::U256 {
    <k256::Secp256k1 as k256::elliptic_curve::Curve>::ORDER.as_ref()
}

/// `r + n`, or `None` past 2^256 (decompression refuses what is not below p).
fn x_plus_order(r: &[u8; 32]) -> Option<[u8; 32]> {
    use k256::elliptic_curve::bigint::CheckedAdd;
    let sum = k256::U256::from_be_slice(r).checked_add(order());
    Option::<k256::U256>::from(sum).map(|v| v.to_be_bytes().into())
}

/// Verifies a compact `(r, s)` signature (any S) over `digest` by `key`.
///
/// Variable time (all inputs are public): `x(u1·G + u2·Q) mod n = r` with
/// `u1 = z/s`, `u2 = r/s`; `u1·G` from the comb table of
/// `crate::generator`, `u2·Q` by k256's GLV + wNAF multiplication.
#[must_use]
pub fn verify_prehash(key: &PublicKey, digest: &[u8; 32], r: &[u8; 32], s: &[u8; 32]) -> bool {
    let mut compact = [0u8; 64];
    compact[..32].copy_from_slice(r);
    compact[32..].copy_from_slice(s);
    // Validates 0 < r, s < n. High S is accepted here: callers that
    // require low-S check it themselves.
    let Ok(sig) = Signature::from_slice(&compact) else {
        return false;
    };
    let (r, s) = sig.split_scalars();
    let Some(s_inv) = Option::<Scalar>::from(s.invert_vartime()) else {
        return false;
    };
    let z = <Scalar as Reduce<k256::FieldBytes>>::reduce(&(*digest).into());
    let point = crate::generator::mul_generator_and_add_vartime(
        &(z * s_inv),
        &(*r * s_inv),
        &key.inner().to_projective(),
    );
    let x = point.to_affine().x();
    // The identity's affine form has x = 0, which is never a valid r.
    !bool::from(point.is_identity()) && <Scalar as Reduce<k256::FieldBytes>>::reduce(&x) == *r
}

/// Parses a strict DER signature into `(r, s)`.
pub fn parse_der(der: &[u8]) -> Result<([u8; 32], [u8; 32])> {
    let sig =
        Signature::from_der(der).map_err(|_| Error::input("not a strict DER ECDSA signature"))?;
    let b = sig.to_bytes();
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&b[..32]);
    s.copy_from_slice(&b[32..]);
    Ok((r, s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n, big-endian.
    fn order_bytes() -> [u8; 32] {
        order().to_be_bytes().into()
    }
    use ecdsa::hazmat;

    #[test]
    fn sign_recover_verify() {
        let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let digest = crate::hash::keccak256(b"hello");
        let sig = sign_prehash(&key, &digest).unwrap();
        assert!(sig.is_low_s());
        assert_eq!(recover(&digest, &sig).unwrap(), key.public_key());
        assert!(verify_prehash(&key.public_key(), &digest, &sig.r, &sig.s));
        let mut other = digest;
        other[0] ^= 1;
        assert!(!verify_prehash(&key.public_key(), &other, &sig.r, &sig.s));
        let der = sig.to_der().unwrap();
        assert_eq!(parse_der(&der).unwrap(), (sig.r, sig.s));
        // Deterministic.
        assert_eq!(sign_prehash(&key, &digest).unwrap(), sig);
    }

    #[test]
    fn recovery_refuses_high_s() {
        let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let digest = crate::hash::keccak256(b"high");
        let sig = sign_prehash(&key, &digest).unwrap();
        // s' = n - s, recovery id flipped: the same point, but high-S.
        let mut high = sig;
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let v = i16::from(order_bytes()[i]) - i16::from(sig.s[i]) - borrow;
            high.s[i] = v.rem_euclid(256) as u8;
            borrow = i16::from(v < 0);
        }
        high.recovery_id ^= 1;
        assert!(!high.is_low_s());
        assert!(verify_prehash(&key.public_key(), &digest, &high.r, &high.s));
        assert!(recover(&digest, &high).is_err());
    }

    #[test]
    fn recovery_with_x_reduced() {
        // A point whose x lies in [n, p): its signature's r is x - n, with
        // recovery id 2 or 3.
        let (x, r) = (1u8..0xbe)
            .find_map(|k| {
                let mut x = order_bytes();
                x[31] = x[31].wrapping_add(k);
                let mut enc = [2u8; 33];
                enc[1..].copy_from_slice(&x);
                PublicKey::from_slice(&enc).ok()?;
                let mut r = [0u8; 32];
                r[31] = k;
                Some((x, r))
            })
            .unwrap();
        assert_eq!(x_plus_order(&r), Some(x));
        let digest = [9u8; 32];
        for rid in [2u8, 3] {
            let sig = RecoverableSignature {
                r,
                s: [1u8; 32],
                recovery_id: rid,
            };
            let q = recover(&digest, &sig).unwrap();
            assert!(verify_prehash(&q, &digest, &sig.r, &sig.s));
            // The same r read as R's own x (ids 0 and 1) is another point.
            let plain = RecoverableSignature {
                recovery_id: rid - 2,
                ..sig
            };
            if let Ok(other) = recover(&digest, &plain) {
                assert_ne!(other, q);
            }
        }
        // r + n past 2^256: no such point.
        let big = RecoverableSignature {
            r: [0x80; 32],
            s: [1u8; 32],
            recovery_id: 2,
        };
        assert_eq!(x_plus_order(&big.r), None);
        assert!(recover(&digest, &big).is_err());
    }

    #[test]
    fn signatures_equal_the_ecdsa_crate() {
        let mut seed = [3u8; 32];
        for _ in 0..48 {
            seed = crate::hash::sha256(&seed);
            let key = PrivateKey::from_bytes(&seed).unwrap();
            let digest = crate::hash::keccak256(&seed);
            let ours = sign_prehash(&key, &digest).unwrap();
            let d = key.secret_key().to_nonzero_scalar();
            let (sig, rid) = hazmat::sign_prehashed_rfc6979::<k256::Secp256k1, k256::sha2::Sha256>(
                &d,
                &digest,
                &[],
            );
            assert_eq!(ours.to_compact()[..], sig.to_bytes()[..]);
            assert_eq!(ours.recovery_id, rid.to_byte());
            assert!(ours.is_low_s());
            assert_eq!(recover(&digest, &ours).unwrap(), key.public_key());
        }
    }
}
