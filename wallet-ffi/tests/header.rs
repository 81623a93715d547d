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
    // Every exported function is declared, documented in a list item of
    // docs/ffi.md's "## Functions" (as `name(…)`, with the header's number of
    // parameters, each the header's name, type or both), and unable to
    // unwind (its body runs under `guard` or `catch_unwind`).
    let header = String::from_utf8(fresh).unwrap();
    let docs = std::fs::read_to_string(crate_dir.join("../docs/ffi.md")).unwrap_or_default();
    let items = function_list_items(&docs);
    let mut src = String::new();
    for entry in std::fs::read_dir(crate_dir.join("src")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            src.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    let mut n = 0;
    for (at, _) in src.match_indices("extern \"C\" fn ") {
        let rest = &src[at + "extern \"C\" fn ".len()..];
        let name = rest.split('(').next().unwrap().trim();
        let body = &rest[..rest.find("\n}\n").expect("end of function")];
        assert!(
            body.contains("guard(")
                || body.contains("catch_unwind(")
                || body.contains("free_handle("),
            "{name} does not run under guard/catch_unwind"
        );
        let declared = params_of(&header, name, Form::Declaration)
            .unwrap_or_else(|| panic!("{name} missing from the header"));
        let documented = items
            .iter()
            .find_map(|item| params_of(item, name, Form::Quoted))
            .unwrap_or_else(|| {
                panic!("{name} missing from the function list of docs/ffi.md (as `{name}(…)`)")
            });
        assert_eq!(
            documented.len(),
            declared.len(),
            "docs/ffi.md gives {name} {documented:?}, the header {declared:?}"
        );
        for (d, h) in documented.iter().zip(&declared) {
            let h = h.replace("struct ", "");
            let h_name = h.rsplit(['*', ' ']).next().unwrap();
            assert!(
                d == h_name || h.starts_with(&d.replace("struct ", "")),
                "docs/ffi.md: parameter `{d}` of {name} is `{h}` in the header"
            );
        }
        n += 1;
    }
    assert!(n >= 25, "only {n} exported functions found");
}

/// The list items (with their continuation lines) under "## Functions".
fn function_list_items(docs: &str) -> Vec<String> {
    let section = docs
        .split("\n## Functions\n")
        .nth(1)
        .map(|s| s.split("\n## ").next().unwrap())
        .unwrap_or_default();
    let mut items: Vec<String> = Vec::new();
    for line in section.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            items.push(item.to_owned());
        } else if let (Some(last), true) = (items.last_mut(), line.starts_with("  ")) {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    items
}

/// Where the header declares `name` or the docs quote it.
#[derive(Clone, Copy)]
enum Form {
    /// `… name(params);` with `name` a whole word, outside comments.
    Declaration,
    /// `` `name(params)` ``.
    Quoted,
}

/// The parameters of `name(…)` in `form`, normalised ("const char *dir";
/// `(void)` is none).
fn params_of(text: &str, name: &str, form: Form) -> Option<Vec<String>> {
    text.match_indices(&format!("{name}(")).find_map(|(at, _)| {
        let before = text[..at].chars().next_back();
        let args = &text[at + name.len() + 1..];
        let close = args.find(')')?;
        let after = args[close + 1..].chars().next();
        let ok = match form {
            Form::Declaration => {
                let line = text[..at].rsplit('\n').next().unwrap_or_default();
                let comment = line.trim_start().starts_with(['*', '/']);
                !comment && before.is_some_and(|c| c == ' ' || c == '*') && after == Some(';')
            }
            Form::Quoted => before == Some('`'),
        };
        if !ok {
            return None;
        }
        Some(
            args[..close]
                .split(',')
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty() && p != "void")
                .collect(),
        )
    })
}
