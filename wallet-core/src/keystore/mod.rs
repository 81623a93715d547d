//! The keystore: one encrypted file per wallet in a private directory.
//!
//! - The directory is mode 0700, files 0600. A directory every user may
//!   write to is refused; looser modes are reported ([`LooseMode`]) and, when
//!   the keystore writes, tightened. Only regular files are read as wallets
//!   (opened non-blocking: a FIFO cannot hang a listing).
//! - Names that differ only in case are refused (they are one file on
//!   case-insensitive file systems); [`Keystore::rename`] re-seals a wallet
//!   under a new name (the name is authenticated with the file).
//! - Every write goes to a temporary file in the same directory, is fsynced,
//!   read back and decrypted, and only then linked (new wallets: never
//!   overwriting) or renamed (password change) into place; the directory is
//!   fsynced after. A crash leaves the old file or the new one, never half.
//! - Mutations hold an advisory lock on `.lock`, so two processes cannot
//!   interleave.
//!
//! Ethereum V3 files are read and written by [`v3`].

mod addresses;
mod format;
mod modes;
mod secret;
pub mod v3;
mod watch;

pub use modes::{KeystoreError, LooseMode};

pub use addresses::AddressPlan;
pub use format::{KdfParams, Keys, WalletFile, FORMAT_VERSION};
pub use secret::{
    default_single_type, AccountXpub, HdOrigin, HdSecret, KeySource, PublicInfo, SingleKey,
    SinglePublic, WalletKind, WalletSecret,
};
pub use watch::{
    has_change, is_watch_file, watch_only_error, StoredWallet, WatchFile, WATCH_FORMAT_NAME,
    WATCH_FORMAT_VERSION,
};

pub(crate) use format::now_rfc3339;

use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a mutation waits for another process's lock.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// Wallet files larger than this are not read (they are a few KiB).
const MAX_FILE_SIZE: u64 = 1 << 20;

/// A keystore directory.
#[derive(Debug, Clone)]
pub struct Keystore {
    dir: PathBuf,
    /// The directory's mode when it let other users in.
    dir_mode: Option<LooseMode>,
}

/// One entry of [`Keystore::list`].
#[derive(Debug)]
pub struct ListEntry {
    /// The wallet name (the file stem).
    pub name: String,
    /// The parsed file (with keys or watch-only), or why it could not be read.
    pub file: Result<StoredWallet>,
}

impl Keystore {
    /// The default directory: `$XDG_DATA_HOME/wallet/keystore`, else
    /// `$HOME/.local/share/wallet/keystore`.
    pub fn default_dir() -> Result<PathBuf> {
        if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            let p = PathBuf::from(x);
            if p.is_absolute() {
                return Ok(p.join("wallet").join("keystore"));
            }
        }
        match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(h) => Ok(PathBuf::from(h).join(".local/share/wallet/keystore")),
            None => Err(Error::input(
                "cannot find a home directory (neither XDG_DATA_HOME nor HOME is set): choose a keystore directory",
            )),
        }
    }

    /// Opens `dir`, creating it (mode 0700) if needed and tightening its mode to 0700.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        if !dir.exists() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&dir)
                .map_err(|e| Error::io("cannot create the keystore directory", &dir, e))?;
        }
        let meta = fs::metadata(&dir).map_err(|e| Error::io("cannot read", &dir, e))?;
        if !meta.is_dir() {
            return Err(Error::input(format!(
                "'{}' is not a directory",
                dir.display()
            )));
        }
        let dir_mode = modes::check_dir(&dir, true)?;
        Ok(Self { dir, dir_mode })
    }

    /// Opens the keystore without creating or changing anything (read-only
    /// commands). A directory every user may write to is refused.
    pub fn open_existing(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        if !dir.is_dir() {
            return Err(Error::io(
                "no keystore at",
                &dir,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let dir_mode = modes::check_dir(&dir, false)?;
        Ok(Self { dir, dir_mode })
    }

    /// The directory's permissions when they let other users in: what
    /// [`Keystore::open`] tightened, or what [`Keystore::open_existing`]
    /// found (and left).
    #[must_use]
    pub fn dir_mode(&self) -> Option<&LooseMode> {
        self.dir_mode.as_ref()
    }

    /// Wallet `name`'s file (and usage record) when other users may read or
    /// change it. Nothing is changed: rewrites make files 0600.
    pub fn loose_modes(&self, name: &str) -> Result<Vec<LooseMode>> {
        Ok([self.path_of(name)?, self.usage_path(name)?]
            .iter()
            .filter_map(|p| modes::loose_file(p))
            .collect())
    }

    /// Every wallet file and usage record other users may read or change.
    pub fn all_loose_modes(&self) -> Result<Vec<LooseMode>> {
        let mut out = Vec::new();
        for name in self.names()? {
            out.extend(self.loose_modes(&name)?);
        }
        Ok(out)
    }

    /// The names of the wallets: the valid names of regular `NAME.json`
    /// files, sorted (nothing is opened).
    pub fn names(&self) -> Result<Vec<String>> {
        let rd = fs::read_dir(&self.dir).map_err(|e| Error::io("cannot list", &self.dir, e))?;
        let mut out = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| Error::io("cannot list", &self.dir, e))?;
            let file_name = entry.file_name();
            let Some(stem) = file_name.to_str().and_then(|f| f.strip_suffix(".json")) else {
                continue;
            };
            if validate_name(stem).is_ok() && entry.path().is_file() {
                out.push(stem.to_owned());
            }
        }
        out.sort();
        Ok(out)
    }

    /// The existing wallet name closest to a mistyped `name` (at most two
    /// edits, case ignored), for "did you mean …?".
    pub fn closest_name(&self, name: &str) -> Result<Option<String>> {
        let best = self
            .names()?
            .into_iter()
            .map(|n| (modes::name_distance(name, &n), n))
            .filter(|(d, n)| *d <= 2.min(n.len().saturating_sub(1)).max(1))
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        Ok(best.map(|(_, n)| n))
    }

    /// Checks that `name` may be given to a new wallet: valid, not taken,
    /// and not differing only in case from an existing wallet (other than
    /// `except`, a wallet being renamed).
    pub fn check_new_name(&self, name: &str, except: Option<&str>) -> Result<()> {
        // `except`'s own file does not count (on a case-insensitive file
        // system it is also found under a name differing only in case).
        let except_file = match except {
            Some(e) => fs::metadata(self.path_of(e)?).ok(),
            None => None,
        };
        let path = self.path_of(name)?;
        if path.exists() && except_file.as_ref().is_none_or(|m| !same_file(m, &path)) {
            return Err(Error::WalletExists(name.to_owned()));
        }
        let twin = self
            .names()?
            .into_iter()
            .find(|n| n != name && n.eq_ignore_ascii_case(name) && except != Some(n.as_str()));
        match twin {
            Some(existing) => Err(KeystoreError::CaseCollision {
                name: name.to_owned(),
                existing,
            }
            .into()),
            None => Ok(()),
        }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file path of wallet `name` (the name is validated).
    pub fn path_of(&self, name: &str) -> Result<PathBuf> {
        validate_name(name)?;
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// Every wallet file, sorted by name; unreadable files are listed with their error.
    pub fn list(&self) -> Result<Vec<ListEntry>> {
        let rd = fs::read_dir(&self.dir).map_err(|e| Error::io("cannot list", &self.dir, e))?;
        let mut out = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| Error::io("cannot list", &self.dir, e))?;
            let file_name = entry.file_name();
            let Some(fname) = file_name.to_str() else {
                continue;
            };
            let Some(stem) = fname.strip_suffix(".json") else {
                continue;
            };
            if validate_name(stem).is_err() {
                continue;
            }
            out.push(ListEntry {
                name: stem.to_owned(),
                file: self.load_any(stem),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Reads and parses wallet `name` (no password needed, nothing decrypted).
    /// A watch-only wallet is an `unsupported` error here (it has no keys;
    /// see [`Keystore::load_any`]).
    pub fn load(&self, name: &str) -> Result<WalletFile> {
        let bytes = self.read_wallet(name)?;
        if is_watch_file(&bytes) {
            return Err(watch_only_error(name));
        }
        let file = WalletFile::parse(&bytes)?;
        self.check_inner_name(name, file.name())?;
        Ok(file)
    }

    /// Loads and decrypts wallet `name`.
    pub fn unlock(
        &self,
        name: &str,
        password: &[u8],
        allow_weak: bool,
    ) -> Result<(WalletFile, WalletSecret)> {
        let file = self.load(name)?;
        let secret = file.unlock(password, allow_weak)?;
        Ok((file, secret))
    }

    /// Creates wallet `name`; fails if it exists. The file appears complete or not at all.
    pub fn create(
        &self,
        name: &str,
        secret: &WalletSecret,
        password: &[u8],
        kdf: KdfParams,
    ) -> Result<WalletFile> {
        let path = self.path_of(name)?;
        check_password(password)?;
        let _lock = self.lock()?;
        self.check_new_name(name, None)?;
        let (file, key) = WalletFile::seal(name, &now_rfc3339(), secret, password, kdf)?;
        let bytes = file.to_bytes()?;
        self.write_atomic(&path, &bytes, Placement::New, |b| {
            WalletFile::parse(b)?.unlock_with_key(&key).map(|_| ())
        })
        .map_err(|e| match e {
            Error::FileExists(_) => Error::WalletExists(name.to_owned()),
            other => other,
        })?;
        Ok(file)
    }

    /// Re-encrypts wallet `name` under `new_password`. The old file stays
    /// valid until the new one has replaced it in one rename.
    pub fn change_password(
        &self,
        name: &str,
        old_password: &[u8],
        new_password: &[u8],
        kdf: KdfParams,
        allow_weak: bool,
    ) -> Result<WalletFile> {
        let path = self.path_of(name)?;
        check_password(new_password)?;
        let _lock = self.lock()?;
        let old = self.load(name)?;
        let secret = old.unlock(old_password, allow_weak)?;
        let (file, key) = WalletFile::seal(name, old.created(), &secret, new_password, kdf)?;
        let bytes = file.to_bytes()?;
        self.write_atomic(&path, &bytes, Placement::Replace, |b| {
            WalletFile::parse(b)?.unlock_with_key(&key).map(|_| ())
        })?;
        Ok(file)
    }

    /// Renames wallet `old` to `new`: the file is re-sealed under the new
    /// name (the name is part of what the file authenticates, so this needs
    /// the password) with the same secret, KDF parameters and creation
    /// time, linked in place (never overwriting), and only then is the old
    /// file removed; the usage record moves with it. A crash in between
    /// leaves both names, never neither. `new` must be free, and not differ
    /// only in case from another wallet (`main` → `Main` is allowed).
    pub fn rename(
        &self,
        old: &str,
        new: &str,
        password: &[u8],
        allow_weak: bool,
    ) -> Result<WalletFile> {
        let old_path = self.path_of(old)?;
        let new_path = self.path_of(new)?;
        if old == new {
            return Err(KeystoreError::SameName(new.to_owned()).into());
        }
        let _lock = self.lock()?;
        let current = self.load(old)?;
        let case_only = old.eq_ignore_ascii_case(new);
        self.check_new_name(new, Some(old))?;
        let new_usage = self.usage_path(new)?;
        if new_usage.exists() && !case_only {
            return Err(Error::FileExists(new_usage.display().to_string()));
        }
        let secret = current.unlock(password, allow_weak)?;
        let (file, key) =
            WalletFile::seal(new, current.created(), &secret, password, current.kdf())?;
        let bytes = file.to_bytes()?;
        let placement = if case_only {
            Placement::Replace
        } else {
            Placement::New
        };
        self.write_atomic(&new_path, &bytes, placement, |b| {
            WalletFile::parse(b)?.unlock_with_key(&key).map(|_| ())
        })
        .map_err(|e| match e {
            Error::FileExists(_) => Error::WalletExists(new.to_owned()),
            other => other,
        })?;
        let old_usage = self.usage_path(old)?;
        if old_usage.exists() {
            fs::rename(&old_usage, &new_usage)
                .map_err(|e| Error::io("cannot move", &old_usage, e))?;
        }
        // On a case-insensitive file system both names are the one file,
        // now holding the new name.
        if !case_only || fs::metadata(&old_path).is_ok_and(|m| !same_file(&m, &new_path)) {
            match fs::remove_file(&old_path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("cannot remove", &old_path, e)),
            }
        }
        self.sync_dir()?;
        Ok(file)
    }

    /// Removes wallet `name`.
    pub fn delete(&self, name: &str) -> Result<()> {
        let path = self.path_of(name)?;
        let _lock = self.lock()?;
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::WalletNotFound(name.to_owned()))
            }
            Err(e) => return Err(Error::io("cannot delete", &path, e)),
        }
        let usage = self.usage_path(name)?;
        match fs::remove_file(&usage) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("cannot delete", &usage, e)),
        }
        self.sync_dir()
    }

    /// The path of wallet `name`'s usage record (`NAME.usage`, beside
    /// `NAME.json`; never taken for a wallet, whose files end in `.json`).
    fn usage_path(&self, name: &str) -> Result<PathBuf> {
        validate_name(name)?;
        Ok(self.dir.join(format!("{name}.usage")))
    }

    fn read_usage(&self, name: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
        let path = self.usage_path(name)?;
        let bytes = match read_limited(&path) {
            Ok(b) => b,
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Ok(serde_json::Map::new())
            }
            Err(e) => return Err(e),
        };
        let bad = || {
            Error::Tampered(format!(
                "'{}' is not a usage record (a JSON object with \"version\": 1 and \"next_change\"); move it away to start counting again",
                path.display()
            ))
        };
        let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if v.get("version").and_then(serde_json::Value::as_u64) != Some(1) {
            return Err(bad());
        }
        match v.get("next_change") {
            Some(serde_json::Value::Object(m))
                if m.values()
                    .all(|x| x.as_u64().is_some_and(|n| n <= u64::from(u32::MAX))) =>
            {
                Ok(m.clone())
            }
            _ => Err(bad()),
        }
    }

    /// The first change index of `account` (any caller-chosen key, e.g.
    /// `ltc/regtest/m/84'/1'/0'`) that wallet `name` has not handed out yet
    /// (0 when none was recorded). Change addresses whose coins were spent
    /// leave no trace on a node without an address index: this record is
    /// what keeps them from being used twice.
    pub fn next_change_index(&self, name: &str, account: &str) -> Result<u32> {
        let m = self.read_usage(name)?;
        Ok(m.get(account)
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0))
    }

    /// Claims change index `next - 1` of `account` for wallet `name`:
    /// records that the indexes below `next` are handed out. Atomic, under
    /// the keystore lock, mode 0600. If the record already reaches `next`,
    /// another payment took that index after this one read the record (two
    /// sends at once): [`Error::ChangeTaken`], and the caller must not send.
    pub fn record_change_index(&self, name: &str, account: &str, next: u32) -> Result<()> {
        let path = self.usage_path(name)?;
        let _lock = self.lock()?;
        if !self.path_of(name)?.exists() {
            return Err(Error::WalletNotFound(name.to_owned()));
        }
        let mut m = self.read_usage(name)?;
        let current = m
            .get(account)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if u64::from(next) <= current {
            return Err(Error::ChangeTaken {
                account: account.to_owned(),
                index: next.saturating_sub(1),
            });
        }
        m.insert(account.to_owned(), serde_json::Value::from(next));
        let doc = serde_json::json!({"version": 1, "next_change": m});
        let mut bytes = serde_json::to_vec_pretty(&doc)
            .map_err(|e| Error::Internal(format!("usage record: {e}")))?;
        bytes.push(b'\n');
        self.write_atomic(&path, &bytes, Placement::Replace, |b| {
            if b == bytes.as_slice() {
                Ok(())
            } else {
                Err(Error::Internal("read-back mismatch".into()))
            }
        })
    }

    /// Writes a file that is not a wallet (an exported key) next to nothing
    /// in particular: mode 0600, never overwriting, atomically.
    pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = Keystore {
            dir,
            dir_mode: None,
        };
        tmp.write_atomic(path, bytes, Placement::New, |b| {
            if b == bytes {
                Ok(())
            } else {
                Err(Error::Internal("read-back mismatch".into()))
            }
        })
    }

    fn lock(&self) -> Result<FileLock> {
        let path = self.dir.join(".lock");
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Error::io("cannot open the lock file", &path, e))?;
        let start = Instant::now();
        loop {
            match f.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if start.elapsed() > LOCK_TIMEOUT {
                        return Err(Error::Locked(self.dir.display().to_string()));
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(Error::io("cannot lock", &path, e))
                }
            }
        }
        self.remove_stale_temporaries();
        Ok(FileLock(f))
    }

    /// Under the lock no temporary file can be in use: any left is from a
    /// process that died mid-write.
    fn remove_stale_temporaries(&self) {
        if let Ok(rd) = fs::read_dir(&self.dir) {
            for e in rd.flatten() {
                let n = e.file_name();
                if n.to_str()
                    .is_some_and(|s| s.starts_with('.') && s.contains(".tmp-"))
                {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }

    fn write_atomic(
        &self,
        target: &Path,
        bytes: &[u8],
        placement: Placement,
        verify: impl Fn(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let mut rnd = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut rnd);
        let base = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file");
        let tmp = self.dir.join(format!(
            ".{base}.tmp-{}-{}",
            std::process::id(),
            hex::encode(rnd)
        ));
        let result = (|| {
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(|e| Error::io("cannot create", &tmp, e))?;
            f.write_all(bytes)
                .map_err(|e| Error::io("cannot write", &tmp, e))?;
            f.sync_all()
                .map_err(|e| Error::io("cannot sync", &tmp, e))?;
            drop(f);
            let back = read_limited(&tmp)?;
            if back != bytes {
                return Err(Error::Internal(format!(
                    "'{}' read back differently than written",
                    tmp.display()
                )));
            }
            verify(&back)?;
            pause_before_commit();
            match placement {
                Placement::New => match fs::hard_link(&tmp, target) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Err(Error::FileExists(target.display().to_string()))
                    }
                    Err(e) => Err(Error::io("cannot create", target, e)),
                },
                Placement::Replace => {
                    fs::rename(&tmp, target).map_err(|e| Error::io("cannot replace", target, e))
                }
            }
        })();
        let _ = fs::remove_file(&tmp);
        result?;
        self.sync_dir()
    }

    fn sync_dir(&self) -> Result<()> {
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("cannot sync the directory", &self.dir, e))
    }
}

/// Test hook, in debug builds only: `WALLET_TEST_PAUSE_BEFORE_COMMIT_MS`
/// holds a write with its new file complete but not yet in place, so that
/// the crash tests can kill the process at exactly that moment.
fn pause_before_commit() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("WALLET_TEST_PAUSE_BEFORE_COMMIT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_millis(ms.min(60_000)));
    }
}

#[derive(Clone, Copy)]
enum Placement {
    New,
    Replace,
}

/// Holds the advisory lock until dropped.
struct FileLock(File);

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Whether `meta` describes the file at `other` (same device and inode).
fn same_file(meta: &fs::Metadata, other: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(other).is_ok_and(|o| o.dev() == meta.dev() && o.ino() == meta.ino())
}

fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let f = modes::open_regular(path)?;
    let mut buf = Vec::new();
    f.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("cannot read", path, e))?;
    if buf.len() as u64 > MAX_FILE_SIZE {
        return Err(Error::Tampered(format!(
            "'{}' is larger than 1 MiB; it is not a wallet file",
            path.display()
        )));
    }
    Ok(buf)
}

/// Wallet names: 1–64 characters from `A-Z a-z 0-9 . _ -`, not starting
/// with `.` or `-` (no hidden files, no options, no path separators).
pub fn validate_name(name: &str) -> Result<()> {
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if name.is_empty() || name.len() > 64 || !ok_chars || name.starts_with(['.', '-']) {
        return Err(Error::input(format!(
            "invalid wallet name '{}': use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' or '-'",
            name.escape_debug()
        )));
    }
    Ok(())
}

fn check_password(password: &[u8]) -> Result<()> {
    if password.is_empty() {
        return Err(Error::input("the password must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for good in ["alice", "a", "Main-1", "x.y_z", &"a".repeat(64)] {
            assert!(validate_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            ".hidden",
            "-x",
            "a/b",
            "../a",
            "a b",
            "é",
            &"a".repeat(65),
            "a\0",
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    const FAST: KdfParams = KdfParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn abandon() -> WalletSecret {
        WalletSecret::from_mnemonic(
            crate::mnemonic::Mnemonic::parse(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
            )
            .unwrap(),
            crate::secret::SecretString::from(""),
        )
        .unwrap()
    }

    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn chmod(p: &Path, m: u32) {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();
    }

    #[test]
    fn issue21_28_rename_reseals_moves_and_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap();
        let ks = Keystore::open(tmp.path().join("ks")).unwrap();
        ks.create("main", &abandon(), b"pw", FAST).unwrap();
        ks.create("other", &abandon(), b"pw", FAST).unwrap();
        ks.record_change_index("main", "acct", 3).unwrap();
        chmod(&ks.path_of("main").unwrap(), 0o666);
        let f = ks.rename("main", "savings", b"pw", true).unwrap();
        assert_eq!(f.name(), "savings");
        assert!(!ks.path_of("main").unwrap().exists());
        assert_eq!(ks.names().unwrap(), ["other", "savings"]);
        // Same secret, the change record came along, the file is private.
        let (_, secret) = ks.unlock("savings", b"pw", true).unwrap();
        assert_eq!(
            secret.master().unwrap().fingerprint(),
            abandon().master().unwrap().fingerprint()
        );
        assert_eq!(ks.next_change_index("savings", "acct").unwrap(), 3);
        assert_eq!(mode(&ks.path_of("savings").unwrap()), 0o600);
        // Never over another wallet, never by a case twin, never with a
        // wrong password, never to itself.
        let e = ks.rename("savings", "other", b"pw", true).unwrap_err();
        assert!(matches!(e, Error::WalletExists(_)), "{e:?}");
        let e = ks.rename("savings", "OTHER", b"pw", true).unwrap_err();
        assert!(e.to_string().contains("differs only in case"), "{e}");
        let e = ks.rename("savings", "x", b"nope", true).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::WrongPassword);
        assert!(ks.path_of("savings").unwrap().exists());
        let e = ks.rename("savings", "savings", b"pw", true).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        let e = ks.rename("nothing", "y", b"pw", true).unwrap_err();
        assert!(matches!(e, Error::WalletNotFound(_)), "{e:?}");
        // A change of case only is a rename of the same wallet.
        ks.rename("savings", "Savings", b"pw", true).unwrap();
        assert_eq!(ks.names().unwrap(), ["Savings", "other"]);
    }

    #[test]
    fn issue21_27_case_twins_are_refused_and_typos_suggested() {
        let tmp = tempfile::tempdir().unwrap();
        let ks = Keystore::open(tmp.path().join("ks")).unwrap();
        ks.create("main", &abandon(), b"pw", FAST).unwrap();
        let e = ks.create("Main", &abandon(), b"pw", FAST).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("'main'"), "{e}");
        assert!(ks.check_new_name("MAIN", None).is_err());
        assert!(matches!(
            ks.check_new_name("main", None),
            Err(Error::WalletExists(_))
        ));
        ks.check_new_name("mainnet", None).unwrap();
        assert_eq!(ks.closest_name("mian").unwrap().as_deref(), Some("main"));
        assert_eq!(ks.closest_name("MAIN").unwrap().as_deref(), Some("main"));
        assert_eq!(ks.closest_name("savings").unwrap(), None);
        assert_eq!(ks.closest_name("m").unwrap(), None);
    }

    #[test]
    fn issue22_8_modes_are_checked_and_rewrites_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ks");
        let ks = Keystore::open(&dir).unwrap();
        ks.create("w", &abandon(), b"pw", FAST).unwrap();
        let file = ks.path_of("w").unwrap();
        chmod(&file, 0o666);
        let loose = ks.loose_modes("w").unwrap();
        assert_eq!(loose.len(), 1);
        assert!(loose[0].writable_by_others(), "{}", loose[0]);
        assert!(loose[0].to_string().contains("chmod 600"), "{}", loose[0]);
        assert_eq!(ks.all_loose_modes().unwrap(), loose);
        ks.change_password("w", b"pw", b"pw2", FAST, true).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert!(ks.loose_modes("w").unwrap().is_empty());
        ks.record_change_index("w", "a", 1).unwrap();
        assert_eq!(mode(&ks.usage_path("w").unwrap()), 0o600);
        // A group-readable directory is reported (read-only) or tightened.
        chmod(&dir, 0o750);
        let ro = Keystore::open_existing(&dir).unwrap();
        assert!(!ro.dir_mode().unwrap().fixed);
        assert_eq!(mode(&dir), 0o750);
        let rw = Keystore::open(&dir).unwrap();
        assert!(rw.dir_mode().unwrap().fixed);
        assert_eq!(mode(&dir), 0o700);
        // A directory every user may write to is refused both ways.
        chmod(&dir, 0o777);
        for e in [
            Keystore::open_existing(&dir).unwrap_err(),
            Keystore::open(&dir).unwrap_err(),
        ] {
            assert!(e.to_string().contains("writable by every user"), "{e}");
        }
        assert_eq!(mode(&dir), 0o777, "nothing was changed");
        chmod(&dir, 0o700);
    }

    #[test]
    fn issue22_9_a_fifo_in_the_keystore_is_listed_not_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let ks = Keystore::open(tmp.path().join("ks")).unwrap();
        ks.create("w", &abandon(), b"pw", FAST).unwrap();
        let fifo = ks.dir().join("trap.json");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        fs::create_dir(ks.dir().join("adir.json")).unwrap();
        // Returns (a blocking open would hang here for ever).
        let list = ks.list().unwrap();
        let names: Vec<&str> = list.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["adir", "trap", "w"]);
        for e in &list[..2] {
            let err = e.file.as_ref().unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Tampered, "{err}");
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
        assert!(list[2].file.is_ok());
        assert_eq!(ks.names().unwrap(), ["w"]);
        assert_eq!(
            ks.load("trap").unwrap_err().kind(),
            crate::ErrorKind::Tampered
        );
    }

    #[test]
    fn a_change_index_is_claimed_once() {
        let mut rnd = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut rnd);
        let dir = std::env::temp_dir().join(format!("wallet-usage-test-{}", hex::encode(rnd)));
        let _ = fs::remove_dir_all(&dir);
        let ks = Keystore::open(&dir).unwrap();
        let secret = WalletSecret::from_mnemonic(
            crate::mnemonic::Mnemonic::parse(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
            )
            .unwrap(),
            crate::secret::SecretString::from(""),
        )
        .unwrap();
        let kdf = KdfParams {
            m_cost_kib: 64,
            t_cost: 1,
            p_cost: 1,
        };
        ks.create("w", &secret, b"pw", kdf).unwrap();
        let acct = "ltc/regtest/m/84'/1'/0'";
        assert_eq!(ks.next_change_index("w", acct).unwrap(), 0);
        ks.record_change_index("w", acct, 1).unwrap();
        assert_eq!(ks.next_change_index("w", acct).unwrap(), 1);
        // A second payment that read the record before the first claimed
        // index 0 must not use it too.
        let e = ks.record_change_index("w", acct, 1).unwrap_err();
        assert!(matches!(e, Error::ChangeTaken { index: 0, .. }), "{e:?}");
        assert_eq!(e.kind(), crate::ErrorKind::Locked);
        ks.record_change_index("w", acct, 2).unwrap();
        assert_eq!(ks.next_change_index("w", acct).unwrap(), 2);
        // Other accounts are counted apart.
        ks.record_change_index("w", "other", 1).unwrap();
        let _ = fs::remove_dir_all(&dir);
    }
}
