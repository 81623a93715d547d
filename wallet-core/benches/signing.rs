//! Signing benchmarks: ECDSA (RFC 6979, low-S) sign and verify, BIP340
//! Schnorr sign, an EIP-1559 transaction signed and encoded, and PSBT
//! signing with 1 and 10 inputs.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use bitcoin::psbt::Psbt;
use bitcoin::{Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use wallet_core::bitcoin::psbt::{self, KeyRing};
use wallet_core::bitcoin::{Address, AddressType, NetworkParams};
use wallet_core::ecdsa;
use wallet_core::ethereum::{ChainId, Gas, Nonce, Transaction as EthTx, TxEip1559, TxKind, Wei};
use wallet_core::key::PrivateKey;
use wallet_core::schnorr::{self, AuxRand};

fn psbt_with(inputs: usize, key: &PrivateKey) -> Psbt {
    let spk = ScriptBuf::from_bytes(
        Address::from_public_key(
            &key.public_key(),
            AddressType::P2wpkh,
            NetworkParams::BITCOIN,
        )
        .unwrap()
        .script_pubkey(),
    );
    let mut tx = Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![],
        output: vec![TxOut {
            value: Amount::from_sat(1000),
            script_pubkey: spk.clone(),
        }],
    };
    for i in 0..inputs {
        tx.input.push(TxIn {
            previous_output: OutPoint {
                txid: Txid::from_raw_hash(bitcoin::hashes::Hash::from_byte_array(
                    [i as u8 + 1; 32],
                )),
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::new(),
        });
    }
    let mut p = Psbt::from_unsigned_tx(tx).unwrap();
    for input in &mut p.inputs {
        input.witness_utxo = Some(TxOut {
            value: Amount::from_sat(100_000),
            script_pubkey: spk.clone(),
        });
    }
    p
}

fn bench(c: &mut Criterion) {
    let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
    let digest = wallet_core::hash::keccak256(b"benchmark");
    let sig = ecdsa::sign_prehash(&key, &digest).unwrap();
    let pk = key.public_key();
    let mut g = c.benchmark_group("signing");
    g.throughput(Throughput::Elements(1));
    g.bench_function("ecdsa_sign", |b| {
        b.iter(|| ecdsa::sign_prehash(&key, black_box(&digest)).unwrap())
    });
    g.bench_function("ecdsa_verify", |b| {
        b.iter(|| ecdsa::verify_prehash(&pk, black_box(&digest), &sig.r, &sig.s))
    });
    g.bench_function("schnorr_sign", |b| {
        b.iter(|| schnorr::sign(&key, black_box(&digest), AuxRand::Fixed([0; 32])).unwrap())
    });
    let tx = EthTx::Eip1559(TxEip1559 {
        chain_id: ChainId(1),
        nonce: Nonce(7),
        gas_limit: Gas(21_000),
        max_fee_per_gas: Wei::from_gwei(30),
        max_priority_fee_per_gas: Wei::from_gwei(1),
        to: TxKind::Call(
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
                .parse()
                .unwrap(),
        ),
        value: Wei::from_gwei(1_000_000),
        input: vec![],
        access_list: vec![],
    });
    g.bench_function("eip1559_sign_and_encode", |b| {
        b.iter(|| {
            let s = black_box(tx.clone()).sign(&key).unwrap();
            black_box(s.to_raw())
        })
    });
    g.finish();
    let ring = KeyRing::from_keys(vec![key.clone()]);
    let mut g = c.benchmark_group("psbt_sign");
    for n in [1usize, 10] {
        let p = psbt_with(n, &key);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("p2wpkh_{n}_inputs"), |b| {
            b.iter(|| {
                let mut q = p.clone();
                psbt::sign(&mut q, &ring, AuxRand::Random).unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
