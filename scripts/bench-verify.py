#!/usr/bin/env python3
"""The cost of --verify: each command with and without it, in turn, against
a real anvil and a litecoind regtest node started here, through a counting
proxy (HTTP requests and JSON-RPC calls per command). Prints a Markdown
table (medians of the runs) for the "cost of --verify" section of docs/BENCHMARKS.notes.md (which
scripts/bench appends to docs/BENCHMARKS.md).

    cargo build --release -p wallet-cli
    python3 scripts/bench-verify.py [--runs 15] [--wallet target/release/wallet]
"""

import argparse
import base64
import http.server
import json
import os
import shutil
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANVIL = os.path.join(ROOT, ".devnet/eth/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
LITECOIND = "/usr/lib/litecoin/litecoind"
MNEMONIC = "test test test test test test test test test test test junk"
DEV_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEV_ADDR = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
TO = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
FAST = ["--allow-weak-kdf", "--kdf-memory", "256", "--kdf-iterations", "1", "--kdf-parallelism", "1"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def post(port, body, auth=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body,
                                 headers={"Content-Type": "application/json"})
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read()
    except urllib.error.HTTPError as e:  # JSON-RPC errors come back as HTTP 500
        return e.read()


def rpc(port, method, params, auth=None):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    v = json.loads(post(port, body, auth))
    if v.get("error"):
        raise RuntimeError(f"{method}: {v['error']}")
    return v["result"]


class Counter:
    """A forwarder counting HTTP requests and JSON-RPC calls."""

    def __init__(self, upstream, auth=None):
        self.upstream_url = f"http://127.0.0.1:{upstream}"
        self.requests = 0
        self.calls = 0
        counter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parsed = json.loads(body)
                counter.requests += 1
                counter.calls += len(parsed) if isinstance(parsed, list) else 1
                answer = post(upstream, body, auth)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *a):
                pass

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self):
        r, c = self.requests, self.calls
        self.requests = self.calls = 0
        return r, c


def run(wallet, ks, args):
    cmd = [wallet, "--json", "--keystore-dir", ks["dir"], "--password-file", ks["pw"],
           "--allow-weak-kdf"] + args
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    return dt, json.loads(p.stdout)


def race(wallet, ks, counter, direct, runs, between=None):
    """Runs `direct` and `direct + --verify` in turn against the node itself
    (medians of the wall times), then each once through `counter` with the
    node URL swapped for the proxy's (requests and calls)."""
    out = {False: [], True: []}
    for i in range(runs):
        for verify in ([False, True] if i % 2 == 0 else [True, False]):
            dt, _ = run(wallet, ks, direct + (["--verify"] if verify else []))
            out[verify].append(dt)
            if between:
                between()
    counts = {}
    proxied = [counter.url if x == counter.upstream_url else x for x in direct]
    for verify in (False, True):
        counter.take()
        run(wallet, ks, proxied + (["--verify"] if verify else []))
        counts[verify] = counter.take()
        if between:
            between()
    return {v: statistics.median(out[v]) for v in (False, True)}, counts


def row(name, medians, counts, cmd, runs):
    (r0, c0), (r1, c1) = counts[False], counts[True]
    ratio = medians[True] / medians[False]
    return (f"| {name} | {medians[False] * 1e3:.1f} ms, {r0} req / {c0} calls | "
            f"{medians[True] * 1e3:.1f} ms, {r1} req / {c1} calls | {ratio:.2f}× | {runs} + {runs} | `{cmd}` |")


def start_anvil():
    port = free_port()
    p = subprocess.Popen([ANVIL, "--host", "127.0.0.1", "--port", str(port), "--chain-id", "31337",
                          "--mnemonic", MNEMONIC], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            rpc(port, "eth_chainId", [])
            return p, port
        except OSError:
            time.sleep(0.05)
    sys.exit("anvil did not start")


def start_litecoind(datadir):
    os.makedirs(datadir, exist_ok=True)
    port, auth = free_port(), "bench:benchpw"
    p = subprocess.Popen([LITECOIND, "-regtest", f"-datadir={datadir}", "-server=1", "-listen=0",
                          "-rpcbind=127.0.0.1", "-rpcallowip=127.0.0.1", f"-rpcport={port}",
                          "-rpcuser=bench", "-rpcpassword=benchpw", "-txindex=1", "-disablewallet=1",
                          "-printtoconsole=0", "-fallbackfee=0.0001"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):
        try:
            rpc(port, "getblockchaininfo", [], auth)
            return p, port, auth
        except (OSError, RuntimeError, json.JSONDecodeError):
            time.sleep(0.05)
    sys.exit("litecoind did not start")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--height", type=int, default=400,
                    help="the height of the long-chain balance (litecoind regtest cannot mine past"
                         " MWEB's activation without MWEB transactions)")
    ap.add_argument("--wallet", default=os.path.join(ROOT, "target/release/wallet"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bench-verify-")
    ks = {"dir": os.path.join(work, "ks"), "pw": os.path.join(work, "pw")}
    with open(ks["pw"], "w") as f:
        f.write("bench password\n")
    procs = []
    try:
        rows = []
        anvil, aport = start_anvil()
        procs.append(anvil)
        rpc(aport, "evm_mine", [])
        eth = Counter(aport)
        subprocess.run([a.wallet, "--keystore-dir", ks["dir"], "--password-file", ks["pw"], "import",
                        "dev", "--private-key"] + FAST, input=DEV_KEY, text=True, check=True,
                       capture_output=True)
        cmd = ["eth", "balance", DEV_ADDR, "--rpc-url", eth.upstream_url]
        m, c = race(a.wallet, ks, eth, cmd, a.runs)
        rows.append(row("`eth balance` (anvil)", m, c, "wallet " + " ".join(cmd) + " [--verify]", a.runs))
        cmd = ["eth", "send", "dev", "--rpc-url", eth.upstream_url, "--to", TO, "--value", "1wei", "--yes", "--wait"]
        m, c = race(a.wallet, ks, eth, cmd, a.runs)
        rows.append(row("`eth send --wait` (anvil, weak KDF)", m, c,
                        "wallet --allow-weak-kdf " + " ".join(cmd) + " [--verify]", a.runs))

        ltc, lport, auth = start_litecoind(os.path.join(work, "ltc"))
        procs.append(ltc)
        btc = Counter(lport, auth)
        subprocess.run([a.wallet, "--keystore-dir", ks["dir"], "--password-file", ks["pw"], "create", "w"]
                       + FAST, check=True, capture_output=True)
        net = ["--chain", "ltc", "--network", "regtest"]
        _, j = run(a.wallet, ks, ["address", "w", "--count", "20"] + net)
        for addr in j["addresses"]:
            rpc(lport, "generatetoaddress", [2, addr["address"]], auth)
        subprocess.run([a.wallet, "--keystore-dir", ks["dir"], "--password-file", ks["pw"], "create",
                        "other"] + FAST, check=True, capture_output=True)
        _, j = run(a.wallet, ks, ["address", "other"] + net)
        sink = j["addresses"][0]["address"]
        rpc(lport, "generatetoaddress", [100, sink], auth)
        with open(os.path.join(work, "rpcpw"), "w") as f:
            f.write("benchpw\n")
        node = ["--rpc-url", btc.upstream_url, "--rpc-user", "bench", "--rpc-password-file",
                os.path.join(work, "rpcpw")]
        height = rpc(lport, "getblockcount", [], auth)
        cmd = ["btc", "balance", "w"] + node + net
        m, c = race(a.wallet, ks, btc, cmd, a.runs)
        rows.append(row(f"`btc balance` (litecoind regtest, height {height}, 40 coins)", m, c,
                        "wallet " + " ".join(cmd) + " [--verify]", a.runs))
        cmd = ["btc", "send", "w"] + node + net + ["--to", sink, "--amount", "0.1", "--fee-rate", "2", "--yes"]

        def mine():
            rpc(lport, "generatetoaddress", [1, sink], auth)
        m, c = race(a.wallet, ks, btc, cmd, a.runs, between=mine)
        rows.append(row("`btc send` (litecoind regtest, a block mined after each)", m, c,
                        "wallet --allow-weak-kdf " + " ".join(cmd) + " [--verify]", a.runs))
        rpc(lport, "generatetoaddress", [a.height - rpc(lport, "getblockcount", [], auth), sink], auth)
        cmd = ["btc", "balance", "w"] + node + net
        m, c = race(a.wallet, ks, btc, cmd, a.runs)
        rows.append(row(f"`btc balance` at height {a.height} ({a.height} scrypt headers from genesis)", m, c,
                        "wallet " + " ".join(cmd) + " [--verify]", a.runs))
        near = a.height - 10
        tip = rpc(lport, "getblockhash", [near], auth)
        cmd = ["btc", "balance", "w"] + node + net + ["--checkpoint", f"{near}:{tip}"]
        timings = []
        for _ in range(a.runs):
            dt, _ = run(a.wallet, ks, cmd + ["--verify"])
            timings.append(dt)
        btc.take()
        run(a.wallet, ks, [btc.url if x == btc.upstream_url else x for x in cmd] + ["--verify"])
        r, calls = btc.take()
        rows.append(f"| … with `--checkpoint {near}:…` (10 headers after it; on regtest its history"
                    f" starts at 0) | | {statistics.median(timings) * 1e3:.1f} ms, {r} req / {calls} calls"
                    f" | | {a.runs} | `wallet {' '.join(cmd[:-1])} {near}:HASH --verify` |")
        print("| command | unverified | --verify | ratio | runs | command line |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            print(r)
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
