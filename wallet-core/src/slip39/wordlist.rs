//! The SLIP-39 word list: 1024 English words, one for each 10-bit value.
//!
//! `wordlist.txt` is satoshilabs/slips `slip-0039/wordlist.txt`, the list the
//! spec mandates, copied verbatim (SHA-256 `bcc4555340332d169718aed8bf31dd9d
//! 5248cb7da6e5d355140ef4f1e601eec3`). It is split into an array at compile
//! time, and the build fails unless the list has the properties the spec
//! states and this module relies on: exactly 1024 words, sorted, unique
//! 4-letter prefixes (hence unique words), 4 to 8 lowercase ASCII letters.

const WORDLIST: &str = include_str!("wordlist.txt");

/// Number of words (10 bits per word).
pub(super) const WORD_COUNT: usize = 1024;

const PARSED: [&str; WORD_COUNT] = split_lines(WORDLIST);

const _: () = assert!(well_formed(&PARSED), "wordlist.txt is not the SLIP-39 list");

static WORDS: [&str; WORD_COUNT] = PARSED;

/// The word for the low 10 bits of `value` (the higher bits are ignored).
pub(super) fn word(value: u16) -> &'static str {
    WORDS[usize::from(value & 0x3ff)]
}

/// The 10-bit value of an exact, lowercase word.
pub(super) fn index_of(word: &str) -> Option<u16> {
    let i = WORDS.binary_search(&word).ok()?;
    u16::try_from(i).ok()
}

/// The list words nearest to `typed`, best first, at most five: the word
/// with the same first four letters (they are unique), then words within a
/// small edit distance (insertions, deletions, substitutions, adjacent
/// swaps). Empty when nothing is plausibly close.
pub(super) fn suggest(typed: &str) -> Vec<&'static str> {
    const LONGEST: usize = 12;
    let typed = typed.as_bytes();
    if typed.is_empty() || typed.len() > LONGEST {
        return Vec::new();
    }
    let limit = if typed.len() <= 3 { 1 } else { 2 };
    let mut scored: Vec<(usize, &'static str)> = Vec::new();
    for w in WORDS {
        let cand = w.as_bytes();
        let d = if typed.len() >= 4 && cand.get(..4) == typed.get(..4) {
            0
        } else if typed.len().abs_diff(cand.len()) > limit {
            continue;
        } else {
            edit_distance(typed, cand)
        };
        if d <= limit {
            scored.push((d, w));
        }
    }
    scored.sort_unstable();
    scored.into_iter().take(5).map(|(_, w)| w).collect()
}

/// Optimal string alignment distance between two short ASCII words (the
/// mnemonic module's, exact: no early stop).
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let chars = |s: &[u8]| s.iter().map(|&c| char::from(c)).collect::<Vec<char>>();
    let (a, b) = (chars(a), chars(b));
    let limit = a.len().max(b.len());
    crate::mnemonic::osa_distance(&a, &b, limit, &mut Vec::new())
}

/// Splits the newline-terminated list into its words (compile time).
const fn split_lines(text: &'static str) -> [&'static str; WORD_COUNT] {
    let mut out = [""; WORD_COUNT];
    let mut rest = text.as_bytes();
    let mut i = 0;
    while i < WORD_COUNT {
        let mut n = 0;
        while n < rest.len() && rest[n] != b'\n' {
            n += 1;
        }
        assert!(n < rest.len(), "wordlist.txt has fewer than 1024 lines");
        let (word, tail) = rest.split_at(n);
        out[i] = match core::str::from_utf8(word) {
            Ok(w) => w,
            Err(_) => panic!("wordlist.txt is not UTF-8"),
        };
        rest = tail.split_at(1).1;
        i += 1;
    }
    assert!(rest.is_empty(), "wordlist.txt has more than 1024 lines");
    out
}

/// True when every word is 4 to 8 lowercase ASCII letters and each word's
/// 4-letter prefix sorts strictly after the previous one's (so the list is
/// sorted and its prefixes, hence its words, are unique).
const fn well_formed(words: &[&str; WORD_COUNT]) -> bool {
    let mut i = 0;
    while i < WORD_COUNT {
        let w = words[i].as_bytes();
        if w.len() < 4 || w.len() > 8 {
            return false;
        }
        let mut k = 0;
        while k < w.len() {
            if !w[k].is_ascii_lowercase() {
                return false;
            }
            k += 1;
        }
        if i > 0 && !prefix_after(words[i - 1].as_bytes(), w) {
            return false;
        }
        i += 1;
    }
    true
}

/// True when the first four bytes of `b` sort strictly after those of `a`.
const fn prefix_after(a: &[u8], b: &[u8]) -> bool {
    let mut k = 0;
    while k < 4 {
        if a[k] != b[k] {
            return a[k] < b[k];
        }
        k += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_has_the_spec_properties() {
        assert_eq!(WORDS.len(), 1024);
        assert!(well_formed(&WORDS));
        let mut sorted = WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, WORDS.to_vec(), "sorted and unique");
        let prefixes: std::collections::HashSet<&str> =
            WORDS.iter().map(|w| w.get(..4).unwrap()).collect();
        assert_eq!(prefixes.len(), 1024, "unique 4-letter prefixes");
        assert_eq!((WORDS[0], WORDS[1023]), ("academic", "zero"));
        assert_eq!(WORDLIST.lines().count(), 1024);
    }

    #[test]
    fn lookup_both_ways() {
        for (i, w) in WORDS.iter().enumerate() {
            let i = u16::try_from(i).unwrap();
            assert_eq!(index_of(w), Some(i));
            assert_eq!(word(i), *w);
        }
        assert_eq!(word(1024), "academic");
        assert_eq!(index_of("abandon"), None);
        assert_eq!(index_of("Zero"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("satoshis").first(), Some(&"satoshi"));
        assert_eq!(suggest("acadmic").first(), Some(&"academic"));
        assert_eq!(suggest("acedemic").first(), Some(&"academic"));
        assert!(suggest("xqxqxqxq").is_empty());
        assert!(suggest("").is_empty());
        assert!(suggest(&"a".repeat(100)).is_empty());
        assert!(suggest("zer").contains(&"zero"));
        assert_eq!(edit_distance(b"abcd", b"abdc"), 1);
        assert_eq!(edit_distance(b"", b"abc"), 3);
    }
}
