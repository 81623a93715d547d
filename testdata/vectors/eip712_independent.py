#!/usr/bin/env python3
"""Generates tests/vectors/eip712_independent.json: EIP-712 typed-data
documents and what an independent implementation, Python eth-account (its own
encoder on eth-abi, pure-Python eth-keys signing), computes for them.

wallet-core encodes EIP-712 with alloy-dyn-abi, and Foundry's cast uses the same
encoder, so these values are the only EIP-712 oracle that does not share code
with us. Re-run only to add documents; never to make a failing test pass.

    python3 -m venv /tmp/ea && /tmp/ea/bin/pip install eth-account
    /tmp/ea/bin/python tests/vectors/eip712_independent.py > tests/vectors/eip712_independent.json

What is recorded, per document, all from eth-account:
  encode_type       encode_type(primaryType, types) from
                    eth_account._utils.encode_typed_data.encoding_and_hashing
                    (eth-account's own encodeType; not re-derived here)
  type_hash         keccak256(encode_type)
  domain_separator  SignableMessage.header of encode_typed_data(full_message=doc)
  hash_struct       SignableMessage.body (hashStruct of the message)
  digest            Account.sign_message(...).message_hash
                    = keccak256(0x19 0x01 || domain_separator || hash_struct)
  r, s, v, signature from Account.sign_message with PRIVATE_KEY
"""

import datetime
import json
import sys
from importlib.metadata import version

from eth_account import Account
from eth_account._utils.encode_typed_data.encoding_and_hashing import (
    encode_type,
    hash_type,
)
from eth_account.messages import encode_typed_data

# The EIP-155 example key; its address is 0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F.
PRIVATE_KEY = "0x" + "46" * 32

UINT256_MAX = 2**256 - 1
INT256_MIN = -(2**255)

DOMAIN_FIELDS = {
    "name": "string",
    "version": "string",
    "chainId": "uint256",
    "verifyingContract": "address",
    "salt": "bytes32",
}


def domain_types(domain):
    # EIP-712's order for the domain fields, only those present.
    return [{"name": k, "type": t} for k, t in DOMAIN_FIELDS.items() if k in domain]


def f(name, type_):
    return {"name": name, "type": type_}


DOCS = []


def doc(name, description, types, primary, domain, message):
    types = dict(types)
    types["EIP712Domain"] = domain_types(domain)
    DOCS.append(
        {
            "name": name,
            "description": description,
            "typed_data": {
                "types": types,
                "primaryType": primary,
                "domain": domain,
                "message": message,
            },
        }
    )


# 1. Referenced struct types whose order of appearance (Zoo, Kiwi, Apple, Mango,
#    Banana) differs from their alphabetical order (Apple, Banana, Kiwi, Mango,
#    Zoo): encodeType appends them sorted by name. Arrays of structs, a fixed
#    array of structs, an empty array of structs, a struct inside a struct.
doc(
    "struct_order",
    "referenced types sorted by name in encodeType; arrays of structs (dynamic, fixed, empty); full domain",
    {
        "Order": [
            f("zoo", "Zoo"),
            f("apples", "Apple[]"),
            f("pair", "Mango[2]"),
            f("banana", "Banana"),
            f("note", "string"),
        ],
        "Zoo": [f("keeper", "address"), f("kiwi", "Kiwi")],
        "Mango": [f("ripe", "bool"), f("origin", "string")],
        "Kiwi": [f("weight", "uint32"), f("tags", "bytes4[]")],
        "Banana": [f("kiwis", "Kiwi[]"), f("none", "Apple[]")],
        "Apple": [f("id", "uint64"), f("ok", "bool")],
    },
    "Order",
    {
        "name": "Fruit Market",
        "version": "2",
        "chainId": 1,
        "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
    },
    {
        "zoo": {
            "keeper": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
            "kiwi": {"weight": 4294967295, "tags": ["0xdeadbeef", "0x00000001"]},
        },
        "apples": [{"id": 1, "ok": True}, {"id": 18446744073709551615, "ok": False}],
        "pair": [
            {"ripe": True, "origin": "Alphonso, भारत"},
            {"ripe": False, "origin": ""},
        ],
        "banana": {
            "kiwis": [
                {"weight": 0, "tags": []},
                {"weight": 7, "tags": ["0xffffffff"]},
            ],
            "none": [],
        },
        "note": "sorted by name",
    },
)

# 2. Arrays: fixed T[n], nested T[][] (with an empty inner array), T[2][3]
#    (three arrays of two), arrays of dynamic types, empty arrays.
doc(
    "arrays",
    "fixed-size, nested and empty arrays; arrays of string, bytes, address, bool, int8; domain without version or verifyingContract",
    {
        "Arrays": [
            f("fixed", "uint8[3]"),
            f("nested", "uint256[][]"),
            f("grid", "uint16[2][3]"),
            f("owners", "address[2]"),
            f("words", "string[]"),
            f("blobs", "bytes[]"),
            f("hashes", "bytes32[]"),
            f("flags", "bool[]"),
            f("small", "int8[]"),
            f("nothing", "uint256[]"),
        ]
    },
    "Arrays",
    {"name": "Arrays", "chainId": 31337},
    {
        "fixed": [1, 2, 255],
        "nested": [[1, 2], [], [str(UINT256_MAX)]],
        "grid": [[1, 2], [3, 4], [5, 65535]],
        "owners": [
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0x0000000000000000000000000000000000000000",
        ],
        "words": ["", "ascii", "Grüße", "日本語", "🦀"],
        "blobs": ["0x", "0x00", "0x" + "ab" * 33],
        "hashes": [],
        "flags": [True, False, True],
        "small": [-1, -128, 127, 0],
        "nothing": [],
    },
)

# 3. Atomic types at their edges; domain with a salt and no verifyingContract.
doc(
    "scalars",
    "bytes32, bytes1, dynamic bytes, int8 -1, int256 min, uint256 max as decimal and hex strings, bool, mixed-case address, non-ASCII string; domain name+chainId+salt",
    {
        "Scalars": [
            f("b32", "bytes32"),
            f("b1", "bytes1"),
            f("blob", "bytes"),
            f("emptyBlob", "bytes"),
            f("minusOne", "int8"),
            f("int256Min", "int256"),
            f("minusTwo", "int256"),
            f("maxDecimal", "uint256"),
            f("maxHex", "uint256"),
            f("bigDecimal", "uint256"),
            f("small", "uint8"),
            f("yes", "bool"),
            f("no", "bool"),
            f("who", "address"),
            f("whoLower", "address"),
            f("text", "string"),
            f("emptyText", "string"),
        ]
    },
    "Scalars",
    {
        "name": "Scalars ✓",
        "chainId": 137,
        "salt": "0x" + "f2d857f4a3edcb9b78b4d503bfe733db1e3f6cdc2b7971ee739626c97e86a558",
    },
    {
        "b32": "0x" + "0123456789abcdef" * 4,
        "b1": "0x7f",
        "blob": "0xdeadbeef00",
        "emptyBlob": "0x",
        "minusOne": -1,
        "int256Min": str(INT256_MIN),
        "minusTwo": -2,
        "maxDecimal": str(UINT256_MAX),
        "maxHex": hex(UINT256_MAX),
        "bigDecimal": str(2**200 + 12345),
        "small": 255,
        "yes": True,
        "no": False,
        "who": "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "whoLower": "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb",
        "text": "Grüße, 世界! café naïve — 🦀 \"quoted\" \\ back\nslash",
        "emptyText": "",
    },
)

# 4. A recursive type (EIP-712 permits it; it is not listed again in encodeType).
doc(
    "recursive",
    "a self-referencing struct (Node[] inside Node); domain version+verifyingContract only",
    {
        "Node": [f("label", "string"), f("value", "int256"), f("children", "Node[]")],
    },
    "Node",
    {"version": "1", "verifyingContract": "0x1111111111111111111111111111111111111111"},
    {
        "label": "root",
        "value": -5,
        "children": [
            {"label": "a", "value": 1, "children": []},
            {
                "label": "b",
                "value": 2,
                "children": [{"label": "b.1", "value": "-3", "children": []}],
            },
        ],
    },
)

# 5. The empty domain: EIP712Domain() with no fields.
doc(
    "empty_domain",
    "a domain with no fields at all (typeHash of 'EIP712Domain()')",
    {"Ping": [f("n", "uint256"), f("to", "address")]},
    "Ping",
    {},
    {"n": "0x2a", "to": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"},
)

# 6. Type names where sorting the names and sorting the encoded "Name(...)"
#    strings differ: "$" (0x24, allowed in Solidity identifiers) sorts before
#    "(" (0x28), so by name "Leg" < "Leg$" but "Leg$(" < "Leg(". EIP-712 says
#    sorted by name; eth-account (like eth-sig-util and ethers) sorts names.
doc(
    "dollar_names",
    "referenced type names 'Leg' and 'Leg$': encodeType sorts by name, not by encoded string",
    {
        "Trip": [f("out", "Leg$"), f("back", "Leg")],
        "Leg": [f("km", "uint16")],
        "Leg$": [f("eur", "uint16")],
    },
    "Trip",
    {"name": "Dollar", "chainId": 1},
    {"out": {"eur": 12}, "back": {"km": 34}},
)


def hx(b):
    return "0x" + bytes(b).hex()


def compute(entry):
    # What the consumers parse: the document's JSON text.
    td = json.loads(json.dumps(entry["typed_data"]))
    types = {k: v for k, v in td["types"].items() if k != "EIP712Domain"}
    signable = encode_typed_data(full_message=td)
    signed = Account.sign_message(signable, PRIVATE_KEY)
    assert (
        Account.recover_message(signable, signature=signed.signature)
        == Account.from_key(PRIVATE_KEY).address
    )
    return {
        "encode_type": encode_type(td["primaryType"], types),
        "type_hash": hx(hash_type(td["primaryType"], types)),
        "domain_separator": hx(signable.header),
        "hash_struct": hx(signable.body),
        "digest": hx(signed.message_hash),
        "r": hx(signed.r.to_bytes(32, "big")),
        "s": hx(signed.s.to_bytes(32, "big")),
        "v": signed.v,
        "signature": hx(signed.signature),
    }


def main():
    pkgs = ["eth-account", "eth-abi", "eth-utils", "eth-keys", "eth-hash", "pycryptodome"]
    versions = {p: version(p) for p in pkgs}
    out = {
        "source": (
            f"computed with eth-account {versions['eth-account']} on "
            f"{datetime.date.today().isoformat()} by tests/vectors/eip712_independent.py "
            "(encode_typed_data(full_message=...), Account.sign_message)"
        ),
        "generator": "tests/vectors/eip712_independent.py",
        "python_packages": versions,
        "notes": [
            "encode_type/type_hash come from eth-account's own encode_type/hash_type "
            "(eth_account._utils.encode_typed_data.encoding_and_hashing), not re-derived.",
            "eth-account hashes the domain with the fields in EIP-712 order; the documents list "
            "EIP712Domain fields in that order.",
            "Values eth-account takes but JSON cannot carry exactly (above 2^64) are decimal or 0x strings.",
        ],
        "private_key": PRIVATE_KEY,
        "signer_address": Account.from_key(PRIVATE_KEY).address,
        "vectors": [],
    }
    for entry in DOCS:
        v = dict(entry)
        v["expected"] = compute(entry)
        out["vectors"].append(v)
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
