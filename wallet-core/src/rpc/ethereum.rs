//! An Ethereum node over JSON-RPC: the reads needed to fill a transaction
//! (one batch, with the recent fee history that bounds what fees are
//! sane), gas estimates, sending a raw transaction (a node that already has
//! it, pending or mined, is a success), and waiting for its receipt.

use super::{hex_u256, hex_u64, RpcClient};
use crate::error::{Error, Result};
use crate::ethereum::{
    AccessListItem, Address, ChainId, Gas, Nonce, SignedAuthorization, TxHash, VersionedHash, Wei,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// An Ethereum JSON-RPC node.
#[derive(Debug)]
pub struct EthNode {
    rpc: RpcClient,
}

/// What the node says about an account and the fee market, read in one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkState {
    /// `eth_chainId`.
    pub chain_id: ChainId,
    /// `eth_getTransactionCount(from, "pending")`.
    pub nonce: Nonce,
    /// `eth_getBalance(from, "pending")`.
    pub balance: Wei,
    /// `eth_estimateGas` of the call, if it was asked for and succeeded.
    pub gas_estimate: Option<Result<Gas, String>>,
    /// Base fee of the latest block (absent before London).
    pub base_fee: Option<Wei>,
    /// `eth_maxPriorityFeePerGas`, when the node has it.
    pub priority_fee: Option<Wei>,
    /// `eth_gasPrice`.
    pub gas_price: Wei,
    /// `eth_feeHistory` of the last blocks, when the node has it.
    pub fee_history: Option<FeeHistory>,
}

/// How many blocks of fee history a send reads.
pub const FEE_HISTORY_BLOCKS: u64 = 20;

/// What recent blocks paid, from `eth_feeHistory`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeHistory {
    /// The highest base fee of the blocks read (the next block's included).
    pub max_base_fee: Wei,
    /// The median of the blocks' median priority fees.
    pub median_tip: Wei,
}

impl FeeHistory {
    fn parse(v: &Value) -> Result<Self> {
        let quantities = |key: &str| -> Result<Vec<Wei>> {
            v.get(key)
                .and_then(Value::as_array)
                .map_or(Ok(Vec::new()), |a| {
                    a.iter().map(|x| hex_u256(x, key).map(Wei)).collect()
                })
        };
        let max_base_fee = quantities("baseFeePerGas")?
            .into_iter()
            .max()
            .unwrap_or_default();
        let mut tips = match v.get("reward").and_then(Value::as_array) {
            Some(blocks) => blocks
                .iter()
                .filter_map(|b| b.get(0))
                .map(|x| hex_u256(x, "reward").map(Wei))
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        tips.sort();
        let median_tip = tips.get(tips.len() / 2).copied().unwrap_or_default();
        Ok(Self {
            max_base_fee,
            median_tip,
        })
    }
}

/// What became of a raw transaction given to the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Broadcast {
    /// Its hash.
    pub hash: TxHash,
    /// The node already had it (pending or mined): nothing new was sent.
    pub already_known: bool,
}

/// The call to estimate gas for.
#[derive(Debug, Clone, Default)]
pub struct CallRequest {
    /// Sender.
    pub from: Option<Address>,
    /// Recipient (`None`: contract creation).
    pub to: Option<Address>,
    /// Value.
    pub value: Wei,
    /// Data.
    pub data: Vec<u8>,
    /// EIP-2930 access list (its warm slots change the gas an estimate
    /// returns; empty: none sent).
    pub access_list: Vec<AccessListItem>,
    /// EIP-7702 authorizations (the delegated code runs in the estimate;
    /// empty: none sent).
    pub authorization_list: Vec<SignedAuthorization>,
    /// EIP-4844 blob versioned hashes (empty: none sent).
    pub blob_versioned_hashes: Vec<VersionedHash>,
}

impl CallRequest {
    fn to_json(&self) -> Value {
        let mut v = json!({
            "value": format!("{:#x}", self.value.0),
            "input": format!("0x{}", hex::encode(&self.data)),
        });
        if let Some(f) = self.from {
            v["from"] = json!(f.to_checksum());
        }
        if let Some(t) = self.to {
            v["to"] = json!(t.to_checksum());
        }
        if !self.access_list.is_empty() {
            // The standard JSON form, as `AccessListItem` serialises itself.
            v["accessList"] = serde_json::to_value(&self.access_list).unwrap_or_default();
        }
        if !self.authorization_list.is_empty() {
            v["authorizationList"] = self
                .authorization_list
                .iter()
                .map(authorization_json)
                .collect();
        }
        if !self.blob_versioned_hashes.is_empty() {
            v["blobVersionedHashes"] = self
                .blob_versioned_hashes
                .iter()
                .map(|h| json!(h.to_string()))
                .collect();
        }
        v
    }
}

/// An authorization as nodes take it in JSON (quantities in hex).
fn authorization_json(a: &SignedAuthorization) -> Value {
    let q = |b: &[u8; 32]| format!("{:#x}", alloy_primitives::U256::from_be_bytes(*b));
    json!({
        "chainId": format!("{:#x}", a.authorization.chain.id()),
        "address": a.authorization.address.to_checksum(),
        "nonce": format!("{:#x}", a.authorization.nonce.0),
        "yParity": format!("{:#x}", a.y_parity()),
        "r": q(&a.signature.r),
        "s": q(&a.signature.s),
    })
}

/// A transaction receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Transaction hash.
    pub hash: TxHash,
    /// 1 success, 0 revert.
    pub status: u64,
    /// Block number.
    pub block_number: u64,
    /// Gas used by this transaction.
    pub gas_used: u64,
    /// Price paid per gas.
    pub effective_gas_price: Option<Wei>,
    /// The created contract, for creations.
    pub contract_address: Option<Address>,
}

impl EthNode {
    /// A node at the other end of `rpc`.
    #[must_use]
    pub fn new(rpc: RpcClient) -> Self {
        Self { rpc }
    }

    /// The transport.
    #[must_use]
    pub fn rpc(&self) -> &RpcClient {
        &self.rpc
    }

    /// The transport, to set an observer or an overall timeout on.
    pub fn rpc_mut(&mut self) -> &mut RpcClient {
        &mut self.rpc
    }

    /// `eth_chainId`.
    pub fn chain_id(&self) -> Result<ChainId> {
        hex_u64(&self.rpc.call("eth_chainId", json!([]))?, "chainId").map(ChainId)
    }

    /// `eth_getBalance(address, "latest")`.
    pub fn balance(&self, address: &Address) -> Result<Wei> {
        let v = self
            .rpc
            .call("eth_getBalance", json!([address.to_checksum(), "latest"]))?;
        hex_u256(&v, "balance").map(Wei)
    }

    /// `eth_getTransactionCount(address, "pending")`.
    pub fn pending_nonce(&self, address: &Address) -> Result<Nonce> {
        let v = self.rpc.call(
            "eth_getTransactionCount",
            json!([address.to_checksum(), "pending"]),
        )?;
        hex_u64(&v, "nonce").map(Nonce)
    }

    /// Everything needed to fill a transaction from `from`, in **one** HTTP
    /// round trip: chain id, pending nonce, balance, gas estimate (when
    /// `call` is given), latest base fee, priority fee, gas price and the
    /// recent fee history.
    pub fn network_state(
        &self,
        from: &Address,
        call: Option<&CallRequest>,
    ) -> Result<NetworkState> {
        let mut calls: Vec<(&str, Value)> = vec![
            ("eth_chainId", json!([])),
            (
                "eth_getTransactionCount",
                json!([from.to_checksum(), "pending"]),
            ),
            ("eth_getBalance", json!([from.to_checksum(), "pending"])),
            ("eth_getBlockByNumber", json!(["latest", false])),
            ("eth_gasPrice", json!([])),
            ("eth_maxPriorityFeePerGas", json!([])),
            (
                "eth_feeHistory",
                json!([format!("{FEE_HISTORY_BLOCKS:#x}"), "latest", [50]]),
            ),
        ];
        if let Some(c) = call {
            calls.push(("eth_estimateGas", json!([c.to_json()])));
        }
        let mut results = self.rpc.batch(&calls)?.into_iter();
        let mut next = || {
            results
                .next()
                .ok_or_else(|| Error::Internal("batch result count".into()))
        };
        let chain_id = ChainId(hex_u64(&next()??, "chainId")?);
        let nonce = Nonce(hex_u64(&next()??, "nonce")?);
        let balance = Wei(hex_u256(&next()??, "balance")?);
        let block = next()??;
        let base_fee = match block.get("baseFeePerGas") {
            Some(v) if !v.is_null() => Some(Wei(hex_u256(v, "baseFeePerGas")?)),
            _ => None,
        };
        let gas_price = Wei(hex_u256(&next()??, "gasPrice")?);
        let priority_fee = next()?.ok().map(|v| hex_u256(&v, "maxPriorityFeePerGas"));
        let fee_history = next()?.ok().map(|v| FeeHistory::parse(&v)).transpose()?;
        let gas_estimate = if call.is_some() {
            Some(estimate_result(next()?)?)
        } else {
            None
        };
        Ok(NetworkState {
            chain_id,
            nonce,
            balance,
            gas_estimate,
            base_fee,
            priority_fee: priority_fee.transpose()?.map(Wei),
            gas_price,
            fee_history,
        })
    }

    /// `eth_estimateGas` of `call`: `Ok(Err(message))` when the node
    /// answers that it cannot estimate it (the call would fail).
    pub fn estimate_gas(&self, call: &CallRequest) -> Result<Result<Gas, String>> {
        estimate_result(self.rpc.call("eth_estimateGas", json!([call.to_json()])))
    }

    /// `eth_sendRawTransaction`; node refusals become typed errors
    /// (insufficient funds, wrong chain, or a rejection with the node's
    /// text), unless the node already has this very transaction (a retry,
    /// or a rebroadcast of a mined one): that is a success.
    pub fn send_raw(&self, raw: &[u8]) -> Result<Broadcast> {
        let hash = TxHash(crate::hash::keccak256(raw));
        let sent = Broadcast {
            hash,
            already_known: false,
        };
        let known = Broadcast {
            already_known: true,
            ..sent
        };
        let answer = self.rpc.call(
            "eth_sendRawTransaction",
            json!([format!("0x{}", hex::encode(raw))]),
        );
        let cause = match answer {
            Ok(v) => match parse_hash(&v) {
                Ok(answered) if answered == hash.0 => return Ok(sent),
                Ok(answered) => Error::BadResponse {
                    url: self.rpc.url().to_owned(),
                    reason: format!(
                        "the node answered transaction hash 0x{}, but the transaction's hash is {hash}",
                        hex::encode(answered),
                    ),
                },
                Err(e) => e,
            },
            // The request went out and no valid answer came back: the node
            // may have the transaction.
            Err(e @ (Error::Timeout { .. } | Error::BadResponse { .. })) => e,
            Err(e) => {
                let e = classify_send_error(e);
                // A retry of a send that did arrive, or a mined transaction
                // sent again ("nonce too low"): the node has this very
                // transaction (same hash), so it is sent.
                if e.rejection_reason() == Some("already_known")
                    || (e.rejection_reason().is_some()
                        && matches!(self.transaction_known(&hash), Ok(true)))
                {
                    return Ok(known);
                }
                return Err(e);
            }
        };
        // Ask once whether it arrived; if it did, it was sent.
        if matches!(self.transaction_known(&hash), Ok(true)) {
            return Ok(sent);
        }
        Err(Error::MaybeSent {
            tx: hash.to_string(),
            cause: Box::new(cause),
        })
    }

    /// `eth_getTransactionByHash`: `true` when the node knows the
    /// transaction (pending or mined).
    pub fn transaction_known(&self, hash: &TxHash) -> Result<bool> {
        let hash = hash.to_string();
        let v = self.rpc.call_within(
            "eth_getTransactionByHash",
            json!([hash]),
            super::FOLLOW_UP_TIMEOUT,
        )?;
        Ok(v.get("hash")
            .and_then(Value::as_str)
            .is_some_and(|h| h.eq_ignore_ascii_case(&hash)))
    }

    /// `eth_getTransactionReceipt`; `None` while pending.
    pub fn receipt(&self, hash: &TxHash) -> Result<Option<Receipt>> {
        let v = self
            .rpc
            .call("eth_getTransactionReceipt", json!([hash.to_string()]))?;
        if v.is_null() {
            return Ok(None);
        }
        let num = |k: &str| hex_u64(v.get(k).unwrap_or(&Value::Null), k);
        let contract_address = match v.get("contractAddress") {
            Some(Value::String(s)) => Some(
                s.parse::<Address>()
                    .map_err(|_| super::bad_field("contractAddress"))?,
            ),
            _ => None,
        };
        let effective_gas_price = match v.get("effectiveGasPrice") {
            Some(p) if !p.is_null() => Some(Wei(hex_u256(p, "effectiveGasPrice")?)),
            _ => None,
        };
        Ok(Some(Receipt {
            hash: *hash,
            status: num("status")?,
            block_number: num("blockNumber")?,
            gas_used: num("gasUsed")?,
            effective_gas_price,
            contract_address,
        }))
    }

    /// Polls for the receipt until `timeout`; `progress` is called with the
    /// elapsed time between polls. No receipt by then is
    /// [`Error::Pending`]: the transaction was sent and may still be mined.
    pub fn wait_for_receipt(
        &self,
        hash: &TxHash,
        timeout: Duration,
        mut progress: impl FnMut(Duration),
    ) -> Result<Receipt> {
        let start = Instant::now();
        // A dev node mines within milliseconds of the send, a real one in
        // seconds: start with short polls and back off to one a second.
        let mut delay = Duration::from_millis(2);
        loop {
            if let Some(r) = self.receipt(hash)? {
                return Ok(r);
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                return Err(Error::Pending {
                    tx: hash.to_string(),
                    seconds: timeout.as_secs(),
                });
            }
            progress(elapsed);
            std::thread::sleep(delay.min(timeout.saturating_sub(elapsed)));
            delay = (delay * 2).min(Duration::from_millis(1000));
        }
    }
}

fn estimate_result(r: Result<Value>) -> Result<Result<Gas, String>> {
    match r {
        Ok(v) => Ok(Ok(Gas(hex_u64(&v, "gas estimate")?))),
        Err(Error::NodeError { message, .. }) => Ok(Err(message)),
        Err(e) => Err(e),
    }
}

fn parse_hash(v: &Value) -> Result<[u8; 32]> {
    let s = v
        .as_str()
        .ok_or_else(|| super::bad_field("transaction hash"))?;
    let mut h = [0u8; 32];
    hex::decode_to_slice(s.trim_start_matches("0x"), &mut h)
        .map_err(|_| super::bad_field("transaction hash"))?;
    Ok(h)
}

/// Maps a node's refusal of a transaction to the error a user can act on.
fn classify_send_error(e: Error) -> Error {
    let Error::NodeError { message, .. } = &e else {
        return e;
    };
    let m = message.to_ascii_lowercase();
    if m.contains("insufficient funds") {
        Error::InsufficientFunds(format!("the node says: {message}"))
    } else if m.contains("chain id") || m.contains("chainid") {
        Error::WrongChain(format!("the node says: {message}"))
    } else {
        Error::Rejected(message.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_errors_are_classified() {
        let mk = |m: &str| Error::NodeError {
            method: "eth_sendRawTransaction".into(),
            code: -32003,
            message: m.into(),
        };
        assert_eq!(
            classify_send_error(mk("Insufficient funds for gas * price + value")).kind(),
            crate::ErrorKind::InsufficientFunds
        );
        assert_eq!(
            classify_send_error(mk("invalid chain id for signer")).kind(),
            crate::ErrorKind::WrongChain
        );
        assert_eq!(
            classify_send_error(mk("nonce too low")).kind(),
            crate::ErrorKind::Rejected
        );
    }
}
