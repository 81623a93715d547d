//! The selector flags, as the core's selection types.

use crate::args::{BtcNet, KeyArgs, KeySelector, Selector};
use crate::error::CliError;
use wallet_core::account::{Keychain, Selection};
use wallet_core::bitcoin::NetworkParams;
use wallet_core::hd::DerivationPath;
use wallet_core::wallet::KeyChoice;

fn path(p: Option<&str>) -> Result<Option<DerivationPath>, CliError> {
    Ok(p.map(str::parse).transpose()?)
}

/// The core selection the flags describe.
pub fn selection(s: &Selector) -> Result<Selection, CliError> {
    key_selection(&s.key, s.count)
}

/// The selection of `count` addresses from the position `s` names (one
/// key: `count` 1).
pub fn key_selection(s: &KeySelector, count: u32) -> Result<Selection, CliError> {
    Ok(Selection {
        chain: s.chain.map(Into::into),
        kind: s.kind.map(Into::into),
        network: s.network.map(Into::into),
        account: s.account,
        keychain: if s.change {
            Keychain::Internal
        } else {
            Keychain::External
        },
        index: s.index,
        count,
        path: path(s.path.as_deref())?,
    })
}

/// The key the flags choose.
pub fn key_choice(k: &KeyArgs) -> Result<KeyChoice, CliError> {
    Ok(KeyChoice {
        account: k.account,
        index: k.index,
        path: path(k.path.as_deref())?,
    })
}

/// The network parameters of `--chain` / `--network` (the network's
/// default from the config file, else mainnet).
pub fn params(net: &BtcNet) -> Result<NetworkParams, CliError> {
    let chain = net
        .chain
        .map_or(wallet_core::bitcoin::Chain::Bitcoin, Into::into);
    let (network, source) = crate::config::btc_network(chain, net.network.map(Into::into))?;
    if source != crate::config::Source::Flag("--network") {
        crate::status::log(1, || format!("network: {chain} {network} ({source})"));
    }
    Ok(NetworkParams::new(chain, network)?)
}
