//! A wallet's addresses for a selection, the one way the CLI and the FFI
//! make them: a single key's one address, a walk from a stored account xpub
//! (no password), or a derivation from the unlocked master key.

use super::{default_single_type, WalletFile};
use crate::account::{self, AddressFormat, DerivedAddress, Parallelism, Resolved, SelectionError};
use crate::bitcoin::Address;
use crate::error::{Error, Result};
use crate::hd::{DerivationPath, ExtendedPrivateKey, ExtendedPublicKey};

/// How the addresses of a selection are made.
#[derive(Debug, Clone)]
pub struct AddressPlan {
    source: Source,
    format: AddressFormat,
    first: DerivationPath,
    parallelism: Parallelism,
}

/// Where the addresses come from.
#[derive(Debug, Clone)]
enum Source {
    /// A single-key wallet: its one address.
    Single(DerivedAddress),
    /// A walk below a stored account xpub's chain node (`account/change`):
    /// no password needed.
    Stored {
        node: ExtendedPublicKey,
        path: DerivationPath,
        start: u32,
    },
    /// The selection needs the master key (hardened levels, or an account
    /// whose xpub is not stored).
    Master,
}

impl AddressPlan {
    /// Plans the resolved selection `sel` for wallet `file`. A single key
    /// without an explicit type gets P2WPKH, or P2PKH when it was imported
    /// uncompressed (its only type); positions do not apply to it.
    pub fn new(file: &WalletFile, sel: &Resolved) -> Result<Self> {
        let source = Self::source(file, sel)?;
        Ok(Self {
            source,
            format: sel.format,
            first: sel.first.clone(),
            parallelism: Parallelism::Single,
        })
    }

    /// This plan with long walks spread over threads as `p` allows.
    #[must_use]
    pub fn with_parallelism(mut self, p: Parallelism) -> Self {
        self.parallelism = p;
        self
    }

    fn source(file: &WalletFile, sel: &Resolved) -> Result<Source> {
        let public = file.public();
        if let Some(single) = &public.single {
            if sel.position_given {
                return Err(SelectionError::SingleKeyPosition.into());
            }
            let pk = single.public_key;
            let address = match sel.format {
                AddressFormat::Ethereum => sel.format.encode(&pk)?,
                AddressFormat::Bitcoin { params, kind } => {
                    let kind = if sel.type_given {
                        kind
                    } else {
                        default_single_type(single.compressed)
                    };
                    Address::from_key(&pk, single.compressed, kind, params)?.to_string()
                }
            };
            return Ok(Source::Single(DerivedAddress {
                path: DerivationPath::master(),
                address,
                public_key: pk,
            }));
        }
        let idx = sel.first.indexes();
        // Exactly three hardened levels, then two normal ones: a hardened
        // change or address level (`…/0/5'`) cannot come from an xpub.
        if idx.len() == 5
            && idx.iter().filter(|c| c.is_hardened()).count() == 3
            && sel.first.hardened_prefix_len() == 3
        {
            let account_path = DerivationPath::from_indexes(idx[..3].to_vec())?;
            if let Some(xpub) = public.account_xpub(&account_path) {
                return Ok(Source::Stored {
                    node: xpub.derive_child(idx[3])?,
                    path: account_path.child(idx[3])?,
                    start: idx[4].index(),
                });
            }
        }
        Ok(Source::Master)
    }

    /// Whether [`AddressPlan::addresses`] needs the master key.
    #[must_use]
    pub fn needs_master(&self) -> bool {
        matches!(self.source, Source::Master)
    }

    /// The `n` addresses from `offset` places after the first one (for a
    /// single key: its address). `master` is required when [`needs_master`].
    ///
    /// [`needs_master`]: AddressPlan::needs_master
    pub fn addresses(
        &self,
        master: Option<&ExtendedPrivateKey>,
        offset: u32,
        n: u32,
    ) -> Result<Vec<DerivedAddress>> {
        match &self.source {
            Source::Single(one) => Ok(if offset == 0 && n > 0 {
                vec![one.clone()]
            } else {
                Vec::new()
            }),
            Source::Stored { node, path, start } => {
                let from = start
                    .checked_add(offset)
                    .ok_or(SelectionError::RunPastLastIndex {
                        count: u64::from(offset) + u64::from(n),
                        start: *start,
                    })?;
                account::walk_with(node, path, &self.format, from, n, self.parallelism)
            }
            Source::Master => {
                let master = master.ok_or_else(|| {
                    Error::Internal("these addresses need the unlocked master key".into())
                })?;
                let first = account::nth_path(&self.first, offset)?;
                account::derive_addresses_with(master, &self.format, &first, n, self.parallelism)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Keychain, Selection};
    use crate::bitcoin::AddressType;
    use crate::chain::ChainKind;
    use crate::keystore::{KdfParams, KeySource, SingleKey, WalletSecret};

    const FAST: KdfParams = KdfParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn sealed(secret: &WalletSecret) -> WalletFile {
        WalletFile::seal("t", "2026-01-01T00:00:00Z", secret, b"pw", FAST)
            .unwrap()
            .0
    }

    #[test]
    fn single_keys_have_one_address_of_their_own_type() {
        let key = crate::key::PrivateKey::from_hex(&"11".repeat(32)).unwrap();
        let file = sealed(&WalletSecret::Single(SingleKey {
            key,
            compressed: false,
            wif_version: None,
            source: KeySource::Wif,
        }));
        let btc = Selection::for_chain(ChainKind::Bitcoin);
        // Uncompressed: P2PKH unless a type is asked for, and then refused.
        let plan = AddressPlan::new(&file, &btc.resolve(ChainKind::Bitcoin).unwrap()).unwrap();
        let a = plan.addresses(None, 0, 1).unwrap();
        assert_eq!(a.len(), 1);
        assert!(a[0].address.starts_with('1'), "{}", a[0].address);
        let typed = btc.clone().with_type(AddressType::P2wpkh);
        assert!(AddressPlan::new(&file, &typed.resolve(ChainKind::Bitcoin).unwrap()).is_err());
        let positioned = btc.with_count(2).resolve(ChainKind::Bitcoin).unwrap();
        let e = AddressPlan::new(&file, &positioned).unwrap_err();
        assert!(matches!(
            e,
            Error::Selection(SelectionError::SingleKeyPosition)
        ));
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn stored_accounts_need_no_master_and_agree_with_it() {
        let mnemonic = crate::mnemonic::Mnemonic::parse(
            "test test test test test test test test test test test junk",
        )
        .unwrap();
        let secret =
            WalletSecret::from_mnemonic(mnemonic, crate::secret::SecretString::from("")).unwrap();
        let master = secret.master().unwrap().clone();
        let file = sealed(&secret);
        for sel in [
            Selection::for_chain(ChainKind::Ethereum),
            Selection::for_chain(ChainKind::Bitcoin).with_type(AddressType::P2tr),
        ] {
            let r = sel
                .at(0, Keychain::Internal, 7)
                .with_count(40)
                .resolve(ChainKind::Bitcoin)
                .unwrap();
            let plan = AddressPlan::new(&file, &r).unwrap();
            assert!(!plan.needs_master());
            let stored = plan.addresses(None, 10, 30).unwrap();
            let direct = account::derive_addresses(
                &master,
                &r.format,
                &account::nth_path(&r.first, 10).unwrap(),
                30,
            )
            .unwrap();
            assert_eq!(stored, direct);
            assert_eq!(stored[0].path.last().unwrap().index(), 17);
        }
        // Issue 22.6: a hardened address index alone (`…/0/5'`) needs the
        // master key too, and gives the hardened key's address.
        let first: DerivationPath = "m/84'/0'/0'/0/5'".parse().unwrap();
        let r = Selection::for_chain(ChainKind::Bitcoin)
            .with_path(first.clone())
            .resolve(ChainKind::Bitcoin)
            .unwrap();
        let plan = AddressPlan::new(&file, &r).unwrap();
        assert!(plan.needs_master());
        let got = plan.addresses(Some(&master), 0, 1).unwrap();
        let direct = account::derive_addresses(&master, &r.format, &first, 1).unwrap();
        assert_eq!(got, direct);
        assert_eq!(got[0].path, first);
        // A hardened leaf needs the master key.
        let first: DerivationPath = "m/44'/60'/0'/0'/0'".parse().unwrap();
        let r = Selection::for_chain(ChainKind::Ethereum)
            .with_path(first)
            .with_count(2)
            .resolve(ChainKind::Bitcoin)
            .unwrap();
        assert!(AddressPlan::new(&file, &r).unwrap().needs_master());
    }
}
