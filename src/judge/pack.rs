//! How many of the item a listing sells at its one price, as its title says:
//! "Pack of 2", "2-Pack", "Lot of 3", "2er-Pack", "lot de 2", "2 pcs", "2 Stück",
//! "2件装", "2個セット".
//!
//! Brands' minimum-advertised-price policies hold a multipack to the floor of each
//! item in it: two earbuds at 60.00 are 30.00 each, under a floor of 49.00, though
//! 60.00 is not. Read as one item, such a listing was no violation — the usual way
//! round a floor. Reading a count wrongly is worse (a listing of one item held to
//! twice its floor, a false finding), so a count is read only where the title
//! plainly says it of the item: not after "with", "plus", "incl." or "bonus" in the
//! same clause ("X1 Headphones with 3 Pack Ear Tips"), and, in Latin-script titles,
//! only where the phrase opens the title, ends it or a clause, or the brand's
//! name follows it ("2-Pack Acme P3 Earbuds"), colours between ("Acme P3 Earbuds 2
//! Pack Black"); otherwise it names some other thing ("2 Pack Ear Tips", "2 Pack
//! Black Ear Tips") and is left alone. Written by hand: no crate reads pack counts.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// A count of items the listing sells together at its price, and the words saying
/// so: the title's pack, the price box's multi-buy (`3 for $600`), or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pack {
    /// How many of the SKU the listing sells at its price (2 or more).
    pub count: u32,
    /// The title's words that say so, as folded (`pack of 2`); empty where the
    /// title says one.
    pub words: String,
    /// The price box's words where its price is for several (`3 for`): `count`
    /// includes theirs (absent from packs read before multi-buys were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_for: Option<String>,
}

impl Pack {
    /// Where the page says how many the price is for: `the title says "pack of
    /// 2"`, `the price box says "3 for"`, or both.
    pub fn said(&self) -> String {
        match (self.words.is_empty(), &self.price_for) {
            (true, Some(b)) => format!("the price box says \"{b}\""),
            (false, Some(b)) => format!(
                "the title says \"{}\" and the price box \"{b}\"",
                self.words
            ),
            (_, None) => format!("the title says \"{}\"", self.words),
        }
    }
}

/// How many items a price is for: `pack`'s count, else one. The one multiplier of
/// the SKU's floors, for the judge and the reports alike.
pub fn units(pack: Option<&Pack>) -> rust_decimal::Decimal {
    pack.map_or(rust_decimal::Decimal::ONE, |p| p.count.into())
}

/// The largest count read: "Pack of 500" is a box of small parts, not a multipack
/// of a product with a floor.
const MOST: u32 = 50;

/// Pack phrases in folded (lower-case, NFKC) titles; the count is the first group
/// that matched, or 2 for the words meaning two.
static PHRASES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?:pack|set|lot|bundle|box|case)\s+of\s+(\d{1,3})\b
        | \b(?:pack|set|lot|bundle)\s+of\s+(two|three|four|five|six|seven|eight|nine|ten|twelve)\b
        | \b(two|three|four|five|six|seven|eight|nine|ten|twelve)\s*-?\s*(?:pack|pk|count|pcs|pieces|units)\b
        | \b(?:wholesale|bulk|job)\s+lot\s+(\d{1,3})\b
        | \b(\d{1,3})\s*-?\s*(?:pack|pk|count|pcs|pieces|units|stück|stk|pièces|piezas|unidades|pezzi)\b
        | \b(\d{1,3})\s*er\s*-?\s*(?:pack|packung|set)\b
        | \b(?:lot|pack|paquete|lote|confezione|set)\s+(?:de|da|di)\s+(\d{1,3})\b
        | (\d{1,3})\s*(?:件|只|台|个|個|本|点|點|副|对|對|盒|套)\s*(?:装|裝|セット|入り|入)
        | (\d{1,3})\s*(?:개\s*(?:세트|입|묶음)|개입|팩)
        | \b(?:twin|double|dual|duo)\s*-?\s*pack\b
        | \bdoppelpack\b
        | (?:两|兩)(?:件|只|台|个|個|副|对|對|盒|套)(?:装|裝)
        | ^\s*(?P<times>\d{1,3})\s*[x×]\s+
        | ^\s*(?P<lead>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+
        | ^\s*\(\s*(?P<paren>\d{1,2})\s*\)\s*
        | \b(?:qty|quantity)\s*:?\s*(\d{1,3})\b
        | \b(\d{1,3})\s*pairs\b
        | \s[x×]\s?(?P<trailing>\d{1,2})\s*$
        ",
    )
    .expect("pack phrases are a valid pattern")
});

/// A count written as an English word (`Two Pack`, `Set of Three`).
fn number_word(w: &str) -> Option<u32> {
    let words = [
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    ];
    let at = words.iter().position(|x| *x == w)?;
    u32::try_from(at).ok().map(|n| n + 2)
}

/// Words that, before a pack phrase in its clause, make it something that comes
/// with the item ("with 3 Pack Ear Tips"), not the item counted.
const WITH_WORDS: &[&str] = &[
    "with",
    "w/",
    "plus",
    "incl",
    "includes",
    "including",
    "included",
    "bonus",
    "free",
    "extra",
    "and",
    "mit",
    "inkl",
    "inklusive",
    "avec",
    "et",
    "con",
    "y",
    "e",
];

/// The same in Chinese and Japanese, written anywhere before it in its clause.
const WITH_CJK: &[&str] = &["含", "附", "送", "赠", "贈", "配", "加", "付き", "付"];

/// Where a clause of a title ends; a `-` does only when spaced (" - "), which callers check.
pub(super) fn ends_clause(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | '(' | ')' | '[' | ']' | '|' | '，' | '；' | '（' | '）' | '【' | '】'
    ) || c == '-'
}

/// Does `c`, at byte `i` of `title`, end a clause? A "-" inside "2-pack" or a
/// model name is no clause end; " - " is.
pub(super) fn ends_clause_at(title: &str, i: usize, c: char) -> bool {
    ends_clause(c)
        && (c != '-' || (title[..i].ends_with(' ') && title[i + c.len_utf8()..].starts_with(' ')))
}

/// The pack a folded `title` says the listing is, if it plainly says one. `brand`
/// holds the brand's folded names (a pack phrase before one counts the brand's
/// item). Two phrases with different counts say nothing sure: `None`.
pub fn pack_in(title: &str, brand: &[String]) -> Option<Pack> {
    let mut found: Option<Pack> = None;
    for m in PHRASES.captures_iter(title) {
        let whole = m.get(0)?;
        let group = (1..m.len()).find_map(|i| m.get(i));
        // The tail of a longer number is no count (`2024套装`, a year's set: the
        // phrases have no word boundary before CJK counters, so `024` matched).
        if group.is_some_and(|n| title[..n.start()].ends_with(|c: char| c.is_ascii_digit())) {
            continue;
        }
        let count = match group {
            Some(n) => n
                .as_str()
                .parse::<u32>()
                .ok()
                .or_else(|| number_word(n.as_str()))?,
            None => 2,
        };
        if !(2..=MOST).contains(&count) || !of_the_item(title, whole.start(), whole.end(), brand) {
            continue;
        }
        // `2 x Acme X1 Headphones`, as eBay's sellers count, and a bare count
        // opening the title (`2 Acme P3 Earbuds`, `Two Acme P3 Earbuds`: read as
        // one item, 90.00 for two was no violation of a floor of 49.00), or in
        // brackets (`(2) Acme P3 Earbuds`, as eBay's lots are titled): only
        // before the brand's name (`2x Zoom Camera`, `3 Mode Headphones`, `(2)
        // Pairs of Tips` name no count of the item).
        if (m.name("times").is_some() || m.name("lead").is_some() || m.name("paren").is_some())
            && !brand
                .iter()
                .any(|b| title[whole.end()..].starts_with(b.as_str()))
        {
            continue;
        }
        match &found {
            Some(p) if p.count != count => return None,
            Some(_) => {}
            None => {
                found = Some(Pack {
                    count,
                    // Without the space a count before the brand's name ends with.
                    words: whole.as_str().trim().to_string(),
                    price_for: None,
                })
            }
        }
    }
    found
}

/// Is the phrase at `start` of folded `title` said of something that comes with
/// the item ("with 3 Pack Ear Tips", "+ 2 Pack", "送2件装", "and Ear Tips"): after a
/// word of [`WITH_WORDS`] or [`WITH_CJK`] in its clause?
pub fn comes_with(title: &str, start: usize) -> bool {
    let before = &title[..start];
    let clause_at = before
        .char_indices()
        .rev()
        .find(|&(i, c)| ends_clause_at(title, i, c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let clause = &before[clause_at..];
    clause.contains(['+', '&'])
        || WITH_CJK.iter().any(|w| clause.contains(w))
        || clause
            .split(|c: char| c.is_whitespace())
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/'))
            .any(|w| WITH_WORDS.contains(&w) || w.starts_with("incl"))
}

/// Is the phrase at `start..end` of `title` said of the listed item, not of
/// something with it (see the module's doc)?
fn of_the_item(title: &str, start: usize, end: usize, brand: &[String]) -> bool {
    if comes_with(title, start) {
        return false;
    }
    let before = &title[..start];
    // "Only 2 Units left", "Last 3 pcs": stock, not a pack.
    let last_word = before.split_whitespace().next_back();
    if last_word.is_some_and(|w| ["only", "last", "noch"].contains(&w)) {
        return false;
    }
    let phrase = &title[start..end];
    if !phrase.is_ascii() {
        // Chinese and Japanese titles run on without spaces: a colour or a size
        // after the count is the usual.
        return true;
    }
    let after = without_colours(title[end..].trim_start());
    // A title's first words say what it sells: "2 Pack Wireless Headphones".
    before.trim().is_empty()
        || after.is_empty()
        || after.starts_with(|c: char| ends_clause(c) && c != '-')
        || after.starts_with("- ")
        || brand.iter().any(|b| after.starts_with(b.as_str()))
}

/// Colours a title names after a pack phrase: "Acme P3 Earbuds 2 Pack Black" ends
/// with the count and the colour of the items. Only colours: "2 Pack Black Ear
/// Tips" goes on to name another thing, and stays no count.
pub(super) const COLOURS: &[&str] = &[
    "black", "white", "silver", "grey", "gray", "blue", "red", "green", "pink", "gold", "rose",
    "navy", "beige", "purple", "yellow", "orange", "brown", "midnight", "charcoal", "graphite",
    "ivory", "teal", "matte", "space", "schwarz", "weiß", "weiss", "silber", "blau", "rot", "grün",
    "noir", "blanc", "bleu", "rouge", "negro", "blanco", "azul", "nero", "bianco",
];

/// `after` without the colour words it opens with (joined by spaces, `/`, `&` or
/// `and`): what follows them decides, as if the colours were not there.
fn without_colours(after: &str) -> &str {
    let mut rest = after;
    let mut first = true;
    loop {
        let word_end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..word_end];
        if word.is_empty() || !(COLOURS.contains(&word) || (!first && word == "and")) {
            return rest;
        }
        first = false;
        rest = rest[word_end..].trim_start_matches([' ', '/', '&']);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::fold;

    fn count(title: &str) -> Option<u32> {
        pack_in(&fold(title), &["acme".to_string(), "艾克米".to_string()]).map(|p| p.count)
    }

    #[test]
    fn a_title_saying_a_pack_counts_its_items() {
        for (title, n) in [
            ("Acme P3 True Wireless Earbuds (Pack of 2)", 2),
            ("Acme P3 Earbuds, Pack of 3, White", 3),
            ("2-Pack Acme P3 Earbuds", 2),
            ("Acme P3 Earbuds 2 Pack", 2),
            ("Acme P3 Earbuds - 4PK", 4),
            ("Acme P3 Earbuds | 2-Count", 2),
            ("Acme P3 Earbuds Twin Pack", 2),
            // A count after "x" at the title's end, a quantity, pairs of earbuds.
            ("Acme P3 Earbuds x2", 2),
            ("Acme P3 Earbuds × 3", 3),
            ("Acme X1 Headphones Qty 2", 2),
            ("Acme X1 Headphones - Qty: 2", 2),
            ("Acme P3 Earbuds 2 Pairs", 2),
            ("Acme S2 Lautsprecher 2er-Pack", 2),
            ("Acme S2 Lautsprecher Doppelpack", 2),
            ("Enceinte Acme S2 - lot de 2", 2),
            ("Altavoz Acme S2 (pack de 3)", 3),
            ("Cassa Acme S2 confezione da 2", 2),
            ("艾克米P3耳机2件装白色", 2),
            ("艾克米P3耳机 两件装", 2),
            // Pairs, boxes and sets in Chinese, items and packs in Korean (each at
            // 1.5 times the floor was one item, its finding missed).
            ("艾克米P3耳机 两副装", 2),
            ("艾克米P3耳机 2副装", 2),
            ("艾克米P3耳机 3盒装", 3),
            ("Acme P3 이어폰 2개 세트", 2),
            ("Acme P3 이어폰 3개입", 3),
            ("Acme P3 이어폰 2팩", 2),
            ("Acme P3 イヤホン 2個セット", 2),
            ("Lot of 2 Acme P3 Earbuds", 2),
            ("Acme P3 Earbuds/2 Pack", 2),
            ("2 Pack Wireless Noise-Cancelling Headphones, Black", 2),
            ("Acme P3 Earbuds 2 Pack Black", 2),
            ("Acme P3 Earbuds 3-Pack Black/White (Bulk)", 3),
            ("Acme P3 Earbuds 2 Pack Midnight Blue", 2),
            ("Acme S2 Lautsprecher 2er-Pack Schwarz", 2),
            ("Acme P3 Earbuds 2 pcs", 2),
            ("Acme P3 Earbuds, 3 Pieces, White", 3),
            ("Acme S2 Lautsprecher 2 Stück", 2),
            ("Acme S2 Speaker (2 Units)", 2),
            ("2 x Acme X1 Headphones", 2),
            ("3x Acme P3 Earbuds", 3),
            ("2 Acme P3 Earbuds", 2),
            ("Two Acme P3 Earbuds", 2),
            ("(2) Acme P3 Earbuds", 2),
            ("( 3 ) Acme P3 Earbuds", 3),
            ("Acme P3 Earbuds Duo Pack", 2),
            // eBay's resellers; a bare "Lot 45" may be an auction's lot number.
            ("Wholesale Lot 10 Acme P3 Earbuds", 10),
            ("Bulk Lot 5 Acme P3 Earbuds", 5),
            // Counts written as words.
            ("Acme S2 Speaker Two Pack", 2),
            ("Acme S2 Speaker Three-Pack", 3),
            ("Acme P3 Earbuds, Set of Two", 2),
            ("Acme P3 Earbuds (Pack of Four)", 4),
        ] {
            assert_eq!(count(title), Some(n), "{title}");
        }
    }

    #[test]
    fn a_pack_of_something_with_the_item_or_of_one_is_no_count() {
        for title in [
            "Acme P3 Earbuds",
            "Acme X1 Headphones with 3 Pack Ear Tips",
            "Acme X1 Headphones w/ 2-Pack Foam Tips",
            "Acme P3 Earbuds, 3 Pairs of Ear Tips",
            "Acme P3 Earbuds with 2 Pairs Ear Tips",
            "Acme X1 Headphones Qty: 2 available",
            "Acme X1 Headphones x2 Bass Boost",
            "Acme X1 Headphones + 2 Pack Ear Pads",
            "Acme X1 Headphones + 2 Pack",
            "Lot 45 Acme X1 Headphones",
            "Acme X1 Headphones & 2-Pack",
            "Acme X1 Headphones, Bonus 3-Pack Ear Tips",
            "Acme X1 Headphones, includes 2 pack of cables",
            "Acme X1 Headphones 3 Pack Ear Tips Included",
            "Acme X1 Headphones and 2 Pack Cushions",
            "Acme P3 Earbuds (Pack of 1)",
            "Acme P3 Earbuds Pack of 500",
            "(2) Pairs of Ear Tips for Acme P3 Earbuds",
            "(2024) Acme P3 Earbuds",
            "Acme X1 Kopfhörer mit 2er-Pack Polster",
            "艾克米X1耳机 送2件装耳塞",
            "Acme P3 Earbuds 2-Pack (Pack of 3)",
            "Acme X1 Headphones with Two Pack Ear Tips",
            "Acme P3 Earbuds Two Pack Ear Tips",
            "Acme X1 Headphones, One Pack",
            "Acme X1 Headphones, 2 Pack Ear Cushions",
            "Acme X1 Headphones 2 Pack Black Ear Tips",
            "Acme X1 Headphones 3 Pack Black and White Foam Tips",
            "Acme X1 Headphones with 2 Pack Black",
            "Acme P3 Earbuds 6 pcs Ear Tips",
            "Acme P3 Earbuds with 6 pcs Silicone Tips",
            "Acme S2 Speaker, 2 Units Per Order Max",
            "Acme S2 Speaker, Only 2 Units",
            "Acme S2 Speaker - Last 3 pcs",
            "2x Zoom Acme Camera",
            "Acme X2 Headphones",
            "3 Mode Acme X1 Headphones",
            "2024 Acme X1 Headphones",
            // The tail of a year before a CJK counter is no count.
            "艾克米P3耳机 2024套装",
            "艾克米P3耳机2025盒装",
        ] {
            assert_eq!(count(title), None, "{title}");
        }
    }
}
