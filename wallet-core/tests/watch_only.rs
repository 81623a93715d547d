//! Watch-only wallets in a keystore: descriptors read in every accepted form
//! (multipath, receive/change pair, receive only), the file written and read
//! back, its integrity hash checked, and every refusal (mixed networks,
//! signers or duplicate types, addresses outside the account, keys asked of
//! a wallet that has none).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use wallet_core::account::Selection;
use wallet_core::bitcoin::descriptor::{AccountDescriptor, Keychains};
use wallet_core::bitcoin::{AddressType, Chain, Network, NetworkParams};
use wallet_core::chain::ChainKind;
use wallet_core::hd::{ExtendedPrivateKey, Keychain};
use wallet_core::keystore::{Keystore, StoredWallet};
use wallet_core::mnemonic::Mnemonic;
use wallet_core::wallet::{listing, parse_descriptors, AnyWallet, WatchWallet};
use wallet_core::ErrorKind;

const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const TEST: &str = "test test test test test test test test test test test junk";

fn regtest() -> NetworkParams {
    NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap()
}

fn account(phrase: &str, kind: AddressType) -> AccountDescriptor {
    let m = Mnemonic::parse(phrase).unwrap();
    let master = ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
    AccountDescriptor::from_master(&master, kind, regtest(), 0).unwrap()
}

fn pair(a: &AccountDescriptor) -> String {
    let (r, c) = a.to_descriptor_pair().unwrap();
    format!("{r}\n{c}\n")
}

#[test]
fn every_form_of_descriptor_text_is_read() {
    let wpkh = account(ABANDON, AddressType::P2wpkh);
    let tr = account(ABANDON, AddressType::P2tr);
    let pkh = account(ABANDON, AddressType::P2pkh);
    let (receive_only, _) = pkh.to_descriptor_pair().unwrap();
    let (tr_r, tr_c) = tr.to_descriptor_pair().unwrap();
    // Change before receive, comments and blank lines between.
    let text = format!(
        "# from wallet export\n{}\n\n{tr_c}\n{tr_r}\n{receive_only}\n",
        wpkh.to_descriptor(Keychains::Both).unwrap()
    );
    let accounts = parse_descriptors(&text, regtest()).unwrap();
    assert_eq!(accounts.len(), 3);
    assert_eq!(accounts[0], wpkh);
    assert_eq!(accounts[1], tr);
    assert_eq!(accounts[2].keychains(), Keychains::Only(Keychain::External));
    let e = parse_descriptors("# nothing\n\n", regtest()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let broken = pair(&wpkh).replacen("/0/*", "/0/*x", 1);
    let e = parse_descriptors(&broken, regtest()).unwrap_err();
    assert!(
        e.to_string().contains("line 1") || e.kind() == ErrorKind::BadChecksum,
        "{e}"
    );
    let mainnet = NetworkParams::new(Chain::Litecoin, Network::Mainnet).unwrap();
    let e = parse_descriptors(&pair(&wpkh), mainnet).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WrongNetwork);
}

#[test]
fn a_watch_only_wallet_is_stored_listed_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::open(dir.path().join("ks")).unwrap();
    let wpkh = account(TEST, AddressType::P2wpkh);
    let text = pair(&wpkh) + &pair(&account(TEST, AddressType::P2shP2wpkh));
    let w = WatchWallet::import(&ks, "watch", regtest(), &text).unwrap();
    assert_eq!(w.file().accounts().len(), 2);
    let again = WatchWallet::import(&ks, "watch", regtest(), &text).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::AlreadyExists);
    match AnyWallet::open(&ks, "watch").unwrap() {
        AnyWallet::Watch(r) => assert_eq!(r.file(), w.file()),
        AnyWallet::Keys(_) => panic!("read as a wallet with keys"),
    }
    let e = ks.load("watch").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.to_string().contains("watch-only"), "{e}");
    assert!(matches!(
        ks.load_any("watch").unwrap(),
        StoredWallet::Watch(_)
    ));
    let l = listing(Some(&ks), dir.path()).unwrap();
    assert_eq!(l.wallets.len(), 1);
    assert_eq!(l.wallets[0].kind, "watch-only");
    assert!(l.unreadable.is_empty());
    // Addresses: the default type is P2WPKH; the others by type, change too.
    let sel = Selection::for_chain(ChainKind::Litecoin).with_network(Network::Regtest);
    let list = w.addresses(&sel.clone().with_count(3)).unwrap();
    let want = wpkh.addresses(Keychain::External, 0, 3).unwrap();
    let got: Vec<&str> = list.addresses.iter().map(|a| a.address.as_str()).collect();
    let want: Vec<&str> = want.iter().map(|a| a.address.as_str()).collect();
    assert_eq!(got, want);
    let e = w
        .addresses(&sel.clone().with_type(AddressType::P2tr))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let e = w
        .addresses(&Selection::for_chain(ChainKind::Bitcoin))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WrongChain);
    let mut by_path = sel.clone();
    by_path.path = Some("m/84'/1'/0'/1/4".parse().unwrap());
    let one = w.addresses(&by_path).unwrap();
    let change4 = wpkh.addresses(Keychain::Internal, 4, 1).unwrap();
    assert_eq!(one.addresses[0].address, change4[0].address);
    by_path.path = Some("m/84'/1'/1'/0/0".parse().unwrap());
    assert_eq!(
        w.addresses(&by_path).unwrap_err().kind(),
        ErrorKind::InvalidPath
    );
    w.delete().unwrap();
    assert_eq!(
        ks.load_any("watch").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn watch_files_that_were_changed_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::open(dir.path().join("ks")).unwrap();
    let text = pair(&account(TEST, AddressType::P2wpkh));
    WatchWallet::import(&ks, "w", regtest(), &text).unwrap();
    let path = dir.path().join("ks/w.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let changed = original.replace("\"regtest\"", "\"testnet\"");
    assert_ne!(changed, original);
    std::fs::write(&path, &changed).unwrap();
    assert_eq!(ks.load_any("w").unwrap_err().kind(), ErrorKind::Tampered);
    std::fs::write(
        &path,
        original.replace("\"name\": \"w\"", "\"name\": \"v\""),
    )
    .unwrap();
    assert_eq!(ks.load_any("w").unwrap_err().kind(), ErrorKind::Tampered);
    std::fs::write(&path, original.replace("\"version\": 1", "\"version\": 9")).unwrap();
    assert_eq!(
        ks.load_any("w").unwrap_err().kind(),
        ErrorKind::UnknownVersion
    );
}

#[test]
fn mixed_signers_and_duplicate_types_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ks = Keystore::open(dir.path().join("ks")).unwrap();
    let two_signers =
        pair(&account(TEST, AddressType::P2wpkh)) + &pair(&account(ABANDON, AddressType::P2tr));
    let e = WatchWallet::import(&ks, "x", regtest(), &two_signers).unwrap_err();
    assert!(e.to_string().contains("one signer"), "{e}");
    let twice = pair(&account(TEST, AddressType::P2wpkh))
        + &account(TEST, AddressType::P2wpkh)
            .to_descriptor(Keychains::Both)
            .unwrap();
    let e = WatchWallet::import(&ks, "x", regtest(), &twice).unwrap_err();
    assert!(
        e.to_string()
            .contains("at most one account per address type"),
        "{e}"
    );
    assert!(!dir.path().join("ks/x.json").exists());
}
