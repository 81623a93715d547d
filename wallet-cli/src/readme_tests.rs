//! The README's examples are real commands: every `wallet …` invocation in
//! its `sh` blocks parses with this binary's command line (the command
//! exists, every flag exists, every value has the right form). The flows
//! behind them run in the end-to-end tests against the devnets.

use crate::args::Cli;
use clap::Parser;

const README: &str = include_str!("../../README.md");

/// The lines of the README's ```sh blocks, without comments, continued
/// lines (`\`) joined. A `[...]` part (an option shown as optional) gives
/// two lines: without it, and with it (its first `a|b|c` choice).
fn shell_lines() -> Vec<String> {
    let mut inside = false;
    let mut lines: Vec<String> = Vec::new();
    let mut pending = String::new();
    for line in README.lines() {
        if line.starts_with("```") {
            inside = line.trim() == "```sh" && !inside;
            continue;
        }
        if !inside {
            continue;
        }
        let text = strip_comment(line).trim();
        match text.strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(text);
                lines.extend(optional_forms(&std::mem::take(&mut pending)));
            }
        }
    }
    lines
}

/// `line` without its `[...]` parts, and with them (first choices).
fn optional_forms(line: &str) -> Vec<String> {
    let without = line
        .split('[')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once(']').map_or(part, |(_, rest)| rest)
            }
        })
        .collect::<String>();
    if without == line {
        return vec![line.to_owned()];
    }
    let with = line
        .split('[')
        .enumerate()
        .map(|(i, part)| match part.split_once(']') {
            Some((inner, rest)) if i > 0 => {
                let first: Vec<&str> = inner
                    .split(' ')
                    .map(|w| w.split('|').next().unwrap_or(w))
                    .collect();
                format!("{} {rest}", first.join(" "))
            }
            _ => part.to_owned(),
        })
        .collect::<String>();
    vec![without, with]
}

/// `line` up to an unquoted `#` that starts a word.
fn strip_comment(line: &str) -> &str {
    let (mut quote, mut prev) = (None, ' ');
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

/// Shell words with `'…'`/`"…"` quoting, split into commands at unquoted
/// `;`, `|`, `&&` and `$(`…`)`; redirections and their targets dropped.
fn commands(line: &str) -> Vec<Vec<String>> {
    let (mut out, mut words, mut word) = (Vec::new(), Vec::new(), None::<String>);
    let mut quote = None;
    let mut chars = line.chars().peekable();
    let mut redirect = false;
    let end_word = |words: &mut Vec<String>, word: &mut Option<String>, redirect: &mut bool| {
        if let Some(w) = word.take() {
            if !std::mem::take(redirect) {
                words.push(w);
            }
        }
    };
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, ' ' | '\t') => end_word(&mut words, &mut word, &mut redirect),
            (None, '<' | '>') => {
                end_word(&mut words, &mut word, &mut redirect);
                redirect = true;
                if chars.peek() == Some(&'>') {
                    chars.next();
                }
            }
            (None, ';' | '|' | '&' | '(' | ')' | '$' | '`') => {
                end_word(&mut words, &mut word, &mut redirect);
                if !words.is_empty() {
                    out.push(std::mem::take(&mut words));
                }
            }
            (None, _) => word.get_or_insert_with(String::new).push(c),
        }
    }
    end_word(&mut words, &mut word, &mut redirect);
    if !words.is_empty() {
        out.push(words);
    }
    out
}

/// Every `wallet …` command of the README, as argv.
fn readme_invocations() -> Vec<Vec<String>> {
    shell_lines()
        .iter()
        .flat_map(|l| commands(l))
        .map(|mut argv| {
            // `VAR=value wallet …`: the environment assignment is not an argument.
            while argv
                .first()
                .is_some_and(|w| w.contains('=') && !w.starts_with('-'))
            {
                argv.remove(0);
            }
            // `…` stands for options shown elsewhere (the node's URL and credentials).
            argv.retain(|w| w != "…");
            argv
        })
        .filter(|argv| argv.first().map(String::as_str) == Some("wallet"))
        .collect()
}

#[test]
fn every_readme_wallet_command_parses() {
    let all = readme_invocations();
    assert!(
        all.len() >= 50,
        "only {} wallet commands found in README.md",
        all.len()
    );
    let failures: Vec<String> = all
        .iter()
        .filter_map(|argv| {
            Cli::try_parse_from(argv).err().map(|e| {
                format!(
                    "{}\n  {}",
                    argv.join(" "),
                    e.to_string().lines().next().unwrap_or("")
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "README commands that do not parse:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_splitter_finds_commands_and_refuses_bad_ones() {
    let cmds =
        commands(r#"echo | wallet import dev --eth-keystore "a b.json" < x.txt; wallet list"#);
    assert_eq!(
        cmds,
        vec![
            vec!["echo".to_owned()],
            ["wallet", "import", "dev", "--eth-keystore", "a b.json"]
                .map(String::from)
                .to_vec(),
            ["wallet", "list"].map(String::from).to_vec(),
        ]
    );
    assert_eq!(
        strip_comment("wallet list   # all wallets"),
        "wallet list   "
    );
    // The check can fail: a flag nobody defined is refused.
    assert!(Cli::try_parse_from(["wallet", "list", "--no-such-flag"]).is_err());
    assert!(Cli::try_parse_from(["wallet", "no-such-command"]).is_err());
}
