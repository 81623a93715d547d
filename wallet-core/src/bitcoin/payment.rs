//! Building a payment from a wallet's coins: amounts, size estimates, coin
//! selection (branch-and-bound, with a largest-first fallback), change, RBF,
//! and the unsigned PSBT with the derivation data a signer needs.

use super::address::{Address, AddressType, Payload};
use crate::error::{Error, Result};
use crate::hd::{DerivationPath, Fingerprint};
use bitcoin::absolute::LockTime;
use bitcoin::psbt::Psbt;
use bitcoin::transaction::Version;
use bitcoin::{Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness};
use std::collections::BTreeMap;

/// Satoshis per coin.
pub const COIN: u64 = 100_000_000;
/// No amount can exceed Litecoin's supply (84 million coins; Bitcoin's is 21 million).
pub const MAX_AMOUNT: u64 = 84_000_000 * COIN;

/// Parses an amount: `0.5`, `0.5btc`, `0.5 ltc` (coins, at most 8 decimals)
/// or `50000sat` / `50000 sats` (satoshis).
pub fn parse_amount(s: &str) -> Result<u64> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(Error::input("empty amount"));
    }
    if let Some(n) = t.strip_suffix("sats").or_else(|| t.strip_suffix("sat")) {
        let n = n.trim();
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::input(format!(
                "'{s}' is not a whole number of satoshis"
            )));
        }
        return n
            .parse::<u64>()
            .ok()
            .filter(|v| *v <= MAX_AMOUNT)
            .ok_or_else(|| Error::input(format!("'{s}' is too large")));
    }
    let n = t
        .strip_suffix("btc")
        .or_else(|| t.strip_suffix("ltc"))
        .unwrap_or(&t)
        .trim();
    let (int, frac) = n.split_once('.').unwrap_or((n, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::input(format!(
            "'{s}' is not an amount: write e.g. 0.5 (coins) or 50000sat"
        )));
    }
    if frac.len() > 8 {
        return Err(Error::input(format!(
            "'{s}' has more than 8 decimals: the smallest unit is 1 satoshi (0.00000001)"
        )));
    }
    let int_v: u64 = if int.is_empty() {
        0
    } else {
        int.parse()
            .map_err(|_| Error::input(format!("'{s}' is too large")))?
    };
    let frac_v: u64 = format!("{frac:0<8}").parse().unwrap_or(0);
    int_v
        .checked_mul(COIN)
        .and_then(|v| v.checked_add(frac_v))
        .filter(|v| *v <= MAX_AMOUNT)
        .ok_or_else(|| Error::input(format!("'{s}' is too large")))
}

/// `sat` as a decimal string of coins (`1.5`, `0.00000001`).
#[must_use]
pub fn format_coins(sat: u64) -> String {
    let int = sat / COIN;
    let frac = sat % COIN;
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:08}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

/// Weight (in weight units) of spending one input of `kind`, signatures at
/// their largest DER size.
#[must_use]
pub const fn input_weight(kind: AddressType) -> u64 {
    match kind {
        // 36 outpoint + 4 sequence + 1 + (1+73 sig + 1+33 key)
        AddressType::P2pkh => 4 * (36 + 4 + 1 + 108),
        // non-witness 36+4+1+23, witness 1 + 1+73 + 1+33
        AddressType::P2shP2wpkh => 4 * (36 + 4 + 1 + 23) + 109,
        AddressType::P2wpkh => 4 * (36 + 4 + 1) + 109,
        // witness 1 + 1+65 (a non-default sighash adds one byte)
        AddressType::P2tr => 4 * (36 + 4 + 1) + 67,
    }
}

/// Weight of an output paying to `kind`.
#[must_use]
pub const fn output_weight(kind: AddressType) -> u64 {
    4 * (8
        + 1
        + match kind {
            AddressType::P2pkh => 25,
            AddressType::P2shP2wpkh => 23,
            AddressType::P2wpkh => 22,
            AddressType::P2tr => 34,
        })
}

/// Weight of an output paying to an arbitrary script.
#[must_use]
pub fn script_output_weight(script_len: usize) -> u64 {
    4 * (8 + 1 + script_len as u64)
}

/// Outputs below this are not relayed by nodes whose dust relay fee is
/// `relay_fee` sat per 1000 vbytes ([`NetworkParams::dust_relay_fee`]):
/// Bitcoin Core's `GetDustThreshold`, the cost of creating the output and
/// spending it later (67 vbytes for a witness program, 148 otherwise).
///
/// [`NetworkParams::dust_relay_fee`]: super::network::NetworkParams::dust_relay_fee
#[must_use]
pub fn dust_threshold(script_pubkey: &[u8], relay_fee: u64) -> u64 {
    dust_for(
        script_pubkey.len() as u64,
        is_witness_program(script_pubkey),
        relay_fee,
    )
}

/// The dust limit of an output of `kind` at `relay_fee` sat per 1000 vbytes
/// (Bitcoin at 3000: 546 P2PKH, 540 P2SH, 294 P2WPKH, 330 P2TR; Litecoin ten times that).
#[must_use]
pub fn dust_limit(kind: AddressType, relay_fee: u64) -> u64 {
    let script_len = output_weight(kind) / 4 - 9;
    let witness = matches!(kind, AddressType::P2wpkh | AddressType::P2tr);
    dust_for(script_len, witness, relay_fee)
}

/// Core's `GetDustThreshold`: the output (8-byte value, compact size,
/// script) plus the input that would spend it (67 vbytes for a witness
/// program, 148 otherwise), at `relay_fee` sat per 1000 vbytes.
fn dust_for(script_len: u64, witness: bool, relay_fee: u64) -> u64 {
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
    (8 + compact + script_len + spend) * relay_fee / 1000
}

fn is_witness_program(script: &[u8]) -> bool {
    (4..=42).contains(&script.len())
        && (script[0] == 0 || (0x51..=0x60).contains(&script[0]))
        && usize::from(script[1]) + 2 == script.len()
}

/// A coin the wallet can spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coin {
    /// Transaction id (in the usual display order, as nodes print it).
    pub txid: String,
    /// Output index.
    pub vout: u32,
    /// Value in satoshis.
    pub value: u64,
    /// The script it pays to.
    pub script_pubkey: Vec<u8>,
    /// Its address type.
    pub kind: AddressType,
    /// Full derivation path of its key.
    pub path: DerivationPath,
    /// The previous transaction (needed for legacy inputs).
    pub prev_tx: Option<Vec<u8>>,
    /// Confirmations (0 = in the mempool).
    pub confirmations: u64,
}

/// The chosen coins and what is left for change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Coins to spend.
    pub coins: Vec<Coin>,
    /// Change in satoshis, if any (dust change is left to the fee).
    pub change: Option<u64>,
    /// Fee in satoshis.
    pub fee: u64,
    /// Estimated virtual size in vbytes.
    pub vsize: u64,
}

fn fee_for(weight: u64, rate: f64) -> u64 {
    let vbytes = weight.div_ceil(4);
    (vbytes as f64 * rate).ceil() as u64
}

/// Selects coins paying `amount` to an output of `payee_weight` at `rate`
/// sat/vB, with change of `change_kind`. Branch-and-bound looks for a set
/// that needs no change (within the cost of creating one); otherwise the
/// largest coins are used and change is added unless it would be dust at
/// the chain's `dust_relay_fee` (sat per 1000 vbytes).
pub fn select(
    coins: &[Coin],
    amount: u64,
    payee_weight: u64,
    rate: f64,
    change_kind: AddressType,
    dust_relay_fee: u64,
) -> Result<Selection> {
    if !(rate.is_finite() && rate >= 0.0) {
        return Err(Error::input(
            "the fee rate must be a positive number of sat/vB",
        ));
    }
    let segwit = coins.iter().any(|c| c.kind != AddressType::P2pkh);
    let base_weight = 4 * 10 + if segwit { 2 } else { 0 } + payee_weight;
    let change_weight = output_weight(change_kind);
    let cost_of_change = fee_for(change_weight, rate) + fee_for(input_weight(change_kind), rate);
    let mut usable: Vec<(&Coin, i64)> = coins
        .iter()
        .map(|c| {
            (
                c,
                c.value as i64 - fee_for(input_weight(c.kind), rate) as i64,
            )
        })
        .filter(|(_, eff)| *eff > 0)
        .collect();
    usable.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.txid.cmp(&b.0.txid))
            .then(a.0.vout.cmp(&b.0.vout))
    });
    let total_available: i64 = usable.iter().map(|(_, e)| *e).sum();
    let target = amount as i64 + fee_for(base_weight, rate) as i64;
    if total_available < target {
        let have: u64 = coins.iter().map(|c| c.value).sum();
        return Err(Error::InsufficientFunds(format!(
            "the wallet has {} spendable ({} coins); paying {} plus the fee at {rate} sat/vB needs more",
            format_coins(have),
            coins.len(),
            format_coins(amount)
        )));
    }
    let finish = |chosen: Vec<&Coin>, with_change: bool| -> Result<Selection> {
        let in_weight: u64 = chosen.iter().map(|c| input_weight(c.kind)).sum();
        let total: u64 = chosen.iter().map(|c| c.value).sum();
        let no_change_weight = base_weight + in_weight;
        let change_weight_total = no_change_weight + change_weight;
        if with_change {
            let fee = fee_for(change_weight_total, rate);
            let change = total
                .checked_sub(amount)
                .and_then(|r| r.checked_sub(fee))
                .ok_or_else(|| Error::Internal("selection underflow".into()))?;
            if change >= dust_limit(change_kind, dust_relay_fee) {
                return Ok(Selection {
                    coins: chosen.into_iter().cloned().collect(),
                    change: Some(change),
                    fee,
                    vsize: change_weight_total.div_ceil(4),
                });
            }
        }
        let fee = total
            .checked_sub(amount)
            .ok_or_else(|| Error::Internal("selection underflow".into()))?;
        Ok(Selection {
            coins: chosen.into_iter().cloned().collect(),
            change: None,
            fee,
            vsize: no_change_weight.div_ceil(4),
        })
    };
    if let Some(set) = branch_and_bound(&usable, target, cost_of_change as i64) {
        return finish(set, false);
    }
    // Largest first until the payment, the fee and a change output are covered.
    let mut chosen = Vec::new();
    let mut acc = 0i64;
    let with_change_target = target + fee_for(change_weight, rate) as i64;
    for (c, eff) in &usable {
        chosen.push(*c);
        acc += eff;
        if acc >= with_change_target {
            return finish(chosen, true);
        }
    }
    if acc >= target {
        return finish(chosen, false);
    }
    Err(Error::InsufficientFunds(
        "not enough to pay the amount and the fee".into(),
    ))
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

/// Where the change goes.
#[derive(Debug, Clone)]
pub struct ChangeOutput {
    /// The change address.
    pub address: Address,
    /// Its derivation path.
    pub path: DerivationPath,
}

/// The unsigned PSBT of a selection: version 2, RBF signalled (nSequence
/// 0xfffffffd), change at a random position, UTXO data and BIP32 origins for
/// every input (and the change output).
pub fn build_psbt(
    selection: &Selection,
    payee: &Address,
    amount: u64,
    change: &ChangeOutput,
    master_fingerprint: Fingerprint,
    change_pubkey: &crate::key::PublicKey,
    input_pubkeys: &[crate::key::PublicKey],
) -> Result<Psbt> {
    if input_pubkeys.len() != selection.coins.len() {
        return Err(Error::Internal("one public key per input".into()));
    }
    let mut inputs = Vec::with_capacity(selection.coins.len());
    for c in &selection.coins {
        let txid: Txid = c
            .txid
            .parse()
            .map_err(|_| Error::input(format!("bad txid '{}' from the node", c.txid)))?;
        inputs.push(TxIn {
            previous_output: OutPoint { txid, vout: c.vout },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::new(),
        });
    }
    let pay = TxOut {
        value: Amount::from_sat(amount),
        script_pubkey: ScriptBuf::from_bytes(payee.script_pubkey()),
    };
    let mut outputs = vec![pay];
    let mut change_index = None;
    if let Some(v) = selection.change {
        let out = TxOut {
            value: Amount::from_sat(v),
            script_pubkey: ScriptBuf::from_bytes(change.address.script_pubkey()),
        };
        let mut b = [0u8; 1];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
        let pos = usize::from(b[0] & 1);
        outputs.insert(pos, out);
        change_index = Some(pos);
    }
    let tx = Transaction {
        version: Version::TWO,
        lock_time: LockTime::ZERO,
        input: inputs,
        output: outputs,
    };
    let mut psbt = Psbt::from_unsigned_tx(tx).map_err(|e| Error::Internal(format!("PSBT: {e}")))?;
    let fp = bitcoin::bip32::Fingerprint::from(master_fingerprint.0);
    for (i, c) in selection.coins.iter().enumerate() {
        let input = &mut psbt.inputs[i];
        let utxo = TxOut {
            value: Amount::from_sat(c.value),
            script_pubkey: ScriptBuf::from_bytes(c.script_pubkey.clone()),
        };
        let pk = &input_pubkeys[i];
        let path = to_bitcoin_path(&c.path);
        match c.kind {
            AddressType::P2pkh => {
                let prev = c.prev_tx.as_ref().ok_or_else(|| {
                    Error::input(
                        "a P2PKH coin needs its previous transaction (is the node's txindex on?)",
                    )
                })?;
                let prev: Transaction =
                    bitcoin::consensus::encode::deserialize(prev).map_err(|e| {
                        Error::input(format!("the node's previous transaction is invalid: {e}"))
                    })?;
                input.non_witness_utxo = Some(prev);
            }
            AddressType::P2tr => {
                input.witness_utxo = Some(utxo);
                let x = bitcoin::secp256k1::XOnlyPublicKey::from_slice(&pk.x_only())
                    .map_err(|_| Error::Internal("x-only key".into()))?;
                input.tap_internal_key = Some(x);
                input.tap_key_origins.insert(x, (Vec::new(), (fp, path)));
                continue;
            }
            AddressType::P2shP2wpkh => {
                input.witness_utxo = Some(utxo);
                input.redeem_script =
                    Some(ScriptBuf::from_bytes(super::p2wpkh_script(&pk.hash160())));
            }
            AddressType::P2wpkh => {
                input.witness_utxo = Some(utxo);
            }
        }
        let spk = bitcoin::secp256k1::PublicKey::from_slice(&pk.to_compressed())
            .map_err(|_| Error::Internal("public key".into()))?;
        input.bip32_derivation = BTreeMap::from([(spk, (fp, path))]);
    }
    if let Some(ci) = change_index {
        let path = to_bitcoin_path(&change.path);
        let out = &mut psbt.outputs[ci];
        if matches!(
            change.address.payload(),
            Payload::Witness { version: 1, .. }
        ) {
            if let Ok(x) = bitcoin::secp256k1::XOnlyPublicKey::from_slice(&change_pubkey.x_only()) {
                out.tap_internal_key = Some(x);
                out.tap_key_origins.insert(x, (Vec::new(), (fp, path)));
            }
        } else if let Ok(spk) =
            bitcoin::secp256k1::PublicKey::from_slice(&change_pubkey.to_compressed())
        {
            out.bip32_derivation.insert(spk, (fp, path));
            if change.address.address_type() == Some(AddressType::P2shP2wpkh) {
                out.redeem_script = Some(ScriptBuf::from_bytes(super::p2wpkh_script(
                    &change_pubkey.hash160(),
                )));
            }
        }
    }
    Ok(psbt)
}

fn to_bitcoin_path(p: &DerivationPath) -> bitcoin::bip32::DerivationPath {
    p.indexes()
        .iter()
        .map(|c| bitcoin::bip32::ChildNumber::from(c.raw()))
        .collect::<Vec<_>>()
        .into()
}

/// The txid (display order) of a serialised transaction.
pub fn txid_of(raw: &[u8]) -> Result<String> {
    let tx: Transaction = bitcoin::consensus::encode::deserialize(raw)
        .map_err(|e| Error::input(format!("not a valid transaction: {e}")))?;
    Ok(tx.compute_txid().to_string())
}

/// Decodes a serialised transaction (hex) strictly.
pub fn decode_tx(raw: &[u8]) -> Result<Transaction> {
    bitcoin::consensus::encode::deserialize(raw)
        .map_err(|e| Error::input(format!("not a valid transaction: {e}")))
}

/// The virtual size of a serialised transaction.
pub fn vsize_of(raw: &[u8]) -> Result<u64> {
    Ok(decode_tx(raw)?.vsize() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coin(value: u64, kind: AddressType, n: u32) -> Coin {
        Coin {
            txid: format!("{:064x}", n),
            vout: 0,
            value,
            script_pubkey: vec![],
            kind,
            path: DerivationPath::master(),
            prev_tx: None,
            confirmations: 6,
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("0.5").unwrap(), 50_000_000);
        assert_eq!(parse_amount("1btc").unwrap(), COIN);
        assert_eq!(parse_amount("0.00000001").unwrap(), 1);
        assert_eq!(parse_amount("5000 sat").unwrap(), 5000);
        assert_eq!(parse_amount(".1").unwrap(), 10_000_000);
        // Found by the fuzzer: satoshi amounts were not capped like coin amounts.
        assert!(parse_amount("111112222211122220sats").is_err());
        assert!(parse_amount(&format!("{}sat", MAX_AMOUNT + 1)).is_err());
        assert_eq!(
            parse_amount(&format!("{MAX_AMOUNT}sat")).unwrap(),
            MAX_AMOUNT
        );
        for bad in [
            "",
            "0.000000001",
            "1e3",
            "-1",
            "1.5sat",
            "abc",
            "1,5",
            "84000000.00000001",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
        assert_eq!(format_coins(150_000_000), "1.5");
        assert_eq!(format_coins(1), "0.00000001");
    }

    #[test]
    fn exact_match_needs_no_change() {
        let rate = 1.0;
        let payee = output_weight(AddressType::P2wpkh);
        let c = coin(100_000, AddressType::P2wpkh, 1);
        // Exactly what the payment and fee need: BnB spends it without change.
        let amount = 100_000
            - fee_for(4 * 10 + 2 + payee, rate)
            - fee_for(input_weight(AddressType::P2wpkh), rate);
        let s = select(
            &[c.clone(), coin(5_000_000, AddressType::P2tr, 2)],
            amount,
            payee,
            rate,
            AddressType::P2wpkh,
            BTC_DUST,
        )
        .unwrap();
        assert_eq!(s.coins, vec![c]);
        assert_eq!(s.change, None);
    }

    #[test]
    fn fallback_makes_change_and_never_dust() {
        let payee = output_weight(AddressType::P2wpkh);
        let coins = [
            coin(60_000, AddressType::P2pkh, 1),
            coin(70_000, AddressType::P2wpkh, 2),
        ];
        let s = select(&coins, 100_000, payee, 2.0, AddressType::P2wpkh, BTC_DUST).unwrap();
        let total: u64 = s.coins.iter().map(|c| c.value).sum();
        assert_eq!(total, 130_000);
        let change = s.change.unwrap();
        assert_eq!(total, 100_000 + change + s.fee);
        assert!(s.fee as f64 >= 2.0 * s.vsize as f64);
        // Leftover below the dust limit goes to the fee.
        let s = select(&coins, 129_000, payee, 1.0, AddressType::P2wpkh, BTC_DUST);
        if let Ok(s) = s {
            assert!(s
                .change
                .is_none_or(|c| c >= dust_limit(AddressType::P2wpkh, BTC_DUST)));
        }
        assert_eq!(
            select(&coins, 1_000_000, payee, 1.0, AddressType::P2wpkh, BTC_DUST)
                .unwrap_err()
                .kind(),
            crate::ErrorKind::InsufficientFunds
        );
    }

    const BTC_DUST: u64 = 3_000;
    const LTC_DUST: u64 = 30_000;

    #[test]
    fn dust_limits_follow_the_relay_fee() {
        // Bitcoin Core's well-known limits at its default 3 sat/vB.
        for (kind, limit) in [
            (AddressType::P2pkh, 546),
            (AddressType::P2shP2wpkh, 540),
            (AddressType::P2wpkh, 294),
            (AddressType::P2tr, 330),
        ] {
            assert_eq!(dust_limit(kind, BTC_DUST), limit, "{kind:?}");
            assert_eq!(dust_limit(kind, LTC_DUST), limit * 10, "{kind:?}");
        }
        // P2WSH (a 32-byte witness program) and a bare script.
        let mut p2wsh = vec![0x00, 0x20];
        p2wsh.extend([7u8; 32]);
        assert_eq!(dust_threshold(&p2wsh, BTC_DUST), 330);
        assert_eq!(dust_threshold(&[0x51], BTC_DUST), (8 + 1 + 1 + 148) * 3);
    }

    #[test]
    fn litecoin_change_below_its_dust_limit_goes_to_the_fee() {
        let payee = output_weight(AddressType::P2wpkh);
        let coins = [coin(100_000, AddressType::P2wpkh, 1)];
        // ~1,000 sat left over: change on Bitcoin, dust on Litecoin.
        let fee_with_change = fee_for(
            4 * 10
                + 2
                + payee
                + input_weight(AddressType::P2wpkh)
                + output_weight(AddressType::P2wpkh),
            1.0,
        );
        let amount = 100_000 - fee_with_change - 1_000;
        let btc = select(&coins, amount, payee, 1.0, AddressType::P2wpkh, BTC_DUST).unwrap();
        assert_eq!(btc.change, Some(1_000));
        let ltc = select(&coins, amount, payee, 1.0, AddressType::P2wpkh, LTC_DUST).unwrap();
        assert_eq!(ltc.change, None);
        assert_eq!(ltc.fee, 100_000 - amount);
    }
}
