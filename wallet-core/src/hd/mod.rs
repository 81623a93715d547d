//! BIP32 hierarchical deterministic keys: paths, extended keys, SLIP-132
//! versions, and the account conventions of BIP44/49/84/86 and Ethereum.

mod path;
mod xkey;

pub use path::{ChildIndex, DerivationPath, HARDENED};
pub use xkey::{
    ExtendedKey, ExtendedPrivateKey, ExtendedPublicKey, Fingerprint, KeyVersion, Purpose,
    VersionNet,
};

pub(crate) use xkey::tweak_add_point;

use crate::error::Result;

/// SLIP-44 coin type of Ethereum.
pub const ETHEREUM_COIN_TYPE: u32 = 60;

/// `m / purpose' / coin_type' / account'`: the account level of BIP44-style wallets.
pub fn account_path(purpose: u32, coin_type: u32, account: u32) -> Result<DerivationPath> {
    DerivationPath::from_indexes(vec![
        ChildIndex::hardened(purpose)?,
        ChildIndex::hardened(coin_type)?,
        ChildIndex::hardened(account)?,
    ])
}

/// `account / change / index`: the full path of one address below an account.
pub fn address_path(account: &DerivationPath, change: bool, index: u32) -> Result<DerivationPath> {
    account
        .child(ChildIndex::normal(u32::from(change))?)?
        .child(ChildIndex::normal(index)?)
}

/// Ethereum's `m/44'/60'/account'/0/index` (MetaMask, Foundry, ethers).
pub fn ethereum_path(account: u32, index: u32) -> Result<DerivationPath> {
    address_path(
        &account_path(44, ETHEREUM_COIN_TYPE, account)?,
        false,
        index,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        assert_eq!(ethereum_path(0, 3).unwrap().to_string(), "m/44'/60'/0'/0/3");
        let acct = account_path(84, 0, 1).unwrap();
        assert_eq!(acct.to_string(), "m/84'/0'/1'");
        assert_eq!(
            address_path(&acct, true, 7).unwrap().to_string(),
            "m/84'/0'/1'/1/7"
        );
    }
}
