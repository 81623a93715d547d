//! Output script descriptors (BIP380–386, BIP389 multipath) for the accounts
//! this wallet derives, so that a node or another wallet can watch the same
//! addresses, and so that a watch-only wallet can be made from one.
//!
//! The subset: `pkh(KEY)`, `sh(wpkh(KEY))`, `wpkh(KEY)` and `tr(KEY)`, where
//! `KEY` is `[fingerprint/purpose'/coin'/account']xpub` followed by the
//! BIP389 multipath `/<0;1>/*` or by `/0/*` (external) or `/1/*` (internal).
//!
//! Written here rather than with the `miniscript` crate: the subset is small
//! (the BIP380 checksum and one template per address type), our keys are the
//! SDK's own (`crate::hd`, zeroized and redacted, where miniscript would hold
//! an `xprv` in rust-bitcoin's non-zeroizing types), and the parser must say
//! precisely why a descriptor is refused. It reads the rest of the language
//! far enough to tell a descriptor that is invalid by the BIPs (a syntax or
//! context error) from a valid one outside the subset (`Unsupported`, naming
//! what was found).

use crate::bitcoin::{AddressType, NetworkParams};
use crate::error::{Error, ErrorKind};
use crate::hd::{
    self, ChildIndex, DerivationPath, ExtendedKey, ExtendedPrivateKey, ExtendedPublicKey,
    Fingerprint, KeyVersion, HARDENED,
};
#[cfg(test)]
use crate::key::PublicKey;
use crate::secret::SecretString;
use core::fmt;
use zeroize::Zeroizing;

/// Why a descriptor was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DescriptorError {
    /// A `#` with nothing after it.
    #[error("the descriptor ends with '#' but no checksum follows: add its 8-character checksum or remove the '#'")]
    ChecksumMissing,
    /// A checksum of the wrong length.
    #[error("the checksum has {found} characters; a descriptor checksum has 8")]
    ChecksumLength {
        /// How many characters follow the `#`.
        found: usize,
    },
    /// A checksum character outside the checksum alphabet.
    #[error("checksum character {position} is '{found}', which no checksum contains (they use qpzry9x8gf2tvdw0s3jn54khce6mua7l)")]
    ChecksumCharacter {
        /// 1-based position within the checksum.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The checksum does not match the descriptor.
    #[error("the descriptor does not match its checksum: a character was changed, or the checksum belongs to another descriptor")]
    ChecksumMismatch,
    /// A character outside the BIP380 character set.
    #[error("character {position} ('{found}') cannot appear in a descriptor")]
    InvalidCharacter {
        /// 1-based position in the descriptor.
        position: usize,
        /// The character found.
        found: char,
    },
    /// Malformed structure (parentheses, commas, braces, stray text).
    #[error("at character {position}: {problem}")]
    Syntax {
        /// 1-based position in the descriptor.
        position: usize,
        /// What is wrong there.
        problem: &'static str,
    },
    /// A function given the wrong kind or number of arguments.
    #[error("{function}() takes {expected}")]
    Arguments {
        /// The function.
        function: &'static str,
        /// What it takes.
        expected: &'static str,
    },
    /// A function where the BIPs forbid it (`sh()` inside `sh()`, `wpkh()` inside `wsh()`…).
    #[error("{inner}() cannot be used {place}")]
    Context {
        /// The misplaced function.
        inner: &'static str,
        /// Where it was found (`at the top level`, `inside sh()`…).
        place: &'static str,
    },
    /// An uncompressed key where segwit or taproot needs a compressed one.
    #[error("{function}() needs a compressed key, and this key is uncompressed")]
    UncompressedKey {
        /// The function holding the key.
        function: &'static str,
    },
    /// A malformed key origin `[fingerprint/path]`.
    #[error("key origin: {problem}")]
    Origin {
        /// What is wrong.
        problem: &'static str,
    },
    /// A malformed derivation step.
    #[error("derivation step '{step}': {problem}")]
    Step {
        /// The step as written (shortened).
        step: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A malformed BIP389 multipath step `<a;b>`.
    #[error("multipath step: {problem}")]
    Multipath {
        /// What is wrong.
        problem: &'static str,
    },
    /// A key that cannot be decoded.
    #[error("invalid key: {reason}")]
    Key {
        /// Why (never contains key material).
        reason: String,
    },
    /// A key for mainnet on a test network, or the reverse.
    #[error("the descriptor's key is a {found} key, but the wallet is on {expected}")]
    WrongNetwork {
        /// `mainnet (xpub)` or `test network (tpub)`.
        found: &'static str,
        /// The network asked for.
        expected: NetworkParams,
    },
    /// A key origin that contradicts the key it describes.
    #[error("the key origin does not match the key: {problem}")]
    OriginMismatch {
        /// What disagrees.
        problem: String,
    },
    /// A valid descriptor outside the subset this wallet reads.
    #[error("unsupported descriptor: {what}; this wallet reads pkh(), sh(wpkh()), wpkh() and tr() of one extended key with its origin, ending in /<0;1>/*, /0/* or /1/*")]
    Unsupported {
        /// What was found.
        what: String,
    },
    /// Two descriptors that are not the two halves of one account.
    #[error(
        "the two descriptors are not the external and internal halves of one account: {problem}"
    )]
    PairMismatch {
        /// What differs.
        problem: &'static str,
    },
    /// A keychain the descriptor does not cover.
    #[error("this descriptor has only the {have} addresses, not the {want} ones")]
    MissingKeychain {
        /// The keychain it covers.
        have: Keychain,
        /// The keychain asked for.
        want: Keychain,
    },
    /// A master key that is not the descriptor's.
    #[error("this wallet's master key is not the one the descriptor's account was derived from")]
    WrongMasterKey,
    /// Deriving a key or an address failed.
    #[error("{0}")]
    Derivation(String),
}

impl DescriptorError {
    /// The stable category of this error.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            DescriptorError::ChecksumMismatch => ErrorKind::BadChecksum,
            DescriptorError::Key { .. } | DescriptorError::WrongMasterKey => ErrorKind::InvalidKey,
            DescriptorError::WrongNetwork { .. } => ErrorKind::WrongNetwork,
            DescriptorError::Unsupported { .. } => ErrorKind::Unsupported,
            DescriptorError::Step { .. } => ErrorKind::InvalidPath,
            _ => ErrorKind::InvalidInput,
        }
    }
}

impl From<DescriptorError> for Error {
    fn from(e: DescriptorError) -> Self {
        match e {
            DescriptorError::ChecksumMismatch => Error::Checksum { what: "descriptor" },
            DescriptorError::WrongNetwork { found, expected } => Error::WrongNetwork {
                what: "descriptor",
                found: found.to_owned(),
                expected: expected.to_string(),
            },
            e => match e.kind() {
                ErrorKind::InvalidKey => Error::InvalidKey(e.to_string()),
                ErrorKind::Unsupported => Error::Unsupported(e.to_string()),
                ErrorKind::InvalidPath => Error::InvalidPath(e.to_string()),
                _ => Error::InvalidInput(e.to_string()),
            },
        }
    }
}

type Result<T, E = DescriptorError> = core::result::Result<T, E>;

fn syntax(at: usize, problem: &'static str) -> DescriptorError {
    DescriptorError::Syntax {
        position: at + 1,
        problem,
    }
}

fn unsupported(what: impl Into<String>) -> DescriptorError {
    DescriptorError::Unsupported { what: what.into() }
}

/// Words of user input longer than this are not quoted in errors: a long
/// word in a descriptor may be (part of) a key.
const QUOTE_MAX: usize = 12;

/// `s` if it is short enough to quote, else its length.
fn quote(s: &str) -> String {
    if s.chars().count() <= QUOTE_MAX {
        s.to_owned()
    } else {
        format!("({} characters)", s.chars().count())
    }
}

/// A function name as written, when it looks like one (lowercase letters,
/// digits and `_`, at most 12 characters).
fn quote_name(s: &str) -> String {
    let identifier = s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if identifier && !s.is_empty() && s.len() <= QUOTE_MAX {
        format!("the function '{s}()'")
    } else {
        "an unknown function".into()
    }
}

// ---------------------------------------------------------------------------
// BIP380 checksum

/// BIP380's character set, in its three groups of 32 (a fact of the spec).
const INPUT_CHARSET: &[u8; 95] =
    b"0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
/// The checksum alphabet (bech32's).
const CHECKSUM_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// The BCH code's generator (BIP380).
const GENERATOR: [u64; 5] = [
    0xf5_dee5_1989,
    0xa9_fdca_3312,
    0x1b_ab10_e32d,
    0x37_06b1_677a,
    0x64_4d62_6ffd,
];

fn polymod(chk: u64, value: u64) -> u64 {
    let top = chk >> 35;
    let mut c = ((chk & 0x7_ffff_ffff) << 5) ^ value;
    for (i, g) in GENERATOR.iter().enumerate() {
        if (top >> i) & 1 == 1 {
            c ^= g;
        }
    }
    c
}

/// The position of `c` in the character set, or the error naming it.
fn symbol(c: char, index: usize) -> Result<u64> {
    u8::try_from(c)
        .ok()
        .and_then(|b| INPUT_CHARSET.iter().position(|x| *x == b))
        .map(|p| p as u64)
        .ok_or(DescriptorError::InvalidCharacter {
            position: index + 1,
            found: c,
        })
}

/// The BCH state after `payload` and the eight checksum slots, streamed so
/// that a private descriptor is never copied.
fn checksum_state(payload: &str) -> Result<u64> {
    let mut chk = 1u64;
    let (mut groups, mut count) = (0u64, 0);
    for (i, c) in payload.chars().enumerate() {
        let v = symbol(c, i)?;
        chk = polymod(chk, v & 31);
        groups = groups * 3 + (v >> 5);
        count += 1;
        if count == 3 {
            chk = polymod(chk, groups);
            (groups, count) = (0, 0);
        }
    }
    if count > 0 {
        chk = polymod(chk, groups);
    }
    Ok(chk)
}

fn checksum_bytes(payload: &str) -> Result<[u8; 8]> {
    let mut chk = checksum_state(payload)?;
    for _ in 0..8 {
        chk = polymod(chk, 0);
    }
    chk ^= 1;
    let mut out = [0u8; 8];
    for (j, o) in out.iter_mut().enumerate() {
        *o = CHECKSUM_CHARSET[((chk >> (5 * (7 - j))) & 31) as usize];
    }
    Ok(out)
}

/// The 8-character BIP380 checksum of `payload` (a descriptor without `#…`).
pub fn checksum(payload: &str) -> Result<String> {
    let bytes = checksum_bytes(payload)?;
    Ok(bytes.iter().map(|b| char::from(*b)).collect())
}

/// `payload#checksum`.
pub fn with_checksum(payload: &str) -> Result<String> {
    Ok(format!("{payload}#{}", checksum(payload)?))
}

/// Checks the characters of `descriptor` and, when it carries a `#checksum`,
/// the checksum; returns the descriptor without it. A checksum is optional.
pub fn verify_checksum(descriptor: &str) -> Result<&str> {
    let Some((payload, sum)) = descriptor.split_once('#') else {
        checksum_state(descriptor)?;
        return Ok(descriptor);
    };
    let found = sum.chars().count();
    if found == 0 {
        return Err(DescriptorError::ChecksumMissing);
    }
    if found != 8 {
        return Err(DescriptorError::ChecksumLength { found });
    }
    if let Some((i, c)) = sum
        .chars()
        .enumerate()
        .find(|(_, c)| !u8::try_from(*c).is_ok_and(|b| CHECKSUM_CHARSET.contains(&b)))
    {
        return Err(DescriptorError::ChecksumCharacter {
            position: i + 1,
            found: c,
        });
    }
    if checksum_bytes(payload)?[..] != *sum.as_bytes() {
        return Err(DescriptorError::ChecksumMismatch);
    }
    Ok(payload)
}

// ---------------------------------------------------------------------------
// Expression tree

/// Every script function of BIP381–386/389 and their successors we recognise.
const FUNCTIONS: [&str; 16] = [
    "pk",
    "pkh",
    "wpkh",
    "sh",
    "wsh",
    "tr",
    "rawtr",
    "combo",
    "raw",
    "addr",
    "multi",
    "sortedmulti",
    "multi_a",
    "sortedmulti_a",
    "musig",
    "sp",
];

/// Trees deeper than this are refused before the parser recurses further.
const MAX_DEPTH: usize = 128;

/// One node of a parsed descriptor.
#[derive(Debug)]
enum Node<'a> {
    /// `name(args…)`.
    Call {
        name: &'static str,
        args: Vec<Node<'a>>,
        at: usize,
    },
    /// A taproot tree branch `{left,right}`.
    Tree { at: usize },
    /// Anything else: a key, a number, hex, an address.
    Word { text: &'a str, at: usize },
}

impl Node<'_> {
    fn at(&self) -> usize {
        match self {
            Node::Call { at, .. } | Node::Tree { at } | Node::Word { at, .. } => *at,
        }
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// Parses the whole of `s` (already checked to be ASCII from the charset).
    fn parse(s: &'a str) -> Result<Node<'a>> {
        let mut p = Parser { s, pos: 0 };
        let node = p.node(0)?;
        if p.pos != s.len() {
            return Err(syntax(
                p.pos,
                "unexpected text after the end of the descriptor",
            ));
        }
        Ok(node)
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn expect(&mut self, b: u8, problem: &'static str) -> Result<()> {
        if self.peek() != Some(b) {
            return Err(syntax(self.pos, problem));
        }
        self.pos += 1;
        Ok(())
    }

    fn node(&mut self, depth: usize) -> Result<Node<'a>> {
        if depth > MAX_DEPTH {
            return Err(syntax(self.pos, "the descriptor is nested too deeply"));
        }
        let at = self.pos;
        if self.peek() == Some(b'{') {
            self.pos += 1;
            self.node(depth + 1)?;
            self.expect(b',', "expected ',' between the two branches of a tree")?;
            self.node(depth + 1)?;
            self.expect(b'}', "expected '}' closing a tree")?;
            return Ok(Node::Tree { at });
        }
        let start = self.pos;
        while self.peek().is_some_and(|b| !b"(),{}".contains(&b)) {
            self.pos += 1;
        }
        let word = &self.s[start..self.pos];
        if self.peek() != Some(b'(') {
            if word.is_empty() {
                return Err(syntax(at, "expected an expression"));
            }
            return Ok(Node::Word { text: word, at });
        }
        let Some(name) = FUNCTIONS.iter().find(|f| **f == word) else {
            return Err(unsupported(quote_name(word)));
        };
        self.pos += 1;
        let args = self.arguments(depth)?;
        Ok(Node::Call { name, args, at })
    }

    fn arguments(&mut self, depth: usize) -> Result<Vec<Node<'a>>> {
        let mut args = Vec::new();
        if self.peek() == Some(b')') {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            args.push(self.node(depth + 1)?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return Ok(args);
                }
                _ => return Err(syntax(self.pos, "expected ',' or ')'")),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Context rules (BIP381–386)

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Sh,
    Wsh,
    Tap,
}

impl Ctx {
    fn place(self) -> &'static str {
        match self {
            Ctx::Top => "at the top level",
            Ctx::Sh => "inside sh()",
            Ctx::Wsh => "inside wsh()",
            Ctx::Tap => "inside a tr() script tree",
        }
    }
}

fn allowed_in(name: &str, ctx: Ctx) -> bool {
    match name {
        "sh" | "combo" | "raw" | "addr" | "tr" | "rawtr" | "sp" => ctx == Ctx::Top,
        "wsh" | "wpkh" => matches!(ctx, Ctx::Top | Ctx::Sh),
        "multi" | "sortedmulti" => ctx != Ctx::Tap,
        "multi_a" | "sortedmulti_a" => ctx == Ctx::Tap,
        _ => true,
    }
}

/// Checks `node` against the BIPs' placement and argument rules, without
/// decoding keys (except to see whether a key is uncompressed).
fn check(node: &Node, ctx: Ctx) -> Result<()> {
    let Node::Call { name, args, .. } = node else {
        return Err(syntax(
            node.at(),
            "expected a script function such as wpkh(",
        ));
    };
    if !allowed_in(name, ctx) {
        return Err(DescriptorError::Context {
            inner: name,
            place: ctx.place(),
        });
    }
    match *name {
        "sh" => check(one_script(name, args)?, Ctx::Sh),
        "wsh" => check(one_script(name, args)?, Ctx::Wsh),
        "pk" | "pkh" | "wpkh" | "combo" | "rawtr" => {
            let key = one_key(name, args)?;
            let strict = *name == "wpkh" || *name == "rawtr" || matches!(ctx, Ctx::Wsh | Ctx::Tap);
            compressed_only(name, key, strict)
        }
        "tr" => check_tr(args),
        "raw" => check_raw(one_key(name, args)?),
        "addr" => check_addr(one_key(name, args)?),
        "multi" | "sortedmulti" | "multi_a" | "sortedmulti_a" => check_multi(name, args, ctx),
        _ => Ok(()),
    }
}

fn one_script<'n, 'a>(function: &'static str, args: &'n [Node<'a>]) -> Result<&'n Node<'a>> {
    match args {
        [n @ Node::Call { .. }] => Ok(n),
        _ => Err(DescriptorError::Arguments {
            function,
            expected: "exactly one script expression such as wpkh(…)",
        }),
    }
}

fn one_key<'a>(function: &'static str, args: &[Node<'a>]) -> Result<&'a str> {
    match args {
        [Node::Word { text, .. }] => Ok(text),
        _ => Err(DescriptorError::Arguments {
            function,
            expected: "exactly one key (or value), not a script expression",
        }),
    }
}

fn compressed_only(function: &'static str, key: &str, strict: bool) -> Result<()> {
    if strict && is_uncompressed(key) {
        return Err(DescriptorError::UncompressedKey { function });
    }
    Ok(())
}

fn check_tr(args: &[Node]) -> Result<()> {
    let (key, tree) = match args {
        [Node::Word { text, .. }] => (*text, None),
        [Node::Word { text, .. }, tree] => (*text, Some(tree)),
        _ => {
            return Err(DescriptorError::Arguments {
                function: "tr",
                expected: "a key, optionally followed by a script tree",
            })
        }
    };
    compressed_only("tr", key, true)?;
    match tree {
        Some(Node::Call { .. }) | None => tree.map_or(Ok(()), |t| check(t, Ctx::Tap)),
        Some(Node::Tree { .. }) => Ok(()),
        Some(w @ Node::Word { .. }) => Err(syntax(w.at(), "expected a script or a {…} tree")),
    }
}

fn check_raw(hex_text: &str) -> Result<()> {
    if !hex_text.len().is_multiple_of(2) || !hex_text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DescriptorError::Arguments {
            function: "raw",
            expected: "a script in hex",
        });
    }
    Ok(())
}

fn check_addr(address: &str) -> Result<()> {
    crate::bitcoin::Address::parse_any(address)
        .map(|_| ())
        .map_err(|_| DescriptorError::Arguments {
            function: "addr",
            expected: "a valid address",
        })
}

fn check_multi(name: &'static str, args: &[Node], ctx: Ctx) -> Result<()> {
    let bad = DescriptorError::Arguments {
        function: name,
        expected: "a threshold followed by keys",
    };
    let Some((Node::Word { text: k, .. }, keys)) = args.split_first() else {
        return Err(bad);
    };
    if keys.is_empty() || !k.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad);
    }
    for key in keys {
        let Node::Word { text, .. } = key else {
            return Err(bad);
        };
        compressed_only(name, text, matches!(ctx, Ctx::Wsh | Ctx::Tap))?;
    }
    Ok(())
}

/// True for a 65-byte hex public key or an uncompressed WIF key.
fn is_uncompressed(key_text: &str) -> bool {
    let key = strip_origin_text(key_text);
    let key = key.split('/').next().unwrap_or(key);
    if key.len() == 130 && key.starts_with("04") && is_hex(key) {
        return true;
    }
    if !(50..=52).contains(&key.len()) {
        return false;
    }
    let Ok(raw) = bs58::decode(key).into_vec().map(Zeroizing::new) else {
        return false;
    };
    raw.len() == 37 && matches!(raw.first(), Some(0x80 | 0xb0 | 0xef))
}

fn strip_origin_text(key: &str) -> &str {
    match key.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((_, rest)) => rest,
        None => key,
    }
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The templates of the subset, or why a (valid) descriptor is not one.
fn template<'a>(node: &Node<'a>) -> Result<(AddressType, &'a str)> {
    check(node, Ctx::Top)?;
    let Node::Call { name, args, .. } = node else {
        return Err(syntax(
            node.at(),
            "expected a script function such as wpkh(",
        ));
    };
    match (*name, args.as_slice()) {
        ("pkh", [Node::Word { text, .. }]) => Ok((AddressType::P2pkh, text)),
        ("wpkh", [Node::Word { text, .. }]) => Ok((AddressType::P2wpkh, text)),
        ("tr", [Node::Word { text, .. }]) => Ok((AddressType::P2tr, text)),
        (
            "sh",
            [Node::Call {
                name: "wpkh",
                args: inner,
                ..
            }],
        ) => Ok((AddressType::P2shP2wpkh, one_key("wpkh", inner)?)),
        ("sh", [Node::Call { name: inner, .. }]) => Err(unsupported(format!(
            "sh({inner}()) (only sh(wpkh()) is read)"
        ))),
        (other, _) => Err(unsupported(describe(other))),
    }
}

fn describe(function: &str) -> String {
    match function {
        "pk" => "pk() (a bare public key output)".into(),
        "wsh" => "wsh() scripts".into(),
        "multi" | "sortedmulti" | "multi_a" | "sortedmulti_a" => {
            format!("multisig ({function}())")
        }
        "tr" => "tr() with a script tree".into(),
        "raw" => "raw() (a fixed script)".into(),
        "addr" => "addr() (a fixed address)".into(),
        "combo" => "combo()".into(),
        other => format!("{other}()"),
    }
}

// ---------------------------------------------------------------------------
// Key expressions

/// Where a key sits below the master: the master key's fingerprint and the path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyOrigin {
    /// Fingerprint of the master key.
    pub fingerprint: Fingerprint,
    /// Path from the master key to the descriptor's key.
    pub path: DerivationPath,
}

/// One derivation step after the key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Index(ChildIndex),
    Multi(Vec<ChildIndex>),
}

/// A decoded key expression with an extended key (the private part dropped).
#[derive(Debug, Clone)]
struct KeyExpr {
    origin: Option<KeyOrigin>,
    xpub: ExtendedPublicKey,
    steps: Vec<Step>,
    wildcard: bool,
}

fn parse_key(text: &str) -> Result<KeyExpr> {
    let (origin, rest) = split_origin(text)?;
    let mut parts = rest.split('/');
    let key = parts.next().unwrap_or_default();
    if key.is_empty() {
        return Err(DescriptorError::Key {
            reason: "no key follows the key origin".into(),
        });
    }
    let steps: Vec<&str> = parts.collect();
    let Some((xpub, private)) = parse_extended(key)? else {
        return Err(single_key(key, !steps.is_empty()));
    };
    let (steps, wildcard) = parse_steps(&steps, private)?;
    Ok(KeyExpr {
        origin,
        xpub,
        steps,
        wildcard,
    })
}

fn split_origin(text: &str) -> Result<(Option<KeyOrigin>, &str)> {
    let Some(inner) = text.strip_prefix('[') else {
        if text.contains(']') {
            return Err(DescriptorError::Origin {
                problem: "']' without '[' (a key origin is written [fingerprint/path])",
            });
        }
        return Ok((None, text));
    };
    let Some((inside, rest)) = inner.split_once(']') else {
        return Err(DescriptorError::Origin {
            problem: "'[' without ']'",
        });
    };
    if rest.starts_with('[') {
        return Err(DescriptorError::Origin {
            problem: "a key has at most one origin",
        });
    }
    Ok((Some(parse_origin(inside)?), rest))
}

fn parse_origin(inside: &str) -> Result<KeyOrigin> {
    let mut parts = inside.split('/');
    let fp = parts.next().unwrap_or_default();
    let mut bytes = [0u8; 4];
    if fp.len() != 8 || hex::decode_to_slice(fp, &mut bytes).is_err() {
        return Err(DescriptorError::Origin {
            problem: "the fingerprint must be exactly 8 hex digits",
        });
    }
    let mut path = Vec::new();
    for part in parts {
        let problem = match part.as_bytes().first() {
            None => "an empty step (a '/' too many)",
            Some(b'*') => "a wildcard '*' cannot be part of the key origin",
            Some(b'<') => "a multipath step cannot be part of the key origin",
            Some(_) => {
                path.push(parse_index(part)?);
                continue;
            }
        };
        return Err(DescriptorError::Origin { problem });
    }
    let path = DerivationPath::from_indexes(path).map_err(|_| DescriptorError::Origin {
        problem: "more than 255 steps",
    })?;
    Ok(KeyOrigin {
        fingerprint: Fingerprint(bytes),
        path,
    })
}

fn step_error(step: &str, problem: &'static str) -> DescriptorError {
    DescriptorError::Step {
        step: quote(step),
        problem,
    }
}

/// `12`, `12h` or `12'`; BIP380 does not allow `H`.
fn parse_index(s: &str) -> Result<ChildIndex> {
    let (digits, hardened) = match s.strip_suffix(['h', '\'']) {
        Some(d) => (d, true),
        None => (s, false),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        let problem = if s.ends_with('H') {
            "hardened steps are marked h or ', not H"
        } else {
            "not a number (optionally followed by h or ')"
        };
        return Err(step_error(s, problem));
    }
    let value: u64 = digits.parse().unwrap_or(u64::MAX);
    let out_of_range = || step_error(s, "out of range: indexes go from 0 to 2147483647");
    if value >= u64::from(HARDENED) {
        return Err(out_of_range());
    }
    let v = u32::try_from(value).map_err(|_| out_of_range())?;
    let index = if hardened {
        ChildIndex::hardened(v)
    } else {
        ChildIndex::normal(v)
    };
    index.map_err(|_| out_of_range())
}

/// An extended key (public form, and whether it was private), `None` when
/// `key` is not shaped like one.
fn parse_extended(key: &str) -> Result<Option<(ExtendedPublicKey, bool)>> {
    if key.len() < 100 || is_hex(key) {
        return Ok(None);
    }
    let (xpub, private) = match ExtendedKey::parse(key) {
        Ok(ExtendedKey::Public(k)) => (k, false),
        Ok(ExtendedKey::Private(k)) => (k.to_xpub(), true),
        Err(e) if e.kind() == ErrorKind::Unsupported => return Err(unsupported(e.to_string())),
        Err(e) => {
            return Err(DescriptorError::Key {
                reason: e.to_string(),
            })
        }
    };
    let v = xpub.version();
    if v != KeyVersion::XPRV && v != KeyVersion::TPRV {
        let prefix = if private {
            v.private_prefix
        } else {
            v.public_prefix
        };
        return Err(unsupported(format!(
            "a '{prefix}' key (SLIP-132 versions are not used in descriptors: write the same key as xpub/tpub)"
        )));
    }
    Ok(Some((xpub, private)))
}

fn single_key(key: &str, has_steps: bool) -> DescriptorError {
    if has_steps {
        return DescriptorError::Key {
            reason: "derivation steps can only follow an extended key (xpub or xprv)".into(),
        };
    }
    let what = if is_hex(key) {
        "a single public key (a watch-only account needs an extended public key, xpub)"
    } else if crate::bitcoin::Wif::decode(key).is_ok() {
        "a single private key (WIF)"
    } else {
        return DescriptorError::Key {
            reason: "not a public key, a WIF key or an extended key".into(),
        };
    };
    unsupported(what)
}

fn parse_steps(parts: &[&str], private: bool) -> Result<(Vec<Step>, bool)> {
    let mut steps = Vec::with_capacity(parts.len());
    let mut wildcard = false;
    let mut hardened_wildcard = false;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match *part {
            "" => return Err(step_error(part, "empty (a '/' too many)")),
            "*" | "*h" | "*'" if !last => {
                return Err(step_error(part, "'*' must be the last step"))
            }
            "*" => wildcard = true,
            "*h" | "*'" => hardened_wildcard = true,
            p if p.starts_with('<') || p.ends_with('>') || p.contains(';') => {
                if steps.iter().any(|s| matches!(s, Step::Multi(_))) {
                    return Err(DescriptorError::Multipath {
                        problem: "a key can have only one multipath step",
                    });
                }
                steps.push(Step::Multi(parse_multipath(p)?));
            }
            p => steps.push(Step::Index(parse_index(p)?)),
        }
    }
    let hardened = steps.iter().any(|s| match s {
        Step::Index(c) => c.is_hardened(),
        Step::Multi(v) => v.iter().any(|c| c.is_hardened()),
    });
    if hardened || hardened_wildcard {
        return Err(unsupported(if private {
            "hardened derivation after the extended key"
        } else {
            "hardened derivation below an xpub (it needs the private key)"
        }));
    }
    Ok((steps, wildcard))
}

fn parse_multipath(p: &str) -> Result<Vec<ChildIndex>> {
    let bad = |problem| DescriptorError::Multipath { problem };
    let Some(inner) = p.strip_prefix('<') else {
        return Err(bad("'>' without '<'"));
    };
    let Some(inner) = inner.strip_suffix('>') else {
        return Err(bad("'<' without '>'"));
    };
    if inner.is_empty() {
        return Err(bad("'<>' lists no indexes"));
    }
    let mut out: Vec<ChildIndex> = Vec::new();
    for item in inner.split(';') {
        if item.is_empty() {
            return Err(bad("an empty index between ';'"));
        }
        let c = parse_index(item)?;
        if out.contains(&c) {
            return Err(bad("the same index appears twice"));
        }
        out.push(c);
    }
    if out.len() < 2 {
        return Err(bad("a multipath step lists at least two indexes"));
    }
    Ok(out)
}

/// A parsed single-key descriptor of the four templates, before the account
/// rules are applied: any non-hardened steps after the key, any multipath.
#[derive(Debug, Clone)]
struct Parsed {
    kind: AddressType,
    key: KeyExpr,
}

impl Parsed {
    fn parse(descriptor: &str) -> Result<Self> {
        let payload = verify_checksum(descriptor.trim())?;
        let tree = Parser::parse(payload)?;
        let (kind, key_text) = template(&tree)?;
        Ok(Parsed {
            kind,
            key: parse_key(key_text)?,
        })
    }

    /// How many descriptors a multipath step makes (1 without one).
    #[cfg(test)]
    fn branches(&self) -> usize {
        self.key
            .steps
            .iter()
            .find_map(|s| match s {
                Step::Multi(v) => Some(v.len()),
                Step::Index(_) => None,
            })
            .unwrap_or(1)
    }

    /// The public key of `branch` (of a multipath step) at `index` (of the wildcard).
    #[cfg(test)]
    fn public_key(&self, branch: usize, index: u32) -> Result<PublicKey> {
        let derive = |e: Error| DescriptorError::Derivation(e.to_string());
        let mut k = self.key.xpub.clone();
        for s in &self.key.steps {
            let c = match s {
                Step::Index(c) => *c,
                Step::Multi(v) => *v.get(branch).ok_or(DescriptorError::Derivation(
                    "no such multipath branch".into(),
                ))?,
            };
            k = k.derive_child(c).map_err(derive)?;
        }
        if !self.key.wildcard {
            return Ok(*k.public_key());
        }
        let c = ChildIndex::normal(index).map_err(|e| derive(e.into()))?;
        k.child_public_key(c).map_err(derive)
    }
}

// ---------------------------------------------------------------------------
// Accounts

pub use crate::hd::Keychain;

/// Which chains a descriptor covers, and so how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keychains {
    /// Both, as the BIP389 multipath `/<0;1>/*` (receive first, change second).
    Both,
    /// One chain: `/0/*` or `/1/*`.
    Only(Keychain),
}

impl Keychains {
    /// Whether `keychain` is covered.
    #[must_use]
    pub fn covers(self, keychain: Keychain) -> bool {
        match self {
            Keychains::Both => true,
            Keychains::Only(k) => k == keychain,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Keychains::Both => "/<0;1>/*",
            Keychains::Only(Keychain::External) => "/0/*",
            Keychains::Only(Keychain::Internal) => "/1/*",
        }
    }
}

/// The extended-key versions descriptors use on `params`: `xpub`/`xprv` on
/// mainnets, `tpub`/`tprv` on test networks, Litecoin included (Litecoin Core
/// 0.21's `getdescriptorinfo` refuses `Ltub` and `ttub`).
#[must_use]
pub fn key_version(params: NetworkParams) -> KeyVersion {
    if params.is_test() {
        KeyVersion::TPRV
    } else {
        KeyVersion::XPRV
    }
}

/// The descriptor of one single-key account: its address type, key origin,
/// account-level extended public key and the chains it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDescriptor {
    kind: AddressType,
    params: NetworkParams,
    origin: KeyOrigin,
    xpub: ExtendedPublicKey,
    keychains: Keychains,
}

impl AccountDescriptor {
    /// The descriptor of account `account` of type `kind` on `params`
    /// (`m/purpose'/coin'/account'`), both chains.
    pub fn from_master(
        master: &ExtendedPrivateKey,
        kind: AddressType,
        params: NetworkParams,
        account: u32,
    ) -> Result<Self> {
        let derive = |e: Error| DescriptorError::Derivation(e.to_string());
        let path = hd::account_path(kind.purpose(), params.coin_type(), account).map_err(derive)?;
        let xpub = master.derive_path(&path).map_err(derive)?.to_xpub();
        Self::from_account_key(kind, params, master.fingerprint(), path, xpub)
    }

    /// From an account's stored public facts: the master fingerprint, the
    /// account path and its extended public key (any version bytes).
    pub fn from_account_key(
        kind: AddressType,
        params: NetworkParams,
        master_fingerprint: Fingerprint,
        path: DerivationPath,
        xpub: ExtendedPublicKey,
    ) -> Result<Self> {
        let origin = KeyOrigin {
            fingerprint: master_fingerprint,
            path,
        };
        check_origin(&origin, &xpub)?;
        Ok(Self {
            kind,
            params,
            origin,
            xpub: xpub.with_version(key_version(params)),
            keychains: Keychains::Both,
        })
    }

    /// Parses a descriptor of the subset for a watch-only wallet on `params`.
    /// The checksum is optional but verified when present; a private key in
    /// the descriptor is accepted and only its public part kept.
    ///
    /// ```
    /// use wallet_core::bitcoin::descriptor::{AccountDescriptor, Keychain, Keychains};
    /// use wallet_core::bitcoin::{AddressType, NetworkParams};
    /// use wallet_core::hd::ExtendedPrivateKey;
    /// use wallet_core::mnemonic::Mnemonic;
    ///
    /// let m = Mnemonic::parse("test test test test test test test test test test test junk")?;
    /// let master = ExtendedPrivateKey::from_seed(&m.to_seed(""))?;
    /// let d = AccountDescriptor::from_master(&master, AddressType::P2wpkh, NetworkParams::BITCOIN, 0)?;
    /// let text = d.to_descriptor(Keychains::Both)?;
    /// assert!(text.starts_with("wpkh([16a93ed0/84h/0h/0h]xpub") && text.contains("/<0;1>/*)#"));
    /// let back = AccountDescriptor::parse(&text, NetworkParams::BITCOIN)?;
    /// let first = back.addresses(Keychain::External, 0, 1)?;
    /// assert_eq!(first[0].address, "bc1q4qw42stdzjqs59xvlrlxr8526e3nunw7mp73te");
    /// // One changed character fails the checksum.
    /// assert!(AccountDescriptor::parse(&text.replacen("84h", "49h", 1), NetworkParams::BITCOIN).is_err());
    /// # Ok::<(), wallet_core::Error>(())
    /// ```
    pub fn parse(descriptor: &str, params: NetworkParams) -> Result<Self> {
        let parsed = Parsed::parse(descriptor)?;
        let Some(origin) = parsed.key.origin.clone() else {
            return Err(unsupported(
                "a key without its origin [fingerprint/path] (a signer needs it to find the key)",
            ));
        };
        let keychains = account_keychains(&parsed.key)?;
        check_network(&parsed.key.xpub, params)?;
        check_origin(&origin, &parsed.key.xpub)?;
        Ok(Self {
            kind: parsed.kind,
            params,
            origin,
            xpub: parsed.key.xpub,
            keychains,
        })
    }

    /// Parses the external (`/0/*`) and internal (`/1/*`) descriptors of one
    /// account, in either order, into one descriptor covering both.
    pub fn parse_pair(first: &str, second: &str, params: NetworkParams) -> Result<Self> {
        let a = Self::parse(first, params)?;
        let b = Self::parse(second, params)?;
        let mismatch = |problem| Err(DescriptorError::PairMismatch { problem });
        match (a.keychains, b.keychains) {
            (Keychains::Only(x), Keychains::Only(y)) if x != y => {}
            _ => return mismatch("each must cover one chain, /0/* and /1/*"),
        }
        if a.kind != b.kind {
            return mismatch("they are of different script types");
        }
        if a.origin != b.origin || a.xpub != b.xpub {
            return mismatch("they are of different keys");
        }
        Ok(Self {
            keychains: Keychains::Both,
            ..a
        })
    }

    /// The address type.
    #[must_use]
    pub fn kind(&self) -> AddressType {
        self.kind
    }

    /// The network the addresses are for.
    #[must_use]
    pub fn params(&self) -> NetworkParams {
        self.params
    }

    /// The key origin: master fingerprint and account path.
    #[must_use]
    pub fn origin(&self) -> &KeyOrigin {
        &self.origin
    }

    /// The account-level extended public key (with the network's xpub/tpub version).
    #[must_use]
    pub fn xpub(&self) -> &ExtendedPublicKey {
        &self.xpub
    }

    /// The chains this descriptor covers.
    #[must_use]
    pub fn keychains(&self) -> Keychains {
        self.keychains
    }

    /// The public descriptor for `keychains`, with its checksum.
    pub fn to_descriptor(&self, keychains: Keychains) -> Result<String> {
        self.require(keychains)?;
        let mut s = Zeroizing::new(String::new());
        self.write(&mut s, &self.xpub.to_base58(), keychains);
        finish(s).map(|s| s.expose().to_owned())
    }

    /// The public descriptors of the two chains, external then internal.
    pub fn to_descriptor_pair(&self) -> Result<(String, String)> {
        Ok((
            self.to_descriptor(Keychains::Only(Keychain::External))?,
            self.to_descriptor(Keychains::Only(Keychain::Internal))?,
        ))
    }

    /// The PRIVATE descriptor for `keychains`: the same origin with the
    /// account's `xprv`/`tprv`, derived from `master` (which must be the key
    /// the account comes from). Secret: show it only as other secret exports.
    pub fn to_private_descriptor(
        &self,
        master: &ExtendedPrivateKey,
        keychains: Keychains,
    ) -> Result<SecretString> {
        self.require(keychains)?;
        if master.fingerprint() != self.origin.fingerprint {
            return Err(DescriptorError::WrongMasterKey);
        }
        let account = master
            .derive_path(&self.origin.path)
            .map_err(|e| DescriptorError::Derivation(e.to_string()))?;
        if account.to_xpub().public_key() != self.xpub.public_key() {
            return Err(DescriptorError::WrongMasterKey);
        }
        let xprv = account.with_version(key_version(self.params)).to_base58();
        let mut s = Zeroizing::new(String::new());
        self.write(&mut s, xprv.expose(), keychains);
        finish(s)
    }

    /// Refuses a use of `keychains` this descriptor does not cover.
    pub(crate) fn require(&self, keychains: Keychains) -> Result<()> {
        match (self.keychains, keychains) {
            (Keychains::Both, _) => Ok(()),
            (Keychains::Only(have), Keychains::Only(want)) if have == want => Ok(()),
            (Keychains::Only(have), Keychains::Only(want)) => {
                Err(DescriptorError::MissingKeychain { have, want })
            }
            (Keychains::Only(have), Keychains::Both) => Err(DescriptorError::MissingKeychain {
                have,
                want: match have {
                    Keychain::External => Keychain::Internal,
                    Keychain::Internal => Keychain::External,
                },
            }),
        }
    }

    /// Writes the payload into `out`, reserving its length first so that a
    /// private key is never left behind in a reallocated buffer.
    fn write(&self, out: &mut Zeroizing<String>, key: &str, keychains: Keychains) {
        let (open, close) = match self.kind {
            AddressType::P2pkh => ("pkh(", ")"),
            AddressType::P2shP2wpkh => ("sh(wpkh(", "))"),
            AddressType::P2wpkh => ("wpkh(", ")"),
            AddressType::P2tr => ("tr(", ")"),
        };
        let origin = origin_text(&self.origin);
        let suffix = keychains.suffix();
        out.reserve_exact(open.len() + origin.len() + key.len() + suffix.len() + close.len() + 9);
        for part in [open, &origin, key, suffix, close] {
            out.push_str(part);
        }
    }
}

impl fmt::Display for AccountDescriptor {
    /// The public descriptor of the chains it covers, with its checksum.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.to_descriptor(self.keychains).map_err(|_| fmt::Error)?;
        f.write_str(&s)
    }
}

/// `[fingerprint/84h/0h/0h]`.
fn origin_text(origin: &KeyOrigin) -> String {
    let mut s = format!("[{}", origin.fingerprint);
    for c in origin.path.indexes() {
        s.push('/');
        s.push_str(&c.index().to_string());
        if c.is_hardened() {
            s.push('h');
        }
    }
    s.push(']');
    s
}

/// Appends `#checksum` in place (capacity was reserved by `write`).
fn finish(mut s: Zeroizing<String>) -> Result<SecretString> {
    let sum = checksum_bytes(&s)?;
    s.push('#');
    for b in sum {
        s.push(char::from(b));
    }
    Ok(SecretString::from(s))
}

fn account_keychains(key: &KeyExpr) -> Result<Keychains> {
    let zero = ChildIndex::normal(0).ok();
    let one = ChildIndex::normal(1).ok();
    let found = match key.steps.as_slice() {
        [Step::Multi(v)]
            if v.len() == 2 && v.first().copied() == zero && v.get(1).copied() == one =>
        {
            Some(Keychains::Both)
        }
        [Step::Index(c)] if Some(*c) == zero => Some(Keychains::Only(Keychain::External)),
        [Step::Index(c)] if Some(*c) == one => Some(Keychains::Only(Keychain::Internal)),
        _ => None,
    };
    match found {
        Some(k) if key.wildcard => Ok(k),
        _ => Err(unsupported(format!(
            "the derivation '{}' after the account key",
            steps_text(key)
        ))),
    }
}

fn steps_text(key: &KeyExpr) -> String {
    let mut s = String::new();
    for step in &key.steps {
        match step {
            Step::Index(c) => s.push_str(&format!("/{c}")),
            Step::Multi(v) => {
                let items: Vec<String> = v.iter().map(ToString::to_string).collect();
                s.push_str(&format!("/<{}>", items.join(";")));
            }
        }
    }
    if key.wildcard {
        s.push_str("/*");
    }
    if s.is_empty() {
        s.push_str("(none)");
    }
    s
}

fn check_network(xpub: &ExtendedPublicKey, params: NetworkParams) -> Result<()> {
    let test = xpub.version().is_test();
    if test == params.is_test() {
        return Ok(());
    }
    Err(DescriptorError::WrongNetwork {
        found: if test {
            "test network (tpub)"
        } else {
            "mainnet (xpub)"
        },
        expected: params,
    })
}

/// The origin's path must lead to a key of the same depth and child index,
/// and a depth-1 key's parent is the master whose fingerprint the origin names.
fn check_origin(origin: &KeyOrigin, xpub: &ExtendedPublicKey) -> Result<()> {
    let mismatch = |problem: String| Err(DescriptorError::OriginMismatch { problem });
    let depth = origin.path.depth();
    if depth != usize::from(xpub.meta().depth()) {
        return mismatch(format!(
            "the origin has {depth} steps, the key is at depth {}",
            xpub.meta().depth()
        ));
    }
    match origin.path.last() {
        Some(last) if last != xpub.meta().child_index() => mismatch(format!(
            "the origin ends at {last}, the key is child {}",
            xpub.meta().child_index()
        )),
        Some(_) if depth == 1 && xpub.meta().parent_fingerprint() != origin.fingerprint => {
            mismatch("the key's parent is not the master key the fingerprint names".into())
        }
        None if xpub.fingerprint() != origin.fingerprint => {
            mismatch("the master key's fingerprint is not the one named".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "tests/descriptor.rs"]
mod tests;
