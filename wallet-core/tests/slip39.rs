//! SLIP-39 against the official vectors (trezor/python-shamir-mnemonic
//! `vectors.json`, in `testdata/vectors/slip39.json`): valid sets give the
//! master secret and the BIP32 master xprv, invalid ones the expected error.
//! Then property tests: threshold subsets recover, smaller ones report what
//! is missing, shares survive the mnemonic round trip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use wallet_core::hd::ExtendedPrivateKey;
use wallet_core::slip39::{
    combine, parse_shares, split, GroupIndex, GroupSpec, IterationExponent, MasterSecret,
    MemberIndex, Recovery, Scheme, SetField, Share, Shortfall, Slip39Error,
};
use wallet_core::ErrorKind;

struct Vector {
    description: String,
    mnemonics: Vec<String>,
    secret_hex: String,
    xprv: String,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/vectors/slip39.json"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let list = doc["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 45);
    list.iter()
        .map(|v| Vector {
            description: v[0].as_str().unwrap().to_owned(),
            mnemonics: v[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_owned())
                .collect(),
            secret_hex: v[2].as_str().unwrap().to_owned(),
            xprv: v[3].as_str().unwrap().to_owned(),
        })
        .collect()
}

fn group(i: u8) -> GroupIndex {
    GroupIndex::new(i).unwrap()
}

fn too_few(groups_needed: u8, incomplete: &[(u8, u8)]) -> Slip39Error {
    Slip39Error::TooFewShares {
        groups_needed,
        incomplete: incomplete
            .iter()
            .map(|&(g, missing)| Shortfall {
                group: group(g),
                missing,
            })
            .collect(),
    }
}

fn mismatch(share: usize, field: SetField, expected: u16, found: u16) -> Slip39Error {
    Slip39Error::Mismatch {
        share,
        first: 1,
        field,
        expected,
        found,
    }
}

/// The error each invalid vector must give, from its description (and, for
/// the identifiers, its bit size).
fn expected_error(description: &str) -> Slip39Error {
    let (_, text) = description.split_once(". ").unwrap();
    let big = text.contains("256 bits");
    let has = |s: &str| text.starts_with(s);
    if has("Mnemonic with invalid checksum") {
        Slip39Error::Checksum { share: Some(1) }
    } else if has("Mnemonic with invalid padding") {
        Slip39Error::Padding { share: Some(1) }
    } else if has("Basic sharing 2-of-3") {
        too_few(1, &[(0, 1)])
    } else if has("Mnemonics with different identifiers") {
        let id = if big { 26510 } else { 282 };
        mismatch(2, SetField::Identifier, id, id + 1)
    } else if has("Mnemonics with different iteration exponents") {
        mismatch(2, SetField::IterationExponent, 3, 0)
    } else if has("Mnemonics with mismatching group thresholds") {
        mismatch(3, SetField::GroupThreshold, 2, 1)
    } else if has("Mnemonics with mismatching group counts") {
        mismatch(2, SetField::GroupCount, 3, 1)
    } else if has("Mnemonics with greater group threshold than group counts") {
        Slip39Error::GroupThresholdAboveCount {
            share: Some(1),
            threshold: 2,
            count: 1,
        }
    } else if has("Mnemonics with duplicate member indices") {
        Slip39Error::DuplicateMember {
            share: 2,
            earlier: 1,
            group: group(0),
            member: MemberIndex::new(2).unwrap(),
        }
    } else if has("Mnemonics with mismatching member thresholds") {
        Slip39Error::MemberThresholdMismatch {
            share: 2,
            group: group(0),
            expected: 1,
            found: 2,
        }
    } else if has("Mnemonics giving an invalid digest") {
        Slip39Error::Digest {
            group: Some(group(0)),
        }
    } else if has("Insufficient number of groups") {
        too_few(1, &[])
    } else if has("Threshold number of groups, but insufficient number of members") {
        too_few(1, &[(3, 1)])
    } else if has("Mnemonic with insufficient length") {
        Slip39Error::WordCount {
            share: Some(1),
            words: 19,
        }
    } else if has("Mnemonic with invalid master secret length") {
        Slip39Error::WordCount {
            share: Some(1),
            words: 21,
        }
    } else {
        panic!("no expected error for invalid vector {description:?}")
    }
}

fn combine_text(mnemonics: &[String]) -> Result<MasterSecret, Slip39Error> {
    combine(&parse_shares(mnemonics)?, "TREZOR")
}

/// The same vector through a `Recovery`, one share at a time.
fn recover_incrementally(mnemonics: &[String]) -> Result<MasterSecret, Slip39Error> {
    let mut r = Recovery::new();
    for m in mnemonics {
        r.add_mnemonic(m)?;
    }
    r.finish("TREZOR")
}

fn check_valid(v: &Vector) {
    let secret = combine_text(&v.mnemonics).unwrap_or_else(|e| panic!("{}: {e}", v.description));
    assert_eq!(
        hex::encode(secret.expose()),
        v.secret_hex,
        "{}",
        v.description
    );
    assert_eq!(
        secret.master_key().unwrap().to_base58().expose(),
        v.xprv,
        "{}",
        v.description
    );
    let direct = ExtendedPrivateKey::from_seed_bytes(secret.expose()).unwrap();
    assert_eq!(direct.to_base58().expose(), v.xprv);
    assert_eq!(recover_incrementally(&v.mnemonics).unwrap(), secret);
    // Every share writes back to the same words.
    for m in &v.mnemonics {
        assert_eq!(Share::parse(m).unwrap().to_mnemonic().expose(), m);
    }
}

#[test]
fn official_vectors() {
    let (mut valid, mut invalid) = (0, 0);
    for v in vectors() {
        if v.secret_hex.is_empty() {
            assert!(v.xprv.is_empty());
            let err = combine_text(&v.mnemonics).unwrap_err();
            assert_eq!(
                err,
                expected_error(&v.description),
                "{}: {err}",
                v.description
            );
            let via_error: wallet_core::Error = err.clone().into();
            assert_eq!(via_error.to_string(), err.to_string());
            invalid += 1;
        } else {
            check_valid(&v);
            valid += 1;
        }
    }
    assert_eq!((valid, invalid), (15, 30));
}

#[test]
fn vector_errors_have_kinds() {
    let v = vectors();
    let kind = |i: usize| combine_text(&v[i].mnemonics).unwrap_err().kind();
    assert_eq!(kind(1), ErrorKind::BadChecksum);
    assert_eq!(kind(2), ErrorKind::InvalidMnemonic);
    assert_eq!(kind(12), ErrorKind::Tampered);
    assert_eq!(kind(5), ErrorKind::InvalidInput);
}

#[test]
fn incremental_recovery_reports_progress_on_vector_17() {
    // Group threshold 2 of 4; group 3 is 3-of-5, group 4 is 2-of-5.
    let v = &vectors()[16];
    let mut r = Recovery::new();
    let p = r.add_mnemonic(&v.mnemonics[0]).unwrap();
    assert_eq!((p.group_threshold, p.group_count), (2, 4));
    assert_eq!(p.groups_needed(), 2);
    assert_eq!(
        p.shortfall(),
        vec![Shortfall {
            group: group(3),
            missing: 1
        }]
    );
    let p = r.add_mnemonic(&v.mnemonics[1]).unwrap();
    assert_eq!(
        p.to_string(),
        "group 3: 1 of 3 shares (2 more needed); group 4: 1 of 2 shares (1 more needed); \
         2 more complete groups needed (2 of 4 groups are needed)"
    );
    assert_eq!(
        r.finish("TREZOR").unwrap_err(),
        too_few(2, &[(2, 2), (3, 1)])
    );
    r.add_mnemonic(&v.mnemonics[2]).unwrap();
    r.add_mnemonic(&v.mnemonics[3]).unwrap();
    assert!(!r.is_complete());
    let p = r.add_mnemonic(&v.mnemonics[4]).unwrap();
    assert!(p.is_complete());
    assert_eq!(
        hex::encode(r.finish("TREZOR").unwrap().expose()),
        v.secret_hex
    );
    assert_eq!(
        r.add_mnemonic(&v.mnemonics[0]).unwrap_err(),
        Slip39Error::RecoveryComplete { share: 6 }
    );
}

// ---- properties ----

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48)
}

/// A spec of 1 to 4 groups of up to 5 members (no 1-of-N with N > 1).
fn spec_strategy() -> impl Strategy<Value = GroupSpec> {
    let member = (1u8..=5, 1u8..=5).prop_map(|(a, b)| {
        let (t, n) = (a.min(b), a.max(b));
        if t == 1 {
            Scheme::new(1, 1).unwrap()
        } else {
            Scheme::new(t, n).unwrap()
        }
    });
    prop::collection::vec(member, 1..=4).prop_flat_map(|groups| {
        let g = u8::try_from(groups.len()).unwrap();
        (1..=g).prop_map(move |gt| GroupSpec::new(gt, groups.clone()).unwrap())
    })
}

fn secret_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![Just(16usize), Just(32), (8usize..=32).prop_map(|h| 2 * h)]
        .prop_flat_map(|len| prop::collection::vec(any::<u8>(), len))
}

/// A deterministic shuffle driven by the case's seed.
fn shuffled<T: Clone>(items: &[T], seed: &mut u64) -> Vec<T> {
    let mut v = items.to_vec();
    for i in (1..v.len()).rev() {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = usize::try_from(*seed >> 33).unwrap() % (i + 1);
        v.swap(i, j);
    }
    v
}

/// The error for `takes[g]` shares of each group g (fewer than a threshold set).
fn shortfall(spec: &GroupSpec, takes: &[usize]) -> Slip39Error {
    if takes.iter().all(|&t| t == 0) {
        return Slip39Error::NoShares;
    }
    let threshold = |g: usize| usize::from(spec.groups()[g].threshold());
    let complete = (0..takes.len())
        .filter(|&g| takes[g] == threshold(g))
        .count();
    let incomplete: Vec<(u8, u8)> = (0..takes.len())
        .filter(|&g| takes[g] > 0 && takes[g] < threshold(g))
        .map(|g| {
            (
                u8::try_from(g).unwrap(),
                u8::try_from(threshold(g) - takes[g]).unwrap(),
            )
        })
        .collect();
    let needed = usize::from(spec.group_threshold()) - complete;
    too_few(u8::try_from(needed).unwrap(), &incomplete)
}

/// `take` random members of each chosen group, all mixed in random order.
fn pick(groups: &[Vec<Share>], chosen: &[(usize, usize)], seed: &mut u64) -> Vec<Share> {
    let mut out = Vec::new();
    for &(g, take) in chosen {
        out.extend(shuffled(&groups[g], seed).into_iter().take(take));
    }
    shuffled(&out, seed)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn threshold_subsets_recover_and_smaller_ones_say_what_is_missing(
        secret in secret_strategy(),
        spec in spec_strategy(),
        passphrase in "[ -~]{0,10}",
        extendable in any::<bool>(),
        mut seed in any::<u64>(),
    ) {
        let secret = MasterSecret::from_bytes(&secret).unwrap();
        let e = IterationExponent::new(0).unwrap();
        let groups = split(&secret, &passphrase, &spec, e, extendable).unwrap();
        let order: Vec<usize> = shuffled(&(0..groups.len()).collect::<Vec<_>>(), &mut seed);
        let gt = usize::from(spec.group_threshold());
        let threshold = |g: usize| usize::from(spec.groups()[g].threshold());

        let enough: Vec<(usize, usize)> = order[..gt].iter().map(|&g| (g, threshold(g))).collect();
        let shares = pick(&groups, &enough, &mut seed);
        prop_assert_eq!(&combine(&shares, &passphrase).unwrap(), &secret);
        let mut r = Recovery::new();
        for s in &shares {
            r.add(s.clone()).unwrap();
        }
        prop_assert!(r.is_complete());
        prop_assert_eq!(&r.finish(&passphrase).unwrap(), &secret);

        // Short: random member counts per group, cut until fewer than the
        // group threshold of groups is complete.
        let mut takes: Vec<usize> = (0..groups.len())
            .map(|g| usize::try_from(seed >> (g * 3)).unwrap() % (threshold(g) + 1))
            .collect();
        for &g in &order {
            let complete = (0..groups.len()).filter(|&h| takes[h] == threshold(h)).count();
            if complete >= gt && takes[g] == threshold(g) {
                takes[g] -= 1;
            }
        }
        let chosen: Vec<(usize, usize)> = takes.iter().copied().enumerate().collect();
        let shares = pick(&groups, &chosen, &mut seed);
        prop_assert_eq!(combine(&shares, &passphrase).unwrap_err(), shortfall(&spec, &takes));
    }

    #[test]
    fn shares_round_trip_through_mnemonics(
        secret in secret_strategy(),
        spec in spec_strategy(),
        extendable in any::<bool>(),
        e in 0u8..=2,
    ) {
        let secret = MasterSecret::from_bytes(&secret).unwrap();
        let e = IterationExponent::new(e).unwrap();
        let groups = split(&secret, "", &spec, e, extendable).unwrap();
        prop_assert_eq!(groups.len(), spec.groups().len());
        for (g, members) in groups.iter().enumerate() {
            prop_assert_eq!(members.len(), usize::from(spec.groups()[g].count()));
            for share in members {
                let text = share.to_mnemonic();
                let words = text.expose().split(' ').count();
                prop_assert_eq!(words, share.word_count());
                let back = Share::parse(text.expose()).unwrap();
                prop_assert_eq!(&back, share);
                prop_assert_eq!(back.is_extendable(), extendable);
                prop_assert_eq!(back.group_index().index(), u8::try_from(g).unwrap());
                prop_assert_eq!(back.iteration_exponent(), e);
            }
        }
    }
}
