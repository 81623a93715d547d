//! Watch-only wallet files: the public descriptors of a wallet whose keys are
//! elsewhere (another wallet, a hardware signer), stored in the keystore
//! directory beside the encrypted wallets, under the same names.
//!
//! A watch-only file holds no secret, so nothing is encrypted; it carries an
//! integrity hash (SHA-256 of its canonical JSON) that catches corruption,
//! not a deliberate edit. What a watch-only wallet builds is an unsigned
//! PSBT: the signer checks every input and change output against its own
//! keys before it signs, so a changed descriptor can at worst show wrong
//! addresses, never spend.

use super::format::{canonical_json, now_rfc3339};
use super::{read_limited, validate_name, Keystore, Placement, WalletFile};
use crate::bitcoin::descriptor::{AccountDescriptor, Keychains};
use crate::bitcoin::{AddressType, Network, NetworkParams};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The `format` field of every watch-only file.
pub const WATCH_FORMAT_NAME: &str = "wallet-watch-only";
/// The only watch-only format version this build writes and reads.
pub const WATCH_FORMAT_VERSION: u64 = 1;
/// Prefix of the integrity hash input.
const INTEGRITY_PREFIX: &[u8] = b"wallet-watch-only/1 integrity\n";
/// At most this many accounts (one per address type is the norm).
const MAX_ACCOUNTS: usize = 16;

/// A watch-only wallet's file: its name, network and account descriptors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchFile {
    name: String,
    created: String,
    params: NetworkParams,
    accounts: Vec<AccountDescriptor>,
}

/// What a keystore file holds.
#[derive(Debug, Clone)]
pub enum StoredWallet {
    /// An encrypted wallet with its keys.
    Keys(Box<WalletFile>),
    /// A watch-only wallet: descriptors, no keys.
    Watch(WatchFile),
}

impl StoredWallet {
    /// The wallet's name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            StoredWallet::Keys(f) => f.name(),
            StoredWallet::Watch(w) => w.name(),
        }
    }
}

impl WatchFile {
    /// A new watch-only file for `accounts` on `params`: at least one
    /// account, at most one per address type, all of `params`.
    pub fn new(
        name: &str,
        params: NetworkParams,
        accounts: Vec<AccountDescriptor>,
    ) -> Result<Self> {
        validate_name(name)?;
        check_accounts(params, &accounts)?;
        Ok(Self {
            name: name.to_owned(),
            created: now_rfc3339(),
            params,
            accounts,
        })
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it was made (RFC 3339, UTC).
    #[must_use]
    pub fn created(&self) -> &str {
        &self.created
    }

    /// The chain and network its addresses are on.
    #[must_use]
    pub fn params(&self) -> NetworkParams {
        self.params
    }

    /// Its accounts, in the order they were imported.
    #[must_use]
    pub fn accounts(&self) -> &[AccountDescriptor] {
        &self.accounts
    }

    /// The account of address type `kind`, if the wallet has one.
    #[must_use]
    pub fn account(&self, kind: AddressType) -> Option<&AccountDescriptor> {
        self.accounts.iter().find(|a| a.kind() == kind)
    }

    /// The stored form, with its integrity hash.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let descriptors = self
            .accounts
            .iter()
            .map(|a| a.to_descriptor(a.keychains()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut doc = match json!({
            "format": WATCH_FORMAT_NAME,
            "version": WATCH_FORMAT_VERSION,
            "name": self.name,
            "created": self.created,
            "chain": ChainKind::from(self.params.chain()).code(),
            "network": self.params.network().code(),
            "descriptors": descriptors,
        }) {
            Value::Object(m) => m,
            _ => return Err(Error::Internal("watch-only document".into())),
        };
        let hash = integrity_hash(&doc);
        doc.insert("integrity".into(), Value::String(hash));
        let mut out = serde_json::to_vec_pretty(&Value::Object(doc))
            .map_err(|e| Error::Internal(format!("watch-only JSON: {e}")))?;
        out.push(b'\n');
        Ok(out)
    }

    /// Parses a watch-only file, checking its structure and integrity hash.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let corrupt = |m: &str| Error::Tampered(format!("the watch-only file is corrupt: {m}"));
        let mut doc = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err(corrupt("not a JSON object")),
            Err(e) => return Err(corrupt(&format!("not JSON ({e})"))),
        };
        if doc.get("format").and_then(Value::as_str) != Some(WATCH_FORMAT_NAME) {
            return Err(corrupt("no 'format': \"wallet-watch-only\" field"));
        }
        match doc.get("version").and_then(Value::as_u64) {
            Some(WATCH_FORMAT_VERSION) => {}
            Some(v) => {
                return Err(Error::UnsupportedFileVersion {
                    what: "the watch-only file".into(),
                    version: v.to_string(),
                })
            }
            None => return Err(corrupt("no integer 'version'")),
        }
        let stated = match doc.remove("integrity") {
            Some(Value::String(s)) => s,
            _ => return Err(corrupt("no 'integrity' hash")),
        };
        if stated != integrity_hash(&doc) {
            return Err(Error::Tampered(
                "the watch-only file is corrupt or was modified (its integrity hash does not match)"
                    .into(),
            ));
        }
        Self::from_doc(&doc).map_err(|e| corrupt(&e.to_string()))
    }

    fn from_doc(doc: &Map<String, Value>) -> Result<Self> {
        let text = |k: &str| {
            doc.get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| Error::input(format!("missing '{k}'")))
        };
        let chain: ChainKind = text("chain")?.parse()?;
        let family = chain
            .bitcoin_family()
            .ok_or_else(|| Error::input("a watch-only wallet is of btc or ltc"))?;
        let network: Network = text("network")?.parse()?;
        let params = NetworkParams::new(family, network)?;
        let accounts = doc
            .get("descriptors")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::input("missing 'descriptors'"))?
            .iter()
            .map(|d| {
                let d = d
                    .as_str()
                    .ok_or_else(|| Error::input("a descriptor is not text"))?;
                Ok(AccountDescriptor::parse(d, params)?)
            })
            .collect::<Result<Vec<_>>>()?;
        let name = text("name")?.to_owned();
        validate_name(&name)?;
        check_accounts(params, &accounts)?;
        Ok(Self {
            name,
            created: text("created")?.to_owned(),
            params,
            accounts,
        })
    }
}

/// Whether `bytes` are a watch-only file (by its `format` field; nothing
/// else is checked).
#[must_use]
pub fn is_watch_file(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Head<'a> {
        #[serde(borrow)]
        format: Option<&'a str>,
    }
    serde_json::from_slice::<Head<'_>>(bytes).is_ok_and(|h| h.format == Some(WATCH_FORMAT_NAME))
}

fn check_accounts(params: NetworkParams, accounts: &[AccountDescriptor]) -> Result<()> {
    if accounts.is_empty() {
        return Err(Error::input(
            "a watch-only wallet needs at least one descriptor",
        ));
    }
    if accounts.len() > MAX_ACCOUNTS {
        return Err(Error::input(format!(
            "{} accounts; a watch-only wallet holds at most {MAX_ACCOUNTS}",
            accounts.len()
        )));
    }
    for (i, a) in accounts.iter().enumerate() {
        if a.params() != params {
            return Err(Error::input(format!(
                "descriptor {} is for another network than the wallet's",
                i + 1
            )));
        }
        if accounts[0].origin().fingerprint != a.origin().fingerprint {
            return Err(Error::input(format!(
                "descriptor {} is of another master key ({} after {}): a watch-only wallet mirrors one signer",
                i + 1,
                a.origin().fingerprint,
                accounts[0].origin().fingerprint
            )));
        }
        if accounts[..i].iter().any(|b| b.kind() == a.kind()) {
            return Err(Error::input(format!(
                "two {} accounts: a watch-only wallet has at most one account per address type",
                a.kind().code()
            )));
        }
    }
    Ok(())
}

fn integrity_hash(doc: &Map<String, Value>) -> String {
    let mut input = INTEGRITY_PREFIX.to_vec();
    canonical_json(&Value::Object(doc.clone()), &mut input);
    hex::encode(Sha256::digest(&input))
}

/// Whether an account covers both chains (the watch-only wallet can make change).
#[must_use]
pub fn has_change(a: &AccountDescriptor) -> bool {
    a.keychains() == Keychains::Both
}

impl Keystore {
    /// Stores a new watch-only wallet; fails if any wallet of that name
    /// exists. The file appears complete or not at all.
    pub fn create_watch(&self, file: &WatchFile) -> Result<()> {
        let path = self.path_of(file.name())?;
        let bytes = file.to_bytes()?;
        let _lock = self.lock()?;
        if path.exists() {
            return Err(Error::WalletExists(file.name().to_owned()));
        }
        self.write_atomic(&path, &bytes, Placement::New, |b| {
            WatchFile::parse(b).map(|_| ())
        })
        .map_err(|e| match e {
            Error::FileExists(_) => Error::WalletExists(file.name().to_owned()),
            other => other,
        })
    }

    /// Reads wallet `name` of either kind.
    pub fn load_any(&self, name: &str) -> Result<StoredWallet> {
        let bytes = self.read_wallet(name)?;
        if is_watch_file(&bytes) {
            let file = WatchFile::parse(&bytes)?;
            self.check_inner_name(name, file.name())?;
            return Ok(StoredWallet::Watch(file));
        }
        let file = WalletFile::parse(&bytes)?;
        self.check_inner_name(name, file.name())?;
        Ok(StoredWallet::Keys(Box::new(file)))
    }

    /// Reads watch-only wallet `name`; a wallet with keys is an error.
    pub fn load_watch(&self, name: &str) -> Result<WatchFile> {
        match self.load_any(name)? {
            StoredWallet::Watch(w) => Ok(w),
            StoredWallet::Keys(_) => Err(Error::input(format!(
                "'{name}' is a wallet with keys, not a watch-only wallet"
            ))),
        }
    }

    /// The bytes of wallet `name`'s file (a missing file is `WalletNotFound`).
    pub(super) fn read_wallet(&self, name: &str) -> Result<Vec<u8>> {
        let path = self.path_of(name)?;
        match read_limited(&path) {
            Ok(b) => Ok(b),
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::WalletNotFound(name.to_owned()))
            }
            Err(e) => Err(e),
        }
    }

    pub(super) fn check_inner_name(&self, name: &str, inner: &str) -> Result<()> {
        if inner == name {
            return Ok(());
        }
        Err(Error::Tampered(format!(
            "file '{}' holds a wallet named '{inner}'; the name inside must match the file name",
            self.dir().join(format!("{name}.json")).display()
        )))
    }
}

/// The error for an operation that needs keys on a watch-only wallet.
#[must_use]
pub fn watch_only_error(name: &str) -> Error {
    Error::Unsupported(format!(
        "'{name}' is a watch-only wallet (descriptors, no keys): it cannot sign or show secrets; sign its PSBTs with the wallet that holds the keys"
    ))
}
