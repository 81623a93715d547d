//! Single-key formats: hex, WIF, PEM (as OpenSSL writes them), public keys;
//! every import re-exports byte-identically, every corruption is rejected.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use wallet_core::bitcoin::{Chain, Network, NetworkParams, Wif};
use wallet_core::key::{PrivateKey, PublicKey};
use wallet_core::ErrorKind;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../testdata/fixtures/pem/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn openssl_pem_round_trips_byte_identically() {
    let hex_key = fixture("openssl_key.hex").trim().to_owned();
    let sec1 = fixture("openssl_sec1.pem");
    let pkcs8 = fixture("openssl_pkcs8.pem");
    let k1 = PrivateKey::from_pem(&sec1).unwrap();
    let k2 = PrivateKey::from_pem(&pkcs8).unwrap();
    assert_eq!(k1.to_hex().expose(), hex_key);
    assert_eq!(k1, k2);
    assert_eq!(k1.to_sec1_pem().unwrap().expose(), sec1);
    assert_eq!(k1.to_pkcs8_pem().unwrap().expose(), pkcs8);
    // OpenSSL's compressed-point variant reads as the same key.
    let k3 = PrivateKey::from_pem(&fixture("openssl_sec1_compressed.pem")).unwrap();
    assert_eq!(k3, k1);
    // `openssl ecparam -genkey` without -noout puts an EC PARAMETERS block
    // first: the same key, and it re-exports as the bare SEC1 file.
    let k4 = PrivateKey::from_pem(&fixture("openssl_sec1_with_params.pem")).unwrap();
    assert_eq!(k4, k1);
    assert_eq!(k4.to_sec1_pem().unwrap().expose(), sec1);
}

#[test]
fn pem_of_another_curve_is_refused_with_a_reason() {
    let e = PrivateKey::from_pem(&fixture("openssl_p256_with_params.pem")).unwrap_err();
    assert!(e.to_string().contains("secp256k1"), "{e}");
    // Without its parameters block, the key itself names its curve.
    let p256 = fixture("openssl_p256_with_params.pem");
    let bare = &p256[p256.find("-----BEGIN EC PRIVATE KEY-----").unwrap()..];
    assert!(PrivateKey::from_pem(bare).is_err());
}

#[test]
fn pem_negative_cases() {
    let sec1 = fixture("openssl_sec1.pem");
    // Corrupt one base64 character of the body.
    let mut lines: Vec<String> = sec1.lines().map(str::to_owned).collect();
    let swap = if &lines[1][10..11] == "A" { "B" } else { "A" };
    lines[1].replace_range(10..11, swap);
    let bad = lines.join("\n");
    assert!(PrivateKey::from_pem(&bad).is_err());
    // Truncated.
    assert!(PrivateKey::from_pem(&sec1[..sec1.len() / 2]).is_err());
    // A P-256 key (wrong curve) from `openssl ecparam -name prime256v1 -genkey`.
    let p256 = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBlGGU9Ob8QDtnSlMpcqbRbCpIMCdU4p7Yh5uLN2u2QHoAoGCCqGSM49\nAwEHoUQDQgAEMg6p4Az3Fo5XxKUK7iY9xfs4fjKBMP8nbK0wLfC7hGzLjBJgc+Xi\nzE3uUbL7ANDzCTLVH1z4mPbjs1NtCpXsIw==\n-----END EC PRIVATE KEY-----\n";
    assert!(PrivateKey::from_pem(p256).is_err());
    assert_eq!(
        PrivateKey::from_pem(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"
        )
        .unwrap_err()
        .kind(),
        ErrorKind::Unsupported
    );
    assert_eq!(
        PrivateKey::from_pem("").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn hex_and_wif_round_trips() {
    let hex_key = "826bc1e3effb401ebf67a01ee47744e77041d313bc79ec3a00a2a940362dbdb4";
    let k = PrivateKey::from_hex(hex_key).unwrap();
    assert_eq!(k.to_hex().expose(), hex_key);
    for params in NetworkParams::ALL {
        for compressed in [true, false] {
            let w = Wif::encode(&k, compressed, params);
            let back = Wif::decode_for(w.expose(), params).unwrap();
            assert_eq!(back.key, k);
            assert_eq!(back.compressed, compressed);
            assert_eq!(back.to_wif().expose(), w.expose());
        }
    }
    let ltc = NetworkParams::new(Chain::Litecoin, Network::Mainnet).unwrap();
    let w = Wif::encode(&k, true, ltc);
    assert!(w.expose().starts_with('T'), "Litecoin WIF starts with T");
    assert_eq!(
        Wif::decode_for(w.expose(), NetworkParams::BITCOIN)
            .unwrap_err()
            .kind(),
        ErrorKind::WrongNetwork
    );
    for bad in [
        "",
        "0x",
        "12",
        &"g".repeat(64),
        &"0".repeat(64),
        &"f".repeat(64),
        &"a".repeat(66),
    ] {
        assert!(PrivateKey::from_hex(bad).is_err(), "{bad}");
    }
}

#[test]
fn public_key_forms() {
    let k =
        PrivateKey::from_hex("826bc1e3effb401ebf67a01ee47744e77041d313bc79ec3a00a2a940362dbdb4")
            .unwrap();
    let pk = k.public_key();
    let c = pk.to_compressed();
    let u = pk.to_uncompressed();
    assert_eq!(u[0], 4);
    assert_eq!(&u[1..33], &c[1..]);
    assert_eq!(PublicKey::from_slice(&c).unwrap(), pk);
    assert_eq!(PublicKey::from_slice(&u).unwrap(), pk);
    assert_eq!(PublicKey::from_hex(&hex::encode(c)).unwrap(), pk);
    let mut off = c;
    off[0] = 0x05;
    assert!(PublicKey::from_slice(&off).is_err());
    assert!(PublicKey::from_slice(&c[..32]).is_err());
    let mut not_on_curve = [0u8; 33];
    not_on_curve[0] = 2;
    not_on_curve[32] = 7;
    assert!(PublicKey::from_slice(&not_on_curve).is_err());
}
