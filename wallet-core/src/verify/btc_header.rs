//! Bitcoin and Litecoin header chains from a checkpoint: each 80-byte header
//! must link to the one before it, carry the difficulty the network's rules
//! require (retargeting every 2016 blocks within a factor of four; the
//! testnets' minimum-difficulty rule; none on regtest), meet its target
//! (sha256d, or scrypt for Litecoin), and be later than the median of the
//! eleven before it. Cumulative work then ranks competing chains.
//!
//! The consensus arithmetic (compact targets with their sign and overflow
//! cases, the retarget, block work) follows Bitcoin Core's `pow.cpp` and
//! `arith_uint256`, and Litecoin Core's changes to it, on `alloy-primitives`'
//! 256-bit integers; headers, hashes and the lossy compact encoding are
//! rust-bitcoin's.

use super::work::{ChainWork, PowAlgorithm};
use super::VerifyError;
use crate::bitcoin::{Chain, Network, NetworkParams};
use alloy_primitives::U256;
use bitcoin::block::{Header, Version};
use bitcoin::hashes::Hash;
use bitcoin::pow::{CompactTarget, Target};
use bitcoin::{BlockHash, TxMerkleNode};
use core::str::FromStr;

/// The proof-of-work rules of one network, as its `chainparams.cpp` sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PowRules {
    /// The proof-of-work hash.
    pub algorithm: PowAlgorithm,
    /// The easiest target allowed (`powLimit`).
    pub pow_limit: U256,
    /// Intended seconds between blocks.
    pub spacing: u32,
    /// Intended seconds per difficulty period.
    pub timespan: u32,
    /// Testnet rule: a block more than two spacings after its parent may
    /// use the minimum difficulty.
    pub allow_min_difficulty: bool,
    /// Regtest rule: the difficulty never changes.
    pub no_retargeting: bool,
    /// Litecoin's retarget: measure the period from the last block of the
    /// previous period (except the first), and halve the target while
    /// scaling it so the product cannot overflow.
    pub litecoin_retarget: bool,
}

/// A `powLimit` written as its leading bytes, the rest 0xff.
fn limit_from_top(top: &[u8]) -> U256 {
    let mut b = [0xffu8; 32];
    b[..top.len()].copy_from_slice(top);
    U256::from_be_bytes(b)
}

impl PowRules {
    /// The rules of `params`' network.
    #[must_use]
    pub fn for_network(params: NetworkParams) -> Self {
        let bitcoin = |limit, min_diff, no_retarget| PowRules {
            algorithm: PowAlgorithm::Sha256d,
            pow_limit: limit,
            spacing: 600,
            timespan: 14 * 24 * 60 * 60,
            allow_min_difficulty: min_diff,
            no_retargeting: no_retarget,
            litecoin_retarget: false,
        };
        let litecoin = |limit, min_diff, no_retarget| PowRules {
            algorithm: PowAlgorithm::Scrypt,
            pow_limit: limit,
            spacing: 150,
            timespan: 302_400,
            allow_min_difficulty: min_diff,
            no_retargeting: no_retarget,
            litecoin_retarget: true,
        };
        // powLimit of each network: Bitcoin Core src/kernel/chainparams.cpp,
        // Litecoin Core src/chainparams.cpp.
        let btc_limit = limit_from_top(&[0, 0, 0, 0]);
        let ltc_limit = limit_from_top(&[0, 0, 0x0f]);
        let regtest_limit = limit_from_top(&[0x7f]);
        match (params.chain(), params.network()) {
            (Chain::Bitcoin, Network::Mainnet) => bitcoin(btc_limit, false, false),
            (Chain::Bitcoin, Network::Testnet) => bitcoin(btc_limit, true, false),
            (Chain::Bitcoin, Network::Signet) => {
                // 00000377ae00…00: the only limit not ending in 0xff.
                let mut b = [0u8; 32];
                b[2..5].copy_from_slice(&[0x03, 0x77, 0xae]);
                bitcoin(U256::from_be_bytes(b), false, false)
            }
            (Chain::Bitcoin, Network::Regtest) => bitcoin(regtest_limit, true, true),
            (Chain::Litecoin, Network::Mainnet) => litecoin(ltc_limit, false, false),
            // NetworkParams refuses Litecoin signet; treat it as testnet.
            (Chain::Litecoin, Network::Testnet | Network::Signet) => {
                litecoin(ltc_limit, true, false)
            }
            (Chain::Litecoin, Network::Regtest) => litecoin(regtest_limit, true, true),
        }
    }

    /// Blocks per difficulty period (2016 on every network here).
    #[must_use]
    pub fn interval(&self) -> u32 {
        (self.timespan / self.spacing.max(1)).max(1)
    }

    fn limit_bits(&self) -> u32 {
        compact(self.pow_limit)
    }

    /// The height a checkpoint's history must start at for every rule to be
    /// checkable from the first header after it: the median-time window,
    /// the first block of the next retarget's measurement and, on testnets,
    /// the start of the current period.
    #[must_use]
    pub fn history_start(&self, checkpoint_height: u32) -> u32 {
        let next = checkpoint_height.saturating_add(1);
        let interval = self.interval();
        let period_start = next - next % interval;
        let boundary = if next.is_multiple_of(interval) {
            next
        } else {
            period_start.saturating_add(interval)
        };
        let mut start = checkpoint_height.saturating_sub(10);
        if self.allow_min_difficulty {
            start = start.min(period_start);
        }
        if !self.no_retargeting {
            start = start.min(
                boundary
                    .saturating_sub(1)
                    .saturating_sub(self.lookback(boundary)),
            );
        }
        start
    }

    /// How many blocks before the last one a retarget at `height` measures from.
    fn lookback(&self, height: u32) -> u32 {
        let interval = self.interval();
        if self.litecoin_retarget && height != interval {
            interval
        } else {
            interval - 1
        }
    }

    /// The bits a retarget gives after `last_bits`, when the period took
    /// `actual` seconds (Core's `CalculateNextWorkRequired`).
    fn retarget(&self, last_bits: u32, actual: i64) -> u32 {
        if self.no_retargeting {
            return last_bits;
        }
        let timespan = i64::from(self.timespan);
        let actual = actual.clamp(timespan / 4, timespan * 4).unsigned_abs();
        let mut target = decode_compact(last_bits).value;
        let shift = self.litecoin_retarget && target.bit_len() + 1 > self.pow_limit.bit_len();
        if shift {
            target >>= 1;
        }
        // A zero timespan (hand-made rules) leaves the difficulty as it was.
        let Some(scaled) = target
            .wrapping_mul(U256::from(actual))
            .checked_div(U256::from(timespan.unsigned_abs()))
        else {
            return last_bits;
        };
        target = scaled;
        if shift {
            target <<= 1;
        }
        compact(target.min(self.pow_limit))
    }

    /// The proof-of-work hash of `header`, as a number.
    fn pow_value(&self, header: &Header) -> Result<U256, VerifyError> {
        match self.algorithm {
            PowAlgorithm::Sha256d => Ok(U256::from_le_bytes(header.block_hash().to_byte_array())),
            PowAlgorithm::Scrypt => {
                let bytes = bitcoin::consensus::serialize(header);
                let params = scrypt::Params::new(10, 1, 1, 32)
                    .map_err(|_| VerifyError::malformed("scrypt", "parameters refused"))?;
                let mut out = [0u8; 32];
                scrypt::scrypt(&bytes, &bytes, &params, &mut out)
                    .map_err(|_| VerifyError::malformed("scrypt", "output length refused"))?;
                Ok(U256::from_le_bytes(out))
            }
        }
    }
}

/// A compact target decoded as Core's `SetCompact` does, with its flags.
struct Decoded {
    value: U256,
    negative: bool,
    overflow: bool,
}

fn decode_compact(bits: u32) -> Decoded {
    let size = bits >> 24;
    let mut word = bits & 0x007f_ffff;
    let value = if size <= 3 {
        word >>= 8 * (3 - size);
        U256::from(word)
    } else {
        U256::from(word) << (8 * (size - 3)) as usize
    };
    Decoded {
        value,
        negative: word != 0 && bits & 0x0080_0000 != 0,
        overflow: word != 0
            && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32)),
    }
}

/// Core's `GetCompact` (rust-bitcoin implements the same encoding).
fn compact(target: U256) -> u32 {
    Target::from_be_bytes(target.to_be_bytes::<32>())
        .to_compact_lossy()
        .to_consensus()
}

/// Work a block with this target represents: `2^256 / (target + 1)`,
/// computed as Core's `GetBlockProof` does.
fn block_work(target: U256) -> U256 {
    if target.is_zero() {
        return U256::ZERO;
    }
    (!target / target.saturating_add(U256::from(1))).saturating_add(U256::from(1))
}

/// A block the chain is trusted from: a height and its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    /// Height.
    pub height: u32,
    /// Block hash.
    pub hash: BlockHash,
}

impl Checkpoint {
    /// The network's genesis block.
    #[must_use]
    pub fn genesis(params: NetworkParams) -> Self {
        Checkpoint {
            height: 0,
            hash: genesis_header(params).block_hash(),
        }
    }
}

impl FromStr for Checkpoint {
    type Err = VerifyError;

    /// `HEIGHT:HASH`, the hash as block explorers print it.
    fn from_str(s: &str) -> Result<Self, VerifyError> {
        let bad = |p: &str| VerifyError::malformed("checkpoint", p.to_owned());
        let (h, hash) = s
            .trim()
            .split_once(':')
            .ok_or_else(|| bad("expected HEIGHT:HASH"))?;
        Ok(Checkpoint {
            height: h.parse().map_err(|_| bad("the height is not a number"))?,
            hash: hash
                .parse()
                .map_err(|_| bad("the hash is not 64 hex digits"))?,
        })
    }
}

/// Reads one 80-byte header (`getblockheader HASH false`, hex-decoded).
pub fn parse_header(bytes: &[u8]) -> Result<Header, VerifyError> {
    if bytes.len() != 80 {
        return Err(VerifyError::malformed("block header", "it is not 80 bytes"));
    }
    bitcoin::consensus::deserialize(bytes)
        .map_err(|_| VerifyError::malformed("block header", "it does not decode"))
}

/// The genesis header of `params`' network. Bitcoin's are rust-bitcoin's;
/// Litecoin's fields are Litecoin Core's `CreateGenesisBlock` arguments
/// (src/chainparams.cpp), whose hashes the tests check.
#[must_use]
pub fn genesis_header(params: NetworkParams) -> Header {
    let btc = |n| bitcoin::constants::genesis_block(n).header;
    let ltc = |time, nonce, bits| Header {
        version: Version::ONE,
        prev_blockhash: BlockHash::all_zeros(),
        merkle_root: TxMerkleNode::from_byte_array(LTC_GENESIS_MERKLE_ROOT),
        time,
        bits: CompactTarget::from_consensus(bits),
        nonce,
    };
    match (params.chain(), params.network()) {
        (Chain::Bitcoin, Network::Mainnet) => btc(bitcoin::Network::Bitcoin),
        (Chain::Bitcoin, Network::Testnet) => btc(bitcoin::Network::Testnet),
        (Chain::Bitcoin, Network::Signet) => btc(bitcoin::Network::Signet),
        (Chain::Bitcoin, Network::Regtest) => btc(bitcoin::Network::Regtest),
        (Chain::Litecoin, Network::Mainnet) => ltc(1_317_972_665, 2_084_524_493, 0x1e0f_fff0),
        (Chain::Litecoin, Network::Testnet | Network::Signet) => {
            ltc(1_486_949_366, 293_345, 0x1e0f_fff0)
        }
        (Chain::Litecoin, Network::Regtest) => ltc(1_296_688_602, 0, 0x207f_ffff),
    }
}

/// 97ddfbba…d4ced9, the merkle root of every Litecoin genesis block, in
/// internal byte order.
const LTC_GENESIS_MERKLE_ROOT: [u8; 32] = [
    0xd9, 0xce, 0xd4, 0xed, 0x11, 0x30, 0xf7, 0xb7, 0xfa, 0xad, 0x9b, 0xe2, 0x53, 0x23, 0xff, 0xaf,
    0xa3, 0x32, 0x32, 0xa1, 0x7c, 0x3e, 0xdf, 0x6c, 0xfd, 0x97, 0xbe, 0xe6, 0xba, 0xfb, 0xdd, 0x97,
];

/// A header of the verified chain, with its height and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedBlock {
    /// Height.
    pub height: u32,
    /// Block hash.
    pub hash: BlockHash,
    /// The header.
    pub header: Header,
}

#[derive(Debug, Clone)]
struct Entry {
    header: Header,
    hash: BlockHash,
}

/// A chain of headers verified from a checkpoint. Built with the headers
/// that end at the checkpoint (its history: they are trusted because they
/// hash-link to it), then extended header by header under the network's
/// rules.
#[derive(Debug, Clone)]
pub struct HeaderChain {
    rules: PowRules,
    checkpoint: Checkpoint,
    /// Height of `entries[0]`.
    first_height: u32,
    /// Consecutive headers from `first_height`: the history, then the
    /// headers verified after the checkpoint.
    entries: Vec<Entry>,
    /// Work of the headers after the checkpoint.
    work: ChainWork,
    /// The last entry, with its height.
    tip: VerifiedBlock,
}

impl HeaderChain {
    /// A chain from the genesis block of `params`' network.
    pub fn from_genesis(params: NetworkParams) -> Result<Self, VerifyError> {
        Self::new(
            params,
            Checkpoint::genesis(params),
            &[genesis_header(params)],
        )
    }

    /// A chain from `checkpoint` on `params`' network. `history` is the
    /// headers up to and including the checkpoint's, ascending; it must
    /// start at [`PowRules::history_start`] for the first headers after the
    /// checkpoint to be fully checked (later checks fail with
    /// [`VerifyError::MissingHistory`] otherwise).
    pub fn new(
        params: NetworkParams,
        checkpoint: Checkpoint,
        history: &[Header],
    ) -> Result<Self, VerifyError> {
        Self::with_rules(PowRules::for_network(params), checkpoint, history)
    }

    /// As [`HeaderChain::new`], with explicit rules.
    pub fn with_rules(
        rules: PowRules,
        checkpoint: Checkpoint,
        history: &[Header],
    ) -> Result<Self, VerifyError> {
        let last = history.last().ok_or_else(|| {
            VerifyError::malformed(
                "checkpoint history",
                "it must end with the checkpoint's header",
            )
        })?;
        let found = last.block_hash();
        if found != checkpoint.hash {
            return Err(VerifyError::Checkpoint {
                height: checkpoint.height,
                expected: checkpoint.hash,
                found,
            });
        }
        let first_height = u32::try_from(history.len() - 1)
            .ok()
            .and_then(|n| checkpoint.height.checked_sub(n))
            .ok_or_else(|| {
                VerifyError::malformed(
                    "checkpoint history",
                    "it has more headers than the checkpoint's height",
                )
            })?;
        let entries: Vec<Entry> = history
            .iter()
            .map(|h| Entry {
                header: *h,
                hash: h.block_hash(),
            })
            .collect();
        for (i, pair) in entries.windows(2).enumerate() {
            if pair[1].header.prev_blockhash != pair[0].hash {
                return Err(VerifyError::PrevBlock {
                    height: first_height + i as u32 + 1,
                    expected: pair[0].hash,
                    found: pair[1].header.prev_blockhash,
                });
            }
        }
        Ok(HeaderChain {
            rules,
            checkpoint,
            first_height,
            entries,
            work: ChainWork::default(),
            tip: VerifiedBlock {
                height: checkpoint.height,
                hash: found,
                header: *last,
            },
        })
    }

    /// The rules the chain is checked under.
    #[must_use]
    pub fn rules(&self) -> PowRules {
        self.rules
    }

    /// The checkpoint it starts from.
    #[must_use]
    pub fn checkpoint(&self) -> Checkpoint {
        self.checkpoint
    }

    /// Work of the headers verified after the checkpoint.
    #[must_use]
    pub fn work(&self) -> ChainWork {
        self.work
    }

    /// The last verified header.
    #[must_use]
    pub fn tip(&self) -> VerifiedBlock {
        self.tip
    }

    /// The verified header at `height` (history included).
    #[must_use]
    pub fn at_height(&self, height: u32) -> Option<VerifiedBlock> {
        let e = self.entry(height)?;
        Some(VerifiedBlock {
            height,
            hash: e.hash,
            header: e.header,
        })
    }

    /// The verified header with this hash (history included).
    #[must_use]
    pub fn find(&self, hash: &BlockHash) -> Option<VerifiedBlock> {
        let i = self.entries.iter().position(|e| e.hash == *hash)?;
        self.at_height(self.first_height + i as u32)
    }

    fn entry(&self, height: u32) -> Option<&Entry> {
        let i = height.checked_sub(self.first_height)?;
        self.entries.get(i as usize)
    }

    /// Verifies `headers` (ascending, the first after the current tip) and
    /// appends them; returns the new tip. On an error nothing is appended.
    pub fn extend(&mut self, headers: &[Header]) -> Result<VerifiedBlock, VerifyError> {
        let (len, work, tip) = (self.entries.len(), self.work, self.tip);
        for header in headers {
            if let Err(e) = self.push(header) {
                self.entries.truncate(len);
                self.work = work;
                self.tip = tip;
                return Err(e);
            }
        }
        Ok(self.tip)
    }

    fn push(&mut self, header: &Header) -> Result<(), VerifyError> {
        let height = self
            .tip
            .height
            .checked_add(1)
            .ok_or_else(|| VerifyError::malformed("block header", "the height overflows"))?;
        let prev_hash = self.tip.hash;
        if header.prev_blockhash != prev_hash {
            return Err(VerifyError::PrevBlock {
                height,
                expected: prev_hash,
                found: header.prev_blockhash,
            });
        }
        let bits = header.bits.to_consensus();
        let expected = self.next_bits(height, header.time)?;
        if bits != expected {
            return Err(VerifyError::Difficulty {
                height,
                expected,
                found: bits,
            });
        }
        let target = decode_compact(bits);
        if target.negative
            || target.overflow
            || target.value.is_zero()
            || target.value > self.rules.pow_limit
        {
            return Err(VerifyError::TargetRange { height, bits });
        }
        if self.rules.pow_value(header)? > target.value {
            return Err(VerifyError::ProofOfWork {
                height,
                algorithm: self.rules.algorithm,
                bits,
            });
        }
        let median = self.median_time_past(height)?;
        if header.time <= median {
            return Err(VerifyError::TimeTooEarly {
                height,
                time: header.time,
                median,
            });
        }
        self.work = ChainWork(self.work.0.saturating_add(block_work(target.value)));
        let hash = header.block_hash();
        self.entries.push(Entry {
            header: *header,
            hash,
        });
        self.tip = VerifiedBlock {
            height,
            hash,
            header: *header,
        };
        Ok(())
    }

    /// The median time of the (up to) eleven blocks before `height`.
    fn median_time_past(&self, height: u32) -> Result<u32, VerifyError> {
        let first = height.saturating_sub(11);
        let mut times: Vec<u32> = (first..height)
            .map(|h| self.entry(h).map(|e| e.header.time))
            .collect::<Option<_>>()
            .ok_or(VerifyError::MissingHistory {
                height,
                first_needed: first,
            })?;
        times.sort_unstable();
        times
            .get(times.len() / 2)
            .copied()
            .ok_or(VerifyError::MissingHistory {
                height,
                first_needed: first,
            })
    }

    /// The bits the header at `height` with time `time` must have (Core's
    /// `GetNextWorkRequired`, with Litecoin's lookback).
    fn next_bits(&self, height: u32, time: u32) -> Result<u32, VerifyError> {
        let rules = &self.rules;
        let interval = rules.interval();
        let missing = |first_needed| VerifyError::MissingHistory {
            height,
            first_needed,
        };
        let prev = self.entry(height - 1).ok_or_else(|| missing(height - 1))?;
        let prev_bits = prev.header.bits.to_consensus();
        if !height.is_multiple_of(interval) {
            if !rules.allow_min_difficulty {
                return Ok(prev_bits);
            }
            if u64::from(time) > u64::from(prev.header.time) + 2 * u64::from(rules.spacing) {
                return Ok(rules.limit_bits());
            }
            // The last block not mined under the minimum-difficulty rule.
            let limit = rules.limit_bits();
            let mut h = height - 1;
            loop {
                let e = self.entry(h).ok_or_else(|| missing(h - h % interval))?;
                let b = e.header.bits.to_consensus();
                if h.is_multiple_of(interval) || b != limit {
                    return Ok(b);
                }
                h -= 1;
            }
        }
        if rules.no_retargeting {
            return Ok(prev_bits);
        }
        let first_height = (height - 1).saturating_sub(rules.lookback(height));
        let first = self
            .entry(first_height)
            .ok_or_else(|| missing(first_height))?;
        let actual = i64::from(prev.header.time) - i64::from(first.header.time);
        Ok(rules.retarget(prev_bits, actual))
    }

    /// Succeeds when no chain in `others` (from the same checkpoint) has more
    /// work than this one.
    pub fn ensure_most_work(&self, others: &[&HeaderChain]) -> Result<(), VerifyError> {
        for other in others {
            if other.checkpoint != self.checkpoint {
                return Err(VerifyError::DifferentCheckpoints {
                    ours: self.checkpoint.height,
                    theirs: other.checkpoint.height,
                });
            }
            if other.work > self.work {
                return Err(VerifyError::LessWork {
                    height: self.tip.height,
                    work: self.work,
                    best_height: other.tip.height,
                    best_work: other.work,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn params(chain: Chain, network: Network) -> NetworkParams {
        NetworkParams::new(chain, network).unwrap()
    }

    fn testdata(path: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../testdata/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn json(path: &str) -> Value {
        serde_json::from_slice(&testdata(path)).unwrap()
    }

    fn hex_u32(v: &Value) -> u32 {
        u32::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    }

    /// Mainnet headers 685440..=687460: a whole difficulty period and the
    /// retarget at 687456.
    fn mainnet_headers() -> Vec<Header> {
        testdata("btc/mainnet_685440_687460.headers")
            .chunks(80)
            .map(|c| parse_header(c).unwrap())
            .collect()
    }

    const FIRST: u32 = 685_440;

    fn mainnet_chain(headers: &[Header], checkpoint_index: usize) -> HeaderChain {
        let h = &headers[..=checkpoint_index];
        let checkpoint = Checkpoint {
            height: FIRST + checkpoint_index as u32,
            hash: h[checkpoint_index].block_hash(),
        };
        HeaderChain::new(params(Chain::Bitcoin, Network::Mainnet), checkpoint, h).unwrap()
    }

    #[test]
    fn bitcoin_mainnet_across_a_retarget() {
        let headers = mainnet_headers();
        assert_eq!(headers.len(), 2021);
        let rules = PowRules::for_network(params(Chain::Bitcoin, Network::Mainnet));
        assert_eq!(rules.history_start(FIRST + 10), FIRST);
        let mut chain = mainnet_chain(&headers, 10);
        let tip = chain.extend(&headers[11..]).unwrap();
        assert_eq!(tip.height, FIRST + 2020);
        assert_eq!(tip.hash, headers[2020].block_hash());
        // The retarget really happened, and was checked.
        assert_ne!(headers[2015].bits, headers[2016].bits);
        assert_eq!(headers[2016].bits.to_consensus(), 0x170e_1ef9);
        let at = chain.at_height(687_456).unwrap();
        assert_eq!(
            at.hash.to_string(),
            "0000000000000000000a8efe0a1e90a140eba888af012c95571367b2ceea50ac"
        );
        assert_eq!(chain.find(&at.hash).unwrap().height, 687_456);
        assert!(chain.work() > ChainWork::default());
    }

    #[test]
    fn bitcoin_mainnet_lies_are_caught() {
        let headers = mainnet_headers();
        let mut chain = mainnet_chain(&headers, 10);
        chain.extend(&headers[11..2016]).unwrap();
        let before = chain.tip();
        // The period's bits kept across the retarget.
        let mut stale = headers[2016];
        stale.bits = headers[2015].bits;
        assert_eq!(
            chain.extend(&[stale]).unwrap_err(),
            VerifyError::Difficulty {
                height: 687_456,
                expected: 0x170e_1ef9,
                found: 0x170d_5f7b
            }
        );
        // A changed field: the work no longer meets the target.
        let mut forged = headers[2016];
        forged.merkle_root = TxMerkleNode::all_zeros();
        let e = chain.extend(&[forged]).unwrap_err();
        assert!(
            matches!(
                e,
                VerifyError::ProofOfWork {
                    height: 687_456,
                    algorithm: PowAlgorithm::Sha256d,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(e.kind(), crate::ErrorKind::Unverified);
        // A skipped header, and a batch failing halfway adds nothing.
        assert!(matches!(
            chain.extend(&headers[2017..2018]),
            Err(VerifyError::PrevBlock {
                height: 687_456,
                ..
            })
        ));
        assert!(chain.extend(&[headers[2016], headers[2018]]).is_err());
        assert_eq!(chain.tip(), before);
        chain.extend(&headers[2016..]).unwrap();
    }

    #[test]
    fn history_and_checkpoint_errors() {
        let headers = mainnet_headers();
        let p = params(Chain::Bitcoin, Network::Mainnet);
        // Only the checkpoint: the median time needs ten more.
        let checkpoint = Checkpoint {
            height: FIRST + 10,
            hash: headers[10].block_hash(),
        };
        let mut short = HeaderChain::new(p, checkpoint, &headers[10..11]).unwrap();
        let e = short.extend(&headers[11..12]).unwrap_err();
        assert_eq!(
            e,
            VerifyError::MissingHistory {
                height: FIRST + 11,
                first_needed: FIRST
            }
        );
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        // History for the median but not the period's first block.
        let checkpoint = Checkpoint {
            height: FIRST + 20,
            hash: headers[20].block_hash(),
        };
        let mut late = HeaderChain::new(p, checkpoint, &headers[10..21]).unwrap();
        late.extend(&headers[21..2016]).unwrap();
        assert_eq!(
            late.extend(&headers[2016..2017]).unwrap_err(),
            VerifyError::MissingHistory {
                height: 687_456,
                first_needed: FIRST
            }
        );
        // A history that does not end at the checkpoint, or does not link.
        let wrong = Checkpoint {
            height: FIRST + 10,
            hash: headers[9].block_hash(),
        };
        assert!(matches!(
            HeaderChain::new(p, wrong, &headers[..11]),
            Err(VerifyError::Checkpoint { .. })
        ));
        let mut gap: Vec<Header> = headers[..11].to_vec();
        gap.remove(5);
        let cp = Checkpoint {
            height: FIRST + 10,
            hash: headers[10].block_hash(),
        };
        assert!(matches!(
            HeaderChain::new(p, cp, &gap),
            Err(VerifyError::PrevBlock { .. })
        ));
        assert!(HeaderChain::new(p, cp, &[]).is_err());
        let genesis_cp = Checkpoint {
            height: 0,
            hash: headers[1].block_hash(),
        };
        assert!(matches!(
            HeaderChain::new(p, genesis_cp, &headers[..2]),
            Err(VerifyError::Malformed { .. })
        ));
    }

    #[test]
    fn retarget_vectors_of_both_cores() {
        for (file, p) in [
            (
                "btc/bitcoin_core_vectors.json",
                params(Chain::Bitcoin, Network::Mainnet),
            ),
            (
                "ltc/litecoin_core_vectors.json",
                params(Chain::Litecoin, Network::Mainnet),
            ),
        ] {
            let rules = PowRules::for_network(p);
            for case in json(file)["retarget"].as_array().unwrap() {
                let actual =
                    case["last_time"].as_i64().unwrap() - case["first_time"].as_i64().unwrap();
                let got = rules.retarget(hex_u32(&case["last_bits"]), actual);
                assert_eq!(got, hex_u32(&case["expected"]), "{file} {}", case["case"]);
            }
        }
    }

    #[test]
    fn history_start_per_network() {
        let btc = PowRules::for_network(params(Chain::Bitcoin, Network::Mainnet));
        let ltc = PowRules::for_network(params(Chain::Litecoin, Network::Mainnet));
        let btc_test = PowRules::for_network(params(Chain::Bitcoin, Network::Testnet));
        let ltc_reg = PowRules::for_network(params(Chain::Litecoin, Network::Regtest));
        assert_eq!(btc.history_start(0), 0);
        assert_eq!(btc.history_start(4100), 4032);
        // Litecoin measures from the last block of the previous period.
        assert_eq!(ltc.history_start(4100), 4031);
        assert_eq!(ltc.history_start(2014), 0);
        assert_eq!(
            ltc.history_start(2015),
            0,
            "the first retarget goes back 2015"
        );
        assert_eq!(btc.history_start(2015), 0);
        assert_eq!(btc_test.history_start(5000), 4032);
        assert_eq!(
            ltc_reg.history_start(5000),
            4032,
            "the minimum-difficulty walk"
        );
        assert_eq!(btc.history_start(8), 0);
    }

    #[test]
    fn genesis_checkpoints() {
        let btc = json("btc/bitcoin_core_vectors.json");
        let ltc = json("ltc/litecoin_core_vectors.json");
        for (p, want) in [
            (
                params(Chain::Bitcoin, Network::Mainnet),
                &btc["genesis"]["mainnet"],
            ),
            (
                params(Chain::Bitcoin, Network::Testnet),
                &btc["genesis"]["testnet"],
            ),
            (
                params(Chain::Bitcoin, Network::Signet),
                &btc["genesis"]["signet"],
            ),
            (
                params(Chain::Bitcoin, Network::Regtest),
                &btc["genesis"]["regtest"],
            ),
            (
                params(Chain::Litecoin, Network::Mainnet),
                &ltc["genesis"]["mainnet"],
            ),
            (
                params(Chain::Litecoin, Network::Testnet),
                &ltc["genesis"]["testnet"],
            ),
            (
                params(Chain::Litecoin, Network::Regtest),
                &ltc["genesis"]["regtest"],
            ),
        ] {
            let cp = Checkpoint::genesis(p);
            assert_eq!(cp.height, 0);
            assert_eq!(cp.hash.to_string(), want.as_str().unwrap(), "{p:?}");
            let rules = PowRules::for_network(p);
            let g = genesis_header(p);
            // Each genesis meets its own target under its network's hash.
            assert!(
                rules.pow_value(&g).unwrap() <= decode_compact(g.bits.to_consensus()).value,
                "{p:?}"
            );
            assert!(HeaderChain::from_genesis(p).is_ok());
        }
    }

    #[test]
    fn litecoin_scrypt_vectors_and_a_mainnet_header() {
        let rules = PowRules::for_network(params(Chain::Litecoin, Network::Mainnet));
        for v in json("ltc/litecoin_core_vectors.json")["scrypt_pow"]
            .as_array()
            .unwrap()
        {
            let header =
                parse_header(&hex::decode(v["header"].as_str().unwrap()).unwrap()).unwrap();
            let mut want = hex::decode(v["pow_hash"].as_str().unwrap()).unwrap();
            want.reverse();
            assert_eq!(
                rules.pow_value(&header).unwrap(),
                U256::from_le_slice(&want)
            );
        }
        // Block 2,000,000 from litecoind's getblockheader fields.
        let b = json("ltc/mainnet_2000000.json");
        let hash_field = |k: &str| b[k].as_str().unwrap().parse::<BlockHash>().unwrap();
        let header = Header {
            version: Version::from_consensus(b["version"].as_i64().unwrap() as i32),
            prev_blockhash: hash_field("previousblockhash"),
            merkle_root: b["merkleroot"].as_str().unwrap().parse().unwrap(),
            time: b["time"].as_u64().unwrap() as u32,
            bits: CompactTarget::from_consensus(hex_u32(&b["bits"])),
            nonce: b["nonce"].as_u64().unwrap() as u32,
        };
        assert_eq!(header.block_hash(), hash_field("hash"));
        let target = decode_compact(header.bits.to_consensus()).value;
        assert!(
            rules.pow_value(&header).unwrap() <= target,
            "scrypt meets the target"
        );
        let sha = PowRules::for_network(params(Chain::Bitcoin, Network::Mainnet));
        assert!(
            sha.pow_value(&header).unwrap() > target,
            "its block hash does not"
        );
    }

    fn next(prev: &Header, time: u32, bits: u32) -> Header {
        Header {
            version: Version::TWO,
            prev_blockhash: prev.block_hash(),
            merkle_root: TxMerkleNode::all_zeros(),
            time,
            bits: CompactTarget::from_consensus(bits),
            nonce: 0,
        }
    }

    /// Finds a nonce for which `accept(pow values)` holds.
    fn grind(mut h: Header, accept: impl Fn(&Header) -> bool) -> Header {
        while !accept(&h) {
            h.nonce += 1;
        }
        h
    }

    fn meets(rules: PowRules) -> impl Fn(&Header) -> bool {
        move |h| rules.pow_value(h).unwrap() <= decode_compact(h.bits.to_consensus()).value
    }

    #[test]
    fn litecoin_header_with_sha256d_work_but_not_scrypt() {
        let p = params(Chain::Litecoin, Network::Regtest);
        let ltc = PowRules::for_network(p);
        let sha = PowRules::for_network(params(Chain::Bitcoin, Network::Regtest));
        let g = genesis_header(p);
        let fake = grind(next(&g, g.time + 1, 0x207f_ffff), |h| {
            meets(sha)(h) && !meets(ltc)(h)
        });
        let mut chain = HeaderChain::from_genesis(p).unwrap();
        let e = chain.extend(&[fake]).unwrap_err();
        assert_eq!(
            e,
            VerifyError::ProofOfWork {
                height: 1,
                algorithm: PowAlgorithm::Scrypt,
                bits: 0x207f_ffff
            }
        );
        let real = grind(next(&g, g.time + 1, 0x207f_ffff), meets(ltc));
        assert_eq!(chain.extend(&[real]).unwrap().height, 1);
    }

    /// Regtest chains mined here: the median-time rule, the target range,
    /// and chains compared by work.
    #[test]
    fn regtest_median_time_target_range_and_work() {
        let p = params(Chain::Bitcoin, Network::Regtest);
        let rules = PowRules::for_network(p);
        let g = genesis_header(p);
        let mut chain = HeaderChain::from_genesis(p).unwrap();
        let mut prev = g;
        for i in 1..=12 {
            prev = grind(next(&prev, g.time + 100 * i, 0x207f_ffff), meets(rules));
            chain.extend(&[prev]).unwrap();
        }
        // Median of the last eleven is g.time + 700.
        let early = grind(next(&prev, g.time + 700, 0x207f_ffff), meets(rules));
        assert_eq!(
            chain.extend(&[early]).unwrap_err(),
            VerifyError::TimeTooEarly {
                height: 13,
                time: g.time + 700,
                median: g.time + 700
            }
        );
        // A shorter chain from the same genesis has less work.
        let mut shorter = HeaderChain::from_genesis(p).unwrap();
        let one = grind(next(&g, g.time + 100, 0x207f_ffff), meets(rules));
        shorter.extend(&[one]).unwrap();
        chain.ensure_most_work(&[&shorter]).unwrap();
        let e = shorter.ensure_most_work(&[&chain]).unwrap_err();
        assert!(
            matches!(
                e,
                VerifyError::LessWork {
                    height: 1,
                    best_height: 12,
                    ..
                }
            ),
            "{e}"
        );
        let other = HeaderChain::from_genesis(params(Chain::Litecoin, Network::Regtest)).unwrap();
        assert!(matches!(
            chain.ensure_most_work(&[&other]),
            Err(VerifyError::DifferentCheckpoints { .. })
        ));
        // Mainnet rules over a regtest history: the inherited bits are a
        // target mainnet does not allow.
        let mut wrong = HeaderChain::with_rules(
            PowRules::for_network(params(Chain::Bitcoin, Network::Mainnet)),
            Checkpoint::genesis(p),
            &[g],
        )
        .unwrap();
        assert_eq!(
            wrong.extend(&[one]).unwrap_err(),
            VerifyError::TargetRange {
                height: 1,
                bits: 0x207f_ffff
            }
        );
    }

    /// The testnet minimum-difficulty rule and a clamped retarget, on rules
    /// with four-block periods of 32-second blocks, whose products fit 256
    /// bits at this limit (regtest's would not: it never retargets).
    #[test]
    fn min_difficulty_rule_and_retarget_clamp() {
        let p = params(Chain::Bitcoin, Network::Regtest);
        let rules = PowRules {
            spacing: 32,
            timespan: 128,
            no_retargeting: false,
            pow_limit: limit_from_top(&[0, 0x7f]),
            ..PowRules::for_network(p)
        };
        assert_eq!(rules.interval(), 4);
        let limit = rules.limit_bits();
        assert_eq!(limit, 0x1f7f_ffff);
        let root = Header {
            version: Version::ONE,
            prev_blockhash: BlockHash::all_zeros(),
            merkle_root: TxMerkleNode::all_zeros(),
            time: 1_700_000_000,
            bits: CompactTarget::from_consensus(limit),
            nonce: 0,
        };
        let cp = Checkpoint {
            height: 0,
            hash: root.block_hash(),
        };
        let mut chain = HeaderChain::with_rules(rules, cp, &[root]).unwrap();
        let mine = |prev: &Header, dt: u32, bits: u32| {
            grind(next(prev, prev.time + dt, bits), meets(rules))
        };
        let mut prev = root;
        for _ in 1..=3 {
            prev = mine(&prev, 1, limit);
            chain.extend(&[prev]).unwrap();
        }
        // Block 4 retargets: 3 s instead of 128, clamped to a quarter.
        let quarter = compact(decode_compact(limit).value / U256::from(4));
        assert_eq!(quarter, 0x1f1f_ffff);
        // The bits an unclamped retarget would give are refused.
        let unclamped = compact(decode_compact(limit).value * U256::from(3) / U256::from(128));
        assert_eq!(
            chain.extend(&[mine(&prev, 1, unclamped)]).unwrap_err(),
            VerifyError::Difficulty {
                height: 4,
                expected: quarter,
                found: unclamped
            }
        );
        let b4 = mine(&prev, 1, quarter);
        chain.extend(&[b4]).unwrap();
        let b5 = mine(&b4, 1, quarter);
        chain.extend(&[b5]).unwrap();
        // More than two spacings later (Bitcoin testnet's twenty minutes):
        // only the minimum difficulty.
        let late_hard = mine(&b5, 65, quarter);
        assert_eq!(
            chain.extend(&[late_hard]).unwrap_err(),
            VerifyError::Difficulty {
                height: 6,
                expected: limit,
                found: quarter
            }
        );
        let b6 = mine(&b5, 65, limit);
        chain.extend(&[b6]).unwrap();
        // Then back to the last regular difficulty.
        let easy = mine(&b6, 1, limit);
        assert_eq!(
            chain.extend(&[easy]).unwrap_err(),
            VerifyError::Difficulty {
                height: 7,
                expected: quarter,
                found: limit
            }
        );
        chain.extend(&[mine(&b6, 1, quarter)]).unwrap();
        // Four times slower than intended at most: the other clamp.
        assert_eq!(
            rules.retarget(quarter, 1_000_000),
            compact(decode_compact(quarter).value * U256::from(4))
        );
    }

    #[test]
    fn compact_edge_cases_and_parsing() {
        assert!(decode_compact(0x0492_3456).negative);
        assert!(
            !decode_compact(0x0180_0001).negative,
            "the sign of a mantissa shifted out"
        );
        assert!(decode_compact(0xff12_3456).overflow);
        assert!(decode_compact(0x0100_0000).value.is_zero());
        assert_eq!(
            decode_compact(0x1d00_ffff).value,
            U256::from(0xffffu64) << 208usize
        );
        assert_eq!(block_work(U256::ZERO), U256::ZERO);
        assert_eq!(block_work(U256::MAX >> 1usize), U256::from(2));
        assert_eq!(block_work(U256::MAX), U256::from(1));
        let no_timespan = PowRules {
            timespan: 0,
            ..PowRules::for_network(params(Chain::Bitcoin, Network::Mainnet))
        };
        assert_eq!(no_timespan.retarget(0x1d00_ffff, 600), 0x1d00_ffff);
        let cp: Checkpoint = "0:000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
            .parse()
            .unwrap();
        assert_eq!(
            cp,
            Checkpoint::genesis(params(Chain::Bitcoin, Network::Mainnet))
        );
        for bad in ["", "12", "x:00", "1:zz"] {
            assert!(bad.parse::<Checkpoint>().is_err(), "{bad}");
        }
        assert!(parse_header(&[0; 79]).is_err());
        assert_eq!(PowAlgorithm::Scrypt.to_string(), "scrypt");
        assert_eq!(ChainWork(U256::from(255)).to_string(), "0xff");
    }
}
