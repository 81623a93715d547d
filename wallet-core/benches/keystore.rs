//! Keystore unlock at the default argon2id parameters (64 MiB, t = 3, p = 4)
//! and an Ethereum V3 file at geth's standard scrypt (N = 2^18, r = 8, p = 1).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use wallet_core::key::PrivateKey;
use wallet_core::keystore::{v3, KdfParams, WalletFile, WalletSecret};
use wallet_core::mnemonic::Mnemonic;
use wallet_core::secret::SecretString;

fn bench(c: &mut Criterion) {
    let secret = WalletSecret::from_mnemonic(
        Mnemonic::parse("test test test test test test test test test test test junk").unwrap(),
        SecretString::default(),
    )
    .unwrap();
    let (file, _) = WalletFile::seal(
        "b",
        "2026-01-01T00:00:00Z",
        &secret,
        b"password",
        KdfParams::DEFAULT,
    )
    .unwrap();
    let bytes = file.to_bytes().unwrap();
    let mut g = c.benchmark_group("keystore");
    g.sample_size(10);
    g.bench_function("unlock_argon2id_default", |b| {
        b.iter(|| {
            WalletFile::parse(&bytes)
                .unwrap()
                .unlock(b"password", false)
                .unwrap()
        })
    });
    let key = PrivateKey::from_hex(&"42".repeat(32)).unwrap();
    let v3_text = v3::encrypt(&key, b"password", v3::ScryptParams::STANDARD).unwrap();
    g.bench_function("unlock_v3_scrypt_2_18", |b| {
        b.iter(|| v3::decrypt(&v3_text, b"password").unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
