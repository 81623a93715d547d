//! The keystore's argon2id against RFC 9106 and against wallet files written
//! before its lanes were computed in parallel: parallel lanes must not change
//! a single output byte.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use serde_json::Value;
use wallet_core::keystore::{WalletFile, WalletSecret};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata");

fn bytes(v: &Value, field: &str) -> Vec<u8> {
    hex::decode(v[field].as_str().unwrap()).unwrap()
}

fn number(v: &Value, field: &str) -> u32 {
    u32::try_from(v[field].as_u64().unwrap()).unwrap()
}

#[test]
fn rfc9106_argon2id_vector() {
    let text = std::fs::read_to_string(format!("{ROOT}/vectors/rfc9106_argon2id.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["algorithm"], "argon2id");
    assert_eq!(v["version"], 19);
    let tag = bytes(&v, "tag");
    let params = ParamsBuilder::new()
        .m_cost(number(&v, "memory_kib"))
        .t_cost(number(&v, "passes"))
        .p_cost(number(&v, "lanes"))
        .data(AssociatedData::new(&bytes(&v, "associated_data")).unwrap())
        .output_len(tag.len())
        .build()
        .unwrap();
    let secret = bytes(&v, "secret");
    let argon =
        Argon2::new_with_secret(&secret, Algorithm::Argon2id, Version::V0x13, params).unwrap();
    let mut out = vec![0u8; tag.len()];
    argon
        .hash_password_into(&bytes(&v, "password"), &bytes(&v, "salt"), &mut out)
        .unwrap();
    assert_eq!(hex::encode(&out), hex::encode(&tag));
}

fn unlock(file: &str, password: &[u8]) -> wallet_core::Result<WalletSecret> {
    let raw = std::fs::read(format!("{ROOT}/keystore/{file}")).unwrap();
    // The 8 MiB file is below the default floor: allow weak parameters.
    WalletFile::parse(&raw).unwrap().unlock(password, true)
}

/// Files sealed with argon2 0.5, which computed the lanes one after another.
#[test]
fn files_written_with_sequential_lanes_still_unlock() {
    let anvil_first = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    for file in ["argon2id-m65536-t3-p4.json", "argon2id-m8192-t2-p3.json"] {
        let secret = unlock(file, b"fixture password").unwrap();
        let master = secret.master().expect("an HD wallet");
        let path = wallet_core::hd::ethereum_path(0, 0).unwrap();
        let key = master.derive_path(&path).unwrap();
        let address = wallet_core::ethereum::Address::from_public_key(key.to_xpub().public_key());
        assert_eq!(address.to_string(), anvil_first, "{file}");
        assert!(unlock(file, b"fixture passwore").is_err(), "{file}");
    }
}
