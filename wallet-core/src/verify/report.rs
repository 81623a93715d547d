//! What a verified read proved, and against what: the trusted block or
//! checkpoint, the headers walked, the proofs checked and the requests it
//! took. Serializable (a `"verified"` member of a result's JSON) and
//! readable as a few lines of text.

use super::options::CheckpointSource;
use super::{EthFork, PowAlgorithm, VerifiedAccount, VerifiedCoin, VerifiedReceipt};
use serde::Serialize;

/// How the trusted Ethereum block was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustKind {
    /// A hash the caller pinned.
    Pinned,
    /// The `finalized` block the nodes agree on.
    Finalized,
    /// The `latest` block of a development chain the nodes agree on.
    DevLatest,
}

/// The trusted Ethereum block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedBlock {
    /// How it was chosen.
    pub trust: TrustKind,
    /// Its number.
    pub number: u64,
    /// Its hash (recomputed from the header).
    pub hash: String,
    /// The newest fork whose header fields it has.
    pub fork: &'static str,
    /// Nodes asked.
    pub nodes: usize,
    /// Nodes that gave it (the first included).
    pub agreeing: usize,
    /// Nodes that had to.
    pub quorum: usize,
}

/// An account proven against the trusted block's state root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvenAccount {
    /// The address.
    pub address: String,
    /// The block proven at.
    pub block_number: u64,
    /// Whether the account exists in the state.
    pub exists: bool,
    /// Its balance in wei (decimal).
    pub balance_wei: String,
    /// Its nonce.
    pub nonce: u64,
    /// Trie nodes in the proof.
    pub proof_nodes: usize,
}

impl ProvenAccount {
    /// The view of `a`, proven by `proof_nodes` trie nodes.
    #[must_use]
    pub fn of(a: &VerifiedAccount, proof_nodes: usize) -> Self {
        ProvenAccount {
            address: a.address.to_checksum(),
            block_number: a.block_number,
            exists: a.exists,
            balance_wei: a.balance.0.to_string(),
            nonce: a.nonce.0,
            proof_nodes,
        }
    }
}

/// How a receipt's block is tied to a trusted block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockLink {
    /// It is the trusted block.
    Trusted,
    /// It is an ancestor: the trusted block's hash commits to it.
    Ancestor,
    /// It descends from the trusted block by parent hashes: its place in
    /// the chain is proven, not that the chain's newest blocks are final.
    Descendant,
}

/// A receipt proven against its block's `receiptsRoot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvenReceipt {
    /// The transaction.
    pub transaction_hash: String,
    /// Its block.
    pub block_number: u64,
    /// The block's hash.
    pub block_hash: String,
    /// Its position in the block.
    pub transaction_index: u64,
    /// 1 success, 0 failure.
    pub status: u64,
    /// Gas it used.
    pub gas_used: u64,
    /// How the block is tied to the trusted block it was walked from.
    pub link: BlockLink,
    /// That trusted block's number.
    pub trusted_number: u64,
    /// Headers walked between the two.
    pub headers_walked: usize,
    /// Receipts (and transactions) of the block the roots were rebuilt from.
    pub block_receipts: usize,
}

impl ProvenReceipt {
    /// The view of `r`, reached from block `trusted_number` by `link`.
    #[must_use]
    pub fn of(
        r: &VerifiedReceipt,
        link: BlockLink,
        trusted_number: u64,
        headers_walked: usize,
        block_receipts: usize,
    ) -> Self {
        ProvenReceipt {
            transaction_hash: r.transaction_hash.to_string(),
            block_number: r.block_number,
            block_hash: r.block_hash.to_string(),
            transaction_index: r.transaction_index,
            status: u64::from(r.outcome == super::ReceiptOutcome::Success),
            gas_used: r.gas_used.0,
            link,
            trusted_number,
            headers_walked,
            block_receipts,
        }
    }
}

/// What an Ethereum verified read proved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EthVerifyReport {
    /// The trusted block.
    pub trusted_block: TrustedBlock,
    /// Accounts proven at it.
    pub accounts: Vec<ProvenAccount>,
    /// The receipt proven after a send was waited for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<ProvenReceipt>,
    /// HTTP requests the verification made (batches count once).
    pub requests: u32,
}

impl EthVerifyReport {
    /// The receipt's line of [`EthVerifyReport::lines`], once one is proven.
    #[must_use]
    pub fn receipt_line(&self) -> Option<String> {
        let r = self.receipt.as_ref()?;
        let link = match r.link {
            BlockLink::Trusted => "is the trusted block".to_owned(),
            BlockLink::Ancestor => format!(
                "is an ancestor of trusted block {} ({} headers walked)",
                r.trusted_number, r.headers_walked
            ),
            BlockLink::Descendant => format!(
                "descends from trusted block {} ({} headers walked)",
                r.trusted_number, r.headers_walked
            ),
        };
        Some(format!(
            "receipt of {}: status {}, gas used {}, proven against the receiptsRoot of block {} ({} receipts); the block {link}",
            r.transaction_hash, r.status, r.gas_used, r.block_number, r.block_receipts
        ))
    }
}

/// The lowercase name of a fork.
#[must_use]
pub fn fork_name(f: EthFork) -> &'static str {
    match f {
        EthFork::Frontier => "frontier",
        EthFork::London => "london",
        EthFork::Shanghai => "shanghai",
        EthFork::Cancun => "cancun",
        EthFork::Prague => "prague",
    }
}

impl EthVerifyReport {
    /// The report as lines of text for people.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let t = &self.trusted_block;
        let how = match t.trust {
            TrustKind::Pinned => "pinned by its hash".to_owned(),
            TrustKind::Finalized => format!(
                "the finalized block {} of {} node(s) agree on (quorum {})",
                t.agreeing, t.nodes, t.quorum
            ),
            TrustKind::DevLatest => format!(
                "the latest block of a development chain, {} of {} node(s) agreeing (quorum {})",
                t.agreeing, t.nodes, t.quorum
            ),
        };
        let mut out = vec![format!(
            "verified against block {} ({}), {how}; its header hash recomputed ({} fields)",
            t.number, t.hash, t.fork
        )];
        for a in &self.accounts {
            out.push(format!(
                "  {}: balance {} wei and nonce {} proven against its state root ({} proof nodes)",
                a.address, a.balance_wei, a.nonce, a.proof_nodes
            ));
        }
        if let Some(line) = self.receipt_line() {
            out.push(format!("  {line}"));
        }
        out.push(format!(
            "  {} request(s); not proven: pending transactions, fee suggestions, gas estimates",
            self.requests
        ));
        out
    }
}

/// A block of the verified Bitcoin-family header chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainPoint {
    /// Height.
    pub height: u32,
    /// Block hash.
    pub hash: String,
}

/// A coin proven by a merkle proof and its funding transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvenCoin {
    /// Its transaction.
    pub txid: String,
    /// Its output index.
    pub vout: u32,
    /// Its amount in satoshis.
    pub amount_sat: u64,
    /// The block that confirmed it.
    pub block_height: u32,
    /// That block's hash.
    pub block_hash: String,
    /// Its confirmations at the verified tip.
    pub confirmations: u32,
}

impl ProvenCoin {
    /// The view of `c`.
    #[must_use]
    pub fn of(c: &VerifiedCoin) -> Self {
        ProvenCoin {
            txid: c.outpoint.txid.to_string(),
            vout: c.outpoint.vout,
            amount_sat: c.amount.to_sat(),
            block_height: c.height,
            block_hash: c.block_hash.to_string(),
            confirmations: c.confirmations,
        }
    }
}

/// What a Bitcoin-family verified read proved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BtcVerifyReport {
    /// The block the chain was verified from.
    pub checkpoint: ChainPoint,
    /// Built in or given.
    pub checkpoint_source: CheckpointSource,
    /// The proof-of-work hash checked (`sha256d` or `scrypt`).
    pub pow: &'static str,
    /// The verified tip.
    pub tip: ChainPoint,
    /// Headers verified after the checkpoint.
    pub headers: u32,
    /// Their work (hex), more than that of every other chain tip compared.
    pub work: String,
    /// Other chain tips the node reports that were compared by work.
    pub forks_compared: usize,
    /// Other chain tips that could not be compared (forking before the
    /// checkpoint, too long, or with invalid headers).
    pub forks_skipped: usize,
    /// The coins proven.
    pub coins: Vec<ProvenCoin>,
    /// HTTP requests the verification made (batches count once).
    pub requests: u32,
}

/// The lowercase name of a proof-of-work hash ([`PowAlgorithm::name`]).
#[must_use]
pub fn pow_name(a: PowAlgorithm) -> &'static str {
    a.name()
}

impl BtcVerifyReport {
    /// The report as lines of text for people.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let source = match self.checkpoint_source {
            CheckpointSource::BuiltIn => "built in",
            CheckpointSource::Given => "given",
        };
        vec![
            format!(
                "verified: {} header(s) from the checkpoint at height {} ({source}, {}) to height {} ({}): links, {} proof of work, difficulty and times checked; more work than the {} other chain tip(s) compared ({} skipped)",
                self.headers,
                self.checkpoint.height,
                self.checkpoint.hash,
                self.tip.height,
                self.tip.hash,
                self.pow,
                self.forks_compared,
                self.forks_skipped
            ),
            format!(
                "  {} coin(s) proven by merkle proofs against their blocks' headers, amounts and scripts against their funding transactions",
                self.coins.len()
            ),
            format!(
                "  {} request(s); not proven: that the coins are still unspent, the mempool, the fee estimate",
                self.requests
            ),
        ]
    }
}

/// A result with the report of what was verified beside its own fields
/// (`{…the result…, "verified": {…}}`).
#[derive(Debug, Serialize)]
pub struct Verified<'a, T: Serialize, R: Serialize> {
    /// The result.
    #[serde(flatten)]
    pub value: &'a T,
    /// What was verified.
    pub verified: &'a R,
}
