// The Kotlin bindings on a desktop JVM (JNA): run by wallet-ffi/tests/bindings.rs
// with the expected values wallet-core computed, an anvil URL and a fresh
// keystore directory.
//
// usage: java -cp ... BindingsTestKt EXPECTED.properties ANVIL_URL KEYSTORE_DIR
// Prints one line per check, TX_HASH <hash> for the send (the Rust test
// looks its receipt up), and KOTLIN_OK when every check passed.

import java.io.File
import java.math.BigInteger
import java.nio.ByteBuffer
import java.util.Properties
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import wallet.*

const val ANVIL = "test test test test test test test test test test test junk"
val FAST = KdfOptions(memoryKib = 256u, iterations = 1u, parallelism = 1u, allowWeak = true)
const val BIP174_TPRV =
    "tprv8ZgxMBicQKsPd9TeAdPADNnSyH9SSUUbTVeFszDE23Ki6TBB5nCefAdHkK8Fm3qMQR6sHwA56zqRmKmxnHk37JkiFzvncDqoKmPWubu7hDF"

var failures = 0

fun check(name: String, body: () -> Unit) {
    try {
        body()
        println("ok $name")
    } catch (e: Throwable) {
        failures++
        println("FAILED $name: $e")
        e.printStackTrace(System.out)
    }
}

fun expectEqual(want: Any?, got: Any?, what: String) {
    if (want != got) throw AssertionError("$what: want $want, got $got")
}

inline fun <reified E : WalletException> expectThrows(body: () -> Unit): E {
    try {
        body()
    } catch (e: WalletException) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got $e")
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

fun first(list: AddressList) = list.addresses[0].address

fun phraseToAddresses(exp: Properties) {
    val key = Mnemonic(ANVIL).masterKey()
    expectEqual(exp["fingerprint"], key.fingerprint(), "fingerprint")
    val types = mapOf(
        "p2pkh" to AddressType.P2PKH, "p2sh-p2wpkh" to AddressType.P2SH_P2WPKH,
        "p2wpkh" to AddressType.P2WPKH, "p2tr" to AddressType.P2TR,
    )
    for ((code, t) in types) {
        val l = key.addresses(Selection(chain = Chain.BITCOIN, addressType = t))
        expectEqual(exp["btc.$code"], first(l), "btc $code")
        if (t == AddressType.P2WPKH) {
            expectEqual(exp["btc.p2wpkh.xpub"], l.accountXpub, "account xpub")
            expectEqual(exp["btc.p2wpkh.zpub"], l.accountSlip132, "account zpub")
        }
    }
    val testnet = key.addresses(Selection(network = Network.TESTNET))
    expectEqual(exp["btc.testnet.p2wpkh"], first(testnet), "btc testnet")
    expectEqual(exp["ltc.p2wpkh"], first(key.addresses(Selection(chain = Chain.LITECOIN))), "ltc")
    val eth = Mnemonic(ANVIL).addresses(selection = Selection(chain = Chain.ETHEREUM, count = 3u))
    for (i in 0..2) expectEqual(exp["eth.$i"], eth.addresses[i].address, "eth $i")
    val path = "m/84'/0'/0'/1/5"
    expectEqual(exp["path.$path"], first(key.addresses(Selection(path = path))), "path")
}

fun mnemonicErrors() {
    val e = expectThrows<WalletException.InvalidMnemonic> {
        Mnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn")
    }
    expectEqual("invalid_mnemonic", e.kind, "kind")
    expectEqual(12u, e.details.position, "position")
    expectEqual("abandn", e.details.word, "word")
    expectEqual(listOf("abandon"), e.details.suggestions, "suggestions")
    val c = expectThrows<WalletException.BadChecksum> { validateMnemonic(ANVIL.replace("junk", "test")) }
    expectEqual("bad_checksum", c.kind, "checksum kind")
    val fresh = Mnemonic.generate(24u, Language.JAPANESE)
    expectEqual(24u, fresh.wordCount(), "word count")
    expectEqual(MnemonicCheck(24u, Language.JAPANESE), validateMnemonic(fresh.phrase().reveal()), "validate")
}

fun keystoreRoundTrip(dir: String) {
    val ks = Keystore(dir)
    val created = ks.create("fresh", "correct horse", words = 15u, kdf = FAST)
    expectEqual(15u, created.words, "words")
    val phrase = created.mnemonic.reveal()
    created.mnemonic.wipe()
    expectEqual(true, created.mnemonic.isWiped(), "wiped")
    val eth = Selection(chain = Chain.ETHEREUM)
    // The stored public data gives the addresses of the phrase, no password.
    expectEqual(first(Mnemonic(phrase).addresses(selection = eth)), first(ks.addresses("fresh", eth)), "stored")
    expectEqual(listOf("fresh"), ks.list().wallets.map { it.name }, "list")
    ks.unlock("fresh", "correct horse", allowWeakKdf = true).use { w ->
        expectEqual("fresh", w.name(), "name")
        val exported = w.exportMnemonic().secret
        // Into a buffer this program owns (and wipes), not a String.
        val buf = ByteBuffer.allocateDirect(exported.byteLen().toInt())
        exported.revealInto(buf)
        val bytes = ByteArray(buf.capacity()).also { buf.get(it) }
        expectEqual(phrase, String(bytes, Charsets.UTF_8), "exported phrase")
        for (i in 0 until buf.capacity()) buf.put(i, 0)
        bytes.fill(0)
    }
    ks.changePassword("fresh", "correct horse", "battery staple", FAST)
    val wrong = expectThrows<WalletException.WrongPassword> {
        ks.unlock("fresh", "correct horse", allowWeakKdf = true)
    }
    expectEqual("wrong_password", wrong.kind, "wrong password kind")
    ks.unlock("fresh", "battery staple", allowWeakKdf = true).close()
    ks.delete("fresh")
    val gone = expectThrows<WalletException.NotFound> { ks.summary("fresh") }
    expectEqual("not_found", gone.kind, "not found kind")
    val weak = expectThrows<WalletException.WeakParameters> {
        ks.create("weak", "pw", kdf = KdfOptions(memoryKib = 256u, iterations = 1u, parallelism = 1u))
    }
    expectEqual("weak_parameters", weak.kind, "weak kind")
}

fun devWallet(ks: Keystore): UnlockedWallet {
    if (ks.list().wallets.none { it.name == "dev" }) {
        ks.importMnemonic("dev", ANVIL, "pw", kdf = FAST)
    }
    return ks.unlock("dev", "pw", allowWeakKdf = true)
}

fun eip1559(exp: Properties, w: UnlockedWallet) {
    val req = EthTxRequest(
        to = "0x3535353535353535353535353535353535353535", value = "1.5ether", data = "0xdeadbeef",
        nonce = 7u, gas = 30000u, chainId = 1u, maxFee = "30gwei", priorityFee = "2gwei",
        key = KeyChoice(index = 1u),
    )
    val signed = w.signEthTx(req)
    expectEqual(exp["eip1559.raw"], signed.raw, "raw")
    expectEqual(exp["eip1559.hash"], signed.hash, "hash")
    expectEqual(exp["eip1559.from"], signed.sender, "sender")
    expectEqual(2.toUByte(), signed.txType, "type")
    // Four threads sign with one wallet at once (RFC 6979: the same bytes).
    val pool = Executors.newFixedThreadPool(4)
    val results = (1..16).map { pool.submit<String> { w.signEthTx(req).raw } }
    pool.shutdown()
    pool.awaitTermination(60, TimeUnit.SECONDS)
    results.forEach { expectEqual(signed.raw, it.get(), "threaded raw") }
    val bad = expectThrows<WalletException.InvalidInput> { w.signEthTx(req.copy(nonce = null)) }
    expectEqual("invalid_input", bad.kind, "missing nonce kind")
    expectEqual(emptyList<String>(), signed.warnings, "no warnings")
    val zero = w.signEthTx(req.copy(to = "0x" + "00".repeat(20), maxFee = "30", priorityFee = "1"))
    expectEqual(true, zero.warnings.any { it.contains("zero address") }, "zero-address warning")
    expectEqual(true, zero.warnings.any { it.contains("only 30 wei") }, "low-fee warning")
}

fun psbt(exp: Properties, ks: Keystore) {
    ks.importKey("bip174", ImportFormat.XPRV, BIP174_TPRV, "pw", FAST)
    ks.unlock("bip174", "pw", allowWeakKdf = true).use { w ->
        val psbt = exp.getProperty("psbt.unsigned")
        // The vector's P2SH-P2WSH input has only its witness UTXO: its
        // amount cannot be verified, so it is refused (issue 22.1).
        val partly = w.signPsbt(psbt, Chain.BITCOIN, Network.TESTNET)
        expectEqual(1u, partly.signed, "signed inputs")
        expectEqual(listOf("signed", "refused"), partly.inputs.map { it.status }, "statuses")
        expectEqual(false, partly.complete, "not finalized")
        expectThrows<WalletException.InvalidInput> {
            w.signPsbt(psbt, Chain.BITCOIN, Network.TESTNET, finalize = true)
        }
    }
}

fun anvilSend(exp: Properties, w: UnlockedWallet, url: String) {
    val node = EthereumNode(url, 20000u)
    expectEqual(31337uL, node.chainId(), "chain id")
    val to = exp.getProperty("eth.2")
    val before = BigInteger(node.balance(to).wei)
    val sent = w.ethSend(node, EthTxRequest(to = to, value = "0.25ether", chainId = 31337u), wait = true)
    expectEqual(1uL, sent.status, "receipt status")
    expectEqual(false, sent.reverted, "reverted")
    expectEqual(false, sent.alreadyKnown, "already known")
    val after = BigInteger(node.balance(to).wei)
    expectEqual(BigInteger("250000000000000000"), after - before, "received")
    println("TX_HASH ${sent.tx.hash}")
    val wrongChain = expectThrows<WalletException> {
        w.ethSend(node, EthTxRequest(to = to, value = "1wei", chainId = 1u))
    }
    expectEqual("wrong_chain", wrongChain.kind(), "wrong chain kind")
    val down = expectThrows<WalletException.NodeUnreachable> {
        EthereumNode("http://127.0.0.1:9", 2000u).balance(to)
    }
    expectEqual("node_unreachable", down.kind, "unreachable kind")
}

fun main(args: Array<String>) {
    val exp = Properties().apply { File(args[0]).inputStream().use { load(it) } }
    val url = args[1]
    val ks = Keystore(args[2])
    check("phrase to addresses equal wallet-core's") { phraseToAddresses(exp) }
    check("mnemonic errors carry word, position and suggestions") { mnemonicErrors() }
    check("keystore round trip, wrong password") { keystoreRoundTrip(args[2] + "-roundtrip") }
    devWallet(ks).use { w ->
        check("EIP-1559 signature equals wallet-core's") { eip1559(exp, w) }
        check("send on anvil, waited for") { anvilSend(exp, w, url) }
    }
    check("PSBT signature (BIP174 signer vector)") { psbt(exp, ks) }
    println("version ${libraryVersion()}")
    if (failures > 0) {
        println("KOTLIN_FAILED $failures")
        kotlin.system.exitProcess(1)
    }
    println("KOTLIN_OK")
}
