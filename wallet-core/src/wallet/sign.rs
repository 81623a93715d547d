//! Offline signing with an unlocked wallet: Ethereum transactions, EIP-191
//! messages, EIP-712 typed data, BIP137 and BIP322 messages and PSBTs.

use super::{KeyChoice, UnlockedWallet};
use crate::account::{AddressFormat, Selection, SelectionError};
use crate::bitcoin::bip322::{self, Format};
use crate::bitcoin::{message as btc_message, Address, AddressType, NetworkParams};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::ethereum::transaction::resolve_authorizations;
use crate::ethereum::{
    self, message, Authorization, AuthorizationItem, ChainId, Nonce, SignedAuthorization,
    Transaction, TypedData,
};
use crate::keystore::{default_single_type, WalletSecret};
use crate::report::SignedEthTx;
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
    /// The Bitcoin-family format: `bip137`, or BIP322's `legacy`, `simple`
    /// or `full`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
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
            format: None,
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
        self.sign_message_as(msg, sel, MessageScheme::Bip137)
    }

    /// Signs `msg` with the key of the address `sel` names, on the Bitcoin
    /// family in `scheme` (Ethereum ignores it: always EIP-191).
    pub fn sign_message_as(
        &self,
        msg: &[u8],
        sel: &Selection,
        scheme: MessageScheme,
    ) -> Result<MessageSignature> {
        check_message_selection(sel, scheme)?;
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
                format: None,
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
        let (signature, format) = match scheme {
            MessageScheme::Bip137 => {
                let sig = btc_message::sign(&key, msg, kind, compressed, params.chain())?;
                (sig, "bip137")
            }
            MessageScheme::Bip322(format) => {
                let format = format.unwrap_or_else(|| bip322_default(kind));
                (bip322::sign(&key, &address, msg, format)?, format.code())
            }
        };
        Ok(MessageSignature {
            signature,
            address: address.to_string(),
            message_hash: None,
            format: Some(format),
            path,
        })
    }
}

/// How a Bitcoin-family message is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageScheme {
    /// BIP137 (Electrum, Trezor, Core's `signmessage` for P2PKH): a
    /// recoverable ECDSA signature; no taproot.
    #[default]
    Bip137,
    /// BIP322 in this format (`None`: the one BIP322 prescribes for the
    /// address type, see [`bip322_default`]).
    Bip322(Option<Format>),
}

impl core::str::FromStr for MessageScheme {
    type Err = Error;

    /// `bip137`, `bip322` (the prescribed format), `bip322-legacy`,
    /// `bip322-simple` or `bip322-full`.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "bip137" => Self::Bip137,
            "bip322" => Self::Bip322(None),
            "bip322-legacy" => Self::Bip322(Some(Format::Legacy)),
            "bip322-simple" => Self::Bip322(Some(Format::Simple)),
            "bip322-full" => Self::Bip322(Some(Format::Full)),
            _ => {
                return Err(Error::input(
                    "unknown message scheme: use bip137, bip322, bip322-legacy, bip322-simple or bip322-full",
                ))
            }
        })
    }
}

/// The BIP322 format for an address type: legacy (BIP137) for P2PKH, as
/// BIP322 says; simple for native segwit (P2WPKH, P2TR); full for
/// P2SH-P2WPKH, whose scriptSig a simple signature cannot carry.
#[must_use]
pub fn bip322_default(kind: AddressType) -> Format {
    match kind {
        AddressType::P2pkh => Format::Legacy,
        AddressType::P2shP2wpkh => Format::Full,
        AddressType::P2wpkh | AddressType::P2tr => Format::Simple,
    }
}

/// Refuses, before any key is touched, what `scheme` cannot sign for `sel`:
/// more than one key, a taproot address with BIP137 (BIP137 has no taproot
/// header), a proof of funds (it needs coins). A check that needs the wallet
/// (its key's compression) is left to the signer.
pub fn check_message_selection(sel: &Selection, scheme: MessageScheme) -> Result<()> {
    if sel.count != 1 {
        return Err(Error::input(
            "a message is signed by one key: the count must be 1",
        ));
    }
    let r = sel.resolve(ChainKind::Bitcoin)?;
    let AddressFormat::Bitcoin { kind, .. } = r.format else {
        return Ok(());
    };
    match (scheme, kind) {
        (MessageScheme::Bip137, AddressType::P2tr) => Err(Error::Unsupported(
            "BIP137 message signatures have no taproot form: sign with BIP322".into(),
        )),
        (MessageScheme::Bip322(Some(Format::ProofOfFunds)), _) => Err(Error::Unsupported(
            "a BIP322 proof of funds needs the coins it proves; only its verification is supported"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// A message signature that verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageCheck {
    /// Always `true` (a signature that does not verify is an error).
    pub valid: bool,
    /// The signer's address.
    pub address: String,
    /// The format it was in: `bip137`/`legacy`, `simple`, `full`,
    /// `proof-of-funds` (Bitcoin family); absent on Ethereum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// A full signature's nLockTime (0: valid at any time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_time: Option<u32>,
    /// A full signature's nSequence (0: no relative lock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    /// For a proof of funds, the outputs it claims (`txid:vout`); whether
    /// they exist and are unspent needs the chain.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proven: Vec<String>,
}

/// Verifies a Bitcoin-family message signature of `address` in any format
/// (BIP137 with its segwit headers, BIP322 legacy, simple, full, proof of
/// funds), detected from the signature itself.
pub fn verify_bitcoin_message(
    address: &str,
    msg: &[u8],
    signature: &str,
    params: NetworkParams,
) -> Result<MessageCheck> {
    let addr = Address::parse(address, params)?;
    let v = bip322::verify(&addr, msg, signature)?;
    let timed = v.format == Format::Full;
    Ok(MessageCheck {
        valid: true,
        address: addr.to_string(),
        format: Some(v.format.code()),
        lock_time: timed.then(|| v.lock_time.to_consensus_u32()),
        sequence: timed.then(|| v.sequence.to_consensus_u32()),
        proven: v.proven.iter().map(|(o, _)| o.to_string()).collect(),
    })
}

/// Verifies a message signature on any chain: Ethereum EIP-191 (`address`
/// 0x-hex, `signature` 65 bytes hex) or, on the Bitcoin family, every format
/// [`verify_bitcoin_message`] reads. A signature of another message or
/// address is [`Error::BadSignature`].
///
/// ```
/// use wallet_core::bitcoin::Network;
/// use wallet_core::chain::ChainKind;
/// use wallet_core::wallet::verify_message;
///
/// // The BIP322 "Hello World" vector (a simple signature).
/// let address = "bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l";
/// let signature = "smpAkcwRAIgZRfIY3p7/DoVTty6YZbWS71bc5Vct9p9Fia83eRmw2QCICK/ENGfwLtptFluMGs2KsqoNSk89pO7F29zJLUx9a/sASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=";
/// let ok = verify_message(ChainKind::Bitcoin, Network::Mainnet, address, b"Hello World", signature)?;
/// assert_eq!(ok.format, Some("simple"));
/// let bad = verify_message(ChainKind::Bitcoin, Network::Mainnet, address, b"Hello world", signature);
/// assert_eq!(bad.unwrap_err().kind(), wallet_core::ErrorKind::BadSignature);
/// # Ok::<(), wallet_core::Error>(())
/// ```
pub fn verify_message(
    chain: ChainKind,
    network: crate::bitcoin::Network,
    address: &str,
    msg: &[u8],
    signature: &str,
) -> Result<MessageCheck> {
    let Some(family) = chain.bitcoin_family() else {
        let want: ethereum::Address = address.parse()?;
        let sig = ethereum::Signature::from_hex(signature)?;
        if message::recover_message(msg, &sig)? != want {
            return Err(Error::BadSignature(format!(
                "the signature does not match this message and address {}",
                want.to_checksum()
            )));
        }
        return Ok(MessageCheck {
            valid: true,
            address: want.to_checksum(),
            format: None,
            lock_time: None,
            sequence: None,
            proven: Vec::new(),
        });
    };
    verify_bitcoin_message(
        address,
        msg,
        signature,
        NetworkParams::new(family, network)?,
    )
}
