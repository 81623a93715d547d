//! What a wallet file protects ([`WalletSecret`]) and the public facts about
//! it that are stored beside the ciphertext ([`PublicInfo`]).

use crate::account::{AddressFormat, Keychain};
use crate::bitcoin::{Address, AddressType, Chain, Network, NetworkParams, Wif};
use crate::error::{Error, Result};
use crate::ethereum;
use crate::hd::{
    self, DerivationPath, ExtendedPrivateKey, ExtendedPublicKey, Fingerprint, KeyVersion, Purpose,
};
use crate::key::{PrivateKey, PublicKey};
use crate::mnemonic::{Language, Mnemonic};
use crate::secret::SecretString;
use crate::slip39::MasterSecret;
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
    /// A SLIP-39 master secret (recovered from, or split into, Shamir
    /// shares), which is the BIP32 seed.
    Slip39,
}

impl WalletKind {
    /// `mnemonic`, `xprv`, `private-key` or `slip39`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            WalletKind::Mnemonic => "mnemonic",
            WalletKind::Xprv => "xprv",
            WalletKind::PrivateKey => "private-key",
            WalletKind::Slip39 => "slip39",
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

/// The secret a wallet file protects: an HD wallet's master key (with where
/// it came from) or one private key. Zeroized on drop; `Debug` is redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletSecret {
    /// A BIP32 wallet: from a mnemonic or a master extended key.
    Hd(HdSecret),
    /// One private key.
    Single(SingleKey),
}

/// An HD wallet's secret: its BIP32 master key, computed once, and its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HdSecret {
    origin: HdOrigin,
    master: ExtendedPrivateKey,
}

/// Where an HD wallet's master key came from (what it exports as).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HdOrigin {
    /// A BIP39 mnemonic and its passphrase (empty when none).
    Mnemonic {
        /// The phrase.
        mnemonic: Mnemonic,
        /// The BIP39 passphrase, exactly as given.
        passphrase: SecretString,
    },
    /// A master extended private key, imported with these version bytes
    /// (`xprv`, `tprv` or a SLIP-132 one) so it exports exactly as it came.
    Xprv {
        /// The version bytes it came with.
        version: KeyVersion,
    },
    /// A SLIP-39 master secret, used as the BIP32 seed as the spec says.
    /// It is the secret the shares decrypt to with their passphrase (the
    /// passphrase is part of it, not stored). There is no BIP39 phrase.
    Slip39 {
        /// The master secret (16 or 32 bytes usually).
        master_secret: MasterSecret,
    },
}

/// One private key and how it was imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleKey {
    /// The key.
    pub key: PrivateKey,
    /// Whether Bitcoin addresses use the compressed public key (an
    /// uncompressed WIF has P2PKH addresses only).
    pub compressed: bool,
    /// The WIF version byte it came with, if it came as WIF.
    pub wif_version: Option<u8>,
    /// Its original format.
    pub source: KeySource,
}

impl HdSecret {
    /// From a mnemonic and its BIP39 passphrase (the seed and master key are
    /// computed here, once).
    pub fn from_mnemonic(mnemonic: Mnemonic, passphrase: SecretString) -> Result<Self> {
        let master = ExtendedPrivateKey::from_seed(&mnemonic.to_seed(passphrase.expose()))?;
        Ok(Self {
            origin: HdOrigin::Mnemonic {
                mnemonic,
                passphrase,
            },
            master,
        })
    }

    /// From a master extended key, which must be at depth 0 (an account key
    /// would put every address at the wrong path).
    pub fn from_xprv(xprv: ExtendedPrivateKey) -> Result<Self> {
        if xprv.meta().depth() != 0 {
            return Err(Error::Unsupported(format!(
                "this extended key is at depth {} (an account or child key); import the master key (depth 0) or the mnemonic, so that addresses are derived at their real paths",
                xprv.meta().depth()
            )));
        }
        let version = xprv.version();
        Ok(Self {
            origin: HdOrigin::Xprv { version },
            master: xprv.with_version(KeyVersion::XPRV),
        })
    }

    /// From a SLIP-39 master secret: the BIP32 master key is
    /// HMAC-SHA512("Bitcoin seed", master secret), the secret being the seed.
    pub fn from_slip39(master_secret: MasterSecret) -> Result<Self> {
        let master = master_secret.master_key()?;
        Ok(Self {
            origin: HdOrigin::Slip39 { master_secret },
            master,
        })
    }

    /// The BIP32 master key, with the plain `xprv` version (derivation does
    /// not depend on it).
    #[must_use]
    pub fn master(&self) -> &ExtendedPrivateKey {
        &self.master
    }

    /// Where the master key came from.
    #[must_use]
    pub fn origin(&self) -> &HdOrigin {
        &self.origin
    }

    /// The private key at `path`.
    pub fn key_at(&self, path: &DerivationPath) -> Result<PrivateKey> {
        Ok(self.master.derive_path(path)?.private_key().clone())
    }

    /// The version an imported master key came with (`None` for mnemonics
    /// and SLIP-39 secrets).
    #[must_use]
    pub fn imported_version(&self) -> Option<KeyVersion> {
        match self.origin {
            HdOrigin::Xprv { version } => Some(version),
            HdOrigin::Mnemonic { .. } | HdOrigin::Slip39 { .. } => None,
        }
    }
}

impl SingleKey {
    /// The address type a single key shows when none is asked for: P2WPKH,
    /// or P2PKH when the key was imported uncompressed (its only type).
    #[must_use]
    pub fn default_type(&self) -> AddressType {
        default_single_type(self.compressed)
    }

    /// The key's Bitcoin-family address of type `kind`.
    pub fn address(&self, kind: AddressType, params: NetworkParams) -> Result<String> {
        Ok(Address::from_key(&self.key.public_key(), self.compressed, kind, params)?.to_string())
    }

    /// The WIF of the key: for `params`, or else as it was imported (its
    /// own version byte; Bitcoin mainnet when it came in another format).
    #[must_use]
    pub fn to_wif(&self, params: Option<NetworkParams>) -> SecretString {
        match (params, self.wif_version) {
            (Some(p), _) => Wif::encode(&self.key, self.compressed, p),
            (None, Some(v)) => Wif::encode_version(&self.key, self.compressed, v),
            (None, None) => Wif::encode(&self.key, self.compressed, NetworkParams::BITCOIN),
        }
    }
}

/// P2WPKH for a compressed key, P2PKH (its only type) for an uncompressed one.
#[must_use]
pub fn default_single_type(compressed: bool) -> AddressType {
    if compressed {
        AddressType::P2wpkh
    } else {
        AddressType::P2pkh
    }
}

/// One account whose extended public key is stored in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountXpub {
    /// The account path, e.g. `m/84'/0'/0'`.
    pub path: DerivationPath,
    /// Its extended public key (stored with BIP32 `xpub` version bytes).
    pub xpub: ExtendedPublicKey,
}

/// The public facts of a single-key wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinglePublic {
    /// The public key.
    pub public_key: PublicKey,
    /// Whether Bitcoin addresses use the compressed key.
    pub compressed: bool,
    /// The import format.
    pub source: KeySource,
}

/// The public part of a wallet file: readable without the password, bound to
/// the ciphertext as associated data (so it is authenticated only once the
/// file is unlocked).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublicInfo {
    /// Master key fingerprint (HD wallets).
    pub fingerprint: Option<Fingerprint>,
    /// Account-level xpubs (account 0 of every convention).
    pub accounts: Vec<AccountXpub>,
    /// First receive address per chain code (`btc`, `ltc`, `eth`), mainnet.
    pub addresses: BTreeMap<String, String>,
    /// The key of a single-key wallet.
    pub single: Option<SinglePublic>,
}

impl PublicInfo {
    /// The stored xpub of the account at `path`, if any.
    #[must_use]
    pub fn account_xpub(&self, path: &DerivationPath) -> Option<&ExtendedPublicKey> {
        self.accounts
            .iter()
            .find(|a| &a.path == path)
            .map(|a| &a.xpub)
    }

    /// The public key at `path` without the password: the single key, or a
    /// child of a stored account xpub (`account/keychain/index` below one).
    pub fn public_key_at(&self, path: &DerivationPath) -> Result<Option<PublicKey>> {
        if let Some(s) = &self.single {
            return Ok(Some(s.public_key));
        }
        let idx = path.indexes();
        // Only `account'/keychain/index` with normal keychain and index
        // levels is a child of a stored xpub.
        if idx.len() != 5
            || path.hardened_prefix_len() != 3
            || idx[3..].iter().any(|c| c.is_hardened())
        {
            return Ok(None);
        }
        let account = DerivationPath::from_indexes(idx[..3].to_vec())?;
        match self.account_xpub(&account) {
            Some(x) => Ok(Some(x.derive_child(idx[3])?.child_public_key(idx[4])?)),
            None => Ok(None),
        }
    }

    /// The stored form (a JSON object), as `docs/keystore.md` specifies it.
    pub(crate) fn to_json(&self) -> Result<serde_json::Value> {
        let dto = PublicDto {
            fingerprint: self.fingerprint.map(|f| f.to_string()),
            accounts: self
                .accounts
                .iter()
                .map(|a| AccountDto {
                    path: a.path.to_string(),
                    xpub: a.xpub.to_base58(),
                })
                .collect(),
            addresses: self.addresses.clone(),
            public_key: self
                .single
                .as_ref()
                .map(|s| hex::encode(s.public_key.to_compressed())),
            compressed: self.single.as_ref().map(|s| s.compressed),
            source: self.single.as_ref().map(|s| s.source),
        };
        serde_json::to_value(dto).map_err(|e| Error::Internal(format!("metadata JSON: {e}")))
    }

    /// Reads the stored form; a malformed field is a corrupt file.
    pub(crate) fn from_json(v: serde_json::Value) -> Result<Self> {
        let corrupt =
            |m: String| Error::Tampered(format!("the wallet file is corrupt: 'public' ({m})"));
        let dto: PublicDto = serde_json::from_value(v).map_err(|e| corrupt(e.to_string()))?;
        let fingerprint = dto
            .fingerprint
            .map(|f| f.parse::<Fingerprint>())
            .transpose()
            .map_err(|_| corrupt("fingerprint".into()))?;
        let accounts = dto
            .accounts
            .iter()
            .map(|a| {
                Ok(AccountXpub {
                    path: a
                        .path
                        .parse()
                        .map_err(|_| corrupt(format!("path {}", a.path)))?,
                    xpub: ExtendedPublicKey::parse(&a.xpub)
                        .map_err(|_| corrupt(format!("xpub of {}", a.path)))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let single = match &dto.public_key {
            Some(pk) => Some(SinglePublic {
                public_key: PublicKey::from_hex(pk).map_err(|_| corrupt("public_key".into()))?,
                compressed: dto.compressed.unwrap_or(true),
                source: dto.source.unwrap_or(KeySource::Hex),
            }),
            None => None,
        };
        Ok(Self {
            fingerprint,
            accounts,
            addresses: dto.addresses,
            single,
        })
    }
}

/// The stored form of [`PublicInfo`] (field names and optionality are the
/// file format's).
#[derive(Serialize, Deserialize, Default)]
struct PublicDto {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    accounts: Vec<AccountDto>,
    #[serde(default)]
    addresses: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    compressed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    source: Option<KeySource>,
}

#[derive(Serialize, Deserialize)]
struct AccountDto {
    path: String,
    xpub: String,
}

/// The purposes and coin types whose account 0 xpub is stored in the clear.
const STORED_ACCOUNTS: [(Purpose, u32); 13] = [
    (Purpose::Bip44, 0),
    (Purpose::Bip49, 0),
    (Purpose::Bip84, 0),
    (Purpose::Bip86, 0),
    (Purpose::Bip44, 1),
    (Purpose::Bip49, 1),
    (Purpose::Bip84, 1),
    (Purpose::Bip86, 1),
    (Purpose::Bip44, 2),
    (Purpose::Bip49, 2),
    (Purpose::Bip84, 2),
    (Purpose::Bip86, 2),
    (Purpose::Bip44, hd::ETHEREUM_COIN_TYPE),
];

impl WalletSecret {
    /// A mnemonic wallet's secret.
    pub fn from_mnemonic(mnemonic: Mnemonic, passphrase: SecretString) -> Result<Self> {
        Ok(WalletSecret::Hd(HdSecret::from_mnemonic(
            mnemonic, passphrase,
        )?))
    }

    /// A master extended key's secret, checked to be at depth 0.
    pub fn from_xprv(xprv: ExtendedPrivateKey) -> Result<Self> {
        Ok(WalletSecret::Hd(HdSecret::from_xprv(xprv)?))
    }

    /// A SLIP-39 master secret's wallet (the secret is the BIP32 seed).
    pub fn from_slip39(master_secret: MasterSecret) -> Result<Self> {
        Ok(WalletSecret::Hd(HdSecret::from_slip39(master_secret)?))
    }

    /// The kind of wallet.
    #[must_use]
    pub fn kind(&self) -> WalletKind {
        match self {
            WalletSecret::Hd(h) => match h.origin {
                HdOrigin::Mnemonic { .. } => WalletKind::Mnemonic,
                HdOrigin::Xprv { .. } => WalletKind::Xprv,
                HdOrigin::Slip39 { .. } => WalletKind::Slip39,
            },
            WalletSecret::Single(_) => WalletKind::PrivateKey,
        }
    }

    /// The BIP32 master key of an HD wallet (`None` for a single key).
    #[must_use]
    pub fn master(&self) -> Option<&ExtendedPrivateKey> {
        match self {
            WalletSecret::Hd(h) => Some(h.master()),
            WalletSecret::Single(_) => None,
        }
    }

    /// The private key at `path` (an HD wallet), or the single key (which
    /// has no path; callers refuse positions for it first).
    pub fn key_at(&self, path: &DerivationPath) -> Result<PrivateKey> {
        match self {
            WalletSecret::Hd(h) => h.key_at(path),
            WalletSecret::Single(s) => Ok(s.key.clone()),
        }
    }

    /// Whether Bitcoin addresses of this wallet's keys use compressed keys.
    #[must_use]
    pub fn compressed(&self) -> bool {
        match self {
            WalletSecret::Hd(_) => true,
            WalletSecret::Single(s) => s.compressed,
        }
    }

    /// The public facts stored beside the ciphertext.
    pub fn public_info(&self) -> Result<PublicInfo> {
        match self {
            WalletSecret::Single(s) => single_public_info(s),
            WalletSecret::Hd(h) => hd_public_info(h.master()),
        }
    }

    /// The JSON plaintext sealed in the file (zeroized when dropped).
    pub(crate) fn to_plaintext(&self) -> Result<Zeroizing<Vec<u8>>> {
        let value = match self {
            WalletSecret::Hd(h) => match &h.origin {
                HdOrigin::Mnemonic {
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
                HdOrigin::Xprv { version } => Plain {
                    kind: WalletKind::Xprv,
                    xprv: Some(Zeroizing::new(
                        h.master
                            .clone()
                            .with_version(*version)
                            .to_base58()
                            .expose()
                            .to_owned(),
                    )),
                    ..Plain::default()
                },
                HdOrigin::Slip39 { master_secret } => Plain {
                    kind: WalletKind::Slip39,
                    master_secret: Some(Zeroizing::new(hex::encode(master_secret.expose()))),
                    ..Plain::default()
                },
            },
            WalletSecret::Single(s) => Plain {
                kind: WalletKind::PrivateKey,
                key: Some(Zeroizing::new(s.key.to_hex().expose().to_owned())),
                compressed: Some(s.compressed),
                wif_version: s.wif_version,
                source: Some(s.source),
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
        match p.kind {
            WalletKind::Mnemonic => {
                let phrase = p.mnemonic.as_ref().ok_or_else(|| missing("mnemonic"))?;
                let mnemonic = match p.language.as_deref() {
                    Some(l) => Mnemonic::parse_in(phrase, l.parse::<Language>()?)?,
                    None => Mnemonic::parse(phrase)?,
                };
                let passphrase = SecretString::new(
                    p.passphrase
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                );
                Self::from_mnemonic(mnemonic, passphrase)
            }
            WalletKind::Xprv => {
                let x = p.xprv.as_ref().ok_or_else(|| missing("xprv"))?;
                Self::from_xprv(ExtendedPrivateKey::parse(x)?)
            }
            WalletKind::Slip39 => {
                let h = p
                    .master_secret
                    .as_ref()
                    .ok_or_else(|| missing("master_secret"))?;
                let bad = || Error::Tampered("the decrypted 'master_secret' is not hex".into());
                let bytes = Zeroizing::new(hex::decode(h.as_bytes()).map_err(|_| bad())?);
                let secret = MasterSecret::from_bytes(&bytes)
                    .map_err(|e| Error::Tampered(format!("the decrypted 'master_secret': {e}")))?;
                Self::from_slip39(secret)
            }
            WalletKind::PrivateKey => {
                let k = p.key.as_ref().ok_or_else(|| missing("key"))?;
                Ok(WalletSecret::Single(SingleKey {
                    key: PrivateKey::from_hex(k)?,
                    compressed: p.compressed.unwrap_or(true),
                    wif_version: p.wif_version,
                    source: p.source.unwrap_or(KeySource::Hex),
                }))
            }
        }
    }
}

fn single_public_info(s: &SingleKey) -> Result<PublicInfo> {
    let pk = s.key.public_key();
    let mut info = PublicInfo {
        single: Some(SinglePublic {
            public_key: pk,
            compressed: s.compressed,
            source: s.source,
        }),
        ..PublicInfo::default()
    };
    info.addresses.insert(
        "eth".into(),
        ethereum::Address::from_public_key(&pk).to_checksum(),
    );
    for (chain, params) in [
        ("btc", NetworkParams::BITCOIN),
        (
            "ltc",
            NetworkParams::new(Chain::Litecoin, Network::Mainnet)?,
        ),
    ] {
        info.addresses
            .insert(chain.into(), s.address(s.default_type(), params)?);
    }
    Ok(info)
}

fn hd_public_info(master: &ExtendedPrivateKey) -> Result<PublicInfo> {
    let mut info = PublicInfo {
        fingerprint: Some(master.fingerprint()),
        ..PublicInfo::default()
    };
    for (purpose, coin) in STORED_ACCOUNTS {
        let path = hd::account_path(purpose, coin, 0)?;
        let xpub = master
            .derive_path(&path)?
            .with_version(KeyVersion::XPRV)
            .to_xpub();
        info.accounts.push(AccountXpub { path, xpub });
    }
    let ltc = NetworkParams::new(Chain::Litecoin, Network::Mainnet)?;
    for format in [
        AddressFormat::Bitcoin {
            params: NetworkParams::BITCOIN,
            kind: AddressType::P2wpkh,
        },
        AddressFormat::Bitcoin {
            params: ltc,
            kind: AddressType::P2wpkh,
        },
        AddressFormat::Ethereum,
    ] {
        let path = format.address_path(0, Keychain::External, 0)?;
        let pk = master.derive_path(&path)?.private_key().public_key();
        info.addresses
            .insert(format.chain().code().into(), format.encode(&pk)?);
    }
    Ok(info)
}

impl Plain {
    /// An upper bound on the length of this payload's JSON.
    fn max_json_len(&self) -> usize {
        let strings: usize = [
            &self.mnemonic,
            &self.passphrase,
            &self.xprv,
            &self.key,
            &self.master_secret,
        ]
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
    #[serde(skip_serializing_if = "Option::is_none", default)]
    master_secret: Option<Zeroizing<String>>,
}
