//! Real-world price strings from scrapinghub/price-parser's test suite
//! (tests/data/peer/price_parser_cases.jsonl). The goal: at least 95% of the cases not
//! marked xfail come out right, amount and currency.

use brandguard::extract::price::{Hints, parse_price_hinted};
use brandguard::money::Currency;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The ISO 4217 codes each currency text of the suite may stand for. Written here,
/// independently of the parser's own table, so the test can catch it being wrong.
fn iso_for(text: &str) -> Option<&'static [&'static str]> {
    Some(match text {
        "$" => &[
            "USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "ARS", "CLP", "COP",
        ],
        "US$" | "USD" => &["USD"],
        "$U" => &["UYU"],
        "A$" | "AU$" | "AUD" => &["AUD"],
        "B/." => &["PAB"],
        "BD" => &["BHD"],
        "BZ$" => &["BZD"],
        "Br" => &["BYN", "ETB"],
        "Bs" => &["VES", "BOB"],
        "C$" => &["CAD", "NIO"],
        "CA$" => &["CAD"],
        "CFA" => &["XOF", "XAF"],
        "FCFA" => &["XAF", "XOF"],
        "CHF" | "Fr." => &["CHF"],
        "CUC$" => &["CUC"],
        "DEM" => &["DEM"],
        "DKK" => &["DKK"],
        "DT" => &["TND"],
        "Db" => &["STN", "STD"],
        "Dinara" => &["RSD"],
        "EUR" | "euro" | "€" => &["EUR"],
        "FBu" => &["BIF"],
        "FG" => &["GNF"],
        "Fdj" => &["DJF"],
        "Ft" | "HUF" => &["HUF"],
        "GBP" | "£" | "₤" => &["GBP"],
        "GEL" => &["GEL"],
        "GH₵" => &["GHS"],
        "J$" => &["JMD"],
        "KD" => &["KWD"],
        "KM" => &["BAM"],
        "KMF" => &["KMF"],
        "Kč" => &["CZK"],
        "LD" => &["LYD", "LRD"],
        "LEI" | "Lei" | "lei" | "RON" => &["RON", "MDL"],
        "Lek" => &["ALL"],
        "MK" => &["MWK", "MKD"],
        "MOP$" => &["MOP"],
        "MX$" => &["MXN"],
        "NOK" => &["NOK"],
        "NT$" => &["TWD"],
        "NZD" => &["NZD"],
        "Nfk" => &["ERN"],
        "Nu." => &["BTN"],
        "OMR" => &["OMR"],
        "PLN" | "pln" | "zł" | "Zł" => &["PLN"],
        "PTE" => &["PTE"],
        "R$" => &["BRL"],
        "RD$" => &["DOP"],
        "RM" => &["MYR"],
        "Rf" => &["MVR"],
        "Rp" => &["IDR"],
        "Rs" | "₨" => &["INR", "PKR", "LKR", "NPR"],
        "S/." => &["PEN"],
        "SGD" => &["SGD"],
        "T$" => &["TOP"],
        "TL" | "₺" => &["TRY"],
        "TSh" => &["TZS"],
        "TT$" => &["TTD"],
        "UM" => &["MRU", "MRO"],
        "USh" => &["UGX"],
        "VT" => &["VUV"],
        "Z$" => &["ZWL"],
        "ZK" => &["ZMW"],
        "kn" => &["HRK"],
        "kr" => &["SEK", "NOK", "DKK", "ISK"],
        "đ" | "₫" => &["VND"],
        "ƒ" => &["ANG", "AWG"],
        "Р" | "р." | "руб" | "руб." | "₽" => &["RUB", "BYN"],
        "грн" | "грн." | "₴" => &["UAH"],
        "лв" | "лв." => &["BGN"],
        "֏" => &["AMD"],
        "؋" => &["AFN"],
        "تومان" | "ریال" => &["IRR"],
        "جنيه" => &["EGP"],
        "درهم" => &["AED", "MAD"],
        "AED" => &["AED"],
        "ريال" | "﷼" => &["SAR", "IRR", "OMR", "QAR", "YER"],
        "र" => &["NPR", "INR"],
        "৳" => &["BDT"],
        "฿" => &["THB"],
        "៛" => &["KHR"],
        "₡" => &["CRC"],
        "₦" => &["NGN"],
        "₪" => &["ILS"],
        "₭" => &["LAK"],
        "₮" => &["MNT"],
        "₱" => &["PHP"],
        "₹" => &["INR"],
        "₼" => &["AZN"],
        "円" => &["JPY"],
        "원" => &["KRW"],
        // ₣ (French franc), ₶ (livre tournois), ₿ (bitcoin): no ISO 4217 code; such a
        // price can never be compared with a floor, only its amount is checked.
        _ => return None,
    })
}

#[test]
fn price_parser_suite() {
    let text = std::fs::read_to_string("tests/data/peer/price_parser_cases.jsonl").unwrap();
    let default = Currency::new("XXX").unwrap(); // ISO 4217 "no currency"
    let (mut total, mut passed) = (0, 0);
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        if case["xfail"].as_bool() == Some(true) {
            continue;
        }
        total += 1;
        let input = case["input"].as_str().unwrap_or("");
        let hints = Hints {
            currency: case["currency_hint"].as_str(),
            decimal_separator: case["decimal_separator_hint"]
                .as_str()
                .and_then(|s| s.chars().next()),
        };
        let got = parse_price_hinted(input, hints, &default);
        let expected_amount = case["expected_amount"]
            .as_str()
            .map(|a| Decimal::from_str(a).unwrap());
        let ok_amount = got.as_ref().map(|m| m.amount) == expected_amount;
        let ok_currency = match (case["expected_currency_text"].as_str(), &got) {
            (None, _) | (_, None) => true,
            (Some(t), Some(m)) => iso_for(t).is_none_or(|codes| codes.contains(&m.currency.code())),
        };
        if ok_amount && ok_currency {
            passed += 1;
        } else {
            failures.push(format!(
                "{input:?} (hint {:?}): expected {:?} {:?}, got {:?}",
                case["currency_hint"].as_str(),
                case["expected_amount"].as_str(),
                case["expected_currency_text"].as_str(),
                got.map(|m| m.to_string())
            ));
        }
    }
    let rate = passed as f64 / total as f64;
    println!(
        "price-parser suite: {passed} of {total} pass ({:.1}%)",
        rate * 100.0
    );
    for f in &failures {
        println!("  FAIL {f}");
    }
    assert!(
        rate >= 0.95,
        "{passed}/{total} = {:.1}% < 95%",
        rate * 100.0
    );
}
