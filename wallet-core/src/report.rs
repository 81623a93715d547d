//! The one JSON contract: serializable views of what the wallet's operations
//! return. The CLI's `--json` output and the C ABI's JSON results are these
//! types, serialized, so both faces print the same fields for the same thing.
//! Each field's doc comment is its schema entry (`docs/json.md` lists them).
//!
//! Views that carry a secret (an exported mnemonic or key) keep it in a
//! [`Zeroizing`] string and redact it in `Debug`.

use crate::account::{AddressFormat, DerivedAddress};
use crate::error::{Error, ErrorKind};
use crate::ethereum::{
    Address as EthAddress, SignedAuthorization, SignedTransaction, Transaction, Wei,
};
#[cfg(feature = "keystore")]
use crate::keystore::{KdfParams, KeySource, WalletFile, FORMAT_VERSION};
use serde::Serialize;
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// A valid mnemonic (`mnemonic check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MnemonicCheck {
    /// Always `true` (an invalid phrase is an error).
    pub valid: bool,
    /// How many words.
    pub words: usize,
    /// Its word list's code.
    pub language: &'static str,
}

impl MnemonicCheck {
    /// The facts of a parsed mnemonic.
    #[must_use]
    pub fn of(m: &crate::mnemonic::Mnemonic) -> Self {
        Self {
            valid: true,
            words: m.word_count(),
            language: m.language().code(),
        }
    }
}

/// A wallet as lists and summaries show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletSummary {
    /// The wallet's name.
    pub name: String,
    /// `mnemonic`, `xprv`, `private-key` or `slip39`.
    pub kind: &'static str,
    /// When it was created (RFC 3339, UTC).
    pub created: String,
    /// The master key fingerprint, 8 hex digits (HD wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The first receive address per chain code (`btc`, `ltc`, `eth`), mainnet.
    pub addresses: BTreeMap<String, String>,
    /// The wallet file's path.
    pub file: String,
}

#[cfg(feature = "keystore")]
impl WalletSummary {
    /// The summary of `file`, stored at `path`.
    #[must_use]
    pub fn of(file: &WalletFile, path: &std::path::Path) -> Self {
        let p = file.public();
        Self {
            name: file.name().to_owned(),
            kind: file.kind().code(),
            created: file.created().to_owned(),
            fingerprint: p.fingerprint.map(|f| f.to_string()),
            addresses: p.addresses.clone(),
            file: path.display().to_string(),
        }
    }
}

/// A wallet just created with a fresh mnemonic. The phrase is present when
/// the face shows it once to the caller (not after an interactive backup
/// check, which showed it on the terminal only).
#[derive(Clone, Serialize)]
pub struct CreatedWallet {
    /// The new wallet's summary.
    #[serde(flatten)]
    pub summary: WalletSummary,
    /// The phrase (a secret: shown once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnemonic: Option<Zeroizing<String>>,
    /// Its word count, with the phrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<usize>,
    /// Its language code, with the phrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'static str>,
    /// Whether the user proved to have written the phrase down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_verified: Option<bool>,
    /// The SLIP-39 shares of a wallet made with them (secrets: shown once,
    /// like the phrase), group by group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares: Option<Vec<ShareView>>,
    /// The shape of those shares (no secret: kept when the shares are not shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip39: Option<Slip39Layout>,
}

impl core::fmt::Debug for CreatedWallet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CreatedWallet")
            .field("summary", &self.summary)
            .field("mnemonic", &self.mnemonic.as_ref().map(|_| "<redacted>"))
            .field("shares", &self.shares.as_ref().map(Vec::len))
            .field("slip39", &self.slip39)
            .finish()
    }
}

/// One SLIP-39 share with where it belongs (`"group":1,"member":2`, both
/// 1-based as people number them). The mnemonic is a secret, wiped on drop.
#[derive(Clone, Serialize)]
pub struct ShareView {
    /// The group, 1-based.
    pub group: u8,
    /// The member within its group, 1-based.
    pub member: u8,
    /// The share's words, one ASCII space apart.
    pub mnemonic: Zeroizing<String>,
}

impl core::fmt::Debug for ShareView {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "ShareView(group {}, member {}, <redacted>)",
            self.group, self.member
        )
    }
}

/// One group of a SLIP-39 set: how many of its shares recover it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Slip39GroupView {
    /// The group, 1-based.
    pub group: u8,
    /// How many of its shares are needed.
    pub threshold: u8,
    /// How many shares it has (when known: the shares only tell the threshold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u8>,
}

/// The public shape of a SLIP-39 set of shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slip39Layout {
    /// The set's 15-bit identifier (in every share's first two words).
    pub identifier: u16,
    /// How many groups must be recovered.
    pub group_threshold: u8,
    /// How many groups exist.
    pub group_count: u8,
    /// Each group's member scheme, group 1 first.
    pub groups: Vec<Slip39GroupView>,
    /// The extendable-backup flag (`ext`).
    pub extendable: bool,
    /// The PBKDF2 iteration exponent (10000 x 2^e iterations).
    pub iteration_exponent: u8,
    /// The master secret's length in bits (128 or 256).
    pub bits: usize,
}

/// What a set of SLIP-39 shares covers so far (`mnemonic check --slip39`):
/// nothing secret, only counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slip39Check {
    /// Always `true` (a bad share is an error).
    pub valid: bool,
    /// True when the shares are enough to recover the master secret.
    pub complete: bool,
    /// How many shares were read.
    pub shares: usize,
    /// The set's identifier.
    pub identifier: u16,
    /// How many groups must be complete.
    pub group_threshold: u8,
    /// How many groups the set has.
    pub group_count: u8,
    /// How many more complete groups are needed (0 when complete).
    pub groups_needed: u8,
    /// The groups that have shares: `{"group","threshold","given","missing"}`.
    pub groups: Vec<Slip39GroupProgress>,
}

/// The shares read of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Slip39GroupProgress {
    /// The group, 1-based.
    pub group: u8,
    /// How many of its shares are needed.
    pub threshold: u8,
    /// How many were given.
    pub given: u8,
    /// How many more are needed (0 when complete).
    pub missing: u8,
}

impl Slip39Check {
    /// The view of `progress` after `shares` shares.
    #[must_use]
    pub fn of(progress: &crate::slip39::Progress, shares: usize) -> Self {
        Self {
            valid: true,
            complete: progress.is_complete(),
            shares,
            identifier: progress.identifier.value(),
            group_threshold: progress.group_threshold,
            group_count: progress.group_count,
            groups_needed: progress.groups_needed(),
            groups: progress
                .groups
                .iter()
                .map(|g| Slip39GroupProgress {
                    group: g.group.number(),
                    threshold: g.member_threshold,
                    given: g.members,
                    missing: g.missing(),
                })
                .collect(),
        }
    }
}

/// A recovered SLIP-39 master secret (the C ABI's combine): a secret, wiped
/// on drop, with the BIP32 facts that identify the wallet.
#[derive(Clone, Serialize)]
pub struct Slip39Secret {
    /// The master secret, lowercase hex.
    pub master_secret: Zeroizing<String>,
    /// Its length in bits.
    pub bits: usize,
    /// The BIP32 master key fingerprint of the secret used as the seed.
    pub fingerprint: String,
    /// The set's identifier.
    pub identifier: u16,
}

impl core::fmt::Debug for Slip39Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Slip39Secret")
            .field("bits", &self.bits)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// New SLIP-39 shares (the C ABI's split): secrets, wiped on drop.
#[derive(Clone, Serialize)]
pub struct Slip39Shares {
    /// Every share, group by group.
    pub shares: Vec<ShareView>,
    /// Their shape.
    pub slip39: Slip39Layout,
    /// The BIP32 master key fingerprint of the secret (to check a recovery).
    pub fingerprint: String,
}

impl core::fmt::Debug for Slip39Shares {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Slip39Shares")
            .field("shares", &self.shares.len())
            .field("slip39", &self.slip39)
            .finish()
    }
}

/// One stored account xpub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    /// The account path, e.g. `m/84'/0'/0'`.
    pub path: String,
    /// Its extended public key (BIP32 `xpub` version bytes).
    pub xpub: String,
}

/// A wallet file's key-derivation parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KdfView {
    /// Always `argon2id`.
    pub algorithm: &'static str,
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
    /// At or above the safe floor.
    pub safe: bool,
}

#[cfg(feature = "keystore")]
impl From<KdfParams> for KdfView {
    fn from(k: KdfParams) -> Self {
        Self {
            algorithm: "argon2id",
            m_cost_kib: k.m_cost_kib,
            t_cost: k.t_cost,
            p_cost: k.p_cost,
            safe: k.is_safe(),
        }
    }
}

/// Everything public about a wallet (`wallet info`).
#[cfg(feature = "keystore")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletInfo {
    /// The summary.
    #[serde(flatten)]
    pub summary: WalletSummary,
    /// The stored account xpubs (HD wallets; empty for a single key).
    pub accounts: Vec<AccountView>,
    /// The public key, compressed SEC1 hex (single-key wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Whether Bitcoin addresses use the compressed key (single-key wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compressed: Option<bool>,
    /// The import format (single-key wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<KeySource>,
    /// The file's argon2id parameters.
    pub kdf: KdfView,
    /// The file format version.
    pub format_version: u64,
}

#[cfg(feature = "keystore")]
impl WalletInfo {
    /// The public facts of `file`, stored at `path`.
    #[must_use]
    pub fn of(file: &WalletFile, path: &std::path::Path) -> Self {
        let p = file.public();
        Self {
            summary: WalletSummary::of(file, path),
            accounts: p
                .accounts
                .iter()
                .map(|a| AccountView {
                    path: a.path.to_string(),
                    xpub: a.xpub.to_base58(),
                })
                .collect(),
            public_key: p
                .single
                .as_ref()
                .map(|s| hex::encode(s.public_key.to_compressed())),
            compressed: p.single.as_ref().map(|s| s.compressed),
            source: p.single.as_ref().map(|s| s.source),
            kdf: file.kdf().into(),
            format_version: FORMAT_VERSION,
        }
    }
}

/// One wallet of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedWallet {
    /// The name.
    pub name: String,
    /// `mnemonic`, `xprv`, `private-key` or `slip39`.
    pub kind: &'static str,
    /// When it was created.
    pub created: String,
    /// The master key fingerprint (HD wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// A file of the keystore that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadableWallet {
    /// The name (the file stem).
    pub name: String,
    /// The error kind.
    pub kind: &'static str,
    /// Why.
    pub message: String,
}

/// The wallets of a keystore (`wallet list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletListing {
    /// The keystore directory.
    pub keystore: String,
    /// The wallets, by name.
    pub wallets: Vec<ListedWallet>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<UnreadableWallet>,
}

/// The description of a run of addresses: everything of an
/// [`AddressList`] but the addresses, which streaming output writes after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressHeader {
    /// `btc`, `ltc` or `eth`.
    pub chain: &'static str,
    /// The network (Bitcoin family).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<&'static str>,
    /// The address type (Bitcoin family; absent for single keys).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The master key fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_fingerprint: Option<String>,
    /// The account path, when selected by account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_path: Option<String>,
    /// The account extended public key (BIP32 `xpub`/`tpub`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_xpub: Option<String>,
    /// The same key with SLIP-132 version bytes, when the type has its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_slip132: Option<String>,
}

impl AddressHeader {
    /// The labels of `format`, nothing else set.
    #[must_use]
    pub fn of(format: &AddressFormat) -> Self {
        let (network, kind) = match format {
            AddressFormat::Ethereum => (None, None),
            AddressFormat::Bitcoin { params, kind } => {
                (Some(params.network().code()), Some(kind.code()))
            }
        };
        Self {
            chain: format.chain().code(),
            network,
            kind,
            master_fingerprint: None,
            account_path: None,
            account_xpub: None,
            account_slip132: None,
        }
    }
}

/// One address of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressEntry {
    /// The last path level's index.
    pub index: u32,
    /// The full path.
    pub path: String,
    /// The address.
    pub address: String,
    /// The public key, compressed SEC1 hex.
    pub public_key: String,
}

impl From<&DerivedAddress> for AddressEntry {
    fn from(a: &DerivedAddress) -> Self {
        Self {
            index: a.path.last().map_or(0, |c| c.index()),
            path: a.path.to_string(),
            address: a.address.clone(),
            public_key: hex::encode(a.public_key.to_compressed()),
        }
    }
}

/// A run of addresses (`wallet derive`, `wallet address`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressList {
    /// What the addresses are.
    #[serde(flatten)]
    pub header: AddressHeader,
    /// The addresses, in order.
    pub addresses: Vec<AddressEntry>,
}

/// An exported account extended public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XpubExport {
    /// The wallet.
    pub name: String,
    /// The extended public key.
    pub xpub: String,
    /// The node's path.
    pub path: String,
    /// `btc`, `ltc` or `eth`.
    pub chain: &'static str,
    /// The network (Bitcoin family).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<&'static str>,
    /// The address type (Bitcoin family).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The master key fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_fingerprint: Option<String>,
}

/// An exported secret: a mnemonic, an extended private key or one key.
/// The secret fields are wiped when the view is dropped.
#[derive(Clone, Serialize)]
pub struct SecretExport {
    /// The wallet.
    pub name: String,
    /// The mnemonic (with `--mnemonic`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnemonic: Option<Zeroizing<String>>,
    /// Its word count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<usize>,
    /// Its language code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'static str>,
    /// The BIP39 passphrase, when not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<Zeroizing<String>>,
    /// The extended private key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xprv: Option<Zeroizing<String>>,
    /// The address of the exported key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The path of the exported key (HD wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The key as WIF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wif: Option<Zeroizing<String>>,
    /// The key as hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_key: Option<Zeroizing<String>>,
    /// The key as PEM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pem: Option<Zeroizing<String>>,
}

impl SecretExport {
    /// An export of wallet `name` with nothing in it yet.
    #[must_use]
    pub fn empty(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            mnemonic: None,
            words: None,
            language: None,
            passphrase: None,
            xprv: None,
            address: None,
            path: None,
            wif: None,
            private_key: None,
            pem: None,
        }
    }

    /// The one secret this export carries, as text.
    #[must_use]
    pub fn secret_text(&self) -> &str {
        [
            &self.mnemonic,
            &self.xprv,
            &self.wif,
            &self.private_key,
            &self.pem,
        ]
        .into_iter()
        .flatten()
        .next()
        .map_or("", |s| s.as_str())
    }
}

impl core::fmt::Debug for SecretExport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecretExport")
            .field("name", &self.name)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A signed Ethereum transaction, every field decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedEthTx {
    /// The raw transaction, 0x-hex.
    pub raw: String,
    /// Its hash.
    pub hash: String,
    /// The sender (recovered from the signature).
    pub from: String,
    /// The recipient; `null` creates a contract.
    pub to: Option<String>,
    /// The EIP-2718 type: 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844
    /// (blobs), 4 EIP-7702 (set code).
    #[serde(rename = "type")]
    pub tx_type: u8,
    /// The chain id (`null`: a pre-EIP-155 legacy transaction).
    pub chain_id: Option<u64>,
    /// The nonce.
    pub nonce: u64,
    /// The gas limit.
    pub gas: u64,
    /// The value in wei (decimal).
    pub value: String,
    /// The call data, 0x-hex.
    pub data: String,
    /// The gas price in wei (types 0 and 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gas_price: Option<String>,
    /// The max fee per gas in wei (types 2, 3 and 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_fee_per_gas: Option<String>,
    /// The max priority fee per gas in wei (types 2, 3 and 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_priority_fee_per_gas: Option<String>,
    /// The access list (types 1 to 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_list: Option<serde_json::Value>,
    /// The max fee per blob gas in wei (type 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_fee_per_blob_gas: Option<String>,
    /// The blobs' versioned hashes, 0x-hex (type 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blob_versioned_hashes: Option<Vec<String>>,
    /// The authorizations (type 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_list: Option<Vec<SignedEthAuthorization>>,
    /// The signature's v as the transaction encodes it.
    pub v: u64,
    /// The signature's r, 0x-hex.
    pub r: String,
    /// The signature's s, 0x-hex.
    pub s: String,
}

impl SignedEthTx {
    /// The view of `signed`, sent by `from`.
    #[must_use]
    pub fn of(signed: &SignedTransaction, from: &EthAddress) -> Self {
        let tx = &signed.tx;
        let wei = |w: Wei| w.0.to_string();
        let (blob_fee, blob_hashes, auths) = match tx {
            Transaction::Eip4844(t) => (
                Some(wei(t.max_fee_per_blob_gas)),
                Some(
                    t.blob_versioned_hashes
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                ),
                None,
            ),
            Transaction::Eip7702(t) => (
                None,
                None,
                Some(
                    t.authorization_list
                        .iter()
                        .map(SignedEthAuthorization::of)
                        .collect(),
                ),
            ),
            _ => (None, None, None),
        };
        Self {
            raw: format!("0x{}", hex::encode(signed.to_raw())),
            hash: signed.hash().to_string(),
            from: from.to_checksum(),
            to: tx.to().map(|a| a.to_checksum()),
            tx_type: tx.tx_type().as_u8(),
            chain_id: tx.chain_id().map(|c| c.0),
            nonce: tx.nonce().0,
            gas: tx.gas_limit().0,
            value: wei(tx.value()),
            data: format!("0x{}", hex::encode(tx.input())),
            gas_price: tx.gas_price().map(wei),
            max_fee_per_gas: tx.eip1559_fees().map(|(max, _)| wei(max)),
            max_priority_fee_per_gas: tx.eip1559_fees().map(|(_, p)| wei(p)),
            access_list: tx
                .access_list()
                .map(|l| serde_json::to_value(l).unwrap_or_default()),
            max_fee_per_blob_gas: blob_fee,
            blob_versioned_hashes: blob_hashes,
            authorization_list: auths,
            v: signed.v(),
            r: format!("0x{}", hex::encode(signed.signature.r)),
            s: format!("0x{}", hex::encode(signed.signature.s)),
        }
    }
}

/// A signed EIP-7702 authorization (`eth sign-auth`, and each entry of a
/// set-code transaction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedEthAuthorization {
    /// `rlp([chain_id, address, nonce, y_parity, r, s])`, 0x-hex (the form
    /// `cast wallet sign-auth` prints and `--auth` takes).
    pub raw: String,
    /// The chain id it is valid on; 0: every chain.
    pub chain_id: u64,
    /// The contract whose code the account takes.
    pub address: String,
    /// The account nonce it is valid at.
    pub nonce: u64,
    /// The signature's y parity.
    pub y_parity: u8,
    /// The signature's r, 0x-hex.
    pub r: String,
    /// The signature's s, 0x-hex.
    pub s: String,
    /// The authorizing account, recovered (`null`: the signature is invalid
    /// and nodes skip this authorization).
    pub authority: Option<String>,
}

impl SignedEthAuthorization {
    /// The view of `a`.
    #[must_use]
    pub fn of(a: &SignedAuthorization) -> Self {
        Self {
            raw: format!("0x{}", hex::encode(a.to_rlp())),
            chain_id: a.authorization.chain.id(),
            address: a.authorization.address.to_checksum(),
            nonce: a.authorization.nonce.0,
            y_parity: a.y_parity(),
            r: format!("0x{}", hex::encode(a.signature.r)),
            s: format!("0x{}", hex::encode(a.signature.s)),
            authority: a.authority().ok().map(|x| x.to_checksum()),
        }
    }
}

/// What happened to one input of a PSBT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputOutcome {
    /// `signed`, `final` (already finalized), `not_ours` or `refused`.
    pub status: &'static str,
    /// The script type signed for (`p2wpkh`, …), when signed.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The sighash type the signature commits with, when signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sighash: Option<String>,
}

/// One output of a PSBT to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputOutcome {
    /// Its address (`null`: a script without one).
    pub address: Option<String>,
    /// Its amount in satoshis.
    pub amount_sat: u64,
    /// Whether it pays back to the signing wallet (change).
    pub change: bool,
}

/// A signed PSBT (`btc sign-psbt`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PsbtOutcome {
    /// How many signatures were added.
    pub signed: usize,
    /// One outcome per input.
    pub inputs: Vec<InputOutcome>,
    /// Where the money goes.
    pub outputs: Vec<OutputOutcome>,
    /// The fee in satoshis, when every input's value is known.
    pub fee_sat: Option<u64>,
    /// The fee over the final transaction's estimated size, sat/vB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee_rate: Option<f64>,
    /// The signed PSBT, base64 (not finalized).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psbt: Option<String>,
    /// Its version: 0 (BIP174) or 2 (BIP370).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psbt_version: Option<u32>,
    /// The final transaction, hex (finalized).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
    /// Its txid (finalized).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txid: Option<String>,
    /// Its virtual size (finalized).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vsize: Option<u64>,
    /// `true` when finalized.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    /// What the user must know about the signatures: inputs signed with a
    /// sighash type (allowed explicitly) that leaves parts of the
    /// transaction open to change, and a fee above the safety cap
    /// (allowed explicitly).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A failure as scripts read it: the stable kind, the message, and the
/// structured facts some errors carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorReport {
    /// Always `true`.
    pub error: bool,
    /// The stable kind (`wrong_password`, …; the CLI adds `usage`).
    pub kind: &'static str,
    /// One human sentence.
    pub message: String,
    /// Extra facts: `position`, `word`, `suggestions`, `language`,
    /// `word_language`, `word_count` (mnemonic errors), `reason` (a node's
    /// rejection), `maybe_sent` and `tx` (a send whose answer was lost, or
    /// one still `pending` after the wait).
    #[serde(flatten)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        Self {
            error: true,
            kind: e.kind().as_str(),
            message: e.to_string(),
            details: e.details(),
        }
    }
}

impl ErrorReport {
    /// A report of `kind` with `message` and no details.
    #[must_use]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            error: true,
            kind: kind.as_str(),
            message: message.into(),
            details: serde_json::Map::new(),
        }
    }
}
