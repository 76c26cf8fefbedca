//! Distributor compliance reports for a period: scorecards, violations, a
//! self-contained HTML page with each SKU's price history against its floors, and the
//! unauthorised sellers seen.
//!
//! Everything is computed from the observations of the scans dated in the period
//! (a scan's date is its `as_of`), so a report can be rebuilt at any time from the
//! store and says the same.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::ReportError;
use crate::config::Config;
use crate::evidence::{ReportRow, ScanRecord, Store, finding_key_of};
use crate::judge::FindingKind;
use crate::money::Money;
use crate::sanitize::terminal;

/// A month, `2026-11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a month like 2026-11");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)
        }
        .ok_or_else(bad)?;
        let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
        Ok(Period {
            start: at(first),
            end: at(next),
        })
    }
}

impl Period {
    pub fn label(&self) -> String {
        format!("{}-{:02}", self.start.year(), self.start.month())
    }
}

/// One distributor's row of `scorecards.csv`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scorecard {
    pub distributor: String,
    pub name: String,
    pub listings_watched: usize,
    pub observations: usize,
    /// Of `observations`, those whose price was checked against a floor (read,
    /// in a currency the SKU has a floor for): a price violation could only be
    /// seen in these.
    pub prices_checked: usize,
    /// Distinct (listing, kind) violations in the period, by kind.
    pub violations: BTreeMap<String, usize>,
    pub violations_total: usize,
    pub days_below_floor: usize,
    pub lowest_price: Option<String>,
    pub lowest_floor: Option<String>,
    /// Lowest price as a percentage of its floor (e.g. 89.9).
    pub lowest_pct_of_floor: Option<Decimal>,
    /// When the lowest price is the lowest of several its page shows (a range, a
    /// price per variant): what it was chosen from, since which variant sells at
    /// it the page does not say, and the distributor may answer that it is another
    /// product's; when it is a price only some buyers pay (members, subscribers),
    /// that condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lowest_price_note: Option<String>,
    pub territory_breaches: usize,
    /// Shops (`marketplace/seller id`) the distributor never declared, linked to its
    /// declared accounts by their profile pages (`undeclared_shop` findings).
    pub undeclared_shops: Vec<String>,
    pub promotion_exemptions: usize,
    pub repeat_offences: usize,
    pub escalation_step: String,
    pub escalation_why: String,
    /// Notices and complaints filed against the distributor's listings in the period.
    pub notices_sent: usize,
    /// Of its cases, those that complied after a filing in the period.
    pub complied: usize,
    /// Times its cases were escalated for ignoring a filing in the period.
    pub escalated: usize,
}

/// One row of `violations.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct Violation {
    pub distributor: Option<String>,
    pub seller: String,
    pub marketplace: String,
    pub listing_id: String,
    pub url: String,
    pub sku: String,
    pub kind: String,
    pub first_seen: NaiveDate,
    pub last_seen: NaiveDate,
    pub nights: usize,
    pub lowest_price: String,
    pub floor: String,
    /// Snapshot of the observation with the lowest price: the evidence to show.
    pub evidence_sha256: String,
    pub capture_log_seq: u64,
    /// The finding in words, as the scan of the evidence observation wrote them (for
    /// observations recorded before those words were kept: the finding's latest).
    pub detail: String,
    /// The listing's screenshot (a rendered capture's PNG in the store): of the
    /// evidence page when it was rendered, else the listing's newest of a capture
    /// that read the same price and seller; `report
    /// compliance` writes it as `screenshots/SHA.png`.
    pub screenshot_sha256: Option<String>,
    /// `lowest_price`'s amount, to compare.
    #[serde(skip)]
    lowest: Option<Decimal>,
}

/// An unauthorised seller seen in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Outsider {
    pub marketplace: String,
    pub seller: String,
    pub seller_id: String,
    pub listings: usize,
    pub lowest_prices: Vec<String>,
    pub counterfeit_signals: Vec<String>,
}

/// A price chart: one SKU of one distributor, in one currency.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    pub currency: String,
    /// (date, lowest observed price that night).
    pub points: Vec<(NaiveDate, Decimal)>,
    pub floor: Decimal,
    /// (from, to, promotion floor) windows inside the period.
    pub promotions: Vec<(NaiveDate, NaiveDate, Decimal, String)>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    pub period: String,
    pub brand: String,
    pub scans: usize,
    pub scorecards: Vec<Scorecard>,
    pub violations: Vec<Violation>,
    pub outsiders: Vec<Outsider>,
    pub charts: BTreeMap<String, Vec<Chart>>,
    /// What each night looked at, per marketplace.
    pub coverage: Vec<super::coverage::Coverage>,
}

/// What `report compliance` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub scorecards: PathBuf,
    pub violations: PathBuf,
    pub html: PathBuf,
    pub coverage: PathBuf,
    pub distributors: usize,
    pub violations_count: usize,
}

/// A distributor's lowest price against its floor so far.
#[derive(Default)]
struct Lowest {
    /// Price over floor.
    ratio: Decimal,
    price: String,
    floor: String,
    /// The listing's `price_choice`, when the price is the lowest of several, as
    /// a finding says it ([`crate::extract::choice_sentence`]).
    note: Option<String>,
}

/// An unauthorised seller being counted: the row, its listings, lowest price per currency.
type OutsiderAcc = (Outsider, HashSet<String>, BTreeMap<String, Decimal>);

#[derive(Default)]
struct Acc {
    listings: HashSet<String>,
    observations: usize,
    /// Observations whose price was checked against a floor.
    priced: usize,
    violations: HashSet<(String, FindingKind)>,
    bad_days: BTreeSet<NaiveDate>,
    violation_days: BTreeSet<NaiveDate>,
    lowest: Option<Lowest>,
    territory: HashSet<String>,
    /// `marketplace/seller id` of shops found to be the distributor's undeclared ones.
    undeclared: BTreeSet<String>,
    exemptions: usize,
    /// (sku, currency) → date → lowest price.
    prices: BTreeMap<(String, String), BTreeMap<NaiveDate, Decimal>>,
}

/// Rows parsed per batch, split over the cores.
const BATCH: usize = 8192;

/// Parses a batch of report rows (see [`ReportRow`]), in order, on all cores:
/// parsing only the fields the report reads, on every core, is what keeps a month
/// of a large market (a million observations) fast. `first` is the scan's row
/// number (from 1) of `raw[0]`, for the error a row that does not parse gets.
fn parse_batch(
    raw: &[Vec<u8>],
    scan: &ScanRecord,
    first: u64,
) -> Result<Vec<ReportRow>, ReportError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = raw.len().div_ceil(threads).max(1);
    let parsed: Vec<Result<Vec<ReportRow>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = raw
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, b)| {
                            serde_json::from_slice(b)
                                .map_err(|e| format!("row {}: {e}", first + (c * chunk + i) as u64))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("parser thread panicked".into()))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(raw.len());
    for p in parsed {
        out.extend(p.map_err(|message| {
            ReportError::Evidence(crate::evidence::EvidenceError::Corrupt {
                tree: if scan.report_rows.is_some() {
                    "report_rows"
                } else {
                    "observations"
                },
                key: format!("scan {}", scan.scan_id),
                message: format!("{message}: run `brandguard evidence verify`"),
            })
        })?);
    }
    Ok(out)
}

/// A scan's report rows are not all there.
fn rows_missing(scan_id: u64, read: u64, expected: u64) -> ReportError {
    ReportError::Evidence(crate::evidence::EvidenceError::Corrupt {
        tree: "report_rows",
        key: format!("scan {scan_id}"),
        message: format!(
            "{read} rows, but the scan finished with {expected}: run `brandguard evidence verify`"
        ),
    })
}

/// Builds the report for `period` (optionally one distributor) from the store:
/// the period's finished scans, each scan's report rows tallied in order, then
/// one scorecard and chart set per distributor.
pub fn build(
    config: &Config,
    store: &Store,
    period: Period,
    only: Option<&str>,
) -> Result<Compliance, ReportError> {
    let brand = &config.brand;
    let scans = scans_in(store, period)?;
    let scan_days: Vec<NaiveDate> = scans
        .iter()
        .map(|(_, d)| *d)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let dismissals = crate::judge::dismissals::Dismissals::load(&config.dir)
        .map_err(|e| ReportError::Targets(e.to_string()))?;
    let mut tally = Tally {
        store,
        brand,
        dismissals: &dismissals,
        acc: brand
            .sellers
            .iter()
            .filter(|s| only.is_none_or(|o| o == s.id))
            .map(|s| (s.id.clone(), Acc::default()))
            .collect(),
        violations: HashMap::new(),
        outsiders: BTreeMap::new(),
    };
    read_rows(store, &scans, |day, rows| {
        rows.iter().try_for_each(|o| tally.observe(day, o))
    })?;
    let mut scorecards = Vec::new();
    let mut charts = BTreeMap::new();
    let cases = crate::case::all(store).map_err(Box::new)?;
    for (id, a) in &tally.acc {
        let mut card = scorecard(brand, &scan_days, id, a);
        count_enforcement(&mut card, &cases, period);
        scorecards.push(card);
        charts.insert(id.clone(), charts_of(brand, period, a));
    }
    // A report for one distributor goes to that distributor: other parties'
    // names and counterfeit signals are not theirs to read.
    let outsiders = tally
        .outsiders
        .into_values()
        .filter(|_| only.is_none())
        .map(|(mut o, listings, prices)| {
            o.listings = listings.len();
            o.lowest_prices = prices
                .into_iter()
                .map(|(c, p)| format!("{p} {c}"))
                .collect();
            o
        })
        .collect();
    let mut violations: Vec<((String, String, FindingKind), Violation)> = tally
        .violations
        .into_iter()
        .filter(|(_, v)| only.is_none_or(|o| v.distributor.as_deref() == Some(o)))
        .collect();
    violations.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if !violations.is_empty() {
        screenshots_of(store, violations.iter_mut().map(|(_, v)| v))?;
    }
    Ok(Compliance {
        period: period.label(),
        brand: brand.name.clone(),
        scans: scans.len(),
        scorecards,
        violations: violations.into_iter().map(|(_, v)| v).collect(),
        outsiders,
        charts,
        coverage: super::coverage::of_scans(&scans),
    })
}

/// Each violation's screenshot: the rendered capture of its evidence page, else
/// the listing's newest of a capture that read the same price and seller; only
/// renders that show what their capture showed.
fn screenshots_of<'a>(
    store: &Store,
    violations: impl Iterator<Item = &'a mut Violation>,
) -> Result<(), ReportError> {
    let mut by_listing: HashMap<(String, String), Vec<crate::evidence::RenderRecord>> =
        HashMap::new();
    // A render that shows another price or seller than the page it renders is no
    // picture of a violation read from that page.
    for r in store
        .renders()?
        .into_iter()
        .filter(|r| r.shows_otherwise.is_empty())
    {
        by_listing
            .entry((r.marketplace.clone(), r.listing_id.clone()))
            .or_default()
            .push(r);
    }
    let mut offers: HashMap<(String, String), HashMap<u64, crate::extract::Offer>> = HashMap::new();
    for v in violations {
        let key = (v.marketplace.clone(), v.listing_id.clone());
        let Some(rs) = by_listing.get(&key) else {
            continue;
        };
        if let Some(r) = rs
            .iter()
            .rev()
            .find(|r| r.snapshot_sha256 == v.evidence_sha256)
        {
            v.screenshot_sha256 = Some(r.png.sha256.clone());
            continue;
        }
        // Else the newest render of a capture that read the evidence's price and
        // seller: a render of the listing at another price (before a repricing, or
        // after) agreed with its own capture, and beside this violation it showed
        // a distributor another price than the row states.
        let read = match offers.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                store
                    .history(&v.marketplace, &v.listing_id)?
                    .into_iter()
                    .map(|o| (o.capture_log_seq, o.listing.offer()))
                    .collect(),
            ),
        };
        let Some(evidence) = read.get(&v.capture_log_seq) else {
            continue;
        };
        v.screenshot_sha256 = rs
            .iter()
            .rev()
            .find(|r| {
                read.get(&r.capture_log_seq)
                    .is_some_and(|o| evidence.shown_otherwise(o).is_empty())
            })
            .map(|r| r.png.sha256.clone());
    }
    Ok(())
}

/// Writes the screenshots the report's violations name into `out/screenshots/`
/// as `SHA.png` (each once); returns how many. A file already there under its
/// hash is the same bytes, and is left.
pub fn write_screenshots(
    store: &Store,
    report: &Compliance,
    out: &Path,
) -> Result<usize, ReportError> {
    let shas: BTreeSet<&String> = report
        .violations
        .iter()
        .filter_map(|v| v.screenshot_sha256.as_ref())
        .collect();
    if shas.is_empty() {
        return Ok(0);
    }
    let dir = out.join("screenshots");
    std::fs::create_dir_all(&dir).map_err(|source| ReportError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let mut n = 0;
    for sha in shas {
        let path = dir.join(format!("{sha}.png"));
        if path.exists() {
            continue;
        }
        if let Some(png) = store.snapshot(sha)? {
            super::write_file(&path, &png)?;
            n += 1;
        }
    }
    Ok(n)
}

/// The finished scans dated in the period, with their day. An unreadable scan
/// record is an error, not a night left out of the figures.
fn scans_in(store: &Store, period: Period) -> Result<Vec<(ScanRecord, NaiveDate)>, ReportError> {
    Ok(store
        .scans()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|s| s.finished_at.is_some())
        .filter(|s| period.start <= s.date() && s.date() < period.end)
        .map(|s| {
            let day = s.date().date_naive();
            (s, day)
        })
        .collect())
}

/// Reads every scan's report rows in order and hands them to `tally` a batch at
/// a time. Reading and parsing run on their own thread, a batch ahead of the
/// tallying: the two overlap instead of taking turns.
fn read_rows(
    store: &Store,
    scans: &[(ScanRecord, NaiveDate)],
    mut tally: impl FnMut(NaiveDate, &[ReportRow]) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    std::thread::scope(|threads| -> Result<(), ReportError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        threads.spawn(move || {
            for (scan, day) in scans {
                let mut raw = store.report_rows(scan);
                let mut read = 0u64;
                loop {
                    let batch = match raw.by_ref().take(BATCH).collect::<Result<Vec<_>, _>>() {
                        Ok(b) if b.is_empty() => match scan.report_rows {
                            Some(n) if n != read => Err(rows_missing(scan.scan_id, read, n)),
                            _ => break,
                        },
                        Ok(b) => {
                            let first = read + 1;
                            read += b.len() as u64;
                            parse_batch(&b, scan, first).map(|parsed| (*day, parsed))
                        }
                        Err(e) => Err(e.into()),
                    };
                    let failed = batch.is_err();
                    if tx.send(batch).is_err() || failed {
                        return;
                    }
                }
            }
        });
        for batch in rx {
            let (day, parsed) = batch?;
            tally(day, &parsed)?;
        }
        Ok(())
    })
}

/// The report being counted, one observation at a time.
struct Tally<'a> {
    store: &'a Store,
    brand: &'a crate::config::Brand,
    /// False positives reviewers dismissed: never counted as violations.
    dismissals: &'a crate::judge::dismissals::Dismissals,
    /// Distributor id → its figures.
    acc: BTreeMap<String, Acc>,
    /// (marketplace, listing, kind) → violation being built (sorted at the end).
    violations: HashMap<(String, String, FindingKind), Violation>,
    /// (marketplace, seller key) → unauthorised seller being counted.
    outsiders: BTreeMap<(String, String), OutsiderAcc>,
}

/// What the tally needs of one observation, worked out once.
struct Seen<'o> {
    day: NaiveDate,
    o: &'o ReportRow,
    sku: String,
    listing_key: String,
    seller: String,
    /// The price and the SKU's floor in its currency, if both are known.
    floor: Option<(Money, Decimal)>,
}

impl Tally<'_> {
    fn observe(&mut self, day: NaiveDate, o: &ReportRow) -> Result<(), ReportError> {
        let Some(sku) = o.sku_match.sku.clone() else {
            return Ok(());
        };
        // A dismissed false positive is no violation, on any night.
        let facts = crate::judge::dismissals::Facts {
            marketplace: &o.listing.marketplace,
            listing_id: &o.listing.listing_id,
            seller: &o.listing.seller,
            price: o.listing.price.as_ref(),
            title: o.listing.title.as_deref(),
        };
        let undismissed;
        let o = if o
            .findings
            .iter()
            .any(|k| self.dismissals.find(&facts, *k, &sku).is_some())
        {
            let mut kept = o.clone();
            kept.findings
                .retain(|k| self.dismissals.find(&facts, *k, &sku).is_none());
            undismissed = kept;
            &undismissed
        } else {
            o
        };
        // Only a price the judge held to a floor: a used item's is none (before, a
        // distributor's used item at a quarter of the floor was its scorecard's
        // "lowest price … 25%", a violation in all but name).
        let held = crate::extract::Condition::held_to_a_floor(o.listing.condition.as_deref());
        let floor = o.listing.price.as_ref().filter(|_| held).and_then(|p| {
            self.brand
                .skus
                .iter()
                .find(|s| s.id == sku)
                .and_then(|s| s.floor.get(&p.currency))
                // A multipack's floor is the SKU's times its count, as the judge's.
                .map(|f| (p.clone(), *f * o.sku_match.units()))
        });
        let seen = Seen {
            day,
            o,
            listing_key: format!("{}/{}", o.listing.marketplace, o.listing.listing_id),
            seller: terminal(
                o.listing
                    .seller
                    .name
                    .as_deref()
                    .or(o.listing.seller.id.as_deref())
                    .unwrap_or("?"),
                200,
            ),
            sku,
            floor,
        };
        for k in &o.findings {
            self.violation(&seen, *k)?;
        }
        let who = o.authorized_seller.as_ref();
        match who.and_then(|w| self.acc.get_mut(w)) {
            Some(a) => a.observe(&seen),
            None if who.is_none() && !o.findings.is_empty() => self.outsider(&seen),
            None => {}
        }
        Ok(())
    }

    /// Counts a night of violation `k` on the observation's listing; the lowest
    /// price seen is the violation's evidence.
    fn violation(&mut self, seen: &Seen, k: FindingKind) -> Result<(), ReportError> {
        let o = seen.o;
        let key = (
            o.listing.marketplace.clone(),
            o.listing.listing_id.clone(),
            k,
        );
        let v = match self.violations.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Violation {
                distributor: o.authorized_seller.clone(),
                seller: seen.seller.clone(),
                marketplace: o.listing.marketplace.clone(),
                listing_id: o.listing.listing_id.clone(),
                url: o.listing.url.clone(),
                sku: seen.sku.clone(),
                kind: k.as_str().into(),
                first_seen: seen.day,
                last_seen: seen.day,
                nights: 0,
                lowest_price: String::new(),
                floor: seen
                    .floor
                    .as_ref()
                    .map(|(p, f)| format!("{f} {}", p.currency))
                    .unwrap_or_default(),
                evidence_sha256: o.snapshot.sha256.clone(),
                capture_log_seq: o.capture_log_seq,
                detail: detail_of(self.store, o, k)?,
                screenshot_sha256: None,
                lowest: None,
            }),
        };
        v.last_seen = seen.day;
        v.nights += 1;
        if let Some(money) = o.listing.price.as_ref()
            && v.lowest.is_none_or(|c| money.amount < c)
        {
            v.lowest = Some(money.amount);
            v.lowest_price = money.to_string();
            v.evidence_sha256 = o.snapshot.sha256.clone();
            v.capture_log_seq = o.capture_log_seq;
            if o.finding_details.contains_key(&k) {
                v.detail = detail_of(self.store, o, k)?;
            }
        }
        Ok(())
    }

    /// Counts an unauthorised seller's listing, lowest price and counterfeit signals.
    fn outsider(&mut self, seen: &Seen) {
        let o = seen.o;
        let key = (
            o.listing.marketplace.clone(),
            crate::case::seller_key(
                o.listing.seller.id.as_deref(),
                o.listing.seller.name.as_deref(),
            ),
        );
        let entry = self.outsiders.entry(key).or_insert_with(|| {
            (
                Outsider {
                    marketplace: o.listing.marketplace.clone(),
                    seller: seen.seller.clone(),
                    seller_id: terminal(o.listing.seller.id.as_deref().unwrap_or(""), 200),
                    listings: 0,
                    lowest_prices: Vec::new(),
                    counterfeit_signals: Vec::new(),
                },
                HashSet::new(),
                BTreeMap::new(),
            )
        });
        if !entry.1.contains(&seen.listing_key) {
            entry.1.insert(seen.listing_key.clone());
        }
        if let Some(p) = &o.listing.price {
            let e = entry.2.entry(p.currency.to_string()).or_insert(p.amount);
            *e = (*e).min(p.amount);
        }
        if let Some(v) = self.violations.get(&(
            o.listing.marketplace.clone(),
            o.listing.listing_id.clone(),
            FindingKind::SuspectedCounterfeit,
        )) {
            // The finding's words, already read for the violation.
            let s = terminal(&v.detail, 200);
            if !entry.0.counterfeit_signals.contains(&s) {
                entry.0.counterfeit_signals.push(s);
            }
        }
    }
}

/// The finding's words, as this observation's scan wrote them; the finding's
/// latest for observations that do not keep them.
fn detail_of(store: &Store, o: &ReportRow, k: FindingKind) -> Result<String, ReportError> {
    if let Some(words) = o.finding_details.get(&k) {
        return Ok(terminal(words, 300));
    }
    let key = finding_key_of(&o.listing.marketplace, &o.listing.listing_id, k);
    Ok(terminal(
        &store
            .vouched_finding(&key)?
            .map(|r| r.finding.detail)
            .unwrap_or_default(),
        300,
    ))
}

impl Acc {
    /// Counts an observation of one of the distributor's listings.
    fn observe(&mut self, seen: &Seen) {
        let (o, day) = (seen.o, seen.day);
        if !self.listings.contains(&seen.listing_key) {
            self.listings.insert(seen.listing_key.clone());
        }
        self.observations += 1;
        for k in &o.findings {
            self.violations.insert((seen.listing_key.clone(), *k));
            self.violation_days.insert(day);
            if k.is_price() {
                self.bad_days.insert(day);
            }
            if *k == FindingKind::TerritoryBreach {
                self.territory.insert(seen.listing_key.clone());
            }
            if *k == FindingKind::UndeclaredShop {
                self.undeclared.insert(format!(
                    "{}/{}",
                    o.listing.marketplace,
                    o.listing.seller.id.as_deref().unwrap_or("?")
                ));
            }
        }
        if o.promotion.is_some() && !o.findings.iter().any(|k| k.is_price()) {
            self.exemptions += 1;
        }
        if let Some((p, f)) = &seen.floor {
            self.priced += 1;
            let ratio = p.amount / *f;
            if self.lowest.as_ref().is_none_or(|l| ratio < l.ratio) {
                self.lowest =
                    Some(Lowest {
                        ratio,
                        price: p.to_string(),
                        floor: format!("{f} {}", p.currency),
                        note: o.listing.price_choice.as_deref().map(|c| {
                            crate::extract::choice_sentence(c, o.listing.auction.is_some())
                        }),
                    });
            }
            // The chart is of the SKU's floor: a multipack's price is plotted
            // per item in it.
            let mut each = p.amount / o.sku_match.units();
            if each.scale() < p.amount.scale() {
                each.rescale(p.amount.scale());
            }
            let e = self
                .prices
                .entry((seen.sku.clone(), p.currency.to_string()))
                .or_default()
                .entry(day)
                .or_insert(each);
            *e = (*e).min(each);
        }
    }
}

/// A distributor's scorecard, with the step of the escalation ladder it reached.
/// Why a scorecard of a period without a finished scan shows nothing.
pub const NOTHING_LOOKED_AT: &str = "no finished scan in the period: nothing was looked at";

/// Why a scorecard whose listings were seen, but never with a price checked
/// against a floor (the marketplace's pages no longer matched its adapter, the
/// prices were shown only in the cart, the items were used, or the prices were in
/// currencies without a floor), shows no violation.
pub const NO_PRICE_CHECKED: &str = "its listings were seen, but no price of theirs could be checked against a floor (none read or shown only in the cart, of used items only, or none in a currency with a floor)";

fn scorecard(
    brand: &crate::config::Brand,
    scan_days: &[NaiveDate],
    id: &str,
    a: &Acc,
) -> Scorecard {
    let ladder = &brand.escalation;
    let name = brand
        .sellers
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for (_, k) in &a.violations {
        *by_kind.entry(k.as_str().into()).or_default() += 1;
    }
    let repeats = repeats(scan_days, &a.violation_days, ladder.repeat_within_days);
    let total = a.violations.len();
    let (step, mut why) = escalate(ladder, total, a.bad_days.len(), repeats);
    // "No violations" only where something of the distributor's was looked at: a
    // scorecard sent to a distributor must not pass a month nobody scanned, or
    // listings nobody saw, for a clean one.
    if total == 0 {
        if scan_days.is_empty() {
            why = NOTHING_LOOKED_AT.to_string();
        } else if a.observations == 0 {
            why = "none of its listings was seen in the period".to_string();
        } else if a.priced == 0 {
            why = NO_PRICE_CHECKED.to_string();
        }
    }
    Scorecard {
        distributor: id.to_string(),
        name,
        listings_watched: a.listings.len(),
        observations: a.observations,
        prices_checked: a.priced,
        violations: by_kind,
        violations_total: total,
        days_below_floor: a.bad_days.len(),
        lowest_price: a.lowest.as_ref().map(|l| l.price.clone()),
        lowest_floor: a.lowest.as_ref().map(|l| l.floor.clone()),
        lowest_pct_of_floor: a
            .lowest
            .as_ref()
            .map(|l| (l.ratio * Decimal::ONE_HUNDRED).round_dp(1)),
        lowest_price_note: a.lowest.as_ref().and_then(|l| l.note.clone()),
        territory_breaches: a.territory.len(),
        undeclared_shops: a.undeclared.iter().cloned().collect(),
        promotion_exemptions: a.exemptions,
        repeat_offences: repeats,
        escalation_step: step,
        escalation_why: why,
        ..Scorecard::default()
    }
}

/// What was done about the distributor's cases in the period: notices sent (by the
/// date each was filed, as `case file --date` gives it, not the day it was typed
/// in), compliance after them and escalations for ignoring them (case events, at
/// the night of the scan that saw them).
fn count_enforcement(card: &mut Scorecard, cases: &[crate::case::Case], period: Period) {
    let theirs: Vec<&crate::case::Case> = cases
        .iter()
        .filter(|c| c.authorized_seller.as_deref() == Some(card.distributor.as_str()))
        .collect();
    let within = |at: DateTime<Utc>| at >= period.start && at < period.end;
    card.notices_sent = theirs
        .iter()
        .flat_map(|c| &c.filings)
        .filter(|f| {
            f.filed_on
                .and_hms_opt(0, 0, 0)
                .is_some_and(|t| within(t.and_utc()))
        })
        .count();
    for e in theirs.iter().flat_map(|c| &c.events) {
        if !within(e.at) {
            continue;
        }
        match e.action.as_str() {
            "complied" => card.complied += 1,
            "escalated" => card.escalated += 1,
            _ => {}
        }
    }
}

/// A distributor's price charts: one per SKU and currency with a floor, with the
/// promotions that lowered the floor inside the period.
fn charts_of(brand: &crate::config::Brand, period: Period, a: &Acc) -> Vec<Chart> {
    let mut list = Vec::new();
    for ((sku, currency), points) in &a.prices {
        let Some(s) = brand.skus.iter().find(|s| &s.id == sku) else {
            continue;
        };
        let Some(floor) = s
            .floor
            .iter()
            .find(|(c, _)| c.to_string() == *currency)
            .map(|(_, f)| *f)
        else {
            continue;
        };
        let promotions = brand
            .promotions
            .iter()
            .filter(|p| p.skus.is_empty() || p.skus.contains(sku))
            .filter(|p| p.start < period.end && p.end > period.start)
            .filter_map(|p| {
                let f = p.floor.iter().find(|(c, _)| c.to_string() == *currency)?.1;
                Some((
                    p.start.date_naive().max(period.start.date_naive()),
                    p.end.date_naive().min(period.end.date_naive()),
                    *f,
                    p.name.clone(),
                ))
            })
            .collect();
        list.push(Chart {
            title: format!("{} — {}", s.id, s.name),
            currency: currency.clone(),
            points: points.iter().map(|(d, p)| (*d, *p)).collect(),
            floor,
            promotions,
        });
    }
    list
}

/// Violation episodes (runs of consecutive scan days with a violation) that start
/// within `within_days` of the previous one's end.
fn repeats(scan_days: &[NaiveDate], bad: &BTreeSet<NaiveDate>, within_days: u32) -> usize {
    let mut episodes: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut open: Option<(NaiveDate, NaiveDate)> = None;
    for d in scan_days {
        if bad.contains(d) {
            open = Some(match open {
                Some((s, _)) => (s, *d),
                None => (*d, *d),
            });
        } else if let Some(e) = open.take() {
            episodes.push(e);
        }
    }
    episodes.extend(open);
    episodes
        .windows(2)
        .filter(|w| (w[1].0 - w[0].1).num_days() <= i64::from(within_days))
        .count()
}

/// The hardest step of the ladder whose thresholds are met, and why.
fn escalate(
    ladder: &crate::config::Escalation,
    violations: usize,
    days: usize,
    repeats: usize,
) -> (String, String) {
    let mut chosen = (
        "none".to_string(),
        "no violations in the period".to_string(),
    );
    for s in &ladder.steps {
        let mut met = Vec::new();
        if let Some(n) = s.min_violations.filter(|n| violations >= *n as usize) {
            met.push(format!("{violations} violations ≥ {n}"));
        }
        if let Some(n) = s.min_days_below_floor.filter(|n| days >= *n as usize) {
            met.push(format!("{days} days below floor ≥ {n}"));
        }
        if let Some(n) = s.min_repeats.filter(|n| repeats >= *n as usize) {
            met.push(format!("{repeats} repeat offences ≥ {n}"));
        }
        if !met.is_empty() {
            chosen = (s.name.clone(), met.join("; "));
        }
    }
    chosen
}

/// Chart geometry for the template: SVG coordinates, labels.
pub(crate) fn chart_view(c: &Chart, period: Period) -> serde_json::Value {
    let (w, h, left, right, top, bottom) = (640.0, 240.0, 64.0, 16.0, 16.0, 40.0);
    let days = (period.end - period.start).num_days().max(1) as f64;
    let to_f = |d: Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
    let mut lo = c
        .points
        .iter()
        .map(|p| to_f(p.1))
        .fold(to_f(c.floor), f64::min);
    let mut hi = c
        .points
        .iter()
        .map(|p| to_f(p.1))
        .fold(to_f(c.floor), f64::max);
    for p in &c.promotions {
        lo = lo.min(to_f(p.2));
        hi = hi.max(to_f(p.2));
    }
    let pad = ((hi - lo) * 0.1).max(1.0);
    let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
    // Coordinates are for drawing only; the amounts shown are the exact decimals.
    let x = |d: NaiveDate| {
        left + (d - period.start.date_naive()).num_days() as f64 / days * (w - left - right)
    };
    let y = |v: f64| top + (hi - v) / (hi - lo) * (h - top - bottom);
    let points: Vec<serde_json::Value> = c
        .points
        .iter()
        .map(|(d, p)| serde_json::json!({"x": format!("{:.1}", x(*d) + 10.0), "y": format!("{:.1}", y(to_f(*p))), "label": format!("{d}: {p} {}", c.currency), "below": *p < c.floor}))
        .collect();
    let line = points
        .iter()
        .map(|p| {
            format!(
                "{},{}",
                p["x"].as_str().unwrap_or("0"),
                p["y"].as_str().unwrap_or("0")
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let ticks: Vec<serde_json::Value> = (0..5)
        .map(|i| {
            let v = lo + (hi - lo) * f64::from(i) / 4.0;
            serde_json::json!({"y": format!("{:.1}", y(v)), "label": format!("{v:.0}")})
        })
        .collect();
    let xticks: Vec<serde_json::Value> = [0i64, 7, 14, 21, 28]
        .iter()
        .map(|d| period.start.date_naive() + chrono::Duration::days(*d))
        .filter(|d| *d < period.end.date_naive())
        .map(|d| serde_json::json!({"x": format!("{:.1}", x(d) + 10.0), "label": d.format("%b %d").to_string()}))
        .collect();
    let promos: Vec<serde_json::Value> = c
        .promotions
        .iter()
        .map(|(a, b, f, name)| serde_json::json!({"x1": format!("{:.1}", x(*a) + 10.0), "x2": format!("{:.1}", x(*b) + 10.0), "y": format!("{:.1}", y(to_f(*f))), "label": format!("{name}: {f} {}", c.currency)}))
        .collect();
    serde_json::json!({
        "title": c.title, "currency": c.currency, "width": w, "height": h,
        "x0": left, "x1": w - right, "y0": top, "ybottom": h - bottom,
        "floor_y": format!("{:.1}", y(to_f(c.floor))), "floor": format!("{} {}", c.floor, c.currency),
        "points": points, "line": line, "ticks": ticks, "xticks": xticks, "promotions": promos,
    })
}

/// Writes `scorecards.csv`, `violations.csv` and `report.html` into `out`.
pub fn write(
    config: &Config,
    report: &Compliance,
    period: Period,
    out: &Path,
) -> Result<Written, ReportError> {
    std::fs::create_dir_all(out).map_err(|source| ReportError::Write {
        path: out.display().to_string(),
        source,
    })?;
    // Each file is complete before it replaces the last report's: a crash or a
    // full disk leaves the previous report as it was.
    let sc_path = out.join("scorecards.csv");
    super::write_file(&sc_path, &scorecards_csv(&sc_path, report)?)?;
    let v_path = out.join("violations.csv");
    crate::failpoint::hit("report-between-files");
    super::write_file(&v_path, &violations_csv(&v_path, report)?)?;
    let cov_path = out.join("coverage.csv");
    super::write_file(
        &cov_path,
        &super::coverage::csv(&cov_path, &report.coverage)?,
    )?;
    let html_path = out.join("report.html");
    super::write_file(&html_path, html(config, report, period)?.as_bytes())?;
    Ok(Written {
        coverage: cov_path,
        scorecards: sc_path,
        violations: v_path,
        html: html_path,
        distributors: report.scorecards.len(),
        violations_count: report.violations.len(),
    })
}

/// The finding kinds a scorecard counts, in its columns' order.
const KINDS: [&str; 6] = [
    "below_floor",
    "promotion_overrun",
    "territory_breach",
    "undeclared_shop",
    "unauthorized_seller",
    "suspected_counterfeit",
];

fn scorecards_csv(path: &Path, report: &Compliance) -> Result<Vec<u8>, ReportError> {
    let mut header = vec![
        "distributor",
        "name",
        "listings_watched",
        "observations",
        "prices_checked",
        "violations_total",
    ];
    let kind_cols: Vec<String> = KINDS.iter().map(|k| format!("violations_{k}")).collect();
    header.extend(kind_cols.iter().map(String::as_str));
    header.extend([
        "days_below_floor",
        "lowest_price",
        "floor_at_lowest",
        "lowest_pct_of_floor",
        "territory_breaches",
        "undeclared_shops",
        "promotion_exemptions",
        "repeat_offences",
        "escalation_step",
        "escalation_why",
        "notices_sent",
        "complied",
        "escalated",
        "lowest_price_note",
    ]);
    let rows = report.scorecards.iter().map(|s| {
        let mut row = vec![
            s.distributor.clone(),
            s.name.clone(),
            s.listings_watched.to_string(),
            s.observations.to_string(),
            s.prices_checked.to_string(),
            s.violations_total.to_string(),
        ];
        row.extend(
            KINDS
                .iter()
                .map(|k| s.violations.get(*k).copied().unwrap_or(0).to_string()),
        );
        row.extend([
            s.days_below_floor.to_string(),
            s.lowest_price.clone().unwrap_or_default(),
            s.lowest_floor.clone().unwrap_or_default(),
            s.lowest_pct_of_floor
                .map(|p| p.to_string())
                .unwrap_or_default(),
            s.territory_breaches.to_string(),
            s.undeclared_shops.join(" "),
            s.promotion_exemptions.to_string(),
            s.repeat_offences.to_string(),
            s.escalation_step.clone(),
            s.escalation_why.clone(),
            s.notices_sent.to_string(),
            s.complied.to_string(),
            s.escalated.to_string(),
            s.lowest_price_note.clone().unwrap_or_default(),
        ]);
        row
    });
    super::csv_bytes(path, &header, rows)
}

fn violations_csv(path: &Path, report: &Compliance) -> Result<Vec<u8>, ReportError> {
    let header = [
        "distributor",
        "seller",
        "marketplace",
        "listing_id",
        "url",
        "sku",
        "kind",
        "first_seen",
        "last_seen",
        "nights",
        "lowest_price",
        "floor",
        "evidence_snapshot_sha256",
        "capture_log_seq",
        "detail",
        "screenshot_sha256",
    ];
    let rows = report.violations.iter().map(|v| {
        vec![
            v.distributor.clone().unwrap_or_default(),
            v.seller.clone(),
            v.marketplace.clone(),
            v.listing_id.clone(),
            v.url.clone(),
            v.sku.clone(),
            v.kind.clone(),
            v.first_seen.to_string(),
            v.last_seen.to_string(),
            v.nights.to_string(),
            v.lowest_price.clone(),
            v.floor.clone(),
            v.evidence_sha256.clone(),
            v.capture_log_seq.to_string(),
            v.detail.clone(),
            v.screenshot_sha256.clone().unwrap_or_default(),
        ]
    });
    super::csv_bytes(path, &header, rows)
}

/// The self-contained HTML page: scorecards, charts and violations per
/// distributor, then the unauthorised sellers.
fn html(config: &Config, report: &Compliance, period: Period) -> Result<String, ReportError> {
    let env = super::templates::environment(&config.dir, "report");
    let charts: BTreeMap<&String, Vec<serde_json::Value>> = report
        .charts
        .iter()
        .map(|(d, cs)| (d, cs.iter().map(|c| chart_view(c, period)).collect()))
        .collect();
    let distributors: Vec<serde_json::Value> = report
        .scorecards
        .iter()
        .map(|s| {
            serde_json::json!({
                "card": s,
                "charts": charts.get(&s.distributor).cloned().unwrap_or_default(),
                "violations": report.violations.iter().filter(|v| v.distributor.as_deref() == Some(s.distributor.as_str())).collect::<Vec<_>>(),
            })
        })
        .collect();
    let ctx = serde_json::json!({
        "period": report.period, "brand": report.brand, "scans": report.scans, "tool": crate::TOOL,
        "built_at": Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        "distributors": distributors, "outsiders": report.outsiders, "kinds": KINDS,
        "coverage": report.coverage,
    });
    env.get_template("compliance.html")
        .and_then(|t| t.render(minijinja::value::Serde(ctx)))
        .map_err(|e| ReportError::Template {
            name: "compliance.html".into(),
            message: format!("{e:#}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months() {
        let p: Period = "2026-12".parse().unwrap();
        assert_eq!(p.start.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(p.end.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert!("2026-13".parse::<Period>().is_err());
        assert!("november".parse::<Period>().is_err());
    }

    #[test]
    fn a_distributor_seen_without_a_checked_price_is_not_called_clean() {
        let config = Config::load(Path::new("targets/demo")).expect("demo targets");
        let days = [NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()];
        let seen = |priced| Acc {
            listings: ["tmart/1".to_string()].into_iter().collect(),
            observations: 3,
            priced,
            ..Acc::default()
        };
        let id = &config.brand.sellers[0].id;
        let checked = scorecard(&config.brand, &days, id, &seen(2));
        assert_eq!(checked.escalation_why, "no violations in the period");
        assert_eq!(checked.prices_checked, 2);
        let unchecked = scorecard(&config.brand, &days, id, &seen(0));
        assert_eq!(unchecked.escalation_why, NO_PRICE_CHECKED);
        assert_eq!(unchecked.prices_checked, 0);
        // A lowest price chosen among several on its page says so.
        let mut ranged = seen(2);
        ranged.lowest = Some(Lowest {
            ratio: Decimal::new(754, 3),
            price: "149.99 USD".into(),
            floor: "199.00 USD".into(),
            note: Some(crate::extract::choice_sentence(
                "the lowest of 2 prices on the page: 149.99, 259.99",
                false,
            )),
        });
        let c = scorecard(&config.brand, &days, id, &ranged);
        assert_eq!(
            (
                c.lowest_price.as_deref(),
                c.lowest_pct_of_floor,
                c.lowest_price_note.as_deref()
            ),
            (
                Some("149.99 USD"),
                Some(Decimal::new(754, 1)),
                Some(
                    "the lowest of 2 prices on the page: 149.99, 259.99 — which variant sells at it, the page does not say"
                )
            )
        );
    }

    #[test]
    fn repeats_count_episodes_that_come_back_within_the_window() {
        let d = |n| NaiveDate::from_ymd_opt(2026, 11, n).unwrap();
        let days: Vec<_> = (1..=10).map(d).collect();
        let bad: BTreeSet<_> = [d(1), d(2), d(5), d(9), d(10)].into_iter().collect();
        assert_eq!(repeats(&days, &bad, 30), 2);
        assert_eq!(repeats(&days, &bad, 2), 0);
    }
}
