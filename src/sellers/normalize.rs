//! Identity values as pages write them, reduced to what identifies: the same phone
//! written `(852) 2345-6789` and `+852 23456789`, the same company written
//! `ＡＣＭＥ有限公司` and `Acme Ltd.`, compare equal after these functions.

use crate::ident::fold;

/// A phone number in E.164 (`+85223456789`), read with libphonenumber's rules (the
/// `phonenumber` crate) in the marketplace's country when it is written without a
/// country code. `None` for what identifies no line: fewer than six digits of
/// national number, all zeros, or nothing a phone parser reads.
pub fn phone(shown: &str, country: Option<&str>) -> Option<String> {
    let region = country.and_then(|c| c.parse::<phonenumber::country::Id>().ok());
    // Full-width digits and the 00 international prefix, as shops write them.
    let folded = fold(shown);
    let folded = match folded.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => folded,
    };
    let n = phonenumber::parse(region, &folded).ok()?;
    let national = n.national().value().to_string();
    if national.len() <= 5 || national.bytes().all(|b| b == b'0') {
        return None;
    }
    Some(n.format().mode(phonenumber::Mode::E164).to_string())
}

/// An e-mail address, case-folded; `None` unless it is well formed (one `@`, a
/// local part, a domain with a dot and no spaces).
pub fn email(shown: &str) -> Option<String> {
    let e = fold(shown);
    let e = e.strip_prefix("mailto:").unwrap_or(&e);
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace);
    ok.then(|| e.to_string())
}

/// Company-form words, in the languages of the marketplaces (longest first where
/// one ends another).
const COMPANY_FORMS: &[&str] = &[
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "limited",
    "company",
    "corporation",
    "incorporated",
    "gmbh",
    "ltd",
    "llc",
    "inc",
    "corp",
    "co",
    "ag",
    "sarl",
    "sas",
    "bv",
    "srl",
    "spa",
    "plc",
    "公司",
];

/// A company's legal name without its company form and punctuation, width- and
/// case-folded: `Pacific Sound Co., Ltd.` and `PACIFIC SOUND CO LTD` are one name.
pub fn company(shown: &str) -> String {
    let mut words: Vec<String> = fold(shown)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    // Forms come last (`… Co., Ltd.`) or first (`株式会社…`).
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| COMPANY_FORMS.contains(&w.as_str()))
    {
        words.pop();
    }
    let mut s = words.concat();
    for form in COMPANY_FORMS.iter().filter(|f| !f.is_ascii()) {
        for _ in 0..2 {
            if let Some(rest) = s.strip_suffix(form).or_else(|| s.strip_prefix(form))
                && !rest.is_empty()
            {
                s = rest.to_string();
            }
        }
    }
    s
}

/// Address words with one written form (`Road` and `Rd.` are one word).
const ADDRESS_WORDS: &[(&str, &str)] = &[
    ("road", "rd"),
    ("street", "st"),
    ("avenue", "ave"),
    ("boulevard", "blvd"),
    ("building", "bldg"),
    ("floor", "f"),
    ("suite", "ste"),
    ("room", "rm"),
    ("unit", "rm"),
    ("flat", "rm"),
    ("hong kong", "hk"),
    ("kowloon", "kln"),
    ("district", "dist"),
    ("number", "no"),
];

/// An address reduced for comparison: folded, punctuation dropped, common words in
/// one form, the words sorted (pages put the flat before or after the street).
/// Only ever compared together with a legal name ([`super::network`]): two
/// companies at one address are neighbours, not one seller.
pub fn address(shown: &str) -> String {
    let mut s = format!(
        " {} ",
        fold(shown)
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    for (long, short) in ADDRESS_WORDS {
        s = s.replace(&format!(" {long} "), &format!(" {short} "));
    }
    // "8/F" and "8th floor" → "8 f"; ordinal suffixes go.
    let mut words: Vec<String> = s
        .split_whitespace()
        .map(|w| {
            let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = &w[digits.len()..];
            if !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && matches!(suffix, "st" | "nd" | "rd" | "th")
            {
                digits.to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    words.sort();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_written_differently_are_one_number() {
        let hk = Some("HK");
        let e164 = phone("+852 2345 6789", hk);
        assert_eq!(e164.as_deref(), Some("+85223456789"));
        for written in [
            "(852) 2345-6789",
            "00852 23456789",
            "2345 6789",
            "＋８５２ ２３４５ ６７８９",
        ] {
            assert_eq!(phone(written, hk), e164, "{written}");
        }
        // The same digits read in the US are another line.
        assert_ne!(phone("2345 6789", Some("US")), e164);
        for junk in ["000000", "+1 000 000 0000", "12345", "n/a", ""] {
            assert_eq!(phone(junk, Some("US")), None, "{junk}");
        }
    }

    #[test]
    fn emails_fold_and_must_be_well_formed() {
        assert_eq!(
            email(" Sales@Shop.Example ").as_deref(),
            Some("sales@shop.example")
        );
        assert_eq!(email("mailto:a@b.cn").as_deref(), Some("a@b.cn"));
        for bad in ["n/a", "a@b", "@b.com", "a@@b.com", "a b@c.com", "a@.com"] {
            assert_eq!(email(bad), None, "{bad}");
        }
    }

    #[test]
    fn company_forms_and_widths_go() {
        assert_eq!(company("Pacific Sound Co., Ltd."), "pacificsound");
        assert_eq!(company("PACIFIC SOUND CO LTD"), "pacificsound");
        assert_eq!(company("深圳市华强电子有限公司"), "深圳市华强电子");
        assert_eq!(company("株式会社ノースウィンド"), "ノースウィンド");
        assert_eq!(company("Ｎｏｒｔｈｗｉｎｄ Audio GmbH"), "northwindaudio");
        // A name that is only a form stays itself.
        assert_eq!(company("Ltd"), "ltd");
    }

    #[test]
    fn addresses_written_differently_compare_equal() {
        assert_eq!(
            address("Flat 12, 8/F, 33 Kwun Tong Road, Kowloon, Hong Kong"),
            address("8th Floor, Rm 12, 33 Kwun Tong Rd., KLN, HK")
        );
        assert_ne!(
            address("33 Kwun Tong Road, Hong Kong"),
            address("35 Kwun Tong Road, Hong Kong")
        );
    }
}
