//! BIP137 message signatures (Electrum-compatible headers) for P2PKH,
//! P2SH-P2WPKH and P2WPKH addresses.
//!
//! `hash = SHA256d(varint(len(magic)) || magic || varint(len(msg)) || msg)`,
//! magic `"Bitcoin Signed Message:\n"` (Litecoin: `"Litecoin Signed Message:\n"`).
//! The 65-byte signature `header || r || s` is base64; the header is
//! 27 + recid (uncompressed P2PKH), 31 + recid (compressed P2PKH),
//! 35 + recid (P2SH-P2WPKH), 39 + recid (P2WPKH).

use super::address::{Address, AddressType};
use super::network::{Chain, NetworkParams};
use crate::ecdsa::{self, RecoverableSignature};
use crate::error::{Error, Result};
use crate::hash::sha256d;
use crate::key::PrivateKey;
use bitcoin::base64::engine::general_purpose::STANDARD as B64;
use bitcoin::base64::Engine;

fn varint(n: usize, out: &mut Vec<u8>) {
    match n {
        0..=0xfc => out.push(n as u8),
        0xfd..=0xffff => {
            out.push(0xfd);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xfe);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        _ => {
            out.push(0xff);
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
    }
}

/// The message hash of `chain`.
#[must_use]
pub fn magic_hash(chain: Chain, message: &[u8]) -> [u8; 32] {
    let magic: &[u8] = match chain {
        Chain::Bitcoin => b"Bitcoin Signed Message:\n",
        Chain::Litecoin => b"Litecoin Signed Message:\n",
    };
    let mut buf = Vec::with_capacity(magic.len() + message.len() + 10);
    varint(magic.len(), &mut buf);
    buf.extend_from_slice(magic);
    varint(message.len(), &mut buf);
    buf.extend_from_slice(message);
    sha256d(&buf)
}

/// Signs `message` for an address of `kind` (compressed keys, except P2PKH
/// with `compressed = false`). Returns the base64 signature.
pub fn sign(
    key: &PrivateKey,
    message: &[u8],
    kind: AddressType,
    compressed: bool,
    chain: Chain,
) -> Result<String> {
    let base = match (kind, compressed) {
        (AddressType::P2pkh, false) => 27,
        (AddressType::P2pkh, true) => 31,
        (AddressType::P2shP2wpkh, true) => 35,
        (AddressType::P2wpkh, true) => 39,
        (AddressType::P2tr, _) => {
            return Err(Error::Unsupported(
                "BIP137 has no taproot form (that needs BIP322, not supported yet)".into(),
            ))
        }
        (_, false) => {
            return Err(Error::Unsupported(
                "segwit addresses need a compressed key".into(),
            ))
        }
    };
    let sig = ecdsa::sign_prehash(key, &magic_hash(chain, message))?;
    let mut out = [0u8; 65];
    out[0] = base + sig.recovery_id;
    out[1..].copy_from_slice(&sig.to_compact());
    Ok(B64.encode(out))
}

/// Verifies a BIP137 signature against `address` (any of our networks).
/// Electrum's style (a compressed-P2PKH header on a segwit address) is accepted.
pub fn verify(address: &str, message: &[u8], signature: &str, params: NetworkParams) -> Result<()> {
    let addr = Address::parse(address, params)?;
    let raw = B64
        .decode(signature.trim())
        .map_err(|_| Error::input("the signature is not base64"))?;
    if raw.len() != 65 {
        return Err(Error::input(format!(
            "a BIP137 signature is 65 bytes, not {}",
            raw.len()
        )));
    }
    let header = raw[0];
    if !(27..=42).contains(&header) {
        return Err(Error::input(format!(
            "invalid signature header byte {header}"
        )));
    }
    let recid = (header - 27) & 3;
    let mut compact = [0u8; 64];
    compact.copy_from_slice(&raw[1..]);
    let sig = RecoverableSignature::from_compact(&compact, recid)?;
    let pk = ecdsa::recover(&magic_hash(params.chain(), message), &sig)?;
    let candidates: Vec<String> = match header {
        27..=30 => {
            let h = crate::hash::hash160(&pk.to_uncompressed());
            vec![Address::new(super::address::Payload::PubkeyHash(h), params).to_string()]
        }
        31..=34 => [
            AddressType::P2pkh,
            AddressType::P2shP2wpkh,
            AddressType::P2wpkh,
        ]
        .iter()
        .filter_map(|k| Address::from_public_key(&pk, *k, params).ok())
        .map(|a| a.to_string())
        .collect(),
        35..=38 => {
            vec![Address::from_public_key(&pk, AddressType::P2shP2wpkh, params)?.to_string()]
        }
        _ => vec![Address::from_public_key(&pk, AddressType::P2wpkh, params)?.to_string()],
    };
    if candidates.iter().any(|c| *c == addr.to_string()) {
        Ok(())
    } else {
        Err(Error::BadSignature(format!(
            "the signature is not by {address} (it was made by {})",
            candidates.first().cloned().unwrap_or_default()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_each_type() {
        let key = PrivateKey::from_hex(&format!("{:0>64}", "1")).unwrap();
        let pk = key.public_key();
        for kind in [
            AddressType::P2pkh,
            AddressType::P2shP2wpkh,
            AddressType::P2wpkh,
        ] {
            let sig = sign(&key, b"vires is numeris", kind, true, Chain::Bitcoin).unwrap();
            let a = Address::from_public_key(&pk, kind, NetworkParams::BITCOIN)
                .unwrap()
                .to_string();
            verify(&a, b"vires is numeris", &sig, NetworkParams::BITCOIN).unwrap();
            assert!(verify(&a, b"other", &sig, NetworkParams::BITCOIN).is_err());
        }
        assert!(sign(&key, b"x", AddressType::P2tr, true, Chain::Bitcoin).is_err());
    }

    /// Electrum signs for segwit addresses with the P2PKH header (31-34):
    /// such a signature verifies against the key's P2WPKH and P2SH-P2WPKH
    /// addresses too, but not against another key's.
    #[test]
    fn electrum_style_headers_verify_for_segwit_addresses() {
        let key = PrivateKey::from_hex(&format!("{:0>64}", "2")).unwrap();
        let sig = sign(&key, b"electrum", AddressType::P2pkh, true, Chain::Bitcoin).unwrap();
        let header = B64.decode(&sig).unwrap()[0];
        assert!((31..=34).contains(&header), "{header}");
        for kind in [AddressType::P2wpkh, AddressType::P2shP2wpkh] {
            let a = Address::from_public_key(&key.public_key(), kind, NetworkParams::BITCOIN)
                .unwrap()
                .to_string();
            verify(&a, b"electrum", &sig, NetworkParams::BITCOIN).unwrap();
        }
        let other = PrivateKey::from_hex(&format!("{:0>64}", "3")).unwrap();
        let a = Address::from_public_key(
            &other.public_key(),
            AddressType::P2wpkh,
            NetworkParams::BITCOIN,
        )
        .unwrap()
        .to_string();
        let e = verify(&a, b"electrum", &sig, NetworkParams::BITCOIN).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::BadSignature);
    }
}
