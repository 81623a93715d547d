//! The keystore: open, list, create, import, unlock, addresses, xpubs,
//! password change, delete. Each entry point marshals, then calls one
//! wallet-core operation.

use crate::boundary::{
    arg, failure, free_handle, guard, handle, opt_arg, opt_secret_arg, secret_arg, FfiResult, Out,
};
use crate::status::WalletStatus;
use std::ffi::c_char;
use wallet_core::chain::ChainKind;
use wallet_core::keystore::Keystore;
use wallet_core::mnemonic::{Language, Mnemonic};
use wallet_core::report::{AddressList, CreatedWallet, WalletListing, WalletSummary};
use wallet_core::request::{self, KeystoreOptions, SelectionRequest};
use wallet_core::secret::SecretString;
use wallet_core::wallet::{self, ImportKind, ImportSource, UnlockedWallet, Wallet};

/// An open keystore directory (opaque). Thread-safe; free with `wallet_keystore_free`.
pub struct WalletKeystore {
    ks: Keystore,
}

/// An unlocked wallet (opaque): holds its secret in memory (wiped on free).
/// Thread-safe; free with `wallet_handle_free`.
pub struct WalletHandle {
    pub(crate) unlocked: UnlockedWallet,
}

// Handles are shared between threads by C callers: both must stay
// `Send + Sync` (a compile error here, not a data race there).
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<WalletKeystore>();
    send_sync::<WalletHandle>();
};

/// The password a selection or export needs, or why there is none.
fn needs(
    password: Option<SecretString>,
    what: &str,
) -> impl FnOnce() -> FfiResult<SecretString> + '_ {
    move || {
        password.ok_or_else(|| {
            failure(
                WalletStatus::WrongPassword,
                format!("{what} needs the wallet's password"),
            )
        })
    }
}

/// Opens wallet `name`. Without a password nothing can be decrypted, so
/// the KDF floor is not what stops the call: a selection that needs the
/// secret then fails with `WRONG_PASSWORD`.
fn open_for(
    ks: &Keystore,
    name: &str,
    allow_weak_kdf: bool,
    password: &Option<SecretString>,
) -> FfiResult<Wallet> {
    Ok(Wallet::open(ks, name)?.allow_weak_kdf(allow_weak_kdf || password.is_none()))
}

fn create(
    ks: &Keystore,
    name: &str,
    password: &SecretString,
    options: Option<&str>,
) -> FfiResult<CreatedWallet> {
    let o: KeystoreOptions = request::parse(options, "options")?;
    let lang = o.language()?.unwrap_or(Language::English);
    let m = Mnemonic::generate(o.word_count()?, lang)?;
    let (_, created) =
        wallet::create_with_mnemonic(ks, name, &m, o.passphrase(), password, o.kdf()?)?;
    Ok(created)
}

fn import(
    ks: &Keystore,
    name: &str,
    kind: &str,
    text: SecretString,
    password: &SecretString,
    options: Option<&str>,
) -> FfiResult<WalletSummary> {
    let o: KeystoreOptions = request::parse(options, "options")?;
    let source = match kind.parse::<ImportKind>()? {
        ImportKind::Mnemonic => ImportSource::mnemonic(text, o.language()?, o.passphrase()),
        ImportKind::Slip39 => ImportSource::slip39_lines(&text, o.passphrase()),
        ImportKind::EthKeystore => ImportSource::EthKeystore {
            json: text,
            password: match &o.keystore_password {
                Some(p) => SecretString::from(p.as_str()),
                None => password.clone(),
            },
        },
        other => ImportSource::Text { kind: other, text },
    };
    Ok(Wallet::import(ks, name, source, password, o.kdf()?)?.summary())
}

fn addresses(
    ks: &Keystore,
    name: &str,
    request: Option<&str>,
    password: Option<SecretString>,
) -> FfiResult<AddressList> {
    let r: SelectionRequest = request::parse(request, "request")?;
    let w = open_for(ks, name, r.allow_weak_kdf, &password)?;
    let source = w.address_source(
        &r.selection()?,
        ChainKind::Bitcoin,
        needs(password, "this selection"),
    )?;
    Ok(source.collect()?)
}

fn export_xpub(
    ks: &Keystore,
    name: &str,
    request: Option<&str>,
    password: Option<SecretString>,
) -> FfiResult<String> {
    let r: SelectionRequest = request::parse(request, "request")?;
    let w = open_for(ks, name, r.allow_weak_kdf, &password)?;
    let v = w.export_xpub(
        &r.selection()?,
        r.xpub_style(),
        needs(password, "this account"),
    )?;
    Ok(v.xpub)
}

/// Opens (creating, mode 0700) the keystore directory `dir`.
/// The caller owns `*out` on success: free it with `wallet_keystore_free`.
///
/// # Safety
/// `dir` is a NUL-terminated path; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_open(
    dir: *const c_char,
    out: *mut *mut WalletKeystore,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, dir) = unsafe { (Out::new(out, "out")?, arg(dir, "dir")?) };
        out.put_handle(WalletKeystore {
            ks: Keystore::open(dir)?,
        })
    })
}

/// Frees a keystore handle. NULL is ignored.
///
/// # Safety
/// `ks` must be NULL or a handle from `wallet_keystore_open`, not yet freed,
/// with no call using it still running.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_free(ks: *mut WalletKeystore) {
    // SAFETY: per the function contract.
    unsafe { free_handle(ks) }
}

/// The wallets: `{"keystore","wallets":[{"name","kind","created","fingerprint"}…],"unreadable":[…]}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `ks` is a live keystore handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_list(
    ks: *const WalletKeystore,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, ks) = unsafe { (Out::new(out_json, "out_json")?, handle(ks, "ks")?) };
        let v: WalletListing = wallet::listing(Some(&ks.ks), ks.ks.dir())?;
        out.put_json(&v)
    })
}

/// Creates a new HD wallet `name` with a fresh mnemonic. `options_json`
/// (NULL = defaults): `{"words":12,"language":"english","passphrase":"…",
/// "kdf_memory_kib":65536,"kdf_iterations":3,"kdf_parallelism":4,"allow_weak_kdf":false}`.
/// `*out_json` holds the wallet summary and `"mnemonic"`: a secret to show
/// once; free it with `wallet_string_free`.
///
/// # Safety
/// `ks` live; `name`, `password` NUL-terminated; `options_json` NULL or a
/// string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_create(
    ks: *const WalletKeystore,
    name: *const c_char,
    password: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, ks, name, password, options) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(ks, "ks")?,
                arg(name, "name")?,
                secret_arg(password, "password")?,
                opt_arg(options_json, "options_json")?,
            )
        };
        out.put_json(&create(&ks.ks, name, &password, options)?)
    })
}

/// Imports a secret as wallet `name`. `kind`: "mnemonic", "xprv", "wif",
/// "private-key" (hex), "pem" (the PEM text) or "eth-keystore" (the V3 JSON
/// text; its password in options `"keystore_password"`, default `password`).
/// Options as `wallet_keystore_create` (`"passphrase"` for mnemonics).
/// `*out_json` is the wallet summary.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `ks` live; `name`, `kind`, `secret`, `password` NUL-terminated;
/// `options_json` NULL or a string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_import(
    ks: *const WalletKeystore,
    name: *const c_char,
    kind: *const c_char,
    secret: *const c_char,
    password: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, ks, name, kind, text, password, options) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(ks, "ks")?,
                arg(name, "name")?,
                arg(kind, "kind")?,
                secret_arg(secret, "secret")?,
                secret_arg(password, "password")?,
                opt_arg(options_json, "options_json")?,
            )
        };
        out.put_json(&import(&ks.ks, name, kind, text, &password, options)?)
    })
}

/// Unlocks wallet `name` with `password`. `allow_weak_kdf` non-zero accepts
/// files below the KDF floor. Free `*out` with `wallet_handle_free`.
///
/// # Safety
/// `ks` live; `name`, `password` NUL-terminated; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_unlock(
    ks: *const WalletKeystore,
    name: *const c_char,
    password: *const c_char,
    allow_weak_kdf: i32,
    out: *mut *mut WalletHandle,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, ks, name, password) = unsafe {
            (
                Out::new(out, "out")?,
                handle(ks, "ks")?,
                arg(name, "name")?,
                secret_arg(password, "password")?,
            )
        };
        let w = Wallet::open(&ks.ks, name)?.allow_weak_kdf(allow_weak_kdf != 0);
        out.put_handle(WalletHandle {
            unlocked: w.unlock(&password)?,
        })
    })
}

/// Frees (and wipes) an unlocked wallet. NULL is ignored.
///
/// # Safety
/// `w` must be NULL or a handle from `wallet_keystore_unlock`, not yet freed,
/// with no call using it still running.
#[no_mangle]
pub unsafe extern "C" fn wallet_handle_free(w: *mut WalletHandle) {
    // SAFETY: per the function contract.
    unsafe { free_handle(w) }
}

/// Addresses of wallet `name` for an address selection (see
/// `wallet_derive_addresses`). Stored account xpubs need no password; other
/// selections need `password` (NULL if none is at hand: then
/// `WALLET_STATUS_WRONG_PASSWORD`; `"allow_weak_kdf":true` in the request
/// accepts a file below the KDF floor). `*out_json` is an address list.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `ks` live; `name` NUL-terminated; `request_json`, `password` NULL or
/// strings; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_addresses(
    ks: *const WalletKeystore,
    name: *const c_char,
    request_json: *const c_char,
    password: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, ks, name, req, password) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(ks, "ks")?,
                arg(name, "name")?,
                opt_arg(request_json, "request_json")?,
                opt_secret_arg(password, "password")?,
            )
        };
        out.put_json(&addresses(&ks.ks, name, req, password)?)
    })
}

/// The account extended public key of wallet `name` for a selection
/// (`{"chain","type","network","account"}`, or `"path"` for any node), with
/// BIP32 xpub/tpub version bytes, or SLIP-132 ones (ypub/zpub/upub/vpub,
/// Ltub/Mtub) with `"slip132":true`. No password when the xpub is stored;
/// else `password` is used. `*out_xpub` is the base58 string.
/// The caller owns `*out_xpub` on success: free it with `wallet_string_free`.
///
/// # Safety
/// As `wallet_keystore_addresses`.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_export_xpub(
    ks: *const WalletKeystore,
    name: *const c_char,
    request_json: *const c_char,
    password: *const c_char,
    out_xpub: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, ks, name, req, password) = unsafe {
            (
                Out::new(out_xpub, "out_xpub")?,
                handle(ks, "ks")?,
                arg(name, "name")?,
                opt_arg(request_json, "request_json")?,
                opt_secret_arg(password, "password")?,
            )
        };
        out.put_str(export_xpub(&ks.ks, name, req, password)?)
    })
}

/// Changes the password of wallet `name` (atomic re-encryption).
/// `options_json`: KDF options as `wallet_keystore_create`.
///
/// # Safety
/// `ks` live; strings NUL-terminated (`options_json` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_passwd(
    ks: *const WalletKeystore,
    name: *const c_char,
    old_password: *const c_char,
    new_password: *const c_char,
    options_json: *const c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (ks, name, old, new, options) = unsafe {
            (
                handle(ks, "ks")?,
                arg(name, "name")?,
                secret_arg(old_password, "old_password")?,
                secret_arg(new_password, "new_password")?,
                opt_arg(options_json, "options_json")?,
            )
        };
        let o: KeystoreOptions = request::parse(options, "options")?;
        let w = Wallet::open(&ks.ks, name)?.allow_weak_kdf(o.allow_weak_kdf);
        w.change_password(&old, &new, o.kdf()?)?;
        Ok(())
    })
}

/// Deletes wallet `name` (the caller has confirmed with the user).
///
/// # Safety
/// `ks` live; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_delete(
    ks: *const WalletKeystore,
    name: *const c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (ks, name) = unsafe { (handle(ks, "ks")?, arg(name, "name")?) };
        ks.ks.delete(name)?;
        Ok(())
    })
}

/// The wallet's name (for display). Free `*out` with `wallet_string_free`.
///
/// # Safety
/// `w` live; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_handle_name(
    w: *const WalletHandle,
    out: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, w) = unsafe { (Out::new(out, "out")?, handle(w, "w")?) };
        out.put_str(w.unlocked.wallet().name().to_owned())
    })
}
