//! False positives a reviewer dismissed, remembered in the targets folder
//! (`dismissals.toml`) so the next scan does not flag them again.
//!
//! A dismissal is about one listing, one seller, one SKU and one kind of finding,
//! *as they were*: the price and the title it was dismissed on. When the
//! listing's facts change (another price, another title, another seller) the
//! dismissal no longer covers it and the finding comes back: "it was a bundle at
//! a fair price" says nothing about next month's price. The file is part of the
//! targets, so it is reviewed like the rest of the policy (a diff in version
//! control), and removing an entry (the desk's Undo) makes the next scan flag
//! the listing again.
//!
//! A dismissed finding is not a complied one: it is resolved as dismissed, never
//! counts as a violation in a distributor's scorecard, and a case left with
//! nothing but dismissed findings is resolved as such, never as complied.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Finding, FindingKind, Verdict};
use crate::extract::Listing;

/// The file in the targets folder.
pub const FILE: &str = "dismissals.toml";

/// One dismissed false positive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dismissal {
    pub marketplace: String,
    pub listing_id: String,
    /// The seller as cases know it (`id:…` or `name:…`, see
    /// [`crate::ident::seller_key`]).
    pub seller: String,
    pub sku: String,
    pub kind: FindingKind,
    /// The facts it was dismissed on: the listing's price (`89.00 USD`, or empty
    /// when it showed none) and title.
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub title: String,
    /// Why it is not a violation, in the reviewer's words.
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

impl Dismissal {
    /// The dismissal of finding `f` of `listing`.
    pub fn of(f: &Finding, listing: &Listing, reason: &str, by: &str, at: DateTime<Utc>) -> Self {
        Dismissal {
            marketplace: f.marketplace.clone(),
            listing_id: f.listing_id.clone(),
            seller: crate::ident::seller_key(f.seller_id.as_deref(), f.seller_name.as_deref()),
            sku: f.sku.clone(),
            kind: f.kind,
            price: price_of(listing),
            title: listing.title.clone().unwrap_or_default(),
            reason: reason.trim().to_string(),
            by: by.to_string(),
            at,
        }
    }

    /// Whether this dismissal covers a finding of `kind` about SKU `sku` on a
    /// listing with these facts (same seller, price and title).
    pub fn covers(&self, facts: &Facts<'_>, kind: FindingKind, sku: &str) -> bool {
        self.kind == kind
            && self.sku == sku
            && self.marketplace == facts.marketplace
            && self.listing_id == facts.listing_id
            && self.seller
                == crate::ident::seller_key(
                    facts.seller.id.as_deref(),
                    facts.seller.name.as_deref(),
                )
            && self.price == facts.price.map(|p| p.to_string()).unwrap_or_default()
            && self.title == facts.title.unwrap_or_default()
    }
}

/// What a dismissal is about of a listing, from a listing or a report row.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub marketplace: &'a str,
    pub listing_id: &'a str,
    pub seller: &'a crate::extract::Seller,
    pub price: Option<&'a crate::money::Money>,
    pub title: Option<&'a str>,
}

impl<'a> Facts<'a> {
    pub fn of(l: &'a Listing) -> Self {
        Facts {
            marketplace: &l.marketplace,
            listing_id: &l.listing_id,
            seller: &l.seller,
            price: l.price.as_ref(),
            title: l.title.as_deref(),
        }
    }
}

fn price_of(l: &Listing) -> String {
    l.price.as_ref().map(|p| p.to_string()).unwrap_or_default()
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "dismissal")]
    dismissals: Vec<Dismissal>,
}

/// What went wrong reading or writing `dismissals.toml`.
#[derive(Debug, thiserror::Error)]
pub enum DismissalError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no dismissal number {0} in dismissals.toml")]
    NoSuch(usize),
}

/// The dismissals of a targets folder.
#[derive(Debug, Clone, Default)]
pub struct Dismissals(pub Vec<Dismissal>);

impl Dismissals {
    /// Reads `TARGETS/dismissals.toml` (none is no dismissal).
    pub fn load(targets: &Path) -> Result<Dismissals, DismissalError> {
        let path = targets.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Dismissals::default()),
            Err(source) => return Err(DismissalError::Read { path, source }),
        };
        let file: File = toml::from_str(&text).map_err(|e| DismissalError::Parse {
            path: path.clone(),
            message: e.to_string().trim_end().to_string(),
        })?;
        Ok(Dismissals(file.dismissals))
    }

    /// The dismissal covering a finding of `kind` for `sku` on a listing with
    /// `facts`, if any.
    pub fn find(&self, facts: &Facts<'_>, kind: FindingKind, sku: &str) -> Option<&Dismissal> {
        self.0.iter().find(|d| d.covers(facts, kind, sku))
    }

    /// Takes out of `verdict` the findings a dismissal covers, each named in its
    /// notes (the observation keeps why nothing was flagged).
    pub fn apply(&self, listing: &Listing, verdict: &mut Verdict) {
        if self.0.is_empty() {
            return;
        }
        let mut notes = Vec::new();
        let facts = Facts::of(listing);
        verdict.findings.retain(|f| match self.find(&facts, f.kind, &f.sku) {
            Some(d) => {
                notes.push(format!(
                    "{} not flagged: dismissed as a false positive by {} on {} ({}); flagged again when the listing's price, title or seller change",
                    f.kind.as_str(),
                    d.by,
                    d.at.format("%Y-%m-%d"),
                    d.reason
                ));
                false
            }
            None => true,
        });
        verdict.notes.extend(notes);
    }

    /// Adds `d` to `TARGETS/dismissals.toml` (unless the same one is there).
    pub fn add(targets: &Path, d: Dismissal) -> Result<Dismissals, DismissalError> {
        let mut all = Dismissals::load(targets)?;
        let same = |x: &Dismissal| {
            x.marketplace == d.marketplace
                && x.listing_id == d.listing_id
                && x.seller == d.seller
                && x.sku == d.sku
                && x.kind == d.kind
                && x.price == d.price
                && x.title == d.title
        };
        if !all.0.iter().any(same) {
            all.0.push(d);
        }
        all.write(targets)?;
        Ok(all)
    }

    /// Removes dismissal number `n` (0-based, in the file's order): the next scan
    /// flags what it covered again. The removed one is returned.
    pub fn remove(targets: &Path, n: usize) -> Result<(Dismissals, Dismissal), DismissalError> {
        let mut all = Dismissals::load(targets)?;
        if n >= all.0.len() {
            return Err(DismissalError::NoSuch(n + 1));
        }
        let gone = all.0.remove(n);
        all.write(targets)?;
        Ok((all, gone))
    }

    /// Writes the file whole through a temporary file renamed over it.
    fn write(&self, targets: &Path) -> Result<(), DismissalError> {
        use std::io::Write;
        let path = targets.join(FILE);
        let err = |source| DismissalError::Write {
            path: path.clone(),
            source,
        };
        let body = toml::to_string(&File {
            dismissals: self.0.clone(),
        })
        .map_err(|e| err(std::io::Error::other(e)))?;
        let text = format!(
            "# False positives dismissed at the review desk: the next scans do not flag\n# these listings again while their price, title and seller stay as written here.\n# Remove an entry (or press Undo at the desk) to have it flagged again.\n\n{body}"
        );
        let mut tmp = tempfile::NamedTempFile::new_in(targets).map_err(err)?;
        tmp.write_all(text.as_bytes()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(&path).map_err(|e| err(e.error))?;
        Ok(())
    }
}
