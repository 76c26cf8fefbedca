//! The `brandguard` command line: parses arguments, calls the library, prints.

/// mimalloc instead of the system allocator: malloc and free took about a tenth of
/// a fast scan's CPU in the profile (many small strings and JSON values per page).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use brandguard::config::Config;
use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::Store;
use brandguard::scan::{ScanOptions, ScanSummary};
use clap::{Args, Parser, Subcommand};

/// Exit codes a scheduler can act on.
mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// Something failed that is not one of the cases below (I/O, the store).
    pub const ERROR: u8 = 1;
    /// The targets folder is invalid: nothing was fetched.
    pub const BAD_CONFIG: u8 = 2;
    /// The scan finished, but some fetches failed (see the summary's `failures`).
    pub const PARTIAL: u8 = 3;
    /// The evidence store failed verification.
    pub const TAMPERED: u8 = 4;
    /// The scan finished, but failed a marketplace (unreachable, robots.txt
    /// unreachable, searches failed or refused, under 90% of its listing pages
    /// read): see the summary's `degraded`. Nothing absent from it was concluded.
    pub const NOT_LOOKED: u8 = 5;
}

#[derive(Parser)]
#[command(
    name = "brandguard",
    version,
    about = "Police how a brand's products are sold online"
)]
struct Cli {
    /// More log output (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Only errors, no progress bars.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the built-in demo marketplace, scan it, and write findings and a summary.
    Demo {
        /// Where the store, findings.csv and summary.json go.
        #[arg(long, default_value = "evidence/demo")]
        out: PathBuf,
        /// Targets to scan the demo with (default: the built-in demo targets, copied to OUT/targets).
        #[arg(long)]
        targets: Option<PathBuf>,
        /// Scan this many consecutive nights of a changing marketplace, each stamped
        /// with its date (1 to 30 November 2026).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=30))]
        nights: u32,
        #[command(flatten)]
        demo: DemoArgs,
    },
    /// Scan the marketplaces of a targets folder (the nightly job).
    Scan {
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
    },
    /// Print systemd service and timer units and a crontab line for a nightly scan.
    Schedule {
        #[arg(long)]
        targets: PathBuf,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// Time of day (local, HH:MM) the scan starts.
        #[arg(long, default_value = "02:30")]
        at: String,
    },
    /// Validate a targets folder without fetching anything.
    Check {
        #[arg(long)]
        targets: PathBuf,
    },
    /// Show what brandguard reads from one saved page, to write or tune an adapter.
    Extract {
        /// A saved page, or `-` for standard input.
        page: PathBuf,
        #[arg(long)]
        targets: PathBuf,
        /// The adapter (marketplace name) to read the page with.
        #[arg(long)]
        marketplace: String,
        /// The URL the page was saved from (for relative links and the listing id).
        #[arg(long)]
        url: Option<String>,
    },
    /// Run the demo marketplace alone until Ctrl-C.
    ServeDemo {
        #[command(flatten)]
        demo: DemoArgs,
        /// Also write a targets folder pointing at this server (every search category
        /// of a large catalog as a start URL): `scan --targets DIR` needs no --base-url.
        #[arg(long)]
        write_targets: Option<PathBuf>,
    },
    /// List the findings in a store, or write them as CSV.
    Findings {
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// Write findings.csv here instead of printing.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Evidence store integrity.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Reports for people: `report compliance --period 2026-11`.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Write the complaint packet (next revision) of a case: a folder and a .zip.
    #[command(args_conflicts_with_subcommands = true)]
    Packet {
        #[command(subcommand)]
        command: Option<PacketCommand>,
        /// The case (see `brandguard case list`).
        #[arg(long)]
        case: Option<String>,
        /// The form: amazon, ebay_vero, alibaba or generic (default: the marketplace's
        /// `complaint_format`). Letters (cease-and-desist, distributor notice) follow the case's path.
        #[arg(long)]
        format: Option<brandguard::config::ComplaintFormat>,
        #[arg(long, default_value = "evidence/packets")]
        out: PathBuf,
        /// The targets folder (brand, trademarks, templates).
        #[arg(long)]
        targets: Option<PathBuf>,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
    },
    /// Enforcement cases: list, show, and record each step (filed, rejected, …).
    Case {
        #[command(subcommand)]
        command: CaseCommand,
        /// The evidence store folder.
        #[arg(long, global = true, default_value = "evidence/store")]
        store: PathBuf,
        /// Who does this (default: the login name).
        #[arg(long, global = true)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Distributor scorecards, violations and price charts for a month.
    Compliance {
        /// The month, e.g. 2026-11.
        #[arg(long)]
        period: brandguard::report::compliance::Period,
        /// Only this distributor (its id in brand.toml).
        #[arg(long)]
        distributor: Option<String>,
        #[arg(long, default_value = "evidence/report")]
        out: PathBuf,
        #[arg(long)]
        targets: PathBuf,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
    },
}

#[derive(Subcommand)]
enum PacketCommand {
    /// Check a packet (folder or .zip) against its manifest and the evidence store.
    Verify {
        path: PathBuf,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// Check the files against the manifest only (no store at hand).
        #[arg(long)]
        no_store: bool,
    },
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Every case, one line each.
    List {
        /// Only cases in this state (open, packet_ready, filed, rejected, refiled, resolved, closed).
        #[arg(long)]
        state: Option<brandguard::case::CaseState>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A case with its path, findings, filings and history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// The complaint or notice was filed: the marketplace's reference and the date.
    File {
        id: String,
        #[arg(long)]
        reference: String,
        /// Date filed (YYYY-MM-DD, default today).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// The marketplace rejected the filing: its reason, in its words.
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Filed again after a rejection (build a new packet revision first).
    Refile {
        id: String,
        #[arg(long)]
        reference: String,
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// The listings are gone or in line.
    Resolve {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// No further action, with a reason (e.g. "authorised after review").
    Close {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Choose another enforcement path than the rules did, with a reason.
    Path {
        id: String,
        /// distributor_notice, cease_and_desist or marketplace_complaint.
        #[arg(long)]
        to: brandguard::case::EnforcementPath,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// Recompute every snapshot hash and the whole log chain.
    Verify {
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
    },
    /// A listing's history (by URL, `marketplace/id` or id), or a snapshot's bytes (by SHA-256).
    Show {
        what: String,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// Write the snapshot's exact bytes to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Merge shard stores (`scan --shard I/N`) into one store: every snapshot,
    /// capture and observation copied once, each night's shard scans as one scan,
    /// findings and cases moved as after a scan. Shard stores are not changed; a scan
    /// already merged is skipped, so running it again is safe.
    Merge {
        /// The store to merge into (created if missing).
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// The targets folder the shards scanned (its brand rules move the cases).
        #[arg(long)]
        targets: PathBuf,
        /// Shard stores.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
    },
    /// Export every capture as WARC/1.1.
    Export {
        #[arg(long)]
        warc: PathBuf,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
    },
}

#[derive(Args)]
struct DemoArgs {
    /// Seed of the generated marketplace.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Listings per demo site.
    #[arg(long, default_value_t = 24)]
    listings: usize,
    /// Port of the first site (the others take the next two); 0 picks free ports.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Make a site misbehave: SITE=FAULT, e.g. tmart=flaky-503:4, shopusa=rate-limit:5,
    /// bidbay=redirect-loop (also slow:MS, reset:N, endless-pagination, robots-500,
    /// forbidden, huge:BYTES, hostile:N). Repeatable.
    #[arg(long = "fault", value_parser = parse_fault)]
    faults: Vec<(brandguard::demo::Site, brandguard::demo::Fault)>,
}

fn parse_fault(s: &str) -> Result<(brandguard::demo::Site, brandguard::demo::Fault), String> {
    let (site, fault) = s
        .split_once('=')
        .ok_or("use SITE=FAULT, e.g. tmart=flaky-503:4")?;
    let site = brandguard::demo::Site::ALL
        .into_iter()
        .find(|x| x.name() == site.trim())
        .ok_or_else(|| format!("unknown demo site `{site}` (shopusa, tmart, bidbay)"))?;
    Ok((site, fault.trim().parse()?))
}

impl DemoArgs {
    fn options(&self) -> DemoOptions {
        DemoOptions {
            seed: self.seed,
            listings_per_site: self.listings,
            port: self.port,
            faults: self.faults.clone(),
        }
    }
}

#[derive(Args)]
struct BaseUrls {
    /// Point a marketplace at another base URL: NAME=URL (repeatable, or comma-separated in BRANDGUARD_BASE_URL).
    #[arg(long = "base-url", env = "BRANDGUARD_BASE_URL", value_delimiter = ',')]
    base_url: Vec<String>,
}

fn init_logs(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("BRANDGUARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("brandguard={level}")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::io::stderr().is_terminal() {
        builder.init();
    } else {
        // Not a terminal (cron, systemd): one JSON object per line.
        builder.json().init();
    }
}

fn progress(cli: &Cli) -> Option<indicatif::MultiProgress> {
    (!cli.quiet && std::io::stderr().is_terminal()).then(indicatif::MultiProgress::new)
}

fn load_config(targets: &Path, base: &[String]) -> Result<Config, u8> {
    let mut config = match Config::load(targets) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(exit::BAD_CONFIG);
        }
    };
    for pair in base.iter().filter(|p| !p.trim().is_empty()) {
        let Some((name, url)) = pair.split_once('=') else {
            eprintln!("error: --base-url wants NAME=URL, got `{pair}`");
            return Err(exit::BAD_CONFIG);
        };
        if let Err(e) = config.override_base_url(name.trim(), url.trim()) {
            eprintln!("error: {e}");
            return Err(exit::BAD_CONFIG);
        }
    }
    Ok(config)
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

/// Moves `out/name` (if there) to `out/previous/name-TIME`; returns where.
fn move_aside(out: &Path, name: &str) -> Result<Option<PathBuf>> {
    let from = out.join(name);
    if !from.exists() {
        return Ok(None);
    }
    let previous = out.join("previous");
    std::fs::create_dir_all(&previous)
        .with_context(|| format!("cannot create {}", previous.display()))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
    let to = previous.join(format!("{name}-{stamp}"));
    std::fs::rename(&from, &to)
        .with_context(|| format!("cannot move {} aside to {}", from.display(), to.display()))?;
    Ok(Some(to))
}

fn print_summary(s: &ScanSummary) {
    println!(
        "scan {} finished in {:.1}s: {} pages fetched, {} listings ({} of the brand), {} links skipped by robots.txt",
        s.scan_id,
        s.duration_secs,
        s.pages_fetched,
        s.listings_seen,
        s.listings_matched,
        s.robots_blocked
    );
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
    if !s.degraded.is_empty() {
        println!(
            "NOT LOOKED AT: {} (unreachable, searches failed or refused, or under 90% of listing pages read)",
            s.degraded.join(", ")
        );
    }
    if !s.not_looked.is_empty() {
        println!(
            "not wholly looked at: {}: nothing absent from them was concluded",
            s.not_looked.join(", ")
        );
    }
    let c = &s.cases;
    println!(
        "cases: {} opened, {} reopened (seller back), {} resolved, {} open; {} findings resolved, {} listings rechecked at their address ({} gone)",
        c.opened, c.reopened, c.resolved, c.open, s.findings_resolved, s.rechecked, s.listings_gone
    );
    println!(
        "cost: {:.1} CPU seconds, peak memory {:.0} MiB, {} snapshot bytes stored ({} new pages, {} already stored)",
        s.usage.cpu_secs,
        s.usage.peak_rss_mib,
        s.snapshot_bytes_stored,
        s.snapshots_new,
        s.snapshots_deduplicated
    );
    if !s.failures.is_empty() {
        let f: Vec<String> = s.failures.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!("failures: {}", f.join(", "));
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
    if !s.budget_exhausted.is_empty() {
        println!(
            "page budget exhausted on: {}",
            s.budget_exhausted.join(", ")
        );
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn demo(cli: &Cli, out: &Path, targets: Option<&Path>, nights: u32, args: &DemoArgs) -> Result<u8> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let targets_dir = match targets {
        Some(t) => t.to_path_buf(),
        None => {
            let dir = out.join("targets");
            brandguard::demo::write_targets(&dir, None)?;
            dir
        }
    };
    let rt = runtime()?;
    rt.block_on(async {
        let server = DemoServer::start(&args.options()).await?;
        let base: Vec<String> = server.base_urls().iter().map(|(n, u)| format!("{n}={u}")).collect();
        let config = match load_config(&targets_dir, &base) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        // Each demo run is a new history: what an earlier run wrote is kept aside,
        // never overwritten or mixed in.
        for name in ["store", "packets", "report"] {
            if let Some(aside) = move_aside(out, name)? {
                println!("the earlier demo's {name} was moved to {}", aside.display());
            }
        }
        let store_dir = out.join("store");
        let store = Store::open(&store_dir)?;
        let mut reports = Vec::new();
        let (mut partial, mut not_looked) = (false, false);
        for night in 0..nights {
            server.set_night(night);
            let opts = ScanOptions {
                progress: progress(cli),
                fresh: true,
                as_of: Some(brandguard::demo::night_date(night)),
                ..ScanOptions::default()
            };
            let summary = brandguard::scan::run(&config, &store, opts).await?;
            partial |= !summary.failures.is_empty();
            not_looked |= !summary.degraded.is_empty();
            let report = brandguard::scan::demo_report(&store, &summary, &server.ground_truth())?;
            if nights > 1 {
                let d = &report.detection;
                let c = &summary.cases;
                println!(
                    "night {} ({}): {} listings, {} findings new, {} resolved; cases {} opened, {} reopened, {} resolved, {} open; precision {:.3}, recall {:.3}",
                    night + 1,
                    brandguard::demo::night_date(night).format("%Y-%m-%d"),
                    summary.listings_seen,
                    summary.findings_new,
                    summary.findings_resolved,
                    c.opened,
                    c.reopened,
                    c.resolved,
                    c.open,
                    d.precision,
                    d.recall
                );
            }
            reports.push(report);
        }
        let Some(last) = reports.last() else {
            return Ok(exit::ERROR);
        };
        let csv = out.join("findings.csv");
        brandguard::report::write_findings_csv(&store, &csv)?;
        // A packet for every case still open: what legal would file tomorrow.
        let packets_dir = out.join("packets");
        std::fs::create_dir_all(&packets_dir)?;
        let mut packets = 0;
        for c in brandguard::case::all(&store)? {
            if !c.state.is_done() {
                brandguard::report::packet::build(&config, &store, &c.id, None, &packets_dir)?;
                packets += 1;
            }
        }
        println!("{packets} case packets in {}", packets_dir.display());
        let period: brandguard::report::compliance::Period = "2026-11".parse().map_err(anyhow::Error::msg)?;
        let report = brandguard::report::compliance::build(&config, &store, period, None)?;
        let written = brandguard::report::compliance::write(&config, &report, period, &out.join("report"))?;
        print_compliance(&report, &written);
        let summary_path = out.join("summary.json");
        // The last night's summary, with each night's detection and case moves.
        let mut doc = serde_json::to_value(last)?;
        doc["nights"] = reports
            .iter()
            .map(|r| {
                serde_json::json!({
                    "scan_id": r.summary.scan_id,
                    "as_of": r.summary.as_of,
                    "listings_seen": r.summary.listings_seen,
                    "findings_new": r.summary.findings_new,
                    "findings_resolved": r.summary.findings_resolved,
                    "cases": r.summary.cases,
                    "detection": r.detection,
                })
            })
            .collect();
        write_json(&summary_path, &doc)?;
        print_summary(&last.summary);
        let d = &last.detection;
        println!(
            "detection against the demo's ground truth: precision {:.3}, recall {:.3} ({} of {} expected findings)",
            d.precision, d.recall, d.true_positives, d.expected
        );
        println!("wrote {}, {} and the store {}", summary_path.display(), csv.display(), store.path().display());
        Ok(if not_looked {
            exit::NOT_LOOKED
        } else if partial {
            exit::PARTIAL
        } else {
            exit::OK
        })
    })
}

fn run(cli: &Cli) -> Result<u8> {
    match &cli.command {
        Command::Demo {
            out,
            targets,
            nights,
            demo: args,
        } => demo(cli, out, targets.as_deref(), *nights, args),
        Command::Case { command, store, by } => case_command(command, store, by.as_deref()),
        Command::Report {
            command:
                ReportCommand::Compliance {
                    period,
                    distributor,
                    out,
                    targets,
                    store,
                },
        } => {
            let config = match load_config(targets, &[]) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            if let Some(d) = distributor
                && !config.brand.sellers.iter().any(|s| &s.id == d)
            {
                eprintln!(
                    "error: no distributor `{d}` in {}/brand.toml",
                    targets.display()
                );
                return Ok(exit::BAD_CONFIG);
            }
            let store = Store::open(store)?;
            let r = brandguard::report::compliance::build(
                &config,
                &store,
                *period,
                distributor.as_deref(),
            )?;
            let w = brandguard::report::compliance::write(&config, &r, *period, out)?;
            print_compliance(&r, &w);
            Ok(exit::OK)
        }
        Command::Packet {
            command:
                Some(PacketCommand::Verify {
                    path,
                    store,
                    no_store,
                }),
            ..
        } => {
            let store = if *no_store {
                None
            } else {
                Some(Store::open(store)?)
            };
            match brandguard::report::packet::verify(path, store.as_ref()) {
                Ok(c) => {
                    println!(
                        "OK: {} revision {}: {} files match the manifest ({}); {} captures match the evidence log{}",
                        c.case_id,
                        c.revision,
                        c.files,
                        c.manifest_sha256,
                        c.captures_checked_against_store,
                        if store.is_none() {
                            " (not checked: --no-store)"
                        } else {
                            ""
                        }
                    );
                    Ok(exit::OK)
                }
                Err(e) => {
                    eprintln!("FAILED: {e}");
                    Ok(exit::TAMPERED)
                }
            }
        }
        Command::Packet {
            command: None,
            case,
            format,
            out,
            targets,
            store,
        } => {
            let (Some(case), Some(targets)) = (case, targets) else {
                eprintln!("error: give --case ID and --targets DIR (or `packet verify PATH`)");
                return Ok(exit::BAD_CONFIG);
            };
            let config = match load_config(targets, &[]) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let store = Store::open(store)?;
            std::fs::create_dir_all(out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            let p = brandguard::report::packet::build(&config, &store, case, *format, out)?;
            print_packet(&p);
            Ok(exit::OK)
        }
        Command::Scan {
            targets,
            store,
            base,
            summary,
            fresh,
            concurrency,
            benchmark_unthrottled,
            shard,
        } => {
            let mut config = match load_config(targets, &base.base_url) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            if let Some(n) = concurrency {
                config.brand.crawl.concurrency = (*n).max(1);
            }
            let shard = shard.map(|s| brandguard::scan::shard::apply(&mut config, s));
            if let Some(plan) = &shard {
                let units: usize = plan.start_urls.values().map(Vec::len).sum();
                println!(
                    "shard {}: {} start URLs on {} marketplaces",
                    plan.shard,
                    units,
                    plan.start_urls.len()
                );
            }
            let rt = runtime()?;
            let store = Store::open(store)?;
            let mut s = rt.block_on(brandguard::scan::run(
                &config,
                &store,
                ScanOptions {
                    progress: progress(cli),
                    fresh: *fresh,
                    as_of: None,
                    benchmark_unthrottled: *benchmark_unthrottled,
                    shard,
                },
            ))?;
            // Announce what is new; a failed notification never fails the scan.
            match brandguard::notify::Announcement::of(&config.brand.name, &store, &s) {
                Ok(a) => {
                    s.notifications =
                        rt.block_on(brandguard::notify::announce(&config.brand.notify, &a))
                }
                Err(e) => tracing::error!(error = %e, "cannot build the announcement"),
            }
            let path = summary.clone().unwrap_or_else(|| {
                store
                    .path()
                    .parent()
                    .unwrap_or_else(|| Path::new("."))
                    .join("last-scan.json")
            });
            write_json(&path, &s)?;
            print_summary(&s);
            println!("summary written to {}", path.display());
            Ok(if !s.degraded.is_empty() {
                exit::NOT_LOOKED
            } else if s.failures.is_empty() {
                exit::OK
            } else {
                exit::PARTIAL
            })
        }
        Command::Schedule { targets, store, at } => {
            let Some((hour, minute)) = at
                .split_once(':')
                .and_then(|(h, m)| Some((h.parse::<u8>().ok()?, m.parse::<u8>().ok()?)))
                .filter(|(h, m)| *h < 24 && *m < 60)
            else {
                eprintln!("error: --at wants HH:MM (24-hour), got `{at}`");
                return Ok(exit::BAD_CONFIG);
            };
            let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("brandguard"));
            let (exe, targets, store) = (abs(&exe), abs(targets), abs(store));
            let summary = store
                .parent()
                .unwrap_or(Path::new("."))
                .join("last-scan.json");
            let cmd = format!(
                "{} scan --targets {} --store {} --summary {}",
                exe.display(),
                targets.display(),
                store.display(),
                summary.display()
            );
            print!("{}", schedule_text(&cmd, hour, minute));
            Ok(exit::OK)
        }
        Command::Check { targets } => match Config::load(targets) {
            Ok(c) => {
                println!(
                    "{}: brand {}, {} SKUs, {} authorised sellers, {} marketplaces ({}): OK",
                    targets.display(),
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
                Ok(exit::OK)
            }
            Err(e) => {
                eprintln!("error: {e}");
                Ok(exit::BAD_CONFIG)
            }
        },
        Command::Extract {
            page,
            targets,
            marketplace,
            url,
        } => {
            let config = match load_config(targets, &[]) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let Some(m) = config.marketplace(marketplace) else {
                let known: Vec<&str> = config
                    .marketplaces
                    .iter()
                    .map(|m| m.name.as_str())
                    .collect();
                eprintln!(
                    "error: no marketplace `{marketplace}` in {} (known: {})",
                    targets.display(),
                    known.join(", ")
                );
                return Ok(exit::BAD_CONFIG);
            };
            let body = if page.as_os_str() == "-" {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                    .context("cannot read standard input")?;
                buf
            } else {
                std::fs::read(page).with_context(|| format!("cannot read {}", page.display()))?
            };
            let url = match url {
                Some(u) => {
                    url::Url::parse(u).with_context(|| format!("--url `{u}` is not a URL"))?
                }
                None => m.base_url.clone(),
            };
            let inspection =
                brandguard::scan::inspect(&config, m, &brandguard::crawl::Page::saved(url, body));
            println!("{}", serde_json::to_string_pretty(&inspection)?);
            Ok(exit::OK)
        }
        Command::ServeDemo {
            demo: args,
            write_targets,
        } => {
            let rt = runtime()?;
            rt.block_on(async {
                let server = DemoServer::start(&args.options()).await?;
                for (name, url) in server.base_urls() {
                    println!("{name:>8}  {url}");
                }
                if let Some(dir) = write_targets {
                    brandguard::demo::write_targets(dir, Some(&server))?;
                    println!("targets: {}", dir.display());
                }
                let base: Vec<String> = server.base_urls().iter().map(|(n, u)| format!("{n}={u}")).collect();
                println!("ground truth: {}/_demo/ground-truth", server.base_urls()[0].1);
                println!("scan it with:\n  brandguard scan --targets targets/demo --store evidence/store --base-url {}", base.join(","));
                tokio::signal::ctrl_c().await?;
                Ok(exit::OK)
            })
        }
        Command::Findings { store, csv } => {
            let store = Store::open(store)?;
            match csv {
                Some(path) => {
                    let n = brandguard::report::write_findings_csv(&store, path)?;
                    println!("wrote {n} findings to {}", path.display());
                }
                None => {
                    for rec in store.findings() {
                        let r = rec?;
                        let f = &r.finding;
                        println!(
                            "{:<22} {:<8} {:<8} {:<12} {:<30} {:<9} {}",
                            f.kind.as_str(),
                            if r.resolved.is_some() {
                                "resolved"
                            } else {
                                "open"
                            },
                            f.marketplace,
                            f.listing_id,
                            brandguard::sanitize::terminal(
                                f.seller_name.as_deref().unwrap_or("?"),
                                30
                            ),
                            f.sku,
                            brandguard::sanitize::terminal(&f.detail, 200)
                        );
                    }
                }
            }
            Ok(exit::OK)
        }
        Command::Evidence {
            command: EvidenceCommand::Show { what, store, out },
        } => evidence_show(store, what, out.as_deref()),
        Command::Evidence {
            command: EvidenceCommand::Export { warc, store },
        } => {
            let store = Store::open(store)?;
            let file = std::fs::File::create(warc)
                .with_context(|| format!("cannot create {}", warc.display()))?;
            let mut w = std::io::BufWriter::new(file);
            let stats = brandguard::evidence::warc::export(&store, &mut w)?;
            std::io::Write::flush(&mut w)?;
            println!(
                "wrote {} ({} responses, {} requests, {} bytes)",
                warc.display(),
                stats.responses,
                stats.requests,
                stats.bytes
            );
            Ok(exit::OK)
        }
        Command::Evidence {
            command:
                EvidenceCommand::Merge {
                    store,
                    targets,
                    shards,
                },
        } => {
            let config = match load_config(targets, &[]) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            let mut opened = Vec::new();
            for s in shards {
                if !s.exists() {
                    eprintln!("error: shard store {} does not exist", s.display());
                    return Ok(exit::BAD_CONFIG);
                }
                if std::path::absolute(s).ok() == std::path::absolute(store).ok() {
                    eprintln!(
                        "error: {} is both a shard and the store to merge into",
                        s.display()
                    );
                    return Ok(exit::BAD_CONFIG);
                }
                opened.push((s.clone(), Store::open(s)?));
            }
            let target = Store::open(store)?;
            let m = brandguard::scan::merge::merge(&config, &target, &opened)?;
            for s in &m.scans {
                print_summary(s);
            }
            println!(
                "merged {} shard scans ({} captures, {} observations, {} new snapshots); {} already merged, {} unfinished",
                m.merged.len(),
                m.captures,
                m.observations,
                m.snapshots_copied,
                m.already_merged.len(),
                m.unfinished.len()
            );
            for u in &m.unfinished {
                eprintln!(
                    "warning: not merged, never finished: {u} (resume it with the same scan --shard command)"
                );
            }
            let path = target
                .path()
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join("last-merge.json");
            write_json(&path, &m)?;
            println!("merge summary written to {}", path.display());
            Ok(if m.unfinished.is_empty() {
                exit::OK
            } else {
                exit::PARTIAL
            })
        }
        Command::Evidence {
            command: EvidenceCommand::Verify { store },
        } => {
            let store = Store::open(store)?;
            match store.verify() {
                Ok(v) => {
                    println!(
                        "OK: {} snapshots, {} log records ({} captures, {} observations), {} cases, {} report rows verified; head {}",
                        v.snapshots,
                        v.log_records,
                        v.captures,
                        v.observations,
                        v.cases,
                        v.report_rows,
                        v.head
                    );
                    Ok(exit::OK)
                }
                Err(e) => {
                    eprintln!("FAILED: {e}");
                    Ok(exit::TAMPERED)
                }
            }
        }
    }
}

fn print_compliance(
    r: &brandguard::report::compliance::Compliance,
    w: &brandguard::report::compliance::Written,
) {
    println!("compliance {} over {} scans:", r.period, r.scans);
    for s in &r.scorecards {
        println!(
            "  {:<10} {:>3} violations, {:>2} days below floor, {:>2} territory breaches, {:>2} repeats -> {}",
            s.distributor,
            s.violations_total,
            s.days_below_floor,
            s.territory_breaches,
            s.repeat_offences,
            s.escalation_step
        );
    }
    println!(
        "wrote {}, {} and {}",
        w.scorecards.display(),
        w.violations.display(),
        w.html.display()
    );
    let u = brandguard::usage::Usage::now();
    println!(
        "cost: {:.1} CPU seconds, peak memory {:.0} MiB",
        u.cpu_secs, u.peak_rss_mib
    );
}

fn print_packet(p: &brandguard::report::packet::Packet) {
    println!(
        "{} revision {} ({}): {} files in {} and {}",
        p.case_id,
        p.revision,
        p.format,
        p.files,
        p.dir.display(),
        p.zip.display()
    );
    for m in &p.missing {
        println!("  missing: {m}");
    }
}

fn case_command(command: &CaseCommand, store: &Path, by: Option<&str>) -> Result<u8> {
    use brandguard::case;
    let today = || chrono::Local::now().date_naive();
    let store = Store::open(store)?;
    let by = case::actor(by);
    let changed = match command {
        CaseCommand::List { state, json } => {
            let cases: Vec<_> = case::all(&store)?
                .into_iter()
                .filter(|c| state.is_none_or(|s| c.state == s))
                .collect();
            if *json {
                println!("{}", serde_json::to_string_pretty(&cases)?);
            } else {
                println!(
                    "{:<6} {:<9} {:<13} {:<22} {:<8} {:>5}  seller",
                    "case", "market", "state", "path", "priority", "open"
                );
                for c in &cases {
                    println!(
                        "{:<6} {:<9} {:<13} {:<22} {:<8} {:>5}  {}",
                        c.id,
                        c.marketplace,
                        c.state.as_str(),
                        c.path.path.as_str(),
                        format!("{:?}", c.path.priority).to_lowercase(),
                        c.open_findings.len(),
                        brandguard::sanitize::terminal(
                            c.seller_name
                                .as_deref()
                                .or(c.seller_id.as_deref())
                                .unwrap_or("?"),
                            40
                        )
                    );
                }
                println!("{} cases", cases.len());
            }
            return Ok(exit::OK);
        }
        CaseCommand::Show { id, json } => {
            let c = case::get(&store, id)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&c)?);
                return Ok(exit::OK);
            }
            let show = |s: &str| brandguard::sanitize::terminal(s, 200);
            println!("case {} on {}: {}", c.id, c.marketplace, c.state);
            println!(
                "seller: {} (id {})",
                show(c.seller_name.as_deref().unwrap_or("?")),
                show(c.seller_id.as_deref().unwrap_or("?"))
            );
            if let Some(d) = &c.authorized_seller {
                println!("authorised distributor: {d}");
            }
            println!(
                "path: {} ({:?} priority): {}",
                c.path.path.as_str(),
                c.path.priority,
                c.path.reason
            );
            if let Some(o) = &c.path.overridden {
                println!(
                    "  overridden by {} on {} (rules chose {}): {}",
                    o.by,
                    o.at.format("%Y-%m-%d"),
                    o.rule_path.as_str(),
                    o.reason
                );
            }
            println!(
                "findings ({} open of {}):",
                c.open_findings.len(),
                c.findings.len()
            );
            for k in &c.findings {
                let open = if c.open_findings.contains(k) {
                    "open"
                } else {
                    "resolved"
                };
                println!("  {:<9} {}", open, show(k));
            }
            for f in &c.filings {
                println!(
                    "filed {} ref {} (packet r{}) by {}",
                    f.filed_on, f.reference, f.revision, f.by
                );
            }
            println!("history:");
            for e in &c.events {
                println!(
                    "  {}  {:<17} {:<12} {}{}",
                    e.at.format("%Y-%m-%d %H:%M"),
                    e.action,
                    show(&e.by),
                    e.reference
                        .as_deref()
                        .map(|r| format!("[{}] ", show(r)))
                        .unwrap_or_default(),
                    e.reason.as_deref().map(show).unwrap_or_default()
                );
            }
            return Ok(exit::OK);
        }
        CaseCommand::File {
            id,
            reference,
            date,
        } => case::file(&store, id, reference, date.unwrap_or_else(today), &by)?,
        CaseCommand::Reject { id, reason } => case::reject(&store, id, reason, &by)?,
        CaseCommand::Refile {
            id,
            reference,
            date,
        } => case::refile(&store, id, reference, date.unwrap_or_else(today), &by)?,
        CaseCommand::Resolve { id, reason } => case::resolve(&store, id, reason, &by)?,
        CaseCommand::Close { id, reason } => case::close(&store, id, reason, &by)?,
        CaseCommand::Path { id, to, reason } => case::override_path(&store, id, *to, reason, &by)?,
    };
    println!(
        "case {}: {} (path {})",
        changed.id,
        changed.state,
        changed.path.path.as_str()
    );
    Ok(exit::OK)
}

/// systemd units and a crontab line running `cmd` every night at `hour:minute`.
fn schedule_text(cmd: &str, hour: u8, minute: u8) -> String {
    format!(
        "# /etc/systemd/system/brandguard-scan.service
[Unit]
Description=brandguard nightly marketplace scan
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={cmd}
# Exit 3 means the scan finished with some hosts failing: see the summary.
SuccessExitStatus=3
Nice=10

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

# Or, with cron (crontab -e):
{minute} {hour} * * * {cmd} >> /var/log/brandguard.log 2>&1
"
    )
}

fn evidence_show(store: &Path, what: &str, out: Option<&Path>) -> Result<u8> {
    let store = Store::open(store)?;
    let is_sha = what.len() == 64 && what.bytes().all(|b| b.is_ascii_hexdigit());
    if is_sha {
        let Some(bytes) = store.snapshot(&what.to_ascii_lowercase())? else {
            eprintln!("error: no snapshot {what} in {}", store.path().display());
            return Ok(exit::ERROR);
        };
        match out {
            Some(path) => {
                std::fs::write(path, &bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!(
                    "wrote {} bytes of snapshot {what} to {}",
                    bytes.len(),
                    path.display()
                );
            }
            None => println!(
                "snapshot {what}: {} bytes (use --out FILE to write them)",
                bytes.len()
            ),
        }
        return Ok(exit::OK);
    }
    let listings = store.find_listing(what)?;
    if listings.is_empty() {
        eprintln!(
            "error: no listing or snapshot matches `{what}` (give a URL, marketplace/id, an id or a SHA-256)"
        );
        return Ok(exit::ERROR);
    }
    for (marketplace, id) in listings {
        println!("{marketplace}/{id}");
        for o in store.history(&marketplace, &id)? {
            let kinds: Vec<&str> = o.findings.iter().map(|k| k.as_str()).collect();
            println!(
                "  {}  scan {:<3} log {:<6} {:<14} {:<28} {}  {}",
                o.page.received_at.format("%Y-%m-%d %H:%M:%S"),
                o.scan_id,
                o.log_seq,
                o.listing
                    .price
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "-".into()),
                brandguard::sanitize::terminal(o.listing.seller.name.as_deref().unwrap_or("?"), 28),
                o.snapshot.sha256,
                if kinds.is_empty() {
                    "ok".to_string()
                } else {
                    kinds.join(",")
                }
            );
        }
    }
    Ok(exit::OK)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `brandguard findings | head` should end quietly when head closes the pipe, as
    // Unix tools do, not panic on the failed write. Not for commands that talk over
    // sockets: there SIGPIPE would kill the process whenever a peer hangs up (the
    // demo server died when the crawler closed a connection at the body cap), and a
    // closed socket must be an error the code handles.
    let on_sockets = matches!(
        cli.command,
        Command::Scan { .. } | Command::Demo { .. } | Command::ServeDemo { .. }
    );
    #[cfg(unix)]
    if !on_sockets {
        // SAFETY: restoring the default SIGPIPE action before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    init_logs(&cli);
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}
