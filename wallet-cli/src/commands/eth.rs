//! `wallet eth …`: sign transactions (types 0 to 4), EIP-7702
//! authorizations and typed data, send through a node, balances, broadcast
//! and decode. Each command parses its flags into the core's request types
//! and renders the core's views.

use crate::args::{
    EthCommand, EthSendArgs, EthSignAuthArgs, EthSignTxArgs, EthTxArgs, EthUnitArg, EthVerifyArgs,
    KeyArgs,
};
use crate::error::CliError;
use crate::output::Ctx;
use crate::{prompt, select, session};
use std::time::Duration;
use wallet_core::ethereum::transaction::{parse_access_list, parse_authorizations};
use wallet_core::ethereum::{
    self, Address, AuthChain, Authorization, AuthorizationItem, BlobFields, ChainId, Fees, Gas,
    Nonce, SignedTransaction, Transaction, TxFields, TxHash, TxKind, Unit, VersionedHash, Wei,
};
use wallet_core::report::{SignedEthAuthorization, SignedEthTx};
use wallet_core::rpc::ethereum::EthNode;
use wallet_core::spend::ethereum::{confirm_eth_send, OfflineTx, PreparedSend, SendRequest};
use wallet_core::verify::{EthVerifier, Verified, VerifyOptions};
use wallet_core::wallet::{EthBalance, EthSendResult};
use wallet_core::ErrorKind;

/// Runs an `eth` subcommand.
pub fn run(cmd: EthCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        EthCommand::SignTx(a) => sign_tx(&a, ctx),
        EthCommand::SignAuth(a) => sign_auth(&a, ctx),
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
            verify,
        } => balance(&target, &rpc_url, timeout, unit, &key, &verify, ctx),
        EthCommand::DecodeTx { raw } => decode_tx(raw.as_deref(), ctx),
    }
    .map_err(node_hint)
}

/// Credentials refused by the node: Ethereum commands take none, so the
/// node is likely a Bitcoin-style one (whose hint names flags eth lacks).
fn node_hint(e: CliError) -> CliError {
    if e.is(ErrorKind::AuthFailed) {
        let mut e = e;
        e.message = "the node refused the request for want of credentials (HTTP 401/403): is it a Bitcoin-style node? `wallet eth` talks to an Ethereum JSON-RPC endpoint (such as http://127.0.0.1:8545) and sends no credentials".into();
        return e;
    }
    e
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
            Ok(parse_access_list(&text)?)
        }
    }
}

/// `--auth` values: each a file, or the text itself.
fn authorizations(values: &[String]) -> Result<Option<Vec<AuthorizationItem>>, CliError> {
    if values.is_empty() {
        return Ok(None);
    }
    let mut items = Vec::new();
    for v in values {
        let path = std::path::Path::new(v);
        // An open brace as an escape, so that brace-counting tools read this file right.
        let text = if !v.trim_start().starts_with(['0', '[', '\x7b']) || path.is_file() {
            std::fs::read_to_string(path)
                .map_err(|e| CliError::io("authorization file", path, &e))?
        } else {
            v.clone()
        };
        items.extend(parse_authorizations(&text)?);
    }
    Ok(Some(items))
}

fn blob(tx: &EthTxArgs) -> Result<Option<BlobFields>, CliError> {
    let Some(max_fee_per_blob_gas) = fee(tx.blob_fee.as_deref(), "--blob-fee")? else {
        return Ok(None);
    };
    let versioned_hashes = tx
        .blob_hash
        .iter()
        .map(|h| VersionedHash::parse(h).map_err(wallet_core::Error::from))
        .collect::<Result<_, _>>()?;
    Ok(Some(BlobFields {
        max_fee_per_blob_gas,
        versioned_hashes,
    }))
}

fn tx_kind(tx: &EthTxArgs, data: &[u8]) -> Result<TxKind, CliError> {
    Ok(
        TxKind::from_request(parse_to(tx.to.as_deref())?, tx.create, data)
            .map_err(wallet_core::Error::from)?,
    )
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

fn offline_tx(a: &EthSignTxArgs) -> Result<OfflineTx, CliError> {
    let input = parse_data(a.tx.data.as_deref())?;
    Ok(OfflineTx {
        fields: TxFields {
            chain_id: ChainId(a.chain_id),
            nonce: Nonce(a.nonce),
            gas_limit: Gas(a.gas),
            fees: fees_from_flags(&a.tx)?,
            to: tx_kind(&a.tx, &input)?,
            value: Wei::parse(&a.tx.value, Unit::Ether)?,
            input,
            access_list: access_list(a.tx.access_list.as_deref())?,
            blob: blob(&a.tx)?,
            authorizations: None,
        },
        authorizations: authorizations(&a.tx.auth)?,
        allow_high_fee: a.tx.allow_high_fee,
    })
}

fn sign_tx(a: &EthSignTxArgs, ctx: &Ctx) -> Result<(), CliError> {
    let tx = offline_tx(a)?;
    // Everything is checked before the password is asked for.
    for w in tx.precheck()? {
        ctx.warn(&w.to_string());
    }
    let w = session::open(ctx, &a.name)?;
    let choice = select::key_choice(&a.key)?;
    w.stored_public_key(&choice)?;
    let (v, _) = session::unlock(ctx, &w)?.sign_eth_offline(tx, &choice)?;
    ctx.emit(&v, |out| {
        writeln!(out, "{}", v.raw)?;
        writeln!(out, "hash: {}", v.hash)
    })
}

fn sign_auth(a: &EthSignAuthArgs, ctx: &Ctx) -> Result<(), CliError> {
    let auth = Authorization {
        chain: AuthChain::from_id(a.chain_id),
        address: a.address.parse()?,
        nonce: Nonce(a.nonce),
    };
    if auth.chain == AuthChain::Any {
        ctx.warn("chain id 0: this authorization is valid on every chain");
    }
    let w = session::open(ctx, &a.name)?;
    let choice = select::key_choice(&a.key)?;
    w.stored_public_key(&choice)?;
    let signed = session::unlock(ctx, &w)?.sign_eth_authorization(auth, &choice)?;
    let v = SignedEthAuthorization::of(&signed);
    ctx.emit(&v, |out| writeln!(out, "{}", v.raw))
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

/// The nodes of `urls` (the first one is asked everything); several only
/// with --verify, whose quorum they make.
fn nodes(
    urls: &[String],
    timeout: u64,
    overall: bool,
    verify: &EthVerifyArgs,
) -> Result<Vec<EthNode>, CliError> {
    if urls.len() > 1 && !verify.verify {
        return Err(CliError::usage(
            "--rpc-url is given more than once: several nodes are for --verify (they must agree on the trusted block)",
        ));
    }
    if urls.is_empty() {
        // From the environment or the config file.
        return Ok(vec![node(None, timeout, overall)?]);
    }
    urls.iter()
        .map(|u| node(Some(u), timeout, overall))
        .collect()
}

fn first(nodes: &[EthNode]) -> Result<&EthNode, CliError> {
    nodes
        .first()
        .ok_or_else(|| CliError::usage("--rpc-url is required"))
}

/// The verified view of `nodes`, with --verify.
fn verifier<'a>(
    nodes: &'a [EthNode],
    verify: &EthVerifyArgs,
) -> Result<Option<EthVerifier<'a>>, CliError> {
    if !verify.verify {
        return Ok(None);
    }
    let opts = VerifyOptions::ethereum(verify.trusted_block.as_deref(), verify.quorum)
        .map_err(wallet_core::Error::from)?;
    let refs: Vec<&EthNode> = nodes.iter().collect();
    EthVerifier::establish(&refs, &opts)
        .map(Some)
        .map_err(|e| verify_hint(e, nodes.len()))
}

fn verify_hint(e: wallet_core::Error, nodes: usize) -> CliError {
    let text = e.to_string();
    let e = CliError::from(e);
    if text.contains("cannot vouch") {
        e.with_hint("pass --trusted-block HASH, or another --rpc-url (with --quorum 2)")
    } else if text.contains("cannot be met") {
        e.with_hint(&format!(
            "--quorum counts the --rpc-url nodes: {nodes} given"
        ))
    } else {
        e
    }
}

/// The verification report, on stderr for people.
fn show_verified(ctx: &Ctx, v: &EthVerifier<'_>) {
    for line in v.report().lines() {
        ctx.note(&line);
    }
}

fn send_request(a: &EthSendArgs) -> Result<SendRequest, CliError> {
    let data = parse_data(a.tx.data.as_deref())?;
    Ok(SendRequest {
        to: tx_kind(&a.tx, &data)?,
        value: Wei::parse(&a.tx.value, Unit::Ether)?,
        data,
        access_list: access_list(a.tx.access_list.as_deref())?,
        legacy: a.tx.legacy,
        gas_price: fee(a.tx.gas_price.as_deref(), "--gas-price")?,
        max_fee: fee(a.tx.max_fee.as_deref(), "--max-fee")?,
        priority_fee: fee(a.tx.priority_fee.as_deref(), "--priority-fee")?,
        gas: a.gas.map(Gas),
        nonce: a.nonce.map(Nonce),
        chain_id: a.chain_id.map(ChainId),
        blob: blob(&a.tx)?,
        authorizations: authorizations(&a.tx.auth)?,
        allow_high_fee: a.tx.allow_high_fee,
    })
}

fn fees_line(tx: &Transaction) -> String {
    match (tx.gas_price(), tx.eip1559_fees()) {
        (Some(p), _) => format!("gas price {} gwei", p.to_gwei_string()),
        (None, Some((max, prio))) => format!(
            "max fee {} gwei, priority fee {} gwei",
            max.to_gwei_string(),
            prio.to_gwei_string()
        ),
        (None, None) => String::new(),
    }
}

/// What a blob or set-code transaction carries, one line each.
fn extra_lines(tx: &Transaction) -> Vec<String> {
    match tx {
        Transaction::Eip4844(t) => vec![format!(
            "  {} blob(s) (EIP-4844), max fee per blob gas {} gwei; the sidecar is not included: the node must get it elsewhere",
            t.blob_versioned_hashes.len(),
            t.max_fee_per_blob_gas.to_gwei_string()
        )],
        Transaction::Eip7702(t) => t
            .authorization_list
            .iter()
            .map(|a| {
                let who = a
                    .authority()
                    .map_or_else(|_| "an invalid signer".to_owned(), |x| x.to_checksum());
                let chain = match a.authorization.chain {
                    AuthChain::Any => "every chain".to_owned(),
                    AuthChain::Only(c) => format!("chain {}", c.0),
                };
                format!(
                    "  EIP-7702: {who} runs the code of {} (on {chain}, at nonce {})",
                    a.authorization.address.to_checksum(),
                    a.authorization.nonce.0
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn send_summary(p: &PreparedSend) -> String {
    let tx = &p.tx;
    let mut lines = vec![
        format!(
            "Send {} ETH from {} to {} on chain {}",
            tx.value().to_ether_string(),
            p.from.to_checksum(),
            tx.to()
                .map_or_else(|| "a new contract".to_owned(), |t| t.to_checksum()),
            tx.chain_id().map_or(0, |c| c.0),
        ),
        format!(
            "  nonce {}, gas {}, {} ({} transaction)",
            tx.nonce().0,
            tx.gas_limit().0,
            fees_line(tx),
            tx.tx_type()
        ),
    ];
    lines.extend(extra_lines(tx));
    lines.push(format!(
        "  at most {} ETH in total",
        p.max_cost.to_ether_string()
    ));
    lines.extend(p.warnings.iter().map(|w| format!("warning: {w}")));
    lines.join("\n")
}

fn send(a: &EthSendArgs, ctx: &Ctx) -> Result<(), CliError> {
    let req = send_request(a)?;
    let w = session::open(ctx, &a.name)?;
    let choice = select::key_choice(&a.key)?;
    w.stored_public_key(&choice)?;
    // The sender comes from the decrypted key, not the file's metadata.
    let unlocked = session::unlock(ctx, &w)?;
    let nodes = nodes(&a.rpc_url, a.timeout, false, &a.verify)?;
    let node = first(&nodes)?;
    let mut verifier = verifier(&nodes, &a.verify)?;
    // One round trip for every read (and one for the proofs).
    let prepared = match verifier.as_mut() {
        Some(v) => unlocked.prepare_eth_send_verified(v, &req, &choice),
        None => unlocked.prepare_eth_send(node, &req, &choice),
    }
    .map_err(|e| chain_hint(e, a.chain_id.is_none()))?;
    if let Some(v) = &verifier {
        show_verified(ctx, v);
    }
    ctx.summary(&send_summary(&prepared), a.yes);
    prompt::confirm(a.yes, "Send this transaction?", "yes")?;
    let (v, hash) = unlocked.send_eth(node, &prepared, &choice)?;
    drop(unlocked);
    finish(
        node,
        v,
        hash,
        a.wait.then_some(a.timeout),
        ctx,
        verifier.as_mut(),
    )
}

fn chain_hint(e: wallet_core::Error, no_chain_id: bool) -> CliError {
    let wrong = e.kind() == ErrorKind::WrongChain;
    let e = CliError::from(e);
    if wrong && no_chain_id {
        e.with_hint("pass --chain-id with the chain you mean")
    } else {
        e
    }
}

/// After a send: the hash at once (people), then the receipt when waited for.
fn finish(
    node: &EthNode,
    mut v: EthSendResult,
    hash: TxHash,
    wait: Option<u64>,
    ctx: &Ctx,
    mut verifier: Option<&mut EthVerifier<'_>>,
) -> Result<(), CliError> {
    if !ctx.json {
        ctx.emit(&v, |out| writeln!(out, "{hash}"))?;
        if v.already_known == Some(true) {
            ctx.note(
                "the node already had this transaction (pending or mined): nothing new was sent",
            );
        }
    }
    if let Some(timeout) = wait {
        v = wait_for_receipt(node, hash, timeout, ctx, v, verifier.as_deref_mut())?;
    }
    if ctx.json {
        return match verifier {
            Some(ver) => ctx.emit(
                &Verified {
                    value: &v,
                    verified: &ver.report(),
                },
                |_| Ok(()),
            ),
            None => ctx.emit(&v, |_| Ok(())),
        };
    }
    if let Some(line) = verifier.and_then(|ver| ver.report().receipt_line()) {
        ctx.note(&format!("verified: {line}"));
    }
    match (v.status, v.block_number, v.gas_used) {
        (Some(status), Some(block), Some(gas)) => ctx.emit(&v, |out| {
            writeln!(out, "status {status} in block {block}, gas used {gas}")
        }),
        _ => Ok(()),
    }
}

fn wait_for_receipt(
    node: &EthNode,
    hash: TxHash,
    timeout: u64,
    ctx: &Ctx,
    v: EthSendResult,
    verifier: Option<&mut EthVerifier<'_>>,
) -> Result<EthSendResult, CliError> {
    // Redrawn on a terminal only (the hash was printed when it was sent).
    let r = confirm_eth_send(
        node,
        &hash,
        Duration::from_secs(timeout),
        verifier,
        |elapsed| {
            if elapsed >= Duration::from_secs(1) {
                let secs = elapsed.as_secs();
                crate::status::progress(&format!("waiting for the receipt of {hash}… {secs}s"));
            }
        },
    );
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
            ctx.stdin_notice("the raw transaction (hex)");
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
    if let Some(c) = signed.tx.chain_id() {
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
    let sent = node.send_raw(&bytes)?;
    let mut v = EthSendResult::sent(view);
    v.tx.hash = sent.hash.to_string();
    v.already_known = sent.already_known.then_some(true);
    finish(&node, v, sent.hash, wait.then_some(timeout), ctx, None)
}

fn balance(
    target: &str,
    urls: &[String],
    timeout: u64,
    unit: EthUnitArg,
    key: &KeyArgs,
    verify: &EthVerifyArgs,
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
    let nodes = nodes(urls, timeout, true, verify)?;
    let node = first(&nodes)?;
    let mut ver = verifier(&nodes, verify)?;
    let wei = match ver.as_mut() {
        Some(ver) => ver.account(&address)?.balance,
        None => node.balance(&address)?,
    };
    let shown = crate::units::eth_amount(wei, unit);
    let mut json = serde_json::to_value(EthBalance::of(&address, wei))
        .map_err(|e| CliError::user(ErrorKind::Internal, format!("result JSON: {e}")))?;
    if unit != EthUnitArg::Eth {
        json["amount"] = shown.clone().into();
    }
    let Some(ver) = ver else {
        return ctx.emit(&json, |w| writeln!(w, "{shown}"));
    };
    show_verified(ctx, &ver);
    let report = ver.report();
    let out = Verified {
        value: &json,
        verified: &report,
    };
    ctx.emit(&out, |w| writeln!(w, "{shown}"))
}
