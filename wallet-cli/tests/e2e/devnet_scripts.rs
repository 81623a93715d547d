//! The devnet scripts people use by hand (`scripts/devnet/{anvil,litecoind,bcoin}
//! start|stop`): each starts its node on 127.0.0.1, prints a URL the wallet
//! can talk to, and stops it by PID.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use std::process::Command;

fn script(name: &str, action: &str) -> (bool, String, String) {
    let out = Command::new(root().join("scripts/devnet").join(name))
        .arg(action)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn state(file: &str) -> std::path::PathBuf {
    root().join(".devnet").join(file)
}

/// Whether a node started by hand is already running (then leave it alone).
fn already_running(pid_file: &str) -> bool {
    std::fs::read_to_string(state(pid_file))
        .ok()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

fn wait_closed(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("port {port} still open after stop");
}

#[test]
fn anvil_litecoind_and_bcoin_scripts_start_serve_and_stop() {
    // anvil: the dev account's balance through the wallet.
    if devnet_tool("eth/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil").is_some()
        && !already_running("anvil.pid")
    {
        let (ok, url, err) = script("anvil", "start");
        assert!(ok && url.starts_with("http://127.0.0.1:"), "{url} {err}");
        let r = wallet(
            &[
                "--json",
                "eth",
                "balance",
                "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                "--rpc-url",
                &url,
            ],
            "",
        );
        r.assert_ok();
        assert_eq!(r.json()["ether"], "10000");
        assert!(script("anvil", "stop").0);
        wait_closed(port_of(&url));
        assert!(!state("anvil.pid").exists());
    }
    // litecoind: credentials in .devnet/litecoind.auth; the chain is regtest.
    if std::path::Path::new("/usr/lib/litecoin/litecoind").exists()
        && !already_running("litecoind.pid")
    {
        let (ok, url, err) = script("litecoind", "start");
        assert!(ok && url.starts_with("http://127.0.0.1:"), "{url} {err}");
        let auth = std::fs::read_to_string(state("litecoind.auth")).unwrap();
        let (user, pass) = auth.trim().split_once(':').unwrap();
        let v = http_post_auth(
            port_of(&url),
            user,
            pass,
            &serde_json::json!({"jsonrpc": "1.0", "id": 1, "method": "getblockchaininfo", "params": []}),
        );
        assert_eq!(v["result"]["chain"], "regtest", "{v}");
        assert!(script("litecoind", "stop").0);
        wait_closed(port_of(&url));
    }
    // bcoin: any user, the key from .devnet/bcoin.key.
    if devnet_tool("btc/node_modules/bcoin/bin/node").is_some() && !already_running("bcoin.pid") {
        let (ok, url, err) = script("bcoin", "start");
        assert!(ok && url.starts_with("http://127.0.0.1:"), "{url} {err}");
        let key = std::fs::read_to_string(state("bcoin.key")).unwrap();
        let v = http_post_auth(
            port_of(&url),
            "x",
            key.trim(),
            &serde_json::json!({"jsonrpc": "1.0", "id": 1, "method": "getblockchaininfo", "params": []}),
        );
        assert_eq!(v["result"]["chain"], "regtest", "{v}");
        assert!(script("bcoin", "stop").0);
        wait_closed(port_of(&url));
    }
}
