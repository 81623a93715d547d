//! SLIP-39 Shamir backups: split a master secret into mnemonic shares in
//! groups, and recover it from a threshold of them.
//!
//! Implemented by this team from the spec (satoshilabs/slips
//! `slip-0039.md`): GF(256) Shamir sharing with the digest share at x = 254
//! and the secret at x = 255, the two-level group scheme, the RS1024
//! checksum, the four-round PBKDF2-HMAC-SHA256 Feistel cipher, and the
//! 1024-word list. It is tested against the official vectors and, both
//! ways, against the reference implementation (`shamir-mnemonic` on PyPI).
//!
//! # The master secret is not a BIP39 mnemonic
//!
//! A SLIP-39 wallet has its own [`MasterSecret`] (normally a fresh
//! [`MasterSecret::generate`]), and **its BIP32 seed is the master secret
//! itself**: the spec requires the master secret to be the BIP32 master
//! seed, the input of BIP32's HMAC-SHA512 ([`MasterSecret::master_key`]).
//! The entropy of a BIP39 mnemonic is not that seed (BIP39 runs the phrase
//! and its passphrase through PBKDF2-HMAC-SHA512 to get a 64-byte seed), so
//! splitting BIP39 entropy would back up a *different* wallet. An existing
//! BIP39 wallet therefore cannot be turned into ordinary SLIP-39 shares;
//! the spec's advice is to create a SLIP-39 wallet and move the funds. (Its
//! only other route, splitting the 64-byte BIP39 seed into 59-word shares
//! for one fixed passphrase, is possible with [`MasterSecret::from_bytes`]
//! but is not what users expect of a 20- or 33-word backup.)
//!
//! # Passphrase
//!
//! The master secret is encrypted with the passphrase before it is split:
//! `combine(shares, passphrase)` returns `decrypt(EMS, passphrase)`. The
//! passphrase may only contain printable ASCII (space to `~`); the empty
//! string means none. **A wrong passphrase cannot be detected**: every
//! passphrase decrypts to some master secret, so a typo gives a different,
//! empty wallet without any error (this is deliberate in the spec: it
//! allows decoy wallets). Check a recovered wallet by its addresses or its
//! fingerprint before relying on it.
//!
//! # Extendable backups
//!
//! With `extendable = true` (`ext` = 1, what the spec recommends for new
//! shares) the identifier is not part of the encryption, so another set of
//! shares with a new identifier can later give the same master secret. With
//! `ext` = 0 (older shares) the identifier salts the encryption. Both are
//! read.
//!
//! # Secret hygiene
//!
//! Master secrets, share values, mnemonics (as [`SecretString`]), the
//! encrypted master secret, Shamir intermediates, PBKDF2 inputs and the
//! bit buffers of the share encoding are zeroized when dropped; `Debug`
//! of [`MasterSecret`], [`Share`] and [`Recovery`] shows no secret. Errors
//! quote at most one word of a share (an unknown one), never a value.
//!
//! ```
//! use wallet_core::slip39::{combine, split, GroupSpec, IterationExponent, MasterSecret, Scheme};
//! let secret = MasterSecret::generate(128).unwrap();
//! // Two of three groups: "2of3" of family members, "1of1" kept alone, "3of5" of friends.
//! let spec = GroupSpec::new(2, vec!["2of3".parse().unwrap(), Scheme::new(1, 1).unwrap(),
//!                                  "3of5".parse().unwrap()]).unwrap();
//! let e = IterationExponent::new(0).unwrap();
//! let groups = split(&secret, "TREZOR", &spec, e, true).unwrap();
//! assert_eq!(groups[2].len(), 5);
//! assert_eq!(groups[0][0].to_mnemonic().expose().split(' ').count(), 20);
//!
//! let mut chosen = groups[0][..2].to_vec();
//! chosen.push(groups[1][0].clone());
//! assert_eq!(combine(&chosen, "TREZOR").unwrap(), secret);
//! // A wrong passphrase is not an error, only another secret.
//! assert_ne!(combine(&chosen, "trezor").unwrap(), secret);
//! ```

mod cipher;
mod error;
mod gf256;
mod index;
mod recovery;
mod rs1024;
mod scheme;
mod shamir;
mod share;
mod wordlist;

pub use error::{SetField, Shortfall, Slip39Error};
pub use recovery::{combine, GroupProgress, Progress, Recovery};
pub use scheme::{GroupSpec, Scheme, MAX_SHARES};
pub use share::{GroupIndex, Identifier, IterationExponent, MemberIndex, Share};

use crate::hd::ExtendedPrivateKey;
use crate::secret::{SecretString, SecretVec};
use core::fmt;

/// A SLIP-39 master secret, which is also the wallet's BIP32 seed: 16 to 64
/// bytes, an even number (the spec's "at least 128 bits, a multiple of
/// 16"; all tools support 16 and 32). Zeroized on drop; compared in
/// constant time.
#[derive(Clone)]
pub struct MasterSecret(SecretVec);

impl MasterSecret {
    /// A fresh secret of `bits` bits (128 or 256 usually; 128 to 512 in
    /// steps of 16) from the operating system's CSPRNG.
    pub fn generate(bits: usize) -> Result<Self, Slip39Error> {
        if !bits.is_multiple_of(16) {
            return Err(Slip39Error::SecretLength { bits });
        }
        let mut bytes = zeroize::Zeroizing::new(vec![0u8; bits / 8]);
        check_length(bytes.len())?;
        random_fill(&mut bytes)?;
        Ok(Self(SecretVec::from(bytes)))
    }

    /// Copies a secret of 16 to 64 bytes, an even number.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Slip39Error> {
        check_length(bytes.len())?;
        Ok(Self(SecretVec::new(bytes.to_vec())))
    }

    /// Borrows the secret bytes.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }

    /// The length in bits (128 to 512).
    #[must_use]
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }

    /// The BIP32 master key with this secret as its seed, as SLIP-39
    /// requires for HD wallets.
    pub fn master_key(&self) -> crate::Result<ExtendedPrivateKey> {
        ExtendedPrivateKey::from_seed_bytes(self.expose())
    }
}

impl PartialEq for MasterSecret {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.expose(), other.expose());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
    }
}

impl Eq for MasterSecret {}

impl fmt::Debug for MasterSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterSecret([REDACTED; {} bits])", self.bits())
    }
}

/// Splits `secret` into shares as `spec` says, encrypted with `passphrase`
/// (printable ASCII; `""` for none) at `iteration_exponent`, under a fresh
/// random identifier. `extendable` sets the `ext` flag; new backups should
/// use `true` (see the [module documentation](self)).
///
/// Returns one list of shares per group, in group order; share `j` of group
/// `i` is member `j + 1` of group `i + 1`.
///
/// ```
/// use wallet_core::slip39::{combine, split, GroupSpec, IterationExponent, MasterSecret, Share};
/// let secret = MasterSecret::from_bytes(&hex::decode("bb54aac4b89dc868ba37d9cc21b2cece").unwrap()).unwrap();
/// let groups = split(&secret, "", &GroupSpec::single(2, 3).unwrap(),
///                    IterationExponent::new(0).unwrap(), true).unwrap();
/// let written: Vec<_> = groups[0].iter().map(Share::to_mnemonic).collect();
/// // Any two of the three recover the secret.
/// let read: Vec<Share> = [&written[2], &written[0]].iter()
///     .map(|m| Share::parse(m.expose()).unwrap()).collect();
/// assert_eq!(combine(&read, "").unwrap(), secret);
/// ```
pub fn split(
    secret: &MasterSecret,
    passphrase: &str,
    spec: &GroupSpec,
    iteration_exponent: IterationExponent,
    extendable: bool,
) -> Result<Vec<Vec<Share>>, Slip39Error> {
    check_passphrase(passphrase)?;
    let identifier = Identifier::random()?;
    let ems = cipher::encrypt(
        secret.expose(),
        passphrase.as_bytes(),
        iteration_exponent,
        identifier,
        extendable,
    );
    let group_values = shamir::split_secret(spec.group_threshold(), spec.group_count(), &ems)?;
    let mut groups = Vec::with_capacity(group_values.len());
    for ((gi, scheme), group_value) in (0u8..).zip(spec.groups()).zip(&group_values) {
        let members = shamir::split_secret(scheme.threshold(), scheme.count(), group_value)?;
        let shares = (0u8..)
            .zip(members)
            .map(|(mi, value)| Share {
                identifier,
                extendable,
                exponent: iteration_exponent,
                group_index: GroupIndex(gi),
                group_threshold: spec.group_threshold(),
                group_count: spec.group_count(),
                member_index: MemberIndex(mi),
                member_threshold: scheme.threshold(),
                value: SecretVec::from(value),
            })
            .collect();
        groups.push(shares);
    }
    Ok(groups)
}

/// Parses several share mnemonics; an error names the share by its 1-based
/// position in `mnemonics`.
pub fn parse_shares<S: AsRef<str>>(mnemonics: &[S]) -> Result<Vec<Share>, Slip39Error> {
    mnemonics
        .iter()
        .enumerate()
        .map(|(i, m)| Share::parse(m.as_ref()).map_err(|e| e.in_share(i + 1)))
        .collect()
}

/// Writes every share of `groups` as its mnemonic, in the same layout.
#[must_use]
pub fn to_mnemonics(groups: &[Vec<Share>]) -> Vec<Vec<SecretString>> {
    groups
        .iter()
        .map(|g| g.iter().map(Share::to_mnemonic).collect())
        .collect()
}

fn check_length(bytes: usize) -> Result<(), Slip39Error> {
    if !bytes.is_multiple_of(2) || !(share::MIN_SECRET..=share::MAX_SECRET).contains(&bytes) {
        return Err(Slip39Error::SecretLength { bits: bytes * 8 });
    }
    Ok(())
}

/// The spec allows printable ASCII only (code points 32 to 126).
fn check_passphrase(passphrase: &str) -> Result<(), Slip39Error> {
    match passphrase.chars().position(|c| !(' '..='~').contains(&c)) {
        Some(i) => Err(Slip39Error::Passphrase { position: i + 1 }),
        None => Ok(()),
    }
}

/// Fills `buf` from the operating system's CSPRNG.
fn random_fill(buf: &mut [u8]) -> Result<(), Slip39Error> {
    rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, buf)
        .map_err(|e| Slip39Error::Random(e.to_string()))
}

#[cfg(test)]
mod tests;
