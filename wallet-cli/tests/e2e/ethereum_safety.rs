//! Regression tests of the Ethereum findings of issues 21 and 22 through
//! the `wallet` binary, each named after its finding: recipients, fee
//! caps, lost and pending hashes, rebroadcasts, hints, progress output, and
//! a node that lies about its chain id or its fees.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::ethereum::{fake_http, nonce, DEV_ADDR, DEV_KEY};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TO: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

fn dev() -> Ks {
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    ks
}

fn sign_tx(ks: &Ks, extra: &[&str]) -> Run {
    let mut a = vec![
        "--json",
        "eth",
        "sign-tx",
        "dev",
        "--nonce",
        "0",
        "--gas",
        "21000",
        "--chain-id",
        "1",
    ];
    a.extend_from_slice(extra);
    ks.run(&a, "")
}

/// Issue 21 item 1: a send or a signature without `--to` needs an explicit
/// `--create` with init code; a forgotten recipient is refused (before the
/// password), not turned into an empty contract holding the value.
#[test]
fn eth_send_without_to_needs_create() {
    let Some(anvil) = Anvil::start() else { return };
    let ks = dev();
    for cmd in [
        vec![
            "eth",
            "send",
            "dev",
            "--rpc-url",
            &anvil.url,
            "--yes",
            "--value",
            "0.5",
        ],
        vec![
            "eth",
            "sign-tx",
            "dev",
            "--nonce",
            "0",
            "--gas",
            "21000",
            "--chain-id",
            "1",
            "--gas-price",
            "1gwei",
            "--value",
            "0.5",
        ],
    ] {
        let mut a = vec!["--json"];
        a.extend(cmd.iter().copied());
        let r = ks.run(&a, "");
        r.assert_fails(2);
        assert_eq!(r.err_json()["kind"], "usage", "{r:?}");
        // --create needs --data, and code in it.
        let mut c = a.clone();
        c.push("--create");
        ks.run(&c, "").assert_fails(2);
        c.extend(["--data", "0x"]);
        let r = ks.run(&c, "");
        r.assert_fails(1);
        assert!(
            r.err_json()["message"]
                .as_str()
                .unwrap()
                .contains("init code"),
            "{r:?}"
        );
        // --create and --to together.
        let mut both = a.clone();
        both.extend(["--create", "--data", "0x00", "--to", TO]);
        ks.run(&both, "").assert_fails(2);
    }
    assert_eq!(nonce(&anvil, DEV_ADDR), 0);
    // The same rule for SDK and C ABI requests.
    let r: wallet_core::request::EthTxRequest =
        wallet_core::request::parse(Some(r#"{"value":"0.5"}"#), "request").unwrap();
    let e = r.send_request().unwrap_err();
    assert_eq!(e.kind(), wallet_core::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("no recipient"), "{e}");
    let r: wallet_core::request::EthTxRequest =
        wallet_core::request::parse(Some(r#"{"create":true,"data":"0x6000"}"#), "request").unwrap();
    assert!(r.send_request().is_ok());
}

/// Issue 21 item 4: fees per gas above the cap need `--allow-high-fee`
/// (offline 1000 gwei; on a node 10× its recent fees, at least 100 gwei);
/// absurdly low fees and the zero address draw warnings; `--value 0x10`
/// is 16 wei.
#[test]
fn eth_fee_above_the_cap_needs_allow_high_fee() {
    let ks = dev();
    let r = sign_tx(&ks, &["--to", TO, "--gas-price", "3000000gwei"]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(e["message"].as_str().unwrap().contains("safety cap"), "{e}");
    // Issue 21 item 14: the refusal names the flag that pays it anyway.
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("(pass --allow-high-fee to pay it anyway)"),
        "{e}"
    );
    sign_tx(
        &ks,
        &["--to", TO, "--gas-price", "3000000gwei", "--allow-high-fee"],
    )
    .assert_ok();
    sign_tx(&ks, &["--to", TO, "--gas-price", "1000gwei"]).assert_ok();
    // Low fees and the zero address: signed, with warnings (people only).
    let zero = format!("0x{}", "0".repeat(40));
    let mut a = vec![
        "eth",
        "sign-tx",
        "dev",
        "--nonce",
        "0",
        "--gas",
        "21000",
        "--chain-id",
        "1",
    ];
    a.extend([
        "--to",
        zero.as_str(),
        "--max-fee",
        "30",
        "--priority-fee",
        "1",
    ]);
    let r = ks.run(&a, "");
    r.assert_ok();
    assert!(
        r.stderr
            .contains("warning: the recipient is the zero address"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("warning: the fee per gas is only 30 wei"),
        "{r:?}"
    );
    // Hex values are wei.
    let v = sign_tx(
        &ks,
        &["--to", TO, "--gas-price", "1gwei", "--value", "0x10"],
    )
    .json();
    assert_eq!(v["value"], "16");
}

/// Issue 21 item 4, through a node: the cap follows the node's fee
/// history; above it a fee needs `--allow-high-fee`; the zero address is
/// a warning in the JSON result.
#[test]
fn eth_send_fee_above_the_node_cap_needs_allow_high_fee() {
    let Some(anvil) = Anvil::start() else { return };
    let ks = dev();
    let zero = format!("0x{}", "0".repeat(40));
    let send = |extra: &[&str]| {
        let mut a = vec!["--value", "1wei"];
        if !extra.contains(&"--to") {
            a.extend(["--to", TO]);
        }
        a.extend_from_slice(extra);
        ks.send_wait("dev", &anvil.url, &a)
    };
    let r = send(&["--max-fee", "3000000gwei", "--priority-fee", "1gwei"]);
    r.assert_fails(1);
    assert!(
        r.err_json()["message"]
            .as_str()
            .unwrap()
            .contains("safety cap"),
        "{r:?}"
    );
    assert_eq!(nonce(&anvil, DEV_ADDR), 0);
    let r = send(&[
        "--max-fee",
        "3000000gwei",
        "--priority-fee",
        "1gwei",
        "--allow-high-fee",
    ]);
    r.assert_ok();
    let r = send(&["--to", &zero]);
    r.assert_ok();
    assert_eq!(
        r.json()["warnings"][0],
        "the recipient is the zero address: whatever is sent there is lost"
    );
}

/// A node that never mines (anvil --no-mining).
fn idle_anvil() -> Option<Anvil> {
    Anvil::start_with(&["--no-mining"])
}

/// Issue 21 item 5: the full hash is printed as soon as the transaction is
/// sent; a receipt that does not come is a `timeout` whose message says the
/// transaction is pending, with `tx`, `maybe_sent` and `pending`.
#[test]
fn eth_send_prints_the_full_hash_and_a_timeout_says_pending() {
    let Some(anvil) = idle_anvil() else { return };
    let ks = dev();
    let args = [
        "eth",
        "send",
        "dev",
        "--rpc-url",
        &anvil.url,
        "--to",
        TO,
        "--value",
        "1wei",
        "--yes",
        "--wait",
        "--timeout",
        "2",
    ];
    let r = ks.run(&args, "");
    r.assert_fails(3);
    let hash = r.stdout.trim();
    assert!(hash.len() == 66 && hash.starts_with("0x"), "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("transaction {hash} was sent and is still pending")),
        "{r:?}"
    );
    assert!(!r.stderr.contains("did not answer"), "{r:?}");
    let mut j = vec!["--json"];
    j.extend(args.iter().copied());
    let r = ks.run(&j, "");
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "timeout", "{e}");
    assert_eq!(e["maybe_sent"], true, "{e}");
    assert_eq!(e["pending"], true, "{e}");
    let tx = e["tx"].as_str().unwrap();
    assert_eq!(tx.len(), 66, "{e}");
    let known = anvil.rpc("eth_getTransactionByHash", json!([tx]));
    assert_eq!(known["hash"], tx, "the node has it");
}

/// Issue 21 item 6: broadcasting a transaction that is already mined is a
/// success with a note (the node's "nonce too low" is checked by hash).
#[test]
fn eth_broadcast_of_a_mined_transaction_is_a_success() {
    let Some(anvil) = Anvil::start() else { return };
    let ks = dev();
    let raw = ks
        .run(
            &[
                "--json",
                "eth",
                "sign-tx",
                "dev",
                "--to",
                TO,
                "--nonce",
                "0",
                "--gas",
                "21000",
                "--chain-id",
                "31337",
                "--max-fee",
                "10gwei",
                "--priority-fee",
                "1gwei",
            ],
            "",
        )
        .json()["raw"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = |json: bool| {
        let mut a = vec!["eth", "broadcast", "--rpc-url", &anvil.url, &raw];
        if json {
            a.insert(0, "--json");
        }
        ks.run(&a, "")
    };
    let first = b(true);
    first.assert_ok();
    assert!(first.json().get("already_known").is_none());
    let again = b(true);
    again.assert_ok();
    assert_eq!(again.json()["already_known"], true);
    assert_eq!(again.json()["hash"], first.json()["hash"]);
    let human = b(false);
    human.assert_ok();
    assert!(
        human.stderr.contains("already had this transaction"),
        "{human:?}"
    );
    assert_eq!(nonce(&anvil, DEV_ADDR), 1);
}

/// Issue 21 item 9: a node that wants credentials (a Bitcoin-style node
/// answers 401) is not answered with advice about flags eth lacks.
#[test]
fn eth_balance_against_a_bitcoin_node_does_not_advise_rpc_user() {
    let (url, _h) = fake_http("401 Unauthorized", "text/html", "");
    let r = wallet(
        &["--json", "eth", "balance", DEV_ADDR, "--rpc-url", &url],
        "",
    );
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "auth_failed", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(
        !m.contains("--rpc-user") && !m.contains("--rpc-cookie"),
        "{m}"
    );
    assert!(m.contains("Bitcoin-style node"), "{m}");
}

/// Issue 21 item 20: with `--json`, a reverted transaction says so in the
/// result (`"reverted": true`) and prints nothing on stderr; people get a
/// warning.
#[test]
fn eth_send_reverted_in_json_prints_nothing_on_stderr() {
    let Some(anvil) = Anvil::start() else { return };
    let ks = dev();
    // Code that always reverts.
    let r = ks.send_wait(
        "dev",
        &anvil.url,
        &["--create", "--data", "0x6005600c60003960056000f360006000fd"],
    );
    r.assert_ok();
    let reverter = r.json()["contract_address"].as_str().unwrap().to_owned();
    let r = ks.send_wait("dev", &anvil.url, &["--to", &reverter, "--gas", "50000"]);
    r.assert_ok();
    assert_eq!(r.json()["reverted"], true, "{r:?}");
    assert_eq!(r.json()["status"], 0, "{r:?}");
    assert_eq!(r.stderr, "", "{r:?}");
    let r = ks.run(
        &[
            "eth",
            "send",
            "dev",
            "--rpc-url",
            &anvil.url,
            "--to",
            &reverter,
            "--gas",
            "50000",
            "--yes",
            "--wait",
        ],
        "",
    );
    r.assert_ok();
    assert!(
        r.stderr
            .contains("warning: the transaction was mined but reverted"),
        "{r:?}"
    );
}

/// Issue 21 item 21: on a terminal the waiting line is rewritten with `\r`
/// and ended before the error that follows it (off a terminal it is one
/// plain line: see `send_wait_shows_progress_then_the_receipt`).
#[test]
fn eth_send_progress_uses_cr_only_on_a_terminal() {
    let Some(anvil) = idle_anvil() else { return };
    let ks = dev();
    let keys = ks.dir.path().join("ks");
    let pw = ks.path("pw");
    let args = [
        "--allow-weak-kdf",
        "--keystore-dir",
        keys.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "eth",
        "send",
        "dev",
        "--rpc-url",
        &anvil.url,
        "--to",
        TO,
        "--value",
        "1wei",
        "--yes",
        "--wait",
        "--timeout",
        "3",
    ];
    let t = wallet_tty(&args, json!([]), &[]);
    assert_eq!(t.code, 3, "{t:?}");
    assert!(
        t.output.contains("\rwaiting for the receipt of 0x"),
        "{t:?}"
    );
    let error_line = t
        .output
        .split('\n')
        .find(|l| l.contains("error:"))
        .unwrap_or_else(|| panic!("no error: {t:?}"));
    assert!(
        error_line.trim_start_matches('\r').starts_with("error:"),
        "{t:?}"
    );
    // Off a terminal: no "\r" at all.
    let r = ks.run(&args[5..], "");
    r.assert_fails(3);
    assert!(!r.stderr.contains('\r'), "{r:?}");
}

/// A node that accepts connections and never answers.
fn silent_node() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in l.incoming().flatten() {
            held.push(c);
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// Issue 21 item 23: `eth balance --timeout` bounds the wait; on a
/// terminal a spinner shows after about a second (and nowhere else).
#[test]
fn eth_balance_timeout_and_spinner_on_a_terminal() {
    let url = silent_node();
    let start = Instant::now();
    let r = wallet(
        &[
            "--json",
            "eth",
            "balance",
            DEV_ADDR,
            "--rpc-url",
            &url,
            "--timeout",
            "2",
        ],
        "",
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    r.assert_fails(3);
    assert_eq!(r.err_json()["kind"], "timeout");
    let r = wallet(
        &[
            "eth",
            "balance",
            DEV_ADDR,
            "--rpc-url",
            &url,
            "--timeout",
            "2",
        ],
        "",
    );
    r.assert_fails(3);
    assert!(!r.stderr.contains("asking the node"), "{r:?}");
    let t = wallet_tty(
        &[
            "eth",
            "balance",
            DEV_ADDR,
            "--rpc-url",
            &url,
            "--timeout",
            "3",
        ],
        json!([]),
        &[],
    );
    assert_eq!(t.code, 3, "{t:?}");
    assert!(
        t.output.contains(&format!("waiting for the node at {url}")),
        "{t:?}"
    );
    assert!(t.output.contains("error:"), "{t:?}");
}

/// A forwarder to anvil that replaces the results of some methods (in
/// single calls and in batches) and records every request body.
struct LyingProxy {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl LyingProxy {
    fn start(upstream: u16, lies: HashMap<&'static str, Value>) -> Self {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", l.local_addr().unwrap().port());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let rec = bodies.clone();
        let lies = Arc::new(lies);
        std::thread::spawn(move || {
            for conn in l.incoming().flatten() {
                let (rec, lies) = (rec.clone(), lies.clone());
                std::thread::spawn(move || serve_lies(conn, upstream, &rec, &lies));
            }
        });
        Self { url, bodies }
    }

    fn methods(&self) -> Vec<String> {
        self.bodies
            .lock()
            .unwrap()
            .iter()
            .flat_map(|b| {
                let v: Value = serde_json::from_str(b).unwrap_or_default();
                let calls = match v {
                    Value::Array(a) => a,
                    one => vec![one],
                };
                calls
                    .into_iter()
                    .map(|c| c["method"].as_str().unwrap_or("").to_owned())
            })
            .collect()
    }
}

fn serve_lies(
    conn: std::net::TcpStream,
    upstream: u16,
    rec: &Mutex<Vec<String>>,
    lies: &HashMap<&'static str, Value>,
) {
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
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        rec.lock().unwrap().push(text.clone());
        let request: Value = serde_json::from_str(&text).unwrap_or_default();
        let mut answer = http_post_json(upstream, &request);
        lie(&request, &mut answer, lies);
        let answer = answer.to_string();
        let _ = write!(
            conn,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
    }
}

fn lie(request: &Value, answer: &mut Value, lies: &HashMap<&'static str, Value>) {
    let method_of = |id: &Value| -> Option<String> {
        let call = match request {
            Value::Array(calls) => calls.iter().find(|c| c["id"] == *id)?,
            one => one,
        };
        call["method"].as_str().map(str::to_owned)
    };
    let answers: Vec<&mut Value> = match answer {
        Value::Array(a) => a.iter_mut().collect(),
        one => vec![one],
    };
    for a in answers {
        let id = a["id"].clone();
        if let Some(v) = method_of(&id).and_then(|m| lies.get(m.as_str())) {
            a["result"] = v.clone();
        }
    }
}

/// Issue 22 item 5: a node does not choose the chain a signature is for,
/// nor the fee. A proxy in front of anvil that claims chain id 1 gets no
/// signature without `--chain-id` (and a mismatch with it); one that
/// suggests a 50,000 gwei tip gets refused, even with `--allow-high-fee`.
/// Nothing is signed or sent.
#[test]
fn eth_send_refuses_a_node_lying_about_its_chain_or_fees() {
    let Some(anvil) = Anvil::start() else { return };
    let ks = dev();
    let chain_liar = LyingProxy::start(anvil.port, HashMap::from([("eth_chainId", json!("0x1"))]));
    let send = |url: &str, extra: &[&str]| {
        let mut a = vec!["--to", TO, "--value", "0.01"];
        a.extend_from_slice(extra);
        ks.send_wait("dev", url, &a)
    };
    let r = send(&chain_liar.url, &[]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "wrong_chain", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not a development chain"),
        "{e}"
    );
    assert!(e["message"].as_str().unwrap().contains("--chain-id"), "{e}");
    let r = send(&chain_liar.url, &["--chain-id", "31337"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_chain");
    let tip = format!("{:#x}", 50_000u128 * 1_000_000_000);
    let fee_liar = LyingProxy::start(
        anvil.port,
        HashMap::from([("eth_maxPriorityFeePerGas", json!(tip))]),
    );
    for extra in [vec![], vec!["--allow-high-fee"]] {
        let r = send(&fee_liar.url, &extra);
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "invalid_input", "{e}");
        assert!(
            e["message"].as_str().unwrap().contains("the node suggests"),
            "{e}"
        );
    }
    for p in [&chain_liar, &fee_liar] {
        let m = p.methods();
        assert!(m.iter().any(|m| m == "eth_chainId"), "{m:?}");
        assert!(!m.iter().any(|m| m == "eth_sendRawTransaction"), "{m:?}");
    }
    assert_eq!(nonce(&anvil, DEV_ADDR), 0);
    // An honest dev node still fills the chain id in.
    send(&anvil.url, &[]).assert_ok();
}
