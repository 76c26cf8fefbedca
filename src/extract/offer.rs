//! What a listing asks and who asks it, compared between two readings of the same
//! listing: the page as fetched (what findings are read from) and the page as a
//! browser rendered it (the screenshot a packet shows beside them). A screenshot
//! showing another price or another seller than the finding it stands beside is
//! evidence against the filing, not for it: it must be said, never shown silently.

use super::{Listing, Seller};
use crate::money::Money;

/// The price and the seller of a listing as one reading of its page gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    pub price: Option<Money>,
    pub seller: Seller,
}

impl Listing {
    /// The price and seller read from this page.
    pub fn offer(&self) -> Offer {
        Offer {
            price: self.price.clone(),
            seller: self.seller.clone(),
        }
    }
}

impl Offer {
    /// How `rendered` (the same listing read from its rendered DOM) shows otherwise
    /// than `self` (read from the fetched page), one sentence per field; empty when
    /// it shows the same. Only what the fetched page showed is compared: a field it
    /// did not give cannot be contradicted. The seller is compared by the
    /// marketplace's id where both readings have one, else by name.
    pub fn shown_otherwise(&self, rendered: &Offer) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(fetched) = &self.price
            && rendered.price.as_ref() != Some(fetched)
        {
            out.push(match &rendered.price {
                Some(r) => format!("price: {r} as rendered, {fetched} as fetched"),
                None => format!("price: none read as rendered, {fetched} as fetched"),
            });
        }
        let (f, r) = (&self.seller, &rendered.seller);
        let differs = match (&f.id, &r.id, &f.name, &r.name) {
            (Some(fi), Some(ri), _, _) => fi.trim() != ri.trim(),
            (_, _, Some(fname), Some(rname)) => fname.trim() != rname.trim(),
            (None, _, None, _) => false,
            // The fetched page named a seller; the rendered one names none.
            _ => r.id.is_none() && r.name.is_none(),
        };
        if differs {
            out.push(format!(
                "seller: {} as rendered, {} as fetched",
                who(r),
                who(f)
            ));
        }
        out
    }
}

/// A seller as a sentence names it: `"name" (id)`, or "none read".
fn who(s: &Seller) -> String {
    match (&s.name, &s.id) {
        (Some(n), Some(id)) if n != id => format!("{n:?} (id {id:?})"),
        (Some(n), _) => format!("{n:?}"),
        (None, Some(id)) => format!("id {id:?}"),
        (None, None) => "none read".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(price: Option<&str>, name: Option<&str>, id: Option<&str>) -> Offer {
        Offer {
            price: price.map(|p| {
                let (amount, cur) = p.split_once(' ').expect("amount and currency");
                Money {
                    amount: amount.parse().expect("a decimal"),
                    currency: crate::money::Currency::new(cur).expect("a currency"),
                }
            }),
            seller: Seller {
                name: name.map(str::to_string),
                id: id.map(str::to_string),
            },
        }
    }

    #[test]
    fn the_same_offer_read_twice_shows_nothing_otherwise() {
        let a = offer(Some("70.99 USD"), Some("cheap"), Some("c99"));
        assert!(a.shown_otherwise(&a.clone()).is_empty());
        // The same amount written with another scale is the same price.
        let b = offer(Some("70.990 USD"), Some("cheap "), Some("c99"));
        assert!(a.shown_otherwise(&b).is_empty());
        // A seller id read only from the rendered page contradicts nothing.
        let fetched = offer(Some("70.99 USD"), Some("cheap"), None);
        assert!(fetched.shown_otherwise(&a).is_empty());
        // Nothing read from the fetched page: nothing to contradict.
        assert!(Offer::default().shown_otherwise(&a).is_empty());
    }

    #[test]
    fn another_price_or_seller_is_said_with_both_readings() {
        let fetched = offer(Some("70.99 USD"), Some("cheap"), Some("c99"));
        assert_eq!(
            fetched.shown_otherwise(&offer(Some("99.00 USD"), Some("cheap"), Some("c99"))),
            ["price: 99.00 USD as rendered, 70.99 USD as fetched"]
        );
        assert_eq!(
            fetched.shown_otherwise(&offer(Some("70.99 EUR"), Some("cheap"), Some("c99"))),
            ["price: 70.99 EUR as rendered, 70.99 USD as fetched"]
        );
        assert_eq!(
            fetched.shown_otherwise(&offer(None, Some("Acme Store"), Some("acme"))),
            [
                "price: none read as rendered, 70.99 USD as fetched",
                "seller: \"Acme Store\" (id \"acme\") as rendered, \"cheap\" (id \"c99\") as fetched"
            ]
        );
        assert_eq!(
            fetched.shown_otherwise(&offer(Some("70.99 USD"), None, None)),
            ["seller: none read as rendered, \"cheap\" (id \"c99\") as fetched"]
        );
        // Names compared where the fetched page gave no id.
        let by_name = offer(None, Some("cheap"), None);
        assert_eq!(
            by_name.shown_otherwise(&offer(None, Some("other"), Some("o1"))),
            ["seller: \"other\" (id \"o1\") as rendered, \"cheap\" as fetched"]
        );
    }
}
