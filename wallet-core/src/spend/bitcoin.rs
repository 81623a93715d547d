//! Bitcoin-family payments from a wallet's coins, over a node: scan the
//! accounts' addresses for coins, pick a fee rate, select coins, build and
//! sign the PSBT, test and broadcast it once. The node is only a chain
//! source ([`crate::rpc::bitcoin::BtcNode`]); the policy lives here.

use crate::bitcoin::payment::{self, Coin};
use crate::bitcoin::{Address, AddressType, NetworkParams};
use crate::error::{Error, Result};
use crate::hd::{ChildIndex, DerivationPath, ExtendedPublicKey};
use crate::rpc::bitcoin::{BtcNode, ScannedOutput, COINBASE_MATURITY};
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
    change: bool,
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

/// Finds the wallet's coins on the node.
pub fn find_coins(
    node: &BtcNode,
    accounts: &[ScanAccount],
    params: NetworkParams,
    gap: u32,
) -> Result<WalletCoins> {
    let mut scripts: HashMap<Vec<u8>, Slot> = HashMap::new();
    let mut descriptors = Vec::new();
    let floor = accounts.iter().map(|a| a.next_change).max().unwrap_or(0);
    let mut limit = floor.min(100_000).saturating_add(gap.max(1));
    let mut scanned_to = 0u32;
    let mut found: Vec<ScannedOutput> = Vec::new();
    let height;
    loop {
        for acct in accounts {
            for change in [false, true] {
                let branch = acct
                    .xpub
                    .derive_child(ChildIndex::normal(u32::from(change))?)?;
                for i in scanned_to..limit {
                    let pk = branch.child_public_key(ChildIndex::normal(i)?)?;
                    let addr = Address::from_public_key(&pk, acct.kind, params)?;
                    descriptors.push(format!("addr({addr})"));
                    scripts.insert(
                        addr.script_pubkey(),
                        Slot {
                            kind: acct.kind,
                            path: acct
                                .path
                                .child(ChildIndex::normal(u32::from(change))?)?
                                .child(ChildIndex::normal(i)?)?,
                            change,
                            index: i,
                        },
                    );
                }
            }
        }
        let (h, outs) = node.scan(&descriptors)?;
        descriptors.clear();
        let max_index = outs
            .iter()
            .filter_map(|o| scripts.get(&o.script_pubkey).map(|s| s.index))
            .max();
        found.extend(outs);
        scanned_to = limit;
        match max_index {
            Some(m) if m + gap / 2 >= limit && limit < 100_000 => limit += gap.max(1),
            _ => {
                height = h;
                break;
            }
        }
    }
    found.sort_by(|a, b| (&a.txid, a.vout).cmp(&(&b.txid, b.vout)));
    found.dedup_by(|a, b| a.txid == b.txid && a.vout == b.vout);
    let info = node.txout_info(
        &found
            .iter()
            .map(|o| (o.txid.clone(), o.vout))
            .collect::<Vec<_>>(),
    )?;
    let mut result = WalletCoins {
        height,
        ..WalletCoins::default()
    };
    for (o, status) in found.into_iter().zip(info) {
        let Some(slot) = scripts.get(&o.script_pubkey) else {
            continue;
        };
        let (coinbase, confirmations) = status.unwrap_or((false, 0));
        if slot.change {
            let e = result.last_change.entry(slot.kind).or_insert(0);
            *e = (*e).max(slot.index);
        }
        let coin = Coin {
            txid: o.txid,
            vout: o.vout,
            value: o.value,
            script_pubkey: o.script_pubkey,
            kind: slot.kind,
            path: slot.path.clone(),
            prev_tx: None,
            confirmations,
        };
        if status.is_none() {
            result.spent_in_mempool.push(coin);
        } else if coinbase && confirmations < COINBASE_MATURITY {
            result.immature.push(coin);
        } else {
            result.coins.push(coin);
        }
    }
    Ok(result)
}

/// Fee rate used when the node has no estimate (new chains, regtest), sat/vB.
pub const FALLBACK_FEE_RATE: f64 = 2.0;
/// Node estimates above this (sat/vB) are refused unless the rate is given;
/// given rates above it need [`PaymentRequest::allow_high_fee`].
pub const MAX_ESTIMATED_FEE_RATE: f64 = 500.0;

/// A payment to make from the wallet's coins.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// Recipient.
    pub to: Address,
    /// Amount in satoshis.
    pub amount: u64,
    /// Fee rate in sat/vB; default the node's estimate (6 blocks).
    pub fee_rate: Option<f64>,
    /// Type of the change output.
    pub change_kind: AddressType,
    /// Addresses scanned per chain and type.
    pub gap: u32,
    /// Accept a given fee rate above [`MAX_ESTIMATED_FEE_RATE`] (a typo
    /// like `--fee-rate 2000` is refused otherwise).
    pub allow_high_fee: bool,
}

/// A payment ready to show the user and sign.
#[derive(Debug, Clone)]
pub struct PreparedPayment {
    /// The unsigned PSBT.
    pub psbt: bitcoin::psbt::Psbt,
    /// Coins, fee and change.
    pub selection: payment::Selection,
    /// The change output.
    pub change: payment::ChangeOutput,
    /// The change address's index on the change chain (`…/1/i`); record
    /// `i + 1` once the payment is sent so the address is never reused.
    pub change_index: u32,
    /// Fee rate used, sat/vB.
    pub fee_rate: f64,
    /// Where the fee rate came from: `given`, `node_estimate` (the node's
    /// `estimatesmartfee` for 6 blocks) or `fallback` (the node has none).
    pub fee_rate_source: &'static str,
    /// The request.
    pub request: PaymentRequest,
}

/// A payment the node accepted.
#[derive(Debug, Clone)]
pub struct SentPayment {
    /// Its txid.
    pub txid: String,
    /// The signed transaction.
    pub raw: Vec<u8>,
    /// Its virtual size.
    pub vsize: u64,
    /// The node already had it in a block (a broadcast repeated after the
    /// transaction was mined): the payment is made, and not in the mempool.
    pub confirmed: bool,
}

/// Scans the wallet's coins, picks the fee rate, selects coins and builds
/// the unsigned PSBT (nothing is signed or sent).
pub fn prepare_payment(
    node: &BtcNode,
    accounts: &[ScanAccount],
    params: NetworkParams,
    master_fingerprint: crate::hd::Fingerprint,
    req: PaymentRequest,
) -> Result<PreparedPayment> {
    if let Some(r) = req.fee_rate {
        if !(r.is_finite() && r >= 0.0) {
            return Err(Error::input("the fee rate must be a number of sat/vB"));
        }
        if r > MAX_ESTIMATED_FEE_RATE && !req.allow_high_fee {
            return Err(Error::input(format!(
                "a fee rate of {r} sat/vB is above the {MAX_ESTIMATED_FEE_RATE} sat/vB safety cap; nothing was sent (allow it explicitly to pay it)"
            )));
        }
    }
    let dust = payment::dust_threshold(&req.to.script_pubkey(), params.dust_relay_fee());
    if req.amount < dust {
        return Err(Error::input(format!(
            "{} is below the dust limit ({dust} sat) for this address; nodes would not relay it",
            payment::format_coins(req.amount)
        )));
    }
    node.check_network(params)?;
    let found = find_coins(node, accounts, params, req.gap.clamp(1, 10_000))?;
    let (rate, source) = match req.fee_rate {
        Some(r) => (r, "given"),
        None => match node.estimate_fee(6)? {
            Some(r) if r > MAX_ESTIMATED_FEE_RATE => {
                return Err(Error::input(format!(
                    "the node estimates {r:.1} sat/vB, above the {MAX_ESTIMATED_FEE_RATE} sat/vB cap; give the fee rate explicitly to pay it anyway"
                )))
            }
            Some(r) => (r, "node_estimate"),
            None => (FALLBACK_FEE_RATE, "fallback"),
        },
    };
    let payee_weight = payment::script_output_weight(req.to.script_pubkey().len());
    let mut selection = payment::select(
        &found.coins,
        req.amount,
        payee_weight,
        rate,
        req.change_kind,
        params.dust_relay_fee(),
    )
    .map_err(|e| {
        let Error::InsufficientFunds(mut msg) = e else {
            return e;
        };
        if !found.immature.is_empty() {
            msg.push_str(&format!(
                "; {} more is in coinbase outputs that are not yet mature",
                payment::format_coins(found.immature.iter().map(|c| c.value).sum())
            ));
        }
        if !found.spent_in_mempool.is_empty() {
            msg.push_str(&format!(
                "; {} is being spent by a payment not yet mined (its change is usable once it is)",
                payment::format_coins(found.spent_in_mempool.iter().map(|c| c.value).sum())
            ));
        }
        Error::InsufficientFunds(msg)
    })?;
    for c in &mut selection.coins {
        if c.kind == AddressType::P2pkh {
            c.prev_tx = Some(node.raw_transaction(&c.txid)?);
        }
    }
    let change_account = accounts
        .iter()
        .find(|x| x.kind == req.change_kind)
        .ok_or_else(|| Error::input("no account of the change type to send change to"))?;
    let change_index = found
        .last_change
        .get(&req.change_kind)
        .map_or(0, |i| i.saturating_add(1))
        .max(change_account.next_change);
    let change_pk = change_account
        .xpub
        .derive_child(ChildIndex::normal(1)?)?
        .child_public_key(ChildIndex::normal(change_index)?)?;
    let change = payment::ChangeOutput {
        address: Address::from_public_key(&change_pk, req.change_kind, params)?,
        path: change_account
            .path
            .child(ChildIndex::normal(1)?)?
            .child(ChildIndex::normal(change_index)?)?,
    };
    let mut input_pks = Vec::with_capacity(selection.coins.len());
    for c in &selection.coins {
        let acct = accounts
            .iter()
            .find(|x| x.kind == c.kind)
            .ok_or_else(|| Error::Internal("coin without account".into()))?;
        let idx = c.path.indexes();
        input_pks.push(acct.xpub.derive_child(idx[3])?.child_public_key(idx[4])?);
    }
    let psbt = payment::build_psbt(
        &selection,
        &req.to,
        req.amount,
        &change,
        master_fingerprint,
        &change_pk,
        &input_pks,
    )?;
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
    use crate::bitcoin::psbt;
    let ring = psbt::KeyRing::from_master(master, params, 0)?;
    let report = psbt::sign(&mut prepared.psbt, &ring, crate::schnorr::AuxRand::Random)?;
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

fn broadcast_with(
    node: &BtcNode,
    raw: &[u8],
    before_send: impl FnOnce() -> Result<()>,
) -> Result<SentPayment> {
    let txid = payment::txid_of(raw)?;
    let sent = |txid: String, confirmed: bool| -> Result<SentPayment> {
        Ok(SentPayment {
            txid,
            vsize: payment::vsize_of(raw)?,
            raw: raw.to_vec(),
            confirmed,
        })
    };
    match node.test_mempool_accept(raw) {
        // Older nodes (Core before 22) do not evaluate replacements in
        // testmempoolaccept: a fee bump of a payment in the mempool comes
        // back as a conflict there, and sendrawtransaction decides.
        Ok(Some(reason)) if reason.contains("txn-mempool-conflict") => {}
        // A retry of a broadcast that did arrive (in the mempool, or mined
        // with its outputs unspent): the payment is made; nothing to send.
        Ok(Some(reason)) if reason.contains("txn-already-in-mempool") => return sent(txid, false),
        // Its outputs are in the UTXO set: mined.
        Ok(Some(reason)) if reason.contains("txn-already-known") => return sent(txid, true),
        Ok(Some(reason)) => {
            return Err(Error::Rejected(format!(
                "{reason} (testmempoolaccept; nothing was sent)"
            )))
        }
        Ok(None) | Err(Error::Unsupported(_)) => {}
        Err(e) => return Err(e),
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
            return sent(txid, mined);
        }
        Err(e) => return Err(e),
    };
    if let Some(cause) = cause {
        if matches!(node.in_mempool(&txid), Ok(true)) {
            return sent(txid, false);
        }
        return Err(Error::MaybeSent {
            tx: txid,
            cause: Box::new(cause),
        });
    }
    // Some nodes (bcoin) answer a txid even for a rejected transaction.
    match node.wait_in_mempool(&txid, Duration::from_secs(2)) {
        Ok(true) => sent(txid, false),
        // Mined already (or in the meantime)? A node with -txindex still knows it.
        Ok(false)
            if node
                .raw_transaction(&txid)
                .is_ok_and(|r| payment::txid_of(&r).is_ok_and(|t| t == txid)) =>
        {
            sent(txid, true)
        }
        Ok(false) => Err(Error::Rejected(format!(
            "the node answered, but transaction {txid} is not in its mempool"
        ))),
        Err(cause) => Err(Error::MaybeSent {
            tx: txid,
            cause: Box::new(cause),
        }),
    }
}
