//! `wallet`: parse the command line, run one command, render the result or the error.

mod args;
mod commands;
mod error;
mod hardening;
mod output;
mod progress;
mod prompt;
mod render;
mod select;
mod session;

fn main() {
    let cli = args::parse();
    let ctx = output::Ctx::of(&cli);
    let code = match commands::run(cli, &ctx) {
        Ok(()) => error::EXIT_OK,
        Err(e) => {
            output::print_error(&ctx, &e);
            e.exit_code
        }
    };
    hardening::scrub_stack();
    hardening::debug_stop_at_exit();
    std::process::exit(code);
}
