//! One file per command group; each turns parsed arguments into one core call
//! and one rendered result.

pub mod address;
pub mod btc;
pub mod derive;
pub mod eth;
pub mod export;
pub mod kdf_cost;
pub mod keys;
pub mod message;
pub mod mnemonic;
pub mod new_wallet;
pub mod rename;
pub mod shell;
pub mod slip39;
pub mod watch;

use crate::args::{Cli, Command};
use crate::error::CliError;
use crate::output::Ctx;

/// Runs the parsed command line.
pub fn run(cli: Cli, ctx: &Ctx) -> Result<(), CliError> {
    match cli.command {
        Command::Mnemonic(cmd) => mnemonic::run(cmd, ctx),
        Command::Derive(args) => derive::run(&args, ctx),
        Command::Create(args) => keys::create(&args, ctx),
        Command::Import(args) if args.descriptor => watch::import(&args, ctx),
        Command::Import(args) => keys::import(&args, ctx),
        Command::List { names: true } => shell::names(ctx),
        Command::List { names: false } => keys::list(ctx),
        Command::Info { name } => watch::info_any(&name, ctx),
        Command::Address(args) => address::run(&args, ctx),
        Command::Export(args) if args.descriptor => watch::export(&args, ctx),
        Command::Export(args) => export::run(&args, ctx),
        Command::Passwd(args) => keys::passwd(&args, ctx),
        Command::Rename { old, new } => rename::run(&old, &new, ctx),
        Command::Delete { name, yes } => watch::delete_any(&name, yes, ctx),
        Command::Eth(cmd) => eth::run(cmd, ctx),
        Command::Btc(cmd) => btc::run(cmd, ctx),
        Command::SignMessage(args) => message::sign(&args, ctx),
        Command::VerifyMessage(args) => message::verify(&args, ctx),
        Command::Completions { shell } => shell::completions(shell, ctx),
        Command::Man => shell::man(ctx),
    }
}
