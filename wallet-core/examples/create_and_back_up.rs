//! Creates a wallet with a fresh mnemonic in a keystore directory, shows the
//! phrase once (what a face would ask the user to write down), checks a word
//! of it back, then reopens the file and unlocks it.
//!
//!   cargo run -p wallet-core --example create_and_back_up -- /tmp/my-keystore
//!
//! The directory must not hold a wallet named `example` yet. (The KDF is the
//! real argon2id default: unlocking takes a moment.)

use wallet_core::keystore::{KdfParams, Keystore};
use wallet_core::mnemonic::{Language, Mnemonic, WordCount};
use wallet_core::secret::SecretString;
use wallet_core::wallet::{check_word, create_with_mnemonic, Wallet, WordAnswer};

fn main() -> Result<(), wallet_core::Error> {
    let dir = std::env::args().nth(1).map_or_else(
        || std::env::temp_dir().join(format!("wallet-example-{}", std::process::id())),
        Into::into,
    );
    let keystore = Keystore::open(&dir)?;
    let mnemonic = Mnemonic::generate(WordCount::W12, Language::English)?;
    let password = SecretString::from("correct horse battery staple");
    let (wallet, created) = create_with_mnemonic(
        &keystore,
        "example",
        &mnemonic,
        SecretString::default(),
        &password,
        KdfParams::DEFAULT,
    )?;
    // A face shows the phrase once, on a terminal, and never logs it.
    let words = created
        .mnemonic
        .as_ref()
        .map_or(0, |p| p.split(' ').count());
    println!("created '{}' with a {words}-word phrase", wallet.name());
    // The backup check: word 3 (index 2), as the user would type it back.
    let third = mnemonic
        .phrase()
        .expose()
        .split(' ')
        .nth(2)
        .unwrap_or_default()
        .to_owned();
    if check_word(&mnemonic, 2, &third) != WordAnswer::Correct {
        return Err(wallet_core::Error::Internal(
            "the backup check failed".into(),
        ));
    }
    let unlocked = Wallet::open(&keystore, "example")?.unlock(&password)?;
    println!(
        "unlocked; its first Ethereum address: {}",
        unlocked.wallet().summary().addresses["eth"]
    );
    unlocked.wallet().clone().delete()?;
    Ok(())
}
