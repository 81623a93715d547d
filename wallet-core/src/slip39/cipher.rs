//! Encryption of the master secret with the passphrase (SLIP-39 "Encryption
//! of the master secret"): a four-round Feistel network whose round function
//! is PBKDF2-HMAC-SHA256.
//!
//! Round i computes `PBKDF2(password = i || passphrase, salt = salt_prefix ||
//! R, iterations = 2500 << e, length = n/2)`, where `salt_prefix` is
//! "shamir" || identifier (2 bytes, big-endian) when `ext` = 0 and empty
//! when `ext` = 1. Decryption runs the rounds in reverse order. Every
//! intermediate buffer is zeroized.

use super::share::{Identifier, IterationExponent};
use sha2::Sha256;
use zeroize::Zeroizing;

/// PBKDF2 iterations of one round for exponent `e`: 2500 x 2^e (a quarter
/// of the total).
fn round_iterations(e: IterationExponent) -> u32 {
    IterationExponent::iterations(e) / 4
}

/// The SLIP-39 Feistel parameters shared by the four rounds.
struct Key<'a> {
    passphrase: &'a [u8],
    salt_prefix: Vec<u8>,
    iterations: u32,
}

impl<'a> Key<'a> {
    fn new(passphrase: &'a [u8], e: IterationExponent, id: Identifier, extendable: bool) -> Self {
        let salt_prefix = if extendable {
            Vec::new()
        } else {
            let mut p = b"shamir".to_vec();
            p.extend_from_slice(&id.value().to_be_bytes());
            p
        };
        Self {
            passphrase,
            salt_prefix,
            iterations: round_iterations(e),
        }
    }

    /// F(i, r), written into `out` (n/2 bytes).
    fn round(&self, i: u8, r: &[u8], out: &mut [u8]) {
        let mut password = Zeroizing::new(Vec::with_capacity(1 + self.passphrase.len()));
        password.push(i);
        password.extend_from_slice(self.passphrase);
        let mut salt = Zeroizing::new(Vec::with_capacity(self.salt_prefix.len() + r.len()));
        salt.extend_from_slice(&self.salt_prefix);
        salt.extend_from_slice(r);
        pbkdf2::pbkdf2_hmac::<Sha256>(&password, &salt, self.iterations, out);
    }

    /// The Feistel network with rounds in `order`: L, R are the halves of
    /// `input`; each round sets (L, R) = (R, L xor F(i, R)); the output is R || L.
    fn feistel(&self, input: &[u8], order: [u8; 4]) -> Zeroizing<Vec<u8>> {
        let half = input.len() / 2;
        let (l, r) = input.split_at(half);
        let mut l = Zeroizing::new(l.to_vec());
        let mut r = Zeroizing::new(r.to_vec());
        let mut f = Zeroizing::new(vec![0u8; half]);
        for i in order {
            self.round(i, &r, &mut f);
            for (a, b) in l.iter_mut().zip(f.iter()) {
                *a ^= b;
            }
            core::mem::swap(&mut l, &mut r);
        }
        let mut out = Zeroizing::new(Vec::with_capacity(input.len()));
        out.extend_from_slice(&r);
        out.extend_from_slice(&l);
        out
    }
}

/// The encrypted master secret (EMS) of `secret` (even length).
pub(super) fn encrypt(
    secret: &[u8],
    passphrase: &[u8],
    e: IterationExponent,
    id: Identifier,
    extendable: bool,
) -> Zeroizing<Vec<u8>> {
    Key::new(passphrase, e, id, extendable).feistel(secret, [0, 1, 2, 3])
}

/// The master secret of an encrypted master secret (even length).
pub(super) fn decrypt(
    ems: &[u8],
    passphrase: &[u8],
    e: IterationExponent,
    id: Identifier,
    extendable: bool,
) -> Zeroizing<Vec<u8>> {
    Key::new(passphrase, e, id, extendable).feistel(ems, [3, 2, 1, 0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> (IterationExponent, Identifier) {
        (
            IterationExponent::new(0).unwrap(),
            Identifier::new(0x1234).unwrap(),
        )
    }

    #[test]
    fn decrypt_inverts_encrypt() {
        let (e, id) = params();
        let ms: Vec<u8> = (0u8..32).collect();
        for ext in [false, true] {
            let ems = encrypt(&ms, b"TREZOR", e, id, ext);
            assert_ne!(&ems[..], &ms[..]);
            assert_eq!(&decrypt(&ems, b"TREZOR", e, id, ext)[..], &ms[..]);
            assert_ne!(&decrypt(&ems, b"TREZOr", e, id, ext)[..], &ms[..]);
        }
    }

    #[test]
    fn identifier_is_salt_only_without_ext() {
        let (e, id) = params();
        let other = Identifier::new(0x1235).unwrap();
        let ms = [7u8; 16];
        assert_ne!(
            encrypt(&ms, b"", e, id, false),
            encrypt(&ms, b"", e, other, false)
        );
        assert_eq!(
            encrypt(&ms, b"", e, id, true),
            encrypt(&ms, b"", e, other, true)
        );
        assert_ne!(
            encrypt(&ms, b"", e, id, true),
            encrypt(&ms, b"", e, id, false)
        );
    }

    #[test]
    fn iterations_per_round() {
        assert_eq!(round_iterations(IterationExponent::new(0).unwrap()), 2500);
        assert_eq!(round_iterations(IterationExponent::new(3).unwrap()), 20_000);
    }
}
