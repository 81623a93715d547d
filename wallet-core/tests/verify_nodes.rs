//! The light-client checks of `wallet_core::verify` against real nodes:
//! anvil (block hashes of the blocks it mines, account and storage proofs,
//! receipts and transactions roots) and litecoind regtest (the header chain
//! from the genesis block with scrypt proof of work, merkle proofs of coins).
//! Each test skips with a note when its node is not installed, unless
//! `WALLET_REQUIRE_DEVNET=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wallet_testkit as common;

use alloy_primitives::{keccak256, B256, U256};
use common::{Anvil, Node};
use serde_json::{json, Value};
use wallet_core::bitcoin::{Chain, Network, NetworkParams};
use wallet_core::ethereum::{Address, Nonce, Wei};
use wallet_core::verify::*;

fn quantity(v: &Value) -> U256 {
    U256::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// Init code that stores 0x2a in slot 0 and 7 in slot 1, logs one topic,
/// and deploys the one-byte code `STOP`.
const INIT_CODE: &str = "0x602a6000556007600155\
60aa60206000a1\
60016000f3";

/// Private keys of anvil's dev accounts 2 and 3 (it prints them at start;
/// they come from the test mnemonic), for the transactions cast signs.
const DEV_KEY_2: &str = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const DEV_KEY_3: &str = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

/// The transactions of the test block, by what they exercise.
struct Sent {
    number: u64,
    contract: String,
    create: String,
    revert: String,
    /// Every hash and its EIP-2718 type.
    all: Vec<(String, u8)>,
    /// A blob transaction, alone in the next block.
    blob: Option<String>,
}

/// Sends one transaction of each type into one block: legacy, EIP-2930,
/// EIP-1559, a contract creation and a reverting creation (anvil signs
/// them for its dev account) and an EIP-7702 authorization (cast signs
/// it); then an EIP-4844 blob transaction alone in the next block (anvil
/// 1.7.1 builds `transactionsRoot` over a blob transaction with its
/// sidecar, which mainnet does not, so that block's transactions cannot be
/// checked against it).
fn mine_block_of_every_type(anvil: &Anvil, from: &str, to: &str) -> Sent {
    anvil.rpc("evm_setAutomine", json!([false]));
    let mut all = Vec::new();
    let mut send = |tx: Value, ty: u8| {
        let h = anvil.rpc("eth_sendTransaction", json!([tx]));
        assert!(h.is_string(), "eth_sendTransaction {tx}: {h}");
        let h = h.as_str().unwrap().to_owned();
        all.push((h.clone(), ty));
        h
    };
    send(
        json!({"from": from, "to": to, "value": "0x1000", "type": "0x0", "gasPrice": "0x77359400", "gas": "0x5208"}),
        0,
    );
    send(
        json!({"from": from, "to": to, "value": "0x2000", "type": "0x1", "gasPrice": "0x77359400", "gas": "0x7530",
        "accessList": [{"address": to, "storageKeys": [format!("0x{}", "00".repeat(32))]}]}),
        1,
    );
    send(
        json!({"from": from, "to": to, "value": "0x3000", "type": "0x2", "maxFeePerGas": "0x77359400",
        "maxPriorityFeePerGas": "0x3b9aca00", "gas": "0x5208"}),
        2,
    );
    let create = send(
        json!({"from": from, "data": INIT_CODE, "type": "0x2", "maxFeePerGas": "0x77359400",
        "maxPriorityFeePerGas": "0x1", "gas": "0x30d40"}),
        2,
    );
    let revert = send(
        json!({"from": from, "data": "0x60006000fd", "type": "0x2", "maxFeePerGas": "0x77359400",
        "maxPriorityFeePerGas": "0x1", "gas": "0x186a0"}),
        2,
    );
    let cast = common::cast();
    let cast_send = |args: &[&str]| {
        let out = std::process::Command::new(cast.as_ref().unwrap())
            .args(["send", "--rpc-url", &anvil.url, "--async"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cast {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let dead = "0x000000000000000000000000000000000000dEaD";
    if cast.is_some() {
        all.push((
            cast_send(&["--private-key", DEV_KEY_3, "--auth", dead, to]),
            4,
        ));
    }
    anvil.rpc("evm_mine", json!([]));
    let blob = cast.as_ref().map(|_| {
        let path = std::env::temp_dir().join(format!("verify-blob-{}", std::process::id()));
        std::fs::write(&path, b"a blob for the receipts trie").unwrap();
        let h = cast_send(&[
            "--private-key",
            DEV_KEY_2,
            "--blob",
            "--eip4844",
            "--path",
            path.to_str().unwrap(),
            dead,
        ]);
        std::fs::remove_file(&path).unwrap();
        anvil.rpc("evm_mine", json!([]));
        h
    });
    anvil.rpc("evm_setAutomine", json!([true]));
    let receipt = anvil.rpc("eth_getTransactionReceipt", json!([create]));
    Sent {
        number: u64::try_from(quantity(&receipt["blockNumber"])).unwrap(),
        contract: receipt["contractAddress"].as_str().unwrap().to_owned(),
        create,
        revert,
        all,
        blob,
    }
}

fn header_at(anvil: &Anvil, n: u64) -> (EthHeader, B256) {
    let v = anvil.rpc("eth_getBlockByNumber", json!([format!("{n:#x}"), false]));
    (
        EthHeader::from_rpc(&v).unwrap(),
        EthHeader::claimed_hash(&v).unwrap(),
    )
}

#[test]
fn anvil_headers_proofs_and_receipts() {
    let Some(anvil) = Anvil::start() else {
        return;
    };
    let accounts = anvil.rpc("eth_accounts", json!([]));
    let (from, to) = (accounts[0].as_str().unwrap(), accounts[1].as_str().unwrap());
    let sent = mine_block_of_every_type(&anvil, from, to);
    let n = u64::try_from(quantity(&anvil.rpc("eth_blockNumber", json!([])))).unwrap();

    // Every block hash anvil produced, recomputed; the chain walked down
    // from the tip to genesis.
    let mut run = Vec::new();
    for i in (0..=n).rev() {
        let (h, claimed) = header_at(&anvil, i);
        assert_eq!(h.hash(), claimed, "block {i}");
        run.push(h);
    }
    let tip = VerifiedHeader::trusted(run[0].clone(), run[0].hash()).unwrap();
    assert_eq!(
        tip.header().fork(),
        EthFork::Prague,
        "anvil mines Prague-format blocks"
    );
    let ancestors = verify_ancestors(&tip, &run[1..]).unwrap();
    assert_eq!(ancestors.last().unwrap().number(), 0);
    let block = ancestors
        .iter()
        .chain([&tip])
        .find(|h| h.number() == sent.number)
        .unwrap();

    check_receipts(&anvil, block, &sent);
    check_accounts(&anvil, block, from, &sent.contract);
    if let Some(blob) = &sent.blob {
        // The blob block: its header commits to blob gas, its receipts root
        // to the type-3 receipt.
        assert_eq!(
            tip.header().blob_gas_used,
            Some(wallet_core::ethereum::Gas(0x20000))
        );
        let receipts =
            EthReceipt::list_from_rpc(&anvil.rpc("eth_getBlockReceipts", json!(["latest"])))
                .unwrap();
        let verified = verify_block_receipts(&tip, &receipts).unwrap();
        assert_eq!(verified.receipts()[0].tx_type, 3);
        assert_eq!(
            verified.receipts()[0].transaction_hash,
            blob.parse::<B256>().unwrap()
        );
    }
}

fn check_receipts(anvil: &Anvil, tip: &VerifiedHeader, sent: &Sent) {
    let n = format!("{:#x}", tip.number());
    let block = anvil.rpc("eth_getBlockByNumber", json!([n, false]));
    let hashes: Vec<String> = block["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        hashes.len(),
        sent.all.len(),
        "every transaction in the one block"
    );
    let raw: Vec<Vec<u8>> = hashes
        .iter()
        .map(|h| {
            let r = anvil.rpc("eth_getRawTransactionByHash", json!([h]));
            hex::decode(r.as_str().unwrap().trim_start_matches("0x")).unwrap()
        })
        .collect();
    let txs = verify_block_transactions(tip, &raw).unwrap();
    let receipts =
        EthReceipt::list_from_rpc(&anvil.rpc("eth_getBlockReceipts", json!([n]))).unwrap();
    let verified = verify_block_receipts(tip, &receipts).unwrap();
    let position = |h: &str| hashes.iter().position(|x| x == h).unwrap();
    for (h, ty) in &sent.all {
        let claimed =
            EthReceipt::from_rpc(&anvil.rpc("eth_getTransactionReceipt", json!([h]))).unwrap();
        let r = verified.check(&claimed, &txs).unwrap();
        assert_eq!(r.transaction_index, position(h) as u64);
        assert_eq!(r.tx_type, *ty, "{h}");
        assert_eq!(r.gas_used, claimed.gas_used);
    }
    let revert = position(&sent.revert);
    assert_eq!(receipts[revert].outcome, ReceiptOutcome::Failure);
    assert_eq!(
        receipts[position(&sent.create)].logs.len(),
        1,
        "the creation's log"
    );
    // A node reporting the revert as a success is caught by the root.
    let mut lie = receipts.clone();
    lie[revert].outcome = ReceiptOutcome::Success;
    assert!(matches!(
        verify_block_receipts(tip, &lie),
        Err(VerifyError::ReceiptsRoot { .. })
    ));
    // ... and so is a claimed receipt saying so.
    let mut claimed = receipts[revert].clone();
    claimed.outcome = ReceiptOutcome::Success;
    assert!(matches!(
        verified.check(&claimed, &txs),
        Err(VerifyError::Receipt {
            field: ReceiptField::Status,
            ..
        })
    ));
    // A node hiding one transaction is caught by the transactions root.
    assert!(matches!(
        verify_block_transactions(tip, &raw[..raw.len() - 1]),
        Err(VerifyError::TransactionsRoot { .. })
    ));
}

fn check_accounts(anvil: &Anvil, tip: &VerifiedHeader, from: &str, contract: &str) {
    let n = format!("{:#x}", tip.number());
    let proof = |addr: &str, slots: Value| {
        AccountProof::from_rpc(&anvil.rpc("eth_getProof", json!([addr, slots, n]))).unwrap()
    };
    // The funded sender: balance and nonce as the node reports them.
    let sender: Address = from.parse().unwrap();
    let a = proof(from, json!([])).verify_for(&sender, tip).unwrap();
    assert!(a.exists);
    assert_eq!(
        a.balance,
        Wei(quantity(&anvil.rpc("eth_getBalance", json!([from, n]))))
    );
    assert_eq!(a.nonce, Nonce(5));
    // An address that never held anything: an exclusion proof.
    let empty = "0x000000000000000000000000000000000000dEaD";
    let e = proof(empty, json!([])).verify(tip).unwrap();
    assert!(!e.exists);
    assert_eq!((e.balance, e.nonce), (Wei::ZERO, Nonce(0)));
    // The contract: its code hash and storage.
    let slot = |i: u8| format!("0x{:064x}", i);
    let slots = json!([slot(0), slot(1), slot(5)]);
    let c = proof(contract, slots).verify(tip).unwrap();
    let code = anvil.rpc("eth_getCode", json!([contract, n]));
    let code = hex::decode(code.as_str().unwrap().trim_start_matches("0x")).unwrap();
    assert_eq!(c.code_hash, keccak256(&code));
    let values: Vec<U256> = c.storage.iter().map(|s| s.value).collect();
    assert_eq!(values, [U256::from(0x2a), U256::from(7), U256::ZERO]);
    // Lies in an otherwise valid answer.
    let mut lie = proof(from, json!([]));
    lie.nonce = Nonce(4);
    assert!(matches!(
        lie.verify(tip),
        Err(VerifyError::Account {
            claimed: AccountValue::Nonce(Nonce(4)),
            proven: AccountValue::Nonce(Nonce(5)),
            ..
        })
    ));
    let mut lie = proof(empty, json!([]));
    lie.balance = Wei::from_wei(1);
    assert!(matches!(
        lie.verify(tip),
        Err(VerifyError::Account {
            claimed: AccountValue::Existence(true),
            proven: AccountValue::Existence(false),
            ..
        })
    ));
    let mut lie = proof(contract, json!([slot(1)]));
    lie.storage[0].value = U256::from(8);
    assert!(matches!(lie.verify(tip), Err(VerifyError::Storage { .. })));
}

fn ltc_regtest() -> NetworkParams {
    NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap()
}

fn raw_header(node: &Node, height: u64) -> bitcoin::block::Header {
    let hash = node.rpc("getblockhash", json!([height]));
    let hex = node.rpc("getblockheader", json!([hash, false]));
    parse_header(&hex::decode(hex.as_str().unwrap()).unwrap()).unwrap()
}

#[test]
fn litecoind_header_chain_and_coins() {
    let Some(node) = Node::litecoind_with(&["-disablewallet=0"]) else {
        return;
    };
    node.rpc("createwallet", json!(["w"]));
    let mine_to = node.rpc("getnewaddress", json!([]));
    node.rpc("generatetoaddress", json!([101, mine_to]));
    let payee = node.rpc("getnewaddress", json!([]));
    let txid = node.rpc("sendtoaddress", json!([payee, 1.25]));
    node.rpc("sendtoaddress", json!([payee, 2.5]));
    node.rpc("generatetoaddress", json!([3, mine_to]));
    let tip_height = node.rpc("getblockcount", json!([])).as_u64().unwrap();

    // The header chain from the regtest genesis, scrypt work checked.
    let headers: Vec<_> = (1..=tip_height).map(|h| raw_header(&node, h)).collect();
    let mut chain = HeaderChain::from_genesis(ltc_regtest()).unwrap();
    assert_eq!(
        chain.tip().hash.to_string(),
        node.rpc("getblockhash", json!([0])).as_str().unwrap()
    );
    let tip = chain.extend(&headers).unwrap();
    assert_eq!(
        tip.hash.to_string(),
        node.rpc("getbestblockhash", json!([])).as_str().unwrap()
    );
    assert_eq!(chain.rules().algorithm, PowAlgorithm::Scrypt);

    // A competing chain that stops earlier has less work.
    let mut shorter = HeaderChain::from_genesis(ltc_regtest()).unwrap();
    shorter.extend(&headers[..headers.len() - 2]).unwrap();
    chain.ensure_most_work(&[&shorter]).unwrap();
    assert!(matches!(
        shorter.ensure_most_work(&[&chain]),
        Err(VerifyError::LessWork { .. })
    ));

    // A next header with valid sha256d work but no scrypt work.
    let mut fake = bitcoin::block::Header {
        prev_blockhash: tip.hash,
        time: tip.header.time + 1,
        nonce: 0,
        ..tip.header
    };
    let target = bitcoin::pow::Target::from_compact(fake.bits);
    let scrypt_meets = |h: &bitcoin::block::Header| {
        let mut c = chain.clone();
        c.extend(&[*h]).is_ok()
    };
    while !target.is_met_by(fake.block_hash()) || scrypt_meets(&fake) {
        fake.nonce += 1;
    }
    assert!(matches!(
        chain.clone().extend(&[fake]),
        Err(VerifyError::ProofOfWork {
            algorithm: PowAlgorithm::Scrypt,
            ..
        })
    ));

    check_coin(&node, &chain, txid.as_str().unwrap());
    // An unspent coinbase too (block 3: a one-transaction block; the wallet
    // spent block 1's, the only mature one, for the payments).
    let b3 = node.rpc("getblock", json!([node.rpc("getblockhash", json!([3])), 1]));
    check_coin(&node, &chain, b3["tx"][0].as_str().unwrap());
}

fn check_coin(node: &Node, chain: &HeaderChain, txid: &str) {
    let id: bitcoin::Txid = txid.parse().unwrap();
    let proof = hex::decode(node.rpc("gettxoutproof", json!([[txid]])).as_str().unwrap()).unwrap();
    let inclusion = verify_txout_proof(&proof, chain, id).unwrap();
    let raw = hex::decode(
        node.rpc("getrawtransaction", json!([txid]))
            .as_str()
            .unwrap(),
    )
    .unwrap();
    // The node's UTXO claim, checked against the funding transaction (its
    // first unspent output: the other payment may have spent the change).
    let (vout, out) = (0..4u32)
        .map(|v| (v, node.rpc("gettxout", json!([txid, v]))))
        .find(|(_, o)| !o.is_null())
        .unwrap();
    let amount = bitcoin::Amount::from_btc(out["value"].as_f64().unwrap()).unwrap();
    let script = bitcoin::ScriptBuf::from_bytes(
        hex::decode(out["scriptPubKey"]["hex"].as_str().unwrap()).unwrap(),
    );
    let op = bitcoin::OutPoint::new(id, vout);
    let coin = inclusion.verify_coin(&raw, op, amount, &script).unwrap();
    assert_eq!(
        coin.confirmations,
        out["confirmations"].as_u64().unwrap() as u32
    );
    // A lying node: more coins, or a changed branch.
    let more = amount + bitcoin::Amount::from_sat(1);
    assert!(matches!(
        inclusion.verify_coin(&raw, op, more, &script),
        Err(VerifyError::CoinAmount { .. })
    ));
    // The first branch hash starts after the header, the transaction count
    // and the one-byte hash count.
    let mut bad = proof.clone();
    bad[80 + 4 + 1] ^= 1;
    assert!(matches!(
        verify_txout_proof(&bad, chain, id),
        Err(VerifyError::MerkleRoot { .. })
    ));
}
