//! Constant-time multiplication of the secp256k1 generator, `k·G`: the one
//! operation every derived address and every signature pays for.
//!
//! Written here over k256's public point API because k256's own
//! `ProjectivePoint::mul_by_generator` copies its 32 KiB table of
//! projective points onto the stack on every call and adds 65 projective
//! points (plus 4 doublings); this comb keeps an affine table (built once,
//! normalised with one field inversion) and adds 52 affine points with
//! k256's complete mixed formula: about a third fewer instructions
//! (callgrind), same result (tested against k256 below).
//!
//! Method: `k = Σ dᵢ·32ⁱ` with signed digits `dᵢ ∈ [−16, 15]` (52 windows of
//! 5 bits), and `k·G = Σ dᵢ·(32ⁱ·G)`; table row `i` holds `j·32ⁱ·G` for
//! `j = 1..=16`. Each lookup reads the whole row and keeps one entry with
//! constant-time selects, then negates it with a constant-time select, so
//! neither memory access nor branches depend on `k`. A variable-time
//! reading of the same table serves verification and recovery, where every
//! scalar is public.

use k256::elliptic_curve::subtle::{ConditionallySelectable, ConstantTimeEq};
use k256::elliptic_curve::BatchNormalize;
use k256::{AffinePoint, ProjectivePoint, Scalar};
use std::sync::OnceLock;
use zeroize::Zeroize;

/// Bits per window.
const W: usize = 5;
/// Windows: 52 · 5 = 260 bits cover a 256-bit scalar and the last carry.
const WINDOWS: usize = 52;
/// Entries per row: the multiples 1..=16 of the row's base.
const ROW: usize = 1 << (W - 1);

type Table = Vec<[AffinePoint; ROW]>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build_table)
}

/// Rows `j·32ⁱ·G`, computed in projective coordinates and made affine with
/// one batch inversion (about a millisecond, once per process).
fn build_table() -> Table {
    let mut projective = Vec::with_capacity(WINDOWS * ROW);
    let mut base = ProjectivePoint::GENERATOR;
    for _ in 0..WINDOWS {
        let mut multiple = base;
        for _ in 0..ROW {
            projective.push(multiple);
            multiple += base;
        }
        // 32·base = 16·base doubled.
        base = (multiple - base).double();
    }
    let affine =
        <ProjectivePoint as BatchNormalize<[ProjectivePoint]>>::batch_normalize(&projective);
    affine
        .chunks_exact(ROW)
        .map(|row| core::array::from_fn(|j| row[j]))
        .collect()
}

/// The signed radix-32 digits of `k` (least significant first), each in
/// `[−16, 15]`, computed without branches on `k`.
fn digits(k: &Scalar) -> [i8; WINDOWS] {
    let mut bytes: [u8; 32] = k.to_bytes().into();
    bytes.reverse(); // little-endian
    let mut out = [0i8; WINDOWS];
    let mut carry = 0i16;
    for (i, d) in out.iter_mut().enumerate() {
        let bit = i * W;
        let (byte, shift) = (bit / 8, bit % 8);
        let lo = u16::from(*bytes.get(byte).unwrap_or(&0));
        let hi = u16::from(*bytes.get(byte + 1).unwrap_or(&0));
        let w = (((lo | (hi << 8)) >> shift) & 0x1f) as i16;
        let v = w + carry; // 0..=32
        carry = (v + 16) >> 5; // 1 when v ≥ 16
        *d = (v - (carry << 5)) as i8; // in [−16, 15]
    }
    bytes.zeroize();
    out
}

/// `k·G` in constant time.
pub(crate) fn mul_generator(k: &Scalar) -> ProjectivePoint {
    let table = table();
    let mut d = digits(k);
    let mut acc = ProjectivePoint::IDENTITY;
    for (row, &digit) in table.iter().zip(d.iter()) {
        let negative = (digit as u8 >> 7).ct_eq(&1);
        let magnitude = digit.unsigned_abs();
        let mut entry = AffinePoint::IDENTITY;
        for (j, candidate) in (1u8..).zip(row.iter()) {
            entry.conditional_assign(candidate, magnitude.ct_eq(&j));
        }
        let negated = -entry;
        entry.conditional_assign(&negated, negative);
        acc += &entry;
    }
    d.zeroize();
    acc
}

/// `k·G` in variable time, for public scalars only (verification,
/// recovery): the same table, read by index, zero digits skipped.
fn mul_generator_vartime(k: &Scalar) -> ProjectivePoint {
    let mut acc = ProjectivePoint::IDENTITY;
    for (row, &digit) in table().iter().zip(digits(k).iter()) {
        let Some(entry) = row.get(usize::from(digit.unsigned_abs()).wrapping_sub(1)) else {
            continue;
        };
        if digit < 0 {
            acc += &-*entry;
        } else {
            acc += entry;
        }
    }
    acc
}

/// `a·G + b·P` in variable time, for public scalars and points only: `a·G`
/// from the comb table, `b·P` by k256's GLV + wNAF multiplication.
pub(crate) fn mul_generator_and_add_vartime(
    a: &Scalar,
    b: &Scalar,
    p: &ProjectivePoint,
) -> ProjectivePoint {
    use k256::elliptic_curve::ops::MulVartime;
    mul_generator_vartime(a) + p.mul_vartime(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::elliptic_curve::PrimeField;

    fn scalar(hex32: &str) -> Scalar {
        let b: [u8; 32] = hex::decode(hex32).unwrap().try_into().unwrap();
        Scalar::from_repr(b.into()).unwrap()
    }

    fn digits_value(d: &[i8; WINDOWS]) -> Scalar {
        d.iter().rev().fold(Scalar::ZERO, |acc, &x| {
            let v = Scalar::from(u64::from(x.unsigned_abs()));
            acc * Scalar::from(32u64) + if x < 0 { -v } else { v }
        })
    }

    #[test]
    fn agrees_with_k256() {
        let mut cases = vec![
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(15u64),
            Scalar::from(16u64),
            Scalar::from(17u64),
            Scalar::from(31u64),
            Scalar::from(32u64),
            Scalar::from(u64::MAX),
            -Scalar::ONE,
            -Scalar::from(2u64),
            scalar("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
            scalar("8000000000000000000000000000000000000000000000000000000000000000"),
            scalar("0842108421084210842108421084210842108421084210842108421084210842"),
            scalar("f7bdef7bdef7bdef7bdef7bdef7bdef7bdef7bdef7bdef7bdef7bdef7bdef7bd"),
        ];
        let mut h = [7u8; 32];
        for _ in 0..64 {
            h = crate::hash::sha256(&h);
            cases.push(<Scalar as k256::elliptic_curve::ops::Reduce<
                k256::FieldBytes,
            >>::reduce(&h.into()));
        }
        for k in cases {
            assert_eq!(digits_value(&digits(&k)), k);
            assert!(digits(&k).iter().all(|d| (-16..=15).contains(d)));
            let want = ProjectivePoint::mul_by_generator(&k).to_affine();
            assert_eq!(mul_generator(&k).to_affine(), want, "{k:?}");
            assert_eq!(mul_generator_vartime(&k).to_affine(), want, "{k:?}");
            let p = ProjectivePoint::mul_by_generator(&(k + Scalar::from(7u64)));
            assert_eq!(
                mul_generator_and_add_vartime(&k, &-k, &p).to_affine(),
                (ProjectivePoint::mul_by_generator(&k) - p * k).to_affine(),
            );
        }
    }
}
