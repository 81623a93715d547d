//! The two renderers: text for people, one JSON object for scripts.

use crate::error::CliError;
use serde::Serialize;
use std::io::{self, Write};
use zeroize::Zeroizing;

/// Settings every command sees.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// `--json`
    pub json: bool,
    /// `-q`
    pub quiet: bool,
    /// `-v` count
    pub verbose: u8,
    /// `--keystore-dir` / `WALLET_KEYSTORE_DIR`
    pub keystore_dir: Option<std::path::PathBuf>,
    /// `--password-file` / `WALLET_PASSWORD_FILE`
    pub password_file: Option<std::path::PathBuf>,
    /// `--allow-weak-kdf`
    pub allow_weak_kdf: bool,
}

impl Ctx {
    /// The settings of a parsed command line.
    pub fn of(cli: &crate::args::Cli) -> Self {
        Self {
            json: cli.json,
            quiet: cli.quiet,
            verbose: cli.verbose,
            keystore_dir: cli.keystore_dir.clone(),
            password_file: cli.password_file.clone(),
            allow_weak_kdf: cli.allow_weak_kdf,
        }
    }

    /// Before reading `what` from stdin: when stdin is a terminal (nothing
    /// was piped), says so, or a command seems to hang. On stderr, or with
    /// `--json` or `-q` on the terminal itself.
    pub fn stdin_notice(&self, what: &str) {
        if io::IsTerminal::is_terminal(&io::stdin()) {
            self.summary(
                &format!("reading {what} from stdin (paste it, then press Enter and Ctrl-D)"),
                false,
            );
        }
    }

    /// Shows a summary before a confirmation: on stderr for people; with
    /// `--json` or `-q` only on the terminal, and only when a confirmation
    /// is asked (`!yes`).
    pub fn summary(&self, text: &str, yes: bool) {
        if !self.json && !self.quiet {
            crate::status::eprint_line(text);
        } else if !yes {
            let _ = crate::prompt::tty_print(&format!("{text}\n"));
        }
    }

    /// Writes the command's result: `value` as JSON, or `human` as text.
    ///
    /// The output is rendered into one buffer that is wiped after it is
    /// written (exported secrets pass through here).
    pub fn emit<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), CliError> {
        self.write_result(value, human).or_else(ignore_broken_pipe)
    }

    /// As [`Ctx::emit`], but a reader that went away (a broken pipe) is an
    /// error: for output that must not be lost, like a new wallet's only
    /// showing of its phrase.
    pub fn emit_or_fail<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), CliError> {
        self.write_result(value, human).map_err(|e| {
            CliError::user(
                wallet_core::ErrorKind::Io,
                format!("cannot write the output: {e}"),
            )
        })
    }

    /// Renders the result into one wiped buffer, then writes it to stdout.
    fn write_result<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut buf = Zeroizing::new(Vec::with_capacity(1 << 16));
        if self.json {
            serde_json::to_writer(&mut *buf, value).map_err(io::Error::other)?;
            writeln!(buf)?;
        } else {
            human(&mut *buf)?;
        }
        let mut out = io::stdout().lock();
        out.write_all(&buf)?;
        out.flush()
    }

    /// A warning on stderr, even with `-q` (with `--json` the result itself
    /// carries what the warning is about).
    pub fn warn(&self, msg: &str) {
        if !self.json {
            crate::status::eprint_line(&format!("warning: {msg}"));
        }
    }

    /// A warning about the safety of the user's files: on stderr even with
    /// `-q`, and with `--json` as one `{"warning": …}` line.
    pub fn security_warning(&self, msg: &str) {
        if self.json {
            crate::status::eprint_line(&serde_json::json!({ "warning": msg }).to_string());
        } else {
            crate::status::eprint_line(&format!("warning: {msg}"));
        }
    }

    /// A note for people on stderr (suppressed by `-q` and `--json`).
    pub fn note(&self, msg: &str) {
        if !self.quiet && !self.json {
            crate::status::eprint_line(msg);
        }
    }
}

/// Refuses to print `what` (a secret shown once) where it would be lost:
/// stdout is `/dev/null`, or was closed (the runtime then opens `/dev/null`
/// in its place).
pub fn check_stdout_keeps(what: &str) -> Result<(), CliError> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let lost = || {
        CliError::user(
            wallet_core::ErrorKind::InvalidInput,
            format!("stdout is closed or /dev/null, so {what} would be lost: redirect it to a file, or run at a terminal; nothing was created"),
        )
    };
    let out = io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|_| lost())?;
    let meta = std::fs::File::from(out).metadata().map_err(|_| lost())?;
    let null = std::fs::metadata("/dev/null");
    if null.is_ok_and(|n| meta.file_type().is_char_device() && meta.rdev() == n.rdev()) {
        return Err(lost());
    }
    Ok(())
}

/// `wallet … | head` closes stdout early; that is not an error.
pub fn ignore_broken_pipe(e: io::Error) -> Result<(), CliError> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(CliError::user(
            wallet_core::ErrorKind::Io,
            format!("cannot write the output: {e}"),
        ))
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

/// Prints an error the way the user asked for (`-v` adds the kind and exit code).
/// Any open progress line is ended first, and a closed stderr is no panic.
pub fn print_error(ctx: &Ctx, e: &CliError) {
    let text = if ctx.json {
        e.to_json().to_string()
    } else if ctx.verbose > 0 {
        format!(
            "error[{}]: {} (exit code {})",
            e.kind.as_str(),
            e.message,
            e.exit_code
        )
    } else {
        format!("error: {}", e.message)
    };
    crate::status::eprint_line(&text);
}
