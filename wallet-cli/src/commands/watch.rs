//! Descriptors and watch-only wallets: `export --descriptor`,
//! `import --descriptor`, and what `info`, `address` and `btc balance` show
//! of a watch-only wallet.

use crate::args::{ExportArgs, ImportArgs};
use crate::error::CliError;
use crate::output::Ctx;
use crate::render::emit_addresses;
use crate::{prompt, select, session};
use wallet_core::account::Selection;
use wallet_core::bitcoin::{Chain, Network, NetworkParams};
use wallet_core::wallet::{AnyWallet, DescriptorExport, WatchWallet};

/// `wallet import NAME --descriptor`: a watch-only wallet from descriptors
/// on stdin (one per line), on `--chain`/`--network`. No password: it has
/// no secret.
pub fn import(args: &ImportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let ks = session::keystore(ctx, true)?;
    crate::commands::new_wallet::check_new_name(&ks, &args.name)?;
    let family = args.chain.map_or(Chain::Bitcoin, Into::into);
    let network = args.network.map_or(Network::Mainnet, Into::into);
    let params = NetworkParams::new(family, network)?;
    let text = prompt::read_stdin_secret("Descriptor: ", "descriptor")?;
    let w = WatchWallet::import(&ks, &args.name, params, text.expose())?;
    let v = w.info()?;
    ctx.emit(&v, |out| {
        writeln!(
            out,
            "Imported watch-only '{}' ({} {}):",
            v.name, v.chain, v.network
        )?;
        for a in &v.accounts {
            let change = if a.change { "" } else { " (receive only)" };
            writeln!(out, "  {:<12} {}{change}", a.kind, a.path)?;
        }
        Ok(())
    })
}

/// `wallet export NAME --descriptor [--private]`.
pub fn export(args: &ExportArgs, ctx: &Ctx) -> Result<(), CliError> {
    let sel = select::key_selection(&args.selector, 1)?;
    let v = match session::open_any(ctx, &args.name)? {
        AnyWallet::Watch(w) => {
            if args.private {
                return Err(wallet_core::keystore::watch_only_error(&args.name).into());
            }
            return watch_descriptors(&w, &sel, args.multipath, ctx);
        }
        AnyWallet::Keys(w) if args.private => {
            let sel_ok = sel.clone();
            let unlocked = session::unlock(ctx, &w)?;
            let export = unlocked.export_private_descriptors(&sel_ok)?;
            prompt::confirm(
                args.yes,
                "This prints private descriptors: they can spend the wallet's funds.",
                "yes",
            )?;
            export
        }
        AnyWallet::Keys(w) => w.export_descriptors(&sel, session::password(ctx, &args.name))?,
    };
    emit_export(&v, args.multipath, ctx)
}

fn emit_export(v: &DescriptorExport, multipath: bool, ctx: &Ctx) -> Result<(), CliError> {
    ctx.emit(v, |out| {
        for a in &v.accounts {
            match (&a.receive, &a.change, multipath) {
                (Some(r), Some(c), false) => {
                    writeln!(out, "{}", r.as_str())?;
                    writeln!(out, "{}", c.as_str())?;
                }
                _ => writeln!(out, "{}", a.descriptor.as_str())?,
            }
        }
        Ok(())
    })
}

fn watch_descriptors(
    w: &WatchWallet,
    sel: &Selection,
    multipath: bool,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let info = w.info()?;
    let wanted: Vec<_> = info
        .accounts
        .iter()
        .filter(|a| sel.kind.is_none_or(|k| k.code() == a.kind))
        .collect();
    if wanted.is_empty() {
        w.account_for(sel)?;
    }
    let v = serde_json::json!({
        "name": info.name,
        "chain": info.chain,
        "network": info.network,
        "master_fingerprint": info.fingerprint,
        "private": false,
        "accounts": wanted,
    });
    let text = watch_text(w, &wanted, multipath)?;
    ctx.emit(&v, |out| write!(out, "{text}"))
}

/// The descriptors of `accounts` of `w` as lines: the receive/change pair
/// unless `multipath` (or an account has one chain only).
fn watch_text(
    w: &WatchWallet,
    accounts: &[&wallet_core::wallet::WatchAccount],
    multipath: bool,
) -> Result<String, CliError> {
    let mut text = String::new();
    for a in accounts {
        let d = w
            .file()
            .accounts()
            .iter()
            .find(|d| d.kind().code() == a.kind)
            .ok_or_else(|| CliError::from(wallet_core::Error::Internal("account".into())))?;
        if a.change && !multipath {
            let (r, c) = d.to_descriptor_pair().map_err(wallet_core::Error::from)?;
            text.push_str(&format!("{r}\n{c}\n"));
        } else {
            text.push_str(&format!("{}\n", a.descriptor));
        }
    }
    Ok(text)
}

/// `wallet info NAME` of either kind of wallet.
pub fn info_any(name: &str, ctx: &Ctx) -> Result<(), CliError> {
    match session::open_any(ctx, name)? {
        AnyWallet::Watch(w) => info(&w, ctx),
        AnyWallet::Keys(_) => crate::commands::keys::info(name, ctx),
    }
}

/// `wallet delete NAME` of either kind of wallet.
pub fn delete_any(name: &str, yes: bool, ctx: &Ctx) -> Result<(), CliError> {
    let AnyWallet::Watch(w) = session::open_any(ctx, name)? else {
        return crate::commands::keys::delete(name, yes, ctx);
    };
    prompt::confirm(
        yes,
        &format!("Delete watch-only wallet '{name}'? (It holds no keys; its descriptors can be imported again.)"),
        name,
    )?;
    w.delete()?;
    let v = serde_json::json!({"name": name, "deleted": true});
    ctx.emit(&v, |out| writeln!(out, "Deleted '{name}'."))
}

/// `wallet info` of a watch-only wallet.
fn info(w: &WatchWallet, ctx: &Ctx) -> Result<(), CliError> {
    let v = w.info()?;
    ctx.emit(&v, |out| {
        writeln!(out, "name:        {}", v.name)?;
        writeln!(out, "kind:        {}", v.kind)?;
        writeln!(out, "created:     {}", v.created)?;
        writeln!(out, "network:     {} {}", v.chain, v.network)?;
        writeln!(out, "fingerprint: {}", v.fingerprint)?;
        for a in &v.accounts {
            writeln!(out, "{:<12} {}", a.kind, a.descriptor)?;
        }
        Ok(())
    })
}

/// `wallet address` of a watch-only wallet.
pub fn addresses(w: &WatchWallet, sel: &Selection, ctx: &Ctx) -> Result<(), CliError> {
    let source = w.address_source(sel)?;
    emit_addresses(ctx, source.header(), source.count(), true, |offset, n| {
        Ok(source.chunk(offset, n)?)
    })
}
