//! Light-client checks of what a node says, against commitments the node
//! cannot forge without doing the chain's work.
//!
//! Everything here is pure: functions take the JSON values or bytes a node
//! returned and give back typed facts ([`VerifiedAccount`],
//! [`VerifiedReceipt`], [`VerifiedCoin`], a [`HeaderChain`] tip) or a
//! [`VerifyError`] naming what did not match. No function here talks to a
//! node; choosing which nodes to ask and which block to trust is the caller's
//! (the trust root).
//!
//! # Ethereum
//! - [`EthHeader`]: a block header of any fork from frontier to Prague,
//!   re-encoded and hashed (`keccak(rlp(header))`) so a node cannot change a
//!   field without changing the block hash; [`verify_descendants`] and
//!   [`verify_ancestors`] walk `parentHash` links from a trusted block.
//! - [`AccountProof`]: an `eth_getProof` answer checked against a verified
//!   header's `stateRoot` with `alloy-trie`'s Merkle-Patricia proof
//!   verification: balance, nonce, code hash and storage root, or that the
//!   account does not exist; storage slots against the account's root.
//! - [`verify_block_receipts`] / [`verify_block_transactions`]: every receipt
//!   (or raw transaction) of a block against `receiptsRoot`
//!   (`transactionsRoot`); [`VerifiedReceipts::check`] then ties one receipt
//!   to its transaction hash.
//!
//! # Bitcoin and Litecoin
//! - [`HeaderChain`]: 80-byte headers from a [`Checkpoint`], each checked for
//!   its link, its proof of work (sha256d; scrypt for Litecoin, whose block
//!   hash is still sha256d), the difficulty the network's rules require and
//!   a timestamp above the median of the previous eleven; cumulative work
//!   compares competing chains.
//! - [`verify_txout_proof`] and [`VerifiedInclusion::verify_coin`]: a
//!   `gettxoutproof` merkle proof against a verified header, then a coin
//!   (outpoint, amount, script) against its funding transaction's bytes.
//!
//! # Verified views of nodes
//! - [`EthVerifier`]: a trusted block ([`TrustRoot`]: pinned, or agreed by
//!   a quorum of nodes), accounts proven at it, a sent transaction's
//!   receipt proven in its block once that block is walked to by parent
//!   hashes.
//! - [`BtcVerifier`]: a node's header chain verified from a checkpoint and
//!   compared by work with the other tips it reports; coins proven in it.
//! - [`VerifyOptions`] say what to trust; [`EthVerifyReport`] and
//!   [`BtcVerifyReport`] say what was proven against what.
//!
//! # What these checks do not prove
//! - **Finality is only as good as the trust root.** A header chain proves
//!   that its blocks link to the trusted block (Ethereum) or carry the work
//!   claimed since the checkpoint (Bitcoin); it does not prove the trusted
//!   block is on the chain everyone else follows, nor (Bitcoin) that no
//!   heavier chain exists beyond the headers seen. A node that hides newer
//!   blocks is not caught: a fact is proven *as of* the verified block.
//! - **The mempool**: pending transactions, pending nonces and unconfirmed
//!   coins have no commitment to check against.
//! - **Fee suggestions** (`eth_gasPrice`, `eth_maxPriorityFeePerGas`,
//!   `estimatesmartfee`) and **`eth_call` / `eth_estimateGas`** results:
//!   nothing commits to them.
//! - **Validity of the blocks' contents**: transactions are not executed, so
//!   a header with valid work (Bitcoin) or a trusted hash (Ethereum) is taken
//!   to commit to valid state. Signet's block signatures, Bitcoin's
//!   version-bit soft-fork rules, testnet4's BIP94 rules and the "not more
//!   than two hours in the future" rule (it needs a clock) are not checked.
//! - **Headers of forks after Prague**: a header with fields this code does
//!   not know hashes differently and fails as a mismatch, never passes.

mod btc_header;
mod btc_merkle;
mod btc_view;
mod error;
mod eth_header;
mod eth_proof;
mod eth_receipt;
mod eth_view;
mod json;
mod options;
mod report;
mod work;

pub use btc_header::{
    genesis_header, parse_header, Checkpoint, HeaderChain, PowRules, VerifiedBlock,
};
pub use btc_merkle::{verify_txout_proof, VerifiedCoin, VerifiedInclusion};
pub use btc_view::{BtcVerifier, MAX_FORK_WALK};
pub use error::{AccountValue, ProofFailure, ProofSubject, ReceiptField, VerifyError};
pub use eth_header::{verify_ancestors, verify_descendants, EthFork, EthHeader, VerifiedHeader};
pub use eth_proof::{AccountProof, StorageProof, VerifiedAccount, VerifiedSlot};
pub use eth_receipt::{
    verify_block_receipts, verify_block_transactions, EthLog, EthReceipt, ReceiptOutcome,
    VerifiedReceipt, VerifiedReceipts, VerifiedTransactions,
};
pub use eth_view::{EthVerifier, MAX_WALK};
pub use options::{builtin_checkpoint, checkpoint_for, CheckpointSource, TrustRoot, VerifyOptions};
pub use report::{
    fork_name, pow_name, BlockLink, BtcVerifyReport, ChainPoint, EthVerifyReport, ProvenAccount,
    ProvenCoin, ProvenReceipt, TrustKind, TrustedBlock, Verified,
};
pub use work::{ChainWork, PowAlgorithm};
