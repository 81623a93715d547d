//! BIP322 signing with one key: legacy (BIP137), simple and full signatures
//! for P2PKH, P2SH-P2WPKH, P2WPKH and BIP86 P2TR addresses.

use super::script::check_input;
use super::{single_push, to_sign, to_spend, Bip322Error, Format, TimeLocks};
use crate::bitcoin::address::{p2wpkh_script, Address, AddressType, Payload};
use crate::bitcoin::{message, taproot};
use crate::ecdsa;
use crate::error::Error;
use crate::hash::hash160;
use crate::key::PrivateKey;
use crate::schnorr::{self, AuxRand};
use bitcoin::base64::engine::general_purpose::STANDARD as B64;
use bitcoin::base64::Engine;
use bitcoin::hashes::Hash;
use bitcoin::script::{Builder, PushBytesBuf};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::{Amount, ScriptBuf, Transaction, TxOut, Witness};

/// Choices beyond the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignOptions {
    /// Version, lock time and sequence of `to_sign` (full format only;
    /// a simple signature implies [`TimeLocks::NONE`]).
    pub time_locks: TimeLocks,
    /// BIP340 auxiliary randomness for taproot (fresh by default).
    pub aux: AuxRand,
    /// Write the `smp`/`ful` prefix BIP322 2.0 requires (the default);
    /// `false` writes the bare base64 that verifiers from before 2.0 (such
    /// as bip322-js 3) expect.
    pub prefix: bool,
}

impl Default for SignOptions {
    fn default() -> Self {
        Self {
            time_locks: TimeLocks::NONE,
            aux: AuxRand::Random,
            prefix: true,
        }
    }
}

/// Signs `message` for `address` with `key` in `format`, with the default
/// [`SignOptions`]. See [`sign_with`].
pub fn sign(
    key: &PrivateKey,
    address: &Address,
    message: &[u8],
    format: Format,
) -> Result<String, Bip322Error> {
    sign_with(key, address, message, format, &SignOptions::default())
}

/// Signs `message` for `address` with `key`: the base64 signature, prefixed
/// by its format unless `options.prefix` is false.
///
/// The address must be the key's own: P2PKH (compressed or uncompressed
/// key), P2SH-P2WPKH, P2WPKH or BIP86 P2TR. Legacy is BIP137 and only for
/// P2PKH; simple only for P2WPKH and P2TR without time locks; full for all
/// four. ECDSA signatures are deterministic (RFC 6979); every signature is
/// verified before it is returned.
pub fn sign_with(
    key: &PrivateKey,
    address: &Address,
    message: &[u8],
    format: Format,
    options: &SignOptions,
) -> Result<String, Bip322Error> {
    let kind = key_kind(key, address)?;
    let not_allowed = |reason| Err(Bip322Error::FormatNotAllowed { format, reason });
    match format {
        Format::Legacy => match kind {
            KeyKind::P2pkh { compressed } => message::sign(
                key,
                message,
                AddressType::P2pkh,
                compressed,
                address.params().chain(),
            )
            .map_err(signer),
            _ => not_allowed(
                "BIP322 allows legacy signatures only for P2PKH addresses; use simple or full",
            ),
        },
        Format::Simple => {
            if !matches!(kind, KeyKind::P2wpkh | KeyKind::P2tr) {
                return not_allowed("simple signatures are for native segwit addresses; use full");
            }
            if options.time_locks != TimeLocks::NONE {
                return not_allowed("a simple signature cannot carry time locks; use full");
            }
            let tx = signed_to_sign(key, kind, address, message, options)?;
            let witness = tx
                .input
                .first()
                .map(|i| &i.witness)
                .cloned()
                .unwrap_or_default();
            Ok(encode(
                format,
                options,
                &bitcoin::consensus::serialize(&witness),
            ))
        }
        Format::Full => {
            if !matches!(options.time_locks.version.0, 0 | 2) {
                return not_allowed("to_sign's version must be 0 or 2");
            }
            let tx = signed_to_sign(key, kind, address, message, options)?;
            Ok(encode(format, options, &bitcoin::consensus::serialize(&tx)))
        }
        Format::ProofOfFunds => Err(Bip322Error::CannotSign {
            what: "a proof of funds (this wallet verifies them but does not make them)".into(),
        }),
    }
}

fn encode(format: Format, options: &SignOptions, bytes: &[u8]) -> String {
    let prefix = format.prefix().filter(|_| options.prefix).unwrap_or("");
    format!("{prefix}{}", B64.encode(bytes))
}

fn signer(e: Error) -> Bip322Error {
    Bip322Error::Signer {
        reason: e.to_string(),
    }
}

/// Which single-key template `key` satisfies for an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    P2pkh { compressed: bool },
    P2shP2wpkh,
    P2wpkh,
    P2tr,
}

fn key_kind(key: &PrivateKey, address: &Address) -> Result<KeyKind, Bip322Error> {
    let pk = key.public_key();
    let mismatch = |hint| {
        Err(Bip322Error::KeyMismatch {
            address: address.to_string(),
            hint,
        })
    };
    match address.payload() {
        Payload::PubkeyHash(h) if *h == pk.hash160() => Ok(KeyKind::P2pkh { compressed: true }),
        Payload::PubkeyHash(h) if *h == hash160(&pk.to_uncompressed()) => {
            Ok(KeyKind::P2pkh { compressed: false })
        }
        Payload::PubkeyHash(_) => mismatch(""),
        Payload::ScriptHash(h) if *h == hash160(&p2wpkh_script(&pk.hash160())) => {
            Ok(KeyKind::P2shP2wpkh)
        }
        Payload::ScriptHash(_) => {
            mismatch(" (read as the key's P2SH-P2WPKH, the only P2SH a single key signs)")
        }
        Payload::Witness {
            version: 0,
            program,
        } if program.len() == 20 => {
            if program[..] == pk.hash160() {
                Ok(KeyKind::P2wpkh)
            } else {
                mismatch("")
            }
        }
        Payload::Witness {
            version: 1,
            program,
        } if program.len() == 32 => {
            let output = taproot::bip86_output_key(&pk).map_err(signer)?;
            if program[..] == output {
                Ok(KeyKind::P2tr)
            } else {
                mismatch(" (read as the key's BIP86 output key, without a script tree)")
            }
        }
        Payload::Witness { version: 0, .. } => Err(Bip322Error::CannotSign {
            what: "a P2WSH script".into(),
        }),
        Payload::Witness { version, .. } => Err(Bip322Error::CannotSign {
            what: format!("a segwit version {version} program"),
        }),
    }
}

/// `to_sign` for `address` and `message`, signed by `key` and verified.
fn signed_to_sign(
    key: &PrivateKey,
    kind: KeyKind,
    address: &Address,
    message: &[u8],
    options: &SignOptions,
) -> Result<Transaction, Bip322Error> {
    let spk = ScriptBuf::from(address.script_pubkey());
    let spend = to_spend(&spk, message);
    let mut tx = to_sign(spend.compute_txid(), options.time_locks);
    let (script_sig, witness) = satisfy(key, kind, &tx, &spend.output, options.aux)?;
    if let Some(input) = tx.input.first_mut() {
        input.script_sig = script_sig;
        input.witness = witness;
    }
    check_input(&tx, &spend.output, 0, address.params()).map_err(|e| Bip322Error::Signer {
        reason: format!("the new signature does not verify ({e})"),
    })?;
    Ok(tx)
}

/// The scriptSig and witness with which `key` spends `to_spend`'s output
/// (`prevouts`) in input 0 of `tx`.
fn satisfy(
    key: &PrivateKey,
    kind: KeyKind,
    tx: &Transaction,
    prevouts: &[TxOut],
    aux: AuxRand,
) -> Result<(ScriptBuf, Witness), Bip322Error> {
    let sighash_failed = |e: &dyn std::fmt::Display| Bip322Error::Signer {
        reason: e.to_string(),
    };
    let pk = key.public_key();
    let mut cache = SighashCache::new(tx);
    match kind {
        KeyKind::P2pkh { compressed } => {
            let spk = prevouts
                .first()
                .map(|o| o.script_pubkey.clone())
                .unwrap_or_default();
            let digest = cache
                .legacy_signature_hash(0, &spk, EcdsaSighashType::All.to_u32())
                .map_err(|e| sighash_failed(&e))?;
            let sig = ecdsa_element(key, &digest.to_byte_array())?;
            let pk = if compressed {
                pk.to_compressed().to_vec()
            } else {
                pk.to_uncompressed().to_vec()
            };
            let script_sig = Builder::new()
                .push_slice(push_bytes(sig)?)
                .push_slice(push_bytes(pk)?)
                .into_script();
            Ok((script_sig, Witness::new()))
        }
        KeyKind::P2wpkh | KeyKind::P2shP2wpkh => {
            let redeem = ScriptBuf::from(p2wpkh_script(&pk.hash160()));
            let digest = cache
                .p2wpkh_signature_hash(0, &redeem, Amount::ZERO, EcdsaSighashType::All)
                .map_err(|e| sighash_failed(&e))?;
            let sig = ecdsa_element(key, &digest.to_byte_array())?;
            let script_sig = match kind {
                KeyKind::P2shP2wpkh => single_push(redeem.as_bytes())?,
                _ => ScriptBuf::new(),
            };
            let witness = Witness::from_slice(&[sig, pk.to_compressed().to_vec()]);
            Ok((script_sig, witness))
        }
        KeyKind::P2tr => {
            let tweaked = taproot::tweak_private_key(key, None).map_err(signer)?;
            let digest = cache
                .taproot_key_spend_signature_hash(
                    0,
                    &Prevouts::All(prevouts),
                    TapSighashType::Default,
                )
                .map_err(|e| sighash_failed(&e))?;
            let sig = schnorr::sign(&tweaked, &digest.to_byte_array(), aux).map_err(signer)?;
            Ok((ScriptBuf::new(), Witness::from_slice(&[sig])))
        }
    }
}

/// `DER(sig) || SIGHASH_ALL`.
fn ecdsa_element(key: &PrivateKey, digest: &[u8; 32]) -> Result<Vec<u8>, Bip322Error> {
    let mut der = ecdsa::sign_prehash(key, digest)
        .and_then(|s| s.to_der())
        .map_err(signer)?;
    der.push(0x01);
    Ok(der)
}

fn push_bytes(data: Vec<u8>) -> Result<PushBytesBuf, Bip322Error> {
    PushBytesBuf::try_from(data).map_err(|_| Bip322Error::Signer {
        reason: "a pushed item is over 4 GiB".into(),
    })
}
