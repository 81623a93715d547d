//! Offline signing with an unlocked wallet: Ethereum transactions, EIP-191
//! messages, EIP-712 typed data, BIP137 messages and PSBTs.

use super::{KeyChoice, UnlockedWallet};
use crate::account::{AddressFormat, Selection, SelectionError};
use crate::bitcoin::{message as btc_message, Address};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::ethereum::{self, message, Transaction, TypedData};
use crate::keystore::{default_single_type, WalletSecret};
use crate::report::SignedEthTx;
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
}
