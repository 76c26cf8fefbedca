//! Price strings to [`Money`]: amount as an exact decimal, currency as ISO 4217.
//!
//! Written here because no maintained Rust crate parses shop price strings
//! (`1.299,00 €`, `US $12.99`, `¥1,299`, `899元`); the rules follow what real shop
//! pages print.

use std::str::FromStr;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use crate::money::{Currency, Money};

/// Currency markers as pages write them, and their ISO 4217 code. `$`, `¥` and `kr`
/// name a family (`FAMILY_*`): the page's own currency wins when it belongs to it.
/// Alphabetic markers only match as whole words ("Rs" not inside "Reviews").
#[rustfmt::skip]
const MARKERS: &[(&str, &str)] = &[
    ("US $", "USD"), ("US$", "USD"), ("USD", "USD"), ("$U", "UYU"), ("A$", "AUD"),
    ("AU$", "AUD"), ("AUD", "AUD"), ("B/.", "PAB"), ("BD", "BHD"), ("BZ$", "BZD"),
    ("Br", "BYN"), ("Bs", "VES"), ("C$", "CAD"), ("CA$", "CAD"), ("CAD", "CAD"),
    ("FCFA", "XAF"), ("CFA", "XOF"), ("CHF", "CHF"), ("CUC$", "CUC"), ("DKK", "DKK"),
    ("DT", "TND"), ("Db", "STN"), ("Dinara", "RSD"), ("EUR", "EUR"), ("euro", "EUR"),
    ("FBu", "BIF"), ("FG", "GNF"), ("Fdj", "DJF"), ("Fr.", "CHF"), ("Ft", "HUF"),
    ("GBP", "GBP"), ("GEL", "GEL"), ("GH₵", "GHS"), ("HUF", "HUF"), ("J$", "JMD"),
    ("KD", "KWD"), ("KMF", "KMF"), ("KM", "BAM"), ("Kč", "CZK"), ("CZK", "CZK"),
    ("LD", "LYD"), ("LEI", "RON"), ("Lek", "ALL"), ("MK", "MWK"), ("MOP$", "MOP"),
    ("MX$", "MXN"), ("MXN", "MXN"), ("NOK", "NOK"), ("SEK", "SEK"), ("NT$", "TWD"),
    ("NZD", "NZD"), ("NZ$", "NZD"), ("Nfk", "ERN"), ("Nu.", "BTN"), ("OMR", "OMR"),
    ("PLN", "PLN"), ("zł", "PLN"), ("R$", "BRL"), ("BRL", "BRL"), ("RD$", "DOP"),
    ("RM", "MYR"), ("RON", "RON"), ("lei", "RON"), ("Rf", "MVR"), ("Rp", "IDR"),
    ("IDR", "IDR"), ("Rs.", "INR"), ("Rs", "INR"), ("INR", "INR"), ("S/.", "PEN"),
    ("SGD", "SGD"), ("S$", "SGD"), ("T$", "TOP"), ("TL", "TRY"), ("TRY", "TRY"),
    ("TSh", "TZS"), ("TT$", "TTD"), ("UM", "MRU"), ("USh", "UGX"), ("VT", "VUV"),
    ("Z$", "ZWL"), ("ZK", "ZMW"), ("kn", "HRK"), ("HK$", "HKD"), ("HKD", "HKD"),
    ("CN¥", "CNY"), ("RMB", "CNY"), ("CNY", "CNY"), ("元", "CNY"), ("人民币", "CNY"),
    ("JP¥", "JPY"), ("JPY", "JPY"), ("円", "JPY"), ("KRW", "KRW"), ("원", "KRW"),
    ("₩", "KRW"), ("руб", "RUB"), ("RUB", "RUB"), ("₽", "RUB"), ("р.", "RUB"),
    ("Р", "RUB"), ("грн", "UAH"), ("₴", "UAH"), ("UAH", "UAH"), ("лв", "BGN"),
    ("BGN", "BGN"), ("֏", "AMD"), ("؋", "AFN"), ("تومان", "IRR"), ("ریال", "IRR"),
    ("جنيه", "EGP"), ("درهم", "AED"), ("AED", "AED"), ("ريال", "SAR"), ("﷼", "SAR"),
    ("SAR", "SAR"), ("र", "NPR"), ("৳", "BDT"), ("฿", "THB"), ("THB", "THB"),
    ("៛", "KHR"), ("₡", "CRC"), ("₤", "GBP"), ("£", "GBP"), ("₦", "NGN"), ("₨", "PKR"),
    ("₪", "ILS"), ("ILS", "ILS"), ("₫", "VND"), ("đ", "VND"), ("VND", "VND"),
    ("€", "EUR"), ("₭", "LAK"), ("₮", "MNT"), ("₱", "PHP"), ("PHP", "PHP"),
    ("₹", "INR"), ("₺", "TRY"), ("₼", "AZN"), ("ƒ", "ANG"), ("Ƒ", "ANG"),
    ("рублей", "RUB"), ("рубля", "RUB"), ("Zł", "PLN"), ("DEM", "DEM"), ("PTE", "PTE"),
    ("kr", FAMILY_KRONA), ("$", FAMILY_DOLLAR), ("¥", FAMILY_YEN),
];

const FAMILY_DOLLAR: &str = "$";
const FAMILY_YEN: &str = "¥";
const FAMILY_KRONA: &str = "kr";

/// A marker prepared once: how to look for it.
struct Marker {
    code: &'static str,
    len: usize,
    first_alpha: bool,
    last_alpha: bool,
}

/// All markers in two Aho-Corasick automata (one pass over the text finds every
/// marker): codes and words ("EUR", "euro", "pln") match in any case, short symbols
/// ("Rs", "kr") only as written. Built once: prices are parsed on every page.
struct Markers {
    exact: AhoCorasick,
    exact_info: Vec<Marker>,
    any_case: AhoCorasick,
    any_case_info: Vec<Marker>,
}

static MARKER_SET: LazyLock<Markers> = LazyLock::new(|| {
    let (mut exact, mut exact_info, mut any, mut any_info) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (m, code) in MARKERS {
        let info = Marker {
            code,
            len: m.chars().count(),
            first_alpha: m.chars().next().is_some_and(char::is_alphabetic),
            last_alpha: m.chars().next_back().is_some_and(char::is_alphabetic),
        };
        if m.chars().all(char::is_alphabetic) && m.chars().count() > 2 {
            any.push(m.to_lowercase());
            any_info.push(info);
        } else {
            exact.push(m.to_string());
            exact_info.push(info);
        }
    }
    // The patterns are a constant table of plain strings: building cannot fail.
    Markers {
        exact: AhoCorasick::new(&exact).expect("marker automaton"),
        exact_info,
        any_case: AhoCorasick::new(&any).expect("marker automaton"),
        any_case_info: any_info,
    }
});

/// Every whole-word marker in `hay`: `(byte position, marker)`.
fn markers_in<'a>(
    hay: &'a str,
    ac: &'a AhoCorasick,
    info: &'a [Marker],
) -> impl Iterator<Item = (usize, &'a Marker)> + 'a {
    ac.find_overlapping_iter(hay).filter_map(move |m| {
        let marker = &info[m.pattern().as_usize()];
        let before = hay[..m.start()].chars().next_back();
        let after = hay[m.end()..].chars().next();
        let glued_before = marker.first_alpha && before.is_some_and(char::is_alphabetic);
        let glued_after = marker.last_alpha && after.is_some_and(char::is_alphabetic);
        (!glued_before && !glued_after).then_some((m.start(), marker))
    })
}

/// The currency written in `text`, if any; `default` resolves `$`, `¥` and `kr`.
pub fn currency_in(text: &str, default: &Currency) -> Option<Currency> {
    // The marker written first wins ("AED 8000 (USD 2179)"), at one place the longest;
    // but a specific one beats a family sign anywhere ("$1,190.00 AUD").
    let family = |c: &str| [FAMILY_DOLLAR, FAMILY_YEN, FAMILY_KRONA].contains(&c);
    let set = &*MARKER_SET;
    let lower = text.to_lowercase();
    let (_, _, _, code) = markers_in(text, &set.exact, &set.exact_info)
        .chain(markers_in(&lower, &set.any_case, &set.any_case_info))
        .map(|(pos, m)| (family(m.code), pos, std::cmp::Reverse(m.len), m.code))
        .min()?;
    let code = match code {
        FAMILY_DOLLAR => match default.code() {
            "USD" | "CAD" | "AUD" | "NZD" | "HKD" | "SGD" | "MXN" | "TWD" | "ARS" | "CLP"
            | "COP" => default.code(),
            _ => "USD",
        },
        FAMILY_YEN => match default.code() {
            "JPY" => "JPY",
            _ => "CNY",
        },
        FAMILY_KRONA => match default.code() {
            "SEK" | "NOK" | "DKK" | "ISK" => default.code(),
            _ => "SEK",
        },
        c => c,
    };
    Currency::new(code).ok()
}

/// Why a price text gives no amount. A page is hostile input: an amount written with
/// an exponent (`$1e308`) or a sign (`-$5.00`) is refused outright rather than read as
/// the plausible-looking digits around it (`1`, `5`), which would become a false
/// below-floor finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("holds no readable amount")]
    NoAmount,
    #[error("writes an amount with an exponent (`{0}`): not a price a shop prints")]
    Exponent(String),
    #[error("holds a negative amount (`{0}`)")]
    Negative(String),
}

/// Minus signs as pages write them (ASCII hyphen-minus and U+2212).
fn is_minus(c: char) -> bool {
    matches!(c, '-' | '\u{2212}')
}

/// Is the number starting at `start` signed negative? A minus right before it, or
/// right before the currency sign in front of it (`-$5.00`, `$-5.00`, `-US$ 5`),
/// counts only when no digit comes earlier in the text: `$10-$20` is a range. A
/// minus set apart by a space (`Acme P3 - $44.99`) is punctuation, not a sign.
fn negative_before(chars: &[char], start: usize) -> bool {
    if chars[..start].iter().any(char::is_ascii_digit) {
        return false;
    }
    let mut seen_sign = false;
    for &c in chars[..start].iter().rev().take(6) {
        if is_minus(c) {
            return true;
        }
        let sign_char = !c.is_whitespace()
            && !matches!(c, '.' | ',')
            && (!c.is_alphanumeric() || c.is_uppercase());
        if c.is_whitespace() && !seen_sign {
            continue; // "$ 5": space between the sign and the digits
        }
        if !sign_char {
            return false;
        }
        seen_sign = true;
    }
    false
}

/// Does an exponent (`e5`, `E+10`, `e-3`) follow the number ending at `end`?
fn exponent_after(chars: &[char], end: usize) -> bool {
    if !matches!(chars.get(end), Some('e' | 'E')) {
        return false;
    }
    let mut k = end + 1;
    if chars.get(k).is_some_and(|&c| c == '+' || is_minus(c)) {
        k += 1;
    }
    chars.get(k).is_some_and(char::is_ascii_digit)
}

/// The numbers in `text`, in order, as decimals.
fn numbers(text: &str, decimal_hint: Option<char>) -> Result<Vec<Decimal>, PriceError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // ".75" and "$.75": a separator right before digits, with no digit before it.
        let leading_point = matches!(chars[i], '.' | ',')
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && !(i > 0 && chars[i - 1].is_ascii_digit());
        if !chars[i].is_ascii_digit() && !leading_point {
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
        if exponent_after(&chars, end) {
            return Err(PriceError::Exponent(text.trim().to_string()));
        }
        if negative_before(&chars, start) {
            return Err(PriceError::Negative(text.trim().to_string()));
        }
        // ".75" is 0.75, but in "$.750.30" the point is stray.
        let leading_point = leading_point && !raw[1..].contains(['.', ',']);
        let (raw, hint) = match (leading_point, raw.strip_prefix(['.', ','])) {
            (true, Some(rest)) => (format!("0.{rest}"), Some('.')),
            (false, Some(rest)) => (rest.to_string(), decimal_hint),
            _ => (raw, decimal_hint),
        };
        // "40% OFF" is a discount, not a price.
        let percent = chars[end..].iter().find(|c| !c.is_whitespace()) == Some(&'%');
        if !percent && let Some(d) = number(&raw, hint) {
            out.push(d);
        }
        i = end.max(i + 1);
    }
    Ok(out)
}

/// One number with thousands and decimal separators in any of the usual styles.
fn number(raw: &str, decimal_hint: Option<char>) -> Option<Decimal> {
    let raw: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\'' | '\u{2009}' | '\u{202f}'))
        .collect();
    let last_dot = raw.rfind('.');
    let last_comma = raw.rfind(',');
    let decimal_sep = match (last_dot, last_comma) {
        _ if decimal_hint.is_some() => decimal_hint,
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

/// What a page says about a price besides its text.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hints<'a> {
    /// Currency written elsewhere (`priceCurrency`, a currency selector): a code or a symbol.
    pub currency: Option<&'a str>,
    /// The decimal separator, when the site is known to use one.
    pub decimal_separator: Option<char>,
}

fn parse(
    text: &str,
    hints: Hints,
    default: &Currency,
    pick: fn(Vec<Decimal>) -> Option<Decimal>,
) -> Result<Money, PriceError> {
    let text = normalize(text);
    let amount = pick(numbers(&text, hints.decimal_separator)?).ok_or(PriceError::NoAmount)?;
    let currency = currency_in(&text, default)
        .or_else(|| {
            let hint = normalize(hints.currency?);
            Currency::new(&hint)
                .ok()
                .or_else(|| currency_in(&hint, default))
        })
        .unwrap_or_else(|| default.clone());
    Ok(Money::new(amount, currency))
}

/// Parses the first price in `text`; `default` is the currency when none is written.
pub fn parse_price(text: &str, default: &Currency) -> Option<Money> {
    parse_price_hinted(text, Hints::default(), default)
}

/// [`parse_price`] with what else the page says about the price.
pub fn parse_price_hinted(text: &str, hints: Hints, default: &Currency) -> Option<Money> {
    parse(text, hints, default, |v| v.first().copied()).ok()
}

/// Parses a price that may be a range (`$10 – $20`): the lowest amount counts.
pub fn parse_lowest_price(text: &str, hints: Hints, default: &Currency) -> Option<Money> {
    read_lowest_price(text, hints, default).ok()
}

/// [`parse_lowest_price`], saying why there is no amount.
pub fn read_lowest_price(
    text: &str,
    hints: Hints,
    default: &Currency,
) -> Result<Money, PriceError> {
    parse(text, hints, default, |v| v.into_iter().min())
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
        let m = parse_lowest_price("$20 – $10", Hints::default(), &usd).unwrap();
        assert_eq!(m.amount, Decimal::from(10));
    }

    #[test]
    fn exponents_and_signs_are_never_read_as_prices() {
        let usd = Currency::new("USD").unwrap();
        let read = |t: &str| read_lowest_price(t, Hints::default(), &usd);
        for t in [
            "$1e308",
            "$12.99e5",
            "US $12.99 - 1e9",
            "1E+10 USD",
            "$5e-3",
        ] {
            assert!(
                matches!(read(t), Err(PriceError::Exponent(_))),
                "{t}: {:?}",
                read(t)
            );
        }
        for t in [
            "-$5.00",
            "$-5.00",
            "-5,00 €",
            "\u{2212}12.99",
            "US $-3",
            "-US$ 7",
        ] {
            assert!(
                matches!(read(t), Err(PriceError::Negative(_))),
                "{t}: {:?}",
                read(t)
            );
        }
        // Ranges and ordinary prices still read.
        assert_eq!(read("$10-$20").unwrap().amount, Decimal::from(10));
        assert_eq!(read("$10 - $20").unwrap().amount, Decimal::from(10));
        assert_eq!(read("- $44.99").unwrap().amount, Decimal::new(4499, 2));
        assert_eq!(read("Save 5e").unwrap().amount, Decimal::from(5));
        assert_eq!(read("EUR 12,99").unwrap().amount, Decimal::new(1299, 2));
    }

    #[test]
    fn no_number_no_price() {
        assert!(parse_price("Call for price", &Currency::new("USD").unwrap()).is_none());
    }
}
