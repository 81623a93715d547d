//! `wallet derive`: addresses from a mnemonic on stdin, no keystore involved.

use crate::args::DeriveArgs;
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use crate::render::emit_addresses;
use crate::select;
use wallet_core::account::{self, Parallelism};
use wallet_core::chain::ChainKind;
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::mnemonic::Mnemonic;
use wallet_core::secret::SecretString;
use wallet_core::wallet;

/// Runs `wallet derive`.
pub fn run(args: &DeriveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let sel = select::selection(&args.selector)?;
    // The selection is checked before any secret is read.
    sel.resolve(ChainKind::Bitcoin)?;
    let passphrase = match &args.passphrase_file {
        Some(p) => prompt::read_secret_file(p, "passphrase file")?,
        None => SecretString::default(),
    };
    let phrase = prompt::read_stdin_secret("Mnemonic: ", "mnemonic")?;
    let mnemonic = Mnemonic::parse(phrase.expose())?;
    drop(phrase);
    let master = ExtendedPrivateKey::from_seed(&mnemonic.to_seed(passphrase.expose()))?;
    let (mut header, r) = wallet::mnemonic_addresses(&master, &sel, ChainKind::Bitcoin)?;
    if !ctx.json {
        header.account_xpub = None;
        header.account_slip132 = None;
    }
    emit_addresses(ctx, &header, r.count, true, |offset, n| {
        let first = account::nth_path(&r.first, offset)?;
        Ok(account::derive_addresses_with(
            &master,
            &r.format,
            &first,
            n,
            Parallelism::Available,
        )?)
    })
}
