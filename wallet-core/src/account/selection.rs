//! Which addresses a caller asks for, resolved in one place: every face (the
//! CLI's selector flags, the C ABI's selection JSON, the bindings' records)
//! fills a [`Selection`] and calls [`Selection::resolve`].

use super::{nth_path, AddressFormat, Keychain};
use crate::bitcoin::{AddressType, Network, NetworkParams};
use crate::chain::ChainKind;
use crate::error::{Result, SelectionError};
use crate::hd::DerivationPath;

/// What a caller selects: a chain, an address type and network (Bitcoin
/// family), and either an account position (account, keychain, index) or a
/// full path, plus how many consecutive addresses. Unset fields take the
/// conventional defaults (P2WPKH, mainnet, account 0, external, index 0, or
/// the type a path's purpose level names).
///
/// ```
/// use wallet_core::account::{Keychain, Selection};
/// use wallet_core::bitcoin::AddressType;
/// use wallet_core::chain::ChainKind;
///
/// let sel = Selection::for_chain(ChainKind::Bitcoin)
///     .with_type(AddressType::P2tr)
///     .at(1, Keychain::Internal, 7)
///     .with_count(3);
/// let r = sel.resolve(ChainKind::Bitcoin)?;
/// assert_eq!(r.first.to_string(), "m/86'/0'/1'/1/7");
/// assert_eq!(r.account_path.unwrap().to_string(), "m/86'/0'/1'");
/// // A path and a position at once is refused.
/// let both = Selection::for_chain(ChainKind::Ethereum)
///     .with_path("m/44'/60'/0'/0/0".parse()?)
///     .at(0, Keychain::External, 1);
/// assert!(both.resolve(ChainKind::Bitcoin).is_err());
/// # Ok::<(), wallet_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The chain; `None`: the caller's default.
    pub chain: Option<ChainKind>,
    /// The Bitcoin address type.
    pub kind: Option<AddressType>,
    /// The Bitcoin-family network.
    pub network: Option<Network>,
    /// The account (third, hardened level).
    pub account: Option<u32>,
    /// Receive or change addresses.
    pub keychain: Keychain,
    /// The first address index.
    pub index: Option<u32>,
    /// How many consecutive addresses (at least 1).
    pub count: u32,
    /// A full path of the first address, instead of a position.
    pub path: Option<DerivationPath>,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            chain: None,
            kind: None,
            network: None,
            account: None,
            keychain: Keychain::External,
            index: None,
            count: 1,
            path: None,
        }
    }
}

/// A checked selection: the encoding, the first path and the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// How the addresses are written.
    pub format: AddressFormat,
    /// The path of the first address.
    pub first: DerivationPath,
    /// How many consecutive addresses (their last level incremented).
    pub count: u32,
    /// The account path, when the selection was by account position.
    pub account_path: Option<DerivationPath>,
    /// Whether the address type was chosen (not defaulted).
    pub type_given: bool,
    /// Whether any position was chosen (see [`Selection::names_a_position`]).
    pub position_given: bool,
}

/// Which version bytes an account key is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum XpubStyle {
    /// BIP32's `xpub`/`tpub` (what descriptors and most wallets read).
    #[default]
    Bip32,
    /// SLIP-132's per-type versions (`ypub`/`zpub`, `upub`/`vpub`, `Ltub`/`Mtub`).
    Slip132,
}

impl Selection {
    /// The first address of `chain`'s account 0.
    #[must_use]
    pub fn for_chain(chain: ChainKind) -> Self {
        Self {
            chain: Some(chain),
            ..Self::default()
        }
    }

    /// This selection with the address type `kind`.
    #[must_use]
    pub fn with_type(mut self, kind: AddressType) -> Self {
        self.kind = Some(kind);
        self
    }

    /// This selection on `network`.
    #[must_use]
    pub fn with_network(mut self, network: Network) -> Self {
        self.network = Some(network);
        self
    }

    /// This selection starting at `index` of `account`.
    #[must_use]
    pub fn at(mut self, account: u32, keychain: Keychain, index: u32) -> Self {
        self.account = Some(account);
        self.keychain = keychain;
        self.index = Some(index);
        self
    }

    /// This selection with `count` consecutive addresses.
    #[must_use]
    pub fn with_count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// This selection at a full path.
    #[must_use]
    pub fn with_path(mut self, path: DerivationPath) -> Self {
        self.path = Some(path);
        self
    }

    /// Whether a path, account, index, the internal keychain or a count
    /// other than 1 was chosen: things a single key does not have.
    #[must_use]
    pub fn names_a_position(&self) -> bool {
        self.path.is_some()
            || self.account.is_some()
            || self.index.is_some()
            || self.keychain == Keychain::Internal
            || self.count != 1
    }

    /// Checks the selection and works out its paths (`default` is the
    /// chain when none is chosen). The whole run of `count` addresses is
    /// checked here, before anything is derived.
    pub fn resolve(&self, default: ChainKind) -> Result<Resolved> {
        let has_position =
            self.account.is_some() || self.index.is_some() || self.keychain == Keychain::Internal;
        if self.path.is_some() && has_position {
            return Err(SelectionError::PathWithPosition.into());
        }
        if self.count == 0 {
            return Err(SelectionError::ZeroCount.into());
        }
        let format = self.format(self.chain.unwrap_or(default))?;
        let (first, account_path) = match &self.path {
            Some(p) => (p.clone(), None),
            None => {
                let account = self.account.unwrap_or(0);
                let first = format.address_path(account, self.keychain, self.index.unwrap_or(0))?;
                (first, Some(format.account_path(account)?))
            }
        };
        nth_path(&first, self.count - 1)?;
        Ok(Resolved {
            format,
            first,
            count: self.count,
            account_path,
            type_given: self.kind.is_some(),
            position_given: self.names_a_position(),
        })
    }

    fn format(&self, chain: ChainKind) -> Result<AddressFormat> {
        let Some(family) = chain.bitcoin_family() else {
            if self.kind.is_some() {
                return Err(SelectionError::TypeOnEthereum.into());
            }
            if self.network.is_some() {
                return Err(SelectionError::NetworkOnEthereum.into());
            }
            return Ok(AddressFormat::Ethereum);
        };
        let params = NetworkParams::new(family, self.network.unwrap_or(Network::Mainnet))?;
        let kind = match (self.kind, &self.path) {
            (Some(k), _) => k,
            (None, Some(p)) => AddressFormat::type_for_path(p).unwrap_or(AddressType::P2wpkh),
            (None, None) => AddressType::P2wpkh,
        };
        Ok(AddressFormat::Bitcoin { params, kind })
    }
}

impl Resolved {
    /// The node an account key is exported for: the path when one was
    /// given, else the account.
    #[must_use]
    pub fn key_path(&self) -> &DerivationPath {
        self.account_path.as_ref().unwrap_or(&self.first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, ErrorKind};

    #[test]
    fn defaults_and_paths() {
        let r = Selection::default().resolve(ChainKind::Bitcoin).unwrap();
        assert_eq!(r.first.to_string(), "m/84'/0'/0'/0/0");
        assert_eq!(r.account_path.unwrap().to_string(), "m/84'/0'/0'");
        assert!(!r.position_given && !r.type_given);
        let p: DerivationPath = "m/86'/1'/0'/1/4".parse().unwrap();
        let r = Selection::for_chain(ChainKind::Litecoin)
            .with_path(p.clone())
            .with_network(Network::Regtest)
            .resolve(ChainKind::Bitcoin)
            .unwrap();
        assert_eq!(r.first, p);
        assert_eq!(r.key_path(), &p);
        assert!(matches!(
            r.format,
            AddressFormat::Bitcoin {
                kind: AddressType::P2tr,
                ..
            }
        ));
        let r = Selection::for_chain(ChainKind::Ethereum)
            .at(2, Keychain::Internal, 5)
            .resolve(ChainKind::Bitcoin)
            .unwrap();
        assert_eq!(r.first.to_string(), "m/44'/60'/2'/1/5");
        assert!(r.position_given);
    }

    #[test]
    fn refusals() {
        let eth = Selection::for_chain(ChainKind::Ethereum);
        let err = |s: &Selection| match s.resolve(ChainKind::Bitcoin).unwrap_err() {
            Error::Selection(e) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            err(&eth.clone().with_type(AddressType::P2tr)),
            SelectionError::TypeOnEthereum
        );
        assert_eq!(
            err(&eth.clone().with_network(Network::Testnet)),
            SelectionError::NetworkOnEthereum
        );
        assert_eq!(err(&eth.clone().with_count(0)), SelectionError::ZeroCount);
        let p: DerivationPath = "m/0".parse().unwrap();
        assert_eq!(
            err(&eth.clone().with_path(p).at(0, Keychain::External, 0)),
            SelectionError::PathWithPosition
        );
        let e = eth
            .clone()
            .at(0, Keychain::External, 2_147_483_647)
            .with_count(2)
            .resolve(ChainKind::Bitcoin)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidPath);
        let m = eth.with_path(DerivationPath::master()).with_count(2);
        assert_eq!(err(&m), SelectionError::NothingToIncrement);
    }

    #[test]
    fn xpub_versions() {
        use crate::hd::KeyVersion;
        let tbtc = Selection::for_chain(ChainKind::Bitcoin)
            .with_network(Network::Testnet)
            .resolve(ChainKind::Bitcoin)
            .unwrap()
            .format;
        assert_eq!(tbtc.xpub_version(XpubStyle::Bip32), KeyVersion::TPRV);
        assert_eq!(tbtc.xpub_version(XpubStyle::Slip132), KeyVersion::VPRV);
        assert_eq!(
            AddressFormat::Ethereum.xpub_version(XpubStyle::Slip132),
            KeyVersion::XPRV
        );
    }
}
