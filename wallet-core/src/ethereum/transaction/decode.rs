//! Decoding a raw signed transaction of any type, strictly: one RLP list
//! with exactly its fields, a low-S signature, and nothing that re-encodes
//! differently (so the hash of what was decoded is the hash of the bytes).

use super::{
    SignedTransaction, Transaction, TxEip1559, TxEip2930, TxEip4844, TxEip7702, TxError, TxLegacy,
    TxType,
};
use crate::ecdsa::RecoverableSignature;
use crate::error::Result;
use alloy_primitives::U256;
use alloy_rlp::{Decodable, Header};

impl SignedTransaction {
    /// Decodes a raw signed transaction (types 0 to 4). A blob transaction
    /// must be in its canonical form (as blocks hold it): the network form
    /// that wraps it with its blobs, commitments and proofs is refused.
    pub fn decode(raw: &[u8]) -> Result<Self> {
        let first = *raw.first().ok_or_else(|| TxError::decode("empty"))?;
        let signed = match (first, raw.get(1..)) {
            (0xc0..=0xff, _) => decode_legacy(raw)?,
            (b, Some(body)) => match TxType::from_type_byte(b) {
                Some(ty) => decode_typed(ty, body)?,
                None => return Err(TxError::decode(format!("unknown type byte 0x{b:02x}")).into()),
            },
            (b, None) => return Err(TxError::decode(format!("unknown type byte 0x{b:02x}")).into()),
        };
        if !signed.signature.is_low_s() {
            return Err(
                TxError::decode("s is in the upper half of the order (EIP-2 forbids it)").into(),
            );
        }
        if signed.to_raw() != raw {
            return Err(TxError::decode("not in canonical encoding").into());
        }
        Ok(signed)
    }
}

fn rlp(e: alloy_rlp::Error) -> TxError {
    TxError::decode(e)
}

/// The payload of the one RLP list `body` is.
fn list_payload(body: &[u8]) -> Result<&[u8], TxError> {
    let mut buf = body;
    let header = Header::decode(&mut buf).map_err(rlp)?;
    if !header.list {
        return Err(TxError::decode("not an RLP list"));
    }
    if buf.len() != header.payload_length {
        return Err(TxError::decode("trailing bytes after the RLP list"));
    }
    Ok(buf)
}

fn decode_legacy(raw: &[u8]) -> Result<SignedTransaction, TxError> {
    let mut p = list_payload(raw)?;
    let mut tx = TxLegacy::decode_fields(&mut p).map_err(rlp)?;
    let v = u64::decode(&mut p).map_err(rlp)?;
    let (chain_id, y) = TxLegacy::split_v(v)?;
    tx.chain_id = chain_id;
    let signature = signature(&mut p, y)?;
    Ok(SignedTransaction {
        tx: Transaction::Legacy(tx),
        signature,
    })
}

fn decode_typed(ty: TxType, body: &[u8]) -> Result<SignedTransaction, TxError> {
    let mut p = list_payload(body)?;
    if ty == TxType::Eip4844 && p.first().is_some_and(|b| *b >= 0xc0) {
        return Err(TxError::decode(
            "this is a blob transaction with its sidecar (the network form); decode the transaction itself, without blobs, commitments and proofs",
        ));
    }
    let p = &mut p;
    let tx: Transaction = match ty {
        TxType::Eip2930 => TxEip2930::decode_fields(p).map(Into::into),
        TxType::Eip1559 => TxEip1559::decode_fields(p).map(Into::into),
        TxType::Eip4844 => TxEip4844::decode_fields(p).map(Into::into),
        TxType::Eip7702 => TxEip7702::decode_fields(p).map(Into::into),
        TxType::Legacy => return Err(TxError::decode("a legacy transaction has no type byte")),
    }
    .map_err(rlp)?;
    let y = u8::decode(p).map_err(rlp)?;
    if y > 1 {
        return Err(TxError::decode("yParity must be 0 or 1"));
    }
    let signature = signature(p, y)?;
    Ok(SignedTransaction { tx, signature })
}

/// `r, s` (the last fields), with y parity `y`.
fn signature(p: &mut &[u8], y: u8) -> Result<RecoverableSignature, TxError> {
    let r = U256::decode(p).map_err(rlp)?;
    let s = U256::decode(p).map_err(rlp)?;
    if !p.is_empty() {
        return Err(TxError::decode("extra fields"));
    }
    let mut c = [0u8; 64];
    c[..32].copy_from_slice(&r.to_be_bytes::<32>());
    c[32..].copy_from_slice(&s.to_be_bytes::<32>());
    RecoverableSignature::from_compact(&c, y).map_err(TxError::decode)
}
