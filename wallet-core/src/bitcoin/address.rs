//! Bitcoin-family addresses: P2PKH, P2SH (P2SH-P2WPKH), P2WPKH, P2TR and other
//! segwit programs; encoding (base58check, bech32/bech32m) and strict parsing.

use super::network::NetworkParams;
use super::taproot;
use crate::error::{Error, Result};
use crate::hash;
use crate::hd::Purpose;
use crate::key::PublicKey;
use bech32::{primitives::decode::SegwitHrpstringError, Fe32, Hrp};
use core::fmt;
use core::str::FromStr;

/// The single-key address types a wallet derives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressType {
    /// Legacy pay-to-public-key-hash (BIP44).
    P2pkh,
    /// Nested segwit: P2WPKH inside P2SH (BIP49).
    P2shP2wpkh,
    /// Native segwit v0 (BIP84).
    P2wpkh,
    /// Taproot key path, BIP86 tweak (segwit v1).
    P2tr,
}

impl AddressType {
    /// All four types.
    pub const ALL: [AddressType; 4] = [
        AddressType::P2pkh,
        AddressType::P2shP2wpkh,
        AddressType::P2wpkh,
        AddressType::P2tr,
    ];

    /// CLI name: `p2pkh`, `p2sh-p2wpkh`, `p2wpkh`, `p2tr`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            AddressType::P2pkh => "p2pkh",
            AddressType::P2shP2wpkh => "p2sh-p2wpkh",
            AddressType::P2wpkh => "p2wpkh",
            AddressType::P2tr => "p2tr",
        }
    }

    /// The BIP purpose of accounts holding this type.
    #[must_use]
    pub const fn purpose(self) -> Purpose {
        match self {
            AddressType::P2pkh => Purpose::Bip44,
            AddressType::P2shP2wpkh => Purpose::Bip49,
            AddressType::P2wpkh => Purpose::Bip84,
            AddressType::P2tr => Purpose::Bip86,
        }
    }

    /// The type an account of `purpose` holds.
    #[must_use]
    pub const fn from_purpose(purpose: Purpose) -> Self {
        match purpose {
            Purpose::Bip44 => AddressType::P2pkh,
            Purpose::Bip49 => AddressType::P2shP2wpkh,
            Purpose::Bip84 => AddressType::P2wpkh,
            Purpose::Bip86 => AddressType::P2tr,
        }
    }
}

impl fmt::Display for AddressType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for AddressType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "p2pkh" | "legacy" => Ok(AddressType::P2pkh),
            "p2sh-p2wpkh" | "p2wpkh-p2sh" | "nested-segwit" => Ok(AddressType::P2shP2wpkh),
            "p2wpkh" | "segwit" | "bech32" => Ok(AddressType::P2wpkh),
            "p2tr" | "taproot" => Ok(AddressType::P2tr),
            _ => Err(Error::input(format!(
                "unknown address type '{s}'; expected p2pkh, p2sh-p2wpkh, p2wpkh or p2tr"
            ))),
        }
    }
}

/// What an address pays to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Payload {
    /// P2PKH: HASH160 of a public key.
    PubkeyHash([u8; 20]),
    /// P2SH: HASH160 of a redeem script.
    ScriptHash([u8; 20]),
    /// A segwit program (v0 20/32 bytes, v1 32 bytes taproot, or future versions).
    Witness {
        /// Witness version 0..=16.
        version: u8,
        /// Witness program, 2..=40 bytes.
        program: Vec<u8>,
    },
}

/// An address on one Bitcoin-family network.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    params: NetworkParams,
    payload: Payload,
}

impl Address {
    /// The address of `public_key` of type `kind` (P2TR applies the BIP86 tweak).
    pub fn from_public_key(
        public_key: &PublicKey,
        kind: AddressType,
        params: NetworkParams,
    ) -> Result<Self> {
        let payload = match kind {
            AddressType::P2pkh => Payload::PubkeyHash(public_key.hash160()),
            AddressType::P2wpkh => Payload::Witness {
                version: 0,
                program: public_key.hash160().to_vec(),
            },
            AddressType::P2shP2wpkh => {
                Payload::ScriptHash(hash::hash160(&p2wpkh_script(&public_key.hash160())))
            }
            AddressType::P2tr => Payload::Witness {
                version: 1,
                program: taproot::bip86_output_key(public_key)?.to_vec(),
            },
        };
        Ok(Self { params, payload })
    }

    /// The address of a single key imported compressed or not: an
    /// uncompressed key has only a P2PKH address (of its uncompressed form).
    pub fn from_key(
        public_key: &PublicKey,
        compressed: bool,
        kind: AddressType,
        params: NetworkParams,
    ) -> Result<Self> {
        if compressed {
            return Self::from_public_key(public_key, kind, params);
        }
        if kind != AddressType::P2pkh {
            return Err(Error::Unsupported(format!(
                "this key was imported as uncompressed; it has only a P2PKH address, not {kind}"
            )));
        }
        let payload = Payload::PubkeyHash(hash::hash160(&public_key.to_uncompressed()));
        Ok(Self { params, payload })
    }

    /// From a payload.
    #[must_use]
    pub fn new(payload: Payload, params: NetworkParams) -> Self {
        Self { params, payload }
    }

    /// Parses `s` as an address of `params`; an address of another network is
    /// a [`Error::WrongNetwork`] naming the network it belongs to.
    ///
    /// ```
    /// use wallet_core::bitcoin::{Address, AddressType, Chain, Network, NetworkParams};
    /// use wallet_core::ErrorKind;
    ///
    /// let a = Address::parse("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", NetworkParams::BITCOIN)?;
    /// assert_eq!(a.address_type(), Some(AddressType::P2wpkh));
    /// let regtest = NetworkParams::new(Chain::Bitcoin, Network::Regtest)?;
    /// let e = Address::parse("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", regtest).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::WrongNetwork);
    /// # Ok::<(), wallet_core::Error>(())
    /// ```
    pub fn parse(s: &str, params: NetworkParams) -> Result<Self> {
        let t = s.trim();
        if t.is_empty() {
            return Err(Error::InvalidAddress("empty address".into()));
        }
        if let Some(hrp) = known_hrp(t) {
            return parse_segwit(t, &hrp, params);
        }
        if is_base58_shape(t) {
            return parse_base58(t, params);
        }
        match bech32::segwit::decode(t) {
            Ok((hrp, _, _)) => Err(Error::WrongNetwork {
                what: "address",
                found: format!("an unknown network (prefix '{hrp}')"),
                expected: params.to_string(),
            }),
            Err(_) => Err(Error::InvalidAddress(format!(
                "'{t}' is neither a base58 nor a bech32 address"
            ))),
        }
    }

    /// Parses `s` on whichever supported network it belongs to (mainnets first;
    /// testnet/signet share encodings, so the first match wins).
    pub fn parse_any(s: &str) -> Result<Self> {
        let mut first_err = None;
        for p in NetworkParams::ALL {
            match Self::parse(s, p) {
                Ok(a) => return Ok(a),
                Err(e @ Error::WrongNetwork { .. }) => {
                    first_err.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(first_err.unwrap_or_else(|| Error::InvalidAddress(format!("'{s}' is not an address"))))
    }

    /// The network parameters.
    #[must_use]
    pub fn params(&self) -> NetworkParams {
        self.params
    }

    /// The payload.
    #[must_use]
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The single-key type, when the payload is one of the four a wallet derives.
    /// (A P2SH address could hold anything; it reports `P2shP2wpkh` as the only kind we make.)
    #[must_use]
    pub fn address_type(&self) -> Option<AddressType> {
        match &self.payload {
            Payload::PubkeyHash(_) => Some(AddressType::P2pkh),
            Payload::ScriptHash(_) => Some(AddressType::P2shP2wpkh),
            Payload::Witness {
                version: 0,
                program,
            } if program.len() == 20 => Some(AddressType::P2wpkh),
            Payload::Witness {
                version: 1,
                program,
            } if program.len() == 32 => Some(AddressType::P2tr),
            Payload::Witness { .. } => None,
        }
    }

    /// The address of a scriptPubKey on `params`, when it has one (P2PKH,
    /// P2SH, or a witness program of versions 0 to 16).
    #[must_use]
    pub fn from_script(spk: &[u8], params: NetworkParams) -> Option<Self> {
        let payload = match spk {
            [0x76, 0xa9, 0x14, h @ .., 0x88, 0xac] if h.len() == 20 => {
                Payload::PubkeyHash(h.try_into().ok()?)
            }
            [0xa9, 0x14, h @ .., 0x87] if h.len() == 20 => Payload::ScriptHash(h.try_into().ok()?),
            [op, len, program @ ..]
                if (*op == 0 || (0x51..=0x60).contains(op))
                    && usize::from(*len) == program.len()
                    && (2..=40).contains(&program.len()) =>
            {
                let version = if *op == 0 { 0 } else { op - 0x50 };
                Payload::Witness {
                    version,
                    program: program.to_vec(),
                }
            }
            _ => return None,
        };
        Some(Self { params, payload })
    }

    /// The scriptPubKey this address pays to.
    #[must_use]
    pub fn script_pubkey(&self) -> Vec<u8> {
        match &self.payload {
            Payload::PubkeyHash(h) => {
                let mut s = vec![0x76, 0xa9, 0x14];
                s.extend_from_slice(h);
                s.extend_from_slice(&[0x88, 0xac]);
                s
            }
            Payload::ScriptHash(h) => {
                let mut s = vec![0xa9, 0x14];
                s.extend_from_slice(h);
                s.push(0x87);
                s
            }
            Payload::Witness { version, program } => {
                let op = if *version == 0 { 0x00 } else { 0x50 + version };
                let mut s = vec![op, program.len() as u8];
                s.extend_from_slice(program);
                s
            }
        }
    }
}

/// `OP_0 <20-byte key hash>`: the P2WPKH script (also the P2SH-P2WPKH redeem script).
#[must_use]
pub fn p2wpkh_script(key_hash: &[u8; 20]) -> Vec<u8> {
    let mut s = Vec::with_capacity(22);
    s.extend_from_slice(&[0x00, 0x14]);
    s.extend_from_slice(key_hash);
    s
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.payload {
            Payload::PubkeyHash(h) => f.write_str(&base58_with(self.params.p2pkh_prefix(), h)),
            Payload::ScriptHash(h) => f.write_str(&base58_with(self.params.p2sh_prefix(), h)),
            Payload::Witness { version, program } => {
                let hrp = Hrp::parse(self.params.hrp()).map_err(|_| fmt::Error)?;
                let v = Fe32::try_from(*version).map_err(|_| fmt::Error)?;
                let s = bech32::segwit::encode(hrp, v, program).map_err(|_| fmt::Error)?;
                f.write_str(&s)
            }
        }
    }
}

fn base58_with(version: u8, hash: &[u8; 20]) -> String {
    let mut buf = [0u8; 21];
    buf[0] = version;
    buf[1..].copy_from_slice(hash);
    bs58::encode(buf).with_check().into_string()
}

/// The lowercase HRP of `s` when it is one of the supported networks' HRPs.
fn known_hrp(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let pos = lower.rfind('1')?;
    let hrp = &lower[..pos];
    NetworkParams::ALL
        .iter()
        .any(|p| p.hrp() == hrp)
        .then(|| hrp.to_owned())
}

fn is_base58_shape(s: &str) -> bool {
    s.chars()
        .all(|c| "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".contains(c))
}

fn parse_segwit(s: &str, hrp: &str, params: NetworkParams) -> Result<Address> {
    if hrp != params.hrp() {
        let found = NetworkParams::ALL
            .iter()
            .find(|p| p.hrp() == hrp)
            .map_or_else(
                || format!("an unknown network (prefix '{hrp}')"),
                |p| p.to_string(),
            );
        return Err(Error::WrongNetwork {
            what: "address",
            found,
            expected: params.to_string(),
        });
    }
    let (_, version, program) = bech32::segwit::decode(s).map_err(|e| match e.0 {
        SegwitHrpstringError::Checksum(
            bech32::primitives::decode::ChecksumError::InvalidResidue,
        ) => Error::Checksum { what: "address" },
        other => Error::InvalidAddress(format!("'{s}': {other}")),
    })?;
    let version = version.to_u8();
    if version == 0 && !matches!(program.len(), 20 | 32) {
        return Err(Error::InvalidAddress(format!(
            "'{s}': a version 0 witness program is 20 or 32 bytes, not {}",
            program.len()
        )));
    }
    Ok(Address {
        params,
        payload: Payload::Witness { version, program },
    })
}

fn parse_base58(s: &str, params: NetworkParams) -> Result<Address> {
    let raw = bs58::decode(s)
        .into_vec()
        .map_err(|e| Error::InvalidAddress(format!("'{s}' is neither bech32 nor base58: {e}")))?;
    if raw.len() != 25 {
        return Err(Error::InvalidAddress(format!(
            "'{s}' decodes to {} bytes; a base58 address is 25",
            raw.len()
        )));
    }
    let (body, check) = raw.split_at(21);
    if hash::sha256d(body)[..4] != *check {
        return Err(Error::Checksum { what: "address" });
    }
    let mut h = [0u8; 20];
    h.copy_from_slice(&body[1..]);
    let v = body[0];
    if v == params.p2pkh_prefix() {
        return Ok(Address {
            params,
            payload: Payload::PubkeyHash(h),
        });
    }
    if v == params.p2sh_prefix() || params.legacy_p2sh_prefix() == Some(v) {
        return Ok(Address {
            params,
            payload: Payload::ScriptHash(h),
        });
    }
    let found = NetworkParams::ALL
        .iter()
        .find(|p| p.p2pkh_prefix() == v || p.p2sh_prefix() == v)
        .map(ToString::to_string);
    match found {
        Some(found) => Err(Error::WrongNetwork {
            what: "address",
            found,
            expected: params.to_string(),
        }),
        None => Err(Error::UnknownVersion {
            what: "address",
            version: format!("0x{v:02x}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::network::{Chain, Network};
    use super::*;
    use crate::ErrorKind;

    fn pk() -> PublicKey {
        PublicKey::from_hex("0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c")
            .unwrap()
    }

    #[test]
    fn bip84_first_address() {
        let a =
            Address::from_public_key(&pk(), AddressType::P2wpkh, NetworkParams::BITCOIN).unwrap();
        assert_eq!(a.to_string(), "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
        let back = Address::parse(&a.to_string(), NetworkParams::BITCOIN).unwrap();
        assert_eq!(back, a);
        assert_eq!(
            Address::parse(&a.to_string().to_uppercase(), NetworkParams::BITCOIN).unwrap(),
            a
        );
    }

    #[test]
    fn all_types_round_trip_every_network() {
        for params in NetworkParams::ALL {
            for kind in AddressType::ALL {
                let a = Address::from_public_key(&pk(), kind, params).unwrap();
                let s = a.to_string();
                assert_eq!(Address::parse(&s, params).unwrap(), a, "{s}");
                assert_eq!(a.address_type(), Some(kind));
            }
        }
    }

    #[test]
    fn litecoin_prefixes() {
        let ltc = NetworkParams::new(Chain::Litecoin, Network::Mainnet).unwrap();
        let p2pkh = Address::from_public_key(&pk(), AddressType::P2pkh, ltc)
            .unwrap()
            .to_string();
        let p2sh = Address::from_public_key(&pk(), AddressType::P2shP2wpkh, ltc)
            .unwrap()
            .to_string();
        let wpkh = Address::from_public_key(&pk(), AddressType::P2wpkh, ltc)
            .unwrap()
            .to_string();
        assert!(p2pkh.starts_with('L'), "{p2pkh}");
        assert!(p2sh.starts_with('M'), "{p2sh}");
        assert!(wpkh.starts_with("ltc1"), "{wpkh}");
        let rt = NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap();
        let r = Address::from_public_key(&pk(), AddressType::P2wpkh, rt)
            .unwrap()
            .to_string();
        assert!(r.starts_with("rltc1"), "{r}");
    }

    #[test]
    fn negative_cases() {
        let main = NetworkParams::BITCOIN;
        let test = NetworkParams::new(Chain::Bitcoin, Network::Testnet).unwrap();
        let s = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
        assert_eq!(
            Address::parse(s, test).unwrap_err().kind(),
            ErrorKind::WrongNetwork
        );
        let typo = s.replace("306fyu", "306fyv");
        assert_eq!(
            Address::parse(&typo, main).unwrap_err().kind(),
            ErrorKind::BadChecksum
        );
        let legacy = Address::from_public_key(&pk(), AddressType::P2pkh, main)
            .unwrap()
            .to_string();
        assert_eq!(
            Address::parse(&legacy, test).unwrap_err().kind(),
            ErrorKind::WrongNetwork
        );
        let mut bad = legacy.clone();
        let last = if bad.ends_with('1') { "2" } else { "1" };
        bad.replace_range(bad.len() - 1.., last);
        assert_eq!(
            Address::parse(&bad, main).unwrap_err().kind(),
            ErrorKind::BadChecksum
        );
        assert!(Address::parse("", main).is_err());
        assert!(Address::parse("hello world", main).is_err());
        // bech32 (v0 checksum) used for a v1 program must fail (BIP350).
        assert!(Address::parse(
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
            main
        )
        .is_err());
    }
}
