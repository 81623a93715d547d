//! Many non-hardened children of one extended public key at once: the fast
//! path of address walks.
//!
//! Per child this costs one HMAC-SHA512 from a state keyed once for the
//! parent (two SHA-512 compressions instead of four), one constant-time
//! generator multiplication (`crate::generator`) and one mixed point addition. The projective
//! results are made affine a batch at a time with Montgomery's trick
//! (`BatchNormalize`: one field inversion per batch instead of one per
//! child).

use super::xkey::{at_infinity, invalid_child, ExtendedPublicKey};
use crate::error::{Error, Result};
use crate::key::PublicKey;
use crate::path::HARDENED;
use hmac::{Hmac, Mac};
use k256::elliptic_curve::{BatchNormalize, PrimeField};
use k256::{FieldBytes, ProjectivePoint, Scalar};
use sha2::Sha512;
use zeroize::Zeroize;

/// Children per field inversion. Past a few dozen the inversion's share is
/// negligible; the batch stays small enough to live in cache.
const BATCH: u32 = 128;

impl ExtendedPublicKey {
    /// The public keys of the non-hardened children `first..first + count`,
    /// in order; the same keys as [`ExtendedPublicKey::child_public_key`]
    /// gives one at a time, several times faster.
    pub fn child_public_keys(&self, first: u32, count: u32) -> Result<Vec<PublicKey>> {
        let end = first
            .checked_add(count)
            .filter(|end| *end <= HARDENED)
            .ok_or_else(|| {
                Error::InvalidPath(format!(
                    "{count} children from index {first} run into the hardened indexes (2^31 and up), which cannot be derived from a public key"
                ))
            })?;
        let (key, compressed, chain_code) = self.parts();
        let keyed = Hmac::<Sha512>::new_from_slice(chain_code.expose())
            .map_err(|_| Error::Internal("HMAC-SHA512 refused a 32-byte key".into()))?;
        let parent = key.inner().as_affine();
        let mut out = Vec::with_capacity(count.min(1 << 16) as usize);
        let mut points = Vec::with_capacity(BATCH.min(count) as usize);
        let mut next = first;
        while next < end {
            let n = (end - next).min(BATCH);
            points.clear();
            for index in next..next + n {
                let tweak = tweak(&keyed, compressed, index)?;
                points.push(crate::generator::mul_generator(&tweak) + parent);
            }
            for p in
                <ProjectivePoint as BatchNormalize<[ProjectivePoint]>>::batch_normalize(&points)
            {
                let pk = k256::PublicKey::from_affine(p).map_err(|_| at_infinity())?;
                out.push(PublicKey::from_inner(pk));
            }
            next += n;
        }
        Ok(out)
    }
}

/// BIP32's `I_L` of child `index` as a scalar (below n, else that index is
/// unusable), from the HMAC state keyed with the parent's chain code.
fn tweak(keyed: &Hmac<Sha512>, parent: &[u8; 33], index: u32) -> Result<Scalar> {
    let mut mac = keyed.clone();
    mac.update(parent);
    mac.update(&index.to_be_bytes());
    let mut i: [u8; 64] = mac.finalize().into_bytes().into();
    let mut il = FieldBytes::default();
    il.copy_from_slice(&i[..32]);
    i.zeroize();
    let tweak = Scalar::from_repr(il).into_option();
    il.zeroize();
    tweak.ok_or_else(invalid_child)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hd::{ChildIndex, ExtendedPrivateKey};

    fn xpub() -> ExtendedPublicKey {
        let seed = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        let m = ExtendedPrivateKey::from_seed_bytes(&seed).unwrap();
        m.derive_path(&"m/44'/60'/0'/0".parse().unwrap())
            .unwrap()
            .to_xpub()
    }

    #[test]
    fn batch_equals_one_at_a_time() {
        let x = xpub();
        // Crosses batch boundaries and ends mid-batch.
        let keys = x.child_public_keys(5, 2 * BATCH + 3).unwrap();
        assert_eq!(keys.len(), (2 * BATCH + 3) as usize);
        for (i, k) in (5u32..).zip(&keys) {
            let one = x.child_public_key(ChildIndex::normal(i).unwrap()).unwrap();
            assert_eq!(*k, one, "child {i}");
        }
        assert!(x.child_public_keys(9, 0).unwrap().is_empty());
    }

    #[test]
    fn stops_at_the_hardened_range() {
        let x = xpub();
        let last = x.child_public_keys(HARDENED - 2, 2).unwrap();
        assert_eq!(
            last[1],
            x.child_public_key(ChildIndex::normal(HARDENED - 1).unwrap())
                .unwrap()
        );
        assert!(x.child_public_keys(HARDENED - 2, 3).is_err());
        assert!(x.child_public_keys(u32::MAX, 2).is_err());
    }
}
