//! Wallet Import Format: a private key, its network and whether its public key
//! is compressed, in Base58Check.

use super::network::NetworkParams;
use crate::error::{Error, Result};
use crate::hash;
use crate::key::PrivateKey;
use crate::secret::SecretString;
use zeroize::{Zeroize, Zeroizing};

/// A decoded WIF key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wif {
    /// The private key.
    pub key: PrivateKey,
    /// True when the key is meant for compressed public keys (suffix byte 0x01).
    pub compressed: bool,
    /// The version byte (0x80 Bitcoin, 0xb0 Litecoin, 0xef test networks).
    pub version: u8,
}

impl Wif {
    /// Decodes a WIF string of any known version.
    pub fn decode(s: &str) -> Result<Self> {
        let t = s.trim();
        let mut raw = Zeroizing::new(
            bs58::decode(t)
                .into_vec()
                .map_err(|e| Error::key(crate::hd::base58_problem("WIF", &e)))?,
        );
        if raw.len() < 5 {
            return Err(Error::key("WIF is too short"));
        }
        let (body, check) = raw.split_at(raw.len() - 4);
        if hash::sha256d(body)[..4] != *check {
            return Err(Error::Checksum { what: "WIF key" });
        }
        let compressed = match body.len() {
            33 => false,
            34 => {
                if body[33] != 0x01 {
                    return Err(Error::key(format!(
                        "WIF compression flag is 0x{:02x}; it must be 0x01",
                        body[33]
                    )));
                }
                true
            }
            n => {
                return Err(Error::key(format!(
                    "WIF payload is {n} bytes; it must be 33 (uncompressed) or 34 (compressed)"
                )))
            }
        };
        let version = body[0];
        if !matches!(version, 0x80 | 0xb0 | 0xef) {
            return Err(Error::UnknownVersion {
                what: "WIF key",
                version: format!("0x{version:02x}"),
            });
        }
        let key = PrivateKey::from_slice(&body[1..33])?;
        raw.zeroize();
        Ok(Self {
            key,
            compressed,
            version,
        })
    }

    /// Decodes a WIF string whose version must be `expected`: a version of
    /// no known network is `UnknownVersion`, another network's `WrongNetwork`.
    pub fn decode_expecting(s: &str, expected: u8) -> Result<Self> {
        let w = Self::decode(s)?;
        if w.version != expected {
            return Err(Error::WrongNetwork {
                what: "WIF key",
                found: version_name(w.version).to_owned(),
                expected: version_name(expected).to_owned(),
            });
        }
        Ok(w)
    }

    /// Decodes a WIF string for `params` (its version must be that network's).
    pub fn decode_for(s: &str, params: NetworkParams) -> Result<Self> {
        Self::decode_expecting(s, params.wif_prefix())
    }

    /// Encodes `key` for `params`.
    #[must_use]
    pub fn encode(key: &PrivateKey, compressed: bool, params: NetworkParams) -> SecretString {
        Self::encode_version(key, compressed, params.wif_prefix())
    }

    /// Encodes `key` with an explicit version byte.
    #[must_use]
    pub fn encode_version(key: &PrivateKey, compressed: bool, version: u8) -> SecretString {
        let mut buf = Zeroizing::new(Vec::with_capacity(34));
        buf.push(version);
        buf.extend_from_slice(key.to_bytes().expose());
        if compressed {
            buf.push(0x01);
        }
        SecretString::new(bs58::encode(&buf[..]).with_check().into_string())
    }

    /// This key re-encoded exactly as it was read.
    #[must_use]
    pub fn to_wif(&self) -> SecretString {
        Self::encode_version(&self.key, self.compressed, self.version)
    }
}

fn version_name(v: u8) -> &'static str {
    match v {
        0x80 => "Bitcoin mainnet",
        0xb0 => "Litecoin mainnet",
        0xef => "a test network",
        _ => "an unknown network",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let s = "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn";
        let w = Wif::decode(s).unwrap();
        assert!(w.compressed);
        assert_eq!(w.version, 0x80);
        assert_eq!(w.to_wif().expose(), s);
        let test = NetworkParams::new(super::super::Chain::Bitcoin, super::super::Network::Testnet)
            .unwrap();
        assert_eq!(
            Wif::decode_for(s, test).unwrap_err().kind(),
            crate::ErrorKind::WrongNetwork
        );
        let mut bad = s.to_owned();
        bad.replace_range(10..11, "x");
        assert!(Wif::decode(&bad).is_err());
    }
}
