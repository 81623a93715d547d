//! What a verified read is checked against: for Ethereum the trusted block
//! (pinned by its hash, or agreed by a quorum of nodes), for the Bitcoin
//! family the checkpoint the header chain starts from.

use super::{Checkpoint, VerifyError};
use crate::bitcoin::{Network, NetworkParams};
use alloy_primitives::B256;

/// How the trusted Ethereum block is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrustRoot {
    /// The block the nodes agree on: their `finalized` block, or on a
    /// development chain ([`crate::ethereum::ChainId::DEV`]) their
    /// `latest`. On any other chain at least two nodes must agree.
    #[default]
    Agreement,
    /// A block hash the caller trusts (from a source of its own); only the
    /// first node is asked for it.
    Pinned(B256),
}

impl TrustRoot {
    /// A pinned block from its hash (64 hex digits, `0x` optional).
    pub fn pinned(hash: &str) -> Result<Self, VerifyError> {
        hash.trim()
            .parse::<B256>()
            .map(TrustRoot::Pinned)
            .map_err(|_| VerifyError::malformed("trusted block", "it is not a 32-byte hex hash"))
    }
}

/// What verified reads are checked against. The default trusts the block
/// every node agrees on (Ethereum) and the built-in checkpoint (Bitcoin
/// family).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Ethereum: how the trusted block is chosen.
    pub trust: TrustRoot,
    /// Ethereum: how many nodes (the first included) must agree on the
    /// trusted block; `None`: all of them.
    pub quorum: Option<usize>,
    /// Bitcoin family: the block the header chain is verified from;
    /// `None`: the built-in one ([`builtin_checkpoint`]).
    pub checkpoint: Option<Checkpoint>,
}

impl VerifyOptions {
    /// Ethereum options from their text forms (`trusted_block` a hash).
    pub fn ethereum(
        trusted_block: Option<&str>,
        quorum: Option<usize>,
    ) -> Result<Self, VerifyError> {
        Ok(VerifyOptions {
            trust: trusted_block
                .map(TrustRoot::pinned)
                .transpose()?
                .unwrap_or_default(),
            quorum,
            checkpoint: None,
        })
    }

    /// Bitcoin-family options from their text form (`HEIGHT:HASH`).
    pub fn bitcoin(checkpoint: Option<&str>) -> Result<Self, VerifyError> {
        Ok(VerifyOptions {
            checkpoint: checkpoint.map(str::parse).transpose()?,
            ..VerifyOptions::default()
        })
    }
}

/// Where a checkpoint came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointSource {
    /// Built into the wallet.
    BuiltIn,
    /// Given by the caller.
    Given,
}

/// The checkpoint of `params`' network the wallet carries: the genesis
/// block of regtest (a private chain has no other block everyone knows).
/// Public networks have none: a checkpoint compiled in ages, and walking
/// from their genesis blocks means hundreds of thousands of headers; the
/// caller gives a recent block it trusts instead.
pub fn builtin_checkpoint(params: NetworkParams) -> Result<Checkpoint, VerifyError> {
    match params.network() {
        Network::Regtest => Ok(Checkpoint::genesis(params)),
        _ => Err(VerifyError::NoCheckpoint {
            network: format!("{} {}", params.chain().code(), params.network().code()),
        }),
    }
}

/// The checkpoint `opts` asks for on `params`, and where it came from.
pub fn checkpoint_for(
    params: NetworkParams,
    opts: &VerifyOptions,
) -> Result<(Checkpoint, CheckpointSource), VerifyError> {
    match opts.checkpoint {
        Some(c) => Ok((c, CheckpointSource::Given)),
        None => builtin_checkpoint(params).map(|c| (c, CheckpointSource::BuiltIn)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitcoin::Chain;

    #[test]
    fn options_from_text() {
        let h = format!("0x{}", "ab".repeat(32));
        let o = VerifyOptions::ethereum(Some(&h), Some(2)).unwrap();
        assert_eq!(o.trust, TrustRoot::Pinned(B256::repeat_byte(0xab)));
        assert_eq!(o.quorum, Some(2));
        assert_eq!(
            VerifyOptions::ethereum(None, None).unwrap(),
            VerifyOptions::default()
        );
        let e = TrustRoot::pinned("0x1234").unwrap_err();
        assert_eq!(e.to_string(), "trusted block: it is not a 32-byte hex hash");
        let o = VerifyOptions::bitcoin(Some(&format!("7:{}", "00".repeat(32)))).unwrap();
        assert_eq!(o.checkpoint.unwrap().height, 7);
        assert!(VerifyOptions::bitcoin(Some("x")).is_err());
    }

    #[test]
    fn requests_carry_the_options() {
        use crate::request::{parse, BtcSendRequest, EthTxRequest, EthVerifyRequest};
        let h = format!("0x{}", "cd".repeat(32));
        let r: EthTxRequest = parse(
            Some(&format!(
                r#"{{"to":"0x000000000000000000000000000000000000dEaD","verify":true,"trusted_block":"{h}","quorum":2,"witness_urls":["http://b"]}}"#
            )),
            "request",
        )
        .unwrap();
        let o = r.verify_options().unwrap().unwrap();
        assert_eq!(o.trust, TrustRoot::Pinned(B256::repeat_byte(0xcd)));
        assert_eq!((o.quorum, r.witness_urls.len()), (Some(2), 1));
        let r: EthTxRequest = parse(Some(r#"{"quorum":2}"#), "request").unwrap();
        assert!(r.verify_options().is_err(), "options without verify");
        let r: EthTxRequest = parse(Some("{}"), "request").unwrap();
        assert_eq!(r.verify_options().unwrap(), None);
        let o: EthVerifyRequest = parse(None, "options").unwrap();
        assert_eq!(o.options().unwrap(), VerifyOptions::default());
        let send = |extra: &str| -> BtcSendRequest {
            parse(
                Some(&format!(r#"{{"to":"x","amount":"1"{extra}}}"#)),
                "request",
            )
            .unwrap()
        };
        assert_eq!(send("").verify_options().unwrap(), None);
        assert!(send(r#","checkpoint":"1:00""#).verify_options().is_err());
        let cp = format!(r#","verify":true,"checkpoint":"3:{}""#, "00".repeat(32));
        assert_eq!(
            send(&cp)
                .verify_options()
                .unwrap()
                .unwrap()
                .checkpoint
                .unwrap()
                .height,
            3
        );
    }

    #[test]
    fn only_regtest_has_a_builtin_checkpoint() {
        let regtest = NetworkParams::new(Chain::Litecoin, Network::Regtest).unwrap();
        let (c, source) = checkpoint_for(regtest, &VerifyOptions::default()).unwrap();
        assert_eq!(
            (c, source),
            (Checkpoint::genesis(regtest), CheckpointSource::BuiltIn)
        );
        let e = builtin_checkpoint(NetworkParams::BITCOIN).unwrap_err();
        assert!(matches!(e, VerifyError::NoCheckpoint { .. }));
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        let given = Checkpoint {
            height: 5,
            hash: c.hash,
        };
        let opts = VerifyOptions {
            checkpoint: Some(given),
            ..VerifyOptions::default()
        };
        assert_eq!(
            checkpoint_for(NetworkParams::BITCOIN, &opts).unwrap(),
            (given, CheckpointSource::Given)
        );
    }
}
