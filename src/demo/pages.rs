//! HTML of the three demo sites, each in the style of a real marketplace family.
//!
//! Pages are built with `format!` on purpose: they are fixtures with a fixed shape,
//! and every value that could hold markup goes through [`esc`].

use rust_decimal::Decimal;

use super::catalog::{Catalog, DemoListing, DemoSeller, Site};
use super::furniture::{self, Furniture, PageWeight};

/// Listings per search results page of `light` pages: the fewest of any weight.
pub const PAGE_SIZE: usize = 10;

pub(super) fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

pub(super) fn attr(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

/// `1299.00` → `1,299.00`.
fn grouped(d: Decimal) -> String {
    let s = format!("{:.2}", d);
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{frac}")
}

/// The bytes a site serves for a page: GBK on tmart, UTF-8 elsewhere.
pub fn encode(site: Site, body: String) -> Vec<u8> {
    match site {
        Site::Tmart => encoding_rs::GBK.encode(&body).0.into_owned(),
        _ => body.into_bytes(),
    }
}

pub fn robots(site: Site) -> &'static str {
    match site {
        Site::Shopusa => {
            "# shopusa robots\nUser-agent: BadBot\nDisallow: /\n\nUser-agent: *\nDisallow: /sponsored/\nDisallow: /cart\nDisallow: /_demo/\nAllow: /\n"
        }
        Site::Tmart => "User-agent: *\nDisallow: /promo/\nDisallow: /_demo/\n",
        Site::Bidbay => {
            "User-agent: *\nDisallow: /itm/watch/\nDisallow: /bid/\nDisallow: /_demo/\n"
        }
    }
}

/// Listings per search category (`cat=K`): 50 result pages of the lightest kind, the
/// most the demo targets follow. Large demo catalogs are searched one category at a time, the way a
/// brand narrows a marketplace's search by department to reach every listing.
pub const CATEGORY_SIZE: usize = 50 * PAGE_SIZE;

/// The path of search page `page`, of category `cat` or of all listings.
pub fn search_path(site: Site, cat: Option<usize>, page: usize) -> String {
    let cat = cat.map(|k| format!("&cat={k}")).unwrap_or_default();
    match site {
        Site::Shopusa => format!("/search?q=acme{cat}&page={page}"),
        Site::Tmart => format!("/s?kw=acme{cat}&p={page}"),
        Site::Bidbay => format!("/sch?_nkw=acme{cat}&_pgn={page}"),
    }
}

/// The search categories of a site: one per [`CATEGORY_SIZE`] live listings.
pub fn categories(c: &Catalog, site: Site) -> usize {
    c.on(site).len().div_ceil(CATEGORY_SIZE).max(1)
}

pub fn item_path(site: Site, id: &str) -> String {
    match site {
        Site::Shopusa => format!("/item/{id}"),
        Site::Tmart => format!("/detail/{id}.html"),
        Site::Bidbay => format!("/itm/{id}"),
    }
}

/// The robots-disallowed twin of an item link that search pages also show.
pub fn forbidden_item_path(site: Site, id: &str) -> String {
    match site {
        Site::Shopusa => format!("/sponsored/item/{id}?ref=ad"),
        Site::Tmart => format!("/promo/detail/{id}.html"),
        Site::Bidbay => format!("/itm/watch/{id}"),
    }
}

/// A search results page. `endless`: past the last page, the last page's listings
/// again with a "next" link, forever (a pagination trap).
/// `cat`: only that category's listings (see [`CATEGORY_SIZE`]).
pub fn search(
    c: &Catalog,
    site: Site,
    cat: Option<usize>,
    page: usize,
    endless: bool,
    weight: PageWeight,
) -> Option<String> {
    let page_size = weight.page_size();
    let live = c.on(site).len();
    let (first, count) = match cat {
        Some(k) => {
            let first = k.checked_mul(CATEGORY_SIZE).filter(|&f| f < live)?;
            (first, CATEGORY_SIZE.min(live - first))
        }
        None => (0, live),
    };
    let pages = count.div_ceil(page_size).max(1);
    if page == 0 || (page > pages && !endless) {
        return None;
    }
    let shown = page.min(pages);
    let chunk: Vec<&DemoListing> = ((shown - 1) * page_size..(shown * page_size).min(count))
        .filter_map(|i| c.nth_live(site, first + i))
        .collect();
    let rows = result_rows(site, &chunk);
    let next = (page < pages || endless).then(|| search_path(site, cat, page + 1));
    let Furniture { head, top, bottom } = furniture::search(weight, site, page);
    Some(match site {
        Site::Shopusa => format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Search: acme - ShopUSA</title>{head}</head><body>{top}\
             <h1>Results for \"acme\"</h1><ul class=\"results\">\n{rows}</ul>\
             <nav class=\"pagination\">Page {page} of {pages} {}</nav>{bottom}</body></html>",
            next.map(|n| format!("<a rel=\"next\" href=\"{}\">Next</a>", attr(&n)))
                .unwrap_or_default()
        ),
        Site::Tmart => format!(
            "<html><head><meta charset=\"gbk\"><title>acme - 淘集市 搜索</title>{head}</head><body>{top}\
             <div class=\"list\">\n{rows}</div><div class=\"pager\">第{page}页 {}</div>{bottom}</body></html>",
            next.map(|n| format!("<a class=\"next\" href=\"{}\">下一页</a>", attr(&n)))
                .unwrap_or_default()
        ),
        Site::Bidbay => format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>acme | bidbay</title>{head}</head><body>{top}\
             <ul class=\"srp-results\">\n{rows}</ul><nav>{}</nav>{bottom}</body></html>",
            next.map(|n| format!(
                "<a class=\"pagination__next\" href=\"{}\">Next page</a>",
                attr(&n)
            ))
            .unwrap_or_default()
        ),
    })
}

/// The results of one search page, in the site's markup; the first is also shown
/// through its robots-disallowed link.
fn result_rows(site: Site, chunk: &[&DemoListing]) -> String {
    let mut rows = String::new();
    for (i, l) in chunk.iter().enumerate() {
        let path = item_path(site, &l.id);
        // One result per page is also shown through a robots-disallowed link.
        let ad = (i == 0).then(|| forbidden_item_path(site, &l.id));
        rows.push_str(&match site {
            Site::Shopusa => format!(
                "<li class=\"result\"><a class=\"result-link\" href=\"{}\">{}</a> <span class=\"price\">${}</span></li>\n{}",
                attr(&path),
                esc(&l.title),
                grouped(l.price),
                ad.map(|a| format!("<li class=\"result sponsored\"><a class=\"result-link\" href=\"{}\">Sponsored: {}</a></li>\n", attr(&a), esc(&l.title))).unwrap_or_default()
            ),
            Site::Tmart => format!(
                "<div class=\"item\"><a class=\"item-link\" href=\"{}\">{}</a><span class=\"p\">¥{}</span></div>\n{}",
                attr(&path),
                esc(&l.title),
                grouped(l.price),
                ad.map(|a| format!("<div class=\"item promo\"><a class=\"item-link\" href=\"{}\">推广 {}</a></div>\n", attr(&a), esc(&l.title))).unwrap_or_default()
            ),
            Site::Bidbay => format!(
                "<li class=\"s-item\"><a class=\"s-item__link\" href=\"{}\">{}</a> <span class=\"s-item__price\">US ${}</span>{}</li>\n",
                attr(&path),
                esc(&l.title),
                grouped(l.price),
                ad.map(|a| format!(" <a class=\"s-item__link watch\" href=\"{}\">Watch</a>", attr(&a))).unwrap_or_default()
            ),
        });
    }
    rows
}

/// A listing's item page, with the furniture of its weight around it.
pub fn item(c: &Catalog, l: &DemoListing, weight: PageWeight) -> String {
    let seller = c.seller(l);
    let f = furniture::item(weight, l);
    match l.site {
        Site::Shopusa => shopusa_item(l, seller, &f),
        Site::Tmart => tmart_item(l, seller, &f),
        Site::Bidbay => bidbay_item(l, seller, &f),
    }
}

/// ShopUSA's item page: JSON-LD Product with its offer, and the buy box.
fn shopusa_item(l: &DemoListing, seller: &DemoSeller, f: &Furniture) -> String {
    let mut product = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": l.title,
        "brand": {"@type": "Brand", "name": l.brand},
        "offers": {
            "@type": "Offer",
            "url": format!("/item/{}", l.id),
            "price": format!("{:.2}", l.price),
            "priceCurrency": "USD",
            "availability": "https://schema.org/InStock",
            "seller": {"@type": "Organization", "name": seller.name, "identifier": seller.id}
        }
    });
    if let Some(g) = l.gtin {
        product["gtin13"] = g.into();
    }
    if let Some(m) = l.mpn {
        product["mpn"] = m.into();
    }
    // `</` inside a script would end it early; JSON allows `<\/`.
    let json = product.to_string().replace("</", "<\\/");
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} - ShopUSA</title>\
         <script type=\"application/ld+json\">{json}</script>{fh}</head><body>{ft}\
         <h1 class=\"product-title\">{t}</h1><div class=\"buybox\"><span class=\"price\">${p}</span>\
         <p class=\"soldby\">Sold by <a class=\"seller\" href=\"/seller/{sid}\">{s}</a></p>\
         <a href=\"/cart?add={id}\">Add to cart</a></div>{fb}</body></html>",
        fh = f.head,
        ft = f.top,
        fb = f.bottom,
        t = esc(&l.title),
        p = grouped(l.price),
        sid = attr(&seller.id),
        s = esc(&seller.name),
        id = attr(&l.id),
    )
}

/// A page after a redesign of its markup ([`super::Fault::Redesign`],
/// [`super::Fault::RedesignSearch`]): each `class` attribute holding `word` (a
/// price, a link) gets a `v2-` prefix.
pub(super) fn redesigned(page: &str, word: &str) -> String {
    const CLASS: &str = "class=\"";
    let mut out = String::with_capacity(page.len() + 64);
    let mut rest = page;
    while let Some(at) = rest.find(CLASS) {
        let (before, value) = rest.split_at(at + CLASS.len());
        out.push_str(before);
        let end = value.find('"').unwrap_or(value.len());
        if value[..end].contains(word) {
            out.push_str("v2-");
        }
        rest = value;
    }
    out.push_str(rest);
    out
}

/// A live item page that also carries, unshown, the words of the marketplace's
/// "no longer available" page ([`super::Fault::UnshownGoneWords`]).
pub(super) fn with_unshown_gone_words(page: &str) -> String {
    const UNSHOWN: &str = "<script type=\"application/json\" id=\"i18n\">\
        {\"item.gone\": \"This item is no longer available\", \"listing.ended\": \"This listing has ended\"}\
        </script><span id=\"listing-ended\" class=\"hide\">This listing has ended</span>";
    match page.rfind("</body>") {
        Some(at) => format!("{}{UNSHOWN}{}", &page[..at], &page[at..]),
        None => format!("{page}{UNSHOWN}"),
    }
}

/// An item page whose script doubles every price it shows once loaded
/// ([`super::Fault::ScriptPrice`]): the bytes keep their prices, a browser shows
/// others.
pub(super) fn with_script_price(page: &str) -> String {
    const SCRIPT: &str = "<script>addEventListener('DOMContentLoaded', function () {\
        document.querySelectorAll('[class*=price]').forEach(function (e) {\
        if (e.children.length) return;\
        var n = parseFloat(e.textContent.replace(/[^0-9.]/g, ''));\
        if (n > 0) e.textContent = e.textContent.replace(/[0-9][0-9.,]*/, (n * 2).toFixed(2));\
        });});</script>";
    match page.rfind("</body>") {
        Some(at) => format!("{}{SCRIPT}{}", &page[..at], &page[at..]),
        None => format!("{page}{SCRIPT}"),
    }
}

/// tmart's item page with `extra` right after the price its price box shows.
fn in_price_box(page: &str, price: Decimal, extra: &str) -> String {
    let shown = format!("class=\"price-now\">¥{}", grouped(price));
    page.replacen(&shown, &format!("{shown}{extra}"), 1)
}

/// tmart's item page with a pay-later offer and a saving inside its price box
/// ([`super::Fault::PayLater`]): four instalments of a quarter of `price` and a
/// saving of a tenth, after the price.
pub(super) fn with_pay_later(page: &str, price: Decimal) -> String {
    in_price_box(
        page,
        price,
        &format!(
            "<small class=\"pay-later\"> 或分4期 每期¥{}</small><small class=\"save\"> 立省¥{}</small>",
            grouped((price / Decimal::from(4)).round_dp(2)),
            grouped((price / Decimal::from(10)).round_dp(2)),
        ),
    )
}

/// tmart's item page with a members' price a tenth under `price` after it, inside
/// its price box ([`super::Fault::MemberPrice`]).
pub(super) fn with_member_price(page: &str, price: Decimal) -> String {
    in_price_box(
        page,
        price,
        &format!(
            "<small class=\"member\"> PLUS会员价¥{}</small>",
            grouped((price * Decimal::new(9, 1)).round_dp(2)),
        ),
    )
}

/// tmart's item page with the price for ten or more, a tenth under `price`, after
/// it inside its price box ([`super::Fault::TierPrice`]).
pub(super) fn with_tier_price(page: &str, price: Decimal) -> String {
    in_price_box(
        page,
        price,
        &format!(
            "<small class=\"tier\"> 10件以上 ¥{}</small>",
            grouped((price * Decimal::new(9, 1)).round_dp(2)),
        ),
    )
}

/// tmart's item page with the former price (`price` is a fifth off it) and the discount
/// in percent after the price inside its price box ([`super::Fault::PercentOff`]):
/// the former price in a span struck by CSS, which the page path cannot see struck.
pub(super) fn with_percent_off(page: &str, price: Decimal) -> String {
    in_price_box(
        page,
        price,
        &format!(
            "<span class=\"was\"> ¥{}</span><small class=\"off\"> -20%</small>",
            grouped((price / Decimal::new(8, 1)).round_dp(2)),
        ),
    )
}

/// A search results page whose every result link is followed by an ad's link to
/// another site, in the same markup ([`super::Fault::LinksElsewhere`]): the
/// results' `href="/…"` links get a twin `href="http://ads.invalid/…"`.
pub(super) fn with_links_elsewhere(page: &str) -> String {
    let mut out = String::with_capacity(page.len() * 2);
    for (i, part) in page.split("<a class=\"").enumerate() {
        if i > 0 {
            let ad = part
                .split_once(" href=\"/")
                .filter(|(class, _)| class.ends_with("link\"") || class.contains("link"))
                .map(|(class, rest)| {
                    let path = rest.split('"').next().unwrap_or_default();
                    format!("<a class=\"{class} href=\"http://ads.invalid/{path}\">Ad</a>")
                });
            out.push_str(&ad.unwrap_or_default());
            out.push_str("<a class=\"");
        }
        out.push_str(part);
    }
    out
}

/// shopusa's item page with a JSON-LD list of one item before its own product
/// ([`super::Fault::BoughtTogether`]): the first listing of another of the brand's
/// products (any of them on a page of another brand's), at three tenths of `l`'s
/// price, with its own address.
pub(super) fn with_bought_together(page: &str, c: &Catalog, l: &DemoListing) -> String {
    let Some(other) = c
        .listings
        .iter()
        .find(|o| o.sku.is_some() && o.sku != l.sku)
    else {
        return page.to_string();
    };
    let list = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": "Frequently bought together",
        "itemListElement": [{
            "@type": "ListItem",
            "position": 1,
            "item": {
                "@type": "Product",
                "name": other.title,
                "url": format!("/item/{}", other.id),
                "brand": {"@type": "Brand", "name": other.brand},
                "offers": {
                    "@type": "Offer",
                    "price": format!("{:.2}", (l.price * Decimal::new(3, 1)).round_dp(2)),
                    "priceCurrency": "USD"
                }
            }
        }]
    });
    let json = list.to_string().replace("</", "<\\/");
    page.replacen(
        "<script type=\"application/ld+json\">",
        &format!(
            "<script type=\"application/ld+json\">{json}</script><script type=\"application/ld+json\">"
        ),
        1,
    )
}

/// The variant of a listing its address names under [`super::Fault::Variants`]:
/// search links carry it, and the item page's offer of it is the listing's.
pub const LISTED_VARIANT: &str = "variant=2";

/// Which of shopusa's variant faults an item page is written for
/// ([`with_variants`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum VariantFault {
    /// [`super::Fault::Variants`]: each variant at its own address.
    Listed,
    /// [`super::Fault::SoldOutVariant`]: the travel size out of stock.
    SoldOut,
    /// [`super::Fault::AccessoryVariant`]: an accessory as the other variant.
    Accessory,
}

/// shopusa's item page sold in two variants ([`super::Fault::Variants`]), as
/// Shopify's themes write them: the JSON-LD lists an offer per variant, each at its
/// own address, a travel size at six tenths of `l`'s price first and the listing's
/// own (the variant its address names, [`LISTED_VARIANT`]) second; the buy box shows
/// the listing's price, as the page shows the variant its address selects. Each
/// offer carries its variant's GTIN, the product none. With [`VariantFault::SoldOut`]
/// the travel size is out of stock and the GTIN stays on the product
/// ([`super::Fault::SoldOutVariant`]). With [`VariantFault::Accessory`] the first
/// variant is replacement ear pads at a tenth of the price, and neither offer has
/// an address of its own ([`super::Fault::AccessoryVariant`]).
pub(super) fn with_variants(page: &str, l: &DemoListing, fault: VariantFault) -> String {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    let Some((head, rest)) = page.split_once(OPEN) else {
        return page.to_string();
    };
    let Some((json, tail)) = rest.split_once("</script>") else {
        return page.to_string();
    };
    let Ok(mut product) = serde_json::from_str::<serde_json::Value>(json) else {
        return page.to_string();
    };
    // Once only: with both variant faults the offers are already a list.
    if !product["offers"].is_object() {
        return page.to_string();
    }
    let listed = product["offers"].clone();
    let mut other = listed.clone();
    let mut own = listed;
    let path = item_path(l.site, &l.id);
    let (share, label) = match fault {
        VariantFault::Accessory => (Decimal::new(1, 1), "Replacement Ear Pads"),
        _ => (Decimal::new(6, 1), "Travel size"),
    };
    other["price"] = format!("{:.2}", (l.price * share).round_dp(2)).into();
    other["name"] = label.into();
    own["name"] = "Standard".into();
    if fault != VariantFault::Accessory {
        other["url"] = format!("{path}?variant=1").into();
        own["url"] = format!("{path}?{LISTED_VARIANT}").into();
    }
    if fault == VariantFault::SoldOut {
        other["availability"] = "https://schema.org/OutOfStock".into();
    }
    // Each variant's GTIN on its offer, none on the product (as Shopify writes
    // them); the travel size's is no product of the brand's.
    if fault == VariantFault::Listed
        && let Some(gtin) = product.as_object_mut().and_then(|o| o.remove("gtin13"))
    {
        own["gtin13"] = gtin;
        other["gtin13"] = "4006381333931".into();
    }
    product["offers"] = serde_json::json!([other, own]);
    let json = product.to_string().replace("</", "<\\/");
    let picker = format!(
        "<select class=\"variant\"><option value=\"1\">{label}</option>\
         <option value=\"2\" selected>Standard</option></select>"
    );
    format!("{head}{OPEN}{json}</script>{tail}").replacen(
        "<div class=\"buybox\">",
        &format!("<div class=\"buybox\">{picker}"),
        1,
    )
}

/// A shopusa search page whose result links name the variant each listing is
/// sold as ([`super::Fault::Variants`]).
pub(super) fn with_variant_links(page: &str) -> String {
    const LINK: &str = "href=\"/item/";
    let mut out = String::with_capacity(page.len() + 1024);
    let mut rest = page;
    while let Some(at) = rest.find(LINK) {
        let (before, after) = rest.split_at(at + LINK.len());
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        out.push_str(&after[..end]);
        if !after[..end].contains('?') {
            out.push('?');
            out.push_str(LISTED_VARIANT);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// tmart's item page with other offers of the item inside its price box
/// ([`super::Fault::OtherOffers`]): a used one at six tenths of `price`, other
/// sellers' from eight tenths.
pub(super) fn with_other_offers(page: &str, price: Decimal) -> String {
    in_price_box(
        page,
        price,
        &format!(
            "<small class=\"used\"> 二手¥{}</small><small class=\"others\"> 其他卖家 ¥{}起</small>",
            grouped((price * Decimal::new(6, 1)).round_dp(2)),
            grouped((price * Decimal::new(8, 1)).round_dp(2)),
        ),
    )
}

/// tmart's item page whose price box shows the price per item ("/件") and a former
/// price a quarter higher ([`super::Fault::PerItem`]).
pub(super) fn with_per_item(page: &str, price: Decimal) -> String {
    in_price_box(
        page,
        price,
        &format!(
            "/件<small class=\"was\"> 原价¥{}</small>",
            grouped((price * Decimal::new(125, 2)).round_dp(2)),
        ),
    )
}

/// tmart's item page whose price box shows a pre-sale deposit of a tenth of the
/// price beside it ([`super::Fault::Presale`]).
pub(super) fn with_presale(page: &str, price: Decimal) -> String {
    in_price_box(
        page,
        price,
        &format!(
            "<small class=\"presale\"> 预售定金¥{}</small>",
            grouped((price / Decimal::TEN).round_dp(0)),
        ),
    )
}

/// tmart's item page showing its price only in the cart, and no coupon price
/// ([`super::Fault::PriceInCart`]).
pub(super) fn with_price_in_cart(page: &str, price: Decimal) -> String {
    let shown = format!("class=\"price-now\">¥{}", grouped(price));
    let page = page.replacen(&shown, "class=\"price-now\">加入购物车查看价格", 1);
    match (
        page.find("<div class=\"tb-coupon\">"),
        page.find("<ul class=\"attrs\">"),
    ) {
        (Some(from), Some(to)) if from < to => format!("{}{}", &page[..from], &page[to..]),
        _ => page,
    }
}

/// Listing `l`, at `position` on its site, as [`super::Fault::Multipack`] shows
/// it: a brand's listing sells two at twice the price (the count before the title,
/// after it, or after it with a colour), or comes with a pack of ear tips at its own.
pub(super) fn multipacked(l: &DemoListing, position: usize) -> DemoListing {
    let mut l = l.clone();
    if l.sku.is_none() {
        return l;
    }
    let two = Decimal::TWO;
    match position % 4 {
        0 => l.title = format!("{} (Pack of 2)", l.title),
        1 => l.title = format!("2-Pack {}", l.title),
        2 => l.title = format!("{} 2 Pack Black", l.title),
        _ => {
            l.title = format!("{} with 3 Pack Ear Tips", l.title);
            return l;
        }
    }
    l.price *= two;
    l.coupon = l.coupon.map(|c| c * two);
    l
}

/// bidbay's item page whose microdata and Open Graph prices are a fifth over the
/// price its price box shows ([`super::Fault::StaleStructuredPrice`]).
pub(super) fn with_stale_structured_price(page: &str, price: Decimal) -> String {
    let stale = format!("{:.2}", (price * Decimal::new(12, 1)).round_dp(2));
    page.replace(
        &format!("content=\"{price:.2}\""),
        &format!("content=\"{stale}\""),
    )
}

/// bidbay's item page whose price box shows the listing's shipping cost above its
/// price, each in an element of its own ([`super::Fault::ShippingAbove`]); a
/// listing shipped free is left as it is.
pub(super) fn with_shipping_above(page: &str, l: &DemoListing) -> String {
    let Some(shipping) = l.shipping else {
        return page.to_string();
    };
    let shown = format!(">US ${}</span>", grouped(l.price));
    page.replacen(
        &shown,
        &format!(
            "><span class=\"delivery\">US ${} shipping</span> <span class=\"amount\">US ${}</span></span>",
            grouped(shipping),
            grouped(l.price)
        ),
        1,
    )
}

/// shopusa's item page whose price box shows the sales tax (8.25%, as in Texas)
/// under the price, inside the price's element ([`super::Fault::TaxLine`]).
pub(super) fn with_tax_line(page: &str, price: Decimal) -> String {
    let tax = (price * Decimal::new(825, 4)).round_dp(2);
    shopusa_price_box(
        page,
        price,
        &format!(
            "${} <small class=\"tax\">Tax: ${}</small>",
            grouped(price),
            grouped(tax)
        ),
    )
}

/// shopusa's item page whose price box holds the price of each variant, all but the
/// listing's hidden: a travel size at six tenths of the price
/// ([`super::Fault::HiddenVariantPrice`]).
pub(super) fn with_hidden_variant_price(page: &str, price: Decimal) -> String {
    let travel = (price * Decimal::new(6, 1)).round_dp(2);
    shopusa_price_box(
        page,
        price,
        &format!(
            "<span class=\"variant-price hidden\" data-variant=\"1\">${}</span>\
             <span class=\"variant-price\" data-variant=\"2\">${}</span>",
            grouped(travel),
            grouped(price)
        ),
    )
}

/// shopusa's item page selling the listing only three at a time
/// ([`super::Fault::MultiBuy`]): the price box shows "3 for $X", the JSON-LD
/// offer's price is the same X, three times `price`.
pub(super) fn as_multi_buy(page: &str, price: Decimal) -> String {
    let three = price * Decimal::from(3);
    let page = page.replacen(
        &format!("\"price\":\"{price:.2}\""),
        &format!("\"price\":\"{three:.2}\""),
        1,
    );
    shopusa_price_box(&page, price, &format!("3 for ${}", grouped(three)))
}

/// shopusa's item page whose price element also holds its product form's data as a
/// script, the subscribe-and-save price (seven tenths of the price) in it
/// ([`super::Fault::ScriptInPriceBox`]).
pub(super) fn with_script_in_price_box(page: &str, price: Decimal) -> String {
    let plan = (price * Decimal::new(7, 1)).round_dp(2);
    shopusa_price_box(
        page,
        price,
        &format!(
            "${}<script type=\"application/json\" data-selling-plans>\
             {{\"selling_plan\":\"Subscribe & save\",\"price\":\"${}\"}}</script>",
            grouped(price),
            grouped(plan)
        ),
    )
}

/// shopusa's item page with `inner` in its buy box's price element, where the page
/// showed `price`.
fn shopusa_price_box(page: &str, price: Decimal, inner: &str) -> String {
    let open = "<div class=\"buybox\"><span class=\"price\">";
    page.replacen(
        &format!("{open}${}</span>", grouped(price)),
        &format!("{open}{inner}</span>"),
        1,
    )
}

/// bidbay's item page of a listing sold by auction ([`super::Fault::Auction`]).
pub(super) fn as_auction(page: &str) -> String {
    page.replacen(
        "<span class=\"format\">Buy It Now</span>",
        "<span class=\"format\">Auction</span>",
        1,
    )
}

#[cfg(test)]
mod redesign_tests {
    #[test]
    fn classes_naming_the_word_get_a_prefix() {
        assert_eq!(
            super::redesigned(
                r#"<span class="price-now">1</span><h1 class="title">t</h1><em class="a coupon-price">"#,
                "price"
            ),
            r#"<span class="v2-price-now">1</span><h1 class="title">t</h1><em class="v2-a coupon-price">"#
        );
    }
}

/// tmart's item page (GBK-encoded by `encode`): price, coupon price, attributes, shop.
fn tmart_item(l: &DemoListing, seller: &DemoSeller, f: &Furniture) -> String {
    let coupon = l
        .coupon
        .map(|c| {
            format!(
                "<div class=\"tb-coupon\">券后价 <em class=\"coupon-price\">¥{}</em></div>",
                grouped(c)
            )
        })
        .unwrap_or_default();
    format!(
        "<html><head><meta charset=\"gbk\"><title>{t}-淘集市</title>{fh}</head><body>{ft}\
         <div class=\"tb-detail\"><h1 class=\"tb-title\">{t}</h1>\
         <div class=\"tb-price\">价格 <span class=\"price-now\">¥{p}</span></div>{coupon}\
         <ul class=\"attrs\"><li class=\"attr-brand\">品牌: {b}</li>{g}</ul></div>\
         <div class=\"shop-info\">店铺: <a class=\"shop-name\" href=\"/shop/{sid}\" data-shop-id=\"{sid}\">{s}</a></div>\
         {fb}</body></html>",
        fh = f.head,
        ft = f.top,
        fb = f.bottom,
        t = esc(&l.title),
        p = grouped(l.price),
        b = esc(l.brand),
        g = l
            .gtin
            .map(|g| format!("<li class=\"attr-barcode\">条形码: {g}</li>"))
            .unwrap_or_default(),
        sid = attr(&seller.id),
        s = esc(&seller.name),
    )
}

/// bidbay's item page: Open Graph and microdata, shipping shown beside the price.
fn bidbay_item(l: &DemoListing, seller: &DemoSeller, f: &Furniture) -> String {
    let ship = l
        .shipping
        .map(|s| {
            format!(
                "<span class=\"shipping\">+US ${} shipping</span>",
                grouped(s)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{t} | bidbay</title>\
         <meta property=\"og:type\" content=\"product\"><meta property=\"og:title\" content=\"{ta}\">\
         <meta property=\"product:price:amount\" content=\"{pa}\"><meta property=\"product:price:currency\" content=\"USD\">\
         {fh}</head><body>{ft}<div itemscope itemtype=\"https://schema.org/Product\">\
         <h1 class=\"x-item-title\" itemprop=\"name\">{t}</h1><meta itemprop=\"brand\" content=\"{b}\">{g}{m}\
         <div class=\"x-buybox\" itemprop=\"offers\" itemscope itemtype=\"https://schema.org/Offer\">\
         <span class=\"format\">Buy It Now</span> <span class=\"x-price\" itemprop=\"price\" content=\"{pa}\">US ${p}</span>\
         <meta itemprop=\"priceCurrency\" content=\"USD\"> {ship}\
         <div class=\"x-seller\" itemprop=\"seller\" itemscope itemtype=\"https://schema.org/Organization\">\
         Seller: <a class=\"seller-link\" href=\"/usr/{sid}\"><span itemprop=\"name\">{s}</span></a></div></div></div>\
         <a href=\"/bid/{id}\">Place bid</a>{fb}</body></html>",
        fh = f.head,
        ft = f.top,
        fb = f.bottom,
        t = esc(&l.title),
        ta = attr(&l.title),
        pa = format!("{:.2}", l.price),
        p = grouped(l.price),
        b = attr(l.brand),
        g = l
            .gtin
            .map(|g| format!("<meta itemprop=\"gtin13\" content=\"{g}\">"))
            .unwrap_or_default(),
        m = l
            .mpn
            .map(|m| format!("<meta itemprop=\"mpn\" content=\"{m}\">"))
            .unwrap_or_default(),
        sid = attr(&seller.id),
        s = esc(&seller.name),
        id = attr(&l.id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(Decimal::new(129900, 2)), "1,299.00");
        assert_eq!(grouped(Decimal::new(4999, 2)), "49.99");
        assert_eq!(grouped(Decimal::new(123456789, 2)), "1,234,567.89");
    }
}
