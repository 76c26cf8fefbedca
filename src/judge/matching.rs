//! Is a listing the brand's product, and which SKU? And who is this seller?

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::pack::{COLOURS, Pack, comes_with, ends_clause, ends_clause_at, pack_in};
use crate::config::Brand;
use crate::extract::Listing;
use crate::ident::{fold, normalize_gtin};

/// Which SKU a listing is, how sure we are, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkuMatch {
    pub sku: Option<String>,
    /// 0–100.
    pub confidence: u8,
    /// `gtin`, `mpn`, `title`, or why nothing matched.
    pub reason: String,
    /// The evidence that matched, in words: which GTIN, MPN or keywords, and what
    /// the page said of the brand (`GTIN 00012345678905; the title does not name Acme`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// The page carries the brand's identifier but names another brand in its
    /// brand field: a misbranding signal (the judge makes it a counterfeit signal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_brand: Option<String>,
    /// The page's brand field holds a value that names no brand ("Unbranded",
    /// "Generic") while the listing is the brand's product: a counterfeit signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoy_brand: Option<String>,
    /// The listing sells several of the SKU at its one price (the title's "Pack of
    /// 2", the price box's "3 for $600"): the floor is the SKU's times
    /// [`Pack::count`] ([`SkuMatch::units`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<Pack>,
}

impl SkuMatch {
    /// How many of the SKU the listing's price is for ([`super::pack::units`]).
    pub fn units(&self) -> rust_decimal::Decimal {
        super::pack::units(self.pack.as_ref())
    }
}

/// How many of `sku` a listing titled `title` (folded) sells at its price: the
/// title's pack count over the SKU's own (a SKU named "… 2-Pack" is a pack of two
/// already, and its floor the pack's; a count the SKU's does not divide is one),
/// times the price box's multi-buy count (`3 for $600`: three of what the title
/// names). `None` for one.
fn units_of(
    sku: &crate::config::Sku,
    title: &str,
    names: &[String],
    models: &[String],
    multi_buy: Option<&crate::extract::price::MultiBuy>,
) -> Option<Pack> {
    // A model's name at the title's end is no count (`Acme Headphones X2`), nor a
    // count of another thing named there (`… 40mm Drivers x 2`).
    let listed = pack_in(title, names).filter(|p| {
        let word: String = p.words.chars().filter(|c| !c.is_whitespace()).collect();
        !models.contains(&word) && !counts_another_thing(sku, title, p)
    });
    let listed = listed.and_then(|listed| {
        let own = std::iter::once(&sku.name)
            .chain(&sku.keywords)
            .find_map(|n| pack_in(&crate::ident::remembered(fold, n), names))
            .map_or(1, |p| p.count);
        (listed.count % own == 0 && listed.count / own > 1).then(|| Pack {
            count: listed.count / own,
            words: listed.words,
            price_for: None,
        })
    });
    match (listed, multi_buy) {
        (listed, Some(m)) if m.count > 1 => Some(Pack {
            count: listed
                .as_ref()
                .map_or(1, |p| p.count)
                .saturating_mul(m.count),
            words: listed.map(|p| p.words).unwrap_or_default(),
            price_for: Some(m.words.clone()),
        }),
        (listed, _) => listed,
    }
}

/// Is `p` a count at the end of folded `title` (`x2`) that follows words other than
/// the SKU's own name and colours? `Acme X1 Headphones 40mm Drivers x 2` counts the
/// drivers: held to twice the floor, the headphones at 250 were below it. Where the
/// title names the SKU by none of its keywords, the count stands as before.
fn counts_another_thing(sku: &crate::config::Sku, title: &str, p: &Pack) -> bool {
    let words = p.words.trim_start();
    if !(words.starts_with(['x', '×']) && title.trim_end().ends_with(p.words.trim_end())) {
        return false;
    }
    let start = title.trim_end().len() - p.words.trim_end().len();
    let Some(end) = sku
        .keywords
        .iter()
        .filter_map(|k| phrase_end(title, &crate::ident::remembered(fold, k)))
        .chain(sku.mpn.iter().filter_map(|m| code_in_title(title, m)))
        .filter(|&end| end <= start)
        .max()
    else {
        return false;
    };
    title[end..start]
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| !w.is_empty() && !COLOURS.contains(&w))
}

/// Does `word` occur in `text` as a whole word? CJK text has no spaces, so a word with
/// CJK characters matches anywhere.
fn has_word(text: &str, word: &str) -> bool {
    word_at(text, word).next().is_some()
}

/// Where (byte offsets) `word` occurs in `text` as a whole word ([`has_word`]).
pub(super) fn word_at<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    crate::ident::occurrences(text, word).filter(move |&i| {
        if !word.is_ascii() {
            return true;
        }
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// Words before a counterfeit word that deny it: sellers of genuine goods write
/// "100% Genuine, Not Fake", "No Replicas", "Beware of fakes", "非高仿", "拒绝仿品".
const DENIALS: &[&str] = &[
    "not",
    "no",
    "non",
    "never",
    "zero",
    "nicht",
    "kein",
    "keine",
    "pas",
    "sans",
    "sin",
    "senza",
    "aucun",
    "aucune",
    "ningún",
    "ninguna",
    "nessun",
    "nessuna",
    "beware of",
    "avoid",
    "say no to",
    "anti",
    // A guarantee against the word: `Refund if Fake`, `Pay 10x if Fake`, `If It's
    // Fake, Full Refund`, `Without Replica`.
    "if",
    "if it is",
    "if its",
    "if it s",
    "without",
    "free of",
    "free from",
];

/// The same in Chinese and Japanese, written right before the word.
const DENIALS_CJK: &[&str] = &[
    "非", "不是", "绝非", "絕非", "拒绝", "拒絕", "谨防", "謹防", "杜绝", "绝不", "並非", "并非",
];

/// Does folded `title` call the item `word` (folded): as a word of its own (or its
/// plural), and not denied by the words right before it ([`DENIALS`])? Read as a
/// bare substring, "100% Genuine, Not Fake" made a genuine listing a suspected
/// counterfeit, and "1:1" matched "1:10".
pub(super) fn calls_it(title: &str, word: &str) -> bool {
    let denied = |at: usize| {
        let before =
            title[..at].trim_end_matches(|c: char| !c.is_alphanumeric() && !c.is_whitespace());
        let before = before.trim_end();
        if DENIALS_CJK.iter().any(|d| before.ends_with(d)) {
            return true;
        }
        let mut words: Vec<&str> = before
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        // "not a replica", "no more fakes", "not any fakes"
        if words
            .last()
            .is_some_and(|w| ["a", "an", "any", "the", "more", "one"].contains(w))
        {
            words.pop();
        }
        (1..=3).any(|n| {
            words.len() >= n && DENIALS.contains(&words[words.len() - n..].join(" ").as_str())
        })
    };
    let plurals = [word.to_string(), format!("{word}s"), format!("{word}es")];
    plurals
        .iter()
        .take(if word.is_ascii() { 3 } else { 1 })
        .any(|w| {
            word_at(title, w).any(|at| {
                let after = &title[at + w.len()..];
                // A question (`Fake? 10x Money Back`) claims nothing.
                !denied(at) && !describes(after) && !after.starts_with(['?', '？'])
            })
        })
}

/// Words after a counterfeit word that make it say something else: a material
/// (`Fake Leather Headband`, faux leather), a ratio or a scale (`1:1 Stereo
/// Pairing`, `1:1 Scale`), a like-for-like exchange (`1:1 Warranty Exchange`).
/// Read as the item called fake or a 1:1 copy, each title made a genuine listing a
/// suspected counterfeit with the word as its ground.
const NOT_OF_THE_ITEM_AFTER: &[&str] = &[
    "leather",
    "fur",
    "suede",
    "wool",
    "silk",
    "wood",
    "grass",
    "plant",
    "plants",
    "flowers",
    "stereo",
    "pairing",
    "scale",
    "ratio",
    "aspect",
    "exchange",
    "replacement",
    "warranty",
    "copy-protection",
    // A warning to buyers: `Fakes Beware`.
    "beware",
];

/// Does the text right after a counterfeit word say it of something other than the
/// item ([`NOT_OF_THE_ITEM_AFTER`])?
fn describes(after: &str) -> bool {
    // `Replica-Free Guarantee`, `fake-free`: the word denied by a suffix joined to
    // it (a sworn ground "title contains \"replica\"" before). Not `Replica Free
    // Shipping`, a counterfeit's title.
    let free = after
        .strip_prefix("-free")
        .is_some_and(|r| !r.starts_with(char::is_alphanumeric));
    // The next word, joined by spaces or a hyphen only: `Fake, Leather Case` is
    // the item called fake.
    let rest = after.trim_start_matches([' ', '-']);
    let word = rest
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .next()
        .unwrap_or_default();
    free || NOT_OF_THE_ITEM_AFTER.contains(&word)
}

/// Words saying a title's item is made for another product: "Ear Cushions for Acme
/// X1 Headphones" sells ear cushions, not the headphones.
const FOR_WORDS: &[&str] = &[
    "for",
    "fits",
    "compatible with",
    "works with",
    "designed for",
    "suitable for",
    "für",
    "passend für",
    "kompatibel mit",
    "pour",
    "compatible avec",
    "para",
    "compatible con",
    "per",
    "compatibile con",
];

/// The same in Chinese and Japanese, written right before the brand.
const FOR_CJK: &[&str] = &[
    "适用于",
    "適用於",
    "适用",
    "適用",
    "兼容",
    "用于",
    "用於",
    "対応",
];

/// Words between a [`FOR_WORDS`] word and the brand: "for the Acme", "for your
/// Acme", "for use with Acme".
const FOR_FILLERS: &[&str] = &[
    "the", "your", "a", "an", "all", "use", "with", "die", "den", "das", "le", "la", "les", "el",
    "los", "il", "i",
];

/// The words by which folded `title` names the brand (any of `names`) as what its
/// item is for, when it names it nowhere before them (`for`, `compatible with`,
/// `适用于`). Such a title sells a thing made for the brand's product (ear cushions,
/// a charger, a case), never the product: matched by its keywords, an unbranded
/// ear cushion at 12.99 was a suspected counterfeit of the headphones, below their
/// floor. A title naming the brand first ("Acme X1 Headphones for Travel") is not
/// one, nor one where other words stand between ("Gift for Dad: Acme X1").
fn for_the_brand(title: &str, names: &[String]) -> Option<String> {
    let first = names
        .iter()
        .filter_map(|n| word_at(title, n).next())
        .min()?;
    let before = title[..first].trim_end();
    if let Some(w) = FOR_CJK.iter().find(|w| before.ends_with(*w)) {
        return Some((*w).to_string());
    }
    let mut words: Vec<&str> = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1 && words.last().is_some_and(|w| FOR_FILLERS.contains(w)) {
        // "for use with": "with" is a filler only after "use".
        if words.last() == Some(&"with") && words.get(words.len() - 2) != Some(&"use") {
            break;
        }
        words.pop();
    }
    (1..=2)
        .rev()
        .filter(|n| words.len() >= *n)
        .map(|n| words[words.len() - n..].join(" "))
        .find(|w| FOR_WORDS.contains(&w.as_str()))
}

/// Words before the brand's name in its clause that say the item is not the
/// brand's but compared with it (`X1 Headphones (not Acme)`, `Alternative to Acme
/// X1 Headphones`, `Inspired by Acme X1`).
const COMPARED_BEFORE: &[&str] = &[
    "not",
    "non",
    "alternative to",
    "alternatives to",
    "similar to",
    "inspired by",
    "better than",
    "cheaper than",
    "like",
    "looks like",
    "same as",
    "comparable to",
    "instead of",
    "vs",
    "versus",
];

/// Words right after the brand's name that say so (`Acme-Style X1 Headphones`);
/// after the product's keywords, only those naming a rival (`Acme X1 Headphones
/// Alternative`).
/// `like` and `compatible` there too (`Zeta Acme-like X1 Headphones`, `Zeta X1
/// Headphones (Acme compatible)`: matched by their keywords, each was Acme's
/// headphones below the floor and a suspected counterfeit).
const COMPARED_AFTER: &[&str] = &[
    "style",
    "styled",
    "alternative",
    "alternatives",
    "killer",
    "like",
    "compatible",
    // `Acme Inspired X1 Headphones`, `Acme X1 Headphones Dupe` at 30 were the
    // headphones below their floor (a maker's lookalike, named after the brand).
    "inspired",
    "dupe",
    "dupes",
    "lookalike",
];

/// Of [`COMPARED_AFTER`], the words that also say so after the product's
/// keywords (`Acme X1 Headphones Alternative`, `… Dupe`).
const COMPARED_AFTER_KEYWORDS: &[&str] = &[
    "alternative",
    "alternatives",
    "killer",
    "dupe",
    "dupes",
    "lookalike",
    // Chinese: "affordable alternative" and "the same style as" (`Acme X1 耳机
    // 平替`, `… 同款` at ¥199 were the headphones below their floor).
    "平替",
    "同款",
];

/// Words that say a lookalike wherever they stand in a title naming the brand
/// (`Acme X1 Dupe Headphones`, `Budget Dupe of Acme X1 Headphones`: between the
/// product's keywords or before the brand's name, each was the headphones below
/// their floor and a suspected counterfeit).
const LOOKALIKE_ANYWHERE: &[&str] = &["dupe", "dupes", "lookalike", "look-alike", "平替"];

/// Why folded `title` names the brand only to compare another maker's item with
/// it: [`COMPARED_BEFORE`] before the brand's name in its clause, or
/// [`COMPARED_AFTER`] after the name or the keywords. Matched by its keywords,
/// `Alternative to Acme X1 Headphones` at 39.99 was the headphones below their
/// floor and a suspected counterfeit: a complaint claiming Acme's product where
/// the listing says it is not. A title holding one of the brand's counterfeit
/// words (`Acme X1 Headphones Replica`) is left to them.
fn compared_with(brand: &Brand, title: &str, names: &[String]) -> Option<String> {
    let counterfeit = brand
        .policy
        .counterfeit_words
        .iter()
        .any(|w| has_word(title, &fold(w)));
    if counterfeit {
        return None;
    }
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !["the", "a", "an", "your"].contains(w))
            .map(str::to_string)
            .collect()
    };
    // The word right after `from`, joined to it by a space or a hyphen only and
    // naming no field (`Acme X1 Headphones, Style: Over-Ear` is no comparison).
    let next_word = |from: usize| {
        let rest = &title[from..];
        let start = rest.find(|c: char| c.is_alphanumeric())?;
        if !rest[..start].chars().all(|c| c == ' ' || c == '-') {
            return None;
        }
        let word: String = rest[start..]
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        let after = rest[start + word.len()..].trim_start();
        (!after.starts_with(':')).then_some(word)
    };
    let said = names.iter().find_map(|n| {
        word_at(title, n).find_map(|at| {
            let clause_at = title[..at]
                .char_indices()
                .rev()
                .find(|&(i, c)| ends_clause_at(title, i, c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let before = words(&title[clause_at..at]);
            let before_said = (1..=2).rev().filter(|k| before.len() >= *k).find_map(|k| {
                let w = before[before.len() - k..].join(" ");
                COMPARED_BEFORE.contains(&w.as_str()).then_some(w)
            });
            before_said.or_else(|| {
                // `Acme Like New X1 Headphones` states a condition.
                let like_new = title[at + n.len()..]
                    .trim_start_matches([' ', '-'])
                    .starts_with("like new");
                next_word(at + n.len())
                    .filter(|w| COMPARED_AFTER.contains(&w.as_str()) && !(like_new && w == "like"))
            })
        })
    });
    let said = said
        .or_else(|| {
            let end = by_keywords(brand, title)?.end;
            next_word(end).filter(|w| COMPARED_AFTER_KEYWORDS.contains(&w.as_str()))
        })
        .or_else(|| {
            (LOOKALIKE_ANYWHERE.iter())
                .find(|w| has_word(title, w))
                .map(|w| w.to_string())
        })?;
    Some(match said.as_str() {
        "compatible" => format!(
            "title names {} only as what its item is compatible with (\"{said}\")",
            brand.name
        ),
        _ => format!(
            "title names {} only to compare another maker's item with it (\"{said}\")",
            brand.name
        ),
    })
}

/// Chinese and Japanese write the word after the product it is for: "Acme X1用
/// イヤーパッド", "艾克米X1专用耳罩", "Acme X1対応ケース", also after the product's
/// noun ("Acme X1 ヘッドホン 用 イヤーパッド" was the headphones below their floor).
/// Matched right after a brand's name: a model (letters, digits, hyphens), perhaps
/// the noun, and the word.
static FOR_AFTER_MODEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[a-z0-9][a-z0-9\-]{0,11}\s*(?:(?:ヘッドホン|ヘッドフォン|イヤホン|スピーカー|耳机|耳機|音箱)\s*)?(专用|專用|対応|对应|對應|适配|適用|适用|兼容|用)")
        .expect("a valid pattern")
});

/// The words by which folded `title` names the product, brand first, as what its
/// item is for ([`FOR_AFTER_MODEL`]). `用于` ("is used for") says what the product
/// does, and is not one.
fn for_the_model(title: &str, names: &[String]) -> Option<String> {
    names.iter().find_map(|n| {
        word_at(title, n).find_map(|at| {
            let rest = &title[at + n.len()..];
            let m = FOR_AFTER_MODEL.captures(rest)?;
            let whole = m.get(0)?;
            let word = m.get(1)?.as_str();
            let next = rest[whole.end()..].chars().next();
            if word == "用" && next.is_some_and(|c| "于於户戶".contains(c)) {
                return None;
            }
            Some(format!("{n}{}", whole.as_str()))
        })
    })
}

/// What a listing's brand field and title say of the brand.
struct BrandReading {
    /// The title, folded, the brand's name written plainly where disguised.
    title: String,
    /// The brand field, folded; `None` when absent or a decoy.
    brand_field: Option<String>,
    /// The brand is named (in the brand field, or the title when there is none).
    brand_ok: bool,
    /// The words the finding quotes about it.
    said: String,
    /// Another brand named in the brand field.
    other_brand: Option<String>,
    /// A brand field that names no brand ("Unbranded"): judged as absent.
    decoy: Option<String>,
    /// The brand's name and aliases, folded.
    names: Vec<String>,
    /// The brand's models ([`models`]).
    models: Vec<String>,
}

/// The brand's name and aliases, folded.
fn brand_names(brand: &Brand) -> Vec<String> {
    std::iter::once(&brand.name)
        .chain(brand.aliases.iter())
        .map(|n| fold(n))
        .collect()
}

/// The words of the SKUs' keywords that hold a digit (`x1`): models, which a
/// disguised brand name may be glued to ([`super::disguise`]).
fn models(brand: &Brand) -> Vec<String> {
    let mut models: Vec<String> = brand
        .skus
        .iter()
        .flat_map(|s| &s.keywords)
        .flat_map(|k| {
            crate::ident::remembered(fold, k)
                .split(' ')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .collect();
    models.sort();
    models.dedup();
    models
}

/// `text` folded, with the brand's name written plainly where the text writes it
/// in disguise ([`super::disguise`]); how it was written is added to `said`.
fn plainly(names: &[String], models: &[String], text: &str, said: &mut Vec<String>) -> String {
    let folded = fold(text);
    if names.iter().any(|n| has_word(&folded, n)) {
        return folded;
    }
    match super::disguise::undisguised(text, names, models) {
        Some((plain, written)) => {
            said.extend(written);
            plain
        }
        None => folded,
    }
}

/// What the listing's title and brand field say of the brand, the title folded
/// with a disguised brand name written plainly ([`plainly`]).
/// Does brand field `field` (folded) name brand name `name` glued to a shop's or a
/// company's word (`AcmeStore`, `Acme-Official`, `OfficialAcme`, `AcmeInc`,
/// `艾克米旗舰店`)? Marketplaces fill the brand field with the storefront's name;
/// read as another brand, `Acme X1 Headphones` under brand `AcmeStore` at 150 was
/// "brand is acmestore, not Acme": its seller and price went unchecked.
fn the_brand_s_shop(field: &str, name: &str) -> bool {
    const SHOP_WORDS: &[&str] = &[
        "store",
        "shop",
        "official",
        "officialstore",
        "officialshop",
        "inc",
        "co",
        "ltd",
        "llc",
        "corp",
        "gmbh",
        "旗舰店",
        "官方旗舰店",
        "专卖店",
        "官方店",
    ];
    let compact = |t: &str| -> String { t.chars().filter(|c| c.is_alphanumeric()).collect() };
    let (field, name) = (compact(field), compact(name));
    !name.is_empty()
        && (field
            .strip_prefix(name.as_str())
            .is_some_and(|rest| SHOP_WORDS.contains(&rest))
            || field.strip_suffix(name.as_str()) == Some("official"))
}

fn read_brand(brand: &Brand, l: &Listing) -> BrandReading {
    let brand_names = brand_names(brand);
    let models = models(brand);
    let mut disguised = Vec::new();
    let title = l
        .title
        .as_deref()
        .map(|t| plainly(&brand_names, &models, t, &mut disguised))
        .unwrap_or_default();
    let title = title.as_str();
    let written = l
        .brand
        .as_deref()
        .map(|b| plainly(&brand_names, &models, b, &mut disguised));
    // A decoy ("Unbranded") is judged as if no brand were given, and remembered.
    let decoy = written
        .clone()
        .filter(|b| brand.policy.decoy_brands.iter().any(|d| d == b));
    let brand_field = written.filter(|_| decoy.is_none());
    let brand_ok = match &brand_field {
        Some(b) => brand_names
            .iter()
            .any(|n| b == n || has_word(b, n) || the_brand_s_shop(b, n)),
        None => brand_names.iter().any(|n| has_word(title, n)),
    };
    let said = match (&brand_field, brand_ok) {
        (_, true) if !disguised.is_empty() => format!(
            "the page names {} written as {} (look-alike letters, accents, letters spelt out, \
             broken by a mark or glued to the model)",
            brand.name,
            disguised
                .iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (_, true) => format!("the page names {}", brand.name),
        (Some(b), false) => format!("the page's brand field says \"{b}\""),
        (None, false) => format!("the title does not name {}", brand.name),
    };
    let other_brand = brand_field.clone().filter(|_| !brand_ok);
    BrandReading {
        title: title.to_string(),
        brand_field,
        brand_ok,
        said,
        other_brand,
        decoy,
        names: brand_names,
        models,
    }
}

/// Last words of an exclusion phrase that say what the item is for ("compatible
/// with", "case for", "housse pour").
const LINKS: &[&str] = &[
    "for", "with", "für", "mit", "pour", "avec", "para", "con", "per",
];

/// The exclusion phrase folded `title` holds, as a reason: `policy.exclusion_words`
/// (or the built-in list), anywhere in the title but after "with" and the like in
/// its clause, and not a phrase one of the brand's own SKUs is named with. A phrase
/// saying what the item is for ([`LINKS`], `适用于`) counts only when the brand (any
/// of `names`) or a word of a SKU's keywords follows it: "Acme X1 Wireless
/// Headphones, Compatible with iPhone" is the headphones (before, every such
/// listing was no SKU, and its violations unseen), "Compatible with Acme X1
/// Headphones Cable" is not.
fn excluded(brand: &Brand, title: &str, names: &[String]) -> Option<String> {
    // A phrase the brand names one of its own SKUs with ("Acme X1 Replacement Ear
    // Pads") says nothing against a listing: it may be that SKU.
    let own = |w: &str| {
        brand.skus.iter().any(|s| {
            std::iter::once(&s.name)
                .chain(&s.keywords)
                .any(|n| has_word(&crate::ident::remembered(fold, n), w))
        })
    };
    // "Compatible with", "case for", "适用于" say what the item is for: only of the
    // brand's product when it is named after them.
    let links =
        |w: &str| LINKS.iter().any(|l| w.ends_with(&format!(" {l}"))) || w.ends_with(['于', '於']);
    let names_product = |rest: &str| {
        names.iter().any(|n| has_word(rest, n))
            || brand.skus.iter().flat_map(|s| &s.keywords).any(|k| {
                crate::ident::remembered(fold, k)
                    .split(' ')
                    .any(|w| has_word(rest, w))
            })
    };
    // Where the keywords end, looked for only once a phrase is found (most titles
    // hold none).
    let product_end = std::cell::OnceCell::new();
    let product_end = || *product_end.get_or_init(|| by_keywords(brand, title).map(|m| m.end));
    let w = brand.policy.exclusion_words.iter().find(|w| {
        let w = fold(w);
        // "with Ear Tips", "and a Carrying Case": what comes in the box.
        word_at(title, &w).any(|at| {
            !comes_with(title, at)
                && (!links(&w) || names_product(&title[at + w.len()..]))
                && !product_end().is_some_and(|end| a_service(title, &w, end, at))
                && !product_end().is_some_and(|end| a_feature(title, &w, end, at))
        }) && !own(&w)
    })?;
    Some(format!(
        "title has exclusion phrase \"{w}\" (accessory or compatible part)"
    ))
}

/// Is exclusion phrase `w` at `at` of folded `title` a warranty offered with the
/// product (`…, 2-Year Replacement Warranty`, `… - Replacement Guarantee`): a
/// warranty's word right after it, in a clause after the one naming the product
/// (which ends at `end`)? Such a title was an accessory's, and the headphones'
/// price under the floor went unseen. In the product's own clause (`Acme X1
/// Headphones Replacement Warranty`) it may be a warranty sold alone: still
/// excluded.
fn a_service(title: &str, w: &str, end: usize, at: usize) -> bool {
    let next = title[at + w.len()..]
        .split(|c: char| !c.is_alphanumeric())
        .find(|x| !x.is_empty());
    let warranty = next.is_some_and(|x| ["warranty", "guarantee", "guaranteed"].contains(&x));
    warranty
        && end <= at
        && title[end..at]
            .char_indices()
            .any(|(i, c)| ends_clause_at(title, end + i, c))
}

/// Is the accessory noun `w` at `at` of folded `title` one of the product's
/// features, listed after it (`Acme X1 Wireless Headphones, Bluetooth 5.3, 30H
/// Playtime, Soft Ear Cushions, Black`)? Marketplaces' titles list features
/// clause after clause; with the built-in exclusion phrases, such a title was an
/// accessory's, and the headphones' price under the floor went unseen. A feature
/// is a noun (not "replacement", "box only" and the like, which say what the
/// listing is) two clauses or more after the one that names the product (`end`),
/// one of those between saying more than a colour.
/// In the clause right after the product's it may say what the listing sells
/// (`Acme X1 Headphones - Protein Leather Ear Cushions`, `Acme X1 Headphones, Ear
/// Pads, Black`), and is read so: a feature there (`…, 3 Sizes Ear Tips, …`) still
/// excludes the listing, a miss rather than a false finding.
fn a_feature(title: &str, w: &str, end: usize, at: usize) -> bool {
    let noun = w.rsplit(' ').next().unwrap_or(w);
    if at < end || !(ACCESSORY_NOUNS.contains(&noun) || ["earpads", "eartips"].contains(&noun)) {
        return false;
    }
    let ends: Vec<usize> = title[end..at]
        .char_indices()
        .filter(|&(i, c)| ends_clause_at(title, end + i, c))
        .map(|(i, _)| end + i)
        .collect();
    // The clauses between the product's and the noun's, of which one must say
    // more than a colour (`Acme X1 Headphones, Black, Ear Pads` sells ear pads).
    ends.windows(2).any(|w| {
        title[w[0] + 1..w[1]]
            .split(|c: char| !c.is_alphanumeric())
            .any(|x| !x.is_empty() && !COLOURS.contains(&x))
    })
}

/// Why folded `title` says it sells a thing for one of the brand's products, as
/// plainly as titles say it: the brand named only as what the item is for
/// ([`for_the_brand`], [`for_the_model`]), or an accessory noun right after the
/// keywords that name the product ([`accessory_after`]). Unlike an exclusion
/// phrase anywhere ("Acme X1 Headphones, Compatible with iPhone" may be the
/// headphones), this outweighs the product's identifier on the page.
fn made_for_it(brand: &Brand, title: &str, names: &[String]) -> Option<String> {
    let named_for = for_the_brand(title, names)
        .or_else(|| for_the_model(title, names))
        .map(|w| {
            format!(
                "title names {} only as what its item is for (\"{w} …\"): an accessory or a compatible part",
                brand.name
            )
        });
    let noun_first = || {
        accessory_before(brand, title, names).map(|thing| {
            format!(
                "title names \"{thing}\" before {}'s name: an accessory for the product, not the product",
                brand.name
            )
        })
    };
    named_for
        .or_else(|| for_the_product(brand, title))
        .or_else(noun_first)
        .or_else(|| named_after_the_product(brand, title, names))
}

/// The thing folded `title` names right after the keywords that name the product
/// ([`accessory_after`], [`a_part_alone`]), or, in a title the keywords are not
/// written in (`Acme X1 Ladekabel`, `Acme X1 Casque Coussinets`, the product's
/// GTIN filled in by an accessory's seller), right after the brand's model
/// ([`model_end`]): what it is, as [`made_for_it`] says it.
fn named_after_the_product(brand: &Brand, title: &str, names: &[String]) -> Option<String> {
    let Some(m) = by_keywords(brand, title) else {
        let end = model_end(brand, title, names)?;
        let thing = accessory_after(brand, title, end)?;
        return Some(format!(
            "title names {}'s model, then \"{thing}\" after it: {}",
            brand.name,
            what_the_thing_is(&thing)
        ));
    };
    if let Some(thing) = accessory_after(brand, title, m.end) {
        return Some(format!(
            "title names {} \"{}\", then \"{thing}\" after it: {}",
            brand.name,
            m.phrase,
            what_the_thing_is(&thing)
        ));
    }
    let part = a_part_alone(brand, &title[m.end..])?;
    let what = match part.split(' ').next() {
        Some(noun) if NOT_THE_ITEM.contains(&noun) => NOT_THE_ITEM_SAID,
        _ => "a part of the product sold alone, not the product",
    };
    Some(format!(
        "title names {} \"{}\", then \"{part}\" after it: {what}",
        brand.name, m.phrase
    ))
}

/// What a thing named after the product is, by its noun (the last word): a
/// picture, a document, a voucher or a service ([`NOT_THE_ITEM`]), else an
/// accessory.
fn what_the_thing_is(thing: &str) -> &'static str {
    let noun = thing.rsplit(' ').next().unwrap_or(thing);
    if NOT_THE_ITEM.contains(&noun) || NOT_THE_ITEM_CJK.contains(&noun) || noun == "card" {
        NOT_THE_ITEM_SAID
    } else {
        "an accessory for the product, not the product"
    }
}

/// The accessory folded `title` names at its start, before the brand's name, with
/// nothing else before it but describing words and colours (`Hard Case Acme X1
/// Headphones`, `Ear Pads Acme X1`, as marketplaces' accessory sellers write
/// without "for"): at 19.99 each was the product below its floor and a suspected
/// counterfeit. Not where the title sells both (`Case + Acme X1`, `Case and Acme
/// X1`, `… Bundle`, `… Case Included`: the words in between or after), nor a noun
/// the brand's own keywords hold.
fn accessory_before(brand: &Brand, title: &str, names: &[String]) -> Option<String> {
    let first = names
        .iter()
        .filter_map(|n| word_at(title, n).next())
        .min()?;
    let before = &title[..first];
    if before.contains(['+', '&']) {
        return None;
    }
    let words: Vec<&str> = before
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let (&noun, describing) = words.split_last()?;
    let a_noun = ACCESSORY_NOUNS.contains(&noun) || a_compound_accessory(noun);
    let described = describing.iter().all(|w| {
        COLOURS.contains(w) || ACCESSORY_MODIFIERS.contains(w) || ACCESSORY_NOUNS.contains(w)
    });
    let sold_with = title[first..]
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| INCLUDED.contains(&w));
    let owned = brand
        .skus
        .iter()
        .flat_map(|s| &s.keywords)
        .any(|k| has_word(&crate::ident::remembered(fold, k), noun));
    (a_noun && described && !sold_with && !owned).then(|| words.join(" "))
}

/// The product's nouns in the marketplaces' languages, skipped after the brand's
/// model by [`model_end`] (`Acme X1 Kopfhörer Ständer`).
const PRODUCT_NOUNS: &[&str] = &[
    "headphones",
    "headphone",
    "headset",
    "earbuds",
    "earphones",
    "speaker",
    "speakers",
    "kopfhörer",
    "ohrhörer",
    "lautsprecher",
    "casque",
    "écouteurs",
    "enceinte",
    "auriculares",
    "cascos",
    "altavoz",
    "cuffie",
    "auricolari",
    "altoparlante",
    "słuchawki",
    "głośnik",
    "наушники",
    "колонка",
    "ヘッドホン",
    "ヘッドフォン",
    "イヤホン",
    "スピーカー",
    "耳机",
    "耳機",
    "音箱",
    "헤드폰",
    "이어폰",
    "스피커",
];

/// Where folded `title` names the brand, then one of its models as a word of its
/// own (`acme x1`), then perhaps the product's nouns ([`PRODUCT_NOUNS`], the
/// keywords' own words) and describing words: the end of those, from which
/// [`accessory_after`] reads as it does after matched keywords.
fn model_end(brand: &Brand, title: &str, names: &[String]) -> Option<usize> {
    let models = models(brand);
    let own: Vec<String> = brand
        .skus
        .iter()
        .flat_map(|s| &s.keywords)
        .flat_map(|k| {
            (crate::ident::remembered(fold, k).split(' '))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let after_name = names
        .iter()
        .filter_map(|n| word_at(title, n).next().map(|at| at + n.len()))
        .min()?;
    let rest = &title[after_name..];
    let word = rest.split_whitespace().next()?;
    // A model a Chinese, Japanese or Korean noun runs on from (`x1充电线`).
    let model = models.iter().find(|m| {
        word.strip_prefix(m.as_str())
            .is_some_and(|after| after.is_empty() || after.starts_with(|c: char| !c.is_ascii()))
    })?;
    let mut end = after_name + rest.find(model.as_str())? + model.len();
    for w in title[end..].split(' ').filter(|w| !w.is_empty()) {
        let at = title[end..].find(w)? + end;
        if PRODUCT_NOUNS.contains(&w) || own.iter().any(|o| o == w) {
            end = at + w.len();
            continue;
        }
        // A noun run on from the product's (`ヘッドホンケース`): read from its end.
        if let Some(n) = (PRODUCT_NOUNS.iter()).find(|n| !n.is_ascii() && w.starts_with(**n)) {
            end = at + n.len();
        }
        break;
    }
    Some(end)
}

/// What a title naming a thing of [`NOT_THE_ITEM`] after the product sells.
const NOT_THE_ITEM_SAID: &str =
    "a picture of the product, a document, a voucher or a service for it, not the product";

/// Where a side of a pair is written after it.
const SIDE_OF: &[&str] = &[
    "ear",
    "earbud",
    "earpiece",
    "bud",
    "side",
    "only",
    "unit",
    "piece",
    "cup",
    "earcup",
    "earphone",
    "headphone",
];

/// Words after which a side of a pair is where something sits on the product
/// (`Touch Control on Right Ear Cup`), not a part sold alone.
const SIDE_PLACED: &[&str] = &["on", "in", "at", "of", "from", "to"];

/// A part of the product sold alone, said at the end of a clause after its
/// name: an accessory noun followed by "only" (`Acme P3 Earbuds, Case Only`, `… -
/// Cable Only`), or one side of a pair (`… Left Ear Only`, `… Right Bud`, `…
/// (Left Side)`). At a part's price each was the product below its floor and a
/// suspected counterfeit, with a brand file whose exclusion phrases did not list
/// it (the accessory rule reads only the clause right after the name,
/// [`accessory_after`]); so was a picture of it alone (`… (Photo Only)`, an old
/// trick of auctions, [`NOT_THE_ITEM`]). Only at a clause's end: `…, Touch Control on Right Ear
/// Cup, Black` is the product's. A noun the brand's own keywords hold is no
/// accessory.
fn a_part_alone(brand: &Brand, rest: &str) -> Option<String> {
    let mut clauses = Vec::new();
    let mut from = 0;
    for (i, c) in rest.char_indices() {
        if ends_clause_at(rest, i, c) {
            clauses.push(&rest[from..i]);
            from = i + c.len_utf8();
        }
    }
    clauses.push(&rest[from..]);
    clauses.into_iter().find_map(|clause| {
        let w: Vec<&str> = clause
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let n = w.len();
        let last = |k: usize| n.checked_sub(k).map(|i| w[i]);
        let alone = last(1) == Some("only")
            && last(2).is_some_and(|noun| {
                (ACCESSORY_NOUNS.contains(&noun) || NOT_THE_ITEM.contains(&noun))
                    && !brand
                        .skus
                        .iter()
                        .flat_map(|s| &s.keywords)
                        .any(|k| has_word(&crate::ident::remembered(fold, k), noun))
            });
        // A side, then the words of a pair's one side to the clause's end: one
        // (`Left Ear`, `Right Only`), or more ending in "only" (`Right Bud Only`,
        // `Right Ear Cup Only`: at 19 it was the headphones below their floor).
        let side = |at: usize| {
            last(at).is_some_and(|x| matches!(x, "left" | "right"))
                && !last(at + 1).is_some_and(|x| SIDE_PLACED.contains(&x))
                && (1..at).all(|k| last(k).is_some_and(|x| SIDE_OF.contains(&x)))
                && (at == 2 || last(1) == Some("only"))
        };
        if alone {
            Some(format!("{} only", w[n - 2]))
        } else {
            (2..=4).find(|&at| side(at)).map(|at| w[n - at..].join(" "))
        }
    })
}

/// An accessory named before the product it is for, the brand's name first
/// (`Acme Ear Pads for X1 Headphones`, `Acme Case fits ACX1-BLK`): an accessory
/// noun in the clause before a word of [`FOR_WORDS`], the product's keywords or
/// code only after it. Matched by them, such an ear pad at 19.99 was the
/// headphones below their floor and a suspected counterfeit ([`for_the_brand`]
/// reads only a title whose first mention of the brand follows the word). A noun
/// the brand's own keywords hold is no accessory.
fn for_the_product(brand: &Brand, title: &str) -> Option<String> {
    FOR_WORDS.iter().filter(|w| w.is_ascii()).find_map(|w| {
        word_at(title, w).find_map(|at| {
            let clause_at = title[..at]
                .char_indices()
                .rev()
                .find(|&(i, c)| ends_clause_at(title, i, c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let noun = title[clause_at..at]
                .split(|c: char| !c.is_alphanumeric())
                .rfind(|x| ACCESSORY_NOUNS.contains(x))?;
            let owned = brand
                .skus
                .iter()
                .flat_map(|s| &s.keywords)
                .any(|k| has_word(&crate::ident::remembered(fold, k), noun));
            if owned || by_keywords(brand, &title[..at]).is_some() {
                return None;
            }
            let m = by_keywords(brand, &title[at + w.len()..])?;
            Some(format!(
                "title names {} \"{}\" only as what its \"{noun}\" is for (\"{w} …\"): an accessory for the product, not the product",
                brand.name, m.phrase
            ))
        })
    })
}

/// Where folded `title` has named every word of keyword `phrase`, in any of the
/// ways titles write it ([`word_forms`]): the end of the last of their first
/// whole-word occurrences; `None` when a word is missing.
fn phrase_end(title: &str, phrase: &str) -> Option<usize> {
    phrase.split(' ').try_fold(0, |end, w| {
        word_forms(w)
            .iter()
            .filter_map(|f| word_at(title, f).next().map(|at| at + f.len()))
            .min()
            .map(|e| end.max(e))
    })
}

/// The ways listings write a keyword's word `w`: as the brand file does; a model
/// name's letters and digits apart (`x-1`, `x 1` for `x1`); an English noun's other
/// number (`headphone` for `headphones`, `speakers` for `speaker`). Unauthorised
/// resellers write the brand as it is but the model and the noun as they please:
/// `Acme X-1 Wireless Headphone` was a title naming no SKU, and its price under
/// the floor went unseen.
fn word_forms(w: &str) -> Vec<String> {
    let mut forms = vec![w.to_string()];
    let boundary = w
        .char_indices()
        .zip(w.chars().skip(1))
        .find(|((_, a), b)| a.is_ascii_alphabetic() != b.is_ascii_alphabetic())
        .map(|((i, a), _)| i + a.len_utf8());
    let alphanumeric = w.chars().all(|c| c.is_ascii_alphanumeric());
    if let Some(at) = boundary.filter(|_| alphanumeric) {
        let (a, b) = w.split_at(at);
        forms.push(format!("{a}-{b}"));
        forms.push(format!("{a} {b}"));
    }
    if w.len() >= 4 && w.chars().all(|c| c.is_ascii_lowercase()) {
        match w.strip_suffix('s') {
            Some(one) if !one.ends_with('s') => forms.push(one.to_string()),
            Some(_) => {}
            None => forms.push(format!("{w}s")),
        }
    }
    forms
}

/// A SKU whose title keywords a title holds.
struct KeywordMatch<'b> {
    sku: &'b crate::config::Sku,
    /// The keyword phrase, as the brand file writes it.
    phrase: &'b String,
    /// Where the title has named all of it ([`phrase_end`]).
    end: usize,
    /// Another SKU the title names too, and its phrase.
    also: Option<(&'b crate::config::Sku, &'b String)>,
    /// Every SKU the title names, each once.
    named: Vec<&'b crate::config::Sku>,
}

impl KeywordMatch<'_> {
    /// How the title named the SKU: by its keywords, or its MPN or GTIN.
    fn named_by(&self) -> &'static str {
        if self.sku.mpn.contains(self.phrase) {
            "MPN"
        } else if self.sku.gtin.contains(self.phrase) {
            "GTIN"
        } else {
            "keywords"
        }
    }
}

/// The SKU whose MPN a page's MPN field gives, written with or without its
/// separators (`ACX1BLK`, `ACX1 BLK` for `ACX1-BLK`).
fn sku_by_mpn<'b>(brand: &'b Brand, mpn: &str) -> Option<&'b crate::config::Sku> {
    let folded = crate::ident::compact_code(mpn);
    brand.skus.iter().find(|s| {
        !folded.is_empty()
            && s.mpn
                .iter()
                .any(|m| crate::ident::compact_code(m) == folded)
    })
}

/// The SKU whose title keywords folded `title` holds. Each keyword entry is a
/// phrase whose words must all appear; the longest phrase found decides ("x1 ear
/// pads" over "x1 headphones" in "Acme X1 Headphones Replacement Ear Pads"), and of
/// phrases as long, the one the title names first: "Acme S2 Speaker - pairs with
/// Acme X1 Headphones" sells the speaker. (Before, the brand file's first SKU won a
/// tie, and that speaker at 89.00 was held to the headphones' floor of 199.00:
/// below the floor and a suspected counterfeit.)
///
/// A SKU's MPN or GTIN written in the title names it as a one-word phrase
/// ([`code_in_title`]): `Acme Headphones ACX1-BLK` was "names the brand but no
/// SKU's GTIN, MPN or keywords", untrue, and its price under the floor unseen.
fn by_keywords<'b>(brand: &'b Brand, title: &str) -> Option<KeywordMatch<'b>> {
    let mut found: Vec<(&crate::config::Sku, &String, usize, usize)> = Vec::new();
    for sku in &brand.skus {
        for k in &sku.keywords {
            let folded = crate::ident::remembered(fold, k);
            if let Some(end) = phrase_end(title, &folded) {
                found.push((sku, k, folded.split(' ').count(), end));
            }
        }
        for code in sku.mpn.iter().chain(&sku.gtin) {
            if let Some(end) = code_in_title(title, code) {
                found.push((sku, code, 1, end));
            }
        }
    }
    let &(sku, phrase, _, end) = found
        .iter()
        .min_by_key(|(_, _, words, end)| (std::cmp::Reverse(*words), *end))?;
    let also = found
        .iter()
        .filter(|(other, ..)| other.id != sku.id)
        .min_by_key(|(_, _, words, end)| (std::cmp::Reverse(*words), *end))
        .map(|&(other, k, ..)| (other, k));
    let mut named: Vec<&crate::config::Sku> = Vec::new();
    for (s, ..) in &found {
        if !named.iter().any(|n| n.id == s.id) {
            named.push(s);
        }
    }
    Some(KeywordMatch {
        sku,
        phrase,
        end,
        also,
        named,
    })
}

/// Why a title holding SKU `m`'s keywords still does not sell it: its model is
/// named only as what the item is for ([`model_named_as_what_it_is_for`]), or
/// another model of the line is named ([`another_model`]).
fn not_the_keywords_sku(brand: &Brand, m: &KeywordMatch, title: &str) -> Option<String> {
    if let Some(said) = model_named_as_what_it_is_for(m.phrase, title) {
        return Some(format!(
            "title names {}'s model only as what its item is for or works with (\"{said}\"): \
             another product's, not {}",
            brand.name, m.sku.id
        ));
    }
    if let Some(said) = compatible_after(m.phrase, title) {
        return Some(format!(
            "title names {}'s model only as what its item is compatible with (\"{said}\"): \
             another product's, not {}",
            brand.name, m.sku.id
        ));
    }
    let model = another_model(m.sku, m.phrase, title)?;
    Some(format!(
        "the title names \"{model}\", a model the brand file does not list \
         ({} is named by \"{}\"): another model is not held to its floor; \
         list it as a SKU of its own to judge it",
        m.sku.id, m.phrase
    ))
}

/// Is keyword word `w` a model's code: ASCII letters and digits, both (`x1`, `p3`)?
fn is_model_code(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_alphanumeric())
        && w.contains(|c: char| c.is_ascii_digit())
        && w.contains(|c: char| c.is_ascii_alphabetic())
}

/// Where folded `title` writes keyword `phrase` (or its model code) followed by
/// "compatible" not opening "compatible with" (`Ear Pads Acme X1 Compatible`, `Acme
/// X1 Headphones Compatible Charger`): the words. The item is one that fits the
/// model, as after "for"; at 15 it was the headphones below their floor.
/// `… Headphones, Compatible with iPhone` is the model itself.
fn compatible_after(phrase: &str, title: &str) -> Option<String> {
    const COMPATIBLE: &[&str] = &["compatible", "kompatibel", "compatibile", "compatível"];
    const WITH: &[&str] = &["with", "to", "mit", "con", "avec", "com"];
    let phrase = fold(phrase);
    let codes = phrase.split(' ').filter(|w| is_model_code(w));
    std::iter::once(phrase.as_str()).chain(codes).find_map(|f| {
        word_at(title, f).find_map(|at| {
            let rest = title[at + f.len()..].trim_start_matches([' ', '-', ',']);
            let word = rest.split(' ').next()?;
            let next = rest[word.len()..]
                .trim_start()
                .split(' ')
                .next()
                .unwrap_or("");
            // `rest` ends the title: where it starts, and the word after that.
            let end = title.len() - rest.len() + word.len();
            (COMPATIBLE.contains(&word) && !WITH.contains(&next))
                .then(|| title[at..end].to_string())
        })
    })
}

/// The SKU a keyword match names and how: its phrase, the other SKU the title
/// names, or the lowest floor of several offered to choose from ([`a_choice_of`]).
fn keyword_evidence<'b>(
    m: &KeywordMatch<'b>,
    title: &str,
    l: &Listing,
) -> (&'b crate::config::Sku, String) {
    let (k, by) = (m.phrase, m.named_by());
    if let Some((lowest, ids)) = a_choice_of(m, title, l) {
        return (
            lowest,
            format!(
                "title offers {ids} to choose from ({by} \"{k}\" first), the price not said \
                 to be which one's: held to the lowest of their floors, {}'s",
                lowest.id
            ),
        );
    }
    let also = m.also.map_or(String::new(), |(other, o)| {
        format!(" (the title also names {} by \"{o}\")", other.id)
    });
    (m.sku, format!("title {by} \"{k}\"{also}"))
}

/// Words saying a title offers its products to choose from (`Acme X1 Headphones or
/// S2 Speaker (choose)`, `… / … - Select Model`); not a bundle's.
const CHOICE_WORDS: &[&str] = &[
    "or", "choose", "select", "option", "options", "various", "assorted", "choice", "pick",
];

/// Where folded `title` offers several of the brand's SKUs (`m.named`) to choose
/// from ([`CHOICE_WORDS`], ` / ` or ` | ` between them, `可选`, `任选`, `多款`),
/// the one with the lowest floor in the listing's currency, and the SKUs' ids. Matched by its first product, `Acme
/// X1 Headphones or S2 Speaker (choose)` at 150 was the headphones below their
/// floor of 199.00, though 150 may be the speaker's price (its floor 89.00): a
/// claim no one could sign. Below the lowest floor, every choice is below its own.
fn a_choice_of<'b>(
    m: &KeywordMatch<'b>,
    title: &str,
    l: &Listing,
) -> Option<(&'b crate::config::Sku, String)> {
    if m.named.len() < 2
        || ["bundle", "combo", "kit", "together"]
            .iter()
            .any(|w| has_word(title, w))
        || !(CHOICE_WORDS.iter().any(|w| has_word(title, w))
            || [" / ", " | ", "可选", "任选", "多款"]
                .iter()
                .any(|w| title.contains(w)))
    {
        return None;
    }
    // A product named only as what the item works with is no choice offered
    // (`… Headphones - Works with Acme S2 Speaker or any phone`).
    let offered: Vec<&crate::config::Sku> = m
        .named
        .iter()
        .copied()
        .filter(|s| {
            s.keywords.iter().any(|k| {
                phrase_end(title, &crate::ident::remembered(fold, k)).is_some()
                    && model_after_a_link(k, title, false, &[FOR_WORDS, PAIRS_WITH]).is_none()
                    && model_after_a_link(k, title, false, &[GIFT_WORDS]).is_none()
            })
        })
        .collect();
    if offered.len() < 2 {
        return None;
    }
    let currency = &l.price.as_ref()?.currency;
    let lowest = offered
        .iter()
        .filter_map(|s| Some((*s, s.floor.get(currency)?)))
        .min_by_key(|(_, f)| **f)?
        .0;
    let ids: Vec<&str> = offered.iter().map(|s| s.id.as_str()).collect();
    Some((lowest, ids.join(", ")))
}

/// Words before a model's code that, beside [`FOR_WORDS`], make it what the item
/// works with ([`model_named_as_what_it_is_for`]).
const PAIRS_WITH: &[&str] = &["pairs with", "pair with", "connects to", "goes with"];

/// Where every writing of a model code of keyword `phrase` in folded `title`
/// follows a word of [`FOR_WORDS`] or [`PAIRS_WITH`] in its clause, the words
/// from that link to the model. Keyword words may stand anywhere in a title: `Acme Wireless Headphones for
/// ThinkPad X1 Carbon` and `Acme Studio Headphones - Model H7 - pairs with Acme X1`
/// at 30 were the X1 headphones below their floor and a suspected counterfeit,
/// `Acme Speaker for Samsung Galaxy S2` the S2 speaker.
fn model_named_as_what_it_is_for(phrase: &str, title: &str) -> Option<String> {
    model_after_a_link(phrase, title, true, &[FOR_WORDS, PAIRS_WITH])
}

/// Words before a product that make it a gift given with the item, not one
/// offered: `Acme X1 Headphones | Free Acme P3 Earbuds` at 30 was read as a choice
/// of the two and held to the earbuds' floor of 49.00, not the headphones' 199.00
/// ([`a_choice_of`]).
const GIFT_WORDS: &[&str] = &[
    "free",
    "bonus",
    "gratis",
    "complimentary",
    "gift",
    "赠",
    "送",
];

/// [`model_named_as_what_it_is_for`], after a word of `links`; with `item_before`
/// false, whatever stands before the link (a product named whole after `works
/// with` is what the item works with, one after `free` a gift, [`a_choice_of`]).
fn model_after_a_link(
    phrase: &str,
    title: &str,
    item_before: bool,
    links: &[&[&str]],
) -> Option<String> {
    let phrase = fold(phrase);
    let (codes, words): (Vec<&str>, Vec<&str>) = phrase.split(' ').partition(|w| is_model_code(w));
    let mut said = None;
    for f in codes.into_iter().flat_map(word_forms) {
        for at in word_at(title, &f) {
            // A colon ends a clause here too: `Gift for Dad: Acme X1 Headphones`.
            let clause_at = title[..at]
                .char_indices()
                .rev()
                .find(|&(i, c)| c == ':' || ends_clause_at(title, i, c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let clause = &title[clause_at..at];
            let link = clause_at
                + links
                    .iter()
                    .flat_map(|l| l.iter())
                    .filter_map(|w| word_at(clause, w).last())
                    .max()?;
            // The keyword's other words name the item itself, before the link
            // (`Acme Wireless Headphones for …`); after it they name what it is for.
            let before = &title[..link];
            if item_before
                && !words
                    .iter()
                    .all(|w| word_forms(w).iter().any(|f| has_word(before, f)))
            {
                return None;
            }
            said.get_or_insert_with(|| title[link..at + f.len()].to_string());
        }
    }
    said
}

/// Words that, written right after a model's code, make it another model of the
/// maker's line: `Acme X1 Pro Headphones`, `X1 Mini`, `X1 Gen 2`, `X1 II`.
const MODEL_VARIANTS: &[&str] = &[
    "pro",
    "mini",
    "lite",
    "max",
    "plus",
    "ultra",
    "air",
    "neo",
    "se",
    "xl",
    "nano",
    "gen",
    "generation",
    "ii",
    "iii",
    "iv",
    "mk2",
    "mkii",
    "mk3",
    "mkiii",
    "mk4",
    "mkiv",
    // A version named by its number (`Acme X1 Headphones V2` at 99.99 was held to
    // the X1's floor); `V1` is the model itself.
    "v2",
    "v3",
    "v4",
    "v5",
    "2nd",
    "3rd",
    "4th",
    "5th",
    "kids",
    "jr",
    "junior",
    "go",
    "duo",
];

/// The other model folded `title` names where it writes a model code of keyword
/// `phrase` (a word of letters and digits, such as `x1`) followed by a word of
/// [`MODEL_VARIANTS`] (or a `+` joined to it) that neither `sku`'s name nor its
/// keywords hold: `acme x1 pro headphones` names `x1 pro`. A keyword's words may
/// stand anywhere in a title, so "x1 headphones" matched `Acme X1 Mini Headphones`
/// at 150, and a model the brand file does not list was held to the X1's floor of
/// 199.00: below the floor, a finding naming the wrong product (as `Acme X12
/// Headphones` never was). `X1 Gen 1` is the model itself; `X1 Pro-Grade` a word
/// of praise.
fn another_model(sku: &crate::config::Sku, phrase: &str, title: &str) -> Option<String> {
    let own: Vec<String> = std::iter::once(&sku.name)
        .chain(&sku.keywords)
        .flat_map(|t| {
            fold(t)
                .split(|c: char| !c.is_alphanumeric())
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let codes = fold(phrase);
    let codes = codes.split(' ').filter(|w| is_model_code(w));
    for f in codes.flat_map(word_forms) {
        for at in word_at(title, &f) {
            let (shown, rest) = title[at..].split_at(f.len());
            if let Some(after) = rest.strip_prefix('+')
                && !after.starts_with(alnum)
                && !own.iter().any(|w| w == "plus")
            {
                return Some(format!("{shown}+"));
            }
            let Some(next) = rest.strip_prefix([' ', '-']) else {
                continue;
            };
            let word = &next[..next.find(|c: char| !alnum(c)).unwrap_or(next.len())];
            let then = next[word.len()..].trim_start_matches([' ', '-', '(']);
            let praise = next[word.len()..].starts_with('-') && then.starts_with(alnum);
            let first = matches!(word, "gen" | "generation") && then.starts_with('1');
            if MODEL_VARIANTS.contains(&word) && !own.iter().any(|w| w == word) && !praise && !first
            {
                return Some(format!("{shown} {word}"));
            }
        }
    }
    variant_after_phrase(&own, phrase, title)
}

/// The other model folded `title` names by a word of [`MODEL_VARIANTS`] right after
/// keyword `phrase` where it ends the product's name (`acme x1 headphones pro`,
/// `… headphones mini, black`, `… headphones gen 2`): as `Galaxy Buds Pro` is not
/// `Galaxy Buds`. Each was held to the X1's floor of 199.00 at 150. Not where more
/// words follow (`… Headphones Plus Carrying Case`, `… Pro Audio Quality`), nor the
/// words `own` holds, nor `gen 1`.
fn variant_after_phrase(own: &[String], phrase: &str, title: &str) -> Option<String> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let phrase = fold(phrase);
    word_at(title, &phrase).find_map(|at| {
        let next = title[at + phrase.len()..].strip_prefix(' ')?;
        // `(2nd Gen)`, `(Gen 2)`: a generation in brackets names one too.
        let next = next.strip_prefix('(').unwrap_or(next);
        let word = &next[..next.find(|c: char| !alnum(c)).unwrap_or(next.len())];
        let mut then = next[word.len()..].trim_start();
        if matches!(word, "2nd" | "3rd" | "4th" | "5th") {
            // `2nd gen`, `3rd generation`: the ordinal is the generation's.
            let rest = then.strip_prefix("generation").or(then.strip_prefix("gen"));
            then = rest.map_or(then, str::trim_start);
        }
        let generation = matches!(word, "gen" | "generation");
        let ends_name = then.is_empty()
            || then.starts_with([',', '-', '(', ')', '|', '/', '\u{2013}'])
            || (generation && then.starts_with(|c: char| c.is_ascii_digit() && c != '1'));
        let number = if generation {
            let digits = then
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(then.len());
            format!(" {}", &then[..digits])
        } else {
            String::new()
        };
        (MODEL_VARIANTS.contains(&word) && !own.iter().any(|w| w == word) && ends_name)
            .then(|| format!("{phrase} {word}{}", number.trim_end()))
    })
}

/// Where folded `title` writes product code `code` (an MPN or a GTIN) as a word of
/// its own, ending there. An MPN may be written with or without its separators
/// (`ACX1-BLK`, `ACX1BLK`, `ACX1 BLK`), not as part of a longer code (`ACX1-BLK2`);
/// codes shorter than five letters and digits, or without a digit, are not looked
/// for (a title's words would match them). A GTIN is compared as 14 digits with
/// its check digit right, so `UPC 012345678905` names `0012345678905`.
fn code_in_title(title: &str, code: &str) -> Option<usize> {
    let want: Vec<char> = crate::ident::remembered(crate::ident::compact_code, code)
        .chars()
        .collect();
    if want.len() < 5 || !want.iter().any(char::is_ascii_digit) {
        return None;
    }
    if want.iter().all(char::is_ascii_digit) {
        let gtin = crate::ident::normalize_gtin(&want.iter().collect::<String>())?;
        return title
            .match_indices(|c: char| c.is_ascii_digit())
            .filter(|&(i, _)| !title[..i].ends_with(|c: char| c.is_ascii_digit()))
            .find_map(|(i, _)| {
                let run = &title[i..];
                let len = run.find(|c: char| !c.is_ascii_digit()).unwrap_or(run.len());
                (crate::ident::normalize_gtin(&run[..len]).as_deref() == Some(gtin.as_str()))
                    .then_some(i + len)
            });
    }
    let apart = |c: char| matches!(c, ' ' | '-' | '_' | '/' | '.');
    title.char_indices().find_map(|(start, _)| {
        if title[..start].ends_with(char::is_alphanumeric) {
            return None;
        }
        let mut rest = &title[start..];
        for (k, want) in want.iter().enumerate() {
            if k > 0 {
                rest = rest.strip_prefix(apart).unwrap_or(rest);
            }
            rest = rest.strip_prefix(*want)?;
        }
        let end = title.len() - rest.len();
        (!rest.starts_with(char::is_alphanumeric)).then_some(end)
    })
}

/// Nouns that name a thing made for the product when they follow its name in the
/// same clause: "Acme X1 Headphones Hard Case, Black", "Acme S2 Speaker Wall Mount".
/// Third-party accessory sellers title their goods this way as often as "Case for
/// Acme X1"; matched by the product's keywords, such a listing was the product at a
/// fraction of its floor (below the floor, a suspected counterfeit, held to twice
/// the floor as "… Case 2 Pack").
const ACCESSORY_NOUNS: &[&str] = &[
    "case",
    "cases",
    "cover",
    "covers",
    "sleeve",
    "sleeves",
    "skin",
    "skins",
    "pouch",
    "bag",
    "stand",
    "holder",
    "mount",
    "hanger",
    "hook",
    "charger",
    "cable",
    "cord",
    "adapter",
    "dock",
    "strap",
    "headband",
    "cushion",
    "cushions",
    "pads",
    "tips",
    "protector",
    "decal",
    "decals",
    // `… Headphones Protective Film`, `… Earpad Covers`, `… Keychain`.
    "film",
    "earpad",
    "earpads",
    "keychain",
    // `… Earbuds Earhook` (one word; `Ear Hooks` is read by `hooks`).
    "earhook",
    "earhooks",
    "sticker",
    "stickers",
    "clip",
    // Parts sold after the product's name (`… Headphones Ear Cups`, `… Repair Kit`,
    // `… Spare Parts`, `… Hinge`, `… Earbuds Ear Hooks`, `… Speaker Remote Control`):
    // at 19.99 each was the product below its floor and a suspected counterfeit.
    "cups",
    "kit",
    "parts",
    "screw",
    "screws",
    "hinge",
    "hinges",
    "hooks",
    "wings",
    "remote",
    // `… Speaker Battery`, `… Speaker AC Adapter`, `… Power Supply`, `… Wall
    // Bracket`, `… Headphones Manual`, `… Box and Manual`, `… Dust Cover` at 19.99
    // were the product below its floor and a suspected counterfeit. A battery is
    // a feature where a measure follows it (`… Speaker Battery 20H`, see
    // [`FEATURE_AFTER`]).
    "battery",
    "batteries",
    "supply",
    "bracket",
    "brackets",
    "manual",
    // `… Headphones User Guide`, `… Quick Start Guide` (printed or PDF).
    "guide",
    "guides",
    "adapters",
    "chargers",
    "cables",
    "lanyard",
    // `… Ear Pad Cushions`, `… Eartips`.
    "pad",
    "eartip",
    "eartips",
    "hülle",
    "tasche",
    "aufsätze",
    "aufsatz",
    "ladecase",
    "coque",
    "housse",
    "étui",
    "funda",
    "custodia",
    // German nouns alone, not only at a compound's end (`… Kopfhörer Ständer`).
    "ständer",
    "halterung",
    "kabel",
    "polster",
    "etui",
    // Pads, cables, chargers and stands in French, Spanish and Italian (`… Coussinets`,
    // `… Almohadillas de Repuesto`, `… Cavo`, `… Soporte` at 19.99 were the
    // product below its floor).
    "coussinets",
    "câble",
    "chargeur",
    "almohadillas",
    "cargador",
    "soporte",
    // French: a stand (`Acme X1 Casque Support`); `Support Bluetooth` is a feature.
    "support",
    "cuscinetti",
    "cavo",
    "caricatore",
    "supporto",
    // `… Headphones Dongle`, `… Hard Shell`, `… Bluetooth Transmitter` at 15 were
    // the product below its floor. Not "box" (`… Black Box Edition`).
    "dongle",
    "shell",
    "transmitter",
    // Parts and tags sold after the product's name (`… Headphones Left Ear Cup`,
    // `… Right Speaker Driver`, `… Charging Port Board`, `… Motherboard`, `… Mic
    // Boom`, `… Hang Tag`): at 19.99 each was the product below its floor and a
    // suspected counterfeit.
    "cup",
    "driver",
    "board",
    "motherboard",
    "mainboard",
    "pcb",
    "boom",
    "tag",
    "tags",
];

/// The same in Chinese and Japanese, which run on without spaces ("艾克米 X1 耳机耳罩"):
/// a word after the product's keywords that starts with one is the accessory, but
/// not "耳罩式" ("over-ear", of the headphones themselves).
const ACCESSORY_NOUNS_CJK: &[&str] = &[
    "保护壳",
    "保护套",
    "收纳包",
    "收纳盒",
    "耳罩",
    "耳套",
    "海绵套",
    "耳塞套",
    "充电线",
    "数据线",
    "充电器",
    "支架",
    "挂架",
    "贴纸",
    "贴膜",
    "配件",
    // A charging case, a cover, a headband's pad, one side of a pair, an empty
    // box, a dummy (`Acme X1 耳机 充电盒`, `… 单只 左耳`, `… 空盒`, `… 模型`: at ¥199
    // each was the headphones below their floor and a suspected counterfeit). Not
    // a bare `头梁`, `左耳`: features begin so (`头梁可调节`, `左耳触控`).
    "充电盒",
    "充电仓",
    "耳机套",
    "耳机包",
    "头梁垫",
    "单只",
    "左耳单只",
    "右耳单只",
    "空盒",
    "包装盒",
    "模型",
    // "Replacement …", "spare …" written before the noun (`替换耳罩`).
    "替换",
    "更换",
    "备用",
    "ケース",
    "カバー",
    "イヤーパッド",
    "イヤーピース",
    "スタンド",
    "充電ケーブル",
    // One side alone in Japanese (`Acme X1 ヘッドホン 左耳のみ` at 29.99 was the pair
    // below its floor); not a bare 片耳 (`片耳モード`, a feature).
    "左耳のみ",
    "右耳のみ",
    "片耳のみ",
    // Korean: a case, a pouch, ear pads and tips, a charger, a cable, a stand, a
    // cover (`Acme X1 헤드폰 케이스` at 29.99, the product's GTIN on the page, was
    // the headphones below their floor and a suspected counterfeit).
    "케이스",
    "파우치",
    "이어패드",
    "이어팁",
    "충전기",
    "케이블",
    "거치대",
    "커버",
];

/// The heads of German compound nouns naming an accessory (`Tragetasche`,
/// `Ohrpolster`, `Ladekabel`, `Wandhalterung`): written as one word, the
/// noun list missed them, and `Acme S2 Speaker Tragetasche` at 19.99 was the speaker
/// below its floor and a suspected counterfeit.
const COMPOUND_HEADS: &[&str] = &[
    "tasche",
    "hülle",
    "kabel",
    "polster",
    "halterung",
    "ständer",
    "aufsätze",
    "aufsatz",
    "ladegerät",
    "netzteil",
    "etui",
];

/// Is `word` a compound ending in one of [`COMPOUND_HEADS`] (longer than it)?
fn a_compound_accessory(word: &str) -> bool {
    COMPOUND_HEADS
        .iter()
        .any(|h| word.len() > h.len() + 2 && word.ends_with(h))
}

/// Nouns that, right after the product's name, sell something else than the
/// product and no accessory either: a picture of it, a voucher, a service for it
/// (`Acme X1 Headphones Poster`, `… Photo`, `… Gift Card`, `… Warranty
/// Extension`, `… Protection Plan`, `… Rental`). At 30 each was the headphones
/// below their floor and a suspected counterfeit. `card` is read only after
/// `gift` (`… Card Slot` is the speaker's).
const NOT_THE_ITEM: &[&str] = &[
    "photo",
    "photos",
    "photograph",
    "picture",
    "pictures",
    "poster",
    "posters",
    "wallpaper",
    "voucher",
    "vouchers",
    "coupon",
    "coupons",
    "giftcard",
    "warranty",
    "plan",
    "insurance",
    "rental",
    "subscription",
    "service",
    // A picture by another name, a document (`… (Image Only)`, `… Headphones
    // Digital Download Manual`, `… PDF`: at 19.99 the headphones below their
    // floor and a suspected counterfeit).
    "image",
    "images",
    "pdf",
    "ebook",
    "e-book",
    // The same in the marketplaces' other languages: a manual, a repair, a
    // rental, a voucher, a warranty extension (`Acme X1 Kopfhörer
    // Bedienungsanleitung`, `… Reparatur`, `… Cuffie Riparazione` at 19.99, the
    // product's GTIN on the page, were the headphones below their floor).
    "bedienungsanleitung",
    "anleitung",
    "handbuch",
    "manuale",
    "reparatur",
    "réparation",
    "reparación",
    "riparazione",
    "miete",
    "mieten",
    "alquiler",
    "noleggio",
    "gutschein",
    "garantieverlängerung",
];

/// [`NOT_THE_ITEM`] in Chinese, read at the start of the word after the product's
/// name as [`ACCESSORY_NOUNS_CJK`] are: a picture, a manual, a rental, a repair
/// (`Acme X1 耳机 说明书`, `… 租赁`, `… 维修` at ¥199 were the headphones below
/// their floor and a suspected counterfeit).
const NOT_THE_ITEM_CJK: &[&str] = &[
    "图片",
    "照片",
    "说明书",
    "租赁",
    "出租",
    "维修",
    // Japanese: a repair, a rental, a manual (`Acme X1 ヘッドホン 修理`).
    "修理",
    "レンタル",
    "説明書",
    "取扱説明書",
];

/// Words that describe such a thing between the product's name and its noun
/// (colours too, [`COLOURS`]).
const ACCESSORY_MODIFIERS: &[&str] = &[
    "hard",
    "soft",
    "protective",
    "travel",
    "carrying",
    "carry",
    "storage",
    "silicone",
    "leather",
    "shockproof",
    "charging",
    "wireless",
    "usb",
    "usb-c",
    "magnetic",
    "wall",
    "desk",
    "ear",
    "foam",
    "spare",
    // `… Headphones Audio Cable 3.5mm`, `… Speaker Power Adapter`.
    "audio",
    "power",
    "aux",
    // `Acme X1 Headphones Compatible Ear Pads`, `… Replacement Cable`, `… Universal
    // Charger`: at 19.99, with a brand file whose exclusion phrases lack them, the
    // headphones below their floor and a suspected counterfeit.
    "compatible",
    "replacement",
    "universal",
    // `… Headphones Bluetooth Adapter`, `… Repair Kit`, `… Cleaning Kit`.
    "bluetooth",
    "repair",
    "cleaning",
    "ac",
    "dc",
    "dust",
    "user",
    "instruction",
    "digital",
    "download",
    "printed",
    "box",
    "quick",
    "start",
    "setup",
    // German: `… Ohrpolster Ersatz` is read by its noun; "Ersatz" (replacement),
    // "Ohrstöpsel" (earbuds) before `Aufsätze` (tips).
    "ersatz",
    "ohrstöpsel",
    // `… Gift Card`, `… Extended Warranty`, `… Protection Plan`, `… Repair Service`
    // ([`NOT_THE_ITEM`]).
    "gift",
    "extended",
    "protection",
    // Sides and kinds of parts and pads (`… Left Ear Cup`, `… Speaker Driver`, `…
    // Cooling Gel Pads`, `… Protein Leather Cushions`, `… Sweat Cover`, `…
    // Upgrade Cable`, `… Hang Tag`).
    "left",
    "right",
    "speaker",
    "port",
    "mic",
    "sweat",
    "cooling",
    "gel",
    "protein",
    "upgrade",
    "upgraded",
    "hang",
    // `… Headphones Screen Protector`, `… Velour Pads`, `… Memory Foam Pads`, `…
    // Mod Kit`, `… Organizer Bag`, `… Tempered Glass Protector` at 19.99 were the
    // product below its floor and a suspected counterfeit.
    "screen",
    "tempered",
    "glass",
    "velour",
    "mesh",
    "fabric",
    "suede",
    "memory",
    "sheepskin",
    "lambskin",
    "mod",
    "organizer",
    "organiser",
    "eva",
    // `… Headphones Bluetooth Receiver Dongle`, `… Audio Transmitter Adapter`.
    "receiver",
    "transmitter",
    // A side before a part in Chinese (`艾克米 X1 耳机 左耳 单只` at ¥599 was the
    // pair below its floor); `左耳触控` (a feature) is one word, no side alone.
    "左耳",
    "右耳",
    "左边",
    "右边",
];

/// Words that, right after a noun above, say it is the product's feature, not a
/// thing sold: "Battery 20H", "Battery Life", "Battery-Powered" is one word.
const FEATURE_AFTER: &[&str] = &[
    "life",
    "playtime",
    "powered",
    "operated",
    "backup",
    "level",
    "indicator",
    "capacity",
];

/// Does the word after a battery make it a feature of the product: a measure or
/// one of [`FEATURE_AFTER`] ("Battery 20H Playtime", "Battery Life 30 Hours")? A
/// "manual" followed by another word describes it ("Manual Volume Control"), but
/// "Manual Only", "Manual and Box", "Manual Book" are the manual. Other nouns are
/// not read so: "Hard Case 2 Pack" is two cases.
fn a_feature_follows(noun: &str, next: Option<&str>) -> bool {
    match noun {
        "battery" | "batteries" => next.is_some_and(|w| {
            w.starts_with(|c: char| c.is_ascii_digit()) || FEATURE_AFTER.contains(&w)
        }),
        "manual" => next.is_some_and(|w| {
            !["only", "and", "&", "book", "guide", "pdf"].contains(&w) && !COLOURS.contains(&w)
        }),
        // `… Auriculares Soporte Bluetooth`: "supports", a feature.
        "soporte" | "supporto" | "support" => next.is_some_and(|w| {
            [
                "bluetooth",
                "multipunto",
                "multipoint",
                "nfc",
                "aptx",
                "ldac",
                "aac",
                "anc",
                "app",
            ]
            .contains(&w)
        }),
        // `… Headphones Tags Attached`: new, its tags on, the product itself.
        "tag" | "tags" => next.is_some_and(|w| ["attached", "on", "intact"].contains(&w)),
        // `… Headphones Photos Show Actual Item`: what the listing's photos show.
        "photo" | "photos" | "picture" | "pictures" => {
            next.is_some_and(|w| ["shows", "show", "are", "is", "taken", "of", "from"].contains(&w))
        }
        _ => false,
    }
}

/// Words after the noun that say it comes with the product: "… Headphones Case
/// Included", "… Headphones Case Bundle".
const INCLUDED: &[&str] = &[
    // Korean "included", "given free" (`… 케이스 포함`).
    "포함",
    "증정",
    "included",
    "includes",
    "incl",
    "inclusive",
    "inkl",
    "inklusive",
    "inclus",
    "incluido",
    "bundle",
    "combo",
    "set",
    "kit",
];

/// The accessory folded `title` names right after the keyword phrase that matched
/// it to a SKU (which ends at `end`), in the same clause ("hard case" in "acme x1
/// headphones hard case, black"): colours and describing words may stand between,
/// and the clause must not go on to say "included" or "bundle". A noun one of the
/// brand's own SKU keywords holds is no accessory (the brand may sell that thing).
/// A clause after a comma lists features ("…, Carrying Case, 30h Battery") and is
/// not read.
fn accessory_after(brand: &Brand, title: &str, end: usize) -> Option<String> {
    let rest = &title[end..];
    let clause = rest
        .find(|c: char| ends_clause(c) && c != '-')
        .into_iter()
        .chain(rest.find(" - "))
        .min()
        .map_or(rest, |at| &rest[..at]);
    let mut words = clause
        .split([' ', '/'])
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&' && c != '+'));
    let mut said: Vec<&str> = Vec::new();
    let across = noun_across(title, end);
    if let Some(n) = across {
        // The rest of the glued word is the noun's.
        words.next();
        said.push(n);
    }
    let noun = across.map_or_else(|| accessory_noun_in(&mut words, &mut said), Some)?;
    let mut words = words.peekable();
    if a_feature_follows(noun, words.peek().copied()) {
        return None;
    }
    // "Case Included", "Travel Case & Cable Included": anywhere later in the clause.
    let included = words.any(|w| INCLUDED.contains(&w));
    let owned = brand
        .skus
        .iter()
        .flat_map(|s| &s.keywords)
        .any(|k| has_word(&crate::ident::remembered(fold, k), noun));
    (!included && !owned).then(|| said.join(" "))
}

/// Characters after which a Chinese noun of [`ACCESSORY_NOUNS_CJK`] is none: a
/// kind (`耳罩式`, "over-ear"), a set (`耳机套装`, a bundle), and where the noun's last
/// character begins another word (`耳机包邮`, headphones with free shipping;
/// `耳机包括充电盒`, "the headphones include a charging case"), and Japanese
/// "with" (`ケース付き`, headphones with their case: read as the case, a missed
/// finding).
const NOT_A_NOUN_BEFORE: [char; 5] = ['式', '装', '邮', '括', '付'];

/// A Chinese or Japanese accessory noun that runs on from the product's name
/// across `end`, where the keywords ended inside a word (`x1 耳机套`, "earphone
/// cover", matched by the keywords `x1 耳机`: the noun begins inside them): at
/// ¥29.99 the headphones below their floor and a suspected counterfeit. Not a
/// set nor a kind (`耳机套装`, `耳罩式`), nor a noun after another word (`耳机送耳机套`,
/// a cover given with them: the noun must begin in the keywords' word).
fn noun_across(title: &str, end: usize) -> Option<&'static str> {
    let before = &title[..end];
    let glued = before.chars().next_back().is_some_and(|c| !c.is_ascii())
        && title[end..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace());
    if !glued {
        return None;
    }
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    // Only where the noun would reach past `end`: a few bytes, however long the
    // glued word (a hostile title of one word is read in linear time).
    ACCESSORY_NOUNS_CJK.iter().copied().find(|n| {
        (end.saturating_sub(n.len()).max(start)..end)
            .filter(|&p| title.is_char_boundary(p))
            .any(|p| {
                title[p..].starts_with(n)
                    && p + n.len() > end
                    && !title[p + n.len()..].starts_with(NOT_A_NOUN_BEFORE)
            })
    })
}

/// The accessory noun among `words`, read on from the product's name: colours and
/// describing words may stand before it, each pushed to `said` with the noun
/// ([`accessory_after`]).
fn accessory_noun_in<'t>(
    words: &mut impl Iterator<Item = &'t str>,
    said: &mut Vec<&'t str>,
) -> Option<&'t str> {
    loop {
        let w = words.next()?;
        if ACCESSORY_NOUNS.contains(&w)
            || a_compound_accessory(w)
            || NOT_THE_ITEM.contains(&w)
            || (w == "card" && said.last() == Some(&"gift"))
            // `… Headphones Storage Box`; not a box alone (`… Black Box Edition`).
            || (w == "box" && said.last() == Some(&"storage"))
        {
            said.push(w);
            return Some(w);
        }
        // "Made for it" written before the noun (`専用ケース`, `专用耳罩`: at 29.99 the
        // Japanese one was the headphones below their floor); not before anything
        // else (`専用アプリ対応`, "supports the dedicated app").
        let bare = ["専用", "专用"]
            .iter()
            .find_map(|p| w.strip_prefix(p))
            .unwrap_or(w);
        if let Some(n) = (ACCESSORY_NOUNS_CJK.iter())
            .chain(NOT_THE_ITEM_CJK)
            .find(|n| bare.starts_with(**n) && !bare[n.len()..].starts_with(NOT_A_NOUN_BEFORE))
        {
            said.push(n);
            return Some(n);
        }
        // "Black & White Case"; but "Headphones & Case", "+ Case" sell both.
        let joins = matches!(w, "and" | "&") && !said.is_empty();
        if !(COLOURS.contains(&w) || ACCESSORY_MODIFIERS.contains(&w) || joins) {
            return None;
        }
        said.push(w);
    }
}

/// Is `sku` itself an accessory the brand sells: do its name or keywords hold an
/// accessory noun or one of the exclusion phrases ("Acme X1 Travel Case")? Its own
/// GTIN on a "Travel Case for Acme X1 Headphones" identifies it. Any other SKU's
/// identifier on such a page is the product's, given to a listing of a thing for
/// it (accessory sellers fill the product's GTIN or MPN in as the "compatible
/// model"): matched by it, a case maker's listing was the headphones below their
/// floor, and with its own brand in the brand field a misbranding counterfeit.
fn an_accessory_sku(brand: &Brand, sku: &crate::config::Sku) -> bool {
    std::iter::once(&sku.name)
        .chain(&sku.keywords)
        .map(|n| fold(n))
        .any(|n| {
            ACCESSORY_NOUNS.iter().any(|w| has_word(&n, w))
                || brand
                    .policy
                    .exclusion_words
                    .iter()
                    .any(|w| has_word(&n, &fold(w)))
        })
}

/// Leaves out of `l`'s price the offers of its variants whose names say they
/// are another thing than the listing's product (see `crate::extract::variants`):
/// an accessory or a part as titles say it (an exclusion phrase, an accessory
/// noun after the product's name), or another of the brand's SKUs by its
/// keywords. A listing that is itself such a thing is left as it is: it is no
/// SKU's, whatever its variants.
pub fn leave_out_other_variants(brand: &Brand, l: &mut Listing) {
    if l.variants.is_empty() {
        return;
    }
    let names = brand_names(brand);
    let title = l.title.as_deref().map(fold).unwrap_or_default();
    if excluded(brand, &title, &names)
        .or_else(|| made_for_it(brand, &title, &names))
        .is_some()
    {
        return;
    }
    let sku = match_sku(brand, l).sku;
    // The product as the shortest title names it: the brand and the keywords the
    // title matched ("acme p3 earbuds"), which a variant's label is read after.
    let product = by_keywords(brand, &title)
        .zip(names.first())
        .map(|(m, n)| format!("{n} {}", fold(m.phrase)));
    l.leave_out_variants(|name| {
        let name = of_the_product(&title, product.as_deref(), &fold(name));
        if let Some(why) =
            excluded(brand, &name, &names).or_else(|| made_for_it(brand, &name, &names))
        {
            return Some(match why.strip_prefix("title ") {
                Some(rest) => format!("its name {rest}"),
                None => why,
            });
        }
        let m = by_keywords(brand, &name)?;
        let own = sku.as_deref()?;
        let neither = m.sku.id != own && m.also.is_none_or(|(other, _)| other.id != own);
        neither.then(|| format!("its name names {} by \"{}\", not {own}", m.sku.id, m.phrase))
    });
}

/// A variant's folded `name` as one title. Shops write the product's title, a
/// separator and the variant's label ("acme x1 headphones - travel case"); the
/// label is read after `product` (the brand and the keywords the title matched),
/// else right after the title: the separator, or a clause of the title after its
/// keywords ("…, compatible with iphone and android - replacement ear pads"),
/// would part the label from the product, and an accessory noun says what the
/// item is only in the product's clause ([`accessory_after`]), an exclusion phrase
/// only outside what comes with it ([`comes_with`]).
fn of_the_product(title: &str, product: Option<&str>, name: &str) -> String {
    match name.strip_prefix(title) {
        Some(rest) if !title.is_empty() && rest.starts_with([' ', '-', '/', '|', ':', ',']) => {
            let rest = rest.trim_start_matches([' ', '-', '/', '|', ':', ',', '–', '—']);
            format!("{} {rest}", product.unwrap_or(title))
        }
        _ => name.to_string(),
    }
}

/// Matches a listing to one of the brand's SKUs, strongest evidence first: an
/// exact GTIN (valid check digit) identifies its SKU whatever the title or brand
/// field says (sellers of diverted or fake goods leave the brand out on purpose;
/// a page naming another brand over the brand's GTIN is a misbranding signal);
/// an MPN does unless the page names another brand (MPNs are not unique across
/// brands); keywords (with the exclusion phrases) are the fallback for pages
/// without identifiers, and need the brand named.
pub fn match_sku(brand: &Brand, l: &Listing) -> SkuMatch {
    let BrandReading {
        title,
        brand_field,
        brand_ok,
        said,
        other_brand,
        decoy,
        names,
        models,
    } = read_brand(brand, l);
    let found = |sku: &crate::config::Sku, confidence, reason: &str, evidence: String| SkuMatch {
        sku: Some(sku.id.clone()),
        confidence,
        reason: reason.into(),
        evidence: format!("{evidence}; {said}"),
        other_brand: other_brand.clone(),
        decoy_brand: decoy.clone(),
        pack: units_of(sku, &title, &names, &models, l.multi_buy.as_ref()),
    };
    let none = |reason: String| SkuMatch {
        sku: None,
        confidence: 0,
        reason,
        evidence: String::new(),
        other_brand: None,
        decoy_brand: None,
        pack: None,
    };
    let accessory = made_for_it(brand, &title, &names);
    // A title selling a thing for the product outweighs the product's identifier
    // on its page ([`an_accessory_sku`]).
    let identified =
        |sku: &crate::config::Sku, confidence, reason: &str, id: String| match &accessory {
            Some(why) if !an_accessory_sku(brand, sku) => none(format!(
                "{why}; the page's {id} is {}'s, given to a listing of a thing for it",
                sku.id
            )),
            _ => found(sku, confidence, reason, id),
        };
    let gtins: Vec<String> = l.gtin.iter().filter_map(|g| normalize_gtin(g)).collect();
    for sku in &brand.skus {
        if let Some(g) = gtins.iter().find(|g| sku.gtin.contains(g)) {
            return identified(sku, 100, "gtin", format!("GTIN {g}"));
        }
    }
    if let Some(mpn) = l.mpn.as_deref().filter(|_| other_brand.is_none())
        && let Some(sku) = sku_by_mpn(brand, mpn)
    {
        return identified(sku, 95, "mpn", format!("MPN {mpn}"));
    }
    if let Some(why) = excluded(brand, &title, &names)
        .or(accessory)
        .or_else(|| compared_with(brand, &title, &names))
    {
        return none(why);
    }
    if !brand_ok {
        return none(match brand_field {
            Some(b) => format!("brand is \"{b}\", not {}", brand.name),
            None => format!("title does not name {}", brand.name),
        });
    }
    if let Some(m) = by_keywords(brand, &title) {
        if let Some(why) = not_the_keywords_sku(brand, &m, &title) {
            return none(why);
        }
        let (sku, evidence) = keyword_evidence(&m, &title, l);
        return found(sku, 80, "title", evidence);
    }
    none("names the brand but no SKU's GTIN, MPN or keywords".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand() -> Brand {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/demo");
        crate::config::Config::load(&dir)
            .expect("demo targets")
            .brand
    }

    fn listing(title: &str, brand: Option<&str>) -> Listing {
        Listing {
            marketplace: "shopusa".into(),
            url: "http://x/1".into(),
            listing_id: "1".into(),
            title: Some(title.into()),
            brand: brand.map(String::from),
            seller: Default::default(),
            price: None,
            price_basis: crate::extract::PriceBasis::List,
            list_price: None,
            coupon_price: None,
            price_choice: None,
            variants: Vec::new(),
            gtin: Vec::new(),
            mpn: None,
            condition: None,
            price_in_cart: None,
            auction: None,
            multi_buy: None,
            charset: "UTF-8".into(),
            charset_source: "default".into(),
            sources: Default::default(),
            missing: Default::default(),
            unreadable: None,
        }
    }

    #[test]
    fn a_multipack_counts_the_skus_in_it_and_says_its_floor() {
        let mut b = brand();
        let usd = crate::money::Currency::new("USD").unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let mut l = listing("Acme P3 True Wireless Earbuds (Pack of 2)", None);
        l.price = Some(crate::money::Money::new(
            rust_decimal::Decimal::new(6000, 2),
            usd.clone(),
        ));
        let v = crate::judge::judge(&b, &l, at, None);
        assert_eq!(v.sku_match.pack.as_ref().map(|p| p.count), Some(2));
        let below = v
            .findings
            .iter()
            .find(|f| f.kind == crate::judge::FindingKind::BelowFloor)
            .expect("60.00 for two is under 49.00 each");
        assert_eq!(
            below.detail,
            "advertised 60.00 USD is below the floor of 98.00 USD (2 × 49.00 USD: the title says \"pack of 2\")"
        );
        // A SKU that is itself a pack of two: a pack of four is two of it, a
        // listing of that pack one.
        b.skus[2].name = "Acme P3 True Wireless Earbuds 2-Pack".into();
        l.title = Some("Acme P3 True Wireless Earbuds (Pack of 4)".into());
        assert_eq!(match_sku(&b, &l).pack.map(|p| p.count), Some(2));
        l.title = Some("Acme P3 True Wireless Earbuds, 2 Pack".into());
        assert_eq!(match_sku(&b, &l).pack, None);
        l.title = Some("Acme P3 True Wireless Earbuds, 3 Pack".into());
        assert_eq!(
            match_sku(&b, &l).pack,
            None,
            "three is no number of two-packs"
        );
    }

    /// The price box's multi-buy (`3 for $120.00`) counts items as a title's pack
    /// does, and with one: three two-packs are six items.
    #[test]
    fn a_multi_buy_counts_the_items_its_price_is_for() {
        let b = brand();
        let usd = crate::money::Currency::new("USD").unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let below = |l: &Listing| {
            crate::judge::judge(&b, l, at, None)
                .findings
                .into_iter()
                .find(|f| f.kind == crate::judge::FindingKind::BelowFloor)
                .map(|f| f.detail)
        };
        let mut l = listing("Acme P3 True Wireless Earbuds", None);
        l.price = Some(crate::money::Money::new(
            rust_decimal::Decimal::new(12000, 2),
            usd,
        ));
        assert_eq!(below(&l), None, "120.00 for one is over 49.00");
        l.multi_buy = Some(crate::extract::price::MultiBuy {
            count: 3,
            words: "3 for".into(),
        });
        assert_eq!(
            below(&l).as_deref(),
            Some(
                "advertised 120.00 USD is below the floor of 147.00 USD (3 × 49.00 USD: the \
                 price box says \"3 for\")"
            )
        );
        l.title = Some("Acme P3 True Wireless Earbuds (Pack of 2)".into());
        let m = match_sku(&b, &l);
        assert_eq!(m.pack.as_ref().map(|p| p.count), Some(6));
        assert_eq!(
            below(&l).as_deref(),
            Some(
                "advertised 120.00 USD is below the floor of 294.00 USD (6 × 49.00 USD: the \
                 title says \"pack of 2\" and the price box \"3 for\")"
            )
        );
    }

    #[test]
    fn a_floor_finding_on_the_lowest_of_several_prices_says_so() {
        let b = brand();
        let mut l = listing("Acme X1 Wireless Noise-Cancelling Headphones", None);
        l.price = Some(crate::money::Money::new(
            rust_decimal::Decimal::new(14999, 2),
            crate::money::Currency::new("USD").unwrap(),
        ));
        let detail = |l: &Listing| {
            // A day no promotion of the demo brand runs.
            let at = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
                .unwrap()
                .to_utc();
            crate::judge::judge(&b, l, at, None)
                .findings
                .into_iter()
                .find(|f| f.kind == crate::judge::FindingKind::BelowFloor)
                .map(|f| f.detail)
        };
        assert_eq!(
            detail(&l).as_deref(),
            Some("advertised 149.99 USD is below the floor of 199.00 USD")
        );
        l.price_choice = Some("the lowest of 2 prices on the page: 149.99, 259.99".into());
        assert_eq!(
            detail(&l).as_deref(),
            Some(
                "advertised 149.99 USD (the lowest of 2 prices on the page: 149.99, 259.99 — which variant sells at it, the page does not say) is below the floor of 199.00 USD"
            )
        );
        // An auction's box shows its bid beside its Buy It Now price: no variants.
        l.auction = Some("starting bid".into());
        assert_eq!(
            detail(&l).as_deref(),
            Some(
                "advertised 149.99 USD (the lowest of 2 prices on the page: 149.99, 259.99) (an auction's bid, as the page says (\"starting bid\"); its starting bid, the seller's price, was no higher) is below the floor of 199.00 USD"
            )
        );
    }

    #[test]
    fn an_item_for_the_product_is_none_and_what_comes_in_its_box_is() {
        let b = brand();
        let sku = |t: &str| match_sku(&b, &listing(t, None)).sku;
        // An item for the brand's product is not the product, whatever its brand
        // field says.
        for title in [
            "Ear Cushions for Acme X1 Headphones, Soft Foam",
            "Charger Cable for the Acme S2 Speaker",
            "Silicone Tips for use with Acme P3 Earbuds",
            "Fits Acme X1 Headphones - Velour Pads",
            "Ohrpolster für Acme X1 Headphones",
            "Coussinets pour Acme X1 headphones",
            "兼容艾克米 X1 耳机 耳罩",
        ] {
            let m = match_sku(&b, &listing(title, Some("Generic")));
            assert_eq!(m.sku, None, "{title}");
            assert!(
                m.reason.contains("only as what its item is for"),
                "{title}: {}",
                m.reason
            );
        }
        // The word after the model, with a keyword that every one of these titles
        // holds: "Acme X1 ヘッドホン iPhone対応" is the headphones (compatible with
        // an iPhone).
        let mut x1 = b.clone();
        x1.skus[0].keywords = vec!["x1".into()];
        for (title, sku) in [
            ("Acme X1用 イヤーパッド 交換", None),
            ("艾克米X1专用耳罩 蛋白皮", None),
            ("Acme X1 対応 ケース", None),
            ("Acme X1 ヘッドホン iPhone対応", Some("ACME-X1")),
            ("艾克米 X1 耳机 用于通勤", Some("ACME-X1")),
        ] {
            assert_eq!(
                match_sku(&x1, &listing(title, None)).sku.as_deref(),
                sku,
                "{title}"
            );
        }
        // What comes in the box is no accessory listing.
        let mut unset = b.clone();
        unset.policy.exclusion_words = crate::config::DEFAULT_EXCLUSION_WORDS
            .iter()
            .map(|w| w.to_string())
            .collect();
        for (title, sku) in [
            (
                "Acme P3 Earbuds with Charging Case and 3 Sizes of Ear Tips",
                Some("ACME-P3"),
            ),
            ("Acme X1 Headphones + Replacement Ear Pads", Some("ACME-X1")),
            ("Acme X1 Headphones Replacement Ear Pads", None),
            ("Acme P3 Earbuds Ear Tips, Silicone", None),
            ("Acme X1 Headphones Dummy / Display Model", None),
            // One earbud of a pair is a part, not the product.
            ("Acme P3 Earbuds Right Earbud Only", None),
            ("Acme P3 True Wireless Earbuds - Left Side Only", None),
            ("Acme P3 Earbuds Single Earbud", None),
            // The packaging or the manual without the product.
            ("Acme X1 Headphones - Box Only", None),
            ("Acme X1 Headphones Retail Packaging Only", None),
            ("Acme X1 Headphones Manual only", None),
        ] {
            assert_eq!(
                match_sku(&unset, &listing(title, None)).sku.as_deref(),
                sku,
                "{title}"
            );
        }
        for title in [
            "Acme X1 Headphones for Travel",
            "Acme X1 Headphones, Ear Cushions for Comfort",
            "Gift for Dad: Acme X1 Headphones",
            "Perfect for travel - Acme X1 headphones",
            "艾克米 X1 耳机 用于通勤",
            "Acme X1 Headphones 家用",
        ] {
            assert_eq!(sku(title).as_deref(), Some("ACME-X1"), "{title}");
        }
    }

    /// Chinese titles naming a part, a case, an empty box or a dummy, a manual, a
    /// rental or a repair, or a lookalike after the product are none of its;
    /// features and a set stay the product.
    #[test]
    fn chinese_parts_services_and_lookalikes_are_none() {
        let b = brand();
        for title in [
            "Acme X1 耳机 充电盒",
            "Acme X1 耳机 单只 左耳",
            "Acme X1 耳机 左耳单只",
            "Acme X1 耳机 左耳 单只",
            "Acme X1 耳机 右边 耳罩",
            "Acme X1 耳机 左耳のみ",
            "Acme X1 耳机 耳机套",
            "Acme X1 耳机 头梁垫",
            "Acme X1 耳机 空盒",
            "Acme X1 耳机 模型",
            // Run on from the keywords' last word (`x1 耳机`).
            "Acme X1耳机套",
            "Acme X1 耳机套",
            "Acme X1 耳机包",
            "艾克米X1耳机套",
        ] {
            an_accessory(&b, title);
        }
        for title in [
            "Acme X1 耳机 说明书",
            "Acme X1 耳机 租赁",
            "Acme X1 耳机 维修",
        ] {
            no_sku_saying(&b, title, super::NOT_THE_ITEM_SAID);
        }
        for title in ["Acme X1 耳机 平替", "Acme X1 耳机 同款"] {
            no_sku_saying(&b, title, "only to compare another maker's item");
        }
        for title in [
            "Acme X1 耳机 头梁可调节",
            "Acme X1 耳机 左耳触控",
            "Acme X1 耳机 左耳 触控",
            "Acme X1 耳机 耳机套装",
            "Acme X1 耳机 正品 全新",
            "Acme X1 耳机套装",
            "Acme X1 耳机包邮",
            "Acme X1耳机包括充电盒",
            "Acme X1 耳机送耳机套",
            "Acme X1耳机黑色",
        ] {
            the_product(&b, title);
        }
    }

    /// `title` is no SKU's, read as an accessory for the product.
    fn an_accessory(b: &Brand, title: &str) {
        let m = match_sku(b, &listing(title, None));
        assert_eq!(m.sku, None, "{title}");
        assert!(
            m.reason.contains("an accessory for the product")
                || m.reason.contains("a part of the product sold alone"),
            "{title}: {}",
            m.reason
        );
    }

    /// `title` is no SKU's, and the reason says `why`.
    fn no_sku_saying(b: &Brand, title: &str, why: &str) {
        let m = match_sku(b, &listing(title, None));
        assert_eq!(m.sku, None, "{title}");
        assert!(m.reason.contains(why), "{title}: {}", m.reason);
    }

    /// `title` is the X1's (named so) or else the S2's.
    fn the_product(b: &Brand, title: &str) {
        let m = match_sku(b, &listing(title, None));
        let sku = if title.contains("X1") {
            "ACME-X1"
        } else {
            "ACME-S2"
        };
        assert_eq!(m.sku.as_deref(), Some(sku), "{title}: {}", m.reason);
    }

    /// Parts, pads and tags named after the product: at 19.99 each was the
    /// product below its floor and a suspected counterfeit.
    #[test]
    fn parts_pads_and_tags_after_the_product_are_none() {
        let b = brand();
        for title in [
            "Acme X1 Headphones Left Ear Cup",
            "Acme X1 Headphones Right Speaker Driver",
            "Acme X1 Headphones Charging Port Board",
            "Acme X1 Headphones Motherboard",
            "Acme X1 Headphones Mic Boom",
            "Acme X1 Headphones Sweat Cover",
            "Acme X1 Headphones Cooling Gel Pads",
            "Acme X1 Headphones Protein Leather Cushions",
            "Acme X1 Headphones Upgrade Cable",
            "Acme X1 Headphones Storage Box",
            "Acme X1 Headphones Hang Tag",
            "Acme X1 Headphones Digital Download Manual",
            "Acme X1 Headphones User Manual PDF",
            "Acme X1 Headphones Screen Protector",
            "Acme X1 Headphones Tempered Glass Protector",
            "Acme X1 Headphones Velour Pads",
            "Acme X1 Headphones Memory Foam Pads",
            "Acme X1 Headphones Mod Kit",
            "Acme X1 Headphones Organizer Bag",
            "Acme X1 Headphones Earhook",
            "Acme X1 Headphones Bluetooth Receiver Dongle",
        ] {
            an_accessory(&b, title);
        }
        // The accessory first, then the brand, without "for".
        for title in [
            "Hard Case Acme X1 Headphones",
            "Ear Pads Acme X1 Headphones",
        ] {
            let m = match_sku(&b, &listing(title, None));
            assert_eq!(m.sku, None, "{title}");
            assert!(
                m.reason.contains("before Acme's name"),
                "{title}: {}",
                m.reason
            );
        }
        for title in [
            "Case + Acme X1 Headphones",
            "Case and Acme X1 Headphones",
            "Hard Case Acme X1 Headphones Bundle",
            "Black Acme X1 Headphones",
            "Wireless Acme X1 Headphones",
        ] {
            the_product(&b, title);
        }
        for title in [
            "Acme X1 Headphones PDF User Manual",
            "Acme X1 Headphones (Photo Only)",
            "Acme X1 Headphones - Image Only, Read Description",
        ] {
            no_sku_saying(&b, title, super::NOT_THE_ITEM_SAID);
        }
        for title in [
            "Acme X1 Headphones Black Box Edition",
            "Acme X1 Headphones Left",
            "Acme S2 Speaker",
            "Acme X1 Headphones Sweat Resistant",
            "Acme X1 Headphones 40mm Drivers",
            "Acme X1 Headphones Upgraded Version",
            "Acme X1 Headphones Tags Attached",
            "Acme X1 Headphones Hang Tag On",
            "Acme X1 Headphones Digital Noise Cancelling",
            "Acme X1 Headphones (Photos Show Actual Item)",
            "Acme X1 Headphones Velour",
            "Acme X1 Headphones Memory Foam Ear Cushions Included",
        ] {
            the_product(&b, title);
        }
    }

    #[test]
    fn an_accessory_named_after_the_product_is_none() {
        let b = brand();
        for title in [
            "Acme X1 Headphones Hard Case, Black",
            "Acme X1 Wireless Noise-Cancelling Headphones Hard Case 2 Pack Black",
            "Acme S2 Speaker Wall Mount",
            "Acme P3 Earbuds Black & White Silicone Cover",
            "Acme X1 Headphones Hülle (Schwarz)",
            "Acme P3 Earbuds Charging Case - Black",
            "Acme艾克米 X1 无线降噪耳机 耳罩 蛋白皮",
            "艾克米X1耳机保护壳",
            "Acme X1 耳机 支架",
            "Acme X1 Headphones Audio Cable 3.5mm",
            "Acme X1 Headphones Protective Film",
            "Acme X1 Headphones Earpad Covers",
            "Acme S2 Speaker Power Adapter",
            "Acme X1 Headphones Compatible Ear Pads",
            "Acme X1 Headphones Compatible Charger",
            "Acme S2 Speaker Universal Wall Mount",
            // German compounds and words, a Chinese "replacement", a singular pad.
            "Acme S2 Speaker Tragetasche",
            "Acme X1 Headphones Ohrpolster Ersatz",
            "Acme P3 Earbuds Ohrstöpsel Aufsätze",
            "Acme P3 Earbuds Ladecase Ersatz",
            "Acme X1 耳机 替换耳罩",
            "Acme X1 Headphones Ear Pad Cushions Memory Foam",
            "Acme P3 Earbuds Eartips",
            "Acme X1 Headphones Coussinets",
            "Acme X1 Headphones Almohadillas de Repuesto",
            "Acme X1 Headphones Cavo",
            "Acme X1 Headphones Soporte",
            "Acme X1 Headphones Dongle",
            "Acme X1 Headphones Hard Shell",
            "Acme X1 Headphones Bluetooth Transmitter",
        ] {
            an_accessory(&b, title);
        }
        for title in [
            "Acme X1 Headphones with Hard Case",
            "Acme X1 Headphones + Case",
            "Acme X1 Headphones & Case",
            "Acme X1 Headphones, Carrying Case, 30h Battery",
            "Acme X1 Headphones Case Included",
            "Acme X1 Headphones Hard Case Bundle",
            "Acme X1 Headphones Travel Case & Cable Included",
            "Acme X1 Headphones 2 Pack Black",
            "Acme X1 Headphones Wireless Bluetooth - Black",
            "Acme S2 Speaker (Black) Stand Not Included",
            "Acme艾克米 X1 耳机 耳罩式 降噪",
            "Acme艾克米 X1 无线降噪耳机 正品行货",
            "Acme X1 Headphones Compatible with iPhone",
            "Acme X1 Headphones Universal Fit, Black",
            "Acme S2 Speaker Showcase Edition",
            "Acme X1 Headphones Bluetooth Kabellos",
            "Acme X1 Headphones Ersatz",
        ] {
            the_product(&b, title);
        }
        // Japanese, with the model as the keyword.
        let mut x1 = b.clone();
        x1.skus[0].keywords = vec!["x1".into()];
        for (title, sku) in [
            ("Acme X1 イヤーパッド 交換", None),
            ("Acme X1 ワイヤレスヘッドホン", Some("ACME-X1")),
        ] {
            let m = match_sku(&x1, &listing(title, None));
            assert_eq!(m.sku.as_deref(), sku, "{title}: {}", m.reason);
        }
        // A thing the brand sells itself is its SKU, not an accessory.
        let mut own = b.clone();
        own.skus[2].keywords.push("p3 charging case".into());
        let m = match_sku(&own, &listing("Acme P3 Earbuds Charging Case", None));
        assert_eq!(m.sku.as_deref(), Some("ACME-P3"), "{}", m.reason);
    }

    /// A picture of the product, a voucher or a service for it, sold after its name.
    #[test]
    fn a_picture_voucher_or_service_named_after_the_product_is_none() {
        let b = brand();
        for title in [
            "Acme X1 Headphones Poster",
            "Acme X1 Headphones Photo",
            "Acme X1 Headphones Gift Card",
            "Acme X1 Headphones Coupon",
            "Acme X1 Headphones Warranty Extension",
            "Acme X1 Headphones Extended Warranty",
            "Acme S2 Speaker Protection Plan",
            "Acme X1 Headphones Rental",
            "Acme X1 Headphones Repair Service",
        ] {
            no_sku_saying(&b, title, "a voucher or a service");
        }
        for title in [
            "Acme X1 Headphones with 2 Year Warranty",
            "Acme X1 Headphones Gift Box",
            "Acme S2 Speaker Card Slot",
            "Acme X1 Headphones Extended Battery Life",
            "Acme X1 Headphones, Photo Shows Actual Item",
            "Acme X1 Headphones Photos Show Actual Item",
            "Acme X1 Headphones Soporte Bluetooth 5.3",
            "Acme X1 Headphones Pictures Are of the Item",
            "Acme X1 Headphones Warranty Included",
        ] {
            the_product(&b, title);
        }
    }

    /// Parts and the things in a product's box, sold after its name: at 19.99
    /// each was the product below its floor and a suspected counterfeit.
    #[test]
    fn a_part_named_after_the_product_is_none() {
        let b = brand();
        for title in [
            "Acme X1 Headphones Ear Cups",
            "Acme X1 Headphones Repair Kit",
            "Acme X1 Headphones Spare Parts",
            "Acme X1 Headphones Hinge",
            "Acme X1 Headphones Bluetooth Adapter",
            "Acme P3 Earbuds Ear Hooks",
            "Acme S2 Speaker Remote Control",
            "Acme X1 Headphones Battery",
            "Acme S2 Speaker Battery Pack",
            "Acme S2 Speaker Spare Batteries",
            "Acme S2 Speaker Power Supply",
            "Acme S2 Speaker AC Adapter",
            "Acme S2 Speaker Wall Bracket",
            "Acme X1 Headphones Manual",
            "Acme X1 Headphones User Manual",
            "Acme X1 Headphones Manual Book",
            // The accessory first, the product after "for": `for_the_product`.
            "Acme Ear Pads for X1 Headphones",
            "Acme Ear Pads for Acme X1 Headphones",
            "Acme Charging Cable for P3 Earbuds",
            "Acme X1 Headphones Box and Manual",
            "Acme X1 Headphones Dust Cover",
            "Acme X1 Headphones User Guide",
            "Acme S2 Speaker Quick Start Guide",
            // A part alone, in any clause after the name: `a_part_alone`.
            "Acme P3 Earbuds, Case Only",
            "Acme P3 Earbuds - Charging Case Only",
            "Acme P3 Earbuds Left Ear Only",
            "Acme P3 Earbuds Right Bud",
            "Acme P3 Earbuds (Left Side)",
            "Acme X1 Headphones Right Earcup Only",
            "Acme X1 Headphones Right Ear Cup Only",
            "Acme X1 Headphones Left Earcup",
            "Acme P3 Earbuds - Left Earphone Only",
            "Acme P3 Earbuds Right Bud Only",
        ] {
            an_accessory(&b, title);
        }
        for title in [
            "Acme X1 Headphones Bluetooth 5.3, Black",
            "Acme X1 Headphones For Parts or Repair",
            "Acme X1 Headphones Kit Included",
            "Acme S2 Speaker Battery 20H Playtime",
            "Acme S2 Speaker Battery Life 24 Hours",
            "Acme S2 Speaker Battery-Powered, Black",
            "Acme S2 Speaker Box",
            "Acme X1 Headphones with Microphone",
            "Acme X1 Headphones Manual Volume Control",
            "Acme X1 Headphones Quick Charge, Black",
            "Acme X1 Headphones Only, No Case",
            "Acme X1 Headphones, Left and Right Channels",
            "Acme X1 Headphones, Right Price",
            "Acme X1 Headphones, Touch Control on Right Ear Cup, Black",
            "Acme X1 Headphones, Touch Control on Right Earcup",
            "Acme X1 Headphones, Volume Buttons on the Left Ear Cup",
            "Acme X1 Headphones with Case for Travel",
            "Acme Gift for Dad: X1 Headphones",
        ] {
            the_product(&b, title);
        }
    }

    #[test]
    fn an_accessory_title_outweighs_the_products_identifiers() {
        let b = brand();
        let x1 = b.skus[0].clone();
        for (title, field) in [
            ("Sonora Hard Case for Acme X1 Headphones", Some("Sonora")),
            ("Acme X1 Headphones Hard Case, Black", Some("Unbranded")),
            ("Ear Cushions for Acme X1 Headphones", None),
            // Titles in languages the keywords are not written in, read after
            // the brand's model (each was the product below its floor).
            ("Acme X1 Ladekabel", None),
            ("Acme X1 Kopfhörer Ständer", None),
            ("Acme X1 Casque Coussinets", None),
            ("Acme X1 Ohrpolster Ersatz", None),
            ("Acme X1 ヘッドホン 用 イヤーパッド", None),
            ("Acme X1 Kopfhörer Bedienungsanleitung", None),
            ("Acme X1 Cuffie Riparazione", None),
            ("Acme X1 ヘッドホン 修理", None),
            // A noun run on from the model or the product's noun, and Korean's.
            ("Acme X1充电线", None),
            ("Acme X1保护套", None),
            ("Acme X1ケース", None),
            ("Acme X1 ヘッドホンケース", None),
            ("Acme X1 헤드폰 케이스", None),
            ("Acme X1케이스", None),
            ("Acme X1 ヘッドホン 専用ケース", None),
        ] {
            let mut by_gtin = listing(title, field);
            by_gtin.gtin = vec![x1.gtin[0].clone()];
            let mut by_mpn = listing(title, field);
            by_mpn.mpn = Some(x1.mpn[0].clone());
            for (l, id) in [(by_gtin, "GTIN"), (by_mpn, "MPN")] {
                let m = match_sku(&b, &l);
                assert_eq!(m.sku, None, "{title} ({id}): {}", m.reason);
                // An MPN under another brand's name identifies nothing anyway.
                let read = id == "GTIN" || field != Some("Sonora");
                assert!(
                    !read
                        || (m.reason.contains(&format!("the page's {id}"))
                            && m.reason.contains("ACME-X1")),
                    "{title}: {}",
                    m.reason
                );
            }
        }
        // The brand's own accessory is matched by its identifier as before.
        let mut own = b.clone();
        own.skus.push(crate::config::Sku {
            id: "ACME-X1-CASE".into(),
            name: "Acme X1 Travel Case".into(),
            gtin: vec!["00012345678936".into()],
            mpn: vec!["ACX1-CASE".into()],
            keywords: vec!["x1 travel case".into()],
            floor: x1.floor.clone(),
        });
        let mut l = listing("Travel Case for Acme X1 Headphones", None);
        l.gtin = vec!["0012345678936".into()];
        assert_eq!(match_sku(&own, &l).sku.as_deref(), Some("ACME-X1-CASE"));
        // A title without an accessory keeps the product's GTIN, and so does one
        // with an exclusion phrase that may be said of the product.
        for title in [
            "Wireless noise cancelling headphones, black",
            "Acme X1 Headphones, Compatible with iPhone and Android",
            "Acme X1 Kopfhörer Schwarz",
            "Acme X1 Casque Support Bluetooth 5.3",
            "Acme X1 ヘッドホン iPhone対応",
            "Acme X1 ヘッドホン ケース付き",
            "Acme X1 ヘッドホンケース付き",
            "Acme X1 ヘッドホン 専用アプリ対応",
            "Acme X1 헤드폰 케이스 포함",
            "Acme X1 헤드폰 블랙",
        ] {
            let mut l = listing(title, None);
            l.gtin = vec![x1.gtin[0].clone()];
            assert_eq!(match_sku(&b, &l).sku.as_deref(), Some("ACME-X1"), "{title}");
        }
    }

    #[test]
    fn of_two_skus_named_alike_the_first_is_sold() {
        let b = brand();
        for (title, sku, also) in [
            (
                "Acme S2 Speaker - pairs with Acme X1 Headphones",
                "ACME-S2",
                "ACME-X1",
            ),
            (
                "Acme X1 Headphones (works with the Acme S2 Speaker)",
                "ACME-X1",
                "ACME-S2",
            ),
            (
                "Acme P3 Earbuds, case fits X1 Headphones too",
                "ACME-P3",
                "ACME-X1",
            ),
        ] {
            let m = match_sku(&b, &listing(title, None));
            assert_eq!(m.sku.as_deref(), Some(sku), "{title}: {}", m.evidence);
            assert!(
                m.evidence.contains(&format!("also names {also}")),
                "{title}: {}",
                m.evidence
            );
        }
    }

    #[test]
    fn variants_are_read_as_titles_of_the_product_and_a_listing_of_an_accessory_keeps_them() {
        assert_eq!(
            of_the_product(
                "acme x1 headphones",
                None,
                "acme x1 headphones - travel case"
            ),
            "acme x1 headphones travel case"
        );
        assert_eq!(
            of_the_product("acme x1 headphones", None, "acme x1 headphones / black"),
            "acme x1 headphones black"
        );
        // After the product's shortest title: a title's later clause parts nothing.
        assert_eq!(
            of_the_product(
                "acme p3 earbuds, compatible with iphone",
                Some("acme p3 earbuds"),
                "acme p3 earbuds, compatible with iphone - replacement ear pads"
            ),
            "acme p3 earbuds replacement ear pads"
        );
        // Not the title's prefix as a whole word, or no title: as written.
        assert_eq!(
            of_the_product("acme x1", None, "acme x1headphones case"),
            "acme x1headphones case"
        );
        assert_eq!(of_the_product("", None, "travel case"), "travel case");
        let b = brand();
        let usd = crate::money::Currency::new("USD").unwrap();
        let money = |a: &str| crate::money::Money::new(a.parse().unwrap(), usd.clone());
        let with_variants = |title: &str| {
            let mut l = listing(title, None);
            l.price = Some(money("19.99"));
            l.price_choice = Some("the lowest of 2 offers of the seller: 19.99, 249.99".into());
            l.variants = [("Black", "249.99"), ("Replacement Ear Pads", "19.99")]
                .iter()
                .map(|(n, p)| crate::extract::PricedVariant {
                    name: Some(format!("{title} - {n}")),
                    price: money(p),
                })
                .collect();
            l
        };
        let mut l = with_variants("Acme X1 Headphones");
        leave_out_other_variants(&b, &mut l);
        assert_eq!(l.price, Some(money("249.99")));
        // A listing of ear pads is no SKU's: its variants are left as they are.
        let mut l = with_variants("Acme X1 Replacement Ear Pads");
        leave_out_other_variants(&b, &mut l);
        assert_eq!(l.price, Some(money("19.99")));
    }

    /// Titles naming the brand only to compare another maker's item with it:
    /// each was the headphones below their floor, a complaint claiming Acme's
    /// product where the listing says it is not.
    #[test]
    fn a_title_comparing_another_item_with_the_brand_s_is_no_sku() {
        let b = brand();
        let sku = |t: &str| match_sku(&b, &listing(t, None));
        for (title, said) in [
            ("X1 Headphones (not Acme)", "not"),
            ("Alternative to the Acme X1 Headphones", "alternative to"),
            ("Similar to Acme X1 Headphones", "similar to"),
            ("Inspired by Acme X1 Headphones", "inspired by"),
            ("Like Acme X1 Headphones, Budget Wireless", "like"),
            ("Acme-Style X1 Headphones", "style"),
            ("Acme X1 Headphones Alternative", "alternative"),
            ("Zeta Acme-like X1 Headphones", "like"),
            ("Zeta X1 Headphones (Acme compatible)", "compatible"),
            ("Zeta X1 Headphones, Acme-Compatible", "compatible"),
            ("Acme Inspired X1 Headphones", "inspired"),
            ("Acme-Inspired X1 Headphones", "inspired"),
            ("Acme X1 Headphones Dupe", "dupe"),
            ("Acme X1 Headphones Lookalike, Budget", "lookalike"),
            ("Acme X1 Dupe Headphones", "dupe"),
            ("Budget Dupe of Acme X1 Headphones", "dupe"),
            ("Acme X1 Look-Alike Wireless Headphones", "look-alike"),
            ("艾克米 X1 平替 耳机", "平替"),
        ] {
            let m = sku(title);
            assert_eq!(m.sku, None, "{title}");
            assert!(
                m.reason.contains(&format!("(\"{said}\")")),
                "{title}: {}",
                m.reason
            );
        }
        for title in [
            "Acme X1 Headphones, Style: Over-Ear",
            "Acme X1 Headphones Style Black",
            "Acme X1 Headphones, Like New Condition",
            "Acme X1 Headphones - Not Refurbished",
            "Acme X1 Headphones vs Sony WH-1000",
            "Acme X1 Headphones Like New",
            "Acme Like New X1 Headphones",
            "Acme X1 Headphones Inspired Design",
            // The brand's counterfeit words decide such a title.
            "Acme X1 Headphones Replica, like the original",
        ] {
            assert_eq!(sku(title).sku.as_deref(), Some("ACME-X1"), "{title}");
        }
    }

    /// A SKU's MPN or GTIN in a title naming the brand names the SKU; before,
    /// "names the brand but no SKU's GTIN, MPN or keywords".
    #[test]
    fn a_sku_s_code_in_the_title_names_it() {
        let b = brand();
        for (title, sku, evidence) in [
            (
                "Acme Headphones ACX1-BLK",
                "ACME-X1",
                "title MPN \"ACX1-BLK\"",
            ),
            ("Acme Headphones ACX1BLK", "ACME-X1", "title MPN"),
            ("Acme Headphones acx1 blk, Black", "ACME-X1", "title MPN"),
            ("Acme Speaker (ACS2-RED)", "ACME-S2", "title MPN"),
            ("Acme Headphones 0012345678905", "ACME-X1", "title GTIN"),
            ("Acme Headphones UPC 012345678905", "ACME-X1", "title GTIN"),
        ] {
            let m = match_sku(&b, &listing(title, None));
            assert_eq!(m.sku.as_deref(), Some(sku), "{title}: {}", m.reason);
            assert!(m.evidence.contains(evidence), "{title}: {}", m.evidence);
        }
        for title in [
            // Another code, a wrong check digit, a case pack's GTIN-14.
            "Acme Headphones ACX1-BLK2",
            "Acme Headphones XACX1-BLK",
            "Acme Headphones 0012345678906",
            "Acme Headphones 10012345678905",
            // The brand not named, or the code named as what an accessory fits.
            "Headphones ACX1-BLK",
            "Acme ACX1-BLK Ear Pads",
            "Ear Pads for Acme ACX1-BLK",
            "Acme Ear Pads for ACX1-BLK",
            "Acme Case fits ACX1-BLK",
        ] {
            let m = match_sku(&b, &listing(title, None));
            assert_eq!(m.sku, None, "{title}: {}", m.evidence);
        }
        // The MPN field too, written without its separators.
        for written in ["ACX1BLK", "acx1 blk"] {
            let mut l = listing("Acme Wireless Headphones", None);
            l.mpn = Some(written.into());
            let m = match_sku(&b, &l);
            assert_eq!(
                (m.sku.as_deref(), m.confidence),
                (Some("ACME-X1"), 95),
                "{written}"
            );
        }
    }

    #[test]
    fn a_count_at_the_end_of_another_thing_is_no_pack() {
        let b = brand();
        for (title, count) in [
            ("Acme X1 Headphones 40mm Drivers x 2", None),
            ("Acme S2 Speaker with 10W Woofer × 2", None),
            ("Acme X1 Headphones x2", Some(2)),
            ("Acme X1 Headphones Black x2", Some(2)),
            ("Acme X1 Headphones - Black x 3", Some(3)),
        ] {
            let m = match_sku(&b, &listing(title, None));
            assert!(m.sku.is_some(), "{title}");
            assert_eq!(m.pack.map(|p| p.count), count, "{title}");
        }
    }

    #[test]
    fn a_model_at_the_title_s_end_is_no_count() {
        let mut b = brand();
        b.skus[1].keywords = vec!["x2 speaker".into()];
        let m = match_sku(&b, &listing("Acme Portable Speaker X2", None));
        assert_eq!(m.sku.as_deref(), Some("ACME-S2"));
        assert_eq!(m.pack.map(|p| p.count), None);
        // Where no model is so named, "x2" at the end counts two.
        let m = match_sku(&brand(), &listing("Acme X1 Headphones x2", None));
        assert_eq!(m.pack.map(|p| p.count), Some(2));
    }

    /// With the built-in exclusion phrases, an accessory noun listed among the
    /// product's features (Amazon's titles) made the listing an accessory's.
    #[test]
    fn a_feature_listed_after_the_product_is_no_accessory_listing() {
        let mut b = brand();
        b.policy.exclusion_words = crate::config::DEFAULT_EXCLUSION_WORDS
            .iter()
            .map(|w| w.to_string())
            .collect();
        for (title, sku) in [
            (
                "Acme X1 Wireless Noise Cancelling Headphones, Bluetooth 5.3, 30H Playtime, \
                 Soft Ear Cushions, Black",
                Some("ACME-X1"),
            ),
            (
                "Acme X1 Headphones with Mic, Deep Bass, Memory Foam Ear Pads, Foldable",
                Some("ACME-X1"),
            ),
            // Right after the product, or after a colour only, it says what is sold.
            ("Acme X1 Headphones - Protein Leather Ear Cushions", None),
            ("Acme X1 Headphones, Ear Pads, Black, Protein Leather", None),
            ("Acme X1 Headphones, Black, Ear Pads", None),
            ("Acme X1 Headphones (Black), Ear Pads", None),
            (
                "Acme X1 Headphones, Black, Replacement Ear Pads, Memory Foam",
                None,
            ),
            (
                "Ear Pads for Acme X1 Headphones, Protein Leather, Memory Foam",
                None,
            ),
        ] {
            assert_eq!(
                match_sku(&b, &listing(title, None)).sku.as_deref(),
                sku,
                "{title}"
            );
        }
    }

    #[test]
    fn a_model_written_apart_and_a_noun_in_the_other_number_name_the_sku() {
        let b = brand();
        let sku = |t: &str| match_sku(&b, &listing(t, None)).sku;
        for (title, want) in [
            ("Acme X-1 Wireless Noise Cancelling Headphones", "ACME-X1"),
            ("Acme X 1 Headphones", "ACME-X1"),
            ("ACME X1 Wireless Headphone", "ACME-X1"),
            ("Acme S2 Portable Speakers", "ACME-S2"),
        ] {
            assert_eq!(sku(title).as_deref(), Some(want), "{title}");
        }
        // Another model, and an accessory written so, are not the SKU.
        for title in [
            "Acme X12 Headphones",
            "Acme X 10 Headphones",
            "Acme XX1 Headphones",
            "Acme X-1 Headphone Case",
        ] {
            assert_eq!(sku(title), None, "{title}");
        }
        assert_eq!(word_forms("x1"), ["x1", "x-1", "x 1"]);
        assert_eq!(word_forms("headphones"), ["headphones", "headphone"]);
        assert_eq!(word_forms("wireless"), ["wireless"]);
        assert_eq!(word_forms("耳机"), ["耳机"]);
    }

    #[test]
    fn a_model_named_only_as_what_the_item_is_for_is_no_sku() {
        let b = brand();
        for title in [
            "Acme Wireless Headphones for ThinkPad X1 Carbon",
            "Acme Speaker for Samsung Galaxy S2",
            "Acme Studio Headphones - Model H7 - pairs with Acme X1",
            "Acme Headphone for ThinkPad X1",
        ] {
            no_sku_saying(&b, title, "only as what its item is for");
        }
        for (title, sku) in [
            ("Acme X1 Headphones for Travel", "ACME-X1"),
            ("Acme Headphones X1 for Gaming", "ACME-X1"),
            ("Acme X1 Headphones, for iPhone and Android", "ACME-X1"),
            ("Acme S2 Speaker - pairs with Acme X1 Headphones", "ACME-S2"),
            ("Gift for Dad and Mom Acme X1 Headphones", "ACME-X1"),
        ] {
            assert_eq!(
                match_sku(&b, &listing(title, None)).sku.as_deref(),
                Some(sku),
                "{title}"
            );
        }
    }

    #[test]
    fn a_brand_field_holding_the_brand_s_shop_names_the_brand() {
        let b = brand();
        for field in [
            "AcmeStore",
            "Acme-Official",
            "OfficialAcme",
            "ACME Inc.",
            "艾克米旗舰店",
        ] {
            let m = match_sku(&b, &listing("Acme X1 Headphones", Some(field)));
            assert_eq!(m.sku.as_deref(), Some("ACME-X1"), "{field}: {}", m.reason);
        }
        for field in ["AcmeTech", "Acmex", "StoreAcme", "Sony"] {
            let m = match_sku(&b, &listing("Acme X1 Headphones", Some(field)));
            assert_eq!(m.sku, None, "{field}");
        }
    }

    #[test]
    fn a_title_offering_products_to_choose_from_is_held_to_the_lowest_floor() {
        let b = brand();
        let usd = crate::money::Currency::new("USD").unwrap();
        let m = |t: &str| {
            let mut l = listing(t, None);
            l.price = Some(crate::money::Money::new(
                "150".parse().unwrap(),
                usd.clone(),
            ));
            match_sku(&b, &l)
        };
        for (title, sku) in [
            ("Acme X1 Headphones or S2 Speaker (choose)", "ACME-S2"),
            (
                "Acme X1 Headphones / S2 Speaker / P3 Earbuds - Select Model",
                "ACME-P3",
            ),
            ("Acme X1 Headphones, P3 Earbuds - Various", "ACME-P3"),
            ("Acme X1 Headphones | S2 Speaker | P3 Earbuds", "ACME-P3"),
            ("艾克米 X1 耳机 S2 音箱 任选", "ACME-S2"),
        ] {
            let got = m(title);
            assert_eq!(got.sku.as_deref(), Some(sku), "{title}");
            assert!(got.evidence.contains("to choose from"), "{}", got.evidence);
        }
        // A bundle's price is for all; one product named beside another, the first.
        for (title, sku) in [
            ("Acme X1 Headphones and Acme S2 Speaker Bundle", "ACME-X1"),
            ("Acme X1 Headphones or S2 Speaker Bundle", "ACME-X1"),
            ("Acme S2 Speaker - pairs with Acme X1 Headphones", "ACME-S2"),
            ("Acme X1 Headphones, Black or White", "ACME-X1"),
            (
                "Acme X1 Headphones - works with Acme S2 Speaker or any phone",
                "ACME-X1",
            ),
            // A product given free with the item is no choice offered.
            ("Acme X1 Headphones | Free Acme P3 Earbuds", "ACME-X1"),
            ("Acme X1 Headphones / Bonus S2 Speaker", "ACME-X1"),
            ("艾克米 X1 耳机 | 送 S2 音箱", "ACME-X1"),
        ] {
            assert_eq!(m(title).sku.as_deref(), Some(sku), "{title}");
        }
    }

    #[test]
    fn a_model_s_code_with_a_variant_word_is_another_model() {
        let mut b = brand();
        let m = |b: &Brand, t: &str| match_sku(b, &listing(t, None));
        for (title, named) in [
            ("Acme X1 Pro Headphones", "x1 pro"),
            ("Acme X1 Mini Wireless Headphones", "x1 mini"),
            ("Acme X1-Lite Headphones", "x1 lite"),
            ("Acme X1+ Headphones", "x1+"),
            ("Acme X1 Gen 2 Headphones", "x1 gen"),
            ("ACME X 1 II Headphones", "x 1 ii"),
            ("Acme P3 Max Earbuds", "p3 max"),
        ] {
            no_sku_saying(&b, title, &format!("\"{named}\""));
        }
        // The model itself, praise, a bundle, and what comes after the noun.
        for title in [
            "Acme X1 Headphones",
            "Acme X1 Gen 1 Headphones",
            "Acme X1 Pro-Grade Wireless Headphones",
            "Acme X1 Headphones Pro Sound",
            "Acme X1 Wireless Headphones + Free Case",
        ] {
            assert_eq!(m(&b, title).sku.as_deref(), Some("ACME-X1"), "{title}");
        }
        // A variant the SKU's own name holds, and a variant listed as a SKU.
        b.skus[0].name = "Acme X1 Pro Wireless Headphones".into();
        assert_eq!(
            m(&b, "Acme X1 Pro Headphones").sku.as_deref(),
            Some("ACME-X1")
        );
        b.skus[0].name = "Acme X1 Wireless Headphones".into();
        let mut mini = b.skus[0].clone();
        mini.id = "ACME-X1-MINI".into();
        mini.keywords = vec!["x1 mini headphones".into()];
        b.skus.push(mini);
        let got = m(&b, "Acme X1 Mini Headphones");
        assert_eq!(got.sku.as_deref(), Some("ACME-X1-MINI"), "{}", got.reason);
    }

    /// A variant word right after the keyword, ending the product's name, names
    /// another model too (`Galaxy Buds Pro` is not `Galaxy Buds`): `Acme X1
    /// Headphones Pro` at 150 was held to the X1's floor of 199.00.
    #[test]
    fn a_variant_word_after_the_keyword_is_another_model() {
        let b = brand();
        for (title, named) in [
            ("Acme X1 Headphones Pro", "x1 headphones pro"),
            ("Acme X1 Headphones Mini, Black", "x1 headphones mini"),
            ("Acme X1 Headphones SE (2026)", "x1 headphones se"),
            ("Acme X1 Headphones Max - Silver", "x1 headphones max"),
            ("Acme X1 Headphones Gen 2", "x1 headphones gen 2"),
            ("Acme X1 Headphones (2nd Gen)", "x1 headphones 2nd"),
            (
                "Acme X1 Headphones 3rd Generation, Black",
                "x1 headphones 3rd",
            ),
            ("Acme X1 Headphones (Gen 2)", "x1 headphones gen 2"),
            ("Acme X1 Headphones Kids", "x1 headphones kids"),
            ("Acme X1 Headphones Jr", "x1 headphones jr"),
            ("Acme X1 Headphones Go", "x1 headphones go"),
            ("Acme X1 Kids Headphones", "x1 kids"),
            ("Acme X1 Duo Headphones", "x1 duo"),
            ("Acme X1 Headphones V2", "x1 headphones v2"),
            ("Acme X1 V3 Headphones", "x1 v3"),
        ] {
            no_sku_saying(&b, title, &format!("\"{named}\""));
        }
        // More words after it (a conjunction, praise), the first generation, a
        // separator before it: the model itself.
        for title in [
            "Acme X1 Headphones Plus Carrying Case",
            "Acme X1 Headphones Pro Audio Quality",
            "Acme X1 Headphones Gen 1",
            "Acme X1 Headphones - Pro",
            "Acme X1 Headphones (Black)",
            "Acme X1 Headphones (1st Gen)",
            "Acme X1 Headphones for Kids",
            "Acme X1 Headphones Kids Safe Volume Limit",
            "Acme X1 Headphones (2 Pack)",
            "Acme X1 Headphones, Go Anywhere",
            "Acme X1 Headphones V1",
        ] {
            let got = match_sku(&b, &listing(title, None));
            assert_eq!(
                got.sku.as_deref(),
                Some("ACME-X1"),
                "{title}: {}",
                got.reason
            );
        }
    }

    /// What fits the model (`Acme X1 Headphones Compatible`, `… X1 Compatible
    /// Charger`) is no X1: at 15 it was the headphones below their floor.
    /// `Compatible with` after the model says what the X1 works with.
    #[test]
    fn a_model_named_as_what_its_item_is_compatible_with_is_no_sku() {
        let b = brand();
        for (title, said) in [
            ("Acme X1 Headphones Compatible", "x1 headphones compatible"),
            ("Acme X1 Compatible Charger for Headphones", "x1 compatible"),
            (
                "Acme X1 Headphones - Compatible Charging Case",
                "x1 headphones - compatible",
            ),
        ] {
            no_sku_saying(&b, title, &format!("(\"{said}\")"));
        }
        let x1 = match_sku(
            &b,
            &listing("Acme X1 Headphones, Compatible with iPhone", None),
        );
        assert_eq!(x1.sku.as_deref(), Some("ACME-X1"));
    }

    #[test]
    fn titles_match_in_any_case_and_width_and_exclusions_win() {
        let b = brand();
        let sku = |t: &str| match_sku(&b, &listing(t, None)).sku;
        assert_eq!(
            sku("ACME X1 Wireless HEADPHONES").as_deref(),
            Some("ACME-X1")
        );
        assert_eq!(
            sku("ＡＣＭＥ Ｘ１ ｈｅａｄｐｈｏｎｅｓ").as_deref(),
            Some("ACME-X1")
        );
        assert_eq!(
            sku("Acme艾克米 S2 便携蓝牙音箱").as_deref(),
            Some("ACME-S2")
        );
        assert_eq!(sku("Protective Case for Acme X1 Headphones"), None);
        assert_eq!(sku("适用于Acme X1 耳机 保护套"), None);
        assert_eq!(sku("Compatible with ACME X1 headphones cable"), None);
        assert_eq!(sku("Acme X1 Case for Headphones"), None);
        assert_eq!(sku("适用于Acme X1 耳机 保护套"), None);
        // Said of something else, the phrase excludes nothing.
        assert_eq!(
            sku("Acme X1 Wireless Headphones, Bluetooth 5.3, Compatible with iPhone & Android")
                .as_deref(),
            Some("ACME-X1")
        );
        assert_eq!(
            sku("Acme艾克米 X1 无线降噪耳机 适用于苹果安卓").as_deref(),
            Some("ACME-X1")
        );
        // A warranty offered with the product, not a part; in the product's own
        // clause it may be a warranty sold alone.
        for t in [
            "Acme X1 Headphones, 2-Year Replacement Warranty",
            "Acme X1 Headphones - Replacement Guarantee",
        ] {
            assert_eq!(sku(t).as_deref(), Some("ACME-X1"), "{t}");
        }
        assert_eq!(sku("Acme X1 Headphones 2-Year Replacement Warranty"), None);
        assert_eq!(sku("Acme X1 Headphones Replacement Ear Pads"), None);
        assert_eq!(sku("Sonora X1 headphones"), None);
        assert_eq!(sku("Acme X10 headphones"), None);
        // The brand field, when present, decides the brand.
        assert_eq!(
            match_sku(&b, &listing("X1 headphones", Some("Sonora"))).sku,
            None
        );
        assert_eq!(
            match_sku(&b, &listing("X1 headphones", Some("ACME")))
                .sku
                .as_deref(),
            Some("ACME-X1")
        );
    }

    #[test]
    fn below_the_confidence_threshold_nothing_is_judged() {
        let mut b = brand();
        b.policy.min_match_confidence = 90;
        let mut l = listing("Acme X1 headphones", None);
        l.price = Some(crate::money::Money::new(
            rust_decimal::Decimal::ONE,
            crate::money::Currency::new("USD").unwrap(),
        ));
        let v = crate::judge::judge(&b, &l, chrono::Utc::now(), None);
        assert_eq!(v.sku_match.sku, None, "title matches score 80");
        assert!(v.sku_match.reason.contains("min_match_confidence"));
        assert!(v.findings.is_empty());
        // The same listing with its GTIN is matched and judged.
        l.gtin = vec!["0012345678905".into()];
        assert!(
            !crate::judge::judge(&b, &l, chrono::Utc::now(), None)
                .findings
                .is_empty()
        );
    }

    #[test]
    fn floors_compare_in_their_own_currency_only() {
        let b = brand();
        let mut l = listing("Acme X1 headphones", None);
        l.seller.id = Some("nwaudio".into());
        l.price = Some(crate::money::Money::new(
            rust_decimal::Decimal::ONE,
            crate::money::Currency::new("EUR").unwrap(),
        ));
        let v = crate::judge::judge(&b, &l, chrono::Utc::now(), None);
        assert!(v.findings.is_empty(), "{:?}", v.findings);
        assert_eq!(v.notes, ["no floor for currency EUR"]);
    }

    #[test]
    fn gtin_beats_title_and_scores_highest() {
        let b = brand();
        let mut l = listing("Acme headphones", None);
        l.gtin = vec!["012345678905".into()];
        let m = match_sku(&b, &l);
        assert_eq!((m.sku.as_deref(), m.confidence), (Some("ACME-X1"), 100));
    }

    /// A title denying a counterfeit word does not call the item that: sellers of
    /// genuine goods write "Not Fake" and "No Replicas" in titles.
    #[test]
    fn a_denied_counterfeit_word_is_no_signal() {
        for title in [
            "acme x1 headphones 100% genuine, not fake",
            "acme x1 headphones - no fakes - authentic",
            "acme x1 headphones (not a replica)",
            "acme x1 headphones, beware of fakes, buy genuine",
            "acme x1 headphones no more replicas",
            "acme x1 headphones kein fake",
            "casque acme x1 original, aucune contrefaçon",
            "艾克米 x1 耳机 正品 非高仿",
            "艾克米 x1 耳机 拒绝仿品",
            "acme x1 headphones stand 1:10 scale",
            "acme x1 headphones fakeproof seal",
            // Said of a material, a ratio, an exchange.
            "acme x1 headphones, fake leather headband",
            "acme s2 speaker, 1:1 stereo pairing",
            "acme x1 headphones (authentic, 1:1 warranty exchange)",
            "acme x1 headphones, replica-free guarantee",
            "acme x1 headphones 100% fake-free",
            "acme x1 headphones, if fake full refund",
            "acme x1 headphones - fake? 10x money back",
            "acme x1 headphones genuine (pay 10x if fake)",
            "acme x1 headphones refund if it's fake",
            "acme x1 headphones fakes beware",
            "acme x1 headphones without replica",
        ] {
            for word in ["fake", "replica", "contrefaçon", "高仿", "仿品", "1:1"] {
                assert!(!calls_it(title, word), "{title} / {word}");
            }
        }
        for (title, word) in [
            ("acme x1 headphones replica", "replica"),
            ("acme x1 headphones replicas aaa", "replica"),
            ("acme x1 headphones 1:1 quality", "1:1"),
            ("艾克米 x1 耳机 高仿", "高仿"),
            ("fake acme x1 headphones", "fake"),
            ("acme x1 no box, replica", "replica"),
            ("acme x1 headphones fake, leather case", "fake"),
            ("acme x1 headphones 1:1 copy", "1:1"),
            ("acme x1 headphones replica free shipping", "replica"),
            ("acme x1 headphones replica-freeship", "replica"),
            (
                "acme x1 headphones replica, full refund if not satisfied",
                "replica",
            ),
            ("acme x1 headphones fake - money back guarantee", "fake"),
        ] {
            assert!(calls_it(title, word), "{title} / {word}");
        }
    }

    #[test]
    fn whole_words_only() {
        assert!(has_word("acme x1 headphones", "x1"));
        assert!(!has_word("acme x10 headphones", "x1"));
        assert!(has_word("acme艾克米 x1 无线降噪耳机", "耳机"));
    }

    #[test]
    fn a_price_within_the_grace_is_not_under_the_floor() {
        let mut b = brand();
        let mut l = listing("Acme X1 headphones", None);
        l.seller.id = Some("nwaudio".into());
        let usd = |s: &str| {
            Some(crate::money::Money::new(
                s.parse().unwrap(),
                crate::money::Currency::new("USD").unwrap(),
            ))
        };
        let below = |b: &Brand, l: &Listing| {
            crate::judge::judge(b, l, chrono::Utc::now(), None)
                .findings
                .iter()
                .any(|f| f.kind == crate::judge::FindingKind::BelowFloor)
        };
        l.price = usd("198.50"); // floor 199.00: 0.25% under
        assert!(below(&b, &l), "no grace by default");
        b.confirm.grace_percent = rust_decimal::Decimal::ONE;
        assert!(!below(&b, &l), "within 1%");
        l.price = usd("196.00"); // 1.5% under
        assert!(below(&b, &l), "beyond 1%");
    }
}
