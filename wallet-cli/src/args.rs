//! The command line, as clap parses it. Names here are a contract: scripts use them.

use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use wallet_core::bitcoin::{AddressType, Chain, Network};
use wallet_core::chain::ChainKind;
use wallet_core::mnemonic::{Language, WordCount};

/// `--chain` of commands that take every chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChainArg {
    /// Bitcoin.
    Btc,
    /// Litecoin.
    Ltc,
    /// Ethereum.
    Eth,
}

impl From<ChainArg> for ChainKind {
    fn from(c: ChainArg) -> Self {
        match c {
            ChainArg::Btc => ChainKind::Bitcoin,
            ChainArg::Ltc => ChainKind::Litecoin,
            ChainArg::Eth => ChainKind::Ethereum,
        }
    }
}

/// `--chain` of the Bitcoin-family commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BtcChainArg {
    /// Bitcoin.
    Btc,
    /// Litecoin.
    Ltc,
}

impl From<BtcChainArg> for Chain {
    fn from(c: BtcChainArg) -> Self {
        match c {
            BtcChainArg::Btc => Chain::Bitcoin,
            BtcChainArg::Ltc => Chain::Litecoin,
        }
    }
}

/// `--type`: a Bitcoin-family address type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    /// Legacy pay-to-pubkey-hash (BIP44).
    P2pkh,
    /// Nested segwit (BIP49).
    #[value(name = "p2sh-p2wpkh")]
    P2shP2wpkh,
    /// Native segwit (BIP84).
    P2wpkh,
    /// Taproot key path (BIP86).
    P2tr,
}

impl From<TypeArg> for AddressType {
    fn from(t: TypeArg) -> Self {
        match t {
            TypeArg::P2pkh => AddressType::P2pkh,
            TypeArg::P2shP2wpkh => AddressType::P2shP2wpkh,
            TypeArg::P2wpkh => AddressType::P2wpkh,
            TypeArg::P2tr => AddressType::P2tr,
        }
    }
}

/// `--network`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkArg {
    /// The real network.
    Mainnet,
    /// The public test network.
    Testnet,
    /// Signet (Bitcoin only).
    Signet,
    /// A local regression-test network.
    Regtest,
}

impl From<NetworkArg> for Network {
    fn from(n: NetworkArg) -> Self {
        match n {
            NetworkArg::Mainnet => Network::Mainnet,
            NetworkArg::Testnet => Network::Testnet,
            NetworkArg::Signet => Network::Signet,
            NetworkArg::Regtest => Network::Regtest,
        }
    }
}

/// `--words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WordsArg {
    /// 12 words.
    #[value(name = "12")]
    W12,
    /// 15 words.
    #[value(name = "15")]
    W15,
    /// 18 words.
    #[value(name = "18")]
    W18,
    /// 21 words.
    #[value(name = "21")]
    W21,
    /// 24 words.
    #[value(name = "24")]
    W24,
}

impl From<WordsArg> for WordCount {
    fn from(w: WordsArg) -> Self {
        match w {
            WordsArg::W12 => WordCount::W12,
            WordsArg::W15 => WordCount::W15,
            WordsArg::W18 => WordCount::W18,
            WordsArg::W21 => WordCount::W21,
            WordsArg::W24 => WordCount::W24,
        }
    }
}

/// `--unit` of `eth balance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EthUnitArg {
    /// Ether.
    Eth,
    /// 10^-9 ether.
    Gwei,
    /// 10^-18 ether.
    Wei,
}

/// `--unit` of `btc balance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BtcUnitArg {
    /// Bitcoin.
    Btc,
    /// 10^-3 bitcoin.
    Mbtc,
    /// 10^-6 bitcoin.
    Bits,
    /// Satoshi, 10^-8 bitcoin.
    Sat,
    /// Litecoin.
    Ltc,
    /// Litoshi, 10^-8 litecoin.
    Litoshi,
}

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

    /// Accept wallet files whose argon2id parameters are below the safe floor.
    #[arg(long, global = true)]
    pub allow_weak_kdf: bool,

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

    /// Create a new HD wallet: shows the phrase once, then verifies the backup.
    Create(CreateArgs),

    /// Import a mnemonic, xprv, WIF, hex key, PEM file or Ethereum keystore.
    Import(ImportArgs),

    /// List the wallets (no password needed).
    List {
        /// Only the names, one per line (for scripts and shell completion).
        #[arg(long)]
        names: bool,
    },

    /// Show a wallet's kind, fingerprint, account xpubs and addresses (no password needed).
    Info {
        /// Wallet name.
        name: String,
    },

    /// Show a wallet's addresses (no password needed for the stored accounts).
    Address(AddressArgs),

    /// Export an xpub, or (after the password and a confirmation) a secret.
    Export(ExportArgs),

    /// Change a wallet's password (atomic re-encryption).
    Passwd(PasswdArgs),

    /// Rename a wallet (its file is re-sealed under the new name, so this
    /// asks for the password; never overwrites another wallet).
    Rename {
        /// Current name.
        old: String,
        /// New name: not taken, and not differing only in case from another wallet.
        new: String,
    },

    /// Delete a wallet file.
    Delete {
        /// Wallet name.
        name: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },

    /// Ethereum: sign, send, balances.
    #[command(subcommand)]
    Eth(EthCommand),

    /// Bitcoin and Litecoin: PSBTs, payments, balances, broadcast.
    #[command(subcommand)]
    Btc(BtcCommand),

    /// Sign a message with a wallet key (EIP-191 for eth, BIP137 for btc/ltc).
    SignMessage(SignMessageArgs),

    /// Verify a signed message against an address.
    VerifyMessage(VerifyMessageArgs),

    /// Print a shell completion script (wallet names complete from
    /// `wallet list --names`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the manual page (roff): `wallet man | man -l -`.
    #[command(hide = true)]
    Man,
}

/// `wallet mnemonic …`
#[derive(Debug, Subcommand)]
pub enum MnemonicCommand {
    /// Print a fresh mnemonic from the OS random generator.
    New {
        /// Number of words.
        #[arg(long, value_enum, default_value = "12")]
        words: WordsArg,
        /// Word list.
        #[arg(long, default_value = "english", value_parser = LanguageParser)]
        language: Language,
    },
    /// Check a mnemonic read on stdin: is it valid, which word is wrong?
    Check {
        /// Expect this word list (default: detect).
        #[arg(long, value_parser = LanguageParser)]
        language: Option<Language>,
        /// Check SLIP-39 shares instead (one per line): each share, and what is still missing to recover (the secret is never shown).
        #[arg(long, conflicts_with = "language")]
        slip39: bool,
    },
}

/// Which key or account (one): the selector flags without `--count`
/// (`export`, `sign-message`).
#[derive(Debug, Args, Clone)]
pub struct KeySelector {
    /// Chain: btc (default), ltc or eth.
    #[arg(long, value_enum)]
    pub chain: Option<ChainArg>,

    /// Address type (btc/ltc): p2pkh, p2sh-p2wpkh, p2wpkh, p2tr (default p2wpkh, or the path's purpose).
    #[arg(long = "type", value_name = "TYPE", value_enum)]
    pub kind: Option<TypeArg>,

    /// Network (btc/ltc): mainnet (default), testnet, signet, regtest.
    #[arg(long, value_enum)]
    pub network: Option<NetworkArg>,

    /// Account number (the third, hardened path level).
    #[arg(long, value_name = "A", conflicts_with = "path")]
    pub account: Option<u32>,

    /// Use the change (internal) chain instead of the receive chain.
    #[arg(long, conflicts_with = "path")]
    pub change: bool,

    /// Index of the first address.
    #[arg(long, value_name = "I", conflicts_with = "path")]
    pub index: Option<u32>,

    /// Full derivation path of the first address, e.g. m/84'/0'/0'/0/0.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
}

/// Which addresses to derive (shared by `derive` and `address`).
#[derive(Debug, Args, Clone)]
pub struct Selector {
    /// Chain, type, network and position.
    #[command(flatten)]
    pub key: KeySelector,

    /// Number of consecutive addresses.
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub count: u32,
}

/// `wallet derive …`
#[derive(Debug, Args)]
pub struct DeriveArgs {
    /// File holding the BIP39 passphrase (UTF-8; one trailing newline, \n or \r\n, is dropped).
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,

    /// Which addresses.
    #[command(flatten)]
    pub selector: Selector,
}

/// argon2id cost for new files.
#[derive(Debug, Args, Clone)]
pub struct KdfArgs {
    /// argon2id memory in KiB.
    #[arg(long, value_name = "KIB", default_value_t = wallet_core::keystore::KdfParams::DEFAULT.m_cost_kib)]
    pub kdf_memory: u32,
    /// argon2id passes.
    #[arg(long, value_name = "N", default_value_t = wallet_core::keystore::KdfParams::DEFAULT.t_cost)]
    pub kdf_iterations: u32,
    /// argon2id lanes.
    #[arg(long, value_name = "N", default_value_t = wallet_core::keystore::KdfParams::DEFAULT.p_cost)]
    pub kdf_parallelism: u32,
}

/// `wallet create …`
#[derive(Debug, Args)]
#[command(
    after_help = "SLIP-39 (Shamir backup): --slip39 makes a fresh master secret (the wallet's BIP32 seed) and splits it into shares instead of a BIP39 phrase. One group: --shares 5 --threshold 3 (any 3 of 5 shares recover the wallet). Several groups: --groups 2of3 --members 2of3,3of5,1of1 (any 2 of the 3 groups, each recovered from its own threshold of shares). At a terminal each share is shown once and a threshold of them is typed back to check the copies; otherwise the shares are printed on stdout (in \"shares\" with --json). A wrong SLIP-39 passphrase cannot be detected on recovery. An existing BIP39 wallet cannot be turned into SLIP-39 shares."
)]
pub struct CreateArgs {
    /// Name of the new wallet.
    pub name: String,
    /// Number of words.
    #[arg(long, value_enum, default_value = "12")]
    pub words: WordsArg,
    /// Word list.
    #[arg(long, default_value = "english", value_parser = LanguageParser)]
    pub language: Language,
    /// File holding an optional BIP39 passphrase, or with --slip39 the SLIP-39 passphrase (printable ASCII) (UTF-8; one trailing newline, \n or \r\n, is dropped).
    #[arg(long, value_name = "F")]
    pub passphrase_file: Option<PathBuf>,
    /// Back the wallet up as SLIP-39 shares instead of a BIP39 phrase (with --shares/--threshold or --groups/--members).
    #[arg(long, conflicts_with_all = ["words", "language"])]
    pub slip39: bool,
    /// SLIP-39, one group: how many shares to make (1 to 16).
    #[arg(long, value_name = "N", requires = "slip39", requires = "threshold", conflicts_with_all = ["groups", "members"])]
    pub shares: Option<u8>,
    /// SLIP-39, one group: how many of the shares recover the wallet.
    #[arg(long, value_name = "T", requires = "shares")]
    pub threshold: Option<u8>,
    /// SLIP-39: how many of the groups recover the wallet, as TofG (e.g. 2of3; G = the number of --members schemes).
    #[arg(long, value_name = "TofG", requires = "members")]
    pub groups: Option<String>,
    /// SLIP-39: each group's shares as TofN, comma-separated (e.g. 2of3,3of5,1of1).
    #[arg(long, value_name = "LIST", requires = "slip39")]
    pub members: Option<String>,
    /// SLIP-39: length of the master secret in bits: 128 (20-word shares) or 256 (33-word shares).
    #[arg(long, value_name = "BITS", default_value = "128", value_parser = ["128", "256"], requires = "slip39")]
    pub slip39_bits: String,
    /// SLIP-39: PBKDF2 iteration exponent, 0 to 15 (10000 x 2^E iterations to decrypt).
    #[arg(long, value_name = "E", default_value_t = 1, requires = "slip39")]
    pub iteration_exponent: u8,
    /// SLIP-39: non-extendable shares (ext = 0), for readers older than the extendable-backup flag.
    #[arg(long, requires = "slip39")]
    pub no_extendable: bool,
    /// KDF cost.
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// `wallet import …`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["mnemonic", "xprv", "wif", "private_key", "pem", "eth_keystore", "slip39", "descriptor"])))]
#[command(group(clap::ArgGroup::new("passphrase_source").args(["mnemonic", "slip39"])))]
pub struct ImportArgs {
    /// Name of the new wallet.
    pub name: String,
    /// A BIP39 mnemonic, read from stdin or a hidden prompt.
    #[arg(long)]
    pub mnemonic: bool,
    /// SLIP-39 shares: one per line on stdin, or at a terminal one per hidden prompt (an empty line stops).
    #[arg(long)]
    pub slip39: bool,
    /// A BIP32 master key (xprv/tprv/yprv/zprv…), read from stdin or a hidden prompt.
    #[arg(long)]
    pub xprv: bool,
    /// A WIF private key, read from stdin or a hidden prompt.
    #[arg(long)]
    pub wif: bool,
    /// A hex private key, read from stdin or a hidden prompt.
    #[arg(long)]
    pub private_key: bool,
    /// A PEM private key file (SEC1 or PKCS#8).
    #[arg(long, value_name = "FILE")]
    pub pem: Option<PathBuf>,
    /// An Ethereum V3 keystore file; its password is read from stdin or a hidden prompt
    /// (an empty line, or Enter alone, is the empty password; nothing on stdin is none).
    #[arg(long, value_name = "FILE")]
    pub eth_keystore: Option<PathBuf>,
    /// Decrypt the Ethereum keystore without asking even if its KDF costs
    /// more than wallets write (at most twice geth's standard scrypt work,
    /// 256 MiB, is ever spent).
    #[arg(long, requires = "eth_keystore")]
    pub allow_costly_kdf: bool,
    /// Word list of the mnemonic (default: detect).
    #[arg(long, value_parser = LanguageParser, requires = "mnemonic")]
    pub language: Option<Language>,
    /// File holding the BIP39 passphrase of the mnemonic, or the SLIP-39 passphrase of the shares (UTF-8; one trailing newline, \n or \r\n, is dropped).
    #[arg(long, value_name = "F", requires = "passphrase_source")]
    pub passphrase_file: Option<PathBuf>,
    /// A watch-only wallet from output descriptors read from stdin, one per
    /// line (`wallet export --descriptor` output: a receive/change pair or
    /// one `/<0;1>/*` multipath descriptor per account); no keys, no password.
    #[arg(long)]
    pub descriptor: bool,
    /// The chain of --descriptor: btc (default) or ltc.
    #[arg(long, value_enum, requires = "descriptor")]
    pub chain: Option<BtcChainArg>,
    /// The network of --descriptor (default mainnet).
    #[arg(long, value_enum, requires = "descriptor")]
    pub network: Option<NetworkArg>,
    /// KDF cost.
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// `wallet address …`
#[derive(Debug, Args)]
pub struct AddressArgs {
    /// Wallet name.
    pub name: String,
    /// Which addresses.
    #[command(flatten)]
    pub selector: Selector,
}

/// `wallet export …`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["xpub", "mnemonic", "xprv", "wif", "private_key", "pem", "eth_keystore", "descriptor"])))]
pub struct ExportArgs {
    /// Wallet name.
    pub name: String,
    /// Output descriptors (BIP380–386) of the wallet's accounts on --chain
    /// and --network (every --type unless one is given): per account its
    /// receive and change descriptors, one per line (no password for
    /// stored accounts). Public unless --private.
    #[arg(long)]
    pub descriptor: bool,
    /// With --descriptor: the private descriptors (xprv/tprv; WIF for a
    /// single key), after the password and a confirmation.
    #[arg(long, requires = "descriptor")]
    pub private: bool,
    /// With --descriptor: one BIP389 `/<0;1>/*` descriptor per account
    /// instead of the receive/change pair (Bitcoin Core 26+).
    #[arg(long, requires = "descriptor")]
    pub multipath: bool,
    /// The account extended public key (no password needed).
    #[arg(long)]
    pub xpub: bool,
    /// The mnemonic (and BIP39 passphrase).
    #[arg(long)]
    pub mnemonic: bool,
    /// The master extended private key (or the one at --path).
    #[arg(long)]
    pub xprv: bool,
    /// A private key in WIF.
    #[arg(long)]
    pub wif: bool,
    /// A private key in hex.
    #[arg(long)]
    pub private_key: bool,
    /// A private key as PEM (SEC1; --pkcs8 for PKCS#8).
    #[arg(long)]
    pub pem: bool,
    /// Write PKCS#8 instead of SEC1 with --pem.
    #[arg(long, requires = "pem")]
    pub pkcs8: bool,
    /// Write an Ethereum V3 keystore file to OUT (never overwritten).
    #[arg(long, value_name = "OUT")]
    pub eth_keystore: Option<PathBuf>,
    /// Password of the exported V3 file (default: the wallet's password).
    #[arg(long, value_name = "F", requires = "eth_keystore")]
    pub export_password_file: Option<PathBuf>,
    /// Write the BIP39 passphrase (if any) to this new file with --mnemonic.
    #[arg(long, value_name = "F", requires = "mnemonic")]
    pub passphrase_out: Option<PathBuf>,
    /// SLIP-132 version bytes for --xpub (ypub/zpub/upub/vpub for P2SH-P2WPKH
    /// and P2WPKH accounts, Ltub/Mtub for Litecoin); default: xpub/tpub.
    #[arg(long, requires = "xpub")]
    pub slip132: bool,
    /// Do not ask for confirmation before printing a secret.
    #[arg(long)]
    pub yes: bool,
    /// Which key or account.
    #[command(flatten)]
    pub selector: KeySelector,
}

/// `wallet passwd …`
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Wallet name.
    pub name: String,
    /// Read the new password from this file instead of prompting twice.
    #[arg(long, value_name = "F")]
    pub new_password_file: Option<PathBuf>,
    /// KDF cost of the re-encrypted file.
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// Which key of a wallet signs (HD wallets; a single key ignores these).
#[derive(Debug, Args, Clone, Default)]
pub struct KeyArgs {
    /// Account number (third path level).
    #[arg(long, value_name = "A", conflicts_with = "path")]
    pub account: Option<u32>,
    /// Address index.
    #[arg(long, value_name = "I", conflicts_with = "path")]
    pub index: Option<u32>,
    /// Full derivation path of the key.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
}

/// Fields of an Ethereum transaction.
#[derive(Debug, Args, Clone)]
#[command(group(clap::ArgGroup::new("recipient").required(true).args(["to", "create"])))]
pub struct EthTxArgs {
    /// Recipient (or --create with the init code as --data).
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<String>,
    /// Create a contract: no recipient, --data is the init code.
    #[arg(long, requires = "data")]
    pub create: bool,
    /// Value: 1.5ether, 1500000gwei, 21000wei, or a bare number of ether;
    /// 0x-hex is wei (0x10 is 16 wei).
    #[arg(long, value_name = "V", default_value = "0")]
    pub value: String,
    /// Call data or init code, hex.
    #[arg(long, value_name = "HEX")]
    pub data: Option<String>,
    /// EIP-1559 max fee per gas (unit suffix, or wei: a bare 30 is 30 wei).
    #[arg(long, value_name = "F", conflicts_with = "gas_price")]
    pub max_fee: Option<String>,
    /// EIP-1559 max priority fee per gas (unit suffix, or wei).
    #[arg(long, value_name = "P", conflicts_with = "gas_price")]
    pub priority_fee: Option<String>,
    /// Gas price (unit suffix, or wei): EIP-2930, or legacy with --legacy.
    #[arg(long, value_name = "P")]
    pub gas_price: Option<String>,
    /// A legacy (EIP-155) transaction.
    #[arg(long, conflicts_with_all = ["max_fee", "priority_fee", "access_list"])]
    pub legacy: bool,
    /// EIP-2930 access list, the standard JSON form.
    #[arg(long, value_name = "FILE")]
    pub access_list: Option<PathBuf>,
    /// EIP-7702 authorization (makes a type-4 set-code transaction; repeat
    /// for more): a contract ADDRESS the sending account delegates to
    /// (signed here, for this chain, at the transaction's nonce + 1), a
    /// signed authorization (0x-RLP as `cast wallet sign-auth` prints, or
    /// the JSON of `wallet eth sign-auth --json`), or a FILE holding those.
    #[arg(long = "auth", value_name = "AUTH", conflicts_with_all = ["legacy", "gas_price", "create", "blob_hash"])]
    pub auth: Vec<String>,
    /// EIP-4844 blob versioned hash (makes a type-3 blob transaction;
    /// repeat per blob). Only the transaction is signed: the sidecar
    /// (blobs, KZG commitments and proofs) is not built here.
    #[arg(long = "blob-hash", value_name = "HASH", requires = "blob_fee", conflicts_with_all = ["legacy", "gas_price", "create"])]
    pub blob_hash: Vec<String>,
    /// EIP-4844 max fee per blob gas (unit suffix, or wei).
    #[arg(long, value_name = "F", requires = "blob_hash")]
    pub blob_fee: Option<String>,
    /// Accept a fee per gas above the safety cap (10× the node's recent
    /// fees, at least 100 gwei; 1000 gwei for sign-tx, which has no node).
    #[arg(long)]
    pub allow_high_fee: bool,
}

/// `wallet eth sign-tx`
#[derive(Debug, Args)]
pub struct EthSignTxArgs {
    /// Wallet name.
    pub name: String,
    /// Transaction fields.
    #[command(flatten)]
    pub tx: EthTxArgs,
    /// Nonce.
    #[arg(long, value_name = "N")]
    pub nonce: u64,
    /// Gas limit.
    #[arg(long, value_name = "G")]
    pub gas: u64,
    /// Chain id.
    #[arg(long, value_name = "C")]
    pub chain_id: u64,
    /// Which key.
    #[command(flatten)]
    pub key: KeyArgs,
}

/// `wallet eth sign-auth`
#[derive(Debug, Args)]
pub struct EthSignAuthArgs {
    /// Wallet name.
    pub name: String,
    /// The contract whose code the account is to run.
    #[arg(long, value_name = "ADDRESS")]
    pub address: String,
    /// The account nonce it is valid at (the nonce it will have when the
    /// transaction carrying it runs: + 1 if the account sends it itself).
    #[arg(long, value_name = "N")]
    pub nonce: u64,
    /// The chain it is valid on; 0 authorizes on every chain.
    #[arg(long, value_name = "C")]
    pub chain_id: u64,
    /// Which key.
    #[command(flatten)]
    pub key: KeyArgs,
}

/// `wallet eth send`
#[derive(Debug, Args)]
pub struct EthSendArgs {
    /// Wallet name.
    pub name: String,
    /// Node URL (default: $WALLET_ETH_RPC_URL, $ETH_RPC_URL, or the config
    /// file); repeat with --verify for more nodes that must agree (the first
    /// one is asked everything and sent the transaction).
    #[arg(long, value_name = "URL")]
    pub rpc_url: Vec<String>,
    /// Transaction fields.
    #[command(flatten)]
    pub tx: EthTxArgs,
    /// The chain the transaction is for; the node must serve it. Required
    /// unless the node serves a development chain (31337, 1337): a node
    /// does not choose the chain a signature is valid on.
    #[arg(long, value_name = "C")]
    pub chain_id: Option<u64>,
    /// Nonce (default: the node's pending nonce).
    #[arg(long, value_name = "N")]
    pub nonce: Option<u64>,
    /// Gas limit (default: the node's estimate, + 20% unless it is exactly 21000).
    #[arg(long, value_name = "G")]
    pub gas: Option<u64>,
    /// Wait for the receipt.
    #[arg(long)]
    pub wait: bool,
    /// Seconds to wait for the node (each request) and for the receipt.
    #[arg(long, value_name = "S", default_value_t = 120)]
    pub timeout: u64,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Which key.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Proof checks of the node's answers.
    #[command(flatten)]
    pub verify: EthVerifyArgs,
}

/// `--verify` of the Ethereum node commands.
#[derive(Debug, Args, Clone, Default)]
pub struct EthVerifyArgs {
    /// Check the node's answers against proofs before believing them: the
    /// header of a trusted block rehashed, the account proven against its
    /// state root (balance and nonce), the receipt against its block's
    /// receiptsRoot (with --wait). A mismatch fails with kind `unverified`.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: the hash of a block to trust (from a source of your
    /// own), instead of the block the nodes agree on.
    #[arg(long, value_name = "HASH", requires = "verify")]
    pub trusted_block: Option<String>,
    /// With --verify: how many of the --rpc-url nodes must agree on the
    /// trusted block (their finalized block; on a development chain their
    /// latest). Default: all of them; two at least off development chains.
    #[arg(long, value_name = "N", requires = "verify")]
    pub quorum: Option<usize>,
}

/// `--verify` of the Bitcoin-family node commands.
#[derive(Debug, Args, Clone, Default)]
pub struct BtcVerifyArgs {
    /// Check the node's answers against proofs before believing them: its
    /// headers from a checkpoint (links, proof of work, difficulty, most
    /// work among its chain tips), each coin by a merkle proof and its
    /// funding transaction. A mismatch fails with kind `unverified`.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: the block to verify headers from, as HEIGHT:HASH
    /// (built in: regtest's genesis block; other networks need one).
    #[arg(long, value_name = "HEIGHT:HASH", requires = "verify")]
    pub checkpoint: Option<String>,
}

/// `wallet eth …`
#[derive(Debug, Subcommand)]
pub enum EthCommand {
    /// Sign a transaction offline; prints the raw transaction and its hash.
    /// Types: legacy (--legacy), EIP-2930 (--gas-price), EIP-1559 (--max-fee
    /// and --priority-fee), EIP-4844 blobs (--blob-hash, without the
    /// sidecar), EIP-7702 set code (--auth).
    SignTx(EthSignTxArgs),
    /// Sign an EIP-7702 authorization (prints it as 0x-RLP, as `cast wallet
    /// sign-auth` does): the account lets its code be the contract's.
    SignAuth(EthSignAuthArgs),
    /// Sign EIP-712 typed data (the standard JSON form) from FILE.
    SignTypedData {
        /// Wallet name.
        name: String,
        /// The typed data JSON file (`-` for stdin).
        file: PathBuf,
        /// Which key.
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Fill in nonce, fees and gas from a node, show it, confirm, sign, send.
    Send(EthSendArgs),
    /// Send an already signed transaction (a node that already has it,
    /// pending or mined, is a success).
    Broadcast {
        /// Node URL (default: $WALLET_ETH_RPC_URL, $ETH_RPC_URL, or the config file).
        #[arg(long, value_name = "URL")]
        rpc_url: Option<String>,
        /// The raw transaction, hex (`-` or nothing: stdin).
        raw: Option<String>,
        /// Wait for the receipt.
        #[arg(long)]
        wait: bool,
        /// Seconds to wait.
        #[arg(long, value_name = "S", default_value_t = 120)]
        timeout: u64,
    },
    /// Balance of a wallet (its first address, or --index/--path) or of an address.
    Balance {
        /// Wallet name or 0x address.
        target: String,
        /// Node URL (default: $WALLET_ETH_RPC_URL, $ETH_RPC_URL, or the config
        /// file); repeat with --verify for more nodes that must agree.
        #[arg(long, value_name = "URL")]
        rpc_url: Vec<String>,
        /// Seconds the whole command may wait for the node.
        #[arg(long, value_name = "S", default_value_t = 30)]
        timeout: u64,
        /// Unit of the balance shown.
        #[arg(long, value_enum, default_value = "eth")]
        unit: EthUnitArg,
        /// Which key.
        #[command(flatten)]
        key: KeyArgs,
        /// Proof checks of the node's answers.
        #[command(flatten)]
        verify: EthVerifyArgs,
    },
    /// Decode a raw signed transaction (types 0 to 4; a blob transaction
    /// without its sidecar) and recover its sender (offline).
    DecodeTx {
        /// The raw transaction, hex (`-` or nothing: stdin).
        raw: Option<String>,
    },
}

/// Which Bitcoin-family network.
#[derive(Debug, Args, Clone)]
pub struct BtcNet {
    /// Chain: btc or ltc (default: btc, or a watch-only wallet's own).
    #[arg(long, value_enum)]
    pub chain: Option<BtcChainArg>,
    /// Network: mainnet, testnet, signet, regtest (default: the config
    /// file's `network` of the chain, else mainnet).
    #[arg(long, value_enum)]
    pub network: Option<NetworkArg>,
}

/// How to reach a Bitcoin Core-style node.
#[derive(Debug, Args, Clone)]
pub struct NodeArgs {
    /// Node URL, e.g. http://127.0.0.1:8332 or 127.0.0.1:8332 (default:
    /// $WALLET_BTC_RPC_URL, or the config file).
    #[arg(long, value_name = "URL")]
    pub rpc_url: Option<String>,
    /// RPC user name (with --rpc-password-file).
    #[arg(long, value_name = "U", requires = "rpc_password_file")]
    pub rpc_user: Option<String>,
    /// File holding the RPC password.
    #[arg(long, value_name = "F", requires = "rpc_user")]
    pub rpc_password_file: Option<PathBuf>,
    /// The node's cookie file (instead of user and password).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["rpc_user", "rpc_password_file"])]
    pub rpc_cookie: Option<PathBuf>,
    /// Seconds to wait for each node request (`balance`: for the whole scan).
    #[arg(long, value_name = "S", default_value_t = 60)]
    pub timeout: u64,
}

/// `wallet btc sign-psbt`
#[derive(Debug, Args)]
pub struct BtcSignPsbtArgs {
    /// Wallet name.
    pub name: String,
    /// PSBT file (base64, hex or binary); `-` or nothing for stdin.
    pub file: Option<PathBuf>,
    /// Finalize and extract the transaction (all inputs must then be signed).
    #[arg(long)]
    pub finalize: bool,
    /// Do not ask for confirmation after showing the outputs and the fee.
    #[arg(long)]
    pub yes: bool,
    /// Also sign inputs asking for this sighash type (ALL, NONE, SINGLE,
    /// with |ANYONECANPAY): only SIGHASH_ALL/DEFAULT commit to the whole
    /// transaction. Repeat for several.
    #[arg(long, value_name = "TYPE")]
    pub allow_sighash: Vec<String>,
    /// Sign even when the fee is above the 500 sat/vB safety cap.
    #[arg(long)]
    pub allow_high_fee: bool,
    /// Addresses scanned for inputs without derivation info, per chain and type.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub gap: u32,
    /// Write the signed PSBT as version 0 or 2 (default: the version it came in).
    #[arg(long, value_name = "V", value_enum, conflicts_with = "finalize")]
    pub psbt_version: Option<PsbtVersionArg>,
    /// Network.
    #[command(flatten)]
    pub net: BtcNet,
}

/// What a Bitcoin-family payment pays, from which wallet, through which node.
#[derive(Debug, Args)]
pub struct PaymentArgs {
    /// Wallet name.
    pub name: String,
    /// The node.
    #[command(flatten)]
    pub node: NodeArgs,
    /// Recipient address. Repeat `--to A --amount X` for several
    /// recipients in one transaction: the n-th --amount pays the n-th --to.
    #[arg(long, value_name = "ADDRESS", required = true)]
    pub to: Vec<String>,
    /// Amount: coins (0.5, 0.5btc; 0.5ltc on Litecoin) or satoshis
    /// (50000sat; 50000litoshi on Litecoin). One per --to. `max` pays
    /// everything spendable less the fee, with no change (one recipient only).
    #[arg(long, value_name = "AMOUNT", required = true)]
    pub amount: Vec<String>,
    /// Fee rate in sat/vB: 5, 2.5, 5sat/vB (default: the node's estimate).
    #[arg(long, value_name = "SAT_PER_VB")]
    pub fee_rate: Option<String>,
    /// Accept a --fee-rate above the 500 sat/vB safety cap.
    #[arg(long)]
    pub allow_high_fee: bool,
    /// Type of the change address (default p2wpkh; p2pkh for a single key
    /// imported uncompressed, its only type). A single-key wallet's change
    /// goes back to its own address of this type.
    #[arg(long, value_name = "TYPE", value_enum)]
    pub change_type: Option<TypeArg>,
    /// Addresses scanned per chain and type (extended while coins appear near the end).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub gap: u32,
    /// Network.
    #[command(flatten)]
    pub net: BtcNet,
    /// Proof checks of the node's answers.
    #[command(flatten)]
    pub verify: BtcVerifyArgs,
}

/// `wallet btc send`
#[derive(Debug, Args)]
pub struct BtcSendArgs {
    /// The payment.
    #[command(flatten)]
    pub payment: PaymentArgs,
    /// Do not sign or send: print the unsigned PSBT for another signer
    /// (as `btc create-psbt`).
    #[arg(long)]
    pub psbt_only: bool,
    /// The PSBT version with --psbt-only: 0 (BIP174) or 2 (BIP370).
    #[arg(long, value_name = "V", value_enum, requires = "psbt_only")]
    pub psbt_version: Option<PsbtVersionArg>,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// After sending, wait for N confirmations (default 1), with progress
    /// on stderr; the txid is printed first, the JSON gets `confirmations`.
    #[arg(
        long,
        value_name = "N",
        num_args = 0..=1,
        default_missing_value = "1",
        conflicts_with = "psbt_only"
    )]
    pub wait: Option<u64>,
    /// Seconds --wait waits at most: then a `timeout` error (the payment
    /// was sent and may still confirm; its txid is in `tx`).
    #[arg(long, value_name = "S", default_value_t = 3600, requires = "wait")]
    pub wait_timeout: u64,
}

/// `wallet btc bump-fee`
#[derive(Debug, Args)]
pub struct BtcBumpFeeArgs {
    /// Wallet name.
    pub name: String,
    /// The txid of the wallet's unconfirmed payment to replace.
    pub txid: String,
    /// The node.
    #[command(flatten)]
    pub node: NodeArgs,
    /// The new fee rate in sat/vB (above the payment's): 5, 2.5, 5sat/vB.
    #[arg(long, value_name = "SAT_PER_VB")]
    pub fee_rate: String,
    /// Accept a --fee-rate above the 500 sat/vB safety cap.
    #[arg(long)]
    pub allow_high_fee: bool,
    /// Addresses scanned per chain and type.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub gap: u32,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Network.
    #[command(flatten)]
    pub net: BtcNet,
}

/// `wallet btc create-psbt`
#[derive(Debug, Args)]
pub struct BtcCreatePsbtArgs {
    /// The payment.
    #[command(flatten)]
    pub payment: PaymentArgs,
    /// The PSBT version: 0 (BIP174, the default) or 2 (BIP370).
    #[arg(long, value_name = "V", value_enum)]
    pub psbt_version: Option<PsbtVersionArg>,
}

/// `--psbt-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PsbtVersionArg {
    /// BIP174.
    #[value(name = "0")]
    V0,
    /// BIP370.
    #[value(name = "2")]
    V2,
}

impl From<PsbtVersionArg> for wallet_core::bitcoin::psbt_v2::PsbtVersion {
    fn from(v: PsbtVersionArg) -> Self {
        match v {
            PsbtVersionArg::V0 => Self::V0,
            PsbtVersionArg::V2 => Self::V2,
        }
    }
}

/// `wallet btc …`
#[derive(Debug, Subcommand)]
pub enum BtcCommand {
    /// Sign a PSBT's inputs that belong to the wallet; prints the PSBT (base64)
    /// or, with --finalize, the final transaction (hex).
    SignPsbt(BtcSignPsbtArgs),
    /// Send a signed transaction (hex).
    Broadcast {
        /// The node.
        #[command(flatten)]
        node: NodeArgs,
        /// The transaction, hex; `-` or nothing for stdin.
        raw: Option<String>,
        /// Network (checked against the node).
        #[command(flatten)]
        net: BtcNet,
    },
    /// Pay from the wallet's coins: scan, select, sign, send.
    Send(BtcSendArgs),
    /// Replace the wallet's unconfirmed payment with one paying a higher fee
    /// (BIP125 RBF): the same inputs and payees, the fee taken from the
    /// change (more coins added when needed); sign, send.
    BumpFee(BtcBumpFeeArgs),
    /// Build an unsigned payment PSBT for another signer (watch-only
    /// wallets; no password when the account keys are stored): scan,
    /// select, record the change index, print the PSBT (base64).
    CreatePsbt(BtcCreatePsbtArgs),
    /// Rewrite a PSBT as version 0 (BIP174) or 2 (BIP370), nothing else changed.
    ConvertPsbt {
        /// PSBT file (base64, hex or binary); `-` or nothing for stdin.
        file: Option<PathBuf>,
        /// The version to write.
        #[arg(long, value_name = "V", value_enum)]
        psbt_version: PsbtVersionArg,
    },
    /// The confirmed balance of a wallet (scans its addresses on the node;
    /// a single-key wallet: its address of every type it has) or of any
    /// address (no wallet needed).
    Balance {
        /// Wallet name, or an address of the chosen chain and network (read
        /// as an address when no wallet has that name).
        name: String,
        /// The node.
        #[command(flatten)]
        node: NodeArgs,
        /// Addresses scanned per chain and type.
        #[arg(long, value_name = "N", default_value_t = 50)]
        gap: u32,
        /// Unit of the balance shown: btc, mbtc, bits or sat on Bitcoin; ltc,
        /// litoshi or sat on Litecoin (default: the chain's coin).
        #[arg(long, value_enum)]
        unit: Option<BtcUnitArg>,
        /// Network.
        #[command(flatten)]
        net: BtcNet,
        /// Proof checks of the node's answers.
        #[command(flatten)]
        verify: BtcVerifyArgs,
    },
}

/// `wallet sign-message …`: `--chain` is required, and `--type` lists only
/// the types a BIP137 signature exists for.
#[derive(Debug, Args)]
#[command(
    mut_arg("chain", |a| a.required(true).help("Chain: eth (EIP-191), btc or ltc (BIP137)")),
    mut_arg("kind", |a| a
        // p2tr is parsed (and refused before the password) but not offered.
        .value_parser(clap::builder::PossibleValuesParser::new([
            clap::builder::PossibleValue::new("p2pkh"),
            clap::builder::PossibleValue::new("p2sh-p2wpkh"),
            clap::builder::PossibleValue::new("p2wpkh"),
            clap::builder::PossibleValue::new("p2tr").hide(true),
        ])
            .try_map(|s| <TypeArg as ValueEnum>::from_str(&s, false)))
        .help("Address type (btc/ltc): p2pkh, p2sh-p2wpkh, p2wpkh (default p2wpkh, or the path's purpose; BIP137 has no taproot form)")),
)]
pub struct SignMessageArgs {
    /// Wallet name.
    pub name: String,
    /// The message (text; for eth, 0x-prefixed hex is signed as bytes, like cast).
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub message: Option<String>,
    /// Sign the bytes of this file instead.
    #[arg(long, value_name = "F")]
    pub file: Option<PathBuf>,
    /// Sign MESSAGE as text even if it starts with 0x.
    #[arg(long)]
    pub text: bool,
    /// btc/ltc: a BIP322 signature (any address type, taproot too) instead of
    /// BIP137; FORMAT defaults to the one BIP322 prescribes for the type
    /// (legacy for p2pkh, full for p2sh-p2wpkh, simple for p2wpkh and p2tr).
    #[arg(long, value_name = "FORMAT", value_enum, num_args = 0..=1, default_missing_value = "auto")]
    pub bip322: Option<Bip322Arg>,
    /// Which key.
    #[command(flatten)]
    pub selector: KeySelector,
}

/// `--bip322 FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Bip322Arg {
    /// The format BIP322 prescribes for the address type.
    Auto,
    /// BIP137 compact signature (P2PKH only).
    Legacy,
    /// The witness of the virtual transaction (P2WPKH, P2TR).
    Simple,
    /// The whole virtual transaction (every type; time locks).
    Full,
}

impl From<Bip322Arg> for wallet_core::wallet::MessageScheme {
    fn from(a: Bip322Arg) -> Self {
        use wallet_core::bitcoin::bip322::Format;
        Self::Bip322(match a {
            Bip322Arg::Auto => None,
            Bip322Arg::Legacy => Some(Format::Legacy),
            Bip322Arg::Simple => Some(Format::Simple),
            Bip322Arg::Full => Some(Format::Full),
        })
    }
}

/// `wallet verify-message …`
#[derive(Debug, Args)]
pub struct VerifyMessageArgs {
    /// Chain: eth, btc or ltc.
    #[arg(long, value_enum)]
    pub chain: ChainArg,
    /// Network (btc/ltc).
    #[arg(long, value_enum)]
    pub network: Option<NetworkArg>,
    /// The address that supposedly signed.
    #[arg(long, value_name = "A")]
    pub address: String,
    /// The signature: hex for eth; for btc/ltc base64 BIP137 or BIP322
    /// (legacy, `smp…` simple, `ful…` full, `pof…` proof of funds), detected.
    #[arg(long, value_name = "S")]
    pub signature: String,
    /// The message.
    #[arg(required_unless_present_any = ["file", "typed_data"], conflicts_with_all = ["file", "typed_data"])]
    pub message: Option<String>,
    /// The message is the bytes of this file.
    #[arg(long, value_name = "F", conflicts_with = "typed_data")]
    pub file: Option<PathBuf>,
    /// Read MESSAGE as text even if it starts with 0x.
    #[arg(long)]
    pub text: bool,
    /// Verify an EIP-712 signature over this typed-data JSON file (`-`: stdin; eth only).
    #[arg(long, value_name = "FILE")]
    pub typed_data: Option<PathBuf>,
}

/// Parses the command line. Help and version requests, and errors, end the
/// process here: printed as clap prints them, or (with `--json`) as one
/// JSON object (`{"name","version"}`, or an error of kind `usage`).
pub fn parse() -> Cli {
    let wants_json = std::env::args_os().any(|a| a == "--json");
    match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => exit_on(e, wants_json),
    }
}

fn exit_on(e: clap::Error, json: bool) -> ! {
    use clap::error::ErrorKind as K;
    if json && e.kind() == K::DisplayVersion {
        println!(
            "{}",
            serde_json::json!({"name": "wallet", "version": env!("CARGO_PKG_VERSION")})
        );
        std::process::exit(crate::error::EXIT_OK);
    }
    if matches!(e.kind(), K::DisplayHelp | K::DisplayVersion) {
        let _ = e.print();
        std::process::exit(crate::error::EXIT_OK);
    }
    if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = e.print();
        std::process::exit(crate::error::EXIT_USAGE);
    }
    if !json {
        let _ = e.print();
        std::process::exit(crate::error::EXIT_USAGE);
    }
    // The first paragraph of clap's message, on one line: what is wrong
    // and, for missing arguments, which ones.
    let msg = e.render().to_string();
    let text = msg
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.trim_start_matches("error: ");
    let err = crate::error::CliError::usage(if text.is_empty() {
        "invalid command line"
    } else {
        text
    });
    eprintln!("{}", err.to_json());
    std::process::exit(err.exit_code);
}

/// `--language`: the ten word lists by name (what help and completion
/// offer), and the aliases the core accepts (`en`, `zh-hans`, …).
#[derive(Debug, Clone, Copy)]
pub struct LanguageParser;

impl clap::builder::TypedValueParser for LanguageParser {
    type Value = Language;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Language, clap::Error> {
        let text = value
            .to_str()
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))?;
        text.parse::<Language>().map_err(|e| {
            let flag = arg.map_or_else(|| "--language".to_owned(), ToString::to_string);
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid value '{text}' for '{flag}': {e}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            Language::ALL
                .iter()
                .map(|l| clap::builder::PossibleValue::new(l.code())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every option that takes a value is on this list, and none of them is
    /// a secret: secrets come from stdin, a terminal prompt or a file. A new
    /// value-taking option must be added here consciously.
    const VALUE_ARGS: &[&str] = &[
        "keystore_dir",
        "password_file",
        "words",
        "language",
        "chain",
        "kind",
        "network",
        "account",
        "index",
        "count",
        "path",
        "passphrase_file",
        "shares",
        "threshold",
        "groups",
        "members",
        "slip39_bits",
        "iteration_exponent",
        "name",
        "shell",
        "kdf_memory",
        "kdf_iterations",
        "kdf_parallelism",
        "pem",
        "eth_keystore",
        "export_password_file",
        "passphrase_out",
        "new_password_file",
        "to",
        "value",
        "data",
        "max_fee",
        "priority_fee",
        "gas_price",
        "access_list",
        "nonce",
        "gas",
        "chain_id",
        "file",
        "rpc_url",
        "timeout",
        "raw",
        "target",
        "message",
        "address",
        "signature",
        "typed_data",
        "rpc_user",
        "rpc_password_file",
        "rpc_cookie",
        "amount",
        "fee_rate",
        "change_type",
        "gap",
        "allow_sighash",
        "auth",
        "blob_hash",
        "blob_fee",
        "bip322",
        "psbt_version",
        "unit",
        "old",
        "new",
        "wait",
        "wait_timeout",
        "txid",
        "trusted_block",
        "quorum",
        "checkpoint",
    ];

    fn walk(cmd: &clap::Command, seen: &mut usize) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if arg.get_action().takes_values() && id != "help" && id != "version" {
                assert!(
                    VALUE_ARGS.contains(&id),
                    "`{} --{id}` takes a value: make sure it is not a secret, then list it",
                    cmd.get_name()
                );
                *seen += 1;
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, seen);
        }
    }

    #[test]
    fn no_secret_is_taken_from_argv() {
        let mut seen = 0;
        walk(&Cli::command(), &mut seen);
        assert!(seen > 10);
    }

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
