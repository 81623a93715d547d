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
use wallet_core::bitcoin::payment::{self, ChangeOutput};
use wallet_core::bitcoin::psbt::{self, InputStatus, KeyRing};
use wallet_core::bitcoin::{Address, AddressType, Chain, Network, NetworkParams};
use wallet_core::hd::{self, ChildIndex};
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
    if !ctx.json && !ctx.quiet {
        for (i, s) in report.inputs.iter().enumerate() {
            let value = report.input_values[i].map_or_else(|| "?".into(), payment::format_coins);
            eprintln!("input {i} ({value}): {}", status_json(s));
        }
        match report.fee {
            Some(f) => eprintln!("fee: {} ({f} sat)", payment::format_coins(f)),
            None => eprintln!("fee: unknown (some inputs' UTXOs are missing)"),
        }
    }
    let mut v = json!({
        "signed": report.signed,
        "inputs": report.inputs.iter().map(status_json).collect::<Vec<_>>(),
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
    let txid = payment::txid_of(&bytes)?;
    let node = connect(node_args)?;
    node.check_network(params)?;
    match node.test_mempool_accept(&bytes) {
        Ok(Some(reason)) => {
            return Err(wallet_core::Error::Rejected(format!(
                "{reason} (testmempoolaccept; nothing was sent)"
            ))
            .into())
        }
        Ok(None) | Err(wallet_core::Error::Unsupported(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let sent = node.send_raw(&bytes)?;
    if sent != txid {
        return Err(CliError::user(
            ErrorKind::BadResponse,
            format!("the node answered txid {sent}, but the transaction's txid is {txid}"),
        ));
    }
    // Some nodes (bcoin) answer a txid even for a rejected transaction.
    if !node.wait_in_mempool(&txid, Duration::from_secs(2))? {
        return Err(wallet_core::Error::Rejected(format!(
            "the node answered, but transaction {txid} is not in its mempool"
        ))
        .into());
    }
    let v = json!({"txid": txid, "in_mempool": true});
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
        out.push(ScanAccount { kind, path, xpub });
    }
    Ok(out)
}

struct SendArgs<'a> {
    name: &'a str,
    node: &'a NodeArgs,
    to: &'a str,
    amount: &'a str,
    fee_rate: Option<f64>,
    change_type: &'a str,
    gap: u32,
    yes: bool,
    net: &'a BtcNet,
}

/// Fee rate used when the node has no estimate (new chains, regtest).
const FALLBACK_FEE_RATE: f64 = 2.0;
/// Estimates above this are refused unless the rate is given explicitly.
const MAX_ESTIMATED_FEE_RATE: f64 = 500.0;

fn send(a: &SendArgs<'_>, ctx: &Ctx) -> Result<(), CliError> {
    let params = params(a.net)?;
    let to = Address::parse(a.to, params)?;
    let amount = payment::parse_amount(a.amount)?;
    let change_kind: AddressType = a.change_type.parse()?;
    if let Some(r) = a.fee_rate {
        if !(r.is_finite() && r >= 0.0) {
            return Err(CliError::user(
                ErrorKind::InvalidInput,
                "--fee-rate must be a number of sat/vB",
            ));
        }
    }
    let payee_kind = to.address_type();
    let dust = payee_kind.map_or(546, payment::dust_limit);
    if amount < dust {
        return Err(CliError::user(
            ErrorKind::InvalidInput,
            format!("{} is below the dust limit ({dust} sat) for this address; nodes would not relay it", payment::format_coins(amount)),
        ));
    }
    let (ks, file) = load(ctx, a.name)?;
    let accounts = scan_accounts(ctx, &ks, &file, a.name, params)?;
    let node = connect(a.node)?;
    node.check_network(params)?;
    let found = node_api::find_coins(&node, &accounts, params, a.gap.clamp(1, 10_000))?;
    let (rate, rate_source) = match a.fee_rate {
        Some(r) => (r, "given"),
        None => match node.estimate_fee(6)? {
            Some(r) if r > MAX_ESTIMATED_FEE_RATE => {
                return Err(CliError::user(
                    ErrorKind::InvalidInput,
                    format!("the node estimates {r:.1} sat/vB, above the {MAX_ESTIMATED_FEE_RATE} sat/vB cap; pass --fee-rate to pay it anyway"),
                ))
            }
            Some(r) => (r, "node estimate"),
            None => (FALLBACK_FEE_RATE, "fallback (the node has no estimate)"),
        },
    };
    let payee_weight = payment::script_output_weight(to.script_pubkey().len());
    let mut selection = payment::select(&found.coins, amount, payee_weight, rate, change_kind)
        .map_err(|e| {
            if e.kind() == ErrorKind::InsufficientFunds && !found.immature.is_empty() {
                CliError::from(wallet_core::Error::InsufficientFunds(format!(
                    "{e}; {} more is in coinbase outputs that are not yet mature",
                    payment::format_coins(found.immature.iter().map(|c| c.value).sum())
                )))
            } else {
                CliError::from(e)
            }
        })?;
    // Legacy inputs carry their previous transaction.
    for c in &mut selection.coins {
        if c.kind == AddressType::P2pkh {
            c.prev_tx = Some(node.raw_transaction(&c.txid)?);
        }
    }
    // Change: the next index after the highest used on the change chain.
    let change_account = accounts
        .iter()
        .find(|x| x.kind == change_kind)
        .ok_or_else(|| CliError::user(ErrorKind::Internal, "no account for the change type"))?;
    let change_index = found.last_change.get(&change_kind).map_or(0, |i| i + 1);
    let change_node = change_account.xpub.derive_child(ChildIndex::normal(1)?)?;
    let change_pk = change_node.child_public_key(ChildIndex::normal(change_index)?)?;
    let change = ChangeOutput {
        address: Address::from_public_key(&change_pk, change_kind, params)?,
        path: change_account
            .path
            .child(ChildIndex::normal(1)?)?
            .child(ChildIndex::normal(change_index)?)?,
    };
    let mut input_pks = Vec::new();
    for c in &selection.coins {
        let acct = accounts
            .iter()
            .find(|x| x.kind == c.kind)
            .ok_or_else(|| CliError::user(ErrorKind::Internal, "coin without account"))?;
        let idx = c.path.indexes();
        input_pks.push(acct.xpub.derive_child(idx[3])?.child_public_key(idx[4])?);
    }
    let fp: wallet_core::hd::Fingerprint = file
        .public()
        .fingerprint
        .as_deref()
        .unwrap_or("00000000")
        .parse()?;
    let mut p = payment::build_psbt(&selection, &to, amount, &change, fp, &change_pk, &input_pks)?;
    let total_in: u64 = selection.coins.iter().map(|c| c.value).sum();
    if !ctx.json && !ctx.quiet {
        eprintln!(
            "Pay {} to {}\n  from {} coins ({}), fee {} ({} sat at {rate} sat/vB, {rate_source}, ~{} vB)\n  change {}",
            payment::format_coins(amount),
            to,
            selection.coins.len(),
            payment::format_coins(total_in),
            payment::format_coins(selection.fee),
            selection.fee,
            selection.vsize,
            selection
                .change
                .map_or_else(|| "none (left to the fee)".to_owned(), |c| format!("{} to {}", payment::format_coins(c), change.address))
        );
    }
    prompt::confirm(a.yes, "Send this payment?", "yes")?;
    let secret = unlock(ctx, &ks, a.name)?;
    let master = secret
        .master()?
        .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?;
    drop(secret);
    let ring = KeyRing::from_master(master, params, 0)?;
    let report = psbt::sign(&mut p, &ring, AuxRand::Random)?;
    drop(ring);
    if report.signed != selection.coins.len() {
        return Err(CliError::user(
            ErrorKind::Internal,
            format!(
                "only {} of {} inputs could be signed: {:?}",
                report.signed,
                selection.coins.len(),
                report.inputs
            ),
        ));
    }
    psbt::finalize(&mut p)?;
    let raw = psbt::extract(&p)?;
    let txid = payment::txid_of(&raw)?;
    match node.test_mempool_accept(&raw) {
        Ok(Some(reason)) => {
            return Err(wallet_core::Error::Rejected(format!(
                "{reason} (testmempoolaccept; nothing was sent)"
            ))
            .into())
        }
        Ok(None) | Err(wallet_core::Error::Unsupported(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let sent = node.send_raw(&raw)?;
    if sent != txid || !node.wait_in_mempool(&txid, Duration::from_secs(2))? {
        return Err(wallet_core::Error::Rejected(format!(
            "the node answered, but transaction {txid} is not in its mempool"
        ))
        .into());
    }
    let vsize = payment::vsize_of(&raw)?;
    let mut v = json!({
        "txid": txid,
        "hex": hex::encode(&raw),
        "to": to.to_string(),
        "amount_sat": amount,
        "fee_sat": selection.fee,
        "fee_rate": rate,
        "vsize": vsize,
        "inputs": selection.coins.iter().map(|c| json!({"txid": c.txid, "vout": c.vout, "value_sat": c.value, "type": c.kind.code(), "path": c.path.to_string()})).collect::<Vec<_>>(),
    });
    if let Some(c) = selection.change {
        v["change"] = json!({"address": change.address.to_string(), "amount_sat": c, "path": change.path.to_string()});
    }
    ctx.emit(&v, |w| writeln!(w, "{txid}"))
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
        Ok(())
    })
}
