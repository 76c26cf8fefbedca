//! Which of the products a page's structured data describes is the page's own.
//!
//! Pages describe more than their own product: a mini-cart or a "recently viewed"
//! rail written in microdata before the main product, a "frequently bought
//! together" list of one item, a `@graph` that lists an accessory first, a list of
//! several products in one JSON-LD array. Taking the first product judged the
//! listing by another product's price and name (a listing of a 249.99 headphone
//! read as a 59.00 earbud, a false finding). So where the products disagree (on
//! their price or their GTINs), the page's own is the one the page names: by its
//! address (the product's `url` or `@id` is the page's, or its canonical or
//! `og:url`), else by its heading (the product's name is the page's `<h1>`,
//! `og:title` or `<title>`). Where the page names none of them, or names several
//! that disagree, its structured data is set aside and the adapter's selectors,
//! which read what the page shows, answer; the listing says so.
//!
//! OpenGraph tags describe the page itself, so they are never set aside here.
//!
//! Within the page's product, the page's own offer: a shop writes an offer per
//! variant, each at its own address, and the listing's address names the variant
//! it shows ([`keep_page_variant`]).

use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

use super::structured::{Offer, Product};

/// A product with the name of the syntax it was read from (`json-ld`, …).
pub(crate) type Sourced<'d> = (&'d str, &'d Product);

/// The products a page's fields are read from, in order of trust.
pub(crate) struct OwnProducts<'d> {
    pub products: Vec<Sourced<'d>>,
    /// Said beside the source of a field read from the chosen product.
    pub note: Option<String>,
    /// Why the structured data's products were set aside, when they were.
    pub set_aside: Option<String>,
}

/// How strongly the page names a product (higher is stronger; 0 not at all).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    Not,
    InHeading,
    AsHeading,
    SamePath,
    ByAddress,
}

impl Named {
    fn how(self) -> &'static str {
        match self {
            Named::ByAddress | Named::SamePath => "its address names this page",
            Named::AsHeading | Named::InHeading => "the page's heading names it",
            Named::Not => "",
        }
    }
}

/// The page's own products among `products` (see the module's documentation).
pub(crate) fn own_products<'d>(
    products: Vec<Sourced<'d>>,
    doc: &Html,
    page_url: &Url,
) -> OwnProducts<'d> {
    let described: Vec<usize> = (0..products.len())
        .filter(|&i| products[i].0 != "opengraph")
        .collect();
    let disagreeing = described.len() > 1
        && described.iter().any(|&i| {
            described
                .iter()
                .any(|&j| disagree(products[i].1, products[j].1))
        });
    // A product whose address is another page of this site (a mini-cart's or a
    // rail's item, the only one the page describes) is as doubtful.
    let elsewhere = described
        .iter()
        .find_map(|&i| another_page(products[i].1, page_url));
    // A product read from a list of one item is the page's own only where the
    // page names it: a "frequently bought together" rail is written so too (a
    // page showing a 249.99 headphone was read as the 12.00 earbud its rail listed).
    let listed = described.iter().any(|&i| products[i].1.listed);
    if !disagreeing && elsewhere.is_none() && !listed {
        return OwnProducts {
            products,
            note: None,
            set_aside: None,
        };
    }
    let page = PageNames::of(doc, page_url);
    let named: Vec<Named> = described
        .iter()
        .map(|&i| page.names(products[i].1))
        .collect();
    let best = named.iter().copied().max().unwrap_or(Named::Not);
    let chosen: Vec<usize> = described
        .iter()
        .zip(&named)
        .filter(|(_, n)| **n == best)
        .map(|(&i, _)| i)
        .collect();
    // Products the page names alike are one where they agree, or where they bear
    // one name: the same product described twice (JSON-LD and a stale microdata
    // template), read in order of trust as before.
    let one = chosen.iter().all(|&i| {
        chosen.iter().all(|&j| {
            let (a, b) = (products[i].1, products[j].1);
            !disagree(a, b) || a.name.as_deref().map(normal) == b.name.as_deref().map(normal)
        })
    });
    if best == Named::Not || !one {
        let why = match (disagreeing, elsewhere) {
            (false, Some(other)) => format!("whose address is another page ({other})"),
            (false, None) => {
                "listed as one item of a list (a rail's, or the page's own)".to_string()
            }
            _ => "that disagree".to_string(),
        };
        return set_aside(products, &described, &why, best, page_url);
    }
    keep_own(products, &chosen, &described, best)
}

/// The page's own products (`chosen`, the first the one read), then every other
/// that agrees with it, and a note naming what was left out.
fn keep_own<'d>(
    products: Vec<Sourced<'d>>,
    chosen: &[usize],
    described: &[usize],
    best: Named,
) -> OwnProducts<'d> {
    let own = products[chosen[0]].1;
    let kept: Vec<Sourced<'d>> = chosen
        .iter()
        .map(|&i| products[i])
        .chain(
            products
                .iter()
                .enumerate()
                .filter(|(i, (src, p))| {
                    !chosen.contains(i) && (*src == "opengraph" || !disagree(own, p))
                })
                .map(|(_, sp)| *sp),
        )
        .collect();
    let left: Vec<usize> = described
        .iter()
        .copied()
        .filter(|i| !kept.iter().any(|k| std::ptr::eq(k.1, products[*i].1)))
        .collect();
    OwnProducts {
        note: (!left.is_empty()).then(|| {
            format!(
                "the page's own of {} products in its structured data: {}; left out: {}",
                described.len(),
                best.how(),
                summary(&left, &products),
            )
        }),
        products: kept,
        set_aside: None,
    }
}

/// Only the OpenGraph product of `products`, and why the others were set aside:
/// they are `which` (disagree, or one is another page's) and the page names none
/// of them, or several (`best`).
fn set_aside<'d>(
    products: Vec<Sourced<'d>>,
    described: &[usize],
    which: &str,
    best: Named,
    page_url: &Url,
) -> OwnProducts<'d> {
    let why = format!(
        "the page's structured data describes {} {} {which} ({}) and the page names {} by \
         its address or heading: set aside",
        described.len(),
        if described.len() == 1 {
            "product"
        } else {
            "products"
        },
        summary(described, &products),
        match (best, described.len()) {
            (Named::Not, 1) => "it neither",
            (Named::Not, _) => "none of them",
            _ => "several of them",
        },
    );
    tracing::info!(url = %page_url, %why, "structured data set aside");
    OwnProducts {
        products: products
            .into_iter()
            .filter(|(src, _)| *src == "opengraph")
            .collect(),
        note: None,
        set_aside: Some(why),
    }
}

/// The products as a user can tell them apart: name and advertised price.
fn summary(described: &[usize], products: &[Sourced]) -> String {
    described
        .iter()
        .take(5)
        .map(|&i| {
            let p = products[i].1;
            let name = p.name.as_deref().unwrap_or("no name");
            let name: String = name.chars().take(60).collect();
            match p
                .advertised()
                .and_then(|(o, _)| Some((o.price.as_deref()?, o)))
            {
                Some((amount, o)) => format!(
                    "\"{name}\" at {} {}",
                    amount.trim(),
                    o.currency.as_deref().unwrap_or("")
                )
                .trim_end()
                .to_string(),
                None => format!("\"{name}\""),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The advertised amount and its currency as written.
fn price_of(p: &Product) -> Option<(rust_decimal::Decimal, String)> {
    let (offer, _) = p.advertised()?;
    let amount = rust_decimal::Decimal::from_str_exact(offer.price.as_deref()?.trim()).ok()?;
    Some((
        amount.normalize(),
        offer.currency.clone().unwrap_or_default(),
    ))
}

/// Do two products describe different things: different advertised prices, or
/// GTINs of which they share none?
fn disagree(a: &Product, b: &Product) -> bool {
    if let (Some(x), Some(y)) = (price_of(a), price_of(b))
        && x != y
    {
        return true;
    }
    let gtins = |p: &Product| -> Vec<String> {
        p.gtin
            .iter()
            .map(|g| {
                let digits: String = g.chars().filter(char::is_ascii_digit).collect();
                digits.trim_start_matches('0').to_string()
            })
            .filter(|g| !g.is_empty())
            .collect()
    };
    let (ga, gb) = (gtins(a), gtins(b));
    !ga.is_empty() && !gb.is_empty() && !ga.iter().any(|g| gb.contains(g))
}

/// What a page says about itself: its addresses and its headings.
struct PageNames {
    addresses: Vec<Url>,
    /// Lowercased, whitespace collapsed.
    headings: Vec<String>,
}

static CANONICAL: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse(r#"link[rel~="canonical" i][href], meta[property="og:url" i][content]"#)
        .expect("constant selector")
});
static HEADINGS: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse(r#"h1, title, meta[property="og:title" i][content]"#)
        .expect("constant selector")
});

impl PageNames {
    fn of(doc: &Html, page_url: &Url) -> PageNames {
        let mut addresses = vec![page_url.clone()];
        addresses.extend(other_addresses(doc, page_url));
        // An icon's `<svg><title>` ("Cart", a rail item's name) is no heading.
        let headings = doc
            .select(&HEADINGS)
            .filter(|e| e.value().name.ns == html5ever::ns!(html))
            .map(|e| match e.value().attr("content") {
                Some(c) => normal(c),
                None => normal(&e.text().collect::<String>()),
            })
            .filter(|h| !h.is_empty())
            .collect();
        PageNames {
            addresses,
            headings,
        }
    }

    fn names(&self, p: &Product) -> Named {
        let address = p
            .url
            .as_deref()
            .and_then(|u| self.addresses[0].join(u.trim()).ok());
        if let Some(u) = address {
            let same = |a: &Url, b: &Url, path_only: bool| {
                a.host_str() == b.host_str()
                    && same_path(a, b)
                    && (path_only || a.query() == b.query())
            };
            if self.addresses.iter().any(|a| same(a, &u, false)) {
                return Named::ByAddress;
            }
            if self.addresses.iter().any(|a| same(a, &u, true)) {
                return Named::SamePath;
            }
        }
        let Some(name) = p.name.as_deref().map(normal).filter(|n| !n.is_empty()) else {
            return Named::Not;
        };
        if self.headings.contains(&name) {
            Named::AsHeading
        } else if self.headings.iter().any(|h| contains_words(h, &name)) {
            Named::InHeading
        } else {
            Named::Not
        }
    }
}

/// The address of `p` where it is another page of the site `page_url` is on
/// (the same host, `www.` aside; another path).
fn another_page(p: &Product, page_url: &Url) -> Option<String> {
    let u = page_url.join(p.url.as_deref()?.trim()).ok()?;
    (site(&u) == site(page_url) && !same_path(&u, page_url)).then(|| u.to_string())
}

/// A page's host, `www.` aside.
fn site(u: &Url) -> Option<&str> {
    u.host_str().map(|h| h.trim_start_matches("www."))
}

/// Narrows `p`'s offers to the variant the page's address names.
///
/// Shops write an offer per variant, each at its own address (Shopify's themes:
/// `/products/x?variant=2`; a ProductGroup's variants as Google asks them written),
/// and a listing's address names the variant it shows. Taken as the lowest of the
/// seller's offers, the price was another variant's (a travel size at six tenths of
/// the price: a floor finding on a price the listing never showed). An offer's
/// address names the page when it is on the page's host and path and every pair of
/// its query is in the page's; of several, those naming most pairs. The offers are
/// narrowed only where their addresses tell them apart (a priced offer's address
/// does not name the page) and one names it; otherwise they stay as they were, the
/// lowest taken and said to be chosen among them. A page reached by another path
/// than its offers' (Shopify's `/collections/all/products/x?variant=2`) names them
/// by its canonical address's path and its own query; `others` gives the page's
/// other addresses (canonical, `og:url`), asked only then.
pub(crate) fn keep_page_variant(p: &mut Product, page_url: &Url, others: &dyn Fn() -> Vec<Url>) {
    if !p.offers.iter().any(|o| o.url.is_some()) {
        return;
    }
    let names_at = |at: &Url| -> Vec<Option<usize>> {
        p.offers
            .iter()
            .map(|o| names_page(o, at, page_url))
            .collect()
    };
    let mut names = names_at(page_url);
    if names.iter().all(Option::is_none)
        && let Some(found) = others()
            .iter()
            .map(names_at)
            .find(|n| n.iter().any(Option::is_some))
    {
        names = found;
    }
    let Some(best) = names.iter().flatten().max().copied() else {
        return;
    };
    let apart = p
        .offers
        .iter()
        .zip(&names)
        .any(|(o, n)| o.price.is_some() && o.url.is_some() && *n != Some(best));
    if !apart {
        return;
    }
    let before = p.offers.len();
    let mut names = names.into_iter();
    p.offers.retain(|_| names.next().flatten() == Some(best));
    let left = before - p.offers.len();
    // The variant's GTINs are what the listing sells (a size of its own, with a
    // floor of its own), where its offers name one set of them.
    let gtins = &p.offers[0].gtin;
    if !gtins.is_empty() && p.offers.iter().all(|o| o.gtin == *gtins) {
        p.gtin.clone_from(gtins);
    }
    // So is the variant's name, where its offers give one (a ProductGroup's
    // variant: "Acme X1 Headphones - Replacement Ear Pads"; an offer's option,
    // "Replacement Ear Pads", after the product's name): the product's name
    // alone made the ear pads' page the headphones' at 19.99, below their floor.
    let name = p.offer_name(&p.offers[0]);
    if name.is_some() && p.offers.iter().all(|o| p.offer_name(o) == name) {
        p.name = name;
    }
    let address = p.offers[0].url.as_deref().unwrap_or_default().trim();
    p.variant = Some(format!(
        "the offer at the page's address ({address}); {left} other offer{} of the product \
         left out",
        if left == 1 { "" } else { "s" }
    ));
}

/// How many query pairs `o`'s address shares with the page's, where it names the
/// page at its address `at` (the page's own, or its canonical one): `at`'s host and
/// path, and every pair of its query in the page's or `at`'s (see
/// [`keep_page_variant`]).
fn names_page(o: &Offer, at: &Url, page_url: &Url) -> Option<usize> {
    let u = page_url.join(o.url.as_deref()?.trim()).ok()?;
    if site(&u) != site(at) || !same_path(&u, at) {
        return None;
    }
    let page: Vec<_> = page_url.query_pairs().chain(at.query_pairs()).collect();
    let mut shared = 0;
    for pair in u.query_pairs() {
        if !page.contains(&pair) {
            return None;
        }
        shared += 1;
    }
    Some(shared)
}

/// The page's other addresses: its canonical link and `og:url`.
pub(crate) fn other_addresses(doc: &Html, page_url: &Url) -> Vec<Url> {
    doc.select(&CANONICAL)
        .filter_map(|e| {
            let v = e.value();
            v.attr("href")
                .or_else(|| v.attr("content"))
                .and_then(|h| page_url.join(h.trim()).ok())
        })
        .collect()
}

/// One path, a trailing `/` aside (`/p/x/` is WordPress's way of writing `/p/x`).
fn same_path(a: &Url, b: &Url) -> bool {
    a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
}

fn normal(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Does `heading` hold `name` as whole words (a `<title>` of "Acme X1 | Shop"
/// names "Acme X1"), `name` being at least two words?
fn contains_words(heading: &str, name: &str) -> bool {
    name.contains(' ')
        && heading.match_indices(name).any(|(i, _)| {
            let before = heading[..i].chars().next_back();
            let after = heading[i + name.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::structured::read_all;

    fn own(html: &str, url: &str) -> (Vec<Option<String>>, Option<String>, Option<String>) {
        let doc = Html::parse_document(html);
        let sd = read_all(&doc);
        let products: Vec<Sourced> = sd
            .json_ld
            .iter()
            .map(|p| ("json-ld", p))
            .chain(sd.microdata.iter().map(|p| ("microdata", p)))
            .chain(sd.open_graph.iter().map(|p| ("opengraph", p)))
            .collect();
        let o = own_products(products, &doc, &Url::parse(url).expect("test url"));
        (
            o.products.iter().map(|(_, p)| p.name.clone()).collect(),
            o.note,
            o.set_aside,
        )
    }

    const X1: &str = "Acme X1 Wireless Headphones";

    /// The price read from the first product of `html` at `url`, with its note.
    fn variant_price(html: &str, url: &str) -> (Option<String>, Option<String>) {
        let mut sd = read_all(&Html::parse_document(html));
        let p = sd
            .json_ld
            .iter_mut()
            .chain(&mut sd.microdata)
            .next()
            .expect("a product");
        let doc = Html::parse_document(html);
        let url = Url::parse(url).expect("test url");
        keep_page_variant(p, &url, &|| other_addresses(&doc, &url));
        let (offer, note) = p.advertised().expect("an offer");
        (offer.price.clone(), note)
    }

    /// Offers at two addresses; the second `second`.
    fn two_variants(first: &str, second: &str) -> String {
        format!(
            r#"<script type="application/ld+json">{{"@type":"Product","name":"{X1}","offers":[
            {{"@type":"Offer","price":"149.99","priceCurrency":"USD","url":"{first}"}},
            {{"@type":"Offer","price":"249.99","priceCurrency":"USD","url":"{second}"}}]}}</script>"#
        )
    }

    #[test]
    fn the_offer_at_the_page_s_address_is_its_price() {
        let page = "https://www.shop.example/products/x1?variant=2&utm_source=mail";
        // Relative, absolute, without `www.`: the page's variant.
        for (a, b) in [
            ("/products/x1?variant=1", "/products/x1?variant=2"),
            (
                "https://shop.example/products/x1?variant=1",
                "https://shop.example/products/x1/?variant=2",
            ),
            // The product's own address beside the variant's: the variant's names more.
            ("/products/x1", "/products/x1?variant=2"),
        ] {
            let (price, note) = variant_price(&two_variants(a, b), page);
            assert_eq!(price.as_deref(), Some("249.99"), "{a} {b}");
            let note = note.unwrap_or_default();
            assert!(
                note.starts_with("the offer at the page's address (")
                    && note.ends_with("1 other offer of the product left out"),
                "{note}"
            );
        }
        // A ProductGroup's variants carry their address, in another order of pairs.
        let group = r#"<script type="application/ld+json">{"@type":"ProductGroup","name":"Coat","hasVariant":[
            {"@type":"Product","url":"/coat?size=small&color=green","offers":{"@type":"Offer","price":"39.99","priceCurrency":"USD"}},
            {"@type":"Product","url":"/coat?size=large&color=green","offers":{"@type":"Offer","price":"49.99","priceCurrency":"USD"}}]}</script>"#;
        let (price, _) = variant_price(group, "https://shop.example/coat?color=green&size=large");
        assert_eq!(price.as_deref(), Some("49.99"));
        // Microdata offers with their `url`.
        let micro = format!(
            r#"<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">{X1}</h1>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><link itemprop="url" href="/p/1?sku=a">
              <meta itemprop="price" content="149.99"><meta itemprop="priceCurrency" content="USD"></div>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><link itemprop="url" href="/p/1?sku=b">
              <meta itemprop="price" content="249.99"><meta itemprop="priceCurrency" content="USD"></div></div>"#
        );
        let (price, _) = variant_price(&micro, "https://shop.example/p/1?sku=b");
        assert_eq!(price.as_deref(), Some("249.99"));
        // Reached by a collection's path: its canonical address names the offers.
        let canonical = format!(
            r#"<link rel="canonical" href="https://shop.example/products/x1">{}"#,
            two_variants("/products/x1?variant=1", "/products/x1?variant=2")
        );
        let (price, note) = variant_price(
            &canonical,
            "https://shop.example/collections/all/products/x1?variant=2",
        );
        assert_eq!(price.as_deref(), Some("249.99"), "{note:?}");
    }

    #[test]
    fn the_variant_the_page_s_address_names_gives_its_gtin() {
        // As Shopify's `structured_data` writes a product: a ProductGroup whose
        // variants carry their GTIN and their address in `@id`.
        let html = r#"<script type="application/ld+json">{"@type":"ProductGroup","@id":"/products/x1#product",
            "name":"Acme X1","hasVariant":[
            {"@id":"/products/x1?variant=11#variant","@type":"Product","gtin":"0012345678912",
             "offers":{"@type":"Offer","price":"149.99","priceCurrency":"USD"}},
            {"@id":"/products/x1?variant=12#variant","@type":"Product","gtin":"0012345678905",
             "offers":{"@type":"Offer","price":"249.99","priceCurrency":"USD"}}]}</script>"#;
        let gtin_at = |url: &str| {
            let mut sd = read_all(&Html::parse_document(html));
            let p = &mut sd.json_ld[0];
            keep_page_variant(p, &Url::parse(url).expect("test url"), &Vec::new);
            (
                p.gtin.clone(),
                p.advertised().and_then(|(o, _)| o.price.clone()),
            )
        };
        assert_eq!(
            gtin_at("https://shop.example/products/x1?variant=12"),
            (
                vec!["0012345678905".to_string()],
                Some("249.99".to_string())
            )
        );
        // No variant named: no GTIN (the group's variants are several products).
        assert_eq!(
            gtin_at("https://shop.example/products/x1"),
            (vec![], Some("149.99".to_string()))
        );
    }

    #[test]
    fn offers_whose_addresses_do_not_name_one_variant_stay_a_choice() {
        let lowest = |html: &str, page: &str| {
            let (price, note) = variant_price(html, page);
            assert_eq!(price.as_deref(), Some("149.99"), "{page}");
            assert_eq!(note.as_deref(), Some("lowest of 2 offers"), "{page}");
        };
        let variants = two_variants("/products/x1?variant=1", "/products/x1?variant=2");
        // The page's address names no variant, another variant, or is another page.
        lowest(&variants, "https://shop.example/products/x1");
        lowest(&variants, "https://shop.example/products/x1?variant=3");
        lowest(&variants, "https://shop.example/products/x2?variant=2");
        let absolute = two_variants(
            "https://shop.example/products/x1?variant=1",
            "https://shop.example/products/x1?variant=2",
        );
        lowest(&absolute, "https://other.example/products/x1?variant=2");
        // Both offers at the page's address: nothing tells them apart.
        let same = two_variants("/products/x1", "/products/x1");
        lowest(&same, "https://shop.example/products/x1");
    }

    fn ld(name: &str, price: &str, url: Option<&str>) -> String {
        let url = url.map(|u| format!(r#""url":"{u}","#)).unwrap_or_default();
        format!(
            r#"{{"@type":"Product",{url}"name":"{name}","offers":{{"@type":"Offer","price":"{price}","priceCurrency":"USD"}}}}"#
        )
    }

    #[test]
    fn a_rail_or_a_cart_before_the_page_s_product_is_not_the_page_s() {
        // A one-item list first ("frequently bought together"), the page's product
        // named by its heading.
        let html = format!(
            r#"<script type="application/ld+json">{{"@type":"ItemList","itemListElement":[{{"@type":"ListItem","item":{}}}]}}</script>
            <script type="application/ld+json">{}</script><h1>{X1}</h1>"#,
            ld("Acme S2 Earbuds", "59.00", None),
            ld(X1, "249.99", None)
        );
        let (names, note, aside) = own(&html, "https://shop.example/p/1");
        assert_eq!(names, [Some(X1.to_string())]);
        assert!(aside.is_none());
        let note = note.expect("a note");
        assert!(note.contains("heading") && note.contains("59"), "{note}");
        // A mini-cart in microdata before the main product.
        let html = format!(
            r#"<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Acme S2 Earbuds</span>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="59.00"><meta itemprop="priceCurrency" content="USD"></div></div>
            <main itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">{X1}</h1>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="249.99"><meta itemprop="priceCurrency" content="USD"></div></main>"#
        );
        let (names, _, _) = own(&html, "https://shop.example/p/1");
        assert_eq!(names, [Some(X1.to_string())]);
    }

    #[test]
    fn a_list_of_one_item_is_the_page_s_own_only_where_the_page_names_it() {
        let list = |name: &str, price: &str| {
            format!(
                r#"<script type="application/ld+json">{{"@type":"ItemList","itemListElement":[{{"@type":"ListItem","item":{}}}]}}</script>"#,
                ld(name, price, None)
            )
        };
        // "Frequently bought together", the page's own product in no structured
        // data: the page showed a 249.99 headphone and was read as a 12.00 earbud.
        let rail = format!("{}<h1>{X1}</h1>", list("Acme P3 Earbuds", "12.00"));
        let (names, _, aside) = own(&rail, "https://shop.example/p/1");
        assert_eq!(names, Vec::<Option<String>>::new());
        let aside = aside.expect("set aside");
        assert!(
            aside.contains("one item of a list") && aside.contains("12.00"),
            "{aside}"
        );
        // A shop wrapping its own product so: the heading names it.
        let wrapped = format!("{}<h1>{X1}</h1>", list(X1, "249.99"));
        let (names, _, aside) = own(&wrapped, "https://shop.example/p/1");
        assert_eq!(names, [Some(X1.to_string())]);
        assert_eq!(aside, None);
    }

    #[test]
    fn the_product_the_page_s_address_names_is_its_own() {
        let html = format!(
            r#"<script type="application/ld+json">[{}, {}]</script><title>Shop</title>"#,
            ld("Acme S2 Earbuds", "59.00", Some("/p/2")),
            ld(
                "Acme X1",
                "249.99",
                Some("https://shop.example/p/1#product")
            )
        );
        let (names, note, _) = own(&html, "https://shop.example/p/1");
        assert_eq!(names, [Some("Acme X1".to_string())]);
        assert!(note.expect("a note").contains("address"));
        // By the canonical link, the page reached with tracking parameters.
        let html = format!(
            r#"<link rel="canonical" href="https://shop.example/p/1"><script type="application/ld+json">[{}, {}]</script>"#,
            ld("Acme S2 Earbuds", "59.00", Some("/p/2")),
            ld("Acme X1", "249.99", Some("https://shop.example/p/1"))
        );
        let (names, _, _) = own(&html, "https://shop.example/p/1?utm_source=x");
        assert_eq!(names, [Some("Acme X1".to_string())]);
    }

    #[test]
    fn products_the_page_does_not_tell_apart_are_set_aside() {
        let html = format!(
            r#"<script type="application/ld+json">{{"@graph":[{}, {}]}}</script><h1>Audio deals</h1>
            <meta property="og:title" content="Audio deals">"#,
            ld("Acme X1 Case", "19.99", None),
            ld(X1, "249.99", None)
        );
        let (names, note, aside) = own(&html, "https://shop.example/p/1");
        // OpenGraph, the page's own description, stays.
        assert_eq!(names, [Some("Audio deals".to_string())]);
        assert!(note.is_none());
        let aside = aside.expect("set aside");
        assert!(
            aside.contains("19.99") && aside.contains("249.99") && aside.contains("none"),
            "{aside}"
        );
    }

    /// An icon's `<svg><title>` naming a rail's product (its button's label) does
    /// not make it the page's: before, it was the page's "heading".
    #[test]
    fn an_icon_s_title_is_no_heading() {
        let html = format!(
            r#"<script type="application/ld+json">[{}, {}]</script><h1>Audio deals</h1>
            <button><svg viewBox="0 0 8 8"><title>Acme S2 Earbuds</title><path d="M0 0h8v8H0z"/></svg></button>"#,
            ld("Acme S2 Earbuds", "59.00", None),
            ld(X1, "249.99", None)
        );
        let (_, note, aside) = own(&html, "https://shop.example/p/1");
        assert!(note.is_none(), "{note:?}");
        assert!(aside.expect("set aside").contains("none"));
    }

    #[test]
    fn one_product_described_twice_at_two_prices_is_read_in_order_of_trust() {
        // JSON-LD and a microdata template left at an old price: one product.
        let html = format!(
            r#"<script type="application/ld+json">{}</script>
            <div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">{X1}</h1>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="299.99"></div></div>"#,
            ld(X1, "249.99", None)
        );
        let (names, note, aside) = own(&html, "https://shop.example/p/1");
        assert_eq!(names[0].as_deref(), Some(X1));
        assert!(aside.is_none() && note.is_none(), "{aside:?} {note:?}");
    }

    #[test]
    fn a_lone_product_of_another_page_is_not_the_page_s() {
        // A mini-cart's item, the only product described, its address another page.
        let cart = r#"<div itemscope itemtype="https://schema.org/Product"><a itemprop="url" href="/p/2">
            <span itemprop="name">Acme S2 Earbuds</span></a>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="59.00"></div></div>"#;
        let (names, _, aside) = own(&format!("{cart}<h1>{X1}</h1>"), "https://shop.example/p/1");
        assert!(names.is_empty(), "{names:?}");
        let aside = aside.expect("set aside");
        assert!(
            aside.contains("another page (https://shop.example/p/2)"),
            "{aside}"
        );
        // Named by the canonical link or the heading, it is the page's; an address
        // on another host (a CDN, a partner) proves nothing.
        for (html, url) in [
            (
                format!(r#"<link rel="canonical" href="/p/2">{cart}"#),
                "https://shop.example/p/1?ref=x",
            ),
            (
                format!("{cart}<h1>Acme S2 Earbuds</h1>"),
                "https://shop.example/p/1",
            ),
            (
                cart.replace("/p/2", "https://partner.example/p/2"),
                "https://shop.example/p/1",
            ),
            (cart.replace("/p/2", "/p/1"), "https://shop.example/p/1"),
            (
                cart.replace("/p/2", "/p/1"),
                "https://www.shop.example/p/1/",
            ),
        ] {
            let (names, _, aside) = own(&html, url);
            assert_eq!(names, [Some("Acme S2 Earbuds".to_string())], "{html}");
            assert!(aside.is_none());
        }
    }

    #[test]
    fn products_that_agree_are_read_as_before() {
        // The same product twice (a theme's JSON-LD and a review app's), one
        // without a price: nothing to choose.
        let html = format!(
            r#"<script type="application/ld+json">{}</script><script type="application/ld+json">{{"@type":"Product","name":"X1 by Acme","gtin13":"0012345678905"}}</script>"#,
            ld(X1, "249.99", None)
        );
        let (names, note, aside) = own(&html, "https://shop.example/p/1");
        assert_eq!(
            names,
            [Some(X1.to_string()), Some("X1 by Acme".to_string())]
        );
        assert!(note.is_none() && aside.is_none());
    }

    #[test]
    fn a_short_name_inside_a_longer_heading_counts_only_as_whole_words() {
        assert!(contains_words(
            "acme x1 wireless headphones | shop",
            "acme x1"
        ));
        assert!(!contains_words("acme x10 wireless headphones", "acme x1"));
        assert!(!contains_words("acme x1 wireless headphones", "acme"));
    }
}
