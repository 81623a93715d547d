//! Payments through a node with a wallet: the accounts a Bitcoin-family
//! scan covers (with their change records), balances, payments and
//! Ethereum sends. Every address a spend uses comes from the decrypted
//! secret of an [`UnlockedWallet`].

use super::{KeyChoice, UnlockedWallet, Wallet};
use crate::bitcoin::amount::{format_coins, sat_per_vb};
use crate::bitcoin::coin_selection::Coin;
use crate::bitcoin::payment;
use crate::bitcoin::{AddressType, NetworkParams};
use crate::error::{Error, Result};
use crate::ethereum::{self, TxHash, Wei};
use crate::hd::{self, ExtendedPublicKey};
use crate::report::SignedEthTx;
use crate::rpc::bitcoin::BtcNode;
use crate::rpc::ethereum::{EthNode, Receipt};
use crate::secret::SecretString;
use crate::spend::bitcoin::{
    self as btc_spend, BumpRequest, PaymentRequest, PreparedBump, PreparedPayment, ScanAccount,
    SingleKeySource, SpendSource, WalletCoins,
};
use crate::spend::ethereum::{self as eth_spend, PreparedSend, SendRequest};
use crate::spend::verified;
use crate::verify::{BtcVerifyReport, EthVerifier, VerifyOptions};
use serde::Serialize;
use std::collections::BTreeMap;

/// A Bitcoin-family balance (`btc balance`), of a wallet or of one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BtcBalance {
    /// The address, for the balance of one address (not a wallet's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Spendable confirmed coins, in satoshis.
    pub confirmed_sat: u64,
    /// The same in coins (`0.5`).
    pub confirmed: String,
    /// Coinbase outputs not yet mature, in satoshis.
    pub immature_sat: u64,
    /// Confirmed coins being spent by a payment in the mempool, in satoshis.
    pub spent_in_mempool_sat: u64,
    /// Spendable satoshis per address type (a wallet's; empty for one address).
    pub by_type_sat: BTreeMap<&'static str, u64>,
    /// How many spendable coins.
    pub utxos: usize,
    /// The chain height of the scan.
    pub height: u64,
}

/// One coin a payment spends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentInput {
    /// Its transaction id.
    pub txid: String,
    /// Its output index.
    pub vout: u32,
    /// Its value in satoshis.
    pub value_sat: u64,
    /// Its address type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its key's path (none for a single key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// A payment's change output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentChange {
    /// The change address.
    pub address: String,
    /// The change in satoshis.
    pub amount_sat: u64,
    /// Its key's path (none for a single key: the change goes back to its
    /// own address).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// One recipient of a payment and what it gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentPayee {
    /// The address paid.
    pub to: String,
    /// The amount in satoshis.
    pub amount_sat: u64,
    /// Whether it was asked as "max" (everything spendable less the fee).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub max: bool,
}

/// A Bitcoin-family payment, before or after it is sent (`btc send`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BtcPayment {
    /// The recipient, when there is one (see `payees` for several).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The amount paid to the recipients, in satoshis.
    pub amount_sat: u64,
    /// Every recipient, in output order apart from the change.
    pub payees: Vec<PaymentPayee>,
    /// The fee in satoshis.
    pub fee_sat: u64,
    /// The fee rate in sat/vB.
    pub fee_rate: f64,
    /// `given`, `node_estimate` or `fallback`.
    pub fee_rate_source: &'static str,
    /// The coins spent.
    pub inputs: Vec<PaymentInput>,
    /// The change output, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<PaymentChange>,
    /// The txid, once sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txid: Option<String>,
    /// The signed transaction, hex, once sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
    /// Its virtual size, once sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vsize: Option<u64>,
    /// Its confirmations, once waited for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmations: Option<u64>,
}

impl BtcPayment {
    /// The view of a prepared (not yet sent) payment.
    #[must_use]
    pub fn of(p: &PreparedPayment) -> Self {
        let sel = &p.selection;
        let hd = p.fingerprint.is_some();
        let payees: Vec<PaymentPayee> = p
            .payees
            .iter()
            .zip(&p.request.payees)
            .map(|(o, asked)| PaymentPayee {
                to: o.address.to_string(),
                amount_sat: o.amount.to_sat(),
                max: asked.amount == btc_spend::PayAmount::Max,
            })
            .collect();
        Self {
            to: match payees.as_slice() {
                [one] => Some(one.to.clone()),
                _ => None,
            },
            amount_sat: payees.iter().map(|o| o.amount_sat).sum(),
            payees,
            fee_sat: sel.fee.to_sat(),
            fee_rate: sat_per_vb(p.fee_rate),
            fee_rate_source: p.fee_rate_source.code(),
            inputs: sel.coins.iter().map(|c| input_view(c, hd)).collect(),
            change: sel.change.map(|c| PaymentChange {
                address: p.change.address.to_string(),
                amount_sat: c.to_sat(),
                path: hd.then(|| p.change.path.to_string()),
            }),
            txid: None,
            hex: None,
            vsize: None,
            confirmations: None,
        }
    }

    /// Waits until the sent payment has `want` confirmations (at most
    /// `timeout`; `progress` hears of each poll) and records them. `since`
    /// is a height it is in no block below ([`PreparedPayment::height`]).
    /// See [`btc_spend::wait_for_confirmations`] for the errors.
    pub fn wait(
        &mut self,
        node: &BtcNode,
        since: u64,
        want: u64,
        timeout: std::time::Duration,
        progress: impl FnMut(btc_spend::WaitProgress),
    ) -> Result<()> {
        let raw = self
            .hex
            .as_deref()
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| Error::Internal("waiting for a payment not sent".into()))?;
        let tx = payment::decode_tx(&raw)?;
        let w = btc_spend::WaitFor {
            txid: tx.compute_txid(),
            outputs: u32::try_from(tx.output.len()).unwrap_or(u32::MAX),
            since,
            confirmations: want,
            timeout,
        };
        self.confirmations = Some(btc_spend::wait_for_confirmations(node, &w, progress)?);
        Ok(())
    }
}

/// A fee bump (`btc bump-fee`): the replacement and what it replaces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BtcBump {
    /// The replacement, as a payment.
    #[serde(flatten)]
    pub payment: BtcPayment,
    /// The txid it replaces.
    pub replaces: String,
    /// The replaced transaction's fee, in satoshis.
    pub replaced_fee_sat: u64,
    /// Its fee rate in sat/vB.
    pub replaced_fee_rate: f64,
    /// How many transactions the replacement evicts (the original and its
    /// descendants in the mempool).
    pub replaced_count: u64,
    /// The smallest fee BIP125 allows the replacement, in satoshis.
    pub min_fee_sat: u64,
    /// Coins added to the original's inputs.
    pub added_inputs: usize,
    /// Once sent: whether the replaced transaction is still in the node's
    /// mempool (`false`: it left, as it should).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_in_mempool: Option<bool>,
}

impl BtcBump {
    /// The view of a prepared (not yet sent) bump.
    #[must_use]
    pub fn of(b: &PreparedBump) -> Self {
        Self {
            payment: BtcPayment::of(&b.payment),
            replaces: b.replaces.txid.to_string(),
            replaced_fee_sat: b.replaces.fee.to_sat(),
            replaced_fee_rate: sat_per_vb(b.replaces.fee_rate()),
            replaced_count: b.replaces.replaced_count,
            min_fee_sat: b.min_fee.to_sat(),
            added_inputs: b.added_inputs,
            replaced_in_mempool: None,
        }
    }
}

fn input_view(c: &Coin, hd: bool) -> PaymentInput {
    PaymentInput {
        txid: c.outpoint.txid.to_string(),
        vout: c.outpoint.vout,
        value_sat: c.value.to_sat(),
        kind: c.kind.code(),
        path: hd.then(|| c.path.to_string()),
    }
}

/// An Ethereum send (`eth send`): the signed transaction and, when waited
/// for, its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EthSendResult {
    /// The signed transaction.
    #[serde(flatten)]
    pub tx: SignedEthTx,
    /// 1 success, 0 reverted (after waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u64>,
    /// Whether it was mined but reverted (after waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverted: Option<bool>,
    /// The block it was mined in (after waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_number: Option<u64>,
    /// Gas used (after waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gas_used: Option<u64>,
    /// The price paid per gas in wei (after waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_gas_price: Option<String>,
    /// The contract a creation made (after waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_address: Option<String>,
    /// `true` when the node already had this transaction (pending or
    /// mined): nothing new was sent, and it is not an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already_known: Option<bool>,
    /// What the user was warned about before it was sent (the zero address,
    /// a fee below the base fee or suspiciously low).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl EthSendResult {
    /// The result of sending `tx`, not waited for.
    #[must_use]
    pub fn sent(tx: SignedEthTx) -> Self {
        Self {
            tx,
            status: None,
            reverted: None,
            block_number: None,
            gas_used: None,
            effective_gas_price: None,
            contract_address: None,
            already_known: None,
            warnings: Vec::new(),
        }
    }

    /// This result with the receipt's facts.
    #[must_use]
    pub fn with_receipt(mut self, r: &Receipt) -> Self {
        self.status = Some(r.status);
        self.reverted = Some(r.status != 1);
        self.block_number = Some(r.block_number);
        self.gas_used = Some(r.gas_used);
        self.effective_gas_price = r.effective_gas_price.map(|p| p.0.to_string());
        self.contract_address = r.contract_address.map(|c| c.to_checksum());
        self
    }
}

/// A broadcast Bitcoin-family transaction (`btc broadcast`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BtcBroadcast {
    /// Its txid.
    pub txid: String,
    /// Whether it is in the node's mempool.
    pub in_mempool: bool,
    /// Whether the node already had it in a block (nothing new was sent).
    pub confirmed: bool,
    /// Its virtual size.
    pub vsize: u64,
}

impl BtcBroadcast {
    /// Checks `raw` decodes, checks the node's network, tests acceptance,
    /// sends once and confirms it reached the mempool (or a block).
    pub fn send(node: &BtcNode, params: NetworkParams, raw: &[u8]) -> Result<Self> {
        payment::decode_tx(raw)?;
        node.check_network(params)?;
        let sent = btc_spend::broadcast(node, raw)?;
        Ok(Self {
            txid: sent.txid.to_string(),
            in_mempool: !sent.confirmed,
            confirmed: sent.confirmed,
            vsize: sent.vsize,
        })
    }
}

/// An Ethereum balance (`eth balance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EthBalance {
    /// The address.
    pub address: String,
    /// The balance in wei (decimal).
    pub wei: String,
    /// The same in ether.
    pub ether: String,
}

impl EthBalance {
    /// The view of `wei` held by `address`.
    #[must_use]
    pub fn of(address: &ethereum::Address, wei: Wei) -> Self {
        Self {
            address: address.to_checksum(),
            wei: wei.0.to_string(),
            ether: wei.to_ether_string(),
        }
    }
}

impl Wallet {
    /// What a scan on `params` covers, from the file's public part (no
    /// password): a single key, or the accounts (account 0 of every
    /// address type) from the stored xpubs, else derived after asking
    /// `password`; each account with the first change index its usage
    /// record has not handed out. A spend takes its source from the
    /// decrypted secret instead ([`UnlockedWallet::btc_source`]).
    pub fn btc_source<E: From<Error>>(
        &self,
        params: NetworkParams,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<SpendSource, E> {
        let public = self.file.public();
        if let Some(single) = &public.single {
            return Ok(SpendSource::Single(SingleKeySource {
                public_key: single.public_key,
                compressed: single.compressed,
            }));
        }
        let Some(fingerprint) = public.fingerprint else {
            return Err(Error::Internal("an HD wallet without a fingerprint".into()).into());
        };
        let stored = AddressType::ALL
            .iter()
            .map(|kind| {
                let path = hd::account_path(kind.purpose(), params.coin_type(), 0)?;
                Ok(public.account_xpub(&path).map(|x| (*kind, x.clone())))
            })
            .collect::<Result<Option<Vec<_>>>>()?;
        match stored {
            Some(xpubs) => Ok(SpendSource::Accounts {
                accounts: self.scan_accounts(params, xpubs)?,
                fingerprint,
            }),
            None => Ok(self.unlock_with(password)?.btc_source(params)?),
        }
    }

    fn scan_accounts(
        &self,
        params: NetworkParams,
        xpubs: Vec<(AddressType, ExtendedPublicKey)>,
    ) -> Result<Vec<ScanAccount>> {
        xpubs
            .into_iter()
            .map(|(kind, xpub)| {
                let path = hd::account_path(kind.purpose(), params.coin_type(), 0)?;
                let key = btc_spend::change_record_key(params, &path);
                Ok(ScanAccount {
                    kind,
                    next_change: self.keystore.next_change_index(&self.name, &key)?,
                    path,
                    xpub,
                })
            })
            .collect()
    }

    /// The wallet's balance on `params` (scans `gap` addresses per chain
    /// and type, extended while coins appear near the end).
    pub fn btc_balance<E: From<Error>>(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        gap: u32,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<BtcBalance, E> {
        let source = self.btc_source(params, password)?;
        node.check_network(params)?;
        let found = btc_spend::find_coins(node, &source, params, gap.clamp(1, 10_000))?;
        Ok(BtcBalance::of(&found))
    }
}

impl Wallet {
    /// Builds an unsigned payment for a signer elsewhere (`btc create-psbt`):
    /// the source comes from the file's public part (else after
    /// `password`), nothing is signed or sent, and the change index it
    /// hands out is recorded. The signer checks inputs and change against
    /// its own keys (a single key's PSBT has no BIP32 origins: signers find
    /// its inputs by their scripts).
    pub fn create_btc_psbt<E: From<Error>>(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        request: PaymentRequest,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<PreparedPayment, E> {
        let source = self.btc_source(params, password)?;
        let prepared = btc_spend::prepare_payment(node, &source, params, request)?;
        record_change(&self.keystore, &self.name, params, &source, &prepared)?;
        Ok(prepared)
    }
}

impl BtcBalance {
    /// The balance of the coins a scan found.
    #[must_use]
    pub fn of(found: &WalletCoins) -> Self {
        let sum = |c: &[Coin]| c.iter().map(|c| c.value.to_sat()).sum::<u64>();
        let confirmed = sum(&found.coins);
        let by_type_sat = AddressType::ALL
            .iter()
            .map(|k| {
                let v = found
                    .coins
                    .iter()
                    .filter(|c| c.kind == *k)
                    .map(|c| c.value.to_sat())
                    .sum();
                (k.code(), v)
            })
            .collect();
        BtcBalance {
            address: None,
            confirmed_sat: confirmed,
            confirmed: format_coins(bitcoin::Amount::from_sat(confirmed)),
            immature_sat: sum(&found.immature),
            spent_in_mempool_sat: sum(&found.spent_in_mempool),
            by_type_sat,
            utxos: found.coins.len(),
            height: found.height,
        }
    }
}

impl BtcBalance {
    /// The balance of `address` (any address; no wallet): one scan of the
    /// node's UTXO set, after checking the node serves the address's network.
    pub fn of_address(node: &BtcNode, address: &crate::bitcoin::Address) -> Result<Self> {
        let c = btc_spend::address_coins(node, address)?;
        Ok(BtcBalance {
            address: Some(address.to_string()),
            confirmed_sat: c.spendable.to_sat(),
            confirmed: format_coins(c.spendable),
            immature_sat: c.immature.to_sat(),
            spent_in_mempool_sat: c.spent_in_mempool.to_sat(),
            by_type_sat: BTreeMap::new(),
            utxos: c.utxos,
            height: c.height,
        })
    }
}

impl UnlockedWallet {
    /// What a payment spends from, from the decrypted secret (never from
    /// the file's public metadata): the single key, or the accounts of the
    /// master key with its fingerprint.
    pub fn btc_source(&self, params: NetworkParams) -> Result<SpendSource> {
        if let crate::keystore::WalletSecret::Single(s) = &self.secret {
            return Ok(SpendSource::Single(SingleKeySource {
                public_key: s.key.public_key(),
                compressed: s.compressed,
            }));
        }
        Ok(SpendSource::Accounts {
            accounts: self.btc_accounts(params)?,
            fingerprint: self.master()?.fingerprint(),
        })
    }

    /// The accounts a payment scans, derived from the decrypted master key
    /// (never from the file's public metadata).
    pub fn btc_accounts(&self, params: NetworkParams) -> Result<Vec<ScanAccount>> {
        let master = self.master()?;
        let xpubs = AddressType::ALL
            .iter()
            .map(|kind| {
                let path = hd::account_path(kind.purpose(), params.coin_type(), 0)?;
                Ok((*kind, master.derive_path(&path)?.to_xpub()))
            })
            .collect::<Result<Vec<_>>>()?;
        self.wallet.scan_accounts(params, xpubs)
    }

    /// Scans the coins, picks the fee rate, selects coins and builds the
    /// unsigned payment (nothing is signed or sent); the source it spends
    /// from is returned for [`send_btc_payment`](Self::send_btc_payment).
    pub fn prepare_btc_payment(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        request: PaymentRequest,
    ) -> Result<(PreparedPayment, SpendSource)> {
        let source = self.btc_source(params)?;
        let prepared = btc_spend::prepare_payment(node, &source, params, request)?;
        Ok((prepared, source))
    }

    /// Signs and sends a prepared payment once. The change index it takes
    /// is recorded just before the send (a skipped index costs nothing; a
    /// change address used twice would link the payments); if that record
    /// cannot be written, nothing is sent.
    pub fn send_btc_payment(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        prepared: PreparedPayment,
        source: &SpendSource,
    ) -> Result<BtcPayment> {
        let mut view = BtcPayment::of(&prepared);
        let signer = self.key_ring(params, 0)?;
        let sent = btc_spend::complete_payment(node, prepared, &signer, params, |p| {
            self.record_change(params, source, p)
        })?;
        drop(signer);
        view.txid = Some(sent.txid.to_string());
        view.hex = Some(hex::encode(&sent.raw));
        view.vsize = Some(sent.vsize);
        Ok(view)
    }

    /// Finds the wallet's unconfirmed transaction `req.txid` and builds its
    /// replacement at the higher fee rate (nothing is signed or sent; see
    /// [`btc_spend::prepare_bump`]); the source, from the decrypted secret,
    /// is returned for [`send_btc_bump`](Self::send_btc_bump).
    pub fn prepare_btc_bump(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        req: &BumpRequest,
    ) -> Result<(PreparedBump, SpendSource)> {
        let source = self.btc_source(params)?;
        let bump = btc_spend::prepare_bump(node, &source, params, req)?;
        Ok((bump, source))
    }

    /// Signs and sends a prepared replacement once (as
    /// [`send_btc_payment`](Self::send_btc_payment)), then looks whether
    /// the replaced transaction left the node's mempool.
    pub fn send_btc_bump(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        bump: PreparedBump,
        source: &SpendSource,
    ) -> Result<BtcBump> {
        let mut view = BtcBump::of(&bump);
        let old = bump.replaces.txid;
        view.payment = self.send_btc_payment(node, params, bump.payment, source)?;
        view.replaced_in_mempool = node.in_mempool(&old).ok();
        Ok(view)
    }

    fn record_change(
        &self,
        params: NetworkParams,
        source: &SpendSource,
        p: &PreparedPayment,
    ) -> Result<()> {
        record_change(&self.wallet.keystore, &self.wallet.name, params, source, p)
    }

    /// Fills in an Ethereum send from the node (nothing is sent; only the
    /// sender's own EIP-7702 authorizations are signed, with its key).
    pub fn prepare_eth_send(
        &self,
        node: &EthNode,
        request: &SendRequest,
        choice: &KeyChoice,
    ) -> Result<PreparedSend> {
        let key = self.eth_key(choice)?;
        let from = ethereum::Address::from_public_key(&key.public_key());
        eth_spend::prepare(node, &from, request, &|auth| auth.sign(&key))
    }

    /// Signs a prepared send with the key `choice` names and sends it once.
    pub fn send_eth(
        &self,
        node: &EthNode,
        prepared: &PreparedSend,
        choice: &KeyChoice,
    ) -> Result<(EthSendResult, TxHash)> {
        let key = self.eth_key(choice)?;
        let (signed, sent) = eth_spend::sign_and_send(node, prepared, &key)?;
        drop(key);
        let mut v = EthSendResult::sent(SignedEthTx::of(&signed, &prepared.from));
        v.tx.hash = sent.hash.to_string();
        v.already_known = sent.already_known.then_some(true);
        v.warnings = prepared.warnings.iter().map(ToString::to_string).collect();
        Ok((v, sent.hash))
    }
}

/// Records that `p` took its change index of wallet `name` (the next
/// payment starts after it): before a send, or when an unsigned PSBT is
/// handed out. A change address used twice would link the payments. A
/// single key's change goes back to its own address: nothing to record.
pub(super) fn record_change(
    keystore: &crate::keystore::Keystore,
    name: &str,
    params: NetworkParams,
    source: &SpendSource,
    p: &PreparedPayment,
) -> Result<()> {
    let (Some(index), Some(_)) = (p.change_index, p.selection.change) else {
        return Ok(());
    };
    let acct = source
        .accounts()
        .iter()
        .find(|x| x.kind == p.change_kind)
        .ok_or_else(|| Error::Internal("no change account".into()))?;
    let key = btc_spend::change_record_key(params, &acct.path);
    keystore
        .record_change_index(name, &key, index.saturating_add(1))
        .map_err(|e| match e {
            e @ Error::ChangeTaken { .. } => e,
            other => Error::ChangeNotRecorded(Box::new(other)),
        })
}

impl Wallet {
    /// As [`Wallet::btc_balance`], with every coin it counts proven in the
    /// node's header chain verified from `opts`' checkpoint; a coin that is
    /// not fails the balance ([`crate::ErrorKind::Unverified`]).
    pub fn btc_balance_verified<E: From<Error>>(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        gap: u32,
        opts: &VerifyOptions,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<(BtcBalance, BtcVerifyReport), E> {
        let source = self.btc_source(params, password)?;
        node.check_network(params)?;
        let (found, report) =
            verified::find_coins_verified(node, &source, params, gap.clamp(1, 10_000), opts)?;
        Ok((BtcBalance::of(&found), report))
    }

    /// As [`Wallet::create_btc_psbt`], with every coin the PSBT spends
    /// proven first (the change index is recorded only then).
    pub fn create_btc_psbt_verified<E: From<Error>>(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        request: PaymentRequest,
        opts: &VerifyOptions,
        password: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<(PreparedPayment, BtcVerifyReport), E> {
        let source = self.btc_source(params, password)?;
        let (prepared, report) =
            verified::prepare_payment_verified(node, &source, params, request, opts)?;
        record_change(&self.keystore, &self.name, params, &source, &prepared)?;
        Ok((prepared, report))
    }
}

impl UnlockedWallet {
    /// As [`UnlockedWallet::prepare_btc_payment`], with every coin the
    /// payment spends proven in the node's verified header chain: a coin
    /// that is not refuses the payment before anything is signed.
    pub fn prepare_btc_payment_verified(
        &self,
        node: &BtcNode,
        params: NetworkParams,
        request: PaymentRequest,
        opts: &VerifyOptions,
    ) -> Result<(PreparedPayment, SpendSource, BtcVerifyReport)> {
        let source = self.btc_source(params)?;
        let (prepared, report) =
            verified::prepare_payment_verified(node, &source, params, request, opts)?;
        Ok((prepared, source, report))
    }

    /// As [`UnlockedWallet::prepare_eth_send`] through `verifier`'s first
    /// node, with the sender's nonce and balance proven at its trusted
    /// block before anything is signed.
    pub fn prepare_eth_send_verified(
        &self,
        verifier: &mut EthVerifier<'_>,
        request: &SendRequest,
        choice: &KeyChoice,
    ) -> Result<PreparedSend> {
        let key = self.eth_key(choice)?;
        let from = ethereum::Address::from_public_key(&key.public_key());
        verified::prepare_eth_verified(verifier, &from, request, &|auth| auth.sign(&key))
    }
}
