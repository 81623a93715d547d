//! Solidity integers in EIP-712 documents: the `uintN`/`intN` types, the
//! ways a document writes an integer, and its exact 32-byte word.
//!
//! A JSON number is read from its text, so any number of digits is exact
//! (Python's `json` writes 2^255 as 78 digits, and eth-account signs it).
//! It must be written as an integer: `-?digits`, no fraction and no
//! exponent, not even `1e3` or `1.0`. That is eth-account's rule (Python's
//! `json` reads those as floats, which eth-abi refuses for integer types);
//! keeping it means a document signs the same everywhere or nowhere.
//! Strings may hold a decimal integer (`"-12"`) or hex (`"0xff"`), with
//! surrounding spaces. Every value is range-checked against its type.

use super::error::{Eip712Error, NumberForm};
use super::int_type::IntType;
use alloy_primitives::U256;

/// An integer as the document writes it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Written<'a> {
    /// A JSON number, as its text: `-12`, `340282366920938463463374607431768211456`, `1e3`.
    Number(&'a str),
    /// The contents of a JSON string: `"-12"`, `"0xff"`.
    Text(&'a str),
}

/// The 32-byte encoding of the integer at `at`, of type `ty`.
pub(super) fn encode(ty: IntType, written: Written<'_>, at: &str) -> Result<[u8; 32], Eip712Error> {
    let (negative, digits, radix, shown) = split(ty, written, at)?;
    let value = || excerpt(shown);
    let is_zero = digits.bytes().all(|b| b == b'0');
    if negative && !is_zero && !ty.is_signed() {
        return Err(Eip712Error::NegativeUnsigned {
            at: at.to_owned(),
            ty,
            value: value(),
        });
    }
    magnitude(digits, radix)
        .and_then(|m| ty.word(negative, m))
        .ok_or_else(|| Eip712Error::OutOfRange {
            at: at.to_owned(),
            ty,
            value: value(),
        })
}

/// The sign, the digits and their radix, and the text to quote in errors.
fn split<'a>(
    ty: IntType,
    written: Written<'a>,
    at: &str,
) -> Result<(bool, &'a str, u32, &'a str), Eip712Error> {
    match written {
        Written::Number(t) => {
            // serde_json has checked the JSON grammar: `-?int frac? exp?`.
            let form = if t.contains('.') {
                Some(NumberForm::Fraction)
            } else if t.contains(['e', 'E']) {
                Some(NumberForm::Exponent)
            } else {
                None
            };
            if let Some(form) = form {
                return Err(Eip712Error::NotAnInteger {
                    at: at.to_owned(),
                    ty,
                    value: excerpt(t),
                    form,
                });
            }
            let (negative, digits) = sign(t);
            Ok((negative, digits, 10, t))
        }
        Written::Text(s) => {
            let (negative, body) = sign(s.trim());
            let hex = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X"));
            let (digits, radix) = hex.map_or((body, 10), |h| (h, 16));
            let ok = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
            if !ok {
                return Err(Eip712Error::IntegerText {
                    at: at.to_owned(),
                    ty,
                    value: excerpt(s),
                });
            }
            Ok((negative, digits, radix, s))
        }
    }
}

fn sign(s: &str) -> (bool, &str) {
    match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    }
}

/// The value of ASCII `digits` in `radix` (10 or 16); `None` above 256 bits.
fn magnitude(digits: &str, radix: u32) -> Option<U256> {
    let significant = digits.trim_start_matches('0');
    // 2^256 has 78 decimal and 65 hex digits: anything longer is too large,
    // and is refused without reading it all.
    let max_len = if radix == 16 { 64 } else { 78 };
    if significant.len() > max_len {
        return None;
    }
    if significant.is_empty() {
        return Some(U256::ZERO);
    }
    U256::from_str_radix(significant, u64::from(radix)).ok()
}

/// At most one word of `s`, and at most 80 characters of it, for an error.
fn excerpt(s: &str) -> String {
    let t = s.trim();
    let word = t.split_whitespace().next().unwrap_or("");
    let n = word.chars().count();
    if n > 80 {
        let head: String = word.chars().take(40).collect();
        format!("{head}… ({n} characters)")
    } else if word.len() < t.len() {
        format!("{word}…")
    } else {
        word.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> IntType {
        IntType::parse(s).unwrap()
    }

    fn num(t: &str, s: &str) -> Result<[u8; 32], Eip712Error> {
        encode(ty(t), Written::Number(s), "m.x")
    }

    fn text(t: &str, s: &str) -> Result<[u8; 32], Eip712Error> {
        encode(ty(t), Written::Text(s), "m.x")
    }

    fn word_of(v: U256) -> [u8; 32] {
        v.to_be_bytes()
    }

    #[test]
    fn types_are_uint_and_int_of_whole_bytes() {
        for n in (8..=256).step_by(8) {
            assert_eq!(ty(&format!("uint{n}")).to_string(), format!("uint{n}"));
            assert!(ty(&format!("int{n}")).is_signed());
            assert_eq!(ty(&format!("int{n}")).bits(), n);
        }
        for bad in [
            "uint", "int", "uint0", "uint7", "uint08", "uint264", "int+8", "uint 8", "uintx",
        ] {
            assert_eq!(IntType::parse(bad), None, "{bad}");
        }
        assert_eq!(ty("uint8").range(), "0 to 255");
        assert_eq!(
            ty("int64").range(),
            "-9223372036854775808 to 9223372036854775807"
        );
        assert_eq!(ty("uint72").range(), "0 to 2^72-1");
        assert_eq!(ty("int256").range(), "-2^255 to 2^255-1");
    }

    #[test]
    fn numbers_of_any_length_are_exact() {
        let max = U256::MAX.to_string();
        assert_eq!(num("uint256", &max).unwrap(), [0xff; 32]);
        let big = "340282366920938463463374607431768211457"; // 2^128 + 1
        assert_eq!(
            num("uint136", big).unwrap(),
            word_of((U256::from(1u8) << 128usize) + U256::from(1u8))
        );
        let min = format!("-{}", U256::from(1u8) << 255usize);
        let mut w = [0u8; 32];
        w[0] = 0x80;
        assert_eq!(num("int256", &min).unwrap(), w);
        assert_eq!(num("int8", "-1").unwrap(), [0xff; 32]);
        assert_eq!(num("uint8", "-0").unwrap(), [0; 32]);
        assert_eq!(
            text("uint8", " 0x0ff ").unwrap(),
            word_of(U256::from(255u8))
        );
        assert_eq!(
            text("int16", "-0x80").unwrap(),
            word_of(U256::from(128u8).wrapping_neg())
        );
        assert_eq!(text("uint8", "007").unwrap(), word_of(U256::from(7u8)));
    }

    #[test]
    fn each_bound_is_checked() {
        // 2^256, one more than any 256-bit word holds.
        let two_256 =
            "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        let one = U256::from(1u8);
        let out =
            |r: Result<[u8; 32], Eip712Error>| matches!(r, Err(Eip712Error::OutOfRange { .. }));
        for n in (8..=256usize).step_by(8) {
            let u = format!("uint{n}");
            let (top, over) = if n == 256 {
                (U256::MAX, two_256.to_owned())
            } else {
                ((one << n) - one, (one << n).to_string())
            };
            assert_eq!(num(&u, &top.to_string()).unwrap(), word_of(top), "{u}");
            assert!(out(num(&u, &over)), "{u}");
            let half = one << (n - 1);
            let i = format!("int{n}");
            assert!(num(&i, &format!("-{half}")).is_ok(), "{i}");
            assert!(num(&i, &(half - one).to_string()).is_ok(), "{i}");
            assert!(out(num(&i, &half.to_string())), "{i}");
            assert!(out(num(&i, &format!("-{}", half + one))), "{i}");
        }
        assert!(out(num("uint256", &"9".repeat(100_000))));
        assert!(out(text("uint256", &format!("0x1{}", "0".repeat(64)))));
        assert!(text("uint256", &format!("0x{}1", "0".repeat(100))).is_ok());
    }

    #[test]
    fn what_is_not_an_integer_is_named() {
        for (s, form) in [
            ("1.5", NumberForm::Fraction),
            ("1.0", NumberForm::Fraction),
            ("-0.0", NumberForm::Fraction),
            ("1.0e0", NumberForm::Fraction),
            ("1e3", NumberForm::Exponent),
            ("1E+3", NumberForm::Exponent),
            ("1e-3", NumberForm::Exponent),
        ] {
            let e = num("uint256", s).unwrap_err();
            assert_eq!(
                e,
                Eip712Error::NotAnInteger {
                    at: "m.x".into(),
                    ty: ty("uint256"),
                    value: s.into(),
                    form
                },
                "{s}"
            );
        }
        for s in [
            "",
            " ",
            "-",
            "0x",
            "1.5",
            "1e3",
            "+5",
            "1_000",
            "0xg1",
            "--1",
            "how do you do?",
        ] {
            assert!(
                matches!(text("uint256", s), Err(Eip712Error::IntegerText { .. })),
                "{s:?}"
            );
        }
        let e = text("uint8", "how do you do?").unwrap_err();
        assert!(e.to_string().contains("'how…'"), "{e}");
        let e = num("uint8", "-1").unwrap_err();
        assert_eq!(
            e,
            Eip712Error::NegativeUnsigned {
                at: "m.x".into(),
                ty: ty("uint8"),
                value: "-1".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "m.x is -1, but uint8 is unsigned: it holds 0 to 255"
        );
        let e = num("int8", "128").unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.x is 128, out of range for int8: it holds -128 to 127"
        );
        let long = num("uint8", &"9".repeat(1000)).unwrap_err().to_string();
        assert!(
            long.contains("(1000 characters)") && long.len() < 200,
            "{long}"
        );
    }
}
