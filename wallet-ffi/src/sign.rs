//! Offline signing with an unlocked wallet: Ethereum transactions, EIP-191,
//! EIP-712, BIP137/BIP322 messages and PSBTs; message verification.

use crate::boundary::{arg, bytes_arg, guard, handle, opt_arg, FfiResult, Out};
use crate::keystore::WalletHandle;
use crate::status::WalletStatus;
use std::ffi::c_char;
use wallet_core::ethereum::TypedData;
use wallet_core::report::{PsbtOutcome, SignedEthAuthorization, SignedEthTx};
use wallet_core::request::{
    self, BtcOptions, EthAuthRequest, EthTxRequest, KeyRequest, MessageRequest,
    VerifyMessageRequest,
};
use wallet_core::wallet::{self, MessageCheck, MessageSignature, TypedDataSignature};

fn sign_tx(w: &WalletHandle, req: &str) -> FfiResult<SignedEthTx> {
    let r: EthTxRequest = request::parse(Some(req), "request")?;
    let (signed, _warnings) = w.unlocked.sign_eth_offline(r.offline()?, &r.choice()?)?;
    Ok(signed)
}

fn sign_auth(w: &WalletHandle, req: &str) -> FfiResult<SignedEthAuthorization> {
    let r: EthAuthRequest = request::parse(Some(req), "request")?;
    let signed = w
        .unlocked
        .sign_eth_authorization(r.authorization()?, &r.choice()?)?;
    Ok(SignedEthAuthorization::of(&signed))
}

fn personal_sign(w: &WalletHandle, key: Option<&str>, msg: &[u8]) -> FfiResult<MessageSignature> {
    let k: KeyRequest = request::parse(key, "key")?;
    Ok(w.unlocked.sign_eth_message(msg, &k.choice()?)?)
}

fn sign_message(w: &WalletHandle, req: Option<&str>, msg: &[u8]) -> FfiResult<MessageSignature> {
    let r: MessageRequest = request::parse(req, "request")?;
    let sel = r.key.selection()?;
    Ok(w.unlocked.sign_message_as(msg, &sel, r.scheme()?)?)
}

fn verify_message(req: &str, msg: &[u8]) -> FfiResult<MessageCheck> {
    let r: VerifyMessageRequest = request::parse(Some(req), "request")?;
    let chain = r.chain.as_deref().unwrap_or("btc").parse()?;
    let network = r.network.as_deref().unwrap_or("mainnet").parse()?;
    Ok(wallet::verify_message(
        chain,
        network,
        &r.address,
        msg,
        &r.signature,
    )?)
}

fn typed_data(w: &WalletHandle, key: Option<&str>, doc: &str) -> FfiResult<TypedDataSignature> {
    let k: KeyRequest = request::parse(key, "key")?;
    Ok(w.unlocked
        .sign_typed_data(&TypedData::from_json(doc)?, &k.choice()?)?)
}

fn sign_psbt(w: &WalletHandle, psbt: &str, options: Option<&str>) -> FfiResult<PsbtOutcome> {
    let o: BtcOptions = request::parse(options, "options")?;
    let gap = o.gap.unwrap_or(100);
    let (outcome, _) = w
        .unlocked
        .sign_psbt(psbt.as_bytes(), o.params()?, gap, &o.policy()?)?;
    Ok(outcome)
}

/// Signs an Ethereum transaction offline. Request fields: `to` (or
/// `"create":true` with the init code as `data`), `value`, `data`,
/// `nonce`, `gas`, `chain_id` (required), and `max_fee` + `priority_fee`
/// (EIP-1559) or `gas_price` (EIP-2930; with `"legacy":true` legacy
/// EIP-155), optional `access_list` (standard JSON),
/// `blob_versioned_hashes` + `max_fee_per_blob_gas` (an EIP-4844 blob
/// transaction; the sidecar is not built), `authorization_list` (an
/// EIP-7702 set-code transaction: entries are signed authorizations, or
/// `{"address":…}` for the sender's own delegation, signed at nonce + 1),
/// `allow_high_fee` (above 1000 gwei per gas), key choice
/// `account`/`index`/`path`. `*out_json` is the signed transaction:
/// `{"raw","hash","from","to","type","chain_id","nonce","gas","value",
/// "data",…fees…,"v","r","s"}` (and `blob_versioned_hashes`,
/// `max_fee_per_blob_gas`, `authorization_list` for types 3 and 4).
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
        // SAFETY: per the function contract.
        let (out, w, req) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                arg(request_json, "request_json")?,
            )
        };
        out.put_json(&sign_tx(w, req)?)
    })
}

/// Signs an EIP-7702 authorization. Request:
/// `{"address":"0x…","nonce":N,"chain_id":C}` (chain id 0: every chain)
/// and the key `account`/`index`/`path`. `*out_json`:
/// `{"raw","chain_id","address","nonce","y_parity","r","s","authority"}`,
/// `raw` being the RLP form `cast wallet sign-auth` prints.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `request_json` NUL-terminated; `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_eth_sign_auth(
    w: *const WalletHandle,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, w, req) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                arg(request_json, "request_json")?,
            )
        };
        out.put_json(&sign_auth(w, req)?)
    })
}

/// EIP-191 `personal_sign` of `len` bytes at `message`. `key_json`: NULL or
/// a key choice. `*out_json`: `{"signature":"0x…","address":"0x…",
/// "message_hash":"0x…","path":"m/…"}`.
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
        // SAFETY: per the function contract.
        let (out, w, key, msg) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                opt_arg(key_json, "key_json")?,
                bytes_arg(message, len, "message")?,
            )
        };
        out.put_json(&personal_sign(w, key, msg)?)
    })
}

/// Signs `len` bytes at `message` with the key of one address.
/// `request_json`: NULL (BIP137, the first BTC P2WPKH address) or
/// `{"key":{"chain":"btc","type":"p2tr","network":"mainnet","account":0,
/// "index":0,"path":"m/…"},"scheme":"bip322"}` with `scheme` one of
/// `bip137` (default), `bip322` (the format BIP322 prescribes for the type),
/// `bip322-legacy`, `bip322-simple`, `bip322-full`; `"chain":"eth"` signs
/// EIP-191. `*out_json`: `{"signature","address","format","path"}`
/// (`message_hash` on Ethereum).
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `w` live; `request_json` NULL or a string; `message` valid for `len`
/// bytes (may be NULL when `len` is 0); `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_sign_message(
    w: *const WalletHandle,
    request_json: *const c_char,
    message: *const u8,
    len: usize,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, w, req, msg) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                opt_arg(request_json, "request_json")?,
                bytes_arg(message, len, "message")?,
            )
        };
        out.put_json(&sign_message(w, req, msg)?)
    })
}

/// Verifies a message signature (no wallet needed). `request_json`:
/// `{"chain":"btc","network":"mainnet","address":"…","signature":"…"}`;
/// Bitcoin-family signatures may be BIP137 or any BIP322 format (detected).
/// `*out_json`: `{"valid":true,"address","format","lock_time","sequence",
/// "proven"}`; a signature that does not match is `WALLET_BAD_SIGNATURE`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `request_json` NUL-terminated; `message` valid for `len` bytes (may be
/// NULL when `len` is 0); `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_verify_message(
    request_json: *const c_char,
    message: *const u8,
    len: usize,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, req, msg) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                arg(request_json, "request_json")?,
                bytes_arg(message, len, "message")?,
            )
        };
        out.put_json(&verify_message(req, msg)?)
    })
}

/// Signs EIP-712 typed data (the standard JSON form). `*out_json`:
/// `{"signature","address","digest","domain_separator","primary_type"}`.
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
        // SAFETY: per the function contract.
        let (out, w, key, doc) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                opt_arg(key_json, "key_json")?,
                arg(typed_data_json, "typed_data_json")?,
            )
        };
        out.put_json(&typed_data(w, key, doc)?)
    })
}

/// Signs the wallet's inputs of a PSBT (base64, or hex). Options:
/// `{"chain":"btc","network":"mainnet","finalize":false,"gap":100}`.
/// `*out_json`: `{"signed":N,"inputs":[…],"fee_sat":…,"psbt":"…"}` or,
/// finalized, `{…,"hex":"…","txid":"…","vsize":…,"complete":true}`.
/// Nothing signed is an error.
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
        // SAFETY: per the function contract.
        let (out, w, text, options) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                arg(psbt, "psbt")?,
                opt_arg(options_json, "options_json")?,
            )
        };
        out.put_json(&sign_psbt(w, text, options)?)
    })
}
