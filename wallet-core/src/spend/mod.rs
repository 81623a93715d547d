//! Payments: the wallet's policy for turning a request into a signed,
//! broadcast transaction, above the node clients of [`crate::rpc`] and the
//! chain formats of [`crate::bitcoin`] and [`crate::ethereum`] (BDK's split
//! of chain sources from the wallet).

pub mod bitcoin;
pub mod ethereum;
pub mod verified;
