//! A generic notice of trademark infringement, for marketplaces without a form
//! of their own; its fields are also what the letters carry.

use super::{Facts, Form, field};
use crate::report::packet::FormField;

pub(super) struct Generic;

impl Form for Generic {
    fn id(&self) -> &'static str {
        "generic"
    }
    fn title(&self) -> &'static str {
        "Notice of trademark infringement"
    }
    fn sworn(&self) -> bool {
        true
    }
    fn fields(&self, f: &Facts) -> Vec<FormField> {
        notice_fields(f)
    }
}

/// Who complains, about which marks, against whom, and what was seen.
pub(super) fn notice_fields(f: &Facts) -> Vec<FormField> {
    vec![
        f.owner_field("rights_owner", "Rights owner", "company", |o| {
            Some(o.company.clone())
        }),
        f.owner_field("agent", "Acting for the owner", "agent", |o| {
            o.agent.clone()
        }),
        f.owner_field("address", "Address", "address", |o| o.address.clone()),
        f.owner_field("email", "Email", "email", |o| o.email.clone()),
        field(
            "trademarks",
            "Registered trademarks",
            f.all_trademarks(),
            &f.trademarks_source(),
        ),
        field("seller", "Seller", Some(f.seller()), "the listing pages"),
        field("seller_id", "Seller id", f.seller_id(), "the listing pages"),
        field("listing_urls", "Listings", Some(f.urls()), "findings"),
        field(
            "observed",
            "Observed prices and dates",
            f.prices(),
            &f.prices_source(),
        ),
        f.owner_field("signature", "Signed by", "signatory", |o| {
            o.signatory.clone()
        }),
    ]
}
