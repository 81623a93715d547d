"""Fixtures of the Python bindings' suite, run by wallet-ffi/tests/bindings.rs.

The Rust test puts the generated package (with libwallet.so beside it) on
PYTHONPATH and passes, in the environment: WALLET_EXPECTED (wallet-core's
results, key=value lines), WALLET_VECTORS (testdata/vectors), and when they
run WALLET_ANVIL_URL, WALLET_LTC_URL/USER/PASSWORD (a litecoind regtest
node) and WALLET_CLI (the `wallet` binary). A test whose node or binary is
absent is skipped, unless WALLET_REQUIRE_DEVNET is set (CI), when it fails.
"""
import json
import os
import pathlib

import pytest
import wallet

ANVIL = "test test test test test test test test test test test junk"
ABANDON = "abandon " * 11 + "about"
# argon2id at a toy cost: tests only (the library refuses it unless allowed).
FAST = wallet.KdfOptions(memory_kib=256, iterations=1, parallelism=1, allow_weak=True)


def _needed(var):
    value = os.environ.get(var)
    if value:
        return value
    if os.environ.get("WALLET_REQUIRE_DEVNET"):
        pytest.fail(f"{var} is not set: the devnet tool it names is missing")
    pytest.skip(f"{var} not set")


@pytest.fixture(scope="session")
def expected():
    """wallet-core's own results for the inputs the tests use."""
    values = {}
    for line in pathlib.Path(os.environ["WALLET_EXPECTED"]).read_text().splitlines():
        if line:
            key, _, value = line.partition("=")
            values[key] = value
    return values


@pytest.fixture(scope="session")
def vectors():
    """Loads a vector file of testdata/vectors by name."""
    base = pathlib.Path(os.environ["WALLET_VECTORS"])
    return lambda name: json.loads((base / name).read_text())


@pytest.fixture
def keystore(tmp_path):
    """A fresh keystore in a real temporary directory."""
    return wallet.Keystore(str(tmp_path / "keystore"))


@pytest.fixture
def dev(keystore):
    """The anvil dev mnemonic as an unlocked wallet."""
    keystore.import_mnemonic("dev", ANVIL, "pw", kdf=FAST)
    return keystore.unlock("dev", "pw", allow_weak_kdf=True)


@pytest.fixture(scope="session")
def anvil_url():
    return _needed("WALLET_ANVIL_URL")


@pytest.fixture(scope="session")
def litecoind():
    url = _needed("WALLET_LTC_URL")
    return url, os.environ["WALLET_LTC_USER"], os.environ["WALLET_LTC_PASSWORD"]


@pytest.fixture(scope="session")
def cli():
    return _needed("WALLET_CLI")
