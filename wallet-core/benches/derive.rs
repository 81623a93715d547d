#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! Derivation benchmarks: mnemonic → seed, BIP32 hardened and public
//! derivation, and address walks per type.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use wallet_core::account::{self, AddressFormat};
use wallet_core::bitcoin::{AddressType, NetworkParams};
use wallet_core::hd::{ChildIndex, DerivationPath, ExtendedPrivateKey};
use wallet_core::mnemonic::Mnemonic;

const PHRASE: &str = "test test test test test test test test test test test junk";

fn master() -> ExtendedPrivateKey {
    let m = Mnemonic::parse(PHRASE).expect("phrase");
    ExtendedPrivateKey::from_seed(&m.to_seed("")).expect("master")
}

fn bench(c: &mut Criterion) {
    let m = Mnemonic::parse(PHRASE).expect("phrase");
    c.bench_function("mnemonic_to_seed", |b| b.iter(|| m.to_seed(black_box(""))));

    let master = master();
    c.bench_function("bip32_hardened_child", |b| {
        let idx = ChildIndex::hardened(0).expect("index");
        b.iter(|| master.derive_child(black_box(idx)).expect("derive"))
    });

    let parent_path: DerivationPath = "m/44'/60'/0'/0".parse().expect("path");
    let xpub = master.derive_path(&parent_path).expect("derive").to_xpub();
    c.bench_function("bip32_public_child", |b| {
        let idx = ChildIndex::normal(7).expect("index");
        b.iter(|| xpub.derive_child(black_box(idx)).expect("derive"))
    });

    let mut g = c.benchmark_group("address_walk_500_one_thread");
    let formats = [
        ("ethereum", AddressFormat::Ethereum),
        (
            "p2pkh",
            AddressFormat::Bitcoin {
                params: NetworkParams::BITCOIN,
                kind: AddressType::P2pkh,
            },
        ),
        (
            "p2wpkh",
            AddressFormat::Bitcoin {
                params: NetworkParams::BITCOIN,
                kind: AddressType::P2wpkh,
            },
        ),
        (
            "p2tr",
            AddressFormat::Bitcoin {
                params: NetworkParams::BITCOIN,
                kind: AddressType::P2tr,
            },
        ),
    ];
    for (name, format) in formats {
        // 500 stays under the parallel threshold: a single-core figure.
        g.throughput(Throughput::Elements(500));
        g.bench_function(name, |b| {
            b.iter(|| account::walk(&xpub, &parent_path, &format, 0, black_box(500)).expect("walk"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
