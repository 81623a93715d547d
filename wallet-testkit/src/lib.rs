//! The test kit shared by every crate's tests (not published): the real
//! nodes (anvil, litecoind, bcoin) started on 127.0.0.1 and stopped on drop,
//! recording proxies, small HTTP clients, the devnet tools installed by
//! `scripts/devnet/install`, the vectors in `testdata/`, and running a
//! built binary (the CLI's tests pass `env!("CARGO_BIN_EXE_wallet")`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod rewrite;
pub use rewrite::{Rewrite, RewritingProxy, Upstream};

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

/// Runs `bin ARGS` with `stdin` piped in (bytes), in an empty environment
/// apart from PATH/HOME and `env`.
pub fn run_with(bin: &Path, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(bin);
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

/// A file of `testdata/`.
pub fn testdata(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

/// Reads a vector file from `testdata/vectors`.
pub fn vector(name: &str) -> serde_json::Value {
    let p = testdata("vectors").join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

pub const ANVIL_MNEMONIC: &str = "test test test test test test test test test test test junk";
pub const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/// A running anvil on 127.0.0.1 (random port), stopped by PID on drop.
pub struct Anvil {
    child: std::process::Child,
    pub port: u16,
    pub url: String,
}

impl Anvil {
    /// Starts anvil with the dev mnemonic and chain id 31337; `None` (skip)
    /// when anvil is not installed and the devnet is not required.
    pub fn start() -> Option<Anvil> {
        Self::start_with(&[])
    }

    /// As [`Anvil::start`], with extra command-line arguments (e.g.
    /// `--block-time 2`).
    pub fn start_with(extra: &[&str]) -> Option<Anvil> {
        let bin = devnet_tool("eth/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")?;
        let mut child = Command::new(bin)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--chain-id",
                "31337",
                "--mnemonic",
                ANVIL_MNEMONIC,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn anvil");
        let stdout = child.stdout.take().expect("anvil stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            let mut sent = false;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if !sent {
                    if let Some(rest) = line.split("Listening on 127.0.0.1:").nth(1) {
                        let _ = tx.send(rest.trim().parse::<u16>().unwrap_or(0));
                        sent = true;
                    }
                }
            }
        });
        let port = match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(p) if p > 0 => p,
            _ => {
                let _ = child.kill();
                panic!("anvil did not start");
            }
        };
        Some(Anvil {
            child,
            port,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// Stops the node now (tests of "node down").
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// One raw JSON-RPC call.
    pub fn rpc(&self, method: &str, params: serde_json::Value) -> serde_json::Value {
        http_post_json(
            self.port,
            &serde_json::json!({"jsonrpc":"2.0","id":1,"method":method,"params":params}),
        )["result"]
            .clone()
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A minimal blocking HTTP POST of a JSON body to 127.0.0.1:port.
pub fn http_post_json(port: u16, body: &serde_json::Value) -> serde_json::Value {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let b = body.to_string();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
        b.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let body = resp.split("\r\n\r\n").nth(1).unwrap_or("");
    // anvil may answer chunked; take the JSON part.
    let start = body.find(['{', '[']).unwrap_or(0);
    let end = body.rfind(['}', ']']).map_or(body.len(), |e| e + 1);
    serde_json::from_str(&body[start..end]).unwrap_or(serde_json::Value::Null)
}

/// An HTTP forwarder on 127.0.0.1 that records every request body it passes
/// on to `upstream` (to count round trips).
pub struct RecordingProxy {
    pub url: String,
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl RecordingProxy {
    pub fn start(upstream: u16) -> RecordingProxy {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let rec = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let rec = rec.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(conn.try_clone().unwrap());
                    let mut conn = conn;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut len = 0usize;
                        loop {
                            let mut h = String::new();
                            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                                return;
                            }
                            if h == "\r\n" {
                                break;
                            }
                            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:")
                            {
                                len = v.trim().parse().unwrap_or(0);
                            }
                        }
                        let mut body = vec![0u8; len];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        let text = String::from_utf8_lossy(&body).into_owned();
                        rec.lock().unwrap().push(text.clone());
                        let answer = http_post_json(
                            upstream,
                            &serde_json::from_str(&text).unwrap_or_default(),
                        )
                        .to_string();
                        let _ = write!(
                            conn,
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
                            answer.len()
                        );
                    }
                });
            }
        });
        RecordingProxy {
            url: format!("http://127.0.0.1:{port}"),
            requests,
        }
    }

    pub fn bodies(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// A minimal blocking HTTP POST with Basic auth; returns the parsed body
/// (JSON-RPC answers come back even with HTTP 500).
pub fn http_post_auth(
    port: u16,
    user: &str,
    pass: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    http_post_auth_to(port, "/", user, pass, body)
}

/// [`http_post_auth`] to `path` (e.g. `/wallet/NAME`).
pub fn http_post_auth_to(
    port: u16,
    path: &str,
    user: &str,
    pass: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let b = body.to_string();
    let token = base64_encode(format!("{user}:{pass}").as_bytes());
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
        b.len()
    )
    .unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let body = resp.split("\r\n\r\n").nth(1).unwrap_or("");
    let start = body.find(['{', '[']).unwrap_or(0);
    let end = body.rfind(['}', ']']).map_or(body.len(), |e| e + 1);
    serde_json::from_str(&body[start..end]).unwrap_or(serde_json::Value::Null)
}

/// A minimal blocking HTTP GET with Basic auth.
pub fn http_get_auth(port: u16, user: &str, pass: &str, path: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let token = base64_encode(format!("{user}:{pass}").as_bytes());
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let body = resp.split("\r\n\r\n").nth(1).unwrap_or("");
    let start = body.find(['{', '[']).unwrap_or(0);
    let end = body.rfind(['}', ']']).map_or(body.len(), |e| e + 1);
    serde_json::from_str(&body[start..end]).unwrap_or(serde_json::Value::Null)
}

fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A Bitcoin Core-style node (litecoind or bcoin) on 127.0.0.1, stopped by PID on drop.
pub struct Node {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    pub port: u16,
    pub url: String,
    pub user: String,
    pub pass: String,
    /// A file holding `pass` (for --rpc-password-file).
    pub pass_file: PathBuf,
}

impl Node {
    /// One JSON-RPC call; panics on a JSON-RPC error.
    pub fn rpc(&self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let v = self.rpc_raw(method, params);
        assert!(v["error"].is_null(), "{method}: {v}");
        v["result"].clone()
    }

    /// One JSON-RPC call to the node's wallet `wallet` (`/wallet/NAME`);
    /// panics on a JSON-RPC error. The node must run with a wallet
    /// (`litecoind_with(&["-disablewallet=0"])`).
    pub fn rpc_wallet(
        &self,
        wallet: &str,
        method: &str,
        params: serde_json::Value,
    ) -> serde_json::Value {
        let v = http_post_auth_to(
            self.port,
            &format!("/wallet/{wallet}"),
            &self.user,
            &self.pass,
            &serde_json::json!({"jsonrpc": "1.0", "id": 1, "method": method, "params": params}),
        );
        assert!(v["error"].is_null(), "{method}: {v}");
        v["result"].clone()
    }

    /// One JSON-RPC call; the whole answer.
    pub fn rpc_raw(&self, method: &str, params: serde_json::Value) -> serde_json::Value {
        http_post_auth(
            self.port,
            &self.user,
            &self.pass,
            &serde_json::json!({"jsonrpc": "1.0", "id": 1, "method": method, "params": params}),
        )
    }

    fn wait_ready(&mut self) {
        for _ in 0..400 {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("node exited early: {status}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                let v = self.rpc_raw("getblockchaininfo", serde_json::json!([]));
                if v["result"].is_object() {
                    return;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("node did not become ready");
    }

    /// litecoind -regtest (Bitcoin Core 0.21 RPC), from the Debian package.
    pub fn litecoind() -> Option<Node> {
        Self::litecoind_with(&[])
    }

    /// litecoind -regtest with extra options (e.g. `-mempoolreplacement=1`:
    /// Litecoin leaves BIP125 replacement off by default).
    pub fn litecoind_with(extra: &[&str]) -> Option<Node> {
        let bin = PathBuf::from("/usr/lib/litecoin/litecoind");
        if !bin.exists() {
            if std::env::var_os("WALLET_REQUIRE_DEVNET").is_some() {
                panic!("litecoind is missing: run scripts/devnet/install ltc");
            }
            eprintln!("SKIPPED: litecoind not installed (run scripts/devnet/install ltc)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let pass = format!("pw{}", std::process::id());
        let child = Command::new(bin)
            .args([
                "-regtest",
                &format!("-datadir={}", dir.path().display()),
                "-server=1",
                "-listen=0",
                "-dnsseed=0",
                "-discover=0",
                "-upnp=0",
                "-rpcbind=127.0.0.1",
                "-rpcallowip=127.0.0.1",
                &format!("-rpcport={port}"),
                "-rpcuser=test",
                &format!("-rpcpassword={pass}"),
                "-txindex=1",
                "-disablewallet=1",
                "-printtoconsole=0",
                "-fallbackfee=0.0001",
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn litecoind");
        let pass_file = dir.path().join("rpcpass");
        std::fs::write(&pass_file, &pass).unwrap();
        let mut n = Node {
            child,
            _dir: dir,
            port,
            url: format!("http://127.0.0.1:{port}"),
            user: "test".into(),
            pass,
            pass_file,
        };
        n.wait_ready();
        Some(n)
    }

    /// bcoin regtest (Bitcoin's own regtest, Core's prefixes after the install patch).
    pub fn bcoin() -> Option<Node> {
        let bin = devnet_tool("btc/node_modules/bcoin/bin/node")?;
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let key = format!("key{}", std::process::id());
        let child = Command::new("node")
            .arg(bin)
            .args([
                "--network=regtest",
                "--memory=true",
                "--workers=false",
                "--no-wallet",
                "--listen=false",
                &format!("--prefix={}", dir.path().display()),
                "--http-host=127.0.0.1",
                &format!("--http-port={port}"),
                &format!("--api-key={key}"),
                "--index-tx=true",
                "--index-address=true",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn bcoin");
        let pass_file = dir.path().join("rpcpass");
        std::fs::write(&pass_file, &key).unwrap();
        let mut n = Node {
            child,
            _dir: dir,
            port,
            url: format!("http://127.0.0.1:{port}"),
            user: "x".into(),
            pass: key,
            pass_file,
        };
        n.wait_ready();
        Some(n)
    }

    /// `--rpc-url URL --rpc-user U --rpc-password-file F`.
    pub fn cli_args(&self) -> Vec<String> {
        vec![
            "--rpc-url".into(),
            self.url.clone(),
            "--rpc-user".into(),
            self.user.clone(),
            "--rpc-password-file".into(),
            self.pass_file.to_str().unwrap().into(),
        ]
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a command did at a (pseudo-)terminal.
#[derive(Debug)]
pub struct TtyRun {
    pub code: i32,
    pub output: String,
    /// The words of a "  N. word" listing the command showed.
    pub words: Vec<String>,
    /// The first step whose prompt never came.
    pub failed_step: Option<u64>,
}

/// Runs `bin ARGS` on a pseudo-terminal (testdata/python/terminal.py),
/// answering prompts as `steps` say (`{"expect": regex, "send": text}` or
/// `{"expect": "Word #(\\d+)", "send_word": true}`), in an environment of
/// PATH and HOME plus `env`.
pub fn tty_run(
    bin: &Path,
    args: &[&str],
    steps: serde_json::Value,
    env: &[(&str, &str)],
) -> TtyRun {
    let mut cmd = Command::new("python3");
    cmd.arg(testdata("python/terminal.py"))
        .arg(steps.to_string())
        .arg(bin)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "HOME",
            std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()),
        )
        .env("TERM", "dumb");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("python3");
    assert!(
        out.status.success(),
        "terminal.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    TtyRun {
        code: v["exit"].as_i64().unwrap() as i32,
        output: v["output"].as_str().unwrap().to_owned(),
        words: v["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_owned())
            .collect(),
        failed_step: v["failed_step"].as_u64(),
    }
}

/// Runs the SLIP-39 reference (PyPI `shamir-mnemonic`, through
/// testdata/python/slip39_oracle.py in the devnet's Python) on `requests`:
/// one answer per request, each a success (a refusal fails the test). `None`
/// (skip) when the Python environment is not installed, outside CI.
pub fn slip39_oracle(requests: &[serde_json::Value]) -> Option<Vec<serde_json::Value>> {
    use std::io::Write;
    let python = devnet_tool("py/bin/python")?;
    let mut child = Command::new(python)
        .arg(testdata("python/slip39_oracle.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::json!({ "requests": requests }).to_string();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the SLIP-39 reference failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), requests.len());
    for r in &results {
        assert!(r.get("error").is_none(), "the reference refused: {r}");
    }
    Some(results)
}
