//! The Solidity integer types of EIP-712 documents (`uintN`/`intN`), apart
//! from the value parser so errors can name a type without depending on it.

use alloy_primitives::U256;

/// A Solidity integer type: `uintN` or `intN`, N = 8, 16, …, 256.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntType {
    signed: bool,
    bits: u16,
}

impl IntType {
    /// Reads `uintN`/`intN`; `None` for any other type (`uint`, `uint7`,
    /// `uint08`, `int264`, …).
    #[must_use]
    pub fn parse(ty: &str) -> Option<Self> {
        let (signed, n) = match ty.strip_prefix("uint") {
            Some(n) => (false, n),
            None => (true, ty.strip_prefix("int")?),
        };
        let bits: u16 = n.parse().ok()?;
        (n.bytes().all(|b| b.is_ascii_digit())
            && !n.starts_with('0')
            && bits.is_multiple_of(8)
            && (8..=256).contains(&bits))
        .then_some(Self { signed, bits })
    }

    /// True for `intN` (two's complement), false for `uintN`.
    #[must_use]
    pub fn is_signed(self) -> bool {
        self.signed
    }

    /// N, the width in bits.
    #[must_use]
    pub fn bits(self) -> u16 {
        self.bits
    }

    /// The values the type holds, for messages: `0 to 255`,
    /// `-128 to 127`, and in powers of two beyond 64 bits
    /// (`-2^255 to 2^255-1`).
    #[must_use]
    pub fn range(self) -> String {
        let n = u32::from(self.bits);
        match (self.signed, n <= 64) {
            (false, true) => format!("0 to {}", (1u128 << n) - 1),
            (true, true) => format!("-{0} to {1}", 1u128 << (n - 1), (1u128 << (n - 1)) - 1),
            (false, false) => format!("0 to 2^{n}-1"),
            (true, false) => format!("-2^{0} to 2^{0}-1", n - 1),
        }
    }

    /// The ABI word of `±magnitude` (two's complement when negative), or
    /// `None` when the type does not hold it.
    pub(super) fn word(self, negative: bool, magnitude: U256) -> Option<[u8; 32]> {
        let bits = usize::from(self.bits);
        let fits = if self.signed {
            let limit = U256::from(1u8) << (bits - 1);
            if negative {
                magnitude <= limit
            } else {
                magnitude < limit
            }
        } else {
            (!negative || magnitude.is_zero()) && (bits == 256 || magnitude >> bits == U256::ZERO)
        };
        let value = if negative {
            magnitude.wrapping_neg()
        } else {
            magnitude
        };
        fits.then(|| value.to_be_bytes())
    }
}

impl core::fmt::Display for IntType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let prefix = if self.signed { "int" } else { "uint" };
        write!(f, "{prefix}{}", self.bits)
    }
}
