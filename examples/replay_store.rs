//! Benchmark fixture: a store with many nights of observations, made by replaying one
//! scanned night. `bench/run.sh` uses it to give `report compliance` a store of a
//! million observations without crawling the demo ten times.
//!
//! `cargo run --release --example replay_store -- FROM_STORE TO_STORE NIGHTS`
//!
//! Every observation of FROM_STORE's first scan is recorded again, through the same
//! `record_observation` a scan uses, in NIGHTS scans of TO_STORE stamped 1, 2, …
//! November 2026 (the demo's nights), so TO_STORE holds real observation records
//! (pages, listings, findings) with the log, finding and listing bookkeeping a scan
//! does, and the report rows a scan writes when it finishes. Snapshots are not
//! copied: the report does not read page bytes.
//!
//! Each night opens TO_STORE afresh, as each nightly scan is a process of its own:
//! sled 0.34 writes its page-table snapshot only when a store is opened, after
//! reading the log written since the last one, so one process writing a month would
//! leave the next open reading the whole file (4 GB) instead of one night's writes.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use brandguard::evidence::{Store, finding_key_of};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to, nights] = args.as_slice() else {
        bail!("usage: replay_store FROM_STORE TO_STORE NIGHTS");
    };
    let nights: u32 = nights.parse().context("NIGHTS is a number")?;
    let from = Store::open(&PathBuf::from(from))?;
    let to_path = PathBuf::from(to);
    let first = from
        .scans()
        .next()
        .context("FROM_STORE holds no scan")??
        .scan_id;
    let mut total = 0u64;
    for night in 0..nights {
        let to = Store::open(&to_path)?;
        let as_of = brandguard::demo::night_date(night);
        let scan_id = to.begin_scan("replay", Some(as_of))?;
        for obs in from.observations(first) {
            let mut obs = obs?;
            let mut findings = Vec::new();
            for kind in &obs.findings {
                let key = finding_key_of(&obs.listing.marketplace, &obs.listing.listing_id, *kind);
                if let Some(r) = from.finding(&key)? {
                    findings.push(r.finding);
                }
            }
            obs.scan_id = scan_id;
            obs.observed_at = Some(as_of);
            to.record_observation(obs, &findings)?;
            total += 1;
        }
        to.finish_scan(scan_id, serde_json::json!({"replayed_from_scan": first}))?;
        eprintln!("night {night}: {total} observations so far");
    }
    println!("{total}");
    Ok(())
}
