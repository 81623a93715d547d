//! Accounts and their addresses, for every chain: which path an address lives
//! at, how it is encoded, and fast walks over many indexes.
//!
//! Walking is done from the parent public key of the last (non-hardened)
//! level: one hardened derivation from the seed, then one point addition per
//! address, spread over all cores for large counts.

use crate::bitcoin::{self, AddressType, NetworkParams};
use crate::error::{Error, Result};
use crate::ethereum;
use crate::hd::{
    self, ChildIndex, DerivationPath, ExtendedPrivateKey, ExtendedPublicKey, KeyVersion, Purpose,
};
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
    /// The account-level path: `m/purpose'/coin'/account'`, or `m/44'/60'/account'`.
    pub fn account_path(&self, account: u32) -> Result<DerivationPath> {
        match self {
            AddressFormat::Bitcoin { params, kind } => {
                hd::account_path(kind.purpose().number(), params.coin_type(), account)
            }
            AddressFormat::Ethereum => hd::account_path(44, hd::ETHEREUM_COIN_TYPE, account),
        }
    }

    /// The full path of address `index` on the receive (or change) chain of `account`.
    pub fn address_path(&self, account: u32, change: bool, index: u32) -> Result<DerivationPath> {
        hd::address_path(&self.account_path(account)?, change, index)
    }

    /// The extended-key versions to write for this format's accounts.
    #[must_use]
    pub fn key_version(&self) -> KeyVersion {
        match self {
            AddressFormat::Bitcoin { params, kind } => params.key_version(kind.purpose()),
            AddressFormat::Ethereum => KeyVersion::XPRV,
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
        return Err(Error::InvalidPath(
            "--count needs a path with at least one level to increment".into(),
        ));
    };
    let child = start.checked_add(offset).ok_or_else(|| {
        Error::InvalidPath(format!(
            "{} addresses from index {} run past the last index 2147483647",
            u64::from(offset) + 1,
            start.index()
        ))
    })?;
    parent.child(child)
}

/// Below this many addresses a walk stays on one thread.
const PARALLEL_THRESHOLD: u32 = 512;

/// Derives `count` consecutive addresses starting at `first` (the last path
/// level is incremented). The private key is only used down to the parent of
/// the last level when that level is non-hardened.
pub fn derive_addresses(
    master: &ExtendedPrivateKey,
    format: &AddressFormat,
    first: &DerivationPath,
    count: u32,
) -> Result<Vec<DerivedAddress>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let (Some(parent_path), Some(start)) = (first.parent(), first.last()) else {
        if count > 1 {
            return Err(Error::InvalidPath(
                "--count needs a path with at least one level to increment".into(),
            ));
        }
        let pk = *master.public_key().public_key();
        return Ok(vec![DerivedAddress {
            path: first.clone(),
            address: format.encode(&pk)?,
            public_key: pk,
        }]);
    };
    start.checked_add(count - 1).ok_or_else(|| {
        Error::InvalidPath(format!(
            "{count} addresses from index {start} run past the last index 2147483647"
        ))
    })?;
    let parent = master.derive_path(&parent_path)?;
    if start.is_hardened() {
        // Hardened leaves need the private key for every address.
        return (0..count)
            .map(|i| {
                let child = start
                    .checked_add(i)
                    .ok_or_else(|| Error::Internal("index overflow".into()))?;
                let pk = *parent.derive_child(child)?.public_key().public_key();
                Ok(DerivedAddress {
                    path: parent_path.child(child)?,
                    address: format.encode(&pk)?,
                    public_key: pk,
                })
            })
            .collect();
    }
    walk(
        &parent.public_key(),
        &parent_path,
        format,
        start.index(),
        count,
    )
}

/// Derives `count` addresses below an extended public key (`parent`, which
/// sits at `parent_path`), at non-hardened indexes `start..start+count`.
pub fn walk(
    parent: &ExtendedPublicKey,
    parent_path: &DerivationPath,
    format: &AddressFormat,
    start: u32,
    count: u32,
) -> Result<Vec<DerivedAddress>> {
    if u64::from(start) + u64::from(count) > u64::from(hd::HARDENED) {
        return Err(Error::InvalidPath(format!(
            "{count} addresses from index {start} run past the last index 2147483647"
        )));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let threads = if count >= PARALLEL_THRESHOLD {
        threads.clamp(1, 64)
    } else {
        1
    };
    if threads == 1 {
        return walk_range(parent, parent_path, format, start, count);
    }
    let per = count.div_ceil(threads);
    let results: Vec<Result<Vec<DerivedAddress>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .filter_map(|t| {
                let from = t * per;
                if from >= count {
                    return None;
                }
                let n = per.min(count - from);
                Some(s.spawn(move || walk_range(parent, parent_path, format, start + from, n)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Internal("an address worker panicked".into())))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(count as usize);
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

fn walk_range(
    parent: &ExtendedPublicKey,
    parent_path: &DerivationPath,
    format: &AddressFormat,
    start: u32,
    count: u32,
) -> Result<Vec<DerivedAddress>> {
    let mut out = Vec::with_capacity(count as usize);
    for i in start..start + count {
        let child = ChildIndex::normal(i)?;
        let pk = parent.child_public_key(child)?;
        out.push(DerivedAddress {
            path: parent_path.child(child)?,
            address: format.encode(&pk)?,
            public_key: pk,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnemonic::Mnemonic;

    fn master() -> ExtendedPrivateKey {
        let m =
            Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
        ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap()
    }

    #[test]
    fn anvil_accounts() {
        let f = AddressFormat::Ethereum;
        let first = f.address_path(0, false, 0).unwrap();
        let v = derive_addresses(&master(), &f, &first, 3).unwrap();
        assert_eq!(v[0].address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert_eq!(v[1].address, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        assert_eq!(v[2].address, "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
        assert_eq!(v[2].path.to_string(), "m/44'/60'/0'/0/2");
    }

    #[test]
    fn parallel_equals_sequential() {
        let f = AddressFormat::Ethereum;
        let first = f.address_path(0, false, 0).unwrap();
        let many = derive_addresses(&master(), &f, &first, 1100).unwrap();
        assert_eq!(many.len(), 1100);
        for i in [0usize, 511, 512, 777, 1099] {
            let p = f.address_path(0, false, i as u32).unwrap();
            let one = derive_addresses(&master(), &f, &p, 1).unwrap();
            assert_eq!(one[0], many[i]);
        }
    }

    #[test]
    fn hardened_leaf_and_limits() {
        let f = AddressFormat::Ethereum;
        let p: DerivationPath = "m/44'/60'/0'".parse().unwrap();
        let v = derive_addresses(&master(), &f, &p, 2).unwrap();
        assert_eq!(v[1].path.to_string(), "m/44'/60'/1'");
        let top: DerivationPath = "m/0/2147483647".parse().unwrap();
        assert!(derive_addresses(&master(), &f, &top, 2).is_err());
        assert!(derive_addresses(&master(), &f, &DerivationPath::master(), 2).is_err());
        assert_eq!(
            derive_addresses(&master(), &f, &DerivationPath::master(), 1)
                .unwrap()
                .len(),
            1
        );
    }
}
