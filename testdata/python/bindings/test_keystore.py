"""The keystore through the Python bindings, in real temporary directories."""
import json
import os
import pathlib
import threading

import pytest
import wallet as W
from conftest import ABANDON, ANVIL, FAST

ETH = W.Selection(chain=W.Chain.ETHEREUM)


def test_create_list_unlock_passwd_delete(keystore, tmp_path):
    created = keystore.create("main", "correct horse", words=24, language=W.Language.FRENCH,
                              passphrase="extra", kdf=FAST)
    assert (created.words, created.language) == (24, W.Language.FRENCH)
    phrase = created.mnemonic.reveal()
    created.mnemonic.wipe()
    assert created.summary.name == "main" and created.summary.kind == "mnemonic"
    assert pathlib.Path(created.summary.file).parent == tmp_path / "keystore"
    # The stored public data is the phrase's (with its passphrase): no password needed.
    mine = W.Mnemonic(phrase).addresses(passphrase="extra", selection=ETH)
    assert keystore.addresses("main", ETH).addresses[0].address == mine.addresses[0].address
    assert created.summary.addresses["eth"] == mine.addresses[0].address
    assert [w.name for w in keystore.list().wallets] == ["main"]
    w = keystore.unlock("main", "correct horse", allow_weak_kdf=True)
    assert w.name() == "main" and w.summary() == keystore.summary("main")
    assert w.export_mnemonic().secret.reveal() == phrase
    keystore.change_password("main", "correct horse", "battery staple", FAST)
    with pytest.raises(W.WalletError.WrongPassword) as info:
        keystore.unlock("main", "correct horse", allow_weak_kdf=True)
    assert info.value.kind == "wrong_password"
    keystore.unlock("main", "battery staple", allow_weak_kdf=True)
    keystore.delete("main")
    with pytest.raises(W.WalletError.NotFound) as info:
        keystore.summary("main")
    assert info.value.kind == "not_found"
    with pytest.raises(W.WalletError.NotFound):
        keystore.delete("main")


def test_refusals(keystore):
    keystore.create("a", "pw", kdf=FAST)
    with pytest.raises(W.WalletError.AlreadyExists) as info:
        keystore.create("a", "pw", kdf=FAST)
    assert info.value.kind == "already_exists"
    with pytest.raises(W.WalletError.WeakParameters):
        keystore.create("b", "pw", kdf=W.KdfOptions(memory_kib=256, iterations=1, parallelism=1))
    with pytest.raises(W.WalletError.WeakParameters):
        keystore.unlock("a", "pw")  # a file below the floor, not allowed
    with pytest.raises(W.WalletError.InvalidInput):
        keystore.create("../escape", "pw", kdf=FAST)
    # A hardened path is not in the stored data: it needs the password.
    hardened = W.Selection(path="m/84'/0'/7'/0/0")
    with pytest.raises(W.WalletError.WrongPassword):
        keystore.addresses("a", hardened)
    assert keystore.addresses("a", hardened, password="pw", allow_weak_kdf=True).addresses


def test_tampered_file_is_listed_as_unreadable(keystore):
    s = keystore.create("t", "pw", kdf=FAST).summary
    doc = json.loads(pathlib.Path(s.file).read_text())
    doc["public"] = "garbage"
    pathlib.Path(s.file).write_text(json.dumps(doc))
    listing = keystore.list()
    assert listing.wallets == [] and [u.name for u in listing.unreadable] == ["t"]
    assert listing.unreadable[0].kind in ("tampered", "invalid_input", "unknown_version")


def test_import_every_kind(keystore, vectors, tmp_path):
    pem_dir = pathlib.Path(os.environ["WALLET_VECTORS"]).parent / "fixtures" / "pem"
    v3 = vectors("keystore_v3.json")["vectors"][0]
    wif = vectors("wif.json")["valid"][0]
    keystore.import_mnemonic("m", ABANDON, "pw", language=W.Language.ENGLISH, passphrase="TREZOR", kdf=FAST)
    keys = {
        "x": (W.ImportFormat.XPRV, vectors("bip39_english.json")["vectors"][0]["xprv"]),
        "w": (W.ImportFormat.WIF, wif["WIF"]),
        "h": (W.ImportFormat.PRIVATE_KEY_HEX, (pem_dir / "openssl_key.hex").read_text().strip()),
        "p": (W.ImportFormat.PEM, (pem_dir / "openssl_sec1.pem").read_text()),
    }
    for name, (form, text) in keys.items():
        keystore.import_key(name, form, text, "pw", FAST)
    keystore.import_eth_keystore("e", json.dumps(v3["json"]), v3["password"], "pw", FAST)
    kinds = {w.name: w.kind for w in keystore.list().wallets}
    assert kinds == {"e": "private-key", "h": "private-key", "m": "mnemonic", "p": "private-key",
                     "w": "private-key", "x": "xprv"}
    # The mnemonic with its passphrase is BIP39's first vector: the same master key as "x".
    assert keystore.summary("m").fingerprint == keystore.summary("x").fingerprint
    # The PEM and the hex hold one key; the V3 file's is its address.
    assert keystore.summary("h").addresses == keystore.summary("p").addresses
    assert keystore.summary("e").addresses["eth"].lower() == "0x" + v3["address"]
    e = keystore.unlock("e", "pw", allow_weak_kdf=True)
    assert e.export_key(W.KeyForm.HEX, W.Selection(chain=W.Chain.ETHEREUM)).secret.reveal() == v3["priv"]
    w = keystore.unlock("w", "pw", allow_weak_kdf=True)
    assert w.export_key(W.KeyForm.WIF).secret.reveal() == wif["WIF"]
    with pytest.raises(W.WalletError.WrongPassword):
        keystore.import_eth_keystore("e2", json.dumps(v3["json"]), "not it", "pw", FAST)
    with pytest.raises(W.WalletError.InvalidMnemonic):
        keystore.import_mnemonic("bad", "not a phrase", "pw", kdf=FAST)


def test_exports_round_trip(keystore, dev):
    single = W.Selection(chain=W.Chain.ETHEREUM, index=1)
    hex_key = dev.export_key(W.KeyForm.HEX, single)
    assert hex_key.path == "m/44'/60'/0'/0/1" and hex_key.address
    for form in (W.KeyForm.SEC1_PEM, W.KeyForm.PKCS8_PEM):
        pem = dev.export_key(form, single).secret.reveal()
        assert pem.startswith("-----BEGIN")
        keystore.import_key(f"pem-{form.name}", W.ImportFormat.PEM, pem, "pw", FAST)
        assert keystore.summary(f"pem-{form.name}").addresses["eth"] == hex_key.address
    doc = dev.export_eth_keystore("export pw", single)
    keystore.import_eth_keystore("v3", doc.json.reveal(), "export pw", "pw", FAST)
    assert keystore.summary("v3").addresses["eth"] == doc.address == hex_key.address
    xprv = dev.export_xprv().secret.reveal()
    keystore.import_key("x", W.ImportFormat.XPRV, xprv, "pw", FAST)
    assert keystore.summary("x").fingerprint == dev.summary().fingerprint
    with pytest.raises(W.WalletError.InvalidInput):
        dev.export_eth_keystore("", single)


def test_xpubs(keystore, dev, expected):
    assert keystore.export_xpub("dev", W.Selection()).xpub == expected["btc.p2wpkh.xpub"]
    z = keystore.export_xpub("dev", W.Selection(), slip132=True)
    assert z.xpub == expected["btc.p2wpkh.zpub"] and z.path == "m/84'/0'/0'"
    t = keystore.export_xpub("dev", W.Selection(address_type=W.AddressType.P2PKH, network=W.Network.TESTNET))
    assert t.xpub.startswith("tpub") and t.network == W.Network.TESTNET
    deep = W.Selection(account=9)
    with pytest.raises(W.WalletError.WrongPassword):
        keystore.export_xpub("dev", deep)
    assert keystore.export_xpub("dev", deep, password="pw", allow_weak_kdf=True).path == "m/84'/0'/9'"


def test_one_keystore_from_many_threads(keystore):
    keystore.import_mnemonic("dev", ANVIL, "pw", kdf=FAST)
    want = keystore.addresses("dev", W.Selection(count=5))
    errors = []

    def work():
        try:
            for _ in range(5):
                assert keystore.addresses("dev", W.Selection(count=5)) == want
                keystore.unlock("dev", "pw", allow_weak_kdf=True).sign_eth_message(b"x")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
