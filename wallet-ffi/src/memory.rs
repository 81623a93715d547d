//! The library's version, error messages, status names and freeing strings.

use crate::boundary::{guard, last_error_ptr, Out};
use crate::status::WalletStatus;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use zeroize::Zeroize;

/// The library version, e.g. "0.1.0". Free `*out` with `wallet_string_free`.
///
/// # Safety
/// `out` must be NULL (an error) or writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_version(out: *mut *mut c_char) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let out = unsafe { Out::new(out, "out") }?;
        out.put_str(env!("CARGO_PKG_VERSION").to_owned())
    })
}

/// The message of the calling thread's last failed call ("" if none). The
/// pointer is owned by the library and valid until this thread's next
/// `wallet_` call; do not free it.
#[no_mangle]
pub extern "C" fn wallet_last_error_message() -> *const c_char {
    catch_unwind(last_error_ptr).unwrap_or(c"".as_ptr())
}

/// The stable name of a status ("ok", "wrong_password", …), or "unknown" for
/// a value that is not a `WalletStatus`. Static: do not free.
#[no_mangle]
pub extern "C" fn wallet_status_name(status: i32) -> *const c_char {
    catch_unwind(|| {
        WalletStatus::ALL
            .iter()
            .find(|s| **s as i32 == status)
            .map_or(c"unknown", |s| s.name())
    })
    .unwrap_or(c"unknown")
    .as_ptr()
}

/// Frees (after wiping) a string returned by the library. NULL is ignored.
///
/// # Safety
/// `s` must be NULL or a pointer returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn wallet_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `s` came from CString::into_raw in this library.
        let c = unsafe { CString::from_raw(s) };
        let mut bytes = c.into_bytes();
        bytes.zeroize();
    }));
}

/// Test hook (debug builds only): panics inside the boundary to prove it
/// becomes `WALLET_STATUS_INTERNAL` instead of an abort.
#[cfg(debug_assertions)]
#[no_mangle]
pub extern "C" fn wallet_test_panic() -> WalletStatus {
    guard(|| panic!("injected test panic"))
}
