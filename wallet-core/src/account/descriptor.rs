//! The addresses of an account descriptor: the same walk as every other
//! account, so a watch-only wallet shows what its keys would.

use super::{walk, AddressFormat, DerivedAddress};
use crate::bitcoin::descriptor::{AccountDescriptor, Keychains};
use crate::hd::{ChildIndex, Keychain};

impl AccountDescriptor {
    /// `count` addresses of `keychain` from index `start`, with their full
    /// paths from the master key (the same walk as `crate::account`).
    pub fn addresses(
        &self,
        keychain: Keychain,
        start: u32,
        count: u32,
    ) -> crate::Result<Vec<DerivedAddress>> {
        self.require(Keychains::Only(keychain))?;
        let child = ChildIndex::normal(keychain.index())?;
        let branch = self.xpub().derive_child(child)?;
        let path = self.origin().path.child(child)?;
        let format = AddressFormat::Bitcoin {
            params: self.params(),
            kind: self.kind(),
        };
        walk(&branch, &path, &format, start, count)
    }
}
