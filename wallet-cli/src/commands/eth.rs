//! `wallet eth …`: sign transactions and typed data, send through a node,
//! balances, broadcast and decode.

use crate::args::{EthCommand, EthTxArgs, KeyArgs};
use crate::commands::keys::{load, unlock};
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use serde_json::{json, Value};
use std::time::Duration;
use wallet_core::ethereum::{
    self, transaction, Address, ChainId, Fees, Gas, Nonce, SignedTransaction, Transaction, Unit,
    Wei,
};
use wallet_core::hd::{self, DerivationPath};
use wallet_core::key::{PrivateKey, PublicKey};
use wallet_core::keystore::{WalletFile, WalletKind, WalletSecret};
use wallet_core::rpc::ethereum::{EthNode, SendRequest};
use wallet_core::rpc::{RpcClient, RpcConfig};
use wallet_core::ErrorKind;

/// Runs an `eth` subcommand.
pub fn run(cmd: EthCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        EthCommand::SignTx {
            name,
            tx,
            nonce,
            gas,
            chain_id,
            key,
        } => sign_tx(&name, &tx, nonce, gas, chain_id, &key, ctx),
        EthCommand::SignTypedData { name, file, key } => sign_typed_data(&name, &file, &key, ctx),
        EthCommand::Send {
            name,
            rpc_url,
            tx,
            chain_id,
            nonce,
            gas,
            wait,
            timeout,
            yes,
            key,
        } => send(
            &SendArgs {
                name: &name,
                rpc_url: &rpc_url,
                tx: &tx,
                chain_id,
                nonce,
                gas,
                wait,
                timeout,
                yes,
                key: &key,
            },
            ctx,
        ),
        EthCommand::Broadcast {
            rpc_url,
            raw,
            wait,
            timeout,
        } => broadcast(&rpc_url, raw.as_deref(), wait, timeout, ctx),
        EthCommand::Balance {
            target,
            rpc_url,
            key,
        } => balance(&target, &rpc_url, &key, ctx),
        EthCommand::DecodeTx { raw } => decode_tx(raw.as_deref(), ctx),
    }
}

/// The path of the Ethereum key a command uses (HD wallets).
pub fn eth_path(key: &KeyArgs) -> Result<DerivationPath, CliError> {
    match &key.path {
        Some(p) => Ok(p.parse()?),
        None => Ok(hd::ethereum_path(
            key.account.unwrap_or(0),
            key.index.unwrap_or(0),
        )?),
    }
}

/// The public key at `path` without the password, when the file holds it.
pub fn stored_public_key(
    file: &WalletFile,
    path: &DerivationPath,
) -> Result<Option<PublicKey>, CliError> {
    let public = file.public();
    if file.kind() == WalletKind::PrivateKey {
        return Ok(public.single_key().transpose()?);
    }
    let idx = path.indexes();
    if idx.len() != 5 || path.hardened_prefix_len() != 3 {
        return Ok(None);
    }
    let account = DerivationPath::from_indexes(idx[..3].to_vec())?;
    match public.account_xpub(&account) {
        Some(x) => Ok(Some(x?.derive_child(idx[3])?.child_public_key(idx[4])?)),
        None => Ok(None),
    }
}

/// The private key at `path` (or the single key), after the password.
pub fn private_key(secret: &WalletSecret, path: &DerivationPath) -> Result<PrivateKey, CliError> {
    match secret {
        WalletSecret::PrivateKey { key, .. } => Ok(key.clone()),
        _ => {
            let master = secret
                .master()?
                .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?;
            Ok(master.derive_path(path)?.private_key().clone())
        }
    }
}

fn reject_key_args_for_single(file: &WalletFile, key: &KeyArgs) -> Result<(), CliError> {
    if file.kind() == WalletKind::PrivateKey
        && (key.path.is_some() || key.account.is_some() || key.index.is_some())
    {
        return Err(CliError::usage(
            "this wallet is a single key: --path, --account and --index do not apply",
        ));
    }
    Ok(())
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

fn fee(s: &str, what: &str) -> Result<Wei, CliError> {
    Wei::parse(s, Unit::Wei)
        .map_err(|e| CliError::user(ErrorKind::InvalidInput, format!("{what}: {e}")))
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

fn tx_json(signed: &SignedTransaction, from: &Address) -> Value {
    let tx = &signed.tx;
    let mut v = json!({
        "raw": format!("0x{}", hex::encode(signed.to_raw())),
        "hash": format!("0x{}", hex::encode(signed.hash())),
        "from": from.to_checksum(),
        "type": tx.tx_type(),
        "nonce": tx.nonce.0,
        "gas": tx.gas.0,
        "value": tx.value.0.to_string(),
        "data": format!("0x{}", hex::encode(&tx.data)),
        "v": signed.v(),
        "r": format!("0x{}", hex::encode(signed.signature.r)),
        "s": format!("0x{}", hex::encode(signed.signature.s)),
    });
    v["to"] = tx.to.map_or(Value::Null, |a| json!(a.to_checksum()));
    v["chain_id"] = tx.chain_id.map_or(Value::Null, |c| json!(c.0));
    match &tx.fees {
        Fees::Legacy { gas_price } | Fees::AccessList { gas_price } => {
            v["gas_price"] = json!(gas_price.0.to_string());
        }
        Fees::Eip1559 {
            max_fee,
            max_priority_fee,
        } => {
            v["max_fee_per_gas"] = json!(max_fee.0.to_string());
            v["max_priority_fee_per_gas"] = json!(max_priority_fee.0.to_string());
        }
    }
    if tx.tx_type() != 0 {
        v["access_list"] = serde_json::to_value(&tx.access_list).unwrap_or(Value::Null);
    }
    v
}

/// Builds the fee model from the flags (all given), for `sign-tx`.
fn fees_from_flags(tx: &EthTxArgs) -> Result<Fees, CliError> {
    match (&tx.max_fee, &tx.priority_fee, &tx.gas_price) {
        (Some(m), Some(p), None) => Ok(Fees::Eip1559 {
            max_fee: fee(m, "--max-fee")?,
            max_priority_fee: fee(p, "--priority-fee")?,
        }),
        (None, None, Some(g)) => {
            let gas_price = fee(g, "--gas-price")?;
            Ok(if tx.legacy {
                Fees::Legacy { gas_price }
            } else {
                Fees::AccessList { gas_price }
            })
        }
        _ => Err(CliError::usage(
            "give --max-fee and --priority-fee (EIP-1559), or --gas-price (EIP-2930; with --legacy a legacy EIP-155 transaction)",
        )),
    }
}

fn sign_tx(
    name: &str,
    args: &EthTxArgs,
    nonce: u64,
    gas: u64,
    chain_id: u64,
    key: &KeyArgs,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let fees = fees_from_flags(args)?;
    let tx = Transaction {
        chain_id: Some(ChainId(chain_id)),
        nonce: Nonce(nonce),
        gas: Gas(gas),
        fees,
        to: parse_to(args.to.as_deref())?,
        value: Wei::parse(&args.value, Unit::Ether)?,
        data: parse_data(args.data.as_deref())?,
        access_list: access_list(args.access_list.as_deref())?,
    };
    tx.signing_payload()?;
    let (ks, file) = load(ctx, name)?;
    reject_key_args_for_single(&file, key)?;
    let path = eth_path(key)?;
    let secret = unlock(ctx, &ks, name)?;
    let k = private_key(&secret, &path)?;
    drop(secret);
    let from = Address::from_public_key(&k.public_key());
    let signed = tx.sign(&k)?;
    let v = tx_json(&signed, &from);
    ctx.emit(&v, |w| {
        writeln!(w, "0x{}", hex::encode(signed.to_raw()))?;
        writeln!(w, "hash: 0x{}", hex::encode(signed.hash()))
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
    let (ks, wf) = load(ctx, name)?;
    reject_key_args_for_single(&wf, key)?;
    let path = eth_path(key)?;
    let secret = unlock(ctx, &ks, name)?;
    let k = private_key(&secret, &path)?;
    drop(secret);
    let sig = td.sign(&k)?;
    let from = Address::from_public_key(&k.public_key());
    let v = json!({
        "signature": sig.to_string(),
        "address": from.to_checksum(),
        "digest": format!("0x{}", hex::encode(td.signing_hash()?)),
        "domain_separator": format!("0x{}", hex::encode(td.domain_separator())),
        "primary_type": td.primary_type(),
    });
    ctx.emit(&v, |w| writeln!(w, "{sig}"))
}

fn node(url: &str, timeout: u64) -> Result<EthNode, CliError> {
    let cfg = RpcConfig {
        timeout: Duration::from_secs(timeout.clamp(1, 3600)),
        ..RpcConfig::default()
    };
    Ok(EthNode::new(RpcClient::new(url, cfg)?))
}

struct SendArgs<'a> {
    name: &'a str,
    rpc_url: &'a str,
    tx: &'a EthTxArgs,
    chain_id: Option<u64>,
    nonce: Option<u64>,
    gas: Option<u64>,
    wait: bool,
    timeout: u64,
    yes: bool,
    key: &'a KeyArgs,
}

fn send(a: &SendArgs<'_>, ctx: &Ctx) -> Result<(), CliError> {
    let to = parse_to(a.tx.to.as_deref())?;
    let value = Wei::parse(&a.tx.value, Unit::Ether)?;
    let data = parse_data(a.tx.data.as_deref())?;
    let list = access_list(a.tx.access_list.as_deref())?;
    let (ks, file) = load(ctx, a.name)?;
    reject_key_args_for_single(&file, a.key)?;
    let path = eth_path(a.key)?;
    // The sender's address, without the password when the file has it.
    let mut secret = None;
    let from = match stored_public_key(&file, &path)? {
        Some(pk) => Address::from_public_key(&pk),
        None => {
            let s = unlock(ctx, &ks, a.name)?;
            let addr = Address::from_public_key(&private_key(&s, &path)?.public_key());
            secret = Some(s);
            addr
        }
    };
    let node = node(a.rpc_url, a.timeout)?;
    let req = SendRequest {
        to,
        value,
        data,
        access_list: list,
        legacy: a.tx.legacy,
        gas_price: a
            .tx
            .gas_price
            .as_deref()
            .map(|g| fee(g, "--gas-price"))
            .transpose()?,
        max_fee: a
            .tx
            .max_fee
            .as_deref()
            .map(|m| fee(m, "--max-fee"))
            .transpose()?,
        priority_fee: a
            .tx
            .priority_fee
            .as_deref()
            .map(|p| fee(p, "--priority-fee"))
            .transpose()?,
        gas: a.gas.map(Gas),
        nonce: a.nonce.map(Nonce),
        expected_chain_id: a.chain_id.map(ChainId),
    };
    // One round trip for every read.
    let prepared = node.prepare_send(&from, &req)?;
    let tx = &prepared.tx;
    let gas = tx.gas;
    let max_cost = prepared.max_cost;
    // The summary goes to stderr for people; with --json or -q it is
    // shown only when a confirmation is asked, on the terminal.
    {
        let summary = format!(
            "Send {} ETH from {} to {} on chain {}\n  nonce {}, gas {}, {}\n  at most {} ETH in total",
            value.to_ether_string(),
            from.to_checksum(),
            to.map_or_else(|| "a new contract".to_owned(), |t| t.to_checksum()),
            tx.chain_id.map_or(0, |c| c.0),
            tx.nonce.0,
            gas.0,
            match &tx.fees {
                Fees::Eip1559 { max_fee, max_priority_fee } => format!(
                    "max fee {} gwei, priority fee {} gwei",
                    max_fee.to_gwei_string(),
                    max_priority_fee.to_gwei_string()
                ),
                Fees::Legacy { gas_price } | Fees::AccessList { gas_price } =>
                    format!("gas price {} gwei", gas_price.to_gwei_string()),
            },
            max_cost.to_ether_string()
        );
        if !ctx.json && !ctx.quiet {
            eprintln!("{summary}");
        } else if !a.yes {
            let _ = prompt::tty_print(&format!("{summary}\n"));
        }
    }
    prompt::confirm(a.yes, "Send this transaction?", "yes")?;
    let secret = match secret {
        Some(s) => s,
        None => unlock(ctx, &ks, a.name)?,
    };
    let key = private_key(&secret, &path)?;
    drop(secret);
    let (signed, hash) = node.sign_and_send(&prepared, &key)?;
    drop(key);
    let mut v = tx_json(&signed, &from);
    v["hash"] = json!(format!("0x{}", hex::encode(hash)));
    if a.wait {
        wait_and_report(&node, &hash, a.timeout, ctx, &mut v)?;
    }
    ctx.emit(&v, |w| {
        writeln!(w, "0x{}", hex::encode(hash))?;
        if a.wait {
            writeln!(
                w,
                "status {} in block {}, gas used {}",
                v["status"], v["block_number"], v["gas_used"]
            )?;
        }
        Ok(())
    })
}

fn wait_and_report(
    node: &EthNode,
    hash: &[u8; 32],
    timeout: u64,
    ctx: &Ctx,
    v: &mut Value,
) -> Result<(), CliError> {
    let show = !ctx.json && !ctx.quiet;
    let mut shown = false;
    let r = node.wait_for_receipt(hash, Duration::from_secs(timeout), |elapsed| {
        if show && elapsed.as_secs() >= 1 {
            eprint!(
                "\rwaiting for the receipt of 0x{}… {}s",
                hex::encode(&hash[..4]),
                elapsed.as_secs()
            );
            shown = true;
        }
    })?;
    if shown {
        eprintln!();
    }
    v["status"] = json!(r.status);
    v["block_number"] = json!(r.block_number);
    v["gas_used"] = json!(r.gas_used);
    if let Some(p) = r.effective_gas_price {
        v["effective_gas_price"] = json!(p.0.to_string());
    }
    if let Some(c) = r.contract_address {
        v["contract_address"] = json!(c.to_checksum());
    }
    if r.status != 1 {
        eprintln!("warning: the transaction was mined but reverted (status 0)");
    }
    Ok(())
}

fn read_raw(raw: Option<&str>) -> Result<Vec<u8>, CliError> {
    let text = match raw {
        Some(r) if r != "-" => r.to_owned(),
        _ => {
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

fn decode_tx(raw: Option<&str>, ctx: &Ctx) -> Result<(), CliError> {
    let bytes = read_raw(raw)?;
    let signed = SignedTransaction::decode(&bytes)?;
    let from = signed.sender()?;
    let v = tx_json(&signed, &from);
    ctx.emit(&v, |w| {
        writeln!(
            w,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )
    })
}

fn broadcast(
    url: &str,
    raw: Option<&str>,
    wait: bool,
    timeout: u64,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let bytes = read_raw(raw)?;
    let signed = SignedTransaction::decode(&bytes)?;
    let from = signed.sender()?;
    let node = node(url, timeout)?;
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
    let mut v = tx_json(&signed, &from);
    v["hash"] = json!(format!("0x{}", hex::encode(hash)));
    if wait {
        wait_and_report(&node, &hash, timeout, ctx, &mut v)?;
    }
    ctx.emit(&v, |w| writeln!(w, "0x{}", hex::encode(hash)))
}

fn balance(target: &str, url: &str, key: &KeyArgs, ctx: &Ctx) -> Result<(), CliError> {
    let address = if target.starts_with("0x") || target.starts_with("0X") {
        target.parse::<Address>()?
    } else {
        let (ks, file) = load(ctx, target)?;
        reject_key_args_for_single(&file, key)?;
        let path = eth_path(key)?;
        match stored_public_key(&file, &path)? {
            Some(pk) => Address::from_public_key(&pk),
            None => {
                let s = unlock(ctx, &ks, target)?;
                Address::from_public_key(&private_key(&s, &path)?.public_key())
            }
        }
    };
    let node = node(url, 30)?;
    let wei = node.balance(&address)?;
    let v = json!({
        "address": address.to_checksum(),
        "wei": wei.0.to_string(),
        "ether": wei.to_ether_string(),
    });
    ctx.emit(&v, |w| writeln!(w, "{} ETH", wei.to_ether_string()))
}
