//! Why an EIP-712 document was refused: one variant per mistake, each naming
//! where it is (a path such as `message.to[1].amount`) and what was expected.
//! Values are quoted at most one word long (they are data to sign, never
//! secrets).

use super::int_type::IntType;
use crate::error::{Error, ErrorKind};

/// What is wrong with an EIP-712 typed-data document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Eip712Error {
    /// The text is not JSON.
    #[error("not JSON ({reason})")]
    NotJson {
        /// serde_json's description, with the line and column.
        reason: String,
    },

    /// A part of the document has the wrong JSON type.
    #[error("{part} must be {expected}")]
    BadPart {
        /// Which part: `the document`, `'types'`, `'primaryType'` or `'domain'`.
        part: &'static str,
        /// What it must be.
        expected: &'static str,
    },

    /// A struct name that is not a Solidity identifier.
    #[error("'{name}' is not a valid type name (letters, digits, '_' and '$', not starting with a digit)")]
    BadTypeName {
        /// The name.
        name: String,
    },

    /// A struct named like an atomic type (`uint8`, `address`, …).
    #[error("'{name}' is a built-in type, not a struct name")]
    BuiltinTypeName {
        /// The name.
        name: String,
    },

    /// A type whose definition is not a list of `{"name", "type"}` members.
    #[error("type '{type_name}' must be a list of members, each with a string 'name' and 'type'")]
    BadMemberList {
        /// The struct type.
        type_name: String,
    },

    /// A member name that is not a Solidity identifier.
    #[error("'{member}' in '{type_name}' is not a valid member name (letters, digits, '_' and '$', not starting with a digit)")]
    BadMemberName {
        /// The struct type.
        type_name: String,
        /// The member name.
        member: String,
    },

    /// Two members of one struct with the same name.
    #[error("'{type_name}' has two members named '{member}'")]
    DuplicateMember {
        /// The struct type.
        type_name: String,
        /// The repeated name.
        member: String,
    },

    /// A member whose type is neither built in nor one of the document's structs.
    #[error("member '{member}' of '{type_name}' has the unknown type '{ty}'")]
    UnknownMemberType {
        /// The struct type.
        type_name: String,
        /// The member.
        member: String,
        /// Its type as written.
        ty: String,
    },

    /// An array type that cannot be read (`uint8]`, `[]`, `uint8[0]`, …).
    #[error("type '{ty}' {problem}")]
    BadArrayType {
        /// The type as written.
        ty: String,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// A `primaryType` that is not among the types.
    #[error("primaryType '{name}' is not one of the types")]
    UnknownPrimaryType {
        /// The primary type's name.
        name: String,
    },

    /// A domain field that the `EIP712Domain` type does not declare.
    #[error("domain field '{field}' is not in the EIP712Domain type")]
    UnknownDomainField {
        /// The field.
        field: String,
    },

    /// Structs nested deeper than the encoder follows.
    #[error("{at}: structs nest deeper than {max} levels")]
    TooDeep {
        /// Where the limit was reached.
        at: String,
        /// The limit.
        max: usize,
    },

    /// A member of the struct type that the value does not have.
    #[error("{at} is missing")]
    Missing {
        /// The member's path.
        at: String,
    },

    /// A value of the wrong JSON type for its EIP-712 type.
    #[error("{at} must be {expected} (its type is {ty})")]
    WrongValue {
        /// The value's path.
        at: String,
        /// Its EIP-712 type.
        ty: String,
        /// What it must be.
        expected: &'static str,
    },

    /// A fixed-size array with another number of elements.
    #[error("{at} has {found} elements; {ty} needs {expected}")]
    ArrayLength {
        /// The array's path.
        at: String,
        /// Its type.
        ty: String,
        /// The length the type fixes.
        expected: usize,
        /// The length found.
        found: usize,
    },

    /// A string that should be `0x`-prefixed hex and is not.
    #[error("{at} {problem} (its type is {ty})")]
    NotHex {
        /// The value's path.
        at: String,
        /// Its type (`bytes`, `bytesN` or `address`).
        ty: String,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// Hex of the wrong length for an `address` or `bytesN`.
    #[error("{at} has {found} bytes; {ty} needs exactly {expected}")]
    ByteLength {
        /// The value's path.
        at: String,
        /// Its type.
        ty: String,
        /// The size the type fixes.
        expected: usize,
        /// The size found.
        found: usize,
    },

    /// A member type the encoder does not know (a bug: types are checked first).
    #[error("{at} has the unknown type '{ty}'")]
    UnknownType {
        /// The value's path.
        at: String,
        /// The type.
        ty: String,
    },

    /// A JSON number with a fraction or an exponent where an integer is due.
    #[error("{at} is the JSON number {value}, which has {form}: write the integer with digits only, or as a decimal or 0x string (its type is {ty}; eth-account refuses such numbers too)")]
    NotAnInteger {
        /// The value's path.
        at: String,
        /// Its integer type.
        ty: IntType,
        /// The number as written (cut when long).
        value: String,
        /// What makes it not an integer.
        form: NumberForm,
    },

    /// A string that is neither a decimal nor a `0x` hex integer.
    #[error("{at}: '{value}' is not an integer: write digits, optionally with '-', or 0x and hex digits (its type is {ty})")]
    IntegerText {
        /// The value's path.
        at: String,
        /// Its integer type.
        ty: IntType,
        /// The text (its first word, cut when long).
        value: String,
    },

    /// A negative value for an unsigned type.
    #[error("{at} is {value}, but {ty} is unsigned: it holds {}", ty.range())]
    NegativeUnsigned {
        /// The value's path.
        at: String,
        /// Its unsigned type.
        ty: IntType,
        /// The value as written (cut when long).
        value: String,
    },

    /// An integer outside the range of its type.
    #[error("{at} is {value}, out of range for {ty}: it holds {}", ty.range())]
    OutOfRange {
        /// The value's path.
        at: String,
        /// Its integer type.
        ty: IntType,
        /// The value as written (cut when long).
        value: String,
    },

    /// `hashStruct(message)` asked of a document whose primary type is
    /// `EIP712Domain`.
    #[error("the primary type is EIP712Domain: there is no message to hash")]
    NoMessage,
}

/// Why a JSON number is not an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberForm {
    /// It has a decimal point (`1.5`, `1.0`).
    Fraction,
    /// It has an exponent (`1e3`, `1E-3`), even one that makes a whole number.
    Exponent,
}

impl core::fmt::Display for NumberForm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            NumberForm::Fraction => "a fraction",
            NumberForm::Exponent => "an exponent",
        })
    }
}

impl Eip712Error {
    /// The stable category: always [`ErrorKind::InvalidInput`] (the
    /// document is wrong, whatever the detail).
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }
}

impl From<Eip712Error> for Error {
    fn from(e: Eip712Error) -> Self {
        Error::InvalidInput(format!("invalid EIP-712 typed data: {e}"))
    }
}
