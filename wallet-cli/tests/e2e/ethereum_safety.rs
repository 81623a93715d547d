//! Regression tests of the Ethereum findings of issues 21 and 22 through
//! the `wallet` binary, each named after its finding: recipients, fee
//! caps, lost and pending hashes, rebroadcasts, hints, progress output, and
//! a node that lies about its chain id or its fees.

#![allow(clippy::unwrap_used, clippy::expect_used)]
