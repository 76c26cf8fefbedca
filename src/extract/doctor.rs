//! The adapter doctor: over many pages read with one adapter, how often each field
//! was found and from which source, and the most common reasons a field is missing,
//! so whoever tunes an adapter for a new marketplace sees what to fix first
//! (`brandguard extract --report FOLDER`).

use std::collections::BTreeMap;
use std::fmt;

use super::Listing;

/// The fields a listing page is read for, in the order the report lists them.
pub const FIELDS: &[&str] = &[
    "title",
    "price",
    "currency",
    "seller",
    "seller_id",
    "brand",
    "gtin",
    "mpn",
    "condition",
];

/// Counts over the pages read so far.
#[derive(Debug, Default)]
pub struct FieldReport {
    pub marketplace: String,
    pub pages: usize,
    /// Pages that could not be read at all (over their parse budget).
    pub unreadable: usize,
    /// Field → source (`json-ld`, `selector h1`, …) → pages.
    pub found: BTreeMap<&'static str, BTreeMap<String, usize>>,
    /// `field: reason` → pages.
    pub missing: BTreeMap<String, usize>,
}

impl FieldReport {
    pub fn new(marketplace: &str) -> Self {
        FieldReport {
            marketplace: marketplace.to_string(),
            ..FieldReport::default()
        }
    }

    /// Counts one page's listing.
    pub fn add(&mut self, l: &Listing) {
        self.pages += 1;
        if l.unreadable.is_some() {
            self.unreadable += 1;
        }
        for field in FIELDS {
            let present = match *field {
                "title" => l.title.is_some(),
                "price" | "currency" => l.price.is_some(),
                "seller" => l.seller.name.is_some(),
                "seller_id" => l.seller.id.is_some(),
                "brand" => l.brand.is_some(),
                "gtin" => !l.gtin.is_empty(),
                "mpn" => l.mpn.is_some(),
                _ => false,
            };
            if present {
                // The source without the note on which of several was chosen.
                let src = l
                    .sources
                    .get(*field)
                    .map_or("price text or adapter currency", |s| {
                        s.split(" (").next().unwrap_or(s)
                    });
                *self
                    .found
                    .entry(field)
                    .or_default()
                    .entry(src.to_string())
                    .or_default() += 1;
            } else if let Some(why) = l.missing.get(*field) {
                // Page-specific values (`\`$0.00\` …`) make every reason unique; the
                // report counts the reason's shape.
                let shape = match why.find("` ") {
                    Some(i) if why.starts_with('`') => format!("`…`{}", &why[i + 1..]),
                    _ => why.clone(),
                };
                *self.missing.entry(format!("{field}: {shape}")).or_default() += 1;
            }
        }
    }

    /// The `n` most common missing reasons, most common first.
    pub fn top_missing(&self, n: usize) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> =
            self.missing.iter().map(|(k, c)| (k.as_str(), *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}

impl fmt::Display for FieldReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} pages read ({} unreadable)",
            self.marketplace, self.pages, self.unreadable
        )?;
        writeln!(f, "{:<10} {:>12}  sources", "field", "found")?;
        for field in FIELDS {
            let by_source = self.found.get(field);
            let n: usize = by_source.map_or(0, |m| m.values().sum());
            let pct = (n * 100).checked_div(self.pages).unwrap_or(0);
            let sources = by_source
                .map(|m| {
                    let mut v: Vec<_> = m.iter().collect();
                    v.sort_by(|a, b| b.1.cmp(a.1));
                    v.iter()
                        .map(|(s, c)| format!("{s} {c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            writeln!(
                f,
                "{field:<10} {:>5} ({pct:>3}%)  {sources}",
                format!("{n}/{}", self.pages)
            )?;
        }
        let top = self.top_missing(10);
        if !top.is_empty() {
            writeln!(f, "most common reasons a field is missing:")?;
            for (why, n) in top {
                writeln!(f, "  {n:>5}  {why}")?;
            }
        }
        Ok(())
    }
}
