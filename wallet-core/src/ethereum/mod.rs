//! Ethereum: EIP-55 addresses.

mod address;

pub use address::Address;
