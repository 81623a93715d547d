//! The `wallet` binary end to end, as one test binary (one link instead of
//! eight): every module runs the built CLI against real nodes and peers.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

mod attacks;
mod bitcoin;
mod btc_payments;
mod cast_oracle;
mod cli;
mod descriptors;
mod devnet_scripts;
mod ethereum;
mod ethereum_safety;
mod ethereum_types;
mod faces;
mod help_flags;
mod hostile_node;
mod keystore;
mod keystore_fixes;
mod messages;
mod new_user_items;
mod node_flags;
mod scripting;
mod secret_echo;
mod secret_memory;
mod slip39;
mod v3_cost;
mod verify;
