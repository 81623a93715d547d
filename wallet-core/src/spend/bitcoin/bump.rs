//! Fee bumps (BIP125 replace-by-fee) of the wallet's own unconfirmed
//! payments: the same inputs and payees, a higher fee taken from the change
//! output, more of the wallet's coins when the change is not enough (or
//! there is none). The new fee satisfies BIP125 rules 3 and 4: at least the
//! fees of everything replaced (the original and its descendants) plus the
//! node's incremental relay fee for the replacement's own size.

use super::{
    change_output, check_fee_cap, fetch_previous_transactions, find_coins, key_at, FeeRateSource,
    PayAmount, Payee, PaymentRequest, PreparedPayment, Scan, Slot, SpendSource, WalletCoins,
};
use crate::bitcoin::amount::{format_with_unit, sat_per_vb};
use crate::bitcoin::coin_selection::{
    dust_limit, fee_for, output_weight, script_output_weight, Coin, Selection,
};
use crate::bitcoin::payment::{build_psbt, ChangeOutput, PayTo, PsbtParts};
use crate::bitcoin::{Address, AddressType, Chain, NetworkParams};
use crate::error::{Error, ErrorKind, Result};
use crate::hd::Keychain;
use crate::rpc::bitcoin::{BtcNode, MempoolEntry};
use bitcoin::{Amount, FeeRate, Transaction, Txid, Weight};
use std::collections::HashMap;

/// A fee bump to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BumpRequest {
    /// The wallet's unconfirmed transaction to replace.
    pub txid: Txid,
    /// The replacement's fee rate (above the original's).
    pub fee_rate: FeeRate,
    /// Accept a fee rate above the safety cap.
    pub allow_high_fee: bool,
    /// Addresses scanned per chain and type.
    pub gap: u32,
}

/// The transaction a bump replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    /// Its txid.
    pub txid: Txid,
    /// Its fee.
    pub fee: Amount,
    /// Its virtual size.
    pub vsize: u64,
    /// The fees of it and of its descendants in the mempool (all evicted
    /// by the replacement).
    pub replaced_fees: Amount,
    /// How many transactions that is (itself included).
    pub replaced_count: u64,
}

impl Replaced {
    /// Its fee rate.
    #[must_use]
    pub fn fee_rate(&self) -> FeeRate {
        FeeRate::from_sat_per_kwu(self.fee.to_sat() * 250 / self.vsize.max(1))
    }
}

/// A replacement ready to show the user and sign.
#[derive(Debug, Clone)]
pub struct PreparedBump {
    /// The replacement, as a payment.
    pub payment: PreparedPayment,
    /// What it replaces.
    pub replaces: Replaced,
    /// The smallest fee BIP125 allows for it (rules 3 and 4).
    pub min_fee: Amount,
    /// How many of the wallet's coins it adds to the original's inputs.
    pub added_inputs: usize,
}

/// Why a transaction cannot be bumped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BumpError {
    /// Already in a block.
    #[error("transaction {0} is already confirmed: there is nothing to bump")]
    Confirmed(Txid),
    /// Not in the node's mempool, and not known otherwise.
    #[error("transaction {0} is not in the node's mempool: it was mined (ask a node with -txindex to be sure), replaced or evicted, or never reached this node")]
    NotInMempool(Txid),
    /// None of its inputs signals BIP125 replaceability.
    #[error("transaction {0} does not signal replace-by-fee (BIP125: every input's sequence is final), so nodes would not replace it")]
    NotReplaceable(Txid),
    /// An input that is not one of the wallet's coins.
    #[error("input {input} of transaction {txid} is not one of this wallet's coins: only the wallet's own transactions can be bumped")]
    NotOurs {
        /// The transaction.
        txid: Txid,
        /// The input's index.
        input: usize,
    },
    /// An output with no address (the wallet makes none).
    #[error("output {output} of transaction {txid} pays a script without an address; the wallet did not make it")]
    OutputWithoutAddress {
        /// The transaction.
        txid: Txid,
        /// The output's index.
        output: usize,
    },
    /// The new rate does not beat the old one.
    #[error("transaction {txid} already pays {:.1} sat/vB; a replacement must pay more than that (you asked {:.1})", sat_per_vb(*.old), sat_per_vb(*.new))]
    RateNotHigher {
        /// The transaction.
        txid: Txid,
        /// Its rate.
        old: FeeRate,
        /// The rate asked.
        new: FeeRate,
    },
    /// No change to take the fee from, and no other coin to add.
    #[error("transaction {txid} has no change to pay {} more fee from, and the wallet has no other spendable coin to add", format_with_unit(*.needed, *.chain))]
    NoFunds {
        /// The transaction.
        txid: Txid,
        /// The extra fee still missing.
        needed: Amount,
        /// The chain (for the unit).
        chain: Chain,
    },
}

impl BumpError {
    /// [`ErrorKind::InsufficientFunds`] for [`BumpError::NoFunds`], else
    /// [`ErrorKind::InvalidInput`].
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            BumpError::NoFunds { .. } => ErrorKind::InsufficientFunds,
            _ => ErrorKind::InvalidInput,
        }
    }
}

impl From<BumpError> for Error {
    fn from(e: BumpError) -> Self {
        match e.kind() {
            ErrorKind::InsufficientFunds => Error::InsufficientFunds(e.to_string()),
            _ => Error::InvalidInput(e.to_string()),
        }
    }
}

/// Finds the wallet's unconfirmed transaction `req.txid`, checks it can be
/// replaced, and builds the unsigned replacement (nothing is signed or
/// sent). Its change keeps the original's address; a change output it
/// adds takes the next change address (recorded when it is sent).
pub fn prepare_bump(
    node: &BtcNode,
    source: &SpendSource,
    params: NetworkParams,
    req: &BumpRequest,
) -> Result<PreparedBump> {
    check_fee_cap(req.fee_rate, req.allow_high_fee)?;
    node.check_network(params)?;
    let (tx, entry) = original(node, req.txid)?;
    let found = find_coins(node, source, params, req.gap.clamp(1, 10_000))?;
    let inputs = own_inputs(&tx, &found)?;
    let change_at = own_change(source, params, &tx, &found, req.gap)?;
    let payees = payees(&tx, change_at.as_ref().map(|c| c.0), params)?;
    let replaces = replaced(&tx, &inputs, &entry)?;
    if req.fee_rate <= replaces.fee_rate() {
        let (old, new, txid) = (replaces.fee_rate(), req.fee_rate, req.txid);
        return Err(BumpError::RateNotHigher { txid, old, new }.into());
    }
    let (change, change_index, change_kind) = match &change_at {
        Some((_, c, kind)) => (c.clone(), None, *kind),
        None => {
            let kind = source.change_kind(None);
            let (c, i) = change_output(source, &found, kind, params)?;
            (c, i, kind)
        }
    };
    let rules = Rules {
        payees: &payees,
        rate: req.fee_rate,
        incremental: node.incremental_relay_fee()?,
        replaced: replaces.replaced_fees,
        change_kind,
        dust: dust_limit(change_kind, params.dust_relay_fee()),
    };
    let n = inputs.len();
    let (mut selection, min_fee) = rebuild(inputs, &found.coins, &rules).map_err(|needed| {
        let (txid, chain) = (req.txid, params.chain());
        BumpError::NoFunds {
            txid,
            needed,
            chain,
        }
    })?;
    fetch_previous_transactions(node, &mut selection.coins)?;
    let payment = replacement(
        source,
        selection,
        payees,
        (change, change_index, change_kind),
        req,
        &found,
    )?;
    Ok(PreparedBump {
        added_inputs: payment.selection.coins.len() - n,
        payment,
        replaces,
        min_fee,
    })
}

/// The transaction and its mempool entry; why it cannot be bumped if it
/// is not in the mempool or does not signal replaceability.
fn original(node: &BtcNode, txid: Txid) -> Result<(Transaction, MempoolEntry)> {
    let Some(entry) = node.mempool_entry(&txid)? else {
        return Err(match node.raw_transaction(&txid, None) {
            Ok(_) => BumpError::Confirmed(txid),
            Err(_) => BumpError::NotInMempool(txid),
        }
        .into());
    };
    let tx = node.raw_transaction(&txid, None)?;
    if !tx.input.iter().any(|i| i.sequence.is_rbf()) {
        return Err(BumpError::NotReplaceable(txid).into());
    }
    Ok((tx, entry))
}

/// The wallet's coins the transaction spends (all its inputs must be).
fn own_inputs(tx: &Transaction, found: &WalletCoins) -> Result<Vec<Coin>> {
    let txid = tx.compute_txid();
    tx.input
        .iter()
        .enumerate()
        .map(|(input, i)| {
            found
                .spent_in_mempool
                .iter()
                .find(|c| c.outpoint == i.previous_output)
                .cloned()
                .ok_or_else(|| BumpError::NotOurs { txid, input }.into())
        })
        .collect()
}

/// The transaction's change output, if one pays the wallet's change
/// chain (a single key: its own address): its index, the output as
/// change, and its type.
fn own_change(
    source: &SpendSource,
    params: NetworkParams,
    tx: &Transaction,
    found: &WalletCoins,
    gap: u32,
) -> Result<Option<(usize, ChangeOutput, AddressType)>> {
    let used = found
        .last_change
        .values()
        .max()
        .map_or(0, |i| i.saturating_add(1));
    let floor = source
        .accounts()
        .iter()
        .map(|a| a.next_change)
        .max()
        .unwrap_or(0);
    let mut scan = Scan {
        source,
        params,
        scripts: HashMap::new(),
        scanned_to: 0,
    };
    scan.descriptors(
        used.max(floor)
            .min(100_000)
            .saturating_add(gap.clamp(1, 10_000)),
    )?;
    let is_change =
        |s: &Slot| matches!(source, SpendSource::Single(_)) || s.keychain == Keychain::Internal;
    for (i, out) in tx.output.iter().enumerate() {
        let Some(slot) = scan
            .scripts
            .get(&out.script_pubkey)
            .filter(|s| is_change(s))
        else {
            continue;
        };
        let address = Address::from_script(out.script_pubkey.as_bytes(), params)
            .ok_or_else(|| Error::Internal("a change script without an address".into()))?;
        let change = ChangeOutput {
            address,
            path: slot.path.clone(),
            public_key: key_at(source, slot.kind, &slot.path)?,
        };
        return Ok(Some((i, change, slot.kind)));
    }
    Ok(None)
}

/// Every output but the change, as payees in their order.
fn payees(tx: &Transaction, change: Option<usize>, params: NetworkParams) -> Result<Vec<PayTo>> {
    let txid = tx.compute_txid();
    tx.output
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != change)
        .map(|(output, o)| {
            let address = Address::from_script(o.script_pubkey.as_bytes(), params)
                .ok_or(BumpError::OutputWithoutAddress { txid, output })?;
            Ok(PayTo {
                address,
                amount: o.value,
            })
        })
        .collect()
}

/// The original's fee, size and what replacing it evicts.
fn replaced(tx: &Transaction, inputs: &[Coin], entry: &MempoolEntry) -> Result<Replaced> {
    let ins: Amount = inputs.iter().map(|c| c.value).sum();
    let outs: Amount = tx.output.iter().map(|o| o.value).sum();
    let fee = ins
        .checked_sub(outs)
        .ok_or_else(|| Error::Internal("a transaction paying out more than its inputs".into()))?;
    Ok(Replaced {
        txid: tx.compute_txid(),
        fee,
        vsize: entry.vsize,
        replaced_fees: entry.descendant_fees.max(fee),
        replaced_count: entry.descendant_count,
    })
}

/// What a replacement must pay, and to whom.
struct Rules<'a> {
    payees: &'a [PayTo],
    rate: FeeRate,
    incremental: FeeRate,
    replaced: Amount,
    change_kind: AddressType,
    dust: Amount,
}

impl Rules<'_> {
    /// The fee for `weight`: the rate asked, and at least everything
    /// replaced plus the incremental relay fee for this size (BIP125 rules
    /// 3 and 4).
    fn fee(&self, weight: Weight) -> Amount {
        let bip125 = self.replaced + fee_for(weight, self.incremental);
        fee_for(weight, self.rate).max(bip125)
    }
}

/// The replacement's coins (the original's, then the largest of `spare`
/// as needed), fee and change, and the BIP125 minimum fee; the fee still
/// missing when even every spare coin is not enough.
fn rebuild(
    mut coins: Vec<Coin>,
    spare: &[Coin],
    r: &Rules<'_>,
) -> std::result::Result<(Selection, Amount), Amount> {
    let paid: Amount = r.payees.iter().map(|p| p.amount).sum();
    let outputs: Weight = r
        .payees
        .iter()
        .map(|p| script_output_weight(p.address.script_pubkey().len()))
        .sum();
    let mut spare: Vec<&Coin> = spare
        .iter()
        .filter(|c| c.value > fee_for(c.input_weight(), r.rate))
        .collect();
    spare.sort_by(|a, b| b.value.cmp(&a.value).then(a.outpoint.cmp(&b.outpoint)));
    let mut spare = spare.into_iter();
    loop {
        let segwit = coins.iter().any(|c| c.kind != AddressType::P2pkh);
        let inputs: Weight = coins.iter().map(Coin::input_weight).sum();
        let bare = Weight::from_wu(4 * 10 + if segwit { 2 } else { 0 }) + outputs + inputs;
        let with_change = bare + output_weight(r.change_kind);
        let total: Amount = coins.iter().map(|c| c.value).sum();
        let left = total.checked_sub(paid).unwrap_or(Amount::ZERO);
        if let Some(change) = left
            .checked_sub(r.fee(with_change))
            .filter(|c| *c >= r.dust)
        {
            let fee = r.fee(with_change);
            let s = Selection {
                coins,
                change: Some(change),
                fee,
                weight: with_change,
            };
            return Ok((s, r.fee(with_change)));
        }
        if left >= r.fee(bare) {
            let s = Selection {
                coins,
                change: None,
                fee: left,
                weight: bare,
            };
            return Ok((s, r.fee(bare)));
        }
        match spare.next() {
            Some(c) => coins.push(c.clone()),
            None => return Err(r.fee(bare) - left),
        }
    }
}

/// The replacement as a payment: its PSBT, with the original's payees.
fn replacement(
    source: &SpendSource,
    selection: Selection,
    payees: Vec<PayTo>,
    (change, change_index, change_kind): (ChangeOutput, Option<u32>, AddressType),
    req: &BumpRequest,
    found: &WalletCoins,
) -> Result<PreparedPayment> {
    let keys = selection
        .coins
        .iter()
        .map(|c| key_at(source, c.kind, &c.path))
        .collect::<Result<Vec<_>>>()?;
    let parts = PsbtParts {
        selection: &selection,
        payees: &payees,
        change: &change,
        master_fingerprint: source.fingerprint(),
    };
    let psbt = build_psbt(&parts, &keys)?;
    let request = PaymentRequest {
        payees: payees
            .iter()
            .map(|p| Payee {
                to: p.address.clone(),
                amount: PayAmount::Exact(p.amount),
            })
            .collect(),
        fee_rate: Some(req.fee_rate),
        change_kind: Some(change_kind),
        gap: req.gap,
        allow_high_fee: req.allow_high_fee,
    };
    Ok(PreparedPayment {
        psbt,
        selection,
        payees,
        change,
        change_kind,
        change_index,
        fingerprint: source.fingerprint(),
        height: found.height,
        fee_rate: req.fee_rate,
        fee_rate_source: FeeRateSource::Given,
        request,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hd::DerivationPath;
    use bitcoin::hashes::Hash;
    use bitcoin::{OutPoint, ScriptBuf};

    fn coin(value: u64, n: u8) -> Coin {
        Coin {
            outpoint: OutPoint::new(Txid::from_byte_array([n; 32]), 0),
            value: Amount::from_sat(value),
            script_pubkey: ScriptBuf::new(),
            kind: AddressType::P2wpkh,
            path: DerivationPath::master(),
            compressed: true,
            prev_tx: None,
            confirmations: 1,
            height: 1,
        }
    }

    fn payee(value: u64) -> PayTo {
        let key = crate::key::PrivateKey::from_bytes(&[3; 32]).unwrap();
        let p = NetworkParams::BITCOIN;
        PayTo {
            address: Address::from_public_key(&key.public_key(), AddressType::P2wpkh, p).unwrap(),
            amount: Amount::from_sat(value),
        }
    }

    fn rules(payees: &[PayTo], rate: u32, replaced: u64) -> Rules<'_> {
        Rules {
            payees,
            rate: FeeRate::from_sat_per_vb_u32(rate),
            incremental: FeeRate::from_sat_per_vb_u32(1),
            replaced: Amount::from_sat(replaced),
            change_kind: AddressType::P2wpkh,
            dust: Amount::from_sat(294),
        }
    }

    #[test]
    fn the_fee_comes_from_the_change_at_the_rate_or_the_bip125_minimum() {
        let payees = [payee(50_000)];
        // The rate decides: 10 sat/vB is more than 1,000 + 1 sat/vB.
        let (s, min) = rebuild(vec![coin(100_000, 1)], &[], &rules(&payees, 10, 1_000)).unwrap();
        let vsize = s.weight.to_vbytes_ceil();
        assert_eq!(s.fee.to_sat(), 10 * vsize);
        assert_eq!(min, s.fee);
        assert_eq!(s.change, Some(Amount::from_sat(50_000) - s.fee));
        // Rules 3 and 4 decide: everything replaced plus 1 sat/vB.
        let (s, _) = rebuild(vec![coin(100_000, 1)], &[], &rules(&payees, 2, 5_000)).unwrap();
        assert_eq!(s.fee.to_sat(), 5_000 + s.weight.to_vbytes_ceil());
    }

    #[test]
    fn more_coins_come_in_when_the_change_is_not_enough() {
        let payees = [payee(59_500)];
        let spare = [coin(1_000, 2), coin(30_000, 3), coin(400, 4)];
        let (s, _) = rebuild(vec![coin(60_000, 1)], &spare, &rules(&payees, 10, 300)).unwrap();
        // The largest spare coin; the one worth less than its fee never.
        assert_eq!(s.coins.len(), 2);
        assert_eq!(s.coins[1].value.to_sat(), 30_000);
        assert!(s.change.is_some());
        assert_eq!(
            s.total(),
            Amount::from_sat(59_500) + s.fee + s.change.unwrap()
        );
        // Nothing to add: what is missing.
        let missing = rebuild(vec![coin(60_000, 1)], &spare[2..], &rules(&payees, 10, 300));
        assert!(missing.unwrap_err() > Amount::ZERO);
    }

    #[test]
    fn errors_say_why_and_keep_their_kind() {
        let txid = Txid::from_byte_array([9; 32]);
        let rate = FeeRate::from_sat_per_vb_u32;
        let cases = [
            (BumpError::Confirmed(txid), "already confirmed"),
            (BumpError::NotInMempool(txid), "not in the node's mempool"),
            (BumpError::NotReplaceable(txid), "does not signal"),
            (BumpError::NotOurs { txid, input: 1 }, "input 1 of"),
            (
                BumpError::OutputWithoutAddress { txid, output: 2 },
                "output 2 of",
            ),
            (
                BumpError::RateNotHigher {
                    txid,
                    old: rate(5),
                    new: rate(4),
                },
                "already pays 5.0 sat/vB",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
            assert!(e.to_string().contains(want), "{e}");
            let core: Error = e.into();
            assert_eq!(core.kind(), ErrorKind::InvalidInput);
        }
        let e = BumpError::NoFunds {
            txid,
            needed: Amount::from_sat(1_500),
            chain: Chain::Litecoin,
        };
        assert_eq!(e.kind(), ErrorKind::InsufficientFunds);
        assert!(e.to_string().contains("0.000015 LTC"), "{e}");
        assert_eq!(Error::from(e).kind(), ErrorKind::InsufficientFunds);
    }

    #[test]
    fn the_replaced_rate_is_its_fee_over_its_size() {
        let r = Replaced {
            txid: Txid::from_byte_array([1; 32]),
            fee: Amount::from_sat(1_410),
            vsize: 141,
            replaced_fees: Amount::from_sat(1_410),
            replaced_count: 1,
        };
        assert_eq!(sat_per_vb(r.fee_rate()), 10.0);
    }
}
