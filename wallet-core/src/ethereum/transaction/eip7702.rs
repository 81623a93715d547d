//! EIP-7702 (type 4) set-code transactions and the authorizations they
//! carry: an account's signature, with the `0x05` magic, over
//! `rlp([chain_id, address, nonce])`, which lets the account run the code
//! of `address` as its own. Chain id 0 authorizes on every chain.

use super::{decode_input, rlp_list, sign_hash, AccessListItem, Common, TxError, TxKind};
use crate::ecdsa::{self, RecoverableSignature};
use crate::error::{Error, Result};
use crate::ethereum::address::Address;
use crate::ethereum::units::{ChainId, Gas, Nonce, Wei};
use crate::hash::keccak256;
use crate::key::PrivateKey;
use alloy_primitives::U256;
use alloy_rlp::{Decodable, Encodable, Header};

/// EIP-7702's `MAGIC`, the domain of authorization signatures.
const AUTHORIZATION_MAGIC: u8 = 0x05;

/// The chains an authorization is valid on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthChain {
    /// Every chain (chain id 0): a replay on any chain delegates too.
    Any,
    /// One chain.
    Only(ChainId),
}

impl AuthChain {
    /// The chain id an authorization encodes (0 for any chain).
    #[must_use]
    pub fn id(&self) -> u64 {
        match self {
            AuthChain::Any => 0,
            AuthChain::Only(c) => c.0,
        }
    }

    /// The chains chain id `id` names (0: any).
    #[must_use]
    pub fn from_id(id: u64) -> Self {
        if id == 0 {
            AuthChain::Any
        } else {
            AuthChain::Only(ChainId(id))
        }
    }

    /// Whether an authorization for these chains applies on `chain`.
    #[must_use]
    pub fn allows(&self, chain: ChainId) -> bool {
        match self {
            AuthChain::Any => true,
            AuthChain::Only(c) => *c == chain,
        }
    }
}

/// What an account authorizes: to run the code at `address`, on `chain`,
/// while its nonce is `nonce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Authorization {
    /// The chains it is valid on.
    pub chain: AuthChain,
    /// The contract whose code the account takes (the zero address clears
    /// a delegation).
    pub address: Address,
    /// The authorizing account's nonce when the authorization is applied
    /// (its transaction's nonce + 1 when it sends that transaction itself).
    pub nonce: Nonce,
}

impl Authorization {
    fn encode_fields(&self, out: &mut Vec<u8>) {
        self.chain.id().encode(out);
        self.address.encode(out);
        self.nonce.encode(out);
    }

    /// `keccak256(0x05 || rlp([chain_id, address, nonce]))`, what the
    /// authorizing account signs.
    #[must_use]
    pub fn signing_hash(&self) -> [u8; 32] {
        let mut fields = Vec::with_capacity(40);
        self.encode_fields(&mut fields);
        let mut msg = vec![AUTHORIZATION_MAGIC];
        rlp_list(&fields, &mut msg);
        keccak256(&msg)
    }

    /// Signs with `key` (RFC 6979, low-S).
    pub fn sign(self, key: &PrivateKey) -> Result<SignedAuthorization> {
        let signature = sign_hash(key, &self.signing_hash())?;
        Ok(SignedAuthorization {
            authorization: self,
            signature,
        })
    }
}

/// A signed authorization, as a set-code transaction carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedAuthorization {
    /// What is authorized.
    pub authorization: Authorization,
    /// The account's signature (recovery id = y parity, 0 or 1).
    pub signature: RecoverableSignature,
}

impl SignedAuthorization {
    /// The authorizing account, recovered from the signature. A high-S
    /// signature is refused, as EIP-7702 makes nodes skip it.
    pub fn authority(&self) -> Result<Address> {
        if !self.signature.is_low_s() {
            return Err(Error::BadSignature(
                "the authorization's s is in the upper half of the order (EIP-2 forbids it)".into(),
            ));
        }
        let pk = ecdsa::recover(&self.authorization.signing_hash(), &self.signature)?;
        Ok(Address::from_public_key(&pk))
    }

    /// The y parity (0 or 1).
    #[must_use]
    pub fn y_parity(&self) -> u8 {
        self.signature.recovery_id & 1
    }

    /// `rlp([chain_id, address, nonce, y_parity, r, s])`, the form
    /// `cast wallet sign-auth` prints.
    #[must_use]
    pub fn to_rlp(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(100);
        self.encode(&mut out);
        out
    }

    /// Parses the RLP form, exactly (no trailing bytes).
    pub fn from_rlp(bytes: &[u8]) -> Result<Self, TxError> {
        let mut buf = bytes;
        let auth =
            Self::decode(&mut buf).map_err(|e| TxError::decode(format!("authorization: {e}")))?;
        if !buf.is_empty() || auth.to_rlp() != bytes {
            return Err(TxError::decode("authorization: not in canonical encoding"));
        }
        Ok(auth)
    }

    fn payload(&self) -> Vec<u8> {
        let mut fields = Vec::with_capacity(100);
        self.authorization.encode_fields(&mut fields);
        self.y_parity().encode(&mut fields);
        U256::from_be_bytes(self.signature.r).encode(&mut fields);
        U256::from_be_bytes(self.signature.s).encode(&mut fields);
        fields
    }
}

impl Encodable for SignedAuthorization {
    fn encode(&self, out: &mut dyn alloy_rlp::BufMut) {
        let payload = self.payload();
        Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(out);
        out.put_slice(&payload);
    }
    fn length(&self) -> usize {
        let n = self.payload().len();
        n + alloy_rlp::length_of_length(n)
    }
}

impl Decodable for SignedAuthorization {
    fn decode(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        let mut p = Header::decode_bytes(buf, true)?;
        let chain = U256::decode(&mut p)?;
        let chain = u64::try_from(chain)
            .map_err(|_| alloy_rlp::Error::Custom("chain id above 2^64 (no chain has one)"))?;
        let address = Address::decode(&mut p)?;
        let nonce = Nonce::decode(&mut p)?;
        let y = u8::decode(&mut p)?;
        if y > 1 {
            return Err(alloy_rlp::Error::Custom("y parity is neither 0 nor 1"));
        }
        let r = U256::decode(&mut p)?.to_be_bytes::<32>();
        let s = U256::decode(&mut p)?.to_be_bytes::<32>();
        if !p.is_empty() {
            return Err(alloy_rlp::Error::Custom("extra fields"));
        }
        let mut compact = [0u8; 64];
        compact[..32].copy_from_slice(&r);
        compact[32..].copy_from_slice(&s);
        let signature = RecoverableSignature::from_compact(&compact, y)
            .map_err(|_| alloy_rlp::Error::Custom("r or s is zero or not below the group order"))?;
        Ok(Self {
            authorization: Authorization {
                chain: AuthChain::from_id(chain),
                address,
                nonce,
            },
            signature,
        })
    }
}

/// An authorization a set-code transaction is to carry: one already
/// signed (by any account), or a delegation of the sender's own account,
/// signed by the sender's key when the transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationItem {
    /// Signed already.
    Signed(SignedAuthorization),
    /// The sender delegates to this contract: signed for the transaction's
    /// chain, at the transaction's nonce + 1 (the sender's nonce when the
    /// authorization is applied, after the transaction took its own).
    OwnDelegation(Address),
}

/// An open brace, written as an escape so that brace-counting tools read this file right.
const OPEN_BRACE: char = '\x7b';

/// Parses authorizations as people pass them: a contract address (`0x` +
/// 40 hex digits: the sender's own delegation), a signed authorization in
/// its RLP form (`0x…`, as `cast wallet sign-auth` prints), a JSON object
/// (`{"address"}` alone: an own delegation; with `raw`, or with
/// `chain_id`, `nonce`, `y_parity`, `r` and `s`: signed, as `wallet eth
/// sign-auth --json` prints), or a JSON array of any of these.
pub fn parse_authorizations(text: &str) -> Result<Vec<AuthorizationItem>> {
    let t = text.trim();
    if t.starts_with(['[', OPEN_BRACE]) {
        let v: serde_json::Value = serde_json::from_str(t)
            .map_err(|e| Error::input(format!("invalid authorization JSON: {e}")))?;
        return match v {
            serde_json::Value::Array(items) => items.iter().map(item_from_json).collect(),
            one => Ok(vec![item_from_json(&one)?]),
        };
    }
    Ok(vec![item_from_text(t)?])
}

fn item_from_text(t: &str) -> Result<AuthorizationItem> {
    let h = t.strip_prefix("0x").unwrap_or(t);
    if h.len() == 40 {
        return Ok(AuthorizationItem::OwnDelegation(t.parse()?));
    }
    let bytes = hex::decode(h).map_err(|_| {
        Error::input(
            "an authorization is a contract address, a signed authorization (RLP, 0x-hex) or JSON",
        )
    })?;
    Ok(AuthorizationItem::Signed(SignedAuthorization::from_rlp(
        &bytes,
    )?))
}

fn item_from_json(v: &serde_json::Value) -> Result<AuthorizationItem> {
    if let Some(s) = v.as_str() {
        return item_from_text(s);
    }
    let field = |k: &str| v.get(k).filter(|x| !x.is_null());
    let text = |k: &str| field(k).and_then(serde_json::Value::as_str);
    if let Some(raw) = text("raw") {
        return item_from_text(raw).and_then(|item| match item {
            AuthorizationItem::Signed(_) => Ok(item),
            AuthorizationItem::OwnDelegation(_) => Err(Error::input(
                "an authorization's raw form is its RLP, not an address",
            )),
        });
    }
    let address: Address = text("address")
        .ok_or_else(|| Error::input("an authorization needs an address"))?
        .parse()?;
    let number = |k: &str| field(k).and_then(serde_json::Value::as_u64);
    let (Some(chain_id), Some(nonce), Some(y), Some(r), Some(s)) = (
        number("chain_id"),
        number("nonce"),
        number("y_parity"),
        text("r"),
        text("s"),
    ) else {
        if ["chain_id", "nonce", "y_parity", "r", "s"]
            .iter()
            .any(|k| field(k).is_some())
        {
            return Err(Error::input(
                "a signed authorization needs chain_id, address, nonce, y_parity, r and s",
            ));
        }
        return Ok(AuthorizationItem::OwnDelegation(address));
    };
    let word = |x: &str| -> Result<[u8; 32]> {
        let u = U256::from_str_radix(x.trim_start_matches("0x"), 16)
            .map_err(|_| Error::input("an authorization's r and s are 0x-hex"))?;
        Ok(u.to_be_bytes::<32>())
    };
    let mut compact = [0u8; 64];
    compact[..32].copy_from_slice(&word(r)?);
    compact[32..].copy_from_slice(&word(s)?);
    let y = u8::try_from(y)
        .ok()
        .filter(|y| *y <= 1)
        .ok_or_else(|| Error::input("an authorization's y_parity is 0 or 1"))?;
    Ok(AuthorizationItem::Signed(SignedAuthorization {
        authorization: Authorization {
            chain: AuthChain::from_id(chain_id),
            address,
            nonce: Nonce(nonce),
        },
        signature: RecoverableSignature::from_compact(&compact, y)?,
    }))
}

/// The authorization list of a transaction from `sender` on `chain` at
/// `nonce`: own delegations signed with `sign`, and every signed one
/// checked so that none would be skipped by the node (which would still
/// charge for it): valid on this chain, a valid signature, and, for the
/// sender's own, the nonce after the transaction's.
pub fn resolve_authorizations(
    items: &[AuthorizationItem],
    sender: Address,
    chain: ChainId,
    nonce: Nonce,
    sign: &dyn Fn(Authorization) -> Result<SignedAuthorization>,
) -> Result<Vec<SignedAuthorization>> {
    let next =
        nonce.0.checked_add(1).map(Nonce).ok_or_else(|| {
            Error::input("the nonce is the last one: no authorization can follow it")
        })?;
    items
        .iter()
        .enumerate()
        .map(|(index, item)| match item {
            AuthorizationItem::OwnDelegation(address) => sign(Authorization {
                chain: AuthChain::Only(chain),
                address: *address,
                nonce: next,
            }),
            AuthorizationItem::Signed(a) => {
                check_signed(index, a, sender, chain, next).map(|()| *a)
            }
        })
        .collect()
}

fn check_signed(
    index: usize,
    a: &SignedAuthorization,
    sender: Address,
    chain: ChainId,
    next: Nonce,
) -> Result<()> {
    if !a.authorization.chain.allows(chain) {
        return Err(TxError::AuthorizationChain {
            index,
            chain_id: a.authorization.chain.id(),
            tx_chain_id: chain.0,
        }
        .into());
    }
    let authority = a.authority().map_err(|e| TxError::InvalidAuthorization {
        index,
        reason: e.to_string(),
    })?;
    if authority == sender && a.authorization.nonce != next {
        return Err(TxError::SelfAuthorizationNonce {
            index,
            expected: next.0,
            found: a.authorization.nonce.0,
        }
        .into());
    }
    Ok(())
}

/// An EIP-7702 set-code transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxEip7702 {
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
    /// Recipient (set-code transactions cannot create contracts).
    pub to: Address,
    /// Value sent.
    pub value: Wei,
    /// Call data.
    pub input: Vec<u8>,
    /// Accounts and slots warmed in advance.
    pub access_list: Vec<AccessListItem>,
    /// The delegations to apply, in order.
    pub authorization_list: Vec<SignedAuthorization>,
}

impl TxEip7702 {
    pub(super) fn common(&self) -> Common<'_> {
        Common {
            nonce: self.nonce,
            gas_limit: self.gas_limit,
            to: TxKind::Call(self.to),
            value: self.value,
            input: &self.input,
        }
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
        self.authorization_list.encode(out);
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
            authorization_list: Decodable::decode(buf)?,
        })
    }
}
