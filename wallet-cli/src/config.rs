//! Node settings that do not have to be typed every time: the environment
//! and a small config file, `$XDG_CONFIG_HOME/wallet/config.toml` (else
//! `~/.config/wallet/config.toml`). A flag wins over the environment, the
//! environment over the file, and in the file a network's section
//! (`[btc.regtest]`) over its chain's (`[btc]`). `-v` says where each value
//! came from.
//!
//! The file is parsed with the `toml` crate (parser only: no writer, no
//! datetimes beyond what the parser needs), and holds no secrets: RPC
//! passwords stay in files it names (`rpc_password_file`, `rpc_cookie`).
//!
//! ```toml
//! [eth]
//! rpc_url = "http://127.0.0.1:8545"
//!
//! [ltc]
//! network = "regtest"            # the default --network of --chain ltc
//! [ltc.regtest]
//! rpc_url = "127.0.0.1:19443"
//! rpc_cookie = "~/.litecoin/regtest/.cookie"
//! ```

use crate::error::CliError;
use crate::status;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use wallet_core::bitcoin::{Chain, Network};
use wallet_core::ErrorKind;

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A key of the config file (`[btc.regtest] rpc_url`).
    Config(String),
    /// The built-in default.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "from {flag}"),
            Source::Env(var) => write!(f, "from ${var}"),
            Source::Config(key) => match loaded_path() {
                Some(p) => write!(f, "from {key} in {}", p.display()),
                None => write!(f, "from {key} in the config file"),
            },
            Source::Default => f.write_str("the default"),
        }
    }
}

/// The node settings of one level (`[btc]` or `[btc.regtest]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeSection {
    rpc_url: Option<String>,
    rpc_user: Option<String>,
    rpc_password_file: Option<String>,
    rpc_cookie: Option<String>,
    /// Refused with a reason: passwords do not belong in this file.
    rpc_password: Option<serde::de::IgnoredAny>,
}

/// `[btc]` / `[ltc]`: chain defaults and per-network sections.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainSection {
    network: Option<String>,
    rpc_url: Option<String>,
    rpc_user: Option<String>,
    rpc_password_file: Option<String>,
    rpc_cookie: Option<String>,
    rpc_password: Option<serde::de::IgnoredAny>,
    mainnet: Option<NodeSection>,
    testnet: Option<NodeSection>,
    signet: Option<NodeSection>,
    regtest: Option<NodeSection>,
}

/// `[eth]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EthSection {
    rpc_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    eth: Option<EthSection>,
    btc: Option<ChainSection>,
    ltc: Option<ChainSection>,
}

struct Loaded {
    path: PathBuf,
    file: Option<ConfigFile>,
}

static CONFIG: OnceLock<Result<Loaded, String>> = OnceLock::new();

/// The config file's path: `$XDG_CONFIG_HOME/wallet/config.toml`, else
/// `$HOME/.config/wallet/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".config"))
    })?;
    Some(base.join("wallet").join("config.toml"))
}

fn load() -> Result<Loaded, String> {
    let Some(path) = config_path() else {
        return Ok(Loaded {
            path: PathBuf::new(),
            file: None,
        });
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            status::log(1, || format!("config: no file at {}", path.display()));
            return Ok(Loaded { path, file: None });
        }
        Err(e) => {
            return Err(format!(
                "cannot read the config file '{}': {e}",
                path.display()
            ))
        }
    };
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        format!(
            "the config file '{}' is not valid: {}",
            path.display(),
            e.message()
        )
    })?;
    check_secrets(&file, &path)?;
    status::log(1, || format!("config: read {}", path.display()));
    Ok(Loaded {
        path,
        file: Some(file),
    })
}

impl ConfigFile {
    /// Every `rpc_url` of the file.
    fn urls(&self) -> impl Iterator<Item = &str> {
        let chains = [&self.btc, &self.ltc].into_iter().flatten();
        let nets = chains.clone().flat_map(|c| {
            [&c.mainnet, &c.testnet, &c.signet, &c.regtest]
                .into_iter()
                .flatten()
                .filter_map(|n| n.rpc_url.as_deref())
        });
        chains
            .filter_map(|c| c.rpc_url.as_deref())
            .chain(nets)
            .chain(self.eth.iter().filter_map(|e| e.rpc_url.as_deref()))
    }

    /// Whether any section has an `rpc_password`.
    fn has_password(&self) -> bool {
        [&self.btc, &self.ltc].into_iter().flatten().any(|c| {
            c.rpc_password.is_some()
                || [&c.mainnet, &c.testnet, &c.signet, &c.regtest]
                    .into_iter()
                    .flatten()
                    .any(|n| n.rpc_password.is_some())
        })
    }
}

/// Refuses a password in the file, and credentials inside an `rpc_url`
/// (`http://user:pw@host`) when other users can read the file.
fn check_secrets(file: &ConfigFile, path: &Path) -> Result<(), String> {
    if file.has_password() {
        return Err(format!(
            "the config file '{}' holds an rpc_password: put the password in a file of its own (mode 0600) and name it with rpc_password_file, or use rpc_cookie",
            path.display()
        ));
    }
    if !file.urls().any(wallet_core::rpc::url_has_credentials) {
        return Ok(());
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| format!("cannot read the config file '{}': {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "the config file '{}' has credentials inside an rpc_url and other users can read it (mode {:o}): make it private (chmod 600), or name a password file with rpc_password_file",
            path.display(),
            mode & 0o777
        ));
    }
    Ok(())
}

fn loaded() -> Result<&'static Loaded, CliError> {
    CONFIG
        .get_or_init(load)
        .as_ref()
        .map_err(|m| CliError::user(ErrorKind::InvalidInput, m.clone()))
}

fn loaded_path() -> Option<&'static Path> {
    match CONFIG.get() {
        Some(Ok(l)) if l.file.is_some() => Some(&l.path),
        _ => None,
    }
}

/// A path from the config file: `~/` is the home directory, a relative path
/// is relative to the file's directory.
fn config_file_path(p: &str) -> PathBuf {
    if let Some(rest) = p.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    let path = PathBuf::from(p);
    match (path.is_relative(), loaded_path().and_then(Path::parent)) {
        (true, Some(dir)) => dir.join(path),
        _ => path,
    }
}

fn env(var: &'static str) -> Option<(String, Source)> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v, Source::Env(var)))
}

/// The Ethereum node URL: `--rpc-url`, `$WALLET_ETH_RPC_URL`,
/// `$ETH_RPC_URL` (as cast reads it), `[eth] rpc_url`.
pub fn eth_rpc_url(flag: Option<&str>) -> Result<(String, Source), CliError> {
    if let Some(f) = flag {
        return Ok((f.to_owned(), Source::Flag("--rpc-url")));
    }
    if let Some(v) = env("WALLET_ETH_RPC_URL").or_else(|| env("ETH_RPC_URL")) {
        return Ok(v);
    }
    let cfg = loaded()?;
    if let Some(u) = cfg
        .file
        .as_ref()
        .and_then(|f| f.eth.as_ref())
        .and_then(|e| e.rpc_url.clone())
    {
        return Ok((u, Source::Config("[eth] rpc_url".into())));
    }
    Err(CliError::usage(format!(
        "no Ethereum node: pass --rpc-url URL, set WALLET_ETH_RPC_URL (or ETH_RPC_URL), or add rpc_url to [eth] in {}",
        shown_config_path()
    )))
}

fn shown_config_path() -> String {
    config_path().map_or_else(
        || "~/.config/wallet/config.toml".to_owned(),
        |p| p.display().to_string(),
    )
}

fn chain_section(chain: Chain) -> Result<Option<&'static ChainSection>, CliError> {
    let f = loaded()?.file.as_ref();
    Ok(f.and_then(|f| match chain {
        Chain::Bitcoin => f.btc.as_ref(),
        Chain::Litecoin => f.ltc.as_ref(),
    }))
}

/// The network of a `btc` command: `--network`, else `network` of the
/// chain's config section, else mainnet.
pub fn btc_network(chain: Chain, flag: Option<Network>) -> Result<(Network, Source), CliError> {
    if let Some(n) = flag {
        return Ok((n, Source::Flag("--network")));
    }
    if let Some(n) = chain_section(chain)?.and_then(|c| c.network.as_deref()) {
        let net = n.parse::<Network>().map_err(|_| {
            CliError::user(
                ErrorKind::InvalidInput,
                format!(
                    "[{}] network = '{n}' in {} is not mainnet, testnet, signet or regtest",
                    chain.code(),
                    shown_config_path()
                ),
            )
        })?;
        return Ok((net, Source::Config(format!("[{}] network", chain.code()))));
    }
    Ok((Network::Mainnet, Source::Default))
}

/// How to log in to a Bitcoin Core-style node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BtcAuth {
    /// No credentials.
    None,
    /// A user name and the file holding the password.
    UserPass {
        /// `rpcuser`.
        user: String,
        /// The file with `rpcpassword`.
        password_file: PathBuf,
    },
    /// The node's cookie file.
    Cookie(PathBuf),
}

/// A Bitcoin Core-style node's settings and where each came from.
#[derive(Debug, Clone)]
pub struct BtcEndpoint {
    /// The URL as given (not yet normalized).
    pub url: String,
    /// Where the URL came from.
    pub url_source: Source,
    /// The credentials.
    pub auth: BtcAuth,
    /// Where they came from.
    pub auth_source: Source,
}

/// What the flags of `NodeArgs` said.
#[derive(Debug, Clone, Copy, Default)]
pub struct BtcFlags<'a> {
    /// `--rpc-url`.
    pub url: Option<&'a str>,
    /// `--rpc-user`.
    pub user: Option<&'a str>,
    /// `--rpc-password-file`.
    pub password_file: Option<&'a Path>,
    /// `--rpc-cookie`.
    pub cookie: Option<&'a Path>,
}

/// The node of a `btc` command on `chain`/`network`. The credentials are
/// taken whole from one level (flags, environment or file), never mixed,
/// and those of the environment or the file go only to their own node: a
/// URL from a level above them (`--rpc-url` over the file's `rpc_url`)
/// that names another host or port gets none of them.
pub fn btc_endpoint(
    chain: Chain,
    network: Network,
    flags: BtcFlags<'_>,
) -> Result<BtcEndpoint, CliError> {
    let section = chain_section(chain)?;
    let net_section = section.and_then(|c| match network {
        Network::Mainnet => c.mainnet.as_ref(),
        Network::Testnet => c.testnet.as_ref(),
        Network::Signet => c.signet.as_ref(),
        Network::Regtest => c.regtest.as_ref(),
    });
    let keys = SectionKeys {
        chain: format!("[{}]", chain.code()),
        net: format!("[{}.{network}]", chain.code()),
    };
    let file_url = net_section
        .and_then(|n| {
            n.rpc_url
                .clone()
                .map(|u| (u, Source::Config(format!("{} rpc_url", keys.net))))
        })
        .or_else(|| {
            section.and_then(|c| {
                c.rpc_url
                    .clone()
                    .map(|u| (u, Source::Config(format!("{} rpc_url", keys.chain))))
            })
        });
    let env_url = env("WALLET_BTC_RPC_URL");
    let (url, url_source) = match flags.url {
        Some(u) => (u.to_owned(), Source::Flag("--rpc-url")),
        None => env_url.clone().or(file_url.clone()).ok_or_else(|| {
            CliError::usage(format!(
                "no {chain} node: pass --rpc-url URL, set WALLET_BTC_RPC_URL, or add rpc_url to {} in {}",
                keys.net,
                shown_config_path()
            ))
        })?,
    };
    let own_urls = OwnUrls {
        env: env_url.map(|(u, _)| u),
        file: file_url.map(|(u, _)| u),
    };
    let (auth, auth_source) = btc_auth(flags, (section, net_section), &keys, &url, &own_urls)?;
    Ok(BtcEndpoint {
        url,
        url_source,
        auth,
        auth_source,
    })
}

/// The config file's keys of a chain's section and of its network's.
struct SectionKeys {
    chain: String,
    net: String,
}

/// The node URL each level below the flags names, if any: its credentials
/// go only there.
struct OwnUrls {
    env: Option<String>,
    file: Option<String>,
}

/// Whether credentials whose level names `own` (if any) may be sent to
/// `used`; when not, `-v` says why.
fn sendable(own: Option<&str>, used: &str, source: &Source) -> bool {
    let ok = own.is_none_or(|own| wallet_core::rpc::same_origin(own, used));
    if !ok {
        status::log(1, || {
            format!("node: the credentials {source} are for another node than this one: not sent")
        });
    }
    ok
}

fn btc_auth(
    flags: BtcFlags<'_>,
    sections: (Option<&ChainSection>, Option<&NodeSection>),
    keys: &SectionKeys,
    used: &str,
    own: &OwnUrls,
) -> Result<(BtcAuth, Source), CliError> {
    if let Some(auth) = flag_auth(flags) {
        return Ok(auth);
    }
    if let Some(auth) = env_auth()? {
        if sendable(own.env.as_deref(), used, &auth.1) {
            return Ok(auth);
        }
    }
    if let Some(auth) = file_auth(sections, keys)? {
        if sendable(own.file.as_deref(), used, &auth.1) {
            return Ok(auth);
        }
    }
    Ok((BtcAuth::None, Source::Default))
}

/// `--rpc-user` with `--rpc-password-file`, or `--rpc-cookie`.
fn flag_auth(flags: BtcFlags<'_>) -> Option<(BtcAuth, Source)> {
    match (flags.user, flags.password_file, flags.cookie) {
        (Some(u), Some(f), _) => Some((
            BtcAuth::UserPass {
                user: u.to_owned(),
                password_file: f.to_path_buf(),
            },
            Source::Flag("--rpc-user/--rpc-password-file"),
        )),
        (_, _, Some(c)) => Some((
            BtcAuth::Cookie(c.to_path_buf()),
            Source::Flag("--rpc-cookie"),
        )),
        _ => None,
    }
}

/// The credentials of the network's section, else of the chain's.
fn file_auth(
    (section, net_section): (Option<&ChainSection>, Option<&NodeSection>),
    keys: &SectionKeys,
) -> Result<Option<(BtcAuth, Source)>, CliError> {
    let levels = [
        net_section.map(|n| {
            (
                &keys.net,
                n.rpc_user.as_deref(),
                n.rpc_password_file.as_deref(),
                n.rpc_cookie.as_deref(),
            )
        }),
        section.map(|c| {
            (
                &keys.chain,
                c.rpc_user.as_deref(),
                c.rpc_password_file.as_deref(),
                c.rpc_cookie.as_deref(),
            )
        }),
    ];
    for (key, user, pw_file, cookie) in levels.into_iter().flatten() {
        match (user, pw_file, cookie) {
            (Some(u), Some(f), None) => {
                return Ok(Some((
                    BtcAuth::UserPass {
                        user: u.to_owned(),
                        password_file: config_file_path(f),
                    },
                    Source::Config(format!("{key} rpc_user/rpc_password_file")),
                )))
            }
            (None, None, Some(c)) => {
                return Ok(Some((
                    BtcAuth::Cookie(config_file_path(c)),
                    Source::Config(format!("{key} rpc_cookie")),
                )))
            }
            (None, None, None) => {}
            _ => {
                return Err(CliError::user(
                    ErrorKind::InvalidInput,
                    format!(
                        "{key} in {}: give rpc_user with rpc_password_file, or rpc_cookie alone",
                        shown_config_path()
                    ),
                ))
            }
        }
    }
    Ok(None)
}

/// `$WALLET_BTC_RPC_USER` with `$WALLET_BTC_RPC_PASSWORD_FILE`, or
/// `$WALLET_BTC_RPC_COOKIE`.
fn env_auth() -> Result<Option<(BtcAuth, Source)>, CliError> {
    let user = env("WALLET_BTC_RPC_USER");
    let file = env("WALLET_BTC_RPC_PASSWORD_FILE");
    let cookie = env("WALLET_BTC_RPC_COOKIE");
    match (user, file, cookie) {
        (Some((u, _)), Some((f, _)), None) => Ok(Some((
            BtcAuth::UserPass {
                user: u,
                password_file: PathBuf::from(f),
            },
            Source::Env("WALLET_BTC_RPC_USER/WALLET_BTC_RPC_PASSWORD_FILE"),
        ))),
        (None, None, Some((c, _))) => Ok(Some((BtcAuth::Cookie(PathBuf::from(c)), Source::Env("WALLET_BTC_RPC_COOKIE")))),
        (None, None, None) => Ok(None),
        _ => Err(CliError::usage(
            "set WALLET_BTC_RPC_USER together with WALLET_BTC_RPC_PASSWORD_FILE, or WALLET_BTC_RPC_COOKIE alone",
        )),
    }
}
