//! The built-in demo: `demo` (start the demo marketplace, scan it night by night,
//! write findings, packets, a report and a summary) and `serve-demo`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use brandguard::config::Config;
use brandguard::demo::{DemoOptions, DemoServer, Fault, PageWeight, Site};
use brandguard::evidence::Store;
use brandguard::scan::{DemoReport, ScanOptions};
use clap::Args;

use super::scan::{exit_code, print_summary};
use super::{Cli, exit, load_config, runtime, write_json};

#[derive(Args)]
pub struct DemoCommand {
    /// Where the store, findings.csv and summary.json go.
    #[arg(long, default_value = "evidence/demo")]
    out: PathBuf,
    /// Targets to scan the demo with (default: the built-in demo targets, copied to OUT/targets).
    #[arg(long)]
    targets: Option<PathBuf>,
    /// Scan this many consecutive nights of a changing marketplace, each stamped
    /// with its date (1 to 30 November 2026). Two by default: a finding is only
    /// confirmed (and packets built) once seen on two nights (`[confirm]`).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=30))]
    nights: u32,
    #[command(flatten)]
    demo: DemoArgs,
}

#[derive(Args)]
pub struct ServeDemoCommand {
    #[command(flatten)]
    demo: DemoArgs,
    /// Also write a targets folder pointing at this server (every search category
    /// of a large catalog as a start URL): `scan --targets DIR` needs no --base-url.
    #[arg(long)]
    write_targets: Option<PathBuf>,
    /// Serve the market as it is on this night (0 is the first; each night some
    /// listings change price or seller, some go, some come): to scan a next night
    /// with a server started again, e.g. for benchmarks.
    #[arg(long, default_value_t = 0)]
    night: u32,
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
    /// bidbay=redirect-loop, shopusa=moved (also slow:MS, reset:N, endless-pagination, robots-500,
    /// forbidden, not-found, removed-soft-404, removed-redirect, removed-moved (removed listings
    /// redirect to another listing), removed-no-offer (removed listings' pages show Amazon's
    /// "Currently unavailable" and no offer), down, redesign (item pages' price markup renamed),
    /// redesign-search (search results' link markup renamed), unshown-gone-words (live item
    /// pages carry "no longer available" in a script and a hidden span), script-price (item pages'
    /// scripts show a buyer doubled prices), pay-later (tmart's price box also shows four
    /// instalments and a saving), member-price (tmart's price box also shows a members' price a
    /// tenth lower), tier-price (tmart's price box also shows the price for ten or more, a
    /// tenth lower), percent-off (tmart's price box also shows the former price and "-20%"),
    /// bought-together (shopusa's pages describe another product in JSON-LD before their own),
    /// links-elsewhere (search results also link to ads on another site, in the results' markup),
    /// moved-elsewhere (item pages redirect to another host selling at three tenths of the price),
    /// removed-elsewhere (removed listings redirect to another host, which answers 410),
    /// other-offers (tmart's price box also shows a used offer and other sellers'),
    /// per-item (tmart's price box shows the price per item, "/件", and a former price),
    /// price-in-cart (tmart's item pages show the price only in the cart), stale-structured-price
    /// (bidbay's microdata and Open Graph prices are a fifth over its price box), shipping-above
    /// (bidbay's price box shows the shipping cost above the price), tax-line (shopusa's
    /// price box also shows the sales tax), hidden-variant-price (and each variant's price,
    /// all but the listing's hidden), box-script (and its product form's data as a script,
    /// with the subscribe-and-save price), variants (shopusa's
    /// listings are one of two variants, named by their address), sold-out-variant (and
    /// the cheaper variant is out of stock, the address naming none), accessory-variant
    /// (shopusa lists replacement ear pads as the cheaper variant), auction (bidbay's
    /// listings sell by auction), multipack (the brand's listings sell two at twice the
    /// price, or one "with 3 Pack Ear Tips"), multi-buy (shopusa sells each listing
    /// only "3 for" three times its price), robots-items:N (robots.txt disallows
    /// every N-th item page), huge:BYTES, hostile:N, and captcha, challenge, login-wall,
    /// js-shell, soft-404, no-offer, widget, unknown-wall (a bot check no verdict rule knows) for a share of item pages, e.g. captcha:30%).
    /// Repeatable.
    #[arg(long = "fault", value_parser = parse_fault)]
    faults: Vec<(Site, Fault)>,
    /// How much each page weighs around its listing: light (~1 KB item pages, 10
    /// results a search page), real (15-40 KB with menus, reviews quoting other
    /// prices, rails of other sellers, inline state; 48 results) or heavy (300 KB to
    /// 1.5 MB, like captured marketplace pages; 60 results). Default: light for
    /// `demo`, real for `serve-demo`.
    #[arg(long)]
    page_weight: Option<PageWeight>,
    /// Percent of the listings sold instead by an authorised distributor at or above
    /// the floor (no finding): a market where few listings violate, for benchmarks.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    compliant_percent: u8,
}

fn parse_fault(s: &str) -> Result<(Site, Fault), String> {
    let (site, fault) = s
        .split_once('=')
        .ok_or("use SITE=FAULT, e.g. tmart=flaky-503:4")?;
    let site = Site::ALL
        .into_iter()
        .find(|x| x.name() == site.trim())
        .ok_or_else(|| format!("unknown demo site `{site}` (shopusa, tmart, bidbay)"))?;
    Ok((site, fault.trim().parse()?))
}

impl DemoArgs {
    /// The demo's options; `weight` unless `--page-weight` says otherwise.
    fn options(&self, weight: PageWeight) -> DemoOptions {
        DemoOptions {
            seed: self.seed,
            listings_per_site: self.listings,
            port: self.port,
            faults: self.faults.clone(),
            page_weight: self.page_weight.unwrap_or(weight),
            compliant_percent: self.compliant_percent,
        }
    }
}

/// `NAME=URL` pairs pointing each demo marketplace at the running server.
fn base_urls(server: &DemoServer) -> Vec<String> {
    server
        .base_urls()
        .iter()
        .map(|(n, u)| format!("{n}={u}"))
        .collect()
}

impl DemoCommand {
    /// Starts the demo marketplace, scans it `--nights` times into a fresh store
    /// (an earlier demo's files are moved aside), then writes findings.csv, a
    /// packet per open case, the month's compliance report and summary.json, and
    /// scores the findings against the marketplace's ground truth.
    pub fn run(&self, cli: &Cli) -> Result<u8> {
        let out = &self.out;
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let targets = match &self.targets {
            Some(t) => t.clone(),
            None => {
                let dir = out.join("targets");
                brandguard::demo::write_targets(&dir, None)?;
                dir
            }
        };
        runtime()?.block_on(async {
            let server = DemoServer::start(&self.demo.options(PageWeight::Light)).await?;
            let mut config = match load_config(&targets, &base_urls(&server)) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            if !cli.override_render(&mut config) && !config.brand.render.browser.exists() {
                // The demo shows the pipeline on a fresh machine: without a browser
                // it renders nothing, and says so once, instead of failing every
                // night with a `render_no_browser` failure per confirmed listing
                // (exit 3 and a screenful of warnings on the first command a new
                // user runs). A scan keeps those failures: its rendered evidence
                // is missing, and the operator must hear it.
                println!(
                        "no browser at {}: the demo runs without rendered captures (install Debian's chromium, apt-get install chromium, to see them; --render never says this choice outright)",
                        config.brand.render.browser.display()
                    );
                config.override_render(brandguard::config::RenderMode::Never);
            }
            // Each demo run is a new history: what an earlier run wrote is kept
            // aside, never overwritten or mixed in.
            for name in ["store", "packets", "report"] {
                if let Some(aside) = move_aside(out, name)? {
                    println!("the earlier demo's {name} was moved to {}", aside.display());
                }
            }
            let store = Store::open(&out.join("store"))?;
            let reports = self.scan_nights(cli, &config, &store, &server).await?;
            let Some(last) = reports.last() else {
                return Ok(exit::ERROR);
            };
            let csv = out.join("findings.csv");
            brandguard::report::write_findings_csv(&store, &csv)?;
            write_packets(&config, &store, &out.join("packets"))?;
            let period = "2026-11".parse().map_err(anyhow::Error::msg)?;
            let report = brandguard::report::compliance::build(&config, &store, period, None)?;
            let written = brandguard::report::compliance::write(&config, &report, period, &out.join("report"))?;
            brandguard::report::compliance::write_screenshots(&store, &report, &out.join("report"))?;
            super::report::print_compliance(&report, &written);
            let summary_path = out.join("summary.json");
            let mut doc = summary_doc(&reports)?;
            doc["network_detection"] = serde_json::to_value(brandguard::demo::identities::score(
                &brandguard::report::networks::of_store(&store, &config.brand)?,
            ))?;
            write_json(&summary_path, &doc)?;
            print_summary(&last.summary);
            let d = &last.detection;
            println!(
                "detection against the demo's ground truth: precision {:.3}, recall {:.3} ({} of {} expected findings)",
                d.precision, d.recall, d.true_positives, d.expected
            );
            let n = brandguard::demo::identities::score(&brandguard::report::networks::of_store(&store, &config.brand)?);
            println!(
                "seller networks against the planted ones: {} networks, pairwise precision {:.3}, recall {:.3} ({} of {} pairs), {} decoys linked (`brandguard sellers network` shows them)",
                n.networks, n.precision, n.recall, n.true_positives, n.pairs_planted, n.decoys_linked.len()
            );
            println!("wrote {}, {} and the store {}", summary_path.display(), csv.display(), store.path().display());
            Ok(worst_exit(&reports))
        })
    }

    /// One scan per night, each stamped with the night's date, each scored.
    async fn scan_nights(
        &self,
        cli: &Cli,
        config: &Config,
        store: &Store,
        server: &DemoServer,
    ) -> Result<Vec<DemoReport>> {
        let mut reports = Vec::new();
        for night in 0..self.nights {
            server.set_night(night);
            let opts = ScanOptions {
                progress: cli.progress(),
                fresh: true,
                as_of: Some(brandguard::demo::night_date(night)),
                ..ScanOptions::default()
            };
            let summary = brandguard::scan::run(config, store, opts).await?;
            let report = brandguard::scan::demo_report(store, &summary, &server.ground_truth())?;
            if self.nights > 1 {
                print_night(night, &report);
            }
            reports.push(report);
        }
        Ok(reports)
    }
}

fn print_night(night: u32, report: &DemoReport) {
    let (summary, d) = (&report.summary, &report.detection);
    let c = &summary.cases;
    println!(
        "night {} ({}): {} listings; findings {} new, {} resolved; cases {} opened, {} reopened, {} resolved, {} open; precision {:.3}, recall {:.3}",
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

/// The worst night decides: 5 if a marketplace was not looked at, else 3 if
/// some fetches failed, else 0.
fn worst_exit(reports: &[DemoReport]) -> u8 {
    reports
        .iter()
        .map(|r| exit_code(&r.summary))
        .max_by_key(|&code| match code {
            exit::NOT_LOOKED => 2,
            exit::PARTIAL => 1,
            _ => 0,
        })
        .unwrap_or(exit::OK)
}

/// A packet for every case still open with a confirmed finding: what legal would
/// file tomorrow. Cases with suspected findings only are named, not packed.
fn write_packets(config: &Config, store: &Store, dir: &Path) -> Result<()> {
    use brandguard::report::packet::{self, PacketError};
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (mut packets, mut waiting) = (0, Vec::new());
    for c in brandguard::case::all(store)? {
        if c.state.is_done() {
            continue;
        }
        match packet::build(config, store, &c.id, None, dir) {
            Ok(_) => packets += 1,
            Err(PacketError::Unconfirmed { case_id, .. }) => waiting.push(case_id),
            Err(e @ PacketError::NotFit { .. }) => println!("{e}"),
            Err(e) => return Err(e.into()),
        }
    }
    println!("{packets} case packets in {}", dir.display());
    if !waiting.is_empty() {
        println!(
            "no packet yet for {} (findings suspected, not confirmed: {})",
            waiting.join(", "),
            config.brand.confirm.rule()
        );
    }
    Ok(())
}

/// The last night's summary, with each night's detection and case moves.
fn summary_doc(reports: &[DemoReport]) -> Result<serde_json::Value> {
    let last = reports.last().context("no night was scanned")?;
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
    Ok(doc)
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

impl ServeDemoCommand {
    /// Runs the demo marketplace until Ctrl-C, printing its addresses.
    pub fn run(&self) -> Result<u8> {
        runtime()?.block_on(async {
            let server = DemoServer::start(&self.demo.options(PageWeight::Real)).await?;
            if self.night > 0 {
                server.set_night(self.night);
            }
            for (name, url) in server.base_urls() {
                println!("{name:>8}  {url}");
            }
            println!(
                "page weight: {}, night {}",
                server.page_weight().name(),
                self.night
            );
            if let Some(dir) = &self.write_targets {
                brandguard::demo::write_targets(dir, Some(&server))?;
                println!("targets: {}", dir.display());
            }
            println!("ground truth: {}/_demo/ground-truth", server.base_urls()[0].1);
            println!(
                "scan it with:\n  brandguard scan --targets targets/demo --store evidence/store --base-url {}",
                base_urls(&server).join(",")
            );
            tokio::signal::ctrl_c().await?;
            Ok(exit::OK)
        })
    }
}
