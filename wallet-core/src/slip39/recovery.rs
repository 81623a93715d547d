//! Combining shares (SLIP-39 "Combining the shares"): all at once with
//! [`combine`], or one share at a time with [`Recovery`], which says after
//! each share what is still missing.
//!
//! Both run the same checks on each share as it comes: same identifier,
//! `ext` flag, iteration exponent, group threshold, group count and length
//! as the first share; the same member threshold as the earlier shares of
//! its group; no member index twice in a group. [`combine`] then requires,
//! as the spec does, exactly the group threshold's number of groups with
//! exactly their member threshold's number of shares each. A [`Recovery`]
//! refuses shares it does not need instead, and may hold started groups
//! beyond the threshold (whichever groups complete first are used).

use super::cipher;
use super::error::{SetField, Shortfall, Slip39Error};
use super::shamir::{self, Point};
use super::share::{GroupIndex, Identifier, IterationExponent, Share};
use super::{check_passphrase, MasterSecret};
use core::fmt;
use std::collections::BTreeMap;

/// Recovers the master secret from `shares` and the passphrase they were
/// made with.
///
/// The shares must be exactly a threshold set: the group threshold's number
/// of groups, each with exactly its member threshold's number of shares.
/// Errors name shares by their 1-based position in `shares`. A wrong
/// passphrase cannot be detected: it gives a different master secret,
/// without error (see the [module documentation](super)).
///
/// ```
/// use wallet_core::slip39::{combine, split, GroupSpec, IterationExponent, MasterSecret, Slip39Error};
/// let secret = MasterSecret::generate(256).unwrap();
/// let groups = split(&secret, "pass", &GroupSpec::single(3, 5).unwrap(),
///                    IterationExponent::new(0).unwrap(), true).unwrap();
/// assert_eq!(combine(&groups[0][1..4], "pass").unwrap(), secret);
/// match combine(&groups[0][..2], "pass") {
///     Err(Slip39Error::TooFewShares { groups_needed: 1, incomplete }) => {
///         assert_eq!(incomplete[0].missing, 1);
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn combine(shares: &[Share], passphrase: &str) -> Result<MasterSecret, Slip39Error> {
    check_passphrase(passphrase)?;
    let mut c = Collector::default();
    for (i, share) in shares.iter().enumerate() {
        c.check(i + 1, share)?;
        c.insert(i + 1, share.clone());
    }
    c.check_counts()?;
    c.recover(passphrase)
}

/// A recovery in progress: shares are added one at a time, each checked on
/// arrival, and [`Recovery::progress`] tells what is still missing.
///
/// Shares are numbered in the order they were offered, rejected ones
/// included, so "share 3" in an error is the third one given. A rejected
/// share leaves the recovery unchanged. Shares are zeroized on drop.
///
/// ```
/// use wallet_core::slip39::{split, GroupSpec, IterationExponent, MasterSecret, Recovery};
/// let secret = MasterSecret::from_bytes(&[7u8; 16]).unwrap();
/// let spec = GroupSpec::single(2, 3).unwrap();
/// let e = IterationExponent::new(0).unwrap();
/// let groups = split(&secret, "", &spec, e, true).unwrap();
///
/// let mut recovery = Recovery::new();
/// let progress = recovery.add(groups[0][2].clone()).unwrap();
/// assert_eq!(progress.groups[0].missing(), 1);
/// assert_eq!(progress.to_string(), "group 1: 1 of 2 shares (1 more needed)");
/// assert!(recovery.add_mnemonic(groups[0][0].to_mnemonic().expose()).unwrap().is_complete());
/// assert_eq!(recovery.finish("").unwrap(), secret);
/// ```
#[derive(Default)]
pub struct Recovery {
    offered: usize,
    collected: Collector,
}

impl Recovery {
    /// An empty recovery.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a share; returns the progress with it. Refuses a share of
    /// another set, a duplicate, and a share that is not needed (its group,
    /// or the whole recovery, is already complete).
    pub fn add(&mut self, share: Share) -> Result<Progress, Slip39Error> {
        self.offered += 1;
        let position = self.offered;
        if self.is_complete() {
            return Err(Slip39Error::RecoveryComplete { share: position });
        }
        self.collected.check(position, &share)?;
        if let Some(g) = self.collected.groups.get(&share.group_index) {
            if g.members.len() >= usize::from(g.threshold) {
                return Err(Slip39Error::GroupAlreadyComplete {
                    share: position,
                    group: share.group_index,
                    threshold: g.threshold,
                });
            }
        }
        self.collected.insert(position, share);
        self.progress()
            .ok_or(Slip39Error::Internal("no progress after a share"))
    }

    /// Parses a share mnemonic and adds it, as [`Recovery::add`]; parse
    /// errors carry the share's position.
    pub fn add_mnemonic(&mut self, mnemonic: &str) -> Result<Progress, Slip39Error> {
        match Share::parse(mnemonic) {
            Ok(share) => self.add(share),
            Err(e) => {
                self.offered += 1;
                Err(e.in_share(self.offered))
            }
        }
    }

    /// What has been collected and what is missing; `None` before the
    /// first share.
    #[must_use]
    pub fn progress(&self) -> Option<Progress> {
        self.collected.progress()
    }

    /// True when enough shares are in to recover the secret.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.progress().is_some_and(|p| p.is_complete())
    }

    /// Recovers the master secret; [`Slip39Error::TooFewShares`] (with what
    /// is missing) until the recovery is complete. As with [`combine`], a
    /// wrong passphrase gives a different secret without error. The
    /// recovery is kept, so another passphrase can be tried.
    pub fn finish(&self, passphrase: &str) -> Result<MasterSecret, Slip39Error> {
        check_passphrase(passphrase)?;
        let progress = self.progress().ok_or(Slip39Error::NoShares)?;
        if !progress.is_complete() {
            return Err(progress.too_few());
        }
        self.collected.recover(passphrase)
    }
}

impl fmt::Debug for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recovery")
            .field("offered", &self.offered)
            .field("progress", &self.progress())
            .finish()
    }
}

/// What a set of shares covers: the set's shape and, for each group that
/// has shares, how many it has and needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// The set's identifier (the same on every share).
    pub identifier: Identifier,
    /// How many groups must be complete.
    pub group_threshold: u8,
    /// How many groups the set has.
    pub group_count: u8,
    /// The groups that have at least one share, by ascending index.
    pub groups: Vec<GroupProgress>,
}

/// The shares collected for one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupProgress {
    /// The group.
    pub group: GroupIndex,
    /// How many of its shares recover it.
    pub member_threshold: u8,
    /// How many of its shares have been given.
    pub members: u8,
}

impl GroupProgress {
    /// How many more of its shares are needed (0 when complete).
    #[must_use]
    pub fn missing(&self) -> u8 {
        self.member_threshold.saturating_sub(self.members)
    }

    /// True when the group can be recovered.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.missing() == 0
    }
}

impl Progress {
    /// How many groups are complete.
    #[must_use]
    pub fn complete_groups(&self) -> u8 {
        let n = self.groups.iter().filter(|g| g.is_complete()).count();
        u8::try_from(n).unwrap_or(u8::MAX)
    }

    /// How many more groups must be completed (0 when complete).
    #[must_use]
    pub fn groups_needed(&self) -> u8 {
        self.group_threshold.saturating_sub(self.complete_groups())
    }

    /// True when the secret can be recovered.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.groups_needed() == 0
    }

    /// The started groups that lack shares, with how many more each needs.
    #[must_use]
    pub fn shortfall(&self) -> Vec<Shortfall> {
        self.groups
            .iter()
            .filter(|g| !g.is_complete())
            .map(|g| Shortfall {
                group: g.group,
                missing: g.missing(),
            })
            .collect()
    }

    fn too_few(&self) -> Slip39Error {
        Slip39Error::TooFewShares {
            groups_needed: self.groups_needed(),
            incomplete: self.shortfall(),
        }
    }
}

impl fmt::Display for Progress {
    /// One line for people, e.g. `group 1: 2 of 2 shares (complete); group
    /// 3: 1 of 3 shares (2 more needed); 1 more complete group needed (2 of
    /// 4 groups are needed)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .groups
            .iter()
            .map(|g| {
                let state = match g.missing() {
                    0 => "complete".to_owned(),
                    n => format!("{n} more needed"),
                };
                let (n, t) = (g.members, g.member_threshold);
                let noun = if t == 1 { "share" } else { "shares" };
                format!("group {}: {n} of {t} {noun} ({state})", g.group.number())
            })
            .collect();
        let needed = self.groups_needed();
        if self.group_count > 1 && needed > 0 {
            let noun = if needed == 1 { "group" } else { "groups" };
            let (t, c) = (self.group_threshold, self.group_count);
            parts.push(format!(
                "{needed} more complete {noun} needed ({t} of {c} groups are needed)"
            ));
        }
        f.write_str(&parts.join("; "))
    }
}

/// The parameters every share of the set repeats, from the first share.
struct SetParams {
    first: usize,
    identifier: Identifier,
    extendable: bool,
    exponent: IterationExponent,
    group_threshold: u8,
    group_count: u8,
    words: usize,
}

impl SetParams {
    fn of(first: usize, s: &Share) -> Self {
        Self {
            first,
            identifier: s.identifier,
            extendable: s.extendable,
            exponent: s.exponent,
            group_threshold: s.group_threshold,
            group_count: s.group_count,
            words: s.word_count(),
        }
    }

    /// The fields as compared, in the order they are reported.
    fn fields(&self) -> [(SetField, u16); 6] {
        [
            (SetField::Identifier, self.identifier.value()),
            (SetField::Extendable, u16::from(self.extendable)),
            (
                SetField::IterationExponent,
                u16::from(self.exponent.value()),
            ),
            (SetField::GroupThreshold, u16::from(self.group_threshold)),
            (SetField::GroupCount, u16::from(self.group_count)),
            (
                SetField::WordCount,
                u16::try_from(self.words).unwrap_or(u16::MAX),
            ),
        ]
    }

    fn check(&self, position: usize, s: &Share) -> Result<(), Slip39Error> {
        let theirs = Self::of(position, s).fields();
        let mismatch = self
            .fields()
            .into_iter()
            .zip(theirs)
            .find(|((_, expected), (_, found))| expected != found);
        match mismatch {
            Some(((field, expected), (_, found))) => Err(Slip39Error::Mismatch {
                share: position,
                first: self.first,
                field,
                expected,
                found,
            }),
            None => Ok(()),
        }
    }
}

/// One accepted share and its position.
struct Member {
    position: usize,
    share: Share,
}

/// The shares of one group.
struct Group {
    threshold: u8,
    members: Vec<Member>,
}

/// Shares checked against each other, by group.
#[derive(Default)]
struct Collector {
    set: Option<SetParams>,
    groups: BTreeMap<GroupIndex, Group>,
}

impl Collector {
    /// Checks `share` against the set and its group, without keeping it.
    fn check(&self, position: usize, share: &Share) -> Result<(), Slip39Error> {
        if let Some(set) = &self.set {
            set.check(position, share)?;
        }
        let Some(group) = self.groups.get(&share.group_index) else {
            return Ok(());
        };
        if group.threshold != share.member_threshold {
            return Err(Slip39Error::MemberThresholdMismatch {
                share: position,
                group: share.group_index,
                expected: group.threshold,
                found: share.member_threshold,
            });
        }
        match group
            .members
            .iter()
            .find(|m| m.share.member_index == share.member_index)
        {
            Some(earlier) => Err(Slip39Error::DuplicateMember {
                share: position,
                earlier: earlier.position,
                group: share.group_index,
                member: share.member_index,
            }),
            None => Ok(()),
        }
    }

    /// Keeps a checked share.
    fn insert(&mut self, position: usize, share: Share) {
        self.set
            .get_or_insert_with(|| SetParams::of(position, &share));
        self.groups
            .entry(share.group_index)
            .or_insert_with(|| Group {
                threshold: share.member_threshold,
                members: Vec::new(),
            })
            .members
            .push(Member { position, share });
    }

    fn progress(&self) -> Option<Progress> {
        let set = self.set.as_ref()?;
        let groups = self
            .groups
            .iter()
            .map(|(&group, g)| GroupProgress {
                group,
                member_threshold: g.threshold,
                members: u8::try_from(g.members.len()).unwrap_or(u8::MAX),
            })
            .collect();
        Some(Progress {
            identifier: set.identifier,
            group_threshold: set.group_threshold,
            group_count: set.group_count,
            groups,
        })
    }

    /// The spec's exact counts: enough of everything, and nothing more.
    fn check_counts(&self) -> Result<(), Slip39Error> {
        let progress = self.progress().ok_or(Slip39Error::NoShares)?;
        if !progress.is_complete() {
            return Err(progress.too_few());
        }
        let found = u8::try_from(progress.groups.len()).unwrap_or(u8::MAX);
        if found > progress.group_threshold {
            return Err(Slip39Error::TooManyGroups {
                threshold: progress.group_threshold,
                found,
            });
        }
        match progress
            .groups
            .iter()
            .find(|g| g.members > g.member_threshold)
        {
            Some(g) => Err(Slip39Error::TooManyMembers {
                group: g.group,
                threshold: g.member_threshold,
                found: g.members,
            }),
            None => Ok(()),
        }
    }

    /// Interpolates each complete group, then the encrypted master secret,
    /// then decrypts it. The caller has checked the counts.
    fn recover(&self, passphrase: &str) -> Result<MasterSecret, Slip39Error> {
        let set = self.set.as_ref().ok_or(Slip39Error::NoShares)?;
        let mut group_values = Vec::with_capacity(usize::from(set.group_threshold));
        let complete = self
            .groups
            .iter()
            .filter(|(_, g)| g.members.len() >= usize::from(g.threshold));
        for (&index, g) in complete.take(usize::from(set.group_threshold)) {
            let points: Vec<Point<'_>> = g
                .members
                .iter()
                .take(usize::from(g.threshold))
                .map(|m| (m.share.member_index.index(), m.share.value.expose()))
                .collect();
            let value = shamir::recover_secret(g.threshold, &points)?
                .ok_or(Slip39Error::Digest { group: Some(index) })?;
            group_values.push((index.index(), value));
        }
        if group_values.len() != usize::from(set.group_threshold) {
            return Err(Slip39Error::Internal("recovering an incomplete set"));
        }
        let points: Vec<Point<'_>> = group_values.iter().map(|(x, v)| (*x, &v[..])).collect();
        let ems = shamir::recover_secret(set.group_threshold, &points)?
            .ok_or(Slip39Error::Digest { group: None })?;
        let ms = cipher::decrypt(
            &ems,
            passphrase.as_bytes(),
            set.exponent,
            set.identifier,
            set.extendable,
        );
        MasterSecret::from_bytes(&ms)
    }
}
