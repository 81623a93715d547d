//! Unit tests of the module as a whole: the errors the official vectors do
//! not reach, the recovery's bookkeeping, secret hygiene.

use super::*;

fn fast() -> IterationExponent {
    IterationExponent::new(0).unwrap()
}

fn secret16() -> MasterSecret {
    MasterSecret::from_bytes(&[0x42; 16]).unwrap()
}

fn spec(gt: u8, groups: &[(u8, u8)]) -> GroupSpec {
    let schemes = groups
        .iter()
        .map(|&(t, n)| Scheme::new(t, n).unwrap())
        .collect();
    GroupSpec::new(gt, schemes).unwrap()
}

fn g(i: u8) -> GroupIndex {
    GroupIndex::new(i).unwrap()
}

#[test]
fn unknown_word_names_position_and_neighbours() {
    let groups = split(
        &secret16(),
        "",
        &GroupSpec::single(1, 1).unwrap(),
        fast(),
        true,
    )
    .unwrap();
    let text = groups[0][0].to_mnemonic();
    let mut words: Vec<&str> = text.expose().split(' ').collect();
    words[4] = "satoshis";
    let typo = words.join(" ");
    match Share::parse(&typo).unwrap_err() {
        Slip39Error::UnknownWord {
            share: None,
            position: 5,
            word,
            suggestions,
        } => {
            assert_eq!(word, "satoshis");
            assert_eq!(suggestions.first(), Some(&"satoshi"));
        }
        other => panic!("{other:?}"),
    }
    let good = text.expose().to_owned();
    let err = parse_shares(&[good.as_str(), typo.as_str()]).unwrap_err();
    assert!(
        err.to_string().starts_with("share 2: word 5 'satoshis'"),
        "{err}"
    );
    assert_eq!(err.kind(), crate::ErrorKind::InvalidMnemonic);
    // Case and spacing do not matter.
    let loud = format!("  {}\n", good.to_uppercase().replace(' ', " \t "));
    assert_eq!(Share::parse(&loud).unwrap(), groups[0][0]);
    let long = vec!["academic"; 200].join(" ");
    assert_eq!(
        Share::parse(&long).unwrap_err(),
        Slip39Error::WordCount {
            share: None,
            words: 200
        }
    );
}

#[test]
fn combine_wants_exactly_a_threshold_set() {
    let groups = split(&secret16(), "", &spec(1, &[(1, 1), (2, 3)]), fast(), true).unwrap();
    let both = [
        groups[0][0].clone(),
        groups[1][0].clone(),
        groups[1][1].clone(),
    ];
    assert_eq!(
        combine(&both, ""),
        Err(Slip39Error::TooManyGroups {
            threshold: 1,
            found: 2
        })
    );
    assert_eq!(
        combine(&groups[1], ""),
        Err(Slip39Error::TooManyMembers {
            group: g(1),
            threshold: 2,
            found: 3
        })
    );
    assert_eq!(combine(&[], ""), Err(Slip39Error::NoShares));
    assert_eq!(combine(&groups[1][1..], "").unwrap(), secret16());
    assert_eq!(combine(&groups[0], "").unwrap(), secret16());
}

#[test]
fn recovery_refuses_what_it_does_not_need() {
    let groups = split(
        &secret16(),
        "x",
        &spec(2, &[(2, 3), (1, 1), (3, 3)]),
        fast(),
        false,
    )
    .unwrap();
    let mut r = Recovery::new();
    assert!(r.progress().is_none());
    assert_eq!(r.finish("x"), Err(Slip39Error::NoShares));
    r.add(groups[0][0].clone()).unwrap();
    assert_eq!(
        r.add(groups[0][0].clone()),
        Err(Slip39Error::DuplicateMember {
            share: 2,
            earlier: 1,
            group: g(0),
            member: MemberIndex::new(0).unwrap(),
        })
    );
    r.add(groups[0][2].clone()).unwrap();
    assert_eq!(
        r.add(groups[0][1].clone()),
        Err(Slip39Error::GroupAlreadyComplete {
            share: 4,
            group: g(0),
            threshold: 2
        })
    );
    assert_eq!(
        r.add_mnemonic("academic"),
        Err(Slip39Error::WordCount {
            share: Some(5),
            words: 1
        })
    );
    let p = r.add(groups[2][1].clone()).unwrap();
    assert_eq!(p.groups.len(), 2);
    assert_eq!((p.complete_groups(), p.groups_needed()), (1, 1));
    assert_eq!(
        r.finish("x"),
        Err(Slip39Error::TooFewShares {
            groups_needed: 1,
            incomplete: vec![Shortfall {
                group: g(2),
                missing: 2
            }],
        })
    );
    // A group not started yet can complete the set instead.
    let p = r.add(groups[1][0].clone()).unwrap();
    assert!(p.is_complete());
    assert_eq!(r.finish("x").unwrap(), secret16());
    assert_eq!(
        r.add(groups[2][0].clone()),
        Err(Slip39Error::RecoveryComplete { share: 8 })
    );
    assert!(format!("{r:?}").contains("offered: 8"));
}

#[test]
fn wrong_passphrase_is_another_secret_not_an_error() {
    let groups = split(
        &secret16(),
        "TREZOR",
        &GroupSpec::single(2, 2).unwrap(),
        fast(),
        true,
    )
    .unwrap();
    let right = combine(&groups[0], "TREZOR").unwrap();
    let wrong = combine(&groups[0], "TREZOR ").unwrap();
    assert_eq!(right, secret16());
    assert_ne!(wrong, right);
    assert_eq!(wrong.bits(), 128);
    assert_eq!(
        split(
            &secret16(),
            "caf\u{e9}",
            &GroupSpec::single(1, 1).unwrap(),
            fast(),
            true
        )
        .unwrap_err(),
        Slip39Error::Passphrase { position: 4 }
    );
    assert_eq!(
        combine(&groups[0], "a\nb"),
        Err(Slip39Error::Passphrase { position: 2 })
    );
}

#[test]
fn altered_values_fail_the_digest_at_their_level() {
    let groups = split(
        &secret16(),
        "",
        &spec(2, &[(1, 1), (1, 1), (2, 2)]),
        fast(),
        true,
    )
    .unwrap();
    let mut member = vec![
        groups[0][0].clone(),
        groups[2][0].clone(),
        groups[2][1].clone(),
    ];
    member[2].value = SecretVec::new(member[2].value.expose().iter().map(|b| b ^ 1).collect());
    assert_eq!(
        combine(&member, ""),
        Err(Slip39Error::Digest { group: Some(g(2)) })
    );
    let mut group_level = vec![groups[0][0].clone(), groups[1][0].clone()];
    group_level[1].value = SecretVec::new(vec![0u8; 16]);
    assert_eq!(
        combine(&group_level, ""),
        Err(Slip39Error::Digest { group: None })
    );
}

#[test]
fn set_fields_must_agree() {
    let groups = split(
        &secret16(),
        "",
        &GroupSpec::single(2, 3).unwrap(),
        fast(),
        true,
    )
    .unwrap();
    let mut flipped = groups[0][1].clone();
    flipped.extendable = false;
    let err = combine(&[groups[0][0].clone(), flipped], "").unwrap_err();
    assert!(
        matches!(
            err,
            Slip39Error::Mismatch {
                share: 2,
                first: 1,
                field: SetField::Extendable,
                expected: 1,
                found: 0
            }
        ),
        "{err:?}"
    );
    let mut longer = groups[0][1].clone();
    longer.value = SecretVec::new(vec![1u8; 32]);
    assert_eq!(
        combine(&[groups[0][0].clone(), longer], ""),
        Err(Slip39Error::Mismatch {
            share: 2,
            first: 1,
            field: SetField::WordCount,
            expected: 20,
            found: 33,
        })
    );
}

#[test]
fn master_secret_lengths_and_generation() {
    for bad in [0usize, 14, 15, 17, 66] {
        assert_eq!(
            MasterSecret::from_bytes(&vec![1u8; bad]).unwrap_err(),
            Slip39Error::SecretLength { bits: bad * 8 }
        );
    }
    assert_eq!(
        MasterSecret::generate(100),
        Err(Slip39Error::SecretLength { bits: 100 })
    );
    assert_eq!(
        MasterSecret::generate(528),
        Err(Slip39Error::SecretLength { bits: 528 })
    );
    let a = MasterSecret::generate(256).unwrap();
    assert_eq!((a.bits(), a.expose().len()), (256, 32));
    assert_ne!(a, MasterSecret::generate(256).unwrap());
    assert!(MasterSecret::from_bytes(&[9u8; 64]).is_ok());
    assert!(secret16().master_key().is_ok());
}

#[test]
fn debug_never_shows_secrets() {
    let secret = MasterSecret::from_bytes(&[0xab; 16]).unwrap();
    let groups = split(&secret, "", &GroupSpec::single(1, 1).unwrap(), fast(), true).unwrap();
    let share = &groups[0][0];
    let mut r = Recovery::new();
    r.add(share.clone()).unwrap();
    let value = format!("{:?}", share.value.expose());
    let value = value.trim_matches(['[', ']']);
    for text in [
        format!("{secret:?}"),
        format!("{share:?}"),
        format!("{r:?}"),
    ] {
        assert!(
            !text.contains("171, 171") && !text.contains(value),
            "{text}"
        );
    }
    assert!(format!("{share:?}").contains("REDACTED"));
    assert!(format!("{secret:?}").contains("REDACTED"));
}
