//! The keystore and wallets a command works on, and the password prompt
//! the core calls when an operation needs the secret.

use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use wallet_core::keystore::{self, Keystore};
use wallet_core::secret::SecretString;
use wallet_core::wallet::{AnyWallet, UnlockedWallet, Wallet};
use wallet_core::ErrorKind;

/// Opens the keystore directory (creating it when `create`).
pub fn keystore(ctx: &Ctx, create: bool) -> Result<Keystore, CliError> {
    let dir = match &ctx.keystore_dir {
        Some(d) => d.clone(),
        None => Keystore::default_dir().map_err(|e| {
            CliError::from(e).with_hint("set --keystore-dir or WALLET_KEYSTORE_DIR")
        })?,
    };
    let ks = if create {
        Keystore::open(dir)?
    } else {
        Keystore::open_existing(dir)?
    };
    if let Some(m) = ks.dir_mode() {
        ctx.security_warning(&format!("the keystore directory {m}"));
    }
    Ok(ks)
}

/// Warns about wallet `name`'s files when other users may read or change them.
fn warn_loose(ctx: &Ctx, ks: &Keystore, name: &str) {
    for m in ks.loose_modes(name).unwrap_or_default() {
        ctx.security_warning(&format!(
            "wallet file {m} (rewriting it, e.g. with `wallet passwd`, also makes it 0600)"
        ));
    }
}

/// "no wallet named 'mian'; did you mean 'main'?" when one is close.
fn not_found(ks: &Keystore, name: &str, e: wallet_core::Error) -> CliError {
    let err = CliError::from(e);
    match ks.closest_name(name) {
        Ok(Some(close)) => CliError::user(
            ErrorKind::NotFound,
            format!("no wallet named '{name}'; did you mean '{close}'? (see `wallet list`)"),
        )
        .with("suggestion", close.into()),
        _ => err,
    }
}

/// The existing keystore of wallet `name` (a missing keystore is "no such wallet").
fn keystore_of(ctx: &Ctx, name: &str) -> Result<Keystore, CliError> {
    keystore::validate_name(name)?;
    keystore(ctx, false).map_err(|e| {
        if e.is(ErrorKind::NotFound) {
            CliError::from(wallet_core::Error::WalletNotFound(name.to_owned()))
        } else {
            e
        }
    })
}

/// Opens wallet `name`, which must hold keys.
pub fn open(ctx: &Ctx, name: &str) -> Result<Wallet, CliError> {
    let ks = keystore_of(ctx, name)?;
    let w = Wallet::open(&ks, name).map_err(|e| found_or_suggest(&ks, name, e))?;
    warn_loose(ctx, &ks, name);
    Ok(w.allow_weak_kdf(ctx.allow_weak_kdf))
}

fn found_or_suggest(ks: &Keystore, name: &str, e: wallet_core::Error) -> CliError {
    match e {
        e @ wallet_core::Error::WalletNotFound(_) => not_found(ks, name, e),
        e => e.into(),
    }
}

/// Opens wallet `name` of either kind (for the commands a watch-only wallet has).
pub fn open_any(ctx: &Ctx, name: &str) -> Result<AnyWallet, CliError> {
    let ks = keystore_of(ctx, name)?;
    let any = AnyWallet::open(&ks, name).map_err(|e| found_or_suggest(&ks, name, e))?;
    warn_loose(ctx, &ks, name);
    Ok(match any {
        AnyWallet::Keys(w) => AnyWallet::Keys(w.allow_weak_kdf(ctx.allow_weak_kdf)),
        watch => watch,
    })
}

/// The password of wallet `name`: `--password-file`, else a hidden prompt.
pub fn password<'a>(
    ctx: &'a Ctx,
    name: &str,
) -> impl FnOnce() -> Result<SecretString, CliError> + 'a {
    let prompt_text = format!("Password for '{name}': ");
    move || prompt::password(ctx.password_file.as_deref(), &prompt_text)
}

/// Asks for the password (after checking the file's KDF floor) and decrypts.
pub fn unlock(ctx: &Ctx, w: &Wallet) -> Result<UnlockedWallet, CliError> {
    w.unlock_with(password(ctx, w.name()))
}
