//! SLIP-39 interop with the reference implementation (PyPI shamir-mnemonic
//! 0.3.0, run through `tests/python/slip39_oracle.py` in the venv that
//! `scripts/devnet/install py` makes): shares split here combine there to the
//! same master secret and xprv, shares split there are recovered here, with
//! passphrases, groups, both `ext` values and several lengths.
//!
//! Without the venv the test is skipped with a note, unless
//! `WALLET_REQUIRE_DEVNET` is set (as CI does): then it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::path::PathBuf;
use wallet_core::slip39::{
    combine, parse_shares, split, GroupSpec, IterationExponent, MasterSecret, Recovery, Scheme,
    Share,
};

/// The devnet's Python, or `None` (skip) outside CI.
fn devnet_python() -> Option<PathBuf> {
    wallet_testkit::devnet_tool("py/bin/python")
}

fn oracle(_python: &PathBuf, requests: &[Value]) -> Vec<Value> {
    wallet_testkit::slip39_oracle(requests).unwrap()
}

struct Case {
    secret: Vec<u8>,
    passphrase: &'static str,
    group_threshold: u8,
    groups: &'static [(u8, u8)],
    extendable: bool,
    exponent: u8,
}

fn cases() -> Vec<Case> {
    let bytes = |n: usize, k: u8| (0..n).map(|i| (i as u8).wrapping_mul(37) ^ k).collect();
    let case = |secret, passphrase, group_threshold, groups, extendable, exponent| Case {
        secret,
        passphrase,
        group_threshold,
        groups,
        extendable,
        exponent,
    };
    vec![
        case(bytes(16, 1), "", 1, &[(1, 1)], true, 0),
        case(bytes(32, 2), "TREZOR", 1, &[(2, 3)], false, 1),
        case(
            bytes(16, 3),
            "correct horse",
            2,
            &[(1, 1), (2, 3), (3, 5)],
            true,
            0,
        ),
        case(
            bytes(32, 4),
            "~ !\"'",
            3,
            &[(2, 2), (1, 1), (3, 4), (2, 5)],
            false,
            0,
        ),
        case(bytes(24, 5), "x", 1, &[(3, 5)], true, 2),
        case(bytes(64, 6), "", 2, &[(1, 1), (1, 1), (16, 16)], false, 0),
    ]
}

fn spec(c: &Case) -> GroupSpec {
    let groups = c
        .groups
        .iter()
        .map(|&(t, n)| Scheme::new(t, n).unwrap())
        .collect();
    GroupSpec::new(c.group_threshold, groups).unwrap()
}

/// A threshold set taken from the end: the last groups, their last members.
fn threshold_set<T: Clone>(c: &Case, groups: &[Vec<T>]) -> Vec<T> {
    let gt = usize::from(c.group_threshold);
    let mut out = Vec::new();
    for (g, members) in groups.iter().enumerate().skip(groups.len() - gt) {
        let t = usize::from(c.groups[g].0);
        out.extend(members[members.len() - t..].iter().cloned());
    }
    out.reverse();
    out
}

fn xprv(secret: &MasterSecret) -> String {
    secret.master_key().unwrap().to_base58().expose().to_owned()
}

#[test]
fn shares_interoperate_with_the_reference_both_ways() {
    let Some(python) = devnet_python() else {
        return;
    };
    let cases = cases();
    // Round 1: the reference combines our shares (right and wrong passphrase)
    // and splits the same secrets itself.
    let mut ours = Vec::new();
    let mut requests = Vec::new();
    for c in &cases {
        let secret = MasterSecret::from_bytes(&c.secret).unwrap();
        let e = IterationExponent::new(c.exponent).unwrap();
        let groups = split(&secret, c.passphrase, &spec(c), e, c.extendable).unwrap();
        let words: Vec<String> = threshold_set(c, &groups)
            .iter()
            .map(|s| s.to_mnemonic().expose().to_owned())
            .collect();
        for passphrase in [c.passphrase, "wrong"] {
            requests.push(json!({"op": "combine", "mnemonics": words, "passphrase": passphrase}));
        }
        requests.push(json!({
            "op": "split", "secret": hex::encode(&c.secret), "passphrase": c.passphrase,
            "group_threshold": c.group_threshold, "groups": c.groups,
            "extendable": c.extendable, "iteration_exponent": c.exponent,
        }));
        ours.push((secret, threshold_set(c, &groups)));
    }
    let answers = oracle(&python, &requests);
    let mut requests = Vec::new();
    for ((c, (secret, set)), a) in cases.iter().zip(&ours).zip(answers.chunks(3)) {
        assert_eq!(a[0]["secret"], hex::encode(&c.secret));
        assert_eq!(a[0]["xprv"], xprv(secret));
        let wrong = combine(set, "wrong").unwrap();
        assert_eq!(a[1]["secret"], hex::encode(wrong.expose()));
        assert_ne!(wrong, *secret);
        // Their shares, recovered here.
        let theirs: Vec<Vec<String>> = serde_json::from_value(a[2]["groups"].clone()).unwrap();
        let chosen = threshold_set(c, &theirs);
        let shares = parse_shares(&chosen).unwrap();
        assert_eq!(shares[0].is_extendable(), c.extendable);
        assert_eq!(shares[0].iteration_exponent().value(), c.exponent);
        assert_eq!(combine(&shares, c.passphrase).unwrap(), *secret);
        let mut r = Recovery::new();
        for m in &chosen {
            r.add_mnemonic(m).unwrap();
        }
        assert_eq!(r.finish(c.passphrase).unwrap(), *secret);
        for m in theirs.iter().flatten() {
            assert_eq!(Share::parse(m).unwrap().to_mnemonic().expose(), m);
        }
        requests.push(json!({"op": "combine", "mnemonics": chosen, "passphrase": c.passphrase}));
    }
    // Round 2: the xprv the reference derives from its own shares is ours.
    let answers = oracle(&python, &requests);
    for ((secret, _), a) in ours.iter().zip(&answers) {
        assert_eq!(a["xprv"], xprv(secret));
    }
}
