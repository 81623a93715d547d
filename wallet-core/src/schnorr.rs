//! BIP340 Schnorr signatures over secp256k1 (k256). The BIP341 tweaks that
//! taproot key-path spends sign with are in `bitcoin::taproot`.

use crate::error::{Error, Result};
use crate::key::PrivateKey;
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
    let sk = k256::schnorr::SigningKey::from(key.secret_key());
    let sig = sk
        .sign_raw(msg, &aux)
        .map_err(|e| Error::Internal(format!("Schnorr signing failed: {e}")))?;
    Ok(sig.to_bytes())
}

/// Verifies a BIP340 signature by the x-only key `pubkey`.
#[must_use]
pub fn verify(pubkey: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    let Ok(vk) = k256::schnorr::VerifyingKey::from_bytes(pubkey.into()) else {
        return false;
    };
    let Ok(s) = k256::schnorr::Signature::try_from(&sig[..]) else {
        return false;
    };
    vk.verify_raw(msg, &s).is_ok()
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
    fn sign_verify() {
        let key = PrivateKey::from_hex(&"11".repeat(32)).unwrap();
        let msg = [7u8; 32];
        let sig = sign(&key, &msg, AuxRand::Random).unwrap();
        assert!(verify(&key.public_key().x_only(), &msg, &sig));
        assert!(!verify(&key.public_key().x_only(), &[8u8; 32], &sig));
    }
}
