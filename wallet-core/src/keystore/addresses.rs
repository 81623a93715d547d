//! A wallet's addresses for a selection, the one way the CLI and the FFI
//! make them: a single key's one address, a walk from a stored account xpub
//! (no password), or a derivation from the unlocked master key.

use super::{single_key_address, WalletFile, WalletKind};
use crate::account::{self, AddressFormat, DerivedAddress};
use crate::bitcoin::AddressType;
use crate::error::{Error, Result};
use crate::hd::{DerivationPath, ExtendedPrivateKey, ExtendedPublicKey};

/// How the addresses of a selection are made.
#[derive(Debug, Clone)]
pub struct AddressPlan {
    source: Source,
    format: AddressFormat,
    first: DerivationPath,
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

/// What a caller selected, for [`AddressPlan::new`].
#[derive(Debug, Clone)]
pub struct Selected<'a> {
    /// The address encoding (its type is the default one unless `type_given`).
    pub format: AddressFormat,
    /// Whether the address type was chosen explicitly.
    pub type_given: bool,
    /// Path of the first address.
    pub first: &'a DerivationPath,
    /// How many addresses.
    pub count: u32,
    /// Whether any of path, account, index, change or count was given (a
    /// single key has no such choice).
    pub position_given: bool,
}

impl AddressPlan {
    /// Plans `sel` for wallet `file`. A single key without an explicit type
    /// gets P2WPKH, or P2PKH when it was imported uncompressed (its only
    /// type). The whole run of `count` addresses is checked here, before
    /// anything is derived.
    pub fn new(file: &WalletFile, sel: &Selected<'_>) -> Result<Self> {
        let source = Self::source(file, sel)?;
        Ok(Self {
            source,
            format: sel.format,
            first: sel.first.clone(),
        })
    }

    fn source(file: &WalletFile, sel: &Selected<'_>) -> Result<Source> {
        if sel.count == 0 {
            return Err(Error::input("the count of addresses must be at least 1"));
        }
        let public = file.public();
        if file.kind() == WalletKind::PrivateKey {
            if sel.position_given {
                return Err(Error::input(
                    "this wallet is a single key: path, account, index, change and count do not apply",
                ));
            }
            let pk = public.single_key().ok_or_else(|| {
                Error::Tampered("single-key wallet without a public key".into())
            })??;
            let compressed = public.compressed.unwrap_or(true);
            let address = match sel.format {
                AddressFormat::Ethereum => sel.format.encode(&pk)?,
                AddressFormat::Bitcoin { params, kind } => {
                    let kind = match (sel.type_given, compressed) {
                        (true, _) => kind,
                        (false, true) => AddressType::P2wpkh,
                        (false, false) => AddressType::P2pkh,
                    };
                    single_key_address(&pk, compressed, kind, params)?
                }
            };
            return Ok(Source::Single(DerivedAddress {
                path: DerivationPath::master(),
                address,
                public_key: pk,
            }));
        }
        account::nth_path(sel.first, sel.count - 1)?;
        let idx = sel.first.indexes();
        if idx.len() == 5 && sel.first.hardened_prefix_len() == 3 {
            let account_path = DerivationPath::from_indexes(idx[..3].to_vec())?;
            if let Some(xpub) = public.account_xpub(&account_path) {
                return Ok(Source::Stored {
                    node: xpub?.derive_child(idx[3])?,
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
                    .ok_or_else(|| Error::InvalidPath("index past 2147483647".into()))?;
                account::walk(node, path, &self.format, from, n)
            }
            Source::Master => {
                let master = master.ok_or_else(|| {
                    Error::Internal("these addresses need the unlocked master key".into())
                })?;
                let first = account::nth_path(&self.first, offset)?;
                account::derive_addresses(master, &self.format, &first, n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitcoin::NetworkParams;
    use crate::keystore::{KdfParams, KeySource, WalletSecret};

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

    fn btc(kind: AddressType) -> AddressFormat {
        AddressFormat::Bitcoin {
            params: NetworkParams::BITCOIN,
            kind,
        }
    }

    #[test]
    fn single_keys_have_one_address_of_their_own_type() {
        let key = crate::key::PrivateKey::from_hex(&"11".repeat(32)).unwrap();
        let file = sealed(&WalletSecret::PrivateKey {
            key: key.clone(),
            compressed: false,
            wif_version: None,
            source: KeySource::Wif,
        });
        let format = btc(AddressType::P2wpkh);
        let first = DerivationPath::master();
        let mut sel = Selected {
            format,
            type_given: false,
            first: &first,
            count: 1,
            position_given: false,
        };
        // Uncompressed: P2PKH unless a type is asked for, and then refused.
        let plan = AddressPlan::new(&file, &sel).unwrap();
        let a = plan.addresses(None, 0, 1).unwrap();
        assert_eq!(a.len(), 1);
        assert!(a[0].address.starts_with('1'), "{}", a[0].address);
        sel.type_given = true;
        assert!(AddressPlan::new(&file, &sel).is_err());
        sel.type_given = false;
        sel.position_given = true;
        let e = AddressPlan::new(&file, &sel).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn stored_accounts_need_no_master_and_agree_with_it() {
        let mnemonic = crate::mnemonic::Mnemonic::parse(
            "test test test test test test test test test test test junk",
        )
        .unwrap();
        let master = ExtendedPrivateKey::from_seed(&mnemonic.to_seed("")).unwrap();
        let file = sealed(&WalletSecret::Mnemonic {
            mnemonic,
            passphrase: crate::secret::SecretString::from(""),
        });
        for format in [AddressFormat::Ethereum, btc(AddressType::P2tr)] {
            let first = format.address_path(0, true, 7).unwrap();
            let sel = Selected {
                format,
                type_given: true,
                first: &first,
                count: 40,
                position_given: true,
            };
            let plan = AddressPlan::new(&file, &sel).unwrap();
            assert!(!plan.needs_master());
            let stored = plan.addresses(None, 10, 30).unwrap();
            let direct = account::derive_addresses(
                &master,
                &format,
                &account::nth_path(&first, 10).unwrap(),
                30,
            )
            .unwrap();
            assert_eq!(stored, direct);
            assert_eq!(stored[0].path.last().unwrap().index(), 17);
        }
        // A hardened leaf needs the master key; a run past the last index is refused.
        let format = AddressFormat::Ethereum;
        let first: DerivationPath = "m/44'/60'/0'/0'/0'".parse().unwrap();
        let mut sel = Selected {
            format,
            type_given: false,
            first: &first,
            count: 2,
            position_given: true,
        };
        assert!(AddressPlan::new(&file, &sel).unwrap().needs_master());
        let last: DerivationPath = "m/44'/60'/0'/0/2147483647".parse().unwrap();
        sel.first = &last;
        assert_eq!(
            AddressPlan::new(&file, &sel).unwrap_err().kind(),
            crate::ErrorKind::InvalidPath
        );
    }
}
