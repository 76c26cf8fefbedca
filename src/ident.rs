//! Identifiers as the brand file and marketplace pages write them, reduced to what
//! identifies: GTINs (with their check digit), seller names and the key a seller
//! is known by. A leaf module: config (validating the brand file), judge (matching
//! pages) and case (grouping findings by seller) all use it, and it uses none of them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use unicode_normalization::UnicodeNormalization;

/// Most strings [`remembered`] keeps per function and thread before it forgets
/// them all: a brand file's names, aliases, keywords and codes are far fewer.
const REMEMBERED_MOST: usize = 4096;

/// One reduction's remembered results, by the string reduced.
type Reductions = HashMap<Box<str>, Rc<str>>;

thread_local! {
    static REMEMBERED: RefCell<HashMap<usize, Reductions>> = RefCell::new(HashMap::new());
}

/// `reduce(s)`, computed once per thread and remembered: for strings of the brand
/// file (seller names, keywords, codes), which judging every listing reduced again
/// (confusable skeletons, folding): 15% of judging's time went to the skeletons of
/// the same distributors' names (`cargo bench --bench extract`, `judge_listing`).
/// Only for the brand file's strings: a page's are each seen once.
pub fn remembered(reduce: fn(&str) -> String, s: &str) -> Rc<str> {
    // The function's address tells the reductions apart (two functions folded into
    // one by the linker compute the same).
    let kind = reduce as usize;
    REMEMBERED.with(|memo| {
        let mut memo = memo.borrow_mut();
        let seen = memo.entry(kind).or_default();
        if let Some(v) = seen.get(s) {
            return Rc::clone(v);
        }
        if seen.len() >= REMEMBERED_MOST {
            seen.clear();
        }
        let v: Rc<str> = reduce(s).into();
        seen.insert(s.into(), Rc::clone(&v));
        v
    })
}

/// Case- and width-folded text: NFKC (full-width to half-width), lower case, single
/// spaces. What every comparison of page text against the brand file goes through.
///
/// A trade mark sign is a space: NFKC writes `™` as "TM", and `ACME™ X1
/// Headphones` (as listings often write the brand) read "acmetm", a title that
/// named no Acme. Characters that show nothing (zero-width spaces and joiners, the
/// soft hyphen, a stray byte-order mark) are dropped: `Ac\u{200B}me` shows a buyer
/// "Acme" and hid the brand from every comparison.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return ascii_folded(s, true);
    }
    unicode_folded(s)
        .chars()
        .flat_map(char::to_lowercase)
        .collect()
}

/// [`fold`] but for the lower-casing: the same words, as the page cases them.
pub fn fold_cased(s: &str) -> String {
    if s.is_ascii() {
        return ascii_folded(s, false);
    }
    unicode_folded(s)
}

/// [`fold_cased`] of any text.
fn unicode_folded(s: &str) -> String {
    s.chars()
        .filter(|c| !shows_nothing(*c))
        .map(|c| if matches!(c, '™' | '℠') { ' ' } else { c })
        .nfkc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`fold`] (or, not `lower`, [`fold_cased`]) of ASCII text, in one pass and one
/// allocation: NFKC leaves ASCII as it is and no ASCII character shows nothing, so
/// what is left is the spacing and the case. Titles and brand keywords are mostly
/// ASCII and the matcher folds them many times a listing: the general path (NFKC,
/// three allocations) was 3.7% of a real-weight scan's CPU. The same whitespace as
/// `split_whitespace` (`char::is_whitespace`, which counts the vertical tab,
/// unlike `u8::is_ascii_whitespace`).
fn ascii_folded(s: &str, lower: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        match lower {
            true => out.extend(word.chars().map(|c| c.to_ascii_lowercase())),
            false => out.push_str(word),
        }
    }
    out
}

/// The UTS #39 confusable skeleton of `s` (unicode-security), lower-cased: two
/// texts a reader takes for the same have the same skeleton (`Асме` with
/// Cyrillic letters, `Acme`).
pub fn skeleton(s: &str) -> String {
    // Lower-cased after: the skeleton of a digit zero is a capital O.
    unicode_security::confusable_detection::skeleton(s)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Format characters a page can put inside a word without changing what it shows
/// (inside a name, and inside a price's number: [`crate::extract::price`]).
pub(crate) fn shows_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Byte offsets where `word` begins in `hay` (overlapping ones too); none for an
/// empty word. The one substring search of the whole-word matchers (price box
/// words, conditions, auction words, title keywords), each of which judges the
/// word's edges its own way. Found by the word's first byte (`memchr`) and a
/// comparison, not `str::match_indices`: the hays are titles and price texts of a
/// few words, and std's substring searcher, built anew for each of the ~200 words
/// checked around every amount, cost more than the searching (1.7% of a
/// real-weight scan's CPU in a profile of 2026-12-03). Every offset is a char
/// boundary: a word starts with a UTF-8 lead byte, which no continuation byte equals.
pub fn occurrences<'a>(hay: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (h, w) = (hay.as_bytes(), word.as_bytes());
    w.first()
        .map(|&first| memchr::memchr_iter(first, h).filter(move |&i| h[i..].starts_with(w)))
        .into_iter()
        .flatten()
}

/// What a seller name looks like: [`normalize_seller`], then the UTS #39
/// confusable skeleton (unicode-security), so "Nоrthwind Аudio" with Cyrillic
/// letters, "N0rthwind" or a full-width copy reads like the name it imitates.
/// For spotting impersonation, never for identity: ids are identity.
pub fn name_skeleton(name: &str) -> String {
    skeleton(&normalize_seller(name))
}

/// Words an impersonator dresses a distributor's name in: a claim of office, a
/// region, a company form ([`imitates`]).
const DRESSING: &[&str] = &[
    "official",
    "authorized",
    "authorised",
    "dealer",
    "reseller",
    "distributor",
    "seller",
    "outlet",
    "company",
    "corporation",
    "corp",
    "limited",
    "gmbh",
    "us",
    "usa",
    "uk",
    "eu",
    // The same in other words and languages (`Northwind Audio Authorised Retailer`,
    // `… Offizieller Händler`, `… Distribuidor Oficial`, `… 官方授权`, `…
    // Deutschland` from an unknown shop had no impersonation signal).
    "retailer",
    "partner",
    "offizieller",
    "offizielle",
    "händler",
    "vertragshändler",
    "autorisierter",
    "officiel",
    "officielle",
    "revendeur",
    "agréé",
    "distributeur",
    "oficial",
    "distribuidor",
    "autorizado",
    "ufficiale",
    "rivenditore",
    "autorizzato",
    "官方授权",
    "授权",
    "官方",
    "공식스토어",
    "공식몰",
    "공식",
    "germany",
    "deutschland",
    "france",
    "españa",
    "espana",
    "italia",
    "italy",
    "europe",
    "canada",
    "australia",
];

/// Does seller name `shown` look like `name` (a distributor's name, alias or
/// account id)? Their [`name_skeleton`]s are equal, or are once the words of
/// `DRESSING` are taken from the ends of `shown`: `Northwind Audio - Authorized
/// Dealer`, `Northwind Audio Official`, `Northwind Audio (US)` from an unknown
/// shop were an unauthorised seller with no impersonation signal. Only `shown` is
/// undressed: a distributor named `Audio Outlet` is not imitated by `Audio`.
pub fn imitates(shown: &str, name: &str) -> bool {
    let want = name_skeleton(name);
    !want.is_empty() && name_forms(shown).contains(&want)
}

/// The [`name_skeleton`]s seller name `shown` may imitate a name by ([`imitates`]):
/// its own first, then each way of taking `DRESSING` words off its ends (a word
/// left). Computed once per listing, compared with every distributor's names.
pub fn name_forms(shown: &str) -> Vec<String> {
    let mut forms = vec![name_skeleton(shown)];
    // Dressing inside a shop suffix is at the name's end once the suffix is off
    // (`Northwind Audio Official Flagship Store` had no impersonation signal).
    let folded = shop_suffixes_off(shown, true);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let dressed = |w: &&&str| DRESSING.contains(*w);
    let lead = words.iter().take_while(dressed).count();
    let trail = words.iter().rev().take_while(dressed).count();
    for i in 0..=lead {
        for j in 0..=trail {
            if i + j < words.len() && (i, j) != (0, 0) {
                forms.push(name_skeleton(&words[i..words.len() - j].join(" ")));
            }
        }
    }
    forms
}

/// A seller name reduced to what identifies it: folded, punctuation dropped, and the
/// shop-type suffixes marketplaces add ("Official Store", "旗舰店") removed as
/// whole words (a CJK suffix wherever it ends the name). Taken off inside a word,
/// `Costco` was `cost` and a shop named `Cost Shop` imitated distributor Costco: a
/// sworn counterfeit ground resting on a name it does not share.
pub fn normalize_seller(name: &str) -> String {
    strip_shop_suffixes(name, true)
}

/// A seller name as [`seller_key`] has always reduced it: as [`normalize_seller`],
/// but with suffixes taken off inside a word too (`Acme Disco` is `acmedis`). The
/// keys of sellers without ids are stored with their cases and findings; reduced
/// anew, such a seller's history would split. Never used to compare names.
fn key_name(name: &str) -> String {
    strip_shop_suffixes(name, false)
}

/// [`normalize_seller`] and [`key_name`]: `whole_words` takes an ASCII suffix off
/// only where a space (a dropped punctuation mark) stands before it.
fn strip_shop_suffixes(name: &str, whole_words: bool) -> String {
    shop_suffixes_off(name, whole_words).replace(' ', "")
}

/// [`strip_shop_suffixes`] with the words still apart.
fn shop_suffixes_off(name: &str, whole_words: bool) -> String {
    const SUFFIXES: &[&str] = &[
        "official store",
        "official shop",
        "flagship store",
        "store",
        "shop",
        "海外旗舰店",
        "官方旗舰店",
        "旗舰店",
        "专营店",
        "专卖店",
        "官方店",
        "inc",
        "co",
        "llc",
        "ltd",
    ];
    let mut s: String = fold(name)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    loop {
        let before = s.len();
        for suf in SUFFIXES {
            if let Some(rest) = s.strip_suffix(suf)
                && !rest.trim().is_empty()
                && (!whole_words || !suf.is_ascii() || rest.ends_with(' '))
            {
                s = rest.trim_end().to_string();
            }
        }
        if s.len() == before {
            break;
        }
    }
    s
}

/// A product code (an MPN) as compared: folded, its letters and digits only, so
/// `ACX1-BLK`, `ACX1BLK` and `acx1 blk` are one code. The brand file's check,
/// the MPN field's match and the title's all compare it so.
pub fn compact_code(code: &str) -> String {
    fold(code).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// A GTIN-8/12/13/14 as 14 digits, if its check digit is right.
pub fn normalize_gtin(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if !matches!(digits.len(), 8 | 12 | 13 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{digits:0>14}");
    let d: Vec<u32> = padded.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = d[..13]
        .iter()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { x * 3 } else { *x })
        .sum();
    ((10 - sum % 10) % 10 == d[13]).then_some(padded)
}

/// Labels pages write before a product code.
const GTIN_LABELS: &[&str] = &[
    "isbn-13", "isbn13", "isbn", "ean-13", "ean13", "ean-8", "ean8", "ean", "upc-a", "upc", "jan",
    "gtin-14", "gtin14", "gtin-13", "gtin13", "gtin-12", "gtin12", "gtin-8", "gtin8", "gtin",
];

/// The GTIN written in a piece of text as pages write it: `EAN: 8808993650040`,
/// `ISBN-13: 978-1-62544-175-1`, `(93123457)`, `Gtin14334567890129`, `UPC:\t884116293835`.
/// The digits as written (hyphens and spaces dropped), only when the check digit is
/// right: a code that fails it is a typo or another kind of number, never the
/// brand's product.
pub fn gtin_in_text(text: &str) -> Option<String> {
    let t = text.trim().to_lowercase();
    // `ean13 880…` and `ean1334…` (the code itself after `ean`) both occur: every
    // label the text starts with is tried, shortest first, so the code keeps as many
    // digits as possible; a wrong split leaves a length no GTIN has or a wrong check
    // digit.
    let mut labels: Vec<&str> = GTIN_LABELS
        .iter()
        .copied()
        .filter(|l| t.starts_with(l))
        .collect();
    labels.sort_by_key(|l| l.len());
    std::iter::once(t.as_str())
        .chain(labels.iter().map(|l| &t[l.len()..]))
        .find_map(|r| {
            let r = r.trim_start_matches(|c: char| {
                matches!(c, '#' | ':' | '-' | '(' | '[') || c.is_whitespace()
            });
            let r = r.trim_end_matches(|c: char| {
                matches!(c, ')' | ']' | '-' | '.') || c.is_whitespace()
            });
            if r.is_empty()
                || !r
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
            {
                return None;
            }
            let digits: String = r.chars().filter(char::is_ascii_digit).collect();
            normalize_gtin(&digits).map(|_| digits)
        })
}

/// The key a seller is known by on one marketplace: id first (names are copied).
pub fn seller_key(seller_id: Option<&str>, seller_name: Option<&str>) -> String {
    match (seller_id, seller_name) {
        (Some(id), _) if !id.trim().is_empty() => format!("id:{}", id.trim().to_lowercase()),
        (_, Some(name)) => format!("name:{}", key_name(name)),
        _ => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A remembered reduction is the reduction, for each function apart, and
    /// stays so past the most it keeps.
    #[test]
    fn remembered_reductions_are_the_reductions() {
        for round in 0..2 {
            for i in 0..(REMEMBERED_MOST + 10) {
                let name = format!("Nörthwind Аudio {i} Store");
                assert_eq!(
                    *remembered(name_skeleton, &name),
                    name_skeleton(&name),
                    "{round}"
                );
                assert_eq!(*remembered(fold, &name), fold(&name));
            }
        }
    }

    /// The ASCII path folds as the general one does: every ASCII character (the
    /// vertical tab and form feed among the spaces), alone, between words and
    /// doubled, and the texts of the price suite that are ASCII.
    #[test]
    fn ascii_text_folds_as_any_text_does() {
        let mut texts: Vec<String> = (0u8..128)
            .map(char::from)
            .flat_map(|c| [format!("{c}"), format!("Ab{c}cD"), format!(" x{c}{c}Y ")])
            .collect();
        let suite = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/peer/price_parser_cases.jsonl");
        let suite = std::fs::read_to_string(&suite).expect("the price suite");
        texts.extend(
            suite
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|case| Some(case.get("input")?.as_str()?.to_string()))
                .filter(|t| t.is_ascii()),
        );
        assert!(texts.len() > 384 + 600, "{} texts", texts.len());
        for t in &texts {
            let general = unicode_folded(t);
            assert_eq!(ascii_folded(t, false), general, "{t:?}");
            let lower: String = general.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(ascii_folded(t, true), lower, "{t:?}");
        }
    }

    /// Shop suffixes come off as whole words only: taken off inside a word,
    /// `Costco` was `cost`, and `Cost Shop` imitated distributor Costco (a sworn
    /// counterfeit ground). The stored keys of sellers without ids are reduced as
    /// they always were, so their cases' history does not split.
    #[test]
    fn shop_suffixes_come_off_as_whole_words() {
        for (name, want) in [
            ("Costco", "costco"),
            ("Acme Disco", "acmedisco"),
            ("Sound Restore", "soundrestore"),
            ("Audio Workshop", "audioworkshop"),
            ("Pacific Sound Co.", "pacificsound"),
            ("Foo Official Store", "foo"),
            ("Foo-Store", "foo"),
            ("Foo Inc.", "foo"),
            ("Foo旗舰店", "foo"),
        ] {
            assert_eq!(normalize_seller(name), want, "{name}");
        }
        assert!(!imitates("Cost Shop", "Costco"));
        assert!(!imitates("Tes", "Tesco"));
        assert!(imitates("Costco Store", "Costco"));
        assert_eq!(seller_key(None, Some("Acme Disco")), "name:acmedis");
        assert_eq!(seller_key(None, Some("Costco")), "name:cost");
    }

    #[test]
    fn a_name_dressed_as_a_distributor_s_imitates_it() {
        for shown in [
            "Northwind Audio",
            "Northwind Audio - Authorized Dealer",
            "Northwind Audio Official",
            "Official Northwind Audio Store",
            "Northwind Audio (US)",
            "Northwind Audio EU",
            "Northwind Audio Company",
            "Northwind Audio Outlet",
            "Nоrthwind Аudio Official",
            "Northwind Audio Authorised Retailer",
            "Northwind Audio Offizieller Händler",
            "Northwind Audio Revendeur Agréé",
            "Northwind Audio Distribuidor Oficial",
            "Northwind Audio Rivenditore Autorizzato",
            "Northwind Audio 官方授权",
            "Northwind Audio Deutschland",
            // Dressing inside a shop suffix, and Korea's "official store".
            "Northwind Audio Official Flagship Store",
            "Northwind Audio Authorized Store",
            "Northwind Audio 공식스토어",
        ] {
            assert!(imitates(shown, "Northwind Audio"), "{shown}");
        }
        for shown in [
            "Northwind Sound",
            "Audio Official",
            "Official",
            "Northwind Audio Repairs",
            "Southwind Audio Official",
            // Words of a company's own name, not a dressing.
            "Northwind Audio Global",
            "Northwind Audio International",
            "Northwind Audio Direct",
        ] {
            assert!(!imitates(shown, "Northwind Audio"), "{shown}");
        }
        // Only the shown name is undressed.
        assert!(!imitates("Audio", "Audio Outlet"));
        assert!(imitates("Audio Outlet Official", "Audio Outlet"));
    }

    #[test]
    fn trade_mark_signs_and_invisible_characters_fold_away() {
        for (shown, folded) in [
            ("ACME™ X1 Headphones", "acme x1 headphones"),
            ("Acme℠ X1", "acme x1"),
            ("Ac\u{200B}me X1", "acme x1"),
            ("Ac\u{00AD}me\u{2060} X1\u{FEFF}", "acme x1"),
            ("Acme® X1", "acme® x1"),
            ("ＡＣＭＥ X1", "acme x1"),
        ] {
            assert_eq!(fold(shown), folded, "{shown}");
        }
    }

    #[test]
    fn occurrences_are_every_start_of_the_word_on_char_boundaries() {
        let all = |hay, word| occurrences(hay, word).collect::<Vec<_>>();
        assert_eq!(all("free shipping, shipping", "shipping"), [5, 15]);
        assert_eq!(all("aaa", "aa"), [0, 1]);
        assert_eq!(all("anything", ""), Vec::<usize>::new());
        assert_eq!(all("", "word"), Vec::<usize>::new());
        // Multi-byte text: offsets land on char boundaries, so slicing there is safe.
        let hay = "送料無料 ¥1,299 送料¥10 café é";
        for (word, n) in [("送料", 2), ("é", 2), ("¥", 2)] {
            let at = all(hay, word);
            assert_eq!(at.len(), n, "{word}");
            assert!(at.iter().all(|&i| hay[i..].starts_with(word)), "{word}");
        }
    }

    #[test]
    fn gtin_check_digits_and_lengths() {
        assert_eq!(
            normalize_gtin("0012345678905").as_deref(),
            Some("00012345678905")
        );
        assert_eq!(
            normalize_gtin("012345678905").as_deref(),
            Some("00012345678905")
        );
        assert!(normalize_gtin("0012345678906").is_none());
        assert!(normalize_gtin("12345").is_none());
        assert!(normalize_gtin("96385074").is_some());
    }

    #[test]
    fn seller_names_fold_suffixes_width_and_case() {
        assert_eq!(
            normalize_seller("Northwind Audio Official Store"),
            "northwindaudio"
        );
        assert_eq!(
            normalize_seller("ＮＯＲＴＨＷＩＮＤ  audio"),
            "northwindaudio"
        );
        assert_eq!(normalize_seller("华强电子旗舰店"), "华强电子");
        assert_eq!(normalize_seller("Pacific Sound Co."), "pacificsound");
        assert_eq!(normalize_seller("Pacific-Sound"), "pacificsound");
    }
}
