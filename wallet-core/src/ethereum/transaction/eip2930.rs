//! EIP-2930 (type 1) transactions and the access list every typed
//! transaction carries: accounts and storage slots warmed in advance.

use super::{decode_input, TxKind};
use crate::error::{Error, Result};
use crate::ethereum::address::Address;
use crate::ethereum::units::{ChainId, Gas, Nonce, Wei};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};
use serde::{Deserialize, Serialize};

/// One entry of an access list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, RlpEncodable, RlpDecodable)]
#[serde(rename_all = "camelCase")]
pub struct AccessListItem {
    /// The account.
    #[serde(with = "address_serde")]
    pub address: Address,
    /// Its storage slots (32 bytes each).
    #[serde(with = "slots_serde")]
    pub storage_keys: Vec<[u8; 32]>,
}

/// An EIP-2930 transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxEip2930 {
    /// Chain id.
    pub chain_id: ChainId,
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
    /// Accounts and slots warmed in advance.
    pub access_list: Vec<AccessListItem>,
}

impl TxEip2930 {
    pub(super) fn encode_fields(&self, out: &mut Vec<u8>) {
        self.chain_id.encode(out);
        self.nonce.encode(out);
        self.gas_price.encode(out);
        self.gas_limit.encode(out);
        self.to.encode(out);
        self.value.encode(out);
        self.input.as_slice().encode(out);
        self.access_list.encode(out);
    }

    pub(super) fn decode_fields(buf: &mut &[u8]) -> alloy_rlp::Result<Self> {
        Ok(Self {
            chain_id: Decodable::decode(buf)?,
            nonce: Decodable::decode(buf)?,
            gas_price: Decodable::decode(buf)?,
            gas_limit: Decodable::decode(buf)?,
            to: Decodable::decode(buf)?,
            value: Decodable::decode(buf)?,
            input: decode_input(buf)?,
            access_list: Decodable::decode(buf)?,
        })
    }
}

/// Parses the standard JSON access list: `[{"address": "0x…", "storageKeys": ["0x…"]}]`.
pub fn parse_access_list(json: &str) -> Result<Vec<AccessListItem>> {
    serde_json::from_str(json).map_err(|e| Error::input(format!("invalid access list JSON: {e}")))
}

pub(crate) mod address_serde {
    use crate::ethereum::address::Address;
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(a: &Address, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&a.to_checksum())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|e: crate::Error| D::Error::custom(e.to_string()))
    }
}

mod slots_serde {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|k| format!("0x{}", hex::encode(k))))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter()
            .map(|s| {
                let mut k = [0u8; 32];
                hex::decode_to_slice(s.trim_start_matches("0x"), &mut k)
                    .map_err(|_| D::Error::custom("a storage key is not 32 bytes of hex"))?;
                Ok(k)
            })
            .collect()
    }
}
