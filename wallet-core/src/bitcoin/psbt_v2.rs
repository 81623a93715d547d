//! PSBT version 2 (BIP370): parsing with all of BIP370's validity rules,
//! conversion to and from version 0, and signing through the version 0
//! signer (`crate::bitcoin::psbt`) with the result written back as version 2.
//!
//! rust-bitcoin 0.32 reads only version 0, so a PSBTv2 is kept here as its
//! ordered key-value maps (every pair, known or not, byte for byte) plus the
//! typed BIP370 fields read from them. Converting to v0 builds the unsigned
//! transaction from those fields and hands every other pair to rust-bitcoin,
//! which checks the BIP174 fields. Writing back keeps the original maps and
//! their order, takes each BIP174 pair from the signed v0, and appends the
//! pairs the signer added, so signing adds the signatures and changes
//! nothing else (but PSBT_GLOBAL_TX_MODIFIABLE, which BIP370's signer must
//! update).

use crate::bitcoin::psbt::{self as v0, KeyRing, SignReport};
use crate::error::{Error, ErrorKind};
use crate::schnorr::AuxRand;
use bitcoin::base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use bitcoin::consensus::encode::{deserialize_partial, serialize};
use bitcoin::hashes::Hash;
use bitcoin::psbt::{Input, Psbt};
use bitcoin::{absolute, transaction, Amount, OutPoint, ScriptBuf, Sequence, Transaction};
use bitcoin::{TxIn, TxOut, Txid, Witness};
use core::fmt;
use std::collections::{HashMap, HashSet};

/// A PSBT's format version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PsbtVersion {
    /// BIP174's original format: the unsigned transaction in the global map.
    V0,
    /// BIP370: the transaction's fields spread over the maps.
    V2,
}

impl PsbtVersion {
    /// The number in PSBT_GLOBAL_VERSION.
    #[must_use]
    pub const fn number(self) -> u32 {
        match self {
            PsbtVersion::V0 => 0,
            PsbtVersion::V2 => 2,
        }
    }
}

/// Which map of a PSBT an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapId {
    /// The global map.
    Global,
    /// The map of input N.
    Input(usize),
    /// The map of output N.
    Output(usize),
}

impl fmt::Display for MapId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapId::Global => f.write_str("the global map"),
            MapId::Input(i) => write!(f, "input {i}"),
            MapId::Output(i) => write!(f, "output {i}"),
        }
    }
}

/// Why a PSBT (v0 or v2) was refused, or a conversion could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PsbtV2Error {
    /// Neither base64, hex nor binary PSBT data.
    #[error("not a PSBT: give it as base64, hex or binary")]
    Encoding,
    /// Missing magic bytes.
    #[error("not a PSBT: it does not start with the magic bytes 'psbt' 0xff")]
    NotPsbt,
    /// The data ends inside a map.
    #[error("the PSBT is truncated: it ends inside {map}")]
    Truncated {
        /// The map being read.
        map: MapId,
    },
    /// Bytes after the last map.
    #[error("{bytes} bytes follow the PSBT's last map")]
    TrailingData {
        /// How many.
        bytes: usize,
    },
    /// A compact size not in its shortest form.
    #[error("{map}: a length is not written in its shortest form")]
    NonCanonical {
        /// Where.
        map: MapId,
    },
    /// The same key twice in one map.
    #[error("{map}: key type 0x{key_type:02x} appears twice with the same key")]
    DuplicateKey {
        /// Where.
        map: MapId,
        /// The key's type.
        key_type: u64,
    },
    /// A PSBT of the other supported version than the one asked for.
    #[error("this is a version {} PSBT where version {} is expected", .found.number(), .expected.number())]
    WrongVersion {
        /// The version asked for.
        expected: PsbtVersion,
        /// The version found.
        found: PsbtVersion,
    },
    /// A version other than 0 and 2.
    #[error("PSBT version {version} is not supported (this wallet reads versions 0 and 2)")]
    UnsupportedVersion {
        /// The version found.
        version: u32,
    },
    /// A field the version excludes.
    #[error("{map}: {field} is not allowed in a version {version} PSBT")]
    Excluded {
        /// Where.
        map: MapId,
        /// The field's BIP name.
        field: &'static str,
        /// The PSBT's version.
        version: u32,
    },
    /// A field the version requires.
    #[error("{map}: {field} is missing; a version {version} PSBT requires it")]
    Missing {
        /// Where.
        map: MapId,
        /// The field's BIP name.
        field: &'static str,
        /// The PSBT's version.
        version: u32,
    },
    /// A BIP370 field with key data, which none of them has.
    #[error("{map}: {field} has key data; it must have none")]
    KeyData {
        /// Where.
        map: MapId,
        /// The field's BIP name.
        field: &'static str,
    },
    /// A value of the wrong size.
    #[error("{map}: {field} is {found} bytes; it must be {expected}")]
    Length {
        /// Where.
        map: MapId,
        /// The field's BIP name.
        field: &'static str,
        /// The size it must have.
        expected: usize,
        /// The size found.
        found: usize,
    },
    /// A required time lock below 500000000 (that would be a height).
    #[error("input {input}: PSBT_IN_REQUIRED_TIME_LOCKTIME is {value}; a time lock is a Unix time of at least 500000000")]
    TimeLocktime {
        /// The input.
        input: usize,
        /// The value found.
        value: u32,
    },
    /// A required height lock of 0 or of 500000000 or more.
    #[error("input {input}: PSBT_IN_REQUIRED_HEIGHT_LOCKTIME is {value}; a height lock is 1 to 499999999")]
    HeightLocktime {
        /// The input.
        input: usize,
        /// The value found.
        value: u32,
    },
    /// A negative output amount.
    #[error("output {output}: the amount is negative")]
    NegativeAmount {
        /// The output.
        output: usize,
    },
    /// Inputs whose lock times cannot all be met by one nLockTime.
    #[error(
        "no lock time satisfies every input: some inputs require a block height and others a time"
    )]
    LocktimeConflict,
    /// A BIP174 field rust-bitcoin refused, or an undecodable transaction.
    #[error("invalid PSBT field: {reason}")]
    Bip174 {
        /// rust-bitcoin's reason.
        reason: String,
    },
    /// A signed v0 whose transaction is not this PSBT's.
    #[error("the signed PSBT is not for this PSBT's transaction; nothing was written back")]
    TransactionChanged,
}

impl PsbtV2Error {
    /// The stable category of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            PsbtV2Error::UnsupportedVersion { .. } => ErrorKind::UnknownVersion,
            _ => ErrorKind::InvalidInput,
        }
    }
}

impl From<PsbtV2Error> for Error {
    fn from(e: PsbtV2Error) -> Self {
        match e {
            PsbtV2Error::UnsupportedVersion { version } => Error::UnknownVersion {
                what: "PSBT",
                version: version.to_string(),
            },
            e => Error::InvalidInput(format!("invalid PSBT: {e}")),
        }
    }
}

type Result<T, E = PsbtV2Error> = core::result::Result<T, E>;

fn bip174(e: impl fmt::Display) -> PsbtV2Error {
    PsbtV2Error::Bip174 {
        reason: e.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Key types (BIP174, BIP370)

const GLOBAL_UNSIGNED_TX: u64 = 0x00;
const GLOBAL_TX_VERSION: u64 = 0x02;
const GLOBAL_FALLBACK_LOCKTIME: u64 = 0x03;
const GLOBAL_INPUT_COUNT: u64 = 0x04;
const GLOBAL_OUTPUT_COUNT: u64 = 0x05;
const GLOBAL_TX_MODIFIABLE: u64 = 0x06;
const GLOBAL_VERSION: u64 = 0xfb;
const IN_PREVIOUS_TXID: u64 = 0x0e;
const IN_OUTPUT_INDEX: u64 = 0x0f;
const IN_SEQUENCE: u64 = 0x10;
const IN_REQUIRED_TIME_LOCKTIME: u64 = 0x11;
const IN_REQUIRED_HEIGHT_LOCKTIME: u64 = 0x12;
const OUT_AMOUNT: u64 = 0x03;
const OUT_SCRIPT: u64 = 0x04;

/// The BIP370 fields of each map, by key type, with their names.
const GLOBAL_V2: [(u64, &str); 5] = [
    (GLOBAL_TX_VERSION, "PSBT_GLOBAL_TX_VERSION"),
    (GLOBAL_FALLBACK_LOCKTIME, "PSBT_GLOBAL_FALLBACK_LOCKTIME"),
    (GLOBAL_INPUT_COUNT, "PSBT_GLOBAL_INPUT_COUNT"),
    (GLOBAL_OUTPUT_COUNT, "PSBT_GLOBAL_OUTPUT_COUNT"),
    (GLOBAL_TX_MODIFIABLE, "PSBT_GLOBAL_TX_MODIFIABLE"),
];
const INPUT_V2: [(u64, &str); 5] = [
    (IN_PREVIOUS_TXID, "PSBT_IN_PREVIOUS_TXID"),
    (IN_OUTPUT_INDEX, "PSBT_IN_OUTPUT_INDEX"),
    (IN_SEQUENCE, "PSBT_IN_SEQUENCE"),
    (IN_REQUIRED_TIME_LOCKTIME, "PSBT_IN_REQUIRED_TIME_LOCKTIME"),
    (
        IN_REQUIRED_HEIGHT_LOCKTIME,
        "PSBT_IN_REQUIRED_HEIGHT_LOCKTIME",
    ),
];
const OUTPUT_V2: [(u64, &str); 2] = [
    (OUT_AMOUNT, "PSBT_OUT_AMOUNT"),
    (OUT_SCRIPT, "PSBT_OUT_SCRIPT"),
];

fn v2_fields(map: MapId) -> &'static [(u64, &'static str)] {
    match map {
        MapId::Global => &GLOBAL_V2,
        MapId::Input(_) => &INPUT_V2,
        MapId::Output(_) => &OUTPUT_V2,
    }
}

// ---------------------------------------------------------------------------
// Raw maps

/// One key-value pair; `key` is the whole key (type and key data).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pair {
    key: Vec<u8>,
    value: Vec<u8>,
}

impl Pair {
    fn new(key_type: u64, value: Vec<u8>) -> Self {
        Self {
            key: compact(key_type),
            value,
        }
    }

    /// The key type and whether key data follows it.
    fn key_type(&self) -> (u64, bool) {
        let mut r = Reader::new(&self.key);
        match r.compact(MapId::Global) {
            Ok(t) => (t, r.pos < self.key.len()),
            Err(_) => (u64::MAX, true),
        }
    }

    fn is(&self, key_type: u64) -> bool {
        self.key_type() == (key_type, false)
    }
}

type Map = Vec<Pair>;

/// A PSBT as maps of pairs, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Raw {
    global: Map,
    inputs: Vec<Map>,
    outputs: Vec<Map>,
}

fn compact(n: u64) -> Vec<u8> {
    serialize(&bitcoin::VarInt(n))
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    fn bytes(&mut self, n: u64, map: MapId) -> Result<&'a [u8]> {
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .filter(|end| *end <= self.data.len())
            .ok_or(PsbtV2Error::Truncated { map })?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn compact(&mut self, map: MapId) -> Result<u64> {
        let first = *self
            .bytes(1, map)?
            .first()
            .ok_or(PsbtV2Error::Truncated { map })?;
        let (len, min) = match first {
            0xfd => (2, 0xfd),
            0xfe => (4, 0x1_0000),
            0xff => (8, 0x1_0000_0000),
            n => return Ok(u64::from(n)),
        };
        let mut buf = [0u8; 8];
        buf[..len].copy_from_slice(self.bytes(len as u64, map)?);
        let n = u64::from_le_bytes(buf);
        if n < min {
            return Err(PsbtV2Error::NonCanonical { map });
        }
        Ok(n)
    }

    /// One map, up to and including its 0x00 separator; duplicate keys are refused.
    fn map(&mut self, map: MapId) -> Result<Map> {
        let mut pairs: Map = Vec::new();
        let mut seen: HashSet<&[u8]> = HashSet::new();
        loop {
            let key_len = self.compact(map)?;
            if key_len == 0 {
                return Ok(pairs);
            }
            let key = self.bytes(key_len, map)?;
            let value_len = self.compact(map)?;
            let value = self.bytes(value_len, map)?;
            if !seen.insert(key) {
                let p = Pair {
                    key: key.to_vec(),
                    value: Vec::new(),
                };
                return Err(PsbtV2Error::DuplicateKey {
                    map,
                    key_type: p.key_type().0,
                });
            }
            pairs.push(Pair {
                key: key.to_vec(),
                value: value.to_vec(),
            });
        }
    }
}

const MAGIC: &[u8; 5] = b"psbt\xff";

fn read_global(r: &mut Reader) -> Result<(Map, u32)> {
    if r.bytes(5, MapId::Global).ok() != Some(&MAGIC[..]) {
        return Err(PsbtV2Error::NotPsbt);
    }
    let global = r.map(MapId::Global)?;
    let version = match field(
        &global,
        MapId::Global,
        GLOBAL_VERSION,
        "PSBT_GLOBAL_VERSION",
    )? {
        Some(v) => u32::from_le_bytes(fixed(v, MapId::Global, "PSBT_GLOBAL_VERSION")?),
        None => 0,
    };
    Ok((global, version))
}

/// The version of the PSBT in `bytes` (binary), from its global map.
pub fn detect_version(bytes: &[u8]) -> Result<PsbtVersion> {
    let (_, version) = read_global(&mut Reader::new(bytes))?;
    match version {
        0 => Ok(PsbtVersion::V0),
        2 => Ok(PsbtVersion::V2),
        version => Err(PsbtV2Error::UnsupportedVersion { version }),
    }
}

/// Reads every map, the input and output counts given by the version's
/// fields, and refuses trailing bytes.
fn read_raw(bytes: &[u8]) -> Result<(Raw, PsbtVersion)> {
    let mut r = Reader::new(bytes);
    let (global, version) = read_global(&mut r)?;
    let version = match version {
        0 => PsbtVersion::V0,
        2 => PsbtVersion::V2,
        version => return Err(PsbtV2Error::UnsupportedVersion { version }),
    };
    check_excluded(&global, MapId::Global, version)?;
    let (n_in, n_out) = match version {
        PsbtVersion::V0 => {
            let tx = unsigned_tx_v0(&global)?;
            (tx.input.len() as u64, tx.output.len() as u64)
        }
        PsbtVersion::V2 => counts_v2(&global)?,
    };
    let mut raw = Raw {
        global,
        inputs: Vec::new(),
        outputs: Vec::new(),
    };
    for i in 0..n_in {
        let id = MapId::Input(i as usize);
        let m = r.map(id)?;
        check_excluded(&m, id, version)?;
        raw.inputs.push(m);
    }
    for i in 0..n_out {
        let id = MapId::Output(i as usize);
        let m = r.map(id)?;
        check_excluded(&m, id, version)?;
        raw.outputs.push(m);
    }
    if r.pos != bytes.len() {
        return Err(PsbtV2Error::TrailingData {
            bytes: bytes.len() - r.pos,
        });
    }
    Ok((raw, version))
}

fn write_raw(raw: &Raw) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    for map in core::iter::once(&raw.global)
        .chain(&raw.inputs)
        .chain(&raw.outputs)
    {
        for p in map {
            out.extend(compact(p.key.len() as u64));
            out.extend(&p.key);
            out.extend(compact(p.value.len() as u64));
            out.extend(&p.value);
        }
        out.push(0);
    }
    out
}

/// The value of field `key_type` in `map`; a key of that type with key data
/// is refused (none of the fields read here has key data).
fn field<'m>(
    map: &'m Map,
    id: MapId,
    key_type: u64,
    name: &'static str,
) -> Result<Option<&'m [u8]>> {
    for p in map {
        match p.key_type() {
            (t, false) if t == key_type => return Ok(Some(&p.value)),
            (t, true) if t == key_type => {
                return Err(PsbtV2Error::KeyData {
                    map: id,
                    field: name,
                })
            }
            _ => {}
        }
    }
    Ok(None)
}

fn required<'m>(map: &'m Map, id: MapId, key_type: u64, name: &'static str) -> Result<&'m [u8]> {
    field(map, id, key_type, name)?.ok_or(PsbtV2Error::Missing {
        map: id,
        field: name,
        version: 2,
    })
}

fn fixed<const N: usize>(v: &[u8], map: MapId, name: &'static str) -> Result<[u8; N]> {
    v.try_into().map_err(|_| PsbtV2Error::Length {
        map,
        field: name,
        expected: N,
        found: v.len(),
    })
}

/// A value that is exactly one compact size.
fn compact_value(v: &[u8], map: MapId, name: &'static str) -> Result<u64> {
    let mut r = Reader::new(v);
    let n = r.compact(map).map_err(|e| match e {
        PsbtV2Error::NonCanonical { .. } => e,
        _ => PsbtV2Error::Length {
            map,
            field: name,
            expected: 1,
            found: v.len(),
        },
    })?;
    if r.pos != v.len() {
        return Err(PsbtV2Error::Length {
            map,
            field: name,
            expected: r.pos,
            found: v.len(),
        });
    }
    Ok(n)
}

fn u32_field(map: &Map, id: MapId, key_type: u64, name: &'static str) -> Result<Option<u32>> {
    field(map, id, key_type, name)?
        .map(|v| fixed(v, id, name).map(u32::from_le_bytes))
        .transpose()
}

/// Refuses the fields the other version owns.
fn check_excluded(map: &Map, id: MapId, version: PsbtVersion) -> Result<()> {
    let excluded: &[(u64, &'static str)] = match (version, id) {
        (PsbtVersion::V2, MapId::Global) => &[(GLOBAL_UNSIGNED_TX, "PSBT_GLOBAL_UNSIGNED_TX")],
        (PsbtVersion::V2, _) => &[],
        (PsbtVersion::V0, _) => v2_fields(id),
    };
    for p in map {
        let (t, _) = p.key_type();
        if let Some((_, name)) = excluded.iter().find(|(k, _)| *k == t) {
            return Err(PsbtV2Error::Excluded {
                map: id,
                field: name,
                version: version.number(),
            });
        }
    }
    Ok(())
}

fn unsigned_tx_v0(global: &Map) -> Result<Transaction> {
    let name = "PSBT_GLOBAL_UNSIGNED_TX";
    let v =
        field(global, MapId::Global, GLOBAL_UNSIGNED_TX, name)?.ok_or(PsbtV2Error::Missing {
            map: MapId::Global,
            field: name,
            version: 0,
        })?;
    decode_tx_parts(v)
}

/// A transaction in the non-witness serialisation (which, unlike the
/// consensus decoder, reads a transaction of no inputs as one).
fn decode_tx_parts(v: &[u8]) -> Result<Transaction> {
    let (version, a) = deserialize_partial::<transaction::Version>(v).map_err(bip174)?;
    let rest = v.get(a..).unwrap_or_default();
    let (input, b) = deserialize_partial::<Vec<TxIn>>(rest).map_err(bip174)?;
    let rest = rest.get(b..).unwrap_or_default();
    let (output, c) = deserialize_partial::<Vec<TxOut>>(rest).map_err(bip174)?;
    let rest = rest.get(c..).unwrap_or_default();
    let (lock_time, d) = deserialize_partial::<absolute::LockTime>(rest).map_err(bip174)?;
    if d != rest.len() {
        return Err(bip174("bytes after the unsigned transaction"));
    }
    Ok(Transaction {
        version,
        lock_time,
        input,
        output,
    })
}

fn encode_tx_parts(tx: &Transaction) -> Vec<u8> {
    let mut out = serialize(&tx.version);
    out.extend(serialize(&tx.input));
    out.extend(serialize(&tx.output));
    out.extend(serialize(&tx.lock_time));
    out
}

fn counts_v2(global: &Map) -> Result<(u64, u64)> {
    let g = MapId::Global;
    let i = compact_value(
        required(global, g, GLOBAL_INPUT_COUNT, "PSBT_GLOBAL_INPUT_COUNT")?,
        g,
        "PSBT_GLOBAL_INPUT_COUNT",
    )?;
    let o = compact_value(
        required(global, g, GLOBAL_OUTPUT_COUNT, "PSBT_GLOBAL_OUTPUT_COUNT")?,
        g,
        "PSBT_GLOBAL_OUTPUT_COUNT",
    )?;
    Ok((i, o))
}

// ---------------------------------------------------------------------------
// Typed PSBTv2

/// PSBT_GLOBAL_TX_MODIFIABLE: which parts of the transaction may still change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TxModifiable(pub u8);

impl TxModifiable {
    /// Bit 0: inputs may be added or removed.
    #[must_use]
    pub const fn inputs_modifiable(self) -> bool {
        self.0 & 1 != 0
    }

    /// Bit 1: outputs may be added or removed.
    #[must_use]
    pub const fn outputs_modifiable(self) -> bool {
        self.0 & 2 != 0
    }

    /// Bit 2: a SIGHASH_SINGLE signature pins an input to its output.
    #[must_use]
    pub const fn has_sighash_single(self) -> bool {
        self.0 & 4 != 0
    }

    /// The flags after a signature of sighash type `ty` (BIP370's signer rules).
    #[must_use]
    pub const fn after_signature(self, ty: u32) -> Self {
        let mut bits = self.0;
        let base = ty & 0x1f;
        if ty & 0x80 == 0 {
            bits &= !1;
        }
        if base != 2 {
            bits &= !2;
        }
        if base == 3 {
            bits |= 4;
        }
        Self(bits)
    }
}

/// The BIP370 fields of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputV2 {
    /// PSBT_IN_PREVIOUS_TXID and PSBT_IN_OUTPUT_INDEX.
    pub previous_output: OutPoint,
    /// PSBT_IN_SEQUENCE (`None`: final, 0xffffffff).
    pub sequence: Option<Sequence>,
    /// PSBT_IN_REQUIRED_TIME_LOCKTIME.
    pub required_time_locktime: Option<absolute::Time>,
    /// PSBT_IN_REQUIRED_HEIGHT_LOCKTIME.
    pub required_height_locktime: Option<absolute::Height>,
}

/// A version 2 PSBT: every pair of its maps in order, and its BIP370 fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsbtV2 {
    raw: Raw,
    tx_version: transaction::Version,
    fallback_locktime: Option<absolute::LockTime>,
    modifiable: Option<TxModifiable>,
    inputs: Vec<InputV2>,
    outputs: Vec<TxOut>,
}

impl PsbtV2 {
    /// Parses a binary PSBTv2, enforcing BIP370's rules. A v0 PSBT is
    /// refused (`Excluded` naming its unsigned transaction, or a version error).
    pub fn deserialize(bytes: &[u8]) -> Result<Self> {
        let (raw, version) = read_raw(bytes)?;
        if version != PsbtVersion::V2 {
            return Err(PsbtV2Error::WrongVersion {
                expected: PsbtVersion::V2,
                found: version,
            });
        }
        let out = Self::from_raw(raw)?;
        // The BIP174 fields must be valid too: rust-bitcoin reads them. (A
        // lock time conflict does not make the PSBT unreadable, only
        // unsignable, so any lock time serves for this check.)
        let lock_time = out.lock_time().unwrap_or(absolute::LockTime::ZERO);
        Psbt::deserialize(&out.v0_bytes(lock_time)).map_err(bip174)?;
        Ok(out)
    }

    fn from_raw(raw: Raw) -> Result<Self> {
        let g = MapId::Global;
        check_excluded(&raw.global, g, PsbtVersion::V2)?;
        let tx_version = required(&raw.global, g, GLOBAL_TX_VERSION, "PSBT_GLOBAL_TX_VERSION")?;
        let tx_version = fixed(tx_version, g, "PSBT_GLOBAL_TX_VERSION")?;
        let fallback = u32_field(
            &raw.global,
            g,
            GLOBAL_FALLBACK_LOCKTIME,
            "PSBT_GLOBAL_FALLBACK_LOCKTIME",
        )?;
        let modifiable = field(
            &raw.global,
            g,
            GLOBAL_TX_MODIFIABLE,
            "PSBT_GLOBAL_TX_MODIFIABLE",
        )?
        .map(|v| fixed::<1>(v, g, "PSBT_GLOBAL_TX_MODIFIABLE").map(|b| TxModifiable(b[0])))
        .transpose()?;
        let inputs = raw
            .inputs
            .iter()
            .enumerate()
            .map(|(i, m)| read_input(m, i))
            .collect::<Result<Vec<_>>>()?;
        let outputs = raw
            .outputs
            .iter()
            .enumerate()
            .map(|(i, m)| read_output(m, i))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            raw,
            tx_version: transaction::Version(i32::from_le_bytes(tx_version)),
            fallback_locktime: fallback.map(absolute::LockTime::from_consensus),
            modifiable,
            inputs,
            outputs,
        })
    }

    /// Parses a PSBTv2 given as base64 text, hex text or binary.
    pub fn parse(input: &[u8]) -> Result<Self> {
        Self::deserialize(&decode_text(input)?)
    }

    /// The binary serialisation.
    #[must_use]
    pub fn serialize(&self) -> Vec<u8> {
        write_raw(&self.raw)
    }

    /// The base64 serialisation.
    #[must_use]
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.serialize())
    }

    /// PSBT_GLOBAL_TX_VERSION.
    #[must_use]
    pub fn tx_version(&self) -> transaction::Version {
        self.tx_version
    }

    /// PSBT_GLOBAL_FALLBACK_LOCKTIME.
    #[must_use]
    pub fn fallback_locktime(&self) -> Option<absolute::LockTime> {
        self.fallback_locktime
    }

    /// PSBT_GLOBAL_TX_MODIFIABLE (`None`: absent, nothing may change).
    #[must_use]
    pub fn modifiable(&self) -> Option<TxModifiable> {
        self.modifiable
    }

    /// The same PSBT with PSBT_GLOBAL_TX_MODIFIABLE set to `flags` (added if
    /// absent), as a Creator or Constructor sets it.
    #[must_use]
    pub fn with_modifiable(mut self, flags: TxModifiable) -> Self {
        if self.modifiable.is_some() {
            set_field(&mut self.raw.global, GLOBAL_TX_MODIFIABLE, vec![flags.0]);
        } else {
            insert_sorted(
                &mut self.raw.global,
                Pair::new(GLOBAL_TX_MODIFIABLE, vec![flags.0]),
            );
        }
        self.modifiable = Some(flags);
        self
    }

    /// The inputs' BIP370 fields.
    #[must_use]
    pub fn inputs(&self) -> &[InputV2] {
        &self.inputs
    }

    /// The outputs (PSBT_OUT_AMOUNT and PSBT_OUT_SCRIPT).
    #[must_use]
    pub fn outputs(&self) -> &[TxOut] {
        &self.outputs
    }

    /// The transaction's nLockTime by BIP370's "Determining Lock Time": the
    /// fallback when no input requires one; otherwise the largest required
    /// lock of the kind every input accepts, heights when both are possible.
    pub fn lock_time(&self) -> Result<absolute::LockTime> {
        let ins = &self.inputs;
        if ins
            .iter()
            .all(|i| i.required_time_locktime.is_none() && i.required_height_locktime.is_none())
        {
            return Ok(self.fallback_locktime.unwrap_or(absolute::LockTime::ZERO));
        }
        let heights_ok = ins
            .iter()
            .all(|i| i.required_height_locktime.is_some() || i.required_time_locktime.is_none());
        if heights_ok {
            let h = ins.iter().filter_map(|i| i.required_height_locktime).max();
            return Ok(h.map_or(absolute::LockTime::ZERO, absolute::LockTime::from));
        }
        let times_ok = ins
            .iter()
            .all(|i| i.required_time_locktime.is_some() || i.required_height_locktime.is_none());
        if times_ok {
            let t = ins.iter().filter_map(|i| i.required_time_locktime).max();
            return Ok(t.map_or(absolute::LockTime::ZERO, absolute::LockTime::from));
        }
        Err(PsbtV2Error::LocktimeConflict)
    }

    /// The unsigned transaction the fields describe.
    pub fn unsigned_tx(&self) -> Result<Transaction> {
        Ok(self.tx_with_lock_time(self.lock_time()?))
    }

    fn tx_with_lock_time(&self, lock_time: absolute::LockTime) -> Transaction {
        Transaction {
            version: self.tx_version,
            lock_time,
            input: self
                .inputs
                .iter()
                .map(|i| TxIn {
                    previous_output: i.previous_output,
                    script_sig: ScriptBuf::new(),
                    sequence: i.sequence.unwrap_or(Sequence::MAX),
                    witness: Witness::new(),
                })
                .collect(),
            output: self.outputs.clone(),
        }
    }

    /// BIP370's unique identifier: the txid of the unsigned transaction with
    /// every sequence set to 0 (updaters may change sequences).
    pub fn unique_id(&self) -> Result<Txid> {
        let mut tx = self.unsigned_tx()?;
        for i in &mut tx.input {
            i.sequence = Sequence::ZERO;
        }
        Ok(tx.compute_txid())
    }

    /// The PSBT as version 0, in which the existing signer works.
    pub fn to_v0(&self) -> Result<Psbt> {
        Psbt::deserialize(&self.to_v0_bytes()?).map_err(bip174)
    }

    /// The version 0 serialisation: the unsigned transaction first, then the
    /// other pairs in their order, without the BIP370 fields.
    pub fn to_v0_bytes(&self) -> Result<Vec<u8>> {
        Ok(self.v0_bytes(self.lock_time()?))
    }

    fn v0_bytes(&self, lock_time: absolute::LockTime) -> Vec<u8> {
        let tx = Pair::new(
            GLOBAL_UNSIGNED_TX,
            encode_tx_parts(&self.tx_with_lock_time(lock_time)),
        );
        let keep = |map: &Map, id: MapId| -> Map {
            map.iter().filter(|p| !is_v2_pair(p, id)).cloned().collect()
        };
        let mut global = vec![tx];
        global.extend(keep(&self.raw.global, MapId::Global));
        let raw = Raw {
            global,
            inputs: self
                .raw
                .inputs
                .iter()
                .enumerate()
                .map(|(i, m)| keep(m, MapId::Input(i)))
                .collect(),
            outputs: self
                .raw
                .outputs
                .iter()
                .enumerate()
                .map(|(i, m)| keep(m, MapId::Output(i)))
                .collect(),
        };
        write_raw(&raw)
    }

    /// A version 0 PSBT as version 2: its transaction's fields become BIP370
    /// fields (the fallback lock time is its nLockTime; sequences other than
    /// final are kept), every other pair is kept in its order.
    pub fn from_v0(psbt: &Psbt) -> Result<Self> {
        Self::from_v0_bytes(&psbt.serialize())
    }

    /// As [`PsbtV2::from_v0`], from a binary version 0 PSBT, keeping its
    /// pairs byte for byte.
    pub fn from_v0_bytes(bytes: &[u8]) -> Result<Self> {
        let psbt = parse_v0(bytes)?;
        let (raw0, _) = read_raw(bytes)?;
        let tx = &psbt.unsigned_tx;
        let mut global: Map = raw0
            .global
            .into_iter()
            .filter(|p| !p.is(GLOBAL_UNSIGNED_TX) && !p.is(GLOBAL_VERSION))
            .collect();
        for p in [
            Pair::new(GLOBAL_TX_VERSION, serialize(&tx.version)),
            Pair::new(GLOBAL_FALLBACK_LOCKTIME, serialize(&tx.lock_time)),
            Pair::new(GLOBAL_INPUT_COUNT, compact(tx.input.len() as u64)),
            Pair::new(GLOBAL_OUTPUT_COUNT, compact(tx.output.len() as u64)),
            Pair::new(GLOBAL_VERSION, 2u32.to_le_bytes().to_vec()),
        ] {
            insert_sorted(&mut global, p);
        }
        let inputs = raw0
            .inputs
            .into_iter()
            .zip(&tx.input)
            .map(|(m, i)| input_v2(m, i))
            .collect();
        let outputs = raw0
            .outputs
            .into_iter()
            .zip(&tx.output)
            .map(|(m, o)| output_v2(m, o))
            .collect();
        Self::from_raw(Raw {
            global,
            inputs,
            outputs,
        })
    }

    /// This PSBT with the work done on its version 0 form (`signed`, from
    /// [`PsbtV2::to_v0`]) written back: the BIP370 fields and the order of
    /// the pairs are kept, each BIP174 pair is taken from `signed` (those it
    /// dropped are dropped, those it added are appended), and
    /// PSBT_GLOBAL_TX_MODIFIABLE is updated for the signatures it added.
    pub fn with_signed_v0(&self, signed: &Psbt) -> Result<Self> {
        let before = self.to_v0()?;
        if signed.unsigned_tx != before.unsigned_tx || signed.inputs.len() != before.inputs.len() {
            return Err(PsbtV2Error::TransactionChanged);
        }
        let (new, _) = read_raw(&signed.serialize())?;
        let new_global: Map = new
            .global
            .into_iter()
            .filter(|p| !p.is(GLOBAL_UNSIGNED_TX))
            .collect();
        let mut raw = Raw {
            global: merge(&self.raw.global, &new_global, MapId::Global),
            inputs: zip_merge(&self.raw.inputs, &new.inputs, MapId::Input),
            outputs: zip_merge(&self.raw.outputs, &new.outputs, MapId::Output),
        };
        if let Some(flags) = self.modifiable {
            let after =
                added_sighash_types(&before, signed).fold(flags, TxModifiable::after_signature);
            set_field(&mut raw.global, GLOBAL_TX_MODIFIABLE, vec![after.0]);
        }
        Self::from_raw(raw)
    }
}

fn is_v2_pair(p: &Pair, id: MapId) -> bool {
    let (t, _) = p.key_type();
    (id == MapId::Global && t == GLOBAL_VERSION) || v2_fields(id).iter().any(|(k, _)| *k == t)
}

fn read_input(m: &Map, i: usize) -> Result<InputV2> {
    let id = MapId::Input(i);
    let txid = required(m, id, IN_PREVIOUS_TXID, "PSBT_IN_PREVIOUS_TXID")?;
    let txid = Txid::from_byte_array(fixed(txid, id, "PSBT_IN_PREVIOUS_TXID")?);
    let vout = required(m, id, IN_OUTPUT_INDEX, "PSBT_IN_OUTPUT_INDEX")?;
    let vout = u32::from_le_bytes(fixed(vout, id, "PSBT_IN_OUTPUT_INDEX")?);
    let sequence = u32_field(m, id, IN_SEQUENCE, "PSBT_IN_SEQUENCE")?.map(Sequence);
    let time = u32_field(
        m,
        id,
        IN_REQUIRED_TIME_LOCKTIME,
        "PSBT_IN_REQUIRED_TIME_LOCKTIME",
    )?
    .map(|value| {
        absolute::Time::from_consensus(value)
            .map_err(|_| PsbtV2Error::TimeLocktime { input: i, value })
    })
    .transpose()?;
    let height = u32_field(
        m,
        id,
        IN_REQUIRED_HEIGHT_LOCKTIME,
        "PSBT_IN_REQUIRED_HEIGHT_LOCKTIME",
    )?
    .map(|value| match value {
        0 => Err(PsbtV2Error::HeightLocktime { input: i, value }),
        v => absolute::Height::from_consensus(v)
            .map_err(|_| PsbtV2Error::HeightLocktime { input: i, value }),
    })
    .transpose()?;
    Ok(InputV2 {
        previous_output: OutPoint { txid, vout },
        sequence,
        required_time_locktime: time,
        required_height_locktime: height,
    })
}

fn read_output(m: &Map, i: usize) -> Result<TxOut> {
    let id = MapId::Output(i);
    let amount = required(m, id, OUT_AMOUNT, "PSBT_OUT_AMOUNT")?;
    let amount = i64::from_le_bytes(fixed(amount, id, "PSBT_OUT_AMOUNT")?);
    let amount = u64::try_from(amount).map_err(|_| PsbtV2Error::NegativeAmount { output: i })?;
    let script = required(m, id, OUT_SCRIPT, "PSBT_OUT_SCRIPT")?;
    Ok(TxOut {
        value: Amount::from_sat(amount),
        script_pubkey: ScriptBuf::from_bytes(script.to_vec()),
    })
}

fn input_v2(mut m: Map, txin: &TxIn) -> Map {
    let o = txin.previous_output;
    insert_sorted(
        &mut m,
        Pair::new(IN_PREVIOUS_TXID, o.txid.to_byte_array().to_vec()),
    );
    insert_sorted(
        &mut m,
        Pair::new(IN_OUTPUT_INDEX, o.vout.to_le_bytes().to_vec()),
    );
    if txin.sequence != Sequence::MAX {
        insert_sorted(
            &mut m,
            Pair::new(IN_SEQUENCE, txin.sequence.0.to_le_bytes().to_vec()),
        );
    }
    m
}

fn output_v2(mut m: Map, txout: &TxOut) -> Map {
    insert_sorted(
        &mut m,
        Pair::new(OUT_AMOUNT, txout.value.to_sat().to_le_bytes().to_vec()),
    );
    insert_sorted(
        &mut m,
        Pair::new(OUT_SCRIPT, txout.script_pubkey.to_bytes()),
    );
    m
}

/// Inserts `p` before the first pair whose key sorts after its key, so a
/// map in key order stays in key order and the others keep theirs.
fn insert_sorted(map: &mut Map, p: Pair) {
    let at = map.iter().position(|q| q.key > p.key).unwrap_or(map.len());
    map.insert(at, p);
}

fn set_field(map: &mut Map, key_type: u64, value: Vec<u8>) {
    if let Some(p) = map.iter_mut().find(|p| p.is(key_type)) {
        p.value = value;
    }
}

fn zip_merge(old: &[Map], new: &[Map], id: fn(usize) -> MapId) -> Vec<Map> {
    old.iter()
        .zip(new)
        .enumerate()
        .map(|(i, (o, n))| merge(o, n, id(i)))
        .collect()
}

/// `old`'s pairs in order (its BIP370 fields as they were, the rest as in
/// `new`, dropped when `new` dropped them), then `new`'s added pairs.
fn merge(old: &Map, new: &Map, id: MapId) -> Map {
    let by_key: HashMap<&[u8], &Pair> = new.iter().map(|p| (p.key.as_slice(), p)).collect();
    let mut out: Map = Vec::with_capacity(old.len().max(new.len()));
    for p in old {
        if is_v2_pair(p, id) {
            out.push(p.clone());
        } else if let Some(n) = by_key.get(p.key.as_slice()) {
            out.push((*n).clone());
        }
    }
    let old_keys: HashMap<&[u8], ()> = old.iter().map(|p| (p.key.as_slice(), ())).collect();
    out.extend(
        new.iter()
            .filter(|p| !old_keys.contains_key(p.key.as_slice()))
            .cloned(),
    );
    out
}

/// The sighash types of the signatures `after` has and `before` had not.
fn added_sighash_types<'a>(before: &'a Psbt, after: &'a Psbt) -> impl Iterator<Item = u32> + 'a {
    before
        .inputs
        .iter()
        .zip(&after.inputs)
        .flat_map(|(b, a)| input_added_types(b, a))
}

fn input_added_types(b: &Input, a: &Input) -> Vec<u32> {
    let mut out: Vec<u32> = a
        .partial_sigs
        .iter()
        .filter(|(k, s)| b.partial_sigs.get(k) != Some(s))
        .map(|(_, s)| s.sighash_type.to_u32())
        .collect();
    if a.tap_key_sig.is_some() && a.tap_key_sig != b.tap_key_sig {
        out.extend(a.tap_key_sig.map(|s| s.sighash_type as u32));
    }
    out.extend(
        a.tap_script_sigs
            .iter()
            .filter(|(k, s)| b.tap_script_sigs.get(k) != Some(s))
            .map(|(_, s)| s.sighash_type as u32),
    );
    out
}

// ---------------------------------------------------------------------------
// Either version

/// The bytes of a PSBT given as base64 text, hex text or binary.
pub fn decode_text(input: &[u8]) -> Result<Vec<u8>> {
    if input.starts_with(MAGIC) {
        return Ok(input.to_vec());
    }
    let text = std::str::from_utf8(input).map_err(|_| PsbtV2Error::Encoding)?;
    let t: String = text.split_whitespace().collect();
    if t.to_ascii_lowercase().starts_with("70736274ff") {
        return hex::decode(&t).map_err(|_| PsbtV2Error::Encoding);
    }
    BASE64
        .decode(t.as_bytes())
        .map_err(|_| PsbtV2Error::Encoding)
}

/// Parses a binary version 0 PSBT, refusing the BIP370 fields it must not
/// have (rust-bitcoin would keep them as unknown pairs) and trailing bytes.
pub fn parse_v0(bytes: &[u8]) -> Result<Psbt> {
    let (_, version) = read_raw(bytes)?;
    if version != PsbtVersion::V0 {
        return Err(PsbtV2Error::WrongVersion {
            expected: PsbtVersion::V0,
            found: version,
        });
    }
    Psbt::deserialize(bytes).map_err(bip174)
}

/// A PSBT of either version.
///
/// ```
/// use wallet_core::bitcoin::psbt_v2::{AnyPsbt, PsbtVersion};
///
/// // BIP174's "creator" PSBT (version 0), rewritten as BIP370 and back.
/// let v0 = "cHNidP8BAJoCAAAAAljoeiG1ba8MI76OcHBFbDNvfLqlyHV5JPVFiHuyq911AAAAAAD/////g40EJ9DsZQpoqka7CwmK6kQiwHGyyng1Kgd5WdB86h0BAAAAAP////8CcKrwCAAAAAAWABTYXCtx0AYLCcmIauuBXlCZHdoSTQDh9QUAAAAAFgAUAK6pouXw+HaliN9VRuh0LR2HAI8AAAAAAAAAAAA=";
/// let any = AnyPsbt::parse(v0.as_bytes())?;
/// assert_eq!(any.version(), PsbtVersion::V0);
/// let v2 = any.to_version(PsbtVersion::V2)?;
/// assert_eq!(v2.version(), PsbtVersion::V2);
/// assert_eq!(v2.to_version(PsbtVersion::V0)?.to_base64(), v0);
/// # Ok::<(), wallet_core::bitcoin::psbt_v2::PsbtV2Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum AnyPsbt {
    /// Version 0.
    V0(Psbt),
    /// Version 2.
    V2(PsbtV2),
}

impl AnyPsbt {
    /// Parses base64, hex or binary, of either version.
    pub fn parse(input: &[u8]) -> Result<Self> {
        let bytes = decode_text(input)?;
        match detect_version(&bytes)? {
            PsbtVersion::V0 => Ok(AnyPsbt::V0(parse_v0(&bytes)?)),
            PsbtVersion::V2 => Ok(AnyPsbt::V2(PsbtV2::deserialize(&bytes)?)),
        }
    }

    /// Which version it is.
    #[must_use]
    pub fn version(&self) -> PsbtVersion {
        match self {
            AnyPsbt::V0(_) => PsbtVersion::V0,
            AnyPsbt::V2(_) => PsbtVersion::V2,
        }
    }

    /// The PSBT in `version` (converting if needed).
    pub fn to_version(&self, version: PsbtVersion) -> Result<Self> {
        match (self, version) {
            (AnyPsbt::V0(p), PsbtVersion::V2) => Ok(AnyPsbt::V2(PsbtV2::from_v0(p)?)),
            (AnyPsbt::V2(p), PsbtVersion::V0) => Ok(AnyPsbt::V0(p.to_v0()?)),
            _ => Ok(self.clone()),
        }
    }

    /// The binary serialisation in its own version.
    #[must_use]
    pub fn serialize(&self) -> Vec<u8> {
        match self {
            AnyPsbt::V0(p) => p.serialize(),
            AnyPsbt::V2(p) => p.serialize(),
        }
    }

    /// The base64 serialisation in its own version.
    #[must_use]
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.serialize())
    }
}

// ---------------------------------------------------------------------------
// Signing, finalizing, extracting a PSBTv2

/// Signs every input `ring` can sign (through `crate::bitcoin::psbt::sign`
/// on the v0 form) and returns the PSBTv2 with the signatures added.
pub fn sign(psbt: &PsbtV2, ring: &KeyRing, aux: AuxRand) -> crate::Result<(PsbtV2, SignReport)> {
    let mut v0 = psbt.to_v0()?;
    let report = v0::sign(&mut v0, ring, aux)?;
    Ok((psbt.with_signed_v0(&v0)?, report))
}

/// Finalizes every input that can be (BIP174 finalizer on the v0 form);
/// returns the PSBTv2 and how many inputs are final.
pub fn finalize(psbt: &PsbtV2) -> crate::Result<(PsbtV2, usize)> {
    let mut v0 = psbt.to_v0()?;
    let done = v0::finalize(&mut v0)?;
    Ok((psbt.with_signed_v0(&v0)?, done))
}

/// The network transaction of a fully finalized PSBTv2, serialised (its
/// lock time by BIP370's rules).
pub fn extract(psbt: &PsbtV2) -> crate::Result<Vec<u8>> {
    v0::extract(&psbt.to_v0()?)
}

#[cfg(test)]
#[path = "psbt_v2_tests.rs"]
mod tests;
