//! Containers for secrets: zeroized on drop, redacted in `Debug`, no `Display`.
//!
//! Anything that can spend money or unlock a file (seeds, private keys,
//! mnemonics, passphrases, passwords) lives in one of these types. They do not
//! implement `Display` or `Serialize`, so a secret cannot end up in a log line
//! or a JSON document by accident; reading one takes an explicit `expose…` call.

use core::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A fixed-size secret byte array.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes<const N: usize>([u8; N]);

impl<const N: usize> SecretBytes<N> {
    /// Wraps `bytes`; the caller should zeroize any copy it still holds.
    #[must_use]
    pub fn new(bytes: [u8; N]) -> Self {
        Self(bytes)
    }

    /// Copies a slice of exactly `N` bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut out = [0u8; N];
        if bytes.len() != N {
            return None;
        }
        out.copy_from_slice(bytes);
        Some(Self(out))
    }

    /// Borrows the secret bytes.
    #[must_use]
    pub fn expose(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> fmt::Debug for SecretBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes<{N}>([REDACTED])")
    }
}

impl<const N: usize> PartialEq for SecretBytes<N> {
    fn eq(&self, other: &Self) -> bool {
        // Not on a hot path; constant time so comparisons never leak a prefix.
        let mut diff = 0u8;
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            diff |= a ^ b;
        }
        diff == 0
    }
}

impl<const N: usize> Eq for SecretBytes<N> {}

/// A variable-length secret byte buffer.
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretVec(Vec<u8>);

impl SecretVec {
    /// Takes ownership of `bytes`.
    #[must_use]
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// Borrows the secret bytes.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Zeroizing<Vec<u8>>> for SecretVec {
    fn from(mut v: Zeroizing<Vec<u8>>) -> Self {
        Self(core::mem::take(&mut *v))
    }
}

impl fmt::Debug for SecretVec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretVec([REDACTED; {} bytes])", self.0.len())
    }
}

/// A secret UTF-8 string (mnemonic phrase, passphrase, password, encoded key).
#[derive(Clone, Default, Zeroize, ZeroizeOnDrop)]
pub struct SecretString(String);

impl SecretString {
    /// Takes ownership of `s`.
    #[must_use]
    pub fn new(s: String) -> Self {
        Self(s)
    }

    /// Borrows the secret text.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the string is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<Zeroizing<String>> for SecretString {
    fn from(mut s: Zeroizing<String>) -> Self {
        Self(core::mem::take(&mut *s))
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
    }
}

impl Eq for SecretString {}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([REDACTED])")
    }
}

/// A 64-byte BIP39 seed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Seed(SecretBytes<64>);

impl Seed {
    /// Wraps raw seed bytes.
    #[must_use]
    pub fn new(bytes: [u8; 64]) -> Self {
        Self(SecretBytes::new(bytes))
    }

    /// Borrows the seed bytes.
    #[must_use]
    pub fn expose(&self) -> &[u8; 64] {
        self.0.expose()
    }
}

impl fmt::Debug for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Seed([REDACTED])")
    }
}

/// An optional BIP39 passphrase (the "25th word"), used exactly as given.
pub type Passphrase = SecretString;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let b = SecretBytes::new([0xAB; 32]);
        let s = SecretString::from("correct horse");
        let seed = Seed::new([0x11; 64]);
        let v = SecretVec::new(vec![0xCD; 5]);
        for text in [
            format!("{b:?}"),
            format!("{s:?}"),
            format!("{seed:?}"),
            format!("{v:?}"),
        ] {
            assert!(text.contains("REDACTED"), "{text}");
            assert!(!text.to_lowercase().contains("ab, "), "{text}");
            assert!(!text.contains("horse"), "{text}");
            assert!(!text.contains("171"), "{text}");
            assert!(!text.contains("17,"), "{text}");
        }
    }

    #[test]
    fn zeroize_clears() {
        let mut b = SecretBytes::new([7u8; 8]);
        b.zeroize();
        assert_eq!(b.expose(), &[0u8; 8]);
        let mut s = SecretString::from("secret");
        s.zeroize();
        assert!(s.is_empty());
    }

    #[test]
    fn equality() {
        assert_eq!(SecretString::from("a"), SecretString::from("a"));
        assert_ne!(SecretString::from("a"), SecretString::from("ab"));
        assert_eq!(SecretBytes::new([1u8; 4]), SecretBytes::new([1u8; 4]));
        assert_ne!(SecretBytes::new([1u8; 4]), SecretBytes::new([2u8; 4]));
        assert!(SecretBytes::<4>::from_slice(&[1, 2, 3]).is_none());
    }
}
