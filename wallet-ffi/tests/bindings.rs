//! The UniFFI bindings end to end. The committed sources in
//! `wallet-ffi/bindings/` equal a fresh generation from the library these
//! tests link (`UPDATE_BINDINGS=1 cargo test -p wallet-ffi --test bindings`
//! or `scripts/bindings` rewrites them); every exported item is documented
//! there; and the Python suite (pytest, `testdata/python/bindings/`) and the
//! Kotlin program (`testdata/kotlin/BindingsTest.kt`, on a desktop JVM with
//! JNA) pass against the real library, real keystore directories, a real
//! anvil (and litecoind for Python), comparing with wallet-core's results.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use wallet_testkit::*;

/// Where cargo built libwallet.so for these tests (as in `tests/ffi.rs`:
/// target/debug/deps is always fresh, target/debug only sometimes).
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    if deps.join("libwallet.so").exists() {
        return deps;
    }
    deps.parent().unwrap().to_path_buf()
}

fn library() -> PathBuf {
    lib_dir().join("libwallet.so")
}

/// The profile directory (target/debug), where the CLI binary is.
fn profile_dir() -> PathBuf {
    let d = lib_dir();
    if d.ends_with("deps") {
        d.parent().unwrap().to_path_buf()
    } else {
        d
    }
}

fn committed() -> PathBuf {
    root().join("wallet-ffi/bindings")
}

/// Every file below `dir`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn committed_bindings_equal_a_fresh_generation() {
    let fresh = tempfile::tempdir().unwrap();
    wallet_bindgen::generate(&library(), fresh.path()).unwrap();
    let new = tree(fresh.path());
    assert!(new.len() >= 6, "{:?}", new.keys());
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(committed());
        for (rel, bytes) in &new {
            let p = committed().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
    let old = tree(&committed());
    let names = |t: &BTreeMap<PathBuf, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&old), names(&new), "the generated file set changed");
    for (rel, bytes) in &new {
        assert!(
            old.get(rel) == Some(bytes),
            "wallet-ffi/bindings/{} is out of date: run scripts/bindings",
            rel.display()
        );
    }
}

#[test]
fn every_exported_item_is_documented_in_the_bindings() {
    let missing = wallet_bindgen::undocumented(&library()).unwrap();
    assert!(missing.is_empty(), "undocumented exports: {missing:?}");
    // Each doc comment shows in the generated sources (its first line, as
    // written): of objects, methods, functions, records, enums and variants
    // in every language, of record and variant fields in Kotlin and Swift
    // (UniFFI's Python generator writes no field docs).
    let ci = wallet_bindgen::interface(&library()).unwrap();
    let mut all: Vec<&str> = Vec::new();
    let mut fields: Vec<&str> = Vec::new();
    all.extend(
        ci.function_definitions()
            .iter()
            .filter_map(|f| f.docstring()),
    );
    for o in ci.object_definitions() {
        all.extend(o.docstring());
        all.extend(o.methods().iter().filter_map(|m| m.docstring()));
        all.extend(o.constructors().iter().filter_map(|m| m.docstring()));
    }
    for r in ci.record_definitions() {
        all.extend(r.docstring());
        fields.extend(r.fields().iter().filter_map(|f| f.docstring()));
    }
    for e in ci.enum_definitions() {
        all.extend(e.docstring());
        for v in e.variants() {
            all.extend(v.docstring());
            fields.extend(v.fields().iter().filter_map(|f| f.docstring()));
        }
    }
    assert!(
        all.len() > 150 && fields.len() > 150,
        "{} + {} doc comments",
        all.len(),
        fields.len()
    );
    for (lang, file, with_fields) in [
        ("Kotlin", "kotlin/wallet/wallet.kt", true),
        ("Python", "python/wallet/wallet.py", false),
        ("Swift", "swift/Wallet.swift", true),
    ] {
        let text = std::fs::read_to_string(committed().join(file)).unwrap();
        let docs = all.iter().chain(fields.iter().filter(|_| with_fields));
        for d in docs {
            let first = d.lines().next().unwrap().trim();
            assert!(
                text.contains(first),
                "{lang} bindings lack the doc line {first:?}"
            );
        }
    }
}

#[test]
fn secrets_cross_only_as_top_level_arguments() {
    // A top-level string argument is moved into the library without a copy
    // (and wiped there); one inside a record, enum, option or list is copied
    // out of a buffer UniFFI frees without wiping. So `Secret` appears only
    // as an argument of its own, and is never returned.
    use wallet_bindgen::{AsType, Type};
    let ci = wallet_bindgen::interface(&library()).unwrap();
    let secret = |t: &Type| matches!(t, Type::Custom { name, .. } if name == "Secret");
    let nested = |t: &Type| t.iter_nested_types().any(secret);
    let mut args = 0;
    let mut check_args = |what: &str, list: Vec<&wallet_bindgen::Argument>| {
        for a in list {
            assert!(
                !nested(&a.as_type()),
                "{what}: argument {} nests a Secret",
                a.name()
            );
            args += usize::from(secret(&a.as_type()));
        }
    };
    for f in ci.function_definitions() {
        check_args(f.name(), f.arguments());
        assert!(
            !f.return_type().is_some_and(|t| t.iter_types().any(secret)),
            "{}",
            f.name()
        );
    }
    for o in ci.object_definitions() {
        for c in o.constructors() {
            check_args(c.name(), c.arguments());
        }
        for m in o.methods() {
            check_args(m.name(), m.arguments());
            assert!(
                !m.return_type().is_some_and(|t| t.iter_types().any(secret)),
                "{}",
                m.name()
            );
        }
    }
    assert!(args >= 20, "only {args} Secret arguments");
    for r in ci.record_definitions() {
        for f in r.fields() {
            assert!(
                !f.as_type().iter_types().any(secret),
                "{}.{} is a Secret",
                r.name(),
                f.name()
            );
        }
    }
    for e in ci.enum_definitions() {
        for v in e.variants() {
            for f in v.fields() {
                let t = f.as_type();
                assert!(
                    !t.iter_types().any(secret),
                    "{}.{} has a Secret",
                    e.name(),
                    v.name()
                );
            }
        }
    }
}

/// The `[name]` table of a manifest, as text (up to the next table).
fn manifest_table(manifest: &str, name: &str) -> String {
    let header = format!("\n[{name}]\n");
    let Some(at) = manifest.find(&header) else {
        return String::new();
    };
    let body = &manifest[at + header.len()..];
    body[..body.find("\n[").unwrap_or(body.len())].to_owned()
}

#[test]
fn the_generator_is_not_in_the_shipped_library() {
    // The library's own dependencies name neither the generator nor a
    // `uniffi` feature that pulls it in (`bindgen`, `cli`, `build`, or
    // `cargo-metadata`); only the tests reach wallet-bindgen.
    let ffi = std::fs::read_to_string(root().join("wallet-ffi/Cargo.toml")).unwrap();
    let deps = manifest_table(&ffi, "dependencies");
    assert!(deps.contains("uniffi.workspace = true"), "{deps}");
    assert!(!deps.contains("bindgen"), "{deps}");
    assert!(manifest_table(&ffi, "dev-dependencies").contains("wallet-bindgen"));
    let ws = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let uniffi = manifest_table(&ws, "workspace.dependencies")
        .lines()
        .find(|l| l.starts_with("uniffi ="))
        .unwrap()
        .to_owned();
    assert!(uniffi.contains("default-features = false"), "{uniffi}");
    for feature in ["\"bindgen\"", "\"cli\"", "\"build\"", "\"cargo-metadata\""] {
        assert!(!uniffi.contains(feature), "{uniffi}");
    }
    let bindgen = std::fs::read_to_string(root().join("wallet-bindgen/Cargo.toml")).unwrap();
    assert!(bindgen.contains("publish = false"));
}

/// The C program the Swift bindings' start-up amounts to: the contract
/// version and every checksum `Wallet.swift` checks before its first call,
/// and the address of every function `walletFFI.h` declares.
fn swift_startup_in_c() -> String {
    let swift = std::fs::read_to_string(committed().join("swift/Wallet.swift")).unwrap();
    let header = std::fs::read_to_string(committed().join("swift/walletFFI.h")).unwrap();
    let number_after = |text: &str, marker: &str| {
        let rest = &text[text.find(marker).unwrap() + marker.len()..];
        rest.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
    };
    let mut c = String::from(
        "#include <stdio.h>\n#include \"walletFFI.h\"\nint main(void) {\n  int bad = 0;\n",
    );
    let version = number_after(&swift, "let bindings_contract_version = ");
    c += &format!("  if (ffi_wallet_uniffi_contract_version() != {version}) {{ puts(\"contract\"); bad++; }}\n");
    let mut checks = 0;
    for (at, _) in swift.match_indices("if (uniffi_wallet_checksum_") {
        let call = &swift[at + 4..];
        let name = &call[..call.find('(').unwrap()];
        let want = number_after(call, "() != ");
        c += &format!("  if ({name}() != {want}) {{ puts(\"{name}\"); bad++; }}\n");
        checks += 1;
    }
    let mut declared = Vec::new();
    for line in header.lines() {
        let Some(open) = line.find('(') else { continue };
        let name = line[..open].rsplit([' ', '*']).next().unwrap();
        if (name.starts_with("uniffi_wallet_") || name.starts_with("ffi_wallet_"))
            && !line.starts_with(' ')
        {
            declared.push(format!("(void *)&{name}"));
        }
    }
    assert!(
        checks > 40 && declared.len() > 100,
        "{checks} checksums, {} functions",
        declared.len()
    );
    c += &format!("  void *fns[] = {{ {} }};\n", declared.join(", "));
    c += &format!("  printf(\"SWIFT_STARTUP checksums={checks} functions=%zu bad=%d\\n\", sizeof fns / sizeof *fns, bad);\n  return bad;\n}}\n");
    c
}

#[test]
fn swift_ffi_module_links_and_its_checksums_match_the_library() {
    if Command::new("gcc").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("WALLET_REQUIRE_DEVNET").is_none(),
            "gcc is missing"
        );
        eprintln!("SKIPPED: gcc not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("swift_startup.c");
    std::fs::write(&src, swift_startup_in_c()).unwrap();
    let exe = dir.path().join("swift_startup");
    // Clang's nullability qualifiers, which gcc does not know, mean nothing to C.
    let (ok, out) = run(Command::new("gcc")
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-D_Nullable=",
            "-D_Nonnull=",
        ])
        .arg("-I")
        .arg(committed().join("swift"))
        .arg(&src)
        .arg(format!("-L{}", lib_dir().display()))
        .arg(format!("-Wl,-rpath,{}", lib_dir().display()))
        .args(["-lwallet", "-o"])
        .arg(&exe));
    assert!(
        ok,
        "walletFFI.h does not compile or link against libwallet:\n{out}"
    );
    let (ok, out) = run(&mut Command::new(&exe));
    println!("{out}");
    assert!(ok && out.contains("bad=0"), "{out}");
}

/// The values the Kotlin and Python programs compare with: wallet-core's own
/// results for the same inputs (addresses, an EIP-1559 signature) and the
/// BIP174 signer vector, as `key=value` lines.
fn expected_values(dir: &Path) -> PathBuf {
    use wallet_core::account::Selection;
    use wallet_core::bitcoin::{AddressType as T, Network as N};
    use wallet_core::chain::ChainKind as C;
    let m = wallet_core::mnemonic::Mnemonic::parse(ANVIL_MNEMONIC).unwrap();
    let master = wallet_core::hd::ExtendedPrivateKey::from_seed(&m.to_seed("")).unwrap();
    let derive = |sel: Selection| {
        let (h, r) = wallet_core::wallet::mnemonic_addresses(&master, &sel, C::Bitcoin).unwrap();
        wallet_core::wallet::derive_list(&master, h, &r).unwrap()
    };
    let mut lines = vec![format!("fingerprint={}", master.fingerprint())];
    for (code, t) in [
        ("p2pkh", T::P2pkh),
        ("p2sh-p2wpkh", T::P2shP2wpkh),
        ("p2wpkh", T::P2wpkh),
        ("p2tr", T::P2tr),
    ] {
        let l = derive(Selection::for_chain(C::Bitcoin).with_type(t));
        lines.push(format!("btc.{code}={}", l.addresses[0].address));
        if t == T::P2wpkh {
            lines.push(format!(
                "btc.p2wpkh.xpub={}",
                l.header.account_xpub.unwrap()
            ));
            lines.push(format!(
                "btc.p2wpkh.zpub={}",
                l.header.account_slip132.unwrap()
            ));
        }
    }
    let tb = derive(Selection::for_chain(C::Bitcoin).with_network(N::Testnet));
    lines.push(format!("btc.testnet.p2wpkh={}", tb.addresses[0].address));
    let ltc = derive(Selection::for_chain(C::Litecoin));
    lines.push(format!("ltc.p2wpkh={}", ltc.addresses[0].address));
    let eth = derive(Selection::for_chain(C::Ethereum).with_count(3));
    for (i, a) in eth.addresses.iter().enumerate() {
        lines.push(format!("eth.{i}={}", a.address));
    }
    let path =
        derive(Selection::for_chain(C::Bitcoin).with_path("m/84'/0'/0'/1/5".parse().unwrap()));
    lines.push(format!(
        "path.m/84'/0'/0'/1/5={}",
        path.addresses[0].address
    ));
    lines.extend(eip1559_expected(dir));
    let bip174 = vector("bip174_psbt.json");
    lines.push(format!(
        "psbt.unsigned={}",
        bip174["workflow"][2]["base64"].as_str().unwrap()
    ));
    lines.push(format!(
        "psbt.final={}",
        bip174["workflow"][7]["hex"].as_str().unwrap()
    ));
    let file = dir.join("expected.properties");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    file
}

/// The EIP-1559 transaction both programs sign, signed by wallet-core the
/// way the C ABI and the CLI do it (a keystore wallet of the anvil mnemonic).
fn eip1559_expected(dir: &Path) -> Vec<String> {
    use wallet_core::keystore::{KdfParams, Keystore};
    use wallet_core::secret::SecretString;
    use wallet_core::wallet::{ImportSource, Wallet};
    let ks = Keystore::open(dir.join("expected-ks")).unwrap();
    let source = ImportSource::mnemonic(ANVIL_MNEMONIC.into(), None, SecretString::default());
    let kdf = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };
    let pw = SecretString::from("pw");
    let w = Wallet::import(&ks, "dev", source, &pw, kdf).unwrap();
    let unlocked = w.allow_weak_kdf(true).unlock(&pw).unwrap();
    let req: wallet_core::request::EthTxRequest = serde_json::from_value(serde_json::json!({
        "to": "0x3535353535353535353535353535353535353535", "value": "1.5ether",
        "data": "0xdeadbeef", "nonce": 7, "gas": 30000, "chain_id": 1,
        "max_fee": "30gwei", "priority_fee": "2gwei", "index": 1
    }))
    .unwrap();
    let (signed, _) = unlocked
        .sign_eth_offline(req.offline().unwrap(), &req.choice().unwrap())
        .unwrap();
    vec![
        format!("eip1559.raw={}", signed.raw),
        format!("eip1559.hash={}", signed.hash),
        format!("eip1559.from={}", signed.from),
    ]
}

fn run(cmd: &mut Command) -> (bool, String) {
    let o = cmd.env_remove("LD_LIBRARY_PATH").output().unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

/// The generated Python package with the library beside the module, in `dir`.
fn python_package(dir: &Path) -> PathBuf {
    let pkg = dir.join("py/wallet");
    std::fs::create_dir_all(&pkg).unwrap();
    for (rel, bytes) in tree(&committed().join("python/wallet")) {
        std::fs::write(pkg.join(rel), bytes).unwrap();
    }
    std::fs::copy(library(), pkg.join("libwallet.so")).unwrap();
    dir.join("py")
}

#[test]
fn python_bindings_pass_their_pytest_suite() {
    let Some(python) = devnet_tool("bindings/py/bin/python") else {
        return;
    };
    let anvil = Anvil::start();
    let ltc = Node::litecoind();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(python);
    cmd.args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(testdata("python/bindings"))
        .env("PYTHONPATH", python_package(dir.path()))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("WALLET_EXPECTED", expected_values(dir.path()))
        .env("WALLET_VECTORS", testdata("vectors"));
    if let Some(a) = &anvil {
        cmd.env("WALLET_ANVIL_URL", &a.url);
    }
    if let Some(n) = &ltc {
        cmd.env("WALLET_LTC_URL", &n.url)
            .env("WALLET_LTC_USER", &n.user)
            .env("WALLET_LTC_PASSWORD", &n.pass);
    }
    let cli = profile_dir().join("wallet");
    if cli.exists() {
        cmd.env("WALLET_CLI", cli);
    }
    let (ok, out) = run(&mut cmd);
    println!("{out}");
    assert!(ok, "pytest failed:\n{out}");
    assert!(out.contains(" passed"), "{out}");
}

/// The JNA jar of Debian's `libjna-java` (whose native part Debian installs
/// where its JNA finds it).
fn jna_jar() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/share/java/jna.jar");
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("WALLET_REQUIRE_DEVNET").is_none(),
        "libjna-java is missing: run scripts/devnet/install bindings"
    );
    eprintln!("SKIPPED: libjna-java not installed");
    None
}

/// The Kotlin program and the generated bindings compiled into one jar,
/// cached by the hash of the sources (kotlinc takes half a minute).
fn kotlin_jar(kotlinc: &Path, jna: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let sources = [
        committed().join("kotlin/wallet/wallet.kt"),
        testdata("kotlin/BindingsTest.kt"),
    ];
    let mut h = std::hash::DefaultHasher::new();
    for s in &sources {
        std::fs::read(s).unwrap().hash(&mut h);
    }
    kotlinc.display().to_string().hash(&mut h);
    let cache = profile_dir().join("kotlin-bindings");
    let jar = cache.join(format!("{:016x}.jar", h.finish()));
    if jar.exists() {
        return jar;
    }
    std::fs::create_dir_all(&cache).unwrap();
    let tmp = cache.join(format!("build-{}.jar", std::process::id()));
    let (ok, out) = run(Command::new(kotlinc)
        .args(&sources)
        .arg("-cp")
        .arg(jna)
        .args(["-nowarn", "-d"])
        .arg(&tmp));
    assert!(ok, "kotlinc failed:\n{out}");
    std::fs::rename(&tmp, &jar).unwrap();
    jar
}

#[test]
fn kotlin_bindings_pass_on_a_jvm() {
    let Some(kotlinc) = devnet_tool("bindings/kotlin/node_modules/kotlin-compiler/bin/kotlinc")
    else {
        return;
    };
    let Some(jna) = jna_jar() else { return };
    let Some(anvil) = Anvil::start() else { return };
    let jar = kotlin_jar(&kotlinc, &jna);
    let stdlib = kotlinc.parent().unwrap().join("../lib/kotlin-stdlib.jar");
    let dir = tempfile::tempdir().unwrap();
    // JNA loads `libwallet.so` from this directory only.
    let native = dir.path().join("native");
    std::fs::create_dir_all(&native).unwrap();
    std::fs::copy(library(), native.join("libwallet.so")).unwrap();
    let classpath = std::env::join_paths([&jar, &jna, &stdlib]).unwrap();
    let (ok, out) = run(Command::new("java")
        .arg("-cp")
        .arg(classpath)
        .arg(format!("-Djna.library.path={}", native.display()))
        .arg("BindingsTestKt")
        .arg(expected_values(dir.path()))
        .arg(&anvil.url)
        .arg(dir.path().join("keystore")));
    println!("{out}");
    assert!(
        ok && out.contains("KOTLIN_OK"),
        "the Kotlin program failed:\n{out}"
    );
    // The send is really on chain, mined with status 1.
    let hash = out
        .lines()
        .find_map(|l| l.strip_prefix("TX_HASH "))
        .expect("TX_HASH line");
    let receipt = anvil.rpc("eth_getTransactionReceipt", serde_json::json!([hash]));
    assert_eq!(receipt["status"], "0x1", "{receipt}");
}
