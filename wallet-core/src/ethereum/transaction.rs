//! Ethereum transactions: legacy (EIP-155), EIP-2930 access lists and
//! EIP-1559 fees; RLP encoding (alloy-rlp), signing, hashing, decoding a raw
//! signed transaction and recovering its sender.

use super::address::Address;
use super::units::{ChainId, Gas, Nonce, Wei};
use crate::ecdsa::{self, RecoverableSignature};
use crate::error::{Error, Result};
use crate::hash::keccak256;
use crate::key::PrivateKey;
use alloy_primitives::U256;
use alloy_rlp::{Decodable, Encodable, Header};
use serde::{Deserialize, Serialize};

/// One entry of an EIP-2930 access list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessListItem {
    /// The account.
    #[serde(with = "address_serde")]
    pub address: Address,
    /// Its storage slots (32 bytes each).
    #[serde(with = "slots_serde")]
    pub storage_keys: Vec<[u8; 32]>,
}

/// The fee model and type of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fees {
    /// Type 0 (legacy); signed with EIP-155 replay protection when `chain_id` is set.
    Legacy {
        /// Gas price.
        gas_price: Wei,
    },
    /// Type 1 (EIP-2930).
    AccessList {
        /// Gas price.
        gas_price: Wei,
    },
    /// Type 2 (EIP-1559).
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
}

/// An unsigned transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Chain id (`None` only for pre-EIP-155 legacy transactions).
    pub chain_id: Option<ChainId>,
    /// Sender nonce.
    pub nonce: Nonce,
    /// Gas limit.
    pub gas: Gas,
    /// Fee model (and so the type).
    pub fees: Fees,
    /// Recipient; `None` creates a contract.
    pub to: Option<Address>,
    /// Value sent.
    pub value: Wei,
    /// Call data (or init code).
    pub data: Vec<u8>,
    /// Access list (types 1 and 2).
    pub access_list: Vec<AccessListItem>,
}

/// A signed transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    /// The transaction.
    pub tx: Transaction,
    /// Its signature.
    pub signature: RecoverableSignature,
}

impl Transaction {
    /// The EIP-2718 type byte: 0, 1 or 2.
    #[must_use]
    pub fn tx_type(&self) -> u8 {
        match self.fees {
            Fees::Legacy { .. } => 0,
            Fees::AccessList { .. } => 1,
            Fees::Eip1559 { .. } => 2,
        }
    }

    fn check(&self) -> Result<()> {
        #[allow(clippy::items_after_statements)]
        const MAX_EIP155_CHAIN_ID: u64 = (u64::MAX - 36) / 2;
        if self.tx_type() != 0 && self.chain_id.is_none() {
            return Err(Error::input("typed transactions need a chain id"));
        }
        if self.tx_type() == 0 && !self.access_list.is_empty() {
            return Err(Error::input("legacy transactions have no access list"));
        }
        if let (0, Some(c)) = (self.tx_type(), self.chain_id) {
            // EIP-155's v = chainId·2 + 35 + yParity must fit the 64 bits
            // every client decodes it into.
            if c.0 > MAX_EIP155_CHAIN_ID {
                return Err(Error::input(format!(
                    "chain id {} is too large for a legacy (EIP-155) transaction (at most {MAX_EIP155_CHAIN_ID}); use an EIP-1559 or EIP-2930 transaction",
                    c.0
                )));
            }
        }
        if let Fees::Eip1559 {
            max_fee,
            max_priority_fee,
        } = &self.fees
        {
            if max_priority_fee > max_fee {
                return Err(Error::input(
                    "the priority fee is larger than the max fee per gas",
                ));
            }
        }
        Ok(())
    }

    fn encode_common(&self, out: &mut Vec<u8>) {
        match &self.fees {
            Fees::Legacy { gas_price } => {
                self.nonce.0.encode(out);
                gas_price.0.encode(out);
                self.gas.0.encode(out);
                encode_to(&self.to, out);
                self.value.0.encode(out);
                self.data.as_slice().encode(out);
            }
            Fees::AccessList { gas_price } => {
                self.chain_id.map_or(0, |c| c.0).encode(out);
                self.nonce.0.encode(out);
                gas_price.0.encode(out);
                self.gas.0.encode(out);
                encode_to(&self.to, out);
                self.value.0.encode(out);
                self.data.as_slice().encode(out);
                encode_access_list(&self.access_list, out);
            }
            Fees::Eip1559 {
                max_fee,
                max_priority_fee,
            } => {
                self.chain_id.map_or(0, |c| c.0).encode(out);
                self.nonce.0.encode(out);
                max_priority_fee.0.encode(out);
                max_fee.0.encode(out);
                self.gas.0.encode(out);
                encode_to(&self.to, out);
                self.value.0.encode(out);
                self.data.as_slice().encode(out);
                encode_access_list(&self.access_list, out);
            }
        }
    }

    /// The bytes whose keccak256 is signed.
    pub fn signing_payload(&self) -> Result<Vec<u8>> {
        self.check()?;
        let mut fields = Vec::with_capacity(128 + self.data.len());
        self.encode_common(&mut fields);
        if self.tx_type() == 0 {
            if let Some(c) = self.chain_id {
                // EIP-155: chainId, 0, 0
                c.0.encode(&mut fields);
                0u8.encode(&mut fields);
                0u8.encode(&mut fields);
            }
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
        let signature = ecdsa::sign_prehash(key, &hash)?;
        if signature.recovery_id > 1 {
            // R.x ≥ n happens with probability ~2^-128; Ethereum cannot encode it.
            return Err(Error::Internal("signature recovery id above 1".into()));
        }
        Ok(SignedTransaction {
            tx: self,
            signature,
        })
    }
}

impl SignedTransaction {
    /// The `v` value: `yParity` for typed transactions, `chainId·2 + 35 + yParity`
    /// for EIP-155 legacy ones, `27 + yParity` for pre-EIP-155 ones.
    #[must_use]
    pub fn v(&self) -> u64 {
        let y = u64::from(self.signature.recovery_id & 1);
        match (self.tx.tx_type(), self.tx.chain_id) {
            // `check` keeps legacy chain ids small enough for this.
            (0, Some(c)) => c.0.saturating_mul(2).saturating_add(35 + y),
            (0, None) => 27 + y,
            _ => y,
        }
    }

    /// The raw signed transaction (what `eth_sendRawTransaction` takes).
    #[must_use]
    pub fn to_raw(&self) -> Vec<u8> {
        let mut fields = Vec::with_capacity(200 + self.tx.data.len());
        self.tx.encode_common(&mut fields);
        self.v().encode(&mut fields);
        U256::from_be_bytes(self.signature.r).encode(&mut fields);
        U256::from_be_bytes(self.signature.s).encode(&mut fields);
        wrap(self.tx.tx_type(), &fields)
    }

    /// The transaction hash: keccak256 of the raw bytes.
    #[must_use]
    pub fn hash(&self) -> [u8; 32] {
        keccak256(&self.to_raw())
    }

    /// The sender, recovered from the signature.
    pub fn sender(&self) -> Result<Address> {
        let hash = self.tx.signing_hash()?;
        let pk = ecdsa::recover(&hash, &self.signature)?;
        Ok(Address::from_public_key(&pk))
    }

    /// Decodes a raw signed transaction (type 0, 1 or 2).
    pub fn decode(raw: &[u8]) -> Result<Self> {
        let bad = |m: &str| Error::input(format!("not a valid signed transaction: {m}"));
        let first = *raw.first().ok_or_else(|| bad("empty"))?;
        let (ty, body) = match first {
            0xc0..=0xff => (0u8, raw),
            1 | 2 => (first, &raw[1..]),
            0x03 | 0x04 => {
                return Err(Error::Unsupported(format!(
                    "transaction type {first} (blob and set-code transactions are not supported)"
                )))
            }
            other => return Err(bad(&format!("unknown type byte 0x{other:02x}"))),
        };
        let mut buf = body;
        let header = Header::decode(&mut buf).map_err(|e| bad(&e.to_string()))?;
        if !header.list {
            return Err(bad("not an RLP list"));
        }
        if buf.len() != header.payload_length {
            return Err(bad("trailing bytes after the RLP list"));
        }
        let p = &mut buf;
        let e = |x: alloy_rlp::Error| bad(&x.to_string());
        let tx = match ty {
            0 => {
                let nonce = u64::decode(p).map_err(e)?;
                let gas_price = U256::decode(p).map_err(e)?;
                let gas = u64::decode(p).map_err(e)?;
                let to = decode_to(p)?;
                let value = U256::decode(p).map_err(e)?;
                let data = Header::decode_bytes(p, false).map_err(e)?.to_vec();
                let v = u64::decode(p).map_err(e)?;
                let r = U256::decode(p).map_err(e)?;
                let s = U256::decode(p).map_err(e)?;
                let (chain_id, y) = match v {
                    27 | 28 => (None, (v - 27) as u8),
                    v if v >= 35 => (Some(ChainId((v - 35) / 2)), ((v - 35) % 2) as u8),
                    _ => return Err(bad(&format!("legacy v = {v} is neither 27/28 nor EIP-155"))),
                };
                let tx = Transaction {
                    chain_id,
                    nonce: Nonce(nonce),
                    gas: Gas(gas),
                    fees: Fees::Legacy {
                        gas_price: Wei(gas_price),
                    },
                    to,
                    value: Wei(value),
                    data,
                    access_list: Vec::new(),
                };
                (tx, y, r, s)
            }
            _ => {
                let chain_id = u64::decode(p).map_err(e)?;
                let nonce = u64::decode(p).map_err(e)?;
                let fees = if ty == 1 {
                    Fees::AccessList {
                        gas_price: Wei(U256::decode(p).map_err(e)?),
                    }
                } else {
                    let prio = U256::decode(p).map_err(e)?;
                    let max = U256::decode(p).map_err(e)?;
                    Fees::Eip1559 {
                        max_fee: Wei(max),
                        max_priority_fee: Wei(prio),
                    }
                };
                let gas = u64::decode(p).map_err(e)?;
                let to = decode_to(p)?;
                let value = U256::decode(p).map_err(e)?;
                let data = Header::decode_bytes(p, false).map_err(e)?.to_vec();
                let access_list = decode_access_list(p)?;
                let y = u8::decode(p).map_err(e)?;
                if y > 1 {
                    return Err(bad("yParity must be 0 or 1"));
                }
                let r = U256::decode(p).map_err(e)?;
                let s = U256::decode(p).map_err(e)?;
                let tx = Transaction {
                    chain_id: Some(ChainId(chain_id)),
                    nonce: Nonce(nonce),
                    gas: Gas(gas),
                    fees,
                    to,
                    value: Wei(value),
                    data,
                    access_list,
                };
                (tx, y, r, s)
            }
        };
        let (tx, y, r, s) = tx;
        if !p.is_empty() {
            return Err(bad("extra fields"));
        }
        let signature = RecoverableSignature::from_compact(
            &{
                let mut c = [0u8; 64];
                c[..32].copy_from_slice(&r.to_be_bytes::<32>());
                c[32..].copy_from_slice(&s.to_be_bytes::<32>());
                c
            },
            y,
        )?;
        if !signature.is_low_s() {
            return Err(bad(
                "s is in the upper half of the order (EIP-2 forbids it)",
            ));
        }
        let signed = SignedTransaction { tx, signature };
        if signed.to_raw() != raw {
            return Err(bad("not in canonical encoding"));
        }
        Ok(signed)
    }
}

fn wrap(ty: u8, fields: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fields.len() + 10);
    if ty != 0 {
        out.push(ty);
    }
    Header {
        list: true,
        payload_length: fields.len(),
    }
    .encode(&mut out);
    out.extend_from_slice(fields);
    out
}

fn encode_to(to: &Option<Address>, out: &mut Vec<u8>) {
    match to {
        Some(a) => a.0.encode(out),
        None => (&[] as &[u8]).encode(out),
    }
}

fn decode_to(p: &mut &[u8]) -> Result<Option<Address>> {
    let b = Header::decode_bytes(p, false)
        .map_err(|e| Error::input(format!("not a valid signed transaction: {e}")))?;
    match b.len() {
        0 => Ok(None),
        20 => {
            let mut a = [0u8; 20];
            a.copy_from_slice(b);
            Ok(Some(Address(a)))
        }
        n => Err(Error::input(format!(
            "not a valid signed transaction: 'to' is {n} bytes"
        ))),
    }
}

fn encode_access_list(list: &[AccessListItem], out: &mut Vec<u8>) {
    let mut items = Vec::new();
    for item in list {
        let mut keys = Vec::new();
        for k in &item.storage_keys {
            k.encode(&mut keys);
        }
        let mut entry = Vec::new();
        item.address.0.encode(&mut entry);
        Header {
            list: true,
            payload_length: keys.len(),
        }
        .encode(&mut entry);
        entry.extend_from_slice(&keys);
        Header {
            list: true,
            payload_length: entry.len(),
        }
        .encode(&mut items);
        items.extend_from_slice(&entry);
    }
    Header {
        list: true,
        payload_length: items.len(),
    }
    .encode(out);
    out.extend_from_slice(&items);
}

fn decode_access_list(p: &mut &[u8]) -> Result<Vec<AccessListItem>> {
    let bad = |m: String| Error::input(format!("not a valid signed transaction: access list: {m}"));
    let mut list = Header::decode_bytes(p, true).map_err(|e| bad(e.to_string()))?;
    let mut out = Vec::new();
    while !list.is_empty() {
        let mut entry = Header::decode_bytes(&mut list, true).map_err(|e| bad(e.to_string()))?;
        let addr = Header::decode_bytes(&mut entry, false).map_err(|e| bad(e.to_string()))?;
        let address = Address(
            addr.try_into()
                .map_err(|_| bad("address is not 20 bytes".into()))?,
        );
        let mut keys_raw =
            Header::decode_bytes(&mut entry, true).map_err(|e| bad(e.to_string()))?;
        let mut storage_keys = Vec::new();
        while !keys_raw.is_empty() {
            let k = Header::decode_bytes(&mut keys_raw, false).map_err(|e| bad(e.to_string()))?;
            storage_keys.push(
                k.try_into()
                    .map_err(|_| bad("storage key is not 32 bytes".into()))?,
            );
        }
        if !entry.is_empty() {
            return Err(bad("extra fields in an entry".into()));
        }
        out.push(AccessListItem {
            address,
            storage_keys,
        });
    }
    Ok(out)
}

/// Parses the standard JSON access list: `[{"address": "0x…", "storageKeys": ["0x…"]}]`.
pub fn parse_access_list(json: &str) -> Result<Vec<AccessListItem>> {
    serde_json::from_str(json).map_err(|e| Error::input(format!("invalid access list JSON: {e}")))
}

mod address_serde {
    use super::Address;
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
                hex::decode_to_slice(s.trim_start_matches("0x"), &mut k).map_err(|_| {
                    D::Error::custom(format!("storage key '{s}' is not 32 bytes of hex"))
                })?;
                Ok(k)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eip155_tx() -> Transaction {
        Transaction {
            chain_id: Some(ChainId(1)),
            nonce: Nonce(9),
            gas: Gas(21000),
            fees: Fees::Legacy {
                gas_price: Wei::from_gwei(20),
            },
            to: Some(
                "0x3535353535353535353535353535353535353535"
                    .parse()
                    .unwrap(),
            ),
            value: Wei::from_wei(1_000_000_000_000_000_000),
            data: vec![],
            access_list: vec![],
        }
    }

    #[test]
    fn eip155_example() {
        let tx = eip155_tx();
        assert_eq!(
            hex::encode(tx.signing_payload().unwrap()),
            "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080"
        );
        let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let signed = tx.sign(&key).unwrap();
        assert_eq!(signed.v(), 37);
        assert_eq!(
            hex::encode(signed.to_raw()),
            "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
        );
        let back = SignedTransaction::decode(&signed.to_raw()).unwrap();
        assert_eq!(back, signed);
        assert_eq!(
            back.sender().unwrap(),
            Address::from_public_key(&key.public_key())
        );
    }

    #[test]
    fn legacy_chain_ids_must_fit_eip155_v() {
        let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let max = (u64::MAX - 36) / 2;
        for (id, ok) in [(max, true), (max + 1, false), (u64::MAX, false)] {
            let mut tx = eip155_tx();
            tx.chain_id = Some(ChainId(id));
            match tx.sign(&key) {
                Ok(signed) => {
                    assert!(ok, "{id}");
                    assert_eq!((signed.v() - 35) / 2, id);
                    let back = SignedTransaction::decode(&signed.to_raw()).unwrap();
                    assert_eq!(back.tx.chain_id, Some(ChainId(id)));
                }
                Err(e) => {
                    assert!(!ok, "{id}: {e}");
                    assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
                    assert!(e.to_string().contains("too large"), "{e}");
                }
            }
        }
        // Typed transactions carry the chain id as its own field: any u64.
        let mut tx = eip155_tx();
        tx.chain_id = Some(ChainId(u64::MAX));
        tx.fees = Fees::AccessList {
            gas_price: Wei::from_gwei(1),
        };
        assert!(tx.sign(&key).is_ok());
    }

    #[test]
    fn decode_rejects_garbage() {
        for bad in [
            &[][..],
            &[0x02],
            &[0xc0],
            &[0x05, 0xc0],
            &[0x02, 0xc1, 0x80],
        ] {
            assert!(SignedTransaction::decode(bad).is_err());
        }
        let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
        let mut raw = eip155_tx().sign(&key).unwrap().to_raw();
        raw.push(0);
        assert!(SignedTransaction::decode(&raw).is_err());
    }
}
