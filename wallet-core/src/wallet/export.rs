//! Secret exports of an unlocked wallet: the mnemonic, an extended private
//! key, one private key (WIF, hex, PEM) or an Ethereum V3 file. Faces ask
//! for the password and a confirmation before calling these.

use super::UnlockedWallet;
use crate::account::{AddressFormat, Selection, SelectionError, XpubStyle};
use crate::bitcoin::{Address, Network, Wif};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::ethereum;
use crate::hd::{DerivationPath, KeyVersion};
use crate::key::PrivateKey;
use crate::keystore::{default_single_type, v3, HdOrigin, WalletSecret};
use crate::report::SecretExport;
use crate::secret::SecretString;
use zeroize::Zeroizing;

/// How one private key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// Wallet Import Format (Bitcoin family).
    Wif,
    /// 64 hex digits.
    Hex,
    /// PEM: SEC1 (`EC PRIVATE KEY`), or PKCS#8 when `pkcs8`.
    Pem {
        /// PKCS#8 instead of SEC1.
        pkcs8: bool,
    },
}

/// One key chosen for export, with what its address is.
struct Chosen {
    key: PrivateKey,
    path: Option<DerivationPath>,
    format: AddressFormat,
    compressed: bool,
}

fn z(s: SecretString) -> Zeroizing<String> {
    Zeroizing::new(s.expose().to_owned())
}

impl UnlockedWallet {
    /// The mnemonic and its passphrase (when not empty).
    pub fn export_mnemonic(&self) -> Result<SecretExport> {
        let name = self.wallet.name();
        let hd = match &self.secret {
            WalletSecret::Hd(h) => h,
            WalletSecret::Single(_) => return Err(self.no_such("mnemonic")),
        };
        let (mnemonic, passphrase) = match hd.origin() {
            HdOrigin::Mnemonic {
                mnemonic,
                passphrase,
            } => (mnemonic, passphrase),
            HdOrigin::Slip39 { .. } => return Err(super::slip39::no_bip39_phrase(name)),
            HdOrigin::Xprv { .. } => return Err(self.no_such("mnemonic")),
        };
        let mut out = SecretExport::empty(name);
        out.mnemonic = Some(z(mnemonic.phrase()));
        out.words = Some(mnemonic.word_count());
        out.language = Some(mnemonic.language().code());
        if !passphrase.is_empty() {
            out.passphrase = Some(Zeroizing::new(passphrase.expose().to_owned()));
        }
        Ok(out)
    }

    /// The BIP39 passphrase of a mnemonic wallet (empty when none).
    #[must_use]
    pub fn passphrase(&self) -> Option<&SecretString> {
        match &self.secret {
            WalletSecret::Hd(h) => match h.origin() {
                HdOrigin::Mnemonic { passphrase, .. } => Some(passphrase),
                HdOrigin::Xprv { .. } | HdOrigin::Slip39 { .. } => None,
            },
            WalletSecret::Single(_) => None,
        }
    }

    fn no_such(&self, what: &str) -> Error {
        Error::Unsupported(format!(
            "'{}' is a {} wallet; it has no {what}",
            self.wallet.name(),
            self.secret.kind().code()
        ))
    }

    /// The master extended private key (as imported: `xprv`, `tprv` or
    /// SLIP-132; the test-network version when `network` is a test one),
    /// or the key at `path` with the BIP32 version of the chain and
    /// network `sel` names.
    pub fn export_xprv(&self, sel: &Selection) -> Result<SecretExport> {
        let master = self.master()?;
        let (key, path) = match &sel.path {
            Some(p) => {
                let r = sel.resolve(ChainKind::Bitcoin)?;
                let version = r.format.xpub_version(XpubStyle::Bip32);
                (master.derive_path(p)?.with_version(version), p.clone())
            }
            None => {
                let version = match sel.network {
                    None => self.imported_version().unwrap_or(KeyVersion::XPRV),
                    Some(Network::Mainnet) => KeyVersion::XPRV,
                    Some(_) => KeyVersion::TPRV,
                };
                (
                    master.clone().with_version(version),
                    DerivationPath::master(),
                )
            }
        };
        let mut out = SecretExport::empty(self.wallet.name());
        out.xprv = Some(z(key.to_base58()));
        out.path = Some(path.to_string());
        Ok(out)
    }

    fn imported_version(&self) -> Option<KeyVersion> {
        match &self.secret {
            WalletSecret::Hd(h) => h.imported_version(),
            WalletSecret::Single(_) => None,
        }
    }

    /// One private key, written as `form`: the single key, or the key of
    /// the address `sel` names (`default` chain when none is chosen).
    pub fn export_key(
        &self,
        sel: &Selection,
        default: ChainKind,
        form: KeyForm,
    ) -> Result<SecretExport> {
        let c = self.choose(sel, default)?;
        let mut out = SecretExport::empty(self.wallet.name());
        out.address = Some(self.address_of(&c)?);
        out.path = c.path.as_ref().map(ToString::to_string);
        match form {
            KeyForm::Wif => out.wif = Some(z(self.wif(&c, sel)?)),
            KeyForm::Hex => out.private_key = Some(z(c.key.to_hex())),
            KeyForm::Pem { pkcs8: true } => out.pem = Some(z(c.key.to_pkcs8_pem()?)),
            KeyForm::Pem { pkcs8: false } => out.pem = Some(z(c.key.to_sec1_pem()?)),
        }
        Ok(out)
    }

    /// An Ethereum V3 keystore file (scrypt, the standard parameters) of the
    /// key `sel` names (default chain: Ethereum), encrypted under
    /// `password`, and that key's Ethereum address.
    pub fn export_eth_keystore(
        &self,
        sel: &Selection,
        password: &SecretString,
    ) -> Result<(Zeroizing<String>, ethereum::Address)> {
        if password.is_empty() {
            return Err(Error::input("the export password must not be empty"));
        }
        let c = self.choose(sel, ChainKind::Ethereum)?;
        let doc = v3::encrypt(
            &c.key,
            password.expose().as_bytes(),
            v3::ScryptParams::STANDARD,
        )?;
        let addr = ethereum::Address::from_public_key(&c.key.public_key());
        Ok((Zeroizing::new(doc), addr))
    }

    fn choose(&self, sel: &Selection, default: ChainKind) -> Result<Chosen> {
        match &self.secret {
            WalletSecret::Single(s) => {
                if sel.names_a_position() {
                    return Err(SelectionError::SingleKeyPosition.into());
                }
                let mut r = sel.resolve(default)?;
                // An uncompressed key only has a P2PKH address.
                if let AddressFormat::Bitcoin { kind, .. } = &mut r.format {
                    if !r.type_given {
                        *kind = default_single_type(s.compressed);
                    }
                }
                Ok(Chosen {
                    key: s.key.clone(),
                    path: None,
                    format: r.format,
                    compressed: s.compressed,
                })
            }
            WalletSecret::Hd(h) => {
                let r = sel.resolve(default)?;
                if r.count != 1 {
                    return Err(Error::input("an export takes one key: the count must be 1"));
                }
                Ok(Chosen {
                    key: h.key_at(&r.first)?,
                    path: Some(r.first),
                    format: r.format,
                    compressed: true,
                })
            }
        }
    }

    fn address_of(&self, c: &Chosen) -> Result<String> {
        match c.format {
            AddressFormat::Ethereum => c.format.encode(&c.key.public_key()),
            AddressFormat::Bitcoin { params, kind } => {
                Ok(Address::from_key(&c.key.public_key(), c.compressed, kind, params)?.to_string())
            }
        }
    }

    fn wif(&self, c: &Chosen, sel: &Selection) -> Result<SecretString> {
        let AddressFormat::Bitcoin { params, .. } = c.format else {
            return Err(Error::Unsupported(
                "WIF is a Bitcoin-family format: choose the Bitcoin or Litecoin chain".into(),
            ));
        };
        Ok(match &self.secret {
            WalletSecret::Single(s) => {
                // As imported, unless a chain or network is asked for.
                let explicit = sel.chain.is_some() || sel.network.is_some();
                s.to_wif(explicit.then_some(params))
            }
            WalletSecret::Hd(_) => Wif::encode(&c.key, true, params),
        })
    }
}
