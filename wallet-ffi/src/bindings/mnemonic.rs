//! Mnemonics and keystore-free derivation: [`Mnemonic`] (parse = validate,
//! generate), [`MasterKey`] (the BIP32 root of a mnemonic and passphrase)
//! and the addresses of any [`Selection`].

use super::error::WalletResult;
use super::secret::{Secret, SecretText};
use super::types::{Language, Selection};
use super::views::AddressList;
use std::sync::Arc;
use wallet_core::chain::ChainKind;
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::mnemonic::{self, WordCount};
use wallet_core::wallet;
use zeroize::Zeroizing;

/// A valid mnemonic's facts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MnemonicCheck {
    /// How many words.
    pub words: u32,
    /// Its word list.
    pub language: Language,
}

/// A BIP39 mnemonic, held in Rust memory and wiped when this object is
/// destroyed. Thread-safe.
#[derive(uniffi::Object)]
pub struct Mnemonic {
    inner: mnemonic::Mnemonic,
}

fn parse(phrase: &Secret, language: Option<Language>) -> WalletResult<mnemonic::Mnemonic> {
    Ok(match language {
        Some(l) => mnemonic::Mnemonic::parse_in(phrase.expose(), l.into())?,
        None => mnemonic::Mnemonic::parse(phrase.expose())?,
    })
}

#[uniffi::export]
impl Mnemonic {
    /// Parses and checks `phrase` in `language` (null: detect the word
    /// list). An invalid phrase throws `InvalidMnemonic` (an unknown word,
    /// with its position and the nearest valid words in `details`; a word of
    /// another list; a word count BIP39 does not allow) or `BadChecksum`.
    #[uniffi::constructor(default(language = None))]
    pub fn new(phrase: Secret, language: Option<Language>) -> WalletResult<Arc<Self>> {
        Ok(Arc::new(Self {
            inner: parse(&phrase, language)?,
        }))
    }

    /// A fresh mnemonic of `words` words (12, 15, 18, 21 or 24) in
    /// `language`, from the operating system's random source.
    #[uniffi::constructor(default(words = 12, language = None))]
    pub fn generate(words: u32, language: Option<Language>) -> WalletResult<Arc<Self>> {
        let count = WordCount::try_from(usize::try_from(words).unwrap_or(usize::MAX))?;
        let lang = language.map_or(mnemonic::Language::English, Into::into);
        Ok(Arc::new(Self {
            inner: mnemonic::Mnemonic::generate(count, lang)?,
        }))
    }

    /// The phrase, words joined by the list's separator (U+3000 for
    /// Japanese).
    pub fn phrase(&self) -> Arc<SecretText> {
        SecretText::new(Zeroizing::new(self.inner.phrase().expose().to_owned()))
    }

    /// How many words.
    pub fn word_count(&self) -> u32 {
        u32::try_from(self.inner.word_count()).unwrap_or(u32::MAX)
    }

    /// The word list.
    pub fn language(&self) -> Language {
        self.inner.language().into()
    }

    /// The BIP32 master key of this mnemonic with the BIP39 `passphrase`
    /// (empty: none). Deriving the seed takes a few milliseconds (PBKDF2):
    /// keep the key to derive many addresses.
    #[uniffi::method(default(passphrase = ""))]
    pub fn master_key(&self, passphrase: Secret) -> WalletResult<Arc<MasterKey>> {
        Ok(Arc::new(MasterKey {
            master: ExtendedPrivateKey::from_seed(&self.inner.to_seed(passphrase.expose()))?,
        }))
    }

    /// The addresses `selection` names (default chain Bitcoin) below this
    /// mnemonic with `passphrase` (empty: none), as `wallet derive` gives
    /// them.
    #[uniffi::method(default(passphrase = "", selection))]
    pub fn addresses(&self, passphrase: Secret, selection: Selection) -> WalletResult<AddressList> {
        selection.to_core()?.resolve(ChainKind::Bitcoin)?;
        self.master_key(passphrase)?.addresses(selection)
    }
}

/// The BIP32 master key of a mnemonic, held in Rust memory and wiped when
/// this object is destroyed. Thread-safe.
#[derive(uniffi::Object)]
pub struct MasterKey {
    master: ExtendedPrivateKey,
}

#[uniffi::export]
impl MasterKey {
    /// The master key fingerprint, 8 hex digits.
    pub fn fingerprint(&self) -> String {
        self.master.fingerprint().to_string()
    }

    /// The addresses `selection` names (default chain Bitcoin), with the
    /// account xpubs when selected by account.
    #[uniffi::method(default(selection))]
    pub fn addresses(&self, selection: Selection) -> WalletResult<AddressList> {
        let sel = selection.to_core()?;
        let (header, r) = wallet::mnemonic_addresses(&self.master, &sel, ChainKind::Bitcoin)?;
        AddressList::of(wallet::derive_list(&self.master, header, &r)?)
    }
}

/// Checks `phrase` in `language` (null: detect) without keeping it: its
/// word count and list, or the error `Mnemonic(phrase)` would throw.
#[uniffi::export(default(language = None))]
pub fn validate_mnemonic(
    phrase: Secret,
    language: Option<Language>,
) -> WalletResult<MnemonicCheck> {
    let m = parse(&phrase, language)?;
    Ok(MnemonicCheck {
        words: u32::try_from(m.word_count()).unwrap_or(u32::MAX),
        language: m.language().into(),
    })
}

/// The words of `language` nearest to `word` (a mistyped word), best
/// first, at most five; empty when none is close (or for the Chinese and
/// Japanese lists, where an edit distance means nothing).
#[uniffi::export]
pub fn suggest_words(word: String, language: Language) -> Vec<String> {
    mnemonic::suggest(&word, language.into())
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The library's version (the same for the C ABI and the bindings).
#[uniffi::export]
pub fn library_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
