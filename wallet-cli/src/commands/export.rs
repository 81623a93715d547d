//! `wallet export`: an account xpub (no password for stored accounts), or,
//! after the password and a confirmation, a secret.

use crate::args::ExportArgs;
use crate::error::CliError;
use crate::output::Ctx;
use crate::{prompt, select, session};
use wallet_core::account::XpubStyle;
use wallet_core::chain::ChainKind;
use wallet_core::keystore::Keystore;
use wallet_core::report::SecretExport;
use wallet_core::wallet::{KeyForm, UnlockedWallet};

/// Runs `wallet export`.
pub fn run(args: &ExportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let w = session::open(ctx, &args.name)?;
    if args.mnemonic {
        // A SLIP-39 wallet has no phrase: say so before asking the password.
        w.check_mnemonic_export()?;
    }
    let sel = select::key_selection(&args.selector, 1)?;
    if args.xpub {
        let style = if args.slip132 {
            XpubStyle::Slip132
        } else {
            XpubStyle::Bip32
        };
        let v = w.export_xpub(&sel, style, session::password(ctx, &args.name))?;
        return ctx.emit(&v, |out| writeln!(out, "{}", v.xpub));
    }
    if let Some(out) = &args.eth_keystore {
        return export_v3(args, ctx, &session::unlock(ctx, &w)?, out);
    }
    let unlocked = session::unlock(ctx, &w)?;
    prompt::confirm(
        args.yes,
        "This prints a secret that can spend the wallet's funds.",
        "yes",
    )?;
    let export = if args.mnemonic {
        return export_mnemonic(args, ctx, &unlocked);
    } else if args.xprv {
        unlocked.export_xprv(&sel)?
    } else {
        let form = if args.wif {
            KeyForm::Wif
        } else if args.private_key {
            KeyForm::Hex
        } else if args.pem {
            KeyForm::Pem { pkcs8: args.pkcs8 }
        } else {
            return Err(CliError::usage("choose what to export"));
        };
        unlocked.export_key(&sel, ChainKind::Bitcoin, form)?
    };
    emit_secret(ctx, &export)
}

fn emit_secret(ctx: &Ctx, export: &SecretExport) -> Result<(), CliError> {
    ctx.emit(export, |w| {
        let t = export.secret_text();
        if t.ends_with('\n') {
            write!(w, "{t}")
        } else {
            writeln!(w, "{t}")
        }
    })
}

fn export_mnemonic(args: &ExportArgs, ctx: &Ctx, u: &UnlockedWallet) -> Result<(), CliError> {
    let mut export = u.export_mnemonic()?;
    let passphrase = u.passphrase().filter(|p| !p.is_empty());
    let mut passphrase_file = None;
    if let Some(out) = &args.passphrase_out {
        let text = passphrase.map_or("", |p| p.expose());
        Keystore::write_new_file(out, text.as_bytes())?;
        passphrase_file = Some(out.display().to_string());
    }
    // The JSON result names the file it wrote; the phrase goes to stdout.
    let mut v = serde_json::to_value(&export).map_err(|e| {
        CliError::user(
            wallet_core::ErrorKind::Internal,
            format!("result JSON: {e}"),
        )
    })?;
    if let Some(f) = &passphrase_file {
        v["passphrase_file"] = serde_json::json!(f);
    }
    let phrase = export.mnemonic.take().unwrap_or_default();
    let r = ctx.emit(&v, |w| writeln!(w, "{}", phrase.as_str()));
    crate::output::wipe_json(v);
    if passphrase.is_some() && args.passphrase_out.is_none() {
        ctx.note("This wallet also has a BIP39 passphrase: export it with --passphrase-out FILE (or --json); without it the phrase restores different addresses.");
    }
    r
}

fn export_v3(
    args: &ExportArgs,
    ctx: &Ctx,
    u: &UnlockedWallet,
    out: &std::path::Path,
) -> Result<(), CliError> {
    prompt::confirm(
        args.yes,
        "This writes the key, encrypted under the export password, to a new Ethereum keystore file.",
        "yes",
    )?;
    let pw = match &args.export_password_file {
        Some(f) => prompt::read_secret_file(f, "export password file")?,
        None => prompt::password(
            ctx.password_file.as_deref(),
            &format!(
                "Password for '{}' (again, for the exported file): ",
                args.name
            ),
        )?,
    };
    let sel = select::key_selection(&args.selector, 1)?;
    let (doc, address) = u.export_eth_keystore(&sel, &pw)?;
    Keystore::write_new_file(out, doc.as_bytes())?;
    let v = serde_json::json!({"name": args.name, "file": out.display().to_string(), "address": address.to_checksum()});
    ctx.emit(&v, |w| {
        writeln!(w, "Wrote {} ({})", out.display(), address.to_checksum())
    })
}
