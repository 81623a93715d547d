//! Typed Ethereum quantities: [`Wei`], [`Gas`], [`ChainId`], [`Nonce`], and
//! parsing of amounts with units (`1.5ether`, `30gwei`, `21000wei`).

use crate::error::{Error, Result};
use alloy_primitives::U256;
use core::fmt;

/// An amount of ether in wei (10^-18 ether).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Wei(pub U256);

/// A gas quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Gas(pub u64);

/// An EIP-155 chain id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChainId(pub u64);

impl ChainId {
    /// Chain ids of development nodes (anvil/hardhat, ganache/geth `--dev`),
    /// whose chain id a send may take from the node.
    pub const DEV: [ChainId; 2] = [ChainId(31337), ChainId(1337)];
}

/// An account nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Nonce(pub u64);

/// The unit a bare number is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 10^18 wei.
    Ether,
    /// 10^9 wei.
    Gwei,
    /// 1 wei.
    Wei,
}

impl Unit {
    const fn decimals(self) -> u32 {
        match self {
            Unit::Ether => 18,
            Unit::Gwei => 9,
            Unit::Wei => 0,
        }
    }
}

impl Wei {
    /// Zero.
    pub const ZERO: Wei = Wei(U256::ZERO);

    /// From a number of wei.
    #[must_use]
    pub fn from_wei(n: u128) -> Self {
        Wei(U256::from(n))
    }

    /// From a number of gwei.
    #[must_use]
    pub fn from_gwei(n: u64) -> Self {
        Wei(U256::from(n) * U256::from(1_000_000_000u64))
    }

    /// Parses `1.5ether`, `1.5 eth`, `30gwei`, `21000wei`, `0x5af3107a4000`
    /// (hex is wei), or a bare decimal number in `default_unit`.
    ///
    /// ```
    /// use wallet_core::ethereum::{Unit, Wei};
    ///
    /// assert_eq!(Wei::parse("1.5ether", Unit::Wei)?, Wei::parse("1500000000", Unit::Gwei)?);
    /// assert_eq!(Wei::parse("30gwei", Unit::Ether)?, Wei::from_gwei(30));
    /// assert_eq!(Wei::parse("0x10", Unit::Ether)?, Wei::parse("16", Unit::Wei)?); // hex is wei
    /// assert!(Wei::parse("0.0000000000000000001ether", Unit::Wei).is_err()); // below a wei
    /// # Ok::<(), wallet_core::Error>(())
    /// ```
    pub fn parse(s: &str, default_unit: Unit) -> Result<Self> {
        let t = s.trim();
        if t.is_empty() {
            return Err(Error::input("empty amount"));
        }
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            return U256::from_str_radix(h, 16)
                .map(Wei)
                .map_err(|_| Error::input(format!("'{t}' is not a hex amount of wei")));
        }
        let lower = t.to_ascii_lowercase();
        let (num, unit) = if let Some(n) = lower
            .strip_suffix("ether")
            .or_else(|| lower.strip_suffix("eth"))
        {
            (n, Unit::Ether)
        } else if let Some(n) = lower.strip_suffix("gwei") {
            (n, Unit::Gwei)
        } else if let Some(n) = lower.strip_suffix("wei") {
            (n, Unit::Wei)
        } else {
            (lower.as_str(), default_unit)
        };
        let num = num.trim();
        let (int, frac) = match num.split_once('.') {
            Some((i, f)) => (i, f),
            None => (num, ""),
        };
        let digits_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits_ok(int) || !digits_ok(frac) {
            return Err(Error::input(format!(
                "'{t}' is not an amount: write e.g. 1.5ether, 30gwei, 21000wei (a bare number is {})",
                match default_unit {
                    Unit::Ether => "ether",
                    Unit::Gwei => "gwei",
                    Unit::Wei => "wei",
                }
            )));
        }
        let dec = unit.decimals() as usize;
        let frac_trimmed = frac.trim_end_matches('0');
        if frac_trimmed.len() > dec {
            return Err(Error::input(format!(
                "'{t}' has more decimals than the unit allows ({dec}): amounts are whole wei"
            )));
        }
        let mut digits = String::with_capacity(int.len() + dec);
        digits.push_str(if int.is_empty() { "0" } else { int });
        digits.push_str(frac_trimmed);
        for _ in frac_trimmed.len()..dec {
            digits.push('0');
        }
        U256::from_str_radix(&digits, 10)
            .map(Wei)
            .map_err(|_| Error::input(format!("'{t}' is too large")))
    }

    /// `a + b`, `None` on overflow.
    #[must_use]
    pub fn checked_add(self, other: Wei) -> Option<Wei> {
        self.0.checked_add(other.0).map(Wei)
    }

    /// `self × n`, saturating.
    #[must_use]
    pub fn saturating_mul(self, n: u64) -> Wei {
        Wei(self.0.saturating_mul(U256::from(n)))
    }

    /// `self + other`, saturating.
    #[must_use]
    pub fn saturating_add(self, other: Wei) -> Wei {
        Wei(self.0.saturating_add(other.0))
    }

    /// `self × gas`, `None` on overflow.
    #[must_use]
    pub fn checked_mul_gas(self, gas: Gas) -> Option<Wei> {
        self.0.checked_mul(U256::from(gas.0)).map(Wei)
    }

    /// The amount in ether with all significant decimals (`1.5`, `0.000000001`).
    #[must_use]
    pub fn to_ether_string(&self) -> String {
        format_units(self.0, 18)
    }

    /// The amount in gwei with all significant decimals.
    #[must_use]
    pub fn to_gwei_string(&self) -> String {
        format_units(self.0, 9)
    }
}

fn format_units(v: U256, decimals: usize) -> String {
    let s = v.to_string();
    if decimals == 0 {
        return s;
    }
    let (int, frac) = if s.len() > decimals {
        (
            s[..s.len() - decimals].to_owned(),
            s[s.len() - decimals..].to_owned(),
        )
    } else {
        ("0".to_owned(), format!("{s:0>decimals$}"))
    };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    }
}

impl fmt::Display for Wei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} wei", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_units() {
        let e = |s| Wei::parse(s, Unit::Ether).unwrap().0;
        assert_eq!(e("1.5ether"), U256::from(1_500_000_000_000_000_000u128));
        assert_eq!(e("1.5 ETH"), U256::from(1_500_000_000_000_000_000u128));
        assert_eq!(e("0.01"), U256::from(10_000_000_000_000_000u128));
        assert_eq!(e("1500000gwei"), U256::from(1_500_000_000_000_000u128));
        assert_eq!(e("21000wei"), U256::from(21_000u64));
        assert_eq!(e("0x10"), U256::from(16u64));
        assert_eq!(e(".5"), U256::from(500_000_000_000_000_000u128));
        assert_eq!(e("1.000"), U256::from(1_000_000_000_000_000_000u128));
        assert_eq!(Wei::parse("30", Unit::Gwei).unwrap(), Wei::from_gwei(30));
        for bad in [
            "",
            "-1",
            "1.2.3",
            "abc",
            "1e18",
            "1.5wei",
            "0.0000000000000000001",
            "1.5 gw",
        ] {
            assert!(Wei::parse(bad, Unit::Ether).is_err(), "{bad}");
        }
        // Beyond 2^256 - 1 wei, however it is written.
        let too_big = format!("1{}", "0".repeat(78));
        for bad in [
            format!("{too_big}wei"),
            format!("{too_big}ether"),
            format!("0x1{}", "0".repeat(64)),
        ] {
            assert!(Wei::parse(&bad, Unit::Ether).is_err(), "{bad}");
        }
    }

    #[test]
    fn format() {
        assert_eq!(
            Wei::parse("1.5", Unit::Ether).unwrap().to_ether_string(),
            "1.5"
        );
        assert_eq!(Wei::from_wei(1).to_ether_string(), "0.000000000000000001");
        assert_eq!(Wei::from_gwei(30).to_gwei_string(), "30");
        assert_eq!(Wei::ZERO.to_ether_string(), "0");
    }
}
