//! Ethereum transactions, one type per EIP in alloy's layout: [`TxLegacy`]
//! (EIP-155), [`TxEip2930`] (access lists), [`TxEip1559`] (fee market),
//! [`TxEip4844`] (blob versioned hashes, without the sidecar) and
//! [`TxEip7702`] (set-code authorizations), joined in [`Transaction`]. Each
//! type holds only the fields its EIP defines, so a legacy transaction with
//! an access list, a typed one without a chain id, or a blob transaction
//! creating a contract cannot be built; what types cannot say (a priority
//! fee above the max fee, an EIP-155 chain id too large for `v`) is checked
//! before signing. RLP with alloy-rlp; decoding is in `decode.rs`.

mod build;
mod decode;
mod eip1559;
mod eip2930;
mod eip4844;
mod eip7702;
mod legacy;

pub use build::{BlobFields, Fees, TxFields};
pub use eip1559::TxEip1559;
pub use eip2930::{parse_access_list, AccessListItem, TxEip2930};
pub use eip4844::{TxEip4844, VersionedHash, BLOB_GAS_PER_BLOB};
pub use eip7702::{
    parse_authorizations, resolve_authorizations, AuthChain, Authorization, AuthorizationItem,
    SignedAuthorization, TxEip7702,
};
pub use legacy::{TxLegacy, MAX_EIP155_CHAIN_ID};

use super::address::Address;
use super::units::{ChainId, Gas, Nonce, Wei};
use crate::ecdsa::{self, RecoverableSignature};
use crate::error::{Error, ErrorKind, Result};
use crate::hash::keccak256;
use crate::key::PrivateKey;
use alloy_primitives::U256;
use alloy_rlp::{BufMut, Decodable, Encodable, Header};
use core::fmt;

/// Where a transaction goes: a call to an account, or a contract creation
/// (whose input is the init code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxKind {
    /// Creates a contract.
    Create,
    /// Calls (or pays) this account.
    Call(Address),
}

impl TxKind {
    /// The recipient; `None` for a creation.
    #[must_use]
    pub fn to(&self) -> Option<Address> {
        match self {
            TxKind::Create => None,
            TxKind::Call(a) => Some(*a),
        }
    }

    /// The destination a request names: a recipient, or an explicit
    /// creation with init code. A request with neither is refused (a
    /// forgotten recipient would otherwise create an empty contract and
    /// lock the value in it), as is one with both, or a creation without
    /// code.
    pub fn from_request(to: Option<Address>, create: bool, input: &[u8]) -> Result<Self, TxError> {
        match (to, create) {
            (Some(a), false) => Ok(TxKind::Call(a)),
            (None, true) if !input.is_empty() => Ok(TxKind::Create),
            (None, true) => Err(TxError::CreateWithoutCode),
            (None, false) => Err(TxError::NoRecipient),
            (Some(_), true) => Err(TxError::CreateWithRecipient),
        }
    }
}

/// The EIP-2718 transaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum TxType {
    /// Untyped (EIP-155 or pre-EIP-155).
    Legacy = 0,
    /// EIP-2930.
    Eip2930 = 1,
    /// EIP-1559.
    Eip1559 = 2,
    /// EIP-4844 blob transaction.
    Eip4844 = 3,
    /// EIP-7702 set-code transaction.
    Eip7702 = 4,
}

impl TxType {
    /// The type byte.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The typed transaction a leading byte announces (`None` for bytes
    /// that are not a known type; legacy transactions have no type byte).
    #[must_use]
    pub const fn from_type_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(TxType::Eip2930),
            2 => Some(TxType::Eip1559),
            3 => Some(TxType::Eip4844),
            4 => Some(TxType::Eip7702),
            _ => None,
        }
    }
}

impl fmt::Display for TxType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxType::Legacy => f.write_str("legacy"),
            TxType::Eip2930 => f.write_str("EIP-2930"),
            TxType::Eip1559 => f.write_str("EIP-1559"),
            TxType::Eip4844 => f.write_str("EIP-4844"),
            TxType::Eip7702 => f.write_str("EIP-7702"),
        }
    }
}

/// A transaction hash: keccak256 of the signed transaction's canonical bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxHash(pub [u8; 32]);

impl TxHash {
    /// The bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for TxHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for TxHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TxHash({self})")
    }
}

impl core::str::FromStr for TxHash {
    type Err = Error;

    /// Parses `0x` + 64 hex digits.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let mut h = [0u8; 32];
        hex::decode_to_slice(t.strip_prefix("0x").unwrap_or(t), &mut h)
            .map_err(|_| Error::input("a transaction hash is 0x and 64 hex digits"))?;
        Ok(TxHash(h))
    }
}

/// Why a transaction cannot be built, signed or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// EIP-155's `v = chainId·2 + 35 + yParity` must fit the 64 bits every
    /// client decodes it into.
    #[error("chain id {chain_id} is too large for a legacy (EIP-155) transaction (at most {MAX_EIP155_CHAIN_ID}); use an EIP-1559 or EIP-2930 transaction")]
    ChainIdTooLarge {
        /// The chain id asked for.
        chain_id: u64,
    },
    /// An EIP-1559-style priority fee above the max fee.
    #[error("the priority fee ({priority} wei) is larger than the max fee per gas ({max} wei)")]
    PriorityFeeAboveMaxFee {
        /// The priority fee.
        priority: Wei,
        /// The max fee.
        max: Wei,
    },
    /// A blob transaction must carry at least one blob.
    #[error("a blob (EIP-4844) transaction needs at least one blob versioned hash")]
    NoBlobHashes,
    /// A set-code transaction must carry at least one authorization.
    #[error("a set-code (EIP-7702) transaction needs at least one authorization")]
    EmptyAuthorizationList,
    /// Legacy transactions have no access list.
    #[error("legacy transactions have no access list; use an EIP-2930 or EIP-1559 transaction")]
    LegacyAccessList,
    /// Blob and set-code transactions are priced like EIP-1559 ones.
    #[error("{ty} transactions take a max fee and a priority fee, not a gas price")]
    NeedsEip1559Fees {
        /// The type asked for.
        ty: TxType,
    },
    /// Blob and set-code transactions always have a recipient.
    #[error("{ty} transactions cannot create a contract: they need a recipient")]
    CannotCreate {
        /// The type asked for.
        ty: TxType,
    },
    /// Blobs and authorizations belong to different types.
    #[error("a transaction carries blob versioned hashes or authorizations, not both")]
    BlobsAndAuthorizations,
    /// Neither a recipient nor an explicit creation.
    #[error("no recipient: give one, or ask for a contract creation explicitly (with its init code as the data)")]
    NoRecipient,
    /// A creation must carry code.
    #[error("a contract creation needs its init code as the data")]
    CreateWithoutCode,
    /// A creation has no recipient.
    #[error("a contract creation has no recipient: give one or the other")]
    CreateWithRecipient,
    /// An authorization for another chain: nodes would skip it.
    #[error("authorization {index} is for chain id {chain_id}, but the transaction is for chain id {tx_chain_id} (0 authorizes on every chain)")]
    AuthorizationChain {
        /// Its position in the list (from 0).
        index: usize,
        /// The chain id it is valid on.
        chain_id: u64,
        /// The transaction's.
        tx_chain_id: u64,
    },
    /// An authorization whose signature recovers no account.
    #[error("authorization {index} has an invalid signature: {reason}")]
    InvalidAuthorization {
        /// Its position in the list (from 0).
        index: usize,
        /// Why.
        reason: String,
    },
    /// The sender's own authorization at the wrong nonce: the transaction
    /// takes the sender's nonce first, so its authorization must be for the
    /// next one, or the node skips it (and still charges for it).
    #[error("authorization {index} is the sender's own, for nonce {found}, but it must be for nonce {expected} (the transaction's nonce + 1, since the transaction uses its nonce first)")]
    SelfAuthorizationNonce {
        /// Its position in the list (from 0).
        index: usize,
        /// The transaction's nonce + 1.
        expected: u64,
        /// The authorization's.
        found: u64,
    },
    /// The bytes are not a valid signed transaction.
    #[error("not a valid signed transaction: {0}")]
    Decode(String),
}

impl TxError {
    /// The stable kind.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }

    pub(crate) fn decode(m: impl fmt::Display) -> Self {
        TxError::Decode(m.to_string())
    }
}

impl From<TxError> for Error {
    fn from(e: TxError) -> Self {
        Error::InvalidInput(e.to_string())
    }
}

/// An unsigned transaction of any type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transaction {
    /// Type 0.
    Legacy(TxLegacy),
    /// Type 1.
    Eip2930(TxEip2930),
    /// Type 2.
    Eip1559(TxEip1559),
    /// Type 3.
    Eip4844(TxEip4844),
    /// Type 4.
    Eip7702(TxEip7702),
}

macro_rules! from_types {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for Transaction {
            fn from(tx: $ty) -> Self {
                Transaction::$variant(tx)
            }
        }
    )*};
}
from_types!(
    Legacy(TxLegacy),
    Eip2930(TxEip2930),
    Eip1559(TxEip1559),
    Eip4844(TxEip4844),
    Eip7702(TxEip7702)
);

/// The fields every type has, borrowed.
struct Common<'a> {
    nonce: Nonce,
    gas_limit: Gas,
    to: TxKind,
    value: Wei,
    input: &'a [u8],
}

impl Transaction {
    /// The EIP-2718 type.
    #[must_use]
    pub fn tx_type(&self) -> TxType {
        match self {
            Transaction::Legacy(_) => TxType::Legacy,
            Transaction::Eip2930(_) => TxType::Eip2930,
            Transaction::Eip1559(_) => TxType::Eip1559,
            Transaction::Eip4844(_) => TxType::Eip4844,
            Transaction::Eip7702(_) => TxType::Eip7702,
        }
    }

    fn common(&self) -> Common<'_> {
        match self {
            Transaction::Legacy(t) => Common {
                nonce: t.nonce,
                gas_limit: t.gas_limit,
                to: t.to,
                value: t.value,
                input: &t.input,
            },
            Transaction::Eip2930(t) => Common {
                nonce: t.nonce,
                gas_limit: t.gas_limit,
                to: t.to,
                value: t.value,
                input: &t.input,
            },
            Transaction::Eip1559(t) => Common {
                nonce: t.nonce,
                gas_limit: t.gas_limit,
                to: t.to,
                value: t.value,
                input: &t.input,
            },
            Transaction::Eip4844(t) => t.common(),
            Transaction::Eip7702(t) => t.common(),
        }
    }

    /// The chain id (`None` only for a pre-EIP-155 legacy transaction).
    #[must_use]
    pub fn chain_id(&self) -> Option<ChainId> {
        match self {
            Transaction::Legacy(t) => t.chain_id,
            Transaction::Eip2930(t) => Some(t.chain_id),
            Transaction::Eip1559(t) => Some(t.chain_id),
            Transaction::Eip4844(t) => Some(t.chain_id),
            Transaction::Eip7702(t) => Some(t.chain_id),
        }
    }

    /// The sender's nonce.
    #[must_use]
    pub fn nonce(&self) -> Nonce {
        self.common().nonce
    }

    /// The gas limit.
    #[must_use]
    pub fn gas_limit(&self) -> Gas {
        self.common().gas_limit
    }

    /// The destination.
    #[must_use]
    pub fn kind(&self) -> TxKind {
        self.common().to
    }

    /// The recipient; `None` for a contract creation.
    #[must_use]
    pub fn to(&self) -> Option<Address> {
        self.common().to.to()
    }

    /// The value sent.
    #[must_use]
    pub fn value(&self) -> Wei {
        self.common().value
    }

    /// The call data (or init code).
    #[must_use]
    pub fn input(&self) -> &[u8] {
        self.common().input
    }

    /// The access list (`None` for legacy transactions, which have none).
    #[must_use]
    pub fn access_list(&self) -> Option<&[AccessListItem]> {
        match self {
            Transaction::Legacy(_) => None,
            Transaction::Eip2930(t) => Some(&t.access_list),
            Transaction::Eip1559(t) => Some(&t.access_list),
            Transaction::Eip4844(t) => Some(&t.access_list),
            Transaction::Eip7702(t) => Some(&t.access_list),
        }
    }

    /// The gas price (types 0 and 1).
    #[must_use]
    pub fn gas_price(&self) -> Option<Wei> {
        match self {
            Transaction::Legacy(t) => Some(t.gas_price),
            Transaction::Eip2930(t) => Some(t.gas_price),
            _ => None,
        }
    }

    /// The max fee and the max priority fee per gas (types 2, 3 and 4).
    #[must_use]
    pub fn eip1559_fees(&self) -> Option<(Wei, Wei)> {
        match self {
            Transaction::Legacy(_) | Transaction::Eip2930(_) => None,
            Transaction::Eip1559(t) => Some((t.max_fee_per_gas, t.max_priority_fee_per_gas)),
            Transaction::Eip4844(t) => Some((t.max_fee_per_gas, t.max_priority_fee_per_gas)),
            Transaction::Eip7702(t) => Some((t.max_fee_per_gas, t.max_priority_fee_per_gas)),
        }
    }

    /// The most a unit of gas can cost: the gas price, or the max fee.
    #[must_use]
    pub fn max_price_per_gas(&self) -> Wei {
        self.gas_price()
            .or_else(|| self.eip1559_fees().map(|(max, _)| max))
            .unwrap_or_default()
    }

    /// The most the sender can pay: value + gas limit × max price, plus
    /// blob gas × max blob fee for blob transactions; `None` on overflow.
    #[must_use]
    pub fn max_cost(&self) -> Option<Wei> {
        let mut cost = self
            .max_price_per_gas()
            .checked_mul_gas(self.gas_limit())?
            .checked_add(self.value())?;
        if let Transaction::Eip4844(t) = self {
            cost = cost.checked_add(t.max_blob_cost()?)?;
        }
        Some(cost)
    }

    /// The checks types cannot express; run before signing and hashing.
    pub fn check(&self) -> Result<(), TxError> {
        if let Transaction::Legacy(t) = self {
            t.check()?;
        }
        if let Some((max, priority)) = self.eip1559_fees() {
            if priority > max {
                return Err(TxError::PriorityFeeAboveMaxFee { priority, max });
            }
        }
        match self {
            Transaction::Eip4844(t) if t.blob_versioned_hashes.is_empty() => {
                Err(TxError::NoBlobHashes)
            }
            Transaction::Eip7702(t) if t.authorization_list.is_empty() => {
                Err(TxError::EmptyAuthorizationList)
            }
            _ => Ok(()),
        }
    }

    fn encode_fields(&self, out: &mut Vec<u8>) {
        match self {
            Transaction::Legacy(t) => t.encode_fields(out),
            Transaction::Eip2930(t) => t.encode_fields(out),
            Transaction::Eip1559(t) => t.encode_fields(out),
            Transaction::Eip4844(t) => t.encode_fields(out),
            Transaction::Eip7702(t) => t.encode_fields(out),
        }
    }

    /// The bytes whose keccak256 is signed.
    pub fn signing_payload(&self) -> Result<Vec<u8>> {
        self.check()?;
        let mut fields = Vec::with_capacity(128 + self.input().len());
        self.encode_fields(&mut fields);
        if let Transaction::Legacy(t) = self {
            t.encode_eip155_tail(&mut fields);
        }
        Ok(wrap(self.tx_type(), &fields))
    }

    /// keccak256 of the signing payload.
    pub fn signing_hash(&self) -> Result<[u8; 32]> {
        Ok(keccak256(&self.signing_payload()?))
    }

    /// Signs with `key` (RFC 6979, low-S).
    pub fn sign(self, key: &PrivateKey) -> Result<SignedTransaction> {
        let hash = self.signing_hash()?;
        let signature = sign_hash(key, &hash)?;
        Ok(SignedTransaction {
            tx: self,
            signature,
        })
    }
}

/// An ECDSA signature Ethereum can encode (a y parity of 0 or 1).
pub(crate) fn sign_hash(key: &PrivateKey, hash: &[u8; 32]) -> Result<RecoverableSignature> {
    let signature = ecdsa::sign_prehash(key, hash)?;
    if signature.recovery_id > 1 {
        // R.x ≥ n happens with probability ~2^-128; Ethereum cannot encode it.
        return Err(Error::Internal("signature recovery id above 1".into()));
    }
    Ok(signature)
}

/// A signed transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    /// The transaction.
    pub tx: Transaction,
    /// Its signature.
    pub signature: RecoverableSignature,
}

impl SignedTransaction {
    /// The `v` value: `yParity` for typed transactions, `chainId·2 + 35 + yParity`
    /// for EIP-155 legacy ones, `27 + yParity` for pre-EIP-155 ones.
    #[must_use]
    pub fn v(&self) -> u64 {
        let y = u64::from(self.signature.recovery_id & 1);
        match &self.tx {
            Transaction::Legacy(t) => t.v(y),
            _ => y,
        }
    }

    /// The raw signed transaction (what `eth_sendRawTransaction` takes).
    #[must_use]
    pub fn to_raw(&self) -> Vec<u8> {
        let mut fields = Vec::with_capacity(200 + self.tx.input().len());
        self.tx.encode_fields(&mut fields);
        self.v().encode(&mut fields);
        U256::from_be_bytes(self.signature.r).encode(&mut fields);
        U256::from_be_bytes(self.signature.s).encode(&mut fields);
        wrap(self.tx.tx_type(), &fields)
    }

    /// The transaction hash: keccak256 of the raw bytes.
    #[must_use]
    pub fn hash(&self) -> TxHash {
        TxHash(keccak256(&self.to_raw()))
    }

    /// The sender, recovered from the signature.
    pub fn sender(&self) -> Result<Address> {
        let hash = self.tx.signing_hash()?;
        let pk = ecdsa::recover(&hash, &self.signature)?;
        Ok(Address::from_public_key(&pk))
    }
}

/// `type || rlp_list(fields)` (no type byte for legacy transactions).
fn wrap(ty: TxType, fields: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fields.len() + 10);
    if ty != TxType::Legacy {
        out.push(ty.as_u8());
    }
    rlp_list(fields, &mut out);
    out
}

/// Appends the RLP list whose payload is `payload`.
fn rlp_list(payload: &[u8], out: &mut Vec<u8>) {
    Header {
        list: true,
        payload_length: payload.len(),
    }
    .encode(out);
    out.extend_from_slice(payload);
}

fn decode_input(buf: &mut &[u8]) -> alloy_rlp::Result<Vec<u8>> {
    Ok(Header::decode_bytes(buf, false)?.to_vec())
}

macro_rules! rlp_newtype {
    ($($t:ty => $inner:ty),*) => {$(
        impl Encodable for $t {
            fn encode(&self, out: &mut dyn BufMut) {
                self.0.encode(out);
            }
            fn length(&self) -> usize {
                self.0.length()
            }
        }
        impl Decodable for $t {
            fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
                <$inner>::decode(buf).map(Self)
            }
        }
    )*};
}
rlp_newtype!(Wei => U256, Gas => u64, Nonce => u64, ChainId => u64, Address => [u8; 20]);

impl Encodable for TxKind {
    fn encode(&self, out: &mut dyn BufMut) {
        match self {
            TxKind::Create => out.put_u8(alloy_rlp::EMPTY_STRING_CODE),
            TxKind::Call(a) => a.encode(out),
        }
    }
    fn length(&self) -> usize {
        match self {
            TxKind::Create => 1,
            TxKind::Call(a) => a.length(),
        }
    }
}

impl Decodable for TxKind {
    fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        let b = Header::decode_bytes(buf, false)?;
        match <[u8; 20]>::try_from(b) {
            Ok(a) => Ok(TxKind::Call(Address(a))),
            Err(_) if b.is_empty() => Ok(TxKind::Create),
            Err(_) => Err(alloy_rlp::Error::Custom(
                "'to' is neither empty nor 20 bytes",
            )),
        }
    }
}

#[cfg(test)]
mod tests;
