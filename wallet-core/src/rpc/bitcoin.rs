//! A Bitcoin Core-style node over JSON-RPC (Bitcoin Core, Litecoin Core,
//! bcoin): network check, finding a wallet's coins (`scantxoutset`), fee
//! estimation, mempool acceptance tests, broadcasting and status.

use super::{RpcClient, RpcConfig};
use crate::bitcoin::amount::{self, COIN};
use crate::bitcoin::{Chain, Network, NetworkParams};
use crate::error::{Error, Result};
use crate::secret::SecretString;
use bitcoin::{Amount, BlockHash, FeeRate, OutPoint, ScriptBuf, Transaction, Txid};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// Coinbase outputs mature after this many confirmations.
pub const COINBASE_MATURITY: u64 = 100;

/// How to authenticate.
#[derive(Debug, Clone)]
pub enum Auth {
    /// No credentials (or in the URL).
    None,
    /// `rpcuser` / `rpcpassword`.
    UserPass(String, SecretString),
    /// The node's `.cookie` file (`__cookie__:password`).
    Cookie(std::path::PathBuf),
}

/// A Bitcoin Core-style node.
#[derive(Debug)]
pub struct BtcNode {
    rpc: RpcClient,
}

/// What `getblockchaininfo` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainInfo {
    /// The node's chain name (`main`, `test`, `regtest`, `signet`).
    pub chain: String,
    /// Block height.
    pub blocks: u64,
}

/// Known genesis block hashes, to tell Bitcoin and Litecoin nodes apart.
const GENESIS: [(Chain, Network, &str); 6] = [
    (
        Chain::Bitcoin,
        Network::Mainnet,
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
    ),
    (
        Chain::Bitcoin,
        Network::Testnet,
        "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
    ),
    (
        Chain::Bitcoin,
        Network::Regtest,
        "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
    ),
    (
        Chain::Litecoin,
        Network::Mainnet,
        "12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2",
    ),
    (
        Chain::Litecoin,
        Network::Testnet,
        "4966625a4b2851d9fdee139e56211a0d88575f59ed816ff5e6a63deb4e3e29a0",
    ),
    (
        Chain::Litecoin,
        Network::Regtest,
        "530827f38f93b43ed12af0b3ad25a288dc02ed74d6d7857862df51fc56c416f9",
    ),
];

impl BtcNode {
    /// Connects to `url` with `auth`.
    pub fn connect(url: &str, auth: &Auth, timeout: Duration) -> Result<Self> {
        let basic_auth = match auth {
            Auth::None => None,
            Auth::UserPass(u, p) => Some((u.clone(), p.clone())),
            Auth::Cookie(path) => Some(read_cookie(path)?),
        };
        let rpc = RpcClient::new(
            url,
            RpcConfig {
                timeout,
                basic_auth,
                ..RpcConfig::default()
            },
        )?;
        Ok(Self { rpc })
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

    /// `getblockchaininfo`.
    pub fn chain_info(&self) -> Result<ChainInfo> {
        let v = self.rpc.call("getblockchaininfo", json!([]))?;
        Ok(ChainInfo {
            chain: v
                .get("chain")
                .and_then(Value::as_str)
                .ok_or_else(|| super::bad_field("chain"))?
                .to_owned(),
            blocks: v.get("blocks").and_then(Value::as_u64).unwrap_or(0),
        })
    }

    /// Refuses a node on another network or chain than `params`.
    pub fn check_network(&self, params: NetworkParams) -> Result<ChainInfo> {
        let info = self.chain_info()?;
        let node_net = match info.chain.as_str() {
            "main" | "mainnet" => Network::Mainnet,
            "test" | "testnet" | "testnet3" | "testnet4" => Network::Testnet,
            "signet" => Network::Signet,
            "regtest" => Network::Regtest,
            other => {
                return Err(Error::WrongChain(format!(
                    "the node reports an unknown chain '{other}'"
                )))
            }
        };
        if node_net != params.network() {
            return Err(Error::WrongChain(format!(
                "the node at {} is on {}, but the wallet asked for {}; nothing was done",
                self.rpc.url(),
                node_net,
                params
            )));
        }
        if let Ok(v) = self.rpc.call("getblockhash", json!([0])) {
            if let Some(h) = v.as_str() {
                if let Some((chain, net, _)) = GENESIS.iter().find(|(_, _, g)| *g == h) {
                    if *chain != params.chain() || *net != params.network() {
                        return Err(Error::WrongChain(format!(
                            "the node at {} serves {chain} {net}, not {params}; nothing was done",
                            self.rpc.url()
                        )));
                    }
                }
            }
        }
        Ok(info)
    }

    /// The node's fee estimate for confirmation within `target` blocks;
    /// `None` when it has no estimate (new chains, regtest).
    pub fn estimate_fee(&self, target: u32) -> Result<Option<FeeRate>> {
        let v = match self.rpc.call("estimatesmartfee", json!([target])) {
            Ok(v) => v,
            Err(Error::NodeError { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(v.get("feerate")
            .and_then(Value::as_f64)
            .filter(|f| *f > 0.0)
            // coins per 1000 vbytes = 1e8 sat / 4000 wu.
            .map(|coins_per_kvb| FeeRate::from_sat_per_kwu((coins_per_kvb * 2.5e7).round() as u64)))
    }

    /// `testmempoolaccept`: `Ok(None)` if accepted, `Ok(Some(reason))` if
    /// rejected; `Err(Unsupported)` if the node has no such method.
    pub fn test_mempool_accept(&self, raw: &[u8]) -> Result<Option<String>> {
        let v = match self
            .rpc
            .call("testmempoolaccept", json!([[hex::encode(raw)]]))
        {
            Ok(v) => v,
            Err(Error::NodeError { code: -32601, .. }) => {
                return Err(Error::Unsupported(
                    "the node has no testmempoolaccept".into(),
                ))
            }
            Err(Error::NodeError { message, .. }) => return Ok(Some(message)),
            Err(e) => return Err(e),
        };
        let first = v
            .get(0)
            .ok_or_else(|| super::bad_field("testmempoolaccept"))?;
        if first.get("allowed").and_then(Value::as_bool) == Some(true) {
            Ok(None)
        } else {
            Ok(Some(
                first
                    .get("reject-reason")
                    .and_then(Value::as_str)
                    .unwrap_or("rejected")
                    .to_owned(),
            ))
        }
    }

    /// `sendrawtransaction`; the node's refusal is a [`Error::Rejected`] with its reason.
    pub fn send_raw(&self, raw: &[u8]) -> Result<Txid> {
        let v = self
            .rpc
            .call("sendrawtransaction", json!([hex::encode(raw)]))
            .map_err(|e| match e {
                Error::NodeError { message, .. } => Error::Rejected(message),
                other => other,
            })?;
        v.as_str()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| super::bad_field("txid"))
    }

    /// `getmempoolentry`: `true` when the transaction is in the mempool.
    pub fn in_mempool(&self, txid: &Txid) -> Result<bool> {
        match self.rpc.call_within(
            "getmempoolentry",
            json!([txid.to_string()]),
            super::FOLLOW_UP_TIMEOUT,
        ) {
            Ok(v) => Ok(!v.is_null()),
            Err(Error::NodeError { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Polls `getmempoolentry` until the transaction appears or `within`
    /// passes (some nodes, like bcoin, verify after answering the send).
    pub fn wait_in_mempool(&self, txid: &Txid, within: Duration) -> Result<bool> {
        let start = std::time::Instant::now();
        loop {
            if self.in_mempool(txid)? {
                return Ok(true);
            }
            if start.elapsed() >= within {
                return Ok(false);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `getrawtransaction txid false [block]`: without `block` the node
    /// needs `-txindex` for confirmed transactions; with the block that
    /// confirmed it, any node (Core 0.16+) finds it. The transaction is
    /// checked to have the asked txid.
    pub fn raw_transaction(&self, txid: &Txid, block: Option<&BlockHash>) -> Result<Transaction> {
        let params = match block {
            Some(b) => json!([txid.to_string(), false, b.to_string()]),
            None => json!([txid.to_string(), false]),
        };
        let v = self.rpc.call("getrawtransaction", params)?;
        let bytes = v
            .as_str()
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| super::bad_field("raw transaction"))?;
        let tx: Transaction = bitcoin::consensus::encode::deserialize(&bytes)
            .map_err(|_| super::bad_field("raw transaction"))?;
        if tx.compute_txid() != *txid {
            return Err(Error::BadResponse {
                url: self.rpc.url().to_owned(),
                reason: format!(
                    "asked for transaction {txid}, the node gave {}",
                    tx.compute_txid()
                ),
            });
        }
        Ok(tx)
    }

    /// `getblockhash height`.
    pub fn block_hash(&self, height: u64) -> Result<BlockHash> {
        let v = self.rpc.call("getblockhash", json!([height]))?;
        v.as_str()
            .and_then(|h| h.parse().ok())
            .ok_or_else(|| super::bad_field("block hash"))
    }

    /// `getmempoolentry`: the fees and size of a transaction in the
    /// mempool, `None` when it is not there.
    pub fn mempool_entry(&self, txid: &Txid) -> Result<Option<MempoolEntry>> {
        let v = match self.rpc.call("getmempoolentry", json!([txid.to_string()])) {
            Ok(v) if v.is_object() => v,
            Ok(_) | Err(Error::NodeError { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let fees = v.get("fees");
        // Core 0.19+ has "fees" (coins); older nodes and bcoin the flat fields.
        let coins = |k: &str| fees.and_then(|f| f.get(k)).map(coins_to_amount).transpose();
        let fee = match coins("base")? {
            Some(f) => f,
            None => coins_to_amount(v.get("fee").ok_or_else(|| super::bad_field("fee"))?)?,
        };
        let descendant_fees = match coins("descendant")? {
            Some(f) => f,
            None => Amount::from_sat(v.get("descendantfees").and_then(Value::as_u64).unwrap_or(0)),
        };
        Ok(Some(MempoolEntry {
            vsize: v
                .get("vsize")
                .or_else(|| v.get("size"))
                .and_then(Value::as_u64)
                .ok_or_else(|| super::bad_field("vsize"))?,
            fee,
            descendant_fees: descendant_fees.max(fee),
            descendant_count: v
                .get("descendantcount")
                .and_then(Value::as_u64)
                .unwrap_or(1),
        }))
    }

    /// The node's incremental relay fee (`getnetworkinfo`): by how much a
    /// replacement must raise the fee, per vbyte of its own size (BIP125
    /// rule 4). 1 sat/vB, Core's default, when the node does not say.
    pub fn incremental_relay_fee(&self) -> Result<FeeRate> {
        let v = self.rpc.call("getnetworkinfo", json!([]))?;
        Ok(match v.get("incrementalfee") {
            // coins per 1000 vbytes = 1e8 sat / 4000 wu.
            Some(f) => FeeRate::from_sat_per_kwu(coins_to_amount(f)?.to_sat() / 4),
            None => FeeRate::from_sat_per_vb_u32(1),
        })
    }

    /// `getblockcount`: the height of the node's best block.
    pub fn block_count(&self) -> Result<u64> {
        self.rpc
            .call("getblockcount", json!([]))?
            .as_u64()
            .ok_or_else(|| super::bad_field("block count"))
    }

    /// The txids of block `hash` (`getblock hash 1`).
    pub fn block_txids(&self, hash: &BlockHash) -> Result<Vec<Txid>> {
        let v = self.rpc.call("getblock", json!([hash.to_string(), 1]))?;
        v.get("tx")
            .and_then(Value::as_array)
            .ok_or_else(|| super::bad_field("block transactions"))?
            .iter()
            .map(|t| {
                t.as_str()
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| super::bad_field("block transaction id"))
            })
            .collect()
    }

    /// Unspent outputs paying to any of `descriptors` (`scantxoutset`).
    pub fn scan(&self, descriptors: &[String]) -> Result<(u64, Vec<ScannedOutput>)> {
        let v = match self.rpc.call("scantxoutset", json!(["start", descriptors])) {
            Ok(v) => v,
            Err(Error::NodeError { code: -32601, .. }) => {
                return Err(Error::Unsupported(format!(
                    "the node at {} has no scantxoutset (Bitcoin Core 0.17+ and Litecoin Core have it; bcoin does not)",
                    self.rpc.url()
                )))
            }
            Err(e) => return Err(e),
        };
        let height = v.get("height").and_then(Value::as_u64).unwrap_or(0);
        let mut out = Vec::new();
        for u in v
            .get("unspents")
            .and_then(Value::as_array)
            .ok_or_else(|| super::bad_field("unspents"))?
        {
            let spk = u
                .get("scriptPubKey")
                .and_then(Value::as_str)
                .and_then(|h| hex::decode(h).ok())
                .ok_or_else(|| super::bad_field("scriptPubKey"))?;
            let txid: Txid = u
                .get("txid")
                .and_then(Value::as_str)
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| super::bad_field("txid"))?;
            let vout = u
                .get("vout")
                .and_then(Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| super::bad_field("vout"))?;
            out.push(ScannedOutput {
                outpoint: OutPoint::new(txid, vout),
                value: coins_to_amount(u.get("amount").ok_or_else(|| super::bad_field("amount"))?)?,
                script_pubkey: ScriptBuf::from_bytes(spk),
                height: u.get("height").and_then(Value::as_u64).unwrap_or(0),
            });
        }
        Ok((height, out))
    }

    /// For each outpoint, whether it is a coinbase output and its
    /// confirmations, or `None` when it is spent, counting transactions in
    /// the node's mempool (`gettxout` with `include_mempool`, one batch).
    pub fn txout_info(&self, outpoints: &[OutPoint]) -> Result<Vec<Option<TxOutInfo>>> {
        let calls: Vec<(&str, Value)> = outpoints
            .iter()
            .map(|o| ("gettxout", json!([o.txid.to_string(), o.vout, true])))
            .collect();
        let mut out = Vec::with_capacity(outpoints.len());
        for r in self.rpc.batch(&calls)? {
            let v = r?;
            if v.is_null() {
                out.push(None);
                continue;
            }
            out.push(Some(TxOutInfo {
                coinbase: v.get("coinbase").and_then(Value::as_bool).unwrap_or(false),
                confirmations: v.get("confirmations").and_then(Value::as_u64).unwrap_or(0),
            }));
        }
        Ok(out)
    }
}

/// What `getmempoolentry` says of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MempoolEntry {
    /// Its virtual size.
    pub vsize: u64,
    /// Its fee.
    pub fee: Amount,
    /// The fees of it and of every mempool transaction spending its
    /// outputs (what a replacement evicts, BIP125 rule 3).
    pub descendant_fees: Amount,
    /// How many transactions that is (itself included).
    pub descendant_count: u64,
}

/// What `gettxout` says of an unspent output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxOutInfo {
    /// A coinbase output (spendable once mature).
    pub coinbase: bool,
    /// Its confirmations (0: in the mempool).
    pub confirmations: u64,
}

/// An unspent output found by a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedOutput {
    /// Where it is.
    pub outpoint: OutPoint,
    /// Its value.
    pub value: Amount,
    /// The script it pays to.
    pub script_pubkey: ScriptBuf,
    /// Block height it was confirmed in.
    pub height: u64,
}

fn read_cookie(path: &Path) -> Result<(String, SecretString)> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| Error::io("cannot read the cookie file", path, e))?,
    );
    let (u, p) = text.trim().split_once(':').ok_or_else(|| {
        Error::input(format!(
            "'{}' is not a node cookie file (user:password)",
            path.display()
        ))
    })?;
    Ok((u.to_owned(), SecretString::from(p)))
}

/// A JSON amount in coins (e.g. `0.0001`), exactly.
fn coins_to_amount(v: &Value) -> Result<Amount> {
    let text = v.to_string();
    if text.contains(['e', 'E', '-']) {
        // serde_json writes small floats like 1e-8 in exponent form.
        let f = v.as_f64().ok_or_else(|| super::bad_field("amount"))?;
        if !(0.0..=2.1e7 * 4.0).contains(&f) {
            return Err(super::bad_field("amount"));
        }
        return Ok(Amount::from_sat((f * COIN as f64).round() as u64));
    }
    amount::parse_amount(&text, Chain::Bitcoin).map_err(|_| super::bad_field("amount"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_from_json() {
        let sat = |v: Value| coins_to_amount(&v).map(Amount::to_sat);
        assert_eq!(sat(json!(5050.0)).unwrap(), 505_000_000_000);
        assert_eq!(sat(json!(0.0001)).unwrap(), 10_000);
        assert_eq!(sat(json!(1e-8)).unwrap(), 1);
        assert_eq!(sat(json!(12.3456789)).unwrap(), 1_234_567_890);
        assert!(sat(json!(-1.0)).is_err());
        assert!(sat(json!("x")).is_err());
    }
}
