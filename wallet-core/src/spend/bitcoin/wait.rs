//! Waiting for a sent transaction's confirmations, on any Bitcoin
//! Core-style node (no `-txindex`): `gettxout` on its outputs gives their
//! confirmations (0 in the mempool); when every output is spent already,
//! the mempool and then the blocks mined since the payment was built are
//! looked at. A transaction in neither has been replaced (a fee bump) or
//! evicted, and will not confirm.

use crate::error::{Error, ErrorKind, Result};
use crate::rpc::bitcoin::BtcNode;
use bitcoin::{BlockHash, OutPoint, Txid};
use std::time::{Duration, Instant};

/// Blocks looked through at most when the outputs are all spent.
const MAX_BLOCKS_SCANNED: u64 = 1_000;

/// What to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitFor {
    /// The transaction.
    pub txid: Txid,
    /// How many outputs it has.
    pub outputs: u32,
    /// A chain height it was built at (it is in no block below this one).
    pub since: u64,
    /// The confirmations wanted (0: in the mempool is enough).
    pub confirmations: u64,
    /// How long to wait at most.
    pub timeout: Duration,
}

/// How far a wait is, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitProgress {
    /// The confirmations so far.
    pub confirmations: u64,
    /// Time waited.
    pub elapsed: Duration,
}

/// Why a wait ended without the confirmations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaitError {
    /// The time ran out; the transaction may still confirm.
    #[error("transaction {txid} has {confirmations} of {wanted} confirmations after {seconds} s; it may still confirm")]
    Timeout {
        /// The transaction.
        txid: Txid,
        /// Its confirmations when the wait ended.
        confirmations: u64,
        /// The confirmations asked for.
        wanted: u64,
        /// How long it was waited for.
        seconds: u64,
    },
    /// The transaction left the mempool without being mined.
    #[error("transaction {txid} left the node's mempool and is in no block since height {since}: it was replaced by a conflicting transaction (a fee bump?) or evicted, and will not confirm as it is")]
    Vanished {
        /// The transaction.
        txid: Txid,
        /// The height the blocks were looked through from.
        since: u64,
    },
}

impl WaitError {
    /// [`ErrorKind::Timeout`], or [`ErrorKind::Rejected`] for a transaction
    /// that vanished.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            WaitError::Timeout { .. } => ErrorKind::Timeout,
            WaitError::Vanished { .. } => ErrorKind::Rejected,
        }
    }
}

impl From<WaitError> for Error {
    fn from(e: WaitError) -> Self {
        match e {
            // Kind timeout, with the txid and "pending" in JSON reports.
            WaitError::Timeout { txid, seconds, .. } => Error::Pending {
                tx: txid.to_string(),
                seconds,
            },
            e @ WaitError::Vanished { .. } => Error::Rejected(e.to_string()),
        }
    }
}

/// Where the transaction was last found in a block (to see it stays there).
struct Tracker {
    found: Option<(u64, BlockHash)>,
    gone_once: bool,
}

/// Polls until `w.txid` has `w.confirmations` confirmations (returned) or
/// `w.timeout` passes; `progress` hears of each poll.
pub fn wait_for_confirmations(
    node: &BtcNode,
    w: &WaitFor,
    mut progress: impl FnMut(WaitProgress),
) -> Result<u64> {
    let start = Instant::now();
    let mut tracker = Tracker {
        found: None,
        gone_once: false,
    };
    let mut delay = Duration::from_millis(100);
    loop {
        let confirmations = match confirmations(node, w, &mut tracker)? {
            Some(n) => n,
            // Gone twice in a row (not a block arriving between two calls).
            None if tracker.gone_once => {
                let (txid, since) = (w.txid, w.since);
                return Err(WaitError::Vanished { txid, since }.into());
            }
            None => {
                tracker.gone_once = true;
                0
            }
        };
        let elapsed = start.elapsed();
        progress(WaitProgress {
            confirmations,
            elapsed,
        });
        if confirmations >= w.confirmations && !tracker.gone_once {
            return Ok(confirmations);
        }
        if elapsed >= w.timeout {
            return Err(WaitError::Timeout {
                txid: w.txid,
                confirmations,
                wanted: w.confirmations,
                seconds: w.timeout.as_secs(),
            }
            .into());
        }
        std::thread::sleep(delay.min(w.timeout.saturating_sub(elapsed)));
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}

/// The transaction's confirmations now (0 in the mempool), or `None` when
/// the node has it neither in its mempool nor in a block since `w.since`.
fn confirmations(node: &BtcNode, w: &WaitFor, t: &mut Tracker) -> Result<Option<u64>> {
    let outpoints: Vec<OutPoint> = (0..w.outputs).map(|i| OutPoint::new(w.txid, i)).collect();
    if let Some(info) = node.txout_info(&outpoints)?.into_iter().flatten().next() {
        t.gone_once = false;
        return Ok(Some(info.confirmations));
    }
    if node.in_mempool(&w.txid)? {
        t.gone_once = false;
        return Ok(Some(0));
    }
    let tip = node.block_count()?;
    let height = match t.found {
        Some((h, hash)) if node.block_hash(h)? == hash => Some(h),
        _ => find_in_blocks(node, w, tip, t)?,
    };
    if height.is_some() {
        t.gone_once = false;
    }
    Ok(height.map(|h| tip.saturating_sub(h) + 1))
}

/// Looks through the blocks after `w.since` (the newest first, at most
/// [`MAX_BLOCKS_SCANNED`]) for the transaction.
fn find_in_blocks(node: &BtcNode, w: &WaitFor, tip: u64, t: &mut Tracker) -> Result<Option<u64>> {
    let first = w.since.max(tip.saturating_sub(MAX_BLOCKS_SCANNED));
    for h in (first..=tip).rev() {
        let hash = node.block_hash(h)?;
        if node.block_txids(&hash)?.contains(&w.txid) {
            t.found = Some((h, hash));
            return Ok(Some(h));
        }
    }
    t.found = None;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;

    #[test]
    fn errors_keep_their_kind_and_name_the_transaction() {
        let txid = Txid::from_byte_array([7; 32]);
        let t = WaitError::Timeout {
            txid,
            confirmations: 1,
            wanted: 3,
            seconds: 60,
        };
        assert_eq!(t.kind(), ErrorKind::Timeout);
        assert!(
            t.to_string().contains("1 of 3 confirmations after 60 s"),
            "{t}"
        );
        let e: Error = t.into();
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert_eq!(e.details()["tx"], txid.to_string());
        assert_eq!(e.details()["pending"], true);
        let v = WaitError::Vanished { txid, since: 120 };
        assert_eq!(v.kind(), ErrorKind::Rejected);
        let e: Error = v.into();
        assert_eq!(e.kind(), ErrorKind::Rejected);
        assert!(e.to_string().contains("since height 120"), "{e}");
    }
}
