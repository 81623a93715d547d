//! How the CLI reaches a node, on real nodes (anvil, litecoind): bare
//! `HOST:PORT` URLs (21.12), credentials in URLs (22.12), `-v` detail
//! (21.18), URLs and credentials from the environment and the config file
//! (21.22), `eth balance --timeout` and the spinner (21.23), an overall
//! deadline on a scan (22.10), the receipt progress line (21.21).

use crate::common::*;
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

const DEV: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// `wallet` with this keystore, its password file, and `env`.
fn ks_run(ks: &Ks, args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = ks.dir.path().join("ks");
    let pw = ks.dir.path().join("pw");
    let mut full = vec![
        "--allow-weak-kdf",
        "--keystore-dir",
        dir.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
    ];
    full.extend_from_slice(args);
    wallet_with(&full, b"", env)
}

/// A keystore with wallet `w` (the `abandon … about` phrase).
fn abandon_ks() -> Ks {
    let ks = Ks::new();
    let mut a = vec!["import", "w", "--mnemonic"];
    a.extend_from_slice(&FAST);
    ks.run(&a, ABANDON).assert_ok();
    ks
}

/// The first Litecoin-regtest receive address of `w`.
fn first_ltc_address(ks: &Ks) -> String {
    let a = [
        "--json",
        "address",
        "w",
        "--chain",
        "ltc",
        "--network",
        "regtest",
    ];
    let r = ks.run(&a, "");
    r.json()["addresses"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn write_config(dir: &Path, text: &str) {
    std::fs::create_dir_all(dir.join("wallet")).unwrap();
    std::fs::write(dir.join("wallet/config.toml"), text).unwrap();
}

/// A port that accepts connections and never answers.
fn silent_node() -> (TcpListener, String) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", l.local_addr().unwrap().port());
    (l, url)
}

fn ltc_node_args(node: &Node) -> Vec<String> {
    let mut a = node.cli_args();
    a.extend(["--chain", "ltc", "--network", "regtest"].map(String::from));
    a
}

#[test]
fn issue21_12_rpc_url_host_port() {
    let Some(anvil) = Anvil::start() else { return };
    let bare = format!("127.0.0.1:{}", anvil.port);
    let r = wallet(&["--json", "eth", "balance", DEV, "--rpc-url", &bare], "");
    r.assert_ok();
    assert_eq!(r.json()["ether"], "10000");
    for bad in [
        "not a url",
        "ftp://127.0.0.1:1",
        "127.0.0.1:port",
        "http://",
    ] {
        let r = wallet(&["eth", "balance", DEV, "--rpc-url", bad], "");
        r.assert_fails(1);
        assert!(
            r.stderr.contains("expected http://HOST:PORT"),
            "{bad}: {}",
            r.stderr
        );
    }
    let Some(node) = Node::litecoind() else {
        return;
    };
    let ks = abandon_ks();
    let mut a = vec!["--json", "btc", "balance", "w"];
    let args = ltc_node_args(&node);
    a.extend(args.iter().map(String::as_str));
    let port = node.port.to_string();
    let bare = format!("127.0.0.1:{port}");
    let at = a.iter().position(|x| *x == node.url).unwrap();
    a[at] = &bare;
    let r = ks.run(&a, "");
    r.assert_ok();
    assert_eq!(r.json()["confirmed_sat"], 0);
}

#[test]
fn issue22_12_rpc_url_credentials_refused() {
    let Some(anvil) = Anvil::start() else { return };
    let with_pw = format!("http://user:s3cr3t@127.0.0.1:{}", anvil.port);
    let r = wallet(
        &["--json", "eth", "balance", DEV, "--rpc-url", &with_pw],
        "",
    );
    r.assert_fails(2);
    let e = r.err_json();
    assert_eq!(e["kind"], "usage");
    let m = e["message"].as_str().unwrap();
    assert!(
        m.contains("WALLET_ETH_RPC_URL") && !m.contains("s3cr3t"),
        "{m}"
    );
    // In the environment (not in the process list) an Ethereum URL may carry them.
    let r = wallet_with(
        &["eth", "balance", DEV],
        b"",
        &[("WALLET_ETH_RPC_URL", &with_pw)],
    );
    r.assert_ok();
    let Some(node) = Node::litecoind() else {
        return;
    };
    let ks = abandon_ks();
    let url = format!("http://test:{}@127.0.0.1:{}", node.pass, node.port);
    for (args, env) in [
        (vec!["--rpc-url", url.as_str()], vec![]),
        (vec![], vec![("WALLET_BTC_RPC_URL", url.as_str())]),
    ] {
        let mut a = vec![
            "--json",
            "btc",
            "balance",
            "w",
            "--chain",
            "ltc",
            "--network",
            "regtest",
        ];
        a.extend(args);
        let r = ks_run(&ks, &a, &env);
        r.assert_fails(2);
        let m = r.err_json()["message"].as_str().unwrap().to_owned();
        assert!(
            m.contains("--rpc-password-file") && m.contains("--rpc-cookie"),
            "{m}"
        );
        assert!(!m.contains(&node.pass), "{m}");
    }
}

#[test]
fn issue21_18_verbose_levels() {
    let Some(anvil) = Anvil::start() else { return };
    let level = |v: &str| {
        let r = wallet(&[v, "eth", "balance", DEV, "--rpc-url", &anvil.url], "");
        r.assert_ok();
        r.stderr
    };
    let v1 = level("-v");
    assert!(
        v1.contains(&format!("node: {}/ (from --rpc-url)", anvil.url)),
        "{v1}"
    );
    assert!(!v1.contains("rpc: eth_getBalance"), "{v1}");
    let v2 = level("-vv");
    assert!(v2.contains("rpc: eth_getBalance answered in"), "{v2}");
    assert!(!v2.contains("params"), "{v2}");
    let v3 = level("-vvv");
    assert!(
        v3.contains(&format!("eth_getBalance params [\"{DEV}\",\"latest\"]")),
        "{v3}"
    );
    // Nothing on stderr without -v.
    let r = wallet(&["eth", "balance", DEV, "--rpc-url", &anvil.url], "");
    assert_eq!(r.stderr, "");
    // With --json the log lines are JSON objects.
    let r = wallet(
        &[
            "--json",
            "-vv",
            "eth",
            "balance",
            DEV,
            "--rpc-url",
            &anvil.url,
        ],
        "",
    );
    for line in r.stderr.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["log"].is_u64(), "{line}");
    }
    let Some(node) = Node::litecoind() else {
        return;
    };
    let ks = abandon_ks();
    let first = first_ltc_address(&ks);
    let mut a = vec!["-vvv", "btc", "balance", "w", "--gap", "5"];
    let args = ltc_node_args(&node);
    a.extend(args.iter().map(String::as_str));
    let r = ks.run(&a, "");
    r.assert_ok();
    let e = &r.stderr;
    assert!(e.contains("rpc auth: user 'test', password from"), "{e}");
    assert!(e.contains("rpc: scantxoutset answered in"), "{e}");
    // 4 address types × 2 chains × 5.
    assert!(e.contains("scanning 40 addresses:"), "{e}");
    assert!(e.contains(&format!("rpc:     {first}")), "{e}");
    assert!(!e.contains(&node.pass), "the RPC password was shown: {e}");
}

#[test]
fn issue21_22_env_and_config() {
    let Some(anvil) = Anvil::start() else { return };
    let cfg = tempfile::tempdir().unwrap();
    let xdg = cfg.path().to_str().unwrap();
    let eth = |env: &[(&str, &str)], extra: &[&str]| {
        let mut a = vec!["-v", "--json", "eth", "balance", DEV];
        a.extend_from_slice(extra);
        let mut e = vec![("XDG_CONFIG_HOME", xdg)];
        e.extend_from_slice(env);
        wallet_with(&a, b"", &e)
    };
    let source = |r: &Run| -> String {
        r.stderr
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["message"].as_str().map(str::to_owned))
            .find(|m| m.starts_with("node: http"))
            .unwrap_or_default()
    };
    // Nothing anywhere: say every way to give one.
    let r = eth(&[], &[]);
    r.assert_fails(2);
    let m = r.stderr;
    assert!(
        m.contains("--rpc-url") && m.contains("WALLET_ETH_RPC_URL") && m.contains("config.toml"),
        "{m}"
    );
    let r = eth(&[("ETH_RPC_URL", &anvil.url)], &[]);
    r.assert_ok();
    assert!(source(&r).contains("from $ETH_RPC_URL"), "{}", r.stderr);
    // The wallet's own variable wins over cast's; the flag over both.
    let r = eth(
        &[
            ("WALLET_ETH_RPC_URL", &anvil.url),
            ("ETH_RPC_URL", "127.0.0.1:1"),
        ],
        &[],
    );
    r.assert_ok();
    assert!(source(&r).contains("from $WALLET_ETH_RPC_URL"));
    let r = eth(
        &[("WALLET_ETH_RPC_URL", "127.0.0.1:1")],
        &["--rpc-url", &anvil.url],
    );
    r.assert_ok();
    assert!(source(&r).contains("from --rpc-url"));
    write_config(cfg.path(), &format!("[eth]\nrpc_url = \"{}\"\n", anvil.url));
    let r = eth(&[], &[]);
    r.assert_ok();
    assert!(source(&r).contains("from [eth] rpc_url in"), "{}", r.stderr);
    let r = eth(&[("ETH_RPC_URL", "127.0.0.1:1")], &[]);
    assert_eq!(r.code, 3, "the environment wins over the file: {r:?}");
    // Mistakes in the file are named.
    write_config(cfg.path(), "[eth]\nrpc_ur = \"x\"\n");
    let r = eth(&[], &[]);
    r.assert_fails(1);
    assert!(
        r.stderr.contains("config.toml") && r.stderr.contains("rpc_ur"),
        "{}",
        r.stderr
    );
    write_config(cfg.path(), "[ltc.regtest]\nrpc_password = \"x\"\n");
    let r = eth(&[], &[]);
    r.assert_fails(1);
    assert!(r.stderr.contains("rpc_password_file"), "{}", r.stderr);
    env_and_config_on_litecoind(&cfg);
}

fn env_and_config_on_litecoind(cfg: &tempfile::TempDir) {
    let Some(node) = Node::litecoind() else {
        return;
    };
    let ks = abandon_ks();
    let xdg = cfg.path().to_str().unwrap();
    let pass_file = node.pass_file.to_str().unwrap();
    write_config(
        cfg.path(),
        &format!(
            "[ltc]\nnetwork = \"regtest\"\n[ltc.regtest]\nrpc_url = \"127.0.0.1:{}\"\nrpc_user = \"test\"\nrpc_password_file = \"{pass_file}\"\n[ltc.mainnet]\nrpc_url = \"127.0.0.1:1\"\n",
            node.port
        ),
    );
    let bal = |env: &[(&str, &str)], extra: &[&str]| {
        let mut a = vec!["-v", "btc", "balance", "w", "--chain", "ltc"];
        a.extend_from_slice(extra);
        let mut e = vec![("XDG_CONFIG_HOME", xdg)];
        e.extend_from_slice(env);
        ks_run(&ks, &a, &e)
    };
    let r = bal(&[], &[]);
    r.assert_ok();
    let e = &r.stderr;
    assert!(
        e.contains("network: Litecoin regtest (from [ltc] network in"),
        "{e}"
    );
    assert!(e.contains("(from [ltc.regtest] rpc_url in"), "{e}");
    assert!(
        e.contains("(from [ltc.regtest] rpc_user/rpc_password_file in"),
        "{e}"
    );
    assert_eq!(r.stdout.trim(), "0 LTC");
    // --network picks the file's section of that network.
    let r = bal(&[], &["--network", "mainnet"]);
    assert_eq!(r.code, 3, "{r:?}");
    // The environment's URL wins over the file's, the flag over both.
    let r = bal(&[("WALLET_BTC_RPC_URL", "127.0.0.1:1")], &[]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("from $WALLET_BTC_RPC_URL"),
        "{}",
        r.stderr
    );
    let good = format!("127.0.0.1:{}", node.port);
    bal(
        &[("WALLET_BTC_RPC_URL", "127.0.0.1:1")],
        &["--rpc-url", &good],
    )
    .assert_ok();
    // Credentials from the environment: a cookie file.
    let cookie = ks.dir.path().join("cookie");
    std::fs::write(&cookie, format!("test:{}", node.pass)).unwrap();
    let r = bal(&[("WALLET_BTC_RPC_COOKIE", cookie.to_str().unwrap())], &[]);
    r.assert_ok();
    assert!(
        r.stderr.contains("rpc auth: cookie") && r.stderr.contains("from $WALLET_BTC_RPC_COOKIE"),
        "{}",
        r.stderr
    );
    // A wrong cookie in the environment beats the file's right password.
    std::fs::write(&cookie, "test:wrong").unwrap();
    let r = bal(&[("WALLET_BTC_RPC_COOKIE", cookie.to_str().unwrap())], &[]);
    r.assert_fails(1);
    assert!(r.stderr.contains("refused the credentials"), "{}", r.stderr);
}

#[test]
fn issue21_23_eth_balance_timeout_and_spinner() {
    let (_l, url) = silent_node();
    let r = wallet(
        &[
            "--json",
            "eth",
            "balance",
            DEV,
            "--rpc-url",
            &url,
            "--timeout",
            "2",
        ],
        "",
    );
    r.assert_fails(3);
    assert_eq!(r.err_json()["kind"], "timeout");
    // Not a terminal: no spinner, no carriage return.
    let r = wallet(
        &["eth", "balance", DEV, "--rpc-url", &url, "--timeout", "2"],
        "",
    );
    assert!(
        !r.stderr.contains("waiting") && !r.stderr.contains('\r'),
        "{:?}",
        r.stderr
    );
    let t = wallet_tty(
        &["eth", "balance", DEV, "--rpc-url", &url, "--timeout", "3"],
        json!([]),
        &[],
    );
    assert_eq!(t.code, 3, "{t:?}");
    assert!(
        t.output.contains("waiting for the node at"),
        "{:?}",
        t.output
    );
    // The spinner is wiped before the error, which starts its own line.
    let at = t.output.find("error:").unwrap();
    assert!(t.output[..at].ends_with("\r\x1b[K"), "{:?}", t.output);
    // --json at a terminal: no spinner.
    let t = wallet_tty(
        &[
            "--json",
            "eth",
            "balance",
            DEV,
            "--rpc-url",
            &url,
            "--timeout",
            "2",
        ],
        json!([]),
        &[],
    );
    assert!(!t.output.contains("waiting"), "{:?}", t.output);
}

/// Relays HTTP exchanges to `upstream`, holding each answer `delay` first.
fn delaying_proxy(upstream: u16, delay: Duration) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", l.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for conn in l.incoming().flatten() {
            std::thread::spawn(move || relay(conn, upstream, delay));
        }
    });
    url
}

/// One request per connection: read it, forward it, wait, answer, close.
fn relay(mut client: TcpStream, upstream: u16, delay: Duration) {
    let mut req = Vec::new();
    let mut buf = [0u8; 65536];
    let body_len = |req: &[u8]| -> Option<usize> {
        let end = req.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
        let len = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        Some(end + len)
    };
    while body_len(&req).is_none_or(|n| req.len() < n) {
        match client.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    let text =
        String::from_utf8_lossy(&req).replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1);
    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let _ = up.write_all(text.as_bytes());
    let mut answer = Vec::new();
    let _ = up.read_to_end(&mut answer);
    std::thread::sleep(delay);
    let _ = client.write_all(&answer);
}

#[test]
fn issue22_10_timeout_bounds_whole_scan() {
    let Some(node) = Node::litecoind() else {
        return;
    };
    let ks = abandon_ks();
    let slow = delaying_proxy(node.port, Duration::from_millis(1000));
    let args = |timeout: &'static str| {
        let mut a: Vec<String> = ["--json", "btc", "balance", "w", "--gap", "5"]
            .map(String::from)
            .to_vec();
        a.extend(ltc_node_args(&node));
        let at = a.iter().position(|x| *x == node.url).unwrap();
        a[at] = slow.clone();
        a.extend(["--timeout".into(), timeout.into()]);
        a
    };
    // Each request answers within 2 s, but the scan takes several.
    let a = args("2");
    let r = ks.run(&a.iter().map(String::as_str).collect::<Vec<_>>(), "");
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "timeout", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(
        m.contains("within 2 s") && m.contains("by then the node had answered"),
        "{m}"
    );
    assert!(e["requests_answered"].as_u64().unwrap() < 3, "{e}");
    // Given the time, the same scan through the same slow node succeeds.
    let a = args("30");
    ks.run(&a.iter().map(String::as_str).collect::<Vec<_>>(), "")
        .assert_ok();
}

/// A signed transfer of 1 wei from anvil's first account, nonce 0.
fn signed_transfer(ks: &Ks) -> String {
    let mut a = vec!["import", "dev", "--mnemonic"];
    a.extend_from_slice(&FAST);
    ks.run(&a, ANVIL_MNEMONIC).assert_ok();
    let r = ks.run(
        &[
            "--json",
            "eth",
            "sign-tx",
            "dev",
            "--to",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "--value",
            "1wei",
            "--nonce",
            "0",
            "--gas",
            "21000",
            "--chain-id",
            "31337",
            "--max-fee",
            "100gwei",
            "--priority-fee",
            "1gwei",
        ],
        "",
    );
    r.assert_ok();
    r.json()["raw"].as_str().unwrap().to_owned()
}

#[test]
fn issue21_21_progress_line_only_on_a_terminal() {
    let Some(anvil) = Anvil::start_with(&["--block-time", "60"]) else {
        return;
    };
    let ks = Ks::new();
    let raw = signed_transfer(&ks);
    // Piped: no progress line at all, and the error on its own line.
    let r = wallet(
        &[
            "eth",
            "broadcast",
            "--rpc-url",
            &anvil.url,
            "--wait",
            "--timeout",
            "3",
            &raw,
        ],
        "",
    );
    r.assert_fails(3);
    assert!(
        !r.stderr.contains('\r') && !r.stderr.contains("waiting"),
        "{:?}",
        r.stderr
    );
    assert!(r.stderr.starts_with("error:"), "{:?}", r.stderr);
    // At a terminal: redrawn, then ended with a newline before the error.
    let t = wallet_tty(
        &[
            "eth",
            "broadcast",
            "--rpc-url",
            &anvil.url,
            "--wait",
            "--timeout",
            "3",
            &raw,
        ],
        json!([]),
        &[],
    );
    assert_eq!(t.code, 3, "{t:?}");
    assert!(
        t.output.contains("\rwaiting for the receipt of 0x"),
        "{:?}",
        t.output
    );
    let at = t.output.find("error:").unwrap();
    assert!(t.output[..at].ends_with('\n'), "{:?}", t.output);
}

#[test]
fn issue21_28_balance_unit() {
    let Some(anvil) = Anvil::start() else { return };
    let eth = |unit: &str| {
        let r = wallet(
            &[
                "eth",
                "balance",
                DEV,
                "--rpc-url",
                &anvil.url,
                "--unit",
                unit,
            ],
            "",
        );
        r.assert_ok();
        r.stdout.trim().to_owned()
    };
    assert_eq!(eth("eth"), "10000 ETH");
    assert_eq!(eth("gwei"), "10000000000000 gwei");
    assert_eq!(eth("wei"), "10000000000000000000000 wei");
    let r = wallet(
        &[
            "--json",
            "eth",
            "balance",
            DEV,
            "--rpc-url",
            &anvil.url,
            "--unit",
            "gwei",
        ],
        "",
    );
    assert_eq!(r.json()["amount"], "10000000000000 gwei");
    assert_eq!(r.json()["wei"], "10000000000000000000000");
    let Some(node) = Node::litecoind() else {
        return;
    };
    let ks = abandon_ks();
    let first = first_ltc_address(&ks);
    node.rpc("generatetoaddress", json!([100, first]));
    let bal = |unit: &str| {
        let mut a = vec!["btc", "balance", "w", "--gap", "5", "--unit", unit];
        let args = ltc_node_args(&node);
        a.extend(args.iter().map(String::as_str));
        ks.run(&a, "")
    };
    let r = bal("litoshi");
    r.assert_ok();
    // One mature coinbase of 50 LTC; 99 immature ones.
    assert_eq!(r.stdout.lines().next().unwrap(), "5000000000 litoshi");
    assert!(r.stdout.contains("litoshi in immature"), "{}", r.stdout);
    assert_eq!(bal("ltc").stdout.lines().next().unwrap(), "50 LTC");
    assert_eq!(bal("sat").stdout.lines().next().unwrap(), "5000000000 sat");
    let r = bal("btc");
    r.assert_fails(2);
    assert!(r.stderr.contains("not a Litecoin unit"), "{}", r.stderr);
}

/// A watch-only wallet uses its own network: the config file's default
/// `network` (meant for key wallets) does not turn a mainnet watch-only
/// wallet into a wrong-network error; a `--network` flag that differs does.
#[test]
fn watch_only_wallet_ignores_the_config_default_network() {
    let ks = abandon_ks();
    let d = ks.run(
        &[
            "export",
            "w",
            "--descriptor",
            "--type",
            "p2wpkh",
            "--multipath",
        ],
        "",
    );
    d.assert_ok();
    let r = ks.run(&["import", "wo", "--descriptor"], &d.stdout);
    r.assert_ok();
    let cfg = tempfile::tempdir().unwrap();
    write_config(cfg.path(), "[btc]\nnetwork = \"regtest\"\n");
    let xdg = cfg.path().to_str().unwrap();
    let balance = |extra: &[&str]| {
        let mut a = vec![
            "--json",
            "btc",
            "balance",
            "wo",
            "--rpc-url",
            "http://127.0.0.1:1",
        ];
        a.extend_from_slice(extra);
        ks_run(&ks, &a, &[("XDG_CONFIG_HOME", xdg)])
    };
    // No flag: the wallet's own network, so the (closed) node is asked.
    let e = balance(&[]).err_json();
    assert_eq!(e["kind"], "node_unreachable", "{e}");
    let e = balance(&["--network", "mainnet", "--chain", "btc"]).err_json();
    assert_eq!(e["kind"], "node_unreachable", "{e}");
    // A flag naming another network or chain is refused before any node is asked.
    for other in [&["--network", "regtest"][..], &["--chain", "ltc"][..]] {
        let e = balance(other).err_json();
        assert_eq!(e["kind"], "wrong_network", "{other:?}: {e}");
    }
}

/// A port that records the head (request line and headers) of every
/// request it gets, and closes each connection unanswered.
fn head_recorder() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", l.local_addr().unwrap().port());
    let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let rec = heads.clone();
    std::thread::spawn(move || {
        for mut conn in l.incoming().flatten() {
            let mut buf = Vec::new();
            let mut byte = [0u8; 1];
            while !buf.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                buf.push(byte[0]);
            }
            rec.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf).into_owned());
        }
    });
    (url, heads)
}

/// Review fix: the credentials of the config file (or the environment) go
/// only to the node that level names. A `--rpc-url` to another host or port
/// gets no Authorization header (and `-v` says why); the same node by
/// another spelling still gets them.
#[test]
fn config_credentials_are_not_sent_to_another_node() {
    let Some(node) = Node::litecoind() else {
        return;
    };
    let cfg = tempfile::tempdir().unwrap();
    let xdg = cfg.path().to_str().unwrap();
    let ks = abandon_ks();
    let pass_file = node.pass_file.to_str().unwrap();
    write_config(
        cfg.path(),
        &format!(
            "[ltc.regtest]\nrpc_url = \"127.0.0.1:{}\"\nrpc_user = \"test\"\nrpc_password_file = \"{pass_file}\"\n",
            node.port
        ),
    );
    let bal = |env: &[(&str, &str)], url: &str| {
        let a = [
            "-v",
            "btc",
            "balance",
            "w",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--rpc-url",
            url,
            "--timeout",
            "2",
        ];
        let mut e = vec![("XDG_CONFIG_HOME", xdg)];
        e.extend_from_slice(env);
        ks_run(&ks, &a, &e)
    };
    let (other, heads) = head_recorder();
    let r = bal(&[], &other);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("rpc_user/rpc_password_file in")
            && r.stderr
                .contains("are for another node than this one: not sent"),
        "{}",
        r.stderr
    );
    let seen = heads.lock().unwrap().clone();
    assert!(!seen.is_empty(), "no request reached the other node");
    for h in &seen {
        assert!(
            !h.to_ascii_lowercase().contains("authorization:"),
            "credentials sent to another node: {h}"
        );
    }
    // The environment's cookie, meant for the node its URL names, is not
    // sent to a --rpc-url elsewhere either.
    let cookie = ks.dir.path().join("cookie");
    std::fs::write(&cookie, format!("test:{}", node.pass)).unwrap();
    let own = format!("127.0.0.1:{}", node.port);
    let env = [
        ("WALLET_BTC_RPC_URL", own.as_str()),
        ("WALLET_BTC_RPC_COOKIE", cookie.to_str().unwrap()),
    ];
    heads.lock().unwrap().clear();
    let r = bal(&env, &other);
    assert_ne!(r.code, 0, "{r:?}");
    let seen = heads.lock().unwrap().clone();
    assert!(!seen.is_empty());
    assert!(seen
        .iter()
        .all(|h| !h.to_ascii_lowercase().contains("authorization:")));
    // The same node, spelled as a full URL: the file's credentials are used.
    let r = bal(&[], &format!("http://127.0.0.1:{}/", node.port));
    r.assert_ok();
    assert_eq!(r.stdout.trim(), "0 LTC");
}

/// Review fix: a config file with credentials inside an `rpc_url` is
/// refused while other users can read it, and read once it is private.
#[test]
fn config_with_url_credentials_must_be_private() {
    use std::os::unix::fs::PermissionsExt;
    let cfg = tempfile::tempdir().unwrap();
    let xdg = cfg.path().to_str().unwrap();
    let (_silent, url) = silent_node();
    let with_creds = url.replace("http://", "http://user:secret@");
    write_config(cfg.path(), &format!("[eth]\nrpc_url = \"{with_creds}\"\n"));
    let file = cfg.path().join("wallet/config.toml");
    let eth = || {
        wallet_with(
            &["--json", "eth", "balance", DEV, "--timeout", "1"],
            b"",
            &[("XDG_CONFIG_HOME", xdg)],
        )
    };
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = eth();
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("mode 644") && m.contains("chmod 600"), "{m}");
    assert!(!m.contains("secret"), "{m}");
    // Private: read, and the (silent) node is asked.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = eth();
    assert_eq!(r.code, 3, "{r:?}");
    // Without credentials in the URL the mode does not matter.
    write_config(cfg.path(), &format!("[eth]\nrpc_url = \"{url}\"\n"));
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(eth().code, 3);
}
