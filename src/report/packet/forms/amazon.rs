//! Amazon Brand Registry's "Report a Violation" form.

use super::{Facts, Form, field};
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
        // Amazon asks a counterfeit report for the test buy's order id: without one
        // for every listing the claim is trademark infringement, and the cover says
        // what a counterfeit claim would need.
        let test_buys = f.test_buy_orders();
        let issue = if test_buys.is_some() {
            "issue_counterfeit"
        } else {
            "issue_trademark"
        };
        let mut fields = self.listing_fields(f, tm, issue);
        fields.push(field(
            "appears_in",
            "Where does the infringement appear?",
            f.appears_in(),
            &format!(
                "the listing pages; case testbuy/confirm --appears; {}",
                f.sentences.source("appears_listing")
            ),
        ));
        if let Some(orders) = test_buys {
            fields.push(field(
                "test_buy_order",
                "Test buy order ID",
                Some(orders),
                &format!(
                    "case testbuy --order; {}",
                    f.sentences.source("test_buy_order")
                ),
            ));
        }
        fields
    }
}

impl Amazon {
    fn listing_fields(
        &self,
        f: &Facts,
        tm: Option<&crate::config::Trademark>,
        issue: &str,
    ) -> Vec<FormField> {
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
                f.sentences.word(issue),
                &format!("case findings; {}", f.sentences.source(issue)),
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
                tm.and_then(|t| f.office_classes(t)),
                &format!(
                    "brand.toml [[trademark]] office, classes; {}",
                    f.sentences.source("office_classes")
                ),
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
                f.prices(),
                &f.prices_source(),
            ),
            field(
                "details",
                "Additional information",
                f.claim(),
                &f.claim_source(),
            ),
        ]
    }
}
