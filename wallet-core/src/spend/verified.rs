//! Payments and balances whose node reads are proven before they are used
//! ([`crate::verify`]'s views): the coins a balance reports or a payment
//! spends, each proven in a verified block; an Ethereum send's nonce and
//! balance proven at a trusted block before anything is signed. A read
//! that its proof contradicts fails with [`crate::ErrorKind::Unverified`]
//! and nothing is signed.

use super::bitcoin::WalletCoins;
use super::bitcoin::{find_coins, prepare_payment, PaymentRequest, PreparedPayment, SpendSource};
use super::ethereum::{prepare, PreparedSend, SendRequest};
use crate::bitcoin::coin_selection::Coin;
use crate::bitcoin::NetworkParams;
use crate::error::{Error, Result};
use crate::ethereum::{Address, Authorization, SignedAuthorization};
use crate::rpc::bitcoin::BtcNode;
use crate::verify::{BtcVerifier, BtcVerifyReport, EthVerifier, VerifyOptions};

/// Proves `coins` against `v` and takes the chain's confirmations for them.
fn prove_into(v: &mut BtcVerifier<'_>, coins: &mut [Coin], spendable: bool) -> Result<()> {
    let proven = v.prove_coins(coins, spendable)?;
    for (c, p) in coins.iter_mut().zip(proven) {
        c.confirmations = u64::from(p.confirmations);
        c.height = u64::from(p.height);
    }
    Ok(())
}

/// As [`find_coins`], then every coin found (spendable, immature, and
/// spent in the mempool) proven in the node's verified chain; any coin
/// that is not refuses the whole answer.
pub fn find_coins_verified(
    node: &BtcNode,
    source: &SpendSource,
    params: NetworkParams,
    gap: u32,
    opts: &VerifyOptions,
) -> Result<(WalletCoins, BtcVerifyReport)> {
    let mut found = find_coins(node, source, params, gap)?;
    // Synced after the scan: every coin it found is below the tip.
    let mut v = BtcVerifier::sync(node, params, opts)?;
    prove_into(&mut v, &mut found.coins, true)?;
    prove_into(&mut v, &mut found.immature, false)?;
    prove_into(&mut v, &mut found.spent_in_mempool, false)?;
    Ok((found, v.report()))
}

/// As [`prepare_payment`], then every coin selected proven in the node's
/// verified chain (and mature, if a coinbase output) before the PSBT is
/// handed back: nothing is signed with a coin that is not.
pub fn prepare_payment_verified(
    node: &BtcNode,
    source: &SpendSource,
    params: NetworkParams,
    req: PaymentRequest,
    opts: &VerifyOptions,
) -> Result<(PreparedPayment, BtcVerifyReport)> {
    let mut prepared = prepare_payment(node, source, params, req)?;
    let mut v = BtcVerifier::sync(node, params, opts)?;
    prove_into(&mut v, &mut prepared.selection.coins, true)?;
    Ok((prepared, v.report()))
}

/// As [`prepare`] through `verifier`'s first node, with the sender's nonce
/// and balance proven at the trusted block first: the nonce signed is the
/// proven one (or the caller's), and the most the transaction can cost must
/// be within the proven balance. Nothing (not even an authorization) is
/// signed before the proof holds.
pub fn prepare_eth_verified(
    verifier: &mut EthVerifier<'_>,
    from: &Address,
    req: &SendRequest,
    sign: &dyn Fn(Authorization) -> Result<SignedAuthorization>,
) -> Result<PreparedSend> {
    let account = verifier.account_for_send(from, req.nonce)?;
    let mut req = req.clone();
    req.nonce = Some(req.nonce.unwrap_or(account.nonce));
    let mut prepared = prepare(verifier.primary(), from, &req, sign)?;
    prepared.balance = account.balance;
    if prepared.max_cost > account.balance {
        return Err(Error::InsufficientFunds(format!(
            "{} has {} ETH at block {} (proven); this transaction needs up to {} ETH (value + gas × max fee); nothing was sent",
            from.to_checksum(),
            account.balance.to_ether_string(),
            account.block_number,
            prepared.max_cost.to_ether_string()
        )));
    }
    Ok(prepared)
}
