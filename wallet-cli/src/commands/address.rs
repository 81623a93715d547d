//! `wallet address NAME`: a wallet's addresses, from the stored account xpubs
//! when possible (no password), else from the unlocked master key.

use crate::args::AddressArgs;
use crate::error::CliError;
use crate::output::Ctx;
use crate::render::emit_addresses;
use crate::{select, session};
use wallet_core::account::Parallelism;
use wallet_core::chain::ChainKind;
use wallet_core::wallet::AnyWallet;

/// Runs `wallet address`.
pub fn run(args: &AddressArgs, ctx: &Ctx) -> Result<(), CliError> {
    let sel = select::selection(&args.selector)?;
    let w = match session::open_any(ctx, &args.name)? {
        AnyWallet::Keys(w) => w,
        AnyWallet::Watch(w) => return crate::commands::watch::addresses(&w, &sel, ctx),
    };
    let source = w
        .address_source(&sel, ChainKind::Bitcoin, session::password(ctx, &args.name))?
        .with_parallelism(Parallelism::Available);
    let single = w.file().public().single.is_some();
    emit_addresses(
        ctx,
        source.header(),
        source.count(),
        !single,
        |offset, n| Ok(source.chunk(offset, n)?),
    )
}
