//! Issue 21's Bitcoin-family payment features on a real Litecoin Core
//! regtest node: single-key wallets' balances and payments, the balance of
//! any address, "send max", several recipients, waiting for confirmations
//! and fee bumps (BIP125).

use crate::common::*;
use serde_json::{json, Value};
use std::time::Duration;

/// A keystore and a litecoind regtest node, with the wallet's commands run
/// against it (the node's credentials, `--chain ltc --network regtest`).
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

    /// `wallet [--json] btc LINE <node> --chain ltc --network regtest`
    /// (LINE split at spaces).
    fn run(&self, json: bool, line: &str) -> Run {
        let mut a = if json { vec!["--json"] } else { vec![] };
        a.push("btc");
        a.extend(line.split_whitespace());
        a.extend(self.na.iter().map(String::as_str));
        a.extend(["--chain", "ltc", "--network", "regtest"]);
        self.ks.run(&a, "")
    }

    /// [`Env::run`] with `--json`.
    fn btc(&self, line: &str) -> Run {
        self.run(true, line)
    }

    /// [`Env::btc`], which must succeed: its JSON.
    fn ok(&self, line: &str) -> Value {
        let r = self.btc(line);
        r.assert_ok();
        r.json()
    }

    /// [`Env::btc`], which must fail with exit code `code`: its error JSON,
    /// whose message must contain `want`.
    fn fails(&self, code: i32, line: &str, want: &str) -> Value {
        let r = self.btc(line);
        r.assert_fails(code);
        let e = r.err_json();
        assert!(e["message"].as_str().unwrap().contains(want), "{want}: {e}");
        e
    }

    fn import(&self, name: &str, how: &str, stdin: &str) {
        let mut a = vec!["--json", "import", name, how];
        a.extend_from_slice(&FAST);
        self.ks.run(&a, stdin).assert_ok();
    }

    /// A new HD wallet `name` with one mature 50 LTC coin on each of its
    /// first `n` P2WPKH receive addresses.
    fn funded(&self, name: &str, n: u32) {
        let mut a = vec!["--json", "create", name];
        a.extend_from_slice(&FAST);
        self.ks.run(&a, "").assert_ok();
        for i in 0..n {
            self.mine(1, &self.address(name, "p2wpkh", i));
        }
        self.mine(100, &sink());
    }

    /// Receive address `index` of type `kind` of wallet `name`.
    fn address(&self, name: &str, kind: &str, index: u32) -> String {
        let i = index.to_string();
        let mut a = vec!["--json", "address", name, "--chain", "ltc"];
        a.extend(["--network", "regtest", "--type", kind]);
        // (A single key takes no --index.)
        if index > 0 {
            a.extend(["--index", &i]);
        }
        let r = self.ks.run(&a, "");
        r.assert_ok();
        let v = r.json()["addresses"][0]["address"].clone();
        v.as_str().unwrap().to_owned()
    }

    fn mine(&self, n: u64, to: &str) {
        self.node.rpc("generatetoaddress", json!([n, to]));
    }

    /// Mines `blocks` blocks to `to` from another thread, one every
    /// `every`, after waiting `after`.
    fn mine_later(&self, after: Duration, blocks: u32, every: Duration, to: &str) -> Miner {
        let node = &self.node;
        let (port, user, pass) = (node.port, node.user.clone(), node.pass.clone());
        let call =
            json!({"jsonrpc": "1.0", "id": 1, "method": "generatetoaddress", "params": [1, to]});
        std::thread::spawn(move || {
            std::thread::sleep(after);
            for _ in 0..blocks {
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

    fn mempool(&self) -> Vec<Value> {
        let v = self.node.rpc("getrawmempool", json!([]));
        v.as_array().unwrap().clone()
    }

    fn in_mempool(&self, txid: &Value) -> bool {
        self.mempool().contains(txid)
    }

    /// The outputs of a transaction the node knows (-txindex), as
    /// (address, satoshis).
    fn outputs(&self, txid: &Value) -> Vec<(String, u64)> {
        let tx = self.node.rpc("getrawtransaction", json!([txid, true]));
        let outs = tx["vout"].as_array().unwrap();
        outs.iter()
            .map(|o| {
                let spk = &o["scriptPubKey"];
                let a = spk["address"].as_str().or(spk["addresses"][0].as_str());
                let value = (o["value"].as_f64().unwrap() * 1e8).round() as u64;
                (a.unwrap_or_default().to_owned(), value)
            })
            .collect()
    }
}

type Miner = std::thread::JoinHandle<()>;

/// A regtest address no wallet of these tests owns.
fn sink() -> String {
    other("p2wpkh", 9)
}

/// Another address of type `kind` no wallet of these tests owns.
fn other(kind: &str, index: u32) -> String {
    let i = index.to_string();
    let mut a = vec!["--json", "derive", "--chain", "ltc", "--network", "regtest"];
    a.extend(["--type", kind, "--index", &i]);
    let v = wallet(&a, ABANDON).json()["addresses"][0]["address"].clone();
    v.as_str().unwrap().to_owned()
}

fn sat(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn txid(v: &Value) -> &str {
    v["txid"].as_str().unwrap()
}

const COIN: u64 = 100_000_000;
const TYPES: [&str; 4] = ["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"];
/// A compressed key (hex import) and an uncompressed one (WIF `5…`).
const HEX_KEY: &str = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const UNCOMPRESSED_WIF: &str = "5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf";
/// Litecoin leaves BIP125 replacement off by default.
const RBF: [&str; 1] = ["-mempoolreplacement=1"];

/// The hex key imported as `k`, with a mature coin on its address of each
/// of `kinds`; its addresses of every type.
fn single_key(env: &Env, kinds: &[&str]) -> Vec<String> {
    env.import("k", "--private-key", &format!("{HEX_KEY}\n"));
    let k: Vec<String> = TYPES.iter().map(|t| env.address("k", t, 0)).collect();
    for kind in kinds {
        let i = TYPES.iter().position(|t| t == kind).unwrap();
        env.mine(1, &k[i]);
    }
    env.mine(100, &sink());
    k
}

#[test]
fn issue21_10_single_key_balance_and_payment() {
    let Some(env) = Env::new(&[]) else { return };
    let sink = sink();
    let k = single_key(&env, &TYPES);
    // The key's address of every type, no password asked (the password
    // file is removed to prove it).
    std::fs::remove_file(env.ks.dir.path().join("pw")).unwrap();
    let b = env.ok("balance k");
    assert_eq!(sat(&b["confirmed_sat"]), 4 * 50 * COIN, "{b}");
    for t in TYPES {
        assert_eq!(sat(&b["by_type_sat"][t]), 50 * COIN, "{t}: {b}");
    }
    std::fs::write(env.ks.dir.path().join("pw"), "pw\n").unwrap();
    // Coins of several types; the change back to its own P2WPKH address;
    // no derivation paths.
    let p = env.ok(&format!(
        "send k --yes --to {sink} --amount 120 --fee-rate 2"
    ));
    let inputs = p["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 3, "{p}");
    assert!(inputs.iter().all(|i| i.get("path").is_none()), "{p}");
    assert_eq!(p["change"]["address"], k[2].as_str(), "{p}");
    assert!(p["change"].get("path").is_none(), "{p}");
    assert!(sat(&p["fee_sat"]) >= 2 * sat(&p["vsize"]), "{p}");
    assert!(env.in_mempool(&p["txid"]));
    env.mine(1, &sink);
    let after = sat(&env.ok("balance k")["confirmed_sat"]);
    assert_eq!(after, 4 * 50 * COIN - 120 * COIN - sat(&p["fee_sat"]));
    // Another change type: back to the key's own address of that type.
    let p = env.ok(&format!(
        "send k --yes --to {sink} --amount 1 --fee-rate 2 --change-type p2tr"
    ));
    assert_eq!(p["change"]["address"], k[3].as_str(), "{p}");
}

#[test]
fn issue21_10_uncompressed_single_key_pays_from_its_p2pkh_address() {
    let Some(env) = Env::new(&[]) else { return };
    let sink = sink();
    env.import("u", "--wif", UNCOMPRESSED_WIF);
    let u = env.address("u", "p2pkh", 0);
    env.mine(1, &u);
    env.mine(100, &sink);
    let b = env.ok("balance u");
    assert_eq!(sat(&b["confirmed_sat"]), 50 * COIN, "{b}");
    assert_eq!(sat(&b["by_type_sat"]["p2pkh"]), 50 * COIN, "{b}");
    // Change to its P2PKH address by default, and its longer signature
    // script counted in the fee (at 1 sat/vB, the relay minimum, an
    // undercount would be refused).
    let p = env.ok(&format!(
        "send u --yes --to {sink} --amount 10 --fee-rate 1"
    ));
    assert_eq!(p["change"]["address"], u.as_str(), "{p}");
    assert!(sat(&p["fee_sat"]) >= sat(&p["vsize"]), "{p}");
    assert!(env.in_mempool(&p["txid"]));
    // It has no other type.
    let line = format!("send u --yes --to {sink} --amount 1 --change-type p2wpkh");
    let e = env.fails(1, &line, "only a P2PKH address");
    assert_eq!(e["kind"], "unsupported", "{e}");
}

#[test]
fn issue21_10_single_key_psbt_signs_by_script_and_is_accepted() {
    let Some(env) = Env::new(&[]) else { return };
    let sink = sink();
    single_key(&env, &["p2wpkh", "p2tr"]);
    // An unsigned PSBT of a single key (no BIP32 origins) that the key
    // signs and the node accepts.
    let r = env.ok(&format!(
        "send k --psbt-only --to {sink} --amount 60 --fee-rate 2"
    ));
    let psbt: bitcoin::psbt::Psbt = r["psbt"].as_str().unwrap().parse().unwrap();
    assert_eq!(psbt.inputs.len(), 2);
    assert!(psbt.inputs.iter().all(|i| i.bip32_derivation.is_empty()));
    assert!(psbt.inputs.iter().all(|i| i.tap_key_origins.is_empty()));
    let sign = "sign-psbt --yes k --chain ltc --network regtest --finalize";
    let mut a = vec!["--json", "btc"];
    a.extend(sign.split_whitespace());
    let signed = env.ks.run(&a, r["psbt"].as_str().unwrap());
    signed.assert_ok();
    let sent = env.ok(&format!(
        "broadcast {}",
        signed.json()["hex"].as_str().unwrap()
    ));
    assert!(env.in_mempool(&sent["txid"]), "{sent}");
    let paid = env.outputs(&sent["txid"]);
    assert!(paid.contains(&(sink.clone(), 60 * COIN)), "{paid:?}");
}

#[test]
fn issue21_10_btc_balance_of_any_address() {
    let Some(env) = Env::new(&[]) else { return };
    let to = other("p2tr", 1);
    env.mine(1, &to);
    env.mine(100, &sink());
    let b = env.ok(&format!("balance {to}"));
    assert_eq!(b["address"], to.as_str(), "{b}");
    assert_eq!(sat(&b["confirmed_sat"]), 50 * COIN, "{b}");
    assert_eq!(b["utxos"], 1, "{b}");
    // Immature coinbase outputs apart.
    let s = env.ok(&format!("balance {}", sink()));
    assert!(sat(&s["immature_sat"]) > 0, "{s}");
    let text = env.run(false, &format!("balance {to}"));
    text.assert_ok();
    assert_eq!(text.stdout, "50 LTC\n");
    // Neither a wallet nor an address; a Bitcoin mainnet address asked
    // on Litecoin regtest.
    let e = env.fails(1, "balance nosuchwallet", "nosuchwallet");
    assert_eq!(e["kind"], "not_found");
    let e = env.fails(
        1,
        "balance bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        "address",
    );
    assert_eq!(e["kind"], "wrong_network", "{e}");
}

#[test]
fn issue21_28b_several_recipients_in_one_send() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 2);
    let (a, b, c) = (other("p2wpkh", 1), other("p2tr", 2), other("p2pkh", 3));
    let before = sat(&env.ok("balance w")["confirmed_sat"]);
    let p = env.ok(&format!(
        "send w --yes --fee-rate 3 --to {a} --amount 1 --to {b} --amount 60 --to {c} --amount 0.1"
    ));
    // Every recipient, in order; the sum; no single "to". Both 50 LTC
    // coins were needed.
    let want = [(&a, COIN), (&b, 60 * COIN), (&c, COIN / 10)];
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
    let change = p["change"]["address"].as_str().unwrap().to_owned();
    assert!(outs.contains(&(change, sat(&p["change"]["amount_sat"]))));
    env.mine(1, &sink());
    let after = sat(&env.ok("balance w")["confirmed_sat"]);
    assert_eq!(after, before - 6_110_000_000 - sat(&p["fee_sat"]));
    // The summary lists each recipient and the sum.
    let line = format!("send w --yes --fee-rate 2 --to {a} --amount 0.5 --to {b} --amount 0.25");
    let r = env.run(false, &line);
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
}

#[test]
fn issue21_28b_several_recipients_refused_before_anything_is_sent() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 1);
    let (a, b, c) = (other("p2wpkh", 1), other("p2tr", 2), other("p2pkh", 3));
    // Amounts that do not pair up, an address twice, one output below its
    // dust limit (Litecoin's P2PKH limit: 5460 sat).
    for (args, want) in [
        (
            format!("--to {a} --to {b} --amount 1"),
            "2 recipients but 1 amounts",
        ),
        (
            format!("--to {a} --amount 1 --to {a} --amount 2"),
            "paid twice",
        ),
        (
            format!("--to {a} --amount 1 --to {c} --amount 5000sat"),
            "5460 sat",
        ),
    ] {
        let e = env.fails(1, &format!("send w --yes --fee-rate 2 {args}"), want);
        assert_eq!(e["kind"], "invalid_input", "{e}");
    }
    assert!(env.mempool().is_empty());
}

#[test]
fn issue21_28a_send_max_pays_everything_less_the_fee() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 3);
    // A coinbase output not yet mature is not spendable: not swept.
    env.mine(1, &env.address("w", "p2wpkh", 7));
    let to = other("p2tr", 4);
    assert_eq!(sat(&env.ok("balance w")["confirmed_sat"]), 150 * COIN);
    let r = env.run(
        false,
        &format!("send w --yes --fee-rate 4 --to {to} --amount max"),
    );
    r.assert_ok();
    assert!(
        r.stderr.contains("(everything spendable, less the fee) to"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("change none"), "{}", r.stderr);
    // One output (no change), every coin spent, the fee at the rate.
    let txid = json!(r.stdout.trim());
    let outs = env.outputs(&txid);
    assert_eq!(outs.len(), 1, "{outs:?}");
    let tx = env.node.rpc("getrawtransaction", json!([txid, true]));
    assert_eq!(tx["vin"].as_array().unwrap().len(), 3, "{tx}");
    assert_eq!(outs[0].0, to);
    let (fee, vsize) = (150 * COIN - outs[0].1, sat(&tx["vsize"]));
    assert!(
        fee >= 4 * vsize && fee < 5 * vsize,
        "fee {fee} for {vsize} vB"
    );
    env.mine(1, &sink());
    let after = env.ok("balance w");
    assert_eq!(sat(&after["confirmed_sat"]), 0, "{after}");
    assert!(sat(&after["immature_sat"]) > 0, "{after}");
    // Nothing left to sweep (the immature coin is named); "max" among
    // several recipients is refused.
    let e = env.fails(
        1,
        &format!("send w --yes --to {to} --amount max"),
        "not yet mature",
    );
    assert_eq!(e["kind"], "insufficient_funds", "{e}");
    let line = format!(
        "send w --yes --to {to} --amount max --to {} --amount 1",
        sink()
    );
    let e = env.fails(1, &line, "one recipient");
    assert_eq!(e["kind"], "invalid_input", "{e}");
}

#[test]
fn issue21_28a_a_single_key_sweeps_its_addresses_of_every_type() {
    let Some(env) = Env::new(&[]) else { return };
    single_key(&env, &["p2pkh", "p2tr"]);
    let p = env.ok(&format!(
        "send k --yes --fee-rate 2 --to {} --amount MAX",
        sink()
    ));
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
    // per new confirmation on stderr, then the count.
    let every = Duration::from_millis(1200);
    let miner = env.mine_later(Duration::from_millis(2500), 3, every, &to);
    let r = env.run(
        false,
        &format!("send w --yes --to {to} --amount 1 --wait 3"),
    );
    miner.join().unwrap();
    r.assert_ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert_eq!(lines[1], "3 confirmations", "{}", r.stdout);
    // (Polls are at most a second apart, blocks 1.2 s.)
    for k in 1..3 {
        let want = format!("waiting for 3 confirmations of {} ({k} so far)", lines[0]);
        assert!(r.stderr.contains(&want), "{want} in {}", r.stderr);
    }
    let tx = env.node.rpc("getrawtransaction", json!([lines[0], true]));
    assert_eq!(sat(&tx["confirmations"]), 3, "{tx}");
    // JSON: --wait alone is one confirmation, in `confirmations`.
    let miner = env.mine_later(Duration::from_millis(300), 1, Duration::ZERO, &to);
    let p = env.ok(&format!("send w --yes --to {to} --amount 1 --wait"));
    miner.join().unwrap();
    assert_eq!(sat(&p["confirmations"]), 1, "{p}");
    assert!(!env.in_mempool(&p["txid"]));
}

#[test]
fn issue21_28c_wait_times_out_with_the_txid() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 1);
    let to = sink();
    // Nothing mined: a timeout error naming the transaction, which was
    // sent and stays in the mempool.
    let line = format!("send w --yes --to {to} --amount 1 --wait --wait-timeout 2");
    let e = env.fails(3, &line, "still pending");
    assert_eq!(e["kind"], "timeout", "{e}");
    assert_eq!(e["pending"], true, "{e}");
    assert!(env.in_mempool(&e["tx"]), "{e}");
    // --wait-timeout needs --wait; --wait does not go with --psbt-only.
    let base = format!("send w --to {to} --amount 1");
    env.btc(&format!("{base} --wait-timeout 5")).assert_fails(2);
    env.btc(&format!("{base} --wait --psbt-only"))
        .assert_fails(2);
}

#[test]
fn issue21_28c_wait_finds_a_payment_whose_outputs_are_spent() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 1);
    let to = sink();
    let k = single_key(&env, &[]);
    // Its only output is spent by the time it has its confirmations:
    // found in the blocks mined since the payment was built.
    let line = format!("send w --yes --to {} --amount max --wait 3", k[2]);
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| env.btc(&line));
        env.wait_for_mempool(1);
        env.mine(1, &to);
        let spent = env.ok(&format!("send k --yes --to {to} --amount max"));
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
}

#[test]
fn issue21_28d_bump_fee_replaces_the_payment() {
    let Some(env) = Env::new(&RBF) else { return };
    env.funded("w", 1);
    let to = sink();
    let orig = env.ok(&format!("send w --yes --to {to} --amount 1 --fee-rate 2"));
    let old_fee = sat(&orig["fee_sat"]);
    let bump = env.ok(&format!("bump-fee w {} --fee-rate 10 --yes", txid(&orig)));
    // The same coins and payee, the fee from the change (same address).
    assert_eq!(bump["replaces"], orig["txid"], "{bump}");
    for same in ["inputs", "payees"] {
        assert_eq!(bump[same], orig[same], "{bump}");
    }
    assert_eq!(bump["added_inputs"], 0, "{bump}");
    assert_eq!(
        bump["change"]["address"], orig["change"]["address"],
        "{bump}"
    );
    assert_eq!(bump["change"]["path"], orig["change"]["path"], "{bump}");
    let fee = sat(&bump["fee_sat"]);
    let change = sat(&orig["change"]["amount_sat"]) - (fee - old_fee);
    assert_eq!(sat(&bump["change"]["amount_sat"]), change, "{bump}");
    assert_eq!(sat(&bump["replaced_fee_sat"]), old_fee, "{bump}");
    // The rate asked, and BIP125 rules 3 and 4 (Litecoin's incremental
    // relay fee: 1 sat/vB).
    let vsize = sat(&bump["vsize"]);
    assert!(fee >= 10 * vsize && fee >= old_fee + vsize, "{bump}");
    assert!(fee >= sat(&bump["min_fee_sat"]), "{bump}");
    // Accepted; the original left the mempool.
    assert_eq!(bump["replaced_in_mempool"], false, "{bump}");
    assert!(env.in_mempool(&bump["txid"]) && !env.in_mempool(&orig["txid"]));
    assert!(env.outputs(&bump["txid"]).contains(&(to.clone(), COIN)));
    // Not above the replacement's own rate: refused. Once mined, there is
    // nothing to bump.
    let again = format!("bump-fee w {} --yes --fee-rate", txid(&bump));
    let e = env.fails(1, &format!("{again} 5"), "already pays");
    assert_eq!(e["kind"], "invalid_input", "{e}");
    env.mine(1, &to);
    env.fails(1, &format!("{again} 30"), "already confirmed");
}

#[test]
fn issue21_28d_a_payment_waited_for_and_bumped_is_reported_replaced() {
    let Some(env) = Env::new(&RBF) else { return };
    env.funded("w", 1);
    let to = sink();
    let line = format!("send w --yes --to {to} --amount 2 --fee-rate 2 --wait");
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| env.btc(&line));
        env.wait_for_mempool(1);
        let waited = env.mempool()[0].clone();
        let w = waited.as_str().unwrap();
        let bump = env.ok(&format!("bump-fee w {w} --fee-rate 20 --yes"));
        assert_eq!(bump["replaces"], waited, "{bump}");
        let r = waiter.join().unwrap();
        r.assert_fails(3);
        let e = r.err_json();
        assert_eq!(e["kind"], "rejected", "{e}");
        assert!(e["message"].as_str().unwrap().contains("replaced"), "{e}");
    });
}

#[test]
fn issue21_28d_bump_fee_of_a_single_key_keeps_its_own_change_address() {
    let Some(env) = Env::new(&RBF) else { return };
    let k = single_key(&env, &["p2tr"]);
    let orig = env.ok(&format!(
        "send k --yes --to {} --amount 1 --fee-rate 2",
        sink()
    ));
    assert_eq!(orig["change"]["address"], k[2].as_str(), "{orig}");
    let bump = env.ok(&format!("bump-fee k {} --fee-rate 8 --yes", txid(&orig)));
    assert_eq!(bump["change"]["address"], k[2].as_str(), "{bump}");
    assert!(sat(&bump["fee_sat"]) >= 8 * sat(&bump["vsize"]), "{bump}");
    assert!(env.in_mempool(&bump["txid"]) && !env.in_mempool(&orig["txid"]));
}

#[test]
fn issue21_28d_bump_fee_adds_a_coin_when_there_is_no_change() {
    let Some(env) = Env::new(&RBF) else { return };
    env.funded("g", 2);
    // One 50 LTC coin paid but for a 300 sat fee: no change.
    let line = format!(
        "send g --yes --to {} --amount 4999999700sat --fee-rate 2",
        sink()
    );
    let orig = env.ok(&line);
    assert!(orig.get("change").is_none(), "{orig}");
    assert_eq!(orig["inputs"].as_array().unwrap().len(), 1, "{orig}");
    // The bump adds the wallet's other coin and makes change (a fresh
    // change address).
    let bump = env.ok(&format!("bump-fee g {} --fee-rate 10 --yes", txid(&orig)));
    assert_eq!(bump["added_inputs"], 1, "{bump}");
    assert_eq!(bump["inputs"].as_array().unwrap().len(), 2, "{bump}");
    let path = bump["change"]["path"].as_str().unwrap();
    assert!(path.ends_with("/1/0"), "{bump}");
    assert_eq!(bump["payees"], orig["payees"], "{bump}");
    assert!(sat(&bump["fee_sat"]) >= 10 * sat(&bump["vsize"]), "{bump}");
    assert!(env.in_mempool(&bump["txid"]) && !env.in_mempool(&orig["txid"]));
}

#[test]
fn issue21_28d_bump_fee_refuses_what_it_cannot_replace() {
    let Some(env) = Env::new(&RBF) else { return };
    let to = sink();
    env.funded("m", 1);
    env.funded("g", 1);
    // No change and no other coin: nothing to pay a higher fee with.
    let max = env.ok(&format!("send m --yes --to {to} --amount max --fee-rate 2"));
    let bump = format!("bump-fee m {} --fee-rate 10 --yes", txid(&max));
    let e = env.fails(1, &bump, "no change");
    assert_eq!(e["kind"], "insufficient_funds", "{e}");
    // Another wallet's payment is not ours to bump.
    let bump = format!("bump-fee g {} --fee-rate 10 --yes", txid(&max));
    let e = env.fails(1, &bump, "not one of this wallet's coins");
    assert_eq!(e["kind"], "invalid_input", "{e}");
    // A payment of ours that does not signal BIP125 (final sequences).
    let line = format!("send g --psbt-only --to {to} --amount 1 --fee-rate 2");
    let unsigned = env.ok(&line);
    let mut psbt: bitcoin::psbt::Psbt = unsigned["psbt"].as_str().unwrap().parse().unwrap();
    for i in &mut psbt.unsigned_tx.input {
        i.sequence = bitcoin::Sequence::MAX;
    }
    let sign = "--json btc sign-psbt --yes g --chain ltc --network regtest --finalize";
    let sign: Vec<&str> = sign.split_whitespace().collect();
    let signed = env.ks.run(&sign, &psbt.to_string());
    signed.assert_ok();
    let sent = env.ok(&format!(
        "broadcast {}",
        signed.json()["hex"].as_str().unwrap()
    ));
    let bump = format!("bump-fee g {} --fee-rate 10 --yes", txid(&sent));
    env.fails(1, &bump, "does not signal replace-by-fee");
    // A txid the node does not know, and one that is not a txid.
    let unknown = "11".repeat(32);
    env.fails(
        1,
        &format!("bump-fee g {unknown} --fee-rate 10"),
        "not in the node's mempool",
    );
    let e = env.fails(1, "bump-fee g nope --fee-rate 10", "64 hex digits");
    assert_eq!(e["kind"], "invalid_input");
}

/// `wallet [--json] btc sign-psbt w ARGS` with the PSBT on stdin.
fn sign_psbt(env: &Env, json: bool, args: &[&str], psbt: &str) -> Run {
    let mut a = if json { vec!["--json"] } else { vec![] };
    a.extend(["btc", "sign-psbt", "w"]);
    a.extend_from_slice(args);
    env.ks.run(&a, psbt)
}

/// Issue 21 item 3: `btc sign-psbt` reviews a PSBT for the network asked
/// (`--chain`/`--network`). A Litecoin regtest PSBT is refused under the
/// default (Bitcoin mainnet) and under Litecoin mainnet before anything is
/// signed; on its own network every output (its address, or "change", with
/// the coin's unit) and the fee are shown before the confirmation, which a
/// script must give with `--yes`.
#[test]
fn issue21_3_sign_psbt_checks_the_network_and_shows_outputs_and_fee() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 1);
    let sink = sink();
    let made = env.ok(&format!(
        "create-psbt w --to {sink} --amount 1.25 --fee-rate 2"
    ));
    let psbt = made["psbt"].as_str().unwrap();
    for net in [&["--yes"][..], &["--yes", "--chain", "ltc"]] {
        let r = sign_psbt(&env, true, net, psbt);
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "wrong_network", "{net:?}: {e}");
        assert!(r.stdout.is_empty(), "{net:?}: {r:?}");
    }
    let own = ["--yes", "--chain", "ltc", "--network", "regtest"];
    let r = sign_psbt(&env, false, &own, psbt);
    r.assert_ok();
    let change = made["change"]["address"].as_str().unwrap();
    let change_sat = sat(&made["change"]["amount_sat"]);
    let fee = sat(&made["fee_sat"]);
    assert!(r.stderr.contains("This PSBT pays:"), "{r:?}");
    assert!(
        r.stderr.contains(&format!("1.25 LTC to {sink}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("LTC to change (back to this wallet)"),
        "{}",
        r.stderr
    );
    let fee_line = format!("fee {} LTC ({fee} sat, ~", fee as f64 / COIN as f64);
    assert!(r.stderr.contains(&fee_line), "{fee_line}: {}", r.stderr);
    assert!(!r.stdout.trim().is_empty(), "{r:?}");
    // The JSON result names the same outputs and fee.
    let v = sign_psbt(&env, true, &own, psbt).json();
    let outs = v["outputs"].as_array().unwrap();
    assert_eq!(outs.len(), 2, "{v}");
    assert!(outs.iter().any(|o| o["address"] == sink.as_str()
        && o["amount_sat"] == json!(125_000_000)
        && o["change"] == false));
    assert!(outs.iter().any(|o| o["address"] == change
        && o["amount_sat"] == json!(change_sat)
        && o["change"] == true));
    assert_eq!(v["fee_sat"], json!(fee), "{v}");
    // No --yes and no terminal to confirm on: nothing is signed.
    let r = sign_psbt(&env, true, &own[1..], psbt);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "cancelled", "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
}

/// Issue 21 item 14: amounts in Bitcoin-family messages carry the chain's
/// unit; fee-rate refusals name `--allow-high-fee`; `--fee-rate 5sat` is a
/// fee rate.
#[test]
fn issue21_14_bitcoin_messages_carry_units_and_name_allow_high_fee() {
    let Some(env) = Env::new(&[]) else { return };
    env.funded("w", 1);
    let sink = sink();
    let e = env.fails(
        1,
        &format!("send w --yes --to {sink} --amount 70 --fee-rate 2"),
        "the wallet has 50 LTC spendable in 1 coins; paying 70 LTC plus the fee",
    );
    assert_eq!(e["kind"], "insufficient_funds", "{e}");
    let e = env.fails(
        1,
        &format!("send w --yes --to {sink} --amount 1 --fee-rate 501"),
        "pass --allow-high-fee to pay it anyway",
    );
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(env.mempool().is_empty());
    let p = env.ok(&format!(
        "create-psbt w --to {sink} --amount 1 --fee-rate 5sat"
    ));
    assert_eq!(p["fee_rate"], json!(5.0), "{p}");
    let p = env.ok(&format!(
        "create-psbt w --to {sink} --amount 1 --fee-rate 501 --allow-high-fee"
    ));
    // Signing it is refused the same way, and allowed the same way.
    let own = ["--yes", "--chain", "ltc", "--network", "regtest"];
    let psbt = p["psbt"].as_str().unwrap();
    let r = sign_psbt(&env, true, &own, psbt);
    r.assert_fails(1);
    let msg = r.err_json()["message"].as_str().unwrap().to_owned();
    assert!(
        msg.contains("safety cap; nothing was signed (pass --allow-high-fee"),
        "{msg}"
    );
    let mut allowed = own.to_vec();
    allowed.push("--allow-high-fee");
    let v = sign_psbt(&env, true, &allowed, psbt).json();
    assert_eq!(v["signed"], 1, "{v}");
}
