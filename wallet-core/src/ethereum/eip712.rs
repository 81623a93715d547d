//! EIP-712 typed structured data: `encodeType`, `typeHash`, `encodeData`,
//! `hashStruct` and the signing digest, from the standard JSON form
//! (`{"types", "primaryType", "domain", "message"}`).
//!
//! Written here rather than taken from alloy-dyn-abi (1.7), which sorts the
//! referenced types by their encoded string instead of by name (so names
//! with `$` come out in the wrong order) and refuses recursive types that
//! eth-account and MetaMask sign. Checked against the EIP's Mail example,
//! documents hashed and signed by eth-account, and cast.

use crate::error::{Error, Result};
use crate::hash::keccak256;
use alloy_primitives::U256;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Structs may nest this deep in a message (a guard against hostile input).
const MAX_DEPTH: usize = 64;

/// typeHash by struct name, filled as values are hashed.
type TypeHashes = std::collections::HashMap<String, [u8; 32]>;

/// One member of a struct type.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    name: String,
    ty: String,
}

/// Parsed EIP-712 typed data, with its hashes computed once.
#[derive(Debug, Clone)]
pub struct TypedData {
    types: BTreeMap<String, Vec<Member>>,
    primary_type: String,
    domain_separator: [u8; 32],
    hash_struct: Option<[u8; 32]>,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::input(format!("invalid EIP-712 typed data: {}", msg.into()))
}

/// The element type and length (`None`: dynamic) of an array type, by its
/// last bracket: `uint16[2][3]` is three `uint16[2]`.
fn split_array(ty: &str) -> Result<Option<(&str, Option<usize>)>> {
    let Some(inner) = ty.strip_suffix(']') else {
        return Ok(None);
    };
    let open = inner
        .rfind('[')
        .ok_or_else(|| bad(format!("type '{ty}' has an unmatched ']'")))?;
    let (elem, len) = (&inner[..open], &inner[open + 1..]);
    if elem.is_empty() {
        return Err(bad(format!("type '{ty}' has no element type")));
    }
    if len.is_empty() {
        return Ok(Some((elem, None)));
    }
    if !len.bytes().all(|b| b.is_ascii_digit()) || len.starts_with('0') {
        return Err(bad(format!(
            "array length '{len}' in '{ty}' is not a positive integer"
        )));
    }
    let n = len
        .parse::<usize>()
        .map_err(|_| bad(format!("array length '{len}' in '{ty}' is too large")))?;
    Ok(Some((elem, Some(n))))
}

/// The type an array type holds, however many dimensions (`uint8[2][]` →
/// `uint8`); any other type itself.
fn base_type(ty: &str) -> Result<&str> {
    let mut base = ty;
    while let Some((elem, _)) = split_array(base)? {
        base = elem;
    }
    Ok(base)
}

/// The bit size of `uintN`/`intN` (N = 8…256, a multiple of 8).
fn int_bits(ty: &str, prefix: &str) -> Option<u32> {
    let n = ty.strip_prefix(prefix)?;
    let bits: u32 = n.parse().ok()?;
    (n.bytes().all(|b| b.is_ascii_digit())
        && !n.starts_with('0')
        && bits.is_multiple_of(8)
        && (8..=256).contains(&bits))
    .then_some(bits)
}

/// The size of `bytesN` (N = 1…32).
fn fixed_bytes(ty: &str) -> Option<usize> {
    let n = ty.strip_prefix("bytes")?;
    let size: usize = n.parse().ok()?;
    (n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0') && (1..=32).contains(&size))
        .then_some(size)
}

fn is_atomic_or_dynamic(ty: &str) -> bool {
    matches!(ty, "address" | "bool" | "string" | "bytes")
        || int_bits(ty, "uint").is_some()
        || int_bits(ty, "int").is_some()
        || fixed_bytes(ty).is_some()
}

fn valid_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The domain fields EIP-712 defines, in its order, with their types: used
/// when the document has no `EIP712Domain` type.
const DOMAIN_FIELDS: [(&str, &str); 5] = [
    ("name", "string"),
    ("version", "string"),
    ("chainId", "uint256"),
    ("verifyingContract", "address"),
    ("salt", "bytes32"),
];

impl TypedData {
    /// Parses the standard JSON form, checks every type and value, and
    /// computes the hashes.
    pub fn from_json(json: &str) -> Result<Self> {
        let doc: Value = serde_json::from_str(json).map_err(|e| bad(format!("not JSON ({e})")))?;
        Self::from_value(&doc)
    }

    /// As [`TypedData::from_json`], from a parsed JSON value.
    pub fn from_value(doc: &Value) -> Result<Self> {
        let obj = doc.as_object().ok_or_else(|| bad("not a JSON object"))?;
        let types_v = obj
            .get("types")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("'types' must be an object"))?;
        let primary_type = obj
            .get("primaryType")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("'primaryType' must be a string"))?
            .to_owned();
        let no_domain = Value::Object(Map::new());
        let (domain_value, domain) = match obj.get("domain") {
            None | Some(Value::Null) => (&no_domain, &Map::new()),
            Some(v @ Value::Object(m)) => (v, m),
            Some(_) => return Err(bad("'domain' must be an object")),
        };
        let message = obj.get("message").unwrap_or(&Value::Null);
        let mut types = BTreeMap::new();
        for (name, members) in types_v {
            if !valid_identifier(name) {
                return Err(bad(format!("'{name}' is not a valid type name")));
            }
            if is_atomic_or_dynamic(name) {
                return Err(bad(format!(
                    "'{name}' is a built-in type, not a struct name"
                )));
            }
            let list = members
                .as_array()
                .ok_or_else(|| bad(format!("type '{name}' must be a list of members")))?;
            let mut seen = BTreeSet::new();
            let mut out = Vec::with_capacity(list.len());
            for m in list {
                let (Some(mname), Some(mty)) = (
                    m.get("name").and_then(Value::as_str),
                    m.get("type").and_then(Value::as_str),
                ) else {
                    return Err(bad(format!(
                        "every member of '{name}' needs a string 'name' and 'type'"
                    )));
                };
                if !valid_identifier(mname) {
                    return Err(bad(format!(
                        "'{mname}' in '{name}' is not a valid member name"
                    )));
                }
                if !seen.insert(mname) {
                    return Err(bad(format!("'{name}' has two members named '{mname}'")));
                }
                out.push(Member {
                    name: mname.to_owned(),
                    ty: mty.to_owned(),
                });
            }
            types.insert(name.clone(), out);
        }
        if !types.contains_key("EIP712Domain") {
            let mut inferred = Vec::new();
            for (field, ty) in DOMAIN_FIELDS {
                if domain.contains_key(field) {
                    inferred.push(Member {
                        name: field.to_owned(),
                        ty: ty.to_owned(),
                    });
                }
            }
            types.insert("EIP712Domain".into(), inferred);
        }
        // Every member type must be known.
        for (name, members) in &types {
            for m in members {
                let base = base_type(&m.ty)?;
                if !is_atomic_or_dynamic(base) && !types.contains_key(base) {
                    return Err(bad(format!(
                        "member '{}' of '{name}' has the unknown type '{}'",
                        m.name, m.ty
                    )));
                }
            }
        }
        if !types.contains_key(&primary_type) {
            return Err(bad(format!(
                "primaryType '{primary_type}' is not one of the types"
            )));
        }
        for k in domain.keys() {
            if !types["EIP712Domain"].iter().any(|m| m.name == *k) {
                return Err(bad(format!(
                    "domain field '{k}' is not in the EIP712Domain type"
                )));
            }
        }
        let mut td = Self {
            types,
            primary_type,
            domain_separator: [0; 32],
            hash_struct: None,
        };
        // Each struct type's hash is computed once, however many values of
        // it the message holds.
        let mut memo = TypeHashes::new();
        td.domain_separator =
            td.hash_struct_of("EIP712Domain", domain_value, "domain", 0, &mut memo)?;
        if td.primary_type != "EIP712Domain" {
            td.hash_struct =
                Some(td.hash_struct_of(&td.primary_type, message, "message", 0, &mut memo)?);
        }
        Ok(td)
    }

    /// The primary type's name.
    #[must_use]
    pub fn primary_type(&self) -> &str {
        &self.primary_type
    }

    /// `hashStruct(domain)`: the domain separator.
    #[must_use]
    pub fn domain_separator(&self) -> [u8; 32] {
        self.domain_separator
    }

    /// `encodeType` of the primary type.
    pub fn encode_type(&self) -> Result<String> {
        self.encode_type_of(&self.primary_type)
    }

    /// `typeHash` of the primary type.
    pub fn type_hash(&self) -> Result<[u8; 32]> {
        Ok(keccak256(self.encode_type()?.as_bytes()))
    }

    /// `hashStruct(message)` (an error when the primary type is `EIP712Domain`,
    /// which has no message part).
    pub fn hash_struct(&self) -> Result<[u8; 32]> {
        self.hash_struct
            .ok_or_else(|| bad("the primary type is EIP712Domain: there is no message to hash"))
    }

    /// The digest that is signed: `keccak256(0x19 0x01 || domainSeparator ||
    /// hashStruct(message))`, without the message part when the primary type
    /// is `EIP712Domain`.
    pub fn signing_hash(&self) -> Result<[u8; 32]> {
        let mut buf = Vec::with_capacity(66);
        buf.extend_from_slice(&[0x19, 0x01]);
        buf.extend_from_slice(&self.domain_separator);
        if let Some(h) = self.hash_struct {
            buf.extend_from_slice(&h);
        }
        Ok(keccak256(&buf))
    }

    /// `Name(type1 name1,…)` followed by the struct types it references
    /// (directly or not), sorted by name.
    fn encode_type_of(&self, name: &str) -> Result<String> {
        let mut deps = BTreeSet::new();
        self.collect_deps(name, &mut deps)?;
        deps.remove(name);
        let mut out = String::new();
        for t in std::iter::once(name).chain(deps.iter().map(String::as_str)) {
            out.push_str(t);
            out.push('(');
            for (i, m) in self.types[t].iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&m.ty);
                out.push(' ');
                out.push_str(&m.name);
            }
            out.push(')');
        }
        Ok(out)
    }

    /// Every struct type reachable from `name` (itself included), by an
    /// explicit walk: a chain of many types cannot exhaust the stack.
    fn collect_deps(&self, name: &str, deps: &mut BTreeSet<String>) -> Result<()> {
        let mut todo = vec![name.to_owned()];
        while let Some(t) = todo.pop() {
            if deps.contains(&t) {
                continue;
            }
            for m in &self.types[&t] {
                let base = base_type(&m.ty)?;
                if self.types.contains_key(base) && !deps.contains(base) {
                    todo.push(base.to_owned());
                }
            }
            deps.insert(t);
        }
        Ok(())
    }

    fn hash_struct_of(
        &self,
        name: &str,
        value: &Value,
        at: &str,
        depth: usize,
        memo: &mut TypeHashes,
    ) -> Result<[u8; 32]> {
        if depth > MAX_DEPTH {
            return Err(bad(format!(
                "{at}: structs nest deeper than {MAX_DEPTH} levels"
            )));
        }
        let obj = value
            .as_object()
            .ok_or_else(|| bad(format!("{at} must be an object of type '{name}'")))?;
        let members = &self.types[name];
        let mut buf = Vec::with_capacity(32 * (members.len() + 1));
        let type_hash = match memo.get(name) {
            Some(h) => *h,
            None => {
                let h = keccak256(self.encode_type_of(name)?.as_bytes());
                memo.insert(name.to_owned(), h);
                h
            }
        };
        buf.extend_from_slice(&type_hash);
        for m in members {
            let path = format!("{at}.{}", m.name);
            let v = obj
                .get(&m.name)
                .ok_or_else(|| bad(format!("{path} is missing")))?;
            buf.extend_from_slice(&self.encode_value(&m.ty, v, &path, depth, memo)?);
        }
        Ok(keccak256(&buf))
    }

    /// One member's 32-byte encoding.
    fn encode_value(
        &self,
        ty: &str,
        v: &Value,
        at: &str,
        depth: usize,
        memo: &mut TypeHashes,
    ) -> Result<[u8; 32]> {
        if let Some((elem, len)) = split_array(ty)? {
            let items = v
                .as_array()
                .ok_or_else(|| bad(format!("{at} must be an array ({ty})")))?;
            if let Some(n) = len {
                if items.len() != n {
                    return Err(bad(format!(
                        "{at} has {} elements; {ty} needs {n}",
                        items.len()
                    )));
                }
            }
            let mut buf = Vec::with_capacity(32 * items.len());
            for (i, item) in items.iter().enumerate() {
                buf.extend_from_slice(&self.encode_value(
                    elem,
                    item,
                    &format!("{at}[{i}]"),
                    depth + 1,
                    memo,
                )?);
            }
            return Ok(keccak256(&buf));
        }
        if self.types.contains_key(ty) {
            return self.hash_struct_of(ty, v, at, depth + 1, memo);
        }
        let mut word = [0u8; 32];
        match ty {
            "string" => {
                let s = v
                    .as_str()
                    .ok_or_else(|| bad(format!("{at} must be a string")))?;
                return Ok(keccak256(s.as_bytes()));
            }
            "bytes" => return Ok(keccak256(&hex_bytes(v, at)?)),
            "bool" => {
                let b = match v {
                    Value::Bool(b) => *b,
                    Value::String(s) if s == "true" => true,
                    Value::String(s) if s == "false" => false,
                    _ => return Err(bad(format!("{at} must be true or false"))),
                };
                word[31] = u8::from(b);
            }
            "address" => {
                // 20 bytes of hex in any case: like eth-account, MetaMask and
                // cast, a mixed-case value is not held to EIP-55 here (it is
                // data to sign, not a recipient to pay).
                let b = hex_bytes(v, at)?;
                if b.len() != 20 {
                    return Err(bad(format!("{at} is not a 20-byte address")));
                }
                word[12..].copy_from_slice(&b);
            }
            _ => {
                if let Some(size) = fixed_bytes(ty) {
                    let b = hex_bytes(v, at)?;
                    if b.len() != size {
                        return Err(bad(format!(
                            "{at} has {} bytes; {ty} needs exactly {size}",
                            b.len()
                        )));
                    }
                    word[..size].copy_from_slice(&b);
                } else if let Some(bits) = int_bits(ty, "uint") {
                    let (neg, x) = integer(v, at)?;
                    if neg && !x.is_zero() {
                        return Err(bad(format!("{at} is negative, but {ty} is unsigned")));
                    }
                    if bits < 256 && x >> (bits as usize) != U256::ZERO {
                        return Err(bad(format!("{at} does not fit in {ty}")));
                    }
                    word = x.to_be_bytes();
                } else if let Some(bits) = int_bits(ty, "int") {
                    let (neg, x) = integer(v, at)?;
                    // -2^(bits-1) <= v < 2^(bits-1)
                    let limit = U256::from(1u8) << ((bits - 1) as usize);
                    let fits = if neg { x <= limit } else { x < limit };
                    if !fits {
                        return Err(bad(format!("{at} does not fit in {ty}")));
                    }
                    let twos = if neg { x.wrapping_neg() } else { x };
                    word = twos.to_be_bytes();
                } else {
                    return Err(bad(format!("{at} has the unknown type '{ty}'")));
                }
            }
        }
        Ok(word)
    }
}

/// `0x`-prefixed hex (an empty `0x` is zero bytes).
fn hex_bytes(v: &Value, at: &str) -> Result<Vec<u8>> {
    let s = v
        .as_str()
        .ok_or_else(|| bad(format!("{at} must be a 0x-prefixed hex string")))?;
    let h = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .ok_or_else(|| bad(format!("{at} must start with 0x")))?;
    hex::decode(h).map_err(|_| bad(format!("{at} is not an even number of hex digits")))
}

/// An integer as JSON writes it: a number (exact integers only: larger
/// ones must be strings), a decimal string (optionally negative) or a
/// `0x` hex string. Returns (negative, magnitude).
fn integer(v: &Value, at: &str) -> Result<(bool, U256)> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Ok((false, U256::from(u)))
            } else if let Some(i) = n.as_i64() {
                Ok((i < 0, U256::from(i.unsigned_abs())))
            } else {
                Err(bad(format!(
                    "{at} is not an exact integer (write large numbers as strings)"
                )))
            }
        }
        Value::String(s) => {
            let t = s.trim();
            let (neg, body) = match t.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, t),
            };
            let x = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
                if h.is_empty() || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad(format!("{at}: '{s}' is not a hex integer")));
                }
                U256::from_str_radix(h, 16)
            } else {
                if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(format!("{at}: '{s}' is not an integer")));
                }
                U256::from_str_radix(body, 10)
            }
            .map_err(|_| bad(format!("{at}: '{s}' is larger than 256 bits")))?;
            Ok((neg, x))
        }
        _ => Err(bad(format!(
            "{at} must be an integer (a number or a string)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(types: Value, primary: &str, message: Value) -> Value {
        json!({"types": types, "primaryType": primary, "domain": {"name": "T", "chainId": 1}, "message": message})
    }

    #[test]
    fn array_types_split_at_the_last_bracket() {
        assert_eq!(
            split_array("uint16[2][3]").unwrap(),
            Some(("uint16[2]", Some(3)))
        );
        assert_eq!(split_array("Person[]").unwrap(), Some(("Person", None)));
        assert_eq!(split_array("bytes32").unwrap(), None);
        for bad_ty in ["uint8]", "[]", "uint8[0]", "uint8[01]", "uint8[x]"] {
            assert!(split_array(bad_ty).is_err(), "{bad_ty}");
        }
    }

    #[test]
    fn referenced_types_sort_by_name() {
        let t = json!({
            "Trip": [{"name": "out", "type": "Leg$"}, {"name": "back", "type": "Leg"}],
            "Leg": [{"name": "km", "type": "uint16"}],
            "Leg$": [{"name": "eur", "type": "uint16"}],
        });
        let td = TypedData::from_value(&doc(
            t,
            "Trip",
            json!({"out": {"eur": 1}, "back": {"km": 2}}),
        ))
        .unwrap();
        assert_eq!(
            td.encode_type().unwrap(),
            "Trip(Leg$ out,Leg back)Leg(uint16 km)Leg$(uint16 eur)"
        );
    }

    #[test]
    fn recursive_types_hash_finite_values() {
        let t =
            json!({"Node": [{"name": "v", "type": "uint8"}, {"name": "kids", "type": "Node[]"}]});
        let td = TypedData::from_value(&doc(
            t.clone(),
            "Node",
            json!({"v": 1, "kids": [{"v": 2, "kids": []}]}),
        ))
        .unwrap();
        assert_eq!(td.encode_type().unwrap(), "Node(uint8 v,Node[] kids)");
        // A long chain of types is walked without recursion.
        let mut chain = serde_json::Map::new();
        for i in 0..20_000 {
            chain.insert(
                format!("T{i}"),
                json!([{"name": "next", "type": format!("T{}", i + 1)}]),
            );
        }
        chain.insert("T20000".into(), json!([{"name": "v", "type": "uint8"}]));
        let td = TypedData::from_value(&doc(
            Value::Object(chain.clone()),
            "T19990",
            json!({"next": {"next": {"next": {"next": {"next": {"next": {"next": {"next": {"next": {"next": {"v": 1}}}}}}}}}}}),
        ));
        assert!(td.is_ok(), "{td:?}");
        assert!(td
            .unwrap()
            .encode_type()
            .unwrap()
            .starts_with("T19990(T19991 next)T19991("));
        // Hostile depth is an error, not a stack overflow.
        let mut deep = json!({"v": 0, "kids": []});
        for _ in 0..200 {
            deep = json!({"v": 0, "kids": [deep]});
        }
        assert!(TypedData::from_value(&doc(t, "Node", deep)).is_err());
    }

    #[test]
    fn values_are_checked() {
        let t = |ty: &str| json!({"M": [{"name": "x", "type": ty}]});
        let ok =
            |ty: &str, v: Value| TypedData::from_value(&doc(t(ty), "M", json!({ "x": v }))).is_ok();
        assert!(ok("uint8", json!(255)));
        assert!(!ok("uint8", json!(256)));
        assert!(!ok("uint8", json!(-1)));
        assert!(ok("int8", json!(-128)));
        assert!(!ok("int8", json!(-129)));
        assert!(!ok("int8", json!(128)));
        assert!(ok(
            "int256",
            json!(format!("-{}", U256::from(1u8) << 255usize))
        ));
        assert!(!ok("uint256", json!(1.5)));
        assert!(!ok("uint256", json!(1e30)));
        assert!(ok("uint256", json!("0xff")));
        assert!(ok("bytes2", json!("0xabcd")));
        assert!(!ok("bytes2", json!("0xab")));
        assert!(ok("bytes", json!("0x")));
        assert!(!ok("bytes", json!("abcd")));
        assert!(ok("bool", json!(true)));
        assert!(!ok("bool", json!(1)));
        assert!(ok(
            "address",
            json!("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d358")
        ));
        assert!(!ok(
            "address",
            json!("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d3")
        ));
        assert!(!ok("uint7", json!(1)));
        assert!(!ok("uint", json!(1)));
        assert!(!ok("Unknown", json!({})));
        assert!(!ok("uint8[2]", json!([1])));
        // A missing member is an error; extra members are not part of the hash.
        assert!(TypedData::from_value(&doc(t("uint8"), "M", json!({}))).is_err());
        let a = TypedData::from_value(&doc(t("uint8"), "M", json!({"x": 1}))).unwrap();
        let b = TypedData::from_value(&doc(t("uint8"), "M", json!({"x": 1, "y": 2}))).unwrap();
        assert_eq!(a.signing_hash().unwrap(), b.signing_hash().unwrap());
    }

    #[test]
    fn the_domain_type_is_inferred_when_absent() {
        let types = json!({"M": [{"name": "x", "type": "uint8"}]});
        let with = json!({"types": {"M": types["M"], "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}]}, "primaryType": "M", "domain": {"name": "T", "chainId": 1}, "message": {"x": 1}});
        let without = doc(types, "M", json!({"x": 1}));
        assert_eq!(
            TypedData::from_value(&with)
                .unwrap()
                .signing_hash()
                .unwrap(),
            TypedData::from_value(&without)
                .unwrap()
                .signing_hash()
                .unwrap()
        );
        let mut extra = with.clone();
        extra["domain"]["salt"] = json!(format!("0x{}", "00".repeat(32)));
        assert!(TypedData::from_value(&extra).is_err());
    }
}
