//! Bitcoin signing vectors: BIP143 (P2WPKH, P2SH-P2WPKH), BIP341 key-path
//! spends (all 7 inputs, every hash type), BIP340 Schnorr, and BIP174: its
//! invalid PSBTs, signer checks, and the signer/combiner/finalizer/extractor
//! workflow.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bitcoin::hashes::Hash;
use bitcoin::psbt::Psbt;
use bitcoin::{Amount, ScriptBuf, Transaction, TxOut};
use serde_json::Value;
use wallet_core::bitcoin::psbt::{self, InputStatus, KeyRing, ScriptKind};
use wallet_core::bitcoin::Wif;
use wallet_core::key::PrivateKey;
use wallet_core::schnorr::{self, AuxRand};

fn load(name: &str) -> Value {
    let path = format!("{}/../testdata/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn btc_to_sat(v: &str) -> u64 {
    let (i, f) = v.split_once('.').unwrap_or((v, ""));
    let f = format!("{f:0<8}");
    i.parse::<u64>().unwrap() * 100_000_000 + f.parse::<u64>().unwrap()
}

fn tx(hex_str: &str) -> Transaction {
    bitcoin::consensus::encode::deserialize(&hex::decode(hex_str).unwrap()).unwrap()
}

#[test]
fn bip143_examples_sighash_and_signed_tx() {
    let v = load("bip143.json");
    for ex in v["examples"].as_array().unwrap() {
        let name = s(&ex["name"]);
        let unsigned = tx(s(&ex["unsigned_tx"]));
        let signed_tx = tx(s(&ex["signed_tx"]));
        let mut p = Psbt::from_unsigned_tx(unsigned).unwrap();
        let idx = ex["signed_input_index"].as_u64().unwrap() as usize;
        let mut keys = Vec::new();
        for inp in ex["inputs"].as_array().unwrap() {
            let i = inp["index"].as_u64().unwrap() as usize;
            let out = TxOut {
                value: Amount::from_sat(btc_to_sat(s(&inp["value_btc"]))),
                script_pubkey: ScriptBuf::from_bytes(hex::decode(s(&inp["scriptPubKey"])).unwrap()),
            };
            if i == idx {
                p.inputs[i].witness_utxo = Some(out);
                if let Some(r) = inp.get("redeemScript") {
                    p.inputs[i].redeem_script =
                        Some(ScriptBuf::from_bytes(hex::decode(s(r)).unwrap()));
                }
                keys.push(PrivateKey::from_hex(s(&inp["private_key"])).unwrap());
            } else {
                // Not the subject of BIP143: take its final scriptSig from
                // the signed transaction; its amount makes the fee known
                // (without it the signer refuses: the BIP143 fee attack).
                p.inputs[i].final_script_sig = Some(signed_tx.input[i].script_sig.clone());
                p.inputs[i].witness_utxo = Some(out);
            }
        }
        let ring = KeyRing::from_keys(keys);
        // BIP143's examples give amounts, not previous transactions.
        let opts = psbt::SignOptions {
            trust_witness_utxo: true,
            ..psbt::SignOptions::default()
        };
        let report = psbt::sign_with(&mut p, &ring, &opts).unwrap();
        assert!(
            matches!(report.inputs[idx], InputStatus::Signed(_)),
            "{name}: {:?}",
            report.inputs
        );
        let (_, sig) = p.inputs[idx].partial_sigs.iter().next().unwrap();
        assert_eq!(
            hex::encode(sig.to_vec()),
            s(&ex["signature_der_with_hashtype"]),
            "{name}"
        );
        // The sighash itself, through the bitcoin crate's BIP143 cache.
        let mut cache = bitcoin::sighash::SighashCache::new(&p.unsigned_tx);
        let wu = p.inputs[idx].witness_utxo.clone().unwrap();
        let code = p.inputs[idx]
            .redeem_script
            .clone()
            .unwrap_or(wu.script_pubkey.clone());
        let h = cache
            .p2wpkh_signature_hash(
                idx,
                &code,
                wu.value,
                bitcoin::sighash::EcdsaSighashType::All,
            )
            .unwrap();
        assert_eq!(hex::encode(h.to_byte_array()), s(&ex["sigHash"]), "{name}");
        psbt::finalize(&mut p).unwrap();
        let raw = psbt::extract(&p).unwrap();
        assert_eq!(hex::encode(raw), s(&ex["signed_tx"]), "{name}");
    }
}

#[test]
fn bip341_key_path_spends_every_hash_type() {
    let v = load("bip341_wallet.json");
    let kp = &v["keyPathSpending"][0];
    let given = &kp["given"];
    let unsigned = tx(s(&given["rawUnsignedTx"]));
    let utxos: Vec<TxOut> = given["utxosSpent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| TxOut {
            value: Amount::from_sat(u["amountSats"].as_u64().unwrap()),
            script_pubkey: ScriptBuf::from_bytes(hex::decode(s(&u["scriptPubKey"])).unwrap()),
        })
        .collect();
    let spends = kp["inputSpending"].as_array().unwrap();
    assert_eq!(spends.len(), 7);
    let mut hash_types = std::collections::BTreeSet::new();
    for sp in spends {
        let g = &sp["given"];
        let i = g["txinIndex"].as_u64().unwrap() as usize;
        let ht = g["hashType"].as_u64().unwrap() as u32;
        hash_types.insert(ht);
        let mut p = Psbt::from_unsigned_tx(unsigned.clone()).unwrap();
        for (j, u) in utxos.iter().enumerate() {
            p.inputs[j].witness_utxo = Some(u.clone());
        }
        if ht != 0 {
            p.inputs[i].sighash_type = Some(psbt::sighash_type(ht));
        }
        if let Some(root) = g["merkleRoot"].as_str() {
            let r: [u8; 32] = hex::decode(root).unwrap().try_into().unwrap();
            p.inputs[i].tap_merkle_root = Some(bitcoin::taproot::TapNodeHash::from_byte_array(r));
        }
        let key = PrivateKey::from_hex(s(&g["internalPrivkey"])).unwrap();
        // The tweaked key of the vectors.
        let root: Option<[u8; 32]> = g["merkleRoot"]
            .as_str()
            .map(|r| hex::decode(r).unwrap().try_into().unwrap());
        let tweaked =
            wallet_core::bitcoin::taproot::tweak_private_key(&key, root.as_ref()).unwrap();
        assert_eq!(
            tweaked.to_hex().expose(),
            s(&sp["intermediary"]["tweakedPrivkey"])
        );
        let ring = KeyRing::from_keys(vec![key]);
        // Every hash type of the vectors, allowed explicitly.
        let opts = psbt::SignOptions {
            aux: AuxRand::Fixed([0u8; 32]),
            allowed_sighash: vec![psbt::sighash_type(ht)],
            ..psbt::SignOptions::default()
        };
        let report = psbt::sign_with(&mut p, &ring, &opts).unwrap();
        assert_eq!(
            report.inputs[i],
            InputStatus::Signed(ScriptKind::P2tr),
            "input {i}"
        );
        let sig = p.inputs[i].tap_key_sig.unwrap().to_vec();
        let want = s(&sp["expected"]["witness"][0]);
        // Signatures are over the sighash; check it, and that ours verifies.
        let sighash: [u8; 32] = hex::decode(s(&sp["intermediary"]["sigHash"]))
            .unwrap()
            .try_into()
            .unwrap();
        let out_key: [u8; 32] = tweaked.public_key().x_only();
        let sig64: [u8; 64] = sig[..64].try_into().unwrap();
        assert!(schnorr::verify(&out_key, &sighash, &sig64), "input {i}");
        assert_eq!(hex::encode(&sig), want, "input {i} hash type {ht}");
        psbt::finalize(&mut p).unwrap();
        assert_eq!(p.inputs[i].final_script_witness.as_ref().unwrap().len(), 1);
    }
    assert!(hash_types.len() >= 5, "{hash_types:?}");
}

#[test]
fn bip340_vectors() {
    let path = format!(
        "{}/../testdata/vectors/bip340.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.splitn(8, ',').collect();
        let pk: [u8; 32] = match hex::decode(f[2]).ok().and_then(|b| b.try_into().ok()) {
            Some(p) => p,
            None => continue,
        };
        let msg = hex::decode(f[4]).unwrap();
        let sig: [u8; 64] = hex::decode(f[5]).unwrap().try_into().unwrap();
        let valid = f[6] == "TRUE";
        assert_eq!(schnorr::verify(&pk, &msg, &sig), valid, "vector {}", f[0]);
        if !f[1].is_empty() {
            let key = PrivateKey::from_hex(f[1]).unwrap();
            let aux: [u8; 32] = hex::decode(f[3]).unwrap().try_into().unwrap();
            let m: [u8; 32] = msg.clone().try_into().unwrap();
            let ours = schnorr::sign(&key, &m, AuxRand::Fixed(aux)).unwrap();
            assert_eq!(hex::encode_upper(ours), f[5], "vector {}", f[0]);
        }
        n += 1;
    }
    assert!(n >= 15);
}

#[test]
fn bip174_parse_cases() {
    let v = load("bip174_psbt.json");
    let mut counts = [0; 3];
    for case in v["cases"].as_array().unwrap() {
        let d = s(&case["description"]);
        let from_b64 = psbt::parse(s(&case["base64"]).as_bytes());
        let from_hex = psbt::parse(s(&case["hex"]).as_bytes());
        let from_bin = psbt::parse(&hex::decode(s(&case["hex"])).unwrap());
        match s(&case["verdict"]) {
            "invalid" => {
                for r in [&from_b64, &from_hex, &from_bin] {
                    let e = r.as_ref().expect_err(d);
                    assert!(e.to_string().starts_with("invalid PSBT: "), "{d}: {e}");
                }
                counts[0] += 1;
            }
            "valid" => {
                let p = from_b64.unwrap();
                assert_eq!(psbt::to_base64(&p), s(&case["base64"]), "{d}");
                assert_eq!(from_hex.unwrap(), p);
                assert_eq!(from_bin.unwrap(), p);
                counts[1] += 1;
            }
            "fails_signer_checks" => {
                let mut p = from_b64.unwrap();
                let ring =
                    KeyRing::from_keys(vec![PrivateKey::from_hex(&"01".repeat(32)).unwrap()]);
                let report = psbt::sign(&mut p, &ring, AuxRand::Random).unwrap();
                assert_eq!(report.signed, 0, "{d}");
                assert!(
                    report
                        .inputs
                        .iter()
                        .any(|st| matches!(st, InputStatus::Refused(_))),
                    "{d}: {:?}",
                    report.inputs
                );
                counts[2] += 1;
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(counts, [20, 10, 4]);
}

fn wifs(context: &Value) -> Vec<PrivateKey> {
    let text = context.to_string();
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 52 && w.starts_with('c'))
        .map(|w| Wif::decode(w).unwrap().key)
        .collect()
}

#[test]
fn bip174_signer_combiner_finalizer_extractor_workflow() {
    let v = load("bip174_psbt.json");
    let w = v["workflow"].as_array().unwrap();
    let step = |i: usize| psbt::parse(s(&w[i]["base64"]).as_bytes()).unwrap();
    let updated = step(2);
    // BIP174's P2SH-P2WSH input carries only its witness UTXO: the default
    // refuses it (its amount cannot be verified); the vector's signers
    // trust it, and so does this test.
    let mut p = updated.clone();
    let keys = wifs(&w[3]["context"]);
    let r = psbt::sign(&mut p, &KeyRing::from_keys(keys), AuxRand::Random).unwrap();
    assert_eq!(
        r.inputs[1],
        InputStatus::Refused(psbt::Refusal::MissingPreviousTx(ScriptKind::P2shP2wsh))
    );
    let trust = psbt::SignOptions {
        trust_witness_utxo: true,
        ..psbt::SignOptions::default()
    };
    let mut signed = Vec::new();
    for i in [3, 4] {
        let keys = wifs(&w[i]["context"]);
        assert_eq!(keys.len(), 2);
        let mut p = updated.clone();
        let report = psbt::sign_with(&mut p, &KeyRing::from_keys(keys), &trust).unwrap();
        assert_eq!(report.signed, 2, "signer {i}: {:?}", report.inputs);
        assert_eq!(p, step(i), "signer {i}");
        signed.push(p);
    }
    let mut combined = signed[0].clone();
    combined.combine(signed[1].clone()).unwrap();
    assert_eq!(combined, step(5));
    let n = psbt::finalize(&mut combined).unwrap();
    assert_eq!(n, 2);
    assert_eq!(combined, step(6));
    assert_eq!(
        hex::encode(psbt::extract(&combined).unwrap()),
        s(&w[7]["hex"])
    );
    // The master key of the vectors signs everything in one go.
    let master = wallet_core::hd::ExtendedPrivateKey::parse(
        "tprv8ZgxMBicQKsPd9TeAdPADNnSyH9SSUUbTVeFszDE23Ki6TBB5nCefAdHkK8Fm3qMQR6sHwA56zqRmKmxnHk37JkiFzvncDqoKmPWubu7hDF",
    )
    .unwrap();
    let params = wallet_core::bitcoin::NetworkParams::new(
        wallet_core::bitcoin::Chain::Bitcoin,
        wallet_core::bitcoin::Network::Testnet,
    )
    .unwrap();
    let ring = KeyRing::from_master(master, params, 2).unwrap();
    let mut p = updated.clone();
    let report = psbt::sign_with(&mut p, &ring, &trust).unwrap();
    assert_eq!(report.signed, 2);
    psbt::finalize(&mut p).unwrap();
    assert_eq!(hex::encode(psbt::extract(&p).unwrap()), s(&w[7]["hex"]));
    // Extraction before finalization is refused.
    assert!(psbt::extract(&updated).is_err());
}

#[test]
fn bip137_message_signatures() {
    use wallet_core::bitcoin::message;
    use wallet_core::bitcoin::{AddressType, Chain, NetworkParams};
    let v = load("bip137_message_signing.json");
    let mut n = 0;
    for t in v["valid"]["magicHash"].as_array().unwrap() {
        if s(&t["network"]) != "bitcoin" {
            continue;
        }
        assert_eq!(
            hex::encode(message::magic_hash(
                Chain::Bitcoin,
                s(&t["message"]).as_bytes()
            )),
            s(&t["magicHash"])
        );
        n += 1;
    }
    for t in v["valid"]["sign"].as_array().unwrap() {
        if s(&t["network"]) != "bitcoin" {
            continue;
        }
        let key = PrivateKey::from_hex(s(&t["d"])).unwrap();
        let msg = s(&t["message"]).as_bytes();
        assert_eq!(
            message::sign(&key, msg, AddressType::P2pkh, false, Chain::Bitcoin).unwrap(),
            s(&t["signature"])
        );
        assert_eq!(
            message::sign(&key, msg, AddressType::P2pkh, true, Chain::Bitcoin).unwrap(),
            s(&t["compressed"]["signature"])
        );
        assert_eq!(
            message::sign(&key, msg, AddressType::P2shP2wpkh, true, Chain::Bitcoin).unwrap(),
            s(&t["segwit"]["P2SH_P2WPKH"]["signature"])
        );
        assert_eq!(
            message::sign(&key, msg, AddressType::P2wpkh, true, Chain::Bitcoin).unwrap(),
            s(&t["segwit"]["P2WPKH"]["signature"])
        );
        n += 1;
    }
    for t in v["valid"]["verify"].as_array().unwrap() {
        if s(&t["network"]) != "bitcoin" {
            continue;
        }
        let msg = s(&t["message"]).as_bytes();
        message::verify(
            s(&t["address"]),
            msg,
            s(&t["signature"]),
            NetworkParams::BITCOIN,
        )
        .unwrap();
        message::verify(
            s(&t["compressed"]["address"]),
            msg,
            s(&t["compressed"]["signature"]),
            NetworkParams::BITCOIN,
        )
        .unwrap();
        for k in ["P2SH_P2WPKH", "P2WPKH"] {
            let x = &t["segwit"][k];
            message::verify(
                s(&x["address"]),
                msg,
                s(&x["signature"]),
                NetworkParams::BITCOIN,
            )
            .unwrap();
        }
        n += 1;
    }
    for t in v["invalid"]["verify"].as_array().unwrap() {
        let r = message::verify(
            s(&t["address"]),
            s(&t["message"]).as_bytes(),
            s(&t["signature"]),
            NetworkParams::BITCOIN,
        );
        assert!(r.is_err(), "{}", s(&t["description"]));
    }
    for t in v["invalid"]["signature"].as_array().unwrap() {
        use bitcoin::base64::Engine;
        let b64 = bitcoin::base64::engine::general_purpose::STANDARD
            .encode(hex::decode(s(&t["hex"])).unwrap());
        assert!(message::verify(
            "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs",
            b"x",
            &b64,
            NetworkParams::BITCOIN
        )
        .is_err());
    }
    assert!(n >= 5);
}

/// What the signer must refuse (with a reason), next to what it signs.
#[test]
fn the_signer_refuses_what_it_cannot_sign_safely() {
    use bitcoin::absolute::LockTime;
    use bitcoin::transaction::Version;
    use bitcoin::{OutPoint, Sequence, TxIn, Txid, Witness};
    use wallet_core::bitcoin::{Address, AddressType, NetworkParams};
    use wallet_core::hd::ExtendedPrivateKey;
    use wallet_core::mnemonic::Mnemonic;

    let m = Mnemonic::parse(
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    )
    .unwrap();
    let master = ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
    let params = NetworkParams::BITCOIN;
    let ring = KeyRing::from_master(master.clone(), params, 5).unwrap();
    let key_at = |path: &str| {
        master
            .derive_path(&path.parse().unwrap())
            .unwrap()
            .private_key()
            .public_key()
    };
    let spk = |path: &str, kind: AddressType| {
        ScriptBuf::from_bytes(
            Address::from_public_key(&key_at(path), kind, params)
                .unwrap()
                .script_pubkey(),
        )
    };
    let wpkh = spk("m/84'/0'/0'/0/0", AddressType::P2wpkh);
    let pkh = spk("m/44'/0'/0'/0/0", AddressType::P2pkh);
    let tr = spk("m/86'/0'/0'/0/0", AddressType::P2tr);
    let foreign_tr = spk("m/86'/0'/7'/0/0", AddressType::P2tr);
    let coin = |script: &ScriptBuf| TxOut {
        value: Amount::from_sat(50_000),
        script_pubkey: script.clone(),
    };
    let new_psbt = |inputs: u8, outputs: usize| {
        Psbt::from_unsigned_tx(Transaction {
            version: Version::TWO,
            lock_time: LockTime::ZERO,
            input: (0..inputs)
                .map(|n| TxIn {
                    previous_output: OutPoint {
                        txid: Txid::from_byte_array([n + 1; 32]),
                        vout: 0,
                    },
                    script_sig: ScriptBuf::new(),
                    sequence: Sequence::MAX,
                    witness: Witness::new(),
                })
                .collect(),
            output: vec![coin(&wpkh); outputs],
        })
        .unwrap()
    };
    // Amounts from witness UTXOs are trusted here (the strict default, which
    // needs every previous transaction, is tested below), and the partial
    // sighash type the test uses is allowed.
    let opts = psbt::SignOptions {
        aux: AuxRand::Fixed([0; 32]),
        trust_witness_utxo: true,
        allowed_sighash: vec![psbt::sighash_type(0x82)],
        ..psbt::SignOptions::default()
    };
    let sign = |p: &mut Psbt| psbt::sign_with(p, &ring, &opts).unwrap();
    let refused = |st: &InputStatus, needle: &str| matches!(st, InputStatus::Refused(r) if r.to_string().contains(needle));

    // A P2PKH coin of ours with only a witness UTXO: a legacy signature does
    // not commit to the amount, so only the previous transaction proves it.
    let mut p = new_psbt(1, 1);
    p.inputs[0].witness_utxo = Some(coin(&pkh));
    let r = sign(&mut p);
    assert_eq!(r.signed, 0);
    assert!(refused(&r.inputs[0], "non-witness input"), "{:?}", r.inputs);

    // No UTXO at all, though the derivation info says the key is ours.
    let mut p = new_psbt(1, 1);
    let pk = bitcoin::secp256k1::PublicKey::from_slice(&key_at("m/84'/0'/0'/0/0").to_compressed())
        .unwrap();
    p.inputs[0].bip32_derivation.insert(
        pk,
        (
            bitcoin::bip32::Fingerprint::from(master.fingerprint().0),
            "m/84'/0'/0'/0/0".parse().unwrap(),
        ),
    );
    let r = sign(&mut p);
    assert_eq!(r.signed, 0);
    assert!(
        refused(&r.inputs[0], "UTXO it spends is missing"),
        "{:?}",
        r.inputs
    );

    // Our taproot coin next to an input whose UTXO is unknown: a taproot
    // signature commits to every amount, so it is refused.
    let mut p = new_psbt(2, 2);
    p.inputs[0].witness_utxo = Some(coin(&tr));
    let r = sign(&mut p);
    assert_eq!(r.signed, 0);
    assert!(refused(&r.inputs[0], "UTXOs are missing"), "{:?}", r.inputs);
    assert_eq!(r.inputs[1], InputStatus::NotOurs);
    // With both amounts known, the same input is signed.
    p.inputs[1].witness_utxo = Some(coin(&foreign_tr));
    let r = sign(&mut p);
    assert_eq!(r.inputs[0], InputStatus::Signed(ScriptKind::P2tr));
    assert_eq!(r.inputs[1], InputStatus::NotOurs);

    // A taproot script-path spend that names our key in a leaf.
    let mut p = new_psbt(1, 1);
    p.inputs[0].witness_utxo = Some(coin(&foreign_tr));
    let xonly = bitcoin::secp256k1::XOnlyPublicKey::from_slice(&key_at("m/86'/0'/0'/0/0").x_only())
        .unwrap();
    p.inputs[0].tap_key_origins.insert(
        xonly,
        (
            vec![bitcoin::taproot::TapLeafHash::from_byte_array([9; 32])],
            (
                bitcoin::bip32::Fingerprint::from(master.fingerprint().0),
                "m/86'/0'/0'/0/0".parse().unwrap(),
            ),
        ),
    );
    let r = sign(&mut p);
    assert_eq!(r.signed, 0);
    assert!(refused(&r.inputs[0], "script-path"), "{:?}", r.inputs);
    // Someone else's script-path input (a leaf key that is not ours): not
    // ours, not "refused".
    let mut p = new_psbt(1, 1);
    p.inputs[0].witness_utxo = Some(coin(&foreign_tr));
    let other = bitcoin::secp256k1::XOnlyPublicKey::from_slice(
        &PrivateKey::from_hex(&"5a".repeat(32))
            .unwrap()
            .public_key()
            .x_only(),
    )
    .unwrap();
    p.inputs[0].tap_key_origins.insert(
        other,
        (
            vec![bitcoin::taproot::TapLeafHash::from_byte_array([9; 32])],
            (
                bitcoin::bip32::Fingerprint::from([1, 2, 3, 4]),
                "m/86'/0'/0'/0/0".parse().unwrap(),
            ),
        ),
    );
    let r = sign(&mut p);
    assert_eq!(r.signed, 0);
    assert_eq!(r.inputs[0], InputStatus::NotOurs);

    // SIGHASH_SINGLE for an input without an output at its index (legacy
    // rules would sign the constant 1: anyone could reuse it).
    for (script, kind) in [(&wpkh, ScriptKind::P2wpkh), (&tr, ScriptKind::P2tr)] {
        let mut p = new_psbt(2, 1);
        p.inputs[0].witness_utxo = Some(coin(script));
        p.inputs[1].witness_utxo = Some(coin(script));
        p.inputs[1].sighash_type = Some(psbt::sighash_type(0x03));
        let r = sign(&mut p);
        assert_eq!(r.inputs[0], InputStatus::Signed(kind), "{kind}");
        assert!(
            refused(&r.inputs[1], "SIGHASH_SINGLE"),
            "{kind}: {:?}",
            r.inputs
        );
    }

    // The BIP143 fee attack: our P2WPKH coin with only its witness UTXO,
    // next to an input whose amount is unknown. A segwit v0 signature
    // commits to our amount only, so the fee cannot be known: refused.
    let mut p = new_psbt(2, 1);
    p.inputs[0].witness_utxo = Some(coin(&wpkh));
    let r = sign(&mut p);
    assert_eq!(r.signed, 0);
    assert!(
        refused(&r.inputs[0], "full previous transaction"),
        "{:?}",
        r.inputs
    );
    assert_eq!(r.fee, None);
    // With the other input's amount, the fee is known and it is signed.
    p.inputs[1].witness_utxo = Some(coin(&foreign_tr));
    let r = sign(&mut p);
    assert_eq!(r.inputs[0], InputStatus::Signed(ScriptKind::P2wpkh));
    assert_eq!(r.fee.map(|f| f.to_sat()), Some(2 * 50_000 - 50_000));

    // A non-standard sighash type on someone else's input does not stop us
    // signing ours; on our own input it is refused (an error for neither).
    let mut p = new_psbt(2, 2);
    p.inputs[0].witness_utxo = Some(coin(&wpkh));
    p.inputs[1].witness_utxo = Some(coin(&foreign_tr));
    p.inputs[1].sighash_type = Some(psbt::sighash_type(0x55));
    let r = sign(&mut p);
    assert_eq!(r.inputs[0], InputStatus::Signed(ScriptKind::P2wpkh));
    assert_eq!(r.inputs[1], InputStatus::NotOurs);
    assert_eq!(
        r.sighash_types[0].map(|t| t.to_string()).as_deref(),
        Some("SIGHASH_ALL")
    );
    assert!(r.partial_commitments().is_empty());
    for script in [&wpkh, &tr] {
        let mut p = new_psbt(1, 1);
        p.inputs[0].witness_utxo = Some(coin(script));
        p.inputs[0].sighash_type = Some(psbt::sighash_type(0x55));
        let r = sign(&mut p);
        assert_eq!(r.signed, 0);
        assert!(refused(&r.inputs[0], "sighash type 0x55"), "{:?}", r.inputs);
    }
    // A type that leaves parts of the transaction open is signed as asked,
    // and reported so the user can be warned.
    let mut p = new_psbt(2, 2);
    p.inputs[0].witness_utxo = Some(coin(&wpkh));
    p.inputs[1].witness_utxo = Some(coin(&tr));
    p.inputs[0].sighash_type = Some(psbt::sighash_type(0x82));
    let r = sign(&mut p);
    assert_eq!(r.signed, 2);
    let partial: Vec<(usize, String)> = r
        .partial_commitments()
        .into_iter()
        .map(|(i, t)| (i, t.to_string()))
        .collect();
    assert_eq!(
        partial,
        vec![(0, "SIGHASH_NONE|SIGHASH_ANYONECANPAY".to_owned())]
    );
    assert_eq!(
        r.sighash_types[1].map(|t| t.to_string()).as_deref(),
        Some("SIGHASH_DEFAULT")
    );

    // The finalizer uses the signature of the key the script names, not
    // whichever partial signature sorts first.
    let mut p = new_psbt(1, 1);
    p.inputs[0].witness_utxo = Some(coin(&wpkh));
    let r = sign(&mut p);
    assert_eq!(r.signed, 1);
    let (ours_pk, ours_sig) = p.inputs[0]
        .partial_sigs
        .iter()
        .next()
        .map(|(k, s)| (*k, *s))
        .unwrap();
    // A stranger's signature under a key that sorts before ours.
    let stranger = (0..64)
        .map(|i| {
            bitcoin::PublicKey::from_slice(&key_at(&format!("m/84'/0'/9'/0/{i}")).to_compressed())
                .unwrap()
        })
        .find(|k| *k < ours_pk)
        .unwrap();
    assert!(stranger < ours_pk);
    p.inputs[0].partial_sigs.insert(stranger, ours_sig);
    assert_eq!(psbt::finalize(&mut p).unwrap(), 1);
    let w = p.inputs[0].final_script_witness.clone().unwrap();
    assert_eq!(w.nth(1).unwrap(), ours_pk.to_bytes().as_slice());
}
