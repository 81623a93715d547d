//! The RS1024 checksum of SLIP-39 "Checksum": a Reed-Solomon code over
//! GF(1024) whose last three 10-bit words detect any error in up to three
//! words. The customization string fed in before the data is "shamir" for
//! shares with `ext` = 0 and "shamir_extendable" for `ext` = 1, so a share
//! whose flag bit is flipped fails its checksum.

/// The generator constants, from the spec's `rs1024_polymod`.
const GEN: [u32; 10] = [
    0x00e0_e040,
    0x01c1_c080,
    0x0383_8100,
    0x0707_0200,
    0x0e0e_0009,
    0x1c0c_2412,
    0x3808_6c24,
    0x3090_fc48,
    0x21b1_f890,
    0x03f3_f120,
];

/// Number of checksum words at the end of a share.
pub(super) const CHECKSUM_WORDS: usize = 3;

fn customization(extendable: bool) -> &'static [u8] {
    if extendable {
        b"shamir_extendable"
    } else {
        b"shamir"
    }
}

fn polymod(values: impl Iterator<Item = u32>) -> u32 {
    let mut chk = 1u32;
    for v in values {
        let top = chk >> 20;
        chk = ((chk & 0x000f_ffff) << 10) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            chk ^= g & 0u32.wrapping_sub((top >> i) & 1);
        }
    }
    chk
}

fn values<'a>(extendable: bool, data: &'a [u16]) -> impl Iterator<Item = u32> + 'a {
    let cs = customization(extendable).iter().map(|&b| u32::from(b));
    cs.chain(data.iter().map(|&w| u32::from(w)))
}

/// The three checksum words for `data` (the share's words before them).
pub(super) fn create(extendable: bool, data: &[u16]) -> [u16; CHECKSUM_WORDS] {
    let pm = polymod(values(extendable, data).chain([0, 0, 0])) ^ 1;
    // Each word is masked to 10 bits, so the casts cannot truncate.
    [
        ((pm >> 20) & 1023) as u16,
        ((pm >> 10) & 1023) as u16,
        (pm & 1023) as u16,
    ]
}

/// True when `words` (data followed by its three checksum words) is valid.
pub(super) fn verify(extendable: bool, words: &[u16]) -> bool {
    polymod(values(extendable, words)) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_then_verify_and_detect_errors() {
        let data: Vec<u16> = (0..17).map(|i| (i * 97 + 5) % 1024).collect();
        for ext in [false, true] {
            let mut all = data.clone();
            all.extend(create(ext, &data));
            assert!(verify(ext, &all));
            assert!(!verify(!ext, &all), "the flag is in the checksum");
            for pos in 0..all.len() {
                let mut bad = all.clone();
                bad[pos] ^= 0x155;
                assert!(!verify(ext, &bad), "one wrong word at {pos}");
            }
            let mut three = all.clone();
            for p in [0, 7, 19] {
                three[p] ^= 1;
            }
            assert!(
                !verify(ext, &three),
                "three wrong words are always detected"
            );
        }
    }
}
