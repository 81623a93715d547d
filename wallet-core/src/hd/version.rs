//! Extended-key version bytes: the BIP32 pairs (`xprv`/`xpub`, `tprv`/`tpub`)
//! and the SLIP-132 ones that also name a script type (`ypub`, `zpub`, …) or
//! a Litecoin network (`Ltub`, `Mtub`, `ttub`), as one table that parsing
//! and serialisation both read.

/// The address scheme an extended-key version hints at (BIP44/49/84 purposes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// BIP44: P2PKH.
    Bip44,
    /// BIP49: P2SH-P2WPKH.
    Bip49,
    /// BIP84: P2WPKH.
    Bip84,
    /// BIP86: P2TR key path.
    Bip86,
}

impl Purpose {
    /// The purpose number used as the first path level.
    #[must_use]
    pub const fn number(self) -> u32 {
        match self {
            Purpose::Bip44 => 44,
            Purpose::Bip49 => 49,
            Purpose::Bip84 => 84,
            Purpose::Bip86 => 86,
        }
    }

    /// The purpose whose number is `n`.
    #[must_use]
    pub const fn from_number(n: u32) -> Option<Self> {
        match n {
            44 => Some(Purpose::Bip44),
            49 => Some(Purpose::Bip49),
            84 => Some(Purpose::Bip84),
            86 => Some(Purpose::Bip86),
            _ => None,
        }
    }
}

/// Which family of networks a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionNet {
    /// Bitcoin mainnet versions (`xpub`, `ypub`, `zpub`); Ethereum uses them too.
    BitcoinMain,
    /// Test networks of Bitcoin (and Litecoin): `tpub`, `upub`, `vpub`.
    Test,
    /// Litecoin mainnet versions (`Ltub`, `Mtub`).
    LitecoinMain,
    /// Litecoin testnet (`ttub`).
    LitecoinTest,
}

/// A known pair of extended-key versions (private, public) and what they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyVersion {
    /// The four-character prefix of the private form (`xprv`).
    pub private_prefix: &'static str,
    /// The four-character prefix of the public form (`xpub`).
    pub public_prefix: &'static str,
    /// Version bytes of the private form.
    pub private: u32,
    /// Version bytes of the public form.
    pub public: u32,
    /// Network family.
    pub net: VersionNet,
    /// The script type the version implies (SLIP-132).
    pub purpose: Purpose,
}

macro_rules! version {
    ($name:ident, $prv:literal, $pbl:literal, $p:literal, $q:literal, $net:ident, $purpose:ident) => {
        #[doc = concat!("`", $prv, "` / `", $pbl, "`.")]
        pub const $name: KeyVersion = KeyVersion {
            private_prefix: $prv,
            public_prefix: $pbl,
            private: $p,
            public: $q,
            net: VersionNet::$net,
            purpose: Purpose::$purpose,
        };
    };
}

impl KeyVersion {
    // Values: BIP32 (xprv/tprv), SLIP-0132 (y/z/u/v, Ltub/Mtub, ttub).
    version!(
        XPRV,
        "xprv",
        "xpub",
        0x0488_ADE4,
        0x0488_B21E,
        BitcoinMain,
        Bip44
    );
    version!(
        YPRV,
        "yprv",
        "ypub",
        0x049D_7878,
        0x049D_7CB2,
        BitcoinMain,
        Bip49
    );
    version!(
        ZPRV,
        "zprv",
        "zpub",
        0x04B2_430C,
        0x04B2_4746,
        BitcoinMain,
        Bip84
    );
    version!(TPRV, "tprv", "tpub", 0x0435_8394, 0x0435_87CF, Test, Bip44);
    version!(UPRV, "uprv", "upub", 0x044A_4E28, 0x044A_5262, Test, Bip49);
    version!(VPRV, "vprv", "vpub", 0x045F_18BC, 0x045F_1CF6, Test, Bip84);
    version!(
        LTPV,
        "Ltpv",
        "Ltub",
        0x019D_9CFE,
        0x019D_A462,
        LitecoinMain,
        Bip44
    );
    version!(
        MTPV,
        "Mtpv",
        "Mtub",
        0x01B2_6792,
        0x01B2_6EF6,
        LitecoinMain,
        Bip49
    );
    version!(
        TTPV,
        "ttpv",
        "ttub",
        0x0436_EF7D,
        0x0436_F6E1,
        LitecoinTest,
        Bip44
    );

    /// Every version this SDK reads and writes.
    pub const ALL: [KeyVersion; 9] = [
        Self::XPRV,
        Self::YPRV,
        Self::ZPRV,
        Self::TPRV,
        Self::UPRV,
        Self::VPRV,
        Self::LTPV,
        Self::MTPV,
        Self::TTPV,
    ];

    /// The version pair whose private or public bytes are `v`, and whether `v` is the private one.
    #[must_use]
    pub fn lookup(v: u32) -> Option<(KeyVersion, bool)> {
        Self::ALL.iter().find_map(|k| {
            if k.private == v {
                Some((*k, true))
            } else if k.public == v {
                Some((*k, false))
            } else {
                None
            }
        })
    }

    /// The version pair whose private or public prefix is `prefix` (case-sensitive).
    #[must_use]
    pub fn by_prefix(prefix: &str) -> Option<KeyVersion> {
        Self::ALL
            .iter()
            .find(|k| k.private_prefix == prefix || k.public_prefix == prefix)
            .copied()
    }

    /// True for test-network versions.
    #[must_use]
    pub fn is_test(self) -> bool {
        matches!(self.net, VersionNet::Test | VersionNet::LitecoinTest)
    }
}

/// Multisig SLIP-132 versions we recognise only to refuse them clearly.
pub(super) const MULTISIG_VERSIONS: [(u32, &str); 8] = [
    (0x0295_B005, "Yprv"),
    (0x0295_B43F, "Ypub"),
    (0x02AA_7A99, "Zprv"),
    (0x02AA_7ED3, "Zpub"),
    (0x0242_85B5, "Uprv"),
    (0x0242_89EF, "Upub"),
    (0x0257_5048, "Vprv"),
    (0x0257_5483, "Vpub"),
];

/// The multisig prefix whose version bytes are `v`, if it is one.
pub(super) fn multisig_prefix(v: u32) -> Option<&'static str> {
    MULTISIG_VERSIONS
        .iter()
        .find(|(m, _)| *m == v)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_bytes_and_prefix() {
        assert_eq!(
            KeyVersion::lookup(0x04B2_4746),
            Some((KeyVersion::ZPRV, false))
        );
        assert_eq!(
            KeyVersion::lookup(0x0488_ADE4),
            Some((KeyVersion::XPRV, true))
        );
        assert_eq!(KeyVersion::lookup(0x0102_0304), None);
        assert_eq!(KeyVersion::by_prefix("Mtub"), Some(KeyVersion::MTPV));
        assert_eq!(KeyVersion::by_prefix("XPUB"), None);
        assert!(KeyVersion::TTPV.is_test() && !KeyVersion::LTPV.is_test());
        assert_eq!(multisig_prefix(0x02AA_7ED3), Some("Zpub"));
        assert_eq!(multisig_prefix(0x0488_B21E), None);
    }
}
