//! Shamir's secret sharing over GF(256) with the SLIP-39 digest share
//! ("Sharing a secret": SplitSecret and RecoverSecret).
//!
//! For a threshold T >= 2 the polynomial goes through T - 2 random shares
//! at x = 0..T-3, the digest share D at x = 254 and the secret S at x = 255;
//! the other shares are read off it. D is the first 4 bytes of
//! HMAC-SHA256(key = R, msg = S) followed by the n - 4 random bytes R, so a
//! recovery checks itself (a random failure chance of 2^-32). For T = 1
//! every share is the secret itself.

use super::error::Slip39Error;
use super::gf256;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// x of the digest share.
const DIGEST_INDEX: u8 = 254;
/// x of the secret.
const SECRET_INDEX: u8 = 255;
/// Bytes of digest at the front of the digest share.
const DIGEST_LEN: usize = 4;

/// One share value with its x coordinate.
pub(super) type Point<'a> = (u8, &'a [u8]);

/// The first 4 bytes of HMAC-SHA256(key = `r`, msg = `secret`).
fn digest(r: &[u8], secret: &[u8]) -> Result<[u8; DIGEST_LEN], Slip39Error> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(r)
        .map_err(|_| Slip39Error::Internal("HMAC key rejected"))?;
    mac.update(secret);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(full.get(..DIGEST_LEN).unwrap_or(&[0; DIGEST_LEN]));
    Ok(out)
}

/// Splits `secret` (at least 16 bytes) into `count` shares, any `threshold`
/// of which recover it; share `i` of the result has x = i. The caller has
/// checked 1 <= threshold <= count <= 16.
pub(super) fn split_secret(
    threshold: u8,
    count: u8,
    secret: &[u8],
) -> Result<Vec<Zeroizing<Vec<u8>>>, Slip39Error> {
    if threshold == 1 {
        return Ok((0..count)
            .map(|_| Zeroizing::new(secret.to_vec()))
            .collect());
    }
    let n = secret.len();
    let mut digest_share = Zeroizing::new(vec![0u8; n]);
    let (d, r) = digest_share.split_at_mut(DIGEST_LEN);
    super::random_fill(r)?;
    d.copy_from_slice(&digest(r, secret)?);
    let mut shares: Vec<Zeroizing<Vec<u8>>> = Vec::with_capacity(usize::from(count));
    for _ in 0..threshold - 2 {
        let mut y = Zeroizing::new(vec![0u8; n]);
        super::random_fill(&mut y)?;
        shares.push(y);
    }
    let mut base: Vec<Point<'_>> = (0u8..).zip(shares.iter().map(|s| &s[..])).collect();
    base.push((DIGEST_INDEX, &digest_share[..]));
    base.push((SECRET_INDEX, secret));
    let mut rest = Vec::with_capacity(usize::from(count));
    for x in threshold - 2..count {
        rest.push(
            gf256::interpolate(&base, x).ok_or(Slip39Error::Internal("split interpolation"))?,
        );
    }
    drop(base);
    shares.extend(rest);
    Ok(shares)
}

/// Recovers the secret from exactly `threshold` points with distinct x,
/// checking the digest; `Ok(None)` when the digest does not match.
pub(super) fn recover_secret(
    threshold: u8,
    points: &[Point<'_>],
) -> Result<Option<Zeroizing<Vec<u8>>>, Slip39Error> {
    if threshold == 1 {
        let (_, y) = points
            .first()
            .ok_or(Slip39Error::Internal("no share to recover from"))?;
        return Ok(Some(Zeroizing::new(y.to_vec())));
    }
    let bad = Slip39Error::Internal("recovery interpolation");
    let secret = gf256::interpolate(points, SECRET_INDEX).ok_or(bad.clone())?;
    let digest_share = gf256::interpolate(points, DIGEST_INDEX).ok_or(bad)?;
    let (d, r) = digest_share.split_at(DIGEST_LEN.min(digest_share.len()));
    let expected = digest(r, &secret)?;
    let diff = d
        .iter()
        .zip(expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    Ok((diff == 0 && d.len() == DIGEST_LEN).then_some(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(shares: &[Zeroizing<Vec<u8>>], xs: &[u8]) -> Vec<(u8, Vec<u8>)> {
        xs.iter()
            .map(|&x| (x, shares[usize::from(x)].to_vec()))
            .collect()
    }

    fn recover(threshold: u8, pts: &[(u8, Vec<u8>)]) -> Option<Zeroizing<Vec<u8>>> {
        let borrowed: Vec<Point<'_>> = pts.iter().map(|(x, y)| (*x, &y[..])).collect();
        recover_secret(threshold, &borrowed).unwrap()
    }

    #[test]
    fn any_threshold_subset_recovers() {
        let secret: Vec<u8> = (100u8..116).collect();
        let shares = split_secret(3, 5, &secret).unwrap();
        assert_eq!(shares.len(), 5);
        for xs in [[0u8, 1, 2], [4, 2, 0], [1, 3, 4]] {
            let got = recover(3, &points(&shares, &xs)).expect("digest matches");
            assert_eq!(&got[..], &secret[..]);
        }
    }

    #[test]
    fn altered_share_fails_the_digest() {
        let secret = [9u8; 32];
        let shares = split_secret(2, 3, &secret).unwrap();
        let mut pts = points(&shares, &[0, 2]);
        pts[1].1[5] ^= 1;
        assert!(recover(2, &pts).is_none());
    }

    #[test]
    fn threshold_one_copies_the_secret() {
        let secret = [3u8; 16];
        let shares = split_secret(1, 1, &secret).unwrap();
        assert_eq!(&shares[0][..], &secret[..]);
        assert_eq!(&recover(1, &points(&shares, &[0])).unwrap()[..], &secret);
    }
}
