//! Walks over many consecutive addresses: from the parent public key of the
//! last (non-hardened) level, one hardened derivation from the seed, then
//! children in batches (`ExtendedPublicKey::child_public_keys`: one generator
//! multiplication per address, one field inversion per batch), spread over
//! the cores for large counts.

use super::{AddressFormat, DerivedAddress, SelectionError};
use crate::error::{Error, Result};
use crate::hd::{self, ChildIndex, DerivationPath, ExtendedPrivateKey, ExtendedPublicKey};

/// Below this many addresses a walk stays on one thread.
const PARALLEL_THRESHOLD: u32 = 512;

/// How many threads a long walk may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Parallelism {
    /// The calling thread only (the default: a library call spawns nothing).
    #[default]
    Single,
    /// Every core the machine has (at most 64), for runs of 512 addresses
    /// or more; shorter runs stay on the calling thread.
    Available,
}

impl Parallelism {
    fn threads(self, count: u32) -> u32 {
        match self {
            Parallelism::Available if count >= PARALLEL_THRESHOLD => {
                let n = std::thread::available_parallelism().map_or(1, |n| n.get());
                u32::try_from(n).unwrap_or(1).clamp(1, 64)
            }
            _ => 1,
        }
    }
}

/// Derives `count` consecutive addresses starting at `first` (the last path
/// level is incremented), on the calling thread. The private key is only
/// used down to the parent of the last level when that level is
/// non-hardened.
pub fn derive_addresses(
    master: &ExtendedPrivateKey,
    format: &AddressFormat,
    first: &DerivationPath,
    count: u32,
) -> Result<Vec<DerivedAddress>> {
    derive_addresses_with(master, format, first, count, Parallelism::Single)
}

/// [`derive_addresses`] with the walk spread as `parallelism` allows.
pub fn derive_addresses_with(
    master: &ExtendedPrivateKey,
    format: &AddressFormat,
    first: &DerivationPath,
    count: u32,
    parallelism: Parallelism,
) -> Result<Vec<DerivedAddress>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let (Some(parent_path), Some(start)) = (first.parent(), first.last()) else {
        if count > 1 {
            return Err(SelectionError::NothingToIncrement.into());
        }
        let pk = *master.to_xpub().public_key();
        return Ok(vec![DerivedAddress {
            path: first.clone(),
            address: format.encode(&pk)?,
            public_key: pk,
        }]);
    };
    start
        .checked_add(count - 1)
        .ok_or(SelectionError::RunPastLastIndex {
            count: u64::from(count),
            start: start.index(),
        })?;
    let parent = master.derive_path(&parent_path)?;
    if start.is_hardened() {
        return hardened_run(&parent, &parent_path, format, start, count);
    }
    walk_with(
        &parent.to_xpub(),
        &parent_path,
        format,
        start.index(),
        count,
        parallelism,
    )
}

/// Hardened leaves need the private key for every address.
fn hardened_run(
    parent: &ExtendedPrivateKey,
    parent_path: &DerivationPath,
    format: &AddressFormat,
    start: ChildIndex,
    count: u32,
) -> Result<Vec<DerivedAddress>> {
    (0..count)
        .map(|i| {
            let child = start
                .checked_add(i)
                .ok_or_else(|| Error::Internal("index overflow".into()))?;
            let pk = *parent.derive_child(child)?.to_xpub().public_key();
            Ok(DerivedAddress {
                path: parent_path.child(child)?,
                address: format.encode(&pk)?,
                public_key: pk,
            })
        })
        .collect()
}

/// Derives `count` addresses below an extended public key (`parent`, which
/// sits at `parent_path`), at non-hardened indexes `start..start+count`, on
/// the calling thread.
pub fn walk(
    parent: &ExtendedPublicKey,
    parent_path: &DerivationPath,
    format: &AddressFormat,
    start: u32,
    count: u32,
) -> Result<Vec<DerivedAddress>> {
    walk_with(
        parent,
        parent_path,
        format,
        start,
        count,
        Parallelism::Single,
    )
}

/// [`walk`] spread over threads as `parallelism` allows (the result is the
/// same, in the same order).
pub fn walk_with(
    parent: &ExtendedPublicKey,
    parent_path: &DerivationPath,
    format: &AddressFormat,
    start: u32,
    count: u32,
    parallelism: Parallelism,
) -> Result<Vec<DerivedAddress>> {
    if u64::from(start) + u64::from(count) > u64::from(hd::HARDENED) {
        return Err(SelectionError::RunPastLastIndex {
            count: u64::from(count),
            start,
        }
        .into());
    }
    let threads = parallelism.threads(count);
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

/// Children derived per call of `child_public_keys`: enough to share its
/// field inversions, small enough to keep the keys in cache while their
/// addresses are encoded.
const KEYS_PER_BATCH: u32 = 256;

fn walk_range(
    parent: &ExtendedPublicKey,
    parent_path: &DerivationPath,
    format: &AddressFormat,
    start: u32,
    count: u32,
) -> Result<Vec<DerivedAddress>> {
    let mut out = Vec::with_capacity(count as usize);
    let end = start
        .checked_add(count)
        .ok_or_else(|| Error::Internal("index overflow".into()))?;
    let mut next = start;
    while next < end {
        let n = (end - next).min(KEYS_PER_BATCH);
        for (i, pk) in (next..).zip(parent.child_public_keys(next, n)?) {
            out.push(DerivedAddress {
                path: parent_path.child(ChildIndex::normal(i)?)?,
                address: format.encode(&pk)?,
                public_key: pk,
            });
        }
        next += n;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Keychain;
    use crate::mnemonic::Mnemonic;

    fn master() -> ExtendedPrivateKey {
        let m =
            Mnemonic::parse("test test test test test test test test test test test junk").unwrap();
        ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap()
    }

    #[test]
    fn anvil_accounts() {
        let f = AddressFormat::Ethereum;
        let first = f.address_path(0, Keychain::External, 0).unwrap();
        let v = derive_addresses(&master(), &f, &first, 3).unwrap();
        assert_eq!(v[0].address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert_eq!(v[1].address, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        assert_eq!(v[2].address, "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
        assert_eq!(v[2].path.to_string(), "m/44'/60'/0'/0/2");
    }

    #[test]
    fn parallel_equals_sequential() {
        let f = AddressFormat::Ethereum;
        let first = f.address_path(0, Keychain::External, 0).unwrap();
        let many =
            derive_addresses_with(&master(), &f, &first, 1100, Parallelism::Available).unwrap();
        assert_eq!(many.len(), 1100);
        for i in [0usize, 511, 512, 777, 1099] {
            let p = f.address_path(0, Keychain::External, i as u32).unwrap();
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
