"""Mnemonics, derivation and secrets through the Python bindings."""
import platform
import sys

import pytest
import wallet
from conftest import ABANDON, ANVIL, FAST

W = wallet


def test_runs_on_cpython_3_11():
    assert platform.python_implementation() == "CPython"
    assert sys.version_info[:2] == (3, 11)


def test_phrase_to_addresses_equal_wallet_core(expected):
    key = W.Mnemonic(ANVIL).master_key()
    assert key.fingerprint() == expected["fingerprint"]
    types = {"p2pkh": W.AddressType.P2PKH, "p2sh-p2wpkh": W.AddressType.P2SH_P2WPKH,
             "p2wpkh": W.AddressType.P2WPKH, "p2tr": W.AddressType.P2TR}
    for code, kind in types.items():
        got = key.addresses(W.Selection(chain=W.Chain.BITCOIN, address_type=kind))
        assert got.addresses[0].address == expected[f"btc.{code}"], code
        assert got.address_type == kind and got.network == W.Network.MAINNET
    p2wpkh = key.addresses(W.Selection())
    assert p2wpkh.account_xpub == expected["btc.p2wpkh.xpub"]
    assert p2wpkh.account_slip132 == expected["btc.p2wpkh.zpub"]
    assert p2wpkh.account_path == "m/84'/0'/0'"
    testnet = key.addresses(W.Selection(network=W.Network.TESTNET))
    assert testnet.addresses[0].address == expected["btc.testnet.p2wpkh"]
    ltc = key.addresses(W.Selection(chain=W.Chain.LITECOIN))
    assert ltc.addresses[0].address == expected["ltc.p2wpkh"]
    eth = W.Mnemonic(ANVIL).addresses(selection=W.Selection(chain=W.Chain.ETHEREUM, count=3))
    assert [a.address for a in eth.addresses] == [expected[f"eth.{i}"] for i in range(3)]
    assert [a.path for a in eth.addresses] == [f"m/44'/60'/0'/0/{i}" for i in range(3)]
    path = "m/84'/0'/0'/1/5"
    assert key.addresses(W.Selection(path=path)).addresses[0].address == expected[f"path.{path}"]
    change = key.addresses(W.Selection(keychain=W.Keychain.INTERNAL, index=5))
    assert change.addresses[0].address == expected[f"path.{path}"]


def test_passphrase_changes_the_keys():
    plain = W.Mnemonic(ABANDON).master_key().fingerprint()
    assert W.Mnemonic(ABANDON).master_key(passphrase="TREZOR").fingerprint() != plain
    assert W.Mnemonic(ABANDON).master_key(passphrase="").fingerprint() == plain


def test_bip39_vectors_with_passphrase(vectors, keystore):
    """The master key of each vector's phrase and passphrase is the vector's."""
    v = vectors("bip39_english.json")
    for i, case in enumerate(v["vectors"][:6]):
        keystore.import_mnemonic(f"v{i}", case["mnemonic"], "pw", passphrase=v["passphrase"], kdf=FAST)
        w = keystore.unlock(f"v{i}", "pw", allow_weak_kdf=True)
        assert w.export_xprv().secret.reveal() == case["xprv"]
        exported = w.export_mnemonic()
        assert exported.secret.reveal() == case["mnemonic"]
        assert exported.passphrase.reveal() == v["passphrase"]


def test_unknown_word_names_position_word_and_suggestions():
    with pytest.raises(W.WalletError.InvalidMnemonic) as info:
        W.Mnemonic(ABANDON.replace("about", "abuot"))
    e = info.value
    assert e.kind == "invalid_mnemonic"
    assert e.details.position == 12 and e.details.word == "abuot"
    assert "about" in e.details.suggestions
    assert e.details.language == W.Language.ENGLISH
    assert "'abuot'" in e.reason and "about" in e.reason


def test_other_mnemonic_errors():
    with pytest.raises(W.WalletError.BadChecksum) as info:
        W.validate_mnemonic(ABANDON.replace("about", "abandon"))
    assert info.value.kind == "bad_checksum"
    with pytest.raises(W.WalletError.InvalidMnemonic) as info:
        W.validate_mnemonic("abandon " * 10 + "about")
    assert info.value.details.word_count == 11
    spanish = W.Mnemonic.generate(12, W.Language.SPANISH).phrase().reveal().split(" ")
    with pytest.raises(W.WalletError.InvalidMnemonic) as info:
        W.validate_mnemonic(" ".join(spanish[:11] + ["abandon"]))
    assert info.value.details.word_language == W.Language.ENGLISH
    assert info.value.details.language == W.Language.SPANISH
    with pytest.raises(W.WalletError.InvalidMnemonic):
        W.Mnemonic.generate(13)


def test_generate_every_language_and_count():
    for lang in W.Language:
        for words in (12, 15, 18, 21, 24):
            m = W.Mnemonic.generate(words, lang)
            assert (m.word_count(), m.language()) == (words, lang)
            check = W.validate_mnemonic(m.phrase().reveal(), lang)
            assert check == W.MnemonicCheck(words=words, language=lang)


def test_secret_text_reveal_into_and_wipe():
    s = W.Mnemonic(ABANDON).phrase()
    assert s.byte_len() == len(ABANDON)
    buf = bytearray(s.byte_len() + 3)
    assert s.reveal_into(buf) == len(ABANDON)
    assert bytes(buf[: len(ABANDON)]) == ABANDON.encode()
    buf[:] = bytes(len(buf))  # the caller wipes its own buffer
    with pytest.raises(W.WalletError.InvalidInput):
        s.reveal_into(bytearray(4))
    s.wipe()
    assert s.is_wiped() and s.byte_len() == 0
    with pytest.raises(W.WalletError.InvalidInput) as info:
        s.reveal()
    assert "wiped" in info.value.reason


def test_selection_errors_are_typed():
    key = W.Mnemonic(ANVIL).master_key()
    with pytest.raises(W.WalletError.InvalidInput):
        key.addresses(W.Selection(chain=W.Chain.ETHEREUM, address_type=W.AddressType.P2TR))
    with pytest.raises(W.WalletError.InvalidInput):
        key.addresses(W.Selection(path="m/84'/0'/0'/0/0", account=1))
    with pytest.raises(W.WalletError.InvalidPath) as info:
        key.addresses(W.Selection(path="m/x"))
    assert info.value.kind == "invalid_path"
    with pytest.raises(W.WalletError.InvalidInput):
        key.addresses(W.Selection(count=0))
    with pytest.raises(W.WalletError.Unsupported) as info:
        key.addresses(W.Selection(chain=W.Chain.LITECOIN, network=W.Network.SIGNET))
    assert info.value.kind == "unsupported" and "signet" in info.value.reason


def test_helpers():
    assert W.suggest_words("abandn", W.Language.ENGLISH) == ["abandon"]
    assert W.suggest_words("的", W.Language.CHINESE_SIMPLIFIED) == []
    assert W.library_version().count(".") == 2
