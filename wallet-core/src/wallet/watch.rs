//! Watch-only wallets: made from output descriptors (BIP380–386, BIP389),
//! they show addresses and balances and build unsigned PSBTs for the signer
//! that holds the keys, which checks every input and change output against
//! its own keys before it signs.

use super::send::BtcBalance;
use crate::account::{DerivedAddress, Selection};
use crate::bitcoin::descriptor::{AccountDescriptor, Keychains};
use crate::bitcoin::{AddressType, NetworkParams};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::hd::{DerivationPath, Keychain};
use crate::keystore::{Keystore, WatchFile};
use crate::report::{AddressEntry, AddressHeader, AddressList};
use crate::rpc::bitcoin::BtcNode;
use crate::spend::bitcoin::{
    self as btc_spend, PaymentRequest, PreparedPayment, ScanAccount, SpendSource,
};
use crate::spend::verified;
use crate::verify::{BtcVerifyReport, VerifyOptions};
use serde::Serialize;

/// The `kind` of a watch-only wallet in lists and summaries.
pub const WATCH_KIND: &str = "watch-only";

/// A watch-only wallet of a keystore, its file read once.
#[derive(Debug, Clone)]
pub struct WatchWallet {
    keystore: Keystore,
    file: WatchFile,
}

/// What `wallet info` shows of a watch-only wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchInfo {
    /// The name.
    pub name: String,
    /// Always `watch-only`.
    pub kind: &'static str,
    /// When it was imported.
    pub created: String,
    /// `btc` or `ltc`.
    pub chain: &'static str,
    /// The network.
    pub network: &'static str,
    /// The signer's master key fingerprint.
    pub fingerprint: String,
    /// Its accounts.
    pub accounts: Vec<WatchAccount>,
    /// The file's path.
    pub file: String,
}

/// One account of a watch-only wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchAccount {
    /// The address type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The account path from the signer's master key.
    pub path: String,
    /// The descriptor, with its checksum.
    pub descriptor: String,
    /// Whether it has change addresses (both chains).
    pub change: bool,
}

/// A run of a watch-only wallet's addresses.
#[derive(Debug)]
pub struct WatchAddresses<'a> {
    account: &'a AccountDescriptor,
    keychain: Keychain,
    start: u32,
    count: u32,
    header: AddressHeader,
}

impl WatchAddresses<'_> {
    /// What the addresses are.
    #[must_use]
    pub fn header(&self) -> &AddressHeader {
        &self.header
    }

    /// How many.
    #[must_use]
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The `n` addresses from `offset` places after the first.
    pub fn chunk(&self, offset: u32, n: u32) -> Result<Vec<DerivedAddress>> {
        let first = self
            .start
            .checked_add(offset)
            .ok_or_else(|| Error::input("the address index is past 2^31 - 1"))?;
        self.account.addresses(self.keychain, first, n)
    }
}

/// A wallet of either kind, its file read once.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per command, never in a collection
pub enum AnyWallet {
    /// A wallet with keys.
    Keys(super::Wallet),
    /// A watch-only wallet.
    Watch(WatchWallet),
}

impl AnyWallet {
    /// Opens wallet `name` of `keystore`, whichever kind it is.
    pub fn open(keystore: &Keystore, name: &str) -> Result<Self> {
        Ok(match keystore.load_any(name)? {
            crate::keystore::StoredWallet::Keys(file) => {
                AnyWallet::Keys(super::Wallet::from_file(keystore, name, *file))
            }
            crate::keystore::StoredWallet::Watch(file) => AnyWallet::Watch(WatchWallet {
                keystore: keystore.clone(),
                file,
            }),
        })
    }
}

impl WatchWallet {
    /// Opens watch-only wallet `name`.
    pub fn open(keystore: &Keystore, name: &str) -> Result<Self> {
        Ok(Self {
            keystore: keystore.clone(),
            file: keystore.load_watch(name)?,
        })
    }

    /// Imports a watch-only wallet `name` on `params` from descriptors
    /// `text` (see [`parse_descriptors`]); fails if any wallet has that name.
    pub fn import(
        keystore: &Keystore,
        name: &str,
        params: NetworkParams,
        text: &str,
    ) -> Result<Self> {
        let accounts = parse_descriptors(text, params)?;
        let file = WatchFile::new(name, params, accounts)?;
        keystore.create_watch(&file)?;
        Ok(Self {
            keystore: keystore.clone(),
            file,
        })
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.file.name()
    }

    /// Removes the wallet (and its change record).
    pub fn delete(self) -> Result<()> {
        self.keystore.delete(self.file.name())
    }

    /// The file as read.
    #[must_use]
    pub fn file(&self) -> &WatchFile {
        &self.file
    }

    /// The chain and network of its addresses.
    #[must_use]
    pub fn params(&self) -> NetworkParams {
        self.file.params()
    }

    /// Everything it stores.
    pub fn info(&self) -> Result<WatchInfo> {
        let params = self.params();
        let accounts = self
            .file
            .accounts()
            .iter()
            .map(|a| {
                Ok(WatchAccount {
                    kind: a.kind().code(),
                    path: a.origin().path.to_string(),
                    descriptor: a.to_descriptor(a.keychains())?,
                    change: a.keychains() == Keychains::Both,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(WatchInfo {
            name: self.name().to_owned(),
            kind: WATCH_KIND,
            created: self.file.created().to_owned(),
            chain: ChainKind::from(params.chain()).code(),
            network: params.network().code(),
            fingerprint: self.fingerprint()?.to_string(),
            accounts,
            file: self.path().display().to_string(),
        })
    }

    fn path(&self) -> std::path::PathBuf {
        self.keystore.dir().join(format!("{}.json", self.name()))
    }

    fn fingerprint(&self) -> Result<crate::hd::Fingerprint> {
        self.file
            .accounts()
            .first()
            .map(|a| a.origin().fingerprint)
            .ok_or_else(|| Error::Internal("watch-only wallet without accounts".into()))
    }

    /// The account `sel` names: its address type (default P2WPKH when the
    /// wallet has it, else its first account), on the wallet's network.
    pub fn account_for(&self, sel: &Selection) -> Result<&AccountDescriptor> {
        let params = self.params();
        if let Some(c) = sel.chain {
            if c.bitcoin_family() != Some(params.chain()) {
                return Err(Error::WrongChain(format!(
                    "'{}' watches {} addresses, not {}",
                    self.name(),
                    ChainKind::from(params.chain()).code(),
                    c.code()
                )));
            }
        }
        if let Some(n) = sel.network.filter(|n| *n != params.network()) {
            return Err(Error::WrongNetwork {
                what: "the selection",
                found: n.code().into(),
                expected: params.network().code().into(),
            });
        }
        let account = match sel.kind {
            Some(k) => self.file.account(k).ok_or_else(|| {
                Error::input(format!(
                    "'{}' has no {} account; it watches {}",
                    self.name(),
                    k.code(),
                    self.kinds()
                ))
            })?,
            None => self
                .file
                .account(AddressType::P2wpkh)
                .or_else(|| self.file.accounts().first())
                .ok_or_else(|| Error::Internal("watch-only wallet without accounts".into()))?,
        };
        if let Some(n) = sel.account {
            let last = account.origin().path.last().map(|c| c.index());
            if last != Some(n) {
                return Err(Error::input(format!(
                    "'{}' watches only account {} of this type (path {})",
                    self.name(),
                    last.map_or_else(|| "?".into(), |i| i.to_string()),
                    account.origin().path
                )));
            }
        }
        Ok(account)
    }

    fn kinds(&self) -> String {
        let k: Vec<&str> = self
            .file
            .accounts()
            .iter()
            .map(|a| a.kind().code())
            .collect();
        k.join(", ")
    }

    /// The addresses `sel` names (type, keychain, index or full path,
    /// count), made a chunk at a time.
    pub fn address_source(&self, sel: &Selection) -> Result<WatchAddresses<'_>> {
        let account = self.account_for(sel)?;
        let (keychain, start) = match &sel.path {
            Some(p) => position_below(account, p)?,
            None => (sel.keychain, sel.index.unwrap_or(0)),
        };
        let mut header = AddressHeader::of(&crate::account::AddressFormat::Bitcoin {
            params: self.params(),
            kind: account.kind(),
        });
        header.master_fingerprint = Some(account.origin().fingerprint.to_string());
        header.account_path = Some(account.origin().path.to_string());
        header.account_xpub = Some(account.xpub().to_base58());
        Ok(WatchAddresses {
            account,
            keychain,
            start,
            count: sel.count.max(1),
            header,
        })
    }

    /// The addresses `sel` names, as one list.
    pub fn addresses(&self, sel: &Selection) -> Result<AddressList> {
        let source = self.address_source(sel)?;
        let all = source.chunk(0, source.count)?;
        Ok(AddressList {
            header: source.header.clone(),
            addresses: all.iter().map(AddressEntry::from).collect(),
        })
    }

    /// Its accounts as a scan sees them, with their change records.
    pub fn scan_accounts(&self) -> Result<Vec<ScanAccount>> {
        let params = self.params();
        self.file
            .accounts()
            .iter()
            .map(|a| {
                let key = btc_spend::change_record_key(params, &a.origin().path);
                Ok(ScanAccount {
                    kind: a.kind(),
                    path: a.origin().path.clone(),
                    xpub: a.xpub().clone(),
                    next_change: self.keystore.next_change_index(self.name(), &key)?,
                })
            })
            .collect()
    }

    /// Its accounts as a spend source (under the signer's fingerprint).
    pub fn spend_source(&self) -> Result<SpendSource> {
        Ok(SpendSource::Accounts {
            accounts: self.scan_accounts()?,
            fingerprint: self.fingerprint()?,
        })
    }

    /// Its balance (scans `gap` addresses per chain and account).
    pub fn btc_balance(&self, node: &BtcNode, gap: u32) -> Result<BtcBalance> {
        let params = self.params();
        let source = self.spend_source()?;
        node.check_network(params)?;
        let found = btc_spend::find_coins(node, &source, params, gap.clamp(1, 10_000))?;
        Ok(BtcBalance::of(&found))
    }

    /// Builds an unsigned payment (nothing is signed or sent) and records
    /// the change index it hands out, so the next PSBT never reuses it.
    pub fn create_psbt(&self, node: &BtcNode, request: PaymentRequest) -> Result<PreparedPayment> {
        let params = self.params();
        let source = self.spend_source()?;
        self.check_change_account(&source, &request)?;
        let prepared = btc_spend::prepare_payment(node, &source, params, request)?;
        super::send::record_change(&self.keystore, self.name(), params, &source, &prepared)?;
        Ok(prepared)
    }
}

impl WatchWallet {
    /// The change type of `request` must be an account with a change
    /// descriptor.
    fn check_change_account(&self, source: &SpendSource, request: &PaymentRequest) -> Result<()> {
        if let Some(a) = self.file.account(source.change_kind(request.change_kind)) {
            if a.keychains() != Keychains::Both {
                return Err(Error::input(format!(
                    "the {} account of '{}' has no change descriptor (/1/*): import it to make change, or choose another change type",
                    a.kind().code(),
                    self.name()
                )));
            }
        }
        Ok(())
    }

    /// As [`WatchWallet::btc_balance`], with every coin it counts proven in
    /// the node's header chain verified from `opts`' checkpoint.
    pub fn btc_balance_verified(
        &self,
        node: &BtcNode,
        gap: u32,
        opts: &VerifyOptions,
    ) -> Result<(BtcBalance, BtcVerifyReport)> {
        let params = self.params();
        let source = self.spend_source()?;
        node.check_network(params)?;
        let (found, report) =
            verified::find_coins_verified(node, &source, params, gap.clamp(1, 10_000), opts)?;
        Ok((BtcBalance::of(&found), report))
    }

    /// As [`WatchWallet::create_psbt`], with every coin the PSBT spends
    /// proven first (the change index is recorded only then).
    pub fn create_psbt_verified(
        &self,
        node: &BtcNode,
        request: PaymentRequest,
        opts: &VerifyOptions,
    ) -> Result<(PreparedPayment, BtcVerifyReport)> {
        let params = self.params();
        let source = self.spend_source()?;
        self.check_change_account(&source, &request)?;
        let (prepared, report) =
            verified::prepare_payment_verified(node, &source, params, request, opts)?;
        super::send::record_change(&self.keystore, self.name(), params, &source, &prepared)?;
        Ok((prepared, report))
    }
}

/// The keychain and index of `path`, which must be an address path of
/// `account` (`account path/0 or 1/index`).
fn position_below(account: &AccountDescriptor, path: &DerivationPath) -> Result<(Keychain, u32)> {
    let base = account.origin().path.indexes();
    let idx = path.indexes();
    let wrong = || {
        Error::InvalidPath(format!(
            "{path} is not an address of the account {} (its addresses are {}/0/i and {}/1/i)",
            account.origin().path,
            account.origin().path,
            account.origin().path
        ))
    };
    if idx.len() != base.len() + 2 || !idx.starts_with(base) {
        return Err(wrong());
    }
    let (chain, leaf) = (idx[base.len()], idx[base.len() + 1]);
    if chain.is_hardened() || leaf.is_hardened() {
        return Err(wrong());
    }
    let keychain = match chain.index() {
        0 => Keychain::External,
        1 => Keychain::Internal,
        _ => return Err(wrong()),
    };
    Ok((keychain, leaf.index()))
}

/// A descriptor error naming its line, of the kind it has on its own.
fn at_line(e: crate::bitcoin::descriptor::DescriptorError, line: usize) -> Error {
    match Error::from(e.clone()) {
        Error::Checksum { .. } => Error::Checksum {
            what: if line == 1 {
                "descriptor"
            } else {
                "a descriptor (not the first line)"
            },
        },
        e @ Error::WrongNetwork { .. } => e,
        other => {
            let msg = format!("descriptor on line {line}: {e}");
            match other.kind() {
                crate::ErrorKind::InvalidKey => Error::InvalidKey(msg),
                crate::ErrorKind::Unsupported => Error::Unsupported(msg),
                crate::ErrorKind::InvalidPath => Error::InvalidPath(msg),
                _ => Error::InvalidInput(msg),
            }
        }
    }
}

/// Reads descriptors, one per line (`#` comment lines and blank lines
/// skipped): each account either as one BIP389 multipath descriptor
/// (`/<0;1>/*`) or as its receive (`/0/*`) and change (`/1/*`) descriptors
/// in any order, or a receive descriptor alone (no change: the wallet can
/// watch but not make change). Litecoin Core and Bitcoin Core before 26
/// write the pair; both forms are read.
pub fn parse_descriptors(text: &str, params: NetworkParams) -> Result<Vec<AccountDescriptor>> {
    let mut singles: Vec<AccountDescriptor> = Vec::new();
    let mut out: Vec<AccountDescriptor> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("# ") || line == "#" {
            continue;
        }
        let d = AccountDescriptor::parse(line, params).map_err(|e| at_line(e, n + 1))?;
        if d.keychains() == Keychains::Both {
            out.push(d);
            continue;
        }
        let partner = singles
            .iter()
            .position(|s| s.kind() == d.kind() && s.origin() == d.origin() && s.xpub() == d.xpub());
        match partner {
            Some(i) => {
                let first = singles.remove(i);
                let (a, b) = (
                    first.to_descriptor(first.keychains())?,
                    d.to_descriptor(d.keychains())?,
                );
                out.push(AccountDescriptor::parse_pair(&a, &b, params)?);
            }
            None => singles.push(d),
        }
    }
    out.extend(singles);
    if out.is_empty() {
        return Err(Error::input(
            "no descriptor given: pass one per line on stdin (e.g. the output of `wallet export NAME --descriptor`)",
        ));
    }
    Ok(out)
}
