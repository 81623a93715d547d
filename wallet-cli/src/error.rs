//! Errors as the CLI reports them: a stable kind, a message, an exit code.

use serde_json::{json, Map, Value};
use wallet_core::{Error, ErrorKind};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: an error the user can fix (bad input, wrong password…).
pub const EXIT_USER: i32 = 1;
/// Exit code: the command line itself was wrong.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the network or the node failed.
pub const EXIT_NETWORK: i32 = 3;

/// An error on its way to the user.
#[derive(Debug)]
pub struct CliError {
    /// Stable machine-readable kind (an `ErrorKind` name, or `usage`).
    pub kind: &'static str,
    /// One human sentence.
    pub message: String,
    /// Process exit code.
    pub exit_code: i32,
    /// Extra structured fields for `--json`.
    pub details: Map<String, Value>,
}

impl CliError {
    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            kind: "usage",
            message: message.into(),
            exit_code: EXIT_USAGE,
            details: Map::new(),
        }
    }

    /// An error of `kind` with exit code 1.
    pub fn user(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind: kind.as_str(),
            message: message.into(),
            exit_code: exit_code(kind),
            details: Map::new(),
        }
    }

    /// Failure reading or writing a file the user named.
    pub fn io(what: &str, path: &std::path::Path, e: &std::io::Error) -> Self {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::NotFound
        } else {
            ErrorKind::Io
        };
        Self::user(kind, format!("{what} '{}': {e}", path.display()))
    }

    /// The JSON document printed on stderr with `--json`.
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("error".into(), Value::Bool(true));
        obj.insert("kind".into(), json!(self.kind));
        obj.insert("message".into(), json!(self.message));
        obj.insert("exit_code".into(), json!(self.exit_code));
        for (k, v) in &self.details {
            obj.insert(k.clone(), v.clone());
        }
        Value::Object(obj)
    }
}

/// The exit code of a core error kind.
pub fn exit_code(kind: ErrorKind) -> i32 {
    if kind.is_network() {
        EXIT_NETWORK
    } else {
        EXIT_USER
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        let mut out = CliError::user(e.kind(), e.to_string());
        match &e {
            Error::UnknownWord {
                position,
                word,
                language,
                suggestions,
            } => {
                out.details.insert("position".into(), json!(position));
                out.details.insert("word".into(), json!(word));
                out.details
                    .insert("language".into(), json!(language.code()));
                out.details.insert("suggestions".into(), json!(suggestions));
            }
            Error::ForeignWord {
                position,
                word,
                found,
                expected,
            } => {
                out.details.insert("position".into(), json!(position));
                out.details.insert("word".into(), json!(word));
                out.details
                    .insert("word_language".into(), json!(found.code()));
                out.details
                    .insert("language".into(), json!(expected.code()));
            }
            Error::WordCount(n) => {
                out.details.insert("word_count".into(), json!(n));
            }
            Error::Rejected(_) => {
                out.details
                    .insert("reason".into(), json!(e.rejection_reason()));
            }
            Error::MaybeSent { tx, .. } => {
                out.details.insert("maybe_sent".into(), json!(true));
                out.details.insert("tx".into(), json!(tx));
            }
            _ => {}
        }
        out
    }
}
