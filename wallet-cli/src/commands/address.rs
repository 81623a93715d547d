//! `wallet address NAME`: a wallet's addresses, from the stored account xpubs
//! when possible (no password), else from the unlocked master key.

use crate::args::AddressArgs;
use crate::commands::derive::{emit_addresses, labels, resolve, AddressList, AddressesOut};
use crate::commands::keys::{load, unlock};
use crate::error::CliError;
use crate::output::Ctx;
use wallet_core::account::{self, AddressFormat, DerivedAddress};
use wallet_core::bitcoin::AddressType;
use wallet_core::hd::DerivationPath;
use wallet_core::keystore::{self, WalletKind};
use wallet_core::ErrorKind;

/// Runs `wallet address`.
pub fn run(args: &AddressArgs, ctx: &Ctx) -> Result<(), CliError> {
    let (ks, file) = load(ctx, &args.name)?;
    let sel = &args.selector;
    let public = file.public();
    let r = resolve(sel, "btc")?;
    let (chain, network, kind) = labels(&r.format);
    let single = file.kind() == WalletKind::PrivateKey;
    let header = AddressesOut {
        chain,
        network,
        kind: if single { None } else { kind },
        master_fingerprint: public.fingerprint.clone(),
        account_path: r.account_path.as_ref().map(ToString::to_string),
        account_xpub: None,
        account_slip132: None,
        addresses: AddressList(&[]),
    };
    if single {
        if sel.path.is_some()
            || sel.account.is_some()
            || sel.index.is_some()
            || sel.change
            || sel.count != 1
        {
            return Err(CliError::usage(
                "this wallet is a single key: --path, --account, --index, --change and --count do not apply",
            ));
        }
        let pk = public.single_key().ok_or_else(|| {
            CliError::user(
                ErrorKind::Tampered,
                "single-key wallet without a public key",
            )
        })??;
        let compressed = public.compressed.unwrap_or(true);
        let address = match r.format {
            AddressFormat::Ethereum => r.format.encode(&pk)?,
            AddressFormat::Bitcoin { params, .. } => {
                let kind = match (&sel.kind, compressed) {
                    (Some(k), _) => k.parse()?,
                    (None, true) => AddressType::P2wpkh,
                    (None, false) => AddressType::P2pkh,
                };
                keystore::single_key_address(&pk, compressed, kind, params)?
            }
        };
        let one = DerivedAddress {
            path: DerivationPath::master(),
            address,
            public_key: pk,
        };
        return emit_addresses(ctx, &header, 1, false, |_, _| Ok(vec![one.clone()]));
    }
    // The whole run is checked before anything is written.
    account::nth_path(&r.first, r.count - 1)?;
    if let Some((chain_node, parent_path, start)) = stored_chain(public, &r)? {
        return emit_addresses(ctx, &header, r.count, true, |offset, n| {
            Ok(account::walk(
                &chain_node,
                &parent_path,
                &r.format,
                start + offset,
                n,
            )?)
        });
    }
    let secret = unlock(ctx, &ks, &args.name)?;
    let master = secret
        .master()?
        .ok_or_else(|| CliError::user(ErrorKind::Internal, "HD wallet without master"))?;
    emit_addresses(ctx, &header, r.count, true, |offset, n| {
        let first = account::nth_path(&r.first, offset)?;
        Ok(account::derive_addresses(&master, &r.format, &first, n)?)
    })
}

/// The stored account xpub's chain node (`account/change`), its path and
/// the first index, when the selection is `account/change/index…` of a
/// stored account.
fn stored_chain(
    public: &keystore::PublicInfo,
    r: &crate::commands::derive::Resolved,
) -> Result<Option<(wallet_core::hd::ExtendedPublicKey, DerivationPath, u32)>, CliError> {
    let idx = r.first.indexes();
    if idx.len() != 5 || r.first.hardened_prefix_len() != 3 {
        return Ok(None);
    }
    let account_path = DerivationPath::from_indexes(idx[..3].to_vec())?;
    let Some(xpub) = public.account_xpub(&account_path) else {
        return Ok(None);
    };
    let chain_node = xpub?.derive_child(idx[3])?;
    let parent_path = account_path.child(idx[3])?;
    Ok(Some((chain_node, parent_path, idx[4].index())))
}
