//! Derives addresses of every chain and type from a mnemonic, without a
//! keystore: an address `Selection` (chain, type, network, account, index,
//! count) resolved once, the same way every face resolves it.
//!
//!   cargo run -p wallet-core --example derive_addresses

use wallet_core::account::{derive_addresses, Keychain, Selection};
use wallet_core::bitcoin::{AddressType, Network};
use wallet_core::chain::ChainKind;
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::mnemonic::Mnemonic;

fn main() -> Result<(), wallet_core::Error> {
    let mnemonic = Mnemonic::parse("test test test test test test test test test test test junk")?;
    let master = ExtendedPrivateKey::from_seed(&mnemonic.to_seed(""))?;
    let selections = [
        Selection::for_chain(ChainKind::Ethereum).with_count(2),
        Selection::for_chain(ChainKind::Bitcoin).with_type(AddressType::P2wpkh),
        Selection::for_chain(ChainKind::Bitcoin).with_type(AddressType::P2tr),
        Selection::for_chain(ChainKind::Bitcoin)
            .with_type(AddressType::P2shP2wpkh)
            .at(0, Keychain::Internal, 5),
        Selection::for_chain(ChainKind::Litecoin).with_network(Network::Regtest),
    ];
    for sel in selections {
        let r = sel.resolve(ChainKind::Bitcoin)?;
        for a in derive_addresses(&master, &r.format, &r.first, r.count)? {
            println!("{:<22} {}", a.path.to_string(), a.address);
        }
    }
    Ok(())
}
