//! Legacy (type 0) transactions: a gas price, and EIP-155 replay protection
//! when a chain id is set (pre-EIP-155 ones, which any chain accepts, only
//! come from decoding).

use super::{decode_input, TxError, TxKind};
use crate::ethereum::units::{ChainId, Gas, Nonce, Wei};
use alloy_rlp::{Decodable, Encodable};

/// The largest chain id a legacy transaction can sign for: EIP-155's
/// `v = chainId·2 + 35 + yParity` must fit the 64 bits clients decode it into.
pub const MAX_EIP155_CHAIN_ID: u64 = (u64::MAX - 36) / 2;

/// A legacy transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxLegacy {
    /// EIP-155 chain id; `None` for a pre-EIP-155 transaction.
    pub chain_id: Option<ChainId>,
    /// The sender's nonce.
    pub nonce: Nonce,
    /// The price of each unit of gas.
    pub gas_price: Wei,
    /// The gas limit.
    pub gas_limit: Gas,
    /// Recipient, or a creation.
    pub to: TxKind,
    /// Value sent.
    pub value: Wei,
    /// Call data, or init code.
    pub input: Vec<u8>,
}

impl TxLegacy {
    pub(super) fn check(&self) -> Result<(), TxError> {
        match self.chain_id {
            Some(c) if c.0 > MAX_EIP155_CHAIN_ID => Err(TxError::ChainIdTooLarge { chain_id: c.0 }),
            _ => Ok(()),
        }
    }

    pub(super) fn encode_fields(&self, out: &mut Vec<u8>) {
        self.nonce.encode(out);
        self.gas_price.encode(out);
        self.gas_limit.encode(out);
        self.to.encode(out);
        self.value.encode(out);
        self.input.as_slice().encode(out);
    }

    /// EIP-155 signs `chainId, 0, 0` after the fields.
    pub(super) fn encode_eip155_tail(&self, out: &mut Vec<u8>) {
        if let Some(c) = self.chain_id {
            c.encode(out);
            0u8.encode(out);
            0u8.encode(out);
        }
    }

    /// `v` for a signature of y parity `y`.
    pub(super) fn v(&self, y: u64) -> u64 {
        match self.chain_id {
            // `check` keeps chain ids small enough for this.
            Some(c) => c.0.saturating_mul(2).saturating_add(35 + y),
            None => 27 + y,
        }
    }

    /// The fields before the signature (the chain id comes from `v`).
    pub(super) fn decode_fields(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        Ok(Self {
            chain_id: None,
            nonce: Decodable::decode(buf)?,
            gas_price: Decodable::decode(buf)?,
            gas_limit: Decodable::decode(buf)?,
            to: Decodable::decode(buf)?,
            value: Decodable::decode(buf)?,
            input: decode_input(buf)?,
        })
    }

    /// The chain id and y parity a legacy `v` encodes.
    pub(super) fn split_v(v: u64) -> Result<(Option<ChainId>, u8), TxError> {
        match v {
            27 | 28 => Ok((None, (v - 27) as u8)),
            v if v >= 35 => Ok((Some(ChainId((v - 35) / 2)), ((v - 35) % 2) as u8)),
            _ => Err(TxError::decode(format!(
                "legacy v = {v} is neither 27/28 nor EIP-155"
            ))),
        }
    }
}
