//! The complaint forms and letters a packet can be: one module per form, each a
//! [`Form`] that says what the form asks for (fields with their sources, so a
//! missing one is named), which template renders its cover and which API body, if
//! any, goes with it. Adding a form, or a new version of one, touches one file
//! here and a line in [`for_case`].

mod alibaba_ipp;
mod amazon;
mod cease_and_desist;
mod distributor_notice;
mod ebay_vero;
mod generic;
mod sentences;

pub(crate) use sentences::Sentences;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use minijinja::context;

use super::{Evidence, FormField, MAX_TEXT};
use crate::case::{Case, EnforcementPath};
use crate::config::{Brand, ComplaintFormat, Config, RightsOwner, Trademark};
use crate::judge::FindingKind;
use crate::sanitize::terminal;

/// One complaint form or letter.
pub(super) trait Form: Sync {
    /// Its id: the cover template is `templates/packet/{id}.html`, and the id is
    /// written into the manifest and the case's packet record.
    fn id(&self) -> &'static str;
    /// Its title, as the marketplace or the letter heads it.
    fn title(&self) -> &'static str;
    /// The section of `templates/packet/statements.toml` whose sentences it uses.
    fn statements(&self) -> &'static str {
        "generic"
    }
    /// The language it is written in (ISO 639-1) when its marketplace names none.
    fn language(&self) -> &'static str {
        "en"
    }
    /// Whether it is written in its marketplace's `language` (a complaint form, filed
    /// there), or always in its own (a letter, whose template is its own words).
    fn in_marketplace_language(&self) -> bool {
        true
    }
    /// Whether it is filed with a marketplace under the sworn statements
    /// (good faith; accuracy under penalty of perjury).
    fn sworn(&self) -> bool {
        false
    }
    /// The fields it asks for, in its order.
    fn fields(&self, facts: &Facts) -> Vec<FormField>;
    /// Files for the marketplace's API (path inside the packet → JSON body).
    fn api_files(&self, _facts: &Facts) -> Vec<(String, serde_json::Value)> {
        Vec::new()
    }
    /// Other files the filing needs (path → bytes), e.g. link lists of one
    /// complaint each when a form takes a limited number.
    fn text_files(&self, _facts: &Facts) -> Vec<(String, Vec<u8>)> {
        Vec::new()
    }
}

/// The form for a case: the marketplace's complaint form when the case goes to
/// the marketplace, else the letter its path calls for.
pub(super) fn for_case(c: &Case, format: ComplaintFormat) -> &'static dyn Form {
    match c.path.path {
        EnforcementPath::DistributorNotice => &distributor_notice::DistributorNotice,
        EnforcementPath::CeaseAndDesist => &cease_and_desist::CeaseAndDesist,
        EnforcementPath::MarketplaceComplaint => match format {
            ComplaintFormat::Amazon => &amazon::Amazon,
            ComplaintFormat::EbayVero => &ebay_vero::EbayVero,
            ComplaintFormat::Alibaba => &alibaba_ipp::AlibabaIpp,
            ComplaintFormat::Generic => &generic::Generic,
        },
    }
}

/// What the forms' fields are filled from: the brand's settings, the case and
/// its evidence, in the shapes the forms share.
pub(super) struct Facts<'a> {
    pub config: &'a Config,
    pub case: &'a Case,
    pub evidence: &'a [Evidence],
    /// The brand's sentences for this form (`statements.toml`).
    pub statements: &'a BTreeMap<String, String>,
    /// The section they come from (`amazon`, `"amazon@de"`).
    pub statements_section: &'a str,
    /// When the packet is built: the date a sworn form is signed on.
    pub built_at: chrono::DateTime<chrono::Utc>,
    /// The sentences of the form's language, for the values it carries.
    pub sentences: &'a Sentences,
}

/// Where owner fields come from, for the `source` of each.
const SRC_OWNER: &str = "brand.toml [brand.owner]";

impl Facts<'_> {
    fn brand(&self) -> &Brand {
        &self.config.brand
    }

    /// A field of the rights owner's settings, sourced as `[brand.owner] KEY`.
    fn owner_field(
        &self,
        id: &str,
        label: &str,
        key: &str,
        value: fn(&RightsOwner) -> Option<String>,
    ) -> FormField {
        field(
            id,
            label,
            self.brand().owner.as_ref().and_then(value),
            &format!("{SRC_OWNER} {key}"),
        )
    }

    /// The trademark a form names: for `cnipa_first`, a CNIPA registration if the
    /// brand has one; else the first.
    fn trademark(&self, cnipa_first: bool) -> Option<&Trademark> {
        let b = self.brand();
        b.trademarks
            .iter()
            .find(|t| !cnipa_first || t.office == "CNIPA")
            .or(b.trademarks.first())
    }

    /// Every registration, "MARK — OFFICE reg. no. N, class C; …" in the form's
    /// language; missing when any of them lacks its number or office (never "reg.
    /// no. , class 9").
    fn all_trademarks(&self) -> Option<String> {
        let tms = &self.brand().trademarks;
        if tms.is_empty()
            || tms
                .iter()
                .any(|t| t.number.trim().is_empty() || t.office.trim().is_empty())
        {
            return None;
        }
        let each = tms
            .iter()
            .map(|t| {
                self.sentences.say(
                    "trademark",
                    context! { mark => &t.mark, office => &t.office, number => &t.number, classes => &t.classes },
                )
            })
            .collect();
        self.sentences.join("item_separator", each)
    }

    /// Where [`Facts::all_trademarks`] comes from.
    fn trademarks_source(&self) -> String {
        format!(
            "brand.toml [[trademark]]; {}",
            self.sentences.source("trademark")
        )
    }

    /// "OFFICE, class C" of a registration, in the form's language.
    fn office_classes(&self, t: &Trademark) -> Option<String> {
        self.sentences.say(
            "office_classes",
            context! { office => &t.office, classes => &t.classes },
        )
    }

    /// The listings' URLs, one per line.
    fn urls(&self) -> String {
        self.evidence
            .iter()
            .map(|e| e.records[0].finding.url.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The listings' ids, comma-separated.
    fn ids(&self) -> String {
        self.evidence
            .iter()
            .map(|e| e.records[0].finding.listing_id.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// "ID: PRICE (seen FROM to TO); …" for each listing, in the form's language.
    fn prices(&self) -> Option<String> {
        let each = self.evidence.iter().map(|e| self.observed(e)).collect();
        self.sentences.join("item_separator", each)
    }

    /// "ID: PRICE (seen FROM to TO)" of one listing, in the form's language: one
    /// such sentence per price it showed its findings at ([`Evidence::prices`]), so
    /// each holds for every day it names.
    fn observed(&self, e: &Evidence) -> Option<String> {
        let f = &e.records[0];
        let say =
            |price: Option<&crate::money::Money>, from: &DateTime<Utc>, to: &DateTime<Utc>| {
                let price = match price {
                    Some(p) => Some(p.to_string()),
                    None => self.sentences.word("no_price"),
                }?;
                self.sentences.say(
                    "observed",
                    context! {
                        id => &f.finding.listing_id,
                        price => price,
                        from => from.format("%Y-%m-%d").to_string(),
                        to => to.format("%Y-%m-%d").to_string(),
                    },
                )
            };
        if e.prices.is_empty() {
            return say(f.finding.observed.as_ref(), &f.first_seen, &f.last_seen);
        }
        let each = e
            .prices
            .iter()
            .map(|r| say(r.price.as_ref(), &r.from, &r.to))
            .collect();
        self.sentences.join("item_separator", each)
    }

    /// What shows a listing counterfeit, in the form's language: the counterfeit
    /// words its title carries (quoted as the page has them) and a counterfeit test
    /// buy. Nothing for a listing that is not claimed counterfeit.
    fn item_grounds(&self, e: &Evidence) -> Vec<Option<String>> {
        if !counterfeit(e) {
            return Vec::new();
        }
        let mut words: Vec<&str> = e
            .records
            .iter()
            .filter(|r| r.finding.kind == FindingKind::SuspectedCounterfeit)
            .flat_map(|r| crate::judge::counterfeit_grounds(&r.finding.detail))
            .filter_map(crate::judge::title_word)
            .collect();
        // Each word once, in the order the findings give them.
        let mut seen = std::collections::HashSet::new();
        words.retain(|w| seen.insert(*w));
        let mut said = Vec::new();
        if !words.is_empty() {
            let quoted: Vec<String> = words
                .iter()
                .map(|w| format!("\u{201c}{w}\u{201d}"))
                .collect();
            said.push(
                self.sentences
                    .say("title_words", context! { words => quoted }),
            );
        }
        if let Some(g) = test_bought_counterfeit(e) {
            said.push(self.sentences.say(
                "test_buy_order",
                context! {
                    id => &e.records[0].finding.listing_id,
                    order => &g.order_id,
                    date => g.order_date.map(|d| d.to_string()),
                },
            ));
        }
        said
    }

    /// Where [`Facts::prices`] comes from.
    fn prices_source(&self) -> String {
        format!("observations; {}", self.sentences.source("observed"))
    }

    /// Whether a form with one claim for the whole case may claim counterfeits:
    /// only if every listing has grounds beyond its price (see [`counterfeit`]);
    /// otherwise the claim is trademark infringement and the cover names the
    /// listings suspected by price alone. (eBay's reason codes go per item.)
    fn counterfeit(&self) -> bool {
        !self.evidence.is_empty() && self.evidence.iter().all(counterfeit)
    }

    /// [`Facts::counterfeit`] where every listing was also test-bought and found
    /// counterfeit: the order ids, "LISTING: order ORDER of DATE; …".
    fn test_buy_orders(&self) -> Option<String> {
        if !self.counterfeit() {
            return None;
        }
        let each = self
            .evidence
            .iter()
            .map(|e| {
                let g = test_bought_counterfeit(e)?;
                self.sentences.say(
                    "test_buy_order",
                    context! {
                        id => &e.records[0].finding.listing_id,
                        order => &g.order_id,
                        date => g.order_date.map(|d| d.to_string()),
                    },
                )
            })
            .collect();
        self.sentences.join("item_separator", each)
    }

    /// Where the infringement appears: always the listing (it uses the mark), and
    /// what test buys and reviewers recorded (product, packaging).
    fn appears_in(&self) -> Option<String> {
        let mut places = vec!["listing"];
        for g in self.evidence.iter().flat_map(|e| &e.grounds) {
            for a in &g.appears_in {
                if let Some(p) = crate::case::APPEARS_IN.iter().find(|p| **p == a.as_str())
                    && !places.contains(p)
                {
                    places.push(p);
                }
            }
        }
        places.sort_by_key(|p| crate::case::APPEARS_IN.iter().position(|x| x == p));
        let each = places
            .iter()
            .map(|p| self.sentences.word(&format!("appears_{p}")))
            .collect();
        self.sentences.join("list_separator", each)
    }

    fn seller(&self) -> String {
        terminal(self.case.seller_name.as_deref().unwrap_or(""), MAX_TEXT)
    }

    fn seller_id(&self) -> Option<String> {
        self.case
            .seller_id
            .as_deref()
            .map(|s| terminal(s, MAX_TEXT))
    }

    /// The brand's id in a marketplace's enforcement programme.
    fn program(&self, key: &str) -> Option<String> {
        self.brand().enforcement.program_ids.get(key).cloned()
    }

    /// The grounds the brand states for complaints against an unauthorised seller
    /// on this marketplace, in the form's language: `Some(None)` when it states none,
    /// `None` when it states them only in another language (a missing field, never
    /// an English sentence inside a German or Chinese form).
    fn grounds(&self) -> Option<Option<String>> {
        let e = &self.brand().enforcement;
        let market = &self.case.marketplace;
        let (material, content) = e.grounds_parts(market, self.sentences.lang());
        if material.is_none() && content.is_none() {
            let (en_material, en_content) = e.grounds_parts(market, "en");
            return (en_material.is_none() && en_content.is_none()).then_some(None);
        }
        self.sentences
            .say("grounds", context! { material, content })
            .map(Some)
    }

    /// The claim of the whole complaint, in the form's language: a counterfeit only
    /// where every listing has grounds beyond its price (see [`Facts::counterfeit`]).
    fn claim(&self) -> Option<String> {
        if self.counterfeit() {
            return self.sentences.word("claim_counterfeit");
        }
        let grounds = self.grounds()?;
        self.sentences.say("claim_trademark", context! { grounds })
    }

    /// Where [`Facts::claim`] comes from.
    fn claim_source(&self) -> String {
        let lang = self.sentences.lang();
        let keys = if lang == "en" {
            "\"MARKET\"".to_string()
        } else {
            format!("\"MARKET@{lang}\"")
        };
        format!(
            "case findings; {}; the brand's grounds: brand.toml [enforcement] material_differences / protected_content {keys}",
            self.sentences.source("claim_trademark")
        )
    }

    /// The sworn statements complaint forms end with.
    fn sworn_statements(&self) -> [FormField; 2] {
        [
            field(
                "good_faith_statement",
                "Good-faith statement",
                self.statements.get("good_faith").cloned(),
                &format!(
                    "templates/packet/statements.toml [\"{}\"] good_faith",
                    self.statements_section
                ),
            ),
            field(
                "accuracy_statement",
                "Accuracy statement (under penalty of perjury)",
                self.statements.get("accuracy").cloned(),
                &format!(
                    "templates/packet/statements.toml [\"{}\"] accuracy",
                    self.statements_section
                ),
            ),
        ]
    }
}

/// Whether a listing's findings support a counterfeit claim: a suspected
/// counterfeit with grounds beyond its price (counterfeit words, impersonation,
/// misbranding). A price far under the floor alone is a suspicion, and a sworn
/// statement that the item is a counterfeit would say more than the proof.
fn counterfeit(e: &Evidence) -> bool {
    let on_the_page = e.records.iter().any(|r| {
        r.finding.kind == FindingKind::SuspectedCounterfeit
            && !crate::judge::counterfeit_grounds(&r.finding.detail).is_empty()
    });
    let recorded = e.grounds.iter().any(|g| g.counterfeit);
    // A genuine item bought from the listing outweighs every signal.
    let bought_genuine = e
        .grounds
        .iter()
        .any(|g| g.kind == "test_buy" && !g.counterfeit);
    (on_the_page || recorded) && !bought_genuine
}

/// A counterfeit test buy of the listing: what Amazon asks of a counterfeit claim.
fn test_bought_counterfeit(e: &Evidence) -> Option<&crate::case::Grounds> {
    e.grounds
        .iter()
        .find(|g| g.kind == "test_buy" && g.counterfeit && g.order_id.is_some())
}

/// Whether the evidence would support a counterfeit claim but the form asks it
/// for a test buy's order id that is not recorded for every listing (Amazon).
pub(super) fn needs_test_buy(form: &dyn Form, facts: &Facts) -> bool {
    form.id() == "amazon" && facts.counterfeit() && facts.test_buy_orders().is_none()
}

/// Listings flagged as possible counterfeits by their price alone.
pub(super) fn price_only(evidence: &[Evidence]) -> Vec<String> {
    evidence
        .iter()
        .filter(|e| {
            !counterfeit(e)
                && e.records
                    .iter()
                    .any(|r| r.finding.kind == FindingKind::SuspectedCounterfeit)
        })
        .map(|e| e.listing.clone())
        .collect()
}

/// A field; a blank value counts as missing.
fn field(id: &str, label: &str, value: Option<String>, source: &str) -> FormField {
    FormField {
        id: id.into(),
        label: label.into(),
        value: value.filter(|v| !v.trim().is_empty()),
        source: source.into(),
    }
}

/// The fields of a form, followed by the sworn statements if it is sworn.
pub(super) fn fields(form: &dyn Form, facts: &Facts) -> Vec<FormField> {
    let mut f = form.fields(facts);
    if form.sworn() {
        f.extend(facts.sworn_statements());
    }
    f
}
