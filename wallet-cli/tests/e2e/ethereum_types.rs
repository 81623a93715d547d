//! EIP-7702 authorizations and set-code (type 4) transactions, and EIP-4844
//! blob (type 3) transactions through the `wallet` binary: byte-equal to
//! Foundry's cast for a table of keys, chain ids (0 included) and nonces,
//! decoded like cast decodes them, and end to end on anvil with the Prague
//! hardfork, where an account delegates to a contract and a call through
//! the account runs the contract's code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use crate::ethereum::{cast_out, nonce, quantity, DEV_ADDR, DEV_KEY};
use serde_json::{json, Value};

/// Anvil's accounts #1 and #2.
const ALICE_KEY: &str = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ALICE: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB_KEY: &str = "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const BOB: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
/// Init code of a contract whose code returns 42 on any call.
const RETURNS_42: &str = "0x600a600c600039600a6000f3602a60005260206000f3";
/// Init code of a contract whose code sets storage slot 0 to 1.
const WRITES_SLOT_0: &str = "0x6006600c60003960066000f3600160005500";

fn keystore() -> Ks {
    let ks = Ks::new();
    for (name, key) in [
        ("dev", DEV_KEY),
        ("alice", ALICE_KEY),
        ("bob", BOB_KEY),
        ("k46", &"46".repeat(32)),
    ] {
        ks.import(name, "--private-key", key);
    }
    ks
}

fn key_of(name: &str) -> String {
    match name {
        "dev" => DEV_KEY.to_owned(),
        "alice" => ALICE_KEY.to_owned(),
        "bob" => BOB_KEY.to_owned(),
        _ => "46".repeat(32),
    }
}

fn cast_decode(cast: &std::path::Path, raw: &str) -> Value {
    let v: Value = serde_json::from_str(&cast_out(cast, &["decode-tx", raw])).unwrap();
    match v {
        Value::String(s) => serde_json::from_str(&s).unwrap(),
        v => v,
    }
}

#[test]
fn authorizations_equal_cast_sign_auth() {
    let Some(cast) = cast() else { return };
    let ks = keystore();
    let delegate = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let mut compared = 0;
    for name in ["dev", "alice", "k46"] {
        for chain in ["0", "1", "31337", "11155111", "18446744073709551615"] {
            for n in ["0", "1", "127", "128", "4294967296", "18446744073709551614"] {
                let ours = ks.run(
                    &[
                        "--json",
                        "eth",
                        "sign-auth",
                        name,
                        "--address",
                        delegate,
                        "--nonce",
                        n,
                        "--chain-id",
                        chain,
                    ],
                    "",
                );
                ours.assert_ok();
                let j = ours.json();
                let pk = format!("0x{}", key_of(name));
                let theirs = cast_out(
                    &cast,
                    &[
                        "wallet",
                        "sign-auth",
                        delegate,
                        "--private-key",
                        &pk,
                        "--nonce",
                        n,
                        "--chain",
                        chain,
                    ],
                );
                assert_eq!(j["raw"], theirs.as_str(), "{name} chain {chain} nonce {n}");
                assert_eq!(j["chain_id"].as_u64().unwrap().to_string(), chain);
                assert_eq!(j["nonce"].as_u64().unwrap().to_string(), n);
                assert_eq!(j["address"], delegate);
                let signer = cast_out(&cast, &["wallet", "address", "--private-key", &pk]);
                assert_eq!(j["authority"], signer.as_str());
                compared += 1;
            }
        }
    }
    // The human form is the raw authorization alone.
    let h = ks.run(
        &[
            "eth",
            "sign-auth",
            "dev",
            "--address",
            delegate,
            "--nonce",
            "0",
            "--chain-id",
            "1",
        ],
        "",
    );
    h.assert_ok();
    assert!(
        h.stdout.starts_with("0xf8") && h.stdout.ends_with('\n'),
        "{h:?}"
    );
    assert_eq!(compared, 90);
}

#[test]
fn set_code_transactions_equal_cast_mktx_and_decode_like_cast() {
    let Some(cast) = cast() else { return };
    let ks = keystore();
    let delegate = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let mut compared = 0;
    for (sender, signer, chain, tx_nonce) in [
        ("dev", "alice", "31337", "0"),
        ("dev", "k46", "1", "5"),
        ("alice", "bob", "11155111", "300"),
        ("k46", "dev", "137", "70000"),
    ] {
        for auth_chain in ["0", chain] {
            // A sponsored authorization, signed by cast, carried by our transaction.
            let pk = format!("0x{}", key_of(signer));
            let auth = cast_out(
                &cast,
                &[
                    "wallet",
                    "sign-auth",
                    delegate,
                    "--private-key",
                    &pk,
                    "--nonce",
                    "9",
                    "--chain",
                    auth_chain,
                ],
            );
            // A self-sponsored delegation (an address), signed at nonce + 1 by both.
            for a in [auth.as_str(), delegate] {
                let ours = ks.run(
                    &[
                        "--json",
                        "eth",
                        "sign-tx",
                        sender,
                        "--to",
                        BOB,
                        "--value",
                        "7wei",
                        "--data",
                        "0xc0ffee",
                        "--nonce",
                        tx_nonce,
                        "--gas",
                        "120000",
                        "--chain-id",
                        chain,
                        "--max-fee",
                        "3gwei",
                        "--priority-fee",
                        "2gwei",
                        "--auth",
                        a,
                    ],
                    "",
                );
                ours.assert_ok();
                let j = ours.json();
                let theirs = cast_out(
                    &cast,
                    &[
                        "mktx",
                        "--private-key",
                        &format!("0x{}", key_of(sender)),
                        "--chain",
                        chain,
                        "--nonce",
                        tx_nonce,
                        "--gas-limit",
                        "120000",
                        "--gas-price",
                        "3gwei",
                        "--priority-gas-price",
                        "2gwei",
                        "--value",
                        "7",
                        "--auth",
                        a,
                        "--rpc-url",
                        "http://127.0.0.1:9",
                        BOB,
                        "0xc0ffee",
                    ],
                );
                let raw = j["raw"].as_str().unwrap();
                assert_eq!(raw, theirs, "{sender} {signer} {chain} {a}");
                assert_eq!(j["type"], 4);
                let decoded = cast_decode(&cast, raw);
                let ours = ks.run(&["--json", "eth", "decode-tx", raw], "").json();
                assert_same_authorizations(&decoded, &ours);
                assert_eq!(ours["hash"], decoded["hash"]);
                assert_eq!(ours, j);
                if a == delegate {
                    let want = tx_nonce.parse::<u64>().unwrap() + 1;
                    assert_eq!(j["authorization_list"][0]["nonce"], want);
                    assert_eq!(j["authorization_list"][0]["authority"], j["from"]);
                }
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 16);
}

fn assert_same_authorizations(cast: &Value, ours: &Value) {
    let theirs = cast["authorizationList"].as_array().unwrap();
    let ours_list = ours["authorization_list"].as_array().unwrap();
    assert_eq!(theirs.len(), ours_list.len(), "{cast} / {ours}");
    for (t, o) in theirs.iter().zip(ours_list) {
        assert_eq!(
            quantity(&t["chainId"]),
            u128::from(o["chain_id"].as_u64().unwrap())
        );
        assert_eq!(
            quantity(&t["nonce"]),
            u128::from(o["nonce"].as_u64().unwrap())
        );
        assert_eq!(
            quantity(&t["yParity"]),
            u128::from(o["y_parity"].as_u64().unwrap())
        );
        assert_eq!(
            t["address"].as_str().unwrap().to_lowercase(),
            o["address"].as_str().unwrap().to_lowercase()
        );
        assert_eq!(t["r"], o["r"]);
        assert_eq!(t["s"], o["s"]);
    }
}

/// Length of the RLP header at the start of `b`, and of its payload.
fn rlp_item(b: &[u8]) -> (usize, usize) {
    let be = |x: &[u8]| x.iter().fold(0usize, |n, d| (n << 8) | usize::from(*d));
    match b[0] {
        0..=0x7f => (0, 1),
        x @ 0x80..=0xb7 => (1, usize::from(x - 0x80)),
        x @ 0xb8..=0xbf => {
            let n = usize::from(x - 0xb7);
            (1 + n, be(&b[1..=n]))
        }
        x @ 0xc0..=0xf7 => (1, usize::from(x - 0xc0)),
        x => {
            let n = usize::from(x - 0xf7);
            (1 + n, be(&b[1..=n]))
        }
    }
}

/// The canonical blob transaction inside cast's network form
/// (`0x03 || rlp([tx, blobs, commitments, proofs])`).
fn without_sidecar(network: &str) -> String {
    let b = hex::decode(network.trim_start_matches("0x")).unwrap();
    assert_eq!(b[0], 3);
    let (outer, _) = rlp_item(&b[1..]);
    let inner = &b[1 + outer..];
    let (h, n) = rlp_item(inner);
    format!("0x03{}", hex::encode(&inner[..h + n]))
}

#[test]
fn blob_transactions_equal_cast_mktx_without_the_sidecar() {
    let Some(cast) = cast() else { return };
    let ks = keystore();
    let blob = ks.path("blob.bin");
    let mut compared = 0;
    let mut last_network = String::new();
    for (i, (chain, n, blob_fee)) in [
        ("31337", "0", "5gwei"),
        ("1", "42", "1wei"),
        ("17000", "999", "30gwei"),
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(&blob, format!("blob number {i}").repeat(i + 1)).unwrap();
        let network = cast_out(
            &cast,
            &[
                "mktx",
                "--private-key",
                &format!("0x{DEV_KEY}"),
                "--chain",
                chain,
                "--nonce",
                n,
                "--gas-limit",
                "90000",
                "--gas-price",
                "4gwei",
                "--priority-gas-price",
                "1gwei",
                "--blob",
                "--eip4844",
                "--blob-gas-price",
                blob_fee,
                "--path",
                blob.to_str().unwrap(),
                "--rpc-url",
                "http://127.0.0.1:9",
                BOB,
                "0xabcdef",
            ],
        );
        let canonical = without_sidecar(&network);
        last_network.clone_from(&network);
        // Our decoder reads cast's transaction; its blob hashes sign the same bytes.
        let d = ks.run(&["--json", "eth", "decode-tx", &canonical], "");
        d.assert_ok();
        let d = d.json();
        assert_eq!(d["type"], 3);
        assert_eq!(d["from"], DEV_ADDR);
        let theirs = cast_decode(&cast, &canonical);
        assert_eq!(theirs["blobVersionedHashes"], d["blob_versioned_hashes"]);
        assert_eq!(
            quantity(&theirs["maxFeePerBlobGas"]).to_string(),
            d["max_fee_per_blob_gas"]
        );
        assert_eq!(theirs["hash"], d["hash"]);
        let mut args = vec![
            "--json",
            "eth",
            "sign-tx",
            "dev",
            "--to",
            BOB,
            "--data",
            "0xabcdef",
            "--nonce",
            n,
            "--gas",
            "90000",
            "--chain-id",
            chain,
            "--max-fee",
            "4gwei",
            "--priority-fee",
            "1gwei",
            "--blob-fee",
            blob_fee,
        ];
        let hashes: Vec<String> = d["blob_versioned_hashes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().to_owned())
            .collect();
        for h in &hashes {
            args.extend(["--blob-hash", h.as_str()]);
        }
        let r = ks.run(&args, "");
        r.assert_ok();
        assert_eq!(r.json()["raw"], canonical.as_str(), "{chain}");
        compared += 1;
    }
    // The network form is refused with a reason, not misread.
    assert_eq!(compared, 3);
    let bad = ks.run(&["--json", "eth", "decode-tx"], &last_network);
    bad.assert_fails(1);
    assert!(
        bad.err_json()["message"]
            .as_str()
            .unwrap()
            .contains("sidecar"),
        "{bad:?}"
    );
}

/// A blob hash must carry the KZG version byte (0x01) and be 32 bytes.
#[test]
fn blob_hashes_must_carry_the_kzg_version() {
    let ks = keystore();
    let base = [
        "--json",
        "eth",
        "sign-tx",
        "dev",
        "--nonce",
        "0",
        "--gas",
        "90000",
        "--chain-id",
        "1",
        "--max-fee",
        "4gwei",
        "--priority-fee",
        "1gwei",
        "--blob-fee",
        "1gwei",
    ];
    let version_2 = format!("0x02{}", "00".repeat(31));
    for hash in ["0x01", version_2.as_str()] {
        let mut a = base.to_vec();
        a.extend(["--to", BOB, "--blob-hash", hash]);
        let r = ks.run(&a, "");
        r.assert_fails(1);
        assert_eq!(r.err_json()["kind"], "invalid_input");
    }
}

fn code(anvil: &Anvil, who: &str) -> String {
    anvil
        .rpc("eth_getCode", json!([who, "latest"]))
        .as_str()
        .unwrap()
        .to_owned()
}

fn deploy(ks: &Ks, url: &str, init: &str) -> String {
    let r = ks.send_wait("dev", url, &["--create", "--data", init]);
    r.assert_ok();
    r.json()["contract_address"].as_str().unwrap().to_owned()
}

/// On anvil (Prague): Alice delegates her own account (a self-sponsored
/// set-code transaction, authorization at nonce + 1) to a contract that
/// writes storage, and the call to herself runs it; Bob signs an
/// authorization for any chain that the dev account carries, and a call to
/// Bob then returns what the delegated code returns.
#[test]
fn an_account_delegates_to_a_contract_and_calls_run_its_code() {
    let Some(anvil) = Anvil::start_with(&["--hardfork", "prague"]) else {
        return;
    };
    let ks = keystore();
    let writer = deploy(&ks, &anvil.url, WRITES_SLOT_0);
    let answer = deploy(&ks, &anvil.url, RETURNS_42);
    // Self-sponsored.
    let r = ks.send_wait("alice", &anvil.url, &["--to", ALICE, "--auth", &writer]);
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["type"], 4, "{j}");
    assert_eq!(j["status"], 1, "{j}");
    assert_eq!(
        j["authorization_list"][0]["nonce"],
        j["nonce"].as_u64().unwrap() + 1
    );
    assert_eq!(j["authorization_list"][0]["authority"], ALICE);
    let delegated = format!("0xef0100{}", writer.trim_start_matches("0x").to_lowercase());
    assert_eq!(code(&anvil, ALICE), delegated);
    let slot = anvil.rpc("eth_getStorageAt", json!([ALICE, "0x0", "latest"]));
    assert_eq!(
        quantity(&slot),
        1,
        "the delegated code ran in Alice's account"
    );
    assert_eq!(
        nonce(&anvil, ALICE),
        2,
        "the transaction and the authorization"
    );
    // Sponsored: Bob's authorization (any chain), the dev account pays.
    let auth = ks.run(
        &[
            "--json",
            "eth",
            "sign-auth",
            "bob",
            "--address",
            &answer,
            "--nonce",
            "0",
            "--chain-id",
            "0",
        ],
        "",
    );
    auth.assert_ok();
    let file = ks.path("bob-auth.json");
    std::fs::write(&file, auth.stdout.trim()).unwrap();
    let r = ks.send_wait(
        "dev",
        &anvil.url,
        &["--to", BOB, "--auth", file.to_str().unwrap()],
    );
    r.assert_ok();
    let j = r.json();
    assert_eq!(j["status"], 1, "{j}");
    assert_eq!(j["authorization_list"][0]["authority"], BOB);
    let called = anvil.rpc("eth_call", json!([{"to": BOB, "data": "0x"}, "latest"]));
    assert_eq!(quantity(&called), 42, "{called}");
    assert_eq!(nonce(&anvil, BOB), 1);
}

/// A self-sponsored authorization signed for the transaction's own nonce
/// would be skipped by the node (after the transaction took that nonce),
/// and still paid for: refused before anything is signed or sent. So are
/// authorizations for another chain.
#[test]
fn eth_send_self_sponsored_authorization_needs_the_next_nonce() {
    let Some(anvil) = Anvil::start_with(&["--hardfork", "prague"]) else {
        return;
    };
    let ks = keystore();
    let delegate = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    for (n, chain, what) in [("0", "31337", "nonce 1"), ("1", "1", "chain id 1")] {
        let auth = ks.run(
            &[
                "--json",
                "eth",
                "sign-auth",
                "alice",
                "--address",
                delegate,
                "--nonce",
                n,
                "--chain-id",
                chain,
            ],
            "",
        );
        let raw = auth.json()["raw"].as_str().unwrap().to_owned();
        let r = ks.send_wait("alice", &anvil.url, &["--to", ALICE, "--auth", &raw]);
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "invalid_input", "{e}");
        assert!(e["message"].as_str().unwrap().contains(what), "{e}");
    }
    assert_eq!(nonce(&anvil, ALICE), 0);
    assert_eq!(code(&anvil, ALICE), "0x");
}

/// The sign-then-send safety of `eth send` holds for the new types: the
/// summary says what the authorizations delegate and that a blob
/// transaction's sidecar is not included; without `--yes` and no terminal
/// nothing is sent.
#[test]
fn eth_send_shows_and_confirms_set_code_and_blob_transactions() {
    let Some(anvil) = Anvil::start_with(&["--hardfork", "prague"]) else {
        return;
    };
    let ks = keystore();
    let delegate = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let hash = "0x01ac099db8f92e91e34a8017bc7019c6f6bc06ccab64412e08d7714e04a99574";
    for (extra, shown) in [
        (
            vec!["--auth", delegate, "--gas", "100000"],
            format!("EIP-7702: {ALICE} runs the code of {delegate} (on chain 31337, at nonce 1)"),
        ),
        (
            vec![
                "--blob-hash",
                hash,
                "--blob-fee",
                "1gwei",
                "--gas",
                "100000",
            ],
            "1 blob(s) (EIP-4844), max fee per blob gas 1 gwei; the sidecar is not included"
                .to_owned(),
        ),
    ] {
        let mut a = vec!["eth", "send", "alice", "--rpc-url", &anvil.url, "--to", BOB];
        a.extend(extra.iter().copied());
        let r = ks.run(&a, "");
        r.assert_fails(1);
        assert!(r.stderr.contains(&shown), "{r:?}");
        assert!(r.stderr.contains("pass --yes"), "{r:?}");
    }
    assert_eq!(nonce(&anvil, ALICE), 0);
}

/// Issue 17 item 3: the empty password is a valid V3 password. A V3 file
/// (scrypt from cast, PBKDF2 from eth-account) imports with an empty line
/// on stdin and has the right address; no stdin at all (and no terminal)
/// is still "no password given".
#[test]
fn eth_keystore_with_the_empty_password_imports() {
    const ADDRESS: &str = "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F";
    for (i, file) in ["empty_password_scrypt.json", "empty_password_pbkdf2.json"]
        .iter()
        .enumerate()
    {
        let ks = Ks::new();
        let path = testdata("fixtures/v3").join(file);
        let name = format!("v3-{i}");
        let mut a = vec![
            "--json",
            "import",
            &name,
            "--eth-keystore",
            path.to_str().unwrap(),
        ];
        a.extend_from_slice(&FAST);
        // No password at all: refused, nothing imported.
        let r = ks.run(&a, "");
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "invalid_input", "{e}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("no keystore password given"),
            "{e}"
        );
        // A wrong one is wrong.
        let r = ks.run(&a, "x\n");
        r.assert_fails(1);
        assert_eq!(r.err_json()["kind"], "wrong_password", "{file}");
        // The empty line: the empty password.
        let r = ks.run(&a, "\n");
        r.assert_ok();
        assert_eq!(r.json()["addresses"]["eth"], ADDRESS, "{file}");
    }
}
