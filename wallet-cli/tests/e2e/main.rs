//! The `wallet` binary end to end, as one test binary (one link instead of
//! eight): every module runs the built CLI against real nodes and peers.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

mod bitcoin;
mod cast_oracle;
mod cli;
mod devnet_scripts;
mod ethereum;
mod help_flags;
mod hostile_node;
mod keystore;
mod keystore_fixes;
mod node_flags;
mod scripting;
mod secret_echo;
mod secret_memory;
mod v3_cost;
