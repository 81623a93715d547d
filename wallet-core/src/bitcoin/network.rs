//! Bitcoin-family chains and networks, and the encoding constants that differ
//! between them. Everything else (scripts, sighashes) is shared.

use crate::error::{Error, Result};
use crate::hd::{KeyVersion, Purpose};
use core::fmt;
use core::str::FromStr;

/// A Bitcoin-family chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chain {
    /// Bitcoin.
    Bitcoin,
    /// Litecoin (Bitcoin's scripts and sighashes, its own prefixes, coin type 2).
    Litecoin,
}

impl Chain {
    /// Short ticker-style code: `btc`, `ltc`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Chain::Bitcoin => "btc",
            Chain::Litecoin => "ltc",
        }
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Chain::Bitcoin => "Bitcoin",
            Chain::Litecoin => "Litecoin",
        })
    }
}

impl FromStr for Chain {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "btc" | "bitcoin" => Ok(Chain::Bitcoin),
            "ltc" | "litecoin" => Ok(Chain::Litecoin),
            _ => Err(Error::input(format!(
                "unknown chain '{s}'; expected btc or ltc"
            ))),
        }
    }
}

/// Which network of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    /// The real network.
    Mainnet,
    /// The public test network.
    Testnet,
    /// Signet (Bitcoin only).
    Signet,
    /// Local regression-test network.
    Regtest,
}

impl Network {
    /// Lowercase name: `mainnet`, `testnet`, `signet`, `regtest`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Testnet => "testnet",
            Network::Signet => "signet",
            Network::Regtest => "regtest",
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Network {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mainnet" | "main" | "bitcoin" | "livenet" => Ok(Network::Mainnet),
            "testnet" | "test" | "testnet3" | "testnet4" => Ok(Network::Testnet),
            "signet" => Ok(Network::Signet),
            "regtest" => Ok(Network::Regtest),
            _ => Err(Error::input(format!(
                "unknown network '{s}'; expected mainnet, testnet, signet or regtest"
            ))),
        }
    }
}

/// A chain and one of its networks: the encoding constants for addresses, WIF
/// and extended keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetworkParams {
    chain: Chain,
    network: Network,
}

impl NetworkParams {
    /// Bitcoin mainnet.
    pub const BITCOIN: NetworkParams = NetworkParams {
        chain: Chain::Bitcoin,
        network: Network::Mainnet,
    };

    /// Every supported (chain, network) pair.
    pub const ALL: [NetworkParams; 7] = [
        NetworkParams::BITCOIN,
        NetworkParams {
            chain: Chain::Bitcoin,
            network: Network::Testnet,
        },
        NetworkParams {
            chain: Chain::Bitcoin,
            network: Network::Signet,
        },
        NetworkParams {
            chain: Chain::Bitcoin,
            network: Network::Regtest,
        },
        NetworkParams {
            chain: Chain::Litecoin,
            network: Network::Mainnet,
        },
        NetworkParams {
            chain: Chain::Litecoin,
            network: Network::Testnet,
        },
        NetworkParams {
            chain: Chain::Litecoin,
            network: Network::Regtest,
        },
    ];

    /// The parameters of `network` on `chain` (Litecoin has no signet).
    pub fn new(chain: Chain, network: Network) -> Result<Self> {
        if chain == Chain::Litecoin && network == Network::Signet {
            return Err(Error::Unsupported("Litecoin has no signet".into()));
        }
        Ok(Self { chain, network })
    }

    /// The chain.
    #[must_use]
    pub const fn chain(self) -> Chain {
        self.chain
    }

    /// The network.
    #[must_use]
    pub const fn network(self) -> Network {
        self.network
    }

    /// True for every network but mainnet.
    #[must_use]
    pub const fn is_test(self) -> bool {
        !matches!(self.network, Network::Mainnet)
    }

    /// Base58 version byte of P2PKH addresses.
    #[must_use]
    pub const fn p2pkh_prefix(self) -> u8 {
        match (self.chain, self.network) {
            (Chain::Bitcoin, Network::Mainnet) => 0x00,
            (Chain::Litecoin, Network::Mainnet) => 0x30,
            _ => 0x6f,
        }
    }

    /// Base58 version byte of P2SH addresses (the one we write).
    #[must_use]
    pub const fn p2sh_prefix(self) -> u8 {
        match (self.chain, self.network) {
            (Chain::Bitcoin, Network::Mainnet) => 0x05,
            (Chain::Bitcoin, _) => 0xc4,
            (Chain::Litecoin, Network::Mainnet) => 0x32,
            (Chain::Litecoin, _) => 0x3a,
        }
    }

    /// A second P2SH version byte the chain still accepts (Litecoin's legacy `3…`/`2…`).
    #[must_use]
    pub const fn legacy_p2sh_prefix(self) -> Option<u8> {
        match (self.chain, self.network) {
            (Chain::Litecoin, Network::Mainnet) => Some(0x05),
            (Chain::Litecoin, _) => Some(0xc4),
            _ => None,
        }
    }

    /// Bech32 human-readable part of segwit addresses.
    #[must_use]
    pub const fn hrp(self) -> &'static str {
        match (self.chain, self.network) {
            (Chain::Bitcoin, Network::Mainnet) => "bc",
            (Chain::Bitcoin, Network::Testnet | Network::Signet) => "tb",
            (Chain::Bitcoin, Network::Regtest) => "bcrt",
            (Chain::Litecoin, Network::Mainnet) => "ltc",
            (Chain::Litecoin, Network::Testnet | Network::Signet) => "tltc",
            (Chain::Litecoin, Network::Regtest) => "rltc",
        }
    }

    /// WIF version byte.
    #[must_use]
    pub const fn wif_prefix(self) -> u8 {
        match (self.chain, self.network) {
            (Chain::Bitcoin, Network::Mainnet) => 0x80,
            (Chain::Litecoin, Network::Mainnet) => 0xb0,
            _ => 0xef,
        }
    }

    /// The dust relay fee of the chain's reference node: outputs worth less
    /// than the cost of creating and spending them at this rate are not
    /// relayed. Bitcoin Core's `DUST_RELAY_TX_FEE` is 3000 sat/kvB (3
    /// sat/vB); Litecoin Core's `-dustrelayfee` defaults to 0.0003 LTC/kB.
    #[must_use]
    pub const fn dust_relay_fee(self) -> bitcoin::FeeRate {
        match self.chain {
            Chain::Bitcoin => bitcoin::FeeRate::from_sat_per_kwu(750),
            Chain::Litecoin => bitcoin::FeeRate::from_sat_per_kwu(7_500),
        }
    }

    /// SLIP-44 coin type: 0 for Bitcoin, 2 for Litecoin, 1 on every test network.
    #[must_use]
    pub const fn coin_type(self) -> u32 {
        match (self.chain, self.network) {
            (Chain::Bitcoin, Network::Mainnet) => 0,
            (Chain::Litecoin, Network::Mainnet) => 2,
            _ => 1,
        }
    }

    /// The extended-key versions to write for an account of `purpose`
    /// (SLIP-132: x/y/z on Bitcoin, t/u/v on test networks, Ltub/Mtub/zpub
    /// on Litecoin; taproot accounts use plain xprv/tprv).
    #[must_use]
    pub const fn key_version(self, purpose: Purpose) -> KeyVersion {
        match (self.chain, self.network, purpose) {
            (Chain::Bitcoin, Network::Mainnet, Purpose::Bip49) => KeyVersion::YPRV,
            (_, Network::Mainnet, Purpose::Bip84) => KeyVersion::ZPRV,
            // SLIP-132 has no taproot versions: xprv everywhere (Ltpv means P2PKH).
            (_, Network::Mainnet, Purpose::Bip86) => KeyVersion::XPRV,
            (Chain::Bitcoin, Network::Mainnet, _) => KeyVersion::XPRV,
            (Chain::Litecoin, Network::Mainnet, Purpose::Bip49) => KeyVersion::MTPV,
            (Chain::Litecoin, Network::Mainnet, _) => KeyVersion::LTPV,
            (_, _, Purpose::Bip49) => KeyVersion::UPRV,
            (_, _, Purpose::Bip84) => KeyVersion::VPRV,
            _ => KeyVersion::TPRV,
        }
    }

    /// Whether an extended key with `version` may be used on this network.
    #[must_use]
    pub fn accepts_key_version(self, version: KeyVersion) -> bool {
        use crate::hd::VersionNet;
        match version.net {
            VersionNet::BitcoinMain => !self.is_test(),
            VersionNet::LitecoinMain => self.chain == Chain::Litecoin && !self.is_test(),
            VersionNet::Test | VersionNet::LitecoinTest => self.is_test(),
        }
    }
}

impl fmt::Display for NetworkParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.chain, self.network)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_names() {
        assert_eq!("LTC".parse::<Chain>().unwrap(), Chain::Litecoin);
        assert_eq!("regtest".parse::<Network>().unwrap(), Network::Regtest);
        assert!("moon".parse::<Network>().is_err());
        assert!(NetworkParams::new(Chain::Litecoin, Network::Signet).is_err());
    }

    #[test]
    fn litecoin_constants() {
        let ltc = NetworkParams::new(Chain::Litecoin, Network::Mainnet).unwrap();
        assert_eq!(
            (ltc.p2pkh_prefix(), ltc.p2sh_prefix(), ltc.hrp()),
            (0x30, 0x32, "ltc")
        );
        assert_eq!(ltc.coin_type(), 2);
        let rt = NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap();
        assert_eq!(rt.hrp(), "rltc");
        let tn = NetworkParams::new(Chain::Litecoin, Network::Testnet).unwrap();
        assert_eq!((tn.p2sh_prefix(), tn.hrp()), (0x3a, "tltc"));
        assert_eq!(
            (
                ltc.dust_relay_fee().to_sat_per_kwu() * 4,
                NetworkParams::BITCOIN.dust_relay_fee().to_sat_per_kwu() * 4
            ),
            (30_000, 3_000)
        );
    }

    #[test]
    fn slip132_versions_per_purpose() {
        let ltc = NetworkParams::new(Chain::Litecoin, Network::Mainnet).unwrap();
        let btc = NetworkParams::BITCOIN;
        let test = NetworkParams::new(Chain::Litecoin, Network::Testnet).unwrap();
        for (params, purpose, want) in [
            (btc, Purpose::Bip44, KeyVersion::XPRV),
            (btc, Purpose::Bip49, KeyVersion::YPRV),
            (btc, Purpose::Bip84, KeyVersion::ZPRV),
            (btc, Purpose::Bip86, KeyVersion::XPRV),
            (ltc, Purpose::Bip44, KeyVersion::LTPV),
            (ltc, Purpose::Bip49, KeyVersion::MTPV),
            (ltc, Purpose::Bip84, KeyVersion::ZPRV),
            // SLIP-132 has no taproot version; Ltpv would claim P2PKH.
            (ltc, Purpose::Bip86, KeyVersion::XPRV),
            (test, Purpose::Bip49, KeyVersion::UPRV),
            (test, Purpose::Bip84, KeyVersion::VPRV),
            (test, Purpose::Bip86, KeyVersion::TPRV),
        ] {
            assert_eq!(params.key_version(purpose), want, "{params} {purpose:?}");
        }
    }
}
