"""The held-out check the CLI passes, through the Python bindings: for 20
fresh mnemonics (every word list, every length, passphrases in several
scripts), the BTC addresses of all four types and the ETH addresses the
bindings derive equal what `wallet --json derive` prints."""
import json
import subprocess

import wallet as W

PASSPHRASES = ["", "TREZOR", "pässwörd", "パスフレーズ", "  two  spaces  ", "Ελληνικά 😀",
               "नमस्ते", "x" * 100]
WORDS = [12, 15, 18, 21, 24]
TYPES = {W.AddressType.P2PKH: "p2pkh", W.AddressType.P2SH_P2WPKH: "p2sh-p2wpkh",
         W.AddressType.P2WPKH: "p2wpkh", W.AddressType.P2TR: "p2tr"}


def cli_derive(cli, phrase, passphrase_file, args):
    out = subprocess.run([cli, "--json", "derive", "--passphrase-file", str(passphrase_file),
                          "--count", "2", *args],
                         input=phrase.encode(), capture_output=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_twenty_mnemonics_agree_with_the_cli(cli, tmp_path):
    languages = list(W.Language)
    checked = 0
    for i in range(20):
        m = W.Mnemonic.generate(WORDS[i % len(WORDS)], languages[i % len(languages)])
        phrase = m.phrase().reveal()
        passphrase = PASSPHRASES[i % len(PASSPHRASES)]
        pfile = tmp_path / f"pass{i}"
        pfile.write_text(passphrase, encoding="utf-8")
        key = m.master_key(passphrase=passphrase)
        for kind, code in TYPES.items():
            mine = key.addresses(W.Selection(address_type=kind, count=2))
            theirs = cli_derive(cli, phrase, pfile, ["--chain", "btc", "--type", code])
            assert [a.address for a in mine.addresses] == [a["address"] for a in theirs["addresses"]], (
                m.language(), code)
            assert mine.account_xpub == theirs["account_xpub"]
            checked += 2
        mine = key.addresses(W.Selection(chain=W.Chain.ETHEREUM, count=2))
        theirs = cli_derive(cli, phrase, pfile, ["--chain", "eth"])
        assert [a.address for a in mine.addresses] == [a["address"] for a in theirs["addresses"]]
        checked += 2
    assert checked == 20 * 10
