//! Money: a decimal amount with an ISO 4217 currency. Never a float.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An ISO 4217 alphabetic currency code such as `USD` or `CNY`.
///
/// Only the shape is checked (three ASCII letters, stored upper case): the brand file
/// decides which currencies matter, and an unknown one simply never has a floor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Parses a currency code, e.g. `"usd"` or `"USD"`.
    pub fn new(code: &str) -> Result<Self, String> {
        let code = code.trim();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Currency(code.to_ascii_uppercase()))
        } else {
            Err(format!(
                "`{code}` is not an ISO 4217 currency code (three letters, like USD or CNY)"
            ))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }
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
    }

    #[test]
    fn money_serialises_amount_as_string() {
        let m = Money::new(Decimal::new(129900, 2), Currency::new("CNY").unwrap());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"1299.00","currency":"CNY"}"#);
        assert_eq!(m.to_string(), "1299.00 CNY");
    }
}
