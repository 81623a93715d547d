"""Node operations through the Python bindings: Ethereum sends and balances
on a real anvil; Bitcoin-family balances, payments and broadcasts on a real
litecoind (regtest)."""
import base64
import json
import urllib.request

import pytest
import wallet as W
from conftest import ABANDON, FAST


def test_eth_balance_and_send_with_wait(dev, anvil_url, expected):
    node = W.EthereumNode(anvil_url, timeout_ms=20000)
    assert node.chain_id() == 31337
    to = expected["eth.2"]
    before = int(node.balance(to).wei)
    sent = dev.eth_send(node, W.EthTxRequest(to=to, value="0.5ether", chain_id=31337), wait=True)
    assert sent.status == 1 and sent.reverted is False and sent.block_number >= 1
    assert sent.tx.sender == expected["eth.0"] and sent.tx.tx_type == 2
    assert int(node.balance(to).wei) - before == 5 * 10**17
    assert node.balance(to).ether.startswith("10000.5")
    # Without waiting: the hash at once, the nonce the node gave.
    quick = dev.eth_send(node, W.EthTxRequest(to=to, value="1gwei", key=W.KeyChoice(index=1)))
    assert quick.status is None and quick.tx.nonce == 0 and quick.tx.sender == expected["eth.1"]
    assert sent.already_known is False and sent.warnings == [] and sent.tx.warnings == []


def test_eth_send_reports_already_known_and_warnings(dev, anvil_url):
    node = W.EthereumNode(anvil_url, timeout_ms=20000)
    zero = "0x" + "00" * 20
    fixed = dict(to=zero, value="1wei", chain_id=31337, gas=21000, max_fee="100gwei",
                 priority_fee="1gwei", key=W.KeyChoice(index=4))
    sent = dev.eth_send(node, W.EthTxRequest(**fixed), wait=True)
    assert sent.status == 1 and sent.already_known is False
    assert any("zero address" in w for w in sent.warnings), sent.warnings
    assert sent.tx.warnings == sent.warnings
    # The same signed transaction again (same nonce and fields): the node
    # has it mined; reported as already known, not as a rejection.
    again = dev.eth_send(node, W.EthTxRequest(nonce=sent.tx.nonce, **fixed))
    assert again.tx.hash == sent.tx.hash and again.already_known is True


def test_eth_send_refusals(dev, anvil_url, expected):
    node = W.EthereumNode(anvil_url)
    with pytest.raises(W.WalletError.WrongChain) as info:
        dev.eth_send(node, W.EthTxRequest(to=expected["eth.2"], value="1wei", chain_id=1))
    assert info.value.kind == "wrong_chain" and "nothing was sent" in info.value.reason
    with pytest.raises(W.WalletError.NodeUnreachable) as info:
        W.EthereumNode("http://127.0.0.1:9", timeout_ms=2000).balance(expected["eth.0"])
    assert info.value.kind == "node_unreachable"
    with pytest.raises(W.WalletError.InvalidAddress):
        node.balance("0x12")
    with pytest.raises(W.WalletError.InvalidInput):
        W.EthereumNode("not a url")


class Rpc:
    """A minimal JSON-RPC client for setting up the regtest chain."""

    def __init__(self, url, user, password):
        self.url = url
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def __call__(self, method, *params):
        body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": list(params)})
        req = urllib.request.Request(self.url, body.encode(), {"Authorization": self.auth,
                                                                "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            answer = json.loads(r.read())
        assert answer["error"] is None, answer
        return answer["result"]


def ltc_regtest(count=1):
    return W.Selection(chain=W.Chain.LITECOIN, network=W.Network.REGTEST, count=count)


def _compact_size(n):
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    return b"\xfe" + n.to_bytes(4, "little")


def _read_compact_size(b, i):
    first = b[i]
    if first < 0xFD:
        return first, i + 1
    size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
    return int.from_bytes(b[i + 1 : i + 1 + size], "little"), i + 1 + size


def with_previous_tx(psbt_b64, raw_hex):
    """The PSBT with PSBT_IN_NON_WITNESS_UTXO (BIP174 key 0x00) set on its
    first input: utxoupdatepsbt adds only the witness UTXO of a segwit coin,
    and the wallet signs segwit v0 inputs only with the full previous
    transaction (issue 22.1)."""
    b = base64.b64decode(psbt_b64)
    i = 5  # magic
    while b[i] != 0:  # the global map's pairs
        klen, i = _read_compact_size(b, i)
        i += klen
        vlen, i = _read_compact_size(b, i)
        i += vlen
    i += 1
    tx = bytes.fromhex(raw_hex)
    pair = b"\x01\x00" + _compact_size(len(tx)) + tx
    return base64.b64encode(b[:i] + pair + b[i:]).decode()


def test_litecoin_balance_psbt_broadcast_and_send(keystore, dev, litecoind):
    url, user, password = litecoind
    rpc = Rpc(url, user, password)
    node = W.BitcoinNode.with_password(url, user, password, W.Chain.LITECOIN, W.Network.REGTEST)
    ours = keystore.addresses("dev", ltc_regtest(2), password="pw", allow_weak_kdf=True).addresses
    assert ours[0].address.startswith("rltc1")
    sink = W.Mnemonic(ABANDON).addresses(selection=ltc_regtest()).addresses[0].address
    blocks = rpc("generatetoaddress", 101, ours[0].address)
    coinbase = rpc("getblock", blocks[0], 1)["tx"][0]
    balance = keystore.btc_balance("dev", node, password="pw", allow_weak_kdf=True)
    # The mature coinbases (the node's maturity rule decides how many).
    assert balance.utxos >= 1 and balance.confirmed_sat == balance.utxos * 50 * 10**8
    assert balance.immature_sat > 0 and balance.by_type_sat["p2wpkh"] == balance.confirmed_sat
    # A PSBT the node made, signed and finalized here, broadcast here.
    psbt = rpc("createpsbt", [{"txid": coinbase, "vout": 0}], [{sink: 10}, {ours[1].address: 39.9999}])
    psbt = rpc("utxoupdatepsbt", psbt)
    with pytest.raises(W.WalletError.InvalidInput) as info:
        dev.sign_psbt(psbt, W.Chain.LITECOIN, W.Network.REGTEST, finalize=True)
    assert "non_witness_utxo" in info.value.reason
    psbt = with_previous_tx(psbt, rpc("getrawtransaction", coinbase))
    signed = dev.sign_psbt(psbt, W.Chain.LITECOIN, W.Network.REGTEST, finalize=True)
    sent = node.broadcast(signed.hex)
    assert sent.txid == signed.txid and sent.in_mempool and not sent.confirmed
    assert rpc("getmempoolentry", sent.txid)
    # A payment from the wallet's coins: scan, select, change, sign, send.
    rpc("generatetoaddress", 1, sink)
    paid = dev.btc_send(node, W.BtcSendRequest(to=sink, amount="1.5", fee_rate=3.0))
    assert paid.amount_sat == 150_000_000 and paid.fee_rate_source == "given"
    assert paid.fee_sat >= 3 * paid.vsize and paid.change is not None
    assert rpc("getmempoolentry", paid.txid)
    assert paid.verified is None
    # Verified: the coins are proven from regtest's genesis (scrypt proof
    # of work, merkle proofs), and the payment says how.
    rpc("generatetoaddress", 1, sink)
    tip = rpc("getblockcount")
    checked = dev.btc_send(node, W.BtcSendRequest(to=sink, amount="0.5", fee_rate=3.0, verify=True))
    v = checked.verified
    assert v is not None and v.pow == "scrypt" and v.checkpoint.height == 0
    assert v.checkpoint.hash == rpc("getblockhash", 0) and v.checkpoint_built_in
    assert v.tip.height == tip and v.tip.hash == rpc("getblockhash", tip)
    assert v.headers == tip and v.coins_proven == len(checked.inputs) >= 1
    assert v.summary and all(isinstance(line, str) for line in v.summary)
    assert rpc("getmempoolentry", checked.txid)
    with pytest.raises(W.WalletError.InsufficientFunds) as info:
        dev.btc_send(node, W.BtcSendRequest(to=sink, amount="100000"))
    assert info.value.kind == "insufficient_funds"
    mainnet = W.Mnemonic(ABANDON).addresses(selection=W.Selection()).addresses[0].address
    with pytest.raises(W.WalletError.WrongNetwork) as info:
        dev.btc_send(node, W.BtcSendRequest(to=mainnet, amount="1"))
    assert info.value.kind == "wrong_network"



def test_bitcoin_node_refusals(litecoind, expected, tmp_path):
    url, user, password = litecoind
    cookie = tmp_path / "cookie"
    cookie.write_text(f"{user}:{password}")
    by_cookie = W.BitcoinNode.with_cookie_file(url, str(cookie), W.Chain.LITECOIN, W.Network.REGTEST)
    # Past the credentials, the node refuses a transaction whose inputs it has never seen.
    with pytest.raises(W.WalletError) as info:
        by_cookie.broadcast(expected["psbt.final"])
    assert info.value.kind in ("rejected", "node_error"), info.value
    cookie.write_text("no colon here")
    with pytest.raises(W.WalletError.InvalidInput):
        W.BitcoinNode.with_cookie_file(url, str(cookie), W.Chain.LITECOIN, W.Network.REGTEST)
    bad = W.BitcoinNode.with_password(url, user, "nope", W.Chain.LITECOIN, W.Network.REGTEST)
    with pytest.raises(W.WalletError.AuthFailed) as info:
        bad.broadcast(expected["psbt.final"])
    assert info.value.kind == "auth_failed"
    with pytest.raises(W.WalletError.InvalidInput):
        bad.broadcast("not hex")
    with pytest.raises(W.WalletError.InvalidInput):
        W.BitcoinNode(url, W.Chain.ETHEREUM, W.Network.MAINNET)
