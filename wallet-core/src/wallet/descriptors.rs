//! A wallet's accounts as output descriptors (BIP380–386, BIP389): public
//! ones for a node or a watch-only wallet (from the stored account keys, no
//! password), private ones only after the password, like other secrets.

use super::{UnlockedWallet, Wallet};
use crate::account::{Selection, SelectionError};
use crate::bitcoin::descriptor::{self, AccountDescriptor, Keychains};
use crate::bitcoin::{AddressType, Network, NetworkParams};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::hd::{self, Fingerprint, Keychain};
use crate::key::PublicKey;
use crate::keystore::{SingleKey, SinglePublic, WalletSecret};
use crate::secret::SecretString;
use serde::Serialize;
use zeroize::Zeroizing;

/// The descriptors of one account (or of a single key).
#[derive(Clone, Serialize)]
pub struct AccountDescriptors {
    /// The address type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The account path (HD wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_path: Option<String>,
    /// Both chains as one BIP389 multipath descriptor (`/<0;1>/*`), or the
    /// single key's descriptor.
    pub descriptor: Zeroizing<String>,
    /// The receive chain (`/0/*`), for nodes without BIP389 (Litecoin
    /// Core, Bitcoin Core before 26).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive: Option<Zeroizing<String>>,
    /// The change chain (`/1/*`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Zeroizing<String>>,
}

/// `wallet export --descriptor`: the accounts of one chain and network.
/// Private descriptors are wiped when the view is dropped.
#[derive(Clone, Serialize)]
pub struct DescriptorExport {
    /// The wallet.
    pub name: String,
    /// `btc` or `ltc`.
    pub chain: &'static str,
    /// The network.
    pub network: &'static str,
    /// The master key fingerprint (HD wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_fingerprint: Option<String>,
    /// Whether the descriptors hold private keys.
    pub private: bool,
    /// One entry per address type.
    pub accounts: Vec<AccountDescriptors>,
}

/// What a descriptor export covers: the chain and network, the address
/// types and the account number of `sel` (defaults: btc mainnet, every
/// type, account 0). Addresses (index, change, count, path) are refused.
struct Scope {
    params: NetworkParams,
    kinds: Vec<AddressType>,
    account: u32,
}

impl Scope {
    fn of(sel: &Selection) -> Result<Self> {
        if sel.path.is_some() || sel.index.is_some() || sel.count != 1 {
            return Err(Error::input(
                "a descriptor covers a whole account: choose the chain, network, type and account, not an address",
            ));
        }
        if sel.keychain == Keychain::Internal {
            return Err(Error::input(
                "a descriptor covers both chains of an account (the change chain is in it)",
            ));
        }
        let chain = sel.chain.unwrap_or(ChainKind::Bitcoin);
        let family = chain
            .bitcoin_family()
            .ok_or_else(|| Error::Unsupported("output descriptors are for btc and ltc".into()))?;
        let params = NetworkParams::new(family, sel.network.unwrap_or(Network::Mainnet))?;
        Ok(Self {
            params,
            kinds: sel
                .kind
                .map_or_else(|| AddressType::ALL.to_vec(), |k| vec![k]),
            account: sel.account.unwrap_or(0),
        })
    }

    fn export(
        &self,
        name: &str,
        fingerprint: Option<Fingerprint>,
        private: bool,
    ) -> DescriptorExport {
        DescriptorExport {
            name: name.to_owned(),
            chain: ChainKind::from(self.params.chain()).code(),
            network: self.params.network().code(),
            master_fingerprint: fingerprint.map(|f| f.to_string()),
            private,
            accounts: Vec::new(),
        }
    }
}

impl Wallet {
    /// The public descriptors of the accounts `sel` names (its chain,
    /// network, type and account; default btc mainnet, every type, account 0):
    /// from the stored account keys, else after asking `password`.
    pub fn export_descriptors<E: From<Error>>(
        &self,
        sel: &Selection,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<DescriptorExport, E> {
        let scope = Scope::of(sel)?;
        let public = self.file.public();
        if let Some(single) = &public.single {
            let mut out = scope.export(&self.name, None, false);
            for kind in single_kinds(&scope, single.compressed)? {
                out.accounts
                    .push(single_entry(kind, &single_key_text(single, kind))?);
            }
            return Ok(out);
        }
        let fingerprint = public
            .fingerprint
            .ok_or_else(|| Error::Internal("HD wallet without a fingerprint".into()))?;
        let mut accounts = Vec::new();
        let mut missing = Vec::new();
        for &kind in &scope.kinds {
            let path = hd::account_path(kind.purpose(), scope.params.coin_type(), scope.account)?;
            match public.account_xpub(&path) {
                Some(x) => accounts.push(
                    AccountDescriptor::from_account_key(
                        kind,
                        scope.params,
                        fingerprint,
                        path,
                        x.clone(),
                    )
                    .map_err(Error::from)?,
                ),
                None => missing.push(kind),
            }
        }
        if !missing.is_empty() {
            let unlocked = self.unlock_with(password)?;
            let master = unlocked.master()?;
            for kind in missing {
                accounts.push(
                    AccountDescriptor::from_master(master, kind, scope.params, scope.account)
                        .map_err(Error::from)?,
                );
            }
            accounts.sort_by_key(|a| AddressType::ALL.iter().position(|k| *k == a.kind()));
        }
        let mut out = scope.export(&self.name, Some(fingerprint), false);
        for a in &accounts {
            out.accounts.push(public_entry(a)?);
        }
        Ok(out)
    }
}

impl UnlockedWallet {
    /// The PRIVATE descriptors of the accounts `sel` names (account
    /// `xprv`/`tprv` with its origin; a single key as WIF). Secret: show
    /// them only as other secret exports are shown.
    pub fn export_private_descriptors(&self, sel: &Selection) -> Result<DescriptorExport> {
        let scope = Scope::of(sel)?;
        let name = self.wallet.name();
        match &self.secret {
            WalletSecret::Single(s) => {
                let mut out = scope.export(name, None, true);
                for kind in single_kinds(&scope, s.compressed)? {
                    out.accounts
                        .push(single_entry(kind, &private_key_text(s, scope.params))?);
                }
                Ok(out)
            }
            WalletSecret::Hd(h) => {
                let master = h.master();
                let mut out = scope.export(name, Some(master.fingerprint()), true);
                for &kind in &scope.kinds {
                    let a =
                        AccountDescriptor::from_master(master, kind, scope.params, scope.account)?;
                    let private = |k| a.to_private_descriptor(master, k).map(secret_text);
                    out.accounts.push(AccountDescriptors {
                        kind: kind.code(),
                        account_path: Some(a.origin().path.to_string()),
                        descriptor: private(Keychains::Both)?,
                        receive: Some(private(Keychains::Only(Keychain::External))?),
                        change: Some(private(Keychains::Only(Keychain::Internal))?),
                    });
                }
                Ok(out)
            }
        }
    }
}

fn secret_text(s: SecretString) -> Zeroizing<String> {
    Zeroizing::new(s.expose().to_owned())
}

fn public_entry(a: &AccountDescriptor) -> Result<AccountDescriptors> {
    let (receive, change) = a.to_descriptor_pair()?;
    Ok(AccountDescriptors {
        kind: a.kind().code(),
        account_path: Some(a.origin().path.to_string()),
        descriptor: Zeroizing::new(a.to_descriptor(Keychains::Both)?),
        receive: Some(Zeroizing::new(receive)),
        change: Some(Zeroizing::new(change)),
    })
}

/// The types a single key has: all four for a compressed key, P2PKH for an
/// uncompressed one (asking for another type of it is an error).
fn single_kinds(scope: &Scope, compressed: bool) -> Result<Vec<AddressType>> {
    if scope.account != 0 {
        return Err(SelectionError::SingleKeyPosition.into());
    }
    if compressed {
        return Ok(scope.kinds.clone());
    }
    match scope.kinds.as_slice() {
        [AddressType::P2pkh] => Ok(vec![AddressType::P2pkh]),
        [one] => Err(Error::Unsupported(format!(
            "an uncompressed key has only a P2PKH address, not {}",
            one.code()
        ))),
        _ => Ok(vec![AddressType::P2pkh]),
    }
}

/// `KEY` of a single public key for `kind`: x-only for taproot (BIP386),
/// else the key as the address uses it.
fn single_key_text(single: &SinglePublic, kind: AddressType) -> Zeroizing<String> {
    Zeroizing::new(public_key_hex(&single.public_key, single.compressed, kind))
}

fn public_key_hex(pk: &PublicKey, compressed: bool, kind: AddressType) -> String {
    match (kind, compressed) {
        (AddressType::P2tr, _) => hex::encode(pk.x_only()),
        (_, true) => hex::encode(pk.to_compressed()),
        (_, false) => hex::encode(pk.to_uncompressed()),
    }
}

/// A single key's WIF for `params` (BIP380 key expressions take WIF).
fn private_key_text(s: &SingleKey, params: NetworkParams) -> Zeroizing<String> {
    let wif = crate::bitcoin::Wif::encode(&s.key, s.compressed, params);
    Zeroizing::new(wif.expose().to_owned())
}

/// The checksummed descriptor of one fixed key of type `kind`.
fn single_entry(kind: AddressType, key: &str) -> Result<AccountDescriptors> {
    let (open, close) = match kind {
        AddressType::P2pkh => ("pkh(", ")"),
        AddressType::P2shP2wpkh => ("sh(wpkh(", "))"),
        AddressType::P2wpkh => ("wpkh(", ")"),
        AddressType::P2tr => ("tr(", ")"),
    };
    let mut payload = Zeroizing::new(String::with_capacity(open.len() + key.len() + close.len()));
    for part in [open, key, close] {
        payload.push_str(part);
    }
    let text = descriptor::with_checksum(&payload)?;
    Ok(AccountDescriptors {
        kind: kind.code(),
        account_path: None,
        descriptor: Zeroizing::new(text),
        receive: None,
        change: None,
    })
}
