//! A coin proven confirmed: a `gettxoutproof` merkle proof (a serialized
//! `MerkleBlock`: header and partial merkle tree, parsed and walked by
//! rust-bitcoin) must be for a block of the verified header chain, build its
//! merkle root and include the transaction; then the funding transaction's
//! bytes must hash to the coin's txid and pay the coin's amount to its script.

use super::{HeaderChain, VerifyError};
use bitcoin::merkle_tree::{MerkleBlock, MerkleBlockError};
use bitcoin::{Amount, BlockHash, OutPoint, Script, ScriptBuf, Transaction, Txid};

/// A transaction proven to be in a block of a verified header chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedInclusion {
    /// The transaction.
    pub txid: Txid,
    /// The block that includes it.
    pub block_hash: BlockHash,
    /// The block's height.
    pub height: u32,
    /// Blocks from it to the chain's verified tip, itself included.
    pub confirmations: u32,
}

/// A coin proven to exist as claimed in a verified block. (That it is still
/// unspent is the node's word: no header commits to the UTXO set.)
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedCoin {
    /// The coin.
    pub outpoint: OutPoint,
    /// Its amount.
    pub amount: Amount,
    /// Its script.
    pub script_pubkey: ScriptBuf,
    /// The block of its funding transaction.
    pub block_hash: BlockHash,
    /// That block's height.
    pub height: u32,
    /// Its confirmations at the chain's verified tip.
    pub confirmations: u32,
    /// Whether the funding transaction is a coinbase (spendable once
    /// mature).
    pub coinbase: bool,
}

fn pmt_problem(e: &MerkleBlockError) -> &'static str {
    match e {
        MerkleBlockError::MerkleRootMismatch => "its root is not the header's",
        MerkleBlockError::NoTransactions => "it has no transactions",
        MerkleBlockError::TooManyTransactions => "it claims more transactions than fit a block",
        MerkleBlockError::TooManyHashes => "it has more hashes than transactions",
        MerkleBlockError::NotEnoughBits => "it has fewer flag bits than hashes",
        MerkleBlockError::NotAllBitsConsumed => "it has flag bits left over",
        MerkleBlockError::NotAllHashesConsumed => "it has hashes left over",
        MerkleBlockError::BitsArrayOverflow => "it runs out of flag bits",
        MerkleBlockError::HashesArrayOverflow => "it runs out of hashes",
        MerkleBlockError::IdenticalHashesFound => "it repeats a branch (CVE-2012-2459)",
        _ => "it is not a valid partial merkle tree",
    }
}

/// Checks a `gettxoutproof` answer (hex-decoded) proves `txid` is in a block
/// of `chain`.
pub fn verify_txout_proof(
    proof: &[u8],
    chain: &HeaderChain,
    txid: Txid,
) -> Result<VerifiedInclusion, VerifyError> {
    let mb: MerkleBlock = bitcoin::consensus::deserialize(proof).map_err(|_| {
        VerifyError::malformed("merkle proof", "it is not a serialized merkle block")
    })?;
    let block = mb.header.block_hash();
    let verified = chain
        .find(&block)
        .ok_or(VerifyError::UnknownBlock { block })?;
    let (mut matches, mut indexes) = (Vec::new(), Vec::new());
    let computed = mb
        .txn
        .extract_matches(&mut matches, &mut indexes)
        .map_err(|e| VerifyError::MerkleProof {
            block,
            problem: pmt_problem(&e),
        })?;
    if computed != verified.header.merkle_root {
        return Err(VerifyError::MerkleRoot { block, computed });
    }
    if !matches.contains(&txid) {
        return Err(VerifyError::TxNotProven { txid, block });
    }
    let tip = chain.tip().height;
    Ok(VerifiedInclusion {
        txid,
        block_hash: block,
        height: verified.height,
        confirmations: tip.saturating_sub(verified.height).saturating_add(1),
    })
}

impl VerifiedInclusion {
    /// Checks the coin `outpoint` worth `amount` locked by `script_pubkey`
    /// against its funding transaction `raw_tx` (the bytes
    /// `getrawtransaction` returns): they must hash to the proven txid and
    /// pay exactly that output.
    pub fn verify_coin(
        &self,
        raw_tx: &[u8],
        outpoint: OutPoint,
        amount: Amount,
        script_pubkey: &Script,
    ) -> Result<VerifiedCoin, VerifyError> {
        if outpoint.txid != self.txid {
            return Err(VerifyError::Txid {
                expected: self.txid,
                found: outpoint.txid,
            });
        }
        let tx: Transaction = bitcoin::consensus::deserialize(raw_tx)
            .map_err(|_| VerifyError::malformed("funding transaction", "it does not decode"))?;
        let found = tx.compute_txid();
        if found != self.txid {
            return Err(VerifyError::Txid {
                expected: self.txid,
                found,
            });
        }
        // An inner merkle node is 64 bytes: a 64-byte transaction could be
        // one, so its inclusion proves nothing (the "64-byte transaction"
        // merkle weakness).
        if tx.base_size() == 64 {
            return Err(VerifyError::AmbiguousTransaction { txid: found });
        }
        let out = usize::try_from(outpoint.vout)
            .ok()
            .and_then(|i| tx.output.get(i))
            .ok_or(VerifyError::NoOutput {
                outpoint,
                outputs: tx.output.len(),
            })?;
        if out.value != amount {
            return Err(VerifyError::CoinAmount {
                outpoint,
                claimed: amount,
                proven: out.value,
            });
        }
        if out.script_pubkey.as_script() != script_pubkey {
            return Err(VerifyError::CoinScript { outpoint });
        }
        Ok(VerifiedCoin {
            outpoint,
            amount,
            script_pubkey: out.script_pubkey.clone(),
            block_hash: self.block_hash,
            height: self.height,
            confirmations: self.confirmations,
            coinbase: tx.is_coinbase(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitcoin::{Chain, Network, NetworkParams};
    use crate::verify::{Checkpoint, PowRules};
    use bitcoin::hashes::Hash as _;
    use bitcoin::Block;

    fn testdata(name: &str) -> Vec<u8> {
        let path = format!("{}/../testdata/btc/{name}", env!("CARGO_MANIFEST_DIR"));
        hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
    }

    /// Mainnet block 0000000000013b8a…f7af, and a chain holding it.
    fn block_and_chain() -> (Block, HeaderChain) {
        let block: Block =
            bitcoin::consensus::deserialize(&testdata("mainnet_block_13b8a.hex")).unwrap();
        let main = NetworkParams::new(Chain::Bitcoin, Network::Mainnet).unwrap();
        let cp = Checkpoint {
            height: 100_000,
            hash: block.block_hash(),
        };
        let chain =
            HeaderChain::with_rules(PowRules::for_network(main), cp, &[block.header]).unwrap();
        (block, chain)
    }

    fn proof_for(block: &Block, txid: Txid) -> Vec<u8> {
        bitcoin::consensus::serialize(&MerkleBlock::from_block_with_predicate(block, |t| {
            *t == txid
        }))
    }

    #[test]
    fn bitcoin_core_merkle_block_and_a_coin() {
        let (block, chain) = block_and_chain();
        // The MerkleBlock from Bitcoin Core's tests (via rust-bitcoin).
        let proof = testdata("mainnet_merkleblock_13b8a.hex");
        let mb: MerkleBlock = bitcoin::consensus::deserialize(&proof).unwrap();
        let (mut matches, mut idx) = (vec![], vec![]);
        mb.extract_matches(&mut matches, &mut idx).unwrap();
        assert!(!matches.is_empty());
        for txid in &matches {
            let inc = verify_txout_proof(&proof, &chain, *txid).unwrap();
            assert_eq!((inc.height, inc.confirmations), (100_000, 1));
        }
        // Every transaction of the block, by a proof built for it, then its
        // outputs as coins.
        for tx in &block.txdata {
            let txid = tx.compute_txid();
            let inc = verify_txout_proof(&proof_for(&block, txid), &chain, txid).unwrap();
            let raw = bitcoin::consensus::serialize(tx);
            for (vout, out) in tx.output.iter().enumerate() {
                let op = OutPoint::new(txid, vout as u32);
                let coin = inc
                    .verify_coin(&raw, op, out.value, &out.script_pubkey)
                    .unwrap();
                assert_eq!(coin.amount, out.value);
                assert_eq!(coin.block_hash, block.block_hash());
            }
        }
    }

    #[test]
    fn lies_about_inclusion_are_caught() {
        let (block, chain) = block_and_chain();
        let txid = block.txdata[1].compute_txid();
        let proof = proof_for(&block, txid);
        // A branch hash changed (the first hash starts after the header, the
        // transaction count and the hash count).
        let mut bad = proof.clone();
        bad[80 + 4 + 1 + 3] ^= 1;
        assert!(matches!(
            verify_txout_proof(&bad, &chain, txid),
            Err(VerifyError::MerkleRoot { .. })
        ));
        // Zero transactions: not a tree.
        let mut bad = proof.clone();
        bad[80..84].copy_from_slice(&[0; 4]);
        assert_eq!(
            verify_txout_proof(&bad, &chain, txid).unwrap_err(),
            VerifyError::MerkleProof {
                block: block.block_hash(),
                problem: "it has no transactions"
            }
        );
        // A valid proof of another transaction.
        let other = block.txdata[2].compute_txid();
        assert!(matches!(
            verify_txout_proof(&proof, &chain, other),
            Err(VerifyError::TxNotProven { .. })
        ));
        // A block outside the verified chain.
        let genesis = HeaderChain::from_genesis(NetworkParams::BITCOIN).unwrap();
        assert!(matches!(
            verify_txout_proof(&proof, &genesis, txid),
            Err(VerifyError::UnknownBlock { .. })
        ));
        let e = verify_txout_proof(&proof[..50], &chain, txid).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn lies_about_the_coin_are_caught() {
        let (block, chain) = block_and_chain();
        let tx = &block.txdata[1];
        let txid = tx.compute_txid();
        let inc = verify_txout_proof(&proof_for(&block, txid), &chain, txid).unwrap();
        let raw = bitcoin::consensus::serialize(tx);
        let out = &tx.output[0];
        let op = OutPoint::new(txid, 0);
        let amount_err = inc.verify_coin(
            &raw,
            op,
            out.value + Amount::from_sat(1),
            &out.script_pubkey,
        );
        assert!(
            matches!(amount_err, Err(VerifyError::CoinAmount { proven, .. }) if proven == out.value)
        );
        let other_script = ScriptBuf::new();
        assert!(matches!(
            inc.verify_coin(&raw, op, out.value, &other_script),
            Err(VerifyError::CoinScript { .. })
        ));
        assert!(matches!(
            inc.verify_coin(&raw, OutPoint::new(txid, 99), out.value, &out.script_pubkey),
            Err(VerifyError::NoOutput { outputs, .. }) if outputs == tx.output.len()
        ));
        // Another transaction's bytes, or an outpoint of another transaction.
        let raw_other = bitcoin::consensus::serialize(&block.txdata[2]);
        assert!(matches!(
            inc.verify_coin(&raw_other, op, out.value, &out.script_pubkey),
            Err(VerifyError::Txid { .. })
        ));
        let foreign = OutPoint::new(block.txdata[2].compute_txid(), 0);
        assert!(matches!(
            inc.verify_coin(&raw, foreign, out.value, &out.script_pubkey),
            Err(VerifyError::Txid { .. })
        ));
        assert!(inc
            .verify_coin(&raw[..10], op, out.value, &out.script_pubkey)
            .is_err());
    }

    #[test]
    fn a_64_byte_transaction_is_not_trusted() {
        use bitcoin::{absolute::LockTime, transaction::Version, TxIn, TxOut};
        let tx = Transaction {
            version: Version::ONE,
            lock_time: LockTime::ZERO,
            input: vec![TxIn::default()],
            output: vec![TxOut {
                value: Amount::from_sat(1),
                script_pubkey: ScriptBuf::from_bytes(vec![0x51; 4]),
            }],
        };
        assert_eq!(tx.base_size(), 64);
        let txid = tx.compute_txid();
        let inc = VerifiedInclusion {
            txid,
            block_hash: BlockHash::from_byte_array([0; 32]),
            height: 1,
            confirmations: 1,
        };
        let raw = bitcoin::consensus::serialize(&tx);
        let e = inc
            .verify_coin(
                &raw,
                OutPoint::new(txid, 0),
                Amount::from_sat(1),
                &tx.output[0].script_pubkey,
            )
            .unwrap_err();
        assert_eq!(e, VerifyError::AmbiguousTransaction { txid });
    }
}
