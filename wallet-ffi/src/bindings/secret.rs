//! Secrets crossing the bindings. Into the library, a secret is a host
//! string typed [`Secret`], always an argument of its own (never inside a
//! record, enum, option or list, which UniFFI copies out of a buffer it
//! frees unwiped): UniFFI moves its bytes into the library without a copy,
//! and they are wiped when the call is done. Out of the library, a
//! secret is a [`SecretText`] object: its text stays in Rust memory (wiped
//! when the object is destroyed or wiped) until the host asks for it, as a
//! host string (`reveal`) or into a buffer the host owns and can wipe
//! (`reveal_into`).

use super::error::{BindingError, WalletResult};
use std::sync::{Arc, Mutex, MutexGuard};
use zeroize::Zeroizing;

/// A secret argument (password, mnemonic, key, passphrase): the UTF-8 bytes
/// the binding passes are owned by the library from the moment it receives
/// them and wiped when the call returns.
pub struct Secret(pub(crate) Zeroizing<String>);

impl Secret {
    /// The text.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The text in the core's secret container.
    pub(crate) fn into_core(self) -> wallet_core::secret::SecretString {
        wallet_core::secret::SecretString::from(self.0)
    }
}

impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

uniffi::custom_type!(
    /// A secret text argument (password, mnemonic, passphrase, key): a plain
    /// string to the host, wiped inside the library after the call. The
    /// host's own string cannot be wiped (strings are immutable in Kotlin,
    /// Swift and Python).
    Secret, String, {
        lower: |s| s.0.as_str().to_owned(),
        try_lift: |s| Ok(Secret(Zeroizing::new(s))),
    }
);

/// A secret the library returns (a new mnemonic, an exported key): its text
/// stays in Rust memory until it is revealed, and is wiped when this object
/// is destroyed (`close()`/`destroy()`, or garbage collection) or `wipe()`d.
/// Thread-safe.
#[derive(uniffi::Object)]
pub struct SecretText {
    text: Mutex<Option<Zeroizing<String>>>,
}

impl SecretText {
    /// A secret holding `text` (moved, not copied).
    pub(crate) fn new(text: Zeroizing<String>) -> Arc<Self> {
        Arc::new(Self {
            text: Mutex::new(Some(text)),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Option<Zeroizing<String>>> {
        // A panic while holding the lock cannot leave the text half-written.
        self.text.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export]
impl SecretText {
    /// The secret as a host string. The host cannot wipe that string, and
    /// the transfer buffer UniFFI uses for it is freed by the library
    /// without being wiped first: prefer `reveal_into` where that matters.
    pub fn reveal(&self) -> WalletResult<String> {
        match self.lock().as_ref() {
            Some(t) => Ok(t.as_str().to_owned()),
            None => Err(BindingError::Wiped.into()),
        }
    }

    /// The secret's length in UTF-8 bytes (0 once wiped).
    pub fn byte_len(&self) -> u64 {
        self.lock().as_ref().map_or(0, |t| t.len() as u64)
    }

    /// Writes the secret's UTF-8 bytes at the start of `buffer` (a direct
    /// `ByteBuffer` in Kotlin, `inout Data` in Swift, a `bytearray` in
    /// Python; at least `byte_len()` bytes) without any other copy, and
    /// returns how many bytes were written. The buffer is the caller's to
    /// wipe.
    pub fn reveal_into(&self, buffer: &mut [u8]) -> WalletResult<u64> {
        let guard = self.lock();
        let text = guard.as_ref().ok_or(BindingError::Wiped)?;
        let bytes = text.as_bytes();
        let given = buffer.len() as u64;
        let dest = buffer
            .get_mut(..bytes.len())
            .ok_or(BindingError::BufferTooSmall {
                needed: bytes.len() as u64,
                given,
            })?;
        dest.copy_from_slice(bytes);
        Ok(bytes.len() as u64)
    }

    /// Wipes the secret now; later reads fail with `InvalidInput`.
    pub fn wipe(&self) {
        self.lock().take();
    }

    /// Whether the secret was wiped.
    pub fn is_wiped(&self) -> bool {
        self.lock().is_none()
    }
}

impl core::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reveal_copy_and_wipe() {
        let s = SecretText::new(Zeroizing::new("word word".to_owned()));
        assert_eq!(s.byte_len(), 9);
        assert_eq!(s.reveal().unwrap(), "word word");
        let mut small = [0u8; 4];
        let e = s.reveal_into(&mut small).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(e.to_string().contains("needs 9"), "{e}");
        let mut buf = [0xffu8; 12];
        assert_eq!(s.reveal_into(&mut buf).unwrap(), 9);
        assert_eq!(&buf[..9], b"word word");
        assert_eq!(buf[9], 0xff);
        assert!(!s.is_wiped());
        s.wipe();
        assert!(s.is_wiped());
        assert_eq!(s.byte_len(), 0);
        assert!(s.reveal().unwrap_err().to_string().contains("wiped"));
        assert!(s.reveal_into(&mut buf).is_err());
        assert_eq!(format!("{s:?}"), "SecretText(<redacted>)");
    }
}
