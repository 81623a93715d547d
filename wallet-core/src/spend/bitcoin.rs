//! Bitcoin-family payments from a wallet's coins, over a node: scan the
//! addresses of the spend source (HD accounts, or one key) for coins, pick a
//! fee rate, select coins, build and sign the PSBT, test and broadcast it
//! once. The node is only a chain source ([`crate::rpc::bitcoin::BtcNode`]);
//! the policy lives here.

use crate::bitcoin::amount::{format_with_unit, sat_per_vb};
use crate::bitcoin::coin_selection::{
    dust_threshold, script_output_weight, select, sweep, Coin, Selection, Target,
};
use crate::bitcoin::payment::{self, build_psbt, ChangeOutput, PayTo, PsbtParts, MAX_FEE_RATE};
use crate::bitcoin::{psbt, Address, AddressType, NetworkParams};
use crate::error::{Error, HighFeeRemedy, Result};
use crate::hd::{ChildIndex, DerivationPath, ExtendedPublicKey, Fingerprint, Keychain};
use crate::key::PublicKey;
use crate::rpc::bitcoin::{BtcNode, ScannedOutput, TxOutInfo, COINBASE_MATURITY};
use bitcoin::{Amount, FeeRate, OutPoint, ScriptBuf, Txid};
use std::collections::HashMap;
use std::time::Duration;

mod bump;
mod error;
mod wait;

pub use bump::{prepare_bump, BumpError, BumpRequest, PreparedBump, Replaced};
pub use error::PaymentError;
pub use wait::{wait_for_confirmations, WaitError, WaitFor, WaitProgress};

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

/// What a payment spends from, and so where its coins are found, where its
/// change goes and which origins its PSBT carries.
#[derive(Debug, Clone)]
pub enum SpendSource {
    /// HD accounts: coins on their receive and change chains, change to the
    /// next unused change address, BIP32 origins under the master key.
    Accounts {
        /// The accounts (at most one per address type).
        accounts: Vec<ScanAccount>,
        /// The master key's fingerprint (for the PSBT's BIP32 origins).
        fingerprint: Fingerprint,
    },
    /// One key: coins on its address of every type it has, change back to
    /// its own address of the change type, no BIP32 origins.
    Single(SingleKeySource),
}

/// One key as a spend source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SingleKeySource {
    /// The key.
    pub public_key: PublicKey,
    /// Whether its addresses use the compressed key (an uncompressed key
    /// has only a P2PKH address, of its uncompressed form).
    pub compressed: bool,
}

impl SingleKeySource {
    /// The address types the key has: all four, or P2PKH alone for an
    /// uncompressed key.
    #[must_use]
    pub fn kinds(&self) -> &'static [AddressType] {
        if self.compressed {
            &AddressType::ALL
        } else {
            &[AddressType::P2pkh]
        }
    }

    /// The key's address of type `kind` (an error for a type it lacks).
    pub fn address(&self, kind: AddressType, params: NetworkParams) -> Result<Address> {
        Address::from_key(&self.public_key, self.compressed, kind, params)
    }
}

impl SpendSource {
    /// The master key's fingerprint (`None` for a single key).
    #[must_use]
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        match self {
            SpendSource::Accounts { fingerprint, .. } => Some(*fingerprint),
            SpendSource::Single(_) => None,
        }
    }

    /// The HD accounts (none for a single key).
    #[must_use]
    pub fn accounts(&self) -> &[ScanAccount] {
        match self {
            SpendSource::Accounts { accounts, .. } => accounts,
            SpendSource::Single(_) => &[],
        }
    }

    /// Whether its keys are compressed (all but an uncompressed single key).
    #[must_use]
    pub fn compressed(&self) -> bool {
        !matches!(self, SpendSource::Single(k) if !k.compressed)
    }

    /// The change type: `asked`, else P2WPKH, or P2PKH for an uncompressed
    /// key (its only type).
    #[must_use]
    pub fn change_kind(&self, asked: Option<AddressType>) -> AddressType {
        match (asked, self) {
            (Some(k), _) => k,
            (None, SpendSource::Single(k)) if !k.compressed => AddressType::P2pkh,
            (None, _) => AddressType::P2wpkh,
        }
    }
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

/// The scan of a growing range of every account's addresses (a single
/// key's addresses are all in the first range).
struct Scan<'a> {
    source: &'a SpendSource,
    params: NetworkParams,
    scripts: HashMap<ScriptBuf, Slot>,
    scanned_to: u32,
}

impl Scan<'_> {
    /// `addr(…)` descriptors of indexes `scanned_to..limit` of every chain,
    /// remembering where each script lives.
    fn descriptors(&mut self, limit: u32) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if let SpendSource::Single(key) = self.source {
            if self.scanned_to == 0 {
                for kind in key.kinds() {
                    let addr = key.address(*kind, self.params)?;
                    out.push(format!("addr({addr})"));
                    self.remember(
                        &addr,
                        *kind,
                        DerivationPath::master(),
                        Keychain::External,
                        0,
                    );
                }
            }
        }
        for acct in self.source.accounts() {
            for keychain in [Keychain::External, Keychain::Internal] {
                let branch = acct.xpub.derive_child(keychain.child())?;
                for i in self.scanned_to..limit {
                    let child = ChildIndex::normal(i)?;
                    let pk = branch.child_public_key(child)?;
                    let addr = Address::from_public_key(&pk, acct.kind, self.params)?;
                    out.push(format!("addr({addr})"));
                    let path = acct.path.child(keychain.child())?.child(child)?;
                    self.remember(&addr, acct.kind, path, keychain, i);
                }
            }
        }
        self.scanned_to = limit;
        Ok(out)
    }

    fn remember(
        &mut self,
        addr: &Address,
        kind: AddressType,
        path: DerivationPath,
        keychain: Keychain,
        index: u32,
    ) {
        let slot = Slot {
            kind,
            path,
            keychain,
            index,
        };
        self.scripts
            .insert(ScriptBuf::from_bytes(addr.script_pubkey()), slot);
    }
}

/// Finds the coins of `source` on the node.
pub fn find_coins(
    node: &BtcNode,
    source: &SpendSource,
    params: NetworkParams,
    gap: u32,
) -> Result<WalletCoins> {
    let mut scan = Scan {
        source,
        params,
        scripts: HashMap::new(),
        scanned_to: 0,
    };
    let floor = source
        .accounts()
        .iter()
        .map(|a| a.next_change)
        .max()
        .unwrap_or(0);
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
    classify(node, &scan.scripts, found, (height, source.compressed()))
}

/// Sorts scanned outputs into spendable, immature and already-spent coins.
fn classify(
    node: &BtcNode,
    scripts: &HashMap<ScriptBuf, Slot>,
    found: Vec<ScannedOutput>,
    (height, compressed): (u64, bool),
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
            compressed,
            prev_tx: None,
            // A coin spent in the mempool is still in the UTXO set the
            // scan read: confirmed, at its height.
            confirmations: status.map_or_else(
                || match o.height {
                    0 => 0,
                    h => height.saturating_sub(h) + 1,
                },
                |s| s.confirmations,
            ),
            height: o.height,
        };
        match status {
            None => result.spent_in_mempool.push(coin),
            Some(s) if immature(&s) => result.immature.push(coin),
            Some(_) => result.coins.push(coin),
        }
    }
    Ok(result)
}

fn immature(s: &TxOutInfo) -> bool {
    s.coinbase && s.confirmations < COINBASE_MATURITY
}

/// What one address holds (any address, a wallet's or not), sorted as a
/// wallet's coins are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressCoins {
    /// Spendable coins.
    pub spendable: Amount,
    /// How many spendable coins.
    pub utxos: usize,
    /// Coinbase outputs that are not yet mature.
    pub immature: Amount,
    /// Confirmed coins already spent by a transaction in the node's mempool.
    pub spent_in_mempool: Amount,
    /// Chain height of the scan.
    pub height: u64,
}

/// Scans the node's UTXO set for the coins of `address` (one
/// `scantxoutset`; its network is checked against the node's first).
pub fn address_coins(node: &BtcNode, address: &Address) -> Result<AddressCoins> {
    node.check_network(address.params())?;
    let (height, outs) = node.scan(&[format!("addr({address})")])?;
    let outpoints: Vec<OutPoint> = outs.iter().map(|o| o.outpoint).collect();
    let info = node.txout_info(&outpoints)?;
    let mut r = AddressCoins {
        height,
        ..AddressCoins::default()
    };
    for (o, status) in outs.iter().zip(info) {
        match status {
            None => r.spent_in_mempool += o.value,
            Some(s) if immature(&s) => r.immature += o.value,
            Some(_) => {
                r.spendable += o.value;
                r.utxos += 1;
            }
        }
    }
    Ok(r)
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

/// How much a payee gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayAmount {
    /// This much.
    Exact(Amount),
    /// Everything spendable less the fee, with no change ("send max"; the
    /// payment's only recipient).
    Max,
}

impl PayAmount {
    /// `max`, or an amount on `chain` (see [`crate::bitcoin::amount::parse_amount`]).
    pub fn parse(s: &str, chain: crate::bitcoin::Chain) -> Result<Self> {
        if s.trim().eq_ignore_ascii_case("max") {
            return Ok(PayAmount::Max);
        }
        crate::bitcoin::amount::parse_amount(s, chain).map(PayAmount::Exact)
    }

    /// The amount, unless it is [`PayAmount::Max`].
    #[must_use]
    pub fn exact(self) -> Option<Amount> {
        match self {
            PayAmount::Exact(a) => Some(a),
            PayAmount::Max => None,
        }
    }
}

/// One recipient of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payee {
    /// The address paid.
    pub to: Address,
    /// How much it gets.
    pub amount: PayAmount,
}

/// A payment to make from the wallet's coins.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// The recipients, one output each, in this order (the change output,
    /// when there is one, goes at a random position among them).
    pub payees: Vec<Payee>,
    /// The fee rate; default the node's estimate (6 blocks).
    pub fee_rate: Option<FeeRate>,
    /// Type of the change output (`None`: P2WPKH, or P2PKH for an
    /// uncompressed single key, see [`SpendSource::change_kind`]).
    pub change_kind: Option<AddressType>,
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
    /// What each payee gets, in the request's order.
    pub payees: Vec<PayTo>,
    /// The change output (used when the selection has change).
    pub change: ChangeOutput,
    /// The type of the change output.
    pub change_kind: AddressType,
    /// The change address's index on the change chain (`…/1/i`); record
    /// `i + 1` once the payment is sent so the address is never reused.
    /// `None` for a single key, whose change goes back to its own address.
    pub change_index: Option<u32>,
    /// The master key's fingerprint of an HD source (`None`: a single key,
    /// whose coins and change have no derivation path).
    pub fingerprint: Option<Fingerprint>,
    /// The chain height of the scan that found the coins (the payment is
    /// in no block below it; see [`WaitFor::since`]).
    pub height: u64,
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
        check_fee_cap(r, req.allow_high_fee)?;
    }
    if req.payees.is_empty() {
        return Err(PaymentError::NoPayee.into());
    }
    if req.payees.len() > 1 && req.payees.iter().any(|p| p.amount == PayAmount::Max) {
        return Err(PaymentError::MaxWithOthers(req.payees.len()).into());
    }
    for (i, p) in req.payees.iter().enumerate() {
        if req.payees[..i].iter().any(|q| q.to == p.to) {
            let address = p.to.to_string();
            return Err(PaymentError::DuplicatePayee { address }.into());
        }
        if let Some(amount) = p.amount.exact() {
            check_dust(&p.to, amount, params)?;
        }
    }
    total_of(&req.payees, params).map(|_| ())
}

fn check_dust(to: &Address, amount: Amount, params: NetworkParams) -> Result<()> {
    let dust = dust_threshold(&to.script_pubkey(), params.dust_relay_fee());
    if amount < dust {
        let chain = params.chain();
        return Err(PaymentError::BelowDust {
            amount,
            dust,
            chain,
        }
        .into());
    }
    Ok(())
}

/// Refuses a given fee rate above [`MAX_FEE_RATE`] unless allowed.
fn check_fee_cap(r: FeeRate, allow_high_fee: bool) -> Result<()> {
    if r > MAX_FEE_RATE && !allow_high_fee {
        return Err(Error::HighFee {
            reason: format!(
                "a fee rate of {} sat/vB is above the {} sat/vB safety cap; nothing was sent",
                sat_per_vb(r),
                sat_per_vb(MAX_FEE_RATE)
            ),
            remedy: HighFeeRemedy::Allow,
        });
    }
    Ok(())
}

/// The sum of the exact amounts paid to `payees`.
fn total_of(payees: &[Payee], params: NetworkParams) -> Result<Amount> {
    payees
        .iter()
        .filter_map(|p| p.amount.exact())
        .try_fold(Amount::ZERO, |sum, a| sum.checked_add(a))
        .filter(|t| *t <= crate::bitcoin::amount::MAX_AMOUNT)
        .ok_or_else(|| PaymentError::TooMuch(params.chain()).into())
}

/// The fee rate to pay and where it came from.
fn pick_fee_rate(node: &BtcNode, req: &PaymentRequest) -> Result<(FeeRate, FeeRateSource)> {
    if let Some(r) = req.fee_rate {
        return Ok((r, FeeRateSource::Given));
    }
    match node.estimate_fee(6)? {
        Some(r) if r > MAX_FEE_RATE && !req.allow_high_fee => Err(Error::HighFee {
            reason: format!(
                "the node estimates {:.1} sat/vB, above the {} sat/vB safety cap; nothing was sent",
                sat_per_vb(r),
                sat_per_vb(MAX_FEE_RATE)
            ),
            remedy: HighFeeRemedy::GiveFeeRate,
        }),
        Some(r) => Ok((r, FeeRateSource::NodeEstimate)),
        None => Ok((FALLBACK_FEE_RATE, FeeRateSource::Fallback)),
    }
}

/// Scans the coins of `source`, picks the fee rate, selects coins and
/// builds the unsigned PSBT (nothing is signed or sent).
pub fn prepare_payment(
    node: &BtcNode,
    source: &SpendSource,
    params: NetworkParams,
    req: PaymentRequest,
) -> Result<PreparedPayment> {
    check_request(&req, params)?;
    node.check_network(params)?;
    let found = find_coins(node, source, params, req.gap.clamp(1, 10_000))?;
    let (rate, rate_source) = pick_fee_rate(node, &req)?;
    let change_kind = source.change_kind(req.change_kind);
    let target = Target {
        amount: total_of(&req.payees, params)?,
        payee_weight: req
            .payees
            .iter()
            .map(|p| script_output_weight(p.to.script_pubkey().len()))
            .sum(),
        rate,
        change_kind,
        dust_relay: params.dust_relay_fee(),
        chain: params.chain(),
    };
    let (change, change_index) = change_output(source, &found, change_kind, params)?;
    let max = req.payees.iter().any(|p| p.amount == PayAmount::Max);
    let mut selection = if max {
        sweep(&found.coins, &target)
    } else {
        select(&found.coins, &target)
    }
    .map_err(|e| explain_short(e, &found, params))?;
    let payees = resolve_payees(&req.payees, &selection, params)?;
    fetch_previous_transactions(node, &mut selection.coins)?;
    let input_pks = selection
        .coins
        .iter()
        .map(|c| coin_key(source, c))
        .collect::<Result<Vec<_>>>()?;
    let parts = PsbtParts {
        selection: &selection,
        payees: &payees,
        change: &change,
        master_fingerprint: source.fingerprint(),
    };
    let psbt = build_psbt(&parts, &input_pks)?;
    Ok(PreparedPayment {
        psbt,
        selection,
        payees,
        change,
        change_kind,
        change_index,
        fingerprint: source.fingerprint(),
        height: found.height,
        fee_rate: rate,
        fee_rate_source: rate_source,
        request: req,
    })
}

/// What each payee gets: its amount, or for "max" what the coins hold
/// beyond the fee (which must still be above the dust limit).
fn resolve_payees(
    payees: &[Payee],
    selection: &Selection,
    params: NetworkParams,
) -> Result<Vec<PayTo>> {
    payees
        .iter()
        .map(|p| {
            let amount = match p.amount {
                PayAmount::Exact(a) => a,
                PayAmount::Max => {
                    let left = selection.total().checked_sub(selection.fee);
                    let left =
                        left.ok_or_else(|| Error::Internal("a sweep without value".into()))?;
                    check_dust(&p.to, left, params)?;
                    left
                }
            };
            Ok(PayTo {
                address: p.to.clone(),
                amount,
            })
        })
        .collect()
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

/// Where the change goes: the first change address the wallet has not
/// handed out (and its index), or a single key's own address of `kind`.
fn change_output(
    source: &SpendSource,
    found: &WalletCoins,
    kind: AddressType,
    params: NetworkParams,
) -> Result<(ChangeOutput, Option<u32>)> {
    let accounts = match source {
        SpendSource::Single(key) => {
            let change = ChangeOutput {
                address: key.address(kind, params)?,
                path: DerivationPath::master(),
                public_key: key.public_key,
            };
            return Ok((change, None));
        }
        SpendSource::Accounts { accounts, .. } => accounts,
    };
    let acct = accounts
        .iter()
        .find(|x| x.kind == kind)
        .ok_or_else(|| Error::input("no account of the change type to send change to"))?;
    let index = found
        .last_change
        .get(&kind)
        .map_or(0, |i| i.saturating_add(1))
        .max(acct.next_change);
    let child = ChildIndex::normal(index)?;
    let internal = Keychain::Internal.child();
    let public_key = acct.xpub.derive_child(internal)?.child_public_key(child)?;
    let change = ChangeOutput {
        address: Address::from_public_key(&public_key, kind, params)?,
        path: acct.path.child(internal)?.child(child)?,
        public_key,
    };
    Ok((change, Some(index)))
}

/// The public key of a coin of `source`.
fn coin_key(source: &SpendSource, c: &Coin) -> Result<PublicKey> {
    key_at(source, c.kind, &c.path)
}

/// The public key at `path` of the account of type `kind` (the single key).
fn key_at(source: &SpendSource, kind: AddressType, path: &DerivationPath) -> Result<PublicKey> {
    let accounts = match source {
        SpendSource::Single(key) => return Ok(key.public_key),
        SpendSource::Accounts { accounts, .. } => accounts,
    };
    let acct = accounts
        .iter()
        .find(|x| x.kind == kind)
        .ok_or_else(|| Error::Internal("coin without account".into()))?;
    let idx = path.indexes();
    let depth = acct.path.indexes().len();
    let (Some(keychain), Some(index)) = (idx.get(depth), idx.get(depth + 1)) else {
        return Err(Error::Internal(
            "coin path without keychain and index".into(),
        ));
    };
    acct.xpub.derive_child(*keychain)?.child_public_key(*index)
}

/// Signs every input with `signer` (the master key of the source's
/// accounts, or its single key), checks acceptance (`testmempoolaccept`
/// where the node has it), calls `before_send` (where the caller records
/// the change index it takes; an error there stops the payment, nothing
/// sent), sends once and confirms the transaction is in the node's mempool.
pub fn complete_payment(
    node: &BtcNode,
    mut prepared: PreparedPayment,
    signer: &psbt::KeyRing,
    params: NetworkParams,
    before_send: impl FnOnce(&PreparedPayment) -> Result<()>,
) -> Result<SentPayment> {
    let opts = psbt::SignOptions {
        network: Some(params),
        ..psbt::SignOptions::default()
    };
    let report = psbt::sign_with(&mut prepared.psbt, signer, &opts)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::PrivateKey;

    fn single(compressed: bool) -> SpendSource {
        let key = PrivateKey::from_bytes(&[7u8; 32]).unwrap();
        SpendSource::Single(SingleKeySource {
            public_key: key.public_key(),
            compressed,
        })
    }

    #[test]
    fn a_single_key_spends_from_every_type_it_has() {
        let params = NetworkParams::BITCOIN;
        let SpendSource::Single(c) = single(true) else {
            unreachable!()
        };
        assert_eq!(c.kinds(), &AddressType::ALL);
        let SpendSource::Single(u) = single(false) else {
            unreachable!()
        };
        assert_eq!(u.kinds(), &[AddressType::P2pkh]);
        // The uncompressed key's P2PKH address hashes its 65-byte form.
        let a = u.address(AddressType::P2pkh, params).unwrap();
        assert_ne!(a, c.address(AddressType::P2pkh, params).unwrap());
        let e = u.address(AddressType::P2wpkh, params).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Unsupported);
    }

    #[test]
    fn change_kind_defaults_to_the_key_s_own_type() {
        assert_eq!(single(true).change_kind(None), AddressType::P2wpkh);
        assert_eq!(single(false).change_kind(None), AddressType::P2pkh);
        assert_eq!(
            single(true).change_kind(Some(AddressType::P2tr)),
            AddressType::P2tr
        );
        assert!(single(true).compressed() && !single(false).compressed());
        assert_eq!(single(true).fingerprint(), None);
        assert!(single(true).accounts().is_empty());
    }

    #[test]
    fn a_single_key_s_change_is_its_own_address_and_takes_no_index() {
        let params = NetworkParams::BITCOIN;
        let source = single(true);
        let found = WalletCoins::default();
        let (change, index) =
            change_output(&source, &found, AddressType::P2shP2wpkh, params).unwrap();
        let SpendSource::Single(k) = &source else {
            unreachable!()
        };
        assert_eq!(
            change.address,
            k.address(AddressType::P2shP2wpkh, params).unwrap()
        );
        assert_eq!(index, None);
        let e = change_output(&single(false), &found, AddressType::P2tr, params).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Unsupported);
    }
}
