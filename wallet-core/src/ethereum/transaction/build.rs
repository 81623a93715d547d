//! From what a user gives to one transaction type: the fee model names the
//! type (a gas price, or a max fee and a priority fee), blob hashes make it
//! a blob transaction and authorizations a set-code one; combinations no
//! type can hold are refused here, before anything is signed.

use super::{
    AccessListItem, SignedAuthorization, Transaction, TxEip1559, TxEip2930, TxEip4844, TxEip7702,
    TxError, TxKind, TxLegacy, TxType, VersionedHash,
};
use crate::ethereum::units::{ChainId, Gas, Nonce, Wei};

/// How a transaction is priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fees {
    /// A gas price, in a legacy (EIP-155) transaction.
    Legacy {
        /// Gas price.
        gas_price: Wei,
    },
    /// A gas price, in an EIP-2930 transaction.
    AccessList {
        /// Gas price.
        gas_price: Wei,
    },
    /// A max fee and a priority fee (EIP-1559, and blob and set-code
    /// transactions).
    Eip1559 {
        /// Max fee per gas.
        max_fee: Wei,
        /// Max priority fee per gas.
        max_priority_fee: Wei,
    },
}

impl Fees {
    /// The fee model given prices name: a max fee and a priority fee
    /// (EIP-1559), or a gas price (EIP-2930, or legacy when `legacy`).
    /// `None` for any other combination.
    #[must_use]
    pub fn from_prices(
        max_fee: Option<Wei>,
        priority_fee: Option<Wei>,
        gas_price: Option<Wei>,
        legacy: bool,
    ) -> Option<Self> {
        match (max_fee, priority_fee, gas_price) {
            (Some(max_fee), Some(max_priority_fee), None) if !legacy => Some(Fees::Eip1559 {
                max_fee,
                max_priority_fee,
            }),
            (None, None, Some(gas_price)) if legacy => Some(Fees::Legacy { gas_price }),
            (None, None, Some(gas_price)) => Some(Fees::AccessList { gas_price }),
            _ => None,
        }
    }

    /// The most a unit of gas can cost.
    #[must_use]
    pub fn max_price(&self) -> Wei {
        match self {
            Fees::Legacy { gas_price } | Fees::AccessList { gas_price } => *gas_price,
            Fees::Eip1559 { max_fee, .. } => *max_fee,
        }
    }
}

/// The blob part of a blob transaction (the sidecar itself is the caller's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobFields {
    /// The most paid per unit of blob gas.
    pub max_fee_per_blob_gas: Wei,
    /// One versioned hash per blob.
    pub versioned_hashes: Vec<VersionedHash>,
}

/// Every field a user can give, before the transaction type is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxFields {
    /// Chain id.
    pub chain_id: ChainId,
    /// The sender's nonce.
    pub nonce: Nonce,
    /// The gas limit.
    pub gas_limit: Gas,
    /// The pricing (and so the type, unless blobs or authorizations say).
    pub fees: Fees,
    /// Recipient, or a creation.
    pub to: TxKind,
    /// Value sent.
    pub value: Wei,
    /// Call data, or init code.
    pub input: Vec<u8>,
    /// Access list (typed transactions only).
    pub access_list: Vec<AccessListItem>,
    /// Makes it a blob (type 3) transaction.
    pub blob: Option<BlobFields>,
    /// Makes it a set-code (type 4) transaction (the list may still be
    /// completed, by the sender's own authorizations, before signing).
    pub authorizations: Option<Vec<SignedAuthorization>>,
}

impl TxFields {
    /// The transaction these fields describe.
    pub fn build(self) -> Result<Transaction, TxError> {
        let ty = match (&self.blob, &self.authorizations, &self.fees) {
            (Some(_), Some(_), _) => return Err(TxError::BlobsAndAuthorizations),
            (Some(_), None, _) => TxType::Eip4844,
            (None, Some(_), _) => TxType::Eip7702,
            (None, None, Fees::Legacy { .. }) => TxType::Legacy,
            (None, None, Fees::AccessList { .. }) => TxType::Eip2930,
            (None, None, Fees::Eip1559 { .. }) => TxType::Eip1559,
        };
        match self.fees {
            Fees::Legacy { gas_price } if ty == TxType::Legacy => self.legacy(gas_price),
            Fees::AccessList { gas_price } if ty == TxType::Eip2930 => Ok(self.eip2930(gas_price)),
            Fees::Eip1559 {
                max_fee,
                max_priority_fee,
            } => self.eip1559_family(max_fee, max_priority_fee),
            _ => Err(TxError::NeedsEip1559Fees { ty }),
        }
    }

    fn legacy(self, gas_price: Wei) -> Result<Transaction, TxError> {
        if !self.access_list.is_empty() {
            return Err(TxError::LegacyAccessList);
        }
        Ok(Transaction::Legacy(TxLegacy {
            chain_id: Some(self.chain_id),
            nonce: self.nonce,
            gas_price,
            gas_limit: self.gas_limit,
            to: self.to,
            value: self.value,
            input: self.input,
        }))
    }

    fn eip2930(self, gas_price: Wei) -> Transaction {
        Transaction::Eip2930(TxEip2930 {
            chain_id: self.chain_id,
            nonce: self.nonce,
            gas_price,
            gas_limit: self.gas_limit,
            to: self.to,
            value: self.value,
            input: self.input,
            access_list: self.access_list,
        })
    }

    fn eip1559_family(self, max_fee: Wei, priority: Wei) -> Result<Transaction, TxError> {
        let to = match (&self.blob, &self.authorizations, self.to) {
            (None, None, _) => None,
            (_, _, TxKind::Call(a)) => Some(a),
            (Some(_), _, TxKind::Create) => {
                return Err(TxError::CannotCreate {
                    ty: TxType::Eip4844,
                })
            }
            (None, Some(_), TxKind::Create) => {
                return Err(TxError::CannotCreate {
                    ty: TxType::Eip7702,
                })
            }
        };
        Ok(match (to, self.blob, self.authorizations) {
            (Some(to), Some(blob), _) => Transaction::Eip4844(TxEip4844 {
                chain_id: self.chain_id,
                nonce: self.nonce,
                gas_limit: self.gas_limit,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: priority,
                to,
                value: self.value,
                input: self.input,
                access_list: self.access_list,
                max_fee_per_blob_gas: blob.max_fee_per_blob_gas,
                blob_versioned_hashes: blob.versioned_hashes,
            }),
            (Some(to), None, Some(authorization_list)) => Transaction::Eip7702(TxEip7702 {
                chain_id: self.chain_id,
                nonce: self.nonce,
                gas_limit: self.gas_limit,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: priority,
                to,
                value: self.value,
                input: self.input,
                access_list: self.access_list,
                authorization_list,
            }),
            _ => Transaction::Eip1559(TxEip1559 {
                chain_id: self.chain_id,
                nonce: self.nonce,
                gas_limit: self.gas_limit,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: priority,
                to: self.to,
                value: self.value,
                input: self.input,
                access_list: self.access_list,
            }),
        })
    }
}
