//! The committed header equals a fresh cbindgen generation
//! (`UPDATE_HEADER=1 cargo test -p wallet-ffi --test header` rewrites it).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

#[test]
fn header_is_up_to_date() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut fresh = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen")
        .write(&mut fresh);
    let path = crate_dir.join("include/wallet.h");
    if std::env::var_os("UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "wallet-ffi/include/wallet.h is out of date: run UPDATE_HEADER=1 cargo test -p wallet-ffi --test header"
    );
    // Every exported function is declared and documented in docs/ffi.md.
    let header = String::from_utf8(fresh).unwrap();
    let docs = std::fs::read_to_string(crate_dir.join("../docs/ffi.md")).unwrap_or_default();
    let src = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap();
    let mut n = 0;
    for line in src.lines() {
        let Some(rest) = line.split("extern \"C\" fn ").nth(1) else {
            continue;
        };
        let name = rest.split('(').next().unwrap().trim();
        assert!(
            header.contains(&format!("{name}(")),
            "{name} missing from the header"
        );
        assert!(docs.contains(name), "{name} missing from docs/ffi.md");
        n += 1;
    }
    assert!(n >= 25, "only {n} exported functions found");
}
