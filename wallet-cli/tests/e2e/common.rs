//! What the CLI's tests share: the test kit, the built `wallet`, and a
//! throwaway keystore with a password file and fast KDF parameters.

pub use wallet_testkit::*;

use std::path::PathBuf;

/// The `wallet` binary cargo built for these tests.
pub fn wallet_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wallet"))
}

/// Runs `wallet ARGS` with `stdin` piped in (bytes), in an empty environment
/// apart from PATH/HOME and `env`.
pub fn wallet_with(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    run_with(&wallet_bin(), args, stdin, env)
}

/// Runs `wallet ARGS` with `stdin`.
pub fn wallet(args: &[&str], stdin: &str) -> Run {
    wallet_with(args, stdin.as_bytes(), &[])
}

/// Runs `wallet ARGS` on a pseudo-terminal (see [`tty_run`]).
pub fn wallet_tty(args: &[&str], steps: serde_json::Value, env: &[(&str, &str)]) -> TtyRun {
    tty_run(&wallet_bin(), args, steps, env)
}

/// Fast argon2id for tests (the default parameters are tested separately).
pub const FAST: [&str; 7] = [
    "--allow-weak-kdf",
    "--kdf-memory",
    "256",
    "--kdf-iterations",
    "1",
    "--kdf-parallelism",
    "1",
];

/// A throwaway keystore directory with the password file `pw` ("pw").
pub struct Ks {
    pub dir: tempfile::TempDir,
}

impl Ks {
    /// A fresh keystore.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "pw\n").unwrap();
        Ks { dir }
    }

    /// Runs `wallet` with this keystore and password file (weak KDF allowed).
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        let ks = self.dir.path().join("ks");
        let pw = self.dir.path().join("pw");
        let mut full = vec![
            "--allow-weak-kdf",
            "--keystore-dir",
            ks.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ];
        full.extend_from_slice(args);
        wallet_with(&full, stdin.as_bytes(), &[])
    }
}
