//! [`VerifyError`]: why a node's answer was refused, with the values that
//! did not match, so a report can say what the node claimed and what the
//! proof shows.

use crate::error::{Error, ErrorKind};
use crate::ethereum::{Address, Nonce, Wei};
use alloy_primitives::{B256, U256};
use bitcoin::{Amount, BlockHash, OutPoint, Txid};
use core::fmt;

/// Which Merkle-Patricia proof failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofSubject {
    /// The account proof of an address (against the state root).
    Account(Address),
    /// The proof of one storage slot (against the account's storage root).
    Storage {
        /// The account.
        address: Address,
        /// The slot.
        slot: B256,
    },
}

impl fmt::Display for ProofSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProofSubject::Account(a) => write!(f, "the account proof of {a}"),
            ProofSubject::Storage { address, slot } => {
                write!(f, "the proof of storage slot {slot} of {address}")
            }
        }
    }
}

/// How a Merkle-Patricia proof failed to reach the root it must prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofFailure {
    /// The proof is empty (or holds only an empty node) but the root is not
    /// the empty trie's.
    EmptyProof,
    /// The node at this nibble depth is not the one its parent (or, at depth
    /// 0, the root) commits to: a node was changed, dropped or reordered.
    NodeMismatch {
        /// Nibbles of the key walked before the mismatching node.
        depth: usize,
    },
    /// The proof stops before reaching the key's leaf or a branch that
    /// excludes it.
    Truncated,
    /// A node is not a valid trie node, or the proven value is not what
    /// this trie stores (an account, a storage word).
    BadNode,
}

impl fmt::Display for ProofFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProofFailure::EmptyProof => f.write_str("it is empty but the root is not"),
            ProofFailure::NodeMismatch { depth } => write!(
                f,
                "its node at depth {depth} is not the one the level above commits to"
            ),
            ProofFailure::Truncated => f.write_str("it stops before the key"),
            ProofFailure::BadNode => f.write_str("it holds a node that is not valid"),
        }
    }
}

/// One field of an account, as claimed or as proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountValue {
    /// Whether the account exists in the state.
    Existence(bool),
    /// Its balance.
    Balance(Wei),
    /// Its nonce.
    Nonce(Nonce),
    /// The hash of its code.
    CodeHash(B256),
    /// The root of its storage trie.
    StorageHash(B256),
}

impl fmt::Display for AccountValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountValue::Existence(true) => f.write_str("an existing account"),
            AccountValue::Existence(false) => f.write_str("no account"),
            AccountValue::Balance(w) => write!(f, "balance {w}"),
            AccountValue::Nonce(n) => write!(f, "nonce {}", n.0),
            AccountValue::CodeHash(h) => write!(f, "code hash {h}"),
            AccountValue::StorageHash(h) => write!(f, "storage root {h}"),
        }
    }
}

/// A field of a receipt that differs from the verified one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptField {
    /// The EIP-2718 type.
    Type,
    /// Success, failure or (before Byzantium) the state root.
    Status,
    /// Gas used by the block up to and including this transaction.
    CumulativeGasUsed,
    /// Gas used by this transaction.
    GasUsed,
    /// The logs bloom.
    LogsBloom,
    /// The logs.
    Logs,
    /// The position in the block.
    TransactionIndex,
    /// The block hash or number.
    Block,
}

impl fmt::Display for ReceiptField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReceiptField::Type => "type",
            ReceiptField::Status => "status",
            ReceiptField::CumulativeGasUsed => "cumulative gas used",
            ReceiptField::GasUsed => "gas used",
            ReceiptField::LogsBloom => "logs bloom",
            ReceiptField::Logs => "logs",
            ReceiptField::TransactionIndex => "transaction index",
            ReceiptField::Block => "block",
        })
    }
}

/// Why an answer was not verified. Malformed data, missing context,
/// chains that cannot be compared and trust roots that cannot be taken are
/// the caller's to fix ([`ErrorKind::InvalidInput`]; nodes of different
/// chains: [`ErrorKind::WrongChain`]); every other variant is an answer
/// that contradicts its proof ([`ErrorKind::Unverified`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A field is missing or not of its type; `problem` names the field,
    /// never its content.
    #[error("{what}: {problem}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// What is wrong with it.
        problem: String,
    },

    /// Checking the header at `height` needs a header the caller did not
    /// give (the median-time window or the difficulty period's first block).
    #[error("checking the header at height {height} needs the headers from height {first_needed} up to the checkpoint: give them as its history")]
    MissingHistory {
        /// The header being checked.
        height: u32,
        /// The first height the history must start at.
        first_needed: u32,
    },

    /// Two header chains that do not start at the same checkpoint.
    #[error("the chains start at different checkpoints (heights {ours} and {theirs}); only chains from one checkpoint can be compared")]
    DifferentCheckpoints {
        /// Height of this chain's checkpoint.
        ours: u32,
        /// Height of the other's.
        theirs: u32,
    },

    /// An Ethereum header does not hash to the hash it must have.
    #[error("block {number}: its header hashes to {computed}, not {expected}: a header field was changed")]
    HeaderHash {
        /// Block number.
        number: u64,
        /// keccak(rlp(header)).
        computed: B256,
        /// The trusted or claimed hash.
        expected: B256,
    },

    /// A header's `parentHash` is not the hash of the block before it.
    #[error("block {number}: its parent hash {found} is not the hash {expected} of block {}", number.wrapping_sub(1))]
    ParentLink {
        /// Number of the child block.
        number: u64,
        /// The hash the chain requires.
        expected: B256,
        /// The child's `parentHash`, or the parent's computed hash.
        found: B256,
    },

    /// A header in a run has the wrong block number.
    #[error("the run of headers skips: expected block {expected}, got {found}")]
    NumberGap {
        /// The number the chain requires.
        expected: u64,
        /// The number in the header.
        found: u64,
    },

    /// An `eth_getProof` answer is for another address than asked.
    #[error("the proof is for {found}, not {expected}")]
    ProofAddress {
        /// The address asked for.
        expected: Address,
        /// The address in the answer.
        found: Address,
    },

    /// A Merkle-Patricia proof does not reach its root.
    #[error("{subject} does not verify: {failure}")]
    Proof {
        /// Which proof.
        subject: ProofSubject,
        /// How it fails.
        failure: ProofFailure,
    },

    /// A valid account proof shows another value than the node claimed.
    #[error("{address}: the node claims {claimed}, its proof shows {proven}")]
    Account {
        /// The account.
        address: Address,
        /// What the node said.
        claimed: AccountValue,
        /// What the proof proves.
        proven: AccountValue,
    },

    /// A valid storage proof shows another value than the node claimed.
    #[error("{address} slot {slot}: the node claims {claimed}, its proof shows {proven}")]
    Storage {
        /// The account.
        address: Address,
        /// The slot.
        slot: B256,
        /// What the node said.
        claimed: U256,
        /// What the proof proves.
        proven: U256,
    },

    /// The receipts given do not build the block's `receiptsRoot`.
    #[error("block {number}: the receipts build the root {computed}, not the header's receiptsRoot {expected}: a receipt was changed, dropped or added")]
    ReceiptsRoot {
        /// Block number.
        number: u64,
        /// Root of the receipts given.
        computed: B256,
        /// The header's root.
        expected: B256,
    },

    /// The transactions given do not build the block's `transactionsRoot`.
    #[error("block {number}: the transactions build the root {computed}, not the header's transactionsRoot {expected}")]
    TransactionsRoot {
        /// Block number.
        number: u64,
        /// Root of the transactions given.
        computed: B256,
        /// The header's root.
        expected: B256,
    },

    /// A receipt in a block's list says it belongs elsewhere, or is out of order.
    #[error("receipt {position} of block {number} is for another block or position")]
    ReceiptPlace {
        /// The block.
        number: u64,
        /// Its position in the list given.
        position: usize,
    },

    /// The transaction is not in the verified block.
    #[error("transaction {tx} is not in block {number}")]
    NotInBlock {
        /// The transaction hash.
        tx: B256,
        /// The block.
        number: u64,
    },

    /// A claimed receipt differs from the verified one.
    #[error("the receipt of {tx}: its {field} is not what block {number} commits to")]
    Receipt {
        /// The transaction hash.
        tx: B256,
        /// The block.
        number: u64,
        /// The field that differs.
        field: ReceiptField,
    },

    /// The first header of a chain is not the checkpoint's.
    #[error("height {height}: the header hashes to {found}, not the checkpoint {expected}")]
    Checkpoint {
        /// The checkpoint's height.
        height: u32,
        /// The checkpoint's hash.
        expected: BlockHash,
        /// The header's hash.
        found: BlockHash,
    },

    /// A Bitcoin header does not link to the block before it.
    #[error("height {height}: the header's previous block is {found}, not {expected}")]
    PrevBlock {
        /// The header's height.
        height: u32,
        /// The hash of the block before it.
        expected: BlockHash,
        /// The header's `prev_blockhash`.
        found: BlockHash,
    },

    /// A header's `bits` is not what the difficulty rules require.
    #[error("height {height}: the header's difficulty bits are {found:#010x}, the rules require {expected:#010x}")]
    Difficulty {
        /// The header's height.
        height: u32,
        /// The required bits.
        expected: u32,
        /// The header's bits.
        found: u32,
    },

    /// A header's `bits` decode to no valid target (negative, zero,
    /// overflowing, or easier than the network allows).
    #[error(
        "height {height}: the difficulty bits {bits:#010x} are not a valid target for this network"
    )]
    TargetRange {
        /// The header's height.
        height: u32,
        /// The header's bits.
        bits: u32,
    },

    /// A header's proof-of-work hash is above its target.
    #[error("height {height}: the {algorithm} proof-of-work hash is above the target of bits {bits:#010x}: the header was not mined")]
    ProofOfWork {
        /// The header's height.
        height: u32,
        /// Which hash.
        algorithm: super::work::PowAlgorithm,
        /// The header's bits.
        bits: u32,
    },

    /// A header's time is not above the median of the eleven before it.
    #[error("height {height}: the header's time {time} is not after the median {median} of the eleven blocks before it")]
    TimeTooEarly {
        /// The header's height.
        height: u32,
        /// Its time.
        time: u32,
        /// The median time past.
        median: u32,
    },

    /// Another chain from the same checkpoint has more work.
    #[error("the chain to height {height} has less work ({work}) than another to height {best_height} ({best_work}): it is not the best chain")]
    LessWork {
        /// This chain's tip height.
        height: u32,
        /// This chain's work since the checkpoint.
        work: super::work::ChainWork,
        /// The heavier chain's tip height.
        best_height: u32,
        /// Its work.
        best_work: super::work::ChainWork,
    },

    /// A merkle proof is for a block that is not in the verified chain.
    #[error("the merkle proof is for block {block}, which is not in the verified header chain")]
    UnknownBlock {
        /// The proof's block.
        block: BlockHash,
    },

    /// A merkle proof is not a well-formed partial merkle tree.
    #[error("the merkle proof for block {block} is not well formed: {problem}")]
    MerkleProof {
        /// The proof's block.
        block: BlockHash,
        /// What is wrong.
        problem: &'static str,
    },

    /// A merkle proof's branch does not build the header's merkle root.
    #[error("the merkle proof builds the root {computed}, not block {block}'s merkle root: a branch hash was changed")]
    MerkleRoot {
        /// The block.
        block: BlockHash,
        /// The root the branch builds.
        computed: bitcoin::TxMerkleNode,
    },

    /// A valid merkle proof that does not include the transaction.
    #[error("the merkle proof for block {block} does not include transaction {txid}")]
    TxNotProven {
        /// The transaction.
        txid: Txid,
        /// The block.
        block: BlockHash,
    },

    /// The funding transaction's bytes hash to another txid.
    #[error("the transaction given hashes to {found}, not {expected}")]
    Txid {
        /// The txid required.
        expected: Txid,
        /// The txid of the bytes.
        found: Txid,
    },

    /// A 64-byte transaction, whose txid a forged merkle branch could fake.
    #[error("transaction {txid} is 64 bytes without witness: its merkle proof cannot be trusted")]
    AmbiguousTransaction {
        /// The transaction.
        txid: Txid,
    },

    /// The funding transaction has no such output.
    #[error("{outpoint}: the transaction has only {outputs} outputs")]
    NoOutput {
        /// The coin.
        outpoint: OutPoint,
        /// How many outputs it has.
        outputs: usize,
    },

    /// The coin's amount is not the funding output's.
    #[error("{outpoint}: the node claims {claimed}, the transaction pays {proven}")]
    CoinAmount {
        /// The coin.
        outpoint: OutPoint,
        /// What the node said.
        claimed: Amount,
        /// What the output pays.
        proven: Amount,
    },

    /// The coin's script is not the funding output's.
    #[error("{outpoint}: the node's scriptPubKey is not the transaction's")]
    CoinScript {
        /// The coin.
        outpoint: OutPoint,
    },

    /// A quorum that cannot be met: zero, or more nodes than were given.
    #[error("a quorum of {quorum} cannot be met by {nodes} node(s): it must be between 1 and the number of nodes")]
    BadQuorum {
        /// The quorum asked for.
        quorum: usize,
        /// The nodes given.
        nodes: usize,
    },

    /// Agreement on a public chain needs two nodes at least: one node
    /// cannot vouch for its own blocks.
    #[error("chain id {chain_id} is not a development chain: one node cannot vouch for its own blocks; pin a trusted block hash, or have at least two independent nodes agree")]
    NeedsWitness {
        /// The chain the node serves.
        chain_id: u64,
    },

    /// Nodes asked to agree serve different chains.
    #[error("the node at {url} serves chain id {found}, the first node chain id {expected}: nodes that agree must serve one chain")]
    ChainMismatch {
        /// The disagreeing node (without credentials).
        url: String,
        /// The first node's chain id.
        expected: u64,
        /// This node's.
        found: u64,
    },

    /// Fewer nodes than the quorum report the first node's block.
    #[error("only {agreeing} of {nodes} node(s) have block {number} as {hash}, and {needed} must: the nodes do not follow one chain, or one of them lies")]
    NoQuorum {
        /// The block number compared.
        number: u64,
        /// The first node's hash of it.
        hash: B256,
        /// Nodes (the first included) with that hash.
        agreeing: usize,
        /// The quorum.
        needed: usize,
        /// Nodes asked.
        nodes: usize,
    },

    /// The node does not have the block the caller trusts.
    #[error(
        "the node has no block {hash}: it follows another chain, is not synced to it, or hides it"
    )]
    UnknownTrustedBlock {
        /// The trusted hash.
        hash: B256,
    },

    /// The node's next nonce is not the one the verified block proves.
    #[error("{address}: the node gives {claimed} as the next nonce, block {number} proves {proven}: transactions after the verified block or in the mempool cannot be proven; nothing was signed (give the nonce explicitly, or wait until they are in a trusted block)", claimed = claimed.0, proven = proven.0)]
    PendingNonce {
        /// The sender.
        address: Address,
        /// The node's pending nonce.
        claimed: Nonce,
        /// The nonce at the verified block.
        proven: Nonce,
        /// The verified block.
        number: u64,
    },

    /// A block too far from the trusted one to walk to.
    #[error(
        "block {to} is more than {max} blocks from the trusted block {from}: trust a nearer block"
    )]
    WalkTooLong {
        /// The trusted block's number.
        from: u64,
        /// The block to reach.
        to: u64,
        /// The most headers walked.
        max: u64,
    },

    /// No checkpoint is built in for the network and none was given.
    #[error("there is no built-in checkpoint for {network}: give the height and hash of a recent block you trust")]
    NoCheckpoint {
        /// The network, e.g. `btc mainnet`.
        network: String,
    },

    /// The node's chain ends before the checkpoint.
    #[error("the node's chain ends at height {tip}, below the checkpoint at height {checkpoint}")]
    BehindCheckpoint {
        /// The node's height.
        tip: u32,
        /// The checkpoint's.
        checkpoint: u32,
    },

    /// A header asked for by hash hashes to another.
    #[error(
        "height {height}: asked for block {asked}, the node gave a header that hashes to {found}"
    )]
    HeaderMismatch {
        /// The height it was asked for at.
        height: u32,
        /// The hash asked for.
        asked: BlockHash,
        /// The hash of the header given.
        found: BlockHash,
    },

    /// A coin with more confirmations than the verified chain gives it.
    #[error(
        "{outpoint}: the node claims {claimed} confirmations, the verified chain gives {proven}"
    )]
    Confirmations {
        /// The coin.
        outpoint: OutPoint,
        /// What the node said.
        claimed: u64,
        /// What the chain shows.
        proven: u32,
    },

    /// A coinbase output the node reports as spendable before it matures.
    #[error("{outpoint}: the node reports it spendable, but it is a coinbase output with only {confirmations} confirmations (100 are needed)")]
    ImmatureCoinbase {
        /// The coin.
        outpoint: OutPoint,
        /// Its verified confirmations.
        confirmations: u32,
    },
}

impl VerifyError {
    pub(crate) fn malformed(what: &'static str, problem: impl Into<String>) -> Self {
        VerifyError::Malformed {
            what,
            problem: problem.into(),
        }
    }

    /// The stable category: [`ErrorKind::InvalidInput`] for malformed or
    /// incomplete input and trust roots that cannot be taken,
    /// [`ErrorKind::WrongChain`] for nodes of different chains,
    /// [`ErrorKind::Unverified`] for an answer its proof contradicts.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            VerifyError::Malformed { .. }
            | VerifyError::MissingHistory { .. }
            | VerifyError::DifferentCheckpoints { .. }
            | VerifyError::BadQuorum { .. }
            | VerifyError::NeedsWitness { .. }
            | VerifyError::WalkTooLong { .. }
            | VerifyError::NoCheckpoint { .. } => ErrorKind::InvalidInput,
            VerifyError::ChainMismatch { .. } => ErrorKind::WrongChain,
            _ => ErrorKind::Unverified,
        }
    }

    /// As `crate::Error::from`, but malformed data is reported as a bad
    /// answer of the node at `url` ([`ErrorKind::BadResponse`]): for callers
    /// that know the bytes came from a node.
    #[must_use]
    pub fn from_node(self, url: &str) -> Error {
        match self {
            VerifyError::Malformed { .. } => Error::BadResponse {
                url: url.to_owned(),
                reason: self.to_string(),
            },
            other => other.into(),
        }
    }
}

impl From<VerifyError> for Error {
    fn from(e: VerifyError) -> Self {
        match e.kind() {
            ErrorKind::Unverified => Error::Unverified(e.to_string()),
            ErrorKind::WrongChain => Error::WrongChain(e.to_string()),
            _ => Error::InvalidInput(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_conversions() {
        let malformed = VerifyError::malformed("block header", "gasUsed is missing");
        assert_eq!(malformed.kind(), ErrorKind::InvalidInput);
        let e: Error = malformed.clone().into();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.to_string(), "block header: gasUsed is missing");
        let e = malformed.from_node("http://127.0.0.1:8545");
        assert_eq!(e.kind(), ErrorKind::BadResponse);
        assert!(e.to_string().contains("127.0.0.1:8545"), "{e}");

        let lie = VerifyError::Account {
            address: Address([0x11; 20]),
            claimed: AccountValue::Balance(Wei::from_wei(5)),
            proven: AccountValue::Balance(Wei::from_wei(4)),
        };
        assert_eq!(lie.kind(), ErrorKind::Unverified);
        let e = lie.clone().from_node("http://node");
        assert_eq!(e.kind(), ErrorKind::Unverified);
        assert_eq!(
            e.to_string(),
            "the node's answer could not be verified: 0x1111111111111111111111111111111111111111: \
             the node claims balance 5 wei, its proof shows balance 4 wei"
        );
        let history = VerifyError::MissingHistory {
            height: 5,
            first_needed: 0,
        };
        assert_eq!(Error::from(history).kind(), ErrorKind::InvalidInput);
        assert_eq!(
            VerifyError::DifferentCheckpoints { ours: 0, theirs: 1 }.kind(),
            ErrorKind::InvalidInput
        );
    }

    #[test]
    fn trust_root_errors_are_the_callers_and_lies_are_unverified() {
        let callers = [
            VerifyError::BadQuorum {
                quorum: 3,
                nodes: 2,
            },
            VerifyError::NeedsWitness { chain_id: 1 },
            VerifyError::WalkTooLong {
                from: 1,
                to: 9000,
                max: 8192,
            },
            VerifyError::NoCheckpoint {
                network: "btc mainnet".into(),
            },
        ];
        for e in callers {
            assert_eq!(Error::from(e).kind(), ErrorKind::InvalidInput);
        }
        let e = VerifyError::ChainMismatch {
            url: "http://b/".into(),
            expected: 1,
            found: 5,
        };
        assert_eq!(Error::from(e).kind(), ErrorKind::WrongChain);
        let e = VerifyError::PendingNonce {
            address: Address([0x33; 20]),
            claimed: Nonce(7),
            proven: Nonce(5),
            number: 12,
        };
        let text = e.to_string();
        assert!(
            text.contains("gives 7") && text.contains("proves 5"),
            "{text}"
        );
        assert_eq!(Error::from(e).kind(), ErrorKind::Unverified);
        let op = OutPoint::null();
        for e in [
            VerifyError::Confirmations {
                outpoint: op,
                claimed: 9,
                proven: 2,
            },
            VerifyError::ImmatureCoinbase {
                outpoint: op,
                confirmations: 5,
            },
            VerifyError::BehindCheckpoint {
                tip: 5,
                checkpoint: 9,
            },
        ] {
            assert_eq!(e.kind(), ErrorKind::Unverified, "{e}");
        }
    }

    #[test]
    fn messages_name_the_values() {
        let e = VerifyError::Proof {
            subject: ProofSubject::Storage {
                address: Address([0x22; 20]),
                slot: B256::ZERO,
            },
            failure: ProofFailure::NodeMismatch { depth: 3 },
        };
        assert!(e.to_string().contains("node at depth 3"), "{e}");
        for (v, text) in [
            (AccountValue::Existence(false), "no account"),
            (AccountValue::Nonce(Nonce(9)), "nonce 9"),
            (AccountValue::CodeHash(B256::ZERO), "code hash 0x"),
        ] {
            assert!(v.to_string().starts_with(text), "{v}");
        }
        assert_eq!(ReceiptField::GasUsed.to_string(), "gas used");
        let e = VerifyError::Difficulty {
            height: 2016,
            expected: 0x1d00_d86a,
            found: 0x1d00_ffff,
        };
        assert_eq!(
            e.to_string(),
            "height 2016: the header's difficulty bits are 0x1d00ffff, the rules require 0x1d00d86a"
        );
    }
}
