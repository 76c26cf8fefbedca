//! Company registration numbers as seller pages print them, and the check
//! characters that tell a real number from a typo or an invented one.
//!
//! Written here rather than taken from a crate: no maintained crate checks China's
//! unified social credit code or Japan's corporate number; both checks are a
//! weighted sum of a few lines, specified in the standards cited below.

use serde::{Deserialize, Serialize};

/// What kind of registration number a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.
    ChinaUscc,
    /// 法人番号 (Japan's corporate number): 13 digits, the first a check digit.
    JapanCorporate,
    /// An EU VAT identification number: country prefix and up to 12 characters.
    EuVat,
    /// Any other register's number (a trade register entry, a state file number):
    /// no check character is known, so only its shape is checked.
    Other,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::ChinaUscc => "cn_uscc",
            Scheme::JapanCorporate => "jp_corporate_number",
            Scheme::EuVat => "eu_vat",
            Scheme::Other => "registration",
        }
    }
}

/// The 31 characters of a unified social credit code (no I, O, S, V, Z).
const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31), GB 32100-2015 §5.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Whether an 18-character code is a unified social credit code with the right
/// check character (upper case, no separators).
pub fn is_valid_uscc(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let value = |c: u8| USCC_CHARS.iter().position(|&x| x == c).map(|v| v as u32);
    let mut sum = 0;
    for (c, w) in b[..17].iter().zip(USCC_WEIGHTS) {
        match value(*c) {
            Some(v) => sum += v * w,
            None => return false,
        }
    }
    let check = (31 - sum % 31) % 31;
    value(b[17]) == Some(check)
}

/// Whether a 13-digit number is a Japanese corporate number with the right check
/// digit (the first): 9 − (Σ Pn·Qn mod 9), Pn the n-th digit counted from the
/// right of the other twelve, Qn 1 for odd n and 2 for even n (法人番号の指定等に
/// 関する省令 第2条).
pub fn is_valid_jp_corporate(number: &str) -> bool {
    let b = number.as_bytes();
    if b.len() != 13 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[1..]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    u32::from(b[0] - b'0') == 9 - sum % 9
}

/// EU member states' VAT prefixes (Greece writes EL; XI is Northern Ireland).
const VAT_PREFIXES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
];

/// A registration number as a page prints it, reduced to what identifies it, with
/// its scheme; `None` when it is not a number that can identify anyone (too short,
/// a wrong check character, "N/A").
pub fn normalize(shown: &str) -> Option<(Scheme, String)> {
    // Full-width characters to ASCII, then letters and digits only.
    let folded = crate::ident::fold(shown).to_uppercase();
    let compact: String = folded.chars().filter(char::is_ascii_alphanumeric).collect();
    if compact.len() == 18 && is_valid_uscc(&compact) {
        return Some((Scheme::ChinaUscc, compact));
    }
    if compact.len() == 13 && compact.bytes().all(|b| b.is_ascii_digit()) {
        return is_valid_jp_corporate(&compact).then_some((Scheme::JapanCorporate, compact));
    }
    // Most states' numbers are digits after the prefix; a few begin with a letter
    // (ATU…, FR's check letters, ES's and IE's letters, NL's …B01). `HRB 204518` is
    // a German trade register entry, not a Croatian VAT id.
    let letter_first = ["AT", "FR", "ES", "IE", "CY", "NL"];
    let vat = compact.get(..2).is_some_and(|p| VAT_PREFIXES.contains(&p))
        && (10..=14).contains(&compact.len())
        && (compact.as_bytes()[2].is_ascii_digit() || letter_first.contains(&&compact[..2]))
        && compact[2..].bytes().filter(u8::is_ascii_digit).count() >= 6;
    if vat {
        return Some((Scheme::EuVat, compact));
    }
    // Another register: its number is the longest run of digits (with the letters
    // after it: `12345 B`), whatever words surround it — `File No. 5839201
    // (Delaware)`, `DE file no. 5839201` and `5839201` are one number; a register's
    // letters before it (`HRB 204518`) are dropped, as pages write them or not. At
    // least six characters, and not one digit repeated ("000000").
    let core = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|t| t.trim_start_matches(|c: char| c.is_ascii_alphabetic()))
        .filter(|t| t.bytes().filter(u8::is_ascii_digit).count() >= 6)
        .max_by_key(|t| (t.len(), std::cmp::Reverse(*t)))?;
    let digits: Vec<u8> = core.bytes().filter(u8::is_ascii_digit).collect();
    let repeated = digits.windows(2).all(|w| w[0] == w[1]);
    (!repeated).then_some((Scheme::Other, core.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unified social credit codes published by their holders (on their own sites
    /// and the national enterprise credit information system), and the same codes
    /// with one character changed.
    #[test]
    fn unified_social_credit_codes_are_checked() {
        for valid in [
            // The example code commonly quoted with GB 32100-2015.
            "91350100M000100Y43",
            // Alibaba (China) Co., Ltd.
            "91330100716105852F",
            // Huawei Technologies Co., Ltd.
            "914403001922038216",
            // Tencent Technology (Shenzhen) Co., Ltd.
            "9144030071526726XG",
        ] {
            assert!(is_valid_uscc(valid), "{valid}");
            assert_eq!(
                normalize(&format!(" {} ", valid.to_lowercase())),
                Some((Scheme::ChinaUscc, valid.to_string()))
            );
        }
        for invalid in [
            "91350100M000100Y44",
            "91330100716105852G",
            "914403001922038215",
            // I and O are not in the code's alphabet.
            "91350100M0001O0Y43",
            "9135010OM000100Y4",
        ] {
            assert!(!is_valid_uscc(invalid), "{invalid}");
        }
        // Written with full-width characters and spaces, as Chinese pages do.
        assert_eq!(
            normalize("９１３５ ０１００ Ｍ０００ １００Ｙ４３"),
            Some((Scheme::ChinaUscc, "91350100M000100Y43".to_string()))
        );
    }

    /// Corporate numbers the National Tax Agency publishes (its own and others'), and
    /// the same numbers with a wrong check digit.
    #[test]
    fn japanese_corporate_numbers_are_checked() {
        for valid in [
            // 国税庁 (National Tax Agency).
            "7000012050002",
            // トヨタ自動車株式会社.
            "1180301018771",
            // ソニーグループ株式会社.
            "5010401067252",
        ] {
            assert!(is_valid_jp_corporate(valid), "{valid}");
            assert_eq!(
                normalize(&format!("法人番号: {valid}").replace("法人番号: ", "")),
                Some((Scheme::JapanCorporate, valid.to_string()))
            );
        }
        for invalid in [
            "8000012050002",
            "2180301018771",
            "501040106725",
            "70000120500O2",
        ] {
            assert!(!is_valid_jp_corporate(invalid), "{invalid}");
        }
        // 13 digits with a wrong check digit identify no one.
        assert_eq!(normalize("8000012050002"), None);
    }

    #[test]
    fn other_numbers_need_the_shape_of_a_number() {
        assert_eq!(
            normalize("DE 811 234 567"),
            Some((Scheme::EuVat, "DE811234567".to_string()))
        );
        assert_eq!(
            normalize("HRB 204518"),
            Some((Scheme::Other, "204518".to_string()))
        );
        for same in [
            "File No. 5839201 (Delaware)",
            "DE file no. 5839201",
            "5839201",
        ] {
            assert_eq!(
                normalize(same),
                Some((Scheme::Other, "5839201".to_string())),
                "{same}"
            );
        }
        for junk in ["N/A", "none", "000000", "1234", "abcdefgh", "-"] {
            assert_eq!(normalize(junk), None, "{junk}");
        }
    }
}
