//! Reading secrets: from stdin, a file, or a hidden terminal prompt — never argv.

use crate::error::CliError;
use std::io::{IsTerminal, Read};
use std::path::Path;
use wallet_core::secret::SecretString;
use wallet_core::ErrorKind;
use zeroize::Zeroizing;

/// Reads a secret from stdin: a hidden prompt on a terminal, else all of stdin.
pub fn read_stdin_secret(prompt: &str, what: &str) -> Result<SecretString, CliError> {
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
