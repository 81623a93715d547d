#!/usr/bin/env node
// Independent BIP322 signing and verification with bip322-js (installed by `scripts/devnet/install js322`).
//   echo '[{"op":"verify","address":"…","message":"…","signature":"…"},
//          {"op":"sign","wif":"…","address":"…","message":"…"}]' |
//     DEVNET_JS322=.devnet/js322 node tests/js/bip322_check.cjs
// Reads ONE JSON array of requests on stdin; prints ONE JSON array of answers, in order:
//   verify -> {"ok":true,"valid":true|false}     sign -> {"ok":true,"signature":"…"}
//   a request that throws -> {"ok":false,"error":"…"}
// bip322-js 3 predates BIP322 2.0's prefixes: it signs and verifies bare base64 simple signatures
// (P2WPKH, P2SH-P2WPKH, P2TR key path) and BIP137 for P2PKH; it has no full format.
// Exit code 0 when every request was answered, 2 on a usage error.
'use strict';
const path = require('path');
const fs = require('fs');
const { createRequire } = require('module');

const usage = (msg) => {
  process.stderr.write(`bip322_check.cjs: ${msg}\n`);
  process.exit(2);
};

const dir = path.resolve(process.env.DEVNET_JS322 || path.join(__dirname, '..', '..', '.devnet', 'js322'));
const { Signer, Verifier } = createRequire(path.join(dir, 'package.json'))('bip322-js');

let requests;
try {
  requests = JSON.parse(fs.readFileSync(0, 'utf8'));
} catch (e) {
  usage(`stdin is not JSON: ${e.message}`);
}
if (!Array.isArray(requests)) usage('stdin must be a JSON array of requests');

const answer = (req) => {
  try {
    if (req.op === 'verify') {
      return { ok: true, valid: Verifier.verifySignature(req.address, req.message, req.signature) === true };
    }
    if (req.op === 'sign') {
      return { ok: true, signature: String(Signer.sign(req.wif, req.address, req.message)) };
    }
    return { ok: false, error: `unknown op ${JSON.stringify(req.op)}` };
  } catch (e) {
    return { ok: false, error: String(e && e.message ? e.message : e) };
  }
};

process.stdout.write(JSON.stringify(requests.map(answer)) + '\n');
