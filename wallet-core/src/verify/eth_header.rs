//! Ethereum block headers: read from a JSON-RPC block object, re-encoded
//! field by field (each fork appends fields: London the base fee, Shanghai
//! the withdrawals root, Cancun blob gas and the beacon root, Prague the
//! requests hash) and hashed, so a block hash commits to every field; and
//! runs of headers checked link by link from a trusted one.

use super::json;
use super::VerifyError;
use crate::ethereum::{Address, Gas, Wei};
use alloy_primitives::{keccak256, Bloom, B256, U256};
use alloy_rlp::Encodable;
use serde_json::Value;

const WHAT: &str = "block header";

/// The newest fork whose fields a header carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EthFork {
    /// Before London: the fifteen original fields.
    Frontier,
    /// London (EIP-1559): `baseFeePerGas`; also Paris, which changed no field.
    London,
    /// Shanghai (EIP-4895): `withdrawalsRoot`.
    Shanghai,
    /// Cancun (EIP-4844, EIP-4788): `blobGasUsed`, `excessBlobGas`, `parentBeaconBlockRoot`.
    Cancun,
    /// Prague (EIP-7685): `requestsHash`; also Osaka, which added no field.
    Prague,
}

/// An Ethereum block header, every field the block hash commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthHeader {
    /// Hash of the parent block.
    pub parent_hash: B256,
    /// Hash of the uncle list (`sha3Uncles`).
    pub ommers_hash: B256,
    /// Fee recipient (`miner`).
    pub beneficiary: Address,
    /// Root of the state trie after the block.
    pub state_root: B256,
    /// Root of the transactions trie.
    pub transactions_root: B256,
    /// Root of the receipts trie.
    pub receipts_root: B256,
    /// Bloom filter of the block's logs.
    pub logs_bloom: Bloom,
    /// Proof-of-work difficulty (zero since the merge).
    pub difficulty: U256,
    /// Block number.
    pub number: u64,
    /// Gas limit.
    pub gas_limit: Gas,
    /// Gas used.
    pub gas_used: Gas,
    /// Unix time in seconds.
    pub timestamp: u64,
    /// Extra data (at most 32 bytes on mainnet, not enforced here).
    pub extra_data: Vec<u8>,
    /// Mix hash (`prevRandao` since the merge).
    pub mix_hash: B256,
    /// Proof-of-work nonce (zero since the merge).
    pub nonce: [u8; 8],
    /// Base fee per gas (London).
    pub base_fee_per_gas: Option<Wei>,
    /// Root of the withdrawals trie (Shanghai).
    pub withdrawals_root: Option<B256>,
    /// Blob gas used (Cancun).
    pub blob_gas_used: Option<Gas>,
    /// Excess blob gas (Cancun).
    pub excess_blob_gas: Option<Gas>,
    /// Parent beacon block root (Cancun).
    pub parent_beacon_block_root: Option<B256>,
    /// Hash of the execution-layer requests (Prague).
    pub requests_hash: Option<B256>,
}

/// The JSON names of the optional fields, in encoding order.
const FORK_FIELDS: [&str; 6] = [
    "baseFeePerGas",
    "withdrawalsRoot",
    "blobGasUsed",
    "excessBlobGas",
    "parentBeaconBlockRoot",
    "requestsHash",
];

impl EthHeader {
    /// Reads the header fields of an `eth_getBlockByNumber`/`ByHash` result
    /// (other members such as `hash`, `size` or `transactions` are
    /// ignored). Fields of later forks may be absent or `null`, but a field
    /// present after an absent one is refused: no fork has such a header.
    pub fn from_rpc(v: &Value) -> Result<Self, VerifyError> {
        let h = |name| json::req(v, WHAT, name).and_then(|f| json::fixed::<32>(f, WHAT, name));
        let q = |name| json::req(v, WHAT, name).and_then(|f| json::u64(f, WHAT, name));
        let present: Vec<bool> = FORK_FIELDS
            .iter()
            .map(|n| json::opt(v, n).is_some())
            .collect();
        if let Some(gap) = present.windows(2).position(|w| !w[0] && w[1]) {
            return Err(VerifyError::malformed(
                WHAT,
                format!(
                    "{} is present without {}",
                    FORK_FIELDS[gap + 1],
                    FORK_FIELDS[gap]
                ),
            ));
        }
        let oh = |name| {
            json::opt(v, name)
                .map(|f| json::fixed::<32>(f, WHAT, name).map(B256::from))
                .transpose()
        };
        let oq = |name| {
            json::opt(v, name)
                .map(|f| json::u64(f, WHAT, name))
                .transpose()
        };
        Ok(EthHeader {
            parent_hash: h("parentHash")?.into(),
            ommers_hash: h("sha3Uncles")?.into(),
            beneficiary: Address(json::fixed::<20>(
                json::req(v, WHAT, "miner")?,
                WHAT,
                "miner",
            )?),
            state_root: h("stateRoot")?.into(),
            transactions_root: h("transactionsRoot")?.into(),
            receipts_root: h("receiptsRoot")?.into(),
            logs_bloom: Bloom::from(json::fixed::<256>(
                json::req(v, WHAT, "logsBloom")?,
                WHAT,
                "logsBloom",
            )?),
            difficulty: json::u256(json::req(v, WHAT, "difficulty")?, WHAT, "difficulty")?,
            number: q("number")?,
            gas_limit: Gas(q("gasLimit")?),
            gas_used: Gas(q("gasUsed")?),
            timestamp: q("timestamp")?,
            extra_data: json::bytes(json::req(v, WHAT, "extraData")?, WHAT, "extraData")?,
            mix_hash: h("mixHash")?.into(),
            nonce: json::fixed::<8>(json::req(v, WHAT, "nonce")?, WHAT, "nonce")?,
            base_fee_per_gas: json::opt(v, "baseFeePerGas")
                .map(|f| json::u256(f, WHAT, "baseFeePerGas").map(Wei))
                .transpose()?,
            withdrawals_root: oh("withdrawalsRoot")?,
            blob_gas_used: oq("blobGasUsed")?.map(Gas),
            excess_blob_gas: oq("excessBlobGas")?.map(Gas),
            parent_beacon_block_root: oh("parentBeaconBlockRoot")?,
            requests_hash: oh("requestsHash")?,
        })
    }

    /// The block's `hash` member as the node claims it (not checked).
    pub fn claimed_hash(v: &Value) -> Result<B256, VerifyError> {
        Ok(json::fixed::<32>(json::req(v, WHAT, "hash")?, WHAT, "hash")?.into())
    }

    /// The newest fork whose fields this header has.
    #[must_use]
    pub fn fork(&self) -> EthFork {
        if self.requests_hash.is_some() {
            EthFork::Prague
        } else if self.blob_gas_used.is_some() {
            EthFork::Cancun
        } else if self.withdrawals_root.is_some() {
            EthFork::Shanghai
        } else if self.base_fee_per_gas.is_some() {
            EthFork::London
        } else {
            EthFork::Frontier
        }
    }

    /// The RLP encoding the block hash is taken over: the fields in order,
    /// the optional ones up to the last one present.
    #[must_use]
    pub fn rlp(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(640);
        self.parent_hash.encode(&mut p);
        self.ommers_hash.encode(&mut p);
        self.beneficiary.0.encode(&mut p);
        self.state_root.encode(&mut p);
        self.transactions_root.encode(&mut p);
        self.receipts_root.encode(&mut p);
        self.logs_bloom.encode(&mut p);
        self.difficulty.encode(&mut p);
        self.number.encode(&mut p);
        self.gas_limit.0.encode(&mut p);
        self.gas_used.0.encode(&mut p);
        self.timestamp.encode(&mut p);
        self.extra_data.as_slice().encode(&mut p);
        self.mix_hash.encode(&mut p);
        self.nonce.encode(&mut p);
        self.encode_fork_fields(&mut p);
        let mut out = Vec::with_capacity(p.len() + 4);
        alloy_rlp::Header {
            list: true,
            payload_length: p.len(),
        }
        .encode(&mut out);
        out.extend_from_slice(&p);
        out
    }

    /// Appends the optional fields in fork order, up to the first absent
    /// one (parsing refuses a header with a gap, so nothing is dropped).
    fn encode_fork_fields(&self, p: &mut Vec<u8>) {
        let base_fee = self.base_fee_per_gas.map(|w| w.0);
        let blob = self.blob_gas_used.map(|g| g.0);
        let excess = self.excess_blob_gas.map(|g| g.0);
        let fields: [Option<&dyn Encodable>; 6] = [
            base_fee.as_ref().map(|x| x as &dyn Encodable),
            self.withdrawals_root.as_ref().map(|x| x as &dyn Encodable),
            blob.as_ref().map(|x| x as &dyn Encodable),
            excess.as_ref().map(|x| x as &dyn Encodable),
            self.parent_beacon_block_root
                .as_ref()
                .map(|x| x as &dyn Encodable),
            self.requests_hash.as_ref().map(|x| x as &dyn Encodable),
        ];
        for field in fields.into_iter().map_while(|f| f) {
            field.encode(p);
        }
    }

    /// `keccak256(rlp(header))`: the block hash.
    #[must_use]
    pub fn hash(&self) -> B256 {
        keccak256(self.rlp())
    }

    /// Recomputes the hash and compares it with `claimed`; returns it.
    pub fn verify_hash(&self, claimed: B256) -> Result<B256, VerifyError> {
        let computed = self.hash();
        if computed == claimed {
            Ok(computed)
        } else {
            Err(VerifyError::HeaderHash {
                number: self.number,
                computed,
                expected: claimed,
            })
        }
    }
}

/// A header whose hash is a trusted block hash, or links to one: the roots
/// in it (state, receipts, transactions) may be used to check proofs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedHeader {
    header: EthHeader,
    hash: B256,
}

impl VerifiedHeader {
    /// Accepts `header` as the block `trusted_hash` (a hash the user pinned
    /// or several independent nodes agree on), after checking it hashes so.
    pub fn trusted(header: EthHeader, trusted_hash: B256) -> Result<Self, VerifyError> {
        let hash = header.verify_hash(trusted_hash)?;
        Ok(VerifiedHeader { header, hash })
    }

    /// The header.
    #[must_use]
    pub fn header(&self) -> &EthHeader {
        &self.header
    }

    /// Its (recomputed) hash.
    #[must_use]
    pub fn hash(&self) -> B256 {
        self.hash
    }

    /// Its block number.
    #[must_use]
    pub fn number(&self) -> u64 {
        self.header.number
    }
}

/// Checks that `run` (ascending, starting at `trusted.number + 1`) descends
/// from `trusted` link by link: each `parentHash` is the recomputed hash of
/// the header before it. Returns the run as verified headers.
pub fn verify_descendants(
    trusted: &VerifiedHeader,
    run: &[EthHeader],
) -> Result<Vec<VerifiedHeader>, VerifyError> {
    let mut out: Vec<VerifiedHeader> = Vec::with_capacity(run.len());
    for header in run {
        let parent = out.last().unwrap_or(trusted);
        let (parent_number, parent_hash) = (parent.number(), parent.hash);
        let expected_number = parent_number.saturating_add(1);
        if header.number != expected_number {
            return Err(VerifyError::NumberGap {
                expected: expected_number,
                found: header.number,
            });
        }
        if header.parent_hash != parent_hash {
            return Err(VerifyError::ParentLink {
                number: header.number,
                expected: parent_hash,
                found: header.parent_hash,
            });
        }
        out.push(VerifiedHeader {
            hash: header.hash(),
            header: header.clone(),
        });
    }
    Ok(out)
}

/// Checks that `run` (descending, starting at `trusted.number - 1`) are the
/// ancestors of `trusted`: each header hashes to the `parentHash` of the one
/// after it. Returns the run as verified headers, in the order given.
pub fn verify_ancestors(
    trusted: &VerifiedHeader,
    run: &[EthHeader],
) -> Result<Vec<VerifiedHeader>, VerifyError> {
    let mut out: Vec<VerifiedHeader> = Vec::with_capacity(run.len());
    for header in run {
        let child = out.last().unwrap_or(trusted);
        let (child_number, child_parent) = (child.number(), child.header.parent_hash);
        // Below the genesis block there is nothing: any header is a gap.
        let expected_number = child_number.checked_sub(1).ok_or(VerifyError::NumberGap {
            expected: 0,
            found: header.number,
        })?;
        if header.number != expected_number {
            return Err(VerifyError::NumberGap {
                expected: expected_number,
                found: header.number,
            });
        }
        let hash = header.hash();
        if hash != child_parent {
            return Err(VerifyError::ParentLink {
                number: child_number,
                expected: child_parent,
                found: hash,
            });
        }
        out.push(VerifiedHeader {
            hash,
            header: header.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/../testdata/eth/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    const FORKS: [(&str, EthFork); 7] = [
        ("mainnet_11117104_pre_london.json", EthFork::Frontier),
        ("mainnet_14151203_london.json", EthFork::London),
        ("mainnet_18435904_shanghai.json", EthFork::Shanghai),
        ("mainnet_19449567_cancun.json", EthFork::Cancun),
        ("mainnet_21925176_cancun.json", EthFork::Cancun),
        ("mainnet_24476000_prague.json", EthFork::Prague),
        ("mainnet_24476001_prague.json", EthFork::Prague),
    ];

    #[test]
    fn mainnet_hashes_of_every_fork() {
        for (name, fork) in FORKS {
            let v = fixture(name);
            let header = EthHeader::from_rpc(&v).unwrap();
            assert_eq!(header.fork(), fork, "{name}");
            let claimed = EthHeader::claimed_hash(&v).unwrap();
            assert_eq!(header.hash(), claimed, "{name}");
            let verified = VerifiedHeader::trusted(header, claimed).unwrap();
            assert_eq!(verified.hash(), claimed);
        }
    }

    /// Every field is committed: changing any one changes the hash.
    #[test]
    fn a_flipped_field_changes_the_hash() {
        let v = fixture("mainnet_24476000_prague.json");
        let good = EthHeader::from_rpc(&v).unwrap();
        let hash = good.hash();
        let mut variants: Vec<EthHeader> = Vec::new();
        let mut push = |f: &dyn Fn(&mut EthHeader)| {
            let mut h = good.clone();
            f(&mut h);
            variants.push(h);
        };
        push(&|h| h.parent_hash.0[0] ^= 1);
        push(&|h| h.ommers_hash.0[0] ^= 1);
        push(&|h| h.beneficiary.0[19] ^= 1);
        push(&|h| h.state_root.0[31] ^= 1);
        push(&|h| h.transactions_root.0[0] ^= 1);
        push(&|h| h.receipts_root.0[0] ^= 1);
        push(&|h| h.logs_bloom.0[0] ^= 1);
        push(&|h| h.difficulty += U256::from(1));
        push(&|h| h.number += 1);
        push(&|h| h.gas_limit.0 += 1);
        push(&|h| h.gas_used.0 += 1);
        push(&|h| h.timestamp += 1);
        push(&|h| h.extra_data.push(0));
        push(&|h| h.mix_hash.0[0] ^= 1);
        push(&|h| h.nonce[7] ^= 1);
        push(&|h| h.base_fee_per_gas = Some(Wei(U256::from(1))));
        push(&|h| h.withdrawals_root = Some(B256::ZERO));
        push(&|h| h.blob_gas_used = Some(Gas(0)));
        push(&|h| h.excess_blob_gas = Some(Gas(0)));
        push(&|h| h.parent_beacon_block_root = Some(B256::ZERO));
        push(&|h| h.requests_hash = None);
        for (i, h) in variants.iter().enumerate() {
            let e = h.verify_hash(hash).unwrap_err();
            assert!(
                matches!(e, VerifyError::HeaderHash { expected, .. } if expected == hash),
                "variant {i}: {e}"
            );
            assert_eq!(e.kind(), crate::ErrorKind::Unverified);
            assert!(VerifiedHeader::trusted(h.clone(), hash).is_err());
        }
    }

    #[test]
    fn null_later_fork_fields_are_absent() {
        // The Shanghai fixture prints the Cancun fields as null.
        let v = fixture("mainnet_18435904_shanghai.json");
        assert!(v["blobGasUsed"].is_null());
        let h = EthHeader::from_rpc(&v).unwrap();
        assert_eq!(h.blob_gas_used, None);
        assert_eq!(h.fork(), EthFork::Shanghai);
    }

    #[test]
    fn malformed_headers_are_refused() {
        let v = fixture("mainnet_19449567_cancun.json");
        let mut gap = v.clone();
        gap.as_object_mut().unwrap().remove("withdrawalsRoot");
        let e = EthHeader::from_rpc(&gap).unwrap_err();
        assert_eq!(
            e.to_string(),
            "block header: blobGasUsed is present without withdrawalsRoot"
        );
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        let mut missing = v.clone();
        missing.as_object_mut().unwrap().remove("stateRoot");
        assert!(matches!(
            EthHeader::from_rpc(&missing),
            Err(VerifyError::Malformed { .. })
        ));
        let mut short = v.clone();
        short["logsBloom"] = "0x00".into();
        assert!(EthHeader::from_rpc(&short).is_err());
        let mut no_hash = v;
        no_hash.as_object_mut().unwrap().remove("hash");
        assert!(EthHeader::claimed_hash(&no_hash).is_err());
    }

    #[test]
    fn header_chain_links() {
        let a = EthHeader::from_rpc(&fixture("mainnet_24476000_prague.json")).unwrap();
        let b = EthHeader::from_rpc(&fixture("mainnet_24476001_prague.json")).unwrap();
        let ta = VerifiedHeader::trusted(a.clone(), a.hash()).unwrap();
        let tb = VerifiedHeader::trusted(b.clone(), b.hash()).unwrap();
        let down = verify_descendants(&ta, std::slice::from_ref(&b)).unwrap();
        assert_eq!(down[0].hash(), b.hash());
        let up = verify_ancestors(&tb, std::slice::from_ref(&a)).unwrap();
        assert_eq!(up[0].hash(), a.hash());
        assert!(verify_descendants(&ta, &[]).unwrap().is_empty());

        // A child whose parent field was changed, and a parent whose content was.
        let mut forged = b.clone();
        forged.parent_hash.0[0] ^= 1;
        assert!(matches!(
            verify_descendants(&ta, &[forged]),
            Err(VerifyError::ParentLink { number, .. }) if number == b.number
        ));
        let mut forged_parent = a.clone();
        forged_parent.gas_used.0 += 1;
        assert!(matches!(
            verify_ancestors(&tb, &[forged_parent]),
            Err(VerifyError::ParentLink { .. })
        ));
        // Skipped or repeated numbers.
        assert!(matches!(
            verify_descendants(&ta, std::slice::from_ref(&a)),
            Err(VerifyError::NumberGap { expected, found }) if expected == a.number + 1 && found == a.number
        ));
        assert!(matches!(
            verify_ancestors(&tb, std::slice::from_ref(&b)),
            Err(VerifyError::NumberGap { .. })
        ));
    }
}
