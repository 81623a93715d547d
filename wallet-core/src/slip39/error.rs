//! The errors of SLIP-39 splitting, share parsing and recovery.
//!
//! Variants carry typed data (which share, which group, expected vs found)
//! and messages say what to do. A share's position (`share`) is 1-based: the
//! index in the list given to [`combine`](super::combine) or
//! [`parse_shares`](super::parse_shares), or the count of shares offered to a
//! [`Recovery`](super::Recovery) so far. No message contains key material;
//! at most one word of a share is quoted (the unknown one).

use super::index::{GroupIndex, MemberIndex};
use crate::error::{Error, ErrorKind};
use core::fmt;

/// A field that every share of one set has in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetField {
    /// The random 15-bit identifier of the set.
    Identifier,
    /// The extendable-backup flag (`ext`).
    Extendable,
    /// The PBKDF2 iteration exponent.
    IterationExponent,
    /// How many groups are needed.
    GroupThreshold,
    /// How many groups exist.
    GroupCount,
    /// The share length, in words (it follows from the secret's length).
    WordCount,
}

impl fmt::Display for SetField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SetField::Identifier => "identifier",
            SetField::Extendable => "extendable flag",
            SetField::IterationExponent => "iteration exponent",
            SetField::GroupThreshold => "group threshold",
            SetField::GroupCount => "group count",
            SetField::WordCount => "word count",
        })
    }
}

/// A started group that lacks shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shortfall {
    /// The group.
    pub group: GroupIndex,
    /// How many more of its member shares are needed.
    pub missing: u8,
}

/// What went wrong in SLIP-39 splitting, parsing or combining.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Slip39Error {
    /// A word that is not in the SLIP-39 word list.
    #[error("{}word {position} '{word}' is not in the SLIP-39 word list{}", at(*share), did_you_mean(suggestions))]
    UnknownWord {
        /// The share (1-based), when several were given.
        share: Option<usize>,
        /// 1-based position of the word in the share.
        position: usize,
        /// The word as typed (lowercased).
        word: String,
        /// The nearest list words, best first.
        suggestions: Vec<&'static str>,
    },

    /// A share whose length is not one SLIP-39 can have.
    #[error("{}the share has {words} words; a SLIP-39 share has 20 words (128-bit secret) or 33 (256-bit), and never fewer than 20: check for a missing or extra word", at(*share))]
    WordCount {
        /// The share (1-based), when several were given.
        share: Option<usize>,
        /// The number of words found.
        words: usize,
    },

    /// A share whose RS1024 checksum does not match.
    #[error("{}the share's checksum does not match: a word is wrong or two are swapped; compare it with the written share", at(*share))]
    Checksum {
        /// The share (1-based), when several were given.
        share: Option<usize>,
    },

    /// A share with non-zero padding bits before its value.
    #[error("{}the share's padding bits are not zero: a word is wrong, or it was not made by a SLIP-39 tool", at(*share))]
    Padding {
        /// The share (1-based), when several were given.
        share: Option<usize>,
    },

    /// A share claiming more required groups than exist.
    #[error("{}the share says {threshold} groups are needed but only {count} exist: it is malformed", at(*share))]
    GroupThresholdAboveCount {
        /// The share (1-based), when several were given.
        share: Option<usize>,
        /// The group threshold it encodes.
        threshold: u8,
        /// The group count it encodes.
        count: u8,
    },

    /// A share from another set than the first one.
    #[error("share {share} does not belong with share {first}: its {field} is {found}, share {first}'s is {expected}; shares of different backups cannot be combined")]
    Mismatch {
        /// The share that differs (1-based).
        share: usize,
        /// The share it was compared with (the first one accepted).
        first: usize,
        /// Which field differs.
        field: SetField,
        /// The value of the first share.
        expected: u16,
        /// The value of this share.
        found: u16,
    },

    /// Two shares of one group that disagree on the group's threshold.
    #[error("share {share} says group {} needs {found} shares, an earlier share of that group says {expected}: they are from different backups", group.number())]
    MemberThresholdMismatch {
        /// The share that differs (1-based).
        share: usize,
        /// The group.
        group: GroupIndex,
        /// The threshold of the earlier shares of the group.
        expected: u8,
        /// The threshold this share encodes.
        found: u8,
    },

    /// Two shares with the same member index in one group.
    #[error("shares {earlier} and {share} are both member {} of group {}: the same share was given twice, or one is from another backup", member.number(), group.number())]
    DuplicateMember {
        /// The later share (1-based).
        share: usize,
        /// The earlier share with the same index (1-based).
        earlier: usize,
        /// The group.
        group: GroupIndex,
        /// The member index both carry.
        member: MemberIndex,
    },

    /// Not enough shares to recover the secret.
    #[error("not enough shares: {}", shortfall_text(*groups_needed, incomplete))]
    TooFewShares {
        /// How many more groups must be completed.
        groups_needed: u8,
        /// The started groups that lack shares, with how many more each needs.
        incomplete: Vec<Shortfall>,
    },

    /// Shares of more groups than the group threshold (the spec requires exactly as many).
    #[error("shares of {found} groups were given but exactly {threshold} are used: leave out the shares of the groups that are not needed")]
    TooManyGroups {
        /// The group threshold.
        threshold: u8,
        /// The number of groups given.
        found: u8,
    },

    /// More shares of one group than its threshold (the spec requires exactly as many).
    #[error("{found} shares of group {} were given but exactly {threshold} are used: leave out the extra ones", group.number())]
    TooManyMembers {
        /// The group.
        group: GroupIndex,
        /// Its member threshold.
        threshold: u8,
        /// The number of its shares given.
        found: u8,
    },

    /// An empty list of shares.
    #[error("no shares were given")]
    NoShares,

    /// A share offered to a recovery for a group that already has enough.
    #[error("share {share} is not needed: group {} already has its {threshold} shares", group.number())]
    GroupAlreadyComplete {
        /// The share offered (1-based).
        share: usize,
        /// Its group.
        group: GroupIndex,
        /// The group's member threshold.
        threshold: u8,
    },

    /// A share offered to a recovery that already has enough shares.
    #[error("share {share} is not needed: enough shares have been given to recover the secret")]
    RecoveryComplete {
        /// The share offered (1-based).
        share: usize,
    },

    /// The shares passed every check but do not recover a consistent secret.
    #[error("the shares {} do not fit together (digest mismatch): one is from another backup with the same identifier, or was altered", digest_scope(*group))]
    Digest {
        /// The group whose member shares failed, or `None` for the group level.
        group: Option<GroupIndex>,
    },

    /// A `T of N` scheme outside 1 <= T <= N <= 16.
    #[error("a {threshold}-of-{count} scheme is not possible: SLIP-39 needs 1 <= threshold <= count <= 16")]
    Scheme {
        /// The threshold asked for.
        threshold: u8,
        /// The count asked for.
        count: u8,
    },

    /// Text that is not a `TofN` scheme.
    #[error("'{0}' is not a scheme: write the threshold and count as 2of3")]
    SchemeSyntax(String),

    /// A group of several members that each recover it alone.
    #[error("group {group} is 1-of-{count}: a group with threshold 1 must have exactly one share (give that share to several people instead)")]
    MemberThresholdOne {
        /// The group (1-based).
        group: usize,
        /// Its member count.
        count: u8,
    },

    /// A group threshold outside 1..=G, or a group count outside 1..=16.
    #[error("a group threshold of {threshold} with {groups} groups is not possible: SLIP-39 needs 1 <= threshold <= groups <= 16")]
    GroupThreshold {
        /// The group threshold asked for.
        threshold: u8,
        /// The number of groups given.
        groups: usize,
    },

    /// A master secret of a length SLIP-39 does not allow.
    #[error("a SLIP-39 master secret is 128 to 512 bits long in steps of 16 (16 to 64 bytes, an even number), not {bits} bits")]
    SecretLength {
        /// The length given, in bits.
        bits: usize,
    },

    /// An iteration exponent above 15.
    #[error("the iteration exponent is 0 to 15, not {0}")]
    IterationExponent(u8),

    /// A passphrase character outside printable ASCII.
    #[error("character {position} of the passphrase is not printable ASCII: SLIP-39 passphrases may only use the characters from space to '~'")]
    Passphrase {
        /// 1-based position of the first offending character.
        position: usize,
    },

    /// The operating system's random generator failed.
    #[error("the OS random generator failed: {0}")]
    Random(String),

    /// A bug: an invariant of this module did not hold.
    #[error("internal error in SLIP-39: {0}")]
    Internal(&'static str),
}

impl Slip39Error {
    /// The stable category of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            Slip39Error::UnknownWord { .. }
            | Slip39Error::WordCount { .. }
            | Slip39Error::Padding { .. } => ErrorKind::InvalidMnemonic,
            Slip39Error::Checksum { .. } => ErrorKind::BadChecksum,
            Slip39Error::Digest { .. } => ErrorKind::Tampered,
            Slip39Error::Random(_) | Slip39Error::Internal(_) => ErrorKind::Internal,
            _ => ErrorKind::InvalidInput,
        }
    }

    /// This error with the share's position filled in (parse errors of a
    /// share that is one of several).
    pub(super) fn in_share(mut self, position: usize) -> Self {
        match &mut self {
            Slip39Error::UnknownWord { share, .. }
            | Slip39Error::WordCount { share, .. }
            | Slip39Error::Checksum { share }
            | Slip39Error::Padding { share }
            | Slip39Error::GroupThresholdAboveCount { share, .. } => *share = Some(position),
            _ => {}
        }
        self
    }
}

impl From<Slip39Error> for Error {
    fn from(e: Slip39Error) -> Self {
        Error::Slip39 {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

fn at(share: Option<usize>) -> String {
    share.map_or_else(String::new, |s| format!("share {s}: "))
}

fn did_you_mean(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean '{one}'?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|w| format!("'{w}'")).collect();
            format!("; did you mean one of {}?", quoted.join(", "))
        }
    }
}

fn digest_scope(group: Option<GroupIndex>) -> String {
    group.map_or_else(
        || "of the groups".to_owned(),
        |g| format!("of group {}", g.number()),
    )
}

fn plural(n: u8, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn shortfall_text(groups_needed: u8, incomplete: &[Shortfall]) -> String {
    let mut parts = vec![plural(
        groups_needed,
        "more complete group is needed",
        "more complete groups are needed",
    )];
    for s in incomplete {
        parts.push(format!(
            "group {} needs {}",
            s.group.number(),
            plural(s.missing, "more share", "more shares")
        ));
    }
    let started = u8::try_from(incomplete.len()).unwrap_or(u8::MAX);
    if groups_needed > started {
        parts.push("shares of a group not started yet are needed".to_owned());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(i: u8) -> GroupIndex {
        GroupIndex::new(i).unwrap()
    }

    #[test]
    fn messages_say_which_share_and_what_is_missing() {
        let e = Slip39Error::Checksum { share: None }.in_share(3);
        assert!(
            e.to_string().starts_with("share 3: the share's checksum"),
            "{e}"
        );
        assert_eq!(e.kind(), ErrorKind::BadChecksum);
        let e = Slip39Error::TooFewShares {
            groups_needed: 2,
            incomplete: vec![Shortfall {
                group: group(0),
                missing: 2,
            }],
        };
        assert_eq!(
            e.to_string(),
            "not enough shares: 2 more complete groups are needed; group 1 needs 2 more shares; \
             shares of a group not started yet are needed"
        );
        let e = Slip39Error::UnknownWord {
            share: Some(2),
            position: 5,
            word: "satoshis".into(),
            suggestions: vec!["satoshi"],
        };
        assert_eq!(
            e.to_string(),
            "share 2: word 5 'satoshis' is not in the SLIP-39 word list; did you mean 'satoshi'?"
        );
    }

    #[test]
    fn converts_to_the_crate_error() {
        let e: Error = Slip39Error::Digest {
            group: Some(group(1)),
        }
        .into();
        assert_eq!(e.kind(), ErrorKind::Tampered);
        assert!(e.to_string().contains("of group 2"), "{e}");
        let e: Error = Slip39Error::IterationExponent(16).into();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let e: Error = Slip39Error::Internal("x").into();
        assert_eq!(e.kind(), ErrorKind::Internal);
    }
}
