//! Hostile nodes: a JSON-RPC server on 127.0.0.1 that answers with garbage,
//! huge bodies, wrong ids, wrong types, slow drips, mid-body disconnects,
//! HTTP errors and redirects elsewhere. The client must give a typed error
//! within its timeout, never panic, never follow a redirect, and stop reading
//! at the response size cap.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wallet_core::ethereum::Address;
use wallet_core::rpc::bitcoin::{Auth, BtcNode};
use wallet_core::rpc::ethereum::EthNode;
use wallet_core::rpc::{RpcClient, RpcConfig, MAX_RESPONSE_BYTES};
use wallet_core::spend::bitcoin as btc;
use wallet_core::{Error, ErrorKind};

type Behaviour = dyn Fn(&Value, &mut TcpStream) + Send + Sync;
/// Builds an answer from the request.
type Reply = Box<dyn Fn(&Value) -> Value + Send + Sync>;
/// Builds a batch answer from the request ids.
type BatchReply = Box<dyn Fn(Vec<u64>) -> Value + Send + Sync>;

/// A server on 127.0.0.1 that reads each HTTP request and lets `behaviour`
/// write whatever it likes back, then closes the connection.
struct Hostile {
    url: String,
    hits: Arc<AtomicUsize>,
}

fn serve(behaviour: impl Fn(&Value, &mut TcpStream) + Send + Sync + 'static) -> Hostile {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let behaviour: Arc<Behaviour> = Arc::new(behaviour);
    let h = hits.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            h.fetch_add(1, Ordering::SeqCst);
            let b = behaviour.clone();
            std::thread::spawn(move || {
                let mut conn = conn;
                if let Some(req) = read_request(&conn) {
                    b(&req, &mut conn);
                }
                let _ = conn.flush();
            });
        }
    });
    Hostile {
        url: format!("http://127.0.0.1:{port}/"),
        hits,
    }
}

fn read_request(conn: &TcpStream) -> Option<Value> {
    let mut reader = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        if h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn respond(s: &mut TcpStream, status: &str, body: &[u8]) {
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(body);
}

fn answer(s: &mut TcpStream, v: &Value) {
    respond(s, "200 OK", v.to_string().as_bytes());
}

/// A server answering every single call with `result`, echoing the id.
fn results(result: Value) -> Hostile {
    serve(move |req, s| {
        answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "result": result}),
        )
    })
}

fn client(url: &str, timeout_ms: u64) -> RpcClient {
    RpcClient::new(
        url,
        RpcConfig {
            timeout: Duration::from_millis(timeout_ms),
            ..RpcConfig::default()
        },
    )
    .unwrap()
}

fn call_err(url: &str) -> Error {
    client(url, 5_000)
        .call("eth_chainId", json!([]))
        .expect_err("a hostile answer was accepted")
}

fn eth(url: &str) -> EthNode {
    EthNode::new(client(url, 5_000))
}

const ADDR: &str = "0x000000000000000000000000000000000000dEaD";

/// A Bitcoin transaction to send: the first BIP143 example's `field`
/// (`unsigned_tx` or `signed_tx`).
fn bip143_tx(field: &str) -> Vec<u8> {
    hex::decode(
        crate::common::vector("bip143.json")["examples"][0][field]
            .as_str()
            .unwrap(),
    )
    .unwrap()
}

fn assert_kind(e: &Error, kind: ErrorKind) {
    assert_eq!(e.kind(), kind, "{e}");
    assert!(!e.to_string().is_empty());
}

#[test]
fn garbage_bodies_are_bad_responses() {
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"hello".to_vec(),
        b"\xff\xfe\x00garbage\x80".to_vec(),
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":".to_vec(),
        b"<html><body>502 Bad Gateway</body></html>".to_vec(),
        // Nested far deeper than any parser should recurse.
        "[".repeat(200_000).into_bytes(),
        b"{\"id\":1e99999,\"result\":1}".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"42".to_vec(),
    ];
    for body in bodies {
        let server = serve(move |_, s| respond(s, "200 OK", &body));
        assert_kind(&call_err(&server.url), ErrorKind::BadResponse);
    }
}

#[test]
fn something_that_is_not_http_is_a_bad_response() {
    for raw in [
        &b"SSH-2.0-OpenSSH_9.2\r\n"[..],
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"HTTP/1.1 banana\r\n\r\n",
        b"",
    ] {
        let server = serve(move |_, s| {
            let _ = s.write_all(raw);
        });
        assert_kind(&call_err(&server.url), ErrorKind::BadResponse);
    }
}

#[test]
fn huge_bodies_stop_at_the_cap() {
    // A declared length over the cap, and an endless chunked body: either
    // way the client stops reading just past the cap.
    let chunk = vec![b' '; 1 << 20];
    for chunked in [false, true] {
        let chunk = chunk.clone();
        let server = serve(move |_, s| {
            let head = if chunked {
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_owned()
            } else {
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", 1u64 << 40)
            };
            let _ = s.write_all(head.as_bytes());
            loop {
                let ok = if chunked {
                    write!(s, "{:x}\r\n", chunk.len()).is_ok()
                        && s.write_all(&chunk).is_ok()
                        && s.write_all(b"\r\n").is_ok()
                } else {
                    s.write_all(&chunk).is_ok()
                };
                if !ok {
                    return;
                }
            }
        });
        let e = call_err(&server.url);
        assert_kind(&e, ErrorKind::BadResponse);
        assert!(e.to_string().contains("larger than 32 MiB"), "{e}");
    }
    // The same with a small configured cap, counting what was sent.
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let server = serve(move |_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n");
        let block = [b' '; 64 << 10];
        while s.write_all(&block).is_ok() {
            counter.fetch_add(block.len() as u64, Ordering::SeqCst);
        }
    });
    let c = RpcClient::new(
        &server.url,
        RpcConfig {
            max_response_bytes: 1 << 20,
            ..RpcConfig::default()
        },
    )
    .unwrap();
    let e = c.call("x", json!([])).unwrap_err();
    assert_kind(&e, ErrorKind::BadResponse);
    std::thread::sleep(Duration::from_millis(200));
    // The client hung up: the server could not push more than the cap plus
    // what the kernel's socket buffers hold.
    let total = sent.load(Ordering::SeqCst);
    assert!(total < (1 << 20) + (16 << 20), "{total} bytes were pushed");
    assert_eq!(MAX_RESPONSE_BYTES, 32 << 20);
}

#[test]
fn a_body_just_under_the_cap_is_read() {
    let c_cap = 1u64 << 20;
    let server = serve(move |req, s| {
        let mut body = json!({"jsonrpc": "2.0", "id": req["id"], "result": "0x1"}).to_string();
        body.push_str(&" ".repeat(c_cap as usize - body.len()));
        respond(s, "200 OK", body.as_bytes());
    });
    let c = RpcClient::new(
        &server.url,
        RpcConfig {
            max_response_bytes: c_cap,
            ..RpcConfig::default()
        },
    )
    .unwrap();
    assert_eq!(c.call("eth_chainId", json!([])).unwrap(), json!("0x1"));
}

#[test]
fn wrong_ids_are_refused() {
    let cases: Vec<Reply> = vec![
        Box::new(
            |req| json!({"jsonrpc": "2.0", "id": req["id"].as_u64().unwrap() + 1, "result": "0x1"}),
        ),
        Box::new(|req| json!({"jsonrpc": "2.0", "id": req["id"].to_string(), "result": "0x1"})),
        Box::new(|_| json!({"jsonrpc": "2.0", "result": "0x1"})),
        Box::new(|_| json!({"jsonrpc": "2.0", "id": null, "result": "0x1"})),
        Box::new(|req| json!([{"jsonrpc": "2.0", "id": req["id"], "result": "0x1"}])),
        Box::new(|req| json!({"jsonrpc": "2.0", "id": req["id"]})),
    ];
    for f in cases {
        let server = serve(move |req, s| answer(s, &f(req)));
        assert_kind(&call_err(&server.url), ErrorKind::BadResponse);
    }
}

/// Answers a batch with `f(ids)`.
fn batch_server(f: impl Fn(Vec<u64>) -> Value + Send + Sync + 'static) -> Hostile {
    serve(move |req, s| {
        let ids: Vec<u64> = req
            .as_array()
            .map(|a| a.iter().filter_map(|c| c["id"].as_u64()).collect())
            .unwrap_or_default();
        answer(s, &f(ids));
    })
}

#[test]
fn bad_batches_are_refused() {
    let ok = |id: u64| json!({"jsonrpc": "2.0", "id": id, "result": "0x1"});
    let cases: Vec<BatchReply> = vec![
        // Not an array.
        Box::new(move |ids| ok(ids[0])),
        // An id nobody asked for.
        Box::new(move |ids| Value::Array(ids.iter().map(|i| ok(i + 100)).collect())),
        // A repeated id.
        Box::new(move |ids| Value::Array(ids.iter().map(|_| ok(ids[0])).collect())),
        // One missing.
        Box::new(move |ids| Value::Array(ids.iter().skip(1).map(|i| ok(*i)).collect())),
        // Items that are not objects.
        Box::new(move |ids| Value::Array(ids.iter().map(|_| json!("0x1")).collect())),
        Box::new(|_| json!([])),
    ];
    let from: Address = ADDR.parse().unwrap();
    for f in cases {
        let server = batch_server(f);
        let e = eth(&server.url).network_state(&from, None).unwrap_err();
        assert_kind(&e, ErrorKind::BadResponse);
    }
    // A whole batch answered with one error object is the node's error.
    let server = batch_server(
        |_| json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32600, "message": "batches disabled"}}),
    );
    let e = eth(&server.url).network_state(&from, None).unwrap_err();
    assert_kind(&e, ErrorKind::NodeError);
}

#[test]
fn wrong_types_are_bad_responses() {
    let from: Address = ADDR.parse().unwrap();
    for bad in [
        json!(5),
        json!("5"),
        json!("0x"),
        json!("0xzz"),
        json!("-0x1"),
        json!(format!("0x{}", "f".repeat(17))),
        json!(null),
        json!({}),
        json!([]),
        json!(true),
    ] {
        let server = results(bad.clone());
        let node = eth(&server.url);
        assert_kind(&node.chain_id().unwrap_err(), ErrorKind::BadResponse);
        assert_kind(
            &node.pending_nonce(&from).unwrap_err(),
            ErrorKind::BadResponse,
        );
        if bad != json!(format!("0x{}", "f".repeat(17))) {
            assert_kind(&node.balance(&from).unwrap_err(), ErrorKind::BadResponse);
        }
    }
    // Balances beyond 256 bits.
    let server = results(json!(format!("0x1{}", "0".repeat(64))));
    assert_kind(
        &eth(&server.url).balance(&from).unwrap_err(),
        ErrorKind::BadResponse,
    );
    // A receipt with fields of the wrong type.
    for receipt in [
        json!({"status": 1, "blockNumber": "0x1", "gasUsed": "0x5208"}),
        json!({"status": "0x1", "gasUsed": "0x5208"}),
        json!({"status": "0x1", "blockNumber": "0x1", "gasUsed": "0x5208", "contractAddress": "0x12"}),
        json!("0x1"),
    ] {
        let server = results(receipt);
        assert_kind(
            &eth(&server.url)
                .receipt(&wallet_core::ethereum::TxHash([7; 32]))
                .unwrap_err(),
            ErrorKind::BadResponse,
        );
    }
    // Bitcoin-style answers of the wrong shape.
    for info in [json!({"chain": 5}), json!({}), json!("main"), json!(null)] {
        let server = results(info);
        let node = BtcNode::connect(&server.url, &Auth::None, Duration::from_secs(5)).unwrap();
        assert_kind(&node.chain_info().unwrap_err(), ErrorKind::BadResponse);
    }
    for scan in [
        json!({"unspents": [{"txid": "ab", "vout": 0, "amount": "lots", "scriptPubKey": "00"}]}),
        json!({"unspents": [{"txid": "ab", "vout": -1, "amount": 1.0, "scriptPubKey": "00"}]}),
        json!({"unspents": [{"txid": "ab", "vout": 0, "amount": 1.0, "scriptPubKey": "zz"}]}),
        json!({"unspents": [{"txid": 7, "vout": 0, "amount": 1.0, "scriptPubKey": "00"}]}),
        json!({"unspents": [{"txid": "ab", "vout": 0, "amount": -1.0, "scriptPubKey": "00"}]}),
        json!({"unspents": [{"txid": "ab", "vout": 0, "amount": 1e300, "scriptPubKey": "00"}]}),
        json!({"unspents": "none"}),
        json!({}),
    ] {
        let server = results(scan.clone());
        let node = BtcNode::connect(&server.url, &Auth::None, Duration::from_secs(5)).unwrap();
        let e = node.scan(&["addr(x)".into()]).unwrap_err();
        assert_kind(&e, ErrorKind::BadResponse);
    }
}

#[test]
fn odd_error_objects_are_still_node_errors() {
    for err in [
        json!({"code": "x", "message": 5}),
        json!({"code": -32000}),
        json!("just a string"),
        json!(12),
    ] {
        let server = serve(move |req, s| {
            answer(s, &json!({"jsonrpc": "2.0", "id": req["id"], "error": err}))
        });
        assert_kind(&call_err(&server.url), ErrorKind::NodeError);
    }
}

#[test]
fn a_node_lying_about_the_sent_transaction_is_caught() {
    // Ethereum: the hash of a raw transaction is keccak256 of its bytes.
    let raw = [0x02u8, 0xc0];
    let server = results(json!(format!("0x{}", "11".repeat(32))));
    let e = eth(&server.url).send_raw(&raw).unwrap_err();
    assert_kind(&e, ErrorKind::BadResponse);
    let right = wallet_core::hash::keccak256(&raw);
    let server = results(json!(format!("0x{}", hex::encode(right))));
    assert_eq!(eth(&server.url).send_raw(&raw).unwrap().hash.0, right);

    // Bitcoin: the txid the node answers must be the transaction's.
    let raw = bip143_tx("unsigned_tx");
    let server = serve(|req, s| {
        let result = match req["method"].as_str() {
            Some("testmempoolaccept") => json!([{"allowed": true}]),
            Some("sendrawtransaction") => json!("00".repeat(32)),
            _ => json!(null),
        };
        answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "result": result}),
        );
    });
    let node = BtcNode::connect(&server.url, &Auth::None, Duration::from_secs(5)).unwrap();
    let e = btc::broadcast(&node, &raw).unwrap_err();
    assert_kind(&e, ErrorKind::BadResponse);
    assert!(e.to_string().contains("txid"), "{e}");
}

#[test]
fn silence_and_slow_drips_time_out() {
    let timeout = Duration::from_millis(1500);
    // Accepts, reads the request, never answers.
    let silent = serve(|_, _| std::thread::sleep(Duration::from_secs(20)));
    // Headers, then one byte every 200 ms forever.
    let drip = serve(|_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        for _ in 0..200 {
            if s.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    // The status line one byte at a time.
    let slow_head = serve(|_, s| {
        for b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
            .iter()
            .cycle()
            .take(400)
        {
            if s.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    for server in [silent, drip, slow_head] {
        let c = client(&server.url, timeout.as_millis() as u64);
        let start = Instant::now();
        let e = c.call("eth_chainId", json!([])).unwrap_err();
        let took = start.elapsed();
        assert_kind(&e, ErrorKind::Timeout);
        assert!(
            took < timeout + Duration::from_secs(2),
            "gave up after {took:?}"
        );
    }
}

#[test]
fn mid_body_disconnects_are_bad_responses() {
    for sent in [0usize, 1, 10, 30] {
        let server = serve(move |req, s| {
            let body = json!({"jsonrpc": "2.0", "id": req["id"], "result": "0x1"}).to_string();
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                body.len() + 100
            );
            let _ = s.write_all(&body.as_bytes()[..sent.min(body.len())]);
            let _ = s.shutdown(std::net::Shutdown::Both);
        });
        assert_kind(&call_err(&server.url), ErrorKind::BadResponse);
    }
    // Broken chunked encoding.
    let server = serve(|_, s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n");
    });
    assert_kind(&call_err(&server.url), ErrorKind::BadResponse);
}

#[test]
fn http_errors_are_typed() {
    let cases: [(&str, &[u8], ErrorKind); 7] = [
        ("500 Internal Server Error", b"oops", ErrorKind::BadResponse),
        ("404 Not Found", b"", ErrorKind::BadResponse),
        (
            "502 Bad Gateway",
            b"<html>bad gateway</html>",
            ErrorKind::BadResponse,
        ),
        ("503 Service Unavailable", b"", ErrorKind::BadResponse),
        ("401 Unauthorized", b"", ErrorKind::AuthFailed),
        ("403 Forbidden", b"{}", ErrorKind::AuthFailed),
        (
            "429 Too Many Requests",
            b"slow down",
            ErrorKind::BadResponse,
        ),
    ];
    for (status, body, kind) in cases {
        let server = serve(move |_, s| respond(s, status, body));
        let e = call_err(&server.url);
        assert_kind(&e, kind);
        if kind == ErrorKind::BadResponse && status != "404 Not Found" {
            assert!(e.to_string().contains(&status[..3]), "{e}");
        }
    }
    // Bitcoin Core answers JSON-RPC errors with HTTP 500: that is the node's error.
    let server = serve(|req, s| {
        let body = json!({"result": null, "id": req["id"], "error": {"code": -8, "message": "Block height out of range"}});
        respond(s, "500 Internal Server Error", body.to_string().as_bytes());
    });
    let e = call_err(&server.url);
    assert_kind(&e, ErrorKind::NodeError);
    assert!(e.to_string().contains("Block height out of range"));
}

#[test]
fn credentials_never_appear_in_errors() {
    let server = serve(|_, s| respond(s, "500 Internal Server Error", b"no"));
    let url = server.url.replace("http://", "http://alice:s3cr3t-pw@");
    let e = call_err(&url);
    let text = format!("{e} {e:?}");
    assert!(!text.contains("s3cr3t-pw"), "{text}");
    assert!(!text.contains("alice"), "{text}");
}

#[test]
fn redirects_are_never_followed() {
    let elsewhere = results(json!("0x1"));
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let target = elsewhere.url.clone();
        let server = serve(move |_, s| {
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        });
        let e = call_err(&server.url);
        assert_kind(&e, ErrorKind::BadResponse);
        assert!(e.to_string().contains("redirect"), "{e}");
    }
    assert_eq!(
        elsewhere.hits.load(Ordering::SeqCst),
        0,
        "a redirect was followed"
    );
}

#[test]
fn the_cli_reports_a_hostile_node_with_exit_code_3() {
    let server = serve(|_, s| respond(s, "200 OK", b"\x00\x01garbage"));
    let r = crate::common::wallet(
        &["--json", "eth", "balance", ADDR, "--rpc-url", &server.url],
        "",
    );
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "bad_response");
    assert_eq!(e["exit_code"], 3);

    let server = serve(|_, s| {
        let _ = s.write_all(
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\nContent-Length: 0\r\n\r\n",
        );
    });
    let raw = hex::encode(bip143_tx("signed_tx"));
    let r = crate::common::wallet(
        &["--json", "btc", "broadcast", "--rpc-url", &server.url, &raw],
        "",
    );
    r.assert_fails(3);
    assert_eq!(r.err_json()["kind"], "bad_response");

    // A send whose answer is cut off: the JSON error says the transaction
    // may have been sent, with its hash, so a script does not pay twice.
    let server = serve(|req, s| match req["method"].as_str() {
        Some("eth_chainId") => answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "result": "0x1"}),
        ),
        Some("eth_sendRawTransaction") => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jso");
        }
        _ => answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "result": null}),
        ),
    });
    let raw = crate::common::vector("eip155.json")["signed_tx"]
        .as_str()
        .unwrap()
        .to_owned();
    let hash = format!(
        "0x{}",
        hex::encode(wallet_core::hash::keccak256(
            &hex::decode(raw.trim_start_matches("0x")).unwrap()
        ))
    );
    let r = crate::common::wallet(
        &["--json", "eth", "broadcast", "--rpc-url", &server.url, &raw],
        "",
    );
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "bad_response", "{e}");
    assert_eq!(e["maybe_sent"], true, "{e}");
    assert_eq!(e["tx"], hash.as_str(), "{e}");

    // A node that never answers the send: kind `timeout` within --timeout,
    // exit 3, and the same warning.
    let server = serve(|req, s| match req["method"].as_str() {
        Some("eth_chainId") => answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "result": "0x1"}),
        ),
        Some("eth_sendRawTransaction") => std::thread::sleep(Duration::from_secs(5)),
        _ => answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "result": null}),
        ),
    });
    let start = Instant::now();
    let r = crate::common::wallet(
        &[
            "--json",
            "eth",
            "broadcast",
            "--rpc-url",
            &server.url,
            "--timeout",
            "1",
            &raw,
        ],
        "",
    );
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "timeout", "{e}");
    assert_eq!(e["maybe_sent"], true, "{e}");
    assert_eq!(e["tx"], hash.as_str(), "{e}");
}

#[test]
fn a_node_estimating_an_absurd_fee_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "pw").unwrap();
    let ks = dir.path().join("ks");
    let base = [
        "--json",
        "--allow-weak-kdf",
        "--keystore-dir",
        ks.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
    ];
    let run = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        crate::common::wallet(&a, "")
    };
    run(&[
        "create",
        "w",
        "--kdf-memory",
        "256",
        "--kdf-iterations",
        "1",
        "--kdf-parallelism",
        "1",
    ])
    .assert_ok();
    let to = run(&["address", "w", "--network", "regtest", "--index", "7"]).json()["addresses"][0]
        ["address"]
        .as_str()
        .unwrap()
        .to_owned();
    // A regtest node with no coins for us and the given fee estimate (BTC/kvB).
    let node = |feerate: f64| {
        serve(move |req, s| {
            let result = match req["method"].as_str() {
                Some("getblockchaininfo") => json!({"chain": "regtest", "blocks": 1}),
                Some("getblockhash") => json!("11".repeat(32)),
                Some("scantxoutset") => json!({"success": true, "height": 1, "unspents": []}),
                Some("estimatesmartfee") => json!({"feerate": feerate, "blocks": 6}),
                _ => Value::Null,
            };
            answer(
                s,
                &json!({"jsonrpc": "2.0", "id": req["id"], "result": result}),
            );
        })
    };
    let absurd = node(0.05);
    let r = run(&[
        "btc",
        "send",
        "w",
        "--rpc-url",
        &absurd.url,
        "--network",
        "regtest",
        "--to",
        &to,
        "--amount",
        "0.001",
        "--yes",
    ]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("5000.0 sat/vB, above the 500 sat/vB safety cap; nothing was sent (give --fee-rate and pass --allow-high-fee to pay it anyway)"),
        "{e}"
    );
    // A sane estimate is used (and then there is simply nothing to spend).
    let sane = node(0.00005);
    let r = run(&[
        "btc",
        "send",
        "w",
        "--rpc-url",
        &sane.url,
        "--network",
        "regtest",
        "--to",
        &to,
        "--amount",
        "0.001",
        "--yes",
    ]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "insufficient_funds", "{}", r.stderr);
}

/// A send whose answer is lost (timeout, cut-off or garbage answer) may
/// have reached the node: the node is asked once, and if it does not know
/// the transaction the error says it may have been sent, with its hash, so
/// a retry does not pay twice. A refused connection sent nothing.
#[test]
fn a_send_whose_answer_is_lost_reports_the_transaction() {
    let raw = [0x02u8, 0xc0];
    let hash = format!("0x{}", hex::encode(wallet_core::hash::keccak256(&raw)));
    for known in [false, true] {
        let h = hash.clone();
        let server = serve(move |req, s| match req["method"].as_str() {
            Some("eth_sendRawTransaction") => std::thread::sleep(Duration::from_secs(3)),
            Some("eth_getTransactionByHash") => {
                let result = if known {
                    json!({"hash": h})
                } else {
                    json!(null)
                };
                answer(
                    s,
                    &json!({"jsonrpc": "2.0", "id": req["id"], "result": result}),
                );
            }
            _ => {}
        });
        let node = EthNode::new(client(&server.url, 700));
        match node.send_raw(&raw) {
            Ok(got) => {
                assert!(known);
                assert_eq!(got.hash.to_string(), hash);
            }
            Err(e) => {
                assert!(!known, "{e}");
                assert_kind(&e, ErrorKind::Timeout);
                let Error::MaybeSent { tx, .. } = &e else {
                    panic!("{e:?}")
                };
                assert_eq!(*tx, hash);
                assert!(e.to_string().contains(&hash), "{e}");
                assert!(e.to_string().contains("may have been sent"), "{e}");
            }
        }
    }
    // A cut-off answer to the send: the same.
    let server = serve(|req, s| {
        if req["method"] == "eth_sendRawTransaction" {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jso");
        } else {
            answer(
                s,
                &json!({"jsonrpc": "2.0", "id": req["id"], "result": null}),
            );
        }
    });
    let e = eth(&server.url).send_raw(&raw).unwrap_err();
    assert_kind(&e, ErrorKind::BadResponse);
    assert!(matches!(e, Error::MaybeSent { .. }), "{e:?}");
    // Nothing listening: nothing was sent, and the error does not say it may have been.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = eth(&format!("http://127.0.0.1:{port}/"))
        .send_raw(&raw)
        .unwrap_err();
    assert_kind(&e, ErrorKind::NodeUnreachable);
    assert!(!matches!(e, Error::MaybeSent { .. }), "{e:?}");

    // Bitcoin: the same through `broadcast`.
    let raw = bip143_tx("unsigned_tx");
    let txid = wallet_core::bitcoin::payment::txid_of(&raw).unwrap();
    for known in [false, true] {
        let server = serve(move |req, s| {
            let result = match req["method"].as_str() {
                Some("testmempoolaccept") => json!([{"allowed": true}]),
                Some("sendrawtransaction") => {
                    std::thread::sleep(Duration::from_secs(3));
                    return;
                }
                Some("getmempoolentry") if known => json!({"vsize": 100}),
                _ => json!(null),
            };
            answer(
                s,
                &json!({"jsonrpc": "2.0", "id": req["id"], "result": result}),
            );
        });
        let node = BtcNode::connect(&server.url, &Auth::None, Duration::from_millis(700)).unwrap();
        match btc::broadcast(&node, &raw) {
            Ok(sent) => {
                assert!(known);
                assert_eq!(sent.txid, txid);
            }
            Err(e) => {
                assert!(!known, "{e}");
                assert_kind(&e, ErrorKind::Timeout);
                assert!(
                    matches!(&e, Error::MaybeSent { tx, .. } if *tx == txid.to_string()),
                    "{e:?}"
                );
            }
        }
    }
}

/// A retry of a send that did arrive is not an error: the node already has
/// this very transaction. Ethereum nodes say "already known"; Core-style
/// nodes say so in testmempoolaccept (nothing is sent again) or, for a mined
/// transaction, in sendrawtransaction.
#[test]
fn a_retried_send_the_node_already_has_is_sent() {
    let raw = [0x02u8, 0xc0];
    let hash = wallet_core::hash::keccak256(&raw);
    let server = serve(|req, s| {
        answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "error": {"code": -32000, "message": "already known"}}),
        );
    });
    let sent = eth(&server.url).send_raw(&raw).unwrap();
    assert_eq!(sent.hash.0, hash);
    assert!(sent.already_known);
    // Any other refusal is still one.
    let server = serve(|req, s| {
        answer(
            s,
            &json!({"jsonrpc": "2.0", "id": req["id"], "error": {"code": -32000, "message": "nonce too low"}}),
        );
    });
    let e = eth(&server.url).send_raw(&raw).unwrap_err();
    assert_kind(&e, ErrorKind::Rejected);

    let raw = bip143_tx("unsigned_tx");
    let txid = wallet_core::bitcoin::payment::txid_of(&raw).unwrap();
    for (accept, send) in [
        (
            json!([{"allowed": false, "reject-reason": "txn-already-in-mempool"}]),
            None,
        ),
        (
            json!([{"allowed": false, "reject-reason": "txn-already-known"}]),
            None,
        ),
        (
            json!([{"allowed": true}]),
            Some(json!({"code": -27, "message": "Transaction already in block chain"})),
        ),
    ] {
        let expected_sends = usize::from(send.is_some());
        let sends = Arc::new(AtomicUsize::new(0));
        let counted = sends.clone();
        let server = serve(move |req, s| {
            let body = match req["method"].as_str() {
                Some("testmempoolaccept") => {
                    json!({"jsonrpc": "2.0", "id": req["id"], "result": accept})
                }
                Some("sendrawtransaction") => {
                    counted.fetch_add(1, Ordering::SeqCst);
                    json!({"jsonrpc": "2.0", "id": req["id"], "error": send.clone().unwrap()})
                }
                _ => json!({"jsonrpc": "2.0", "id": req["id"], "result": null}),
            };
            answer(s, &body);
        });
        let node = BtcNode::connect(&server.url, &Auth::None, Duration::from_secs(5)).unwrap();
        let sent = btc::broadcast(&node, &raw).unwrap();
        assert_eq!(sent.txid, txid);
        assert_eq!(sends.load(Ordering::SeqCst), expected_sends);
    }
}

/// A node on another network than the wallet's is refused before anything
/// is sent: a mainnet node for a regtest wallet, and a regtest node for a
/// mainnet one (the default network).
#[test]
fn a_node_on_the_wrong_network_is_refused_before_sending() {
    const BTC_MAIN_GENESIS: &str =
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
    const BTC_REGTEST_GENESIS: &str =
        "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
    let raw = hex::encode(bip143_tx("signed_tx"));
    for (chain, genesis, wallet_network) in [
        ("main", BTC_MAIN_GENESIS, "regtest"),
        ("regtest", BTC_REGTEST_GENESIS, "mainnet"),
    ] {
        let sends = Arc::new(AtomicUsize::new(0));
        let counted = sends.clone();
        let server = serve(move |req, s| {
            let result = match req["method"].as_str() {
                Some("getblockchaininfo") => json!({"chain": chain, "blocks": 1000}),
                Some("getblockhash") => json!(genesis),
                Some("sendrawtransaction") | Some("testmempoolaccept") => {
                    counted.fetch_add(1, Ordering::SeqCst);
                    json!(null)
                }
                _ => json!(null),
            };
            answer(
                s,
                &json!({"jsonrpc": "2.0", "id": req["id"], "result": result}),
            );
        });
        let r = crate::common::wallet(
            &[
                "--json",
                "btc",
                "broadcast",
                "--rpc-url",
                &server.url,
                "--network",
                wallet_network,
                &raw,
            ],
            "",
        );
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "wrong_chain", "{e}");
        assert_eq!(sends.load(Ordering::SeqCst), 0, "{chain}");
    }
}
