//! [`PaymentError`]: why a Bitcoin-family payment request was refused
//! before anything was scanned, signed or sent, with the values at fault.

use crate::bitcoin::amount::format_with_unit;
use crate::bitcoin::Chain;
use crate::error::{Error, ErrorKind};
use bitcoin::Amount;

/// A payment request that cannot be paid as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// No recipient at all.
    #[error("the payment has no recipient: give an address and an amount")]
    NoPayee,
    /// Recipients and amounts that do not pair up.
    #[error(
        "{to} recipients but {amounts} amounts: give one amount per recipient, in the same order"
    )]
    Unpaired {
        /// How many recipients.
        to: usize,
        /// How many amounts.
        amounts: usize,
    },
    /// The same address twice (a typo, most likely).
    #[error("address {address} is paid twice; pay it once, with the sum")]
    DuplicatePayee {
        /// The address.
        address: String,
    },
    /// An output too small for nodes to relay.
    #[error("{} is below the dust limit ({} sat) for this address; nodes would not relay it", format_with_unit(*.amount, *.chain), .dust.to_sat())]
    BelowDust {
        /// The amount asked.
        amount: Amount,
        /// The smallest amount nodes relay to this address.
        dust: Amount,
        /// The chain (for the unit).
        chain: Chain,
    },
    /// "max" among several recipients.
    #[error("\"max\" pays everything to one recipient, but this payment has {0}: give each an amount, or pay max to one")]
    MaxWithOthers(usize),
    /// The amounts add up to more than any chain holds.
    #[error("the amounts add up to more than {}", format_with_unit(crate::bitcoin::amount::MAX_AMOUNT, *.0))]
    TooMuch(Chain),
}

impl PaymentError {
    /// The stable category: always [`ErrorKind::InvalidInput`].
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }
}

impl From<PaymentError> for Error {
    fn from(e: PaymentError) -> Self {
        Error::InvalidInput(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_values_and_keep_the_kind() {
        let cases = [
            (PaymentError::NoPayee, "no recipient"),
            (
                PaymentError::Unpaired { to: 2, amounts: 1 },
                "2 recipients but 1 amounts",
            ),
            (
                PaymentError::DuplicatePayee {
                    address: "bc1qexample".into(),
                },
                "bc1qexample is paid twice",
            ),
            (
                PaymentError::BelowDust {
                    amount: Amount::from_sat(2_000),
                    dust: Amount::from_sat(2_940),
                    chain: Chain::Litecoin,
                },
                "below the dust limit (2940 sat)",
            ),
            (PaymentError::TooMuch(Chain::Bitcoin), "add up to more than"),
            (PaymentError::MaxWithOthers(2), "this payment has 2"),
        ];
        for (e, want) in cases {
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert!(e.to_string().contains(want), "{e}");
            let core: Error = e.into();
            assert_eq!(core.kind(), ErrorKind::InvalidInput);
            assert!(core.to_string().contains(want), "{core}");
        }
    }
}
