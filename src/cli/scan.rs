//! The nightly job and what prepares it: `scan`, `schedule`, `check`, `extract`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use brandguard::config::Config;
use brandguard::evidence::Store;
use brandguard::scan::{ScanOptions, ScanSummary};
use clap::Args;

use super::{Cli, exit, load_config, runtime};

#[derive(Args)]
pub struct ScanCommand {
    #[arg(long)]
    targets: PathBuf,
    /// The evidence store folder.
    #[arg(long, default_value = "evidence/store")]
    store: PathBuf,
    #[command(flatten)]
    base: BaseUrls,
    /// Write the run summary here (default: last-scan.json beside the store).
    #[arg(long)]
    summary: Option<PathBuf>,
    /// Start a new scan even if the last one was interrupted (default: resume it).
    #[arg(long)]
    fresh: bool,
    /// Requests in flight at once (default: `concurrency` in brand.toml).
    #[arg(long)]
    concurrency: Option<usize>,
    /// Benchmarks only: lift every rate limit. Refused unless all marketplaces are
    /// on this machine (127.0.0.1, ::1, localhost), i.e. the demo marketplace.
    #[arg(long)]
    benchmark_unthrottled: bool,
    /// Scan only shard I of N (0-based, like Kubernetes' JOB_COMPLETION_INDEX): a
    /// stable share of the start URLs by host and query, each host's rate limit
    /// divided among the shards that ask it. Use one store per shard, then
    /// `brandguard evidence merge`.
    #[arg(long, env = "BRANDGUARD_SHARD")]
    shard: Option<brandguard::scan::shard::Shard>,
    /// What the store a sharded night is merged into knows that a shard needs
    /// (`shard-context.json`, which `brandguard evidence merge` writes beside it):
    /// this shard rechecks its share of that store's open listings at their
    /// address, and judges promotions with the history that store holds, as a scan
    /// of it would. A file not there yet (the first night) holds nothing.
    #[arg(long, env = "BRANDGUARD_CONTEXT_FROM")]
    context_from: Option<PathBuf>,
}

#[derive(Args)]
struct BaseUrls {
    /// Point a marketplace at another base URL: NAME=URL (repeatable, or comma-separated in BRANDGUARD_BASE_URL).
    #[arg(long = "base-url", env = "BRANDGUARD_BASE_URL", value_delimiter = ',')]
    base_url: Vec<String>,
}

impl ScanCommand {
    /// The store, or the exit code of the night a review desk holding it ran
    /// instead. `kept_from_desk` names the options this command has that the desk's
    /// scan would not honour: with any, the command is not handed over.
    fn open_store(&self, kept_from_desk: &[&str]) -> Result<std::result::Result<Store, u8>> {
        match Store::open(&self.store) {
            Ok(s) => Ok(Ok(s)),
            Err(e @ brandguard::evidence::EvidenceError::Locked { .. }) => {
                let Some(advert) = brandguard::desk::Advert::read(&self.store) else {
                    return Err(e.into());
                };
                if !kept_from_desk.is_empty() {
                    anyhow::bail!(
                        "the review desk at {} holds the store {}: it runs the nightly scan for a plain `brandguard scan --targets … --store …`, but not with {} (its scan would not honour that): drop it, or stop the desk",
                        advert.url,
                        self.store.display(),
                        kept_from_desk.join(", ")
                    );
                }
                Ok(Err(super::desk::scan_through(
                    &advert,
                    &self.targets,
                    &self.default_summary(),
                )?))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Where the night's summary goes unless `--summary` says otherwise, and where
    /// the review desk writes its scans' summaries: `last-scan.json` beside the store.
    fn default_summary(&self) -> PathBuf {
        self.store
            .parent()
            .unwrap_or(Path::new("."))
            .join("last-scan.json")
    }

    /// The options given that the review desk's scan would not honour. `--summary`
    /// naming the default file (as the unit `brandguard schedule` prints does) is
    /// no such option.
    fn kept_from_desk(&self, cli: &Cli, shard: bool) -> Vec<&'static str> {
        let summary_elsewhere = self
            .summary
            .as_ref()
            .is_some_and(|p| !same_file(p, &self.default_summary()));
        [
            (shard, "--shard"),
            (self.fresh, "--fresh"),
            (self.benchmark_unthrottled, "--benchmark-unthrottled"),
            (
                summary_elsewhere,
                "--summary elsewhere than beside the store",
            ),
            (self.concurrency.is_some(), "--concurrency"),
            (self.context_from.is_some(), "--context-from"),
            (cli.render.is_some(), "--render"),
            (cli.browser_sandbox.is_some(), "--browser-sandbox"),
            (!self.base.base_url.is_empty(), "--base-url"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect()
    }

    /// The targets with the command's overrides, and this shard's plan (printed);
    /// a bad targets folder is the exit code.
    fn config(
        &self,
        cli: &Cli,
    ) -> std::result::Result<(Config, Option<brandguard::shard::ShardPlan>), u8> {
        let mut config = load_config(&self.targets, &self.base.base_url)?;
        if let Some(n) = self.concurrency {
            config.brand.crawl.concurrency = n.max(1);
        }
        cli.override_render(&mut config);
        let shard = self
            .shard
            .map(|s| brandguard::scan::shard::apply(&mut config, s));
        if let Some(plan) = &shard {
            let units: usize = plan.start_urls.values().map(Vec::len).sum();
            println!(
                "shard {}: {} start URLs on {} marketplaces",
                plan.shard,
                units,
                plan.start_urls.len()
            );
        }
        Ok((config, shard))
    }

    /// `--context-from`, with the open listings narrowed to this shard's share
    /// (all of them without `--shard`). A file that is not there is a first
    /// night; one that does not parse is a bad configuration.
    fn merged_context(
        &self,
        config: &Config,
        shard: Option<&brandguard::shard::ShardPlan>,
    ) -> std::result::Result<brandguard::shard::Context, u8> {
        let Some(path) = &self.context_from else {
            return Ok(Default::default());
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                println!(
                    "no {} (a first night, or the last merge could not write it): no listing rechecked from it",
                    path.display()
                );
                return Ok(Default::default());
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return Err(exit::BAD_CONFIG);
            }
        };
        let mut context: brandguard::shard::Context = match serde_json::from_str(&text) {
            Ok(c) => c,
            Err(e) => {
                eprintln!(
                    "error: {}: {e} (expected the shard-context.json `brandguard evidence merge` writes)",
                    path.display()
                );
                return Err(exit::BAD_CONFIG);
            }
        };
        if let Some(plan) = shard {
            context.open_listings = plan.rechecks(config, &context.open_listings);
        }
        let n: usize = context.open_listings.values().map(BTreeSet::len).sum();
        println!(
            "{n} listings with open findings to recheck, from {}",
            path.display()
        );
        Ok(context)
    }

    /// Scans every marketplace of the targets folder into the store (resuming an
    /// interrupted scan unless `--fresh`), announces what is new, writes the
    /// summary and exits 0, 3 (some fetches failed) or 5 (a marketplace not looked at).
    pub fn run(&self, cli: &Cli) -> Result<u8> {
        let (config, shard) = match self.config(cli) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        let verdicts = match brandguard::verdict::Rules::load(&config.dir) {
            Ok(rules) => rules,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(exit::BAD_CONFIG);
            }
        };
        // Only the plain nightly command is handed to a desk: it scans with its own
        // settings, so options it would not honour are refused with the store.
        let kept_from_desk = self.kept_from_desk(cli, shard.is_some());
        // Not before: a command handed over to the review desk waits for the
        // desk's scan, and Ctrl-C must end that wait as usual.
        let store = match self.open_store(&kept_from_desk)? {
            Ok(s) => s,
            Err(code) => return Ok(code),
        };
        let rt = runtime()?;
        let asked = stop_asked(&rt);
        let stop = StopContext {
            rt: &rt,
            config: &config,
            store: &store,
            summary: self
                .summary
                .clone()
                .unwrap_or_else(|| beside(&store, "last-scan.json")),
            shard: shard.clone(),
        };
        let merged = match self.merged_context(&config, shard.as_ref()) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        let options = ScanOptions {
            progress: cli.progress(),
            fresh: self.fresh,
            as_of: None,
            benchmark_unthrottled: self.benchmark_unthrottled,
            merged,
            shard,
            verdicts: Some(verdicts),
            stop: Some(asked),
        };
        let started = chrono::Utc::now();
        let path = stop.summary.clone();
        let s = match rt.block_on(brandguard::scan::run(&config, &store, options)) {
            Ok(s) => s,
            Err(e) => return Err(stop.stopped(started, e)),
        };
        after_the_scan(&rt, &config, &store, s, &path)
    }
}

/// The nightly steps after a scan that finished: its summary written at once,
/// the evidence time-stamped, the night announced (not a shard's), the summary
/// written again with their outcomes and printed; the exit code.
fn after_the_scan(
    rt: &tokio::runtime::Runtime,
    config: &Config,
    store: &Store,
    mut s: ScanSummary,
    path: &Path,
) -> Result<u8> {
    // The night's summary at once, before the time-stamp and the announcement
    // (a TSA or a webhook may take their time, and the process may be killed
    // meanwhile): last night's must never be read as tonight's. Written again
    // below with their outcomes.
    if let Err(e) = brandguard::scan::night::write_summary(path, &s) {
        eprintln!("warning: {}", brandguard::scan::night::error_text(&e));
    }
    // Third-party time on the night's evidence; a TSA that fails never fails the
    // night (the next token covers it).
    if let Some(tsa) = &config.brand.evidence.tsa {
        s.timestamp = Some(timestamp(rt, store, tsa));
    }
    // A shard is a part of the night: the merge that ends the night announces it
    // once (`evidence merge --announce`), not every shard its own share.
    let findings_file = if s.shard.is_some() {
        println!("shard: no announcement; `evidence merge --announce` announces the night");
        None
    } else {
        announce(
            rt,
            config,
            store,
            &mut s,
            &path.with_file_name("findings.csv"),
        )
    };
    let written = brandguard::scan::night::write_summary(path, &s);
    print_summary(&s);
    if let Some(f) = findings_file {
        println!("findings written to {f}");
    }
    // A night whose summary is not written is not a fine night for a scheduler
    // (the error and its advice follow).
    written?;
    println!("summary written to {}", path.display());
    Ok(exit_code(&s))
}

/// Resolves when the operator or the system asks the scan to stop: SIGTERM
/// (`systemctl stop`, a Kubernetes pod's end, `kill`) or SIGINT (Ctrl-C). From
/// this call on (the store is open) the signals no longer kill the process: the
/// scan stops, flushes and writes its summary instead (a signal that came before
/// the scan began stops it as soon as it has). Should listening fail, the signals
/// keep their default (the store is crash-safe) and this never resolves.
fn stop_asked(
    rt: &tokio::runtime::Runtime,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>> {
    use tokio::signal::unix::{SignalKind, signal};
    let _runtime = rt.enter();
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => Box::pin(async move {
            let first = tokio::select! {
                _ = term.recv() => "SIGTERM".to_string(),
                _ = int.recv() => "SIGINT (Ctrl-C)".to_string(),
            };
            // Asked twice, the scan does not wait for its announcement or summary
            // (a webhook that does not answer): it ends at once, as a crash would,
            // which the store survives.
            tokio::spawn(async move {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
                eprintln!("asked to stop again: ending now; the next scan resumes this one");
                std::process::exit(i32::from(super::exit::ERROR));
            });
            first
        }),
        _ => Box::pin(std::future::pending()),
    }
}

/// What a scan command works with, for when its scan stops.
struct StopContext<'a> {
    rt: &'a tokio::runtime::Runtime,
    config: &'a Config,
    store: &'a Store,
    /// Where the run summary goes.
    summary: PathBuf,
    shard: Option<brandguard::shard::ShardPlan>,
}

impl StopContext<'_> {
    /// A scan that stopped before it finished (or before it began): announced on
    /// the night's channels (a shard's by the merge that ends the night, as its
    /// findings are), and its summary, with what it had done and why it stopped,
    /// written where the night's goes and printed, so that neither a person nor a
    /// scheduler reads the last night's as tonight's; then the error, for `main`
    /// to report with its advice.
    fn stopped(
        &self,
        started: chrono::DateTime<chrono::Utc>,
        e: brandguard::scan::ScanError,
    ) -> anyhow::Error {
        let path = &self.summary;
        let kept = self.rt.block_on(brandguard::scan::night::stopped(
            self.config,
            self.store,
            started,
            self.shard.clone(),
            e,
            path,
        ));
        if let Some(w) = &kept.not_written {
            eprintln!("warning: {}", brandguard::scan::night::error_text(w));
        }
        print_summary(&kept.summary);
        if kept.not_written.is_none() {
            println!("summary written to {}", path.display());
        }
        anyhow::Error::from(kept.cause)
    }
}

/// Writes findings.csv and announces what scan `s` found new (see
/// [`brandguard::scan::night::announce`]).
pub(super) fn announce(
    rt: &tokio::runtime::Runtime,
    config: &Config,
    store: &Store,
    s: &mut ScanSummary,
    findings_csv: &Path,
) -> Option<String> {
    rt.block_on(brandguard::scan::night::announce(
        config,
        store,
        s,
        findings_csv,
    ))
}

/// Time-stamps the store's log head at `tsa` and says so.
fn timestamp(
    rt: &tokio::runtime::Runtime,
    store: &Store,
    tsa: &str,
) -> brandguard::summary::TimestampOutcome {
    let out = rt.block_on(brandguard::scan::night::timestamp(store, tsa));
    match (&out.anchored_through, &out.gen_time, &out.error) {
        (Some(seq), Some(at), _) => println!(
            "time-stamped records 0-{seq} at {} by {tsa}",
            at.format("%Y-%m-%d %H:%M:%S UTC")
        ),
        (_, _, Some(e)) => eprintln!("warning: {e}"),
        _ => {}
    }
    out
}

/// A file in the folder that holds the store.
pub(super) fn beside(store: &Store, name: &str) -> PathBuf {
    store
        .path()
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(name)
}

/// 5 when a marketplace was not looked at, 3 when some fetches failed, else 0
/// (see [`ScanSummary::exit_code`], which the desk's scans use too).
pub(super) fn exit_code(s: &ScanSummary) -> u8 {
    s.exit_code()
}

/// The end-of-run summary, one line per subject.
pub(super) fn print_summary(s: &ScanSummary) {
    let ended = match &s.stopped {
        Some(_) => "STOPPED before it finished, after",
        None => "finished in",
    };
    println!(
        "scan {} {ended} {:.1}s: {} pages fetched, {} listings ({} of the brand), {} seller profiles read ({} failed), {} links skipped by robots.txt",
        s.scan_id,
        s.duration_secs,
        s.pages_fetched,
        s.listings_seen,
        s.listings_matched,
        s.seller_identities_read,
        s.seller_profiles_failed,
        s.robots_blocked
    );
    if s.resumed {
        println!(
            "resumed an interrupted run of this scan: the listings it had read are counted above and were not fetched again"
        );
    }
    if s.pages_rendered + s.renders_failed > 0 {
        println!(
            "rendered captures: {} listing pages rendered in the browser (screenshot and DOM kept), {} failed",
            s.pages_rendered, s.renders_failed
        );
    }
    let kinds: Vec<String> = s
        .findings_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!(
        "findings: {} new, {} ongoing ({})",
        s.findings_new,
        s.findings_ongoing,
        if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds.join(", ")
        }
    );
    print_coverage(s);
    print_adapter_unmatched(s);
    print_not_looked(s);
    print_outcome(s);
    println!(
        "cost: {:.1} CPU seconds, peak memory {:.0} MiB, {} snapshot bytes stored ({} new pages, {} already stored)",
        s.usage.cpu_secs,
        s.usage.peak_rss_mib,
        s.snapshot_bytes_stored,
        s.snapshots_new,
        s.snapshots_deduplicated
    );
    if s.usage.children_cpu_secs > 0.0 {
        let largest = match s.usage.children_peak_rss_mib {
            0.0 => String::new(),
            mib => format!(", the largest {mib:.0} MiB"),
        };
        println!(
            "browser: {:.1} CPU seconds in its processes (so far in this run){largest}",
            s.usage.children_cpu_secs
        );
    }
    print_troubles(s);
}

/// Marketplaces the night failed or did not wholly look at, and listings it could
/// not read: nothing absent from them was concluded.
fn print_not_looked(s: &ScanSummary) {
    for name in &s.degraded {
        match s.degraded_why.get(name).filter(|w| !w.is_empty()) {
            Some(why) => println!("NOT LOOKED AT: {name} ({why})"),
            None => println!(
                "NOT LOOKED AT: {name} (unreachable, searches failed or refused, under crawl.min_coverage_percent of listing pages read, or most results disallowed by robots.txt)"
            ),
        }
    }
    if !s.not_looked.is_empty() {
        println!(
            "not wholly looked at: {}: nothing absent from them was concluded",
            s.not_looked.join(", ")
        );
    }
    if !s.listings_not_looked.is_empty() {
        println!(
            "{} listings with open findings were in search results but could not be read (robots.txt disallows them, or their pages failed): not counted as unseen",
            s.listings_not_looked.len()
        );
    }
}

/// What the night did to cases, or, for a scan that stopped, that it did not finish.
fn print_outcome(s: &ScanSummary) {
    match &s.stopped {
        Some(why) => println!(
            "not finished ({why}): findings are resolved and cases moved when a scan finishes; the next scan of these targets resumes this one and does that"
        ),
        None => {
            let c = &s.cases;
            println!(
                "cases: {} opened, {} reopened (seller back), {} resolved ({} complied after filing), {} escalated (ignored a filing), {} open; {} findings resolved, {} listings rechecked at their address ({} gone)",
                c.opened,
                c.reopened,
                c.resolved,
                c.complied,
                c.escalated,
                c.open,
                s.findings_resolved,
                s.rechecked,
                s.listings_gone
            );
            if !c.ids_due_unverified.is_empty() {
                println!(
                    "not escalated, though past their recheck day: {} (nothing read since that day shows their findings still there: listings blocked or not read, or showing no offer)",
                    c.ids_due_unverified.join(", ")
                );
            }
        }
    }
}

/// Per marketplace: searches run, listings expected against listing pages read,
/// blocked, failed and not reached, and the share read: a quiet night shows as one.
fn print_coverage(s: &ScanSummary) {
    for (name, m) in &s.marketplaces {
        let other = m.failures.saturating_sub(m.blocked + m.not_reached);
        // What was expected is worked out when a scan finishes, and a stopped
        // scan's share read counts only the pages it had come to.
        let (expected, coverage) = match (m.listings_expected, &s.stopped) {
            (_, Some(_)) => (String::new(), "so far (stopped)".to_string()),
            (0, None) => (
                "none expected (no earlier scan saw any), ".to_string(),
                format!("coverage {:.0}%", m.coverage() * 100.0),
            ),
            (n, None) => (
                format!("listings expected {n}, "),
                format!("coverage {:.0}%", m.coverage() * 100.0),
            ),
        };
        let mut notes = match m.listings_disallowed {
            0 => String::new(),
            n => format!(", disallowed by robots.txt {n}"),
        };
        // The share read is of the pages asked for: robots.txt's are not asked for
        // ("read 0, disallowed by robots.txt 27; coverage 100%" before).
        let coverage = match m.listings_disallowed {
            0 => coverage,
            n if n >= m.listings_in_results => {
                format!("robots.txt DISALLOWS all {n} results: not looked at")
            }
            n if m.mostly_disallowed() => format!(
                "robots.txt DISALLOWS {n} of the {} results: not looked at ({coverage} of the rest)",
                m.listings_in_results
            ),
            _ => format!("{coverage} of the pages robots.txt allows"),
        };
        match (m.listings_ended, m.ended_since_the_search()) {
            (0, _) => {}
            (n, 0) => notes.push_str(&format!(
                ", SAID ENDED {n} (more than a night's ended listings: a block served as \"not found\", or changed pages?)"
            )),
            (n, _) => notes.push_str(&format!(", ended since the search {n} (no failure)")),
        }
        if let (n @ 1.., Some(example)) = (m.links_elsewhere, &m.link_elsewhere_example) {
            notes.push_str(&format!(
                "; {n} result link{} to other sites left out (first: {example}; if its pages are {name}'s listings, add its host to [search] item_hosts)",
                if n == 1 { "" } else { "s" }
            ));
        }
        if let Some(n) = m.linked_none_of_few() {
            notes.push_str(&format!(
                "; its search results LINKED TO NO LISTING of the {n} expected (the listings ended, or search pages its adapter no longer reads: with fewer than {} expected the night does not fail on it)",
                brandguard::summary::MIN_FIELD_SAMPLE
            ));
        }
        if m.searches_cut > 0 {
            notes.push_str(&format!(
                "; {} SEARCHES CUT at [search] max_pages with result pages left (listings on later pages not looked at)",
                m.searches_cut
            ));
        }
        println!(
            "  {name}: searches {} ok, {} failed; {expected}read {}, blocked {}, failed {}, not reached {}{notes}; {coverage}",
            m.search_pages, m.search_failures, m.listing_pages, m.blocked, other, m.not_reached,
        );
    }
}

/// Marketplaces whose pages no longer match their adapter, with what to do.
fn print_adapter_unmatched(s: &ScanSummary) {
    for (name, unmatched) in &s.adapter_unmatched {
        println!(
            "  {name}: PAGES DO NOT MATCH ITS ADAPTER: {}: left unchecked tonight. Has {name} changed its pages, or is its marketplace file new? The selectors of its marketplace file ([search] listing_link, [item.fields]) may need updating; what its listing pages gave, and why: brandguard extract --report --store {} --targets {} --marketplace {} -",
            unmatched.join(", "),
            shell_quoted(&s.store),
            shell_quoted(&s.targets),
            shell_quoted(name),
        );
    }
}

/// Failures, cut-off hosts, failed notifications and spent page budgets.
fn print_troubles(s: &ScanSummary) {
    if !s.failures.is_empty() {
        let f: Vec<String> = s.failures.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("failures: {}", f.join(", "));
        let ended = s.ended_since_the_search();
        if ended > 0 {
            println!(
                "  of soft_404: {ended} listing page{} of the search results said the listing has ended since: no failure of the night (a few, as auctions end)",
                if ended == 1 { "" } else { "s" }
            );
        }
        // What and where, for each kind: the URL and the error of its first page.
        for (reason, first) in &s.failure_first {
            println!(
                "  {reason}, first: {}",
                brandguard::sanitize::terminal(first, 400)
            );
        }
    }
    if !s.hosts_cut_off.is_empty() {
        println!(
            "hosts cut off after repeated refusals: {}",
            s.hosts_cut_off.join(", ")
        );
    }
    for n in s.notifications.iter().filter(|n| !n.ok) {
        println!(
            "notification via {} failed: {}",
            n.channel,
            n.error.as_deref().unwrap_or("?")
        );
    }
    if !s.paused.is_empty() {
        println!(
            "left alone after repeated blocks (captchas, challenges, login walls): {}",
            s.paused.join(", ")
        );
    }
    if !s.budget_exhausted.is_empty() {
        println!(
            "page budget exhausted on: {}",
            s.budget_exhausted.join(", ")
        );
    }
    print_checks_not_made(s);
}

/// Checks the judge could not make on listings it read ("no price on the page:
/// floor not checked"), most frequent first: a night can read every page and
/// still leave some listings unchecked. Notes quote pages (seller names): shown
/// escaped, a few at most.
fn print_checks_not_made(s: &ScanSummary) {
    if let Some(line) = checks_not_made(s) {
        println!("{line}");
    }
}

fn checks_not_made(s: &ScanSummary) -> Option<String> {
    const SHOWN: usize = 5;
    let mut notes: Vec<(&String, &u64)> = s.notes.iter().collect();
    notes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = notes
        .iter()
        .take(SHOWN)
        .map(|(n, c)| format!("{} ({c})", brandguard::sanitize::terminal(n, 160)))
        .collect();
    if shown.is_empty() {
        return None;
    }
    let more = match notes.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!("; {n} more in the summary's notes"),
    };
    Some(format!(
        "checks not made on listings read: {}{more}",
        shown.join("; ")
    ))
}

#[derive(Args)]
pub struct ScheduleCommand {
    #[arg(long)]
    targets: PathBuf,
    #[arg(long, default_value = "evidence/store")]
    store: PathBuf,
    /// Time of day (local, HH:MM) the scan starts.
    #[arg(long, default_value = "02:30")]
    at: String,
}

impl ScheduleCommand {
    /// Prints hardened systemd units and a crontab line that run this binary's
    /// `scan` nightly; refuses a targets folder that does not load. A render mode
    /// or browser sandbox given to it (`--render`, `BRANDGUARD_RENDER`, …) is
    /// written into the nightly command: the unit's sandbox is chosen for it, and
    /// neither cron nor systemd passes the shell's environment on.
    pub fn run(&self, cli: &Cli) -> Result<u8> {
        let Some((hour, minute)) = self
            .at
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u8>().ok()?, m.parse::<u8>().ok()?)))
            .filter(|(h, m)| *h < 24 && *m < 60)
        else {
            eprintln!("error: --at wants HH:MM (24-hour), got `{}`", self.at);
            return Ok(exit::BAD_CONFIG);
        };
        // A schedule for a folder that does not load would fail every night.
        let mut config = match load_config(&self.targets, &[]) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        cli.override_render(&mut config);
        let renders = config
            .marketplaces
            .iter()
            .any(|m| config.render_mode(m) != brandguard::config::RenderMode::Never);
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("brandguard"));
        let plan = Schedule {
            exe: abs(&exe),
            targets: abs(&self.targets),
            store: abs(&self.store),
            hour,
            minute,
            renders,
            pinned: pinned_render(cli),
        };
        print!("{}", plan.text());
        // On standard error: the units are often redirected into a file.
        for w in plan.unit_warnings(PRIVATE_TMP) {
            eprintln!("warning: {w}");
        }
        Ok(exit::OK)
    }
}

/// The arguments that pin the render mode and the browser's sandbox the operator
/// gave `schedule` (a unit written for a night without the browser, run by a
/// scan that renders, had no screenshot: Chromium could not start in its
/// sandbox).
fn pinned_render(cli: &Cli) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(mode) = cli.render {
        args.extend(["--render".to_string(), mode.as_str().to_string()]);
    }
    if let Some(on) = cli.browser_sandbox {
        let on = if on { "on" } else { "off" };
        args.extend(["--browser-sandbox".to_string(), on.to_string()]);
    }
    args
}

/// The service's sandbox: a crawler needs the network and its store's folder,
/// nothing else (every setting scored by `systemd-analyze security`).
const SANDBOX: &str = "ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
PrivateUsers=yes
DevicePolicy=closed
UMask=0077
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
RestrictSUIDSGID=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictRealtime=yes
LockPersonality=yes
RemoveIPC=yes
KeyringMode=private
# The network is the job: IPv4, IPv6 and local sockets (DNS) only.
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
SystemCallArchitectures=native
# @resources stays allowed: the async runtime and allocator may set CPU affinity
# and memory policy.
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @mount @debug @cpu-emulation @obsolete @raw-io @reboot @swap @module @clock
SystemCallErrorNumber=EPERM
";

/// The sandbox's end where no page is rendered: no namespaces, no memory both
/// written and executed.
const SANDBOX_NO_BROWSER: &str = "RestrictNamespaces=yes
MemoryDenyWriteExecute=yes
";

/// The sandbox's end where listing pages are rendered in Chromium (the default
/// `[render] mode = \"findings\"`). With the lines of [`SANDBOX_NO_BROWSER`] the
/// browser could not run: its sandbox said "No usable sandbox!" without user, PID
/// and network namespaces, failed its chroot without `chroot`, and without `capset`;
/// under `MemoryDenyWriteExecute` (the kernel's `PR_SET_MDWE`) every renderer died
/// as it started ("V8 process OOM (Failed to reserve virtual memory for
/// CodeRange)"). Each was seen with Debian's Chromium under the same restrictions
/// set by seccomp and prctl (`tests/render.rs` starts a browser under `PR_SET_MDWE`).
const SANDBOX_BROWSER: &str =
    "# Listing pages are rendered in Chromium ([render] mode or a marketplace's
# render): its own sandbox makes user, PID and network namespaces, chroots and drops
# capabilities, and its JavaScript engine makes the code it compiles executable.
# With RestrictNamespaces=yes or MemoryDenyWriteExecute=yes the browser does not
# start or its tabs die as they start, and the night has no screenshots.
RestrictNamespaces=user pid net
SystemCallFilter=chroot capset
";

/// The adapter doctor over the last finished scan's observations of `m` in a store:
/// what the adapter read from real pages of a real night.
fn report_from_store(path: &Path, m: &brandguard::config::Marketplace) -> Result<u8> {
    let store = Store::open_existing(path)?;
    let mut last = None;
    for scan in store.scans() {
        let scan = scan?;
        if scan.finished_at.is_some() {
            last = Some(scan.scan_id);
        }
    }
    let Some(scan_id) = last else {
        eprintln!("error: no finished scan in {}", path.display());
        return Ok(exit::ERROR);
    };
    let mut report = brandguard::extract::doctor::FieldReport::new(&m.name);
    for o in store.observations(scan_id) {
        let o = o?;
        if o.listing.marketplace == m.name {
            report.add(&o.listing);
        }
    }
    println!("scan {scan_id} of {}", path.display());
    print!("{report}");
    Ok(exit::OK)
}

/// What `schedule` writes units for.
struct Schedule {
    exe: PathBuf,
    targets: PathBuf,
    store: PathBuf,
    hour: u8,
    minute: u8,
    /// Whether any marketplace's listing pages go through the browser.
    renders: bool,
    /// `--render`/`--browser-sandbox` as `schedule` was given them ([`pinned_render`]).
    pinned: Vec<String>,
}

/// One argument of a systemd `ExecStart=` line: double-quoted, with `\`, `"`
/// escaped and `%` (a specifier) and `$` (a variable) doubled (systemd.service(5),
/// "Command lines").
fn systemd_arg(p: &Path) -> String {
    let s = p.display().to_string();
    let s = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%")
        .replace('$', "$$");
    format!("\"{s}\"")
}

/// A path in a systemd setting that takes space-separated paths (`ReadWritePaths=`):
/// quoted, `%` doubled.
fn systemd_path(p: &Path) -> String {
    format!("\"{}\"", p.display().to_string().replace('%', "%%"))
}

/// One argument of a crontab command line: single-quoted for the shell, and `%`
/// escaped (cron turns a bare `%` into a newline).
fn cron_arg(p: &Path) -> String {
    shell_quoted(&p.display().to_string()).replace('%', "\\%")
}

/// One argument of a POSIX shell command line: single-quoted, a `'` inside closed,
/// escaped and reopened.
fn shell_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The folders the service's `PrivateTmp=yes` replaces with its own, empty ones.
const PRIVATE_TMP: &[&str] = &["/tmp", "/var/tmp"];

/// Where a path is not open to every user: the first folder on the way without
/// search permission for others, or the path itself without the `mode` bits
/// others need (read and search: `0o005`), as `(place, its mode)`. The service's
/// dynamic user is such an other user.
#[cfg(unix)]
fn closed_to_others(path: &Path, mode: Option<u32>) -> Option<(PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let bits = |p: &Path| {
        std::fs::metadata(p)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    };
    let mut on_the_way: Vec<&Path> = path.ancestors().skip(1).collect();
    on_the_way.reverse();
    if let Some(closed) = on_the_way.into_iter().find_map(|dir| {
        bits(dir)
            .filter(|b| b & 0o001 == 0)
            .map(|b| (dir.to_path_buf(), b))
    }) {
        return Some(closed);
    }
    let need = mode?;
    bits(path)
        .filter(|b| b & need != need)
        .map(|b| (path.to_path_buf(), b))
}

#[cfg(not(unix))]
fn closed_to_others(_: &Path, _: Option<u32>) -> Option<(PathBuf, u32)> {
    None
}

/// The first file or folder a scan reads inside the targets folder `dir` (its
/// `.toml` files, `marketplaces/` and `templates/`, two levels below them at most;
/// nothing hidden, nothing else an operator keeps there) that others cannot read,
/// as `(path, its mode)`: `brand.toml` at 0600 was a unit that could not load it.
#[cfg(unix)]
fn unreadable_inside(dir: &Path, depth: u8) -> Option<(PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let top = depth == 2;
    let read = |p: &Path| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        !name.starts_with('.')
            && (!top || name.ends_with(".toml") || name == "marketplaces" || name == "templates")
    };
    let mut entries: Vec<PathBuf> = (std::fs::read_dir(dir).ok()?)
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| read(p))
        .collect();
    entries.sort();
    entries.into_iter().find_map(|p| {
        let meta = std::fs::metadata(&p).ok()?;
        let bits = meta.permissions().mode() & 0o7777;
        let need = if meta.is_dir() { 0o005 } else { 0o004 };
        if bits & need != need {
            Some((p, bits))
        } else if meta.is_dir() && depth > 0 {
            unreadable_inside(&p, depth - 1)
        } else {
            None
        }
    })
}

#[cfg(not(unix))]
fn unreadable_inside(_: &Path, _: u8) -> Option<(PathBuf, u32)> {
    None
}

impl Schedule {
    /// What keeps the printed service from running as written: a path under
    /// `/tmp` or `/var/tmp` (`private`: the unit's `PrivateTmp=yes` gives the
    /// service empty ones of its own, where the path does not exist; both are also
    /// emptied at boot or by systemd-tmpfiles, evidence with them), or a path its
    /// dynamic user cannot reach (a folder on the way closed to other users, as
    /// `/root` is; the binary or the targets not readable by them). Printed as it
    /// was, such a unit failed on its first night. The crontab line runs as its
    /// user and is not concerned.
    fn unit_warnings(&self, private: &[&str]) -> Vec<String> {
        let paths = [
            ("the binary", &self.exe, Some(0o005), "/usr/local/bin"),
            (
                "the targets folder",
                &self.targets,
                Some(0o005),
                "/etc/brandguard",
            ),
            ("the store", &self.store, None, "/var/lib/brandguard"),
        ];
        let mut out = Vec::new();
        for (what, path, mode, home) in paths {
            let folder = path == &self.targets;
            if let Some(tmp) = private.iter().find(|t| path.starts_with(t)) {
                out.push(format!(
                    "{what} {} is under {tmp}: the service's PrivateTmp=yes gives it an empty \
                     {tmp} of its own, where it is not found, and {tmp} is emptied at boot or \
                     by systemd-tmpfiles; move it (e.g. under {home}) and run `schedule` again",
                    path.display()
                ));
            } else if let Some((place, bits)) = closed_to_others(path, mode)
                .or_else(|| folder.then(|| unreadable_inside(path, 2)).flatten())
            {
                out.push(format!(
                    "{what} {} cannot be reached by the service's dynamic user: {} is mode \
                     {bits:04o}, closed to other users; move it (e.g. under {home}) or open \
                     it, and run `schedule` again",
                    path.display(),
                    place.display()
                ));
            }
        }
        out
    }

    fn summary(&self) -> PathBuf {
        self.store
            .parent()
            .unwrap_or(Path::new("."))
            .join("last-scan.json")
    }

    /// The folder the scan writes: the store's parent (store, summary, findings.csv).
    fn state_dir(&self) -> PathBuf {
        self.store.parent().unwrap_or(Path::new("/")).to_path_buf()
    }

    /// The service and timer units (sandboxed for a crawler: network on, every other
    /// privilege off, the filesystem read-only except the store's folder), and the
    /// crontab alternative.
    fn text(&self) -> String {
        // The pinned words are clap's own values: nothing to quote.
        let pinned: String = self.pinned.iter().map(|a| format!(" {a}")).collect();
        let exec = format!(
            "{} scan --targets {} --store {} --summary {}{pinned}",
            systemd_arg(&self.exe),
            systemd_arg(&self.targets),
            systemd_arg(&self.store),
            systemd_arg(&self.summary())
        );
        let cron = format!(
            "{} scan --targets {} --store {} --summary {}{pinned}",
            cron_arg(&self.exe),
            cron_arg(&self.targets),
            cron_arg(&self.store),
            cron_arg(&self.summary())
        );
        let (hour, minute) = (self.hour, self.minute);
        let rw = systemd_path(&self.state_dir());
        let browser = if self.renders {
            SANDBOX_BROWSER
        } else {
            SANDBOX_NO_BROWSER
        };
        format!(
            "# /etc/systemd/system/brandguard-scan.service
[Unit]
Description=brandguard nightly marketplace scan
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={exec}
# Exit 3: the scan finished with some fetches failing (see the summary); exit 5 (a
# marketplace not looked at) stays a failure so it is seen.
SuccessExitStatus=3
# A polite scan of a large market runs for hours; beyond this it is stuck.
TimeoutStartSec=8h
Nice=10
# SMTP password and webhook URL (BRANDGUARD_SMTP_PASSWORD=…), kept out of the unit.
# A render mode belongs on the command line (`brandguard schedule --render MODE`
# writes it there and fits the sandbox to it), not in this file.
EnvironmentFile=-/etc/brandguard/env
Environment=BRANDGUARD_ACTOR=brandguard-scan.service

# Its own unprivileged user; the only writable place is the store's folder.
DynamicUser=yes
StateDirectory=brandguard
ReadWritePaths={rw}
{SANDBOX}{browser}
# /etc/systemd/system/brandguard-scan.timer
[Unit]
Description=Run brandguard every night

[Timer]
OnCalendar=*-*-* {hour:02}:{minute:02}:00
RandomizedDelaySec=10m
Persistent=true

[Install]
WantedBy=timers.target

# Enable with: systemctl daemon-reload && systemctl enable --now brandguard-scan.timer
# The binary and the targets folder must be readable by any user (e.g. the binary in
# /usr/local/bin, the targets in /etc/brandguard), not under /root. The store's folder must be writable by the service's dynamic user: keep it under
# /var/lib/brandguard (StateDirectory), or give it to the service once with
# `systemd-run -p DynamicUser=yes -p StateDirectory=brandguard true` and a chown.

# Or, with cron (crontab -e):
{minute} {hour} * * * BRANDGUARD_ACTOR=cron {cron} >> /var/log/brandguard.log 2>&1
"
        )
    }
}

#[derive(Args)]
pub struct CheckCommand {
    #[arg(long)]
    targets: PathBuf,
}

impl CheckCommand {
    /// Loads and validates the targets folder; prints what it holds.
    pub fn run(&self) -> u8 {
        let loaded = Config::load(&self.targets)
            .map_err(|e| e.to_string())
            .and_then(|c| {
                brandguard::verdict::Rules::load(&self.targets)
                    .map(|_| c)
                    .map_err(|e| e.to_string())
            })
            .and_then(|c| {
                brandguard::judge::dismissals::Dismissals::load(&self.targets)
                    .map(|d| (c, d.0.len()))
                    .map_err(|e| e.to_string())
            });
        match loaded {
            Ok((c, dismissed)) => {
                println!(
                    "{}: brand {}, {} SKUs, {} authorised sellers, {} marketplaces ({}), {dismissed} dismissed false positives: OK",
                    self.targets.display(),
                    c.brand.name,
                    c.brand.skus.len(),
                    c.brand.sellers.len(),
                    c.marketplaces.len(),
                    c.marketplaces
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                for w in c.identity_warnings().into_iter().chain(c.floor_warnings()) {
                    println!("warning: {w}");
                }
                exit::OK
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::BAD_CONFIG
            }
        }
    }
}

#[derive(Args)]
pub struct ExtractCommand {
    /// A saved page, or `-` for standard input; with `--report`, a folder of saved
    /// pages (`.html`, `.htm`, `.html.zst` files).
    page: PathBuf,
    /// Read every page in the folder and print, per field, how often it was found
    /// and from which source, and the ten most common reasons it was missing.
    #[arg(long)]
    report: bool,
    /// With `--report`: read the listings of the last finished scan in this store
    /// (that marketplace's observations) instead of a folder; PAGE is then ignored.
    #[arg(long, requires = "report")]
    store: Option<PathBuf>,
    #[arg(long)]
    targets: PathBuf,
    /// The adapter (marketplace name) to read the page with.
    #[arg(long)]
    marketplace: String,
    /// The URL the page was saved from (for relative links and the listing id).
    #[arg(long)]
    url: Option<String>,
    /// Read the page as the profile page of this seller id (`[seller_page]`): print
    /// the identity found and the values that would link it to other sellers.
    #[arg(long, conflicts_with = "report")]
    seller: Option<String>,
    /// When the page was captured (`2026-11-30`, or `2026-11-30T21:14:00Z`; default
    /// now): a saved page is read as of then, as the scan that saved it did. A
    /// structured price valid only until before it has ended, and the brand's
    /// promotions are those running at it.
    #[arg(long, value_parser = captured_at)]
    captured: Option<chrono::DateTime<chrono::Utc>>,
}

/// `--captured`: a date and time (RFC 3339), or a day (its start, UTC).
fn captured_at(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.to_utc())
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| {
            format!("`{s}` is neither a day (2026-11-30) nor a time (2026-11-30T21:14:00Z)")
        })
}

impl ExtractCommand {
    /// A saved page as a scan at `--captured` (default now) would have fetched it.
    fn saved(&self, url: url::Url, body: Vec<u8>) -> brandguard::crawl::Page {
        let mut page = brandguard::crawl::Page::saved(url, body);
        if let Some(at) = self.captured {
            page.sent_at = at;
            page.received_at = at;
        }
        page
    }

    /// Reads one saved page through the marketplace's adapter, exactly as a scan
    /// would, and prints what it found (listing, match, findings) as JSON.
    pub fn run(&self) -> Result<u8> {
        let config = match load_config(&self.targets, &[]) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        let Some(m) = config.marketplace(&self.marketplace) else {
            let known: Vec<&str> = config
                .marketplaces
                .iter()
                .map(|m| m.name.as_str())
                .collect();
            eprintln!(
                "error: no marketplace `{}` in {} (known: {})",
                self.marketplace,
                self.targets.display(),
                known.join(", ")
            );
            return Ok(exit::BAD_CONFIG);
        };
        if self.report {
            return self.report(&config, m);
        }
        let body = self.read_page()?;
        let url = match &self.url {
            Some(u) => url::Url::parse(u).with_context(|| format!("--url `{u}` is not a URL"))?,
            None => m.base_url.clone(),
        };
        let page = self.saved(url, body);
        if let Some(seller) = &self.seller {
            let identity = brandguard::sellers::identity::read(&page, m, seller);
            let identifiers = identity.identifiers();
            let out = serde_json::json!({"identity": identity, "identifiers": identifiers});
            println!("{}", serde_json::to_string_pretty(&out)?);
            return Ok(exit::OK);
        }
        let inspection = match brandguard::scan::inspect(&config, m, &page) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(exit::BAD_CONFIG);
            }
        };
        println!("{}", serde_json::to_string_pretty(&inspection)?);
        Ok(exit::OK)
    }

    /// `--report`: the adapter doctor over a folder of saved pages.
    fn report(
        &self,
        config: &brandguard::config::Config,
        m: &brandguard::config::Marketplace,
    ) -> Result<u8> {
        if let Some(store) = &self.store {
            return report_from_store(store, m);
        }
        let entries = std::fs::read_dir(&self.page).with_context(|| {
            format!(
                "--report needs a folder of saved pages; cannot read {}",
                self.page.display()
            )
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.to_string_lossy().to_lowercase();
                name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".html.zst")
            })
            .collect();
        files.sort();
        if files.is_empty() {
            eprintln!(
                "error: no .html, .htm or .html.zst files in {}",
                self.page.display()
            );
            return Ok(exit::BAD_CONFIG);
        }
        let mut report = brandguard::extract::doctor::FieldReport::new(&m.name);
        for file in &files {
            let raw =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let body = if file.to_string_lossy().ends_with(".zst") {
                zstd::decode_all(&raw[..])
                    .with_context(|| format!("{} is not zstd", file.display()))?
            } else {
                raw
            };
            let url = match &self.url {
                Some(u) => {
                    url::Url::parse(u).with_context(|| format!("--url `{u}` is not a URL"))?
                }
                None => m.base_url.clone(),
            };
            let page = self.saved(url, body);
            match brandguard::scan::inspect(config, m, &page) {
                Ok(i) => report.add(&i.listing),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(exit::BAD_CONFIG);
                }
            }
        }
        print!("{report}");
        Ok(exit::OK)
    }

    fn read_page(&self) -> Result<Vec<u8>> {
        if self.page.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                .context("cannot read standard input")?;
            Ok(buf)
        } else {
            std::fs::read(&self.page)
                .with_context(|| format!("cannot read {}", self.page.display()))
        }
    }
}

/// Whether `a` and `b` name the same file, which need not exist yet: their
/// folders compared once resolved (`./x.json` and `/abs/x.json` are one file).
fn same_file(a: &Path, b: &Path) -> bool {
    let resolved = |p: &Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        dir.canonicalize()
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    match (resolved(a), resolved(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A nightly 02:30 schedule of `exe` over `targets` and `store`, no renders.
    fn nightly(exe: &Path, targets: &Path, store: &Path) -> Schedule {
        Schedule {
            exe: exe.to_path_buf(),
            targets: targets.to_path_buf(),
            store: store.to_path_buf(),
            hour: 2,
            minute: 30,
            renders: false,
            pinned: Vec::new(),
        }
    }

    /// The targets or the store under `/tmp` or `/var/tmp` is named: the unit's
    /// `PrivateTmp=yes` gives the service empty ones of its own.
    #[test]
    fn schedule_names_paths_under_a_private_tmp() {
        let exe = PathBuf::from("/opt/brandguard/bin/brandguard");
        let plan = |targets: &Path, store: &Path| nightly(&exe, targets, store);
        let w =
            plan(Path::new("/tmp/acme"), Path::new("/var/tmp/ev/store")).unit_warnings(PRIVATE_TMP);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].starts_with(
                "the targets folder /tmp/acme is under /tmp: the service's PrivateTmp=yes"
            ),
            "{w:?}"
        );
        assert!(
            w[1].starts_with("the store /var/tmp/ev/store is under /var/tmp:")
                && w[1].contains("/var/lib/brandguard"),
            "{w:?}"
        );
        // `/tmpfiles` is no `/tmp`.
        assert!(
            plan(Path::new("/tmpfiles/acme"), Path::new("/srv/ev/store"))
                .unit_warnings(PRIVATE_TMP)
                .iter()
                .all(|w| !w.contains("PrivateTmp"))
        );
    }

    /// A binary, a targets folder or a store the service cannot reach is named,
    /// with what to do: under `/tmp` (the unit's private `/tmp`), behind a folder
    /// closed to other users. Printed without a word, such a unit failed on its
    /// first night.
    #[test]
    fn schedule_names_paths_its_service_cannot_reach() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let open = dir.path().join("open");
        let closed = dir.path().join("closed");
        for d in [&open, &closed] {
            std::fs::create_dir_all(d.join("t")).unwrap();
        }
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(open.join("t"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
        let exe = open.join("brandguard");
        std::fs::write(&exe, "").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let plan = |targets: &Path, store: &Path| nightly(&exe, targets, store);
        // Where the test's own folder is open all the way (not checked under /tmp).
        if closed_to_others(&open.join("t"), Some(0o005)).is_none() {
            let w = plan(&closed.join("t"), &open.join("store")).unit_warnings(&[]);
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(
                w[0].starts_with("the targets folder ")
                    && w[0].contains("closed/t cannot be reached by the service's dynamic user: ")
                    && w[0].contains("closed is mode 0700"),
                "{w:?}"
            );
            let w = plan(&open.join("t"), &closed.join("x/store")).unit_warnings(&[]);
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(w[0].starts_with("the store "), "{w:?}");
            // A file of the targets folder a scan reads that others cannot read; an
            // operator's own private file there (`notes.txt`, `.git/`) is no concern.
            let market = open.join("t/marketplaces/shop.toml");
            std::fs::create_dir_all(open.join("t/marketplaces")).unwrap();
            std::fs::set_permissions(
                open.join("t/marketplaces"),
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap();
            for private in [
                open.join("t/notes.txt"),
                open.join("t/.secret.toml"),
                market.clone(),
            ] {
                std::fs::write(&private, "").unwrap();
                std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            let w = plan(&open.join("t"), &open.join("store")).unit_warnings(&[]);
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(
                w[0].contains("marketplaces/shop.toml is mode 0600"),
                "{w:?}"
            );
            std::fs::set_permissions(&market, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(
                plan(&open.join("t"), &open.join("store")).unit_warnings(&[]),
                Vec::<String>::new()
            );
        }
    }

    #[test]
    fn checks_not_made_are_named_most_frequent_first_and_escaped() {
        let mut s = ScanSummary::default();
        assert_eq!(checks_not_made(&s), None);
        s.notes
            .insert("no price on the page: floor not checked".into(), 17);
        s.notes.insert("no floor for currency EUR".into(), 3);
        s.notes.insert(
            "seller id not found on the page: the name \"\u{1b}[31mX\" looks like distributor Y"
                .into(),
            1,
        );
        let line = checks_not_made(&s).unwrap();
        assert!(
            line.starts_with("checks not made on listings read: no price on the page: floor not checked (17); no floor for currency EUR (3); "),
            "{line}"
        );
        assert!(!line.contains('\u{1b}'), "{line}");
        for n in 0..6 {
            s.notes.insert(format!("note {n}"), 2);
        }
        assert!(
            checks_not_made(&s)
                .unwrap()
                .ends_with("; 4 more in the summary's notes")
        );
    }
}
