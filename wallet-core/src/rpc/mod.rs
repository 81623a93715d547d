//! JSON-RPC 2.0 over HTTP(S): single calls and batches, timeouts, a capped
//! response size, no redirects, and typed errors for every way a node can fail.
//! An optional [`RpcObserver`] sees each exchange (method, params, timing:
//! for logs and progress, never credentials), and an optional overall
//! deadline bounds every request a client makes.
//!
//! [`ethereum`] and [`bitcoin`] build node APIs on this transport.

pub mod bitcoin;
pub mod ethereum;

use crate::error::{Error, Result};
use crate::secret::SecretString;
use serde_json::{json, Value};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Default timeout of one HTTP exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a follow-up question (did the node get the transaction whose
/// answer was lost?) may take.
pub const FOLLOW_UP_TIMEOUT: Duration = Duration::from_secs(5);
/// Responses larger than this are refused.
pub const MAX_RESPONSE_BYTES: u64 = 32 << 20;

/// Transport settings.
#[derive(Debug, Clone)]
pub struct RpcConfig {
    /// Timeout of one request (connect + answer).
    pub timeout: Duration,
    /// HTTP Basic credentials.
    pub basic_auth: Option<(String, SecretString)>,
    /// Response size cap in bytes.
    pub max_response_bytes: u64,
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            basic_auth: None,
            max_response_bytes: MAX_RESPONSE_BYTES,
        }
    }
}

/// One JSON-RPC call of an exchange, as an [`RpcObserver`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct ObservedCall<'a> {
    /// The method.
    pub method: &'a str,
    /// Its parameters (public data: addresses, raw signed transactions;
    /// credentials travel in HTTP headers and never appear here).
    pub params: &'a Value,
}

/// Watches a client's exchanges with its node, for logging and progress
/// displays. Both methods default to doing nothing; they run on the calling
/// thread, so they should be quick.
pub trait RpcObserver: Send + Sync {
    /// Before an HTTP exchange: its calls (one, or a batch's) and the
    /// endpoint (credentials removed).
    fn started(&self, _url: &str, _calls: &[ObservedCall<'_>]) {}

    /// After it: how long it took and its error, if the exchange as a whole
    /// failed (a batch's single failed calls are not errors here).
    fn finished(
        &self,
        _url: &str,
        _calls: &[ObservedCall<'_>],
        _elapsed: Duration,
        _error: Option<&Error>,
    ) {
    }
}

/// An observer slot that prints as whether it is set.
#[derive(Clone, Default)]
struct Observer(Option<Arc<dyn RpcObserver>>);

impl core::fmt::Debug for Observer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer(set)"
        } else {
            "Observer(none)"
        })
    }
}

/// A point in time after which no request is made, and the time it was
/// set for (what a timeout error reports).
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Instant,
    total: Duration,
}

/// A JSON-RPC 2.0 client for one endpoint.
#[derive(Debug)]
pub struct RpcClient {
    url: reqwest::Url,
    shown: String,
    http: reqwest::blocking::Client,
    config: RpcConfig,
    next_id: AtomicU64,
    observer: Observer,
    deadline: Option<Deadline>,
}

impl RpcClient {
    /// A client for `url` (http or https; a bare `HOST:PORT` means `http://`,
    /// see [`normalize_url`]). Credentials in the URL are used as HTTP Basic
    /// auth and never shown in errors.
    pub fn new(url: &str, mut config: RpcConfig) -> Result<Self> {
        let mut parsed = parse_url(url)?;
        if !parsed.username().is_empty() && config.basic_auth.is_none() {
            let user = percent_decode(parsed.username());
            let pass = SecretString::new(percent_decode(parsed.password().unwrap_or("")));
            config.basic_auth = Some((user, pass));
        }
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        let shown = parsed.to_string();
        let http = reqwest::blocking::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("wallet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(format!("HTTP client: {e}")))?;
        Ok(Self {
            url: parsed,
            shown,
            http,
            config,
            next_id: AtomicU64::new(1),
            observer: Observer::default(),
            deadline: None,
        })
    }

    /// Reports every exchange of this client to `observer` from now on.
    pub fn set_observer(&mut self, observer: Arc<dyn RpcObserver>) {
        self.observer = Observer(Some(observer));
    }

    /// Bounds everything this client does from now on by `total`: each
    /// request's timeout shrinks to what is left, and once it is spent every
    /// request fails at once with [`Error::Timeout`] naming `total`. A whole
    /// scan of many requests then ends in time, however slowly each answers.
    pub fn set_overall_timeout(&mut self, total: Duration) {
        self.deadline = Some(Deadline {
            at: Instant::now() + total,
            total,
        });
    }

    /// The endpoint, without credentials.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// Whether the node is on this machine (`localhost`, 127.0.0.0/8, `::1`):
    /// a development node's usual place.
    #[must_use]
    pub fn is_loopback(&self) -> bool {
        let host = self.url.host_str().unwrap_or("");
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Calls `method` with `params`.
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.call_within(method, params, self.config.timeout)
    }

    /// Calls `method` with `params`, giving up after `timeout` (or the
    /// client's own timeout, whichever is shorter): for quick follow-up
    /// questions after a failure.
    pub fn call_within(&self, method: &str, params: Value, timeout: Duration) -> Result<Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        // The params move into the body (no copy); the observer sees them there.
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let observed = [ObservedCall {
            method,
            params: &body["params"],
        }];
        let answer = self.exchange(&observed, &body, timeout.min(self.config.timeout))?;
        self.take_result(method, id, answer)
    }

    /// Sends every call in one HTTP request (a JSON-RPC batch); results come
    /// back in the order of `calls`, each its own `Result`.
    pub fn batch(&self, calls: &[(&str, Value)]) -> Result<Vec<Result<Value>>> {
        if calls.is_empty() {
            return Ok(Vec::new());
        }
        let first = self
            .next_id
            .fetch_add(calls.len() as u64, Ordering::Relaxed);
        let body: Vec<Value> = calls
            .iter()
            .enumerate()
            .map(|(i, (m, p))| json!({"jsonrpc": "2.0", "id": first + i as u64, "method": m, "params": p}))
            .collect();
        let observed: Vec<ObservedCall<'_>> = calls
            .iter()
            .map(|(method, params)| ObservedCall { method, params })
            .collect();
        let answer = self.exchange(&observed, &Value::Array(body), self.config.timeout)?;
        let Value::Array(items) = answer else {
            // Some nodes answer a whole batch with one error object.
            if let Some(err) = answer.get("error") {
                return Err(node_error("batch", err));
            }
            return Err(self.bad("a batch request was not answered with an array"));
        };
        let mut out: Vec<Option<Result<Value>>> = (0..calls.len()).map(|_| None).collect();
        for item in items {
            let id = item.get("id").and_then(Value::as_u64);
            let Some(slot) = id
                .and_then(|id| id.checked_sub(first))
                .and_then(|i| usize::try_from(i).ok())
                .filter(|i| *i < calls.len())
            else {
                return Err(self.bad("a batch answer has an id that was not asked for"));
            };
            if out[slot].is_some() {
                return Err(self.bad("a batch answer repeats an id"));
            }
            let method = calls[slot].0;
            out[slot] = Some(self.take_result(method, first + slot as u64, item));
        }
        out.into_iter()
            .map(|r| r.ok_or_else(|| self.bad("a batch answer is missing a response")))
            .collect()
    }

    fn take_result(&self, method: &str, id: u64, answer: Value) -> Result<Value> {
        let Value::Object(mut obj) = answer else {
            return Err(self.bad("the answer is not a JSON object"));
        };
        match obj.get("id") {
            Some(v) if v.as_u64() == Some(id) => {}
            Some(Value::Null) if obj.get("error").is_some_and(|e| !e.is_null()) => {}
            _ => return Err(self.bad("the answer's id does not match the request")),
        }
        if let Some(err) = obj.get("error").filter(|e| !e.is_null()) {
            return Err(node_error(method, err));
        }
        obj.remove("result")
            .ok_or_else(|| self.bad("the answer has neither 'result' nor 'error'"))
    }

    /// One HTTP exchange, shown to the observer and bounded by the deadline.
    fn exchange(
        &self,
        calls: &[ObservedCall<'_>],
        body: &Value,
        timeout: Duration,
    ) -> Result<Value> {
        let (timeout, capped) = match self.deadline {
            Some(d) => {
                let left = d.at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(self.timeout(d.total));
                }
                (timeout.min(left), left < timeout)
            }
            None => (timeout, false),
        };
        if let Some(o) = &self.observer.0 {
            o.started(&self.shown, calls);
        }
        let start = Instant::now();
        let mut result = self.post(body, timeout);
        if let (true, Some(d), Err(Error::Timeout { .. })) = (capped, self.deadline, &result) {
            result = Err(self.timeout(d.total));
        }
        if let Some(o) = &self.observer.0 {
            o.finished(&self.shown, calls, start.elapsed(), result.as_ref().err());
        }
        result
    }

    fn post(&self, body: &Value, timeout: Duration) -> Result<Value> {
        let mut req = self.http.post(self.url.clone()).json(body).timeout(timeout);
        if let Some((u, p)) = &self.config.basic_auth {
            req = req.basic_auth(u, Some(p.expose()));
        }
        let deadline = Instant::now() + timeout;
        let resp = req.send().map_err(|e| self.transport_error(&e, timeout))?;
        let status = resp.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(Error::AuthFailed(self.shown.clone()));
        }
        if status.is_redirection() {
            return Err(self.bad(&format!(
                "HTTP {} redirect refused (redirects are never followed)",
                status.as_u16()
            )));
        }
        // reqwest's blocking timeout bounds each read, not the whole body: a
        // node dripping one byte at a time would hold us for ever. The
        // deadline covers the exchange; reads stop one byte past the cap.
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        let mut body = resp.take(self.config.max_response_bytes + 1);
        loop {
            if Instant::now() >= deadline {
                return Err(self.timeout(timeout));
            }
            match body.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                        || e.get_ref()
                            .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                            .is_some_and(reqwest::Error::is_timeout);
                    return Err(if timed_out {
                        self.timeout(timeout)
                    } else {
                        self.bad(&format!("the answer was cut off ({e})"))
                    });
                }
            }
        }
        if buf.len() as u64 > self.config.max_response_bytes {
            return Err(self.bad(&format!(
                "the answer is larger than {} MiB",
                self.config.max_response_bytes >> 20
            )));
        }
        match serde_json::from_slice::<Value>(&buf) {
            Ok(v) => Ok(v),
            Err(_) if !status.is_success() => Err(self.bad(&format!(
                "HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            ))),
            Err(_) => Err(self.bad(&format!(
                "the answer is not JSON (is {} a JSON-RPC node?)",
                self.shown
            ))),
        }
    }

    fn transport_error(&self, e: &reqwest::Error, timeout: Duration) -> Error {
        // A connection that could not be made (even one that timed out)
        // carried nothing to the node: unreachable, not a lost answer.
        if e.is_timeout() && !e.is_connect() {
            return self.timeout(timeout);
        }
        let mut reason = String::new();
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
        while let Some(s) = src {
            reason = s.to_string();
            src = s.source();
        }
        if reason.is_empty() {
            reason = "connection failed".into();
        }
        if e.is_connect() {
            Error::NodeUnreachable {
                url: self.shown.clone(),
                reason,
            }
        } else {
            // Connected, but what came back was not an HTTP answer (or the
            // connection broke off before one): the node misbehaved.
            self.bad(&format!("no valid HTTP answer ({reason})"))
        }
    }

    fn timeout(&self, timeout: Duration) -> Error {
        Error::Timeout {
            url: self.shown.clone(),
            seconds: timeout.as_secs().max(1),
        }
    }

    fn bad(&self, reason: &str) -> Error {
        Error::BadResponse {
            url: self.shown.clone(),
            reason: reason.to_owned(),
        }
    }
}

/// What an RPC URL must look like, for error messages.
const URL_FORMS: &str =
    "expected http://HOST:PORT, https://HOST[:PORT]/PATH or a bare HOST:PORT (taken as http://)";

/// `url` with its scheme: `http://` is put before a URL that has none
/// (`127.0.0.1:8545`, `localhost:8545/rpc`), as `cast` does. Anything that
/// is still not an http(s) URL with a host is refused, saying what is
/// expected. Surrounding whitespace is dropped.
pub fn normalize_url(url: &str) -> Result<String> {
    let t = url.trim();
    if t.is_empty() {
        return Err(Error::input(format!("the RPC URL is empty: {URL_FORMS}")));
    }
    let full = if t.contains("://") {
        t.to_owned()
    } else {
        format!("http://{t}")
    };
    parse_url(&full)?;
    Ok(full)
}

/// True when `url` carries a user name or password (`http://user:pw@host`).
/// Such a URL is visible to every local user in the process list; callers
/// that take URLs on a command line should refuse it.
#[must_use]
pub fn url_has_credentials(url: &str) -> bool {
    normalize_url(url)
        .ok()
        .and_then(|u| reqwest::Url::parse(&u).ok())
        .is_some_and(|u| !u.username().is_empty() || u.password().is_some())
}

/// True when `a` and `b` name the same endpoint origin: scheme, host and
/// port (the scheme's default when none is written); a bare `HOST:PORT`
/// is `http://`. Unparsable URLs are never the same.
#[must_use]
pub fn same_origin(a: &str, b: &str) -> bool {
    match (parse_url(a), parse_url(b)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str().map(str::to_ascii_lowercase)
                    == b.host_str().map(str::to_ascii_lowercase)
                && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => false,
    }
}

fn parse_url(url: &str) -> Result<reqwest::Url> {
    let t = url.trim();
    let with_scheme;
    let t = if t.contains("://") {
        t
    } else {
        with_scheme = format!("http://{t}");
        &with_scheme
    };
    // The URL's own text is not quoted: it may hold a password.
    let parsed = reqwest::Url::parse(t)
        .map_err(|e| Error::input(format!("invalid RPC URL ({e}): {URL_FORMS}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::input(format!(
            "RPC URL scheme '{}' is not http or https: {URL_FORMS}",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::input(format!(
            "the RPC URL has no host: {URL_FORMS}"
        )));
    }
    Ok(parsed)
}

fn node_error(method: &str, err: &Value) -> Error {
    let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
    let message = err
        .get("message")
        .and_then(Value::as_str)
        .map_or_else(|| err.to_string(), str::to_owned);
    Error::NodeError {
        method: method.to_owned(),
        code,
        message,
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(Ok(b)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a `0x…` quantity into a u64.
pub(crate) fn hex_u64(v: &Value, what: &str) -> Result<u64> {
    let s = v.as_str().ok_or_else(|| bad_field(what))?;
    let h = s.strip_prefix("0x").ok_or_else(|| bad_field(what))?;
    if h.is_empty() || h.len() > 16 {
        return Err(bad_field(what));
    }
    u64::from_str_radix(h, 16).map_err(|_| bad_field(what))
}

/// Parses a `0x…` quantity into a U256.
pub(crate) fn hex_u256(v: &Value, what: &str) -> Result<alloy_primitives::U256> {
    let s = v.as_str().ok_or_else(|| bad_field(what))?;
    let h = s.strip_prefix("0x").ok_or_else(|| bad_field(what))?;
    if h.is_empty() || h.len() > 64 {
        return Err(bad_field(what));
    }
    alloy_primitives::U256::from_str_radix(h, 16).map_err(|_| bad_field(what))
}

pub(crate) fn bad_field(what: &str) -> Error {
    Error::BadResponse {
        url: "the node".into(),
        reason: format!("'{what}' is not a valid value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_is_scheme_host_and_port() {
        let same = [
            ("127.0.0.1:19443", "http://127.0.0.1:19443/"),
            ("http://LocalHost:80/a", "http://localhost/b"),
            ("https://node.example/v1", "https://node.example:443"),
            ("http://u:p@10.0.0.1:8332", "10.0.0.1:8332"),
        ];
        for (a, b) in same {
            assert!(same_origin(a, b), "{a} {b}");
        }
        let other = [
            ("127.0.0.1:19443", "127.0.0.1:19444"),
            ("http://node.example", "https://node.example"),
            ("http://127.0.0.1:8332", "http://localhost:8332"),
            ("http://evil.example:8332", "http://127.0.0.1:8332"),
            ("not a url", "not a url"),
        ];
        for (a, b) in other {
            assert!(!same_origin(a, b), "{a} {b}");
        }
    }

    #[test]
    fn loopback_nodes() {
        let on = |u: &str| {
            RpcClient::new(u, RpcConfig::default())
                .unwrap()
                .is_loopback()
        };
        for u in [
            "http://127.0.0.1:8545",
            "localhost:8545",
            "http://127.3.2.1/",
            "[::1]:8545",
        ] {
            assert!(on(u), "{u}");
        }
        for u in [
            "https://node.example/v1",
            "http://10.0.0.2:8545",
            "http://[2001:db8::1]/",
            "http://localhost.example/",
        ] {
            assert!(!on(u), "{u}");
        }
    }

    #[test]
    fn url_checks() {
        assert!(RpcClient::new("ftp://x", RpcConfig::default()).is_err());
        assert!(RpcClient::new("not a url", RpcConfig::default()).is_err());
        let c = RpcClient::new("http://user:p%40ss@127.0.0.1:1/", RpcConfig::default()).unwrap();
        assert_eq!(c.url(), "http://127.0.0.1:1/");
        let (u, p) = c.config.basic_auth.clone().unwrap();
        assert_eq!(u, "user");
        assert_eq!(p.expose(), "p@ss");
    }

    #[test]
    fn issue21_12_host_port_is_http() {
        for (given, want) in [
            ("127.0.0.1:18545", "http://127.0.0.1:18545"),
            (" localhost:8545/rpc ", "http://localhost:8545/rpc"),
            ("https://node.example/v1", "https://node.example/v1"),
            ("[::1]:8545", "http://[::1]:8545"),
        ] {
            assert_eq!(normalize_url(given).unwrap(), want);
        }
        let c = RpcClient::new("127.0.0.1:18545", RpcConfig::default()).unwrap();
        assert_eq!(c.url(), "http://127.0.0.1:18545/");
        for bad in ["", "not a url", "ftp://x", "http://", "127.0.0.1:port"] {
            let e = normalize_url(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
            assert!(e.to_string().contains("expected http://HOST:PORT"), "{e}");
        }
    }

    #[test]
    fn issue22_12_credentials_are_detected() {
        assert!(url_has_credentials("http://u:p@127.0.0.1:1"));
        assert!(url_has_credentials("u:p@127.0.0.1:1"));
        assert!(url_has_credentials("http://u@127.0.0.1:1"));
        assert!(!url_has_credentials("http://127.0.0.1:1"));
        // The message of a bad URL never quotes it (it may hold a password).
        let e = normalize_url("http://u:secret@ho st").unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
    }

    #[derive(Default)]
    struct Count(std::sync::Mutex<Vec<String>>);

    impl RpcObserver for Count {
        fn started(&self, _url: &str, calls: &[ObservedCall<'_>]) {
            let names: Vec<&str> = calls.iter().map(|c| c.method).collect();
            self.0
                .lock()
                .unwrap()
                .push(format!("start {}", names.join(",")));
        }
        fn finished(&self, _: &str, calls: &[ObservedCall<'_>], _: Duration, e: Option<&Error>) {
            let what = e.map_or("ok".to_owned(), |e| e.kind().as_str().to_owned());
            self.0
                .lock()
                .unwrap()
                .push(format!("end {} {what}", calls.len()));
        }
    }

    /// A node that accepts connections and never answers.
    fn silent_node() -> (std::net::TcpListener, u16) {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        (l, port)
    }

    #[test]
    fn issue22_10_overall_timeout_bounds_every_request() {
        let (_l, port) = silent_node();
        let cfg = RpcConfig {
            timeout: Duration::from_secs(30),
            ..RpcConfig::default()
        };
        let mut c = RpcClient::new(&format!("127.0.0.1:{port}"), cfg).unwrap();
        let seen = Arc::new(Count::default());
        c.set_observer(seen.clone());
        c.set_overall_timeout(Duration::from_secs(1));
        let e = c.call("scantxoutset", json!(["start", []])).unwrap_err();
        assert!(matches!(e, Error::Timeout { seconds: 1, .. }), "{e:?}");
        // Spent: the next request is not even started.
        let e = c.batch(&[("a", json!([])), ("b", json!([]))]).unwrap_err();
        assert!(matches!(e, Error::Timeout { seconds: 1, .. }), "{e:?}");
        let log = seen.0.lock().unwrap().clone();
        assert_eq!(log, ["start scantxoutset", "end 1 timeout"]);
    }

    #[test]
    fn issue21_18_observer_sees_calls_and_batches() {
        let (l, port) = silent_node();
        // Answers one batch of two, then one single call.
        let server = std::thread::spawn(move || {
            for body in [
                r#"[{"jsonrpc":"2.0","id":1,"result":"0x1"},{"jsonrpc":"2.0","id":2,"result":"0x2"}]"#,
                r#"{"jsonrpc":"2.0","id":3,"result":"0x3"}"#,
            ] {
                let (mut s, _) = l.accept().unwrap();
                let mut buf = [0u8; 4096];
                let _ = std::io::Read::read(&mut s, &mut buf).unwrap();
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                std::io::Write::write_all(&mut s, resp.as_bytes()).unwrap();
            }
        });
        let mut c =
            RpcClient::new(&format!("http://127.0.0.1:{port}"), RpcConfig::default()).unwrap();
        let seen = Arc::new(Count::default());
        c.set_observer(seen.clone());
        let r = c
            .batch(&[("eth_chainId", json!([])), ("eth_gasPrice", json!([]))])
            .unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(c.call("eth_blockNumber", json!([])).unwrap(), json!("0x3"));
        server.join().unwrap();
        let log = seen.0.lock().unwrap().clone();
        assert_eq!(
            log,
            [
                "start eth_chainId,eth_gasPrice",
                "end 2 ok",
                "start eth_blockNumber",
                "end 1 ok"
            ]
        );
    }

    #[test]
    fn closed_port_is_unreachable() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let c = RpcClient::new(&format!("http://127.0.0.1:{port}"), RpcConfig::default()).unwrap();
        let e = c.call("eth_chainId", json!([])).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::NodeUnreachable, "{e}");
    }
}
