//! What a wallet file protects ([`WalletSecret`]) and the public facts about
//! it that are stored beside the ciphertext ([`PublicInfo`]).

use crate::account::AddressFormat;
use crate::bitcoin::{AddressType, Chain, Network, NetworkParams, Wif};
use crate::error::{Error, Result};
use crate::ethereum;
use crate::hd::{self, DerivationPath, ExtendedPrivateKey, ExtendedPublicKey, KeyVersion};
use crate::key::{PrivateKey, PublicKey};
use crate::mnemonic::{Language, Mnemonic};
use crate::secret::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// The kind of wallet a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum WalletKind {
    /// A BIP39 mnemonic (and optional passphrase).
    #[default]
    Mnemonic,
    /// A BIP32 master extended private key.
    Xprv,
    /// One private key.
    PrivateKey,
}

impl WalletKind {
    /// `mnemonic`, `xprv` or `private-key`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            WalletKind::Mnemonic => "mnemonic",
            WalletKind::Xprv => "xprv",
            WalletKind::PrivateKey => "private-key",
        }
    }
}

/// Where a single private key came from (so it exports the way it came in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeySource {
    /// Raw hex.
    Hex,
    /// Wallet Import Format.
    Wif,
    /// PEM (SEC1 or PKCS#8).
    Pem,
    /// An Ethereum V3 keystore file.
    EthKeystore,
}

/// The secret a wallet file protects. Zeroized on drop; `Debug` is redacted.
#[derive(Debug, Clone)]
pub enum WalletSecret {
    /// A mnemonic and its BIP39 passphrase (empty when none).
    Mnemonic {
        /// The phrase.
        mnemonic: Mnemonic,
        /// The BIP39 passphrase, exactly as given.
        passphrase: SecretString,
    },
    /// A master extended private key (depth 0).
    Xprv(ExtendedPrivateKey),
    /// One private key.
    PrivateKey {
        /// The key.
        key: PrivateKey,
        /// Whether Bitcoin addresses use the compressed public key.
        compressed: bool,
        /// The WIF version byte it was imported with, if it came as WIF.
        wif_version: Option<u8>,
        /// Its original format.
        source: KeySource,
    },
}

/// One account whose extended public key is stored in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// Account path, e.g. `m/84'/0'/0'`.
    pub path: String,
    /// Its extended public key (BIP32 `xpub` version bytes).
    pub xpub: String,
}

/// The public part of a wallet file: readable without the password, bound to
/// the ciphertext as associated data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PublicInfo {
    /// Master key fingerprint (HD wallets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fingerprint: Option<String>,
    /// Account-level xpubs (account 0 of every convention), by path.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub accounts: Vec<AccountInfo>,
    /// First receive address per chain (`btc`, `ltc`, `eth`), mainnet.
    #[serde(default)]
    pub addresses: BTreeMap<String, String>,
    /// The public key (single-key wallets), compressed SEC1 hex.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub public_key: Option<String>,
    /// Whether Bitcoin addresses use the compressed key (single-key wallets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub compressed: Option<bool>,
    /// The import format (single-key wallets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<KeySource>,
}

impl PublicInfo {
    /// The stored xpub of the account at `path`, if any.
    pub fn account_xpub(&self, path: &DerivationPath) -> Option<Result<ExtendedPublicKey>> {
        let p = path.to_string();
        self.accounts
            .iter()
            .find(|a| a.path == p)
            .map(|a| ExtendedPublicKey::parse(&a.xpub))
    }

    /// The stored public key of a single-key wallet.
    pub fn single_key(&self) -> Option<Result<PublicKey>> {
        self.public_key.as_deref().map(PublicKey::from_hex)
    }
}

/// The purposes and coin types whose account 0 xpub is stored in the clear.
const STORED_ACCOUNTS: [(u32, u32); 13] = [
    (44, 0),
    (49, 0),
    (84, 0),
    (86, 0),
    (44, 1),
    (49, 1),
    (84, 1),
    (86, 1),
    (44, 2),
    (49, 2),
    (84, 2),
    (86, 2),
    (44, hd::ETHEREUM_COIN_TYPE),
];

impl WalletSecret {
    /// The kind of wallet.
    #[must_use]
    pub fn kind(&self) -> WalletKind {
        match self {
            WalletSecret::Mnemonic { .. } => WalletKind::Mnemonic,
            WalletSecret::Xprv(_) => WalletKind::Xprv,
            WalletSecret::PrivateKey { .. } => WalletKind::PrivateKey,
        }
    }

    /// A master extended key, checked to be at depth 0.
    pub fn from_xprv(xprv: ExtendedPrivateKey) -> Result<Self> {
        if xprv.depth() != 0 {
            return Err(Error::Unsupported(format!(
                "this extended key is at depth {} (an account or child key); import the master key (depth 0) or the mnemonic, so that addresses are derived at their real paths",
                xprv.depth()
            )));
        }
        // The version bytes it came with (xprv, tprv, or SLIP-132 yprv/zprv/…)
        // are kept, so that it exports exactly as it was imported.
        Ok(WalletSecret::Xprv(xprv))
    }

    /// The version an imported extended private key came with (`None` for
    /// other wallet kinds).
    #[must_use]
    pub fn imported_xprv_version(&self) -> Option<KeyVersion> {
        match self {
            WalletSecret::Xprv(x) => Some(x.version()),
            _ => None,
        }
    }

    /// The BIP32 master key of an HD wallet (`None` for a single key), with
    /// the plain `xprv` version (derivation does not depend on it).
    pub fn master(&self) -> Result<Option<ExtendedPrivateKey>> {
        match self {
            WalletSecret::Mnemonic {
                mnemonic,
                passphrase,
            } => Ok(Some(ExtendedPrivateKey::from_seed(
                &mnemonic.to_seed(passphrase.expose()),
            )?)),
            WalletSecret::Xprv(x) => Ok(Some(x.clone().with_version(KeyVersion::XPRV))),
            WalletSecret::PrivateKey { .. } => Ok(None),
        }
    }

    /// The public facts stored beside the ciphertext.
    pub fn public_info(&self) -> Result<PublicInfo> {
        let mut info = PublicInfo::default();
        match self {
            WalletSecret::PrivateKey {
                key,
                compressed,
                source,
                ..
            } => {
                let pk = key.public_key();
                info.public_key = Some(hex::encode(pk.to_compressed()));
                info.compressed = Some(*compressed);
                info.source = Some(*source);
                info.addresses.insert(
                    "eth".into(),
                    ethereum::Address::from_public_key(&pk).to_checksum(),
                );
                let kind = if *compressed {
                    AddressType::P2wpkh
                } else {
                    AddressType::P2pkh
                };
                for (chain, params) in [
                    ("btc", NetworkParams::BITCOIN),
                    (
                        "ltc",
                        NetworkParams::new(Chain::Litecoin, Network::Mainnet)?,
                    ),
                ] {
                    info.addresses.insert(
                        chain.into(),
                        single_key_address(&pk, *compressed, kind, params)?,
                    );
                }
            }
            _ => {
                let master = self
                    .master()?
                    .ok_or_else(|| Error::Internal("HD wallet without a master key".into()))?;
                info.fingerprint = Some(master.fingerprint().to_string());
                for (purpose, coin) in STORED_ACCOUNTS {
                    let path = hd::account_path(purpose, coin, 0)?;
                    let xpub = master
                        .derive_path(&path)?
                        .with_version(KeyVersion::XPRV)
                        .public_key();
                    info.accounts.push(AccountInfo {
                        path: path.to_string(),
                        xpub: xpub.to_base58(),
                    });
                }
                let ltc = NetworkParams::new(Chain::Litecoin, Network::Mainnet)?;
                for (chain, format) in [
                    (
                        "btc",
                        AddressFormat::Bitcoin {
                            params: NetworkParams::BITCOIN,
                            kind: AddressType::P2wpkh,
                        },
                    ),
                    (
                        "ltc",
                        AddressFormat::Bitcoin {
                            params: ltc,
                            kind: AddressType::P2wpkh,
                        },
                    ),
                    ("eth", AddressFormat::Ethereum),
                ] {
                    let path = format.address_path(0, false, 0)?;
                    let pk = master.derive_path(&path)?.private_key().public_key();
                    info.addresses.insert(chain.into(), format.encode(&pk)?);
                }
            }
        }
        Ok(info)
    }

    /// The JSON plaintext sealed in the file (zeroized when dropped).
    pub(crate) fn to_plaintext(&self) -> Result<Zeroizing<Vec<u8>>> {
        let value = match self {
            WalletSecret::Mnemonic {
                mnemonic,
                passphrase,
            } => {
                // One ASCII space between words whatever the language: the
                // canonical NFKD form the seed is computed from.
                let words: Vec<&str> = (0..mnemonic.word_count())
                    .filter_map(|i| mnemonic.word(i))
                    .collect();
                Plain {
                    kind: WalletKind::Mnemonic,
                    mnemonic: Some(Zeroizing::new(words.join(" "))),
                    language: Some(mnemonic.language().code().to_owned()),
                    passphrase: Some(Zeroizing::new(passphrase.expose().to_owned())),
                    ..Plain::default()
                }
            }
            WalletSecret::Xprv(x) => Plain {
                kind: WalletKind::Xprv,
                xprv: Some(Zeroizing::new(x.to_base58().expose().to_owned())),
                ..Plain::default()
            },
            WalletSecret::PrivateKey {
                key,
                compressed,
                wif_version,
                source,
            } => Plain {
                kind: WalletKind::PrivateKey,
                key: Some(Zeroizing::new(key.to_hex().expose().to_owned())),
                compressed: Some(*compressed),
                wif_version: *wif_version,
                source: Some(*source),
                ..Plain::default()
            },
        };
        // Sized from the inputs so that the buffer never reallocates (a
        // reallocation frees the old copy of the secret unwiped): JSON
        // escaping writes at most 6 bytes per input byte (`\u00XX`), plus
        // the field names, punctuation and small values.
        let capacity = value.max_json_len();
        let mut out = Zeroizing::new(Vec::with_capacity(capacity));
        serde_json::to_writer(&mut *out, &value)
            .map_err(|e| Error::Internal(format!("payload JSON: {e}")))?;
        debug_assert!(out.len() <= capacity, "the payload outgrew its buffer");
        Ok(out)
    }

    /// Parses the decrypted JSON plaintext.
    pub(crate) fn from_plaintext(bytes: &[u8]) -> Result<Self> {
        let p: Plain = serde_json::from_slice(bytes)
            .map_err(|e| Error::Tampered(format!("the decrypted payload is malformed: {e}")))?;
        let missing = |f: &str| Error::Tampered(format!("the decrypted payload lacks '{f}'"));
        Ok(match p.kind {
            WalletKind::Mnemonic => {
                let phrase = p.mnemonic.as_ref().ok_or_else(|| missing("mnemonic"))?;
                let mnemonic = match p.language.as_deref() {
                    Some(l) => Mnemonic::parse_in(phrase, l.parse::<Language>()?)?,
                    None => Mnemonic::parse(phrase)?,
                };
                WalletSecret::Mnemonic {
                    mnemonic,
                    passphrase: SecretString::new(
                        p.passphrase
                            .as_ref()
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                    ),
                }
            }
            WalletKind::Xprv => {
                let x = p.xprv.as_ref().ok_or_else(|| missing("xprv"))?;
                WalletSecret::from_xprv(ExtendedPrivateKey::parse(x)?)?
            }
            WalletKind::PrivateKey => {
                let k = p.key.as_ref().ok_or_else(|| missing("key"))?;
                WalletSecret::PrivateKey {
                    key: PrivateKey::from_hex(k)?,
                    compressed: p.compressed.unwrap_or(true),
                    wif_version: p.wif_version,
                    source: p.source.unwrap_or(KeySource::Hex),
                }
            }
        })
    }
}

/// A single key's address; uncompressed keys only have P2PKH addresses.
pub fn single_key_address(
    pk: &PublicKey,
    compressed: bool,
    kind: AddressType,
    params: NetworkParams,
) -> Result<String> {
    if compressed {
        return Ok(crate::bitcoin::Address::from_public_key(pk, kind, params)?.to_string());
    }
    if kind != AddressType::P2pkh {
        return Err(Error::Unsupported(format!(
            "this key was imported as uncompressed; it has only a P2PKH address, not {kind}"
        )));
    }
    let payload = crate::bitcoin::Payload::PubkeyHash(crate::hash::hash160(&pk.to_uncompressed()));
    Ok(crate::bitcoin::Address::new(payload, params).to_string())
}

/// The WIF of a single key the way it was imported (or for `params`).
pub fn wif_for(secret: &WalletSecret, params: Option<NetworkParams>) -> Result<SecretString> {
    match secret {
        WalletSecret::PrivateKey {
            key,
            compressed,
            wif_version,
            ..
        } => Ok(match (params, wif_version) {
            (Some(p), _) => Wif::encode(key, *compressed, p),
            (None, Some(v)) => Wif::encode_version(key, *compressed, *v),
            (None, None) => Wif::encode(key, *compressed, NetworkParams::BITCOIN),
        }),
        _ => Err(Error::Internal("wif_for on an HD wallet".into())),
    }
}

impl Plain {
    /// An upper bound on the length of this payload's JSON.
    fn max_json_len(&self) -> usize {
        let strings: usize = [&self.mnemonic, &self.passphrase, &self.xprv, &self.key]
            .into_iter()
            .flatten()
            .map(|s| s.len())
            .sum::<usize>()
            + self.language.as_ref().map_or(0, String::len);
        // Keys, quotes, commas, braces, `type`, booleans, a u8 and the key
        // source take under 200 bytes; 256 leaves a margin.
        256 + 6 * strings
    }
}

/// Serialised form of the encrypted payload.
#[derive(Serialize, Deserialize, Default)]
struct Plain {
    #[serde(rename = "type")]
    kind: WalletKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    mnemonic: Option<Zeroizing<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    passphrase: Option<Zeroizing<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    xprv: Option<Zeroizing<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    key: Option<Zeroizing<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    compressed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    wif_version: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    source: Option<KeySource>,
}
