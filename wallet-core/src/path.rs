//! BIP32 derivation paths (`m/84'/0'/0'/0/5`).

use crate::kind::ErrorKind;

/// Results of this module.
type Result<T, E = PathError> = core::result::Result<T, E>;
use core::fmt;
use core::str::FromStr;

/// Why a derivation path or index was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// Nothing was given.
    #[error("empty path; write e.g. m/84'/0'/0'/0/0")]
    Empty,
    /// Two `/` in a row, or one at the end.
    #[error("'{path}': level {level} is empty (two '/' in a row or a trailing '/')")]
    EmptyLevel {
        /// The path as given.
        path: String,
        /// The 1-based level.
        level: usize,
    },
    /// A level that is not a number (with an optional hardened mark).
    #[error("'{path}': level {level} '{part}' is not a number (optionally followed by ' or h)")]
    NotANumber {
        /// The path as given.
        path: String,
        /// The 1-based level.
        level: usize,
        /// The level's text.
        part: String,
    },
    /// An index of 2^31 or more (the hardened bit is written with a mark).
    #[error("index {index} is out of range: indexes go from 0 to 2147483647 (mark hardened ones with ' or h)")]
    OutOfRange {
        /// The index as given (saturated).
        index: u64,
    },
    /// More levels than BIP32's depth byte can count.
    #[error("{levels} levels; BIP32 allows at most 255")]
    TooDeep {
        /// How many levels.
        levels: usize,
    },
}

impl PathError {
    /// Always [`crate::ErrorKind::InvalidPath`].
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidPath
    }
}

/// The bit that marks a hardened index.
pub const HARDENED: u32 = 0x8000_0000;

/// One step of a derivation path: an index below 2^31, hardened or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChildIndex(u32);

impl ChildIndex {
    /// A non-hardened index (`index` must be below 2^31).
    pub fn normal(index: u32) -> Result<Self> {
        if index >= HARDENED {
            return Err(out_of_range(u64::from(index)));
        }
        Ok(Self(index))
    }

    /// A hardened index (`index'`; `index` must be below 2^31).
    pub fn hardened(index: u32) -> Result<Self> {
        if index >= HARDENED {
            return Err(out_of_range(u64::from(index)));
        }
        Ok(Self(index | HARDENED))
    }

    /// From the 32-bit serialised form (hardened bit included).
    #[must_use]
    pub const fn from_raw(raw: u32) -> Self {
        Self(raw)
    }

    /// The 32-bit serialised form (hardened bit included).
    #[must_use]
    pub const fn raw(self) -> u32 {
        self.0
    }

    /// The index without the hardened bit.
    #[must_use]
    pub const fn index(self) -> u32 {
        self.0 & !HARDENED
    }

    /// True for hardened indexes.
    #[must_use]
    pub const fn is_hardened(self) -> bool {
        self.0 & HARDENED != 0
    }

    /// The next index of the same kind, or `None` past 2^31 - 1.
    #[must_use]
    pub fn checked_add(self, n: u32) -> Option<Self> {
        let index = self.index().checked_add(n)?;
        if index >= HARDENED {
            return None;
        }
        Some(Self(index | (self.0 & HARDENED)))
    }
}

impl fmt::Display for ChildIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_hardened() {
            write!(f, "{}'", self.index())
        } else {
            write!(f, "{}", self.index())
        }
    }
}

fn out_of_range(index: u64) -> PathError {
    PathError::OutOfRange { index }
}

/// A BIP32 derivation path from the master key: `m` followed by up to 255 indexes.
///
/// ```
/// use wallet_core::hd::DerivationPath;
///
/// let p: DerivationPath = "m/84h/0'/0H/0/5".parse()?;
/// assert_eq!(p.to_string(), "m/84'/0'/0'/0/5");
/// assert_eq!((p.depth(), p.hardened_prefix_len()), (5, 3));
/// let e = "m/84'//0".parse::<DerivationPath>().unwrap_err();
/// assert_eq!(e.kind(), wallet_core::ErrorKind::InvalidPath);
/// # Ok::<(), wallet_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DerivationPath(Vec<ChildIndex>);

impl DerivationPath {
    /// The empty path `m` (the master key itself).
    #[must_use]
    pub fn master() -> Self {
        Self(Vec::new())
    }

    /// From a list of indexes.
    pub fn from_indexes(indexes: Vec<ChildIndex>) -> Result<Self> {
        if indexes.len() > 255 {
            return Err(PathError::TooDeep {
                levels: indexes.len(),
            });
        }
        Ok(Self(indexes))
    }

    /// The indexes, from the master key down.
    #[must_use]
    pub fn indexes(&self) -> &[ChildIndex] {
        &self.0
    }

    /// Number of levels below the master key.
    #[must_use]
    pub fn depth(&self) -> usize {
        self.0.len()
    }

    /// This path with `child` appended.
    pub fn child(&self, child: ChildIndex) -> Result<Self> {
        let mut v = self.0.clone();
        v.push(child);
        Self::from_indexes(v)
    }

    /// The path without its last index (`None` for `m`).
    #[must_use]
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(Self(rest.to_vec()))
    }

    /// The last index, if any.
    #[must_use]
    pub fn last(&self) -> Option<ChildIndex> {
        self.0.last().copied()
    }

    /// Length of the leading run of hardened indexes.
    #[must_use]
    pub fn hardened_prefix_len(&self) -> usize {
        self.0.iter().take_while(|c| c.is_hardened()).count()
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for c in &self.0 {
            write!(f, "/{c}")?;
        }
        Ok(())
    }
}

impl FromStr for DerivationPath {
    type Err = PathError;

    /// Parses `m/44'/0'/0'/0/1`; hardened marks `'`, `h` or `H`; the leading
    /// `m/` may be omitted.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if t.is_empty() {
            return Err(PathError::Empty);
        }
        let body = if t == "m" || t == "M" {
            return Ok(Self::master());
        } else if let Some(rest) = t.strip_prefix("m/").or_else(|| t.strip_prefix("M/")) {
            rest
        } else {
            t
        };
        let mut out = Vec::new();
        for (i, part) in body.split('/').enumerate() {
            let pos = i + 1;
            if part.is_empty() {
                return Err(PathError::EmptyLevel {
                    path: t.to_owned(),
                    level: pos,
                });
            }
            let (digits, hardened) = match part.strip_suffix(['\'', 'h', 'H']) {
                Some(d) => (d, true),
                None => (part, false),
            };
            let not_a_number = || PathError::NotANumber {
                path: t.to_owned(),
                level: pos,
                part: part.to_owned(),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(not_a_number());
            }
            let value: u64 = if digits.len() > 12 {
                u64::MAX
            } else {
                digits.parse().map_err(|_| not_a_number())?
            };
            if value >= u64::from(HARDENED) {
                return Err(out_of_range(value));
            }
            // value < 2^31 was just checked, so the narrowing is exact.
            let index = value as u32;
            out.push(if hardened {
                ChildIndex(index | HARDENED)
            } else {
                ChildIndex(index)
            });
        }
        Self::from_indexes(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_display() {
        let p: DerivationPath = "m/84h/0'/0H/0/5".parse().unwrap();
        assert_eq!(p.to_string(), "m/84'/0'/0'/0/5");
        assert_eq!(p.depth(), 5);
        assert_eq!(p.hardened_prefix_len(), 3);
        assert_eq!("m".parse::<DerivationPath>().unwrap().depth(), 0);
        assert_eq!(
            "44'/60'/0'/0/0"
                .parse::<DerivationPath>()
                .unwrap()
                .to_string(),
            "m/44'/60'/0'/0/0"
        );
        assert_eq!(
            "m/2147483647'".parse::<DerivationPath>().unwrap().indexes()[0].raw(),
            u32::MAX
        );
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "",
            "m/",
            "m//1",
            "m/1/",
            "m/x",
            "m/-1",
            "m/+1",
            "m/1''",
            "m/2147483648",
            "m/2147483648'",
            "m/99999999999999999999",
            "n/1",
            "m/1 /2",
            "m/0x10",
        ] {
            let e = bad.parse::<DerivationPath>().unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidPath, "{bad}");
        }
        let long = format!("m{}", "/0".repeat(256));
        assert!(long.parse::<DerivationPath>().is_err());
    }

    #[test]
    fn each_path_error_is_typed() {
        let leaf = |s: &str| s.parse::<DerivationPath>().unwrap_err();
        assert_eq!(leaf(" "), PathError::Empty);
        assert_eq!(
            leaf("m/1//2"),
            PathError::EmptyLevel {
                path: "m/1//2".into(),
                level: 2
            }
        );
        assert!(matches!(
            leaf("m/0x10"),
            PathError::NotANumber { level: 1, .. }
        ));
        assert_eq!(
            leaf("m/2147483648"),
            PathError::OutOfRange { index: 1 << 31 }
        );
        let long = format!("m{}", "/0".repeat(256));
        assert_eq!(leaf(&long), PathError::TooDeep { levels: 256 });
        assert!(leaf("m/x")
            .to_string()
            .contains("level 1 'x' is not a number"));
    }

    #[test]
    fn child_index_helpers() {
        let c = ChildIndex::hardened(5).unwrap();
        assert_eq!(c.checked_add(1).unwrap().to_string(), "6'");
        assert!(ChildIndex::normal(HARDENED).is_err());
        assert!(ChildIndex::normal(HARDENED - 1)
            .unwrap()
            .checked_add(1)
            .is_none());
    }
}
