//! Before an Ethereum V3 file is decrypted: its KDF cost, known from the
//! file itself. A hostile file could ask for minutes of CPU and hundreds of
//! MiB; more than wallets write is spent only after the user agrees (on a
//! terminal) or passes `--allow-costly-kdf`. Beyond twice geth's standard
//! scrypt work the core refuses outright.

use crate::error::CliError;
use crate::output::Ctx;
use crate::{prompt, status};
use std::path::Path;
use wallet_core::keystore::v3;
use wallet_core::ErrorKind;

/// Checks the KDF cost of the V3 file `json` (read from `path`, once:
/// the text checked is the text decrypted) before its password is asked for.
pub fn check(path: &Path, json: &str, allowed: bool, ctx: &Ctx) -> Result<(), CliError> {
    let cost = v3::kdf_cost(json)?;
    status::log(1, || format!("Ethereum keystore KDF: {cost}"));
    if !cost.above_usual || allowed {
        return Ok(());
    }
    let what = format!(
        "'{}' asks for {cost}, more than wallets write.",
        path.display()
    );
    if !prompt::interactive() {
        return Err(CliError::user(
            ErrorKind::Cancelled,
            format!("{what} Nothing was decrypted: pass --allow-costly-kdf to spend it anyway"),
        ));
    }
    ctx.summary(&what, false);
    prompt::confirm(false, "Spend it decrypting the file?", "yes")
}
