//! Helpers shared by the end-to-end tests: run the built `wallet`, find the
//! devnet tools installed by `scripts/devnet/install`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What a process did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Parses stdout as one JSON document.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {:?} / stderr {:?}",
                self.stdout, self.stderr
            )
        })
    }

    /// Parses stderr as one JSON document (errors with --json).
    pub fn err_json(&self) -> serde_json::Value {
        serde_json::from_str(self.stderr.trim())
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}): {:?}", self.stderr))
    }

    /// Asserts a clean failure: the exit code, a message, and no panic.
    pub fn assert_fails(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "expected exit {code}: {self:?}");
        assert!(!self.stderr.contains("panicked"), "panic: {self:?}");
        assert!(!self.stderr.trim().is_empty(), "no message: {self:?}");
        self
    }

    /// Asserts success.
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.code, 0, "command failed: {self:?}");
        self
    }
}

/// The `wallet` binary built by cargo for these tests.
pub fn wallet_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wallet"))
}

/// Runs `wallet ARGS` with `stdin` piped in (bytes), in an empty environment
/// apart from PATH/HOME and `env`.
pub fn wallet_with(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(wallet_bin());
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "HOME",
            std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn wallet");
    {
        let mut si = child.stdin.take().expect("stdin");
        // The child may exit before reading (usage errors): ignore EPIPE.
        let _ = si.write_all(stdin);
    }
    let out = child.wait_with_output().expect("wait wallet");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `wallet ARGS` with `stdin`.
pub fn wallet(args: &[&str], stdin: &str) -> Run {
    wallet_with(args, stdin.as_bytes(), &[])
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A devnet tool installed by `scripts/devnet/install`, or `None` (then the
/// caller skips) unless `WALLET_REQUIRE_DEVNET` is set, in which case a
/// missing tool fails the test: CI always sets it.
pub fn devnet_tool(rel: &str) -> Option<PathBuf> {
    let p = root().join(".devnet").join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("WALLET_REQUIRE_DEVNET").is_some() {
        panic!("{} is missing: run scripts/devnet/install", p.display());
    }
    eprintln!(
        "SKIPPED: {} not installed (run scripts/devnet/install)",
        p.display()
    );
    None
}

/// Foundry's cast.
pub fn cast() -> Option<PathBuf> {
    devnet_tool("eth/node_modules/@foundry-rs/cast-linux-amd64/bin/cast")
}

/// Reads a vector file from tests/vectors.
pub fn vector(name: &str) -> serde_json::Value {
    let p = root().join("tests/vectors").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

pub const ANVIL_MNEMONIC: &str = "test test test test test test test test test test test junk";
pub const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
