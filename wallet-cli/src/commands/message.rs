//! `wallet sign-message` and `wallet verify-message`.

use crate::args::{SignMessageArgs, VerifyMessageArgs};
use crate::error::CliError;
use crate::output::Ctx;
use crate::{select, session};
use serde_json::json;
use wallet_core::account::SelectionError;
use wallet_core::bitcoin::{Network, NetworkParams};
use wallet_core::chain::ChainKind;
use wallet_core::ethereum::{self, message, Address};
use wallet_core::wallet::{self, MessageScheme};

/// The bytes a command signs: a file's, or MESSAGE (hex when 0x-prefixed,
/// like cast, unless `--text`).
fn message_bytes(
    message: Option<&str>,
    file: Option<&std::path::Path>,
    text: bool,
) -> Result<Vec<u8>, CliError> {
    if let Some(f) = file {
        return std::fs::read(f).map_err(|e| CliError::io("message file", f, &e));
    }
    let m = message.unwrap_or_default();
    if !text {
        if let Some(h) = m.strip_prefix("0x") {
            if let Ok(b) = hex::decode(h) {
                return Ok(b);
            }
        }
    }
    Ok(m.as_bytes().to_vec())
}

/// Runs `wallet sign-message`.
pub fn sign(args: &SignMessageArgs, ctx: &Ctx) -> Result<(), CliError> {
    if args.selector.chain.is_none() {
        return Err(CliError::usage("--chain is required: eth, btc or ltc"));
    }
    let sel = select::key_selection(&args.selector, 1)?;
    if args.bip322.is_some() && sel.chain == Some(ChainKind::Ethereum) {
        return Err(CliError::usage("--bip322 is for --chain btc or ltc"));
    }
    let scheme = args.bip322.map_or(MessageScheme::Bip137, Into::into);
    // Checked before the password: e.g. a taproot key has no BIP137 form.
    wallet::check_message_selection(&sel, scheme).map_err(|e| {
        let bip137 = scheme == MessageScheme::Bip137;
        let e = CliError::from(e);
        if bip137 && e.is(wallet_core::ErrorKind::Unsupported) {
            e.with_hint("sign with --bip322, or use --type p2wpkh, p2sh-p2wpkh or p2pkh")
        } else {
            e
        }
    })?;
    let w = session::open(ctx, &args.name)?;
    let single = w.file().public().single.is_some();
    if single && sel.names_a_position() {
        return Err(wallet_core::Error::from(SelectionError::SingleKeyPosition).into());
    }
    let msg = message_bytes(args.message.as_deref(), args.file.as_deref(), args.text)?;
    let v = session::unlock(ctx, &w)?.sign_message_as(&msg, &sel, scheme)?;
    ctx.emit(&v, |out| writeln!(out, "{}", v.signature))
}

/// Runs `wallet verify-message`.
pub fn verify(args: &VerifyMessageArgs, ctx: &Ctx) -> Result<(), CliError> {
    let chain = ChainKind::from(args.chain);
    if args.typed_data.is_some() && chain != ChainKind::Ethereum {
        return Err(CliError::usage("--typed-data is for --chain eth (EIP-712)"));
    }
    let msg = match &args.typed_data {
        Some(_) => Vec::new(),
        None => message_bytes(args.message.as_deref(), args.file.as_deref(), args.text)?,
    };
    let Some(family) = chain.bitcoin_family() else {
        return verify_eth(args, &msg, ctx);
    };
    let network = args.network.map_or(Network::Mainnet, Into::into);
    let params = NetworkParams::new(family, network)?;
    let v = wallet::verify_bitcoin_message(&args.address, &msg, &args.signature, params)
        .map_err(|e| CliError::from(e).with("valid", json!(false)))?;
    ctx.emit(&v, |w| {
        let format = v.format.unwrap_or_default();
        writeln!(w, "valid: signed by {} ({format})", v.address)?;
        if v.lock_time.is_some_and(|t| t != 0) || v.sequence.is_some_and(|s| s != 0) {
            let (t, s) = (v.lock_time.unwrap_or(0), v.sequence.unwrap_or(0));
            writeln!(w, "time-locked: valid from lock time {t}, sequence {s}")?;
        }
        for o in &v.proven {
            writeln!(
                w,
                "claims the output {o} (check on a node that it is unspent)"
            )?;
        }
        Ok(())
    })
}

fn verify_eth(args: &VerifyMessageArgs, msg: &[u8], ctx: &Ctx) -> Result<(), CliError> {
    let want: Address = args.address.parse()?;
    let sig = ethereum::Signature::from_hex(&args.signature)?;
    let got = match &args.typed_data {
        Some(f) => crate::commands::eth::read_typed_data(f)?.recover(&sig)?,
        None => message::recover_message(msg, &sig)?,
    };
    if got != want {
        let e = CliError::from(wallet_core::Error::BadSignature(format!(
            "the signature does not match this message and address {}",
            want.to_checksum()
        )));
        return Err(e
            .with("valid", json!(false))
            .with("recovered", json!(got.to_checksum())));
    }
    let v = json!({"valid": true, "address": want.to_checksum()});
    ctx.emit(&v, |w| {
        writeln!(w, "valid: signed by {}", want.to_checksum())
    })
}
