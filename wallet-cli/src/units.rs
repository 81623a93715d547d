//! `--unit` of the balance commands: an amount in the unit asked for, with
//! the unit's name. Bitcoin-family amounts go through rust-bitcoin's
//! denominations (and the core's ticker formatting for whole coins), ether
//! through the core's `Wei` formatting; a unit of another chain is refused.

use crate::args::{BtcUnitArg, EthUnitArg};
use crate::error::CliError;
use wallet_core::bitcoin::amount::format_with_unit;
use wallet_core::bitcoin::{Amount, Chain};
use wallet_core::ethereum::Wei;
use wallet_core::rust_bitcoin::Denomination;

/// `amount` on `chain` in `unit` (default: whole coins, `1.5 LTC`).
pub fn btc_amount(
    amount: Amount,
    chain: Chain,
    unit: Option<BtcUnitArg>,
) -> Result<String, CliError> {
    use BtcUnitArg as U;
    let in_denom = |d: Denomination, name: &str| format!("{} {name}", amount.to_string_in(d));
    Ok(match (chain, unit) {
        (_, None) | (Chain::Bitcoin, Some(U::Btc)) | (Chain::Litecoin, Some(U::Ltc)) => {
            format_with_unit(amount, chain)
        }
        (_, Some(U::Sat)) => format!("{} sat", amount.to_sat()),
        (Chain::Bitcoin, Some(U::Mbtc)) => in_denom(Denomination::MilliBitcoin, "mBTC"),
        (Chain::Bitcoin, Some(U::Bits)) => in_denom(Denomination::Bit, "bits"),
        (Chain::Litecoin, Some(U::Litoshi)) => format!("{} litoshi", amount.to_sat()),
        (Chain::Bitcoin, Some(u @ (U::Ltc | U::Litoshi)))
        | (Chain::Litecoin, Some(u @ (U::Btc | U::Mbtc | U::Bits))) => {
            let name = clap::ValueEnum::to_possible_value(&u)
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            return Err(CliError::usage(format!(
                "--unit {name} is not a {chain} unit: use {}",
                match chain {
                    Chain::Bitcoin => "btc, mbtc, bits or sat",
                    Chain::Litecoin => "ltc, litoshi or sat",
                }
            )));
        }
    })
}

/// `wei` in `unit`, with the unit's name (`1.5 ETH`, `21 gwei`, `5 wei`).
pub fn eth_amount(wei: Wei, unit: EthUnitArg) -> String {
    match unit {
        EthUnitArg::Eth => format!("{} ETH", wei.to_ether_string()),
        EthUnitArg::Gwei => format!("{} gwei", wei.to_gwei_string()),
        EthUnitArg::Wei => format!("{} wei", wei.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue21_28_balance_units() {
        let a = Amount::from_sat(123_456_789);
        let b = |u| btc_amount(a, Chain::Bitcoin, u).unwrap();
        assert_eq!(b(None), "1.23456789 BTC");
        assert_eq!(b(Some(BtcUnitArg::Btc)), "1.23456789 BTC");
        assert_eq!(b(Some(BtcUnitArg::Mbtc)), "1234.56789 mBTC");
        assert_eq!(b(Some(BtcUnitArg::Bits)), "1234567.89 bits");
        assert_eq!(b(Some(BtcUnitArg::Sat)), "123456789 sat");
        let l = |u| btc_amount(a, Chain::Litecoin, u);
        assert_eq!(l(Some(BtcUnitArg::Litoshi)).unwrap(), "123456789 litoshi");
        assert_eq!(l(Some(BtcUnitArg::Ltc)).unwrap(), "1.23456789 LTC");
        assert!(l(Some(BtcUnitArg::Btc))
            .unwrap_err()
            .message
            .contains("not a Litecoin unit"));
        assert!(btc_amount(a, Chain::Bitcoin, Some(BtcUnitArg::Litoshi)).is_err());
        let w = Wei::from_gwei(1_500_000_000);
        assert_eq!(eth_amount(w, EthUnitArg::Eth), "1.5 ETH");
        assert_eq!(eth_amount(w, EthUnitArg::Gwei), "1500000000 gwei");
        assert_eq!(eth_amount(w, EthUnitArg::Wei), "1500000000000000000 wei");
    }
}
