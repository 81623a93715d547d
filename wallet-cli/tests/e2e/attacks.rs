//! The security review's fund-losing attacks (issue 22, items 1-3), each
//! performed again on a real litecoind regtest node; each now fails with a
//! typed error before anything is signed, and no coin moves.

use crate::common::*;
use bitcoin::consensus::encode::deserialize_hex;
use bitcoin::psbt::{Psbt, PsbtSighashType};
use bitcoin::{
    Amount, EcdsaSighashType, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid,
    Witness,
};
use serde_json::{json, Value};
use std::str::FromStr;

const MNEMONIC: &str = "test test test test test test test test test test test junk";
const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/// The attacker's own mnemonic (BIP39's "legal winner" vector).
const ATTACKER: &str =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";
const COIN: u64 = 100_000_000;

/// A funded victim wallet `w` on a fresh node: two matured 50 LTC coinbase
/// coins on its first two P2WPKH addresses.
struct Scene {
    node: Node,
    ks: Ks,
    coins: Vec<(OutPoint, Transaction)>,
    sink: String,
}

fn import(ks: &Ks, name: &str, phrase: &str) {
    let mut a = vec!["--json", "import", name, "--mnemonic"];
    a.extend_from_slice(&FAST);
    ks.run(&a, phrase).assert_ok();
}

fn address(ks: &Ks, name: &str, index: u32, change: bool) -> String {
    let i = index.to_string();
    let mut a = vec![
        "--json",
        "address",
        name,
        "--chain",
        "ltc",
        "--network",
        "regtest",
    ];
    a.extend_from_slice(&["--type", "p2wpkh", "--index", &i]);
    if change {
        a.push("--change");
    }
    let r = ks.run(&a, "");
    r.assert_ok();
    r.json()["addresses"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn other_address(index: &str) -> String {
    let r = wallet(
        &[
            "--json",
            "derive",
            "--chain",
            "ltc",
            "--network",
            "regtest",
            "--index",
            index,
        ],
        ABANDON,
    );
    r.json()["addresses"][0]["address"]
        .as_str()
        .unwrap()
        .to_owned()
}

impl Scene {
    fn new() -> Option<Scene> {
        let node = Node::litecoind()?;
        let ks = Ks::new();
        import(&ks, "w", MNEMONIC);
        let sink = other_address("7");
        let mut coins = Vec::new();
        for i in 0..2 {
            let addr = address(&ks, "w", i, false);
            let hashes = node.rpc("generatetoaddress", json!([1, addr]));
            let block = node.rpc("getblock", json!([hashes[0]]));
            let txid = Txid::from_str(block["tx"][0].as_str().unwrap()).unwrap();
            let hex = node.rpc("getrawtransaction", json!([txid.to_string()]));
            let tx: Transaction = deserialize_hex(hex.as_str().unwrap()).unwrap();
            coins.push((OutPoint { txid, vout: 0 }, tx));
        }
        node.rpc("generatetoaddress", json!([100, sink]));
        Some(Scene {
            node,
            ks,
            coins,
            sink,
        })
    }

    fn net(&self) -> Vec<String> {
        let mut a = self.node.cli_args();
        a.extend(["--chain", "ltc", "--network", "regtest"].map(String::from));
        a
    }

    /// A PSBT spending every coin to the sink (`pay` satoshis), each input
    /// with its witness UTXO (amount as given) and, when `prev`, its
    /// previous transaction.
    fn psbt(&self, amounts: &[u64], pay: u64, prev: bool) -> Psbt {
        let input = self
            .coins
            .iter()
            .map(|(o, _)| TxIn {
                previous_output: *o,
                script_sig: ScriptBuf::new(),
                sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
                witness: Witness::new(),
            })
            .collect();
        let params = wallet_core::bitcoin::NetworkParams::new(
            wallet_core::bitcoin::Chain::Litecoin,
            wallet_core::bitcoin::Network::Regtest,
        )
        .unwrap();
        let sink = ScriptBuf::from_bytes(
            wallet_core::bitcoin::Address::parse(&self.sink, params)
                .unwrap()
                .script_pubkey(),
        );
        let tx = Transaction {
            version: bitcoin::transaction::Version::TWO,
            lock_time: bitcoin::absolute::LockTime::ZERO,
            input,
            output: vec![TxOut {
                value: Amount::from_sat(pay),
                script_pubkey: sink,
            }],
        };
        let mut p = Psbt::from_unsigned_tx(tx).unwrap();
        for (i, (_, prev_tx)) in self.coins.iter().enumerate() {
            let mut utxo = prev_tx.output[0].clone();
            utxo.value = Amount::from_sat(amounts[i]);
            p.inputs[i].witness_utxo = Some(utxo);
            if prev {
                p.inputs[i].non_witness_utxo = Some(prev_tx.clone());
            }
        }
        p
    }

    fn sign(&self, psbt: &Psbt, extra: &[&str]) -> Run {
        let mut a: Vec<String> = ["--json", "btc", "sign-psbt", "w", "--yes"]
            .map(String::from)
            .to_vec();
        a.extend(["--chain", "ltc", "--network", "regtest"].map(String::from));
        a.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = a.iter().map(String::as_str).collect();
        self.ks.run(&args, &psbt.to_string())
    }

    fn unspent(&self) -> bool {
        self.coins.iter().all(|(o, _)| {
            !self
                .node
                .rpc("gettxout", json!([o.txid.to_string(), o.vout]))
                .is_null()
        })
    }
}

#[test]
fn issue22_1_understated_segwit_amounts_are_refused_in_every_session() {
    let Some(s) = Scene::new() else { return };
    // The attack: the PSBT pays 99 of the 100 LTC in; two sessions each
    // understate a different input's witness UTXO by 1 LTC less 10,000
    // sat, so each shows a 10,000 sat fee; combined, the two signatures
    // would pay 1 LTC in fees.
    let pay = 99 * COIN;
    for understated in 0..2 {
        let mut amounts = [50 * COIN, 50 * COIN];
        amounts[understated] -= COIN - 10_000;
        // Without the previous transactions the amounts cannot be checked.
        let r = s.sign(&s.psbt(&amounts, pay, false), &["--allow-high-fee"]);
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "invalid_input", "{e}");
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.contains("nothing was signed") && msg.contains("non_witness_utxo"),
            "{msg}"
        );
        // With them, the understated amount is caught against the real output.
        let r = s.sign(&s.psbt(&amounts, pay, true), &["--allow-high-fee"]);
        r.assert_fails(1);
        let e = r.err_json();
        assert_eq!(e["kind"], "invalid_input", "{e}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains(&format!("input {understated}")),
            "{e}"
        );
    }
    assert!(s.unspent(), "a coin moved");
    // The honest PSBT is signed and would be accepted: the refusals above
    // are about the amounts, not the setup.
    let honest = 100 * COIN - 10_000;
    let r = s.sign(
        &s.psbt(&[50 * COIN, 50 * COIN], honest, true),
        &["--finalize"],
    );
    r.assert_ok();
    assert_eq!(r.json()["fee_sat"], json!(10_000));
    // The real fee of the attack's transaction is refused by the fee cap.
    let r = s.sign(&s.psbt(&[50 * COIN, 50 * COIN], pay, true), &[]);
    r.assert_fails(1);
    assert!(r.err_json()["message"]
        .as_str()
        .unwrap()
        .contains("safety cap"));
    let r = s.sign(
        &s.psbt(&[50 * COIN, 50 * COIN], honest, true),
        &["--finalize"],
    );
    let accept = s.node.rpc("testmempoolaccept", json!([[r.json()["hex"]]]));
    assert_eq!(accept[0]["allowed"], true, "{accept}");
}

#[test]
fn issue22_2_sighash_none_asked_by_the_psbt_is_refused_unless_allowed() {
    let Some(s) = Scene::new() else { return };
    let pay = 100 * COIN - 20_000;
    let mut p = s.psbt(&[50 * COIN, 50 * COIN], pay, true);
    for i in &mut p.inputs {
        i.sighash_type = Some(PsbtSighashType::from(EcdsaSighashType::None));
    }
    let r = s.sign(&p, &["--finalize"]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("SIGHASH_NONE"),
        "{e}"
    );
    let mut one_open = s.psbt(&[50 * COIN, 50 * COIN], pay, true);
    one_open.inputs[1].sighash_type = Some(PsbtSighashType::from(
        EcdsaSighashType::NonePlusAnyoneCanPay,
    ));
    let r = s.sign(&one_open, &[]);
    r.assert_ok();
    let v = r.json();
    assert_eq!(v["inputs"][1]["status"], "refused", "{v}");
    assert_eq!(v["signed"], 1);
    // The refused input cannot be finalized: the transaction cannot be sent.
    let r = s.sign(&one_open, &["--finalize"]);
    r.assert_fails(1);
    assert!(s.unspent(), "a coin moved");
    // Allowed explicitly, it is signed, and the JSON says what it means.
    let r = s.sign(&p, &["--allow-sighash", "NONE"]);
    r.assert_ok();
    let v = r.json();
    assert_eq!(v["signed"], 2, "{v}");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{v}");
    assert!(warnings[0]
        .as_str()
        .unwrap()
        .contains("does not cover the whole transaction"));
}

fn send_at_terminal(s: &Scene, steps: Value) -> TtyRun {
    let ks = s.ks.dir.path().join("ks");
    let pw = s.ks.dir.path().join("pw");
    let mut a: Vec<String> = ["--allow-weak-kdf", "--keystore-dir", ks.to_str().unwrap()]
        .map(String::from)
        .to_vec();
    a.extend(["--password-file".into(), pw.to_str().unwrap().to_owned()]);
    a.extend(
        [
            "--json",
            "btc",
            "send",
            "w",
            "--to",
            &s.sink,
            "--amount",
            "10",
            "--fee-rate",
            "2",
        ]
        .map(String::from),
    );
    a.extend(s.net());
    let args: Vec<&str> = a.iter().map(String::as_str).collect();
    wallet_tty(&args, steps, &[])
}

#[test]
fn issue22_3_a_keystore_swapped_during_btc_send_cannot_take_the_change() {
    let Some(s) = Scene::new() else { return };
    // The attacker's own wallet, under the victim's name and password.
    let other = Ks::new();
    import(&other, "w", ATTACKER);
    let attacker_file = other.dir.path().join("ks/w.json");
    let victim_file = s.ks.dir.path().join("ks/w.json");
    let saved = s.ks.dir.path().join("victim.json");
    std::fs::copy(&victim_file, &saved).unwrap();
    let attacker_change: Vec<String> = (0..5).map(|i| address(&other, "w", i, true)).collect();
    let victim_change: Vec<String> = (0..5).map(|i| address(&s.ks, "w", i, true)).collect();
    // 1. The attacker's file is in place when the command starts and the
    //    victim's is put back while the confirmation is asked: the payment
    //    is of the file that was read and decrypted (the attacker's, which
    //    has no coins), so it stops before any prompt.
    std::fs::copy(&attacker_file, &victim_file).unwrap();
    let t = send_at_terminal(
        &s,
        json!([{"expect": "Type 'yes' to continue: ", "copy": [saved, victim_file], "send": "yes\n", "timeout": 20}]),
    );
    assert_ne!(t.code, 0, "{t:?}");
    assert!(t.output.contains("insufficient_funds"), "{t:?}");
    std::fs::copy(&saved, &victim_file).unwrap();
    assert!(s.unspent(), "a coin moved");
    // 2. The victim's file when the command starts, the attacker's swapped
    //    in during the prompt: the change still goes to the victim's own
    //    change address, derived from the secret decrypted before the prompt.
    let t = send_at_terminal(
        &s,
        json!([{"expect": "Type 'yes' to continue: ", "copy": [attacker_file, victim_file], "send": "yes\n"}]),
    );
    assert_eq!(t.code, 0, "{t:?}");
    let start = t.output.find("{\"to\"").expect("the payment JSON");
    let end = t.output[start..]
        .find('\n')
        .map_or(t.output.len(), |e| start + e);
    let paid: Value = serde_json::from_str(t.output[start..end].trim()).unwrap();
    let change = paid["change"]["address"].as_str().unwrap();
    assert!(victim_change.iter().any(|c| c == change), "{paid}");
    assert!(!attacker_change.iter().any(|c| c == change));
    let tx = s.node.rpc("getrawtransaction", json!([paid["txid"], true]));
    for out in tx["vout"].as_array().unwrap() {
        let a = out["scriptPubKey"]["address"].as_str().unwrap_or_default();
        assert!(
            !attacker_change.iter().any(|c| c == a),
            "paid the attacker: {tx}"
        );
    }
}

/// Issue 22 item 7: `sign-psbt --finalize` of a transaction paying 99.9 %
/// of its 100 LTC in fees. The outputs and the fee are shown, and the fee
/// cap refuses it (naming `--allow-high-fee`) before anything is signed,
/// with `--yes` and under `--json` too; allowed explicitly, it is signed
/// and the JSON result carries the warning; without `--yes` a script gets
/// no signature.
#[test]
fn issue22_7_finalize_of_a_99_9_percent_fee_is_shown_capped_and_warned() {
    let Some(s) = Scene::new() else { return };
    let pay = COIN / 10;
    let p = s.psbt(&[50 * COIN, 50 * COIN], pay, true);
    let r = s.sign(&p, &["--finalize"]);
    r.assert_fails(1);
    let e = r.err_json();
    assert_eq!(e["kind"], "invalid_input", "{e}");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("a fee of {} sat", 100 * COIN - pay))
            && msg.contains("safety cap; nothing was signed")
            && msg.contains("--allow-high-fee"),
        "{msg}"
    );
    assert!(r.stdout.is_empty(), "{r:?}");
    // For people: what the PSBT does, then the refusal.
    let mut a = vec!["btc", "sign-psbt", "w", "--yes", "--finalize"];
    a.extend(["--chain", "ltc", "--network", "regtest"]);
    let r = s.ks.run(&a, &p.to_string());
    r.assert_fails(1);
    let shown = format!("output 0: 0.1 LTC to {}", s.sink);
    assert!(r.stderr.contains(&shown), "{}", r.stderr);
    assert!(
        r.stderr.contains("fee 99.9 LTC (9990000000 sat"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--allow-high-fee"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{r:?}");
    // No --yes and no terminal: nothing is signed, even when allowed.
    let mut a = vec!["--json", "btc", "sign-psbt", "w", "--finalize"];
    a.extend(["--chain", "ltc", "--network", "regtest", "--allow-high-fee"]);
    let r = s.ks.run(&a, &p.to_string());
    r.assert_fails(1);
    assert_eq!(r.err_json()["kind"], "cancelled", "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    // Allowed explicitly: signed, and the JSON says the fee is above the cap.
    let r = s.sign(&p, &["--finalize", "--allow-high-fee"]);
    r.assert_ok();
    let v = r.json();
    assert_eq!(v["fee_sat"], json!(100 * COIN - pay), "{v}");
    assert_eq!(v["outputs"][0]["address"], s.sink.as_str(), "{v}");
    assert_eq!(v["outputs"][0]["amount_sat"], json!(pay), "{v}");
    let warnings = v["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("above the 500 sat/vB safety cap (a high fee was allowed explicitly)")),
        "{v}"
    );
    assert!(s.unspent(), "a coin moved");
}
