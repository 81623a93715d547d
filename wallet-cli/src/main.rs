//! `wallet`: parse the command line, run one command, render the result or the error.

mod args;
mod commands;
mod error;
mod hardening;
mod output;
mod prompt;

use clap::Parser;
use error::{CliError, EXIT_OK};

fn main() {
    let wants_json = std::env::args_os().any(|a| a == "--json");
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            if wants_json && e.kind() == K::DisplayVersion {
                println!(
                    "{}",
                    serde_json::json!({"name": "wallet", "version": env!("CARGO_PKG_VERSION")})
                );
                std::process::exit(EXIT_OK);
            }
            if matches!(
                e.kind(),
                K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                let code = if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
                    2
                } else {
                    0
                };
                std::process::exit(code);
            }
            if wants_json {
                // The first paragraph of clap's message, on one line: what
                // is wrong and, for missing arguments, which ones.
                let msg = e.render().to_string();
                let text = msg
                    .lines()
                    .take_while(|l| !l.trim().is_empty())
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ");
                let text = text.trim_start_matches("error: ");
                let err = CliError::usage(if text.is_empty() {
                    "invalid command line".to_owned()
                } else {
                    text.to_owned()
                });
                output::print_error(
                    &output::Ctx {
                        json: true,
                        ..Default::default()
                    },
                    &err,
                );
                std::process::exit(err.exit_code);
            }
            let _ = e.print();
            std::process::exit(error::EXIT_USAGE);
        }
    };
    let ctx = output::Ctx {
        json: cli.json,
        quiet: cli.quiet,
        verbose: cli.verbose,
        keystore_dir: cli.keystore_dir.clone(),
        password_file: cli.password_file.clone(),
        allow_weak_kdf: cli.allow_weak_kdf,
    };
    let code = match commands::run(cli, &ctx) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            output::print_error(&ctx, &e);
            e.exit_code
        }
    };
    hardening::scrub_stack();
    hardening::debug_stop_at_exit();
    std::process::exit(code);
}
