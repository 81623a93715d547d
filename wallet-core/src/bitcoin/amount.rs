//! The text layer over rust-bitcoin's unit types: amounts written in coins
//! or satoshis with the units of their chain (`0.5`, `0.5btc`, `5000sat` on
//! Bitcoin; `0.5ltc`, `5000litoshi` on Litecoin), and fee rates in sat/vB.

use super::Chain;
use crate::error::{Error, Result};
use bitcoin::{Amount, FeeRate};

/// Satoshis per coin.
pub const COIN: u64 = 100_000_000;
/// No amount can exceed Litecoin's supply (84 million coins; Bitcoin's is 21 million).
pub const MAX_AMOUNT: Amount = Amount::from_sat(84_000_000 * COIN);

/// The units an amount may carry on `chain`, coins first.
#[must_use]
pub const fn units(chain: Chain) -> (&'static str, &'static [&'static str]) {
    match chain {
        Chain::Bitcoin => ("btc", &["sats", "sat"]),
        Chain::Litecoin => ("ltc", &["litoshis", "litoshi", "sats", "sat"]),
    }
}

/// The ticker of `chain` (`BTC`, `LTC`).
#[must_use]
pub const fn ticker(chain: Chain) -> &'static str {
    match chain {
        Chain::Bitcoin => "BTC",
        Chain::Litecoin => "LTC",
    }
}

/// Parses an amount on `chain`: a number of coins (`0.5`, at most 8
/// decimals) with an optional coin unit (`btc` on Bitcoin, `ltc` on
/// Litecoin), or a whole number of satoshis (`50000sat`; `litoshi` too on
/// Litecoin). The other chain's unit is refused: `0.5btc` is not a
/// Litecoin amount.
///
/// ```
/// use wallet_core::bitcoin::amount::parse_amount;
/// use wallet_core::bitcoin::{Amount, Chain};
///
/// assert_eq!(parse_amount("0.5", Chain::Bitcoin)?, Amount::from_sat(50_000_000));
/// assert_eq!(parse_amount("1500sat", Chain::Bitcoin)?, Amount::from_sat(1500));
/// assert_eq!(parse_amount("2 litoshi", Chain::Litecoin)?, Amount::from_sat(2));
/// assert!(parse_amount("0.5btc", Chain::Litecoin).is_err()); // another chain's unit
/// assert!(parse_amount("0.000000001", Chain::Bitcoin).is_err()); // below a satoshi
/// # Ok::<(), wallet_core::Error>(())
/// ```
pub fn parse_amount(s: &str, chain: Chain) -> Result<Amount> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(Error::input("empty amount"));
    }
    let (coin, small) = units(chain);
    if let Some(n) = small.iter().find_map(|u| t.strip_suffix(u)) {
        return parse_sats(s, n.trim());
    }
    let other: &[&str] = match chain {
        Chain::Bitcoin => &["ltc", "litoshi", "litoshis"],
        Chain::Litecoin => &["btc"],
    };
    if other.iter().any(|u| t.ends_with(u)) {
        return Err(Error::input(format!(
            "'{s}' is not in {}'s units: write {} amounts as coins ({coin}) or satoshis ({})",
            chain,
            ticker(chain),
            small.join(", ")
        )));
    }
    parse_coins(s, t.strip_suffix(coin).unwrap_or(&t).trim())
}

fn parse_sats(s: &str, n: &str) -> Result<Amount> {
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::input(format!(
            "'{s}' is not a whole number of satoshis"
        )));
    }
    n.parse::<u64>()
        .ok()
        .map(Amount::from_sat)
        .filter(|v| *v <= MAX_AMOUNT)
        .ok_or_else(|| Error::input(format!("'{s}' is too large")))
}

fn parse_coins(s: &str, n: &str) -> Result<Amount> {
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
        .map(Amount::from_sat)
        .filter(|v| *v <= MAX_AMOUNT)
        .ok_or_else(|| Error::input(format!("'{s}' is too large")))
}

/// An amount as a decimal string of coins (`1.5`, `0.00000001`).
#[must_use]
pub fn format_coins(amount: Amount) -> String {
    let sat = amount.to_sat();
    let (int, frac) = (sat / COIN, sat % COIN);
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:08}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

/// An amount with its chain's ticker (`1.5 LTC`).
#[must_use]
pub fn format_with_unit(amount: Amount, chain: Chain) -> String {
    format!("{} {}", format_coins(amount), ticker(chain))
}

/// A fee rate from sat/vB (fractions allowed down to 1/250 sat/vB, the
/// resolution of sat per 1000 weight units).
pub fn fee_rate_from_sat_per_vb(rate: f64) -> Result<FeeRate> {
    if !(rate.is_finite() && (0.0..=1e9).contains(&rate)) {
        return Err(Error::input(format!(
            "{rate} is not a fee rate: give a number of sat/vB"
        )));
    }
    Ok(FeeRate::from_sat_per_kwu((rate * 250.0).round() as u64))
}

/// Parses a fee rate in sat/vB: `5`, `2.5`, `5sat/vb`, `5 sat/vB`, `5sat`.
pub fn parse_fee_rate(s: &str) -> Result<FeeRate> {
    let t = s.trim().to_ascii_lowercase();
    let n = ["sat/vbyte", "sat/vb", "sats/vb", "sats", "sat"]
        .iter()
        .find_map(|u| t.strip_suffix(u))
        .unwrap_or(&t)
        .trim();
    let valid = !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let rate: f64 = n.parse().ok().filter(|_| valid).ok_or_else(|| {
        Error::input(format!(
            "'{s}' is not a fee rate: write sat/vB, e.g. 5 or 2.5"
        ))
    })?;
    fee_rate_from_sat_per_vb(rate)
}

/// A fee rate in sat/vB, for display.
#[must_use]
pub fn sat_per_vb(rate: FeeRate) -> f64 {
    rate.to_sat_per_kwu() as f64 / 250.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn btc(s: &str) -> Result<u64> {
        parse_amount(s, Chain::Bitcoin).map(Amount::to_sat)
    }

    #[test]
    fn amounts() {
        assert_eq!(btc("0.5").unwrap(), 50_000_000);
        assert_eq!(btc("1btc").unwrap(), COIN);
        assert_eq!(btc("0.00000001").unwrap(), 1);
        assert_eq!(btc("5000 sat").unwrap(), 5000);
        assert_eq!(btc(".1").unwrap(), 10_000_000);
        // Found by the fuzzer: satoshi amounts were not capped like coin amounts.
        assert!(btc("111112222211122220sats").is_err());
        let max = MAX_AMOUNT.to_sat();
        assert!(btc(&format!("{}sat", max + 1)).is_err());
        assert_eq!(btc(&format!("{max}sat")).unwrap(), max);
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
            assert!(btc(bad).is_err(), "{bad}");
        }
        assert_eq!(format_coins(Amount::from_sat(150_000_000)), "1.5");
        assert_eq!(format_coins(Amount::from_sat(1)), "0.00000001");
    }

    #[test]
    fn units_belong_to_their_chain() {
        let ltc = |s: &str| parse_amount(s, Chain::Litecoin).map(Amount::to_sat);
        assert_eq!(ltc("0.5ltc").unwrap(), 50_000_000);
        assert_eq!(ltc("7 litoshi").unwrap(), 7);
        assert_eq!(ltc("7sat").unwrap(), 7);
        let e = ltc("0.5btc").unwrap_err().to_string();
        assert!(e.contains("Litecoin") && e.contains("ltc"), "{e}");
        assert!(btc("1ltc").is_err());
        assert!(btc("5litoshi").is_err());
    }

    #[test]
    fn fee_rates() {
        assert_eq!(sat_per_vb(parse_fee_rate("5").unwrap()), 5.0);
        assert_eq!(sat_per_vb(parse_fee_rate("2.5 sat/vB").unwrap()), 2.5);
        assert_eq!(sat_per_vb(parse_fee_rate("5sat").unwrap()), 5.0);
        for bad in ["", "x", "-1", "1e3", "5btc", "nan"] {
            assert!(parse_fee_rate(bad).is_err(), "{bad}");
        }
    }
}
