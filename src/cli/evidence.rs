//! The evidence store: `findings`, `evidence verify|show|merge|export`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use brandguard::evidence::Store;
use brandguard::sanitize;
use clap::{Args, Subcommand};

use super::scan::{announce, beside, exit_code, print_summary};
use super::{exit, load_config};

#[derive(Args)]
pub struct FindingsCommand {
    #[arg(long, default_value = "evidence/store")]
    store: PathBuf,
    /// Write findings.csv here instead of printing.
    #[arg(long)]
    csv: Option<PathBuf>,
}

impl FindingsCommand {
    /// Every finding in the store, open or resolved: a table, or findings.csv.
    pub fn run(&self) -> Result<u8> {
        let store = Store::open_existing(&self.store)?;
        if let Some(path) = &self.csv {
            let n = brandguard::report::write_findings_csv(&store, path)?;
            println!("wrote {n} findings to {}", path.display());
            return Ok(exit::OK);
        }
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
                sanitize::terminal(f.seller_name.as_deref().unwrap_or("?"), 30),
                f.sku,
                sanitize::terminal(&f.detail, 200)
            );
        }
        Ok(exit::OK)
    }
}

#[derive(Subcommand)]
pub enum EvidenceCommand {
    /// Recompute every snapshot hash and the whole log chain.
    Verify {
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// Root certificates (PEM) of the time-stamp authorities you trust: each
        /// token's signer must chain to one of them (without it, tokens are checked
        /// for their head, digest and signature only).
        #[arg(long)]
        tsa_roots: Option<PathBuf>,
    },
    /// Get an RFC 3161 time-stamp token on the log head from a time-stamp authority
    /// (a third party vouching for when every record up to it existed) and keep it in
    /// the log. `[evidence] tsa` in brand.toml does this after every scan.
    Anchor {
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// The TSA's URL (RFC 3161 over HTTP), e.g. https://freetsa.org/tsr.
        #[arg(long)]
        tsa: String,
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
        /// This merge ends a sharded night: announce it once, as a scan would
        /// (`notify` in brand.toml; findings.csv beside the merge summary). A shard
        /// store that does not exist or a shard scan that never finished is then part
        /// of the night that was not looked at: named in the announcement, exit 5.
        #[arg(long)]
        announce: bool,
    },
    /// Write a consistent, verified copy of the store to a new folder. While a scan
    /// runs the store is locked: back up after it, or snapshot the filesystem.
    Backup {
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// The folder to create (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Rebuild a damaged or tampered store into a new folder from what its log still
    /// proves: the chain copied while it holds, every record copied only if the log
    /// vouches for its bytes; what cannot be proven is named and left out.
    Rebuild {
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// The folder to create (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Export every capture as WARC/1.1 (`.warc`, or `.warc.gz` with each record its
    /// own gzip member) and/or as a WACZ 1.1.1 bundle (the WARC, its CDXJ index, a
    /// page list, the store's chain head and a data package with every file's
    /// SHA-256): one file to hand over, which replay tools open as it is.
    #[command(group(clap::ArgGroup::new("format").required(true).multiple(true).args(["warc", "wacz"])))]
    Export {
        #[arg(long)]
        warc: Option<PathBuf>,
        #[arg(long)]
        wacz: Option<PathBuf>,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
    },
}

impl EvidenceCommand {
    pub fn run(&self) -> Result<u8> {
        match self {
            Self::Verify { store, tsa_roots } => verify(store, tsa_roots.as_deref()),
            Self::Anchor { store, tsa } => anchor(store, tsa),
            Self::Show { what, store, out } => show(store, what, out.as_deref()),
            Self::Merge {
                store,
                targets,
                shards,
                announce,
            } => merge(store, targets, shards, *announce),
            Self::Export { warc, wacz, store } => export(store, warc.as_deref(), wacz.as_deref()),
            Self::Backup { store, out } => backup(store, out),
            Self::Rebuild { store, out } => rebuild(store, out),
        }
    }
}

/// Recomputes every hash; exit 4 (and the first problem) if anything was altered.
fn verify(store: &Path, tsa_roots: Option<&Path>) -> Result<u8> {
    let store = match Store::open_existing(store) {
        Ok(s) => s,
        Err(e @ brandguard::evidence::EvidenceError::Damaged { .. }) => {
            eprintln!("FAILED: {e}");
            return Ok(exit::TAMPERED);
        }
        Err(e) => return Err(e.into()),
    };
    match store.verify() {
        Ok(v) => {
            println!(
                "OK: {} snapshots, {} log records ({} captures, {} observations, {} seller identities), {} findings, {} listings, {} scans, {} cases, {} report rows verified; head {}",
                v.snapshots,
                v.log_records,
                v.captures,
                v.observations,
                v.identities,
                v.findings,
                v.listings,
                v.scans,
                v.cases,
                v.report_rows,
                v.head
            );
            if v.observations_lost > 0 || v.snapshots_lost > 0 {
                println!(
                    "note: {} observations and {} snapshots were lost before a rebuild, as its evidence_lost record says: their log records stand, those bytes are gone",
                    v.observations_lost, v.snapshots_lost
                );
            }
            for note in v.packs.notes() {
                println!("note: {note}");
            }
            if v.findings_unvouched > 0 {
                println!(
                    "note: {} findings were last written by an older brandguard, whose records hold no hash of them: present, not checked byte by byte",
                    v.findings_unvouched
                );
            }
            verify_anchors(&store, v.log_records, tsa_roots)
        }
        Err(e) => {
            eprintln!("FAILED: {e}");
            Ok(exit::TAMPERED)
        }
    }
}

/// Each time-stamp token, with its time and (given roots) the root its signer
/// chains to; exit 4 if one does not chain.
fn verify_anchors(store: &Store, log_records: u64, tsa_roots: Option<&Path>) -> Result<u8> {
    use brandguard::evidence::anchor;
    let roots = match tsa_roots.map(anchor::load_roots).transpose() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: --tsa-roots {e}");
            return Ok(exit::BAD_CONFIG);
        }
    };
    let anchors = store.anchors()?;
    let mut last = None;
    for a in &anchors {
        let head = hex::decode(&a.head).unwrap_or_default();
        match anchor::check(&a.response_bytes(), &head, None, roots.as_deref()) {
            Ok(t) => println!(
                "timestamp: records 0-{} (head {}) existed at {} (TSA {}, token {}, signed by {}{})",
                a.head_seq,
                a.head,
                t.gen_time.format("%Y-%m-%d %H:%M:%S UTC"),
                a.tsa,
                t.serial,
                t.signer,
                t.root
                    .map(|r| format!(", chains to {r}"))
                    .unwrap_or_else(|| ", chain not checked: give --tsa-roots".into())
            ),
            Err(e) => {
                eprintln!("FAILED: time-stamp token on record {}: {e}", a.head_seq);
                return Ok(exit::TAMPERED);
            }
        }
        last = Some(a.head_seq);
    }
    match last {
        None => println!("timestamps: none (`brandguard evidence anchor --tsa URL` gets one)"),
        Some(seq) if seq + 2 < log_records => println!(
            "timestamps: records {}-{} are not anchored yet",
            seq + 2,
            log_records - 1
        ),
        Some(_) => {}
    }
    Ok(exit::OK)
}

/// Time-stamps the log head at `tsa`; exit 1 (nothing changed) if it gives no token.
fn anchor(store: &Path, tsa: &str) -> Result<u8> {
    let store = Store::open_existing(store)?;
    let client = reqwest::Client::builder()
        .user_agent(brandguard::TOOL)
        .build()
        .context("cannot build the HTTP client")?;
    let rt = super::runtime()?;
    match rt.block_on(store.anchor(&client, tsa)) {
        Ok(Some(a)) => {
            println!(
                "anchored records 0-{} (head {}) at {} by {} (token {})",
                a.head_seq,
                a.head,
                a.gen_time.format("%Y-%m-%d %H:%M:%S UTC"),
                a.tsa,
                a.serial
            );
            Ok(exit::OK)
        }
        Ok(None) => {
            println!("the log head is already anchored: nothing new since the last token");
            Ok(exit::OK)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(exit::ERROR)
        }
    }
}

/// Copies the store to `out` and verifies the copy.
fn backup(store: &Path, out: &Path) -> Result<u8> {
    let store = Store::open_existing(store)?;
    let v = store.backup(out)?;
    println!(
        "backed up {} to {}: {} snapshots, {} log records, {} cases verified in the copy; head {}",
        store.path().display(),
        out.display(),
        v.snapshots,
        v.log_records,
        v.cases,
        v.head
    );
    Ok(exit::OK)
}

/// Rebuilds the store into `out`; exit 3 if anything had to be left out.
fn rebuild(store: &Path, out: &Path) -> Result<u8> {
    let store = Store::open_to_rebuild(store)?;
    let (r, v) = store.rebuild_into(out)?;
    println!(
        "rebuilt {} into {}: {} log records, {} snapshots, {} observations, {} findings ({} from older versions, unchecked), {} listings, {} scans, {} cases, {} report-rows files; verified, head {}",
        store.path().display(),
        out.display(),
        r.log_records,
        r.snapshots,
        r.observations,
        r.findings,
        r.findings_unvouched,
        r.listings,
        r.scans,
        r.cases,
        r.report_rows_files,
        v.head
    );
    if let Some(at) = &r.chain_broken_at {
        println!("the chain breaks at: {at}; nothing after it could be proven");
    }
    for l in r.left_out.iter().take(50) {
        println!("left out: {l}");
    }
    if !r.lost_observations.is_empty() || !r.lost_snapshots.is_empty() {
        println!(
            "the rebuilt store's log ends with an evidence_lost record naming the {} observations and {} snapshots it could not keep; verify reports them",
            r.lost_observations.len(),
            r.lost_snapshots.len()
        );
    }
    if r.left_out.len() > 50 {
        println!("left out: and {} more", r.left_out.len() - 50);
    }
    Ok(if r.left_out.is_empty() && r.chain_broken_at.is_none() {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

/// Writes every capture as WARC/1.1 records.
fn export(store: &Path, warc: Option<&Path>, wacz: Option<&Path>) -> Result<u8> {
    let store = Store::open_existing(store)?;
    if let Some(path) = warc {
        // Written to a temporary name and renamed when complete.
        let stats = brandguard::report::write_file_with(path, |w| {
            // `.warc.gz`: each record its own gzip member, as WARC tools expect.
            if path.to_string_lossy().ends_with(".gz") {
                brandguard::evidence::warc::export_gzip(&store, w)
            } else {
                brandguard::evidence::warc::export(&store, w)
            }
            .map_err(std::io::Error::other)
        })?;
        println!(
            "wrote {} ({} responses, {} revisits of unchanged pages (304), {} redirects, {} requests, {} bytes)",
            path.display(),
            stats.responses,
            stats.revisits,
            stats.redirects,
            stats.requests,
            stats.bytes
        );
    }
    if let Some(path) = wacz {
        let title = format!(
            "brandguard evidence, log head {}",
            &store.log_head()[..16.min(store.log_head().len())]
        );
        let stats = brandguard::report::write_file_with(path, |w| {
            brandguard::evidence::wacz::export_wacz(&store, w, &title)
                .map_err(std::io::Error::other)
        })?;
        println!(
            "wrote {} (WACZ {}: {} responses, {} revisits, {} pages; datapackage.json {})",
            path.display(),
            brandguard::evidence::wacz::WACZ_VERSION,
            stats.warc.responses,
            stats.warc.revisits,
            stats.pages,
            stats.datapackage_digest
        );
    }
    Ok(exit::OK)
}

/// Merges shard stores into `store`; exit 3 if a shard's scan never finished. With
/// `announce`, the night is announced once and a shard missing or unfinished makes
/// it a night not looked at in full (exit 5).
fn merge(store: &Path, targets: &Path, shards: &[PathBuf], announce: bool) -> Result<u8> {
    let config = match load_config(targets, &[]) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    // Shares of the night that cannot be merged: said in the announcement.
    let mut lost = Vec::new();
    let opened = match open_shards(store, shards, announce, &mut lost)? {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let target = Store::open(store)?;
    let mut m = brandguard::scan::merge::merge(&config, &target, &opened)?;
    // Not writing it must not cost the night its merge summary and announcement:
    // said, and the next night's shards then recheck nothing (they say so too).
    if let Err(e) = write_shard_context(&target) {
        eprintln!(
            "warning: {} not written: {e:#} (the next night's shards will recheck no listing at its address)",
            SHARD_CONTEXT
        );
    }
    for u in &m.unfinished {
        eprintln!(
            "warning: not merged, never finished: {u} (resume it with the same scan --shard command)"
        );
        lost.push(format!("{u} (never finished)"));
    }
    let mut code = if m.unfinished.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    };
    let path = beside(&target, "last-merge.json");
    if announce {
        if let Some(last) = m.scans.last_mut() {
            last.degraded.extend(lost.iter().cloned());
            last.not_looked.extend(lost.iter().cloned());
        }
        // Written before the announcement as well as after it: a webhook that
        // hangs until a scheduler's timeout kills the merge must not leave the
        // last night's summary to be read as this one's.
        if let Err(e) = brandguard::scan::night::write_summary(&path, &m) {
            eprintln!("warning: {e}");
        }
        code = announce_night(&config, &target, &mut m, &lost)?.max(code);
    }
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
    brandguard::scan::night::write_summary(&path, &m)?;
    println!("merge summary written to {}", path.display());
    Ok(code)
}

/// The shard stores to merge, opened; a missing one is a lost share of the night
/// with `announce` (noted in `lost`), else a bad configuration, as is a shard
/// that is the store merged into (`Err` with the exit code).
fn open_shards(
    store: &Path,
    shards: &[PathBuf],
    announce: bool,
    lost: &mut Vec<String>,
) -> Result<std::result::Result<Vec<(PathBuf, Store)>, u8>> {
    let mut opened = Vec::new();
    for s in shards {
        if !s.exists() {
            if announce {
                eprintln!(
                    "warning: shard store {} does not exist: its share of the night was not looked at",
                    s.display()
                );
                lost.push(format!("shard store {} (missing)", s.display()));
                continue;
            }
            eprintln!("error: shard store {} does not exist", s.display());
            return Ok(Err(exit::BAD_CONFIG));
        }
        if std::path::absolute(s).ok() == std::path::absolute(store).ok() {
            eprintln!(
                "error: {} is both a shard and the store to merge into",
                s.display()
            );
            return Ok(Err(exit::BAD_CONFIG));
        }
        opened.push((s.clone(), Store::open_existing(s)?));
    }
    Ok(Ok(opened))
}

/// Writes `shard-context.json` beside the store: what the next night's shards
/// need to know of it (`scan --context-from`; [`brandguard::shard::Context`]).
fn write_shard_context(target: &Store) -> Result<()> {
    let context = brandguard::scan::shard_context(target)?;
    let path = beside(target, SHARD_CONTEXT);
    brandguard::scan::night::write_summary(&path, &context)?;
    let n: usize = context.open_listings.values().map(|u| u.len()).sum();
    println!(
        "{n} listings with open findings, for the next night's shards to recheck (scan --context-from): {}",
        path.display()
    );
    Ok(())
}

/// The file [`write_shard_context`] writes beside the store.
const SHARD_CONTEXT: &str = "shard-context.json";

/// One announcement per night merged now; the shares that could not be merged
/// (`lost`, already added to the last night's summary) are named on it as not
/// looked at. A night of which no shard
/// finished is announced too, unless an earlier merge already announced one.
/// Returns the exit code the night deserves (as `scan` would give it).
fn announce_night(
    config: &brandguard::config::Config,
    target: &Store,
    m: &mut brandguard::scan::merge::MergeSummary,
    lost: &[String],
) -> Result<u8> {
    let rt = super::runtime()?;
    let findings_csv = beside(target, "findings.csv");
    let mut code = exit::OK;
    for s in &mut m.scans {
        if let Some(f) = announce(&rt, config, target, s, &findings_csv) {
            println!("findings written to {f}");
        }
        code = code.max(exit_code(s));
    }
    if m.scans.is_empty() && m.already_merged.is_empty() && !lost.is_empty() {
        let s = brandguard::scan::ScanSummary {
            degraded: lost.to_vec(),
            not_looked: lost.to_vec(),
            ..Default::default()
        };
        let mut a = brandguard::notify::Announcement::of(&config.brand.name, target, &s)?;
        a.summary_line = format!(
            "brandguard night of {}: nothing merged, no shard scan finished",
            config.brand.name
        );
        for d in rt.block_on(brandguard::notify::announce(&config.brand.notify, &a)) {
            match &d.error {
                None => println!("announced by {}", d.channel),
                Some(e) => eprintln!("warning: announcing by {} failed: {e}", d.channel),
            }
        }
        code = exit::NOT_LOOKED;
    }
    Ok(code)
}

/// A snapshot's bytes (by SHA-256), or the history of the listings `what` names.
fn show(store: &Path, what: &str, out: Option<&Path>) -> Result<u8> {
    let store = Store::open_existing(store)?;
    let is_sha = what.len() == 64 && what.bytes().all(|b| b.is_ascii_hexdigit());
    if is_sha {
        return show_snapshot(&store, what, out);
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
                sanitize::terminal(o.listing.seller.name.as_deref().unwrap_or("?"), 28),
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

fn show_snapshot(store: &Store, sha: &str, out: Option<&Path>) -> Result<u8> {
    let Some(bytes) = store.snapshot(&sha.to_ascii_lowercase())? else {
        eprintln!("error: no snapshot {sha} in {}", store.path().display());
        return Ok(exit::ERROR);
    };
    match out {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!(
                "wrote {} bytes of snapshot {sha} to {}",
                bytes.len(),
                path.display()
            );
        }
        None => println!(
            "snapshot {sha}: {} bytes (use --out FILE to write them)",
            bytes.len()
        ),
    }
    Ok(exit::OK)
}
