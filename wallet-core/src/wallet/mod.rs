//! A wallet in a keystore: the operations every face (CLI, C ABI, bindings)
//! runs, written once.
//!
//! [`Wallet::open`] reads the wallet's file once; everything public (its
//! summary, the addresses and xpubs of its stored accounts) comes from that
//! read. Operations that need the secret take a closure that supplies the
//! password only when it is needed (the CLI prompts, the C ABI passes one),
//! and [`Wallet::unlock`] decrypts the same bytes it read, so the public
//! metadata used is the one the password authenticates (a file swapped
//! between two reads cannot slip in other addresses).
//!
//! ```
//! use wallet_core::keystore::{Keystore, KdfParams};
//! use wallet_core::wallet::{ImportSource, Wallet};
//! use wallet_core::secret::SecretString;
//! # let dir = std::env::temp_dir().join(format!("wallet-doc-{}", std::process::id()));
//! let ks = Keystore::open(&dir)?;
//! let phrase = "test test test test test test test test test test test junk";
//! let source = ImportSource::mnemonic(SecretString::from(phrase), None, SecretString::default());
//! let kdf = KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 }; // tests only: too weak for real use
//! let w = Wallet::import(&ks, "main", source, &SecretString::from("pw"), kdf)?;
//! assert_eq!(w.summary().addresses["eth"], "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
//! let unlocked = Wallet::open(&ks, "main")?.allow_weak_kdf(true).unlock(&SecretString::from("pw"))?;
//! assert_eq!(unlocked.wallet().name(), "main");
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), wallet_core::Error>(())
//! ```

mod descriptors;
mod export;
mod import;
mod psbt;
mod quiz;
mod send;
mod sign;
mod slip39;
mod watch;

pub use descriptors::{AccountDescriptors, DescriptorExport};
pub use export::KeyForm;
pub use import::{ImportKind, ImportSource};
pub use psbt::{PsbtPolicy, PsbtToSign};
pub use quiz::{check_word, ShareAnswer, ShareCheck, WordAnswer};
pub use send::{
    BtcBalance, BtcBroadcast, BtcBump, BtcPayment, EthBalance, EthSendResult, PaymentChange,
    PaymentInput, PaymentPayee,
};
pub use sign::{
    bip322_default, check_message_selection, verify_bitcoin_message, verify_message, MessageCheck,
    MessageScheme, MessageSignature, TypedDataSignature,
};
pub use slip39::{
    create_with_slip39, parse_layout, recover_slip39, LayoutPart, SecretSize, Slip39Backup,
    Slip39Params, Slip39SetupError,
};
pub use watch::{
    parse_descriptors, AnyWallet, WatchAccount, WatchAddresses, WatchInfo, WatchWallet, WATCH_KIND,
};

use crate::account::{self, DerivedAddress, Resolved, Selection, SelectionError, XpubStyle};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::hd::{self, DerivationPath, ExtendedPrivateKey};
use crate::key::{PrivateKey, PublicKey};
use crate::keystore::{AddressPlan, KdfParams, Keystore, StoredWallet, WalletFile, WalletSecret};
use crate::report::{
    AddressEntry, AddressHeader, AddressList, CreatedWallet, ListedWallet, UnreadableWallet,
    WalletInfo, WalletListing, WalletSummary, XpubExport,
};
use crate::secret::SecretString;

/// A wallet of a keystore, its file read once (nothing decrypted).
#[derive(Debug, Clone)]
pub struct Wallet {
    keystore: Keystore,
    name: String,
    file: WalletFile,
    allow_weak_kdf: bool,
}

/// A wallet whose secret is decrypted in memory (wiped when dropped).
#[derive(Debug, Clone)]
pub struct UnlockedWallet {
    wallet: Wallet,
    secret: WalletSecret,
}

/// Which key of a wallet signs: an Ethereum position (`m/44'/60'/account'/0/index`)
/// or a full path. A single-key wallet has one key and takes none of these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyChoice {
    /// The account (default 0).
    pub account: Option<u32>,
    /// The address index (default 0).
    pub index: Option<u32>,
    /// A full path instead.
    pub path: Option<DerivationPath>,
}

impl KeyChoice {
    /// Whether anything was chosen.
    #[must_use]
    pub fn names_a_position(&self) -> bool {
        self.path.is_some() || self.account.is_some() || self.index.is_some()
    }

    /// The Ethereum path this choice names.
    pub fn eth_path(&self) -> Result<DerivationPath> {
        if self.path.is_some() && (self.account.is_some() || self.index.is_some()) {
            return Err(SelectionError::PathWithPosition.into());
        }
        match &self.path {
            Some(p) => Ok(p.clone()),
            None => hd::ethereum_path(self.account.unwrap_or(0), self.index.unwrap_or(0)),
        }
    }
}

/// Addresses of a selection, made a chunk at a time (for output that
/// streams a long run in bounded memory).
#[derive(Debug)]
pub struct AddressSource {
    plan: AddressPlan,
    master: Option<ExtendedPrivateKey>,
    header: AddressHeader,
    count: u32,
}

impl AddressSource {
    /// This source with long walks spread over threads as `p` allows.
    #[must_use]
    pub fn with_parallelism(mut self, p: account::Parallelism) -> Self {
        self.plan = self.plan.with_parallelism(p);
        self
    }

    /// The description of the run.
    #[must_use]
    pub fn header(&self) -> &AddressHeader {
        &self.header
    }

    /// How many addresses the run has.
    #[must_use]
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The `n` addresses from `offset` places after the first.
    pub fn chunk(&self, offset: u32, n: u32) -> Result<Vec<DerivedAddress>> {
        self.plan.addresses(self.master.as_ref(), offset, n)
    }

    /// The whole run as one list.
    pub fn collect(&self) -> Result<AddressList> {
        let all = self.chunk(0, self.count)?;
        Ok(AddressList {
            header: self.header.clone(),
            addresses: all.iter().map(AddressEntry::from).collect(),
        })
    }
}

impl Wallet {
    /// Opens wallet `name` of `keystore`: reads and parses its file once.
    pub fn open(keystore: &Keystore, name: &str) -> Result<Self> {
        let file = keystore.load(name)?;
        Ok(Self::from_file(keystore, name, file))
    }

    fn from_file(keystore: &Keystore, name: &str, file: WalletFile) -> Self {
        Self {
            keystore: keystore.clone(),
            name: name.to_owned(),
            file,
            allow_weak_kdf: false,
        }
    }

    /// Creates wallet `name` holding `secret`, encrypted under `password`.
    pub fn create(
        keystore: &Keystore,
        name: &str,
        secret: &WalletSecret,
        password: &SecretString,
        kdf: KdfParams,
    ) -> Result<Self> {
        let file = keystore.create(name, secret, password.expose().as_bytes(), kdf)?;
        Ok(Self {
            keystore: keystore.clone(),
            name: name.to_owned(),
            file,
            allow_weak_kdf: false,
        })
    }

    /// Imports `source` as wallet `name` (see [`ImportSource`]).
    pub fn import(
        keystore: &Keystore,
        name: &str,
        source: ImportSource,
        password: &SecretString,
        kdf: KdfParams,
    ) -> Result<Self> {
        crate::keystore::validate_name(name)?;
        if keystore.path_of(name)?.exists() {
            return Err(Error::WalletExists(name.to_owned()));
        }
        let secret = source.into_secret()?;
        Self::create(keystore, name, &secret, password, kdf)
    }

    /// This wallet, accepting a file whose argon2id parameters are below
    /// the safe floor when it is unlocked.
    #[must_use]
    pub fn allow_weak_kdf(mut self, allow: bool) -> Self {
        self.allow_weak_kdf = allow;
        self
    }

    /// The wallet's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parsed file.
    #[must_use]
    pub fn file(&self) -> &WalletFile {
        &self.file
    }

    /// The keystore it lives in.
    #[must_use]
    pub fn keystore(&self) -> &Keystore {
        &self.keystore
    }

    /// Its summary (no password needed).
    #[must_use]
    pub fn summary(&self) -> WalletSummary {
        WalletSummary::of(
            &self.file,
            &self.keystore.dir().join(format!("{}.json", self.name)),
        )
    }

    /// Everything public about it (no password needed).
    #[must_use]
    pub fn info(&self) -> WalletInfo {
        WalletInfo::of(
            &self.file,
            &self.keystore.dir().join(format!("{}.json", self.name)),
        )
    }

    /// Decrypts the wallet with `password` (the bytes read by
    /// [`Wallet::open`], not a second read of the file).
    pub fn unlock(&self, password: &SecretString) -> Result<UnlockedWallet> {
        let secret = self
            .file
            .unlock(password.expose().as_bytes(), self.allow_weak_kdf)?;
        Ok(UnlockedWallet {
            wallet: self.clone(),
            secret,
        })
    }

    /// Checks the file's KDF parameters, then asks `password` for the
    /// password and decrypts (a file below the floor is refused before
    /// anyone types a password).
    pub fn unlock_with<E: From<Error>>(
        &self,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<UnlockedWallet, E> {
        self.file.kdf().check(self.allow_weak_kdf)?;
        Ok(self.unlock(&password()?)?)
    }

    /// The addresses of `sel` (`default` chain when none is chosen), from
    /// the stored account xpubs when they cover it (no password), else
    /// after asking `password`.
    pub fn address_source<E: From<Error>>(
        &self,
        sel: &Selection,
        default: ChainKind,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<AddressSource, E> {
        let r = sel.resolve(default)?;
        let plan = AddressPlan::new(&self.file, &r)?;
        let master = if plan.needs_master() {
            let unlocked = self.unlock_with(password)?;
            unlocked.secret.master().cloned()
        } else {
            None
        };
        Ok(AddressSource {
            plan,
            master,
            header: self.address_header(&r),
            count: r.count,
        })
    }

    fn address_header(&self, r: &Resolved) -> AddressHeader {
        let mut h = AddressHeader::of(&r.format);
        if self.file.public().single.is_some() {
            h.kind = None;
        }
        h.master_fingerprint = self.file.public().fingerprint.map(|f| f.to_string());
        h.account_path = r.account_path.as_ref().map(ToString::to_string);
        h
    }

    /// The extended public key of the account (or the path) `sel` names,
    /// with `style`'s version bytes: from the stored xpubs when the account
    /// is stored, else after asking `password`.
    pub fn export_xpub<E: From<Error>>(
        &self,
        sel: &Selection,
        style: XpubStyle,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<XpubExport, E> {
        if self.file.public().single.is_some() {
            return Err(Error::Unsupported(format!(
                "'{}' is a single key; it has no extended public key",
                self.name
            ))
            .into());
        }
        let r = sel.resolve(ChainKind::Bitcoin)?;
        let path = r.key_path().clone();
        let version = r.format.xpub_version(style);
        let xpub = match self.file.public().account_xpub(&path) {
            Some(x) => x.clone().with_version(version),
            None => {
                let unlocked = self.unlock_with(password)?;
                unlocked
                    .master()?
                    .derive_path(&path)?
                    .with_version(version)
                    .to_xpub()
            }
        };
        let header = AddressHeader::of(&r.format);
        Ok(XpubExport {
            name: self.name.clone(),
            xpub: xpub.to_base58(),
            path: path.to_string(),
            chain: header.chain,
            network: header.network,
            kind: header.kind,
            master_fingerprint: self.file.public().fingerprint.map(|f| f.to_string()),
        })
    }

    /// The public key `choice` names (Ethereum paths), without the password
    /// when the file holds it (`None`: unlock to know it).
    pub fn stored_public_key(&self, choice: &KeyChoice) -> Result<Option<PublicKey>> {
        self.refuse_position_for_single(choice)?;
        self.file.public().public_key_at(&choice.eth_path()?)
    }

    fn refuse_position_for_single(&self, choice: &KeyChoice) -> Result<()> {
        if self.file.public().single.is_some() && choice.names_a_position() {
            return Err(SelectionError::SingleKeyPosition.into());
        }
        Ok(())
    }

    /// Re-encrypts the wallet under `new` (the old file stays valid until
    /// the new one replaces it in one rename).
    pub fn change_password(
        &self,
        old: &SecretString,
        new: &SecretString,
        kdf: KdfParams,
    ) -> Result<Wallet> {
        let file = self.keystore.change_password(
            &self.name,
            old.expose().as_bytes(),
            new.expose().as_bytes(),
            kdf,
            self.allow_weak_kdf,
        )?;
        Ok(Self {
            file,
            ..self.clone()
        })
    }

    /// Deletes the wallet's file (and its usage record).
    pub fn delete(self) -> Result<()> {
        self.keystore.delete(&self.name)
    }
}

impl UnlockedWallet {
    /// The wallet.
    #[must_use]
    pub fn wallet(&self) -> &Wallet {
        &self.wallet
    }

    /// The decrypted secret.
    #[must_use]
    pub fn secret(&self) -> &WalletSecret {
        &self.secret
    }

    /// The BIP32 master key; a single-key wallet has none.
    pub fn master(&self) -> Result<&ExtendedPrivateKey> {
        self.secret.master().ok_or_else(|| {
            Error::Unsupported(format!(
                "'{}' is a single key; it has no extended key",
                self.wallet.name
            ))
        })
    }

    /// The private key `choice` names (Ethereum paths; the single key).
    pub fn eth_key(&self, choice: &KeyChoice) -> Result<PrivateKey> {
        self.wallet.refuse_position_for_single(choice)?;
        self.secret.key_at(&choice.eth_path()?)
    }
}

/// The wallets of `keystore` (`None`: it does not exist yet, shown as the
/// empty directory `dir`), with the files that could not be read.
pub fn listing(keystore: Option<&Keystore>, dir: &std::path::Path) -> Result<WalletListing> {
    let entries = match keystore {
        Some(k) => k.list()?,
        None => Vec::new(),
    };
    let mut out = WalletListing {
        keystore: keystore.map_or(dir, Keystore::dir).display().to_string(),
        wallets: Vec::new(),
        unreadable: Vec::new(),
    };
    for e in entries {
        match e.file {
            Ok(StoredWallet::Keys(f)) => out.wallets.push(ListedWallet {
                name: f.name().to_owned(),
                kind: f.kind().code(),
                created: f.created().to_owned(),
                fingerprint: f.public().fingerprint.map(|x| x.to_string()),
            }),
            Ok(StoredWallet::Watch(w)) => out.wallets.push(ListedWallet {
                name: w.name().to_owned(),
                kind: watch::WATCH_KIND,
                created: w.created().to_owned(),
                fingerprint: w
                    .accounts()
                    .first()
                    .map(|a| a.origin().fingerprint.to_string()),
            }),
            Err(err) => out.unreadable.push(UnreadableWallet {
                name: e.name,
                kind: err.kind().as_str(),
                message: err.to_string(),
            }),
        }
    }
    Ok(out)
}

/// A new mnemonic wallet `name` with a fresh phrase of `words` in
/// `language`; the phrase is in the result, to show once.
pub fn create_with_mnemonic(
    keystore: &Keystore,
    name: &str,
    mnemonic: &crate::mnemonic::Mnemonic,
    passphrase: SecretString,
    password: &SecretString,
    kdf: KdfParams,
) -> Result<(Wallet, CreatedWallet)> {
    let secret = WalletSecret::from_mnemonic(mnemonic.clone(), passphrase)?;
    let w = Wallet::create(keystore, name, &secret, password, kdf)?;
    let created = CreatedWallet {
        summary: w.summary(),
        mnemonic: Some(zeroize::Zeroizing::new(
            mnemonic.phrase().expose().to_owned(),
        )),
        words: Some(mnemonic.word_count()),
        language: Some(mnemonic.language().code()),
        backup_verified: None,
        shares: None,
        slip39: None,
    };
    Ok((w, created))
}

/// The addresses of a mnemonic (no keystore): `sel` with `default` as its
/// chain, the account xpubs included when selected by account.
pub fn mnemonic_addresses(
    master: &ExtendedPrivateKey,
    sel: &Selection,
    default: ChainKind,
) -> Result<(AddressHeader, Resolved)> {
    let r = sel.resolve(default)?;
    let mut header = AddressHeader::of(&r.format);
    header.master_fingerprint = Some(master.fingerprint().to_string());
    if let Some(p) = &r.account_path {
        let account = master.derive_path(p)?.to_xpub();
        let plain = r.format.xpub_version(XpubStyle::Bip32);
        let slip = r.format.xpub_version(XpubStyle::Slip132);
        header.account_path = Some(p.to_string());
        header.account_xpub = Some(account.clone().with_version(plain).to_base58());
        header.account_slip132 = (slip != plain).then(|| account.with_version(slip).to_base58());
    }
    Ok((header, r))
}

/// Every address of `r` below `master`, as one list.
pub fn derive_list(
    master: &ExtendedPrivateKey,
    header: AddressHeader,
    r: &Resolved,
) -> Result<AddressList> {
    let all = account::derive_addresses(master, &r.format, &r.first, r.count)?;
    Ok(AddressList {
        header,
        addresses: all.iter().map(AddressEntry::from).collect(),
    })
}
