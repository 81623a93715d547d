//! `wallet derive`: addresses from a mnemonic on stdin, no keystore involved.

use crate::args::{DeriveArgs, Selector};
use crate::error::CliError;
use crate::output::Ctx;
use crate::prompt;
use serde::Serialize as DeriveSerialize;
use std::io::Write;
use wallet_core::account::{self, AddressFormat, DerivedAddress};
use wallet_core::bitcoin::{AddressType, Chain, Network, NetworkParams};
use wallet_core::hd::{DerivationPath, ExtendedPrivateKey};
use wallet_core::mnemonic::Mnemonic;
use wallet_core::secret::SecretString;

/// What a [`Selector`] asks for, checked.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Encoding.
    pub format: AddressFormat,
    /// Path of the first address.
    pub first: DerivationPath,
    /// How many.
    pub count: u32,
    /// The account path when the selection was by account.
    pub account_path: Option<DerivationPath>,
}

/// Checks the selector flags and works out the first path (`default_chain`
/// when no `--chain` is given).
pub fn resolve(sel: &Selector, default_chain: &str) -> Result<Resolved, CliError> {
    let path = match &sel.path {
        Some(p) => Some(p.parse::<DerivationPath>()?),
        None => None,
    };
    let format = match sel.chain.as_deref().unwrap_or(default_chain) {
        "eth" => {
            if sel.kind.is_some() {
                return Err(CliError::usage(
                    "--type applies to --chain btc and ltc only",
                ));
            }
            if sel.network.is_some() {
                return Err(CliError::usage(
                    "--network applies to --chain btc and ltc only (Ethereum addresses are the same on every network)",
                ));
            }
            AddressFormat::Ethereum
        }
        chain => {
            let chain: Chain = chain.parse()?;
            let network: Network = sel.network.as_deref().unwrap_or("mainnet").parse()?;
            let params = NetworkParams::new(chain, network)?;
            let kind = match (&sel.kind, &path) {
                (Some(k), _) => k.parse::<AddressType>()?,
                (None, Some(p)) => AddressFormat::type_for_path(p).unwrap_or(AddressType::P2wpkh),
                (None, None) => AddressType::P2wpkh,
            };
            AddressFormat::Bitcoin { params, kind }
        }
    };
    let (first, account_path) = match path {
        Some(p) => (p, None),
        None => {
            let account = sel.account.unwrap_or(0);
            let acct = format.account_path(account)?;
            let first = format.address_path(account, sel.change, sel.index.unwrap_or(0))?;
            (first, Some(acct))
        }
    };
    Ok(Resolved {
        format,
        first,
        count: sel.count,
        account_path,
    })
}

/// The JSON shape shared by `derive` and `address`, less its last field,
/// `addresses`, which [`emit_addresses`] streams after these.
#[derive(DeriveSerialize)]
pub struct AddressesOut {
    /// `btc`, `ltc` or `eth`.
    pub chain: &'static str,
    /// Network for btc/ltc.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<&'static str>,
    /// Address type for btc/ltc.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Fingerprint of the master key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_fingerprint: Option<String>,
    /// Account path when selected by account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_path: Option<String>,
    /// Account extended public key when selected by account (BIP32 xpub/tpub).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_xpub: Option<String>,
    /// The same key with SLIP-132 version bytes (ypub/zpub/upub/vpub/Ltub/Mtub),
    /// when the address type has its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_slip132: Option<String>,
}

/// Labels of a format for the JSON output.
pub fn labels(
    format: &AddressFormat,
) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    match format {
        AddressFormat::Ethereum => ("eth", None, None),
        AddressFormat::Bitcoin { params, kind } => (
            params.chain().code(),
            Some(params.network().code()),
            Some(kind.code()),
        ),
    }
}

/// Addresses are derived and written this many at a time, so that any
/// `--count` (up to 2^31) runs in bounded memory.
const CHUNK: u32 = 16_384;

/// Writes `header` (whose `addresses` is empty) with `count` addresses that
/// `next(offset, n)` derives a chunk at a time, streamed to stdout: as one
/// JSON object with `--json`, else as `path  address` lines (bare addresses
/// without `paths`).
pub fn emit_addresses(
    ctx: &Ctx,
    header: &AddressesOut,
    count: u32,
    paths: bool,
    mut next: impl FnMut(u32, u32) -> Result<Vec<DerivedAddress>, CliError>,
) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    // A derivation error stops the output and is what the command reports.
    let mut failed = None;
    let mut write = || -> std::io::Result<()> {
        if ctx.json {
            // `{"chain":…}` without its closing brace, then the addresses.
            let head = serde_json::to_vec(header).map_err(std::io::Error::other)?;
            out.write_all(&head[..head.len().saturating_sub(1)])?;
            out.write_all(b",\"addresses\":[")?;
        }
        let mut offset = 0;
        while offset < count {
            let n = CHUNK.min(count - offset);
            let list = match next(offset, n) {
                Ok(list) => list,
                Err(e) => {
                    failed = Some(e);
                    return Ok(());
                }
            };
            if ctx.json {
                for (i, a) in list.iter().enumerate() {
                    if offset > 0 || i > 0 {
                        out.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut out, &OneAddress::of(a))
                        .map_err(std::io::Error::other)?;
                }
            } else if paths {
                print_lines(&mut out, &list)?;
            } else {
                for a in &list {
                    writeln!(out, "{}", a.address)?;
                }
            }
            offset += n;
        }
        if ctx.json {
            out.write_all(b"]}\n")?;
        }
        out.flush()
    };
    let written = write();
    match failed {
        Some(e) => Err(e),
        None => written.or_else(crate::output::ignore_broken_pipe),
    }
}

/// One address in the JSON output.
#[derive(DeriveSerialize)]
struct OneAddress<'b> {
    index: u32,
    path: String,
    address: &'b str,
    public_key: String,
}

impl<'b> OneAddress<'b> {
    fn of(a: &'b DerivedAddress) -> Self {
        Self {
            index: a.path.last().map_or(0, |c| c.index()),
            path: a.path.to_string(),
            address: &a.address,
            public_key: hex::encode(a.public_key.to_compressed()),
        }
    }
}

/// Prints `path  address` lines.
pub fn print_lines(w: &mut dyn Write, list: &[DerivedAddress]) -> std::io::Result<()> {
    for a in list {
        writeln!(w, "{}  {}", a.path, a.address)?;
    }
    Ok(())
}

/// Runs `wallet derive`.
pub fn run(args: &DeriveArgs, ctx: &Ctx) -> Result<(), CliError> {
    let resolved = resolve(&args.selector, "btc")?;
    let passphrase = match &args.passphrase_file {
        Some(p) => prompt::read_secret_file(p, "passphrase file")?,
        None => SecretString::default(),
    };
    let phrase = prompt::read_stdin_secret("Mnemonic: ", "mnemonic")?;
    let mnemonic = Mnemonic::parse(phrase.expose())?;
    drop(phrase);
    let master = ExtendedPrivateKey::from_seed(&mnemonic.to_seed(passphrase.expose()))?;
    // The whole run is checked before anything is written.
    account::nth_path(&resolved.first, resolved.count - 1)?;
    let (chain, network, kind) = labels(&resolved.format);
    let (account_xpub, account_slip132) = match &resolved.account_path {
        Some(p) if ctx.json => {
            let account = master.derive_path(p)?.public_key();
            let plain = crate::commands::keys::xpub_version(&resolved.format, true);
            let slip = resolved.format.key_version();
            (
                Some(account.clone().with_version(plain).to_base58()),
                (slip != plain).then(|| account.with_version(slip).to_base58()),
            )
        }
        _ => (None, None),
    };
    let header = AddressesOut {
        chain,
        network,
        kind,
        master_fingerprint: Some(master.fingerprint().to_string()),
        account_path: resolved.account_path.as_ref().map(ToString::to_string),
        account_xpub,
        account_slip132,
    };
    emit_addresses(ctx, &header, resolved.count, true, |offset, n| {
        let first = account::nth_path(&resolved.first, offset)?;
        Ok(account::derive_addresses(
            &master,
            &resolved.format,
            &first,
            n,
        )?)
    })
}
