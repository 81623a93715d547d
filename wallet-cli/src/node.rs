//! Connecting to a node: the URL and credentials from the flags, the
//! environment or the config file; `HOST:PORT` taken as `http://`;
//! credentials inside a URL refused (the command line is visible to every
//! local user); and an observer on the client that logs each RPC call
//! (`-vv`: method and timing, `-vvv`: parameters and the addresses a scan
//! covers), drives the spinner, and remembers how far a command got for
//! its timeout message.

use crate::args::NodeArgs;
use crate::config::{self, BtcAuth, BtcFlags, Source};
use crate::error::CliError;
use crate::{prompt, status};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wallet_core::bitcoin::NetworkParams;
use wallet_core::rpc::bitcoin::{Auth, BtcNode};
use wallet_core::rpc::ethereum::EthNode;
use wallet_core::rpc::{self, ObservedCall, RpcClient, RpcConfig, RpcObserver};
use wallet_core::ErrorKind;

/// Seconds a `--timeout` may ask for.
const MAX_TIMEOUT_S: u64 = 3600;

/// How much of a call's parameters `-vvv` shows.
const PARAMS_SHOWN: usize = 300;

/// What the command's node exchanges got through.
#[derive(Debug, Default)]
struct Progress {
    answered: AtomicU64,
    addresses: AtomicU64,
}

static PROGRESS: std::sync::OnceLock<Arc<Progress>> = std::sync::OnceLock::new();

fn progress() -> Arc<Progress> {
    PROGRESS.get_or_init(Arc::default).clone()
}

/// The CLI's [`RpcObserver`].
struct Watch {
    progress: Arc<Progress>,
}

fn methods(calls: &[ObservedCall<'_>]) -> String {
    match calls {
        [one] => one.method.to_owned(),
        many => {
            let names: Vec<&str> = many.iter().map(|c| c.method).collect();
            format!("batch of {} ({})", many.len(), names.join(", "))
        }
    }
}

/// The `addr(…)` descriptors of a `scantxoutset` call, as addresses.
fn scanned_addresses(call: &ObservedCall<'_>) -> Vec<String> {
    if call.method != "scantxoutset" {
        return Vec::new();
    }
    call.params
        .get(1)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|d| {
                    d.strip_prefix("addr(")
                        .and_then(|d| d.strip_suffix(')'))
                        .unwrap_or(d)
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

impl RpcObserver for Watch {
    fn started(&self, url: &str, calls: &[ObservedCall<'_>]) {
        status::log(2, || format!("rpc: {} → {url}", methods(calls)));
        for call in calls {
            let addresses = scanned_addresses(call);
            if addresses.is_empty() {
                status::log(3, || {
                    let p = call.params.to_string();
                    let shown: String = p.chars().take(PARAMS_SHOWN).collect();
                    let more = if shown.len() < p.len() { "…" } else { "" };
                    format!("rpc:   {} params {shown}{more}", call.method)
                });
            } else {
                status::log(3, || {
                    format!("rpc:   scanning {} addresses:", addresses.len())
                });
                for a in &addresses {
                    status::log(3, || format!("rpc:     {a}"));
                }
            }
        }
        status::wait_begin(&format!(
            "the node at {url} ({})",
            calls.first().map_or("", |c| c.method)
        ));
    }

    fn finished(
        &self,
        _url: &str,
        calls: &[ObservedCall<'_>],
        elapsed: Duration,
        error: Option<&wallet_core::Error>,
    ) {
        status::wait_end();
        if error.is_none() {
            let p = &self.progress;
            let scanned: usize = calls.iter().map(|c| scanned_addresses(c).len()).sum();
            p.answered.fetch_add(1, Ordering::Relaxed);
            p.addresses.fetch_add(scanned as u64, Ordering::Relaxed);
        }
        let ms = elapsed.as_secs_f64() * 1000.0;
        status::log(2, || match error {
            None => format!("rpc: {} answered in {ms:.0} ms", methods(calls)),
            Some(e) => format!(
                "rpc: {} failed after {ms:.0} ms ({})",
                methods(calls),
                e.kind()
            ),
        });
    }
}

/// Which kind of node a URL is for (what to say instead of credentials).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Eth,
    Btc,
}

/// The URL checked: normalized (`HOST:PORT` is `http://`), and refused
/// when it holds credentials where they do not belong: on the command line
/// (every local user can read it in the process list), and for Bitcoin-style
/// nodes anywhere (they have password files and cookies instead).
fn checked_url(url: &str, source: &Source, family: Family) -> Result<String, CliError> {
    let on_command_line = matches!(source, Source::Flag(_));
    if rpc::url_has_credentials(url) && (on_command_line || family == Family::Btc) {
        let instead = match family {
            Family::Btc => "use --rpc-user with --rpc-password-file FILE, or --rpc-cookie FILE (or their settings in the environment or the config file)",
            Family::Eth => "put the URL in $WALLET_ETH_RPC_URL or in [eth] rpc_url of the config file, which other users cannot read",
        };
        return Err(CliError::usage(format!(
            "the RPC URL ({source}) holds a user name or password, which every local user could read: remove it and {instead}"
        )));
    }
    let full = rpc::normalize_url(url)?;
    if full != url.trim() && !rpc::url_has_credentials(url) {
        status::log(1, || {
            format!("node: '{}' has no scheme: using {full}", url.trim())
        });
    }
    Ok(full)
}

fn observe(client: &mut RpcClient) {
    client.set_observer(Arc::new(Watch {
        progress: progress(),
    }));
}

fn seconds(timeout: u64) -> Duration {
    Duration::from_secs(timeout.clamp(1, MAX_TIMEOUT_S))
}

/// An Ethereum node: `--rpc-url` or its defaults, each request bounded by
/// `timeout` seconds, and with `overall` the whole command too.
pub fn eth(flag_url: Option<&str>, timeout: u64, overall: bool) -> Result<EthNode, CliError> {
    let (url, source) = config::eth_rpc_url(flag_url)?;
    let url = checked_url(&url, &source, Family::Eth)?;
    let cfg = RpcConfig {
        timeout: seconds(timeout),
        ..RpcConfig::default()
    };
    let mut client = RpcClient::new(&url, cfg)?;
    status::log(1, || format!("node: {} ({source})", client.url()));
    observe(&mut client);
    if overall {
        client.set_overall_timeout(seconds(timeout));
        status::log(1, || {
            format!(
                "timeout: {} s for the whole command",
                seconds(timeout).as_secs()
            )
        });
    }
    Ok(EthNode::new(client))
}

/// A Bitcoin Core-style node for `params`, from `NodeArgs` or their
/// defaults; with `overall`, `--timeout` bounds the whole command.
pub fn btc(args: &NodeArgs, params: NetworkParams, overall: bool) -> Result<BtcNode, CliError> {
    let flags = BtcFlags {
        url: args.rpc_url.as_deref(),
        user: args.rpc_user.as_deref(),
        password_file: args.rpc_password_file.as_deref(),
        cookie: args.rpc_cookie.as_deref(),
    };
    let ep = config::btc_endpoint(params.chain(), params.network(), flags)?;
    let url = checked_url(&ep.url, &ep.url_source, Family::Btc)?;
    let auth = match &ep.auth {
        BtcAuth::UserPass {
            user,
            password_file,
        } => Auth::UserPass(
            user.clone(),
            prompt::read_secret_file(password_file, "RPC password file")?,
        ),
        BtcAuth::Cookie(c) => Auth::Cookie(c.clone()),
        BtcAuth::None => Auth::None,
    };
    let mut node = BtcNode::connect(&url, &auth, seconds(args.timeout))?;
    status::log(1, || {
        format!("node: {} ({})", node.rpc().url(), ep.url_source)
    });
    status::log(1, || match &ep.auth {
        BtcAuth::None => "rpc auth: none".to_owned(),
        BtcAuth::UserPass {
            user,
            password_file,
        } => {
            format!(
                "rpc auth: user '{user}', password from {} ({})",
                password_file.display(),
                ep.auth_source
            )
        }
        BtcAuth::Cookie(c) => format!("rpc auth: cookie {} ({})", c.display(), ep.auth_source),
    });
    observe(node.rpc_mut());
    if overall {
        node.rpc_mut().set_overall_timeout(seconds(args.timeout));
        status::log(1, || {
            format!(
                "timeout: {} s for the whole command",
                seconds(args.timeout).as_secs()
            )
        });
    }
    Ok(node)
}

/// A timeout error with how far the command got: how many node requests
/// were answered and how many addresses a scan covered by then.
pub fn explain_timeout(e: CliError) -> CliError {
    let Some(p) = PROGRESS.get() else {
        return e;
    };
    if !e.is(ErrorKind::Timeout) {
        return e;
    }
    let answered = p.answered.load(Ordering::Relaxed);
    let addresses = p.addresses.load(Ordering::Relaxed);
    let plural = if answered == 1 { "" } else { "s" };
    let mut got = format!("by then the node had answered {answered} request{plural}");
    if addresses > 0 {
        got.push_str(&format!(" and {addresses} addresses were scanned"));
    }
    e.with_hint(&format!("{got} (raise --timeout to wait longer)"))
        .with("requests_answered", answered.into())
        .with("addresses_scanned", addresses.into())
}
