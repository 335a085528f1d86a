//! Lower case and letters for matching: headers against their known names, stage and
//! status words, e-mail addresses and names as keys.
//!
//! std's `to_lowercase` carries Unicode's whole case table, 7.9 KB of the page's gzipped
//! download (2 % of the budget), and `is_alphanumeric` its tables of letters and digits,
//! 2 KB more. What this app compares is written in Latin, Greek or Cyrillic letters, Chinese
//! (which has no case) or full-width Latin letters typed with a Chinese input method, so those
//! scripts' capitals are lowered by their code points' layout and any other character is kept
//! as it is. Where std lowers a character of these scripts
//! to one character, this gives the same one (a test checks every code point); the few it
//! lowers to two (`İ`) or by context (a final `Σ`) give their plain lower case letter.

/// `c` in lower case, where its script is one of those this module lowers.
pub fn lower_char(c: char) -> char {
    let u = u32::from(c);
    let to = match u {
        0x41..=0x5A => u + 32,
        0x00..=0x7F => u,
        // Latin-1: À to Þ, but not ×.
        0xC0..=0xDE if u != 0xD7 => u + 32,
        // Latin Extended-A: capitals and small letters in pairs, each capital first, the
        // pairs shifted by one between ĸ and ŉ; Ÿ's small letter is in Latin-1.
        0x130 => 0x69,
        0x178 => 0xFF,
        0x139..=0x148 | 0x179..=0x17E if u % 2 == 1 => u + 1,
        0x100..=0x137 | 0x14A..=0x177 if u % 2 == 0 => u + 1,
        // Latin Extended-B, as used in Romanian, Vietnamese and Pinyin.
        0x218..=0x21F | 0x222..=0x233 if u % 2 == 0 => u + 1,
        0x1A0 | 0x1AF => u + 1,
        0x1CD..=0x1DC if u % 2 == 1 => u + 1,
        // Greek: the accented capitals, then Α to Ω (no capital final sigma).
        0x386 => 0x3AC,
        0x388..=0x38A => u + 37,
        0x38C => 0x3CC,
        0x38E..=0x38F => u + 63,
        0x391..=0x3AB if u != 0x3A2 => u + 32,
        // Cyrillic: Ѐ to Џ, А to Я, and the pairs of the letters of other languages.
        0x400..=0x40F => u + 80,
        0x410..=0x42F => u + 32,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F if u % 2 == 0 => u + 1,
        0x4C0 => 0x4CF,
        0x4C1..=0x4CE if u % 2 == 1 => u + 1,
        // Latin Extended Additional (Vietnamese among others), in pairs; ẞ is ß.
        0x1E9E => 0xDF,
        0x1E00..=0x1E95 | 0x1EA0..=0x1EFF if u % 2 == 0 => u + 1,
        // Full-width Ａ to Ｚ.
        0xFF21..=0xFF3A => u + 32,
        _ => u,
    };
    char::from_u32(to).unwrap_or(c)
}

/// `text` in lower case (see [`lower_char`]).
///
/// ```
/// use crm_kpi::engine::case::lower;
/// assert_eq!(lower("DATE DE CRÉATION"), "date de création");
/// assert_eq!(lower("ЭТАП Сделки"), "этап сделки");
/// assert_eq!(lower("ＣＲＭ 商机"), "ｃｒｍ 商机");
/// ```
pub fn lower(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().map(lower_char).collect()
}

/// A letter or digit, not punctuation, a symbol or a space: in ASCII and Latin-1 as std's
/// `is_alphanumeric` says; above Latin-1, any character outside the blocks of
/// punctuation, symbols and spaces (the general punctuation to dingbats, CJK punctuation,
/// full-width punctuation, combining accents) and the emoji planes. A test compares it with
/// std in the scripts exports are written in.
pub fn is_word_char(c: char) -> bool {
    let u = u32::from(c);
    match u {
        0..=0xBF => {
            c.is_ascii_alphanumeric()
                || matches!(u, 0xAA | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xBA | 0xBC..=0xBE)
        }
        0xD7 | 0xF7 => false,
        0x300..=0x36F | 0x387 | 0x482..=0x489 | 0x2000..=0x2BFF => false,
        0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 => false,
        0xFE30..=0xFE6F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 => {
            false
        }
        0x1F000.. => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What std lowers a character to, when that is one character.
    fn std_lower(c: char) -> Option<char> {
        let mut l = c.to_lowercase();
        match (l.next(), l.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    /// Every character is kept or lowered as std lowers it, and in the ranges this module
    /// lowers whole (Latin-1, Latin Extended-A and Additional, Greek's Α to Ω, Cyrillic and
    /// the full-width capitals) every capital std lowers to one character is lowered.
    #[test]
    fn lowers_as_std_does_in_the_scripts_it_knows() {
        let whole = |u: u32| matches!(u, 0..=0x17F | 0x386..=0x3AB | 0x400..=0x52F | 0x1E00..=0x1EFF | 0xFF21..=0xFF3A);
        let mut lowered = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let (u, ours) = (u32::from(c), lower_char(c));
            match std_lower(c) {
                _ if ours == c => {
                    let kept = std_lower(c).is_none_or(|l| l == c || !whole(u));
                    assert!(kept, "U+{u:04X} {c} is not lowered");
                }
                Some(l) => assert_eq!(ours, l, "U+{u:04X} {c}"),
                // `İ`: std gives `i` and a combining dot.
                None => assert_eq!((u, ours), (0x130, 'i'), "U+{u:04X} {c}"),
            }
            lowered += usize::from(ours != c);
        }
        assert!(lowered > 450, "{lowered}");
    }

    /// Letters and digits are told from punctuation, symbols and spaces as std tells them, in
    /// Latin, Greek, Cyrillic, Chinese with its punctuation, the full-width forms and the
    /// blocks of punctuation and symbols.
    #[test]
    fn tells_letters_as_std_does_in_the_scripts_exports_use() {
        let checked = [
            0..=0x24F,
            0x386..=0x38A,
            0x38C..=0x38C,
            0x38E..=0x3A1,
            0x3A3..=0x3CE,
            0x400..=0x4FF,
            0x1E00..=0x1EFF,
            0x2000..=0x206F,
            0x20A0..=0x20BF,
            0x3000..=0x3020,
            0x4E00..=0x9FFF,
            0xFF01..=0xFF5E,
        ];
        for c in checked.into_iter().flatten().filter_map(char::from_u32) {
            assert_eq!(
                is_word_char(c),
                c.is_alphanumeric(),
                "U+{:04X} {c}",
                u32::from(c)
            );
        }
        assert!(!is_word_char('👍') && !is_word_char('\u{301}'));
    }

    #[test]
    fn lowers_whole_texts() {
        assert_eq!(lower("Deal Stage"), "deal stage");
        assert_eq!(lower("ŁUKASZ Żółć"), "łukasz żółć");
        assert_eq!(lower("NGÀY TẠO"), "ngày tạo");
        assert_eq!(lower("ΣΤΆΔΙΟ"), "στάδιο");
        assert_eq!(lower("负责人"), "负责人");
    }
}
