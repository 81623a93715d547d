//! EIP-712 typed structured data: `encodeType`, `typeHash`, `encodeData`,
//! `hashStruct` and the signing digest, from the standard JSON form
//! (`{"types", "primaryType", "domain", "message"}`).
//!
//! Written here rather than taken from alloy-dyn-abi (1.7), which sorts the
//! referenced types by their encoded string instead of by name (so names
//! with `$` come out in the wrong order) and refuses recursive types that
//! eth-account and MetaMask sign. Checked against the EIP's Mail example,
//! documents hashed and signed by eth-account, and cast.
//!
//! Integers are exact however they are written, JSON numbers above 2^53
//! included (as Python's `json` writes them): the document's values are
//! read from their text (`json`), and `integer` says which forms are
//! integers and checks each against its `uintN`/`intN`.

mod error;
mod int_type;
mod integer;
mod json;

pub use error::{Eip712Error, NumberForm};
pub use int_type::IntType;

use crate::error::Result;
use crate::hash::keccak256;
use integer::Written;
use json::{Kind, Members, Raw};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Structs may nest this deep in a message (a guard against hostile input).
const MAX_DEPTH: usize = 64;

/// The name of the domain's struct type.
const DOMAIN: &str = "EIP712Domain";

/// typeHash by struct name, filled as values are hashed.
type TypeHashes = std::collections::HashMap<String, [u8; 32]>;

/// Struct types by name.
type Types = BTreeMap<String, Vec<Member>>;

/// One member of a struct type.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    name: String,
    ty: String,
}

/// Parsed EIP-712 typed data, with its hashes computed once.
#[derive(Debug, Clone)]
pub struct TypedData {
    types: Types,
    primary_type: String,
    domain_separator: [u8; 32],
    hash_struct: Option<[u8; 32]>,
}

/// The element type and length (`None`: dynamic) of an array type, by its
/// last bracket: `uint16[2][3]` is three `uint16[2]`.
fn split_array(ty: &str) -> Result<Option<(&str, Option<usize>)>, Eip712Error> {
    let Some(inner) = ty.strip_suffix(']') else {
        return Ok(None);
    };
    let bad = |problem| Eip712Error::BadArrayType {
        ty: ty.to_owned(),
        problem,
    };
    let open = inner
        .rfind('[')
        .ok_or_else(|| bad("has an unmatched ']'"))?;
    let (elem, len) = (&inner[..open], &inner[open + 1..]);
    if elem.is_empty() {
        return Err(bad("has no element type"));
    }
    if len.is_empty() {
        return Ok(Some((elem, None)));
    }
    if !len.bytes().all(|b| b.is_ascii_digit()) || len.starts_with('0') {
        return Err(bad("has an array length that is not a positive integer"));
    }
    let n = len
        .parse::<usize>()
        .map_err(|_| bad("has an array length that is too large"))?;
    Ok(Some((elem, Some(n))))
}

/// The type an array type holds, however many dimensions (`uint8[2][]` →
/// `uint8`); any other type itself.
fn base_type(ty: &str) -> Result<&str, Eip712Error> {
    let mut base = ty;
    while let Some((elem, _)) = split_array(base)? {
        base = elem;
    }
    Ok(base)
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
        || IntType::parse(ty).is_some()
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

/// The four parts of a document; the domain and message still as text.
struct Document<'a> {
    types: Map<String, Value>,
    primary_type: String,
    domain: Members<'a>,
    message: Option<Raw<'a>>,
}

impl<'a> Document<'a> {
    fn read(json: &'a str) -> Result<Self, Eip712Error> {
        let bad = |part, expected| Eip712Error::BadPart { part, expected };
        let top = json::object(json::document(json)?)?
            .ok_or_else(|| bad("the document", "a JSON object"))?;
        let types = match top.get("types") {
            Some(v) if json::kind(v) == Kind::Object => json::value(v)?,
            _ => Value::Null,
        };
        let Value::Object(types) = types else {
            return Err(bad("'types'", "an object"));
        };
        let primary_type = match top.get("primaryType") {
            Some(v) => json::string(v)?,
            None => None,
        }
        .ok_or_else(|| bad("'primaryType'", "a string"))?;
        let domain = match top.get("domain") {
            None => Members::new(),
            Some(v) if json::kind(v) == Kind::Null => Members::new(),
            Some(v) => json::object(v)?.ok_or_else(|| bad("'domain'", "an object"))?,
        };
        Ok(Self {
            types,
            primary_type,
            domain,
            message: top.get("message").copied(),
        })
    }
}

/// Every struct type of the document, checked for valid names.
fn read_types(types_v: &Map<String, Value>) -> Result<Types, Eip712Error> {
    let mut types = Types::new();
    for (name, members) in types_v {
        if !valid_identifier(name) {
            return Err(Eip712Error::BadTypeName { name: name.clone() });
        }
        if is_atomic_or_dynamic(name) {
            return Err(Eip712Error::BuiltinTypeName { name: name.clone() });
        }
        types.insert(name.clone(), read_members(name, members)?);
    }
    Ok(types)
}

/// The members of struct type `name`, in order.
fn read_members(name: &str, members: &Value) -> Result<Vec<Member>, Eip712Error> {
    let bad_list = || Eip712Error::BadMemberList {
        type_name: name.to_owned(),
    };
    let list = members.as_array().ok_or_else(bad_list)?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(list.len());
    for m in list {
        let (Some(mname), Some(mty)) = (
            m.get("name").and_then(Value::as_str),
            m.get("type").and_then(Value::as_str),
        ) else {
            return Err(bad_list());
        };
        if !valid_identifier(mname) {
            return Err(Eip712Error::BadMemberName {
                type_name: name.to_owned(),
                member: mname.to_owned(),
            });
        }
        if !seen.insert(mname) {
            return Err(Eip712Error::DuplicateMember {
                type_name: name.to_owned(),
                member: mname.to_owned(),
            });
        }
        out.push(Member {
            name: mname.to_owned(),
            ty: mty.to_owned(),
        });
    }
    Ok(out)
}

/// The `EIP712Domain` type of a document that has none: the fields the
/// domain has, in EIP-712's order.
fn inferred_domain_type(domain: &Members<'_>) -> Vec<Member> {
    DOMAIN_FIELDS
        .iter()
        .filter(|(field, _)| domain.contains_key(*field))
        .map(|(field, ty)| Member {
            name: (*field).to_owned(),
            ty: (*ty).to_owned(),
        })
        .collect()
}

/// Every member type is built in or one of the structs; the primary type
/// is a struct; the domain has only fields its type declares.
fn check_types(types: &Types, primary_type: &str, domain: &Members<'_>) -> Result<(), Eip712Error> {
    for (name, members) in types {
        for m in members {
            let base = base_type(&m.ty)?;
            if !is_atomic_or_dynamic(base) && !types.contains_key(base) {
                return Err(Eip712Error::UnknownMemberType {
                    type_name: name.clone(),
                    member: m.name.clone(),
                    ty: m.ty.clone(),
                });
            }
        }
    }
    if !types.contains_key(primary_type) {
        return Err(Eip712Error::UnknownPrimaryType {
            name: primary_type.to_owned(),
        });
    }
    let declared = types.get(DOMAIN).map_or(&[][..], Vec::as_slice);
    match domain
        .keys()
        .find(|k| !declared.iter().any(|m| m.name == **k))
    {
        Some(k) => Err(Eip712Error::UnknownDomainField { field: k.clone() }),
        None => Ok(()),
    }
}

impl TypedData {
    /// Parses the standard JSON form, checks every type and value, and
    /// computes the hashes.
    pub fn from_json(json: &str) -> Result<Self> {
        Ok(Self::parse(json)?)
    }

    /// As [`TypedData::from_json`], with the reason for a refusal as an
    /// [`Eip712Error`] (which member, which type, which bound).
    pub fn parse(json: &str) -> Result<Self, Eip712Error> {
        let doc = Document::read(json)?;
        let mut types = read_types(&doc.types)?;
        if !types.contains_key(DOMAIN) {
            types.insert(DOMAIN.into(), inferred_domain_type(&doc.domain));
        }
        check_types(&types, &doc.primary_type, &doc.domain)?;
        let mut td = Self {
            types,
            primary_type: doc.primary_type,
            domain_separator: [0; 32],
            hash_struct: None,
        };
        // Each struct type's hash is computed once, however many values of
        // it the message holds.
        let mut memo = TypeHashes::new();
        td.domain_separator = td.hash_members(DOMAIN, &doc.domain, "domain", 0, &mut memo)?;
        if td.primary_type != DOMAIN {
            let message = match doc.message {
                Some(m) => json::object(m)?,
                None => None,
            }
            .ok_or_else(|| Eip712Error::WrongValue {
                at: "message".into(),
                ty: td.primary_type.clone(),
                expected: "an object",
            })?;
            let h = td.hash_members(&td.primary_type, &message, "message", 0, &mut memo)?;
            td.hash_struct = Some(h);
        }
        Ok(td)
    }

    /// As [`TypedData::from_json`], from a parsed JSON value (written out
    /// and read back, so its numbers follow the same rules).
    pub fn from_value(doc: &Value) -> Result<Self> {
        Self::from_json(&doc.to_string())
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
        Ok(self.encode_type_of(&self.primary_type)?)
    }

    /// `typeHash` of the primary type.
    pub fn type_hash(&self) -> Result<[u8; 32]> {
        Ok(keccak256(self.encode_type()?.as_bytes()))
    }

    /// `hashStruct(message)` (an error when the primary type is `EIP712Domain`,
    /// which has no message part).
    pub fn hash_struct(&self) -> Result<[u8; 32]> {
        Ok(self.hash_struct.ok_or(Eip712Error::NoMessage)?)
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
    fn encode_type_of(&self, name: &str) -> Result<String, Eip712Error> {
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
    fn collect_deps(&self, name: &str, deps: &mut BTreeSet<String>) -> Result<(), Eip712Error> {
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

    /// `typeHash` of struct `name`, from `memo` after the first time.
    fn type_hash_of(&self, name: &str, memo: &mut TypeHashes) -> Result<[u8; 32], Eip712Error> {
        if let Some(h) = memo.get(name) {
            return Ok(*h);
        }
        let h = keccak256(self.encode_type_of(name)?.as_bytes());
        memo.insert(name.to_owned(), h);
        Ok(h)
    }

    /// `hashStruct` of the value `v` (at path `at`) of struct type `name`.
    fn hash_struct_of(
        &self,
        name: &str,
        v: Raw<'_>,
        at: &str,
        depth: usize,
        memo: &mut TypeHashes,
    ) -> Result<[u8; 32], Eip712Error> {
        if depth > MAX_DEPTH {
            return Err(Eip712Error::TooDeep {
                at: at.to_owned(),
                max: MAX_DEPTH,
            });
        }
        let fields = json::object(v)?.ok_or_else(|| Eip712Error::WrongValue {
            at: at.to_owned(),
            ty: name.to_owned(),
            expected: "an object",
        })?;
        self.hash_members(name, &fields, at, depth, memo)
    }

    /// `hashStruct` of struct type `name` from the members of its value.
    fn hash_members(
        &self,
        name: &str,
        fields: &Members<'_>,
        at: &str,
        depth: usize,
        memo: &mut TypeHashes,
    ) -> Result<[u8; 32], Eip712Error> {
        let members = &self.types[name];
        let mut buf = Vec::with_capacity(32 * (members.len() + 1));
        buf.extend_from_slice(&self.type_hash_of(name, memo)?);
        for m in members {
            let path = format!("{at}.{}", m.name);
            let v = fields
                .get(&m.name)
                .ok_or_else(|| Eip712Error::Missing { at: path.clone() })?;
            buf.extend_from_slice(&self.encode_value(&m.ty, v, &path, depth, memo)?);
        }
        Ok(keccak256(&buf))
    }

    /// One member's 32-byte encoding.
    fn encode_value(
        &self,
        ty: &str,
        v: Raw<'_>,
        at: &str,
        depth: usize,
        memo: &mut TypeHashes,
    ) -> Result<[u8; 32], Eip712Error> {
        if let Some(array) = split_array(ty)? {
            return self.encode_array(ty, array, v, at, depth, memo);
        }
        if self.types.contains_key(ty) {
            return self.hash_struct_of(ty, v, at, depth + 1, memo);
        }
        encode_atomic(ty, v, at)
    }

    /// The hash of an array's encoded elements; `(elem, len)` from
    /// [`split_array`].
    fn encode_array(
        &self,
        ty: &str,
        (elem, len): (&str, Option<usize>),
        v: Raw<'_>,
        at: &str,
        depth: usize,
        memo: &mut TypeHashes,
    ) -> Result<[u8; 32], Eip712Error> {
        let items = json::array(v)?.ok_or_else(|| Eip712Error::WrongValue {
            at: at.to_owned(),
            ty: ty.to_owned(),
            expected: "an array",
        })?;
        if let Some(n) = len {
            if items.len() != n {
                return Err(Eip712Error::ArrayLength {
                    at: at.to_owned(),
                    ty: ty.to_owned(),
                    expected: n,
                    found: items.len(),
                });
            }
        }
        let mut buf = Vec::with_capacity(32 * items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{at}[{i}]");
            buf.extend_from_slice(&self.encode_value(elem, item, &path, depth + 1, memo)?);
        }
        Ok(keccak256(&buf))
    }
}

/// The 32-byte encoding of a value of an atomic or dynamic type.
fn encode_atomic(ty: &str, v: Raw<'_>, at: &str) -> Result<[u8; 32], Eip712Error> {
    let wrong = |expected| Eip712Error::WrongValue {
        at: at.to_owned(),
        ty: ty.to_owned(),
        expected,
    };
    match ty {
        "string" => {
            let s = json::string(v)?.ok_or_else(|| wrong("a string"))?;
            Ok(keccak256(s.as_bytes()))
        }
        "bytes" => Ok(keccak256(&hex_bytes(ty, v, at)?)),
        "bool" => {
            let b = match json::kind(v) {
                Kind::Bool => v.get() == "true",
                Kind::String => match json::string(v)?.as_deref() {
                    Some("true") => true,
                    Some("false") => false,
                    _ => return Err(wrong("true or false")),
                },
                _ => return Err(wrong("true or false")),
            };
            let mut word = [0u8; 32];
            word[31] = u8::from(b);
            Ok(word)
        }
        // 20 bytes of hex in any case: like eth-account, MetaMask and cast,
        // a mixed-case value is not held to EIP-55 here (it is data to
        // sign, not a recipient to pay).
        "address" => Ok(left_padded(fixed_hex(ty, 20, v, at)?)),
        _ => {
            if let Some(size) = fixed_bytes(ty) {
                let b = fixed_hex(ty, size, v, at)?;
                let mut word = [0u8; 32];
                word[..size].copy_from_slice(&b);
                Ok(word)
            } else if let Some(int) = IntType::parse(ty) {
                encode_integer(int, v, at)
            } else {
                Err(Eip712Error::UnknownType {
                    at: at.to_owned(),
                    ty: ty.to_owned(),
                })
            }
        }
    }
}

/// 20 bytes at the end of a word.
fn left_padded(address: Vec<u8>) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(&address);
    word
}

/// An integer member: a JSON number or a string (see [`integer`]).
fn encode_integer(ty: IntType, v: Raw<'_>, at: &str) -> Result<[u8; 32], Eip712Error> {
    match json::kind(v) {
        Kind::Number => integer::encode(ty, Written::Number(v.get()), at),
        Kind::String => {
            let s = json::string(v)?.unwrap_or_default();
            integer::encode(ty, Written::Text(&s), at)
        }
        _ => Err(Eip712Error::WrongValue {
            at: at.to_owned(),
            ty: ty.to_string(),
            expected: "an integer (a JSON number, or a decimal or 0x string)",
        }),
    }
}

/// `0x`-prefixed hex of exactly `size` bytes.
fn fixed_hex(ty: &str, size: usize, v: Raw<'_>, at: &str) -> Result<Vec<u8>, Eip712Error> {
    let b = hex_bytes(ty, v, at)?;
    if b.len() != size {
        return Err(Eip712Error::ByteLength {
            at: at.to_owned(),
            ty: ty.to_owned(),
            expected: size,
            found: b.len(),
        });
    }
    Ok(b)
}

/// `0x`-prefixed hex (an empty `0x` is zero bytes).
fn hex_bytes(ty: &str, v: Raw<'_>, at: &str) -> Result<Vec<u8>, Eip712Error> {
    let not_hex = |problem| Eip712Error::NotHex {
        at: at.to_owned(),
        ty: ty.to_owned(),
        problem,
    };
    let s = json::string(v)?.ok_or_else(|| Eip712Error::WrongValue {
        at: at.to_owned(),
        ty: ty.to_owned(),
        expected: "a 0x-prefixed hex string",
    })?;
    let h = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .ok_or_else(|| not_hex("must start with 0x"))?;
    hex::decode(h).map_err(|_| not_hex("is not an even number of hex digits"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
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

    /// The variant `TypedData::parse` refuses `json` with.
    fn refusal(json: &str) -> Eip712Error {
        TypedData::parse(json).map(|_| ()).unwrap_err()
    }

    fn one(ty: &str, v: &str) -> String {
        format!(
            r#"{{"types": {{"M": [{{"name": "x", "type": "{ty}"}}]}}, "primaryType": "M", "domain": {{}}, "message": {{"x": {v}}}}}"#
        )
    }

    /// The variant's name, from its `Debug` form.
    fn variant(e: &Eip712Error) -> String {
        let debug = format!("{e:?}");
        debug
            .split([' ', '{'])
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    fn check(cases: &[(&str, &str)]) {
        for (json, want) in cases {
            assert_eq!(variant(&refusal(json)), *want, "{json}");
        }
    }

    #[test]
    fn documents_and_types_refused_by_variant() {
        let types = |t: &str| {
            format!(r#"{{"types": {t}, "primaryType": "M", "domain": {{}}, "message": {{}}}}"#)
        };
        let salty = r#"{"types": {"EIP712Domain": [], "M": []}, "primaryType": "M", "domain": {"salt": "0x"}, "message": {}}"#;
        check(&[
            ("{", "NotJson"),
            ("[]", "BadPart"),
            (r#"{"a": 1}"#, "BadPart"),
            (r#"{"types": {}}"#, "BadPart"),
            (
                r#"{"types": {}, "primaryType": "M", "domain": 1}"#,
                "BadPart",
            ),
            (&types(r#"{"M x": []}"#), "BadTypeName"),
            (&types(r#"{"uint8": []}"#), "BuiltinTypeName"),
            (&types(r#"{"M": {}}"#), "BadMemberList"),
            (&types(r#"{"M": [{"name": "x"}]}"#), "BadMemberList"),
            (
                &types(r#"{"M": [{"name": "a b", "type": "bool"}]}"#),
                "BadMemberName",
            ),
            (
                &types(r#"{"M": [{"name": "a", "type": "bool"}, {"name": "a", "type": "bool"}]}"#),
                "DuplicateMember",
            ),
            (&one("Nope", "1"), "UnknownMemberType"),
            (&one("uint8[0]", "[]"), "BadArrayType"),
            (&types(r#"{"N": []}"#), "UnknownPrimaryType"),
            (salty, "UnknownDomainField"),
            (
                &types(r#"{"M": [{"name": "x", "type": "bool"}]}"#),
                "Missing",
            ),
        ]);
        assert_eq!(
            refusal("[]").to_string(),
            "the document must be a JSON object"
        );
        assert_eq!(
            refusal(salty),
            Eip712Error::UnknownDomainField {
                field: "salt".into()
            }
        );
        let mut deep = String::from("{}");
        for _ in 0..70 {
            deep = format!(r#"{{"n": {deep}}}"#);
        }
        let nest = format!(
            r#"{{"types": {{"M": [{{"name": "n", "type": "M"}}]}}, "primaryType": "M", "message": {deep}}}"#
        );
        assert!(matches!(
            refusal(&nest),
            Eip712Error::TooDeep { max: MAX_DEPTH, .. }
        ));
        let domain_only =
            r#"{"types": {"EIP712Domain": []}, "primaryType": "EIP712Domain", "domain": {}}"#;
        let e = TypedData::parse(domain_only)
            .unwrap()
            .hash_struct()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("invalid EIP-712 typed data: {}", Eip712Error::NoMessage)
        );
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert_eq!(
            Eip712Error::NoMessage.kind(),
            crate::ErrorKind::InvalidInput
        );
    }

    #[test]
    fn values_refused_by_variant() {
        check(&[
            (&one("string", "1"), "WrongValue"),
            (&one("bool", "1"), "WrongValue"),
            (&one("bytes", "1"), "WrongValue"),
            (&one("uint8[]", "1"), "WrongValue"),
            (&one("uint8", "null"), "WrongValue"),
            (&one("uint8", "[1]"), "WrongValue"),
            (
                r#"{"types": {"M": []}, "primaryType": "M", "domain": null}"#,
                "WrongValue",
            ),
            (&one("uint8[2]", "[1]"), "ArrayLength"),
            (&one("bytes", r#""ab""#), "NotHex"),
            (&one("bytes", r#""0xabc""#), "NotHex"),
            (&one("address", r#""0x00""#), "ByteLength"),
            (&one("uint8[]", "[1, 2.5]"), "NotAnInteger"),
            (&one("int8", r#""x""#), "IntegerText"),
            (&one("uint8", "-1"), "NegativeUnsigned"),
            (&one("uint64", "18446744073709551616"), "OutOfRange"),
        ]);
        assert_eq!(
            refusal(&one("uint8[2]", "[1]")),
            Eip712Error::ArrayLength {
                at: "message.x".into(),
                ty: "uint8[2]".into(),
                expected: 2,
                found: 1
            }
        );
        let e = refusal(&one("uint8[]", "[1, 1e2]"));
        assert!(e
            .to_string()
            .starts_with("message.x[1] is the JSON number 1e2, which has an exponent"));
        let e = refusal(&one("uint64", "18446744073709551616"));
        assert_eq!(e.to_string(), "message.x is 18446744073709551616, out of range for uint64: it holds 0 to 18446744073709551615");
        // Unreachable through parse (member types are checked first).
        let v = json::document("1").unwrap();
        assert_eq!(
            variant(&encode_atomic("fixed128x18", v, "m.x").unwrap_err()),
            "UnknownType"
        );
    }

    #[test]
    fn big_json_integers_hash_as_their_digits() {
        // 2^64 + 1 as a JSON number, as a decimal string and as hex.
        let n = TypedData::parse(&one("uint256", "18446744073709551617")).unwrap();
        let s = TypedData::parse(&one("uint256", r#""18446744073709551617""#)).unwrap();
        let h = TypedData::parse(&one("uint256", r#""0x10000000000000001""#)).unwrap();
        assert_eq!(n.signing_hash().unwrap(), s.signing_hash().unwrap());
        assert_eq!(n.signing_hash().unwrap(), h.signing_hash().unwrap());
        let other = TypedData::parse(&one("uint256", "18446744073709551616")).unwrap();
        assert_ne!(n.signing_hash().unwrap(), other.signing_hash().unwrap());
        // A Value with an f64 is written out and refused like the text.
        let v: Value = serde_json::from_str(&one("uint256", "1")).unwrap();
        let mut f = v.clone();
        f["message"]["x"] = json!(1.0);
        assert!(TypedData::from_value(&v).is_ok());
        assert!(TypedData::from_value(&f).is_err());
    }
}
