//! Money: a decimal amount with an ISO 4217 currency. Never a float.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An ISO 4217 alphabetic currency code such as `USD` or `CNY`.
///
/// Checked against the ISO 4217 list (the `iso_currency` crate, list one: the codes in
/// use, funds and superseded ones included): a typo such as `UDS` in a floor would
/// otherwise silently disable that floor, and a page's "TTC" or "Now" would become a
/// currency. Known legacy aliases that pages still print are mapped (see
/// [`LEGACY_ALIASES`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

/// Codes pages print that ISO 4217 no longer lists, and the code meant today.
/// `RUR` is the pre-1998 rouble that Yandex Market and Russian shops still write in
/// their markup for the current rouble (`RUB`).
/// `ANG`, the Netherlands Antillean guilder, was replaced one to one by the Caribbean
/// guilder (`XCG`) in 2025.
pub const LEGACY_ALIASES: &[(&str, &str)] = &[("RUR", "RUB"), ("ANG", "XCG")];

impl Currency {
    /// Parses a currency code, e.g. `"usd"` or `"USD"`; a legacy alias gives the
    /// current code (`RUR` → `RUB`).
    pub fn new(code: &str) -> Result<Self, String> {
        let code = code.trim();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(format!(
                "`{code}` is not an ISO 4217 currency code (three letters, like USD or CNY)"
            ));
        }
        let upper = code.to_ascii_uppercase();
        let upper = LEGACY_ALIASES
            .iter()
            .find(|(old, _)| *old == upper)
            .map_or(upper.as_str(), |(_, now)| now)
            .to_string();
        if iso_currency::Currency::from_code(&upper).is_none() {
            return Err(format!(
                "`{code}` is not an ISO 4217 currency code{}",
                closest_code(&upper).map_or_else(String::new, |c| format!("; did you mean {c}?"))
            ));
        }
        Ok(Currency(upper))
    }

    /// Digits after the decimal point in this currency (ISO 4217 minor units): 2 for
    /// USD, 0 for JPY and KRW, 3 for KWD, BHD, JOD, OMR, TND. `None` for codes with no
    /// minor unit defined (gold, special drawing rights).
    pub fn minor_units(&self) -> Option<u32> {
        iso_currency::Currency::from_code(&self.0)
            .and_then(|c| c.exponent())
            .map(u32::from)
    }

    pub fn code(&self) -> &str {
        &self.0
    }
}

/// The valid code closest to a mistyped one (`UDS` → `USD`), by edit distance with
/// transpositions; `None` when nothing is within two edits.
fn closest_code(code: &str) -> Option<&'static str> {
    use iso_currency::IntoEnumIterator;
    iso_currency::Currency::iter()
        .map(|c| (strsim::damerau_levenshtein(code, c.code()), c.code()))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::new(&value)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount of money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Exact decimal amount, serialised as a string so no JSON reader turns it into a float.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_validated_and_upper_cased() {
        assert_eq!(Currency::new("usd").unwrap().code(), "USD");
        assert!(Currency::new("US").is_err());
        assert!(Currency::new("U$D").is_err());
        // Not in ISO 4217: refused, with the closest code.
        let e = Currency::new("UDS").unwrap_err();
        assert!(e.contains("did you mean USD?"), "{e}");
        assert!(Currency::new("TTC").is_err());
        assert!(Currency::new("Now").is_err());
        // A legacy alias pages still print.
        assert_eq!(Currency::new("RUR").unwrap().code(), "RUB");
        assert_eq!(Currency::new("KWD").unwrap().minor_units(), Some(3));
        assert_eq!(Currency::new("JPY").unwrap().minor_units(), Some(0));
        assert_eq!(Currency::new("USD").unwrap().minor_units(), Some(2));
    }

    #[test]
    fn money_serialises_amount_as_string() {
        let m = Money::new(Decimal::new(129900, 2), Currency::new("CNY").unwrap());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"1299.00","currency":"CNY"}"#);
        assert_eq!(m.to_string(), "1299.00 CNY");
    }
}
