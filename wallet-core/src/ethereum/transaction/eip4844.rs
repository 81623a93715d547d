//! EIP-4844 (type 3) blob transactions, as signed and as a block holds
//! them: the versioned hashes of the blobs and the max fee per blob gas.
//! The sidecar (blobs, KZG commitments and proofs) that a node wants next
//! to a new blob transaction is not built here: callers that have blobs
//! compute their versioned hashes and send the sidecar themselves.

use super::{decode_input, AccessListItem, Common, TxError, TxKind};
use crate::ethereum::address::Address;
use crate::ethereum::units::{ChainId, Gas, Nonce, Wei};
use alloy_rlp::{Decodable, Encodable};
use core::fmt;

/// Blob gas each blob costs (EIP-4844's `GAS_PER_BLOB`).
pub const BLOB_GAS_PER_BLOB: u64 = 1 << 17;

/// The version byte of a KZG commitment's versioned hash.
const VERSIONED_HASH_VERSION_KZG: u8 = 0x01;

/// A blob's versioned hash: `0x01 || sha256(commitment)[1..]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionedHash([u8; 32]);

impl VersionedHash {
    /// The hash `bytes` spell, refused unless its version byte is KZG's (0x01).
    pub fn new(bytes: [u8; 32]) -> Result<Self, TxError> {
        if bytes[0] == VERSIONED_HASH_VERSION_KZG {
            Ok(Self(bytes))
        } else {
            Err(TxError::decode(format!(
                "a blob versioned hash starts with version byte 0x01, not 0x{:02x}",
                bytes[0]
            )))
        }
    }

    /// Parses `0x` + 64 hex digits.
    pub fn parse(s: &str) -> Result<Self, TxError> {
        let t = s.trim();
        let mut b = [0u8; 32];
        hex::decode_to_slice(t.strip_prefix("0x").unwrap_or(t), &mut b)
            .map_err(|_| TxError::decode("a blob versioned hash is 0x and 64 hex digits"))?;
        Self::new(b)
    }

    /// The bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for VersionedHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for VersionedHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VersionedHash({self})")
    }
}

impl Encodable for VersionedHash {
    fn encode(&self, out: &mut dyn alloy_rlp::BufMut) {
        self.0.encode(out);
    }
    fn length(&self) -> usize {
        self.0.length()
    }
}

impl Decodable for VersionedHash {
    fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        let b = <[u8; 32]>::decode(buf)?;
        Self::new(b).map_err(|_| {
            alloy_rlp::Error::Custom("a blob versioned hash has a version other than 0x01")
        })
    }
}

/// An EIP-4844 blob transaction (without its sidecar).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxEip4844 {
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
    /// Recipient (blob transactions cannot create contracts).
    pub to: Address,
    /// Value sent.
    pub value: Wei,
    /// Call data.
    pub input: Vec<u8>,
    /// Accounts and slots warmed in advance.
    pub access_list: Vec<AccessListItem>,
    /// The most paid per unit of blob gas.
    pub max_fee_per_blob_gas: Wei,
    /// One per blob.
    pub blob_versioned_hashes: Vec<VersionedHash>,
}

impl TxEip4844 {
    pub(super) fn common(&self) -> Common<'_> {
        Common {
            nonce: self.nonce,
            gas_limit: self.gas_limit,
            to: TxKind::Call(self.to),
            value: self.value,
            input: &self.input,
        }
    }

    /// Blob gas × max fee per blob gas; `None` on overflow.
    #[must_use]
    pub fn max_blob_cost(&self) -> Option<Wei> {
        let blobs = u64::try_from(self.blob_versioned_hashes.len()).ok()?;
        self.max_fee_per_blob_gas
            .checked_mul_gas(Gas(blobs.checked_mul(BLOB_GAS_PER_BLOB)?))
    }

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
        self.max_fee_per_blob_gas.encode(out);
        self.blob_versioned_hashes.encode(out);
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
            max_fee_per_blob_gas: Decodable::decode(buf)?,
            blob_versioned_hashes: Decodable::decode(buf)?,
        })
    }
}
