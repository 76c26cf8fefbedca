//! Reports for people: `report compliance`.

use std::path::PathBuf;

use anyhow::Result;
use brandguard::evidence::Store;
use brandguard::report::compliance::{self, Compliance, Period, Written};
use clap::Subcommand;

use super::{exit, load_config};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Distributor scorecards, violations and price charts for a month.
    Compliance {
        /// The month, e.g. 2026-11.
        #[arg(long)]
        period: Period,
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

impl ReportCommand {
    /// Builds the month's scorecards and violations and writes the CSVs and HTML.
    pub fn run(&self) -> Result<u8> {
        let Self::Compliance {
            period,
            distributor,
            out,
            targets,
            store,
        } = self;
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
        let store = Store::open_existing(store)?;
        let r = compliance::build(&config, &store, *period, distributor.as_deref())?;
        let w = compliance::write(&config, &r, *period, out)?;
        compliance::write_screenshots(&store, &r, out)?;
        print_compliance(&r, &w);
        if r.scans == 0 {
            eprintln!(
                "warning: no scan of {} finished: nothing was looked at, so no distributor shows a violation (the report says so); a scan that stopped before it finished counts once `brandguard scan` resumes and finishes it",
                r.period
            );
            return Ok(exit::NOT_LOOKED);
        }
        Ok(exit::OK)
    }
}

/// One line per distributor, the files written, and what the report cost.
pub(super) fn print_compliance(r: &Compliance, w: &Written) {
    println!("compliance {} over {} scans:", r.period, r.scans);
    for s in &r.scorecards {
        println!(
            "  {:<10} {:>3} violations, {:>2} days below floor, {:>2} territory breaches, {:>2} repeats -> {}",
            s.distributor,
            s.violations_total,
            s.days_below_floor,
            s.territory_breaches,
            s.repeat_offences,
            if s.violations_total == 0 {
                // Why there are none: none found, none seen, or nothing looked at.
                format!("none ({})", s.escalation_why)
            } else {
                s.escalation_step.clone()
            }
        );
        if !s.undeclared_shops.is_empty() {
            println!(
                "  {:<10} undeclared shops: {}",
                "",
                brandguard::sanitize::terminal(&s.undeclared_shops.join(", "), 400)
            );
        }
    }
    let not_looked: Vec<String> = r
        .coverage
        .iter()
        .filter(|c| !c.looked)
        .map(|c| format!("{} {}", c.night, c.marketplace))
        .collect();
    if !not_looked.is_empty() {
        println!(
            "  not looked at in full (quiet there is not clean): {}",
            not_looked.join(", ")
        );
    }
    let unmatched: Vec<String> = r
        .coverage
        .iter()
        .filter(|c| !c.adapter_unmatched.is_empty())
        .map(|c| format!("{} {} ({})", c.night, c.marketplace, c.adapter_unmatched))
        .collect();
    if !unmatched.is_empty() {
        println!(
            "  pages no longer matching the adapter (unchecked there is not clean): {}",
            unmatched.join(", ")
        );
    }
    println!(
        "wrote {}, {}, {} and {}",
        w.scorecards.display(),
        w.violations.display(),
        w.coverage.display(),
        w.html.display()
    );
    let u = brandguard::usage::Usage::now();
    println!(
        "cost: {:.1} CPU seconds, peak memory {:.0} MiB",
        u.cpu_secs, u.peak_rss_mib
    );
}
