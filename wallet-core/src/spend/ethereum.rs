//! Ethereum sends over a node: fill a transaction from one batch of node
//! reads (chain id, nonce, balance, fees, fee history, gas), check it, sign
//! it and send it once. The node is only a transport
//! ([`crate::rpc::ethereum::EthNode`]); the policy lives here, and it does
//! not trust the node with what decides where money goes or how much is
//! paid: the chain id comes from the caller unless the node serves a
//! development chain, and fees above a cap derived from the node's own fee
//! history are refused unless the caller allows them.

use crate::error::{Error, ErrorKind, HighFeeRemedy, Result};
use crate::ethereum::transaction::resolve_authorizations;
use crate::ethereum::{
    AccessListItem, Address, Authorization, AuthorizationItem, BlobFields, ChainId, Fees, Gas,
    Nonce, SignedAuthorization, SignedTransaction, Transaction, TxFields, TxKind, Wei,
};
use crate::key::PrivateKey;
use crate::rpc::ethereum::{Broadcast, CallRequest, EthNode, NetworkState};
use alloy_primitives::U256;
use core::fmt;

/// A fee per gas above this many times the node's recent fees (highest
/// recent base fee plus median tip) is refused unless allowed.
pub const FEE_CAP_MULTIPLIER: u64 = 10;
/// The cap never goes below this (quiet chains have tiny fees): 100 gwei.
pub const MIN_FEE_CAP: Wei = Wei(U256::from_limbs([100_000_000_000, 0, 0, 0]));
/// Without a node (offline signing), fees per gas above this are refused
/// unless allowed: 1000 gwei.
pub const OFFLINE_FEE_CAP: Wei = Wei(U256::from_limbs([1_000_000_000_000, 0, 0, 0]));
/// Fees per gas below this draw a warning: 1,000,000 wei (a thousandth of
/// a gwei), often a unit mistake (a bare fee is wei).
pub const VERY_LOW_FEE: Wei = Wei(U256::from_limbs([1_000_000, 0, 0, 0]));

/// What the user asks to send; everything `None` is filled from the node.
#[derive(Debug, Clone)]
pub struct SendRequest {
    /// Recipient, or an explicit contract creation.
    pub to: TxKind,
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
    /// The chain the send is for, checked against the node's. Required
    /// unless the node serves a development chain ([`ChainId::DEV`]): a
    /// node must not pick the chain a signature is valid on.
    pub chain_id: Option<ChainId>,
    /// Blob versioned hashes and blob fee: a blob (type 3) transaction.
    pub blob: Option<BlobFields>,
    /// Authorizations: a set-code (type 4) transaction.
    pub authorizations: Option<Vec<AuthorizationItem>>,
    /// Accept a fee per gas above the cap (see [`FEE_CAP_MULTIPLIER`]).
    pub allow_high_fee: bool,
}

impl SendRequest {
    /// A plain transfer of `value` to `to` (everything else from the node).
    #[must_use]
    pub fn transfer(to: Address, value: Wei) -> Self {
        Self {
            to: TxKind::Call(to),
            value,
            data: Vec::new(),
            access_list: Vec::new(),
            legacy: false,
            gas_price: None,
            max_fee: None,
            priority_fee: None,
            gas: None,
            nonce: None,
            chain_id: None,
            blob: None,
            authorizations: None,
            allow_high_fee: false,
        }
    }
}

/// Something a user should know before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendWarning {
    /// The recipient is the zero address (funds sent there are lost).
    ZeroAddress,
    /// The max fee (or gas price) is below the node's current base fee: the
    /// transaction waits until the base fee drops that low.
    BelowBaseFee {
        /// The max fee or gas price.
        fee: Wei,
        /// The latest base fee.
        base_fee: Wei,
    },
    /// A fee per gas below [`VERY_LOW_FEE`]: likely a unit mistake.
    VeryLowFee {
        /// The max fee or gas price.
        fee: Wei,
    },
}

impl fmt::Display for SendWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendWarning::ZeroAddress => f.write_str(
                "the recipient is the zero address: whatever is sent there is lost",
            ),
            SendWarning::BelowBaseFee { fee, base_fee } => write!(
                f,
                "the fee per gas ({} gwei) is below the current base fee ({} gwei): the transaction waits until the base fee drops that low",
                fee.to_gwei_string(),
                base_fee.to_gwei_string()
            ),
            SendWarning::VeryLowFee { fee } => write!(
                f,
                "the fee per gas is only {} wei ({} gwei): a bare fee is wei; write 30gwei for gwei",
                fee.0,
                fee.to_gwei_string()
            ),
        }
    }
}

/// Where a fee came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeSource {
    /// The caller gave it.
    Given,
    /// The node suggested it.
    Node,
}

/// Why a send was refused before anything was signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The node serves a chain that is not a development chain, and the
    /// caller did not say which chain the send is for.
    #[error("the node at {url} serves chain id {served}, which is not a development chain: the chain id must be given (a node does not choose it); nothing was signed")]
    ChainIdRequired {
        /// The endpoint.
        url: String,
        /// What the node says.
        served: u64,
    },
    /// The node serves another chain than the one asked for.
    #[error("the node at {url} serves chain id {served}, not {expected}; nothing was sent")]
    WrongChain {
        /// The endpoint.
        url: String,
        /// What the node says.
        served: u64,
        /// What the caller asked for.
        expected: u64,
    },
    /// A fee per gas above the cap.
    #[error("{} of {} gwei per gas is above the safety cap of {} gwei ({FEE_CAP_MULTIPLIER}× the recent fees, at least {} gwei, or {} gwei without a node); nothing was signed", match .origin { FeeSource::Given => "a fee", FeeSource::Node => "the node suggests a fee" }, .fee.to_gwei_string(), .cap.to_gwei_string(), MIN_FEE_CAP.to_gwei_string(), OFFLINE_FEE_CAP.to_gwei_string())]
    HighFee {
        /// The max fee or gas price.
        fee: Wei,
        /// The cap.
        cap: Wei,
        /// Who chose the fee.
        origin: FeeSource,
    },
}

impl SendError {
    /// The stable kind.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        match self {
            SendError::ChainIdRequired { .. } | SendError::WrongChain { .. } => {
                ErrorKind::WrongChain
            }
            SendError::HighFee { .. } => ErrorKind::InvalidInput,
        }
    }
}

impl From<SendError> for Error {
    fn from(e: SendError) -> Self {
        match e {
            SendError::HighFee { origin, .. } => Error::HighFee {
                reason: e.to_string(),
                remedy: match origin {
                    FeeSource::Given => HighFeeRemedy::Allow,
                    FeeSource::Node => HighFeeRemedy::GiveFeesPerGas,
                },
            },
            SendError::ChainIdRequired { .. } | SendError::WrongChain { .. } => {
                Error::WrongChain(e.to_string())
            }
        }
    }
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
    /// Value + gas × max price (+ blob gas × max blob fee): the most this
    /// can cost.
    pub max_cost: Wei,
    /// What the user should know before confirming.
    pub warnings: Vec<SendWarning>,
}

/// Fills in `req` for `from` from one batch of node reads (a second
/// round trip estimates the gas of a set-code transaction, once its
/// authorizations are signed), and checks the chain id, the fees and the
/// balance. Nothing is sent; only the sender's own authorizations are
/// signed, with `sign`.
pub fn prepare(
    node: &EthNode,
    from: &Address,
    req: &SendRequest,
    sign: &dyn Fn(Authorization) -> Result<SignedAuthorization>,
) -> Result<PreparedSend> {
    let mut call = call_request(from, req);
    // Even a plain transfer is estimated (in the same batch): the
    // recipient may be a contract, or an account delegated to code, whose
    // `receive` needs more than 21,000 gas.
    let estimate_now = req.gas.is_none() && req.authorizations.is_none();
    let state = node.network_state(from, estimate_now.then_some(&call))?;
    let chain_id = chain_id(node, req.chain_id, state.chain_id)?;
    let nonce = req.nonce.unwrap_or(state.nonce);
    let authorizations = match &req.authorizations {
        Some(items) => Some(resolve_authorizations(items, *from, chain_id, nonce, sign)?),
        None => None,
    };
    let estimate = match (&authorizations, req.gas) {
        (Some(list), None) => {
            call.authorization_list.clone_from(list);
            Some(node.estimate_gas(&call)?)
        }
        _ => state.gas_estimate.clone(),
    };
    let gas = gas_limit(req, from, &state, estimate)?;
    let (fees, warnings) = fees(req, &state)?;
    let tx = TxFields {
        chain_id,
        nonce,
        gas_limit: gas,
        fees,
        to: req.to,
        value: req.value,
        input: req.data.clone(),
        access_list: req.access_list.clone(),
        blob: req.blob.clone(),
        authorizations,
    }
    .build()?;
    tx.check()?;
    let max_cost = affordable(&tx, from, state.balance)?;
    Ok(PreparedSend {
        warnings: recipient_warnings(&tx)
            .into_iter()
            .chain(warnings)
            .collect(),
        tx,
        from: *from,
        balance: state.balance,
        max_cost,
    })
}

fn call_request(from: &Address, req: &SendRequest) -> CallRequest {
    CallRequest {
        from: Some(*from),
        to: req.to.to(),
        value: req.value,
        data: req.data.clone(),
        access_list: req.access_list.clone(),
        authorization_list: Vec::new(),
        blob_versioned_hashes: req
            .blob
            .as_ref()
            .map(|b| b.versioned_hashes.clone())
            .unwrap_or_default(),
    }
}

/// The chain id to sign for: the caller's (which the node must serve), or
/// the node's when it is a development chain.
fn chain_id(node: &EthNode, wanted: Option<ChainId>, served: ChainId) -> Result<ChainId> {
    let url = node.rpc().url().to_owned();
    match wanted {
        Some(want) if want == served => Ok(want),
        Some(want) => Err(SendError::WrongChain {
            url,
            served: served.0,
            expected: want.0,
        }
        .into()),
        None if ChainId::DEV.contains(&served) => Ok(served),
        None => Err(SendError::ChainIdRequired {
            url,
            served: served.0,
        }
        .into()),
    }
}

fn gas_limit(
    req: &SendRequest,
    from: &Address,
    state: &NetworkState,
    estimate: Option<Result<Gas, String>>,
) -> Result<Gas> {
    match (req.gas, estimate) {
        (Some(g), _) => Ok(g),
        // A transfer to an account without code costs exactly this.
        (None, Some(Ok(g))) if g.0 == 21_000 => Ok(g),
        // 20% headroom over the estimate.
        (None, Some(Ok(g))) => Ok(Gas(g.0.saturating_add(g.0 / 5))),
        (None, None) => Err(Error::Internal("no gas given and none estimated".into())),
        // Some nodes refuse to estimate a transfer the sender cannot pay:
        // say so plainly.
        (None, Some(Err(_))) if state.balance < req.value => {
            Err(Error::InsufficientFunds(format!(
                "{} has {} ETH; sending {} ETH needs more (plus gas); nothing was sent",
                from.to_checksum(),
                state.balance.to_ether_string(),
                req.value.to_ether_string()
            )))
        }
        (None, Some(Err(msg))) => Err(Error::NodeError {
            method: "eth_estimateGas".into(),
            code: 0,
            message: format!("the node cannot estimate gas for this transaction: {msg}"),
        }),
    }
}

/// The cap on a fee per gas: [`FEE_CAP_MULTIPLIER`] × (the highest recent
/// base fee + the median recent tip), at least [`MIN_FEE_CAP`]. Without a
/// fee history (or before London), the node's gas price stands in.
#[must_use]
pub fn fee_cap(state: &NetworkState) -> Wei {
    let reference = match (&state.fee_history, state.base_fee) {
        (Some(h), _) if h.max_base_fee > Wei::ZERO => h
            .max_base_fee
            .max(state.base_fee.unwrap_or_default())
            .saturating_add(h.median_tip),
        (_, Some(base)) => base,
        _ => state.gas_price,
    };
    reference
        .saturating_mul(FEE_CAP_MULTIPLIER)
        .max(MIN_FEE_CAP)
}

/// The fee model, from what was given and what the node suggests, capped.
fn fees(req: &SendRequest, state: &NetworkState) -> Result<(Fees, Vec<SendWarning>)> {
    let priced_by_gas_price = req.legacy || req.gas_price.is_some();
    let given = if priced_by_gas_price {
        req.gas_price.is_some()
    } else {
        req.max_fee.is_some()
    };
    let fees = if priced_by_gas_price {
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
    let source = if given {
        FeeSource::Given
    } else {
        FeeSource::Node
    };
    let cap = fee_cap(state);
    check_cap(fees.max_price(), cap, source, req.allow_high_fee)?;
    let mut warnings = low_fee_warnings(fees.max_price());
    if let Some(base_fee) = state.base_fee {
        if fees.max_price() < base_fee {
            warnings.push(SendWarning::BelowBaseFee {
                fee: fees.max_price(),
                base_fee,
            });
        }
    }
    Ok((fees, warnings))
}

fn check_cap(fee: Wei, cap: Wei, source: FeeSource, allowed: bool) -> Result<(), SendError> {
    // A node's suggestion above the cap is never followed, allowed or not:
    // the caller must name such a fee.
    if fee > cap && (source == FeeSource::Node || !allowed) {
        return Err(SendError::HighFee {
            fee,
            cap,
            origin: source,
        });
    }
    Ok(())
}

fn low_fee_warnings(fee: Wei) -> Vec<SendWarning> {
    if fee < VERY_LOW_FEE {
        vec![SendWarning::VeryLowFee { fee }]
    } else {
        Vec::new()
    }
}

fn recipient_warnings(tx: &Transaction) -> Vec<SendWarning> {
    if tx.to() == Some(Address([0; 20])) {
        vec![SendWarning::ZeroAddress]
    } else {
        Vec::new()
    }
}

/// The checks of a transaction signed without a node: fees per gas above
/// [`OFFLINE_FEE_CAP`] are refused unless `allow_high_fee`; the warnings
/// are the caller's to show.
pub fn check_offline(tx: &Transaction, allow_high_fee: bool) -> Result<Vec<SendWarning>> {
    let fee = tx.max_price_per_gas();
    check_cap(fee, OFFLINE_FEE_CAP, FeeSource::Given, allow_high_fee)?;
    let mut warnings = recipient_warnings(tx);
    warnings.extend(low_fee_warnings(fee));
    Ok(warnings)
}

/// A transaction to sign without a node: every field given; the sender's
/// own authorizations are signed with the transaction.
#[derive(Debug, Clone)]
pub struct OfflineTx {
    /// The fields (`authorizations` is filled from `authorizations` below).
    pub fields: TxFields,
    /// Authorizations: a set-code (type 4) transaction.
    pub authorizations: Option<Vec<AuthorizationItem>>,
    /// Accept a fee per gas above [`OFFLINE_FEE_CAP`].
    pub allow_high_fee: bool,
}

impl OfflineTx {
    /// Every check that needs no key (run before asking for a password):
    /// the type, the values and the fee cap; the warnings to show.
    pub fn precheck(&self) -> Result<Vec<SendWarning>> {
        let mut fields = self.fields.clone();
        let placeholders = self.authorizations.as_ref().map(|items| {
            items
                .iter()
                .filter_map(|i| match i {
                    AuthorizationItem::Signed(a) => Some(*a),
                    AuthorizationItem::OwnDelegation(_) => None,
                })
                .collect::<Vec<_>>()
        });
        let own = self.authorizations.as_ref().is_some_and(|items| {
            items
                .iter()
                .any(|i| matches!(i, AuthorizationItem::OwnDelegation(_)))
        });
        fields.authorizations = placeholders;
        let tx = fields.build()?;
        match tx.check() {
            Err(crate::ethereum::TxError::EmptyAuthorizationList) if own => {}
            r => r?,
        }
        check_offline(&tx, self.allow_high_fee)
    }
}

fn affordable(tx: &Transaction, from: &Address, balance: Wei) -> Result<Wei> {
    let max_cost = tx
        .max_cost()
        .ok_or_else(|| Error::input("value plus fees overflow"))?;
    if max_cost > balance {
        return Err(Error::InsufficientFunds(format!(
            "{} has {} ETH; this transaction needs up to {} ETH (value + gas × max fee); nothing was sent",
            from.to_checksum(),
            balance.to_ether_string(),
            max_cost.to_ether_string()
        )));
    }
    Ok(max_cost)
}

/// Signs a prepared transaction with `key` (which must be the sender's)
/// and sends it once.
pub fn sign_and_send(
    node: &EthNode,
    prepared: &PreparedSend,
    key: &PrivateKey,
) -> Result<(SignedTransaction, Broadcast)> {
    if Address::from_public_key(&key.public_key()) != prepared.from {
        return Err(Error::Internal(
            "the signing key is not the prepared sender's".into(),
        ));
    }
    let signed = prepared.tx.clone().sign(key)?;
    let sent = node.send_raw(&signed.to_raw())?;
    Ok((signed, sent))
}

/// After [`UnlockedWallet::send_eth`](crate::wallet::UnlockedWallet::send_eth):
/// waits up to `timeout` for the receipt of `hash` (calling `progress` with
/// the time waited) and, with a `verifier`, proves it against its block.
///
/// The transaction is already sent, so every failure here names it: a
/// receipt still missing is [`Error::Pending`], anything else (the node
/// gone while polling, a receipt its block does not prove) is
/// [`Error::Sent`] carrying the hash. Every face calls this, so none can
/// lose the hash of a payment that went out.
pub fn confirm_eth_send(
    node: &EthNode,
    hash: &crate::ethereum::TxHash,
    timeout: std::time::Duration,
    verifier: Option<&mut crate::verify::EthVerifier<'_>>,
    progress: impl FnMut(std::time::Duration),
) -> Result<crate::rpc::ethereum::Receipt> {
    let sent = |cause: Error| match cause {
        e @ (Error::Pending { .. } | Error::Sent { .. }) => e,
        cause => Error::Sent {
            tx: hash.to_string(),
            cause: Box::new(cause),
        },
    };
    let receipt = node
        .wait_for_receipt(hash, timeout, progress)
        .map_err(sent)?;
    if let Some(v) = verifier {
        v.verify_receipt(&receipt).map_err(sent)?;
    }
    Ok(receipt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::ethereum::FeeHistory;

    fn state() -> NetworkState {
        NetworkState {
            chain_id: ChainId(1),
            nonce: Nonce(0),
            balance: Wei::ZERO,
            gas_estimate: None,
            base_fee: Some(Wei::from_gwei(20)),
            priority_fee: Some(Wei::from_gwei(1)),
            gas_price: Wei::from_gwei(21),
            fee_history: Some(FeeHistory {
                max_base_fee: Wei::from_gwei(25),
                median_tip: Wei::from_gwei(2),
            }),
        }
    }

    #[test]
    fn the_fee_cap_follows_the_history_with_a_floor() {
        let mut s = state();
        assert_eq!(fee_cap(&s), Wei::from_gwei(270));
        s.fee_history = None;
        assert_eq!(fee_cap(&s), Wei::from_gwei(200));
        s.base_fee = Some(Wei::from_wei(7));
        assert_eq!(fee_cap(&s), MIN_FEE_CAP);
        s.base_fee = None;
        s.gas_price = Wei::from_gwei(50);
        assert_eq!(fee_cap(&s), Wei::from_gwei(500));
    }

    #[test]
    fn high_fees_need_consent_and_node_suggestions_are_never_followed() {
        let cap = Wei::from_gwei(100);
        let high = Wei::from_gwei(101);
        assert!(check_cap(cap, cap, FeeSource::Node, false).is_ok());
        let e = check_cap(high, cap, FeeSource::Given, false).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let e = Error::from(e);
        assert!(
            matches!(
                e,
                Error::HighFee {
                    remedy: HighFeeRemedy::Allow,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("allow a high fee explicitly"), "{e}");
        assert!(check_cap(high, cap, FeeSource::Given, true).is_ok());
        let e = check_cap(high, cap, FeeSource::Node, true).unwrap_err();
        assert!(e.to_string().contains("the node suggests"), "{e}");
        assert!(matches!(
            Error::from(e),
            Error::HighFee {
                remedy: HighFeeRemedy::GiveFeesPerGas,
                ..
            }
        ));
    }
}
