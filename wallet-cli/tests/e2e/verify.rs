//! `--verify` against lying nodes: a proxy in front of a real anvil or
//! litecoind rewrites one answer (a balance, a nonce, a proof node, a header
//! field, a UTXO amount, a merkle branch, the best chain, a header whose
//! sha256d meets the target but whose scrypt does not) and each lie must
//! fail with kind `unverified` (exit 3), naming what did not match; a send
//! refused so never reaches the node. Through an honest proxy (or none)
//! the same commands pass and report what they proved.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::ethereum::{DEV_ADDR, DEV_KEY};
use serde_json::{json, Value};
use wallet_core::verify::{EthHeader, HeaderChain, PowAlgorithm, VerifyError};

/// A JSON-RPC method of a proxied call.
fn method(req: &Value) -> &str {
    req["method"].as_str().unwrap_or("")
}

/// Asserts an `unverified` failure whose message contains `needle`.
fn assert_unverified(r: &Run, needle: &str) {
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "unverified", "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains(needle), "expected '{needle}' in: {m}");
}

/// Flips the last hex digit of a `0x…` string.
fn flip_last(s: &str) -> String {
    let mut t = s.to_owned();
    let last = t.pop().unwrap();
    t.push(if last == '0' { '1' } else { '0' });
    t
}

fn eth_balance(url: &[&str], extra: &[&str]) -> Run {
    let mut a = vec!["--json", "eth", "balance", DEV_ADDR, "--verify"];
    for u in url {
        a.extend(["--rpc-url", u]);
    }
    a.extend_from_slice(extra);
    wallet(&a, "")
}

type Lie = Box<dyn Fn(&Value, &mut Value) + Send + Sync>;

fn eth_lies() -> Vec<(&'static str, Lie, &'static str)> {
    vec![
        (
            "a balance",
            Box::new(|req, resp| {
                if method(req) == "eth_getBalance" {
                    resp["result"] = json!("0x1");
                }
            }),
            "the node claims balance 1 wei",
        ),
        (
            "a nonce",
            Box::new(|req, resp| {
                if method(req) == "eth_getTransactionCount" {
                    resp["result"] = json!("0x7");
                }
            }),
            "the node claims nonce 7",
        ),
        (
            "a proof node",
            Box::new(|req, resp| {
                if method(req) == "eth_getProof" {
                    let nodes = resp["result"]["accountProof"].as_array_mut().unwrap();
                    let last = nodes.last_mut().unwrap();
                    *last = json!(flip_last(last.as_str().unwrap()));
                }
            }),
            "does not verify",
        ),
        (
            "the balance inside the proof",
            Box::new(|req, resp| {
                if method(req) == "eth_getProof" {
                    resp["result"]["balance"] = json!("0x2");
                }
            }),
            "the node claims balance 2 wei",
        ),
        (
            "a header field",
            Box::new(|req, resp| {
                if method(req) == "eth_getBlockByNumber" && resp["result"].is_object() {
                    let root = resp["result"]["stateRoot"].as_str().unwrap().to_owned();
                    resp["result"]["stateRoot"] = json!(flip_last(&root));
                }
            }),
            "a header field was changed",
        ),
    ]
}

#[test]
fn eth_balance_is_proven_and_every_lie_is_caught() {
    let Some(anvil) = Anvil::start() else {
        return;
    };
    // anvil's genesis header does not commit to its funded accounts (its
    // stateRoot is the empty trie's): prove at a mined block.
    anvil.rpc("evm_mine", json!([]));
    let honest = RewritingProxy::honest(Upstream::anvil(&anvil));
    let r = eth_balance(&[&honest.url], &[]);
    r.assert_ok();
    let j = r.json();
    let wei = anvil.rpc("eth_getBalance", json!([DEV_ADDR, "latest"]));
    assert_eq!(
        j["wei"].as_str().unwrap(),
        crate::ethereum::quantity(&wei).to_string()
    );
    let v = &j["verified"];
    assert_eq!(v["trusted_block"]["trust"], "dev_latest", "{v}");
    assert_eq!(v["trusted_block"]["number"], 1);
    assert_eq!(v["trusted_block"]["fork"], "prague");
    assert_eq!(v["accounts"][0]["balance_wei"], j["wei"]);
    assert!(v["accounts"][0]["proof_nodes"].as_u64().unwrap() >= 1);
    // One batch for the trusted block, one for the proof and the claims.
    assert_eq!(v["requests"], 2);
    assert_eq!(honest.requests(), 2);
    // The text report goes to stderr.
    let t = wallet(
        &[
            "eth",
            "balance",
            DEV_ADDR,
            "--rpc-url",
            &honest.url,
            "--verify",
        ],
        "",
    );
    t.assert_ok();
    assert!(
        t.stderr.contains("verified against block 1"),
        "{}",
        t.stderr
    );
    assert!(
        t.stderr.contains("proven against its state root"),
        "{}",
        t.stderr
    );

    for (what, lie, needle) in eth_lies() {
        let liar = RewritingProxy::start(Upstream::anvil(&anvil), lie);
        eprintln!("lie: {what}");
        assert_unverified(&eth_balance(&[&liar.url], &[]), needle);
    }
    quorum_and_pinned_blocks(&anvil, &honest);
}

/// Two nodes that must agree, a node that serves a self-consistent other
/// block, and a pinned block hash.
fn quorum_and_pinned_blocks(anvil: &Anvil, honest: &RewritingProxy) {
    let r = eth_balance(&[&anvil.url, &honest.url], &[]);
    r.assert_ok();
    let t = &r.json()["verified"]["trusted_block"];
    assert_eq!(
        (t["nodes"].as_u64(), t["agreeing"].as_u64()),
        (Some(2), Some(2))
    );
    // A header changed and rehashed: valid on its own, not the other node's.
    let other = RewritingProxy::start(Upstream::anvil(anvil), |req, resp| {
        if method(req) == "eth_getBlockByNumber" && resp["result"].is_object() {
            resp["result"]["extraData"] = json!("0x6c6965");
            let h = EthHeader::from_rpc(&resp["result"]).unwrap().hash();
            resp["result"]["hash"] = json!(h.to_string());
        }
    });
    assert_unverified(
        &eth_balance(&[&anvil.url, &other.url], &[]),
        "only 1 of 2 node(s) have block 1",
    );
    // Off development chains one node is not enough, and the nodes must
    // serve one chain; two that agree trust their finalized block.
    let chain = |id: &'static str| {
        RewritingProxy::start(Upstream::anvil(anvil), move |req, resp| {
            if method(req) == "eth_chainId" {
                resp["result"] = json!(id);
            }
        })
    };
    let (main1, main2) = (chain("0x1"), chain("0x1"));
    let r = eth_balance(&[&main1.url], &[]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("--trusted-block"),
        "{e}"
    );
    let r = eth_balance(&[&main1.url, &anvil.url], &[]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_chain");
    // anvil finalizes 64 blocks behind its tip (its genesis header does not
    // commit to the funded state: mine past it).
    anvil.rpc("anvil_mine", json!(["0x48"]));
    let r = eth_balance(&[&main1.url, &main2.url], &[]);
    r.assert_ok();
    let t = &r.json()["verified"]["trusted_block"];
    assert_eq!(t["trust"], "finalized", "{t}");
    assert!(t["number"].as_u64().unwrap() < 73, "{t}");
    // With a quorum of one the other node may disagree.
    eth_balance(&[&anvil.url, &other.url], &["--quorum", "1"]).assert_ok();
    let r = eth_balance(&[&anvil.url], &["--quorum", "2"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input");
    // Several nodes are for --verify only.
    wallet(
        &[
            "eth",
            "balance",
            DEV_ADDR,
            "--rpc-url",
            &anvil.url,
            "--rpc-url",
            &anvil.url,
        ],
        "",
    )
    .assert_fails(2);
    // A pinned block: the balance as of that block.
    let b1 = anvil.rpc("eth_getBlockByNumber", json!(["0x1", false]));
    let hash = b1["hash"].as_str().unwrap();
    anvil.rpc("evm_mine", json!([]));
    let r = eth_balance(&[&anvil.url], &["--trusted-block", hash]);
    r.assert_ok();
    let t = &r.json()["verified"]["trusted_block"];
    assert_eq!(
        (t["trust"].as_str(), t["number"].as_u64()),
        (Some("pinned"), Some(1))
    );
    assert_unverified(
        &eth_balance(
            &[&anvil.url],
            &["--trusted-block", &format!("0x{}", "ab".repeat(32))],
        ),
        "the node has no block",
    );
}

fn eth_send(ks: &Ks, urls: &[&str], extra: &[&str]) -> Run {
    let mut a = vec!["--json", "eth", "send", "dev", "--yes", "--verify"];
    for u in urls {
        a.extend(["--rpc-url", u]);
    }
    a.extend([
        "--to",
        "0x000000000000000000000000000000000000dEaD",
        "--value",
        "0.01",
    ]);
    a.extend_from_slice(extra);
    ks.run(&a, "")
}

#[test]
fn eth_send_proves_nonce_balance_and_receipt() {
    let Some(anvil) = Anvil::start() else {
        return;
    };
    anvil.rpc("evm_mine", json!([]));
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    let honest = RewritingProxy::honest(Upstream::anvil(&anvil));
    let r = eth_send(&ks, &[&honest.url], &["--wait"]);
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["status"], 1, "{j}");
    let v = &j["verified"];
    assert_eq!(v["accounts"][0]["nonce"], 0, "{v}");
    let rc = &v["receipt"];
    assert_eq!(rc["status"], 1, "{v}");
    assert_eq!(rc["transaction_hash"], j["hash"]);
    assert_eq!(rc["block_number"], j["block_number"]);
    // The fresh agreement after mining is the receipt's block itself.
    assert_eq!(rc["link"], "trusted", "{rc}");
    // A pinned block before the send: the receipt's block is walked up to.
    let b = anvil.rpc("eth_getBlockByNumber", json!(["latest", false]));
    let r = eth_send(
        &ks,
        &[&anvil.url],
        &["--wait", "--trusted-block", b["hash"].as_str().unwrap()],
    );
    r.assert_ok();
    let rc = &r.json()["verified"]["receipt"];
    assert_eq!(
        (rc["link"].as_str(), rc["headers_walked"].as_u64()),
        (Some("descendant"), Some(1))
    );

    // The node's nonce or balance does not match its proof: nothing is
    // signed, nothing reaches the node.
    for (what, lie, needle) in eth_lies() {
        if what == "a proof node" || what == "a header field" {
            continue;
        }
        let liar = RewritingProxy::start(Upstream::anvil(&anvil), lie);
        eprintln!("lie: {what}");
        assert_unverified(&eth_send(&ks, &[&liar.url], &[]), needle);
        assert!(
            !liar.saw("eth_sendRawTransaction"),
            "{what}: {:?}",
            liar.methods()
        );
    }
    // Only the pending nonce raised (a gap the transaction would wait behind).
    let gap = RewritingProxy::start(Upstream::anvil(&anvil), |req, resp| {
        if method(req) == "eth_getTransactionCount" && req["params"][1] == "pending" {
            resp["result"] = json!("0x9");
        }
    });
    assert_unverified(
        &eth_send(&ks, &[&gap.url], &[]),
        "gives 9 as the next nonce",
    );
    assert!(!gap.saw("eth_sendRawTransaction"));
    // With the nonce given, the pending one is not asked.
    let r = eth_send(&ks, &[&gap.url], &["--nonce", "2"]);
    r.assert_ok();
    assert_eq!(r.json()["nonce"], 2);
    // A receipt whose status the block does not commit to.
    let liar = RewritingProxy::start(Upstream::anvil(&anvil), |req, resp| {
        if method(req) == "eth_getTransactionReceipt" && resp["result"].is_object() {
            resp["result"]["status"] = json!("0x0");
        }
    });
    let r = eth_send(&ks, &[&liar.url], &["--wait"]);
    assert_unverified(&r, "its status is not what block");
    assert!(r.err_json()["message"]
        .as_str()
        .unwrap()
        .contains("was sent"));
    // The hash of the payment that went out is in the error itself.
    let e = r.err_json();
    assert_eq!(
        (e["sent"].as_bool(), e["maybe_sent"].as_bool()),
        (Some(true), Some(true)),
        "{e}"
    );
    assert_eq!(e["tx"].as_str().map(str::len), Some(66), "{e}");
}

fn ltc(node: &[&str], cmd: &[&str], extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["--json", "btc"].iter().map(|s| s.to_string()).collect();
    a.extend(cmd.iter().map(|s| s.to_string()));
    a.extend(node.iter().map(|s| s.to_string()));
    a.extend(["--chain", "ltc", "--network", "regtest", "--verify"].map(String::from));
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn run_ltc(ks: &Ks, node: &[&str], cmd: &[&str], extra: &[&str]) -> Run {
    let a = ltc(node, cmd, extra);
    ks.run(&a.iter().map(String::as_str).collect::<Vec<_>>(), "")
}

fn ltc_lies() -> Vec<(&'static str, Lie, &'static str)> {
    vec![
        (
            "a UTXO amount",
            Box::new(|req, resp| {
                if method(req) == "scantxoutset" {
                    for u in resp["result"]["unspents"].as_array_mut().unwrap() {
                        u["amount"] = json!(u["amount"].as_f64().unwrap() + 1.0);
                    }
                }
            }),
            "the transaction pays",
        ),
        (
            "a merkle branch",
            Box::new(|req, resp| {
                if method(req) == "gettxoutproof" {
                    let mut p = hex::decode(resp["result"].as_str().unwrap()).unwrap();
                    p[80 + 4 + 1] ^= 1;
                    resp["result"] = json!(hex::encode(p));
                }
            }),
            "a branch hash was changed",
        ),
        (
            "confirmations",
            Box::new(|req, resp| {
                if method(req) == "gettxout" && resp["result"].is_object() {
                    resp["result"]["confirmations"] = json!(5000);
                }
            }),
            "claims 5000 confirmations",
        ),
        (
            "a header field",
            Box::new(|req, resp| {
                if method(req) == "getblockheader" && req["params"][1] == false {
                    let h = resp["result"].as_str().unwrap().to_owned();
                    if h.len() == 160 {
                        // The merkle root's first byte.
                        let b = u8::from_str_radix(&h[72..74], 16).unwrap() ^ 1;
                        resp["result"] = json!(format!("{}{b:02x}{}", &h[..72], &h[74..]));
                    }
                }
            }),
            "the node gave a header that hashes to",
        ),
    ]
}

#[test]
fn ltc_balance_and_send_prove_their_coins() {
    let Some(node) = Node::litecoind() else {
        return;
    };
    let ks = Ks::new();
    for name in ["w", "other"] {
        let mut c = vec!["create", name];
        c.extend_from_slice(&FAST);
        ks.run(&c, "").assert_ok();
    }
    let addr = |name: &str, kind: &str| -> String {
        let r = ks.run(
            &[
                "--json",
                "address",
                name,
                "--chain",
                "ltc",
                "--network",
                "regtest",
                "--type",
                kind,
            ],
            "",
        );
        r.assert_ok();
        r.json()["addresses"][0]["address"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let own = addr("w", "p2wpkh");
    node.rpc("generatetoaddress", json!([1, own.as_str()]));
    node.rpc("generatetoaddress", json!([1, addr("w", "p2pkh")]));
    // Not the wallet's: its coins stay out of the balance.
    let sink = addr("other", "p2wpkh");
    node.rpc("generatetoaddress", json!([100, sink]));
    let honest = RewritingProxy::honest(Upstream::node(&node));
    let via = |p: &RewritingProxy| vec!["--rpc-url".to_owned(), p.url.clone()];
    let hv = via(&honest);
    let hv: Vec<&str> = hv.iter().map(String::as_str).collect();
    let r = run_ltc(&ks, &hv, &["balance", "w"], &[]);
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["confirmed_sat"], 100 * 100_000_000u64, "{j}");
    let v = &j["verified"];
    assert_eq!(v["pow"], "scrypt", "{v}");
    assert_eq!(v["checkpoint"]["height"], 0);
    assert_eq!(v["checkpoint_source"], "built_in");
    assert_eq!(v["tip"]["height"], 102);
    assert_eq!(v["headers"], 102);
    let coins = v["coins"].as_array().unwrap();
    assert_eq!(coins.len(), 2);
    let confs: Vec<u64> = coins
        .iter()
        .map(|c| c["confirmations"].as_u64().unwrap())
        .collect();
    assert_eq!(confs.iter().max(), Some(&102), "{confs:?}");
    // A given checkpoint: fewer headers.
    let h50 = node.rpc("getblockhash", json!([50]));
    let cp = format!("50:{}", h50.as_str().unwrap());
    let r = run_ltc(&ks, &hv, &["balance", "w"], &["--checkpoint", &cp]);
    r.assert_ok();
    let v = &r.json()["verified"];
    assert_eq!(
        (v["headers"].as_u64(), v["checkpoint_source"].as_str()),
        (Some(52), Some("given"))
    );
    // A checkpoint the node's chain does not have.
    let bad = format!("50:{}", "11".repeat(32));
    assert_unverified(
        &run_ltc(&ks, &hv, &["balance", "w"], &["--checkpoint", &bad]),
        "not the checkpoint",
    );

    for (what, lie, needle) in ltc_lies() {
        let liar = RewritingProxy::start(Upstream::node(&node), lie);
        let lv = via(&liar);
        let lv: Vec<&str> = lv.iter().map(String::as_str).collect();
        eprintln!("lie: {what}");
        assert_unverified(&run_ltc(&ks, &lv, &["balance", "w"], &[]), needle);
        let pay = [
            "--to",
            sink.as_str(),
            "--amount",
            "1",
            "--fee-rate",
            "2",
            "--yes",
        ];
        assert_unverified(&run_ltc(&ks, &lv, &["send", "w"], &pay), needle);
        assert!(
            !liar.saw("sendrawtransaction"),
            "{what}: {:?}",
            liar.methods()
        );
    }
    bad_scrypt_tip(&ks, &node);
    stale_tip_before_the_checkpoint(&ks, &node, &cp);
    honest_payments(&ks, &node, &honest, &sink);
    fork_with_less_work(&ks, &node, &sink);
    immature_called_mature(&ks, &node, &own);
}

/// A next header whose sha256d meets the regtest target but whose scrypt
/// does not: a Bitcoin-style miner's header passed off as Litecoin work.
fn bad_scrypt_tip(ks: &Ks, node: &Node) {
    let params = wallet_core::bitcoin::NetworkParams::new(
        wallet_core::bitcoin::Chain::Litecoin,
        wallet_core::bitcoin::Network::Regtest,
    )
    .unwrap();
    let tip_height = node.rpc("getblockcount", json!([])).as_u64().unwrap();
    let header = |h: u64| -> bitcoin::block::Header {
        let hash = node.rpc("getblockhash", json!([h]));
        let hex = node.rpc("getblockheader", json!([hash, false]));
        bitcoin::consensus::deserialize(&hex::decode(hex.as_str().unwrap()).unwrap()).unwrap()
    };
    let mut chain = HeaderChain::from_genesis(params).unwrap();
    chain
        .extend(&(1..=tip_height).map(header).collect::<Vec<_>>())
        .unwrap();
    let tip = chain.tip();
    let mut fake = bitcoin::block::Header {
        prev_blockhash: tip.hash,
        time: tip.header.time + 1,
        nonce: 0,
        ..tip.header
    };
    let target = bitcoin::pow::Target::from_compact(fake.bits);
    let scrypt_fails = |h: &bitcoin::block::Header| {
        matches!(
            chain.clone().extend(&[*h]),
            Err(VerifyError::ProofOfWork {
                algorithm: PowAlgorithm::Scrypt,
                ..
            })
        )
    };
    while !target.is_met_by(fake.block_hash()) || !scrypt_fails(&fake) {
        fake.nonce += 1;
    }
    let fake_hash = fake.block_hash().to_string();
    let fake_hex = hex::encode(bitcoin::consensus::serialize(&fake));
    let next = tip_height + 1;
    let liar = RewritingProxy::start(Upstream::node(node), move |req, resp| match method(req) {
        "getblockcount" => resp["result"] = json!(next),
        "getblockhash" if req["params"][0] == next => {
            *resp = json!({"result": fake_hash, "error": null, "id": req["id"]});
        }
        "getblockheader" if req["params"][0] == fake_hash.as_str() => {
            *resp = json!({"result": fake_hex, "error": null, "id": req["id"]});
        }
        _ => {}
    });
    let lv = ["--rpc-url", liar.url.as_str()];
    assert_unverified(
        &run_ltc(ks, &lv, &["balance", "w"], &[]),
        "the scrypt proof-of-work hash is above the target",
    );
}

/// A payment and a PSBT whose coins are proven, through an honest proxy.
fn honest_payments(ks: &Ks, node: &Node, honest: &RewritingProxy, sink: &str) {
    let hv = ["--rpc-url", honest.url.as_str()];
    let pay = ["--to", sink, "--amount", "1", "--fee-rate", "2"];
    let r = run_ltc(ks, &hv, &["create-psbt", "w"], &pay);
    r.assert_ok();
    let j = r.json();
    assert!(j["psbt"].is_string());
    assert_eq!(
        j["verified"]["coins"].as_array().unwrap().len(),
        j["inputs"].as_array().unwrap().len()
    );
    let mut send = pay.to_vec();
    send.push("--yes");
    let r = run_ltc(ks, &hv, &["send", "w"], &send);
    r.assert_ok();
    let j = r.json();
    let txid = j["txid"].as_str().unwrap();
    assert!(node.rpc("getmempoolentry", json!([txid])).is_object());
    let proven: Vec<&str> = j["verified"]["coins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["txid"].as_str().unwrap())
        .collect();
    for i in j["inputs"].as_array().unwrap() {
        assert!(proven.contains(&i["txid"].as_str().unwrap()), "{j}");
    }
    assert!(honest.saw("sendrawtransaction"));
    node.rpc("generatetoaddress", json!([1, sink]));
}

/// A stale tip that left the chain before the checkpoint (as a long-running
/// node lists many) is skipped without a request: its hash is unknown to
/// the node, so walking it would fail the command.
fn stale_tip_before_the_checkpoint(ks: &Ks, node: &Node, checkpoint: &str) {
    let proxy = RewritingProxy::start(Upstream::node(node), |req, resp| {
        if method(req) == "getchaintips" {
            let stale = json!({"height": 30, "hash": "22".repeat(32), "branchlen": 3, "status": "valid-fork"});
            resp["result"].as_array_mut().unwrap().push(stale);
        }
    });
    let via = ["--rpc-url", proxy.url.as_str()];
    let r = run_ltc(ks, &via, &["balance", "w"], &["--checkpoint", checkpoint]);
    r.assert_ok();
    assert!(
        r.json()["verified"]["forks_skipped"].as_u64() >= Some(1),
        "{}",
        r.stdout
    );
}

/// A fresh coinbase output the node calls spendable (not a coinbase).
fn immature_called_mature(ks: &Ks, node: &Node, to: &str) {
    node.rpc("generatetoaddress", json!([1, to]));
    let liar = RewritingProxy::start(Upstream::node(node), |req, resp| {
        if method(req) == "gettxout" && resp["result"].is_object() {
            resp["result"]["coinbase"] = json!(false);
        }
    });
    let lv = ["--rpc-url", liar.url.as_str()];
    assert_unverified(
        &run_ltc(ks, &lv, &["balance", "w"], &[]),
        "coinbase output with only 1 confirmations",
    );
}

/// The node's best chain is A; the proxy serves a shorter fork B as best,
/// but the node still reports A among its chain tips.
fn fork_with_less_work(ks: &Ks, node: &Node, sink: &str) {
    let height = node.rpc("getblockcount", json!([])).as_u64().unwrap();
    let a_top = node.rpc("getblockhash", json!([height - 1]));
    node.rpc("invalidateblock", json!([a_top]));
    node.rpc("generatetoaddress", json!([1, sink]));
    let b_tip = node
        .rpc("getbestblockhash", json!([]))
        .as_str()
        .unwrap()
        .to_owned();
    node.rpc("reconsiderblock", json!([a_top]));
    assert_eq!(node.rpc("getblockcount", json!([])).as_u64(), Some(height));
    let b_height = height - 1;
    let liar = RewritingProxy::start(Upstream::node(node), move |req, resp| match method(req) {
        "getblockcount" => resp["result"] = json!(b_height),
        "getblockhash" if req["params"][0] == b_height => resp["result"] = json!(b_tip),
        _ => {}
    });
    let lv = ["--rpc-url", liar.url.as_str()];
    assert_unverified(
        &run_ltc(ks, &lv, &["balance", "w"], &[]),
        "it is not the best chain",
    );
}

/// `--unit` applies to a verified balance as to a plain one.
#[test]
fn eth_balance_verify_honours_the_unit() {
    let Some(anvil) = Anvil::start() else {
        return;
    };
    anvil.rpc("evm_mine", json!([]));
    let r = eth_balance(&[&anvil.url], &["--unit", "gwei"]);
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["amount"], "10000000000000 gwei", "{j}");
    assert!(
        j["verified"]["accounts"][0]["balance_wei"].is_string(),
        "{j}"
    );
    let text = wallet(
        &[
            "eth",
            "balance",
            DEV_ADDR,
            "--verify",
            "--rpc-url",
            &anvil.url,
            "--unit",
            "gwei",
        ],
        "",
    );
    text.assert_ok();
    assert_eq!(text.stdout.trim(), "10000000000000 gwei");
}
