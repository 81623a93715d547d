//! SLIP-39 wallets: a fresh master secret split into Shamir shares, a
//! wallet recovered from shares, and the group layouts (`2of3` for the
//! groups, `2of3,3of5` for their members) that every face parses alike.
//!
//! The master secret of such a wallet is its BIP32 seed, as SLIP-39
//! requires; the keystore stores the secret itself (the shares' passphrase
//! is already part of it). A BIP39 wallet cannot become one: its seed is
//! PBKDF2 of the phrase, not a SLIP-39 master secret (see
//! [`crate::slip39`]).

use super::{UnlockedWallet, Wallet};
use crate::error::{Error, ErrorKind, Result};
use crate::keystore::{HdOrigin, KdfParams, Keystore, WalletKind, WalletSecret};
use crate::report::{CreatedWallet, ShareView, Slip39GroupView, Slip39Layout, Slip39Shares};
use crate::secret::SecretString;
use crate::slip39::{
    self, GroupSpec, Identifier, IterationExponent, MasterSecret, Recovery, Scheme, Share,
    Slip39Error,
};
use core::fmt;
use zeroize::Zeroizing;

/// The length of a new master secret: 128 bits (20-word shares) or 256
/// bits (33-word shares), the two lengths every SLIP-39 tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretSize {
    /// 16 bytes; shares of 20 words.
    #[default]
    Bits128,
    /// 32 bytes; shares of 33 words.
    Bits256,
}

impl SecretSize {
    /// The length in bits.
    #[must_use]
    pub const fn bits(self) -> usize {
        match self {
            SecretSize::Bits128 => 128,
            SecretSize::Bits256 => 256,
        }
    }
}

impl TryFrom<u32> for SecretSize {
    type Error = Slip39SetupError;

    fn try_from(bits: u32) -> core::result::Result<Self, Slip39SetupError> {
        match bits {
            128 => Ok(SecretSize::Bits128),
            256 => Ok(SecretSize::Bits256),
            _ => Err(Slip39SetupError::SecretSize { bits }),
        }
    }
}

/// Which part of a layout a scheme came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutPart {
    /// The group scheme (`2of3`: two of three groups).
    Groups,
    /// The member scheme of this group (1-based).
    Members(usize),
}

impl fmt::Display for LayoutPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutPart::Groups => f.write_str("the group scheme"),
            LayoutPart::Members(g) => write!(f, "the member scheme of group {g}"),
        }
    }
}

/// What is wrong with the parameters of a new set of shares.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Slip39SetupError {
    /// A scheme that does not parse or is out of range.
    #[error("{part}: {source}")]
    Scheme {
        /// Where it was.
        part: LayoutPart,
        /// Why it was refused.
        source: Slip39Error,
    },
    /// A group scheme whose count differs from the member schemes given.
    #[error("the group scheme names {groups} groups but {members} member schemes were given: give one TofN per group, separated by commas (e.g. 2of3,3of5,1of1 for 3 groups)")]
    GroupCount {
        /// The groups the group scheme names.
        groups: u8,
        /// The member schemes given.
        members: usize,
    },
    /// Several groups without a group scheme saying how many are needed.
    #[error("{members} groups were given but not how many of them are needed: give a group scheme such as 2of{members}")]
    GroupThresholdMissing {
        /// The member schemes given.
        members: usize,
    },
    /// No member scheme at all.
    #[error("no member scheme was given: give one TofN per group (e.g. 2of3)")]
    NoMembers,
    /// A master secret length other than 128 or 256 bits.
    #[error("a new SLIP-39 master secret is 128 or 256 bits, not {bits}")]
    SecretSize {
        /// The length asked for.
        bits: u32,
    },
    /// A given master secret that is not hex.
    #[error("the master secret is not hex: give 32 or 64 hex digits")]
    MasterSecretHex,
    /// A layout the spec forbids, or a failure of the split itself.
    #[error(transparent)]
    Slip39(#[from] Slip39Error),
}

impl Slip39SetupError {
    /// The stable category of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Slip39SetupError::Slip39(e) => e.kind(),
            _ => ErrorKind::InvalidInput,
        }
    }
}

impl From<Slip39SetupError> for Error {
    fn from(e: Slip39SetupError) -> Self {
        match e {
            Slip39SetupError::Slip39(inner) => inner.into(),
            other => Error::InvalidInput(other.to_string()),
        }
    }
}

/// Parses a layout: `members` holds one `TofN` per group, comma-separated
/// (`2of3,3of5,1of1`); `groups` says how many groups are needed, as `TofG`
/// with G the number of member schemes (`2of3`). Without `groups` there
/// must be one member scheme (a single group).
///
/// ```
/// use wallet_core::wallet::parse_layout;
/// let spec = parse_layout(Some("2of3"), "2of3, 3of5,1of1").unwrap();
/// assert_eq!((spec.group_threshold(), spec.group_count()), (2, 3));
/// assert_eq!(parse_layout(None, "3of5").unwrap().groups()[0].count(), 5);
/// assert!(parse_layout(Some("2of2"), "2of3,3of5,1of1").is_err());
/// ```
pub fn parse_layout(
    groups: Option<&str>,
    members: &str,
) -> core::result::Result<GroupSpec, Slip39SetupError> {
    if members.trim().is_empty() {
        return Err(Slip39SetupError::NoMembers);
    }
    let schemes = members
        .split(',')
        .enumerate()
        .map(|(i, m)| {
            m.parse::<Scheme>()
                .map_err(|source| Slip39SetupError::Scheme {
                    part: LayoutPart::Members(i + 1),
                    source,
                })
        })
        .collect::<core::result::Result<Vec<_>, _>>()?;
    let group_threshold = match groups {
        None if schemes.len() == 1 => 1,
        None => {
            return Err(Slip39SetupError::GroupThresholdMissing {
                members: schemes.len(),
            })
        }
        Some(g) => {
            let g: Scheme = g.parse().map_err(|source| Slip39SetupError::Scheme {
                part: LayoutPart::Groups,
                source,
            })?;
            if usize::from(g.count()) != schemes.len() {
                return Err(Slip39SetupError::GroupCount {
                    groups: g.count(),
                    members: schemes.len(),
                });
            }
            g.threshold()
        }
    };
    Ok(GroupSpec::new(group_threshold, schemes)?)
}

/// How to make a set of shares.
#[derive(Debug, Clone)]
pub struct Slip39Params {
    /// The length of a fresh master secret (a given secret keeps its own).
    pub size: SecretSize,
    /// The groups and their member schemes.
    pub spec: GroupSpec,
    /// The passphrase the master secret is encrypted with (printable ASCII;
    /// empty for none). A wrong one cannot be detected on recovery.
    pub passphrase: SecretString,
    /// The PBKDF2 cost exponent (default 1, as Trezor uses).
    pub iteration_exponent: IterationExponent,
    /// The `ext` flag (default `true`, as the spec recommends).
    pub extendable: bool,
}

impl Slip39Params {
    /// `spec` with the defaults: 128 bits, no passphrase, exponent 1, extendable.
    #[must_use]
    pub fn new(spec: GroupSpec) -> Self {
        Self {
            size: SecretSize::default(),
            spec,
            passphrase: SecretString::default(),
            iteration_exponent: IterationExponent::default(),
            extendable: true,
        }
    }
}

/// A master secret and the shares it was split into, before (or instead
/// of) a wallet being made of them. Zeroized on drop; `Debug` shows only
/// the layout.
pub struct Slip39Backup {
    secret: MasterSecret,
    params: Slip39Params,
    identifier: Identifier,
    groups: Vec<Vec<Share>>,
}

impl fmt::Debug for Slip39Backup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slip39Backup")
            .field("layout", &self.layout())
            .finish_non_exhaustive()
    }
}

impl Slip39Backup {
    /// A fresh master secret of `params.size` from the OS CSPRNG, split.
    pub fn generate(params: &Slip39Params) -> core::result::Result<Self, Slip39Error> {
        Self::split(MasterSecret::generate(params.size.bits())?, params)
    }

    /// Splits `secret` (its own length; `params.size` is not used) into a
    /// new set of shares with a fresh identifier.
    pub fn split(
        secret: MasterSecret,
        params: &Slip39Params,
    ) -> core::result::Result<Self, Slip39Error> {
        let groups = slip39::split(
            &secret,
            params.passphrase.expose(),
            &params.spec,
            params.iteration_exponent,
            params.extendable,
        )?;
        let identifier = groups
            .first()
            .and_then(|g| g.first())
            .map(Share::identifier)
            .ok_or(Slip39Error::Internal("a split gave no shares"))?;
        Ok(Self {
            secret,
            params: params.clone(),
            identifier,
            groups,
        })
    }

    /// The master secret (the wallet's BIP32 seed).
    #[must_use]
    pub fn master_secret(&self) -> &MasterSecret {
        &self.secret
    }

    /// The passphrase the shares were made with.
    #[must_use]
    pub fn passphrase(&self) -> &SecretString {
        &self.params.passphrase
    }

    /// The shares, one list per group; share `j` of group `i` is member
    /// `j + 1` of group `i + 1`.
    #[must_use]
    pub fn groups(&self) -> &[Vec<Share>] {
        &self.groups
    }

    /// Whether `share` is one of these shares.
    #[must_use]
    pub fn contains(&self, share: &Share) -> bool {
        self.groups.iter().flatten().any(|s| s == share)
    }

    /// The public shape of the set.
    #[must_use]
    pub fn layout(&self) -> Slip39Layout {
        let spec = &self.params.spec;
        Slip39Layout {
            identifier: self.identifier.value(),
            group_threshold: spec.group_threshold(),
            group_count: spec.group_count(),
            groups: (1u8..)
                .zip(spec.groups())
                .map(|(group, s)| Slip39GroupView {
                    group,
                    threshold: s.threshold(),
                    count: Some(s.count()),
                })
                .collect(),
            extendable: self.params.extendable,
            iteration_exponent: self.params.iteration_exponent.value(),
            bits: self.secret.bits(),
        }
    }

    /// Every share as words, group by group (secrets: show once).
    #[must_use]
    pub fn share_views(&self) -> Vec<ShareView> {
        self.groups
            .iter()
            .flatten()
            .map(|s| ShareView {
                group: s.group_index().number(),
                member: s.member_index().number(),
                mnemonic: Zeroizing::new(s.to_mnemonic().expose().to_owned()),
            })
            .collect()
    }

    /// The shares, their layout and the fingerprint of the wallet they make.
    pub fn report(&self) -> Result<Slip39Shares> {
        Ok(Slip39Shares {
            shares: self.share_views(),
            slip39: self.layout(),
            fingerprint: self.secret.master_key()?.fingerprint().to_string(),
        })
    }
}

/// Recovers a master secret from share mnemonics in any order (each
/// checked as it comes; errors name the share by its 1-based position).
/// Exactly a threshold set is expected: a share that is not needed is
/// refused. A wrong passphrase cannot be detected.
pub fn recover_slip39(
    shares: &[SecretString],
    passphrase: &SecretString,
) -> core::result::Result<(MasterSecret, Identifier), Slip39Error> {
    let mut recovery = Recovery::new();
    let mut identifier = None;
    for s in shares {
        identifier = Some(recovery.add_mnemonic(s.expose())?.identifier);
    }
    let identifier = identifier.ok_or(Slip39Error::NoShares)?;
    Ok((recovery.finish(passphrase.expose())?, identifier))
}

/// A new SLIP-39 wallet `name` holding `backup`'s master secret; its shares
/// and layout are in the result, to show once.
pub fn create_with_slip39(
    keystore: &Keystore,
    name: &str,
    backup: &Slip39Backup,
    password: &SecretString,
    kdf: KdfParams,
) -> Result<(Wallet, CreatedWallet)> {
    let secret = WalletSecret::from_slip39(backup.master_secret().clone())?;
    let w = Wallet::create(keystore, name, &secret, password, kdf)?;
    let created = CreatedWallet {
        summary: w.summary(),
        mnemonic: None,
        words: None,
        language: None,
        backup_verified: None,
        shares: Some(backup.share_views()),
        slip39: Some(backup.layout()),
    };
    Ok((w, created))
}

/// The error of asking a SLIP-39 wallet for its BIP39 phrase.
pub(crate) fn no_bip39_phrase(name: &str) -> Error {
    Error::Unsupported(format!(
        "'{name}' is a SLIP-39 wallet: it has no BIP39 mnemonic; its backup is its SLIP-39 shares (its master extended private key can be exported instead)"
    ))
}

impl Wallet {
    /// Refuses, before any password is asked, to export the mnemonic of a
    /// SLIP-39 wallet (there is none).
    pub fn check_mnemonic_export(&self) -> Result<()> {
        if self.file.kind() == WalletKind::Slip39 {
            return Err(no_bip39_phrase(&self.name));
        }
        Ok(())
    }
}

impl UnlockedWallet {
    /// A new set of shares of this SLIP-39 wallet's master secret (another
    /// layout or passphrase; a new identifier), recovering the same wallet.
    /// Other wallets cannot be split: a BIP39 seed or a master key is not a
    /// SLIP-39 master secret.
    pub fn reshare_slip39(&self, params: &Slip39Params) -> Result<Slip39Backup> {
        let secret = match &self.secret {
            WalletSecret::Hd(h) => match h.origin() {
                HdOrigin::Slip39 { master_secret } => master_secret.clone(),
                _ => return Err(self.not_slip39()),
            },
            WalletSecret::Single(_) => return Err(self.not_slip39()),
        };
        Ok(Slip39Backup::split(secret, params)?)
    }

    fn not_slip39(&self) -> Error {
        Error::Unsupported(format!(
            "'{}' is a {} wallet, not a SLIP-39 one: only a SLIP-39 master secret can be split into shares (create a SLIP-39 wallet and move the funds)",
            self.wallet.name(),
            self.secret.kind().code()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_parse_with_precise_errors() {
        let spec = parse_layout(Some("1of2"), "2of3,1of1").unwrap();
        assert_eq!(spec.group_threshold(), 1);
        assert_eq!(
            parse_layout(Some("2of3"), "2of3,3of5"),
            Err(Slip39SetupError::GroupCount {
                groups: 3,
                members: 2
            })
        );
        assert_eq!(
            parse_layout(None, "2of3,3of5"),
            Err(Slip39SetupError::GroupThresholdMissing { members: 2 })
        );
        assert_eq!(parse_layout(None, " "), Err(Slip39SetupError::NoMembers));
        let e = parse_layout(None, "2of3,,1of1").unwrap_err();
        assert!(matches!(
            e,
            Slip39SetupError::Scheme {
                part: LayoutPart::Members(2),
                ..
            }
        ));
        assert!(
            e.to_string().starts_with("the member scheme of group 2:"),
            "{e}"
        );
        let e = parse_layout(Some("two"), "1of1").unwrap_err();
        assert!(e.to_string().starts_with("the group scheme:"), "{e}");
        let e = parse_layout(None, "1of3").unwrap_err();
        assert_eq!(
            e,
            Slip39SetupError::Slip39(Slip39Error::MemberThresholdOne { group: 1, count: 3 })
        );
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(Error::from(e).kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn secret_sizes() {
        assert_eq!(SecretSize::try_from(256).unwrap().bits(), 256);
        assert_eq!(
            SecretSize::try_from(192),
            Err(Slip39SetupError::SecretSize { bits: 192 })
        );
    }

    #[test]
    fn a_backup_recovers_its_secret_and_shows_its_layout() {
        let mut params = Slip39Params::new(parse_layout(Some("2of3"), "2of3,1of1,3of5").unwrap());
        params.iteration_exponent = IterationExponent::new(0).unwrap();
        params.passphrase = SecretString::from("TREZOR");
        let b = Slip39Backup::generate(&params).unwrap();
        let layout = b.layout();
        assert_eq!((layout.group_threshold, layout.group_count), (2, 3));
        assert_eq!(layout.groups[2].count, Some(5));
        assert_eq!(layout.bits, 128);
        let views = b.share_views();
        assert_eq!(views.len(), 9);
        assert_eq!((views[3].group, views[3].member), (2, 1));
        let chosen: Vec<SecretString> = [&views[3], &views[1], &views[0]]
            .iter()
            .map(|v| SecretString::from(v.mnemonic.as_str()))
            .collect();
        let (secret, id) = recover_slip39(&chosen, b.passphrase()).unwrap();
        assert_eq!(&secret, b.master_secret());
        assert_eq!(id.value(), layout.identifier);
        assert!(format!("{b:?}").contains("identifier"));
        assert!(!format!("{b:?}").contains(views[0].mnemonic.as_str()));
        let e = recover_slip39(&chosen[..2], b.passphrase()).unwrap_err();
        assert!(matches!(e, Slip39Error::TooFewShares { .. }), "{e}");
        assert_eq!(
            recover_slip39(&[], b.passphrase()).unwrap_err(),
            Slip39Error::NoShares
        );
    }

    fn temp_keystore() -> (std::path::PathBuf, Keystore) {
        let mut rnd = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut rnd);
        let dir = std::env::temp_dir().join(format!("wallet-slip39-test-{}", hex::encode(rnd)));
        let ks = Keystore::open(&dir).unwrap();
        (dir, ks)
    }

    const FAST: KdfParams = KdfParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    #[test]
    fn a_slip39_wallet_is_stored_derives_from_its_secret_and_reshares() {
        let (dir, ks) = temp_keystore();
        let mut params = Slip39Params::new(GroupSpec::single(2, 3).unwrap());
        params.size = SecretSize::Bits256;
        params.iteration_exponent = IterationExponent::new(0).unwrap();
        let b = Slip39Backup::generate(&params).unwrap();
        let pw = SecretString::from("pw");
        let (w, created) = create_with_slip39(&ks, "s", &b, &pw, FAST).unwrap();
        assert_eq!(created.summary.kind, "slip39");
        assert_eq!(created.shares.as_ref().unwrap().len(), 3);
        assert_eq!(w.info().summary.kind, "slip39");
        // The master key is BIP32 of the secret used as the seed.
        let want =
            crate::hd::ExtendedPrivateKey::from_seed_bytes(b.master_secret().expose()).unwrap();
        let u = Wallet::open(&ks, "s")
            .unwrap()
            .allow_weak_kdf(true)
            .unlock(&pw)
            .unwrap();
        assert_eq!(u.master().unwrap().to_base58(), want.to_base58());
        assert_eq!(
            w.summary().fingerprint,
            Some(want.fingerprint().to_string())
        );
        assert_eq!(u.secret().kind(), WalletKind::Slip39);
        // No BIP39 phrase: refused before and after the password.
        let e = w.check_mnemonic_export().unwrap_err();
        assert!(e.to_string().contains("no BIP39 mnemonic"), "{e}");
        assert_eq!(
            u.export_mnemonic().unwrap_err().kind(),
            ErrorKind::Unsupported
        );
        assert!(u.passphrase().is_none());
        // New shares of the same secret under another passphrase.
        params.passphrase = SecretString::from("new");
        let again = u.reshare_slip39(&params).unwrap();
        let views = again.share_views();
        let two: Vec<SecretString> = views[1..]
            .iter()
            .map(|v| SecretString::from(v.mnemonic.as_str()))
            .collect();
        let (secret, _) = recover_slip39(&two, &SecretString::from("new")).unwrap();
        assert_eq!(&secret, b.master_secret());
        // Imported from those shares: the same wallet.
        let source = super::super::ImportSource::Slip39 {
            shares: two,
            passphrase: SecretString::from("new"),
        };
        let imported = Wallet::import(&ks, "t", source, &pw, FAST).unwrap();
        assert_eq!(imported.summary().addresses, w.summary().addresses);
        // A BIP39 wallet cannot be split.
        let m = crate::mnemonic::Mnemonic::parse(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        )
        .unwrap();
        super::super::create_with_mnemonic(&ks, "m", &m, SecretString::default(), &pw, FAST)
            .unwrap();
        let um = Wallet::open(&ks, "m")
            .unwrap()
            .allow_weak_kdf(true)
            .unlock(&pw)
            .unwrap();
        let e = um.reshare_slip39(&params).unwrap_err();
        assert!(e.to_string().contains("not a SLIP-39 one"), "{e}");
        assert!(Wallet::open(&ks, "m")
            .unwrap()
            .check_mnemonic_export()
            .is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn shares_import_as_text_lines() {
        let mut params = Slip39Params::new(GroupSpec::single(2, 2).unwrap());
        params.iteration_exponent = IterationExponent::new(0).unwrap();
        let b = Slip39Backup::generate(&params).unwrap();
        let v = b.share_views();
        let text = SecretString::from(format!(
            "\n  {}\n\n{}  \n",
            &*v[1].mnemonic, &*v[0].mnemonic
        ));
        let source = super::super::ImportSource::slip39_lines(&text, SecretString::default());
        let want = b.master_secret().master_key().unwrap();
        let got = source.into_secret().unwrap();
        assert_eq!(got.master().unwrap().to_base58(), want.to_base58());
        let kind: super::super::ImportKind = "slip39".parse().unwrap();
        let source = super::super::ImportSource::Text { kind, text };
        assert_eq!(source.into_secret().unwrap().kind(), WalletKind::Slip39);
        let one = SecretString::from(v[0].mnemonic.as_str());
        let e = super::super::ImportSource::slip39_lines(&one, SecretString::default())
            .into_secret()
            .unwrap_err();
        assert!(e.to_string().contains("1 more share"), "{e}");
    }
}
