//! EIP-191 `personal_sign` messages and EIP-712 typed data: hashing, signing,
//! verification by public-key recovery.

use super::address::Address;
use super::eip712::TypedData;
use crate::ecdsa::{self, RecoverableSignature};
use crate::error::{Error, Result};
use crate::hash::keccak256;
use crate::key::PrivateKey;
use core::fmt;

/// An Ethereum signature as wallets exchange it: `r || s || v`, `v` = 27 or 28.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub RecoverableSignature);

impl Signature {
    /// The 65 bytes `r || s || v` with `v` = 27 + recovery id.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&self.0.to_compact());
        out[64] = 27 + (self.0.recovery_id & 1);
        out
    }

    /// Parses 65 bytes of hex (`0x` optional); `v` may be 0/1 or 27/28.
    pub fn from_hex(s: &str) -> Result<Self> {
        let t = s.trim();
        let t = t.strip_prefix("0x").unwrap_or(t);
        let bytes = hex::decode(t).map_err(|_| Error::input("the signature is not hex"))?;
        if bytes.len() != 65 {
            return Err(Error::input(format!(
                "an Ethereum signature is 65 bytes (r, s, v), not {}",
                bytes.len()
            )));
        }
        let v = match bytes[64] {
            0 | 27 => 0,
            1 | 28 => 1,
            other => {
                return Err(Error::input(format!(
                    "signature v = {other}; expected 27 or 28 (or 0/1)"
                )))
            }
        };
        let mut c = [0u8; 64];
        c.copy_from_slice(&bytes[..64]);
        Ok(Self(RecoverableSignature::from_compact(&c, v)?))
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.to_bytes()))
    }
}

/// The EIP-191 (version 0x45) hash: keccak256("\x19Ethereum Signed Message:\n" + len + message).
#[must_use]
pub fn personal_hash(message: &[u8]) -> [u8; 32] {
    let mut buf = Vec::with_capacity(message.len() + 32);
    buf.extend_from_slice(b"\x19Ethereum Signed Message:\n");
    buf.extend_from_slice(message.len().to_string().as_bytes());
    buf.extend_from_slice(message);
    keccak256(&buf)
}

/// Signs a 32-byte digest, returning the `r || s || v` form.
pub fn sign_hash(key: &PrivateKey, digest: &[u8; 32]) -> Result<Signature> {
    let sig = ecdsa::sign_prehash(key, digest)?;
    if sig.recovery_id > 1 {
        return Err(Error::Internal("signature recovery id above 1".into()));
    }
    Ok(Signature(sig))
}

/// `personal_sign`: signs the EIP-191 hash of `message`.
pub fn sign_message(key: &PrivateKey, message: &[u8]) -> Result<Signature> {
    sign_hash(key, &personal_hash(message))
}

/// The address that signed `digest`, by public-key recovery. High-S
/// signatures are refused (EIP-2).
pub fn recover_hash(digest: &[u8; 32], sig: &Signature) -> Result<Address> {
    if !sig.0.is_low_s() {
        return Err(Error::input(
            "signature s is in the upper half of the order (not canonical)",
        ));
    }
    let pk = ecdsa::recover(digest, &sig.0)?;
    Ok(Address::from_public_key(&pk))
}

/// The address that signed `message` with `personal_sign`.
pub fn recover_message(message: &[u8], sig: &Signature) -> Result<Address> {
    recover_hash(&personal_hash(message), sig)
}

impl TypedData {
    /// Signs the typed data.
    pub fn sign(&self, key: &PrivateKey) -> Result<Signature> {
        sign_hash(key, &self.signing_hash()?)
    }

    /// The signer of `sig` over this typed data.
    pub fn recover(&self, sig: &Signature) -> Result<Address> {
        recover_hash(&self.signing_hash()?, sig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eip191_example() {
        let key = PrivateKey::from_hex(
            "b25c7db31feed9122727bf0939dc769a96564b2de4c4726d035b36ecf1e5b364",
        )
        .unwrap();
        let sig = sign_message(&key, "I♥SF".as_bytes()).unwrap();
        assert_eq!(sig.to_string(), "0xe6ca9bba58c88611fad66a6ce8f996908195593807c4b38bd528d2cff09d4eb33e5bfbbf4d3e39b1a2fd816a7680c19ebebaf3a141b239934ad43cb33fcec8ce1c");
        let who = recover_message(
            "I♥SF".as_bytes(),
            &Signature::from_hex(&sig.to_string()).unwrap(),
        )
        .unwrap();
        assert_eq!(
            who.to_checksum(),
            "0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E"
        );
        assert_ne!(recover_message(b"other", &sig).unwrap(), who);
        assert!(Signature::from_hex("0x1234").is_err());
    }
}
