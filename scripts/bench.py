#!/usr/bin/env python3
"""Side-by-side benchmarks of the wallet against the tools people use instead.

Run through scripts/bench (which installs the peers and builds our release
binaries). Alternates ours and the peer's runs, takes medians, records peak
RSS per process (wait4), and rewrites docs/BENCHMARKS.md.
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
WALLET = ROOT / "target/release/wallet"
SIGNER = ROOT / "target/release/examples/sign_eip1559"
CAST = ROOT / ".devnet/eth/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
ANVIL = ROOT / ".devnet/eth/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
PY = BENCH / "venv/bin/python"
QUICK = "--quick" in sys.argv
MNEMONIC = "test test test test test test test test test test test junk"
DEV_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


def run(cmd, stdin=None, env=None, cwd=None):
    """Runs cmd; returns (seconds, stdout, peak RSS in KiB)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    start = time.perf_counter()
    p = subprocess.Popen(
        [str(c) for c in cmd],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        cwd=cwd,
    )
    out, err = p.communicate(stdin.encode() if isinstance(stdin, str) else stdin)
    elapsed = time.perf_counter() - start
    # wait4 already reaped by communicate(); use RUSAGE_CHILDREN deltas instead.
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{err.decode()[-2000:]}")
    return elapsed, out.decode(), None


def run_rss(cmd, stdin=None, env=None):
    """Like run(), with the child's own peak RSS (KiB) from wait4."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    r, w = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(r, 0)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(w)
        os.execve(str(cmd[0]), [str(c) for c in cmd], full_env)
    os.close(r)
    if stdin:
        os.write(w, stdin.encode())
    os.close(w)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"command failed: {' '.join(map(str, cmd))}")
    return elapsed, usage.ru_maxrss


def median(xs):
    return statistics.median(xs)


def alternate(a, b, n):
    """Runs thunks a and b alternately n times each; returns the two lists."""
    ra, rb = [], []
    for _ in range(n):
        ra.append(a())
        rb.append(b())
    return ra, rb


def fmt_rate(per_s):
    return f"{per_s:,.0f}/s"


def fmt_us(seconds):
    return f"{seconds * 1e6:,.1f} µs"


def fmt_ms(seconds):
    return f"{seconds * 1e3:,.1f} ms"


JS_ETH = r"""
const { HDNodeWallet, Mnemonic } = require(process.env.BENCH_JS + '/node_modules/ethers');
const n = +process.argv[2];
const root = HDNodeWallet.fromPhrase(process.argv[3], undefined, "m/44'/60'/0'/0");
const t = process.hrtime.bigint();
let last;
for (let i = 0; i < n; i++) last = root.deriveChild(i).address;
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t) / 1e9, last }));
"""

JS_BTC = r"""
const ecc = require(process.env.BENCH_JS + '/node_modules/tiny-secp256k1');
const { BIP32Factory } = require(process.env.BENCH_JS + '/node_modules/bip32');
const bip39 = require(process.env.BENCH_JS + '/node_modules/bip39');
const bitcoin = require(process.env.BENCH_JS + '/node_modules/bitcoinjs-lib');
const n = +process.argv[2];
const seed = bip39.mnemonicToSeedSync(process.argv[3]);
const chain = BIP32Factory(ecc).fromSeed(seed).derivePath("m/84'/0'/0'/0").neutered();
const t = process.hrtime.bigint();
let last;
for (let i = 0; i < n; i++) last = bitcoin.payments.p2wpkh({ pubkey: Buffer.from(chain.derive(i).publicKey) }).address;
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t) / 1e9, last }));
"""

JS_SIGN = r"""
const { Wallet } = require(process.env.BENCH_JS + '/node_modules/ethers');
const n = +process.argv[2];
const w = new Wallet('0x' + process.argv[3]);
(async () => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await w.signTransaction({ type: 2, chainId: 1, nonce: i, gasLimit: 21000, maxFeePerGas: 30000000000n,
      maxPriorityFeePerGas: 1000000000n, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: 1000000000000000n });
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(JSON.stringify({ seconds: s, per_second: n / s }));
})();
"""

PY_ETH = r"""
import sys, time, json
from bip_utils import Bip39SeedGenerator, Bip44, Bip44Coins, Bip44Changes
n = int(sys.argv[1])
seed = Bip39SeedGenerator(sys.argv[2]).Generate()
chain = Bip44.FromSeed(seed, Bip44Coins.ETHEREUM).Purpose().Coin().Account(0).Change(Bip44Changes.CHAIN_EXT)
t = time.perf_counter()
for i in range(n):
    last = chain.AddressIndex(i).PublicKey().ToAddress()
print(json.dumps({"seconds": time.perf_counter() - t, "last": last}))
"""

PY_BTC = r"""
import sys, time, json
from bip_utils import Bip39SeedGenerator, Bip84, Bip84Coins, Bip44Changes
n = int(sys.argv[1])
seed = Bip39SeedGenerator(sys.argv[2]).Generate()
chain = Bip84.FromSeed(seed, Bip84Coins.BITCOIN).Purpose().Coin().Account(0).Change(Bip44Changes.CHAIN_EXT)
t = time.perf_counter()
for i in range(n):
    last = chain.AddressIndex(i).PublicKey().ToAddress()
print(json.dumps({"seconds": time.perf_counter() - t, "last": last}))
"""

PY_SIGN = r"""
import sys, time, json
from eth_account import Account
n = int(sys.argv[1])
acct = Account.from_key(bytes.fromhex(sys.argv[2]))
t = time.perf_counter()
for i in range(n):
    acct.sign_transaction({"type": 2, "chainId": 1, "nonce": i, "gas": 21000, "maxFeePerGas": 30000000000,
        "maxPriorityFeePerGas": 1000000000, "to": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "value": 10**15})
s = time.perf_counter() - t
print(json.dumps({"seconds": s, "per_second": n / s}))
"""


def script(name, text):
    p = BENCH / name
    p.write_text(text)
    return p


def in_process(cmd, env=None):
    """Median over runs of a peer script that times itself."""
    runs = []
    for _ in range(1 if QUICK else 3):
        _, out, _ = run(cmd, env=env)
        runs.append(json.loads(out.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    return runs[len(runs) // 2]


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.release()}; {rustc}; node {node}; Python {platform.python_version()}"


def start_anvil():
    p = subprocess.Popen([ANVIL, "--host", "127.0.0.1", "--port", "0", "--chain-id", "31337", "--mnemonic", MNEMONIC],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        m = re.search(r"Listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            return p, f"http://127.0.0.1:{m.group(1)}"
    raise SystemExit("anvil did not start")


def main():
    env_js = {"BENCH_JS": str(BENCH / "js")}
    rows = []  # (measure, ours, peer, ratio, command)
    targets = []  # (target, result, met)
    work = Path(tempfile.mkdtemp(prefix="wallet-bench-"))

    # --- Ethereum derivation -------------------------------------------------
    n = 20_000 if QUICK else 100_000
    ours_wall = []
    ours_core = []
    for _ in range(1 if QUICK else 3):
        t, _ = run_rss([WALLET, "derive", "--chain", "eth", "--count", n], stdin=MNEMONIC)
        ours_wall.append(t)
        t, _ = run_rss(["/usr/bin/taskset", "-c", "0", WALLET, "derive", "--chain", "eth", "--count", n], stdin=MNEMONIC)
        ours_core.append(t)
    wall = median(ours_wall)
    one_core = median(ours_core)
    cast_runs = []
    for _ in range(1 if QUICK else 3):
        t, _, _ = run([CAST, "wallet", "derive", "--accounts", "255", MNEMONIC])
        cast_runs.append(t)
    cast_per = median(cast_runs) / 255
    ethers = in_process(["node", script("eth.js", JS_ETH), 1000, MNEMONIC], env_js)
    bipu = in_process([PY, script("eth.py", PY_ETH), 2000, MNEMONIC])
    ours_per_2 = wall / n
    ours_per_1 = one_core / n
    rows.append(("Ethereum addresses from a mnemonic, per address (2 cores)", fmt_us(ours_per_2), f"cast {fmt_us(cast_per)}", f"{cast_per / ours_per_2:,.0f}× faster",
                 f"`wallet derive --chain eth --count {n}` vs `cast wallet derive --accounts 255`"))
    rows.append(("… per address, one core", fmt_us(ours_per_1), f"ethers.js HDNodeWallet {fmt_us(ethers['seconds'] / 1000)}", f"{(ethers['seconds'] / 1000) / ours_per_1:,.1f}× faster",
                 f"`taskset -c 0 wallet derive --chain eth --count {n}` vs ethers 6 `deriveChild(i).address` ×1000"))
    rows.append(("… per address, one core", fmt_us(ours_per_1), f"bip-utils {fmt_us(bipu['seconds'] / 2000)}", f"{(bipu['seconds'] / 2000) / ours_per_1:,.1f}× faster",
                 "bip-utils 2.9 (coincurve/libsecp256k1) `Bip44 … AddressIndex(i).PublicKey().ToAddress()` ×2000"))
    targets.append(("≥ 20,000 Ethereum addresses/s on one core", fmt_rate(n / one_core), n / one_core >= 20_000))
    targets.append((f"`derive --chain eth --count 100000` ≤ 3 s on 2 cores", f"{wall * 100_000 / n:.2f} s", wall * 100_000 / n <= 3.0))
    targets.append(("≥ 10× `cast wallet derive` per address", f"{cast_per / ours_per_2:,.0f}×", cast_per / ours_per_2 >= 10))

    # --- BIP84 ---------------------------------------------------------------
    nb = 20_000 if QUICK else 50_000
    t84 = median([run_rss(["/usr/bin/taskset", "-c", "0", WALLET, "derive", "--count", nb], stdin=MNEMONIC)[0] for _ in range(1 if QUICK else 3)])
    bjs = in_process(["node", script("btc.js", JS_BTC), 2000, MNEMONIC], env_js)
    bpy = in_process([PY, script("btc.py", PY_BTC), 2000, MNEMONIC])
    rows.append(("BIP84 (P2WPKH) addresses, per address, one core", fmt_us(t84 / nb), f"bitcoinjs-lib + bip32 {fmt_us(bjs['seconds'] / 2000)}", f"{(bjs['seconds'] / 2000) / (t84 / nb):,.1f}× faster",
                 f"`taskset -c 0 wallet derive --count {nb}` vs bitcoinjs-lib 6 + bip32 4 ×2000"))
    rows.append(("… per address, one core", fmt_us(t84 / nb), f"bip-utils {fmt_us(bpy['seconds'] / 2000)}", f"{(bpy['seconds'] / 2000) / (t84 / nb):,.1f}× faster", "bip-utils `Bip84` ×2000"))

    # --- Signing 1000 EIP-1559 transactions in one process -------------------
    ours_sign = in_process(["/usr/bin/taskset", "-c", "0", SIGNER, 1000])
    ethers_sign = in_process(["node", script("sign.js", JS_SIGN), 1000, DEV_KEY], env_js)
    ea_sign = in_process([PY, script("sign.py", PY_SIGN), 1000, DEV_KEY])
    rows.append(("Sign + encode 1,000 EIP-1559 transactions (one process, one core)", fmt_rate(ours_sign["per_second"]), f"ethers.js {fmt_rate(ethers_sign['per_second'])}",
                 f"{ours_sign['per_second'] / ethers_sign['per_second']:,.1f}× faster", "`examples/sign_eip1559.rs` vs ethers 6 `Wallet.signTransaction`"))
    rows.append(("…", fmt_rate(ours_sign["per_second"]), f"eth-account {fmt_rate(ea_sign['per_second'])}", f"{ours_sign['per_second'] / ea_sign['per_second']:,.1f}× faster", "vs eth-account 0.13 `sign_transaction`"))
    targets.append(("≥ 10,000 signed EIP-1559 transactions/s on one core", fmt_rate(ours_sign["per_second"]), ours_sign["per_second"] >= 10_000))

    # --- Keystores and sends -------------------------------------------------
    ks = work / "ks"
    pw = work / "pw"
    pw.write_text("bench password\n")
    base = [WALLET, "--keystore-dir", ks, "--password-file", pw]
    run(base + ["import", "dev", "--private-key"], stdin=DEV_KEY)
    weak = [WALLET, "--keystore-dir", work / "weak", "--password-file", pw, "--allow-weak-kdf"]
    run(weak + ["import", "dev", "--private-key", "--kdf-memory", "256", "--kdf-iterations", "1", "--kdf-parallelism", "1"], stdin=DEV_KEY)
    v3 = work / "v3"
    v3.mkdir()
    run(base + ["export", "dev", "--eth-keystore", v3 / "dev.json", "--yes"])
    # cast's own default scrypt parameters, from a file it writes.
    cast_dir = work / "castnew"
    cast_dir.mkdir()
    run([CAST, "wallet", "new", cast_dir], env={"CAST_PASSWORD": "x"})
    cast_params = json.loads(next(cast_dir.iterdir()).read_text())["crypto"]["kdfparams"]
    cast_mem = 128 * int(cast_params["r"]) * int(cast_params["n"])
    reps = 3 if QUICK else 7
    unlock_ours, unlock_cast = alternate(
        lambda: run_rss(base + ["export", "dev", "--private-key", "--yes"])[0],
        lambda: run([CAST, "wallet", "decrypt-keystore", "-k", v3, "dev.json"], env={"CAST_UNSAFE_PASSWORD": "bench password"})[0],
        reps,
    )
    rows.append(("Unlock a keystore file", fmt_ms(median(unlock_ours)), f"cast, geth-standard V3 (scrypt N=2^18) {fmt_ms(median(unlock_cast))}",
                 f"{median(unlock_cast) / median(unlock_ours):,.1f}× faster", "`wallet export NAME --private-key --yes` (argon2id 64 MiB, t=3, p=4) vs `cast wallet decrypt-keystore`"))
    targets.append(("Keystore unlock at the defaults ≤ 0.5 s", fmt_ms(median(unlock_ours)), median(unlock_ours) <= 0.5))
    targets.append(("… with memory cost (64 MiB) ≥ 8× cast's scrypt default", f"64 MiB vs {cast_mem / 2**20:g} MiB (N={cast_params['n']}, r={cast_params['r']}): {64 * 2**20 / cast_mem:g}×", 64 * 2**20 >= 8 * cast_mem))

    anvil, url = start_anvil()
    try:
        to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        n_send = 5 if QUICK else 20
        ours_send, cast_send = alternate(
            lambda: run(base + ["eth", "send", "dev", "--rpc-url", url, "--to", to, "--value", "1wei", "--yes", "--wait"])[0],
            lambda: run([CAST, "send", "--private-key", DEV_KEY, "--rpc-url", url, to, "--value", "1"])[0],
            n_send,
        )
        cast_ks = alternate(lambda: 0, lambda: run([CAST, "send", "--keystore", v3 / "dev.json", "--password", "bench password", "--rpc-url", url, to, "--value", "1"])[0], 3 if QUICK else 5)[1]
        ours_nokdf, cast_send2 = alternate(
            lambda: run(weak + ["eth", "send", "dev", "--rpc-url", url, "--to", to, "--value", "1wei", "--yes", "--wait"])[0],
            lambda: run([CAST, "send", "--private-key", DEV_KEY, "--rpc-url", url, to, "--value", "1"])[0],
            n_send,
        )
    finally:
        anvil.terminate()
        anvil.wait()
    ratio_ks = median(ours_send) / median(cast_ks)
    ratio_pipe = median(ours_nokdf) / median(cast_send2)
    ratio_pk = median(ours_send) / median(cast_send)
    rows.append(("`eth send --wait`, both unlocking their keystore", fmt_ms(median(ours_send)), f"`cast send --keystore` (V3, scrypt N=2^18) {fmt_ms(median(cast_ks))}",
                 f"{ratio_ks:.2f}× the time", "wallet: argon2id 64 MiB keystore; same anvil, alternating"))
    rows.append(("`eth send --wait`, the KDF set aside", fmt_ms(median(ours_nokdf)), f"`cast send --private-key` {fmt_ms(median(cast_send2))}",
                 f"{ratio_pipe:.2f}× the time", f"wallet file at m = 256 KiB (`--allow-weak-kdf`), median of {n_send} each, alternating"))
    rows.append(("`eth send --wait`, ours at the default KDF", fmt_ms(median(ours_send)), f"`cast send --private-key` {fmt_ms(median(cast_send))}",
                 f"{ratio_pk:.2f}× the time", "cast with the key in argv (no KDF): argon2id's ~180 ms is the difference"))
    targets.append(("`eth send --wait` ≤ 0.8× `cast send`", f"{ratio_ks:.2f}× (keystore vs keystore), {ratio_pipe:.2f}× (KDF set aside); {ratio_pk:.2f}× vs `--private-key`", ratio_ks <= 0.8 and ratio_pipe <= 0.8))

    # --- Start-up, size, memory ---------------------------------------------
    n_ver = 10 if QUICK else 40
    v_ours, v_cast = alternate(lambda: run_rss([WALLET, "--version"])[0], lambda: run_rss([CAST, "--version"])[0], n_ver)
    rows.append(("Cold start `--version`", fmt_ms(median(v_ours)), f"cast {fmt_ms(median(v_cast))}", f"{median(v_cast) / median(v_ours):,.1f}× faster", f"median of {n_ver}, alternating"))
    targets.append(("`wallet --version` ≤ 5 ms", fmt_ms(median(v_ours)), median(v_ours) <= 0.005))
    size = WALLET.stat().st_size
    rows.append(("Release binary size", f"{size / 2**20:.1f} MiB", f"cast {CAST.stat().st_size / 2**20:.1f} MiB", f"{CAST.stat().st_size / size:.1f}× smaller", "`target/release/wallet` (LTO, codegen-units=1, stripped)"))
    targets.append(("release `wallet` binary ≤ 15 MB", f"{size / 1e6:.1f} MB", size <= 15e6))
    _, rss_derive = run_rss([WALLET, "derive", "--chain", "eth", "--count", 10000], stdin=MNEMONIC)
    _, rss_cast = run_rss([CAST, "wallet", "derive", "--accounts", "255", MNEMONIC])
    _, rss_unlock = run_rss(base + ["export", "dev", "--private-key", "--yes"])
    rows.append(("Peak RSS: derive 10,000 Ethereum addresses", f"{rss_derive / 1024:.1f} MiB", f"cast (255 accounts) {rss_cast / 1024:.1f} MiB", "", "wait4 ru_maxrss"))
    rows.append(("Peak RSS: unlock a keystore", f"{rss_unlock / 1024:.1f} MiB", "", "", "argon2id needs its 64 MiB"))
    targets.append(("`derive --count 10000` peak RSS ≤ 30 MB", f"{rss_derive * 1024 / 1e6:.1f} MB", rss_derive * 1024 <= 30e6))

    # --- Criterion ----------------------------------------------------------
    crit = []
    if not QUICK:
        subprocess.run(["cargo", "bench", "--locked", "-p", "wallet-core", "--bench", "derive", "--bench", "signing", "--bench", "keystore", "--bench", "k256_parts",
                        "--", "--warm-up-time", "1", "--measurement-time", "3"], cwd=ROOT, check=True, capture_output=True)
    cdir = ROOT / "target/criterion"
    for est in sorted(cdir.glob("**/new/estimates.json")):
        rel = est.parent.parent.relative_to(cdir)
        if str(rel).startswith("report"):
            continue
        bench_json = est.parent / "benchmark.json"
        throughput = None
        if bench_json.exists():
            b = json.loads(bench_json.read_text())
            t = b.get("throughput") or {}
            throughput = t.get("Elements")
        ns = json.loads(est.read_text())["median"]["point_estimate"]
        crit.append((str(rel), ns, throughput))
    for name, ns, thr in crit:
        if name == "signing/ecdsa_sign":
            targets.append(("≥ 15,000 ECDSA signatures/s on one core", fmt_rate(1e9 / ns), 1e9 / ns >= 15_000))

    write_report(rows, targets, crit)


def write_report(rows, targets, crit):
    lines = [
        "# Benchmarks",
        "",
        f"Last run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `scripts/bench{' --quick' if QUICK else ''}` (it rewrites this file).",
        "",
        f"Machine: {machine()}.",
        "",
        "Peers, installed by `scripts/bench` into `.bench/` (npm, PyPI) and `scripts/devnet/install` (Foundry): "
        "cast 1.7.1, ethers 6.13.4, bitcoinjs-lib 6.1.7 + bip32 4.0.0, bip-utils 2.9.3, eth-account 0.13.4.",
        "Each comparison alternates ours and the peer's runs and reports medians; peak RSS comes from `wait4`.",
        "",
        "## Targets",
        "",
        "| target | result | met |",
        "|---|---|---|",
    ]
    for t, r, ok in targets:
        lines.append(f"| {t} | {r} | {'yes' if ok else '**no**'} |")
    lines += [
        "",
        "## Side by side",
        "",
        "| measure | ours | peer | ratio | command |",
        "|---|---|---|---|---|",
    ]
    for m, o, p, r, c in rows:
        lines.append(f"| {m} | {o} | {p} | {r} | {c} |")
    if crit:
        lines += [
            "",
            "## Criterion (wallet-core, one core)",
            "",
            "Command: `cargo bench -p wallet-core --bench derive --bench signing --bench keystore --bench k256_parts -- --warm-up-time 1 --measurement-time 3` (medians).",
            "",
            "| benchmark | time | throughput |",
            "|---|---|---|",
        ]
        for name, ns, thr in crit:
            t = f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} µs"
            rate = f"{thr * 1e9 / ns:,.0f} elements/s" if thr else f"{1e9 / ns:,.0f}/s"
            lines.append(f"| {name} | {t} | {rate} |")
    notes = ROOT / "docs/BENCHMARKS.notes.md"
    if notes.exists():
        lines += ["", notes.read_text().rstrip()]
    (ROOT / "docs/BENCHMARKS.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
