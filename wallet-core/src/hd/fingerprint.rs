//! Key fingerprints: the first four bytes of HASH160 of a compressed public
//! key, which BIP32 stores as the parent of every child and PSBTs and
//! descriptors use to name the master key a path starts from.

use crate::error::{Error, Result};
use core::fmt;

/// The four-byte identifier of a key: the first bytes of HASH160 of its public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fingerprint(pub [u8; 4]);

impl Fingerprint {
    /// The fingerprint of a key whose HASH160 is `hash160`.
    #[must_use]
    pub fn from_hash160(hash160: &[u8; 20]) -> Self {
        Self([hash160[0], hash160[1], hash160[2], hash160[3]])
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl core::str::FromStr for Fingerprint {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let mut out = [0u8; 4];
        hex::decode_to_slice(s.trim(), &mut out)
            .map_err(|_| Error::input(format!("'{s}' is not an 8-hex-digit fingerprint")))?;
        Ok(Self(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_errors() {
        let f: Fingerprint = " 3442193e ".parse().unwrap();
        assert_eq!(f, Fingerprint([0x34, 0x42, 0x19, 0x3e]));
        assert_eq!(f.to_string(), "3442193e");
        assert!("3442193".parse::<Fingerprint>().is_err());
        assert!("zz42193e".parse::<Fingerprint>().is_err());
        let mut h = [0u8; 20];
        h[..4].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(Fingerprint::from_hash160(&h), Fingerprint([1, 2, 3, 4]));
    }
}
