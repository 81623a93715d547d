//! Arithmetic in GF(256) and Lagrange interpolation of byte vectors, as
//! SLIP-39 "Polynomial interpolation" defines them.
//!
//! Bytes are polynomials over GF(2) reduced modulo the Rijndael polynomial
//! x^8 + x^4 + x^3 + x + 1 (FIPS-197 sections 4.1-4.2). Addition is XOR.
//! Multiplication is shift-and-add with masks instead of log/exp tables, so
//! no memory access depends on a secret byte; inversion is a^254.

use zeroize::Zeroizing;

/// x^8 reduced: x^4 + x^3 + x + 1.
const REDUCE: u8 = 0x1b;

/// The product of two field elements, in constant time.
pub(super) fn mul(a: u8, b: u8) -> u8 {
    let (mut a, mut b, mut product) = (a, b, 0u8);
    for _ in 0..8 {
        product ^= a & 0u8.wrapping_sub(b & 1);
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (REDUCE & carry);
        b >>= 1;
    }
    product
}

/// The multiplicative inverse (a^254, by a fixed square-and-multiply
/// chain); 0 maps to 0, which callers never pass.
pub(super) fn inv(a: u8) -> u8 {
    // Six rounds of square-then-multiply give a^127; one more squaring, a^254.
    let mut r = a;
    for _ in 0..6 {
        r = mul(mul(r, r), a);
    }
    mul(r, r)
}

/// Evaluates at `x` the polynomials of lowest degree through `points`
/// (x_i, y_i), one polynomial per byte position. `None` when two x_i are
/// equal or the y vectors differ in length.
pub(super) fn interpolate(points: &[(u8, &[u8])], x: u8) -> Option<Zeroizing<Vec<u8>>> {
    let len = points.first()?.1.len();
    if points.iter().any(|(_, y)| y.len() != len) {
        return None;
    }
    let mut out = Zeroizing::new(vec![0u8; len]);
    for (i, &(xi, yi)) in points.iter().enumerate() {
        let basis = basis_at(points, i, xi, x)?;
        for (o, &y) in out.iter_mut().zip(yi) {
            *o ^= mul(y, basis);
        }
    }
    Some(out)
}

/// The Lagrange basis polynomial of point `i` evaluated at `x`:
/// the product over j != i of (x - x_j) / (x_i - x_j).
fn basis_at(points: &[(u8, &[u8])], i: usize, xi: u8, x: u8) -> Option<u8> {
    let (mut num, mut den) = (1u8, 1u8);
    for (j, &(xj, _)) in points.iter().enumerate() {
        if j == i {
            continue;
        }
        if xi == xj {
            return None;
        }
        num = mul(num, x ^ xj);
        den = mul(den, xi ^ xj);
    }
    Some(mul(num, inv(den)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Multiplication by repeated xtime, written independently of `mul`.
    fn slow_mul(a: u8, b: u8) -> u8 {
        let mut acc = 0u8;
        let mut p = a;
        for bit in 0..8 {
            if b >> bit & 1 == 1 {
                acc ^= p;
            }
            p = if p & 0x80 != 0 {
                (p << 1) ^ 0x1b
            } else {
                p << 1
            };
        }
        acc
    }

    #[test]
    fn fips197_examples() {
        // FIPS-197 section 4.2: {57} x {83} = {c1}; 4.2.1: {57} x {13} = {fe}.
        assert_eq!(mul(0x57, 0x83), 0xc1);
        assert_eq!(mul(0x57, 0x13), 0xfe);
        // Section 5.1.1: the S-box step inverts {53} to {ca}.
        assert_eq!(inv(0x53), 0xca);
    }

    #[test]
    fn field_laws_exhaustive() {
        for a in 0..=255u8 {
            assert_eq!(mul(a, 1), a);
            assert_eq!(mul(a, 0), 0);
            if a != 0 {
                assert_eq!(mul(a, inv(a)), 1, "inverse of {a}");
            }
            for b in 0..=255u8 {
                assert_eq!(mul(a, b), slow_mul(a, b));
            }
        }
        assert_eq!(inv(0), 0);
    }

    #[test]
    fn interpolation_recovers_polynomial() {
        // f(x) = 7 + 3x + 5x^2 per byte, with a second byte 2f.
        let f = |x: u8| {
            let v = 7 ^ mul(3, x) ^ mul(5, mul(x, x));
            [v, mul(2, v)]
        };
        let ys: Vec<[u8; 2]> = [1u8, 9, 200].iter().map(|&x| f(x)).collect();
        let pts: Vec<(u8, &[u8])> = [1u8, 9, 200]
            .iter()
            .zip(&ys)
            .map(|(&x, y)| (x, &y[..]))
            .collect();
        for x in [0u8, 1, 2, 254, 255] {
            assert_eq!(&interpolate(&pts, x).unwrap()[..], &f(x)[..]);
        }
        let dup = [(3u8, &[1u8][..]), (3, &[2u8][..])];
        assert!(interpolate(&dup, 0).is_none());
        let ragged = [(3u8, &[1u8][..]), (4, &[2u8, 3][..])];
        assert!(interpolate(&ragged, 0).is_none());
        assert!(interpolate(&[], 0).is_none());
    }
}
