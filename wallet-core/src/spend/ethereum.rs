//! Ethereum sends over a node: fill a transaction from one batch of node
//! reads (chain id, nonce, balance, fees, gas), check it, sign it and send
//! it once. The node is only a transport ([`crate::rpc::ethereum::EthNode`]);
//! the policy lives here.

use crate::error::{Error, Result};
use crate::ethereum::{
    AccessListItem, Address, ChainId, Fees, Gas, Nonce, SignedTransaction, Transaction, Wei,
};
use crate::key::PrivateKey;
use crate::rpc::ethereum::{CallRequest, EthNode};

/// What the user asks to send; everything `None` is filled from the node.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    /// Recipient (`None`: contract creation).
    pub to: Option<Address>,
    /// Value.
    pub value: Wei,
    /// Call data / init code.
    pub data: Vec<u8>,
    /// EIP-2930 access list.
    pub access_list: Vec<AccessListItem>,
    /// A legacy (EIP-155) transaction.
    pub legacy: bool,
    /// Gas price (EIP-2930, or legacy with `legacy`); default the node's.
    pub gas_price: Option<Wei>,
    /// EIP-1559 max fee; default 2 × base fee + priority fee.
    pub max_fee: Option<Wei>,
    /// EIP-1559 priority fee; default the node's suggestion (or 1 gwei).
    pub priority_fee: Option<Wei>,
    /// Gas limit; default the node's estimate (+ 20% unless it is exactly
    /// the 21,000 of a transfer to an account without code).
    pub gas: Option<Gas>,
    /// Nonce; default the node's pending nonce.
    pub nonce: Option<Nonce>,
    /// Refuse a node whose chain id differs.
    pub expected_chain_id: Option<ChainId>,
}

/// A filled-in transaction, ready to show the user and sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedSend {
    /// The unsigned transaction.
    pub tx: Transaction,
    /// The sender.
    pub from: Address,
    /// The sender's balance.
    pub balance: Wei,
    /// Value + gas × max price: the most this can cost.
    pub max_cost: Wei,
}

/// Fills in `req` for `from` from one batch of node reads, and checks
/// the chain id and the balance (nothing is sent).
pub fn prepare(node: &EthNode, from: &Address, req: &SendRequest) -> Result<PreparedSend> {
    let call = CallRequest {
        from: Some(*from),
        to: req.to,
        value: req.value,
        data: req.data.clone(),
        access_list: req.access_list.clone(),
    };
    // Even a plain transfer is estimated (in the same batch): the
    // recipient may be a contract, or an account delegated to code, whose
    // `receive` needs more than 21,000 gas.
    let state = node.network_state(from, req.gas.is_none().then_some(&call))?;
    if let Some(want) = req.expected_chain_id {
        if want != state.chain_id {
            return Err(Error::WrongChain(format!(
                "the node at {} serves chain id {}, not {}; nothing was sent",
                node.rpc().url(),
                state.chain_id.0,
                want.0
            )));
        }
    }
    let gas = match (req.gas, &state.gas_estimate) {
        (Some(g), _) => g,
        // A transfer to an account without code costs exactly this.
        (None, Some(Ok(g))) if g.0 == 21_000 => *g,
        // 20% headroom over the estimate.
        (None, Some(Ok(g))) => Gas(g.0.saturating_add(g.0 / 5)),
        (None, None) => return Err(Error::Internal("no gas given and none estimated".into())),
        // Some nodes refuse to estimate a transfer the sender cannot pay:
        // say so plainly.
        (None, Some(Err(_))) if state.balance < req.value => {
            return Err(Error::InsufficientFunds(format!(
                "{} has {} ETH; sending {} ETH needs more (plus gas); nothing was sent",
                from.to_checksum(),
                state.balance.to_ether_string(),
                req.value.to_ether_string()
            )))
        }
        (None, Some(Err(msg))) => {
            return Err(Error::NodeError {
                method: "eth_estimateGas".into(),
                code: 0,
                message: format!("the node cannot estimate gas for this transaction: {msg}"),
            })
        }
    };
    let fees = if req.legacy || req.gas_price.is_some() {
        let gas_price = req.gas_price.unwrap_or(state.gas_price);
        if req.legacy {
            Fees::Legacy { gas_price }
        } else {
            Fees::AccessList { gas_price }
        }
    } else {
        let priority = req
            .priority_fee
            .or(state.priority_fee)
            .unwrap_or_else(|| Wei::from_gwei(1));
        let max_fee = match (req.max_fee, state.base_fee) {
            (Some(m), _) => m,
            (None, Some(base)) => base.saturating_mul(2).saturating_add(priority),
            (None, None) => {
                return Err(Error::Unsupported(
                    "the node's chain has no base fee (pre-London): use a legacy transaction or a gas price".into(),
                ))
            }
        };
        Fees::Eip1559 {
            max_fee,
            max_priority_fee: priority,
        }
    };
    let price = match &fees {
        Fees::Legacy { gas_price } | Fees::AccessList { gas_price } => *gas_price,
        Fees::Eip1559 { max_fee, .. } => *max_fee,
    };
    let max_cost = price
        .checked_mul_gas(gas)
        .and_then(|f| f.checked_add(req.value))
        .ok_or_else(|| Error::input("value plus fees overflow"))?;
    if max_cost > state.balance {
        return Err(Error::InsufficientFunds(format!(
            "{} has {} ETH; this transaction needs up to {} ETH (value + gas × max fee); nothing was sent",
            from.to_checksum(),
            state.balance.to_ether_string(),
            max_cost.to_ether_string()
        )));
    }
    let tx = Transaction {
        chain_id: Some(state.chain_id),
        nonce: req.nonce.unwrap_or(state.nonce),
        gas,
        fees,
        to: req.to,
        value: req.value,
        data: req.data.clone(),
        access_list: req.access_list.clone(),
    };
    tx.signing_payload()?;
    Ok(PreparedSend {
        tx,
        from: *from,
        balance: state.balance,
        max_cost,
    })
}

/// Signs a prepared transaction with `key` (which must be the sender's)
/// and sends it once.
pub fn sign_and_send(
    node: &EthNode,
    prepared: &PreparedSend,
    key: &PrivateKey,
) -> Result<(SignedTransaction, [u8; 32])> {
    if Address::from_public_key(&key.public_key()) != prepared.from {
        return Err(Error::Internal(
            "the signing key is not the prepared sender's".into(),
        ));
    }
    let signed = prepared.tx.clone().sign(key)?;
    let hash = node.send_raw(&signed.to_raw())?;
    Ok((signed, hash))
}
