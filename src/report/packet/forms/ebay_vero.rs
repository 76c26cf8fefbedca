//! eBay VeRO's Notice of Claimed Infringement, and the body of its API request.

use super::{Facts, Form, counterfeit, field};
use crate::judge::FindingKind;
use crate::report::packet::FormField;
use crate::report::packet::evidence::Evidence;
use crate::sanitize::terminal_within;

pub(super) struct EbayVero;

/// Most items eBay's VeRO API takes in one request.
const MAX_ITEMS: usize = 150;

/// The brand's reason code key for a listing (`[enforcement] reason_codes`).
fn reason_code_key(counterfeit: bool) -> &'static str {
    if counterfeit {
        "ebay_vero.counterfeit"
    } else {
        "ebay_vero.trademark"
    }
}

/// The reason code key of unlawful importation (eBay's 9037: a product bearing the
/// trademark brought into a country the rights owner did not release it in), which
/// must name the countries concerned.
const IMPORTATION: &str = "ebay_vero.unlawful_importation";

/// An item sold by a distributor outside its territory, and not a counterfeit: an
/// unlawful importation into the marketplace's country.
fn imported(e: &Evidence) -> bool {
    !counterfeit(e)
        && e.records
            .iter()
            .any(|r| r.finding.kind == FindingKind::TerritoryBreach)
}

/// An item's reason code key.
fn item_code_key(e: &Evidence) -> &'static str {
    if imported(e) {
        IMPORTATION
    } else {
        reason_code_key(counterfeit(e))
    }
}

/// What unlawful importation needs beyond the case's fields, when an item is one:
/// its reason code and the country the marketplace sells into.
fn importation_fields(f: &Facts) -> Vec<FormField> {
    if !f.evidence.iter().any(imported) {
        return Vec::new();
    }
    let market = &f.case.marketplace;
    vec![
        field(
            "vero_reason_code_importation",
            "VeRO reason code for unlawful importation (API)",
            f.brand().enforcement.reason_codes.get(IMPORTATION).cloned(),
            &format!(
                "brand.toml [enforcement] reason_codes.\"{IMPORTATION}\" (from eBay's getVeroReasonCodes; 9037 on eBay)"
            ),
        ),
        field(
            "countries",
            "Countries the items are unlawfully imported into",
            f.config.marketplace(market).and_then(|m| m.country.clone()),
            &format!("marketplaces/{market}.toml country (ISO 3166-1 alpha-2)"),
        ),
    ]
}

impl Form for EbayVero {
    fn id(&self) -> &'static str {
        "ebay_vero"
    }
    fn title(&self) -> &'static str {
        "eBay VeRO — Notice of Claimed Infringement"
    }
    fn statements(&self) -> &'static str {
        "ebay_vero"
    }
    fn sworn(&self) -> bool {
        true
    }
    fn fields(&self, f: &Facts) -> Vec<FormField> {
        let code_key = reason_code_key(f.counterfeit());
        let mut fields = vec![
            f.owner_field(
                "rights_owner",
                "Name of intellectual property rights owner",
                "company",
                |o| Some(o.company.clone()),
            ),
            field(
                "vero_participant_id",
                "VeRO participant ID",
                f.program("ebay_vero"),
                "brand.toml [enforcement] program_ids.ebay_vero",
            ),
            f.owner_field("agent", "Name of authorised agent", "agent", |o| {
                o.agent.clone()
            }),
            f.owner_field("address", "Address", "address", |o| o.address.clone()),
            f.owner_field("email", "Email", "email", |o| o.email.clone()),
            f.owner_field("phone", "Telephone", "phone", |o| o.phone.clone()),
            field(
                "trademarks",
                "Trademark(s) infringed (registration, office, class)",
                f.all_trademarks(),
                &f.trademarks_source(),
            ),
            field(
                "item_numbers",
                "eBay item numbers",
                Some(f.ids()),
                "findings",
            ),
            field(
                "reason",
                "Reason for reporting (per item)",
                reasons_per_item(f),
                &format!(
                    "each item's findings; {}",
                    f.sentences.source("reason_trademark")
                ),
            ),
            field(
                "vero_reason_code",
                "VeRO reason code (API)",
                f.brand().enforcement.reason_codes.get(code_key).cloned(),
                &format!(
                    "brand.toml [enforcement] reason_codes.\"{code_key}\" (from eBay's getVeroReasonCodes)"
                ),
            ),
            field(
                "seller",
                "Seller user id",
                f.seller_id().or(Some(f.seller())),
                "the listing pages",
            ),
            field(
                "observed",
                "Observed prices and dates",
                f.prices(),
                &f.prices_source(),
            ),
            f.owner_field("signature", "Signature", "signatory", |o| {
                o.signatory.clone()
            }),
            field(
                "signature_date",
                "Date",
                Some(f.built_at.format("%Y-%m-%d").to_string()),
                "the day the packet was built",
            ),
        ];
        fields.extend(importation_fields(f));
        fields
    }

    /// The bodies of eBay's VeRO API `POST /commerce/vero/v1/vero_report` for the
    /// case's listings: batches of up to 150 items per request, as the API
    /// allows; messages at most 1,000 characters, truncation note included.
    /// (The v1 shape; v2 is not built yet, see issue 20.)
    fn api_files(&self, f: &Facts) -> Vec<(String, serde_json::Value)> {
        let brand = f.brand();
        let owner = brand
            .owner
            .as_ref()
            .map(|o| o.company.as_str())
            .unwrap_or("");
        let country = f
            .config
            .marketplace(&f.case.marketplace)
            .and_then(|m| m.country.clone());
        let items: Vec<serde_json::Value> = f
            .evidence
            .iter()
            .map(|e| {
                let key = item_code_key(e);
                let message = f.sentences.say(
                    "message_to_seller",
                    minijinja::context! { brand => &brand.name, owner, case => &f.case.id },
                );
                // What eBay's staff read: the item's reason and what was seen, in
                // the form's language (never the internal finding text).
                let detail = f.grounds().and_then(|g| {
                    let mut parts = vec![item_reason(f, e, &g)];
                    parts.extend(f.item_grounds(e));
                    parts.push(f.observed(e));
                    f.sentences.join("item_separator", parts)
                });
                let mut item = serde_json::json!({
                    "itemId": e.records[0].finding.listing_id,
                    "veroReasonCodeId": brand.enforcement.reason_codes.get(key),
                    "messageToSeller": message.map(|m| terminal_within(&m, 1000)),
                    "copyEmailToRightsOwner": true,
                    "detailedMessage": detail.map(|d| terminal_within(&d, 1000)),
                });
                // Unlawful importation names the countries it concerns (eBay: one
                // country per entry, required for 9037).
                if key == IMPORTATION {
                    item["countries"] = serde_json::json!(country.iter().collect::<Vec<_>>());
                }
                item
            })
            .collect();
        batches(items)
    }
}

/// The NOCI's reason, item by item, from each item's own grounds: a counterfeit
/// only where the item has grounds beyond its price (see `counterfeit`), and then
/// what shows it (the counterfeit words its title carries, a counterfeit test
/// buy's order), as the API's detail says; in the form's language, `None` when a
/// sentence of it is missing. Each item begins with its id, which keeps items
/// apart in the one field.
fn reasons_per_item(f: &Facts) -> Option<String> {
    let grounds = f.grounds()?;
    let each = f
        .evidence
        .iter()
        .flat_map(|e| {
            let mut parts = vec![item_reason(f, e, &grounds)];
            parts.extend(f.item_grounds(e));
            parts
        })
        .collect();
    f.sentences.join("item_separator", each)
}

/// One item's reason (see [`reasons_per_item`]).
fn item_reason(f: &Facts, e: &Evidence, grounds: &Option<String>) -> Option<String> {
    let key = if counterfeit(e) {
        "reason_counterfeit"
    } else if imported(e) {
        "reason_importation"
    } else {
        "reason_trademark"
    };
    f.sentences.say(
        key,
        minijinja::context! { id => &e.records[0].finding.listing_id, grounds },
    )
}

/// The request bodies for `items`: one `api/vero_report.json` when they fit in one
/// request, else `api/vero_report-1.json`, `-2`, … of at most [`MAX_ITEMS`] each
/// (never an item silently left out).
fn batches(items: Vec<serde_json::Value>) -> Vec<(String, serde_json::Value)> {
    let chunks: Vec<&[serde_json::Value]> = items.chunks(MAX_ITEMS).collect();
    if chunks.len() <= 1 {
        return vec![(
            "api/vero_report.json".into(),
            serde_json::json!({ "reportItems": items }),
        )];
    }
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("api/vero_report-{}.json", i + 1),
                serde_json::json!({ "reportItems": c }),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_items_than_one_request_takes_are_split_none_dropped() {
        let items = |n: usize| -> Vec<serde_json::Value> {
            (0..n)
                .map(|i| serde_json::json!({ "itemId": i.to_string() }))
                .collect()
        };
        let one = batches(items(150));
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "api/vero_report.json");
        let two = batches(items(151));
        assert_eq!(two.len(), 2);
        assert_eq!(two[0].0, "api/vero_report-1.json");
        let sizes: Vec<usize> = two
            .iter()
            .map(|(_, b)| b["reportItems"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, [150, 1]);
    }
}
