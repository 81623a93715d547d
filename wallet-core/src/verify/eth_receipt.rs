//! Receipts and transactions of a block against its header's roots: the
//! receipts trie (EIP-2718 receipt encodings keyed by position) must build
//! `receiptsRoot`, the raw transactions must build `transactionsRoot`.
//! Neither trie commits to a receipt's `transactionHash` label, so one
//! receipt is tied to a transaction through the verified transactions list:
//! its position there is its position in the receipts.

use super::error::ReceiptField;
use super::json;
use super::{VerifiedHeader, VerifyError};
use crate::ethereum::{Address, Gas};
use alloy_primitives::{keccak256, Bloom, B256};
use alloy_rlp::Encodable;
use alloy_trie::root::{ordered_trie_root_encoded, ordered_trie_root_with_encoder};
use serde_json::Value;
use std::borrow::Cow;

const WHAT: &str = "transaction receipt";

/// How a transaction ended, as its receipt commits to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptOutcome {
    /// Status 1 (Byzantium and later).
    Success,
    /// Status 0: reverted or out of gas; the fee was still paid.
    Failure,
    /// Before Byzantium: the state root after the transaction, no status.
    StateRoot(B256),
}

/// One log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthLog {
    /// The contract that emitted it.
    pub address: Address,
    /// Its topics.
    pub topics: Vec<B256>,
    /// Its data.
    pub data: Vec<u8>,
}

/// A receipt as `eth_getBlockReceipts` or `eth_getTransactionReceipt`
/// returns it: the committed fields and the node's labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthReceipt {
    /// EIP-2718 type (0 for legacy).
    pub tx_type: u8,
    /// Status or state root.
    pub outcome: ReceiptOutcome,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: Gas,
    /// Bloom of the logs.
    pub logs_bloom: Bloom,
    /// The logs.
    pub logs: Vec<EthLog>,
    /// The transaction's hash (a label: not committed by the receipts trie).
    pub transaction_hash: B256,
    /// Its position in the block (a label).
    pub transaction_index: u64,
    /// The block's hash (a label).
    pub block_hash: B256,
    /// The block's number (a label).
    pub block_number: u64,
    /// Gas used by this transaction (derivable from the cumulative gas).
    pub gas_used: Gas,
}

fn log_from_rpc(v: &Value) -> Result<EthLog, VerifyError> {
    Ok(EthLog {
        address: Address(json::fixed::<20>(
            json::req(v, WHAT, "address")?,
            WHAT,
            "address",
        )?),
        topics: json::array(v, WHAT, "topics")?
            .iter()
            .map(|t| json::fixed::<32>(t, WHAT, "topics").map(B256::from))
            .collect::<Result<_, _>>()?,
        data: json::bytes(json::req(v, WHAT, "data")?, WHAT, "data")?,
    })
}

impl EthLog {
    fn encode(&self, out: &mut Vec<u8>) {
        let mut p = Vec::with_capacity(self.data.len() + 32 * self.topics.len() + 32);
        self.address.0.encode(&mut p);
        self.topics.encode(&mut p);
        self.data.as_slice().encode(&mut p);
        list(&p, out);
    }
}

fn list(payload: &[u8], out: &mut Vec<u8>) {
    alloy_rlp::Header {
        list: true,
        payload_length: payload.len(),
    }
    .encode(out);
    out.extend_from_slice(payload);
}

impl EthReceipt {
    /// Reads one receipt object.
    pub fn from_rpc(v: &Value) -> Result<Self, VerifyError> {
        let q = |name| json::req(v, WHAT, name).and_then(|f| json::u64(f, WHAT, name));
        let h = |name| {
            json::req(v, WHAT, name).and_then(|f| json::fixed::<32>(f, WHAT, name).map(B256::from))
        };
        let tx_type = match json::opt(v, "type") {
            None => 0,
            Some(t) => u8::try_from(json::u64(t, WHAT, "type")?)
                .ok()
                .filter(|t| *t < 0x80)
                .ok_or_else(|| VerifyError::malformed(WHAT, "type is not an EIP-2718 type"))?,
        };
        let outcome = match (json::opt(v, "status"), json::opt(v, "root")) {
            (Some(s), _) => match json::u64(s, WHAT, "status")? {
                1 => ReceiptOutcome::Success,
                0 => ReceiptOutcome::Failure,
                _ => return Err(VerifyError::malformed(WHAT, "status is neither 0 nor 1")),
            },
            (None, Some(r)) => {
                ReceiptOutcome::StateRoot(json::fixed::<32>(r, WHAT, "root")?.into())
            }
            (None, None) => return Err(VerifyError::malformed(WHAT, "status is missing")),
        };
        Ok(EthReceipt {
            tx_type,
            outcome,
            cumulative_gas_used: Gas(q("cumulativeGasUsed")?),
            logs_bloom: Bloom::from(json::fixed::<256>(
                json::req(v, WHAT, "logsBloom")?,
                WHAT,
                "logsBloom",
            )?),
            logs: json::array(v, WHAT, "logs")?
                .iter()
                .map(log_from_rpc)
                .collect::<Result<_, _>>()?,
            transaction_hash: h("transactionHash")?,
            transaction_index: q("transactionIndex")?,
            block_hash: h("blockHash")?,
            block_number: q("blockNumber")?,
            gas_used: Gas(q("gasUsed")?),
        })
    }

    /// Reads an `eth_getBlockReceipts` result (an array of receipts).
    pub fn list_from_rpc(v: &Value) -> Result<Vec<Self>, VerifyError> {
        v.as_array()
            .ok_or_else(|| VerifyError::malformed(WHAT, "the block's receipts are not an array"))?
            .iter()
            .map(Self::from_rpc)
            .collect()
    }

    /// The consensus encoding: `type || rlp([status, cumulativeGas, bloom,
    /// logs])`, without the type byte for legacy receipts.
    pub fn encode_2718(&self, out: &mut Vec<u8>) {
        if self.tx_type != 0 {
            out.push(self.tx_type);
        }
        let mut p = Vec::with_capacity(300 + 100 * self.logs.len());
        match self.outcome {
            ReceiptOutcome::Success => true.encode(&mut p),
            ReceiptOutcome::Failure => false.encode(&mut p),
            ReceiptOutcome::StateRoot(root) => root.encode(&mut p),
        }
        self.cumulative_gas_used.0.encode(&mut p);
        self.logs_bloom.encode(&mut p);
        let mut logs = Vec::new();
        for log in &self.logs {
            log.encode(&mut logs);
        }
        list(&logs, &mut p);
        list(&p, out);
    }
}

/// Every receipt of a verified block, proven by its `receiptsRoot`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipts {
    block_number: u64,
    block_hash: B256,
    receipts: Vec<EthReceipt>,
}

/// The hashes of every transaction of a verified block, in block order,
/// proven by its `transactionsRoot`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTransactions {
    block_number: u64,
    block_hash: B256,
    hashes: Vec<B256>,
}

impl VerifiedTransactions {
    /// The transaction hashes in block order.
    #[must_use]
    pub fn hashes(&self) -> &[B256] {
        &self.hashes
    }
}

/// One transaction's receipt, proven to be in the verified block at its
/// position.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedReceipt {
    /// The transaction.
    pub transaction_hash: B256,
    /// The block.
    pub block_number: u64,
    /// Its hash.
    pub block_hash: B256,
    /// Position in the block.
    pub transaction_index: u64,
    /// EIP-2718 type.
    pub tx_type: u8,
    /// How it ended.
    pub outcome: ReceiptOutcome,
    /// Gas it used.
    pub gas_used: Gas,
    /// Its logs.
    pub logs: Vec<EthLog>,
}

/// Checks that `receipts` (in block order) are all of `header`'s block: each
/// labelled with the block and its position, and together building its
/// `receiptsRoot`.
pub fn verify_block_receipts(
    header: &VerifiedHeader,
    receipts: &[EthReceipt],
) -> Result<VerifiedReceipts, VerifyError> {
    for (position, r) in receipts.iter().enumerate() {
        if r.block_hash != header.hash()
            || r.block_number != header.number()
            || usize::try_from(r.transaction_index).ok() != Some(position)
        {
            return Err(VerifyError::ReceiptPlace {
                number: header.number(),
                position,
            });
        }
    }
    let computed = ordered_trie_root_with_encoder(receipts, |r, buf| r.encode_2718(buf));
    let expected = header.header().receipts_root;
    if computed != expected {
        return Err(VerifyError::ReceiptsRoot {
            number: header.number(),
            computed,
            expected,
        });
    }
    Ok(VerifiedReceipts {
        block_number: header.number(),
        block_hash: header.hash(),
        receipts: receipts.to_vec(),
    })
}

/// The consensus encoding of a transaction given as EIP-2718 bytes: a blob
/// transaction in its network form (`0x03 || rlp([tx, blobs, commitments,
/// proofs])`, as a node returns one from its pool) loses its sidecar; any
/// other is returned as it is.
fn consensus_form(raw: &[u8]) -> Result<Cow<'_, [u8]>, VerifyError> {
    let bad = || VerifyError::malformed("blob transaction", "it is not an RLP list");
    let Some((&0x03, rest)) = raw.split_first() else {
        return Ok(Cow::Borrowed(raw));
    };
    let mut payload = rest;
    if !alloy_rlp::Header::decode(&mut payload)
        .map_err(|_| bad())?
        .list
    {
        return Err(bad());
    }
    // The consensus form's first item is the chain id (a string); the
    // network form's is the transaction itself (a list).
    let mut after = payload;
    let first = alloy_rlp::Header::decode(&mut after).map_err(|_| bad())?;
    if !first.list {
        return Ok(Cow::Borrowed(raw));
    }
    let item_len = (payload.len() - after.len()) + first.payload_length;
    let item = payload.get(..item_len).ok_or_else(bad)?;
    let mut out = Vec::with_capacity(1 + item.len());
    out.push(0x03);
    out.extend_from_slice(item);
    Ok(Cow::Owned(out))
}

/// Checks that `raw` (each transaction's EIP-2718 bytes, in block order) are
/// all of `header`'s block by its `transactionsRoot`; returns their hashes.
/// Blob transactions may be given with or without their sidecar.
pub fn verify_block_transactions(
    header: &VerifiedHeader,
    raw: &[Vec<u8>],
) -> Result<VerifiedTransactions, VerifyError> {
    let encoded: Vec<Cow<'_, [u8]>> = raw
        .iter()
        .map(|r| consensus_form(r))
        .collect::<Result<_, _>>()?;
    let computed = ordered_trie_root_encoded(&encoded);
    let expected = header.header().transactions_root;
    if computed != expected {
        return Err(VerifyError::TransactionsRoot {
            number: header.number(),
            computed,
            expected,
        });
    }
    Ok(VerifiedTransactions {
        block_number: header.number(),
        block_hash: header.hash(),
        hashes: encoded.iter().map(keccak256).collect(),
    })
}

impl VerifiedReceipts {
    /// The verified receipts, in block order.
    #[must_use]
    pub fn receipts(&self) -> &[EthReceipt] {
        &self.receipts
    }

    /// The receipt of transaction `tx`, found by its position in `txs` (the
    /// same block's verified transactions).
    pub fn receipt_for(
        &self,
        tx: B256,
        txs: &VerifiedTransactions,
    ) -> Result<VerifiedReceipt, VerifyError> {
        if txs.block_hash != self.block_hash {
            return Err(VerifyError::malformed(
                "receipt check",
                "the receipts and the transactions are of different blocks",
            ));
        }
        let not_in_block = || VerifyError::NotInBlock {
            tx,
            number: self.block_number,
        };
        let index = txs
            .hashes
            .iter()
            .position(|h| *h == tx)
            .ok_or_else(not_in_block)?;
        let r = self.receipts.get(index).ok_or_else(not_in_block)?;
        let before = match index.checked_sub(1).and_then(|i| self.receipts.get(i)) {
            Some(prev) => prev.cumulative_gas_used.0,
            None => 0,
        };
        let gas_used = r
            .cumulative_gas_used
            .0
            .checked_sub(before)
            .ok_or(VerifyError::Receipt {
                tx,
                number: self.block_number,
                field: ReceiptField::CumulativeGasUsed,
            })?;
        Ok(VerifiedReceipt {
            transaction_hash: tx,
            block_number: self.block_number,
            block_hash: self.block_hash,
            transaction_index: index as u64,
            tx_type: r.tx_type,
            outcome: r.outcome,
            gas_used: Gas(gas_used),
            logs: r.logs.clone(),
        })
    }

    /// Checks a receipt the node gave for one transaction (status, block,
    /// position, gas and logs) against the verified one; returns it.
    pub fn check(
        &self,
        claimed: &EthReceipt,
        txs: &VerifiedTransactions,
    ) -> Result<VerifiedReceipt, VerifyError> {
        let tx = claimed.transaction_hash;
        let verified = self.receipt_for(tx, txs)?;
        let index = usize::try_from(verified.transaction_index).unwrap_or(usize::MAX);
        let field = match self.receipts.get(index) {
            Some(r) => receipt_difference(claimed, r, &verified),
            None => Some(ReceiptField::TransactionIndex),
        };
        match field {
            None => Ok(verified),
            Some(field) => Err(VerifyError::Receipt {
                tx,
                number: self.block_number,
                field,
            }),
        }
    }
}

fn receipt_difference(
    claimed: &EthReceipt,
    r: &EthReceipt,
    verified: &VerifiedReceipt,
) -> Option<ReceiptField> {
    if claimed.block_hash != verified.block_hash || claimed.block_number != verified.block_number {
        Some(ReceiptField::Block)
    } else if claimed.transaction_index != verified.transaction_index {
        Some(ReceiptField::TransactionIndex)
    } else if claimed.tx_type != r.tx_type {
        Some(ReceiptField::Type)
    } else if claimed.outcome != r.outcome {
        Some(ReceiptField::Status)
    } else if claimed.cumulative_gas_used != r.cumulative_gas_used {
        Some(ReceiptField::CumulativeGasUsed)
    } else if claimed.gas_used != verified.gas_used {
        Some(ReceiptField::GasUsed)
    } else if claimed.logs_bloom != r.logs_bloom {
        Some(ReceiptField::LogsBloom)
    } else if claimed.logs != r.logs {
        Some(ReceiptField::Logs)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::EthHeader;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/../testdata/eth/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn block() -> (VerifiedHeader, Vec<EthReceipt>, Vec<B256>) {
        let v = fixture("mainnet_21925176_cancun.json");
        let h = EthHeader::from_rpc(&v).unwrap();
        let header = VerifiedHeader::trusted(h, EthHeader::claimed_hash(&v).unwrap()).unwrap();
        let receipts =
            EthReceipt::list_from_rpc(&fixture("mainnet_21925176_receipts.json")).unwrap();
        let hashes = v["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().parse().unwrap())
            .collect();
        (header, receipts, hashes)
    }

    #[test]
    fn mainnet_receipts_root() {
        let (header, receipts, hashes) = block();
        assert_eq!(receipts.len(), 202);
        let verified = verify_block_receipts(&header, &receipts).unwrap();
        assert_eq!(verified.receipts().len(), 202);
        // The block's transaction list, taken as given here (the anvil test
        // proves it by the transactions root from raw transactions).
        let txs = VerifiedTransactions {
            block_number: header.number(),
            block_hash: header.hash(),
            hashes,
        };
        for r in &receipts {
            let v = verified.check(r, &txs).unwrap();
            assert_eq!(v.gas_used, r.gas_used);
        }
    }

    #[test]
    fn changed_receipts_are_caught() {
        let (header, receipts, _) = block();
        let root_err = |rs: &[EthReceipt]| match verify_block_receipts(&header, rs) {
            Err(VerifyError::ReceiptsRoot { .. }) => {}
            other => panic!("{other:?}"),
        };
        let mut rs = receipts.clone();
        rs[5].outcome = match rs[5].outcome {
            ReceiptOutcome::Success => ReceiptOutcome::Failure,
            _ => ReceiptOutcome::Success,
        };
        root_err(&rs);
        let mut rs = receipts.clone();
        rs[7].cumulative_gas_used.0 += 1;
        root_err(&rs);
        let mut rs = receipts.clone();
        let with_logs = rs.iter().position(|r| !r.logs.is_empty()).unwrap();
        rs[with_logs].logs[0].data.push(1);
        root_err(&rs);
        let mut rs = receipts.clone();
        rs[0].tx_type = 1;
        root_err(&rs);
        // One receipt dropped: the positions no longer match the labels.
        let mut rs = receipts.clone();
        rs.remove(3);
        assert!(matches!(
            verify_block_receipts(&header, &rs),
            Err(VerifyError::ReceiptPlace { position: 3, .. })
        ));
    }

    #[test]
    fn a_claimed_receipt_is_checked_field_by_field() {
        let (header, receipts, hashes) = block();
        let with_logs = receipts.iter().position(|r| !r.logs.is_empty()).unwrap();
        let verified = verify_block_receipts(&header, &receipts).unwrap();
        let txs = VerifiedTransactions {
            block_number: header.number(),
            block_hash: header.hash(),
            hashes,
        };
        let field = |c: &EthReceipt| match verified.check(c, &txs) {
            Err(VerifyError::Receipt { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let base = receipts[9].clone();
        let mut c = base.clone();
        c.outcome = ReceiptOutcome::Failure;
        if base.outcome == ReceiptOutcome::Failure {
            c.outcome = ReceiptOutcome::Success;
        }
        assert_eq!(field(&c), ReceiptField::Status);
        let mut c = base.clone();
        c.gas_used.0 += 1;
        assert_eq!(field(&c), ReceiptField::GasUsed);
        let mut c = base.clone();
        c.block_number += 1;
        assert_eq!(field(&c), ReceiptField::Block);
        let mut c = base.clone();
        c.transaction_index += 1;
        assert_eq!(field(&c), ReceiptField::TransactionIndex);
        let mut c = base.clone();
        c.tx_type ^= 2;
        assert_eq!(field(&c), ReceiptField::Type);
        let mut c = base.clone();
        c.cumulative_gas_used.0 += 1;
        assert_eq!(field(&c), ReceiptField::CumulativeGasUsed);
        let mut c = base.clone();
        c.logs_bloom.0[0] ^= 1;
        assert_eq!(field(&c), ReceiptField::LogsBloom);
        let mut c = receipts[with_logs].clone();
        c.logs.pop();
        assert_eq!(field(&c), ReceiptField::Logs);
        let mut c = base;
        c.transaction_hash = B256::repeat_byte(7);
        assert!(matches!(
            verified.check(&c, &txs),
            Err(VerifyError::NotInBlock { .. })
        ));
    }

    /// A blob transaction given with its sidecar is reduced to the form
    /// blocks commit to.
    #[test]
    fn blob_sidecar_is_dropped() {
        let mut body = Vec::new();
        list(&[0x01, 0x02, 0x83, 0xaa, 0xbb, 0xcc], &mut body);
        let mut consensus = vec![0x03];
        consensus.extend_from_slice(&body);
        let mut items = body.clone();
        for part in [vec![0x11; 64], vec![0x22; 48], vec![0x33; 48]] {
            let mut inner = Vec::new();
            part.as_slice().encode(&mut inner);
            list(&inner, &mut items);
        }
        let mut network = vec![0x03];
        list(&items, &mut network);
        assert_eq!(
            consensus_form(&network).unwrap().as_ref(),
            consensus.as_slice()
        );
        assert!(matches!(
            consensus_form(&consensus).unwrap(),
            Cow::Borrowed(_)
        ));
        let legacy = [0xc1, 0x80];
        assert_eq!(consensus_form(&legacy).unwrap().as_ref(), legacy.as_slice());
        assert!(consensus_form(&[0x03, 0x05]).is_err(), "not a list");
        assert!(
            consensus_form(&[0x03, 0xc3, 0xc5, 0x01]).is_err(),
            "truncated"
        );
    }

    #[test]
    fn transactions_root_mismatch() {
        let (header, ..) = block();
        let e = verify_block_transactions(&header, &[vec![0xc0]]).unwrap_err();
        assert!(matches!(e, VerifyError::TransactionsRoot { .. }), "{e}");
    }

    #[test]
    fn malformed_receipts() {
        let good = fixture("mainnet_21925176_receipts.json")[0].clone();
        let mut r = good.clone();
        r["status"] = "0x2".into();
        assert!(EthReceipt::from_rpc(&r).is_err());
        let mut r = good.clone();
        r.as_object_mut().unwrap().remove("status");
        assert!(EthReceipt::from_rpc(&r).is_err());
        r["root"] = format!("0x{}", "11".repeat(32)).into();
        assert!(matches!(
            EthReceipt::from_rpc(&r).unwrap().outcome,
            ReceiptOutcome::StateRoot(_)
        ));
        let mut r = good;
        r["type"] = "0x80".into();
        assert!(EthReceipt::from_rpc(&r).is_err());
        assert!(EthReceipt::list_from_rpc(&serde_json::json!({})).is_err());
    }
}
