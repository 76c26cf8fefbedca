//! Enforcement cases: the open findings against one seller on one marketplace, the
//! path chosen to act on them, and every step the legal team (or a later scan) takes
//! until the listings are gone.
//!
//! A case lives in the evidence store's `cases` tree; every change to it is a
//! `case_event` record in the hash-chained log holding the SHA-256 of the case's new
//! bytes, so `evidence verify` finds a case edited outside brandguard.
//!
//! Life of a case:
//!
//! ```text
//! open ─► packet_ready ─► filed ─► rejected ─► refiled ─► … ─► resolved | closed
//!   ▲                                                              │
//!   └──────────────────── relapse (the seller comes back) ◄────────┘ (resolved only)
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

mod dismiss;

pub use crate::actor::actor;
use crate::config::{Brand, Config};
use crate::evidence::{
    EvidenceError, FindingRecord, Resolution, StateTree, Store, finding_key, sha256_hex,
};
use crate::judge::FindingKind;
pub use dismiss::{AUTHORISED, DISMISSED, dismiss, is_dismissal, seller_authorised};

/// What can go wrong with a case command.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error("no case `{0}`: `brandguard case list` shows the cases of this store")]
    NotFound(String),
    #[error("case {id} is {state}: {message}")]
    WrongState {
        id: String,
        state: CaseState,
        message: String,
    },
    #[error("case {id}: stored record unreadable: {message}")]
    Unreadable { id: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    PacketReady,
    Filed,
    Rejected,
    Refiled,
    Resolved,
    /// Filed, then every listing was brought into line or taken down: the
    /// complaint or notice worked.
    Complied,
    Closed,
}

impl CaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::PacketReady => "packet_ready",
            CaseState::Filed => "filed",
            CaseState::Rejected => "rejected",
            CaseState::Refiled => "refiled",
            CaseState::Resolved => "resolved",
            CaseState::Complied => "complied",
            CaseState::Closed => "closed",
        }
    }

    /// Resolved, complied or closed: nothing more to do.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            CaseState::Resolved | CaseState::Complied | CaseState::Closed
        )
    }
}

impl std::fmt::Display for CaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CaseState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        use CaseState::*;
        [
            Open,
            PacketReady,
            Filed,
            Rejected,
            Refiled,
            Resolved,
            Complied,
            Closed,
        ]
        .into_iter()
            .find(|c| c.as_str() == s.replace('-', "_"))
            .ok_or_else(|| {
                format!(
                    "unknown state `{s}` (open, packet_ready, filed, rejected, refiled, resolved, complied, closed)"
                )
            })
    }
}

/// How the brand acts on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnforcementPath {
    /// A notice to an authorised distributor under its agreement (price, territory):
    /// never a marketplace complaint.
    DistributorNotice,
    /// A letter to an unauthorised seller of genuine-looking goods.
    CeaseAndDesist,
    /// A complaint through the marketplace's IP form (counterfeits, or where the brand
    /// file gives grounds: material differences, misuse of protected content).
    MarketplaceComplaint,
}

impl EnforcementPath {
    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementPath::DistributorNotice => "distributor_notice",
            EnforcementPath::CeaseAndDesist => "cease_and_desist",
            EnforcementPath::MarketplaceComplaint => "marketplace_complaint",
        }
    }
}

impl std::str::FromStr for EnforcementPath {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        use EnforcementPath::*;
        [DistributorNotice, CeaseAndDesist, MarketplaceComplaint]
            .into_iter()
            .find(|p| p.as_str() == s.replace('-', "_"))
            .ok_or_else(|| {
                format!(
                    "unknown path `{s}` (distributor_notice, cease_and_desist, marketplace_complaint)"
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Normal,
    High,
}

/// The path a case takes, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PathChoice {
    pub path: EnforcementPath,
    pub priority: Priority,
    /// The rule that chose it, in words.
    pub reason: String,
    /// Set when a person chose another path than the rules.
    pub overridden: Option<Override>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Override {
    pub rule_path: EnforcementPath,
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// One step in a case's life.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    /// `opened`, `finding_added`, `finding_resolved`, `findings_added` and
    /// `findings_resolved` (the count past the first few of a scan), `packet_built`,
    /// `filed`, `rejected`, `refiled`, `resolved`, `closed`, `reopened`,
    /// `path_overridden`.
    pub action: String,
    /// A person, or `brandguard` for what a scan did.
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_id: Option<u64>,
}

/// A complaint or notice as filed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Filing {
    /// The packet revision filed.
    pub revision: u32,
    /// The marketplace's complaint reference (or the letter's reference).
    pub reference: String,
    pub filed_on: NaiveDate,
    pub by: String,
}

/// A packet built for the case.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PacketRevision {
    pub revision: u32,
    pub format: String,
    pub built_at: DateTime<Utc>,
    /// SHA-256 of the packet's manifest.json.
    pub manifest_sha256: String,
    /// Log length when it was built: the evidence it could hold.
    pub log_len: u64,
}

/// The findings against one seller on one marketplace, and what is done about them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub marketplace: String,
    /// The seller's id on the marketplace, else its normalised name.
    pub seller_key: String,
    pub seller_name: Option<String>,
    pub seller_id: Option<String>,
    /// The brand's distributor id when the seller is one.
    pub authorized_seller: Option<String>,
    pub state: CaseState,
    pub path: PathChoice,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every finding key ever part of the case (`market/listing/kind`).
    pub findings: BTreeSet<String>,
    /// The findings not resolved yet.
    pub open_findings: BTreeSet<String>,
    pub filings: Vec<Filing>,
    pub rejections: Vec<CaseEvent>,
    /// Times re-filed after a rejection.
    pub refiled: u32,
    pub packets: Vec<PacketRevision>,
    /// Times the seller came back after the case was resolved.
    pub relapses: u32,
    pub events: Vec<CaseEvent>,
    /// Sequence number of the `case_event` record that wrote these bytes and
    /// holds their SHA-256 (`None` for cases saved by older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_by: Option<u64>,
    /// What people found beyond the pages: test buys and reviewers' findings, per
    /// listing. A sworn counterfeit claim rests on these or on the page's own words,
    /// never on a price alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grounds: Vec<Grounds>,
}

/// Grounds a person recorded for one listing of a case.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grounds {
    /// `marketplace/listing_id`.
    pub listing: String,
    /// `test_buy` (an order placed and the item examined) or `reviewer` (a
    /// reviewer's examination of the listing).
    pub kind: String,
    pub at: DateTime<Utc>,
    pub by: String,
    /// Whether it shows the item is a counterfeit (a test buy's result
    /// `counterfeit`, or a reviewer's confirmation); a genuine test buy is `false`
    /// and rules a counterfeit claim on the listing out.
    pub counterfeit: bool,
    /// The reviewer's grounds, or the test buy's notes.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_date: Option<NaiveDate>,
    /// Where the infringement appears: `product`, `packaging`, `listing`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appears_in: Vec<String>,
    /// A photo or receipt, stored as a snapshot (content-addressed, like pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

/// A test purchase, as `case testbuy` records it.
#[derive(Debug, Clone)]
pub struct TestBuy {
    pub listing: String,
    pub order_id: String,
    pub order_date: NaiveDate,
    /// `true` when the item received is a counterfeit.
    pub counterfeit: bool,
    pub notes: String,
    pub appears_in: Vec<String>,
    /// A photo or receipt: its file name and bytes.
    pub file: Option<(String, Vec<u8>)>,
}

/// Where an infringement can appear, as Amazon's form asks.
pub const APPEARS_IN: [&str; 3] = ["product", "packaging", "listing"];

/// `brandguard case testbuy`: a test purchase from one of the case's listings,
/// its result and any photo kept as evidence.
pub fn test_buy(store: &Store, id: &str, t: TestBuy, by: &str) -> Result<Case, CaseError> {
    let mut c = get(store, id)?;
    let listing = case_listing(&c, &t.listing)?;
    nonempty(&t.order_id, "--order")?;
    let appears_in = appears(&t.appears_in)?;
    let (file_sha256, file_name) = match &t.file {
        Some((name, bytes)) => (
            Some(store.put_snapshot(bytes)?.sha256),
            Some(crate::sanitize::file_name(name, 80)),
        ),
        None => (None, None),
    };
    let n = c.events.len();
    let now = Utc::now();
    let result = if t.counterfeit {
        "counterfeit"
    } else {
        "genuine"
    };
    let e = c.event(now, "test_buy", by);
    e.reason = Some(format!(
        "{listing}: order {} of {}: {result}",
        t.order_id, t.order_date
    ));
    e.reference = Some(t.order_id.clone());
    c.grounds.push(Grounds {
        listing,
        kind: "test_buy".into(),
        at: now,
        by: by.into(),
        counterfeit: t.counterfeit,
        text: t.notes,
        order_id: Some(t.order_id),
        order_date: Some(t.order_date),
        appears_in,
        file_sha256,
        file_name,
    });
    save(store, &c, n)?;
    Ok(c)
}

/// `brandguard case confirm`: a reviewer confirms a listing is a counterfeit, with
/// the grounds they saw (misprinted logo, wrong serial format, …).
pub fn confirm_counterfeit(
    store: &Store,
    id: &str,
    listing: &str,
    grounds: &str,
    appears_in: &[String],
    by: &str,
) -> Result<Case, CaseError> {
    let mut c = get(store, id)?;
    let listing = case_listing(&c, listing)?;
    nonempty(grounds, "--grounds")?;
    let appears_in = appears(appears_in)?;
    let n = c.events.len();
    let now = Utc::now();
    let e = c.event(now, "counterfeit_confirmed", by);
    e.reason = Some(format!("{listing}: {grounds}"));
    c.grounds.push(Grounds {
        listing,
        kind: "reviewer".into(),
        at: now,
        by: by.into(),
        counterfeit: true,
        text: grounds.into(),
        order_id: None,
        order_date: None,
        appears_in,
        file_sha256: None,
        file_name: None,
    });
    save(store, &c, n)?;
    Ok(c)
}

/// `listing` (`marketplace/id`, or the id alone) as one of the case's listings.
fn case_listing(c: &Case, listing: &str) -> Result<String, CaseError> {
    let wanted = if listing.contains('/') {
        listing.to_string()
    } else {
        format!("{}/{listing}", c.marketplace)
    };
    if c.findings
        .iter()
        .any(|k| k.starts_with(&format!("{wanted}/")))
    {
        Ok(wanted)
    } else {
        Err(CaseError::Invalid(format!(
            "`{listing}` is not a listing of case {} (`brandguard case show {}` lists them)",
            c.id, c.id
        )))
    }
}

fn appears(given: &[String]) -> Result<Vec<String>, CaseError> {
    let mut out = Vec::new();
    for a in given {
        let a = a.trim().to_ascii_lowercase();
        if !APPEARS_IN.contains(&a.as_str()) {
            return Err(CaseError::Invalid(format!(
                "--appears `{a}`: use {}",
                APPEARS_IN.join(", ")
            )));
        }
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

impl Case {
    fn event(&mut self, at: DateTime<Utc>, action: &str, by: &str) -> &mut CaseEvent {
        self.updated_at = at;
        self.events.push(CaseEvent {
            at,
            action: action.into(),
            by: by.into(),
            reason: None,
            reference: None,
            revision: None,
            scan_id: None,
        });
        let last = self.events.len() - 1;
        &mut self.events[last]
    }

    fn require(&self, allowed: &[CaseState], message: &str) -> Result<(), CaseError> {
        if allowed.contains(&self.state) {
            Ok(())
        } else {
            Err(CaseError::WrongState {
                id: self.id.clone(),
                state: self.state,
                message: message.into(),
            })
        }
    }

    /// The latest rejection not yet answered by a new filing.
    pub fn pending_rejection(&self) -> Option<&CaseEvent> {
        (self.state == CaseState::Rejected)
            .then(|| self.rejections.last())
            .flatten()
    }
}

pub use crate::ident::seller_key;

/// Chooses the enforcement path from who the seller is and what was found.
pub fn choose_path(
    brand: &Brand,
    marketplace: &str,
    authorized: Option<&str>,
    findings: &[&FindingRecord],
) -> PathChoice {
    let kinds: BTreeSet<FindingKind> = findings.iter().map(|f| f.finding.kind).collect();
    if kinds.contains(&FindingKind::SuspectedCounterfeit) {
        let signals: BTreeSet<&str> = findings
            .iter()
            .filter(|f| f.finding.kind == FindingKind::SuspectedCounterfeit)
            .map(|f| f.finding.detail.as_str())
            .collect();
        return PathChoice {
            path: EnforcementPath::MarketplaceComplaint,
            priority: Priority::High,
            reason: format!(
                "suspected counterfeit ({}): counterfeits infringe the trademark, which the marketplace removes",
                signals.into_iter().collect::<Vec<_>>().join("; ")
            ),
            overridden: None,
        };
    }
    if let Some(d) = authorized {
        let what: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        return PathChoice {
            path: EnforcementPath::DistributorNotice,
            priority: Priority::Normal,
            reason: format!(
                "seller is the authorised distributor `{d}` ({}): a matter of its distribution agreement, not of the marketplace's IP policy",
                what.join(", ")
            ),
            overridden: None,
        };
    }
    match brand.enforcement.complaint_grounds(marketplace) {
        Some(grounds) => PathChoice {
            path: EnforcementPath::MarketplaceComplaint,
            priority: Priority::Normal,
            reason: format!(
                "unauthorised seller of genuine-looking goods; the brand file gives grounds on {marketplace}: {grounds}"
            ),
            overridden: None,
        },
        None => PathChoice {
            path: EnforcementPath::CeaseAndDesist,
            priority: Priority::Normal,
            reason: format!(
                "unauthorised seller of genuine-looking goods: marketplaces remove listings for infringement, not for unauthorised resale or low prices, so the seller gets a letter first (set enforcement.material_differences or enforcement.protected_content for {marketplace} to complain to the marketplace instead)"
            ),
            overridden: None,
        },
    }
}

/// What a scan did to the cases.
#[derive(Debug, Default, Clone, Serialize)]
pub struct CaseSummary {
    pub opened: u64,
    /// Resolved cases whose seller came back.
    pub reopened: u64,
    /// New findings that joined a case already open (not reported as new cases).
    pub findings_added_to_open_cases: u64,
    pub findings_resolved: u64,
    /// Cases resolved by this scan because all their findings were.
    pub resolved: u64,
    /// Of `resolved`: filed cases whose listings were brought into line (`complied`).
    pub complied: u64,
    /// Filed cases still violating `[confirm] recheck_after_days` after the filing.
    pub escalated: u64,
    /// Filed cases past `recheck_after_days` with no capture since the due day that
    /// shows their findings still there (their listings were not read: blocked
    /// nights, pages without an offer): not escalated, since nothing shows the
    /// distributor ignored the filing; escalated on the first night one does.
    pub ids_due_unverified: Vec<String>,
    /// Cases not done, after this scan.
    pub open: u64,
    pub ids_opened: Vec<String>,
    pub ids_reopened: Vec<String>,
    pub ids_resolved: Vec<String>,
}

/// A listing answer that shows the listing is gone: URL → (HTTP status, capture).
/// A 404 or 410, or, answering the recheck of a listing search results no longer
/// bring, a 200 saying the item is no longer available (a soft 404) or a redirect
/// (its 3xx status) to a page that is no listing or to another listing.
pub type Gone = BTreeMap<String, (u16, u64)>;

/// A case's stored bytes, checked against the `case_event` record that wrote
/// them (cases saved by older versions name none and are read as they are).
fn read_case(store: &Store, id: &str, bytes: &[u8]) -> Result<Case, CaseError> {
    let case: Case = serde_json::from_slice(bytes).map_err(|e| CaseError::Unreadable {
        id: id.into(),
        message: e.to_string(),
    })?;
    if let Some(seq) = case.written_by {
        store.check_vouched(("cases", id), bytes, seq, &[("case_event", "/case_sha256")])?;
    }
    Ok(case)
}

/// Every case in the store, by id.
pub fn all(store: &Store) -> Result<Vec<Case>, CaseError> {
    let mut out = Vec::new();
    for r in store.cases_bytes() {
        let (id, bytes) = r?;
        out.push(read_case(store, &id, &bytes)?);
    }
    Ok(out)
}

/// One case by id.
pub fn get(store: &Store, id: &str) -> Result<Case, CaseError> {
    let bytes = store
        .case_bytes(id)?
        .ok_or_else(|| CaseError::NotFound(id.into()))?;
    read_case(store, id, &bytes)
}

/// Stores a case with the events added since `events_before`, in one log record.
/// Events of one change listed in its `case_event` log record (see [`save`]).
const LOGGED_EVENTS: usize = 100;

pub fn save(store: &Store, case: &Case, events_before: usize) -> Result<(), CaseError> {
    let new = &case.events[events_before.min(case.events.len())..];
    // The log lists the new events (who did what and why). A first scan of a large
    // market adds one per finding, tens of thousands: the log then lists the first
    // LOGGED_EVENTS and pins all of them by count and hash (the case's bytes, pinned
    // by `case_sha256`, hold them in full).
    let events_json = serde_json::to_vec(new).map_err(|e| CaseError::Invalid(e.to_string()))?;
    let mut stored = case.clone();
    store.record_with(|seq| {
        // The case names the record that vouches for it, for readers to check.
        stored.written_by = Some(seq);
        let bytes = serde_json::to_vec(&stored).map_err(|e| EvidenceError::Io(e.into()))?;
        let payload = serde_json::json!({
            "case_id": case.id,
            "case_sha256": sha256_hex(&bytes),
            "state": case.state,
            "events": &new[..new.len().min(LOGGED_EVENTS)],
            "events_total": new.len(),
            "events_sha256": sha256_hex(&events_json),
        });
        Ok((
            vec![("case_event".into(), payload)],
            vec![(StateTree::Cases, case.id.as_bytes().to_vec(), bytes)],
        ))
    })?;
    Ok(())
}

/// Findings a scan adds to (or resolves in) one case that each get their own event;
/// beyond them, one event counts the rest. A first scan of a large market puts
/// thousands of findings in one seller's case: a history line per finding made the
/// history unreadable and the case, held in memory and rewritten whole, the largest
/// thing a scan kept. The case's `findings` and `open_findings` still list every key.
const FINDING_EVENTS: usize = 20;

/// The event that counts the findings past the first [`FINDING_EVENTS`] of a scan.
fn more_findings(c: &mut Case, action: &str, n: usize, at: DateTime<Utc>, scan_id: u64) {
    if n <= FINDING_EVENTS {
        return;
    }
    let verb = if action == "findings_added" {
        "added"
    } else {
        "resolved"
    };
    let e = c.event(at, action, "brandguard");
    e.reason = Some(format!(
        "and {} more findings {verb} in this scan (the case's findings list every one)",
        n - FINDING_EVENTS
    ));
    e.scan_id = Some(scan_id);
}

/// What the findings pass of [`after_scan`] saw of one case's open findings.
#[derive(Default)]
struct Seen {
    /// Open findings of the case met in the pass (still open or resolved).
    confirmed: usize,
    /// Those resolved, with the reason, in key order.
    done: Vec<(String, Option<String>)>,
    /// What `choose_path` reads of those still open: their kinds, and the signals of
    /// suspected counterfeits; one finding for each.
    open: BTreeMap<(FindingKind, String), FindingRecord>,
}

impl Seen {
    /// Notes an open finding of the case.
    fn open(&mut self, f: FindingRecord) {
        self.confirmed += 1;
        let signal = if f.finding.kind == FindingKind::SuspectedCounterfeit {
            f.finding.detail.clone()
        } else {
            String::new()
        };
        self.open.entry((f.finding.kind, signal)).or_insert(f);
    }
}

/// Moves findings and cases after scan `scan_id` (dated `as_of`): resolves findings of
/// listings that are gone, back in line or unseen for `resolve_after_scans` scans;
/// opens cases for new findings, reopens resolved cases whose seller came back, and
/// resolves cases whose findings are all resolved.
pub fn after_scan(
    config: &Config,
    store: &Store,
    scan_id: u64,
    as_of: DateTime<Utc>,
    gone: &Gone,
) -> Result<CaseSummary, CaseError> {
    after_scan_of(config, store, scan_id, as_of, gone, &Blind::default())
}

/// The marketplaces a finished scan could not look at (its summary's `not_looked`).
fn not_looked_in(r: &crate::evidence::ScanRecord) -> Blind {
    let list = |key: &str| -> BTreeSet<String> {
        r.summary
            .as_ref()
            .and_then(|s| s.get(key))
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    Blind {
        marketplaces: list("not_looked"),
        listings: list("listings_not_looked"),
    }
}

/// What a scan could not look at: whole marketplaces (`not_looked`), and single
/// listings with open findings its search results brought but whose pages it
/// could not read (`listings_not_looked`, canonical addresses, e.g. robots.txt
/// now disallows them). Neither counts as missed by that scan.
#[derive(Debug, Clone, Default)]
pub struct Blind {
    pub marketplaces: BTreeSet<String>,
    pub listings: BTreeSet<String>,
}

impl Blind {
    fn covers(&self, marketplace: &str, url: &str) -> bool {
        self.marketplaces.contains(marketplace)
            || (!self.listings.is_empty()
                && url::Url::parse(url)
                    .is_ok_and(|u| self.listings.contains(crate::crawl::canonical(u).as_str())))
    }
}

/// [`after_scan`] for a scan that could not look at the marketplaces in
/// `not_looked` (unreachable, robots.txt unreachable, a search or a recheck that
/// failed or was blocked): such a scan never counts as one that missed a listing of
/// those marketplaces. "Not looked" is never "not seen": a marketplace that blocks
/// the crawler for two nights must not resolve every case on it.
///
/// Findings are streamed, never all held: a market of 100,000 listings has tens
/// of thousands of them. One pass resolves what is gone or in line (1, `CasePass::resolve`),
/// puts what stays open into its seller's case (2, `CasePass::assign`) and notes,
/// per case, which of its open findings are resolved and what kinds stay open
/// (`Seen`); then each case drops what was resolved (3, `CasePass::settle`) and
/// is saved. Reading each case's findings back by key instead kept ~20 MB of sled
/// pages resident at 100,000 listings.
pub fn after_scan_of(
    config: &Config,
    store: &Store,
    scan_id: u64,
    as_of: DateTime<Utc>,
    gone: &Gone,
    blind: &Blind,
) -> Result<CaseSummary, CaseError> {
    let missed = Missed::since(store, scan_id, blind);
    let mut pass = CasePass::load(config, store, scan_id, as_of)?;
    for f in store.findings() {
        let mut f = f?;
        if f.resolved.is_none() && f.last_scan != scan_id {
            // A marketplace not looked at in full answered in ways that prove
            // nothing: its 404s are no takedowns (it may answer 404 to everything).
            let gone = (!blind.marketplaces.contains(&f.finding.marketplace)).then_some(gone);
            pass.resolve(&mut f, gone, &missed)?;
        }
        pass.assign(f)?;
    }
    pass.finish()
}

/// Finished scans and the marketplaces each could not look at: to count how many
/// scans looked for a listing and missed it.
struct Missed(Vec<(u64, Blind)>);

impl Missed {
    fn since(store: &Store, scan_id: u64, now: &Blind) -> Self {
        Self(
            store
                .scans()
                .filter_map(Result::ok)
                .filter(|r| r.finished_at.is_some() || r.scan_id == scan_id)
                .map(|r| {
                    let blind = if r.scan_id == scan_id {
                        now.clone()
                    } else {
                        not_looked_in(&r)
                    };
                    (r.scan_id, blind)
                })
                .collect(),
        )
    }

    /// Scans after `last` that looked at `marketplace` and could have looked at
    /// the listing at `url`.
    fn count(&self, last: u64, marketplace: &str, url: &str) -> u32 {
        self.0
            .iter()
            .filter(|(s, blind)| *s > last && !blind.covers(marketplace, url))
            .count() as u32
    }
}

/// The cases as one scan moves them.
struct CasePass<'a> {
    config: &'a Config,
    store: &'a Store,
    scan_id: u64,
    as_of: DateTime<Utc>,
    summary: CaseSummary,
    cases: BTreeMap<String, Case>,
    /// Each case's event count when loaded: more means it must be saved.
    before: BTreeMap<String, usize>,
    by_seller: BTreeMap<(String, String), String>,
    next_id: usize,
    /// Findings each case gained in this scan (see FINDING_EVENTS).
    added: BTreeMap<String, usize>,
    seen: HashMap<String, Seen>,
    /// False positives reviewers dismissed (the targets' `dismissals.toml`).
    dismissals: crate::judge::dismissals::Dismissals,
}

impl<'a> CasePass<'a> {
    fn load(
        config: &'a Config,
        store: &'a Store,
        scan_id: u64,
        as_of: DateTime<Utc>,
    ) -> Result<Self, CaseError> {
        let cases: BTreeMap<String, Case> =
            all(store)?.into_iter().map(|c| (c.id.clone(), c)).collect();
        Ok(Self {
            before: cases
                .iter()
                .map(|(id, c)| (id.clone(), c.events.len()))
                .collect(),
            by_seller: cases
                .values()
                .map(|c| ((c.marketplace.clone(), c.seller_key.clone()), c.id.clone()))
                .collect(),
            next_id: cases.len() + 1,
            cases,
            config,
            store,
            scan_id,
            as_of,
            summary: CaseSummary::default(),
            added: BTreeMap::new(),
            seen: HashMap::new(),
            dismissals: crate::judge::dismissals::Dismissals::load(&config.dir)
                .map_err(|e| CaseError::Invalid(e.to_string()))?,
        })
    }

    /// Where capture `seq` (a redirect answering the finding's listing address)
    /// ended, when that says more than "a page that is no listing": "another site,
    /// URL" off the finding's marketplace ([`Marketplace::is_its_page`]), "another
    /// listing, ID (URL)" at the address of another of its listings, by its
    /// adapter's `listing_id_from_url`.
    ///
    /// [`Marketplace::is_its_page`]: crate::config::Marketplace::is_its_page
    fn another_listing(&self, f: &crate::judge::Finding, seq: u64) -> Option<String> {
        let rec = self.store.log_record(seq).ok()??;
        let landed = rec.payload.pointer("/page/final_url")?.as_str()?;
        let m = self.config.marketplace(&f.marketplace)?;
        if url::Url::parse(landed).is_ok_and(|u| !m.is_its_page(&u)) {
            return Some(format!("another site, {landed}"));
        }
        let pattern = m.listing_id_from_url.as_ref()?;
        let id = pattern.captures(landed)?.get(1)?.as_str();
        (id != f.listing_id).then(|| format!("another listing, {id} ({landed})"))
    }

    /// Step 1: resolves an open finding this scan did not see again, if its listing is
    /// gone, back in line or missed by enough scans that looked (see [`resolution_of`]).
    fn resolve(
        &mut self,
        f: &mut FindingRecord,
        gone: Option<&Gone>,
        missed: &Missed,
    ) -> Result<(), CaseError> {
        let store = self.store;
        let latest = store.latest(&f.finding.marketplace, &f.finding.listing_id)?;
        let seen_now = latest.as_ref().filter(|o| o.scan_id == self.scan_id);
        // Not flagged because a reviewer dismissed it (a dismissal made while an
        // earlier scan ran): dismissed, not brought into line.
        let dismissed = seen_now.and_then(|o| {
            let facts = crate::judge::dismissals::Facts::of(&o.listing);
            self.dismissals
                .find(&facts, f.finding.kind, &f.finding.sku)
                .map(|d| {
                    (
                        format!("{DISMISSED} by {}: {}", d.by, d.reason),
                        Some(o.capture_log_seq),
                    )
                })
        });
        let resolution = dismissed.or_else(|| {
            resolution_of(
                f,
                seen_now,
                (gone, &|seq| self.another_listing(&f.finding, seq)),
                missed.count(f.last_scan, &f.finding.marketplace, &f.finding.url),
                &self.config.brand,
            )
        });
        let Some((reason, capture)) = resolution else {
            return Ok(());
        };
        f.resolved = Some(Resolution {
            at: self.as_of,
            scan_id: self.scan_id,
            reason: reason.clone(),
            capture_log_seq: capture,
        });
        let (key, scan_id) = (f.key(), self.scan_id);
        store.record_with(|seq| {
            f.written_by = Some(seq);
            let bytes = serde_json::to_vec(&*f).map_err(|e| EvidenceError::Io(e.into()))?;
            let event = serde_json::json!({"key": key, "scan_id": scan_id, "reason": reason, "capture_log_seq": capture, "finding_sha256": crate::evidence::sha256_hex(&bytes)});
            Ok((
                vec![("finding_resolved".into(), event)],
                vec![(
                    StateTree::Findings,
                    finding_key(&f.finding).into_bytes(),
                    bytes,
                )],
            ))
        })?;
        self.summary.findings_resolved += 1;
        Ok(())
    }

    /// Step 2: puts a finding into its seller's case: a resolved one is noted for its
    /// case to drop (step 3); an open one joins the case, opening a case for a new
    /// seller and reopening a resolved case whose seller came back.
    fn assign(&mut self, f: FindingRecord) -> Result<(), CaseError> {
        let sk = seller_key(
            f.finding.seller_id.as_deref(),
            f.finding.seller_name.as_deref(),
        );
        let key = f.key();
        let holder = self
            .by_seller
            .get(&(f.finding.marketplace.clone(), sk.clone()))
            .cloned();
        if let Some(r) = &f.resolved {
            if let Some(id) = holder
                && self
                    .cases
                    .get(&id)
                    .is_some_and(|c| c.open_findings.contains(&key))
            {
                let s = self.seen.entry(id).or_default();
                s.confirmed += 1;
                s.done.push((key, Some(r.reason.clone())));
            }
            return Ok(());
        }
        let id = match holder {
            Some(id) => id,
            None => self.open_case(&f, sk)?,
        };
        let (scan_id, at) = (self.scan_id, self.as_of);
        let Some(c) = self.cases.get_mut(&id) else {
            return Ok(());
        };
        if c.open_findings.contains(&key) {
            self.seen.entry(id).or_default().open(f);
            return Ok(());
        }
        if c.state == CaseState::Closed {
            // A person closed it with a reason ("authorised after review"): a scan
            // does not second-guess that.
            return Ok(());
        }
        if matches!(c.state, CaseState::Resolved | CaseState::Complied) {
            c.state = CaseState::Open;
            c.relapses += 1;
            let e = c.event(at, "reopened", "brandguard");
            e.reason = Some(format!(
                "the seller came back: {key} seen again ({})",
                f.finding.url
            ));
            e.scan_id = Some(scan_id);
            self.summary.reopened += 1;
            self.summary.ids_reopened.push(id.clone());
        } else if !c.findings.is_empty() && f.first_scan == scan_id {
            self.summary.findings_added_to_open_cases += 1;
        }
        c.findings.insert(key.clone());
        c.open_findings.insert(key.clone());
        let n = self.added.entry(id.clone()).or_default();
        *n += 1;
        if *n <= FINDING_EVENTS {
            let e = c.event(at, "finding_added", "brandguard");
            e.reason = Some(f.finding.detail.clone());
            e.reference = Some(key);
            e.scan_id = Some(scan_id);
        }
        self.seen.entry(id).or_default().open(f);
        Ok(())
    }

    /// Opens a case for the seller of finding `f`; returns its id.
    fn open_case(&mut self, f: &FindingRecord, sk: String) -> Result<String, CaseError> {
        let id = format!("C{:04}", self.next_id);
        self.next_id += 1;
        let latest = self
            .store
            .latest(&f.finding.marketplace, &f.finding.listing_id)?;
        let authorized = latest.and_then(|o| o.authorized_seller);
        let at = self.as_of;
        let mut c = Case {
            id: id.clone(),
            marketplace: f.finding.marketplace.clone(),
            seller_key: sk.clone(),
            seller_name: f.finding.seller_name.clone(),
            seller_id: f.finding.seller_id.clone(),
            authorized_seller: authorized,
            state: CaseState::Open,
            path: choose_path(&self.config.brand, &f.finding.marketplace, None, &[f]),
            opened_at: at,
            updated_at: at,
            findings: BTreeSet::new(),
            open_findings: BTreeSet::new(),
            filings: Vec::new(),
            rejections: Vec::new(),
            refiled: 0,
            packets: Vec::new(),
            relapses: 0,
            events: Vec::new(),
            written_by: None,
            grounds: Vec::new(),
        };
        let e = c.event(at, "opened", "brandguard");
        e.scan_id = Some(self.scan_id);
        self.summary.opened += 1;
        self.summary.ids_opened.push(id.clone());
        self.by_seller
            .insert((c.marketplace.clone(), sk), id.clone());
        self.cases.insert(id.clone(), c);
        Ok(id)
    }

    /// Step 3: each case drops the findings resolved since, resolves when none is left,
    /// follows what is open with its path; every changed case is saved.
    fn finish(mut self) -> Result<CaseSummary, CaseError> {
        for (id, n) in std::mem::take(&mut self.added) {
            if let Some(c) = self.cases.get_mut(&id) {
                more_findings(c, "findings_added", n, self.as_of, self.scan_id);
            }
        }
        let mut cases = std::mem::take(&mut self.cases);
        for c in cases.values_mut() {
            self.settle(c)?;
        }
        // Each case is let go once saved: its stored copy grows in sled meanwhile.
        for (id, c) in cases {
            let n = self.before.get(&id).copied().unwrap_or(0);
            if c.events.len() > n {
                save(self.store, &c, n)?;
            }
            if !c.state.is_done() {
                self.summary.open += 1;
            }
        }
        Ok(self.summary)
    }

    /// Step 3 for one case.
    fn settle(&mut self, c: &mut Case) -> Result<(), CaseError> {
        let (scan_id, as_of) = (self.scan_id, self.as_of);
        let mut s = self.seen.remove(&c.id).unwrap_or_default();
        if s.confirmed != c.open_findings.len() {
            // Some open finding was not met under this case's seller in the pass
            // (its listing changed hands, or its record is gone): read them all back.
            s = Seen::default();
            for k in &c.open_findings {
                match self
                    .store
                    .finding(&crate::evidence::finding_key_of_printable(k))?
                {
                    Some(f) if f.resolved.is_none() => s.open(f),
                    Some(f) => s.done.push((k.clone(), f.resolved.map(|r| r.reason))),
                    None => s.done.push((k.clone(), None)),
                }
            }
        }
        // In the order of the case's list (the pass walks the store's key order).
        s.done.sort();
        let (open, done) = (s.open, s.done);
        let resolved = done.len();
        // Findings resolved only by dismissal: nothing complied.
        let all_dismissed = !done.is_empty()
            && done
                .iter()
                .all(|(_, r)| r.as_deref().is_some_and(is_dismissal));
        for (i, (k, reason)) in done.into_iter().enumerate() {
            c.open_findings.remove(&k);
            if i < FINDING_EVENTS {
                let e = c.event(as_of, "finding_resolved", "brandguard");
                e.reason = reason;
                e.reference = Some(k);
                e.scan_id = Some(scan_id);
            }
        }
        more_findings(c, "findings_resolved", resolved, as_of, scan_id);
        if c.open_findings.is_empty() && !c.state.is_done() && !c.findings.is_empty() {
            let n = c.findings.len();
            if matches!(c.state, CaseState::Filed | CaseState::Refiled) && !all_dismissed {
                // A filed case whose listings were all brought into line or taken
                // down: the filing worked. The resolutions name their captures.
                c.state = CaseState::Complied;
                let e = c.event(as_of, "complied", "brandguard");
                e.reason = Some(format!(
                    "after the filing, all {n} findings resolved (listings removed or brought into line; see each finding's resolution capture)"
                ));
                e.scan_id = Some(scan_id);
                self.summary.complied += 1;
            } else {
                c.state = CaseState::Resolved;
                let e = c.event(as_of, "resolved", "brandguard");
                e.reason = Some(if all_dismissed {
                    "the findings left open were dismissed as false positives: nothing complied"
                        .to_string()
                } else {
                    format!("all {n} findings resolved (listings removed or brought into line)")
                });
                e.scan_id = Some(scan_id);
            }
            self.summary.resolved += 1;
            self.summary.ids_resolved.push(c.id.clone());
        }
        self.escalate_if_ignored(c)?;
        // The path follows what is open now, unless a person chose it.
        if c.path.overridden.is_none() && !c.open_findings.is_empty() {
            let open: Vec<&FindingRecord> = open.values().collect();
            let brand = &self.config.brand;
            let mut chosen =
                choose_path(brand, &c.marketplace, c.authorized_seller.as_deref(), &open);
            if chosen.path != c.path.path || chosen.priority != c.path.priority {
                chosen.overridden = None;
                c.path = chosen;
            }
        }
        Ok(())
    }
}

impl CasePass<'_> {
    /// A filed case still violating `[confirm] recheck_after_days` after its last
    /// filing (or its last escalation) moves up a step: an `escalated` event the
    /// compliance report counts, with the open findings that are still there.
    ///
    /// "Still there" is what a capture made on or after the due day shows: an open
    /// finding is only not yet resolved, and a listing not read since (blocked
    /// nights, Amazon's page without an offer) may have complied. Escalating on it
    /// told the distributor's scorecard it ignored a filing nothing showed it
    /// ignored; such a case is named in `ids_due_unverified` instead.
    fn escalate_if_ignored(&mut self, c: &mut Case) -> Result<(), CaseError> {
        if !matches!(c.state, CaseState::Filed | CaseState::Refiled) || c.open_findings.is_empty() {
            return Ok(());
        }
        let days = i64::from(self.config.brand.confirm.recheck_after_days);
        // From the date the last filing was made (as the person filing gave it),
        // or the last escalation since.
        let filed = c
            .filings
            .last()
            .and_then(|f| f.filed_on.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc());
        let escalated = c
            .events
            .iter()
            .rev()
            .take_while(|e| !matches!(e.action.as_str(), "filed" | "refiled"))
            .find(|e| e.action == "escalated")
            .map(|e| e.at);
        let Some(since) = filed.max(escalated) else {
            return Ok(());
        };
        let due = since + chrono::Duration::days(days);
        if self.as_of < due {
            return Ok(());
        }
        let mut still = Vec::new();
        for k in &c.open_findings {
            let key = crate::evidence::finding_key_of_printable(k);
            if let Some(f) = self.store.finding(&key)?
                && f.resolved.is_none()
                && f.last_seen >= due
            {
                still.push(f.last_seen);
            }
        }
        let Some(latest) = still.iter().max() else {
            self.summary.ids_due_unverified.push(c.id.clone());
            return Ok(());
        };
        let steps = c.events.iter().filter(|e| e.action == "escalated").count() + 1;
        let (n, open) = (still.len(), c.open_findings.len());
        let unseen = match open - n {
            0 => String::new(),
            u => format!("; {u} more open, not seen since"),
        };
        let (scan_id, as_of) = (self.scan_id, self.as_of);
        let e = c.event(as_of, "escalated", "brandguard");
        e.reason = Some(format!(
            "{n} findings still there {days} days after {} (seen {}{unseen}): escalation step {steps}",
            since.format("%Y-%m-%d"),
            latest.format("%Y-%m-%d %H:%M UTC"),
        ));
        e.scan_id = Some(scan_id);
        self.summary.escalated += 1;
        Ok(())
    }
}

/// `brandguard case file`: the complaint or notice was filed.
pub fn file(
    store: &Store,
    id: &str,
    reference: &str,
    on: NaiveDate,
    by: &str,
) -> Result<Case, CaseError> {
    let c = get(store, id)?;
    c.require(
        &[CaseState::PacketReady],
        &format!("only a case with a packet can be filed: build one with `brandguard packet --case {id}` (a rejected case is filed again with `case refile`)"),
    )?;
    nonempty(
        reference,
        "--reference (the marketplace's complaint number)",
    )?;
    let revision = c.packets.last().map(|p| p.revision).unwrap_or(0);
    record_filing(store, c, CaseState::Filed, revision, reference, on, by)
}

/// Records a filing of packet `revision` (first or again) and saves the case.
fn record_filing(
    store: &Store,
    mut c: Case,
    to: CaseState,
    revision: u32,
    reference: &str,
    on: NaiveDate,
    by: &str,
) -> Result<Case, CaseError> {
    let n = c.events.len();
    c.filings.push(Filing {
        revision,
        reference: reference.into(),
        filed_on: on,
        by: by.into(),
    });
    c.state = to;
    let (action, reason) = match to {
        CaseState::Refiled => {
            c.refiled += 1;
            (
                "refiled",
                format!("re-filed on {on} (re-filing {})", c.refiled),
            )
        }
        _ => ("filed", format!("filed on {on}")),
    };
    let e = c.event(Utc::now(), action, by);
    e.reference = Some(reference.into());
    e.revision = Some(revision);
    e.reason = Some(reason);
    save(store, &c, n)?;
    Ok(c)
}

/// `brandguard case reject`: the marketplace rejected the filing, for `reason`.
pub fn reject(store: &Store, id: &str, reason: &str, by: &str) -> Result<Case, CaseError> {
    let mut c = get(store, id)?;
    c.require(
        &[CaseState::Filed, CaseState::Refiled],
        "only a filed case can be rejected",
    )?;
    nonempty(reason, "--reason (the marketplace's reason, in its words)")?;
    let n = c.events.len();
    c.state = CaseState::Rejected;
    let reference = c.filings.last().map(|f| f.reference.clone());
    let e = c.event(Utc::now(), "rejected", by);
    e.reason = Some(reason.into());
    e.reference = reference;
    let e = e.clone();
    c.rejections.push(e);
    save(store, &c, n)?;
    Ok(c)
}

/// `brandguard case refile`: filed again after a rejection, with a new packet revision.
pub fn refile(
    store: &Store,
    id: &str,
    reference: &str,
    on: NaiveDate,
    by: &str,
) -> Result<Case, CaseError> {
    let c = get(store, id)?;
    c.require(
        &[CaseState::Rejected],
        "only a rejected case can be re-filed",
    )?;
    nonempty(reference, "--reference (the new complaint number)")?;
    let rejected_at = c.rejections.last().map(|r| r.at);
    let fresh = c
        .packets
        .last()
        .filter(|p| rejected_at.is_none_or(|r| p.built_at > r));
    let Some(p) = fresh else {
        return Err(CaseError::WrongState {
            id: id.into(),
            state: c.state,
            message: format!(
                "build a new packet revision that answers the rejection first: `brandguard packet --case {id}`"
            ),
        });
    };
    let revision = p.revision;
    record_filing(store, c, CaseState::Refiled, revision, reference, on, by)
}

/// `brandguard case resolve`: the listings are gone or in line (by a person's word).
pub fn resolve(store: &Store, id: &str, reason: &str, by: &str) -> Result<Case, CaseError> {
    finish(store, id, CaseState::Resolved, reason, by)
}

/// `brandguard case close`: no further action, for `reason` ("authorised after review").
pub fn close(store: &Store, id: &str, reason: &str, by: &str) -> Result<Case, CaseError> {
    finish(store, id, CaseState::Closed, reason, by)
}

fn finish(
    store: &Store,
    id: &str,
    to: CaseState,
    reason: &str,
    by: &str,
) -> Result<Case, CaseError> {
    let mut c = get(store, id)?;
    if c.state.is_done() {
        return Err(CaseError::WrongState {
            id: id.into(),
            state: c.state,
            message: "it is already done".into(),
        });
    }
    nonempty(reason, "--reason")?;
    let n = c.events.len();
    c.state = to;
    let e = c.event(Utc::now(), to.as_str(), by);
    e.reason = Some(reason.into());
    save(store, &c, n)?;
    Ok(c)
}

/// `brandguard case path`: a person chooses the path, with a reason.
pub fn override_path(
    store: &Store,
    id: &str,
    to: EnforcementPath,
    reason: &str,
    by: &str,
) -> Result<Case, CaseError> {
    let mut c = get(store, id)?;
    nonempty(reason, "--reason")?;
    let n = c.events.len();
    let now = Utc::now();
    let rule_path = c
        .path
        .overridden
        .as_ref()
        .map(|o| o.rule_path)
        .unwrap_or(c.path.path);
    c.path.overridden = Some(Override {
        rule_path,
        by: by.into(),
        at: now,
        reason: reason.into(),
    });
    c.path.path = to;
    let e = c.event(now, "path_overridden", by);
    e.reason = Some(format!("{} (rules chose {})", reason, rule_path.as_str()));
    e.reference = Some(to.as_str().into());
    save(store, &c, n)?;
    Ok(c)
}

/// Records a packet built for the case (state `open` → `packet_ready`).
pub fn packet_built(store: &Store, id: &str, rev: PacketRevision) -> Result<Case, CaseError> {
    let mut c = get(store, id)?;
    let n = c.events.len();
    if c.state == CaseState::Open {
        c.state = CaseState::PacketReady;
    }
    let revision = rev.revision;
    let format = rev.format.clone();
    c.packets.push(rev);
    let e = c.event(Utc::now(), "packet_built", "brandguard");
    e.revision = Some(revision);
    e.reference = Some(format);
    save(store, &c, n)?;
    Ok(c)
}

fn nonempty(v: &str, what: &str) -> Result<(), CaseError> {
    if v.trim().is_empty() {
        Err(CaseError::Invalid(format!("{what} is empty")))
    } else {
        Ok(())
    }
}

/// Why open finding `f` is resolved by this scan, with the capture that shows it,
/// if it is: its address answered 404/410 (`gone`); this scan's observation of the
/// listing (`seen_now`) shows the fact it was about no longer holds; or scans that
/// looked at its marketplace missed it `missed` times, at least `resolve_after`.
fn resolution_of(
    f: &FindingRecord,
    seen_now: Option<&crate::evidence::Observation>,
    (gone, another_listing): (Option<&Gone>, &dyn Fn(u64) -> Option<String>),
    missed: u32,
    brand: &crate::config::Brand,
) -> Option<(String, Option<u64>)> {
    let resolve_after = brand.enforcement.resolve_after_scans;
    if let Some((status, seq)) = gone.and_then(|g| g.get(&f.finding.url)) {
        let how = if matches!(status, 404 | 410) {
            format!("the page answered HTTP {status}")
        } else if (300..400).contains(status) {
            // Sent to another listing (see `Run::moved_to_another`), to another
            // site (`Run::off_site`), or off to a search, category or home page
            // (see `Run::off_listing`).
            match another_listing(*seq) {
                Some(other) => format!("its address redirects (HTTP {status}) to {other}"),
                None => {
                    format!("its address redirects (HTTP {status}) to a page that is no listing")
                }
            }
        } else {
            // A soft 404 or a page with no offer (see `Run::usable`).
            format!("its page shows the item as unavailable (HTTP {status})")
        };
        return Some((format!("listing removed: {how}"), Some(*seq)));
    }
    if let Some(o) = seen_now {
        // Looked at in this scan: resolved only if the page shows what the finding
        // was about; an unreadable page or a missing price proves nothing (and the
        // listing was not "unseen" either).
        return shows_compliance(o, &f.finding, brand).then(|| {
            let price = o
                .listing
                .price
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "no price".into());
            (
                format!("brought into line: the listing no longer shows it (now {price})"),
                Some(o.capture_log_seq),
            )
        });
    }
    (missed >= resolve_after).then(|| {
        (
            format!("not seen in search results or at its address for {missed} scans"),
            None,
        )
    })
}

/// Whether observation `o`, without finding `f`'s kind, shows that the listing no
/// longer does what the finding said: the page was read, the listing is still
/// recognised as the finding's product (else the judge checked nothing: a title
/// rewritten to dodge the brand's name is no compliance), and it holds the fact the
/// finding was about (a price the brand has a floor for in its currency, for price
/// findings; a seller, for seller findings). A page that could not be read, or
/// whose price was unreadable or in a currency without a floor, shows nothing.
fn shows_compliance(
    o: &crate::evidence::Observation,
    f: &crate::judge::Finding,
    brand: &crate::config::Brand,
) -> bool {
    let l = &o.listing;
    if l.unreadable.is_some() || l.is_empty() || o.sku_match.sku.as_deref() != Some(&f.sku) {
        return false;
    }
    let seller_known = l.seller.id.is_some() || l.seller.name.is_some();
    // A floor is checked on new items only (see `judge`): a listing that now says
    // its item is used shows nothing of the new item's price.
    let new_item = crate::extract::Condition::held_to_a_floor(l.condition.as_deref());
    let floor_checked = new_item
        && l.price.as_ref().is_some_and(|p| {
            brand
                .skus
                .iter()
                .find(|s| s.id == f.sku)
                .is_some_and(|s| s.floor.contains_key(&p.currency))
        });
    match f.kind {
        FindingKind::BelowFloor | FindingKind::PromotionOverrun => floor_checked,
        FindingKind::UnauthorizedSeller
        | FindingKind::TerritoryBreach
        | FindingKind::UndeclaredShop => seller_known,
        // Its signals are the title's words and a price far under the floor.
        FindingKind::SuspectedCounterfeit => l.title.is_some() && floor_checked,
    }
}
