//! What can be imported into a wallet, and how each form becomes a
//! [`WalletSecret`].

use crate::bitcoin::Wif;
use crate::error::{Error, Result};
use crate::hd::ExtendedPrivateKey;
use crate::key::PrivateKey;
use crate::keystore::{v3, KeySource, SingleKey, WalletSecret};
use crate::mnemonic::{Language, Mnemonic};
use crate::secret::SecretString;
use core::str::FromStr;

/// The forms a secret can be imported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// A BIP39 mnemonic.
    Mnemonic,
    /// A master extended private key (`xprv`, `tprv`, SLIP-132 forms).
    Xprv,
    /// A WIF private key.
    Wif,
    /// A private key as 64 hex digits.
    PrivateKey,
    /// A private key as PEM (SEC1 or PKCS#8).
    Pem,
    /// An Ethereum V3 keystore file.
    EthKeystore,
    /// SLIP-39 shares, one per line (a threshold set).
    Slip39,
}

impl FromStr for ImportKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "mnemonic" => ImportKind::Mnemonic,
            "xprv" => ImportKind::Xprv,
            "wif" => ImportKind::Wif,
            "private-key" => ImportKind::PrivateKey,
            "pem" => ImportKind::Pem,
            "eth-keystore" => ImportKind::EthKeystore,
            "slip39" => ImportKind::Slip39,
            other => {
                return Err(Error::input(format!(
                    "unknown import kind '{other}'; expected mnemonic, xprv, wif, private-key, pem, eth-keystore or slip39"
                )))
            }
        })
    }
}

/// A secret to import, in one of its forms. Every text is a secret (even a
/// V3 file's JSON holds an encrypted key) and is wiped when dropped.
#[derive(Debug, Clone)]
pub enum ImportSource {
    /// A mnemonic, its word list (`None`: detect) and BIP39 passphrase.
    Mnemonic {
        /// The phrase.
        phrase: SecretString,
        /// The word list, when known.
        language: Option<Language>,
        /// The BIP39 passphrase (empty: none).
        passphrase: SecretString,
    },
    /// A key given as text of one of the single-text forms (every kind but
    /// mnemonics and V3 files).
    Text {
        /// Which form the text is in.
        kind: ImportKind,
        /// The text.
        text: SecretString,
    },
    /// An Ethereum V3 keystore file and its password (the empty password
    /// is a valid one).
    EthKeystore {
        /// The file's JSON.
        json: SecretString,
        /// Its password.
        password: SecretString,
    },
    /// A threshold set of SLIP-39 share mnemonics, in any order, and the
    /// passphrase they were made with (empty: none; a wrong one gives
    /// another wallet, undetected).
    Slip39 {
        /// The shares, one mnemonic each.
        shares: Vec<SecretString>,
        /// The SLIP-39 passphrase.
        passphrase: SecretString,
    },
}

impl ImportSource {
    /// A mnemonic to import.
    #[must_use]
    pub fn mnemonic(
        phrase: SecretString,
        language: Option<Language>,
        passphrase: SecretString,
    ) -> Self {
        ImportSource::Mnemonic {
            phrase,
            language,
            passphrase,
        }
    }

    /// SLIP-39 shares written one per line in `text` (blank lines skipped).
    #[must_use]
    pub fn slip39_lines(text: &SecretString, passphrase: SecretString) -> Self {
        ImportSource::Slip39 {
            shares: share_lines(text.expose()),
            passphrase,
        }
    }

    /// The secret this source holds, parsed and checked.
    pub fn into_secret(self) -> Result<WalletSecret> {
        match self {
            ImportSource::Mnemonic {
                phrase,
                language,
                passphrase,
            } => {
                let m = match language {
                    Some(l) => Mnemonic::parse_in(phrase.expose(), l)?,
                    None => Mnemonic::parse(phrase.expose())?,
                };
                WalletSecret::from_mnemonic(m, passphrase)
            }
            ImportSource::EthKeystore { json, password } => Ok(single(
                v3::decrypt(json.expose(), password.expose().as_bytes())?,
                KeySource::EthKeystore,
            )),
            ImportSource::Text { kind, text } => text_secret(kind, text.expose()),
            ImportSource::Slip39 { shares, passphrase } => {
                let (secret, _) = super::slip39::recover_slip39(&shares, &passphrase)?;
                WalletSecret::from_slip39(secret)
            }
        }
    }
}

/// The non-blank lines of `text`, trimmed, each its own secret.
fn share_lines(text: &str) -> Vec<SecretString> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(SecretString::from)
        .collect()
}

fn single(key: PrivateKey, source: KeySource) -> WalletSecret {
    WalletSecret::Single(SingleKey {
        key,
        compressed: true,
        wif_version: None,
        source,
    })
}

fn text_secret(kind: ImportKind, s: &str) -> Result<WalletSecret> {
    match kind {
        ImportKind::Xprv => WalletSecret::from_xprv(ExtendedPrivateKey::parse(s)?),
        ImportKind::Wif => {
            let w = Wif::decode(s)?;
            Ok(WalletSecret::Single(SingleKey {
                key: w.key.clone(),
                compressed: w.compressed,
                wif_version: Some(w.version),
                source: KeySource::Wif,
            }))
        }
        ImportKind::PrivateKey => Ok(single(PrivateKey::from_hex(s)?, KeySource::Hex)),
        ImportKind::Pem => Ok(single(PrivateKey::from_pem(s)?, KeySource::Pem)),
        ImportKind::Mnemonic => {
            WalletSecret::from_mnemonic(Mnemonic::parse(s)?, SecretString::default())
        }
        ImportKind::EthKeystore => Err(Error::input(
            "a V3 keystore needs its password: import it as ImportSource::EthKeystore",
        )),
        ImportKind::Slip39 => {
            let (secret, _) =
                super::slip39::recover_slip39(&share_lines(s), &SecretString::default())?;
            WalletSecret::from_slip39(secret)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keystore::WalletKind;

    #[test]
    fn every_text_form() {
        let hex = "11".repeat(32);
        let s = ImportSource::Text {
            kind: ImportKind::PrivateKey,
            text: SecretString::from(hex.as_str()),
        };
        assert_eq!(s.into_secret().unwrap().kind(), WalletKind::PrivateKey);
        let wif = ImportSource::Text {
            kind: "wif".parse().unwrap(),
            text: SecretString::from("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"),
        };
        match wif.into_secret().unwrap() {
            WalletSecret::Single(k) => assert!(!k.compressed && k.wif_version == Some(0x80)),
            other => panic!("{other:?}"),
        }
        assert!("seed".parse::<ImportKind>().is_err());
        let bad = ImportSource::Text {
            kind: ImportKind::EthKeystore,
            text: SecretString::from("{}"),
        };
        assert_eq!(
            bad.into_secret().unwrap_err().kind(),
            crate::ErrorKind::InvalidInput
        );
    }
}
