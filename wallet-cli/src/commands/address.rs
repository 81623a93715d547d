//! `wallet address NAME`: a wallet's addresses, from the stored account xpubs
//! when possible (no password), else from the unlocked master key.

use crate::args::AddressArgs;
use crate::commands::derive::{emit_addresses, labels, resolve, AddressesOut};
use crate::commands::keys::{load, unlock};
use crate::error::CliError;
use crate::output::Ctx;
use wallet_core::keystore::{AddressPlan, Selected, WalletKind};
use wallet_core::ErrorKind;

/// Runs `wallet address`.
pub fn run(args: &AddressArgs, ctx: &Ctx) -> Result<(), CliError> {
    let (ks, file) = load(ctx, &args.name)?;
    let sel = &args.selector;
    let public = file.public();
    let r = resolve(sel, "btc")?;
    let (chain, network, kind) = labels(&r.format);
    let single = file.kind() == WalletKind::PrivateKey;
    let position_given = sel.path.is_some()
        || sel.account.is_some()
        || sel.index.is_some()
        || sel.change
        || sel.count != 1;
    if single && position_given {
        return Err(CliError::usage(
            "this wallet is a single key: --path, --account, --index, --change and --count do not apply",
        ));
    }
    let plan = AddressPlan::new(
        &file,
        &Selected {
            format: r.format,
            type_given: sel.kind.is_some(),
            first: &r.first,
            count: r.count,
            position_given,
        },
    )?;
    let header = AddressesOut {
        chain,
        network,
        kind: if single { None } else { kind },
        master_fingerprint: public.fingerprint.clone(),
        account_path: r.account_path.as_ref().map(ToString::to_string),
        account_xpub: None,
        account_slip132: None,
    };
    let secret = if plan.needs_master() {
        Some(unlock(ctx, &ks, &args.name)?)
    } else {
        None
    };
    let master = match &secret {
        Some(s) => Some(
            s.master()?
                .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?,
        ),
        None => None,
    };
    emit_addresses(ctx, &header, r.count, !single, |offset, n| {
        Ok(plan.addresses(master.as_ref(), offset, n)?)
    })
}
