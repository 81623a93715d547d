//! `wallet mnemonic new` and `wallet mnemonic check`.

use crate::args::MnemonicCommand;
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use serde_json::json;
use wallet_core::mnemonic::Mnemonic;

/// Runs a `mnemonic` subcommand.
pub fn run(cmd: MnemonicCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        MnemonicCommand::New { words, language } => {
            let n: usize = words
                .parse()
                .map_err(|_| CliError::usage(format!("--words {words} is not a number")))?;
            crate::hardening::harden();
            let m = Mnemonic::generate(n, language)?;
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
        MnemonicCommand::Check { language } => {
            let phrase = prompt::read_stdin_secret("Mnemonic: ", "mnemonic")?;
            let parsed = match language {
                Some(l) => Mnemonic::parse_in(phrase.expose(), l),
                None => Mnemonic::parse(phrase.expose()),
            };
            let m = parsed.map_err(|e| {
                let mut c = CliError::from(e);
                c.details.insert("valid".into(), json!(false));
                c
            })?;
            let value = json!({
                "valid": true,
                "words": m.word_count(),
                "language": m.language().code(),
            });
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

/// Overwrites the string leaves of a JSON value that carried a secret.
pub fn wipe_json(mut v: serde_json::Value) {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => zeroize::Zeroize::zeroize(s),
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            serde_json::Value::Object(o) => o.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
}
