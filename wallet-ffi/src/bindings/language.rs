//! The BIP39 word lists as a bindings enum, apart from `types` so errors
//! (which report a phrase's language) do not depend on the selections.

use wallet_core::mnemonic;

/// A BIP39 word list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Language {
    /// English.
    English,
    /// Chinese, simplified characters.
    ChineseSimplified,
    /// Chinese, traditional characters.
    ChineseTraditional,
    /// Japanese (words separated by U+3000 IDEOGRAPHIC SPACE).
    Japanese,
    /// Korean.
    Korean,
    /// Spanish.
    Spanish,
    /// French.
    French,
    /// Italian.
    Italian,
    /// Czech.
    Czech,
    /// Portuguese.
    Portuguese,
}

impl From<Language> for mnemonic::Language {
    fn from(l: Language) -> Self {
        use mnemonic::Language as L;
        match l {
            Language::English => L::English,
            Language::ChineseSimplified => L::ChineseSimplified,
            Language::ChineseTraditional => L::ChineseTraditional,
            Language::Japanese => L::Japanese,
            Language::Korean => L::Korean,
            Language::Spanish => L::Spanish,
            Language::French => L::French,
            Language::Italian => L::Italian,
            Language::Czech => L::Czech,
            Language::Portuguese => L::Portuguese,
        }
    }
}

impl From<mnemonic::Language> for Language {
    fn from(l: mnemonic::Language) -> Self {
        use mnemonic::Language as L;
        match l {
            L::English => Language::English,
            L::ChineseSimplified => Language::ChineseSimplified,
            L::ChineseTraditional => Language::ChineseTraditional,
            L::Japanese => Language::Japanese,
            L::Korean => Language::Korean,
            L::Spanish => Language::Spanish,
            L::French => Language::French,
            L::Italian => Language::Italian,
            L::Czech => Language::Czech,
            L::Portuguese => Language::Portuguese,
        }
    }
}
