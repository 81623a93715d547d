//! Issue 21's Bitcoin-family payment features on a real Litecoin Core
//! regtest node: single-key wallets' balances and payments, the balance of
//! any address, "send max", several recipients, waiting for confirmations
//! and fee bumps (BIP125).

use crate::common::*;
use serde_json::{json, Value};
use std::time::Duration;

/// A keystore and a litecoind regtest node, with the wallet's commands run
/// against it (`--json`, the node's credentials, `--chain ltc --network regtest`).
struct Env {
    ks: Ks,
    node: Node,
    na: Vec<String>,
}

impl Env {
    fn new(extra: &[&str]) -> Option<Env> {
        let node = Node::litecoind_with(extra)?;
        let na = node.cli_args();
        Some(Env {
            ks: Ks::new(),
            node,
            na,
        })
    }

    /// `wallet --json btc ARGS <node> --chain ltc --network regtest`.
    fn btc(&self, args: &[&str]) -> Run {
        let mut a = vec!["--json", "btc"];
        a.extend_from_slice(args);
        a.extend(self.na.iter().map(String::as_str));
        a.extend(["--chain", "ltc", "--network", "regtest"]);
        self.ks.run(&a, "")
    }

    fn ok(&self, args: &[&str]) -> Value {
        let r = self.btc(args);
        r.assert_ok();
        r.json()
    }

    fn import(&self, name: &str, how: &[&str], stdin: &str) {
        let mut a = vec!["--json", "import", name];
        a.extend_from_slice(how);
        a.extend_from_slice(&FAST);
        self.ks.run(&a, stdin).assert_ok();
    }

    fn create(&self, name: &str) {
        let mut a = vec!["--json", "create", name];
        a.extend_from_slice(&FAST);
        self.ks.run(&a, "").assert_ok();
    }

    /// A new HD wallet `name` with one mature 50 LTC coin on each of its
    /// first `n` P2WPKH receive addresses.
    fn funded(&self, name: &str, n: u32) {
        self.create(name);
        for i in 0..n {
            let i = i.to_string();
            let mut a = vec!["--json", "address", name, "--chain", "ltc"];
            a.extend(["--network", "regtest", "--index", &i]);
            let r = self.ks.run(&a, "");
            r.assert_ok();
            let addr = r.json()["addresses"][0]["address"].clone();
            self.mine(1, addr.as_str().unwrap());
        }
        self.mine(100, &sink());
    }

    fn address(&self, name: &str, kind: &str) -> String {
        let r = self.ks.run(
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
    }

    fn mine(&self, n: u64, to: &str) {
        self.node.rpc("generatetoaddress", json!([n, to]));
    }

    /// Mines `blocks` blocks to `to` from another thread, one every
    /// `every`, after waiting `after`.
    fn mine_later(
        &self,
        after: Duration,
        blocks: u32,
        every: Duration,
        to: &str,
    ) -> std::thread::JoinHandle<()> {
        let (port, user, pass) = (
            self.node.port,
            self.node.user.clone(),
            self.node.pass.clone(),
        );
        let to = to.to_owned();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            for _ in 0..blocks {
                let call = json!({"jsonrpc": "1.0", "id": 1, "method": "generatetoaddress", "params": [1, to]});
                let v = http_post_auth(port, &user, &pass, &call);
                assert!(v["error"].is_null(), "{v}");
                std::thread::sleep(every);
            }
        })
    }

    /// Waits (up to 60 s) until the node's mempool holds `n` transactions.
    fn wait_for_mempool(&self, n: u64) {
        for _ in 0..600 {
            if sat(&self.node.rpc("getmempoolinfo", json!([]))["size"]) >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the mempool never reached {n} transactions");
    }

    fn in_mempool(&self, txid: &Value) -> bool {
        self.node
            .rpc("getrawmempool", json!([]))
            .as_array()
            .unwrap()
            .contains(txid)
    }

    /// The outputs of a transaction the node knows (-txindex), as
    /// (address, satoshis).
    fn outputs(&self, txid: &Value) -> Vec<(String, u64)> {
        let tx = self.node.rpc("getrawtransaction", json!([txid, true]));
        tx["vout"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                let spk = &o["scriptPubKey"];
                let addr = spk["address"]
                    .as_str()
                    .or_else(|| spk["addresses"][0].as_str())
                    .unwrap_or_default()
                    .to_owned();
                (addr, (o["value"].as_f64().unwrap() * 1e8).round() as u64)
            })
            .collect()
    }
}

/// A regtest address no wallet of these tests owns.
fn sink() -> String {
    other("p2wpkh", 9)
}

/// Another address of type `kind` no wallet of these tests owns.
fn other(kind: &str, index: u32) -> String {
    let i = index.to_string();
    let args = ["--json", "derive", "--chain", "ltc", "--network", "regtest"];
    let mut a = args.to_vec();
    a.extend(["--type", kind, "--index", &i]);
    let r = wallet(&a, ABANDON);
    r.json()["addresses"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn sat(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

const COIN: u64 = 100_000_000;
const TYPES: [&str; 4] = ["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"];
/// A compressed key (hex import) and an uncompressed one (WIF `5…`).
const HEX_KEY: &str = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const UNCOMPRESSED_WIF: &str = "5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf";

#[test]
fn issue21_10_single_key_balance_and_payment() {
    let Some(env) = Env::new(&[]) else { return };
    let sink = sink();
    env.import("k", &["--private-key"], &format!("{HEX_KEY}\n"));
    env.import("u", &["--wif"], UNCOMPRESSED_WIF);
    let k: Vec<String> = TYPES.iter().map(|t| env.address("k", t)).collect();
    let u = env.address("u", "p2pkh");
    for a in k.iter().chain([&u]) {
        env.mine(1, a);
    }
    env.mine(100, &sink);

    // Balances: the key's address of every type it has, no password asked
    // (the password file is removed to prove it).
    std::fs::remove_file(env.ks.dir.path().join("pw")).unwrap();
    let b = env.ok(&["balance", "k"]);
    assert_eq!(sat(&b["confirmed_sat"]), 4 * 50 * COIN, "{b}");
    for t in TYPES {
        assert_eq!(sat(&b["by_type_sat"][t]), 50 * COIN, "{t}: {b}");
    }
    let bu = env.ok(&["balance", "u"]);
    assert_eq!(sat(&bu["confirmed_sat"]), 50 * COIN, "{bu}");
    assert_eq!(sat(&bu["by_type_sat"]["p2pkh"]), 50 * COIN, "{bu}");
    std::fs::write(env.ks.dir.path().join("pw"), "pw\n").unwrap();

    // Any address, no wallet: its coins, immature coinbase outputs apart.
    let ba = env.ok(&["balance", &k[3]]);
    assert_eq!(ba["address"], k[3].as_str(), "{ba}");
    assert_eq!(sat(&ba["confirmed_sat"]), 50 * COIN, "{ba}");
    let bs = env.ok(&["balance", &sink]);
    assert!(sat(&bs["immature_sat"]) > 0, "{bs}");
    // A name that is neither a wallet nor an address, and a Bitcoin
    // mainnet address asked on Litecoin regtest.
    let r = env.btc(&["balance", "nosuchwallet"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "not_found");
    let r = env.btc(&["balance", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_network", "{}", r.stderr);

    // A payment from the compressed key: coins of several types, the
    // change back to its own P2WPKH address, no derivation paths.
    let p = env.ok(&[
        "send",
        "k",
        "--yes",
        "--to",
        &sink,
        "--amount",
        "120",
        "--fee-rate",
        "2",
    ]);
    let inputs = p["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 3, "{p}");
    assert!(inputs.iter().all(|i| i.get("path").is_none()), "{p}");
    assert_eq!(p["change"]["address"], k[2].as_str(), "{p}");
    assert!(p["change"].get("path").is_none(), "{p}");
    assert!(sat(&p["fee_sat"]) >= 2 * sat(&p["vsize"]), "{p}");
    assert!(env.in_mempool(&p["txid"]));
    env.mine(1, &sink);
    let after = env.ok(&["balance", "k"]);
    assert_eq!(
        sat(&after["confirmed_sat"]),
        4 * 50 * COIN - 120 * COIN - sat(&p["fee_sat"]),
        "{after}"
    );
    // Another change type: back to the key's own address of that type.
    let p = env.ok(&[
        "send",
        "k",
        "--yes",
        "--to",
        &sink,
        "--amount",
        "1",
        "--fee-rate",
        "2",
        "--change-type",
        "p2tr",
    ]);
    assert_eq!(p["change"]["address"], k[3].as_str(), "{p}");

    // The uncompressed key: P2PKH only, change to its P2PKH address by
    // default, and its longer signature script counted in the fee (at 1
    // sat/vB, the relay minimum, an undercount would be refused).
    let p = env.ok(&[
        "send",
        "u",
        "--yes",
        "--to",
        &sink,
        "--amount",
        "10",
        "--fee-rate",
        "1",
    ]);
    assert_eq!(p["change"]["address"], u.as_str(), "{p}");
    assert!(sat(&p["fee_sat"]) >= sat(&p["vsize"]), "{p}");
    assert!(env.in_mempool(&p["txid"]));
    let r = env.btc(&[
        "send",
        "u",
        "--yes",
        "--to",
        &sink,
        "--amount",
        "1",
        "--change-type",
        "p2wpkh",
    ]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "unsupported", "{}", r.stderr);
    env.mine(1, &sink);

    // An unsigned PSBT of a single key (no BIP32 origins) that the key
    // signs and the node accepts.
    let r = env.ok(&[
        "send",
        "k",
        "--psbt-only",
        "--to",
        &sink,
        "--amount",
        "2",
        "--fee-rate",
        "2",
    ]);
    let psbt = r["psbt"].as_str().unwrap();
    let signed = env.ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "k",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--finalize",
        ],
        psbt,
    );
    signed.assert_ok();
    let hex_tx = signed.json()["hex"].as_str().unwrap().to_owned();
    let sent = env.ok(&["broadcast", &hex_tx]);
    assert!(env.in_mempool(&sent["txid"]), "{sent}");
    let paid = env.outputs(&sent["txid"]);
    assert!(paid.contains(&(sink.clone(), 2 * COIN)), "{paid:?}");
}

#[test]
fn issue21_28b_several_recipients_in_one_send() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 2);
    let (a, b, c) = (other("p2wpkh", 1), other("p2tr", 2), other("p2pkh", 3));
    let before = sat(&env.ok(&["balance", "w"])["confirmed_sat"]);
    let p = env.ok(&[
        "send",
        "w",
        "--yes",
        "--fee-rate",
        "3",
        "--to",
        &a,
        "--amount",
        "1",
        "--to",
        &b,
        "--amount",
        "60",
        "--to",
        &c,
        "--amount",
        "0.1",
    ]);
    // Every recipient, in order; the sum; no single "to". The coins of
    // both addresses were needed (61.1 LTC from two 50 LTC coins).
    let want = [(&a, 100_000_000u64), (&b, 6_000_000_000), (&c, 10_000_000)];
    let payees = p["payees"].as_array().unwrap();
    assert_eq!(payees.len(), 3, "{p}");
    for (got, (addr, amount)) in payees.iter().zip(want) {
        assert_eq!(got["to"], addr.as_str(), "{p}");
        assert_eq!(sat(&got["amount_sat"]), amount, "{p}");
    }
    assert!(p.get("to").is_none(), "{p}");
    assert_eq!(sat(&p["amount_sat"]), 6_110_000_000, "{p}");
    assert_eq!(p["inputs"].as_array().unwrap().len(), 2, "{p}");
    // The fee covers every output's weight at the rate asked.
    assert!(sat(&p["fee_sat"]) >= 3 * sat(&p["vsize"]), "{p}");
    let outs = env.outputs(&p["txid"]);
    assert_eq!(outs.len(), 4, "{outs:?}");
    for (addr, amount) in want {
        assert!(outs.contains(&(addr.clone(), amount)), "{outs:?}");
    }
    let change = (
        p["change"]["address"].as_str().unwrap().to_owned(),
        sat(&p["change"]["amount_sat"]),
    );
    assert!(outs.contains(&change), "{outs:?}");
    env.mine(1, &sink());
    let after = sat(&env.ok(&["balance", "w"])["confirmed_sat"]);
    assert_eq!(after, before - 6_110_000_000 - sat(&p["fee_sat"]));

    // The summary lists each recipient and the sum.
    let mut args = vec!["btc", "send", "w", "--yes", "--fee-rate", "2"];
    args.extend([
        "--to", &a, "--amount", "0.5", "--to", &b, "--amount", "0.25",
    ]);
    args.extend(env.na.iter().map(String::as_str));
    args.extend(["--chain", "ltc", "--network", "regtest"]);
    let r = env.ks.run(&args, "");
    r.assert_ok();
    assert!(
        r.stderr.contains(&format!("Pay 0.5 LTC to {a}\n")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("Pay 0.25 LTC to {b}\n")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("(0.75 LTC in all)"), "{}", r.stderr);

    // Refused before anything is sent: amounts that do not pair up, an
    // address twice, one output below its dust limit.
    let pool = env.node.rpc("getmempoolinfo", json!([]))["size"].clone();
    for (args, want) in [
        (
            vec!["--to", &a, "--to", &b, "--amount", "1"],
            "2 recipients but 1 amounts",
        ),
        (
            vec!["--to", &a, "--amount", "1", "--to", &a, "--amount", "2"],
            "paid twice",
        ),
        (
            vec![
                "--to", &a, "--amount", "1", "--to", &c, "--amount", "5000sat",
            ],
            "5460 sat",
        ),
    ] {
        let mut full = vec!["send", "w", "--yes", "--fee-rate", "2"];
        full.extend(args);
        let r = env.btc(&full);
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "invalid_input", "{e}");
        assert!(e["message"].as_str().unwrap().contains(want), "{e}");
    }
    assert_eq!(env.node.rpc("getmempoolinfo", json!([]))["size"], pool);
}

#[test]
fn issue21_28a_send_max_pays_everything_less_the_fee() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 3);
    // A coinbase output not yet mature is not spendable: not swept.
    let young = {
        let r = env.ks.run(
            &[
                "--json",
                "address",
                "w",
                "--chain",
                "ltc",
                "--network",
                "regtest",
                "--index",
                "7",
            ],
            "",
        );
        r.json()["addresses"][0]["address"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    env.mine(1, &young);
    let to = other("p2tr", 4);
    let before = env.ok(&["balance", "w"]);
    assert_eq!(sat(&before["confirmed_sat"]), 150 * COIN, "{before}");
    let mut args = vec!["btc", "send", "w", "--yes", "--fee-rate", "4", "--to", &to];
    args.extend(["--amount", "max"]);
    args.extend(env.na.iter().map(String::as_str));
    args.extend(["--chain", "ltc", "--network", "regtest"]);
    let text = env.ks.run(&args, "");
    text.assert_ok();
    assert!(
        text.stderr
            .contains("(everything spendable, less the fee) to"),
        "{}",
        text.stderr
    );
    assert!(text.stderr.contains("change none"), "{}", text.stderr);
    let txid = json!(text.stdout.trim());
    let outs = env.outputs(&txid);
    assert_eq!(outs.len(), 1, "no change: {outs:?}");
    let tx = env.node.rpc("getrawtransaction", json!([txid, true]));
    assert_eq!(tx["vin"].as_array().unwrap().len(), 3, "{tx}");
    let (addr, paid) = &outs[0];
    assert_eq!(addr, &to);
    let fee = 150 * COIN - paid;
    let vsize = sat(&tx["vsize"]);
    assert!(
        fee >= 4 * vsize && fee < 5 * vsize,
        "fee {fee} for {vsize} vB"
    );
    env.mine(1, &sink());
    let after = env.ok(&["balance", "w"]);
    assert_eq!(sat(&after["confirmed_sat"]), 0, "{after}");
    assert!(sat(&after["immature_sat"]) > 0, "{after}");
    // Nothing left to sweep (the immature coin is named); "max" among
    // several recipients is refused.
    let r = env.btc(&["send", "w", "--yes", "--to", &to, "--amount", "max"]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "insufficient_funds", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("not yet mature"),
        "{e}"
    );
    let r = env.btc(&[
        "send",
        "w",
        "--yes",
        "--to",
        &to,
        "--amount",
        "max",
        "--to",
        &sink(),
        "--amount",
        "1",
    ]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("one recipient"),
        "{e}"
    );

    // A single key sweeps its addresses of every type into one output.
    env.import("k", &["--private-key"], &format!("{HEX_KEY}\n"));
    for t in ["p2pkh", "p2tr"] {
        env.mine(1, &env.address("k", t));
    }
    env.mine(100, &sink());
    let p = env.ok(&[
        "send",
        "k",
        "--yes",
        "--fee-rate",
        "2",
        "--to",
        &to,
        "--amount",
        "MAX",
    ]);
    assert_eq!(p["payees"][0]["max"], true, "{p}");
    assert!(p.get("change").is_none(), "{p}");
    assert_eq!(p["inputs"].as_array().unwrap().len(), 2, "{p}");
    assert_eq!(
        sat(&p["amount_sat"]) + sat(&p["fee_sat"]),
        100 * COIN,
        "{p}"
    );
    assert!(env.in_mempool(&p["txid"]));
}

#[test]
fn issue21_28c_send_wait_for_confirmations() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 2);
    let to = sink();
    // --wait 3 while another thread mines: the txid first, then a line
    // per confirmation on stderr, then the count.
    let miner = env.mine_later(
        Duration::from_millis(2500),
        3,
        Duration::from_millis(1200),
        &to,
    );
    let mut args = vec!["btc", "send", "w", "--yes", "--fee-rate", "2", "--to", &to];
    args.extend(["--amount", "1", "--wait", "3"]);
    args.extend(env.na.iter().map(String::as_str));
    args.extend(["--chain", "ltc", "--network", "regtest"]);
    let r = env.ks.run(&args, "");
    miner.join().unwrap();
    r.assert_ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    let txid = lines[0];
    assert_eq!(lines[1], "3 confirmations", "{}", r.stdout);
    // (Polls are at most a second apart, blocks 1.2 s.)
    for k in 1..3 {
        let want = format!("waiting for 3 confirmations of {txid} ({k} so far)");
        assert!(r.stderr.contains(&want), "{want} in {}", r.stderr);
    }
    let tx = env.node.rpc("getrawtransaction", json!([txid, true]));
    assert_eq!(sat(&tx["confirmations"]), 3, "{tx}");

    // JSON: --wait alone is one confirmation; `confirmations` is in the result.
    let miner = env.mine_later(Duration::from_millis(300), 1, Duration::ZERO, &to);
    let p = env.ok(&["send", "w", "--yes", "--to", &to, "--amount", "1", "--wait"]);
    miner.join().unwrap();
    assert_eq!(sat(&p["confirmations"]), 1, "{p}");
    assert!(!env.in_mempool(&p["txid"]));

    // Nothing mined: a timeout error that names the transaction, which was
    // sent and stays in the mempool.
    let r = env.btc(&[
        "send",
        "w",
        "--yes",
        "--to",
        &to,
        "--amount",
        "1",
        "--wait",
        "--wait-timeout",
        "2",
    ]);
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "timeout", "{e}");
    assert_eq!(e["pending"], true, "{e}");
    let txid = e["tx"].clone();
    assert!(env.in_mempool(&txid), "{e}");
    env.mine(1, &to);

    // A payment whose only output is spent by the time it has its
    // confirmations: found in the blocks mined since it was built.
    env.import("k", &["--private-key"], &format!("{HEX_KEY}\n"));
    let to_k = env.address("k", "p2wpkh");
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            env.btc(&[
                "send", "w", "--yes", "--to", &to_k, "--amount", "max", "--wait", "3",
            ])
        });
        env.wait_for_mempool(1);
        env.mine(1, &to);
        let spent = env.ok(&["send", "k", "--yes", "--to", &to, "--amount", "max"]);
        env.mine(2, &to);
        let r = waiter.join().unwrap();
        r.assert_ok();
        let p = r.json();
        assert_eq!(sat(&p["confirmations"]), 3, "{p}");
        let spends = env
            .node
            .rpc("getrawtransaction", json!([spent["txid"], true]));
        assert_eq!(spends["vin"][0]["txid"], p["txid"], "{spends}");
    });
    // --wait-timeout needs --wait; --wait does not go with --psbt-only.
    let r = env.btc(&[
        "send",
        "w",
        "--to",
        &to,
        "--amount",
        "1",
        "--wait-timeout",
        "5",
    ]);
    r.assert_fails(2);
    let r = env.btc(&[
        "send",
        "w",
        "--to",
        &to,
        "--amount",
        "1",
        "--wait",
        "--psbt-only",
    ]);
    r.assert_fails(2);
}

/// Litecoin leaves BIP125 replacement off by default.
const RBF: [&str; 1] = ["-mempoolreplacement=1"];

#[test]
fn issue21_28d_bump_fee_replaces_the_payment() {
    let Some(env) = Env::new(&RBF) else { return };
    env.funded("w", 2);
    let to = sink();
    let orig = env.ok(&[
        "send",
        "w",
        "--yes",
        "--to",
        &to,
        "--amount",
        "1",
        "--fee-rate",
        "2",
    ]);
    let old_fee = sat(&orig["fee_sat"]);
    let bump = env.ok(&[
        "bump-fee",
        "w",
        orig["txid"].as_str().unwrap(),
        "--fee-rate",
        "10",
        "--yes",
    ]);
    // The same coins and payee, the fee from the change (same address).
    assert_eq!(bump["replaces"], orig["txid"], "{bump}");
    assert_eq!(bump["inputs"], orig["inputs"], "{bump}");
    assert_eq!(bump["payees"], orig["payees"], "{bump}");
    assert_eq!(bump["added_inputs"], 0, "{bump}");
    assert_eq!(
        bump["change"]["address"], orig["change"]["address"],
        "{bump}"
    );
    assert_eq!(bump["change"]["path"], orig["change"]["path"], "{bump}");
    let fee = sat(&bump["fee_sat"]);
    assert_eq!(
        sat(&bump["change"]["amount_sat"]),
        sat(&orig["change"]["amount_sat"]) - (fee - old_fee),
        "{bump}"
    );
    assert_eq!(sat(&bump["replaced_fee_sat"]), old_fee, "{bump}");
    // BIP125 rules 3 and 4 (Litecoin's incremental relay fee: 1 sat/vB),
    // and the rate asked.
    let vsize = sat(&bump["vsize"]);
    assert!(fee >= 10 * vsize && fee >= old_fee + vsize, "{bump}");
    assert!(fee >= sat(&bump["min_fee_sat"]), "{bump}");
    // Accepted; the original left the mempool.
    assert_eq!(bump["replaced_in_mempool"], false, "{bump}");
    assert!(env.in_mempool(&bump["txid"]));
    assert!(!env.in_mempool(&orig["txid"]));
    let outs = env.outputs(&bump["txid"]);
    assert!(outs.contains(&(to.clone(), COIN)), "{outs:?}");

    // Not higher than the replacement's own rate: refused.
    let r = env.btc(&[
        "bump-fee",
        "w",
        bump["txid"].as_str().unwrap(),
        "--fee-rate",
        "5",
        "--yes",
    ]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("already pays"),
        "{e}"
    );

    // A payment waited for and bumped meanwhile: the wait says it was
    // replaced.
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            env.btc(&[
                "send",
                "w",
                "--yes",
                "--to",
                &to,
                "--amount",
                "2",
                "--fee-rate",
                "2",
                "--wait",
            ])
        });
        env.wait_for_mempool(2);
        let pool = env.node.rpc("getrawmempool", json!([]));
        let waited = pool
            .as_array()
            .unwrap()
            .iter()
            .find(|t| **t != bump["txid"])
            .unwrap()
            .clone();
        let again = env.ok(&[
            "bump-fee",
            "w",
            waited.as_str().unwrap(),
            "--fee-rate",
            "20",
            "--yes",
        ]);
        assert_eq!(again["replaces"], waited, "{again}");
        let r = waiter.join().unwrap();
        r.assert_fails(3);
        let e = r.err_json();
        assert_eq!(e["kind"], "rejected", "{e}");
        assert!(e["message"].as_str().unwrap().contains("replaced"), "{e}");
    });

    // Once mined, there is nothing to bump.
    env.mine(1, &to);
    let r = env.btc(&[
        "bump-fee",
        "w",
        bump["txid"].as_str().unwrap(),
        "--fee-rate",
        "30",
        "--yes",
    ]);
    r.assert_fails(1);
    let e = r.err_json();
    assert!(
        e["message"].as_str().unwrap().contains("already confirmed"),
        "{e}"
    );

    // A single key's payment: its change is its own address.
    env.import("k", &["--private-key"], &format!("{HEX_KEY}\n"));
    env.mine(1, &env.address("k", "p2tr"));
    env.mine(100, &to);
    let orig = env.ok(&[
        "send",
        "k",
        "--yes",
        "--to",
        &to,
        "--amount",
        "1",
        "--fee-rate",
        "2",
    ]);
    let bump = env.ok(&[
        "bump-fee",
        "k",
        orig["txid"].as_str().unwrap(),
        "--fee-rate",
        "8",
        "--yes",
    ]);
    assert_eq!(
        bump["change"]["address"],
        env.address("k", "p2wpkh").as_str(),
        "{bump}"
    );
    assert!(env.in_mempool(&bump["txid"]) && !env.in_mempool(&orig["txid"]));
}

#[test]
fn issue21_28d_bump_fee_adds_coins_and_refuses_what_it_cannot_replace() {
    let Some(env) = Env::new(&RBF) else { return };
    let to = sink();
    // A payment with no change (one 50 LTC coin, exactly paid but for a
    // 300 sat fee): the bump adds the wallet's other coin and makes change.
    env.funded("g", 2);
    let orig = env.ok(&[
        "send",
        "g",
        "--yes",
        "--to",
        &to,
        "--amount",
        "4999999700sat",
        "--fee-rate",
        "2",
    ]);
    assert!(orig.get("change").is_none(), "{orig}");
    assert_eq!(orig["inputs"].as_array().unwrap().len(), 1, "{orig}");
    let bump = env.ok(&[
        "bump-fee",
        "g",
        orig["txid"].as_str().unwrap(),
        "--fee-rate",
        "10",
        "--yes",
    ]);
    assert_eq!(bump["added_inputs"], 1, "{bump}");
    assert_eq!(bump["inputs"].as_array().unwrap().len(), 2, "{bump}");
    assert!(
        bump["change"]["path"].as_str().unwrap().ends_with("/1/0"),
        "{bump}"
    );
    assert_eq!(bump["payees"], orig["payees"], "{bump}");
    assert!(sat(&bump["fee_sat"]) >= 10 * sat(&bump["vsize"]), "{bump}");
    assert!(env.in_mempool(&bump["txid"]) && !env.in_mempool(&orig["txid"]));

    // No change and no other coin: nothing to pay a higher fee with.
    env.funded("m", 1);
    let max = env.ok(&[
        "send",
        "m",
        "--yes",
        "--to",
        &to,
        "--amount",
        "max",
        "--fee-rate",
        "2",
    ]);
    let r = env.btc(&[
        "bump-fee",
        "m",
        max["txid"].as_str().unwrap(),
        "--fee-rate",
        "10",
        "--yes",
    ]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "insufficient_funds", "{e}");
    assert!(e["message"].as_str().unwrap().contains("no change"), "{e}");

    // Another wallet's payment is not ours to bump.
    let r = env.btc(&[
        "bump-fee",
        "g",
        max["txid"].as_str().unwrap(),
        "--fee-rate",
        "10",
        "--yes",
    ]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not one of this wallet's coins"),
        "{e}"
    );

    // A payment of ours that does not signal BIP125 (final sequences).
    env.mine(1, &to);
    let unsigned = env.ok(&[
        "send",
        "g",
        "--psbt-only",
        "--to",
        &to,
        "--amount",
        "1",
        "--fee-rate",
        "2",
    ]);
    let mut psbt: bitcoin::psbt::Psbt = unsigned["psbt"].as_str().unwrap().parse().unwrap();
    for i in &mut psbt.unsigned_tx.input {
        i.sequence = bitcoin::Sequence::MAX;
    }
    let signed = env.ks.run(
        &[
            "--json",
            "btc",
            "sign-psbt",
            "--yes",
            "g",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--finalize",
        ],
        &psbt.to_string(),
    );
    signed.assert_ok();
    let sent = env.ok(&["broadcast", signed.json()["hex"].as_str().unwrap()]);
    let r = env.btc(&[
        "bump-fee",
        "g",
        sent["txid"].as_str().unwrap(),
        "--fee-rate",
        "10",
        "--yes",
    ]);
    r.assert_fails(1);
    let e = r.err_json();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("does not signal replace-by-fee"),
        "{e}"
    );
    // A txid the node does not know, and one that is not a txid.
    let unknown = "11".repeat(32);
    let r = env.btc(&["bump-fee", "g", &unknown, "--fee-rate", "10", "--yes"]);
    r.assert_fails(1);
    assert!(r.err_json()["message"]
        .as_str()
        .unwrap()
        .contains("not in the node's mempool"));
    let r = env.btc(&["bump-fee", "g", "nope", "--fee-rate", "10", "--yes"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input");
}
