//! Reading secrets: from stdin, a file, or a hidden terminal prompt — never argv.

use crate::error::CliError;
use std::io::{IsTerminal, Read};
use std::path::Path;
use wallet_core::secret::SecretString;
use wallet_core::ErrorKind;
use zeroize::Zeroizing;

/// Reads a secret from stdin: a hidden prompt on a terminal, else all of stdin.
pub fn read_stdin_secret(prompt: &str, what: &str) -> Result<SecretString, CliError> {
    crate::hardening::harden();
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        let s = rpassword::prompt_password(prompt).map_err(|e| {
            CliError::user(
                ErrorKind::Io,
                format!("cannot read the {what} from the terminal: {e}"),
            )
        })?;
        Zeroizing::new(s)
    } else {
        let mut buf = Zeroizing::new(Vec::new());
        stdin.lock().read_to_end(&mut buf).map_err(|e| {
            CliError::user(
                ErrorKind::Io,
                format!("cannot read the {what} from stdin: {e}"),
            )
        })?;
        utf8_secret(std::mem::take(&mut *buf)).ok_or_else(|| {
            CliError::user(
                ErrorKind::InvalidInput,
                format!("the {what} on stdin is not UTF-8"),
            )
        })?
    };
    if text.trim().is_empty() {
        return Err(CliError::user(
            ErrorKind::InvalidInput,
            format!("no {what} given: pipe it on stdin or type it at the prompt"),
        ));
    }
    Ok(SecretString::from(text))
}

/// Reads a secret file: its bytes as UTF-8, less one trailing newline
/// (`\n` or `\r\n`) if present. Nothing else is trimmed.
pub fn read_secret_file(path: &Path, what: &str) -> Result<SecretString, CliError> {
    crate::hardening::harden();
    let bytes = std::fs::read(path).map_err(|e| CliError::io(what, path, &e))?;
    let mut text = utf8_secret(bytes).ok_or_else(|| {
        CliError::user(
            ErrorKind::InvalidInput,
            format!("{what} '{}' is not UTF-8", path.display()),
        )
    })?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(SecretString::from(text))
}

/// Moves bytes into a zeroizing string; on invalid UTF-8 the bytes are wiped.
fn utf8_secret(bytes: Vec<u8>) -> Option<Zeroizing<String>> {
    match String::from_utf8(bytes) {
        Ok(s) => Some(Zeroizing::new(s)),
        Err(e) => {
            let mut v = e.into_bytes();
            zeroize::Zeroize::zeroize(&mut v);
            None
        }
    }
}

/// True when stdin is a terminal (interactive use).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Reads one visible line from the controlling terminal, prompting on it.
pub fn tty_line(prompt: &str) -> Result<Zeroizing<String>, CliError> {
    use std::io::{BufRead, Write};
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_terminal("an answer"))?;
    let mut w = &tty;
    write!(w, "{prompt}")
        .and_then(|()| w.flush())
        .map_err(|_| no_terminal("an answer"))?;
    let mut line = Zeroizing::new(String::new());
    std::io::BufReader::new(&tty)
        .read_line(&mut line)
        .map_err(|_| no_terminal("an answer"))?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\n', '\r']).to_owned());
    Ok(trimmed)
}

/// Writes text to the controlling terminal (for what must not go to stdout).
pub fn tty_print(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut tty = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_terminal("output"))?;
    tty.write_all(text.as_bytes())
        .and_then(|()| tty.flush())
        .map_err(|_| no_terminal("output"))
}

fn no_terminal(what: &str) -> CliError {
    CliError::user(
        ErrorKind::InvalidInput,
        format!("no terminal to read {what} from; use the non-interactive options (--password-file, --yes)"),
    )
}

/// A hidden prompt on the terminal.
fn hidden(prompt: &str) -> Result<SecretString, CliError> {
    crate::hardening::harden();
    rpassword::prompt_password(prompt)
        .map(SecretString::from)
        .map_err(|_| {
            CliError::user(
                ErrorKind::InvalidInput,
                "no password given: use --password-file FILE (or WALLET_PASSWORD_FILE), or run in a terminal",
            )
        })
}

/// The password of an existing wallet: `--password-file`, else a hidden prompt.
pub fn password(file: Option<&Path>, prompt: &str) -> Result<SecretString, CliError> {
    match file {
        Some(f) => read_secret_file(f, "password file"),
        None => hidden(prompt),
    }
}

/// A new password: from `file`, else prompted twice (they must match).
pub fn new_password(file: Option<&Path>, what: &str) -> Result<SecretString, CliError> {
    let pw = match file {
        Some(f) => read_secret_file(f, "password file")?,
        None => {
            let a = hidden(&format!("New {what} password: "))?;
            let b = hidden(&format!("Repeat the {what} password: "))?;
            if a != b {
                return Err(CliError::user(
                    ErrorKind::InvalidInput,
                    "the two passwords differ; nothing was written",
                ));
            }
            a
        }
    };
    if pw.is_empty() {
        return Err(CliError::user(
            ErrorKind::InvalidInput,
            "the password must not be empty",
        ));
    }
    Ok(pw)
}

/// Asks the user to type `expected` on the terminal, unless `yes`.
pub fn confirm(yes: bool, question: &str, expected: &str) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    let answer =
        tty_line(&format!("{question} Type '{expected}' to continue: ")).map_err(|_| {
            CliError::user(
                ErrorKind::Cancelled,
                "this needs a confirmation: answer on a terminal, or pass --yes",
            )
        })?;
    if answer.trim() == expected {
        Ok(())
    } else {
        Err(CliError::user(
            ErrorKind::Cancelled,
            "not confirmed; nothing was done",
        ))
    }
}
