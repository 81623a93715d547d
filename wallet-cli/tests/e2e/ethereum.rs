//! Ethereum through the `wallet` binary: transactions and signatures checked
//! against Foundry's cast (an independent implementation), and a real anvil
//! node: every transaction type, contract creation, receipts, balances and
//! nonces, one batched round trip to fill a transaction, and every failure
//! (wrong chain, no funds, stale nonce, node down, not a node) with its kind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) const DEV_KEY: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
pub(crate) const DEV_ADDR: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

impl Ks {
    pub(crate) fn import(&self, name: &str, how: &str, secret: &str) {
        let mut a = vec!["import", name, how];
        a.extend_from_slice(&FAST);
        self.run(&a, secret).assert_ok();
    }
    pub(crate) fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }
    /// `--json eth send NAME --rpc-url URL --yes --wait` and `extra`.
    pub(crate) fn send_wait(&self, name: &str, url: &str, extra: &[&str]) -> Run {
        let mut a = vec![
            "--json",
            "eth",
            "send",
            name,
            "--rpc-url",
            url,
            "--yes",
            "--wait",
        ];
        a.extend_from_slice(extra);
        self.run(&a, "")
    }
}

pub(crate) fn cast_out(cast: &Path, args: &[&str]) -> String {
    let out = Command::new(cast).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "cast {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// xorshift64: reproducible pseudo-random transactions.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A hex quantity from cast (`"0x1f"`) as a number.
pub(crate) fn quantity(v: &Value) -> u128 {
    u128::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// A 32-byte value as hex without leading zeros.
fn minimal_hex(v: &Value) -> String {
    let h = v
        .as_str()
        .unwrap()
        .trim_start_matches("0x")
        .trim_start_matches('0');
    h.to_lowercase()
}

/// Every field of cast's `decode-tx` equals ours (`sign-tx` / `decode-tx` JSON).
fn assert_same_fields(cast: &Value, ours: &Value, round: usize) {
    let ctx = format!("round {round}: cast {cast} / ours {ours}");
    assert_eq!(
        quantity(&cast["type"]),
        ours["type"].as_u64().unwrap() as u128,
        "{ctx}"
    );
    assert_eq!(
        quantity(&cast["chainId"]),
        ours["chain_id"].as_u64().unwrap() as u128,
        "{ctx}"
    );
    assert_eq!(
        quantity(&cast["nonce"]),
        ours["nonce"].as_u64().unwrap() as u128,
        "{ctx}"
    );
    assert_eq!(
        quantity(&cast["gas"]),
        ours["gas"].as_u64().unwrap() as u128,
        "{ctx}"
    );
    assert_eq!(quantity(&cast["value"]).to_string(), ours["value"], "{ctx}");
    assert_eq!(cast["input"], ours["data"], "{ctx}");
    match cast["to"].as_str() {
        Some(to) => assert_eq!(
            to.to_lowercase(),
            ours["to"].as_str().unwrap().to_lowercase(),
            "{ctx}"
        ),
        None => assert!(ours["to"].is_null(), "{ctx}"),
    }
    if cast["type"] == "0x2" {
        assert_eq!(
            quantity(&cast["maxFeePerGas"]).to_string(),
            ours["max_fee_per_gas"],
            "{ctx}"
        );
        assert_eq!(
            quantity(&cast["maxPriorityFeePerGas"]).to_string(),
            ours["max_priority_fee_per_gas"],
            "{ctx}"
        );
    } else {
        assert_eq!(
            quantity(&cast["gasPrice"]).to_string(),
            ours["gas_price"],
            "{ctx}"
        );
    }
    if cast["type"] != "0x0" {
        assert_eq!(cast["accessList"], ours["access_list"], "{ctx}");
    }
    assert_eq!(minimal_hex(&cast["r"]), minimal_hex(&ours["r"]), "{ctx}");
    assert_eq!(minimal_hex(&cast["s"]), minimal_hex(&ours["s"]), "{ctx}");
    assert_eq!(
        quantity(&cast["v"]),
        ours["v"].as_u64().unwrap() as u128,
        "{ctx}"
    );
    assert_eq!(cast["hash"], ours["hash"], "{ctx}");
}

#[test]
fn signed_transactions_equal_cast_mktx_and_decode_with_cast() {
    let Some(cast) = cast() else { return };
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let al = r#"[{"address":"0x0000000000000000000000000000000000000001","storageKeys":["0x0100000000000000000000000000000000000000000000000000000000000000"]}]"#;
    std::fs::write(ks.path("al.json"), al).unwrap();
    let alf = ks.path("al.json");
    let mut compared = 0;
    for round in 0..30 {
        // 0 legacy, 1 EIP-1559, 2 EIP-1559 + access list, 3 creation, 4 EIP-2930
        let kind = round % 5;
        let width = 8 * (1 + rng.below(4));
        let nonce = rng.below(1 << width).to_string();
        let gas = (21_000 + rng.below(500_000)).to_string();
        let value = rng.below(1 << 60).to_string();
        let price = (1 + rng.below(300_000_000_000)).to_string();
        let prio = rng.below(price.parse::<u64>().unwrap()).to_string();
        let chain = ["1", "31337", "137", "11155111"][rng.below(4) as usize];
        let data = format!(
            "0x{}",
            hex::encode(
                (0..rng.below(40))
                    .map(|_| rng.next() as u8)
                    .collect::<Vec<_>>()
            )
        );
        let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
        let value_wei = format!("{value}wei");
        let mut ours: Vec<&str> = vec![
            "--json",
            "eth",
            "sign-tx",
            "dev",
            "--nonce",
            &nonce,
            "--gas",
            &gas,
            "--chain-id",
            chain,
            "--value",
            &value_wei,
            "--data",
            &data,
        ];
        let mut theirs: Vec<&str> = vec![
            "mktx",
            "--private-key",
            DEV_KEY,
            "--chain",
            chain,
            "--nonce",
            &nonce,
            "--gas-limit",
            &gas,
            "--value",
            &value,
            "--rpc-url",
            "http://127.0.0.1:9",
        ];
        match kind {
            0 => {
                ours.extend(["--to", to, "--gas-price", &price, "--legacy"]);
                theirs.extend(["--gas-price", &price, "--legacy", to, &data]);
            }
            1 => {
                ours.extend(["--to", to, "--max-fee", &price, "--priority-fee", &prio]);
                theirs.extend([
                    "--gas-price",
                    &price,
                    "--priority-gas-price",
                    &prio,
                    to,
                    &data,
                ]);
            }
            2 => {
                ours.extend([
                    "--to",
                    to,
                    "--max-fee",
                    &price,
                    "--priority-fee",
                    &prio,
                    "--access-list",
                    alf.to_str().unwrap(),
                ]);
                theirs.extend([
                    "--gas-price",
                    &price,
                    "--priority-gas-price",
                    &prio,
                    "--access-list",
                    al,
                    to,
                    &data,
                ]);
            }
            4 => {
                ours.extend([
                    "--to",
                    to,
                    "--gas-price",
                    &price,
                    "--access-list",
                    alf.to_str().unwrap(),
                ]);
                theirs.extend([
                    "--gas-price",
                    &price,
                    "--legacy",
                    "--access-list",
                    al,
                    to,
                    &data,
                ]);
            }
            _ => {
                ours.extend(["--max-fee", &price, "--priority-fee", &prio]);
                let code = if data == "0x" { "0x00" } else { data.as_str() };
                ours.retain(|a| *a != data);
                ours.retain(|a| *a != "--data");
                ours.extend(["--create", "--data", code]);
                theirs.extend([
                    "--gas-price",
                    &price,
                    "--priority-gas-price",
                    &prio,
                    "--create",
                    code,
                ]);
            }
        }
        let r = ks.run(&ours, "");
        r.assert_ok();
        let j = r.json();
        let raw = j["raw"].as_str().unwrap();
        assert_eq!(raw, cast_out(&cast, &theirs), "round {round} kind {kind}");
        // cast decodes it to every field we signed, and so does our decode-tx.
        let decoded: Value = serde_json::from_str(&cast_out(&cast, &["decode-tx", raw])).unwrap();
        let decoded: Value = match decoded {
            Value::String(s) => serde_json::from_str(&s).unwrap(),
            v => v,
        };
        assert_eq!(
            decoded["signer"].as_str().unwrap().to_lowercase(),
            DEV_ADDR.to_lowercase()
        );
        let back = ks.run(&["--json", "eth", "decode-tx", raw], "");
        back.assert_ok();
        let back = back.json();
        assert_same_fields(&decoded, &j, round);
        assert_same_fields(&decoded, &back, round);
        assert_eq!(quantity(&decoded["nonce"]).to_string(), nonce);
        assert_eq!(quantity(&decoded["gas"]).to_string(), gas);
        assert_eq!(quantity(&decoded["value"]).to_string(), value);
        assert_eq!(quantity(&decoded["chainId"]).to_string(), chain);
        compared += 1;
    }
    // A fixed EIP-2930 transaction to our own address: cast decodes it.
    let r = ks.run(
        &[
            "--json",
            "eth",
            "sign-tx",
            "dev",
            "--to",
            DEV_ADDR,
            "--value",
            "1gwei",
            "--nonce",
            "7",
            "--gas",
            "30000",
            "--chain-id",
            "31337",
            "--gas-price",
            "2gwei",
            "--access-list",
            alf.to_str().unwrap(),
        ],
        "",
    );
    r.assert_ok();
    let raw = r.json()["raw"].as_str().unwrap().to_owned();
    assert!(raw.starts_with("0x01"));
    let decoded: Value = serde_json::from_str(&cast_out(&cast, &["decode-tx", &raw])).unwrap();
    let decoded: Value = match decoded {
        Value::String(s) => serde_json::from_str(&s).unwrap(),
        v => v,
    };
    assert_eq!(decoded["type"], "0x1");
    assert_eq!(
        decoded["signer"].as_str().unwrap().to_lowercase(),
        DEV_ADDR.to_lowercase()
    );
    assert_eq!(decoded["gasPrice"], "0x77359400");
    assert_eq!(
        decoded["accessList"][0]["address"],
        "0x0000000000000000000000000000000000000001"
    );
    // Our own decoder agrees.
    let ours = ks.run(&["--json", "eth", "decode-tx", &raw], "").json();
    assert_eq!(ours["from"], DEV_ADDR);
    assert_eq!(ours["type"], 1);
    assert_eq!(compared, 30);
}

#[test]
fn sign_tx_bad_inputs() {
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    let base = [
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
    let cases: &[(&[&str], i32)] = &[
        (&["--to", "0x1234", "--gas-price", "1"], 1),
        (
            &[
                "--to",
                "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
                "--gas-price",
                "1",
            ],
            1,
        ),
        (
            &["--to", DEV_ADDR, "--value", "1.5wei", "--gas-price", "1"],
            1,
        ),
        (&["--to", DEV_ADDR, "--value", "abc", "--gas-price", "1"], 1),
        (&["--to", DEV_ADDR, "--data", "0xzz", "--gas-price", "1"], 1),
        (
            &["--to", DEV_ADDR, "--max-fee", "1", "--priority-fee", "2"],
            1,
        ),
        (&["--to", DEV_ADDR], 2),
        (&["--to", DEV_ADDR, "--max-fee", "1"], 2),
        (
            &[
                "--to",
                DEV_ADDR,
                "--max-fee",
                "1",
                "--priority-fee",
                "1",
                "--gas-price",
                "1",
            ],
            2,
        ),
        (
            &[
                "--to",
                DEV_ADDR,
                "--legacy",
                "--max-fee",
                "1",
                "--priority-fee",
                "1",
            ],
            2,
        ),
    ];
    for (extra, code) in cases {
        let mut a: Vec<&str> = vec!["--json"];
        a.extend_from_slice(&base);
        a.extend_from_slice(extra);
        let r = ks.run(&a, "");
        r.assert_fails(*code);
        assert!(r.err_json()["kind"].is_string());
    }
    std::fs::write(ks.path("bad-al.json"), "[{\"address\": 5}]").unwrap();
    let bad = ks.path("bad-al.json");
    let mut a: Vec<&str> = base.to_vec();
    a.extend([
        "--to",
        DEV_ADDR,
        "--gas-price",
        "1",
        "--access-list",
        bad.to_str().unwrap(),
    ]);
    ks.run(&a, "").assert_fails(1);
    for raw in ["0x", "zz", "0x02c0", "0xf86c", "0x05c0"] {
        let r = ks.run(&["--json", "eth", "decode-tx", raw], "");
        r.assert_fails(1);
    }
}

#[test]
fn messages_and_typed_data_equal_cast() {
    let Some(cast) = cast() else { return };
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    for msg in ["hello", "I♥SF", "", "0xdeadbeef", "multi\nline"] {
        let ours = ks.run(
            &["--json", "sign-message", "dev", "--chain", "eth", msg],
            "",
        );
        ours.assert_ok();
        let sig = ours.json()["signature"].as_str().unwrap().to_owned();
        let pk = format!("0x{DEV_KEY}");
        assert_eq!(
            sig,
            cast_out(&cast, &["wallet", "sign", "--private-key", &pk, msg]),
            "{msg:?}"
        );
        cast_out(
            &cast,
            &["wallet", "verify", "--address", DEV_ADDR, msg, &sig],
        );
        ks.run(
            &[
                "verify-message",
                "--chain",
                "eth",
                "--address",
                DEV_ADDR,
                "--signature",
                &sig,
                msg,
            ],
            "",
        )
        .assert_ok();
        let wrong = ks.run(
            &[
                "--json",
                "verify-message",
                "--chain",
                "eth",
                "--address",
                "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                "--signature",
                &sig,
                msg,
            ],
            "",
        );
        wrong.assert_fails(1);
        assert_eq!(wrong.err_json()["kind"], "bad_signature");
    }
    // EIP-712: the Mail example and a richer one (arrays, bytes, intN, bool, nested).
    let mail = vector("eip712.json")["typed_data"].clone();
    let rich = json!({
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}],
            "Item": [{"name": "id", "type": "uint64"}, {"name": "tag", "type": "bytes4"}],
            "Order": [
                {"name": "maker", "type": "address"}, {"name": "items", "type": "Item[]"},
                {"name": "delta", "type": "int128"}, {"name": "blob", "type": "bytes"},
                {"name": "ok", "type": "bool"}, {"name": "names", "type": "string[]"}
            ]
        },
        "primaryType": "Order",
        "domain": {"name": "Test", "chainId": 31337},
        "message": {
            "maker": DEV_ADDR, "items": [{"id": 1, "tag": "0x01020304"}, {"id": 2, "tag": "0xa0b0c0d0"}],
            "delta": -42, "blob": "0xdeadbeef", "ok": true, "names": ["a", "b"]
        }
    });
    for (i, td) in [mail, rich].iter().enumerate() {
        let f = ks.path(&format!("td{i}.json"));
        std::fs::write(&f, td.to_string()).unwrap();
        let ours = ks.run(
            &[
                "--json",
                "eth",
                "sign-typed-data",
                "dev",
                f.to_str().unwrap(),
            ],
            "",
        );
        ours.assert_ok();
        let sig = ours.json()["signature"].as_str().unwrap().to_owned();
        let pk = format!("0x{DEV_KEY}");
        let theirs = cast_out(
            &cast,
            &[
                "wallet",
                "sign",
                "--private-key",
                &pk,
                "--data",
                "--from-file",
                f.to_str().unwrap(),
            ],
        );
        assert_eq!(sig, theirs, "typed data {i}");
        cast_out(
            &cast,
            &[
                "wallet",
                "verify",
                "--address",
                DEV_ADDR,
                "--data",
                "--from-file",
                f.to_str().unwrap(),
                &sig,
            ],
        );
        // Our verifier agrees, and refuses the same signature over changed data.
        let verify = |file: &Path| {
            ks.run(
                &[
                    "--json",
                    "verify-message",
                    "--chain",
                    "eth",
                    "--address",
                    DEV_ADDR,
                    "--signature",
                    &sig,
                    "--typed-data",
                    file.to_str().unwrap(),
                ],
                "",
            )
        };
        let v = verify(&f);
        v.assert_ok();
        assert_eq!(v.json()["valid"], true);
        let mut changed = td.clone();
        changed["domain"]["chainId"] = serde_json::json!(999);
        let g = ks.path(&format!("td{i}-changed.json"));
        std::fs::write(&g, changed.to_string()).unwrap();
        let v = verify(&g);
        v.assert_fails(1);
        assert_eq!(v.err_json()["kind"], "bad_signature");
        assert_eq!(v.err_json()["valid"], false);
    }
    let bad = ks.path("bad.json");
    std::fs::write(&bad, "{\"types\": 1}").unwrap();
    let r = ks.run(
        &[
            "--json",
            "eth",
            "sign-typed-data",
            "dev",
            bad.to_str().unwrap(),
        ],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "invalid_input");
}

pub(crate) fn balance(anvil: &Anvil, addr: &str) -> u128 {
    let v = anvil.rpc("eth_getBalance", json!([addr, "latest"]));
    u128::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

pub(crate) fn nonce(anvil: &Anvil, addr: &str) -> u64 {
    let v = anvil.rpc("eth_getTransactionCount", json!([addr, "latest"]));
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

#[test]
fn send_every_type_to_a_real_node() {
    let Some(anvil) = Anvil::start() else { return };
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    // A fresh HD wallet, funded by the dev account.
    let mut a = vec!["--json", "create", "fresh"];
    a.extend_from_slice(&FAST);
    let created = ks.run(&a, "");
    created.assert_ok();
    let fresh = created.json()["addresses"]["eth"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = ks.run(
        &[
            "--json",
            "eth",
            "send",
            "dev",
            "--rpc-url",
            &anvil.url,
            "--to",
            &fresh,
            "--value",
            "10",
            "--yes",
            "--wait",
        ],
        "",
    );
    r.assert_ok();
    assert_eq!(r.json()["status"], 1);
    assert_eq!(balance(&anvil, &fresh), 10_000_000_000_000_000_000);
    let bal = ks
        .run(
            &["--json", "eth", "balance", "fresh", "--rpc-url", &anvil.url],
            "",
        )
        .json();
    assert_eq!(bal["ether"], "10");
    let target = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    let before = balance(&anvil, target);
    let mut spent_value = 0u128;
    for (i, flags) in [vec!["--legacy"], vec!["--gas-price", "3gwei"], vec![]]
        .iter()
        .enumerate()
    {
        let mut args = vec![
            "--json",
            "eth",
            "send",
            "fresh",
            "--rpc-url",
            &anvil.url,
            "--to",
            target,
            "--value",
            "0.25",
            "--yes",
            "--wait",
            "--chain-id",
            "31337",
        ];
        args.extend(flags.iter().copied());
        let r = ks.run(&args, "");
        r.assert_ok();
        let j = r.json();
        assert_eq!(j["status"], 1, "{flags:?}");
        assert_eq!(j["type"], [0, 1, 2][i]);
        assert_eq!(j["nonce"], i as u64);
        spent_value += 250_000_000_000_000_000;
    }
    assert_eq!(balance(&anvil, target) - before, spent_value);
    assert_eq!(nonce(&anvil, &fresh), 3);
    // Contract creation: init code that returns a 1-byte runtime.
    let init = "0x600a600c600039600a6000f3602a60005260206000f3";
    let r = ks.run(
        &[
            "--json",
            "eth",
            "send",
            "fresh",
            "--rpc-url",
            &anvil.url,
            "--create",
            "--data",
            init,
            "--yes",
            "--wait",
        ],
        "",
    );
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["status"], 1);
    assert!(j["to"].is_null());
    let contract = j["contract_address"].as_str().unwrap().to_owned();
    let code = anvil.rpc("eth_getCode", json!([contract, "latest"]));
    assert_eq!(code, "0x602a60005260206000f3");
    assert_eq!(nonce(&anvil, &fresh), 4);
    // A signed transaction can be broadcast separately.
    let signed = ks.run(
        &[
            "--json",
            "eth",
            "sign-tx",
            "fresh",
            "--to",
            target,
            "--value",
            "1wei",
            "--nonce",
            "4",
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
    );
    let raw = signed.json()["raw"].as_str().unwrap().to_owned();
    let b = ks.run(
        &[
            "--json",
            "eth",
            "broadcast",
            "--rpc-url",
            &anvil.url,
            &raw,
            "--wait",
        ],
        "",
    );
    b.assert_ok();
    assert_eq!(b.json()["status"], 1);
    assert_eq!(nonce(&anvil, &fresh), 5);
    // An access list costs intrinsic gas (EIP-2930: 2400 per address, 1900
    // per slot): the gas is estimated with it, and the node agrees.
    let al = ks.path("al.json");
    std::fs::write(
        &al,
        json!([{"address": "0x0000000000000000000000000000000000000001", "storageKeys": [format!("0x{}", "00".repeat(32)), format!("0x{}", "00".repeat(31) + "01")]}]).to_string(),
    )
    .unwrap();
    for flags in [vec!["--gas-price", "3gwei"], vec![]] {
        let mut args = vec![
            "--to",
            target,
            "--value",
            "1wei",
            "--access-list",
            al.to_str().unwrap(),
        ];
        args.extend(flags.iter().copied());
        let r = ks.send_wait("fresh", &anvil.url, &args);
        r.assert_ok();
        let j = r.json();
        assert_eq!(j["status"], 1, "{j}");
        assert_eq!(j["gas_used"], 21_000 + 2_400 + 2 * 1_900, "{j}");
    }
    assert_eq!(nonce(&anvil, &fresh), 7);
    // A plain value transfer to a contract whose code writes storage on
    // every call: 21,000 gas would run out (and still be paid for); the
    // estimate covers it.
    let init = "0x6006600c60003960066000f3600160005500";
    let r = ks.send_wait("fresh", &anvil.url, &["--create", "--data", init]);
    r.assert_ok();
    let payable = r.json()["contract_address"].as_str().unwrap().to_owned();
    let r = ks.send_wait("fresh", &anvil.url, &["--to", &payable, "--value", "5wei"]);
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["status"], 1, "{j}");
    assert!(j["gas_used"].as_u64().unwrap() > 21_000, "{j}");
    assert_eq!(balance(&anvil, &payable), 5);
    assert_eq!(
        anvil.rpc("eth_getStorageAt", json!([payable, "0x0", "latest"])),
        format!("0x{}1", "0".repeat(63))
    );
}

/// What a sender pays is exactly the values sent plus gas used times the
/// effective gas price, for every transaction type.
#[test]
fn the_sender_pays_value_plus_gas_used_times_price() {
    let Some(anvil) = Anvil::start() else { return };
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    let before = balance(&anvil, DEV_ADDR);
    let mut spent = 0u128;
    for flags in [vec!["--legacy"], vec!["--gas-price", "2gwei"], vec![]] {
        let mut args = vec![
            "--to",
            "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
            "--value",
            "0.5",
        ];
        args.extend(flags.iter().copied());
        let r = ks.send_wait("dev", &anvil.url, &args);
        r.assert_ok();
        let j = r.json();
        assert_eq!(j["status"], 1, "{j}");
        let used = u128::from(j["gas_used"].as_u64().unwrap());
        let price: u128 = j["effective_gas_price"].as_str().unwrap().parse().unwrap();
        spent += 500_000_000_000_000_000 + used * price;
    }
    assert_eq!(before - balance(&anvil, DEV_ADDR), spent);
}

#[test]
fn fill_in_is_one_batched_round_trip() {
    let Some(anvil) = Anvil::start() else { return };
    let proxy = RecordingProxy::start(anvil.port);
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    let r = ks.run(
        &[
            "--json",
            "eth",
            "send",
            "dev",
            "--rpc-url",
            &proxy.url,
            "--to",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "--value",
            "1",
            "--data",
            "0x",
            "--yes",
        ],
        "",
    );
    r.assert_ok();
    let bodies = proxy.bodies();
    assert_eq!(
        bodies.len(),
        2,
        "one batch of reads, then the send: {bodies:#?}"
    );
    let batch: Value = serde_json::from_str(&bodies[0]).unwrap();
    let methods: Vec<&str> = batch
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["method"].as_str().unwrap())
        .collect();
    for m in [
        "eth_chainId",
        "eth_getTransactionCount",
        "eth_getBalance",
        "eth_gasPrice",
    ] {
        assert!(methods.contains(&m), "{methods:?}");
    }
    let send: Value = serde_json::from_str(&bodies[1]).unwrap();
    assert_eq!(send["method"], "eth_sendRawTransaction");
    // A contract call also estimates gas in the same batch.
    let r = ks.run(
        &[
            "--json",
            "eth",
            "send",
            "dev",
            "--rpc-url",
            &proxy.url,
            "--create",
            "--data",
            "0x600a600c600039600a6000f3602a60005260206000f3",
            "--yes",
        ],
        "",
    );
    r.assert_ok();
    let bodies = proxy.bodies();
    assert_eq!(bodies.len(), 4);
    assert!(bodies[2].contains("eth_estimateGas") && bodies[2].starts_with('['));
}

#[test]
fn failures_have_the_right_kind_and_nothing_is_sent_twice() {
    let Some(mut anvil) = Anvil::start() else {
        return;
    };
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    ks.import("poor", "--private-key", &"77".repeat(32));
    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let send = |name: &str, url: &str, extra: &[&str]| {
        let mut a = vec![
            "--json",
            "eth",
            "send",
            name,
            "--rpc-url",
            url,
            "--to",
            to,
            "--value",
            "1",
            "--yes",
        ];
        a.extend_from_slice(extra);
        ks.run(&a, "")
    };
    // Wrong chain id.
    let r = send("dev", &anvil.url, &["--chain-id", "1"]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_chain");
    // Not enough funds.
    let r = send("poor", &anvil.url, &[]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "insufficient_funds");
    // A stale nonce, after one good send.
    send("dev", &anvil.url, &["--wait"]).assert_ok();
    // (another transaction at nonce 0: the same one again is already known)
    let r = send("dev", &anvil.url, &["--nonce", "0", "--gas", "30000"]);
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "rejected");
    assert_eq!(e["reason"], "nonce_too_low", "{e}");
    assert!(e["message"].as_str().unwrap().contains("nonce"), "{e}");
    // A max fee below the block's base fee: the node's words, a typed reason.
    let r = send(
        "dev",
        &anvil.url,
        &["--max-fee", "1wei", "--priority-fee", "1wei"],
    );
    r.assert_fails(3);
    let e = r.err_json();
    assert_eq!(e["kind"], "rejected", "{e}");
    assert_eq!(e["reason"], "fee_too_low", "{e}");
    assert!(e["message"].as_str().unwrap().contains("base fee"), "{e}");
    // Without --yes: at a terminal, anything but "yes" cancels; with no
    // terminal, nothing is asked and nothing is sent.
    let ks_dir = ks.dir.path().join("ks");
    let pw = ks.path("pw");
    let a: Vec<String> = [
        "--allow-weak-kdf",
        "--keystore-dir",
        ks_dir.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "--json",
        "eth",
        "send",
        "dev",
        "--rpc-url",
        &anvil.url,
        "--to",
        to,
        "--value",
        "1",
    ]
    .map(String::from)
    .to_vec();
    let args: Vec<&str> = a.iter().map(String::as_str).collect();
    let t = wallet_tty(
        &args,
        serde_json::json!([{"expect": "Type 'yes' to continue: ", "send": "no\n"}]),
        &[],
    );
    assert_eq!(t.code, 1, "{t:?}");
    assert!(t.output.contains("Send 1 ETH from"), "{t:?}");
    assert!(t.output.contains("cancelled"), "{t:?}");
    let r = wallet_with(&args, b"", &[]);
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "cancelled", "{}", r.stderr);
    // A raw transaction for another chain, broadcast to this node.
    let other = ks.run(
        &[
            "--json",
            "eth",
            "sign-tx",
            "dev",
            "--to",
            to,
            "--nonce",
            "1",
            "--gas",
            "21000",
            "--chain-id",
            "5",
            "--gas-price",
            "5gwei",
            "--legacy",
        ],
        "",
    );
    let raw = other.json()["raw"].as_str().unwrap().to_owned();
    let r = ks.run(
        &["--json", "eth", "broadcast", "--rpc-url", &anvil.url, &raw],
        "",
    );
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "wrong_chain");
    // Exactly one transaction went through.
    assert_eq!(nonce(&anvil, DEV_ADDR), 1);
    // A URL that is not a node: an HTTP server answering HTML, and a 404.
    let (html, _h1) = fake_http("200 OK", "text/html", "<html>hello</html>");
    let r = send("dev", &html, &[]);
    r.assert_fails(3);
    assert_eq!(r.err_json()["kind"], "bad_response");
    let (nf, _h2) = fake_http("404 Not Found", "text/plain", "nope");
    let r = send("dev", &nf, &[]);
    r.assert_fails(3);
    assert_eq!(r.err_json()["kind"], "bad_response");
    // A stopped node.
    let url = anvil.url.clone();
    anvil.stop();
    let r = send("dev", &url, &[]);
    r.assert_fails(3);
    assert_eq!(r.err_json()["kind"], "node_unreachable");
    let r = ks.run(
        &["--json", "eth", "balance", DEV_ADDR, "--rpc-url", &url],
        "",
    );
    r.assert_fails(3);
    assert_eq!(r.err_json()["kind"], "node_unreachable");
    // Not a URL at all (a bare `not-a-url` is a host name, as for cast).
    let r = send("dev", "not a url", &[]);
    r.assert_fails(1);
}

/// An HTTP server on loopback that answers every request the same way.
pub(crate) fn fake_http(
    status: &'static str,
    ctype: &'static str,
    body: &'static str,
) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let mut buf = [0u8; 65536];
            let _ = c.read(&mut buf);
            let _ = write!(c, "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    (format!("http://127.0.0.1:{port}"), h)
}

// ---------------------------------------------------------------------------
// EIP-712 through the CLI against an independent implementation, and the
// progress of `eth send --wait` on a node that mines on a timer.
// ---------------------------------------------------------------------------

/// `wallet eth sign-typed-data` gives the signature, digest and domain
/// separator that Python eth-account computed
/// (tests/vectors/eip712_independent.json: an implementation independent of
/// ours and of cast's).
#[test]
fn sign_typed_data_equals_eth_account() {
    let v = vector("eip712_independent.json");
    let ks = Ks::new();
    let key = v["private_key"].as_str().unwrap().trim_start_matches("0x");
    ks.import("indep", "--private-key", key);
    let signer = v["signer_address"].as_str().unwrap();
    let mut checked = vec![];
    for t in v["vectors"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let e = &t["expected"];
        let f = ks.path(&format!("{name}.json"));
        std::fs::write(&f, t["typed_data"].to_string()).unwrap();
        let file = f.to_str().unwrap();
        let r = ks.run(&["--json", "eth", "sign-typed-data", "indep", file], "");
        r.assert_ok();
        let j = r.json();
        assert_eq!(j["signature"], e["signature"], "{name}");
        assert_eq!(j["digest"], e["digest"], "{name}");
        assert_eq!(j["domain_separator"], e["domain_separator"], "{name}");
        assert_eq!(j["address"], signer, "{name}");
        assert_eq!(j["primary_type"], t["typed_data"]["primaryType"], "{name}");
        // The human form is the signature alone.
        let h = ks.run(&["eth", "sign-typed-data", "indep", file], "");
        h.assert_ok();
        assert_eq!(
            h.stdout,
            format!("{}\n", e["signature"].as_str().unwrap()),
            "{name}"
        );
        // eth-account's signature verifies with ours.
        let ok = ks.run(
            &[
                "--json",
                "verify-message",
                "--chain",
                "eth",
                "--address",
                signer,
                "--signature",
                e["signature"].as_str().unwrap(),
                "--typed-data",
                file,
            ],
            "",
        );
        ok.assert_ok();
        assert_eq!(ok.json()["valid"], true, "{name}");
        checked.push(name);
    }
    assert_eq!(
        checked,
        [
            "struct_order",
            "arrays",
            "scalars",
            "recursive",
            "empty_domain",
            "dollar_names"
        ]
    );
    // The document on stdin ("-").
    let t = &v["vectors"][0];
    let r = ks.run(
        &["--json", "eth", "sign-typed-data", "indep", "-"],
        &t["typed_data"].to_string(),
    );
    r.assert_ok();
    assert_eq!(r.json()["signature"], t["expected"]["signature"]);
}

/// Block waiting for anvil started with `--block-time`.
trait Blocks {
    fn block_number(&self) -> u128;
    fn next_block(&self);
}

impl Blocks for Anvil {
    fn block_number(&self) -> u128 {
        quantity(&self.rpc("eth_blockNumber", json!([])))
    }

    /// Returns just after the next block is mined.
    fn next_block(&self) {
        let start = self.block_number();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.block_number() == start {
            assert!(std::time::Instant::now() < deadline, "no block mined");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// `eth send --wait` on a node that mines every 2 s: the report on stdout,
/// no progress line on a stderr that is not a terminal; with --json, the
/// receipt's fields.
#[test]
fn send_wait_shows_progress_then_the_receipt() {
    let Some(anvil) = Anvil::start_with(&["--block-time", "2"]) else {
        return;
    };
    let ks = Ks::new();
    ks.import("dev", "--private-key", DEV_KEY);
    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let send = |json: bool| {
        let mut a = vec![];
        if json {
            a.push("--json");
        }
        a.extend([
            "eth",
            "send",
            "dev",
            "--rpc-url",
            &anvil.url,
            "--to",
            to,
            "--value",
            "1wei",
            "--yes",
            "--wait",
        ]);
        // Sent just after a block, the transaction waits about 2 s for the
        // next one: past the 1 s after which the progress shows.
        anvil.next_block();
        ks.run(&a, "")
    };
    // Without --json: the summary, the progress rewritten in place ("\r")
    // and ended by a newline on stderr; the hash and the receipt on stdout.
    let r = send(false);
    r.assert_ok();
    let out: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(out.len(), 2, "{r:?}");
    let hash = out[0];
    assert!(
        hash.len() == 66 && hash.starts_with("0x") && hex::decode(&hash[2..]).is_ok(),
        "{r:?}"
    );
    let receipt = anvil.rpc("eth_getTransactionReceipt", json!([hash]));
    let block = quantity(&receipt["blockNumber"]);
    assert!(block >= 1, "{receipt}");
    assert_eq!(out[1], format!("status 1 in block {block}, gas used 21000"));
    assert!(
        r.stderr.starts_with(&format!(
            "Send 0.000000000000000001 ETH from {DEV_ADDR} to {to} on chain 31337\n  nonce 0, gas 21000, "
        )),
        "{r:?}"
    );
    // stderr is not a terminal: the summary and no progress line (issue
    // 21.21; the terminal's redrawn line is tested in node_flags); the full
    // hash was printed on stdout as soon as it was sent (issue 21.5).
    assert!(r.stderr.ends_with(" ETH in total\n"), "{r:?}");
    assert!(
        !r.stderr.contains('\r') && !r.stderr.contains("waiting"),
        "{r:?}"
    );
    assert!(r.stdout.contains(&hash.to_string()), "{r:?}");
    // With --json: the receipt's fields in the result, and no progress.
    let r = send(true);
    r.assert_ok();
    assert!(!r.stderr.contains("waiting for the receipt"), "{r:?}");
    let j = r.json();
    assert_eq!(j["status"], 1, "{j}");
    assert_eq!(j["gas_used"], 21_000, "{j}");
    assert_eq!(j["nonce"], 1, "{j}");
    let receipt = anvil.rpc("eth_getTransactionReceipt", json!([j["hash"]]));
    let mined = j["block_number"].as_u64().unwrap();
    assert_eq!(u128::from(mined), quantity(&receipt["blockNumber"]), "{j}");
    assert!(u128::from(mined) > block, "{j}");
}
