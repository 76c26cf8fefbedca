//! A seller's offers per variant, where the page's structured data names what each
//! sells. A shop lists the brand's product and the accessories it sells for it as
//! variants of one product page (Shopify's ProductGroup: "Acme X1 Headphones -
//! Black" at 249.99, "Acme X1 Headphones - Replacement Ear Pads" at 19.99). The
//! listing's price is the lowest of its seller's offers, so the ear pads' price
//! was the headphones' — a false below-floor finding and, at under half the
//! floor, a suspected counterfeit — said as "which variant sells at it, the page
//! does not say" where the page said it. Which names are another thing than the
//! brand's product only the brand's policy knows (its exclusion phrases): the
//! extractor keeps the named offers ([`Listing::variants`]), the judge's side
//! says which to leave out ([`Listing::leave_out_variants`]).

use super::{
    BOX_SOLD_OUT, Listing, PriceBasis, PricedVariant, Prices, Reader, SOLD_OUT, STRUCTURED_NOT_NOW,
};
use crate::money::Money;

/// How the note in a [`Listing::price_choice`] begins that names the variants
/// left out of the price.
pub(super) const VARIANTS_LEFT_OUT: &str =
    "offers of variants its structured data names as other things than the product left out: ";

/// How a [`Listing::price_choice`] begins where the price is the lowest of the
/// seller's offers and the structured data names the variant of each: which
/// variant sells at it, the page says, and the choice says it.
pub(super) const OF_VARIANTS: &str = "the lowest of the seller's offers of its variants: ";

/// How [`Product::price_choice`](super::structured::Product::price_choice) begins
/// where the offers are several.
const LOWEST_OF: &str = "the lowest of ";

/// Longest variant name quoted in a note: a page's text, of any length.
const NAME_CHARS: usize = 100;

/// Most offers kept as a listing's variants: a shop's variants are a few sizes
/// and colours; a hostile page's thousands of named offers would be copied into
/// every observation and every finding's sentence. Beyond it none are kept, and
/// the price is chosen among the offers as it was before names were read.
const MOST_VARIANTS: usize = 50;

/// Most variants a choice names; the rest are counted.
const NAMED_IN_A_CHOICE: usize = 10;

/// A variant's name as a note quotes it.
fn quoted(v: &PricedVariant) -> String {
    match &v.name {
        Some(n) => format!("\"{}\"", n.chars().take(NAME_CHARS).collect::<String>()),
        None => "(a variant the data does not name)".to_string(),
    }
}

/// "the lowest of the seller's offers of its variants: 149.99 "X1 - White",
/// 249.99 "X1 - Black"", lowest first, where they ask more than one amount.
fn of_variants(variants: &[&PricedVariant]) -> Option<String> {
    let mut sorted = variants.to_vec();
    sorted.sort_by_key(|v| v.price.amount);
    let amounts: std::collections::BTreeSet<_> = sorted.iter().map(|v| v.price.amount).collect();
    let mut said: Vec<String> = sorted
        .iter()
        .take(NAMED_IN_A_CHOICE)
        .map(|v| format!("{} {}", v.price.amount, quoted(v)))
        .collect();
    if sorted.len() > NAMED_IN_A_CHOICE {
        said.push(format!("and {} more", sorted.len() - NAMED_IN_A_CHOICE));
    }
    (amounts.len() > 1).then(|| format!("{OF_VARIANTS}{}", said.join(", ")))
}

/// `choice` with its head, the offers the price is the lowest of, written with
/// their variants' names.
pub(super) fn with_variants_named(choice: String, variants: &[PricedVariant]) -> String {
    if variants.is_empty() || !choice.starts_with(LOWEST_OF) {
        return choice;
    }
    let all: Vec<&PricedVariant> = variants.iter().collect();
    let Some(head) = of_variants(&all) else {
        return choice;
    };
    match choice.split_once("; ") {
        Some((_, rest)) => format!("{head}; {rest}"),
        None => head,
    }
}

impl Reader<'_> {
    /// The offers the structured price was chosen among, where more than one and
    /// the data names what at least one of them sells; else none.
    pub(super) fn variants(&self, prices: &Prices) -> Vec<PricedVariant> {
        let Some(price) = prices.price.as_ref() else {
            return Vec::new();
        };
        if prices.basis != PriceBasis::List || !self.price_is_structured() {
            return Vec::new();
        }
        let Some((_, product)) = self.products.iter().find(|(_, p)| p.advertised().is_some())
        else {
            return Vec::new();
        };
        let offers = product.chosen_among();
        if !(2..=MOST_VARIANTS).contains(&offers.len()) || offers.iter().all(|o| o.name.is_none()) {
            return Vec::new();
        }
        // Every offer's amount, or none: a choice among amounts read in part is no
        // choice to redo.
        offers
            .iter()
            .map(|o| {
                Some(PricedVariant {
                    name: product.offer_name(o),
                    price: Money::new(o.amount()?, price.currency.clone()),
                })
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default()
    }
}

impl Listing {
    /// Leaves out of the price the offers of variants that `another_thing` says
    /// are not the product (with why), where the price is the lowest of the
    /// variants' offers and one of those left out asked it: the price becomes the
    /// lowest of the rest, and its choice names what was left out. Nothing changes
    /// where every variant, or none, is another thing, or where the structured data
    /// says the price it gave has ended (which offer that note was of, the choice
    /// no longer says).
    pub fn leave_out_variants(&mut self, another_thing: impl Fn(&str) -> Option<String>) {
        let Some(price) = self.price.clone() else {
            return;
        };
        let lowest = self.variants.iter().map(|v| v.price.amount).min();
        let ended = self
            .price_choice
            .as_deref()
            .is_some_and(|c| c.contains(STRUCTURED_NOT_NOW));
        if self.variants.len() < 2 || lowest != Some(price.amount) || ended {
            return;
        }
        let (out, kept): (Vec<_>, Vec<_>) = self
            .variants
            .iter()
            .map(|v| (v, v.name.as_deref().and_then(&another_thing)))
            .partition(|(_, why)| why.is_some());
        let Some(new) = kept.iter().map(|(v, _)| v.price.amount).min() else {
            return;
        };
        if out.is_empty() || new == price.amount {
            return;
        }
        let mut said: Vec<String> = out
            .iter()
            .take(NAMED_IN_A_CHOICE)
            .map(|(v, why)| {
                format!(
                    "{} at {} ({})",
                    quoted(v),
                    v.price,
                    why.as_deref().unwrap_or("")
                )
            })
            .collect();
        if out.len() > NAMED_IN_A_CHOICE {
            said.push(format!("and {} more", out.len() - NAMED_IN_A_CHOICE));
        }
        let sold_out = self
            .price_choice
            .as_deref()
            .is_some_and(|c| c.contains(SOLD_OUT));
        // What the price box says of the page (`sold out`) holds whichever price.
        let box_says = self.price_choice.as_deref().and_then(|c| {
            c.split("; ")
                .find(|n| n.starts_with(BOX_SOLD_OUT))
                .map(str::to_string)
        });
        let choice: Vec<String> = [
            of_variants(&kept.iter().map(|(v, _)| *v).collect::<Vec<_>>()),
            Some(format!("{VARIANTS_LEFT_OUT}{}", said.join(", "))),
            sold_out.then(|| SOLD_OUT.to_string()),
            box_says,
        ]
        .into_iter()
        .flatten()
        .collect();
        self.price_choice = Some(choice.join("; "));
        if let Some(src) = self.sources.get_mut("price") {
            src.push_str(&format!(
                " ({} offer{} of variants named as other things left out)",
                out.len(),
                if out.len() == 1 { "" } else { "s" }
            ));
        }
        let new = Money::new(new, price.currency.clone());
        if self.list_price.as_ref() == Some(&price) {
            self.list_price = Some(new.clone());
        }
        self.price = Some(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(price: &str, choice: &str, variants: &[(&str, &str)]) -> Listing {
        let usd = crate::money::Currency::new("USD").expect("a currency");
        let money = |a: &str| Money::new(a.parse().expect("a decimal"), usd.clone());
        let mut l: Listing = serde_json::from_value(serde_json::json!({
            "marketplace": "m", "url": "http://x/1", "listing_id": "1", "title": "t",
            "brand": null, "seller": {"name": null, "id": null}, "price": null,
            "price_basis": "list", "list_price": null, "coupon_price": null,
            "gtin": [], "mpn": null, "charset": "UTF-8", "charset_source": "default",
            "sources": {"price": "json-ld"}, "missing": {}
        }))
        .expect("a listing");
        l.price = Some(money(price));
        l.list_price = Some(money(price));
        l.price_choice = Some(choice.to_string());
        l.variants = variants
            .iter()
            .map(|(name, p)| PricedVariant {
                name: Some(name.to_string()),
                price: money(p),
            })
            .collect();
        l
    }

    fn pads(name: &str) -> Option<String> {
        name.contains("Pads").then(|| "an accessory".to_string())
    }

    #[test]
    fn the_price_is_the_lowest_of_the_variants_that_are_the_product() {
        let v = [
            ("X1 - Black", "249.99"),
            ("X1 - Pads", "19.99"),
            ("X1 - White", "149.99"),
        ];
        let mut l = listing(
            "19.99",
            "the lowest of 3 offers of the seller: 19.99, 149.99, 249.99; every offer of the listing's seller is out of stock, as its structured data says",
            &v,
        );
        l.leave_out_variants(pads);
        assert_eq!(
            l.price.as_ref().map(|p| p.amount.to_string()).as_deref(),
            Some("149.99")
        );
        assert_eq!(l.list_price, l.price);
        assert_eq!(
            l.price_choice.as_deref(),
            Some(
                "the lowest of the seller's offers of its variants: 149.99 \"X1 - White\", \
                 249.99 \"X1 - Black\"; offers of variants its structured data names as other \
                 things than the product left out: \"X1 - Pads\" at 19.99 USD (an accessory); \
                 every offer of the listing's seller is out of stock, as its structured data says"
            )
        );
        assert_eq!(
            l.sources["price"],
            "json-ld (1 offer of variants named as other things left out)"
        );
        // As a finding says it: the variants by name, what was left out and the
        // stock, as they are.
        let choice = l.price_choice.clone().unwrap_or_default();
        assert_eq!(crate::extract::choice_sentence(&choice, false), choice);
        // What the price box says of the page is kept with the new choice.
        let box_says = format!("{BOX_SOLD_OUT}\"sold out\"");
        let mut l = listing(
            "19.99",
            &format!("the lowest of 3 offers of the seller: 19.99, 149.99, 249.99; {box_says}"),
            &v,
        );
        l.leave_out_variants(pads);
        let choice = l.price_choice.unwrap_or_default();
        assert!(choice.ends_with(&box_says), "{choice}");
    }

    #[test]
    fn the_offers_a_price_is_the_lowest_of_are_named_by_their_variants() {
        let usd = crate::money::Currency::new("USD").expect("a currency");
        let v = |name: Option<&str>, p: &str| PricedVariant {
            name: name.map(str::to_string),
            price: Money::new(p.parse().expect("a decimal"), usd.clone()),
        };
        let variants = [
            v(Some("Black"), "249.99"),
            v(None, "149.99"),
            v(Some("Red"), "149.99"),
        ];
        let choice = "the lowest of 2 offers of the seller: 149.99, 249.99".to_string();
        assert_eq!(
            with_variants_named(format!("{choice}; {SOLD_OUT}"), &variants),
            format!(
                "the lowest of the seller's offers of its variants: 149.99 (a variant the data \
                 does not name), 149.99 \"Red\", 249.99 \"Black\"; {SOLD_OUT}"
            )
        );
        // No variants, or another kind of choice: as it was.
        assert_eq!(with_variants_named(choice.clone(), &[]), choice);
        let range = format!(
            "{}, 149.99 to 249.99",
            crate::extract::structured::AGGREGATE_RANGE
        );
        assert_eq!(with_variants_named(range.clone(), &variants), range);
    }

    #[test]
    fn a_choice_names_ten_variants_and_counts_the_rest() {
        let names: Vec<(String, String)> = (0..25)
            .map(|i| (format!("X1 - Pads {i}"), format!("{}.00", 10 + i)))
            .chain([("X1 - Black".to_string(), "249.99".to_string())])
            .collect();
        let v: Vec<(&str, &str)> = names
            .iter()
            .map(|(n, p)| (n.as_str(), p.as_str()))
            .collect();
        let mut l = listing("10.00", "the lowest of 26 offers of the seller", &v);
        l.leave_out_variants(pads);
        let choice = l.price_choice.unwrap_or_default();
        assert_eq!(
            choice.matches(" at ").count(),
            NAMED_IN_A_CHOICE,
            "{choice}"
        );
        assert!(choice.ends_with("and 15 more"), "{choice}");
        assert_eq!(
            l.price.map(|p| p.amount.to_string()).as_deref(),
            Some("249.99")
        );
    }

    #[test]
    fn nothing_changes_unless_a_variant_left_out_asked_the_price() {
        let choice = "the lowest of 2 offers of the seller: 19.99, 249.99";
        let unchanged = |mut l: Listing| {
            let before = (l.price.clone(), l.price_choice.clone());
            l.leave_out_variants(pads);
            assert_eq!((l.price, l.price_choice), before);
        };
        // Nothing left out; everything left out.
        unchanged(listing(
            "19.99",
            choice,
            &[("X1 - Black", "249.99"), ("X1 - Red", "19.99")],
        ));
        unchanged(listing(
            "19.99",
            choice,
            &[("Pads", "249.99"), ("Pads", "19.99")],
        ));
        // The price is not the variants' lowest (the price box's was checked).
        unchanged(listing(
            "9.99",
            choice,
            &[("X1 - Black", "249.99"), ("X1 - Pads", "19.99")],
        ));
        // The structured data says the price has ended: of which offer, a new
        // choice would no longer say.
        let ended = format!("{choice}; {STRUCTURED_NOT_NOW}held until 2024-01-01");
        unchanged(listing(
            "19.99",
            &ended,
            &[("X1 - Black", "249.99"), ("X1 - Pads", "19.99")],
        ));
        // One variant only.
        unchanged(listing("19.99", choice, &[("X1 - Pads", "19.99")]));
    }
}
