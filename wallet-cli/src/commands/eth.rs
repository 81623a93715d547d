//! `wallet eth …`: sign transactions and typed data, send through a node,
//! balances, broadcast and decode.

use crate::args::{EthCommand, EthSendArgs, EthSignTxArgs, EthTxArgs, EthUnitArg, KeyArgs};
use crate::error::CliError;
use crate::output::Ctx;
use crate::{prompt, select, session};
use std::time::Duration;
use wallet_core::ethereum::{
    self, transaction, Address, ChainId, Fees, Gas, Nonce, SignedTransaction, Transaction, Unit,
    Wei,
};
use wallet_core::report::SignedEthTx;
use wallet_core::rpc::ethereum::EthNode;
use wallet_core::spend::ethereum::{PreparedSend, SendRequest};
use wallet_core::wallet::{EthBalance, EthSendResult};
use wallet_core::ErrorKind;

/// Runs an `eth` subcommand.
pub fn run(cmd: EthCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        EthCommand::SignTx(a) => sign_tx(&a, ctx),
        EthCommand::SignTypedData { name, file, key } => sign_typed_data(&name, &file, &key, ctx),
        EthCommand::Send(a) => send(&a, ctx),
        EthCommand::Broadcast {
            rpc_url,
            raw,
            wait,
            timeout,
        } => broadcast(rpc_url.as_deref(), raw.as_deref(), wait, timeout, ctx),
        EthCommand::Balance {
            target,
            rpc_url,
            timeout,
            unit,
            key,
        } => balance(&target, rpc_url.as_deref(), timeout, unit, &key, ctx),
        EthCommand::DecodeTx { raw } => decode_tx(raw.as_deref(), ctx),
    }
}

fn parse_to(to: Option<&str>) -> Result<Option<Address>, CliError> {
    to.map(|t| t.parse::<Address>().map_err(CliError::from))
        .transpose()
}

fn parse_data(data: Option<&str>) -> Result<Vec<u8>, CliError> {
    match data {
        None => Ok(Vec::new()),
        Some(d) => {
            let t = d.trim();
            let t = t.strip_prefix("0x").unwrap_or(t);
            hex::decode(t).map_err(|_| {
                CliError::user(ErrorKind::InvalidInput, "--data is not hex (write 0x…)")
            })
        }
    }
}

fn fee(s: Option<&str>, what: &str) -> Result<Option<Wei>, CliError> {
    s.map(|s| {
        Wei::parse(s, Unit::Wei)
            .map_err(|e| CliError::user(ErrorKind::InvalidInput, format!("{what}: {e}")))
    })
    .transpose()
}

fn access_list(path: Option<&std::path::Path>) -> Result<Vec<ethereum::AccessListItem>, CliError> {
    match path {
        None => Ok(Vec::new()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| CliError::io("access list", p, &e))?;
            Ok(transaction::parse_access_list(&text)?)
        }
    }
}

/// Builds the fee model from the flags (all given), for `sign-tx`.
fn fees_from_flags(tx: &EthTxArgs) -> Result<Fees, CliError> {
    let max_fee = fee(tx.max_fee.as_deref(), "--max-fee")?;
    let priority = fee(tx.priority_fee.as_deref(), "--priority-fee")?;
    let gas_price = fee(tx.gas_price.as_deref(), "--gas-price")?;
    Fees::from_prices(max_fee, priority, gas_price, tx.legacy).ok_or_else(|| {
        CliError::usage(
            "give --max-fee and --priority-fee (EIP-1559), or --gas-price (EIP-2930; with --legacy a legacy EIP-155 transaction)",
        )
    })
}

fn sign_tx(a: &EthSignTxArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tx = Transaction {
        chain_id: Some(ChainId(a.chain_id)),
        nonce: Nonce(a.nonce),
        gas: Gas(a.gas),
        fees: fees_from_flags(&a.tx)?,
        to: parse_to(a.tx.to.as_deref())?,
        value: Wei::parse(&a.tx.value, Unit::Ether)?,
        data: parse_data(a.tx.data.as_deref())?,
        access_list: access_list(a.tx.access_list.as_deref())?,
    };
    tx.signing_payload()?;
    let w = session::open(ctx, &a.name)?;
    let choice = select::key_choice(&a.key)?;
    w.stored_public_key(&choice)?;
    let v = session::unlock(ctx, &w)?.sign_eth_tx(tx, &choice)?;
    ctx.emit(&v, |out| {
        writeln!(out, "{}", v.raw)?;
        writeln!(out, "hash: {}", v.hash)
    })
}

/// EIP-712 typed data (the standard JSON form) from a file, or stdin for `-`.
pub fn read_typed_data(file: &std::path::Path) -> Result<ethereum::TypedData, CliError> {
    let text = if file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| CliError::user(ErrorKind::Io, format!("cannot read stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(file).map_err(|e| CliError::io("typed data file", file, &e))?
    };
    Ok(ethereum::TypedData::from_json(&text)?)
}

fn sign_typed_data(
    name: &str,
    file: &std::path::Path,
    key: &KeyArgs,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let td = read_typed_data(file)?;
    let w = session::open(ctx, name)?;
    let choice = select::key_choice(key)?;
    w.stored_public_key(&choice)?;
    let v = session::unlock(ctx, &w)?.sign_typed_data(&td, &choice)?;
    ctx.emit(&v, |out| writeln!(out, "{}", v.signature))
}

/// The node of `--rpc-url` (or its defaults); with `overall`, `timeout`
/// bounds the whole command, else each request.
fn node(url: Option<&str>, timeout: u64, overall: bool) -> Result<EthNode, CliError> {
    crate::node::eth(url, timeout, overall)
}

fn send_request(a: &EthSendArgs) -> Result<SendRequest, CliError> {
    Ok(SendRequest {
        to: parse_to(a.tx.to.as_deref())?,
        value: Wei::parse(&a.tx.value, Unit::Ether)?,
        data: parse_data(a.tx.data.as_deref())?,
        access_list: access_list(a.tx.access_list.as_deref())?,
        legacy: a.tx.legacy,
        gas_price: fee(a.tx.gas_price.as_deref(), "--gas-price")?,
        max_fee: fee(a.tx.max_fee.as_deref(), "--max-fee")?,
        priority_fee: fee(a.tx.priority_fee.as_deref(), "--priority-fee")?,
        gas: a.gas.map(Gas),
        nonce: a.nonce.map(Nonce),
        expected_chain_id: a.chain_id.map(ChainId),
    })
}

fn send_summary(p: &PreparedSend) -> String {
    let tx = &p.tx;
    let fees = match &tx.fees {
        Fees::Eip1559 {
            max_fee,
            max_priority_fee,
        } => format!(
            "max fee {} gwei, priority fee {} gwei",
            max_fee.to_gwei_string(),
            max_priority_fee.to_gwei_string()
        ),
        Fees::Legacy { gas_price } | Fees::AccessList { gas_price } => {
            format!("gas price {} gwei", gas_price.to_gwei_string())
        }
    };
    format!(
        "Send {} ETH from {} to {} on chain {}\n  nonce {}, gas {}, {fees}\n  at most {} ETH in total",
        tx.value.to_ether_string(),
        p.from.to_checksum(),
        tx.to
            .map_or_else(|| "a new contract".to_owned(), |t| t.to_checksum()),
        tx.chain_id.map_or(0, |c| c.0),
        tx.nonce.0,
        tx.gas.0,
        p.max_cost.to_ether_string()
    )
}

fn send(a: &EthSendArgs, ctx: &Ctx) -> Result<(), CliError> {
    let req = send_request(a)?;
    let w = session::open(ctx, &a.name)?;
    let choice = select::key_choice(&a.key)?;
    w.stored_public_key(&choice)?;
    // The sender comes from the decrypted key, not the file's metadata.
    let unlocked = session::unlock(ctx, &w)?;
    let node = node(a.rpc_url.as_deref(), a.timeout, false)?;
    // One round trip for every read.
    let prepared = unlocked.prepare_eth_send(&node, &req, &choice)?;
    ctx.summary(&send_summary(&prepared), a.yes);
    prompt::confirm(a.yes, "Send this transaction?", "yes")?;
    let (mut v, hash) = unlocked.send_eth(&node, &prepared, &choice)?;
    drop(unlocked);
    if a.wait {
        v = wait_and_report(&node, &hash, a.timeout, ctx, v)?;
    }
    ctx.emit(&v, |out| {
        writeln!(out, "{}", v.tx.hash)?;
        if let (Some(status), Some(block), Some(gas)) = (v.status, v.block_number, v.gas_used) {
            writeln!(out, "status {status} in block {block}, gas used {gas}")?;
        }
        Ok(())
    })
}

fn wait_and_report(
    node: &EthNode,
    hash: &[u8; 32],
    timeout: u64,
    ctx: &Ctx,
    v: EthSendResult,
) -> Result<EthSendResult, CliError> {
    // Redrawn on a terminal only; ended before whatever is printed next.
    let r = node.wait_for_receipt(hash, Duration::from_secs(timeout), |elapsed| {
        if elapsed.as_secs() >= 1 {
            crate::status::progress(&format!(
                "waiting for the receipt of 0x{}… {}s",
                hex::encode(&hash[..4]),
                elapsed.as_secs()
            ));
        }
    });
    crate::status::end_line();
    let r = r?;
    if r.status != 1 {
        ctx.warn("the transaction was mined but reverted (status 0)");
    }
    Ok(v.with_receipt(&r))
}

fn read_raw(raw: Option<&str>, ctx: &Ctx) -> Result<Vec<u8>, CliError> {
    let text = match raw {
        Some(r) if r != "-" => r.to_owned(),
        _ => {
            crate::status::stdin_notice(ctx, "the raw transaction (hex)");
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| CliError::user(ErrorKind::Io, format!("cannot read stdin: {e}")))?;
            s
        }
    };
    let t = text.trim();
    let t = t.strip_prefix("0x").unwrap_or(t);
    if t.is_empty() {
        return Err(CliError::user(
            ErrorKind::InvalidInput,
            "no raw transaction given",
        ));
    }
    hex::decode(t)
        .map_err(|_| CliError::user(ErrorKind::InvalidInput, "the raw transaction is not hex"))
}

fn decoded(bytes: &[u8]) -> Result<(SignedTransaction, SignedEthTx), CliError> {
    let signed = SignedTransaction::decode(bytes)?;
    let from = signed.sender()?;
    let view = SignedEthTx::of(&signed, &from);
    Ok((signed, view))
}

fn decode_tx(raw: Option<&str>, ctx: &Ctx) -> Result<(), CliError> {
    let (_, v) = decoded(&read_raw(raw, ctx)?)?;
    ctx.emit(&v, |w| {
        writeln!(
            w,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )
    })
}

fn broadcast(
    url: Option<&str>,
    raw: Option<&str>,
    wait: bool,
    timeout: u64,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let bytes = read_raw(raw, ctx)?;
    let (signed, view) = decoded(&bytes)?;
    let node = node(url, timeout, false)?;
    if let Some(c) = signed.tx.chain_id {
        let served = node.chain_id()?;
        if served != c {
            return Err(wallet_core::Error::WrongChain(format!(
                "the transaction is for chain id {}, but the node at {} serves chain id {}; nothing was sent",
                c.0,
                node.rpc().url(),
                served.0
            ))
            .into());
        }
    }
    let hash = node.send_raw(&bytes)?;
    let mut v = EthSendResult::sent(view);
    v.tx.hash = format!("0x{}", hex::encode(hash));
    if wait {
        v = wait_and_report(&node, &hash, timeout, ctx, v)?;
    }
    ctx.emit(&v, |w| writeln!(w, "{}", v.tx.hash))
}

fn balance(
    target: &str,
    url: Option<&str>,
    timeout: u64,
    unit: EthUnitArg,
    key: &KeyArgs,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let address = if target.starts_with("0x") || target.starts_with("0X") {
        target.parse::<Address>()?
    } else {
        let w = session::open(ctx, target)?;
        let choice = select::key_choice(key)?;
        match w.stored_public_key(&choice)? {
            Some(pk) => Address::from_public_key(&pk),
            None => {
                let k = session::unlock(ctx, &w)?.eth_key(&choice)?;
                Address::from_public_key(&k.public_key())
            }
        }
    };
    let wei = node(url, timeout, true)?.balance(&address)?;
    let v = EthBalance::of(&address, wei);
    let shown = crate::units::eth_amount(wei, unit);
    let mut json = serde_json::to_value(&v)
        .map_err(|e| CliError::user(ErrorKind::Internal, format!("result JSON: {e}")))?;
    if unit != EthUnitArg::Eth {
        json["amount"] = shown.clone().into();
    }
    ctx.emit(&json, |w| writeln!(w, "{shown}"))
}
