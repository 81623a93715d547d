//! Nodes as objects ([`EthereumNode`], [`BitcoinNode`]) and the operations
//! that talk to them: Ethereum balances and sends (with a wait for the
//! receipt), Bitcoin-family balances, payments and broadcasts. Every call
//! blocks until the node answers or the node's timeout passes: call them off
//! the UI thread.

use super::error::{BindingError, WalletError, WalletResult};
use super::secret::Secret;
use super::types::{params, AddressType, Chain, Network};
use super::unlocked::{EthTxRequest, UnlockedWallet};
use super::views::SignedEthTx;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use wallet_core::bitcoin::NetworkParams;
use wallet_core::request;
use wallet_core::rpc::bitcoin::{Auth, BtcNode};
use wallet_core::rpc::ethereum::EthNode;
use wallet_core::rpc::{RpcClient, RpcConfig};
use wallet_core::secret::SecretString;
use wallet_core::spend::ethereum::confirm_eth_send;
use wallet_core::wallet::{self as core_wallet, Wallet};

fn timeout(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms.clamp(100, 3_600_000)))
}

/// An Ethereum address's balance.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EthBalance {
    /// The address, EIP-55.
    pub address: String,
    /// The balance in wei, decimal.
    pub wei: String,
    /// The same in ether (`1.5`).
    pub ether: String,
}

/// A sent Ethereum transaction and, when waited for, its receipt.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EthSendResult {
    /// The signed transaction.
    pub tx: SignedEthTx,
    /// 1 success, 0 reverted (after waiting).
    pub status: Option<u64>,
    /// Whether it was mined but reverted (after waiting).
    pub reverted: Option<bool>,
    /// The block it was mined in (after waiting).
    pub block_number: Option<u64>,
    /// The gas it used (after waiting).
    pub gas_used: Option<u64>,
    /// The price paid per gas in wei, decimal (after waiting).
    pub effective_gas_price: Option<String>,
    /// The contract a creation made (after waiting).
    pub contract_address: Option<String>,
    /// `true` when the node already had this transaction (pending or
    /// mined): nothing new was sent, and it is not an error.
    pub already_known: bool,
    /// What the user was warned about before it was sent (the zero
    /// address, a fee below the base fee or suspiciously low); the same as
    /// `tx.warnings`.
    pub warnings: Vec<String>,
}

impl From<core_wallet::EthSendResult> for EthSendResult {
    fn from(r: core_wallet::EthSendResult) -> Self {
        let mut tx = SignedEthTx::from(r.tx);
        tx.warnings.clone_from(&r.warnings);
        Self {
            tx,
            status: r.status,
            reverted: r.reverted,
            block_number: r.block_number,
            gas_used: r.gas_used,
            effective_gas_price: r.effective_gas_price,
            contract_address: r.contract_address,
            already_known: r.already_known.unwrap_or(false),
            warnings: r.warnings,
        }
    }
}

/// An Ethereum JSON-RPC endpoint. Thread-safe.
#[derive(uniffi::Object)]
pub struct EthereumNode {
    node: EthNode,
    timeout: Duration,
}

#[uniffi::export]
impl EthereumNode {
    /// The node at `url` (`http://…` or `https://…`); each request, and a
    /// wait for a receipt, gives up after `timeout_ms` (100 ms to 1 h).
    #[uniffi::constructor(default(timeout_ms = 30000))]
    pub fn new(url: String, timeout_ms: u32) -> WalletResult<Arc<Self>> {
        let cfg = RpcConfig {
            timeout: timeout(timeout_ms),
            ..RpcConfig::default()
        };
        Ok(Arc::new(Self {
            node: EthNode::new(RpcClient::new(&url, cfg)?),
            timeout: timeout(timeout_ms),
        }))
    }

    /// The chain id the node serves.
    pub fn chain_id(&self) -> WalletResult<u64> {
        Ok(self.node.chain_id()?.0)
    }

    /// The balance of `address` (0x-hex) at the latest block.
    pub fn balance(&self, address: String) -> WalletResult<EthBalance> {
        let a: wallet_core::ethereum::Address = address.parse()?;
        let v = core_wallet::EthBalance::of(&a, self.node.balance(&a)?);
        Ok(EthBalance {
            address: v.address,
            wei: v.wei,
            ether: v.ether,
        })
    }
}

/// A Bitcoin Core-style JSON-RPC node of one chain and network (Bitcoin or
/// Litecoin; checked against the node before anything is sent).
/// Thread-safe.
#[derive(uniffi::Object)]
pub struct BitcoinNode {
    node: BtcNode,
    params: NetworkParams,
}

impl BitcoinNode {
    fn connect(
        url: &str,
        auth: &Auth,
        chain: Chain,
        network: Network,
        timeout_ms: u32,
    ) -> WalletResult<Arc<Self>> {
        Ok(Arc::new(Self {
            node: BtcNode::connect(url, auth, timeout(timeout_ms))?,
            params: params(chain, network)?,
        }))
    }
}

#[uniffi::export]
impl BitcoinNode {
    /// The node at `url` serving `chain` on `network`, without credentials
    /// (or with them in the URL); each request gives up after `timeout_ms`
    /// (100 ms to 1 h).
    #[uniffi::constructor(default(timeout_ms = 30000))]
    pub fn new(
        url: String,
        chain: Chain,
        network: Network,
        timeout_ms: u32,
    ) -> WalletResult<Arc<Self>> {
        Self::connect(&url, &Auth::None, chain, network, timeout_ms)
    }

    /// The node at `url` with the RPC `user` and `password`.
    #[uniffi::constructor(default(timeout_ms = 30000))]
    pub fn with_password(
        url: String,
        user: String,
        password: Secret,
        chain: Chain,
        network: Network,
        timeout_ms: u32,
    ) -> WalletResult<Arc<Self>> {
        let auth = Auth::UserPass(user, password.into_core());
        Self::connect(&url, &auth, chain, network, timeout_ms)
    }

    /// The node at `url` with the credentials of its cookie file
    /// (`__cookie__:password`, read now).
    #[uniffi::constructor(default(timeout_ms = 30000))]
    pub fn with_cookie_file(
        url: String,
        cookie_file: String,
        chain: Chain,
        network: Network,
        timeout_ms: u32,
    ) -> WalletResult<Arc<Self>> {
        let auth = Auth::Cookie(cookie_file.into());
        Self::connect(&url, &auth, chain, network, timeout_ms)
    }

    /// Sends a signed transaction (hex) once, after checking it decodes and
    /// the node serves this network; then confirms it reached the mempool
    /// (or a block).
    pub fn broadcast(&self, raw_hex: String) -> WalletResult<BtcBroadcast> {
        let raw = hex::decode(raw_hex.trim()).map_err(|_| BindingError::NotHex {
            what: "the transaction",
        })?;
        let b = core_wallet::BtcBroadcast::send(&self.node, self.params, &raw)?;
        Ok(BtcBroadcast {
            txid: b.txid,
            in_mempool: b.in_mempool,
            confirmed: b.confirmed,
            vsize: b.vsize,
        })
    }
}

impl BitcoinNode {
    /// The balance of `wallet` on this node's network.
    pub(crate) fn balance_of(
        &self,
        wallet: &Wallet,
        gap: u32,
        password: impl FnOnce() -> WalletResult<SecretString>,
    ) -> WalletResult<BtcBalance> {
        let b = wallet.btc_balance::<WalletError>(&self.node, self.params, gap, password)?;
        Ok(BtcBalance {
            confirmed_sat: b.confirmed_sat,
            confirmed: b.confirmed,
            immature_sat: b.immature_sat,
            spent_in_mempool_sat: b.spent_in_mempool_sat,
            by_type_sat: b
                .by_type_sat
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            utxos: u64::try_from(b.utxos).unwrap_or(u64::MAX),
            height: b.height,
        })
    }
}

/// A broadcast transaction.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BtcBroadcast {
    /// Its txid.
    pub txid: String,
    /// Whether it is in the node's mempool.
    pub in_mempool: bool,
    /// Whether the node already had it in a block (nothing new was sent).
    pub confirmed: bool,
    /// Its virtual size in vbytes.
    pub vsize: u64,
}

/// A Bitcoin-family wallet balance.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BtcBalance {
    /// Spendable confirmed coins, in satoshis.
    pub confirmed_sat: u64,
    /// The same in coins (`0.5`).
    pub confirmed: String,
    /// Coinbase outputs not yet mature, in satoshis.
    pub immature_sat: u64,
    /// Confirmed coins being spent by a payment in the mempool, in satoshis.
    pub spent_in_mempool_sat: u64,
    /// Spendable satoshis per address type code (`p2wpkh`, …).
    pub by_type_sat: HashMap<String, u64>,
    /// How many spendable coins.
    pub utxos: u64,
    /// The chain height of the scan.
    pub height: u64,
}

/// A payment from a wallet's coins.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BtcSendRequest {
    /// The recipient's address (on the node's network).
    pub to: String,
    /// The amount: coins (`0.5`), satoshis (`5000sat`), or `max`
    /// (everything spendable less the fee, no change).
    pub amount: String,
    /// The fee rate in sat/vB (null: the node's estimate).
    #[uniffi(default = None)]
    pub fee_rate: Option<f64>,
    /// Accept a fee rate above the 500 sat/vB safety cap.
    #[uniffi(default = false)]
    pub allow_high_fee: bool,
    /// The change address type (null: P2WPKH).
    #[uniffi(default = None)]
    pub change_type: Option<AddressType>,
    /// Addresses scanned per keychain and type (null: 50).
    #[uniffi(default = None)]
    pub gap: Option<u32>,
    /// Verify the coins spent against the node's headers (proof of work
    /// from a checkpoint, merkle proofs) before signing; a mismatch throws
    /// `Unverified`.
    #[uniffi(default = false)]
    pub verify: bool,
    /// With `verify`: `HEIGHT:HASH` of the block to start from (null: the
    /// built-in checkpoint; regtest's genesis block).
    #[uniffi(default = None)]
    pub checkpoint: Option<String>,
}

/// One coin a payment spends.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentInput {
    /// Its transaction id.
    pub txid: String,
    /// Its output index.
    pub vout: u32,
    /// Its value in satoshis.
    pub value_sat: u64,
    /// Its address type code (`p2wpkh`, …).
    pub address_type: String,
    /// Its key's path (HD wallets).
    pub path: Option<String>,
}

/// A payment's change output.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentChange {
    /// The change address.
    pub address: String,
    /// The change in satoshis.
    pub amount_sat: u64,
    /// Its key's path (HD wallets).
    pub path: Option<String>,
}

/// One recipient of a payment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentPayee {
    /// The address paid.
    pub to: String,
    /// The amount in satoshis.
    pub amount_sat: u64,
    /// Whether it was asked as `max` (everything spendable less the fee).
    pub max: bool,
}

/// A sent Bitcoin-family payment.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BtcPayment {
    /// The recipient (one-recipient payments).
    pub to: Option<String>,
    /// The amount in satoshis (the sum of every recipient's).
    pub amount_sat: u64,
    /// Every recipient.
    pub payees: Vec<PaymentPayee>,
    /// The fee in satoshis.
    pub fee_sat: u64,
    /// The fee rate in sat/vB.
    pub fee_rate: f64,
    /// Where the fee rate came from: `given`, `node_estimate` or `fallback`.
    pub fee_rate_source: String,
    /// The coins spent.
    pub inputs: Vec<PaymentInput>,
    /// The change output, if any.
    pub change: Option<PaymentChange>,
    /// The txid.
    pub txid: Option<String>,
    /// The signed transaction, hex.
    pub hex: Option<String>,
    /// Its virtual size in vbytes.
    pub vsize: Option<u64>,
    /// Confirmations seen (after a wait).
    pub confirmations: Option<u64>,
    /// With `verify`: how the coins spent were proven.
    pub verified: Option<BtcVerification>,
}

/// A block of a verified chain.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChainPoint {
    /// Its height.
    pub height: u32,
    /// Its hash, hex.
    pub hash: String,
}

impl From<wallet_core::verify::ChainPoint> for ChainPoint {
    fn from(p: wallet_core::verify::ChainPoint) -> Self {
        Self {
            height: p.height,
            hash: p.hash,
        }
    }
}

/// How a Bitcoin-family payment's coins were verified: the node's headers
/// checked by proof of work from a checkpoint, each coin by a merkle proof.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BtcVerification {
    /// The block the chain was verified from.
    pub checkpoint: ChainPoint,
    /// Whether that checkpoint is built in (else it was given).
    pub checkpoint_built_in: bool,
    /// The proof-of-work hash checked: `sha256d` or `scrypt`.
    pub pow: String,
    /// The verified tip.
    pub tip: ChainPoint,
    /// Headers verified after the checkpoint.
    pub headers: u32,
    /// Other chain tips the node reports that were compared by work.
    pub forks_compared: u32,
    /// Other chain tips that could not be compared.
    pub forks_skipped: u32,
    /// How many coins were proven.
    pub coins_proven: u32,
    /// HTTP requests the verification made (batches count once).
    pub requests: u32,
    /// The same, as lines of text for people.
    pub summary: Vec<String>,
}

impl From<wallet_core::verify::BtcVerifyReport> for BtcVerification {
    fn from(r: wallet_core::verify::BtcVerifyReport) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            summary: r.lines(),
            checkpoint_built_in: matches!(
                r.checkpoint_source,
                wallet_core::verify::CheckpointSource::BuiltIn
            ),
            pow: r.pow.to_owned(),
            headers: r.headers,
            forks_compared: count(r.forks_compared),
            forks_skipped: count(r.forks_skipped),
            coins_proven: count(r.coins.len()),
            requests: r.requests,
            checkpoint: r.checkpoint.into(),
            tip: r.tip.into(),
        }
    }
}

impl From<core_wallet::BtcPayment> for BtcPayment {
    fn from(p: core_wallet::BtcPayment) -> Self {
        Self {
            to: p.to,
            amount_sat: p.amount_sat,
            payees: p
                .payees
                .into_iter()
                .map(|x| PaymentPayee {
                    to: x.to,
                    amount_sat: x.amount_sat,
                    max: x.max,
                })
                .collect(),
            fee_sat: p.fee_sat,
            fee_rate: p.fee_rate,
            fee_rate_source: p.fee_rate_source.to_owned(),
            inputs: p
                .inputs
                .into_iter()
                .map(|i| PaymentInput {
                    txid: i.txid,
                    vout: i.vout,
                    value_sat: i.value_sat,
                    address_type: i.kind.to_owned(),
                    path: i.path,
                })
                .collect(),
            change: p.change.map(|c| PaymentChange {
                address: c.address,
                amount_sat: c.amount_sat,
                path: c.path,
            }),
            txid: p.txid,
            hex: p.hex,
            vsize: p.vsize,
            confirmations: p.confirmations,
            verified: None,
        }
    }
}

#[uniffi::export]
impl UnlockedWallet {
    /// Fills in what `request` leaves out (nonce, fees, gas, chain id) from
    /// `node` in one batch, signs, and sends once; with `wait`, waits for
    /// the receipt (up to the node's timeout). A send whose answer is lost,
    /// or a failure while its receipt is awaited, throws with
    /// `details.maybe_sent_tx`: look that hash up before sending again.
    #[uniffi::method(default(wait = false))]
    pub fn eth_send(
        &self,
        node: Arc<EthereumNode>,
        request: EthTxRequest,
        wait: bool,
    ) -> WalletResult<EthSendResult> {
        let r = request.to_core(wait)?;
        let choice = r.choice()?;
        let prepared = self
            .unlocked
            .prepare_eth_send(&node.node, &r.send_request()?, &choice)?;
        let (mut sent, hash) = self.unlocked.send_eth(&node.node, &prepared, &choice)?;
        if wait {
            let receipt = confirm_eth_send(&node.node, &hash, node.timeout, None, |_| {})?;
            sent = sent.with_receipt(&receipt);
        }
        Ok(sent.into())
    }

    /// Pays from this HD wallet's coins on `node`'s network: scans, selects
    /// coins, adds change, signs, tests acceptance and sends once. Two sends
    /// at once never share a change address (the later one throws `Locked`
    /// and sends nothing).
    pub fn btc_send(
        &self,
        node: Arc<BitcoinNode>,
        request: BtcSendRequest,
    ) -> WalletResult<BtcPayment> {
        let p = node.params;
        let r = request::BtcSendRequest {
            to: Some(request.to),
            amount: Some(request.amount),
            payees: Vec::new(),
            fee_rate: request.fee_rate,
            allow_high_fee: request.allow_high_fee,
            change_type: request
                .change_type
                .map(|t| wallet_core::bitcoin::AddressType::from(t).code().to_owned()),
            gap: request.gap,
            chain: Some(p.chain().code().to_owned()),
            network: Some(p.network().code().to_owned()),
            verify: request.verify,
            checkpoint: request.checkpoint,
        };
        let (params, payment) = r.payment()?;
        let (prepared, accounts, report) = match r.verify_options()? {
            Some(opts) => {
                let (prepared, accounts, report) = self
                    .unlocked
                    .prepare_btc_payment_verified(&node.node, params, payment, &opts)?;
                (prepared, accounts, Some(report))
            }
            None => {
                let (prepared, accounts) = self
                    .unlocked
                    .prepare_btc_payment(&node.node, params, payment)?;
                (prepared, accounts, None)
            }
        };
        let mut paid = BtcPayment::from(
            self.unlocked
                .send_btc_payment(&node.node, params, prepared, &accounts)?,
        );
        paid.verified = report.map(Into::into);
        Ok(paid)
    }
}
