//! The place of a share in its set: group and member indices (4 bits each
//! in the share, "Format of the share mnemonic"). Kept apart from `share` so
//! errors can name them without depending on the share parser.

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub(super) u8);

        impl $name {
            /// From the 0-based value stored in the share (0 to 15).
            #[must_use]
            pub fn new(index: u8) -> Option<Self> {
                (index < 16).then_some(Self(index))
            }

            /// The 0-based value stored in the share (the x coordinate).
            #[must_use]
            pub fn index(self) -> u8 {
                self.0
            }

            /// The 1-based number to show people ("group 1" is index 0).
            #[must_use]
            pub fn number(self) -> u8 {
                self.0 + 1
            }
        }
    };
}

index_type!(
    /// Which group a share belongs to.
    GroupIndex
);
index_type!(
    /// Which member of its group a share is.
    MemberIndex
);
