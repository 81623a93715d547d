//! Coin selection: size estimates, dust limits, branch-and-bound with a
//! largest-first fallback, change only when it is worth more than dust.
//! Amounts are `Amount`s, rates `FeeRate`s, sizes `Weight`s.

use super::address::AddressType;
use super::amount::format_with_unit;
use super::network::Chain;
use crate::error::{Error, Result};
use crate::hd::DerivationPath;
use bitcoin::{Amount, FeeRate, OutPoint, ScriptBuf, Transaction, Weight};

/// The weight of spending one input of `kind`, signatures at their largest
/// DER size.
#[must_use]
pub const fn input_weight(kind: AddressType) -> Weight {
    Weight::from_wu(match kind {
        // 36 outpoint + 4 sequence + 1 + (1+73 sig + 1+33 key)
        AddressType::P2pkh => 4 * (36 + 4 + 1 + 108),
        // non-witness 36+4+1+23, witness 1 + 1+73 + 1+33
        AddressType::P2shP2wpkh => 4 * (36 + 4 + 1 + 23) + 109,
        AddressType::P2wpkh => 4 * (36 + 4 + 1) + 109,
        // witness 1 + 1+65 (a non-default sighash adds one byte)
        AddressType::P2tr => 4 * (36 + 4 + 1) + 67,
    })
}

/// The length of the scriptPubKey of an address of `kind`.
#[must_use]
pub const fn script_len(kind: AddressType) -> u64 {
    match kind {
        AddressType::P2pkh => 25,
        AddressType::P2shP2wpkh => 23,
        AddressType::P2wpkh => 22,
        AddressType::P2tr => 34,
    }
}

/// The weight of an output paying to `kind`.
#[must_use]
pub const fn output_weight(kind: AddressType) -> Weight {
    Weight::from_wu(4 * (8 + 1 + script_len(kind)))
}

/// The weight of an output paying to a script of `script_len` bytes.
#[must_use]
pub fn script_output_weight(script_len: usize) -> Weight {
    Weight::from_wu(4 * (8 + 1 + script_len as u64))
}

/// Outputs below this are not relayed by nodes whose dust relay fee is
/// `relay_fee`: Bitcoin Core's `GetDustThreshold`, the cost of creating the
/// output and spending it later (67 vbytes for a witness program, 148 otherwise).
#[must_use]
pub fn dust_threshold(script_pubkey: &[u8], relay_fee: FeeRate) -> Amount {
    dust_for(
        script_pubkey.len() as u64,
        is_witness_program(script_pubkey),
        relay_fee,
    )
}

/// The dust limit of an output of `kind` at `relay_fee` (Bitcoin at 3
/// sat/vB: 546 P2PKH, 540 P2SH, 294 P2WPKH, 330 P2TR; Litecoin ten times that).
#[must_use]
pub fn dust_limit(kind: AddressType, relay_fee: FeeRate) -> Amount {
    let witness = matches!(kind, AddressType::P2wpkh | AddressType::P2tr);
    dust_for(script_len(kind), witness, relay_fee)
}

/// Core's `GetDustThreshold`, in its integer arithmetic (sat per 1000 vbytes).
fn dust_for(script_len: u64, witness: bool, relay_fee: FeeRate) -> Amount {
    let compact = match script_len {
        0..=0xfc => 1,
        0xfd..=0xffff => 3,
        _ => 5,
    };
    let spend = if witness {
        32 + 4 + 1 + 107 / 4 + 4
    } else {
        32 + 4 + 1 + 107 + 4
    };
    let per_kvb = relay_fee.to_sat_per_kwu() * 4;
    Amount::from_sat((8 + compact + script_len + spend) * per_kvb / 1000)
}

fn is_witness_program(script: &[u8]) -> bool {
    (4..=42).contains(&script.len())
        && (script[0] == 0 || (0x51..=0x60).contains(&script[0]))
        && usize::from(script[1]) + 2 == script.len()
}

/// The fee of `weight` at `rate`, over whole vbytes (as nodes count them).
#[must_use]
pub fn fee_for(weight: Weight, rate: FeeRate) -> Amount {
    rate.fee_vb(weight.to_vbytes_ceil())
        .unwrap_or(Amount::MAX_MONEY)
}

/// A coin the wallet can spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coin {
    /// Where it is.
    pub outpoint: OutPoint,
    /// Its value.
    pub value: Amount,
    /// The script it pays to.
    pub script_pubkey: ScriptBuf,
    /// Its address type.
    pub kind: AddressType,
    /// Full derivation path of its key (empty for a single key).
    pub path: DerivationPath,
    /// Whether its key is compressed (a P2PKH input of an uncompressed key
    /// carries 32 more bytes).
    pub compressed: bool,
    /// The transaction that created it (every coin but taproot ones needs
    /// it in the PSBT, so that signers can verify its amount).
    pub prev_tx: Option<Transaction>,
    /// Confirmations (0 = in the mempool).
    pub confirmations: u64,
    /// The height of the block that confirmed it (0: unknown).
    pub height: u64,
}

impl Coin {
    /// The weight of spending it (see [`input_weight`]).
    #[must_use]
    pub fn input_weight(&self) -> Weight {
        let extra = if self.compressed { 0 } else { 4 * 32 };
        input_weight(self.kind) + Weight::from_wu(extra)
    }
}

/// The chosen coins and what is left for change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Coins to spend.
    pub coins: Vec<Coin>,
    /// The change, if any (dust change is left to the fee).
    pub change: Option<Amount>,
    /// The fee.
    pub fee: Amount,
    /// The estimated weight of the signed transaction.
    pub weight: Weight,
}

impl Selection {
    /// The estimated virtual size in vbytes.
    #[must_use]
    pub fn vsize(&self) -> u64 {
        self.weight.to_vbytes_ceil()
    }

    /// The total value of the coins.
    #[must_use]
    pub fn total(&self) -> Amount {
        self.coins.iter().map(|c| c.value).sum()
    }
}

/// What a payment needs from a selection.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The amount paid.
    pub amount: Amount,
    /// The weight of the payee's output.
    pub payee_weight: Weight,
    /// The fee rate.
    pub rate: FeeRate,
    /// The type of a change output.
    pub change_kind: AddressType,
    /// The chain's dust relay fee.
    pub dust_relay: FeeRate,
    /// The chain, whose unit the amounts in errors carry.
    pub chain: Chain,
}

/// Selects coins for `t`. Branch-and-bound looks for a set that needs no
/// change (within the cost of creating one); otherwise the largest coins are
/// used and change is added unless it would be dust.
pub fn select(coins: &[Coin], t: &Target) -> Result<Selection> {
    let segwit = coins.iter().any(|c| c.kind != AddressType::P2pkh);
    let base = Weight::from_wu(4 * 10 + if segwit { 2 } else { 0 }) + t.payee_weight;
    let eff =
        |c: &Coin| c.value.to_sat() as i64 - fee_for(c.input_weight(), t.rate).to_sat() as i64;
    let mut usable: Vec<(&Coin, i64)> = coins
        .iter()
        .map(|c| (c, eff(c)))
        .filter(|(_, e)| *e > 0)
        .collect();
    usable.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.outpoint.cmp(&b.0.outpoint)));
    let target = t.amount.to_sat() as i64 + fee_for(base, t.rate).to_sat() as i64;
    if usable.iter().map(|(_, e)| *e).sum::<i64>() < target {
        return Err(short_of(coins, t));
    }
    let finish = |chosen: Vec<&Coin>, with_change: bool| finish(chosen, with_change, base, t);
    let change_w = output_weight(t.change_kind);
    let cost_of_change = fee_for(change_w, t.rate) + fee_for(input_weight(t.change_kind), t.rate);
    if let Some(set) = branch_and_bound(&usable, target, cost_of_change.to_sat() as i64) {
        return finish(set, false);
    }
    // Largest first until the payment, the fee and a change output are covered.
    let with_change_target = target + fee_for(change_w, t.rate).to_sat() as i64;
    let mut chosen = Vec::new();
    let mut acc = 0i64;
    for (c, e) in &usable {
        chosen.push(*c);
        acc += e;
        if acc >= with_change_target {
            return finish(chosen, true);
        }
    }
    finish(chosen, false)
}

/// Spends every coin worth more than the fee of spending it, with no change
/// ("send max"): the payee gets the total less the fee. `t.amount` and the
/// change type are not used.
pub fn sweep(coins: &[Coin], t: &Target) -> Result<Selection> {
    let chosen: Vec<&Coin> = coins
        .iter()
        .filter(|c| c.value > fee_for(c.input_weight(), t.rate))
        .collect();
    let segwit = chosen.iter().any(|c| c.kind != AddressType::P2pkh);
    let base = Weight::from_wu(4 * 10 + if segwit { 2 } else { 0 }) + t.payee_weight;
    let weight = base + chosen.iter().map(|c| c.input_weight()).sum();
    let fee = fee_for(weight, t.rate);
    let total: Amount = chosen.iter().map(|c| c.value).sum();
    if chosen.is_empty() || total <= fee {
        return Err(Error::InsufficientFunds(format!(
            "the wallet has {} spendable in {} coins, not more than the fee of spending them at {} sat/vB",
            format_with_unit(coins.iter().map(|c| c.value).sum(), t.chain),
            coins.len(),
            super::amount::sat_per_vb(t.rate)
        )));
    }
    Ok(Selection {
        coins: chosen.into_iter().cloned().collect(),
        change: None,
        fee,
        weight,
    })
}

fn short_of(coins: &[Coin], t: &Target) -> Error {
    let have: Amount = coins.iter().map(|c| c.value).sum();
    Error::InsufficientFunds(format!(
        "the wallet has {} spendable in {} coins; paying {} plus the fee at {} sat/vB needs more",
        format_with_unit(have, t.chain),
        coins.len(),
        format_with_unit(t.amount, t.chain),
        super::amount::sat_per_vb(t.rate)
    ))
}

/// The selection of `chosen`, with change when asked and not dust.
fn finish(chosen: Vec<&Coin>, with_change: bool, base: Weight, t: &Target) -> Result<Selection> {
    let in_weight: Weight = chosen.iter().map(|c| c.input_weight()).sum();
    let total: Amount = chosen.iter().map(|c| c.value).sum();
    let no_change = base + in_weight;
    let coins: Vec<Coin> = chosen.into_iter().cloned().collect();
    let left = total.checked_sub(t.amount).ok_or_else(|| {
        Error::InsufficientFunds("not enough to pay the amount and the fee".into())
    })?;
    if with_change {
        let weight = no_change + output_weight(t.change_kind);
        let fee = fee_for(weight, t.rate);
        if let Some(change) = left.checked_sub(fee) {
            if change >= dust_limit(t.change_kind, t.dust_relay) {
                return Ok(Selection {
                    coins,
                    change: Some(change),
                    fee,
                    weight,
                });
            }
        }
    }
    if left < fee_for(no_change, t.rate) {
        return Err(Error::InsufficientFunds(
            "not enough to pay the amount and the fee".into(),
        ));
    }
    Ok(Selection {
        coins,
        change: None,
        fee: left,
        weight: no_change,
    })
}

/// Depth-first search for a subset whose effective value is in
/// `[target, target + tolerance]` (Bitcoin Core's BnB, bounded).
fn branch_and_bound<'a>(
    coins: &[(&'a Coin, i64)],
    target: i64,
    tolerance: i64,
) -> Option<Vec<&'a Coin>> {
    let values: Vec<i64> = coins.iter().map(|(_, e)| *e).collect();
    let mut suffix = vec![0i64; values.len() + 1];
    for i in (0..values.len()).rev() {
        suffix[i] = suffix[i + 1] + values[i];
    }
    let mut search = Bnb {
        values: &values,
        suffix: &suffix,
        target,
        tolerance,
        stack: Vec::new(),
        best: None,
        tries: 0,
    };
    search.walk(0, 0);
    search
        .best
        .map(|(_, idx)| idx.into_iter().map(|i| coins[i].0).collect())
}

struct Bnb<'v> {
    values: &'v [i64],
    suffix: &'v [i64],
    target: i64,
    tolerance: i64,
    stack: Vec<usize>,
    best: Option<(i64, Vec<usize>)>,
    tries: u32,
}

impl Bnb<'_> {
    fn walk(&mut self, i: usize, sum: i64) {
        self.tries += 1;
        if self.tries > 100_000
            || sum > self.target + self.tolerance
            || sum + self.suffix[i] < self.target
        {
            return;
        }
        if sum >= self.target {
            let waste = sum - self.target;
            if self.best.as_ref().is_none_or(|(w, _)| waste < *w) {
                self.best = Some((waste, self.stack.clone()));
            }
            return;
        }
        if i == self.values.len() {
            return;
        }
        self.stack.push(i);
        self.walk(i + 1, sum + self.values[i]);
        self.stack.pop();
        if self.best.as_ref().is_some_and(|(w, _)| *w == 0) {
            return;
        }
        self.walk(i + 1, sum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;

    const BTC_DUST: FeeRate = FeeRate::from_sat_per_kwu(750);
    const LTC_DUST: FeeRate = FeeRate::from_sat_per_kwu(7_500);

    fn rate(sat_vb: u64) -> FeeRate {
        FeeRate::from_sat_per_vb_u32(sat_vb as u32)
    }

    fn coin(value: u64, kind: AddressType, n: u8) -> Coin {
        Coin {
            outpoint: OutPoint::new(bitcoin::Txid::from_byte_array([n; 32]), 0),
            value: Amount::from_sat(value),
            script_pubkey: ScriptBuf::new(),
            kind,
            path: DerivationPath::master(),
            compressed: true,
            prev_tx: None,
            confirmations: 6,
            height: 1,
        }
    }

    fn target(amount: u64, r: FeeRate, dust: FeeRate) -> Target {
        Target {
            amount: Amount::from_sat(amount),
            payee_weight: output_weight(AddressType::P2wpkh),
            rate: r,
            change_kind: AddressType::P2wpkh,
            dust_relay: dust,
            chain: Chain::Bitcoin,
        }
    }

    #[test]
    fn exact_match_needs_no_change() {
        let payee = output_weight(AddressType::P2wpkh);
        let c = coin(100_000, AddressType::P2wpkh, 1);
        // Exactly what the payment and fee need: BnB spends it without change.
        let amount = 100_000
            - fee_for(Weight::from_wu(4 * 10 + 2) + payee, rate(1)).to_sat()
            - fee_for(input_weight(AddressType::P2wpkh), rate(1)).to_sat();
        let s = select(
            &[c.clone(), coin(5_000_000, AddressType::P2tr, 2)],
            &target(amount, rate(1), BTC_DUST),
        )
        .unwrap();
        assert_eq!(s.coins, vec![c]);
        assert_eq!(s.change, None);
    }

    #[test]
    fn fallback_makes_change_and_never_dust() {
        let coins = [
            coin(60_000, AddressType::P2pkh, 1),
            coin(70_000, AddressType::P2wpkh, 2),
        ];
        let s = select(&coins, &target(100_000, rate(2), BTC_DUST)).unwrap();
        assert_eq!(s.total().to_sat(), 130_000);
        let change = s.change.unwrap();
        assert_eq!(s.total(), Amount::from_sat(100_000) + change + s.fee);
        assert!(s.fee.to_sat() >= 2 * s.vsize());
        // Leftover below the dust limit goes to the fee.
        if let Ok(s) = select(&coins, &target(129_000, rate(1), BTC_DUST)) {
            assert!(s
                .change
                .is_none_or(|c| c >= dust_limit(AddressType::P2wpkh, BTC_DUST)));
        }
        let e = select(&coins, &target(1_000_000, rate(1), BTC_DUST)).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InsufficientFunds);
    }

    #[test]
    fn an_uncompressed_key_s_input_weighs_32_bytes_more() {
        let mut c = coin(100_000, AddressType::P2pkh, 1);
        assert_eq!(c.input_weight(), input_weight(AddressType::P2pkh));
        c.compressed = false;
        assert_eq!(
            c.input_weight(),
            input_weight(AddressType::P2pkh) + Weight::from_wu(4 * 32)
        );
        // The fee of a selection counts it.
        let t = target(50_000, rate(10), BTC_DUST);
        let light = select(&[coin(100_000, AddressType::P2pkh, 1)], &t).unwrap();
        let heavy = select(&[c], &t).unwrap();
        assert_eq!(heavy.weight, light.weight + Weight::from_wu(4 * 32));
        assert_eq!(heavy.fee.to_sat(), light.fee.to_sat() + 320);
    }

    #[test]
    fn a_sweep_spends_every_coin_worth_its_fee_with_no_change() {
        let t = target(0, rate(10), BTC_DUST);
        let coins = [
            coin(100_000, AddressType::P2wpkh, 1),
            coin(50_000, AddressType::P2tr, 2),
            // Worth less than the ~680 sat of spending it at 10 sat/vB.
            coin(500, AddressType::P2wpkh, 3),
        ];
        let s = sweep(&coins, &t).unwrap();
        assert_eq!(s.coins.len(), 2);
        assert_eq!(s.change, None);
        assert_eq!(s.fee, fee_for(s.weight, t.rate));
        let w = Weight::from_wu(4 * 10 + 2)
            + t.payee_weight
            + input_weight(AddressType::P2wpkh)
            + input_weight(AddressType::P2tr);
        assert_eq!(s.weight, w);
        let e = sweep(&coins[2..], &t).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InsufficientFunds);
        assert_eq!(
            sweep(&[], &t).unwrap_err().kind(),
            crate::ErrorKind::InsufficientFunds
        );
    }

    #[test]
    fn dust_limits_follow_the_relay_fee() {
        // Bitcoin Core's well-known limits at its default 3 sat/vB.
        for (kind, limit) in [
            (AddressType::P2pkh, 546),
            (AddressType::P2shP2wpkh, 540),
            (AddressType::P2wpkh, 294),
            (AddressType::P2tr, 330),
        ] {
            assert_eq!(dust_limit(kind, BTC_DUST).to_sat(), limit, "{kind:?}");
            assert_eq!(dust_limit(kind, LTC_DUST).to_sat(), limit * 10, "{kind:?}");
        }
        // P2WSH (a 32-byte witness program) and a bare script.
        let mut p2wsh = vec![0x00, 0x20];
        p2wsh.extend([7u8; 32]);
        assert_eq!(dust_threshold(&p2wsh, BTC_DUST).to_sat(), 330);
        assert_eq!(
            dust_threshold(&[0x51], BTC_DUST).to_sat(),
            (8 + 1 + 1 + 148) * 3
        );
    }

    #[test]
    fn litecoin_change_below_its_dust_limit_goes_to_the_fee() {
        let payee = output_weight(AddressType::P2wpkh);
        let coins = [coin(100_000, AddressType::P2wpkh, 1)];
        // ~1,000 sat left over: change on Bitcoin, dust on Litecoin.
        let w = Weight::from_wu(4 * 10 + 2)
            + payee
            + input_weight(AddressType::P2wpkh)
            + output_weight(AddressType::P2wpkh);
        let amount = 100_000 - fee_for(w, rate(1)).to_sat() - 1_000;
        let btc = select(&coins, &target(amount, rate(1), BTC_DUST)).unwrap();
        assert_eq!(btc.change, Some(Amount::from_sat(1_000)));
        let ltc = select(&coins, &target(amount, rate(1), LTC_DUST)).unwrap();
        assert_eq!(ltc.change, None);
        assert_eq!(ltc.fee.to_sat(), 100_000 - amount);
    }
}
