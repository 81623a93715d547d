//! Judging the answers of a backup check, for faces that ask the user to
//! prove a backup was written down: words of a BIP39 phrase
//! ([`check_word`]) or a threshold of SLIP-39 shares ([`ShareCheck`]).
//!
//! An answer is correct, a miss (the user's copy is probably wrong), or not
//! an answer at all (a non-word, a share cut short, one typed twice): faces
//! give a hint for the last kind without counting it. Nothing here reads
//! or prints the terminal.

use super::slip39::Slip39Backup;
use crate::mnemonic::{self, Mnemonic};
use crate::slip39::{Progress, Recovery, Share, Slip39Error};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// How a typed word compares with the phrase's word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordAnswer {
    /// The right word.
    Correct,
    /// A word of the list, but not this one: a miss.
    Wrong,
    /// Not a word of the phrase's list (a typo): no miss. The nearest list
    /// words, best first (empty when none is close, or for ideographic lists).
    NotAWord {
        /// Nearby words of the list.
        suggestions: Vec<&'static str>,
    },
}

/// Judges `typed` as word `index` (0-based) of `m`: any case, any Unicode
/// form, surrounding spaces ignored.
#[must_use]
pub fn check_word(m: &Mnemonic, index: usize, typed: &str) -> WordAnswer {
    if m.is_word_at(index, typed) {
        return WordAnswer::Correct;
    }
    let norm: Zeroizing<String> = Zeroizing::new(typed.trim().to_lowercase().nfkd().collect());
    if m.language().find_word(&norm).is_some() {
        WordAnswer::Wrong
    } else {
        WordAnswer::NotAWord {
            suggestions: mnemonic::suggest(&norm, m.language()),
        }
    }
}

/// How one typed share was taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareAnswer {
    /// One of the backup's shares, counted; what is still missing.
    Accepted(Progress),
    /// The shares typed so far recover the backup's master secret.
    Complete,
    /// Not readable as a share (an unknown word, too few or too many
    /// words): no miss.
    Unreadable(Slip39Error),
    /// Typed already, or not needed any more: no miss.
    Repeated(Slip39Error),
    /// A share with a wrong word (checksum or padding): a miss.
    Wrong(Slip39Error),
    /// A valid share, but not one of this backup's (another backup): a miss.
    Foreign,
}

impl ShareAnswer {
    /// Whether this answer counts as a miss.
    #[must_use]
    pub fn is_miss(&self) -> bool {
        matches!(self, ShareAnswer::Wrong(_) | ShareAnswer::Foreign)
    }
}

/// A check that the user can type back a threshold set of `backup`'s
/// shares, in any order.
#[derive(Debug)]
pub struct ShareCheck<'a> {
    backup: &'a Slip39Backup,
    recovery: Recovery,
}

impl<'a> ShareCheck<'a> {
    /// A check of `backup` with nothing typed yet.
    #[must_use]
    pub fn new(backup: &'a Slip39Backup) -> Self {
        Self {
            backup,
            recovery: Recovery::new(),
        }
    }

    /// Takes one typed share. When it completes a threshold set, the
    /// secret is recovered with the backup's passphrase and compared.
    pub fn offer(&mut self, typed: &str) -> Result<ShareAnswer, Slip39Error> {
        let share = match Share::parse(typed) {
            Ok(s) => s,
            Err(e @ (Slip39Error::UnknownWord { .. } | Slip39Error::WordCount { .. })) => {
                return Ok(ShareAnswer::Unreadable(e))
            }
            Err(e) => return Ok(ShareAnswer::Wrong(e)),
        };
        if !self.backup.contains(&share) {
            return Ok(ShareAnswer::Foreign);
        }
        let progress = match self.recovery.add(share) {
            Ok(p) => p,
            Err(
                e @ (Slip39Error::DuplicateMember { .. }
                | Slip39Error::GroupAlreadyComplete { .. }
                | Slip39Error::RecoveryComplete { .. }),
            ) => return Ok(ShareAnswer::Repeated(e)),
            Err(e) => return Err(e),
        };
        if !progress.is_complete() {
            return Ok(ShareAnswer::Accepted(progress));
        }
        let recovered = self.recovery.finish(self.backup.passphrase().expose())?;
        if &recovered != self.backup.master_secret() {
            return Err(Slip39Error::Internal(
                "the backup's own shares recovered another secret",
            ));
        }
        Ok(ShareAnswer::Complete)
    }

    /// What has been typed so far (`None` before the first share).
    #[must_use]
    pub fn progress(&self) -> Option<Progress> {
        self.recovery.progress()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slip39::{GroupSpec, IterationExponent};
    use crate::wallet::Slip39Params;

    #[test]
    fn words_are_correct_wrong_or_not_words() {
        let m = Mnemonic::parse(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        )
        .unwrap();
        assert_eq!(check_word(&m, 11, " ABOUT "), WordAnswer::Correct);
        assert_eq!(check_word(&m, 11, "zebra"), WordAnswer::Wrong);
        match check_word(&m, 11, "abuot") {
            WordAnswer::NotAWord { suggestions } => assert!(suggestions.contains(&"about")),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            check_word(&m, 0, "123"),
            WordAnswer::NotAWord {
                suggestions: vec![]
            }
        );
    }

    #[test]
    fn shares_are_accepted_refused_or_hinted() {
        let mut params = Slip39Params::new(GroupSpec::single(2, 3).unwrap());
        params.iteration_exponent = IterationExponent::new(0).unwrap();
        let backup = Slip39Backup::generate(&params).unwrap();
        let other = Slip39Backup::generate(&params).unwrap();
        let words = |b: &Slip39Backup, i: usize| b.share_views()[i].mnemonic.clone();
        let mut check = ShareCheck::new(&backup);
        assert!(check.progress().is_none());
        let first = words(&backup, 0);
        assert!(matches!(
            check.offer(&first).unwrap(),
            ShareAnswer::Accepted(p) if p.groups[0].missing() == 1
        ));
        let again = check.offer(&first).unwrap();
        assert!(matches!(again, ShareAnswer::Repeated(_)) && !again.is_miss());
        let foreign = check.offer(&words(&other, 1)).unwrap();
        assert!(foreign.is_miss() && foreign == ShareAnswer::Foreign);
        let second = words(&backup, 2);
        let mut cut: Vec<&str> = second.split(' ').collect();
        cut.pop();
        let short = check.offer(&cut.join(" ")).unwrap();
        assert!(matches!(
            short,
            ShareAnswer::Unreadable(Slip39Error::WordCount { .. })
        ));
        let unknown = check.offer(&format!("{} qqq", cut.join(" "))).unwrap();
        assert!(matches!(
            unknown,
            ShareAnswer::Unreadable(Slip39Error::UnknownWord { .. })
        ));
        // One word replaced by another list word: the checksum catches it.
        cut.push(second.split(' ').next_back().unwrap());
        cut[10] = if cut[10] == "academic" {
            "acid"
        } else {
            "academic"
        };
        let typo = check.offer(&cut.join(" ")).unwrap();
        assert!(
            matches!(typo, ShareAnswer::Wrong(Slip39Error::Checksum { .. })),
            "{typo:?}"
        );
        assert_eq!(check.offer(&second).unwrap(), ShareAnswer::Complete);
        assert!(matches!(
            check.offer(&words(&backup, 1)).unwrap(),
            ShareAnswer::Repeated(Slip39Error::RecoveryComplete { .. })
        ));
    }
}
