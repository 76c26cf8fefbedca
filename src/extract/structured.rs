//! schema.org Product/Offer from JSON-LD and microdata, and OpenGraph product tags.
//!
//! These are what marketplaces publish for search engines, so they are more stable
//! than CSS: they are read first, selectors are the fallback.

use html5ever::local_name as ln;
use scraper::{ElementRef, Html};
use serde_json::Value;

/// A Product as found in structured data, values still as written.
#[derive(Debug, Default, Clone)]
pub struct Product {
    pub name: Option<String>,
    pub brand: Option<String>,
    pub gtin: Vec<String>,
    pub mpn: Option<String>,
    pub offers: Vec<Offer>,
    /// `itemCondition` written on the product (`https://schema.org/UsedCondition`,
    /// eBay's "Used"), or OpenGraph's `product:condition`.
    pub condition: Option<String>,
    /// The page the product is described on, as written (`url`, or a JSON-LD
    /// `@id`, or a microdata `itemid`): what tells the page's own product from
    /// others its structured data also describes (see `own.rs`).
    pub url: Option<String>,
    /// Set where the offers were narrowed to the variant the page's address
    /// names (`super::own::keep_page_variant`): said beside the price.
    pub variant: Option<String>,
    /// Read from a JSON-LD list of one item (`itemListElement`): some shops wrap
    /// the page's own product so, others write a "frequently bought together" rail
    /// so. `own.rs` takes it for the page's only where the page names it.
    pub listed: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Offer {
    /// `price`, or `lowPrice` of an AggregateOffer.
    pub price: Option<String>,
    /// `highPrice` of an AggregateOffer whose `lowPrice` is `price`: the offer is
    /// a range.
    pub high_price: Option<String>,
    /// The offer is an AggregateOffer's `lowPrice`: the lowest of several offers,
    /// whose sellers it does not say (schema.org's use: one product offered by
    /// several merchants; a shop's variants).
    pub aggregate: bool,
    pub currency: Option<String>,
    pub seller_name: Option<String>,
    pub seller_id: Option<String>,
    /// The offer's `itemCondition`.
    pub condition: Option<String>,
    /// The offer's `availability` as written (`https://schema.org/OutOfStock`).
    pub availability: Option<String>,
    /// `valueAddedTaxIncluded` of the offer or of the price specification its price
    /// was taken from: whether the price includes VAT, where the data says.
    pub vat_included: Option<bool>,
    /// Until when the price holds, as written: the price specification's
    /// `validThrough`, else the offer's `priceValidUntil` or `validThrough`
    /// (`2024-01-01`). A price the data says has ended is no price the page asks
    /// (Google shows no price whose `priceValidUntil` has passed).
    pub valid_until: Option<String>,
    /// From when the price holds, as written: the price specification's or the
    /// offer's `validFrom` (a sale scheduled ahead is not asked yet).
    pub valid_from: Option<String>,
    /// The least quantity the offer's price is for, where more than one item
    /// (`eligibleQuantity` `minValue` 10: a bulk tier).
    pub min_quantity: Option<u32>,
    /// Who alone may take the offer, where not every buyer: a non-end-user
    /// `eligibleCustomerType` as written, its last part (`Business`, `Reseller`,
    /// `PublicInstitution`; GoodRelations' values). A business price (often
    /// without VAT, lower) read as every buyer's made a below-floor finding on a
    /// price no consumer is shown.
    pub customers: Option<String>,
    /// The page the offer is made on, as written (an offer's `url`, or its
    /// variant's in a ProductGroup): a shop writes one per variant
    /// (`/products/x?variant=2`), and the page's own address names which it shows.
    pub url: Option<String>,
    /// The GTINs of what the offer sells, where written on the offer or on its
    /// variant in a ProductGroup: the product's once the page's address names the
    /// offer's variant (`super::own::keep_page_variant`).
    pub gtin: Vec<String>,
    /// What the offer sells as the data names it: the offer's `name`, else its
    /// variant's in a ProductGroup (Shopify writes "Acme X1 Headphones - Ear
    /// Pads"). Which of a seller's variants is the brand's product and which an
    /// accessory sold beside it, the brand's exclusion phrases decide
    /// ([`crate::extract::Listing::leave_out_variants`]).
    pub name: Option<String>,
    /// The offer has no price, yet its price specification holds one that is no
    /// price asked of every buyer now (a price per 2 units, a month's charge, a
    /// former or a member's price): "not in structured data" would be untrue.
    pub price_set_aside: bool,
}

/// How a [`Product::price_choice`] of an AggregateOffer's range begins: its low end
/// is the lowest of offers whose sellers the data does not name (schema.org's use:
/// one product offered by several merchants; a shop's variants), which a finding
/// on it says ([`super::choice_sentence`]).
pub const AGGREGATE_RANGE: &str = "the low end of an AggregateOffer's price range on the page";

impl Product {
    /// The offer a listing advertises, and a note when there was a choice.
    ///
    /// A page may carry several offers: the listing's own (its buy box, written first)
    /// and other sellers' offers of the same product, or one seller's offers per
    /// variant. The advertised price is the lowest offer of the listing's own seller
    /// (the first offer's seller; offers naming no seller count as the listing's own),
    /// in the first offer's currency. Never the lowest offer of anyone on the page: that
    /// would hold one seller to another's price.
    pub fn advertised(&self) -> Option<(&Offer, Option<String>)> {
        let OwnOffers {
            candidates,
            others,
            sold_out,
            restricted,
            first,
        } = self.own_offers()?;
        let best = candidates
            .iter()
            .copied()
            .filter(|o| o.amount().is_some())
            .min_by_key(|o| o.amount())
            .unwrap_or(first);
        let range = best
            .high_price
            .as_deref()
            .filter(|h| Some(h.trim()) != best.price.as_deref().map(str::trim))
            .map(|h| format!("lowPrice of an AggregateOffer up to {}", h.trim()));
        let choice = match (candidates.len(), others, range) {
            (0 | 1, 0, range) => range,
            (n, 0, _) => Some(format!("lowest of {n} offers")),
            (n, o, _) => Some(format!(
                "lowest of {n} offers of the listing's seller; {o} offers of other sellers, \
                 currencies or conditions left out"
            )),
        };
        let sold_out = (sold_out > 0).then(|| {
            format!(
                "{sold_out} offer{} of the seller out of stock left out",
                if sold_out == 1 { "" } else { "s" }
            )
        });
        let tiers = (restricted != (0, 0)).then(|| {
            let offers = |n: usize| format!("{n} offer{}", if n == 1 { "" } else { "s" });
            match restricted {
                (q, 0) => format!("{} for a quantity of items left out", offers(q)),
                (0, b) => format!("{} for some customers only left out", offers(b)),
                (q, b) => format!(
                    "{} for a quantity of items and {} for some customers only left out",
                    offers(q),
                    offers(b)
                ),
            }
        });
        let notes: Vec<String> = [self.variant.clone(), choice, sold_out, tiers]
            .into_iter()
            .flatten()
            .collect();
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        // A seller written on another offer of the same seller counts for this one.
        Some((best, note))
    }

    /// Is every offer of the listing's seller out of stock, as the data says? Its
    /// price is still what the listing advertises, but no buyer can take it, which
    /// whoever files on it must know.
    pub fn sold_out(&self) -> bool {
        self.own_offers().is_some_and(|o| {
            !o.candidates.is_empty()
                && o.candidates
                    .iter()
                    .all(|c| Offer::sold_out(c.availability.as_deref()))
        })
    }

    /// When the advertised price is the lowest of several the listing's seller
    /// asks (an offer per variant, an AggregateOffer's range): what it was chosen
    /// from. A floor finding on such a price may concern another variant than the
    /// brand's product, which whoever files it must know.
    pub fn price_choice(&self) -> Option<String> {
        let candidates = self.own_offers()?.candidates;
        // Only offers for a quantity (`eligibleQuantity` `minValue` 10, a bulk tier
        // alone; beside one for a single item they are left out): a price only
        // buyers of as many pay, read before as the price every buyer is asked.
        if let Some(n) = (candidates.iter()).find_map(|o| o.min_quantity) {
            return Some(format!(
                "{} (\"for {n} or more items\", in its structured data)",
                super::ON_A_CONDITION
            ));
        }
        if let Some(who) = (candidates.iter()).find_map(|o| o.customers.as_deref()) {
            return Some(format!(
                "{} (\"eligibleCustomerType {who}\", in its structured data)",
                super::ON_A_CONDITION
            ));
        }
        if let Some(choice) = lowest_of(candidates.iter().filter_map(|o| o.amount())) {
            return Some(choice);
        }
        let (best, _) = self.advertised()?;
        let high = best.high_price.as_deref()?.trim();
        let low = best.price.as_deref()?.trim();
        (high != low).then(|| format!("{AGGREGATE_RANGE}, {low} to {high}"))
    }

    /// What offer `o` sells, named as a title would: its name where it holds the
    /// product's ("Acme X1 Headphones - Black", as Shopify names variants) or
    /// begins with the same word, else the product's name and its own
    /// ("Standard", "Replacement Ear Pads": an option's label says what it is only
    /// with the product's name before it).
    pub fn offer_name(&self, o: &Offer) -> Option<String> {
        let own = o.name.as_deref().map(str::trim).filter(|n| !n.is_empty())?;
        let Some(product) = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return Some(own.to_string());
        };
        let (own_folded, product_folded) = (crate::ident::fold(own), crate::ident::fold(product));
        // A name of its own begins as the product's does (with the brand: "Acme P3
        // Earbuds" among "Acme X1 Headphones"' offers).
        let first = |s: &str| s.split(' ').next().map(str::to_string);
        if own_folded.contains(&product_folded) || first(&own_folded) == first(&product_folded) {
            Some(own.to_string())
        } else {
            Some(format!("{product} - {own}"))
        }
    }

    /// The offers the advertised price was chosen among (see
    /// [`Product::price_choice`]): the priced offers of the listing's seller, for
    /// sale, for one item, in the first offer's currency.
    pub fn chosen_among(&self) -> Vec<&Offer> {
        self.own_offers().map(|o| o.candidates).unwrap_or_default()
    }

    /// The priced offers of the listing's own seller (the first offer's seller;
    /// offers naming no seller count as its own) in the first offer's currency,
    /// how many other priced offers were left out, and the first priced offer.
    /// Offers out of stock beside ones for sale are left out: a variant sold out
    /// at less (a size gone at a clearance price) is not what the seller sells at,
    /// and a floor finding on it claimed an offer no buyer could take.
    ///
    /// An AggregateOffer's low price naming no seller beside an offer that is not
    /// one is not the listing's seller's: it summarises everyone's offers ("New (5)
    /// from $189.99" beside the buy box's $249.99), and counted as the seller's it
    /// held the seller to another's price.
    fn own_offers(&self) -> Option<OwnOffers<'_>> {
        let mut priced: Vec<&Offer> = self.offers.iter().filter(|o| o.price.is_some()).collect();
        // An offer at zero beside priced ones is a gift or a placeholder, never
        // the price: as the lowest it left the listing with no price at all.
        let zero = |o: &&Offer| o.amount().is_some_and(|a| a.is_zero());
        if priced.iter().any(|o| o.amount().is_some() && !zero(o)) {
            priced.retain(|o| !zero(o));
        }
        let first = *priced.first()?;
        let own = self
            .offers
            .iter()
            .map(OfferSeller::of)
            .find(OfferSeller::named);
        let currency = first.currency.as_deref();
        let single = priced.iter().any(|o| !o.aggregate);
        let candidates: Vec<&Offer> = priced
            .iter()
            .copied()
            .filter(|o| match OfferSeller::of(o) {
                s if !s.named() => !(o.aggregate && single),
                s => own.as_ref().is_some_and(|own| s.is(own)),
            })
            .filter(|o| o.currency.as_deref() == currency || o.currency.is_none())
            .collect();
        // A used or refurbished offer beside a new one of the same seller: the new
        // one is what the floor holds (a used one at 150.00 beside the new one at
        // 249.99 made the listing "used", and a new one under the floor unchecked).
        let held = |o: &&Offer| {
            super::Condition::held_to_a_floor(o.condition.as_deref().or(self.condition.as_deref()))
        };
        let candidates = if candidates.iter().any(held) {
            candidates.into_iter().filter(held).collect()
        } else {
            candidates
        };
        let own = candidates.len();
        // A price for a quantity (`eligibleQuantity` of 10 or more: a bulk tier)
        // beside one for a single item is not what one item sells at: as the lowest
        // it made a false below-floor finding.
        // So is one for business customers alone beside one for every buyer.
        let single = |o: &&Offer| o.min_quantity.is_none() && o.customers.is_none();
        // Of those left out, the ones for some customers only (the rest a quantity's).
        let business = if candidates.iter().any(single) {
            (candidates.iter())
                .filter(|o| o.min_quantity.is_none() && o.customers.is_some())
                .count()
        } else {
            0
        };
        let candidates: Vec<&Offer> = if candidates.iter().any(single) {
            candidates.into_iter().filter(single).collect()
        } else {
            candidates
        };
        let restricted = (own - candidates.len() - business, business);
        let for_sale = |o: &&Offer| !Offer::sold_out(o.availability.as_deref());
        let before = candidates.len();
        let candidates: Vec<&Offer> = if candidates.iter().any(for_sale) {
            candidates.into_iter().filter(for_sale).collect()
        } else {
            candidates
        };
        let sold_out = before - candidates.len();
        let others = priced.len() - own;
        Some(OwnOffers {
            candidates,
            others,
            sold_out,
            restricted,
            first,
        })
    }
}

/// "the lowest of 2 offers of the seller: 19.99, 249.99", where the seller's
/// offers ask more than one amount ([`Product::price_choice`]).
pub(crate) fn lowest_of(amounts: impl Iterator<Item = rust_decimal::Decimal>) -> Option<String> {
    let amounts: std::collections::BTreeSet<rust_decimal::Decimal> = amounts.collect();
    let list: Vec<String> = amounts.iter().map(ToString::to_string).collect();
    (list.len() > 1).then(|| {
        format!(
            "the lowest of {} offers of the seller: {}",
            list.len(),
            list.join(", ")
        )
    })
}

/// See [`Product::own_offers`].
struct OwnOffers<'p> {
    candidates: Vec<&'p Offer>,
    /// Other sellers', currencies' or conditions' priced offers left out.
    others: usize,
    /// The seller's offers out of stock left out beside ones for sale.
    sold_out: usize,
    /// The seller's offers for a quantity, and those for some customers only
    /// (business customers), left out beside ones for one item and every buyer.
    restricted: (usize, usize),
    first: &'p Offer,
}

/// An offer's seller as its id and name say, each with case and spacing aside.
struct OfferSeller {
    id: Option<String>,
    name: Option<String>,
}

impl OfferSeller {
    fn of(o: &Offer) -> OfferSeller {
        let norm = |s: &String| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        OfferSeller {
            id: o.seller_id.as_ref().map(norm),
            name: o.seller_name.as_ref().map(norm),
        }
    }

    fn named(&self) -> bool {
        self.id.is_some() || self.name.is_some()
    }

    /// One seller however its offers write it: by id where both give one (two
    /// ids are two sellers, whatever their names), else by name. "Good Seller"
    /// and "good  seller", or an offer giving the id and another only the name
    /// (templates differ between the buy box and the variants' offers), were two
    /// sellers, the second's lower offer left out as another seller's.
    fn is(&self, other: &OfferSeller) -> bool {
        match (self, other) {
            (OfferSeller { id: Some(a), .. }, OfferSeller { id: Some(b), .. }) => a == b,
            (OfferSeller { name: Some(a), .. }, OfferSeller { name: Some(b), .. }) => a == b,
            _ => false,
        }
    }
}

impl Offer {
    /// Does an `availability` say the offer cannot be bought now? schema.org's
    /// `OutOfStock`, `SoldOut` and `Discontinued`, however written
    /// (`http://schema.org/OutOfStock`, `outofstock`), and OpenGraph's `oos` and
    /// `out of stock`; `PreOrder`, `BackOrder` and the rest can be bought.
    pub fn sold_out(availability: Option<&str>) -> bool {
        availability.is_some_and(|a| {
            let a = a.trim();
            let word: String = a
                .rsplit('/')
                .next()
                .unwrap_or(a)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            ["outofstock", "soldout", "discontinued", "oos"].contains(&word.as_str())
        })
    }

    /// The price as an exact decimal, if it is one.
    pub(crate) fn amount(&self) -> Option<rust_decimal::Decimal> {
        self.price
            .as_deref()
            .and_then(|p| rust_decimal::Decimal::from_str_exact(p.trim()).ok())
    }
}

fn has_type(v: &Value, ty: &str) -> bool {
    match v.get("@type") {
        Some(Value::String(s)) => s.rsplit('/').next() == Some(ty),
        Some(Value::Array(a)) => a
            .iter()
            .any(|t| t.as_str().and_then(|s| s.rsplit('/').next()) == Some(ty)),
        _ => false,
    }
}

/// A JSON value as text: strings as they are, numbers as written (never via f64).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(text),
        Value::Object(_) => v
            .get("name")
            .and_then(text)
            .or_else(|| v.get("@value").and_then(text)),
        _ => None,
    }
}

/// A schema.org enumeration's value (`itemCondition`, `availability`,
/// `businessFunction`, `priceType`) as JSON-LD writes one: a string, or a node
/// naming it by `@id` (`{"@id": "https://schema.org/RefurbishedCondition"}`: read
/// as no condition, a refurbished item at 19.99 was held to a new one's floor,
/// below it and a suspected counterfeit). Only here: a seller's `{"@id": "#org"}`
/// names no one.
fn enumeration(v: &Value) -> Option<String> {
    match v {
        Value::Array(a) => a.iter().find_map(enumeration),
        Value::Object(_) => text(v).or_else(|| v.get("@id").and_then(text)),
        _ => text(v),
    }
}

/// A boolean as JSON-LD writes one: `false`, `"false"`, `"https://schema.org/False"`.
fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => {
            let s = s.trim();
            match s
                .rsplit('/')
                .next()
                .unwrap_or(s)
                .to_ascii_lowercase()
                .as_str()
            {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The page's JSON-LD nodes by `@id`, across every script: a Product's `seller`,
/// `brand`, `offers` or `manufacturer` may be a reference (`{"@id": "…#seller"}`)
/// to a node written elsewhere in the `@graph` or in another script.
#[derive(Default)]
struct Graph<'a> {
    nodes: std::collections::HashMap<String, &'a Value>,
}

impl<'a> Graph<'a> {
    fn of(values: &'a [Value]) -> Self {
        let mut g = Graph::default();
        for v in values {
            g.index(v, 0);
        }
        g
    }

    fn index(&mut self, v: &'a Value, depth: usize) {
        if depth > MAX_JSON_DEPTH {
            return;
        }
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.index(x, depth + 1)),
            Value::Object(map) => {
                // A node with more than its `@id` is a definition; a bare `@id` is a
                // reference to one.
                if let Some(id) = map.get("@id").and_then(Value::as_str)
                    && map.len() > 1
                {
                    self.nodes.entry(id.to_string()).or_insert(v);
                    self.nodes.entry(local_id(id).to_string()).or_insert(v);
                }
                map.values().for_each(|x| self.index(x, depth + 1));
            }
            _ => {}
        }
    }

    /// `v` itself, or the node it refers to when it is a bare `{"@id": …}`
    /// (matched as written, or by path and fragment when one side is relative).
    fn resolve(&self, v: &'a Value) -> &'a Value {
        match v.as_object() {
            Some(map) if map.len() == 1 => {
                let Some(id) = map.get("@id").and_then(Value::as_str) else {
                    return v;
                };
                self.nodes
                    .get(id)
                    .or_else(|| self.nodes.get(local_id(id)))
                    .copied()
                    .unwrap_or(v)
            }
            _ => v,
        }
    }
}

/// An `@id` without its scheme and host: `https://shop.example/v/x#s` → `/v/x#s`.
fn local_id(id: &str) -> &str {
    match id.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or(rest, |i| &rest[i..]),
        None => id,
    }
}

/// A seller's id from its node: `identifier`, else its profile `url`, else its
/// `@id` without the fragment (the profile page it names), never a fragment URL.
fn seller_id_of(node: &Value) -> Option<String> {
    node.get("identifier")
        .and_then(text)
        .or_else(|| node.get("url").and_then(text))
        .or_else(|| {
            node.get("@id")
                .and_then(Value::as_str)
                .map(|id| id.split('#').next().unwrap_or(id).trim().to_string())
                .filter(|id| !id.is_empty())
        })
}

/// Offers under `v`; `depth` bounds references that lead back to themselves (an
/// AggregateOffer whose `offers` is its own `@id`).
fn ld_offer(v: &Value, g: &Graph, depth: usize, out: &mut Vec<Offer>) {
    if depth > 8 {
        return;
    }
    let v = g.resolve(v);
    match v {
        Value::Array(a) => a.iter().for_each(|o| ld_offer(o, g, depth + 1, out)),
        Value::Object(_) => {
            // An AggregateOffer listing its offers: those offers, with their
            // sellers; its low price only where they give none.
            if has_type(v, "AggregateOffer")
                && let Some(inner) = v.get("offers")
            {
                let before = out.iter().filter(|o| o.price.is_some()).count();
                ld_offer(inner, g, depth + 1, out);
                if v.get("lowPrice").is_none()
                    || out.iter().filter(|o| o.price.is_some()).count() > before
                {
                    return;
                }
            }
            let high_price = v
                .get("price")
                .is_none()
                .then(|| v.get("highPrice").and_then(text))
                .flatten();
            let spec = v
                .get("priceSpecification")
                .and_then(|p| asked_now(g.resolve(p), g));
            let set_aside = spec.is_none()
                && (v.get("priceSpecification")).is_some_and(|p| any_price(g.resolve(p), g));
            let spec_price = spec.and_then(|p| p.get("price")).and_then(text);
            let price = v
                .get("price")
                .and_then(text)
                .filter(|p| !placeholder(p, spec_price.as_deref()))
                .or_else(|| v.get("lowPrice").and_then(text))
                .or_else(|| spec_price.clone())
                .filter(|_| sells(v.get("businessFunction").and_then(enumeration)));
            let currency = v
                .get("priceCurrency")
                .and_then(text)
                .or_else(|| spec.and_then(|p| p.get("priceCurrency")).and_then(text));
            // What the price specification the price came from says, else the offer.
            let of_spec = |spec_key: &str, offer_keys: &[&str]| {
                spec.and_then(|p| p.get(spec_key))
                    .or_else(|| offer_keys.iter().find_map(|k| v.get(*k)))
            };
            let (seller_name, seller_id) = ld_seller(v, g);
            out.push(Offer {
                aggregate: v.get("price").is_none() && v.get("lowPrice").is_some(),
                price,
                high_price,
                currency,
                seller_name,
                seller_id,
                condition: v.get("itemCondition").and_then(enumeration),
                availability: v.get("availability").and_then(enumeration),
                vat_included: of_spec("valueAddedTaxIncluded", &["valueAddedTaxIncluded"])
                    .and_then(boolean),
                valid_until: of_spec("validThrough", &["priceValidUntil", "validThrough"])
                    .and_then(text),
                valid_from: of_spec("validFrom", &["validFrom"]).and_then(text),
                min_quantity: min_quantity(v.get("eligibleQuantity").map(|q| g.resolve(q))),
                customers: customers(v.get("eligibleCustomerType").and_then(enumeration)),
                url: v.get("url").and_then(text),
                gtin: ld_gtins(v),
                name: v.get("name").and_then(text),
                price_set_aside: set_aside
                    && v.get("price").is_none()
                    && v.get("lowPrice").is_none(),
            });
        }
        _ => {}
    }
}

/// Does the offer sell the item? Its `businessFunction` may say it is a rental
/// (`LeaseOut`), a repair or another service (GoodRelations' functions, as
/// schema.org names them: `http://purl.org/goodrelations/v1#LeaseOut`). Read as the
/// price, a month's rent was a sale far under the floor. Without one, it sells.
fn sells(business_function: Option<String>) -> bool {
    business_function.is_none_or(|f| {
        let f = f.trim().trim_end_matches('/');
        let name = f.rsplit(['#', '/']).next().unwrap_or(f);
        name.eq_ignore_ascii_case("sell")
    })
}

/// Is an offer's `price` of zero a template's placeholder, its price specification
/// giving one (`"price": "0"` beside `priceSpecification.price` 249.99)? Read, the
/// page "held no plausible price" and the floor went unchecked.
fn placeholder(price: &str, spec_price: Option<&str>) -> bool {
    spec_price.is_some()
        && rust_decimal::Decimal::from_str_exact(price.trim()).is_ok_and(|d| d.is_zero())
}

/// Who alone may take an offer, from its `eligibleCustomerType`
/// (`http://purl.org/goodrelations/v1#Business` is `Business`): `None` for an end
/// user (`Enduser`, every buyer) or none written.
fn customers(eligible: Option<String>) -> Option<String> {
    let e = eligible?;
    let e = e.trim().trim_end_matches('/');
    let name = e.rsplit(['#', '/']).next().unwrap_or(e).trim();
    let every_buyer = name.is_empty()
        || ["enduser", "endusercustomer", "consumer", "privatecustomer"]
            .contains(&name.to_ascii_lowercase().as_str());
    (!every_buyer).then(|| name.to_string())
}

/// An offer's seller (`seller`, else `offeredBy`): its name and id. A seller
/// written as a list of one (as some shops' templates do) is that seller: read as
/// none, the listing's seller was unknown.
fn ld_seller(v: &Value, g: &Graph) -> (Option<String>, Option<String>) {
    let seller = v
        .get("seller")
        .or_else(|| v.get("offeredBy"))
        .map(|s| match s {
            Value::Array(a) => a.first().unwrap_or(s),
            _ => s,
        })
        .map(|s| g.resolve(s));
    match seller {
        Some(Value::String(s)) => (Some(s.trim().to_string()), None),
        Some(s @ Value::Object(_)) => (s.get("name").and_then(text), seller_id_of(s)),
        _ => (None, None),
    }
}

/// The least quantity an `eligibleQuantity` (`{"minValue": 10}`, or an exact
/// `value`) asks for, where more than one item.
fn min_quantity(q: Option<&Value>) -> Option<u32> {
    let q = q?;
    let n = q
        .get("minValue")
        .or_else(|| q.get("value"))
        .and_then(text)?;
    let n: rust_decimal::Decimal = n.trim().parse().ok()?;
    if n <= rust_decimal::Decimal::ONE {
        return None;
    }
    // A quantity past any count (`1e30` written out) is still a quantity, not one item.
    Some(rust_decimal::prelude::ToPrimitive::to_u32(&n.ceil()).unwrap_or(u32::MAX))
}

/// Does a price specification (one, or a list) hold a price at all?
fn any_price(spec: &Value, g: &Graph) -> bool {
    match spec {
        Value::Array(a) => a.iter().any(|e| g.resolve(e).get("price").is_some()),
        e => e.get("price").is_some(),
    }
}

/// Of an offer's `priceSpecification` (one, or a list as Google's sale-price
/// example writes it: the sale price and a `StrikethroughPrice`), the entry that is
/// the price everyone is asked now. Not a former price (`priceType` `ListPrice`,
/// `StrikethroughPrice`, `SRP`, `MSRP`, `InvoicePrice`), a member's price
/// (`validForMemberTier`), a price per unit (`referenceQuantity` other than one
/// item: `4,36 € / 100 ml`), nor an instalment or a subscription's charge
/// (`billingDuration`, `billingIncrement`): each is lower or higher than the price
/// for reasons of its own, and read as the price it made the finding untrue (the
/// first entry of a list was read before only when the list was one object; a list
/// gave no price at all).
fn asked_now<'v>(spec: &'v Value, g: &Graph<'v>) -> Option<&'v Value> {
    let now = |e: &&Value| {
        let former = e.get("priceType").and_then(enumeration).is_some_and(|t| {
            let t = t.rsplit('/').next().unwrap_or(&t).to_ascii_lowercase();
            [
                "listprice",
                "strikethroughprice",
                "srp",
                "msrp",
                "invoiceprice",
                "minimumadvertisedprice",
            ]
            .contains(&t.as_str())
        });
        let per_unit = e.get("referenceQuantity").is_some_and(|q| {
            let q = g.resolve(q);
            let one = q.get("value").and_then(text).as_deref() == Some("1");
            let item = q
                .get("unitCode")
                .and_then(text)
                .is_none_or(|u| matches!(u.as_str(), "C62" | "H87" | "EA" | "XPP"));
            !(one && item)
        });
        let billed = e.get("billingDuration").is_some() || e.get("billingIncrement").is_some();
        let member = e.get("validForMemberTier").is_some();
        let tier = min_quantity(e.get("eligibleQuantity").map(|q| g.resolve(q))).is_some();
        // Shipping's or a payment method's charge, written as a specification of
        // the offer's price (GoodRelations' way): read, shipping was the price.
        let charge = e.get("@type").and_then(text).is_some_and(|t| {
            let t = t.rsplit('/').next().unwrap_or(&t).to_ascii_lowercase();
            matches!(
                t.as_str(),
                "deliverychargespecification" | "paymentchargespecification"
            )
        });
        e.get("price").is_some() && !former && !per_unit && !billed && !member && !tier && !charge
    };
    match spec {
        Value::Array(a) => a.iter().map(|e| g.resolve(e)).find(now),
        e @ Value::Object(_) => Some(e).filter(now),
        _ => None,
    }
}

fn ld_product(v: &Value, g: &Graph) -> Product {
    let brand = v
        .get("brand")
        .or_else(|| v.get("manufacturer"))
        .map(|b| g.resolve(b));
    let mut p = Product {
        name: v.get("name").and_then(text),
        brand: brand.and_then(text),
        mpn: v.get("mpn").and_then(text),
        condition: v.get("itemCondition").and_then(enumeration),
        url: v
            .get("url")
            .and_then(text)
            .or_else(|| v.get("@id").and_then(Value::as_str).map(str::to_string)),
        ..Product::default()
    };
    p.gtin = ld_gtins(v);
    if let Some(o) = v.get("offers") {
        ld_offer(o, g, 0, &mut p.offers);
    }
    p
}

/// schema.org's keys for a GTIN.
const GTIN_KEYS: [&str; 5] = ["gtin", "gtin8", "gtin12", "gtin13", "gtin14"];

/// The GTINs written on a JSON-LD node, under any of schema.org's keys.
fn ld_gtins(v: &Value) -> Vec<String> {
    GTIN_KEYS
        .iter()
        .filter_map(|key| v.get(*key).and_then(text))
        .collect()
}

/// A ProductGroup (a product sold in variants, as Google asks shops to write it):
/// one product, the group's, whose offers are its variants' offers. Read as
/// separate products, the first variant's price was the listing's price whichever
/// variant the page shows; as offers of one product the price is their lowest and
/// the listing says it was chosen among them ([`Product::price_choice`]), as for a
/// product that lists an offer per variant. The variants' GTINs are not the
/// group's: none is kept.
fn product_group(v: &Value, g: &Graph) -> Product {
    let mut p = ld_product(v, g);
    let variants = match v.get("hasVariant") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for variant in variants.into_iter().map(|x| g.resolve(x)) {
        if let Some(o) = variant.get("offers") {
            let from = p.offers.len();
            ld_offer(o, g, 0, &mut p.offers);
            // Google's example writes the variant's address and GTIN on the
            // variant (Shopify's its `@id`, `/products/x?variant=2#variant`).
            let url = variant.get("url").and_then(text).or_else(|| {
                variant
                    .get("@id")
                    .and_then(Value::as_str)
                    .and_then(|id| id.split('#').next())
                    .map(|id| id.trim().to_string())
                    .filter(|id| !id.is_empty())
            });
            let gtin = ld_gtins(variant);
            let name = variant.get("name").and_then(text);
            for offer in &mut p.offers[from..] {
                offer.url = offer.url.take().or_else(|| url.clone());
                offer.name = offer.name.take().or_else(|| name.clone());
                if offer.gtin.is_empty() {
                    offer.gtin.clone_from(&gtin);
                }
            }
        }
        if p.brand.is_none() {
            p.brand = ld_product(variant, g).brand;
        }
    }
    p
}

/// Properties whose products are not the page's: what a rail recommends
/// (`isRelatedTo`, `isSimilarTo`, accessories) and lists of several items
/// (`itemListElement`, "customers also viewed"). Taking a GTIN or price from one of
/// them would judge the listing by another product. A list of one item is how some
/// shops wrap the page's own product, so it is read.
fn names_other_products(key: &str, value: &Value) -> bool {
    match key {
        "isRelatedTo" | "isSimilarTo" | "isAccessoryOrSparePartFor" | "isConsumableFor" => true,
        "itemListElement" => value.as_array().is_some_and(|a| a.len() > 1),
        _ => false,
    }
}

fn walk(v: &Value, depth: usize, g: &Graph, out: &mut Vec<Product>) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| walk(x, depth + 1, g, out)),
        Value::Object(map) => {
            if has_type(v, "Product")
                || has_type(v, "IndividualProduct")
                || has_type(v, "ProductModel")
            {
                out.push(ld_product(v, g));
                return;
            }
            if has_type(v, "ProductGroup") {
                out.push(product_group(v, g));
                return;
            }
            // An Offer that names its product (`itemOffered`): the product, with
            // this offer among its offers.
            if has_type(v, "Offer")
                && let Some(item) = v.get("itemOffered").map(|i| g.resolve(i))
                && item.is_object()
            {
                let mut p = ld_product(item, g);
                ld_offer(v, g, 0, &mut p.offers);
                out.push(p);
                return;
            }
            for (k, x) in map {
                if k != "offers" && !names_other_products(k, x) {
                    let from = out.len();
                    walk(x, depth + 1, g, out);
                    if k == "itemListElement" {
                        out[from..].iter_mut().for_each(|p| p.listed = true);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Escapes raw control characters inside JSON strings (pages put literal newlines
/// there), so a JSON5 reader can take the text.
fn escape_controls(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_str, mut escaped) = (false, false);
    for c in raw.chars() {
        if in_str && !escaped && c.is_control() {
            out.push_str(&format!("\\u{:04x}", c as u32));
            continue;
        }
        match c {
            '\\' if in_str => escaped = !escaped,
            '"' if !escaped => {
                in_str = !in_str;
            }
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
        out.push(c);
    }
    out
}

/// Deepest nesting of JSON-LD read. serde_json stops at 128 levels on its own, but the
/// JSON5 reader recurses without a limit: 50,000 nested brackets (100 KB) overflowed
/// the stack and aborted the scan. Real JSON-LD nests a dozen levels.
const MAX_JSON_DEPTH: usize = 100;

/// How deep `raw` nests brackets outside strings, stopping as soon as it passes
/// `limit`: one linear pass, no recursion.
fn nesting_exceeds(raw: &str, limit: usize) -> bool {
    let (mut depth, mut in_str, mut escaped) = (0usize, None::<u8>, false);
    for &b in raw.as_bytes() {
        if let Some(q) = in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                _ if b == q => in_str = None,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' | b'\'' => in_str = Some(b),
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// JSON as pages write it: strict JSON first, then JSON5 (comments, trailing commas)
/// with raw control characters escaped. Too deeply nested scripts are not read at all
/// (counted as unreadable JSON-LD); size needs no limit of its own, both readers are
/// linear and the body cap bounds it.
fn lenient_json(raw: &str) -> Option<Value> {
    if nesting_exceeds(raw, MAX_JSON_DEPTH) {
        return None;
    }
    let raw = unwrapped(raw);
    let read = |raw: &str| {
        serde_json::from_str(raw)
            .ok()
            .or_else(|| json5::from_str(&escape_controls(raw)).ok())
    };
    // Some templates escape the script's JSON as HTML (`{&quot;@type&quot;: …`),
    // which a browser's script never decodes but the shop's search console reads.
    read(raw).or_else(|| {
        raw.contains('&')
            .then(|| read(&html_escape::decode_html_entities(raw)))
            .flatten()
    })
}

/// The script's JSON without the wrappers old templates put around script text
/// (`<!-- … -->`, `<![CDATA[ … ]]>`, `//<![CDATA[ … //]]>`): read as they are, the
/// product was "not in structured data".
fn unwrapped(raw: &str) -> &str {
    let mut t = raw.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("/*<![CDATA[*/", "/*]]>*/"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = t.strip_prefix(open) {
            t = inner.trim();
            t = t.strip_suffix(close).map_or(t, str::trim);
        }
    }
    t
}

/// Every JSON-LD script of the page read as JSON (leniently, as for products);
/// scripts that are not JSON are left out. For readers of other schema.org types
/// (a seller page's `Organization`).
pub fn json_ld_values(doc: &Html) -> Vec<Value> {
    let script = ln!("script");
    doc.root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| {
            e.value().name.local == script
                && e.value()
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .filter_map(|e| lenient_json(e.text().collect::<String>().trim()))
        .collect()
}

/// Whether a JSON-LD node has schema.org type `ty` (`"Organization"`).
pub fn is_type(v: &Value, ty: &str) -> bool {
    has_type(v, ty)
}

/// Products in every JSON-LD script of the page (`@graph`, arrays, nesting), and the
/// number of scripts that were not valid JSON.
pub fn json_ld(doc: &Html) -> (Vec<Product>, usize) {
    let s = read_all(doc);
    (s.json_ld, s.bad_json_ld)
}

fn json_ld_from(scripts: &[ElementRef]) -> (Vec<Product>, usize) {
    let mut values = Vec::new();
    let mut bad = 0;
    for script in scripts {
        let raw: String = script.text().collect();
        match lenient_json(raw.trim()) {
            Some(v) => values.push(v),
            None => bad += 1,
        }
    }
    let graph = Graph::of(&values);
    let mut out = Vec::new();
    for v in &values {
        walk(v, 0, &graph, &mut out);
    }
    (out, bad)
}

/// The two attribute vocabularies schema.org is written in inside HTML.
#[derive(Clone, Copy)]
enum Syntax {
    /// `itemscope itemtype=… itemprop=…`
    Microdata,
    /// RDFa Lite: `vocab=… typeof=… property=…`
    RdfaLite,
}

impl Syntax {
    fn prop_attr(self) -> &'static str {
        match self {
            Syntax::Microdata => "itemprop",
            Syntax::RdfaLite => "property",
        }
    }

    /// The attribute naming an item's global identifier (its page, for a product).
    fn id_attr(self) -> &'static str {
        match self {
            Syntax::Microdata => "itemid",
            Syntax::RdfaLite => "resource",
        }
    }

    /// Does `e` open a new item (whose properties are not its parent's)?
    fn is_scope(self, e: &ElementRef) -> bool {
        match self {
            Syntax::Microdata => e.value().attr("itemscope").is_some(),
            Syntax::RdfaLite => e.value().attr("typeof").is_some(),
        }
    }

    fn is_scope_of(self, e: &ElementRef, ty: &str) -> bool {
        let types = match self {
            Syntax::Microdata => e.value().attr("itemtype"),
            Syntax::RdfaLite => e.value().attr("typeof"),
        };
        self.is_scope(e)
            && types.is_some_and(|t| {
                t.split_whitespace()
                    .any(|t| t.rsplit(['/', ':']).next() == Some(ty))
            })
    }
}

/// `(property name, element)` pairs belonging to the item `scope`: descendants with a
/// property attribute, not looking inside nested items.
fn props<'a>(syntax: Syntax, scope: ElementRef<'a>) -> Vec<(String, ElementRef<'a>)> {
    let mut out = Vec::new();
    let mut stack: Vec<ElementRef<'a>> = referenced(syntax, scope);
    stack.extend(scope.children().filter_map(ElementRef::wrap).rev());
    while let Some(e) = stack.pop() {
        if let Some(names) = e.value().attr(syntax.prop_attr()) {
            for n in names.split_whitespace() {
                // RDFa may prefix: "schema:price".
                out.push((n.rsplit(':').next().unwrap_or(n).to_string(), e));
            }
        }
        if !syntax.is_scope(&e) {
            stack.extend(
                e.children()
                    .filter_map(ElementRef::wrap)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev(),
            );
        }
    }
    out
}

/// The elements a microdata item's `itemref` names by id (its properties written
/// elsewhere on the page, as in `<div itemscope itemtype=…/Product itemref="buy">`
/// and a price box `<div id="buy">` outside it), last first, for [`props`]'s stack.
/// Read as having no properties there, such a product had no price. An element
/// holding the item itself is left out (it would make the item its own property).
fn referenced<'a>(syntax: Syntax, scope: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    let Some(ids) = matches!(syntax, Syntax::Microdata)
        .then(|| scope.value().attr("itemref"))
        .flatten()
    else {
        return Vec::new();
    };
    let ids: Vec<&str> = ids.split_whitespace().take(16).collect();
    let mut found: Vec<ElementRef<'a>> = scope
        .tree()
        .root()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().id().is_some_and(|id| ids.contains(&id)))
        .filter(|e| *e != scope && !scope.ancestors().any(|a| a.id() == e.id()))
        .collect();
    found.reverse();
    found
}

fn prop_value(e: &ElementRef) -> Option<String> {
    value_of(e, |e| e.text().collect::<String>())
}

/// A price property's value: as [`prop_value`], but its text read as the price box
/// is read ([`super::current_text`]): without what it strikes through, and with
/// cents printed apart joined to the whole amount (`$249<sup>99</sup>` read
/// 24,999).
fn price_value(e: &ElementRef) -> Option<String> {
    value_of(e, |e| super::current_text(*e))
}

fn value_of(e: &ElementRef, text: impl Fn(&ElementRef) -> String) -> Option<String> {
    let v = e.value();
    let raw = v
        .attr("content")
        .or_else(|| match v.name() {
            "a" | "link" | "area" => v.attr("href"),
            "img" | "source" => v.attr("src"),
            "data" | "meter" => v.attr("value"),
            "time" => v.attr("datetime"),
            _ => None,
        })
        .map(str::to_string)
        .unwrap_or_else(|| text(e));
    let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn first(syntax: Syntax, props_: &[(String, ElementRef)], name: &str) -> Option<String> {
    props_.iter().find(|(n, _)| n == name).and_then(|(_, e)| {
        if syntax.is_scope(e) {
            // A nested Brand/Organization: its name.
            first(syntax, &props(syntax, *e), "name")
        } else if matches!(name, "price" | "lowPrice" | "highPrice") {
            price_value(e)
        } else {
            prop_value(e)
        }
    })
}

/// The offers of an `offers` item, and of the offers nested in it: eBay wraps the
/// priced Offer inside another Offer, an AggregateOffer lists its offers.
/// An offer's `itemCondition` holds for the offers nested in it (eBay writes the
/// condition on the outer one, `inherited` here, and the price on the inner).
/// An offer's `priceSpecification` scopes in microdata or RDFa, as the JSON-LD they
/// stand for, so that [`asked_now`] picks among them as among JSON-LD's: an offer
/// whose price sat only in such a scope (`<div itemprop="priceSpecification"
/// itemscope itemtype=".../UnitPriceSpecification"><meta itemprop="price" …>`)
/// gave no price.
fn micro_price_specs(syntax: Syntax, os: &[(String, ElementRef)]) -> Value {
    const KEYS: [&str; 9] = [
        "price",
        "priceCurrency",
        "priceType",
        "billingDuration",
        "billingIncrement",
        "validForMemberTier",
        "valueAddedTaxIncluded",
        "validThrough",
        "validFrom",
    ];
    let specs = os
        .iter()
        .filter(|(n, e)| n == "priceSpecification" && syntax.is_scope(e))
        .map(|(_, e)| {
            let ps = props(syntax, *e);
            let mut spec = serde_json::Map::new();
            for key in KEYS {
                // `priceType` is often written as a link (`<link itemprop="priceType"
                // href=".../StrikethroughPrice">`); `validForMemberTier` as a scope.
                let value = if key == "validForMemberTier" {
                    ps.iter().any(|(n, _)| n == key).then(|| key.to_string())
                } else {
                    first(syntax, &ps, key)
                };
                if let Some(v) = value {
                    spec.insert(key.into(), Value::String(v));
                }
            }
            if let Some((_, q)) = ps.iter().find(|(n, _)| n == "referenceQuantity") {
                let qs = props(syntax, *q);
                let mut quantity = serde_json::Map::new();
                for key in ["value", "unitCode"] {
                    if let Some(v) = first(syntax, &qs, key) {
                        quantity.insert(key.into(), Value::String(v));
                    }
                }
                spec.insert("referenceQuantity".into(), Value::Object(quantity));
            }
            Value::Object(spec)
        })
        .collect();
    Value::Array(specs)
}

fn micro_offers(
    syntax: Syntax,
    e: ElementRef,
    depth: usize,
    out: &mut Vec<Offer>,
    inherited: Option<&str>,
) {
    if depth > 8 {
        return;
    }
    let os = props(syntax, e);
    let seller = os.iter().find(|(n, _)| n == "seller");
    let (seller_name, seller_id) = match seller {
        Some((_, s)) if syntax.is_scope(s) => {
            let sp = props(syntax, *s);
            (first(syntax, &sp, "name"), first(syntax, &sp, "identifier"))
        }
        Some((_, s)) => (prop_value(s), None),
        None => (None, None),
    };
    let own_price = first(syntax, &os, "price");
    let high_price = own_price
        .is_none()
        .then(|| first(syntax, &os, "highPrice"))
        .flatten();
    let low_price = first(syntax, &os, "lowPrice");
    let specs = micro_price_specs(syntax, &os);
    let spec = asked_now(&specs, &Graph::default());
    let spec_text = |key: &str| spec.and_then(|p| p.get(key)).and_then(text);
    let price = own_price
        .clone()
        .filter(|p| !placeholder(p, spec_text("price").as_deref()))
        .or_else(|| low_price.clone())
        .or_else(|| spec_text("price"))
        .filter(|_| sells(first(syntax, &os, "businessFunction")));
    let condition = first(syntax, &os, "itemCondition").or_else(|| inherited.map(str::to_string));
    let set_aside = price.is_none() && spec.is_none() && any_price(&specs, &Graph::default());
    if price.is_some() || seller_name.is_some() || seller_id.is_some() || set_aside {
        out.push(Offer {
            aggregate: own_price.is_none() && low_price.is_some(),
            price,
            high_price,
            currency: first(syntax, &os, "priceCurrency").or_else(|| spec_text("priceCurrency")),
            seller_name,
            seller_id,
            condition: condition.clone(),
            availability: first(syntax, &os, "availability"),
            vat_included: spec_text("valueAddedTaxIncluded")
                .or_else(|| first(syntax, &os, "valueAddedTaxIncluded"))
                .and_then(|b| boolean(&Value::String(b))),
            valid_until: spec_text("validThrough")
                .or_else(|| first(syntax, &os, "priceValidUntil"))
                .or_else(|| first(syntax, &os, "validThrough")),
            valid_from: spec_text("validFrom").or_else(|| first(syntax, &os, "validFrom")),
            // Not read from microdata (a nested QuantitativeValue scope): no shop
            // seen writes quantity tiers there.
            min_quantity: None,
            customers: customers(first(syntax, &os, "eligibleCustomerType")),
            url: first(syntax, &os, "url"),
            gtin: GTIN_KEYS
                .iter()
                .filter_map(|key| first(syntax, &os, key))
                .collect(),
            name: first(syntax, &os, "name"),
            price_set_aside: set_aside,
        });
    }
    for (n, inner) in &os {
        if n == "offers" && syntax.is_scope(inner) {
            micro_offers(syntax, *inner, depth + 1, out, condition.as_deref());
        }
    }
}

fn items(scopes: &[ElementRef], syntax: Syntax) -> Vec<Product> {
    let mut out = Vec::new();
    for scope in scopes {
        let ps = props(syntax, *scope);
        let mut p = Product {
            name: first(syntax, &ps, "name"),
            brand: first(syntax, &ps, "brand"),
            mpn: first(syntax, &ps, "mpn"),
            condition: first(syntax, &ps, "itemCondition"),
            url: first(syntax, &ps, "url").or_else(|| {
                scope
                    .value()
                    .attr(syntax.id_attr())
                    .map(|id| id.trim().to_string())
            }),
            ..Product::default()
        };
        p.gtin = GTIN_KEYS
            .iter()
            .filter_map(|key| first(syntax, &ps, key))
            .collect();
        for (n, e) in &ps {
            if n == "offers" && syntax.is_scope(e) {
                micro_offers(syntax, *e, 0, &mut p.offers, None);
            }
        }
        out.push(p);
    }
    out
}

/// Products described with microdata (`itemtype=".../Product"`).
pub fn microdata(doc: &Html) -> Vec<Product> {
    read_all(doc).microdata
}

/// Products described with RDFa Lite (`typeof="Product"` / `schema:Product`).
pub fn rdfa_lite(doc: &Html) -> Vec<Product> {
    read_all(doc).rdfa
}

/// Every kind of structured data on a page.
#[derive(Debug, Default)]
pub struct Structured {
    pub json_ld: Vec<Product>,
    /// JSON-LD scripts that could not be read even leniently.
    pub bad_json_ld: usize,
    pub microdata: Vec<Product>,
    pub rdfa: Vec<Product>,
    pub open_graph: Option<Product>,
}

/// RDFa's `typeof`, interned once (html5ever has no static atom for it).
static TYPEOF: std::sync::LazyLock<html5ever::LocalName> =
    std::sync::LazyLock::new(|| html5ever::LocalName::from("typeof"));

/// Reads all structured data in one walk over the document. One walk with plain
/// attribute checks instead of a CSS `select` per syntax: on small item pages the
/// walks, not the parse, were most of the cost (see benches/extract.rs).
pub fn read_all(doc: &Html) -> Structured {
    let (mut scripts, mut micro, mut rdfa, mut metas) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for node in doc.root_element().descendants() {
        let Some(e) = ElementRef::wrap(node) else {
            continue;
        };
        let v = e.value();
        // Names compared as interned atoms: `Element::attr(&str)` interns its
        // argument on every call, which on real-weight pages cost more than the walk.
        match v.name.local {
            ln!("script") => {
                if v.attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                {
                    scripts.push(e);
                }
                continue;
            }
            ln!("meta") if v.attr("property").is_some() || v.attr("name").is_some() => {
                metas.push(e)
            }
            _ => {}
        }
        let has = |name: &html5ever::LocalName| v.attrs.iter().any(|(q, _)| q.local == *name);
        if has(&ln!("itemscope")) && Syntax::Microdata.is_scope_of(&e, "Product") {
            micro.push(e);
        }
        if has(&TYPEOF) && Syntax::RdfaLite.is_scope_of(&e, "Product") {
            rdfa.push(e);
        }
    }
    let (json_ld, bad_json_ld) = json_ld_from(&scripts);
    Structured {
        json_ld,
        bad_json_ld,
        microdata: items(&micro, Syntax::Microdata),
        rdfa: items(&rdfa, Syntax::RdfaLite),
        open_graph: open_graph_from(&metas),
    }
}

/// OpenGraph product tags (`og:title`, `product:price:amount`, `product:price:currency`).
pub fn open_graph(doc: &Html) -> Option<Product> {
    read_all(doc).open_graph
}

fn open_graph_from(metas: &[ElementRef]) -> Option<Product> {
    let mut title = None;
    let mut amount = None;
    let mut sale = None;
    let mut sale_end = None;
    let mut sale_start = None;
    let mut currency = None;
    let mut brand = None;
    let mut mpn = None;
    let mut condition = None;
    let mut availability = None;
    let mut gtin = Vec::new();
    for m in metas {
        let key = m
            .value()
            .attr("property")
            .or_else(|| m.value().attr("name"))
            .unwrap_or("");
        let content = m.value().attr("content").map(|c| c.trim().to_string());
        match key {
            "og:title" => title = title.or(content),
            // `og:price` is written with its currency ("30,000원~"), the others as
            // a bare amount beside `…:currency`.
            "product:price:amount" | "og:price:amount" | "og:price" | "product:price" => {
                amount = amount.or(content)
            }
            "product:sale_price:amount" | "og:sale_price:amount" => sale = sale.or(content),
            "product:sale_price_dates:end" => sale_end = sale_end.or(content),
            "product:sale_price_dates:start" => sale_start = sale_start.or(content),
            "product:price:currency" | "og:price:currency" | "product:sale_price:currency" => {
                currency = currency.or(content)
            }
            "product:brand" | "og:brand" => brand = brand.or(content),
            "product:mfr_part_no" => mpn = mpn.or(content),
            "product:condition" | "og:condition" => condition = condition.or(content),
            "product:availability" | "og:availability" => availability = availability.or(content),
            "product:gtin" | "product:ean" | "product:upc" | "product:isbn" | "og:upc"
            | "og:ean" | "og:isbn" => gtin.extend(content),
            _ => {}
        }
    }
    if title.is_none() && amount.is_none() && sale.is_none() {
        return None;
    }
    let mut offers = Vec::new();
    // A sale price is what the listing asks now (until its end, where written);
    // the regular one is kept beside it.
    for (price, from, until) in [(sale, sale_start, sale_end), (amount, None, None)] {
        let Some(price) = price else { continue };
        offers.push(Offer {
            price: Some(price),
            currency: currency.clone(),
            availability: availability.clone(),
            valid_from: from,
            valid_until: until,
            ..Offer::default()
        });
    }
    Some(Product {
        name: title,
        brand,
        mpn,
        gtin,
        offers,
        condition,
        url: None,
        variant: None,
        listed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rdfa_lite_product() {
        let html = r#"<div vocab="https://schema.org/" typeof="Product"><span property="name">Acme P3</span>
            <div property="offers" typeof="Offer"><span property="price" content="45.00">$45</span>
            <meta property="priceCurrency" content="USD">
            <div property="seller" typeof="Person"><span property="name">jo</span></div></div></div>"#;
        let ps = rdfa_lite(&Html::parse_document(html));
        assert_eq!(ps[0].name.as_deref(), Some("Acme P3"));
        assert_eq!(ps[0].offers[0].price.as_deref(), Some("45.00"));
        assert_eq!(ps[0].offers[0].seller_name.as_deref(), Some("jo"));
    }

    #[test]
    fn deeply_nested_json_ld_is_refused_not_recursed_into() {
        // 50,000 levels overflowed the JSON5 reader's stack (the process aborted).
        let deep = format!(
            "<script type=\"application/ld+json\">{}{}</script>",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        let (ps, bad) = json_ld(&Html::parse_document(&deep));
        assert!(ps.is_empty());
        assert_eq!(bad, 1);
        // Brackets inside strings do not count; ordinary nesting is read.
        let ok = r#"<script type="application/ld+json">{"@type":"Product","name":"[[[[{{{{","offers":{"price":"5"}}</script>"#;
        let (ps, bad) = json_ld(&Html::parse_document(ok));
        assert_eq!((ps.len(), bad), (1, 0));
        assert!(nesting_exceeds(&"[".repeat(101), 100));
        assert!(!nesting_exceeds(&"[".repeat(100), 100));
    }

    #[test]
    fn json_ld_with_comments_and_raw_newlines() {
        let html = "<script type=\"application/ld+json\">{\"@type\": \"Product\", // c\n \"name\": \"a\nb\",}</script>";
        let (ps, bad) = json_ld(&Html::parse_document(html));
        assert_eq!(bad, 0);
        assert_eq!(ps[0].name.as_deref(), Some("a\nb"));
    }

    #[test]
    fn json_ld_graph_array_offers_and_aggregate() {
        let html = r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
            {"@type":"BreadcrumbList"},
            {"@type":["Product"],"name":"Acme X1","brand":"Acme","gtin13":"0012345678905",
             "offers":[{"@type":"AggregateOffer","lowPrice":149.5,"highPrice":"199","priceCurrency":"USD"}]}]}</script>
            <script type="application/ld+json">{not json</script>"#;
        let (ps, bad) = json_ld(&Html::parse_document(html));
        assert_eq!(bad, 1);
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].brand.as_deref(), Some("Acme"));
        assert_eq!(ps[0].offers[0].price.as_deref(), Some("149.5"));
        assert_eq!(
            ps[0].price_choice().as_deref(),
            Some("the low end of an AggregateOffer's price range on the page, 149.5 to 199")
        );
    }

    /// The product of a JSON-LD Product with the offers `o` (a list's items).
    fn offers(o: &str) -> Product {
        let html = format!(
            r#"<script type="application/ld+json">{{"@type":"Product","name":"Acme X1","offers":[{o}]}}</script>"#
        );
        json_ld(&Html::parse_document(&html)).0.remove(0)
    }

    #[test]
    fn an_offer_is_named_as_a_title_would_name_it() {
        let p = offers(
            r#"{"price":"1","name":"Acme X1 - Black"},{"price":"2","name":"Replacement Ear Pads"},
               {"price":"3","name":"Acme P3 Earbuds"},{"price":"4"},{"price":"5","name":" "}"#,
        );
        let names: Vec<Option<String>> = p.offers.iter().map(|o| p.offer_name(o)).collect();
        assert_eq!(
            names,
            [
                Some("Acme X1 - Black".to_string()),
                Some("Acme X1 - Replacement Ear Pads".to_string()),
                Some("Acme P3 Earbuds".to_string()),
                None,
                None,
            ]
        );
    }

    #[test]
    fn a_price_chosen_among_the_sellers_offers_says_so() {
        // A price per variant: the lowest, and what it was chosen from.
        let variants = offers(
            r#"{"price":"259.99","priceCurrency":"USD"},{"price":"149.99","priceCurrency":"USD"}"#,
        );
        assert_eq!(
            variants.advertised().unwrap().0.price.as_deref(),
            Some("149.99")
        );
        assert_eq!(
            variants.price_choice().as_deref(),
            Some("the lowest of 2 offers of the seller: 149.99, 259.99")
        );
        // The same price twice, or another seller's lower offer: no choice made.
        let same = offers(r#"{"price":"149.99"},{"price":"149.99"}"#);
        assert_eq!(same.price_choice(), None);
        let other = offers(
            r#"{"price":"199.00","seller":{"name":"A"}},{"price":"99.00","seller":{"name":"B"}}"#,
        );
        assert_eq!(
            other.advertised().unwrap().0.price.as_deref(),
            Some("199.00")
        );
        assert_eq!(other.price_choice(), None);
        // One seller written two ways is one seller; two ids are two sellers.
        let by_id = offers(
            r#"{"price":"249.99","seller":{"name":"Good Seller","identifier":"gs1"}},{"price":"199.99","seller":{"name":"Good Seller"}},{"price":"99.00","seller":{"name":"Good Seller","identifier":"gs2"}}"#,
        );
        assert_eq!(
            by_id.price_choice().as_deref(),
            Some("the lowest of 2 offers of the seller: 199.99, 249.99")
        );
        let one_seller = offers(
            r#"{"price":"249.99","seller":{"name":"Good Seller"}},{"price":"199.99","seller":{"name":"good  seller"}}"#,
        );
        assert_eq!(
            one_seller.advertised().unwrap().0.price.as_deref(),
            Some("199.99")
        );
        assert_eq!(
            one_seller.price_choice().as_deref(),
            Some("the lowest of 2 offers of the seller: 199.99, 249.99")
        );
        // An AggregateOffer whose low and high prices are one.
        let one = offers(r#"{"@type":"AggregateOffer","lowPrice":"99","highPrice":"99"}"#);
        assert_eq!(one.price_choice(), None);
    }

    #[test]
    fn offers_out_of_stock_beside_ones_for_sale_are_left_out() {
        // A size sold out at a clearance price beside the one for sale.
        let sold_out = offers(
            r#"{"price":"99.00","priceCurrency":"USD","availability":"http://schema.org/SoldOut"},
               {"price":"249.99","priceCurrency":"USD","availability":"https://schema.org/InStock"},
               {"price":"129.00","priceCurrency":"USD","availability":" OutOfStock "}"#,
        );
        let (offer, note) = sold_out.advertised().unwrap();
        assert_eq!(offer.price.as_deref(), Some("249.99"));
        assert_eq!(
            note.as_deref(),
            Some("2 offers of the seller out of stock left out")
        );
        assert_eq!(sold_out.price_choice(), None);
        // Two for sale (one on back order) and one discontinued: a choice of two.
        let two = offers(
            r#"{"price":"99.00","availability":"https://schema.org/Discontinued"},
               {"price":"249.99","availability":"https://schema.org/InStock"},
               {"price":"199.99","availability":"https://schema.org/BackOrder"}"#,
        );
        assert_eq!(
            two.price_choice().as_deref(),
            Some("the lowest of 2 offers of the seller: 199.99, 249.99")
        );
        // Every offer sold out: the listing's prices all the same.
        let all = offers(
            r#"{"price":"99.00","availability":"https://schema.org/OutOfStock"},
               {"price":"249.99","availability":"https://schema.org/OutOfStock"}"#,
        );
        assert_eq!(all.advertised().unwrap().0.price.as_deref(), Some("99.00"));
        // In microdata, as a link.
        let html = r#"<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Acme X1</span>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="99.00">
              <link itemprop="availability" href="https://schema.org/OutOfStock"></div>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="249.99">
              <link itemprop="availability" href="https://schema.org/InStock"></div></div>"#;
        let micro = read_all(&Html::parse_document(html)).microdata.remove(0);
        assert_eq!(
            micro.advertised().unwrap().0.price.as_deref(),
            Some("249.99")
        );
        // OpenGraph's words for it.
        for (said, sold_out) in [
            ("oos", true),
            ("out of stock", true),
            ("instock", false),
            ("preorder", false),
        ] {
            let html = format!(
                r#"<meta property="og:title" content="Acme X1"><meta property="product:price:amount" content="99.00">
                <meta property="product:availability" content="{said}">"#
            );
            let og = read_all(&Html::parse_document(&html)).open_graph.unwrap();
            assert_eq!(og.sold_out(), sold_out, "{said}");
        }
    }

    #[test]
    fn products_a_rail_recommends_are_not_the_pages() {
        // The page's product has no GTIN; the "customers also viewed" list and a
        // related product carry other products' GTINs and lower prices.
        let html = r#"<script type="application/ld+json">{"@type":"Product","name":"Acme P3",
            "offers":{"@type":"Offer","price":"53.00","priceCurrency":"USD"},
            "isRelatedTo":{"@type":"Product","name":"Acme S2","gtin13":"0012345678912"}}</script>
            <script type="application/ld+json">{"@type":"ItemList","itemListElement":[
              {"@type":"ListItem","position":1,"item":{"@type":"Product","name":"Acme S2","gtin13":"0012345678912",
               "offers":{"@type":"Offer","price":"12.00","priceCurrency":"USD"}}},
              {"@type":"ListItem","position":2,"item":{"@type":"Product","name":"Other"}}]}</script>"#;
        let (ps, _) = json_ld(&Html::parse_document(html));
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(ps[0].name.as_deref(), Some("Acme P3"));
        assert!(ps[0].gtin.is_empty());
        // A list of one item is how some shops wrap the page's own product.
        let one = r#"<script type="application/ld+json">{"@type":"ItemList","itemListElement":[
              {"@type":"ListItem","position":1,"item":{"@type":"Product","name":"Acme X1"}}]}</script>"#;
        let (ps, _) = json_ld(&Html::parse_document(one));
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].name.as_deref(), Some("Acme X1"));
    }

    /// An AggregateOffer summarises several merchants' offers: beside the buy
    /// box's offer, or listing offers with their sellers, its low price is not
    /// the listing's seller's (the seller was held to another's 189.99).
    #[test]
    fn an_aggregate_of_everyones_offers_is_not_the_sellers_price() {
        let price = |offers: &str| {
            let html = format!(
                r#"<script type="application/ld+json">{{"@type":"Product","name":"Acme X1","offers":{offers}}}</script>"#
            );
            let (ps, _) = json_ld(&Html::parse_document(&html));
            ps[0].advertised().and_then(|(o, _)| o.price.clone())
        };
        let aggregate = r#"{"@type":"AggregateOffer","lowPrice":"189.99","highPrice":"299.99","priceCurrency":"USD","offerCount":5"#;
        let buy_box = r#"{"@type":"Offer","price":"249.99","priceCurrency":"USD","seller":{"name":"Good Seller"}}"#;
        let other =
            r#"{"@type":"Offer","price":"189.99","priceCurrency":"USD","seller":{"name":"Other"}}"#;
        assert_eq!(
            price(&format!("[{buy_box}, {aggregate}}}]")).as_deref(),
            Some("249.99")
        );
        assert_eq!(
            price(&format!(r#"{aggregate}, "offers":[{buy_box}, {other}]}}"#)).as_deref(),
            Some("249.99")
        );
        // Alone, the range is all the page gives: its low end, said as such.
        assert_eq!(price(&format!("{aggregate}}}")).as_deref(), Some("189.99"));
        // Microdata likewise.
        let html = r#"<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Acme X1</span>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="249.99">
              <meta itemprop="priceCurrency" content="USD"><span itemprop="seller">Good Seller</span></div>
            <div itemprop="offers" itemscope itemtype="https://schema.org/AggregateOffer"><meta itemprop="lowPrice" content="189.99">
              <meta itemprop="highPrice" content="299.99"><meta itemprop="priceCurrency" content="USD"></div></div>"#;
        let ps = microdata(&Html::parse_document(html));
        let (o, _) = ps[0].advertised().expect("an offer");
        assert_eq!(o.price.as_deref(), Some("249.99"));
    }

    /// A microdata price written as text is read as a price box is: cents in a
    /// superscript joined (`$249<sup>99</sup>` was 24,999, over any floor), a
    /// struck former price inside it left out (it was "the lowest of 2 prices").
    #[test]
    fn microdata_prices_in_text_are_read_as_the_price_box_is() {
        for (inner, want) in [
            ("$249<sup>99</sup>", "$249.99"),
            ("<del>$299.99</del> $249.99", "$249.99"),
            (
                r#"<span class="a-price-whole">249.</span><span class="a-price-fraction">99</span>"#,
                "249.99",
            ),
        ] {
            let html = format!(
                r#"<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Acme X1</h1>
                <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">{inner}</span></div></div>"#
            );
            let ps = microdata(&Html::parse_document(&html));
            let (o, _) = ps[0].advertised().expect("an offer");
            assert_eq!(o.price.as_deref(), Some(want), "{inner}");
        }
    }

    /// Microdata's `itemref`: a product whose offer is written outside its element,
    /// named by id. Without it the product had no price.
    #[test]
    fn microdata_properties_named_by_itemref_are_the_items() {
        let html = r#"<div itemscope itemtype="https://schema.org/Product" itemref="buy brand">
              <h1 itemprop="name">Acme X1</h1></div>
            <aside><div id="buy"><div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
              <meta itemprop="price" content="249.99"><meta itemprop="priceCurrency" content="USD"></div></div>
            <span id="brand" itemprop="brand">Acme</span></aside>
            <div id="wrap" itemref="wrap"></div>"#;
        let ps = microdata(&Html::parse_document(html));
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].brand.as_deref(), Some("Acme"));
        let (o, _) = ps[0].advertised().expect("an offer");
        assert_eq!(o.price.as_deref(), Some("249.99"));
        // An itemref naming the item's own ancestor adds nothing and ends.
        let html = r#"<div id="page"><div itemscope itemtype="https://schema.org/Product" itemref="page">
              <span itemprop="name">Acme X1</span></div></div>"#;
        let ps = microdata(&Html::parse_document(html));
        assert_eq!(ps[0].name.as_deref(), Some("Acme X1"));
    }

    /// Scripts as templates write them: HTML-escaped JSON, JSON inside an HTML
    /// comment or a CDATA section, and an offer at zero (a free gift) beside the
    /// price. Each left the product unread, or with no price.
    #[test]
    fn json_ld_as_templates_write_it_is_read() {
        let json = r#"{"@type":"Product","name":"Acme X1","offers":{"@type":"Offer","price":"189.99","priceCurrency":"USD"}}"#;
        for script in [
            json.replace('"', "&quot;"),
            format!(
                "<!--
{json}
-->"
            ),
            format!(
                "//<![CDATA[
{json}
//]]>"
            ),
            format!("<![CDATA[{json}]]>"),
        ] {
            let html = format!(r#"<script type="application/ld+json">{script}</script>"#);
            let (ps, bad) = json_ld(&Html::parse_document(&html));
            assert_eq!((ps.len(), bad), (1, 0), "{script}");
            assert_eq!(
                ps[0]
                    .advertised()
                    .and_then(|(o, _)| o.price.clone())
                    .as_deref(),
                Some("189.99")
            );
        }
        let html = r#"<script type="application/ld+json">{"@type":"Product","name":"Acme X1","offers":[
            {"@type":"Offer","price":"249.99","priceCurrency":"USD"},
            {"@type":"Offer","price":"0.00","priceCurrency":"USD","name":"Free gift"}]}</script>"#;
        let (ps, _) = json_ld(&Html::parse_document(html));
        assert_eq!(
            ps[0]
                .advertised()
                .and_then(|(o, _)| o.price.clone())
                .as_deref(),
            Some("249.99")
        );
        assert_eq!(ps[0].price_choice(), None);
    }

    #[test]
    fn a_product_group_is_one_product_whose_variants_are_its_offers() {
        // Read as two products, the first variant's 249.99 was the price whichever
        // variant the page shows; as one, the lowest is said to be chosen among two.
        let html = r#"<script type="application/ld+json">{"@context":"https://schema.org",
            "@type":"ProductGroup","name":"Acme X1","brand":{"@type":"Brand","name":"Acme"},
            "hasVariant":[
              {"@type":"Product","name":"Acme X1 White","gtin13":"0012345678912",
               "offers":{"@type":"Offer","price":"259.99","priceCurrency":"USD"}},
              {"@type":"Product","name":"Acme X1 Black","gtin13":"0012345678905",
               "offers":{"@type":"Offer","price":"249.99","priceCurrency":"USD"}}]}</script>"#;
        let (ps, _) = json_ld(&Html::parse_document(html));
        assert_eq!(ps.len(), 1, "{ps:?}");
        let p = &ps[0];
        assert_eq!(p.name.as_deref(), Some("Acme X1"));
        assert_eq!(p.brand.as_deref(), Some("Acme"));
        assert!(p.gtin.is_empty());
        let (offer, _) = p.advertised().expect("an offer");
        assert_eq!(offer.price.as_deref(), Some("249.99"));
        assert_eq!(
            p.price_choice().as_deref(),
            Some("the lowest of 2 offers of the seller: 249.99, 259.99")
        );
    }

    #[test]
    fn microdata_nested_offer_and_seller() {
        let html = r#"<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Acme S2</h1>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
            <span itemprop="price" content="49.99">US $49.99</span><meta itemprop="priceCurrency" content="USD">
            <div itemprop="seller" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">shop_1</span></div>
            </div></div>"#;
        let ps = microdata(&Html::parse_document(html));
        assert_eq!(ps[0].name.as_deref(), Some("Acme S2"));
        assert_eq!(ps[0].offers[0].price.as_deref(), Some("49.99"));
        assert_eq!(ps[0].offers[0].seller_name.as_deref(), Some("shop_1"));
    }

    /// A microdata offer whose price sits in a `priceSpecification` scope gave no
    /// price; of several, the one asked now is read, as of JSON-LD's.
    #[test]
    fn a_microdata_price_specification_gives_the_offer_s_price() {
        let spec = |price: &str, extra: &str| {
            format!(
                r#"<div itemprop="priceSpecification" itemscope itemtype="https://schema.org/UnitPriceSpecification">
                <meta itemprop="price" content="{price}"><meta itemprop="priceCurrency" content="EUR">{extra}</div>"#
            )
        };
        let page = |specs: &str| {
            format!(
                r#"<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Acme S2</h1>
                <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">{specs}</div></div>"#
            )
        };
        let struck = r#"<link itemprop="priceType" href="https://schema.org/StrikethroughPrice">"#;
        let per_100ml = r#"<div itemprop="referenceQuantity" itemscope itemtype="https://schema.org/QuantitativeValue">
            <meta itemprop="value" content="100"><meta itemprop="unitCode" content="MLT"></div>"#;
        let without_vat = r#"<meta itemprop="valueAddedTaxIncluded" content="false">"#;
        for (specs, price, vat) in [
            (spec("249.99", ""), "249.99", None),
            (spec("299.99", struck) + &spec("249.99", ""), "249.99", None),
            (
                spec("4.36", per_100ml) + &spec("249.99", ""),
                "249.99",
                None,
            ),
            (spec("210.08", without_vat), "210.08", Some(false)),
        ] {
            let ps = microdata(&Html::parse_document(&page(&specs)));
            let offer = &ps[0].offers[0];
            assert_eq!(offer.price.as_deref(), Some(price), "{specs}");
            assert_eq!(offer.currency.as_deref(), Some("EUR"), "{specs}");
            assert_eq!(offer.vat_included, vat, "{specs}");
            assert!(!offer.aggregate, "{specs}");
        }
    }

    #[test]
    fn a_seller_written_as_a_list_of_one_is_the_seller() {
        for seller in [
            r#"[{"@type":"Organization","name":"Cheap Deals","identifier":"cd"}]"#,
            r##"[{"@id":"#s"}]"##,
        ] {
            let html = format!(
                r##"<script type="application/ld+json">{{"@graph":[{{"@type":"Product","name":"Acme X1",
                "offers":{{"@type":"Offer","price":"249.99","seller":{seller}}}}},
                {{"@id":"#s","@type":"Organization","name":"Cheap Deals","identifier":"cd"}}]}}</script>"##
            );
            let (ps, _) = json_ld(&Html::parse_document(&html));
            let o = &ps[0].offers[0];
            assert_eq!(o.seller_name.as_deref(), Some("Cheap Deals"), "{seller}");
            assert_eq!(o.seller_id.as_deref(), Some("cd"), "{seller}");
        }
    }

    #[test]
    fn json_ld_references_are_resolved_across_the_graph_and_scripts() {
        // Seller and brand given by `@id`: one in the same @graph (relative), one
        // in another script (absolute vs relative), an offer by reference too.
        let html = r##"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
            {"@type":"Product","name":"Acme X1","brand":{"@id":"#brand"},
             "offers":{"@id":"/p/1#offer"}},
            {"@type":"Offer","@id":"https://shop.example/p/1#offer","price":"199.00","priceCurrency":"USD",
             "seller":{"@id":"/vendors/acme-deals.html#seller"}},
            {"@type":"Brand","@id":"#brand","name":"Acme"}]}</script>
            <script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization",
             "@id":"https://shop.example/vendors/acme-deals.html#seller","name":"Acme Deals",
             "url":"https://shop.example/vendors/acme-deals.html"}</script>
            <script type="application/ld+json">{"@type":"AggregateOffer","@id":"#loop","offers":{"@id":"#loop"}}</script>"##;
        let (ps, bad) = json_ld(&Html::parse_document(html));
        assert_eq!(bad, 0);
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].brand.as_deref(), Some("Acme"));
        let o = &ps[0].offers[0];
        assert_eq!(o.price.as_deref(), Some("199.00"));
        assert_eq!(o.seller_name.as_deref(), Some("Acme Deals"));
        assert_eq!(
            o.seller_id.as_deref(),
            Some("https://shop.example/vendors/acme-deals.html"),
            "the profile URL, never the fragment reference"
        );
        // An unresolvable reference: its @id without the fragment.
        let html = r#"<script type="application/ld+json">{"@type":"Product","name":"x",
            "offers":{"@type":"Offer","price":"1","seller":{"@id":"/vendors/x.html#seller"}}}</script>"#;
        let (ps, _) = json_ld(&Html::parse_document(html));
        assert_eq!(
            ps[0].offers[0].seller_id.as_deref(),
            Some("/vendors/x.html")
        );
    }

    /// Google's sale-price markup (2024) gives the price as a list of
    /// `UnitPriceSpecification`s: the sale price and a `StrikethroughPrice`. The list
    /// gave no price; a former, member, unit or instalment price must never be it.
    #[test]
    fn a_price_specification_gives_the_price_asked_now() {
        let price = |spec: &str| {
            let html = format!(
                r#"<script type="application/ld+json">{{"@type":"Product","name":"Acme P3",
                "offers":{{"@type":"Offer","priceSpecification":{spec}}}}}</script>"#
            );
            let (ps, _) = json_ld(&Html::parse_document(&html));
            let o = &ps[0].offers[0];
            (o.price.clone(), o.currency.clone())
        };
        let usd = |p: &str| (Some(p.to_string()), Some("USD".to_string()));
        let sale = r#"[{"@type":"UnitPriceSpecification","price":10.49,"priceCurrency":"USD"},
            {"@type":"UnitPriceSpecification","priceType":"https://schema.org/StrikethroughPrice","price":15.99,"priceCurrency":"USD"}]"#;
        assert_eq!(price(sale), usd("10.49"));
        let former_first = r#"[{"priceType":"https://schema.org/ListPrice","price":15.99,"priceCurrency":"USD"},
            {"price":"10.49","priceCurrency":"USD"}]"#;
        assert_eq!(price(former_first), usd("10.49"));
        // The lower prices a page's markup also carries are not the price.
        let lower = r#"[{"price":8.00,"priceCurrency":"USD","validForMemberTier":{"@type":"MemberProgramTier","name":"Gold"}},
            {"price":0.42,"priceCurrency":"USD","referenceQuantity":{"value":100,"unitCode":"MLT"}},
            {"price":2.62,"priceCurrency":"USD","billingDuration":4,"billingIncrement":1},
            {"price":10.49,"priceCurrency":"USD","referenceQuantity":{"value":1,"unitCode":"C62"}}]"#;
        assert_eq!(price(lower), usd("10.49"));
        // Only a former price: no price (the selectors may find one), never it.
        let only_former = r#"{"priceType":"https://schema.org/StrikethroughPrice","price":15.99,"priceCurrency":"USD"}"#;
        assert_eq!(price(only_former), (None, None));
        assert_eq!(
            price(r#"{"price":"10.49","priceCurrency":"USD"}"#),
            usd("10.49")
        );
        // A bulk tier, shipping's or a payment method's charge: no price asked of
        // one buyer of one item (read, shipping was the price).
        let charges = r#"[{"@type":"DeliveryChargeSpecification","price":5.99,"priceCurrency":"USD"},
            {"@type":"http://schema.org/PaymentChargeSpecification","price":1.50,"priceCurrency":"USD"},
            {"price":9.49,"priceCurrency":"USD","eligibleQuantity":{"minValue":10}},
            {"@type":"UnitPriceSpecification","price":10.49,"priceCurrency":"USD"}]"#;
        assert_eq!(price(charges), usd("10.49"));
        let shipping_only =
            r#"{"@type":"DeliveryChargeSpecification","price":5.99,"priceCurrency":"USD"}"#;
        assert_eq!(price(shipping_only), (None, None));
    }

    /// The offer a product of JSON-LD `offers` advertises: its price, and the
    /// note on the choice.
    fn advertised_of(offers: &str) -> Option<(String, Option<String>)> {
        let html = format!(
            r#"<script type="application/ld+json">{{"@type":"Product","name":"Acme X1",
            "offers":{offers}}}</script>"#
        );
        let (ps, _) = json_ld(&Html::parse_document(&html));
        ps[0]
            .advertised()
            .map(|(o, note)| (o.price.clone().unwrap_or_default(), note))
    }

    /// Enumerations written as nodes naming them by `@id` are read as their
    /// strings are: a condition, an availability, a business function.
    #[test]
    fn enumerations_named_by_id_are_read() {
        let p = offers(
            r#"{"price":"19.99","itemCondition":{"@id":"https://schema.org/RefurbishedCondition"},
               "availability":{"@type":"ItemAvailability","@id":"https://schema.org/OutOfStock"}},
               {"price":"29.99","itemCondition":[{"@id":"https://schema.org/UsedCondition"}]}"#,
        );
        let got: Vec<(Option<&str>, Option<&str>)> = (p.offers.iter())
            .map(|o| (o.condition.as_deref(), o.availability.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("https://schema.org/RefurbishedCondition"),
                    Some("https://schema.org/OutOfStock")
                ),
                (Some("https://schema.org/UsedCondition"), None),
            ]
        );
        let lease = r#"{"@type":"Offer","price":"29.99","priceCurrency":"USD",
            "businessFunction":{"@id":"http://purl.org/goodrelations/v1#LeaseOut"}}"#;
        assert_eq!(advertised_of(lease), None);
    }

    /// An offer whose `businessFunction` is no sale (a rental, a repair): its price
    /// is no sale price (a month's rent was a below-floor finding and a counterfeit
    /// signal), in JSON-LD and in microdata.
    #[test]
    fn a_rental_or_a_service_offered_is_no_sale_price() {
        let advertised = |offers: &str| advertised_of(offers).map(|(price, _)| price);
        let offer = |function: &str, price: &str| {
            format!(r#"{{"@type":"Offer","price":"{price}","priceCurrency":"USD"{function}}}"#)
        };
        let lease = offer(
            r#","businessFunction":"http://purl.org/goodrelations/v1#LeaseOut""#,
            "29.99",
        );
        let sell = offer(
            r#","businessFunction":"http://purl.org/goodrelations/v1#Sell""#,
            "249.99",
        );
        // A rental beside the sale: the sale's price, not the month's rent.
        assert_eq!(
            advertised(&format!("[{lease}, {sell}]")).as_deref(),
            Some("249.99")
        );
        // A rental alone: no sale price at all.
        assert_eq!(advertised(&lease), None);
        let repair = offer(
            r#","businessFunction":"https://schema.org/Repair""#,
            "49.00",
        );
        assert_eq!(advertised(&repair), None);
        // No function, or `Sell` however written: a sale.
        assert_eq!(advertised(&offer("", "249.99")).as_deref(), Some("249.99"));
        let sell_short = offer(r#","businessFunction":"Sell""#, "249.99");
        assert_eq!(advertised(&sell_short).as_deref(), Some("249.99"));
        // Microdata says it with a link.
        let micro = |function: &str| {
            let html = format!(
                r#"<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Acme X1</span>
                <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
                <meta itemprop="price" content="29.99"><meta itemprop="priceCurrency" content="USD">
                <link itemprop="businessFunction" href="http://purl.org/goodrelations/v1#{function}">
                </div></div>"#
            );
            let ps = microdata(&Html::parse_document(&html));
            ps[0].advertised().and_then(|(o, _)| o.price.clone())
        };
        assert_eq!(micro("LeaseOut"), None);
        assert_eq!(micro("Sell").as_deref(), Some("29.99"));
    }

    /// An offer for a quantity (`eligibleQuantity` of 10 or more) beside one for a
    /// single item: the single item's price is the listing's (the bulk tier was "the
    /// lowest of 2 offers" and a false below-floor finding), and the choice says the
    /// tier was left out. Alone, a quantity's offer is the price, and its choice says
    /// only buyers of as many pay it (it was said as every buyer's price).
    #[test]
    fn an_offer_for_a_quantity_is_not_one_item_s_price() {
        let advertised = advertised_of;
        let tier = r#"{"@type":"Offer","price":"224.99","priceCurrency":"USD",
            "eligibleQuantity":{"@type":"QuantitativeValue","minValue":10}}"#;
        let one = r#"{"@type":"Offer","price":"249.99","priceCurrency":"USD"}"#;
        assert_eq!(
            advertised(&format!("[{tier}, {one}]")),
            Some((
                "249.99".to_string(),
                Some("1 offer for a quantity of items left out".to_string())
            ))
        );
        assert_eq!(advertised(tier), Some(("224.99".to_string(), None)));
        let choice = |offers: &str| {
            let html = format!(
                r#"<script type="application/ld+json">{{"@type":"Product","name":"Acme X1",
                "offers":{offers}}}</script>"#
            );
            json_ld(&Html::parse_document(&html)).0[0].price_choice()
        };
        assert_eq!(
            choice(tier).as_deref(),
            Some(
                "a price only some buyers pay, as the page says (\"for 10 or more items\", in \
                 its structured data)"
            )
        );
        assert_eq!(choice(&format!("[{tier}, {one}]")), None);
        // A quantity past any count is still a quantity.
        let huge = tier.replace("10}", "99999999999999999999}");
        assert_eq!(
            advertised(&format!("[{huge}, {one}]")).map(|(p, _)| p),
            Some("249.99".to_string())
        );
    }

    /// An offer's price of zero beside its price specification's is a template's
    /// placeholder: the specification's price is the offer's (the page "held no
    /// plausible price", the floor unchecked). Alone, zero stays zero (refused
    /// later as implausible).
    #[test]
    fn a_zero_price_beside_a_specification_s_is_a_placeholder() {
        let offer = |price: &str| {
            format!(
                r#"{{"@type":"Offer","price":{price},"priceCurrency":"USD",
                "priceSpecification":{{"@type":"UnitPriceSpecification","price":"249.99",
                "priceCurrency":"USD"}}}}"#
            )
        };
        for zero in [r#""0""#, r#""0.00""#, "0"] {
            let got = advertised_of(&offer(zero)).map(|(p, _)| p);
            assert_eq!(got.as_deref(), Some("249.99"), "{zero}");
        }
        let got = advertised_of(&offer(r#""199.99""#)).map(|(p, _)| p);
        assert_eq!(got.as_deref(), Some("199.99"));
        let alone = r#"{"@type":"Offer","price":"0","priceCurrency":"USD"}"#;
        assert_eq!(advertised_of(alone).map(|(p, _)| p).as_deref(), Some("0"));
    }

    /// An offer for business customers only (`eligibleCustomerType` `Business`,
    /// GoodRelations' value, in JSON-LD or microdata) beside one for every buyer:
    /// every buyer's price is the listing's (the business price, lower and often
    /// without VAT, was the lowest of 2 offers and a below-floor finding on a price
    /// no consumer is shown). Alone, it is the price, said to be only some buyers'.
    #[test]
    fn an_offer_for_business_customers_is_not_every_buyer_s_price() {
        let business = r#"{"@type":"Offer","price":"149.99","priceCurrency":"USD",
            "eligibleCustomerType":"http://purl.org/goodrelations/v1#Business"}"#;
        let one = r#"{"@type":"Offer","price":"249.99","priceCurrency":"USD"}"#;
        let (price, note) = advertised_of(&format!("[{business}, {one}]")).unwrap();
        assert_eq!(price, "249.99");
        assert_eq!(
            note.as_deref(),
            Some("1 offer for some customers only left out")
        );
        let tier = r#"{"@type":"Offer","price":"224.99","priceCurrency":"USD",
            "eligibleQuantity":{"@type":"QuantitativeValue","minValue":10}}"#;
        let (_, note) = advertised_of(&format!("[{business}, {tier}, {one}]")).unwrap();
        assert_eq!(
            note.as_deref(),
            Some("1 offer for a quantity of items and 1 offer for some customers only left out")
        );
        let end_user = business.replace("#Business", "#Enduser");
        let (price, _) = advertised_of(&format!("[{end_user}, {one}]")).unwrap();
        assert_eq!(price, "149.99");
        let html = format!(
            r#"<script type="application/ld+json">{{"@type":"Product","name":"Acme X1",
            "offers":{business}}}</script>"#
        );
        let alone = json_ld(&Html::parse_document(&html)).0[0].price_choice();
        assert!(
            alone
                .as_deref()
                .is_some_and(|c| c.starts_with(crate::extract::ON_A_CONDITION)
                    && c.contains("eligibleCustomerType Business")),
            "{alone:?}"
        );
        let micro = r#"<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Acme X1</span>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
            <meta itemprop="price" content="149.99"><meta itemprop="priceCurrency" content="USD">
            <link itemprop="eligibleCustomerType" href="http://purl.org/goodrelations/v1#Reseller">
            </div><div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
            <meta itemprop="price" content="249.99"><meta itemprop="priceCurrency" content="USD">
            </div></div>"#;
        let ps = microdata(&Html::parse_document(micro));
        let got = ps[0].advertised().and_then(|(o, _)| o.price.clone());
        assert_eq!(got.as_deref(), Some("249.99"));
    }
}
