//! BIP39 mnemonics: generate, parse with precise errors, and turn into a seed.
//!
//! Word lists and checksum arithmetic come from the `bip39` crate; this module
//! adds what a user needs on top: language detection, errors that name the
//! wrong word and suggest the nearest valid ones, NFKD normalisation of the
//! phrase and of the passphrase, and secret hygiene (the phrase only ever
//! leaves as a [`SecretString`]).
//!
//! ```
//! use wallet_core::mnemonic::{Language, Mnemonic};
//! let m = Mnemonic::parse("abandon abandon abandon abandon abandon abandon \
//!                          abandon abandon abandon abandon abandon about").unwrap();
//! assert_eq!(m.language(), Language::English);
//! let seed = m.to_seed("TREZOR");
//! assert_eq!(hex::encode(&seed.expose()[..4]), "c55257c3");
//! ```

use crate::kind::ErrorKind;

/// Results of this module: a [`MnemonicError`] (it converts into [`crate::Error`]).
pub type Result<T, E = MnemonicError> = core::result::Result<T, E>;
use crate::secret::{SecretString, SecretVec, Seed};
use core::fmt;
use core::str::FromStr;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// Word counts BIP39 allows.
pub const WORD_COUNTS: [usize; 5] = [12, 15, 18, 21, 24];

/// The length of a new mnemonic (BIP39 allows these five).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WordCount {
    /// 12 words, 128 bits of entropy.
    #[default]
    W12,
    /// 15 words, 160 bits.
    W15,
    /// 18 words, 192 bits.
    W18,
    /// 21 words, 224 bits.
    W21,
    /// 24 words, 256 bits.
    W24,
}

impl WordCount {
    /// Every count, shortest first.
    pub const ALL: [WordCount; 5] = [
        WordCount::W12,
        WordCount::W15,
        WordCount::W18,
        WordCount::W21,
        WordCount::W24,
    ];

    /// How many words.
    #[must_use]
    pub const fn words(self) -> usize {
        match self {
            WordCount::W12 => 12,
            WordCount::W15 => 15,
            WordCount::W18 => 18,
            WordCount::W21 => 21,
            WordCount::W24 => 24,
        }
    }

    /// Bytes of entropy.
    #[must_use]
    pub const fn entropy_len(self) -> usize {
        self.words() / 3 * 4
    }
}

impl TryFrom<usize> for WordCount {
    type Error = MnemonicError;
    fn try_from(n: usize) -> Result<Self> {
        WordCount::ALL
            .into_iter()
            .find(|w| w.words() == n)
            .ok_or(MnemonicError::WordCount(n))
    }
}

/// Why a phrase is not a valid mnemonic. Messages quote at most one word of
/// the phrase, and only a token that looks like one word (letters, at most a
/// word's length): a phrase glued together, or a key pasted where a phrase
/// belongs, is never repeated back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MnemonicError {
    /// A word that is in no list (or not in the chosen one).
    #[error(
        "word {position} {} is not in the {language} word list{}",
        quoted(word),
        suggestion_text(suggestions)
    )]
    UnknownWord {
        /// 1-based position of the word in the phrase.
        position: usize,
        /// The word as typed (after normalisation), when it looks like one word.
        word: Option<String>,
        /// The language the phrase was read in.
        language: Language,
        /// The nearest valid words by edit distance, best first.
        suggestions: Vec<&'static str>,
    },
    /// A word of another list than the rest of the phrase (or than the one asked for).
    #[error("word {position} '{word}' is from the {found} word list, but {}; mnemonics cannot mix languages", if *asked { format!("you asked for {expected}") } else { format!("the rest of the phrase is {expected}") })]
    ForeignWord {
        /// 1-based position of the word in the phrase.
        position: usize,
        /// The word as typed (after normalisation).
        word: String,
        /// The language the word belongs to.
        found: Language,
        /// The language of the rest of the phrase, or the one asked for.
        expected: Language,
        /// Whether `expected` was asked for (not detected).
        asked: bool,
    },
    /// A word count BIP39 does not allow.
    #[error("the phrase has {0} words; a BIP39 mnemonic has 12, 15, 18, 21 or 24")]
    WordCount(usize),
    /// Valid words whose checksum is not.
    #[error("the mnemonic checksum does not match: a word is wrong or the words are out of order")]
    Checksum,
    /// A word list name that is not one of the ten.
    #[error("unknown language '{given}'; expected one of {}", Language::ALL.iter().map(|l| l.code()).collect::<Vec<_>>().join(", "))]
    UnknownLanguage {
        /// The name as given.
        given: String,
    },
    /// Entropy of a length BIP39 has no mnemonic for.
    #[error("entropy must be 16, 20, 24, 28 or 32 bytes, not {0}")]
    EntropyLength(usize),
    /// A phrase the `bip39` crate refused for a reason of its own.
    #[error("invalid mnemonic: {0}")]
    Other(String),
    /// The operating system's random generator failed.
    #[error("the OS random generator failed: {0}")]
    Random(String),
    /// A bug: an invariant of this module did not hold.
    #[error("{0}")]
    Internal(String),
}

impl MnemonicError {
    /// The stable kind: `bad_checksum` for a checksum, `invalid_input` for a
    /// language name or entropy length, `internal` for the random generator,
    /// else `invalid_mnemonic`.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            MnemonicError::Checksum => ErrorKind::BadChecksum,
            MnemonicError::UnknownLanguage { .. } | MnemonicError::EntropyLength(_) => {
                ErrorKind::InvalidInput
            }
            MnemonicError::Random(_) | MnemonicError::Internal(_) => ErrorKind::Internal,
            _ => ErrorKind::InvalidMnemonic,
        }
    }
}

fn quoted(word: &Option<String>) -> String {
    match word {
        Some(w) => format!("'{w}'"),
        None => "(not shown: it is not one word; separate the words with spaces)".to_owned(),
    }
}

fn suggestion_text(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean '{one}'?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|w| format!("'{w}'")).collect();
            format!("; did you mean one of {}?", quoted.join(", "))
        }
    }
}

/// Whether a token may be quoted back: letters only, no longer than a word
/// of any list plus a typo's worth.
fn looks_like_a_word(token: &str) -> bool {
    token.chars().count() <= 12 && token.chars().all(char::is_alphabetic)
}

/// The ten BIP39 word lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// English.
    English,
    /// Chinese, simplified characters.
    ChineseSimplified,
    /// Chinese, traditional characters.
    ChineseTraditional,
    /// Japanese (phrases are written with U+3000 IDEOGRAPHIC SPACE between words).
    Japanese,
    /// Korean.
    Korean,
    /// Spanish.
    Spanish,
    /// French.
    French,
    /// Italian.
    Italian,
    /// Czech.
    Czech,
    /// Portuguese.
    Portuguese,
}

impl Language {
    /// All languages, English first (the order used to break ties when detecting).
    pub const ALL: [Language; 10] = [
        Language::English,
        Language::ChineseSimplified,
        Language::ChineseTraditional,
        Language::Japanese,
        Language::Korean,
        Language::Spanish,
        Language::French,
        Language::Italian,
        Language::Czech,
        Language::Portuguese,
    ];

    /// The stable machine name (`english`, `chinese-simplified`, …), as the CLI accepts it.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Language::English => "english",
            Language::ChineseSimplified => "chinese-simplified",
            Language::ChineseTraditional => "chinese-traditional",
            Language::Japanese => "japanese",
            Language::Korean => "korean",
            Language::Spanish => "spanish",
            Language::French => "french",
            Language::Italian => "italian",
            Language::Czech => "czech",
            Language::Portuguese => "portuguese",
        }
    }

    /// The word separator used when the phrase is written out.
    #[must_use]
    pub const fn separator(self) -> &'static str {
        match self {
            Language::Japanese => "\u{3000}",
            _ => " ",
        }
    }

    /// The 2048 words of the list (NFKD-normalised).
    #[must_use]
    pub fn word_list(self) -> &'static [&'static str; 2048] {
        self.to_bip39().word_list()
    }

    /// Index of `word` (NFKD-normalised) in the list.
    #[must_use]
    pub fn find_word(self, word: &str) -> Option<u16> {
        self.to_bip39().find_word(word)
    }

    fn to_bip39(self) -> bip39::Language {
        match self {
            Language::English => bip39::Language::English,
            Language::ChineseSimplified => bip39::Language::SimplifiedChinese,
            Language::ChineseTraditional => bip39::Language::TraditionalChinese,
            Language::Japanese => bip39::Language::Japanese,
            Language::Korean => bip39::Language::Korean,
            Language::Spanish => bip39::Language::Spanish,
            Language::French => bip39::Language::French,
            Language::Italian => bip39::Language::Italian,
            Language::Czech => bip39::Language::Czech,
            Language::Portuguese => bip39::Language::Portuguese,
        }
    }

    /// True when the list's words are single characters (edit distance is meaningless there).
    fn is_ideographic(self) -> bool {
        matches!(
            self,
            Language::ChineseSimplified | Language::ChineseTraditional
        )
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Language::English => "English",
            Language::ChineseSimplified => "Chinese (simplified)",
            Language::ChineseTraditional => "Chinese (traditional)",
            Language::Japanese => "Japanese",
            Language::Korean => "Korean",
            Language::Spanish => "Spanish",
            Language::French => "French",
            Language::Italian => "Italian",
            Language::Czech => "Czech",
            Language::Portuguese => "Portuguese",
        })
    }
}

impl FromStr for Language {
    type Err = MnemonicError;

    fn from_str(s: &str) -> Result<Self> {
        let norm = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let lang = match norm.as_str() {
            "english" | "en" => Language::English,
            "chinese-simplified" | "zh-hans" | "zh-cn" | "zh" | "simplified-chinese" => {
                Language::ChineseSimplified
            }
            "chinese-traditional" | "zh-hant" | "zh-tw" | "traditional-chinese" => {
                Language::ChineseTraditional
            }
            "japanese" | "ja" | "jp" => Language::Japanese,
            "korean" | "ko" => Language::Korean,
            "spanish" | "es" => Language::Spanish,
            "french" | "fr" => Language::French,
            "italian" | "it" => Language::Italian,
            "czech" | "cs" => Language::Czech,
            "portuguese" | "pt" => Language::Portuguese,
            _ => {
                return Err(MnemonicError::UnknownLanguage {
                    given: s.to_owned(),
                })
            }
        };
        Ok(lang)
    }
}

/// A valid BIP39 mnemonic (checksum verified). Zeroized on drop; `Debug` shows no words.
#[derive(Clone)]
pub struct Mnemonic {
    inner: bip39::Mnemonic,
    language: Language,
}

impl Mnemonic {
    /// Generates a fresh mnemonic of `words` words from the operating system's CSPRNG.
    pub fn generate(words: WordCount, language: Language) -> Result<Self> {
        let mut entropy = Zeroizing::new([0u8; 32]);
        let len = words.entropy_len();
        rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, &mut entropy[..len])
            .map_err(|e| MnemonicError::Random(e.to_string()))?;
        Self::from_entropy(&entropy[..len], language)
    }

    /// Builds the mnemonic that encodes `entropy` (16, 20, 24, 28 or 32 bytes).
    pub fn from_entropy(entropy: &[u8], language: Language) -> Result<Self> {
        if !matches!(entropy.len(), 16 | 20 | 24 | 28 | 32) {
            return Err(MnemonicError::EntropyLength(entropy.len()));
        }
        let inner = bip39::Mnemonic::from_entropy_in(language.to_bip39(), entropy)
            .map_err(|e| MnemonicError::Internal(format!("bip39 rejected valid entropy: {e}")))?;
        Ok(Self { inner, language })
    }

    /// Parses a phrase, detecting its language. Any Unicode form, any
    /// whitespace between words, upper or lower case.
    pub fn parse(phrase: &str) -> Result<Self> {
        Self::parse_impl(phrase, None)
    }

    /// Parses a phrase that must be in `language`.
    pub fn parse_in(phrase: &str, language: Language) -> Result<Self> {
        Self::parse_impl(phrase, Some(language))
    }

    fn parse_impl(phrase: &str, language: Option<Language>) -> Result<Self> {
        let lowered = nfkd_lowercase(phrase);
        // Commas, semicolons, periods and hyphens appear in no word list:
        // a phrase written with them between words is read as words.
        let words: Vec<&str> = lowered
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '.' | '-'))
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Err(MnemonicError::WordCount(0));
        }

        let candidates: Vec<Language> = match language {
            Some(lang) => {
                check_words_in(&words, lang, true)?;
                vec![lang]
            }
            None => detect_languages(&words)?,
        };
        check_word_count(words.len())?;

        let joined = Zeroizing::new(words.join(" "));
        let mut first_error = None;
        for lang in candidates {
            match bip39::Mnemonic::parse_in_normalized(lang.to_bip39(), &joined) {
                Ok(inner) => {
                    return Ok(Self {
                        inner,
                        language: lang,
                    })
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(match first_error {
            Some(bip39::Error::InvalidChecksum) | None => MnemonicError::Checksum,
            Some(bip39::Error::BadWordCount(n)) => MnemonicError::WordCount(n),
            Some(other) => MnemonicError::Other(other.to_string()),
        })
    }

    /// The language of the word list.
    #[must_use]
    pub fn language(&self) -> Language {
        self.language
    }

    /// Number of words.
    #[must_use]
    pub fn word_count(&self) -> usize {
        self.inner.word_count()
    }

    /// The phrase, words joined by the language's separator (U+3000 for Japanese).
    /// Words are the NFKD forms of the official list, as the reference implementation writes them.
    #[must_use]
    pub fn phrase(&self) -> SecretString {
        // The exact size first: a growing String would free copies of the
        // phrase's prefix on every reallocation, unwiped.
        let separator = self.language.separator();
        let len = self.inner.words().map(str::len).sum::<usize>()
            + separator.len() * self.word_count().saturating_sub(1);
        let mut out = String::with_capacity(len);
        for (i, w) in self.inner.words().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            out.push_str(w);
        }
        debug_assert_eq!(out.len(), len);
        SecretString::new(out)
    }

    /// The word at 0-based `index`, if any (used to verify a written-down backup).
    #[must_use]
    pub fn word(&self, index: usize) -> Option<&'static str> {
        self.inner.words().nth(index)
    }

    /// `n` distinct random word positions (0-based, ascending) to ask back
    /// when verifying that the user wrote the phrase down.
    pub fn quiz_positions(&self, n: usize) -> Result<Vec<usize>> {
        let total = self.word_count();
        let mut picks = Vec::with_capacity(n);
        while picks.len() < n.min(total) {
            let mut b = [0u8; 4];
            rand_core::RngCore::try_fill_bytes(&mut rand_core::OsRng, &mut b)
                .map_err(|e| MnemonicError::Random(e.to_string()))?;
            let i = (u32::from_le_bytes(b) as usize) % total;
            if !picks.contains(&i) {
                picks.push(i);
            }
        }
        picks.sort_unstable();
        Ok(picks)
    }

    /// Whether `typed` (any case, any Unicode form, surrounding spaces ignored)
    /// is the word at 0-based `index`.
    #[must_use]
    pub fn is_word_at(&self, index: usize, typed: &str) -> bool {
        let norm = nfkd_lowercase(typed.trim());
        self.word(index).is_some_and(|w| w == norm.as_str())
    }

    /// The entropy the phrase encodes.
    ///
    /// Rebuilt from the word indexes here: `bip39::Mnemonic::to_entropy`
    /// re-detects the language and panics on phrases whose every word is in
    /// both Chinese lists.
    #[must_use]
    pub fn entropy(&self) -> SecretVec {
        let mut out = Zeroizing::new(Vec::with_capacity(32));
        let mut acc: u32 = 0;
        let mut bits = 0u32;
        for idx in self.inner.word_indices() {
            acc = (acc << 11) | (idx as u32 & 0x7ff);
            bits += 11;
            while bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
            }
            acc &= (1 << bits) - 1;
        }
        let len = self.word_count() / 3 * 4;
        out.truncate(len);
        zeroize::Zeroize::zeroize(&mut acc);
        SecretVec::from(out)
    }

    /// The BIP39 seed: PBKDF2-HMAC-SHA512(NFKD(phrase), "mnemonic" + NFKD(passphrase), 2048).
    /// The passphrase is used exactly as given (no trimming); only NFKD is applied.
    #[must_use]
    pub fn to_seed(&self, passphrase: &str) -> Seed {
        let normalized = nfkd(passphrase);
        let bytes = Zeroizing::new(self.inner.to_seed_normalized(&normalized));
        Seed::new(*bytes)
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mnemonic")
            .field("language", &self.language)
            .field("words", &self.word_count())
            .field("phrase", &"[REDACTED]")
            .finish()
    }
}

impl PartialEq for Mnemonic {
    fn eq(&self, other: &Self) -> bool {
        self.language == other.language && self.inner == other.inner
    }
}

impl Eq for Mnemonic {}

/// NFKD of `s` in a zeroizing string allocated once at its exact size
/// (counted in a first pass): collecting into a growing `String` would
/// leave unwiped copies of the secret in every buffer it outgrew.
fn nfkd(s: &str) -> Zeroizing<String> {
    collect_exact(|| s.nfkd())
}

/// NFKD, then lower case (character by character: no BIP39 list has the
/// Greek final sigma that `str::to_lowercase` special-cases), allocated
/// once at its exact size like [`nfkd`].
fn nfkd_lowercase(s: &str) -> Zeroizing<String> {
    collect_exact(|| s.nfkd().flat_map(char::to_lowercase))
}

/// Runs `chars()` twice: once to size the buffer, once to fill it, so the
/// buffer never reallocates.
fn collect_exact<I: Iterator<Item = char>>(chars: impl Fn() -> I) -> Zeroizing<String> {
    let len: usize = chars().map(char::len_utf8).sum();
    let mut out = Zeroizing::new(String::with_capacity(len));
    for c in chars() {
        out.push(c);
    }
    debug_assert_eq!(out.len(), len);
    out
}

fn check_word_count(n: usize) -> Result<()> {
    if WORD_COUNTS.contains(&n) {
        Ok(())
    } else {
        Err(MnemonicError::WordCount(n))
    }
}

/// Every word must be in `lang`; the first one that is not becomes the
/// error (`asked`: the language was chosen, not detected).
fn check_words_in(words: &[&str], lang: Language, asked: bool) -> Result<()> {
    for (i, word) in words.iter().enumerate() {
        if lang.find_word(word).is_none() {
            return Err(word_error(i, word, lang, asked));
        }
    }
    Ok(())
}

fn word_error(index: usize, word: &str, expected: Language, asked: bool) -> MnemonicError {
    if let Some(found) = Language::ALL
        .iter()
        .copied()
        .find(|l| *l != expected && l.find_word(word).is_some())
    {
        return MnemonicError::ForeignWord {
            position: index + 1,
            word: word.to_owned(),
            found,
            expected,
            asked,
        };
    }
    let quotable = looks_like_a_word(word);
    MnemonicError::UnknownWord {
        position: index + 1,
        word: quotable.then(|| word.to_owned()),
        language: expected,
        suggestions: if quotable {
            suggest(word, expected)
        } else {
            Vec::new()
        },
    }
}

/// The languages every word of the phrase belongs to, in [`Language::ALL`] order.
/// When none has them all, the error names the first stray word of the best match.
fn detect_languages(words: &[&str]) -> Result<Vec<Language>> {
    let mut best = (Language::English, 0usize);
    let mut complete = Vec::new();
    for lang in Language::ALL {
        let hits = words.iter().filter(|w| lang.find_word(w).is_some()).count();
        if hits == words.len() {
            complete.push(lang);
        }
        if hits > best.1 {
            best = (lang, hits);
        }
    }
    if !complete.is_empty() {
        return Ok(complete);
    }
    check_words_in(words, best.0, false)?;
    Err(MnemonicError::Internal(
        "language detection disagreed with itself".into(),
    ))
}

/// The valid words nearest to `word` (optimal string alignment distance),
/// best first, at most five. Empty when nothing is plausibly close.
#[must_use]
pub fn suggest(word: &str, language: Language) -> Vec<&'static str> {
    if language.is_ideographic() {
        return Vec::new();
    }
    let typed: Vec<char> = word.nfkd().collect();
    let limit = match typed.len() {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3,
    };
    let mut scored: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut buf = Vec::new();
    let mut candidate: Vec<char> = Vec::with_capacity(16);
    for (i, w) in language.word_list().iter().enumerate() {
        candidate.clear();
        candidate.extend(w.chars());
        // A unique-looking prefix ("aband") is as good as one edit.
        let prefix = typed.len() >= 3 && candidate.starts_with(&typed);
        // The length difference bounds the distance from below: skip the
        // table for words that cannot be close (and long garbage costs nothing).
        let d = if prefix {
            1
        } else if typed.len().abs_diff(candidate.len()) > limit {
            continue;
        } else {
            osa_distance(&typed, &candidate, limit, &mut buf)
        };
        if d <= limit {
            scored.push((d, i, w));
        }
    }
    scored.sort_unstable();
    let Some(&(best, _, _)) = scored.first() else {
        return Vec::new();
    };
    scored
        .into_iter()
        .take_while(|(d, _, _)| *d <= best + 1)
        .take(5)
        .map(|(_, _, w)| w)
        .collect()
}

/// Optimal string alignment distance: insertions, deletions, substitutions and
/// adjacent transpositions each cost one. Stops early with `limit + 1` once no
/// alignment can stay within `limit` (every cell of two successive rows is
/// above it, and the distance never decreases along a path).
pub(crate) fn osa_distance(a: &[char], b: &[char], limit: usize, buf: &mut Vec<usize>) -> usize {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    buf.clear();
    buf.resize((n + 1) * width, 0);
    for i in 0..=n {
        buf[i * width] = i;
    }
    for (j, cell) in buf.iter_mut().enumerate().take(m + 1) {
        *cell = j;
    }
    let mut previous_row_over = false;
    for i in 1..=n {
        let mut row_min = usize::MAX;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (buf[(i - 1) * width + j] + 1)
                .min(buf[i * width + j - 1] + 1)
                .min(buf[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(buf[(i - 2) * width + j - 2] + 1);
            }
            buf[i * width + j] = v;
            row_min = row_min.min(v);
        }
        row_min = row_min.min(buf[i * width]);
        // A transposition reaches back two rows, so two rows over the limit
        // are needed before no later cell can come back under it.
        let over = row_min > limit;
        if over && previous_row_over {
            return limit + 1;
        }
        previous_row_over = over;
    }
    buf[n * width + m]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[test]
    fn parses_and_seeds() {
        let m = Mnemonic::parse(ABANDON).unwrap();
        assert_eq!(m.word_count(), 12);
        assert_eq!(m.phrase().expose(), ABANDON);
        assert_eq!(
            hex::encode(m.to_seed("TREZOR").expose()),
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04"
        );
    }

    #[test]
    fn tolerant_whitespace_and_case() {
        let messy = format!("  {}\n", ABANDON.to_uppercase().replace(' ', " \t "));
        assert_eq!(
            Mnemonic::parse(&messy).unwrap(),
            Mnemonic::parse(ABANDON).unwrap()
        );
    }

    #[test]
    fn typo_gets_suggestion() {
        let bad = ABANDON.replacen("abandon", "abandn", 1);
        let err = Mnemonic::parse(&bad).unwrap_err();
        match &err {
            MnemonicError::UnknownWord {
                position,
                suggestions,
                language,
                ..
            } => {
                assert_eq!(*position, 1);
                assert_eq!(*language, Language::English);
                assert_eq!(suggestions.first(), Some(&"abandon"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("did you mean"));
    }

    #[test]
    fn transposition_is_one_edit() {
        assert!(suggest("abnadon", Language::English).contains(&"abandon"));
        assert!(suggest("zzzzzzzzzzzz", Language::English).is_empty());
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_table() {
        let words = [
            "abandon",
            "abnadon",
            "ability",
            "zoo",
            "",
            "a",
            "xylophone",
            "abandonment",
            "ca",
            "ac",
        ];
        let mut buf = Vec::new();
        for a in words {
            for b in words {
                let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let exact = osa_distance(&a, &b, usize::MAX - 1, &mut buf);
                for limit in 0..5 {
                    let bounded = osa_distance(&a, &b, limit, &mut buf);
                    if exact <= limit {
                        assert_eq!(bounded, exact);
                    } else {
                        assert!(bounded > limit);
                    }
                }
            }
        }
        let d = |a: &str, b: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            osa_distance(&a, &b, 10, &mut Vec::new())
        };
        assert_eq!(d("abandon", "abnadon"), 1);
        assert_eq!(d("ca", "ac"), 1);
        assert_eq!(d("", "zoo"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
    }

    #[test]
    fn checksum_and_count_errors() {
        let bad = ABANDON.replace("about", "abandon");
        assert_eq!(
            Mnemonic::parse(&bad).unwrap_err().kind(),
            ErrorKind::BadChecksum
        );
        let short = "abandon abandon abandon";
        assert!(matches!(
            Mnemonic::parse(short).unwrap_err(),
            MnemonicError::WordCount(3)
        ));
        assert!(matches!(
            Mnemonic::parse("  ").unwrap_err(),
            MnemonicError::WordCount(0)
        ));
    }

    #[test]
    fn foreign_word_is_named() {
        // "abeille" is French; the rest is English.
        let mixed = ABANDON.replacen("abandon", "abeille", 1);
        match Mnemonic::parse(&mixed).unwrap_err() {
            e @ MnemonicError::ForeignWord { .. } => {
                let MnemonicError::ForeignWord {
                    position,
                    found,
                    expected,
                    asked,
                    ..
                } = &e
                else {
                    unreachable!()
                };
                assert_eq!(*position, 1);
                assert_eq!(*found, Language::French);
                assert_eq!(*expected, Language::English);
                assert!(!asked);
                assert_eq!(
                    e.to_string(),
                    "word 1 'abeille' is from the French word list, but the rest of the phrase is English; mnemonics cannot mix languages"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        // An English phrase read as Spanish names the first word, and says
        // Spanish was asked for.
        let e = Mnemonic::parse_in(ABANDON, Language::Spanish).unwrap_err();
        assert!(e.to_string().contains("you asked for Spanish"), "{e}");
    }

    #[test]
    fn glued_phrases_and_keys_are_never_quoted() {
        for sep in [",", ";", "-", ".", ", "] {
            let glued = ABANDON.replace(' ', sep);
            assert!(Mnemonic::parse(&glued).is_ok(), "separator {sep:?}");
        }
        let glued = ABANDON.replace(' ', "_");
        let e = Mnemonic::parse(&glued).unwrap_err();
        assert!(!e.to_string().contains("abandon"), "{e}");
        for key in [
            "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
            "5hueCgu8rmjxexxipud5bdku4mkfqezyd4dz1jvhtvqvbtlvytj",
            "xprv9s21zrqh143k3qtdl4lxw2f7hek3wjufdzmpy9n7kzxnbdl9pfxexjx7pbsgzqbyk4yyyfuqd4ivebmnxu3h7bdazn8gfuzsoekp9sx8wym",
        ] {
            let e = Mnemonic::parse(key).unwrap_err().to_string();
            assert!(!e.contains(&key[4..20]), "{e}");
        }
    }

    #[test]
    fn generate_every_language_and_length() {
        for lang in Language::ALL {
            for n in WordCount::ALL {
                let m = Mnemonic::generate(n, lang).unwrap();
                assert_eq!(m.word_count(), n.words());
                let again = Mnemonic::parse(m.phrase().expose()).unwrap();
                assert_eq!(again.entropy().expose(), m.entropy().expose());
            }
        }
        assert!(WordCount::try_from(13).is_err());
    }

    #[test]
    fn language_names_round_trip() {
        for lang in Language::ALL {
            assert_eq!(lang.code().parse::<Language>().unwrap(), lang);
        }
        assert_eq!(
            "zh_hant".parse::<Language>().unwrap(),
            Language::ChineseTraditional
        );
        assert!("klingon".parse::<Language>().is_err());
    }

    #[test]
    fn debug_hides_words() {
        let m = Mnemonic::parse(ABANDON).unwrap();
        let d = format!("{m:?}");
        assert!(!d.contains("abandon"), "{d}");
    }
}
