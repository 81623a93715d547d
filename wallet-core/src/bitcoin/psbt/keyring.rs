//! The keys a signer holds, and how an input's keys are matched to them.

use crate::bitcoin::{Address, AddressType, NetworkParams};
use crate::error::Result;
use crate::hash;
use crate::hd::{ChildIndex, DerivationPath, ExtendedPrivateKey, Fingerprint, Keychain};
use crate::key::PrivateKey;
use bitcoin::Script;
use std::collections::HashMap;

/// A BIP32 origin as a PSBT carries it (fingerprint, path), in our types.
pub(super) type Origin = (Fingerprint, DerivationPath);

/// One key we can sign with, and the forms its public key takes.
#[derive(Clone)]
pub(super) struct OwnedKey {
    pub(super) key: PrivateKey,
    pub(super) compressed: [u8; 33],
    pub(super) uncompressed: [u8; 65],
}

impl OwnedKey {
    pub(super) fn new(key: PrivateKey) -> Self {
        let pk = key.public_key();
        Self {
            compressed: pk.to_compressed(),
            uncompressed: pk.to_uncompressed(),
            key,
        }
    }
}

/// The keys a signer holds: an HD master (matched through BIP32 derivation
/// info, or by scanning its addresses), and/or single keys.
#[derive(Default)]
pub struct KeyRing {
    master: Option<(ExtendedPrivateKey, Fingerprint)>,
    singles: Vec<OwnedKey>,
    /// scriptPubKey → (key, type) for the addresses we derived.
    pub(super) scripts: HashMap<Vec<u8>, (usize, AddressType)>,
    pub(super) derived: Vec<OwnedKey>,
}

impl KeyRing {
    /// A ring with an HD master key. Inputs are matched by their BIP32
    /// derivation info; inputs without it are matched against the first
    /// `gap` receive and change addresses of every type, account 0, on `params`.
    pub fn from_master(
        master: ExtendedPrivateKey,
        params: NetworkParams,
        gap: u32,
    ) -> Result<Self> {
        let fp = master.fingerprint();
        let mut ring = KeyRing {
            master: Some((master.clone(), fp)),
            ..KeyRing::default()
        };
        for kind in AddressType::ALL {
            let account = crate::hd::account_path(kind.purpose(), params.coin_type(), 0)?;
            let acct = master.derive_path(&account)?;
            for keychain in [Keychain::External, Keychain::Internal] {
                let branch = acct.derive_child(keychain.child())?;
                for i in 0..gap {
                    let k = branch.derive_child(ChildIndex::normal(i)?)?;
                    let owned = OwnedKey::new(k.private_key().clone());
                    let spk = Address::from_public_key(&owned.key.public_key(), kind, params)?
                        .script_pubkey();
                    ring.derived.push(owned);
                    ring.scripts.insert(spk, (ring.derived.len() - 1, kind));
                }
            }
        }
        Ok(ring)
    }

    /// A ring of single keys (matched by public key, key hash or script,
    /// compressed or uncompressed).
    #[must_use]
    pub fn from_keys(keys: Vec<PrivateKey>) -> Self {
        KeyRing {
            singles: keys.into_iter().map(OwnedKey::new).collect(),
            ..KeyRing::default()
        }
    }

    /// The master key's fingerprint, when the ring has one.
    #[must_use]
    pub fn master_fingerprint(&self) -> Option<Fingerprint> {
        self.master.as_ref().map(|(_, fp)| *fp)
    }

    /// Whether the key `origin` names is ours and has the public key `pk`.
    pub(super) fn owns_origin(&self, pk: &[u8], origin: &Origin) -> bool {
        match &self.master {
            Some((master, fp)) if *fp == origin.0 => master.derive_path(&origin.1).is_ok_and(|k| {
                let p = k.private_key().public_key();
                p.to_compressed()[..] == *pk || p.x_only()[..] == *pk
            }),
            _ => false,
        }
    }

    pub(super) fn all_plain(&self) -> impl Iterator<Item = &OwnedKey> {
        self.singles.iter().chain(self.derived.iter())
    }

    /// The key whose public key is `pk`, using the BIP32 origin if given.
    pub(super) fn by_pubkey(&self, pk: &[u8], origin: Option<&Origin>) -> Option<OwnedKey> {
        if let (Some((master, fp)), Some((ofp, path))) = (&self.master, origin) {
            if fp == ofp {
                if let Ok(k) = master.derive_path(path) {
                    let owned = OwnedKey::new(k.private_key().clone());
                    if owned.compressed[..] == *pk || owned.uncompressed[..] == *pk {
                        return Some(owned);
                    }
                }
            }
        }
        self.all_plain()
            .find(|k| k.compressed[..] == *pk || k.uncompressed[..] == *pk)
            .cloned()
    }

    /// The key whose HASH160 is `h` (P2PKH/P2WPKH), compressed or not.
    pub(super) fn by_hash(
        &self,
        h: &[u8],
        origins: &[(Vec<u8>, Origin)],
    ) -> Option<(OwnedKey, Vec<u8>)> {
        for (pk, origin) in origins {
            if hash::hash160(pk)[..] == *h {
                if let Some(k) = self.by_pubkey(pk, Some(origin)) {
                    return Some((k, pk.clone()));
                }
            }
        }
        for k in self.all_plain() {
            if hash::hash160(&k.compressed)[..] == *h {
                return Some((k.clone(), k.compressed.to_vec()));
            }
            if hash::hash160(&k.uncompressed)[..] == *h {
                return Some((k.clone(), k.uncompressed.to_vec()));
            }
        }
        None
    }

    /// Whether the x-only key `x` is one of ours (through its origin, or
    /// among the single and scanned keys).
    pub(super) fn owns_x_only(&self, x: &[u8; 32], origin: &Origin) -> bool {
        if let Some((master, fp)) = &self.master {
            if *fp == origin.0
                && master
                    .derive_path(&origin.1)
                    .is_ok_and(|k| k.private_key().public_key().x_only() == *x)
            {
                return true;
            }
        }
        self.all_plain().any(|k| k.key.public_key().x_only() == *x)
    }

    /// A key whose BIP86 output key is `output_key`, with its origin or by scan.
    pub(super) fn by_taproot_output(
        &self,
        output_key: &[u8; 32],
        origins: &[([u8; 32], Origin)],
        merkle_root: Option<&[u8; 32]>,
    ) -> Option<OwnedKey> {
        let matches = |k: &OwnedKey| {
            crate::bitcoin::taproot::tweak_public_key(&k.key.public_key().x_only(), merkle_root)
                .map(|(q, _)| q == *output_key)
                .unwrap_or(false)
        };
        if let Some((master, fp)) = &self.master {
            for (_, (ofp, path)) in origins {
                if ofp == fp {
                    if let Ok(k) = master.derive_path(path) {
                        let owned = OwnedKey::new(k.private_key().clone());
                        if matches(&owned) {
                            return Some(owned);
                        }
                    }
                }
            }
        }
        self.all_plain().find(|k| matches(k)).cloned()
    }
}

/// Keys of ours that appear in `script` (or are listed in its BIP32 derivations).
pub(super) fn script_keys(
    ring: &KeyRing,
    script: &Script,
    origins: &[(Vec<u8>, Origin)],
) -> Vec<(OwnedKey, Vec<u8>)> {
    let bytes = script.as_bytes();
    let contains = |pk: &[u8]| bytes.windows(pk.len()).any(|w| w == pk);
    let mut out: Vec<(OwnedKey, Vec<u8>)> = Vec::new();
    for (pk, origin) in origins {
        if contains(pk) {
            if let Some(k) = ring.by_pubkey(pk, Some(origin)) {
                out.push((k, pk.clone()));
            }
        }
    }
    for k in ring.all_plain() {
        for pk in [k.compressed.to_vec(), k.uncompressed.to_vec()] {
            if contains(&pk) && !out.iter().any(|(_, p)| *p == pk) {
                out.push((k.clone(), pk));
            }
        }
    }
    out
}

/// A rust-bitcoin derivation path in our type.
pub(super) fn to_path(p: &bitcoin::bip32::DerivationPath) -> DerivationPath {
    let v: Vec<ChildIndex> = p
        .into_iter()
        .map(|c| ChildIndex::from_raw(u32::from(*c)))
        .collect();
    DerivationPath::from_indexes(v).unwrap_or_default()
}

/// A rust-bitcoin key origin in our types.
pub(super) fn origin(
    fp: &bitcoin::bip32::Fingerprint,
    path: &bitcoin::bip32::DerivationPath,
) -> Origin {
    (Fingerprint(fp.to_bytes()), to_path(path))
}
