//! What the shell and `man` see of the CLI: completion scripts, the names
//! they complete, and the manual page.
//!
//! Completions are clap's static scripts (every enum flag completes its
//! values from its parser), plus one hook per shell that completes wallet
//! names for the commands that take one by calling `wallet list --names`
//! when the user presses Tab. clap's dynamic completion engine would do
//! this too, but only behind unstable feature flags of clap and
//! clap_complete; the hook is a few lines of shell instead.

use crate::args::Cli;
use crate::error::CliError;
use crate::output::Ctx;
use clap::CommandFactory;
use wallet_core::ErrorKind;

/// The commands whose first argument is an existing wallet's name.
pub const NAME_COMMANDS: &[&[&str]] = &[
    &["info"],
    &["address"],
    &["export"],
    &["passwd"],
    &["delete"],
    &["rename"],
    &["sign-message"],
    &["eth", "sign-tx"],
    &["eth", "sign-typed-data"],
    &["eth", "send"],
    &["eth", "balance"],
    &["eth", "sign-auth"],
    &["btc", "sign-psbt"],
    &["btc", "send"],
    &["btc", "create-psbt"],
    &["btc", "bump-fee"],
    &["btc", "balance"],
];

/// `wallet completions SHELL`.
pub fn completions(shell: clap_complete::Shell, ctx: &Ctx) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut raw = Vec::new();
    clap_complete::generate(shell, &mut cmd, "wallet", &mut raw);
    let script = with_name_hook(shell, &String::from_utf8_lossy(&raw));
    ctx.emit(
        &serde_json::json!({"shell": shell.to_string(), "script": script}),
        |w| w.write_all(script.as_bytes()),
    )
}

/// clap's `script` for `shell` with wallet names completed for
/// [`NAME_COMMANDS`] (bash, zsh and fish; other shells as clap made them).
pub fn with_name_hook(shell: clap_complete::Shell, script: &str) -> String {
    use clap_complete::Shell;
    match shell {
        Shell::Bash => {
            let mut s = String::from(
                "# Wallet names, for the commands that take one.\n_wallet_names() {\n    wallet list --names 2>/dev/null\n}\n\n",
            );
            let mut body = script.to_owned();
            for path in NAME_COMMANDS {
                let block = format!(
                    "        wallet__subcmd__{})\n            opts=\"",
                    path.join("__subcmd__").replace('-', "__subcmd__")
                );
                body = body.replacen(&block, &format!("{block}$(_wallet_names) "), 1);
            }
            s.push_str(&body);
            s
        }
        Shell::Zsh => {
            let hook = "_wallet_names() {\n    local -a names\n    names=(${(f)\"$(wallet list --names 2>/dev/null)\"})\n    compadd -a names\n}\n";
            let body = script
                .replace(
                    "':name -- Wallet name:_default'",
                    "':name -- Wallet name:_wallet_names'",
                )
                .replace(
                    "':old -- Current name:_default'",
                    "':old -- Current name:_wallet_names'",
                )
                .replace(
                    "':name -- Wallet name, or an address of the chosen chain and network (read as an address when no wallet has that name):_default'",
                    "':name -- Wallet name, or an address of the chosen chain and network (read as an address when no wallet has that name):_wallet_names'",
                )
                .replace(
                    "':target -- Wallet name or 0x address:_default'",
                    "':target -- Wallet name or 0x address:_wallet_names'",
                );
            match body.split_once('\n') {
                Some((first, rest)) if first.starts_with("#compdef") => {
                    format!("{first}\n\n{hook}\n{rest}")
                }
                _ => format!("{hook}\n{body}"),
            }
        }
        Shell::Fish => {
            let mut s = script.to_owned();
            s.push_str("\n# Wallet names, for the commands that take one.\n");
            for path in NAME_COMMANDS {
                let cond = match path {
                    [one] => format!("__fish_wallet_using_subcommand {one}"),
                    [group, sub, ..] => {
                        format!("__fish_wallet_using_subcommand {group}; and __fish_seen_subcommand_from {sub}")
                    }
                    [] => continue,
                };
                s.push_str(&format!(
                    "complete -c wallet -n \"{cond}\" -f -a \"(wallet list --names 2>/dev/null)\"\n"
                ));
            }
            s
        }
        _ => script.to_owned(),
    }
}

/// `wallet list --names`: one name per line (nothing when there is no keystore).
pub fn names(ctx: &Ctx) -> Result<(), CliError> {
    let names = match crate::session::keystore(ctx, false) {
        Ok(ks) => ks.names()?,
        Err(e) if e.is(ErrorKind::NotFound) => Vec::new(),
        Err(e) => return Err(e),
    };
    ctx.emit(&serde_json::json!({ "names": names }), |w| {
        for n in &names {
            writeln!(w, "{n}")?;
        }
        Ok(())
    })
}

/// Escapes text for roff: backslashes, dashes, characters beyond ASCII
/// (as `\[uXXXX]`), and a leading `.` or `'`.
fn roff(text: &str) -> String {
    let mut t = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => t.push_str("\\e"),
            '-' => t.push_str("\\-"),
            c if c.is_ascii() => t.push(c),
            c => t.push_str(&format!("\\[u{:04X}]", u32::from(c))),
        }
    }
    if t.starts_with(['.', '\'']) {
        format!("\\&{t}")
    } else {
        t
    }
}

/// One `.SS` entry per command below `cmd` (depth first): its usage, what
/// it does, and its own options (the global ones are on the first page).
fn commands_section(cmd: &mut clap::Command, path: &str, out: &mut String) {
    for sub in cmd.get_subcommands_mut() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let full = format!("{path} {}", sub.get_name());
        out.push_str(&format!(".SS \"{}\"\n", roff(&full)));
        if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
            out.push_str(&format!("{}\n.PP\n", roff(&about.to_string())));
        }
        // Built: the usage already names the whole path (`wallet eth send`).
        let usage = sub.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        out.push_str(&format!("\\fB{}\\fR\n", roff(usage.trim())));
        for arg in sub.get_arguments() {
            if arg.is_hide_set()
                || arg.is_global_set()
                || matches!(arg.get_id().as_str(), "help" | "version")
            {
                continue;
            }
            let name = match (arg.get_long(), arg.get_short()) {
                (Some(l), Some(s)) => format!("\\-{s}, \\-\\-{}", roff(l)),
                (Some(l), None) => format!("\\-\\-{}", roff(l)),
                (None, Some(s)) => format!("\\-{s}"),
                (None, None) => format!("<{}>", roff(&arg.get_id().as_str().to_uppercase())),
            };
            let value = match arg.get_value_names() {
                Some([v, ..]) if arg.get_long().is_some() || arg.get_short().is_some() => {
                    format!(" \\fI<{}>\\fR", roff(v))
                }
                _ => String::new(),
            };
            out.push_str(&format!(".TP\n\\fB{name}\\fR{value}\n"));
            if let Some(h) = arg.get_help() {
                out.push_str(&format!("{}\n", roff(&h.to_string())));
            }
        }
        commands_section(sub, &full, out);
    }
}

/// The manual page, wallet(1): clap_mangen's page of the top-level command,
/// then a COMMANDS section naming every command and subcommand.
pub fn man_page() -> Result<String, CliError> {
    let io = |e: std::io::Error| CliError::user(ErrorKind::Internal, format!("man page: {e}"));
    let mut cmd = Cli::command();
    cmd.build();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .map_err(io)?;
    let mut page = String::from_utf8_lossy(&buf).into_owned();
    page.push_str(".SH COMMANDS\n");
    commands_section(&mut cmd, "wallet", &mut page);
    Ok(page)
}

/// `wallet man`: the manual page in roff on stdout (`wallet man | man -l -`).
pub fn man(ctx: &Ctx) -> Result<(), CliError> {
    let page = man_page()?;
    ctx.emit(&serde_json::json!({ "man": page }), |w| {
        w.write_all(page.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command whose first argument is an existing wallet is listed,
    /// and every listed one exists with such an argument.
    #[test]
    fn issue21_27_name_commands_match_the_command_line() {
        let root = Cli::command();
        let mut found = Vec::new();
        for sub in root.get_subcommands() {
            let subs: Vec<&clap::Command> = sub
                .get_subcommands()
                .filter(|s| s.get_name() != "help")
                .collect();
            let leaves: Vec<(Vec<&str>, &clap::Command)> = if subs.is_empty() {
                vec![(vec![sub.get_name()], sub)]
            } else {
                subs.iter()
                    .map(|s| (vec![sub.get_name(), s.get_name()], *s))
                    .collect()
            };
            for (path, c) in leaves {
                let first = c
                    .get_positionals()
                    .next()
                    .map(|a| a.get_id().as_str().to_owned());
                let new_name = matches!(path.as_slice(), ["create"] | ["import"]);
                if matches!(first.as_deref(), Some("name" | "old" | "target")) && !new_name {
                    found.push(path.join(" "));
                }
            }
        }
        let listed: Vec<String> = NAME_COMMANDS.iter().map(|p| p.join(" ")).collect();
        found.sort();
        let mut want = listed.clone();
        want.sort();
        assert_eq!(found, want);
    }

    #[test]
    fn issue21_27_every_shell_gets_the_name_hook() {
        use clap_complete::Shell;
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut raw = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "wallet", &mut raw);
            let s = with_name_hook(shell, &String::from_utf8_lossy(&raw));
            let hooks = match shell {
                Shell::Bash => s.matches("opts=\"$(_wallet_names) ").count(),
                Shell::Zsh => s.matches(":_wallet_names'").count(),
                _ => s.matches("(wallet list --names 2>/dev/null)").count(),
            };
            assert_eq!(hooks, NAME_COMMANDS.len(), "{shell}");
        }
    }
}
