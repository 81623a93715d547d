//! The costs of k256's building blocks on this machine (what signing and
//! derivation are made of).

#![allow(missing_docs, clippy::unwrap_used)]
use criterion::{black_box, criterion_group, criterion_main, Criterion};

use k256::{ProjectivePoint, Scalar};

fn bench(c: &mut Criterion) {
    let mut c = c.benchmark_group("k256");
    let s = Scalar::from(123456789u64) * Scalar::from(987654321u64);
    c.bench_function("mul_by_generator", |b| {
        b.iter(|| ProjectivePoint::mul_by_generator(black_box(&s)))
    });
    let p = ProjectivePoint::mul_by_generator(&s);
    c.bench_function("to_affine", |b| b.iter(|| black_box(p).to_affine()));
    c.bench_function("scalar_invert", |b| b.iter(|| black_box(s).invert()));
    c.bench_function("scalar_invert_vartime", |b| {
        b.iter(|| black_box(s).invert_vartime())
    });
    let sk = k256::ecdsa::SigningKey::from_bytes(&[0x46u8; 32].into()).unwrap();
    c.bench_function("signingkey_from", |b| {
        b.iter(|| k256::ecdsa::SigningKey::from_bytes(black_box(&[0x46u8; 32].into())).unwrap())
    });
    let d = [7u8; 32];
    c.bench_function("sign_prehash_recoverable", |b| {
        b.iter(|| sk.sign_prehash_recoverable(black_box(&d)))
    });
    c.finish();
}
criterion_group!(benches, bench);
criterion_main!(benches);
