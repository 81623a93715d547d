#!/usr/bin/env python3
"""Generates testdata/vectors/eip712_bignum.json: EIP-712 documents whose
integers are JSON numbers of every uintN/intN width, at and around their
bounds, and the typed-data documents of eth-account's own test suite, each
with what Python eth-account does with it (signs it, or refuses it and why).
wallet-core/tests/eip712_bignum.rs checks that wallet-core signs each one
identically, or refuses it with the error named here.

Every document is stored as the JSON text eth-account read (json.dumps with
Python's default separators, or written by hand where Python cannot write the
token, like `1e3` or `-0`): a JSON number above 2^64 must reach the Rust test
as text, since serde_json's Value would round it to an f64.

Re-run only to add documents, never to make a failing test pass:

    python3 -m venv /tmp/ea && /tmp/ea/bin/pip install eth-account==0.14.0
    /tmp/ea/bin/python testdata/vectors/eip712_bignum.py > testdata/vectors/eip712_bignum.json

eth-account's fixtures are read from testdata/vectors/eth_account_eip712/,
verbatim copies of ethereum/eth-account tests/eip712_messages/*.json and
tests/fixtures/*.json (see ETH_ACCOUNT_SOURCE).
"""

import datetime
import json
import os
import sys
from importlib.metadata import version

from eth_account import Account
from eth_account.messages import encode_typed_data

# The EIP-155 example key; its address is 0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F.
PRIVATE_KEY = "0x" + "46" * 32

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "eth_account_eip712")
ETH_ACCOUNT_SOURCE = (
    "ethereum/eth-account @ 20757b1138419e01da56ab4d79f09bb5b95fc079 "
    "(files last changed in 8936b9b6eeae04cf97351d8a8b500d051cbba856, 2024-06-20, "
    "before 0.14.0): tests/eip712_messages/*.json (used by "
    "tests/core/test_encode_typed_data/test_encode_typed_data_full_messages.py) and "
    "tests/fixtures/*.json (older fixtures, no longer read by a test)"
)
WIDTHS = range(8, 257, 8)
DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "chainId", "type": "uint256"},
]


def outcome(text):
    """What eth-account does with the document `text`: its hashes and
    signature, or the exception it raises."""
    try:
        doc = json.loads(text)
        signable = encode_typed_data(full_message=doc)
        signed = Account.sign_message(signable, PRIVATE_KEY)
    except Exception as e:  # eth-account raises ValueError, TypeError, eth-abi's errors
        return {"refuses": f"{type(e).__name__}: {str(e)[:160]}"}
    assert (
        Account.recover_message(signable, signature=signed.signature)
        == Account.from_key(PRIVATE_KEY).address
    )
    return {
        "domain_separator": "0x" + signable.header.hex(),
        "hash_struct": "0x" + signable.body.hex(),
        "digest": "0x" + bytes(signed.message_hash).hex(),
        "signature": "0x" + bytes(signed.signature).hex(),
    }


def in_range(ty, n, v):
    if ty == "uint":
        return 0 <= v < 2**n
    return -(2 ** (n - 1)) <= v < 2 ** (n - 1)


def interesting(ty, n):
    """0, 1, 2^53±1, the 64-bit edges and the type's own bounds, those in range."""
    edges = [0, 1, 2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1]
    if ty == "uint":
        edges += [2**n - 2, 2**n - 1]
    else:
        edges += [-1, -(2**53 - 1), -(2**53), -(2**53 + 1), -(2**63), -(2**63) - 1]
        edges += [-(2 ** (n - 1)), -(2 ** (n - 1)) + 1, 2 ** (n - 1) - 2, 2 ** (n - 1) - 1]
    return sorted({v for v in edges if in_range(ty, n, v)})


def width_document(ty, n):
    """One document per type: a member per interesting value, and all of
    them again in a T[] and inside a struct; a chainId above 2^64."""
    t = f"{ty}{n}"
    values = interesting(ty, n)
    members = [{"name": f"v{i}", "type": t} for i in range(len(values))]
    message = {f"v{i}": v for i, v in enumerate(values)}
    members += [{"name": "all", "type": f"{t}[]"}, {"name": "inner", "type": "Inner"}]
    message["all"] = values
    message["inner"] = {"lo": values[0], "hi": values[-1]}
    doc = {
        "types": {
            "EIP712Domain": DOMAIN_TYPE,
            "Bounds": members,
            "Inner": [{"name": "lo", "type": t}, {"name": "hi", "type": t}],
        },
        "primaryType": "Bounds",
        "domain": {"name": f"bignum {t}", "chainId": 2**64 + n},
        "message": message,
    }
    return {"name": t, "description": f"{t}: {len(values)} values at the edges", "document": json.dumps(doc)}


def hand_written(name, description, template, tokens):
    """A document with number tokens Python's json would not write."""
    text = template
    for k, tok in tokens.items():
        text = text.replace(k, tok)
    return {"name": name, "description": description, "document": text}


def one_member(ty, token, at_domain=False):
    """A document with one member x of type `ty`, written as `token`."""
    domain = '{"name": "refused", "chainId": %s}' % (token if at_domain else "1")
    message = '{"x": %s}' % ("1" if at_domain else token)
    return (
        '{"types": {"EIP712Domain": [{"name": "name", "type": "string"}, '
        '{"name": "chainId", "type": "uint256"}], "M": [{"name": "x", "type": "%s"}]}, '
        '"primaryType": "M", "domain": %s, "message": %s}' % (ty, domain, message)
    )


def signed_documents():
    docs = [width_document(ty, n) for ty in ("uint", "int") for n in WIDTHS]
    docs.append(
        hand_written(
            "minus_zero_and_inferred_domain",
            "-0 for uint8 and int256 (Python reads 0), a 2^255 in a fixed array of "
            "dynamic arrays, no EIP712Domain type (inferred from the domain), chainId 2^256-1",
            '{"types": {"M": [{"name": "a", "type": "uint8"}, {"name": "b", "type": "int256"}, '
            '{"name": "grid", "type": "uint256[][2]"}]}, "primaryType": "M", '
            '"domain": {"name": "hand", "chainId": MAX}, '
            '"message": {"a": -0, "b": -0, "grid": [[HALF, 0], []]}}',
            {"MAX": str(2**256 - 1), "HALF": str(2**255)},
        )
    )
    return docs


def refused_documents():
    """Documents we must refuse, with the Eip712Error variant that says why."""
    out = []

    def add(name, ty, token, error, at_domain=False, **extra):
        entry = {"name": name, "error": error, "document": one_member(ty, token, at_domain)}
        entry.update(extra)
        out.append(entry)

    for n in WIDTHS:
        add(f"uint{n}_2^{n}", f"uint{n}", str(2**n), "OutOfRange")
        add(f"uint{n}_2^{n}+1", f"uint{n}", str(2**n + 1), "OutOfRange")
        add(f"uint{n}_-1", f"uint{n}", "-1", "NegativeUnsigned")
        add(f"int{n}_2^{n - 1}", f"int{n}", str(2 ** (n - 1)), "OutOfRange")
        add(f"int{n}_-2^{n - 1}-1", f"int{n}", str(-(2 ** (n - 1)) - 1), "OutOfRange")
    add("uint256_10^100", "uint256", str(10**100), "OutOfRange")
    add("int256_-10^100", "int256", str(-(10**100)), "OutOfRange")
    add("uint256_5000_digits", "uint256", "9" * 5000, "OutOfRange")
    add("domain_chainId_-1", "uint8", "-1", "NegativeUnsigned", at_domain=True)
    add("domain_chainId_2^256", "uint8", str(2**256), "OutOfRange", at_domain=True)
    for token, form in [
        ("1.5", "Fraction"),
        ("1.0", "Fraction"),
        ("0.0", "Fraction"),
        ("-0.0", "Fraction"),
        ("1.0e0", "Fraction"),
        ("1e3", "Exponent"),
        ("1E+3", "Exponent"),
        ("1e-3", "Exponent"),
        ("1e400", "Exponent"),
        ("12345678901234567890123e0", "Exponent"),
    ]:
        add(f"uint256_{token}", "uint256", token, "NotAnInteger", form=form)
    add("int256_-1e3", "int256", "-1e3", "NotAnInteger", form="Exponent")
    for token in ["true", "false", "null", "[1]", "{}"]:
        add(f"uint256_{token}", "uint256", token, "WrongValue")
    for token in ['"abc"', '""', '"1.5"', '"1e3"', '"0x"', '"0xg1"', '"-"', '"12 34"']:
        add(f"uint256_string_{token}", "uint256", token, "IntegerText")
    # Python's int() takes these; we do not (a sign, digit separators,
    # non-ASCII digits are not how anyone writes an amount to sign).
    for token in ['"+5"', '"1_000"', '"\\u0661\\u0662"']:
        add(f"uint256_string_{token}", "uint256", token, "IntegerText")
    add("uint256_leading_zero", "uint256", "01", "NotJson")
    return out


# eth-account signs these; wallet-core refuses them on purpose, for the
# reason given (a policy of this wallet, not a number question).
WE_REFUSE = {
    "valid_space_in_custom_type_fieldname": (
        "BadMemberName",
        "member name 'cont ents' is not a Solidity identifier",
    ),
    "valid_primary_type_is_empty_string": ("BadTypeName", "a struct named '' is not a Solidity identifier"),
    "valid_space_in_custom_type_metamask_returns_empty_string_if_non_alphanum_in_custom_type": (
        "BadTypeName",
        "a struct named 'Per son' is not a Solidity identifier",
    ),
    "valid_missing_primary_type_key_metamask_requires_primary_type_key": (
        "BadPart",
        "no primaryType: we do not guess which struct is signed",
    ),
    "valid_missing_primary_type_key_and_eip712domain_type_metamask_needs_primarytype": (
        "BadPart",
        "no primaryType: we do not guess which struct is signed",
    ),
    "valid_int_value_for_string_type_ethers_handles_mismatched_type_and_value_differently": (
        "WrongValue",
        "the number 12345 for a string member (eth-account signs its big-endian bytes)",
    ),
    "valid_null_value_for_custom_type_ethers_requires_non_null": (
        "WrongValue",
        "null for a struct member (eth-account and MetaMask sign 32 zero bytes)",
    ),
    "valid_eip712_example_ethers_does_not_accept_recursive_custom_types": (
        "Missing",
        "struct members left out (eth-account signs 32 zero bytes for each)",
    ),
    "invalid_message_unequal_1d_array_lengths": (
        "ArrayLength",
        "one element for a person[2] (eth-account 0.14.0 signs it without checking the length)",
    ),
}


def eth_account_documents():
    docs, seen = [], {}
    for file in sorted(os.listdir(FIXTURES)):
        with open(os.path.join(FIXTURES, file), encoding="utf-8") as f:
            data = json.load(f)
        cases = data.items() if file.startswith("eip712_messages__") else [(file[len("fixtures__") : -5], data)]
        for name, doc in cases:
            text = json.dumps(doc)
            key = json.dumps(doc, sort_keys=True)
            entry = {"name": name, "file": file.replace("__", "/"), "document": text}
            if key in seen:
                entry["same_as"] = seen[key]
            seen.setdefault(key, name)
            refusal = WE_REFUSE.get(name) or WE_REFUSE.get(entry.get("same_as"))
            if refusal:
                entry["error"], entry["why_we_refuse"] = refusal
            docs.append(entry)
    return docs


def main():
    pkgs = ["eth-account", "eth-abi", "eth-utils", "eth-keys", "eth-hash", "pycryptodome"]
    versions = {p: version(p) for p in pkgs}
    signed = [dict(d, eth_account=outcome(d["document"])) for d in signed_documents()]
    for d in signed:
        assert "signature" in d["eth_account"], d
    refused = [dict(d, eth_account=outcome(d["document"])) for d in refused_documents()]
    suite = [dict(d, eth_account=outcome(d["document"])) for d in eth_account_documents()]
    for d in suite:
        # What eth-account signs, we sign identically unless listed in WE_REFUSE.
        if "signature" in d["eth_account"] and "error" not in d:
            d["ours"] = "same signature"
        elif "error" in d:
            d["ours"] = "refused on purpose"
        else:
            d["ours"] = "refused, like eth-account"
    out = {
        "source": (
            f"computed with eth-account {versions['eth-account']} on "
            f"{datetime.date.today().isoformat()} by testdata/vectors/eip712_bignum.py; "
            f"the eth_account_tests documents are from {ETH_ACCOUNT_SOURCE}"
        ),
        "generator": "testdata/vectors/eip712_bignum.py",
        "python_packages": versions,
        "notes": [
            "Each 'document' is the JSON text given to both eth-account (json.loads, "
            "encode_typed_data(full_message=...), Account.sign_message) and wallet-core.",
            "eth_account.refuses: the exception eth-account raised (class: message).",
            "eth-account refuses every JSON number with a fraction or an exponent (Python "
            "reads it as a float, eth-abi refuses floats for integer types); so do we.",
            "eth-account refuses out-of-range values (eth-abi ValueOutOfBounds); so do we. "
            "It accepts the strings '+5', '1_000' and Arabic-Indic digits (Python's int()); we do not.",
            "'error': the wallet_core::ethereum::eip712::Eip712Error variant we refuse with.",
        ],
        "private_key": PRIVATE_KEY,
        "signer_address": Account.from_key(PRIVATE_KEY).address,
        "signed": signed,
        "refused": refused,
        "eth_account_tests": suite,
    }
    json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
