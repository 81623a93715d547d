//! The chains a wallet holds keys for, as one enum: the Bitcoin family
//! (Bitcoin, Litecoin) and Ethereum.

use crate::bitcoin::Chain;
use crate::error::{Error, Result};
use core::fmt;
use core::str::FromStr;

/// A chain the wallet derives addresses for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainKind {
    /// Bitcoin.
    Bitcoin,
    /// Litecoin.
    Litecoin,
    /// Ethereum (and every EVM chain: the addresses are the same).
    Ethereum,
}

impl ChainKind {
    /// Every chain, in the order lists show them.
    pub const ALL: [ChainKind; 3] = [ChainKind::Bitcoin, ChainKind::Litecoin, ChainKind::Ethereum];

    /// The short code scripts and JSON use: `btc`, `ltc`, `eth`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            ChainKind::Bitcoin => "btc",
            ChainKind::Litecoin => "ltc",
            ChainKind::Ethereum => "eth",
        }
    }

    /// The Bitcoin-family chain, or `None` for Ethereum.
    #[must_use]
    pub const fn bitcoin_family(self) -> Option<Chain> {
        match self {
            ChainKind::Bitcoin => Some(Chain::Bitcoin),
            ChainKind::Litecoin => Some(Chain::Litecoin),
            ChainKind::Ethereum => None,
        }
    }
}

impl From<Chain> for ChainKind {
    fn from(c: Chain) -> Self {
        match c {
            Chain::Bitcoin => ChainKind::Bitcoin,
            Chain::Litecoin => ChainKind::Litecoin,
        }
    }
}

impl fmt::Display for ChainKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChainKind::Bitcoin => "Bitcoin",
            ChainKind::Litecoin => "Litecoin",
            ChainKind::Ethereum => "Ethereum",
        })
    }
}

impl FromStr for ChainKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "btc" | "bitcoin" => Ok(ChainKind::Bitcoin),
            "ltc" | "litecoin" => Ok(ChainKind::Litecoin),
            "eth" | "ethereum" => Ok(ChainKind::Ethereum),
            _ => Err(Error::input(format!(
                "unknown chain '{s}'; expected btc, ltc or eth"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in ChainKind::ALL {
            assert_eq!(c.code().parse::<ChainKind>().unwrap(), c);
        }
        assert_eq!(
            "Litecoin".parse::<ChainKind>().unwrap(),
            ChainKind::Litecoin
        );
        assert!("doge".parse::<ChainKind>().is_err());
        assert_eq!(ChainKind::Ethereum.bitcoin_family(), None);
    }
}
