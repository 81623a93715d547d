//! `wallet btc …`: PSBT signing, payments, balances and broadcast for
//! Bitcoin and Litecoin (the network is a parameter).

use crate::args::{BtcCommand, BtcNet, BtcSendArgs, NodeArgs};
use crate::error::CliError;
use crate::output::Ctx;
use crate::{prompt, select, session};
use std::io::Read;
use std::time::Duration;
use wallet_core::bitcoin::payment;
use wallet_core::bitcoin::{Address, Chain, NetworkParams};
use wallet_core::rpc::bitcoin::{Auth, BtcNode};
use wallet_core::spend::bitcoin::{PaymentRequest, PreparedPayment};
use wallet_core::wallet::BtcBroadcast;
use wallet_core::ErrorKind;

/// Runs a `btc` subcommand.
pub fn run(cmd: BtcCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        BtcCommand::SignPsbt {
            name,
            file,
            finalize,
            gap,
            net,
        } => sign_psbt(&name, file.as_deref(), finalize, gap, &net, ctx),
        BtcCommand::Broadcast { node, raw, net } => broadcast(&node, raw.as_deref(), &net, ctx),
        BtcCommand::Send(a) => send(&a, ctx),
        BtcCommand::Balance {
            name,
            node,
            gap,
            net,
        } => balance(&name, &node, gap, &net, ctx),
    }
}

fn connect(node: &NodeArgs) -> Result<BtcNode, CliError> {
    let auth = match (&node.rpc_user, &node.rpc_password_file, &node.rpc_cookie) {
        (Some(u), Some(f), _) => {
            Auth::UserPass(u.clone(), prompt::read_secret_file(f, "RPC password file")?)
        }
        (_, _, Some(c)) => Auth::Cookie(c.clone()),
        _ => Auth::None,
    };
    Ok(BtcNode::connect(
        &node.rpc_url,
        &auth,
        Duration::from_secs(node.timeout.clamp(1, 3600)),
    )?)
}

fn read_input(file: Option<&std::path::Path>) -> Result<Vec<u8>, CliError> {
    match file {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::read(p).map_err(|e| CliError::io("PSBT file", p, &e))
        }
        _ => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map_err(|e| CliError::user(ErrorKind::Io, format!("cannot read stdin: {e}")))?;
            Ok(b)
        }
    }
}

fn unit(params: NetworkParams) -> &'static str {
    if params.chain() == Chain::Litecoin {
        "LTC"
    } else {
        "BTC"
    }
}

fn sign_psbt(
    name: &str,
    file: Option<&std::path::Path>,
    finalize: bool,
    gap: u32,
    net: &BtcNet,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let params = select::params(net)?;
    let bytes = read_input(file)?;
    let w = session::open(ctx, name)?;
    let unlocked = session::unlock(ctx, &w)?;
    let (v, report) = unlocked.sign_psbt(&bytes, params, gap, finalize)?;
    drop(unlocked);
    if !ctx.json && !ctx.quiet {
        for (i, s) in v.inputs.iter().enumerate() {
            let value = report.input_values[i].map_or_else(|| "?".into(), payment::format_coins);
            let shown = serde_json::to_string(s).unwrap_or_default();
            eprintln!("input {i} ({value}): {shown}");
        }
        match report.fee {
            Some(f) => eprintln!("fee: {} ({f} sat)", payment::format_coins(f)),
            None => eprintln!("fee: unknown (some inputs' UTXOs are missing)"),
        }
    }
    for (i, t) in report.partial_commitments() {
        ctx.warn(&format!(
            "input {i} was signed with {t} (as the PSBT asks): that signature does not cover the whole transaction, so others can change the parts it leaves out"
        ));
    }
    let text = v.hex.clone().or_else(|| v.psbt.clone()).unwrap_or_default();
    ctx.emit(&v, |out| writeln!(out, "{text}"))
}

fn broadcast(
    node_args: &NodeArgs,
    raw: Option<&str>,
    net: &BtcNet,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let params = select::params(net)?;
    let text = match raw {
        Some(r) if r != "-" => r.to_owned(),
        _ => String::from_utf8(read_input(None)?).map_err(|_| {
            CliError::user(
                ErrorKind::InvalidInput,
                "the transaction on stdin is not hex",
            )
        })?,
    };
    let bytes = hex::decode(text.trim())
        .map_err(|_| CliError::user(ErrorKind::InvalidInput, "the transaction is not hex"))?;
    payment::decode_tx(&bytes)?;
    let node = connect(node_args)?;
    let v = BtcBroadcast::send(&node, params, &bytes)?;
    if v.confirmed {
        ctx.note("the node already has this transaction in a block: nothing new was sent");
    }
    ctx.emit(&v, |w| writeln!(w, "{}", v.txid))
}

fn payment_summary(p: &PreparedPayment, params: NetworkParams) -> String {
    let sel = &p.selection;
    let unit = unit(params);
    let coins = |sat: u64| format!("{} {unit}", payment::format_coins(sat));
    let total_in: u64 = sel.coins.iter().map(|c| c.value).sum();
    format!(
        "Pay {} to {}\n  from {} {} ({}), fee {} ({} sat at {} sat/vB, {}, ~{} vB)\n  change {}",
        coins(p.request.amount),
        p.request.to,
        sel.coins.len(),
        if sel.coins.len() == 1 {
            "coin"
        } else {
            "coins"
        },
        coins(total_in),
        coins(sel.fee),
        sel.fee,
        p.fee_rate,
        match p.fee_rate_source {
            "given" => "as given",
            "node_estimate" => "the node's estimate",
            _ => "fallback: the node has no estimate",
        },
        sel.vsize,
        sel.change.map_or_else(
            || "none (left to the fee)".to_owned(),
            |c| format!("{} to {}", coins(c), p.change.address)
        )
    )
}

fn send(a: &BtcSendArgs, ctx: &Ctx) -> Result<(), CliError> {
    let params = select::params(&a.net)?;
    let request = PaymentRequest {
        to: Address::parse(&a.to, params)?,
        amount: payment::parse_amount(&a.amount)?,
        fee_rate: a.fee_rate,
        change_kind: a.change_type.into(),
        gap: a.gap,
        allow_high_fee: a.allow_high_fee,
    };
    let w = session::open(ctx, &a.name)?;
    // Every address of the payment (the change too) comes from the
    // decrypted secret, before the summary is shown.
    let unlocked = session::unlock(ctx, &w)?;
    let node = connect(&a.node)?;
    let (prepared, accounts) = unlocked.prepare_btc_payment(&node, params, request)?;
    ctx.summary(&payment_summary(&prepared, params), a.yes);
    prompt::confirm(a.yes, "Send this payment?", "yes")?;
    let v = unlocked.send_btc_payment(&node, params, prepared, &accounts)?;
    let txid = v.txid.clone().unwrap_or_default();
    ctx.emit(&v, |w| writeln!(w, "{txid}"))
}

fn balance(
    name: &str,
    node_args: &NodeArgs,
    gap: u32,
    net: &BtcNet,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let params = select::params(net)?;
    let w = session::open(ctx, name)?;
    let node = connect(node_args)?;
    let v = w.btc_balance(&node, params, gap, session::password(ctx, name))?;
    let unit = unit(params);
    ctx.emit(&v, |out| {
        writeln!(out, "{} {unit}", v.confirmed)?;
        if v.immature_sat > 0 {
            writeln!(
                out,
                "(+{} {unit} in immature coinbase outputs)",
                payment::format_coins(v.immature_sat)
            )?;
        }
        if v.spent_in_mempool_sat > 0 {
            writeln!(
                out,
                "({} {unit} more is being spent by a payment not yet mined)",
                payment::format_coins(v.spent_in_mempool_sat)
            )?;
        }
        Ok(())
    })
}
