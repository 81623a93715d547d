//! secp256k1 ECDSA with RFC 6979 deterministic nonces and low-S signatures,
//! public-key recovery, and DER encoding: the one signing primitive both
//! chains use.

use crate::error::{Error, Result};
use crate::key::{PrivateKey, PublicKey};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

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
            .map(|s| s.normalize_s().is_none())
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
/// Signs with the secret scalar directly (`SignPrimitive`) rather than
/// through `SigningKey`, which would first compute the public key: that
/// halves the cost of a signature.
pub fn sign_prehash(key: &PrivateKey, digest: &[u8; 32]) -> Result<RecoverableSignature> {
    use k256::ecdsa::hazmat::SignPrimitive;
    let scalar = key.secret_key().to_nonzero_scalar();
    let (sig, rid) = SignPrimitive::try_sign_prehashed_rfc6979::<sha2::Sha256>(
        scalar.as_ref(),
        &(*digest).into(),
        &[],
    )
    .map_err(|e| Error::Internal(format!("ECDSA signing failed: {e}")))?;
    let rid = rid.ok_or_else(|| Error::Internal("ECDSA signing gave no recovery id".into()))?;
    // k256 normalises s; keep the recovery id consistent if it ever did not.
    let (sig, rid) = match sig.normalize_s() {
        Some(low) => (low, RecoveryId::new(!rid.is_y_odd(), rid.is_x_reduced())),
        None => (sig, rid),
    };
    let bytes = sig.to_bytes();
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&bytes[..32]);
    s.copy_from_slice(&bytes[32..]);
    Ok(RecoverableSignature {
        r,
        s,
        recovery_id: rid.to_byte(),
    })
}

/// Recovers the public key that made `sig` over `digest`.
pub fn recover(digest: &[u8; 32], sig: &RecoverableSignature) -> Result<PublicKey> {
    let (s, rid) = sig.k256()?;
    let vk = VerifyingKey::recover_from_prehash(digest, &s, rid)
        .map_err(|_| Error::input("no public key can be recovered from this signature"))?;
    Ok(PublicKey::from_inner(k256::PublicKey::from(&vk)))
}

/// Verifies a compact `(r, s)` signature (any S) over `digest` by `key`.
#[must_use]
pub fn verify_prehash(key: &PublicKey, digest: &[u8; 32], r: &[u8; 32], s: &[u8; 32]) -> bool {
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    let mut compact = [0u8; 64];
    compact[..32].copy_from_slice(r);
    compact[32..].copy_from_slice(s);
    let Ok(sig) = Signature::from_slice(&compact) else {
        return false;
    };
    let vk = VerifyingKey::from(key.inner());
    // Accept high-S here: callers that require low-S check it themselves.
    let sig = sig.normalize_s().unwrap_or(sig);
    vk.verify_prehash(digest, &sig).is_ok()
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
}
