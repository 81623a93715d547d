//! Requests as JSON: the documented input shapes of the C ABI (and of any
//! face that takes requests as JSON), each turned into the core's typed
//! values in one place. Unknown fields are refused; secrets in them are
//! wiped when the request is dropped.

use crate::account::{Keychain, Selection, XpubStyle};
use crate::bitcoin::{amount, Address, Network, NetworkParams};
use crate::chain::ChainKind;
use crate::error::{Error, Result};
use crate::ethereum::{
    transaction, AccessListItem, AuthChain, Authorization, AuthorizationItem, BlobFields, ChainId,
    Fees, Gas, Nonce, TxFields, TxKind, Unit, VersionedHash, Wei,
};
use crate::keystore::KdfParams;
use crate::mnemonic::{Language, WordCount};
use crate::rpc::bitcoin::Auth;
use crate::secret::SecretString;
use crate::spend::bitcoin::{PayAmount, Payee, PaymentRequest};
use crate::spend::ethereum::{OfflineTx, SendRequest};
use crate::verify::VerifyOptions;
use crate::wallet::{KeyChoice, MessageScheme, PsbtPolicy};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use zeroize::Zeroizing;

/// Parses a request (`None` or empty: every field at its default).
pub fn parse<T: DeserializeOwned + Default>(text: Option<&str>, what: &str) -> Result<T> {
    match text {
        None => Ok(T::default()),
        Some(t) => {
            serde_json::from_str(t).map_err(|e| Error::input(format!("invalid {what} JSON: {e}")))
        }
    }
}

fn opt<T: core::str::FromStr>(s: &Option<String>) -> Result<Option<T>>
where
    Error: From<T::Err>,
{
    Ok(s.as_deref().map(str::parse).transpose()?)
}

/// An address selection: `{"chain":"btc|ltc|eth","type":"p2wpkh",
/// "network":"mainnet","account":0,"change":false,"index":0,"count":1,
/// "path":"m/…","allow_weak_kdf":false,"slip132":false}`, every field
/// optional.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SelectionRequest {
    /// `btc`, `ltc` or `eth`.
    pub chain: Option<String>,
    /// `p2pkh`, `p2sh-p2wpkh`, `p2wpkh` or `p2tr`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `mainnet`, `testnet`, `signet` or `regtest`.
    pub network: Option<String>,
    /// The account.
    pub account: Option<u32>,
    /// The change (internal) keychain.
    #[serde(default)]
    pub change: bool,
    /// The first index.
    pub index: Option<u32>,
    /// How many addresses (default 1).
    pub count: Option<u32>,
    /// A full path instead of a position.
    pub path: Option<String>,
    /// Accept a wallet file below the KDF floor when the password is needed.
    #[serde(default)]
    pub allow_weak_kdf: bool,
    /// SLIP-132 version bytes for an exported xpub (default BIP32 xpub/tpub).
    #[serde(default)]
    pub slip132: bool,
}

impl SelectionRequest {
    /// The typed selection.
    pub fn selection(&self) -> Result<Selection> {
        Ok(Selection {
            chain: opt::<ChainKind>(&self.chain)?,
            kind: opt(&self.kind)?,
            network: opt::<Network>(&self.network)?,
            account: self.account,
            keychain: if self.change {
                Keychain::Internal
            } else {
                Keychain::External
            },
            index: self.index,
            count: self.count.unwrap_or(1),
            path: opt(&self.path)?,
        })
    }

    /// The version bytes asked for.
    #[must_use]
    pub fn xpub_style(&self) -> XpubStyle {
        if self.slip132 {
            XpubStyle::Slip132
        } else {
            XpubStyle::Bip32
        }
    }
}

/// A message to sign: `{"key":{…selection…},"scheme":"bip137"}`; the
/// selection names the chain and address (see [`SelectionRequest`]), the
/// scheme is `bip137` (default), `bip322`, `bip322-legacy`,
/// `bip322-simple` or `bip322-full` (Bitcoin family; Ethereum is EIP-191).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// Which address signs.
    #[serde(default)]
    pub key: SelectionRequest,
    /// How it signs.
    pub scheme: Option<String>,
}

impl MessageRequest {
    /// The typed scheme.
    pub fn scheme(&self) -> Result<MessageScheme> {
        Ok(opt(&self.scheme)?.unwrap_or_default())
    }
}

/// A message signature to check: `{"chain":"btc","network":"mainnet",
/// "address":"…","signature":"…"}` (the message is passed as bytes).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VerifyMessageRequest {
    /// `btc`, `ltc` or `eth`.
    pub chain: Option<String>,
    /// The Bitcoin-family network (default mainnet).
    pub network: Option<String>,
    /// The address that supposedly signed.
    pub address: String,
    /// The signature: 0x-hex (Ethereum), base64 BIP137 or BIP322.
    pub signature: String,
}

/// Options of a new or re-encrypted wallet: `{"words":12,"language":"english",
/// "passphrase":"…","kdf_memory_kib":65536,"kdf_iterations":3,
/// "kdf_parallelism":4,"allow_weak_kdf":false,"keystore_password":"…"}`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct KeystoreOptions {
    /// Words of a new mnemonic.
    pub words: Option<usize>,
    /// Its word list (`english`, `japanese`, …).
    pub language: Option<String>,
    /// The BIP39 passphrase.
    pub passphrase: Option<Zeroizing<String>>,
    /// argon2id memory in KiB.
    pub kdf_memory_kib: Option<u32>,
    /// argon2id passes.
    pub kdf_iterations: Option<u32>,
    /// argon2id lanes.
    pub kdf_parallelism: Option<u32>,
    /// Accept parameters below the safe floor.
    #[serde(default)]
    pub allow_weak_kdf: bool,
    /// The password of an imported Ethereum V3 file (default: the wallet's).
    pub keystore_password: Option<Zeroizing<String>>,
}

impl KeystoreOptions {
    /// The KDF parameters, checked against the floor unless allowed.
    pub fn kdf(&self) -> Result<KdfParams> {
        let d = KdfParams::DEFAULT;
        let p = KdfParams {
            m_cost_kib: self.kdf_memory_kib.unwrap_or(d.m_cost_kib),
            t_cost: self.kdf_iterations.unwrap_or(d.t_cost),
            p_cost: self.kdf_parallelism.unwrap_or(d.p_cost),
        };
        p.check(self.allow_weak_kdf)?;
        Ok(p)
    }

    /// The word count of a new mnemonic (default 12).
    pub fn word_count(&self) -> Result<WordCount> {
        Ok(self.words.map_or(Ok(WordCount::W12), WordCount::try_from)?)
    }

    /// The word list (`None`: the default, or detect when importing).
    pub fn language(&self) -> Result<Option<Language>> {
        opt(&self.language)
    }

    /// The BIP39 passphrase (empty when none).
    #[must_use]
    pub fn passphrase(&self) -> SecretString {
        SecretString::from(self.passphrase.as_ref().map_or("", |p| p.as_str()))
    }
}

/// Which key signs: `{"account":0,"index":0}` or `{"path":"m/…"}`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    /// The account.
    pub account: Option<u32>,
    /// The index.
    pub index: Option<u32>,
    /// A full path.
    pub path: Option<String>,
}

impl KeyRequest {
    /// The typed choice.
    pub fn choice(&self) -> Result<KeyChoice> {
        Ok(KeyChoice {
            account: self.account,
            index: self.index,
            path: opt(&self.path)?,
        })
    }
}

/// An Ethereum transaction (amounts take units: "1.5ether", "30gwei",
/// "21000wei"; bare values are ether, bare fees wei; hex is wei): `to` (or
/// `"create":true` with the init code as `data`), `value`, `data`, `nonce`,
/// `gas`, `chain_id`, `max_fee` + `priority_fee` or `gas_price` (with
/// `legacy`), `access_list` (standard JSON), `blob_versioned_hashes` +
/// `max_fee_per_blob_gas` (a blob transaction, sidecar not included),
/// `authorization_list` (a set-code transaction: entries as
/// [`crate::ethereum::transaction::parse_authorizations`] reads them),
/// `allow_high_fee`, `wait`, the key `account`/`index`/`path`, and for a
/// send `verify` with its `trusted_block`, `quorum` and `witness_urls`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EthTxRequest {
    /// The recipient.
    pub to: Option<String>,
    /// Create a contract (no `to`; `data` is the init code).
    #[serde(default)]
    pub create: bool,
    /// The value.
    pub value: Option<String>,
    /// Call data, hex.
    pub data: Option<String>,
    /// The nonce.
    pub nonce: Option<u64>,
    /// The gas limit.
    pub gas: Option<u64>,
    /// The chain id (sends: required unless the node is a dev chain).
    pub chain_id: Option<u64>,
    /// EIP-1559 max fee per gas.
    pub max_fee: Option<String>,
    /// EIP-1559 priority fee per gas.
    pub priority_fee: Option<String>,
    /// Gas price (EIP-2930, or legacy).
    pub gas_price: Option<String>,
    /// A legacy (EIP-155) transaction.
    #[serde(default)]
    pub legacy: bool,
    /// EIP-2930 access list, the standard JSON form.
    pub access_list: Option<serde_json::Value>,
    /// EIP-4844 blob versioned hashes (0x-hex).
    pub blob_versioned_hashes: Option<Vec<String>>,
    /// EIP-4844 max fee per blob gas.
    pub max_fee_per_blob_gas: Option<String>,
    /// EIP-7702 authorizations.
    pub authorization_list: Option<serde_json::Value>,
    /// Accept a fee per gas above the safety cap.
    #[serde(default)]
    pub allow_high_fee: bool,
    /// Wait for the receipt (sends).
    #[serde(default)]
    pub wait: bool,
    /// The key's account.
    pub account: Option<u32>,
    /// The key's index.
    pub index: Option<u32>,
    /// The key's full path.
    pub path: Option<String>,
    /// Prove the nonce and balance (and, with `wait`, the receipt) before
    /// believing them (sends).
    #[serde(default)]
    pub verify: bool,
    /// With `verify`: the hash of a block to trust.
    pub trusted_block: Option<String>,
    /// With `verify`: how many nodes must agree on the trusted block.
    pub quorum: Option<usize>,
    /// With `verify`: more nodes that must agree with the first.
    #[serde(default)]
    pub witness_urls: Vec<String>,
}

/// The fields every Ethereum transaction has, parsed.
struct TxBody {
    to: TxKind,
    value: Wei,
    data: Vec<u8>,
    access_list: Vec<AccessListItem>,
    blob: Option<BlobFields>,
    authorizations: Option<Vec<AuthorizationItem>>,
}

fn fee(s: &Option<String>, what: &str) -> Result<Option<Wei>> {
    s.as_deref()
        .map(|x| Wei::parse(x, Unit::Wei).map_err(|e| Error::input(format!("{what}: {e}"))))
        .transpose()
}

impl EthTxRequest {
    /// The key that signs.
    pub fn choice(&self) -> Result<KeyChoice> {
        Ok(KeyChoice {
            account: self.account,
            index: self.index,
            path: opt(&self.path)?,
        })
    }

    fn common(&self) -> Result<TxBody> {
        let d = self.data.as_deref().unwrap_or("0x");
        let data =
            hex::decode(d.trim_start_matches("0x")).map_err(|_| Error::input("data is not hex"))?;
        Ok(TxBody {
            to: TxKind::from_request(opt(&self.to)?, self.create, &data)?,
            value: Wei::parse(self.value.as_deref().unwrap_or("0"), Unit::Ether)?,
            data,
            access_list: match &self.access_list {
                None => Vec::new(),
                Some(v) => transaction::parse_access_list(&v.to_string())?,
            },
            blob: self.blob()?,
            authorizations: match &self.authorization_list {
                None => None,
                Some(v) => Some(transaction::parse_authorizations(&v.to_string())?),
            },
        })
    }

    fn blob(&self) -> Result<Option<BlobFields>> {
        match (&self.blob_versioned_hashes, &self.max_fee_per_blob_gas) {
            (None, None) => Ok(None),
            (Some(hashes), Some(fee_text)) => Ok(Some(BlobFields {
                max_fee_per_blob_gas: fee(&Some(fee_text.clone()), "max_fee_per_blob_gas")?
                    .unwrap_or_default(),
                versioned_hashes: hashes
                    .iter()
                    .map(|h| VersionedHash::parse(h))
                    .collect::<Result<_, _>>()?,
            })),
            _ => Err(Error::input(
                "a blob transaction needs both blob_versioned_hashes and max_fee_per_blob_gas",
            )),
        }
    }

    /// The transaction to sign offline (nonce, gas, chain id and fees given).
    pub fn offline(&self) -> Result<OfflineTx> {
        let fees = Fees::from_prices(
            fee(&self.max_fee, "max_fee")?,
            fee(&self.priority_fee, "priority_fee")?,
            fee(&self.gas_price, "gas_price")?,
            self.legacy,
        )
        .ok_or_else(|| Error::input("give max_fee and priority_fee, or gas_price"))?;
        let missing = |f: &str| Error::input(format!("{f} is required"));
        let b = self.common()?;
        Ok(OfflineTx {
            fields: TxFields {
                chain_id: ChainId(self.chain_id.ok_or_else(|| missing("chain_id"))?),
                nonce: Nonce(self.nonce.ok_or_else(|| missing("nonce"))?),
                gas_limit: Gas(self.gas.ok_or_else(|| missing("gas"))?),
                fees,
                to: b.to,
                value: b.value,
                input: b.data,
                access_list: b.access_list,
                blob: b.blob,
                authorizations: None,
            },
            authorizations: b.authorizations,
            allow_high_fee: self.allow_high_fee,
        })
    }

    /// What to verify the send against, `None` without `verify`.
    pub fn verify_options(&self) -> Result<Option<VerifyOptions>> {
        eth_verify(
            self.verify,
            self.trusted_block.as_deref(),
            self.quorum,
            &self.witness_urls,
        )
    }

    /// The send to fill in from a node (what is given is kept).
    pub fn send_request(&self) -> Result<SendRequest> {
        let b = self.common()?;
        Ok(SendRequest {
            to: b.to,
            value: b.value,
            data: b.data,
            access_list: b.access_list,
            legacy: self.legacy,
            gas_price: fee(&self.gas_price, "gas_price")?,
            max_fee: fee(&self.max_fee, "max_fee")?,
            priority_fee: fee(&self.priority_fee, "priority_fee")?,
            gas: self.gas.map(Gas),
            nonce: self.nonce.map(Nonce),
            chain_id: self.chain_id.map(ChainId),
            blob: b.blob,
            authorizations: b.authorizations,
            allow_high_fee: self.allow_high_fee,
        })
    }
}

fn eth_verify(
    verify: bool,
    trusted_block: Option<&str>,
    quorum: Option<usize>,
    witnesses: &[String],
) -> Result<Option<VerifyOptions>> {
    if !verify {
        if trusted_block.is_some() || quorum.is_some() || !witnesses.is_empty() {
            return Err(Error::input(
                "trusted_block, quorum and witness_urls are options of \"verify\":true",
            ));
        }
        return Ok(None);
    }
    Ok(Some(VerifyOptions::ethereum(trusted_block, quorum)?))
}

/// What to verify an Ethereum read against: `{"trusted_block":"0x…",
/// "quorum":2,"witness_urls":["http://…"]}`, every field optional (by
/// default every node given must agree on its latest block of a
/// development chain, or its finalized block).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EthVerifyRequest {
    /// The hash of a block to trust.
    pub trusted_block: Option<String>,
    /// How many nodes must agree on the trusted block.
    pub quorum: Option<usize>,
    /// More nodes that must agree with the first.
    #[serde(default)]
    pub witness_urls: Vec<String>,
}

impl EthVerifyRequest {
    /// The typed options.
    pub fn options(&self) -> Result<VerifyOptions> {
        Ok(VerifyOptions::ethereum(
            self.trusted_block.as_deref(),
            self.quorum,
        )?)
    }
}

/// An EIP-7702 authorization to sign: `{"address","nonce","chain_id"}`
/// (`chain_id` 0: every chain) and the key `account`/`index`/`path`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EthAuthRequest {
    /// The contract whose code the account takes.
    pub address: String,
    /// The account nonce it is valid at.
    pub nonce: u64,
    /// The chain id it is valid on (0: every chain).
    pub chain_id: u64,
    /// The key's account.
    pub account: Option<u32>,
    /// The key's index.
    pub index: Option<u32>,
    /// The key's full path.
    pub path: Option<String>,
}

impl EthAuthRequest {
    /// The typed authorization.
    pub fn authorization(&self) -> Result<Authorization> {
        Ok(Authorization {
            chain: AuthChain::from_id(self.chain_id),
            address: self.address.parse()?,
            nonce: Nonce(self.nonce),
        })
    }

    /// The key that signs.
    pub fn choice(&self) -> Result<KeyChoice> {
        Ok(KeyChoice {
            account: self.account,
            index: self.index,
            path: opt(&self.path)?,
        })
    }
}

/// A Bitcoin-family network and signing options:
/// `{"chain":"btc","network":"mainnet","finalize":false,"gap":100,
/// "allow_sighash":[],"allow_high_fee":false}`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BtcOptions {
    /// `btc` or `ltc`.
    pub chain: Option<String>,
    /// The network.
    pub network: Option<String>,
    /// Finalize a signed PSBT.
    #[serde(default)]
    pub finalize: bool,
    /// Sighash types to sign besides ALL/DEFAULT (`"NONE|ANYONECANPAY"`, …).
    #[serde(default)]
    pub allow_sighash: Vec<String>,
    /// Sign a PSBT whose fee rate is above the 500 sat/vB safety cap.
    #[serde(default)]
    pub allow_high_fee: bool,
    /// Addresses scanned per chain and type for inputs without paths.
    pub gap: Option<u32>,
    /// Write the signed PSBT as version 0 or 2 (default: as it came).
    pub psbt_version: Option<u32>,
}

/// A PSBT version number: 0 (BIP174) or 2 (BIP370).
pub fn psbt_version(n: u32) -> Result<crate::bitcoin::psbt_v2::PsbtVersion> {
    use crate::bitcoin::psbt_v2::PsbtVersion;
    match n {
        0 => Ok(PsbtVersion::V0),
        2 => Ok(PsbtVersion::V2),
        _ => Err(Error::input(format!(
            "PSBT version {n} does not exist: use 0 (BIP174) or 2 (BIP370)"
        ))),
    }
}

fn params(chain: &Option<String>, network: &Option<String>) -> Result<NetworkParams> {
    NetworkParams::new(
        chain.as_deref().unwrap_or("btc").parse()?,
        network.as_deref().unwrap_or("mainnet").parse()?,
    )
}

impl BtcOptions {
    /// The network parameters (default Bitcoin mainnet).
    pub fn params(&self) -> Result<NetworkParams> {
        params(&self.chain, &self.network)
    }

    /// What the PSBT signer may do.
    pub fn policy(&self) -> Result<PsbtPolicy> {
        Ok(PsbtPolicy {
            allowed_sighash: self
                .allow_sighash
                .iter()
                .map(|t| crate::bitcoin::psbt::parse_sighash(t))
                .collect::<Result<_>>()?,
            allow_high_fee: self.allow_high_fee,
            finalize: self.finalize,
            output_version: self.psbt_version.map(psbt_version).transpose()?,
        })
    }
}

/// How to reach a Bitcoin Core-style node: `{"user","password"}` or
/// `{"cookie_file"}`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NodeAuth {
    /// The RPC user.
    pub user: Option<String>,
    /// Its password.
    pub password: Option<Zeroizing<String>>,
    /// The node's cookie file instead.
    pub cookie_file: Option<String>,
}

impl NodeAuth {
    /// The credentials.
    #[must_use]
    pub fn auth(&self) -> Auth {
        match (&self.user, &self.password, &self.cookie_file) {
            (Some(u), Some(p), _) => Auth::UserPass(u.clone(), SecretString::from(p.as_str())),
            (_, _, Some(c)) => Auth::Cookie(c.into()),
            _ => Auth::None,
        }
    }
}

/// One recipient of a payment: `{"to","amount"}`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PayeeRequest {
    /// The address.
    pub to: String,
    /// The amount (`"0.5"`, `"5000sat"`, or `"max"`: everything
    /// spendable less the fee, the only recipient).
    pub amount: String,
}

/// A payment: `{"to","amount":"0.5"|"5000sat"|"max","fee_rate":2.0,
/// "allow_high_fee":false,"change_type":"p2wpkh","gap":50,"chain":"btc",
/// "network":"mainnet","verify":false,"checkpoint":"HEIGHT:HASH"}`, or several
/// recipients as `"payees":[{"to","amount"},…]` instead of `to` and `amount`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BtcSendRequest {
    /// The recipient (with `amount`; or `payees`).
    pub to: Option<String>,
    /// The amount paid to `to` (`"max"`: everything spendable less the fee).
    pub amount: Option<String>,
    /// Several recipients, in output order (instead of `to` and `amount`).
    #[serde(default)]
    pub payees: Vec<PayeeRequest>,
    /// sat/vB (default the node's estimate).
    pub fee_rate: Option<f64>,
    /// Accept a fee rate above the 500 sat/vB safety cap.
    #[serde(default)]
    pub allow_high_fee: bool,
    /// The change address type (default p2wpkh; p2pkh for an uncompressed single key).
    pub change_type: Option<String>,
    /// Addresses scanned per chain and type.
    pub gap: Option<u32>,
    /// `btc` or `ltc`.
    pub chain: Option<String>,
    /// The network.
    pub network: Option<String>,
    /// Prove every coin spent before signing.
    #[serde(default)]
    pub verify: bool,
    /// With `verify`: `HEIGHT:HASH` of the block to verify the headers
    /// from (default: the built-in one, regtest's genesis block).
    pub checkpoint: Option<String>,
}

impl BtcSendRequest {
    /// What to verify the payment against, `None` without `verify`.
    pub fn verify_options(&self) -> Result<Option<VerifyOptions>> {
        match (self.verify, &self.checkpoint) {
            (false, None) => Ok(None),
            (false, Some(_)) => Err(Error::input("checkpoint is an option of \"verify\":true")),
            (true, c) => Ok(Some(VerifyOptions::bitcoin(c.as_deref())?)),
        }
    }

    /// The network and the typed payment.
    pub fn payment(&self) -> Result<(NetworkParams, PaymentRequest)> {
        let params = params(&self.chain, &self.network)?;
        Ok((
            params,
            PaymentRequest {
                payees: self.payees(params)?,
                fee_rate: self
                    .fee_rate
                    .map(amount::fee_rate_from_sat_per_vb)
                    .transpose()?,
                change_kind: self.change_type.as_deref().map(str::parse).transpose()?,
                gap: self.gap.unwrap_or(50),
                allow_high_fee: self.allow_high_fee,
            },
        ))
    }
}

impl BtcSendRequest {
    /// The recipients: `to` and `amount`, or `payees` (not both).
    fn payees(&self, params: NetworkParams) -> Result<Vec<Payee>> {
        let one = match (&self.to, &self.amount) {
            (Some(to), Some(amount)) => Some(PayeeRequest {
                to: to.clone(),
                amount: amount.clone(),
            }),
            (None, None) => None,
            _ => {
                return Err(Error::input(
                    "\"to\" and \"amount\" go together: give both, or list \"payees\"",
                ))
            }
        };
        if one.is_some() && !self.payees.is_empty() {
            return Err(Error::input(
                "give \"to\" and \"amount\" for one recipient, or \"payees\" for several, not both",
            ));
        }
        one.iter()
            .chain(&self.payees)
            .map(|p| {
                Ok(Payee {
                    to: Address::parse(&p.to, params)?,
                    amount: PayAmount::parse(&p.amount, params.chain())?,
                })
            })
            .collect()
    }
}

/// A SLIP-39 split: `{"members":"2of3,3of5,1of1","groups":"2of3",
/// "bits":128,"master_secret":"<hex>","passphrase":"…",
/// "iteration_exponent":1,"extendable":true}`. `members` is required (one
/// `TofN` per group); `groups` is needed with several groups; without
/// `master_secret` a fresh one of `bits` (128 or 256, default 128) is made.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Slip39SplitRequest {
    /// The member scheme of each group, comma-separated.
    pub members: Option<String>,
    /// How many of the groups are needed, as `TofG`.
    pub groups: Option<String>,
    /// The length of a fresh master secret.
    pub bits: Option<u32>,
    /// A master secret to split, hex (a secret).
    pub master_secret: Option<Zeroizing<String>>,
    /// The SLIP-39 passphrase (printable ASCII).
    pub passphrase: Option<Zeroizing<String>>,
    /// The PBKDF2 cost exponent, 0 to 15 (default 1).
    pub iteration_exponent: Option<u8>,
    /// The `ext` flag (default `true`).
    pub extendable: Option<bool>,
}

impl Slip39SplitRequest {
    /// The typed parameters.
    pub fn params(
        &self,
    ) -> core::result::Result<crate::wallet::Slip39Params, crate::wallet::Slip39SetupError> {
        use crate::wallet::{parse_layout, SecretSize, Slip39Params, Slip39SetupError};
        let members = self.members.as_deref().ok_or(Slip39SetupError::NoMembers)?;
        let mut p = Slip39Params::new(parse_layout(self.groups.as_deref(), members)?);
        p.size = self
            .bits
            .map_or(Ok(SecretSize::default()), SecretSize::try_from)?;
        p.passphrase = SecretString::from(self.passphrase.as_ref().map_or("", |s| s.as_str()));
        if let Some(e) = self.iteration_exponent {
            p.iteration_exponent = crate::slip39::IterationExponent::new(e)?;
        }
        p.extendable = self.extendable.unwrap_or(true);
        Ok(p)
    }

    /// The given master secret (`None`: make a fresh one).
    pub fn master_secret(
        &self,
    ) -> core::result::Result<Option<crate::slip39::MasterSecret>, crate::wallet::Slip39SetupError>
    {
        use crate::wallet::Slip39SetupError;
        let Some(h) = &self.master_secret else {
            return Ok(None);
        };
        let bytes = Zeroizing::new(
            hex::decode(h.trim().trim_start_matches("0x"))
                .map_err(|_| Slip39SetupError::MasterSecretHex)?,
        );
        Ok(Some(crate::slip39::MasterSecret::from_bytes(&bytes)?))
    }
}

/// A SLIP-39 combine: `{"shares":["word …", …],"passphrase":"…"}`, the
/// shares in any order (a threshold set).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Slip39CombineRequest {
    /// The share mnemonics (secrets).
    #[serde(default)]
    pub shares: Vec<Zeroizing<String>>,
    /// The SLIP-39 passphrase (empty: none; a wrong one is not detected).
    pub passphrase: Option<Zeroizing<String>>,
}

impl Slip39CombineRequest {
    /// The shares, as secrets.
    #[must_use]
    pub fn shares(&self) -> Vec<SecretString> {
        self.shares
            .iter()
            .map(|s| SecretString::from(s.as_str()))
            .collect()
    }

    /// The passphrase (empty when none).
    #[must_use]
    pub fn passphrase(&self) -> SecretString {
        SecretString::from(self.passphrase.as_ref().map_or("", |p| p.as_str()))
    }
}
