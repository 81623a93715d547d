//! A Bitcoin-family verified view of a node: its header chain from a
//! checkpoint to its tip, every header checked (link, proof of work,
//! difficulty, time), compared by work with the other chain tips the node
//! reports; then the coins the wallet reports or spends, each proven by a
//! merkle proof (`gettxoutproof`) against a verified header and by its
//! funding transaction's output.

use super::options::{checkpoint_for, CheckpointSource, VerifyOptions};
use super::report::{pow_name, BtcVerifyReport, ChainPoint, ProvenCoin};
use super::{
    genesis_header, parse_header, verify_txout_proof, Checkpoint, HeaderChain, PowRules,
    VerifiedCoin, VerifyError,
};
use crate::bitcoin::coin_selection::Coin;
use crate::bitcoin::NetworkParams;
use crate::error::{Error, Result};
use crate::rpc::bitcoin::{BtcNode, COINBASE_MATURITY};
use bitcoin::block::Header;
use bitcoin::BlockHash;
use serde_json::{json, Value};
use std::cell::Cell;

/// Heights asked for in one batch.
const HEADER_CHUNK: u32 = 1000;
/// The longest branch of another chain tip walked back to the verified chain.
pub const MAX_FORK_WALK: usize = 2016;

/// The verified view: the node, its verified header chain and the coins
/// proven against it.
#[derive(Debug)]
pub struct BtcVerifier<'a> {
    reader: Reader<'a>,
    params: NetworkParams,
    chain: HeaderChain,
    /// The checkpoint's history, to rebuild a competing chain from.
    history: Vec<Header>,
    /// The headers verified after the checkpoint, ascending.
    headers: Vec<Header>,
    source: CheckpointSource,
    forks_compared: usize,
    forks_skipped: usize,
    coins: Vec<ProvenCoin>,
}

/// The node and the requests made of it.
#[derive(Debug)]
struct Reader<'a> {
    node: &'a BtcNode,
    requests: Cell<u32>,
}

impl<'a> BtcVerifier<'a> {
    /// Verifies the node's chain from the checkpoint `opts` asks for (the
    /// built-in one by default) to its tip, and that no other chain tip the
    /// node reports has more work.
    pub fn sync(node: &'a BtcNode, params: NetworkParams, opts: &VerifyOptions) -> Result<Self> {
        let (checkpoint, source) = checkpoint_for(params, opts)?;
        let reader = Reader {
            node,
            requests: Cell::new(0),
        };
        let tip = reader.tip_height()?;
        if tip < checkpoint.height {
            return Err(VerifyError::BehindCheckpoint {
                tip,
                checkpoint: checkpoint.height,
            }
            .into());
        }
        let history = if checkpoint == Checkpoint::genesis(params) {
            vec![genesis_header(params)]
        } else {
            let first = PowRules::for_network(params).history_start(checkpoint.height);
            reader.fetch_headers(first, checkpoint.height)?
        };
        let mut chain = HeaderChain::new(params, checkpoint, &history)?;
        let headers = reader.fetch_headers(checkpoint.height.saturating_add(1), tip)?;
        chain.extend(&headers)?;
        let mut v = BtcVerifier {
            reader,
            params,
            chain,
            history,
            headers,
            source,
            forks_compared: 0,
            forks_skipped: 0,
            coins: Vec::new(),
        };
        v.compare_tips()?;
        Ok(v)
    }

    /// The verified chain.
    #[must_use]
    pub fn chain(&self) -> &HeaderChain {
        &self.chain
    }

    /// What was proven so far.
    #[must_use]
    pub fn report(&self) -> BtcVerifyReport {
        let point = |height, hash: BlockHash| ChainPoint {
            height,
            hash: hash.to_string(),
        };
        let (cp, tip) = (self.chain.checkpoint(), self.chain.tip());
        BtcVerifyReport {
            checkpoint: point(cp.height, cp.hash),
            checkpoint_source: self.source,
            pow: pow_name(self.chain.rules().algorithm),
            tip: point(tip.height, tip.hash),
            headers: u32::try_from(self.headers.len()).unwrap_or(u32::MAX),
            work: self.chain.work().to_string(),
            forks_compared: self.forks_compared,
            forks_skipped: self.forks_skipped,
            coins: self.coins.clone(),
            requests: self.reader.requests.get(),
        }
    }
}

impl Reader<'_> {
    fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.requests.set(self.requests.get().saturating_add(1));
        self.node.rpc().call(method, params)
    }

    fn batch(&self, calls: &[(&str, Value)]) -> Result<Vec<Result<Value>>> {
        if !calls.is_empty() {
            self.requests.set(self.requests.get().saturating_add(1));
        }
        self.node.rpc().batch(calls)
    }

    fn url(&self) -> &str {
        self.node.rpc().url()
    }

    fn bad(&self, what: &str) -> Error {
        Error::BadResponse {
            url: self.url().to_owned(),
            reason: format!("{what} is not valid"),
        }
    }

    fn tip_height(&self) -> Result<u32> {
        let v = self.call("getblockcount", json!([]))?;
        v.as_u64()
            .and_then(|h| u32::try_from(h).ok())
            .ok_or_else(|| self.bad("the block count"))
    }

    /// The headers at heights `first..=last`: each asked for by the hash
    /// the node gives for its height (two batches per chunk), and checked to
    /// hash to it.
    fn fetch_headers(&self, first: u32, last: u32) -> Result<Vec<Header>> {
        let mut out = Vec::new();
        let mut start = first;
        while start <= last {
            let end = start.saturating_add(HEADER_CHUNK - 1).min(last);
            let calls: Vec<(&str, Value)> = (start..=end)
                .map(|h| ("getblockhash", json!([h])))
                .collect();
            let hashes = self
                .batch(&calls)?
                .into_iter()
                .map(|r| {
                    r.and_then(|v| {
                        v.as_str()
                            .and_then(|s| s.parse::<BlockHash>().ok())
                            .ok_or_else(|| self.bad("a block hash"))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let calls: Vec<(&str, Value)> = hashes
                .iter()
                .map(|h| ("getblockheader", json!([h.to_string(), false])))
                .collect();
            for ((height, asked), r) in (start..).zip(&hashes).zip(self.batch(&calls)?) {
                out.push(self.header_answer(r?, height, *asked)?);
            }
            match end.checked_add(1) {
                Some(next) => start = next,
                None => break,
            }
        }
        Ok(out)
    }

    /// A `getblockheader HASH false` answer, which must hash to `asked`.
    fn header_answer(&self, v: Value, height: u32, asked: BlockHash) -> Result<Header> {
        let bytes = v
            .as_str()
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| self.bad("a block header"))?;
        let header = parse_header(&bytes).map_err(|e| e.from_node(self.url()))?;
        let found = header.block_hash();
        if found != asked {
            return Err(VerifyError::HeaderMismatch {
                height,
                asked,
                found,
            }
            .into());
        }
        Ok(header)
    }

    fn hex_answer(&self, r: Option<Result<Value>>, what: &str) -> Result<Vec<u8>> {
        let v = r.ok_or_else(|| Error::Internal("batch result count".into()))??;
        v.as_str()
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| self.bad(what))
    }
}

impl BtcVerifier<'_> {
    /// Every other chain tip the node reports (`getchaintips`, invalid ones
    /// left out) is walked back to the verified chain and, when it joins it
    /// after the checkpoint with valid headers, compared by work: none may
    /// have more.
    fn compare_tips(&mut self) -> Result<()> {
        let tips = self.reader.call("getchaintips", json!([]))?;
        let tips = tips
            .as_array()
            .ok_or_else(|| self.reader.bad("the chain tips"))?;
        let ours = self.chain.tip();
        let mut forks = Vec::new();
        for tip in tips {
            let status = tip.get("status").and_then(Value::as_str).unwrap_or("");
            let hash = tip
                .get("hash")
                .and_then(Value::as_str)
                .and_then(|h| h.parse::<BlockHash>().ok())
                .ok_or_else(|| self.reader.bad("a chain tip's hash"))?;
            let height = tip
                .get("height")
                .and_then(Value::as_u64)
                .and_then(|h| u32::try_from(h).ok())
                .unwrap_or(0);
            if status == "invalid" || hash == ours.hash || self.chain.find(&hash).is_some() {
                continue;
            }
            // A branch that left the node's chain before the checkpoint
            // (`height - branchlen`) cannot join the verified chain after
            // it: not walked (a long-running node lists many old stale
            // tips, each a walk of up to MAX_FORK_WALK requests).
            let branch_len = tip
                .get("branchlen")
                .and_then(Value::as_u64)
                .and_then(|b| u32::try_from(b).ok());
            if branch_len.is_some_and(|b| height.saturating_sub(b) < self.chain.checkpoint().height)
            {
                self.forks_skipped += 1;
                continue;
            }
            match self.competing_chain(hash, height)? {
                Some(fork) => forks.push(fork),
                None => self.forks_skipped += 1,
            }
        }
        self.forks_compared = forks.len();
        self.chain
            .ensure_most_work(&forks.iter().collect::<Vec<_>>())?;
        Ok(())
    }

    /// The chain ending at `tip` (at `height`, as the node says): its
    /// branch walked back (one header per request) until it joins the
    /// verified chain, then verified on top of the shared headers. `None`
    /// when it joins before the checkpoint (the walk stops there), not
    /// within [`MAX_FORK_WALK`] headers, or its headers are not valid.
    fn competing_chain(&self, tip: BlockHash, height: u32) -> Result<Option<HeaderChain>> {
        let checkpoint = self.chain.checkpoint();
        let mut branch = Vec::new();
        let mut cur = tip;
        let join = loop {
            if let Some(b) = self.chain.find(&cur) {
                break b.height;
            }
            let below = height.saturating_sub(branch.len() as u32) <= checkpoint.height;
            if branch.len() >= MAX_FORK_WALK || below {
                return Ok(None);
            }
            let v = self
                .reader
                .call("getblockheader", json!([cur.to_string(), false]))?;
            let at = height.saturating_sub(branch.len() as u32);
            let header = self.reader.header_answer(v, at, cur)?;
            cur = header.prev_blockhash;
            branch.push(header);
        };
        let Some(shared) = join.checked_sub(checkpoint.height) else {
            return Ok(None);
        };
        branch.reverse();
        let mut fork = HeaderChain::new(self.params, checkpoint, &self.history)?;
        let shared = self.headers.get(..shared as usize).unwrap_or(&self.headers);
        if fork.extend(shared).is_err() || fork.extend(&branch).is_err() {
            return Ok(None);
        }
        Ok(Some(fork))
    }

    /// Proves `coins` (one request for every merkle proof and funding
    /// transaction): each must be in a block of the verified chain, pay its
    /// amount to its script, and have no more confirmations than the chain
    /// gives it. With `spendable`, a coinbase output must also be mature.
    pub fn prove_coins(&mut self, coins: &[Coin], spendable: bool) -> Result<Vec<VerifiedCoin>> {
        let mut calls = Vec::with_capacity(coins.len() * 2);
        for c in coins {
            let txid = c.outpoint.txid.to_string();
            let block = u32::try_from(c.height)
                .ok()
                .filter(|h| *h > 0)
                .and_then(|h| self.chain.at_height(h))
                .map(|b| b.hash.to_string());
            calls.push(match &block {
                Some(b) => ("gettxoutproof", json!([[txid], b])),
                None => ("gettxoutproof", json!([[txid]])),
            });
            calls.push(match &block {
                Some(b) => ("getrawtransaction", json!([txid, false, b])),
                None => ("getrawtransaction", json!([txid, false])),
            });
        }
        let mut answers = self.reader.batch(&calls)?.into_iter();
        let mut out = Vec::with_capacity(coins.len());
        for c in coins {
            let proof = self.reader.hex_answer(answers.next(), "a merkle proof")?;
            let raw = self
                .reader
                .hex_answer(answers.next(), "a raw transaction")?;
            let coin = self.prove_one(c, &proof, &raw, spendable)?;
            self.coins.push(ProvenCoin::of(&coin));
            out.push(coin);
        }
        Ok(out)
    }

    fn prove_one(
        &self,
        c: &Coin,
        proof: &[u8],
        raw: &[u8],
        spendable: bool,
    ) -> Result<VerifiedCoin> {
        let url = self.reader.url();
        let inclusion = verify_txout_proof(proof, &self.chain, c.outpoint.txid)
            .map_err(|e| e.from_node(url))?;
        let coin = inclusion
            .verify_coin(raw, c.outpoint, c.value, &c.script_pubkey)
            .map_err(|e| e.from_node(url))?;
        if c.confirmations > u64::from(coin.confirmations) {
            return Err(VerifyError::Confirmations {
                outpoint: c.outpoint,
                claimed: c.confirmations,
                proven: coin.confirmations,
            }
            .into());
        }
        if spendable && coin.coinbase && u64::from(coin.confirmations) < COINBASE_MATURITY {
            return Err(VerifyError::ImmatureCoinbase {
                outpoint: c.outpoint,
                confirmations: coin.confirmations,
            }
            .into());
        }
        Ok(coin)
    }
}
