//! `wallet mnemonic new` and `wallet mnemonic check` (BIP39, or SLIP-39
//! shares with `--slip39`).

use crate::args::MnemonicCommand;
use crate::error::CliError;
use crate::output::{wipe_json, Ctx};
use crate::prompt;
use serde_json::json;
use wallet_core::mnemonic::Mnemonic;
use wallet_core::report::MnemonicCheck;

/// Runs a `mnemonic` subcommand.
pub fn run(cmd: MnemonicCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        MnemonicCommand::New { words, language } => {
            crate::hardening::harden();
            let m = Mnemonic::generate(words.into(), language)?;
            let phrase = m.phrase();
            let value = json!({
                "mnemonic": phrase.expose(),
                "words": m.word_count(),
                "language": language.code(),
            });
            let r = ctx.emit(&value, |w| writeln!(w, "{}", phrase.expose()));
            ctx.note("Write these words down and keep them offline: anyone who has them can spend the funds.");
            // The JSON value holds a copy of the phrase; wipe it.
            wipe_json(value);
            r
        }
        MnemonicCommand::Check { slip39: true, .. } => super::slip39::check(ctx),
        MnemonicCommand::Check { language, .. } => {
            // At a terminal a mistyped phrase is reported and asked again.
            let m = prompt::read_stdin_secret_checked("Mnemonic: ", "mnemonic", |phrase| {
                match language {
                    Some(l) => Mnemonic::parse_in(phrase.expose(), l),
                    None => Mnemonic::parse(phrase.expose()),
                }
                .map_err(|e| CliError::from(e).with("valid", json!(false)))
            })?;
            let value = MnemonicCheck::of(&m);
            ctx.emit(&value, |w| {
                writeln!(
                    w,
                    "valid: a {}-word {} mnemonic with a correct checksum",
                    m.word_count(),
                    m.language()
                )
            })
        }
    }
}
