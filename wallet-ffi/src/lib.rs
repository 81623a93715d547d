//! # wallet-ffi: the C ABI of wallet-core
//!
//! A thin layer: every function checks its pointers and UTF-8, turns JSON
//! requests into core calls, and reports a [`WalletStatus`]. No logic of its
//! own lives here.
//!
//! Rules (see `docs/ffi.md`):
//! - Every function returns a `WalletStatus`; results go through out-pointers,
//!   which are written only on success.
//! - On failure, `wallet_last_error_message()` gives the message for the
//!   calling thread (valid until that thread's next `wallet_` call). It can
//!   quote a mistyped mnemonic word, so it is wiped when replaced and when
//!   the thread exits.
//! - Every `char*` the library returns is freed with `wallet_string_free`
//!   (which wipes it first: some hold secrets), every byte buffer with
//!   `wallet_bytes_free`, every handle with its `_free` function.
//! - Handles are immutable after creation and may be used from several
//!   threads at once; free a handle once, after every call using it returned.
//! - Panics never cross the boundary: they become `WALLET_STATUS_INTERNAL`
//!   (every entry point runs its whole body, error recording included,
//!   under `catch_unwind`).

#![allow(unsafe_code)]

use serde::Deserialize;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;
use wallet_core::account::{self, AddressFormat};
use wallet_core::bitcoin::{self as btc, AddressType, Chain, Network, NetworkParams};
use wallet_core::ethereum::{
    self as eth, transaction, Address as EthAddress, ChainId, Fees, Gas, Nonce, Transaction, Unit,
    Wei,
};
use wallet_core::hd::{self, DerivationPath, ExtendedPrivateKey};
use wallet_core::key::PrivateKey;
use wallet_core::keystore::{self, KdfParams, KeySource, Keystore, WalletSecret};
use wallet_core::mnemonic::{Language, Mnemonic};
use wallet_core::rpc::{self, RpcClient, RpcConfig};
use wallet_core::secret::SecretString;
use wallet_core::{Error, ErrorKind};
use zeroize::{Zeroize, Zeroizing};

/// The outcome of every call. Values are stable; new ones may be added.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalletStatus {
    /// Success.
    Ok = 0,
    /// Malformed input.
    InvalidInput = 1,
    /// A mnemonic with an unknown word, a wrong word count or a foreign word.
    InvalidMnemonic = 2,
    /// A checksum did not match.
    BadChecksum = 3,
    /// An unknown version or prefix.
    UnknownVersion = 4,
    /// Data for another network.
    WrongNetwork = 5,
    /// An invalid key.
    InvalidKey = 6,
    /// An invalid derivation path.
    InvalidPath = 7,
    /// An invalid address.
    InvalidAddress = 8,
    /// Not supported.
    Unsupported = 9,
    /// Wrong password.
    WrongPassword = 10,
    /// A modified or corrupt file.
    Tampered = 11,
    /// KDF parameters below the safe floor.
    WeakParameters = 12,
    /// No such wallet or file.
    NotFound = 13,
    /// The wallet or file exists already.
    AlreadyExists = 14,
    /// The keystore is locked by another process.
    Locked = 15,
    /// A file-system error.
    Io = 16,
    /// Declined.
    Cancelled = 17,
    /// The node cannot be reached.
    NodeUnreachable = 18,
    /// The node did not answer in time.
    Timeout = 19,
    /// The node's answer is not valid JSON-RPC.
    BadResponse = 20,
    /// The node returned an error.
    NodeError = 21,
    /// The node rejected a transaction.
    Rejected = 22,
    /// The node refused the credentials.
    AuthFailed = 23,
    /// Not enough funds.
    InsufficientFunds = 24,
    /// The node serves another chain.
    WrongChain = 25,
    /// A signature does not verify.
    BadSignature = 26,
    /// A node's answer did not match its proof.
    Unverified = 27,
    /// A required pointer argument was NULL.
    NullPointer = 100,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 101,
    /// A bug (including a caught panic).
    Internal = 255,
}

impl WalletStatus {
    /// Every status, for looking one up by value.
    const ALL: [WalletStatus; 31] = [
        Self::Ok,
        Self::InvalidInput,
        Self::InvalidMnemonic,
        Self::BadChecksum,
        Self::UnknownVersion,
        Self::WrongNetwork,
        Self::InvalidKey,
        Self::InvalidPath,
        Self::InvalidAddress,
        Self::Unsupported,
        Self::WrongPassword,
        Self::Tampered,
        Self::WeakParameters,
        Self::NotFound,
        Self::AlreadyExists,
        Self::Locked,
        Self::Io,
        Self::Cancelled,
        Self::NodeUnreachable,
        Self::Timeout,
        Self::BadResponse,
        Self::NodeError,
        Self::Rejected,
        Self::AuthFailed,
        Self::InsufficientFunds,
        Self::WrongChain,
        Self::BadSignature,
        Self::Unverified,
        Self::NullPointer,
        Self::InvalidUtf8,
        Self::Internal,
    ];

    fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidInput => Self::InvalidInput,
            ErrorKind::InvalidMnemonic => Self::InvalidMnemonic,
            ErrorKind::BadChecksum => Self::BadChecksum,
            ErrorKind::UnknownVersion => Self::UnknownVersion,
            ErrorKind::WrongNetwork => Self::WrongNetwork,
            ErrorKind::InvalidKey => Self::InvalidKey,
            ErrorKind::InvalidPath => Self::InvalidPath,
            ErrorKind::InvalidAddress => Self::InvalidAddress,
            ErrorKind::Unsupported => Self::Unsupported,
            ErrorKind::WrongPassword => Self::WrongPassword,
            ErrorKind::Tampered => Self::Tampered,
            ErrorKind::WeakParameters => Self::WeakParameters,
            ErrorKind::NotFound => Self::NotFound,
            ErrorKind::AlreadyExists => Self::AlreadyExists,
            ErrorKind::Locked => Self::Locked,
            ErrorKind::Io => Self::Io,
            ErrorKind::Cancelled => Self::Cancelled,
            ErrorKind::NodeUnreachable => Self::NodeUnreachable,
            ErrorKind::Timeout => Self::Timeout,
            ErrorKind::BadResponse => Self::BadResponse,
            ErrorKind::NodeError => Self::NodeError,
            ErrorKind::Rejected => Self::Rejected,
            ErrorKind::AuthFailed => Self::AuthFailed,
            ErrorKind::InsufficientFunds => Self::InsufficientFunds,
            ErrorKind::WrongChain => Self::WrongChain,
            ErrorKind::BadSignature => Self::BadSignature,
            ErrorKind::Unverified => Self::Unverified,
            ErrorKind::Internal => Self::Internal,
            // `ErrorKind` is non_exhaustive: a kind added to the core without
            // a status here is reported as internal (a unit test catches it).
            _ => Self::Internal,
        }
    }

    fn name(self) -> &'static CStr {
        match self {
            Self::Ok => c"ok",
            Self::InvalidInput => c"invalid_input",
            Self::InvalidMnemonic => c"invalid_mnemonic",
            Self::BadChecksum => c"bad_checksum",
            Self::UnknownVersion => c"unknown_version",
            Self::WrongNetwork => c"wrong_network",
            Self::InvalidKey => c"invalid_key",
            Self::InvalidPath => c"invalid_path",
            Self::InvalidAddress => c"invalid_address",
            Self::Unsupported => c"unsupported",
            Self::WrongPassword => c"wrong_password",
            Self::Tampered => c"tampered",
            Self::WeakParameters => c"weak_parameters",
            Self::NotFound => c"not_found",
            Self::AlreadyExists => c"already_exists",
            Self::Locked => c"locked",
            Self::Io => c"io",
            Self::Cancelled => c"cancelled",
            Self::NodeUnreachable => c"node_unreachable",
            Self::Timeout => c"timeout",
            Self::BadResponse => c"bad_response",
            Self::NodeError => c"node_error",
            Self::Rejected => c"rejected",
            Self::AuthFailed => c"auth_failed",
            Self::InsufficientFunds => c"insufficient_funds",
            Self::WrongChain => c"wrong_chain",
            Self::BadSignature => c"bad_signature",
            Self::Unverified => c"unverified",
            Self::NullPointer => c"null_pointer",
            Self::InvalidUtf8 => c"invalid_utf8",
            Self::Internal => c"internal",
        }
    }
}

/// An error on its way out: a status and a message. The message can quote
/// user input (a mistyped mnemonic word and its suggestions), so it is wiped
/// when dropped.
struct Failure {
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

fn failure(status: WalletStatus, message: impl Into<String>) -> Failure {
    Failure {
        status,
        message: message.into(),
    }
}

type FfiResult<T> = Result<T, Failure>;

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

/// Drops a panic payload without letting a panicking `Drop` escape.
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
        std::mem::forget(again);
    }
}

/// Runs `f` behind `catch_unwind`, recording the message of any failure.
/// Everything, the recording included, runs inside `catch_unwind`: nothing
/// can unwind out of an entry point.
fn guard(f: impl FnOnce() -> FfiResult<()>) -> WalletStatus {
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
unsafe fn arg<'a>(p: *const c_char, name: &str) -> FfiResult<&'a str> {
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
unsafe fn opt_arg<'a>(p: *const c_char, name: &str) -> FfiResult<Option<&'a str>> {
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
unsafe fn secret_arg(p: *const c_char, name: &str) -> FfiResult<SecretString> {
    // SAFETY: forwarded contract.
    let s = unsafe { arg(p, name) }?;
    Ok(SecretString::from(s))
}

fn check_out<T>(out: *mut T, name: &str) -> FfiResult<()> {
    if out.is_null() {
        return Err(failure(
            WalletStatus::NullPointer,
            format!("{name} is NULL"),
        ));
    }
    Ok(())
}

/// Writes `bytes` to `out` as a new C string. They are copied once into an
/// allocation of exactly the final size (so no reallocation leaves an unwiped
/// copy of a secret behind), and the source buffer is wiped.
///
/// # Safety
/// `out` must be a valid, writable pointer (checked non-null by the caller).
unsafe fn put_bytes(out: *mut *mut c_char, bytes: Zeroizing<Vec<u8>>) -> FfiResult<()> {
    if bytes.contains(&0) {
        return Err(failure(
            WalletStatus::Internal,
            "a result contained a NUL byte",
        ));
    }
    let mut exact = Vec::with_capacity(bytes.len() + 1);
    exact.extend_from_slice(&bytes);
    drop(bytes);
    // Cannot fail (checked above); the capacity leaves room for the NUL, so
    // CString neither grows nor shrinks the allocation.
    let c = CString::new(exact).map_err(|e| {
        let mut v = e.into_vec();
        v.zeroize();
        failure(WalletStatus::Internal, "a result contained a NUL byte")
    })?;
    // SAFETY: `out` is valid and writable per the caller's contract.
    unsafe { *out = c.into_raw() };
    Ok(())
}

/// Writes a new C string to `out`, wiping `s`.
///
/// # Safety
/// As [`put_bytes`].
unsafe fn put_string(out: *mut *mut c_char, s: String) -> FfiResult<()> {
    // SAFETY: forwarded contract.
    unsafe { put_bytes(out, Zeroizing::new(s.into_bytes())) }
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

/// Serialises `v` to `out` into a buffer sized in advance (no reallocation
/// copies), wiping the JSON value and the buffer.
///
/// # Safety
/// As [`put_bytes`].
unsafe fn put_json(out: *mut *mut c_char, mut v: Value) -> FfiResult<()> {
    let mut count = ByteCount(0);
    let mut buf =
        serde_json::to_writer(&mut count, &v).map(|()| Zeroizing::new(Vec::with_capacity(count.0)));
    if let Ok(b) = &mut buf {
        if let Err(e) = serde_json::to_writer(&mut **b, &v) {
            buf = Err(e);
        }
    }
    wipe(&mut v);
    let buf = buf.map_err(|e| failure(WalletStatus::Internal, format!("result JSON: {e}")))?;
    // SAFETY: forwarded contract.
    unsafe { put_bytes(out, buf) }
}

fn wipe(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(wipe),
        Value::Object(o) => o.values_mut().for_each(wipe),
        _ => {}
    }
}

fn parse_json<T: for<'de> Deserialize<'de>>(text: Option<&str>, what: &str) -> FfiResult<T> {
    let t = text.unwrap_or("{}");
    serde_json::from_str(t).map_err(|e| {
        failure(
            WalletStatus::InvalidInput,
            format!("invalid {what} JSON: {e}"),
        )
    })
}

// ---------------------------------------------------------------------------
// Memory and errors

/// The library version, e.g. "0.1.0". Free `*out` with `wallet_string_free`.
///
/// # Safety
/// `out` must be NULL (an error) or writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_version(out: *mut *mut c_char) -> WalletStatus {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: checked non-null; the caller owns a writable pointer.
        unsafe { put_string(out, env!("CARGO_PKG_VERSION").to_owned()) }
    })
}

/// The message of the calling thread's last failed call ("" if none). The
/// pointer is owned by the library and valid until this thread's next
/// `wallet_` call; do not free it.
#[no_mangle]
pub extern "C" fn wallet_last_error_message() -> *const c_char {
    catch_unwind(|| {
        LAST_ERROR
            .try_with(|e| {
                e.try_borrow()
                    .ok()
                    .and_then(|slot| slot.0.as_ref().map(|c| c.as_ptr()))
            })
            .ok()
            .flatten()
    })
    .ok()
    .flatten()
    .unwrap_or(c"".as_ptr())
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

/// Frees (after wiping) a byte buffer of `len` bytes returned by the library.
///
/// # Safety
/// `p` must be NULL or a buffer returned by this library with exactly `len`
/// bytes, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn wallet_bytes_free(p: *mut u8, len: usize) {
    if p.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `p`/`len` describe a Box<[u8]> leaked by this library.
        let mut b = unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, len)) };
        b.zeroize();
    }));
}

/// Test hook (debug builds only): panics inside the boundary to prove it
/// becomes `WALLET_STATUS_INTERNAL` instead of an abort.
#[cfg(debug_assertions)]
#[no_mangle]
pub extern "C" fn wallet_test_panic() -> WalletStatus {
    guard(|| panic!("injected test panic"))
}

// ---------------------------------------------------------------------------
// Mnemonics and derivation

fn language(name: Option<&str>) -> FfiResult<Language> {
    Ok(match name {
        None => Language::English,
        Some(n) => n.parse()?,
    })
}

/// A fresh mnemonic of `words` words (12, 15, 18, 21, 24) in `language`
/// (NULL = English; e.g. "japanese", "chinese-simplified"). The phrase is a
/// secret: free `*out_phrase` with `wallet_string_free` (which wipes it).
///
/// # Safety
/// `language` is NULL or a NUL-terminated string; `out_phrase` is writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_mnemonic_generate(
    words: u32,
    language: *const c_char,
    out_phrase: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_phrase, "out_phrase")?;
        // SAFETY: per the function contract.
        let lang = self::language(unsafe { opt_arg(language, "language") }?)?;
        let m = Mnemonic::generate(words as usize, lang)?;
        let phrase = m.phrase();
        // SAFETY: checked non-null.
        unsafe { put_string(out_phrase, phrase.expose().to_owned()) }
    })
}

/// Checks a mnemonic. On success `*out_json` is
/// `{"valid":true,"language":"english","words":12}`; an invalid phrase
/// returns its status (`WALLET_STATUS_INVALID_MNEMONIC`, `…_BAD_CHECKSUM`)
/// with a message naming the word and suggestions.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `phrase` is a NUL-terminated string; `language` NULL (detect) or a string;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_mnemonic_validate(
    phrase: *const c_char,
    language: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let phrase = unsafe { secret_arg(phrase, "phrase") }?;
        // SAFETY: per the function contract.
        let lang = unsafe { opt_arg(language, "language") }?;
        let m = match lang {
            Some(l) => Mnemonic::parse_in(phrase.expose(), l.parse()?)?,
            None => Mnemonic::parse(phrase.expose())?,
        };
        // SAFETY: checked non-null.
        unsafe {
            put_json(
                out_json,
                json!({"valid": true, "language": m.language().code(), "words": m.word_count()}),
            )
        }
    })
}

/// Address selection, as JSON:
/// `{"chain":"btc|ltc|eth","type":"p2wpkh","network":"mainnet","account":0,
///   "change":false,"index":0,"count":1,"path":"m/…"}` (all optional).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Selection {
    chain: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    network: Option<String>,
    account: Option<u32>,
    #[serde(default)]
    change: bool,
    index: Option<u32>,
    count: Option<u32>,
    path: Option<String>,
    /// Accept a wallet file below the KDF floor when the password is needed.
    #[serde(default)]
    allow_weak_kdf: bool,
    /// SLIP-132 version bytes for an exported xpub (default: xpub/tpub).
    #[serde(default)]
    slip132: bool,
}

impl Selection {
    fn resolve(
        &self,
        default_chain: &str,
    ) -> FfiResult<(AddressFormat, DerivationPath, u32, Option<DerivationPath>)> {
        let path = self
            .path
            .as_deref()
            .map(str::parse::<DerivationPath>)
            .transpose()?;
        let chain = self.chain.as_deref().unwrap_or(default_chain);
        let format = if chain == "eth" {
            AddressFormat::Ethereum
        } else {
            let params = NetworkParams::new(
                chain.parse::<Chain>()?,
                self.network
                    .as_deref()
                    .unwrap_or("mainnet")
                    .parse::<Network>()?,
            )?;
            let kind = match (&self.kind, &path) {
                (Some(k), _) => k.parse::<AddressType>()?,
                (None, Some(p)) => AddressFormat::type_for_path(p).unwrap_or(AddressType::P2wpkh),
                (None, None) => AddressType::P2wpkh,
            };
            AddressFormat::Bitcoin { params, kind }
        };
        let count = self.count.unwrap_or(1);
        if count == 0 || count > 1_000_000 {
            return Err(failure(
                WalletStatus::InvalidInput,
                "count must be 1 to 1000000",
            ));
        }
        Ok(match path {
            Some(p) => (format, p, count, None),
            None => {
                let account = self.account.unwrap_or(0);
                let first = format.address_path(account, self.change, self.index.unwrap_or(0))?;
                (format, first, count, Some(format.account_path(account)?))
            }
        })
    }
}

fn addresses_json(list: &[account::DerivedAddress]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| json!({"path": a.path.to_string(), "address": a.address, "public_key": hex::encode(a.public_key.to_compressed())}))
            .collect(),
    )
}

/// Derives addresses from a mnemonic (no keystore). `request_json` is an
/// address selection (NULL = first BTC P2WPKH). `*out_json` is
/// `{"addresses":[{"path","address","public_key"}…]}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `mnemonic` is a NUL-terminated string; `passphrase` and `request_json`
/// NULL or strings; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_derive_addresses(
    mnemonic: *const c_char,
    passphrase: *const c_char,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let phrase = unsafe { secret_arg(mnemonic, "mnemonic") }?;
        // SAFETY: per the function contract.
        let pass = match unsafe { opt_arg(passphrase, "passphrase") }? {
            Some(p) => SecretString::from(p),
            None => SecretString::default(),
        };
        // SAFETY: per the function contract.
        let sel: Selection =
            parse_json(unsafe { opt_arg(request_json, "request_json") }?, "request")?;
        let (format, first, count, _) = sel.resolve("btc")?;
        let m = Mnemonic::parse(phrase.expose())?;
        let master = ExtendedPrivateKey::from_seed(&m.to_seed(pass.expose()))?;
        let list = account::derive_addresses(&master, &format, &first, count)?;
        // SAFETY: checked non-null.
        unsafe {
            put_json(
                out_json,
                json!({"addresses": addresses_json(&list), "master_fingerprint": master.fingerprint().to_string()}),
            )
        }
    })
}

// ---------------------------------------------------------------------------
// Keystore

/// An open keystore directory (opaque). Thread-safe; free with `wallet_keystore_free`.
pub struct WalletKeystore {
    ks: Keystore,
}

/// An unlocked wallet (opaque): holds its secret in memory (wiped on free).
/// Thread-safe; free with `wallet_handle_free`.
pub struct WalletHandle {
    name: String,
    secret: WalletSecret,
    /// The keystore it came from (its usage record keeps change addresses
    /// from being used twice).
    ks: Keystore,
}

// Handles are shared between threads by C callers: both must stay
// `Send + Sync` (a compile error here, not a data race there).
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<WalletKeystore>();
    send_sync::<WalletHandle>();
};

/// Borrows a handle.
///
/// # Safety
/// `p` must be NULL or a live handle from this library.
unsafe fn handle<'a, T>(p: *const T, name: &str) -> FfiResult<&'a T> {
    // SAFETY: per the caller's contract, non-null pointers are live handles.
    unsafe { p.as_ref() }
        .ok_or_else(|| failure(WalletStatus::NullPointer, format!("{name} is NULL")))
}

/// Opens (creating, mode 0700) the keystore directory `dir`.
/// The caller owns `*out` on success: free it with `wallet_keystore_free`.
///
/// # Safety
/// `dir` is a NUL-terminated path; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_open(
    dir: *const c_char,
    out: *mut *mut WalletKeystore,
) -> WalletStatus {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the function contract.
        let d = unsafe { arg(dir, "dir") }?;
        let ks = Keystore::open(d)?;
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::new(WalletKeystore { ks })) };
        Ok(())
    })
}

/// Frees a keystore handle. NULL is ignored.
///
/// # Safety
/// `ks` must be NULL or a handle from `wallet_keystore_open`, not yet freed,
/// with no call using it still running.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_free(ks: *mut WalletKeystore) {
    if !ks.is_null() {
        // SAFETY: `ks` came from Box::into_raw in wallet_keystore_open.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(ks) })));
    }
}

/// The wallets: `{"wallets":[{"name","kind","fingerprint","created"}…],"unreadable":[…]}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `ks` is a live keystore handle; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_list(
    ks: *const WalletKeystore,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let ks = unsafe { handle(ks, "ks") }?;
        let mut wallets = Vec::new();
        let mut unreadable = Vec::new();
        for e in ks.ks.list()? {
            match e.file {
                Ok(f) => wallets.push(json!({"name": f.name(), "kind": f.kind().code(), "fingerprint": f.public().fingerprint, "created": f.created()})),
                Err(err) => unreadable.push(json!({"name": e.name, "kind": err.kind().as_str(), "message": err.to_string()})),
            }
        }
        // SAFETY: checked non-null.
        unsafe {
            put_json(
                out_json,
                json!({"wallets": wallets, "unreadable": unreadable}),
            )
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KeystoreOptions {
    words: Option<usize>,
    language: Option<String>,
    passphrase: Option<String>,
    kdf_memory_kib: Option<u32>,
    kdf_iterations: Option<u32>,
    kdf_parallelism: Option<u32>,
    #[serde(default)]
    allow_weak_kdf: bool,
    keystore_password: Option<String>,
}

impl Drop for KeystoreOptions {
    fn drop(&mut self) {
        if let Some(p) = &mut self.passphrase {
            p.zeroize();
        }
        if let Some(p) = &mut self.keystore_password {
            p.zeroize();
        }
    }
}

impl KeystoreOptions {
    fn kdf(&self) -> FfiResult<KdfParams> {
        let d = KdfParams::DEFAULT;
        let p = KdfParams {
            m_cost_kib: self.kdf_memory_kib.unwrap_or(d.m_cost_kib),
            t_cost: self.kdf_iterations.unwrap_or(d.t_cost),
            p_cost: self.kdf_parallelism.unwrap_or(d.p_cost),
        };
        p.check(self.allow_weak_kdf)?;
        Ok(p)
    }
}

fn summary(file: &keystore::WalletFile) -> Value {
    json!({"name": file.name(), "kind": file.kind().code(), "fingerprint": file.public().fingerprint, "addresses": file.public().addresses, "created": file.created()})
}

/// Creates a new HD wallet `name` with a fresh mnemonic. `options_json`
/// (NULL = defaults): `{"words":12,"language":"english","passphrase":"…",
/// "kdf_memory_kib":65536,"kdf_iterations":3,"kdf_parallelism":4,"allow_weak_kdf":false}`.
/// `*out_json` holds the wallet summary and `"mnemonic"`: a secret to show
/// once; free it with `wallet_string_free`.
///
/// # Safety
/// `ks` live; `name`, `password` NUL-terminated; `options_json` NULL or a
/// string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_create(
    ks: *const WalletKeystore,
    name: *const c_char,
    password: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (ks, name, password) = unsafe {
            (
                handle(ks, "ks")?,
                arg(name, "name")?,
                secret_arg(password, "password")?,
            )
        };
        // SAFETY: per the function contract.
        let opts: KeystoreOptions =
            parse_json(unsafe { opt_arg(options_json, "options_json") }?, "options")?;
        let m = Mnemonic::generate(
            opts.words.unwrap_or(12),
            language(opts.language.as_deref())?,
        )?;
        let secret = WalletSecret::Mnemonic {
            mnemonic: m.clone(),
            passphrase: SecretString::from(opts.passphrase.clone().unwrap_or_default()),
        };
        let file = ks
            .ks
            .create(name, &secret, password.expose().as_bytes(), opts.kdf()?)?;
        let mut v = summary(&file);
        v["mnemonic"] = json!(m.phrase().expose());
        // SAFETY: checked non-null.
        unsafe { put_json(out_json, v) }
    })
}

/// Imports a secret as wallet `name`. `kind`: "mnemonic", "xprv", "wif",
/// "private-key" (hex), "pem" (the PEM text) or "eth-keystore" (the V3 JSON
/// text; its password in options `"keystore_password"`, default `password`).
/// Options as `wallet_keystore_create` (`"passphrase"` for mnemonics).
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `ks` live; `name`, `kind`, `secret`, `password` NUL-terminated;
/// `options_json` NULL or a string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_import(
    ks: *const WalletKeystore,
    name: *const c_char,
    kind: *const c_char,
    secret: *const c_char,
    password: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (ks, name, kind, text, password) = unsafe {
            (
                handle(ks, "ks")?,
                arg(name, "name")?,
                arg(kind, "kind")?,
                secret_arg(secret, "secret")?,
                secret_arg(password, "password")?,
            )
        };
        // SAFETY: per the function contract.
        let opts: KeystoreOptions =
            parse_json(unsafe { opt_arg(options_json, "options_json") }?, "options")?;
        let s = text.expose();
        let secret = match kind {
            "mnemonic" => WalletSecret::Mnemonic {
                mnemonic: match &opts.language {
                    Some(l) => Mnemonic::parse_in(s, l.parse()?)?,
                    None => Mnemonic::parse(s)?,
                },
                passphrase: SecretString::from(opts.passphrase.clone().unwrap_or_default()),
            },
            "xprv" => WalletSecret::from_xprv(ExtendedPrivateKey::parse(s)?)?,
            "wif" => {
                let w = btc::Wif::decode(s)?;
                WalletSecret::PrivateKey {
                    key: w.key,
                    compressed: w.compressed,
                    wif_version: Some(w.version),
                    source: KeySource::Wif,
                }
            }
            "private-key" => WalletSecret::PrivateKey {
                key: PrivateKey::from_hex(s)?,
                compressed: true,
                wif_version: None,
                source: KeySource::Hex,
            },
            "pem" => WalletSecret::PrivateKey {
                key: PrivateKey::from_pem(s)?,
                compressed: true,
                wif_version: None,
                source: KeySource::Pem,
            },
            "eth-keystore" => {
                let kp = opts
                    .keystore_password
                    .as_deref()
                    .unwrap_or(password.expose());
                WalletSecret::PrivateKey {
                    key: keystore::v3::decrypt(s, kp.as_bytes())?,
                    compressed: true,
                    wif_version: None,
                    source: KeySource::EthKeystore,
                }
            }
            other => {
                return Err(failure(
                    WalletStatus::InvalidInput,
                    format!("unknown import kind '{other}'"),
                ))
            }
        };
        let file = ks
            .ks
            .create(name, &secret, password.expose().as_bytes(), opts.kdf()?)?;
        // SAFETY: checked non-null.
        unsafe { put_json(out_json, summary(&file)) }
    })
}

/// Unlocks wallet `name` with `password`. `allow_weak_kdf` non-zero accepts
/// files below the KDF floor. Free `*out` with `wallet_handle_free`.
///
/// # Safety
/// `ks` live; `name`, `password` NUL-terminated; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_unlock(
    ks: *const WalletKeystore,
    name: *const c_char,
    password: *const c_char,
    allow_weak_kdf: i32,
    out: *mut *mut WalletHandle,
) -> WalletStatus {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the function contract.
        let (ks, name, password) = unsafe {
            (
                handle(ks, "ks")?,
                arg(name, "name")?,
                secret_arg(password, "password")?,
            )
        };
        let (_, secret) = ks
            .ks
            .unlock(name, password.expose().as_bytes(), allow_weak_kdf != 0)?;
        let h = WalletHandle {
            name: name.to_owned(),
            secret,
            ks: ks.ks.clone(),
        };
        // SAFETY: checked non-null.
        unsafe { *out = Box::into_raw(Box::new(h)) };
        Ok(())
    })
}

/// Frees (and wipes) an unlocked wallet. NULL is ignored.
///
/// # Safety
/// `w` must be NULL or a handle from `wallet_keystore_unlock`, not yet freed,
/// with no call using it still running.
#[no_mangle]
pub unsafe extern "C" fn wallet_handle_free(w: *mut WalletHandle) {
    if !w.is_null() {
        // SAFETY: `w` came from Box::into_raw in wallet_keystore_unlock.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(w) })));
    }
}

/// Addresses of wallet `name` for an address selection (see
/// `wallet_derive_addresses`). Stored account xpubs need no password; other
/// selections need `password` (NULL if none is at hand: then
/// `WALLET_STATUS_WRONG_PASSWORD`; `"allow_weak_kdf":true` in the request
/// accepts a file below the KDF floor).
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `ks` live; `name` NUL-terminated; `request_json`, `password` NULL or
/// strings; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_addresses(
    ks: *const WalletKeystore,
    name: *const c_char,
    request_json: *const c_char,
    password: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (ks, name) = unsafe { (handle(ks, "ks")?, arg(name, "name")?) };
        // SAFETY: per the function contract.
        let sel: Selection =
            parse_json(unsafe { opt_arg(request_json, "request_json") }?, "request")?;
        // SAFETY: per the function contract.
        let password = unsafe { opt_arg(password, "password") }?.map(SecretString::from);
        let file = ks.ks.load(name)?;
        let (format, first, count, _) = sel.resolve("btc")?;
        let plan = keystore::AddressPlan::new(
            &file,
            &keystore::Selected {
                format,
                type_given: sel.kind.is_some(),
                first: &first,
                count,
                position_given: sel.path.is_some()
                    || sel.account.is_some()
                    || sel.index.is_some()
                    || sel.change
                    || sel.count.is_some_and(|c| c != 1),
            },
        )?;
        let master = if plan.needs_master() {
            let pw = password.ok_or_else(|| {
                failure(
                    WalletStatus::WrongPassword,
                    "this selection needs the wallet's password",
                )
            })?;
            let secret = file.unlock(pw.expose().as_bytes(), sel.allow_weak_kdf)?;
            Some(
                secret
                    .master()?
                    .ok_or_else(|| failure(WalletStatus::Internal, "HD wallet without master"))?,
            )
        } else {
            None
        };
        let list = plan.addresses(master.as_ref(), 0, count)?;
        // SAFETY: checked non-null.
        unsafe { put_json(out_json, json!({"addresses": addresses_json(&list)})) }
    })
}

/// The account extended public key of wallet `name` for a selection
/// (`{"chain","type","network","account"}`, or `"path"` for any node), with
/// BIP32 xpub/tpub version bytes, or SLIP-132 ones (ypub/zpub/upub/vpub,
/// Ltub/Mtub) with `"slip132":true`. No password when the xpub is stored;
/// else `password` is used. `*out_xpub` is the base58 string.
/// The caller owns `*out_xpub` on success: free it with `wallet_string_free`.
///
/// # Safety
/// As `wallet_keystore_addresses`.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_export_xpub(
    ks: *const WalletKeystore,
    name: *const c_char,
    request_json: *const c_char,
    password: *const c_char,
    out_xpub: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_xpub, "out_xpub")?;
        // SAFETY: per the function contract.
        let (ks, name) = unsafe { (handle(ks, "ks")?, arg(name, "name")?) };
        // SAFETY: per the function contract.
        let sel: Selection =
            parse_json(unsafe { opt_arg(request_json, "request_json") }?, "request")?;
        // SAFETY: per the function contract.
        let password = unsafe { opt_arg(password, "password") }?.map(SecretString::from);
        let file = ks.ks.load(name)?;
        if file.kind() == keystore::WalletKind::PrivateKey {
            return Err(failure(
                WalletStatus::Unsupported,
                "a single-key wallet has no extended public key",
            ));
        }
        let (format, _, _, account_path) = sel.resolve("btc")?;
        let path = match (&sel.path, account_path) {
            (Some(p), _) => p.parse()?,
            (None, Some(a)) => a,
            (None, None) => {
                return Err(failure(
                    WalletStatus::InvalidInput,
                    "give an account or a path",
                ))
            }
        };
        let version = if sel.slip132 {
            format.key_version()
        } else if let AddressFormat::Bitcoin { params, .. } = &format {
            if params.is_test() {
                hd::KeyVersion::TPRV
            } else {
                hd::KeyVersion::XPRV
            }
        } else {
            hd::KeyVersion::XPRV
        };
        let xpub = match file.public().account_xpub(&path) {
            Some(x) => x?.with_version(version),
            None => {
                let pw = password.ok_or_else(|| {
                    failure(
                        WalletStatus::WrongPassword,
                        "this account needs the wallet's password",
                    )
                })?;
                let secret = file.unlock(pw.expose().as_bytes(), sel.allow_weak_kdf)?;
                let master = secret
                    .master()?
                    .ok_or_else(|| failure(WalletStatus::Internal, "HD wallet without master"))?;
                master
                    .derive_path(&path)?
                    .with_version(version)
                    .public_key()
            }
        };
        // SAFETY: checked non-null.
        unsafe { put_string(out_xpub, xpub.to_base58()) }
    })
}

/// Changes the password of wallet `name` (atomic re-encryption).
/// `options_json`: KDF options as `wallet_keystore_create`.
///
/// # Safety
/// `ks` live; strings NUL-terminated (`options_json` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_passwd(
    ks: *const WalletKeystore,
    name: *const c_char,
    old_password: *const c_char,
    new_password: *const c_char,
    options_json: *const c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (ks, name, old, new) = unsafe {
            (
                handle(ks, "ks")?,
                arg(name, "name")?,
                secret_arg(old_password, "old_password")?,
                secret_arg(new_password, "new_password")?,
            )
        };
        // SAFETY: per the function contract.
        let opts: KeystoreOptions =
            parse_json(unsafe { opt_arg(options_json, "options_json") }?, "options")?;
        ks.ks.change_password(
            name,
            old.expose().as_bytes(),
            new.expose().as_bytes(),
            opts.kdf()?,
            opts.allow_weak_kdf,
        )?;
        Ok(())
    })
}

/// Deletes wallet `name` (the caller has confirmed with the user).
///
/// # Safety
/// `ks` live; `name` NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn wallet_keystore_delete(
    ks: *const WalletKeystore,
    name: *const c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (ks, name) = unsafe { (handle(ks, "ks")?, arg(name, "name")?) };
        ks.ks.delete(name)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------
// Signing

/// Which key of an HD wallet: `{"account":0,"index":0}` or `{"path":"m/…"}`
/// (Ethereum defaults: `m/44'/60'/account'/0/index`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KeyChoice {
    account: Option<u32>,
    index: Option<u32>,
    path: Option<String>,
}

impl WalletHandle {
    fn eth_key(&self, k: &KeyChoice) -> FfiResult<PrivateKey> {
        match &self.secret {
            WalletSecret::PrivateKey { key, .. } => Ok(key.clone()),
            _ => {
                let path = match &k.path {
                    Some(p) => p.parse()?,
                    None => hd::ethereum_path(k.account.unwrap_or(0), k.index.unwrap_or(0))?,
                };
                let master = self
                    .secret
                    .master()?
                    .ok_or_else(|| failure(WalletStatus::Internal, "HD wallet without master"))?;
                Ok(master.derive_path(&path)?.private_key().clone())
            }
        }
    }
}

/// An Ethereum transaction request (amounts take units: "1.5ether",
/// "30gwei", "21000wei"; bare values are ether, bare fees wei).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EthTxRequest {
    to: Option<String>,
    value: Option<String>,
    data: Option<String>,
    nonce: Option<u64>,
    gas: Option<u64>,
    chain_id: Option<u64>,
    max_fee: Option<String>,
    priority_fee: Option<String>,
    gas_price: Option<String>,
    #[serde(default)]
    legacy: bool,
    access_list: Option<Value>,
    #[serde(default)]
    wait: bool,
    account: Option<u32>,
    index: Option<u32>,
    path: Option<String>,
}

impl EthTxRequest {
    fn key_choice(&self) -> KeyChoice {
        KeyChoice {
            account: self.account,
            index: self.index,
            path: self.path.clone(),
        }
    }
    fn to(&self) -> FfiResult<Option<EthAddress>> {
        Ok(self.to.as_deref().map(str::parse).transpose()?)
    }
    fn value(&self) -> FfiResult<Wei> {
        Ok(Wei::parse(
            self.value.as_deref().unwrap_or("0"),
            Unit::Ether,
        )?)
    }
    fn data(&self) -> FfiResult<Vec<u8>> {
        let d = self.data.as_deref().unwrap_or("0x");
        hex::decode(d.trim_start_matches("0x"))
            .map_err(|_| failure(WalletStatus::InvalidInput, "data is not hex"))
    }
    fn fee(s: &Option<String>) -> FfiResult<Option<Wei>> {
        Ok(s.as_deref().map(|x| Wei::parse(x, Unit::Wei)).transpose()?)
    }
    fn access_list(&self) -> FfiResult<Vec<eth::AccessListItem>> {
        match &self.access_list {
            None => Ok(Vec::new()),
            Some(v) => Ok(transaction::parse_access_list(&v.to_string())?),
        }
    }
}

fn signed_json(signed: &eth::SignedTransaction, from: &EthAddress) -> Value {
    json!({
        "raw": format!("0x{}", hex::encode(signed.to_raw())),
        "hash": format!("0x{}", hex::encode(signed.hash())),
        "from": from.to_checksum(),
        "type": signed.tx.tx_type(),
        "nonce": signed.tx.nonce.0,
    })
}

/// Signs an Ethereum transaction offline. Request fields: `to`, `value`,
/// `data`, `nonce`, `gas`, `chain_id` (required), and `max_fee` +
/// `priority_fee` (EIP-1559) or `gas_price` (EIP-2930; with `"legacy":true`
/// legacy EIP-155), optional `access_list` (standard JSON), key choice
/// `account`/`index`/`path`. `*out_json`: `{"raw","hash","from","type","nonce"}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `request_json` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_eth_sign_tx(
    w: *const WalletHandle,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (w, req) = unsafe { (handle(w, "w")?, arg(request_json, "request_json")?) };
        let r: EthTxRequest = parse_json(Some(req), "request")?;
        let fees = match (
            EthTxRequest::fee(&r.max_fee)?,
            EthTxRequest::fee(&r.priority_fee)?,
            EthTxRequest::fee(&r.gas_price)?,
        ) {
            (Some(m), Some(p), None) => Fees::Eip1559 {
                max_fee: m,
                max_priority_fee: p,
            },
            (None, None, Some(g)) if r.legacy => Fees::Legacy { gas_price: g },
            (None, None, Some(g)) => Fees::AccessList { gas_price: g },
            _ => {
                return Err(failure(
                    WalletStatus::InvalidInput,
                    "give max_fee and priority_fee, or gas_price",
                ))
            }
        };
        let missing = |f: &str| failure(WalletStatus::InvalidInput, format!("{f} is required"));
        let tx = Transaction {
            chain_id: Some(ChainId(r.chain_id.ok_or_else(|| missing("chain_id"))?)),
            nonce: Nonce(r.nonce.ok_or_else(|| missing("nonce"))?),
            gas: Gas(r.gas.ok_or_else(|| missing("gas"))?),
            fees,
            to: r.to()?,
            value: r.value()?,
            data: r.data()?,
            access_list: r.access_list()?,
        };
        let key = w.eth_key(&r.key_choice())?;
        let from = EthAddress::from_public_key(&key.public_key());
        let signed = tx.sign(&key)?;
        // SAFETY: checked non-null.
        unsafe { put_json(out_json, signed_json(&signed, &from)) }
    })
}

/// EIP-191 `personal_sign` of `len` bytes at `message`. `key_json`: NULL or
/// a key choice. `*out_json`: `{"signature":"0x…","address":"0x…"}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `message` valid for `len` bytes (may be NULL when `len` is 0);
/// `key_json` NULL or a string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_eth_personal_sign(
    w: *const WalletHandle,
    key_json: *const c_char,
    message: *const u8,
    len: usize,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let w = unsafe { handle(w, "w") }?;
        // SAFETY: per the function contract.
        let k: KeyChoice = parse_json(unsafe { opt_arg(key_json, "key_json") }?, "key")?;
        let msg: &[u8] = if len == 0 {
            &[]
        } else if message.is_null() {
            return Err(failure(WalletStatus::NullPointer, "message is NULL"));
        } else {
            // SAFETY: non-null and valid for `len` bytes per the contract.
            unsafe { std::slice::from_raw_parts(message, len) }
        };
        let key = w.eth_key(&k)?;
        let sig = eth::message::sign_message(&key, msg)?;
        let addr = EthAddress::from_public_key(&key.public_key());
        // SAFETY: checked non-null.
        unsafe {
            put_json(
                out_json,
                json!({"signature": sig.to_string(), "address": addr.to_checksum()}),
            )
        }
    })
}

/// Signs EIP-712 typed data (the standard JSON form). `*out_json`:
/// `{"signature","address","digest"}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `typed_data_json` NUL-terminated; `key_json` NULL or a string;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_eth_sign_typed_data(
    w: *const WalletHandle,
    key_json: *const c_char,
    typed_data_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (w, td) = unsafe { (handle(w, "w")?, arg(typed_data_json, "typed_data_json")?) };
        // SAFETY: per the function contract.
        let k: KeyChoice = parse_json(unsafe { opt_arg(key_json, "key_json") }?, "key")?;
        let data = eth::TypedData::from_json(td)?;
        let key = w.eth_key(&k)?;
        let sig = data.sign(&key)?;
        let addr = EthAddress::from_public_key(&key.public_key());
        // SAFETY: checked non-null.
        unsafe {
            put_json(
                out_json,
                json!({"signature": sig.to_string(), "address": addr.to_checksum(), "digest": format!("0x{}", hex::encode(data.signing_hash()?))}),
            )
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct BtcOptions {
    chain: Option<String>,
    network: Option<String>,
    #[serde(default)]
    finalize: bool,
    gap: Option<u32>,
}

impl BtcOptions {
    fn params(&self) -> FfiResult<NetworkParams> {
        Ok(NetworkParams::new(
            self.chain.as_deref().unwrap_or("btc").parse()?,
            self.network.as_deref().unwrap_or("mainnet").parse()?,
        )?)
    }
}

fn ring(w: &WalletHandle, params: NetworkParams, gap: u32) -> FfiResult<btc::psbt::KeyRing> {
    Ok(match &w.secret {
        WalletSecret::PrivateKey { key, .. } => btc::psbt::KeyRing::from_keys(vec![key.clone()]),
        s => {
            let master = s
                .master()?
                .ok_or_else(|| failure(WalletStatus::Internal, "HD wallet without master"))?;
            btc::psbt::KeyRing::from_master(master, params, gap)?
        }
    })
}

/// Signs the wallet's inputs of a PSBT (base64, or hex). Options:
/// `{"chain":"btc","network":"mainnet","finalize":false,"gap":100}`.
/// `*out_json`: `{"signed":N,"fee_sat":…,"psbt":"…"}` or, finalized,
/// `{"signed":N,"hex":"…","txid":"…"}`. Nothing signed is an error.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `psbt` NUL-terminated; `options_json` NULL or a string;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_btc_sign_psbt(
    w: *const WalletHandle,
    psbt: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (w, text) = unsafe { (handle(w, "w")?, arg(psbt, "psbt")?) };
        // SAFETY: per the function contract.
        let o: BtcOptions =
            parse_json(unsafe { opt_arg(options_json, "options_json") }?, "options")?;
        let mut p = btc::psbt::parse(text.as_bytes())?;
        let report = btc::psbt::sign(
            &mut p,
            &ring(w, o.params()?, o.gap.unwrap_or(100).min(10_000))?,
            wallet_core::schnorr::AuxRand::Random,
        )?;
        if report.signed == 0 {
            return Err(failure(
                WalletStatus::InvalidInput,
                format!("nothing was signed: {:?}", report.inputs),
            ));
        }
        let mut v = json!({"signed": report.signed, "fee_sat": report.fee});
        if o.finalize {
            btc::psbt::finalize(&mut p)?;
            let raw = btc::psbt::extract(&p)?;
            v["txid"] = json!(btc::payment::txid_of(&raw)?);
            v["hex"] = json!(hex::encode(raw));
        } else {
            v["psbt"] = json!(btc::psbt::to_base64(&p));
        }
        // SAFETY: checked non-null.
        unsafe { put_json(out_json, v) }
    })
}

// ---------------------------------------------------------------------------
// Nodes

fn timeout(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms.clamp(100, 3_600_000)))
}

fn eth_node(url: &str, ms: u32) -> FfiResult<rpc::ethereum::EthNode> {
    let cfg = RpcConfig {
        timeout: timeout(ms),
        ..RpcConfig::default()
    };
    Ok(rpc::ethereum::EthNode::new(RpcClient::new(url, cfg)?))
}

/// Fills (one batched round trip), signs and sends an Ethereum transaction;
/// with `"wait":true`, waits for the receipt. Request as
/// `wallet_eth_sign_tx`, every fee/nonce/gas/chain field optional
/// (`chain_id` then guards against the wrong node). `*out_json`:
/// `{"hash","from","nonce",…,"status","block_number","gas_used"}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `rpc_url`, `request_json` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_eth_send(
    w: *const WalletHandle,
    rpc_url: *const c_char,
    request_json: *const c_char,
    timeout_ms: u32,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (w, url, req) = unsafe {
            (
                handle(w, "w")?,
                arg(rpc_url, "rpc_url")?,
                arg(request_json, "request_json")?,
            )
        };
        let r: EthTxRequest = parse_json(Some(req), "request")?;
        let key = w.eth_key(&r.key_choice())?;
        let from = EthAddress::from_public_key(&key.public_key());
        let node = eth_node(url, timeout_ms)?;
        let send = rpc::ethereum::SendRequest {
            to: r.to()?,
            value: r.value()?,
            data: r.data()?,
            access_list: r.access_list()?,
            legacy: r.legacy,
            gas_price: EthTxRequest::fee(&r.gas_price)?,
            max_fee: EthTxRequest::fee(&r.max_fee)?,
            priority_fee: EthTxRequest::fee(&r.priority_fee)?,
            gas: r.gas.map(Gas),
            nonce: r.nonce.map(Nonce),
            expected_chain_id: r.chain_id.map(ChainId),
        };
        let prepared = node.prepare_send(&from, &send)?;
        let (signed, hash) = node.sign_and_send(&prepared, &key)?;
        let mut v = signed_json(&signed, &from);
        v["hash"] = json!(format!("0x{}", hex::encode(hash)));
        if r.wait {
            let rc = node.wait_for_receipt(&hash, timeout(timeout_ms), |_| {})?;
            v["status"] = json!(rc.status);
            v["block_number"] = json!(rc.block_number);
            v["gas_used"] = json!(rc.gas_used);
            if let Some(c) = rc.contract_address {
                v["contract_address"] = json!(c.to_checksum());
            }
        }
        // SAFETY: checked non-null.
        unsafe { put_json(out_json, v) }
    })
}

/// The balance of `address` (0x…). `*out_json`: `{"address","wei","ether"}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `rpc_url`, `address` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_eth_balance(
    rpc_url: *const c_char,
    address: *const c_char,
    timeout_ms: u32,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (url, addr) = unsafe { (arg(rpc_url, "rpc_url")?, arg(address, "address")?) };
        let a: EthAddress = addr.parse()?;
        let wei = eth_node(url, timeout_ms)?.balance(&a)?;
        // SAFETY: checked non-null.
        unsafe {
            put_json(
                out_json,
                json!({"address": a.to_checksum(), "wei": wei.0.to_string(), "ether": wei.to_ether_string()}),
            )
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NodeAuth {
    user: Option<String>,
    password: Option<String>,
    cookie_file: Option<String>,
}

impl Drop for NodeAuth {
    fn drop(&mut self) {
        if let Some(p) = &mut self.password {
            p.zeroize();
        }
    }
}

fn btc_node(url: &str, auth_json: Option<&str>, ms: u32) -> FfiResult<rpc::bitcoin::BtcNode> {
    let a: NodeAuth = parse_json(auth_json, "auth")?;
    let auth = match (&a.user, &a.password, &a.cookie_file) {
        (Some(u), Some(p), _) => {
            rpc::bitcoin::Auth::UserPass(u.clone(), SecretString::from(p.as_str()))
        }
        (_, _, Some(c)) => rpc::bitcoin::Auth::Cookie(c.into()),
        _ => rpc::bitcoin::Auth::None,
    };
    Ok(rpc::bitcoin::BtcNode::connect(url, &auth, timeout(ms))?)
}

/// Broadcasts a signed transaction (hex) through a Bitcoin Core-style node
/// after checking its network. `auth_json`: NULL or
/// `{"user","password"}` / `{"cookie_file"}`; `options_json`: NULL or
/// `{"chain","network"}`. `*out_json`: `{"txid","vsize"}`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `rpc_url`, `raw_hex` NUL-terminated; JSON arguments NULL or strings;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_btc_broadcast(
    rpc_url: *const c_char,
    auth_json: *const c_char,
    options_json: *const c_char,
    raw_hex: *const c_char,
    timeout_ms: u32,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (url, raw) = unsafe { (arg(rpc_url, "rpc_url")?, arg(raw_hex, "raw_hex")?) };
        // SAFETY: per the function contract.
        let (auth, opts) = unsafe {
            (
                opt_arg(auth_json, "auth_json")?,
                opt_arg(options_json, "options_json")?,
            )
        };
        let o: BtcOptions = parse_json(opts, "options")?;
        let bytes = hex::decode(raw.trim())
            .map_err(|_| failure(WalletStatus::InvalidInput, "the transaction is not hex"))?;
        btc::payment::decode_tx(&bytes)?;
        let node = btc_node(url, auth, timeout_ms)?;
        node.check_network(o.params()?)?;
        let sent = rpc::bitcoin::broadcast(&node, &bytes)?;
        // SAFETY: checked non-null.
        unsafe { put_json(out_json, json!({"txid": sent.txid, "vsize": sent.vsize})) }
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BtcSendRequest {
    to: String,
    amount: String,
    fee_rate: Option<f64>,
    /// Accept a `fee_rate` above the 500 sat/vB safety cap.
    #[serde(default)]
    allow_high_fee: bool,
    change_type: Option<String>,
    gap: Option<u32>,
    chain: Option<String>,
    network: Option<String>,
}

/// Pays from an HD wallet's coins through a Bitcoin Core-style node (scan,
/// coin selection, change, RBF, sign, test, send). Request:
/// `{"to","amount":"0.5"|"5000sat","fee_rate":2.0,"change_type":"p2wpkh",
/// "gap":50,"chain":"btc","network":"mainnet"}` (a `fee_rate` above 500
/// sat/vB also needs `"allow_high_fee":true`). `*out_json`:
/// `{"txid","fee_sat","fee_rate","fee_rate_source","vsize","hex"}` (source:
/// `given`, `node_estimate` or `fallback`).
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `rpc_url`, `request_json` NUL-terminated; `auth_json` NULL or a
/// string; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_btc_send(
    w: *const WalletHandle,
    rpc_url: *const c_char,
    auth_json: *const c_char,
    request_json: *const c_char,
    timeout_ms: u32,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out_json, "out_json")?;
        // SAFETY: per the function contract.
        let (w, url, req) = unsafe {
            (
                handle(w, "w")?,
                arg(rpc_url, "rpc_url")?,
                arg(request_json, "request_json")?,
            )
        };
        // SAFETY: per the function contract.
        let auth = unsafe { opt_arg(auth_json, "auth_json") }?;
        let r: BtcSendRequest = parse_json(Some(req), "request")?;
        let params = NetworkParams::new(
            r.chain.as_deref().unwrap_or("btc").parse()?,
            r.network.as_deref().unwrap_or("mainnet").parse()?,
        )?;
        let master = w
            .secret
            .master()?
            .ok_or_else(|| failure(WalletStatus::Unsupported, "payments need an HD wallet"))?;
        let mut accounts = Vec::new();
        for kind in AddressType::ALL {
            let path = hd::account_path(kind.purpose().number(), params.coin_type(), 0)?;
            accounts.push(rpc::bitcoin::ScanAccount {
                kind,
                xpub: master.derive_path(&path)?.public_key(),
                next_change: w
                    .ks
                    .next_change_index(&w.name, &rpc::bitcoin::change_record_key(params, &path))?,
                path,
            });
        }
        let node = btc_node(url, auth, timeout_ms)?;
        let prepared = rpc::bitcoin::prepare_payment(
            &node,
            &accounts,
            params,
            master.fingerprint(),
            rpc::bitcoin::PaymentRequest {
                to: btc::Address::parse(&r.to, params)?,
                amount: btc::payment::parse_amount(&r.amount)?,
                fee_rate: r.fee_rate,
                change_kind: r.change_type.as_deref().unwrap_or("p2wpkh").parse()?,
                gap: r.gap.unwrap_or(50),
                allow_high_fee: r.allow_high_fee,
            },
        )?;
        let fee = prepared.selection.fee;
        let (rate, source) = (prepared.fee_rate, prepared.fee_rate_source);
        // The change index is recorded just before the payment is sent (a
        // skipped index costs nothing; a change address used twice links
        // the payments).
        let sent = rpc::bitcoin::complete_payment(&node, prepared, master, params, |p| {
            if p.selection.change.is_none() {
                return Ok(());
            }
            let acct = accounts
                .iter()
                .find(|a| a.kind == p.request.change_kind)
                .ok_or_else(|| wallet_core::Error::Internal("no change account".into()))?;
            w.ks.record_change_index(
                &w.name,
                &rpc::bitcoin::change_record_key(params, &acct.path),
                p.change_index.saturating_add(1),
            )
        })?;
        // SAFETY: checked non-null.
        unsafe {
            put_json(
                out_json,
                json!({"txid": sent.txid, "fee_sat": fee, "fee_rate": rate, "fee_rate_source": source, "vsize": sent.vsize, "hex": hex::encode(&sent.raw)}),
            )
        }
    })
}

/// The wallet's name (for display). Free `*out` with `wallet_string_free`.
///
/// # Safety
/// `w` live; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_handle_name(
    w: *const WalletHandle,
    out: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        check_out(out, "out")?;
        // SAFETY: per the function contract.
        let w = unsafe { handle(w, "w") }?;
        // SAFETY: checked non-null.
        unsafe { put_string(out, w.name.clone()) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_bad_utf8_are_statuses() {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: valid out pointer; NULL phrase on purpose.
        let st = unsafe { wallet_mnemonic_validate(std::ptr::null(), std::ptr::null(), &mut out) };
        assert_eq!(st, WalletStatus::NullPointer);
        let bad = [0xffu8, 0xfe, 0];
        // SAFETY: NUL-terminated invalid UTF-8 on purpose.
        let st =
            unsafe { wallet_mnemonic_validate(bad.as_ptr().cast(), std::ptr::null(), &mut out) };
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
}
