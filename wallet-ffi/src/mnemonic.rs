//! Mnemonics and keystore-free derivation.

use crate::boundary::{guard, opt_arg, opt_secret_arg, secret_arg, FfiResult, Out};
use crate::status::WalletStatus;
use std::ffi::c_char;
use wallet_core::chain::ChainKind;
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::mnemonic::{Language, Mnemonic, WordCount};
use wallet_core::report::{AddressList, MnemonicCheck};
use wallet_core::request::{self, SelectionRequest};
use wallet_core::secret::SecretString;
use wallet_core::wallet;

fn generate(words: u32, language: Option<&str>) -> FfiResult<SecretString> {
    let lang = language.map_or(Ok(Language::English), str::parse)?;
    let count = WordCount::try_from(usize::try_from(words).unwrap_or(usize::MAX))?;
    Ok(Mnemonic::generate(count, lang)?.phrase())
}

fn validate(phrase: &SecretString, language: Option<&str>) -> FfiResult<MnemonicCheck> {
    let m = match language {
        Some(l) => Mnemonic::parse_in(phrase.expose(), l.parse()?)?,
        None => Mnemonic::parse(phrase.expose())?,
    };
    Ok(MnemonicCheck::of(&m))
}

fn derive(
    phrase: &SecretString,
    passphrase: Option<SecretString>,
    request: Option<&str>,
) -> FfiResult<AddressList> {
    let sel = request::parse::<SelectionRequest>(request, "request")?.selection()?;
    sel.resolve(ChainKind::Bitcoin)?;
    let m = Mnemonic::parse(phrase.expose())?;
    let pass = passphrase.unwrap_or_default();
    let master = ExtendedPrivateKey::from_seed(&m.to_seed(pass.expose()))?;
    let (header, r) = wallet::mnemonic_addresses(&master, &sel, ChainKind::Bitcoin)?;
    Ok(wallet::derive_list(&master, header, &r)?)
}

/// A fresh mnemonic of `words` words (12, 15, 18, 21, 24) in `language`
/// (NULL = English; e.g. "japanese", "chinese-simplified"). The phrase is a
/// secret: free `*out_phrase` with `wallet_string_free` (which wipes it).
///
/// # Safety
/// `language` is NULL or a NUL-terminated string; `out_phrase` is writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_mnemonic_generate(
    words: u32,
    language: *const c_char,
    out_phrase: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, lang) = unsafe {
            (
                Out::new(out_phrase, "out_phrase")?,
                opt_arg(language, "language")?,
            )
        };
        out.put_str(generate(words, lang)?.expose().to_owned())
    })
}

/// Checks a mnemonic. On success `*out_json` is
/// `{"valid":true,"words":12,"language":"english"}`; an invalid phrase
/// returns its status (`WALLET_STATUS_INVALID_MNEMONIC`, `…_BAD_CHECKSUM`)
/// with a message naming the word and suggestions.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `phrase` is a NUL-terminated string; `language` NULL (detect) or a string;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_mnemonic_validate(
    phrase: *const c_char,
    language: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, phrase, lang) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                secret_arg(phrase, "phrase")?,
                opt_arg(language, "language")?,
            )
        };
        out.put_json(&validate(&phrase, lang)?)
    })
}

/// Derives addresses from a mnemonic (no keystore). `request_json` is an
/// address selection (NULL = first BTC P2WPKH). `*out_json` is an address
/// list: `{"chain",…,"master_fingerprint","account_path","account_xpub",
/// "addresses":[{"index","path","address","public_key"}…]}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `mnemonic` is a NUL-terminated string; `passphrase` and `request_json`
/// NULL or strings; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_derive_addresses(
    mnemonic: *const c_char,
    passphrase: *const c_char,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, phrase, pass, req) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                secret_arg(mnemonic, "mnemonic")?,
                opt_secret_arg(passphrase, "passphrase")?,
                opt_arg(request_json, "request_json")?,
            )
        };
        out.put_json(&derive(&phrase, pass, req)?)
    })
}
