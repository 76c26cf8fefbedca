//! Amazon Brand Registry's "Report a Violation" form.

use super::{Facts, Form, classes, field};
use crate::report::packet::FormField;

pub(super) struct Amazon;

impl Form for Amazon {
    fn id(&self) -> &'static str {
        "amazon"
    }
    fn title(&self) -> &'static str {
        "Amazon Brand Registry — Report a Violation"
    }
    fn statements(&self) -> &'static str {
        "amazon"
    }
    fn sworn(&self) -> bool {
        true
    }
    fn fields(&self, f: &Facts) -> Vec<FormField> {
        let tm = f.trademark(false);
        let issue = if f.counterfeit() {
            "Trademark — counterfeit product"
        } else {
            "Trademark — trademark infringement"
        };
        vec![
            field(
                "brand",
                "Brand name",
                Some(f.brand().name.clone()),
                "brand.toml [brand] name",
            ),
            f.owner_field("rights_owner", "Rights owner", "company", |o| {
                Some(o.company.clone())
            }),
            field(
                "brand_registry_account",
                "Brand Registry account",
                f.program("amazon"),
                "brand.toml [enforcement] program_ids.amazon",
            ),
            f.owner_field("contact_email", "Contact email", "email", |o| {
                o.email.clone()
            }),
            field(
                "issue_type",
                "What is the issue?",
                Some(issue.into()),
                "case findings",
            ),
            field(
                "trademark_registration",
                "Trademark registration number",
                tm.map(|t| t.number.clone()), // blank counts as missing (see `field`)
                "brand.toml [[trademark]] number",
            ),
            field(
                "trademark_office",
                "Trademark office and classes",
                tm.map(|t| format!("{}, class {}", t.office, classes(t))),
                "brand.toml [[trademark]] office, classes",
            ),
            field(
                "listing_ids",
                "ASINs / listing ids",
                Some(f.ids()),
                "findings",
            ),
            field("listing_urls", "Listing URLs", Some(f.urls()), "findings"),
            field(
                "seller",
                "Seller name",
                Some(f.seller()),
                "the listing pages",
            ),
            field("seller_id", "Seller id", f.seller_id(), "the listing pages"),
            field(
                "observed",
                "Observed prices and dates",
                Some(f.prices()),
                "observations",
            ),
            field(
                "details",
                "Additional information",
                Some(f.reason_en()),
                "case path",
            ),
        ]
    }
}
