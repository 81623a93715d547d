//! Issues 21.7 and 22.4 at the C boundary: the error string of a failed
//! import or mnemonic validation never holds key material (a lower-cased
//! WIF or xprv, a hex key pasted as a phrase, a phrase joined by commas).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unsafe_code)]

use std::ffi::{c_char, CStr, CString};

const WIF: &str = "L1aW4aubDFB7yfras2S1mN3bqg9nwySY8nkoLmJebSLD5BWv3ENZ";
const XPRV: &str = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
const HEX: &str = "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d";

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_error() -> String {
    // SAFETY: the library's own NUL-terminated string, read at once.
    unsafe { CStr::from_ptr(wallet::wallet_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// No run of 4 characters of `secret` and no quoted character of it.
fn assert_hidden(msg: &str, secret: &str) {
    assert!(!msg.is_empty());
    let chars: Vec<char> = secret.chars().collect();
    for w in chars.windows(4) {
        let run: String = w.iter().collect();
        if run.chars().all(char::is_alphabetic) && "abandon about".contains(&run) {
            continue;
        }
        assert!(!msg.contains(&run), "{msg:?} shows '{run}'");
    }
    for ch in &chars {
        assert!(!msg.contains(&format!("'{ch}'")), "{msg:?} quotes {ch}");
    }
}

#[test]
fn issue22_4_ffi_errors_hide_key_material() {
    let dir = tempfile::tempdir().unwrap();
    let ks_dir = c(dir.path().join("ks").to_str().unwrap());
    let fast =
        c(r#"{"kdf_memory_kib":256,"kdf_iterations":1,"kdf_parallelism":1,"allow_weak_kdf":true}"#);
    let phrase = "abandon,abandon,abandon,abandon,abandon,abandon,abandon,abandon,abandon,abandon,abandon,about";
    let cases: Vec<(&str, String)> = vec![
        ("wif", WIF.to_lowercase()),
        ("xprv", XPRV.to_lowercase()),
        ("mnemonic", XPRV.to_lowercase()),
        ("mnemonic", WIF.to_lowercase()),
        ("mnemonic", HEX.to_owned()),
        ("private-key", format!("{HEX}zz")),
        ("wif", HEX.to_owned()),
        ("xprv", WIF.to_owned()),
        ("mnemonic", phrase.replace(',', ";").replace("about", "zoo")),
    ];
    let mut ks: *mut wallet::WalletKeystore = std::ptr::null_mut();
    // SAFETY: valid strings and out-pointers; the handle is freed at the end.
    unsafe {
        assert_eq!(
            wallet::wallet_keystore_open(ks_dir.as_ptr(), &mut ks),
            wallet::WalletStatus::Ok
        );
        for (kind, secret) in &cases {
            let mut out: *mut c_char = std::ptr::null_mut();
            let st = wallet::wallet_keystore_import(
                ks,
                c("w").as_ptr(),
                c(kind).as_ptr(),
                c(secret).as_ptr(),
                c("pw").as_ptr(),
                fast.as_ptr(),
                &mut out,
            );
            assert_ne!(st, wallet::WalletStatus::Ok, "{kind} {secret}");
            assert!(out.is_null());
            assert_hidden(&last_error(), secret);
        }
        for secret in [XPRV.to_lowercase(), WIF.to_owned(), HEX.to_owned()] {
            let mut out: *mut c_char = std::ptr::null_mut();
            let st =
                wallet::wallet_mnemonic_validate(c(&secret).as_ptr(), std::ptr::null(), &mut out);
            wallet::wallet_string_free(out);
            assert_ne!(st, wallet::WalletStatus::Ok);
            assert_hidden(&last_error(), &secret);
        }
        wallet::wallet_keystore_free(ks);
    }
}
