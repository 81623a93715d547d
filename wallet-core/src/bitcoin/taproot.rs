//! BIP341 key tweaking for key-path spends (BIP86: no script tree), both
//! sides of it: the output key `Q = P + t·G` that addresses and PSBT checks
//! compute, and the tweaked secret `d' = d + t` that signs for `Q`, with
//! `t = H_TapTweak(P || merkle_root)`.

use crate::error::{Error, Result};
use crate::hash::tagged_hash;
use crate::key::{PrivateKey, PublicKey};
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::PrimeField;
use k256::{NonZeroScalar, Scalar};

/// `H_TapTweak(P || merkle_root)` of the x-only internal key `P`.
fn tap_tweak(internal_key: &[u8; 32], merkle_root: Option<&[u8; 32]>) -> [u8; 32] {
    match merkle_root {
        Some(root) => tagged_hash("TapTweak", &[internal_key, root]),
        None => tagged_hash("TapTweak", &[internal_key]),
    }
}

/// The BIP341 tweaked output key `Q = P + H_TapTweak(P || merkle_root)·G`,
/// where `P` is the even-y point with x coordinate `internal_key`.
/// Returns the x-only output key and whether `Q` has an odd y.
pub fn tweak_public_key(
    internal_key: &[u8; 32],
    merkle_root: Option<&[u8; 32]>,
) -> Result<([u8; 32], bool)> {
    let mut compressed = [0u8; 33];
    compressed[0] = 0x02;
    compressed[1..].copy_from_slice(internal_key);
    let p = PublicKey::from_slice(&compressed)
        .map_err(|_| Error::key("taproot internal key is not an x coordinate on secp256k1"))?;
    let q = p
        .add_tweak(&tap_tweak(internal_key, merkle_root))
        .map_err(|_| {
            Error::key("taproot tweak is not below the group order or gives the point at infinity")
        })?;
    let enc = q.to_compressed();
    Ok((q.x_only(), enc[0] == 0x03))
}

/// The BIP86 output key of a public key (its x coordinate as internal key).
pub fn bip86_output_key(public_key: &PublicKey) -> Result<[u8; 32]> {
    tweak_public_key(&public_key.x_only(), None).map(|(q, _)| q)
}

/// The BIP341 tweaked secret key `d' = d_even + H_TapTweak(P || merkle_root)`,
/// where `d_even` is `d` or `n − d` so that `d_even·G` has an even y.
pub fn tweak_private_key(key: &PrivateKey, merkle_root: Option<&[u8; 32]>) -> Result<PrivateKey> {
    let pk = key.public_key();
    let x = pk.x_only();
    let d: Scalar = *key.secret_key().to_nonzero_scalar();
    let even = !bool::from(pk.inner().as_affine().y_is_odd());
    let d = if even { d } else { -d };
    let t: Option<Scalar> = Scalar::from_repr(tap_tweak(&x, merkle_root).into()).into();
    let t = t.ok_or_else(|| Error::key("taproot tweak is not below the group order"))?;
    let sum: Option<NonZeroScalar> = NonZeroScalar::new(d + t).into();
    let sum = sum.ok_or_else(|| Error::key("taproot tweak gives a zero key"))?;
    Ok(PrivateKey::from_secret_key(k256::SecretKey::from(sum)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bip341_first_vector() {
        // bip341 wallet-test-vectors scriptPubKey[0]
        let mut p = [0u8; 32];
        hex::decode_to_slice(
            "d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d",
            &mut p,
        )
        .unwrap();
        let (q, _) = tweak_public_key(&p, None).unwrap();
        assert_eq!(
            hex::encode(q),
            "53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343"
        );
    }

    #[test]
    fn private_tweak_matches_public_tweak() {
        for hexkey in ["11".repeat(32), format!("{:0>64}", "3")] {
            let key = PrivateKey::from_hex(&hexkey).unwrap();
            for root in [None, Some([5u8; 32])] {
                let tweaked = tweak_private_key(&key, root.as_ref()).unwrap();
                let (q, odd) = tweak_public_key(&key.public_key().x_only(), root.as_ref()).unwrap();
                assert_eq!(tweaked.public_key().x_only(), q);
                assert_eq!(tweaked.public_key().to_compressed()[0] == 0x03, odd);
            }
        }
    }

    #[test]
    fn internal_key_off_the_curve() {
        // x = 5 is not the x coordinate of a secp256k1 point.
        let mut x = [0u8; 32];
        x[31] = 5;
        assert!(tweak_public_key(&x, None).is_err());
    }
}
