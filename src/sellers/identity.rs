//! A seller's identity as its profile page shows it: schema.org `Organization`
//! data first (what marketplaces publish for search engines), the adapter's
//! `[seller_page.fields]` selectors for what that lacks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::network::{IdKind, Identifier};
use super::{normalize, registry};
use crate::config::{FieldRule, Marketplace};
use crate::crawl::Page;
use crate::extract::{self, html, structured};

/// Who is behind a seller account, as its profile page said it. Values are kept as
/// shown (capped); [`SellerIdentity::identifiers`] derives what links sellers, so
/// better normalisation later never needs the evidence rewritten.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerIdentity {
    pub marketplace: String,
    pub seller_id: String,
    /// The profile page's address.
    pub url: String,
    pub shop_name: Option<String>,
    pub legal_name: Option<String>,
    pub address: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub registrations: Vec<String>,
    pub vat: Option<String>,
    /// When the shop opened, as shown.
    pub opened: Option<String>,
    /// Field → where its value came from (`json-ld`, `selector …`).
    pub sources: BTreeMap<String, String>,
    /// The marketplace's country (for phone numbers written without a code).
    pub country: Option<String>,
}

impl SellerIdentity {
    /// Nothing on the page said who the seller is.
    pub fn is_empty(&self) -> bool {
        self.legal_name.is_none()
            && self.address.is_none()
            && self.phones.is_empty()
            && self.emails.is_empty()
            && self.registrations.is_empty()
            && self.vat.is_none()
    }

    /// The values that can link this seller to others, normalised, each with the
    /// text it came from. Values that identify nobody (short or all-zero phones,
    /// malformed e-mails, registration numbers with a wrong check character) are
    /// left out here, so no rule downstream can link on them.
    pub fn identifiers(&self) -> Vec<Identifier> {
        let mut out = Vec::new();
        let country = self.country.as_deref();
        for p in &self.phones {
            if let Some(v) = normalize::phone(p, country) {
                out.push(Identifier::new(IdKind::Phone, v, p));
            }
        }
        for e in &self.emails {
            if let Some(v) = normalize::email(e) {
                out.push(Identifier::new(IdKind::Email, v, e));
            }
        }
        for r in self.registrations.iter().chain(self.vat.iter()) {
            if let Some((scheme, v)) = registry::normalize(r) {
                out.push(Identifier::new(
                    IdKind::Registration,
                    format!("{}:{v}", scheme.as_str()),
                    r,
                ));
            }
        }
        if let (Some(name), Some(addr)) = (&self.legal_name, &self.address) {
            let (n, a) = (normalize::company(name), normalize::address(addr));
            if !n.is_empty() && !a.is_empty() {
                out.push(Identifier::new(
                    IdKind::NameAndAddress,
                    format!("{n} | {a}"),
                    &format!("{name}, {addr}"),
                ));
            }
        }
        out.sort();
        out.dedup_by(|a, b| a.kind == b.kind && a.value == b.value);
        out
    }
}

/// Reads seller `seller_id`'s identity from its profile page. Never fails: what the
/// page does not say stays empty (a page that could not be parsed says nothing).
pub fn read(page: &Page, m: &Marketplace, seller_id: &str) -> SellerIdentity {
    let mut id = SellerIdentity {
        marketplace: m.name.clone(),
        seller_id: seller_id.to_string(),
        url: page.final_url.to_string(),
        country: m.country.clone(),
        ..SellerIdentity::default()
    };
    let decoded = extract::decode(page);
    let Ok(doc) = html::parse(&decoded.text, html::Budget::default()) else {
        return id;
    };
    for v in structured::json_ld_values(&doc) {
        organizations(&v, 0, &mut |o| from_json_ld(o, &mut id));
    }
    let Some(rules) = m.seller_page.as_ref().map(|p| &p.fields) else {
        return id;
    };
    let mut pick = |field: &str, rules: &[FieldRule], slot: &mut Option<String>| {
        if slot.is_none()
            && let Some((v, src)) = extract::by_selectors(&doc, rules)
        {
            *slot = Some(extract::cap(v));
            id.sources.insert(field.into(), src);
        }
    };
    pick("shop_name", &rules.shop_name, &mut id.shop_name);
    pick("legal_name", &rules.legal_name, &mut id.legal_name);
    pick("address", &rules.address, &mut id.address);
    pick("vat", &rules.vat, &mut id.vat);
    pick("opened", &rules.opened, &mut id.opened);
    let mut many = |field: &str, rules: &[FieldRule], list: &mut Vec<String>| {
        if list.is_empty()
            && let Some((v, src)) = extract::by_selectors(&doc, rules)
        {
            list.push(extract::cap(v));
            id.sources.insert(field.into(), src);
        }
    };
    let (mut phones, mut emails, mut regs) = (
        std::mem::take(&mut id.phones),
        std::mem::take(&mut id.emails),
        std::mem::take(&mut id.registrations),
    );
    many("phone", &rules.phone, &mut phones);
    many("email", &rules.email, &mut emails);
    many("registration", &rules.registration, &mut regs);
    (id.phones, id.emails, id.registrations) = (phones, emails, regs);
    id
}

/// Organisation-like nodes of a JSON-LD value (`@graph`, arrays), not deeper than a
/// few levels: a profile page describes the seller at its top.
fn organizations(v: &Value, depth: usize, f: &mut impl FnMut(&Value)) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| organizations(x, depth + 1, f)),
        Value::Object(o) => {
            const TYPES: [&str; 4] = ["Organization", "Corporation", "OnlineStore", "Store"];
            if TYPES.iter().any(|t| structured::is_type(v, t)) {
                f(v);
            } else if let Some(g) = o.get("@graph") {
                organizations(g, depth + 1, f);
            }
        }
        _ => {}
    }
}

/// Text of a JSON-LD value (a string, a number as written, the first of a list).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(extract::cap(s.trim().to_string())),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(text),
        _ => None,
    }
}

/// A schema.org `PostalAddress` (or a plain string) as one line.
fn postal(v: &Value) -> Option<String> {
    match v {
        Value::Object(_) => {
            let parts: Vec<String> = [
                "streetAddress",
                "addressLocality",
                "addressRegion",
                "postalCode",
                "addressCountry",
            ]
            .iter()
            .filter_map(|k| v.get(*k).and_then(text))
            .collect();
            (!parts.is_empty()).then(|| extract::cap(parts.join(", ")))
        }
        other => text(other),
    }
}

fn from_json_ld(o: &Value, id: &mut SellerIdentity) {
    let mut set = |field: &str, slot: &mut Option<String>, value: Option<String>| {
        if slot.is_none()
            && let Some(v) = value
        {
            *slot = Some(v);
            id.sources.insert(field.into(), "json-ld".into());
        }
    };
    let mut shop = id.shop_name.take();
    let mut legal = id.legal_name.take();
    let mut address = id.address.take();
    let mut vat = id.vat.take();
    let mut opened = id.opened.take();
    set("shop_name", &mut shop, o.get("name").and_then(text));
    set("legal_name", &mut legal, o.get("legalName").and_then(text));
    set("address", &mut address, o.get("address").and_then(postal));
    set("vat", &mut vat, o.get("vatID").and_then(text));
    set("opened", &mut opened, o.get("foundingDate").and_then(text));
    (id.shop_name, id.legal_name, id.address, id.vat, id.opened) =
        (shop, legal, address, vat, opened);
    let mut push = |field: &str, list: &mut Vec<String>, value: Option<String>| {
        if let Some(v) = value
            && !list.contains(&v)
        {
            list.push(v);
            id.sources.insert(field.into(), "json-ld".into());
        }
    };
    let (mut phones, mut emails, mut regs) = (
        std::mem::take(&mut id.phones),
        std::mem::take(&mut id.emails),
        std::mem::take(&mut id.registrations),
    );
    push("phone", &mut phones, o.get("telephone").and_then(text));
    push("email", &mut emails, o.get("email").and_then(text));
    for key in ["taxID", "leiCode", "duns", "iso6523Code"] {
        push("registration", &mut regs, o.get(key).and_then(text));
    }
    if let Some(ids) = o.get("identifier") {
        // `identifier` is often the marketplace's own seller id; only a
        // PropertyValue naming a register is a registration number.
        let list: Vec<&Value> = match ids {
            Value::Array(a) => a.iter().collect(),
            one => vec![one],
        };
        for pv in list {
            if pv.get("propertyID").is_some() {
                push("registration", &mut regs, pv.get("value").and_then(text));
            }
        }
    }
    (id.phones, id.emails, id.registrations) = (phones, emails, regs);
}
