//! `wallet rename OLD NEW`: the keystore re-seals the wallet under its new
//! name (the name is authenticated with the file), so the password is asked
//! for after the new name is known to be free.

use crate::error::CliError;
use crate::output::Ctx;
use crate::session;

/// Runs `wallet rename`.
pub fn run(old: &str, new: &str, ctx: &Ctx) -> Result<(), CliError> {
    let w = session::open(ctx, old)?;
    let ks = w.keystore();
    // Checked before the password (the keystore checks again under its lock).
    if old == new {
        let same = wallet_core::keystore::KeystoreError::SameName(new.to_owned());
        return Err(CliError::from(wallet_core::Error::from(same)));
    }
    ks.check_new_name(new, Some(old))?;
    w.file().kdf().check(ctx.allow_weak_kdf)?;
    let password = session::password(ctx, old)()?;
    ks.rename(old, new, password.expose().as_bytes(), ctx.allow_weak_kdf)?;
    let v = serde_json::json!({"old": old, "name": new, "renamed": true});
    ctx.emit(&v, |out| writeln!(out, "Renamed '{old}' to '{new}'."))
}
