//! An unlocked wallet as an object: secret exports and offline signing
//! (Ethereum transactions, EIP-191, EIP-712, BIP137 messages, PSBTs). Its
//! node operations are in [`super::node`].

use super::error::{BindingError, WalletResult};
use super::secret::{Secret, SecretText};
use super::types::{params, Chain, KeyChoice, KeyForm, Network, Selection};
use super::views::{
    EthKeystoreExport, MessageSignature, PsbtOutcome, SecretExport, SignedEthTx,
    TypedDataSignature, WalletSummary,
};
use std::sync::Arc;
use wallet_core::chain::ChainKind;
use wallet_core::ethereum::TypedData;
use wallet_core::request;
use wallet_core::wallet as core_wallet;

/// An Ethereum transaction to sign or send. Amounts take units (`1.5ether`,
/// `30gwei`, `21000wei`; a bare `value` is ether, a bare fee is wei). EIP-1559
/// with `max_fee` and `priority_fee`; EIP-2930 with `gas_price`; legacy
/// (EIP-155) with `gas_price` and `legacy`. To sign offline, `nonce`, `gas`
/// and `chain_id` are required; a send fills what is missing from the node
/// (and then `chain_id` guards against the wrong node).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct EthTxRequest {
    /// The recipient, 0x-hex (null: a contract creation).
    #[uniffi(default = None)]
    pub to: Option<String>,
    /// The value (`0.1`, `1.5ether`, `20gwei`).
    #[uniffi(default = "0")]
    pub value: String,
    /// The call data, 0x-hex.
    #[uniffi(default = None)]
    pub data: Option<String>,
    /// The nonce.
    #[uniffi(default = None)]
    pub nonce: Option<u64>,
    /// The gas limit.
    #[uniffi(default = None)]
    pub gas: Option<u64>,
    /// The chain id (EIP-155).
    #[uniffi(default = None)]
    pub chain_id: Option<u64>,
    /// EIP-1559 max fee per gas (`30gwei`).
    #[uniffi(default = None)]
    pub max_fee: Option<String>,
    /// EIP-1559 max priority fee per gas (`1gwei`).
    #[uniffi(default = None)]
    pub priority_fee: Option<String>,
    /// The gas price (EIP-2930, or legacy with `legacy`).
    #[uniffi(default = None)]
    pub gas_price: Option<String>,
    /// A legacy (EIP-155) transaction instead of a typed one.
    #[uniffi(default = false)]
    pub legacy: bool,
    /// An EIP-2930 access list, its standard JSON text.
    #[uniffi(default = None)]
    pub access_list: Option<String>,
    /// The signing key.
    #[uniffi(default)]
    pub key: KeyChoice,
}

impl EthTxRequest {
    /// The core's request (the one place its fields become a transaction).
    // Fields the core's request gains later keep their defaults here.
    #[allow(clippy::needless_update)]
    pub(crate) fn to_core(&self, wait: bool) -> WalletResult<request::EthTxRequest> {
        let access_list = self
            .access_list
            .as_deref()
            .map(serde_json::from_str::<serde_json::Value>)
            .transpose()
            .map_err(|e| BindingError::NotJson {
                what: "access_list",
                reason: e.to_string(),
            })?;
        Ok(request::EthTxRequest {
            to: self.to.clone(),
            value: Some(self.value.clone()),
            data: self.data.clone(),
            nonce: self.nonce,
            gas: self.gas,
            chain_id: self.chain_id,
            max_fee: self.max_fee.clone(),
            priority_fee: self.priority_fee.clone(),
            gas_price: self.gas_price.clone(),
            legacy: self.legacy,
            access_list,
            wait,
            account: self.key.account,
            index: self.key.index,
            path: self.key.path.clone(),
            ..request::EthTxRequest::default()
        })
    }
}

/// A wallet whose secret is decrypted in Rust memory (wiped when this
/// object is destroyed). Thread-safe: any number of threads may sign with
/// it at once.
#[derive(uniffi::Object)]
pub struct UnlockedWallet {
    pub(crate) unlocked: core_wallet::UnlockedWallet,
}

impl UnlockedWallet {
    /// The object of a decrypted wallet.
    pub(crate) fn new(unlocked: core_wallet::UnlockedWallet) -> Arc<Self> {
        Arc::new(Self { unlocked })
    }
}

#[uniffi::export]
impl UnlockedWallet {
    /// The wallet's name.
    pub fn name(&self) -> String {
        self.unlocked.wallet().name().to_owned()
    }

    /// The wallet's summary.
    pub fn summary(&self) -> WalletSummary {
        self.unlocked.wallet().summary().into()
    }

    /// The mnemonic and its BIP39 passphrase (mnemonic wallets).
    pub fn export_mnemonic(&self) -> WalletResult<SecretExport> {
        SecretExport::of(self.unlocked.export_mnemonic()?)
    }

    /// The master extended private key (as imported; the test-network
    /// version when `selection` names a test network), or with a `path` in
    /// `selection` the key at that path.
    #[uniffi::method(default(selection))]
    pub fn export_xprv(&self, selection: Selection) -> WalletResult<SecretExport> {
        SecretExport::of(self.unlocked.export_xprv(&selection.to_core()?)?)
    }

    /// One private key written as `form`: the single key, or the key of
    /// the one address `selection` names (default chain Bitcoin).
    #[uniffi::method(default(selection))]
    pub fn export_key(&self, form: KeyForm, selection: Selection) -> WalletResult<SecretExport> {
        let sel = selection.to_core()?;
        SecretExport::of(
            self.unlocked
                .export_key(&sel, ChainKind::Bitcoin, form.into())?,
        )
    }

    /// An Ethereum V3 keystore file (scrypt, standard parameters) of the key
    /// `selection` names (default chain Ethereum), encrypted under
    /// `password` (not empty).
    #[uniffi::method(default(selection))]
    pub fn export_eth_keystore(
        &self,
        password: Secret,
        selection: Selection,
    ) -> WalletResult<EthKeystoreExport> {
        let sel = selection.to_core()?;
        let (json, address) = self
            .unlocked
            .export_eth_keystore(&sel, &password.into_core())?;
        Ok(EthKeystoreExport {
            json: SecretText::new(json),
            address: address.to_checksum(),
        })
    }

    /// Signs an Ethereum transaction offline (`nonce`, `gas`, `chain_id`
    /// and the fees given) with the key `request.key` names.
    pub fn sign_eth_tx(&self, request: EthTxRequest) -> WalletResult<SignedEthTx> {
        let r = request.to_core(false)?;
        let (signed, warnings) = self.unlocked.sign_eth_offline(r.offline()?, &r.choice()?)?;
        let mut signed = SignedEthTx::from(signed);
        signed.warnings = warnings.iter().map(ToString::to_string).collect();
        Ok(signed)
    }

    /// EIP-191 `personal_sign` of `message` with the key `key` names.
    #[uniffi::method(default(key))]
    pub fn sign_eth_message(
        &self,
        message: Vec<u8>,
        key: KeyChoice,
    ) -> WalletResult<MessageSignature> {
        Ok(self
            .unlocked
            .sign_eth_message(&message, &key.to_core()?)?
            .into())
    }

    /// Signs EIP-712 typed data, given as its standard JSON text
    /// (`types`, `primaryType`, `domain`, `message`).
    #[uniffi::method(default(key))]
    pub fn sign_typed_data(
        &self,
        typed_data_json: String,
        key: KeyChoice,
    ) -> WalletResult<TypedDataSignature> {
        let td = TypedData::from_json(&typed_data_json)?;
        Ok(self.unlocked.sign_typed_data(&td, &key.to_core()?)?.into())
    }

    /// Signs `message` with the key of the one address `selection` names
    /// (default chain Bitcoin): on the Bitcoin family BIP137, or with
    /// `bip322` BIP322 in the format it prescribes for the address type
    /// (taproot included); EIP-191 on Ethereum.
    #[uniffi::method(default(bip322 = false, selection))]
    pub fn sign_message(
        &self,
        message: Vec<u8>,
        selection: Selection,
        bip322: bool,
    ) -> WalletResult<MessageSignature> {
        let scheme = if bip322 {
            core_wallet::MessageScheme::Bip322(None)
        } else {
            core_wallet::MessageScheme::Bip137
        };
        Ok(self
            .unlocked
            .sign_message_as(&message, &selection.to_core()?, scheme)?
            .into())
    }

    /// Signs the wallet's inputs of a PSBT (base64 or hex) on `chain` and
    /// `network`; with `finalize`, finalizes and extracts the transaction.
    /// Inputs without derivation paths are matched against `gap` addresses
    /// of every type's account 0. Only SIGHASH_ALL/DEFAULT inputs are
    /// signed, and a fee above 500 sat/vB is refused unless
    /// `allow_high_fee`. Nothing signed throws `InvalidInput` saying why.
    #[uniffi::method(default(finalize = false, gap = 100, allow_high_fee = false))]
    pub fn sign_psbt(
        &self,
        psbt: String,
        chain: Chain,
        network: Network,
        finalize: bool,
        gap: u32,
        allow_high_fee: bool,
    ) -> WalletResult<PsbtOutcome> {
        let policy = wallet_core::wallet::PsbtPolicy {
            finalize,
            allow_high_fee,
            ..Default::default()
        };
        let (outcome, _) = self.unlocked.sign_psbt(
            psbt.trim().as_bytes(),
            params(chain, network)?,
            gap,
            &policy,
        )?;
        Ok(outcome.into())
    }
}
