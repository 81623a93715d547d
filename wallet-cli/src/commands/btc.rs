//! `wallet btc …`: PSBT signing, payments, balances and broadcast for
//! Bitcoin and Litecoin (the network is a parameter).

use crate::args::{
    BtcBumpFeeArgs, BtcCommand, BtcNet, BtcSendArgs, BtcSignPsbtArgs, BtcUnitArg, BtcVerifyArgs,
    NodeArgs, PaymentArgs, PsbtVersionArg,
};
use crate::error::CliError;
use crate::output::Ctx;
use crate::{prompt, select, session, units};
use std::io::Read;
use std::time::Duration;
use wallet_core::bitcoin::amount::{self, format_coins, format_with_unit, sat_per_vb};
use wallet_core::bitcoin::psbt::{self, PsbtReview};
use wallet_core::bitcoin::psbt_v2::{AnyPsbt, PsbtVersion};
use wallet_core::bitcoin::{payment, Address, Amount, Chain, Network, NetworkParams};
use wallet_core::rpc::bitcoin::BtcNode;
use wallet_core::spend::bitcoin::{
    BumpRequest, FeeRateSource, PayAmount, Payee, PaymentError, PaymentRequest, PreparedBump,
    PreparedPayment,
};
use wallet_core::verify::{BtcVerifyReport, Verified, VerifyOptions};
use wallet_core::wallet::{AnyWallet, BtcBalance, BtcBroadcast, BtcPayment, PsbtPolicy};
use wallet_core::ErrorKind;

/// Runs a `btc` subcommand.
pub fn run(cmd: BtcCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        BtcCommand::SignPsbt(a) => sign_psbt(&a, ctx),
        BtcCommand::Broadcast { node, raw, net } => broadcast(&node, raw.as_deref(), &net, ctx),
        BtcCommand::Send(a) if a.psbt_only => create_psbt(&a.payment, a.psbt_version, ctx),
        BtcCommand::Send(a) => send(&a, ctx),
        BtcCommand::BumpFee(a) => bump_fee(&a, ctx),
        BtcCommand::CreatePsbt(a) => create_psbt(&a.payment, a.psbt_version, ctx),
        BtcCommand::ConvertPsbt { file, psbt_version } => {
            convert_psbt(file.as_deref(), psbt_version, ctx)
        }
        BtcCommand::Balance {
            name,
            node,
            gap,
            unit,
            net,
            verify,
        } => balance(&name, &node, gap, unit, &net, &verify, ctx),
    }
}

/// The node of `node` (or its defaults) for `params`; with `overall`,
/// `--timeout` bounds the whole command.
fn connect(node: &NodeArgs, params: NetworkParams, overall: bool) -> Result<BtcNode, CliError> {
    crate::node::btc(node, params, overall)
}

/// What to verify against, with --verify.
fn verify_options(v: &BtcVerifyArgs) -> Result<Option<VerifyOptions>, CliError> {
    if !v.verify {
        return Ok(None);
    }
    let opts = VerifyOptions::bitcoin(v.checkpoint.as_deref()).map_err(wallet_core::Error::from)?;
    Ok(Some(opts))
}

fn verify_hint(e: impl Into<CliError>) -> CliError {
    let e: CliError = e.into();
    if e.message.contains("no built-in checkpoint") {
        e.with_hint("pass --checkpoint HEIGHT:HASH")
    } else {
        e
    }
}

/// The verification report, on stderr for people.
fn show_verified(ctx: &Ctx, report: &BtcVerifyReport) {
    for line in report.lines() {
        ctx.note(&line);
    }
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

fn review_text(r: &PsbtReview, chain: Chain) -> String {
    let mut t = String::from("This PSBT pays:\n");
    for (i, o) in r.outputs.iter().enumerate() {
        let to = match (&o.address, o.change) {
            (_, true) => "change (back to this wallet)".to_owned(),
            (Some(a), false) => a.clone(),
            (None, false) => "a script without an address".to_owned(),
        };
        t.push_str(&format!(
            "  output {i}: {} to {to}\n",
            format_with_unit(o.amount, chain)
        ));
    }
    match (r.fee, r.fee_rate) {
        (Some(f), Some(rate)) => t.push_str(&format!(
            "  fee {} ({} sat, ~{rate:.1} sat/vB over ~{} vB)",
            format_with_unit(f, chain),
            f.to_sat(),
            r.vsize
        )),
        _ => t.push_str("  fee unknown (some inputs' UTXOs are missing)"),
    }
    t
}

fn sign_psbt(a: &BtcSignPsbtArgs, ctx: &Ctx) -> Result<(), CliError> {
    let params = select::params(&a.net)?;
    let allowed = a
        .allow_sighash
        .iter()
        .map(|t| psbt::parse_sighash(t))
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = read_input(a.file.as_deref())?;
    let w = session::open(ctx, &a.name)?;
    let unlocked = session::unlock(ctx, &w)?;
    let to_sign = unlocked.review_psbt(&bytes, params, a.gap)?;
    ctx.summary(&review_text(&to_sign.review, params.chain()), a.yes);
    to_sign.review.check_fee(a.allow_high_fee)?;
    prompt::confirm(a.yes, "Sign this PSBT?", "yes")?;
    let policy = PsbtPolicy {
        allowed_sighash: allowed,
        allow_high_fee: a.allow_high_fee,
        finalize: a.finalize,
        output_version: a.psbt_version.map(Into::into),
    };
    let (v, report) = unlocked.sign_reviewed(to_sign, &policy)?;
    drop(unlocked);
    if !ctx.json && !ctx.quiet {
        for (i, s) in v.inputs.iter().enumerate() {
            let value = report.input_values[i].map_or_else(|| "?".into(), format_coins);
            let shown = serde_json::to_string(s).unwrap_or_default();
            eprintln!("input {i} ({value}): {shown}");
        }
    }
    for w in &v.warnings {
        ctx.warn(w);
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
        _ => String::from_utf8({
            ctx.stdin_notice("the transaction (hex)");
            read_input(None)?
        })
        .map_err(|_| {
            CliError::user(
                ErrorKind::InvalidInput,
                "the transaction on stdin is not hex",
            )
        })?,
    };
    let bytes = hex::decode(text.trim())
        .map_err(|_| CliError::user(ErrorKind::InvalidInput, "the transaction is not hex"))?;
    payment::decode_tx(&bytes)?;
    let node = connect(node_args, params, false)?;
    let v = BtcBroadcast::send(&node, params, &bytes)?;
    if v.confirmed {
        ctx.note("the node already has this transaction in a block: nothing new was sent");
    }
    ctx.emit(&v, |w| writeln!(w, "{}", v.txid))
}

fn payment_summary(p: &PreparedPayment, params: NetworkParams) -> String {
    let sel = &p.selection;
    let coins = |a| format_with_unit(a, params.chain());
    let mut pays: String = p
        .payees
        .iter()
        .zip(&p.request.payees)
        .map(|(o, asked)| {
            let max = match asked.amount {
                PayAmount::Max => " (everything spendable, less the fee)",
                PayAmount::Exact(_) => "",
            };
            format!("Pay {}{max} to {}\n", coins(o.amount), o.address)
        })
        .collect();
    if p.payees.len() > 1 {
        let total = p.payees.iter().map(|o| o.amount).sum();
        pays.push_str(&format!("  ({} in all)\n", coins(total)));
    }
    format!(
        "{pays}  from {} {} ({}), fee {} ({} sat at {} sat/vB, {}, ~{} vB)\n  change {}",
        sel.coins.len(),
        if sel.coins.len() == 1 {
            "coin"
        } else {
            "coins"
        },
        coins(sel.total()),
        coins(sel.fee),
        sel.fee.to_sat(),
        sat_per_vb(p.fee_rate),
        match p.fee_rate_source {
            FeeRateSource::Given => "as given",
            FeeRateSource::NodeEstimate => "the node's estimate",
            FeeRateSource::Fallback => "fallback: the node has no estimate",
        },
        sel.vsize(),
        sel.change.map_or_else(
            || "none (left to the fee)".to_owned(),
            |c| format!("{} to {}", coins(c), p.change.address)
        )
    )
}

/// The recipients of `--to A --amount X …`, paired in order.
fn payees(a: &PaymentArgs, params: NetworkParams) -> Result<Vec<Payee>, CliError> {
    if a.to.len() != a.amount.len() {
        return Err(wallet_core::Error::from(PaymentError::Unpaired {
            to: a.to.len(),
            amounts: a.amount.len(),
        })
        .into());
    }
    a.to.iter()
        .zip(&a.amount)
        .map(|(to, amount)| {
            Ok(Payee {
                to: Address::parse(to, params)?,
                amount: PayAmount::parse(amount, params.chain())?,
            })
        })
        .collect()
}

fn payment_request(a: &PaymentArgs, params: NetworkParams) -> Result<PaymentRequest, CliError> {
    Ok(PaymentRequest {
        payees: payees(a, params)?,
        fee_rate: a
            .fee_rate
            .as_deref()
            .map(amount::parse_fee_rate)
            .transpose()?,
        change_kind: a.change_type.map(Into::into),
        gap: a.gap,
        allow_high_fee: a.allow_high_fee,
    })
}

fn send(a: &BtcSendArgs, ctx: &Ctx) -> Result<(), CliError> {
    let p = &a.payment;
    let params = select::params(&p.net)?;
    let request = payment_request(p, params)?;
    let w = session::open(ctx, &p.name)?;
    // Every address of the payment (the change too) comes from the
    // decrypted secret, before the summary is shown.
    let unlocked = session::unlock(ctx, &w)?;
    let node = connect(&p.node, params, false)?;
    let (prepared, source, report) = match verify_options(&p.verify)? {
        Some(opts) => {
            let (prepared, source, report) = unlocked
                .prepare_btc_payment_verified(&node, params, request, &opts)
                .map_err(verify_hint)?;
            show_verified(ctx, &report);
            (prepared, source, Some(report))
        }
        None => {
            let (prepared, source) = unlocked.prepare_btc_payment(&node, params, request)?;
            (prepared, source, None)
        }
    };
    ctx.summary(&payment_summary(&prepared, params), a.yes);
    prompt::confirm(a.yes, "Send this payment?", "yes")?;
    let since = prepared.height;
    let mut v = unlocked.send_btc_payment(&node, params, prepared, &source)?;
    drop(unlocked);
    let txid = v.txid.clone().unwrap_or_default();
    let Some(want) = a.wait else {
        return emit_payment(ctx, &v, report.as_ref(), &txid);
    };
    if !ctx.json {
        ctx.emit(&v, |w| writeln!(w, "{txid}"))?;
    }
    wait_for_confirmations(&node, &mut v, (since, want), a.wait_timeout, ctx)?;
    let n = v.confirmations.unwrap_or(0);
    if ctx.json {
        return ctx.emit(&v, |_| Ok(()));
    }
    ctx.emit(&v, |w| writeln!(w, "{n} confirmations"))
}

fn bump_fee(a: &BtcBumpFeeArgs, ctx: &Ctx) -> Result<(), CliError> {
    let params = select::params(&a.net)?;
    let req = BumpRequest {
        txid: a.txid.trim().parse().map_err(|_| {
            CliError::user(ErrorKind::InvalidInput, "the txid is not 64 hex digits")
        })?,
        fee_rate: amount::parse_fee_rate(&a.fee_rate)?,
        allow_high_fee: a.allow_high_fee,
        gap: a.gap,
    };
    let w = session::open(ctx, &a.name)?;
    let unlocked = session::unlock(ctx, &w)?;
    let node = connect(&a.node, params, false)?;
    let (bump, source) = unlocked.prepare_btc_bump(&node, params, &req)?;
    ctx.summary(&bump_summary(&bump, params), a.yes);
    prompt::confirm(a.yes, "Send this replacement?", "yes")?;
    let v = unlocked.send_btc_bump(&node, params, bump, &source)?;
    drop(unlocked);
    if v.replaced_in_mempool == Some(true) {
        ctx.warn(&format!("{} is still in the node's mempool", v.replaces));
    }
    let txid = v.payment.txid.clone().unwrap_or_default();
    ctx.emit(&v, |w| writeln!(w, "{txid}"))
}

fn bump_summary(b: &PreparedBump, params: NetworkParams) -> String {
    let coins = |a| format_with_unit(a, params.chain());
    let r = &b.replaces;
    let evicts = match r.replaced_count {
        0 | 1 => String::new(),
        n => format!(" and its {} descendants", n - 1),
    };
    let added = match b.added_inputs {
        0 => String::new(),
        n => format!(", adding {n} coin{}", if n == 1 { "" } else { "s" }),
    };
    format!(
        "Replace {}{evicts} (fee {}, {:.1} sat/vB){added}; BIP125 asks a fee of at least {}:\n{}",
        r.txid,
        coins(r.fee),
        sat_per_vb(r.fee_rate()),
        coins(b.min_fee),
        payment_summary(&b.payment, params)
    )
}

/// Waits for `want` confirmations of a sent payment (found in no block
/// below `since`), showing each new one on stderr.
fn wait_for_confirmations(
    node: &BtcNode,
    v: &mut BtcPayment,
    (since, want): (u64, u64),
    timeout: u64,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let txid = v.txid.clone().unwrap_or_default();
    let s = if want == 1 { "" } else { "s" };
    let what = |k: u64| format!("waiting for {want} confirmation{s} of {txid} ({k} so far)");
    let mut seen = 0;
    let timeout = Duration::from_secs(timeout.clamp(1, 7 * 24 * 3600));
    let r = v.wait(node, since, want, timeout, |p| {
        if p.confirmations != seen {
            // Each new confirmation on its own line (a pipe sees them too).
            seen = p.confirmations;
            crate::status::end_line();
            if !ctx.json && !ctx.quiet {
                crate::status::eprint_line(&what(seen));
            }
        } else if p.elapsed >= Duration::from_secs(1) {
            crate::status::progress(&format!("{}… {}s", what(seen), p.elapsed.as_secs()));
        }
    });
    crate::status::end_line();
    Ok(r?)
}

/// The network of a payment or balance: a watch-only wallet's own (the
/// flags may only repeat it; the config file's default network does not
/// apply to it), else the flags'.
fn wallet_params(w: &AnyWallet, net: &BtcNet) -> Result<NetworkParams, CliError> {
    let AnyWallet::Watch(watch) = w else {
        return select::params(net);
    };
    let own = watch.params();
    let chain_ok = net.chain.is_none_or(|c| Chain::from(c) == own.chain());
    let network_ok = net
        .network
        .is_none_or(|n| Network::from(n) == own.network());
    if chain_ok && network_ok {
        return Ok(own);
    }
    let given = select::params(net)?;
    Err(CliError::from(wallet_core::Error::WrongNetwork {
        what: "the watch-only wallet",
        found: format!("{} {}", own.chain().code(), own.network().code()),
        expected: format!("{} {}", given.chain().code(), given.network().code()),
    }))
}

fn create_psbt(
    p: &PaymentArgs,
    version: Option<PsbtVersionArg>,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let w = session::open_any(ctx, &p.name)?;
    let params = wallet_params(&w, &p.net)?;
    let request = payment_request(p, params)?;
    let node = connect(&p.node, params, false)?;
    let (prepared, report) = match (&w, verify_options(&p.verify)?) {
        (AnyWallet::Watch(watch), None) => (watch.create_psbt(&node, request)?, None),
        (AnyWallet::Keys(keys), None) => (
            keys.create_btc_psbt(&node, params, request, session::password(ctx, &p.name))?,
            None,
        ),
        (AnyWallet::Watch(watch), Some(opts)) => {
            let (p, r) = watch
                .create_psbt_verified(&node, request, &opts)
                .map_err(verify_hint)?;
            (p, Some(r))
        }
        (AnyWallet::Keys(keys), Some(opts)) => {
            let password = session::password(ctx, &p.name);
            let (p, r) = keys
                .create_btc_psbt_verified(&node, params, request, &opts, password)
                .map_err(verify_hint)?;
            (p, Some(r))
        }
    };
    if let Some(r) = &report {
        show_verified(ctx, r);
    }
    ctx.summary(&payment_summary(&prepared, params), true);
    let version: PsbtVersion = version.map_or(PsbtVersion::V0, Into::into);
    let psbt = AnyPsbt::V0(prepared.psbt.clone())
        .to_version(version)
        .map_err(wallet_core::Error::from)?
        .to_base64();
    let mut v = serde_json::to_value(BtcPayment::of(&prepared)).map_err(internal)?;
    v["psbt"] = serde_json::json!(psbt);
    v["psbt_version"] = serde_json::json!(version.number());
    if let Some(r) = &report {
        v["verified"] = serde_json::to_value(r).map_err(internal)?;
    }
    ctx.emit(&v, |out| writeln!(out, "{psbt}"))
}

fn convert_psbt(
    file: Option<&std::path::Path>,
    version: PsbtVersionArg,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let bytes = read_input(file)?;
    let version: PsbtVersion = version.into();
    let from = AnyPsbt::parse(&bytes).map_err(wallet_core::Error::from)?;
    let psbt = from
        .to_version(version)
        .map_err(wallet_core::Error::from)?
        .to_base64();
    let v = serde_json::json!({
        "psbt": psbt,
        "psbt_version": version.number(),
        "from_version": from.version().number(),
    });
    ctx.emit(&v, |out| writeln!(out, "{psbt}"))
}

fn internal(e: serde_json::Error) -> CliError {
    CliError::user(ErrorKind::Internal, format!("result JSON: {e}"))
}

/// What `btc balance NAME` names: a wallet, or (when no wallet has that
/// name) an address of the chosen network.
enum BalanceOf {
    Wallet(Box<AnyWallet>),
    Address(Address),
}

fn balance_target(ctx: &Ctx, name: &str, net: &BtcNet) -> Result<BalanceOf, CliError> {
    let missing = match session::open_any(ctx, name) {
        Ok(w) => return Ok(BalanceOf::Wallet(Box::new(w))),
        Err(e) if e.is(ErrorKind::NotFound) || e.is(ErrorKind::InvalidInput) => e,
        Err(e) => return Err(e),
    };
    match Address::parse(name, select::params(net)?) {
        Ok(a) => Ok(BalanceOf::Address(a)),
        // An address of another network: say so rather than "no such wallet".
        Err(e @ wallet_core::Error::WrongNetwork { .. }) => Err(e.into()),
        Err(_) => Err(missing),
    }
}

fn balance(
    name: &str,
    node_args: &NodeArgs,
    gap: u32,
    unit: Option<BtcUnitArg>,
    net: &BtcNet,
    verify: &BtcVerifyArgs,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let (w, params) = match balance_target(ctx, name, net)? {
        BalanceOf::Address(addr) => {
            if verify.verify {
                return Err(CliError::usage(
                    "--verify proves a wallet's coins; it does not apply to the balance of an address",
                ));
            }
            let params = addr.params();
            units::btc_amount(Amount::ZERO, params.chain(), unit)?;
            let v = BtcBalance::of_address(&connect(node_args, params, true)?, &addr)?;
            return emit_balance(ctx, &v, None, params, unit);
        }
        BalanceOf::Wallet(w) => {
            let params = wallet_params(&w, net)?;
            (w, params)
        }
    };
    let chain = params.chain();
    // A unit of another chain is refused before anything is read.
    units::btc_amount(Amount::ZERO, chain, unit)?;
    let node = connect(node_args, params, true)?;
    let (v, report) = match (&*w, verify_options(verify)?) {
        (AnyWallet::Keys(k), None) => (
            k.btc_balance(&node, params, gap, session::password(ctx, name))?,
            None,
        ),
        (AnyWallet::Watch(watch), None) => (watch.btc_balance(&node, gap)?, None),
        (AnyWallet::Keys(k), Some(opts)) => {
            let password = session::password(ctx, name);
            let (v, r) = k
                .btc_balance_verified(&node, params, gap, &opts, password)
                .map_err(verify_hint)?;
            (v, Some(r))
        }
        (AnyWallet::Watch(watch), Some(opts)) => {
            let (v, r) = watch
                .btc_balance_verified(&node, gap, &opts)
                .map_err(verify_hint)?;
            (v, Some(r))
        }
    };
    if let Some(r) = &report {
        show_verified(ctx, r);
    }
    emit_balance(ctx, &v, report.as_ref(), params, unit)
}

fn emit_balance(
    ctx: &Ctx,
    v: &BtcBalance,
    report: Option<&BtcVerifyReport>,
    params: NetworkParams,
    unit: Option<BtcUnitArg>,
) -> Result<(), CliError> {
    let chain = params.chain();
    let coins = |sat| units::btc_amount(Amount::from_sat(sat), chain, unit).unwrap_or_default();
    let mut json = match report {
        Some(r) => serde_json::to_value(Verified {
            value: v,
            verified: r,
        }),
        None => serde_json::to_value(v),
    }
    .map_err(internal)?;
    if unit.is_some() {
        json["amount"] = coins(v.confirmed_sat).into();
    }
    ctx.emit(&json, |out| {
        writeln!(out, "{}", coins(v.confirmed_sat))?;
        if v.immature_sat > 0 {
            writeln!(
                out,
                "(+{} in immature coinbase outputs)",
                coins(v.immature_sat)
            )?;
        }
        if v.spent_in_mempool_sat > 0 {
            writeln!(
                out,
                "({} more is being spent by a payment not yet mined)",
                coins(v.spent_in_mempool_sat)
            )?;
        }
        Ok(())
    })
}

/// A payment's result, with the verification report when there is one.
fn emit_payment(
    ctx: &Ctx,
    v: &BtcPayment,
    report: Option<&BtcVerifyReport>,
    txid: &str,
) -> Result<(), CliError> {
    match report {
        Some(r) => ctx.emit(
            &Verified {
                value: v,
                verified: r,
            },
            |w| writeln!(w, "{txid}"),
        ),
        None => ctx.emit(v, |w| writeln!(w, "{txid}")),
    }
}
