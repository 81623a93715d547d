//! The C boundary, written once: [`guard`] (every entry point's body runs
//! under `catch_unwind`, error recording included), the thread's last error
//! message, and typed marshalling of arguments and out-pointers, each with
//! its one `unsafe` conversion.

use crate::status::WalletStatus;
use serde::Serialize;
use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use wallet_core::secret::SecretString;
use wallet_core::Error;
use zeroize::{Zeroize, Zeroizing};

/// An error on its way out: a status and a message. The message can quote
/// user input (a mistyped mnemonic word and its suggestions), so it is wiped
/// when dropped.
pub struct Failure {
    status: WalletStatus,
    message: String,
}

impl Drop for Failure {
    fn drop(&mut self) {
        self.message.zeroize();
    }
}

/// `Display` of `v` in one allocation of its final size (no reallocation
/// leaves an unwiped copy of a quoted word behind).
fn display_exact(v: &impl std::fmt::Display) -> String {
    use std::fmt::Write;
    struct Count(usize);
    impl Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut n = Count(0);
    let _ = write!(n, "{v}");
    let mut s = String::with_capacity(n.0);
    let _ = write!(s, "{v}");
    s
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            status: WalletStatus::from_kind(e.kind()),
            message: display_exact(&e),
        }
    }
}

/// A failure of `status` saying `message`.
pub fn failure(status: WalletStatus, message: impl Into<String>) -> Failure {
    Failure {
        status,
        message: message.into(),
    }
}

/// The result of an entry point's body.
pub type FfiResult<T> = Result<T, Failure>;

/// The calling thread's last error message (`None`: no error). Its bytes
/// are wiped when it is replaced and when the thread's storage is destroyed.
struct LastError(Option<CString>);

impl Drop for LastError {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.into_bytes_with_nul().zeroize();
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = const { RefCell::new(LastError(None)) };
}

/// Replaces the calling thread's last error message (the old one is wiped).
/// Never panics: during thread-local teardown, or re-entered, it does nothing.
fn set_last_error(msg: &str) {
    let new = if msg.is_empty() {
        None
    } else {
        // One allocation of the final size (room for the NUL), NULs mapped
        // to spaces, so CString::new neither fails nor reallocates.
        let mut bytes = Vec::with_capacity(msg.len() + 1);
        bytes.extend(msg.bytes().map(|b| if b == 0 { b' ' } else { b }));
        match CString::new(bytes) {
            Ok(c) => Some(c),
            Err(e) => {
                e.into_vec().zeroize();
                None
            }
        }
    };
    let new = LastError(new);
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut slot) = e.try_borrow_mut() {
            // The old message drops here, wiped.
            *slot = new;
        }
    });
}

/// The calling thread's last error message, as a pointer the library owns.
pub fn last_error_ptr() -> *const c_char {
    LAST_ERROR
        .try_with(|e| {
            e.try_borrow()
                .ok()
                .and_then(|slot| slot.0.as_ref().map(|c| c.as_ptr()))
        })
        .ok()
        .flatten()
        .unwrap_or(c"".as_ptr())
}

/// Drops a panic payload without letting a panicking `Drop` escape.
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
        std::mem::forget(again);
    }
}

/// Runs `f` behind `catch_unwind`, recording the message of any failure.
/// Everything, the recording included, runs inside `catch_unwind`: nothing
/// can unwind out of an entry point.
pub fn guard(f: impl FnOnce() -> FfiResult<()>) -> WalletStatus {
    let outer = catch_unwind(AssertUnwindSafe(|| {
        set_last_error("");
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(())) => WalletStatus::Ok,
            Ok(Err(e)) => {
                set_last_error(&e.message);
                e.status
            }
            Err(payload) => {
                let mut what = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                drop_payload(payload);
                let mut msg =
                    format!("internal error (a panic was caught at the C boundary): {what}");
                set_last_error(&msg);
                what.zeroize();
                msg.zeroize();
                WalletStatus::Internal
            }
        }
    }));
    outer.unwrap_or_else(|payload| {
        drop_payload(payload);
        WalletStatus::Internal
    })
}

/// A required string argument.
///
/// # Safety
/// `p` must be NULL or a NUL-terminated string valid for this call.
pub unsafe fn arg<'a>(p: *const c_char, name: &str) -> FfiResult<&'a str> {
    if p.is_null() {
        return Err(failure(
            WalletStatus::NullPointer,
            format!("{name} is NULL"),
        ));
    }
    // SAFETY: non-null and NUL-terminated per the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|_| {
        failure(
            WalletStatus::InvalidUtf8,
            format!("{name} is not valid UTF-8"),
        )
    })
}

/// An optional string argument (NULL = absent).
///
/// # Safety
/// As [`arg`].
pub unsafe fn opt_arg<'a>(p: *const c_char, name: &str) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { arg(p, name) }.map(Some)
    }
}

/// A secret string argument, copied into a zeroizing buffer.
///
/// # Safety
/// As [`arg`].
pub unsafe fn secret_arg(p: *const c_char, name: &str) -> FfiResult<SecretString> {
    // SAFETY: forwarded contract.
    let s = unsafe { arg(p, name) }?;
    Ok(SecretString::from(s))
}

/// An optional secret string argument (NULL = absent).
///
/// # Safety
/// As [`arg`].
pub unsafe fn opt_secret_arg(p: *const c_char, name: &str) -> FfiResult<Option<SecretString>> {
    // SAFETY: forwarded contract.
    Ok(unsafe { opt_arg(p, name) }?.map(SecretString::from))
}

/// `len` bytes at `p` (which may be NULL when `len` is 0).
///
/// # Safety
/// `p` must be valid for reads of `len` bytes for this call.
pub unsafe fn bytes_arg<'a>(p: *const u8, len: usize, name: &str) -> FfiResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(failure(
            WalletStatus::NullPointer,
            format!("{name} is NULL"),
        ));
    }
    // SAFETY: non-null and valid for `len` bytes per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Borrows a handle.
///
/// # Safety
/// `p` must be NULL or a live handle from this library.
pub unsafe fn handle<'a, T>(p: *const T, name: &str) -> FfiResult<&'a T> {
    // SAFETY: per the caller's contract, non-null pointers are live handles.
    unsafe { p.as_ref() }
        .ok_or_else(|| failure(WalletStatus::NullPointer, format!("{name} is NULL")))
}

/// A checked out-pointer: written only on success.
pub struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Checks `p` is not NULL.
    ///
    /// # Safety
    /// `p` must be NULL or valid for one write of a `T`.
    pub unsafe fn new(p: *mut T, name: &str) -> FfiResult<Self> {
        if p.is_null() {
            return Err(failure(
                WalletStatus::NullPointer,
                format!("{name} is NULL"),
            ));
        }
        Ok(Self(p))
    }

    fn write(self, v: T) {
        // SAFETY: checked non-null at construction, valid per its contract.
        unsafe { *self.0 = v };
    }
}

impl<T> Out<*mut T> {
    /// Hands `v` to the caller as a new handle.
    pub fn put_handle(self, v: T) -> FfiResult<()> {
        self.write(Box::into_raw(Box::new(v)));
        Ok(())
    }
}

impl Out<*mut c_char> {
    /// Writes `bytes` as a new C string: copied once into an allocation of
    /// exactly the final size (so no reallocation leaves an unwiped copy of
    /// a secret behind), the source wiped.
    pub fn put_bytes(self, bytes: Zeroizing<Vec<u8>>) -> FfiResult<()> {
        if bytes.contains(&0) {
            return Err(failure(
                WalletStatus::Internal,
                "a result contained a NUL byte",
            ));
        }
        let mut exact = Vec::with_capacity(bytes.len() + 1);
        exact.extend_from_slice(&bytes);
        drop(bytes);
        // Cannot fail (checked above); the capacity leaves room for the NUL.
        let c = CString::new(exact).map_err(|e| {
            let mut v = e.into_vec();
            v.zeroize();
            failure(WalletStatus::Internal, "a result contained a NUL byte")
        })?;
        self.write(c.into_raw());
        Ok(())
    }

    /// Writes `s` as a new C string, wiping `s`.
    pub fn put_str(self, s: String) -> FfiResult<()> {
        self.put_bytes(Zeroizing::new(s.into_bytes()))
    }

    /// Writes `v` as JSON, serialized into a buffer sized in advance (no
    /// reallocation copies), which is wiped.
    pub fn put_json<V: Serialize>(self, v: &V) -> FfiResult<()> {
        let mut count = ByteCount(0);
        serde_json::to_writer(&mut count, v)
            .map_err(|e| failure(WalletStatus::Internal, format!("result JSON: {e}")))?;
        let mut buf = Zeroizing::new(Vec::with_capacity(count.0));
        serde_json::to_writer(&mut *buf, v)
            .map_err(|e| failure(WalletStatus::Internal, format!("result JSON: {e}")))?;
        self.put_bytes(buf)
    }
}

/// Counts the bytes written to it.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Frees a handle made by [`Out::put_handle`] (NULL is ignored), without
/// letting a panic escape.
///
/// # Safety
/// `p` must be NULL or a handle of this type from this library, not yet
/// freed, with no call using it still running.
pub unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: `p` came from Box::into_raw in `put_handle`.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(p) })));
    }
}

wallet_core::from_leaf_errors!(Failure);
