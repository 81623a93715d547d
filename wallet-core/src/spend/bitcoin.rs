//! Bitcoin-family payments from a wallet's coins, over a node: scan the
//! accounts' addresses for coins, pick a fee rate, select coins, build and
//! sign the PSBT, test and broadcast it once. The node is only a chain
//! source ([`crate::rpc::bitcoin::BtcNode`]); the policy lives here.

use crate::bitcoin::amount::{format_with_unit, sat_per_vb};
use crate::bitcoin::coin_selection::{
    dust_threshold, script_output_weight, select, Coin, Selection, Target,
};
use crate::bitcoin::payment::{self, build_psbt, ChangeOutput, PsbtParts, MAX_FEE_RATE};
use crate::bitcoin::{psbt, Address, AddressType, NetworkParams};
use crate::error::{Error, Result};
use crate::hd::{ChildIndex, DerivationPath, ExtendedPublicKey, Fingerprint, Keychain};
use crate::rpc::bitcoin::{BtcNode, ScannedOutput, COINBASE_MATURITY};
use bitcoin::{Amount, FeeRate, OutPoint, ScriptBuf, Txid};
use std::collections::HashMap;
use std::time::Duration;

/// The wallet's account keys to scan: for each address type, the account
/// xpub (`m/purpose'/coin'/0'`) and its path.
#[derive(Debug, Clone)]
pub struct ScanAccount {
    /// Address type.
    pub kind: AddressType,
    /// Account path.
    pub path: DerivationPath,
    /// Account xpub.
    pub xpub: ExtendedPublicKey,
    /// The first change index not yet handed out (the wallet's record, see
    /// [`crate::keystore::Keystore::next_change_index`] and
    /// [`change_record_key`]; 0 without one). Spent change leaves no coin
    /// for a UTXO scan to find, so this is what keeps change addresses from
    /// being used twice, and the scan always covers every index below it
    /// plus the gap.
    pub next_change: u32,
}

/// The key under which the wallet records the change indexes it handed out
/// for `account` on `params` (e.g. `ltc/regtest/m/84'/1'/0'`).
#[must_use]
pub fn change_record_key(params: NetworkParams, account: &DerivationPath) -> String {
    format!(
        "{}/{}/{account}",
        params.chain().code(),
        params.network().code()
    )
}

/// Where a script of ours lives.
#[derive(Debug, Clone)]
struct Slot {
    kind: AddressType,
    path: DerivationPath,
    keychain: Keychain,
    index: u32,
}

/// The wallet's coins, found by scanning `gap` receive and change addresses
/// of every account (extending while coins appear near the end), plus the
/// highest used change index per type.
#[derive(Debug, Clone, Default)]
pub struct WalletCoins {
    /// Spendable coins (immature coinbase outputs excluded).
    pub coins: Vec<Coin>,
    /// Coinbase outputs that are not yet mature.
    pub immature: Vec<Coin>,
    /// Confirmed coins already spent by a transaction in the node's mempool
    /// (a payment not yet mined): never selected again.
    pub spent_in_mempool: Vec<Coin>,
    /// Highest change index seen per address type.
    pub last_change: HashMap<AddressType, u32>,
    /// Chain height of the scan.
    pub height: u64,
}

/// The scan of a growing range of every account's addresses.
struct Scan<'a> {
    accounts: &'a [ScanAccount],
    params: NetworkParams,
    scripts: HashMap<ScriptBuf, Slot>,
    scanned_to: u32,
}

impl Scan<'_> {
    /// `addr(…)` descriptors of indexes `scanned_to..limit` of every chain,
    /// remembering where each script lives.
    fn descriptors(&mut self, limit: u32) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for acct in self.accounts {
            for keychain in [Keychain::External, Keychain::Internal] {
                let branch = acct.xpub.derive_child(keychain.child())?;
                for i in self.scanned_to..limit {
                    let child = ChildIndex::normal(i)?;
                    let pk = branch.child_public_key(child)?;
                    let addr = Address::from_public_key(&pk, acct.kind, self.params)?;
                    out.push(format!("addr({addr})"));
                    let slot = Slot {
                        kind: acct.kind,
                        path: acct.path.child(keychain.child())?.child(child)?,
                        keychain,
                        index: i,
                    };
                    self.scripts
                        .insert(ScriptBuf::from_bytes(addr.script_pubkey()), slot);
                }
            }
        }
        self.scanned_to = limit;
        Ok(out)
    }
}

/// Finds the wallet's coins on the node.
pub fn find_coins(
    node: &BtcNode,
    accounts: &[ScanAccount],
    params: NetworkParams,
    gap: u32,
) -> Result<WalletCoins> {
    let mut scan = Scan {
        accounts,
        params,
        scripts: HashMap::new(),
        scanned_to: 0,
    };
    let floor = accounts.iter().map(|a| a.next_change).max().unwrap_or(0);
    let mut limit = floor.min(100_000).saturating_add(gap.max(1));
    let mut found: Vec<ScannedOutput> = Vec::new();
    let height = loop {
        let descriptors = scan.descriptors(limit)?;
        let (h, outs) = node.scan(&descriptors)?;
        let max_index = outs
            .iter()
            .filter_map(|o| scan.scripts.get(&o.script_pubkey).map(|s| s.index))
            .max();
        found.extend(outs);
        match max_index {
            Some(m) if m + gap / 2 >= limit && limit < 100_000 => limit += gap.max(1),
            _ => break h,
        }
    };
    found.sort_by_key(|o| o.outpoint);
    found.dedup_by(|a, b| a.outpoint == b.outpoint);
    classify(node, &scan.scripts, found, height)
}

/// Sorts scanned outputs into spendable, immature and already-spent coins.
fn classify(
    node: &BtcNode,
    scripts: &HashMap<ScriptBuf, Slot>,
    found: Vec<ScannedOutput>,
    height: u64,
) -> Result<WalletCoins> {
    let outpoints: Vec<OutPoint> = found.iter().map(|o| o.outpoint).collect();
    let info = node.txout_info(&outpoints)?;
    let mut result = WalletCoins {
        height,
        ..WalletCoins::default()
    };
    for (o, status) in found.into_iter().zip(info) {
        let Some(slot) = scripts.get(&o.script_pubkey) else {
            continue;
        };
        if slot.keychain == Keychain::Internal {
            let e = result.last_change.entry(slot.kind).or_insert(0);
            *e = (*e).max(slot.index);
        }
        let coin = Coin {
            outpoint: o.outpoint,
            value: o.value,
            script_pubkey: o.script_pubkey,
            kind: slot.kind,
            path: slot.path.clone(),
            prev_tx: None,
            confirmations: status.map_or(0, |s| s.confirmations),
            height: o.height,
        };
        match status {
            None => result.spent_in_mempool.push(coin),
            Some(s) if s.coinbase && s.confirmations < COINBASE_MATURITY => {
                result.immature.push(coin)
            }
            Some(_) => result.coins.push(coin),
        }
    }
    Ok(result)
}

/// Fee rate used when the node has no estimate (new chains, regtest).
pub const FALLBACK_FEE_RATE: FeeRate = FeeRate::from_sat_per_vb_u32(2);

/// Where a payment's fee rate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeRateSource {
    /// Given by the user.
    Given,
    /// The node's `estimatesmartfee` for 6 blocks.
    NodeEstimate,
    /// The node has no estimate: [`FALLBACK_FEE_RATE`].
    Fallback,
}

impl FeeRateSource {
    /// `given`, `node_estimate` or `fallback`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            FeeRateSource::Given => "given",
            FeeRateSource::NodeEstimate => "node_estimate",
            FeeRateSource::Fallback => "fallback",
        }
    }
}

/// A payment to make from the wallet's coins.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// Recipient.
    pub to: Address,
    /// The amount.
    pub amount: Amount,
    /// The fee rate; default the node's estimate (6 blocks).
    pub fee_rate: Option<FeeRate>,
    /// Type of the change output.
    pub change_kind: AddressType,
    /// Addresses scanned per chain and type.
    pub gap: u32,
    /// Accept a given fee rate above [`MAX_FEE_RATE`] (a typo like a rate
    /// of 2000 is refused otherwise).
    pub allow_high_fee: bool,
}

/// A payment ready to show the user and sign.
#[derive(Debug, Clone)]
pub struct PreparedPayment {
    /// The unsigned PSBT.
    pub psbt: bitcoin::psbt::Psbt,
    /// Coins, fee and change.
    pub selection: Selection,
    /// The change output.
    pub change: ChangeOutput,
    /// The change address's index on the change chain (`…/1/i`); record
    /// `i + 1` once the payment is sent so the address is never reused.
    pub change_index: u32,
    /// Fee rate used.
    pub fee_rate: FeeRate,
    /// Where the fee rate came from.
    pub fee_rate_source: FeeRateSource,
    /// The request.
    pub request: PaymentRequest,
}

/// A payment the node accepted.
#[derive(Debug, Clone)]
pub struct SentPayment {
    /// Its txid.
    pub txid: Txid,
    /// The signed transaction.
    pub raw: Vec<u8>,
    /// Its virtual size.
    pub vsize: u64,
    /// The node already had it in a block (a broadcast repeated after the
    /// transaction was mined): the payment is made, and not in the mempool.
    pub confirmed: bool,
}

fn check_request(req: &PaymentRequest, params: NetworkParams) -> Result<()> {
    if let Some(r) = req.fee_rate {
        if r > MAX_FEE_RATE && !req.allow_high_fee {
            return Err(Error::input(format!(
                "a fee rate of {} sat/vB is above the {} sat/vB safety cap; nothing was sent (allow a high fee explicitly to pay it)",
                sat_per_vb(r),
                sat_per_vb(MAX_FEE_RATE)
            )));
        }
    }
    let dust = dust_threshold(&req.to.script_pubkey(), params.dust_relay_fee());
    if req.amount < dust {
        return Err(Error::input(format!(
            "{} is below the dust limit ({} sat) for this address; nodes would not relay it",
            format_with_unit(req.amount, params.chain()),
            dust.to_sat()
        )));
    }
    Ok(())
}

/// The fee rate to pay and where it came from.
fn pick_fee_rate(node: &BtcNode, req: &PaymentRequest) -> Result<(FeeRate, FeeRateSource)> {
    if let Some(r) = req.fee_rate {
        return Ok((r, FeeRateSource::Given));
    }
    match node.estimate_fee(6)? {
        Some(r) if r > MAX_FEE_RATE && !req.allow_high_fee => Err(Error::input(format!(
            "the node estimates {:.1} sat/vB, above the {} sat/vB cap; give the fee rate explicitly (and allow a high fee) to pay it anyway",
            sat_per_vb(r),
            sat_per_vb(MAX_FEE_RATE)
        ))),
        Some(r) => Ok((r, FeeRateSource::NodeEstimate)),
        None => Ok((FALLBACK_FEE_RATE, FeeRateSource::Fallback)),
    }
}

/// Scans the wallet's coins, picks the fee rate, selects coins and builds
/// the unsigned PSBT (nothing is signed or sent).
pub fn prepare_payment(
    node: &BtcNode,
    accounts: &[ScanAccount],
    params: NetworkParams,
    master_fingerprint: Fingerprint,
    req: PaymentRequest,
) -> Result<PreparedPayment> {
    check_request(&req, params)?;
    node.check_network(params)?;
    let found = find_coins(node, accounts, params, req.gap.clamp(1, 10_000))?;
    let (rate, source) = pick_fee_rate(node, &req)?;
    let target = Target {
        amount: req.amount,
        payee_weight: script_output_weight(req.to.script_pubkey().len()),
        rate,
        change_kind: req.change_kind,
        dust_relay: params.dust_relay_fee(),
    };
    let mut selection =
        select(&found.coins, &target).map_err(|e| explain_short(e, &found, params))?;
    fetch_previous_transactions(node, &mut selection.coins)?;
    let (change, change_index) = change_output(accounts, &found, &req, params)?;
    let input_pks = selection
        .coins
        .iter()
        .map(|c| coin_key(accounts, c))
        .collect::<Result<Vec<_>>>()?;
    let parts = PsbtParts {
        selection: &selection,
        payee: &req.to,
        amount: req.amount,
        change: &change,
        master_fingerprint,
    };
    let psbt = build_psbt(&parts, &input_pks)?;
    Ok(PreparedPayment {
        psbt,
        selection,
        change,
        change_index,
        fee_rate: rate,
        fee_rate_source: source,
        request: req,
    })
}

/// An insufficient-funds error, completed with the coins the wallet has but
/// cannot spend yet.
fn explain_short(e: Error, found: &WalletCoins, params: NetworkParams) -> Error {
    let Error::InsufficientFunds(mut msg) = e else {
        return e;
    };
    let sum = |c: &[Coin]| c.iter().map(|c| c.value).sum::<Amount>();
    if !found.immature.is_empty() {
        msg.push_str(&format!(
            "; {} more is in coinbase outputs that are not yet mature",
            format_with_unit(sum(&found.immature), params.chain())
        ));
    }
    if !found.spent_in_mempool.is_empty() {
        msg.push_str(&format!(
            "; {} is being spent by a payment not yet mined (its change is usable once it is)",
            format_with_unit(sum(&found.spent_in_mempool), params.chain())
        ));
    }
    Error::InsufficientFunds(msg)
}

/// Every coin but taproot ones gets its previous transaction (so a signer
/// can verify the amount it signs for): from the block that confirmed it,
/// which needs no `-txindex`, else from the node's index or mempool.
fn fetch_previous_transactions(node: &BtcNode, coins: &mut [Coin]) -> Result<()> {
    for c in coins.iter_mut().filter(|c| c.kind != AddressType::P2tr) {
        let block = if c.height > 0 && c.confirmations > 0 {
            node.block_hash(c.height).ok()
        } else {
            None
        };
        let tx = match node.raw_transaction(&c.outpoint.txid, block.as_ref()) {
            Ok(tx) => tx,
            Err(_) if block.is_some() => node.raw_transaction(&c.outpoint.txid, None)?,
            Err(e) => return Err(e),
        };
        c.prev_tx = Some(tx);
    }
    Ok(())
}

/// The first change address the wallet has not handed out.
fn change_output(
    accounts: &[ScanAccount],
    found: &WalletCoins,
    req: &PaymentRequest,
    params: NetworkParams,
) -> Result<(ChangeOutput, u32)> {
    let acct = accounts
        .iter()
        .find(|x| x.kind == req.change_kind)
        .ok_or_else(|| Error::input("no account of the change type to send change to"))?;
    let index = found
        .last_change
        .get(&req.change_kind)
        .map_or(0, |i| i.saturating_add(1))
        .max(acct.next_change);
    let child = ChildIndex::normal(index)?;
    let internal = Keychain::Internal.child();
    let public_key = acct.xpub.derive_child(internal)?.child_public_key(child)?;
    let change = ChangeOutput {
        address: Address::from_public_key(&public_key, req.change_kind, params)?,
        path: acct.path.child(internal)?.child(child)?,
        public_key,
    };
    Ok((change, index))
}

/// The public key of a coin of one of the accounts.
fn coin_key(accounts: &[ScanAccount], c: &Coin) -> Result<crate::key::PublicKey> {
    let acct = accounts
        .iter()
        .find(|x| x.kind == c.kind)
        .ok_or_else(|| Error::Internal("coin without account".into()))?;
    let idx = c.path.indexes();
    let depth = acct.path.indexes().len();
    let (Some(keychain), Some(index)) = (idx.get(depth), idx.get(depth + 1)) else {
        return Err(Error::Internal(
            "coin path without keychain and index".into(),
        ));
    };
    acct.xpub.derive_child(*keychain)?.child_public_key(*index)
}

/// Signs every input with `master`, checks acceptance
/// (`testmempoolaccept` where the node has it), calls `before_send` (where
/// the caller records the change index it takes; an error there stops the
/// payment, nothing sent), sends once and confirms the transaction is in
/// the node's mempool.
pub fn complete_payment(
    node: &BtcNode,
    mut prepared: PreparedPayment,
    master: crate::hd::ExtendedPrivateKey,
    params: NetworkParams,
    before_send: impl FnOnce(&PreparedPayment) -> Result<()>,
) -> Result<SentPayment> {
    let ring = psbt::KeyRing::from_master(master, params, 0)?;
    let opts = psbt::SignOptions {
        network: Some(params),
        ..psbt::SignOptions::default()
    };
    let report = psbt::sign_with(&mut prepared.psbt, &ring, &opts)?;
    drop(ring);
    if report.signed != prepared.selection.coins.len() {
        return Err(Error::Internal(format!(
            "only {} of {} inputs could be signed: {:?}",
            report.signed,
            prepared.selection.coins.len(),
            report.inputs
        )));
    }
    psbt::finalize(&mut prepared.psbt)?;
    let raw = psbt::extract(&prepared.psbt)?;
    broadcast_with(node, &raw, || before_send(&prepared))
}

/// Checks acceptance (`testmempoolaccept` where available), sends once, and
/// confirms the transaction reached the mempool.
pub fn broadcast(node: &BtcNode, raw: &[u8]) -> Result<SentPayment> {
    broadcast_with(node, raw, || Ok(()))
}

fn sent(raw: &[u8], txid: Txid, confirmed: bool) -> Result<SentPayment> {
    Ok(SentPayment {
        txid,
        vsize: payment::vsize_of(raw)?,
        raw: raw.to_vec(),
        confirmed,
    })
}

/// What `testmempoolaccept` says about sending: go on, or the outcome.
fn pre_check(node: &BtcNode, raw: &[u8], txid: Txid) -> Result<Option<SentPayment>> {
    match node.test_mempool_accept(raw) {
        // Older nodes (Core before 22) do not evaluate replacements in
        // testmempoolaccept: a fee bump of a payment in the mempool comes
        // back as a conflict there, and sendrawtransaction decides.
        Ok(Some(reason)) if reason.contains("txn-mempool-conflict") => Ok(None),
        // A retry of a broadcast that did arrive (in the mempool, or mined
        // with its outputs unspent): the payment is made; nothing to send.
        Ok(Some(reason)) if reason.contains("txn-already-in-mempool") => {
            sent(raw, txid, false).map(Some)
        }
        // Its outputs are in the UTXO set: mined.
        Ok(Some(reason)) if reason.contains("txn-already-known") => sent(raw, txid, true).map(Some),
        Ok(Some(reason)) => Err(Error::Rejected(format!(
            "{reason} (testmempoolaccept; nothing was sent)"
        ))),
        Ok(None) | Err(Error::Unsupported(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn broadcast_with(
    node: &BtcNode,
    raw: &[u8],
    before_send: impl FnOnce() -> Result<()>,
) -> Result<SentPayment> {
    let txid = payment::txid_of(raw)?;
    if let Some(done) = pre_check(node, raw, txid)? {
        return Ok(done);
    }
    before_send()?;
    let cause = match node.send_raw(raw) {
        Ok(answered) if answered == txid => None,
        Ok(answered) => Some(Error::BadResponse {
            url: node.rpc().url().to_owned(),
            reason: format!(
                "the node answered txid {answered}, but the transaction's txid is {txid}"
            ),
        }),
        // The request went out and no valid answer came back: the node may
        // have the transaction.
        Err(e @ (Error::Timeout { .. } | Error::BadResponse { .. })) => Some(e),
        // Already mined ("already in block chain"): made, not refused.
        Err(e) if e.rejection_reason() == Some("already_known") => {
            let mined = !matches!(node.in_mempool(&txid), Ok(true));
            return sent(raw, txid, mined);
        }
        Err(e) => return Err(e),
    };
    match cause {
        Some(cause) if matches!(node.in_mempool(&txid), Ok(true)) => {
            drop(cause);
            sent(raw, txid, false)
        }
        Some(cause) => Err(Error::MaybeSent {
            tx: txid.to_string(),
            cause: Box::new(cause),
        }),
        None => confirm_sent(node, raw, txid),
    }
}

/// Some nodes (bcoin) answer a txid even for a rejected transaction: look.
fn confirm_sent(node: &BtcNode, raw: &[u8], txid: Txid) -> Result<SentPayment> {
    match node.wait_in_mempool(&txid, Duration::from_secs(2)) {
        Ok(true) => sent(raw, txid, false),
        // Mined already (or in the meantime)? A node with -txindex still knows it.
        Ok(false) if node.raw_transaction(&txid, None).is_ok() => sent(raw, txid, true),
        Ok(false) => Err(Error::Rejected(format!(
            "the node answered, but transaction {txid} is not in its mempool"
        ))),
        Err(cause) => Err(Error::MaybeSent {
            tx: txid.to_string(),
            cause: Box::new(cause),
        }),
    }
}
