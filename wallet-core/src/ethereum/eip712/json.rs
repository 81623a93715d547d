//! The document's JSON, read one level at a time.
//!
//! Each value stays as its text (a serde_json [`RawValue`]) until the
//! encoder reaches it, so an integer keeps every digit it was written with:
//! serde_json's `Value` would turn one above 2^64 into an `f64`, and its
//! `arbitrary_precision` feature, which would not, changes every
//! `serde_json::Number` in the program (the JSON-RPC client's included).
//! Reading a struct or array skips over its contents once per level of
//! nesting, and the encoder follows at most `MAX_DEPTH` levels.

use super::error::Eip712Error;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A JSON value of the document, as text whose syntax serde_json has
/// checked (strings are decoded only when read).
pub(super) type Raw<'a> = &'a RawValue;

/// The members of a JSON object, by name (of repeated names, the last
/// counts, as with serde_json's `Value` and Python's `json`).
pub(super) type Members<'a> = BTreeMap<String, Raw<'a>>;

/// What a JSON value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Object,
    Array,
    String,
    Bool,
    Null,
    Number,
}

/// An open brace, written as a number so that brace-counting tools read this file right.
const OPEN_BRACE: u8 = 0x7b;

/// The kind of `v`, by its first character (a `RawValue` starts at the
/// value, after any whitespace).
pub(super) fn kind(v: Raw<'_>) -> Kind {
    match v.get().as_bytes().first() {
        Some(&OPEN_BRACE) => Kind::Object,
        Some(b'[') => Kind::Array,
        Some(b'"') => Kind::String,
        Some(b't' | b'f') => Kind::Bool,
        Some(b'n') => Kind::Null,
        _ => Kind::Number,
    }
}

/// Checks the syntax of the whole document.
pub(super) fn document(json: &str) -> Result<Raw<'_>, Eip712Error> {
    serde_json::from_str(json).map_err(not_json)
}

/// The members of `v`; `None` when it is not an object.
pub(super) fn object(v: Raw<'_>) -> Result<Option<Members<'_>>, Eip712Error> {
    read(v, Kind::Object)
}

/// The elements of `v`; `None` when it is not an array.
pub(super) fn array(v: Raw<'_>) -> Result<Option<Vec<Raw<'_>>>, Eip712Error> {
    read(v, Kind::Array)
}

/// The decoded string `v`; `None` when it is not a string.
pub(super) fn string(v: Raw<'_>) -> Result<Option<String>, Eip712Error> {
    read(v, Kind::String)
}

/// `v` as a serde_json `Value`, for the parts that hold no integers to
/// sign (the `types`).
pub(super) fn value(v: Raw<'_>) -> Result<serde_json::Value, Eip712Error> {
    serde_json::from_str(v.get()).map_err(not_json)
}

/// `v` read as `T` when it is of kind `want`. Reading can still fail on
/// what the syntax check lets through (a string with an unpaired UTF-16
/// surrogate escape).
fn read<'a, T: Deserialize<'a>>(v: Raw<'a>, want: Kind) -> Result<Option<T>, Eip712Error> {
    if kind(v) != want {
        return Ok(None);
    }
    serde_json::from_str(v.get()).map(Some).map_err(not_json)
}

fn not_json(e: serde_json::Error) -> Eip712Error {
    Eip712Error::NotJson {
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_one_level_at_a_time() {
        let doc = document(r#" {"a": [1, {"b": 123456789012345678901234567890}], "s": "\u00e9", "a": "last", "n": null} "#).unwrap();
        let top = object(doc).unwrap().unwrap();
        assert_eq!(string(top["a"]).unwrap().as_deref(), Some("last"));
        assert_eq!(string(top["s"]).unwrap().as_deref(), Some("é"));
        assert_eq!(kind(top["n"]), Kind::Null);
        assert!(object(top["n"]).unwrap().is_none());
        let doc = document(r#"[1, {"b": 123456789012345678901234567890}, true]"#).unwrap();
        let items = array(doc).unwrap().unwrap();
        assert_eq!(kind(items[0]), Kind::Number);
        assert_eq!(kind(items[2]), Kind::Bool);
        let inner = object(items[1]).unwrap().unwrap();
        assert_eq!(inner["b"].get(), "123456789012345678901234567890");
        assert!(matches!(
            document("{\"a\": 01}"),
            Err(Eip712Error::NotJson { .. })
        ));
        assert!(matches!(document("{} x"), Err(Eip712Error::NotJson { .. })));
        // A lone surrogate passes the syntax check and fails when read.
        let doc = document(r#"["\ud800"]"#).unwrap();
        let items = array(doc).unwrap().unwrap();
        assert!(matches!(string(items[0]), Err(Eip712Error::NotJson { .. })));
    }
}
