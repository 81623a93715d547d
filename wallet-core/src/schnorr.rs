//! BIP340 Schnorr signatures over secp256k1 (k256), and the BIP341 private-key
//! tweak for taproot key-path spends.

use crate::error::{Error, Result};
use crate::hash::tagged_hash;
use crate::key::PrivateKey;
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::{NonZeroScalar, Scalar, U256};
use rand_core::{OsRng, RngCore};

/// Where BIP340's auxiliary randomness comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuxRand {
    /// 32 fresh bytes from the OS (the default: defence in depth against fault attacks).
    Random,
    /// Fixed bytes (test vectors).
    Fixed([u8; 32]),
}

/// Signs a 32-byte message with BIP340.
pub fn sign(key: &PrivateKey, msg: &[u8; 32], aux: AuxRand) -> Result<[u8; 64]> {
    let aux = match aux {
        AuxRand::Fixed(a) => a,
        AuxRand::Random => {
            let mut a = [0u8; 32];
            OsRng.fill_bytes(&mut a);
            a
        }
    };
    let sk = k256::schnorr::SigningKey::from_bytes(&key.to_bytes().expose()[..])
        .map_err(|_| Error::key("not a valid BIP340 secret key"))?;
    let sig = sk
        .sign_raw(msg, &aux)
        .map_err(|e| Error::Internal(format!("Schnorr signing failed: {e}")))?;
    Ok(sig.to_bytes())
}

/// Verifies a BIP340 signature by the x-only key `pubkey`.
#[must_use]
pub fn verify(pubkey: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    let Ok(vk) = k256::schnorr::VerifyingKey::from_bytes(pubkey) else {
        return false;
    };
    let Ok(s) = k256::schnorr::Signature::try_from(&sig[..]) else {
        return false;
    };
    vk.verify_raw(msg, &s).is_ok()
}

/// The BIP341 tweaked secret key `d' = d_even + H_TapTweak(P || merkle_root)`,
/// where `d_even` is `d` or `n − d` so that `d_even·G` has an even y.
pub fn tweak_private_key(key: &PrivateKey, merkle_root: Option<&[u8; 32]>) -> Result<PrivateKey> {
    let pk = key.public_key();
    let x = pk.x_only();
    let d: Scalar = *key.secret_key().to_nonzero_scalar();
    let even = !bool::from(pk.inner().as_affine().y_is_odd());
    let d = if even { d } else { -d };
    let t = match merkle_root {
        Some(r) => tagged_hash("TapTweak", &[&x, r]),
        None => tagged_hash("TapTweak", &[&x]),
    };
    let t_scalar = <Scalar as Reduce<U256>>::reduce_bytes(&t.into());
    if t_scalar.to_bytes() != t.into() {
        return Err(Error::key("taproot tweak is not below the group order"));
    }
    let sum: Option<NonZeroScalar> = NonZeroScalar::new(d + t_scalar).into();
    let sum = sum.ok_or_else(|| Error::key("taproot tweak gives a zero key"))?;
    Ok(PrivateKey::from_secret_key(k256::SecretKey::from(sum)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bip340_vector_0() {
        let key = PrivateKey::from_hex(&format!("{:0>64}", "3")).unwrap();
        let sig = sign(&key, &[0u8; 32], AuxRand::Fixed([0u8; 32])).unwrap();
        assert_eq!(hex::encode_upper(sig), "E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0");
        assert!(verify(&key.public_key().x_only(), &[0u8; 32], &sig));
    }

    #[test]
    fn sign_verify_and_tweak() {
        let key = PrivateKey::from_hex(&"11".repeat(32)).unwrap();
        let msg = [7u8; 32];
        let sig = sign(&key, &msg, AuxRand::Random).unwrap();
        assert!(verify(&key.public_key().x_only(), &msg, &sig));
        assert!(!verify(&key.public_key().x_only(), &[8u8; 32], &sig));
        let tweaked = tweak_private_key(&key, None).unwrap();
        let (q, _) =
            crate::bitcoin::taproot::tweak_public_key(&key.public_key().x_only(), None).unwrap();
        assert_eq!(tweaked.public_key().x_only(), q);
    }
}
