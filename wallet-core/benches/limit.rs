//! Ours against the physical limit, per operation, in the same run:
//! generator multiplication, one BIP32 child public key (tweak-add and
//! serialise), a recoverable ECDSA signature, a verification and a public-key
//! recovery.
//!
//! `cargo bench -p wallet-core --bench limit` runs criterion. With
//! `WALLET_OPS=<op>:<n>` set it instead runs `n` plain iterations of one
//! operation and exits: a fixed amount of work for
//! `valgrind --tool=callgrind`, whose instruction counts stay repeatable on a
//! machine that others share (`<op>`: one of [`OPS`]).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, Criterion};
use wallet_core::account::{self, AddressFormat};
use wallet_core::ecdsa::{self, RecoverableSignature};
use wallet_core::ethereum::{ChainId, Fees, Gas, Nonce, Transaction, Wei};
use wallet_core::hd::{ChildIndex, DerivationPath, ExtendedPrivateKey, ExtendedPublicKey};
use wallet_core::key::{PrivateKey, PublicKey};
use wallet_core::mnemonic::Mnemonic;

const PHRASE: &str = "test test test test test test test test test test test junk";

/// The operations `WALLET_OPS` can name.
const OPS: [&str; 8] = [
    "mul_g", "child", "children", "walk_eth", "sign", "verify", "recover", "eip1559",
];

/// Inputs shared by every operation.
struct Fixture {
    xpub: ExtendedPublicKey,
    parent_path: DerivationPath,
    key: PrivateKey,
    pk: PublicKey,
    digest: [u8; 32],
    sig: RecoverableSignature,
    tx: Transaction,
}

fn fixture() -> Fixture {
    let m = Mnemonic::parse(PHRASE).unwrap();
    let master = ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
    let parent_path: DerivationPath = "m/44'/60'/0'/0".parse().unwrap();
    let xpub = master.derive_path(&parent_path).unwrap().to_xpub();
    let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
    let digest = wallet_core::hash::keccak256(b"benchmark");
    let sig = ecdsa::sign_prehash(&key, &digest).unwrap();
    let tx = Transaction {
        chain_id: Some(ChainId(1)),
        nonce: Nonce(7),
        gas: Gas(21_000),
        fees: Fees::Eip1559 {
            max_fee: Wei::from_gwei(30),
            max_priority_fee: Wei::from_gwei(1),
        },
        to: Some(
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
                .parse()
                .unwrap(),
        ),
        value: Wei::from_gwei(1_000_000),
        data: vec![],
        access_list: vec![],
    };
    Fixture {
        xpub,
        parent_path,
        pk: key.public_key(),
        key,
        digest,
        sig,
        tx,
    }
}

/// One iteration of operation `op` (iteration `i`, so that derivations differ).
fn run_once(f: &Fixture, op: &str, i: u32) {
    match op {
        "mul_g" => {
            let s = k256::Scalar::from(u64::from(i) + 0x1234_5678_9abc);
            black_box(k256::ProjectivePoint::mul_by_generator(&s).to_affine());
        }
        "child" => {
            let pk = f
                .xpub
                .child_public_key(ChildIndex::normal(i).unwrap())
                .unwrap();
            black_box(pk.to_compressed());
        }
        "sign" => {
            black_box(ecdsa::sign_prehash(&f.key, black_box(&f.digest)).unwrap());
        }
        "verify" => {
            assert!(ecdsa::verify_prehash(
                &f.pk,
                black_box(&f.digest),
                &f.sig.r,
                &f.sig.s
            ));
        }
        "recover" => {
            black_box(ecdsa::recover(black_box(&f.digest), &f.sig).unwrap());
        }
        "eip1559" => {
            let s = black_box(f.tx.clone()).sign(&f.key).unwrap();
            black_box(s.to_raw());
        }
        other => panic!("unknown operation {other}; one of {OPS:?}"),
    }
}

/// `WALLET_OPS=<op>:<n>`: `n` iterations of `op`, nothing else.
fn fixed_work(spec: &str) {
    let (op, n) = spec.split_once(':').expect("WALLET_OPS=<op>:<n>");
    let n: u32 = n.parse().expect("a count");
    let f = fixture();
    if op == "children" {
        black_box(f.xpub.child_public_keys(0, n).unwrap());
        return;
    }
    if op == "walk_eth" {
        let v = account::walk(&f.xpub, &f.parent_path, &AddressFormat::Ethereum, 0, n).unwrap();
        black_box(v);
        return;
    }
    for i in 0..n {
        run_once(&f, op, i);
    }
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let mut g = c.benchmark_group("limit");
    for op in ["mul_g", "child", "sign", "verify", "recover", "eip1559"] {
        g.bench_function(format!("{op}/ours"), |b| {
            let mut i = 0u32;
            b.iter(|| {
                i = (i + 1) & 0x7fff_ffff;
                run_once(&f, op, i);
            })
        });
    }
    g.finish();
}

fn main() {
    if let Ok(spec) = std::env::var("WALLET_OPS") {
        fixed_work(&spec);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
