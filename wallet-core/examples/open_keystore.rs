//! Lists a keystore directory's wallets (with the files it could not read),
//! then prints what each wallet shows without its password: its kind, its
//! first addresses and its stored account keys.
//!
//!   cargo run -p wallet-core --example open_keystore -- ~/.local/share/wallet/keystore

use wallet_core::keystore::Keystore;
use wallet_core::wallet::{listing, AnyWallet};

fn main() -> Result<(), wallet_core::Error> {
    let dir = match std::env::args().nth(1) {
        Some(d) => d.into(),
        None => Keystore::default_dir()?,
    };
    let keystore = Keystore::open_existing(&dir).ok();
    let list = listing(keystore.as_ref(), &dir)?;
    println!("{} wallet(s) in {}", list.wallets.len(), list.keystore);
    for bad in &list.unreadable {
        println!(
            "  cannot read '{}': {} ({})",
            bad.name, bad.message, bad.kind
        );
    }
    let Some(keystore) = keystore else {
        return Ok(());
    };
    for w in &list.wallets {
        match AnyWallet::open(&keystore, &w.name)? {
            AnyWallet::Keys(wallet) => {
                let info = wallet.info();
                println!(
                    "{} ({}): {:?}",
                    w.name, info.summary.kind, info.summary.addresses
                );
                for a in &info.accounts {
                    println!("    {} {}", a.path, a.xpub);
                }
            }
            AnyWallet::Watch(watch) => {
                let info = watch.info()?;
                println!("{} (watch-only, {} {})", w.name, info.chain, info.network);
            }
        }
    }
    Ok(())
}
