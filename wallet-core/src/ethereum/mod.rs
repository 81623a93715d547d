//! Ethereum: EIP-55 addresses, typed quantities, transactions (legacy/EIP-155,
//! EIP-2930, EIP-1559, EIP-4844 blob and EIP-7702 set-code transactions and
//! authorizations), EIP-191 messages and EIP-712 typed data.

mod address;
pub mod eip712;
pub mod message;
pub mod transaction;
pub mod units;

pub use address::Address;
pub use eip712::TypedData;
pub use message::Signature;
pub use transaction::{
    AccessListItem, AuthChain, Authorization, AuthorizationItem, BlobFields, Fees,
    SignedAuthorization, SignedTransaction, Transaction, TxEip1559, TxEip2930, TxEip4844,
    TxEip7702, TxError, TxFields, TxHash, TxKind, TxLegacy, TxType, VersionedHash,
};
pub use units::{ChainId, Gas, Nonce, Unit, Wei};
