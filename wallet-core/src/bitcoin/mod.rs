//! Bitcoin-family chains (Bitcoin, Litecoin): networks, addresses, WIF, taproot
//! tweaks. One code path for every chain: the network is a parameter.

mod address;
pub mod amount;
pub mod bip322;
pub mod coin_selection;
pub mod descriptor;
pub mod message;
mod network;
pub mod payment;
pub mod psbt;
pub mod psbt_v2;
pub mod taproot;
mod wif;

pub use address::{p2wpkh_script, Address, AddressType, Payload};
pub use network::{Chain, Network, NetworkParams};
pub use wif::Wif;

/// rust-bitcoin's unit and id types, which this module's APIs use.
pub use ::bitcoin::{Amount, FeeRate, OutPoint, Txid, Weight};
