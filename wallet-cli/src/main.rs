//! `wallet`: parse the command line, run one command, render the result or the error.

mod args;
mod commands;
mod config;
mod error;
mod hardening;
mod node;
mod output;
mod prompt;
mod render;
mod select;
mod session;
mod status;
mod units;

#[cfg(test)]
mod readme_tests;

fn main() {
    let cli = args::parse();
    let ctx = output::Ctx::of(&cli);
    status::init(ctx.verbose, ctx.json, ctx.quiet);
    let code = match commands::run(cli, &ctx).map_err(node::explain_timeout) {
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
