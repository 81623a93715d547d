//! Errors as the CLI reports them: a stable kind, a message, an exit code.
//! Core errors arrive without CLI vocabulary; this is where the hints that
//! name this command's flags are added.

use serde_json::{json, Map, Value};
use wallet_core::account::SelectionError;
use wallet_core::report::ErrorReport;
use wallet_core::{Error, ErrorKind, HighFeeRemedy};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: an error the user can fix (bad input, wrong password…).
pub const EXIT_USER: i32 = 1;
/// Exit code: the command line itself was wrong.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the network or the node failed.
pub const EXIT_NETWORK: i32 = 3;

/// What went wrong: the command line, or a core error of a stable kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CliKind {
    /// The command line was wrong (exit code 2).
    Usage,
    /// A core error kind.
    Core(ErrorKind),
}

impl CliKind {
    /// The stable name printed in `--json` errors.
    pub fn as_str(self) -> &'static str {
        match self {
            CliKind::Usage => "usage",
            CliKind::Core(k) => k.as_str(),
        }
    }
}

/// An error on its way to the user.
#[derive(Debug)]
pub struct CliError {
    /// Stable machine-readable kind.
    pub kind: CliKind,
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
            kind: CliKind::Usage,
            message: message.into(),
            exit_code: EXIT_USAGE,
            details: Map::new(),
        }
    }

    /// An error of `kind` with the exit code its kind has.
    pub fn user(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind: CliKind::Core(kind),
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

    /// Whether this is a core error of `kind`.
    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == CliKind::Core(kind)
    }

    /// This error with a hint appended to its message.
    pub fn with_hint(mut self, hint: &str) -> Self {
        self.message = format!("{}: {hint}", self.message);
        self
    }

    /// This error with one more structured field.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.details.insert(key.into(), value);
        self
    }

    /// The JSON document printed on stderr with `--json`.
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("error".into(), Value::Bool(true));
        obj.insert("kind".into(), json!(self.kind.as_str()));
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

/// The CLI's wording for errors whose core message names concepts the CLI
/// spells as flags.
fn cli_message(e: &Error) -> Option<(bool, String)> {
    let usage = |m: &str| Some((true, m.to_owned()));
    match e {
        Error::Selection(s) => match s {
            SelectionError::TypeOnEthereum => usage("--type applies to --chain btc and ltc only"),
            SelectionError::NetworkOnEthereum => usage(
                "--network applies to --chain btc and ltc only (Ethereum addresses are the same on every network)",
            ),
            SelectionError::PathWithPosition => {
                usage("--path cannot be combined with --account, --index or --change")
            }
            SelectionError::SingleKeyPosition => usage(
                "this wallet is a single key: --path, --account, --index, --change and --count do not apply",
            ),
            SelectionError::NothingToIncrement => Some((
                false,
                "--count needs a path with at least one level to increment".to_owned(),
            )),
            _ => None,
        },
        Error::WeakKdf(m) => Some((false, format!("{m}; pass --allow-weak-kdf to use them anyway"))),
        Error::HighFee { reason, remedy } => Some((false, high_fee_message(reason, *remedy))),
        Error::WalletNotFound(_) => Some((false, format!("{e} (see `wallet list`)"))),
        Error::AuthFailed(_) => Some((
            false,
            format!("{e} (check --rpc-user/--rpc-password-file or --rpc-cookie)"),
        )),
        Error::UnsupportedFileVersion { .. } => Some((false, format!("{e}; upgrade wallet"))),
        _ => None,
    }
}

/// A fee-cap refusal with the flags that pay the fee anyway.
fn high_fee_message(reason: &str, remedy: HighFeeRemedy) -> String {
    let how = match remedy {
        HighFeeRemedy::GiveFeeRate => "give --fee-rate and pass --allow-high-fee to pay it anyway",
        HighFeeRemedy::GiveFeesPerGas => {
            "give --max-fee and --priority-fee (or --gas-price) and pass --allow-high-fee to pay that much"
        }
        _ => "pass --allow-high-fee to pay it anyway",
    };
    format!("{reason} ({how})")
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        let report = ErrorReport::from(&e);
        let mut out = CliError::user(e.kind(), report.message);
        if let Some((usage, message)) = cli_message(&e) {
            out.message = message;
            if usage {
                out.kind = CliKind::Usage;
                out.exit_code = EXIT_USAGE;
            }
        }
        out.details = report.details;
        out
    }
}

wallet_core::from_leaf_errors!(CliError);

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 21 item 14: every fee-cap refusal names `--allow-high-fee`,
    /// and the fee flags when the node chose the fee; the kind stays
    /// `invalid_input`.
    #[test]
    fn fee_cap_refusals_name_the_flags() {
        let cases = [
            (
                HighFeeRemedy::Allow,
                "(pass --allow-high-fee to pay it anyway)",
            ),
            (
                HighFeeRemedy::GiveFeeRate,
                "(give --fee-rate and pass --allow-high-fee",
            ),
            (
                HighFeeRemedy::GiveFeesPerGas,
                "(give --max-fee and --priority-fee (or --gas-price) and pass --allow-high-fee",
            ),
        ];
        for (remedy, want) in cases {
            let e = CliError::from(Error::HighFee {
                reason: "above the cap; nothing was sent".into(),
                remedy,
            });
            assert!(
                e.message.starts_with("above the cap; nothing was sent ("),
                "{}",
                e.message
            );
            assert!(e.message.contains(want), "{}", e.message);
            assert_eq!(e.kind.as_str(), "invalid_input");
            assert_eq!(e.exit_code, EXIT_USER);
        }
    }
}
