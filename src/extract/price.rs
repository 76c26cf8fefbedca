//! Price strings to [`Money`]: amount as an exact decimal, currency as ISO 4217.
//!
//! Written here because no maintained Rust crate parses shop price strings
//! (`1.299,00 €`, `US $12.99`, `¥1,299`, `899元`); the rules follow what real shop
//! pages print.

use std::str::FromStr;

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use crate::money::{Currency, Money};

/// Currency markers, longest first so `US $` wins over `$`. `None` means "a dollar or
/// yen sign: take the page's currency if it is one of that family".
const MARKERS: &[(&str, Option<&str>)] = &[
    ("US $", Some("USD")),
    ("US$", Some("USD")),
    ("USD", Some("USD")),
    ("C$", Some("CAD")),
    ("CA$", Some("CAD")),
    ("A$", Some("AUD")),
    ("AU$", Some("AUD")),
    ("HK$", Some("HKD")),
    ("NZ$", Some("NZD")),
    ("S$", Some("SGD")),
    ("R$", Some("BRL")),
    ("CN¥", Some("CNY")),
    ("RMB", Some("CNY")),
    ("CNY", Some("CNY")),
    ("元", Some("CNY")),
    ("人民币", Some("CNY")),
    ("JP¥", Some("JPY")),
    ("円", Some("JPY")),
    ("EUR", Some("EUR")),
    ("€", Some("EUR")),
    ("GBP", Some("GBP")),
    ("£", Some("GBP")),
    ("zł", Some("PLN")),
    ("PLN", Some("PLN")),
    ("руб", Some("RUB")),
    ("₽", Some("RUB")),
    ("RUB", Some("RUB")),
    ("₹", Some("INR")),
    ("Rs.", Some("INR")),
    ("INR", Some("INR")),
    ("₩", Some("KRW")),
    ("원", Some("KRW")),
    ("KRW", Some("KRW")),
    ("CHF", Some("CHF")),
    ("kr", Some("SEK")),
    ("Kč", Some("CZK")),
    ("₺", Some("TRY")),
    ("$", None),
    ("¥", None),
];

fn currency_in(text: &str, default: &Currency) -> Option<Currency> {
    for (marker, code) in MARKERS {
        if text.contains(marker) {
            let code = match (code, *marker) {
                (Some(c), _) => *c,
                (None, "$") => match default.code() {
                    "USD" | "CAD" | "AUD" | "NZD" | "HKD" | "SGD" | "MXN" | "TWD" => default.code(),
                    _ => "USD",
                },
                (None, _) => match default.code() {
                    "JPY" => "JPY",
                    _ => "CNY",
                },
            };
            return Currency::new(code).ok();
        }
    }
    None
}

/// The numbers in `text`, in order, as decimals.
fn numbers(text: &str) -> Vec<Decimal> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A run of digits with separators inside (never at the end).
        let start = i;
        let mut end = i;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                end = j + 1;
                j += 1;
            } else if matches!(c, '.' | ',' | '\'' | ' ' | '\u{2009}' | '\u{202f}')
                && j + 1 < chars.len()
                && chars[j + 1].is_ascii_digit()
            {
                j += 1;
            } else {
                break;
            }
        }
        let raw: String = chars[start..end].iter().collect();
        if let Some(d) = number(&raw) {
            out.push(d);
        }
        i = end.max(i + 1);
    }
    out
}

/// One number with thousands and decimal separators in any of the usual styles.
fn number(raw: &str) -> Option<Decimal> {
    let raw: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\'' | '\u{2009}' | '\u{202f}'))
        .collect();
    let last_dot = raw.rfind('.');
    let last_comma = raw.rfind(',');
    let decimal_sep = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(_), None) => sep_is_decimal(&raw, '.').then_some('.'),
        (None, Some(_)) => sep_is_decimal(&raw, ',').then_some(','),
        (None, None) => None,
    };
    let mut s = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '0'..='9' => s.push(c),
            c if Some(c) == decimal_sep => s.push('.'),
            _ => {}
        }
    }
    Decimal::from_str(&s).ok()
}

/// With only one kind of separator: it is a decimal point when it appears once and is
/// not followed by exactly three digits (`12,99`, `1.5`); `1,299` and `1.299` are
/// thousands, as shops write them.
fn sep_is_decimal(raw: &str, sep: char) -> bool {
    let count = raw.matches(sep).count();
    if count != 1 {
        return false;
    }
    let after = raw.rsplit(sep).next().map_or(0, |s| s.len());
    after != 3
}

/// Cleans up text as pages write it: full-width forms (`￥８９９`) to ASCII,
/// non-breaking spaces to spaces.
fn normalize(text: &str) -> String {
    text.nfkc()
        .map(|c| if c == '\u{a0}' { ' ' } else { c })
        .collect()
}

/// Parses the first price in `text`; `default` is the currency when none is written.
pub fn parse_price(text: &str, default: &Currency) -> Option<Money> {
    let text = normalize(text);
    let amount = *numbers(&text).first()?;
    let currency = currency_in(&text, default).unwrap_or_else(|| default.clone());
    Some(Money::new(amount, currency))
}

/// Parses a price that may be a range (`$10 – $20`): the lowest amount counts.
pub fn parse_lowest_price(text: &str, default: &Currency) -> Option<Money> {
    let text = normalize(text);
    let amount = numbers(&text).into_iter().min()?;
    let currency = currency_in(&text, default).unwrap_or_else(|| default.clone());
    Some(Money::new(amount, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, default: &str) -> (String, String) {
        let m = parse_price(text, &Currency::new(default).unwrap()).unwrap();
        (m.amount.normalize().to_string(), m.currency.to_string())
    }

    #[test]
    fn formats_real_marketplaces_print() {
        let cases = [
            ("1.299,00 €", "USD", "1299", "EUR"),
            ("€1.299", "USD", "1299", "EUR"),
            ("¥1,299", "CNY", "1299", "CNY"),
            ("¥1,299.00", "CNY", "1299", "CNY"),
            ("￥899", "CNY", "899", "CNY"),
            ("CN¥899", "USD", "899", "CNY"),
            ("RMB 899", "USD", "899", "CNY"),
            ("US $12.99", "USD", "12.99", "USD"),
            ("12,99 zł", "PLN", "12.99", "PLN"),
            ("1 299,00 руб.", "RUB", "1299", "RUB"),
            ("₹1,49,999", "INR", "149999", "INR"),
            ("R$ 1.299,90", "BRL", "1299.9", "BRL"),
            ("899元", "CNY", "899", "CNY"),
            ("$49.99", "USD", "49.99", "USD"),
            ("49.99", "USD", "49.99", "USD"),
        ];
        for (text, default, amount, currency) in cases {
            assert_eq!(
                p(text, default),
                (amount.to_string(), currency.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn ranges_count_their_lowest() {
        let usd = Currency::new("USD").unwrap();
        let m = parse_lowest_price("$20 – $10", &usd).unwrap();
        assert_eq!(m.amount, Decimal::from(10));
    }

    #[test]
    fn no_number_no_price() {
        assert!(parse_price("Call for price", &Currency::new("USD").unwrap()).is_none());
    }
}
