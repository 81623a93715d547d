//! A lying node: an HTTP JSON-RPC forwarder on 127.0.0.1 in front of a real
//! node that lets a test rewrite any answer (a balance, a proof node, a
//! header) before the client sees it, and records what the client asked
//! (to count round trips, and to assert that a refused send never reached
//! the node).

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

/// Rewrites the upstream answer (`response`, the whole JSON-RPC response
/// object of one call) to the call `request`.
pub type Rewrite = dyn Fn(&Value, &mut Value) + Send + Sync;

/// The real node behind the proxy.
#[derive(Clone)]
pub struct Upstream {
    pub port: u16,
    /// HTTP Basic credentials the proxy sends (the client sends none).
    pub auth: Option<(String, String)>,
}

impl Upstream {
    /// An anvil (no credentials).
    pub fn anvil(a: &crate::Anvil) -> Self {
        Upstream {
            port: a.port,
            auth: None,
        }
    }

    /// A litecoind or bcoin of the kit.
    pub fn node(n: &crate::Node) -> Self {
        Upstream {
            port: n.port,
            auth: Some((n.user.clone(), n.pass.clone())),
        }
    }

    fn forward(&self, call: &Value) -> Value {
        match &self.auth {
            None => crate::http_post_json(self.port, call),
            Some((u, p)) => crate::http_post_auth(self.port, u, p, call),
        }
    }
}

/// A forwarder whose answers `rewrite` may change.
pub struct RewritingProxy {
    pub url: String,
    bodies: Arc<Mutex<Vec<String>>>,
    methods: Arc<Mutex<Vec<String>>>,
}

impl RewritingProxy {
    /// An honest forwarder (records only).
    pub fn honest(upstream: Upstream) -> Self {
        Self::start(upstream, |_, _| {})
    }

    /// Starts a forwarder to `upstream`: every call (batches are forwarded
    /// call by call, and answered as one batch) goes through `rewrite`.
    pub fn start(
        upstream: Upstream,
        rewrite: impl Fn(&Value, &mut Value) + Send + Sync + 'static,
    ) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let methods = Arc::new(Mutex::new(Vec::new()));
        let rewrite: Arc<Rewrite> = Arc::new(rewrite);
        let (b, m) = (bodies.clone(), methods.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (b, m, rewrite, upstream) =
                    (b.clone(), m.clone(), rewrite.clone(), upstream.clone());
                std::thread::spawn(move || serve(conn, &upstream, &*rewrite, &b, &m));
            }
        });
        RewritingProxy {
            url: format!("http://127.0.0.1:{port}"),
            bodies,
            methods,
        }
    }

    /// HTTP requests received (a batch counts once).
    pub fn requests(&self) -> usize {
        self.bodies.lock().unwrap().len()
    }

    /// Every method called, in order (each call of a batch).
    pub fn methods(&self) -> Vec<String> {
        self.methods.lock().unwrap().clone()
    }

    /// Whether `method` was called.
    pub fn saw(&self, method: &str) -> bool {
        self.methods().iter().any(|m| m == method)
    }
}

/// Reads one HTTP request body from `reader`; `None` at the end.
fn read_body(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        if h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

fn serve(
    conn: TcpStream,
    upstream: &Upstream,
    rewrite: &Rewrite,
    bodies: &Mutex<Vec<String>>,
    methods: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    while let Some(body) = read_body(&mut reader) {
        let text = String::from_utf8_lossy(&body).into_owned();
        bodies.lock().unwrap().push(text.clone());
        let request: Value = serde_json::from_str(&text).unwrap_or_default();
        let one = |call: &Value| {
            let method = call["method"].as_str().unwrap_or("").to_owned();
            methods.lock().unwrap().push(method);
            let mut answer = upstream.forward(call);
            rewrite(call, &mut answer);
            answer
        };
        let answer = match &request {
            Value::Array(calls) => Value::Array(calls.iter().map(one).collect()),
            call => one(call),
        }
        .to_string();
        let _ = write!(
            conn,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
    }
}
