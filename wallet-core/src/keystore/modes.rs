//! What the keystore checks about the files it touches: the directory is
//! not writable by every user, wallet files are regular files (a FIFO named
//! `x.json` must not hang a listing), and permissions that let other users
//! read or change a wallet are reported. Also the errors of renames and of
//! names that differ only in case.

use crate::error::Error;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why the keystore refused to go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoreError {
    /// The directory is writable by every user: anyone could swap a wallet.
    #[error("the keystore directory '{}' is writable by every user (mode {mode:04o}): anyone on this machine could replace a wallet file; make it private with `chmod 700 '{}'` (and check that its wallets are yours), or choose another directory", path.display(), path.display())]
    WorldWritableDir {
        /// The directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },

    /// A path where a wallet file should be is something else.
    #[error("'{}' is not a regular file (it is {found}); it is not a wallet: move it out of the keystore", path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is (`a FIFO`, `a directory`, …).
        found: &'static str,
    },

    /// A new name differs only in case from an existing wallet's.
    #[error("'{name}' differs only in case from the existing wallet '{existing}'; case-insensitive file systems (macOS, Windows) treat them as one file: choose another name")]
    CaseCollision {
        /// The name asked for.
        name: String,
        /// The wallet it collides with.
        existing: String,
    },

    /// A rename to the same name.
    #[error("'{0}' is already the wallet's name")]
    SameName(String),
}

impl KeystoreError {
    /// The stable kind of this error.
    #[must_use]
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            KeystoreError::WorldWritableDir { .. }
            | KeystoreError::CaseCollision { .. }
            | KeystoreError::SameName(_) => crate::ErrorKind::InvalidInput,
            KeystoreError::NotRegular { .. } => crate::ErrorKind::Tampered,
        }
    }
}

impl From<KeystoreError> for Error {
    fn from(e: KeystoreError) -> Self {
        match e.kind() {
            crate::ErrorKind::Tampered => Error::Tampered(e.to_string()),
            _ => Error::InvalidInput(e.to_string()),
        }
    }
}

/// A keystore path other users may read or change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LooseMode {
    /// The directory or file.
    pub path: PathBuf,
    /// Its permission bits before any fix.
    pub mode: u32,
    /// True when the keystore tightened it (0700 / 0600) itself.
    pub fixed: bool,
}

impl LooseMode {
    /// Whether users other than the owner may change it (not just read it).
    #[must_use]
    pub fn writable_by_others(&self) -> bool {
        self.mode & 0o022 != 0
    }
}

impl std::fmt::Display for LooseMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = if self.writable_by_others() {
            "other users can change it"
        } else {
            "other users can read it"
        };
        let private = if self.path.is_dir() { "700" } else { "600" };
        if self.fixed {
            write!(
                f,
                "'{}' had mode {:04o} ({who}); it is now {private}",
                self.path.display(),
                self.mode
            )
        } else {
            write!(
                f,
                "'{}' has mode {:04o} ({who}): run `chmod {private} '{}'`",
                self.path.display(),
                self.mode,
                self.path.display()
            )
        }
    }
}

/// Checks the keystore directory: refused when every user may write to
/// it; otherwise, with `tighten`, made 0700 (failing with the real reason
/// when it cannot be). Returns what was loose.
pub(crate) fn check_dir(dir: &Path, tighten: bool) -> crate::Result<Option<LooseMode>> {
    let meta = std::fs::metadata(dir).map_err(|e| Error::io("cannot read", dir, e))?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o002 != 0 {
        return Err(KeystoreError::WorldWritableDir {
            path: dir.to_path_buf(),
            mode,
        }
        .into());
    }
    if mode & 0o077 == 0 {
        return Ok(None);
    }
    if tighten {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io("cannot make private (0700)", dir, e))?;
    }
    Ok(Some(LooseMode {
        path: dir.to_path_buf(),
        mode,
        fixed: tighten,
    }))
}

/// The permission bits of `path` when other users may read or change it.
pub(crate) fn loose_file(path: &Path) -> Option<LooseMode> {
    let meta = std::fs::metadata(path).ok()?;
    let mode = meta.permissions().mode() & 0o7777;
    (meta.is_file() && mode & 0o077 != 0).then(|| LooseMode {
        path: path.to_path_buf(),
        mode,
        fixed: false,
    })
}

fn describe(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Opens `path` for reading without ever blocking in `open` (a FIFO with
/// no writer would), and refuses anything but a regular file.
pub(crate) fn open_regular(path: &Path) -> crate::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| Error::io("cannot open", path, e))?;
    let t = f
        .metadata()
        .map_err(|e| Error::io("cannot read", path, e))?
        .file_type();
    if !t.is_file() {
        return Err(KeystoreError::NotRegular {
            path: path.to_path_buf(),
            found: describe(t),
        }
        .into());
    }
    Ok(f)
}

/// Restricted Damerau–Levenshtein distance (adjacent swaps count once),
/// ignoring ASCII case: how far a mistyped wallet name is from a real one.
pub(crate) fn name_distance(a: &str, b: &str) -> usize {
    let lower = |s: &str| {
        s.chars()
            .map(|c| c.to_ascii_lowercase())
            .collect::<Vec<char>>()
    };
    let (a, b) = (lower(a), lower(b));
    // The distance never exceeds the longer length: no early stop.
    let limit = a.len().max(b.len());
    crate::mnemonic::osa_distance(&a, &b, limit, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue21_27_name_distance() {
        assert_eq!(name_distance("mian", "main"), 1);
        assert_eq!(name_distance("Main", "main"), 0);
        assert_eq!(name_distance("mai", "main"), 1);
        assert_eq!(name_distance("savings", "main"), 4);
        assert_eq!(name_distance("kitten", "sitting"), 3);
        assert_eq!(name_distance("", "ab"), 2);
    }

    #[test]
    fn issue22_9_a_fifo_is_not_opened_as_a_wallet() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.json");
        let st = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(st.success());
        let e = open_regular(&fifo).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Tampered);
        assert!(e.to_string().contains("a FIFO"), "{e}");
        let e = open_regular(dir.path()).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }

    #[test]
    fn issue22_8_world_writable_dirs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = check_dir(dir.path(), true).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("chmod 700"), "{e}");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o750)).unwrap();
        let loose = check_dir(dir.path(), false).unwrap().unwrap();
        assert!(!loose.fixed && !loose.writable_by_others());
        let fixed = check_dir(dir.path(), true).unwrap().unwrap();
        assert!(fixed.fixed, "{fixed}");
        assert_eq!(check_dir(dir.path(), true).unwrap(), None);
        let e = KeystoreError::SameName("a".into());
        assert_eq!(Error::from(e).kind(), crate::ErrorKind::InvalidInput);
    }
}
