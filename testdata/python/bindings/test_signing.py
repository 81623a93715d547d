"""Offline signing through the Python bindings: Ethereum transactions,
EIP-191, EIP-712, BIP137 messages and PSBTs, against vectors and
wallet-core's own results."""
import json
import threading

import pytest
import wallet as W
from conftest import FAST

BIP174_TPRV = ("tprv8ZgxMBicQKsPd9TeAdPADNnSyH9SSUUbTVeFszDE23Ki6TBB5nCefAdHkK8Fm3qMQR6sHwA56zq"
               "RmKmxnHk37JkiFzvncDqoKmPWubu7hDF")
EIP1559 = W.EthTxRequest(to="0x3535353535353535353535353535353535353535", value="1.5ether",
                         data="0xdeadbeef", nonce=7, gas=30000, chain_id=1, max_fee="30gwei",
                         priority_fee="2gwei", key=W.KeyChoice(index=1))


def key_wallet(keystore, name, hex_key):
    keystore.import_key(name, W.ImportFormat.PRIVATE_KEY_HEX, hex_key.removeprefix("0x"), "pw", FAST)
    return keystore.unlock(name, "pw", allow_weak_kdf=True)


def test_eip1559_equals_wallet_core(dev, expected):
    signed = dev.sign_eth_tx(EIP1559)
    assert signed.raw == expected["eip1559.raw"]
    assert signed.hash == expected["eip1559.hash"]
    assert signed.sender == expected["eip1559.from"]
    assert signed.tx_type == 2 and signed.max_fee_per_gas == "30000000000"
    assert signed.value == "1500000000000000000" and signed.data == "0xdeadbeef"


def test_signing_warnings(dev):
    assert dev.sign_eth_tx(EIP1559).warnings == []
    signed = dev.sign_eth_tx(W.EthTxRequest(to="0x" + "00" * 20, value="1wei", nonce=0, gas=21000,
                                            chain_id=1, gas_price="30"))
    assert any("zero address" in w for w in signed.warnings), signed.warnings
    assert any("only 30 wei" in w for w in signed.warnings), signed.warnings


def test_eip155_legacy_vector(keystore):
    w = key_wallet(keystore, "k", "46" * 32)
    signed = w.sign_eth_tx(W.EthTxRequest(to="0x3535353535353535353535353535353535353535",
                                          value="1ether", nonce=9, gas=21000, gas_price="20gwei",
                                          legacy=True, chain_id=1))
    assert signed.raw == (
        "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025"
        "a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb7033"
        "04b3800ccf555c9f3dc64214b297fb1966a3b6d83")
    assert signed.tx_type == 0 and signed.chain_id == 1


def test_transaction_errors(dev):
    with pytest.raises(W.WalletError.InvalidAddress) as info:
        dev.sign_eth_tx(W.EthTxRequest(to="0x35", nonce=0, gas=21000, chain_id=1, gas_price="1gwei"))
    assert info.value.kind == "invalid_address"
    with pytest.raises(W.WalletError.InvalidInput):
        dev.sign_eth_tx(W.EthTxRequest(nonce=0, gas=21000, chain_id=1))  # no fees
    with pytest.raises(W.WalletError.InvalidInput):
        dev.sign_eth_tx(W.EthTxRequest(nonce=0, gas=21000, chain_id=1, gas_price="1gwei", access_list="[{"))
    with pytest.raises(W.WalletError.InvalidPath):
        dev.sign_eth_message(b"m", W.KeyChoice(path="m/q"))


def test_eip191_vector(keystore, vectors):
    for v in vectors("eip191.json")["vectors"]:
        w = key_wallet(keystore, f"k{v['message_hash'][:8]}", v["private_key"])
        sig = w.sign_eth_message(v["message_text"].encode())
        assert sig.signature == v["signature"] and sig.message_hash == v["message_hash"]
        assert sig.address == v["signer_address"] and sig.path is None


def test_eip712_vector(keystore, vectors):
    v = vectors("eip712.json")
    # keccak256(utf8('cow')), the EIP's example key.
    cow = "c85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4"
    w = key_wallet(keystore, "cow", cow)
    sig = w.sign_typed_data(json.dumps(v["typed_data"]))
    e = v["expected"]
    assert sig.digest == e["digest"] and sig.domain_separator == e["domain_separator"]
    assert sig.address.lower() == e["signer_address"]
    assert sig.signature == e["r"] + e["s"][2:] + format(e["v"], "02x")
    assert sig.primary_type == "Mail"
    with pytest.raises(W.WalletError.InvalidInput):
        w.sign_typed_data("{}")


def test_bip137_message(dev):
    sig = dev.sign_message(b"hello", W.Selection(address_type=W.AddressType.P2PKH))
    assert sig.address.startswith("1") and sig.path == "m/44'/0'/0'/0/0"
    assert len(sig.signature) == 88  # 65 bytes, base64
    eth = dev.sign_message(b"hello", W.Selection(chain=W.Chain.ETHEREUM))
    assert eth == dev.sign_eth_message(b"hello")


def test_psbt_bip174_signer_vector(keystore, expected):
    keystore.import_key("bip174", W.ImportFormat.XPRV, BIP174_TPRV, "pw", FAST)
    w = keystore.unlock("bip174", "pw", allow_weak_kdf=True)
    # The vector's second input (P2SH-P2WSH) carries only its witness UTXO:
    # its amount cannot be verified, so it is refused (issue 22.1); the
    # legacy input, with its previous transaction, is signed.
    partly = w.sign_psbt(expected["psbt.unsigned"], W.Chain.BITCOIN, W.Network.TESTNET)
    assert partly.signed == 1 and partly.psbt.startswith("cHNidP8") and not partly.complete
    assert [i.status for i in partly.inputs] == ["signed", "refused"]
    assert "non_witness_utxo" in partly.inputs[1].reason
    with pytest.raises(W.WalletError.InvalidInput):
        w.sign_psbt(expected["psbt.unsigned"], W.Chain.BITCOIN, W.Network.TESTNET, finalize=True)


def test_psbt_nothing_to_sign_is_an_error(dev, expected):
    with pytest.raises(W.WalletError.InvalidInput) as info:
        dev.sign_psbt(expected["psbt.unsigned"], W.Chain.BITCOIN, W.Network.TESTNET)
    assert "no input" in info.value.reason or "nothing" in info.value.reason
    with pytest.raises(W.WalletError.InvalidInput):
        dev.sign_psbt("cHNidP8=", W.Chain.BITCOIN, W.Network.MAINNET)
    with pytest.raises(W.WalletError.InvalidInput):
        dev.sign_psbt(expected["psbt.unsigned"], W.Chain.ETHEREUM, W.Network.MAINNET)


def test_one_wallet_signs_from_many_threads(dev, expected):
    results, errors = [], []

    def work():
        try:
            for _ in range(10):
                results.append(dev.sign_eth_tx(EIP1559).raw)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and set(results) == {expected["eip1559.raw"]} and len(results) == 40
