//! One or more cases for every [`Bip322Error`] variant and every
//! [`ScriptFailure`], each checked for its variant and its kind.

use super::*;
use bitcoin::psbt::Psbt;
use bitcoin::script::Builder;
use bitcoin::{Amount, TxOut, Witness};
use wallet_core::bitcoin::Payload;

fn a() -> PrivateKey {
    key(WIF_A)
}

fn addr(kind: AddressType) -> Address {
    address_of(&a(), kind, NetworkParams::BITCOIN)
}

const MSG: &[u8] = b"errors";

fn signed(kind: AddressType, format: Format) -> String {
    bip322::sign(&a(), &addr(kind), MSG, format).unwrap()
}

fn verify_err(kind: AddressType, sig: &str) -> Bip322Error {
    bip322::verify(&addr(kind), MSG, sig).unwrap_err()
}

fn script_failure(kind: AddressType, sig: &str) -> ScriptFailure {
    match verify_err(kind, sig) {
        e @ Bip322Error::ScriptFailed { failure, .. } => {
            assert_eq!(e.kind(), ErrorKind::BadSignature);
            assert!(e.to_string().starts_with("invalid signature"), "{e}");
            failure
        }
        e => panic!("expected a script failure, got {e:?}"),
    }
}

#[test]
fn undecodable_signatures_are_invalid_input() {
    let p2wpkh = AddressType::P2wpkh;
    for (sig, want) in [
        ("", Bip322Error::Empty),
        ("   ", Bip322Error::Empty),
        ("not-valid-base64!!!", Bip322Error::Base64 { format: None }),
        (
            "smp!!!!",
            Bip322Error::Base64 {
                format: Some(Format::Simple),
            },
        ),
        (
            "ful%%",
            Bip322Error::Base64 {
                format: Some(Format::Full),
            },
        ),
        (
            "pof====",
            Bip322Error::Base64 {
                format: Some(Format::ProofOfFunds),
            },
        ),
    ] {
        let e = verify_err(p2wpkh, sig);
        assert_eq!(e, want);
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    for (sig, format) in [
        (format!("smp{}", B64.encode([5u8])), Format::Simple),
        (
            format!("ful{}", B64.encode(b"not a transaction")),
            Format::Full,
        ),
        (
            format!("pof{}", B64.encode(b"not a psbt")),
            Format::ProofOfFunds,
        ),
    ] {
        match verify_err(p2wpkh, &sig) {
            e @ Bip322Error::Malformed { format: f, .. } if f == format => {
                assert_eq!(e.kind(), ErrorKind::InvalidInput)
            }
            e => panic!("{format}: {e:?}"),
        }
    }
    // A BIP137 header on an r of zero: legacy, but not a signature.
    let mut legacy = [0u8; 65];
    legacy[0] = 31;
    let e = verify_err(AddressType::P2pkh, &B64.encode(legacy));
    assert!(
        matches!(
            e,
            Bip322Error::Malformed {
                format: Format::Legacy,
                ..
            }
        ),
        "{e:?}"
    );
}

fn full_with(kind: AddressType, change: impl FnOnce(&mut Transaction)) -> String {
    let mut tx = decode_full(&signed(kind, Format::Full));
    change(&mut tx);
    encode_full(&tx)
}

/// One edit of a decoded `to_sign`.
type Change = Box<dyn FnOnce(&mut Transaction)>;

#[test]
fn to_sign_that_breaks_the_bip_is_refused() {
    let p2wpkh = AddressType::P2wpkh;
    let op_return = |tx: &Transaction| tx.output[0].clone();
    let cases: Vec<Change> = vec![
        Box::new(move |tx| tx.output.push(op_return(tx))),
        Box::new(|tx| tx.output.clear()),
        Box::new(|tx| tx.output[0].value = Amount::from_sat(1)),
        Box::new(|tx| tx.output[0].script_pubkey = ScriptBuf::from(vec![0x6a, 0x01, 0x00])),
        Box::new(|tx| tx.input[0].previous_output.vout = 1),
        Box::new(|tx| tx.input.push(tx.input[0].clone())),
    ];
    for change in cases {
        let e = verify_err(p2wpkh, &full_with(p2wpkh, change));
        assert!(matches!(e, Bip322Error::InvalidToSign { .. }), "{e:?}");
        assert_eq!(e.kind(), ErrorKind::BadSignature);
    }
    let e = verify_err(p2wpkh, &full_with(p2wpkh, |tx| tx.version = Version(1)));
    assert_eq!(e, Bip322Error::ToSignVersion { version: 1 });
    assert_eq!(e.kind(), ErrorKind::Unsupported);
}

#[test]
fn another_message_or_address() {
    for kind in [AddressType::P2wpkh, AddressType::P2tr, AddressType::P2pkh] {
        let sig = signed(kind, Format::Full);
        let e = bip322::verify(&addr(kind), b"other", &sig).unwrap_err();
        assert_eq!(e, Bip322Error::MessageMismatch, "{kind}");
    }
    let b = address_of(&key(WIF_B), AddressType::P2wpkh, NetworkParams::BITCOIN);
    for format in [Format::Simple, Format::Full] {
        let e = bip322::verify(&b, MSG, &signed(AddressType::P2wpkh, format)).unwrap_err();
        let want = Bip322Error::WrongAddress {
            address: b.to_string(),
            signer: addr(AddressType::P2wpkh).to_string(),
        };
        assert_eq!(e, want, "{format}");
        assert_eq!(e.kind(), ErrorKind::BadSignature);
    }
    let sig = flip_signature_byte(&signed(AddressType::P2tr, Format::Simple), Format::Simple);
    assert_eq!(
        verify_err(AddressType::P2tr, &sig),
        Bip322Error::InvalidSignature { input: 0 }
    );
}

fn simple_with(kind: AddressType, change: impl FnOnce(&mut Vec<Vec<u8>>)) -> String {
    let mut w = decode_witness(&signed(kind, Format::Simple));
    change(&mut w);
    encode_witness(&w)
}

/// The DER signature of a simple P2WPKH signature with `s` replaced by `n - s`.
fn high_s(der_and_type: &[u8]) -> Vec<u8> {
    let (ty, der) = der_and_type.split_last().unwrap();
    let sig = k256::ecdsa::Signature::from_der(der).unwrap();
    let (r, s) = sig.split_scalars();
    let high = k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
    let mut out = high.to_der().as_bytes().to_vec();
    out.push(*ty);
    out
}

#[test]
fn signature_encoding_rules() {
    let (wpkh, tr) = (AddressType::P2wpkh, AddressType::P2tr);
    let f = script_failure(
        wpkh,
        &simple_with(wpkh, |w| *w[0].last_mut().unwrap() = 0x02),
    );
    assert_eq!(f, ScriptFailure::SighashType(0x02));
    let f = script_failure(wpkh, &simple_with(wpkh, |w| w[0][0] = 0x31));
    assert_eq!(f, ScriptFailure::NotStrictDer);
    let f = script_failure(wpkh, &simple_with(wpkh, |w| w[0] = high_s(&w[0])));
    assert_eq!(f, ScriptFailure::HighS);
    let f = script_failure(tr, &simple_with(tr, |w| w[0].push(0x00)));
    assert_eq!(f, ScriptFailure::SighashType(0x00));
    let f = script_failure(tr, &simple_with(tr, |w| w[0].push(0x83)));
    assert_eq!(f, ScriptFailure::SighashType(0x83));
    let f = script_failure(tr, &simple_with(tr, |w| w[0].truncate(63)));
    assert_eq!(f, ScriptFailure::SchnorrLength(63));
    let f = script_failure(wpkh, "smpAA==");
    assert_eq!(
        f,
        ScriptFailure::StackSize {
            expected: 2,
            found: 0
        }
    );
    let f = script_failure(tr, &simple_with(tr, |w| w.clear()));
    assert_eq!(
        f,
        ScriptFailure::StackSize {
            expected: 1,
            found: 0
        }
    );
}

#[test]
fn script_push_rules() {
    let (pkh, sh) = (AddressType::P2pkh, AddressType::P2shP2wpkh);
    let non_minimal = full_with(pkh, |tx| {
        let items: Vec<Vec<u8>> = tx.input[0]
            .script_sig
            .instructions()
            .map(|i| i.unwrap().push_bytes().unwrap().as_bytes().to_vec())
            .collect();
        let mut raw = vec![0x4c, items[0].len() as u8]; // OP_PUSHDATA1 for a short push
        raw.extend_from_slice(&items[0]);
        raw.push(items[1].len() as u8);
        raw.extend_from_slice(&items[1]);
        tx.input[0].script_sig = ScriptBuf::from(raw);
    });
    assert_eq!(
        script_failure(pkh, &non_minimal),
        ScriptFailure::NonMinimalPush
    );
    let dup = full_with(sh, |tx| {
        let mut raw = vec![0x76]; // OP_DUP in a P2SH scriptSig
        raw.extend_from_slice(tx.input[0].script_sig.as_bytes());
        tx.input[0].script_sig = ScriptBuf::from(raw);
    });
    assert_eq!(script_failure(sh, &dup), ScriptFailure::BadPush);
    let cut = full_with(sh, |tx| {
        tx.input[0].script_sig = ScriptBuf::from(vec![0x05, 0x01])
    });
    assert_eq!(script_failure(sh, &cut), ScriptFailure::BadPush);
    let extra = full_with(sh, |tx| {
        let mut raw = vec![0x02, 0xab, 0xcd];
        raw.extend_from_slice(tx.input[0].script_sig.as_bytes());
        tx.input[0].script_sig = ScriptBuf::from(raw);
    });
    assert_eq!(
        script_failure(sh, &extra),
        ScriptFailure::UnexpectedScriptSig
    );
}

#[test]
fn script_sig_and_witness_placement_rules() {
    let (pkh, wpkh) = (AddressType::P2pkh, AddressType::P2wpkh);
    let sig_on_native = full_with(wpkh, |tx| {
        tx.input[0].script_sig = ScriptBuf::from(vec![0x02, 0xab, 0xcd])
    });
    assert_eq!(
        script_failure(wpkh, &sig_on_native),
        ScriptFailure::UnexpectedScriptSig
    );
    let witness_on_legacy = full_with(pkh, |tx| {
        tx.input[0].witness = Witness::from_slice(&[[1u8]])
    });
    assert_eq!(
        script_failure(pkh, &witness_on_legacy),
        ScriptFailure::UnexpectedWitness
    );
    let three = full_with(pkh, |tx| {
        let mut raw = vec![0x02, 0xab, 0xcd];
        raw.extend_from_slice(tx.input[0].script_sig.as_bytes());
        tx.input[0].script_sig = ScriptBuf::from(raw);
    });
    assert_eq!(
        script_failure(pkh, &three),
        ScriptFailure::StackSize {
            expected: 2,
            found: 3
        }
    );
}

fn multisig_row() -> Value {
    let v = vectors();
    rows(&v, "generated", "simple")
        .iter()
        .find(|r| text(r, "type") == "p2wsh-multisig-2of2")
        .unwrap()
        .clone()
}

#[test]
fn multisig_rules() {
    let row = multisig_row();
    let (address, msg) = (btc(text(&row, "address")), text(&row, "message"));
    let mut w = decode_witness(sigs(&row)[0]);
    w[0] = vec![0x01];
    let e = bip322::verify(&address, msg.as_bytes(), &encode_witness(&w)).unwrap_err();
    assert!(
        matches!(
            e,
            Bip322Error::ScriptFailed {
                failure: ScriptFailure::NullDummy,
                ..
            }
        ),
        "{e:?}"
    );
    // Signatures out of key order fail (each key is tried once, in order).
    let mut w = decode_witness(sigs(&row)[0]);
    w.swap(1, 2);
    let e = bip322::verify(&address, msg.as_bytes(), &encode_witness(&w)).unwrap_err();
    assert_eq!(e, Bip322Error::InvalidSignature { input: 0 });
    // A 1-of-1 whose key is not a curve point: STRICTENC.
    let mut not_a_point = [0xff; 33];
    not_a_point[0] = 0x02;
    let script = Builder::new()
        .push_int(1)
        .push_slice(not_a_point)
        .push_int(1)
        .push_opcode(bitcoin::opcodes::all::OP_CHECKMULTISIG)
        .into_script();
    let bad_key = wsh_address(&script);
    let sig = decode_witness(sigs(&row)[0])[1].clone();
    let stack = encode_witness(&[vec![], sig, script.to_bytes()]);
    let e = bip322::verify(&bad_key, msg.as_bytes(), &stack).unwrap_err();
    assert!(
        matches!(
            e,
            Bip322Error::ScriptFailed {
                failure: ScriptFailure::PubkeyEncoding,
                ..
            }
        ),
        "{e:?}"
    );
}

fn wsh_address(script: &bitcoin::Script) -> Address {
    use bitcoin::hashes::{sha256, Hash};
    let program = sha256::Hash::hash(script.as_bytes())
        .to_byte_array()
        .to_vec();
    Address::new(
        Payload::Witness {
            version: 0,
            program,
        },
        NetworkParams::BITCOIN,
    )
}

#[test]
fn scripts_beyond_the_templates_are_inconclusive() {
    let op_true = ScriptBuf::from(vec![0x51]);
    let v2 = Address::new(
        Payload::Witness {
            version: 2,
            program: vec![0; 32],
        },
        NetworkParams::BITCOIN,
    );
    let tr = addr(AddressType::P2tr);
    let tr_sig = decode_witness(&signed(AddressType::P2tr, Format::Simple))[0].clone();
    for (address, sig) in [
        (wsh_address(&op_true), encode_witness(&[op_true.to_bytes()])),
        (v2, encode_witness(&[vec![1]])),
        (tr.clone(), encode_witness(&[tr_sig.clone(), vec![0x50, 1]])),
        (tr, encode_witness(&[vec![1], vec![0x51], vec![0xc0; 33]])),
    ] {
        let e = bip322::verify(&address, MSG, &sig).unwrap_err();
        assert!(
            matches!(e, Bip322Error::CannotEvaluate { input: 0, .. }),
            "{e:?}"
        );
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert_eq!(wallet_core::Error::from(e).kind(), ErrorKind::Unsupported);
    }
    let non_push = full_with(AddressType::P2pkh, |tx| {
        let mut raw = tx.input[0].script_sig.to_bytes();
        raw.push(0x61); // OP_NOP
        tx.input[0].script_sig = ScriptBuf::from(raw);
    });
    let e = verify_err(AddressType::P2pkh, &non_push);
    assert!(matches!(e, Bip322Error::CannotEvaluate { .. }), "{e:?}");
}

fn pof_with(change: impl FnOnce(&mut Psbt)) -> (Address, String, String) {
    let v = vectors();
    let row = &rows(&v, "generated", "proof_of_funds")[0];
    let raw = B64.decode(sigs(row)[0].trim_start_matches("pof")).unwrap();
    let mut psbt = Psbt::deserialize(&raw).unwrap();
    change(&mut psbt);
    let sig = format!("pof{}", B64.encode(psbt.serialize()));
    (
        btc(text(row, "address")),
        text(row, "message").to_owned(),
        sig,
    )
}

#[test]
fn proof_of_funds_rules() {
    let (address, msg, sig) = pof_with(|p| {
        p.inputs[1].non_witness_utxo = None;
        p.inputs[1].witness_utxo = None;
    });
    assert_eq!(
        bip322::verify(&address, msg.as_bytes(), &sig).unwrap_err(),
        Bip322Error::MissingUtxo { input: 1 }
    );
    let (address, msg, sig) = pof_with(|p| {
        p.inputs[1].final_script_sig = None;
        p.inputs[1].final_script_witness = None;
    });
    assert_eq!(
        bip322::verify(&address, msg.as_bytes(), &sig).unwrap_err(),
        Bip322Error::NotFinalized { input: 1 }
    );
    let (address, _, sig) = pof_with(|_| {});
    let e = bip322::verify(&address, b"another message", &sig).unwrap_err();
    assert_eq!(e, Bip322Error::MessageMismatch);
    // A UTXO the signature does not match: the proven input fails.
    let (address, msg, sig) = pof_with(|p| {
        let mut utxo = p.inputs[2].witness_utxo.clone().unwrap_or(TxOut {
            value: Amount::ZERO,
            script_pubkey: ScriptBuf::new(),
        });
        utxo.value = Amount::from_sat(utxo.value.to_sat() + 1);
        p.inputs[2].witness_utxo = Some(utxo);
    });
    let e = bip322::verify(&address, msg.as_bytes(), &sig).unwrap_err();
    assert_eq!(e, Bip322Error::InvalidSignature { input: 2 });
}

#[test]
fn signing_refusals() {
    let (k, b) = (a(), key(WIF_B));
    let other = address_of(&b, AddressType::P2wpkh, NetworkParams::BITCOIN);
    let e = bip322::sign(&k, &other, MSG, Format::Simple).unwrap_err();
    assert!(matches!(e, Bip322Error::KeyMismatch { .. }), "{e:?}");
    assert_eq!(e.kind(), ErrorKind::InvalidKey);
    assert_eq!(wallet_core::Error::from(e).kind(), ErrorKind::InvalidKey);
    for kind in AddressType::ALL {
        let theirs = address_of(&b, kind, NetworkParams::BITCOIN);
        let e = bip322::sign(&k, &theirs, MSG, Format::Full).unwrap_err();
        assert!(
            matches!(e, Bip322Error::KeyMismatch { .. }),
            "{kind}: {e:?}"
        );
    }
    let wsh = wsh_address(&ScriptBuf::from(vec![0x51]));
    let v2 = Address::new(
        Payload::Witness {
            version: 2,
            program: vec![0; 32],
        },
        NetworkParams::BITCOIN,
    );
    for (address, format) in [
        (wsh, Format::Full),
        (v2, Format::Full),
        (addr(AddressType::P2wpkh), Format::ProofOfFunds),
    ] {
        let e = bip322::sign(&k, &address, MSG, format).unwrap_err();
        assert!(matches!(e, Bip322Error::CannotSign { .. }), "{e:?}");
        assert_eq!(e.kind(), ErrorKind::Unsupported);
    }
    let locked = SignOptions {
        time_locks: TimeLocks {
            lock_time: LockTime::from_consensus(100),
            ..TimeLocks::NONE
        },
        ..SignOptions::default()
    };
    let version_one = SignOptions {
        time_locks: TimeLocks {
            version: Version(1),
            ..TimeLocks::NONE
        },
        ..SignOptions::default()
    };
    for (kind, format, options) in [
        (AddressType::P2wpkh, Format::Legacy, SignOptions::default()),
        (AddressType::P2tr, Format::Legacy, SignOptions::default()),
        (AddressType::P2pkh, Format::Simple, SignOptions::default()),
        (
            AddressType::P2shP2wpkh,
            Format::Simple,
            SignOptions::default(),
        ),
        (AddressType::P2wpkh, Format::Simple, locked),
        (AddressType::P2wpkh, Format::Full, version_one),
    ] {
        let e = bip322::sign_with(&k, &addr(kind), MSG, format, &options).unwrap_err();
        assert!(
            matches!(e, Bip322Error::FormatNotAllowed { format: f, .. } if f == format),
            "{kind} {format}: {e:?}"
        );
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
}

#[test]
fn uncompressed_p2pkh_keys_sign_both_formats() {
    let k = a();
    let h = wallet_core::hash::hash160(&k.public_key().to_uncompressed());
    let address = Address::new(Payload::PubkeyHash(h), NetworkParams::BITCOIN);
    for format in [Format::Legacy, Format::Full] {
        let sig = bip322::sign(&k, &address, MSG, format).unwrap();
        assert_eq!(bip322::verify(&address, MSG, &sig).unwrap().format, format);
        let compressed = addr(AddressType::P2pkh);
        assert_eq!(
            bip322::verify(&compressed, MSG, &sig).unwrap_err().kind(),
            ErrorKind::BadSignature
        );
    }
}
