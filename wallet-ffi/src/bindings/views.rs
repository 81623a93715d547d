//! What the operations return, as records: the core's views
//! (`wallet_core::report`, `wallet_core::wallet`), field for field, with
//! chains, networks and address types as enums and secrets as
//! [`SecretText`] objects. The same facts the CLI's `--json` output and the
//! C ABI's JSON results carry, under the same names.

use super::error::WalletResult;
use super::secret::SecretText;
use super::types::{address_type_of, chain_of, network_of, AddressType, Chain, Language, Network};
use std::collections::HashMap;
use std::sync::Arc;
use wallet_core::report;
use wallet_core::wallet as core_wallet;
use zeroize::Zeroizing;

/// One derived address.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressEntry {
    /// The last path level's index.
    pub index: u32,
    /// The full derivation path (`m/84'/0'/0'/0/3`; `m` for a single key).
    pub path: String,
    /// The address as the chain writes it.
    pub address: String,
    /// The public key, compressed SEC1, hex.
    pub public_key: String,
}

/// A run of addresses and what they are.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressList {
    /// The chain.
    pub chain: Chain,
    /// The network (Bitcoin family).
    pub network: Option<Network>,
    /// The address type (Bitcoin family; null for a single key).
    pub address_type: Option<AddressType>,
    /// The master key fingerprint, 8 hex digits (HD wallets).
    pub master_fingerprint: Option<String>,
    /// The account path, when selected by account.
    pub account_path: Option<String>,
    /// The account extended public key (BIP32 `xpub`/`tpub`), when known.
    pub account_xpub: Option<String>,
    /// The same key with SLIP-132 version bytes (`zpub`…), when the type has its own.
    pub account_slip132: Option<String>,
    /// The addresses, in order.
    pub addresses: Vec<AddressEntry>,
}

impl AddressList {
    /// The record of a core list.
    pub(crate) fn of(l: report::AddressList) -> WalletResult<Self> {
        let h = l.header;
        Ok(Self {
            chain: chain_of(h.chain)?,
            network: network_of(h.network)?,
            address_type: address_type_of(h.kind)?,
            master_fingerprint: h.master_fingerprint,
            account_path: h.account_path,
            account_xpub: h.account_xpub,
            account_slip132: h.account_slip132,
            addresses: l
                .addresses
                .into_iter()
                .map(|a| AddressEntry {
                    index: a.index,
                    path: a.path,
                    address: a.address,
                    public_key: a.public_key,
                })
                .collect(),
        })
    }
}

/// A wallet as lists and summaries show it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletSummary {
    /// The wallet's name.
    pub name: String,
    /// `mnemonic`, `xprv` or `private-key`.
    pub kind: String,
    /// When it was created (RFC 3339, UTC).
    pub created: String,
    /// The master key fingerprint, 8 hex digits (HD wallets).
    pub fingerprint: Option<String>,
    /// The first receive address per chain code (`btc`, `ltc`, `eth`), mainnet.
    pub addresses: HashMap<String, String>,
    /// The wallet file's path.
    pub file: String,
}

impl From<report::WalletSummary> for WalletSummary {
    fn from(s: report::WalletSummary) -> Self {
        Self {
            name: s.name,
            kind: s.kind.to_owned(),
            created: s.created,
            fingerprint: s.fingerprint,
            addresses: s.addresses.into_iter().collect(),
            file: s.file,
        }
    }
}

/// A wallet just created with a fresh mnemonic.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CreatedWallet {
    /// The new wallet.
    pub summary: WalletSummary,
    /// The phrase: show it once to the user to write down, then wipe it.
    pub mnemonic: Arc<SecretText>,
    /// Its word count.
    pub words: u32,
    /// Its word list.
    pub language: Language,
}

/// One wallet of a listing.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListedWallet {
    /// The name.
    pub name: String,
    /// `mnemonic`, `xprv` or `private-key`.
    pub kind: String,
    /// When it was created (RFC 3339, UTC).
    pub created: String,
    /// The master key fingerprint (HD wallets).
    pub fingerprint: Option<String>,
}

/// A file of the keystore that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UnreadableWallet {
    /// Its name (the file stem).
    pub name: String,
    /// The error's stable kind (`tampered`, `unknown_version`, …).
    pub kind: String,
    /// Why it could not be read.
    pub reason: String,
}

/// The wallets of a keystore.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletListing {
    /// The keystore directory.
    pub keystore: String,
    /// The wallets, by name.
    pub wallets: Vec<ListedWallet>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<UnreadableWallet>,
}

impl From<report::WalletListing> for WalletListing {
    fn from(l: report::WalletListing) -> Self {
        Self {
            keystore: l.keystore,
            wallets: l
                .wallets
                .into_iter()
                .map(|w| ListedWallet {
                    name: w.name,
                    kind: w.kind.to_owned(),
                    created: w.created,
                    fingerprint: w.fingerprint,
                })
                .collect(),
            unreadable: l
                .unreadable
                .into_iter()
                .map(|u| UnreadableWallet {
                    name: u.name,
                    kind: u.kind.to_owned(),
                    reason: u.message,
                })
                .collect(),
        }
    }
}

/// An exported account extended public key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct XpubExport {
    /// The wallet.
    pub name: String,
    /// The extended public key, base58.
    pub xpub: String,
    /// The key's path (`m/84'/0'/0'`).
    pub path: String,
    /// The chain.
    pub chain: Chain,
    /// The network (Bitcoin family).
    pub network: Option<Network>,
    /// The address type (Bitcoin family).
    pub address_type: Option<AddressType>,
    /// The master key fingerprint.
    pub master_fingerprint: Option<String>,
}

impl XpubExport {
    /// The record of a core export.
    pub(crate) fn of(x: report::XpubExport) -> WalletResult<Self> {
        Ok(Self {
            name: x.name,
            xpub: x.xpub,
            path: x.path,
            chain: chain_of(x.chain)?,
            network: network_of(x.network)?,
            address_type: address_type_of(x.kind)?,
            master_fingerprint: x.master_fingerprint,
        })
    }
}

/// An exported secret: a mnemonic, an extended private key or one key.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SecretExport {
    /// The wallet.
    pub name: String,
    /// The secret: the phrase, the `xprv`, the WIF, the hex or the PEM text.
    pub secret: Arc<SecretText>,
    /// The mnemonic's BIP39 passphrase, when it has one.
    pub passphrase: Option<Arc<SecretText>>,
    /// The mnemonic's word count.
    pub words: Option<u32>,
    /// The mnemonic's word list.
    pub language: Option<Language>,
    /// The address of the exported key (one-key exports).
    pub address: Option<String>,
    /// The path of the exported key (HD wallets).
    pub path: Option<String>,
}

impl SecretExport {
    /// The record of a core export, its secrets moved (not copied) into
    /// [`SecretText`] objects.
    pub(crate) fn of(mut x: report::SecretExport) -> WalletResult<Self> {
        let secret = [
            &mut x.mnemonic,
            &mut x.xprv,
            &mut x.wif,
            &mut x.private_key,
            &mut x.pem,
        ]
        .into_iter()
        .find_map(Option::take)
        .ok_or_else(|| wallet_core::Error::Internal("an export without its secret".into()))?;
        let language = x
            .language
            .map(str::parse::<wallet_core::mnemonic::Language>)
            .transpose()?
            .map(Into::into);
        Ok(Self {
            name: std::mem::take(&mut x.name),
            secret: SecretText::new(secret),
            passphrase: x.passphrase.take().map(SecretText::new),
            words: x.words.and_then(|w| u32::try_from(w).ok()),
            language,
            address: x.address.take(),
            path: x.path.take(),
        })
    }
}

/// An Ethereum V3 keystore file exported from a wallet.
#[derive(Debug, Clone, uniffi::Record)]
pub struct EthKeystoreExport {
    /// The file's JSON (scrypt-encrypted under the export password).
    pub json: Arc<SecretText>,
    /// The key's Ethereum address.
    pub address: String,
}

/// A signed Ethereum transaction, every field decoded.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignedEthTx {
    /// The raw transaction, 0x-hex: what `eth_sendRawTransaction` takes.
    pub raw: String,
    /// Its hash, 0x-hex.
    pub hash: String,
    /// The sender, EIP-55 (`from` in the JSON views; a keyword in Python).
    pub sender: String,
    /// The recipient (null: a contract creation).
    pub to: Option<String>,
    /// The EIP-2718 type: 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702.
    pub tx_type: u8,
    /// The chain id (null: a pre-EIP-155 legacy transaction).
    pub chain_id: Option<u64>,
    /// The nonce.
    pub nonce: u64,
    /// The gas limit.
    pub gas: u64,
    /// The value in wei, decimal.
    pub value: String,
    /// The call data, 0x-hex.
    pub data: String,
    /// The gas price in wei (types 0 and 1).
    pub gas_price: Option<String>,
    /// The max fee per gas in wei (type 2).
    pub max_fee_per_gas: Option<String>,
    /// The max priority fee per gas in wei (type 2).
    pub max_priority_fee_per_gas: Option<String>,
    /// The access list as standard JSON (types 1 to 4).
    pub access_list: Option<String>,
    /// The max fee per blob gas in wei (type 3).
    pub max_fee_per_blob_gas: Option<String>,
    /// The blob versioned hashes, 0x-hex (type 3).
    pub blob_versioned_hashes: Option<Vec<String>>,
    /// The EIP-7702 authorizations as standard JSON (type 4).
    pub authorization_list: Option<String>,
    /// The signature's v as the transaction encodes it.
    pub v: u64,
    /// The signature's r, 0x-hex.
    pub r: String,
    /// The signature's s, 0x-hex.
    pub s: String,
    /// What the signer warns about this transaction (the zero address as
    /// recipient, a fee per gas suspiciously low or below the base fee):
    /// show these before it is sent.
    pub warnings: Vec<String>,
}

impl From<report::SignedEthTx> for SignedEthTx {
    fn from(t: report::SignedEthTx) -> Self {
        Self {
            raw: t.raw,
            hash: t.hash,
            sender: t.from,
            to: t.to,
            tx_type: t.tx_type,
            chain_id: t.chain_id,
            nonce: t.nonce,
            gas: t.gas,
            value: t.value,
            data: t.data,
            gas_price: t.gas_price,
            max_fee_per_gas: t.max_fee_per_gas,
            max_priority_fee_per_gas: t.max_priority_fee_per_gas,
            access_list: t.access_list.map(|v| v.to_string()),
            max_fee_per_blob_gas: t.max_fee_per_blob_gas,
            blob_versioned_hashes: t.blob_versioned_hashes,
            authorization_list: t
                .authorization_list
                .map(|a| serde_json::to_string(&a).unwrap_or_default()),
            v: t.v,
            r: t.r,
            s: t.s,
            warnings: Vec::new(),
        }
    }
}

/// A signed message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MessageSignature {
    /// The signature: 0x-hex, 65 bytes (EIP-191), or base64 (BIP137, BIP322).
    pub signature: String,
    /// The signer's address.
    pub address: String,
    /// The EIP-191 hash that was signed (Ethereum).
    pub message_hash: Option<String>,
    /// The Bitcoin-family format: `bip137`, or BIP322's `legacy`, `simple`, `full`.
    pub format: Option<String>,
    /// The key's path (HD wallets).
    pub path: Option<String>,
}

impl From<core_wallet::MessageSignature> for MessageSignature {
    fn from(m: core_wallet::MessageSignature) -> Self {
        Self {
            signature: m.signature,
            address: m.address,
            message_hash: m.message_hash,
            format: m.format.map(str::to_owned),
            path: m.path,
        }
    }
}

/// A signed EIP-712 document.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TypedDataSignature {
    /// The 65-byte signature, 0x-hex.
    pub signature: String,
    /// The signer's address.
    pub address: String,
    /// The EIP-712 digest that was signed, 0x-hex.
    pub digest: String,
    /// The domain separator, 0x-hex.
    pub domain_separator: String,
    /// The primary type.
    pub primary_type: String,
}

impl From<core_wallet::TypedDataSignature> for TypedDataSignature {
    fn from(t: core_wallet::TypedDataSignature) -> Self {
        Self {
            signature: t.signature,
            address: t.address,
            digest: t.digest,
            domain_separator: t.domain_separator,
            primary_type: t.primary_type,
        }
    }
}

/// What happened to one input of a PSBT.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InputOutcome {
    /// `signed`, `final` (already finalized), `not_ours` or `refused`.
    pub status: String,
    /// The script type signed for (`p2wpkh`, …), when signed.
    pub script_type: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
    /// The sighash type the signature commits with, when signed.
    pub sighash: Option<String>,
}

/// A signed PSBT.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PsbtOutcome {
    /// How many signatures were added.
    pub signed: u32,
    /// One outcome per input.
    pub inputs: Vec<InputOutcome>,
    /// The fee in satoshis, when every input's value is known.
    pub fee_sat: Option<u64>,
    /// The fee rate over the final transaction's estimated size, sat/vB.
    pub fee_rate: Option<f64>,
    /// Where the money goes.
    pub outputs: Vec<OutputOutcome>,
    /// The signed PSBT, base64 (not finalized).
    pub psbt: Option<String>,
    /// Its version: 0 (BIP174) or 2 (BIP370).
    pub psbt_version: Option<u32>,
    /// The final transaction, hex (finalized).
    pub hex: Option<String>,
    /// Its txid (finalized).
    pub txid: Option<String>,
    /// Its virtual size in vbytes (finalized).
    pub vsize: Option<u64>,
    /// Whether it was finalized.
    pub complete: bool,
    /// Signatures made with a sighash type that leaves parts of the
    /// transaction open to change (allowed explicitly).
    pub warnings: Vec<String>,
}

/// One output of a PSBT, as the signer reviewed it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutputOutcome {
    /// Its address (none for a script without one).
    pub address: Option<String>,
    /// Its amount in satoshis.
    pub amount_sat: u64,
    /// Whether it pays back to the signing wallet.
    pub change: bool,
}

impl From<report::PsbtOutcome> for PsbtOutcome {
    fn from(p: report::PsbtOutcome) -> Self {
        Self {
            signed: u32::try_from(p.signed).unwrap_or(u32::MAX),
            inputs: p
                .inputs
                .into_iter()
                .map(|i| InputOutcome {
                    status: i.status.to_owned(),
                    script_type: i.kind,
                    reason: i.reason,
                    sighash: i.sighash,
                })
                .collect(),
            fee_sat: p.fee_sat,
            fee_rate: p.fee_rate,
            outputs: p
                .outputs
                .into_iter()
                .map(|o| OutputOutcome {
                    address: o.address,
                    amount_sat: o.amount_sat,
                    change: o.change,
                })
                .collect(),
            psbt: p.psbt,
            psbt_version: p.psbt_version,
            hex: p.hex,
            txid: p.txid,
            vsize: p.vsize,
            complete: p.complete.unwrap_or(false),
            warnings: p.warnings,
        }
    }
}

/// The secret of a new or exported wallet, moved into a [`SecretText`].
pub(crate) fn secret_of(text: Option<Zeroizing<String>>) -> WalletResult<Arc<SecretText>> {
    text.map(SecretText::new)
        .ok_or_else(|| wallet_core::Error::Internal("a result without its secret".into()).into())
}
