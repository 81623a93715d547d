//! The keystore as an object: open, list, create, import (every form),
//! addresses and xpubs from the stored public data, password change,
//! delete, and unlock into an [`UnlockedWallet`].

use super::error::{WalletError, WalletResult};
use super::node::{BitcoinNode, BtcBalance};
use super::secret::Secret;
use super::types::{Language, Selection};
use super::unlocked::UnlockedWallet;
use super::views::{
    secret_of, AddressList, CreatedWallet, WalletListing, WalletSummary, XpubExport,
};
use std::sync::Arc;
use wallet_core::account::XpubStyle;
use wallet_core::chain::ChainKind;
use wallet_core::keystore::KdfParams;
use wallet_core::mnemonic::{self, WordCount};
use wallet_core::secret::SecretString;
use wallet_core::wallet::{self as core_wallet, ImportKind, Wallet};

/// The argon2id cost of a wallet file; null fields take the library's
/// defaults (64 MiB, 3 passes, 4 lanes: RFC 9106's second recommendation).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct KdfOptions {
    /// Memory in KiB.
    #[uniffi(default = None)]
    pub memory_kib: Option<u32>,
    /// Passes over the memory.
    #[uniffi(default = None)]
    pub iterations: Option<u32>,
    /// Lanes.
    #[uniffi(default = None)]
    pub parallelism: Option<u32>,
    /// Accept parameters below the safe floor (19 MiB, 2 passes), for
    /// tests only; also lets a change of password open a file below it.
    #[uniffi(default = false)]
    pub allow_weak: bool,
}

impl KdfOptions {
    fn params(&self) -> WalletResult<KdfParams> {
        let d = KdfParams::DEFAULT;
        let p = KdfParams {
            m_cost_kib: self.memory_kib.unwrap_or(d.m_cost_kib),
            t_cost: self.iterations.unwrap_or(d.t_cost),
            p_cost: self.parallelism.unwrap_or(d.p_cost),
        };
        p.check(self.allow_weak)?;
        Ok(p)
    }
}

/// The text form of a key to import (mnemonics and Ethereum V3 files have
/// methods of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportFormat {
    /// A master extended private key (`xprv`, `tprv`, SLIP-132 forms).
    Xprv,
    /// A private key in Wallet Import Format.
    Wif,
    /// A private key as 64 hex digits.
    PrivateKeyHex,
    /// A private key as PEM (SEC1 or PKCS#8).
    Pem,
}

impl From<ImportFormat> for ImportKind {
    fn from(f: ImportFormat) -> Self {
        match f {
            ImportFormat::Xprv => ImportKind::Xprv,
            ImportFormat::Wif => ImportKind::Wif,
            ImportFormat::PrivateKeyHex => ImportKind::PrivateKey,
            ImportFormat::Pem => ImportKind::Pem,
        }
    }
}

/// A keystore directory of encrypted wallet files. Thread-safe: any number
/// of threads may use one keystore at once.
#[derive(uniffi::Object)]
pub struct Keystore {
    ks: wallet_core::keystore::Keystore,
}

/// The password a read of the stored data needs when the data does not
/// cover the selection (empty: none was given; a wallet password is never
/// empty), or why there is none.
fn needs(password: Secret, what: &str) -> impl FnOnce() -> WalletResult<SecretString> {
    let what = what.to_owned();
    move || {
        if password.expose().is_empty() {
            return Err(WalletError::from(wallet_core::Error::WrongPassword(
                format!("{what} (not in the stored public data): give the wallet's password"),
            )));
        }
        Ok(password.into_core())
    }
}

impl Keystore {
    /// Opens wallet `name`. Without a password nothing is decrypted, so the
    /// KDF floor does not stop the call.
    fn open_for(&self, name: &str, allow_weak: bool, password: &Secret) -> WalletResult<Wallet> {
        let none = password.expose().is_empty();
        Ok(Wallet::open(&self.ks, name)?.allow_weak_kdf(allow_weak || none))
    }

    fn import(
        &self,
        name: &str,
        source: core_wallet::ImportSource,
        password: &SecretString,
        kdf: &KdfOptions,
    ) -> WalletResult<WalletSummary> {
        let kdf = kdf.params()?;
        Ok(Wallet::import(&self.ks, name, source, password, kdf)?
            .summary()
            .into())
    }
}

#[uniffi::export]
impl Keystore {
    /// Opens the keystore directory `dir`, creating it (mode 0700) when it
    /// does not exist.
    #[uniffi::constructor]
    pub fn new(dir: String) -> WalletResult<Arc<Self>> {
        Ok(Arc::new(Self {
            ks: wallet_core::keystore::Keystore::open(dir)?,
        }))
    }

    /// The keystore directory.
    pub fn dir(&self) -> String {
        self.ks.dir().display().to_string()
    }

    /// The wallets, by name, and the files that could not be read.
    pub fn list(&self) -> WalletResult<WalletListing> {
        Ok(core_wallet::listing(Some(&self.ks), self.ks.dir())?.into())
    }

    /// The summary of wallet `name` (no password needed).
    pub fn summary(&self, name: String) -> WalletResult<WalletSummary> {
        Ok(Wallet::open(&self.ks, &name)?.summary().into())
    }

    /// Creates wallet `name`: a fresh mnemonic of `words` words in
    /// `language` (null: English) with the BIP39 `passphrase` (empty: none),
    /// encrypted under `password`. The result carries the phrase, to show
    /// once.
    #[uniffi::method(default(words = 12, language = None, passphrase = "", kdf))]
    pub fn create(
        &self,
        name: String,
        password: Secret,
        words: u32,
        language: Option<Language>,
        passphrase: Secret,
        kdf: KdfOptions,
    ) -> WalletResult<CreatedWallet> {
        let kdf = kdf.params()?;
        let count = WordCount::try_from(usize::try_from(words).unwrap_or(usize::MAX))?;
        let lang = language.map_or(mnemonic::Language::English, Into::into);
        let m = mnemonic::Mnemonic::generate(count, lang)?;
        let (pass, password) = (passphrase.into_core(), password.into_core());
        let (_, created) =
            core_wallet::create_with_mnemonic(&self.ks, &name, &m, pass, &password, kdf)?;
        let wallet_core::report::CreatedWallet {
            summary, mnemonic, ..
        } = created;
        Ok(CreatedWallet {
            summary: summary.into(),
            mnemonic: secret_of(mnemonic)?,
            words,
            language: lang.into(),
        })
    }

    /// Imports the BIP39 mnemonic `phrase` (in `language`, null: detect;
    /// with the BIP39 `passphrase`, empty: none) as wallet `name`, encrypted
    /// under `password`.
    #[uniffi::method(default(language = None, passphrase = "", kdf))]
    pub fn import_mnemonic(
        &self,
        name: String,
        phrase: Secret,
        password: Secret,
        language: Option<Language>,
        passphrase: Secret,
        kdf: KdfOptions,
    ) -> WalletResult<WalletSummary> {
        let source = core_wallet::ImportSource::mnemonic(
            phrase.into_core(),
            language.map(Into::into),
            passphrase.into_core(),
        );
        self.import(&name, source, &password.into_core(), &kdf)
    }

    /// Imports a key written as `format` (an `xprv`, a WIF, 64 hex digits
    /// or PEM text) as wallet `name`, encrypted under `password`.
    #[uniffi::method(default(kdf))]
    pub fn import_key(
        &self,
        name: String,
        format: ImportFormat,
        key: Secret,
        password: Secret,
        kdf: KdfOptions,
    ) -> WalletResult<WalletSummary> {
        let source = core_wallet::ImportSource::Text {
            kind: format.into(),
            text: key.into_core(),
        };
        self.import(&name, source, &password.into_core(), &kdf)
    }

    /// Imports the key of an Ethereum V3 keystore file (`json`, opened with
    /// `keystore_password`, which may be empty) as wallet `name`, encrypted
    /// under `password`.
    #[uniffi::method(default(kdf))]
    pub fn import_eth_keystore(
        &self,
        name: String,
        json: Secret,
        keystore_password: Secret,
        password: Secret,
        kdf: KdfOptions,
    ) -> WalletResult<WalletSummary> {
        let source = core_wallet::ImportSource::EthKeystore {
            json: json.into_core(),
            password: keystore_password.into_core(),
        };
        self.import(&name, source, &password.into_core(), &kdf)
    }

    /// The addresses of wallet `name` that `selection` names (default chain
    /// Bitcoin): from the stored account xpubs without a password; other
    /// selections (hardened paths, other accounts) need `password` (empty:
    /// none given). `allow_weak_kdf` accepts a file below the KDF floor.
    #[uniffi::method(default(password = "", allow_weak_kdf = false, selection))]
    pub fn addresses(
        &self,
        name: String,
        selection: Selection,
        password: Secret,
        allow_weak_kdf: bool,
    ) -> WalletResult<AddressList> {
        let w = self.open_for(&name, allow_weak_kdf, &password)?;
        let sel = selection.to_core()?;
        let source =
            w.address_source(&sel, ChainKind::Bitcoin, needs(password, "this selection"))?;
        AddressList::of(source.collect()?)
    }

    /// The extended public key of the account (or the path) `selection`
    /// names, with BIP32 version bytes (`xpub`/`tpub`), or SLIP-132 ones
    /// (`ypub`/`zpub`/`upub`/`vpub`/`Ltub`/`Mtub`) when `slip132`. From the
    /// stored data when the account is stored, else with `password`.
    #[uniffi::method(default(slip132 = false, password = "", allow_weak_kdf = false, selection))]
    pub fn export_xpub(
        &self,
        name: String,
        selection: Selection,
        slip132: bool,
        password: Secret,
        allow_weak_kdf: bool,
    ) -> WalletResult<XpubExport> {
        let w = self.open_for(&name, allow_weak_kdf, &password)?;
        let style = if slip132 {
            XpubStyle::Slip132
        } else {
            XpubStyle::Bip32
        };
        let x = w.export_xpub(
            &selection.to_core()?,
            style,
            needs(password, "this account"),
        )?;
        XpubExport::of(x)
    }

    /// Re-encrypts wallet `name` under `new_password` with `kdf`'s cost; the
    /// old file stays valid until the new one replaces it in one rename.
    #[uniffi::method(default(kdf))]
    pub fn change_password(
        &self,
        name: String,
        old_password: Secret,
        new_password: Secret,
        kdf: KdfOptions,
    ) -> WalletResult<()> {
        let params = kdf.params()?;
        let w = Wallet::open(&self.ks, &name)?.allow_weak_kdf(kdf.allow_weak);
        w.change_password(&old_password.into_core(), &new_password.into_core(), params)?;
        Ok(())
    }

    /// Deletes wallet `name` (ask the user first: without a backup its
    /// funds are lost).
    pub fn delete(&self, name: String) -> WalletResult<()> {
        Ok(self.ks.delete(&name)?)
    }

    /// Decrypts wallet `name` with `password` into an unlocked wallet,
    /// which signs and exports. `allow_weak_kdf` accepts a file below the
    /// KDF floor. A wrong password throws `WrongPassword`.
    #[uniffi::method(default(allow_weak_kdf = false))]
    pub fn unlock(
        &self,
        name: String,
        password: Secret,
        allow_weak_kdf: bool,
    ) -> WalletResult<Arc<UnlockedWallet>> {
        let w = Wallet::open(&self.ks, &name)?.allow_weak_kdf(allow_weak_kdf);
        Ok(UnlockedWallet::new(w.unlock(&password.into_core())?))
    }

    /// The Bitcoin-family balance of HD wallet `name` on `node`'s chain and
    /// network (scanning `gap` addresses per keychain and type): from the
    /// stored xpubs when they cover the network, else with `password`
    /// (empty: none given).
    #[uniffi::method(default(gap = 50, password = "", allow_weak_kdf = false))]
    pub fn btc_balance(
        &self,
        name: String,
        node: Arc<BitcoinNode>,
        gap: u32,
        password: Secret,
        allow_weak_kdf: bool,
    ) -> WalletResult<BtcBalance> {
        let w = self.open_for(&name, allow_weak_kdf, &password)?;
        node.balance_of(&w, gap, needs(password, "a scan of this network"))
    }
}
