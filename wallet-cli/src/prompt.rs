//! Reading secrets: from stdin, a file, or a hidden terminal prompt — never argv.

use crate::error::CliError;
use std::io::{IsTerminal, Read};
use std::path::Path;
use wallet_core::secret::SecretString;
use wallet_core::ErrorKind;
use zeroize::Zeroizing;

/// How many times a prompt asks again after a wrong or mistyped answer
/// before giving up with an error.
pub const ATTEMPTS: usize = 3;

/// The most a secret read from stdin or a file may hold. The buffer is
/// allocated at this size once and never grows: a growing buffer frees
/// unwiped copies of what it held every time it moves.
pub const MAX_SECRET_LEN: usize = 64 * 1024;

/// Reads everything from `r` into one zeroizing buffer of
/// [`MAX_SECRET_LEN`] bytes, allocated once (never reallocated). More input
/// than that is an error (the bytes read are wiped).
fn read_bounded(mut r: impl Read, what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let io_err =
        |e: std::io::Error| CliError::user(ErrorKind::Io, format!("cannot read the {what}: {e}"));
    let mut buf = Zeroizing::new(vec![0u8; MAX_SECRET_LEN]);
    let mut n = 0;
    loop {
        if n == buf.len() {
            // Full: one more byte means the input is too long.
            let mut probe = Zeroizing::new([0u8; 1]);
            match r.read(&mut probe[..]) {
                Ok(0) => break,
                Ok(_) => {
                    let kib = MAX_SECRET_LEN / 1024;
                    return Err(CliError::user(
                        ErrorKind::InvalidInput,
                        format!("the {what} is longer than {kib} KiB, the most read as a secret"),
                    ));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e)),
            }
        }
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(e)),
        }
    }
    // Shrinking the length keeps the allocation (and wipes the whole
    // capacity on drop).
    buf.truncate(n);
    Ok(buf)
}

/// Stdin without std's buffering: std's `Stdin` keeps what it read in a
/// process-wide 8 KiB buffer that is never wiped; a duplicate of fd 0 read
/// as a plain file bypasses it.
fn raw_stdin() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(
        std::io::stdin().as_fd().try_clone_to_owned()?,
    ))
}

/// Reads a secret from stdin: a hidden prompt on a terminal, else all of
/// stdin (at most [`MAX_SECRET_LEN`] bytes).
pub fn read_stdin_secret(prompt: &str, what: &str) -> Result<SecretString, CliError> {
    let (text, _) = read_stdin_text(prompt, what)?;
    if text.trim().is_empty() {
        return Err(CliError::user(
            ErrorKind::InvalidInput,
            format!("no {what} given: pipe it on stdin or type it at the prompt"),
        ));
    }
    Ok(SecretString::from(text))
}

/// Reads a password that may be empty (an Ethereum V3 file's): Enter alone
/// at the prompt, or an empty line on stdin, is the empty password; one
/// trailing newline is removed. Nothing at all on stdin (closed, or
/// /dev/null) with no terminal is no password, an error.
pub fn read_stdin_password(prompt: &str, what: &str) -> Result<SecretString, CliError> {
    let (text, at_terminal) = read_stdin_text(prompt, what)?;
    if text.is_empty() && !at_terminal {
        return Err(CliError::user(
            ErrorKind::InvalidInput,
            format!("no {what} given: pipe it on stdin (an empty line is the empty password) or type it at the prompt"),
        ));
    }
    let line = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    Ok(SecretString::from(line))
}

/// The text of a secret (a hidden prompt on a terminal, else all of
/// stdin), and whether it came from the terminal.
fn read_stdin_text(prompt: &str, what: &str) -> Result<(Zeroizing<String>, bool), CliError> {
    crate::hardening::harden();
    let stdin = std::io::stdin();
    let at_terminal = stdin.is_terminal();
    let text = if at_terminal {
        let mut buf = hidden_line(prompt).map_err(|e| {
            CliError::user(
                ErrorKind::Io,
                format!("cannot read the {what} from the terminal: {e}"),
            )
        })?;
        utf8_secret(std::mem::take(&mut *buf)).ok_or_else(|| {
            CliError::user(
                ErrorKind::InvalidInput,
                format!("the {what} typed at the terminal is not UTF-8"),
            )
        })?
    } else {
        let what_on_stdin = format!("{what} on stdin");
        let mut buf = raw_stdin()
            .map_err(|e| {
                CliError::user(
                    ErrorKind::Io,
                    format!("cannot read the {what} from stdin: {e}"),
                )
            })
            .and_then(|f| read_bounded(f, &what_on_stdin))?;
        utf8_secret(std::mem::take(&mut *buf)).ok_or_else(|| {
            CliError::user(
                ErrorKind::InvalidInput,
                format!("the {what} on stdin is not UTF-8"),
            )
        })?
    };
    Ok((text, at_terminal))
}

/// [`read_stdin_secret`], checked by `check`: at a terminal a rejected
/// entry is reported (the error never quotes more than one word) and asked
/// again, up to [`ATTEMPTS`] entries in all, then the last error is
/// returned; from a pipe the one input is checked once.
pub fn read_stdin_secret_checked<T>(
    prompt: &str,
    what: &str,
    mut check: impl FnMut(&SecretString) -> Result<T, CliError>,
) -> Result<T, CliError> {
    if !interactive() {
        return check(&read_stdin_secret(prompt, what)?);
    }
    let mut attempt = 1;
    loop {
        let err = match read_stdin_secret(prompt, what) {
            Ok(text) => match check(&text) {
                Ok(v) => return Ok(v),
                Err(e) => e,
            },
            Err(e) if e.kind == crate::error::CliKind::Core(ErrorKind::InvalidInput) => e,
            Err(e) => return Err(e),
        };
        if attempt >= ATTEMPTS {
            return Err(err);
        }
        attempt += 1;
        tty_print(&format!(
            "{} Try again ({} of {ATTEMPTS}).\n",
            sentence(&err.message),
            attempt
        ))?;
    }
}

/// `message` with a capital first letter and a final full stop.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// Reads a secret file: its bytes as UTF-8, less one trailing newline
/// (`\n` or `\r\n`) if present. Nothing else is trimmed.
pub fn read_secret_file(path: &Path, what: &str) -> Result<SecretString, CliError> {
    crate::hardening::harden();
    let file = std::fs::File::open(path).map_err(|e| CliError::io(what, path, &e))?;
    let what_path = format!("{what} '{}'", path.display());
    let mut buf = read_bounded(file, &what_path)?;
    let mut text = utf8_secret(std::mem::take(&mut *buf)).ok_or_else(|| {
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
    let mut buf = open_tty()
        .and_then(|tty| ask(&tty, prompt))
        .map_err(|_| no_terminal("an answer"))?;
    utf8_secret(std::mem::take(&mut *buf)).ok_or_else(|| no_terminal("an answer"))
}

/// The controlling terminal, for reading and writing.
fn open_tty() -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
}

/// Writes `prompt` to `tty` and reads one line back without its end of line,
/// into one buffer allocated once (no growing `String` or `BufReader`: each
/// would leave unwiped copies of what was typed in freed memory). A terminal
/// in canonical mode hands over a line per read, at most 4096 bytes.
fn ask(tty: &std::fs::File, prompt: &str) -> std::io::Result<Zeroizing<Vec<u8>>> {
    use std::io::Write;
    let mut t = tty;
    t.write_all(prompt.as_bytes())?;
    t.flush()?;
    let mut buf = Zeroizing::new(vec![0u8; 4096]);
    let mut n = 0;
    while n < buf.len() && !buf[..n].contains(&b'\n') {
        match t.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut end = buf[..n].iter().position(|b| *b == b'\n').unwrap_or(n);
    if end > 0 && buf[end - 1] == b'\r' {
        end -= 1;
    }
    buf.truncate(end);
    Ok(buf)
}

/// Clears the terminal screen and its scrollback (what was shown or typed
/// there, a backup or its answers, is not left on screen).
pub fn tty_clear() -> Result<(), CliError> {
    tty_print("\x1b[2J\x1b[3J\x1b[H")
}

/// Ends a passed backup check: the answers are cleared from the screen.
pub fn tty_verified() -> Result<(), CliError> {
    tty_clear()?;
    tty_print("The backup was verified; the answers were cleared from the screen.\n")
}

/// A hidden prompt on the terminal for a secret that is not a password
/// (a share); the text is returned as typed, without its end of line.
pub fn hidden_secret(prompt: &str, what: &str) -> Result<SecretString, CliError> {
    crate::hardening::harden();
    let mut buf = hidden_line(prompt).map_err(|_| no_terminal(what))?;
    utf8_secret(std::mem::take(&mut *buf))
        .map(SecretString::from)
        .ok_or_else(|| {
            CliError::user(
                ErrorKind::InvalidInput,
                format!("the {what} typed at the terminal is not UTF-8"),
            )
        })
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
    let no_password = || {
        CliError::user(
            ErrorKind::InvalidInput,
            "no password given: use --password-file FILE (or WALLET_PASSWORD_FILE), or run in a terminal",
        )
    };
    let mut buf = hidden_line(prompt).map_err(|_| no_password())?;
    utf8_secret(std::mem::take(&mut *buf))
        .map(SecretString::from)
        .ok_or_else(|| CliError::user(ErrorKind::InvalidInput, "the password is not UTF-8"))
}

/// [`ask`] with echo off; the terminal's settings are restored even on
/// error, and the newline is echoed.
fn hidden_line(prompt: &str) -> std::io::Result<Zeroizing<Vec<u8>>> {
    use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
    struct Restore<'a>(&'a std::fs::File, rustix::termios::Termios);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let _ = tcsetattr(self.0, OptionalActions::Now, &self.1);
        }
    }
    let tty = open_tty()?;
    let saved = tcgetattr(&tty)?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet.local_modes.insert(LocalModes::ECHONL);
    tcsetattr(&tty, OptionalActions::Now, &quiet)?;
    let _restore = Restore(&tty, saved);
    ask(&tty, prompt)
}

/// The password of an existing wallet: `--password-file`, else a hidden prompt.
pub fn password(file: Option<&Path>, prompt: &str) -> Result<SecretString, CliError> {
    match file {
        Some(f) => read_secret_file(f, "password file"),
        None => hidden(prompt),
    }
}

/// A new password: from `file`, else prompted twice (they must match). At
/// the terminal an empty password is refused as soon as it is typed and a
/// mismatch asks for both again, up to [`ATTEMPTS`] times.
pub fn new_password(file: Option<&Path>, what: &str) -> Result<SecretString, CliError> {
    if let Some(f) = file {
        let pw = read_secret_file(f, "password file")?;
        if pw.is_empty() {
            return Err(CliError::user(
                ErrorKind::InvalidInput,
                "the password must not be empty",
            ));
        }
        return Ok(pw);
    }
    for attempt in 1..=ATTEMPTS {
        let again = if attempt < ATTEMPTS {
            " Try again."
        } else {
            ""
        };
        let a = hidden(&format!("New {what} password: "))?;
        if a.is_empty() {
            tty_print(&format!("The password must not be empty.{again}\n"))?;
            continue;
        }
        let b = hidden(&format!("Repeat the {what} password: "))?;
        if a == b {
            return Ok(a);
        }
        tty_print(&format!("The two passwords differ.{again}\n"))?;
    }
    Err(CliError::user(
        ErrorKind::InvalidInput,
        format!("no password was set in {ATTEMPTS} attempts (it was empty, or the two entries differed); nothing was written"),
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most 7 bytes per read, with an interruption first.
    struct Dribble<'a>(&'a [u8], bool);

    impl Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if !self.1 {
                self.1 = true;
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(7).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn bounded_reads_fill_one_buffer_and_refuse_more() {
        for len in [0, 1, 100, MAX_SECRET_LEN - 1, MAX_SECRET_LEN] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let buf = read_bounded(Dribble(&data, false), "test").unwrap();
            assert_eq!(&buf[..], &data[..]);
            // Never reallocated: still the one allocation of the full size.
            assert_eq!(buf.capacity(), MAX_SECRET_LEN);
        }
        let data = vec![b'x'; MAX_SECRET_LEN + 1];
        let e = read_bounded(Dribble(&data, false), "test").unwrap_err();
        assert_eq!(e.kind.as_str(), "invalid_input");
        assert!(e.message.contains("64 KiB"), "{}", e.message);
    }
}
