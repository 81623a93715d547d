"""100,000 binding calls (derive, sign) grow the process's resident memory
by no more than a few MB: nothing the bindings hand over (strings, records,
objects, errors) is leaked (Trust Wallet Core's generated bindings leaked
strings: its issues #4021, #4030)."""
import os

import wallet as W
from conftest import ANVIL, FAST

CALLS = int(os.environ.get("WALLET_MEMORY_CALLS", "100000"))
LIMIT_KIB = 4096


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_derive_and_sign_do_not_leak(keystore):
    key = W.Mnemonic(ANVIL).master_key()
    # Short paths and a single-key wallet keep the crypto cheap: what is
    # measured is what crosses the boundary (records, strings, bytes, errors).
    sel = W.Selection(chain=W.Chain.ETHEREUM, path="m/0/7")
    keystore.import_key("k", W.ImportFormat.PRIVATE_KEY_HEX, "46" * 32, "pw", FAST)
    signer = keystore.unlock("k", "pw", allow_weak_kdf=True)

    def rounds(n):
        for i in range(n // 2):
            assert key.addresses(sel).addresses[0].address.startswith("0x")
            assert signer.sign_eth_message(b"message %d" % i).signature.startswith("0x")
        # Errors cross the boundary too.
        for _ in range(n // 200):
            try:
                key.addresses(W.Selection(count=0))
            except W.WalletError.InvalidInput:
                pass

    rounds(2000)  # warm up: allocator arenas, caches, the first pages
    before = rss_kib()
    rounds(CALLS)
    grown = rss_kib() - before
    print(f"{CALLS} calls: RSS grew {grown} KiB")
    assert grown <= LIMIT_KIB, f"RSS grew {grown} KiB over {CALLS} calls"


def test_the_measure_sees_a_leak():
    """The same measure on results that are kept: it must see them grow."""
    key = W.Mnemonic(ANVIL).master_key()
    sel = W.Selection(chain=W.Chain.ETHEREUM, path="m/0/7", count=4)
    before = rss_kib()
    kept = [key.addresses(sel) for _ in range(4000)]
    grown = rss_kib() - before
    assert len(kept) == 4000 and grown >= 1024, f"keeping 4000 lists grew RSS by only {grown} KiB"
