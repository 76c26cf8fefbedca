//! Price strings to [`Money`]: amount as an exact decimal, currency as ISO 4217.
//!
//! Written here because no maintained Rust crate parses shop price strings
//! (`1.299,00 €`, `US $12.99`, `¥1,299`, `899元`); the rules follow what real shop
//! pages print.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use crate::money::{Currency, Money};

/// Currency markers as pages write them, and their ISO 4217 code. `$`, `¥` and `kr`
/// name a family (`FAMILY_*`): the page's own currency wins when it belongs to it.
/// Alphabetic markers only match as whole words ("Rs" not inside "Reviews"). eBay
/// writes a listing's own currency with a space (`C $199.99`, `AU $229.00`): without
/// those markers the `$` alone read a Canadian price as US dollars on a US
/// marketplace. Such a marker must start a word (`USB-C $19.99` is no CAD).
#[rustfmt::skip]
const MARKERS: &[(&str, &str)] = &[
    ("US $", "USD"), ("AU $", "AUD"), ("C $", "CAD"), ("CA $", "CAD"), ("NZ $", "NZD"),
    ("HK $", "HKD"), ("NT $", "TWD"), ("MX $", "MXN"), ("US$", "USD"), ("USD", "USD"),
    ("$U", "UYU"), ("A$", "AUD"),
    // French writes the country after the sign (`149,99 $ CA`, `$US`, `$AU`), and
    // Amazon.ca wrote `CDN$ 149.99`: each was the marketplace's own dollar.
    ("$CA", "CAD"), ("$ CA", "CAD"), ("$ CAN", "CAD"), ("CAN$", "CAD"), ("CDN$", "CAD"),
    ("Can$", "CAD"), ("$US", "USD"), ("$ US", "USD"), ("$AU", "AUD"), ("$ AU", "AUD"),
    ("$NZ", "NZD"), ("$HK", "HKD"), ("$SG", "SGD"), ("$MX", "MXN"), ("Mex$", "MXN"),
    // Singapore's dollar with its country's two letters (`SG$180.00`), Egypt's pound
    // (`E£180`): read as `$` and `£`, US dollars and pounds sterling.
    ("SG$", "SGD"), ("SG $", "SGD"), ("E£", "EGP"), ("£E", "EGP"),
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
    ("IDR", "IDR"), ("Rs.", FAMILY_RUPEE), ("Rs", FAMILY_RUPEE), ("INR", "INR"), ("S/.", "PEN"),
    ("SGD", "SGD"), ("S$", "SGD"), ("T$", "TOP"), ("TL", "TRY"), ("TRY", "TRY"),
    ("TSh", "TZS"), ("TT$", "TTD"), ("UM", "MRU"), ("USh", "UGX"), ("VT", "VUV"),
    ("Z$", "ZWL"), ("ZK", "ZMW"), ("kn", "HRK"), ("HK$", "HKD"), ("HKD", "HKD"),
    ("CN¥", "CNY"), ("RMB", "CNY"), ("CNY", "CNY"), ("元", "CNY"), ("人民币", "CNY"),
    ("JP¥", "JPY"), ("JPY", "JPY"), ("円", "JPY"), ("KRW", "KRW"), ("원", "KRW"),
    ("₩", "KRW"), ("руб", "RUB"), ("RUB", "RUB"), ("₽", "RUB"), ("р.", "RUB"),
    ("Р", "RUB"), ("грн", "UAH"), ("₴", "UAH"), ("UAH", "UAH"), ("лв", "BGN"),
    ("BGN", "BGN"), ("֏", "AMD"), ("؋", "AFN"), ("تومان", "IRR"), ("ریال", "IRR"),
    ("جنيه", "EGP"), ("درهم", "AED"), ("AED", "AED"), ("ريال", "SAR"), ("﷼", "SAR"),
    ("ر.س", "SAR"), ("د.إ", "AED"), ("ر.ق", "QAR"), ("د.ك", "KWD"), ("ر.ع", "OMR"),
    ("د.ب", "BHD"), ("ج.م", "EGP"),
    ("SAR", "SAR"), ("र", "NPR"), ("৳", "BDT"), ("฿", "THB"), ("THB", "THB"),
    ("៛", "KHR"), ("₡", "CRC"), ("₤", "GBP"), ("£", "GBP"), ("₦", "NGN"), ("₨", FAMILY_RUPEE_SIGN),
    ("₪", "ILS"), ("ILS", "ILS"), ("₫", "VND"), ("đ", "VND"), ("VND", "VND"),
    ("€", "EUR"), ("₭", "LAK"), ("₮", "MNT"), ("₱", "PHP"), ("PHP", "PHP"),
    ("₹", "INR"), ("₺", "TRY"), ("₼", "AZN"), ("ƒ", "XCG"), ("Ƒ", "XCG"),
    ("рублей", "RUB"), ("рубля", "RUB"), ("Zł", "PLN"),
    ("kr", FAMILY_KRONA), ("$", FAMILY_DOLLAR), ("¥", FAMILY_YEN),
    // Currencies written out (`149 dollars`, `1299 yuan`): without a sign, such a
    // text's other numbers were amounts too (`30 day returns` read 30).
    ("euros", "EUR"), ("dollars", FAMILY_DOLLAR), ("dollar", FAMILY_DOLLAR),
    ("yuan", "CNY"), ("yen", FAMILY_YEN), ("rupees", FAMILY_RUPEE), ("rupee", FAMILY_RUPEE),
];

const FAMILY_DOLLAR: &str = "$";
const FAMILY_YEN: &str = "¥";
const FAMILY_KRONA: &str = "kr";
/// `Rs`, `Rs.` and `₨` are written for the rupees of India, Pakistan, Sri Lanka,
/// Nepal, Mauritius and the Seychelles: read as India's everywhere, a Pakistani
/// marketplace's price was in another currency than its floor.
const FAMILY_RUPEE: &str = "Rs";
const FAMILY_RUPEE_SIGN: &str = "₨";

/// A marker prepared once: how to look for it.
struct Marker {
    code: &'static str,
    len: usize,
    first_alpha: bool,
    last_alpha: bool,
    /// Written with a space (`C $`): only after a space, a bracket, a colon, a plus
    /// or a minus (`+US $8.99 shipping`, as eBay prints it), or nothing.
    spaced: bool,
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
            spaced: m.contains(' '),
        };
        if m.chars().all(char::is_alphabetic) && m.chars().count() > 2 {
            any.push(m.to_lowercase());
            any_info.push(info);
        } else {
            exact.push(m.to_string());
            exact_info.push(info);
        }
    }
    // Every other ISO 4217 code, as written (upper case): `EGP 12,999 (USD 399)` on an
    // Egyptian marketplace read 399 USD and `KES 12,999 USD 99` 12,999 USD, the codes
    // unknown. Not the codes that are English words in capitals (`ALL`, `TOP`,
    // `PEN`, `MOP` …), nor funds, precious metals and test codes.
    const NOT_MARKERS: &[&str] = &[
        "ALL", "TOP", "CUP", "PEN", "MAD", "BOB", "SOS", "AMD", "BAM", "MOP", "XXX", "XTS", "XAU",
        "XAG", "XPT", "XPD", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "BOV", "CLF", "COU",
        "MXV", "USN", "UYI", "UYW", "CHE", "CHW",
    ];
    use iso_currency::IntoEnumIterator;
    for c in iso_currency::Currency::iter() {
        let code = c.code();
        let known = MARKERS.iter().any(|(m, _)| m.eq_ignore_ascii_case(code));
        if known || NOT_MARKERS.contains(&code) {
            continue;
        }
        exact.push(code.to_string());
        exact_info.push(Marker {
            code,
            len: 3,
            first_alpha: true,
            last_alpha: true,
            spaced: false,
        });
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
        let mut back = hay[..m.start()].chars().rev();
        let (before, sign_apart) = (
            back.next(),
            back.next().is_none_or(|c| !c.is_alphanumeric()),
        );
        let after = hay[m.end()..].chars().next();
        // A plus or a minus set apart from a word before it (`-US $20.00`, not `USB-C $`).
        let signed = |c: char| "+-\u{2212}".contains(c) && sign_apart;
        let glued_before = marker.first_alpha
            && before.is_some_and(|c| {
                c.is_alphabetic()
                    || (marker.spaced && !(c.is_whitespace() || "([{:".contains(c) || signed(c)))
            });
        let glued_after = marker.last_alpha && after.is_some_and(char::is_alphabetic);
        (!glued_before && !glued_after).then_some((m.start(), marker))
    })
}

/// The currency written in `text`, if any; `default` resolves `$`, `¥`, `kr` and `Rs`.
pub fn currency_in(text: &str, default: &Currency) -> Option<Currency> {
    // The marker written first wins ("AED 8000 (USD 2179)"), at one place the longest;
    // but a specific one beats a family sign anywhere ("$1,190.00 AUD").
    let family = is_family;
    let set = &*MARKER_SET;
    let lower = text.to_lowercase();
    let (_, _, _, code) = markers_in(text, &set.exact, &set.exact_info)
        .chain(markers_in(&lower, &set.any_case, &set.any_case_info))
        .map(|(pos, m)| (family(m.code), pos, std::cmp::Reverse(m.len), m.code))
        .min()?;
    resolve_family(code, default)
}

/// Whether a marker's code is a family's sign, written alike for several currencies
/// (`$`, `¥`, `kr`, `Rs`, `₨`): the marketplace's currency says which, unless a code
/// says otherwise.
fn is_family(code: &str) -> bool {
    [
        FAMILY_DOLLAR,
        FAMILY_YEN,
        FAMILY_KRONA,
        FAMILY_RUPEE,
        FAMILY_RUPEE_SIGN,
    ]
    .contains(&code)
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
    /// A comma grouping no thousands before a point (`2,49.99`): read up to the
    /// point, `$2,49.99` was 2.49, a price a hundred times lower than any the page
    /// can mean.
    #[error(
        "writes `{0}`, whose separators group no thousands: a number no shop prints (a typo?), not read"
    )]
    Malformed(String),
    #[error("holds a negative amount (`{0}`)")]
    Negative(String),
    #[error(
        "holds only an estimate converted into another currency (`{0}`): not what the seller asks"
    )]
    Estimate(String),
    /// Every amount in the text is one a buyer does not pay for the listing: a
    /// saving, a coupon's or reward's value, an instalment (`You save $20.00`,
    /// `4 interest-free payments of $22.50`). Read as the price, it would be a
    /// false below-floor finding.
    #[error("holds only {what} (`{text}`): not what the listing asks")]
    NotThePrice { what: &'static str, text: String },
    /// As [`PriceError::NotThePrice`] in the currency the text was read in, where
    /// amounts in another currency were left out before (`$199.99 RRP £249.99` on
    /// a GBP marketplace): "holds only reference prices" alone was untrue of a text
    /// that shows an asking price, in another currency than the one read.
    #[error(
        "holds only {what} in {currency} (`{text}`), beside amounts in another currency ({other}): no price the listing asks in {currency}"
    )]
    NotThePriceIn {
        what: &'static str,
        text: String,
        currency: String,
        other: String,
    },
    /// The page shows the price only in the cart (`See price in cart`): the usual
    /// way a seller keeps a price under the brand's floor off the page. Nothing is
    /// advertised to hold to a floor, and no sign of an adapter that misreads.
    #[error("says the price shows only in the cart (\"{0}\"): no price is advertised on the page")]
    InCart(&'static str),
    /// More amounts than any price box shows (a price, a former one, a saving,
    /// shipping, instalments, a few quantity tiers): the adapter's selector names a
    /// list or a rail, whose lowest amount is another listing's, and weighing each
    /// amount against its neighbours' words costs a hostile page's box seconds.
    #[error(
        "holds {0} amounts, more than a price box shows ({MAX_AMOUNTS} at most): the selector names more than the price box (a list or a rail?)"
    )]
    TooManyAmounts(usize),
    /// An amount with a sign and a code of two currencies (`€249.99 USD`,
    /// `$249.99 EUR`, `249,99 € USD`): which one is asked the page does not say. Read in the
    /// marketplace's currency, a price in euros was held to a floor in dollars.
    #[error(
        "writes `{amount}` with the signs of two currencies ({first} and {second}): which is asked, the page does not say"
    )]
    TwoCurrencies {
        amount: String,
        first: Currency,
        second: Currency,
    },
    /// A whole amount, a space, a euro sign and two digits (`249 €99`): the sign is
    /// either the cents' point (249.99, Cdiscount's `249€99` with a space) or a
    /// second amount's own sign (€99). Read as 99.00, a price of 249.99 was under a
    /// floor of 249.99; read as 249.99, a price of 99 would be missed.
    #[error(
        "writes `{0}`: the euro sign between a whole amount and two digits is either the cents' point or a second amount's sign, and the page does not say which"
    )]
    SignBetween(String),
    /// Single digits set apart by spaces after a currency sign (`$ 1 8 0 . 0 0`,
    /// `$1 8 0.00`: each digit in an element of its own, joined with the markup's
    /// whitespace). Read as written, the price was 1 USD, below the floor and a
    /// suspected counterfeit.
    #[error(
        "writes its digits set apart by spaces (`{0}`): which amount they make, the page does not say for sure (each digit an element of its own?), not read"
    )]
    SpacedDigits(String),
}

/// Most amounts a price text is read with ([`PriceError::TooManyAmounts`]).
pub const MAX_AMOUNTS: usize = 40;

/// Words saying the price shows only in the cart or at checkout, as shops print
/// them for items whose price is under the brand's minimum advertised price
/// (Amazon's "To see our price, add this item to your cart").
const IN_CART_WORDS: &[&str] = &[
    "see price in cart",
    "see our price in cart",
    "price in cart",
    "add to cart to see",
    "add this item to your cart",
    "add it to your cart to see",
    "see price at checkout",
    "price shown at checkout",
    "see price in basket",
    "add to basket to see",
    "click to see price",
    "preis im warenkorb",
    "in den warenkorb, um den preis",
    "prix dans le panier",
    "voir le prix dans le panier",
    "precio en el carrito",
    "prezzo nel carrello",
    "加入购物车查看价格",
    "カートに入れて価格を確認",
    // A price said to be the cart's (`$149.99 $129.99 in cart`): shown to every
    // buyer, but only there, which a complaint about it must say.
    "in your cart",
    "in cart",
    "im warenkorb",
    "sepette",
];

/// The words of `IN_CART_WORDS` a price text holds, if any.
pub fn in_cart_words(text: &str) -> Option<&'static str> {
    let t = text
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // Whole words: `in cart` is not in `Packed in cartons`.
    IN_CART_WORDS.iter().find(|w| has_word(&t, &[w])).copied()
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

/// A number found in a price text: its char span and value.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    value: Decimal,
    /// Written in the currency's hundredths (`99p`, `99¢`): the span then ends after
    /// the sign, so that the words after the amount are those after the sign
    /// ([`written_in_cents`]).
    cents: bool,
}

/// The numbers in `text`, in order, as decimals.
fn numbers(
    text: &str,
    decimal_hint: Option<char>,
    minor_units: Option<u32>,
) -> Result<Vec<Decimal>, PriceError> {
    Ok(
        numbers_at(&text.chars().collect::<Vec<_>>(), decimal_hint, minor_units)?
            .into_iter()
            .map(|f| f.value)
            .collect(),
    )
}

/// A decimal separator followed by one space and exactly two digits: `119. 95`,
/// `118, 99 TL`, what a page's cents in their own element become once its text is
/// joined. Read as one amount, never as `119` and `95`.
fn spaced_cents(chars: &[char], j: usize, decimal_hint: Option<char>) -> bool {
    (matches!(chars[j], '.' | ',') || Some(chars[j]) == decimal_hint)
        && chars.get(j + 1) == Some(&' ')
        && chars.get(j + 2).is_some_and(char::is_ascii_digit)
        && chars.get(j + 3).is_some_and(char::is_ascii_digit)
        && !chars
            .get(j + 4)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
}

/// Currency signs written as one symbol: what [`unmarked_cents`] looks for beside a
/// number while numbers are still being found (markers are matched to amounts after).
const SIGNS: &str = "$€£¥￥₹₩₺₽₴₸₾₪₫₱฿₦₡₲₵₭₮৳";

/// A space between a whole amount with a sign before it and exactly two digits that
/// end the text or stand before a sign (`$149 99`, `149 99 €`, `€149 99 $199 99`):
/// the cents, printed in an element of their own the page path did not know as
/// such (`<span class="small">99</span>`). Read as two numbers, `149 99 €` was 99
/// EUR and `$149 99` 149. Not before a word (`$149 30 day returns`).
fn unmarked_cents(chars: &[char], start: usize, j: usize) -> bool {
    let sign_at = |k: Option<&char>| k.is_some_and(|c| SIGNS.contains(*c));
    let two = (1..=2).all(|k| chars.get(j + k).is_some_and(char::is_ascii_digit));
    if chars[j] != ' '
        || !two
        || chars[start..j]
            .iter()
            .any(|c| !c.is_ascii_digit() && !matches!(c, ',' | '.' | ' '))
    {
        return false;
    }
    let whole = &chars[start..j];
    if whole.iter().any(|c| matches!(c, '.' | ',')) && !group_before(chars, start, j) {
        return false;
    }
    let rest = &chars[j + 3..];
    let next = rest.iter().find(|c| !c.is_whitespace());
    let sign_before = sign_at(chars[..start].iter().rev().find(|c| !c.is_whitespace()));
    match next {
        None => sign_before,
        Some(c) if c.is_ascii_digit() => false,
        Some(c) => SIGNS.contains(*c) || (sign_before && *c == '/' && rest.first() == Some(c)),
    }
}

/// A space, a decimal point and maybe a space again before exactly two digits: `149
/// . 99`, `149 .99`, what a price's whole, point and cents in their own elements
/// become once the page's whitespace between them is joined (the cents were a
/// stray 99, the price 149). How many chars to skip to the cents; a comma set apart
/// by spaces separates a list, so only a point (or the site's decimal mark) counts.
fn spaced_point(chars: &[char], j: usize, decimal_hint: Option<char>) -> Option<usize> {
    let point = chars.get(j + 1)?;
    if chars[j] != ' ' || !(*point == '.' || Some(*point) == decimal_hint) {
        return None;
    }
    let skip = if chars.get(j + 2) == Some(&' ') { 3 } else { 2 };
    let two = (0..2).all(|k| chars.get(j + skip + k).is_some_and(char::is_ascii_digit));
    let more = chars
        .get(j + skip + 2)
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
    (two && !more).then_some(skip)
}

/// May the separator at `j` go on the number that starts at `start`? Yes when it is
/// the number's first, or when a group of thousands stands between it and the one
/// before (`1,299.99`, `1.299,99`), or two digits between two commas (India's lakhs:
/// `1,49,999`). After one or two digits (cents) the number ended before it: `$149.99, 10 left` was
/// 14,999.10 and `$1.99, 50 count` 199.50 (a price a hundred times the listing's,
/// under no floor).
fn group_before(chars: &[char], start: usize, j: usize) -> bool {
    let Some(q) = (start..j).rev().find(|&k| matches!(chars[k], '.' | ',')) else {
        return true;
    };
    // A leading point (`.75,333`) is no group's end: read as before.
    if !chars[start..q].iter().any(char::is_ascii_digit) {
        return true;
    }
    let digits = chars[q + 1..j]
        .iter()
        .filter(|c| c.is_ascii_digit())
        .count();
    // More than three (`149.99149.99`, two amounts run together) is no amount
    // either way; ended there, its tail was a price of 99.
    digits >= 3 || (digits == 2 && chars[q] == ',' && chars[j] == ',')
}

/// Exactly three digits after the grouping character at `j`, then no digit.
fn thousands_group(chars: &[char], j: usize) -> bool {
    (1..=3).all(|k| chars.get(j + k).is_some_and(char::is_ascii_digit))
        && !chars.get(j + 4).is_some_and(char::is_ascii_digit)
}

/// Does a number end right before char `at` (spaces and a dash for the cents
/// between)?
fn number_before(chars: &[char], at: usize) -> bool {
    number_ending_at(chars, at).is_some()
}

/// Where the number that ends right before char `at` ends (spaces and a dash for
/// its cents between, `89,- €`), if one does.
fn number_ending_at(chars: &[char], at: usize) -> Option<usize> {
    let before = &chars[..at];
    let mut end = before.len()
        - before
            .iter()
            .rev()
            .take_while(|c| c.is_whitespace())
            .count();
    for marks in [DASHES, ".,:"] {
        end -= usize::from(end > 0 && marks.contains(before[end - 1]));
    }
    (end > 0 && before[end - 1].is_numeric()).then_some(end)
}

/// Does a number start right after char `at` (spaces between)? Not a percentage
/// (`199,000원 23%`): read as an amount the sign could stand before, the won sign
/// after the price was the 23's, and the price a bare number left out.
fn number_after(chars: &[char], at: usize) -> bool {
    let mut rest = chars[at..]
        .iter()
        .skip_while(|c| c.is_whitespace())
        .peekable();
    if !rest.peek().is_some_and(|c| c.is_numeric()) {
        return false;
    }
    let mut rest = rest.skip_while(|c| c.is_numeric() || ".,".contains(**c));
    !rest
        .find(|c| !c.is_whitespace())
        .is_some_and(|c| matches!(c, '%' | '％'))
}

/// The dashes a price writes for no cents (`89,-`, `149.–`).
const DASHES: &str = "-–—";

/// How many chars at the start of `after` (what follows an amount's digits) are a
/// dash for its cents, with the separator before it if there is one (`,-`, `.–`, `:-`, `-`
/// before a space or the end; not the dash of a range `10-20` or `30-Tage`).
fn dash_cents(after: &[char]) -> usize {
    let sep = usize::from(after.first().is_some_and(|c| ".,:".contains(*c)));
    let dash = after.get(sep).is_some_and(|c| DASHES.contains(*c));
    let ends = after.get(sep + 1).is_none_or(|c| c.is_whitespace());
    if dash && ends { sep + 1 } else { 0 }
}

/// A euro sign between whole and cents, as French shops print (`35€99`, `35€ 99`):
/// the sign, at most one space, exactly two digits, then no more digits.
fn euro_cents(chars: &[char], j: usize) -> bool {
    if chars[j] != '€' {
        return false;
    }
    let k = if chars.get(j + 1) == Some(&' ') {
        j + 2
    } else {
        j + 1
    };
    chars.get(k).is_some_and(char::is_ascii_digit)
        && chars.get(k + 1).is_some_and(char::is_ascii_digit)
        && !chars.get(k + 2).is_some_and(char::is_ascii_digit)
}

/// [`numbers`] with where each one stands (char indices).
fn numbers_at(
    chars: &[char],
    decimal_hint: Option<char>,
    minor_units: Option<u32>,
) -> Result<Vec<Found>, PriceError> {
    let text = || chars.iter().collect::<String>().trim().to_string();
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
        let start = i;
        let end = number_end(chars, start, decimal_hint);
        let raw: String = chars[start..end].iter().collect();
        // `35€99`: the euro sign is the decimal point (see `euro_cents`).
        let (raw, decimal_hint) = match raw.contains('€') && decimal_hint.is_none() {
            true => (raw.replace('€', "."), Some('.')),
            false => (raw, decimal_hint),
        };
        // `$149 99`: the space before two digits ending the number is its decimal
        // point (see `unmarked_cents`; a space grouping thousands has three after it).
        let (raw, decimal_hint) = match raw.rsplit_once(' ') {
            Some((whole, cents))
                if cents.len() == 2 && whole.ends_with(|c: char| c.is_ascii_digit()) =>
            {
                let point = if whole.contains('.') { ',' } else { '.' };
                (
                    format!("{}{point}{cents}", whole.replace(' ', "")),
                    Some(point),
                )
            }
            _ => (raw, decimal_hint),
        };
        if exponent_after(chars, end) {
            return Err(PriceError::Exponent(text()));
        }
        if let Some(written) = misgrouped(chars, start, end) {
            return Err(PriceError::Malformed(written));
        }
        // A comma grouping no thousands in a currency without minor units
        // (`¥2,4999`): read as a decimal point, the price was 2 yen.
        let comma_cents = raw.matches(',').count() == 1
            && !raw.contains('.')
            && raw.rsplit(',').next().is_some_and(|d| d.len() != 3);
        if minor_units == Some(0) && decimal_hint.is_none() && comma_cents {
            return Err(PriceError::Malformed(raw.clone()));
        }
        // "40% OFF" is a discount, not a price; "-17%" beside Amazon's price is
        // that discount's sign, not a negative amount (it refused the whole text).
        let percent = chars[end..].iter().find(|c| !c.is_whitespace()) == Some(&'%');
        if !percent && negative_before(chars, start) {
            return Err(PriceError::Negative(text()));
        }
        // ".75" is 0.75, but in "$.750.30" the point is stray.
        let leading_point = leading_point && !raw[1..].contains(['.', ',']);
        let (raw, hint) = match (leading_point, raw.strip_prefix(['.', ','])) {
            (true, Some(rest)) => (format!("0.{rest}"), Some('.')),
            (false, Some(rest)) => (rest.to_string(), decimal_hint),
            _ => (raw, decimal_hint),
        };
        if !percent && let Some(value) = number(&raw, hint, minor_units) {
            out.push(Found {
                start,
                end,
                value,
                cents: false,
            });
        }
        i = end.max(i + 1);
    }
    Ok(out)
}

/// The number starting at `start` and ended at `end` by a point with a digit right
/// after it, one or two digits after a comma (`2,49.99`), or by a doubled separator
/// (`1,,249.99`): as written up to the next space. A separator and a space end a number as ever (`$149.99, 10 left`).
fn misgrouped(chars: &[char], start: usize, end: usize) -> Option<String> {
    let sep = *chars.get(end).filter(|c| matches!(c, '.' | ','))?;
    let to = |from: usize| {
        (from..chars.len())
            .find(|&k| chars[k].is_whitespace())
            .unwrap_or(chars.len())
    };
    // A separator doubled inside the digits (`$1,,249.99` was 1.00).
    if chars.get(end + 1).is_some_and(|c| matches!(c, '.' | ','))
        && chars.get(end + 2).is_some_and(char::is_ascii_digit)
    {
        return Some(chars[start..to(end)].iter().collect());
    }
    chars.get(end + 1).filter(|c| c.is_ascii_digit())?;
    let q = (start..end)
        .rev()
        .find(|&k| matches!(chars[k], '.' | ','))?;
    let digits = end - q - 1;
    // Only a comma before a point: after a point and its cents a comma ends the
    // amount (`$149.99,10` is 149.99 and a count), and `1.24,99` is that too.
    let ours = chars[q] == ',' && sep == '.' && (1..=2).contains(&digits);
    ours.then(|| chars[start..to(end)].iter().collect())
}

/// Where the run of digits starting at `start` ends: digits with separators inside
/// (never at the end), spaced cents and points, thousands grouped by spaces or
/// apostrophes.
fn number_end(chars: &[char], start: usize, decimal_hint: Option<char>) -> usize {
    let mut end = start;
    let mut j = start;
    while j < chars.len() {
        let c = chars[j];
        if c.is_ascii_digit() {
            end = j + 1;
            j += 1;
        } else if spaced_cents(chars, j, decimal_hint) && group_before(chars, start, j) {
            j += 2;
        } else if unmarked_cents(chars, start, j) {
            j += 1;
        } else if let Some(skip) = spaced_point(chars, j, decimal_hint)
            && !chars[start..j].iter().any(|c| matches!(c, '.' | ','))
        {
            j += skip;
        } else if decimal_hint.is_none() && euro_cents(chars, j) {
            j += if chars[j + 1] == ' ' { 2 } else { 1 };
        } else if matches!(c, '\'' | ' ' | '\u{2009}' | '\u{202f}') && Some(c) != decimal_hint {
            // A space or an apostrophe groups thousands (`1 299,00`, `1'299.00`):
            // three digits follow, and no decimal point came before. Otherwise
            // it ends the number: `US $12.50 3 bids` was 12,503.
            // Nor where the group is followed by one of another mark (`1+1 259,000원`,
            // Korea's buy-one-get-one before the price, was 1,259,000 KRW): one
            // number groups its thousands one way, unless the site says that mark
            // is its decimal one (`1 259,000 KWD` on a site of decimal commas).
            let mixed = chars.get(j + 4).is_some_and(|&m| {
                matches!(m, '.' | ',') && Some(m) != decimal_hint && thousands_group(chars, j + 4)
            });
            if mixed
                || !thousands_group(chars, j)
                || chars[start..j].iter().any(|c| matches!(c, '.' | ','))
            {
                break;
            }
            j += 1;
        } else if (matches!(c, '.' | ',') || Some(c) == decimal_hint)
            && j + 1 < chars.len()
            && chars[j + 1].is_ascii_digit()
            && group_before(chars, start, j)
        {
            j += 1;
        } else {
            break;
        }
    }
    end
}

/// One number with thousands and decimal separators in any of the usual styles.
fn number(raw: &str, decimal_hint: Option<char>, minor_units: Option<u32>) -> Option<Decimal> {
    let raw: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\'' | '\u{2009}' | '\u{202f}'))
        .collect();
    let last_dot = raw.rfind('.');
    let last_comma = raw.rfind(',');
    let decimal_sep = match (last_dot, last_comma) {
        // Both marks: the last is the decimal one, whatever the site's (`€1,299.00` on
        // a site writing `1.299,00 €` was 1.30 EUR, a suspected counterfeit).
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        _ if decimal_hint.is_some_and(|h| site_mark_decides(&raw, h, minor_units)) => decimal_hint,
        (Some(_), None) => sep_is_decimal(&raw, '.', minor_units).then_some('.'),
        (None, Some(_)) => sep_is_decimal(&raw, ',', minor_units).then_some(','),
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

/// Does the site's decimal mark `hint` decide how a number with one kind of mark
/// reads? Not where the number's own shape does: the other mark once before one or
/// two digits is decimal ([`the_other_mark_is_decimal`]); the site's own mark reads
/// as it would on any site ([`sep_is_decimal`]: more than once, or once before three
/// digits in a currency of two or no minor units, it groups thousands; `€1,299` and
/// `€1,990` on a site writing `1.299 €` were 1.30 and 1.99 EUR, below the floor and
/// suspected counterfeits). Where the currency's minor units are unknown, the site's
/// mark once still decides (`140.000`).
fn site_mark_decides(raw: &str, hint: char, minor_units: Option<u32>) -> bool {
    if the_other_mark_is_decimal(raw, hint) {
        return false;
    }
    !matches!(hint, '.' | ',')
        || !raw.contains(hint)
        || sep_is_decimal(raw, hint, minor_units)
        || (minor_units.is_none() && raw.matches(hint).count() == 1)
}

/// Is the number written with the other of `.` and `,` than the site's decimal mark
/// `hint`, once, before one or two digits (`149.99 €` on a site writing `149,99 €`,
/// as an English-language page of a shop in euros does, or cents joined from a
/// superscript, `149 €<sup>99</sup>`)? No one groups thousands so: read by the
/// site's mark, the price was 14999.
fn the_other_mark_is_decimal(raw: &str, hint: char) -> bool {
    let other = match hint {
        ',' => '.',
        '.' => ',',
        _ => return false,
    };
    let after = raw.rsplit(other).next().map_or(0, str::len);
    !raw.contains(hint) && raw.matches(other).count() == 1 && (1..=2).contains(&after)
}

/// With only one kind of separator: it is a decimal point when it appears once and is
/// not followed by exactly three digits (`12,99`, `1.5`); `1,299` and `1.299` are
/// thousands, as shops write them. In a currency with three minor units (KWD, BHD,
/// JOD, OMR, TND: ISO 4217) three digits after it are the fils: `423.923 KD`. Nor
/// are three digits thousands after a zero or nothing (`$0.001`, `$.999`): no one
/// groups a number so, and `$0.001` was read as 1 USD, below the floor and a
/// suspected counterfeit.
fn sep_is_decimal(raw: &str, sep: char, minor_units: Option<u32>) -> bool {
    let count = raw.matches(sep).count();
    if count != 1 {
        return false;
    }
    let after = raw.rsplit(sep).next().map_or(0, |s| s.len());
    let before = raw.split(sep).next().unwrap_or_default();
    let no_group = before.chars().all(|c| c == '0');
    after != 3 || minor_units == Some(3) || no_group
}

/// Cleans up text as pages write it: full-width forms (`￥８９９`) to ASCII,
/// non-breaking spaces to spaces, other scripts' digits and separators to ASCII
/// ones, typographic apostrophes to `'`.
fn normalize(text: &str) -> String {
    // Swiss shops group thousands with a typographic apostrophe (`1’299.00 CHF`):
    // not read as a separator, the price was 299.00.
    // What shows nothing goes (a zero-width space or a soft hyphen inside the
    // number, `$2\u{200B}49.99`: read as $2 and 49.99, a finding at 2.00).
    let text: String = superscripts(text)
        .nfkc()
        .filter(|c| !crate::ident::shows_nothing(*c))
        .map(|c| match c {
            '\u{a0}' => ' ',
            '\u{2019}' | '\u{02bc}' => '\'',
            // The Arabic decimal and thousands separators (`١٬٢٩٩٫٠٠`).
            '\u{066b}' => '.',
            '\u{066c}' => ',',
            c => ascii_digit(c).unwrap_or(c),
        })
        .collect();
    ten_thousands(&text).unwrap_or(text)
}

/// An amount written with 万 (ten thousand), as Japanese and Chinese shops do, as
/// its digits: `2万4999円` is 24999, `¥1.2万` 12000, `3万円` 30000. Read as written,
/// `2万4999円` was 4,999 yen, a fifth of the price. Only beside the currency (a sign
/// before or 円/元 after): `月销1万+` counts sales.
fn ten_thousands(text: &str) -> Option<String> {
    // A constant pattern, compiled by `amounts_in_ten_thousands_are_read_whole`: no
    // page's input reaches `Regex::new`, so the `expect` cannot fire.
    static WAN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?P<sign>[¥￥]\s*)?(?P<wan>\d{1,4}(?:\.\d{1,4})?)万(?P<rest>\d{1,4})?(?P<unit>\s*[円元])?",
        )
        .expect("a valid pattern")
    });
    if !text.contains('万') {
        return None;
    }
    let out = WAN.replace_all(text, |c: &regex::Captures| {
        let priced = c.name("sign").is_some() || c.name("unit").is_some();
        let wan = c["wan"].parse::<Decimal>().ok();
        let rest = c
            .name("rest")
            .map_or(Some(Decimal::ZERO), |r| r.as_str().parse().ok());
        match (priced, wan, rest) {
            (true, Some(w), Some(r)) if c.name("rest").is_none() || !c["wan"].contains('.') => {
                let sign = c.name("sign").map_or("", |m| m.as_str());
                let unit = c.name("unit").map_or("", |m| m.as_str());
                format!(
                    "{sign}{}{unit}",
                    (w * Decimal::from(10_000) + r).normalize()
                )
            }
            _ => c[0].to_string(),
        }
    });
    Some(out.into_owned())
}

/// Superscript digits as price texts hold them: two right after a whole number
/// are its cents (`$149⁹⁹`, which NFKC made 14,999), others after an amount, a
/// currency sign or a mark a footnote's (`149,99 €¹`, "incl. VAT, plus shipping"
/// below: the ¹ was the price, 1 EUR, under every floor). After a letter they stay
/// for NFKC to write out (`m²`, a unit).
fn superscripts(text: &str) -> Cow<'_, str> {
    let digit = |c: char| match c {
        '\u{b9}' => Some('1'),
        '\u{b2}' => Some('2'),
        '\u{b3}' => Some('3'),
        '\u{2070}' | '\u{2074}'..='\u{2079}' => char::from_digit(c as u32 - 0x2070, 10),
        _ => None,
    };
    if !text.chars().any(|c| digit(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let end = (i..chars.len())
            .find(|&k| digit(chars[k]).is_none())
            .unwrap_or(chars.len());
        let run: String = chars[i..end].iter().filter_map(|&c| digit(c)).collect();
        match i.checked_sub(1).map(|k| chars[k]) {
            Some(p) if p.is_alphabetic() => out.extend(&chars[i..end]),
            Some(p) if p.is_ascii_digit() && run.len() == 2 && !has_cents(&chars[..i]) => {
                out.push('.');
                out.push_str(&run);
            }
            _ => {}
        }
        i = end;
    }
    Cow::Owned(out)
}

/// Does the number ending `before` end with a separator and two digits (`149.99`)?
fn has_cents(before: &[char]) -> bool {
    let n = before.len();
    n >= 3 && matches!(before[n - 3], '.' | ',') && before[n - 2..].iter().all(char::is_ascii_digit)
}

/// A digit of another script as its ASCII digit: Arabic-Indic (`١٤٩`, Saudi and
/// Egyptian shops), Persian, Devanagari, Bengali, Thai, Myanmar, Khmer. NFKC leaves
/// them as they are, and a price written in them held "no readable amount".
fn ascii_digit(c: char) -> Option<char> {
    const ZEROS: [u32; 7] = [0x0660, 0x06f0, 0x0966, 0x09e6, 0x0e50, 0x1040, 0x17e0];
    let code = c as u32;
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|zero| char::from_digit(code - zero, 10))
}

/// What a page says about a price besides its text.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hints<'a> {
    /// Currency written elsewhere (`priceCurrency`, a currency selector): a code or a symbol.
    pub currency: Option<&'a str>,
    /// The decimal separator, when the site is known to use one.
    pub decimal_separator: Option<char>,
    /// Where the text passes from one element's text to another's, in order.
    pub breaks: &'a [Break],
}

/// Where a field's text, joined from several elements' texts, passes from one
/// element's to the next's: `at`, the byte offset in the text where the later one
/// begins, and `depth`, how deep in the field's element lies the innermost element
/// holding both (the field's element itself is 1). A word between two amounts is
/// the one's it shares the deeper element with: in `<span>$5.99 shipping</span>
/// <span>$89.99</span>` the shipping is the $5.99's, though as text alone
/// (`$5.99 shipping $89.99`) it reads as the label of the $89.99 (`$89.99
/// Shipping: $5.99`), and the listing was at 5.99, its price "a shipping cost".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub at: usize,
    pub depth: u16,
}

/// The private-use character that stands for a [`Break`] of `depth` while the
/// text is normalized: NFKC leaves private-use characters as they are, so where
/// they end up is where the breaks are in the normalized text.
fn break_mark(depth: u16) -> char {
    char::from_u32(0xF0000 + u32::from(depth.min(0xFFFD))).unwrap_or('\u{F0000}')
}

/// `text` with a [`break_mark`] before each break (offsets off a character
/// boundary or past the end are left out).
fn with_break_marks<'t>(text: &'t str, breaks: &[Break]) -> Cow<'t, str> {
    if breaks.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4 * breaks.len());
    let mut from = 0;
    for b in breaks {
        if b.at < from || !text.is_char_boundary(b.at) {
            continue;
        }
        out.push_str(&text[from..b.at]);
        out.push(break_mark(b.depth));
        from = b.at;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

/// `text` without its break marks, and the breaks as (character index, depth).
fn without_break_marks(text: &str) -> (String, Vec<(usize, u16)>) {
    let mut clean = String::with_capacity(text.len());
    let mut breaks = Vec::new();
    let mut n = 0;
    for c in text.chars() {
        match u32::from(c).checked_sub(0xF0000) {
            Some(depth) if depth <= 0xFFFD => {
                breaks.push((n, u16::try_from(depth).unwrap_or(u16::MAX)));
            }
            _ => {
                clean.push(c);
                n += 1;
            }
        }
    }
    (clean, breaks)
}

fn parse(
    text: &str,
    hints: Hints,
    default: &Currency,
    pick: fn(Vec<Decimal>) -> Option<Decimal>,
) -> Result<Money, PriceError> {
    let text = normalize(text);
    let currency = currency_of(&text, hints, default);
    let amount = pick(numbers(
        &text,
        hints.decimal_separator,
        currency.minor_units(),
    )?)
    .ok_or(PriceError::NoAmount)?;
    Ok(Money::new(amount, currency))
}

/// The currency of a price text: written in it, else the hint, else the default.
fn currency_of(text: &str, hints: Hints, default: &Currency) -> Currency {
    currency_in(text, default)
        .or_else(|| {
            let hint = normalize(hints.currency?);
            Currency::new(&hint)
                .ok()
                .or_else(|| currency_in(&hint, default))
        })
        .unwrap_or_else(|| default.clone())
}

pub use crate::config::VatBasis;

/// The advertised price read from a price text, and why other amounts in the text
/// were left out (empty when there was nothing to choose).
#[derive(Debug, Clone)]
pub struct Reading {
    pub money: Money,
    pub why: Vec<String>,
    /// The different amounts the advertised one was the lowest of (a range, a
    /// price per variant), lowest first; empty when the text held one amount.
    pub among: Vec<Decimal>,
    /// When the advertised amount is one only some buyers pay (members, subscribers):
    /// the words saying so, and the lowest price for every buyer the text shows.
    pub on_condition: Option<OnCondition>,
    /// When the amount is a multi-buy's price, the only one the text asks (`3 for
    /// $600`): the price of that many items, not of one.
    pub for_several: Option<MultiBuy>,
    /// The item's condition other than new, where the words after the advertised
    /// amount, the text's last, state it (`$180.00 Used - Like New`).
    pub condition: Option<String>,
}

/// A price the page asks for several of the item together (`3 for $600`). Read as
/// one item's price and held to one item's floor, three at 200 each under a floor
/// of 250 were no violation; the judge holds it to the floor of each
/// ([`crate::judge::Pack`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MultiBuy {
    /// How many items the price is for (2 or more).
    pub count: u32,
    /// The text's words saying so, lower case (`3 for`).
    pub words: String,
}

/// A price only some buyers pay: not a variant's price, and not what everyone pays.
#[derive(Debug, Clone, PartialEq)]
pub struct OnCondition {
    /// The words of the text naming the condition, lower case (`subscribe & save`,
    /// a quantity tier's `10+ units`).
    pub words: Cow<'static, str>,
    /// The lowest price for every buyer in the same text, if it shows one.
    pub for_everyone: Option<Decimal>,
}

/// Words after an amount saying it is without VAT (`EUR24.71 (exc VAT)`, `HT`,
/// `zzgl. MwSt.`, `netto`).
const EX_VAT: &[&str] = &[
    "exc vat",
    "exc. vat",
    "excl vat",
    "excl. vat",
    "ex vat",
    "ex. vat",
    "excluding vat",
    "exkl. mwst",
    "zzgl. mwst",
    "ohne mwst",
    "netto",
    "nettopreis",
    "excl. btw",
    "hors taxe",
    " ht",
    "(ht",
    "plus vat",
    "+ vat",
    "+vat",
    "sans tva",
    "税抜",
    "税別",
    "本体",
    // GST, as Australia, New Zealand, India and Singapore name their VAT.
    "ex gst",
    "ex. gst",
    "exc gst",
    "exc. gst",
    "excl gst",
    "excl. gst",
    "excluding gst",
    "plus gst",
    "+ gst",
    "+gst",
    // IVA (Spain, Italy, Portugal, Latin America), moms, mva, DPH, TVA, BTW.
    "sin iva",
    "iva excluido",
    "iva no incluido",
    "más iva",
    "+ iva",
    "+iva",
    "iva esclusa",
    "iva escl.",
    "esclusa iva",
    "s/ iva",
    "sem iva",
    "exkl. moms",
    "exkl moms",
    "ex. moms",
    "ekskl. moms",
    "ekskl. mva",
    "eks. mva",
    "bez dph",
    "bez vat",
    "fără tva",
    "excl btw",
    "exclusief btw",
    "zonder btw",
    "sin impuestos",
    "precio sin impuestos",
    // Britain's trade prices (`£124.99 nett`); not a bare `net`, which is also a
    // price after discounts or a weight.
    "nett",
    "net of vat",
    // China's prices before VAT on wholesale pages (1688's `¥1,800 不含税`) and
    // Korea's `VAT 별도` ("VAT separate"): each was read as the price, below a floor
    // that includes the tax.
    "不含税",
    "不含增值税",
    "未含税",
    "未税",
    "부가세 별도",
    "부가세별도",
    "vat 별도",
    "부가세 미포함",
    "vat 미포함",
];

/// Words after an amount saying it includes VAT.
const INC_VAT: &[&str] = &[
    "inc vat",
    "inc. vat",
    "incl vat",
    "incl. vat",
    "including vat",
    "inkl. mwst",
    "inkl mwst",
    "brutto",
    "bruttopreis",
    "incl. btw",
    "ttc",
    "toutes taxes",
    "avec tva",
    "税込",
    "inc gst",
    "inc. gst",
    "incl gst",
    "incl. gst",
    "including gst",
    "w/ gst",
    "iva incluida",
    "iva incluido",
    "iva inclusa",
    "con iva",
    "c/ iva",
    "com iva",
    "inkl. moms",
    "inkl moms",
    "inkl. mva",
    "s dph",
    "z vat",
    "incl btw",
    "inclusief btw",
    "inclusive of all taxes",
    "incl. of all taxes",
    // Not China's 含税, which is inside 不含税 (without VAT): words are matched
    // inside others where they are not written with spaces.
    "부가세 포함",
    "부가세포함",
    "vat 포함",
];

/// "Tax" for VAT, as shops' software labels a price shown both ways (Magento's
/// `Excl. Tax: £208.33 Incl. Tax: £249.99`: the net price was read on a marketplace
/// whose prices include VAT, a false below-floor finding). Read so only where the
/// text holds both kinds ([`tax_as_vat`]): alone, "tax" is a US sales tax a price
/// never includes (AliExpress's `US $249.99 Tax excluded, add at checkout if
/// applicable` beside every price), not the marketplace's VAT basis. Each ends in
/// "tax", which reads as "VAT" in [`EX_VAT`] and [`INC_VAT`].
const EX_TAX: &[&str] = &[
    "excl. tax",
    "excl tax",
    "exc. tax",
    "exc tax",
    "ex. tax",
    "ex tax",
    "excluding tax",
];

/// The same, with the tax ([`EX_TAX`]).
const INC_TAX: &[&str] = &[
    "incl. tax",
    "incl tax",
    "inc. tax",
    "inc tax",
    "including tax",
];

/// `text` with the "tax" of [`EX_TAX`] and [`INC_TAX`] written "VAT", where it holds
/// both kinds: the VAT basis's rules then read them. Same length, so every
/// position in the text stays where it was.
fn tax_as_vat(text: &str) -> Cow<'_, str> {
    // Most texts say no "tax": no copy for them.
    if !(text.as_bytes().windows(3)).any(|w| w.eq_ignore_ascii_case(b"tax")) {
        return Cow::Borrowed(text);
    }
    // ASCII lower case keeps every byte where it is.
    let lower = text.to_ascii_lowercase();
    if !(has_word(&lower, EX_TAX) && has_word(&lower, INC_TAX)) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_string();
    for at in words_at(&lower, EX_TAX).chain(words_at(&lower, INC_TAX)) {
        out.replace_range(at.end - 3..at.end, "VAT");
    }
    Cow::Owned(out)
}

/// `text` with the statements that a way to pay is offered (`Financing
/// available`, `Special financing available`, `No Cost EMI available`, `Monthly
/// payments available`) blanked: they label no amount. Read as instalments'
/// labels, the price beside them was an instalment and the box "held only
/// instalments" (the price went unchecked). As many characters, so every break
/// stays where it was.
fn without_options_offered(text: &str) -> Cow<'_, str> {
    // A constant pattern, compiled by `ways_to_pay_offered_label_no_amount`.
    static OFFERED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:(?:special|interest[- ]free|no[- ]cost|flexible)\s+)?(?:financing|finance|emi|monthly\s+payments|installments|instalments|pay\s+in\s+\d+|pay\s+later|payment\s+plans?)\s+(?:options?\s+available|options?|available|offered)\b",
        )
        .expect("a valid pattern")
    });
    // As many spaces as characters: the breaks count characters. (Case-insensitive,
    // the pattern also matches `ſ` for `s`, two bytes and one character.)
    OFFERED.replace_all(text, |c: &regex::Captures| " ".repeat(c[0].chars().count()))
}

/// VAT labels written before the amount they label (`12,800円（税込14,080円）`:
/// 12,800 without tax, 14,080 with it): right before the next amount, such a label
/// is that amount's, not the one it follows.
const VAT_LABELS_BEFORE: &[&str] = &["税込", "税抜", "税別", "本体価格", "本体"];

/// Words before an amount saying it is the price converted into the visitor's
/// currency, an estimate the marketplace adds (eBay's `Approximately US $2.66`
/// under `£1.99`), not what the seller asks: read as the price, a floor in the
/// visitor's currency would be checked against a figure the seller never wrote.
const ESTIMATE_WORDS: &[&str] = &[
    "approximately",
    "approx.",
    "approx",
    "environ",
    "ungefähr",
    "circa",
    "大约",
    "约",
    "≈",
];

/// `text` without the converted estimate that follows the price it converts
/// ([`ESTIMATE_WORDS`] followed within a few characters by a digit): the text
/// before the first such word, and the estimate left out. An estimate with no
/// amount before it is all the text holds: [`PriceError::Estimate`].
fn without_estimate(text: &str) -> Result<(&str, Option<&str>), PriceError> {
    let lower = text.to_lowercase();
    // Lower-casing keeps byte offsets only where it keeps lengths; otherwise (rare
    // letters such as `İ`) nothing is cut.
    if lower.len() != text.len() {
        return Ok((text, None));
    }
    let at = ESTIMATE_WORDS
        .iter()
        .flat_map(|w| crate::ident::occurrences(&lower, w).map(move |i| (i, w.len())))
        .filter(|&(i, len)| {
            let word_start = i == 0
                || !lower[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
            // `get`: a boundary of `lower` need not be one of `text` when letters
            // changed length both ways (`İ` and `ẞ`); such a text is not cut.
            let next = text.get(i + len..).unwrap_or("");
            word_start && next.chars().take(7).any(|c| c.is_ascii_digit())
        })
        .map(|(i, _)| i)
        .min();
    let Some(at) = at else {
        return Ok((text, None));
    };
    let Some((before, estimate)) = text.split_at_checked(at) else {
        return Ok((text, None));
    };
    if before.chars().any(|c| c.is_ascii_digit()) {
        Ok((before, Some(estimate.trim())))
    } else {
        Err(PriceError::Estimate(
            estimate.trim().chars().take(80).collect(),
        ))
    }
}

/// Words saying an amount is what shipping costs, not what the listing asks.
const SHIPPING_WORDS: &[&str] = &[
    "shipping",
    "postage",
    "delivery",
    "p&p",
    "versand",
    "livraison",
    "envío",
    "envio",
    "spedizione",
    "frete",
    "运费",
    "送料",
    "배송비",
    "ships for",
    // `$249.99 Ships to you for $12.99`: "the lowest of 2 prices" was 12.99.
    "ships to you for",
    "delivered for",
    // `$249.99 Ships in 1-2 business days $9.95 flat rate`: "the lowest of 2
    // prices" was 9.95.
    "flat rate",
    "flat-rate",
    // Shipping costs as one word, and Germany's delivery: `249,99 € Versandkosten
    // 4,99 €` and `Preis: 249,99 € Lieferung: 4,99 €` made 4.99 the lowest price.
    "versandkosten",
    "versandgebühr",
    "versandgebühren",
    "lieferung",
    "lieferkosten",
    "liefergebühr",
    "frais de port",
    "frais de livraison",
    "frais d'envoi",
    "gastos de envío",
    "gastos de envio",
    "spese di spedizione",
    "costi di spedizione",
    "s&h",
    "handling",
    "import fees",
    "import charges",
    "import duties",
    "duties",
    "customs",
    "einfuhrabgaben",
    "frais d'importation",
    // The Nordic, Dutch, Central and Eastern European, Turkish, Russian and
    // Asian shops' words: `1 299 kr Frakt 49 kr` was "the lowest of 2 prices: 49".
    "frakt",
    "fragt",
    "porto",
    "toimitus",
    "toimituskulut",
    "verzending",
    "verzendkosten",
    "bezorging",
    "bezorgkosten",
    "doprava",
    "poštovné",
    "dostawa",
    "wysyłka",
    "szállítás",
    "szállítási díj",
    "livrare",
    "dostava",
    "kargo",
    "доставка",
    "ongkir",
    "ongkos kirim",
    "ค่าจัดส่ง",
    "phí vận chuyển",
    "phí giao hàng",
    "配送料",
    "配送费",
    "邮费",
    "運費",
];

/// A shipping word saying shipping is free (`$1,099 Envío gratis`) or charged apart
/// (`14,080円 送料別`): the amount before it is no shipping cost. Read as one,
/// Mercado Libre's price was left out with the quantity tier after it, and the text
/// held "only shipping costs".
const FREE_SHIPPING: &[&str] = &[
    "shipping free",
    "delivery free",
    "postage free",
    "envío gratis",
    "envio gratis",
    "envío gratuito",
    "livraison gratuite",
    "livraison offerte",
    "spedizione gratuita",
    "versand kostenlos",
    "versand gratis",
    "versandkosten frei",
    "versandkostenfrei",
    "lieferung kostenlos",
    "lieferung gratis",
    "frais de port offerts",
    "frais de port gratuits",
    "gastos de envío gratis",
    "frete grátis",
    "frete gratis",
    "送料無料",
    "送料込",
    "送料別",
    "shipping extra",
    "versand extra",
    "frakt tillkommer",
    "frakt gratis",
    "fragt gratis",
    "frakt fritt",
    "verzending gratis",
    "doprava zdarma",
    "dostawa gratis",
    "dostawa darmowa",
    "kargo bedava",
    "доставка бесплатно",
    "доставка бесплатная",
    // Shopify themes' line under the price (`Tax included. Shipping calculated at
    // checkout.`), and shipping included in the price: no cost named. Read as the
    // price's shipping word, the price box "held only shipping costs".
    "shipping calculated",
    "shipping is calculated",
    "shipping and taxes calculated",
    "shipping & taxes calculated",
    "shipping costs calculated",
    "delivery calculated",
    "shipping included",
    "shipping fee included",
    "shipping cost included",
    "shipping costs included",
    "delivery included",
    "delivery fee included",
    "postage included",
    "versand inklusive",
    "versandkosten werden",
    // Korea's "shipping fee: free" (`199,000원 배송비 무료`) and Taobao's return-shipping
    // insurance badge (`¥999 运费险`): each made the price a shipping cost, and the box
    // "held only shipping costs".
    "배송비 무료",
    "배송비무료",
    "运费险",
    // Who ships, Amazon Germany's line under the price (`149,99 € Versand durch
    // Amazon`, `Versand und Verkauf durch Amazon`), and Mercado Livre's fulfilment badge
    // (`R$ 899,00 Frete Full`): each made the price a shipping cost.
    "versand durch",
    "versand und verkauf durch",
    "frete full",
    // eBay's shipping line when it names no cost (`£149.99 Postage: May not post to
    // United States`, `Shipping: Does not ship to Germany`, `Shipping: Varies`): each
    // made the price a shipping cost.
    "postage may not post",
    "postage does not post",
    "postage doesn't post",
    "shipping may not ship",
    "shipping does not ship",
    "shipping doesn't ship",
    "shipping varies",
    "postage varies",
    "delivery varies",
    "shipping not specified",
    "postage not specified",
    "delivery not specified",
];

/// Do the words after an amount start with a shipping word saying no cost
/// ([`FREE_SHIPPING`]), a colon allowed after the word (`$249.99 Shipping: Free`,
/// eBay's line, refused as "only shipping costs")?
fn no_shipping_cost_after(after: &str) -> bool {
    // `$249.99 + shipping`, `EUR 249,99 + Versand`: shipping added to the price,
    // its cost not named (no amount stands between the plus and the word). Read
    // as the price's shipping word, the box "held only shipping costs" and the
    // listing went unchecked.
    if after.trim_start().starts_with('+') {
        return true;
    }
    let words: String = after.replace([':', '：'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    starts_with_word(&words, FREE_SHIPPING) || shipping_when(&words)
}

/// Words saying when, after a shipping word ([`shipping_when`]).
const WHEN_WORDS: &[&str] = &[
    "tomorrow",
    "today",
    "tonight",
    "options",
    "morgen",
    "heute",
    "übermorgen",
    "demain",
    "aujourd'hui",
    "mañana",
    "hoy",
    "domani",
    "oggi",
    "jutro",
    "dzisiaj",
    "amanhã",
    "hoje",
    // At once (`Versand: sofort`, `Envio imediato`).
    "sofort",
    "immediately",
    "imediato",
    "inmediato",
    "immediato",
];

/// Days and months, in full or cut short, in English, German, French, Spanish and
/// Italian ([`shipping_when`]).
const DAYS_AND_MONTHS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
];

/// Do the words after an amount name when its shipping comes, not what it costs
/// (`$149.99 Delivery tomorrow`, `Delivery by Friday`, `Delivery: Tomorrow`,
/// `Shipping options`, `149,99 € Lieferung bis Freitag`, `Versand morgen`, `Livraison
/// demain`)? Each made the price a shipping cost: the box "held only shipping
/// costs" and the floor went unchecked. A word before a day only counts with the
/// day (`$5.99 Shipping by USPS` is a cost).
fn shipping_when(words: &str) -> bool {
    let Some(rest) = SHIPPING_WORDS
        .iter()
        .find_map(|w| words.strip_prefix(w).filter(|r| r.starts_with(' ')))
    else {
        return false;
    };
    let mut next =
        (rest.split_whitespace()).map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()));
    let first = next.next().unwrap_or_default();
    let when = |w: &str| WHEN_WORDS.contains(&w) || DAYS_AND_MONTHS.contains(&w);
    when(first)
        || ([
            "by", "on", "arrives", "bis", "am", "ab", "le", "el", "il", "entro", "avant",
        ]
        .contains(&first)
            && next.next().is_some_and(when))
}

/// Words after a label saying when its amount is paid (`Deposit now`, `Anzahlung
/// heute`): the label still names the amount after it.
const PAID_WHEN: &[&str] = &[
    "now",
    "today",
    "due now",
    "due today",
    "payable now",
    "payable today",
    "jetzt",
    "heute",
    "aujourd'hui",
    "maintenant",
    "hoy",
    "ahora",
    "oggi",
    "ora",
];

/// "From" after a label and before its amount (`Delivery from $5.99`, `Versand ab
/// 4,95 €`, `Dostawa od 9,99 zł`).
const LOWEST_FROM: &[&str] = &[
    "from",
    "starting at",
    "ab",
    "à partir de",
    "dès",
    "desde",
    "a partir de",
    "da",
    "od",
    "från",
    "fra",
    "vanaf",
    "alkaen",
    "itibaren",
];

/// Words before an amount saying it is a saving, the value of a coupon or a
/// reward, not a price (`You save: $20.00`, `Save $5 with coupon`, `Earn $5`,
/// `Sie sparen 20,00 €`, `立省¥200`). Real price boxes carry them beside the price
/// (Walmart's, Best Buy's, Amazon's older layout): counted as a price, the saving
/// became the listing's "lowest" price, far under any floor.
const SAVING_WORDS: &[&str] = &[
    "save",
    "you save",
    "saving",
    "savings",
    "earn",
    "reward",
    "rewards",
    "cashback",
    "cash back",
    "sparen",
    "sparst",
    "ersparnis",
    "économisez",
    "économie",
    "ahorra",
    "ahorras",
    "ahorro",
    "risparmi",
    "risparmio",
    "立省",
    "节省",
    "立减",
    "减",
    "省下",
    "gift card",
    "promotional credit",
    "promo credit",
    // Amazon Japan's `OFF: ￥2,000 (14%)` (it read 2,000 JPY); JD's beans and
    // coupons taken off (`京豆抵扣¥10`); Taiwan's and Hong Kong's coupons.
    "off:",
    // A coupon's value (`Cupom de R$ 100` read 100 BRL).
    "cupom de",
    "cupón de",
    "抵扣",
    // A presale's deposit offsets more than it costs (`定金¥100 抵¥200`): the 200
    // was "the lowest of 2 prices".
    "抵",
    "折價券",
    "優惠券",
    "优惠券",
    "折扣",
    // The most a discount takes off (`Bank Offer 10% off up to ₹150` read 150 INR).
    "off up to",
    "off upto",
    "discount up to",
    "discount upto",
    "cashback up to",
    "cashback upto",
    // "You save" in more languages (`1 299 zł Oszczędzasz 200 zł` read 200 PLN).
    "oszczędzasz",
    "oszczędność",
    "ušetříte",
    "ušetríte",
    "úspora",
    "spara",
    "spar",
    "du sparar",
    "du sparer",
    "sparer",
    "säästä",
    "säästät",
    "megtakarítás",
    "spórolj",
    "economisești",
    "economisesti",
    "экономия",
    "вы экономите",
    "економія",
    "tasarruf",
    "kazancınız",
    "hemat",
    "jimat",
    "tiết kiệm",
    "ประหยัด",
    "節省",
    "εξοικονομείτε",
    "ušteda",
    "uštedite",
    "prihranek",
    "prihranite",
    "bespaar",
    "je bespaart",
    "u bespaart",
    "poupe",
    "economize",
    "risparmia",
    // Arabic "save" (`AED 899 وفر 200 درهم` read 200 AED).
    "وفر",
    "وفّر",
    "توفير",
];

/// Words right after an amount saying how far under a reference price it is (`£24.99
/// £5 cheaper than RRP`, `$24.99 $5 less than list price`): the difference was "the
/// lowest of 2 prices". Not "cheaper" or "below" alone (`$249.99 Cheaper options
/// below`). They say the same of a price (`£249.99 lower than RRP £299.99`): which
/// one they follow, [`a_difference`] decides.
const COMPARED_AFTER: &[&str] = &[
    // `$249.99 $50 cheaper` (the price was 50); `$249.99 Cheaper than ever` alone
    // is the price.
    "cheaper",
    "cheaper than",
    "less than",
    "lower than",
    "günstiger als",
    "moins cher que",
    "más barato que",
];

/// Words right after an amount saying it is a reward, cash back or a voucher, where
/// they are words a price may be followed by too (`$249.99 Reward yourself`, `$249.99
/// Cash back available`, `249,99 € Gutschein einlösen`): an amount so followed is
/// no price only beside one at least twice it ([`is_saving`]). Read as the price,
/// `$249.99 $20 in points`, `$20 cash back`, `$10 reward`, `$25 Kohl's Cash`, `$25
/// in Bonus Bucks` and `249,99 € 20 € Gutschein` were a below-floor finding.
const REWARD_AFTER: &[&str] = &[
    "reward",
    "kohl's cash",
    "in kohl's cash",
    "bonus bucks",
    "in bonus bucks",
    "in points",
    "in bonus points",
    "back in points",
    "cash back",
    "gutschein",
    "voucher",
];

/// Words after a price beginning with "back" or "off" that say nothing of money
/// back or off (`$149.99 Back in stock soon`, `Back order`, `Back to school deal`,
/// the colour `Off-White`): read as `$5 back` or `$10 off`, the price was a
/// saving's and the box "held only savings".
const NOT_A_SAVING_AFTER: &[&str] = &[
    "off-white",
    "back in stock",
    "back order",
    "back-order",
    "back ordered",
    "back-ordered",
    "back to",
    "back soon",
    "back on",
];

/// Words right after an amount saying the same (`$10 off`, `$5 back`, `$20
/// mail-in rebate`, `20 € Rabatt`).
const SAVING_AFTER: &[&str] = &[
    "off",
    "back",
    "cashback",
    "in rewards",
    "rebate",
    "mail-in rebate",
    "coupon",
    "discount",
    "rabatt",
    "de réduction",
    "de remise",
    "de descuento",
    "di sconto",
    // `$149.99 after $30 instant savings` read 30 USD.
    "instant savings",
    // `$249.99 $50 Reward points`, `$249.99 $20 store credit`: each was the price.
    "reward points",
    "rewards points",
    "in reward points",
    "bonus points",
    "store credit",
    "in store credit",
    // `$249.99 Get up to $100 trade-in credit`: "the lowest of 2 prices" was 100.
    "trade-in credit",
    "trade in credit",
    "in trade-in credit",
    "trade-in value",
    "in credit",
    "credit toward",
    "credit towards",
    "in savings",
    "savings",
    "instant rebate",
    "instant discount",
    "ersparnis",
    "d'économie",
    "d'économies",
    "de ahorro",
    "di risparmio",
    // `200 zł taniej` ("cheaper"), `200 kr billigere`, `20 € korting`, `2,000円お得`.
    // `249,99 € 50,00 € gespart`: what was saved, not a price. (Not "saved": a
    // wish list's button after the price says so, `$249.99 Saved`.)
    "gespart",
    "économisés",
    "taniej",
    "rabatu",
    "sleva",
    "zľava",
    "billigere",
    "billigare",
    "kedvezmény",
    "reducere",
    "скидка",
    "знижка",
    "indirim",
    "i\u{307}ndirim",
    "korting",
    "de desconto",
    "έκπτωση",
    "popust",
    "お得",
    "割引",
    "할인",
    "ส่วนลด",
];

/// Words before an amount saying it is the price of more than the listing: the
/// item with others or with a plan, or a total with shipping (`Bundle price
/// $179.99`, `Frequently bought together $219.98`, `with 2-year plan $189.99`,
/// `Shipping $9.99 Total $159.99`). Beside the item's price such an amount made
/// "the lowest of 2 prices", a variant's price in a finding's words.
const MORE_THAN_THE_ITEM: &[&str] = &[
    "bundle price",
    "bundle",
    "frequently bought together",
    "bought together",
    "buy together",
    "total price",
    "order total",
    "subtotal",
    "total",
    "year plan",
    "gesamtpreis",
    "gesamtsumme",
    "gesamt",
    "summe",
    "prix total",
    "precio total",
    "prezzo totale",
    "套餐价",
    "组合价",
    "合计",
    "セット価格",
];

/// Words before an amount saying it is a spending threshold a promotion starts
/// at, not a price (`Spend $50, save $10`, `FREE delivery on orders over $35`,
/// `满¥299减¥50`).
const THRESHOLD_WORDS: &[&str] = &[
    "spend",
    "orders over",
    "order over",
    "orders of",
    "purchases over",
    "purchase of",
    "purchases of",
    "purchases over",
    "minimum order",
    "mindestbestellwert",
    "bestellwert",
    "a partir de compras",
    "满",
    // Free shipping from an order's value on (`Versandkostenfrei ab 29 €` read 29 EUR).
    "versandkostenfrei ab",
    "kostenloser versand ab",
    "gratis versand ab",
    "livraison gratuite dès",
    "livraison offerte dès",
    "envío gratis a partir de",
    "spedizione gratuita da",
    "gratis verzending vanaf",
    "darmowa dostawa od",
    "free shipping over",
    "free delivery over",
];

/// Do the words before an amount end with "over" or "above" in a clause about
/// orders or what is free (`FREE delivery Tuesday, December 8 on orders shipped by
/// Amazon over $35`, Amazon's buy box; `Delivery £4.99 Free over £50`)? Such an
/// amount is a spending threshold: words between "orders" and "over" hid it from
/// [`THRESHOLD_WORDS`], and read as a price the $35 was "the lowest of 2 prices",
/// under any floor.
fn orders_over(before: &str) -> bool {
    let b = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    let Some(rest) = ["over", "above", "über", "au-dessus de"]
        .iter()
        .find_map(|w| b.strip_suffix(w))
        .filter(|rest| rest.is_empty() || rest.ends_with(char::is_whitespace))
    else {
        return false;
    };
    has_word(
        rest,
        &[
            "order",
            "orders",
            "purchase",
            "purchases",
            "basket",
            "cart",
            "bestellung",
            "bestellungen",
            "commande",
            "commandes",
            "free",
            "spend",
        ],
    )
}

/// Is the amount the size of the orders a promotion is on, between "on", "with" or
/// "for" and "orders" (`FREE shipping, arrives in 3+ days on $35 orders`, Target's
/// line)? A spending threshold: read as a price, the $35 was "the lowest of 2
/// prices". Not "orders" after any amount (`$249.99 Orders over $35 ship free`).
fn orders_of(before: &str, after: &str) -> bool {
    let b = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    let on = ["on", "with", "for"].iter().any(|w| {
        b.strip_suffix(w)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with(char::is_whitespace))
    });
    // Or orders of that much and more, the amount after them (`$20 off orders
    // $200+`: the 200 was the price).
    let of_more = ["orders", "order", "purchases", "purchase"]
        .iter()
        .any(|w| {
            b.strip_suffix(w)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with(char::is_whitespace))
        })
        && after.starts_with('+');
    of_more || (on && starts_with_word(after, &["orders", "order", "purchases", "purchase"]))
}

/// Is the amount a threshold by the words after it: an order's minimum (`$35
/// minimum for free shipping`, `$35 min. purchase`), or what is left to spend for
/// free shipping (`You are $10 away from free shipping`, `Add $10.01 for FREE
/// shipping`, `Spend $5 more for free delivery`)? Read as a price, each was "the
/// lowest of 2 prices", under any floor. "Minimum" before the next amount labels it
/// (`$249.99 Minimum order $35`): the $249.99 is the price.
fn threshold_after(t: &PriceText, i: usize, list: &[Found]) -> bool {
    let after = t.after(i, list);
    let words = after.trim_matches(|c: char| !c.is_alphanumeric());
    if starts_with_word(words, &["minimum", "min"]) {
        let labels_next = t.next_of(i, list).is_some()
            && [
                "order", "orders", "purchase", "spend", "of", "minimum", "min",
            ]
            .iter()
            .any(|w| words.ends_with(w));
        return !labels_next;
    }
    let to_add =
        last_word(&t.before(i, list)) == "add" || starts_with_word(words, &["more", "away"]);
    to_add && has_word(words, &["free"])
}

/// Words beside an amount saying it is a fee or a deposit charged with the price
/// or before it (`Deposit $10.00`, `$2.50 bottle deposit`, `Includes $5 eco fee`).
const FEE_WORDS: &[&str] = &[
    "deposit",
    "fee",
    "fees",
    "pfand",
    "caution",
    "recycling",
    "core charge",
    "sales tax",
    "estimated tax",
    // Recycling fees and levies on electronics, printed beside the price.
    "éco-participation",
    "eco-participation",
    "éco-part",
    // Written as one word, apart, or as the WEEE's French name (`Ecoparticipation
    // 0,50 € incluse` read 0.50 as the lowest of 2 prices).
    "écoparticipation",
    "ecoparticipation",
    "éco participation",
    "eco participation",
    "eco-part",
    "éco-contribution",
    "eco-contribution",
    "deee",
    "écotaxe",
    "ecotaxe",
    "raee",
    "weee",
    "ehf",
    "environmental handling",
    "canon digital",
    "urheberabgabe",
    "urheberrechtsabgabe",
    // A deposit paid first on a pre-order or a financed purchase (`定金¥100`):
    // read as the lowest price, the deposit was a violation of every floor.
    "down payment",
    // `Reserve for $10` (a pre-order's reservation) was the price.
    "reserve for",
    "reserve now for",
    "reserve it for",
    "anzahlung",
    "acompte",
    "定金",
    "订金",
    // A presale's balance, paid after the deposit (`¥1499 定金¥100 尾款¥1399`: read
    // as "the lowest of 2 prices", 1399).
    "尾款",
];

/// Names of a tax, written as the label of the tax's amount (`Tax: $20.00`, `VAT
/// (20%): £41.67`, `zzgl. 19% MwSt.: 39,92 €`, `IVA: 43,39 €`, `消費税 ¥2,272`).
const TAX_NOUNS: &[&str] = &[
    "tax",
    "taxes",
    "vat",
    "gst",
    "hst",
    "pst",
    "qst",
    "mwst",
    "ust",
    "iva",
    "tva",
    "btw",
    "moms",
    "mva",
    "dph",
    "duty",
    "duties",
    "消費税",
    "税額",
    "税额",
    "增值税",
    "税金",
];

/// Words before a tax's name saying the amount after it is a price on a VAT basis,
/// not the tax (`Price incl. VAT: €249.99`, `Prices include tax $249.99`, `+ VAT`).
const TAX_QUALIFIERS: &[&str] = &[
    "incl",
    "inc",
    "including",
    "include",
    "includes",
    "included",
    "inclusive",
    "excl",
    "exc",
    "ex",
    "excluding",
    "exclusive",
    "exkl",
    "inkl",
    "zzgl",
    "ohne",
    "mit",
    "plus",
    "+",
    "with",
    "without",
    "w/",
    "w/o",
    "sin",
    "con",
    "c/",
    "s/",
    "hors",
    "sans",
    "avec",
    "all",
    "after",
    "before",
    "pre",
    "free",
    "no",
    "bez",
    "z",
    "s",
    "inclusief",
    "exclusief",
    "zonder",
    "met",
];

/// Do these words before an amount end with a tax's name, as its label (a colon and
/// a rate aside)? Not where a word such as `incl.` or `plus` qualifies the name
/// (then the amount is a price on that basis), unless a rate stands between
/// (`zzgl. 19% MwSt.: 39,92 €` is the tax). Read as one of the box's prices, the tax
/// was "the lowest of 2 prices" and a listing at $249.99 was at $20.00.
fn labels_a_tax(before: &str) -> bool {
    let trim = |w: &str| {
        w.trim_matches(|c: char| {
            matches!(
                c,
                ':' | '：' | '(' | ')' | '（' | '）' | '.' | ',' | '[' | ']'
            )
        })
        .to_string()
    };
    let is_rate = |w: &str| w.contains('%') && w.chars().any(|c| c.is_ascii_digit());
    let mut words = before
        .split_whitespace()
        .map(trim)
        .filter(|w| !w.is_empty())
        .rev()
        .skip_while(|w| is_rate(w));
    let Some(name) = words.next() else {
        return false;
    };
    let cjk = |n: &&str| !n.is_ascii() && name.ends_with(*n);
    if !TAX_NOUNS.iter().any(|n| name == *n || cjk(n)) {
        return false;
    }
    match words.next() {
        Some(w) if is_rate(&w) => true,
        Some(w) => !TAX_QUALIFIERS.contains(&w.as_str()),
        None => true,
    }
}

/// Is a tax's name the last word after amount `i` (`$249.99 $20.62 tax`, `$249.99
/// ($20.62 tax)`), a higher amount beside it? Read as one of the box's prices, the
/// tax was "the lowest of 2 prices". Not a name other words follow (`$249.99 tax
/// included`), nor one labelling the next amount (`$249.99 Tax $20.00`).
fn names_a_tax_after(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let after = t.after(i, l);
    let words: Vec<&str> = after
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.len() == 1
        && TAX_NOUNS.contains(&words[0])
        && l.iter().any(|f| f.value > l[i].value)
        && t.followed_by(i, l, TAX_NOUNS, TAX_NOUNS)
}

/// Words before an amount after the price saying it is part of that price (`149,99 €
/// dont 0,50 € d'éco-participation`, `inkl. 2,56 € Urheberabgabe`, `includes $12.50
/// tax`, `うち消費税 ¥1,164`): French, Italian and Spanish shops print the recycling
/// fee or the levy included in the price right under it, and read as "the lowest of
/// 2 prices" the fee became the price.
const INCLUDED_WORDS: &[&str] = &[
    "dont",
    "incl.",
    "incl",
    "inc.",
    "inkl.",
    "inkl",
    "including",
    "includes",
    "included",
    "incluye",
    "incluido",
    "incluidos",
    "di cui",
    "inclusief",
    "inclus",
    "うち",
    "其中",
];

/// Words after an amount saying the same.
const FEE_AFTER: &[&str] = &[
    "deposit",
    "down payment",
    "fee",
    "eco fee",
    "bottle deposit",
    "recycling fee",
    "core charge",
    "pfand",
    "sales tax",
    "estimated tax",
    "in tax",
    "in taxes",
    "d'éco-participation",
    "éco-participation",
    "d'éco-part",
    "écotaxe",
    "de canon digital",
    "canon digital",
    "contributo raee",
    "raee",
    "weee",
    "ehf",
    "urheberabgabe",
    "urheberrechtsabgabe",
];

/// Words before an amount saying it is one instalment of the price, not the price
/// (`or 4 interest-free payments of $22.50 with Afterpay`, Klarna's `3 Raten à
/// 33,33 €`, `12 cuotas de $833`, `分4期 每期¥324.75`): pay-later offers sit in
/// or beside the price box on most shops.
const INSTALMENT_WORDS: &[&str] = &[
    // The label alone, naming the next amount (`$249.99 Monthly payments $20.83`,
    // `249,99 € Ratenzahlung 20,83 €`): read as the price's words too, both
    // amounts were instalments and the box was refused; in German, the
    // instalment was the price.
    "monthly payments",
    "monthly payment",
    "ratenzahlung",
    "monatliche rate",
    "monatliche raten",
    "payments of",
    "payment of",
    "installments of",
    "instalments of",
    "installment of",
    "instalment of",
    "interest-free",
    "interest free",
    "monthly",
    "pay in",
    "financing",
    // `$249.99 Finance from $20.83`, `Lease from $20.83`: 20.83 was the price.
    "finance from",
    "lease from",
    "leasing from",
    "lease for",
    "finanzierung",
    "emi",
    "x de",
    "parcelas de",
    "vezes de",
    "raten à",
    "raten a",
    "raten zu",
    "raten von",
    "monatlich",
    "mensualités",
    "mensualité",
    "fois sans frais",
    "payez en",
    "fois",
    "paga en",
    "paga in",
    "raten",
    "rat",
    "raty",
    "cuotas de",
    // `$2,499 en 12 meses de $208.25` (Mexico's shops): 208.25 was "the lowest of
    // 2 prices".
    "meses de",
    "mensualidades de",
    "pagos de",
    "meses sin intereses",
    "plazos",
    "sin intereses de",
    "sin interés de",
    "rate da",
    "每期",
    "分期",
    "月供",
    // Indonesia's, Thailand's, Vietnam's, Korea's and Turkey's pay-later offers.
    "cicilan",
    "ผ่อน",
    "trả góp",
    "할부",
    "taksit",
];

/// Words right after an amount saying it is an instalment (`$8.33 x 12 months`,
/// `$8.33 a month`, `$22.50 with Klarna`).
const INSTALMENT_AFTER: &[&str] = &[
    "a month",
    "per month",
    "each month",
    "monthly",
    "mo.",
    "mtl",
    "monatl",
    "sem juros",
    "with klarna",
    "with afterpay",
    "with affirm",
    "with zip",
    "with sezzle",
    "with paypal",
    "with shop pay",
    "im monat",
    "par mois",
    "al mes",
    "por mes",
    "al mese",
    "每期",
    "/期",
];

/// Words before an amount saying it is the price of an add-on offered beside the
/// item (`Add a 2-year protection plan for $12.99`, `AppleCare+ for $29.00`).
const ADD_ON_WORDS: &[&str] = &[
    "protection plan",
    // `Add a 2-year plan for $29.99` was the price; so were protection plans by
    // their makers' names and an extension (`Protect with Allstate $29.99`, `Geek
    // Squad $49.99`, `Extend 3 years $39.99`).
    "year plan",
    "years plan",
    "yr plan",
    "protect with",
    "allstate",
    "squaretrade",
    "asurion",
    "mulberry",
    "geek squad",
    "extend",
    "protection",
    "warranty",
    "applecare",
    "service plan",
    "care plan",
    "insurance",
    "garantie",
    "garantieverlängerung",
    "versicherung",
    // Insurance in French, Spanish and Italian (`Assurance casse 29,99 €` beside
    // 249,99 € was the lowest of 2 prices).
    "assurance",
    "assurance casse",
    "seguro",
    "assicurazione",
    "garanzia",
    "garantía",
    "延保",
    // A free gift's value (`赠品价值¥199`, `free gift worth $50`).
    "赠品价值",
    "赠品",
    "free gift worth",
    "gift worth",
    // `249,99 € Gratis Zugabe im Wert von 29,99 €` read 29.99.
    "im wert von",
    "d'une valeur de",
    "por valor de",
    "del valore di",
    "accessories",
    "accessory",
    "zubehör",
    "accessoires",
    "accesorios",
    "accessori",
    "配件",
    // Services sold with the item (`$129.99 Installation $49.99`, `Gift wrap $4.99`:
    // each was "the lowest of 2 prices").
    "protect your purchase",
    "installation",
    "professional installation",
    "assembly",
    "haul-away",
    "haul away",
    "gift wrap",
    "gift wrapping",
    "engraving",
    "personalization",
    "personalisation",
    "monogram",
    "geschenkverpackung",
    "montage",
    "montageservice",
    "emballage cadeau",
    "confezione regalo",
    "envoltorio de regalo",
    "embrulho para presente",
    "礼品包装",
    "安装费",
    "上门安装",
    "ギフトラッピング",
    "設置",
];

/// Words before an amount saying it is another offer than the listing's: another
/// seller's, or the item used or renewed (Amazon's `Used from $59.99`, `New (5)
/// from $79.99`, `Other sellers from`, `Renewed $69.99`; eBay's `Gebraucht ab`). A
/// price box that takes them in made a used offer, or another seller's, the
/// listing's price: a below-floor finding on a price its seller never asked.
const OTHER_OFFER_WORDS: &[&str] = &[
    // Other items the page shows beside the listing (`$249.99 Similar items from
    // $99`, `Sponsored $99`, `¥1299 同款低价 ¥599`, "the same style for less"): each
    // was "the lowest of 2 prices", below the floor and a suspected counterfeit.
    "similar items",
    "similar item",
    "similar products",
    "compare similar items",
    "sponsored",
    "同款低价",
    "相似商品",
    "看相似",
    // Renting the item (`Rent for $19.99`, textbooks and cameras): no sale.
    "rent",
    "rent for",
    "rental",
    "rental price",
    "mieten",
    "miete",
    "used from",
    "used",
    "renewed",
    "refurbished",
    "pre-owned",
    "open box",
    "new from",
    "other new from",
    "from other sellers",
    "other sellers",
    "more buying choices",
    "other buying options",
    "buying options",
    "seller options",
    "offers from",
    "other offers",
    "also available from",
    "sellers from",
    "marketplace items",
    "like new",
    "open-box",
    "warehouse deals",
    "gebraucht",
    "b-ware",
    "retourenware",
    "neu ab",
    "generalüberholt",
    "andere verkäufer",
    "d'occasion",
    "occasion",
    "reconditionné",
    "autres vendeurs",
    "usado",
    "reacondicionado",
    "otros vendedores",
    "usato",
    "ricondizionato",
    "altri venditori",
    "中古品",
    "中古",
    "二手",
    "其他卖家",
    "其他商家",
];

/// Words naming a gift card or store credit given with an item.
const GIFT_CARD_WORDS: &[&str] = &[
    "gift card",
    "giftcard",
    "egift card",
    "e-gift card",
    "gift certificate",
    "store credit",
    "promotional credit",
    "geschenkgutschein",
    "geschenkkarte",
    "carte cadeau",
    "carte-cadeau",
    "tarjeta regalo",
    "tarjeta de regalo",
    "buono regalo",
    "carta regalo",
    "ギフトカード",
    "礼品卡",
    "购物卡",
];

/// Does `label` end with a gift card's words (`gift card`, a shop's `target
/// giftcard`)?
fn names_a_gift_card(label: &str) -> bool {
    GIFT_CARD_WORDS.iter().any(|w| {
        label
            .strip_suffix(w)
            .is_some_and(|head| head.is_empty() || head.ends_with(' '))
    })
}

/// Is the amount the value of a gift card given with the item (`$10 Amazon Gift
/// Card with purchase`, `Get a $20 gift card`)? The words follow it, a shop's name
/// or two between; read as "the lowest of 2 prices", the gift card was the price.
/// Not when those words are all that stands before the next amount, its label
/// (`$149.99 Gift card: $25.00` names the $25).
fn gift_card_after(after: &str, next: bool) -> bool {
    let words: Vec<&str> = after.split_whitespace().take(4).collect();
    let head = words.join(" ");
    let label = head.trim_matches(|c: char| !c.is_alphanumeric());
    // A shop's gift card named before the next amount (`Target GiftCard $40`)
    // labels that one too.
    if next && (names_a_gift_card(label) || ends_with_colon(after)) {
        return false;
    }
    GIFT_CARD_WORDS.iter().any(|g| {
        crate::ident::occurrences(&head, g).any(|at| head[..at].split_whitespace().count() <= 2)
    })
}

/// Words right after an amount saying it is another seller's (`Best price $139.99
/// from other retailers`).
const OTHER_OFFER_AFTER: &[&str] = &[
    "from other sellers",
    "from other retailers",
    "at other retailers",
    "at other stores",
    "elsewhere",
];

/// The count and word the text before an amount ends with, where they make it a
/// multi-buy offer, the price of several (`2 for $150`, `Buy 3 for $20`, `2 für
/// 30 €`): `2 for`. A count past `u32` is [`u32::MAX`] (still several).
fn multi_buy_before(before: &str) -> Option<MultiBuy> {
    let b = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    // `3件¥600`: Chinese shops write the count right before the price, no space.
    ["for", "für", "pour", "por", "per", "件"]
        .iter()
        .find_map(|w| {
            let rest = b.strip_suffix(w)?;
            let rest = match *w {
                "件" => rest,
                _ => rest.strip_suffix(' ')?,
            }
            .trim_end();
            let digits = trailing_digits(rest);
            let head = &rest[..rest.len() - digits.len()];
            // A count is a word of its own: in `Use code SAVE20 for $229.99` the 20
            // is the code's (read as "20 for", the price was held to 20 floors).
            let glued = head.ends_with(|c: char| c.is_alphanumeric()) && *w != "件";
            (!digits.is_empty() && !glued).then(|| MultiBuy {
                count: digits.parse().unwrap_or(u32::MAX),
                words: format!("{digits}{}{w}", if *w == "件" { "" } else { " " }),
            })
        })
}

/// What after an amount makes it a multi-buy's price (`$600 for 3`, `$600 for 3
/// items`): `for 3`. Not a term (`$49.99 for 12 months`), a plan (`$19.99 for
/// 2-year protection`) or anything else the count is of.
fn multi_buy_after(after: &str) -> Option<MultiBuy> {
    let a = after.trim_start_matches(|c: char| !c.is_alphanumeric());
    ["for", "für", "pour", "por"].iter().find_map(|w| {
        let rest = a.strip_prefix(w)?.strip_prefix(' ')?.trim_start();
        let digits =
            &rest[..rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len()];
        let tail = rest[digits.len()..].trim_start();
        let next = tail
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let of_items = next.is_empty() && !tail.starts_with('-')
            || [
                "items", "pieces", "pcs", "units", "stück", "pièces", "unidades",
            ]
            .contains(&next);
        (!digits.is_empty() && of_items).then(|| MultiBuy {
            count: digits.parse().unwrap_or(u32::MAX),
            words: format!("{w} {digits}"),
        })
    })
}

/// Amount `i` of `list` as a multi-buy's price, by the words before it (`3 for
/// $600`) or after it (`$600 for 3`).
fn multi_buy_of(t: &PriceText, i: usize, list: &[Found]) -> Option<MultiBuy> {
    multi_buy_before(&t.before(i, list)).or_else(|| multi_buy_after(&t.after(i, list)))
}

/// The most items a multi-buy's price is read as being for (`50 for $20` is a
/// box of small parts' price, not several of a product with a floor).
const MOST_FOR_SEVERAL: u32 = 50;

/// Where the price read is a multi-buy's and nothing else (`3 for $600` alone in
/// the box): for how many. Every kept amount at the lowest must be one, of the same
/// count; a price on a condition is none.
fn for_several(t: &PriceText, kept: &[Found]) -> Option<MultiBuy> {
    let low = kept.iter().map(|f| f.value).min()?;
    let mut at_low = (0..kept.len())
        .filter(|&i| kept[i].value == low)
        .map(|i| multi_buy_of(t, i, kept));
    let first = at_low.next()??;
    (at_low.all(|m| m.is_some_and(|m| m.count == first.count))
        && (2..=MOST_FOR_SEVERAL).contains(&first.count))
    .then_some(first)
}

/// The words right before amount `i` of `l` since the amount before it in the whole
/// text, whatever earlier steps left out: `Trade-in and save up to $100 $249.99`
/// (the saving left out) read the trade-in's words as the price's, and the box held
/// "only prices with a trade-in".
fn words_since_any_amount(t: &PriceText, i: usize, l: &[Found]) -> String {
    match t.in_found(&l[i]) {
        Some(k) => t.before(k, &t.found),
        None => t.before(i, l),
    }
}

/// Are the trade-in's words before amount `i` of `l` those of a saving left out
/// before them (`Save up to $100 with trade-in $249.99`)? Read as the next amount's,
/// the box held "only prices with a trade-in" and the price went unread.
fn a_saving_s_trade_in_before(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let Some(k) = t.in_found(&l[i]) else {
        return false;
    };
    k > 0
        && !l.iter().any(|f| f.start == t.found[k - 1].start)
        && starts_with_word(&t.before(k, &t.found), TRADE_IN_AFTER)
        && has_word(&t.before(k - 1, &t.found), SAVING_WORDS)
}

/// Words before an amount saying it is a price only with a trade-in.
const TRADE_IN_WORDS: &[&str] = &[
    "trade-in",
    "trade in",
    "with trade",
    "以旧换新",
    // India's exchange offers (`With Exchange ₹999`).
    "with exchange",
    "exchange offer",
];

/// A trade-in's labels alone before its amount (`$249.99 Trade-in value $50`).
const TRADE_IN_LABELS: &[&str] = &[
    "trade-in value",
    "trade in value",
    "trade-in credit",
    "trade in credit",
];

/// Words right after an amount saying the same (`$149.99 or $139.99 with trade-in`).
const TRADE_IN_AFTER: &[&str] = &[
    "with trade-in",
    "with trade in",
    "with eligible trade-in",
    "with an eligible trade-in",
    "with your trade-in",
    "after trade-in",
    "after trade in",
];

/// Words before an amount saying it is a former or reference price, not what the
/// listing asks now (`Was: $124.95`, `UVP`, `RRP`, `statt`, `List Price:`).
const LIST_PRICE_WORDS: &[&str] = &[
    "was",
    "rrp",
    "uvp",
    "list price",
    "list:",
    // Best Buy's and Walmart's `List $187.49` beside the price.
    "list",
    "statt",
    "msrp",
    "m.r.p",
    "mrp",
    // Singapore's and Malaysia's "usual price".
    "u.p.",
    "reg.",
    "regular price",
    "before",
    "prix conseillé",
    "originally",
    "old price",
    "compare at",
    "typical price",
    "typical:",
    "retail price",
    "original price",
    "orig.",
    "reg",
    "regular",
    "regularly",
    "ursprünglicher preis",
    "originalpreis",
    "prix initial",
    "prezzo originale",
    "prezzo iniziale",
    "original:",
    "retail:",
    // `Your price $249.99 Retail $299.99`: "the lowest of 2 prices".
    "retail",
    "srp",
    // A competitor's price the shop compares its own with (`Our price $249.99
    // Competitor price $299.99`): no price of this listing.
    // `Now $149.99 down from $199.99`, `$149.99 Previously $199.99`: made "the
    // lowest of 2 prices … which variant sells at it".
    "down from",
    "reduced from",
    "previously",
    "previous price",
    "formerly",
    "competitor price",
    "competitor's price",
    "competitors' price",
    "competitors price",
    "price elsewhere",
    "streichpreis",
    "prix de référence",
    // `Prix de base 299,99 € 249,99 €`, `Listenpreis`, `precio de lista`: made "the
    // lowest of 2 prices … which variant sells at it".
    "prix de base",
    "prix public",
    "prix habituel",
    "precio de lista",
    "precio regular",
    "listenpreis",
    "empf. vk",
    "normale prijs",
    "prezzo pieno",
    "prezzo precedente",
    "ancien prix",
    "precio anterior",
    "precio original",
    "prezzo consigliato",
    "prezzo di listino",
    "vorher",
    "alter preis",
    "ursprünglich",
    "原价",
    "市场价",
    "参考价",
    "参考価格",
    "정가",
    "原價",
    "建議售價",
    "市價",
    "původní cena",
    "før",
    "førpris",
    "tidligere pris",
    "ordinarie pris",
    "ord. pris",
    "normalpris",
    "vejl. pris",
    "veiledende pris",
    "cena katalogowa",
    "cena regularna",
    "eski fiyat",
    "старая цена",
    "стара ціна",
    "giá gốc",
    "harga normal",
    "bisher",
    // Arabic "was", "original price", "old price" (`AED 899 كان AED 1,099` was "the
    // lowest of 2 prices … which variant sells at it").
    "كان",
    "السعر الأصلي",
    "السعر القديم",
    // `199,99 € Früher 249,99 €`, `Vorheriger Preis`: "the lowest of 2 prices … which
    // variant sells at it".
    "früher",
    "früherer preis",
    "vorheriger preis",
    "bisheriger preis",
    "ehemaliger preis",
    "zuvor",
    "vormals",
    "prix précédent",
    "prix d'origine",
    "prix normal",
    "prezzo normale",
    "au lieu de",
    "prix barré",
    "invece di",
    "antes",
    "pvpr",
    "precio recomendado",
    "adviesprijs",
    // The maker's recommended selling price in full (`Prix de vente conseillé :
    // 249,99 € 149,99 €`, France's `PVC`, `Empfohlener Verkaufspreis`): "the
    // lowest of 2 prices … which variant sells at it".
    "prix de vente conseillé",
    "prix de vente recommandé",
    "pvc",
    "empfohlener verkaufspreis",
    "prezzo di vendita consigliato",
    "precio de venta recomendado",
    "precio de venta sugerido",
    "preço sugerido",
    "adviesverkoopprijs",
    "ennen",
    "通常価格",
    "希望小売価格",
    // Amazon Japan's former price (`￥29,800 タイムセール 過去価格 ￥39,800`: "the
    // lowest of 2 prices … which variant sells at it").
    "過去価格",
    "過去の価格",
    "定価",
    "划线价",
    "日常价",
    "专柜价",
    "指导价",
    "吊牌价",
    "정상가",
    "소비자가",
    "harga coret",
    "harga asli",
    "ราคาปกติ",
    "ราคาเดิม",
    "cena przed obniżką",
    "poprzednia cena",
    "pvp recomendado",
    "unverb. preisempf.",
    "unverbindliche preisempfehlung",
    "tidigare pris",
    "norm.",
    "ovh.",
    "veil. pris",
    "oude prijs",
    "preço original",
    "preço anterior",
    "prp",
    "normal:",
    "precio normal",
    // Not Czech shops' `běžná cena` ("regular price"): the label of the price
    // itself on most of them (twelve cases of scrapinghub's suite).
    "doporučená cena",
    "eredeti ár",
    "αρχική τιμή",
    "pôvodná cena",
    "stara cijena",
    "stara cena",
    "redna cena",
    "стара цена",
    "comp. value",
    "compare value",
    "comparable value",
    "don't pay",
    // "Instead of" before the former price.
    "anstatt",
    "вместо",
    "במקום",
    "بدلاً من",
    "بدلا من",
    "zamiast",
    "místo",
    "namiesto",
    "i stedet for",
    "istället för",
    "in plaats van",
    "în loc de",
    "αντί για",
    "thay vì",
    "en lugar de",
    "em vez de",
];

/// Words right after an amount saying it is the former price: "instead of" where
/// it follows the amount it names (`1.499 TL yerine 1.299 TL`, `14 990 Ft helyett`,
/// `149 € sijaan`).
const LIST_PRICE_AFTER: &[&str] = &["yerine", "helyett", "sijaan"];

/// `149,99 € -25% 199,99 €`, `1.299,99 Lei -13% 1.499,99 Lei`: a discount in
/// percent right before an amount higher than one before it names the price it
/// was taken off, the former one (it made "the lowest of 2 prices"). Not a lower
/// amount after it (`-20% $119.99 List: $149.99`: the price).
fn struck_after_discount(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let before = t.before(i, l);
    let Some(head) = before
        .trim_end_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '%' | '％'))
        .strip_suffix(['%', '％'])
    else {
        return false;
    };
    let number = head
        .trim_end()
        .trim_end_matches(|c: char| c.is_ascii_digit());
    number.len() < head.trim_end().len()
        && number.trim_end().ends_with(['-', '−', '–'])
        && l[..i].iter().any(|f| f.value < l[i].value)
}

/// `₱1,299.00 ₱1,999.00 -35%`: a percent in the text that takes a lower amount
/// right beside amount `i` (nothing but their signs between) from `i`, to the nearest
/// point (shops round either way), names `i` the price it was taken off, the former
/// one. Lazada and Shopee print the discount after both amounts; read as "the lowest
/// of 2 prices", the finding said a variant sold at each. Not amounts with words
/// between (`149,99 € 3 % Skonto bei Vorkasse: 145,49 €`: a price on a condition), nor
/// a range (`$99.99 - $149.99 Save up to 33%`).
fn taken_off_by_a_percent(t: &PriceText, i: usize, l: &[Found]) -> bool {
    // Most texts write no percent: asked for every amount, the words between it and
    // its neighbours are built only when one is written.
    let percents = t.percents();
    if percents.is_empty() {
        return false;
    }
    let hundred = Decimal::ONE_HUNDRED;
    lower_beside(t, i, l).any(|f| {
        percents.iter().any(|p| {
            let off = (Decimal::ONE - f.value / l[i].value) * hundred;
            (off - Decimal::from(*p)).abs() < Decimal::ONE
        })
    })
}

/// The amounts right beside amount `i` (nothing but their signs between, a bar or a
/// dot setting them apart, `US $180.00 | US $249.99 -28%`, or the first's `/each`:
/// Home Depot's `$249.99 /each $299.99 Save $50.00`) lower than it.
fn lower_beside<'l>(t: &PriceText, i: usize, l: &'l [Found]) -> impl Iterator<Item = &'l Found> {
    let beside = |k: usize| {
        let after = t.after(k, l);
        let w = after
            .trim()
            .trim_matches(['|', '｜', '·', '•'])
            .trim()
            .trim_start_matches('/')
            .trim()
            .trim_end_matches('.');
        w.is_empty() || w == "each" || w == "ea" || only_a_percent(w)
    };
    let neighbours = [
        i.checked_sub(1).filter(|k| beside(*k)),
        (i + 1 < l.len() && beside(i)).then_some(i + 1),
    ];
    neighbours
        .into_iter()
        .flatten()
        .map(|k| &l[k])
        .filter(move |f| f.value < l[i].value)
}

/// Is the gap between two amounts a percent off and nothing else (`(20% off)`,
/// `-20%`, `- 20% =`)? Such amounts stand beside each other ([`lower_beside`]):
/// `$199.99 (20% off) $249.99` made "the lowest of 2 prices … which variant sells
/// at it".
fn only_a_percent(gap: &str) -> bool {
    let w = gap.trim_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '%' | '％'));
    let w = w.strip_suffix("off").map_or(w, str::trim_end);
    w.strip_suffix(['%', '％']).is_some_and(|n| {
        let n = n.trim_end();
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    })
}

/// `$249.99 $299.99 Save $50`: a saving the text shows that is what a lower amount
/// right beside amount `i` takes off it names `i` the former price, as a percent does
/// ([`taken_off_by_a_percent`]). Read as "the lowest of 2 prices", a finding said a
/// variant sold at each, of a page with none.
fn taken_off_by_a_saving(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let off: Vec<Decimal> = lower_beside(t, i, l)
        .map(|f| l[i].value - f.value)
        .collect();
    !off.is_empty()
        && (0..l.len()).any(|k| k != i && off.contains(&l[k].value) && is_saving(t, k, l))
}

/// Labels of the price asked now, before it (`Now $129.99 $149.99`, Walmart's
/// `Rollback`): an amount higher than it right after it is the struck former price.
const NOW_WORDS: &[&str] = &[
    "now",
    "now only",
    "sale",
    "sale price",
    "rollback",
    "clearance",
    "reduced",
    "reduced price",
    // `$249.99 Reduced to $199.99`: "the lowest of 2 prices … which variant".
    "reduced to",
    "deal",
    "deal price",
    "special price",
    "offer price",
    "our price",
    "jetzt",
    "jetzt nur",
    "aktionspreis",
    "sonderpreis",
    "angebot",
    "nu",
    "nå",
    "maintenant",
    "prix promo",
    "ahora",
    "precio oferta",
    "oferta",
    "ora",
    "agora",
    "por apenas",
    "teraz",
    "nyní",
    "sekarang",
    // China's, Japan's and Korea's labels of a promotion's price (`价格 ¥2499 促销价
    // ¥2299` was "the lowest of 2 prices").
    "促销价",
    "秒杀价",
    "活动价",
    "限时价",
    "特价",
    // A flash sale's, the current price, Pinduoduo's subsidy programme (every
    // buyer's price): "the lowest of 2 prices … which variant sells at it".
    "闪购",
    "闪购价",
    "秒杀",
    "限时秒杀",
    "限时抢购",
    "抢购价",
    "现价",
    "优惠价",
    "折后价",
    // The price after a cut every buyer gets (`¥1599 减价¥1299`, `直降后¥1299`,
    // `立减后¥1299`): "the lowest of 2 prices … which variant sells at it", and
    // `立减后` read the price as the cut (its 立减 is a saving's word).
    "减价",
    "直降价",
    "直降后",
    "立减后",
    "降价后",
    "百亿补贴",
    "즉시할인가",
    // Trendyol's price in the basket, every buyer's at checkout (`999,00 TL Sepette
    // 899 TL` was "the lowest of 2 prices … which variant sells at it").
    "sepette",
    // The same in a cart elsewhere (`249,99 € im Warenkorb 229,99 €`).
    "im warenkorb",
    "dans le panier",
    "en el carrito",
    "nel carrello",
    "w koszyku",
    "cena w koszyku",
    "セール価格",
    "タイムセール",
    "特価",
    "할인가",
];

/// `Now $129.99 $149.99`: is amount `i` higher than the amount right before it
/// (nothing but signs between) that [`NOW_WORDS`] label? Then it is the former
/// price, struck beside the price asked now (it made "the lowest of 2 prices").
fn higher_after_now(t: &PriceText, i: usize, l: &[Found]) -> bool {
    if i == 0 || l[i - 1].value >= l[i].value || !t.after(i - 1, l).trim().is_empty() {
        return false;
    }
    let before = t.before(i - 1, l);
    let label = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    words_at(label, NOW_WORDS).any(|at| at.end == label.len())
}

/// `Price: $249.99 Sale Price: $199.99`: is amount `i` higher than the amount right
/// after it, which [`NOW_WORDS`] label, while no such word labels `i`? Then it is the
/// regular price the sale replaces (it made "the lowest of 2 prices", and a finding
/// said which variant sold at the price the page did not say, of a page with none).
fn higher_before_now(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let labelled_now = |k: usize| {
        let before = t.before(k, l);
        let label = before.trim_end_matches(|c: char| !c.is_alphanumeric());
        words_at(label, NOW_WORDS).any(|at| at.end == label.len())
    };
    i + 1 < l.len() && l[i + 1].value < l[i].value && labelled_now(i + 1) && !labelled_now(i)
}

/// `¥24,999 →¥19,999`, `$299.99 → $249.99`: an arrow from amount `i` to a lower one
/// right after it, as Japanese and Chinese shops print a reduction. Is `i` the
/// former price? (It made "the lowest of 2 prices … which variant sells at it".)
fn arrow_to_lower(t: &PriceText, i: usize, l: &[Found]) -> bool {
    if i + 1 >= l.len() || l[i + 1].value >= l[i].value {
        return false;
    }
    let after = t.after(i, l);
    let between: String = after
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '¥' | '￥' | '$' | '€' | '£' | '円' | '元'))
        .collect();
    matches!(
        between.as_str(),
        "→" | "⇒" | "->" | "=>" | "➜" | "➔" | "➡" | "⟶" | "▶" | "▸"
    )
}

/// `De R$ 1.999,90 por R$ 1.499,90`, `Van €149,99 voor €129,99`: Brazil's and the
/// Netherlands' way of printing a reduced price. Is amount `i` of `l` the "from"
/// one, the former price (it made "the lowest of 2 prices")?
fn from_for(t: &PriceText, i: usize, l: &[Found]) -> bool {
    if i + 1 >= l.len() {
        return false;
    }
    // The words before it and between the two, without the amounts' own signs.
    let trim = |w: String| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let (before, between) = (trim(t.before(i, l)), trim(t.after(i, l)));
    let last = before.rsplit([' ', ':']).next().unwrap_or_default();
    // Not an instalment's `de` (`10x de R$ 149,99`).
    !before.contains(|c: char| c.is_ascii_digit())
        && matches!(
            (last, between.as_str()),
            ("de", "por" | "por apenas" | "por só") | ("van", "voor")
        )
}

/// Words of the EU's Omnibus rule, which makes shops print the lowest price of the
/// last 30 days beside a reduced one: a reference, never what is asked now. Read as
/// the lowest price of the box, it was a violation the seller never advertised.
/// Before an amount they name it; after one, only with the 30 days they speak of
/// (`79,99 € ist der niedrigste Preis der letzten 30 Tage`; not `$149.99 lowest
/// price ever`), see [`omnibus_after`].
const OMNIBUS_WORDS: &[&str] = &[
    "lowest price",
    "30-day lowest",
    "30 day lowest",
    "30-day low",
    "lowest in 30 days",
    "lowest in the last 30 days",
    "niedrigster preis",
    "niedrigste preis",
    "niedrigsten preis",
    "niedrigster gesamtpreis",
    "tiefstpreis",
    "30-tage-bestpreis",
    "30-tage-tiefstpreis",
    "bestpreis der letzten",
    "le plus bas",
    "más bajo",
    "mais baixo",
    "più basso",
    "najniższa cena",
    "laagste prijs",
    "lägsta pris",
    "laveste pris",
    "alin hinta",
    "nejnižší cena",
    "najnižšia cena",
    "cel mai mic preț",
    "cel mai mic pret",
    "legalacsonyabb ár",
    "najniža cijena",
    "najnižja cena",
    "χαμηλότερη τιμή",
];

/// Words before an amount naming it a low of the price's history, as price
/// trackers and marketplaces print it beside the price (`$249.99 All-time low
/// $180`, `¥1299 历史最低 ¥899`): a past price, read as "the lowest of 2 prices … which
/// variant sells at it", below the floor. Alone, like [`OMNIBUS_WORDS`]' before an
/// amount, they leave the box no price.
const PRICE_HISTORY_WORDS: &[&str] = &[
    "all-time low",
    "all time low",
    "historical low",
    "historic low",
    "lowest ever",
    "历史最低价",
    "历史最低",
    "历史低价",
    "史低",
];

/// Is amount `i` followed, to the end of the text or of its clause, by the Omnibus
/// rule's words ([`OMNIBUS_WORDS`] and its 30 days)?
fn omnibus_after(t: &PriceText, i: usize, list: &[Found]) -> bool {
    let after = t.after(i, list);
    (i + 1 == list.len() || ends_with_stop(&after))
        && has_word(&after, OMNIBUS_WORDS)
        && after.contains("30")
}

/// Words before an amount saying only some buyers pay it: members of a programme,
/// subscribers, users of an app (`Prime price $89.99`, `Subscribe & Save: $84.99`,
/// `会员价¥1,199`). Counted among a listing's prices such an amount made "the lowest
/// of 2 prices … which variant sells at it, the page does not say": untrue, it is
/// no variant. Longer words first: the first found is the one said.
const CONDITION_WORDS: &[&str] = &[
    // A coupon code's price (`Use code SAVE20 for $229.99`).
    "use code",
    "with code",
    "promo code",
    "coupon code",
    "prime member price",
    "prime exclusive price",
    "prime exclusive",
    "prime price",
    "with prime",
    "prime",
    "member price",
    "members price",
    "members' price",
    "member's price",
    "members only",
    "members",
    "subscribe & save",
    "subscribe and save",
    "subscription price",
    "with subscription",
    "subscriber price",
    "app-only price",
    "app only",
    "app price",
    "in the app",
    "student price",
    "loyalty price",
    "club price",
    "vip price",
    "mitgliederpreis",
    "für mitglieder",
    "spar-abo",
    "abo-preis",
    "mit abo",
    "prix membre",
    "prix adhérent",
    "pour les membres",
    "prix abonné",
    "precio socio",
    "precio para socios",
    "prezzo soci",
    "plus会员价",
    "plus价",
    "会员价",
    "会员专享",
    "vip价",
    // Tmall's membership (`¥1099 88VIP ¥1,044`: its 88 a number of its own, the
    // words left before the price `vip`): "the lowest of 2 prices … which variant".
    "88vip",
    "vip",
    "会員価格",
    "プライム会員",
    // A price after a coupon or a code: paid by those who apply it.
    "coupon price",
    "price after coupon",
    "with coupon",
    "券后价",
    "券后",
    "쿠폰적용가",
    "쿠폰할인가",
    "쿠폰할인",
    // The price after every benefit (Coupang's, as JD's `到手价`).
    "최대혜택가",
    "최종혜택가",
    // A code's, an app's, a store card's price before it in more languages (`249,99 €
    // in der App 229,99 €`, `con código`, `z kodem`: each was "the lowest of 2 prices
    // … which variant sells at it"; `mit Code` made the first amount the code's).
    "mit code",
    "mit gutschein",
    "in der app",
    "dans l'appli",
    "dans l’appli",
    "dans l'application",
    "dans l’application",
    "con código",
    "con cupón",
    "en la app",
    "nell'app",
    "nell’app",
    "con coupon",
    "avec carte",
    "z kodem",
    "w aplikacji",
    // Paid with a marketplace's or a bank's card (`12 999 ₽ с Ozon Картой 11 999 ₽`).
    "при оплате картой",
    "с картой",
    "картой",
    // A price paid with a card (`楽天カードで ￥23,999`, with a Rakuten card).
    "カードで",
    "カード利用で",
    "カード払いで",
    "クーポン利用で",
    "クーポン利用",
    "クーポン適用",
    // A group-buy price (Pinduoduo's): paid by those who buy in a group.
    "拼单价",
    "拼团价",
    // A price for paying one way: in advance, by a given wallet.
    "bei vorkasse",
    "mit vorkasse",
    "skonto",
    // For new customers, a first order, students, businesses; after China's
    // national trade-in subsidy; Coupang's coupon and WOW members' prices.
    "新人价",
    "新人专享价",
    "首单价",
    "学生价",
    "企业价",
    "国补价",
    "国家补贴价",
    "政府补贴价",
    "补贴价",
    // After the subsidy (`¥1299 补贴后 ¥1039`: "the lowest of 2 prices", its
    // condition unsaid).
    "补贴后",
    "国补后",
    "政府补贴",
    "国家补贴",
    "国补",
    "쿠폰가",
    "와우할인가",
    "와우회원가",
    "카드할인가",
    "카드할인",
    // Poland's coupon price; bol.com's Select members' deal.
    "cena z kuponem",
    "z kuponem",
    // A store card's price (Falabella's CMR), a coupon's in Portuguese and Turkish.
    "precio tarjeta",
    "precio cmr",
    "con tarjeta",
    "preço com cupom",
    "com cupom",
    "kuponla",
    "select-deal",
    "select deal",
    // Amazon Japan's Subscribe & Save.
    "定期おトク便",
    "定期便",
    // A price for some buyers only: businesses, teachers, the armed forces.
    "business price",
    "amazon business price",
    "teacher discount",
    "teacher price",
    "educator price",
    "education price",
    "student discount",
    "military discount",
    "military price",
    // Staff's and the app's price, education's (`$249.99 Employee price $199.99`,
    // `$249.99 Price in app $229.99`: "the lowest of 2 prices" before).
    "employee price",
    "employee discount",
    "employee pricing",
    "staff price",
    "staff discount",
    "price in app",
    "in-app price",
    "app exclusive",
    "app-exclusive price",
    "education pricing",
    // A trade account's price (`£249.99 Trade price £199.99`: builders', electrical
    // and audio wholesalers' shops): "the lowest of 2 prices" before.
    "trade price",
    "trade account price",
    "trade customers",
    "for trade customers",
    "wholesale price",
    "b2b price",
    "händlerpreis",
    "prix pro",
    // A price in a shop's stores or for picking up there, not the listing's.
    "in-store price",
    "in-store only",
    "in-store",
    "in store",
    "store price",
    "pickup price",
    "pick-up price",
    "autoship price",
    "autoship",
    "repeat delivery",
    "first order",
    "new customer price",
    // A loyalty scheme's or a store card's price (Tesco's Clubcard, Sainsbury's
    // Nectar, Boots' Advantage Card, Fnac's adherents, Target Circle, Walmart+,
    // Best Buy's Plus, Sephora's Insider), a price for paying cash, for the
    // NHS or a Blue Light Card: each made "the lowest of 2 prices … which variant
    // sells at it".
    "clubcard price",
    "clubcard prices",
    "nectar price",
    "nectar prices",
    "lidl plus price",
    "lidl plus",
    "advantage card price",
    "card price",
    "cardholder price",
    "prix club",
    "prix carte",
    "prix fnac+",
    "avec la carte",
    "circle price",
    "circle card",
    "walmart+ price",
    "plus price",
    // Named before the word price (`Price with Target Circle $139.99`).
    "target circle",
    "with circle",
    "with redcard",
    "my best buy plus",
    "my best buy total",
    "membership price",
    "with membership",
    "card member price",
    "with clubcard",
    "with nectar",
    "insider price",
    "beauty insider",
    "nhs discount",
    "nhs price",
    "blue light card",
    "cash price",
    // What is paid after claiming a rebate or applying every offer (Flipkart's `Get
    // at ₹8,999`, JD's `到手价`): paid by those who claim it.
    "final price after rebate",
    "price after rebate",
    "after rebate",
    "after mail-in rebate",
    "after rebates",
    "get at",
    // Amazon India's price after its bank and coupon offers (`₹16,999 Get it for
    // ₹15,999`: "the lowest of 2 prices … which variant sells at it").
    "get it for",
    "预估到手价",
    "预计到手价",
    "到手价",
    // Without its 价 (`¥1299 预估到手 ¥999` was "the lowest of 2 prices … which
    // variant sells at it"): the same estimate.
    "预估到手",
    "预计到手",
];

/// Of [`CONDITION_AFTER`], the words that make a condition only beside another
/// price: paid at once (`R$ 1.169,10 à vista`) is what every buyer pays where no
/// price in instalments stands beside it.
const ONLY_BESIDE_ANOTHER_PRICE: &[&str] = &["à vista", "a vista"];

/// Words right after an amount saying the same (`$89.99 with Prime`, `$84.99 for
/// members`).
const CONDITION_AFTER: &[&str] = &[
    "with prime",
    "for prime members",
    "for members",
    "members only",
    "with subscribe & save",
    "with subscribe and save",
    "with subscription",
    "with a subscription",
    "in the app",
    "in app",
    "for students",
    "mit prime",
    "für mitglieder",
    "pour les membres",
    "para socios",
    "per i soci",
    "with coupon",
    "after coupon",
    "with code",
    "with promo code",
    "with voucher",
    "mit gutschein",
    "mit coupon",
    "mit code",
    "avec coupon",
    "avec le code",
    "con cupón",
    "con codice",
    "mit paypal",
    "bei vorkasse",
    "per vorkasse",
    "no pix",
    "à vista no pix",
    // Brazil's price paid at once (`R$ 1.299,00 ou R$ 1.169,10 à vista`, against
    // the instalments' total): "the lowest of 2 prices … which variant sells at it".
    "à vista",
    "a vista",
    "no boleto",
    "in store",
    "in stores",
    "in-store",
    "in stores only",
    "for business customers",
    "for teachers",
    "after rebate",
    "after mail-in rebate",
    // Chewy's and Petco's repeat orders, a student's or a new customer's price, a
    // price for buying several (`$229.99 when you buy 2`): each made "the lowest of
    // 2 prices … which variant sells at it".
    "with autoship",
    "autoship & save",
    "autoship and save",
    "with repeat delivery",
    "with student discount",
    "for new customers",
    "for first-time customers",
    "on your first order",
    "when you buy 2",
    "when you buy 3",
    "when you buy 4",
    "when you buy two",
    "when you buy three",
];

/// Reads the advertised price out of a price text that may hold several amounts.
///
/// Never "the lowest number in the text": amounts written in another currency than the
/// one chosen (the marketplace's own when the text has it, else the first written) are
/// left out (`AED 8000 (USD 2179)`), as are amounts on the other VAT basis than the
/// marketplace's (`EUR29.66 (inc VAT) EUR24.71 (exc VAT)`) and former or reference
/// prices (`Was: $124.95 Now: $99.00`). Of what is left, the lowest counts (a range
/// `$10 – $20` asks at least $10). Each choice made is said in [`Reading::why`].
pub fn read_advertised(
    text: &str,
    hints: Hints,
    default: &Currency,
    vat: VatBasis,
) -> Result<Reading, PriceError> {
    // A text saying the price shows only in the cart advertises none, whatever
    // reference price it also shows; with a price, the words are said.
    match (read_text(text, hints, default, vat), in_cart_words(text)) {
        (
            Err(
                PriceError::NoAmount
                | PriceError::NotThePrice { .. }
                | PriceError::NotThePriceIn { .. },
            ),
            Some(w),
        ) => Err(PriceError::InCart(w)),
        (Ok(mut r), Some(w)) => {
            r.why.push(format!("the text also says \"{w}\""));
            Ok(r)
        }
        (read, _) => read,
    }
}

/// [`read_advertised`] without the cart's words.
fn read_text(
    text: &str,
    hints: Hints,
    default: &Currency,
    vat: VatBasis,
) -> Result<Reading, PriceError> {
    let (text, breaks) = without_break_marks(&normalize(&with_break_marks(text, hints.breaks)));
    let text = tax_as_vat(&text);
    let text = without_options_offered(&text);
    let (text, estimate) = without_estimate(&text)?;
    let mut t = PriceText::new(text, default);
    t.breaks = breaks;
    let (currency, found) = amounts_and_currency(&t, text, hints, default)?;
    t.sum = written_sum(&t.chars, &found);
    t.found.clone_from(&found);
    let mut why = Vec::new();
    if let Some(e) = estimate {
        why.push(format!("left out a converted estimate: {e}"));
    }
    if let Some(e) = (t.two_currencies(&found))
        .or_else(|| t.sign_between(&found))
        .or_else(|| t.spaced_digits(&found))
    {
        return Err(e);
    }
    let kept = t.in_currency(&found, &currency, &mut why);
    if kept.len() == 1 && t.lone_amount(&found) && !every_step_asked() {
        return the_lowest(&kept, currency, None, why);
    }
    t.elsewhere = (found.iter())
        .filter(|f| t.own_currency(f).is_some_and(|c| c != currency))
        .copied()
        .collect();
    let mut kept = match not_the_price_left_out(&t, kept, vat, &mut why) {
        Err(PriceError::NotThePrice { what, text }) if !t.elsewhere.is_empty() => {
            return Err(PriceError::NotThePriceIn {
                what,
                text,
                currency: currency.to_string(),
                other: (t.elsewhere.iter())
                    .filter_map(|f| Some(format!("{} {}", f.value, t.own_currency(f)?)))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        read => read?,
    };
    let on_condition = on_a_condition(&t, &mut kept, &mut why);
    let several = for_several(&t, &kept).filter(|_| on_condition.is_none());
    if let Some(m) = &several {
        why.push(format!("the price of {} items (\"{}\")", m.count, m.words));
    }
    let mut reading = the_lowest(&kept, currency, on_condition, why)?;
    reading.for_several = several;
    reading.condition = condition_after(&t, reading.money.amount);
    Ok(reading)
}

/// Words after an amount that begin a second-hand condition (checked by
/// [`super::Condition::of`] after).
const SECOND_HAND_AFTER: &[&str] = &[
    "used",
    "renewed",
    "refurbished",
    "reconditioned",
    "pre-owned",
    "preowned",
    "open box",
    "open-box",
    "like new",
    "seller refurbished",
    "manufacturer refurbished",
    "certified refurbished",
    "second hand",
    "second-hand",
    "for parts",
    "gebraucht",
    "generalüberholt",
    "b-ware",
    "d'occasion",
    "occasion",
    "reconditionné",
    "usato",
    "ricondizionato",
    "usado",
    "reacondicionado",
    "seminuevo",
    "recondicionado",
    "seminovo",
    "używany",
    "używana",
    "używane",
    "gebruikt",
    "begagnad",
    "подержанный",
    "ikinci el",
    // `İkinci El` lowercased: Rust writes the dotted capital İ as i and U+0307.
    "i\u{307}kinci el",
    "中古",
    "二手",
    "翻新",
    "중고",
    "리퍼",
    // Certified used (`$150.00 Certified Pre-Owned`, Best Buy's `Geek Squad Certified
    // Open-Box`), eBay's `New with defects`, a hyphened `Like-New`; "as new",
    // second-hand, display and refurbished in more languages (`149,00 € Comme neuf`,
    // `Seconda mano`, `R$ 899,00 Mostruário`, `599,00 zł Powystawowy`, `Odnowiony`):
    // each was held to a new item's floor.
    "certified pre-owned",
    "certified preowned",
    "geek squad certified",
    "new with defects",
    "like-new",
    "comme neuf",
    "produit reconditionné",
    "como nuevo",
    "come nuovo",
    "wie neu",
    "als neu",
    "segunda mano",
    "seconda mano",
    "mostruário",
    "mostruario",
    "powystawowy",
    "powystawowa",
    "powystawowe",
    "odnowiony",
    "odnowiona",
    "odnowione",
    // Germany's demonstration, display and returned units (`149,00 € Vorführgerät`:
    // each was held to a new item's floor). (A phrase of Chinese, Japanese or Korean
    // words needs no first word here: [`condition_after`].)
    "vorführgerät",
    "vorführware",
    "vorführmodell",
    "ausstellungsstück",
    "ausstellungsgerät",
    "retourenware",
    // Marked, shown or returned stock (`$150.00 Scratch & Dent`, `£149.99
    // Ex-Display`, `$150.00 Open Item`: each was held to a new item's floor).
    "scratch and dent",
    "scratch & dent",
    "scratch-and-dent",
    "damaged",
    "open item",
    "ex-display",
    "ex display",
    "b-stock",
    "preloved",
    "pre-loved",
];

/// Words a price box's condition phrase may hold after its first: grades and
/// their words (`Used - Like New`, `Renewed Premium`, `Gebraucht - Sehr gut`).
/// Any other word makes the phrase something else (`$39.00 used by pros`, `used
/// in studios worldwide`: a new item's price under the floor went unchecked).
const CONDITION_PHRASE_WORDS: &[&str] = &[
    "used",
    "renewed",
    "refurbished",
    "reconditioned",
    "pre",
    "owned",
    "preowned",
    "open",
    "box",
    "like",
    "new",
    "second",
    "hand",
    "for",
    "parts",
    "premium",
    "condition",
    "grade",
    "a",
    "b",
    "c",
    "very",
    "good",
    "acceptable",
    "excellent",
    "fair",
    "mint",
    "certified",
    "gebraucht",
    "generalüberholt",
    "ware",
    "wie",
    "neu",
    "sehr",
    "gut",
    "akzeptabel",
    "d'occasion",
    "occasion",
    "reconditionné",
    "comme",
    "neuf",
    "très",
    "bon",
    "état",
    "usato",
    "ricondizionato",
    "come",
    "nuovo",
    "ottimo",
    "buono",
    "usado",
    "reacondicionado",
    "seminuevo",
    "recondicionado",
    "como",
    "nuevo",
    "muy",
    "bueno",
    "aceptable",
    "excelente",
    "estado",
    "seminovo",
    "używany",
    "używana",
    "używane",
    "stan",
    "bardzo",
    "dobry",
    "gebruikt",
    "zo",
    "goed",
    "als",
    "nieuw",
    "begagnad",
    "подержанный",
    "ikinci",
    "el",
    "seller",
    "manufacturer",
    "vorführgerät",
    "vorführware",
    "vorführmodell",
    "ausstellungsstück",
    "ausstellungsgerät",
    "retourenware",
    "geek",
    "squad",
    "with",
    "defects",
    "produit",
    "segunda",
    "seconda",
    "mano",
    "mostruário",
    "mostruario",
    "powystawowy",
    "powystawowa",
    "powystawowe",
    "odnowiony",
    "odnowiona",
    "odnowione",
    "pristine",
    "scratch",
    "and",
    "dent",
    "damaged",
    "item",
    "ex",
    "display",
    "stock",
    "loved",
];

/// A used item's grades, written before the word for used or refurbished
/// ([`condition_after`]).
const GRADES_FIRST: &[&str] = &[
    "excellent",
    "very good",
    "good",
    "fair",
    "acceptable",
    "pristine",
    "premium",
    "mint",
    "grade a",
    "grade b",
    "grade c",
];

/// Is every word of `phrase` one of a condition's ([`CONDITION_PHRASE_WORDS`], or
/// a short one of Chinese, Japanese or Korean: `中古品`, `二手 九成新`)?
fn only_condition_words(phrase: &str) -> bool {
    // Lower-cased, `İ` is `i` and a combining dot, which is no letter.
    (phrase
        .replace('\u{307}', "")
        .split(|c: char| !c.is_alphanumeric() && c != '\''))
    .filter(|w| !w.is_empty())
    .all(|w| CONDITION_PHRASE_WORDS.contains(&w) || short_cjk(w))
}

/// Is `w` a short word of Chinese, Japanese or Korean, a grade's letter or a
/// number with it (`中古品`, `二手`, `95新`, `Bランク`, `A급`)?
fn short_cjk(w: &str) -> bool {
    w.chars().count() <= 6
        && w.chars().any(|c| c >= '\u{2E80}')
        && w.chars()
            .all(|c| c >= '\u{2E80}' || c.is_ascii_alphanumeric())
}

/// The item's condition, where the words after the advertised amount state one
/// other than new and are the text's last (`$180.00 Used - Like New`, `US
/// $180.00 (Refurbished)`, `189,00 € Gebraucht - Sehr gut`): the listing's own
/// condition, as its price box states it. Read as a price alone, a used item's
/// $180 was a new item's below the floor, and a complaint claimed a violation of
/// the new item's price. Words before another amount may be its label (`$249.99
/// Used from $149.99`), so only the text's last amount has them (bare numbers
/// after it are the words' own, `¥1099 二手 95新`).
fn condition_after(t: &PriceText, chosen: Decimal) -> Option<String> {
    let j = t.found.iter().rposition(|f| f.value == chosen)?;
    // Later numbers only bare ones, which the words may hold (`¥1099 二手 95新`),
    // and costs added on top (`$150.00 Used + $10.00 shipping`).
    let later = j + 1..t.found.len();
    if !t.elsewhere.is_empty()
        || later.into_iter().any(|k| {
            t.own_currency(&t.found[k]).is_some() && !added_after_plus(&t.before(k, &t.found))
        })
    {
        return None;
    }
    let words = t.after(j, &t.found[..=j]);
    let phrase = (words.split(['|', '·', '•', ';', ',', '+', '\n']).next()?)
        .trim_matches(|c: char| !c.is_alphanumeric());
    // A tax label in brackets before it (`29,800円 (税込) 中古品 - 良い`).
    let phrase = match phrase.split_once([')', '）']) {
        Some((label, rest))
            if !starts_with_word(phrase, SECOND_HAND_AFTER) && !label.contains(['(', '（']) =>
        {
            rest.trim_matches(|c: char| !c.is_alphanumeric())
        }
        _ => phrase,
    };
    // A label before it (`US $149.99 Condition: Used`, `Zustand: Gebraucht`).
    let phrase = [
        "condition",
        "item condition",
        "zustand",
        "état",
        "condición",
        "condizione",
        "estado",
        "状態",
        "商品の状態",
        "成色",
        "상태",
    ]
    .iter()
    .find_map(|label| {
        let rest = phrase.strip_prefix(label)?.trim_start();
        rest.strip_prefix([':', '：']).map(str::trim_start)
    })
    .unwrap_or(phrase);
    // Nothing after the price (most texts that reach here): nothing to read.
    if phrase.is_empty() {
        return None;
    }
    // The word checks first: they are cheap, and most texts fail them. A phrase of
    // short Chinese, Japanese or Korean words alone is [`super::Condition::of`]'s to
    // read, whatever its first (`官方翻新`, `展示机`, `ジャンク品`, `S급 중고`: the
    // vocabulary is its, and no other words stand beside them).
    let cjk_only = (phrase.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .all(short_cjk);
    // A grade before the second-hand word (Back Market's `Excellent - Refurbished`,
    // `Grade A Refurbished`); alone (`$150.00 Excellent`) it states nothing.
    let graded = starts_with_word(phrase, GRADES_FIRST) && has_word(phrase, SECOND_HAND_AFTER);
    if !(cjk_only || graded || starts_with_word(phrase, SECOND_HAND_AFTER))
        || !only_condition_words(phrase)
    {
        return None;
    }
    if super::Condition::of(phrase)? == super::Condition::New {
        return None;
    }
    // A bracket the trimming took whose opening one stays (`Renewed (Good)`).
    let closes = phrase.contains('(') && !phrase.contains(')');
    Some(
        phrase
            .chars()
            .take(80)
            .chain(closes.then_some(')'))
            .collect(),
    )
}

/// Whether the tests asked [`read_text`] to take every step even for a lone amount
/// (`a_lone_amount_is_read_as_every_step_reads_it`).
#[cfg(test)]
fn every_step_asked() -> bool {
    tests::EVERY_STEP.with(std::cell::Cell::get)
}

#[cfg(not(test))]
fn every_step_asked() -> bool {
    false
}

/// The currency the text is read in and its amounts, read with that currency's
/// minor units: the marketplace's where a marker names it, else the text's. The
/// marketplace's code named in words, no amount's own (`€249.99 Prices shown in
/// USD`), gives way to the amounts' own currency: read in the marketplace's, a
/// price in euros was one in dollars.
fn amounts_and_currency(
    t: &PriceText,
    text: &str,
    hints: Hints,
    default: &Currency,
) -> Result<(Currency, Vec<Found>), PriceError> {
    let mut currency = if t.markers.iter().any(|(_, _, c)| c == default) {
        default.clone()
    } else {
        currency_of(text, hints, default)
    };
    let mut found = numbers_at(&t.chars, hints.decimal_separator, currency.minor_units())?;
    let own = |f: &Found| t.own_currency(f);
    if !found.iter().any(|f| own(f).as_ref() == Some(&currency))
        && let Some(c) = found.iter().find_map(own)
    {
        if c.minor_units() != currency.minor_units() {
            found = numbers_at(&t.chars, hints.decimal_separator, c.minor_units())?;
        }
        currency = c;
    }
    if found.len() > MAX_AMOUNTS {
        return Err(PriceError::TooManyAmounts(found.len()));
    }
    for f in &mut found {
        if let Some(sign_end) = written_in_cents(t, f, &currency) {
            f.value /= Decimal::ONE_HUNDRED;
            f.end = sign_end;
            f.cents = true;
        }
    }
    Ok((currency, found))
}

/// Is amount `f` written in the hundredths of `currency` (`99¢`, the UK's `99p`),
/// with no currency sign of its own? Where the sign ends, if so. Read as a whole
/// amount of the currency, a 99-cent item was $99: a hundred times its price, under
/// no floor.
fn written_in_cents(t: &PriceText, f: &Found, currency: &Currency) -> Option<usize> {
    if currency.minor_units() != Some(2) || t.own_currency(f).is_some() {
        return None;
    }
    let mut after = t.chars[f.end..].iter().copied();
    match after.next() {
        Some('¢') => Some(f.end + 1),
        Some(' ') => (after.next() == Some('¢')).then_some(f.end + 2),
        // Pence only against the digits, a word's end after (`99p`, not `99 pcs`).
        Some('p') => (currency.code() == "GBP" && !after.next().is_some_and(char::is_alphanumeric))
            .then_some(f.end + 1),
        _ => None,
    }
}

/// `kept` without what the text says is no price of the listing's one item:
/// unit prices, shipping, what is not asked now or not paid for the listing,
/// former prices, a pack's price per item, the parts of a written sum. Each rule
/// says what it left out in `why`; one that would leave nothing refuses the text.
fn not_the_price_left_out(
    t: &PriceText,
    kept: Vec<Found>,
    vat: VatBasis,
    why: &mut Vec<String>,
) -> Result<Vec<Found>, PriceError> {
    let mut kept = no_amounts_at_all(t, kept, why);
    kept = on_the_marketplaces_vat_basis(t, kept, vat, why)?;
    // Unit prices ("4,36 € / 100 ml", "$2.50 per oz") are not the listing's price.
    // The unit after a range's end is the whole range's (`US$8.00 - 10.00 / piece`).
    let unit = |i: usize, l: &[Found]| {
        unit_after(&t.after(i, l))
            .or_else(|| unit_before(&t.before(i, l)))
            .or_else(|| {
                (i + 1 < l.len() && t.closes_range(i + 1, l))
                    .then(|| unit_after(&t.after(i + 1, l)))
                    .flatten()
            })
    };
    kept = leave_out(kept, "unit prices", why, |i, l| {
        unit(i, l) == Some(Unit::Measure)
    });
    kept = leave_out(kept, "totals with shipping", why, |i, l| {
        a_total_with_shipping(t, i, l)
    });
    kept = shipping_left_out(t, kept, why)?;
    kept = not_asked_now(t, kept, why)?;
    kept = not_paid_for_the_listing(t, kept, why)?;
    // After savings and deposits are gone, and never emptying the list: before them,
    // `$249.99 Sale $50 off` lost its 249.99 here and its $50 as a saving.
    kept = leave_out(kept, "former or reference prices", why, |i, l| {
        higher_before_now(t, i, l)
    });
    // A price per item ("US $149.99/ea", eBay's for a listing of several; "/ piece")
    // is the listing's price when nothing else is left; beside another price it is
    // a pack's price per item (Walmart's "$9.97 $0.42/ea"). Left out with the
    // measures above, it took the listing's price with it where the rest was a
    // former price ("US $149.99/ea Was US $199.99": "holds only former prices").
    // A pack's price is several of its items' (at least half again as much): beside
    // a price barely above it (`$249.99 /each $299.99 Save $50.00`, Home Depot's
    // box with the former price unnamed), "/each" names the listing's own unit and
    // the price; left out, the former price was read.
    kept = leave_out(kept, "unit prices", why, |i, l| {
        let pack_beside = l
            .iter()
            .any(|f| f.value * Decimal::new(2, 0) >= l[i].value * Decimal::new(3, 0));
        unit(i, l) == Some(Unit::Item) && pack_beside
    });
    Ok(not_a_sum_s_parts(t, kept, why))
}

/// The reading of what is left: the lowest amount, the amounts it was the lowest
/// of when they differ and none is a price on a condition.
fn the_lowest(
    kept: &[Found],
    currency: Currency,
    on_condition: Option<OnCondition>,
    mut why: Vec<String>,
) -> Result<Reading, PriceError> {
    let amounts: std::collections::BTreeSet<Decimal> = kept.iter().map(|f| f.value).collect();
    let amount = *amounts.first().ok_or(PriceError::NoAmount)?;
    let among: Vec<Decimal> = if amounts.len() > 1 && on_condition.is_none() {
        amounts.into_iter().collect()
    } else {
        Vec::new()
    };
    if !among.is_empty() {
        why.push(format!(
            "the lowest of {} prices: {}",
            among.len(),
            among
                .iter()
                .map(Decimal::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(Reading {
        money: Money::new(amount, currency),
        why,
        among,
        on_condition,
        for_several: None,
        condition: None,
    })
}

/// Words right after an amount saying it is the price with shipping
/// ([`a_total_with_shipping`]).
const WITH_SHIPPING_AFTER: &[&str] = &[
    "with shipping",
    "with delivery",
    "delivered",
    "incl. shipping",
    "incl shipping",
    "including shipping",
    "incl. delivery",
    "incl delivery",
    "including delivery",
    "inc. delivery",
    "inc delivery",
    "inkl. versand",
    "inkl versand",
    "z dostawą",
    "livraison incluse",
    "livraison comprise",
    "con envío",
    "envío incluido",
    "com frete",
    "spedizione inclusa",
    "含运费",
    "送料込み",
];

/// Is amount `i` of `l` the price with shipping, a lower one beside it (`$249.99
/// $259.99 with shipping`, `799,00 zł 849,00 zł z dostawą`, `£149.99 £154.98 incl.
/// delivery`)? Counted as a price, it made "the lowest of 2 prices … which variant
/// sells at it" of a listing with one. Alone, it is the price the page asks.
fn a_total_with_shipping(t: &PriceText, i: usize, l: &[Found]) -> bool {
    // Not words that are all that labels the next amount (`$249.99 with shipping
    // $12.99`: the 12.99 is shipping's).
    t.followed_by(i, l, WITH_SHIPPING_AFTER, WITH_SHIPPING_AFTER)
        && l.iter().any(|f| f.value < l[i].value)
}

/// Shipping costs ("GBP 1.99 +GBP 8.75 shipping", "Shipping: $5.99") are not the
/// listing's price; counted among its prices, they made "the lowest of 2 prices"
/// of a listing with one. A shipping word between two amounts is the second's
/// (`$89.99 Shipping: $5.99`): read as the first's too, both were dropped, and so
/// neither. A written sum's total is its own ([`not_a_sum_s_parts`]): `$249.99 +
/// $10.00 shipping = $259.99` is no shipping cost of 259.99.
///
/// Words of shipping alone between two amounts that name the next one's cost and can
/// follow the first (`$249.99 Delivery charge $9.95`, `$249.99 Shipping & handling
/// $9.95`, `£249.99 Postage & packing £4.99`) were read as both's, and the box was
/// refused (a listing without a price). Where they leave out both, they name the
/// lower ([`lower_takes_the_words`]); where they already name one (`$9.99 Shipping
/// $15.99`, a cheap item's dearer shipping), that stands. Not across a plus (`US
/// $8.99 shipping + US $12.34`: what the 12.34 is, is unsaid).
fn shipping_left_out(
    t: &PriceText,
    kept: Vec<Found>,
    why: &mut Vec<String>,
) -> Result<Vec<Found>, PriceError> {
    let drop = |i: usize, l: &[Found]| {
        let tails = |k: usize| shipping_word_tails(t, k, l);
        ((t.followed_by(i, l, SHIPPING_WORDS, SHIPPING_WORDS)
            && !no_shipping_cost_after(&t.after(i, l))
            && !t.next_is_lower_and_left_out(i, l))
            || (has_word(&t.before(i, l), SHIPPING_WORDS) && !(i > 0 && tails(i - 1)))
            || tails(i))
            && t.sum.as_ref().is_none_or(|s| s.total != l[i].start)
    };
    let mut dropped: Vec<bool> = (0..kept.len()).map(|i| drop(i, &kept)).collect();
    // The gaps' words are built only where two amounts side by side both went.
    if dropped.windows(2).any(|w| w[0] && w[1]) {
        let mut lower = dropped.clone();
        lower_takes_the_words(
            t,
            &kept,
            &mut lower,
            named_by(SHIPPING_WORDS, SHIPPING_WORDS),
        );
        for k in 0..kept.len().saturating_sub(1) {
            let plus = t.after(k, &kept).trim_end().ends_with('+');
            if dropped[k] && dropped[k + 1] && !plus {
                (dropped[k], dropped[k + 1]) = (lower[k], lower[k + 1]);
            }
        }
    }
    refuse_or_leave_out(t, kept, "shipping costs", why, dropped)
}

/// `kept` without former and reference prices (`Was`, `UVP`, the EU's lowest price of
/// the last 30 days): before an amount the words name it; after one, only the
/// Omnibus rule's, and never the last amount left (Amazon's badge "Lowest price in
/// 30 days" says so of the price it follows).
fn not_asked_now(
    t: &PriceText,
    kept: Vec<Found>,
    why: &mut Vec<String>,
) -> Result<Vec<Found>, PriceError> {
    if regular_price_alone(t, &kept) {
        return Ok(kept);
    }
    let kept = leave_out_or_refuse(t, kept, "former or reference prices", why, |i, l| {
        // A discount in percent between the words and the amount is what they name
        // (Amazon's badge `Lowest price in 30 days -20% $119.99`: no price before).
        let before = t.before(i, l);
        let before = before.rsplit(['%', '％']).next().unwrap_or_default();
        names_a_former_price(before)
            || has_word(before, OMNIBUS_WORDS)
            || has_word(before, PRICE_HISTORY_WORDS)
            || from_for(t, i, l)
            || arrow_to_lower(t, i, l)
            || struck_after_discount(t, i, l)
            // Not a written sum's total: `$300 -$100 $200` read the 200 as what a
            // saving of 100 was taken from, and the 300 as the price.
            || ((taken_off_by_a_percent(t, i, l) || taken_off_by_a_saving(t, i, l))
                && t.sum.as_ref().is_none_or(|s| s.price() != l[i].start))
            || higher_after_now(t, i, l)
            || (i + 1 < l.len() && t.followed_by(i, l, LIST_PRICE_AFTER, LIST_PRICE_WORDS))
    })?;
    Ok(leave_out(
        kept,
        "former or reference prices",
        why,
        |i, l| omnibus_after(t, i, l),
    ))
}

/// Is the text one amount labelled "regular price" and nothing else, but perhaps
/// its currency's code (`Regular price $249.99 USD`)? Shopify's themes label the
/// price of a product not on sale so, and a selector naming the regular price's
/// element alone was refused as holding "only former or reference prices" (a
/// listing without a price). With a sale, the box holds the sale price too.
fn regular_price_alone(t: &PriceText, l: &[Found]) -> bool {
    let words = |s: String| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    l.len() == 1
        && words(t.before(0, l)) == ["regular", "price"]
        && words(t.after(0, l))
            .iter()
            .all(|w| w.len() == 3 && Currency::new(&w.to_uppercase()).is_ok())
}

/// Do the words before an amount name it a former price: a word of
/// [`LIST_PRICE_WORDS`] with no word of [`NOW_WORDS`] after it? Shopify's Dawn
/// theme labels each price for screen readers, `Regular price $249.99 Regular price
/// <s>$249.99</s> Sale price $199.99`: with the struck price gone, the words before
/// the sale price are `Regular price Sale price`, and the box was refused as
/// holding "only former prices" (a shop's every listing without a price).
fn names_a_former_price(before: &str) -> bool {
    let Some(former) = words_at(before, LIST_PRICE_WORDS).map(|r| r.end).max() else {
        return false;
    };
    !words_at(before, NOW_WORDS).any(|r| r.start >= former)
}

/// `kept` without the numbers that are no amounts a buyer pays: counts, what a sum
/// is made of, zeros.
fn no_amounts_at_all(t: &PriceText, mut kept: Vec<Found>, why: &mut Vec<String>) -> Vec<Found> {
    // In a text with no currency sign, a whole number followed by a word is a count
    // (`149.– 30 Tage Rückgaberecht`, `3 colours`): read as an amount, the 30 was the
    // price.
    if t.markers.is_empty() {
        kept = leave_out(kept, "counts (a number and a word)", why, |i, l| {
            t.is_count(&l[i])
        });
    }
    // What a sum is made of (`$149.99 -$20.00 instant savings = $129.99`): the total
    // after the equals sign is the price, the amount taken off before it is not.
    kept = leave_out(
        kept,
        "amounts of a sum (its total is the price)",
        why,
        |i, l| {
            let after = t.after(i, l);
            i + 1 < l.len()
                && !after.chars().any(char::is_numeric)
                && ends_with_equals(&after)
                && t.sum
                    .as_ref()
                    .is_none_or(|s| s.takes_off || !s.others.contains(&l[i].start))
        },
    );
    // No listing is sold for nothing: a zero beside an amount is a cost waived or a
    // deposit not asked (`$0 down`, `$0.00 shipping`), and as the lowest amount it
    // was a violation of every floor. Alone it stays, and is refused as the price.
    kept = leave_out(kept, "amounts of zero", why, |i, l| l[i].value.is_zero());
    kept
}

/// A sum a price text writes out, its total shown and checked by adding: where
/// each of its amounts starts in the text. Added up (`$249.99 + $10.00 shipping =
/// $259.99`, `$259.99 ($249.99 + $10.00 shipping)`), the first amount is the item's
/// price, the others what is added to it; taken off (`$249.99 - $20.00 instant
/// savings = $229.99`), the total is the price, the first amount what it was.
#[derive(Debug, Clone)]
struct WrittenSum {
    first: usize,
    others: Vec<usize>,
    total: usize,
    takes_off: bool,
}

impl WrittenSum {
    /// Where the amount the buyer of the item pays starts.
    fn price(&self) -> usize {
        if self.takes_off {
            self.total
        } else {
            self.first
        }
    }
}

/// The first [`WrittenSum`] among the numbers `l` of `chars`: amounts joined by
/// plus signs only, or minus signs only, with no number between them, and their
/// total next after them (an equals sign or words between), or just before them.
fn written_sum(chars: &[char], l: &[Found]) -> Option<WrittenSum> {
    // The sign between amounts `a` and `b`, if the text between is a sign and words.
    let sign = |a: &Found, b: &Found| -> Option<char> {
        let gap = chars.get(a.end.min(b.start)..b.start)?;
        if gap.iter().any(|c| c.is_numeric()) {
            return None;
        }
        let plus = gap.contains(&'+');
        let minus = gap.iter().any(|c| matches!(c, '-' | '−'));
        match (plus, minus) {
            (true, false) => Some('+'),
            (false, true) => Some('-'),
            _ => None,
        }
    };
    (0..l.len()).find_map(|start| {
        let op = sign(&l[start], l.get(start + 1)?)?;
        let mut end = start + 1;
        while end + 1 < l.len() && sign(&l[end], &l[end + 1]) == Some(op) {
            end += 1;
        }
        let mut total = l[start].value;
        for f in &l[start + 1..=end] {
            total = match op {
                '+' => total.checked_add(f.value)?,
                _ => total.checked_sub(f.value)?,
            };
        }
        // A total after the sum follows an equals sign, or words only: `$300 - $100
        // $200`, `299,99 € - 50,00 € 249,99 €` (the difference, read among the
        // prices, made "the lowest of 3 prices" 100 and 50.00: false below-floor
        // findings). The arithmetic holding is what names it the total.
        let follows = |n: &Found| {
            chars
                .get(l[end].end.min(n.start)..n.start)
                .is_some_and(|gap| !gap.iter().any(|c| c.is_numeric()))
        };
        let at = if l
            .get(end + 1)
            .is_some_and(|n| n.value == total && follows(n))
        {
            end + 1
        } else if start > 0 && l[start - 1].value == total {
            start - 1
        } else {
            return None;
        };
        Some(WrittenSum {
            first: l[start].start,
            others: l[start + 1..=end].iter().map(|f| f.start).collect(),
            total: l[at].start,
            takes_off: op == '-',
        })
    })
}

/// `kept` without what a [`WrittenSum`] holds besides the price, where the price
/// is still kept. Done last, so every rule before reads the text with the sum's
/// amounts in it (`Item $249.99 + Shipping $10.00`: the shipping word is the
/// 10.00's). Left, the total was "the lowest of 2 prices … which variant sells at
/// it" (`$249.99 + $10.00 = $259.99`), and so was the amount a saving is taken
/// from.
fn not_a_sum_s_parts(t: &PriceText, kept: Vec<Found>, why: &mut Vec<String>) -> Vec<Found> {
    let Some(s) = t
        .sum
        .as_ref()
        .filter(|s| kept.iter().any(|f| f.start == s.price()))
    else {
        return kept;
    };
    let (what, out): (&str, Vec<usize>) = if s.takes_off {
        let mut out = s.others.clone();
        out.push(s.first);
        (
            "what a sum takes off and what from (its total is the price)",
            out,
        )
    } else {
        let mut out = s.others.clone();
        out.push(s.total);
        ("what a sum adds to the price, and its total", out)
    };
    leave_out(kept, what, why, |i, l| out.contains(&l[i].start))
}

/// Which words of [`CONDITION_WORDS`] or [`CONDITION_AFTER`] say amount `i` is paid
/// only on a condition, or the quantity tier it is the price of.
fn condition_of(t: &PriceText, i: usize, list: &[Found]) -> Option<Cow<'static, str>> {
    let before = t.before(i, list);
    let after = t.after(i, list);
    // `$129.99 for Plus members`, `for My Best Buy members`: a programme's name
    // between (not a label of the next amount: `$149.99 For members: $129.99`).
    let for_members = after.trim_start().strip_prefix("for ").is_some_and(|rest| {
        rest.split_whitespace()
            .take(4)
            .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == "members")
    });
    let labels_next = i + 1 < list.len() && ends_with_colon(&after);
    if for_members && !labels_next {
        return Some("for members".into());
    }
    if let Some(w) = with_programme(&after).filter(|_| !labels_next) {
        return Some(w.into());
    }
    // The first amount's tier is the least a buyer can order (`2 - 99 pieces
    // US$10.00 100 - 499 pieces US$9.00`): every buyer's price.
    if i > 0
        && let Some(tier) = quantity_tier(&before, || t.speaks_of_quantities())
    {
        return Some(tier.into());
    }
    CONDITION_WORDS
        .iter()
        .find(|w| has_word(&before, &[w]))
        .or_else(|| {
            // `after $20 rebate $129.99`, `$129.99 after $20 mail-in rebate` (a price
            // only buyers who claim it pay, read as every buyer's before): the
            // rebate's amount between the words; after the last amount only (else
            // they label the next). Not an `instant rebate`, taken off for every
            // buyer.
            let words_only = |text: &str| {
                text.split_whitespace()
                    .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let (before, after) = (words_only(&before), words_only(&after));
            ["after rebate", "after mail-in rebate"].iter().find(|w| {
                has_word(&before, &[w]) || (i + 1 == list.len() && starts_with_word(&after, &[w]))
            })
        })
        .or_else(|| {
            t.followed_by(i, list, CONDITION_AFTER, CONDITION_WORDS)
                .then(|| {
                    CONDITION_AFTER
                        .iter()
                        .find(|w| starts_with_word(&after, &[w]))
                })
                .flatten()
        })
        .map(|w| Cow::Borrowed(*w))
}

/// The words of a quantity tier ending the text before an amount (`10+ units`,
/// `Buy 10+ for`, `Qty 5+:`, `50 or more`, `ab 10 Stück`, `10-49 pieces`): the
/// amount is the price of each of that many, paid only by buyers of two or more.
/// Read as "the lowest of 2 prices", a bulk price was the listing's. A tier from
/// one (`1-9 units`) is the price for every buyer. A bare range (`10-49 $139.99`)
/// is a tier only in a text that `speaks_of_quantities`.
fn quantity_tier(before: &str, speaks_of_quantities: impl FnOnce() -> bool) -> Option<String> {
    // Japan counts pieces (個, 点), machines (台), sheets (枚) and sets: `2個以上で
    // ￥23,999` was "the lowest of 2 prices … which variant sells at it".
    const UNIT: &str = r"(?:units?|pcs\.?|pieces?|items?|stück|stk\.?|件|个|個|点|台|枚|セット)";
    static TIER: LazyLock<regex::Regex> = LazyLock::new(|| {
        let more = r"(?:or\s+more|and\s+up|and\s+over|oder\s+mehr|ou\s+plus|o\s+más|以上で?)";
        regex::Regex::new(&format!(
            r"(?:^|[^\p{{L}}\p{{N}}.,+])(?P<words>(?P<label>(?:buy|qty\.?|quantity|menge)\s*:?\s*)?(?:(?P<plus>\d+)\s*\+\s*{UNIT}?|(?P<more>\d+)\s*{UNIT}?\s*{more}|(?P<range>\d+)\s*[-–~]\s*\d+\s*(?P<range_unit>{UNIT})?|(?:ab|from|≥|>=)\s*(?P<from>\d+)\s*{UNIT}))\s*(?:for|each|ea\.?|@|price)?\s*[:：\-–]?\s*(?:\p{{Ll}}{{1,3}}\s*)?\p{{Sc}}?\s*$"
        ))
        .expect("a valid pattern")
    });
    let c = TIER.captures(before)?;
    let ranged = c.name("range").is_some();
    if ranged
        && c.name("label").is_none()
        && c.name("range_unit").is_none()
        && !speaks_of_quantities()
    {
        // `10-12 $29.99`: a range of anything, not said to be of a quantity.
        return None;
    }
    let least: u64 = ["plus", "more", "range", "from"]
        .iter()
        .find_map(|g| c.name(g))?
        .as_str()
        .parse()
        .ok()?;
    // `Ages 3+ $29.99`: an age, not a quantity.
    let head = before[..c.name("words")?.start()].trim_end();
    if least < 2 || head.ends_with("age") || head.ends_with("ages") {
        return None;
    }
    Some(c["words"].trim_end_matches([':', '：', ' ']).to_string())
}

/// `$129.99 with Circle Card`, `$139.99 with Best Buy membership`, `₹8,999 with
/// Bank Offer`, `$19.99 with new line activation`: a store's card, a paid
/// membership, a bank's offer or a carrier's line named within a
/// few words after `with`. Which of them, as the words said with the price.
fn with_programme(after: &str) -> Option<&'static str> {
    let rest = after.trim_start().strip_prefix("with ")?;
    rest.split_whitespace()
        .take(4)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .find_map(|w| match w {
            // A card's network named (`$224.99 with Prime Visa`, `with Visa`).
            "card" | "redcard" | "cardmember" | "cardmembers" | "visa" | "mastercard" | "amex" => {
                Some("with card")
            }
            "membership" | "member" | "members" => Some("with membership"),
            "bank" => Some("with bank offer"),
            // A carrier's price with a line or a contract (`or $19.99 with new line
            // activation`: read as "the lowest of 2 prices", a variant's).
            "activation" | "contract" => Some("with activation"),
            _ => None,
        })
}

/// Prices only some buyers pay (members, subscribers) in `kept`. The lowest of them
/// is the advertised price when it is under every other (a seller who asks it
/// advertises it: it is said with its condition, not as one of several variants'
/// prices), and then `kept` holds it alone; prices on a condition at or above the
/// price for every buyer are left out.
fn on_a_condition(
    t: &PriceText,
    kept: &mut Vec<Found>,
    why: &mut Vec<String>,
) -> Option<OnCondition> {
    let conditions: Vec<Option<Cow<'static, str>>> =
        (0..kept.len()).map(|i| condition_of(t, i, kept)).collect();
    let (lowest_on_condition, words) = kept
        .iter()
        .zip(&conditions)
        .filter_map(|(f, c)| c.as_ref().map(|c| (*f, c.clone())))
        .min_by_key(|(f, _)| f.value)?;
    let for_everyone = kept
        .iter()
        .zip(&conditions)
        .filter(|(_, c)| c.is_none())
        .map(|(f, _)| f.value)
        .min();
    if for_everyone.is_none() && ONLY_BESIDE_ANOTHER_PRICE.contains(&words.as_ref()) {
        return None;
    }
    if for_everyone.is_some_and(|e| e <= lowest_on_condition.value) {
        let dropped: Vec<Found> = (0..kept.len())
            .filter(|&i| conditions[i].is_some())
            .map(|i| kept[i])
            .collect();
        why.push(format!(
            "left out prices only some buyers pay, not under the price for every buyer: {}",
            join_values(dropped.iter())
        ));
        let mut i = 0;
        kept.retain(|_| {
            i += 1;
            conditions[i - 1].is_none()
        });
        return None;
    }
    why.push(format!(
        "the price only some buyers pay (\"{words}\"){}",
        for_everyone
            .map(|e| format!("; the lowest for every buyer: {e}"))
            .unwrap_or_default()
    ));
    *kept = vec![lowest_on_condition];
    Some(OnCondition {
        words,
        for_everyone,
    })
}

/// `kept` without the amounts on the other VAT basis than the marketplace's
/// (`EUR24.71 (exc VAT)` where prices include VAT); a text holding only such
/// amounts holds no price it can be held to.
fn on_the_marketplaces_vat_basis(
    t: &PriceText,
    mut kept: Vec<Found>,
    vat: VatBasis,
    why: &mut Vec<String>,
) -> Result<Vec<Found>, PriceError> {
    let wrong_basis: &[&str] = match vat {
        VatBasis::Inclusive => EX_VAT,
        VatBasis::Exclusive => INC_VAT,
    };
    let basis = match vat {
        VatBasis::Inclusive => "amounts without VAT",
        VatBasis::Exclusive => "amounts with VAT",
    };
    // `12,800円（税込14,080円）`: where one amount is labelled `税込` before it, an
    // amount with no label beside it is the price before tax.
    let japanese_inclusive = |l: &[Found]| {
        (0..l.len()).any(|k| {
            t.before(k, l)
                .trim_end_matches(['¥', '￥', ' '])
                .ends_with("税込")
        })
    };
    kept = leave_out_or_refuse(t, kept, basis, why, |i, l| {
        let words = if let Some(label) = vat_label_with_colon(t, i, l) {
            label
        } else if vat_labels_come_first(t, l) {
            // Each amount's label is the words before it, and the last one's the
            // words after it too (`Incl. VAT £149.99 (£124.99 ex VAT)`).
            let mut words = t.before(i, l);
            if i + 1 == l.len() {
                words.push(' ');
                words.push_str(&t.after(i, l));
            }
            words
        } else if vat_label_names_next(t, i, l) {
            String::new()
        } else if i > 0 && vat_label_names_next(t, i - 1, l) {
            t.after(i - 1, l)
        } else {
            let mut words = t.vat_words(i, l);
            // The next amount's own label is none of this one's words.
            if let Some(next) = vat_label_with_colon(t, i + 1, l)
                && let Some(at) = words.rfind(&next)
            {
                words.truncate(at);
            }
            words
        };
        has_word(&words, wrong_basis)
            || (vat == VatBasis::Inclusive && japanese_inclusive(l) && !has_word(&words, INC_VAT))
    })?;
    Ok(kept)
}

/// Does the text's first amount have a VAT label before it (`Price excluding VAT
/// £124.99 Price including VAT £149.99`, `Nettopreis 124,99 € Bruttopreis 149,99 €`,
/// `Sin IVA 124,99 € Con IVA 149,99 €`)? Then labels are written before what they
/// name: read after each amount, the gross price's label was the net one's words, and
/// the net price was read on a marketplace whose prices include VAT (a false
/// below-floor finding).
fn vat_labels_come_first(t: &PriceText, l: &[Found]) -> bool {
    if l.is_empty() {
        return false;
    }
    let first = t.before(0, l);
    has_word(&first, EX_VAT) || has_word(&first, INC_VAT)
}

/// The VAT basis a label ending with a colon right before amount `i` names
/// (`Price excl. VAT: €208.33 Price incl. VAT: €249.99`, `Netto: 208,33 €`), lower
/// case: a colon makes the words before it the next amount's label, as it does of
/// every other label. Read as the first amount's words, `incl. VAT:` left the gross
/// price out as "an amount included in the price" and the net price was read on a
/// marketplace whose prices include VAT (a false below-floor finding).
fn vat_label_with_colon(t: &PriceText, i: usize, l: &[Found]) -> Option<String> {
    if i >= l.len() {
        return None;
    }
    let before = t.before(i, l);
    if !ends_with_colon(&before) {
        return None;
    }
    let label = before[..before.rfind([':', '：'])?]
        .trim_end_matches(|c: char| c.is_whitespace() || c == '.' || c == ')' || c == '(');
    // The word as the lists write it (` ht`, with the space that makes it a word):
    // trimmed, `Prix HT : 124,99 €` named no basis and the net price was kept.
    EX_VAT
        .iter()
        .chain(INC_VAT)
        .find(|w| {
            label
                .strip_suffix(w.trim())
                .is_some_and(|rest| !rest.chars().next_back().is_some_and(char::is_alphanumeric))
        })
        .map(|w| w.to_string())
}

/// Does the VAT label standing alone between amounts `i` and `i + 1` name the second
/// (`$149.99 Excl. VAT $124.99`, `€149,99 Excl. BTW €123,96`)? A label after each
/// amount names the one before it (`EUR29.66 (inc VAT) EUR24.71 (exc VAT)`); where
/// the next has none, the arithmetic decides: an amount without VAT is the lower.
/// Read as the first's, the gross price was left out and the net one read as the
/// price on a marketplace whose prices include VAT (a false below-floor finding).
fn vat_label_names_next(t: &PriceText, i: usize, l: &[Found]) -> bool {
    if i + 1 >= l.len() {
        return false;
    }
    let after = t.after(i, l);
    let label = after.trim_matches(|c: char| !c.is_alphanumeric());
    let is = |list: &[&str]| {
        list.iter()
            .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == label)
    };
    let (ex, inc) = (is(EX_VAT), is(INC_VAT));
    let next = t.after(i + 1, l);
    if !(ex || inc) || has_word(&next, EX_VAT) || has_word(&next, INC_VAT) {
        return false;
    }
    let (this, next) = (l[i].value, l[i + 1].value);
    (ex && this > next) || (inc && this < next)
}

/// Words before an amount saying what the item, or items like it, sold for: an
/// ended listing's sale (`Sold for US $180.00`, eBay's), a resale market's last
/// sale beside its asking price (`Last Sale: $180`, StockX's), a price guide's
/// average. Read as the price, each was "advertised … below the floor" of a
/// listing that asks no such price: alone the box holds no price, beside one
/// it is left out. So is an amount labelled by `Sold` or `Ended` alone (`Sold US
/// $180.00`, as a sold listing's box shows it). Not `Sold by` nor `sold out`
/// ([`SOLD_OUT_WORDS`]), nor Spanish and Portuguese `vendido por`: it says "sold
/// by" too (`Vendido por Loja X R$ 1.299,00`).
const SOLD_FOR_WORDS: &[&str] = &[
    "sold for",
    "sold price",
    "price when sold",
    "last sale",
    "last sold",
    "last sold for",
    "last sold price",
    "recently sold for",
    // eBay's ended listing sold at an offer (`Best offer accepted US $180.00`).
    "best offer accepted",
    "recent sale",
    "average sold price",
    "avg. sold price",
    "avg sold price",
    "verkauft für",
    "vendu pour",
    "venduto a",
    "venduto per",
    "sprzedano za",
    "成交价",
    "最近成交",
];

/// `kept` without what a price box shows beside the price that a buyer does not pay
/// for the listing: savings, coupons and rewards, spending thresholds, fees and
/// deposits, instalments, prices with a trade-in. A text with nothing else holds no
/// price ([`leave_out_or_refuse`]).
fn not_paid_for_the_listing(
    t: &PriceText,
    mut kept: Vec<Found>,
    why: &mut Vec<String>,
) -> Result<Vec<Found>, PriceError> {
    kept = savings_and_fees(t, kept, why)?;
    kept = next_bids_and_past_sales(t, kept, why)?;
    kept = leave_out_or_refuse(t, kept, "taxes", why, |i, l| {
        labels_a_tax(&t.before(i, l)) || names_a_tax_after(t, i, l)
    })?;
    kept = leave_out(kept, "amounts included in the price", why, |i, l| {
        i > 0 && has_word(&t.before(i, l), INCLUDED_WORDS)
    });
    kept = leave_out_or_refuse(t, kept, "instalments", why, |i, l| is_instalment(t, i, l))?;
    // A finance instalment or a subscription's price (`$108.33/mo`): not what the
    // item sells for.
    kept = leave_out_or_refuse(t, kept, "prices per month or week", why, |i, l| {
        unit_after(&t.after(i, l)) == Some(Unit::Period) && !labels_the_next_part(t, i, l)
    })?;
    kept = leave_out_or_refuse_lower(
        t,
        kept,
        "add-ons (protection plans, warranties, accessories)",
        why,
        |i, l| add_on_before(&t.before(i, l)),
        (add_on_before, |w: &str| starts_with_word(w, ADD_ON_WORDS)),
    )?;
    kept = leave_out(kept, "accessories offered beside it", why, |i, l| {
        an_accessory_beside(t, i, l)
    });
    kept = leave_out_or_refuse_lower(
        t,
        kept,
        "prices with a trade-in",
        why,
        |i, l| {
            (has_word(&words_since_any_amount(t, i, l), TRADE_IN_WORDS)
                && !a_saving_s_trade_in_before(t, i, l))
                || t.followed_by(i, l, TRADE_IN_AFTER, TRADE_IN_AFTER)
        },
        named_by(TRADE_IN_WORDS, TRADE_IN_AFTER),
    )?;
    kept = leave_out_or_refuse_lower(
        t,
        kept,
        "other offers (used, renewed, other sellers')",
        why,
        |i, l| {
            // `New (5) from`: the count of offers in brackets set aside.
            static COUNT: LazyLock<regex::Regex> =
                LazyLock::new(|| regex::Regex::new(r"\s*\(\s*\d+\s*\)").expect("a valid pattern"));
            has_word(&COUNT.replace_all(&t.before(i, l), ""), OTHER_OFFER_WORDS)
                || t.followed_by(i, l, OTHER_OFFER_AFTER, OTHER_OFFER_WORDS)
        },
        (
            |w: &str| has_word(w, OTHER_OFFER_WORDS),
            |w: &str| starts_with_word(w, OTHER_OFFER_AFTER) || only_a_condition(w),
        ),
    )?;
    // `$249.99 new $149.99 used`: the last amount's own condition word after it, with
    // another price left (alone, `US $249.99 Used` is a used listing's price).
    let last = kept.len().saturating_sub(1);
    kept = leave_out(
        kept,
        "other offers (used, renewed, other sellers')",
        why,
        |i, l| i == last && i > 0 && t.next_of(i, l).is_none() && only_a_condition(&t.after(i, l)),
    );
    Ok(more_than_the_item(t, kept, why))
}

/// `kept` without the least next bid an auction's box asks for and what the item
/// sold for ([`not_paid_for_the_listing`]'s steps after the savings).
fn next_bids_and_past_sales(
    t: &PriceText,
    mut kept: Vec<Found>,
    why: &mut Vec<String>,
) -> Result<Vec<Found>, PriceError> {
    // The least next bid an auction's box asks for (`US $180.00 Enter US $181.00
    // or more`): no price, the current bid beside it is.
    kept = leave_out_or_refuse(t, kept, "the least next bids", why, |i, l| {
        last_word(&t.before(i, l)) == "enter" && t.after(i, l).trim_start().starts_with("or more")
    })?;
    leave_out_or_refuse(t, kept, "prices of past sales", why, |i, l| {
        let before = t.before(i, l);
        has_word(&before, SOLD_FOR_WORDS)
            || matches!(
                before.trim_matches(|c: char| !c.is_alphanumeric()),
                "sold" | "ended" | "verkauft" | "vendu" | "vendido" | "venduto" | "sprzedano"
            )
            || sold_after(&t.after(i, l))
    })
}

/// Words alone after an amount saying the item sold at it: an ended eBay
/// listing's box (`US $180.00 Sold`, `US $180.00 (Sold)`, `US $249.99 Best offer
/// accepted`, the struck asking price of a sale at an undisclosed lower one). Read
/// as the price, each was "advertised … below the floor" of a listing that asks
/// nothing any more. Only the words alone: `$249.99 1,234 sold` counts sales,
/// `$249.99 Sold by Foo` names the seller, `Sold out` is out of stock.
fn sold_after(after: &str) -> bool {
    matches!(
        after.trim_matches(|c: char| !c.is_alphanumeric()),
        "sold"
            | "best offer accepted"
            | "best offer accepted sold"
            | "verkauft"
            | "vendu"
            | "venduto"
            | "sprzedano"
            | "preisvorschlag angenommen"
            | "offre acceptée"
    )
}

/// A second-hand condition's word, alone (`used`, `Refurbished`): after an amount,
/// with another price beside it, it names that amount another offer's. Read only
/// as the next amount's label, `$149.99 used $249.99` made the 149.99 the
/// listing's price (a new listing's below-floor finding), and `$249.99 new $149.99
/// used` "the lowest of 2 prices". Nothing more may stand there (`$149.99 Used
/// Was $249.99` says something else).
fn only_a_condition(words: &str) -> bool {
    const CONDITIONS: &[&str] = &[
        "used",
        "renewed",
        "refurbished",
        "pre-owned",
        "preowned",
        "open box",
        "open-box",
        "gebraucht",
        "occasion",
        "usato",
        "usado",
        "reacondicionado",
        "ricondizionato",
        "reconditionné",
        "generalüberholt",
    ];
    let w = words.trim_matches(|c: char| !c.is_alphanumeric());
    CONDITIONS.contains(&w)
}

/// `kept` without savings, coupons and rewards, spending thresholds, fees and
/// deposits ([`not_paid_for_the_listing`]'s first steps).
fn savings_and_fees(
    t: &PriceText,
    mut kept: Vec<Found>,
    why: &mut Vec<String>,
) -> Result<Vec<Found>, PriceError> {
    kept = leave_out_or_refuse_lower(
        t,
        kept,
        "savings, coupons and rewards",
        why,
        |i, l| is_saving(t, i, l),
        (
            |w: &str| {
                has_word(w, SAVING_WORDS)
                    && !has_word(w, CONDITION_WORDS)
                    && !w.contains("subscribe")
            },
            |w: &str| {
                starts_with_word(w, SAVING_AFTER)
                    || starts_with_word(w, REWARD_AFTER)
                    || starts_with_word(w, GIFT_CARD_WORDS)
                    || starts_with_word(w, &["reward", "rewards"])
            },
        ),
    )?;
    kept = leave_out_or_refuse(t, kept, "spending thresholds", why, |i, l| {
        let before = t.before(i, l);
        has_word(&before, THRESHOLD_WORDS)
            || orders_over(&before)
            || orders_of(&before, &t.after(i, l))
            || threshold_after(t, i, l)
    })?;
    kept = leave_out_or_refuse_lower(
        t,
        kept,
        "fees and deposits",
        why,
        |i, l| {
            // A shipping fee (`$9.95 shipping fee $249.99`) is shipping's, whose
            // step gave its words to the amount they name: read again here as the
            // next amount's fee, they left the box with no price.
            let before = t.before(i, l);
            (has_word(&before, FEE_WORDS) && !has_word(&before, SHIPPING_WORDS))
                || (t.followed_by(i, l, FEE_AFTER, FEE_WORDS)
                    && !t.next_is_lower_and_left_out(i, l))
                || (down_after(&t.after(i, l)) && !labels_the_next_part(t, i, l))
        },
        named_by(FEE_WORDS, FEE_AFTER),
    )?;
    Ok(kept)
}

/// `kept` without prices of more than the listing's one item: an amount added on
/// top of the price, a bundle's or a total, a multi-buy offer beside a price. Each
/// is left out only beside another amount, so none empties the list.
fn more_than_the_item(t: &PriceText, mut kept: Vec<Found>, why: &mut Vec<String>) -> Vec<Found> {
    // An amount added after another (`$149.99 + $19.99 for 2-year protection`) is
    // a cost on top of the price, whatever the words after it: read as "the lowest
    // of 2 prices", the protection plan was the price.
    // Not a count's plus (`Buy 3+ $139.99 each`).
    // Nor what is named after the plus (`This item: $109.99 + Case $29.99`): a few
    // words without a number name another item bought with it.
    // So is one the page offers to add (`$249.99 Add $5 gift wrap`).
    kept = leave_out(kept, "amounts added to the price", why, |i, l| {
        let before = t.before(i, l);
        i > 0 && (added_after_plus(&before) || last_word(&before) == "add")
    });
    // The item with more, or a total, above an amount before it: never the price
    // of the item alone (alone, it stays).
    kept = leave_out(
        kept,
        "prices of more than the item (bundles, totals)",
        why,
        |i, l| {
            (i > 0
                && l[..i].iter().any(|f| f.value < l[i].value)
                && has_word(&t.before(i, l), MORE_THAN_THE_ITEM))
                || names_a_total_after(t, i, l)
        },
    );
    // Beside a price, a multi-buy offer is left out; alone (`2 for $10`) it stays
    // the price, the price of several: compared with one item's floor it can
    // miss a violation, never make one up.
    leave_out(kept, "multi-buy offers", why, |i, l| {
        multi_buy_of(t, i, l).is_some()
    })
}

/// Is the bare shipping word between amount `k` of `l` and the next one `k`'s,
/// though a word between two amounts is read as the next one's label (`$89.99
/// Delivery $5.99`)? Where that makes shipping cost more than three times the price
/// (`$5.99 delivery $249.99`), the 5.99 was read as the price and the 249.99 as
/// shipping, a false below-floor finding: the word is then the first amount's.
fn shipping_word_tails(t: &PriceText, k: usize, l: &[Found]) -> bool {
    let Some(next) = l.get(k + 1) else {
        return false;
    };
    let after = t.after(k, l);
    let word = after.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
    SHIPPING_WORDS.contains(&word)
        && !ends_with_colon(&after)
        && next.value > l[k].value * Decimal::new(3, 0)
}

/// Words after an amount naming it a total (`$249.99 $259.99 total`).
const TOTAL_AFTER: &[&str] = &["total", "in total", "total price", "insgesamt", "au total"];

/// Is a total's word all that follows amount `i`, a lower amount before it? The
/// item with shipping or more: read as one of the box's prices it made "the lowest
/// of 2 prices … which variant sells at it". Not a word labelling the next amount
/// (`$249.99 Total $259.99` is [`MORE_THAN_THE_ITEM`]'s).
fn names_a_total_after(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let after = t.after(i, l).to_lowercase();
    let words: Vec<&str> = after
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    TOTAL_AFTER.contains(&words.join(" ").as_str())
        && l[..i].iter().any(|f| f.value < l[i].value)
        && t.followed_by(i, l, TOTAL_AFTER, TOTAL_AFTER)
}

/// Is amount `i` of `l` a saving, a coupon's value or a reward (`You save: $20.00`,
/// `$10 off`, `Sofort-Rabatt -10 €`), not a price?
fn is_saving(t: &PriceText, i: usize, l: &[Found]) -> bool {
    // "Subscribe & Save $94.99" names a price (with a subscription), not a saving.
    // Nor is a reduced price ("减价¥79", "Discount price", "Prix après remise":
    // those words are left out of the savings words).
    let before = without_codes(
        &t.before(i, l)
            .replace("subscribe & save", "")
            .replace("subscribe and save", "")
            .replace("减价", "")
            .replace("立减后", ""),
    );
    // Nor is a price on a condition the saving's words stand before (`领券减100
    // 券后¥1,199`: the price after the coupon).
    let ends = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    if a_discount_labelled_alone(t, i, l) {
        return true;
    }
    if CONDITION_WORDS.iter().any(|w| ends.ends_with(w)) {
        return false;
    }
    // Nor is an amount before a label of the next ("$149.99 Coupon price: $134.99").
    // Nor is an amount after a saving in percent (`Save 20% $119.99`).
    let after_percent = before.rsplit(['%', '％']).next().unwrap_or_default();
    // `Save 17% ($50)`: the saving in money, in brackets after its percentage.
    let restated = after_percent.trim() == "("
        && (before.rsplit_once(['%', '％'])).is_some_and(|(head, _)| has_word(head, SAVING_WORDS));
    restated
        || (has_word(after_percent, SAVING_WORDS) && !ends_with_equals(&before))
        || (i > 0
            && minus_before(&before)
            && !(t.closes_range(i, l) && l[i - 1].value < l[i].value))
        || (t.followed_by(i, l, SAVING_AFTER, SAVING_WORDS)
            && t.followed_by(i, l, SAVING_AFTER, CONDITION_WORDS)
            // `$249.99 Trade-in value $50`: the trade-in's label (read as the
            // price's, the box held "only prices with a trade-in").
            && t.followed_by(i, l, SAVING_AFTER, TRADE_IN_LABELS)
            && !a_discount_labelled_alone(t, i + 1, l))
        || a_difference(t, i, l)
        || (starts_with_word(&t.after(i, l), REWARD_AFTER)
            && (t.found.iter()).any(|f| f.start != l[i].start && l[i].value * Decimal::TWO <= f.value))
        || gift_card_after(&t.after(i, l), i + 1 < l.len())
        || a_percent_s_cap(t, i, l)
        || a_credit_alone(t, i, l)
        || saving_after_after(&before, &t.after(i, l))
        // Korea's reward points after the won sign (`최대 6,450원 적립`, up to 6,450
        // won back: it was the price).
        || korean_reward_after(t, i, l)
}

/// Is amount `i` of `l` Korea's reward points, `적립` after it (`최대 6,450원 적립`,
/// up to 6,450 won back: it was the price)? Not where `적립` labels the next amount
/// (`259,000원 적립 2,590원`: the price was read as the reward).
fn korean_reward_after(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let after = t.after(i, l);
    let words = after.trim_start().trim_start_matches('원').trim();
    words.starts_with("적립")
        && !(t.next_of(i, l).is_some() && matches!(words, "적립" | "적립금" | "최대 적립"))
}

/// Words labelling alone a discount's amount ([`a_discount_labelled_alone`]).
const DISCOUNT_LABELS: &[&str] = &[
    // China's national trade-in subsidy by its amount (`¥1499 国家补贴 ¥300`: read as
    // the subsidised price, 300). At over half the price beside it, the label names
    // that price ([`CONDITION_WORDS`]: `¥1,299 政府补贴 ¥1,039`).
    "国家补贴",
    "政府补贴",
    "国补",
    "补贴",
    // `¥1599 省¥100` (save ¥100), `¥1599 直降¥100` (cut by ¥100): each read as the
    // price. Only as the whole label: 省 also ends a province's name, and
    // `直降价¥1499`, `直降后¥1499` name the price after the cut.
    "省",
    "直降",
    "off",
    "discount",
    "rabatt",
    "remise",
    "descuento",
    "sconto",
    "korting",
    "割引",
    "値引き",
    "値引",
    "优惠",
    "할인",
    "скидка",
    "знижка",
    "indirim",
    // `İndirim` lowercased: Rust writes the dotted capital İ as i and U+0307.
    "i\u{307}ndirim",
    "sleva",
    "zľava",
    "rabat",
    "desconto",
    "réduction",
    // `$249.99 Promo $20`, `$249.99 Less $50`, `249,99 € Sofort-Rabatt 20 €`,
    // `249,99 € Réduction de 20 €`, `₹24,999 Bank offer ₹1,500` (Flipkart's and
    // Amazon India's): each was read as the price.
    "promo",
    "less",
    "bonus",
    "sofort-rabatt",
    "sofortrabatt",
    "rabatt von",
    "réduction de",
    "remise de",
    "descuento de",
    "sconto di",
    "bank offer",
    // How much the price went down (`$249.99 Price Drop $20`, `Reduced by $50`,
    // `Price cut $50`, `Dropped $50`): each was read as the price.
    "price drop",
    "price cut",
    "reduced by",
    "dropped",
    "dropped by",
    "cut by",
    "markdown",
    // `$249.99 Points $20`, `$249.99 Cashback $20`: each was read as the price.
    // So were a rebate's (`249,99 € ODR 30 €`, France's offre de remboursement,
    // `Reembolso 30 €`), points in Japanese and Chinese (`ポイント還元 ¥2,500`,
    // `积分 ¥12`) and cash back in Chinese (`返现 ¥50`).
    "remboursement",
    "offre de remboursement",
    "odr",
    "reembolso",
    "rimborso",
    "rebate",
    "ポイント",
    "ポイント還元",
    "還元",
    "积分",
    "返现",
    "返利",
    "points",
    // Flipkart's and Amazon India's coins by their value (`₹16,999 Coins ₹100`:
    // read as the price, a suspected counterfeit).
    "coins",
    "supercoins",
    "cashback",
    "cash back",
    "rewards",
    "exchange offer",
    "partner offer",
    "έκπτωση",
    "popust",
    "kedvezmény",
    "reducere",
    "خصم",
    "ส่วนลด",
];

/// Is amount `i` the most a discount in percent written before it takes off
/// (`$249.99 Extra 10% off with code, $20 max`: read 20 USD)? Only "max" right
/// after it, and a percentage before: `$249.99 (max 2 per customer)` is a limit.
fn a_percent_s_cap(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let after = t.after(i, l);
    let word = after
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty());
    matches!(word, Some("max" | "maximum"))
        && t.chars[..l[i].start]
            .iter()
            .any(|c| matches!(c, '%' | '％'))
}

/// Is amount `i` a credit, the word alone ending the text (`$249.99 $20 credit`:
/// read 20 USD), with an amount at least twice it beside? Not `credit` with more
/// words after it (`$249.99 Credit card required`), which is no saving's.
fn a_credit_alone(t: &PriceText, i: usize, l: &[Found]) -> bool {
    i + 1 == l.len()
        && t.after(i, l).trim_matches(|c: char| !c.is_alphanumeric()) == "credit"
        && (t.found.iter()).any(|f| f.start != l[i].start && l[i].value * Decimal::TWO <= f.value)
}

/// Is amount `i` a discount or a coupon labelled by a word alone after the price
/// (`$249.99 OFF $50`, `$249.99 Discount $50`, `￥24,999 割引 5,000円`, `$249.99
/// Coupon $20`) or before it (`Discount $50 $249.99`, `Coupon $20 $249.99`), or a
/// coupon's value alone (`Coupon $20`)? Read as the price, the discount was a false
/// below-floor finding (the word, read after the first amount, made that one the
/// saving; before the first, it labelled nothing the reading knew). Not where the
/// word is more than a label (`Discount price $199.99`, `20% off $199.99`), nor
/// where the amount is over half the price beside it (`$249.99 Discount $199.99`,
/// `Discount $199.99 $249.99` may be a discounted price: "the lowest of 2 prices"
/// says so), nor a discount's amount alone (`Discount: $199.99` may be the
/// discounted price).
fn a_discount_labelled_alone(t: &PriceText, i: usize, l: &[Found]) -> bool {
    // Korea's discounts by coupon, card, at once (`249,000원 카드 즉시할인 10,000원`
    // read 10,000 KRW). `13% 쿠폰할인 119,000원` names the price after the coupon.
    const KOREAN_DISCOUNTS: &[&str] = &[
        "할인",
        "즉시할인",
        "쿠폰할인",
        "카드할인",
        "카드 즉시할인",
        "할인금액",
    ];
    // A coupon's value is no price, even alone (`Coupon price` is more than the
    // label, and `Coupon: Save $20` a saving's words).
    const COUPONS: &[&str] = &[
        "coupon",
        // Newegg's `eCoupon $20`.
        "ecoupon",
        "e-coupon",
        "voucher",
        "gutschein",
        "cupón",
        "cupom",
        "buono",
        "kupon",
        "купон",
        "クーポン",
        "쿠폰",
        // Tmall's and Taobao's cash vouchers and allowances (`¥1599 红包¥20`,
        // `购物津贴¥30`, `淘礼金¥10`, `消费券¥20`: each read as the price, a
        // suspected counterfeit).
        "红包",
        "店铺红包",
        "津贴",
        "购物津贴",
        "礼金",
        "淘礼金",
        "消费券",
        "代金券",
        "现金券",
        "抵用券",
    ];
    // A rebate's amount is what the maker pays back after the sale, never a price,
    // alone too (`Mail-in Rebate $30`, `$249.99 Instant rebate $30`, `$249.99
    // Mail-in Rebate: $30`: each read 30 USD, below the floor and a suspected
    // counterfeit). The price after it has its own words (`After rebate $199.99`,
    // [`CONDITION_WORDS`]).
    const REBATES: &[&str] = &[
        "rebate",
        "mail-in rebate",
        "mail in rebate",
        "instant rebate",
        "manufacturer rebate",
        "remboursement",
        "offre de remboursement",
        "odr",
        "reembolso",
        "rimborso",
        // Korea's reward points and cash back by their amount (`259,000원 적립
        // 2,590원`, `적립 2,590원` alone: read as the price, a suspected
        // counterfeit).
        "적립",
        "적립금",
        "최대 적립",
        "포인트",
        "포인트 적립",
        "캐시백",
    ];
    let Some(f) = l.get(i) else {
        return false;
    };
    // The words right before it, whatever earlier steps left out: `Was $249.99
    // Discount $50` (the former price gone) read 50.
    let found = &t.found;
    let Some(k) = found.iter().position(|g| g.start == f.start) else {
        return false;
    };
    let before = t.before(k, found);
    // After the brackets that end what the amount before says (`¥24,999 (税込)
    // ポイント還元 ¥2,500`, `$249.99 (incl. tax) Discount $50`).
    let label = before
        .rsplit([')', '）'])
        .next()
        .unwrap_or(&before)
        .trim_matches(|c: char| !c.is_alphanumeric());
    // A shop's gift card by its name (`Target GiftCard $40`) is a gift card's value.
    let coupon = COUPONS.contains(&label) || REBATES.contains(&label) || names_a_gift_card(label);
    let labelled = coupon || DISCOUNT_LABELS.contains(&label) || KOREAN_DISCOUNTS.contains(&label);
    if !labelled || before.contains(['%', '％']) {
        return false;
    }
    let previous = (i.checked_sub(1).map(|p| l[p])).or_else(|| k.checked_sub(1).map(|p| found[p]));
    let next = l
        .get(i + 1)
        .filter(|n| found.get(k + 1).is_some_and(|g| g.start == n.start));
    match previous.or(next.copied()) {
        Some(price) => f.value * Decimal::TWO <= price.value,
        None => coupon,
    }
}

/// Is amount `i` of `l` how far under a reference price the price is (words of
/// [`COMPARED_AFTER`] after it), not the price compared with the reference? A
/// difference follows a higher amount (`£24.99 £5 cheaper than RRP`) or is under
/// half of one after it (`$5 less than RRP $24.99`); `£249.99 lower than RRP
/// £299.99` is the price (read as a difference, the box was refused), and so is
/// `$249.99 Lower than ever`, alone.
fn a_difference(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let f = l[i];
    starts_with_word(&t.after(i, l), COMPARED_AFTER)
        && t.found.iter().any(|o| {
            (o.end <= f.start && o.value > f.value)
                || (o.start >= f.end && o.value > f.value * Decimal::TWO)
        })
}

/// `words` without the name of a coupon code after "code" (`Use code SAVE20 for
/// $229.99`): a code named SAVE20 or EXTRA10OFF is no word of a saving, and read
/// as "save" it made the price with the code a saving (left out, or the box
/// refused).
fn without_codes(words: &str) -> String {
    let mut out = Vec::new();
    let mut after_code = false;
    for w in words.split(' ') {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        if after_code && !bare.is_empty() {
            after_code = false;
            continue;
        }
        after_code = matches!(bare, "code" | "gutscheincode" | "código" | "codice");
        out.push(w);
    }
    out.join(" ")
}

/// Does an amount stand between "after" and a saving's or a trade-in's words
/// (`After $50 mail-in rebate: $199.99`, `Price after $25 trade-in: $224.99`)? It is
/// what the rebate or the trade-in takes off, though the colon makes those words
/// the next amount's label too: read as a price, the $50 was "the lowest of 3
/// prices".
fn saving_after_after(before: &str, after: &str) -> bool {
    let before = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    let after_word = ["after", "nach", "après", "después de", "dopo"]
        .iter()
        .any(|w| {
            before
                .strip_suffix(w)
                .is_some_and(|rest| !rest.ends_with(char::is_alphanumeric))
        });
    after_word && (starts_with_word(after, SAVING_AFTER) || starts_with_word(after, TRADE_IN_WORDS))
}

/// Is amount `i` of `l` one instalment of a pay-later offer (`4 x $22.50`, `$8.33 x
/// 12 months`, `월 10,750원`)?
fn is_instalment(t: &PriceText, i: usize, l: &[Found]) -> bool {
    // A pay-later label before an amount already left out is that amount's:
    // `Pay in 4 on purchases of $30 $149.99` refused the price as an instalment.
    let before = t.since_left_out(i, l).unwrap_or_else(|| t.before(i, l));
    if one_payment_before(&before) {
        return false;
    }
    has_word(&before, INSTALMENT_WORDS)
        || times_before(&before)
        || monthly_before(&before)
        || (t.followed_by(i, l, INSTALMENT_AFTER, INSTALMENT_WORDS)
            && !labels_the_next_part(t, i, l))
        || times_after(&t.after(i, l))
        || a_part_paid_now(t, i, l)
        || a_part_labelled_alone(t, i, l)
        || a_part_due_now(t, i, l)
}

/// Is amount `i` a part of the price said due now after it (`$249.99 $19.99 due
/// today`, `… $50 due at checkout`: read as the price, 19.99), at most half of
/// another amount of the text? Not a bare `today` (`$99.99 today only` is a day's
/// price).
fn a_part_due_now(t: &PriceText, i: usize, l: &[Found]) -> bool {
    const DUE: &[&str] = &[
        "due today",
        "due now",
        "due at checkout",
        "due at signing",
        "due on signing",
        "due at purchase",
        "payable today",
        "payable now",
    ];
    starts_with_word(&t.after(i, l), DUE)
        && (t.found.iter()).any(|f| f.start != l[i].start && l[i].value * Decimal::TWO <= f.value)
}

/// Are the words after amount `i` the label alone of the next amount, a part of
/// the price ([`a_part_labelled_alone`]): `$249.99 Per month $20.83` is no price
/// per month of 249.99.
/// Read on every amount of the text: an earlier step may have left the part out.
fn labels_the_next_part(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let found = &t.found;
    found
        .iter()
        .position(|f| f.start == l[i].start)
        .is_some_and(|k| k + 1 < found.len() && a_part_labelled_alone(t, k + 1, found))
}

/// Is amount `i` a part of the price labelled by pay-later's or an instalment's
/// words alone (`$249.99 Klarna $62.50`, `Installments $20.83`, `4 payments
/// $62.50`, `Due today $50`, `Layaway $25`), at most half of another amount of the
/// text? Read as the price, each was a below-floor finding.
fn a_part_labelled_alone(t: &PriceText, i: usize, l: &[Found]) -> bool {
    const LABELS: &[&str] = &[
        "installments",
        "instalments",
        "installment",
        "instalment",
        "per month",
        "a month",
        "klarna",
        "afterpay",
        "affirm",
        "sezzle",
        "zip",
        "pay later",
        "paypal pay later",
        "layaway",
        "lay-by",
        "laybuy",
        "down",
        "due today",
        "due now",
        "pay today",
        "today's payment",
        "payment today",
        "upfront",
    ];
    static PAYMENTS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"^\d{1,2}\s+(?:interest[- ]free\s+)?(?:payments|installments|instalments)$",
        )
        .expect("a valid pattern")
    });
    let before = t.before(i, l);
    let label = before.trim_matches(|c: char| !c.is_alphanumeric());
    (LABELS.contains(&label) || PAYMENTS.is_match(label))
        && (t.found.iter()).any(|f| f.start != l[i].start && l[i].value * Decimal::TWO <= f.value)
}

/// Is amount `i` a part of the price paid now, labelled by "pay" alone and followed
/// by when (`$249.99 Pay $50 today`: read as the price, 50 USD)? Only at most half
/// of another amount of the text: `Pay $249.99 today` is the price.
fn a_part_paid_now(t: &PriceText, i: usize, l: &[Found]) -> bool {
    t.before(i, l).trim_matches(|c: char| !c.is_alphanumeric()) == "pay"
        && starts_with_word(&t.after(i, l), PAID_WHEN)
        && (t.found.iter()).any(|f| f.start != l[i].start && l[i].value * Decimal::TWO <= f.value)
}

/// Do the words before an amount end with a plus and at most three words without a
/// number (`+ $`, `+ Case $`)? Not a count's plus (`Buy 3+ $`) nor a programme's
/// (`Walmart+ $`).
/// The last word of `text` (lower-cased as [`PriceText::before`] gives it).
fn last_word(text: &str) -> &str {
    text.trim_end_matches(|c: char| !c.is_alphanumeric())
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
}

fn added_after_plus(before: &str) -> bool {
    let Some((rest, added)) = before.rsplit_once('+') else {
        return false;
    };
    let named = added
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .count();
    !rest.ends_with(|c: char| c.is_alphanumeric())
        && named <= 3
        && !added.chars().any(|c| c.is_numeric())
}

/// `list` without the amounts `drop` picks, unless that would leave nothing; what was
/// left out is said in `why`.
fn leave_out(
    list: Vec<Found>,
    what: &str,
    why: &mut Vec<String>,
    drop: impl Fn(usize, &[Found]) -> bool,
) -> Vec<Found> {
    let (keep, out): (Vec<usize>, Vec<usize>) = (0..list.len()).partition(|&i| !drop(i, &list));
    if keep.is_empty() || out.is_empty() {
        return list;
    }
    why.push(format!(
        "left out {what}: {}",
        join_values(out.iter().map(|&i| &list[i]))
    ));
    keep.iter().map(|&i| list[i]).collect()
}

/// As [`leave_out`], but a text whose every amount is of the kind dropped holds no
/// price at all: [`PriceError::NotThePrice`] (a saving alone, read as the price,
/// is a false finding; the floor is better left unchecked, and said so).
///
/// The end of a range whose start is left out goes with it: in "Pay in 4 on
/// purchases of $30-$1,500" the $1,500 is no more a price than the $30.
/// (Not a lower amount after "to": that is where a price went.)
fn leave_out_or_refuse(
    t: &PriceText,
    list: Vec<Found>,
    what: &'static str,
    why: &mut Vec<String>,
    drop: impl Fn(usize, &[Found]) -> bool,
) -> Result<Vec<Found>, PriceError> {
    let dropped = (0..list.len()).map(|i| drop(i, &list)).collect();
    refuse_or_leave_out(t, list, what, why, dropped)
}

/// As [`leave_out_or_refuse`], for a kind of amount that is less than the price it
/// stands beside (a saving, a fee, an add-on, a used offer, a price with a
/// trade-in), whose words `names` before an amount (`.0`: "Deposit $10.00") and
/// after one (`.1`, at the start: "$2.50 bottle deposit").
///
/// Such words between two amounts, with no colon or stop to say whose they are
/// (`$50 savings $249.99`, `$29.99 protection plan $249.99`, `$249.99 Core charge
/// $25.00`, `$2.50 bottle deposit $12.99`), read as either's. Read as the next
/// one's label, the saving or the fee was the price, a false below-floor finding;
/// read as both, the box was refused (a listing without a price). They name the
/// lower of the two ([`lower_takes_the_words`]).
fn leave_out_or_refuse_lower(
    t: &PriceText,
    list: Vec<Found>,
    what: &'static str,
    why: &mut Vec<String>,
    drop: impl Fn(usize, &[Found]) -> bool,
    names: (impl Fn(&str) -> bool, impl Fn(&str) -> bool),
) -> Result<Vec<Found>, PriceError> {
    let mut dropped: Vec<bool> = (0..list.len()).map(|i| drop(i, &list)).collect();
    lower_takes_the_words(t, &list, &mut dropped, names);
    refuse_or_leave_out(t, list, what, why, dropped)
}

/// `list` without the amounts `dropped` marks, and the end of a range whose start
/// is dropped; none left is [`PriceError::NotThePrice`] ([`leave_out_or_refuse`]).
fn refuse_or_leave_out(
    t: &PriceText,
    list: Vec<Found>,
    what: &'static str,
    why: &mut Vec<String>,
    mut dropped: Vec<bool>,
) -> Result<Vec<Found>, PriceError> {
    // A range runs up: `Reduced from $199.99 to $149.99` is a change, its lower
    // amount the price now (it went with the former one, and the box was refused).
    for i in 1..list.len() {
        if dropped[i - 1] && t.closes_range(i, &list) && list[i - 1].value <= list[i].value {
            dropped[i] = true;
        }
    }
    if !list.is_empty() && dropped.iter().all(|d| *d) {
        return Err(PriceError::NotThePrice {
            what,
            text: join_values(list.iter()),
        });
    }
    Ok(leave_out(list, what, why, |i, _| dropped[i]))
}

/// Gives the words between two amounts that name a kind of amount both ways
/// (`names.1` as the first one's, `names.0` as the next one's) to the lower of the
/// two ([`leave_out_or_refuse_lower`]): it is dropped, and the higher is kept
/// unless the words on its other side name it too. Not where the lower is named by
/// words on its own other side (`Protection plan from $29.99 Warranty $49.99`: the
/// warranty's word is the 49.99's label). Only words alone between the two: no
/// colon, stop, "from" or word for when it is paid ending them as the next one's
/// label (`Used from $149.99`, `Deposit today $50.00`), no amount or number between
/// (`$29.99 3-year warranty` still counts, `(17%)` does not); and amounts of
/// different values.
fn lower_takes_the_words(
    t: &PriceText,
    l: &[Found],
    dropped: &mut [bool],
    (before, after): (impl Fn(&str) -> bool, impl Fn(&str) -> bool),
) {
    for k in 0..l.len().saturating_sub(1) {
        if t.next_of(k, l).is_none_or(|n| n.start != l[k + 1].start) || l[k].value == l[k + 1].value
        {
            continue;
        }
        let gap = t.after(k, l);
        if !after(&gap) || !before(&gap) || !alone_between(&gap) {
            continue;
        }
        // Whether amount `i` is named by the words on its side away from the gap.
        let named_elsewhere = |i: usize| {
            if i == k {
                before(&t.before(k, l))
            } else {
                after(&t.after(k + 1, l))
            }
        };
        let (lower, higher) = if l[k].value < l[k + 1].value {
            (k, k + 1)
        } else {
            (k + 1, k)
        };
        if named_elsewhere(lower) {
            continue;
        }
        dropped[lower] = true;
        if !named_elsewhere(higher) {
            dropped[higher] = false;
        }
    }
}

/// The words naming a kind of amount for [`leave_out_or_refuse_lower`]: `before`
/// anywhere in the words before an amount, `after` at the start of those after it.
fn named_by<'a>(
    before: &'a [&'a str],
    after: &'a [&'a str],
) -> (impl Fn(&str) -> bool + 'a, impl Fn(&str) -> bool + 'a) {
    (
        move |w: &str| has_word(w, before),
        move |w: &str| starts_with_word(w, after),
    )
}

/// Are these words between two amounts alone there, whose they are unsaid
/// ([`lower_takes_the_words`])?
fn alone_between(gap: &str) -> bool {
    let last = gap.trim_end_matches(|c: char| !c.is_alphanumeric());
    let labels_next = LOWEST_FROM.iter().chain(PAID_WHEN).any(|w| {
        last.strip_suffix(w)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with(char::is_whitespace))
    });
    let number = gap
        .split_whitespace()
        .any(|w| w.chars().any(|c| c.is_ascii_digit()) && !w.chars().any(char::is_alphabetic));
    !labels_next && !number && !ends_with_colon(gap) && !ends_with_stop(gap)
}

/// Do these words between two amounts end with an equals sign, before at most the
/// next amount's currency sign? The next amount is then a total: `instant savings =
/// $129.99` names what was taken off, not the $129.99.
fn ends_with_equals(between: &str) -> bool {
    between
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '=')
        .ends_with('=')
}

/// Does a minus sign stand right before the amount these words precede, or right
/// before its currency sign (`Sofort-Rabatt -10 €`, `-$10.00`), set apart from the
/// word before it? After a price, such an amount is taken off it: read as one of
/// the box's prices, the 10 € was the price.
fn minus_before(before: &str) -> bool {
    // The amount's own sign is not in `before` ([`PriceText::before`]): a space at
    // its end stood between the minus and the sign or the number (`Add to cart -
    // $149.99`), a dash, no sign.
    let b = before
        .trim_end_matches(|c: char| !c.is_alphanumeric() && !c.is_whitespace() && !is_minus(c));
    // Not the dash for the cents of the amount before (`1 299:- 999:-`, `89,- 79,-`).
    b.strip_suffix(is_minus).is_some_and(|rest| {
        !matches!(rest, ":" | "," | ".")
            && (rest.is_empty()
                || rest.ends_with(|c: char| c.is_whitespace() || matches!(c, ':' | '(')))
    })
}

/// Do the words between two amounts end with a colon, before at most the next
/// amount's currency sign or prefix (`for members: $`, `RAEE: us $`)? Then they
/// label the next amount.
fn ends_with_colon(between: &str) -> bool {
    between.rfind([':', '：']).is_some_and(|at| {
        between[at..]
            .split(|c: char| !c.is_alphanumeric())
            .all(|w| w.chars().count() <= 3 && !w.chars().any(|c| c.is_ascii_digit()))
    })
}

/// Do the words between two amounts end with a comma, a semicolon or a closing
/// bracket, once the next amount's currency sign or code is set aside
/// (`shipping, $`, `shipping, usd `)?
fn ends_with_stop(between: &str) -> bool {
    const STOPS: [char; 5] = [',', ';', ')', '）', '、'];
    let mut t = between;
    for _ in 0..2 {
        t = t.trim_end_matches(|c: char| !c.is_alphanumeric() && !STOPS.contains(&c));
        if t.ends_with(STOPS) {
            return true;
        }
        // A currency code or prefix before the next amount (`usd`, `us`, `eur`).
        let word = t.len() - t.trim_end_matches(char::is_alphabetic).len();
        if word == 0 || word > 3 {
            return false;
        }
        t = &t[..t.len() - word];
    }
    false
}

/// Does `after` (an amount's following words, lower case) begin with one of
/// `words`, as a whole word? Leading punctuation and spaces are skipped.
fn starts_with_word(after: &str, words: &[&str]) -> bool {
    let after = after.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '×' && c != '/');
    words.iter().any(|w| {
        after
            .strip_prefix(w)
            .is_some_and(|rest| !w.ends_with(spaced_letter) || !rest.starts_with(spaced_letter))
    })
}

/// What an amount is a price of, by the words after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A quantity of the goods (`/ 100 ml`, `per oz`, `/Count`).
    Measure,
    /// One of what the listing sells (`/ea`, `/ piece`, `pro Stück`).
    Item,
    /// A month or a week (`/mo`, `/Monat`, `/wk`): an instalment, or a
    /// subscription's price.
    Period,
}

/// Words after `/` or `per` naming a month or a week. An amount per month on a
/// shop's price box is a finance or pay-later instalment (`As low as $108.33/mo with
/// Affirm`) or a subscription's price, not what the item sells for: alone in the box
/// it was read as the price, 108.33 of a 1,299.99 item (a false below-floor
/// finding), and beside the price it was left out as a unit price. A year is not
/// here: `/yr` prices a plan or a licence, which the words around it must say.
const PER_PERIOD: &[&str] = &[
    "mo",
    "mos",
    "mth",
    "mths",
    "month",
    "months",
    "monat",
    "mon",
    "mois",
    "mes",
    "mese",
    "mnd",
    "mån",
    "kk",
    "mies",
    "měs",
    "ay",
    "hó",
    "lună",
    "luna",
    "wk",
    "wks",
    "week",
    "woche",
    "semaine",
    "semana",
    "settimana",
    "tydzień",
    "月",
    "월",
    "개월",
    "ヶ月",
    "か月",
    "tháng",
    "bulan",
    "bln",
    "เดือน",
];

/// Units of measure written after `pro` or `je` (`pro kg`, `je 100 ml` is a number).
const METRIC_UNITS: &[&str] = &[
    "kg", "g", "gr", "mg", "l", "ltr", "liter", "litre", "ml", "cl", "dl", "m", "meter", "m2",
    "qm", "cm", "mm", "packung", "pack", "paar", "rolle", "flasche", "dose", "tube", "karton",
    "person", "tag", "nacht", "kilo", "gramm", "stuk", "fles",
];

/// Words after `/` or `per` naming one of what a listing sells: an amount per item
/// is what one costs, not a measure's price.
const PER_ITEM: &[&str] = &[
    "ea", "each", "item", "piece", "pc", "pcs", "unit", "lot", "set", "pair", "stück", "stk", "st",
    "pièce", "pieza", "pezzo", "件", "个", "個", "台", "点",
];

/// The unit an amount is priced per, from the text right after it: `/`, `per`,
/// `pro` or `je` and what follows.
fn unit_after(after: &str) -> Option<Unit> {
    let a = after
        .trim_start_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '(')
        .trim_start();
    // `$60.00 each`, `($60.00 each)`, `ea.`: one item's, no slash or `per` before it
    // (beside a pack's `$120.00` it was "the lowest of 2 prices"). `each month` is
    // a month's.
    let bare = a.trim_start_matches('(');
    let first: String = bare.chars().take_while(|c| c.is_alphanumeric()).collect();
    if matches!(first.as_str(), "each" | "ea" | "apiece") {
        let next: String = bare[first.len()..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        return Some(if PER_PERIOD.contains(&next.as_str()) {
            Unit::Period
        } else {
            Unit::Item
        });
    }
    let (per, rest) = ["/", "per ", "pro ", "je "]
        .iter()
        .find_map(|p| a.strip_prefix(p).map(|rest| (*p, rest)))?;
    let word: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    // A slash before another amount separates two prices (`$149.99 / $199.99`): read
    // as a unit, the first was left out and the higher one became the price.
    if word.is_empty() {
        return None;
    }
    let first_cjk = word.chars().next().filter(|c| !spaced_letter(*c));
    let listed = |list: &[&str]| {
        list.contains(&word.as_str())
            || first_cjk.is_some_and(|c| list.contains(&c.to_string().as_str()))
    };
    // German's and Dutch's `pro` and `je` are also words of a product's name (`$249.99
    // Pro version $349.99`: the 249.99 was left out as a unit price): a unit only
    // where a quantity or a unit's name follows.
    if matches!(per, "pro " | "je ")
        && !word.starts_with(|c: char| c.is_ascii_digit())
        && !listed(PER_ITEM)
        && !listed(PER_PERIOD)
        && !listed(METRIC_UNITS)
    {
        return None;
    }
    Some(if listed(PER_PERIOD) {
        Unit::Period
    } else if listed(PER_ITEM) {
        Unit::Item
    } else {
        Unit::Measure
    })
}

/// `$8.33 x 12 months`, `R$ 129,99 x 10`, `22,50 € × 4 Raten`: the amount before a
/// times sign and a count is one instalment. Not when a word other than a period or
/// a payment follows the count: `$149.99 X1 Headphones` names a model, and read as
/// an instalment the text "held only instalments".
fn times_after(after: &str) -> bool {
    // Periods, payments and "without interest" after the count.
    const PERIODS: &[&str] = &[
        "interest",
        "zins",
        "sans",
        "sin ",
        "senza",
        "tanpa",
        "free",
        "no ",
        "mo",
        "mes",
        "mois",
        "monat",
        "mesi",
        "rat",
        "cuot",
        "parcel",
        "vez",
        "pay",
        "inst",
        "week",
        "sem",
        "bulan",
        "tháng",
        "เดือน",
        "개월",
        "期",
        "个月",
        "か月",
        "ヶ月",
        "회",
    ];
    let Some(rest) = after
        .trim_start()
        .strip_prefix('x')
        .or_else(|| after.trim_start().strip_prefix('×'))
    else {
        return false;
    };
    let rest = rest.trim_start();
    let words = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    if words.len() == rest.len() || !more_than_one(&rest[..rest.len() - words.len()]) {
        return false;
    }
    let words = words.trim_start();
    !words.starts_with(char::is_alphabetic) || PERIODS.iter().any(|p| words.starts_with(p))
}

/// Words before an amount saying it is the price of a measure: Germany's base price
/// (`Grundpreis: 44,99 €`), France's, Spain's and Italy's price per kilo or litre.
const UNIT_PRICE_WORDS: &[&str] = &[
    "grundpreis",
    "prix au kilo",
    "prix au kg",
    "prix au litre",
    "precio por kilo",
    "precio por litro",
    "prezzo al kg",
    "prezzo al litro",
];

/// The unit an amount is priced per, from the words before it: a quantity and an
/// equals sign (`(1 kg = 44,99 €)`, how German shops print the base price the law
/// asks for beside the price) or [`UNIT_PRICE_WORDS`]. Read as one of the box's
/// prices, the base price of a 2 kg pack was its lowest.
fn unit_before(before: &str) -> Option<Unit> {
    if has_word(before, UNIT_PRICE_WORDS) {
        return Some(Unit::Measure);
    }
    // Japan's `1点あたり￥6,400` (per item), `100gあたり` (per 100 g).
    let words = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    // Korea's and China's per piece (`249,000원 (개당 124,500원)`, `每件¥649`): the
    // price of one of several was read as the listing's lowest.
    // The same in words before it (`$249.99 Price per item $124.99`), a word's end
    // before them.
    const PER_ITEM: &[&str] = &[
        "per item",
        "per unit",
        "per piece",
        "pro stück",
        "par pièce",
        "por unidad",
        "per pezzo",
    ];
    let per_item = |w: &&str| {
        words
            .strip_suffix(*w)
            .is_some_and(|rest| !rest.chars().next_back().is_some_and(char::is_alphanumeric))
    };
    if ["개당", "1개당", "每件", "每个", "单件"]
        .iter()
        .any(|w| words.ends_with(w))
        || PER_ITEM.iter().any(per_item)
    {
        return Some(Unit::Item);
    }
    if let Some(what) = words
        .strip_suffix("あたり")
        .or_else(|| words.strip_suffix("当たり"))
    {
        let item = ["点", "個", "本", "枚", "袋", "箱"]
            .iter()
            .any(|c| what.ends_with(c));
        return Some(if item { Unit::Item } else { Unit::Measure });
    }
    let quantity = before
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '=')
        .strip_suffix('=')?
        .trim_end();
    let word: String = quantity
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // A quantity names the measure: `Preis = 89,99 €` is no base price. Nor is an
    // amount with its sign (`$299.99 -$50 OFF = $249.99`, Costco's written sum: "50
    // off" read as a quantity, and the total as the price of a unit of it).
    let count = quantity[..quantity.len() - word.len()].trim_end();
    let number = count
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default()
        .trim_start_matches(['(', '[']);
    if word.is_empty()
        || number.is_empty()
        || !number
            .chars()
            .all(|c| c.is_numeric() || matches!(c, '.' | ','))
    {
        return None;
    }
    let item = PER_ITEM.contains(&word.as_str());
    Some(if item { Unit::Item } else { Unit::Measure })
}

/// `$29.99 down`, `$0 down, then $10/mo`: a down payment. Not `$149.99 down from
/// $199.99`, a price gone down.
fn down_after(after: &str) -> bool {
    after
        .trim_start()
        .strip_prefix("down")
        .map(str::trim_start)
        .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
}

/// Korea's `월 10,750원` ("a month"): `월` right before the amount, as a word of its
/// own (`12월 25일`, a date, is no instalment).
fn monthly_before(before: &str) -> bool {
    before
        .trim_end()
        .strip_suffix('월')
        .is_some_and(|rest| rest.is_empty() || rest.ends_with(char::is_whitespace))
}

/// `4 x $22.50`, `4x 22,50 €`, `4 × ¥324`: the amount after a count and a times sign
/// is one instalment.
///
/// A word may stand between the count and the sign (`10 rat x 129,90 zł`, Polish
/// shops' ten instalments; `3 Raten x`): the instalment was read as the price.
fn times_before(before: &str) -> bool {
    let b = before.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '×');
    let Some(rest) = b.strip_suffix('x').or_else(|| b.strip_suffix('×')) else {
        return false;
    };
    let rest = rest.trim_end();
    let count = rest.trim_end_matches(char::is_alphabetic);
    let worded = count.len() < rest.len() && count.ends_with(char::is_whitespace);
    let count = if worded { count.trim_end() } else { rest };
    more_than_one(count)
}

/// Do the words before an amount end with a count of one payment (`1x de R$`,
/// `em 1x`, `1 x`)? One payment of the whole price is the price: Brazil's shops print
/// `1x de R$ 249,99 sem juros` for a price paid at once, and read as an instalment
/// the box "held only instalments" (the listing went unchecked).
fn one_payment_before(before: &str) -> bool {
    let b = before.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '×');
    let b = [" de", " of"]
        .iter()
        .find_map(|w| b.strip_suffix(w))
        .unwrap_or(b)
        .trim_end();
    let Some(count) = b.strip_suffix('x').or_else(|| b.strip_suffix('×')) else {
        return false;
    };
    trailing_digits(count.trim_end()).parse::<u64>() == Ok(1)
}

/// Does `words` end with a count of more than one? One payment of the price
/// (`1 x $249.99`, a cart's line) is the price: read as an instalment, the text
/// "held only instalments" and the listing went unchecked.
fn more_than_one(words: &str) -> bool {
    let digits = trailing_digits(words);
    digits.parse::<u64>().map_or(!digits.is_empty(), |n| n > 1)
}

/// The ASCII digits `words` ends with (a count written before a word: `3 for`,
/// `10x`), maybe none.
fn trailing_digits(words: &str) -> &str {
    &words[words.trim_end_matches(|c: char| c.is_ascii_digit()).len()..]
}

/// A letter of a script that writes spaces between words: a word of such letters
/// must not match inside a longer one (`was` in `Swarovski`, `off` in `offer`). CJK
/// writes none, so its words match anywhere (`立省` in `商品立省¥200`).
fn spaced_letter(c: char) -> bool {
    c.is_alphabetic()
        && !matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

fn join_values<'a>(list: impl Iterator<Item = &'a Found>) -> String {
    list.map(|f| f.value.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Words a price box shows when no one can buy at its price.
const SOLD_OUT_WORDS: &[&str] = &[
    "sold out",
    "out of stock",
    "currently unavailable",
    "ausverkauft",
    "nicht vorrätig",
    "épuisé",
    "rupture de stock",
    "agotado",
    "esaurito",
    "売り切れ",
    "在庫切れ",
    "售罄",
    "缺货",
    "无货",
    // More wordings and languages (`$149.99 Notify me when available`, `Derzeit
    // nicht verfügbar`, `Нет в наличии`, `品切れ`, `품절`: a finding on the price said
    // nothing of it).
    "notify me when available",
    "no longer available",
    "derzeit nicht verfügbar",
    "actuellement indisponible",
    "temporaneamente non disponibile",
    "momentaneamente non disponibile",
    "uitverkocht",
    "niet op voorraad",
    "niedostępny",
    "wyprzedany",
    "нет в наличии",
    "品切れ",
    "在庫なし",
    "품절",
    "일시품절",
    "esgotado",
    "slutsåld",
    "udsolgt",
    "utsolgt",
    "tükendi",
    "stokta yok",
    "vyprodáno",
];

/// The words saying the item is sold out (`sold out`, `Ausverkauft`, `在庫切れ`…) a
/// price box's text says, where it says one.
pub fn sold_out_words(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    SOLD_OUT_WORDS.iter().copied().find(|w| has_word(&t, &[w]))
}

/// Does `hay` hold one of `words` as a word (not inside a longer one)?
fn has_word(hay: &str, words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| crate::ident::occurrences(hay, w).any(|i| is_whole_word(hay, w, i)))
}

/// Is `w`, found in `hay` at `i`, a word there, not inside a longer one?
fn is_whole_word(hay: &str, w: &str, i: usize) -> bool {
    let ok_before =
        !w.starts_with(spaced_letter) || !hay[..i].chars().next_back().is_some_and(spaced_letter);
    let ok_after = !w.ends_with(spaced_letter)
        || !hay[i + w.len()..].chars().next().is_some_and(spaced_letter);
    ok_before && ok_after
}

/// Where `hay` holds one of `words` as a word: byte ranges.
fn words_at<'a>(
    hay: &'a str,
    words: &'a [&'a str],
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    words.iter().flat_map(move |w| {
        crate::ident::occurrences(hay, w)
            .filter(move |&i| is_whole_word(hay, w, i))
            .map(move |i| i..i + w.len())
    })
}

/// `head` without the term that ends it (`includes 1-year`, `mit 2 Jahre`).
fn without_term(mut head: &str) -> &str {
    const UNITS: &[&str] = &[
        "year", "years", "month", "months", "jahr", "jahre", "ans", "años", "anni",
    ];
    while let Some(last) = head.split_whitespace().next_back()
        && (last.contains(|c: char| c.is_ascii_digit()) || UNITS.contains(&last))
    {
        head = head[..head.len() - last.len()].trim_end();
    }
    head
}

/// Accessories and parts, named by their noun alone before their price in a buy box
/// that offers them beside the item (`$249.99 Case $19.99`, `Ear pads $19.99`).
const ACCESSORY_NOUNS: &[&str] = &[
    "case",
    "carrying case",
    "travel case",
    "charging case",
    "cover",
    "battery",
    "batteries",
    "charger",
    "charging cable",
    "cable",
    "cord",
    "adapter",
    "power adapter",
    "power supply",
    "ear pads",
    "earpads",
    "ear cushions",
    "cushions",
    "ear tips",
    "eartips",
    "strap",
    "stand",
    "mount",
    "holder",
    "bag",
    "pouch",
    "sleeve",
    "skin",
    "screen protector",
    "remote",
    "remote control",
    "dock",
    "headband",
    "microphone",
    "memory card",
    "sd card",
    "hülle",
    "schutzhülle",
    "tasche",
    "tragetasche",
    "ladegerät",
    "ladeetui",
    "kabel",
    "ladekabel",
    "netzkabel",
    "ersatzakku",
    "ohrpolster",
    "akku",
    "netzteil",
    "étui",
    "housse",
    "chargeur",
    "câble",
    "funda",
    "cargador",
    "custodia",
    "caricabatterie",
    "保护套",
    "充电器",
    "数据线",
    "耳套",
    // `¥1,299 耳罩 ¥39` (ear pads) read 39.
    "耳罩",
    "耳垫",
    "耳机套",
    "收纳包",
    "收纳盒",
    "充电线",
    "支架",
    "イヤーパッド",
    "ケース",
    "充電器",
    "ケーブル",
];

/// Is amount `i` of `l` an accessory's price, named by its noun alone right before
/// it ([`ACCESSORY_NOUNS`]), beside an amount at least twice it? Read as the price
/// (`$249.99 Case $19.99` was "the lowest of 2 prices", 19.99), it was a below-floor
/// finding and a counterfeit signal. Not where nothing that high stands beside it:
/// a case may be what the listing sells.
fn an_accessory_beside(t: &PriceText, i: usize, l: &[Found]) -> bool {
    let before = t.before(i, l);
    // `+ Case $29.99` is added to the price: a step of its own says so.
    if before.contains('+') {
        return false;
    }
    let label = before
        .trim_matches(|c: char| !c.is_alphanumeric())
        .trim_start_matches("add ")
        .trim_start_matches("a ")
        .trim_start_matches("with ");
    ACCESSORY_NOUNS.contains(&label)
        && l.iter()
            .enumerate()
            .any(|(j, o)| j != i && o.value >= l[i].value * Decimal::TWO)
}

/// Do the words before an amount name an add-on sold with the item ([`ADD_ON_WORDS`])
/// as what the amount is the price of? Not one said to come with it (`Free
/// installation $129.99`, `Installation included`, `Assembly required`, `inkl.
/// Montage`): the price was refused as "only add-ons".
fn add_on_before(before: &str) -> bool {
    const WITH_IT_BEFORE: &[&str] = &[
        "free",
        "includes",
        "including",
        "incl.",
        "inkl.",
        "with free",
        "gratis",
        "kostenlose",
        "kostenloser",
        "kostenlos",
        "inklusive",
        "gratuite",
        "gratuit",
        "offerte",
        "offert",
        "gratuita",
        "gratuito",
        "免费",
    ];
    const WITH_IT_AFTER: &[&str] = &[
        "included",
        "incl",
        "inclusive",
        "inklusive",
        "inkl",
        "inbegriffen",
        "required",
        "not included",
        "incluse",
        "inclus",
        "incluida",
        "incluido",
        "inclusa",
        "incluso",
        "gratis",
        "free",
        "offerte",
        "offert",
    ];
    words_at(before, ADD_ON_WORDS).any(|at| {
        let head = without_term(before[..at.start].trim_end());
        // The price with it (`$99.99 with 2-year plan $119.99`), more than the
        // item: a step of its own says so.
        if head == "with" || head.ends_with(" with") {
            return false;
        }
        let rest = before[at.end..].trim_start();
        // As a word: not `free` in `carefree`.
        let ends_with = |w: &&str| {
            head.strip_suffix(*w)
                .is_some_and(|rest| !rest.ends_with(spaced_letter) || !w.starts_with(spaced_letter))
        };
        !WITH_IT_BEFORE.iter().any(ends_with) && !starts_with_word(rest, WITH_IT_AFTER)
    })
}

/// The markers (indices into [`PriceText::markers`]) that are an amount's own, before
/// it and after it.
type OwnMarkers = (Option<usize>, Option<usize>);

/// A family's sign beside an amount whose code is on its other side, one of the
/// family's (`$249.99 CAD`, as Shopify's shops write their prices with the currency
/// shown; `¥2,499 JPY`; `SGD4.90 $`): the code says which currency the sign is.
/// Before, the sign was the marketplace's dollar and `$249.99 CAD` a price in US
/// dollars.
fn code_names_the_family(
    chars: &[char],
    markers: &mut [(usize, usize, Currency)],
    families: &[(usize, &'static str)],
) {
    let in_number = |c: char| c.is_ascii_digit() || ".,'’ \u{a0}\u{202f}".contains(c);
    let space = |c: &char| c.is_whitespace();
    for i in 0..markers.len() {
        let (start, end) = (markers[i].0, markers[i].1);
        let Some(&(_, family)) = families.iter().find(|(s, _)| *s == start) else {
            continue;
        };
        // Right before the sign (`NZD $100.70`, `SGD$4.90`): where the code may end.
        let before_sign = start - chars[..start].iter().rev().take_while(|c| space(c)).count();
        // Where the code may start (after the number, the sign before it) or end
        // (before the number, the sign after it and before no other number).
        let span = if number_after(chars, end) {
            let j = end + chars[end..].iter().take_while(|c| space(c)).count();
            let j = j + chars[j..].iter().take_while(|c| in_number(**c)).count();
            let k = j - chars[end..j].iter().rev().take_while(|c| space(c)).count();
            Some((k, j, true))
        } else if number_before(chars, start)
            && let k = end + chars[end..].iter().take_while(|c| space(c)).count()
            && markers.iter().any(|(s, e, _)| *s == k && *e - *s == 3)
        {
            // `249.99 $ CAD`: the code right after the sign.
            Some((k, k, true))
        } else if number_before(chars, start) {
            let j = before_sign
                - chars[..before_sign]
                    .iter()
                    .rev()
                    .take_while(|c| in_number(**c))
                    .count();
            let k = j + chars[j..start].iter().take_while(|c| space(c)).count();
            Some((j, k, false))
        } else {
            None
        };
        let of_family = |s: &usize, e: &usize, c: &Currency| {
            *e - *s == 3
                && !families.iter().any(|(f, _)| f == s)
                && resolve_family(family, c).as_ref() == Some(c)
        };
        let code = markers
            .iter()
            .find(|(s, e, c)| number_after(chars, end) && *e == before_sign && of_family(s, e, c))
            .or_else(|| {
                let (from, to, after) = span?;
                markers.iter().find(|(s, e, c)| {
                    (from..=to).contains(if after { s } else { e }) && of_family(s, e, c)
                })
            });
        if let Some((_, _, c)) = code {
            markers[i].2 = c.clone();
        }
    }
}

/// A price text as chars, with every currency marker in it (char spans).
struct PriceText {
    chars: Vec<char>,
    markers: Vec<(usize, usize, Currency)>,
    /// Whether the text writes its signs after amounts (`89,99 €`), before them
    /// (`$149.99`), or does not say: what its signs with a number on one side only
    /// show, most of them. It decides a sign between two numbers.
    signs_after: Option<bool>,
    /// [`PriceText::own_markers`] by where an amount starts: asked for every word check
    /// around every amount, a text of a thousand `1 $` took 70 ms uncached.
    own: std::cell::RefCell<Vec<Option<(usize, OwnMarkers)>>>,
    /// [`PriceText::percents`], once.
    percents: std::cell::OnceCell<Vec<u32>>,
    /// [`Break`]s as (character index, depth), in order.
    breaks: Vec<(usize, u16)>,
    /// The sum the text writes out, if any ([`written_sum`]).
    sum: Option<WrittenSum>,
    /// Every amount found in it, before any was left out.
    found: Vec<Found>,
    /// The amounts in another currency than the one read ([`PriceText::next_of`]).
    elsewhere: Vec<Found>,
}

impl PriceText {
    fn new(text: &str, default: &Currency) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let set = &*MARKER_SET;
        let mut markers: Vec<(usize, usize, Currency)> = Vec::new();
        // Which markers are a family's sign (`$`, `¥`, `kr`), by their start.
        let mut families: Vec<(usize, &'static str)> = Vec::new();
        let mut add = |hay: &str, pos: usize, m: &Marker| {
            if let Some(c) = resolve_family(m.code, default) {
                let s = hay[..pos].chars().count();
                markers.push((s, s + m.len, c));
                if is_family(m.code) {
                    families.push((s, m.code));
                }
            }
        };
        for (pos, m) in markers_in(text, &set.exact, &set.exact_info) {
            add(text, pos, m);
        }
        // Lower-casing keeps char positions for every marker letter that matters; a
        // text whose lower-casing changes its length is matched as written only.
        let lower = text.to_lowercase();
        if lower.chars().count() == chars.len() {
            for (pos, m) in markers_in(&lower, &set.any_case, &set.any_case_info) {
                add(&lower, pos, m);
            }
        }
        // A marker inside a longer one at the same place ("$" in "A$", "¥" in "CN¥")
        // is not a second currency.
        markers.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
        let mut covered_to = 0;
        markers.retain(|(s, e, _)| {
            let inside = *s < covered_to && *e <= covered_to;
            covered_to = covered_to.max(*e);
            !inside
        });
        code_names_the_family(&chars, &mut markers, &families);
        let (mut after, mut before) = (0, 0);
        for (s, e, _) in &markers {
            match (number_before(&chars, *s), number_after(&chars, *e)) {
                (true, false) => after += 1,
                (false, true) => before += 1,
                _ => {}
            }
        }
        let signs_after = (after != before).then_some(after > before);
        PriceText {
            chars,
            markers,
            signs_after,
            own: Default::default(),
            percents: Default::default(),
            breaks: Vec::new(),
            sum: None,
            found: Vec::new(),
            elsewhere: Vec::new(),
        }
    }

    /// Whose the words are between one amount's end `from` and the next's start
    /// `to`: a word is the amount's it shares the deeper element with ([`Break`]),
    /// both's where it shares the same one with each (or the text says nothing of
    /// elements). Returns where the first's words end and the second's begin.
    fn owners(&self, from: usize, to: usize) -> (usize, usize) {
        // The breaks are in order: those inside the gap found by halving (a hostile
        // box of 100,000 elements asks this for every amount).
        let lo = self.breaks.partition_point(|b| b.0 <= from);
        let hi = self.breaks.partition_point(|b| b.0 <= to);
        let inside = &self.breaks[lo..hi];
        if inside.is_empty() {
            return (to, from);
        }
        // A stretch's words are the first's where no break before them is shallower
        // than the shallowest after them, and the second's the other way round: so
        // the first's run to the last of the shallowest breaks, the second's from
        // the first of them (what lies between is both's).
        let shallowest = inside.iter().map(|b| b.1).min().unwrap_or(u16::MAX);
        let first_end = inside
            .iter()
            .rev()
            .find(|b| b.1 == shallowest)
            .map_or(to, |b| b.0);
        let second_start = inside
            .iter()
            .find(|b| b.1 == shallowest)
            .map_or(from, |b| b.0);
        // A colon makes the words before it a label of what follows, whatever
        // element holds them (`<span>$89.99 Shipping:</span><span>$5.99</span>`).
        let first: String = self.chars[from..first_end].iter().collect();
        if first_end < to && ends_with_colon(&first) {
            return (to, from);
        }
        (first_end, second_start)
    }

    /// Do the words after amount `i` of `list` belong to it alone, none of them in
    /// an element with the next amount ([`PriceText::owners`])?
    fn words_end_here(&self, i: usize, list: &[Found]) -> bool {
        let Some(next) = list.get(i + 1) else {
            return false;
        };
        if list[i].end > next.start {
            return false;
        }
        let (_, second_start) = self.owners(list[i].end, next.start);
        // The next amount's own currency marker (`US $`) is no word.
        let (_, to) = self.between_signs(Some(&list[i]), Some(next), second_start, next.start);
        !self.chars[second_start..to]
            .iter()
            .any(|c| c.is_alphanumeric())
    }

    /// The first amount of `found` whose own sign before it and code after it name
    /// two currencies ([`PriceError::TwoCurrencies`]). A family's sign beside one
    /// of its codes is one currency (`$249.99 CAD`, `SGD4.90 $`).
    fn two_currencies(&self, found: &[Found]) -> Option<PriceError> {
        found.iter().find_map(|f| {
            let (before, after) = self.own_markers(f);
            // `249,99 € USD`: a code right after the amount's own sign, before no
            // number, is said of it too.
            let trailing = after.and_then(|a| {
                let end = self.markers[a].1;
                let k = end
                    + self.chars[end..]
                        .iter()
                        .take_while(|c| c.is_whitespace())
                        .count();
                self.markers
                    .iter()
                    .position(|(s, e, _)| *s == k && !number_after(&self.chars, *e))
            });
            let mut said = [before, after, trailing]
                .into_iter()
                .flatten()
                .map(|k| &self.markers[k].2);
            let first = said.next()?;
            let other = said.find(|c| *c != first)?;
            Some(PriceError::TwoCurrencies {
                amount: f.value.to_string(),
                first: first.clone(),
                second: other.clone(),
            })
        })
    }

    /// Where amount `f` stands among all the text's amounts ([`PriceText::found`]),
    /// whatever earlier steps left out.
    fn in_found(&self, f: &Found) -> Option<usize> {
        self.found.iter().position(|g| g.start == f.start)
    }

    /// Single digits set apart by single spaces, the first with a currency sign of
    /// its own, three in a row at least ([`PriceError::SpacedDigits`]). Not `$5 2
    /// left` (two), nor `$1 800` (a thousands group, one amount).
    fn spaced_digits(&self, found: &[Found]) -> Option<PriceError> {
        let single = |f: &Found| f.end == f.start + 1;
        let apart = |a: &Found, b: &Found| b.start == a.end + 1 && self.chars[a.end] == ' ';
        found.windows(3).find_map(|w| {
            (single(&w[0])
                && single(&w[1])
                && apart(&w[0], &w[1])
                && apart(&w[1], &w[2])
                && self.own_currency(&w[0]).is_some())
            .then(|| PriceError::SpacedDigits(self.chars[w[0].start..w[2].end].iter().collect()))
        })
    }

    /// A whole amount and two digits with a euro sign between, a space before it and
    /// none after (`249 €99`, [`PriceError::SignBetween`]). Not `249€99` nor
    /// `249€ 99` (the sign as the point, [`euro_cents`]), nor `249 € 99` (a sign
    /// after the amount, then another number), nor `€249 €99` (two signed amounts).
    fn sign_between(&self, found: &[Found]) -> Option<PriceError> {
        let c = &self.chars;
        found.windows(2).find_map(|pair| {
            let [whole, cents] = pair else { return None };
            let between: String = c[whole.end..cents.start].iter().collect();
            let signed_before = c[..whole.start]
                .iter()
                .rev()
                .find(|ch| !ch.is_whitespace())
                .is_some_and(|ch| super::CENTS_SIGNS.contains(ch));
            let ends = c.get(cents.end).is_none_or(|ch| !ch.is_alphanumeric())
                && !(c.get(cents.end).is_some_and(|ch| ".,".contains(*ch))
                    && c.get(cents.end + 1).is_some_and(char::is_ascii_digit));
            let apart = (between == " €" && cents.end - cents.start == 2)
                && whole.value.fract().is_zero()
                && !has_cents(&c[..whole.end])
                && !signed_before
                && ends;
            apart.then(|| PriceError::SignBetween(c[whole.start..cents.end].iter().collect()))
        })
    }

    /// The text (lowercased) between amount `i` of `list` and the end of the last
    /// amount with a currency of its own that stands before it and was left out of
    /// `list`, if any: the words before `i` that can be its own.
    fn since_left_out(&self, i: usize, list: &[Found]) -> Option<String> {
        let from = i.checked_sub(1).map_or(0, |p| list[p].end);
        let end = self
            .found
            .iter()
            .filter(|f| f.start >= from && f.end <= list[i].start)
            .filter(|f| self.own_currency(f).is_some())
            .map(|f| f.end)
            .max()?;
        Some(
            self.chars[end..list[i].start]
                .iter()
                .collect::<String>()
                .to_lowercase(),
        )
    }

    /// An amount's own currency: a marker right before it or right after it.
    fn own_currency(&self, f: &Found) -> Option<Currency> {
        let (before, after) = self.own_markers(f);
        before.or(after).map(|k| self.markers[k].2.clone())
    }

    /// The markers (indices into `markers`) that are amount `f`'s own, right before it
    /// and right after it.
    fn own_markers(&self, f: &Found) -> OwnMarkers {
        if let Some(Some((end, own))) = self.own.borrow().get(f.start)
            && *end == f.end
        {
            return *own;
        }
        let own = self.find_own_markers(f);
        let mut cache = self.own.borrow_mut();
        if cache.len() <= f.start {
            cache.resize(self.chars.len() + 1, None);
        }
        cache[f.start] = Some((f.end, own));
        own
    }

    /// [`PriceText::own_markers`], looked for.
    fn find_own_markers(&self, f: &Found) -> OwnMarkers {
        let gap_ok = |a: usize, b: usize| self.chars[a..b].iter().all(|c| c.is_whitespace());
        // `89,- €`, `149.– CHF`: a dash for the cents stands between amount and sign.
        let end = f.end + dash_cents(&self.chars[f.end..]);
        // A sign between two numbers is the one the text's way of writing says: in
        // `$149.99 Arrives Dec 12 $5.99 shipping` the `$` is the 5.99's, not the 12's.
        let own_before = |s: usize, e: usize| match self.signs_after {
            _ if !number_before(&self.chars, s) => true,
            Some(after) => !after,
            None => !self.ends_an_amount(s, e),
        };
        let own_after = |s: usize, e: usize| match self.signs_after {
            _ if !number_after(&self.chars, e) => true,
            Some(after) => after,
            None => self.ends_an_amount(s, e),
        };
        let find = |own: &dyn Fn(usize, usize) -> bool| {
            self.markers.iter().position(|(s, e, _)| own(*s, *e))
        };
        (
            find(&|s, e| e <= f.start && gap_ok(e, f.start) && own_before(s, e)),
            find(&|s, e| s >= end && gap_ok(end, s) && own_after(s, e)),
        )
    }

    /// The whole percents from 1 to 95 the text writes (`-35%`, `35% OFF`, `%13`;
    /// `３５％` is not: full-width digits are no amounts here either).
    fn percents(&self) -> &[u32] {
        self.percents.get_or_init(|| self.find_percents())
    }

    /// [`PriceText::percents`], looked for.
    fn find_percents(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for (k, c) in self.chars.iter().enumerate() {
            if !matches!(c, '%' | '％') {
                continue;
            }
            let head = self.chars[..k]
                .iter()
                .rev()
                .skip_while(|c| c.is_whitespace());
            let digits: String = head.take_while(|c| c.is_ascii_digit()).collect();
            let mut n: String = digits.chars().rev().collect();
            // Turkish writes the sign first (`%13 indirim`).
            if n.is_empty() {
                n = self.chars[k + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
            }
            if let Ok(n @ 1..=95) = n.parse::<u32>() {
                out.push(n);
            }
        }
        out
    }

    /// Does the text name quantities or their discounts (`Quantity discounts: 1-9
    /// $149.99, 10-49 $139.99`)? Then a bare range before an amount is a tier.
    fn speaks_of_quantities(&self) -> bool {
        const WORDS: &[&str] = &[
            "quantity",
            "qty",
            "bulk",
            "volume pricing",
            "tiered pricing",
            "staffelpreis",
            "staffelpreise",
            "mengenrabatt",
            "ab menge",
        ];
        has_word(&self.chars.iter().collect::<String>().to_lowercase(), WORDS)
    }

    /// Is `f` a whole number followed by a word (`30 Tage`, `30-day`, `3 colours`)
    /// or a Chinese or Japanese counter (`3色`, `30天`, `2件`)?
    fn is_count(&self, f: &Found) -> bool {
        const COUNTERS: &str = "色天日件个個款种種年月人条枚台本点折期";
        let after = &self.chars[f.end..];
        let skip = usize::from(
            after
                .first()
                .is_some_and(|c| c.is_whitespace() || *c == '-'),
        );
        self.chars[f.start..f.end].iter().all(char::is_ascii_digit)
            && (after.get(skip).is_some_and(|c| spaced_letter(*c))
                || after.first().is_some_and(|c| COUNTERS.contains(*c)))
    }

    /// Does the marker starting at `start` end the amount before it, in a text that
    /// writes its signs after amounts? In `89,99 € 30-Tage-Bestpreis: 79,99 €` the
    /// `€` is the 89,99's: taken for the 30's too, "30 €" was the lowest price of the
    /// text. In `$149.99 $0 down` the amount before has a sign of its own before it,
    /// so the second `$` is the next amount's. A sign set apart from a whole number
    /// before it and written against the one after it is the after's: in `1-9
    /// $149.99` (a quantity tier) the 9 was "9 $", and the price 1 USD.
    fn ends_an_amount(&self, start: usize, end: usize) -> bool {
        let Some(gap) = number_ending_at(&self.chars, start) else {
            return false;
        };
        let touches_next = self.chars.get(end).is_some_and(|c| c.is_numeric());
        let apart = self.chars[..start]
            .last()
            .is_some_and(|c| c.is_whitespace() || matches!(c, ':' | '：'));
        // Not after an amount with cents (`149,99 €1`: the € is the 149,99's).
        if touches_next
            && apart
            && !DASHES.contains(self.chars[gap - 1])
            && !has_cents(&self.chars[..gap])
        {
            return false;
        }
        let before = &self.chars[..start];
        let in_number = |c: &char| c.is_numeric() || c.is_whitespace() || ".,'’".contains(*c);
        let number_start = gap
            - before[..gap]
                .iter()
                .rev()
                .take_while(|c| in_number(c))
                .count();
        // A date's or a time's last number (`Valid through 12/31/2026 $109.99`,
        // `11:59`) is no amount.
        if number_start > 0 && "/:".contains(before[number_start - 1]) {
            return false;
        }
        // A sign before that amount (`Rs. 1,299 Rs. 1,499`: its point was walked over
        // as the number's) makes the text one of signs before amounts.
        !self
            .markers
            .iter()
            .any(|(_, e, _)| (number_start..gap).contains(e))
    }

    /// The amounts in `currency`: amounts marked in another currency are left out
    /// (`AED 8000 (USD 2179)`), and so are bare numbers beside marked ones ("2 for
    /// $10", "/ 100 ml": quantities), except one that opens a range ("From 26 to
    /// 50 €"). When that would leave nothing, every amount stays.
    fn in_currency(
        &self,
        found: &[Found],
        currency: &Currency,
        why: &mut Vec<String>,
    ) -> Vec<Found> {
        // Pence and cents (`99p`, `99¢`) are marked as a sign marks: `2 pcs 99p` and
        // `Only 99p, 2 left` were "the lowest of 2 prices: 0.99, 2", and `Was £1.49
        // now 99p` refused (99p left out as a bare number beside a priced one).
        let marked_as = |f: &Found| f.cents || self.own_currency(f).as_ref() == Some(currency);
        let any_marked = found.iter().any(marked_as);
        let dash_between = |k: usize| {
            let end = found.get(k + 1).map_or(self.chars.len(), |n| n.start);
            let between: String = self.chars[found[k].end..end].iter().collect();
            k + 1 < found.len()
                && matches!(
                    between.trim().to_lowercase().as_str(),
                    "-" | "–" | "—" | "~" | "to" | "bis" | "à" | "a" | "до" | "至"
                )
        };
        let marked = |k: usize| marked_as(&found[k]);
        // A bare number is a price where it opens a range a marked amount closes
        // ("From 26 to 50 €") or closes one a marked amount opens ("US$8.00 - 10.00"),
        // a range going up; not in "2 - 99 pieces US$10.00", a quantity tier, nor in
        // "US $12.50 - 3 bids", a count.
        let in_a_priced_range = |k: usize| {
            let opens = dash_between(k) && marked(k + 1) && found[k].value < found[k + 1].value;
            let closes = k > 0
                && dash_between(k - 1)
                && marked(k - 1)
                && found[k - 1].value < found[k].value;
            opens || closes
        };
        let (mut kept, mut other, mut bare) = (Vec::new(), Vec::new(), Vec::new());
        for (k, f) in found.iter().enumerate() {
            match self.own_currency(f) {
                Some(c) if c != *currency => other.push(format!("{} {c}", f.value)),
                None if any_marked && !f.cents && !in_a_priced_range(k) => bare.push(*f),
                _ => kept.push(*f),
            }
        }
        if kept.is_empty() {
            return found.to_vec();
        }
        if !bare.is_empty() {
            why.push(format!(
                "left out numbers without a currency beside priced ones: {}",
                join_values(bare.iter())
            ));
        }
        if !other.is_empty() {
            why.push(format!(
                "{currency} chosen; left out amounts in another currency: {}",
                other.join(", ")
            ));
        }
        kept
    }

    /// The words after amount `i` of `list`, up to the next amount.
    ///
    /// A currency marker right after the amount is not among them: written in
    /// letters (`99 kr/kg`, `12,50 zł/mies.`, `10,750원/월`) it hid the words after it,
    /// and a price per kilo or per month was read as one of the listing's prices.
    /// Nor is the next amount's marker right before it (`Ongkir Rp20.000`): the words
    /// before it name that amount (a label) only when nothing follows them.
    ///
    /// Words in an element with the next amount and not with this one are not among
    /// them ([`PriceText::owners`]).
    fn after(&self, i: usize, list: &[Found]) -> String {
        let next = self.next_of(i, list);
        let end = next.map_or(self.chars.len(), |n| {
            if list[i].end <= n.start {
                self.owners(list[i].end, n.start).0
            } else {
                n.start
            }
        });
        let (from, end) = self.between_signs(list.get(i), next.as_ref(), list[i].end, end);
        self.chars[from..end]
            .iter()
            .collect::<String>()
            .to_lowercase()
    }

    /// Does the text hold one amount and nothing else but currency signs and codes
    /// and spaces (`$249.99`, `US $108.99`, structured data's `249.99`)? Such an
    /// amount is the price as it stands: no step of [`read_text`] leaves out or
    /// conditions an amount without words, signs or another amount beside it
    /// (each step's word and number checks cost some 20 µs a text; this is what
    /// most price texts are, structured data's above all).
    fn lone_amount(&self, found: &[Found]) -> bool {
        let [f] = found else {
            return false;
        };
        let in_marker = |i: usize| self.markers.iter().any(|&(s, e, _)| s <= i && i < e);
        (self.chars.iter().enumerate())
            .all(|(i, c)| (f.start..f.end).contains(&i) || c.is_whitespace() || in_marker(i))
    }

    /// The amount after amount `i` of `list`: the next of `list`, or one in another
    /// currency (left out of it), if nearer. Words never reach past such an amount:
    /// `$249.99 Delivery £5.99` with the pounds left out read "delivery" as the
    /// 249.99's, and refused the price as shipping.
    fn next_of(&self, i: usize, list: &[Found]) -> Option<Found> {
        let left_out = (self.elsewhere.iter())
            .find(|f| f.start >= list[i].end && !list.iter().any(|l| l.start == f.start));
        match (list.get(i + 1), left_out) {
            (Some(n), Some(o)) if o.start < n.start => Some(*o),
            (Some(n), _) => Some(*n),
            (None, o) => o.copied(),
        }
    }

    /// Is the text's next amount after amount `i` of `list` one an earlier step left
    /// out (a zero: `$249.99 Shipping $0.00`, `$249.99 Sales tax $0.00`), lower than
    /// it? The words between are that amount's label: read as the price's, the text
    /// "held only shipping costs" (or fees) and the price went unchecked.
    fn next_is_lower_and_left_out(&self, i: usize, list: &[Found]) -> bool {
        (self.found.iter().find(|f| f.start >= list[i].end))
            .is_some_and(|f| !list.iter().any(|k| k.start == f.start) && f.value < list[i].value)
    }

    /// The amount before amount `i` of `list`, as [`PriceText::next_of`].
    fn previous_of(&self, i: usize, list: &[Found]) -> Option<Found> {
        let left_out = (self.elsewhere.iter().rev())
            .find(|f| f.end <= list[i].start && !list.iter().any(|l| l.start == f.start));
        match (i.checked_sub(1).map(|p| list[p]), left_out) {
            (Some(p), Some(o)) if o.end > p.end => Some(*o),
            (Some(p), _) => Some(p),
            (None, o) => o.copied(),
        }
    }

    /// `from..to` without the currency marker that is amount `left`'s own after it
    /// and the one that is amount `right`'s own before it: signs, no words about
    /// either amount.
    fn between_signs(
        &self,
        left: Option<&Found>,
        right: Option<&Found>,
        from: usize,
        to: usize,
    ) -> (usize, usize) {
        let from = left
            .and_then(|f| self.own_markers(f).1)
            .map_or(from, |k| self.markers[k].1.clamp(from, to));
        let to = right
            .and_then(|f| self.own_markers(f).0)
            .map_or(to, |k| self.markers[k].0.clamp(from, to));
        (from, to)
    }

    /// The words that say amount `i`'s VAT basis: those after it, without a label
    /// that stands right before the next amount ([`VAT_LABELS_BEFORE`]), and such a
    /// label right before it.
    fn vat_words(&self, i: usize, list: &[Found]) -> String {
        // Where a label ending the text starts (currency signs and spaces after it).
        let label_at = |s: &str| {
            let t = s.trim_end_matches(|c: char| {
                c.is_whitespace() || matches!(c, '¥' | '￥' | '$' | ':' | '：')
            });
            VAT_LABELS_BEFORE
                .iter()
                .find(|w| t.ends_with(*w))
                .map(|w| t.len() - w.len())
        };
        let mut words = self.after(i, list);
        if i + 1 < list.len()
            && let Some(at) = label_at(&words)
        {
            words.truncate(at);
        }
        let before = self.before(i, list);
        if let Some(at) = label_at(&before) {
            words.push(' ');
            words.push_str(&before[at..]);
        }
        words
    }

    /// Is amount `i` followed by one of `words` (`$10 off`, `$2.50 deposit`)? Not
    /// when that word is all that stands before the next amount and is one of
    /// `labels_next`, words written before what they name: in `CA$99.99 Deposit
    /// $10.00` the deposit is the $10.
    ///
    /// A colon ending the words makes them a label too.
    ///
    /// Punctuation says otherwise: a word followed by a comma, a semicolon or a
    /// closing bracket ends what it names (`+ $10 shipping, $7.00 sales tax`), and so
    /// does one after an amount added with `+`.
    fn followed_by(&self, i: usize, list: &[Found], words: &[&str], labels_next: &[&str]) -> bool {
        let after = self.after(i, list);
        let word = after.trim_matches(|c: char| !c.is_alphanumeric());
        // So does a plus before the next amount (`US $8.99 shipping + US $12.34`).
        // And so do elements: words in one with this amount and not the next.
        let ends_here = ends_with_stop(&after)
            || (self.words_end_here(i, list) && !ends_with_colon(&after))
            || after.trim_end().ends_with('+')
            || self
                .before(i, list)
                .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '+')
                .ends_with('+');
        // A colon ends a label of the next amount (`149,99 € Contributo RAEE: 0,50 €`),
        // and so does "from" (`$89.99 Delivery from $5.99`: read as the price's, the
        // text "held only shipping costs" and the price went unchecked).
        // So does a word for when it is paid (`$249.99 Deposit now $19.99`: read as
        // the price's label, the text "held only deposits" and the price went unread).
        let names_next = |w: &&str| {
            word.strip_prefix(*w)
                .map(str::trim_start)
                .is_some_and(|rest| {
                    rest.is_empty() || LOWEST_FROM.contains(&rest) || PAID_WHEN.contains(&rest)
                })
        };
        // So does a word with a colon opening the words (Amazon India's `₹24,999
        // Coupon: Apply ₹500 coupon`: read as the price's, the price was a coupon and
        // the text "held only savings").
        let opens_a_label = after
            .trim_start()
            .split_once([':', '：'])
            .is_some_and(|(head, _)| !head.is_empty() && head.chars().all(char::is_alphabetic));
        let label = labels_next.iter().any(names_next) || ends_with_colon(&after) || opens_a_label;
        if self.next_of(i, list).is_some() && label && !ends_here {
            return false;
        }
        starts_with_word(&after, words) && !starts_with_word(&after, NOT_A_SAVING_AFTER)
    }

    /// Does amount `i` of `list` end a range the amount before it opens (`$30-$1,500`,
    /// `10 € bis 20 €`)? Only a dash, a tilde or a word for "to" stands between them,
    /// with currency signs.
    fn closes_range(&self, i: usize, list: &[Found]) -> bool {
        let between = self.before(i, list);
        let core = between.trim_matches(|c: char| {
            c.is_whitespace() || (!c.is_alphanumeric() && !matches!(c, '-' | '–' | '—' | '~'))
        });
        matches!(
            core,
            "-" | "–" | "—" | "~" | "to" | "bis" | "à" | "a" | "до" | "至"
        )
    }

    /// The words before amount `i` of `list`, back to the amount before it or to a
    /// comma or semicolon between them: in `+ $10 shipping, $7.00
    /// sales tax` the shipping is the $10's, not the $7.00's. The amounts' own
    /// currency markers are not among them ([`PriceText::between_signs`]): `4 x RM
    /// 37.50` ended in `rm`, not in the times sign, and the instalment was the price.
    ///
    /// Words in an element with the amount before and not with this one are not
    /// among them ([`PriceText::owners`]).
    fn before(&self, i: usize, list: &[Found]) -> String {
        let previous = self.previous_of(i, list);
        let start = match previous {
            Some(p) if p.end <= list[i].start => self.owners(p.end, list[i].start).1,
            Some(p) => p.end,
            None => 0,
        };
        let (start, end) = self.between_signs(
            previous.as_ref(),
            Some(&list[i]),
            start.min(list[i].start),
            list[i].start,
        );
        let words = self.chars[start..end]
            .iter()
            .collect::<String>()
            .to_lowercase();
        match words.rsplit([',', ';', '、']).next() {
            Some(last) if previous.is_some() => last.to_string(),
            _ => words,
        }
    }
}

/// A marker's currency: `$`, `¥` and `kr` resolved by the page's default currency.
fn resolve_family(code: &str, default: &Currency) -> Option<Currency> {
    let code = match code {
        FAMILY_DOLLAR => match default.code() {
            "USD" | "CAD" | "AUD" | "NZD" | "HKD" | "SGD" | "MXN" | "TWD" | "ARS" | "CLP"
            | "COP" | "UYU" | "DOP" | "JMD" | "TTD" | "BND" | "FJD" | "NAD" | "XCD" | "BSD"
            | "BBD" | "BZD" | "GYD" | "LRD" | "SRD" | "KYD" | "BMD" | "SBD" | "CUP" => {
                default.code()
            }
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
        FAMILY_RUPEE | FAMILY_RUPEE_SIGN => match default.code() {
            "INR" | "PKR" | "LKR" | "NPR" | "MUR" | "SCR" => default.code(),
            _ if code == FAMILY_RUPEE => "INR",
            _ => "PKR",
        },
        c => c,
    };
    Currency::new(code).ok()
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
    read_advertised(text, hints, default, VatBasis::Inclusive).map(|r| r.money)
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Set: [`read_text`] takes every step for a lone amount too.
        pub(super) static EVERY_STEP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// A lone amount ([`PriceText::lone_amount`]) is read as every step reads it:
    /// each of the price-parser suite's 1,191 texts (in its hinted currency, else
    /// dollars) and a few of other shapes, read both ways, give the same reading or
    /// the same refusal.
    #[test]
    fn a_lone_amount_is_read_as_every_step_reads_it() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/peer/price_parser_cases.jsonl"
        );
        let suite = std::fs::read_to_string(path).expect("the price-parser suite");
        let mut texts: Vec<(String, String)> = suite
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| {
                let text = v["input"].as_str().unwrap_or_default().to_string();
                let cur = v["currency_hint"].as_str().unwrap_or("USD").to_string();
                (text, cur)
            })
            .collect();
        assert!(texts.len() > 1000, "{} texts", texts.len());
        for (text, cur) in [
            ("$249.99", "USD"),
            ("US $108.99", "USD"),
            ("249.99", "USD"),
            ("0.00", "USD"),
            ("$0", "USD"),
            (" ¥1,480.99 ", "CNY"),
            ("249,99 €", "EUR"),
            ("EUR 249,99", "EUR"),
            ("€249.99", "USD"),
            ("-$10.00", "USD"),
            ("99¢", "USD"),
            ("99p", "GBP"),
            ("$249.99 USD", "USD"),
            ("$249.99 CAD", "USD"),
            ("1.234", "EUR"),
            ("12,800円", "JPY"),
        ] {
            texts.push((text.to_string(), cur.to_string()));
        }
        let mut lone = 0;
        for (text, cur) in &texts {
            let Ok(currency) = Currency::new(cur) else {
                continue;
            };
            let read = |every: bool| {
                EVERY_STEP.with(|c| c.set(every));
                let r = read_advertised(text, Hints::default(), &currency, VatBasis::Inclusive);
                EVERY_STEP.with(|c| c.set(false));
                r.map(|r| (r.money, r.why, r.among))
                    .map_err(|e| e.to_string())
            };
            let (short, every) = (read(false), read(true));
            assert_eq!(short, every, "{text:?} in {cur}");
            let t = PriceText::new(text, &currency);
            lone += usize::from(
                numbers_at(&t.chars, None, None).is_ok_and(|f| f.len() == 1 && t.lone_amount(&f)),
            );
        }
        assert!(lone > 300, "only {lone} lone amounts among the texts");
    }

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

    /// A comma or point after an amount's cents ends it (`$149.99, 10 left` was
    /// 14,999.10: a price a hundred times the listing's, under no floor), and a
    /// currency sign set apart from a quantity and against the amount after it is
    /// the amount's (`1-9 $149.99` read 1 USD). India's lakhs keep their commas.
    #[test]
    fn a_separator_after_the_cents_ends_the_amount() {
        let read = |t: &str, c: &str| {
            read_in(t, c)
                .unwrap_or_else(|e| panic!("{t}: {e}"))
                .money
                .amount
                .normalize()
                .to_string()
        };
        for (text, currency, amount) in [
            ("$149.99, 10 left", "USD", "149.99"),
            ("$1.99, 50 count", "USD", "1.99"),
            ("$149.99,10", "USD", "149.99"),
            ("₹2,49,999.00", "INR", "249999"),
            ("1-9 $149.99", "USD", "149.99"),
            ("Qty 1-9: $149.99", "USD", "149.99"),
            ("₹1,49,999.00", "INR", "149999"),
            ("1.299,99 €", "EUR", "1299.99"),
            ("$1,234,567.89", "USD", "1234567.89"),
            ("$1,299. 99", "USD", "1299.99"),
            ("149,99 $ 10 jours", "CAD", "149.99"),
            ("1 299:- 30 dagar", "SEK", "1299"),
            ("149,99 €1", "EUR", "149.99"),
            // Cents in an element of their own the page path did not know.
            ("$149 99", "USD", "149.99"),
            ("149 99 €", "EUR", "149.99"),
            ("1 149 99 €", "EUR", "1149.99"),
            ("$1,149 99", "USD", "1149.99"),
            ("$149 30 day returns", "USD", "149"),
            ("1 299 zł", "PLN", "1299"),
        ] {
            assert_eq!(read(text, currency), amount, "{text}");
        }
    }

    #[test]
    fn ranges_count_their_lowest() {
        let usd = Currency::new("USD").unwrap();
        let m = parse_lowest_price("$20 – $10", Hints::default(), &usd).unwrap();
        assert_eq!(m.amount, Decimal::from(10));
        // The choice is said: a floor finding on it may concern another variant.
        let read =
            |t: &str| read_advertised(t, Hints::default(), &usd, VatBasis::Inclusive).unwrap();
        let r = read("$149.99 - $259.99");
        assert_eq!(
            r.among,
            vec![Decimal::new(14999, 2), Decimal::new(25999, 2)]
        );
        assert!(
            r.why
                .iter()
                .any(|w| w == "the lowest of 2 prices: 149.99, 259.99"),
            "{:?}",
            r.why
        );
        // One amount, or the same amount twice, is no choice.
        assert!(read("$149.99").among.is_empty());
        assert!(read("$149.99 $149.99").among.is_empty());
        // A former price left out is no choice either.
        assert!(read("Was: $199.00 Now: $149.99").among.is_empty());
    }

    /// 万 (ten thousand) beside the currency is read into the amount (`2万4999円` was
    /// 4,999 yen, a fifth of the price); a count of sales with 万 is no amount. An
    /// arrow from a higher amount to a lower one is a reduction: the lower is the
    /// price, no choice between variants.
    #[test]
    fn amounts_in_ten_thousands_are_read_whole() {
        for (text, currency, amount) in [
            ("2万4999円", "JPY", "24999"),
            ("¥1.2万", "JPY", "12000"),
            ("3万円(税込)", "JPY", "30000"),
            ("1.5万元", "CNY", "15000"),
            ("月销1万+ ¥24,999", "JPY", "24999"),
            ("¥24,999 已售2万", "JPY", "24999"),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.normalize().to_string(), amount, "{text}");
        }
        for text in ["¥24,999 →¥19,999", "24,999円→19,999円", "$299.99 → $249.99"] {
            let r = read_in(text, "JPY").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(r.among.is_empty(), "{text}: {:?}", r.among);
            assert!(
                r.why.iter().any(|w| w.contains("former")),
                "{text}: {:?}",
                r.why
            );
        }
    }

    /// Three digits after a zero or nothing are decimals, never a thousands group:
    /// `$0.001` was read as 1 USD. `1.299` and `1,299` stay thousands.
    #[test]
    fn three_digits_after_a_zero_are_no_thousands() {
        for (raw, want) in [
            ("0.001", Decimal::new(1, 3)),
            ("0,001", Decimal::new(1, 3)),
            (".999", Decimal::new(999, 3)),
            ("1.299", Decimal::new(1299, 0)),
            ("1,299", Decimal::new(1299, 0)),
            ("10.000", Decimal::new(10000, 0)),
        ] {
            assert_eq!(number(raw, None, Some(2)), Some(want), "{raw}");
        }
        assert!(read_in("$0.001", "USD").is_ok_and(|r| r.money.amount < Decimal::ONE));
    }

    /// A comma grouping no thousands before a point (`$2,49.99`) is refused, saying
    /// what is written: read up to the point it was 2.49, a false below-floor
    /// finding for any price the page can mean.
    #[test]
    fn a_comma_grouping_no_thousands_is_refused() {
        for (t, c) in [
            ("$2,49.99", "USD"),
            ("$12,49.99", "USD"),
            ("Price: US $1,4.99 each", "USD"),
            ("$1,,249.99", "USD"),
            ("¥2,4999", "JPY"),
            ("¥2,49", "JPY"),
        ] {
            match read_in(t, c) {
                Err(PriceError::Malformed(w)) => assert!(w.contains(','), "{t}: {w}"),
                other => panic!("{t}: {other:?}"),
            }
        }
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
        assert_eq!(read("Only 5e").unwrap().amount, Decimal::from(5));
        assert_eq!(read("EUR 12,99").unwrap().amount, Decimal::new(1299, 2));
    }

    #[test]
    fn a_price_converted_into_the_visitors_currency_is_no_advertised_price() {
        let read = |t: &str, default: &str| {
            read_advertised(
                t,
                Hints::default(),
                &Currency::new(default).unwrap(),
                VatBasis::Inclusive,
            )
        };
        // eBay.com showing a UK seller's item: the estimate is in the marketplace's
        // own currency, and would have been read as the price.
        let r = read("£1.99 Approximately US $2.66 (including shipping)", "USD").unwrap();
        assert_eq!(r.money.to_string(), "1.99 GBP");
        assert!(r.why[0].contains("Approximately US $2.66"), "{:?}", r.why);
        for (t, default, want) in [
            ("EUR 92.14 (approx. USD 100.00)", "USD", "92.14 EUR"),
            ("¥99.00 约 $13.50", "USD", "99.00 CNY"),
            ("79,00 € ungefähr 85,90 $", "USD", "79.00 EUR"),
            ("$119.95 ≈ €110.20", "EUR", "119.95 USD"),
            // Words that merely contain one are no estimate.
            ("$99.00 Approximation-free pricing", "USD", "99.00 USD"),
        ] {
            assert_eq!(read(t, default).unwrap().money.to_string(), want, "{t}");
        }
        // The shipping cost beside it is no second price of the listing.
        let r = read("GBP 1.99 +GBP 8.75 shipping", "GBP").unwrap();
        assert_eq!((r.money.to_string(), r.among.len()), ("1.99 GBP".into(), 0));
        assert!(r.why[0].contains("shipping costs: 8.75"), "{:?}", r.why);
        let r = read("Shipping: $5.99 Price: $99.00", "USD").unwrap();
        assert_eq!(r.money.to_string(), "99.00 USD");
        assert_eq!(
            read("$29.99 Free shipping over $35", "USD")
                .unwrap()
                .among
                .len(),
            0
        );
        // Letters whose lower case is longer (`İ`) and shorter (`ẞ`) shift offsets
        // both ways: the estimate word `≈` found in the lower-cased text would cut
        // this one inside a character (a panic, the page lost). Not cut: read as
        // if no estimate word were there (the `$` against 9.99 is its own).
        assert_eq!(
            read("İ≈ 5 $9.99 ẞ", "USD").unwrap().money.to_string(),
            "9.99 USD"
        );
        assert_eq!(
            read("ẞİ $9.99 approx. €9", "USD").unwrap().money.amount,
            Decimal::new(999, 2)
        );
        // Nothing but an estimate: no price (the floor is not checked), said so.
        let e = read("Approximately US $2.66", "USD").unwrap_err();
        assert!(e.to_string().contains("estimate"), "{e}");
    }

    #[test]
    fn the_advertised_price_never_the_lowest_number_in_any_text() {
        let read = |t: &str, default: &str, vat: VatBasis| {
            let r = read_advertised(t, Hints::default(), &Currency::new(default).unwrap(), vat)
                .unwrap();
            (
                r.money.amount.normalize().to_string(),
                r.money.currency.to_string(),
                r.why,
            )
        };
        let inc = VatBasis::Inclusive;
        // Another currency in brackets is not this listing's price.
        let (a, c, why) = read("AED 8000 (USD 2179)", "AED", inc);
        assert_eq!((a.as_str(), c.as_str()), ("8000", "AED"));
        assert!(why[0].contains("2179 USD"), "{why:?}");
        assert_eq!(read("AED 8000 (USD 2179)", "USD", inc).0, "2179");
        assert_eq!(read("AED 8000 (USD 2179)", "EUR", inc).0, "8000");
        // VAT basis: the marketplace's.
        let t = "EUR29.66 (inc VAT) EUR24.71 (exc VAT)";
        assert_eq!(read(t, "EUR", inc).0, "29.66");
        assert_eq!(read(t, "EUR", VatBasis::Exclusive).0, "24.71");
        assert_eq!(read("24,90 € HT 29,88 € TTC", "EUR", inc).0, "29.88");
        // "Tax" as a shop's software labels VAT, both kinds in the text (tax_as_vat).
        for t in [
            "Excl. Tax: £208.33 Incl. Tax: £249.99",
            "Incl. Tax £249.99 Excl. Tax £208.33",
        ] {
            assert_eq!(read(t, "GBP", inc).0, "249.99", "{t}");
            assert_eq!(read(t, "GBP", VatBasis::Exclusive).0, "208.33", "{t}");
        }
        // Alone, "tax" is a sales tax, no VAT basis: the price stays.
        let t = "US $249.99 Tax excluded, add at checkout if applicable";
        assert_eq!(read(t, "USD", inc).0, "249.99");
        assert_eq!(read("$208.33 excl. tax", "USD", inc).0, "208.33");
        // Former prices are not what the listing asks.
        assert_eq!(read("Was: $124.95 Now: $99.00", "USD", inc).0, "99");
        assert_eq!(read("UVP 49,99 € 39,99 €", "EUR", inc).0, "39.99");
        assert_eq!(read("$119.95 List: $99.00", "USD", inc).0, "119.95");
        // Three-decimal and zero-decimal currencies (ISO 4217 minor units).
        assert_eq!(
            read("423.923 KD", "KWD", inc),
            ("423.923".into(), "KWD".into(), vec![])
        );
        assert_eq!(read("₩30.000", "KRW", inc).0, "30000");
        // Cents in their own element, joined with a space.
        assert_eq!(read("$119. 95", "USD", inc).0, "119.95");
        assert_eq!(read("1.837, 32 €", "EUR", inc).0, "1837.32");
        assert_eq!(read("118, 99 TL", "TRY", inc).0, "118.99");
        // A symbol inside a longer one is not a second currency.
        assert_eq!(
            read("A$ 12.50", "USD", inc),
            ("12.5".into(), "AUD".into(), vec![])
        );
        // Ranges still ask their lowest.
        assert_eq!(read("$10 – $20", "USD", inc).0, "10");
        // Unit prices and quantities are not the price.
        assert_eq!(read("8,71 € (4,36 € / 100 ml)", "EUR", inc).0, "8.71");
        assert_eq!(read("2 for $10", "USD", inc).0, "10");
        assert_eq!(read("From 26 to 50 €", "EUR", inc).0, "26");
        assert_eq!(read("10 - 20 €", "EUR", inc).0, "10");
        assert_eq!(read("$12.99 ($0.81 per oz)", "USD", inc).0, "12.99");
    }

    /// A VAT label written before its amount names that amount: read as the words
    /// after the one before, the gross price's label was the net price's, and the net
    /// price (`Nettopreis 124,99 €`, `Prix HT : 124,99 €`) was read on a marketplace
    /// whose prices include VAT, a false below-floor finding.
    #[test]
    fn a_vat_label_before_its_amount_names_it() {
        let read = |t: &str, code: &str, vat: VatBasis| {
            let c = Currency::new(code).unwrap();
            read_advertised(t, Hints::default(), &c, vat)
                .map(|r| r.money.amount.normalize().to_string())
                .unwrap_or_else(|e| format!("{e}"))
        };
        for (t, code, gross, net) in [
            (
                "Price excluding VAT £124.99 Price including VAT £149.99",
                "GBP",
                "149.99",
                "124.99",
            ),
            (
                "Nettopreis 124,99 € Bruttopreis 149,99 €",
                "EUR",
                "149.99",
                "124.99",
            ),
            (
                "Prix HT : 124,99 € Prix TTC : 149,99 €",
                "EUR",
                "149.99",
                "124.99",
            ),
            (
                "Prix TTC : 149,99 € Prix HT : 124,99 €",
                "EUR",
                "149.99",
                "124.99",
            ),
            (
                "excl. BTW € 124,99 incl. BTW € 149,99",
                "EUR",
                "149.99",
                "124.99",
            ),
            (
                "Sin IVA 124,99 € Con IVA 149,99 €",
                "EUR",
                "149.99",
                "124.99",
            ),
            // The last amount's label may follow it.
            (
                "Incl. VAT £149.99 (£124.99 ex VAT)",
                "GBP",
                "149.99",
                "124.99",
            ),
            (
                "ex VAT £124.99 (£149.99 inc VAT)",
                "GBP",
                "149.99",
                "124.99",
            ),
        ] {
            assert_eq!(read(t, code, VatBasis::Inclusive), gross, "{t}");
            assert_eq!(read(t, code, VatBasis::Exclusive), net, "{t}");
        }
        // Words before the first amount naming no basis change nothing.
        let t = "All prices inc VAT £149.99 was £199.99";
        assert_eq!(read(t, "GBP", VatBasis::Inclusive), "149.99");
    }

    #[test]
    fn no_number_no_price() {
        assert!(parse_price("Call for price", &Currency::new("USD").unwrap()).is_none());
    }

    /// Price texts with an amount beside the price that is not it: (text, the
    /// marketplace's currency, the price, what was left out).
    const PRICE_BOX_EXTRAS: &[(&str, &str, &str, &str)] = &[
        (
            "$89.99 or 4 interest-free payments of $22.50 with Afterpay",
            "USD",
            "89.99",
            "instalments",
        ),
        ("$89.99 or 4 x $22.50", "USD", "89.99", "instalments"),
        // Afterpay's line before the price: the label is its threshold's.
        (
            "Pay in 4 interest-free payments on purchases of $30-$1,500 with Afterpay $149.99",
            "USD",
            "149.99",
            "spending thresholds",
        ),
        (
            "Pay in 4 on purchases of $30 $149.99",
            "USD",
            "149.99",
            "spending thresholds",
        ),
        (
            "$249.99 FREE delivery Tuesday, December 8 on orders shipped by Amazon over $35",
            "USD",
            "249.99",
            "spending thresholds: 35",
        ),
        (
            "$249.99 FREE shipping, arrives in 3+ days on $35 orders",
            "USD",
            "249.99",
            "spending thresholds: 35",
        ),
        (
            "£249.99 Delivery £4.99 Free over £50",
            "GBP",
            "249.99",
            "spending thresholds: 50",
        ),
        (
            "$9.95 shipping fee $249.99",
            "USD",
            "249.99",
            "shipping costs: 9.95",
        ),
        (
            "$249.99 Delivery fee $5.99",
            "USD",
            "249.99",
            "shipping costs: 5.99",
        ),
        // Thresholds by the words after them: an order's minimum, what is left to
        // spend for free shipping.
        (
            "$249.99 $35 minimum for free shipping",
            "USD",
            "249.99",
            "spending thresholds: 35",
        ),
        (
            "$249.99 $35 minimum",
            "USD",
            "249.99",
            "spending thresholds: 35",
        ),
        (
            "$249.99 Add $10.01 for FREE shipping",
            "USD",
            "249.99",
            "spending thresholds: 10.01",
        ),
        (
            "$249.99 You are $10 away from free shipping",
            "USD",
            "249.99",
            "spending thresholds: 10",
        ),
        (
            "£249.99 Spend £5 more for free delivery",
            "GBP",
            "249.99",
            "spending thresholds: 5",
        ),
        // "Minimum" labelling the next amount: the first is the price.
        (
            "$249.99 Minimum order $35",
            "USD",
            "249.99",
            "spending thresholds: 35",
        ),
        (
            "£249.99 FREE delivery Friday, 9 May on orders dispatched by Amazon above £35",
            "GBP",
            "249.99",
            "spending thresholds: 35",
        ),
        ("$99.99 ($8.33 x 12 months)", "USD", "99.99", "instalments"),
        ("$99.99 or $8.33 a month", "USD", "99.99", "instalments"),
        (
            "89,99 € oder 3 Raten à 30,00 €",
            "EUR",
            "89.99",
            "instalments",
        ),
        (
            "$9,999 o 12 meses sin intereses de $833",
            "MXN",
            "9999",
            "instalments",
        ),
        (
            "¥1,299.00 或分4期 每期¥324.75",
            "CNY",
            "1299",
            "instalments",
        ),
        ("$99.99 You Save: $20.00 (17%)", "USD", "99.99", "savings"),
        ("$99.99 Save $5 with coupon", "USD", "99.99", "savings"),
        ("$99.99 Extra $10 off", "USD", "99.99", "savings"),
        ("$99.99 Earn $5 in rewards", "USD", "99.99", "savings"),
        ("89,99 € Sie sparen 10,00 €", "EUR", "89.99", "savings"),
        ("¥1,299.00 立省¥129.90", "CNY", "1299", "savings"),
        ("$99.99 with trade-in $49.99", "USD", "99.99", "trade-in"),
        (
            "$99.99 + $10.00 Import Fees Deposit",
            "USD",
            "99.99",
            "shipping",
        ),
        ("$79.99 Compare at $99.99", "USD", "79.99", "reference"),
        ("$79.99 Typical price: $99.99", "USD", "79.99", "reference"),
        ("Sale $79.99 Regular $99.99", "USD", "79.99", "reference"),
        (
            "-17% $79.99 List Price: $99.99",
            "USD",
            "79.99",
            "reference",
        ),
        ("¥1,299 满¥299减¥50", "CNY", "1299", "spending thresholds"),
        (
            "$99.99 Spend $50, save $10",
            "USD",
            "99.99",
            "spending thresholds",
        ),
        (
            "99,99 € 0% Finanzierung ab 8,33 € mtl.",
            "EUR",
            "99.99",
            "instalments",
        ),
        (
            "R$ 999,90 ou 10x de R$ 99,99 sem juros",
            "BRL",
            "999.9",
            "instalments",
        ),
        ("₹9,999 EMI starts at ₹485", "INR", "9999", "instalments"),
        ("₹9,999 M.R.P.: ₹14,999", "INR", "9999", "reference"),
        ("12,800円（税込14,080円）", "JPY", "14080", "without VAT"),
        ("CA$99.99 Deposit $10.00", "CAD", "99.99", "deposits"),
        // A word for when it is paid after the label: refused as "only deposits".
        ("$249.99 Deposit now $19.99", "USD", "249.99", "deposits"),
        (
            "$249.99 Down payment today $19.99",
            "USD",
            "249.99",
            "deposits",
        ),
        ("$99.99 + $2.50 bottle deposit", "USD", "99.99", "deposits"),
        // A fee's words between two amounts name the lower one, whichever side:
        // read as both the box was refused, read as the next one's label the fee
        // was the price.
        (
            "$249.99 Core charge $25.00",
            "USD",
            "249.99",
            "fees and deposits: 25.00",
        ),
        (
            "$249.99 Recycling fee $5.00",
            "USD",
            "249.99",
            "fees and deposits: 5.00",
        ),
        (
            "$2.50 bottle deposit $12.99",
            "USD",
            "12.99",
            "fees and deposits: 2.50",
        ),
        (
            "$2.00 EHF $249.99",
            "CAD",
            "249.99",
            "fees and deposits: 2.00",
        ),
        (
            "149,99 € Contributo RAEE 0,50 €",
            "EUR",
            "149.99",
            "fees and deposits: 0.50",
        ),
        (
            "0,25 € Pfand 1,99 €",
            "EUR",
            "1.99",
            "fees and deposits: 0.25",
        ),
        (
            "$19.99 Deposit $249.99",
            "USD",
            "249.99",
            "fees and deposits: 19.99",
        ),
        (
            "$249.99 Ships to you for $12.99",
            "USD",
            "249.99",
            "shipping costs: 12.99",
        ),
        (
            "$249.99 Ships in 1-2 business days $9.95 flat rate",
            "USD",
            "249.99",
            "shipping costs: 9.95",
        ),
        (
            "249,99 € Versandkosten 4,99 €",
            "EUR",
            "249.99",
            "shipping costs: 4.99",
        ),
        (
            "Preis: 249,99 € Lieferung: 4,99 € Gesamt: 254,98 €",
            "EUR",
            "249.99",
            "shipping costs: 4.99",
        ),
        (
            "249,99 € Frais de port 4,99 €",
            "EUR",
            "249.99",
            "shipping costs: 4.99",
        ),
        (
            "1 x $249.99 $19.99 shipping",
            "USD",
            "249.99",
            "shipping costs: 19.99",
        ),
        (
            "$149.99 used $249.99",
            "USD",
            "249.99",
            "other offers (used, renewed, other sellers'): 149.99",
        ),
        (
            "$249.99 new $149.99 used",
            "USD",
            "249.99",
            "other offers (used, renewed, other sellers'): 149.99",
        ),
        (
            "249,99 € neu 149,99 € gebraucht",
            "EUR",
            "249.99",
            "other offers (used, renewed, other sellers'): 149.99",
        ),
        (
            "$149.99 Used Was $249.99",
            "USD",
            "149.99",
            "former or reference prices: 249.99",
        ),
        (
            "$249.99 Delivery charge $9.95",
            "USD",
            "249.99",
            "shipping costs: 9.95",
        ),
        (
            "£249.99 Postage & packing £4.99",
            "GBP",
            "249.99",
            "shipping costs: 4.99",
        ),
        (
            "$249.99 Shipping & handling $9.95",
            "USD",
            "249.99",
            "shipping costs: 9.95",
        ),
        (
            "$9.99 Shipping $15.99",
            "USD",
            "9.99",
            "shipping costs: 15.99",
        ),
        (
            "Flat rate $9.95 $249.99",
            "USD",
            "249.99",
            "shipping costs: 9.95",
        ),
        (
            "Your price $249.99 Retail $299.99",
            "USD",
            "249.99",
            "former or reference prices: 299.99",
        ),
        (
            "249,99 € 50,00 € gespart",
            "EUR",
            "249.99",
            "savings, coupons and rewards: 50.00",
        ),
        (
            "¥2499 定金¥100 抵¥200",
            "CNY",
            "2499",
            "savings, coupons and rewards: 200",
        ),
        (
            "¥1499 定金¥100 尾款¥1399",
            "CNY",
            "1499",
            "fees and deposits: 100, 1399",
        ),
        (
            "$2,499 en 12 meses de $208.25",
            "MXN",
            "2499",
            "instalments: 208.25",
        ),
        (
            "$2,499 4 pagos de $624.75",
            "MXN",
            "2499",
            "instalments: 624.75",
        ),
        (
            "价格 ¥2499 促销价 ¥2299",
            "CNY",
            "2299",
            "former or reference prices: 2499",
        ),
        (
            "¥1599 立减后¥1499",
            "CNY",
            "1499",
            "former or reference prices: 1599",
        ),
        (
            "¥1599 减价¥1299",
            "CNY",
            "1299",
            "former or reference prices: 1599",
        ),
        (
            "$249.99 Reduced to $199.99",
            "USD",
            "199.99",
            "former or reference prices: 249.99",
        ),
        (
            "AED 899 كان AED 1,099",
            "AED",
            "899",
            "former or reference prices: 1099",
        ),
        (
            "249,99 € im Warenkorb 229,99 €",
            "EUR",
            "229.99",
            "former or reference prices: 249.99",
        ),
        (
            "249,99 € nel carrello 229,99 €",
            "EUR",
            "229.99",
            "former or reference prices: 249.99",
        ),
        (
            "999,00 TL Sepette 899 TL",
            "TRY",
            "899",
            "former or reference prices: 999.00",
        ),
        (
            "즉시할인가 229,000원 249,000원",
            "KRW",
            "229000",
            "former or reference prices: 249000",
        ),
        (
            "₹24,999 Coupon: Apply ₹500 coupon",
            "INR",
            "24999",
            "savings, coupons and rewards: 500",
        ),
        (
            "¥1299 闪购 ¥999",
            "CNY",
            "999",
            "former or reference prices: 1299",
        ),
        (
            "¥1299 百亿补贴 ¥999",
            "CNY",
            "999",
            "former or reference prices: 1299",
        ),
        (
            "现价 ¥999 ¥1299",
            "CNY",
            "999",
            "former or reference prices: 1299",
        ),
        (
            "249,000원 할인가 229,000원",
            "KRW",
            "229000",
            "former or reference prices: 249000",
        ),
        // So do a saving's, an add-on's, a trade-in's (the saving or the add-on
        // was the price).
        (
            "$50 savings $249.99",
            "USD",
            "249.99",
            "savings, coupons and rewards: 50",
        ),
        (
            "$50 instant savings $249.99",
            "USD",
            "249.99",
            "savings, coupons and rewards: 50",
        ),
        (
            "$25 gift card $249.99",
            "USD",
            "249.99",
            "savings, coupons and rewards: 25",
        ),
        (
            "$29.99 warranty $249.99",
            "USD",
            "249.99",
            "add-ons (protection plans, warranties, accessories): 29.99",
        ),
        (
            "$149.99 with trade-in $249.99",
            "USD",
            "249.99",
            "prices with a trade-in: 149.99",
        ),
        // The trade-in's words before a saving left out are not the price's.
        (
            "Trade-in and save up to $100 $249.99",
            "USD",
            "249.99",
            "savings, coupons and rewards: 100",
        ),
        // Nor a trade-in's words after a saving (the saving's).
        (
            "Save up to $100 with trade-in $249.99",
            "USD",
            "249.99",
            "savings, coupons and rewards: 100",
        ),
        // Not words that label the next amount only, nor beside a lower amount
        // its own words name.
        (
            "$249.99 Save up to $300 with trade-in",
            "USD",
            "249.99",
            "savings, coupons and rewards: 300",
        ),
        (
            "$249.99 Protection plan from $29.99 Warranty $49.99",
            "USD",
            "249.99",
            "add-ons (protection plans, warranties, accessories): 29.99, 49.99",
        ),
        (
            "$249.99 Used from $149.99 New from $229.99",
            "USD",
            "249.99",
            "other offers (used, renewed, other sellers'): 149.99, 229.99",
        ),
        (
            "$99.99 Gift card $10 with purchase",
            "USD",
            "99.99",
            "savings",
        ),
        (
            "89,99 € Niedrigster Preis der letzten 30 Tage: 79,99 €",
            "EUR",
            "89.99",
            "reference",
        ),
        (
            "€89.99 Lowest price in the last 30 days: €79.99",
            "EUR",
            "89.99",
            "reference",
        ),
        (
            "89,99 € Prix le plus bas des 30 derniers jours : 79,99 €",
            "EUR",
            "89.99",
            "reference",
        ),
        ("$89.99 Ships for $4.99", "USD", "89.99", "shipping"),
        (
            "$99.99 + $10 shipping, $7.00 sales tax",
            "USD",
            "99.99",
            "fees and deposits: 7.00",
        ),
        ("$99.99 Used from $59.99", "USD", "99.99", "other offers"),
        ("$99.99 New (5) from $79.99", "USD", "99.99", "other offers"),
        (
            "$99.99 Other sellers from $79.99",
            "USD",
            "99.99",
            "other offers",
        ),
        ("$99.99 Renewed $69.99", "USD", "99.99", "other offers"),
        (
            "99,99 € Gebraucht ab 59,99 €",
            "EUR",
            "99.99",
            "other offers",
        ),
        ("99,99 € B-Ware 79,99 €", "EUR", "99.99", "other offers"),
        ("99,99 € Neu (5) ab 89,99 €", "EUR", "99.99", "other offers"),
        ("$99.99 or $79.99 with trade-in", "USD", "99.99", "trade-in"),
        (
            "$99.99 $69.99 with eligible trade-in",
            "USD",
            "99.99",
            "trade-in",
        ),
        ("$99.99 2 for $150", "USD", "99.99", "multi-buy"),
        ("$99.99 or $150 for 2", "USD", "99.99", "multi-buy"),
        // A bare shipping word between two amounts is the next one's label, unless
        // that makes shipping cost more than three times the price.
        (
            "$5.99 delivery $249.99",
            "USD",
            "249.99",
            "shipping costs: 5.99",
        ),
        (
            "$89.99 Delivery $5.99",
            "USD",
            "89.99",
            "shipping costs: 5.99",
        ),
        (
            "$3.99 Delivery $5.99",
            "USD",
            "3.99",
            "shipping costs: 5.99",
        ),
        (
            "$5.99 Shipping: $249.99",
            "USD",
            "5.99",
            "shipping costs: 249.99",
        ),
        (
            "$249.99 Get up to $100 trade-in credit",
            "USD",
            "249.99",
            "savings",
        ),
        (
            "$24.99 $5 cheaper than list price",
            "USD",
            "24.99",
            "savings, coupons and rewards: 5",
        ),
        (
            "£1.49 50p cheaper than RRP",
            "GBP",
            "1.49",
            "savings, coupons and rewards: 0.50",
        ),
        (
            "$24.99 ($5 less than list price)",
            "USD",
            "24.99",
            "savings, coupons and rewards: 5",
        ),
        (
            "24,99 € 5 € günstiger als UVP",
            "EUR",
            "24.99",
            "savings, coupons and rewards: 5",
        ),
        // Words never reach past an amount in another currency: `Delivery` is the
        // pounds' label, not the price's.
        (
            "Price $249.99 Delivery £5.99",
            "USD",
            "249.99",
            "another currency: 5.99 GBP",
        ),
        // Sums written out, checked by adding: the first amount added is the
        // item's, the total of what is taken off is the price.
        (
            "$249.99 + $10.00 = $259.99",
            "USD",
            "249.99",
            "what a sum adds to the price, and its total: 259.99",
        ),
        (
            "$249.99 + $10.00 shipping = $259.99",
            "USD",
            "249.99",
            "and its total: 259.99",
        ),
        (
            "$259.99 ($249.99 + $10.00 shipping)",
            "USD",
            "249.99",
            "and its total: 259.99",
        ),
        (
            "$249.99 + $10.00 + $5.00 = $264.99",
            "USD",
            "249.99",
            "and its total: 264.99",
        ),
        (
            "$249.99 -$20.00 instant savings = $229.99",
            "USD",
            "229.99",
            "what a sum takes off and what from (its total is the price): 249.99",
        ),
        // Costco's: "50 off" before the equals sign is no quantity a unit price is of.
        (
            "$299.99 -$50 OFF = $249.99",
            "USD",
            "249.99",
            "what a sum takes off and what from (its total is the price): 299.99",
        ),
        (
            "$229.99 ($249.99 - $20.00 coupon)",
            "USD",
            "229.99",
            "takes off and what from (its total is the price): 249.99",
        ),
        // Its total after words only: the arithmetic names it.
        (
            "$300 - $100 $200",
            "USD",
            "200",
            "(its total is the price): 300, 100",
        ),
        (
            "299,99 € - 50,00 € 249,99 €",
            "EUR",
            "249.99",
            "(its total is the price): 299.99, 50.00",
        ),
        (
            "$300 -$100 $200",
            "USD",
            "200",
            "(its total is the price): 300",
        ),
        (
            "$99.99 after $30 instant savings",
            "USD",
            "99.99",
            "savings, coupons and rewards: 30",
        ),
        (
            "$99.99 Bundle price $129.99",
            "USD",
            "99.99",
            "more than the item",
        ),
        (
            "$99.99 Frequently bought together $139.98",
            "USD",
            "99.99",
            "more than the item",
        ),
        (
            "$99.99 with 2-year plan $119.99",
            "USD",
            "99.99",
            "more than the item",
        ),
        (
            "Item price $99.99 Shipping $9.99 Total $109.98",
            "USD",
            "99.99",
            "more than the item",
        ),
        // A total named after its amount ("the lowest of 2 prices" before).
        ("$99.99 $109.98 total", "USD", "99.99", "more than the item"),
        (
            "$99.99 ($109.98 in total)",
            "USD",
            "99.99",
            "more than the item",
        ),
        ("$89.99 Shipping: $5.99", "USD", "89.99", "shipping"),
        ("GBP 1.99 +GBP 8.75 shipping", "GBP", "1.99", "shipping"),
        ("$89.99 + $4.99 S&H", "USD", "89.99", "shipping"),
        (
            "$89.99 Add a 2-year protection plan for $12.99",
            "USD",
            "89.99",
            "add-ons",
        ),
        ("$89.99 AppleCare+ for $29.00", "USD", "89.99", "add-ons"),
        ("89,99 € Assurance casse 29,99 €", "EUR", "89.99", "add-ons"),
        (
            "89,99 € Seguro de rotura 19,99 €",
            "EUR",
            "89.99",
            "add-ons",
        ),
        (
            "$89.99 Pay in 4 interest-free payments on purchases of $30-$1,500 with PayPal",
            "USD",
            "89.99",
            "thresholds: 30, 1500",
        ),
        (
            "$89.99 Pay in 4 interest-free installments for orders over $50.00 with Shop Pay",
            "USD",
            "89.99",
            "thresholds",
        ),
    ];

    /// Price texts with a price only some buyers pay: (text, currency, price,
    /// the condition's words, the lowest price for every buyer).
    #[allow(clippy::type_complexity)]
    const ON_CONDITION: &[(&str, &str, &str, &str, Option<&str>)] = &[
        (
            "$99.99 Subscribe & Save $94.99",
            "USD",
            "94.99",
            "subscribe & save",
            Some("99.99"),
        ),
        (
            "$99.99 $89.99 with Prime",
            "USD",
            "89.99",
            "with prime",
            Some("99.99"),
        ),
        (
            "Prime Member Price: $89.99",
            "USD",
            "89.99",
            "prime member price",
            None,
        ),
        (
            "$99.99 Members $89.99",
            "USD",
            "89.99",
            "members",
            Some("99.99"),
        ),
        (
            "$99.99 $89.99 for members",
            "USD",
            "89.99",
            "for members",
            Some("99.99"),
        ),
        (
            "¥1,299 PLUS会员价¥1,199",
            "CNY",
            "1199",
            "plus会员价",
            Some("1299"),
        ),
        // Repeat orders', new customers', several items' prices.
        (
            "$249.99 $229.99 with AutoShip",
            "USD",
            "229.99",
            "with autoship",
            Some("249.99"),
        ),
        (
            "$249.99 $199.99 for new customers",
            "USD",
            "199.99",
            "for new customers",
            Some("249.99"),
        ),
        (
            "$249.99 $229.99 when you buy 2",
            "USD",
            "229.99",
            "when you buy 2",
            Some("249.99"),
        ),
        // A trade account's price.
        (
            "£249.99 Trade price £199.99",
            "GBP",
            "199.99",
            "trade price",
            Some("249.99"),
        ),
        (
            "£249.99 Wholesale price £189.99",
            "GBP",
            "189.99",
            "wholesale price",
            Some("249.99"),
        ),
        // Loyalty schemes' and store cards' prices: "the lowest of 2 prices".
        (
            "£249.99 Clubcard Price £199.99",
            "GBP",
            "199.99",
            "clubcard price",
            Some("249.99"),
        ),
        (
            "£249.99 Nectar Price £199.99",
            "GBP",
            "199.99",
            "nectar price",
            Some("249.99"),
        ),
        (
            "249,99 € Prix Fnac+ 229,99 €",
            "EUR",
            "229.99",
            "prix fnac+",
            Some("249.99"),
        ),
        (
            "$249.99 Walmart+ price $229.99",
            "USD",
            "229.99",
            "walmart+ price",
            Some("249.99"),
        ),
        (
            "$249.99 Circle price $229.99",
            "USD",
            "229.99",
            "circle price",
            Some("249.99"),
        ),
        (
            "$249.99 Price with Target Circle $229.99",
            "USD",
            "229.99",
            "target circle",
            Some("249.99"),
        ),
        (
            "$249.99 Membership price $229.99",
            "USD",
            "229.99",
            "membership price",
            Some("249.99"),
        ),
        (
            "249,99 € in der App 229,99 €",
            "EUR",
            "229.99",
            "in der app",
            Some("249.99"),
        ),
        (
            "249,99 € mit Code 229,99 €",
            "EUR",
            "229.99",
            "mit code",
            Some("249.99"),
        ),
        (
            "249,99 € con código 229,99 €",
            "EUR",
            "229.99",
            "con código",
            Some("249.99"),
        ),
        (
            "1 299 zł z kodem 1 199 zł",
            "PLN",
            "1199",
            "z kodem",
            Some("1299"),
        ),
        (
            "12 999 ₽ с Ozon Картой 11 999 ₽",
            "RUB",
            "11999",
            "картой",
            Some("12999"),
        ),
        (
            "249,000원 최대혜택가 229,000원",
            "KRW",
            "229000",
            "최대혜택가",
            Some("249000"),
        ),
        (
            "￥24,999 楽天カードで ￥23,999",
            "JPY",
            "23999",
            "カードで",
            Some("24999"),
        ),
        (
            "￥24,999 2個以上で ￥23,999",
            "JPY",
            "23999",
            "2個以上で",
            Some("24999"),
        ),
        (
            "￥24,999 3台以上 ￥23,999",
            "JPY",
            "23999",
            "3台以上",
            Some("24999"),
        ),
        (
            "99,99 € Mitgliederpreis 89,99 €",
            "EUR",
            "89.99",
            "mitgliederpreis",
            Some("99.99"),
        ),
        (
            "$149.99 $129.99 for Plus members",
            "USD",
            "129.99",
            "for members",
            Some("149.99"),
        ),
        // Quantity tiers: the price of each of many, for those who buy as many.
        (
            "1-9 units $99.99 10+ units $89.99",
            "USD",
            "89.99",
            "10+ units",
            Some("99.99"),
        ),
        (
            "$99.99 Buy 10+ for $89.99 each",
            "USD",
            "89.99",
            "buy 10+",
            Some("99.99"),
        ),
        (
            "$99.99 Qty 5+: $94.99",
            "USD",
            "94.99",
            "qty 5+",
            Some("99.99"),
        ),
        (
            "Quantity discounts: 1-9 $99.99, 10-49 $94.99, 50+ $89.99",
            "USD",
            "89.99",
            "50+",
            Some("99.99"),
        ),
        (
            "99,99 € ab 10 Stück 89,99 €",
            "EUR",
            "89.99",
            "ab 10 stück",
            Some("99.99"),
        ),
        (
            "¥1,299 10件以上 ¥1,199",
            "CNY",
            "1199",
            "10件以上",
            Some("1299"),
        ),
        // In the shop's stores, for some kinds of buyer, after a rebate or every
        // offer, after a coupon the saving's words name first.
        (
            "$99.99 In store: $89.99",
            "USD",
            "89.99",
            "in store",
            Some("99.99"),
        ),
        (
            "Online price $99.99 In-store price $89.99",
            "USD",
            "89.99",
            "in-store price",
            Some("99.99"),
        ),
        (
            "$99.99 Pickup price $94.99",
            "USD",
            "94.99",
            "pickup price",
            Some("99.99"),
        ),
        (
            "$249.99 Employee price $199.99",
            "USD",
            "199.99",
            "employee price",
            Some("249.99"),
        ),
        (
            "$249.99 Price in app $229.99",
            "USD",
            "229.99",
            "price in app",
            Some("249.99"),
        ),
        (
            "$99.99 Business price $94.99",
            "USD",
            "94.99",
            "business price",
            Some("99.99"),
        ),
        (
            "$99.99 Teacher discount $94.99",
            "USD",
            "94.99",
            "teacher discount",
            Some("99.99"),
        ),
        (
            "$99.99 after $20 rebate $79.99",
            "USD",
            "79.99",
            "after rebate",
            Some("99.99"),
        ),
        // (The higher amount first, unlabelled, is read as a former price.)
        (
            "$249.99 $199.99 after $50 mail-in rebate",
            "USD",
            "199.99",
            "after mail-in rebate",
            None,
        ),
        (
            "$199.99 after $50 rebate",
            "USD",
            "199.99",
            "after rebate",
            None,
        ),
        (
            "$249.99 Get it for $224.99 with Visa",
            "USD",
            "224.99",
            "with card",
            Some("249.99"),
        ),
        (
            "$99.99 Final price after rebate $79.99",
            "USD",
            "79.99",
            "final price after rebate",
            Some("99.99"),
        ),
        (
            "₹9,999 Get at ₹8,999",
            "INR",
            "8999",
            "get at",
            Some("9999"),
        ),
        (
            "₹16,999 Get it for ₹15,999",
            "INR",
            "15999",
            "get it for",
            Some("16999"),
        ),
        ("¥1,299 到手价¥1,199", "CNY", "1199", "到手价", Some("1299")),
        (
            "¥1299 预估到手 ¥999",
            "CNY",
            "999",
            "预估到手",
            Some("1299"),
        ),
        ("领券减100 券后¥1,199", "CNY", "1199", "券后", None),
    ];

    /// A price only members or subscribers pay is advertised, so it is the price
    /// when it is the lowest; but it is no variant's price, and the reading says
    /// its condition and the price for every buyer instead of "the lowest of 2".
    #[test]
    fn a_price_only_some_buyers_pay_is_said_with_its_condition() {
        let usd = Currency::new("USD").unwrap();
        let read = |t: &str, default: &Currency| {
            read_advertised(t, Hints::default(), default, VatBasis::Inclusive)
                .unwrap_or_else(|e| panic!("{t}: {e}"))
        };
        for &(text, currency, amount, words, everyone) in ON_CONDITION {
            let r = read(text, &Currency::new(currency).unwrap());
            assert_eq!(
                r.money.amount.normalize().to_string(),
                amount,
                "{text}: {:?}",
                r.why
            );
            assert!(r.among.is_empty(), "{text}: {:?}", r.among);
            let c = r
                .on_condition
                .unwrap_or_else(|| panic!("{text}: {:?}", r.why));
            assert_eq!(c.words, words, "{text}");
            assert_eq!(
                c.for_everyone.map(|d| d.normalize().to_string()).as_deref(),
                everyone,
                "{text}"
            );
        }
        // A member price at or above the price for every buyer is not the price,
        // and the rest is read as before: a range stays a range.
        let r = read("$89.99 - $99.99 Members $95.00", &usd);
        assert_eq!(
            (r.money.amount, r.on_condition),
            (Decimal::new(8999, 2), None)
        );
        assert_eq!(r.among.len(), 2, "{:?}", r.why);
        assert!(
            r.why.iter().any(|w| w.contains("only some buyers pay")),
            "{:?}",
            r.why
        );
        // Words inside other words are not conditions: "Primera", "premium".
        let r = read("$99.99 Premium $89.99", &usd);
        assert_eq!((r.among.len(), r.on_condition), (2, None));
    }

    /// The words before an amount start after the last comma between them, also an
    /// ideographic one of three bytes (`、`), which cutting one byte past it split
    /// (a panic on a Chinese price box).
    #[test]
    fn words_before_an_amount_start_after_any_comma() {
        let cny = Currency::new("CNY").unwrap();
        let r = read_advertised(
            "¥1,299、运费¥10",
            Hints::default(),
            &cny,
            VatBasis::Inclusive,
        )
        .unwrap();
        assert_eq!(r.money.amount, Decimal::new(1299, 0), "{:?}", r.why);
        assert!(r.why.iter().any(|w| w.contains("shipping")), "{:?}", r.why);
    }

    /// A quantity tier's counts are no prices ("2" was the price, 2 USD), and its
    /// price is paid only by buyers of that many: said with its tier and the price
    /// for every buyer (the first tier's, the least one can order), not as "the
    /// lowest of 3 prices"; a range's unit is the whole range's.
    #[test]
    fn quantity_tiers_and_ranges_per_unit() {
        let read = |t: &str, default: &str| {
            read_advertised(
                t,
                Hints::default(),
                &Currency::new(default).unwrap(),
                VatBasis::Inclusive,
            )
        };
        let r = read(
            "2 - 99 pieces US$10.00 100 - 499 pieces US$9.00 >= 500 pieces US$8.00",
            "USD",
        )
        .unwrap();
        assert_eq!((r.money.amount, r.among.len()), (Decimal::new(800, 2), 0));
        let c = r.on_condition.expect("a tier");
        assert_eq!(
            (c.words.as_ref(), c.for_everyone),
            (">= 500 pieces", Some(Decimal::new(1000, 2)))
        );
        let r = read("US $12.50 - 3 bids", "USD").unwrap();
        assert_eq!((r.money.amount, r.among.len()), (Decimal::new(1250, 2), 0));
        let r = read("US$8.00 - 10.00 / piece", "USD").unwrap();
        assert_eq!((r.money.amount, r.among.len()), (Decimal::new(800, 2), 2));
    }

    /// A price shown only in the cart: none is advertised, whatever reference the
    /// text also shows; with a price, the words are said.
    #[test]
    fn a_price_shown_only_in_the_cart_is_no_price() {
        let read = |t: &str, default: &str| {
            read_advertised(
                t,
                Hints::default(),
                &Currency::new(default).unwrap(),
                VatBasis::Inclusive,
            )
        };
        for text in [
            "To see our price, add this item to your cart.",
            "List Price: $99.99 See price in cart",
            "加入购物车查看价格",
            "Preis im Warenkorb",
        ] {
            assert!(
                matches!(read(text, "USD"), Err(PriceError::InCart(_))),
                "{text}: {:?}",
                read(text, "USD")
            );
        }
        // Whole words: a carton is no cart.
        assert!(
            read("Packed in cartons", "USD").is_err_and(|e| !matches!(e, PriceError::InCart(_)))
        );
        let r = read("$99.99 Packed in cartons", "USD").unwrap();
        assert!(r.why.iter().all(|w| !w.contains("in cart")), "{:?}", r.why);
        let r = read("$99.99 Add to cart to see our lowest price", "USD").unwrap();
        assert_eq!(r.money.amount, Decimal::new(9999, 2));
        assert!(
            r.why.iter().any(|w| w.contains("add to cart to see")),
            "{:?}",
            r.why
        );
    }

    /// Amounts a real price box shows beside the price that a buyer does not pay for
    /// the listing: instalments, savings, coupons, rewards, trade-in prices, import
    /// fees, reference prices (Amazon's, Walmart's, Shopify's, Klarna's wordings).
    /// Each was read as "the lowest of 2 prices" and became a false below-floor
    /// finding; a text holding only such an amount holds no price.
    #[test]
    fn instalments_savings_and_reference_prices_are_not_the_price() {
        let read = |t: &str, default: &str| {
            read_advertised(
                t,
                Hints::default(),
                &Currency::new(default).unwrap(),
                VatBasis::Inclusive,
            )
        };
        for &(text, currency, amount, left_out) in PRICE_BOX_EXTRAS {
            let r = read(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                r.money.amount.normalize().to_string(),
                amount,
                "{text}: {:?}",
                r.why
            );
            assert!(r.among.is_empty(), "{text}: {:?}", r.among);
            assert!(
                r.why.iter().any(|w| w.contains(left_out)),
                "{text}: {:?}",
                r.why
            );
        }
        // Alone, words of a difference name none, nor after the price compared with
        // the reference (a_difference).
        assert_money("$249.99 Lower than ever", "USD", 24999, "USD");
        assert_money("£249.99 lower than RRP £299.99", "GBP", 24999, "GBP");
        assert_money(
            "£249.99 - less than the RRP of £299.99",
            "GBP",
            24999,
            "GBP",
        );
        // One payment of the whole price is the price (`one_payment_before`); ten are
        // instalments.
        assert_money("1x de R$ 249,99 sem juros", "BRL", 24999, "BRL");
        assert_money("em 1x de R$ 249,99", "BRL", 24999, "BRL");
        assert_money("10x de R$ 24,99 ou 1x de R$ 249,99", "BRL", 24999, "BRL");
        assert!(matches!(
            read("11x de R$ 24,99 sem juros", "BRL"),
            Err(PriceError::NotThePrice { .. })
        ));
        // A conditional price a buyer can pay is still a price the page asks.
        let r = read("$99.99 Subscribe & Save $94.99", "USD").unwrap();
        assert_eq!(r.money.amount, Decimal::new(9499, 2));
        // A reduced price named as such is the price.
        for (text, currency, amount) in [
            ("Discount price: $79.99", "USD", "79.99"),
            ("Prix après remise : 79,99 €", "EUR", "79.99"),
            ("Precio con descuento: 79,99 €", "EUR", "79.99"),
            ("减价¥79", "CNY", "79"),
            ("Dès 19,99 €", "EUR", "19.99"),
        ] {
            let r = read(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.normalize().to_string(), amount, "{text}");
        }
        // Words inside longer ones are not those words.
        let r = read("$99.99 Offer price $89.99", "USD").unwrap();
        assert_eq!(r.money.amount, Decimal::new(8999, 2));
        // A space groups thousands only before three digits and no decimal point:
        // `US $12.50 3 bids` was 12,503.
        for (text, amount) in [
            ("US $12.50 3 bids", "12.5"),
            ("1 299,00 €", "1299"),
            ("CHF 1'299.00", "1299"),
            ("$12.50 350 sold", "12.5"),
            // Nor before a group of another mark: Korea's buy-one-get-one before
            // the price was 1,259,000.
            ("1+1 259,000원", "259000"),
            ("1 259,000원", "259000"),
            ("1 259 000원", "1259000"),
        ] {
            let r = read(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.normalize().to_string(), amount, "{text}");
        }
        // Only a saving, an instalment, a shipping cost…: no price at all.
        for text in [
            "You save $20.00",
            "4 interest-free payments of $22.50",
            "立省¥129.90",
            // Nothing but a shipping cost, a former price, a price without VAT on a
            // marketplace whose prices include it: each read as the price was a
            // false comparison with the floor.
            "Shipping: $5.99",
            "Was $99.99",
            "EUR 24.71 (exc VAT)",
            // A difference and the reference it is under: the $5 was the price.
            "$5 less than RRP $24.99",
        ] {
            assert!(
                matches!(read(text, "USD"), Err(PriceError::NotThePrice { .. }))
                    || matches!(read(text, "EUR"), Err(PriceError::NotThePrice { .. })),
                "{text}: {:?}",
                read(text, "USD")
            );
        }
    }

    /// The one amount labelled "regular price" (Shopify's label of a price not on
    /// sale) is the price; beside a sale price, or labelled by other former
    /// words, it is not (it was refused: a listing without a price).
    #[test]
    fn the_regular_price_alone_is_the_price() {
        for (text, want) in [
            ("Regular price $249.99", Some(24999)),
            ("Regular price: $249.99 USD", Some(24999)),
            ("Regular price $249.99 Sale price $199.99", Some(19999)),
            ("Was $249.99", None),
            ("List price $249.99", None),
            ("Regular price $249.99 Was", None),
        ] {
            let got = read_in(text, "USD").ok().map(|r| r.money.amount);
            assert_eq!(got, want.map(|w| Decimal::new(w, 2)), "{text}");
        }
    }

    fn read_in(text: &str, currency: &str) -> Result<Reading, PriceError> {
        read_advertised(
            text,
            Hints::default(),
            &Currency::new(currency).unwrap(),
            VatBasis::Inclusive,
        )
    }

    /// A reference price in the marketplace's currency beside an asking price in
    /// another: refused, saying both (it was "holds only former or reference
    /// prices", untrue of a box that shows $199.99).
    #[test]
    fn a_refusal_names_the_amounts_left_out_in_another_currency() {
        let e = read_in("$199.99 RRP £249.99", "GBP")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("in GBP (`249.99`)") && e.contains("199.99 USD"),
            "{e}"
        );
        // In one currency the refusal stays as it was.
        let e = read_in("RRP £249.99", "GBP").unwrap_err();
        assert!(matches!(e, PriceError::NotThePrice { .. }), "{e}");
        let r = read_in("£199.99 RRP $249.99", "GBP").unwrap();
        assert_eq!(r.money.amount.to_string(), "199.99");
    }

    /// eBay prints "/ea" after the price of a listing of several; shops print
    /// "/ piece", "pro Stück". Beside a former price or a saving that is still the
    /// price (it was left out as a unit price, and the text "held only a former
    /// price"); beside another price it is a pack's price per item.
    #[test]
    fn a_price_per_item_is_the_price_unless_another_is_beside_it() {
        for (text, currency, want) in [
            ("US $149.99/ea Was US $199.99 25% off", "USD", 14999),
            ("US $149.99/ea List price US $199.99", "USD", 14999),
            ("$149.99 / each Save $20.00", "USD", 14999),
            ("149,99 € / Stück statt 199,99 €", "EUR", 14999),
            ("US $8.00 / piece Was US $10.00", "USD", 800),
            ("¥99/件 原价¥129", "CNY", 9900),
            ("US $149.99/ea", "USD", 14999),
            // Home Depot's box: the former price unnamed, the saving its difference.
            (
                "$249.99 /each $299.99 Save $50.00 (17%) Limit 5 per order",
                "USD",
                24999,
            ),
            // Per item beside the pack's price, and measures beside anything, go.
            ("Now $9.97 $0.42/ea Was $12.99", "USD", 997),
            ("$120.00 ($60.00 each)", "USD", 12000),
            ("$120.00 $60.00 ea.", "USD", 12000),
            ("$60.00 each", "USD", 6000),
            ("$29.99 ($1.00/Count)", "USD", 2999),
            ("$29.99 ($0.50 / Fl Oz) List: $39.99", "USD", 2999),
            ("$149.99 Was $199.99 ($12.50/month)", "USD", 14999),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount, Decimal::new(want, 2), "{text}: {:?}", r.why);
            assert!(r.among.is_empty(), "{text}: {:?}", r.among);
        }
        // Beside a price barely above it, no pack's: "/each" is the listing's own
        // (the other was read, a former price, where it was left out).
        assert_money("$249.99 /each $299.99", "USD", 24999, "USD");
    }

    /// Shops showing the currency write its code after a dollar, yen or krona sign
    /// (`$249.99 CAD`, Shopify's price format with the currency): the code says
    /// which dollar. Read as the marketplace's, a Canadian price was one in US
    /// dollars (held to a US floor at three quarters of its worth).
    #[test]
    fn a_code_after_the_amount_names_the_sign_before_it() {
        assert_money("$249.99 CAD", "USD", 24999, "CAD");
        assert_money("$ 1,249.99 CAD", "USD", 124999, "CAD");
        assert_money("Was $299.99 CAD Now $249.99 CAD", "USD", 24999, "CAD");
        assert_money("$249.99 USD", "CAD", 24999, "USD");
        assert_money("¥2,499 JPY", "CNY", 249900, "JPY");
        assert_money("kr 1 299 NOK", "SEK", 129900, "NOK");
        // The marketplace's own code, or no code: its dollar.
        assert_money("$249.99 USD", "USD", 24999, "USD");
        assert_money("$249.99", "CAD", 24999, "CAD");
        // Another amount's code is no code of this one.
        assert_money("$249.99 + $5 CAD shipping", "USD", 24999, "USD");
    }

    /// A multi-buy alone in the box is the price of several, its count written
    /// before the amount or after it (`$600 for 3`: read as one item's price, three
    /// at 200 under a floor of 250 were no violation). A term or a plan's length
    /// after `for` is no count of items.
    #[test]
    fn a_multi_buy_is_read_with_its_count_before_or_after() {
        for (text, count) in [
            ("3 for $600", Some(3)),
            ("$600 for 3", Some(3)),
            ("$600.00 for 3 items", Some(3)),
            ("600,00 € für 3", Some(3)),
            ("3件¥600", Some(3)),
            ("¥600", None),
            ("$49.99 for 12 months", None),
            ("$19.99 for 2-year protection", None),
            ("$600 for 3 day shipping", None),
            ("$600", None),
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.for_several.map(|m| m.count), count, "{text}");
        }
    }

    /// A euro sign with a space before it and none after, between a whole amount and
    /// two digits (`249 €99`): the cents' point or a second amount's sign. Read as
    /// 99.00 it was a false below-floor finding for 249.99; refused, and the
    /// readings that say which stay read.
    #[test]
    fn a_euro_sign_between_an_amount_and_two_digits_is_refused() {
        for text in ["249 €99", "1.249 €99", "Prix : 249 €99 TTC", "249\u{a0}€99"] {
            match read_in(text, "EUR") {
                Err(PriceError::SignBetween(written)) => assert!(written.contains("€99"), "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        for (text, amount) in [
            ("249€99", "249.99"),
            ("249€ 99", "249.99"),
            ("249,99 €", "249.99"),
            ("249 € 99", "249"),
            ("249,00 €99", "249"),
            ("249 €99,00", "99"),
            ("€249 €99", "99"),
            ("249 €990", "990"),
        ] {
            let r = read_in(text, "EUR").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.normalize().to_string(), amount, "{text}");
        }
    }

    /// A sign of one currency before the amount and a code of another after it
    /// (`$249.99 EUR`): read in the sign's (or the marketplace's) currency, a price
    /// in euros was held to a floor in dollars. A family's sign before one of its
    /// codes is one currency and still reads.
    #[test]
    fn an_amount_between_two_currencies_is_refused() {
        for text in [
            "$249.99 EUR",
            "€249.99 USD",
            "US$249.99 CAD",
            "£249.99 EUR",
            "¥2,499 USD",
        ] {
            match read_in(text, "USD") {
                Err(PriceError::TwoCurrencies { amount, .. }) => {
                    assert!(!amount.is_empty(), "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        for (text, marketplace, amount, currency) in [
            ("$249.99 MXN", "USD", 24999, "MXN"),
            ("$249.99 NZD", "USD", 24999, "NZD"),
            ("$249.99 SGD", "USD", 24999, "SGD"),
            ("$249.99 HKD", "USD", 24999, "HKD"),
            ("CA$249.99 CAD", "USD", 24999, "CAD"),
            ("R$249,99 BRL", "BRL", 24999, "BRL"),
            ("kr 1 299 DKK", "SEK", 129900, "DKK"),
            ("¥2,499 CNY", "JPY", 249900, "CNY"),
            ("CHF 249.99 CHF", "CHF", 24999, "CHF"),
            ("£249.99 GBP", "USD", 24999, "GBP"),
            ("€249.99 EUR", "USD", 24999, "EUR"),
            ("$249.99 AUD", "USD", 24999, "AUD"),
            ("$2.499 ARS", "USD", 249900, "ARS"),
            ("$ 1,299 TWD", "USD", 129900, "TWD"),
            ("Rs 2,499 INR", "USD", 249900, "INR"),
            ("Rs 2,499 PKR", "USD", 249900, "PKR"),
            ("249,99 zł PLN", "USD", 24999, "PLN"),
            ("kr 1 299 SEK", "USD", 129900, "SEK"),
            ("SGD4.90 $", "USD", 490, "SGD"),
            ("249.99 $ CAD", "USD", 24999, "CAD"),
            ("249,99 € EUR", "USD", 24999, "EUR"),
            // The marketplace's code in words is no amount's currency.
            ("€249.99 Prices shown in USD", "USD", 24999, "EUR"),
            ("Price: €249.99. Switch to USD", "USD", 24999, "EUR"),
            ("£199.00 Switch to USD", "USD", 19900, "GBP"),
            ("NZD $100.70", "USD", 10070, "NZD"),
            ("SGD$4.90", "USD", 490, "SGD"),
            ("€249.99 (USD 270.00)", "USD", 27000, "USD"),
            ("CAD 249,99 $", "USD", 24999, "CAD"),
            // A sign before the next amount is that amount's.
            ("USD 299.99 $249.99", "CAD", 24999, "CAD"),
        ] {
            assert_money(text, marketplace, amount, currency);
        }
    }

    /// eBay writes a listing's own currency with a space (`C $189.00`, `AU $149.00`):
    /// the `$` alone read them as the US marketplace's dollars.
    #[test]
    fn ebays_spaced_dollar_markers_name_their_currency() {
        for (text, marketplace, amount, currency) in [
            ("C $189.00", "USD", 18900, "CAD"),
            ("AU $149.00 Approximately US $97.10", "USD", 14900, "AUD"),
            ("NZ $249.00", "USD", 24900, "NZD"),
            ("HK $1,199.00", "USD", 119900, "HKD"),
            ("US $149.99", "CAD", 14999, "USD"),
            ("$189.00", "CAD", 18900, "CAD"),
            // Not a marker inside a word.
            ("USB-C $19.99", "USD", 1999, "USD"),
        ] {
            assert_money(text, marketplace, amount, currency);
        }
    }

    /// French writes the dollar's country after the sign (`149,99 $ CA`, `$US`),
    /// Amazon.ca wrote `CDN$`, Mexico `Mex$`: each was read as the marketplace's
    /// own dollar (a Canadian price checked as US dollars against a US floor).
    #[test]
    fn a_dollar_named_after_its_sign_is_that_country_s() {
        for (text, marketplace, amount, currency) in [
            ("149,99 $ CA", "USD", 14999, "CAD"),
            ("149,99 $CA", "USD", 14999, "CAD"),
            ("149,99 $ CAN", "USD", 14999, "CAD"),
            ("CDN$ 149.99", "USD", 14999, "CAD"),
            ("CAN$149.99", "USD", 14999, "CAD"),
            ("Can$149.99", "USD", 14999, "CAD"),
            ("149,99 $ US", "CAD", 14999, "USD"),
            ("$US 149.99", "CAD", 14999, "USD"),
            ("149,99 $AU", "USD", 14999, "AUD"),
            ("149,99 $ AU", "USD", 14999, "AUD"),
            ("149,99 $NZ", "USD", 14999, "NZD"),
            ("1 199,00 $HK", "USD", 119900, "HKD"),
            ("149,99 $SG", "USD", 14999, "SGD"),
            ("2 499,00 $MX", "USD", 249900, "MXN"),
            ("Mex$2,499.00", "USD", 249900, "MXN"),
            ("SG$180.00", "USD", 18000, "SGD"),
            ("E£1,800", "USD", 180000, "EGP"),
            ("1,800 £E", "USD", 180000, "EGP"),
            // A word after the sign is no country (`$ CAsh price`; with `back` after
            // it, the amount before is cash back, no price).
            ("$149.99 $ CAsh price", "USD", 14999, "USD"),
            ("149,99 $ Canada", "CAD", 14999, "CAD"),
        ] {
            assert_money(text, marketplace, amount, currency);
        }
    }

    /// A price after a coupon or a code is paid by those who apply it: said with
    /// that condition, not as "the lowest of 2 prices" (a variant's, the finding
    /// would say); a coupon's value stays no price.
    #[test]
    fn a_price_with_a_coupon_is_a_price_on_a_condition() {
        for (text, currency, want, words, everyone) in [
            (
                "$149.99 $134.99 with coupon",
                "USD",
                13499,
                "with coupon",
                14999,
            ),
            (
                "$149.99 Coupon price: $134.99",
                "USD",
                13499,
                "coupon price",
                14999,
            ),
            (
                "$149.99 $134.99 with code SAVE15",
                "USD",
                13499,
                "with code",
                14999,
            ),
            ("¥1,299.00 券后价¥1,099.00", "CNY", 109900, "券后价", 129900),
            (
                "149,99 € 134,99 € mit Gutschein",
                "EUR",
                13499,
                "mit gutschein",
                14999,
            ),
            // A code's name is no saving's word, nor its digits a count
            // (`without_codes`, `multi_buy_before`): "SAVE20" read as "save" left the
            // price out as a saving; alone in the box, "20 for" held it to 20 floors.
            (
                "$149.99 Use code SAVE15 for $134.99",
                "USD",
                13499,
                "use code",
                14999,
            ),
            (
                "$149.99 Promo code: SAVE15 $134.99",
                "USD",
                13499,
                "promo code",
                14999,
            ),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            let c = r
                .on_condition
                .unwrap_or_else(|| panic!("{text}: {:?}", r.why));
            assert_eq!(r.money.amount, Decimal::new(want, 2), "{text}");
            assert_eq!(
                (c.words.as_ref(), c.for_everyone),
                (words, Some(Decimal::new(everyone, 2))),
                "{text}"
            );
        }
        let r = read_in("$149.99 Save $15.00 with coupon", "USD").unwrap();
        assert_eq!(
            (r.money.amount, r.on_condition.is_none()),
            (Decimal::new(14999, 2), true)
        );
        // A model's number is no count either: `Acme X2 for $149.99` was "the price
        // of 2", held to twice the floor.
        for (text, want) in [
            ("Use code SAVE15 for $134.99", 13499),
            ("Acme X2 for $149.99", 14999),
            ("Get the P3 for $49.99", 4999),
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (r.money.amount, r.for_several.is_none()),
                (Decimal::new(want, 2), true),
                "{text}: {:?}",
                r.why
            );
        }
    }

    /// Amounts a price box shows beside the price that no buyer pays for the item:
    /// a gift card given with it, a plan added with `+`; and a Swiss thousands
    /// separator written as a typographic apostrophe. Each was read as the price.
    #[test]
    fn gift_cards_added_costs_and_swiss_apostrophes() {
        for (text, currency, want) in [
            ("$149.99 $10 Amazon Gift Card with purchase", "USD", 14999),
            ("$149.99 Get a $20 gift card", "USD", 14999),
            ("$149.99 with $50 gift card", "USD", 14999),
            ("149,99 € 10 € Geschenkkarte gratis", "EUR", 14999),
            ("$149.99 + $19.99 for 2-year protection", "USD", 14999),
            ("$149.99 Add $5 gift wrap", "USD", 14999),
            ("1’299.00 CHF", "CHF", 129900),
            ("CHF 1ʼ299.–", "CHF", 129900),
            // A gift card's label names the amount after it; alone, an added
            // amount is still read.
            ("$149.99 Gift card: $25.00", "USD", 14999),
            ("+ $19.99", "USD", 1999),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount, Decimal::new(want, 2), "{text}: {:?}", r.why);
            assert!(r.among.is_empty(), "{text}: {:?}", r.among);
        }
    }

    /// A slash between two prices is no unit: the first was left out as a price
    /// per something and the higher one read as the price.
    #[test]
    fn a_slash_between_two_prices_is_no_unit() {
        for text in ["$149.99 / $199.99", "$149.99/$199.99", "€149.99 / €199.99"] {
            let currency = if text.contains('€') { "EUR" } else { "USD" };
            let r = read_in(text, currency).unwrap();
            assert_eq!(
                r.money.amount,
                Decimal::new(14999, 2),
                "{text}: {:?}",
                r.why
            );
        }
        let r = read_in("149,99 € / 199,99 €", "EUR").unwrap();
        assert_eq!(r.money.amount, Decimal::new(14999, 2), "{:?}", r.why);
        // Measures still are units.
        let r = read_in("$149.99 ($0.50/100 g)", "USD").unwrap();
        assert_eq!(r.money.amount, Decimal::new(14999, 2));
        assert!(
            r.why.iter().any(|w| w.contains("unit prices: 0.50")),
            "{:?}",
            r.why
        );
    }

    /// What stands beside the price in real price boxes and was read as "the lowest
    /// of 2 prices": other sellers' and used offers in the words Walmart, Amazon and
    /// Best Buy use, a VAT label before the net amount, a programme's members' price.
    #[test]
    fn other_offers_vat_labels_and_members_beside_the_price() {
        for (text, currency, want, left_out) in [
            (
                "$149.99 More seller options (3) Starting from $139.99",
                "USD",
                14999,
                "other offers",
            ),
            (
                "$149.99 Compare 5 offers from $139.99",
                "USD",
                14999,
                "other offers",
            ),
            (
                "$149.99 See all buying options from $139.99",
                "USD",
                14999,
                "other offers",
            ),
            (
                "$149.99 Also available from $139.99",
                "USD",
                14999,
                "other offers",
            ),
            ("$149.99 Like New $119.99", "USD", 14999, "other offers"),
            (
                "$149.99 Open-box from $119.99",
                "USD",
                14999,
                "other offers",
            ),
            (
                "$149.99 Best price $139.99 from other retailers",
                "USD",
                14999,
                "other offers",
            ),
            (
                "$149.99 Excl. VAT $124.99",
                "USD",
                14999,
                "without VAT: 124.99",
            ),
            (
                "€149,99 Excl. BTW €123,96",
                "EUR",
                14999,
                "without VAT: 123.96",
            ),
            (
                "149,99 € netto 126,04 €",
                "EUR",
                14999,
                "without VAT: 126.04",
            ),
            // A label after each amount names it, as before.
            (
                "EUR29.66 (inc VAT) EUR24.71 (exc VAT)",
                "EUR",
                2966,
                "without VAT: 24.71",
            ),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount, Decimal::new(want, 2), "{text}: {:?}", r.why);
            assert!(
                r.why.iter().any(|w| w.contains(left_out)),
                "{text}: {:?}",
                r.why
            );
            assert!(r.among.is_empty(), "{text}: {:?}", r.among);
        }
        // A count's plus adds nothing.
        let r = read_in("$149.99 Buy 3+ $139.99 each", "USD").unwrap();
        assert!(!r.why.iter().any(|w| w.contains("added")), "{:?}", r.why);
    }

    /// Fees and levies a price includes, printed under it as European shops must
    /// (`dont 0,50 € d'éco-participation`, `contributo RAEE`, `canon digital`,
    /// `Urheberabgabe`, `WEEE`, Canada's `EHF`), and taxes it includes: each was
    /// "the lowest of 2 prices", the fee became the price.
    #[test]
    fn fees_and_taxes_included_in_the_price_are_not_the_price() {
        for (text, currency, want) in [
            ("149,99 € dont 0,50 € d'éco-participation", "EUR", 14999),
            ("149,99 € Dont éco-part. : 0,30 €", "EUR", 14999),
            ("149,99 € Ecoparticipation 0,50 € incluse", "EUR", 14999),
            ("149,99 € Éco participation : 0,50 €", "EUR", 14999),
            ("149,99 € DEEE 0,50 €", "EUR", 14999),
            ("149,99 € (dont écotaxe 0,50 €)", "EUR", 14999),
            ("149,99 € Contributo RAEE: 0,50 €", "EUR", 14999),
            ("149,99 € Canon digital incluido: 3,15 €", "EUR", 14999),
            ("149,99 € incluye 3,15 € de canon digital", "EUR", 14999),
            (
                "149,99 € inkl. MwSt. und 2,56 € Urheberabgabe",
                "EUR",
                14999,
            ),
            ("£149.99 inc. £0.50 WEEE", "GBP", 14999),
            ("$149.99 EHF: $0.50", "CAD", 14999),
            ("149,99 € dont 4,17 € de TVA", "EUR", 14999),
            ("$149.99 includes $12.50 tax", "USD", 14999),
            ("¥12,800 (税込) うち消費税 ¥1,164", "JPY", 1280000),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount, Decimal::new(want, 2), "{text}: {:?}", r.why);
            assert!(r.among.is_empty(), "{text}: {:?}", r.among);
        }
    }

    /// Digits of other scripts and the Gulf's abbreviated currency signs: a price in
    /// Arabic-Indic digits held "no readable amount", and `149.00 ر.س` on a US
    /// marketplace was read as US dollars.
    #[test]
    fn other_scripts_digits_and_gulf_currency_signs() {
        for (text, marketplace, amount, currency) in [
            ("١٤٩٫٩٩ ر.س", "SAR", 14999, "SAR"),
            ("١٬٢٩٩٫٠٠ د.إ", "AED", 129900, "AED"),
            ("۱۴۹ تومان", "IRR", 14900, "IRR"),
            ("₹१,४९९", "INR", 149900, "INR"),
            ("฿๑๔๙", "THB", 14900, "THB"),
            ("149.00 ر.س", "USD", 14900, "SAR"),
            ("د.إ 149.00", "USD", 14900, "AED"),
        ] {
            assert_money(text, marketplace, amount, currency);
        }
    }

    /// Words ending in a colon before the next amount, its currency sign between,
    /// label that amount: `$149.99 For members: $129.99` made both members' prices.
    #[test]
    fn a_label_ending_in_a_colon_names_the_next_amount() {
        let r = read_in("$149.99 For members: $129.99", "USD").unwrap();
        let c = r.on_condition.expect("a members' price");
        assert_eq!(
            (r.money.amount, c.for_everyone),
            (Decimal::new(12999, 2), Some(Decimal::new(14999, 2)))
        );
        let r = read_in("149,99 € Contributo RAEE: 0,50 €", "EUR").unwrap();
        assert_eq!(r.money.amount, Decimal::new(14999, 2), "{:?}", r.why);
    }

    /// A second-hand condition's word after the only price is the listing's own
    /// condition, not another offer ([`only_a_condition`]): refused, a used
    /// listing would go unchecked.
    #[test]
    fn a_condition_word_after_the_only_price_is_the_listing_s_own() {
        assert_money("US $249.99 Used", "USD", 24999, "USD");
        assert_money("US $249.99 Used US $15.00 shipping", "USD", 24999, "USD");
        assert_money("249,99 € gebraucht", "EUR", 24999, "EUR");
    }

    /// An amount in cents or pence is a hundredth of the currency: `99¢` was $99.
    #[test]
    fn an_amount_in_cents_is_a_hundredth_of_the_currency() {
        assert_money("99¢", "USD", 99, "USD");
        assert_money("Only 99 ¢ each", "USD", 99, "USD");
        assert_money("99p", "GBP", 99, "GBP");
        // Pence are as marked as pounds: two amounts read as `£1.49 £0.99` reads (the
        // lowest of 2), a count beside pence is no price (`2 pcs 99p` was "the lowest
        // of 2 prices: 0.99, 2"), and a former price in pounds names the price in pence.
        assert_money("£1.49 99p", "GBP", 99, "GBP");
        assert_money("2 pcs 99p", "GBP", 99, "GBP");
        assert_money("5 99p", "GBP", 99, "GBP");
        assert_money("Was £1.49 now 99p", "GBP", 99, "GBP");
        assert_money("£1.49 Clubcard Price 99p", "GBP", 99, "GBP");
        for (text, among) in [
            ("2 pcs 99p", vec![]),
            ("Only 99p, 2 left", vec![]),
            ("£1.49 99p", vec![Decimal::new(99, 2), Decimal::new(149, 2)]),
        ] {
            let r = read_in(text, "GBP").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.among, among, "{text}: the amounts it was the lowest of");
        }
        // A unit price in pence or cents is no price of the listing, as one in pounds
        // is not: these read 0.99 as "the lowest of 2 prices", under any floor.
        for text in [
            "£1.49 99p/kg",
            "£1.49 99p per 100g",
            "£1.49 (99p/100g)",
            "£1.49 99p / kg",
        ] {
            assert_money(text, "GBP", 149, "GBP");
        }
        assert_money("$2.49 99¢/oz", "USD", 249, "USD");
        assert_money("$2.49 99 ¢ per oz", "USD", 249, "USD");
        // Not pieces, nor pence where the marketplace's currency is no pound.
        assert_money("99 pcs £4.99", "GBP", 499, "GBP");
        assert_money("99p", "USD", 9900, "USD");
    }

    /// `text` on a marketplace pricing in `marketplace` reads `amount` (in minor units
    /// of two digits) in `currency`.
    fn assert_money(text: &str, marketplace: &str, amount: i64, currency: &str) {
        let r = read_in(text, marketplace).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            (r.money.amount, r.money.currency.code()),
            (Decimal::new(amount, 2), currency),
            "{text}"
        );
    }

    /// Each of `reads` as [`assert_reads`] (text, currency, amount in minor units,
    /// what the reading says), each of `conditions` as [`assert_condition`].
    fn assert_readings(reads: &[(&str, &str, i64, &str)], conditions: &[(&str, &str, &str)]) {
        for &(text, currency, amount, said) in reads {
            assert_reads(text, currency, amount, said);
        }
        for &(text, currency, words) in conditions {
            assert_condition(text, currency, words);
        }
    }

    /// `text` reads a price only some buyers pay, on the condition `words` say.
    fn assert_condition(text: &str, currency: &str, words: &str) {
        let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
        let c = r
            .on_condition
            .unwrap_or_else(|| panic!("{text}: {:?}", r.why));
        assert_eq!(c.words, words, "{text}");
    }

    /// `text` reads `amount` (in minor units of two digits) and says `said` of
    /// what it left out.
    fn assert_reads(text: &str, currency: &str, amount: i64, said: &str) {
        let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            r.money.amount,
            Decimal::new(amount, 2),
            "{text}: {:?}",
            r.why
        );
        assert!(
            r.why.iter().any(|w| w.ends_with(said)),
            "{text}: {:?}",
            r.why
        );
    }

    /// The lowest price of the last 30 days, which the EU's Omnibus rule makes shops
    /// print beside a reduced one, after the amount or in more languages: read as
    /// the box's lowest amount, it was a violation the seller never made.
    #[test]
    fn the_omnibus_rules_lowest_price_is_not_the_price() {
        for (text, currency, amount, said) in [
            // The Omnibus rule's lowest price, after the amount or in more languages.
            (
                "89,99 € 79,99 € ist der niedrigste Preis der letzten 30 Tage",
                "EUR",
                8999,
                "former or reference prices: 79.99",
            ),
            (
                "89,99 € Tiefstpreis der letzten 30 Tage: 79,99 €",
                "EUR",
                8999,
                "former or reference prices: 79.99",
            ),
            (
                "89,99 € Preço mais baixo nos últimos 30 dias: 79,99 €",
                "EUR",
                8999,
                "former or reference prices: 79.99",
            ),
            (
                "89,99 € Nejnižší cena za posledních 30 dní: 79,99 €",
                "EUR",
                8999,
                "former or reference prices: 79.99",
            ),
            (
                "89,99 € Laveste pris i de sidste 30 dage: 79,99 €",
                "EUR",
                8999,
                "former or reference prices: 79.99",
            ),
            (
                "89,99 € Χαμηλότερη τιμή 30 ημερών: 79,99 €",
                "EUR",
                8999,
                "former or reference prices: 79.99",
            ),
            (
                "89,99 € Vorher: 99,99 €",
                "EUR",
                8999,
                "former or reference prices: 99.99",
            ),
            (
                "£149.99 Was £199.99 (30-day lowest: £139.99)",
                "GBP",
                14999,
                "reference prices: 199.99, 139.99",
            ),
            (
                "149,99 zł 139,99 zł - najniższa cena z 30 dni",
                "PLN",
                14999,
                "reference prices: 139.99",
            ),
            (
                "¥14,080 参考価格: ¥19,800",
                "JPY",
                1408000,
                "former or reference prices: 19800",
            ),
        ] {
            assert_reads(text, currency, amount, said);
        }
    }

    /// A label alone between the price and a lower amount is the lower one's:
    /// shipping's before a zero, an instalment's. Read as the price's too, the box
    /// "held only shipping costs" or "only instalments" (no price checked), and in
    /// German the instalment was the price.
    #[test]
    fn a_label_between_the_price_and_a_lower_amount_is_the_lower_s() {
        for (text, currency, amount, said) in [
            // Shipping's words before a zero are its label, not the price's (the
            // box "held only shipping costs").
            (
                "$249.99 Shipping $0.00",
                "USD",
                24999,
                "amounts of zero: 0.00",
            ),
            (
                "$249.99 Shipping: $0.00",
                "USD",
                24999,
                "amounts of zero: 0.00",
            ),
            (
                "$249.99 Sales tax $0.00",
                "USD",
                24999,
                "amounts of zero: 0.00",
            ),
            (
                "£249.99 Delivery £0.00",
                "GBP",
                24999,
                "amounts of zero: 0.00",
            ),
            (
                "249,99 € Versand 0,00 €",
                "EUR",
                24999,
                "amounts of zero: 0.00",
            ),
            (
                "249,99 € Lieferung 0,00 €",
                "EUR",
                24999,
                "amounts of zero: 0.00",
            ),
            // An instalment's label alone is the instalment's, not the price's.
            (
                "$249.99 Monthly payments $20.83",
                "USD",
                24999,
                "instalments: 20.83",
            ),
            (
                "249,99 € Ratenzahlung 20,83 €",
                "EUR",
                24999,
                "instalments: 20.83",
            ),
        ] {
            assert_reads(text, currency, amount, said);
        }
    }

    /// A sign written after one amount is not the next number's; the base price
    /// per kilo, a deposit and a zero are not the price: each was the lowest
    /// amount of its box.
    #[test]
    fn signs_base_prices_deposits_and_zeros_are_not_the_price() {
        for (text, currency, amount, said) in [
            // A sign written after one amount is not the next number's.
            (
                "89,99 € 30-Tage-Bestpreis: 79,99 €",
                "EUR",
                8999,
                "without a currency beside priced ones: 30",
            ),
            (
                "89,- € 30 Tage Geld zurück",
                "EUR",
                8900,
                "without a currency beside priced ones: 30",
            ),
            // Nor, with no sign at all, is a count a price.
            (
                "149.– 30 Tage Rückgaberecht",
                "CHF",
                14900,
                "counts (a number and a word): 30",
            ),
            // Germany's base price, and the price per kilo.
            (
                "89,99 € (1 kg = 44,99 €)",
                "EUR",
                8999,
                "unit prices: 44.99",
            ),
            ("$4.99 (1 lb = $2.49)", "USD", 499, "unit prices: 2.49"),
            (
                "89,99 € Grundpreis: 44,99 €",
                "EUR",
                8999,
                "unit prices: 44.99",
            ),
            // Zeros and deposits.
            ("$149.99 $0 down", "USD", 14999, "amounts of zero: 0"),
            (
                "$149.99 $29.99 down",
                "USD",
                14999,
                "fees and deposits: 29.99",
            ),
            (
                "¥1,299.00 定金¥100",
                "CNY",
                129900,
                "fees and deposits: 100",
            ),
        ] {
            assert_reads(text, currency, amount, said);
        }
    }

    /// Not every "lowest price" after an amount is the Omnibus rule's, nor every
    /// equals sign a base price; a card's, a membership's or a bank's price is a
    /// price on a condition (read as "the lowest of 2 prices", it was a variant's).
    #[test]
    fn lookalikes_stay_prices_and_card_prices_are_on_a_condition() {
        for (text, amount) in [
            ("$149.99 lowest price ever", 14999),
            ("Preis = 89,99 € statt 99,99 €", 8999),
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                r.money.amount,
                Decimal::new(amount, 2),
                "{text}: {:?}",
                r.why
            );
        }
        // Alone, the amount the words follow is the price (Amazon's badge "Lowest
        // price in 30 days" says so of the price).
        let r = read_in("$149.99 Lowest price in 30 days", "USD").unwrap();
        assert_eq!(r.money.amount, Decimal::new(14999, 2), "{:?}", r.why);
        // A card's, a membership's or a bank's price is a price on a condition.
        for (text, words) in [
            ("$149.99 Get it for $129.99 with Circle Card", "with card"),
            (
                "$149.99 Or $129.99 with Best Buy membership",
                "with membership",
            ),
            ("₹149.99 ₹129.99 with Bank Offer", "with bank offer"),
            (
                "$149.99 or $129.99 with new line activation",
                "with activation",
            ),
            ("$149.99 $129.99 with 2-year contract", "with activation"),
        ] {
            let currency = if text.starts_with('₹') {
                "INR"
            } else {
                "USD"
            };
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            let c = r
                .on_condition
                .unwrap_or_else(|| panic!("{text}: {:?}", r.why));
            assert_eq!(
                (r.money.amount, c.words.as_ref(), c.for_everyone),
                (Decimal::new(12999, 2), words, Some(Decimal::new(14999, 2))),
                "{text}"
            );
        }
    }

    /// Mercado Libre's, Allegro's, German and Korean shops' price boxes: free
    /// shipping after the price, instalments counted in words, an amount taken off
    /// with a minus, a list price and a price for paying one way.
    #[test]
    fn free_shipping_worded_instalments_minus_amounts_and_payment_ways() {
        for (text, currency, amount, said) in [
            (
                "$1,099 Envío gratis Comprando 2 o más $999",
                "MXN",
                109900,
                "999",
            ),
            (
                "1 299,00 zł 10 rat x 129,90 zł",
                "PLN",
                129900,
                "instalments: 129.90",
            ),
            (
                "149,99 € Sofort-Rabatt -10 € 139,99 €",
                "EUR",
                13999,
                "savings, coupons and rewards: 10",
            ),
            (
                "1.299 kr. Før 1.499 kr.",
                "DKK",
                129900,
                "former or reference prices: 1499",
            ),
            (
                "1 299,- Kč Původní cena 1 499 Kč",
                "CZK",
                129900,
                "former or reference prices: 1499",
            ),
            (
                "정가 149,000원 판매가 129,000원",
                "KRW",
                12900000,
                "former or reference prices: 149000",
            ),
        ] {
            assert_reads(text, currency, amount, said);
        }
        for (text, currency, words) in [
            ("149,99 € Bei Vorkasse 139,99 €", "EUR", "bei vorkasse"),
            ("149,99 € 139,99 € mit PayPal", "EUR", "mit paypal"),
            ("149,000원 쿠폰적용가 139,990원", "KRW", "쿠폰적용가"),
        ] {
            assert_condition(text, currency, words);
        }
        // Shipping words naming no cost after the price (`no_shipping_cost_after`):
        // each was refused as "only shipping costs".
        for (text, currency) in [
            ("$249.99 Shipping: Free", "USD"),
            (
                "$249.99 Tax included. Shipping calculated at checkout.",
                "USD",
            ),
            ("£249.99 Shipping & taxes calculated at checkout", "GBP"),
            ("$249.99 shipping fee included", "USD"),
            ("$249.99 Shipping included", "USD"),
            ("$249.99 + shipping", "USD"),
            ("$249.99 +Shipping", "USD"),
            ("EUR 249,99 + Versand", "EUR"),
            ("249,99 € + Versandkosten", "EUR"),
            ("249,99 € + livraison", "EUR"),
        ] {
            assert_money(text, currency, 24999, currency);
        }
        // A cost after a plus is still shipping's.
        assert_reads(
            "$249.99 + $9.99 shipping",
            "USD",
            24999,
            "shipping costs: 9.99",
        );
        // A cost still is one: after a colon, the amount is the label's.
        assert_reads(
            "$249.99 Shipping: $5.99",
            "USD",
            24999,
            "shipping costs: 5.99",
        );
        // A range's dash is no minus.
        let r = read_in("149,99 € - 199,99 €", "EUR").unwrap();
        assert_eq!(r.among.len(), 2, "{:?}", r.why);
    }

    /// The words after a text's last amount stating a second-hand condition are
    /// the item's (`$150.00 Used - Like New`, a tax label in brackets between:
    /// `29,800円 (税込) 中古品 - 良い`); words that only begin like one, or a used
    /// offer's label before another amount, are none. And Amazon Japan's former
    /// price, `過去価格`, is no price of the listing.
    #[test]
    fn a_condition_after_the_last_amount_is_the_item_s() {
        for (text, currency, condition) in [
            ("$150.00 Used - Like New", "USD", Some("used - like new")),
            ("US $150.00 (Refurbished)", "USD", Some("refurbished")),
            (
                "29,800円 (税込) 中古品 - 良い",
                "JPY",
                Some("中古品 - 良い"),
            ),
            ("¥1099 二手 95新", "CNY", Some("二手 95新")),
            ("US $149.99 Condition: Used", "USD", Some("used")),
            (
                "$150.00 Used - Good, Free shipping",
                "USD",
                Some("used - good"),
            ),
            (
                "US $150.00 Seller refurbished",
                "USD",
                Some("seller refurbished"),
            ),
            ("$150.00 seller", "USD", None),
            ("$150.00 Renewed (Good)", "USD", Some("renewed (good)")),
            ("799,00 zł Używany", "PLN", Some("używany")),
            ("3.999 TL İkinci El", "TRY", Some("i\u{307}kinci el")),
            ("149,99 € Zustand: Gebraucht", "EUR", Some("gebraucht")),
            (
                "149,99 € Gebraucht - Sehr gut",
                "EUR",
                Some("gebraucht - sehr gut"),
            ),
            ("$150.00 used by pros", "USD", None),
            ("$150.00 Used from $99.00", "USD", None),
            ("$150.00 New", "USD", None),
            ("29,800円 (税込)", "JPY", None),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.condition.as_deref(), condition, "{text}");
        }
        assert_reads(
            "￥29,800 タイムセール 過去価格 ￥39,800",
            "JPY",
            2980000,
            "former or reference prices: 39800",
        );
    }

    /// A condition before a cost added on top (`$150.00 Used + $10.00 shipping`)
    /// and marked, shown or returned stock (`Scratch & Dent`, `Ex-Display`) are the
    /// item's: each was read as a new item's price, below its floor.
    #[test]
    fn a_condition_before_a_cost_on_top_or_of_marked_stock_is_the_item_s() {
        for (text, currency, condition) in [
            ("$150.00 Used + $10.00 shipping", "USD", Some("used")),
            ("$150.00 Used + Case $29.99", "USD", Some("used")),
            ("$150.00 Scratch & Dent", "USD", Some("scratch & dent")),
            ("$150.00 Scratch and Dent", "USD", Some("scratch and dent")),
            ("£149.99 Ex-Display", "GBP", Some("ex-display")),
            ("$150.00 Open Item", "USD", Some("open item")),
            ("$150.00 B-Stock", "USD", Some("b-stock")),
            ("$150.00 Damaged box", "USD", Some("damaged box")),
            ("$150.00 Used from $99.00 + $5.00 shipping", "USD", None),
            ("19,800円 中古 Bランク", "JPY", Some("中古 bランク")),
            ("19,800円 展示品", "JPY", Some("展示品")),
            ("19,800円 ジャンク品", "JPY", Some("ジャンク品")),
            ("19,800円 開封済み", "JPY", Some("開封済み")),
            ("19,800円 美品", "JPY", Some("美品")),
            ("19,800円 ほぼ新品", "JPY", Some("ほぼ新品")),
            ("199,000원 전시상품", "KRW", Some("전시상품")),
            ("19,800円 新品", "JPY", None),
            ("19,800円 送料無料", "JPY", None),
            ("¥999 官方翻新", "CNY", Some("官方翻新")),
            ("¥999 展示机", "CNY", Some("展示机")),
            ("¥999 包邮", "CNY", None),
            ("¥999 全新未拆封", "CNY", None),
            ("199,000원 리퍼상품", "KRW", Some("리퍼상품")),
            ("199,000원 S급 중고", "KRW", Some("s급 중고")),
            ("199,000원 무료배송", "KRW", None),
            ("149,00 € Vorführgerät", "EUR", Some("vorführgerät")),
            ("149,00 € Comme neuf", "EUR", Some("comme neuf")),
            ("149,00 € Seconda mano", "EUR", Some("seconda mano")),
            (
                "$150.00 Certified Pre-Owned",
                "USD",
                Some("certified pre-owned"),
            ),
            (
                "$150.00 Geek Squad Certified Open-Box",
                "USD",
                Some("geek squad certified open-box"),
            ),
            ("$150.00 Like-New", "USD", Some("like-new")),
            ("$150.00 New with defects", "USD", Some("new with defects")),
            (
                "$150.00 Excellent - Refurbished",
                "USD",
                Some("excellent - refurbished"),
            ),
            (
                "$150.00 Grade A Refurbished",
                "USD",
                Some("grade a refurbished"),
            ),
            ("$150.00 Excellent", "USD", None),
            ("$150.00 Very Good", "USD", None),
            ("$150.00 + $10.00 shipping", "USD", None),
            ("$150.00 Display stand included", "USD", None),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.condition.as_deref(), condition, "{text}");
            let price = match currency {
                "GBP" => "149.99",
                "EUR" => "149.00",
                "CNY" => "999",
                "JPY" => "19800",
                "KRW" => "199000",
                _ => "150.00",
            };
            assert_eq!(r.money.amount.to_string(), price, "{text}");
        }
    }

    /// A percentage after a sign written after its amount is no amount the sign
    /// stands before: in `정가 259,000원 199,000원 23%` the won sign was the 23's,
    /// the price a bare number left out, and the box "held only former or
    /// reference prices".
    #[test]
    fn a_percentage_after_a_sign_is_no_amount_of_it() {
        assert_reads(
            "정가 259,000원 199,000원 23%",
            "KRW",
            19900000,
            "former or reference prices: 259000",
        );
        assert_money("199,000원 23%", "KRW", 19900000, "KRW");
    }

    /// A higher amount named the price with shipping beside the price is no price
    /// of its own: each made "the lowest of 2 prices … which variant sells at it".
    /// Alone it is the price; words that label the next amount are that one's.
    #[test]
    fn a_total_with_shipping_beside_the_price_is_left_out() {
        for (text, currency, amount, total) in [
            ("$249.99 $259.99 with shipping", "USD", 24999, "259.99"),
            ("£149.99 £154.98 incl. delivery", "GBP", 14999, "154.98"),
            ("149,99 € 154,98 € inkl. Versand", "EUR", 14999, "154.98"),
            ("799,00 zł 849,00 zł z dostawą", "PLN", 79900, "849.00"),
        ] {
            assert_reads(
                text,
                currency,
                amount,
                &format!("totals with shipping: {total}"),
            );
        }
        assert_money("$259.99 delivered", "USD", 25999, "USD");
        assert_reads(
            "$249.99 with shipping $12.99",
            "USD",
            24999,
            "shipping costs: 12.99",
        );
    }

    /// Brazil's price paid at once beside the instalments' total (`R$ 1.299,00 ou
    /// R$ 1.169,10 à vista`) is a price on a condition: read as "the lowest of 2
    /// prices", a finding called it a variant's. Alone it is every buyer's.
    #[test]
    fn a_price_paid_at_once_beside_instalments_is_on_a_condition() {
        assert_condition("R$ 1.299,00 ou R$ 1.169,10 à vista", "BRL", "à vista");
        assert_money("R$ 1.169,10 à vista", "BRL", 116910, "BRL");
        let alone = read_in("R$ 1.169,10 à vista", "BRL").unwrap();
        assert!(alone.on_condition.is_none(), "{alone:?}");
    }

    /// `Rs` is the rupee of several countries: on a Pakistani marketplace it is
    /// Pakistan's; a sign ending in a point is still a sign before its amount.
    #[test]
    fn rupees_are_the_marketplaces_and_a_signs_point_is_its_own() {
        for (text, marketplace, amount, currency) in [
            ("Rs 12,999", "PKR", 1299900, "PKR"),
            ("Rs. 12,999", "LKR", 1299900, "LKR"),
            ("₨ 12,999", "NPR", 1299900, "NPR"),
            ("Rs. 12,999", "USD", 1299900, "INR"),
            ("$1,299", "UYU", 129900, "UYU"),
        ] {
            assert_money(text, marketplace, amount, currency);
        }
        let r = read_in("Rs. 1,299 Rs. 1,499", "INR").unwrap();
        assert_eq!(r.among.len(), 2, "{:?}", r.why);
        // A currency written out names it, and makes the other numbers counts.
        for (text, marketplace, amount, currency) in [
            ("149 dollars 30 day returns", "CAD", 14900, "CAD"),
            ("1299 yuan 30天价保", "USD", 129900, "CNY"),
            ("149 euros 30 jours", "EUR", 14900, "EUR"),
        ] {
            assert_money(text, marketplace, amount, currency);
        }
    }

    /// A sign between two numbers is the one the text's way of writing signs says;
    /// a times sign before a model's name is no instalment; a sum's total is the
    /// price; a counter after a number makes it a count.
    #[test]
    fn a_sign_between_two_numbers_and_a_model_after_a_times_sign() {
        for (text, currency, amount, said) in [
            (
                "$149.99 Arrives by Fri, Dec 12 $5.99 shipping",
                "USD",
                14999,
                "shipping costs: 5.99",
            ),
            (
                "1 299 ₽ 1 499 ₽ −13%",
                "RUB",
                129900,
                "former or reference prices: 1499",
            ),
            (
                "$149.99 X1 Headphones 40mm drivers 30h battery",
                "USD",
                14999,
                "beside priced ones: 1, 40, 30",
            ),
            (
                "R$ 1.299,90 ou R$ 129,99 x 10 sem juros",
                "BRL",
                129990,
                "instalments: 129.99",
            ),
            (
                "$89.99 $22.50 ×4 interest-free",
                "USD",
                8999,
                "instalments: 22.50",
            ),
            (
                "Now $149.99 down from $199.99",
                "USD",
                14999,
                "former or reference prices: 199.99",
            ),
            // A sum's total is the price, what it takes off is not, nor what
            // it takes it from (once "the lowest of 2 prices: 129.99, 149.99").
            (
                "$149.99 -$20.00 instant savings = $129.99",
                "USD",
                12999,
                "what a sum takes off and what from (its total is the price): 149.99",
            ),
            (
                "$149.99 - $20.00 = $129.99",
                "USD",
                12999,
                "what a sum takes off and what from (its total is the price): 149.99",
            ),
            // Chinese and Japanese counters after a number without a sign.
            (
                "1299 3色可选",
                "CNY",
                129900,
                "counts (a number and a word): 3",
            ),
            (
                "14080 3色展開",
                "JPY",
                1408000,
                "counts (a number and a word): 3",
            ),
            // A dash for no cents is no minus.
            (
                "1 299:- 999:-",
                "SEK",
                99900,
                "the lowest of 2 prices: 999, 1299",
            ),
        ] {
            assert_reads(text, currency, amount, said);
        }
    }

    /// US retailers' price boxes: a saving in percent before the price, a date
    /// before it, accessories and an item added to the basket beside it.
    #[test]
    fn percent_savings_dates_accessories_and_added_items_are_not_the_price() {
        for (text, amount, said) in [
            (
                "Save 20% $119.99 reg $149.99",
                11999,
                "former or reference prices: 149.99",
            ),
            (
                "Price Valid Through 12/31/2026 $109.99",
                10999,
                "beside priced ones: 12, 31, 2026",
            ),
            (
                "$109.99 Accessories from $19.99",
                10999,
                "warranties, accessories): 19.99",
            ),
            (
                "$109.99 This item: $109.99 + Case $29.99",
                10999,
                "amounts added to the price: 29.99",
            ),
        ] {
            assert_reads(text, "USD", amount, said);
        }
        // A plus glued to a programme's name is no added amount.
        let r = read_in("$149.99 Walmart+ $139.99", "USD").unwrap();
        assert_eq!(r.among.len(), 2, "{:?}", r.why);
    }

    /// A price box's words saying the item cannot be bought, in more wordings and
    /// languages: a finding on its price said nothing of them.
    #[test]
    fn sold_out_in_more_words_and_languages() {
        for (text, said) in [
            (
                "$149.99 Notify me when available",
                "notify me when available",
            ),
            (
                "149,99 € Derzeit nicht verfügbar",
                "derzeit nicht verfügbar",
            ),
            ("149,99 € Uitverkocht", "uitverkocht"),
            ("12 999 ₽ Нет в наличии", "нет в наличии"),
            ("￥24,999 品切れ", "品切れ"),
            ("249,000원 품절", "품절"),
            ("R$ 1.499,90 Esgotado", "esgotado"),
        ] {
            assert_eq!(sold_out_words(text), Some(said), "{text}");
        }
        for text in [
            "$149.99 Only 2 left",
            "$149.99 In stock",
            "249,000원 품질보증",
        ] {
            assert_eq!(sold_out_words(text), None, "{text}");
        }
    }

    /// An accessory named by its noun alone beside the item's price, a plan and a
    /// reservation: each was read as the price (a below-floor finding). An
    /// accessory's price with nothing twice it beside is kept: a case may be what
    /// the listing sells.
    #[test]
    fn an_accessory_beside_the_item_is_no_price() {
        for (text, amount, why) in [
            (
                "$249.99 Case $19.99",
                "249.99",
                Some("accessories offered beside it: 19.99"),
            ),
            ("$249.99 Ear pads $19.99", "249.99", Some("accessories")),
            ("$249.99 Battery $19.99", "249.99", Some("accessories")),
            ("$249.99 Charger $14.99", "249.99", Some("accessories")),
            ("$249.99 Cable $9.99", "249.99", Some("accessories")),
            ("$249.99 Add a case $19.99", "249.99", Some("accessories")),
            (
                "Charging case $59.99 $249.99",
                "249.99",
                Some("accessories"),
            ),
            (
                "$249.99 Add a 2-year plan for $29.99",
                "249.99",
                Some("add-ons"),
            ),
            (
                "$249.99 Reserve for $10",
                "249.99",
                Some("fees and deposits"),
            ),
            ("249,99 € Ladekabel 9,99 €", "249.99", Some("accessories")),
            (
                "$249.99 Protect with Allstate $29.99",
                "249.99",
                Some("add-ons"),
            ),
            ("$249.99 Extend 3 years $39.99", "249.99", Some("add-ons")),
            ("$249.99 Geek Squad $49.99", "249.99", Some("add-ons")),
            ("¥1,299 耳罩 ¥39", "1299", Some("accessories")),
            (
                "249,99 € Gratis Zugabe im Wert von 29,99 €",
                "249.99",
                Some("add-ons"),
            ),
            // Nothing twice it beside: the case's price may be the listing's.
            ("Case $39.99", "39.99", None),
            ("$49.99 Case $39.99", "39.99", None),
            ("Case of 2 $499.98", "499.98", None),
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
            if let Some(why) = why {
                assert!(r.why.iter().any(|w| w.contains(why)), "{text}: {:?}", r.why);
            }
        }
    }

    /// A character that shows nothing inside a number (a zero-width space, a soft
    /// hyphen, a joiner) splits it no more than a browser shows it split: each was
    /// read at 2.00 or 249.00.
    #[test]
    fn characters_that_show_nothing_split_no_number() {
        for text in [
            "$2\u{200B}49.99",
            "$249\u{200B}.99",
            "$2\u{00AD}49.99",
            "$2\u{200D}49.99",
            "\u{FEFF}$249.99",
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(
                r.money.amount.to_string(),
                "249.99",
                "{text:?}: {:?}",
                r.why
            );
        }
    }

    /// A way to pay said offered labels no amount (each price beside one was an
    /// instalment, the box refused), and `Finance from`, `Lease from` label one.
    #[test]
    fn ways_to_pay_offered_label_no_amount() {
        for (text, amount) in [
            ("Financing available $249.99", "249.99"),
            ("Special financing available $249.99", "249.99"),
            ("No Cost EMI available ₹24,999", "24999"),
            ("$249.99 Monthly payments available", "249.99"),
            ("$249.99 Financing options available", "249.99"),
            ("Financing available. $249.99 $20.83/mo", "249.99"),
            ("$249.99 Finance from $20.83", "249.99"),
            ("$249.99 Lease from $20.83", "249.99"),
        ] {
            let currency = if text.contains('₹') { "INR" } else { "USD" };
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
        }
        // A label of an amount stays one.
        assert!(read_in("Financing $20.83", "USD").is_err());
        // A long s (`ſ`, two bytes) matched as `s` keeps the characters' count.
        assert_eq!(
            super::without_options_offered("Financing optionſ $249.99"),
            format!("{}$249.99", " ".repeat(18))
        );
    }

    /// Pay-later's and instalments' labels alone before a part of the price, and
    /// shipping or a tax at zero: each part was read as the price (a below-floor
    /// finding), each zero's label as the price's (the box refused). `Pay now` and a
    /// part over half the price beside it stay prices.
    #[test]
    fn a_part_payment_labelled_alone_is_no_price() {
        for (text, amount) in [
            ("$249.99 Installments $20.83", "249.99"),
            ("$249.99 Per month $20.83", "249.99"),
            ("$249.99 Klarna $62.50", "249.99"),
            ("$249.99 Afterpay $62.50", "249.99"),
            ("$249.99 4 payments $62.50", "249.99"),
            ("$249.99 4 interest-free payments $62.50", "249.99"),
            ("$249.99 Pay later $62.50", "249.99"),
            ("$249.99 Layaway $25", "249.99"),
            ("$249.99 Down $25", "249.99"),
            ("$249.99 Due today $50", "249.99"),
            ("$249.99 Pay today $50", "249.99"),
            ("$249.99 Today's payment $50", "249.99"),
            ("$249.99 Sales tax $0.00", "249.99"),
            // Said due after the amount.
            ("$249.99 $19.99 due today", "249.99"),
            ("$249.99 $50 due at checkout", "249.99"),
            ("$249.99 $50.00 payable now", "249.99"),
            // Over half of the price beside it: no part of it; a day's price.
            ("$299.99 Due today $249.99", "249.99"),
            ("$249.99 Pay now $229.99", "229.99"),
            ("$299.99 $249.99 due today", "249.99"),
            ("$249.99 $99.99 today only", "99.99"),
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
        }
    }

    /// Points, cash back, rewards, a shop's gift card and rebates beside the price,
    /// in English and other languages: each was read as the price (a below-floor
    /// finding).
    #[test]
    fn points_rewards_and_rebates_are_no_price() {
        for (text, currency, amount) in [
            // Points and cash back, after the amount or labelled before it: each
            // was read as the price.
            ("$249.99 $20 in points", "USD", "249.99"),
            ("$249.99 Points $20", "USD", "249.99"),
            ("$249.99 Cashback $20", "USD", "249.99"),
            ("$249.99 Cash back $20", "USD", "249.99"),
            ("$249.99 Rewards $20", "USD", "249.99"),
            ("$249.99 $20 cash back", "USD", "249.99"),
            ("$249.99 $20 back in points", "USD", "249.99"),
            ("$249.99 Earn $12.50 in rewards", "USD", "249.99"),
            ("$249.99 Earn 2,500 points", "USD", "249.99"),
            ("$249.99 $10 reward", "USD", "249.99"),
            ("$249.99 $25 Kohl's Cash", "USD", "249.99"),
            ("$249.99 Get $25 in Bonus Bucks", "USD", "249.99"),
            ("$249.99 Target GiftCard $40", "USD", "249.99"),
            ("249,99 € ODR 30 €", "EUR", "249.99"),
            ("249,99 € Remboursement 30 €", "EUR", "249.99"),
            ("249,99 € Offre de remboursement 30 €", "EUR", "249.99"),
            ("249,99 € Reembolso 30 €", "EUR", "249.99"),
            ("¥24,999 (税込) ポイント還元 ¥2,500", "JPY", "24999"),
            ("¥1,299 积分 ¥12", "CNY", "1299"),
            ("¥1,299 返现 ¥50", "CNY", "1299"),
            ("$249.99 eCoupon $20", "USD", "249.99"),
            ("$249.99 Price Drop $20", "USD", "249.99"),
            ("$249.99 Reduced by $50", "USD", "249.99"),
            ("$249.99 Price cut $50", "USD", "249.99"),
            ("$249.99 Dropped $50", "USD", "249.99"),
            ("$249.99 Save 17% ($50)", "USD", "249.99"),
            ("$249.99 $50 cheaper", "USD", "249.99"),
            ("$249.99 $20 off orders $200+", "USD", "249.99"),
            ("$249.99 Trade-in value $50", "USD", "249.99"),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
        }
    }

    /// Words a price may be followed or led by that also name a reward, a
    /// difference or a plan: with nothing at most half the price beside it, the
    /// price stays (each was refused, no price checked, by the first reading of
    /// points, cash back, `cheaper` and `plan`).
    #[test]
    fn a_price_followed_by_rewards_words_alone_stays_the_price() {
        for (text, currency, amount) in [
            ("$249.99 Reward yourself", "USD", "249.99"),
            ("$249.99 Cash back available", "USD", "249.99"),
            ("249,99 € Gutschein einlösen", "EUR", "249.99"),
            ("$249.99 Cheaper than ever", "USD", "249.99"),
            ("£249.99 cheaper than RRP £299.99", "GBP", "249.99"),
            ("Choose your plan $249.99", "USD", "249.99"),
            ("Payment plan available $249.99", "USD", "249.99"),
            // Beside the price, still no price.
            ("$249.99 $50 cheaper", "USD", "249.99"),
            ("$249.99 $20 cash back", "USD", "249.99"),
            ("$249.99 Add a 2-year plan for $29.99", "USD", "249.99"),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
        }
    }

    /// A low of the price's history (`All-time low $180`, `历史最低 ¥899`) and other
    /// items' prices shown beside the listing's (`Similar items from $99`,
    /// `Sponsored $99`, `同款低价 ¥599`): each was "the lowest of 2 prices … which
    /// variant sells at it", below the floor (the others' a suspected counterfeit).
    #[test]
    fn price_history_and_other_items_are_no_price() {
        for (text, currency, amount, said) in [
            (
                "$249.99 All-time low $180",
                "USD",
                24999,
                "former or reference prices: 180",
            ),
            (
                "¥1299 历史最低 ¥899",
                "CNY",
                129900,
                "former or reference prices: 899",
            ),
            (
                "$249.99 Similar items from $99",
                "USD",
                24999,
                "other offers (used, renewed, other sellers'): 99",
            ),
            (
                "$249.99 Sponsored $99",
                "USD",
                24999,
                "other offers (used, renewed, other sellers'): 99",
            ),
            (
                "¥1299 同款低价 ¥599",
                "CNY",
                129900,
                "other offers (used, renewed, other sellers'): 599",
            ),
        ] {
            assert_reads(text, currency, amount, said);
        }
        // After the price, the badge says the price is at its low.
        let r = read_in("$180 All-time low", "USD").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.money.amount.to_string(), "180");
    }

    /// What an item sold for, on an ended listing's box (`Sold for US $180.00`,
    /// `Sold US $180.00`) or beside a resale market's asking price (`Last Sale:
    /// $180`): each was read as an advertised price below the floor. Nor is the
    /// least next bid an auction's box asks for (`Enter US $181.00 or more`): beside
    /// the current bid it made "the lowest of 2 prices".
    #[test]
    fn past_sales_and_next_bids_are_no_price() {
        for (text, currency, amount, said) in [
            (
                "Buy now $249.99 Last Sale: $180",
                "USD",
                24999,
                "prices of past sales: 180",
            ),
            (
                "Last Sale: $180 Buy for $249.99",
                "USD",
                24999,
                "prices of past sales: 180",
            ),
            (
                "US $180.00 Enter US $181.00 or more",
                "USD",
                18000,
                "the least next bids: 181.00",
            ),
        ] {
            assert_reads(text, currency, amount, said);
        }
        for text in [
            "Sold for US $180.00",
            "Sold US $180.00",
            "Sold: $180.00",
            "Ended: $180.00",
            "Price when sold $180",
            "Last sold $180",
            "Verkauft für 180,00 €",
            "Enter US $181.00 or more",
            // Sold, said after the amount (an ended eBay listing's box).
            "US $180.00 Sold",
            "US $180.00 (Sold)",
            "US $249.99 Best offer accepted",
            "Best offer accepted US $180.00",
            "$249.99 Best offer accepted $180",
            "180,00 EUR Verkauft",
        ] {
            let r = read_in(text, "USD");
            assert!(
                matches!(r, Err(PriceError::NotThePrice { .. })),
                "{text}: {r:?}"
            );
        }
        for (text, amount) in [
            ("Sold by Acme $249.99", "249.99"),
            ("$249.99 1,234 sold", "249.99"),
            ("$249.99 Sold by Foo", "249.99"),
            ("$249.99 Sold out", "249.99"),
            ("US $249.99 or Best Offer", "249.99"),
            ("Vendido por Loja Acme $249.99", "249.99"),
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
        }
    }

    /// The number's own marks decide before the site's: the other mark than the
    /// site's, once before one or two digits, is the decimal one (`149.99 €` on a
    /// site writing `149,99 €` was 14999 EUR); of both marks the last is
    /// (`€1,299.00` was 1.30 EUR); the site's mark before three digits or more than
    /// once groups thousands, and so does it before three digits in a currency of
    /// two minor units (`€1,299` was 1.30 EUR, a suspected counterfeit).
    #[test]
    fn the_number_s_own_marks_decide_before_the_site_s() {
        let read = |text: &str, mark: char| {
            let hints = Hints {
                decimal_separator: Some(mark),
                ..Hints::default()
            };
            let eur = Currency::new("EUR").unwrap();
            read_advertised(text, hints, &eur, VatBasis::Inclusive)
                .map(|r| r.money.amount.to_string())
                .unwrap_or_else(|e| panic!("{text}: {e}"))
        };
        assert_eq!(read("149.99 €", ','), "149.99");
        assert_eq!(read("149.9 €", ','), "149.9");
        assert_eq!(read("1.299 €", ','), "1299");
        assert_eq!(read("1.249,99 €", ','), "1249.99");
        assert_eq!(read("149,99 €", ','), "149.99");
        assert_eq!(read("€149,99", '.'), "149.99");
        assert_eq!(read("€1,299", '.'), "1299");
        assert_eq!(read("€1,299", ','), "1299");
        assert_eq!(read("1,299.00 €", ','), "1299.00");
        assert_eq!(read("€1.299,00", '.'), "1299.00");
        assert_eq!(read("€1,299,000", ','), "1299000");
        assert_eq!(read("€1.299", '.'), "1299");
        assert_eq!(read("0,99 €", ','), "0.99");
        assert_eq!(read("€1,990", ','), "1990");
    }

    /// When the shipping comes is no shipping cost, nor is free shipping in Korean or
    /// Taobao's return-shipping insurance: each of these made the price one, and the
    /// box "held only shipping costs".
    #[test]
    fn when_the_shipping_comes_is_no_cost() {
        for (text, currency, amount) in [
            ("$149.99 Delivery tomorrow", "USD", 14999),
            ("$149.99 Delivery by Friday", "USD", 14999),
            ("$149.99 Delivery: Tomorrow", "USD", 14999),
            ("$149.99 Shipping options", "USD", 14999),
            ("$149.99 Delivery Wed", "USD", 14999),
            ("149,99 € Lieferung bis Freitag", "EUR", 14999),
            ("149,99 € Versand morgen", "EUR", 14999),
            ("149,99 € Livraison demain", "EUR", 14999),
            ("199,000원 배송비 무료", "KRW", 19900000),
            ("¥999 运费险", "CNY", 99900),
            ("149,99 € Versand durch Amazon", "EUR", 14999),
            ("149,99 € Versand: sofort", "EUR", 14999),
            ("R$ 899,00 Frete Full", "BRL", 89900),
            ("R$ 899,00 Envio imediato", "BRL", 89900),
            (
                "£149.99 Postage: May not post to United States",
                "GBP",
                14999,
            ),
            ("$149.99 Shipping: Does not ship to Germany", "USD", 14999),
            ("£149.99 Delivery: Varies", "GBP", 14999),
        ] {
            assert_money(text, currency, amount, currency);
        }
        // What it costs, as before.
        assert!(read_in("$5.99 Shipping by USPS", "USD").is_err());
        assert!(read_in("$5.99 shipping", "USD").is_err());
        assert_reads(
            "$149.99 $5.99 Shipping by USPS",
            "USD",
            14999,
            "shipping costs: 5.99",
        );
    }

    /// "Back" after a price of availability or a season, "off" of a colour, not of
    /// money back or off: each was read as a saving's, and the box "held only
    /// savings".
    #[test]
    fn back_in_stock_is_no_money_back() {
        for text in [
            "$149.99 Back in stock soon",
            "$149.99 Back order",
            "$149.99 Back to school deal",
            "$149.99 Off-White",
        ] {
            assert_money(text, "USD", 14999, "USD");
        }
        assert!(read_in("$5 back", "USD").is_err());
    }

    /// A discount labelled by a word alone after the price (`$249.99 OFF $50`): the
    /// word, read as the first amount's, made the price the saving and the discount
    /// the price (a false below-floor finding). Before the price (`Discount $50
    /// $249.99`) or a coupon's value anywhere (`Coupon $20`), it was read as the
    /// price too.
    #[test]
    fn a_discount_labelled_alone_is_no_price() {
        for (text, currency, amount) in [
            ("$249.99 OFF $50", "USD", "249.99"),
            ("$249.99 Discount $50", "USD", "249.99"),
            ("249,99 € Rabatt 50,00 €", "EUR", "249.99"),
            ("￥24,999 OFF ￥5,000", "JPY", "24999"),
            ("￥24,999 割引 5,000円", "JPY", "24999"),
            ("249,000원 카드 즉시할인 10,000원", "KRW", "249000"),
            ("12 999 ₽ Скидка 3 000 ₽", "RUB", "12999"),
            ("999 TL İndirim 100 TL", "TRY", "999"),
            ("AED 899 وفر 200 درهم", "AED", "899"),
            ("249,000원 쿠폰할인 20,000원", "KRW", "249000"),
            // Korea's and China's price per piece is no price of the listing.
            ("249,000원 (개당 124,500원)", "KRW", "249000"),
            ("¥1299 (每件¥649.5)", "CNY", "1299"),
            // The word before the saving, as it was.
            ("$10 off $249.99", "USD", "249.99"),
            ("$249.99 $10 off", "USD", "249.99"),
            // A percentage makes the next amount the price.
            ("$249.99 20% off $199.99", "USD", "199.99"),
            // A coupon's value after the price, and a discount's or a coupon's
            // labelled before it: each was read as the price.
            ("$249.99 Coupon $20", "USD", "249.99"),
            ("Discount $50 $249.99", "USD", "249.99"),
            ("Discount: $50 $249.99", "USD", "249.99"),
            ("OFF $50 $249.99", "USD", "249.99"),
            ("Coupon $20 $249.99", "USD", "249.99"),
            ("Rabatt 50 € 249,99 €", "EUR", "249.99"),
            ("クーポン 2,000円 24,999円", "JPY", "24999"),
            // More than half of the price beside it: a discounted price, as before.
            ("Discount $199.99 $249.99", "USD", "199.99"),
            ("Discount: $199.99", "USD", "199.99"),
            ("Coupon price $229.99", "USD", "229.99"),
            // A discount labelled alone after a former price left out, a promo's
            // and what less is asked, rewards and credit after the amount, a price
            // per item beside the listing's: each was read as the price.
            ("$249.99 Promo $20", "USD", "249.99"),
            ("$249.99 Less $50", "USD", "249.99"),
            ("$249.99 $50 Reward points", "USD", "249.99"),
            ("$249.99 $20 store credit", "USD", "249.99"),
            ("Now $199.99 Was $249.99 Discount $50", "USD", "199.99"),
            ("$249.99 Price per item $124.99", "USD", "249.99"),
            ("249,99 € Preis pro Stück 124,99 €", "EUR", "249.99"),
            ("249,99 € Sofort-Rabatt 20 €", "EUR", "249.99"),
            ("249,99 € Bonus 20 €", "EUR", "249.99"),
            ("249,99 € 20 € Gutschein", "EUR", "249.99"),
            ("249,99 € Réduction de 20 €", "EUR", "249.99"),
            ("₹24,999 Bank offer ₹1,500", "INR", "24999"),
            ("$249.99 Extra 10% off with code, $20 max", "USD", "249.99"),
            ("$249.99 (max 2 per customer)", "USD", "249.99"),
            ("$249.99 Max", "USD", "249.99"),
            ("$249.99 Pay $50 today", "USD", "249.99"),
            ("$249.99 $20 credit", "USD", "249.99"),
            ("$249.99 Credit card required", "USD", "249.99"),
            ("Pay $249.99 today", "USD", "249.99"),
            // A rebate's amount in the words of America's boxes: each was the price.
            ("$249.99 Mail-in Rebate: $30", "USD", "249.99"),
            ("$249.99 Instant rebate $30", "USD", "249.99"),
            ("$249.99 Manufacturer Rebate $50", "USD", "249.99"),
            ("After rebate $199.99", "USD", "199.99"),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
        }
        for text in [
            "Coupon $20",
            "Coupon: $20.00",
            "$20 Coupon",
            "Was $249.99 Discount $50",
            "Rebate $30",
            "Mail-in rebate $30",
        ] {
            let r = read_in(text, "USD");
            assert!(
                matches!(r, Err(PriceError::NotThePrice { .. })),
                "{text}: {r:?}"
            );
        }
    }

    /// Korea's reward points labelled before their amount (`259,000원 적립 2,590원`:
    /// each was the price, and `적립` after the price made the price the reward),
    /// Tmall's and Taobao's vouchers, allowances and cuts by their amount (`¥1599
    /// 红包¥20`: the lowest of 2 prices, a suspected counterfeit), India's coins
    /// (`₹16,999 Coins ₹100`). The price after them stays the price; alone they
    /// hold no price.
    #[test]
    fn rewards_vouchers_and_coins_by_their_amount_are_no_price() {
        for (text, currency, amount) in [
            ("259,000원 적립 2,590원", "KRW", "259000"),
            ("259,000원 최대 적립 2,590원", "KRW", "259000"),
            ("259,000원 적립금 2,590원", "KRW", "259000"),
            ("259,000원 포인트 2,590원", "KRW", "259000"),
            ("259,000원 최대 2,590원 적립", "KRW", "259000"),
            ("¥1599 红包¥20", "CNY", "1599"),
            ("¥1599 购物津贴¥30", "CNY", "1599"),
            ("¥1599 淘礼金¥10", "CNY", "1599"),
            ("¥1599 消费券¥20", "CNY", "1599"),
            ("¥1599 直降¥100", "CNY", "1599"),
            ("¥1599 省¥100", "CNY", "1599"),
            ("¥1599 直降后¥1499", "CNY", "1499"),
            ("直降价¥1499", "CNY", "1499"),
            // India's coins by their value.
            ("₹16,999 Coins ₹100", "INR", "16999"),
            ("₹16,999 SuperCoins ₹100", "INR", "16999"),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount.to_string(), amount, "{text}: {:?}", r.why);
        }
        for (text, currency) in [("적립 2,590원", "KRW"), ("红包¥20", "CNY")] {
            let r = read_in(text, currency);
            assert!(
                matches!(r, Err(PriceError::NotThePrice { .. })),
                "{text}: {r:?}"
            );
        }
    }

    /// European shops' former prices and instalments in their own words: the
    /// instalment was the price; a former price made "the lowest of 2 prices", a
    /// variant's price in the finding's words.
    #[test]
    fn former_prices_and_instalments_in_european_words() {
        assert_reads(
            "149,99 € Payez en 3 fois : 50,00 €",
            "EUR",
            14999,
            "instalments: 50.00",
        );
        for text in [
            "EUR 149,99 Bisher: EUR 199,99",
            "149,99 € au lieu de 199,99 €",
            "149,99 € Prix barré 199,99 €",
            "149,99 € invece di 199,99 €",
            "149,99 € antes 199,99 €",
            "149,99 € PVPR 199,99 €",
            "149,99 € Adviesprijs 199,99 €",
            "149,99 € ennen 199,99 €",
            "Prix de vente conseillé : 199,99 € 149,99 €",
            "PVC 199,99 € 149,99 €",
            "Empfohlener Verkaufspreis 199,99 € 149,99 €",
            "Prezzo di vendita consigliato 199,99 € 149,99 €",
            "Precio de venta recomendado 199,99 € 149,99 €",
            "Adviesverkoopprijs 199,99 € 149,99 €",
        ] {
            assert_reads(text, "EUR", 14999, "former or reference prices: 199.99");
        }
    }

    /// A price's whole, point and cents joined with the page's whitespace between
    /// them, and a badge's percent between its words and the price.
    #[test]
    fn spaced_points_and_a_badges_percent() {
        for text in ["$ 149 . 99", "$149 .99", "$149. 99"] {
            assert_money(text, "USD", 14999, "USD");
        }
        // Single digits set apart are refused: `$ 1 8 0 . 0 0` was 1 USD.
        for text in ["$ 1 8 0 . 0 0", "$1 8 0.00"] {
            let e = read_in(text, "USD").unwrap_err();
            assert!(matches!(e, PriceError::SpacedDigits(_)), "{text}: {e}");
        }
        for (text, amount) in [
            ("$1 800", 180000),
            ("Qty 1 2 3 $249.99", 24999),
            ("$5 2 left", 500),
        ] {
            assert_money(text, "USD", amount, "USD");
        }
        // A comma set apart by spaces separates a list.
        let r = read_in("$10 , 20 items", "USD").unwrap();
        assert_eq!(r.money.amount, Decimal::from(10), "{:?}", r.why);
        assert_reads(
            "Lowest price in 30 days -20% $119.99 List: $149.99",
            "USD",
            11999,
            "former or reference prices: 149.99",
        );
    }

    /// Asian marketplaces' pay-later offers and prices on a condition: the
    /// instalment was the lowest price of the box.
    #[test]
    fn asian_instalments_and_conditions() {
        assert_readings(
            &[
                (
                    "Rp1.299.000 Rp1.499.000 -13% Cicilan 0% Rp108.250 x 12 bulan",
                    "IDR",
                    129900000,
                    "instalments: 108250",
                ),
                (
                    "฿1,299 ฿1,499 ลด 13% ผ่อน 0% ฿108.25 x 12 เดือน",
                    "THB",
                    129900,
                    "instalments: 108.25",
                ),
                (
                    "129,000원 월 10,750원 (12개월 무이자)",
                    "KRW",
                    12900000,
                    "instalments: 10750",
                ),
                (
                    "12월 25일 도착 129,000원 149,000원",
                    "KRW",
                    12900000,
                    "the lowest of 2 prices: 129000, 149000",
                ),
            ],
            &[
                (
                    "129,000원 149,000원 13% 쿠폰할인 119,000원",
                    "KRW",
                    "쿠폰할인",
                ),
                ("14,080円 クーポン利用で 12,672円", "JPY", "クーポン利用で"),
                ("¥1,299 拼单价 ¥1,199 单独购买 ¥1,299", "CNY", "拼单价"),
            ],
        );
    }

    /// Former prices in more of the world's words, Brazil's and the Dutch `De …
    /// por …` / `Van … voor …`, and a struck price a discount in percent stands
    /// before: each made "the lowest of 2 prices", a
    /// variant's price in a finding's words. Prices for new customers, a first
    /// order, students, businesses, after China's national subsidy, Coupang's
    /// coupon and WOW members' prices: the same, where only some buyers pay them.
    /// A trade-in's price in Chinese was the price.
    #[test]
    fn former_prices_and_conditions_in_more_words() {
        for (text, currency, amount) in [
            ("划线价¥1,599 ¥1,299", "CNY", 129900),
            ("¥1,299 日常价¥1,599", "CNY", 129900),
            ("¥1,299 专柜价¥1,599", "CNY", 129900),
            ("¥1,299 指导价¥1,599", "CNY", 129900),
            ("¥1,299 吊牌价¥1,599", "CNY", 129900),
            ("129,000원 정상가 159,000원", "KRW", 12900000),
            ("Rp 1.299.000 Harga Coret Rp 1.599.000", "IDR", 129900000),
            ("฿1,299 ราคาปกติ ฿1,599", "THB", 129900),
            ("129,99 zł Cena przed obniżką: 159,99 zł", "PLN", 12999),
            ("129,99 € PVP recomendado: 159,99 €", "EUR", 12999),
            ("129,99 € Unverb. Preisempf. 159,99 €", "EUR", 12999),
            ("1 299 kr Tidigare pris 1 599 kr", "SEK", 129900),
            ("129,99 € Norm. 159,99 €", "EUR", 12999),
            ("129,99 € Ovh. 159,99 €", "EUR", 12999),
            ("1 299,- Veil. pris 1 599,-", "NOK", 129900),
            ("De: R$ 1.599,00 Por: R$ 1.299,00", "BRL", 129900),
            ("Van €159,99 voor €129,99", "EUR", 12999),
            // A discount in percent right before the higher amount: the struck one.
            ("129,99 € -25% 173,32 €", "EUR", 12999),
            ("1.299,99 Lei -13% 1.499,99 Lei", "RON", 129999),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                r.money.amount,
                Decimal::new(amount, 2),
                "{text}: {:?}",
                r.why
            );
            assert!(r.among.is_empty(), "{text}: {:?}", r.why);
            assert!(
                r.why.iter().any(|w| w.starts_with("left out former")),
                "{text}: {:?}",
                r.why
            );
        }
        // An instalment's `de` is no former price's.
        assert_reads(
            "10x de R$ 149,99 por R$ 1.499,90",
            "BRL",
            149990,
            "instalments: 149.99",
        );
        for (text, currency, words) in [
            ("¥1,299 新人价¥999", "CNY", "新人价"),
            ("¥1,299 首单价¥999", "CNY", "首单价"),
            ("¥1,299 学生价¥1,199", "CNY", "学生价"),
            ("¥1,299 企业价¥1,199", "CNY", "企业价"),
            ("¥1,299 国补价¥1,039", "CNY", "国补价"),
            ("¥1,299 政府补贴 ¥1,039", "CNY", "政府补贴"),
            ("¥1,299 国补 ¥1,039", "CNY", "国补"),
            ("¥1,299 补贴后 ¥1,039", "CNY", "补贴后"),
            ("¥1,299 国补后 ¥1,039", "CNY", "国补后"),
            ("쿠폰가 119,000원 129,000원", "KRW", "쿠폰가"),
            ("129,000원 와우할인가 119,000원", "KRW", "와우할인가"),
        ] {
            assert_condition(text, currency, words);
        }
        assert_reads("¥1,299 以旧换新 ¥999", "CNY", 129900, "trade-in: 999");
        // The subsidy's amount is none.
        for (text, said) in [
            ("¥1,499 国家补贴 ¥300", "savings, coupons and rewards: 300"),
            ("¥1,499 国补 ¥200", "savings, coupons and rewards: 200"),
            ("¥1,499 政府补贴 ¥300", "savings, coupons and rewards: 300"),
        ] {
            assert_reads(text, "CNY", 149900, said);
        }
    }

    /// Superscript digits: two after a whole number are its cents (`$149⁹⁹` read
    /// 14,999), others after an amount or a sign a footnote's mark (`149,99 €¹`
    /// read 1 EUR); after a letter, a unit's as before.
    #[test]
    fn superscript_cents_and_footnote_marks() {
        for (text, currency, amount) in [
            ("$149⁹⁹", "USD", 14999),
            ("149,99 €¹", "EUR", 14999),
            ("149,99 €²", "EUR", 14999),
            ("$149.99¹", "USD", 14999),
            ("149,99 €* ¹", "EUR", 14999),
        ] {
            assert_money(text, currency, amount, currency);
        }
        assert_eq!(superscripts("12,99 €/m²"), "12,99 €/m²");
    }

    /// GST (Australia, New Zealand, India, Singapore) and IVA, moms, mva, DPH,
    /// BTW in their own words: the price without it, beside the one with it, was
    /// the box's lowest price (`$136.35 ex GST $149.99 inc GST` read 136.35, a
    /// false below-floor finding where prices include tax); alone it is no price
    /// such a marketplace can be held to.
    #[test]
    fn gst_and_iva_named_in_their_own_words() {
        for (text, currency, amount) in [
            ("$136.35 ex GST $149.99 inc GST", "AUD", 14999),
            ("$149.99 incl. GST $136.35 excl. GST", "NZD", 14999),
            ("123,96 € sin IVA 149,99 € con IVA", "EUR", 14999),
            ("149,99 € IVA inclusa 122,94 € IVA esclusa", "EUR", 14999),
            ("1 499 kr inkl. moms 1 199 kr exkl. moms", "SEK", 149900),
            (
                "198,000원 부가세 포함 180,000원 부가세 별도",
                "KRW",
                19800000,
            ),
            (
                "149,99 € inclusief btw 123,96 € exclusief btw",
                "EUR",
                14999,
            ),
        ] {
            assert_reads(text, currency, amount, "");
            let r = read_in(text, currency).unwrap();
            assert!(
                r.why
                    .iter()
                    .any(|w| w.starts_with("left out amounts without VAT")),
                "{text}: {:?}",
                r.why
            );
        }
        for (text, currency) in [
            ("$149.99 (ex. GST)", "AUD"),
            ("₹1,101 + GST", "INR"),
            ("122,94 € IVA esclusa", "EUR"),
            ("1.239,66 € + IVA", "EUR"),
            ("£124.99 nett", "GBP"),
            ("£124.99 net of VAT", "GBP"),
            ("¥1,800 不含税", "CNY"),
            ("¥1,800（未税）", "CNY"),
            ("180,000원 (VAT 별도)", "KRW"),
            ("180,000원 부가세 별도", "KRW"),
        ] {
            assert!(
                matches!(read_in(text, currency), Err(PriceError::NotThePrice { .. })),
                "{text}: {:?}",
                read_in(text, currency)
            );
        }
    }

    /// Japan's, Korea's, China's, Taiwan's and Hong Kong's price boxes: Amazon
    /// Japan's `OFF: ￥2,000` was the price (2,000 JPY), as were a price per item,
    /// reward points, a free gift's value and JD's beans taken off; a former price
    /// in traditional characters, Amazon Japan's Subscribe & Save and a card's
    /// price made "the lowest of 2 prices".
    #[test]
    fn east_asian_savings_units_and_conditions() {
        assert_readings(
            &[
                (
                    "￥12,800 (税込) 参考価格: ￥14,800 OFF: ￥2,000 (14%)",
                    "JPY",
                    1280000,
                    "savings, coupons and rewards: 2000",
                ),
                (
                    "￥12,800 1点あたり￥6,400",
                    "JPY",
                    1280000,
                    "unit prices: 6400",
                ),
                (
                    "129,000원 최대 6,450원 적립",
                    "KRW",
                    12900000,
                    "savings, coupons and rewards: 6450",
                ),
                ("¥1,299 赠品价值¥199", "CNY", 129900, "accessories): 199"),
                (
                    "NT$1,299 折價券 NT$100",
                    "TWD",
                    129900,
                    "savings, coupons and rewards: 100",
                ),
                (
                    "HK$1,299 原價 HK$1,599",
                    "HKD",
                    129900,
                    "former or reference prices: 1599",
                ),
            ],
            &[
                ("￥12,800 定期おトク便 ￥11,520", "JPY", "定期おトク便"),
                ("129,000원 카드할인가 119,000원", "KRW", "카드할인가"),
                ("¥1,299 plus会员价¥1,249 京豆抵扣¥10", "CNY", "plus会员价"),
                ("¥1099 88VIP ¥1,044", "CNY", "88vip"),
            ],
        );
    }

    /// European price boxes: a free-shipping threshold after the price
    /// (`Versandkostenfrei ab 29 €`) and Spain's and Mexico's instalments (`en 3
    /// plazos sin intereses de 50,00 €`, `12 meses sin intereses de $124.92`) were
    /// the price; Poland's coupon price, bol.com's Select deal, and former prices
    /// in Romanian and Czech made "the lowest of 2 prices".
    #[test]
    fn european_thresholds_instalments_and_labels() {
        assert_readings(
            &[
                (
                    "149,99 € Versandkostenfrei ab 29 €",
                    "EUR",
                    14999,
                    "spending thresholds: 29",
                ),
                (
                    "149,99 € en 3 plazos sin intereses de 50,00 €",
                    "EUR",
                    14999,
                    "instalments: 50.00",
                ),
                (
                    "$1,499.00 12 meses sin intereses de $124.92",
                    "MXN",
                    149900,
                    "instalments: 124.92",
                ),
                (
                    "1.299,99 Lei PRP: 1.499,99 Lei",
                    "RON",
                    129999,
                    "former or reference prices: 1499.99",
                ),
                (
                    "1 299 Kč Doporučená cena 1 599 Kč",
                    "CZK",
                    129900,
                    "former or reference prices: 1599",
                ),
            ],
            &[
                (
                    "129,99 zł cena z kuponem 119,99 zł",
                    "PLN",
                    "cena z kuponem",
                ),
                ("€ 149,99 Select-deal € 139,99", "EUR", "select-deal"),
            ],
        );
    }

    /// Latin American and Turkish price boxes: a coupon's value (`Cupom de R$ 100`)
    /// and Argentina's instalments (`6 cuotas sin interés de $ 24.999`) were the
    /// price, Colombia's price without taxes beside the one with them too; Chile's
    /// `Normal:`, a store card's price and a Turkish coupon's made "the lowest of 2
    /// prices".
    #[test]
    fn latin_american_and_turkish_boxes() {
        assert_readings(
            &[
                (
                    "R$ 1.499,90 Cupom de R$ 100",
                    "BRL",
                    149990,
                    "savings, coupons and rewards: 100",
                ),
                (
                    "$ 149.999 6 cuotas sin interés de $ 24.999",
                    "ARS",
                    14999900,
                    "instalments: 24999",
                ),
                (
                    "$ 1.499.900 Precio sin impuestos $ 1.260.420",
                    "COP",
                    149990000,
                    "amounts without VAT: 1260420",
                ),
                (
                    "$149.990 Normal: $199.990",
                    "CLP",
                    14999000,
                    "former or reference prices: 199990",
                ),
            ],
            &[
                ("$149.990 Precio tarjeta $139.990", "CLP", "precio tarjeta"),
                ("1.299,99 TL Kuponla 1.199,99 TL", "TRY", "kuponla"),
            ],
        );
    }

    /// An amount per month or week is an instalment or a subscription's price: alone
    /// in the box it was the price (`As low as $108.33/mo with Affirm` read 108.33
    /// of a 1,299.99 item), and beside the price it was called a unit price.
    #[test]
    fn a_price_per_month_is_not_the_price() {
        for (text, currency) in [
            ("As low as $108.33/mo with Affirm", "USD"),
            ("$108.33/month", "USD"),
            ("45,99 €/Monat", "EUR"),
            ("45,99 € / mois", "EUR"),
            ("$24.99 /wk", "USD"),
            ("¥324/月", "CNY"),
            ("199 kr/mån", "SEK"),
            ("10,750원/월", "KRW"),
        ] {
            match read_in(text, currency) {
                Err(PriceError::NotThePrice { what, .. }) => {
                    assert_eq!(what, "prices per month or week", "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        assert_readings(
            &[
                (
                    "$1,299.99 or $108.33/mo. for 12 mos.",
                    "USD",
                    129999,
                    "prices per month or week: 108.33",
                ),
                (
                    "149,99 € oder 12,50 €/Monat",
                    "EUR",
                    14999,
                    "prices per month or week: 12.50",
                ),
            ],
            &[],
        );
        // A year stays: a plan's or a licence's price, as its words say.
        let r = read_in("$149.99/yr", "USD").unwrap();
        assert_eq!(r.money.amount, Decimal::new(14999, 2));
    }

    /// A currency written in letters after an amount (`kr`, `zł`, `Kč`, `원`) hid
    /// the words after it: a price per kilo or per month was one of the box's
    /// prices, and the lowest.
    #[test]
    fn a_lettered_currency_does_not_hide_the_words_after_it() {
        assert_readings(
            &[
                ("99,00 kr 49,90 kr/kg", "SEK", 9900, "unit prices: 49.90"),
                ("49,90 kr/kg 99,00 kr", "SEK", 9900, "unit prices: 49.90"),
                (
                    "149,99 zł 12,50 zł/mies.",
                    "PLN",
                    14999,
                    "prices per month or week: 12.50",
                ),
                (
                    "1 299 Kč 99 Kč/měs.",
                    "CZK",
                    129900,
                    "prices per month or week: 99",
                ),
            ],
            &[],
        );
    }

    /// Shipping in more languages, and "from" before a shipping cost: `1 299 kr Frakt
    /// 49 kr` was "the lowest of 2 prices: 49", and `$89.99 Delivery from $5.99` "held
    /// only shipping costs" (the price unchecked).
    #[test]
    fn shipping_costs_in_more_words_are_not_the_price() {
        assert_readings(
            &[
                ("1 299 kr Frakt 49 kr", "SEK", 129900, "shipping costs: 49"),
                (
                    "1.299 kr. + 39 kr. fragt",
                    "DKK",
                    129900,
                    "shipping costs: 39",
                ),
                (
                    "1 299 Kč Doprava 99 Kč",
                    "CZK",
                    129900,
                    "shipping costs: 99",
                ),
                (
                    "1 299 zł Dostawa od 9,99 zł",
                    "PLN",
                    129900,
                    "shipping costs: 9.99",
                ),
                (
                    "12 990 ₽ Доставка 299 ₽",
                    "RUB",
                    1299000,
                    "shipping costs: 299",
                ),
                (
                    "Rp1.299.000 Ongkir Rp20.000",
                    "IDR",
                    129900000,
                    "shipping costs: 20000",
                ),
                (
                    "12 990 Ft Szállítás 990 Ft",
                    "HUF",
                    1299000,
                    "shipping costs: 990",
                ),
                (
                    "$89.99 Delivery from $5.99",
                    "USD",
                    8999,
                    "shipping costs: 5.99",
                ),
                (
                    "89,99 € Versand ab 4,95 €",
                    "EUR",
                    8999,
                    "shipping costs: 4.95",
                ),
                (
                    "89,99 € Livraison à partir de 4,99 €",
                    "EUR",
                    8999,
                    "shipping costs: 4.99",
                ),
                // Shipping charged apart after the price: no shipping cost.
                (
                    "14,080円 送料別 送料 550円",
                    "JPY",
                    1408000,
                    "shipping costs: 550",
                ),
            ],
            &[],
        );
        // Shipping free after the price: no shipping cost, and the price stays.
        for (text, currency) in [
            ("1 299 kr Frakt gratis", "SEK"),
            ("1 299 Kč Doprava zdarma", "CZK"),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount, Decimal::new(1299, 0), "{text}");
        }
    }

    /// A currency written in letters before an amount (`RM`, `R$`, `Rp`) hid the words
    /// before it: `4 x RM 37.50` ended in `rm`, not in the times sign, and the
    /// instalment was the price; a minus or a plus before eBay's `US $` left the `US`
    /// a word (`-US $20.00` was "the lowest of 2 prices: 20.00, 149.99").
    #[test]
    fn a_lettered_currency_does_not_hide_the_words_before_it() {
        assert_readings(
            &[
                (
                    "RM 150.00 or 4 x RM 37.50",
                    "MYR",
                    15000,
                    "instalments: 37.50",
                ),
                (
                    "R$ 1.499,90 ou 10 x R$ 149,99",
                    "BRL",
                    149990,
                    "instalments: 149.99",
                ),
                (
                    "Rp1.299.000 Cicilan 0% Rp108.250/bln",
                    "IDR",
                    129900000,
                    "instalments: 108250",
                ),
                (
                    "US $149.99 -US $20.00",
                    "USD",
                    14999,
                    "savings, coupons and rewards: 20.00",
                ),
                (
                    "US $149.99 +US $8.99 shipping +US $12.34 import fees",
                    "USD",
                    14999,
                    "shipping costs: 8.99, 12.34",
                ),
                (
                    "S$149.90 U.P. S$199.00",
                    "SGD",
                    14990,
                    "former or reference prices: 199.00",
                ),
            ],
            &[],
        );
        assert!(matches!(
            read_in("12x R$ 124,99", "BRL"),
            Err(PriceError::NotThePrice {
                what: "instalments",
                ..
            })
        ));
        // A dash set apart before a sign is no minus; a dash for no cents neither.
        for (text, currency, among) in [
            ("$149.99 Add to cart - $129.99", "USD", 2),
            ("89,- € 79,- €", "EUR", 2),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.among.len(), among, "{text}: {:?}", r.why);
        }
    }

    /// A discount in percent that takes the lower of two amounts side by side from
    /// the higher names the higher the former price (Lazada's, Shopee's, Flipkart's
    /// boxes: `₱1,299.00 ₱1,999.00 -35%` was "the lowest of 2 prices", as if a variant
    /// sold at each). Not amounts with words between, nor a range.
    #[test]
    fn a_discount_in_percent_names_the_former_price() {
        assert_readings(
            &[
                (
                    "₱1,299.00 ₱1,999.00 -35%",
                    "PHP",
                    129900,
                    "former or reference prices: 1999.00",
                ),
                (
                    "₹1,299 ₹1,999 35% off",
                    "INR",
                    129900,
                    "former or reference prices: 1999",
                ),
                (
                    "$ 1.299 $ 1.099 15% OFF",
                    "ARS",
                    109900,
                    "former or reference prices: 1299",
                ),
                (
                    "149,99 € inkl. MwSt. 3 % Skonto bei Vorkasse: 145,49 €",
                    "EUR",
                    14999,
                    "amounts included in the price: 145.49",
                ),
                (
                    "$99.99 - $149.99 Save up to 33%",
                    "USD",
                    9999,
                    "the lowest of 2 prices: 99.99, 149.99",
                ),
                (
                    "$149.99 $199.99 Save 10%",
                    "USD",
                    14999,
                    "the lowest of 2 prices: 149.99, 199.99",
                ),
                // The percent between the two amounts.
                (
                    "$199.99 (20% off) $249.99",
                    "USD",
                    19999,
                    "former or reference prices: 249.99",
                ),
                (
                    "$249.99 - 20% = $199.99",
                    "USD",
                    19999,
                    "former or reference prices: 249.99",
                ),
                (
                    "$199.99 (10% off) $249.99",
                    "USD",
                    19999,
                    "the lowest of 2 prices: 199.99, 249.99",
                ),
                // Set apart by a bar or a dot (AliExpress's boxes as text).
                (
                    "US $180.00 | US $249.99 -28%",
                    "USD",
                    18000,
                    "former or reference prices: 249.99",
                ),
                (
                    "$180.00 · $249.99 28% off",
                    "USD",
                    18000,
                    "former or reference prices: 249.99",
                ),
            ],
            &[],
        );
    }

    /// A saving the text shows that is what the lower of two amounts side by side
    /// takes off the higher names the higher the former price, as a percent does:
    /// `$249.99 $299.99 Save $50` was "the lowest of 2 prices". Not another saving,
    /// nor a range, nor amounts with the saving between.
    #[test]
    fn a_saving_that_is_the_difference_names_the_former_price() {
        assert_readings(
            &[
                (
                    "$249.99 $299.99 Save $50",
                    "USD",
                    24999,
                    "former or reference prices: 299.99",
                ),
                (
                    "$299.99 $249.99 You save: $50.00",
                    "USD",
                    24999,
                    "former or reference prices: 299.99",
                ),
                (
                    "€249,99 €299,99 Du sparst 50,00 €",
                    "EUR",
                    24999,
                    "former or reference prices: 299.99",
                ),
                (
                    "$249.99 $299.99 Save $40",
                    "USD",
                    24999,
                    "the lowest of 2 prices: 249.99, 299.99",
                ),
                (
                    "$249.99 - $299.99 Save $50",
                    "USD",
                    24999,
                    "the lowest of 2 prices: 249.99, 299.99",
                ),
                (
                    "$249.99 Save $50 $299.99",
                    "USD",
                    24999,
                    "the lowest of 2 prices: 249.99, 299.99",
                ),
            ],
            &[],
        );
    }

    /// Reference prices in more languages (each made "the lowest of 2 prices …
    /// which variant sells at it, the page does not say").
    #[test]
    fn reference_prices_named_in_more_languages() {
        assert_readings(
            &[
                (
                    "Prix de base 299,99 € 249,99 €",
                    "EUR",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "Listenpreis: 299,99 € 249,99 €",
                    "EUR",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "$249.99 Precio de lista: $299.99",
                    "MXN",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "€ 249,99 Normale prijs € 299,99",
                    "EUR",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "249,99 € Prezzo precedente 299,99 €",
                    "EUR",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "Save 20% $149.99 List $187.49",
                    "USD",
                    14999,
                    "reference prices: 187.49",
                ),
                (
                    "199,99 € Früher 249,99 €",
                    "EUR",
                    19999,
                    "reference prices: 249.99",
                ),
                // A former price below today's is no price of the listing either.
                (
                    "199,99 € Vorheriger Preis 149,99 €",
                    "EUR",
                    19999,
                    "reference prices: 149.99",
                ),
                (
                    "199,99 € Bisheriger Preis: 249,99 €",
                    "EUR",
                    19999,
                    "reference prices: 249.99",
                ),
                (
                    "199,99 € Prix normal 249,99 €",
                    "EUR",
                    19999,
                    "reference prices: 249.99",
                ),
                (
                    "199,99 € Prezzo normale 249,99 €",
                    "EUR",
                    19999,
                    "reference prices: 249.99",
                ),
            ],
            &[],
        );
    }

    /// Former prices named by more words (Zalando's `Originalpreis:`, `Prix initial`,
    /// `Prezzo originale`, `Original:`, `Retail:`, `SRP`): each was "the lowest of 2
    /// prices".
    #[test]
    fn former_prices_named_by_more_words() {
        assert_readings(
            &[
                // Where a price went from and to (once "the lowest of 2 prices …
                // which variant sells at it", or, from-to read as a range, "holds
                // only former or reference prices").
                (
                    "$249.99 Previously $299.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "$249.99 reduced from $299.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "Reduced from $299.99 to $249.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "Was $299.99 to $249.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "249,99 € Originalpreis: 299,99 €",
                    "EUR",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "249,99 € Prix initial : 299,99 €",
                    "EUR",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "249,99 € Prezzo originale: 299,99 €",
                    "EUR",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "$249.99 Original: $299.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "$249.99 Retail: $299.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "$249.99 SRP $299.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "Our price $249.99 Competitor price $299.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
                (
                    "$249.99 Competitor's price: $299.99",
                    "USD",
                    24999,
                    "reference prices: 299.99",
                ),
            ],
            &[],
        );
    }

    /// "You save" and a saving after its amount in more languages: `1 299 zł
    /// Oszczędzasz 200 zł` read 200 PLN, under any floor; former prices named in
    /// more languages, and "instead of" before or after the amount it names, made
    /// "the lowest of 2 prices".
    #[test]
    fn savings_and_former_prices_in_more_languages() {
        assert_readings(
            &[
                ("1 299 zł Oszczędzasz 200 zł", "PLN", 129900, "rewards: 200"),
                ("1 299 Kč Ušetříte 200 Kč", "CZK", 129900, "rewards: 200"),
                ("1 299 kr Spara 200 kr", "SEK", 129900, "rewards: 200"),
                ("1 299,- Spar 200,-", "NOK", 129900, "rewards: 200"),
                ("1 299 zł 200 zł taniej", "PLN", 129900, "rewards: 200"),
                ("1.299 TL 200 TL indirim", "TRY", 129900, "rewards: 200"),
                ("1 299 ₽ 200 ₽ скидка", "RUB", 129900, "rewards: 200"),
                ("€ 129,99 € 20 korting", "EUR", 12999, "rewards: 20"),
                ("129,000원 20,000원 할인", "KRW", 12900000, "rewards: 20000"),
                (
                    "12 990 Ft Eredeti ár: 14 990 Ft",
                    "HUF",
                    1299000,
                    "reference prices: 14990",
                ),
                (
                    "1.499 TL yerine 1.299 TL",
                    "TRY",
                    129900,
                    "reference prices: 1499",
                ),
                (
                    "1 299 ₽ вместо 1 499 ₽",
                    "RUB",
                    129900,
                    "reference prices: 1499",
                ),
                (
                    "₪149.90 במקום ₪199.90",
                    "ILS",
                    14990,
                    "reference prices: 199.90",
                ),
                (
                    "149 ر.س بدلاً من 199 ر.س",
                    "SAR",
                    14900,
                    "reference prices: 199",
                ),
                (
                    "Stara cijena 149,99 € 129,99 €",
                    "EUR",
                    12999,
                    "reference prices: 149.99",
                ),
                ("$129 Don't Pay $149", "AUD", 12900, "reference prices: 149"),
                (
                    "%13 1.499 TL 1.299 TL",
                    "TRY",
                    129900,
                    "reference prices: 1499",
                ),
            ],
            &[],
        );
        // The discounted price named as such stays the price.
        for (text, currency) in [
            ("İndirimli fiyat 1.299 TL", "TRY"),
            ("Цена со скидкой 1 299 ₽", "RUB"),
            ("할인가 129,000원", "KRW"),
        ] {
            let r = read_in(text, currency).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert!(r.why.is_empty(), "{text}: {:?}", r.why);
        }
    }

    /// Services sold with the item before their price (`$129.99 Installation $49.99`,
    /// `Gift wrap $4.99`, `Haul-away $25`) made "the lowest of 2 prices", the
    /// service's; one said to come with the item (`Free installation`, `Installation
    /// included`, `Includes 1-year warranty`) names no add-on, and the price it
    /// stands before was refused as "only add-ons".
    #[test]
    fn services_sold_with_the_item_are_not_its_price() {
        assert_readings(
            &[
                (
                    "$129.99 Installation $49.99",
                    "USD",
                    12999,
                    "accessories): 49.99",
                ),
                (
                    "$129.99 Gift wrap $4.99",
                    "USD",
                    12999,
                    "accessories): 4.99",
                ),
                (
                    "$129.99 Assembly $29.99",
                    "USD",
                    12999,
                    "accessories): 29.99",
                ),
                ("$129.99 Haul-away $25", "USD", 12999, "accessories): 25"),
                // A word ending in a "with it" word's letters says no such thing.
                ("¥1,299 钱包 配件 ¥99", "CNY", 129900, "accessories): 99"),
                (
                    "$129.99 Carefree installation $49.99",
                    "USD",
                    12999,
                    "accessories): 49.99",
                ),
                (
                    "$129.99 Protect your purchase $19.99",
                    "USD",
                    12999,
                    "accessories): 19.99",
                ),
            ],
            &[],
        );
        for text in [
            "Free installation $129.99",
            "Installation included $129.99",
            "Assembly required $129.99",
            "Includes 1-year warranty $129.99",
        ] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount, Decimal::new(12999, 2), "{text}");
        }
        let r = read_in("inkl. Montage 129,99 €", "EUR").unwrap();
        assert_eq!(r.money.amount, Decimal::new(12999, 2));
    }

    /// A higher amount right after the price a "now" label names is the struck former
    /// price (`Now $129.99 $149.99`, Walmart's `Rollback $129.99 $149.99`): it made
    /// "the lowest of 2 prices". Not a lower one after it, nor one without the label.
    #[test]
    fn a_higher_amount_after_the_price_asked_now_is_the_former() {
        assert_readings(
            &[
                (
                    "Now $129.99 $149.99",
                    "USD",
                    12999,
                    "reference prices: 149.99",
                ),
                (
                    "Rollback $129.99 $149.99",
                    "USD",
                    12999,
                    "reference prices: 149.99",
                ),
                (
                    "Jetzt nur 129,99 € 149,99 €",
                    "EUR",
                    12999,
                    "reference prices: 149.99",
                ),
                (
                    "Now $149.99 $129.99",
                    "USD",
                    12999,
                    "the lowest of 2 prices: 129.99, 149.99",
                ),
                (
                    "$129.99 $149.99",
                    "USD",
                    12999,
                    "the lowest of 2 prices: 129.99, 149.99",
                ),
                // A higher amount before the one a "sale" label names: the regular.
                (
                    "Price: $149.99 Sale Price: $129.99",
                    "USD",
                    12999,
                    "reference prices: 149.99",
                ),
                (
                    "$149.99 Now $129.99",
                    "USD",
                    12999,
                    "reference prices: 149.99",
                ),
                // Both labelled, or the labelled one higher: as before.
                (
                    "Sale $149.99 Sale $129.99",
                    "USD",
                    12999,
                    "the lowest of 2 prices: 129.99, 149.99",
                ),
                (
                    "$129.99 Sale Price: $149.99",
                    "USD",
                    12999,
                    "the lowest of 2 prices: 129.99, 149.99",
                ),
                // The lower amount a saving: the price stays.
                ("$129.99 Sale $50 off", "USD", 12999, "rewards: 50"),
            ],
            &[],
        );
    }

    /// Every ISO 4217 code is a currency marker, as written: `EGP 12,999 (USD 399)` on
    /// an Egyptian marketplace read 399 USD (the EGP unknown, the amount bare) and
    /// `KES 12,999 USD 99` 12,999 USD. Codes that are words in capitals are not
    /// (`ALL SALES FINAL`, `TOP 10`).
    #[test]
    fn every_iso_code_names_its_currency() {
        for (text, marketplace, want, currency) in [
            ("EGP 12,999 (USD 399)", "EGP", Decimal::new(12999, 0), "EGP"),
            ("ZAR 1,299 (USD 72)", "ZAR", Decimal::new(1299, 0), "ZAR"),
            ("KES 12,999 USD 99", "KES", Decimal::new(12999, 0), "KES"),
            ("$149.99 ZAR 2,699", "USD", Decimal::new(14999, 2), "USD"),
        ] {
            let r = read_in(text, marketplace).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (r.money.amount, r.money.currency.code()),
                (want, currency),
                "{text}: {:?}",
                r.why
            );
        }
        for text in ["ALL SALES FINAL $149.99", "TOP 10 $149.99"] {
            let r = read_in(text, "USD").unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(r.money.amount, Decimal::new(14999, 2), "{text}");
        }
    }

    /// The most a discount takes off (`Bank Offer 10% off up to ₹150` read 150 INR) and
    /// India's exchange offers (`With Exchange ₹999`: "the lowest of 2 prices").
    #[test]
    fn a_discounts_cap_and_an_exchange_offer_are_not_the_price() {
        assert_readings(
            &[
                (
                    "₹1,299 Bank Offer 10% off up to ₹150",
                    "INR",
                    129900,
                    "rewards: 150",
                ),
                (
                    "₹1,299 5% Cashback upto ₹100",
                    "INR",
                    129900,
                    "rewards: 100",
                ),
                ("₹1,299 With Exchange ₹999", "INR", 129900, "trade-in: 999"),
            ],
            &[],
        );
    }
}
