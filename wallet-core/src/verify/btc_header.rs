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

use super::VerifyError;
use crate::bitcoin::{Chain, Network, NetworkParams};
use alloy_primitives::U256;
use bitcoin::block::{Header, Version};
use bitcoin::hashes::Hash;
use bitcoin::pow::{CompactTarget, Target};
use bitcoin::{BlockHash, TxMerkleNode};
use core::fmt;
use core::str::FromStr;

/// The hash a header's proof of work is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowAlgorithm {
    /// Double SHA-256 of the header (Bitcoin; also every block hash).
    Sha256d,
    /// scrypt(N=1024, r=1, p=1, 32 bytes) with the header as password and
    /// salt (Litecoin).
    Scrypt,
}

impl fmt::Display for PowAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PowAlgorithm::Sha256d => "sha256d",
            PowAlgorithm::Scrypt => "scrypt",
        })
    }
}

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
        target = target.wrapping_mul(U256::from(actual)) / U256::from(timespan.unsigned_abs());
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
    (!target / (target + U256::from(1))) + U256::from(1)
}

/// Cumulative proof of work (the expected number of hashes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct ChainWork(pub U256);

impl fmt::Display for ChainWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
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
