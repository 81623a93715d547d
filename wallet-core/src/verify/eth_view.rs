//! An Ethereum verified view of one or more nodes: the reads a wallet makes
//! (balance, nonce, a sent transaction's receipt), each checked against a
//! trusted block before it is believed.
//!
//! The trusted block is a hash the caller pinned, or the block a quorum of
//! nodes agree on (their `finalized` block; on a development chain their
//! `latest`), its header rehashed. Accounts are proven against its state
//! root, and the node's own answers (`eth_getBalance`,
//! `eth_getTransactionCount`) must equal the proof. A receipt's block is
//! walked to by parent hashes from a trusted block (down from a fresh one
//! the nodes agree on when there is one at or above it, else up from the
//! first), and the receipt proven by rebuilding that block's
//! `transactionsRoot` and `receiptsRoot`.

use super::options::{TrustRoot, VerifyOptions};
use super::report::{
    fork_name, BlockLink, EthVerifyReport, ProvenAccount, ProvenReceipt, TrustKind, TrustedBlock,
};
use super::{
    verify_ancestors, verify_block_receipts, verify_block_transactions, verify_descendants,
    AccountProof, AccountValue, EthHeader, EthReceipt, ReceiptField, ReceiptOutcome,
    VerifiedAccount, VerifiedHeader, VerifiedReceipt, VerifyError,
};
use crate::error::{Error, Result};
use crate::ethereum::{Address, ChainId, Nonce, Wei};
use crate::rpc::ethereum::{EthNode, Receipt};
use crate::rpc::{hex_u256, hex_u64};
use alloy_primitives::B256;
use serde_json::{json, Value};
use std::cell::Cell;

/// The most headers walked between a trusted block and a receipt's block.
pub const MAX_WALK: u64 = 8192;
/// Headers asked for in one batch.
const WALK_CHUNK: u64 = 128;

/// The verified view: the nodes, the trusted block, and what was proven.
#[derive(Debug)]
pub struct EthVerifier<'a> {
    reader: Reader<'a>,
    trust: TrustRoot,
    root: VerifiedHeader,
    trusted: TrustedBlock,
    accounts: Vec<ProvenAccount>,
    receipt: Option<ProvenReceipt>,
}

/// The nodes and the requests made of them.
#[derive(Debug)]
struct Reader<'a> {
    primary: &'a EthNode,
    nodes: Vec<&'a EthNode>,
    quorum: usize,
    requests: Cell<u32>,
}

/// The block one agreement settled on.
struct Agreed {
    root: VerifiedHeader,
    report: TrustedBlock,
}

fn hex_number(n: u64) -> String {
    format!("{n:#x}")
}

fn next_result(r: &mut impl Iterator<Item = Result<Value>>) -> Result<Result<Value>> {
    r.next()
        .ok_or_else(|| Error::Internal("batch result count".into()))
}

impl<'a> EthVerifier<'a> {
    /// Takes the trusted block `opts` asks for from `nodes` (the first one
    /// is the one every later read and the send go to).
    pub fn establish(nodes: &[&'a EthNode], opts: &VerifyOptions) -> Result<Self> {
        let quorum = opts.quorum.unwrap_or(nodes.len());
        let bad = VerifyError::BadQuorum {
            quorum,
            nodes: nodes.len(),
        };
        let Some(primary) = nodes.first().copied() else {
            return Err(bad.into());
        };
        if quorum == 0 || quorum > nodes.len() {
            return Err(bad.into());
        }
        let reader = Reader {
            primary,
            nodes: nodes.to_vec(),
            quorum,
            requests: Cell::new(0),
        };
        let agreed = match opts.trust {
            TrustRoot::Pinned(hash) => reader.pinned(hash)?,
            TrustRoot::Agreement => reader.agree()?,
        };
        Ok(EthVerifier {
            reader,
            trust: opts.trust,
            root: agreed.root,
            trusted: agreed.report,
            accounts: Vec::new(),
            receipt: None,
        })
    }

    /// The node reads and the send go to.
    #[must_use]
    pub fn primary(&self) -> &'a EthNode {
        self.reader.primary
    }

    /// The trusted block.
    #[must_use]
    pub fn root(&self) -> &VerifiedHeader {
        &self.root
    }

    /// What was proven so far.
    #[must_use]
    pub fn report(&self) -> EthVerifyReport {
        EthVerifyReport {
            trusted_block: self.trusted.clone(),
            accounts: self.accounts.clone(),
            receipt: self.receipt.clone(),
            requests: self.reader.requests.get(),
        }
    }
}

impl EthVerifier<'_> {
    /// `address` at the trusted block, proven against its state root; the
    /// node's `eth_getBalance` and `eth_getTransactionCount` there must be
    /// what the proof shows.
    pub fn account(&mut self, address: &Address) -> Result<VerifiedAccount> {
        self.account_at(address, false).map(|(a, _)| a)
    }

    /// As [`EthVerifier::account`], for a send from `address`: unless the
    /// caller chose the nonce (`given`), the node's pending nonce must be
    /// the proven one (a node that raised it would leave the transaction
    /// stuck behind a gap; one that lowered it, replace another).
    pub fn account_for_send(
        &mut self,
        address: &Address,
        given: Option<Nonce>,
    ) -> Result<VerifiedAccount> {
        let (account, pending) = self.account_at(address, given.is_none())?;
        match pending {
            Some(claimed) if claimed != account.nonce => Err(VerifyError::PendingNonce {
                address: *address,
                claimed,
                proven: account.nonce,
                number: account.block_number,
            }
            .into()),
            _ => Ok(account),
        }
    }

    fn account_at(
        &mut self,
        address: &Address,
        pending: bool,
    ) -> Result<(VerifiedAccount, Option<Nonce>)> {
        let node = self.reader.primary;
        let (a, n) = (address.to_checksum(), hex_number(self.root.number()));
        let mut calls = vec![
            ("eth_getProof", json!([a, [], n])),
            ("eth_getBalance", json!([a, n])),
            ("eth_getTransactionCount", json!([a, n])),
        ];
        if pending {
            calls.push(("eth_getTransactionCount", json!([a, "pending"])));
        }
        let mut r = self.reader.batch(node, &calls)?.into_iter();
        let proof = AccountProof::from_rpc(&next_result(&mut r)??)
            .map_err(|e| e.from_node(node.rpc().url()))?;
        let account = proof.verify_for(address, &self.root)?;
        let balance = Wei(hex_u256(&next_result(&mut r)??, "balance")?);
        let nonce = Nonce(hex_u64(&next_result(&mut r)??, "nonce")?);
        let lie = |claimed, proven| VerifyError::Account {
            address: *address,
            claimed,
            proven,
        };
        if balance != account.balance {
            let e = lie(
                AccountValue::Balance(balance),
                AccountValue::Balance(account.balance),
            );
            return Err(e.into());
        }
        if nonce != account.nonce {
            return Err(lie(
                AccountValue::Nonce(nonce),
                AccountValue::Nonce(account.nonce),
            )
            .into());
        }
        let pending = if pending {
            Some(Nonce(hex_u64(&next_result(&mut r)??, "nonce")?))
        } else {
            None
        };
        self.accounts
            .push(ProvenAccount::of(&account, proof.account_proof.len()));
        Ok((account, pending))
    }

    /// Proves `claimed` (a receipt the node gave): its block is walked to
    /// from a trusted block, that block's transactions and receipts must
    /// build its roots, and the claim's status, block and gas must be the
    /// proven receipt's.
    pub fn verify_receipt(&mut self, claimed: &Receipt) -> Result<VerifiedReceipt> {
        let number = claimed.block_number;
        let (header, link, anchor, walked) = self.receipt_block(number)?;
        let (txs, receipts) = self.block_contents(&header)?;
        let tx = B256::from(claimed.hash.0);
        let proven = receipts.receipt_for(tx, &txs)?;
        let success = proven.outcome == ReceiptOutcome::Success;
        let field = if success != (claimed.status == 1) {
            Some(ReceiptField::Status)
        } else if proven.gas_used.0 != claimed.gas_used {
            Some(ReceiptField::GasUsed)
        } else {
            None
        };
        if let Some(field) = field {
            return Err(VerifyError::Receipt { tx, number, field }.into());
        }
        self.receipt = Some(ProvenReceipt::of(
            &proven,
            link,
            anchor,
            walked,
            receipts.receipts().len(),
        ));
        Ok(proven)
    }

    /// The verified header of block `number`, how it is tied to the trusted
    /// block it was reached from, that block's number and the headers
    /// walked. With agreement, a fresh agreement is taken first: at or above
    /// `number`, the walk goes down (each hash committed to); otherwise up
    /// from the newer of the two trusted blocks.
    fn receipt_block(&mut self, number: u64) -> Result<(VerifiedHeader, BlockLink, u64, usize)> {
        let mut anchor = self.root.clone();
        if self.trust == TrustRoot::Agreement {
            let fresh = self.reader.agree()?.root;
            if fresh.number() >= anchor.number() {
                anchor = fresh;
            }
        }
        let from = anchor.number();
        if number.abs_diff(from) > MAX_WALK {
            return Err(VerifyError::WalkTooLong {
                from,
                to: number,
                max: MAX_WALK,
            }
            .into());
        }
        if number == from {
            return Ok((anchor, BlockLink::Trusted, from, 0));
        }
        let (link, run) = if number < from {
            let run = self.headers((number..from).rev())?;
            (BlockLink::Ancestor, verify_ancestors(&anchor, &run)?)
        } else {
            let run = self.headers(from + 1..=number)?;
            (BlockLink::Descendant, verify_descendants(&anchor, &run)?)
        };
        let walked = run.len();
        let header = run
            .into_iter()
            .last()
            .ok_or_else(|| Error::Internal("empty walk".into()))?;
        Ok((header, link, from, walked))
    }

    /// The headers of blocks `numbers`, in that order, from the first node.
    fn headers(&self, numbers: impl Iterator<Item = u64>) -> Result<Vec<EthHeader>> {
        let node = self.reader.primary;
        let numbers: Vec<u64> = numbers.collect();
        let mut out = Vec::with_capacity(numbers.len());
        for chunk in numbers.chunks(WALK_CHUNK as usize) {
            let calls: Vec<(&str, Value)> = chunk
                .iter()
                .map(|n| ("eth_getBlockByNumber", json!([hex_number(*n), false])))
                .collect();
            for v in self.reader.batch(node, &calls)? {
                out.push(EthHeader::from_rpc(&v?).map_err(|e| e.from_node(node.rpc().url()))?);
            }
        }
        Ok(out)
    }

    /// Block `header`'s transactions and receipts, proven by its roots (one
    /// request for the block, one for its receipts and raw transactions).
    fn block_contents(
        &self,
        header: &VerifiedHeader,
    ) -> Result<(super::VerifiedTransactions, super::VerifiedReceipts)> {
        let node = self.reader.primary;
        let url = node.rpc().url();
        // By hash, not number: a reorg above it (or a pinned block off the
        // main chain) must not make an honest node look like a liar.
        let id = header.hash().to_string();
        let block = self
            .reader
            .call(node, "eth_getBlockByHash", json!([id, false]))?;
        let (_, hash) = checked_header(node, &block)?;
        if hash != header.hash() {
            return Err(VerifyError::HeaderHash {
                number: header.number(),
                computed: hash,
                expected: header.hash(),
            }
            .into());
        }
        let hashes: Vec<Value> = block
            .get("transactions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut calls = vec![("eth_getBlockReceipts", json!([id]))];
        calls.extend(
            hashes
                .iter()
                .map(|h| ("eth_getRawTransactionByHash", json!([h]))),
        );
        let mut r = self.reader.batch(node, &calls)?.into_iter();
        let receipts = match next_result(&mut r)? {
            Ok(v) => v,
            // Nodes without eth_getBlockReceipts: one receipt per transaction.
            Err(Error::NodeError { .. }) => self.receipts_one_by_one(&hashes)?,
            Err(e) => return Err(e),
        };
        let raw = r
            .map(|v| {
                let v = v?;
                super::json::bytes(&v, "raw transaction", "result").map_err(|e| e.from_node(url))
            })
            .collect::<Result<Vec<_>>>()?;
        let txs = verify_block_transactions(header, &raw)?;
        let receipts = EthReceipt::list_from_rpc(&receipts).map_err(|e| e.from_node(url))?;
        Ok((txs, verify_block_receipts(header, &receipts)?))
    }

    fn receipts_one_by_one(&self, hashes: &[Value]) -> Result<Value> {
        let calls: Vec<(&str, Value)> = hashes
            .iter()
            .map(|h| ("eth_getTransactionReceipt", json!([h])))
            .collect();
        let list = self
            .reader
            .batch(self.reader.primary, &calls)?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        Ok(Value::Array(list))
    }
}

impl Reader<'_> {
    fn call(&self, node: &EthNode, method: &str, params: Value) -> Result<Value> {
        self.requests.set(self.requests.get().saturating_add(1));
        node.rpc().call(method, params)
    }

    fn batch(&self, node: &EthNode, calls: &[(&str, Value)]) -> Result<Vec<Result<Value>>> {
        if !calls.is_empty() {
            self.requests.set(self.requests.get().saturating_add(1));
        }
        node.rpc().batch(calls)
    }

    fn pinned(&self, hash: B256) -> Result<Agreed> {
        let node = self.primary;
        let v = self.call(node, "eth_getBlockByHash", json!([hash.to_string(), false]))?;
        if v.is_null() {
            return Err(VerifyError::UnknownTrustedBlock { hash }.into());
        }
        let header = EthHeader::from_rpc(&v).map_err(|e| e.from_node(node.rpc().url()))?;
        let root = VerifiedHeader::trusted(header, hash)?;
        Ok(Agreed {
            report: trusted_report(&root, TrustKind::Pinned, 1, 1, 1),
            root,
        })
    }

    /// Each node's `finalized` (development chain: `latest`) block, brought
    /// down to the lowest of their numbers; the first node's hash there
    /// must be what `quorum` nodes have.
    fn agree(&self) -> Result<Agreed> {
        let (dev, mut heads) = self.heads()?;
        let lowest = heads.iter().map(|(h, _)| h.number).min().unwrap_or(0);
        for (node, head) in self.nodes.iter().zip(heads.iter_mut()) {
            if head.0.number > lowest {
                let v = self.call(
                    node,
                    "eth_getBlockByNumber",
                    json!([hex_number(lowest), false]),
                )?;
                *head = checked_header(node, &v)?;
            }
        }
        let mut heads = heads.into_iter();
        let (header, hash) = heads
            .next()
            .ok_or_else(|| Error::Internal("no node".into()))?;
        let agreeing = 1 + heads.filter(|(_, h)| *h == hash).count();
        if agreeing < self.quorum {
            return Err(VerifyError::NoQuorum {
                number: lowest,
                hash,
                agreeing,
                needed: self.quorum,
                nodes: self.nodes.len(),
            }
            .into());
        }
        let root = VerifiedHeader::trusted(header, hash)?;
        let kind = if dev {
            TrustKind::DevLatest
        } else {
            TrustKind::Finalized
        };
        Ok(Agreed {
            report: trusted_report(&root, kind, self.nodes.len(), agreeing, self.quorum),
            root,
        })
    }

    /// Whether the nodes serve a development chain, and each node's
    /// candidate header (its hash checked): `latest` there, else
    /// `finalized`. The nodes must serve one chain.
    fn heads(&self) -> Result<(bool, Vec<(EthHeader, B256)>)> {
        let mut tips = Vec::with_capacity(self.nodes.len());
        let mut chain = None;
        for node in &self.nodes {
            let (id, latest, finalized) = self.tip_of(node)?;
            let first = *chain.get_or_insert(id);
            if id != first {
                return Err(VerifyError::ChainMismatch {
                    url: node.rpc().url().to_owned(),
                    expected: first.0,
                    found: id.0,
                }
                .into());
            }
            tips.push((latest, finalized));
        }
        let chain = chain.unwrap_or(ChainId(0));
        // A development chain id counts only from nodes on this machine: a
        // remote node claiming 31337 must not make itself its own witness.
        let dev = ChainId::DEV.contains(&chain) && self.nodes.iter().all(|n| n.rpc().is_loopback());
        if !dev && self.quorum < 2 {
            return Err(VerifyError::NeedsWitness { chain_id: chain.0 }.into());
        }
        let mut heads = Vec::with_capacity(tips.len());
        for (node, (latest, finalized)) in self.nodes.iter().zip(tips) {
            let block = if dev { Ok(latest) } else { finalized };
            heads.push(checked_header(node, &block?)?);
        }
        Ok((dev, heads))
    }

    /// One batch: the node's chain id, latest block and finalized block.
    fn tip_of(&self, node: &EthNode) -> Result<(ChainId, Value, Result<Value>)> {
        let calls = [
            ("eth_chainId", json!([])),
            ("eth_getBlockByNumber", json!(["latest", false])),
            ("eth_getBlockByNumber", json!(["finalized", false])),
        ];
        let mut r = self.batch(node, &calls)?.into_iter();
        let id = ChainId(hex_u64(&next_result(&mut r)??, "chainId")?);
        let latest = next_result(&mut r)??;
        Ok((id, latest, next_result(&mut r)?))
    }
}

/// A block object's header, which must hash to the block's `hash`.
fn checked_header(node: &EthNode, v: &Value) -> Result<(EthHeader, B256)> {
    let url = node.rpc().url();
    if v.is_null() {
        return Err(Error::BadResponse {
            url: url.to_owned(),
            reason: "the node has no such block".into(),
        });
    }
    let header = EthHeader::from_rpc(v).map_err(|e| e.from_node(url))?;
    let claimed = EthHeader::claimed_hash(v).map_err(|e| e.from_node(url))?;
    header.verify_hash(claimed)?;
    Ok((header, claimed))
}

fn trusted_report(
    root: &VerifiedHeader,
    trust: TrustKind,
    nodes: usize,
    agreeing: usize,
    quorum: usize,
) -> TrustedBlock {
    TrustedBlock {
        trust,
        number: root.number(),
        hash: root.hash().to_string(),
        fork: fork_name(root.header().fork()),
        nodes,
        agreeing,
        quorum,
    }
}
