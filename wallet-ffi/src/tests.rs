//! Unit tests of the boundary: NULL and bad UTF-8, the status table, the
//! per-thread last error, teardown, generate/validate/free.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::memory::*;
use crate::mnemonic::*;
use crate::status::WalletStatus;
use std::ffi::{c_char, CStr};
use wallet_core::ErrorKind;

#[test]
fn null_and_bad_utf8_are_statuses() {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: valid out pointer; NULL phrase on purpose.
    let st = unsafe { wallet_mnemonic_validate(std::ptr::null(), std::ptr::null(), &mut out) };
    assert_eq!(st, WalletStatus::NullPointer);
    let bad = [0xffu8, 0xfe, 0];
    // SAFETY: NUL-terminated invalid UTF-8 on purpose.
    let st = unsafe { wallet_mnemonic_validate(bad.as_ptr().cast(), std::ptr::null(), &mut out) };
    assert_eq!(st, WalletStatus::InvalidUtf8);
    assert!(out.is_null());
    // SAFETY: the library's own pointer.
    let msg = unsafe { CStr::from_ptr(wallet_last_error_message()) };
    assert!(msg.to_str().unwrap().contains("UTF-8"));
}

/// The calling thread's last error message, as a Rust string.
fn last_error() -> String {
    // SAFETY: the library's own NUL-terminated pointer, read at once.
    unsafe { CStr::from_ptr(wallet_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn validate(phrase: &CStr) -> WalletStatus {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: valid arguments.
    let st = unsafe { wallet_mnemonic_validate(phrase.as_ptr(), std::ptr::null(), &mut out) };
    // SAFETY: NULL or the library's own string.
    unsafe { wallet_string_free(out) };
    st
}

#[test]
fn every_error_kind_maps_to_the_status_of_its_name() {
    assert!(ErrorKind::ALL.len() >= 27, "ErrorKind::ALL looks truncated");
    for &kind in ErrorKind::ALL {
        let st = WalletStatus::from_kind(kind);
        assert_eq!(st.name().to_str().unwrap(), kind.as_str(), "{kind:?}");
        // SAFETY: a static string of the library.
        let name = unsafe { CStr::from_ptr(wallet_status_name(st as i32)) };
        assert_eq!(name.to_str().unwrap(), kind.as_str(), "{kind:?}");
        assert_eq!(
            st == WalletStatus::Internal,
            kind == ErrorKind::Internal,
            "{kind:?} maps to {st:?}"
        );
    }
    // Every status but the FFI's own comes from exactly one kind, and
    // values and names are unique.
    for st in WalletStatus::ALL {
        let from = ErrorKind::ALL
            .iter()
            .filter(|k| WalletStatus::from_kind(**k) == st)
            .count();
        let own = matches!(
            st,
            WalletStatus::Ok | WalletStatus::NullPointer | WalletStatus::InvalidUtf8
        );
        assert_eq!(from, usize::from(!own), "{st:?}");
        let same = WalletStatus::ALL
            .iter()
            .filter(|o| **o as i32 == st as i32 || o.name() == st.name())
            .count();
        assert_eq!(same, 1, "{st:?}");
    }
    // SAFETY: a static string of the library.
    let unknown = unsafe { CStr::from_ptr(wallet_status_name(-1)) };
    assert_eq!(unknown, c"unknown");
}

#[test]
fn messages_quote_the_mistyped_word_and_are_replaced() {
    let typo = c"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn";
    assert_eq!(validate(typo), WalletStatus::InvalidMnemonic);
    assert!(last_error().contains("'abandn'"), "{}", last_error());
    let ok = c"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    assert_eq!(validate(ok), WalletStatus::Ok);
    assert_eq!(last_error(), "");
}

#[test]
fn last_error_is_per_thread() {
    let bad_utf8 = [0xffu8, 0xfe, 0];
    let bad_utf8 = CStr::from_bytes_with_nul(&bad_utf8).unwrap();
    let barrier = std::sync::Barrier::new(2);
    assert_eq!(validate(c"abandon"), WalletStatus::InvalidMnemonic);
    let mine = last_error();
    let ptr = wallet_last_error_message();
    std::thread::scope(|s| {
        s.spawn(|| {
            assert_eq!(last_error(), "", "a fresh thread has no message");
            // SAFETY: valid out pointer; NULL phrase on purpose.
            let st = unsafe {
                wallet_mnemonic_validate(bad_utf8.as_ptr(), std::ptr::null(), &mut std::ptr::null_mut())
            };
            assert_eq!(st, WalletStatus::InvalidUtf8);
            barrier.wait(); // the main thread looks at its own message
            barrier.wait();
            assert!(last_error().contains("UTF-8"), "{}", last_error());
            // A success on this thread clears only this thread's message.
            assert_eq!(validate(c"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"), WalletStatus::Ok);
            assert_eq!(last_error(), "");
        });
        barrier.wait();
        assert_eq!(wallet_last_error_message(), ptr);
        assert_eq!(last_error(), mine);
        barrier.wait();
    });
    assert_eq!(wallet_last_error_message(), ptr);
    assert_eq!(last_error(), mine);
    assert!(mine.contains("12, 15, 18, 21 or 24"), "{mine}");
}

#[test]
fn calls_during_thread_local_teardown_neither_panic_nor_abort() {
    static SEEN: std::sync::Mutex<Option<(WalletStatus, String)>> = std::sync::Mutex::new(None);
    struct CallOnDrop;
    impl Drop for CallOnDrop {
        fn drop(&mut self) {
            let st = validate(c"abandon");
            let msg = last_error();
            // SAFETY: a static string of the library.
            let name = unsafe { CStr::from_ptr(wallet_status_name(st as i32)) };
            assert_eq!(name, c"invalid_mnemonic");
            if let Ok(mut seen) = SEEN.lock() {
                *seen = Some((st, msg));
            }
        }
    }
    thread_local! {
        static PROBE: CallOnDrop = const { CallOnDrop };
    }
    std::thread::spawn(|| {
        // Registered before LAST_ERROR, so (destructors running in
        // reverse order) it usually runs after LAST_ERROR is gone.
        PROBE.with(|_| {});
        assert_eq!(validate(c"abandon"), WalletStatus::InvalidMnemonic);
    })
    .join()
    .unwrap();
    let (st, msg) = SEEN.lock().unwrap().take().expect("the probe ran");
    assert_eq!(st, WalletStatus::InvalidMnemonic);
    // "" when the thread's message storage was already destroyed.
    assert!(msg.is_empty() || msg.contains("words"), "{msg}");
}

#[test]
fn generate_validate_free() {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: valid arguments.
    assert_eq!(
        unsafe { wallet_mnemonic_generate(24, c"japanese".as_ptr(), &mut out) },
        WalletStatus::Ok
    );
    let mut js: *mut c_char = std::ptr::null_mut();
    // SAFETY: `out` is the library's NUL-terminated string.
    assert_eq!(
        unsafe { wallet_mnemonic_validate(out, std::ptr::null(), &mut js) },
        WalletStatus::Ok
    );
    // SAFETY: the library's own strings.
    unsafe {
        assert!(CStr::from_ptr(js).to_str().unwrap().contains("japanese"));
        wallet_string_free(out);
        wallet_string_free(js);
    }
}
