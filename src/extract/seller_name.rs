//! A seller's name as a page's seller box prints it, without the box's own words.
//!
//! An adapter's seller selector names an element; pages put labels, ratings and
//! badges in the same element as the name ("Sold by Foo Store (4.8 ★ 1,203
//! ratings)", "Seller: Foo Store 98.7% positive feedback", "Foo Store Top Rated
//! Seller"), or add them in a redesign. Read whole, such a name is one no list of
//! authorized sellers holds: an authorized distributor was an unauthorized seller
//! in a finding and a complaint. Only words that are plainly the box's are left
//! out (a label before the name, who fulfils after it, a rating or badge at its
//! end); a name in brackets that is no rating ("Foo Store (EU)") stays. One
//! regular expression, as the adapters' own rules are written; and badges printed
//! as elements of their own inside the seller's element, by their class
//! ([`without_badges`]).

use std::sync::LazyLock;

use regex::Regex;

/// Who ships or a badge before the name (Amazon's `Ships from Amazon. Sold by
/// Foo`, eBay's `Top Rated Seller Foo`): [`BOX_WORDS`]' `lead`.
const BOX_LEAD: &str = r#"
            ships\ from\ (?:\S+\ ){0,2}?\S+?\.\s+
          | top\ rated\ (?:plus|seller)\s+
            # Amazon Japan's table: `出荷元 Amazon 販売元 Foo`.
          | 出荷元\s*[:：]?\s*\S+\s+
            # Who ships, before who sells: `Fulfilled by Amazon, sold by Foo` (the
            # whole line was the seller a finding and a complaint named).
          | (?:fulfill?ed|shipped|dispatched)\ by\ \S+?[.,]\s+
"#;

/// A label before the name (`Sold by`, `Seller:`): [`BOX_WORDS`]' `label`.
const BOX_LABEL: &str = r#"
            # Phrases, before the name with or without a colon.
            # Amazon's two table rows read as one line, no point between:
            # `Ships from Amazon Sold by Foo`.
            (?: ships\ from\ (?:\S+\ ){0,2}?\S+?\ sold\ by
              # The same as `Fulfilled by Amazon Sold by Foo`.
              | (?:fulfill?ed|shipped|dispatched)\ by\ \S+\ sold\ by
              | ships\ from\ and\ sold\ by | dispatched\ from\ and\ sold\ by
              | shipped\ from\ and\ sold\ by | sold\ and\ shipped\ by
              | sold\ and\ dispatched\ by | sold\ &\ shipped\ by
              | sold\ and\ fulfill?ed\ by | sold\ by | verkauf\ und\ versand\ durch
              | verkauf\ durch | vendu\ et\ expédié\ par | vendu\ par | vendido\ por
              | venduto\ da | vendido\ y\ enviado\ por | vendido\ e\ entregue\ por
              | verkocht\ en\ verzonden\ door | verkocht\ door | tienda\ oficial
              # Amazon Italy's and Brazil's `Venduto e spedito da Foo` (read as the
              # seller `Venduto`, the rest as who ships), and the words of more
              # languages (each read into the name).
              | venduto\ e\ spedito\ da | vendido\ e\ enviado\ por
              | verkauft\ und\ versendet\ von | verkauft\ von | verkoop\ door
              | säljs\ av | såld\ av | sælges\ af | solgt\ af | selges\ av | solgt\ av
              | sprzedawane\ przez | offered\ by
              | loja\ oficial | 販売元 | 판매자
              # eBay's heading over the seller's box: no one's name begins so.
              | seller\ information | about\ this\ seller | verkäuferinformationen
              | informations\ sur\ le\ vendeur
              # A store link: `Visit the Foo Store` (a shop's own link named so,
              # the impersonation of a distributor's name went unseen behind it).
              | visit\ the )
            (?: \s*[:：]\s* | \s+ )
            # Single words, only with a colon: "Store Brand Outlet" is a name.
          | (?: (?:pro|professional|private|business|verified)\ seller | seller\ name
              | seller | store | shop | merchant | vendor | verkäufer | vendeur | vendedor
              | venditore | sprzedawca | satıcı | verkoper | 卖家 | 店铺 | 出品者
              # More languages' words for a seller or a shop (`店铺名称：Foo`,
              # `販売者：Foo`, `Händler: Foo`, `Продавец: Foo`: each read into the name).
              | 店铺名称 | 商家 | 供应商 | ショップ名 | ショップ | 販売者 | 販売店 | 상호명 | 상호
              | 스토어 | 판매처 | magasin | boutique | händler | anbieter | sprzedający
              | sklep | продавец | магазин | mağaza | winkel | tienda | negozio | loja | butik )
            \s*[:：]\s*
"#;

/// One of the words after the name (who ships, a rating, a badge): [`BOX_WORDS`]'
/// `tail` is any number of them.
const BOX_TAIL: &str = r#" \s*[,.;\-–—]?\s+ (?: and\ fulfill?ed\ by | and\ ships\ from | fulfill?ed\ by
                         # `Vendido por Foo y enviado por Amazon`: the seller was `Foo y`.
                         | [ye]\ enviado\ por
                         | ships\ from | shipped\ by | dispatched\ (?:from|by) | versand\ durch
                         | und\ versand\ durch | et\ expédié\ par | e\ spedito\ da
                         | expédié\ par | enviado\ por | spedito\ da )
                # A colon after them (`Sold by: Foo Ships from: Amazon`).
                [:：]? \s.*
              | \s*\( [^()]* (?: ★ | ☆ | ⭐ | rating | review | feedback | % | stars? ) [^()]* \)
              | \s+ \d{1,3}(?:[.,]\d+)?\s?% \s+ positive\b .*
              # eBay's feedback count (`foo (2,031)`, `foo (2,031) 99.5%`), what
              # follows a separator set apart (`Foo | Returns: 30 days`), a
              # separator left at the end.
              | \s*\( \s* \d[\d.,]* \s* \) (?: \s+ \d{1,3}(?:[.,]\d+)?\s?% )?
              | \s+ [|·•] \s .*
              | \s* [|·•]
              | \s+ \d(?:[.,]\d)? \s+ out\ of\ 5(?:\s+stars)?
              | \s+ top[\ -]rated(?:\s+(?:seller|plus))?
              # More badges, eBay's seller kinds, a count of sellers beside the
              # buy box's, when it ships, a count of ratings after the stars, the
              # store's links to write or go to it (each read into the name: an
              # authorized distributor's name went unseen behind them).
              | \s+ (?:preferred|trusted|power)\ seller
              | \s+ (?:registered\ as\ a\ )?(?:business|private)\ seller
              | \s+ (?:and|\+)\ \d+\ (?:more|other)\ sellers?
              | \s+ ships\ (?:in|within)\ \d.*
              | \s+ \d[\d.,]*\s?[km]? \s+ (?:ratings?|reviews?)
              | \s+ (?:chat\ now|ask\ a\ question|go\ to\ (?:the\ )?store|view\ store)
              | \s+ positive\ feedback \s*[:：]?\s* \d[\d.,]* \s?%
              # A badge: a trophy or a tick with or without "Top Seller" (`Foo 🏆
              # Top Seller`, `Foo ✔`: the impersonation of a distributor's name went
              # unseen behind it).
              | \s+ [🏆🥇🏅✔✓☑] \x{FE0F}? (?:\s* top\ seller)?
              | \s+ top\ seller
              # A rating by stars, a count of sales, who ships in brackets, a badge.
              | \s* [★⭐☆] \s* \d(?:[.,]\d)? (?:\s*\( [^()]* \))?
              # Stars drawn as a row (`Foo ★★★★☆`).
              | \s+ [★⭐☆]{2,5}
              | \s+ \d(?:[.,]\d)? \s* [★⭐☆] (?:\s*\( [^()]* \))?
              | \s+ \d(?:[.,]\d)? \s+ stars? (?:\s*\( [^()]* \))?
              | \s+ (?:message|contact)\ (?:the\ )?seller
              # A bare rating after the name and the card's message button (`Foo
              # 4.9`, `Foo Message`: with no seller id on the page, an authorized
              # distributor was an unauthorized seller). Only a rating of 3.0 to
              # 5.0: names end with other numbers (`Audio 5.1`, `Shop 2.0`).
              | \s+ (?:[34][.,]\d|5[.,]0)
              | \s+ (?:send\ (?:a\ )?)?message
              # A store's links, followers and rating (eBay's `Visit store`, `See
              # other items`, AliExpress's `Follow`, `12.3K followers`, `4.9 Store
              # rating`), Mercado Libre's badge, years in business: read into the
              # name, an impersonation of a distributor's went unseen behind them.
              | \s+ visit\ (?:the\ )?store
              | \s+ (?:see|seller'?s)\ other\ items
              | \s+ \+?\s* follow(?:ing)?
              | \s+ \d[\d.,]* \s? [km]? \s+ followers
              | \s+ (?:\d(?:[.,]\d)?\s+)? (?:store|seller)\ rating (?:\s*[:：]?\s* \d[\d.,]* \s?%?)?
              | \s+ mercadol[ií]der (?:\s+(?:platinum|gold))?
              | \s+ in\ business\ since\ \d{4}
              # How long it has sold there: eBay's `Joined Mar 2010`, `Member since
              # 2015`, Etsy's `On Etsy since 2015`, Alibaba's `CN 5 yrs` (read into
              # the name). Not a bare `Since 2015`: a shop may be named so.
              | \s+ (?:member|seller|selling|registered|on\ \S+)\ since\ (?:\p{L}+\.?\s+)?\d{4}
              # AliExpress's card: `Open since: Mar 27, 2016`, `Store no.: 1234567`, a
              # count of years on the marketplace, of products, and a link to them
              # (each read into the name: with no seller id on the page, an
              # authorized distributor was an unauthorized seller).
              | \s+ open\ since \s*[:：]?\s* (?:\p{L}+\.?\s+)?(?:\d{1,2},?\s+)?\d{4}
              | \s+ store\ (?:no\.?|number|id) \s*[:：]?\s* \d+
              | \s+ [-–—]?\s* \d{1,2}\s+ (?:years?|yrs?) \s+ (?:on|at)\ \S+
              | \s+ (?:other\ )?(?:products|items)\ from\ (?:this\ )?(?:seller|store|shop)
              | \s+ \d[\d.,]*\s?[km]?\+? \s+ (?:products|items)
              | \s+ joined\ (?:in\ )?(?:\p{L}+\.?\s+)?\d{4}
              | \s+ joined\ \d+\ \p{L}+\ ago
              # Shopee's, Lazada's and AliExpress's shop cards and Amazon's table
              # rows after the seller's (each read into the name: an authorized
              # distributor was an unauthorized seller): a rating out of five and
              # its count, how fast it answers and ships, when it was last seen, its
              # badges and rank, its links, a bare positive share, stock, returns,
              # payment. Not a bare `Mall`, `Prime` or `Chat`: names end so.
              | \s* \(? \d(?:[.,]\d)? \s*/\s* 5 \)?
              | \s+ ratings? \s*[:：] .*
              | \s+ \d[.,]\d \s* \( \s* \d[\d.,]* \s? [km]? \+? \s* \)
              | \s+ (?:chat\ )?response\ (?:rate|time) .*
              | \s+ ships?\ on\ time .*
              | \s+ (?:active|online)\ (?:now|\d+\ \p{L}+\ ago)
              | \s+ preferred\+
              | \s+ (?:shopee\ mall|lazmall|tmall)
              | \s+ top\ brand
              | \s+ (?:seller|sales)\ rank .*
              | \s+ follow\ (?:the\ )?(?:store|shop)
              | \s+ (?:view|visit)\ (?:the\ )?shop
              | \s+ \d{1,3}(?:[.,]\d+)?\s?%
              | \s+ (?:in|out\ of)\ stock
              | \s+ returns? \s*[:：]?\s+ (?:eligible|non-returnable|free|within|accepted|not\ accepted|\d) .*
              | \s+ returnable \b .*
              | \s+ (?:payment\s+)?secure\ transaction .*
              # The same in Chinese, Japanese and Korean (Taobao's and JD's shop
              # cards: visit, follow, contact, positive share, the three scores, gold
              # seller, business shop, Tmall, Wangwang; Rakuten's and Coupang's
              # links), German, French, Spanish and Italian (a shop's link, its
              # rating, a professional or private seller).
              | \s* (?:进店逛逛|进入店铺|关注店铺|收藏店铺|联系客服|联系卖家|在线客服|和我联系
                      |金牌卖家|企业店铺|天猫|旺旺|ショップへ|ショップを見る|ストアを見る
                      |판매자\ 정보|스토어\ 가기)
              | \s* 好评率 \s* \d{1,3}(?:[.,]\d+)?\s?%
              | \s* 描述 \s* \d(?:[.,]\d+)? .*
              | \s* (?:ストア)?評価 \s*[:：]?\s* \d(?:[.,]\d+)? .*
              | \s+ (?:zum\ shop|shop\ besuchen|voir\ la\ boutique|ver\ tienda
                     |visita\ il\ negozio|visitar\ tienda)
              | \s+ (?:verkäuferbewertung|évaluations?|valoraciones|valutazioni) \s*[:：]?\s* \d .*
              | \s+ \d{1,3}(?:[.,]\d+)?\s?% \s+ positive\ bewertungen
              | \s+ (?:gewerblicher\ verkäufer|privatverkäufer|privater\ verkäufer
                     |vendeur\ professionnel|vendeur\ particulier|vendedor\ profesional
                     |vendedor\ particular|venditore\ professionale|venditore\ privato)
              | \s+ (?-i:[A-Z]{2}\s+)?\d{1,2}\s?yrs?
              | \s+ \+?\d[\d.,]*\s?(?:mil|k)?\+? \s+ (?:ventas|vendas|sales|sold) \b
              | \s* \( \s* (?:ships|shipped)\ from [^()]* \)
              | \s+ (?:✓\s*)? verified(?:\ seller)?
              | \s* \(? opens\ in\ a\ new\ (?:window|tab) \)?
              # Marketplaces' badges and links beside the name: Etsy's `Star
              # Seller`, Walmart's `Pro Seller`, Alibaba's `Gold Supplier`, `Verified
              # Supplier` and `Trade Assurance`, Amazon's `Sponsored` and `Free
              # Returns`, a seller's level (`Lv.5`), its details' and other items'
              # links (each read into the name: an authorized distributor was an
              # unauthorized seller). Not a bare `Pro`, `Plus` or `Choice`: names end so.
              | \s+ (?:star|pro|super|plus|recommended|excellent)\ seller
              | \s+ (?:gold|verified|assessed|audited)\ supplier
              | \s+ trade\ assurance
              | \s+ sponsored
              | \s+ free\ returns?
              | \s+ fast\ shipper
              | \s+ (?:seller\ )?(?:lv|lvl|level)\.?\s*\d{1,2}
              | \s+ seller\ (?:details|info|information|profile)
              | \s+ (?:more|other\ items)\ from\ (?:this\ )?seller
              # What kind of seller and from where, how soon it ships or answers,
              # that its goods are genuine, a brand's line (`Foo Local seller`,
              # `Foo Seller from US`, `Foo Located in: US`, `Foo Usually ships within
              # 24 hours`, `Foo Typically responds within 1 hour`, `Foo - 100%
              # genuine`, `Foo Brand: Acme`, `Foo Brand Authorized`: each read into
              # the name, the distributor an unauthorized seller).
              | \s+ (?:local|international|overseas|new|highly\ rated)\ seller
              | \s+ highly\ rated
              | \s+ seller\ from\ .*
              | \s+ located\ in \s*[:：]?\s* .*
              | \s+ (?:usually|typically)\ (?:ships|dispatches|responds|replies) \b .*
              | \s+ ships\ fast
              | \s+ [-–—]?\s* (?:100\s?%\s+)?genuine(?:\s+(?:products?|items?|goods))?(?:\s+only)?
              | \s+ brand\s*[:：] .*
              | \s+ brand\ authori[sz]ed
              # A link to keep the seller (`Foo Save seller`): read into the name,
              # the distributor an unauthorized seller. A claim of authorization
              # (`Foo - Authorized Dealer`, `Foo (Authorized Reseller)`) is the
              # name's own: taken off, `ACME Authorized Dealer`, a shop claiming
              # to be the brand's dealer, was stored and named in findings as
              # `ACME`, the brand; matching sees through the claim anyway
              # (`ident::name_forms`' dressing words).
              | \s+ (?:save|follow|unfollow)\ (?:this\ )?seller
              # A seller's badge after a dash, a star or in brackets (`Foo (Verified
              # Seller)`, `Foo - Verified`, `Foo ⭐ Top Seller`, `Foo – Power Seller`,
              # `Foo [Top Rated Seller]`): each read into the name (or its dash and
              # star left at its end), the distributor an unauthorized seller.
              | \s* [-–—]?\s* [(\[] \s* (?:[⭐★✓]\s*)? (?:verified|top|top\ rated|power|star|pro|super|trusted)\ seller \s* [)\]]
              | \s+ [-–—]\s* verified
              | \s+ (?:[-–—⭐★✓]\s*)? (?:top|power|trusted)\ seller
"#;

/// Labels before the name, who ships after it, ratings and badges at its end.
static BOX_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?xi) ^\s* (?P<lead>{BOX_LEAD})? (?P<label>{BOX_LABEL})? (?P<name>.+?)
        (?P<tail> (?:{BOX_TAIL})* ) \s*\.?\s*$"
    ))
    // A constant pattern, compiled by every test below: no page's input reaches it.
    .expect("the seller box's words are a valid pattern")
});

/// Does a box hold any of [`BOX_WORDS`]' words: a lead or a label at its start, a
/// word of the tail at its end? Most seller names hold none, and this test runs
/// as a DFA; [`BOX_WORDS`]' captures run a backtracker (half of reading the
/// seller's name, 2% of extraction).
static ANY_BOX_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    // ASCII word boundaries: Unicode ones send the engine from its DFA to a
    // backtracker on any name holding a non-ASCII letter. Each `\b` of the three
    // follows an ASCII letter, where the ASCII boundary holds wherever the Unicode
    // one does: the test stays one no box with words fails.
    let pattern = format!(r"(?xi) ^\s* (?:{BOX_LEAD}|{BOX_LABEL}) | (?:{BOX_TAIL}) \s*\.?\s*$");
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)"))
        // A constant pattern, compiled by every test below: no page's input reaches it.
        .expect("the seller box's words are a valid pattern")
});

/// Who ships, and no one who sells: a box saying only `Fulfilled by Amazon`,
/// `Versand durch Amazon`, `Expédié par Amazon` (the selector took the fulfilment
/// line, Amazon's when a third party sells). Read as the seller's name, "Fulfilled
/// by Amazon" was the seller a finding and a complaint named.
static ONLY_WHO_SHIPS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        ^\s*(?: fulfill?ed\ by | shipped\ by | ships\ from | dispatched\ (?:from|by)
             | versand\ durch | expédié\ par | enviado\ por | spedito\ da
             | 配送\s*[:：]? | 出荷元 )
        \s*[:：]?\s* \S+ (?:\.com|\.co\.uk|\.de|\.fr)? \s*\.?\s*$",
    )
    // A constant pattern, compiled by the test below: no page's input reaches it.
    .expect("the words of who ships are a valid pattern")
});

/// Another box of the buy box's, no seller's: Amazon's `Other sellers on Amazon`,
/// `New (3) from $229.99`, `See all buying options` (a selector that took the
/// offers' line). Read as the seller's name, it was an unauthorized seller a
/// finding named.
static OFFERS_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        ^\s*(?: other\ sellers\ on\ \S+
             | (?:new|used|refurbished|new\ &\ used|new\ and\ used)\s*\(\d[\d,]*\)\s*from\s.*
             | \d[\d,]*\s+(?:new|used)?\s*offers?\s+from\s.*
             | see\ all\ buying\ options | other\ buying\ options .*
             | compare\ (?:offers|other\ sellers|\d[\d,]*\ offers) .* )
        \s*\.?\s*$",
    )
    // A constant pattern, compiled by the test below: no page's input reaches it.
    .expect("the offers' line is a valid pattern")
});

/// A button's or a link's words and nothing else: `Contact seller`, `Chat now`,
/// `Visit store`, `Follow`, `联系卖家`, `进店逛逛` (a selector that took the store's
/// link where a page printed no name beside it). Read as the seller's name,
/// "Contact seller" was the unauthorized seller a finding and a complaint named.
static ONLY_A_BUTTON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        ^\s*(?: (?:contact|message|ask|email|chat\ with)\ (?:the\ )?(?:seller|shop|store|vendor)
             | chat(?:\ now)? | ask\ a\ question | send\ (?:a\ )?message
             | (?:visit|view|go\ to|see)\ (?:the\ )?(?:store|shop|seller)(?:\ page)?
             | \+?\s*follow(?:\ (?:the\ )?(?:store|shop|seller))? | save\ (?:this\ )?seller
             | see\ other\ items | more\ from\ (?:this\ )?seller
             | 联系卖家 | 联系客服 | 在线客服 | 进店逛逛 | 进入店铺 | 关注店铺 | 收藏店铺 | 和我联系
             | ショップへ | ショップを見る | ストアを見る | 판매자\s*문의 | 스토어\ 가기
             | verkäufer\ kontaktieren | zum\ shop | contacter\ le\ vendeur | voir\ la\ boutique
             | contactar\ (?:al\ )?vendedor | ver\ tienda | contatta\ il\ venditore )
        \s*[.!>›»]?\s*$",
    )
    // A constant pattern, compiled by the test below: no page's input reaches it.
    .expect("the buttons' words are a valid pattern")
});

/// Does the box hold only a button's or a link's words ([`ONLY_A_BUTTON`])?
pub(crate) fn only_a_button(text: &str) -> bool {
    ONLY_A_BUTTON.is_match(text)
}

/// The product's brand line (`Brand: Acme`, `Marke: Acme`, `品牌：Acme`): a selector
/// that took the byline, which names who makes the item, not who sells it. Read as
/// the seller's name, "Brand: Acme" was the unauthorized seller a finding named.
static A_BRAND_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:brand|by\ brand|marke|marque|marca|marchio|品牌|ブランド|브랜드)\s*[:：]",
    )
    // A constant pattern, compiled by the test below: no page's input reaches it.
    .expect("the brand line's words are a valid pattern")
});

/// Does the box hold the product's brand line ([`A_BRAND_LINE`])?
pub(crate) fn a_brand_line(text: &str) -> bool {
    A_BRAND_LINE.is_match(text)
}

/// Is the box another line of the buy box's, naming no seller ([`OFFERS_LINE`])?
pub(crate) fn offers_line(text: &str) -> bool {
    OFFERS_LINE.is_match(text)
}

/// Does the box say only who ships ([`ONLY_WHO_SHIPS`])?
pub(crate) fn only_who_ships(text: &str) -> bool {
    ONLY_WHO_SHIPS.is_match(text)
}

/// `name` without the seller box's words, and those words (the label, then the
/// rest as printed), where it held any and a name is left.
pub(crate) fn without_box_words(name: &str) -> Option<(String, Vec<String>)> {
    if !ANY_BOX_WORDS.is_match(name) {
        return None;
    }
    let caps = BOX_WORDS.captures(name)?;
    let mut bare = caps.name("name")?.as_str().trim();
    let mut said: Vec<String> = ["lead", "label", "tail"]
        .into_iter()
        .filter_map(|g| caps.name(g))
        .map(|m| {
            m.as_str()
                .trim()
                .trim_end_matches([':', '：'])
                .trim_start_matches([',', '.', ';'])
                .trim()
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    // Flipkart's box heads the name with `Seller` and no colon, a rating after it
    // (`Seller RetailNet 4.5★`: the seller was "Seller RetailNet", no distributor's
    // name). Before a name alone, a word is the name's ("Store Brand Outlet"), so
    // only before a rating, and only this word.
    if caps.name("label").is_none()
        && let Some(tail) = caps.name("tail").map(|m| m.as_str())
        && tail.contains(['★', '⭐', '☆'])
        && let Some((head, rest)) = bare.split_once(char::is_whitespace)
        && head.eq_ignore_ascii_case("seller")
        && !rest.trim().is_empty()
    {
        bare = rest.trim();
        let at = usize::from(caps.name("lead").is_some());
        said.insert(at, head.to_string());
    }
    (!said.is_empty() && !bare.is_empty()).then(|| (bare.to_string(), said))
}

/// Words in class names of a seller box's badges (`<span class="badge">PRO</span>`,
/// `seller-tag`, `pill`, `chip`).
const BADGE_CLASSES: &[&str] = &["badge", "tag", "pill", "chip", "label", "medal", "level"];

/// `name` as read from seller element `e` without the text of the badges printed
/// after it inside the element (`Northwind Audio <span class="badge">PRO</span>`,
/// `<span class="tag">Ad</span>`: with no seller id on the page, the distributor's
/// name read whole was an unauthorized seller's), and those texts. A badge is an
/// element inside `e` a class of which holds a word of [`BADGE_CLASSES`], after
/// some text of the name; an element holding the whole name (`<span
/// class="seller-label">Northwind Audio</span>`) is the name. `None` where no
/// badge ends the name.
pub(crate) fn without_badges(e: scraper::ElementRef, name: &str) -> Option<(String, Vec<String>)> {
    // A class naming a badge by a whole part (`badge`, `seller-badge`,
    // `badge--gold`; not `vintage`, `stage`).
    let is_badge = |n: ego_tree::NodeRef<scraper::Node>| {
        n.id() != e.id()
            && n.value().as_element().is_some_and(|el| {
                el.classes().any(|c| {
                    c.split(['-', '_'])
                        .any(|part| BADGE_CLASSES.iter().any(|b| part.eq_ignore_ascii_case(b)))
                })
            })
    };
    // One walk (linear in a hostile element): `open` counts the badges the walk
    // is inside; the outermost one's text is taken once it closes.
    let (mut open, mut text_before) = (0usize, false);
    let mut badges: Vec<String> = Vec::new();
    for edge in e.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) if is_badge(n) => open += 1,
            ego_tree::iter::Edge::Open(n) => {
                let text = n.value().as_text().is_some_and(|t| !t.trim().is_empty());
                text_before |= open == 0 && text;
            }
            ego_tree::iter::Edge::Close(n) if is_badge(n) => {
                open -= 1;
                let text = scraper::ElementRef::wrap(n).map(|b| super::join_text(b.text()));
                if let Some(t) = text.filter(|t| open == 0 && text_before && !t.is_empty()) {
                    badges.push(t);
                }
            }
            ego_tree::iter::Edge::Close(_) => {}
        }
    }
    let mut bare = name.trim_end();
    let mut cut = Vec::new();
    for b in badges.iter().rev() {
        match bare.strip_suffix(b.as_str()) {
            Some(rest) if rest.ends_with(char::is_whitespace) || rest.is_empty() => {
                bare = rest.trim_end();
                cut.push(b.clone());
            }
            _ => break,
        }
    }
    cut.reverse();
    (!cut.is_empty() && !bare.is_empty()).then(|| (bare.to_string(), cut))
}

#[cfg(test)]
mod tests {
    use super::without_box_words;

    /// The quick test ([`super::ANY_BOX_WORDS`]) never says "none" of a box whose
    /// captures hold a lead, a label or a tail: over every box of
    /// `tests/data/boxes/sellers.tsv` and its ends trimmed or doubled.
    #[test]
    fn the_quick_test_misses_no_box_words() {
        let table = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/boxes/sellers.tsv"
        ))
        .unwrap();
        let boxes = table
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t').map(|(_, b)| b.to_string()));
        let mut seen = 0;
        for text in boxes.flat_map(|b| [b.clone(), format!("  {b}. "), format!("Sold by {b}")]) {
            let caps = super::BOX_WORDS.captures(&text).unwrap();
            let held = ["lead", "label", "tail"]
                .iter()
                .any(|g| caps.name(g).is_some_and(|m| !m.as_str().trim().is_empty()));
            assert!(!held || super::ANY_BOX_WORDS.is_match(&text), "{text}");
            seen += usize::from(held);
        }
        assert!(seen > 100, "{seen}");
    }

    /// A box saying only who ships names no seller; one that says who sells too
    /// names that one (Amazon UK's `Dispatched from and sold by`).
    #[test]
    fn a_box_saying_only_who_ships_names_no_seller() {
        for text in [
            "Fulfilled by Amazon",
            "Fulfilled by Amazon.",
            "Versand durch Amazon",
            "Expédié par Amazon.fr",
            "Ships from: Amazon.com",
            "Dispatched by Amazon",
        ] {
            assert!(super::only_who_ships(text), "{text}");
        }
        for text in [
            "Sold by Foo Store and Fulfilled by Amazon",
            "Foo Store",
            "Fulfilled by Amazon Sold by Foo Store",
            "Ships from China Direct Outlet",
        ] {
            assert!(!super::only_who_ships(text), "{text}");
        }
        for (printed, name) in [
            ("Dispatched from and sold by Amazon", Some("Amazon")),
            (
                "Sold by Foo Store, dispatched from the UK",
                Some("Foo Store"),
            ),
            ("Sold and dispatched by Foo Store", Some("Foo Store")),
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), name, "{printed}");
        }
    }

    /// The offers' line of a buy box names no seller; a name that holds such words
    /// is a name.
    #[test]
    fn the_offers_line_names_no_seller() {
        for text in [
            "Other sellers on Amazon",
            "New (3) from $229.99",
            "Used (12) from $149.99 & FREE Shipping",
            "New & Used (5) from $199.99",
            "3 new offers from $229.99",
            "See All Buying Options",
            "Other buying options",
            "Compare offers",
        ] {
            assert!(super::offers_line(text), "{text}");
        }
        for text in [
            "Foo Store",
            "New Era Audio",
            "Other World Computing",
            "Compare Audio",
        ] {
            assert!(!super::offers_line(text), "{text}");
        }
    }

    /// A box holding only a button's words, or the brand's line, names no seller; a
    /// name that holds such words is a name.
    #[test]
    fn a_box_holding_only_a_button_names_no_seller() {
        for text in [
            "Contact seller",
            "Message the seller",
            "Chat now",
            "Chat",
            "Visit store",
            "Visit the Store",
            "View shop",
            "+ Follow",
            "Follow",
            "Ask a question",
            "Go to store ›",
            "联系卖家",
            "进店逛逛",
            "ショップへ",
            "판매자 문의",
            "Verkäufer kontaktieren",
            "Contacter le vendeur",
        ] {
            assert!(super::only_a_button(text), "{text}");
        }
        for text in [
            "Foo Store",
            "Chat Audio",
            "Follow Me Audio",
            "Visit Store Outlet",
            "Contact Sellers Ltd",
            "Northwind Audio",
        ] {
            assert!(!super::only_a_button(text), "{text}");
        }
        for text in ["Brand: Acme", "Marke: Acme", "品牌：艾克米", "brand : Acme"] {
            assert!(super::a_brand_line(text), "{text}");
        }
        for text in ["Brand Outlet", "Brandneu Audio", "Foo Store Brand: Acme"] {
            assert!(!super::a_brand_line(text), "{text}");
        }
    }

    /// Amazon's two rows, `Ships from` and `Sold by`, read as one line.
    #[test]
    fn amazon_s_rows_read_as_one_line_are_the_box_s_words() {
        for (printed, name) in [
            ("Ships from Amazon Sold by Foo Store", Some("Foo Store")),
            ("Ships from Amazon.com Sold by Foo Store", Some("Foo Store")),
            ("Ships from China Direct Outlet", None),
            ("Fulfilled by Amazon, sold by Foo Store", Some("Foo Store")),
            (
                "Shipped by Amazon.com, sold by Foo Store",
                Some("Foo Store"),
            ),
            ("Dispatched by Amazon. Sold by Foo Store", Some("Foo Store")),
            ("Fulfilled by Amazon Sold by Foo Store", Some("Foo Store")),
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), name, "{printed}");
        }
    }

    #[test]
    fn the_box_s_words_are_no_part_of_the_name() {
        for (printed, name) in [
            ("Sold by Foo Store (4.8 ★ 1,203 ratings)", Some("Foo Store")),
            (
                "Seller: Foo Store 98.7% positive feedback",
                Some("Foo Store"),
            ),
            (
                "Sold by: Foo Store opens in a new window",
                Some("Foo Store"),
            ),
            ("Foo Store Top Rated Seller", Some("Foo Store")),
            (
                "Sold by Foo Store and Fulfilled by Amazon.",
                Some("Foo Store"),
            ),
            ("Ships from and sold by Foo Store.", Some("Foo Store")),
            ("Verkauf durch: Foo GmbH", Some("Foo GmbH")),
            ("卖家：Foo旗舰店", Some("Foo旗舰店")),
            ("Foo Store (4.9 out of 5 stars)", Some("Foo Store")),
            // Nothing of the box's: the name as it is.
            ("Foo Store", None),
            ("Foo Store (EU)", None),
            ("Seller's Choice Ltd", None),
            ("Storefront Bros", None),
            ("Merchant Goods Co", None),
            ("Store Brand Outlet", None),
            ("Store: Foo Outlet", Some("Foo Outlet")),
            (
                "Ships from Amazon. Sold by Pacific Sound Co.",
                Some("Pacific Sound Co"),
            ),
            ("Seller: Foo Store | 98% positive", Some("Foo Store")),
            ("Pro Seller: foo_store (12345 ★)", Some("foo_store")),
            (
                "foo_store (2,031) 99.2% Positive feedback",
                Some("foo_store"),
            ),
            ("Top Rated Plus Foo Store", Some("Foo Store")),
            (
                "Sold by Foo Store 100% positive over last 12 months",
                Some("Foo Store"),
            ),
            (
                "Seller information northwind_audio (1,204) 99.8% Positive feedback",
                Some("northwind_audio"),
            ),
            ("About this seller Foo Store", Some("Foo Store")),
            // Other languages' labels, Amazon Japan's table, Mercado Libre's
            // official store and count of sales, stars and badges after the name.
            ("出荷元 Amazon 販売元 Foo Store", Some("Foo Store")),
            ("Vendido y enviado por Foo Store", Some("Foo Store")),
            ("Vendido por FOOSTORE +10mil ventas", Some("FOOSTORE")),
            ("Tienda oficial Foo", Some("Foo")),
            ("Verkocht door Foo Store", Some("Foo Store")),
            ("Sprzedawca: Foo Store", Some("Foo Store")),
            ("판매자: 푸스토어", Some("푸스토어")),
            ("Foo Store 4.8 ★", Some("Foo Store")),
            ("Foo Store ⭐ 4.8 (1.2k)", Some("Foo Store")),
            ("Sold by Foo Store (Ships from China)", Some("Foo Store")),
            ("Foo Store ✓ Verified Seller", Some("Foo Store")),
            ("Verified Goods Co", None),
            ("Foo Store 🏆 Top Seller", Some("Foo Store")),
            ("Foo Store ✔", Some("Foo Store")),
            ("Foo Store ☑\u{fe0f}", Some("Foo Store")),
            ("Foo Store Top Seller", Some("Foo Store")),
            ("Visit the Foo Store", Some("Foo Store")),
            ("Top Seller Goods", None),
            // Who ships, after the name in an element of its own.
            ("Sold by Foo Store Ships from Amazon", Some("Foo Store")),
            ("Sold by Foo Store, shipped by Walmart", Some("Foo Store")),
            // A stop between (`Foo Store.` was the name, no registry's).
            ("Sold by Foo Store. Ships from China.", Some("Foo Store")),
            ("Sold by Foo Store; ships from China", Some("Foo Store")),
            ("Top Rated Deals", None),
            ("Foo Store (2nd)", None),
            // A label and nothing after it is no name.
            ("Sold by", None),
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), name, "{printed}");
        }
        let (_, said) = without_box_words("Sold by Foo Store (4.8 ★ 1,203 ratings)").unwrap();
        assert_eq!(said, ["Sold by", "(4.8 ★ 1,203 ratings)"]);
        let (_, said) = without_box_words("Sold by Foo Store. Ships from China.").unwrap();
        assert_eq!(said, ["Sold by", "Ships from China."]);
    }

    /// eBay's count and percentage without their words, who ships in French,
    /// Spanish and Italian, stars and a link to write to the seller, what follows
    /// a separator set apart.
    #[test]
    fn counts_shippers_links_and_separators_are_the_box_s() {
        for (printed, name) in [
            ("Seller: foo_store (12345) 99.5%", Some("foo_store")),
            ("Vendu par Foo Store Expédié par Amazon", Some("Foo Store")),
            (
                "Vendido por Foo Store Enviado por Amazon",
                Some("Foo Store"),
            ),
            ("Venduto da Foo Store Spedito da Amazon", Some("Foo Store")),
            ("Venduto e spedito da Foo Store", Some("Foo Store")),
            ("Vendido e enviado por Foo Store", Some("Foo Store")),
            (
                "Vendido por Foo Store y enviado por Amazon",
                Some("Foo Store"),
            ),
            ("Verkauft von Foo Store", Some("Foo Store")),
            ("Verkoop door Foo Store", Some("Foo Store")),
            ("Säljs av Foo Store", Some("Foo Store")),
            ("Sælges af Foo Store", Some("Foo Store")),
            ("Sprzedawane przez Foo Store", Some("Foo Store")),
            ("Offered by Foo Store", Some("Foo Store")),
            // A name holding the words is no label's.
            ("Ye Olde Audio", None),
            ("Foo Store ★★★★☆ (1,234)", Some("Foo Store")),
            ("店铺名称：Foo Store", Some("Foo Store")),
            ("販売者：Foo Store", Some("Foo Store")),
            ("상호명: Foo Store", Some("Foo Store")),
            ("Händler: Foo Store", Some("Foo Store")),
            ("Magasin : Foo Store", Some("Foo Store")),
            ("Продавец: Foo Store", Some("Foo Store")),
            // Without a colon such a word is a name's (`Boutique Audio`).
            ("Boutique Audio", None),
            ("Foo Store Visit store Contact seller", Some("Foo Store")),
            ("Foo Store See other items", Some("Foo Store")),
            ("Foo Store + Follow", Some("Foo Store")),
            ("Foo Store 12.3K followers", Some("Foo Store")),
            ("Foo Store 4.9 Store rating", Some("Foo Store")),
            ("Foo Store Store rating: 96.5%", Some("Foo Store")),
            ("Foo Store MercadoLíder Platinum", Some("Foo Store")),
            ("Foo Store In business since 2015", Some("Foo Store")),
            // A name that is those words is no box's.
            ("Follow", None),
            (
                "Sold by Foo Store 4.5 stars (200 reviews) Message seller",
                Some("Foo Store"),
            ),
            ("Sold by Foo Store | Returns: 30 days", Some("Foo Store")),
            ("A·B Audio", None),
            // Flipkart's heading without a colon, before a rating only.
            ("Seller Foo Store 4.5★", Some("Foo Store")),
            ("SELLER Foo Store ★ 4.5", Some("Foo Store")),
            ("Seller Foo Store", None),
            // A rating's count after the stars, a colon after who ships, seller
            // ratings, more badges and links, a count of other sellers.
            ("Foo Store 4.5★ 1,203 Ratings", Some("Foo Store")),
            ("Sold by: Foo Store Ships from: Amazon", Some("Foo Store")),
            ("Foo Store Seller rating: 4.8", Some("Foo Store")),
            ("Foo Store 4.8 Seller Rating", Some("Foo Store")),
            ("Foo Store Positive feedback 99.1%", Some("Foo Store")),
            ("Foo Store Top-rated seller", Some("Foo Store")),
            ("Foo Store Power Seller", Some("Foo Store")),
            (
                "Foo Store Registered as a business seller",
                Some("Foo Store"),
            ),
            ("Foo Store Private seller", Some("Foo Store")),
            ("Foo Store and 3 more sellers", Some("Foo Store")),
            ("Foo Store + 2 other sellers", Some("Foo Store")),
            ("Foo Store Ships in 24 hours", Some("Foo Store")),
            ("Foo Store Chat now", Some("Foo Store")),
            ("Foo Store Go to store", Some("Foo Store")),
            ("Trusted Audio", None),
            ("Power Sellers Inc", None),
            // A rating in words is no sign the word is the heading (not seen so).
            (
                "Seller Direct Outlet 4.5 stars",
                Some("Seller Direct Outlet"),
            ),
            ("Seller's Choice Ltd 4.5★", Some("Seller's Choice Ltd")),
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), name, "{printed}");
        }
    }

    /// Shop cards' words after the name (Shopee, Lazada, AliExpress) and Amazon's
    /// table rows after the seller's: read into the name, an authorized
    /// distributor was an unauthorized seller.
    #[test]
    fn shop_cards_and_table_rows_are_the_box_s() {
        for printed in [
            "Foo Store Ratings: 4.8/5",
            "Foo Store 4.8/5",
            "Foo Store (4.8/5)",
            "Foo Store 4.9 (2.1K)",
            "Foo Store 10K+ sold",
            "Foo Store Response rate: 95%",
            "Foo Store Chat Response Rate 98%",
            "Foo Store Response time: within hours",
            "Foo Store Ships on time 99%",
            "Foo Store Active 3 minutes ago",
            "Foo Store Online now",
            "Foo Store Joined 5 years ago",
            "Foo Store Preferred+",
            "Foo Store Shopee Mall",
            "Foo Store LazMall",
            "Foo Store Top Brand",
            "Foo Store Seller rank #12",
            "Foo Store Follow Store",
            "Foo Store View Shop",
            "Foo Store 99.2%",
            "Foo Store In stock",
            "Sold by: Foo Store Returns: Eligible for Return",
            "Foo Store Returns Eligible for Return, Refund or Replacement",
            "Foo Store Returnable within 30 days",
            "Foo Store Payment Secure transaction",
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), Some("Foo Store"), "{printed}");
        }
        // Names that end so: no box's words.
        for printed in [
            "Foo Mall",
            "Foo Prime",
            "Foo Chat",
            "Easy Returns",
            "Studio 5.1",
            "Audio 2 You",
            "Active Audio",
        ] {
            assert_eq!(without_box_words(printed), None, "{printed}");
        }
    }

    /// Shop cards' words in other languages after the name: read into the name,
    /// an authorized distributor was an unauthorized seller.
    #[test]
    fn shop_cards_in_other_languages_are_the_box_s() {
        for printed in [
            "Foo Store 进店逛逛",
            "Foo Store 关注店铺",
            "Foo Store 联系客服",
            "Foo Store 好评率 98%",
            "Foo Store 描述 4.9 服务 4.9 物流 4.9",
            "Foo Store 金牌卖家",
            "Foo Store 企业店铺",
            "Foo Store 天猫",
            "Foo Store 旺旺",
            "Foo Store ショップへ",
            "Foo Store ストアを見る",
            "Foo Store 評価 4.8",
            "Foo Store 판매자 정보",
            "Foo Store Zum Shop",
            "Foo Store Shop besuchen",
            "Foo Store Verkäuferbewertung 4,8",
            "Foo Store 98 % positive Bewertungen",
            "Foo Store Voir la boutique",
            "Foo Store Évaluations 4,8/5",
            "Foo Store Ver tienda",
            "Foo Store Visita il negozio",
            "Foo Store Vendedor profesional",
            "Foo Store Vendeur professionnel",
            "Foo Store Gewerblicher Verkäufer",
            "Foo Store Privatverkäufer",
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), Some("Foo Store"), "{printed}");
        }
        for printed in ["Foo旗舰店", "天猫超市", "Shop Besuchen GmbH"] {
            assert_eq!(without_box_words(printed), None, "{printed}");
        }
    }

    /// How long the seller has sold there, after its name: read into the name, an
    /// authorized distributor was an unauthorized seller.
    #[test]
    fn how_long_it_has_sold_there_is_the_box_s() {
        for (printed, name) in [
            ("Foo Store Member since 2015", Some("Foo Store")),
            ("Foo Store Joined Mar 2010", Some("Foo Store")),
            ("Foo Store On Etsy since 2015", Some("Foo Store")),
            (
                "Sold by Foo Store Seller since Jan. 2019",
                Some("Foo Store"),
            ),
            ("Foo Audio Co., Ltd. CN 5 yrs", Some("Foo Audio Co., Ltd.")),
            ("Foo Audio Co., Ltd. 12yrs", Some("Foo Audio Co., Ltd.")),
            ("Foo Store Open since: Mar 27, 2016", Some("Foo Store")),
            ("Foo Store Open since 2016", Some("Foo Store")),
            ("Foo Store Store No.: 1234567", Some("Foo Store")),
            ("Foo Store - 5 years on Amazon", Some("Foo Store")),
            (
                "Foo Store Other products from this seller",
                Some("Foo Store"),
            ),
            ("Foo Store 1,234 products", Some("Foo Store")),
            ("Foo Store 1.2K items", Some("Foo Store")),
            // A bare `Since` may be a shop's name; so may a number.
            ("Foo Store Since 2015", None),
            ("Open Box Store", None),
            ("Store 24", None),
            ("Since 1990 Audio", None),
            ("Audio 2 You", None),
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), name, "{printed}");
        }
    }

    /// Marketplaces' badges and links after the name are the box's: read into the
    /// name, an authorized distributor was an unauthorized seller.
    #[test]
    fn marketplaces_badges_after_the_name_are_the_box_s() {
        for (printed, name) in [
            ("Foo Store Star Seller", Some("Foo Store")),
            ("Foo Store Pro Seller", Some("Foo Store")),
            ("Foo Store Walmart Pro Seller", Some("Foo Store Walmart")),
            (
                "Foo Audio Co., Ltd. Gold Supplier",
                Some("Foo Audio Co., Ltd."),
            ),
            (
                "Foo Audio Co., Ltd. Verified Supplier Trade Assurance",
                Some("Foo Audio Co., Ltd."),
            ),
            ("Foo Store Sponsored", Some("Foo Store")),
            ("Foo Store Free Returns", Some("Foo Store")),
            ("Foo Store Lv.5", Some("Foo Store")),
            ("Foo Store Seller Level 3", Some("Foo Store")),
            ("Foo Store Seller details", Some("Foo Store")),
            ("Foo Store More from this seller", Some("Foo Store")),
            ("Foo Store Local seller", Some("Foo Store")),
            ("Foo Store Seller from US", Some("Foo Store")),
            ("Foo Store Located in: US", Some("Foo Store")),
            ("Foo Store Usually ships within 24 hours", Some("Foo Store")),
            (
                "Foo Store Typically responds within 1 hour",
                Some("Foo Store"),
            ),
            ("Foo Store - 100% genuine", Some("Foo Store")),
            ("Foo Store Genuine Products", Some("Foo Store")),
            ("Foo Store Brand: Acme", Some("Foo Store")),
            ("Foo Store Brand Authorized", Some("Foo Store")),
            ("Foo Store New Seller", Some("Foo Store")),
            ("Foo Store Highly rated", Some("Foo Store")),
            // A badge after a dash, a star or in brackets.
            ("Foo Store (Verified Seller)", Some("Foo Store")),
            ("Foo Store - Verified", Some("Foo Store")),
            ("Foo Store ⭐ Top Seller", Some("Foo Store")),
            ("Foo Store – Power Seller", Some("Foo Store")),
            ("Foo Store [Top Rated Seller]", Some("Foo Store")),
            ("Foo Store (Top Seller)", Some("Foo Store")),
            ("Foo Store Trusted Seller", Some("Foo Store")),
            ("Foo Store 4.9", Some("Foo Store")),
            ("Foo Store 5.0", Some("Foo Store")),
            ("Foo Store Message", Some("Foo Store")),
            ("Foo Store 4.9 Send message", Some("Foo Store")),
            ("Audio 5.1", None),
            ("Shop 2.0", None),
            ("Message in a Bottle Store", None),
            ("Top Seller Audio", None),
            // Words names end with stay.
            ("Foo Store Pro", None),
            ("Audio Plus", None),
            ("Foo Choice", None),
            ("Level 10 Audio", None),
            ("Genuine Audio", None),
            ("New Seller Audio", None),
        ] {
            let got = without_box_words(printed).map(|(n, _)| n);
            assert_eq!(got.as_deref(), name, "{printed}");
        }
    }
}
