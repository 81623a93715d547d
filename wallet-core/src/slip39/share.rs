//! One SLIP-39 share and its mnemonic form ("Format of the share mnemonic").
//!
//! A share is 40 bits of metadata (identifier 15, `ext` 1, iteration
//! exponent 4, group index 4, group threshold - 1 4, group count - 1 4,
//! member index 4, member threshold - 1 4), the share value left-padded
//! with zero bits to a multiple of 10 bits, and three RS1024 checksum words,
//! written as 10-bit words of the SLIP-39 list, big-endian.

use super::error::Slip39Error;
pub use super::index::{GroupIndex, MemberIndex};
use super::{rs1024, wordlist};
use crate::secret::{SecretString, SecretVec};
use core::fmt;
use core::str::FromStr;
use zeroize::{Zeroize, Zeroizing};

/// Words of metadata (4) plus checksum (3) around the share value.
const FRAME_WORDS: usize = 4 + rs1024::CHECKSUM_WORDS;
/// Bits per word.
const WORD_BITS: usize = 10;
/// Smallest and largest share value (= master secret) in bytes.
pub(super) const MIN_SECRET: usize = 16;
pub(super) const MAX_SECRET: usize = 64;
/// The longest share: a 64-byte secret.
const MAX_WORDS: usize = 59;

/// The random 15-bit identifier shared by all shares of one set (it shows
/// in their first two words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Identifier(u16);

impl Identifier {
    /// The largest identifier, 2^15 - 1.
    pub const MAX: u16 = 0x7fff;

    /// Wraps `value`; `None` above [`Identifier::MAX`].
    #[must_use]
    pub fn new(value: u16) -> Option<Self> {
        (value <= Self::MAX).then_some(Self(value))
    }

    /// The 15-bit value.
    #[must_use]
    pub fn value(self) -> u16 {
        self.0
    }

    /// A fresh identifier from the operating system's CSPRNG.
    pub(super) fn random() -> Result<Self, Slip39Error> {
        let mut b = [0u8; 2];
        super::random_fill(&mut b)?;
        Ok(Self(u16::from_be_bytes(b) & Self::MAX))
    }
}

/// The iteration exponent `e`: decrypting the master secret takes
/// 10000 x 2^e PBKDF2-HMAC-SHA256 iterations (0 <= e <= 15). The default
/// is 1, as Trezor and the reference implementation use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IterationExponent(u8);

impl IterationExponent {
    /// The exponent `e`, 0 to 15.
    pub fn new(e: u8) -> Result<Self, Slip39Error> {
        if e > 15 {
            return Err(Slip39Error::IterationExponent(e));
        }
        Ok(Self(e))
    }

    /// The exponent.
    #[must_use]
    pub fn value(self) -> u8 {
        self.0
    }

    /// Total PBKDF2 iterations over the four Feistel rounds, 10000 x 2^e.
    #[must_use]
    pub fn iterations(self) -> u32 {
        10_000 << self.0
    }
}

impl Default for IterationExponent {
    fn default() -> Self {
        Self(1)
    }
}

/// One SLIP-39 share: the set's parameters, its place in the set, and its
/// secret value (zeroized on drop, redacted in `Debug`).
///
/// Parse one with [`Share::parse`] (or `str::parse`); write it down with
/// [`Share::to_mnemonic`]. Thresholds and counts are the actual numbers
/// (1 to 16), not the stored "minus one" values.
#[derive(Clone)]
pub struct Share {
    pub(super) identifier: Identifier,
    pub(super) extendable: bool,
    pub(super) exponent: IterationExponent,
    pub(super) group_index: GroupIndex,
    pub(super) group_threshold: u8,
    pub(super) group_count: u8,
    pub(super) member_index: MemberIndex,
    pub(super) member_threshold: u8,
    pub(super) value: SecretVec,
}

impl Share {
    /// Parses a share mnemonic: words separated by any whitespace, in any
    /// letter case. Checks, in this order, that every word is in the list,
    /// the length, the checksum, the padding, and that the group threshold
    /// does not exceed the group count. Errors carry no share position; see
    /// [`parse_shares`](super::parse_shares) for lists.
    pub fn parse(mnemonic: &str) -> Result<Self, Slip39Error> {
        let words = word_values(mnemonic)?;
        let count = words.len();
        let value_len = value_len(count).ok_or(Slip39Error::WordCount {
            share: None,
            words: count,
        })?;
        let data = words
            .get(..count - rs1024::CHECKSUM_WORDS)
            .ok_or(Slip39Error::Internal("share shorter than its frame"))?;
        let mut reader = BitReader::new(data);
        let share = read_share(&mut reader, &words, value_len)?;
        if share.group_threshold > share.group_count {
            return Err(Slip39Error::GroupThresholdAboveCount {
                share: None,
                threshold: share.group_threshold,
                count: share.group_count,
            });
        }
        Ok(share)
    }

    /// The share as its mnemonic: lowercase words separated by single spaces.
    #[must_use]
    pub fn to_mnemonic(&self) -> SecretString {
        let mut words = self.data_words();
        let checksum = rs1024::create(self.extendable, &words);
        words.extend(checksum);
        let mut text = Zeroizing::new(String::with_capacity(words.len() * 9));
        for (i, &w) in words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(wordlist::word(w));
        }
        SecretString::from(text)
    }

    /// The set's identifier.
    #[must_use]
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// True for an extendable backup (`ext` = 1): the identifier is not part
    /// of the encryption, so further sets for the same secret and
    /// passphrase can be made.
    #[must_use]
    pub fn is_extendable(&self) -> bool {
        self.extendable
    }

    /// The set's iteration exponent.
    #[must_use]
    pub fn iteration_exponent(&self) -> IterationExponent {
        self.exponent
    }

    /// The group this share belongs to.
    #[must_use]
    pub fn group_index(&self) -> GroupIndex {
        self.group_index
    }

    /// How many groups must be complete to recover the secret (1 to 16).
    #[must_use]
    pub fn group_threshold(&self) -> u8 {
        self.group_threshold
    }

    /// How many groups the set has (1 to 16).
    #[must_use]
    pub fn group_count(&self) -> u8 {
        self.group_count
    }

    /// This share's place in its group.
    #[must_use]
    pub fn member_index(&self) -> MemberIndex {
        self.member_index
    }

    /// How many shares of this group recover the group (1 to 16).
    #[must_use]
    pub fn member_threshold(&self) -> u8 {
        self.member_threshold
    }

    /// The number of words of the mnemonic (20 for a 128-bit secret, 33 for 256).
    #[must_use]
    pub fn word_count(&self) -> usize {
        words_for(self.value.len())
    }

    /// The metadata and padded value as 10-bit words, without the checksum.
    fn data_words(&self) -> Zeroizing<Vec<u16>> {
        let mut w = BitWriter::default();
        w.push(u32::from(self.identifier.0), 15);
        w.push(u32::from(self.extendable), 1);
        w.push(u32::from(self.exponent.0), 4);
        w.push(u32::from(self.group_index.0), 4);
        w.push(u32::from(self.group_threshold.saturating_sub(1)), 4);
        w.push(u32::from(self.group_count.saturating_sub(1)), 4);
        w.push(u32::from(self.member_index.0), 4);
        w.push(u32::from(self.member_threshold.saturating_sub(1)), 4);
        let value = self.value.expose();
        w.push(0, padding_bits(value.len()));
        for &b in value {
            w.push(u32::from(b), 8);
        }
        core::mem::take(&mut w.words)
    }
}

impl FromStr for Share {
    type Err = Slip39Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl PartialEq for Share {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.value.expose(), other.value.expose());
        let same_value =
            a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0;
        same_value
            && self.identifier == other.identifier
            && self.extendable == other.extendable
            && self.exponent == other.exponent
            && self.group_index == other.group_index
            && self.group_threshold == other.group_threshold
            && self.group_count == other.group_count
            && self.member_index == other.member_index
            && self.member_threshold == other.member_threshold
    }
}

impl Eq for Share {}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Share")
            .field("identifier", &self.identifier.0)
            .field("extendable", &self.extendable)
            .field("iteration_exponent", &self.exponent.0)
            .field("group", &self.group_index.number())
            .field("group_threshold", &self.group_threshold)
            .field("group_count", &self.group_count)
            .field("member", &self.member_index.number())
            .field("member_threshold", &self.member_threshold)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

/// The words of `mnemonic` as 10-bit values.
fn word_values(mnemonic: &str) -> Result<Zeroizing<Vec<u16>>, Slip39Error> {
    let count = mnemonic.split_whitespace().count();
    if count > MAX_WORDS {
        return Err(Slip39Error::WordCount {
            share: None,
            words: count,
        });
    }
    let mut out = Zeroizing::new(Vec::with_capacity(count));
    for (i, raw) in mnemonic.split_whitespace().enumerate() {
        let word = Zeroizing::new(raw.to_lowercase());
        match wordlist::index_of(&word) {
            Some(v) => out.push(v),
            None => {
                return Err(Slip39Error::UnknownWord {
                    share: None,
                    position: i + 1,
                    suggestions: wordlist::suggest(&word),
                    word: word.as_str().to_owned(),
                })
            }
        }
    }
    Ok(out)
}

/// Reads metadata, checks the checksum (which depends on the `ext` bit),
/// then the padding, then the value.
fn read_share(
    r: &mut BitReader<'_>,
    words: &[u16],
    value_len: usize,
) -> Result<Share, Slip39Error> {
    let identifier = Identifier(r.bits(15)? as u16);
    let extendable = r.bits(1)? == 1;
    if !rs1024::verify(extendable, words) {
        return Err(Slip39Error::Checksum { share: None });
    }
    let exponent = IterationExponent(r.bits(4)? as u8);
    let group_index = GroupIndex(r.bits(4)? as u8);
    let group_threshold = r.bits(4)? as u8 + 1;
    let group_count = r.bits(4)? as u8 + 1;
    let member_index = MemberIndex(r.bits(4)? as u8);
    let member_threshold = r.bits(4)? as u8 + 1;
    if r.bits(padding_bits(value_len))? != 0 {
        return Err(Slip39Error::Padding { share: None });
    }
    let mut value = Zeroizing::new(Vec::with_capacity(value_len));
    for _ in 0..value_len {
        value.push(r.bits(8)? as u8);
    }
    Ok(Share {
        identifier,
        extendable,
        exponent,
        group_index,
        group_threshold,
        group_count,
        member_index,
        member_threshold,
        value: SecretVec::from(value),
    })
}

/// The share value length in bytes for a mnemonic of `words` words, if
/// valid: the padded value (10 bits per word) loses its padding, which is
/// its length mod 16 and must be at most 8 bits.
pub(super) fn value_len(words: usize) -> Option<usize> {
    let bits = words.checked_sub(FRAME_WORDS)? * WORD_BITS;
    let pad = bits % 16;
    let bytes = (bits - pad) / 8;
    (pad <= 8 && (MIN_SECRET..=MAX_SECRET).contains(&bytes)).then_some(bytes)
}

/// The mnemonic length for a share value of `len` bytes.
fn words_for(len: usize) -> usize {
    FRAME_WORDS + (8 * len).div_ceil(WORD_BITS)
}

/// Zero bits in front of a value of `len` bytes.
fn padding_bits(len: usize) -> u32 {
    let padded = (8 * len).div_ceil(WORD_BITS) * WORD_BITS;
    // Below 10 for any length.
    (padded - 8 * len) as u32
}

/// Packs big-endian bit fields into 10-bit words.
#[derive(Default)]
struct BitWriter {
    words: Zeroizing<Vec<u16>>,
    acc: u32,
    bits: u32,
}

impl BitWriter {
    /// Appends the low `n` bits of `value` (n <= 16).
    fn push(&mut self, value: u32, n: u32) {
        self.acc = (self.acc << n) | (value & ((1 << n) - 1));
        self.bits += n;
        while self.bits >= 10 {
            self.bits -= 10;
            self.words.push(((self.acc >> self.bits) & 0x3ff) as u16);
        }
        self.acc &= (1 << self.bits) - 1;
    }
}

impl Drop for BitWriter {
    fn drop(&mut self) {
        self.acc.zeroize();
    }
}

/// Reads big-endian bit fields from 10-bit words.
struct BitReader<'a> {
    words: core::slice::Iter<'a, u16>,
    acc: u32,
    bits: u32,
}

impl<'a> BitReader<'a> {
    fn new(words: &'a [u16]) -> Self {
        Self {
            words: words.iter(),
            acc: 0,
            bits: 0,
        }
    }

    /// The next `n` bits (n <= 16).
    fn bits(&mut self, n: u32) -> Result<u32, Slip39Error> {
        while self.bits < n {
            let w = self
                .words
                .next()
                .ok_or(Slip39Error::Internal("read past the end of a share"))?;
            self.acc = (self.acc << 10) | u32::from(*w & 0x3ff);
            self.bits += 10;
        }
        self.bits -= n;
        let v = (self.acc >> self.bits) & ((1 << n) - 1);
        self.acc &= (1 << self.bits) - 1;
        Ok(v)
    }
}

impl Drop for BitReader<'_> {
    fn drop(&mut self) {
        self.acc.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_match_the_spec_table() {
        assert_eq!(words_for(16), 20);
        assert_eq!(words_for(32), 33);
        assert_eq!(value_len(20), Some(16));
        assert_eq!(value_len(33), Some(32));
        assert_eq!(value_len(19), None);
        assert_eq!(value_len(21), None, "12 padding bits");
        assert_eq!(value_len(59), Some(64));
        assert_eq!(value_len(60), None);
        for len in (MIN_SECRET..=MAX_SECRET).step_by(2) {
            assert_eq!(value_len(words_for(len)), Some(len), "{len} bytes");
            assert!(padding_bits(len) <= 8);
        }
        for words in 0..100 {
            if let Some(len) = value_len(words) {
                assert_eq!(words_for(len), words);
            }
        }
    }

    #[test]
    fn bits_round_trip() {
        let mut w = BitWriter::default();
        for (v, n) in [(0x7abc, 15), (1, 1), (9, 4), (0, 2), (0xa5, 8), (0x3c, 8)] {
            w.push(v, n);
        }
        let words = core::mem::take(&mut w.words);
        assert_eq!(words.len(), 38 / 10);
        let mut r = BitReader::new(&words);
        for (v, n) in [(0x7abc, 15), (1, 1), (9, 4), (0, 2), (0xa5, 8)] {
            assert_eq!(r.bits(n).unwrap(), v);
        }
        assert!(r.bits(16).is_err());
    }

    #[test]
    fn indexes_and_exponents() {
        assert_eq!(GroupIndex::new(15).unwrap().number(), 16);
        assert!(GroupIndex::new(16).is_none());
        assert_eq!(MemberIndex::new(0).unwrap().index(), 0);
        assert!(Identifier::new(0x8000).is_none());
        assert_eq!(Identifier::new(0x7fff).unwrap().value(), 0x7fff);
        assert_eq!(IterationExponent::new(0).unwrap().iterations(), 10_000);
        assert_eq!(
            IterationExponent::new(15).unwrap().iterations(),
            327_680_000
        );
        assert_eq!(IterationExponent::default().value(), 1);
        assert_eq!(
            IterationExponent::new(16),
            Err(Slip39Error::IterationExponent(16))
        );
    }
}
