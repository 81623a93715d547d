//! `eth_getProof` answers checked against a verified header's state root:
//! the account (balance, nonce, code hash, storage root) by an inclusion
//! proof, or its absence by an exclusion proof, and storage slots against
//! the account's storage root. The trie walking is `alloy-trie`'s
//! `verify_proof`; this file only encodes what is claimed and explains a
//! failure.

use super::error::{AccountValue, ProofFailure, ProofSubject};
use super::json;
use super::{VerifiedHeader, VerifyError};
use crate::ethereum::{Address, Nonce, Wei};
use alloy_primitives::{keccak256, Bytes, B256, U256};
use alloy_trie::proof::{verify_proof, ProofVerificationError};
use alloy_trie::{Nibbles, TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};
use serde_json::Value;

const WHAT: &str = "eth_getProof answer";

/// One storage slot as `eth_getProof` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageProof {
    /// The slot.
    pub key: B256,
    /// The value the node claims.
    pub value: U256,
    /// Trie nodes from the storage root down.
    pub proof: Vec<Bytes>,
}

/// An `eth_getProof` answer: what the node claims about an account, and the
/// trie nodes that must prove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProof {
    /// The account.
    pub address: Address,
    /// Claimed balance.
    pub balance: Wei,
    /// Claimed nonce.
    pub nonce: Nonce,
    /// Claimed code hash.
    pub code_hash: B256,
    /// Claimed storage root.
    pub storage_hash: B256,
    /// Trie nodes from the state root down.
    pub account_proof: Vec<Bytes>,
    /// The slots asked for.
    pub storage: Vec<StorageProof>,
}

/// One storage slot, proven against the account's storage root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedSlot {
    /// The slot.
    pub key: B256,
    /// Its value (zero for a slot never written).
    pub value: U256,
}

/// An account as the verified block's state holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedAccount {
    /// The account.
    pub address: Address,
    /// The block the state is of.
    pub block_number: u64,
    /// Its hash.
    pub block_hash: B256,
    /// Whether the account is in the state (an absent one has zero balance
    /// and nonce, no code and no storage).
    pub exists: bool,
    /// Balance.
    pub balance: Wei,
    /// Nonce: the next transaction from this account must use it.
    pub nonce: Nonce,
    /// Hash of the code (`KECCAK_EMPTY` for none).
    pub code_hash: B256,
    /// Root of the storage trie.
    pub storage_hash: B256,
    /// The slots asked for, in the order asked.
    pub storage: Vec<VerifiedSlot>,
}

fn nodes(v: &Value, name: &str) -> Result<Vec<Bytes>, VerifyError> {
    json::array(v, WHAT, name)?
        .iter()
        .map(|n| json::bytes(n, WHAT, name).map(Bytes::from))
        .collect()
}

impl AccountProof {
    /// Reads an `eth_getProof` result.
    pub fn from_rpc(v: &Value) -> Result<Self, VerifyError> {
        let field = |name| json::req(v, WHAT, name);
        // anvil leaves `storageProof` out when no slot was asked for.
        let no_slots = Vec::new();
        let slots = match json::opt(v, "storageProof") {
            None => &no_slots,
            Some(_) => json::array(v, WHAT, "storageProof")?,
        };
        let storage = slots
            .iter()
            .map(|s| {
                Ok(StorageProof {
                    key: json::word(json::req(s, WHAT, "key")?, WHAT, "key")?.into(),
                    value: json::u256(json::req(s, WHAT, "value")?, WHAT, "value")?,
                    proof: nodes(s, "proof")?,
                })
            })
            .collect::<Result<_, VerifyError>>()?;
        Ok(AccountProof {
            address: Address(json::fixed::<20>(field("address")?, WHAT, "address")?),
            balance: Wei(json::u256(field("balance")?, WHAT, "balance")?),
            nonce: Nonce(json::u64(field("nonce")?, WHAT, "nonce")?),
            code_hash: json::fixed::<32>(field("codeHash")?, WHAT, "codeHash")?.into(),
            storage_hash: json::fixed::<32>(field("storageHash")?, WHAT, "storageHash")?.into(),
            account_proof: nodes(v, "accountProof")?,
            storage,
        })
    }

    /// Checks the answer is about `expected` and proves, against `header`'s
    /// state root, every value it claims.
    pub fn verify_for(
        &self,
        expected: &Address,
        header: &VerifiedHeader,
    ) -> Result<VerifiedAccount, VerifyError> {
        if self.address != *expected {
            return Err(VerifyError::ProofAddress {
                expected: *expected,
                found: self.address,
            });
        }
        self.verify(header)
    }

    /// Proves the claimed account (or its absence) against `header`'s state
    /// root, then each claimed slot against the proven storage root.
    pub fn verify(&self, header: &VerifiedHeader) -> Result<VerifiedAccount, VerifyError> {
        let claimed = self.claimed_account();
        let subject = ProofSubject::Account(self.address);
        let key = Nibbles::unpack(keccak256(self.address.0));
        let root = header.header().state_root;
        let claimed_rlp = claimed.map(alloy_rlp::encode);
        match prove(root, &key, claimed_rlp, &self.account_proof) {
            Ok(()) => {}
            Err(Disproof::Invalid(failure)) => return Err(VerifyError::Proof { subject, failure }),
            Err(Disproof::Proves(value)) => return Err(self.mismatch(claimed, value.as_deref())),
        }
        let storage_root = claimed.map_or(EMPTY_ROOT_HASH, |a| a.storage_root);
        let storage = self
            .storage
            .iter()
            .map(|s| self.verify_slot(storage_root, s))
            .collect::<Result<_, _>>()?;
        Ok(VerifiedAccount {
            address: self.address,
            block_number: header.number(),
            block_hash: header.hash(),
            exists: claimed.is_some(),
            balance: self.balance,
            nonce: self.nonce,
            code_hash: claimed.map_or(KECCAK_EMPTY, |a| a.code_hash),
            storage_hash: storage_root,
            storage,
        })
    }

    /// The account the node claims, `None` for an empty (absent) one. Nodes
    /// print an absent account's hashes either as the empty values or as
    /// zero; both mean absent.
    fn claimed_account(&self) -> Option<TrieAccount> {
        let empty = self.balance.0.is_zero()
            && self.nonce.0 == 0
            && (self.code_hash == KECCAK_EMPTY || self.code_hash.is_zero())
            && (self.storage_hash == EMPTY_ROOT_HASH || self.storage_hash.is_zero());
        (!empty).then_some(TrieAccount {
            nonce: self.nonce.0,
            balance: self.balance.0,
            storage_root: self.storage_hash,
            code_hash: self.code_hash,
        })
    }

    /// The first field where the proven account differs from the claim.
    fn mismatch(&self, claimed: Option<TrieAccount>, proven: Option<&[u8]>) -> VerifyError {
        let subject = ProofSubject::Account(self.address);
        let proven = match proven.map(|mut b| alloy_rlp::decode_exact::<TrieAccount>(&mut b)) {
            None => None,
            Some(Ok(a)) => Some(a),
            Some(Err(_)) => {
                return VerifyError::Proof {
                    subject,
                    failure: ProofFailure::BadNode,
                }
            }
        };
        let (claimed_v, proven_v) = match (claimed, proven) {
            (Some(c), Some(p)) => account_difference(&c, &p),
            (c, p) => (
                AccountValue::Existence(c.is_some()),
                AccountValue::Existence(p.is_some()),
            ),
        };
        VerifyError::Account {
            address: self.address,
            claimed: claimed_v,
            proven: proven_v,
        }
    }

    fn verify_slot(
        &self,
        storage_root: B256,
        s: &StorageProof,
    ) -> Result<VerifiedSlot, VerifyError> {
        let subject = ProofSubject::Storage {
            address: self.address,
            slot: s.key,
        };
        let key = Nibbles::unpack(keccak256(s.key));
        let claimed = (!s.value.is_zero()).then(|| alloy_rlp::encode(s.value));
        match prove(storage_root, &key, claimed, &s.proof) {
            Ok(()) => Ok(VerifiedSlot {
                key: s.key,
                value: s.value,
            }),
            Err(Disproof::Invalid(failure)) => Err(VerifyError::Proof { subject, failure }),
            Err(Disproof::Proves(value)) => {
                let proven = match value.map(|v| alloy_rlp::decode_exact::<U256>(&mut v.as_slice()))
                {
                    None => U256::ZERO,
                    Some(Ok(p)) => p,
                    Some(Err(_)) => {
                        return Err(VerifyError::Proof {
                            subject,
                            failure: ProofFailure::BadNode,
                        })
                    }
                };
                Err(VerifyError::Storage {
                    address: self.address,
                    slot: s.key,
                    claimed: s.value,
                    proven,
                })
            }
        }
    }
}

fn account_difference(c: &TrieAccount, p: &TrieAccount) -> (AccountValue, AccountValue) {
    if c.balance != p.balance {
        (
            AccountValue::Balance(Wei(c.balance)),
            AccountValue::Balance(Wei(p.balance)),
        )
    } else if c.nonce != p.nonce {
        (
            AccountValue::Nonce(Nonce(c.nonce)),
            AccountValue::Nonce(Nonce(p.nonce)),
        )
    } else if c.code_hash != p.code_hash {
        (
            AccountValue::CodeHash(c.code_hash),
            AccountValue::CodeHash(p.code_hash),
        )
    } else {
        (
            AccountValue::StorageHash(c.storage_root),
            AccountValue::StorageHash(p.storage_root),
        )
    }
}

/// Why a claim was not proven.
enum Disproof {
    /// The proof itself does not reach the root.
    Invalid(ProofFailure),
    /// The proof is valid but proves this value (`None`: absent) instead.
    Proves(Option<Vec<u8>>),
}

/// Verifies `claimed` at `key` under `root`. When the walk reaches the key
/// but finds another value, the proof is checked again for that value: if
/// it holds, the node's claim is wrong while its proof is sound.
fn prove(
    root: B256,
    key: &Nibbles,
    claimed: Option<Vec<u8>>,
    proof: &[Bytes],
) -> Result<(), Disproof> {
    match verify_proof(root, *key, claimed, proof) {
        Ok(()) => Ok(()),
        Err(ProofVerificationError::ValueMismatch { path, got, .. }) if path == *key => {
            let got: Option<Vec<u8>> = got.map(Vec::from);
            match verify_proof(root, *key, got.clone(), proof) {
                Ok(()) => Err(Disproof::Proves(got)),
                Err(_) => Err(Disproof::Invalid(ProofFailure::Truncated)),
            }
        }
        Err(ProofVerificationError::ValueMismatch { path, .. }) => {
            Err(Disproof::Invalid(ProofFailure::NodeMismatch {
                depth: path.len(),
            }))
        }
        Err(ProofVerificationError::RootMismatch { .. }) => {
            Err(Disproof::Invalid(ProofFailure::EmptyProof))
        }
        Err(_) => Err(Disproof::Invalid(ProofFailure::BadNode)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::EthHeader;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/../testdata/eth/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn header() -> VerifiedHeader {
        let v = fixture("mainnet_21925176_cancun.json");
        let h = EthHeader::from_rpc(&v).unwrap();
        VerifiedHeader::trusted(h, EthHeader::claimed_hash(&v).unwrap()).unwrap()
    }

    fn deposit_contract() -> AccountProof {
        AccountProof::from_rpc(&fixture("mainnet_21925176_proof_deposit_contract.json")).unwrap()
    }

    #[test]
    fn mainnet_account_and_storage_proofs() {
        let header = header();
        let p = deposit_contract();
        let a = p.verify_for(&p.address, &header).unwrap();
        assert!(a.exists);
        assert_eq!(a.nonce, Nonce(1));
        assert_eq!(a.balance, p.balance);
        assert_eq!(a.storage.len(), 1);
        assert_eq!(a.block_hash, header.hash());
        let miner = AccountProof::from_rpc(&fixture("mainnet_21925176_proof_miner.json")).unwrap();
        assert!(miner.verify(&header).unwrap().exists);
    }

    #[test]
    fn wrong_claims_in_a_valid_proof() {
        let header = header();
        let good = deposit_contract();
        let mut p = good.clone();
        p.balance = Wei(p.balance.0 + U256::from(1));
        let e = p.verify(&header).unwrap_err();
        assert!(
            matches!(e, VerifyError::Account { claimed: AccountValue::Balance(c), proven: AccountValue::Balance(v), .. }
                if c == p.balance && v == good.balance),
            "{e}"
        );
        assert_eq!(e.kind(), crate::ErrorKind::Unverified);
        let mut p = good.clone();
        p.nonce = Nonce(7);
        assert!(matches!(
            p.verify(&header).unwrap_err(),
            VerifyError::Account {
                claimed: AccountValue::Nonce(Nonce(7)),
                proven: AccountValue::Nonce(Nonce(1)),
                ..
            }
        ));
        let mut p = good.clone();
        p.code_hash = KECCAK_EMPTY;
        assert!(matches!(
            p.verify(&header).unwrap_err(),
            VerifyError::Account {
                claimed: AccountValue::CodeHash(_),
                ..
            }
        ));
        let mut p = good.clone();
        p.storage_hash = B256::repeat_byte(1);
        assert!(matches!(
            p.verify(&header).unwrap_err(),
            VerifyError::Account {
                claimed: AccountValue::StorageHash(_),
                ..
            }
        ));
        // The node says the account is empty; its proof shows it is not.
        let mut p = good.clone();
        p.balance = Wei::ZERO;
        p.nonce = Nonce(0);
        p.code_hash = KECCAK_EMPTY;
        p.storage_hash = EMPTY_ROOT_HASH;
        p.storage.clear();
        assert!(matches!(
            p.verify(&header).unwrap_err(),
            VerifyError::Account {
                claimed: AccountValue::Existence(false),
                proven: AccountValue::Existence(true),
                ..
            }
        ));
        // A storage value changed.
        let mut p = good.clone();
        p.storage[0].value += U256::from(1);
        assert!(matches!(
            p.verify(&header).unwrap_err(),
            VerifyError::Storage { claimed, proven, .. } if proven == good.storage[0].value && claimed == proven + U256::from(1)
        ));
    }

    #[test]
    fn broken_proofs() {
        let header = header();
        let good = deposit_contract();
        let failure = |p: &AccountProof| match p.verify(&header).unwrap_err() {
            VerifyError::Proof { failure, .. } => failure,
            other => panic!("{other}"),
        };
        // A changed byte in an inner node.
        let mut p = good.clone();
        let mut node = p.account_proof[1].to_vec();
        node[40] ^= 1;
        p.account_proof[1] = node.into();
        assert_eq!(failure(&p), ProofFailure::NodeMismatch { depth: 1 });
        // Another root node.
        let mut p = good.clone();
        p.account_proof.swap(0, 1);
        assert_eq!(failure(&p), ProofFailure::NodeMismatch { depth: 0 });
        // The leaf dropped.
        let mut p = good.clone();
        p.account_proof.pop();
        assert_eq!(failure(&p), ProofFailure::Truncated);
        // Nothing at all.
        let mut p = good.clone();
        p.account_proof.clear();
        assert_eq!(failure(&p), ProofFailure::EmptyProof);
        // A storage proof node changed.
        let mut p = good.clone();
        let mut node = p.storage[0].proof[0].to_vec();
        node[10] ^= 1;
        p.storage[0].proof[0] = node.into();
        assert!(matches!(
            p.verify(&header).unwrap_err(),
            VerifyError::Proof {
                subject: ProofSubject::Storage { .. },
                failure: ProofFailure::NodeMismatch { depth: 0 }
            }
        ));
    }

    #[test]
    fn absent_account_and_other_address() {
        let header = header();
        let good = deposit_contract();
        // An address with no account, "proven" absent by another account's
        // nodes: the walk diverges or lands on another leaf.
        let mut p = good.clone();
        p.address = Address([0xee; 20]);
        p.balance = Wei::ZERO;
        p.nonce = Nonce(0);
        p.code_hash = B256::ZERO;
        p.storage_hash = B256::ZERO;
        p.storage.clear();
        assert!(
            p.verify(&header).is_err(),
            "another account's path proves nothing here"
        );
        let e = good.verify_for(&Address([1; 20]), &header).unwrap_err();
        assert!(matches!(e, VerifyError::ProofAddress { .. }));
        assert!(AccountProof::from_rpc(&serde_json::json!({"address": "0x00"})).is_err());
        // anvil leaves storageProof out when no slot is asked for.
        let mut v = fixture("mainnet_21925176_proof_miner.json");
        v.as_object_mut().unwrap().remove("storageProof");
        assert!(AccountProof::from_rpc(&v).unwrap().storage.is_empty());
        v["storageProof"] = serde_json::json!({});
        assert!(AccountProof::from_rpc(&v).is_err());
    }
}
