//! Sends 0.01 ETH from a keystore wallet through a node: the node fills in
//! nonce, fees, gas and chain id in one batch, the summary is what a face
//! shows before asking, then the transaction is signed, sent once, and its
//! receipt awaited.
//!
//!   anvil &   # a dev node on 127.0.0.1:8545 with the test mnemonic funded
//!   cargo run -p wallet-core --example eth_send -- http://127.0.0.1:8545

use std::time::Duration;
use wallet_core::ethereum::{Unit, Wei};
use wallet_core::keystore::{KdfParams, Keystore};
use wallet_core::rpc::ethereum::EthNode;
use wallet_core::rpc::{RpcClient, RpcConfig};
use wallet_core::secret::SecretString;
use wallet_core::spend::ethereum::SendRequest;
use wallet_core::wallet::{ImportSource, KeyChoice, Wallet};

fn main() -> Result<(), wallet_core::Error> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8545".into());
    let dir = std::env::temp_dir().join(format!("wallet-eth-send-{}", std::process::id()));
    let keystore = Keystore::open(&dir)?;
    let phrase = "test test test test test test test test test test test junk";
    let source = ImportSource::mnemonic(SecretString::from(phrase), None, SecretString::default());
    let password = SecretString::from("pw");
    let weak = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    }; // an example: not for real use
    let wallet = Wallet::import(&keystore, "dev", source, &password, weak)?;
    let unlocked = wallet.allow_weak_kdf(true).unlock(&password)?;
    let node = EthNode::new(RpcClient::new(&url, RpcConfig::default())?);
    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse()?;
    let request = SendRequest::transfer(to, Wei::parse("0.01", Unit::Ether)?);
    let choice = KeyChoice::default();
    let prepared = unlocked.prepare_eth_send(&node, &request, &choice)?;
    println!("sending 0.01 ETH with nonce {}", prepared.tx.nonce().0);
    let (_sent, hash) = unlocked.send_eth(&node, &prepared, &choice)?;
    println!("sent {hash}");
    let receipt = node.wait_for_receipt(&hash, Duration::from_secs(30), |_| {})?;
    println!(
        "mined in block {} with status {}",
        receipt.block_number, receipt.status
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
