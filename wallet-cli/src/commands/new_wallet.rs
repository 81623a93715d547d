//! What every new wallet needs, whichever command makes it (`create`,
//! `import`, the SLIP-39 flows, watch-only imports): the KDF settings, a
//! free name, the optional BIP39 passphrase, and the count of missed backup
//! checks.

use crate::args::KdfArgs;
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use serde::Serialize;
use std::io::Write;
use wallet_core::keystore::{KdfParams, Keystore};
use wallet_core::secret::SecretString;
use wallet_core::ErrorKind;

/// The KDF settings of `args`, refused when too weak (unless allowed).
pub(crate) fn kdf(args: &KdfArgs, ctx: &Ctx) -> Result<KdfParams, CliError> {
    let p = KdfParams {
        m_cost_kib: args.kdf_memory,
        t_cost: args.kdf_iterations,
        p_cost: args.kdf_parallelism,
    };
    p.check(ctx.allow_weak_kdf)?;
    Ok(p)
}

/// Refuses a name some wallet already has, or one differing only in case
/// from an existing wallet's.
pub(crate) fn check_new_name(ks: &Keystore, name: &str) -> Result<(), CliError> {
    Ok(ks.check_new_name(name, None)?)
}

/// The BIP39 passphrase read from `file`, or the empty one.
pub(crate) fn passphrase(file: Option<&std::path::Path>) -> Result<SecretString, CliError> {
    match file {
        Some(p) => prompt::read_secret_file(p, "passphrase file"),
        None => Ok(SecretString::default()),
    }
}

/// Counts the misses of a backup check; after [`prompt::ATTEMPTS`] of them
/// offers to show the backup again, at most twice, then gives up.
#[derive(Default)]
pub(crate) struct Misses {
    misses: usize,
    shown_again: usize,
}

impl Misses {
    /// Counts a miss; `Ok(true)`: show the backup again, then go on.
    pub(crate) fn miss(&mut self) -> Result<bool, CliError> {
        self.misses += 1;
        if self.misses < prompt::ATTEMPTS {
            return Ok(false);
        }
        self.misses = 0;
        let gave_up = || {
            CliError::user(
                ErrorKind::Cancelled,
                "the backup could not be verified; no wallet was created (run create again for a new backup)",
            )
        };
        if self.shown_again >= 2 {
            return Err(gave_up());
        }
        let answer = prompt::tty_line(&format!(
            "{} answers did not match. Show the backup again? [y/N]: ",
            prompt::ATTEMPTS
        ))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            return Err(gave_up());
        }
        self.shown_again += 1;
        Ok(true)
    }
}

/// Prints a new wallet's only showing of its backup (`what`: "phrase",
/// "shares"). Without a terminal that output is the backup, so when it
/// cannot be written (a closed pipe, a full disk) the wallet is not kept.
pub(crate) fn show_backup_once<T: Serialize>(
    ks: &Keystore,
    name: &str,
    what: &str,
    interactive: bool,
    value: &T,
    human: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let Err(e) = ctx.emit_or_fail(value, human) else {
        return Ok(());
    };
    if interactive {
        return Err(e);
    }
    let removed = ks.delete(name).is_ok();
    Err(CliError::user(
        ErrorKind::Io,
        format!(
            "{}; the {what} could not be shown, so wallet '{name}' {}",
            e.message,
            if removed {
                "was not kept"
            } else {
                "could not be removed: delete it"
            }
        ),
    ))
}
