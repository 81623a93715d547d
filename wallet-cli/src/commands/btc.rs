//! `wallet btc …`: PSBT signing, payments, balances and broadcast for
//! Bitcoin and Litecoin (the network is a parameter).

use crate::args::{BtcCommand, BtcNet, NodeArgs};
use crate::commands::keys::{load, unlock};
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use serde_json::{json, Value};
use std::io::Read;
use std::time::Duration;
use wallet_core::bitcoin::payment;
use wallet_core::bitcoin::psbt::{self, InputStatus, KeyRing};
use wallet_core::bitcoin::{Address, AddressType, Chain, Network, NetworkParams};
use wallet_core::hd;
use wallet_core::keystore::{WalletFile, WalletKind, WalletSecret};
use wallet_core::rpc::bitcoin::{self as node_api, Auth, BtcNode, ScanAccount};
use wallet_core::schnorr::AuxRand;
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
        BtcCommand::Send {
            name,
            node,
            to,
            amount,
            fee_rate,
            allow_high_fee,
            change_type,
            gap,
            yes,
            net,
        } => send(
            &SendArgs {
                name: &name,
                node: &node,
                to: &to,
                amount: &amount,
                fee_rate,
                allow_high_fee,
                change_type: &change_type,
                gap,
                yes,
                net: &net,
            },
            ctx,
        ),
        BtcCommand::Balance {
            name,
            node,
            gap,
            net,
        } => balance(&name, &node, gap, &net, ctx),
    }
}

/// The network parameters of `--chain` / `--network`.
pub fn params(net: &BtcNet) -> Result<NetworkParams, CliError> {
    let chain: Chain = net.chain.parse()?;
    let network: Network = net.network.parse()?;
    Ok(NetworkParams::new(chain, network)?)
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

fn ring_for(secret: &WalletSecret, params: NetworkParams, gap: u32) -> Result<KeyRing, CliError> {
    Ok(match secret {
        WalletSecret::PrivateKey { key, .. } => KeyRing::from_keys(vec![key.clone()]),
        _ => {
            let master = secret
                .master()?
                .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?;
            KeyRing::from_master(master, params, gap)?
        }
    })
}

fn status_json(s: &InputStatus) -> Value {
    match s {
        InputStatus::Signed(kind) => json!({"status": "signed", "type": kind}),
        InputStatus::AlreadyFinal => json!({"status": "final"}),
        InputStatus::NotOurs => json!({"status": "not_ours"}),
        InputStatus::Refused(r) => json!({"status": "refused", "reason": r}),
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
    let params = params(net)?;
    let bytes = read_input(file)?;
    let mut p = psbt::parse(&bytes)?;
    let (ks, _) = load(ctx, name)?;
    let secret = unlock(ctx, &ks, name)?;
    let ring = ring_for(&secret, params, gap.min(10_000))?;
    drop(secret);
    let report = psbt::sign(&mut p, &ring, AuxRand::Random)?;
    drop(ring);
    let refused: Vec<String> = report
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            InputStatus::Refused(r) => Some(format!("input {i}: {r}")),
            _ => None,
        })
        .collect();
    if report.signed == 0 {
        let why = if refused.is_empty() {
            "no input of this PSBT belongs to the wallet (wrong wallet, --chain or --network?)"
                .to_owned()
        } else {
            format!("nothing was signed: {}", refused.join("; "))
        };
        return Err(CliError::user(ErrorKind::InvalidInput, why));
    }
    let inputs: Vec<Value> = report
        .inputs
        .iter()
        .zip(&report.sighash_types)
        .map(|(s, t)| {
            let mut v = status_json(s);
            if let Some(t) = t {
                v["sighash"] = json!(t);
            }
            v
        })
        .collect();
    if !ctx.json && !ctx.quiet {
        for (i, s) in inputs.iter().enumerate() {
            let value = report.input_values[i].map_or_else(|| "?".into(), payment::format_coins);
            eprintln!("input {i} ({value}): {s}");
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
    let mut v = json!({
        "signed": report.signed,
        "inputs": inputs,
        "fee_sat": report.fee,
    });
    if finalize {
        psbt::finalize(&mut p)?;
        let raw = psbt::extract(&p)?;
        v["hex"] = json!(hex::encode(&raw));
        v["txid"] = json!(payment::txid_of(&raw)?);
        v["vsize"] = json!(payment::vsize_of(&raw)?);
        v["complete"] = json!(true);
        return ctx.emit(&v, |w| writeln!(w, "{}", hex::encode(&raw)));
    }
    let b64 = psbt::to_base64(&p);
    v["psbt"] = json!(b64);
    ctx.emit(&v, |w| writeln!(w, "{b64}"))
}

fn broadcast(
    node_args: &NodeArgs,
    raw: Option<&str>,
    net: &BtcNet,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let params = params(net)?;
    let text = match raw {
        Some(r) if r != "-" => r.to_owned(),
        _ => String::from_utf8(read_input(None)?).map_err(|_| {
            CliError::user(
                ErrorKind::InvalidInput,
                "the transaction on stdin is not hex",
            )
        })?,
    };
    let t = text.trim();
    let bytes = hex::decode(t)
        .map_err(|_| CliError::user(ErrorKind::InvalidInput, "the transaction is not hex"))?;
    payment::decode_tx(&bytes)?;
    let node = connect(node_args)?;
    node.check_network(params)?;
    let sent = node_api::broadcast(&node, &bytes)?;
    let v = json!({
        "txid": sent.txid,
        "in_mempool": !sent.confirmed,
        "confirmed": sent.confirmed,
        "vsize": sent.vsize
    });
    if sent.confirmed {
        ctx.note("the node already has this transaction in a block: nothing new was sent");
    }
    let txid = sent.txid;
    ctx.emit(&v, |w| writeln!(w, "{txid}"))
}

/// The account keys to scan: stored ones for account 0, else derived after the password.
fn scan_accounts(
    ctx: &Ctx,
    ks: &wallet_core::keystore::Keystore,
    file: &WalletFile,
    name: &str,
    params: NetworkParams,
) -> Result<Vec<ScanAccount>, CliError> {
    if file.kind() == WalletKind::PrivateKey {
        return Err(CliError::user(
            ErrorKind::Unsupported,
            "payments from a single-key wallet are not supported; import it into a PSBT workflow (btc sign-psbt)",
        ));
    }
    let mut out = Vec::new();
    let mut secret = None;
    for kind in AddressType::ALL {
        let path = hd::account_path(kind.purpose().number(), params.coin_type(), 0)?;
        let xpub = match file.public().account_xpub(&path) {
            Some(x) => x?,
            None => {
                if secret.is_none() {
                    secret = Some(unlock(ctx, ks, name)?);
                }
                let master = secret
                    .as_ref()
                    .and_then(|s| s.master().ok().flatten())
                    .ok_or_else(|| {
                        CliError::user(ErrorKind::Internal, "HD wallet without master")
                    })?;
                master.derive_path(&path)?.public_key()
            }
        };
        let next_change =
            ks.next_change_index(name, &node_api::change_record_key(params, &path))?;
        out.push(ScanAccount {
            kind,
            path,
            xpub,
            next_change,
        });
    }
    Ok(out)
}

struct SendArgs<'a> {
    name: &'a str,
    node: &'a NodeArgs,
    to: &'a str,
    amount: &'a str,
    fee_rate: Option<f64>,
    allow_high_fee: bool,
    change_type: &'a str,
    gap: u32,
    yes: bool,
    net: &'a BtcNet,
}

fn send(a: &SendArgs<'_>, ctx: &Ctx) -> Result<(), CliError> {
    let params = params(a.net)?;
    let to = Address::parse(a.to, params)?;
    let amount = payment::parse_amount(a.amount)?;
    let change_kind: AddressType = a.change_type.parse()?;
    let (ks, file) = load(ctx, a.name)?;
    let accounts = scan_accounts(ctx, &ks, &file, a.name, params)?;
    let node = connect(a.node)?;
    let fp: wallet_core::hd::Fingerprint = file
        .public()
        .fingerprint
        .as_deref()
        .unwrap_or("00000000")
        .parse()?;
    let prepared = node_api::prepare_payment(
        &node,
        &accounts,
        params,
        fp,
        node_api::PaymentRequest {
            to: to.clone(),
            amount,
            fee_rate: a.fee_rate,
            change_kind,
            gap: a.gap,
            allow_high_fee: a.allow_high_fee,
        },
    )?;
    let sel = &prepared.selection;
    let total_in: u64 = sel.coins.iter().map(|c| c.value).sum();
    // The summary goes to stderr for people; with --json or -q it is
    // shown only when a confirmation is asked, on the terminal.
    {
        let unit = if params.chain() == Chain::Litecoin {
            "LTC"
        } else {
            "BTC"
        };
        let coins = |sat: u64| format!("{} {unit}", payment::format_coins(sat));
        let summary = format!(
            "Pay {} to {}\n  from {} {} ({}), fee {} ({} sat at {} sat/vB, {}, ~{} vB)\n  change {}",
            coins(amount),
            to,
            sel.coins.len(),
            if sel.coins.len() == 1 { "coin" } else { "coins" },
            coins(total_in),
            coins(sel.fee),
            sel.fee,
            prepared.fee_rate,
            match prepared.fee_rate_source {
                "given" => "as given",
                "node_estimate" => "the node's estimate",
                _ => "fallback: the node has no estimate",
            },
            sel.vsize,
            sel.change.map_or_else(
                || "none (left to the fee)".to_owned(),
                |c| format!("{} to {}", coins(c), prepared.change.address)
            )
        );
        if !ctx.json && !ctx.quiet {
            eprintln!("{summary}");
        } else if !a.yes {
            let _ = prompt::tty_print(&format!("{summary}\n"));
        }
    }
    prompt::confirm(a.yes, "Send this payment?", "yes")?;
    let secret = unlock(ctx, &ks, a.name)?;
    let master = secret
        .master()?
        .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?;
    drop(secret);
    let mut v = json!({
        "to": to.to_string(),
        "amount_sat": amount,
        "fee_sat": sel.fee,
        "fee_rate": prepared.fee_rate,
        "fee_rate_source": prepared.fee_rate_source,
        "inputs": sel.coins.iter().map(|c| json!({"txid": c.txid, "vout": c.vout, "value_sat": c.value, "type": c.kind.code(), "path": c.path.to_string()})).collect::<Vec<_>>(),
    });
    if let Some(c) = sel.change {
        v["change"] = json!({"address": prepared.change.address.to_string(), "amount_sat": c, "path": prepared.change.path.to_string()});
    }
    // The change index is recorded once the node would accept the payment,
    // just before it is sent: an index skipped by a send that fails then
    // costs nothing (scans cover every recorded index), a change address
    // used twice would link the payments.
    let mut record_failure = None;
    let sent = node_api::complete_payment(&node, prepared, master, params, |p| {
        if p.selection.change.is_none() {
            return Ok(());
        }
        record_change(&ks, a.name, params, &accounts, p).map_err(|e| {
            let msg = e.message.clone();
            record_failure = Some(e);
            wallet_core::Error::Internal(msg)
        })
    })
    .map_err(|e| record_failure.take().unwrap_or_else(|| CliError::from(e)))?;
    v["txid"] = json!(sent.txid);
    v["hex"] = json!(hex::encode(&sent.raw));
    v["vsize"] = json!(sent.vsize);
    let txid = sent.txid;
    ctx.emit(&v, |w| writeln!(w, "{txid}"))
}

/// Records that the payment's change index is taken (nothing is sent if
/// this fails).
fn record_change(
    ks: &wallet_core::keystore::Keystore,
    name: &str,
    params: NetworkParams,
    accounts: &[ScanAccount],
    prepared: &node_api::PreparedPayment,
) -> Result<(), CliError> {
    let kind = prepared.request.change_kind;
    let acct = accounts
        .iter()
        .find(|x| x.kind == kind)
        .ok_or_else(|| CliError::user(ErrorKind::Internal, "no change account"))?;
    ks.record_change_index(
        name,
        &node_api::change_record_key(params, &acct.path),
        prepared.change_index.saturating_add(1),
    )
    .map_err(|e| {
        let mut e = CliError::from(e);
        e.message = format!(
            "nothing was sent: the wallet could not record the change address it takes: {}",
            e.message
        );
        e
    })
}

fn balance(
    name: &str,
    node_args: &NodeArgs,
    gap: u32,
    net: &BtcNet,
    ctx: &Ctx,
) -> Result<(), CliError> {
    let params = params(net)?;
    let (ks, file) = load(ctx, name)?;
    let accounts = scan_accounts(ctx, &ks, &file, name, params)?;
    let node = connect(node_args)?;
    node.check_network(params)?;
    let found = node_api::find_coins(&node, &accounts, params, gap.clamp(1, 10_000))?;
    let spendable: u64 = found.coins.iter().map(|c| c.value).sum();
    let immature: u64 = found.immature.iter().map(|c| c.value).sum();
    let pending: u64 = found.spent_in_mempool.iter().map(|c| c.value).sum();
    let mut by_type = serde_json::Map::new();
    for kind in AddressType::ALL {
        let s: u64 = found
            .coins
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.value)
            .sum();
        by_type.insert(kind.code().into(), json!(s));
    }
    let v = json!({
        "confirmed_sat": spendable,
        "confirmed": payment::format_coins(spendable),
        "immature_sat": immature,
        "spent_in_mempool_sat": pending,
        "by_type_sat": by_type,
        "utxos": found.coins.len(),
        "height": found.height,
    });
    let unit = if params.chain() == Chain::Litecoin {
        "LTC"
    } else {
        "BTC"
    };
    ctx.emit(&v, |w| {
        writeln!(w, "{} {unit}", payment::format_coins(spendable))?;
        if immature > 0 {
            writeln!(
                w,
                "(+{} {unit} in immature coinbase outputs)",
                payment::format_coins(immature)
            )?;
        }
        if pending > 0 {
            writeln!(
                w,
                "({} {unit} more is being spent by a payment not yet mined)",
                payment::format_coins(pending)
            )?;
        }
        Ok(())
    })
}
