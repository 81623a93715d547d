//! Unit tests of the transaction types: the EIP-155 example, the chain-id
//! cap, the value checks, and decoding garbage.

use super::*;

fn key() -> PrivateKey {
    PrivateKey::from_hex(&"46".repeat(32)).unwrap()
}

fn eip155_tx() -> TxLegacy {
    TxLegacy {
        chain_id: Some(ChainId(1)),
        nonce: Nonce(9),
        gas_price: Wei::from_gwei(20),
        gas_limit: Gas(21000),
        to: TxKind::Call(
            "0x3535353535353535353535353535353535353535"
                .parse()
                .unwrap(),
        ),
        value: Wei::from_wei(1_000_000_000_000_000_000),
        input: vec![],
    }
}

#[test]
fn eip155_example() {
    let tx = Transaction::from(eip155_tx());
    assert_eq!(
        hex::encode(tx.signing_payload().unwrap()),
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080"
    );
    let signed = tx.sign(&key()).unwrap();
    assert_eq!(signed.v(), 37);
    assert_eq!(
        hex::encode(signed.to_raw()),
        "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
    );
    let back = SignedTransaction::decode(&signed.to_raw()).unwrap();
    assert_eq!(back, signed);
    assert_eq!(
        back.sender().unwrap(),
        Address::from_public_key(&key().public_key())
    );
}

#[test]
fn legacy_chain_ids_must_fit_eip155_v() {
    let max = MAX_EIP155_CHAIN_ID;
    for (id, ok) in [(max, true), (max + 1, false), (u64::MAX, false)] {
        let mut tx = eip155_tx();
        tx.chain_id = Some(ChainId(id));
        match Transaction::from(tx).sign(&key()) {
            Ok(signed) => {
                assert!(ok, "{id}");
                assert_eq!((signed.v() - 35) / 2, id);
                let back = SignedTransaction::decode(&signed.to_raw()).unwrap();
                assert_eq!(back.tx.chain_id(), Some(ChainId(id)));
            }
            Err(e) => {
                assert!(!ok, "{id}: {e}");
                assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
                assert!(e.to_string().contains("too large"), "{e}");
            }
        }
    }
    // Typed transactions carry the chain id as its own field: any u64.
    let t = eip155_tx();
    let tx = TxEip2930 {
        chain_id: ChainId(u64::MAX),
        nonce: t.nonce,
        gas_price: Wei::from_gwei(1),
        gas_limit: t.gas_limit,
        to: t.to,
        value: t.value,
        input: t.input,
        access_list: vec![],
    };
    assert!(Transaction::from(tx).sign(&key()).is_ok());
}

#[test]
fn pre_eip155_legacy_transactions_decode() {
    let mut tx = eip155_tx();
    tx.chain_id = None;
    let signed = Transaction::from(tx).sign(&key()).unwrap();
    assert!(signed.v() == 27 || signed.v() == 28);
    let back = SignedTransaction::decode(&signed.to_raw()).unwrap();
    assert_eq!(back.tx.chain_id(), None);
    assert_eq!(back, signed);
}

#[test]
fn builder_refuses_what_no_type_holds() {
    let t = eip155_tx();
    let fields = TxFields {
        chain_id: ChainId(1),
        nonce: t.nonce,
        gas_limit: t.gas_limit,
        fees: Fees::Legacy {
            gas_price: t.gas_price,
        },
        to: t.to,
        value: t.value,
        input: vec![],
        access_list: vec![AccessListItem {
            address: Address([1; 20]),
            storage_keys: vec![],
        }],
        blob: None,
        authorizations: None,
    };
    assert_eq!(fields.clone().build(), Err(TxError::LegacyAccessList));
    let mut f = fields.clone();
    f.access_list.clear();
    f.authorizations = Some(vec![]);
    assert_eq!(
        f.clone().build(),
        Err(TxError::NeedsEip1559Fees {
            ty: TxType::Eip7702
        })
    );
    f.fees = Fees::Eip1559 {
        max_fee: Wei::from_gwei(2),
        max_priority_fee: Wei::from_gwei(3),
    };
    f.to = TxKind::Create;
    assert_eq!(
        f.clone().build(),
        Err(TxError::CannotCreate {
            ty: TxType::Eip7702
        })
    );
    f.to = t.to;
    let tx = f.clone().build().unwrap();
    assert_eq!(tx.tx_type(), TxType::Eip7702);
    // Built, but neither signable: no authorization, priority above max.
    assert_eq!(
        tx.check(),
        Err(TxError::PriorityFeeAboveMaxFee {
            priority: Wei::from_gwei(3),
            max: Wei::from_gwei(2)
        })
    );
    f.blob = Some(BlobFields {
        max_fee_per_blob_gas: Wei::from_gwei(1),
        versioned_hashes: vec![],
    });
    assert_eq!(f.clone().build(), Err(TxError::BlobsAndAuthorizations));
    f.authorizations = None;
    f.fees = Fees::Eip1559 {
        max_fee: Wei::from_gwei(3),
        max_priority_fee: Wei::from_gwei(1),
    };
    assert_eq!(f.build().unwrap().check(), Err(TxError::NoBlobHashes));
}

#[test]
fn recipients_must_be_explicit() {
    let a = Some(Address([7; 20]));
    assert_eq!(
        TxKind::from_request(a, false, &[]),
        Ok(TxKind::Call(Address([7; 20])))
    );
    assert_eq!(
        TxKind::from_request(None, true, &[0x60]),
        Ok(TxKind::Create)
    );
    assert_eq!(
        TxKind::from_request(None, false, &[0x60]),
        Err(TxError::NoRecipient)
    );
    assert_eq!(
        TxKind::from_request(None, true, &[]),
        Err(TxError::CreateWithoutCode)
    );
    assert_eq!(
        TxKind::from_request(a, true, &[0x60]),
        Err(TxError::CreateWithRecipient)
    );
}

#[test]
fn decode_rejects_garbage() {
    for bad in [
        &[][..],
        &[0x02],
        &[0xc0],
        &[0x05, 0xc0],
        &[0x02, 0xc1, 0x80],
        &[0x03, 0xc1, 0xc0],
        &[0x04, 0xc0],
    ] {
        assert!(SignedTransaction::decode(bad).is_err(), "{bad:?}");
    }
    let mut raw = Transaction::from(eip155_tx())
        .sign(&key())
        .unwrap()
        .to_raw();
    raw.push(0);
    assert!(SignedTransaction::decode(&raw).is_err());
}
