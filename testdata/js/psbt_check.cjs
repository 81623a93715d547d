#!/usr/bin/env node
// Independent check of a PSBT with bitcoinjs-lib (installed by `scripts/devnet/install js`).
//   echo "$PSBT_BASE64" | DEVNET_JS=.devnet/js node tests/js/psbt_check.cjs bitcoin|testnet|regtest [--require-partial]
// Verifies every input's signatures (ECDSA low-S, or BIP340 Schnorr), finalizes and extracts the
// transaction. Prints ONE JSON line: {"valid":true,"inputs":N,"txid":"…","hex":"…"} (exit 0)
// or {"valid":false,"error":"…"} (exit 1). Inputs that are already finalized are accepted as they
// are, unless --require-partial is given (then any finalized input is an error).
'use strict';
const path = require('path');
const fs = require('fs');
const { createRequire } = require('module');

const fail = (msg) => {
  process.stdout.write(JSON.stringify({ valid: false, error: String(msg) }) + '\n');
  process.exit(1);
};

try {
  const dir = path.resolve(process.env.DEVNET_JS || path.join(__dirname, '..', '..', '.devnet', 'js'));
  const req = createRequire(path.join(dir, 'package.json'));
  const bitcoin = req('bitcoinjs-lib');
  const ecc = req('tiny-secp256k1');
  bitcoin.initEccLib(ecc);

  const [netName, mode] = process.argv.slice(2);
  const network = { bitcoin: bitcoin.networks.bitcoin, testnet: bitcoin.networks.testnet, regtest: bitcoin.networks.regtest }[netName];
  if (!network) fail(`usage: psbt_check.cjs bitcoin|testnet|regtest [--require-partial] (got network ${JSON.stringify(netName)})`);
  if (mode !== undefined && mode !== '--require-partial') fail(`unknown option ${JSON.stringify(mode)}`);

  const b64 = fs.readFileSync(0, 'utf8').trim();
  if (!b64) fail('no PSBT on stdin');
  const psbt = bitcoin.Psbt.fromBase64(b64, { network });
  if (psbt.inputCount === 0) fail('PSBT has no inputs');

  // bitcoinjs v6 calls this for both kinds: ECDSA gets the 33/65-byte pubkey from partialSig and a
  // 64-byte r||s signature (DER decoded, sighash byte stripped); taproot gets the 32-byte x-only key
  // (key path: the tweaked OUTPUT key from the prevout scriptPubKey, not tapInternalKey) and the
  // 64-byte Schnorr signature (65th sighash byte stripped).
  const validator = (pubkey, msghash, signature) =>
    pubkey.length === 32
      ? ecc.verifySchnorr(msghash, pubkey, signature)
      : ecc.verify(msghash, pubkey, signature, true); // strict: reject high-S, as Bitcoin Core's policy does

  const finalized = (inp) => !!(inp.finalScriptSig || inp.finalScriptWitness);
  const partial = [];
  psbt.data.inputs.forEach((inp, i) => {
    if (finalized(inp)) {
      if (mode === '--require-partial') throw new Error(`input #${i} is already finalized (--require-partial)`);
      return;
    }
    partial.push(i);
    if (inp.tapKeySig) {
      // The sighash type of a key-path signature is its 65th byte (64 bytes = SIGHASH_DEFAULT), but bitcoinjs
      // hashes with PSBT_IN_SIGHASH_TYPE (or DEFAULT) and ignores that byte: make the two agree.
      const t = inp.tapKeySig.length === 65 ? inp.tapKeySig[64] : 0;
      if (inp.tapKeySig.length === 65 && t === 0) throw new Error(`input #${i}: 65-byte tapKeySig with sighash type 0x00`);
      if (inp.sighashType !== undefined && inp.sighashType !== t)
        throw new Error(`input #${i}: tapKeySig sighash type ${t} differs from PSBT_IN_SIGHASH_TYPE ${inp.sighashType}`);
      if (t !== 0) inp.sighashType = t;
    }
    if (inp.tapInternalKey) {
      // bitcoinjs does not check that tapInternalKey (+ tapMerkleRoot) tweaks to the prevout's output key.
      const prev = inp.witnessUtxo
        ? inp.witnessUtxo.script
        : inp.nonWitnessUtxo && bitcoin.Transaction.fromBuffer(inp.nonWitnessUtxo).outs[psbt.txInputs[i].index].script;
      const want = bitcoin.payments.p2tr({ internalPubkey: inp.tapInternalKey, hash: inp.tapMerkleRoot, network }).output;
      if (!prev || !want.equals(prev)) throw new Error(`input #${i}: tapInternalKey does not tweak to the prevout's taproot output key`);
    } else if (inp.tapKeySig) {
      throw new Error(`input #${i}: tapKeySig without tapInternalKey (bitcoinjs cannot verify the key-path signature)`);
    }
    let ok;
    try {
      ok = psbt.validateSignaturesOfInput(i, validator);
    } catch (e) {
      throw new Error(`input #${i}: ${e.message}`);
    }
    if (!ok) throw new Error(`input #${i}: invalid or missing signature`);
  });
  for (const i of partial) psbt.finalizeInput(i);
  // disableFeeCheck: the 5000 sat/vB "absurd fee" guard is not a validity rule (regtest fixtures trip it).
  const tx = psbt.extractTransaction(true);
  process.stdout.write(JSON.stringify({ valid: true, inputs: psbt.inputCount, txid: tx.getId(), hex: tx.toHex() }) + '\n');
} catch (e) {
  fail(e && e.message ? e.message : e);
}
