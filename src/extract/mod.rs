//! Turning a fetched [`Page`] into a [`Listing`]: structured data first (JSON-LD,
//! microdata, OpenGraph), the adapter's CSS selectors second; charset decoding; price
//! parsing. Also reads search pages for item links and the next page.

pub mod charset;
pub mod doctor;
pub mod html;
mod offer;
mod own;
pub mod price;
mod seller_name;
pub mod structured;
mod variants;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use scraper::{ElementRef, Html};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::{FieldRule, Marketplace, VatBasis};
use crate::crawl::Page;
use crate::money::Money;
pub use offer::Offer;

/// Who sells a listing, as the page names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    pub name: Option<String>,
    /// The marketplace's own id for the seller, when the page shows one.
    pub id: Option<String>,
}

/// Which price of a listing is the advertised one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceBasis {
    /// The only price shown.
    List,
    /// A coupon price ("券后价") below the list price.
    Coupon,
}

/// Words saying a listing sells by auction, as marketplaces write its format or
/// the label of its price (`Auction`, `Current bid`, `3 bids`, `Gebot`, `enchère`,
/// `拍卖`). Matched whole (`Buy It Now` and `bidet` are not bids).
const AUCTION_WORDS: &[&str] = &[
    "auction",
    "current bid",
    "starting bid",
    "winning bid",
    "place bid",
    "bid",
    "bids",
    // An auction's reserve and a bidder's ceiling (`Reserve not met US $19.99`: the
    // current bid read as a price, below the floor and a suspected counterfeit).
    "reserve not met",
    "reserve met",
    "no reserve",
    "max bid",
    "maximum bid",
    "bidding",
    "auktion",
    "gebot",
    "gebote",
    "enchère",
    "enchères",
    "asta",
    "subasta",
    "puja",
    "拍卖",
    "竞拍",
    "オークション",
    "入札",
    "現在価格",
];

/// The words of `AUCTION_WORDS` `text` holds, if any.
pub fn auction_words(text: &str) -> Option<&'static str> {
    // eBay's bid box asks for the least next bid (`US $180.00 Enter US $181.00 or
    // more`): read as no auction, the two made "the lowest of 2 prices … which
    // variant sells at it, the page does not say". A constant pattern, compiled
    // by `auctions_are_named_by_whole_words`.
    static ENTER_OR_MORE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"\benter\b.{0,40}?\d.{0,20}?\bor\s+more\b").expect("a valid pattern")
    });
    let t = crate::ident::fold(text);
    if ENTER_OR_MORE.is_match(&t) {
        return Some("enter … or more");
    }
    AUCTION_WORDS.iter().copied().find(|w| {
        crate::ident::occurrences(&t, w).any(|i| {
            !w.is_ascii()
                || (!t[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
                    && !t[i + w.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric))
        })
    })
}

/// How a [`Listing::price_choice`] for a price on a condition begins.
pub const ON_A_CONDITION: &str = "a price only some buyers pay, as the page says";

/// How a [`Listing::price_choice`] begins when the page's price box and its
/// structured data give different prices.
const PRICES_DISAGREE: &str = "the page's price box and its structured data disagree";

/// How a [`Listing::price_choice`] ends when every offer of the listing's seller
/// is out of stock.
const SOLD_OUT: &str = "every offer of the listing's seller is out of stock, as its structured \
                        data says";

/// How a [`Listing::price_choice`] ends when the price box says the item is sold
/// out (a finding on it said nothing of it; the structured data's word is
/// [`SOLD_OUT`]).
const BOX_SOLD_OUT: &str = "the page's price box says ";

/// How a note in a [`Listing::price_choice`] begins where the price is structured
/// data's alone and that data says it is not asked now ("… held until 2024-01-01,
/// before the page was captured"): a finding on it says so.
const STRUCTURED_NOT_NOW: &str = "its structured data says this price ";

/// A listing's [`Listing::price_choice`] as a finding or a scorecard says it: of
/// the lowest of several prices, that which variant sells at it the page does not
/// say (not of the lowest of offers whose variants the page names: it says; and
/// not of an auction's, which has no variants: its box shows a bid beside a
/// Buy It Now price, as the page says, and the finding says the price is a bid);
/// of a price on a condition (members, subscribers), the condition as it is;
/// of prices that disagree, both; that every offer is out of stock, that the
/// structured price has ended (`STRUCTURED_NOT_NOW`), and which variants'
/// offers were left out as other things than the product, as they are.
pub fn choice_sentence(choice: &str, auction: bool) -> String {
    for note in [
        SOLD_OUT,
        BOX_SOLD_OUT,
        STRUCTURED_NOT_NOW,
        variants::VARIANTS_LEFT_OUT,
    ] {
        if let Some(at) = choice.find(note) {
            let (rest, note) = choice.split_at(at);
            let rest = rest.trim_end_matches("; ");
            return if rest.is_empty() {
                note.to_string()
            } else {
                format!("{}; {note}", choice_sentence(rest, auction))
            };
        }
    }
    if auction
        || choice.starts_with(ON_A_CONDITION)
        || choice.starts_with(PRICES_DISAGREE)
        || choice.starts_with(variants::OF_VARIANTS)
    {
        choice.to_string()
    } else if choice.starts_with(structured::AGGREGATE_RANGE) {
        format!("{choice} — which variant or which seller sells at it, the page does not say")
    } else {
        format!("{choice} — which variant sells at it, the page does not say")
    }
}

/// A product listing as read from one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listing {
    pub marketplace: String,
    pub url: String,
    pub listing_id: String,
    pub title: Option<String>,
    pub brand: Option<String>,
    pub seller: Seller,
    /// The lowest advertised price: what a floor is checked against.
    pub price: Option<Money>,
    pub price_basis: PriceBasis,
    pub list_price: Option<Money>,
    pub coupon_price: Option<Money>,
    /// When `price` is the lowest of several the listing's seller asks on the page
    /// (a range, a price per variant): what it was chosen from. Which variant sells
    /// at it the page does not say, so a finding on it says so too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_choice: Option<String>,
    /// The offers `price` was chosen among where the page's structured data names
    /// what each sells (a shop's variants: "Acme X1 Headphones - Black", "… -
    /// Replacement Ear Pads"): what tells the brand's product from an accessory
    /// sold on the same page ([`Listing::leave_out_variants`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<PricedVariant>,
    pub gtin: Vec<String>,
    pub mpn: Option<String>,
    /// The item's condition as the page states it (`itemCondition`, eBay's
    /// "Used", OpenGraph's `product:condition`, an adapter's `condition`
    /// selector); see [`Listing::condition_class`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The page shows its price only in the cart (these words say so): no price is
    /// advertised, so none is checked, and the page is no sign of an adapter that
    /// misreads ([`price::in_cart_words`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_in_cart: Option<String>,
    /// The listing is an auction (these words of its format or price box say so):
    /// its price is a bid, and its starting bid, the seller's price, was no
    /// higher ([`auction_words`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auction: Option<String>,
    /// The price is a multi-buy's, the only one the price box asks (`3 for $600`):
    /// the price of that many items, held to the floor of each
    /// ([`crate::judge::Pack`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_buy: Option<price::MultiBuy>,
    /// The charset the page was decoded with.
    pub charset: String,
    /// Where that charset came from: `bom`, `header`, `meta` or `guessed`.
    pub charset_source: String,
    /// Field name → where its value came from (`json-ld`, `microdata`,
    /// `opengraph`, `selector h1.title`, `url`).
    pub sources: BTreeMap<String, String>,
    /// Why a field is missing, for whoever tunes the adapter.
    pub missing: BTreeMap<String, String>,
    /// Set when the page as a whole could not be read (it cost more than its parse
    /// budget): nothing was extracted, and nothing is concluded from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// One offer of a listing's seller, as its structured data names what it sells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedVariant {
    pub name: Option<String>,
    pub price: Money,
}

/// What a listing's stated condition says of the item, where it says something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    New,
    Used,
    Refurbished,
    Damaged,
}

/// Condition words of an item damaged or for parts ([`Condition::of`]).
const DAMAGED_WORDS: &[&str] = &[
    "damagedcondition",
    "damaged",
    "for parts",
    "not working",
    "defekt",
    "pour pièces",
    "per ricambi",
    "para piezas",
    "ジャンク",
    // A faulty unit, a flawed item, a broken one (`Acme X1 耳机 故障机`, `… 瑕疵品`,
    // `… 坏的` at ¥199 were held to a new item's floor). Not a bare `瑕疵`, `故障`
    // nor `损坏` (in 无瑕疵, "flawless", 无故障, 无损坏).
    "故障机",
    "瑕疵品",
    // Defective goods (`… 耳机 残次品` at ¥29.99 was held to a new item's floor).
    // Not a bare 次品 (in 每次品质, "every time, quality").
    "残次品",
    "有瑕疵",
    "坏的",
    "坏了",
    "坏机",
    // As sellers of broken goods title them (`Acme X1 Headphones Broken` at a tenth
    // of the price was below the floor and a suspected counterfeit).
    "broken",
    "faulty",
    "defective",
    "as-is",
    "sold as is",
    "scratch and dent",
    "scratch & dent",
    "spares or repair",
    // Britain's "as is", a battery that needs replacing (`… Sold As Seen`, `… Needs
    // New Battery` at 19.99 were held to a new item's floor).
    "sold as seen",
    "needs new battery",
    "needs a new battery",
    "needs battery",
    "spares or repairs",
    // A fault described, not named (`… No Power`, `… Won't Charge`, `… Untested`,
    // `… Cracked` at 150 were held to a new item's floor of 199.00).
    "no power",
    "not turning on",
    "not powering on",
    "does not turn on",
    "doesn't turn on",
    "won't turn on",
    "wont turn on",
    "won't charge",
    "wont charge",
    "not charging",
    "dead battery",
    "needs repair",
    "for repair",
    "untested",
    "cracked",
    // eBay's "New with defects" in its languages, and "Parts only" (each at 150
    // was held to a new item's floor of 199.00).
    "with defects",
    "mit fehlern",
    "avec défauts",
    "con defectos",
    "con difetti",
    "parts only",
    // Salvaged, incomplete or missing parts (each at 150 was held to a new item's
    // floor of 199.00).
    "salvage",
    "salvaged",
    "missing parts",
    "incomplete",
    // A fault described in the marketplaces' other languages: for tinkerers, does
    // not work, without function, weak battery (German); out of service, broken
    // down, to repair (French); does not work, to repair, broken (Spanish, Italian);
    // untested, a faulty item, for parts (Japanese; "with flaws", 不具合あり, is read
    // by `fault_or_wear_described`: 不具合ありません says none); damaged, does not
    // work, for parts (Polish, Russian, Dutch); won't power on, no sound, won't
    // charge, crackling, one side silent, an aged battery (Chinese). Each title at
    // 29.99 was held to a new item's floor, below it and a suspected counterfeit.
    // Not French `HS` alone (a model's letters), nor 有问题 (in 没有问题, "no
    // problem"), nor 无声音 (in 无声音延迟, "no sound delay"); Dutch `defect` not
    // in `defect-free` (`NOT_A_CONDITION`).
    "für bastler",
    "funktioniert nicht",
    "ohne funktion",
    "akku schwach",
    "hors service",
    "ne fonctionne pas",
    "ne fonctionne plus",
    "en panne",
    "à réparer",
    "no funciona",
    "no enciende",
    "para reparar",
    "averiado",
    "averiados",
    "non funzionante",
    "non funzionanti",
    "non funziona",
    "da riparare",
    "guasto",
    "guasta",
    "guaste",
    "guasti",
    "動作未確認",
    "動作不良",
    "故障品",
    "故障中",
    "通電のみ",
    // Sold as it is, its faults with it (`… 現状品`, `… 現状渡し` at 29.99 were held
    // to a new item's floor), as English's `as-is`.
    "現状品",
    "現状渡し",
    "部品取り",
    "uszkodzone",
    "uszkodzony",
    "uszkodzona",
    "nie działa",
    "na części",
    "не работает",
    "не работают",
    "не включается",
    "сломан",
    "неисправн",
    "на запчасти",
    "defect",
    "werkt niet",
    "voor onderdelen",
    "不开机",
    "没声音",
    "单边无声",
    "不出声",
    "不充电",
    "充不进电",
    "连不上",
    "有杂音",
    "电池不耐用",
    "电池老化",
    // Without its charging case (`Acme X1 耳机 单耳机 无充电仓` at ¥599 was held to
    // a new item's floor): an incomplete item.
    "无充电仓",
    "无充电盒",
    "不含充电仓",
    "没有充电仓",
    // Japanese and Korean: no sound, won't charge, won't power on, the unit alone
    // without its accessories; broken, not working (`… ヘッドホン 音が出ない`, `…
    // 本体のみ`, `… 헤드폰 고장품` at 29.99 were held to a new item's floor). Not a
    // bare 고장 (in 고장없음, "no faults").
    "音が出ない",
    "音が出ません",
    "充電できない",
    "充電できません",
    "電源入らない",
    "電源が入らない",
    "電源が入りません",
    "本体のみ",
    "付属品なし",
    // The same in English: the unit without its accessories (`… Bare Unit`, `…
    // Unit Only` at 29.99 were held to a new item's floor). Not `Body Only`: a
    // camera's body sold without a lens is a product of its own.
    "bare unit",
    "unit only",
    "main unit only",
    "고장품",
    // Korean: with defects, a defective item, for parts (`… 하자있음`, `… 부품용` at
    // 29.99 were held to a new item's floor). Not a bare 하자 ("let's do").
    "하자있음",
    "하자 있음",
    "하자품",
    "부품용",
    "고장난",
    "고장남",
    "작동불가",
];

/// Condition words of a refurbished item ([`Condition::of`]).
const REFURBISHED_WORDS: &[&str] = &[
    "refurbished",
    "renewed",
    "remanufactured",
    "reconditioned",
    "generalüberholt",
    "reconditionné",
    "ricondizionato",
    "reacondicionado",
    // Shortened, and eBay's "Manufacturer Recertified".
    "refurb",
    "recertified",
    "翻新",
    "整備済み",
    // Regenerated, serviced (Apple Japan's `整備済製品`): at 29.99 each was held to
    // a new item's floor.
    "再生品",
    "整備品",
    "整備済製品",
    // Portuguese, Polish, Russian, Korean (each title at 150 was held to a new
    // item's floor of 199.00).
    "recondicionado",
    "odnowiony",
    "восстановленный",
    "리퍼",
    // China's "officially refurbished" (at 150 held to a new item's floor).
    "官翻",
    // An official replacement unit, sold on (`… 耳机 官换机` at ¥29.99 was held to a
    // new item's floor).
    "官换机",
    // Shortened (`… Reman`). Not `recon`, a gaming headset's name (Turtle Beach
    // Recon 70).
    "reman",
    // Inflected (`reacondicionados`, `ricondizionata`): each at 150 was held to a
    // new item's floor.
    "reacondicionados",
    "reacondicionadas",
    "reacondicionada",
    "ricondizionata",
    "ricondizionate",
    "ricondizionati",
    "generalüberholte",
    "generalüberholter",
    "generalüberholtes",
];

/// Condition words of a used item ([`Condition::of`]).
const USED_WORDS: &[&str] = &[
    "used",
    "pre-owned",
    "preowned",
    "second hand",
    "second-hand",
    "open box",
    "open-box",
    "like new",
    "like-new",
    // A shop's display or demonstration unit, a returned or second-grade
    // one (`Acme X1 Headphones Ex-Display` at a third of the price was
    // below the floor and a suspected counterfeit).
    "ex-display",
    "ex display",
    "ex-demo",
    "ex demo",
    "demo unit",
    "b-stock",
    "b stock",
    "b-ware",
    "customer return",
    // A shop's return, a pallet of returns, second-hand in one word (`Acme X1
    // Headphones Store Return`, `… Secondhand` at 29.99 were held to a new item's
    // floor, below it and a suspected counterfeit).
    "store return",
    "returns pallet",
    "secondhand",
    "wie neu",
    // German's other "as new", Dutch "as new" (Marktplaats' `Zo goed als nieuw`):
    // at 29.99 each was held to a new item's floor.
    "als neu",
    "als nieuw",
    "comme neuf",
    "como nuevo",
    "come nuovo",
    "seminuevo",
    "semi-nuevo",
    "gebraucht",
    "neuwertig",
    "occasion",
    "d'occasion",
    "usato",
    "usado",
    // Italian "second hand" (`… Seconda mano` at 149,00 € was held to a new item's
    // floor).
    "seconda mano",
    "二手",
    "中古",
    // Taken out of a device (`Acme X1 耳机 拆机` at ¥199 was held to a new item's
    // floor).
    "拆机",
    // A shop's display unit, a returned one, a second grade; "九成新" is
    // "nine-tenths new" (each at a tenth of the price was below the floor and a
    // suspected counterfeit). Not "Grade A", which counterfeiters write of copies.
    "grade b",
    "grade c",
    // The grade written after its letter, and eBay's `NOB` ("new, open box": an
    // open box, as `New Open Box` reads): at 29.99 each was held to a new item's
    // floor.
    "b grade",
    "b-grade",
    "c grade",
    "c-grade",
    "nob",
    "display model",
    "floor model",
    "returned",
    "成新",
    // `… Pre Owned`, `… Open Package`, `… Worn Twice`, `… Factory Seconds`, `…
    // Cosmetic Damage` at a seventh of the price were below the floor.
    "pre owned",
    "open package",
    "opened box",
    "box opened",
    "worn once",
    "worn twice",
    "factory second",
    "factory seconds",
    "cosmetic damage",
    "cosmetic blemish",
    "cosmetic blemishes",
    "preloved",
    "pre-loved",
    "pre loved",
    // A rental fleet's, a worn item's, Amazon's warehouse returns (each at 150 was
    // held to a new item's floor of 199.00).
    "ex rental",
    "ex-rental",
    "barely worn",
    "lightly worn",
    "gently worn",
    "warehouse deal",
    "warehouse deals",
    // Brazil's "half-new", and "used" in Polish, Dutch, Swedish, Turkish, Russian
    // and Korean (each title at 150 was held to a new item's floor of 199.00).
    "seminovo",
    "semi-novo",
    "seminova",
    "używany",
    "używana",
    "używane",
    "gebruikt",
    "tweedehands",
    "begagnad",
    "ikinci el",
    // `İkinci El` lowercased: Rust writes the dotted capital İ as i and U+0307.
    "i\u{307}kinci el",
    "подержанный",
    "б/у",
    "б.у.",
    "중고",
    // A display or sample unit, an opened or returned item, a second grade in
    // Japanese, Chinese and Korean (`展示品`, `開封済み`, `拆封`, `样机`, `전시상품`,
    // `반품`, `B급`: each at 150 was held to a new item's floor of 199.00).
    "展示品",
    "開封済み",
    "開封品",
    // Not bare `訳あり` (in 申し訳ありません, "sorry"), `拆封` (in 未拆封, "unopened")
    // nor `반품` (in 반품불가, "no returns").
    "訳あり品",
    "訳あり商品",
    "【訳あり】",
    "アウトレット品",
    "已拆封",
    // Opened but unused, only opened, a sample unit (`Acme X1 耳机 拆封未使用`, `…
    // 仅拆封`, `… 样品` at ¥599 were held to a new item's floor).
    "拆封未使用",
    "拆封未用",
    "仅拆封",
    "样品机",
    "样品",
    "拆封机",
    "拆封品",
    "展示机",
    "样机",
    "전시상품",
    "전시품",
    "반품상품",
    "반품제품",
    "b급",
    // Korean "simply opened", "an opened item" (`… 헤드폰 단순개봉` at 29.99 was held
    // to a new item's floor); 미개봉 ("unopened") is a new item's.
    "단순개봉",
    // Signs of use, everyday scratches (`… 사용감있음`, `… 생활기스` at 29.99 were
    // held to a new item's floor).
    "사용감있음",
    "사용감 있음",
    "생활기스",
    "개봉품",
    // Inflected and other European words for used, display and returned goods
    // (`Gebrauchtware`, `Vorführgerät`, `usagé`, `segunda mano`, `usata`,
    // `powystawowe`: each at 150 was held to a new item's floor). Not `Retoure`
    // alone (`Kostenlose Retoure`, free returns).
    "gebrauchtware",
    "gebrauchte",
    "gebrauchter",
    "gebrauchtes",
    "vorführgerät",
    "vorführware",
    "vorführmodell",
    "ausstellungsstück",
    "ausstellungsgerät",
    "retourenware",
    "rückläufer",
    "usagé",
    "usagée",
    "seconde main",
    "produit de démonstration",
    "modèle de démonstration",
    "modèle d'exposition",
    "modèle d’exposition",
    "segunda mano",
    "usada",
    "usados",
    "usadas",
    "de exposición",
    // Brazil's and Portugal's display models (`Fone Acme X1 de vitrine`, `… de
    // mostruário`, `… seminovo de exposição` at 150 were held to a new item's floor).
    // Not a bare `vitrine`: a display cabinet in German and French.
    "de vitrine",
    "ex-vitrine",
    "produto de vitrine",
    "de mostruário",
    "de mostruario",
    "mostruário",
    "de exposição",
    "modelo de exposição",
    "usata",
    "usate",
    "usati",
    "da esposizione",
    "ex esposizione",
    "showroommodel",
    "demomodel",
    "demoexemplar",
    "powystawowe",
    "powystawowy",
    "powystawowa",
    // Marked, opened or certified second-hand (`… Scratched`, `… Dented`, `… Open
    // Item`, `… Resealed`, `… Repackaged`, `… CPO`: each at 150 was held to a new
    // item's floor).
    "scratched",
    "dented",
    "open item",
    "resealed",
    "repackaged",
    "cpo",
];

/// A used item described, not named (`… Excellent Condition`, `… Tested
/// Working`): used unless the text also says the item is new ([`SAYS_NEW`]):
/// "Brand New, Excellent Condition" is a sloppy new listing's, held to the floor.
const USED_DESCRIBED: &[&str] = &[
    "excellent condition",
    "very good condition",
    "good condition",
    "great condition",
    "fair condition",
    "mint condition",
    "perfect condition",
    "working condition",
    "tested working",
    "tested & working",
    "tested and working",
    "minor scratches",
    "light scratches",
    "some scratches",
    "signs of wear",
    "signs of use",
    // How a used item's seller says it works, and an opened one (`… Works Great`,
    // `… Opened Never Used` at 150 were held to a new item's floor).
    "works great",
    "works perfectly",
    "works perfect",
    "works fine",
    "fully working",
    "fully functional",
    // Not `opened` alone: a condition field's `New, never opened` is a new item's.
    // A title's `never used` is set aside first (`Condition::in_title` reads the
    // phrase as an open box before).
    "opened never used",
    "opened but never used",
    "opened, never used",
    // eBay's shorthands of a used item's condition: excellent, good, very good
    // (`… EUC` at 19.99 was held to a new item's floor).
    "euc",
    "guc",
    "vguc",
    // The same, abbreviated or in other languages (`VGC`, `Très bon état`, `Top
    // Zustand`).
    "vgc",
    "très bon état",
    "bon état",
    "état correct",
    "sehr guter zustand",
    "guter zustand",
    "top zustand",
    "muy buen estado",
    "buen estado",
    "ottime condizioni",
    "buone condizioni",
    // Signs of use in the marketplaces' other languages (German, French, Italian,
    // Spanish, Polish; Japanese `使用感` and Mercari's `美品`, "a fine item",
    // said only of used goods; Chinese "traces of use", "used a few times"): each
    // title at 29.99 was held to a new item's floor, below it and a suspected
    // counterfeit. Not 良品 (in 無印良品, a shop's name), 自用 (a new item's
    // `自用送礼`, "for yourself or a gift"), nor bare 用过 (in 没用过, "never used").
    "gebrauchsspuren",
    "traces d'usure",
    "traces d'usage",
    "état d'usage",
    "segni di usura",
    "segni d'uso",
    "señales de uso",
    "signos de uso",
    "stan bardzo dobry",
    "stan dobry",
    "使用感",
    "美品",
    // A working item, its working checked (Yahoo Auctions' `動作品`, `動作確認済み`:
    // said only of used goods, as English's `Fully Working`).
    "動作品",
    "動作確認済み",
    "動作確認済",
    "使用痕迹",
    "用过几次",
    "用过一次",
    "九五新",
    // Like new, a returned unit, a small flaw (`… 准新机`, `… 退货机`, `… 小瑕疵`
    // at ¥29.99 were held to a new item's floor). Not a bare 准新 (in 标准新款,
    // "standard new model"), nor a bare 瑕疵 (in 零瑕疵, "zero flaws").
    "准新机",
    "准新品",
    "退货机",
    "小瑕疵",
    "轻微瑕疵",
    "微瑕",
    "九八新",
    "九九新",
];

/// A condition field holding only a grade of a used item (Amazon's and its
/// warehouse's `Very Good`, `Good`, `Acceptable`; eBay's and marketplaces'
/// grades in other languages): said of the whole field only, never of a title
/// ("Good Sound"). Read as no condition, a field saying `Good` held a used item
/// at 150 to a new one's floor of 199.00.
const USED_GRADES: &[&str] = &[
    "good",
    "very good",
    "acceptable",
    "fair",
    // A shop's demonstration unit, as a condition field names it.
    "demo",
    "sehr gut",
    "gut",
    "akzeptabel",
    "bon état",
    "très bon état",
    "état correct",
    "bueno",
    "muy bueno",
    "aceptable",
    "buono",
    "molto buono",
    "accettabile",
    // Reverb's, Discogs' and Back Market's grades (`Mint`, `Excellent`, `Grade
    // A`: each field alone at 29.99 held a used or refurbished item to a new one's
    // floor, below it and a suspected counterfeit). Not in a title: `Mint` is a
    // colour there, `Grade A` what counterfeiters write of copies.
    "mint",
    "near mint",
    "excellent",
    "grade a",
    "grade a+",
];

/// Mercari's and Yahoo's grades of a used item, read anywhere (no new item is
/// described so): "close to unused", "no noticeable scratches or stains", "some
/// scratches or stains", "poor overall".
const USED_GRADES_CJK: &[&str] = &[
    "未使用に近い",
    "目立った傷や汚れなし",
    "傷や汚れあり",
    "全体的に状態が悪い",
    // "Almost new", "as good as new": Amazon Japan's and second-hand shops' grades
    // (`中古品 - ほぼ新品`), China's and Korea's (`几乎全新`, `거의 새것`, `새상품급`,
    // "new-item grade"). Each holds the word for new, and at ¥19,800 the used item
    // was held to a new one's floor.
    "ほぼ新品",
    "新品同様",
    "几乎全新",
    "거의 새것",
    "새상품급",
];

/// Words that say an item is new beside [`USED_DESCRIBED`] words.
const SAYS_NEW: &[&str] = &[
    "brand new",
    "new in box",
    "new sealed",
    "sealed",
    "brandneu",
    "neu",
    "neuf",
    "nuevo",
    "nuovo",
    "全新",
];

/// Condition words of a new item ([`Condition::of`]).
const NEW_WORDS: &[&str] = &[
    "new",
    "brand new",
    "neu",
    "neuf",
    "nuevo",
    "nuovo",
    "全新",
    "新品",
];

/// The word lists [`Condition::of`] reads, in the order of [`CONDITION_SEARCH`].
const CONDITION_LISTS: [&[&str]; 6] = [
    DAMAGED_WORDS,
    REFURBISHED_WORDS,
    USED_WORDS,
    USED_DESCRIBED,
    SAYS_NEW,
    NEW_WORDS,
];

/// One automaton per list of [`CONDITION_LISTS`], finding every occurrence of
/// every word (overlapping: each is then checked whole, as one word alone was).
static CONDITION_SEARCH: LazyLock<[AhoCorasick; 6]> = LazyLock::new(|| {
    // Constant word lists, built by every test reading a condition: no page's
    // input reaches `build`, so the `expect` cannot fire.
    CONDITION_LISTS.map(|words| AhoCorasick::new(words).expect("the condition words build"))
});

impl Condition {
    /// Is an item whose page states `stated` held to the brand's floor? A floor is
    /// what a new item may be advertised at: a used, refurbished or damaged one is
    /// not held to it (the judge checks no floor, and no report may count it as
    /// checked); a condition stated in no words this reads is judged as new.
    pub fn held_to_a_floor(stated: Option<&str>) -> bool {
        stated
            .and_then(Condition::of)
            .is_none_or(|c| c == Condition::New)
    }

    /// Reads a condition as pages state it: schema.org's `itemCondition` values
    /// (`https://schema.org/UsedCondition`), eBay's and Amazon's wordings (`Used`,
    /// `Pre-owned`, `Open box`, `Renewed`, `For parts or not working`, `New with
    /// tags`) and their German, French, Spanish, Italian, Chinese and Japanese
    /// forms. Words are matched whole (`unused` is not `used`); a text saying none
    /// of these is `None`, and the listing is judged as new, as before conditions
    /// were read.
    pub fn of(text: &str) -> Option<Condition> {
        // A typographic apostrophe is read as the plain one (`Won’t Charge`).
        let t = text.to_lowercase().replace('\u{2019}', "'");
        // A schema.org value's last segment (`https://schema.org/UsedCondition`);
        // any other slash is the text's (`б/у`, Russian "used", read as `у`).
        let t = if t.contains("schema.org/") || t.contains("://") {
            t.rsplit('/').next().unwrap_or(&t)
        } else {
            &t
        };
        // Every occurrence of every word of list `k` ([`CONDITION_LISTS`]) in one
        // pass: searched word by word, the ~450 words were 4% of extraction on
        // real-weight pages (a title read for each listing).
        let has = |k: usize| {
            let words = CONDITION_LISTS[k];
            CONDITION_SEARCH[k].find_overlapping_iter(t).any(|m| {
                let (i, w) = (m.start(), words[m.pattern().as_usize()]);
                let before = t[..i].chars().next_back();
                let after = t[i + w.len()..].chars().next();
                let ascii = w.is_ascii();
                (!ascii && !negated_cjk(t, i, i + w.len(), w))
                    || (ascii
                        && !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric))
            })
        };
        let compact = t.replace([' ', '-', '_'], "");
        let whole = t.trim_matches(|c: char| !c.is_alphanumeric());
        if USED_GRADES.contains(&whole) || USED_GRADES_CJK.iter().any(|g| t.contains(g)) {
            return Some(Condition::Used);
        }
        let [damaged, refurbished, used, used_described, says_new, new] = [0, 1, 2, 3, 4, 5];
        if has(damaged) {
            Some(Condition::Damaged)
        } else if compact.contains("refurbishedcondition") || has(refurbished) {
            Some(Condition::Refurbished)
        } else if compact.contains("usedcondition")
            || has(used)
            || percent_new(t)
            || (has(used_described) && !has(says_new))
        {
            Some(Condition::Used)
        } else if compact.contains("newcondition") || has(new) {
            Some(Condition::New)
        } else {
            None
        }
    }

    /// The condition a listing's title states other than new, read as
    /// [`Condition::of`] reads a condition field but stricter: a title is about
    /// the item, not only its condition. `used` counts set apart
    /// (`(Used)`, `- Used`, at either end), not in `… Used by DJs`; a damaged box or
    /// packaging is a new item's, and `for any occasion` no second-hand one.
    pub fn in_title(title: &str) -> Option<Condition> {
        // Constant patterns, compiled by `conditions_are_read_as_pages_state_them`:
        // no page's input reaches `Regex::new`, so the `expect`s cannot fire.
        static USED_APART: LazyLock<regex::Regex> = LazyLock::new(|| {
            title_pattern(
                r"^\s*used\b|[(\[|,–—-]\s*used\b|\bused\s*(?:[)\]|,–—-]|$)|\bused\s+(?:once|twice|a\s+few\s+times)\b",
            )
        });
        static USED: LazyLock<regex::Regex> = LazyLock::new(|| title_pattern(r"\bused\b"));
        // What an item is used with or by, an item never used (or "Not
        // Refurbished": read as refurbished, a new one's price under the floor
        // went unchecked), a new item's damaged box and a gift "for any occasion"
        // say no second-hand item ("Used With Shetland Pony" is a real eBay
        // title's end), and `No Missing Parts` no incomplete one (read by `missing
        // parts`, a new item's price under the floor went unchecked).
        static NOT_A_CONDITION: LazyLock<regex::Regex> = LazyLock::new(|| {
            title_pattern(
                r"\b(?:never|not|non)[\s-]+(?:an?\s+)?(?:used|refurbished|refurb|renewed|reconditioned|pre-owned|preowned|second[\s-]?hand|open[\s-]box|opened|damaged|broken|cracked|faulty|defective|demo|scratched|dented|incomplete)\b|\bused\s+(?:with|by)\b|\bdamaged\s+(?:box|packaging|package)\b|\b(?:minor|light|some)\s+scratches\s+on\s+(?:the\s+)?(?:box|packaging|package)\b|\b(?:box|packaging)\s+damaged\b|\b(?:any|every|special)\s+occasion\b|\b(?:no|nothing|none)\s+missing\b|\b(?:no|zero)\s+defects?\b|\bdefect[\s-]+free\b",
            )
        });
        // "As is" set apart at a clause's end (`… Headphones As Is`, `… - AS IS, Read`)
        // or before what it says (`… AS IS NO RETURNS`): sold with its faults. Not
        // "as is shown".
        static AS_IS_APART: LazyLock<regex::Regex> = LazyLock::new(|| {
            title_pattern(
                r"\bas[\s-]is\s*(?:[)\]|,;:–—!-]|$|no\s+returns?\b|for\s+parts\b|untested\b)",
            )
        });
        // Slashes part words (`Black/Silver`), but Russian writes "used" with one:
        // `б/у` (as `б у` it was read as nothing, a used item held to a new one's
        // floor); `б.у.` and `бу` alone say the same.
        // A typographic apostrophe is read as the plain one (`Doesn’t Work`).
        let lower = title.to_lowercase().replace('\u{2019}', "'");
        if let Some(c) = graded_or_incomplete(&lower) {
            return Some(c);
        }
        let t = lower.replace("б/у", " б.у. ").replace('/', " ");
        // `… Opened Never Used` is an open box: read first, as its `never used`
        // is set aside below as a new item's words.
        static OPENED_UNUSED: LazyLock<regex::Regex> =
            LazyLock::new(|| title_pattern(r"\bopened,?\s+(?:but\s+)?never\s+used\b"));
        let t = OPENED_UNUSED.replace_all(&t, " open box ");
        let t = NOT_A_CONDITION.replace_all(&t, " ");
        if AS_IS_APART.is_match(&t) {
            return Some(Condition::Damaged);
        }
        if let Some(c) = fault_or_wear_described(&t) {
            return Some(c);
        }
        // A shop's demonstration unit named by `demo` set apart (`… Headphones Demo`,
        // `(Demo)`, `- Demo`): at 150 it was held to a new item's floor of 199.00.
        // Not `Demo Mode`, `Demo Track` (the word inside the title), nor a `Demo
        // Unit`, `Ex-Demo` ([`USED_WORDS`]) read there already.
        // A constant pattern, compiled by `second_hand_grades_and_wordings_are_read`.
        static DEMO_APART: LazyLock<regex::Regex> = LazyLock::new(|| {
            title_pattern(r"[(\[|,–—-]\s*demo\s*(?:[)\]|,–—-]|$)|\bdemo\s*(?:[)\]]|$)")
        });
        if DEMO_APART.is_match(&t) {
            return Some(Condition::Used);
        }
        let t = if USED_APART.is_match(&t) {
            t
        } else {
            std::borrow::Cow::Owned(USED.replace_all(&t, " ").into_owned())
        };
        Condition::of(&t).filter(|c| *c != Condition::New)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::New => "new",
            Condition::Used => "used",
            Condition::Refurbished => "refurbished",
            Condition::Damaged => "damaged",
        }
    }
}

/// Is the condition word `w` at `start..end` of `t` denied by the Chinese,
/// Japanese or Korean word for "none" or "not" beside it: after it (`動作不良なし`,
/// "no malfunction"; `故障品ではありません`; `고장품 아님`) or before it
/// (`非故障机`, `没有瑕疵`, "no flaws", whose `有瑕疵` read as damaged)? Those languages write no space between the word and
/// its negation, so the word matches inside it: `… ヘッドホン 動作不良なし` at 29.99
/// was read as damaged, a new item's price under the floor unchecked. Not Japanese
/// `使用感なし` ("no feel of use"): a second-hand item's grade, as `美品` is (no new
/// item is described by how little it was used); nor a word that is its own
/// negation (`付属品なし`, `无充电仓`: nothing after or before denies them).
fn negated_cjk(t: &str, start: usize, end: usize, w: &str) -> bool {
    const AFTER: &[&str] = &[
        "なし",
        "無し",
        "ナシ",
        "ない",
        "ありません",
        "ではありません",
        "ではない",
        "じゃない",
        "없음",
        "없는",
        "없이",
        "아님",
        "아닙니다",
    ];
    const BEFORE: &[&str] = &["无", "無", "没", "沒", "非", "不是"];
    if w == "使用感" {
        return false;
    }
    let after = t[end..].trim_start();
    let before = t[..start].trim_end();
    AFTER.iter().any(|n| after.starts_with(n)) || BEFORE.iter().any(|n| before.ends_with(n))
}

/// A title's grade out of ten (`… 9/10 Condition`, `Condition: 8.5/10`: a used
/// item's), or a part it says is missing (`… Missing Charger`, `… Missing Left
/// Ear Pad`: an incomplete one, as [`DAMAGED_WORDS`]' `missing parts`). Each at
/// 19.99 was held to a new item's floor, below it and a suspected counterfeit.
/// Not `No Missing Parts`, `Nothing Missing`; not a grade without `condition`
/// (`Size 9/10`). `t` is lowercased, its slashes still in.
fn graded_or_incomplete(t: &str) -> Option<Condition> {
    // Constant patterns, compiled by `grades_out_of_ten_and_missing_parts_are_read`.
    static OUT_OF_TEN: LazyLock<regex::Regex> = LazyLock::new(|| {
        title_pattern(
            r"\b(?:condition|cond\.?|shape)\s*[:：]?\s*(?:10|[1-9](?:[.,]5)?)\s*/\s*10\b|\b(?:10|[1-9](?:[.,]5)?)\s*/\s*10\s+(?:condition|cond\b|shape)",
        )
    });
    static MISSING_PART: LazyLock<regex::Regex> = LazyLock::new(|| {
        title_pattern(
            r"(?:^|[^\w\s]\s*|\s)(?P<no>no\s+|nothing\s+|none\s+)?missing\s+(?:the\s+|its\s+|one\s+|an?\s+)?(?:left\s+|right\s+)?(?:charger|charging|cable|cord|case|parts?|pieces?|accessories|remote|ear\s*pads?|pads?|cushions?|tips|earbuds?|buds?|ear\s*cups?|cover|battery|adapter|mic|microphone|headband|dongle|receiver|strap)\b",
        )
    });
    if OUT_OF_TEN.is_match(t) {
        return Some(Condition::Used);
    }
    // The match test first (a DFA): the captures only where it found one.
    (MISSING_PART.is_match(t)
        && MISSING_PART
            .captures_iter(t)
            .any(|c| c.name("no").is_none()))
    .then_some(Condition::Damaged)
}

/// A title pattern with ASCII word boundaries (`\\b` as `(?-u:\\b)`): its words are
/// English, and Unicode boundaries make the regex engines leave their DFAs for a
/// backtracker on any title holding a non-ASCII letter (a third of the demo's
/// real-weight pages; these patterns were ~1.5% of extraction). The one
/// difference: a non-ASCII letter glued to an English word bounds it (`日本used`).
fn title_pattern(pattern: &str) -> regex::Regex {
    // Constant patterns, each compiled by the tests of the function using it: no
    // page's input reaches `Regex::new`, so the `expect` cannot fire.
    regex::Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("a valid title pattern")
}

/// A fault or wear a title describes by its symptom, as sellers of broken and worn
/// goods write them (`… Right Ear No Sound`, `… Does Not Charge`, `… Won't Pair`,
/// `… Crackling Sound`, `… Charging Issue`, `… Weak Battery`: damaged; `… Worn Ear
/// Pads`, `… Peeling`, `… Heavy Wear`: used). Each at 29.99 was held to a new item's
/// floor, below it and a suspected counterfeit. A new listing's claims stay no
/// condition: a symptom denied before it (`No Crackling`, `Zero Connection Issues`,
/// `Low Distortion`), `No Sound Leakage`, `No Sound Delay`, and what it does not
/// work with (`Does Not Work With Xbox`). `t` is lowercased.
fn fault_or_wear_described(t: &str) -> Option<Condition> {
    // Constant patterns, compiled by `faults_and_wear_described_are_read`: no
    // page's input reaches `Regex::new`, so the `expect`s cannot fire.
    static FAULT: LazyLock<regex::Regex> = LazyLock::new(|| {
        title_pattern(
            r"(?x)
            (?P<denied>\b(?:no|zero|without|free\s+of|fix(?:es|ed)?|solves?|solved|prevents?|
                avoids?|low|minimal|reduced?|anti)[\s-]+(?:\w+\s+)?)?
            (?:
                \b(?:does\s*n[o']?t|doesnt|do\s*n[o']?t|dont|will\s+not|won'?t|wont|can'?t|
                    cannot|not|stopped|stops|fails?\s+to)
                \s+(?:work|working|charge|charging|pair|pairing|connect|connecting|
                    power\s+on|turn\s+on|hold\s+(?:a\s+)?charge|holding\s+(?:a\s+)?charge)\b
              # At a clause's end or before where (`… Right Ear No Sound`, `No Sound
              # From Left`), not a claim (`No Sound Leakage`, `No Audio Cable Needed`).
              | \bno\s+(?:sound|audio)(?:\s*$|\s*[,;:()\[\]|–—-]|\s+(?:from|on|in|out|left|right|after|when)\b)
              | \b(?:charging|battery|bluetooth|connection|connectivity|pairing|sound|audio|
                    power|mic|microphone|anc|volume|speaker|hinge|firmware|software)
                \s+(?:issues?|problems?|faults?)\b
              | \b(?:with|has|have|having|minor|some)\s+(?:issues?|problems?)\b
              | \b(?:crackling|crackles|crackle|buzzing|buzzes|static\s+noise|distorted|
                    rattles?|rattling|intermittent|muffled)\b
              | \b(?:bad|weak|poor|degraded|swollen)\s+batter(?:y|ies)\b
              | \blow\s+volume\s+(?:on\s+)?(?:one\s+side|left|right)\b
              | \b(?:icloud|activation)\s+locked\b | \bblacklisted\b | \bbad\s+(?:esn|imei)\b
              | (?:不具合|難)あり
              | \brepair\s+only\b | \bparts\s+(?:or\s+|and\s+|&\s+)?repairs?\b
              | \bspares\s+(?:or\s+|and\s+|&\s+)?repairs?\b
            )
            (?P<claim>\s+(?:leak\w*|delay|lag|latency|bleed\w*|loss|with|to)\b|ません)?",
        )
    });
    static WEAR: LazyLock<regex::Regex> = LazyLock::new(|| {
        title_pattern(
            r"(?P<denied>\b(?:no|zero|without|free\s+of|anti|won'?t)[\s-]+)?(?:\bheavy\s+wear\b|\bheavily\s+worn\b|\bworn\s+(?:ear\s*)?(?:pads?|cushions?|headband)\b|\bpeeling\b|\bflaking\b|\bneeds\s+cleaning\b|\bscuff(?:s|ed|\s+marks?)\b|\bcosmetic\s+(?:wear|marks|blemish(?:es)?)\b|\bblemish(?:ed|es)\b|(?:傷|キズ|汚れ)あり(?P<claim>ません)?)",
        )
    });
    // Most titles say none: the match test (a DFA) first, the captures (a slower
    // engine, 2% of extraction when run on every title) only where it matched.
    let said = |re: &regex::Regex| {
        re.is_match(t)
            && re
                .captures_iter(t)
                .any(|c| c.name("denied").is_none() && c.name("claim").is_none())
    };
    if said(&FAULT) {
        Some(Condition::Damaged)
    } else if said(&WEAR) {
        Some(Condition::Used)
    } else {
        None
    }
}

/// A second-hand grade written as a percentage of new, as Chinese listings do:
/// `95新` ("95% new"), `99新`, `9.5新` (`九成新` is in [`USED_WORDS`]). Not a year
/// or a model (`2024新款`: four digits, and 新款 is "new model"), nor `新品`.
fn percent_new(t: &str) -> bool {
    t.match_indices('新').any(|(i, _)| {
        let after = t[i + '新'.len_utf8()..].chars().next();
        if matches!(after, Some('款' | '品' | '年' | '版')) {
            return false;
        }
        let grade: String = t[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        // Reversed: "59" is 95, "5.9" is 9.5.
        let grade: String = grade.chars().rev().collect();
        match grade.as_bytes() {
            [a, b] => (b'5'..=b'9').contains(a) && b.is_ascii_digit(),
            [a, b'.', b] => (b'5'..=b'9').contains(a) && b.is_ascii_digit(),
            _ => false,
        }
    })
}

impl Listing {
    /// The item's condition, where the page states one this reads
    /// ([`Condition::of`]).
    pub fn condition_class(&self) -> Option<Condition> {
        self.condition.as_deref().and_then(Condition::of)
    }

    /// Nothing usable came out of the page: no title and no price.
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.price.is_none()
    }

    /// Read within its budget, yet empty ([`Listing::is_empty`]): a challenge or
    /// error page no verdict rule knows, a hostile page, or one the adapter does not
    /// match. Recorded, but no listing read (a `nothing_read` failure).
    pub fn nothing_read(&self) -> bool {
        self.unreadable.is_none() && self.is_empty()
    }
}

/// Links found on a search results page.
#[derive(Debug, Default)]
pub struct SearchLinks {
    pub items: Vec<Url>,
    pub next: Option<Url>,
    /// Set when the page could not be parsed within its budget.
    pub unreadable: Option<String>,
}

/// Decodes the page's bytes with the charset it declares (or, declaring none, the
/// one its bytes and its host's top-level domain suggest).
pub fn decode(page: &Page) -> charset::Decoded {
    charset::decode_for(&page.body, page.content_type(), page.final_url.host_str())
}

/// Item links and the next-page link of a search results page.
pub fn search_links(page: &Page, m: &Marketplace) -> SearchLinks {
    let text = decode(page).text;
    let doc = match html::parse(&text, html::Budget::default()) {
        Ok(doc) => doc,
        Err(e) => {
            return SearchLinks {
                unreadable: Some(e.to_string()),
                ..SearchLinks::default()
            };
        }
    };
    let resolve = |e: ElementRef| {
        e.value()
            .attr("href")
            .and_then(|h| page.final_url.join(h.trim()).ok())
    };
    SearchLinks {
        items: doc.select(&m.listing_link).filter_map(resolve).collect(),
        next: m
            .next_page
            .as_ref()
            .and_then(|sel| doc.select(sel).find_map(resolve)),
        unreadable: None,
    }
}

/// A field's text as read from an element, with where it passes from one element's
/// text to the next's ([`price::Break`]): what says whose a word between two
/// amounts is.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldText {
    pub text: String,
    pub breaks: Vec<price::Break>,
    /// How many characters the text had before [`FieldText::capped`] cut it.
    pub cut_from: Option<usize>,
}

impl FieldText {
    /// A text that says nothing of elements (structured data, an attribute).
    fn plain(text: String) -> Self {
        FieldText {
            text,
            breaks: Vec::new(),
            cut_from: None,
        }
    }

    /// Cut to [`MAX_FIELD_CHARS`] as [`cap`] cuts, but at the last space before the
    /// limit and with no words added: the text is read as well as shown, and cut
    /// inside a number (`¥4834` as `¥483`) or followed by "truncated from 24893
    /// characters" it held amounts the page never shows.
    fn capped(mut self) -> Self {
        let Some((limit, _)) = self.text.char_indices().nth(MAX_FIELD_CHARS) else {
            return self;
        };
        let n = self.text.chars().count();
        let at = match self.text[..limit].rfind(char::is_whitespace) {
            Some(space) if space > 0 => space,
            _ => limit,
        };
        self.text.truncate(at);
        self.breaks.retain(|b| b.at < at);
        self.cut_from = Some(n);
        self
    }

    /// The text as a listing shows it: said to be cut where it was.
    fn shown(&self) -> String {
        match self.cut_from {
            Some(n) => format!("{}… [truncated from {n} characters]", self.text),
            None => self.text.clone(),
        }
    }

    /// The part `range` of the text, with the breaks inside it.
    fn part(&self, range: std::ops::Range<usize>) -> Self {
        FieldText {
            text: self.text[range.clone()].to_string(),
            breaks: self
                .breaks
                .iter()
                .filter(|b| b.at > range.start && b.at < range.end)
                .map(|b| price::Break {
                    at: b.at - range.start,
                    depth: b.depth,
                })
                .collect(),
            cut_from: None,
        }
    }
}

/// Text of one selector rule on the document, or `None`.
fn apply(doc: &Html, rule: &FieldRule) -> Option<FieldText> {
    apply_or_miss(doc, rule).ok().map(|(v, _)| v)
}

/// Why a selector rule gave no value: the missing field's reason says which, so
/// whoever fixes the adapter looks at the right thing (a regex that no longer fits
/// the text, not a selector that still matches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Miss {
    /// No element matches the selector.
    NoElement,
    /// Elements match, but none has a value (text or attribute, fitting the regex).
    NoValue,
}

/// [`apply`], saying why there is no value, with the element that gave it. Elements
/// the page shows come first: a
/// match inside what it strikes through or hides (WooCommerce's sale price box is
/// `<del>` former price `<ins>` price, each in a `.amount`; read, the former price
/// was the price) gives the value only when no other match does.
fn apply_or_miss<'d>(doc: &'d Html, rule: &FieldRule) -> Result<(FieldText, ElementRef<'d>), Miss> {
    let mut matched = false;
    let mut unshown = Vec::new();
    let mut value = None;
    for e in doc.select(&rule.selector) {
        matched = true;
        if struck_or_hidden(e) {
            unshown.push(e);
        } else if let Some(v) = rule_value(e, rule) {
            value = Some((v, e));
            break;
        }
    }
    let value =
        value.or_else(|| (unshown.into_iter()).find_map(|e| rule_value(e, rule).map(|v| (v, e))));
    match value {
        Some(v) => Ok(v),
        None if matched => Err(Miss::NoValue),
        None => Err(Miss::NoElement),
    }
}

/// Is element `e`, or what holds it, struck through, hidden or code
/// ([`is_struck`], [`is_hidden`], [`is_code`])?
fn struck_or_hidden(e: ElementRef) -> bool {
    std::iter::once(*e)
        .chain(e.ancestors())
        .any(|n| is_struck(n) || is_hidden(n) || n.value().as_element().is_some_and(is_code))
}

/// A seller id structured data gives, as the marketplace's account id: a link
/// (an `@id` or `url` naming the seller's profile page, `https://shop/seller/nwaudio`)
/// read by the adapter's seller-id patterns as its links are (`/seller/([^/?#]+)`:
/// `nwaudio`); none for a link no pattern reads (the site itself, the listing's
/// own page: an `@id` of `https://shop/#org` or `…/item/SU9#seller`, a node's name
/// and no account), nor for a blank node (`_:b0`). Compared raw with the accounts,
/// each such link made the distributor's own listing an unauthorized seller whose
/// name "imitates" the distributor. An id that is no link is the id.
fn account_id(id: &str, rules: &[FieldRule]) -> Option<String> {
    let id = id.trim();
    if id.starts_with("_:") {
        return None;
    }
    // A link begins as one: `=HYPERLINK("http://x")` is an id (a hostile one,
    // neutralised where it is written out), not a link to read.
    let scheme = |s: &str| id.get(..s.len()).is_some_and(|h| h.eq_ignore_ascii_case(s));
    if !(scheme("http://") || scheme("https://") || id.starts_with('/')) {
        return Some(id.to_string());
    }
    let id = without_session_ids(id);
    let mut patterns = rules.iter().filter_map(|r| r.regex.as_ref()).peekable();
    if patterns.peek().is_none() {
        // No pattern to read it by: a link to a page of its own is its id, the
        // site's root none.
        let path = id.split_once("://").map_or(&*id, |(_, rest)| {
            rest.find('/').map_or("", |at| &rest[at..])
        });
        let root = path.trim_matches('/').is_empty();
        return (!root).then(|| id.into_owned());
    }
    patterns.find_map(|re| {
        let caps = re.captures(&id)?;
        let m = caps.get(1).or_else(|| caps.get(0))?;
        Some(m.as_str().to_string()).filter(|v| !v.is_empty())
    })
}

/// The value a selector rule reads from element `e`, if any.
fn rule_value(e: ElementRef, rule: &FieldRule) -> Option<FieldText> {
    let raw = match &rule.attr {
        Some(a) => {
            let value = e
                .value()
                .attr(a)?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            FieldText::plain(match LINK_ATTRIBUTES.contains(&a.as_str()) {
                true => without_session_ids(&value).into_owned(),
                false => value,
            })
        }
        // Its whitespace already collapsed, as the breaks' offsets count it.
        None => field_text(e),
    };
    let value = match &rule.regex {
        Some(re) => {
            let caps = re.captures(&raw.text)?;
            raw.part(caps.get(1).or_else(|| caps.get(0))?.range())
        }
        None => raw,
    };
    // A part of an address a regex took (`/seller/([^/?#]+)`); a whole address
    // stays as written, an address.
    let value = match rule.attr.as_deref() {
        Some(a) if rule.regex.is_some() && LINK_ATTRIBUTES.contains(&a) => unescaped(value),
        _ => value,
    };
    (!value.text.is_empty()).then_some(value)
}

/// Attributes holding an address, whose parts a rule may read (a seller's id in
/// `/seller/ID`).
const LINK_ATTRIBUTES: &[&str] = &["href", "src", "data-href", "data-url", "action"];

/// `address` without the session ids servers write into its path (`;jsessionid=…`,
/// the servlet way): read by a seller id's pattern (`/seller/([^/?#]+)`), the id
/// was `nwaudio;jsessionid=abc`, no account of the distributor's, and the
/// distributor an unauthorized seller and a suspected counterfeit.
fn without_session_ids(address: &str) -> std::borrow::Cow<'_, str> {
    static SESSION: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?i);(?:jsessionid|sessionid|sid|phpsessid)=[^/?#;]*")
            .expect("a valid pattern")
    });
    SESSION.replace_all(address, "")
}

/// A part of an address as it means it, its percent-escapes decoded: a shop whose
/// id is written `华强电子` in the brand file is linked as
/// `/shop/%E5%8D%8E%E5%BC%BA%E7%94%B5%E5%AD%90`, and read as written the
/// distributor's own account was "not an authorised seller" and an impersonator
/// of itself. Escapes that decode to no UTF-8 stay as written.
fn unescaped(value: FieldText) -> FieldText {
    if !value.text.contains('%') {
        return value;
    }
    match percent_encoding::percent_decode_str(&value.text).decode_utf8() {
        Ok(decoded) if decoded != value.text.as_str() => FieldText::plain(decoded.into_owned()),
        _ => value,
    }
}

/// Why none of a field's selector rules gave a value, rule by rule:
/// "selectors matched nothing: A, B; `C` matched, but no text there fits its regex".
fn why_no_value(rules: &[FieldRule], misses: &[Miss]) -> String {
    let nothing: Vec<&str> = rules
        .iter()
        .zip(misses)
        .filter(|(_, m)| **m == Miss::NoElement)
        .map(|(r, _)| r.css.as_str())
        .collect();
    let mut parts = Vec::new();
    if !nothing.is_empty() {
        parts.push(format!("selectors matched nothing: {}", nothing.join(", ")));
    }
    for (r, _) in rules
        .iter()
        .zip(misses)
        .filter(|(_, m)| **m == Miss::NoValue)
    {
        let what = match (&r.attr, &r.regex) {
            (Some(a), Some(_)) => format!("no `{a}` value there fits its regex"),
            (Some(a), None) => format!("none has a `{a}` value"),
            (None, Some(_)) => "no text there fits its regex".to_string(),
            (None, None) => "none has text".to_string(),
        };
        parts.push(format!("`{}` matched, but {what}", r.css));
    }
    parts.join("; ")
}

/// An element's text without what the page strikes through (`<s>`, `<del>`,
/// `<strike>`): a struck price is a former price, never the one asked now; and
/// without what its markup hides from every visitor ([`is_hidden`]): shops print
/// each variant's price in the box and hide all but the one shown (read, the hidden
/// travel size was "the lowest of 2 prices"); and without the text of the scripts,
/// styles, templates and `<noscript>` it holds, which no visitor sees as text (a
/// tracking script's `"price":"$19.99"` in the box was read as the price). When
/// everything is struck or hidden (the selector names such an element itself, or a
/// script shows it), its text.
pub(crate) fn current_text(e: ElementRef) -> String {
    field_text(e).text
}

/// [`current_text`], with where it passes from one element's text to the next's.
fn field_text(e: ElementRef) -> FieldText {
    // One walk: opening a struck element raises the depth, closing it lowers it;
    // text counts at depth zero (linear even in a hostile 3 MB element). `depth`
    // is how deep the walk is in `e`, `low` the shallowest it went since the last
    // text: the depth of the innermost element holding that text and the next.
    // `flush`: since the last text, only the edges of inline elements (and of
    // what is hidden) were passed, so a browser prints the two on one line with
    // nothing between but the texts' own whitespace.
    let mut struck = 0usize;
    let (mut depth, mut low) = (0u16, 0u16);
    let mut flush = false;
    let mut pieces = Vec::new();
    for edge in e.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => {
                if n.value().is_element() {
                    depth = depth.saturating_add(1);
                    flush = flush && (struck > 0 || breaks_no_line(n));
                }
                if left_out(n, e) {
                    struck += 1;
                } else if struck == 0
                    && let Some(t) = n.value().as_text()
                {
                    pieces.push(Piece {
                        text: t,
                        cents: (two_digits(t) || signed_cents(t).is_some()) && in_cents_element(n),
                        depth: low.min(depth),
                        own: depth,
                        flush,
                    });
                    low = depth;
                    flush = true;
                }
            }
            ego_tree::iter::Edge::Close(n) => {
                if left_out(n, e) {
                    struck -= 1;
                }
                if n.value().is_element() {
                    depth = depth.saturating_sub(1);
                    low = low.min(depth);
                    flush = flush && (struck > 0 || breaks_no_line(n));
                }
            }
        }
    }
    let live = join_pieces(pieces.into_iter());
    if live.text.is_empty() {
        FieldText::plain(join_text(e.text()))
    } else {
        live
    }
}

/// The text a visitor of the page sees, whitespace collapsed, a line for each block:
/// its text nodes outside
/// scripts, styles, templates and `<noscript>`, and outside elements the markup
/// hides (the `hidden` attribute, `aria-hidden="true"`, an inline `display:none` or
/// `visibility:hidden`, or a class of `HIDING_CLASSES`). Real product pages carry
/// "no longer available" wording they do not show: eBay's countdown keeps a hidden
/// "The listing has ended" span, AliExpress a JSON table of messages; a verdict
/// read from such text would call a live listing taken down. Nor what the page's
/// visitors wrote (`is_visitors_text`): a review quoting the shop's own words
/// (`上次买的时候商品已下架`, "last time the item had been delisted") made a live
/// listing a soft 404, its findings unmade. One walk with a depth counter, linear
/// even in a hostile 3 MB nest.
pub fn visible_text(doc: &Html) -> String {
    let mut unseen = 0usize;
    let mut out = String::new();
    // A block's edge (a `<div>`, a `<p>`, a `<br>`) since the last word: the next
    // goes on a line of its own, so a message the page shows is told from a
    // sentence quoting it (`crate::verdict`).
    let mut line = false;
    for edge in doc.root_element().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => {
                if is_unseen(n) {
                    unseen += 1;
                } else if unseen == 0
                    && let Some(t) = n.value().as_text()
                {
                    for word in t.split_whitespace() {
                        let new_line = std::mem::take(&mut line);
                        if !out.is_empty() {
                            out.push(if new_line { '\n' } else { ' ' });
                        }
                        out.push_str(word);
                    }
                } else {
                    line |= unseen == 0 && !breaks_no_line(n);
                }
            }
            ego_tree::iter::Edge::Close(n) if is_unseen(n) => unseen -= 1,
            ego_tree::iter::Edge::Close(n) => line |= unseen == 0 && !breaks_no_line(n),
        }
    }
    out
}

/// Class names the common CSS frameworks (Bootstrap, Tailwind, eBay's own) give
/// hidden elements: the stylesheet is not read, so these stand for it.
const HIDING_CLASSES: [&str; 8] = [
    "hide",
    "hidden",
    "d-none",
    "is-hidden",
    "invisible",
    // Utility and Fluent's names (`u-hidden`, `x-hidden`, `x-hidden-focus`): a
    // decoy price so hidden was read as the price.
    "u-hidden",
    "x-hidden",
    "x-hidden-focus",
];

fn is_unseen(n: ego_tree::NodeRef<scraper::Node>) -> bool {
    let Some(el) = n.value().as_element() else {
        return false;
    };
    if is_code(el) || is_visitors_text(el) {
        return true;
    }
    el.attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || el.classes().any(|c| c == "sr-only")
        || hidden_by_markup(el)
}

/// Is this element what the page's visitors wrote, not the shop: a review, a
/// comment, a question or its answers, by a part of its class or id (`review-item`,
/// `comment-list`, JD's `comment-item`, `customer-reviews`, `question-list`) or its
/// microdata (`itemprop="review"`). Its words are theirs, whatever they quote.
/// Whole parts only: `preview` is no review; and never the page's frame (`<body
/// class="reviews-enabled">`, `<main>`), which would hide all the page says.
fn is_visitors_text(el: &scraper::node::Element) -> bool {
    // Not `qa`: sites name their test hooks so (`qa-error-message`).
    const PARTS: [&str; 11] = [
        "review",
        "reviews",
        "comment",
        "comments",
        "question",
        "questions",
        "answer",
        "answers",
        "ugc",
        "testimonial",
        "testimonials",
    ];
    let named = |v: &str| {
        v.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|p| PARTS.iter().any(|w| p.eq_ignore_ascii_case(w)))
    };
    if matches!(el.name(), "html" | "body" | "main" | "form") {
        return false;
    }
    el.attr("class").is_some_and(named)
        || el.attr("id").is_some_and(named)
        || el
            .attr("itemprop")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("review"))
}

/// Is this element hidden from every visitor by its markup: the `hidden` attribute,
/// an inline `display:none` or `visibility:hidden`, or a class of
/// [`HIDING_CLASSES`] that no class showing it from a screen width on undoes
/// (Tailwind's `hidden md:block`, Bootstrap's `d-none d-lg-inline`: shown on a
/// desktop)?
fn hidden_by_markup(el: &scraper::node::Element) -> bool {
    const SHOWN: [&str; 8] = [
        "block",
        "inline",
        "inline-block",
        "flex",
        "inline-flex",
        "grid",
        "table",
        "contents",
    ];
    let shown_somewhere = || {
        el.classes().any(|c| {
            c.rsplit_once(':').is_some_and(|(_, d)| SHOWN.contains(&d))
                || c.strip_prefix("d-")
                    .and_then(|d| d.split_once('-'))
                    .is_some_and(|(_, d)| SHOWN.contains(&d))
        })
    };
    if el.attr("hidden").is_some()
        || (el.classes().any(|c| HIDING_CLASSES.contains(&c)) && !shown_somewhere())
    {
        return true;
    }
    el.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        style.contains("display:none")
            || style.contains("visibility:hidden")
            || style_is_zero(&style, "opacity:")
    })
}

/// Does the inline `style` (whitespace taken out, lower case) set `property` to
/// zero (`opacity:0`)? Text so styled is not seen, nor anything inside it: pages
/// that poison scrapers print a decoy price so, and read, it was "the lowest of 2
/// prices", a false below-floor finding. `opacity:0.5` is seen. Not `font-size:0`:
/// layouts set it on a box whose children set their own size, and the price in it
/// is seen.
fn style_is_zero(style: &str, property: &str) -> bool {
    style.split(';').any(|decl| {
        decl.strip_prefix(property).is_some_and(|value| {
            let value = value.trim_end_matches("!important");
            let number = value.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
            !number.is_empty() && number.parse::<f64>().is_ok_and(|n| n == 0.0)
        })
    })
}

/// Elements whose content is no text a visitor reads: scripts, styles, templates
/// (shown only when a script copies them), `<noscript>` (shown only to visitors
/// without scripts, and read here as one raw text), and an SVG icon's `<title>` and
/// `<desc>` (its tooltip and description: `<svg><title>verified</title></svg>`
/// before a seller's name was read into it, the distributor an unauthorized
/// seller).
fn is_code(el: &scraper::node::Element) -> bool {
    matches!(el.name(), "script" | "style" | "template" | "noscript")
        || (matches!(el.name(), "title" | "desc") && el.name.ns == html5ever::ns!(svg))
}

/// Whether a field's text leaves out node `n` (and what it holds) of the selected
/// element `e`: struck, hidden, or code inside it ([`current_text`]).
fn left_out(n: ego_tree::NodeRef<scraper::Node>, e: ElementRef) -> bool {
    is_struck(n)
        || is_hidden(n)
        || (n.id() != e.id() && n.value().as_element().is_some_and(is_code))
}

/// Does the markup hide this node from every visitor ([`hidden_by_markup`])? Text
/// for screen readers only (`sr-only`, `visually-hidden`) and `aria-hidden` text
/// still count in a field: a price box's labels and its price are often written so.
fn is_hidden(n: ego_tree::NodeRef<scraper::Node>) -> bool {
    n.value().as_element().is_some_and(hidden_by_markup)
}

/// Class names that strike a price through by stylesheet, or name the former price
/// a sale replaces, as the common shop systems and CSS frameworks write them
/// (Magento's `old-price`, OpenCart's `price-old`, BigCommerce's `price--non-sale`,
/// Shopify themes' `compare-at-price`, Tailwind's `line-through`). The stylesheet is
/// not read, so these stand for it. Never `regular-price` and the like: Shopify's
/// Dawn gives the price asked now a `price-item--regular` class when there is no sale.
const STRIKING_CLASSES: &[&str] = &[
    "old-price",
    "oldprice",
    "old_price",
    "price-old",
    "price--old",
    "was-price",
    "price-was",
    "price--was",
    "compare-at-price",
    "compare-price",
    "price-compare",
    "price--compare",
    "price--compare-at",
    "price--non-sale",
    "strike",
    "strikethrough",
    "strike-through",
    "striked",
    "line-through",
    "text-line-through",
    "text-decoration-line-through",
    "crossed-price",
    "price-crossed",
    "crossed-out",
    // Amazon's struck list price, a former price by name, a maker's suggested
    // price (`<span class="a-text-strike">$249.99</span> $180.00`,
    // `original-price`, `msrp`): each made the finding's price "the lowest of 2
    // prices … which variant sells at it, the page does not say". Not
    // `list-price`: a shop's list of results names its prices so. Nor a bare
    // `was`: its words are read (`原价¥1,623.75`, `-20%` after it), and the price's
    // source says what they left out.
    "a-text-strike",
    "original-price",
    "price-original",
    "price--original",
    "msrp",
    "price-msrp",
    "rrp",
    "price-rrp",
    "uvp",
];

/// Is this element struck through: `<s>`, `<del>`, `<strike>`, an inline
/// `text-decoration: line-through` (shops' templates strike a former price with a
/// style as often as with a tag; read, it was one of "the lowest of 2 prices"), a
/// class of [`STRIKING_CLASSES`], or Amazon's `data-a-strike="true"`. (A class
/// missed leaves the right price read, the lowest, but as "the lowest of 2 prices
/// … which variant sells at it, the page does not say".)
fn is_struck(n: ego_tree::NodeRef<scraper::Node>) -> bool {
    n.value().as_element().is_some_and(|el| {
        matches!(el.name(), "s" | "del" | "strike")
            || el
                .attr("style")
                .is_some_and(|style| style.to_ascii_lowercase().contains("line-through"))
            || el
                .classes()
                .any(|c| STRIKING_CLASSES.iter().any(|s| c.eq_ignore_ascii_case(s)))
            || el
                .attr("data-a-strike")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    })
}

/// An element's text nodes as one line. Pieces are joined with a space, except where
/// a number is split over elements: shops print `87` `.` `11` (Amazon's whole,
/// decimal and fraction spans) or `119.` and `<sup>95</sup>`; joined with spaces that
/// read as two numbers and the price became the lowest of them ($11 for $87.11).
fn join_text<'a>(pieces: impl Iterator<Item = &'a str>) -> String {
    join_pieces(pieces.map(|text| Piece {
        text,
        cents: false,
        depth: u16::MAX,
        own: u16::MAX,
        flush: false,
    }))
    .text
}

/// Two ASCII digits, trimmed: what cents printed apart look like.
fn two_digits(text: &str) -> bool {
    let t = text.trim();
    t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Signs that stand between a whole amount and its cents printed apart
/// ([`signed_cents`], [`sign_after_amount`]).
const CENTS_SIGNS: &[char] = &['€', '$', '£', '¥'];

/// Cents printed apart after the currency's sign (`€99` in Cdiscount's
/// `249<sup>€99</sup>`): the sign and the two digits. Joined as words, the box read
/// `249 €99`, and the price was 99.00 (a false below-floor finding for 249.99).
fn signed_cents(text: &str) -> Option<(char, &str)> {
    let t = text.trim();
    let sign = t.chars().next().filter(|c| CENTS_SIGNS.contains(c))?;
    let digits = t[sign.len_utf8()..].trim_start();
    two_digits(digits).then_some((sign, digits))
}

/// `out` ending with a whole amount and then a currency's sign (`249 €`, before
/// cents printed apart as in `249 €<sup>99</sup>`): the text before the sign, and
/// the sign. Joined as words, the cents were left out (249.00 for 249.99).
fn sign_after_amount(out: &str) -> Option<(&str, char)> {
    let sign = out
        .chars()
        .next_back()
        .filter(|c| CENTS_SIGNS.contains(c))?;
    let amount = out[..out.len() - sign.len_utf8()].trim_end();
    separator_before_cents(amount).map(|_| (amount, sign))
}

/// Is text node `n` in an element that prints cents apart from the whole amount:
/// a superscript (`$149<sup>99</sup>`, as Best Buy, Walmart and Home Depot print
/// prices), one raised by its inline style (`<span style="vertical-align:0.75ex">`,
/// Walmart's price box), or an element whose class has a part saying so (`cents`,
/// `a-price-fraction`, `price__decimal`; not `text-center` or `percent`)?
fn in_cents_element(n: ego_tree::NodeRef<scraper::Node>) -> bool {
    let Some(el) = n.parent().and_then(|p| p.value().as_element()) else {
        return false;
    };
    el.name() == "sup"
        || el.attr("style").is_some_and(raised)
        || el.classes().any(|c| {
            c.split(['-', '_']).any(|part| {
                ["cent", "cents", "fraction", "decimal", "decimals"]
                    .iter()
                    .any(|w| part.eq_ignore_ascii_case(w))
            })
        })
}

/// Does an inline style raise its element above the line (`vertical-align: super`,
/// `top`, `text-top`, or a positive length such as `0.75ex`)?
fn raised(style: &str) -> bool {
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        let value = value.trim().to_ascii_lowercase();
        prop.trim().eq_ignore_ascii_case("vertical-align")
            && (matches!(value.as_str(), "super" | "top" | "text-top")
                || value.starts_with(|c: char| c.is_ascii_digit() || c == '.')
                    && value
                        .trim_start_matches(['0', '.'])
                        .starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// The decimal separator to put between a whole amount ending `out` and the cents
/// after it, or `None` when `out` does not end with a whole amount: digits grouped
/// in threes by `,` or `.` (the other is the decimal), not already holding one.
fn separator_before_cents(out: &str) -> Option<char> {
    let number = &out[out
        .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, ',' | '.' | '\''))
        .len()..];
    if !number.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = number.split([',', '.', '\'']).collect();
    let whole = match groups.split_first() {
        Some((first, [])) => !first.is_empty(),
        Some((first, rest)) => (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3),
        None => false,
    };
    if !whole {
        return None;
    }
    Some(if number.contains('.') { ',' } else { '.' })
}

/// One text node of a field's element, as [`join_pieces`] joins them.
struct Piece<'a> {
    text: &'a str,
    /// Two digits in an element printing cents apart ([`in_cents_element`]).
    cents: bool,
    /// The depth of the innermost element holding this text and the one before.
    depth: u16,
    /// The depth of the element holding this text.
    own: u16,
    /// Only inline elements' edges lie between this text and the one before
    /// (`$2<span>4</span>9.99`): see [`continues_the_number`].
    flush: bool,
}

/// Phrasing elements a browser lays out on the line of the text around them, at
/// its height: not `sup` and `sub`, whose digits are a footnote's or a power's
/// (`$149.99<sup>1</sup>`, `Model X1<sup>2</sup>`).
const INLINE_ELEMENTS: &[&str] = &[
    "span", "b", "strong", "i", "em", "small", "font", "u", "ins", "mark", "bdi", "bdo", "abbr",
    "data", "a", "s", "del", "strike",
];

/// Does a browser print the text before and after this node's edge on one line
/// with nothing between: an inline element without a `display` or a
/// `vertical-align` of its own, or what the markup hides or a script (neither is
/// laid out at all)?
fn breaks_no_line(n: ego_tree::NodeRef<scraper::Node>) -> bool {
    let Some(el) = n.value().as_element() else {
        return true;
    };
    hidden_by_markup(el)
        || is_code(el)
        || (INLINE_ELEMENTS.contains(&el.name())
            && !el.attr("style").is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                s.contains("display") || s.contains("vertical-align")
            }))
}

/// Does `out` end with a number with its cents (`249.99`, `1.249,99`)?
fn has_cents(out: &str) -> bool {
    // The last four bytes alone: a hostile field of a million digits split over
    // elements is read in linear time.
    matches!(
        out.as_bytes(),
        [.., w, b'.' | b',', c, d] if w.is_ascii_digit() && c.is_ascii_digit() && d.is_ascii_digit()
    )
}

/// Does `piece` go on `out` as the rest of a number split mid-way over elements,
/// nothing between them (`$2<span>4</span>9.99`, or with a hidden decoy digit
/// `$2<span hidden>7</span>49.99`: a browser shows $249.99, and joined with spaces
/// it read `$2`, a finding at 2.00)? Only where an element interrupts a text (one
/// of the two is the text of the element holding both: elements side by side, as
/// minified markup prints `<span>Pack of 2</span><span>49.99</span>`, are set
/// apart by the stylesheet), where the texts hold no whitespace at the joint, the
/// rest is digits alone (`$249<span>20% off</span>` is a badge), not
/// after a number with its cents (`$249.99<span>2 for $400</span>`: a second
/// line the stylesheet sets apart) and not two digits ending the number
/// (`$249<span>99</span>`: cents printed apart, read as such by the price reading).
fn continues_the_number(
    out: &str,
    (p, prev_own): (&Piece, u16),
    spaced: bool,
    next: Option<&Piece>,
) -> bool {
    let interrupted = p.depth == p.own || p.depth == prev_own;
    if !p.flush || !interrupted || spaced || p.text.starts_with(char::is_whitespace) {
        return false;
    }
    let first = p.text.split_whitespace().next().unwrap_or_default();
    if !out.ends_with(|c: char| c.is_ascii_digit())
        || has_cents(out)
        || !first.starts_with(|c: char| c.is_ascii_digit())
        || !first
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
    {
        return false;
    }
    let whole_piece = first.len() == p.text.len();
    let continued = next.is_some_and(|n| {
        n.flush
            && n.text
                .starts_with(|c: char| c.is_ascii_digit() || matches!(c, '.' | ','))
    });
    !(two_digits(first) && whole_piece && !continued)
}

/// [`join_text`], where a piece marked as cents ([`in_cents_element`]) of two digits
/// right after a whole amount is read as its cents (`$149` `99` is $149.99: joined
/// with a space, the cents were a number without a currency, left out, and a listing
/// at a floor of 149.99 was "below" it at 149.00). Whitespace is collapsed, and
/// where a space joins two pieces the break is kept ([`price::Break`]).
fn join_pieces<'a>(pieces: impl Iterator<Item = Piece<'a>>) -> FieldText {
    let mut pieces = pieces.peekable();
    let mut out = String::new();
    // Whitespace came since the last piece written (its own, or a blank piece);
    // the depth of that piece's element.
    let mut spaced = false;
    let mut prev_own = u16::MAX;
    let mut breaks = Vec::new();
    // The shallowest depth since the last piece written: blank ones are skipped.
    let mut depth = u16::MAX;
    // The last piece written was one character alone in its element, and no
    // whitespace came since: see `lone`.
    let mut after_lone = false;
    while let Some(p) = pieces.next() {
        depth = depth.min(p.depth);
        let mut words = p.text.split_whitespace();
        let Some(first) = words.next() else {
            after_lone = false;
            spaced = true;
            continue;
        };
        let was_spaced = std::mem::replace(&mut spaced, p.text.ends_with(char::is_whitespace));
        let after = std::mem::replace(&mut prev_own, p.own);
        // A price printed one character per element (AliExpress's `es--char`
        // spans: `U` `S` ` ` `$` `1` `4` `9` `.` `9` `9`) shows as `US $149.99`;
        // joined as words it read `$1`, a false finding at 1.00.
        let lone = p.text.chars().nth(1).is_none();
        if lone && after_lone {
            out.push_str(first);
            depth = u16::MAX;
            continue;
        }
        after_lone = lone;
        if p.cents && cents_after_a_sign(&mut out, first, &mut words) {
            depth = u16::MAX;
            continue;
        }
        if p.cents
            && let Some(sep) = separator_before_cents(&out)
        {
            out.push(sep);
        } else if !glued(&out, first)
            && !continues_the_number(&out, (&p, after), was_spaced, pieces.peek())
        {
            out.push(' ');
            if depth != u16::MAX {
                breaks.push(price::Break {
                    at: out.len(),
                    depth,
                });
            }
        }
        push_words(&mut out, first, words);
        depth = u16::MAX;
    }
    FieldText {
        text: out,
        breaks,
        cut_from: None,
    }
}

/// Writes `first` and the words after it on `out`, a space between each.
fn push_words<'w>(out: &mut String, first: &str, words: impl Iterator<Item = &'w str>) {
    out.push_str(first);
    for word in words {
        out.push(' ');
        out.push_str(word);
    }
}

/// Cents after the sign (`249` `€99`), or the sign before the cents (`249 €` `99`):
/// written on `out` as `249.99 €`, as the price reading reads a whole amount, with
/// the piece's other words. Whether the piece (its first word `first`, then
/// `words`) was so written; nothing is written where it was not.
fn cents_after_a_sign<'w>(
    out: &mut String,
    first: &'w str,
    words: impl Iterator<Item = &'w str>,
) -> bool {
    let moved = signed_cents(first)
        .filter(|_| separator_before_cents(out).is_some())
        .map(|(sign, digits)| (sign, digits, out.len()))
        .or_else(|| {
            let (amount, sign) = sign_after_amount(out)?;
            two_digits(first).then_some((sign, first, amount.len()))
        });
    let Some((sign, digits, amount_end)) = moved else {
        return false;
    };
    out.truncate(amount_end);
    let sep = separator_before_cents(out).unwrap_or('.');
    out.push(sep);
    out.push_str(digits);
    out.push(' ');
    out.push(sign);
    for word in words {
        out.push(' ');
        out.push_str(word);
    }
    true
}

/// Does `piece` go on `out` without a space: nothing written yet, or a number split
/// over elements (`87` `.` `11`, `$119.` `95`)?
fn glued(out: &str, piece: &str) -> bool {
    match (out.chars().next_back(), piece.chars().next()) {
        (Some(a), Some(b)) => {
            (a.is_ascii_digit() && matches!(b, '.' | ','))
                || (matches!(a, '.' | ',')
                    && b.is_ascii_digit()
                    && out.chars().rev().nth(1).is_some_and(|c| c.is_ascii_digit()))
        }
        _ => true,
    }
}

/// First rule that yields a value: `(value, "selector CSS")`.
pub(crate) fn by_selectors(doc: &Html, rules: &[FieldRule]) -> Option<(String, String)> {
    by_selectors_text(doc, rules).map(|(v, src)| (v.text, src))
}

/// [`by_selectors`], with where the value's text passes between elements.
fn by_selectors_text(doc: &Html, rules: &[FieldRule]) -> Option<(FieldText, String)> {
    selectors_text(doc, rules).ok()
}

/// [`by_selectors_text`], with why each rule gave nothing when none gave a value.
fn selectors_text(doc: &Html, rules: &[FieldRule]) -> Result<(FieldText, String), Vec<Miss>> {
    selectors_element(doc, rules).map(|(v, src, _)| (v, src))
}

/// [`selectors_text`], with the element that gave the value.
fn selectors_element<'d>(
    doc: &'d Html,
    rules: &[FieldRule],
) -> Result<(FieldText, String, ElementRef<'d>), Vec<Miss>> {
    let mut misses = Vec::new();
    for r in rules {
        match apply_or_miss(doc, r) {
            Ok((v, e)) => return Ok((v, format!("selector {}", r.css), e)),
            Err(m) => misses.push(m),
        }
    }
    Err(misses)
}

/// Longest text we keep from a page field; sellers' names can be megabytes.
pub const MAX_FIELD_CHARS: usize = 1000;

pub(crate) fn cap(s: String) -> String {
    let n = s.chars().count();
    if n > MAX_FIELD_CHARS {
        let t: String = s.chars().take(MAX_FIELD_CHARS).collect();
        format!("{t}… [truncated from {n} characters]")
    } else {
        s
    }
}

/// A price text read as an amount the marketplace could really ask: no exponents,
/// no signs, within the brand's plausible range for the currency; in the
/// marketplace's currency and VAT basis when the text holds several. `Err` says why
/// not.
fn read_amount(
    text: &FieldText,
    hints: price::Hints,
    m: &Marketplace,
) -> Result<price::Reading, String> {
    let hints = price::Hints {
        breaks: &text.breaks,
        ..hints
    };
    let mut reading = price::read_advertised(&text.text, hints, &m.currency, m.vat_basis)
        .map_err(|e| e.to_string())?;
    // Checked as written: rounded first, `$0.001` was refused as "0.00 USD", an
    // amount the page does not show, and `$0.005` read as a price of 0.01.
    m.plausible.check(&reading.money)?;
    to_minor_units(&mut reading);
    Ok(reading)
}

/// An amount with more decimals than its currency has (`19.999999999999996`, a
/// shop's script computing prices in floating point; `19.9999`) rounded to the
/// currency's minor units, half away from zero as shops display them, and said in
/// its reading. Held as written, 19.999999999999996 USD was under a floor of 20.00:
/// a finding on a price no buyer is shown.
fn to_minor_units(reading: &mut price::Reading) {
    let money = &mut reading.money;
    let Some(units) = money.currency.minor_units() else {
        return;
    };
    let amount = money.amount.normalize();
    if amount.scale() <= units {
        return;
    }
    let rounded =
        amount.round_dp_with_strategy(units, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    reading.why.push(format!(
        "{amount} has more decimals than {} has: rounded to {rounded}",
        money.currency
    ));
    money.amount = rounded;
}

/// Reads a listing from an item page. Never fails: what cannot be read is named in
/// [`Listing::missing`].
pub fn listing(page: &Page, m: &Marketplace) -> Listing {
    let decoded = decode(page);
    let doc = match html::parse(&decoded.text, html::Budget::default()) {
        Ok(doc) => doc,
        Err(e) => return unreadable(page, m, &decoded, e.to_string()),
    };
    let sd = structured_data(&doc, &page.final_url);
    // Structured sources in order of trust, each with its name.
    let products = sd
        .json_ld
        .iter()
        .map(|p| ("json-ld", p))
        .chain(sd.microdata.iter().map(|p| ("microdata", p)))
        .chain(sd.rdfa.iter().map(|p| ("rdfa", p)))
        .chain(sd.open_graph.iter().map(|p| ("opengraph", p)))
        .collect();
    let own = own::own_products(products, &doc, &page.final_url);
    let mut r = Reader {
        doc: &doc,
        products: own.products,
        own_note: own.note,
        unread: own.set_aside.or_else(|| unreadable_json_ld(sd.bad_json_ld)),
        sources: BTreeMap::new(),
        missing: BTreeMap::new(),
        choices: BTreeMap::new(),
        captured: page.received_at.date_naive(),
        multi_buy: None,
        box_sold_out: None,
        box_condition: None,
    };
    let f = &m.fields;
    let title = r.pick("title", &|p| p.name.clone(), &f.title);
    let brand = r.pick("brand", &|p| p.brand.clone(), &f.brand);
    let seller = r.seller(f);
    let prices = r.prices(m);
    let variants = r.variants(&prices);
    let price_choice = prices
        .choice
        .map(|c| variants::with_variants_named(c, &variants));
    let mpn = r.pick("mpn", &|p| p.mpn.clone(), &f.mpn);
    let condition = r.condition(&f.condition);
    let condition = condition_or_the_title_s(&mut r, condition, title.as_deref());
    let condition = condition_or_the_box_s(&mut r, condition, prices.condition);
    let auction = r.auction(&f.format, prices.text.as_deref());
    let gtin = r.gtin(&f.gtin);
    let listing_id = r.listing_id(page, m);
    Listing {
        marketplace: m.name.clone(),
        url: page.final_url.to_string(),
        listing_id: cap(listing_id),
        title,
        brand,
        seller,
        price: prices.price,
        price_basis: prices.basis,
        list_price: prices.list,
        coupon_price: prices.coupon,
        price_choice,
        variants,
        gtin: gtin.into_iter().collect(),
        mpn,
        condition,
        price_in_cart: prices.in_cart,
        auction,
        multi_buy: prices.multi_buy,
        charset: decoded.charset.to_string(),
        charset_source: decoded.charset_source.to_string(),
        sources: r.sources,
        missing: r.missing,
        unreadable: None,
    }
}

/// The condition a page and its title state, or where they state none (or only
/// structured data's "new", a shop theme's default), the one the price box states
/// after the price (`$180.00 Used - Like New`): judged as new, a used item's price
/// was a new one's below the floor. Its source says so.
fn condition_or_the_box_s(
    r: &mut Reader,
    condition: Option<String>,
    from_box: Option<String>,
) -> Option<String> {
    let selector = (r.sources.get("condition")).is_some_and(|s| s.starts_with("selector"));
    let Some(stated) = from_box else {
        return condition;
    };
    let over = match condition.as_deref().and_then(Condition::of) {
        Some(Condition::New) if !selector => format!(
            ", over the page's condition \"{}\" (a shop's default for every item?)",
            condition
                .as_deref()
                .unwrap_or_default()
                .trim()
                .chars()
                .take(80)
                .collect::<String>()
        ),
        Some(_) => return condition,
        None => String::new(),
    };
    r.sources.insert(
        "condition".into(),
        format!("the price box (\"{stated}\" after the price){over}"),
    );
    r.missing.remove("condition");
    Some(stated)
}

/// The condition a page states, or where it states none this reads, the one its
/// title states ([`Condition::in_title`]): `Acme X1 Headphones - Renewed` and `…
/// For Parts or Repair` on a marketplace whose adapter reads no condition were
/// judged as new, below the floor (a complaint claiming a new item's price
/// violation of a refurbished or broken one). Its source says so.
///
/// A page whose structured data states "new" where its title states another
/// condition is read by the title: shop themes write `itemCondition:
/// NewCondition` on every product, and `Acme X1 Headphones (Used)` so marked was a
/// new item below the floor and a suspected counterfeit. The source names the
/// value it went against.
fn condition_or_the_title_s(
    r: &mut Reader,
    condition: Option<String>,
    title: Option<&str>,
) -> Option<String> {
    // Only structured data's "new" gives way: a marketplace's own condition box,
    // read by the adapter's selector, is the seller's stated choice (a "Like New"
    // title under eBay's or Amazon's "New" is held to the floor, as before).
    let from_markup = r
        .sources
        .get("condition")
        .is_some_and(|s| !s.starts_with("selector"));
    let stated_new = match condition.as_deref().and_then(Condition::of) {
        Some(Condition::New) if from_markup => true,
        Some(_) => return condition,
        None => false,
    };
    let Some((title, stated)) = title.and_then(|t| Some((t, Condition::in_title(t)?))) else {
        return condition;
    };
    let over = match (stated_new, condition.as_deref()) {
        (true, Some(c)) => format!(
            ", over the page's condition \"{}\" (a shop's default for every item?)",
            c.trim().chars().take(80).collect::<String>()
        ),
        _ => String::new(),
    };
    r.sources.insert(
        "condition".into(),
        format!(
            "the title (\"{}\"){over}",
            title.trim().chars().take(120).collect::<String>()
        ),
    );
    r.missing.remove("condition");
    // The class's own word, which `Condition::of` reads back as it.
    Some(stated.as_str().to_string())
}

/// The page's structured data, each product's offers narrowed to the variant the
/// page's address names ([`own::keep_page_variant`]).
fn structured_data(doc: &scraper::Html, page_url: &Url) -> structured::Structured {
    let mut sd = structured::read_all(doc);
    let others = || own::other_addresses(doc, page_url);
    for p in sd
        .json_ld
        .iter_mut()
        .chain(&mut sd.microdata)
        .chain(&mut sd.rdfa)
    {
        own::keep_page_variant(p, page_url, &others);
    }
    sd
}

/// Why a field is not in structured data where `bad` JSON-LD scripts could not
/// be read as JSON: "not in structured data" alone would be untrue.
fn unreadable_json_ld(bad: usize) -> Option<String> {
    (bad > 0).then(|| {
        format!(
            "not in structured data ({bad} JSON-LD script{} on the page could not be read as \
             JSON)",
            if bad == 1 { "" } else { "s" }
        )
    })
}

/// Reads one listing page's fields, noting where each came from and why a
/// missing one is missing.
struct Reader<'d> {
    doc: &'d scraper::Html,
    products: Vec<own::Sourced<'d>>,
    /// Which of several products described was taken as the page's own.
    own_note: Option<String>,
    /// Why the structured data gives no field where it was set aside, or where
    /// some of it could not be read ("not in structured data" would be untrue).
    unread: Option<String>,
    sources: BTreeMap<String, String>,
    missing: BTreeMap<String, String>,
    /// Price field → what its amount was the lowest of, when the text held several.
    choices: BTreeMap<String, String>,
    /// The day the page was captured: a structured price valid until before it
    /// has ended ([`Reader::structured_price_ended`]).
    captured: chrono::NaiveDate,
    /// A price box's multi-buy (`3 for $600`) and the amount it is the price of.
    multi_buy: Option<(Money, price::MultiBuy)>,
    /// The sold-out words of the price box's text, where a step read that text
    /// ([`Reader::heard_box`]): noted once the price is known, without reading
    /// the box again.
    box_sold_out: Option<&'static str>,
    /// A price box's condition after its amount (`$180.00 Used - Like New`) and
    /// the amount it is the condition of.
    box_condition: Option<(Money, String)>,
}

/// A listing's prices: the list price, a coupon price, and which is the price.
struct Prices {
    price: Option<Money>,
    basis: PriceBasis,
    list: Option<Money>,
    coupon: Option<Money>,
    /// See [`Listing::price_choice`].
    choice: Option<String>,
    /// See [`Listing::price_in_cart`].
    in_cart: Option<String>,
    /// See [`Listing::multi_buy`].
    multi_buy: Option<price::MultiBuy>,
    /// The price field's text, as read.
    text: Option<String>,
    /// The condition the price box states after the price's amount.
    condition: Option<String>,
}

impl<'d> Reader<'d> {
    /// A field: structured data first (in order of trust), then the adapter's selectors.
    fn pick(
        &mut self,
        field: &str,
        from_structured: &dyn Fn(&structured::Product) -> Option<String>,
        rules: &[FieldRule],
    ) -> Option<String> {
        self.pick_text(field, from_structured, rules)
            .map(|t| t.shown())
    }

    /// [`Reader::pick`], with where a selector's text passes between elements.
    fn pick_text(
        &mut self,
        field: &str,
        from_structured: &dyn Fn(&structured::Product) -> Option<String>,
        rules: &[FieldRule],
    ) -> Option<FieldText> {
        (self.pick_text_at(field, from_structured, rules)).map(|(t, _)| t)
    }

    /// [`Reader::pick_text`], with the element a selector read it from (`None` for
    /// structured data's).
    fn pick_text_at(
        &mut self,
        field: &str,
        from_structured: &dyn Fn(&structured::Product) -> Option<String>,
        rules: &[FieldRule],
    ) -> Option<(FieldText, Option<ElementRef<'d>>)> {
        for (src, p) in &self.products {
            if let Some(v) = from_structured(p) {
                let source = match (&self.own_note, *src) {
                    (Some(note), s) if s != "opengraph" => format!("{s} ({note})"),
                    _ => src.to_string(),
                };
                self.sources.insert(field.to_string(), source);
                return Some((FieldText::plain(v).capped(), None));
            }
        }
        let misses = match selectors_element(self.doc, rules) {
            Ok((v, src, e)) => {
                self.sources.insert(field.to_string(), src);
                return Some((v.capped(), Some(e)));
            }
            Err(misses) => misses,
        };
        let not_there = self.unread.as_deref().unwrap_or("not in structured data");
        let why = if rules.is_empty() {
            format!("{not_there}, and the adapter has no selector for it")
        } else {
            format!("{not_there}; {}", why_no_value(rules, &misses))
        };
        self.missing.insert(field.to_string(), why);
        None
    }

    /// A GTIN as pages label it ("EAN: 880…", "(93123457)"), kept only with a right
    /// check digit.
    fn gtin(&mut self, rules: &[FieldRule]) -> Option<String> {
        let raw = self.pick("gtin", &|p| p.gtin.first().cloned(), rules)?;
        let gtin = crate::ident::gtin_in_text(&raw);
        if gtin.is_none() {
            self.missing.insert(
                "gtin".into(),
                format!("`{raw}` holds no GTIN with a valid check digit"),
            );
        }
        gtin
    }

    /// The words saying the listing sells by auction, in its format (the adapter's
    /// `format` selectors) or its price text ([`auction_words`]).
    fn auction(&self, format: &[FieldRule], price_text: Option<&str>) -> Option<String> {
        by_selectors(self.doc, format)
            .and_then(|(t, _)| auction_words(&t))
            .or_else(|| price_text.and_then(auction_words))
            .map(String::from)
    }

    /// The item's stated condition: the advertised offer's, else the product's,
    /// else the adapter's selectors.
    fn condition(&mut self, rules: &[FieldRule]) -> Option<String> {
        let condition = self.pick(
            "condition",
            &|p| {
                p.advertised()
                    .and_then(|(o, _)| o.condition.clone())
                    .or_else(|| p.condition.clone())
            },
            rules,
        );
        if condition.is_none() && rules.is_empty() {
            // Most pages state none: not worth a line in every listing's `missing`.
            self.missing.remove("condition");
        }
        condition
    }

    /// The list price and a coupon price; the coupon price is the price when it is
    /// lower in the same currency. The page's currency: the structured/selected one
    /// if it is a code, else the adapter's.
    fn prices(&mut self, m: &Marketplace) -> Prices {
        let f = &m.fields;
        let price_text = self.pick_text(
            "price",
            &|p| p.advertised().and_then(|(o, _)| o.price.clone()),
            &f.price,
        );
        self.note_price_set_aside();
        self.note_offer_taken();
        if !self.price_is_structured()
            && let Some(t) = &price_text
        {
            self.heard_box(&t.text);
        }
        let currency_text = self.pick(
            "currency",
            &|p| p.advertised().and_then(|(o, _)| o.currency.clone()),
            &f.currency,
        );
        let coupon_text = by_selectors_text(self.doc, &f.coupon_price);
        let hints = price::Hints {
            currency: currency_text.as_deref(),
            decimal_separator: m.decimal_separator,
            breaks: &[],
        };
        let list = price_text
            .as_ref()
            .and_then(|t| self.amount("price", t, hints, m))
            .or_else(|| self.box_instead(&f.price, hints, m));
        // Capped as every field is: the reading of a box is quadratic in its amounts,
        // and a hostile page's coupon box of 10,000 took 10 s.
        let coupon = coupon_text.map(|(t, src)| (t.capped(), src));
        let coupon = coupon.as_ref().and_then(|(t, src)| {
            self.sources.insert("coupon_price".into(), src.clone());
            self.amount("coupon_price", t, hints, m)
        });
        self.note_offers_chosen_among();
        let list = self.price_box_too(list, &f.price, hints, m);
        self.note_sold_out();
        self.note_structured_price(m);
        let (price, basis) = match (&list, &coupon) {
            (Some(l), Some(c)) if c.currency == l.currency && c.amount < l.amount => {
                (Some(c.clone()), PriceBasis::Coupon)
            }
            (Some(l), _) => (Some(l.clone()), PriceBasis::List),
            (None, Some(c)) => (Some(c.clone()), PriceBasis::Coupon),
            (None, None) => (None, PriceBasis::List),
        };
        // The box's multi-buy, where its amount is the price checked.
        let multi_buy = self
            .multi_buy
            .take()
            .filter(|(at, _)| basis == PriceBasis::List && price.as_ref() == Some(at))
            .map(|(_, m)| m);
        let condition = (self.box_condition.take())
            .filter(|(at, _)| basis == PriceBasis::List && price.as_ref() == Some(at))
            .map(|(_, c)| c);
        let choice = match basis {
            _ if price.is_none() => None,
            PriceBasis::List => self.choices.get("price").cloned(),
            PriceBasis::Coupon => self.choices.get("coupon_price").cloned(),
        };
        // No price, and the price box says it shows only in the cart.
        let price_text = price_text.map(|t| t.shown());
        let in_cart = price
            .is_none()
            .then(|| self.in_cart(price_text.as_deref(), &f.price))
            .flatten();
        Prices {
            price,
            basis,
            list,
            coupon,
            choice,
            in_cart,
            multi_buy,
            text: price_text,
            condition,
        }
    }

    /// Where no price was read and the structured data's offer holds a price
    /// specification that is no price asked of every buyer now (`referenceQuantity`
    /// 2, a month's charge, a former or a member's price), the price's reason says
    /// so: "not in structured data" was untrue of such a page.
    /// Where its offer is there with no price (`"price": ""`, `null`), the reason
    /// says so too: the page's data names an offer, only not its price.
    fn note_price_set_aside(&mut self) {
        let offers = || self.products.iter().flat_map(|(_, p)| p.offers.iter());
        let set_aside = offers().any(|o| o.price_set_aside);
        let priceless = offers().any(|o| o.price.is_none() && o.high_price.is_none());
        if let Some(why) = self.missing.get_mut("price")
            && let Some(rest) = why.strip_prefix("not in structured data")
        {
            if set_aside {
                *why = format!(
                    "not in structured data as a price asked of every buyer now (its price \
                     specification holds only prices of another kind: per several units, \
                     per period, former, members', a quantity tier's or a charge){rest}"
                );
            } else if priceless {
                *why = format!("not in structured data (its offer gives no price){rest}");
            }
        }
    }

    /// What the structured data says of its own price, where it is the price: on
    /// the other VAT basis, or ended (said in its source; an ended one in its
    /// choice too, so a finding on it says so).
    fn note_structured_price(&mut self, m: &Marketplace) {
        if self.price_is_structured()
            && let Some(basis) = self.structured_vat_basis_differs(m)
            && let Some(src) = self.sources.get_mut("price")
        {
            src.push_str(&format!(" (which says it is {basis})"));
        }
        // No box to say otherwise: the ended price is what the page says, and says
        // so in its source and its choice (a finding on it said "advertised 199.99"
        // and no more).
        if self.price_is_structured()
            && let Some(when) = self.structured_price_ended()
            && let Some(src) = self.sources.get_mut("price")
        {
            src.push_str(&format!(" (which says it {when})"));
            let note = format!("{STRUCTURED_NOT_NOW}{when}");
            let choice = match self.choices.remove("price") {
                Some(c) => format!("{c}; {note}"),
                None => note,
            };
            self.choices.insert("price".into(), choice);
        }
    }

    /// The listing's seller: the first structured offer that names one (the buy
    /// box), with its id, else the adapter's selectors. Where the page's seller box
    /// (a selector) names another seller than the structured data, the box is read,
    /// name and id: it is what a buyer and the packet's screenshot see, and a
    /// marketplace's structured data may name the marketplace, or the brand, for
    /// every listing. Before, the finding named the structured data's seller (a
    /// distributor's name, on a page whose box says "Sold by Cheapo Deals").
    fn seller(&mut self, f: &crate::config::FieldRules) -> Seller {
        let name = self.seller_name(&f.seller);
        let id = self.pick(
            "seller_id",
            &|p| {
                (p.offers.iter()).find_map(|o| {
                    o.seller_id
                        .as_deref()
                        .and_then(|id| account_id(id, &f.seller_id))
                })
            },
            &f.seller_id,
        );
        let structured = self
            .sources
            .get("seller")
            .is_some_and(|s| !s.starts_with("selector"));
        let boxed = match (&name, structured, selectors_text(self.doc, &f.seller)) {
            (Some(named), true, Ok((text, css))) => {
                // Capped as every field is: a hostile page's box may hold megabytes.
                let shown = text.capped().shown();
                // Most boxes end with the name the data gives ("Sold by X"): no need
                // for the box-words reading (a regex with captures, ~1% of a
                // real-weight scan's CPU when run on every such page).
                let said = crate::ident::normalize_seller(named);
                if !said.is_empty() && crate::ident::normalize_seller(&shown).ends_with(&said) {
                    return Seller { name, id };
                }
                let bare = seller_name::without_box_words(&shown).map_or(shown, |(b, _)| b);
                let differs =
                    crate::ident::normalize_seller(&bare) != crate::ident::normalize_seller(named);
                (differs && !bare.trim().is_empty()).then_some((bare, css, named.clone()))
            }
            _ => None,
        };
        let Some((bare, css, named)) = boxed else {
            return Seller { name, id };
        };
        self.sources.insert(
            "seller".into(),
            format!("{css} (the structured data names another seller, \"{named}\": the page's seller box is read)"),
        );
        let id = match selectors_text(self.doc, &f.seller_id) {
            Ok((t, src)) => {
                self.sources.insert("seller_id".into(), src);
                Some(t.capped().shown())
            }
            Err(_) => {
                self.sources.remove("seller_id");
                self.missing.insert(
                    "seller_id".into(),
                    "the seller box names another seller than the structured data, and no selector gives its id".into(),
                );
                None
            }
        };
        Seller {
            name: Some(bare),
            id,
        }
    }

    /// The seller's name: the first structured offer that names one (the buy box),
    /// else the adapter's selectors, without the seller box's own words ("Sold
    /// by", a rating, a badge: [`seller_name::without_box_words`]), which its
    /// source names.
    fn seller_name(&mut self, rules: &[FieldRule]) -> Option<String> {
        let (name, element) = self.pick_text_at(
            "seller",
            &|p| p.offers.iter().find_map(|o| o.seller_name.clone()),
            rules,
        )?;
        let name = name.shown();
        let no_seller = if seller_name::only_who_ships(&name) {
            Some(format!(
                "the seller box says only who ships (\"{name}\"), not who sells"
            ))
        } else if seller_name::offers_line(&name) {
            Some(format!(
                "the seller box holds the buy box's offers (\"{name}\"), no seller's name"
            ))
        } else if seller_name::only_a_button(&name) {
            Some(format!(
                "the seller box holds only a button's words (\"{name}\"), no seller's name"
            ))
        } else if seller_name::a_brand_line(&name) {
            Some(format!(
                "the seller box names the brand (\"{name}\"), who makes the item, not who sells it"
            ))
        } else {
            None
        };
        if let Some(why) = no_seller {
            self.sources.remove("seller");
            self.missing.insert("seller".into(), why);
            return None;
        }
        let Some(src) = self
            .sources
            .get_mut("seller")
            .filter(|s| s.starts_with("selector"))
        else {
            return Some(name);
        };
        let name = match element.and_then(|e| seller_name::without_badges(e, &name)) {
            Some((bare, badges)) => {
                src.push_str(&format!(
                    " (left out the seller box's badges: {})",
                    badges
                        .iter()
                        .map(|w| format!("\"{w}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                bare
            }
            None => name,
        };
        match seller_name::without_box_words(&name) {
            Some((bare, said)) => {
                src.push_str(&format!(
                    " (left out the seller box's words: {})",
                    said.iter()
                        .map(|w| format!("\"{w}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                Some(bare)
            }
            None => Some(name),
        }
    }

    /// Is the price from structured data (not an adapter's selector)?
    fn price_is_structured(&self) -> bool {
        self.sources
            .get("price")
            .is_some_and(|s| !s.starts_with("selector"))
    }

    /// Where the advertised structured offer says its price is on the other VAT
    /// basis than the marketplace's (`valueAddedTaxIncluded`): what it says.
    fn structured_vat_basis_differs(&self, m: &Marketplace) -> Option<&'static str> {
        let included = self
            .products
            .iter()
            .find_map(|(_, p)| p.advertised())
            .and_then(|(o, _)| o.vat_included)?;
        match (m.vat_basis, included) {
            (VatBasis::Inclusive, false) => Some(
                "without VAT (valueAddedTaxIncluded false), where the marketplace's prices \
                 include it",
            ),
            (VatBasis::Exclusive, true) => Some(
                "with VAT (valueAddedTaxIncluded true), where the marketplace's prices exclude \
                 it",
            ),
            _ => None,
        }
    }

    /// When the advertised structured offer says its price holds, where the page
    /// was captured outside it by more than a day (`"priceValidUntil": "2024-01-01"`:
    /// "held until 2024-01-01, before the page was captured"; a sale scheduled
    /// ahead, `"validFrom": "2027-01-01"`: "holds from 2027-01-01, after …"): the
    /// price is not asked now, and the page's price box says what is.
    fn structured_price_ended(&self) -> Option<String> {
        let offer = self
            .products
            .iter()
            .find_map(|(_, p)| p.advertised())
            .map(|(o, _)| o)?;
        // A date, or the date of a date and time (`2024-01-01T23:59:59Z`).
        let day = |d: &Option<String>| {
            let d = d.as_deref()?.trim().get(..10)?;
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()
        };
        // A day's grace: the shop's day may still run, or have begun, where the
        // capture's (UTC) has not.
        if let Some(until) = day(&offer.valid_until)
            && until.succ_opt()? < self.captured
        {
            return Some(format!("held until {until}, before the page was captured"));
        }
        let from = day(&offer.valid_from)?;
        (from.pred_opt()? > self.captured)
            .then(|| format!("holds from {from}, after the page was captured"))
    }

    /// Why the price box's one price `shown`, not the structured data's
    /// `structured`, is the price this listing asks, said after "… shown
    /// (selector …), ": what the structured data says of its own price
    /// ([`Reader::why_the_box_wins`]), or that it gives only an AggregateOffer's
    /// range, whose low end is the lowest of offers whose sellers it does not name
    /// (schema.org's use: one product offered by several merchants; held to it, a
    /// seller whose box showed 249.99 was found advertising another's 149.99).
    fn box_is_the_price(
        &self,
        shown: &Money,
        structured: &Money,
        one_price: bool,
        m: &Marketplace,
    ) -> Option<String> {
        if let Some(says) = self.why_the_box_wins(shown, structured, m) {
            return Some(format!(
                "{structured} in its structured data, which says it {says}"
            ));
        }
        let (low, high) = self
            .aggregate_range()
            .filter(|_| one_price && shown.amount > structured.amount)?;
        Some(format!(
            "and its structured data gives only an AggregateOffer's range, {low} to {high}, \
             whose offers' sellers it does not name"
        ))
    }

    /// The advertised structured offer's range, where it is an AggregateOffer's
    /// (`lowPrice` to `highPrice`, as written).
    fn aggregate_range(&self) -> Option<(String, String)> {
        let (offer, _) = self.products.iter().find_map(|(_, p)| p.advertised())?;
        let low = offer.price.as_deref()?.trim();
        let high = offer.high_price.as_deref()?.trim();
        (offer.aggregate && low != high).then(|| (low.to_string(), high.to_string()))
    }

    /// Which offer of several the structured price was taken from, said beside the
    /// price's source.
    fn note_offer_taken(&mut self) {
        if self.price_is_structured()
            && let Some(note) = self
                .products
                .iter()
                .find_map(|(_, p)| p.advertised())
                .and_then(|(_, note)| note)
            && let Some(src) = self.sources.get_mut("price")
        {
            src.push_str(&format!(" ({note})"));
        }
    }

    /// That every offer of the listing's seller is out of stock, where the data
    /// says so, after what the price was chosen among.
    fn note_sold_out(&mut self) {
        let structured = self
            .products
            .iter()
            .find(|(_, p)| p.advertised().is_some())
            .is_some_and(|(_, p)| p.sold_out());
        // Else the box's own words (`$149.99 Sold out`): a finding on such a price
        // said nothing of it, where the structured data's word was said.
        let note = if structured {
            Some(SOLD_OUT.to_string())
        } else {
            self.box_sold_out.map(|w| format!("{BOX_SOLD_OUT}\"{w}\""))
        };
        if let Some(note) = note {
            let choice = match self.choices.remove("price") {
                Some(c) => format!("{c}; {note}"),
                None => note,
            };
            self.choices.insert("price".into(), choice);
        }
    }

    /// Keeps the sold-out words of a price box's text one of the price steps read
    /// ([`Reader::note_sold_out`] says them).
    fn heard_box(&mut self, text: &str) {
        if self.box_sold_out.is_none() {
            self.box_sold_out = price::sold_out_words(text);
        }
    }

    /// The structured offers the price was the lowest of, as the price's choice.
    fn note_offers_chosen_among(&mut self) {
        if self.price_is_structured()
            && let Some(choice) = self
                .products
                .iter()
                .find(|(_, p)| p.advertised().is_some())
                .and_then(|(_, p)| p.price_choice())
        {
            self.choices.insert("price".into(), choice);
        }
    }

    /// A selector written as a fallback may also match a rail's or a review's price:
    /// only one it names alone is the price box.
    fn names_one(&self, rule: &FieldRule) -> bool {
        self.doc.select(&rule.selector).nth(1).is_none()
    }

    /// The price box read beside structured data's price: its amount, whether it
    /// shows one price, and (where it had to be asked) whether the selector names
    /// it alone. Its multi-buy and the condition it states after the price
    /// (`$149.99 Used - Good`, only a box named alone) are kept for the listing.
    fn box_beside(
        &mut self,
        rule: &FieldRule,
        reading: price::Reading,
    ) -> (Money, bool, Option<bool>) {
        let shown = reading.money;
        if let Some(several) = reading.for_several {
            self.multi_buy = Some((shown.clone(), several));
        }
        let mut alone = None;
        if let Some(c) = reading.condition
            && *alone.get_or_insert_with(|| self.names_one(rule))
        {
            self.box_condition = Some((shown.clone(), c));
        }
        (shown, reading.among.is_empty(), alone)
    }

    /// The price as structured data gave it, held against what the adapter's price
    /// box shows. Shops' structured data goes stale (a sale ended, a price changed
    /// by a script the markup template never saw): a finding on the structured price
    /// alone said "offered at 129.99" beside a page showing 199.99, and a sale shown
    /// in the box under a regular price in the markup was missed. Where both read
    /// in one currency and differ, the lower is checked and the listing says both
    /// ([`PRICES_DISAGREE`]), except where the structured data's price is the low
    /// end of several (variants, a range) and the box shows a higher one: that is a
    /// variant, said as before; but an AggregateOffer's low end beside one price in
    /// the box may be another seller's, and the box's is checked. A lower price in the box counts only where the
    /// selector names one element: an adapter's price selector was only a fallback
    /// on pages with structured data, and one that also names other sellers' prices
    /// in a rail must not make findings it never made.
    fn price_box_too(
        &mut self,
        list: Option<Money>,
        rules: &[FieldRule],
        hints: price::Hints,
        m: &Marketplace,
    ) -> Option<Money> {
        let (Some(structured), true) = (list.as_ref(), self.price_is_structured()) else {
            return list;
        };
        let Some((rule, text)) = rules
            .iter()
            .find_map(|r| apply(self.doc, r).map(|t| (r, t)))
        else {
            return list;
        };
        // Capped as every field is: a hostile page's box may hold megabytes.
        let text = text.capped();
        self.heard_box(&text.text);
        let Ok(reading) = read_amount(&text, hints, m) else {
            return list;
        };
        let (shown, one_price, alone) = self.box_beside(rule, reading);
        if shown.amount == structured.amount && shown.currency == structured.currency {
            return list;
        }
        let alone = alone.unwrap_or_else(|| self.names_one(rule));
        if shown.currency != structured.currency {
            return Some(self.currencies_apart(shown, structured.clone(), rule, alone, m));
        }
        if let Some(why) = self
            .box_is_the_price(&shown, structured, one_price, m)
            .filter(|_| alone)
        {
            self.sources
                .insert("price".into(), format!("selector {}", rule.css));
            self.choices.insert(
                "price".into(),
                format!(
                    "{PRICES_DISAGREE}: {shown} shown (selector {}), {why}; the box's is checked",
                    rule.css
                ),
            );
            return Some(shown);
        }
        let variants = self.choices.contains_key("price");
        if variants && shown.amount > structured.amount {
            return list;
        }
        let (checked, which) = match (shown.amount < structured.amount, alone) {
            (true, true) => {
                // The price checked is the box's: its source says so.
                self.sources
                    .insert("price".into(), format!("selector {}", rule.css));
                (shown.clone(), "the lower is checked")
            }
            (true, false) => (
                structured.clone(),
                "the selector names several elements: the structured data's is checked",
            ),
            (false, _) => (structured.clone(), "the lower is checked"),
        };
        self.choices.insert(
            "price".into(),
            format!(
                "{PRICES_DISAGREE}: {shown} shown (selector {}), {structured} in its structured data; {which}",
                rule.css
            ),
        );
        Some(checked)
    }

    /// The price where the box and the structured data name it in two currencies
    /// (a seller's data in its own currency, the box in the marketplace's): the
    /// box's where it alone is in the marketplace's currency and its selector names
    /// one element (what this marketplace's buyers are asked, and the floor that
    /// currency has), else the structured data's; the choice names both. Before,
    /// the structured price was checked in silence: `C $229.99` in a CAD
    /// marketplace's box under a CAD floor of 279 went unseen beside `249.99 USD`
    /// in the data, and a finding said "advertised 189.99 USD" beside a box showing
    /// C $339.99.
    fn currencies_apart(
        &mut self,
        shown: Money,
        structured: Money,
        rule: &FieldRule,
        alone: bool,
        m: &Marketplace,
    ) -> Money {
        let box_is_the_sites =
            alone && shown.currency == m.currency && structured.currency != m.currency;
        let (checked, which) = if box_is_the_sites {
            self.sources
                .insert("price".into(), format!("selector {}", rule.css));
            (
                shown.clone(),
                "the box's, in the marketplace's currency, is checked",
            )
        } else {
            (structured.clone(), "the structured data's is checked")
        };
        let note = format!(
            "{PRICES_DISAGREE} in currency: {shown} shown (selector {}), {structured} in its structured data; {which}",
            rule.css
        );
        let choice = match self.choices.remove("price") {
            Some(c) if !box_is_the_sites => format!("{c}; {note}"),
            _ => note,
        };
        self.choices.insert("price".into(), choice);
        checked
    }

    /// Why the price box's price `shown`, not the structured data's `structured`,
    /// is the price asked now, in the structured data's words: its price has ended
    /// or not begun (a structured price the data says has ended made "the lower" an
    /// ended sale's, and a finding said the listing was offered at it); or it is on
    /// the other VAT basis (a shop entering prices without VAT, its box showing them
    /// with it: 210.08 in the data beside 249.99 in the box, and "the lower is
    /// checked" held the price without VAT to a floor with it), where VAT is what
    /// tells them apart (the box higher where prices include VAT, lower where they
    /// exclude it).
    fn why_the_box_wins(
        &self,
        shown: &Money,
        structured: &Money,
        m: &Marketplace,
    ) -> Option<String> {
        let vat_apart = match m.vat_basis {
            VatBasis::Inclusive => shown.amount > structured.amount,
            VatBasis::Exclusive => shown.amount < structured.amount,
        };
        self.structured_price_ended().or_else(|| {
            self.structured_vat_basis_differs(m)
                .filter(|_| vat_apart)
                .map(|basis| format!("is {basis}"))
        })
    }

    /// The words saying the price shows only in the cart, in the price field's text
    /// or else in the price box (asked too where the structured data gave a price
    /// that did not read: `"price": "0"` beside "see price in cart").
    fn in_cart(&self, price_text: Option<&str>, rules: &[FieldRule]) -> Option<String> {
        price_text
            .and_then(price::in_cart_words)
            .or_else(|| by_selectors(self.doc, rules).and_then(|(t, _)| price::in_cart_words(&t)))
            .map(String::from)
    }

    /// The price box's price, where the structured data gave a price that does not
    /// read (`"price": "0.00"` while a script fills the box in, an absurd amount):
    /// the page shows a price, and a violation there went unchecked. Both reasons
    /// are kept when the box does not read either.
    fn box_instead(
        &mut self,
        rules: &[FieldRule],
        hints: price::Hints,
        m: &Marketplace,
    ) -> Option<Money> {
        let structured = self
            .sources
            .get("price")
            .filter(|s| !s.starts_with("selector"))?
            .clone();
        let why = format!("its {structured} price {}", self.missing.get("price")?);
        let (text, src) = by_selectors_text(self.doc, rules)?;
        let text = text.capped();
        self.heard_box(&text.text);
        self.sources.insert("price".into(), src);
        match self.amount("price", &text, hints, m) {
            Some(money) => {
                self.missing.remove("price");
                if let Some(src) = self.sources.get_mut("price") {
                    src.push_str(&format!(" (in place of {why})"));
                }
                Some(money)
            }
            None => {
                self.sources.insert("price".into(), structured);
                if let Some(box_why) = self.missing.get_mut("price") {
                    *box_why = format!("{why}; the price box: {box_why}");
                }
                None
            }
        }
    }

    /// A price field's text read as money; why it cannot be read goes to `missing`,
    /// and any choice among several amounts is added to the field's source.
    fn amount(
        &mut self,
        field: &str,
        text: &FieldText,
        hints: price::Hints,
        m: &Marketplace,
    ) -> Option<Money> {
        match read_amount(text, hints, m) {
            Ok(r) => {
                if field == "price"
                    && let Some(several) = &r.for_several
                {
                    self.multi_buy = Some((r.money.clone(), several.clone()));
                }
                if field == "price"
                    && let Some(c) = &r.condition
                {
                    self.box_condition = Some((r.money.clone(), c.clone()));
                }
                if !r.why.is_empty()
                    && let Some(src) = self.sources.get_mut(field)
                {
                    src.push_str(&format!(" ({})", r.why.join("; ")));
                }
                if let Some(c) = &r.on_condition {
                    self.choices.insert(
                        field.to_string(),
                        format!(
                            "{ON_A_CONDITION} (\"{}\"){}",
                            c.words,
                            c.for_everyone
                                .map(|e| format!("; the lowest price for every buyer: {e}"))
                                .unwrap_or_default()
                        ),
                    );
                }
                if !r.among.is_empty() {
                    let list: Vec<String> = r.among.iter().map(ToString::to_string).collect();
                    self.choices.insert(
                        field.to_string(),
                        format!(
                            "the lowest of {} prices on the page: {}",
                            list.len(),
                            list.join(", ")
                        ),
                    );
                }
                Some(r.money)
            }
            Err(why) => {
                self.missing
                    .insert(field.to_string(), format!("`{}` {why}", text.shown()));
                None
            }
        }
    }

    /// The listing's id: from its URL by the adapter's pattern, else by selectors;
    /// without an id, the URL is the identity of the listing.
    fn listing_id(&mut self, page: &Page, m: &Marketplace) -> String {
        if let Some(id) = m
            .listing_id_from_url
            .as_ref()
            .and_then(|re| re.captures(page.final_url.as_str()))
            .and_then(|c| c.get(1))
        {
            self.sources.insert("listing_id".into(), "url".into());
            return id.as_str().to_string();
        }
        if let Some((v, src)) = by_selectors(self.doc, &m.fields.listing_id) {
            self.sources.insert("listing_id".into(), src);
            return v;
        }
        page.final_url.to_string()
    }
}

/// The listing of a page that could not be read at all: its address, nothing else.
fn unreadable(page: &Page, m: &Marketplace, decoded: &charset::Decoded, why: String) -> Listing {
    tracing::warn!(url = %page.final_url, reason = %why, "page unreadable");
    Listing {
        marketplace: m.name.clone(),
        url: page.final_url.to_string(),
        // The id the URL gives, so the listing's history stays one listing.
        listing_id: cap(m
            .listing_id_from_url
            .as_ref()
            .and_then(|re| re.captures(page.final_url.as_str()))
            .and_then(|c| c.get(1))
            .map_or_else(|| page.final_url.to_string(), |g| g.as_str().to_string())),
        title: None,
        brand: None,
        seller: Seller::default(),
        price: None,
        price_basis: PriceBasis::List,
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
        charset: decoded.charset.to_string(),
        charset_source: decoded.charset_source.to_string(),
        sources: BTreeMap::new(),
        missing: BTreeMap::from([("page".to_string(), why.clone())]),
        unreadable: Some(why),
    }
}

#[cfg(test)]
mod tests {
    /// An amount with more decimals than its currency has is rounded to its minor
    /// units and says so: 19.999999999999996 USD (a shop's floating-point
    /// arithmetic) was under a floor of 20.00.
    #[test]
    fn an_amount_is_read_in_its_currency_s_minor_units() {
        use crate::config::VatBasis;
        use crate::extract::price::{Hints, read_advertised};
        for (text, currency, want, said) in [
            ("19.999999999999996", "USD", "20.00", true),
            ("$19.9999", "USD", "20.00", true),
            ("249.1234", "USD", "249.12", true),
            ("¥1,299.6", "JPY", "1300", true),
            ("249.99", "USD", "249.99", false),
            // No minor unit defined (gold): as written.
            ("1.2345", "XAU", "1.2345", false),
        ] {
            let currency = crate::money::Currency::new(currency).unwrap();
            let mut r = read_advertised(text, Hints::default(), &currency, VatBasis::Inclusive)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            super::to_minor_units(&mut r);
            assert_eq!(r.money.amount.to_string(), want, "{text}");
            assert_eq!(
                r.why.iter().any(|w| w.contains("rounded to")),
                said,
                "{text}: {:?}",
                r.why
            );
        }
    }

    #[test]
    fn a_choice_says_every_offer_is_sold_out_after_what_it_was_chosen_among() {
        use super::{SOLD_OUT, choice_sentence};
        assert_eq!(choice_sentence(SOLD_OUT, false), SOLD_OUT);
        assert_eq!(
            choice_sentence(
                &format!("the lowest of 2 offers of the seller: 1, 2; {SOLD_OUT}"),
                false
            ),
            format!(
                "the lowest of 2 offers of the seller: 1, 2 — which variant sells at it, the page \
                 does not say; {SOLD_OUT}"
            )
        );
        // A structured price that has ended is said as it is, after the choice.
        let ended = "its structured data says this price held until 2024-01-01, before the \
                     page was captured";
        assert_eq!(choice_sentence(ended, false), ended);
        assert_eq!(
            choice_sentence(
                &format!("the lowest of 2 offers of the seller: 1, 2; {SOLD_OUT}; {ended}"),
                false
            ),
            format!(
                "the lowest of 2 offers of the seller: 1, 2 — which variant sells at it, the page \
                 does not say; {SOLD_OUT}; {ended}"
            )
        );
    }

    /// An auction is said by its format or price label, as whole words.
    #[test]
    fn auctions_are_named_by_whole_words() {
        for (text, words) in [
            ("Auction", Some("auction")),
            ("US $12.50 3 bids", Some("bids")),
            ("Current bid: US $12.50", Some("current bid")),
            (
                "US $180.00 Enter US $181.00 or more",
                Some("enter … or more"),
            ),
            ("Buy 2 or more, save 10%", None),
            ("Aktuelles Gebot: EUR 12,50", Some("gebot")),
            ("拍卖 当前出价 ¥120", Some("拍卖")),
            ("Buy It Now", None),
            ("Acme bidet attachment $99", None),
            ("Best Offer", None),
            ("Reserve not met US $19.99", Some("reserve not met")),
            ("No Reserve US $19.99", Some("no reserve")),
            ("Reserved for you US $249.99", None),
        ] {
            assert_eq!(super::auction_words(text), words, "{text}");
        }
    }
    use super::join_text;

    /// The text of the fragment's element of class `p`, as a field reads it.
    fn text_of_p(html: &str) -> String {
        let doc = scraper::Html::parse_fragment(html);
        let sel = scraper::Selector::parse(".p").unwrap();
        super::current_text(doc.select(&sel).next().unwrap())
    }

    #[test]
    fn numbers_split_over_elements_are_joined_whole() {
        let j = |p: &[&str]| join_text(p.iter().copied());
        assert_eq!(j(&["$", "87", ".", "11"]), "$ 87.11");
        assert_eq!(j(&["$87.", "11"]), "$87.11");
        assert_eq!(j(&["$119.", "95"]), "$119.95");
        assert_eq!(j(&["392.", "00", " €"]), "392.00 €");
        assert_eq!(j(&["1.299", ",", "00 €"]), "1.299,00 €");
        // Ordinary text keeps its spaces.
        assert_eq!(j(&["Sold by", "Acme Store"]), "Sold by Acme Store");
        assert_eq!(j(&["$10", "–", "$20"]), "$10 – $20");
        // One character per element (AliExpress's `es--char` spans) shows as one
        // word, a space element as a space: it read `$1`.
        let chars = ["U", "S", " ", "$", "1", "4", "9", ".", "9", "9"];
        assert_eq!(j(&chars), "US $149.99");
        // Single characters with spaces between them stay apart.
        assert_eq!(j(&["A", " ", "B", " 1", "2 "]), "A B 1 2");
    }

    /// A number an element interrupts with nothing between (a digit in a span of
    /// its own, or a hidden decoy digit) is the number a browser shows; elements
    /// side by side, whitespace, a line's break and cents printed apart stay apart.
    #[test]
    fn a_number_an_element_interrupts_is_one() {
        let text = text_of_p;
        for (html, want) in [
            ("<div class=p>$2<span>4</span>9.99</div>", "$249.99"),
            ("<div class=p>$2<b>49</b>.99</div>", "$249.99"),
            ("<div class=p>$2<span hidden>7</span>49.99</div>", "$249.99"),
            (
                "<div class=p>$2<i style='display:none'>7</i>49.99</div>",
                "$249.99",
            ),
            ("<div class=p>$<b>2</b><b>4</b>9.99</div>", "$249.99"),
            ("<div class=p>1.<span>2</span>49,99 €</div>", "1.249,99 €"),
            ("<div class=p>$2<!-- -->49.99</div>", "$249.99"),
            // Apart as a browser shows them.
            ("<div class=p>$249<span>99</span></div>", "$249 99"),
            ("<div class=p>$2 <span>4</span> 9.99</div>", "$2 4 9.99"),
            (
                "<div class=p>$249.99<span>2 for $400</span></div>",
                "$249.99 2 for $400",
            ),
            (
                "<div class=p>$249<span>20% off</span></div>",
                "$249 20% off",
            ),
            (
                "<div class=p>Pack of 2<div>49.99</div></div>",
                "Pack of 2 49.99",
            ),
            ("<div class=p>Pack of 2<br>49.99</div>", "Pack of 2 49.99"),
            (
                "<div class=p>Pack of 2<span style='display:block'>49.99</span></div>",
                "Pack of 2 49.99",
            ),
            (
                "<div class=p><span>Pack of 2</span><span>$49.99</span></div>",
                "Pack of 2 $49.99",
            ),
            (
                "<div class=p><span>Pack of 2</span><span>49.99</span></div>",
                "Pack of 2 49.99",
            ),
        ] {
            assert_eq!(text(html), want, "{html}");
        }
    }

    /// A structured seller's link, where the adapter has no seller-id pattern: a
    /// page of its own is its id, the site's root and a blank node none.
    #[test]
    fn a_structured_seller_s_link_without_a_pattern() {
        let rules = [crate::config::FieldRule {
            css: "a.seller".into(),
            selector: scraper::Selector::parse("a.seller").unwrap(),
            attr: Some("href".into()),
            regex: None,
        }];
        for (id, want) in [
            (
                "https://shop.example/seller/nwaudio",
                Some("https://shop.example/seller/nwaudio"),
            ),
            ("/seller/nwaudio;jsessionid=8F2A", Some("/seller/nwaudio")),
            ("https://shop.example/", None),
            ("https://shop.example", None),
            ("_:b0", None),
            (" nwaudio ", Some("nwaudio")),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                Some("=HYPERLINK(\"http://x\",\"y\")"),
            ),
            ("HTTPS://shop.example/", None),
        ] {
            assert_eq!(super::account_id(id, &rules).as_deref(), want, "{id}");
        }
    }

    /// An SVG icon's title and description are no text of the field; SVG text
    /// shown (`<text>`) is.
    #[test]
    fn an_svg_icon_s_title_is_no_text() {
        let text = text_of_p;
        for (html, want) in [
            (
                "<a class=p><svg><title>verified</title><desc>a tick</desc></svg>Foo Store</a>",
                "Foo Store",
            ),
            (
                "<a class=p><svg><text>Foo</text></svg> Store</a>",
                "Foo Store",
            ),
        ] {
            assert_eq!(text(html), want, "{html}");
        }
    }

    /// A hostile field of 100,000 number pieces an element interrupts is joined
    /// whole, each joint read from the text's last bytes (c11e1d7 scanned back
    /// over the whole number at every joint: quadratic in the field's size).
    #[test]
    fn a_hostile_number_split_over_elements_is_joined_whole() {
        let html = format!("<div class=p>$1{}</div>", "2<b>3</b>".repeat(50_000));
        let doc = scraper::Html::parse_fragment(&html);
        let sel = scraper::Selector::parse(".p").unwrap();
        let text = super::current_text(doc.select(&sel).next().unwrap());
        assert_eq!(text.len(), 2 + 100_000, "{}", &text[..40]);
    }

    /// What the markup hides from every visitor is no part of a field's text; what
    /// is shown from a screen width on, or written for screen readers, is. All
    /// hidden, the text is the element's.
    #[test]
    fn a_field_leaves_out_what_the_markup_hides() {
        let text = text_of_p;
        for (html, want) in [
            (
                "<div class=p><span class='v hidden'>$89.99</span><span>$149.99</span></div>",
                "$149.99",
            ),
            (
                "<div class=p><span hidden>$89.99</span> $149.99</div>",
                "$149.99",
            ),
            (
                "<div class=p><span style='display: none'>$89.99</span> $149.99</div>",
                "$149.99",
            ),
            (
                "<div class=p><span class='d-none'>$89.99</span> $149.99</div>",
                "$149.99",
            ),
            // Shown on a desktop.
            (
                "<div class=p><span class='hidden md:inline'>Sale</span> $149.99</div>",
                "Sale $149.99",
            ),
            (
                "<div class=p><span class='d-none d-lg-inline'>Sale</span> $149.99</div>",
                "Sale $149.99",
            ),
            // Screen readers' labels and the visual price beside them.
            (
                "<div class=p><span class=sr-only>Sale price</span> <span aria-hidden=true>$149.99</span></div>",
                "Sale price $149.99",
            ),
            // Everything hidden (a script shows it): its text.
            (
                "<div class=p><span class=hidden>$149.99</span></div>",
                "$149.99",
            ),
        ] {
            assert_eq!(text(html), want, "{html}");
        }
        // A decoy price with no opacity, or in a utility's hiding class: not seen
        // (it was "the lowest of 2 prices"). Half opacity, and a box whose font
        // size is zero around a price sized again, are seen.
        for (html, want) in [
            (
                "<div class=p>$149.99<span style='opacity: 0 !important'>$19.99</span></div>",
                "$149.99",
            ),
            (
                "<div class=p>$149.99<span style='opacity:0;'>$19.99</span></div>",
                "$149.99",
            ),
            (
                "<div class=p>$149.99<span class=u-hidden>$19.99</span></div>",
                "$149.99",
            ),
            (
                "<div class=p>$149.99 <span style='opacity:.5'>$19.99</span></div>",
                "$149.99 $19.99",
            ),
            (
                "<div class=p style='font-size:0'><span style='font-size:14px'>$149.99</span></div>",
                "$149.99",
            ),
        ] {
            assert_eq!(text(html), want, "{html}");
        }
    }

    /// Scripts, styles, templates and `<noscript>` inside a field's element are no
    /// text of it (a product form's data script in the price box was read as "the
    /// lowest of 2 prices"); a selector naming a script itself reads its text (a
    /// rule with a regex over the page's state).
    #[test]
    fn a_field_leaves_out_the_code_it_holds() {
        let text = |html: &str, css: &str| {
            let doc = scraper::Html::parse_document(html);
            let sel = scraper::Selector::parse(css).unwrap();
            super::current_text(doc.select(&sel).next().unwrap())
        };
        for html in [
            r#"<div class=p>$149.99<script type="application/json">{"price":"$104.99"}</script></div>"#,
            "<div class=p><script>dataLayer.push({price: '$104.99'})</script>$149.99</div>",
            "<div class=p><style>.p::after{content:'$104.99'}</style>$149.99</div>",
            "<div class=p><template><span>$104.99</span></template>$149.99</div>",
            "<div class=p><noscript>$104.99</noscript>$149.99</div>",
        ] {
            assert_eq!(text(html, ".p"), "$149.99", "{html}");
        }
        assert_eq!(
            text(
                r#"<script id=state>{"price":"149.99"}</script>"#,
                "script#state"
            ),
            r#"{"price":"149.99"}"#
        );
    }

    /// An id read from a link's address is read as the address means it: a shop
    /// linked as `/seller/%E5%8D%8E%E5%BC%BA` is the shop `华强` (read as written,
    /// a distributor's own account was an unauthorised seller impersonating
    /// itself). Text and other attributes stay as written.
    #[test]
    fn an_id_in_a_link_is_read_with_its_escapes_decoded() {
        let rule = |attr: Option<&str>| crate::config::FieldRule {
            css: "a".into(),
            selector: scraper::Selector::parse("a").unwrap(),
            attr: attr.map(String::from),
            regex: Some(regex::Regex::new("/seller/([^/?#]+)").unwrap()),
        };
        let read = |html: &str, attr: Option<&str>| {
            let doc = scraper::Html::parse_fragment(html);
            super::apply(&doc, &rule(attr)).map(|t| t.text)
        };
        for (href, want) in [
            ("/seller/%E5%8D%8E%E5%BC%BA?ref=1", "华强"),
            ("/seller/nw%61udio", "nwaudio"),
            ("/seller/nwaudio", "nwaudio"),
            ("/seller/nw%zzaudio", "nw%zzaudio"),
            ("/seller/%FF%FE", "%FF%FE"),
        ] {
            let html = format!(r#"<a href="{href}">x</a>"#);
            assert_eq!(read(&html, Some("href")).as_deref(), Some(want), "{href}");
        }
        // A whole address read without a regex stays an address.
        let whole = crate::config::FieldRule {
            regex: None,
            ..rule(Some("href"))
        };
        let doc = scraper::Html::parse_fragment(r#"<a href="/a%20b">x</a>"#);
        assert_eq!(
            super::apply(&doc, &whole).map(|t| t.text).as_deref(),
            Some("/a%20b")
        );
        let html = r#"<a data-id="/seller/nw%61udio">/seller/nw%61udio</a>"#;
        assert_eq!(read(html, Some("data-id")).as_deref(), Some("nw%61udio"));
        assert_eq!(read(html, None).as_deref(), Some("nw%61udio"));
    }

    /// Cents printed apart in a superscript or a cents element (`$149<sup>99</sup>`,
    /// Best Buy's, Walmart's and Home Depot's way): read whole, never as $149 and a
    /// stray 99 (a listing at a floor of 149.99 was "below" it).
    #[test]
    fn cents_in_their_own_element_are_the_amounts_cents() {
        let text = text_of_p;
        for (html, want) in [
            ("<div class=p>$149<sup>99</sup></div>", "$149.99"),
            (
                "<div class=p><span>$</span><span>1,149</span><sup>99</sup></div>",
                "$ 1,149.99",
            ),
            ("<div class=p>1.149<sup>99</sup> €</div>", "1.149,99 €"),
            // The sign between the whole amount and its cents (Cdiscount's
            // `249<sup>€99</sup>`), in the cents or before them.
            ("<div class=p>249<sup>€99</sup></div>", "249.99 €"),
            ("<div class=p>1.249<sup>€99</sup></div>", "1.249,99 €"),
            ("<div class=p>249 €<sup>99</sup></div>", "249.99 €"),
            (
                "<div class=p><span>249</span><span>€</span><sup>99</sup></div>",
                "249.99 €",
            ),
            ("<div class=p>249<sup>€99</sup> TTC</div>", "249.99 € TTC"),
            // A sign after a whole price, then a footnote: apart.
            ("<div class=p>249,99 €<sup>12</sup></div>", "249,99 € 12"),
            (
                "<div class=p><span class=currency>$</span><span class=dollars>149</span><span class=cents>99</span></div>",
                "$ 149.99",
            ),
            // Amazon's whole, decimal and fraction spans, as before.
            (
                "<div class=p><span class=a-price-whole>149<span class=a-price-decimal>.</span></span><span class=a-price-fraction>99</span></div>",
                "149.99",
            ),
            // A footnote after a whole price, or cents after cents, stay apart.
            ("<div class=p>$149.99<sup>12</sup></div>", "$149.99 12"),
            ("<div class=p>$149.99<sup>1</sup></div>", "$149.99 1"),
            ("<div class=p>Model X1<sup>2</sup></div>", "Model X1 2"),
            // Classes that only hold the letters are no cents elements.
            (
                "<div class=p>$149<span class=text-center>99</span></div>",
                "$149 99",
            ),
            (
                "<div class=p>$149<span class=percent>25</span></div>",
                "$149 25",
            ),
            // Raised by an inline style, as Walmart's price box prints its cents
            // (before: `$ 149 99 Free shipping`, read at 149).
            (
                "<div class=p><span style=\"vertical-align:0.65ex\">$</span><span class=f2>149</span><span class=\"f6 f5-l\" style=\"vertical-align:0.75ex\">99</span> <span>Free shipping</span></div>",
                "$ 149.99 Free shipping",
            ),
            (
                "<div class=p>$149<span style=\"vertical-align: super\">99</span></div>",
                "$149.99",
            ),
            // Lowered or at the baseline: no cents.
            (
                "<div class=p>$149<span style=\"vertical-align:-0.5ex\">99</span></div>",
                "$149 99",
            ),
            (
                "<div class=p>$149<span style=\"vertical-align:0\">99</span></div>",
                "$149 99",
            ),
            (
                "<div class=p>$149<span style=\"vertical-align:baseline\">99</span></div>",
                "$149 99",
            ),
        ] {
            assert_eq!(text(html), want, "{html}");
        }
    }

    /// A field over 1,000 characters is cut at a space, never inside a number (`¥4834`
    /// cut as `¥483` was a price of 483), and read without the note saying it was cut
    /// (its character count was one more amount); shown, the note is there.
    #[test]
    fn a_field_is_cut_at_a_space_and_read_without_its_note() {
        let text: String = (1000..1400).map(|n| format!("¥{n} ")).collect();
        let cut = super::FieldText::plain(text.trim_end().to_string()).capped();
        assert!(cut.text.len() <= 1000 * 3 && cut.text.chars().count() <= 1000);
        assert!(
            cut.text.ends_with(|c: char| c.is_ascii_digit()),
            "{}",
            cut.text
        );
        let last = cut.text.rsplit('¥').next().unwrap();
        assert_eq!(last.len(), 4, "a whole number ends it: {last}");
        assert!(!cut.text.contains("truncated"));
        assert!(cut.shown().ends_with("… [truncated from 2399 characters]"));
        // A field without spaces is cut at the limit.
        let cut = super::FieldText::plain("A".repeat(1500)).capped();
        assert_eq!(cut.text.len(), 1000);
    }

    /// A new item's condition field saying it was never opened is new; an opened
    /// one's is used (read by `opened` alone, the first was used).
    #[test]
    fn an_opened_item_s_field_is_read() {
        use super::Condition::{self, *};
        assert_eq!(Condition::of("New, never opened"), Some(New));
        assert_eq!(Condition::of("Opened, never used"), Some(Used));
        assert_eq!(Condition::of("Opened but never used"), Some(Used));
    }

    #[test]
    fn conditions_are_read_as_pages_state_them() {
        use super::Condition::{self, *};
        for (text, want) in [
            ("https://schema.org/UsedCondition", Some(Used)),
            ("http://schema.org/NewCondition", Some(New)),
            ("RefurbishedCondition", Some(Refurbished)),
            ("https://schema.org/DamagedCondition", Some(Damaged)),
            ("Used", Some(Used)),
            ("Pre-owned", Some(Used)),
            ("Open box", Some(Used)),
            ("Used - Like New", Some(Used)),
            ("Gebraucht - Sehr gut", Some(Used)),
            ("Renewed", Some(Refurbished)),
            ("Seller refurbished", Some(Refurbished)),
            ("For parts or not working", Some(Damaged)),
            ("New with tags", Some(New)),
            ("Brand New", Some(New)),
            ("Neu", Some(New)),
            ("全新", Some(New)),
            ("二手", Some(Used)),
            ("中古品 - 良い", Some(Used)),
            // Words inside other words are not those words.
            ("Unused", None),
            ("Newcastle stock", None),
            ("", None),
        ] {
            assert_eq!(Condition::of(text), want, "{text}");
        }
        // A title is read stricter: set-apart `used`, no box's damage, no occasion.
        for (title, want) in [
            ("Acme X1 Headphones - Renewed", Some(Refurbished)),
            ("Acme X1 Headphones (Renewed) Premium", Some(Refurbished)),
            ("Acme X1 Headphones For Parts or Repair", Some(Damaged)),
            ("Acme X1 Headphones Parts Not Working", Some(Damaged)),
            ("Acme X1 Headphones (Used)", Some(Used)),
            ("Acme X1 Headphones - used", Some(Used)),
            ("Used Acme X1 Headphones, Black", Some(Used)),
            ("Acme X1 Headphones Open Box", Some(Used)),
            ("Acme X1 Kopfhörer gebraucht", Some(Used)),
            ("Acme X1 Headphones Ex-Display", Some(Used)),
            ("Acme X1 Headphones B-Stock", Some(Used)),
            ("Acme X1 Headphones Demo Unit", Some(Used)),
            ("Acme X1 Headphones Seminuevo", Some(Used)),
            ("Acme X1 Kopfhörer wie neu", Some(Used)),
            ("Acme X1 Headphones Grade A Refurb", Some(Refurbished)),
            (
                "Acme X1 Headphones Manufacturer Recertified",
                Some(Refurbished),
            ),
            ("Acme X1 Headphones Used by DJs", None),
            ("Used With Shetland Pony", None),
            ("Used for a week: Acme X1 Headphones", Some(Used)),
            ("Acme X1 Headphones - Never Used", None),
            ("Acme X1 Headphones - Brand New, Not Refurbished", None),
            ("Acme X1 Headphones (New, Not Open Box)", None),
            ("Acme X1 Headphones Non-Refurbished", None),
            ("Acme X1 Headphones, not a used pair", None),
            ("Acme X1 Headphones Barely Used", Some(Used)),
            ("Acme X1 Headphones Damaged Box", None),
            ("Acme X1 Headphones, a gift for any occasion", None),
            ("Acme X1 Headphones Brand New", None),
            ("Acme X1 Headphones / Refurbished", Some(Refurbished)),
            ("Acme X1 Headphones Used Once", Some(Used)),
            ("Acme X1 Headphones Excellent Condition", Some(Used)),
            ("Acme X1 Headphones Mint Condition", Some(Used)),
            ("Acme X1 Headphones Tested Working", Some(Used)),
            ("Acme X1 Headphones Grade B", Some(Used)),
            ("Acme X1 Headphones Display Model", Some(Used)),
            ("Acme X1 Headphones Returned Item", Some(Used)),
            ("Acme X1 耳机 九成新", Some(Used)),
            ("Acme X1 Headphones Broken", Some(Damaged)),
            (
                "Acme X1 Headphones Faulty, Spares or Repairs",
                Some(Damaged),
            ),
            ("Acme X1 Headphones Scratch and Dent", Some(Damaged)),
            ("Acme X1 Headphones Grade A Quality", None),
            ("Acme X1 Headphones Used by Pros Once", None),
            ("Acme X1 Headphones, Free Returns", None),
            ("Acme X1 Headphones Brand New, Excellent Condition", None),
        ] {
            assert_eq!(Condition::in_title(title), want, "{title}");
        }
    }

    /// Russian writes "used" with a slash, `б/у`, which a title's slashes (read as
    /// spaces) hid: at 150 such an item was held to a new one's floor.
    #[test]
    fn russian_used_is_read_in_titles() {
        for title in [
            "Acme X1 Headphones б/у",
            "Наушники Acme X1 Б/У, черные",
            "Наушники Acme X1 б.у.",
        ] {
            assert_eq!(
                super::Condition::in_title(title),
                Some(super::Condition::Used),
                "{title}"
            );
        }
        assert_eq!(
            super::Condition::in_title("Acme X1 Headphones Black/Silver"),
            None
        );
    }

    /// A condition field holding only a used item's grade (Amazon's `Very Good`,
    /// Mercari's grades) is a used item's: at 150 one was held to a new one's floor.
    /// A title's `Good` is no grade.
    #[test]
    fn a_used_item_s_grade_alone_is_its_condition() {
        use super::Condition::{self, *};
        for (text, want) in [
            ("Very Good", Some(Used)),
            ("Good", Some(Used)),
            ("Acceptable", Some(Used)),
            ("Sehr gut", Some(Used)),
            ("目立った傷や汚れなし", Some(Used)),
            ("未使用に近い", Some(Used)),
            ("Acme X1 ヘッドホン ほぼ新品", Some(Used)),
            ("新品同様", Some(Used)),
            ("Acme X1 Cuffie Seconda mano", Some(Used)),
            ("艾克米 X1 耳机 几乎全新", Some(Used)),
            ("Acme X1 헤드폰 거의 새것", Some(Used)),
            ("새상품급", Some(Used)),
            ("Demo", Some(Used)),
            ("б/у", Some(Used)),
            ("Наушники Acme X1 б/у", Some(Used)),
            ("New/Open box", Some(Used)),
            ("New with defects", Some(Damaged)),
            ("Neu mit Fehlern", Some(Damaged)),
            ("Parts only", Some(Damaged)),
            ("New other (see details)", Some(New)),
            ("New - Good packaging", Some(New)),
            ("Mint", Some(Used)),
            ("Excellent", Some(Used)),
            ("Grade A", Some(Used)),
            ("Als neu", Some(Used)),
            ("Zo goed als nieuw", Some(Used)),
        ] {
            assert_eq!(Condition::of(text), want, "{text}");
        }
        for title in [
            "Acme X1 Headphones Good",
            "Acme X1 Headphones, Good Sound",
            "Acme X1 Headphones Mint",
            "Acme X1 Headphones Grade A",
        ] {
            assert_eq!(Condition::in_title(title), None, "{title}");
        }
    }

    /// A grade out of ten is a used item's, a part missing an incomplete one's;
    /// so are Chinese words of an item taken out of a device, faulty or flawed,
    /// eBay's shorthands (`EUC`) and "as is" before what it says.
    #[test]
    fn grades_out_of_ten_and_missing_parts_are_read() {
        use super::Condition::{self, *};
        for (title, want) in [
            ("Acme X1 Headphones 9/10 Condition", Some(Used)),
            ("Acme X1 Headphones - Condition: 8.5/10", Some(Used)),
            ("Acme X1 Headphones 10/10 Shape", Some(Used)),
            ("Acme X1 Headphones Missing Charger", Some(Damaged)),
            ("Acme X1 Headphones (Missing Left Ear Pad)", Some(Damaged)),
            ("Acme P3 Earbuds Missing One Bud", Some(Damaged)),
            // No grade, nothing missing.
            ("Acme X1 Headphones Size 9/10", None),
            ("Acme X1 Headphones No Missing Parts", None),
            ("Acme X1 Headphones, Nothing Missing Charger Included", None),
            ("Acme X1 Headphones Missing Link Edition", None),
            // Chinese: taken out of a device, faulty, flawed, broken; flawless is new.
            ("Acme X1 耳机 拆机", Some(Used)),
            ("Acme X1 耳机 故障机", Some(Damaged)),
            ("Acme X1 耳机 瑕疵品", Some(Damaged)),
            ("Acme X1 耳机 坏的", Some(Damaged)),
            ("Acme X1 耳机 无瑕疵 无故障", None),
            // eBay's shorthands and Britain's "as is".
            ("Acme X1 Headphones EUC", Some(Used)),
            ("Acme X1 Headphones AS IS NO RETURNS", Some(Damaged)),
            ("Acme X1 Headphones - Sold As Seen", Some(Damaged)),
            ("Acme X1 Headphones Needs New Battery", Some(Damaged)),
            ("Acme X1 Headphones as is shown in the photos", None),
        ] {
            assert_eq!(Condition::in_title(title), want, "{title}");
        }
    }

    /// Wear, returns and a unit without its accessories in English words (`…
    /// Minor Scuffs`, `… Blemished`, `… Store Return`, `… Secondhand`, `… Bare
    /// Unit`): at 29.99 each was held to a new item's floor, below it and a
    /// suspected counterfeit. Denied or claimed, none (`No Scuffs`, `Scuff-
    /// Resistant`), and a camera's `Body Only` is a product.
    #[test]
    fn english_wear_returns_and_bare_units_are_read() {
        use super::Condition::{self, *};
        for (title, want) in [
            ("Acme X1 Headphones Minor Scuffs", Some(Used)),
            ("Acme X1 Headphones Scuffed", Some(Used)),
            ("Acme X1 Headphones Cosmetic Wear", Some(Used)),
            ("Acme X1 Headphones Blemished", Some(Used)),
            ("Acme X1 Headphones Store Return", Some(Used)),
            ("Acme X1 Headphones Returns Pallet", Some(Used)),
            ("Acme X1 Headphones Secondhand", Some(Used)),
            ("Acme X1 Headphones Bare Unit", Some(Damaged)),
            ("Acme X1 Headphones Unit Only", Some(Damaged)),
            ("Acme X1 Headphones No Scuffs", None),
            ("Acme X1 Headphones Scuff-Resistant", None),
            ("Acme X1 Headphones Anti-Scuff Coating", None),
            ("Acme X1 Headphones No Blemishes", None),
            ("Acme X1 Headphones Not Secondhand", None),
            ("Acme X1 Headphones B Grade", Some(Used)),
            ("Acme X1 Headphones NOB", Some(Used)),
            ("Acme X1 Headphones NIB", None),
            ("Acme X1 Camera Body Only", None),
        ] {
            assert_eq!(Condition::in_title(title), want, "{title}");
        }
    }

    /// Faults and wear described by their symptoms: each at 29.99 was held to a new
    /// item's floor, below it and a suspected counterfeit. New listings' claims
    /// (a symptom denied, what it does not work with) stay no condition.
    #[test]
    fn faults_and_wear_described_are_read() {
        use super::Condition::{self, *};
        for (title, want) in [
            ("Acme X1 Headphones Right Ear No Sound", Some(Damaged)),
            ("Acme X1 Headphones Does Not Charge", Some(Damaged)),
            ("Acme X1 Headphones Doesn't Work", Some(Damaged)),
            ("Acme X1 Headphones Doesn\u{2019}t Work", Some(Damaged)),
            ("Acme X1 Headphones Stopped Working", Some(Damaged)),
            ("Acme X1 Headphones Left Earbud Not Work", Some(Damaged)),
            ("Acme X1 Headphones Won't Pair", Some(Damaged)),
            ("Acme X1 Headphones Will Not Connect", Some(Damaged)),
            ("Acme X1 Headphones Crackling Sound", Some(Damaged)),
            ("Acme X1 Headphones Buzzing", Some(Damaged)),
            ("Acme X1 Headphones Bluetooth Issue", Some(Damaged)),
            ("Acme X1 Headphones - With Issues", Some(Damaged)),
            ("Acme X1 Headphones Weak Battery", Some(Damaged)),
            ("Acme X1 Headphones Low Volume One Side", Some(Damaged)),
            ("Acme X1 Headphones Repair Only", Some(Damaged)),
            ("Acme X1 Headphones Parts/Repair", Some(Damaged)),
            ("Acme X1 Headphones Spares/Repairs", Some(Damaged)),
            ("Acme X1 Headphones Worn Ear Pads", Some(Used)),
            ("Acme X1 Headphones Peeling Headband", Some(Used)),
            ("Acme X1 Headphones Heavy Wear", Some(Used)),
            // A new listing's claims.
            ("Acme X1 Headphones No Sound Leakage", None),
            ("Acme X1 Headphones Low Latency No Sound Delay", None),
            ("Acme X1 Headphones No Audio Cable Needed", None),
            ("Acme X1 Headphones No Sound Quality Loss", None),
            ("Acme X1 Headphones No Sound From Left Side", Some(Damaged)),
            ("Acme X1 Headphones (Won't Connect to Xbox)", None),
            ("Acme X1 Headphones, No Crackling, Crystal Clear", None),
            ("Acme X1 Headphones Zero Connection Issues", None),
            ("Acme X1 Headphones Low Distortion Anti-Static", None),
            ("Acme X1 Headphones (Does Not Work With Xbox)", None),
            ("Acme X1 Headphones Fixes Bluetooth Pairing Problems", None),
            ("Acme X1 Headphones Sweatproof Won't Fall Out", None),
            ("Acme X1 Headphones Auto Power On", None),
            ("Acme X1 Headphones Anti-Peeling Protein Leather", None),
        ] {
            assert_eq!(Condition::in_title(title), want, "{title}");
        }
    }

    /// The same in the marketplaces' other languages: faults, signs of use, an
    /// opened item, a part missing (each at 29.99, the brand's GTIN on the page,
    /// was held to a new item's floor); their negations and features stay no
    /// condition.
    #[test]
    fn faults_and_wear_in_other_languages_are_read() {
        use super::Condition::{self, *};
        for (title, want) in [
            ("Acme X1 Kopfhörer für Bastler", Some(Damaged)),
            ("Acme X1 Kopfhörer funktioniert nicht", Some(Damaged)),
            ("Acme X1 Casque ne fonctionne pas", Some(Damaged)),
            ("Acme X1 Casque en panne", Some(Damaged)),
            ("Acme X1 Auriculares no funciona", Some(Damaged)),
            ("Acme X1 Cuffie non funzionante", Some(Damaged)),
            ("Acme X1 ヘッドホン 動作未確認", Some(Damaged)),
            ("Acme X1 ヘッドホン 故障品", Some(Damaged)),
            ("Acme X1 Słuchawki uszkodzone", Some(Damaged)),
            ("Acme X1 Наушники не работают", Some(Damaged)),
            ("Acme X1 Наушники сломаны", Some(Damaged)),
            ("Acme X1 Koptelefoon defect", Some(Damaged)),
            ("Acme X1 耳机 不开机", Some(Damaged)),
            ("Acme X1 耳机 一边没声音", Some(Damaged)),
            ("Acme X1 耳机 有杂音", Some(Damaged)),
            ("Acme X1 耳机 无杂音 没有问题", None),
            ("Acme X1 耳机 低延迟 无声音延迟", None),
            ("Acme X1 Headphones Defect-Free Guarantee", None),
            ("Acme X1 Headphones Casque HS-2", None),
            // Signs of use, in the same languages.
            ("Acme X1 Kopfhörer leichte Gebrauchsspuren", Some(Used)),
            ("Acme X1 Kopfhörer Neu ohne Gebrauchsspuren", None),
            ("Acme X1 Casque traces d'usure", Some(Used)),
            ("Acme X1 Cuffie segni di usura", Some(Used)),
            ("Acme X1 Auriculares señales de uso", Some(Used)),
            ("Acme X1 Słuchawki stan bardzo dobry", Some(Used)),
            ("Acme X1 ヘッドホン 極美品", Some(Used)),
            ("Acme X1 ヘッドホン 使用感あり", Some(Used)),
            ("Acme X1 耳机 九五新", Some(Used)),
            ("Acme X1 耳机 用过几次", Some(Used)),
            ("Acme X1 耳机 全新 没用过 自用送礼", None),
            ("艾克米 X1 耳机 拆封未使用", Some(Used)),
            ("艾克米 X1 耳机 仅拆封", Some(Used)),
            ("艾克米 X1 耳机 样品", Some(Used)),
            ("艾克米 X1 耳机 单耳机 无充电仓", Some(Damaged)),
            ("艾克米 X1 耳机 全新未拆封", None),
            ("Acme X1 ヘッドホン 音が出ない", Some(Damaged)),
            ("Acme X1 ヘッドホン 本体のみ", Some(Damaged)),
            ("Acme X1 ヘッドホン 小傷あり", Some(Used)),
            ("Acme X1 ヘッドホン 傷ありません", None),
            ("Acme X1 ヘッドホン 不具合あり", Some(Damaged)),
            ("Acme X1 ヘッドホン 不具合ありません", None),
            ("Acme X1 헤드폰 고장품", Some(Damaged)),
            ("Acme X1 헤드폰 단순개봉", Some(Used)),
            ("Acme X1 헤드폰 미개봉 고장없음", None),
            // A word denied by the word for "none" or "not" glued to it.
            ("Acme X1 ヘッドホン 動作不良なし", None),
            ("Acme X1 ヘッドホン 故障品ではありません", None),
            ("Acme X1 耳机 没有瑕疵", None),
            ("Acme X1 耳机 非故障机", None),
            ("Acme X1 耳机 非二手", None),
            ("Acme X1 헤드폰 고장품 아님", None),
            ("Acme X1 ヘッドホン 使用感なし", Some(Used)),
            ("Acme X1 ヘッドホン 付属品なし", Some(Damaged)),
        ] {
            assert_eq!(Condition::in_title(title), want, "{title}");
        }
    }

    /// `95新` ("95% new") at a tenth of the price was below the floor and a
    /// suspected counterfeit; so were the other wordings below (at a seventh).
    #[test]
    fn second_hand_grades_and_wordings_are_read() {
        use super::Condition::{self, *};
        for (title, want) in [
            ("Acme X1 Headphones 95新", Some(Used)),
            ("Acme X1 耳机 99新 无划痕", Some(Used)),
            ("Acme X1 耳机 9.5新", Some(Used)),
            ("Acme X1 耳机 2024新款", None),
            ("Acme X1 耳机 95新款", None),
            ("Acme X1 耳机 全新 100%新", None),
            ("Acme X1 Headphones Pre Owned", Some(Used)),
            ("Acme X1 Headphones Open Package", Some(Used)),
            ("Acme X1 Headphones Worn Twice", Some(Used)),
            ("Acme X1 Headphones Factory Seconds", Some(Used)),
            ("Acme X1 Headphones Cosmetic Damage", Some(Used)),
            ("Acme X1 Headphones Minor Scratches", Some(Used)),
            ("Acme X1 Headphones Brand New, Minor Scratches on Box", None),
            ("Acme X1 Headphones, Scratch-Resistant", None),
            ("Acme X1 Headphones Minor Scratches on Box", None),
            // Faults described, sold as is, second-hand in other words.
            ("Acme X1 Headphones - No Power", Some(Damaged)),
            ("Acme X1 Headphones Not Turning On", Some(Damaged)),
            ("Acme X1 Headphones Won't Charge", Some(Damaged)),
            ("Acme X1 Headphones Doesn\u{2019}t Turn On", Some(Damaged)),
            ("Acme X1 Headphones Untested", Some(Damaged)),
            ("Acme X1 Headphones Cracked Headband", Some(Damaged)),
            ("Acme X1 Headphones As Is", Some(Damaged)),
            (
                "Acme X1 Headphones - AS IS, Read Description",
                Some(Damaged),
            ),
            ("Acme X1 Headphones Preloved", Some(Used)),
            ("Acme X1 Headphones Pre-Loved", Some(Used)),
            ("Acme X1 Headphones, Sound as Is Meant to Be", None),
            ("Acme X1 Headphones Not Damaged", None),
            ("Acme X1 Headphones, Never Broken, Never Cracked", None),
            ("Acme X1 Headphones Crack-Free Sound", None),
            ("Acme X1 Headphones Tested, Powers On", None),
            ("Acme X1 Headphones Like-New", Some(Used)),
            ("Acme X1 Headphones Ex Rental", Some(Used)),
            ("Acme X1 Headphones Barely Worn", Some(Used)),
            ("Acme X1 Headphones Warehouse Deal", Some(Used)),
            ("Acme X1 Headphones VGC", Some(Used)),
            ("Acme X1 Headphones Works Great", Some(Used)),
            ("Acme X1 Headphones Fully Working", Some(Used)),
            ("Acme X1 Headphones Opened Never Used", Some(Used)),
            ("Acme X1 Headphones Opened, Never Used", Some(Used)),
            ("Acme X1 Headphones Never Opened", None),
            ("Acme X1 Headphones Unopened", None),
            ("Acme X1 Headphones Brand New, Works Great", None),
            ("Acme X1 Headphones Très bon état", Some(Used)),
            ("Acme X1 Kopfhörer Top Zustand", Some(Used)),
            ("Auriculares Acme X1 en buen estado", Some(Used)),
            ("Acme X1 Kopfhörer Neu, Top Zustand", None),
            ("Fone Acme X1 Headphones Seminovo", Some(Used)),
            ("Słuchawki Acme X1 Headphones używane", Some(Used)),
            ("Słuchawki Acme X1 Headphones, używany", Some(Used)),
            ("Acme X1 Koptelefoon Gebruikt", Some(Used)),
            ("Acme X1 Hörlurar Begagnad", Some(Used)),
            ("Acme X1 Kulaklık İkinci El", Some(Used)),
            ("Acme X1 헤드폰 중고", Some(Used)),
            ("Acme X1 헤드폰 리퍼", Some(Refurbished)),
            ("Fone Acme X1 Recondicionado", Some(Refurbished)),
            ("Acme X1 Headphones Demo", Some(Used)),
            ("Acme X1 Headphones (Demo)", Some(Used)),
            ("Acme X1 Headphones - Demo", Some(Used)),
            ("Acme X1 Headphones Ex Demo", Some(Used)),
            ("Acme X1 Headphones, Demo, Boxed", Some(Used)),
            ("Acme X1 Headphones Demo Mode Included", None),
            ("Acme X1 Headphones with Demo Track", None),
            ("Acme X1 Headphones Not a Demo", None),
        ] {
            assert_eq!(Condition::in_title(title), want, "{title}");
        }
    }

    /// Display, sample, opened and second-grade items in Japanese, Chinese and
    /// Korean, and inflected European words for used and refurbished goods: each at
    /// 150 was held to a new item's floor of 199.00.
    #[test]
    fn used_goods_in_more_languages_and_inflections() {
        use super::Condition::{self, Damaged, Refurbished, Used};
        for (title, want) in [
            ("Acme X1 ヘッドホン 展示品", Some(Used)),
            ("Acme X1 ヘッドホン 開封済み", Some(Used)),
            ("【訳あり】Acme X1 ヘッドホン", Some(Used)),
            ("Acme X1 耳机 已拆封", Some(Used)),
            ("Acme X1 耳机 样机", Some(Used)),
            ("Acme X1 耳机 官翻", Some(Refurbished)),
            ("Acme X1 헤드폰 전시상품", Some(Used)),
            ("Acme X1 헤드폰 B급", Some(Used)),
            ("Acme X1 Headphones Gebrauchtware", Some(Used)),
            ("Acme X1 Headphones Vorführgerät", Some(Used)),
            ("Acme X1 Headphones usagé", Some(Used)),
            ("Acme X1 Headphones de segunda mano", Some(Used)),
            ("Cuffie Acme X1 Headphones usate", Some(Used)),
            ("Acme X1 Headphones powystawowe", Some(Used)),
            ("Fone Acme X1 Headphones de vitrine", Some(Used)),
            ("Fone Acme X1 Headphones de mostruário", Some(Used)),
            ("Fone Acme X1 Headphones modelo de exposição", Some(Used)),
            (
                "Auriculares Acme X1 Headphones reacondicionados",
                Some(Refurbished),
            ),
            (
                "Cuffie Acme X1 Headphones ricondizionate",
                Some(Refurbished),
            ),
            ("Acme X1 Headphones Scratched", Some(Used)),
            ("Acme X1 Headphones Dented", Some(Used)),
            ("Acme X1 Headphones Open Item", Some(Used)),
            ("Acme X1 Headphones Resealed", Some(Used)),
            ("Acme X1 Headphones CPO", Some(Used)),
            ("Acme X1 Headphones Reman", Some(Refurbished)),
            ("Acme X1 Headphones Missing Parts", Some(Damaged)),
            ("Acme X1 Headphones Incomplete", Some(Damaged)),
            ("Acme X1 Headphones Salvage", Some(Damaged)),
            ("Acme X1 Headphones Not Scratched", None),
            ("Acme X1 Headphones Scratch-Resistant", None),
            // Free returns, unopened, no returns, an apology are no condition.
            ("Acme X1 Headphones Kostenlose Retoure", None),
            ("Acme X1 耳机 未拆封", None),
            ("Acme X1 헤드폰 반품불가", None),
            ("Acme X1 ヘッドホン 申し訳ありません", None),
            // China's official replacement unit, like-new, returned, flawed and
            // defective goods; not a standard new model, zero flaws, every time's
            // quality.
            ("艾克米 X1 耳机 官换机", Some(Refurbished)),
            ("艾克米 X1 耳机 准新机", Some(Used)),
            ("艾克米 X1 耳机 退货机", Some(Used)),
            ("艾克米 X1 耳机 小瑕疵", Some(Used)),
            ("艾克米 X1 耳机 残次品", Some(Damaged)),
            ("艾克米 X1 耳机 标准新款", None),
            ("艾克米 X1 耳机 零瑕疵", None),
            ("艾克米 X1 耳机 每次品质保证", None),
            ("艾克米 X1 耳机 非残次品", None),
            // Japan's as-is, working-checked and regenerated goods.
            ("Acme X1 ヘッドホン 現状品", Some(Damaged)),
            ("Acme X1 ヘッドホン 現状渡し", Some(Damaged)),
            ("Acme X1 ヘッドホン 動作品", Some(Used)),
            ("Acme X1 ヘッドホン 動作確認済み", Some(Used)),
            ("Acme X1 ヘッドホン 再生品", Some(Refurbished)),
            ("Acme X1 ヘッドホン 整備済製品", Some(Refurbished)),
            ("Acme X1 ヘッドホン 新品未開封", None),
            // Korea's defects, parts, signs of use and everyday scratches.
            ("Acme X1 헤드폰 하자있음", Some(Damaged)),
            ("Acme X1 헤드폰 부품용", Some(Damaged)),
            ("Acme X1 헤드폰 사용감있음", Some(Used)),
            ("Acme X1 헤드폰 생활기스", Some(Used)),
            ("Acme X1 헤드폰 하자없음", None),
            ("Acme X1 헤드폰 생활기스 없음", None),
        ] {
            assert_eq!(Condition::in_title(title), want, "{title}");
        }
    }
}
