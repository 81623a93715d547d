//! Signs N EIP-1559 transactions in one process and prints the rate
//! (used by scripts/bench against ethers.js and eth-account).
//!
//!   cargo run --release -p wallet-core --example sign_eip1559 -- 1000

use std::time::Instant;
use wallet_core::ethereum::{ChainId, Gas, Nonce, Transaction, TxEip1559, TxKind, Wei};
use wallet_core::key::PrivateKey;

fn main() -> Result<(), wallet_core::Error> {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let key =
        PrivateKey::from_hex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")?;
    let to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse()?;
    let start = Instant::now();
    let mut bytes = 0usize;
    for i in 0..n {
        let tx = Transaction::Eip1559(TxEip1559 {
            chain_id: ChainId(1),
            nonce: Nonce(i),
            gas_limit: Gas(21_000),
            max_fee_per_gas: Wei::from_gwei(30),
            max_priority_fee_per_gas: Wei::from_gwei(1),
            to: TxKind::Call(to),
            value: Wei::from_gwei(1_000_000),
            input: Vec::new(),
            access_list: Vec::new(),
        });
        bytes += tx.sign(&key)?.to_raw().len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"transactions\":{n},\"seconds\":{secs:.6},\"per_second\":{:.0},\"bytes\":{bytes}}}",
        n as f64 / secs
    );
    Ok(())
}
