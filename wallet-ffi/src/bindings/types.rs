//! The domain values of the bindings as enums and records: chains,
//! networks, address types, word lists, and the two selections every face
//! fills (which addresses, which signing key). Each converts to the core's
//! type in one place; the core resolves and checks them.

use super::error::WalletResult;
use wallet_core::account;
use wallet_core::bitcoin;
use wallet_core::chain::ChainKind;
use wallet_core::hd::DerivationPath;
use wallet_core::wallet::KeyChoice as CoreKeyChoice;

/// A chain the wallet holds keys for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Chain {
    /// Bitcoin (`btc`).
    Bitcoin,
    /// Litecoin (`ltc`).
    Litecoin,
    /// Ethereum and every EVM chain (`eth`; the addresses are the same).
    Ethereum,
}

impl From<Chain> for ChainKind {
    fn from(c: Chain) -> Self {
        match c {
            Chain::Bitcoin => ChainKind::Bitcoin,
            Chain::Litecoin => ChainKind::Litecoin,
            Chain::Ethereum => ChainKind::Ethereum,
        }
    }
}

impl From<ChainKind> for Chain {
    fn from(c: ChainKind) -> Self {
        match c {
            ChainKind::Bitcoin => Chain::Bitcoin,
            ChainKind::Litecoin => Chain::Litecoin,
            ChainKind::Ethereum => Chain::Ethereum,
        }
    }
}

/// A network of a Bitcoin-family chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Network {
    /// The real network.
    Mainnet,
    /// The public test network.
    Testnet,
    /// Signet (Bitcoin only).
    Signet,
    /// A local regression-test network.
    Regtest,
}

impl From<Network> for bitcoin::Network {
    fn from(n: Network) -> Self {
        match n {
            Network::Mainnet => bitcoin::Network::Mainnet,
            Network::Testnet => bitcoin::Network::Testnet,
            Network::Signet => bitcoin::Network::Signet,
            Network::Regtest => bitcoin::Network::Regtest,
        }
    }
}

impl From<bitcoin::Network> for Network {
    fn from(n: bitcoin::Network) -> Self {
        match n {
            bitcoin::Network::Mainnet => Network::Mainnet,
            bitcoin::Network::Testnet => Network::Testnet,
            bitcoin::Network::Signet => Network::Signet,
            bitcoin::Network::Regtest => Network::Regtest,
        }
    }
}

/// A Bitcoin-family address type (script type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum AddressType {
    /// Legacy pay-to-public-key-hash, BIP44 paths (`1…`).
    P2pkh,
    /// Nested segwit, P2WPKH inside P2SH, BIP49 paths (`3…`).
    P2shP2wpkh,
    /// Native segwit v0, BIP84 paths (`bc1q…`).
    P2wpkh,
    /// Taproot key path with the BIP86 tweak (`bc1p…`).
    P2tr,
}

impl From<AddressType> for bitcoin::AddressType {
    fn from(t: AddressType) -> Self {
        match t {
            AddressType::P2pkh => bitcoin::AddressType::P2pkh,
            AddressType::P2shP2wpkh => bitcoin::AddressType::P2shP2wpkh,
            AddressType::P2wpkh => bitcoin::AddressType::P2wpkh,
            AddressType::P2tr => bitcoin::AddressType::P2tr,
        }
    }
}

impl From<bitcoin::AddressType> for AddressType {
    fn from(t: bitcoin::AddressType) -> Self {
        match t {
            bitcoin::AddressType::P2pkh => AddressType::P2pkh,
            bitcoin::AddressType::P2shP2wpkh => AddressType::P2shP2wpkh,
            bitcoin::AddressType::P2wpkh => AddressType::P2wpkh,
            bitcoin::AddressType::P2tr => AddressType::P2tr,
        }
    }
}

/// Receive (external) or change (internal) addresses: the fourth path level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, uniffi::Enum)]
pub enum Keychain {
    /// Receive addresses (`…/0/i`).
    #[default]
    External,
    /// Change addresses (`…/1/i`).
    Internal,
}

impl From<Keychain> for account::Keychain {
    fn from(k: Keychain) -> Self {
        match k {
            Keychain::External => account::Keychain::External,
            Keychain::Internal => account::Keychain::Internal,
        }
    }
}

pub use super::language::Language;

/// Which addresses: a chain, for the Bitcoin family an address type and a
/// network, then either a position (account, keychain, index) or a full
/// path, and how many consecutive addresses. Unset fields take the
/// conventional defaults: the call's default chain (Bitcoin), P2WPKH (or the
/// type a path's purpose names), mainnet, account 0, receive keychain,
/// index 0, one address.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Selection {
    /// The chain (null: the call's default, Bitcoin).
    #[uniffi(default = None)]
    pub chain: Option<Chain>,
    /// The address type (Bitcoin family only).
    #[uniffi(default = None)]
    pub address_type: Option<AddressType>,
    /// The network (Bitcoin family only; null: mainnet).
    #[uniffi(default = None)]
    pub network: Option<Network>,
    /// The account, the third (hardened) path level.
    #[uniffi(default = None)]
    pub account: Option<u32>,
    /// Receive or change addresses (null: receive).
    #[uniffi(default = None)]
    pub keychain: Option<Keychain>,
    /// The first address index.
    #[uniffi(default = None)]
    pub index: Option<u32>,
    /// How many consecutive addresses (at least 1).
    #[uniffi(default = 1)]
    pub count: u32,
    /// The full path of the first address (`m/84'/0'/0'/0/0`), instead of a
    /// position.
    #[uniffi(default = None)]
    pub path: Option<String>,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            chain: None,
            address_type: None,
            network: None,
            account: None,
            keychain: None,
            index: None,
            count: 1,
            path: None,
        }
    }
}

fn path(p: &Option<String>) -> WalletResult<Option<DerivationPath>> {
    Ok(p.as_deref().map(str::parse).transpose()?)
}

impl Selection {
    /// The core's selection (the path parsed; everything else is checked
    /// when the core resolves it).
    pub(crate) fn to_core(&self) -> WalletResult<account::Selection> {
        Ok(account::Selection {
            chain: self.chain.map(Into::into),
            kind: self.address_type.map(Into::into),
            network: self.network.map(Into::into),
            account: self.account,
            keychain: self.keychain.unwrap_or_default().into(),
            index: self.index,
            count: self.count,
            path: path(&self.path)?,
        })
    }
}

/// Which key of a wallet signs for Ethereum: a position
/// (`m/44'/60'/account'/0/index`) or a full path. A single-key wallet has
/// one key and takes none of these.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct KeyChoice {
    /// The account (null: 0).
    #[uniffi(default = None)]
    pub account: Option<u32>,
    /// The address index (null: 0).
    #[uniffi(default = None)]
    pub index: Option<u32>,
    /// A full path instead.
    #[uniffi(default = None)]
    pub path: Option<String>,
}

impl KeyChoice {
    /// The core's choice.
    pub(crate) fn to_core(&self) -> WalletResult<CoreKeyChoice> {
        Ok(CoreKeyChoice {
            account: self.account,
            index: self.index,
            path: path(&self.path)?,
        })
    }
}

/// How one exported private key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyForm {
    /// Wallet Import Format (Bitcoin family).
    Wif,
    /// 64 hex digits.
    Hex,
    /// PEM, SEC1 (`EC PRIVATE KEY`).
    Sec1Pem,
    /// PEM, PKCS#8 (`PRIVATE KEY`).
    Pkcs8Pem,
}

impl From<KeyForm> for wallet_core::wallet::KeyForm {
    fn from(f: KeyForm) -> Self {
        use wallet_core::wallet::KeyForm as F;
        match f {
            KeyForm::Wif => F::Wif,
            KeyForm::Hex => F::Hex,
            KeyForm::Sec1Pem => F::Pem { pkcs8: false },
            KeyForm::Pkcs8Pem => F::Pem { pkcs8: true },
        }
    }
}

/// The chain of a view's code (`btc`, `ltc`, `eth`).
pub(crate) fn chain_of(code: &str) -> WalletResult<Chain> {
    Ok(code.parse::<ChainKind>()?.into())
}

/// The network of a view's code, if any.
pub(crate) fn network_of(code: Option<&str>) -> WalletResult<Option<Network>> {
    Ok(code
        .map(str::parse::<bitcoin::Network>)
        .transpose()?
        .map(Into::into))
}

/// The address type of a view's code, if any.
pub(crate) fn address_type_of(code: Option<&str>) -> WalletResult<Option<AddressType>> {
    Ok(code
        .map(str::parse::<bitcoin::AddressType>)
        .transpose()?
        .map(Into::into))
}

/// The network parameters of a Bitcoin-family chain (Ethereum is refused).
pub(crate) fn params(chain: Chain, network: Network) -> WalletResult<bitcoin::NetworkParams> {
    let family = ChainKind::from(chain).bitcoin_family().ok_or_else(|| {
        wallet_core::Error::InvalidInput(
            "this needs a Bitcoin-family chain (Bitcoin or Litecoin), not Ethereum".into(),
        )
    })?;
    Ok(bitcoin::NetworkParams::new(family, network.into())?)
}
