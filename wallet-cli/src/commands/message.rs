//! `wallet sign-message` and `wallet verify-message`.

use crate::args::{SignMessageArgs, VerifyMessageArgs};
use crate::commands::derive::resolve;
use crate::commands::eth::private_key;
use crate::commands::keys::{load, unlock};
use crate::error::CliError;
use crate::output::Ctx;
use serde_json::json;
use wallet_core::account::AddressFormat;
use wallet_core::bitcoin::message as btc_message;
use wallet_core::bitcoin::{AddressType, Chain, Network, NetworkParams};
use wallet_core::ethereum::{self, message, Address};
use wallet_core::keystore::{self, WalletKind, WalletSecret};

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
    let chain = args
        .selector
        .chain
        .as_deref()
        .ok_or_else(|| CliError::usage("--chain is required: eth, btc or ltc"))?;
    if args.selector.count != 1 {
        return Err(CliError::usage("--count does not apply to sign-message"));
    }
    let r = resolve(&args.selector, chain)?;
    let (ks, file) = load(ctx, &args.name)?;
    if file.kind() == WalletKind::PrivateKey
        && (args.selector.path.is_some()
            || args.selector.account.is_some()
            || args.selector.index.is_some()
            || args.selector.change)
    {
        return Err(CliError::usage(
            "this wallet is a single key: --path, --account, --index and --change do not apply",
        ));
    }
    let msg = message_bytes(args.message.as_deref(), args.file.as_deref(), args.text)?;
    match r.format {
        AddressFormat::Ethereum => {
            let secret = unlock(ctx, &ks, &args.name)?;
            let key = private_key(&secret, &r.first)?;
            drop(secret);
            let sig = message::sign_message(&key, &msg)?;
            let address = Address::from_public_key(&key.public_key());
            let mut v = json!({
                "signature": sig.to_string(),
                "address": address.to_checksum(),
                "message_hash": format!("0x{}", hex::encode(message::personal_hash(&msg))),
            });
            if file.kind() != WalletKind::PrivateKey {
                v["path"] = json!(r.first.to_string());
            }
            ctx.emit(&v, |w| writeln!(w, "{sig}"))
        }
        AddressFormat::Bitcoin { params, kind } => {
            let secret = unlock(ctx, &ks, &args.name)?;
            let compressed = match &secret {
                WalletSecret::PrivateKey { compressed, .. } => *compressed,
                _ => true,
            };
            let kind = if !compressed && args.selector.kind.is_none() {
                AddressType::P2pkh
            } else {
                kind
            };
            let key = private_key(&secret, &r.first)?;
            drop(secret);
            let address =
                keystore::single_key_address(&key.public_key(), compressed, kind, params)?;
            let sig = btc_message::sign(&key, &msg, kind, compressed, params.chain())?;
            let mut v = json!({"signature": sig, "address": address});
            if file.kind() != WalletKind::PrivateKey {
                v["path"] = json!(r.first.to_string());
            }
            ctx.emit(&v, |w| writeln!(w, "{sig}"))
        }
    }
}

/// Runs `wallet verify-message`.
pub fn verify(args: &VerifyMessageArgs, ctx: &Ctx) -> Result<(), CliError> {
    if args.typed_data.is_some() && args.chain != "eth" {
        return Err(CliError::usage("--typed-data is for --chain eth (EIP-712)"));
    }
    let msg = match &args.typed_data {
        Some(_) => Vec::new(),
        None => message_bytes(args.message.as_deref(), args.file.as_deref(), args.text)?,
    };
    match args.chain.as_str() {
        "eth" => {
            let want: Address = args.address.parse()?;
            let sig = ethereum::Signature::from_hex(&args.signature)?;
            let got = match &args.typed_data {
                Some(f) => crate::commands::eth::read_typed_data(f)?.recover(&sig)?,
                None => message::recover_message(&msg, &sig)?,
            };
            if got != want {
                let mut e = CliError::from(wallet_core::Error::BadSignature(format!(
                    "the signature is not by {}: it was made by {}",
                    want.to_checksum(),
                    got.to_checksum()
                )));
                e.details.insert("valid".into(), json!(false));
                e.details
                    .insert("recovered".into(), json!(got.to_checksum()));
                return Err(e);
            }
            let v = json!({"valid": true, "address": want.to_checksum()});
            ctx.emit(&v, |w| {
                writeln!(w, "valid: signed by {}", want.to_checksum())
            })
        }
        chain => {
            let params = NetworkParams::new(
                chain.parse::<Chain>()?,
                args.network
                    .as_deref()
                    .unwrap_or("mainnet")
                    .parse::<Network>()?,
            )?;
            btc_message::verify(&args.address, &msg, &args.signature, params).map_err(|e| {
                let mut c = CliError::from(e);
                c.details.insert("valid".into(), json!(false));
                c
            })?;
            let v = json!({"valid": true, "address": args.address});
            ctx.emit(&v, |w| writeln!(w, "valid: signed by {}", args.address))
        }
    }
}
