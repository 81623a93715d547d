//! Proof-of-work units: the hash a network's work is computed over and
//! cumulative chain work, apart from the header checks so errors can name
//! them.

use alloy_primitives::U256;
use core::fmt;

/// The hash a header's proof of work is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowAlgorithm {
    /// Double SHA-256 of the header (Bitcoin; also every block hash).
    Sha256d,
    /// scrypt(N=1024, r=1, p=1, 32 bytes) with the header as password and
    /// salt (Litecoin).
    Scrypt,
}

impl PowAlgorithm {
    /// Its lowercase name: `sha256d`, `scrypt`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            PowAlgorithm::Sha256d => "sha256d",
            PowAlgorithm::Scrypt => "scrypt",
        }
    }
}

impl fmt::Display for PowAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Cumulative proof of work (the expected number of hashes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct ChainWork(pub U256);

impl fmt::Display for ChainWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}
