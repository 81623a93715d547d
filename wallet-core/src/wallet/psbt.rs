//! PSBT signing with an unlocked wallet, in two steps: review (where the
//! money goes, the fee, the network) so a face can show it and ask, then
//! sign under the policy the user chose.

use super::UnlockedWallet;
use crate::bitcoin::psbt::{self, InputStatus, KeyRing, PsbtReview, SignOptions, SignReport};
use crate::bitcoin::psbt_v2::{self, AnyPsbt, PsbtV2, PsbtVersion};
use crate::bitcoin::{payment, NetworkParams};
use crate::error::{Error, Result};
use crate::keystore::WalletSecret;
use crate::report::{InputOutcome, OutputOutcome, PsbtOutcome};
use bitcoin::psbt::{Psbt, PsbtSighashType};

/// A parsed PSBT, reviewed for the wallet that will sign it.
pub struct PsbtToSign {
    psbt: Psbt,
    /// The BIP370 original, when the PSBT came as version 2 (its fields and
    /// pair order are kept in the signed result).
    v2: Option<PsbtV2>,
    ring: KeyRing,
    params: NetworkParams,
    /// What the PSBT does: outputs (change marked), fee and its rate.
    pub review: PsbtReview,
}

impl core::fmt::Debug for PsbtToSign {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PsbtToSign")
            .field("review", &self.review)
            .finish_non_exhaustive()
    }
}

/// What the signer may do beyond the safe defaults.
#[derive(Debug, Clone, Default)]
pub struct PsbtPolicy {
    /// Sighash types to sign besides SIGHASH_ALL/DEFAULT.
    pub allowed_sighash: Vec<PsbtSighashType>,
    /// Sign even when the fee rate is above the safety cap.
    pub allow_high_fee: bool,
    /// Finalize and extract the transaction after signing.
    pub finalize: bool,
    /// Write the signed PSBT in this version (`None`: the version it came in).
    pub output_version: Option<PsbtVersion>,
}

impl UnlockedWallet {
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

    /// Parses the PSBT `bytes` (base64, hex or binary) and reviews it for
    /// this wallet on `params`; outputs of ours on another network are an
    /// error here, before anything is signed.
    pub fn review_psbt(&self, bytes: &[u8], params: NetworkParams, gap: u32) -> Result<PsbtToSign> {
        let (psbt, v2) = read_any(bytes)?;
        let ring = self.key_ring(params, gap)?;
        let review = psbt::review(&psbt, &ring, params)?;
        Ok(PsbtToSign {
            psbt,
            v2,
            ring,
            params,
            review,
        })
    }

    /// Signs a reviewed PSBT's inputs of ours under `policy` (the fee cap
    /// is checked first). Nothing signed is an error that says why.
    pub fn sign_reviewed(
        &self,
        mut p: PsbtToSign,
        policy: &PsbtPolicy,
    ) -> Result<(PsbtOutcome, SignReport)> {
        p.review.check_fee(policy.allow_high_fee)?;
        let opts = SignOptions {
            allowed_sighash: policy.allowed_sighash.clone(),
            network: Some(p.params),
            ..SignOptions::default()
        };
        let report = psbt::sign_with(&mut p.psbt, &p.ring, &opts)?;
        if report.signed == 0 {
            return Err(nothing_signed(&report));
        }
        let mut outcome = PsbtOutcome::of(&report, &p.review);
        if let Some(what) = p.review.above_cap() {
            outcome
                .warnings
                .push(format!("{what} (a high fee was allowed explicitly)"));
        }
        if policy.finalize {
            psbt::finalize(&mut p.psbt)?;
            let raw = psbt::extract(&p.psbt)?;
            outcome.txid = Some(payment::txid_of(&raw)?.to_string());
            outcome.vsize = Some(payment::vsize_of(&raw)?);
            outcome.hex = Some(hex::encode(&raw));
            outcome.complete = Some(true);
        } else {
            let version = policy.output_version.unwrap_or(if p.v2.is_some() {
                PsbtVersion::V2
            } else {
                PsbtVersion::V0
            });
            outcome.psbt = Some(encode_signed(&p.psbt, p.v2.as_ref(), version)?);
            outcome.psbt_version = Some(version.number());
        }
        Ok((outcome, report))
    }

    /// [`review_psbt`](Self::review_psbt) and [`sign_reviewed`](Self::sign_reviewed) in one call.
    pub fn sign_psbt(
        &self,
        bytes: &[u8],
        params: NetworkParams,
        gap: u32,
        policy: &PsbtPolicy,
    ) -> Result<(PsbtOutcome, SignReport)> {
        let p = self.review_psbt(bytes, params, gap)?;
        self.sign_reviewed(p, policy)
    }
}

/// A PSBT of either version as its version 0 form (what the signer works
/// on), with the version 2 original when it was one.
fn read_any(bytes: &[u8]) -> Result<(Psbt, Option<PsbtV2>)> {
    let version = psbt_v2::decode_text(bytes)
        .ok()
        .and_then(|b| psbt_v2::detect_version(&b).ok());
    if version == Some(PsbtVersion::V2) {
        let p = PsbtV2::parse(bytes)?;
        return Ok((p.to_v0()?, Some(p)));
    }
    Ok((psbt::parse(bytes)?, None))
}

/// The signed PSBT (`signed`, the version 0 form) in `version`, base64:
/// a version 2 original keeps its BIP370 fields and pair order.
pub fn encode_signed(signed: &Psbt, v2: Option<&PsbtV2>, version: PsbtVersion) -> Result<String> {
    let any = match v2 {
        Some(original) => AnyPsbt::V2(original.with_signed_v0(signed)?),
        None => AnyPsbt::V0(signed.clone()),
    };
    Ok(any.to_version(version)?.to_base64())
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
    /// The per-input statuses and fee of `report` and the outputs of
    /// `review` (no PSBT or transaction yet).
    #[must_use]
    pub fn of(report: &SignReport, review: &PsbtReview) -> Self {
        let inputs = report
            .inputs
            .iter()
            .zip(&report.sighash_types)
            .map(|(s, t)| {
                let (status, kind, reason) = match s {
                    InputStatus::Signed(k) => ("signed", Some(k.code().to_owned()), None),
                    InputStatus::AlreadyFinal => ("final", None, None),
                    InputStatus::NotOurs => ("not_ours", None, None),
                    InputStatus::Refused(r) => ("refused", None, Some(r.to_string())),
                };
                InputOutcome {
                    status,
                    kind,
                    reason,
                    sighash: t.map(|t| t.to_string()),
                }
            })
            .collect();
        let outputs = review
            .outputs
            .iter()
            .map(|o| OutputOutcome {
                address: o.address.clone(),
                amount_sat: o.amount.to_sat(),
                change: o.change,
            })
            .collect();
        Self {
            signed: report.signed,
            inputs,
            outputs,
            fee_sat: report.fee.map(|f| f.to_sat()),
            fee_rate: review.fee_rate,
            psbt: None,
            psbt_version: None,
            hex: None,
            txid: None,
            vsize: None,
            complete: None,
            warnings: report
                .partial_commitments()
                .into_iter()
                .map(|(i, t)| {
                    format!(
                        "input {i} was signed with {t} (allowed explicitly): that signature does not cover the whole transaction, so others can change the parts it leaves out"
                    )
                })
                .collect(),
        }
    }
}
