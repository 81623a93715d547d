//! How to split: a group threshold and, per group, a `T of N` member scheme,
//! checked against the spec's limits before any secret is touched.

use super::error::Slip39Error;
use core::fmt;
use core::str::FromStr;

/// The most groups, and the most members of a group.
pub const MAX_SHARES: u8 = 16;

/// A `threshold of count` scheme: `count` shares, any `threshold` of which
/// are enough (1 <= threshold <= count <= 16). Parses from and displays as
/// `2of3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scheme {
    threshold: u8,
    count: u8,
}

impl Scheme {
    /// `threshold` of `count`, within 1 <= threshold <= count <= 16.
    pub fn new(threshold: u8, count: u8) -> Result<Self, Slip39Error> {
        if threshold == 0 || threshold > count || count > MAX_SHARES {
            return Err(Slip39Error::Scheme { threshold, count });
        }
        Ok(Self { threshold, count })
    }

    /// How many shares are enough.
    #[must_use]
    pub fn threshold(self) -> u8 {
        self.threshold
    }

    /// How many shares there are.
    #[must_use]
    pub fn count(self) -> u8 {
        self.count
    }
}

impl FromStr for Scheme {
    type Err = Slip39Error;

    /// `TofN` (also `T-of-N` or `T of N`, any letter case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || Slip39Error::SchemeSyntax(s.chars().take(20).collect());
        let lower = s.trim().to_ascii_lowercase();
        let (t, n) = lower
            .split_once("-of-")
            .or_else(|| lower.split_once("of"))
            .ok_or_else(syntax)?;
        let parse = |v: &str| v.trim().parse::<u8>().map_err(|_| syntax());
        Self::new(parse(t)?, parse(n)?)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}of{}", self.threshold, self.count)
    }
}

/// The shape of a set of shares: `group_threshold` of the groups must each
/// be recovered from their member scheme. A group of threshold 1 must have
/// exactly one member (the spec forbids 1-of-N for N > 1: every member
/// would be the same secret; give one share to several people instead).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupSpec {
    group_threshold: u8,
    groups: Vec<Scheme>,
}

impl GroupSpec {
    /// `group_threshold` of `groups`, within 1 <= threshold <= groups <= 16,
    /// no group `1 of N` with N > 1.
    pub fn new(group_threshold: u8, groups: Vec<Scheme>) -> Result<Self, Slip39Error> {
        let bad_threshold = Slip39Error::GroupThreshold {
            threshold: group_threshold,
            groups: groups.len(),
        };
        let count = u8::try_from(groups.len()).map_err(|_| bad_threshold.clone())?;
        if group_threshold == 0 || group_threshold > count || count > MAX_SHARES {
            return Err(bad_threshold);
        }
        for (i, g) in groups.iter().enumerate() {
            if g.threshold == 1 && g.count > 1 {
                return Err(Slip39Error::MemberThresholdOne {
                    group: i + 1,
                    count: g.count,
                });
            }
        }
        Ok(Self {
            group_threshold,
            groups,
        })
    }

    /// One group of `count` shares, any `threshold` of which recover the
    /// secret (the spec's advice for a plain T-of-N backup).
    pub fn single(threshold: u8, count: u8) -> Result<Self, Slip39Error> {
        Self::new(1, vec![Scheme::new(threshold, count)?])
    }

    /// How many groups must be recovered.
    #[must_use]
    pub fn group_threshold(&self) -> u8 {
        self.group_threshold
    }

    /// The member scheme of each group, group 1 first.
    #[must_use]
    pub fn groups(&self) -> &[Scheme] {
        &self.groups
    }

    /// The number of groups (1 to 16).
    #[must_use]
    pub fn group_count(&self) -> u8 {
        // `new` bounds the length by 16.
        self.groups.len() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_parse_and_check_limits() {
        assert_eq!(
            "2of3".parse::<Scheme>().unwrap(),
            Scheme::new(2, 3).unwrap()
        );
        assert_eq!(" 3-OF-5 ".parse::<Scheme>().unwrap().to_string(), "3of5");
        assert_eq!("16of16".parse::<Scheme>().unwrap().count(), 16);
        for bad in ["0of3", "4of3", "2of17"] {
            assert!(
                matches!(bad.parse::<Scheme>(), Err(Slip39Error::Scheme { .. })),
                "{bad}"
            );
        }
        for bad in ["2/3", "of3", "2of", "twoofthree", "-1of3", "300of400"] {
            assert!(
                matches!(bad.parse::<Scheme>(), Err(Slip39Error::SchemeSyntax(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn group_specs_follow_the_spec() {
        let s = |t, n| Scheme::new(t, n).unwrap();
        let spec = GroupSpec::new(2, vec![s(1, 1), s(2, 3), s(3, 5)]).unwrap();
        assert_eq!((spec.group_threshold(), spec.group_count()), (2, 3));
        assert_eq!(
            GroupSpec::new(1, vec![s(2, 3), s(1, 2)]),
            Err(Slip39Error::MemberThresholdOne { group: 2, count: 2 })
        );
        assert!(matches!(
            GroupSpec::new(3, vec![s(1, 1), s(1, 1)]),
            Err(Slip39Error::GroupThreshold {
                threshold: 3,
                groups: 2
            })
        ));
        assert!(matches!(
            GroupSpec::new(0, vec![s(1, 1)]),
            Err(Slip39Error::GroupThreshold { .. })
        ));
        assert!(matches!(
            GroupSpec::new(1, vec![]),
            Err(Slip39Error::GroupThreshold { .. })
        ));
        assert!(matches!(
            GroupSpec::new(1, vec![s(1, 1); 17]),
            Err(Slip39Error::GroupThreshold { groups: 17, .. })
        ));
        assert!(GroupSpec::new(16, vec![s(16, 16); 16]).is_ok());
        assert_eq!(GroupSpec::single(2, 3).unwrap().groups(), &[s(2, 3)]);
    }
}
