//! Ours against the physical limit, per operation, in the same run: the
//! `secp256k1` crate (libsecp256k1, the C library that `bitcoin` 0.32
//! already links) on the same inputs.
//!
//! Operations (criterion ids `limit_<op>/ours` and `limit_<op>/libsecp256k1`):
//! - `generator_mul`: public key of a secret key (`k·G`, made affine);
//! - `child_tweak_add`: one BIP32 child public key from its tweak
//!   (`P + t·G`, serialised compressed);
//! - `child_in_walk`: one child of a walk of 256, HMAC-SHA512 included
//!   (ours batched with `child_public_keys`; libsecp256k1 one at a time, as
//!   rust-bitcoin's `bip32` does); throughput is per child;
//! - `sign_recoverable`: RFC 6979, low-S, with recovery id;
//! - `verify`, `recover`.
//!
//! `cargo bench -p wallet-core --bench limit` runs criterion. With
//! `WALLET_OPS=<op>/<side>:<n>` set it instead runs `n` plain iterations of
//! one operation and exits: a fixed amount of work for
//! `valgrind --tool=callgrind`, whose instruction counts stay repeatable on
//! a machine that others share. `<side>` is `ours` or `libsecp256k1`; `<op>`
//! is one of the above or `walk_eth` / `eip1559` (ours only).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, Criterion, Throughput};
use hmac::{Hmac, Mac};
use secp256k1::{ecdsa as secp_ecdsa, Message, Secp256k1};
use sha2::Sha512;
use wallet_core::account::{self, AddressFormat};
use wallet_core::ecdsa::{self, RecoverableSignature};
use wallet_core::ethereum::{ChainId, Gas, Nonce, Transaction, TxEip1559, TxKind, Wei};
use wallet_core::hd::{DerivationPath, ExtendedPrivateKey, ExtendedPublicKey};
use wallet_core::key::{PrivateKey, PublicKey};
use wallet_core::mnemonic::Mnemonic;

const PHRASE: &str = "test test test test test test test test test test test junk";
const WALK: u32 = 256;
const OPS: [&str; 6] = [
    "generator_mul",
    "child_tweak_add",
    "child_in_walk",
    "sign_recoverable",
    "verify",
    "recover",
];

/// The same inputs, in our types and in libsecp256k1's.
struct Fixture {
    xpub: ExtendedPublicKey,
    parent_path: DerivationPath,
    key: PrivateKey,
    pk: PublicKey,
    tweak: [u8; 32],
    digest: [u8; 32],
    sig: RecoverableSignature,
    tx: Transaction,
    secp: Secp256k1<secp256k1::All>,
    c_key: secp256k1::SecretKey,
    c_pk: secp256k1::PublicKey,
    c_parent: secp256k1::PublicKey,
    c_tweak: secp256k1::Scalar,
    c_msg: Message,
    c_sig: secp_ecdsa::Signature,
    c_rsig: secp_ecdsa::RecoverableSignature,
}

fn fixture() -> Fixture {
    let m = Mnemonic::parse(PHRASE).unwrap();
    let master = ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
    let parent_path: DerivationPath = "m/44'/60'/0'/0".parse().unwrap();
    let xpub = master.derive_path(&parent_path).unwrap().to_xpub();
    let key = PrivateKey::from_hex(&"46".repeat(32)).unwrap();
    let digest = wallet_core::hash::keccak256(b"benchmark");
    let tweak = wallet_core::hash::sha256(b"tweak");
    let sig = ecdsa::sign_prehash(&key, &digest).unwrap();
    let secp = Secp256k1::new();
    let c_key = secp256k1::SecretKey::from_slice(key.to_bytes().expose()).unwrap();
    let c_msg = Message::from_digest(digest);
    let c_rsig = secp.sign_ecdsa_recoverable(&c_msg, &c_key);
    let (rid, compact) = c_rsig.serialize_compact();
    assert_eq!(compact, sig.to_compact(), "both sign RFC 6979 alike");
    assert_eq!(rid.to_i32(), i32::from(sig.recovery_id));
    let tx = Transaction::Eip1559(TxEip1559 {
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
        input: Vec::new(),
        access_list: Vec::new(),
    });
    Fixture {
        c_pk: secp256k1::PublicKey::from_slice(&key.public_key().to_compressed()).unwrap(),
        c_parent: secp256k1::PublicKey::from_slice(&xpub.public_key().to_compressed()).unwrap(),
        c_tweak: secp256k1::Scalar::from_be_bytes(tweak).unwrap(),
        c_sig: secp.sign_ecdsa(&c_msg, &c_key),
        pk: key.public_key(),
        xpub,
        parent_path,
        key,
        tweak,
        digest,
        sig,
        tx,
        secp,
        c_key,
        c_msg,
        c_rsig,
    }
}

/// One child of a walk the way libsecp256k1 users do it: HMAC, tweak-add,
/// serialise.
fn secp_child(f: &Fixture, keyed: &Hmac<Sha512>, index: u32) -> [u8; 33] {
    let mut mac = keyed.clone();
    mac.update(&f.c_parent.serialize());
    mac.update(&index.to_be_bytes());
    let i = mac.finalize().into_bytes();
    let mut il = [0u8; 32];
    il.copy_from_slice(&i[..32]);
    let t = secp256k1::Scalar::from_be_bytes(il).unwrap();
    f.c_parent.add_exp_tweak(&f.secp, &t).unwrap().serialize()
}

/// One iteration of `op` on `side` (`i` varies the walk's first index).
fn run_once(f: &Fixture, keyed: &Hmac<Sha512>, op: &str, side: &str, i: u32) {
    match (op, side) {
        ("generator_mul", "ours") => {
            black_box(black_box(&f.key).public_key());
        }
        ("generator_mul", _) => {
            black_box(secp256k1::PublicKey::from_secret_key(
                &f.secp,
                black_box(&f.c_key),
            ));
        }
        ("child_tweak_add", "ours") => {
            black_box(f.pk.add_tweak(black_box(&f.tweak)).unwrap().to_compressed());
        }
        ("child_tweak_add", _) => {
            let p = f
                .c_pk
                .add_exp_tweak(&f.secp, black_box(&f.c_tweak))
                .unwrap();
            black_box(p.serialize());
        }
        ("child_in_walk", "ours") => {
            for k in f.xpub.child_public_keys(i, WALK).unwrap() {
                black_box(k.to_compressed());
            }
        }
        ("child_in_walk", _) => {
            for index in i..i + WALK {
                black_box(secp_child(f, keyed, index));
            }
        }
        ("sign_recoverable", "ours") => {
            black_box(ecdsa::sign_prehash(&f.key, black_box(&f.digest)).unwrap());
        }
        ("sign_recoverable", _) => {
            black_box(f.secp.sign_ecdsa_recoverable(black_box(&f.c_msg), &f.c_key));
        }
        ("verify", "ours") => {
            assert!(ecdsa::verify_prehash(
                &f.pk,
                black_box(&f.digest),
                &f.sig.r,
                &f.sig.s
            ));
        }
        ("verify", _) => {
            f.secp
                .verify_ecdsa(black_box(&f.c_msg), &f.c_sig, &f.c_pk)
                .unwrap();
        }
        ("recover", "ours") => {
            black_box(ecdsa::recover(black_box(&f.digest), &f.sig).unwrap());
        }
        ("recover", _) => {
            black_box(
                f.secp
                    .recover_ecdsa(black_box(&f.c_msg), &f.c_rsig)
                    .unwrap(),
            );
        }
        ("eip1559", "ours") => {
            let s = black_box(f.tx.clone()).sign(&f.key).unwrap();
            black_box(s.to_raw());
        }
        ("walk_eth", "ours") => {
            let v = account::walk(&f.xpub, &f.parent_path, &AddressFormat::Ethereum, i, WALK);
            black_box(v.unwrap());
        }
        _ => panic!("unknown operation {op}/{side}; one of {OPS:?}, walk_eth, eip1559"),
    }
}

fn keyed(f: &Fixture) -> Hmac<Sha512> {
    Hmac::<Sha512>::new_from_slice(&f.xpub.chain_code()).unwrap()
}

/// `WALLET_OPS=<op>/<side>:<n>`: `n` iterations of one operation, nothing else.
fn fixed_work(spec: &str) {
    let (name, n) = spec.split_once(':').expect("WALLET_OPS=<op>/<side>:<n>");
    let (op, side) = name.split_once('/').unwrap_or((name, "ours"));
    let n: u32 = n.parse().expect("a count");
    let f = fixture();
    let mac = keyed(&f);
    for i in 0..n {
        run_once(&f, &mac, op, side, i * WALK);
    }
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let mac = keyed(&f);
    for op in OPS {
        let mut g = c.benchmark_group(format!("limit_{op}"));
        let per = if op == "child_in_walk" { WALK } else { 1 };
        g.throughput(Throughput::Elements(u64::from(per)));
        for side in ["ours", "libsecp256k1"] {
            g.bench_function(side, |b| {
                let mut i = 0u32;
                b.iter(|| {
                    i = (i + WALK) % (1 << 30);
                    run_once(&f, &mac, op, side, i);
                })
            });
        }
        g.finish();
    }
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
