//! EIP-1559 (type 2) transactions: a max fee and a priority fee per gas.

use super::{decode_input, AccessListItem, TxKind};
use crate::ethereum::units::{ChainId, Gas, Nonce, Wei};
use alloy_rlp::{Decodable, Encodable};

/// An EIP-1559 transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxEip1559 {
    /// Chain id.
    pub chain_id: ChainId,
    /// The sender's nonce.
    pub nonce: Nonce,
    /// The gas limit.
    pub gas_limit: Gas,
    /// The most paid per gas, base fee included.
    pub max_fee_per_gas: Wei,
    /// The most paid per gas to the block producer, above the base fee.
    pub max_priority_fee_per_gas: Wei,
    /// Recipient, or a creation.
    pub to: TxKind,
    /// Value sent.
    pub value: Wei,
    /// Call data, or init code.
    pub input: Vec<u8>,
    /// Accounts and slots warmed in advance.
    pub access_list: Vec<AccessListItem>,
}

impl TxEip1559 {
    pub(super) fn encode_fields(&self, out: &mut Vec<u8>) {
        self.chain_id.encode(out);
        self.nonce.encode(out);
        self.max_priority_fee_per_gas.encode(out);
        self.max_fee_per_gas.encode(out);
        self.gas_limit.encode(out);
        self.to.encode(out);
        self.value.encode(out);
        self.input.as_slice().encode(out);
        self.access_list.encode(out);
    }

    pub(super) fn decode_fields(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        let chain_id = Decodable::decode(buf)?;
        let nonce = Decodable::decode(buf)?;
        let max_priority_fee_per_gas = Decodable::decode(buf)?;
        let max_fee_per_gas = Decodable::decode(buf)?;
        Ok(Self {
            chain_id,
            nonce,
            gas_limit: Decodable::decode(buf)?,
            max_fee_per_gas,
            max_priority_fee_per_gas,
            to: Decodable::decode(buf)?,
            value: Decodable::decode(buf)?,
            input: decode_input(buf)?,
            access_list: Decodable::decode(buf)?,
        })
    }
}
