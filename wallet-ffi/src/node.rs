//! Node operations: Ethereum sends and balances, Bitcoin-family payments and
//! broadcasts.

use crate::boundary::{arg, failure, guard, handle, opt_arg, FfiResult, Out};
use crate::keystore::WalletHandle;
use crate::status::WalletStatus;
use std::ffi::c_char;
use std::time::Duration;
use wallet_core::ethereum::Address;
use wallet_core::request::{
    self, BtcOptions, BtcSendRequest, EthTxRequest, EthVerifyRequest, NodeAuth,
};
use wallet_core::rpc::bitcoin::BtcNode;
use wallet_core::rpc::ethereum::EthNode;
use wallet_core::rpc::{RpcClient, RpcConfig};
use wallet_core::spend::ethereum::confirm_eth_send;
use wallet_core::verify::{EthVerifier, Verified, VerifyOptions};
use wallet_core::wallet::{BtcBroadcast, EthBalance, EthSendResult};

fn timeout(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms.clamp(100, 3_600_000)))
}

fn eth_node(url: &str, ms: u32) -> FfiResult<EthNode> {
    let cfg = RpcConfig {
        timeout: timeout(ms),
        ..RpcConfig::default()
    };
    Ok(EthNode::new(RpcClient::new(url, cfg)?))
}

fn btc_node(url: &str, auth: Option<&str>, ms: u32) -> FfiResult<BtcNode> {
    let a: NodeAuth = request::parse(auth, "auth")?;
    Ok(BtcNode::connect(url, &a.auth(), timeout(ms))?)
}

/// The first node and the witnesses, each with the call's timeout.
fn eth_nodes(url: &str, witnesses: &[String], ms: u32) -> FfiResult<Vec<EthNode>> {
    std::iter::once(url)
        .chain(witnesses.iter().map(String::as_str))
        .map(|u| eth_node(u, ms))
        .collect()
}

fn eth_send_json(w: &WalletHandle, url: &str, req: &str, ms: u32) -> FfiResult<serde_json::Value> {
    let r: EthTxRequest = request::parse(Some(req), "request")?;
    let Some(opts) = r.verify_options()? else {
        let v = eth_send(w, url, &r, ms)?;
        return serde_json::to_value(v).map_err(json_failure);
    };
    let nodes = eth_nodes(url, &r.witness_urls, ms)?;
    let refs: Vec<&EthNode> = nodes.iter().collect();
    let mut verifier = EthVerifier::establish(&refs, &opts)?;
    let choice = r.choice()?;
    let prepared =
        w.unlocked
            .prepare_eth_send_verified(&mut verifier, &r.send_request()?, &choice)?;
    let node = verifier.primary();
    let (mut v, hash) = w.unlocked.send_eth(node, &prepared, &choice)?;
    if r.wait {
        let receipt = confirm_eth_send(node, &hash, timeout(ms), Some(&mut verifier), |_| {})?;
        v = v.with_receipt(&receipt);
    }
    let report = verifier.report();
    serde_json::to_value(Verified {
        value: &v,
        verified: &report,
    })
    .map_err(json_failure)
}

fn json_failure(e: serde_json::Error) -> crate::boundary::Failure {
    failure(WalletStatus::Internal, format!("result JSON: {e}"))
}

fn eth_send(w: &WalletHandle, url: &str, r: &EthTxRequest, ms: u32) -> FfiResult<EthSendResult> {
    let choice = r.choice()?;
    let node = eth_node(url, ms)?;
    let prepared = w
        .unlocked
        .prepare_eth_send(&node, &r.send_request()?, &choice)?;
    let (mut v, hash) = w.unlocked.send_eth(&node, &prepared, &choice)?;
    if r.wait {
        v = v.with_receipt(&confirm_eth_send(&node, &hash, timeout(ms), None, |_| {})?);
    }
    Ok(v)
}

fn btc_send(
    w: &WalletHandle,
    url: &str,
    auth: Option<&str>,
    req: &str,
    ms: u32,
) -> FfiResult<serde_json::Value> {
    let r: BtcSendRequest = request::parse(Some(req), "request")?;
    let (params, payment) = r.payment()?;
    let node = btc_node(url, auth, ms)?;
    let Some(opts) = r.verify_options()? else {
        let (prepared, accounts) = w.unlocked.prepare_btc_payment(&node, params, payment)?;
        let v = w
            .unlocked
            .send_btc_payment(&node, params, prepared, &accounts)?;
        return serde_json::to_value(v).map_err(json_failure);
    };
    let (prepared, accounts, report) = w
        .unlocked
        .prepare_btc_payment_verified(&node, params, payment, &opts)?;
    let v = w
        .unlocked
        .send_btc_payment(&node, params, prepared, &accounts)?;
    serde_json::to_value(Verified {
        value: &v,
        verified: &report,
    })
    .map_err(json_failure)
}

fn eth_balance_verified(
    url: &str,
    address: &str,
    options: Option<&str>,
    ms: u32,
) -> FfiResult<serde_json::Value> {
    let o: EthVerifyRequest = request::parse(options, "options")?;
    let opts: VerifyOptions = o.options()?;
    let a: Address = address.parse()?;
    let nodes = eth_nodes(url, &o.witness_urls, ms)?;
    let refs: Vec<&EthNode> = nodes.iter().collect();
    let mut verifier = EthVerifier::establish(&refs, &opts)?;
    let account = verifier.account(&a)?;
    let report = verifier.report();
    serde_json::to_value(Verified {
        value: &EthBalance::of(&a, account.balance),
        verified: &report,
    })
    .map_err(json_failure)
}

/// Fills (one batched round trip), signs and sends an Ethereum transaction;
/// with `"wait":true`, waits for the receipt. Request as
/// `wallet_eth_sign_tx`, every fee/nonce/gas field optional. `chain_id` is
/// required unless the node serves a development chain (31337, 1337), and
/// the node must serve it; fees above 10× the node's recent fees (at least
/// 100 gwei) are refused unless `"allow_high_fee":true` (a node's own
/// suggestion above that is always refused). `*out_json`: the signed
/// transaction, `"already_known":true` when the node had it already,
/// `"warnings"`, and, after waiting, `"status","reverted","block_number",
/// "gas_used","effective_gas_price","contract_address"`. No receipt within
/// the timeout is `WALLET_TIMEOUT` with a message saying the transaction is
/// pending. With `"verify":true` the nonce and balance are proven at a
/// trusted block before signing (`"trusted_block":"0x…"`, or the block
/// `"quorum"` of the node and `"witness_urls"` agree on), the receipt too
/// when waited for, and `*out_json` carries `"verified":{…}`; a nonce or
/// balance proof that does not hold is `WALLET_UNVERIFIED` and nothing is
/// signed. A failure after the send (the receipt wait, or its proof) keeps
/// its status and says `"sent":true,"tx":"0x…"` in the error's details: the
/// transaction went out, look it up before sending again.
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
        // SAFETY: per the function contract.
        let (out, w, url, req) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                arg(rpc_url, "rpc_url")?,
                arg(request_json, "request_json")?,
            )
        };
        out.put_json(&eth_send_json(w, url, req, timeout_ms)?)
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
        // SAFETY: per the function contract.
        let (out, url, addr) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                arg(rpc_url, "rpc_url")?,
                arg(address, "address")?,
            )
        };
        let a: Address = addr.parse()?;
        let wei = eth_node(url, timeout_ms)?.balance(&a)?;
        out.put_json(&EthBalance::of(&a, wei))
    })
}

/// Broadcasts a signed transaction (hex) through a Bitcoin Core-style node
/// after checking its network. `auth_json`: NULL or
/// `{"user","password"}` / `{"cookie_file"}`; `options_json`: NULL or
/// `{"chain","network"}`. `*out_json`: `{"txid","in_mempool","confirmed","vsize"}`.
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
        // SAFETY: per the function contract.
        let (out, url, auth, options, raw) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                arg(rpc_url, "rpc_url")?,
                opt_arg(auth_json, "auth_json")?,
                opt_arg(options_json, "options_json")?,
                arg(raw_hex, "raw_hex")?,
            )
        };
        let o: BtcOptions = request::parse(options, "options")?;
        let bytes = hex::decode(raw.trim())
            .map_err(|_| failure(WalletStatus::InvalidInput, "the transaction is not hex"))?;
        let node = btc_node(url, auth, timeout_ms)?;
        out.put_json(&BtcBroadcast::send(&node, o.params()?, &bytes)?)
    })
}

/// Pays from the wallet's coins through a Bitcoin Core-style node (scan,
/// coin selection, change, RBF, sign, test, send); a single-key wallet
/// spends from its address of every type it has and gets its change back
/// on its own address. Request: `{"to","amount":"0.5"|"5000sat"|"max",
/// "fee_rate":2.0,"change_type":"p2wpkh","gap":50,"chain":"btc",
/// "network":"mainnet"}`, or `"payees":[{"to","amount"},…]` instead of
/// `to`/`amount` for several recipients in one transaction (`"max"`:
/// everything spendable less the fee, no change, the only recipient; a
/// `fee_rate` above 500 sat/vB also needs `"allow_high_fee":true`).
/// `*out_json`: the payment: `{"to" (one recipient),"amount_sat" (the
/// sum),"payees":[{"to","amount_sat","max"}],"fee_sat","fee_rate",
/// "fee_rate_source","inputs","change","txid","hex","vsize"}` (source:
/// `given`, `node_estimate` or `fallback`).
/// With `"verify":true` every coin spent is proven in the node's header
/// chain from `"checkpoint":"HEIGHT:HASH"` (default: the built-in one,
/// regtest's genesis) before signing, and `*out_json` carries
/// `"verified":{…}`; a proof that does not hold is `WALLET_UNVERIFIED`.
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
        // SAFETY: per the function contract.
        let (out, w, url, auth, req) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                handle(w, "w")?,
                arg(rpc_url, "rpc_url")?,
                opt_arg(auth_json, "auth_json")?,
                arg(request_json, "request_json")?,
            )
        };
        out.put_json(&btc_send(w, url, auth, req, timeout_ms)?)
    })
}

/// The balance of `address` (0x…), proven against a trusted block's state
/// root. `options_json`: NULL or `{"trusted_block":"0x…","quorum":2,
/// "witness_urls":["http://…"]}` (default: the latest block of a
/// development chain, else the finalized block, that every node agrees
/// on). `*out_json`: `{"address","wei","ether","verified":{…}}`; a proof
/// that does not hold is `WALLET_UNVERIFIED`.
/// The caller owns `*out_json` on success: free it with `wallet_string_free`.
///
/// # Safety
/// `rpc_url`, `address` NUL-terminated; `options_json` NULL or a string;
/// `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn wallet_eth_balance_verified(
    rpc_url: *const c_char,
    address: *const c_char,
    options_json: *const c_char,
    timeout_ms: u32,
    out_json: *mut *mut c_char,
) -> WalletStatus {
    guard(|| {
        // SAFETY: per the function contract.
        let (out, url, addr, options) = unsafe {
            (
                Out::new(out_json, "out_json")?,
                arg(rpc_url, "rpc_url")?,
                arg(address, "address")?,
                opt_arg(options_json, "options_json")?,
            )
        };
        out.put_json(&eth_balance_verified(url, addr, options, timeout_ms)?)
    })
}
