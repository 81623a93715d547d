//! BIP32 extended keys: derivation, fingerprints and the Base58Check
//! serialisation with BIP32 and SLIP-132 version bytes.
//!
//! Written over `k256` rather than the `bip32` crate because (1) public child
//! derivation must use k256's precomputed generator tables (the crate multiplies
//! the generator generically, ~3× slower when walking thousands of addresses),
//! (2) parsing must enforce every rule of BIP32's test vector 5 with a precise
//! reason, and (3) SLIP-132 and Litecoin versions must round-trip.

use super::path::{ChildIndex, DerivationPath};
use crate::error::{Error, Result};
use crate::hash;
use crate::key::{PrivateKey, PublicKey};
use crate::secret::{SecretBytes, SecretString, Seed};
use core::fmt;
use k256::elliptic_curve::ops::{MulByGenerator, Reduce};
use k256::elliptic_curve::PrimeField;
use k256::{NonZeroScalar, ProjectivePoint, Scalar, U256};
use zeroize::{Zeroize, Zeroizing};

/// The four-byte identifier of a key: the first bytes of HASH160 of its public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fingerprint(pub [u8; 4]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl core::str::FromStr for Fingerprint {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let mut out = [0u8; 4];
        hex::decode_to_slice(s.trim(), &mut out)
            .map_err(|_| Error::input(format!("'{s}' is not an 8-hex-digit fingerprint")))?;
        Ok(Self(out))
    }
}

/// The address scheme an extended-key version hints at (BIP44/49/84 purposes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// BIP44: P2PKH.
    Bip44,
    /// BIP49: P2SH-P2WPKH.
    Bip49,
    /// BIP84: P2WPKH.
    Bip84,
    /// BIP86: P2TR key path.
    Bip86,
}

impl Purpose {
    /// The purpose number used as the first path level.
    #[must_use]
    pub const fn number(self) -> u32 {
        match self {
            Purpose::Bip44 => 44,
            Purpose::Bip49 => 49,
            Purpose::Bip84 => 84,
            Purpose::Bip86 => 86,
        }
    }

    /// The purpose whose number is `n`.
    #[must_use]
    pub const fn from_number(n: u32) -> Option<Self> {
        match n {
            44 => Some(Purpose::Bip44),
            49 => Some(Purpose::Bip49),
            84 => Some(Purpose::Bip84),
            86 => Some(Purpose::Bip86),
            _ => None,
        }
    }
}

/// Which family of networks a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionNet {
    /// Bitcoin mainnet versions (`xpub`, `ypub`, `zpub`); Ethereum uses them too.
    BitcoinMain,
    /// Test networks of Bitcoin (and Litecoin): `tpub`, `upub`, `vpub`.
    Test,
    /// Litecoin mainnet versions (`Ltub`, `Mtub`).
    LitecoinMain,
    /// Litecoin testnet (`ttub`).
    LitecoinTest,
}

/// A known pair of extended-key versions (private, public) and what they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyVersion {
    /// The four-character prefix of the private form (`xprv`).
    pub private_prefix: &'static str,
    /// The four-character prefix of the public form (`xpub`).
    pub public_prefix: &'static str,
    /// Version bytes of the private form.
    pub private: u32,
    /// Version bytes of the public form.
    pub public: u32,
    /// Network family.
    pub net: VersionNet,
    /// The script type the version implies (SLIP-132).
    pub purpose: Purpose,
}

macro_rules! version {
    ($name:ident, $prv:literal, $pbl:literal, $p:literal, $q:literal, $net:ident, $purpose:ident) => {
        #[doc = concat!("`", $prv, "` / `", $pbl, "`.")]
        pub const $name: KeyVersion = KeyVersion {
            private_prefix: $prv,
            public_prefix: $pbl,
            private: $p,
            public: $q,
            net: VersionNet::$net,
            purpose: Purpose::$purpose,
        };
    };
}

impl KeyVersion {
    // Values: BIP32 (xprv/tprv), SLIP-0132 (y/z/u/v, Ltub/Mtub, ttub).
    version!(
        XPRV,
        "xprv",
        "xpub",
        0x0488_ADE4,
        0x0488_B21E,
        BitcoinMain,
        Bip44
    );
    version!(
        YPRV,
        "yprv",
        "ypub",
        0x049D_7878,
        0x049D_7CB2,
        BitcoinMain,
        Bip49
    );
    version!(
        ZPRV,
        "zprv",
        "zpub",
        0x04B2_430C,
        0x04B2_4746,
        BitcoinMain,
        Bip84
    );
    version!(TPRV, "tprv", "tpub", 0x0435_8394, 0x0435_87CF, Test, Bip44);
    version!(UPRV, "uprv", "upub", 0x044A_4E28, 0x044A_5262, Test, Bip49);
    version!(VPRV, "vprv", "vpub", 0x045F_18BC, 0x045F_1CF6, Test, Bip84);
    version!(
        LTPV,
        "Ltpv",
        "Ltub",
        0x019D_9CFE,
        0x019D_A462,
        LitecoinMain,
        Bip44
    );
    version!(
        MTPV,
        "Mtpv",
        "Mtub",
        0x01B2_6792,
        0x01B2_6EF6,
        LitecoinMain,
        Bip49
    );
    version!(
        TTPV,
        "ttpv",
        "ttub",
        0x0436_EF7D,
        0x0436_F6E1,
        LitecoinTest,
        Bip44
    );

    /// Every version this SDK reads and writes.
    pub const ALL: [KeyVersion; 9] = [
        Self::XPRV,
        Self::YPRV,
        Self::ZPRV,
        Self::TPRV,
        Self::UPRV,
        Self::VPRV,
        Self::LTPV,
        Self::MTPV,
        Self::TTPV,
    ];

    /// The version pair whose private or public bytes are `v`, and whether `v` is the private one.
    #[must_use]
    pub fn lookup(v: u32) -> Option<(KeyVersion, bool)> {
        Self::ALL.iter().find_map(|k| {
            if k.private == v {
                Some((*k, true))
            } else if k.public == v {
                Some((*k, false))
            } else {
                None
            }
        })
    }

    /// The version pair whose private or public prefix is `prefix` (case-sensitive).
    #[must_use]
    pub fn by_prefix(prefix: &str) -> Option<KeyVersion> {
        Self::ALL
            .iter()
            .find(|k| k.private_prefix == prefix || k.public_prefix == prefix)
            .copied()
    }

    /// True for test-network versions.
    #[must_use]
    pub fn is_test(self) -> bool {
        matches!(self.net, VersionNet::Test | VersionNet::LitecoinTest)
    }
}

/// Multisig SLIP-132 versions we recognise only to refuse them clearly.
const MULTISIG_VERSIONS: [(u32, &str); 8] = [
    (0x0295_B005, "Yprv"),
    (0x0295_B43F, "Ypub"),
    (0x02AA_7A99, "Zprv"),
    (0x02AA_7ED3, "Zpub"),
    (0x0242_85B5, "Uprv"),
    (0x0242_89EF, "Upub"),
    (0x0257_5048, "Vprv"),
    (0x0257_5483, "Vpub"),
];

/// Fields shared by private and public extended keys.
#[derive(Clone, PartialEq, Eq)]
struct Meta {
    depth: u8,
    parent: Fingerprint,
    child: ChildIndex,
    chain_code: SecretBytes<32>,
    version: KeyVersion,
}

/// A BIP32 extended private key. Zeroized on drop; `Debug` is redacted.
#[derive(Clone)]
pub struct ExtendedPrivateKey {
    key: PrivateKey,
    meta: Meta,
}

/// A BIP32 extended public key.
#[derive(Clone, PartialEq, Eq)]
pub struct ExtendedPublicKey {
    key: PublicKey,
    compressed: [u8; 33],
    fingerprint: Fingerprint,
    meta: Meta,
}

/// Which form a decoded extended key took.
#[derive(Debug, Clone)]
pub enum ExtendedKey {
    /// An `xprv`-like key.
    Private(ExtendedPrivateKey),
    /// An `xpub`-like key.
    Public(ExtendedPublicKey),
}

impl ExtendedKey {
    /// Decodes any supported extended key, reporting precisely what is wrong.
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim();
        let mut raw = Zeroizing::new(
            bs58::decode(t)
                .into_vec()
                .map_err(|e| Error::input(base58_problem("extended key", &e)))?,
        );
        if raw.len() != 82 {
            return Err(Error::input(format!(
                "extended key is {} bytes long once decoded; it must be 78 plus a 4-byte checksum (truncated or padded?)",
                raw.len()
            )));
        }
        let (body, check) = raw.split_at(78);
        if hash::sha256d(body)[..4] != *check {
            return Err(Error::Checksum {
                what: "extended key",
            });
        }
        let v = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
        let Some((version, private)) = KeyVersion::lookup(v) else {
            if let Some((_, name)) = MULTISIG_VERSIONS.iter().find(|(m, _)| *m == v) {
                return Err(Error::Unsupported(format!(
                    "'{name}' is a multisig (P2WSH) extended key; only single-signature keys are supported"
                )));
            }
            return Err(Error::UnknownVersion {
                what: "extended key",
                version: format!("0x{v:08x}"),
            });
        };
        let depth = body[4];
        let parent = Fingerprint([body[5], body[6], body[7], body[8]]);
        let child =
            ChildIndex::from_raw(u32::from_be_bytes([body[9], body[10], body[11], body[12]]));
        if depth == 0 && parent != Fingerprint::default() {
            return Err(Error::key(
                "depth 0 (a master key) with a non-zero parent fingerprint",
            ));
        }
        if depth == 0 && child.raw() != 0 {
            return Err(Error::key(
                "depth 0 (a master key) with a non-zero child index",
            ));
        }
        let chain_code = SecretBytes::from_slice(&body[13..45])
            .ok_or_else(|| Error::Internal("chain code slice".into()))?;
        let key_data = &body[45..78];
        let meta = Meta {
            depth,
            parent,
            child,
            chain_code,
            version,
        };
        let out = if private {
            if key_data[0] != 0 {
                return Err(Error::key(format!(
                    "a private version ({}) with public key data (first key byte 0x{:02x}, expected 0x00)",
                    version.private_prefix, key_data[0]
                )));
            }
            let key = PrivateKey::from_slice(&key_data[1..])?;
            ExtendedKey::Private(ExtendedPrivateKey { key, meta })
        } else {
            match key_data[0] {
                0x02 | 0x03 => {}
                0x00 => {
                    return Err(Error::key(format!(
                        "a public version ({}) with private key data (first key byte 0x00)",
                        version.public_prefix
                    )))
                }
                b => {
                    return Err(Error::key(format!(
                        "invalid public key prefix 0x{b:02x}: an extended public key holds a compressed key (0x02 or 0x03)"
                    )))
                }
            }
            let key = PublicKey::from_slice(key_data)?;
            ExtendedKey::Public(ExtendedPublicKey::from_parts(key, meta))
        };
        raw.zeroize();
        Ok(out)
    }

    /// The version pair of the key.
    #[must_use]
    pub fn version(&self) -> KeyVersion {
        match self {
            ExtendedKey::Private(k) => k.meta.version,
            ExtendedKey::Public(k) => k.meta.version,
        }
    }
}

/// What is wrong with a base58 key, without quoting it: bs58's own message
/// names the offending character, and a character of a key is key material.
pub(crate) fn base58_problem(what: &str, e: &bs58::decode::Error) -> String {
    let at = match e {
        bs58::decode::Error::InvalidCharacter { index, .. }
        | bs58::decode::Error::NonAsciiCharacter { index } => Some(*index),
        _ => None,
    };
    match at {
        Some(i) => format!(
            "{what} is not valid base58: character {} is not a base58 digit (base58 has no 0, O, I or l, and is case-sensitive: check the copy)",
            i + 1
        ),
        None => format!("{what} is not valid base58"),
    }
}

fn serialize(meta: &Meta, version: u32, key_data: &[u8; 33]) -> Zeroizing<String> {
    let mut buf = Zeroizing::new([0u8; 78]);
    buf[..4].copy_from_slice(&version.to_be_bytes());
    buf[4] = meta.depth;
    buf[5..9].copy_from_slice(&meta.parent.0);
    buf[9..13].copy_from_slice(&meta.child.raw().to_be_bytes());
    buf[13..45].copy_from_slice(meta.chain_code.expose());
    buf[45..78].copy_from_slice(key_data);
    Zeroizing::new(bs58::encode(&buf[..]).with_check().into_string())
}

/// Splits HMAC-SHA512 output into a tweak scalar (must be < n) and a chain code.
fn split_tweak(i: &[u8; 64]) -> Result<(Scalar, SecretBytes<32>)> {
    let mut il = [0u8; 32];
    il.copy_from_slice(&i[..32]);
    let tweak: Option<Scalar> = Scalar::from_repr(il.into()).into();
    il.zeroize();
    let tweak = tweak.ok_or_else(|| {
        Error::key(
            "this index yields an invalid key (probability below 2^-127); use the next index",
        )
    })?;
    let chain = SecretBytes::from_slice(&i[32..])
        .ok_or_else(|| Error::Internal("chain code slice".into()))?;
    Ok((tweak, chain))
}

impl ExtendedPrivateKey {
    /// The BIP32 master key of a seed (16 to 64 bytes), serialised with `xprv`.
    pub fn from_seed(seed: &Seed) -> Result<Self> {
        Self::from_seed_bytes(seed.expose())
    }

    /// The BIP32 master key of raw seed bytes (16 to 64 bytes).
    pub fn from_seed_bytes(seed: &[u8]) -> Result<Self> {
        if !(16..=64).contains(&seed.len()) {
            return Err(Error::input(format!(
                "a BIP32 seed is 16 to 64 bytes, not {}",
                seed.len()
            )));
        }
        let i = hash::hmac_sha512(b"Bitcoin seed", &[seed]);
        let key = PrivateKey::from_slice(&i[..32]).map_err(|_| {
            Error::key("this seed gives an invalid master key (probability below 2^-127)")
        })?;
        let chain_code = SecretBytes::from_slice(&i[32..])
            .ok_or_else(|| Error::Internal("chain code slice".into()))?;
        Ok(Self {
            key,
            meta: Meta {
                depth: 0,
                parent: Fingerprint::default(),
                child: ChildIndex::from_raw(0),
                chain_code,
                version: KeyVersion::XPRV,
            },
        })
    }

    /// Parses an `xprv`-like string; a public key is an error.
    pub fn parse(s: &str) -> Result<Self> {
        match ExtendedKey::parse(s)? {
            ExtendedKey::Private(k) => Ok(k),
            ExtendedKey::Public(_) => Err(Error::key(
                "this is an extended public key; a private one (xprv, tprv, yprv, zprv…) is needed",
            )),
        }
    }

    /// Derives one level (CKDpriv).
    pub fn derive_child(&self, child: ChildIndex) -> Result<Self> {
        let depth =
            self.meta.depth.checked_add(1).ok_or_else(|| {
                Error::InvalidPath("a key at depth 255 cannot have children".into())
            })?;
        let public = self.key.public_key().to_compressed();
        let index = child.raw().to_be_bytes();
        let i = if child.is_hardened() {
            let secret = self.key.to_bytes();
            hash::hmac_sha512(
                self.meta.chain_code.expose(),
                &[&[0u8], secret.expose(), &index],
            )
        } else {
            hash::hmac_sha512(self.meta.chain_code.expose(), &[&public, &index])
        };
        let (tweak, chain_code) = split_tweak(&i)?;
        let parent_scalar: Scalar = *self.key.secret_key().to_nonzero_scalar();
        let sum = parent_scalar + tweak;
        let nz: Option<NonZeroScalar> = NonZeroScalar::new(sum).into();
        let nz = nz.ok_or_else(|| {
            Error::key(
                "this index yields an invalid key (probability below 2^-127); use the next index",
            )
        })?;
        Ok(Self {
            key: PrivateKey::from_secret_key(k256::SecretKey::from(nz)),
            meta: Meta {
                depth,
                parent: Fingerprint(first4(&hash::hash160(&public))),
                child,
                chain_code,
                version: self.meta.version,
            },
        })
    }

    /// Derives every level of `path`, which is taken relative to this key.
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Self> {
        let mut k = self.clone();
        for c in path.indexes() {
            k = k.derive_child(*c)?;
        }
        Ok(k)
    }

    /// The matching extended public key (same version pair).
    #[must_use]
    pub fn public_key(&self) -> ExtendedPublicKey {
        ExtendedPublicKey::from_parts(self.key.public_key(), self.meta.clone())
    }

    /// The private key at this node.
    #[must_use]
    pub fn private_key(&self) -> &PrivateKey {
        &self.key
    }

    /// This key's own fingerprint (HASH160 of its public key, first 4 bytes).
    #[must_use]
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint(first4(&self.key.public_key().hash160()))
    }

    /// The parent's fingerprint (zero for a master key).
    #[must_use]
    pub fn parent_fingerprint(&self) -> Fingerprint {
        self.meta.parent
    }

    /// Depth below the master key.
    #[must_use]
    pub fn depth(&self) -> u8 {
        self.meta.depth
    }

    /// The index this key was derived at.
    #[must_use]
    pub fn child_index(&self) -> ChildIndex {
        self.meta.child
    }

    /// The version pair used to serialise.
    #[must_use]
    pub fn version(&self) -> KeyVersion {
        self.meta.version
    }

    /// The same key, serialised with other version bytes.
    #[must_use]
    pub fn with_version(mut self, version: KeyVersion) -> Self {
        self.meta.version = version;
        self
    }

    /// Base58Check string with the private version (`xprv…`).
    #[must_use]
    pub fn to_base58(&self) -> SecretString {
        let mut data = Zeroizing::new([0u8; 33]);
        data[1..].copy_from_slice(self.key.to_bytes().expose());
        SecretString::from(serialize(&self.meta, self.meta.version.private, &data))
    }
}

impl fmt::Debug for ExtendedPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtendedPrivateKey")
            .field("version", &self.meta.version.private_prefix)
            .field("depth", &self.meta.depth)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

impl PartialEq for ExtendedPrivateKey {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.meta == other.meta
    }
}

impl Eq for ExtendedPrivateKey {}

impl ExtendedPublicKey {
    fn from_parts(key: PublicKey, meta: Meta) -> Self {
        let compressed = key.to_compressed();
        let fingerprint = Fingerprint(first4(&hash::hash160(&compressed)));
        Self {
            key,
            compressed,
            fingerprint,
            meta,
        }
    }

    /// Parses an `xpub`-like string; a private key is an error (we never
    /// silently accept a secret where a public key was asked for).
    pub fn parse(s: &str) -> Result<Self> {
        match ExtendedKey::parse(s)? {
            ExtendedKey::Public(k) => Ok(k),
            ExtendedKey::Private(_) => Err(Error::key(
                "this is an extended private key where a public one (xpub, tpub, ypub, zpub…) is expected",
            )),
        }
    }

    /// The tweak and chain code of non-hardened child `child`.
    fn ckd(&self, child: ChildIndex) -> Result<(Scalar, SecretBytes<32>)> {
        if child.is_hardened() {
            return Err(Error::InvalidPath(format!(
                "hardened index {child} cannot be derived from a public key"
            )));
        }
        let i = hash::hmac_sha512(
            self.meta.chain_code.expose(),
            &[&self.compressed, &child.raw().to_be_bytes()],
        );
        split_tweak(&i)
    }

    /// Derives one non-hardened level (CKDpub).
    pub fn derive_child(&self, child: ChildIndex) -> Result<Self> {
        let depth =
            self.meta.depth.checked_add(1).ok_or_else(|| {
                Error::InvalidPath("a key at depth 255 cannot have children".into())
            })?;
        let (tweak, chain_code) = self.ckd(child)?;
        let key = self.add_tweak(&tweak)?;
        Ok(Self::from_parts(
            key,
            Meta {
                depth,
                parent: self.fingerprint,
                child,
                chain_code,
                version: self.meta.version,
            },
        ))
    }

    /// Only the public key of child `child` (no chain code): the fast path
    /// for walking address indexes.
    pub fn child_public_key(&self, child: ChildIndex) -> Result<PublicKey> {
        let (tweak, _) = self.ckd(child)?;
        self.add_tweak(&tweak)
    }

    fn add_tweak(&self, tweak: &Scalar) -> Result<PublicKey> {
        let point = ProjectivePoint::mul_by_generator(tweak) + self.key.inner().to_projective();
        k256::PublicKey::from_affine(point.to_affine())
            .map(PublicKey::from_inner)
            .map_err(|_| {
                Error::key("this index yields the point at infinity (probability below 2^-127); use the next index")
            })
    }

    /// Derives every level of `path` (all non-hardened), relative to this key.
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Self> {
        let mut k = self.clone();
        for c in path.indexes() {
            k = k.derive_child(*c)?;
        }
        Ok(k)
    }

    /// The public key at this node.
    #[must_use]
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// This key's fingerprint.
    #[must_use]
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The parent's fingerprint (zero for a master key).
    #[must_use]
    pub fn parent_fingerprint(&self) -> Fingerprint {
        self.meta.parent
    }

    /// Depth below the master key.
    #[must_use]
    pub fn depth(&self) -> u8 {
        self.meta.depth
    }

    /// The index this key was derived at.
    #[must_use]
    pub fn child_index(&self) -> ChildIndex {
        self.meta.child
    }

    /// The chain code (public information for an xpub).
    #[must_use]
    pub fn chain_code(&self) -> [u8; 32] {
        *self.meta.chain_code.expose()
    }

    /// The version pair used to serialise.
    #[must_use]
    pub fn version(&self) -> KeyVersion {
        self.meta.version
    }

    /// The same key, serialised with other version bytes.
    #[must_use]
    pub fn with_version(mut self, version: KeyVersion) -> Self {
        self.meta.version = version;
        self
    }

    /// Base58Check string with the public version (`xpub…`).
    #[must_use]
    pub fn to_base58(&self) -> String {
        serialize(&self.meta, self.meta.version.public, &self.compressed).to_string()
    }
}

impl fmt::Display for ExtendedPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base58())
    }
}

impl fmt::Debug for ExtendedPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExtendedPublicKey({})", self.to_base58())
    }
}

fn first4(h: &[u8; 20]) -> [u8; 4] {
    [h[0], h[1], h[2], h[3]]
}

/// Adds `tweak` (reduced mod n) times G to `point`; used by taproot tweaking.
pub(crate) fn tweak_add_point(
    point: &k256::PublicKey,
    tweak: &[u8; 32],
) -> Option<k256::PublicKey> {
    let t = <Scalar as Reduce<U256>>::reduce_bytes(&(*tweak).into());
    let p = ProjectivePoint::mul_by_generator(&t) + point.to_projective();
    k256::PublicKey::from_affine(p.to_affine()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // BIP32 test vector 1.
    const SEED1: &str = "000102030405060708090a0b0c0d0e0f";

    #[test]
    fn vector1_master_and_child() {
        let seed = hex::decode(SEED1).unwrap();
        let m = ExtendedPrivateKey::from_seed_bytes(&seed).unwrap();
        assert_eq!(m.to_base58().expose(), "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi");
        let c = m.derive_path(&"m/0'/1".parse().unwrap()).unwrap();
        assert_eq!(c.public_key().to_base58(), "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ");
        // Public derivation agrees with private derivation.
        let p = m
            .derive_child(ChildIndex::hardened(0).unwrap())
            .unwrap()
            .public_key()
            .derive_child(ChildIndex::normal(1).unwrap())
            .unwrap();
        assert_eq!(p, c.public_key());
        assert!(p.derive_child(ChildIndex::hardened(1).unwrap()).is_err());
    }

    #[test]
    fn versions_round_trip() {
        let m = ExtendedPrivateKey::from_seed_bytes(&hex::decode(SEED1).unwrap()).unwrap();
        for v in KeyVersion::ALL {
            let k = m.clone().with_version(v);
            let s = k.to_base58();
            assert!(
                s.expose().starts_with(v.private_prefix),
                "{}",
                v.private_prefix
            );
            let back = ExtendedPrivateKey::parse(s.expose()).unwrap();
            assert_eq!(back.version(), v);
            assert_eq!(back.to_base58().expose(), s.expose());
            let p = k.public_key().to_base58();
            assert!(p.starts_with(v.public_prefix), "{p}");
            assert_eq!(ExtendedPublicKey::parse(&p).unwrap().to_base58(), p);
        }
    }

    #[test]
    fn debug_redacts_private() {
        let m = ExtendedPrivateKey::from_seed_bytes(&hex::decode(SEED1).unwrap()).unwrap();
        let d = format!("{m:?}");
        assert!(d.contains("REDACTED") && !d.contains("xprv9s"), "{d}");
    }
}
