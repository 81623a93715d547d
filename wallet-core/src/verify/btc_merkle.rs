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
        })
    }
}
