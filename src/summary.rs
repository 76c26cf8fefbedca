//! What a scan did: the run summary written as JSON beside the store, printed at
//! the end of every run, announced and recorded in the scan's `scan_finished`
//! record. Its own module so that what reads it (notifications, merges, reports)
//! need not depend on the scan that fills it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::evidence::{FindingStatus, Observation};

/// How one notification channel went.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub channel: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// What the time-stamp authority did with the log head after a scan.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TimestampOutcome {
    pub tsa: String,
    /// The last log record the token covers (every record up to it).
    pub anchored_through: Option<u64>,
    /// The time the TSA vouches for.
    pub gen_time: Option<chrono::DateTime<chrono::Utc>>,
    /// Why there is no token tonight (the next scan's token covers this night).
    pub error: Option<String>,
}

/// Counts for one marketplace.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MarketplaceStats {
    pub search_pages: u64,
    pub listing_pages: u64,
    pub listings_seen: u64,
    pub listings_matched: u64,
    pub robots_blocked: u64,
    pub failures: u64,
    /// Search pages that could not be fetched (failed, blocked, robots, budget).
    pub search_failures: u64,
    /// Listings of open findings whose address could not be checked again.
    pub recheck_failures: u64,
    /// Of `failures`: pages answered with a captcha, challenge or login wall.
    pub blocked: u64,
    /// Of `failures`: pages not asked for, the marketplace being paused after
    /// blocks or its page budget spent.
    pub not_reached: u64,
    /// Listings the scan expected to look at: those the last finished scan saw on
    /// this marketplace, or those with open findings to recheck if more. Compared
    /// with `listing_pages`, it shows a night that found far fewer listings than
    /// the one before (a search quietly cut short) for what it is.
    pub listings_expected: u64,
    /// Listings of open findings rechecked at their address that answered 404 or
    /// 410. Counted as taken down (`listings_gone`) only on a night that looked at
    /// the marketplace in full: one answering "not found" to every page has not
    /// taken every listing down.
    pub rechecks_gone: u64,
    /// Of `listings_seen`: listing pages whose title was read.
    pub titles_read: u64,
    /// Of `listings_matched`: listings of the brand whose price was read (a
    /// plausible amount).
    pub prices_read: u64,
    /// Of `listings_matched`: listings of the brand whose seller (a name or an id)
    /// was read.
    pub sellers_read: u64,
    /// Listings the search results linked to (before rechecks of open findings).
    pub listings_in_results: u64,
    /// Of `listings_in_results`, links robots.txt disallows (not fetched): often an
    /// ad's twin of a listing also linked where it may be fetched; when they are
    /// most of the results, the night could not look at the marketplace.
    pub listings_disallowed: u64,
    /// Of `failures`, listing pages of the search results that said the listing
    /// has ended or is no longer available (a soft 404). A night's few are
    /// auctions that ended between the search and the fetch, or a search index a
    /// little behind ([`MarketplaceStats::ended_since_the_search`]).
    #[serde(default)]
    pub listings_ended: u64,
    /// Search results that linked to pages of another site (not the marketplace's
    /// host, nor one of its `[search] item_hosts`): not fetched, not its listings.
    #[serde(default)]
    pub links_elsewhere: u64,
    /// The first of them, for whoever checks whether it is another site's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_elsewhere_example: Option<String>,
    /// Searches that stopped at the marketplace's `[search] max_pages` while their
    /// last page still linked to a next one: the listings on later pages were not
    /// looked at (not a trap: those stop on repeated or stale pages).
    pub searches_cut: u64,
    /// Listing pages read as they are that show the listing with no offer (verdict
    /// `no_offer`: Amazon's "Currently unavailable", an item out of stock): no
    /// price and no seller to read there, which is no sign of an adapter that no
    /// longer matches.
    pub no_offer_pages: u64,
    /// Listings of the brand whose page shows the price only in the cart ("See
    /// price in cart", [`crate::extract::Listing::price_in_cart`]): no price to
    /// read there, which is no sign of an adapter that no longer matches.
    #[serde(default)]
    pub prices_in_cart: u64,
    /// No earlier finished scan of this store looked at the marketplace in full:
    /// tonight is the first look, with nothing to expect yet (set when the scan,
    /// or a merged night, concludes; never on a shard's own store).
    pub first_look: bool,
}

/// Fewest pages (or listings expected) a share is judged on
/// ([`MarketplaceStats::adapter_unmatched`]): on fewer, one unavailable listing
/// would fail the night.
pub const MIN_FIELD_SAMPLE: u64 = 5;

impl MarketplaceStats {
    /// Listing pages read, of those asked for (failed ones included); 0 when the
    /// marketplace's searches did not run.
    pub fn coverage(&self) -> f64 {
        if self.search_pages == 0 {
            return 0.0;
        }
        // A night's few ended listings answered; they are no page that failed.
        let asked = self.listing_pages + self.failures - self.ended_since_the_search();
        if asked == 0 {
            1.0
        } else {
            self.listing_pages as f64 / asked as f64
        }
    }

    /// Whether the night failed this marketplace: its searches did not all run, or
    /// fewer than `min_percent` (`crawl.min_coverage_percent`) of its listing pages
    /// answered.
    pub fn degraded(&self, min_percent: u8) -> bool {
        self.search_failures > 0
            || self.coverage() * 100.0 < f64::from(min_percent)
            || self.mostly_disallowed()
    }

    /// Why [`Self::degraded`] holds, in the counts' words: searches that did not
    /// run, results robots.txt disallows, the share of listing pages read under
    /// `min_percent`.
    pub fn why_degraded(&self, min_percent: u8) -> String {
        let mut why = Vec::new();
        if self.search_pages == 0 {
            why.push(format!(
                "no search ran ({} failed: the marketplace or its robots.txt did not answer, or refused)",
                self.search_failures
            ));
        } else if self.search_failures > 0 {
            why.push(format!(
                "{} of its {} search pages failed",
                self.search_failures,
                self.search_pages + self.search_failures
            ));
        }
        if self.mostly_disallowed() {
            why.push(format!(
                "robots.txt disallows {} of its {} results",
                self.listings_disallowed, self.listings_in_results
            ));
        }
        let read = self.coverage() * 100.0;
        if self.search_pages > 0 && read < f64::from(min_percent) {
            let other = self
                .failures
                .saturating_sub(self.blocked + self.not_reached);
            why.push(format!(
                "{read:.0}% of its listing pages read ({} read, {} blocked, {other} failed, {} not reached), under crawl.min_coverage_percent {min_percent}",
                self.listing_pages, self.blocked, self.not_reached
            ));
        }
        why.join("; ")
    }

    /// Whether robots.txt disallows most of the listings the search results link
    /// to (a marketplace that now keeps crawlers off its item pages): the pages it
    /// allows read, the night could not look at the marketplace all the same.
    pub fn mostly_disallowed(&self) -> bool {
        self.listings_disallowed * 2 > self.listings_in_results
    }

    /// The listings whose pages said they have ended ([`Self::listings_ended`]),
    /// where they are few enough to be the night's ended auctions: at most 2, or
    /// 5% of the results, and never half of them. Those are no failure of the night (before, each made
    /// the night exit 3 and its marketplace "not looked at", every night on a
    /// marketplace of auctions). More are what a block served as "not found", or
    /// a changed page, looks like: all stay failures, as before.
    pub fn ended_since_the_search(&self) -> u64 {
        let few = (self.listings_in_results / 20).max(2);
        if self.listings_ended <= few && self.listings_ended * 2 <= self.listings_in_results {
            self.listings_ended.min(self.failures)
        } else {
            0
        }
    }

    /// Whether the scan looked at the whole marketplace: its searches ran and every
    /// page it asked for answered (a listing page that failed or was refused is a
    /// listing not looked at). If not, nothing absent from it may be concluded: a
    /// marketplace that blocks the crawler must not resolve the cases on it. Strict
    /// on purpose; one failed page delays resolutions by absence by a night.
    pub fn looked(&self) -> bool {
        self.search_pages > 0
            && self.search_failures == 0
            && self.recheck_failures == 0
            && self.failures == self.ended_since_the_search()
            && !self.mostly_disallowed()
    }

    /// Did the searches all run and link to no listing?
    fn linked_none(&self) -> bool {
        self.search_pages > 0 && self.search_failures == 0 && self.listings_in_results == 0
    }

    /// How many listings were expected where the searches linked to none and fewer
    /// than [`MIN_FIELD_SAMPLE`] were (1 to 4): too few to fail the night on (the
    /// few listings may all have ended), and too many to say nothing of. The
    /// marketplace's line said "listings expected 3, read 0, …; coverage 100%".
    pub fn linked_none_of_few(&self) -> Option<u64> {
        (self.linked_none() && (1..MIN_FIELD_SAMPLE).contains(&self.listings_expected))
            .then_some(self.listings_expected)
    }

    /// What of the marketplace's pages its adapter no longer reads, as when the
    /// marketplace changes its pages without notice: every page still answers 200,
    /// but the selectors match nothing, and the night looked clean while nothing
    /// was checked. Two signs:
    ///
    /// - search results that linked to no listing, where [`MIN_FIELD_SAMPLE`] or
    ///   more were expected (`listings_expected`): the searches ran and found
    ///   nothing to look at;
    /// - a field the judge needs read on fewer than `min_percent`
    ///   (`crawl.min_fields_percent`) of the pages: the title (what a listing is
    ///   matched by) of the listing pages read, the price and the seller of the
    ///   brand's listings. Judged on [`MIN_FIELD_SAMPLE`] pages or more (some
    ///   listings show no price while unavailable); `min_percent` 0 turns it off.
    ///   The seller only where the adapter has selectors for it (`selects_seller`):
    ///   a retailer's own shop names no seller on its pages, and its adapter none.
    pub fn adapter_unmatched(&self, min_percent: u8, selects_seller: bool) -> Vec<String> {
        let mut unmatched = Vec::new();
        let linked_none = self.linked_none();
        if linked_none && self.listings_expected >= MIN_FIELD_SAMPLE {
            unmatched.push(format!(
                "search results linked to no listing ({} expected)",
                self.listings_expected
            ));
        } else if linked_none && self.first_look {
            // A marketplace added to the targets whose searches find nothing on its
            // first night is far more often a wrong start URL or `listing_link` than
            // a brand absent there: said once, the nights after expect nothing.
            unmatched.push(
                "search results linked to no listing on the first night it was looked at (if the brand is not sold there, the nights after will not say so)".into(),
            );
        }
        let min = u64::from(min_percent);
        // Pages showing no offer hold no price or seller to read: out of the count,
        // up to the number of pages that gave none.
        let offered = |read: u64| {
            self.listings_matched
                - self
                    .no_offer_pages
                    .min(self.listings_matched - read.min(self.listings_matched))
        };
        let fields = [
            (
                "title",
                self.titles_read,
                self.listings_seen,
                "listing pages",
            ),
            (
                "price",
                self.prices_read,
                offered(self.prices_read)
                    - self
                        .prices_in_cart
                        .min(offered(self.prices_read).saturating_sub(self.prices_read)),
                "listings of the brand",
            ),
            (
                "seller",
                self.sellers_read,
                offered(self.sellers_read),
                "listings of the brand",
            ),
        ]
        .into_iter()
        .filter(|&(field, _, _, _)| field != "seller" || selects_seller)
        .filter(|&(_, read, of, _)| of >= MIN_FIELD_SAMPLE && read * 100 < min * of)
        .map(|(field, read, of, what)| format!("{field} read on {read} of {of} {what}"));
        unmatched.extend(fields);
        unmatched
    }
}

/// What a scan did, for people and schedulers. Written as JSON.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ScanSummary {
    pub scan_id: u64,
    pub tool: String,
    pub targets: String,
    pub store: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_secs: f64,
    /// Set when the scan stopped before it finished (the evidence store failed, the
    /// disk filled up): why. The counts are what it had done by then and
    /// `finished_at` is when it stopped. Findings are resolved and cases moved when
    /// a scan finishes: the next scan of these targets resumes this one and does it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    pub pages_fetched: u64,
    /// Pages of an interrupted run of this scan, read back from the store instead of
    /// fetched again.
    pub pages_resumed: u64,
    /// Pages that answered 304 Not Modified to a conditional request: no new bytes.
    pub not_modified: u64,
    /// This run resumed a scan that was interrupted.
    pub resumed: bool,
    pub bytes_fetched: u64,
    pub snapshots_new: u64,
    pub snapshots_deduplicated: u64,
    /// Bytes of the new snapshots as received, and as stored (zstd).
    pub snapshot_bytes_new: u64,
    pub snapshot_bytes_stored: u64,
    /// Pages cut off at the body size cap (kept, and marked truncated).
    pub pages_truncated: u64,
    pub listings_seen: u64,
    /// Listings recognised as one of the brand's SKUs.
    pub listings_matched: u64,
    /// Listings that are not the brand's (other brands, accessories): never judged.
    pub listings_unmatched: u64,
    /// Item pages from which neither a title nor a price could be read: each is
    /// recorded (with why) but counted as a `nothing_read` failure, not a listing read.
    pub pages_unreadable: u64,
    /// Of those, pages given up on because parsing them cost more than their CPU
    /// budget (hostile or broken markup): recorded with the reason, never judged.
    #[serde(default)]
    pub pages_over_budget: u64,
    /// Links not fetched because robots.txt disallows them.
    pub robots_blocked: u64,
    /// Failed fetches by reason (`network`, `http_404`, …).
    pub failures: BTreeMap<String, u64>,
    /// A few failed URLs with their errors, for a first look.
    pub failure_examples: Vec<String>,
    /// The first failed page of each reason of `failures`, with its error: the
    /// examples above may all be of one reason, and the night's last lines say
    /// what and where for every kind of failure.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failure_first: BTreeMap<String, String>,
    /// Marketplaces this scan could not look at (unreachable, robots.txt
    /// unreachable, a search page or a listing page that failed or was refused): no
    /// listing of theirs counts as unseen in this scan.
    pub not_looked: Vec<String>,
    /// Listings with open findings, as their canonical address, that search
    /// results linked to but the scan could not look at (robots.txt disallows
    /// them, or their page failed): this scan never counts as one that missed
    /// them, though their marketplace was looked at.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listings_not_looked: Vec<String>,
    /// Listings, as rechecked, whose recheck found them gone by what the page
    /// showed (a soft 404, a redirect to no listing) rather than by a 404 or 410:
    /// a merge of shard scans takes them for takedowns as the shard did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone_by_page: Vec<String>,
    /// Marketplaces the night failed: unreachable, searches failed or refused,
    /// fewer than `crawl.min_coverage_percent` (90%) of their listing pages read, or
    /// most of their results disallowed by robots.txt (the scan exits 5). A subset of
    /// `not_looked`, which also holds marketplaces where only a few pages failed.
    pub degraded: Vec<String>,
    /// Why the night failed each of `degraded`, as its counts say
    /// ([`MarketplaceStats::why_degraded`]): before, the summary listed every
    /// reason a night can fail, and the operator had to work out which.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub degraded_why: BTreeMap<String, String>,
    /// Marketplaces whose pages no longer match their adapter, as when a
    /// marketplace changes its pages (or serves a block page no verdict rule
    /// knows): search results that linked to no listing where some were
    /// expected, or a field the judge needs (title, price, seller) read on fewer
    /// than `crawl.min_fields_percent` of the pages
    /// ([`MarketplaceStats::adapter_unmatched`]). The night failed them too
    /// (exit 5), though they were looked at.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub adapter_unmatched: BTreeMap<String, Vec<String>>,
    /// Hosts cut off by the circuit breaker after repeated refusals.
    pub hosts_cut_off: Vec<String>,
    /// Each host's request rate: configured, and as 429/503 answers slowed it.
    #[serde(default)]
    pub host_rates: BTreeMap<String, crate::crawl::HostRate>,
    /// Marketplaces whose page budget ran out before the crawl did.
    pub budget_exhausted: Vec<String>,
    /// Marketplaces left alone for the rest of the scan after
    /// `crawl.pause_after_blocked` blocked answers in a row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paused: Vec<String>,
    pub findings_new: u64,
    pub findings_ongoing: u64,
    /// Findings resolved by this scan: listing removed (404/410), brought into line,
    /// or not seen for `enforcement.resolve_after_scans` scans.
    pub findings_resolved: u64,
    /// Findings seen in this scan, by kind.
    pub findings_by_kind: BTreeMap<String, u64>,
    /// Checks that could not be made (`no floor for currency EUR`), with counts.
    pub notes: BTreeMap<String, u64>,
    pub marketplaces: BTreeMap<String, MarketplaceStats>,
    /// Hash of the evidence log's last record after this scan: pins the history.
    pub log_head: String,
    /// How the announcements of this scan went (webhook, email).
    pub notifications: Vec<Delivery>,
    /// The RFC 3161 time-stamp asked for after the scan (`[evidence] tsa`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<TimestampOutcome>,
    /// The date the scan stands for (its start unless stamped otherwise).
    pub as_of: Option<DateTime<Utc>>,
    /// Listings of open findings fetched again at their address because search
    /// results did not bring them (to see whether they were taken down).
    pub rechecked: u64,
    /// Rechecked listings that answered 404 or 410 on marketplaces looked at in
    /// full: taken down.
    pub listings_gone: u64,
    /// Seller identities read from profile pages in this scan (others were read
    /// within `networks.identity_refresh_days` and reused).
    #[serde(default)]
    pub seller_identities_read: u64,
    /// Seller profile pages that could not be read (failed, blocked, not 200):
    /// those sellers were judged on their last stored identity, or without one.
    #[serde(default)]
    pub seller_profiles_failed: u64,
    /// Listing pages rendered in the browser (DOM and screenshot kept): pages with
    /// a newly confirmed finding under `render = "findings"`.
    #[serde(default)]
    pub pages_rendered: u64,
    /// Renders that failed (no browser, a crash, a hang): counted under
    /// `render_REASON` in `failures` too, and tried again by the next scan.
    #[serde(default)]
    pub renders_failed: u64,
    /// What the scan did to enforcement cases.
    pub cases: crate::case::CaseSummary,
    /// CPU seconds and peak memory of the process at the end of the scan.
    pub usage: crate::usage::Usage,
    /// `scan --shard I/N`: the start URLs this shard took and how its rates were divided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::shard::ShardPlan>,
}

impl ScanSummary {
    /// The exit code `brandguard scan` gives for this night: 1 when it stopped
    /// before it finished, 5 when a marketplace was not looked at in full or its
    /// pages no longer match its adapter, 3 when some fetches failed, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.stopped.is_some() {
            1
        } else if !self.degraded.is_empty() || !self.adapter_unmatched.is_empty() {
            5
        } else if self.failures.values().sum::<u64>() <= self.ended_since_the_search() {
            0
        } else {
            3
        }
    }

    /// Of `failures`, the listings ended since the search on every marketplace
    /// ([`MarketplaceStats::ended_since_the_search`]): no failure of the night.
    pub fn ended_since_the_search(&self) -> u64 {
        self.marketplaces
            .values()
            .map(MarketplaceStats::ended_since_the_search)
            .sum()
    }

    /// Takes the rechecks that answered 404/410 on marketplaces not looked at in
    /// full out of `listings_gone`: such answers are no takedowns (a marketplace
    /// may answer "not found" to everything), and the case pass does not take
    /// them for any either. Call once `not_looked` is final.
    pub(crate) fn uncount_unproven_takedowns(&mut self) {
        let unproven: u64 = self
            .not_looked
            .iter()
            .filter_map(|n| self.marketplaces.get(n))
            .map(|m| m.rechecks_gone)
            .sum();
        self.listings_gone = self.listings_gone.saturating_sub(unproven);
    }

    /// A listing page recorded tonight at `url`: a listing read, or, `nothing_read`
    /// from it ([`crate::extract::Listing::nothing_read`]), a `nothing_read` failure.
    pub(crate) fn count_listing_page(&mut self, market: &str, url: &str, nothing_read: bool) {
        if nothing_read {
            let why = format!(
                "{url}: nothing read (no title, no price): a challenge or error page no \
                 verdict rule knows, or a page the adapter does not match; its capture is kept"
            );
            self.fail(market, "nothing_read", why);
        } else {
            self.market(market).listing_pages += 1;
        }
    }

    pub(crate) fn fail(&mut self, market: &str, reason: &str, example: String) {
        self.count_failure(reason.to_string(), example);
        self.marketplaces
            .entry(market.to_string())
            .or_default()
            .failures += 1;
    }

    /// One more failure for `reason`, with its example (kept among the first 20,
    /// and as the reason's first).
    fn count_failure(&mut self, reason: String, example: String) {
        *self.failures.entry(reason.clone()).or_default() += 1;
        self.failure_first
            .entry(reason)
            .or_insert_with(|| example.clone());
        if self.failure_examples.len() < 20 {
            self.failure_examples.push(example);
        }
    }

    /// A search result linking to another site's page, left out (see
    /// [`MarketplaceStats::links_elsewhere`]).
    pub(crate) fn link_elsewhere(&mut self, market: &str, url: &url::Url) {
        let m = self.market(market);
        m.links_elsewhere += 1;
        if m.link_elsewhere_example.is_none() {
            m.link_elsewhere_example = Some(url.to_string());
        }
    }

    /// A search stopped at `max_pages` with result pages left: a failure of the
    /// night (`search_cut_at_max_pages`: whoever set the limit is told listings
    /// went unread), counted apart from its marketplace's page failures, since the
    /// pages that were read are whole and its open listings are rechecked at their
    /// address anyway.
    pub(crate) fn cut_search(&mut self, market: &str, example: String) {
        self.count_failure("search_cut_at_max_pages".to_string(), example);
        self.market(market).searches_cut += 1;
    }

    /// A seller's profile page that could not be read: a failure of the night
    /// (under `seller_profile_REASON`), but not of its marketplace's listings.
    pub(crate) fn fail_profile(&mut self, reason: &str, example: String) {
        self.count_failure(format!("seller_profile_{reason}"), example);
        self.seller_profiles_failed += 1;
    }

    /// A page the browser could not render: a failure of the night (under
    /// `render_REASON`), not of its marketplace's listings (their bytes are kept).
    pub(crate) fn fail_render(&mut self, reason: &str, example: String) {
        self.count_failure(format!("render_{reason}"), example);
        self.renders_failed += 1;
    }

    pub(crate) fn market(&mut self, market: &str) -> &mut MarketplaceStats {
        self.marketplaces.entry(market.to_string()).or_default()
    }

    /// Counts an observation as it is recorded (its findings with
    /// [`ScanSummary::count_findings`]). Counting as the scan goes, rather than in a
    /// pass over the store at the end: such a pass pulls the whole observation tree
    /// into sled's cache (its eviction only starts after some 16,000 node reads), the
    /// largest part of a large scan's peak memory.
    pub(crate) fn count(&mut self, o: &Observation) {
        let matched = o.sku_match.sku.is_some();
        self.listings_seen += 1;
        self.pages_unreadable += u64::from(o.listing.is_empty());
        if matched {
            self.listings_matched += 1;
        } else {
            self.listings_unmatched += 1;
        }
        let m = self.market(&o.listing.marketplace);
        m.listings_seen += 1;
        m.listings_matched += u64::from(matched);
        m.titles_read += u64::from(o.listing.title.is_some());
        if matched {
            m.prices_read += u64::from(o.listing.price.is_some());
            m.prices_in_cart += u64::from(o.listing.price_in_cart.is_some());
            let seller = &o.listing.seller;
            m.sellers_read += u64::from(seller.name.is_some() || seller.id.is_some());
        }
        for n in &o.notes {
            *self.notes.entry(n.clone()).or_default() += 1;
        }
        for k in &o.findings {
            *self
                .findings_by_kind
                .entry(k.as_str().to_string())
                .or_default() += 1;
        }
    }

    /// Fills `not_looked` and `degraded` from the per-marketplace counts: a
    /// marketplace with any failed or refused page, or whose page budget ran out
    /// before its listings were fetched, was not wholly looked at.
    pub(crate) fn note_coverage(&mut self, config: &Config) {
        let (mut not_looked, mut degraded) = (Vec::new(), Vec::new());
        // Worked out afresh, as `degraded` is: a marketplace a later call finds
        // looked at keeps no reason of an earlier one.
        let mut degraded_why = BTreeMap::new();
        for m in &config.marketplaces {
            let stats = self.marketplaces.get(&m.name);
            if !stats.is_some_and(MarketplaceStats::looked)
                || self.budget_exhausted.contains(&m.name)
            {
                tracing::warn!(marketplace = %m.name, "could not look at the whole marketplace: nothing unseen is concluded from this scan");
                not_looked.push(m.name.clone());
            }
            let min = config.brand.crawl.min_coverage_percent;
            if stats.is_none_or(|s| s.degraded(min)) {
                degraded.push(m.name.clone());
                let mut why =
                    stats.map_or_else(|| "not scanned".to_string(), |s| s.why_degraded(min));
                if self.paused.contains(&m.name) {
                    why.push_str("; paused after blocked answers in a row");
                }
                degraded_why.insert(m.name.clone(), why);
            }
        }
        (self.not_looked, self.degraded, self.degraded_why) = (not_looked, degraded, degraded_why);
    }

    /// Fills `adapter_unmatched` ([`MarketplaceStats::adapter_unmatched`]), once
    /// `listings_expected` is known (a scan's or a merged night's end). Such a night
    /// failed (exit 5: what the listing pages say went unchecked), but the
    /// marketplace was looked at (its searches ran and its pages answered): a
    /// listing gone is gone, and a page that no longer shows a finding resolves
    /// it only where it showed what the finding is about
    /// (`case::shows_compliance`). So it is not in `not_looked` or `degraded`.
    pub(crate) fn note_adapters(&mut self, config: &Config) {
        let min_percent = config.brand.crawl.min_fields_percent;
        for (name, m) in &self.marketplaces {
            let selects_seller = config
                .marketplaces
                .iter()
                .find(|c| &c.name == name)
                .is_some_and(|c| !c.fields.seller.is_empty() || !c.fields.seller_id.is_empty());
            let unread = m.adapter_unmatched(min_percent, selects_seller);
            if !unread.is_empty() {
                tracing::warn!(marketplace = %name, unread = ?unread, "pages no longer match the marketplace's adapter: has it changed its pages?");
                self.adapter_unmatched.insert(name.clone(), unread);
            }
        }
    }

    /// Counts what recording an observation said of its findings.
    pub(crate) fn count_findings(&mut self, findings: &[FindingStatus]) {
        for f in findings {
            match f {
                FindingStatus::New => self.findings_new += 1,
                FindingStatus::Ongoing | FindingStatus::Relapsed => self.findings_ongoing += 1,
                FindingStatus::Again => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Searches that ran and linked to none of a few expected listings are said
    /// (not a failure); none expected, five or more (a failure of its own), or
    /// searches that failed, are not.
    #[test]
    fn a_few_expected_listings_linked_to_none_are_said() {
        let m = |expected: u64, in_results: u64, search_failures: u64| MarketplaceStats {
            search_pages: 1,
            search_failures,
            listings_expected: expected,
            listings_in_results: in_results,
            ..MarketplaceStats::default()
        };
        assert_eq!(m(3, 0, 0).linked_none_of_few(), Some(3));
        assert_eq!(m(1, 0, 0).linked_none_of_few(), Some(1));
        assert_eq!(m(0, 0, 0).linked_none_of_few(), None);
        assert_eq!(m(5, 0, 0).linked_none_of_few(), None);
        assert_eq!(m(3, 2, 0).linked_none_of_few(), None);
        assert_eq!(m(3, 0, 1).linked_none_of_few(), None);
    }

    /// The reasons are worked out afresh with `degraded`: a marketplace looked at
    /// by the time of a later call keeps no reason of an earlier one.
    #[test]
    fn a_night_s_reasons_are_those_of_its_last_count() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/demo");
        let config = crate::config::Config::load(&dir).expect("demo targets");
        let mut s = ScanSummary::default();
        for m in &config.marketplaces {
            let clean = MarketplaceStats {
                search_pages: 3,
                listing_pages: 24,
                listings_in_results: 24,
                ..MarketplaceStats::default()
            };
            s.marketplaces.insert(m.name.clone(), clean);
        }
        let clean = s.marketplaces["shopusa"].clone();
        s.marketplaces.insert(
            "shopusa".into(),
            MarketplaceStats {
                listings_disallowed: 24,
                ..clean.clone()
            },
        );
        s.note_coverage(&config);
        assert_eq!(s.degraded, ["shopusa"]);
        assert!(s.degraded_why["shopusa"].starts_with("robots.txt disallows 24"));
        s.marketplaces.insert("shopusa".into(), clean);
        s.note_coverage(&config);
        assert!(s.degraded.is_empty() && s.degraded_why.is_empty(), "{s:?}");
    }

    /// A failed night says why in its counts' words, not every reason there is.
    #[test]
    fn a_failed_night_says_why() {
        let blocked = MarketplaceStats {
            search_pages: 3,
            listing_pages: 16,
            failures: 8,
            blocked: 8,
            listings_in_results: 27,
            listings_disallowed: 3,
            ..MarketplaceStats::default()
        };
        assert_eq!(
            blocked.why_degraded(90),
            "67% of its listing pages read (16 read, 8 blocked, 0 failed, 0 not reached), under crawl.min_coverage_percent 90"
        );
        let kept_out = MarketplaceStats {
            search_pages: 3,
            listings_in_results: 27,
            listings_disallowed: 27,
            ..MarketplaceStats::default()
        };
        assert_eq!(
            kept_out.why_degraded(90),
            "robots.txt disallows 27 of its 27 results"
        );
        let down = MarketplaceStats {
            search_failures: 1,
            failures: 1,
            ..MarketplaceStats::default()
        };
        assert!(down.why_degraded(90).starts_with("no search ran (1 failed"));
        let one_search = MarketplaceStats {
            search_pages: 2,
            search_failures: 1,
            listing_pages: 20,
            listings_in_results: 20,
            ..MarketplaceStats::default()
        };
        assert_eq!(
            one_search.why_degraded(90),
            "1 of its 3 search pages failed"
        );
    }

    /// A night's few ended listings are no failure; more, or half the results,
    /// stay failures (a block served as "not found" looks so).
    #[test]
    fn only_a_night_s_few_ended_listings_are_no_failure() {
        let stats = |ended: u64, results: u64| MarketplaceStats {
            search_pages: 1,
            listing_pages: results - ended,
            failures: ended,
            listings_in_results: results,
            listings_ended: ended,
            ..MarketplaceStats::default()
        };
        for (ended, results, tolerated) in [
            (2, 27, 2),
            (5, 100, 5),
            (6, 100, 0),
            (3, 40, 0),
            (1, 2, 1),
            (2, 2, 0),
            (2, 3, 0),
        ] {
            let m = stats(ended, results);
            assert_eq!(
                m.ended_since_the_search(),
                tolerated,
                "{ended} of {results}"
            );
            assert_eq!(m.looked(), tolerated == ended, "{ended} of {results}");
            if tolerated > 0 {
                assert_eq!(m.coverage(), 1.0, "{ended} of {results}");
            }
        }
    }

    #[test]
    fn takedowns_count_only_where_the_marketplace_was_looked_at() {
        let mut s = ScanSummary::default();
        s.market("bidbay").rechecks_gone = 2;
        s.market("tmart").rechecks_gone = 3;
        s.listings_gone = 5;
        s.not_looked = vec!["tmart".into()];
        s.uncount_unproven_takedowns();
        assert_eq!(s.listings_gone, 2, "tmart's 404s are no takedowns");
        s.not_looked.clear();
        s.listings_gone = 5;
        s.uncount_unproven_takedowns();
        assert_eq!(s.listings_gone, 5);
    }
}
