//! Offline signing with an unlocked wallet: Ethereum transactions, EIP-191
//! messages, EIP-712 typed data, BIP137 messages and PSBTs.

use super::{KeyChoice, UnlockedWallet};
use crate::account::{AddressFormat, Selection, SelectionError};
use crate::bitcoin::psbt::{self, InputStatus, KeyRing, SignReport};
use crate::bitcoin::{message as btc_message, payment, Address, NetworkParams};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::ethereum::transaction::resolve_authorizations;
use crate::ethereum::{
    self, message, Authorization, AuthorizationItem, ChainId, Nonce, SignedAuthorization,
    Transaction, TypedData,
};
use crate::keystore::{default_single_type, WalletSecret};
use crate::report::{InputOutcome, PsbtOutcome, SignedEthTx};
use crate::schnorr::AuxRand;
use crate::spend::ethereum::{check_offline, OfflineTx, SendWarning};
use serde::Serialize;

/// A signed message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageSignature {
    /// The signature: 0x-hex (65 bytes, EIP-191) or base64 (BIP137).
    pub signature: String,
    /// The signer's address.
    pub address: String,
    /// The EIP-191 hash that was signed (Ethereum).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_hash: Option<String>,
    /// The key's path (HD wallets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// A signed EIP-712 document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypedDataSignature {
    /// The 65-byte signature, 0x-hex.
    pub signature: String,
    /// The signer's address.
    pub address: String,
    /// The EIP-712 digest that was signed.
    pub digest: String,
    /// The domain separator.
    pub domain_separator: String,
    /// The primary type.
    pub primary_type: String,
}

impl UnlockedWallet {
    /// Signs `tx` with the key `choice` names.
    pub fn sign_eth_tx(&self, tx: Transaction, choice: &KeyChoice) -> Result<SignedEthTx> {
        tx.signing_payload()?;
        let key = self.eth_key(choice)?;
        let from = ethereum::Address::from_public_key(&key.public_key());
        let signed = tx.sign(&key)?;
        Ok(SignedEthTx::of(&signed, &from))
    }

    /// Signs an EIP-7702 authorization with the key `choice` names: its
    /// account may then run the code at `auth.address`. A transaction this
    /// account sends itself takes its nonce first, so an authorization it
    /// carries must be for that nonce + 1 ([`Self::eth_authorizations`]
    /// signs those).
    pub fn sign_eth_authorization(
        &self,
        auth: Authorization,
        choice: &KeyChoice,
    ) -> Result<SignedAuthorization> {
        auth.sign(&self.eth_key(choice)?)
    }

    /// The authorization list of a set-code transaction this wallet's key
    /// `choice` sends on `chain` at `nonce`: its own delegations signed (at
    /// `nonce + 1`), the others checked (right chain, valid signature, and
    /// the next nonce for any of the sender's own).
    pub fn eth_authorizations(
        &self,
        items: &[AuthorizationItem],
        chain: ChainId,
        nonce: Nonce,
        choice: &KeyChoice,
    ) -> Result<Vec<SignedAuthorization>> {
        let key = self.eth_key(choice)?;
        let from = ethereum::Address::from_public_key(&key.public_key());
        resolve_authorizations(items, from, chain, nonce, &|a| a.sign(&key))
    }

    /// Signs a transaction given in full (see [`OfflineTx`]): the sender's
    /// own authorizations are signed first, then the transaction, after
    /// the offline fee cap. The warnings are the caller's to show.
    pub fn sign_eth_offline(
        &self,
        req: OfflineTx,
        choice: &KeyChoice,
    ) -> Result<(SignedEthTx, Vec<SendWarning>)> {
        let mut fields = req.fields;
        if let Some(items) = &req.authorizations {
            fields.authorizations =
                Some(self.eth_authorizations(items, fields.chain_id, fields.nonce, choice)?);
        }
        let tx = fields.build()?;
        let warnings = check_offline(&tx, req.allow_high_fee)?;
        Ok((self.sign_eth_tx(tx, choice)?, warnings))
    }

    /// EIP-191 `personal_sign` of `msg` with the key `choice` names.
    pub fn sign_eth_message(&self, msg: &[u8], choice: &KeyChoice) -> Result<MessageSignature> {
        let key = self.eth_key(choice)?;
        let sig = message::sign_message(&key, msg)?;
        Ok(MessageSignature {
            signature: sig.to_string(),
            address: ethereum::Address::from_public_key(&key.public_key()).to_checksum(),
            message_hash: Some(format!("0x{}", hex::encode(message::personal_hash(msg)))),
            path: self.hd_path(choice)?,
        })
    }

    fn hd_path(&self, choice: &KeyChoice) -> Result<Option<String>> {
        Ok(match &self.secret {
            WalletSecret::Hd(_) => Some(choice.eth_path()?.to_string()),
            WalletSecret::Single(_) => None,
        })
    }

    /// Signs EIP-712 typed data with the key `choice` names.
    pub fn sign_typed_data(
        &self,
        td: &TypedData,
        choice: &KeyChoice,
    ) -> Result<TypedDataSignature> {
        let key = self.eth_key(choice)?;
        let sig = td.sign(&key)?;
        Ok(TypedDataSignature {
            signature: sig.to_string(),
            address: ethereum::Address::from_public_key(&key.public_key()).to_checksum(),
            digest: format!("0x{}", hex::encode(td.signing_hash()?)),
            domain_separator: format!("0x{}", hex::encode(td.domain_separator())),
            primary_type: td.primary_type().to_owned(),
        })
    }

    /// Signs `msg` with the key of the address `sel` names: EIP-191 on
    /// Ethereum, BIP137 on the Bitcoin family (a single key imported
    /// uncompressed signs for its P2PKH address).
    pub fn sign_message(&self, msg: &[u8], sel: &Selection) -> Result<MessageSignature> {
        if sel.count != 1 {
            return Err(Error::input(
                "a message is signed by one key: the count must be 1",
            ));
        }
        let single = matches!(self.secret, WalletSecret::Single(_));
        if single && sel.names_a_position() {
            return Err(SelectionError::SingleKeyPosition.into());
        }
        let r = sel.resolve(ChainKind::Bitcoin)?;
        let key = self.secret.key_at(&r.first)?;
        let path = (!single).then(|| r.first.to_string());
        let AddressFormat::Bitcoin { params, kind } = r.format else {
            let sig = message::sign_message(&key, msg)?;
            return Ok(MessageSignature {
                signature: sig.to_string(),
                address: ethereum::Address::from_public_key(&key.public_key()).to_checksum(),
                message_hash: Some(format!("0x{}", hex::encode(message::personal_hash(msg)))),
                path,
            });
        };
        let compressed = self.secret.compressed();
        let kind = if single && !r.type_given {
            default_single_type(compressed)
        } else {
            kind
        };
        let address = Address::from_key(&key.public_key(), compressed, kind, params)?;
        let sig = btc_message::sign(&key, msg, kind, compressed, params.chain())?;
        Ok(MessageSignature {
            signature: sig,
            address: address.to_string(),
            message_hash: None,
            path,
        })
    }

    /// The keys that sign PSBT inputs on `params`: the single key, or the
    /// master key with `gap` addresses of every type's account 0 (for
    /// inputs that carry no derivation paths).
    pub fn key_ring(&self, params: NetworkParams, gap: u32) -> Result<KeyRing> {
        Ok(match &self.secret {
            WalletSecret::Single(s) => KeyRing::from_keys(vec![s.key.clone()]),
            WalletSecret::Hd(h) => {
                KeyRing::from_master(h.master().clone(), params, gap.min(10_000))?
            }
        })
    }

    /// Signs the wallet's inputs of the PSBT `bytes` (base64, hex or
    /// binary) on `params`, and with `finalize` finalizes and extracts the
    /// transaction. Nothing signed is an error that says why.
    pub fn sign_psbt(
        &self,
        bytes: &[u8],
        params: NetworkParams,
        gap: u32,
        finalize: bool,
    ) -> Result<(PsbtOutcome, SignReport)> {
        let mut p = psbt::parse(bytes)?;
        let ring = self.key_ring(params, gap)?;
        let report = psbt::sign(&mut p, &ring, AuxRand::Random)?;
        drop(ring);
        if report.signed == 0 {
            return Err(nothing_signed(&report));
        }
        let mut outcome = PsbtOutcome::of(&report);
        if finalize {
            psbt::finalize(&mut p)?;
            let raw = psbt::extract(&p)?;
            outcome.txid = Some(payment::txid_of(&raw)?);
            outcome.vsize = Some(payment::vsize_of(&raw)?);
            outcome.hex = Some(hex::encode(&raw));
            outcome.complete = Some(true);
        } else {
            outcome.psbt = Some(psbt::to_base64(&p));
        }
        Ok((outcome, report))
    }
}

fn nothing_signed(report: &SignReport) -> Error {
    let refused: Vec<String> = report
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            InputStatus::Refused(r) => Some(format!("input {i}: {r}")),
            _ => None,
        })
        .collect();
    Error::input(if refused.is_empty() {
        "no input of this PSBT belongs to the wallet (wrong wallet, chain or network?)".to_owned()
    } else {
        format!("nothing was signed: {}", refused.join("; "))
    })
}

impl PsbtOutcome {
    /// The per-input statuses and fee of `report` (no PSBT or transaction yet).
    #[must_use]
    pub fn of(report: &SignReport) -> Self {
        let inputs = report
            .inputs
            .iter()
            .zip(&report.sighash_types)
            .map(|(s, t)| {
                let (status, kind, reason) = match s {
                    InputStatus::Signed(k) => ("signed", Some(k.clone()), None),
                    InputStatus::AlreadyFinal => ("final", None, None),
                    InputStatus::NotOurs => ("not_ours", None, None),
                    InputStatus::Refused(r) => ("refused", None, Some(r.clone())),
                };
                InputOutcome {
                    status,
                    kind,
                    reason,
                    sighash: t.clone(),
                }
            })
            .collect();
        Self {
            signed: report.signed,
            inputs,
            fee_sat: report.fee,
            psbt: None,
            hex: None,
            txid: None,
            vsize: None,
            complete: None,
        }
    }
}
