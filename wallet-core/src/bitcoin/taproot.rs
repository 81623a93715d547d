//! BIP341 key tweaking for key-path spends (BIP86: no script tree).

use crate::error::{Error, Result};
use crate::hash::tagged_hash;
use crate::key::PublicKey;

/// The BIP341 tweaked output key `Q = P + H_TapTweak(P || merkle_root)·G`,
/// where `P` is the even-y point with x coordinate `internal_key`.
/// Returns the x-only output key and whether `Q` has an odd y.
pub fn tweak_public_key(
    internal_key: &[u8; 32],
    merkle_root: Option<&[u8; 32]>,
) -> Result<([u8; 32], bool)> {
    let mut compressed = [0u8; 33];
    compressed[0] = 0x02;
    compressed[1..].copy_from_slice(internal_key);
    let p = PublicKey::from_slice(&compressed)
        .map_err(|_| Error::key("taproot internal key is not an x coordinate on secp256k1"))?;
    let tweak = match merkle_root {
        Some(root) => tagged_hash("TapTweak", &[internal_key, root]),
        None => tagged_hash("TapTweak", &[internal_key]),
    };
    let q = crate::hd::tweak_add_point(p.inner(), &tweak)
        .ok_or_else(|| Error::key("taproot tweak gives the point at infinity"))?;
    let q = PublicKey::from_inner(q);
    let enc = q.to_compressed();
    Ok((q.x_only(), enc[0] == 0x03))
}

/// The BIP86 output key of a public key (its x coordinate as internal key).
pub fn bip86_output_key(public_key: &PublicKey) -> Result<[u8; 32]> {
    tweak_public_key(&public_key.x_only(), None).map(|(q, _)| q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bip341_first_vector() {
        // bip341 wallet-test-vectors scriptPubKey[0]
        let mut p = [0u8; 32];
        hex::decode_to_slice(
            "d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d",
            &mut p,
        )
        .unwrap();
        let (q, _) = tweak_public_key(&p, None).unwrap();
        assert_eq!(
            hex::encode(q),
            "53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343"
        );
    }
}
