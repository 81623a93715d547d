//! Ethereum addresses with the EIP-55 mixed-case checksum.

use crate::error::{Error, Result};
use crate::hash::keccak256;
use crate::key::PublicKey;
use core::fmt;
use core::str::FromStr;

/// A 20-byte Ethereum address; `Display` writes the EIP-55 checksummed form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// The address of a public key: the last 20 bytes of keccak256(x || y).
    #[must_use]
    pub fn from_public_key(key: &PublicKey) -> Self {
        let uncompressed = key.to_uncompressed();
        let h = keccak256(&uncompressed[1..]);
        let mut a = [0u8; 20];
        a.copy_from_slice(&h[12..]);
        Self(a)
    }

    /// The raw bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// The EIP-55 checksummed string (`0x` + 40 hex digits).
    #[must_use]
    pub fn to_checksum(&self) -> String {
        let mut out = String::with_capacity(42);
        self.write_checksum(&mut out);
        out
    }

    /// Appends the EIP-55 form to `out` (no intermediate allocation).
    pub fn write_checksum(&self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut lower = [0u8; 40];
        for (i, b) in self.0.iter().enumerate() {
            lower[2 * i] = HEX[usize::from(b >> 4)];
            lower[2 * i + 1] = HEX[usize::from(b & 0x0f)];
        }
        let h = keccak256(&lower);
        out.push_str("0x");
        for (i, c) in lower.iter().enumerate() {
            let nibble = if i % 2 == 0 {
                h[i / 2] >> 4
            } else {
                h[i / 2] & 0x0f
            };
            let ch = if c.is_ascii_alphabetic() && nibble >= 8 {
                c.to_ascii_uppercase()
            } else {
                *c
            };
            out.push(char::from(ch));
        }
    }
}

impl FromStr for Address {
    type Err = Error;

    /// Parses `0x` + 40 hex digits. All-lowercase or all-uppercase input is
    /// accepted as unchecksummed; mixed case must be a valid EIP-55 checksum.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let body = t
            .strip_prefix("0x")
            .or_else(|| t.strip_prefix("0X"))
            .ok_or_else(|| Error::InvalidAddress(format!("'{t}' does not start with 0x")))?;
        if body.len() != 40 {
            return Err(Error::InvalidAddress(format!(
                "'{t}' has {} hex digits; an Ethereum address has 40",
                body.len()
            )));
        }
        let mut a = [0u8; 20];
        hex::decode_to_slice(body, &mut a)
            .map_err(|_| Error::InvalidAddress(format!("'{t}' is not hexadecimal")))?;
        let addr = Self(a);
        let has_lower = body.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = body.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && addr.to_checksum()[2..] != *body {
            return Err(Error::Checksum {
                what: "Ethereum address (EIP-55 mixed case)",
            });
        }
        Ok(addr)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_checksum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eip55_examples() {
        for s in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        ] {
            let a: Address = s.parse().unwrap();
            assert_eq!(a.to_checksum(), s);
            assert!(s.to_lowercase().parse::<Address>().is_ok());
        }
        let bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
        assert_eq!(
            bad.parse::<Address>().unwrap_err().kind(),
            crate::ErrorKind::BadChecksum
        );
        assert!("0x1234".parse::<Address>().is_err());
        assert!("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
            .parse::<Address>()
            .is_err());
    }

    #[test]
    fn from_key() {
        let k = crate::key::PrivateKey::from_hex(
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        )
        .unwrap();
        assert_eq!(
            Address::from_public_key(&k.public_key()).to_checksum(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
    }
}
