//! Reading the JSON-RPC encodings of Ethereum values (`0x` quantities and
//! byte strings) into typed values, with errors that name the field and
//! never echo its content.

use super::VerifyError;
use alloy_primitives::U256;
use serde_json::Value;

/// A JSON object's field, `None` when absent or `null` (clients print
/// fields of later forks as `null`).
pub(super) fn opt<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).filter(|f| !f.is_null())
}

/// A required field.
pub(super) fn req<'a>(
    v: &'a Value,
    what: &'static str,
    name: &str,
) -> Result<&'a Value, VerifyError> {
    opt(v, name).ok_or_else(|| VerifyError::malformed(what, format!("{name} is missing")))
}

fn hex_digits<'a>(v: &'a Value, what: &'static str, name: &str) -> Result<&'a str, VerifyError> {
    v.as_str()
        .and_then(|s| s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")))
        .ok_or_else(|| VerifyError::malformed(what, format!("{name} is not a 0x-prefixed string")))
}

/// A quantity up to 256 bits (`"0x1a"`); leading zeros are accepted.
pub(super) fn u256(v: &Value, what: &'static str, name: &str) -> Result<U256, VerifyError> {
    let digits = hex_digits(v, what, name)?;
    let trimmed = digits.trim_start_matches('0');
    let bad = || VerifyError::malformed(what, format!("{name} is not a hex quantity"));
    if digits.is_empty() || trimmed.len() > 64 || !trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    if trimmed.is_empty() {
        return Ok(U256::ZERO);
    }
    U256::from_str_radix(trimmed, 16).map_err(|_| bad())
}

/// A quantity that fits 64 bits.
pub(super) fn u64(v: &Value, what: &'static str, name: &str) -> Result<u64, VerifyError> {
    let n = u256(v, what, name)?;
    u64::try_from(n)
        .map_err(|_| VerifyError::malformed(what, format!("{name} does not fit 64 bits")))
}

/// A byte string of any length (`"0x"` is empty).
pub(super) fn bytes(v: &Value, what: &'static str, name: &str) -> Result<Vec<u8>, VerifyError> {
    hex::decode(hex_digits(v, what, name)?)
        .map_err(|_| VerifyError::malformed(what, format!("{name} is not hex bytes")))
}

/// A byte string of exactly `N` bytes.
pub(super) fn fixed<const N: usize>(
    v: &Value,
    what: &'static str,
    name: &str,
) -> Result<[u8; N], VerifyError> {
    bytes(v, what, name)?
        .try_into()
        .map_err(|_| VerifyError::malformed(what, format!("{name} is not {N} bytes")))
}

/// A 32-byte word written as a quantity or as bytes of at most 32
/// (storage keys are echoed as the caller wrote them: `"0x0"` or padded).
pub(super) fn word(v: &Value, what: &'static str, name: &str) -> Result<[u8; 32], VerifyError> {
    Ok(u256(v, what, name)?.to_be_bytes::<32>())
}

/// An array field.
pub(super) fn array<'a>(
    v: &'a Value,
    what: &'static str,
    name: &str,
) -> Result<&'a Vec<Value>, VerifyError> {
    req(v, what, name)?
        .as_array()
        .ok_or_else(|| VerifyError::malformed(what, format!("{name} is not an array")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_and_bytes() {
        let v = json!({"a": "0x0", "b": "0x00ff", "c": "0x", "d": 5, "e": null, "f": "0xzz"});
        assert_eq!(u64(&v["a"], "t", "a").unwrap(), 0);
        assert_eq!(u64(&v["b"], "t", "b").unwrap(), 255);
        assert!(u64(&v["c"], "t", "c").is_err(), "an empty quantity");
        assert_eq!(bytes(&v["c"], "t", "c").unwrap(), Vec::<u8>::new());
        assert!(u64(&v["d"], "t", "d").is_err(), "a JSON number");
        assert!(req(&v, "t", "e").is_err(), "null counts as missing");
        assert!(opt(&v, "e").is_none());
        assert!(u256(&v["f"], "t", "f").is_err());
        assert!(fixed::<2>(&v["b"], "t", "b").is_ok());
        assert!(fixed::<3>(&v["b"], "t", "b").is_err());
        let big = json!(format!("0x1{}", "0".repeat(64)));
        assert!(u256(&big, "t", "x").is_err(), "257 bits");
        assert!(u64(&json!("0x10000000000000000"), "t", "x").is_err());
        let e = u64(&v["f"], "header", "gasUsed").unwrap_err();
        assert_eq!(e.to_string(), "header: gasUsed is not a hex quantity");
        assert_eq!(word(&json!("0x1"), "t", "k").unwrap()[31], 1);
    }
}
