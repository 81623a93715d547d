"""SLIP-39 oracle for wallet-core/tests/slip39_oracle.rs: runs the reference
implementation (PyPI shamir-mnemonic, installed by `scripts/devnet/install py`).

Reads one JSON document on stdin: {"requests": [request, ...]}, where a
request is either
  {"op": "split", "secret": hex, "passphrase": str, "group_threshold": int,
   "groups": [[threshold, count], ...], "extendable": bool,
   "iteration_exponent": int}
  -> {"groups": [[mnemonic, ...], ...]}
or
  {"op": "combine", "mnemonics": [str, ...], "passphrase": str}
  -> {"secret": hex, "xprv": str}
and prints {"results": [answer, ...]} on stdout. A request that the
reference refuses answers {"error": message}.
"""

import hashlib
import hmac
import json
import sys

import shamir_mnemonic

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def bip32_master_xprv(seed: bytes) -> str:
    """BIP32 master key of `seed`, serialised with the mainnet xprv version."""
    i = hmac.new(b"Bitcoin seed", seed, hashlib.sha512).digest()
    key, chain_code = i[:32], i[32:]
    version = bytes.fromhex("0488ade4")
    payload = version + b"\0" + b"\0" * 4 + b"\0" * 4 + chain_code + b"\0" + key
    return base58check(payload)


def split(req):
    groups = shamir_mnemonic.generate_mnemonics(
        group_threshold=req["group_threshold"],
        groups=[tuple(g) for g in req["groups"]],
        master_secret=bytes.fromhex(req["secret"]),
        passphrase=req["passphrase"].encode("ascii"),
        extendable=req["extendable"],
        iteration_exponent=req["iteration_exponent"],
    )
    return {"groups": groups}


def combine(req):
    secret = shamir_mnemonic.combine_mnemonics(
        req["mnemonics"], passphrase=req["passphrase"].encode("ascii")
    )
    return {"secret": secret.hex(), "xprv": bip32_master_xprv(secret)}


def answer(req):
    try:
        return {"split": split, "combine": combine}[req["op"]](req)
    except shamir_mnemonic.MnemonicError as e:
        return {"error": str(e)}


def main():
    doc = json.load(sys.stdin)
    json.dump({"results": [answer(r) for r in doc["requests"]]}, sys.stdout)


if __name__ == "__main__":
    main()
