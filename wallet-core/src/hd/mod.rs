//! BIP32 hierarchical deterministic keys: paths, extended keys, SLIP-132
//! versions, and the account conventions of BIP44/49/84/86 and Ethereum.

mod children;
mod fingerprint;

mod version;
mod xkey;

pub use crate::path::{ChildIndex, DerivationPath, PathError, HARDENED};
pub use fingerprint::Fingerprint;
pub use version::{KeyVersion, Purpose, VersionNet};
pub use xkey::{ExtendedKey, ExtendedKeyMeta, ExtendedPrivateKey, ExtendedPublicKey};

pub(crate) use xkey::base58_problem;

use crate::error::Result;

/// SLIP-44 coin type of Ethereum.
pub const ETHEREUM_COIN_TYPE: u32 = 60;

/// Which chain of addresses below an account (BIP44's `change` level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Keychain {
    /// Receive addresses (`…/0/i`), handed out to payers.
    #[default]
    External,
    /// Change addresses (`…/1/i`), used by the wallet's own payments.
    Internal,
}

impl Keychain {
    /// The path level: 0 external, 1 internal.
    #[must_use]
    pub const fn index(self) -> u32 {
        match self {
            Keychain::External => 0,
            Keychain::Internal => 1,
        }
    }

    /// The chain a path level names (`0` or `1`).
    #[must_use]
    pub const fn from_index(i: u32) -> Option<Self> {
        match i {
            0 => Some(Keychain::External),
            1 => Some(Keychain::Internal),
            _ => None,
        }
    }

    /// The chain's node (`…/0` or `…/1`) as a child index.
    #[must_use]
    pub fn child(self) -> ChildIndex {
        ChildIndex::from_raw(self.index())
    }
}

impl core::fmt::Display for Keychain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Keychain::External => "external (receive)",
            Keychain::Internal => "internal (change)",
        })
    }
}

/// `m / purpose' / coin_type' / account'`: the account level of BIP44-style wallets.
pub fn account_path(purpose: Purpose, coin_type: u32, account: u32) -> Result<DerivationPath> {
    Ok(DerivationPath::from_indexes(vec![
        ChildIndex::hardened(purpose.number())?,
        ChildIndex::hardened(coin_type)?,
        ChildIndex::hardened(account)?,
    ])?)
}

/// `account / keychain / index`: the full path of one address below an account.
pub fn address_path(
    account: &DerivationPath,
    keychain: Keychain,
    index: u32,
) -> Result<DerivationPath> {
    Ok(account
        .child(keychain.child())?
        .child(ChildIndex::normal(index)?)?)
}

/// Ethereum's `m/44'/60'/account'/0/index` (MetaMask, Foundry, ethers).
pub fn ethereum_path(account: u32, index: u32) -> Result<DerivationPath> {
    address_path(
        &account_path(Purpose::Bip44, ETHEREUM_COIN_TYPE, account)?,
        Keychain::External,
        index,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        assert_eq!(ethereum_path(0, 3).unwrap().to_string(), "m/44'/60'/0'/0/3");
        let acct = account_path(Purpose::Bip84, 0, 1).unwrap();
        assert_eq!(acct.to_string(), "m/84'/0'/1'");
        assert_eq!(
            address_path(&acct, Keychain::Internal, 7)
                .unwrap()
                .to_string(),
            "m/84'/0'/1'/1/7"
        );
    }
}
