//! What the in-crate C ABI tests share: fast KDF options, the dev mnemonic,
//! taking a library string, and an unlocked wallet of the dev mnemonic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::keystore::*;
use crate::memory::*;
use crate::status::WalletStatus;
use std::ffi::{c_char, CStr, CString};

/// Import options with a fast (weak, allowed) argon2id.
pub(crate) const FAST: &CStr =
    c"{\"kdf_memory_kib\":256,\"kdf_iterations\":1,\"kdf_parallelism\":1,\"allow_weak_kdf\":true}";
/// Anvil's dev mnemonic.
pub(crate) const PHRASE: &CStr = c"test test test test test test test test test test test junk";

/// Takes ownership of a library string; `None` for a null pointer.
pub(crate) fn take_string(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the library's own NUL-terminated string, freed once here.
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: as above.
    unsafe { wallet_string_free(p) };
    Some(s)
}

/// An unlocked wallet of the dev mnemonic (named `m`, password `pw`) in a
/// fresh keystore at `dir`.
pub(crate) fn dev_wallet(dir: &std::path::Path) -> *mut WalletHandle {
    let d = CString::new(dir.to_str().unwrap()).unwrap();
    let (mut ks, mut out, mut w) = (
        std::ptr::null_mut(),
        std::ptr::null_mut(),
        std::ptr::null_mut(),
    );
    // SAFETY: valid NUL-terminated arguments and out pointers.
    unsafe {
        assert_eq!(wallet_keystore_open(d.as_ptr(), &mut ks), WalletStatus::Ok);
        let st = wallet_keystore_import(
            ks,
            c"m".as_ptr(),
            c"mnemonic".as_ptr(),
            PHRASE.as_ptr(),
            c"pw".as_ptr(),
            FAST.as_ptr(),
            &mut out,
        );
        assert_eq!(st, WalletStatus::Ok);
        take_string(out);
        let st = wallet_keystore_unlock(ks, c"m".as_ptr(), c"pw".as_ptr(), 1, &mut w);
        assert_eq!(st, WalletStatus::Ok);
        wallet_keystore_free(ks);
    }
    w
}
