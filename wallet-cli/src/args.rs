//! The command line, as clap parses it. Names here are a contract: scripts use them.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use wallet_core::mnemonic::Language;

/// HD wallet, key manager and signer for Bitcoin, Litecoin and Ethereum.
#[derive(Debug, Parser)]
#[command(name = "wallet", version, about, propagate_version = true)]
pub struct Cli {
    /// Directory holding the wallet files (default: $XDG_DATA_HOME/wallet/keystore).
    #[arg(long, global = true, env = "WALLET_KEYSTORE_DIR", value_name = "DIR")]
    pub keystore_dir: Option<PathBuf>,

    /// Print one JSON object on stdout (errors as JSON on stderr).
    #[arg(long, global = true)]
    pub json: bool,

    /// Read the wallet password from this file instead of prompting.
    #[arg(long, global = true, env = "WALLET_PASSWORD_FILE", value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// More detail on stderr (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only the essential output.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate or check BIP39 mnemonics (nothing is written to disk).
    #[command(subcommand)]
    Mnemonic(MnemonicCommand),

    /// Derive addresses from a mnemonic read on stdin (no keystore needed).
    Derive(DeriveArgs),

    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `wallet mnemonic …`
#[derive(Debug, Subcommand)]
pub enum MnemonicCommand {
    /// Print a fresh mnemonic from the OS random generator.
    New {
        /// Number of words.
        #[arg(long, default_value = "12", value_parser = ["12", "15", "18", "21", "24"])]
        words: String,
        /// Word list.
        #[arg(long, default_value = "english", value_parser = parse_language)]
        language: Language,
    },
    /// Check a mnemonic read on stdin: is it valid, which word is wrong?
    Check {
        /// Expect this word list (default: detect).
        #[arg(long, value_parser = parse_language)]
        language: Option<Language>,
    },
}

/// Which addresses to derive (shared by `derive` and `address`).
#[derive(Debug, Args, Clone)]
pub struct Selector {
    /// Chain: btc, ltc or eth.
    #[arg(long, default_value = "btc", value_parser = ["btc", "ltc", "eth"])]
    pub chain: String,

    /// Address type (btc/ltc): p2pkh, p2sh-p2wpkh, p2wpkh, p2tr (default p2wpkh, or the path's purpose).
    #[arg(long = "type", value_name = "TYPE", value_parser = ["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"])]
    pub kind: Option<String>,

    /// Network (btc/ltc): mainnet (default), testnet, signet, regtest.
    #[arg(long, value_parser = ["mainnet", "testnet", "signet", "regtest"])]
    pub network: Option<String>,

    /// Account number (the third, hardened path level).
    #[arg(long, value_name = "A", conflicts_with = "path")]
    pub account: Option<u32>,

    /// Use the change (internal) chain instead of the receive chain.
    #[arg(long, conflicts_with = "path")]
    pub change: bool,

    /// Index of the first address.
    #[arg(long, value_name = "I", conflicts_with = "path")]
    pub index: Option<u32>,

    /// Number of consecutive addresses.
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub count: u32,

    /// Full derivation path of the first address, e.g. m/84'/0'/0'/0/0.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
}

/// `wallet derive …`
#[derive(Debug, Args)]
pub struct DeriveArgs {
    /// File holding the BIP39 passphrase (UTF-8; one trailing newline is dropped).
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,

    /// Which addresses.
    #[command(flatten)]
    pub selector: Selector,
}

fn parse_language(s: &str) -> Result<Language, String> {
    s.parse::<Language>().map_err(|e| e.to_string())
}
