//! Accounts and their addresses, for every chain: which path an address lives
//! at ([`Selection`] resolved into a [`Resolved`] plan), how it is encoded
//! ([`AddressFormat`]), and fast walks over many indexes ([`derive_addresses`],
//! [`walk`]).

mod descriptor;
mod selection;
mod walk;

pub use crate::error::SelectionError;
pub use crate::hd::Keychain;
pub use selection::{Resolved, Selection, XpubStyle};
pub use walk::{derive_addresses, derive_addresses_with, walk, walk_with, Parallelism};

use crate::bitcoin::{self, AddressType, NetworkParams};
use crate::chain::ChainKind;
use crate::error::Result;
use crate::ethereum;
use crate::hd::{self, DerivationPath, KeyVersion, Purpose};
use crate::key::PublicKey;

/// How an address is derived and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressFormat {
    /// A Bitcoin-family address of one type on one network.
    Bitcoin {
        /// Chain and network.
        params: NetworkParams,
        /// Script type.
        kind: AddressType,
    },
    /// An Ethereum address (EIP-55).
    Ethereum,
}

impl AddressFormat {
    /// The chain this format writes addresses for.
    #[must_use]
    pub fn chain(&self) -> ChainKind {
        match self {
            AddressFormat::Bitcoin { params, .. } => params.chain().into(),
            AddressFormat::Ethereum => ChainKind::Ethereum,
        }
    }

    /// The account-level path: `m/purpose'/coin'/account'`, or `m/44'/60'/account'`.
    pub fn account_path(&self, account: u32) -> Result<DerivationPath> {
        match self {
            AddressFormat::Bitcoin { params, kind } => {
                hd::account_path(kind.purpose(), params.coin_type(), account)
            }
            AddressFormat::Ethereum => {
                hd::account_path(Purpose::Bip44, hd::ETHEREUM_COIN_TYPE, account)
            }
        }
    }

    /// The full path of address `index` on `keychain` of `account`.
    pub fn address_path(
        &self,
        account: u32,
        keychain: Keychain,
        index: u32,
    ) -> Result<DerivationPath> {
        hd::address_path(&self.account_path(account)?, keychain, index)
    }

    /// The extended-key versions of this format's SLIP-132 convention
    /// (`zpub` for P2WPKH on Bitcoin mainnet, …; `xpub` where none exists).
    #[must_use]
    pub fn key_version(&self) -> KeyVersion {
        match self {
            AddressFormat::Bitcoin { params, kind } => params.key_version(kind.purpose()),
            AddressFormat::Ethereum => KeyVersion::XPRV,
        }
    }

    /// The version bytes an account key of this format is written with.
    #[must_use]
    pub fn xpub_version(&self, style: XpubStyle) -> KeyVersion {
        match (self, style) {
            (AddressFormat::Bitcoin { params, .. }, XpubStyle::Bip32) if params.is_test() => {
                KeyVersion::TPRV
            }
            (_, XpubStyle::Bip32) => KeyVersion::XPRV,
            (_, XpubStyle::Slip132) => self.key_version(),
        }
    }

    /// The address of `key`.
    pub fn encode(&self, key: &PublicKey) -> Result<String> {
        match self {
            AddressFormat::Bitcoin { params, kind } => {
                Ok(bitcoin::Address::from_public_key(key, *kind, *params)?.to_string())
            }
            AddressFormat::Ethereum => Ok(ethereum::Address::from_public_key(key).to_checksum()),
        }
    }

    /// The Bitcoin address type a path's purpose level suggests (44/49/84/86).
    #[must_use]
    pub fn type_for_path(path: &DerivationPath) -> Option<AddressType> {
        let first = path.indexes().first()?;
        if !first.is_hardened() {
            return None;
        }
        Purpose::from_number(first.index()).map(AddressType::from_purpose)
    }
}

/// One derived address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedAddress {
    /// Full path from the master key.
    pub path: DerivationPath,
    /// The encoded address.
    pub address: String,
    /// The public key at that path.
    pub public_key: PublicKey,
}

/// The path `offset` places after `first` on the same level (its last index
/// plus `offset`): where a run of consecutive addresses continues. Errors
/// when that runs past the last index, or `first` has no level to increment
/// (and `offset` is not 0).
pub fn nth_path(first: &DerivationPath, offset: u32) -> Result<DerivationPath> {
    if offset == 0 {
        return Ok(first.clone());
    }
    let (Some(parent), Some(start)) = (first.parent(), first.last()) else {
        return Err(SelectionError::NothingToIncrement.into());
    };
    let child = start
        .checked_add(offset)
        .ok_or(SelectionError::RunPastLastIndex {
            count: u64::from(offset) + 1,
            start: start.index(),
        })?;
    Ok(parent.child(child)?)
}
