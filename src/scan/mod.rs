//! One scan: every marketplace of a targets folder crawled, every listing page read,
//! judged and stored, and a [`ScanSummary`] at the end.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use tracing::Instrument;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde::Serialize;
use url::Url;

pub mod merge;
pub mod night;
mod render;
pub use crate::crawl::canonical;
pub use crate::shard;
pub use crate::summary::{MarketplaceStats, ScanSummary};
pub use render::{PagesRendered, render_pages};

use crate::config::{Config, Marketplace};
use crate::crawl::{FetchError, Fetcher, Page};
use crate::evidence::{EvidenceError, FindingStatus, Observation, ScanRecord, Store, sha256_hex};
use crate::{extract, judge};

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Case(#[from] crate::case::CaseError),
    #[error(
        "--benchmark-unthrottled lifts the rate limits and is only allowed against a demo on \
         this machine, but marketplace `{marketplace}` is at {host}: drop the flag"
    )]
    NotLoopback { marketplace: String, host: String },
    #[error("capture verdict rules {0}")]
    Rules(#[from] crate::verdict::RulesError),
    #[error(transparent)]
    Dismissals(#[from] crate::judge::dismissals::DismissalError),
    #[error("interrupted by {0} before the scan finished: the same command resumes it")]
    Interrupted(String),
    /// The scan had begun and stopped before it finished: what it had done by then
    /// (`partial.stopped` says why), for the run summary every run ends with.
    #[error("{source}")]
    Stopped {
        partial: Box<ScanSummary>,
        #[source]
        source: Box<ScanError>,
    },
}

impl ScanError {
    /// The scan `partial` stopped on this error: its counts so far, stamped with
    /// when and why it stopped.
    fn stopping(self, mut partial: ScanSummary, config: &Config, started: DateTime<Utc>) -> Self {
        let stopped = Utc::now();
        partial.finished_at = Some(stopped);
        partial.duration_secs = (stopped - started).num_milliseconds() as f64 / 1000.0;
        partial.usage = crate::usage::Usage::now();
        partial.stopped = Some(self.to_string());
        // The scan ends unfinished: no marketplace was looked at in full.
        partial.not_looked = config.marketplaces.iter().map(|m| m.name.clone()).collect();
        tracing::error!(scan_id = partial.scan_id, pages = partial.pages_fetched, error = %self, "scan stopped before it finished");
        ScanError::Stopped {
            partial: Box::new(partial),
            source: Box::new(self),
        }
    }
}

/// How to run a scan.
#[derive(Default)]
pub struct ScanOptions {
    /// Progress bars to draw into (a terminal); `None` logs instead.
    pub progress: Option<MultiProgress>,
    /// Start a new scan even if the last one of these targets was interrupted
    /// (by default it is resumed).
    pub fresh: bool,
    /// The date the scan stands for (`demo --nights` stamps each night with its
    /// date); the start time when `None`.
    pub as_of: Option<DateTime<Utc>>,
    /// Benchmarks only: no rate limits. Refused unless every marketplace is on a
    /// loopback address (the demo marketplace), so it can never hit a real site.
    pub benchmark_unthrottled: bool,
    /// The share of the work this run took (`scan --shard I/N`), already applied to
    /// the config; recorded in the summary.
    pub shard: Option<shard::ShardPlan>,
    /// What the store a sharded night is merged into knows ([`shard::Context`]):
    /// its open listings (the caller passes this shard's share,
    /// [`shard::ShardPlan::rechecks`]) are checked at their address when search
    /// results do not bring them, as this store's own are, so takedowns and
    /// evasions (a title rewritten to leave the brand's search) are seen as one
    /// scan sees them; its promotions carried stand in for a listing this store
    /// never observed. A shard starts from an empty store and knows neither.
    pub merged: shard::Context,
    /// The capture verdict rules, if the caller already loaded them (to report a
    /// bad rules file as a bad targets folder); else loaded from `config.dir`.
    pub verdicts: Option<crate::verdict::Rules>,
    /// Resolves, with what asked, when the scan is to stop before it finishes (the
    /// command's SIGTERM or Ctrl-C): the pages in flight are dropped (the next scan
    /// asks for them again), what the store acknowledged is flushed, and the scan
    /// ends [`ScanError::Stopped`], unfinished, to be resumed. Never concluded:
    /// listings not reached must not count as gone.
    pub stop: Option<std::pin::Pin<Box<dyn Future<Output = String> + Send>>>,
}

/// Time between two flushes of the evidence store during a scan.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Listings found on one marketplace in this scan, on their way to be fetched.
struct Found {
    /// 64-bit hashes of every URL met (search pages and listings).
    seen: HashSet<u64>,
    /// Listings sent.
    count: u64,
    tx: tokio::sync::mpsc::Sender<Url>,
    bar: ProgressBar,
}

impl Found {
    /// Sends a listing not met before to be fetched; false if fetching has stopped.
    async fn send(&mut self, url: Url) -> bool {
        if !self.seen.insert(url_hash(&url)) {
            return true;
        }
        self.count += 1;
        self.bar.inc_length(1);
        self.tx.send(url).await.is_ok()
    }
}

/// What a page is to the scan, which decides what its failure counts against
/// (see [`Run::fail`]) and whether it ends a run of blocked answers (a listing
/// does; a search page, which marketplaces often serve while refusing listings,
/// does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageRole {
    Search,
    Listing,
    /// A seller's profile page: outside the page budget (it belongs to a listing
    /// the budget already paid for, one per seller at most; a spent budget must not
    /// leave a listing read but its seller unknown) and outside the marketplace's
    /// listing coverage.
    Profile,
}

/// Where a fetched page's evidence went.
struct Stored {
    snapshot: crate::evidence::SnapshotRef,
    capture_seq: u64,
}

struct Run<'a> {
    config: &'a Config,
    store: &'a Store,
    /// Shared with the browser, whose requests pass its limits too.
    fetcher: Arc<Fetcher>,
    scan_id: u64,
    /// Pages each marketplace may still fetch in this scan.
    budget: BTreeMap<String, AtomicUsize>,
    /// When resuming: pages the interrupted run stored (by requested URL).
    stored_before: std::collections::HashMap<Url, (u64, crate::evidence::Capture)>,
    /// When resuming: listing URLs the interrupted run already observed. They are
    /// not fetched again, whatever they answered (a 304 fetched again would be a
    /// second observation of the listing in one scan).
    observed_before: HashSet<Url>,
    summary: Mutex<ScanSummary>,
    as_of: DateTime<Utc>,
    /// Listing URLs that answered 404/410 in this scan.
    gone: Mutex<crate::case::Gone>,
    /// Listings of open findings fetched at their address (not found by search).
    rechecks: Mutex<HashSet<Url>>,
    /// Marketplace → addresses of listings with open findings, read once per scan.
    open_urls: BTreeMap<String, BTreeSet<Url>>,
    /// What the store a sharded night is merged into knows (`ScanOptions::merged`).
    merged: shard::Context,
    /// When the store was last flushed (see [`Run::acknowledge`]).
    last_flush: Mutex<std::time::Instant>,
    /// The marketplaces, shared with the parsing threads.
    markets: std::collections::HashMap<String, Arc<Marketplace>>,
    /// Pages parsed at once on the blocking pool: one per core.
    parsers: tokio::sync::Semaphore,
    /// What a fetched page is, before anything is read from it (shared with the
    /// parsing threads: see [`Run::verdict_of`]).
    verdicts: Arc<crate::verdict::Rules>,
    /// Marketplace → blocked answers in a row (see `crawl.pause_after_blocked`).
    blocked_in_a_row: Mutex<std::collections::HashMap<String, u32>>,
    /// Seller identities: what the store held when the scan began (dated on or
    /// before it), and each account's identity for this scan, read once (listings
    /// of one seller wait for the same read).
    identities: Identities,
    /// The browser of the scan and the pages rendered (see [`render`]).
    renders: render::Renders,
    /// False positives reviewers dismissed: not flagged while the listing stays
    /// as it was dismissed.
    dismissals: crate::judge::dismissals::Dismissals,
}

/// The seller identities a scan works with (see [`Run::identity`]).
struct Identities {
    stored: BTreeMap<(String, String), crate::evidence::IdentityRecord>,
    this_scan: Mutex<std::collections::HashMap<(String, String), Arc<IdentityCell>>>,
    rules: crate::sellers::Rules,
    /// The distributors' declared accounts, read before any listing is judged.
    declared: std::sync::OnceLock<crate::sellers::Declared>,
}

/// A seller's identity for this scan as a network member: its identifiers are
/// normalised once, not again for each of the seller's listings (phones go through
/// libphonenumber).
type IdentityCell = tokio::sync::OnceCell<Option<Arc<crate::sellers::Member>>>;

impl Identities {
    /// The identities stored by scans dated on or before `as_of`, and the brand's
    /// rules with the values those show too widely to identify anyone.
    fn of(store: &Store, config: &Config, as_of: DateTime<Utc>) -> Result<Self, ScanError> {
        let stored = store.identities(Some(as_of))?;
        let members: Vec<_> = stored.values().map(|r| r.member()).collect();
        Ok(Identities {
            stored,
            this_scan: Mutex::new(Default::default()),
            rules: crate::sellers::Rules::of(&config.brand.networks).with_common(&members),
            declared: std::sync::OnceLock::new(),
        })
    }
}

impl<'a> Run<'a> {
    /// The run's state for a scan begun; `summary` fills in the summary's
    /// identity (tool, targets, store) around the counts carried from `begun`.
    fn new(
        config: &'a Config,
        store: &'a Store,
        (fetcher, verdicts, dismissals): (
            Fetcher,
            crate::verdict::Rules,
            crate::judge::dismissals::Dismissals,
        ),
        begun: Begun,
        summary: impl FnOnce(ScanSummary) -> ScanSummary,
    ) -> Result<Self, ScanError> {
        let Begun {
            scan_id,
            as_of,
            resumed,
            stored_before,
            observed_before,
            summary: earlier,
        } = begun;
        let page_budget = config.brand.crawl.page_budget;
        Ok(Run {
            config,
            store,
            fetcher: Arc::new(fetcher),
            scan_id,
            stored_before,
            observed_before,
            budget: config
                .marketplaces
                .iter()
                .map(|m| (m.name.clone(), AtomicUsize::new(page_budget)))
                .collect(),
            summary: Mutex::new(summary(ScanSummary {
                scan_id,
                resumed,
                as_of: Some(as_of),
                ..earlier
            })),
            as_of,
            gone: Mutex::new(Default::default()),
            rechecks: Mutex::new(HashSet::new()),
            open_urls: open_urls(store, u64::MAX)?,
            merged: shard::Context::default(),
            last_flush: Mutex::new(std::time::Instant::now()),
            markets: config
                .marketplaces
                .iter()
                .map(|m| (m.name.clone(), Arc::new(m.clone())))
                .collect(),
            parsers: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            verdicts: Arc::new(verdicts),
            blocked_in_a_row: Mutex::new(Default::default()),
            identities: Identities::of(store, config, as_of)?,
            renders: render::Renders::of(store, config)?,
            dismissals,
        })
    }

    /// Reads the identities of the distributors' declared accounts (on the
    /// marketplaces with a seller page), before any listing is judged: whether a
    /// shop is a distributor's undeclared one then never depends on which page of
    /// the scan came first.
    async fn declared_accounts(&self) -> Result<(), ScanError> {
        let mut wanted = Vec::new();
        for s in &self.config.brand.sellers {
            for a in &s.accounts {
                if let Some(m) = self
                    .config
                    .marketplaces
                    .iter()
                    .find(|m| m.name == a.marketplace && m.seller_page.is_some())
                {
                    wanted.push((s.id.clone(), m, a.id.clone()));
                }
            }
        }
        let reads = wanted.iter().map(|(_, m, id)| self.identity(m, id));
        let mut accounts = Vec::new();
        for ((distributor, ..), read) in wanted.iter().zip(futures::future::join_all(reads).await) {
            if let Some(rec) = read? {
                accounts.push((distributor.clone(), (*rec).clone()));
            }
        }
        let declared = crate::sellers::Declared::new(&accounts, &self.identities.rules);
        let _ = self.identities.declared.set(declared);
        Ok(())
    }

    /// Seller `seller_id`'s identity on `m` for this scan: the stored one while it
    /// is younger than `networks.identity_refresh_days`, else read from its profile
    /// page now (through the same politeness, verdict and evidence as any page).
    /// When that read fails, the last stored identity stands: a page that could not
    /// be read says nothing new about who the seller is.
    async fn identity(
        &self,
        m: &Marketplace,
        seller_id: &str,
    ) -> Result<Option<Arc<crate::sellers::Member>>, ScanError> {
        let key = (m.name.clone(), seller_id.to_string());
        let cell = {
            let mut map = match self.identities.this_scan.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            map.entry(key.clone()).or_default().clone()
        };
        cell.get_or_try_init(|| self.read_identity(m, seller_id, key))
            .await
            .cloned()
    }

    async fn read_identity(
        &self,
        m: &Marketplace,
        seller_id: &str,
        key: (String, String),
    ) -> Result<Option<Arc<crate::sellers::Member>>, ScanError> {
        let stored = self.identities.stored.get(&key);
        let refresh =
            chrono::Duration::days(i64::from(self.config.brand.networks.identity_refresh_days));
        let last = || stored.map(|r| Arc::new(r.member()));
        if stored.is_some_and(|r| self.as_of - r.as_of < refresh) {
            return Ok(last());
        }
        let Some(url) = m
            .seller_page
            .as_ref()
            .and_then(|p| p.url_of(&m.base_url, seller_id))
        else {
            return Ok(last());
        };
        let Some((page, at)) = self.get(m, &canonical(url), PageRole::Profile).await? else {
            return Ok(last());
        };
        let market = self.shared(m);
        let id = seller_id.to_string();
        let Some(identity) = self
            .off_the_loop(move || crate::sellers::identity::read(&page, &market, &id))
            .await
        else {
            self.with(|s| {
                s.fail(
                    &m.name,
                    "unreadable",
                    format!("seller page of {seller_id}: parsing failed"),
                )
            });
            return Ok(last());
        };
        let rec = crate::evidence::IdentityRecord {
            scan_id: self.scan_id,
            as_of: self.as_of,
            capture_log_seq: at.capture_seq,
            snapshot_sha256: at.snapshot.sha256.clone(),
            identity,
            log_seq: 0,
        };
        let member = rec.member();
        self.store.record_identity(rec)?;
        self.with(|s| s.seller_identities_read += 1);
        Ok(Some(Arc::new(member)))
    }

    /// The distributor whose undeclared shop the listing's seller is: asked only
    /// for the brand's products sold by a seller who is none of the declared
    /// accounts, on a marketplace with a seller page. `Err` (in words) when the
    /// seller's profile page could not be read: the check was not made, which the
    /// verdict notes (the seller is still none of the declared accounts).
    async fn undeclared(
        &self,
        m: &Marketplace,
        listing: &extract::Listing,
        verdict: &judge::Verdict,
    ) -> Result<Result<Option<crate::sellers::network::Undeclared>, String>, ScanError> {
        let seller = listing.seller.id.as_deref().map(str::trim).unwrap_or("");
        if verdict.sku_match.sku.is_none()
            || verdict.authorized_seller.is_some()
            || seller.is_empty()
            || m.seller_page.is_none()
        {
            return Ok(Ok(None));
        }
        let Some(rec) = self.identity(m, seller).await? else {
            return Ok(Err(format!(
                "seller {seller}'s profile page could not be read: whether it is a distributor's undeclared shop was not checked"
            )));
        };
        Ok(Ok(self
            .identities
            .declared
            .get()
            .and_then(|d| d.undeclared(&rec, &self.identities.rules))))
    }

    /// Scans every marketplace at once, each with its progress bar.
    async fn every_marketplace(&self, progress: Option<&MultiProgress>) -> Result<(), ScanError> {
        let style = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let jobs = self.config.marketplaces.iter().map(|m| {
            let bar = match progress {
                Some(mp) => mp.add(
                    ProgressBar::new(0)
                        .with_style(style.clone())
                        .with_prefix(m.name.clone()),
                ),
                None => ProgressBar::hidden(),
            };
            self.marketplace(m, bar)
        });
        for r in futures::future::join_all(jobs).await {
            r?;
        }
        Ok(())
    }

    /// After the fetching: notes coverage, moves findings and cases (nothing is
    /// concluded about a marketplace not looked at), and finishes the scan record.
    async fn finish(self, started: DateTime<Utc>) -> Result<ScanSummary, ScanError> {
        let (config, store, scan_id) = (self.config, self.store, self.scan_id);
        let mut summary = self.with(|s| s.clone());
        summary.hosts_cut_off = self.fetcher.hosts_cut_off();
        summary.host_rates = self.fetcher.host_rates();
        let gone = match self.gone.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        };
        summary.note_coverage(config);
        self.renders.close().await;
        let summary = match conclude(config, store, summary.clone(), &gone, started) {
            Ok(s) => s,
            Err(e) => return Err(e.stopping(summary, config, started)),
        };
        tracing::info!(
            scan_id,
            pages = summary.pages_fetched,
            listings = summary.listings_seen,
            findings_new = summary.findings_new,
            "scan finished"
        );
        Ok(summary)
    }

    fn with<R>(&self, f: impl FnOnce(&mut ScanSummary) -> R) -> R {
        let mut s = match self.summary.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        f(&mut s)
    }

    /// Fetches and stores a page's bytes; `None` (after counting why, as its
    /// [`PageRole`] says) when there is no usable page. A 304 gives the bytes of the
    /// capture it confirmed.
    async fn get(
        &self,
        m: &Marketplace,
        url: &Url,
        role: PageRole,
    ) -> Result<Option<(Page, Stored)>, ScanError> {
        if let Some((page, stored)) = self.resumed(url)? {
            // Read back, a page is judged as when it was fetched: a captcha or a
            // redirect to search results the stopped run stored is still one.
            return Ok(self
                .readable(m, url, &page, role, stored.capture_seq)
                .await
                .then_some((page, stored)));
        }
        if self.paused(m, role) || (role != PageRole::Profile && !self.take_budget(m)) {
            return Ok(None);
        }
        let earlier = self.store.validators_of(url)?;
        let Some(page) = self
            .fetch(m, url, earlier.as_ref().map(|(v, _)| v), role)
            .await
        else {
            return Ok(None);
        };
        let (page, snapshot) = self.put_snapshot(page).await?;
        let capture_seq = self.store.record_capture(self.scan_id, &page, &snapshot)?;
        self.count_capture(&page, &snapshot);
        // Every capture counts toward the flush timer, whatever its status: a night
        // of 304s must be made durable as often as a night of 200s.
        self.acknowledge().await?;
        if !self.readable(m, url, &page, role, capture_seq).await {
            return Ok(None);
        }
        if page.status == 304
            && let Some((_, before)) = earlier
            && let Some(body) = self.store.snapshot(&before.snapshot.sha256)?
        {
            // Unchanged since `before`: read that capture's bytes again. The 304 itself
            // is the capture of this scan.
            self.with(|s| s.not_modified += 1);
            let mut old = before.page.clone();
            old.body = body;
            let stored = Stored {
                snapshot: before.snapshot.clone(),
                capture_seq,
            };
            return Ok(Some((old, stored)));
        }
        if page.status == 200
            && let Some(v) = crate::crawl::Validators::of(&page)
        {
            self.store.remember_validators(url, &v, capture_seq)?;
        }
        if role != PageRole::Profile
            && matches!(page.status, 404 | 410)
            && self.note_gone(url, &page, capture_seq)
        {
            // What a recheck is for: the listing was taken down. Not a failure.
            self.count_gone(m);
            return Ok(None);
        }
        if page.status != 200 {
            let reason = format!("http_{}", page.status);
            self.fail(m, role, &reason, format!("{url}: HTTP {}", page.status));
            return Ok(None);
        }
        let stored = Stored {
            snapshot,
            capture_seq,
        };
        Ok(Some((page, stored)))
    }

    /// The capture's verdict: a captcha, challenge, login wall, shell or soft 404
    /// is kept as evidence (its capture record is written) and counted under its
    /// reason, but nothing is read or concluded from it: the marketplace was not
    /// looked at there. Except a soft 404 ("this item is no longer available")
    /// answering the recheck of a listing with open findings that search results
    /// no longer bring: that is how eBay or Taobao show a takedown, and it counts
    /// as one, as a 410 would (a listing still in search results whose page says
    /// it is gone proves nothing, and stays a failure). The same for a page that
    /// shows the listing with no offer (`Verdict::NoOffer`), which is otherwise read
    /// as the page it is.
    fn usable(
        &self,
        m: &Marketplace,
        url: &Url,
        page: &Page,
        (role, capture_seq): (PageRole, u64),
        verdict: crate::verdict::Verdict,
    ) -> bool {
        if role == PageRole::Listing
            && matches!(
                verdict,
                crate::verdict::Verdict::Soft404 { .. } | crate::verdict::Verdict::NoOffer { .. }
            )
            && self.is_recheck(url)
            && self.note_gone(url, page, capture_seq)
        {
            tracing::info!(marketplace = %m.name, %url, ?verdict, "rechecked listing no longer available: taken down");
            self.with(|s| s.gone_by_page.push(url.to_string()));
            self.count_gone(m);
            return false;
        }
        // A marketplace read from its rendered pages serves script shells: the
        // render reads them (and is judged again, see `Run::as_rendered`).
        if role == PageRole::Listing
            && verdict == crate::verdict::Verdict::Shell
            && self.config.render_mode(m) == crate::config::RenderMode::Always
        {
            self.count_blocked(m, false);
            return true;
        }
        let blocked = matches!(verdict, crate::verdict::Verdict::Blocked { .. });
        if blocked || role == PageRole::Listing {
            self.count_blocked(m, blocked);
        }
        if matches!(verdict, crate::verdict::Verdict::NoOffer { .. }) {
            if role == PageRole::Listing {
                self.with(|s| s.market(&m.name).no_offer_pages += 1);
            }
            return true;
        }
        if verdict.is_ok() {
            return true;
        }
        if blocked && role != PageRole::Profile {
            self.with(|s| s.market(&m.name).blocked += 1);
        }
        if role == PageRole::Listing && matches!(verdict, crate::verdict::Verdict::Soft404 { .. }) {
            // Counted apart too: a night's few are listings ended since the search
            // ran, no failure (`MarketplaceStats::ended_since_the_search`).
            self.with(|s| s.market(&m.name).listings_ended += 1);
        }
        tracing::warn!(marketplace = %m.name, %url, ?verdict, "not a listing page: nothing is concluded from it");
        let reason = verdict.reason();
        self.fail(m, role, &reason, format!("{url}: {verdict}"));
        false
    }

    /// Whether a page answered (fetched now, or stored by the interrupted run this
    /// one resumes) is to be read: [`Run::usable`], and for a listing page, that
    /// its address did not send the crawler to a page that is no listing. A
    /// recheck sent to another listing notes the one asked for as gone; that page
    /// is read as the listing it is.
    async fn readable(
        &self,
        m: &Marketplace,
        url: &Url,
        page: &Page,
        role: PageRole,
        capture_seq: u64,
    ) -> bool {
        let verdict = self.verdict_of(page).await;
        // A redirect to another site's captcha or challenge (bot managers that
        // send the crawler to their own host) is a block, judged as one below: taken
        // for a redirect away, a recheck so blocked was "taken down".
        if !page.redirects.is_empty()
            && !m.is_its_page(&page.final_url)
            && !matches!(verdict, crate::verdict::Verdict::Blocked { .. })
        {
            self.off_site(m, url, page, (role, capture_seq));
            return false;
        }
        if !self.usable(m, url, page, (role, capture_seq), verdict) {
            return false;
        }
        if role == PageRole::Listing {
            match landed(m, url, page) {
                Some(Landed::NoListing(elsewhere)) => {
                    self.off_listing(m, url, page, capture_seq, &elsewhere);
                    return false;
                }
                Some(Landed::Another(other)) if self.is_recheck(url) => {
                    self.moved_to_another(m, url, page, capture_seq, &other);
                }
                _ => {}
            }
        }
        true
    }

    /// Counts a page that could not be used. A listing or search page that failed
    /// is a part of the marketplace not looked at; a seller's profile page is not
    /// (its listings were read): it is counted apart, as a failure of the night
    /// (exit 3), never against the marketplace's coverage or its resolutions.
    fn fail(&self, m: &Marketplace, role: PageRole, reason: &str, example: String) {
        self.with(|s| match role {
            PageRole::Profile => s.fail_profile(reason, example),
            PageRole::Search | PageRole::Listing => s.fail(&m.name, reason, example),
        });
    }

    /// Counts blocked answers in a row; after `crawl.pause_after_blocked` of them
    /// the marketplace is paused for the rest of the scan (no retries with other
    /// agents, no proxies: a block is respected).
    fn count_blocked(&self, m: &Marketplace, blocked: bool) {
        let mut counts = match self.blocked_in_a_row.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        let n = counts.entry(m.name.clone()).or_default();
        *n = if blocked { n.saturating_add(1) } else { 0 };
        if *n == self.config.brand.crawl.pause_after_blocked {
            tracing::warn!(marketplace = %m.name, blocked = *n, "blocked answers in a row: this marketplace is left alone for the rest of the scan");
            self.with(|s| s.paused.push(m.name.clone()));
        }
    }

    /// Whether the marketplace is paused; a page not fetched because of it counts
    /// as not looked at.
    fn paused(&self, m: &Marketplace, role: PageRole) -> bool {
        let paused = self.with(|s| s.paused.contains(&m.name));
        if paused {
            if role != PageRole::Profile {
                self.with(|s| s.market(&m.name).not_reached += 1);
            }
            self.fail(
                m,
                role,
                "paused_after_blocks",
                format!("{}: paused", m.name),
            );
        }
        paused
    }

    /// Resuming: what the interrupted run stored is read back, not fetched again.
    fn resumed(&self, url: &Url) -> Result<Option<(Page, Stored)>, ScanError> {
        let Some((seq, capture)) = self.stored_before.get(url) else {
            return Ok(None);
        };
        let Some(body) = self.store.snapshot(&capture.snapshot.sha256)? else {
            return Ok(None);
        };
        self.with(|s| s.pages_resumed += 1);
        let mut page = capture.page.clone();
        page.body = body;
        let stored = Stored {
            snapshot: capture.snapshot.clone(),
            capture_seq: *seq,
        };
        Ok(Some((page, stored)))
    }

    /// Takes one page of the marketplace's budget; false (and a warning, once)
    /// when it is spent.
    fn take_budget(&self, m: &Marketplace) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let within = self.budget.get(&m.name).is_some_and(|b| {
            b.fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))
                .is_ok()
        });
        if !within {
            self.with(|s| {
                s.market(&m.name).not_reached += 1;
                if !s.budget_exhausted.contains(&m.name) {
                    tracing::warn!(marketplace = %m.name, "page budget exhausted; the rest of this marketplace waits for the next scan");
                    s.budget_exhausted.push(m.name.clone());
                }
            });
        }
        within
    }

    /// Fetches `url` (conditionally, given the validators of an earlier capture);
    /// `None` after counting why when robots.txt disallows it or the fetch failed.
    async fn fetch(
        &self,
        m: &Marketplace,
        url: &Url,
        validators: Option<&crate::crawl::Validators>,
        role: PageRole,
    ) -> Option<Page> {
        match self.fetcher.fetch_conditional(url, validators).await {
            Ok(p) => Some(p),
            Err(FetchError::RobotsDisallowed { url }) => {
                tracing::debug!(%url, "robots.txt disallows, skipped");
                // Of the links search results gave (a recheck is no result).
                let result = role == PageRole::Listing
                    && !match self.rechecks.lock() {
                        Ok(r) => r.contains(&url),
                        Err(p) => p.into_inner().contains(&url),
                    };
                self.with(|s| {
                    s.robots_blocked += 1;
                    let market = s.market(&m.name);
                    market.robots_blocked += 1;
                    market.listings_disallowed += u64::from(result);
                });
                None
            }
            Err(e) => {
                tracing::warn!(marketplace = %m.name, error = %e, "fetch failed");
                self.fail(m, role, e.reason(), e.to_string());
                None
            }
        }
    }

    fn count_capture(&self, page: &Page, snap: &crate::evidence::SnapshotRef) {
        self.with(|s| {
            s.pages_fetched += 1;
            s.bytes_fetched += page.body.len() as u64;
            s.pages_truncated += u64::from(page.truncated);
            if snap.deduplicated {
                s.snapshots_deduplicated += 1;
            } else {
                s.snapshots_new += 1;
                s.snapshot_bytes_new += snap.size;
                s.snapshot_bytes_stored += snap.stored_size;
            }
        });
    }

    /// A page's address redirected to another site (a listing sending the buyer to
    /// the seller's own shop, a domain the marketplace does not own): nothing is
    /// read from it, whatever it shows. Read as the marketplace's page, another
    /// shop's price became a finding against the listing and a complaint to the
    /// marketplace, and its 404 the listing's takedown. For the recheck of a
    /// listing with open findings that search results no longer bring, the
    /// redirect itself, the marketplace's answer, is the takedown (as a redirect to
    /// a page that is no listing is, [`Run::off_listing`]); any other page fails.
    fn off_site(&self, m: &Marketplace, url: &Url, page: &Page, (role, seq): (PageRole, u64)) {
        let to = page.final_url.as_str();
        if role == PageRole::Listing && self.is_recheck(url) {
            tracing::info!(marketplace = %m.name, %url, to, "rechecked listing redirects to another site: taken down");
            self.redirected_away(m, url, page, seq);
            return;
        }
        tracing::warn!(marketplace = %m.name, %url, to, "page redirected to another site: nothing is concluded from it");
        let host = match (page.final_url.host_str(), page.final_url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (h, _) => h.unwrap_or_default().to_string(),
        };
        self.fail(
            m,
            role,
            "redirected_off_site",
            format!(
                "{url}: redirected to {to}, another site's page (if {host}'s pages are {}'s, add it to its [search] item_hosts)",
                m.name
            ),
        );
    }

    /// A listing's address redirected to a page that is no listing (a search,
    /// category or home page: how many shops answer for a removed product). For a
    /// recheck of a listing with open findings that search results no longer bring,
    /// that is its takedown, noted with the redirect's status; a listing search
    /// results still link to proves nothing so, and fails as a page not read.
    /// Either way nothing is read from the page it was sent to.
    fn off_listing(
        &self,
        m: &Marketplace,
        url: &Url,
        page: &Page,
        capture_seq: u64,
        elsewhere: &str,
    ) {
        if self.is_recheck(url) {
            tracing::info!(marketplace = %m.name, %url, to = elsewhere, "rechecked listing redirects to no listing: taken down");
            self.redirected_away(m, url, page, capture_seq);
            return;
        }
        tracing::warn!(marketplace = %m.name, %url, to = elsewhere, "listing page redirected to no listing: nothing is concluded from it");
        self.fail(
            m,
            PageRole::Listing,
            "redirected_off_listing",
            format!("{url}: redirected to {elsewhere}, which is no listing's address"),
        );
    }

    /// The recheck of a listing with open findings that search results no longer
    /// bring redirected to another listing (a listing merged into another, an item
    /// relisted under a new id): the listing asked for is gone, noted with the
    /// redirect's status (the case pass names the other listing from the capture).
    /// The page is still read, as the listing it is.
    fn moved_to_another(
        &self,
        m: &Marketplace,
        url: &Url,
        page: &Page,
        capture_seq: u64,
        other: &str,
    ) {
        tracing::info!(marketplace = %m.name, %url, to = other, "rechecked listing redirects to another listing: taken down");
        self.redirected_away(m, url, page, capture_seq);
    }

    /// A rechecked listing whose address redirects away from it: gone, noted for
    /// the case pass with the redirect's status and the capture (a merged night
    /// learns it from `gone_by_page`), and counted.
    fn redirected_away(&self, m: &Marketplace, url: &Url, page: &Page, capture_seq: u64) {
        let status = page.redirects.first().map_or(page.status, |h| h.status);
        let mut g = self.gone.lock().unwrap_or_else(|p| p.into_inner());
        g.insert(url.to_string(), (status, capture_seq));
        drop(g);
        self.with(|s| s.gone_by_page.push(url.to_string()));
        self.count_gone(m);
    }

    /// The promotion the listing's previous observation carried, if any: this
    /// store's, else (a shard's first sight of it) the merged store's.
    fn carried(&self, listing: &crate::extract::Listing) -> Result<Option<String>, ScanError> {
        Ok(
            match self
                .store
                .latest(&listing.marketplace, &listing.listing_id)?
                .filter(|o| o.scan_id != self.scan_id)
            {
                Some(o) => o.promotion,
                None => self
                    .merged
                    .carried(&listing.marketplace, &listing.listing_id)
                    .map(str::to_string),
            },
        )
    }

    /// Counts a rechecked listing found taken down.
    fn count_gone(&self, m: &Marketplace) {
        self.with(|s| {
            s.listings_gone += 1;
            s.market(&m.name).rechecks_gone += 1;
        });
    }

    /// Notes a 404/410 answer, or a soft 404 to a recheck (for the case pass);
    /// true if the URL was a recheck of an open finding's listing, i.e. the
    /// takedown it was looking for.
    fn note_gone(&self, url: &Url, page: &Page, capture_seq: u64) -> bool {
        let mut g = match self.gone.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        g.insert(url.to_string(), (page.status, capture_seq));
        g.insert(page.final_url.to_string(), (page.status, capture_seq));
        self.is_recheck(url)
    }

    fn is_recheck(&self, url: &Url) -> bool {
        match self.rechecks.lock() {
            Ok(r) => r.contains(url),
            Err(p) => p.into_inner().contains(url),
        }
    }

    /// The capture's verdict ([`crate::verdict::Rules::judge`]). Where it needs the
    /// page parsed (its bytes hold a soft-404 or no-offer marker, and the rule asks
    /// whether the page shows it), that runs on the blocking pool as extraction
    /// does: on the loop, a page of megabytes held every request to every host for
    /// its parse (up to its budget, seconds). A parse that panicked leaves the page
    /// showing nothing a rule may conclude from, as an unparsable one does.
    async fn verdict_of(&self, page: &Page) -> crate::verdict::Verdict {
        if let Some(verdict) = self.verdicts.judge_unparsed(page) {
            return verdict;
        }
        let (rules, copy) = (Arc::clone(&self.verdicts), page.clone());
        match self.off_the_loop(move || rules.judge(&copy)).await {
            Some(verdict) => verdict,
            None => self
                .verdicts
                .judge_with(page, &mut || Some(None))
                .unwrap_or(crate::verdict::Verdict::Ok),
        }
    }

    /// Runs `parse` (HTML parsing and extraction of one page) on tokio's blocking
    /// pool, at most one page per core at a time. Parsing is CPU work: run inside the
    /// scan's future it stopped every request to every host while one page was read
    /// (80 s for a hostile page of 100,000 nested elements, before the depth cap).
    /// `None` if the parse panicked: that page is lost, not the scan.
    async fn off_the_loop<T: Send + 'static>(
        &self,
        parse: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let _permit = self.parsers.acquire().await.ok()?;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(parse))
            .await
            .ok()
    }

    /// Stores a page's bytes. A large page is hashed and compressed on the blocking
    /// pool first (5 MiB cost the scan's loop half a second in a debug build, with
    /// every host waiting); small pages are stored straight away.
    async fn put_snapshot(
        &self,
        page: Page,
    ) -> Result<(Page, crate::evidence::SnapshotRef), ScanError> {
        const OFF_LOOP_BYTES: usize = 256 * 1024;
        if page.body.len() < OFF_LOOP_BYTES {
            let snap = self.store.put_snapshot(&page.body)?;
            return Ok((page, snap));
        }
        let prepared = self
            .off_the_loop(move || {
                let p = crate::evidence::PreparedSnapshot::new(&page.body);
                (page, p)
            })
            .await;
        match prepared {
            Some((page, Ok(p))) => Ok((page, self.store.put_prepared(p)?)),
            Some((_, Err(e))) => Err(ScanError::Evidence(e.into())),
            None => Err(ScanError::Evidence(EvidenceError::Io(
                std::io::Error::other("compressing a snapshot panicked"),
            ))),
        }
    }

    fn shared(&self, m: &Marketplace) -> Arc<Marketplace> {
        self.markets
            .get(&m.name)
            .cloned()
            .unwrap_or_else(|| Arc::new(m.clone()))
    }

    /// Makes what is stored durable every [`FLUSH_EVERY`] and logs how far the store
    /// is acknowledged: a crash loses at most the captures after that point (the next
    /// scan fetches them again). Flushing by time rather than every few pages: the
    /// profile of a fast scan showed a quarter of its CPU in the disk syncs of a
    /// flush every 25 pages, for no gain in what can be proven.
    async fn acknowledge(&self) -> Result<(), ScanError> {
        let due = {
            let mut last = match self.last_flush.lock() {
                Ok(l) => l,
                Err(p) => p.into_inner(),
            };
            let due = last.elapsed() >= FLUSH_EVERY;
            if due {
                *last = std::time::Instant::now();
            }
            due
        };
        if due {
            // The last record appended *before* the flush is what it made durable;
            // records other tasks append while it runs are not covered by it.
            let covered = self.store.log_len().saturating_sub(1);
            self.store.flush().await?;
            tracing::info!(log_seq = covered, "evidence acknowledged as stored");
        }
        Ok(())
    }

    /// Walks the search pages of every start URL and fetches the listings they link
    /// to as they are found: listings stream from search to fetch through a bounded
    /// channel, and only a 64-bit hash of each URL is kept (for de-duplication), so
    /// memory does not grow with the size of the market.
    async fn marketplace(&self, m: &Marketplace, bar: ProgressBar) -> Result<(), ScanError> {
        let concurrency = self.config.brand.crawl.concurrency.max(1);
        let (tx, rx) = tokio::sync::mpsc::channel::<Url>(concurrency * 4);
        let mut found = Found {
            seen: HashSet::new(),
            count: 0,
            tx,
            bar: bar.clone(),
        };
        let walk = async move {
            for start in &m.start_urls {
                let Ok(first) = m.base_url.join(start) else {
                    continue;
                };
                if !self.search(m, canonical(first), &mut found).await? {
                    return Ok(());
                }
            }
            let in_results = found.count;
            self.with(|s| s.market(&m.name).listings_in_results = in_results);
            self.recheck_open(m, &mut found).await;
            Ok::<(), ScanError>(())
        };
        let fetch = async {
            let mut results = tokio_stream_of(rx)
                .map(|url| async move { self.item(m, url).await })
                .buffer_unordered(concurrency);
            while let Some(r) = results.next().await {
                r?;
                bar.inc(1);
            }
            Ok::<(), ScanError>(())
        };
        bar.set_message("listings");
        let (walked, fetched) = futures::join!(walk, fetch);
        walked?;
        fetched?;
        // The run summary printed after the scan says what the bars showed.
        bar.finish_and_clear();
        Ok(())
    }

    /// Walks one start URL's search pages, sending each new listing to be fetched.
    /// Pagination-trap guards end the walk: a page repeating an earlier one, two
    /// pages in a row that bring no new listing, `max_pages`. False if the fetching
    /// side has stopped.
    async fn search(
        &self,
        m: &Marketplace,
        first: Url,
        found: &mut Found,
    ) -> Result<bool, ScanError> {
        let mut next = Some(first);
        let (mut pages, mut stale) = (0, 0);
        let mut contents = HashSet::new();
        while let Some(url) = next.take() {
            if found.seen.contains(&url_hash(&url)) {
                break;
            }
            if pages >= m.max_pages {
                // Not a trap (those repeat or bring nothing new): results left unread.
                tracing::warn!(marketplace = %m.name, next = %url, max_pages = m.max_pages, "search cut at max_pages with result pages left");
                self.with(|s| {
                    s.cut_search(
                        &m.name,
                        format!(
                            "{}: search stopped at [search] max_pages = {} while its last page linked to {url}: listings on later pages were not looked at (raise max_pages in the marketplace's file)",
                            m.name, m.max_pages
                        ),
                    )
                });
                break;
            }
            found.seen.insert(url_hash(&url));
            pages += 1;
            let Some((page, _)) = self.get(m, &url, PageRole::Search).await? else {
                self.with(|s| s.market(&m.name).search_failures += 1);
                break;
            };
            self.with(|s| s.market(&m.name).search_pages += 1);
            if !contents.insert(sha256_hex(&page.body)) {
                tracing::warn!(%url, "search page repeats an earlier one; stopping pagination");
                break;
            }
            let market = self.shared(m);
            let links = self
                .off_the_loop(move || extract::search_links(&page, &market))
                .await;
            let why = match &links {
                None => Some("parsing failed".to_string()),
                Some(l) => l.unreadable.clone(),
            };
            let Some(links) = links.filter(|_| why.is_none()) else {
                let why = why.unwrap_or_default();
                tracing::warn!(%url, reason = %why, "search page unreadable; stopping pagination");
                self.with(|s| {
                    s.fail(&m.name, "unreadable", format!("{url}: {why}"));
                    s.market(&m.name).search_failures += 1;
                });
                break;
            };
            let before = found.count;
            for item in links.items {
                if !m.is_its_page(&item) {
                    self.with(|s| s.link_elsewhere(&m.name, &item));
                    continue;
                }
                if !found.send(canonical(item)).await {
                    return Ok(false);
                }
            }
            stale = if found.count == before { stale + 1 } else { 0 };
            if stale >= 2 {
                tracing::warn!(%url, "search pages bring no new listings; stopping pagination");
                break;
            }
            next = links.next.map(canonical);
        }
        Ok(true)
    }

    /// Open findings whose listings search did not bring: fetched at their
    /// address, so a takedown (404/410) or a listing brought into line is seen.
    async fn recheck_open(&self, m: &Marketplace, found: &mut Found) {
        for u in self.open_urls.get(&m.name).into_iter().flatten() {
            if found.seen.contains(&url_hash(u)) {
                continue;
            }
            self.with(|s| s.rechecked += 1);
            match self.rechecks.lock() {
                Ok(mut r) => r.insert(u.clone()),
                Err(p) => p.into_inner().insert(u.clone()),
            };
            if !found.send(u.clone()).await {
                return;
            }
        }
    }

    /// Counts a recorded listing page: a listing read, or, `nothing_read` from it,
    /// a `nothing_read` failure and a listing not looked at.
    fn count_page(&self, m: &Marketplace, url: &Url, obs: &Observation, nothing_read: bool) {
        self.with(|s| {
            s.count_listing_page(&m.name, url.as_str(), nothing_read);
            s.count(obs);
        });
        if nothing_read {
            self.count_unfetched(m, url);
        }
    }

    /// A listing page that gave nothing to read: a recheck of an open finding's
    /// listing that failed (not one that answered 404/410) is counted.
    fn count_unfetched(&self, m: &Marketplace, url: &Url) {
        let recheck = match self.rechecks.lock() {
            Ok(r) => r.contains(url),
            Err(p) => p.into_inner().contains(url),
        };
        let gone = match self.gone.lock() {
            Ok(g) => g.contains_key(url.as_str()),
            Err(p) => p.into_inner().contains_key(url.as_str()),
        };
        let open = self
            .open_urls
            .get(&m.name)
            .is_some_and(|open| open.contains(url));
        if recheck && !gone {
            self.with(|s| s.market(&m.name).recheck_failures += 1);
        } else if open && !gone {
            // Search results brought it and its page could not be read: it was
            // not missed (a failed page makes its marketplace not looked at
            // anyway; a page robots.txt disallows does not).
            self.with(|s| {
                let url = url.to_string();
                if !s.listings_not_looked.contains(&url) {
                    s.listings_not_looked.push(url);
                }
            });
        }
    }

    /// The brand's policy applied to `listing`: with the promotion its last
    /// observation carried, as a distributor's where its seller is an undeclared
    /// shop of one, and without what reviewers dismissed.
    async fn policy_verdict(
        &self,
        m: &Marketplace,
        listing: &extract::Listing,
    ) -> Result<judge::Verdict, ScanError> {
        let carried = self.carried(listing)?;
        let brand = &self.config.brand;
        let mut verdict = judge::judge(brand, listing, self.as_of, carried.as_deref());
        match self.undeclared(m, listing, &verdict).await? {
            Ok(Some(u)) => {
                verdict =
                    judge::judge_linked(brand, listing, self.as_of, carried.as_deref(), Some(&u));
            }
            Ok(None) => {}
            Err(note) => verdict.notes.push(note),
        }
        self.dismissals.apply(listing, &mut verdict);
        Ok(verdict)
    }

    async fn item(&self, m: &Marketplace, url: Url) -> Result<(), ScanError> {
        if self.observed_before.contains(&url) {
            return Ok(());
        }
        let Some((page, stored)) = self.get(m, &url, PageRole::Listing).await? else {
            self.count_unfetched(m, &url);
            return Ok(());
        };
        let Some((page, rendered)) = self.as_rendered(m, &url, page).await? else {
            return Ok(());
        };
        let market = self.shared(m);
        let Some((page, mut listing)) = self
            .off_the_loop(move || {
                let listing = extract::listing(&page, &market);
                (page, listing)
            })
            .await
        else {
            self.with(|s| s.fail(&m.name, "unreadable", format!("{url}: parsing failed")));
            self.count_unfetched(m, &url);
            return Ok(());
        };
        judge::leave_out_other_variants(&self.config.brand, &mut listing);
        self.keep_render(m, &listing.listing_id, &stored, rendered)?;
        // Neither a title nor a price: a challenge or error page no verdict rule
        // knows, a hostile page, or one the adapter does not match. It is recorded
        // (its capture and why nothing was read), but it is no listing read: it
        // was counted as one, and a night of them was "looked at in full", exit 0.
        let nothing_read = listing.nothing_read();
        if listing.unreadable.is_some() {
            self.with(|s| s.pages_over_budget += 1);
        } else if nothing_read {
            tracing::warn!(url = %page.final_url, missing = ?listing.missing, "nothing could be extracted");
        }
        let verdict = self.policy_verdict(m, &listing).await?;
        let kinds = verdict.findings.iter().map(|f| f.kind).collect();
        let obs = Observation {
            scan_id: self.scan_id,
            seq: 0,
            page,
            snapshot: stored.snapshot.clone(),
            listing,
            sku_match: verdict.sku_match.clone(),
            findings: kinds,
            finding_details: Default::default(),
            notes: verdict.notes.clone(),
            log_seq: 0,
            capture_log_seq: stored.capture_seq,
            tool: String::new(),
            observed_at: Some(self.as_of),
            promotion: verdict.promotion.clone(),
            authorized_seller: verdict.authorized_seller.clone(),
        };
        self.count_page(m, &url, &obs, nothing_read);
        let listing_id = obs.listing.listing_id.clone();
        // What a render beside the findings must show (only a page with findings
        // is rendered).
        let offer = match verdict.findings.is_empty() {
            true => extract::Offer::default(),
            false => obs.listing.offer(),
        };
        let statuses = self.store.record_observation(obs, &verdict.findings)?;
        self.with(|s| s.count_findings(&statuses));
        let judged = render::Judged {
            url: &url,
            listing_id: &listing_id,
            stored: &stored,
            findings: &verdict.findings,
            offer,
        };
        self.render_confirmed(m, judged).await
    }
}

/// Runs one scan of every marketplace in `config` into `store`: registers each
/// host's rate limit, begins a scan (or resumes the interrupted one), walks every
/// marketplace at once, moves findings and cases, and finishes the scan record.
pub async fn run(
    config: &Config,
    store: &Store,
    opts: ScanOptions,
) -> Result<ScanSummary, ScanError> {
    // Everything that can refuse the configuration is checked before a scan is
    // begun in the store.
    let verdicts = match opts.verdicts {
        Some(rules) => rules,
        None => crate::verdict::Rules::load(&config.dir)?,
    };
    let dismissals = crate::judge::dismissals::Dismissals::load(&config.dir)?;
    let fetcher = Fetcher::new(&config.brand.crawl)?;
    register_hosts(&fetcher, config, opts.benchmark_unthrottled)?;
    let targets = config.dir.display().to_string();
    let started = Utc::now();
    let begun = match opts.fresh {
        true => None,
        false => store.unfinished_scan(&targets)?,
    };
    let begun = match begun {
        Some(id) => Begun::resume(store, id, started)?,
        None => Begun::start(store, &targets, opts.as_of.unwrap_or(started))?,
    };
    let scan_id = begun.scan_id;
    let mut run = Run::new(config, store, (fetcher, verdicts, dismissals), begun, |s| {
        ScanSummary {
            tool: crate::TOOL.to_string(),
            targets,
            store: store.path().display().to_string(),
            started_at: Some(started),
            shard: opts.shard.clone(),
            ..s
        }
    })?;
    run.merged = opts.merged;
    for (name, urls) in std::mem::take(&mut run.merged.open_listings) {
        run.open_urls.entry(name).or_default().extend(urls);
    }
    // Every log line of the scan, from any task, carries its scan_id.
    let span = tracing::info_span!("scan", scan_id);
    async {
        tracing::info!(marketplaces = config.marketplaces.len(), "scan started");
        let walked = async {
            run.declared_accounts().await?;
            run.every_marketplace(opts.progress.as_ref()).await
        };
        let walked = match opts.stop {
            Some(stop) => tokio::select! {
                r = walked => r,
                asked = stop => {
                    tracing::warn!(by = %asked, "stopping: the pages in flight are left for the next scan");
                    Err(ScanError::Interrupted(asked))
                }
            },
            None => walked.await,
        };
        match walked {
            Ok(()) => run.finish(started).await,
            Err(e) => {
                // What the store took is made durable, so the next scan need not
                // ask for it again (an error here is the stop's error already, or
                // the next open's to find).
                let _ = store.flush().await;
                Err(e.stopping(run.with(|s| s.clone()), config, started))
            }
        }
    }
    .instrument(span)
    .await
}

/// Ends a scan (or a merged night) whose pages are all in: moves findings and
/// cases (nothing is concluded about the marketplaces in `summary.not_looked`),
/// stamps the summary and writes the `scan_finished` record with it.
fn conclude(
    config: &Config,
    store: &Store,
    mut summary: ScanSummary,
    gone: &crate::case::Gone,
    started: DateTime<Utc>,
) -> Result<ScanSummary, ScanError> {
    let (scan_id, as_of) = (summary.scan_id, summary.as_of.unwrap_or(started));
    note_expected(store, &mut summary)?;
    summary.note_adapters(config);
    let not_looked: BTreeSet<String> = summary.not_looked.iter().cloned().collect();
    let unlooked: BTreeSet<String> = summary.listings_not_looked.iter().cloned().collect();
    summary.uncount_unproven_takedowns();
    summary.cases = crate::case::after_scan_of(
        config,
        store,
        scan_id,
        as_of,
        gone,
        &crate::case::Blind {
            marketplaces: not_looked,
            listings: unlooked,
        },
    )?;
    // Cases moved, the scan not yet finished: a resumed scan concludes again.
    crate::failpoint::hit("scan-cases-moved");
    summary.findings_resolved = summary.cases.findings_resolved;
    let finished = Utc::now();
    summary.finished_at = Some(finished);
    summary.duration_secs = (finished - started).num_milliseconds() as f64 / 1000.0;
    summary.usage = crate::usage::Usage::now();
    let value = serde_json::to_value(&summary).unwrap_or_default();
    summary.log_head = store.finish_scan(scan_id, value)?;
    Ok(summary)
}

/// Each marketplace's host gets its rate limit; `--benchmark-unthrottled` lifts
/// them, for hosts on this machine only.
fn register_hosts(fetcher: &Fetcher, config: &Config, unthrottled: bool) -> Result<(), ScanError> {
    for m in &config.marketplaces {
        let rate = if unthrottled {
            if !is_loopback(&m.base_url) {
                return Err(ScanError::NotLoopback {
                    marketplace: m.name.clone(),
                    host: m.base_url.host_str().unwrap_or("").to_string(),
                });
            }
            crate::config::RateLimit {
                per_second: 1_000_000.0,
                burst: 100_000,
            }
        } else {
            m.rate_limit
        };
        fetcher.register_host(&m.base_url, rate);
    }
    Ok(())
}

/// Fills each marketplace's `listings_expected`: what the last scan that looked at
/// it in full saw there (a night it was blocked saw nothing and sets no
/// expectation, and a night whose searches linked to no listing lowers none an
/// earlier night set), or the listings with open findings to recheck if more
/// (before this scan's cases move them).
fn note_expected(store: &Store, summary: &mut ScanSummary) -> Result<(), ScanError> {
    let mut scans: Vec<ScanRecord> = Vec::new();
    for r in store.scans() {
        let r = r?;
        if r.finished_at.is_some() && r.scan_id < summary.scan_id {
            scans.push(r);
        }
    }
    scans.sort_by_key(|r| r.scan_id);
    let mut seen_last: BTreeMap<String, u64> = BTreeMap::new();
    for v in scans.into_iter().filter_map(|r| r.summary) {
        let not_looked = |name: &str| {
            v["not_looked"]
                .as_array()
                .is_some_and(|a| a.iter().any(|n| n.as_str() == Some(name)))
        };
        for (name, m) in v["marketplaces"].as_object().into_iter().flatten() {
            if not_looked(name) {
                continue;
            }
            let seen = m["listings_seen"].as_u64().unwrap_or(0);
            // Searches that linked to none (a wall no rule knows, a redesign) saw
            // nothing the next night may expect less of: taken as the expectation,
            // the nights after such a night expected nothing and were clean while
            // nothing was looked at. On a first look it sets none to keep.
            let linked_none = m["search_pages"].as_u64().unwrap_or(0) > 0
                && m["search_failures"].as_u64().unwrap_or(0) == 0
                && m["listings_in_results"].as_u64().unwrap_or(0) == 0;
            if linked_none {
                seen_last.entry(name.clone()).or_insert(seen);
            } else {
                seen_last.insert(name.clone(), seen);
            }
        }
    }
    // A shard scans into a store of its own, where every night is a first look:
    // the merged night, on the store that holds the history, says whether it is.
    let sharded = summary.shard.is_some();
    for (name, m) in summary.marketplaces.iter_mut() {
        m.first_look = !sharded && !seen_last.contains_key(name);
    }
    // Findings this scan opened are not what it expected to find.
    let open = open_urls(store, summary.scan_id)?;
    let names: BTreeSet<&String> = seen_last.keys().chain(open.keys()).collect();
    for name in names {
        let seen = seen_last.get(name).copied().unwrap_or(0);
        let open = open.get(name).map_or(0, |u| u.len() as u64);
        summary.market(name).listings_expected = seen.max(open);
    }
    Ok(())
}

/// What the next sharded night's shards need to know of `store`
/// ([`shard::Context`]): its open listings and the promotions its listings carried.
pub fn shard_context(store: &Store) -> Result<shard::Context, ScanError> {
    let mut promotions: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for o in store.latest_observations() {
        let o = o?;
        if let Some(p) = o.promotion {
            promotions
                .entry(o.listing.marketplace)
                .or_default()
                .insert(o.listing.listing_id, p);
        }
    }
    Ok(shard::Context {
        open_listings: open_urls(store, u64::MAX)?,
        promotions,
    })
}

/// Marketplace → addresses of listings with open findings first seen before scan
/// `before`. One listing has a finding per kind: a set, so each address is checked
/// once.
fn open_urls(store: &Store, before: u64) -> Result<BTreeMap<String, BTreeSet<Url>>, ScanError> {
    let mut open: BTreeMap<String, BTreeSet<Url>> = BTreeMap::new();
    for f in store.findings() {
        let f = f?;
        if f.resolved.is_none()
            && f.first_scan < before
            && let Ok(u) = Url::parse(&f.finding.url)
        {
            open.entry(f.finding.marketplace.clone())
                .or_default()
                .insert(canonical(u));
        }
    }
    Ok(open)
}

/// A scan begun: new, or an interrupted one resumed with what it already did.
struct Begun {
    scan_id: u64,
    as_of: DateTime<Utc>,
    resumed: bool,
    /// Pages the interrupted run stored (by requested URL).
    stored_before: std::collections::HashMap<Url, (u64, crate::evidence::Capture)>,
    /// Listing URLs already observed.
    observed_before: HashSet<Url>,
    /// The interrupted run's counts so far.
    summary: ScanSummary,
}

impl Begun {
    fn start(store: &Store, targets: &str, as_of: DateTime<Utc>) -> Result<Self, ScanError> {
        Ok(Self {
            scan_id: store.begin_scan(targets, Some(as_of))?,
            as_of,
            resumed: false,
            stored_before: Default::default(),
            observed_before: HashSet::new(),
            summary: ScanSummary::default(),
        })
    }

    fn resume(store: &Store, id: u64, started: DateTime<Utc>) -> Result<Self, ScanError> {
        let as_of = store.scan(id)?.map(|r| r.date()).unwrap_or(started);
        store.resume_scan(id)?;
        let stored: std::collections::HashMap<_, _> = store
            .captures(id)?
            .into_iter()
            .filter(|(_, c)| c.page.status == 200)
            .map(|(seq, c)| (c.page.url.clone(), (seq, c)))
            .collect();
        // What the interrupted run observed is counted here; the rest as it comes.
        let mut observed = HashSet::new();
        let mut earlier = ScanSummary::default();
        let mut finding_keys = BTreeSet::new();
        for o in store.observations(id) {
            let o = o?;
            observed.insert(o.page.url.clone());
            earlier.count(&o);
            // Its page was read tonight too: the night's per-marketplace counts
            // (and the compliance report's coverage) hold both runs' pages. One
            // nothing was read from stays a failure: counted as read, a night
            // resumed after a crash was "looked at in full" past its bot checks.
            earlier.count_listing_page(
                &o.listing.marketplace,
                o.page.url.as_str(),
                o.listing.nothing_read(),
            );
            for k in &o.findings {
                finding_keys.insert(crate::evidence::finding_key_of(
                    &o.listing.marketplace,
                    &o.listing.listing_id,
                    *k,
                ));
            }
        }
        for key in finding_keys {
            if let Some(f) = store.finding(&key)? {
                earlier.count_findings(&[if f.first_scan == id {
                    FindingStatus::New
                } else {
                    FindingStatus::Ongoing
                }]);
            }
        }
        tracing::warn!(
            scan_id = id,
            pages = stored.len(),
            "resuming an interrupted scan"
        );
        Ok(Self {
            scan_id: id,
            as_of,
            resumed: true,
            stored_before: stored,
            observed_before: observed,
            summary: earlier,
        })
    }
}

/// A 64-bit hash of a URL, for de-duplication within one scan (a collision among
/// a million URLs has odds of about one in 36 million).
fn url_hash(u: &Url) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    u.as_str().hash(&mut h);
    h.finish()
}

/// The receiving end of a channel as a stream.
fn tokio_stream_of<T>(mut rx: tokio::sync::mpsc::Receiver<T>) -> impl futures::Stream<Item = T> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// `127.0.0.0/8`, `::1` or `localhost`: a marketplace on this machine.
fn is_loopback(u: &Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Counts of listings and findings of the whole scan, read from the store, so that a
/// resumed scan reports everything it holds and not only this run's part.
/// `(marketplace, listing id, kind)` of every finding observed in scan `scan_id`.
pub fn findings_of_scan(
    store: &Store,
    scan_id: u64,
) -> Result<std::collections::BTreeSet<(String, String, String)>, EvidenceError> {
    let mut out = std::collections::BTreeSet::new();
    for obs in store.observations(scan_id) {
        let obs = obs?;
        for k in &obs.findings {
            out.insert((
                obs.listing.marketplace.clone(),
                obs.listing.listing_id.clone(),
                k.as_str().to_string(),
            ));
        }
    }
    Ok(out)
}

/// The demo's `summary.json`: the scan summary plus detection against ground truth.
#[derive(Debug, Serialize)]
pub struct DemoReport {
    #[serde(flatten)]
    pub summary: ScanSummary,
    pub detection: crate::demo::Detection,
    pub demo_seed: u64,
}

/// Scores scan `summary` against the demo's ground truth.
pub fn demo_report(
    store: &Store,
    summary: &ScanSummary,
    truth: &crate::demo::GroundTruth,
) -> Result<DemoReport, EvidenceError> {
    let found = findings_of_scan(store, summary.scan_id)?;
    Ok(DemoReport {
        summary: summary.clone(),
        detection: crate::demo::Detection::score(&truth.expected_findings(), &found),
        demo_seed: truth.seed,
    })
}

/// What brandguard reads from one saved page and concludes: `brandguard extract`.
#[derive(Debug, Serialize)]
pub struct Inspection {
    /// What the page is (a listing page, or a captcha, challenge, login wall, shell
    /// or soft 404, with the rule that said so). A scan reads nothing from a page
    /// that is not `ok`; it is read here anyway, to help tune an adapter.
    pub capture: crate::verdict::Verdict,
    pub listing: extract::Listing,
    pub verdict: judge::Verdict,
}

/// Extracts and judges one page as a scan would, without fetching or storing anything.
pub fn inspect(
    config: &Config,
    m: &Marketplace,
    page: &Page,
) -> Result<Inspection, crate::verdict::RulesError> {
    let capture = crate::verdict::Rules::load(&config.dir)?.judge(page);
    let mut listing = extract::listing(page, m);
    judge::leave_out_other_variants(&config.brand, &mut listing);
    // As of when the page was captured: a saved page read again is judged as the
    // scan that saved it judged it (promotions running then).
    let verdict = judge::judge(&config.brand, &listing, page.received_at, None);
    Ok(Inspection {
        capture,
        listing,
        verdict,
    })
}

/// Where a listing page's redirect ended, when not at the listing asked for.
#[derive(Debug, PartialEq)]
enum Landed {
    /// At an address the adapter's `listing_id_from_url` does not match (a
    /// search, category or home page): nothing is read from it as a listing.
    NoListing(String),
    /// At another listing's address (a listing merged into another, an item
    /// relisted): this id. That page is read as the listing it is.
    Another(String),
}

/// Where a listing page's address sent the crawler, when not to the listing asked
/// for ([`Landed`]). `None` when there was no redirect, when it ended at the same
/// listing (a canonical address, a tracking parameter), when the address asked for
/// is no listing's, or when the adapter has no pattern to tell listings' addresses by.
fn landed(m: &Marketplace, url: &Url, page: &Page) -> Option<Landed> {
    if page.redirects.is_empty() || page.status != 200 {
        return None;
    }
    let pattern = m.listing_id_from_url.as_ref()?;
    let id = |u: &Url| {
        pattern
            .captures(u.as_str())
            .and_then(|c| c.get(1))
            .map(|g| g.as_str().to_string())
    };
    let asked = id(url)?;
    match id(&page.final_url) {
        None => Some(Landed::NoListing(page.final_url.to_string())),
        Some(other) if other != asked => Some(Landed::Another(other)),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{MarketplaceStats, canonical};

    #[test]
    fn a_few_failed_pages_are_not_looked_at_but_not_a_failed_night() {
        let few = MarketplaceStats {
            search_pages: 3,
            listing_pages: 95,
            failures: 5,
            ..MarketplaceStats::default()
        };
        assert!(!few.looked() && !few.degraded(90));
        let blocked = MarketplaceStats {
            search_pages: 3,
            listing_pages: 2,
            failures: 22,
            ..MarketplaceStats::default()
        };
        assert!(blocked.degraded(90));
        let unreachable = MarketplaceStats::default();
        assert!(!unreachable.looked() && unreachable.degraded(90));
        let clean = MarketplaceStats {
            search_pages: 3,
            listing_pages: 24,
            ..MarketplaceStats::default()
        };
        assert!(clean.looked() && !clean.degraded(90));
    }

    #[test]
    fn fields_read_on_too_few_pages_are_named() {
        let read = |titles, prices, sellers, seen, matched| MarketplaceStats {
            listings_seen: seen,
            listings_matched: matched,
            titles_read: titles,
            prices_read: prices,
            sellers_read: sellers,
            ..MarketplaceStats::default()
        };
        // A redesign of the price markup: titles and sellers read, no price.
        assert_eq!(
            read(24, 0, 17, 24, 17).adapter_unmatched(50, true),
            vec!["price read on 0 of 17 listings of the brand".to_string()]
        );
        // Titles gone: nothing matched, so only the title is judged.
        assert_eq!(
            read(0, 0, 0, 24, 0).adapter_unmatched(50, true),
            vec!["title read on 0 of 24 listing pages".to_string()]
        );
        // Some listings unavailable (no price shown): half read is enough.
        assert!(
            read(24, 9, 17, 24, 17)
                .adapter_unmatched(50, true)
                .is_empty()
        );
        assert_eq!(read(24, 8, 8, 24, 17).adapter_unmatched(50, true).len(), 2);
        // An adapter without seller selectors (a retailer's shop names none).
        assert!(
            read(24, 17, 0, 24, 17)
                .adapter_unmatched(50, false)
                .is_empty()
        );
        // Too few pages to say; and 0 turns the check off.
        assert!(read(4, 0, 0, 4, 4).adapter_unmatched(50, true).is_empty());
        assert!(read(0, 0, 0, 24, 17).adapter_unmatched(0, true).is_empty());
    }

    #[test]
    fn searches_that_link_to_nothing_where_listings_were_expected_are_named() {
        let searched = |in_results, expected, search_failures| MarketplaceStats {
            search_pages: 3,
            search_failures,
            listings_in_results: in_results,
            listings_expected: expected,
            ..MarketplaceStats::default()
        };
        assert_eq!(
            searched(0, 24, 0).adapter_unmatched(50, true),
            vec!["search results linked to no listing (24 expected)".to_string()]
        );
        // Fewer than expected may be a market that shrank: only none is named.
        assert!(searched(11, 24, 0).adapter_unmatched(50, true).is_empty());
        // A first night expects nothing; a failed search is a failure already.
        assert!(searched(0, 0, 0).adapter_unmatched(50, true).is_empty());
        assert!(searched(0, 24, 1).adapter_unmatched(50, true).is_empty());
    }
    use url::Url;

    #[test]
    fn canonical_urls_dedupe_what_is_the_same_page() {
        let c = |s: &str| canonical(Url::parse(s).unwrap()).to_string();
        assert_eq!(
            c("HTTP://Shop.Example:80/a/../item/1?b=2&a=1#reviews"),
            "http://shop.example/item/1?a=1&b=2"
        );
        assert_eq!(
            c("https://shop.example/item/1?utm_source=x&gclid=y"),
            "https://shop.example/item/1"
        );
        assert_eq!(
            c("https://shop.example/s?q=acme&page=2"),
            "https://shop.example/s?page=2&q=acme"
        );
    }
}
