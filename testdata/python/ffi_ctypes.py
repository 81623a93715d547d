"""The C ABI from a second host language: Python ctypes, the way mobile
runtimes bind a C library (JNA on Android, a module map in Swift).

usage: python3 ffi_ctypes.py LIBWALLET_SO RPC_URL_OR_- KEYSTORE_DIR
Exits non-zero on the first failed check; prints CTYPES_OK at the end.
"""
import ctypes
import json
import os
import sys

lib = ctypes.CDLL(sys.argv[1])
rpc_url = sys.argv[2]
ks_dir = sys.argv[3].encode()

c_char_pp = ctypes.POINTER(ctypes.c_char_p)
Status = ctypes.c_int32
OK, INVALID_INPUT, INVALID_MNEMONIC, BAD_CHECKSUM = 0, 1, 2, 3
UNSUPPORTED = 9
WRONG_PASSWORD, NOT_FOUND, ALREADY_EXISTS = 10, 13, 14
NODE_UNREACHABLE, NULL_POINTER, INVALID_UTF8, INTERNAL = 18, 100, 101, 255

lib.wallet_last_error_message.restype = ctypes.c_char_p
lib.wallet_status_name.restype = ctypes.c_char_p
lib.wallet_status_name.argtypes = [Status]
lib.wallet_string_free.argtypes = [ctypes.c_void_p]
lib.wallet_string_free.restype = None
for name in ["wallet_version"]:
    getattr(lib, name).argtypes = [ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_mnemonic_generate.argtypes = [ctypes.c_uint32, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_mnemonic_validate.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_derive_addresses.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_free.argtypes = [ctypes.c_void_p]
lib.wallet_keystore_free.restype = None
lib.wallet_keystore_create.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_unlock.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_handle_free.argtypes = [ctypes.c_void_p]
lib.wallet_handle_free.restype = None
lib.wallet_eth_personal_sign.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_eth_sign_typed_data.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_eth_balance.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_passwd.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
lib.wallet_keystore_import.argtypes = [ctypes.c_void_p] + [ctypes.c_char_p] * 5 + [ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_list.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_addresses.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_export_xpub.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_keystore_delete.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.wallet_handle_name.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_eth_sign_tx.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.wallet_btc_sign_psbt.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]

FAST = b'{"kdf_memory_kib":256,"kdf_iterations":1,"kdf_parallelism":1,"allow_weak_kdf":true}'
ABANDON = b"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


def take(ptr):
    """Copies a library string and frees it."""
    s = ctypes.cast(ptr, ctypes.c_char_p).value.decode()
    lib.wallet_string_free(ptr)
    return s


def expect(status, want, what):
    if status != want:
        got = lib.wallet_status_name(status).decode()
        msg = lib.wallet_last_error_message().decode()
        sys.exit(f"{what}: got {got}, want {lib.wallet_status_name(want).decode()}: {msg}")


out = ctypes.c_void_p()
expect(lib.wallet_version(ctypes.byref(out)), OK, "version")
assert take(out).count(".") == 2

expect(lib.wallet_mnemonic_generate(24, b"korean", ctypes.byref(out)), OK, "generate")
phrase = take(out)
expect(lib.wallet_mnemonic_validate(phrase.encode(), None, ctypes.byref(out)), OK, "validate")
assert json.loads(take(out))["language"] == "korean"

# Error paths: NULL, invalid UTF-8, bad word, bad checksum, bad JSON.
out = ctypes.c_void_p()
expect(lib.wallet_mnemonic_validate(None, None, ctypes.byref(out)), NULL_POINTER, "null phrase")
expect(lib.wallet_mnemonic_validate(b"\xff\xfe", None, ctypes.byref(out)), INVALID_UTF8, "bad utf8")
assert out.value is None, "out written on failure"
expect(lib.wallet_mnemonic_validate(ABANDON.replace(b"about", b"abandn"), None, ctypes.byref(out)), INVALID_MNEMONIC, "typo")
assert b"did you mean" in lib.wallet_last_error_message()
expect(lib.wallet_mnemonic_validate(ABANDON.replace(b"about", b"abandon"), None, ctypes.byref(out)), BAD_CHECKSUM, "checksum")
expect(lib.wallet_derive_addresses(ABANDON, None, b"{oops", ctypes.byref(out)), INVALID_INPUT, "bad json")
expect(lib.wallet_mnemonic_generate(12, None, None), NULL_POINTER, "null out")

expect(lib.wallet_derive_addresses(ABANDON, None, b'{"count":2}', ctypes.byref(out)), OK, "derive")
addrs = json.loads(take(out))["addresses"]
assert addrs[0]["address"] == "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", addrs

ks = ctypes.c_void_p()
expect(lib.wallet_keystore_open(ks_dir, ctypes.byref(ks)), OK, "open")
expect(lib.wallet_keystore_create(ks, b"py", b"pw", FAST, ctypes.byref(out)), OK, "create")
created = json.loads(take(out))
expect(lib.wallet_keystore_create(ks, b"py", b"pw", FAST, ctypes.byref(out)), ALREADY_EXISTS, "create twice")
w = ctypes.c_void_p()
expect(lib.wallet_keystore_unlock(ks, b"py", b"nope", 1, ctypes.byref(w)), WRONG_PASSWORD, "wrong password")
expect(lib.wallet_keystore_unlock(ks, b"ghost", b"pw", 1, ctypes.byref(w)), NOT_FOUND, "missing")
expect(lib.wallet_keystore_unlock(ks, b"py", b"pw", 1, ctypes.byref(w)), OK, "unlock")
msg = b"hello from python"
expect(lib.wallet_eth_personal_sign(w, None, msg, len(msg), ctypes.byref(out)), OK, "sign")
signed = json.loads(take(out))
assert signed["address"] == created["addresses"]["eth"], (signed, created)
assert signed["signature"].startswith("0x") and len(signed["signature"]) == 132
td = json.dumps({
    "types": {"EIP712Domain": [{"name": "name", "type": "string"}], "M": [{"name": "x", "type": "uint8"}]},
    "primaryType": "M", "domain": {"name": "t"}, "message": {"x": 7},
}).encode()
expect(lib.wallet_eth_sign_typed_data(w, None, td, ctypes.byref(out)), OK, "typed data")
take(out)
# The handle knows its wallet; the keystore's addresses are the core's
# derivation from the phrase the create call handed back (once).
expect(lib.wallet_handle_name(w, ctypes.byref(out)), OK, "handle name")
assert take(out) == "py"
phrase = created["mnemonic"].encode()
expect(lib.wallet_derive_addresses(phrase, None, b'{"chain":"eth","count":3}', ctypes.byref(out)), OK, "derive eth")
core_eth = [a["address"] for a in json.loads(take(out))["addresses"]]
assert core_eth[0] == created["addresses"]["eth"], (core_eth, created)
expect(lib.wallet_keystore_addresses(ks, b"py", b'{"chain":"eth","count":3}', None, ctypes.byref(out)), OK, "addresses")
assert [a["address"] for a in json.loads(take(out))["addresses"]] == core_eth
expect(lib.wallet_derive_addresses(phrase, None, b'{"chain":"btc","type":"p2tr","count":2,"change":true}', ctypes.byref(out)), OK, "derive p2tr")
core_tr = json.loads(take(out))["addresses"]
expect(lib.wallet_keystore_addresses(ks, b"py", b'{"chain":"btc","type":"p2tr","count":2,"change":true}', None, ctypes.byref(out)), OK, "addresses p2tr")
assert json.loads(take(out))["addresses"] == core_tr
# A path outside the stored accounts needs the password.
expect(lib.wallet_keystore_addresses(ks, b"py", b'{"path":"m/0/1"}', None, ctypes.byref(out)), WRONG_PASSWORD, "path without password")
expect(lib.wallet_keystore_addresses(ks, b"py", b'{"path":"m/0/1"}', b"pw", ctypes.byref(out)), 12, "weak file refused")
expect(lib.wallet_keystore_addresses(ks, b"py", b'{"path":"m/0/1","allow_weak_kdf":true}', b"pw", ctypes.byref(out)), OK, "path with password")
assert json.loads(take(out))["addresses"][0]["path"] == "m/0/1"
expect(lib.wallet_keystore_export_xpub(ks, b"py", b'{"chain":"btc","type":"p2wpkh"}', None, ctypes.byref(out)), OK, "xpub")
xpub = take(out)
assert xpub.startswith("xpub"), xpub
expect(lib.wallet_keystore_export_xpub(ks, b"py", b'{"chain":"btc","type":"p2wpkh","slip132":true}', None, ctypes.byref(out)), OK, "zpub")
zpub = take(out)
assert zpub.startswith("zpub"), zpub
assert zpub[4:] != xpub[4:]
expect(lib.wallet_keystore_export_xpub(ks, b"py", b'{"chain":"btc","type":"p2pkh","network":"testnet"}', None, ctypes.byref(out)), OK, "tpub")
assert take(out).startswith("tpub")
expect(lib.wallet_keystore_list(ks, ctypes.byref(out)), OK, "list")
assert [x["name"] for x in json.loads(take(out))["wallets"]] == ["py"]

# sign_tx: a known transaction (EIP-155's example key and fields) gives the known raw bytes.
expect(lib.wallet_keystore_import(ks, b"k", b"private-key", b"46" * 32, b"pw", FAST, ctypes.byref(out)), OK, "import key")
take(out)
wk = ctypes.c_void_p()
expect(lib.wallet_keystore_unlock(ks, b"k", b"pw", 1, ctypes.byref(wk)), OK, "unlock key")
tx = json.dumps({"to": "0x3535353535353535353535353535353535353535", "value": "1ether", "nonce": 9,
                 "gas": 21000, "gas_price": "20gwei", "legacy": True, "chain_id": 1}).encode()
expect(lib.wallet_eth_sign_tx(wk, tx, ctypes.byref(out)), OK, "sign tx")
assert json.loads(take(out))["raw"] == ("0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025"
    "a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83")
expect(lib.wallet_eth_sign_tx(wk, b'{"to":"0x12"}', ctypes.byref(out)), INVALID_INPUT, "bad tx")
lib.wallet_handle_free(wk)

# sign_psbt on BIP174's workflow: its master key signs the legacy input; its
# P2SH-P2WSH input carries only a witness UTXO, so its amount cannot be
# verified and the signer refuses it (the hardware-wallet rule).
vectors = json.load(open(os.path.join(os.path.dirname(__file__), "..", "vectors", "bip174_psbt.json")))
tprv = b"tprv8ZgxMBicQKsPd9TeAdPADNnSyH9SSUUbTVeFszDE23Ki6TBB5nCefAdHkK8Fm3qMQR6sHwA56zqRmKmxnHk37JkiFzvncDqoKmPWubu7hDF"
expect(lib.wallet_keystore_import(ks, b"bip174", b"xprv", tprv, b"pw", FAST, ctypes.byref(out)), OK, "import tprv")
take(out)
wb = ctypes.c_void_p()
expect(lib.wallet_keystore_unlock(ks, b"bip174", b"pw", 1, ctypes.byref(wb)), OK, "unlock tprv")
psbt = vectors["workflow"][2]["base64"].encode()
expect(lib.wallet_btc_sign_psbt(wb, psbt, b'{"network":"testnet"}', ctypes.byref(out)), OK, "sign psbt")
partly = json.loads(take(out))
assert partly["signed"] == 1 and partly["psbt"].startswith("cHNidP8"), partly
assert "full previous transaction" in partly["inputs"][1]["reason"], partly
assert [o["change"] for o in partly["outputs"]] == [True, True], partly
expect(lib.wallet_btc_sign_psbt(wb, psbt, b'{"network":"testnet","finalize":true}', ctypes.byref(out)), INVALID_INPUT, "finalize psbt")
expect(lib.wallet_btc_sign_psbt(wb, b"cHNidP8=", None, ctypes.byref(out)), INVALID_INPUT, "bad psbt")
# A wallet with none of the inputs' keys signs nothing: an error, not an empty success.
expect(lib.wallet_btc_sign_psbt(w, psbt, b'{"network":"testnet"}', ctypes.byref(out)), INVALID_INPUT, "nothing to sign")
lib.wallet_handle_free(wb)

# Statuses outside the enum have a name too.
assert lib.wallet_status_name(12345) == b"unknown"
assert lib.wallet_status_name(-7) == b"unknown"

expect(lib.wallet_keystore_passwd(ks, b"py", b"pw", b"pw2", FAST), OK, "passwd")
w2 = ctypes.c_void_p()
expect(lib.wallet_keystore_unlock(ks, b"py", b"pw", 1, ctypes.byref(w2)), WRONG_PASSWORD, "old password")

# Node down (a closed loopback port) and, when given, a real node.
expect(lib.wallet_eth_balance(b"http://127.0.0.1:9", created["addresses"]["eth"].encode(), 2000, ctypes.byref(out)),
       NODE_UNREACHABLE, "node down")
if rpc_url != "-":
    expect(lib.wallet_eth_balance(rpc_url.encode(), b"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", 5000, ctypes.byref(out)), OK, "balance")
    assert int(json.loads(take(out))["wei"]) > 0

# Delete: gone for good, and a second delete says so.
expect(lib.wallet_keystore_delete(ks, b"k"), OK, "delete")
expect(lib.wallet_keystore_delete(ks, b"k"), NOT_FOUND, "delete twice")
expect(lib.wallet_keystore_unlock(ks, b"k", b"pw", 1, ctypes.byref(w2)), NOT_FOUND, "deleted wallet")
expect(lib.wallet_keystore_delete(ks, b"../escape"), INVALID_INPUT, "bad name")

if hasattr(lib, "wallet_test_panic"):
    expect(lib.wallet_test_panic(), INTERNAL, "caught panic")
    assert b"panic" in lib.wallet_last_error_message()

lib.wallet_handle_free(w)
lib.wallet_keystore_free(ks)
print("CTYPES_OK")
