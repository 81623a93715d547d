//! SLIP-39 Shamir backups without a keystore: split a master secret (a
//! fresh one, or one given) into shares, and combine shares back. Import
//! shares into a keystore with `wallet_keystore_import` (kind `slip39`).

use crate::boundary::{arg, failure, guard, Failure, FfiResult, Out};
use crate::status::WalletStatus;
use std::ffi::c_char;
use wallet_core::report::{Slip39Secret, Slip39Shares};
use wallet_core::request::{self, Slip39CombineRequest, Slip39SplitRequest};
use wallet_core::slip39::Slip39Error;
use wallet_core::wallet::{self, Slip39Backup, Slip39SetupError};
use zeroize::Zeroizing;

/// A SLIP-39 error with the status of its own kind (a bad checksum is
/// `BAD_CHECKSUM`, not the generic `INVALID_INPUT`).
fn slip39_failure(e: Slip39Error) -> Failure {
    failure(WalletStatus::from_kind(e.kind()), e.to_string())
}

fn setup_failure(e: Slip39SetupError) -> Failure {
    failure(WalletStatus::from_kind(e.kind()), e.to_string())
}

fn split(request: &str) -> FfiResult<Slip39Shares> {
    let r: Slip39SplitRequest = request::parse(Some(request), "request")?;
    let params = r.params().map_err(setup_failure)?;
    let backup = match r.master_secret().map_err(setup_failure)? {
        Some(secret) => Slip39Backup::split(secret, &params),
        None => Slip39Backup::generate(&params),
    }
    .map_err(slip39_failure)?;
    Ok(backup.report()?)
}

fn combine(request: &str) -> FfiResult<Slip39Secret> {
    let r: Slip39CombineRequest = request::parse(Some(request), "request")?;
    let (secret, identifier) =
        wallet::recover_slip39(&r.shares(), &r.passphrase()).map_err(slip39_failure)?;
    Ok(Slip39Secret {
        master_secret: Zeroizing::new(hex::encode(secret.expose())),
        bits: secret.bits(),
        fingerprint: secret.master_key()?.fingerprint().to_string(),
        identifier: identifier.value(),
    })
}

/// Splits a master secret into SLIP-39 shares. `request_json`:
/// `{"members":"2of3,3of5,1of1","groups":"2of3","bits":128,
/// "master_secret":"<hex>","passphrase":"…","iteration_exponent":1,
/// "extendable":true}` (`members` required; `groups` with several groups;
/// without `master_secret` a fresh one of `bits`, 128 or 256, comes from the
/// OS CSPRNG). `*out_json` is `{"shares":[{"group","member","mnemonic"}…],
/// "slip39":{"identifier","group_threshold","group_count","groups",
/// "extendable","iteration_exponent","bits"},"fingerprint"}`. The shares
/// are secrets: free `*out_json` with `wallet_string_free` (which wipes it).
///
/// # Safety
/// `request_json` is a NUL-terminated string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_slip39_split(
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, req) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                arg(request_json, "request_json")?,
            )
        };
        out.put_json(&split(req)?)
    })
}

/// Recovers a master secret from SLIP-39 shares. `request_json`:
/// `{"shares":["word …",…],"passphrase":"…"}`, a threshold set in any
/// order. `*out_json` is `{"master_secret":"<hex>","bits","fingerprint",
/// "identifier"}` (the fingerprint of the BIP32 master key of the secret
/// used as the seed). A bad share fails with its status
/// (`BAD_CHECKSUM`, `INVALID_MNEMONIC`, `INVALID_INPUT` for shares of
/// different sets, duplicates or too few) and a message naming the share.
/// A wrong passphrase is not detected: it gives another secret. The secret
/// is in `*out_json`: free it with `wallet_string_free` (which wipes it).
///
/// # Safety
/// `request_json` is a NUL-terminated string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_slip39_combine(
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, req) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                arg(request_json, "request_json")?,
            )
        };
        out.put_json(&combine(req)?)
    })
}
