//! `brandguard evidence merge`: shard stores (`scan --shard I/N`) into one store.
//!
//! Each finished scan of a shard store that was not merged before is copied into the
//! target store: every snapshot (its SHA-256 checked against its bytes), every
//! capture and every observation, in the shard's log order, as records of a new scan
//! of the target's own hash chain. The shard scans of one night (the UTC date they
//! stand for) become one scan, so reports see one scan per night. Findings and cases
//! then move as after an ordinary scan (new, ongoing, resolved, relapsed), since they
//! depend on the target's history, not the shard's.
//!
//! Nothing is rewritten in the shard stores, whose chains stay verifiable as they
//! are. The target's chain pins each merged shard scan with a `shard_merged` record
//! (the shard store's first log hash, its scan id and the log head it finished at,
//! and how many records came over), committed together with the mark that makes a
//! second merge of the same scan a no-op.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::evidence::{EvidenceError, Store, finding_key_of};
use crate::judge::Finding;
use crate::scan::{ScanError, ScanSummary};

/// What a merge did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct MergeSummary {
    /// Shard scans copied, as `store path: scan id`.
    pub merged: Vec<String>,
    /// Shard scans skipped because an earlier merge already copied them.
    pub already_merged: Vec<String>,
    /// Shard scans skipped because they never finished (still running, or killed:
    /// resume them with `scan --shard` first).
    pub unfinished: Vec<String>,
    pub snapshots_copied: u64,
    pub captures: u64,
    pub observations: u64,
    /// The scans of the target store the shards were merged into, with their summaries.
    pub scans: Vec<ScanSummary>,
}

struct Pending {
    path: PathBuf,
    store_ix: usize,
    source: String,
    scan_id: u64,
    as_of: DateTime<Utc>,
    log_head: String,
    summary: Option<serde_json::Value>,
    /// The target scan an interrupted merge already copied it into (that scan
    /// never finished): only its counts are still to be added.
    copied_into: Option<u64>,
}

/// Merges the finished, not yet merged scans of `shards` into `target`.
pub fn merge(
    config: &Config,
    target: &Store,
    shards: &[(PathBuf, Store)],
) -> Result<MergeSummary, ScanError> {
    let mut out = MergeSummary::default();
    // A merge killed part-way left a target scan that never finished: the night
    // it stands for is completed in it, not begun again in a new scan.
    let targets = config.dir.display().to_string();
    let interrupted = match target.unfinished_scan(&targets)? {
        Some(id) => target.scan(id)?.map(|r| (id, r.date().date_naive())),
        None => None,
    };
    // One scan of the target per night the shard scans stand for.
    let mut nights: BTreeMap<NaiveDate, Vec<Pending>> = BTreeMap::new();
    if let Some((_, night)) = interrupted {
        nights.entry(night).or_default();
    }
    for p in pending_scans(target, shards, interrupted.map(|(id, _)| id), &mut out)? {
        nights.entry(p.as_of.date_naive()).or_default().push(p);
    }
    for (night, group) in nights {
        let resume = interrupted.filter(|(_, n)| *n == night).map(|(id, _)| id);
        let summary = merge_night(config, target, shards, &group, resume, &mut out)?;
        out.scans.push(summary);
    }
    Ok(out)
}

/// The shards' finished scans not merged yet, and those an interrupted merge
/// copied into target scan `interrupted`; unfinished and already merged ones are
/// noted in `out`.
fn pending_scans(
    target: &Store,
    shards: &[(PathBuf, Store)],
    interrupted: Option<u64>,
    out: &mut MergeSummary,
) -> Result<Vec<Pending>, ScanError> {
    let mut pending = Vec::new();
    for (i, (path, shard)) in shards.iter().enumerate() {
        let Some(genesis) = shard.log_record(0)? else {
            continue;
        };
        for rec in shard.scans() {
            let rec = rec?;
            let name = format!("{}: scan {}", path.display(), rec.scan_id);
            let (Some(_), Some(head)) = (rec.finished_at, rec.log_head.clone()) else {
                out.unfinished.push(name);
                continue;
            };
            let copied_into = target.merged_into(&genesis.hash, rec.scan_id)?;
            if copied_into.is_some() && copied_into != interrupted {
                out.already_merged.push(name);
                continue;
            }
            pending.push(Pending {
                path: path.clone(),
                store_ix: i,
                source: genesis.hash.clone(),
                scan_id: rec.scan_id,
                as_of: rec.date(),
                log_head: head,
                summary: rec.summary.clone(),
                copied_into,
            });
        }
    }
    Ok(pending)
}

/// One night's shard scans copied into one new scan of the target, each marked
/// merged, then the night's findings and cases moved and the scan finished.
fn merge_night(
    config: &Config,
    target: &Store,
    shards: &[(PathBuf, Store)],
    group: &[Pending],
    resume: Option<u64>,
    out: &mut MergeSummary,
) -> Result<ScanSummary, ScanError> {
    let targets = config.dir.display().to_string();
    let started = Utc::now();
    let (scan_id, as_of) = match resume {
        Some(id) => {
            target.resume_scan(id)?;
            let as_of = target.scan(id)?.map(|r| r.date()).unwrap_or(started);
            (id, as_of)
        }
        None => {
            let as_of = group.iter().map(|p| p.as_of).min().unwrap_or(started);
            (target.begin_scan(&targets, Some(as_of))?, as_of)
        }
    };

    let mut summary = ScanSummary {
        scan_id,
        tool: crate::TOOL.to_string(),
        targets,
        store: target.path().display().to_string(),
        started_at: Some(started),
        as_of: Some(as_of),
        ..ScanSummary::default()
    };
    // What an interrupted merge already copied into this scan is not copied
    // again (and is counted once, here).
    let mut copied = Copied::of((config, target), resume, gone_by_page(group), &mut summary)?;
    let mut gone = copied.gone.clone();
    for p in group {
        if p.copied_into.is_some() {
            add_counts(&mut summary, p.summary.as_ref());
            out.merged
                .push(format!("{}: scan {}", p.path.display(), p.scan_id));
            continue;
        }
        let shard = &shards[p.store_ix].1;
        let copied = copy_scan(
            target,
            shard,
            (p.scan_id, scan_id),
            &mut copied,
            &mut gone,
            &mut summary,
            out,
        )?;
        // Durable before it is marked merged, and again once marked: a merge
        // killed at any point keeps every shard scan it finished copying.
        target.flush_now()?;
        crate::failpoint::hit("merge-copied");
        target.record(
            vec![(
                "shard_merged".into(),
                serde_json::json!({
                    "scan_id": scan_id,
                    "source_store": p.path.display().to_string(),
                    "source_first_hash": p.source,
                    "source_scan_id": p.scan_id,
                    "source_log_head": p.log_head,
                    "captures": copied.0,
                    "observations": copied.1,
                }),
            )],
            vec![Store::merged_write(&p.source, p.scan_id, scan_id)],
        )?;
        add_counts(&mut summary, p.summary.as_ref());
        out.merged
            .push(format!("{}: scan {}", p.path.display(), p.scan_id));
        target.flush_now()?;
        crate::failpoint::hit("merge-marked");
    }
    super::conclude(config, target, summary, &gone, started)
}

/// The listings the shard scans of `group` found gone by what their page showed
/// (`ScanSummary::gone_by_page` of each shard's summary).
fn gone_by_page(group: &[Pending]) -> BTreeSet<String> {
    group
        .iter()
        .filter_map(|p| p.summary.as_ref()?.get("gone_by_page")?.as_array().cloned())
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_string))
        .collect()
}

/// Copies scan `scan_id` of a shard, its snapshots, captures and observations, into
/// scan `into` of `target`, counting the observations into `summary`; returns
/// (captures, observations) copied.
fn copy_scan(
    target: &Store,
    shard: &Store,
    (scan_id, into): (u64, u64),
    done: &mut Copied,
    gone: &mut crate::case::Gone,
    summary: &mut ScanSummary,
    out: &mut MergeSummary,
) -> Result<(u64, u64), ScanError> {
    // Shard capture seq → target capture seq, for the observations that point at them.
    let mut captures: HashMap<u64, u64> = HashMap::new();
    let mut counts = (0, 0);
    for rec in shard.log() {
        let rec = rec?;
        if rec.payload.get("scan_id").and_then(|v| v.as_u64()) != Some(scan_id) {
            continue;
        }
        match rec.kind.as_str() {
            "capture" => {
                let seq = copy_capture(target, shard, &rec, into, done, gone, out)?;
                captures.insert(rec.seq, seq);
                counts.0 += 1;
            }
            "observation" => {
                let copied = copy_observation(
                    target,
                    shard,
                    &rec,
                    (scan_id, into),
                    &captures,
                    done,
                    summary,
                )?;
                counts.1 += u64::from(copied);
                out.observations += u64::from(copied);
            }
            crate::evidence::IDENTITY_KIND => {
                copy_identity(target, &rec, (scan_id, into), &captures, done)?;
            }
            crate::evidence::RENDER_KIND => {
                copy_render((target, shard), &rec, (scan_id, into), &captures, done)?;
            }
            _ => {}
        }
    }
    Ok(counts)
}

/// Copies one capture record of a shard's scan (and its snapshot) into scan `into`,
/// once: a capture already copied by an earlier, interrupted merge is found by its
/// URL and time. Notes 404/410 answers in `gone`; returns its target log seq.
fn copy_capture(
    target: &Store,
    shard: &Store,
    rec: &crate::evidence::LogRecord,
    into: u64,
    done: &Copied,
    gone: &mut crate::case::Gone,
    out: &mut MergeSummary,
) -> Result<u64, ScanError> {
    let c: crate::evidence::Capture = serde_json::from_value(rec.payload.clone())
        .map_err(|e| corrupt("log", rec.seq, format!("capture unreadable: {e}")))?;
    let snap = copy_snapshot(target, shard, &c, rec.seq, out)?;
    let seq = match done.captures.get(&(c.page.url.to_string(), c.page.sent_at)) {
        Some(&seq) => seq,
        None => target.record_capture(into, &c.page, &snap)?,
    };
    note_gone(gone, &c, seq, (&done.gone_by_page, &done.marketplaces));
    out.captures += 1;
    Ok(seq)
}

/// Notes capture `c` (target log seq `seq`) in `gone` if it shows its listing
/// gone: a 404 or 410 of its marketplace's site, or, for a listing in `by_page`,
/// the soft 404 or the redirect (its status) the shard's recheck took for the
/// takedown, as `Run::get` does. A 404 or 410 of another site a listing redirected
/// to is that site's answer: the redirect is the takedown, if the shard took it
/// for one (it is in `by_page`).
fn note_gone(
    gone: &mut crate::case::Gone,
    c: &crate::evidence::Capture,
    seq: u64,
    (by_page, marketplaces): (&BTreeSet<String>, &[crate::config::Marketplace]),
) {
    if matches!(c.page.status, 404 | 410) && ended_on_its_site(marketplaces, c) {
        gone.insert(c.page.url.to_string(), (c.page.status, seq));
        gone.insert(c.page.final_url.to_string(), (c.page.status, seq));
    } else if by_page.contains(c.page.url.as_str()) {
        let shown = c.page.redirects.first().map_or(c.page.status, |h| h.status);
        gone.insert(c.page.url.to_string(), (shown, seq));
    }
}

/// Whether capture `c` ended on the site of a marketplace whose page it asked for,
/// as the scan judges it (`Run::readable`).
fn ended_on_its_site(
    marketplaces: &[crate::config::Marketplace],
    c: &crate::evidence::Capture,
) -> bool {
    c.page.redirects.is_empty()
        || marketplaces
            .iter()
            .any(|m| m.is_its_page(&c.page.url) && m.is_its_page(&c.page.final_url))
}

/// Copies one observation of a shard's scan `scan_id` into scan `into`, pointing
/// at its capture as copied (`captures`), with the findings the shard judged;
/// false when its listing was already observed in the merged night.
fn copy_observation(
    target: &Store,
    shard: &Store,
    rec: &crate::evidence::LogRecord,
    (scan_id, into): (u64, u64),
    captures: &HashMap<u64, u64>,
    done: &mut Copied,
    summary: &mut ScanSummary,
) -> Result<bool, ScanError> {
    let key = rec
        .payload
        .get("observation_key")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let Some(mut obs) = shard.observation(key)? else {
        return Err(corrupt(
            "observations",
            rec.seq,
            format!("observation {key} named in the log is missing"),
        ));
    };
    let Some(&capture) = captures.get(&obs.capture_log_seq) else {
        return Err(corrupt(
            "log",
            rec.seq,
            format!(
                "observation points at capture {} which is not a capture of scan {scan_id}",
                obs.capture_log_seq
            ),
        ));
    };
    let findings = findings_of(shard, &obs)?;
    obs.scan_id = into;
    obs.capture_log_seq = capture;
    let listing = (
        obs.listing.marketplace.clone(),
        obs.listing.listing_id.clone(),
    );
    if !done.observed.insert(listing) {
        return Ok(false);
    }
    summary.count(&obs);
    summary.count_findings(&target.record_observation(obs, &findings)?);
    Ok(true)
}

/// Copies a seller identity of a shard's scan, pointing at its capture as copied
/// (once: a merge run again after a crash finds it copied).
fn copy_identity(
    target: &Store,
    rec: &crate::evidence::LogRecord,
    (scan_id, into): (u64, u64),
    captures: &HashMap<u64, u64>,
    done: &mut Copied,
) -> Result<(), ScanError> {
    let mut id: crate::evidence::IdentityRecord = serde_json::from_value(rec.payload.clone())
        .map_err(|e| corrupt("log", rec.seq, format!("seller identity unreadable: {e}")))?;
    let Some(&capture) = captures.get(&id.capture_log_seq) else {
        return Err(corrupt(
            "log",
            rec.seq,
            format!(
                "seller identity points at capture {} which is not a capture of scan {scan_id}",
                id.capture_log_seq
            ),
        ));
    };
    (id.scan_id, id.capture_log_seq) = (into, capture);
    let key = (
        id.identity.marketplace.clone(),
        id.identity.seller_id.clone(),
        capture,
    );
    if done.identities.insert(key) {
        target.record_identity(id)?;
    }
    Ok(())
}

/// Copies a rendered capture of a shard's scan (its DOM and screenshot, checked
/// against their hashes), pointing at its capture as copied (once, as identities).
fn copy_render(
    (target, shard): (&Store, &Store),
    rec: &crate::evidence::LogRecord,
    (scan_id, into): (u64, u64),
    captures: &HashMap<u64, u64>,
    done: &mut Copied,
) -> Result<(), ScanError> {
    let r: crate::evidence::RenderRecord = serde_json::from_value(rec.payload.clone())
        .map_err(|e| corrupt("log", rec.seq, format!("rendered capture unreadable: {e}")))?;
    let Some(&capture) = captures.get(&r.capture_log_seq) else {
        return Err(corrupt(
            "log",
            rec.seq,
            format!(
                "rendered capture points at capture {} which is not a capture of scan {scan_id}",
                r.capture_log_seq
            ),
        ));
    };
    if !done
        .renders
        .insert((r.marketplace.clone(), r.listing_id.clone(), capture))
    {
        return Ok(());
    }
    let part = |sha: &str, what: &str| -> Result<Vec<u8>, ScanError> {
        match shard.snapshot(sha)? {
            Some(b) if crate::evidence::sha256_hex(&b) == sha => Ok(b),
            _ => Err(corrupt(
                "snapshots",
                rec.seq,
                format!(
                    "the {what} {sha} of a rendered capture is missing or altered in the shard: run `brandguard evidence verify` on it"
                ),
            )),
        }
    };
    let rendered = crate::render::Rendered {
        dom: part(&r.dom.sha256, "DOM")?,
        png: part(&r.png.sha256, "screenshot")?,
        meta: r.meta.clone(),
    };
    target.record_render(
        crate::evidence::RenderOf {
            scan_id: into,
            marketplace: &r.marketplace,
            listing_id: &r.listing_id,
            capture_log_seq: capture,
            snapshot_sha256: &r.snapshot_sha256,
            shows_otherwise: &r.shows_otherwise,
        },
        rendered,
    )?;
    Ok(())
}

/// Copies a capture's page bytes into the target; returns the capture's
/// snapshot reference as the target holds it.
fn copy_snapshot(
    target: &Store,
    shard: &Store,
    c: &crate::evidence::Capture,
    seq: u64,
    out: &mut MergeSummary,
) -> Result<crate::evidence::SnapshotRef, ScanError> {
    let mut snap = c.snapshot.clone();
    if let Some(body) = shard.snapshot(&c.snapshot.sha256)? {
        // put_snapshot hashes the bytes itself: what lands under this SHA-256 is
        // what hashes to it, whatever the shard held.
        let stored = target.put_snapshot(&body)?;
        if stored.sha256 != c.snapshot.sha256 {
            return Err(corrupt(
                "snapshots",
                seq,
                format!(
                    "snapshot {} of the shard holds bytes hashing to {}: run `brandguard evidence verify` on the shard",
                    c.snapshot.sha256, stored.sha256
                ),
            ));
        }
        out.snapshots_copied += u64::from(!stored.deduplicated);
        snap.stored_size = stored.stored_size;
        snap.deduplicated = stored.deduplicated;
    }
    Ok(snap)
}

/// What an interrupted merge already copied into a target scan: its captures (by
/// URL and send time, with their target sequence numbers), the listings it
/// observed, and the pages that answered 404/410.
#[derive(Default)]
struct Copied {
    captures: HashMap<(String, DateTime<Utc>), u64>,
    observed: std::collections::HashSet<(String, String)>,
    /// Seller identities copied: (marketplace, seller id, target capture).
    identities: std::collections::HashSet<(String, String, u64)>,
    /// Rendered captures copied: (marketplace, listing id, target capture).
    renders: std::collections::HashSet<(String, String, u64)>,
    gone: crate::case::Gone,
    /// Listings the shards' rechecks found gone by what their page showed (a soft
    /// 404, a redirect to no listing; `ScanSummary::gone_by_page`): a 404 or 410
    /// says so by itself, these only with the shard's judgement.
    gone_by_page: BTreeSet<String>,
    /// The marketplaces, to tell a 404 of theirs from one of another site a
    /// listing redirected to (see [`ended_on_its_site`]).
    marketplaces: Vec<crate::config::Marketplace>,
}

impl Copied {
    fn of(
        (config, target): (&Config, &Store),
        scan: Option<u64>,
        gone_by_page: BTreeSet<String>,
        summary: &mut ScanSummary,
    ) -> Result<Self, ScanError> {
        let mut done = Copied {
            gone_by_page,
            marketplaces: config.marketplaces.clone(),
            ..Copied::default()
        };
        let Some(scan) = scan else {
            return Ok(done);
        };
        for (seq, c) in target.captures(scan)? {
            note_gone(
                &mut done.gone,
                &c,
                seq,
                (&done.gone_by_page, &done.marketplaces),
            );
            done.captures
                .insert((c.page.url.to_string(), c.page.sent_at), seq);
        }
        for id in target.identities(None)?.into_values() {
            if id.scan_id == scan {
                done.identities.insert((
                    id.identity.marketplace,
                    id.identity.seller_id,
                    id.capture_log_seq,
                ));
            }
        }
        for r in target.renders()? {
            if r.scan_id == scan {
                done.renders
                    .insert((r.marketplace, r.listing_id, r.capture_log_seq));
            }
        }
        for o in target.observations(scan) {
            let o = o?;
            summary.count(&o);
            done.observed
                .insert((o.listing.marketplace, o.listing.listing_id));
        }
        Ok(done)
    }
}

/// The findings an observation carried, as the shard judged them, in the words the
/// observation keeps (the shard's finding records hold those of its latest scan).
fn findings_of(
    shard: &Store,
    obs: &crate::evidence::Observation,
) -> Result<Vec<Finding>, EvidenceError> {
    let mut out = Vec::new();
    for kind in &obs.findings {
        let key = finding_key_of(&obs.listing.marketplace, &obs.listing.listing_id, *kind);
        if let Some(mut r) = shard.finding(&key)? {
            if let Some(words) = obs.finding_details.get(kind) {
                r.finding.detail = words.clone();
            }
            out.push(r.finding);
        }
    }
    Ok(out)
}

fn corrupt(tree: &'static str, seq: u64, message: String) -> ScanError {
    ScanError::Evidence(EvidenceError::Corrupt {
        tree,
        key: seq.to_string(),
        message,
    })
}

/// Adds a shard scan's fetch counters to the merged scan's summary.
fn add_counts(s: &mut ScanSummary, shard: Option<&serde_json::Value>) {
    let Some(v) = shard else { return };
    let n = |k: &str| v.get(k).and_then(|x| x.as_u64()).unwrap_or(0);
    s.pages_fetched += n("pages_fetched");
    s.pages_resumed += n("pages_resumed");
    s.not_modified += n("not_modified");
    s.bytes_fetched += n("bytes_fetched");
    s.snapshots_new += n("snapshots_new");
    s.snapshots_deduplicated += n("snapshots_deduplicated");
    s.snapshot_bytes_new += n("snapshot_bytes_new");
    s.snapshot_bytes_stored += n("snapshot_bytes_stored");
    s.pages_truncated += n("pages_truncated");
    s.robots_blocked += n("robots_blocked");
    s.rechecked += n("rechecked");
    s.listings_gone += n("listings_gone");
    if let Some(f) = v.get("failures").and_then(|f| f.as_object()) {
        for (k, c) in f {
            *s.failures.entry(k.clone()).or_default() += c.as_u64().unwrap_or(0);
        }
    }
    if let Some(f) = v.get("failure_first").and_then(|f| f.as_object()) {
        for (k, example) in f {
            if let Some(e) = example.as_str() {
                s.failure_first
                    .entry(k.clone())
                    .or_insert_with(|| e.to_string());
            }
        }
    }
    for (key, into) in [
        ("hosts_cut_off", &mut s.hosts_cut_off),
        ("budget_exhausted", &mut s.budget_exhausted),
        // A marketplace a shard could not look at was not looked at that night.
        ("not_looked", &mut s.not_looked),
        ("degraded", &mut s.degraded),
        ("listings_not_looked", &mut s.listings_not_looked),
        ("gone_by_page", &mut s.gone_by_page),
    ] {
        for h in v[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str())
        {
            if !into.iter().any(|x| x == h) {
                into.push(h.to_string());
            }
        }
    }
    if let Some(m) = v.get("marketplaces").and_then(|m| m.as_object()) {
        for (name, st) in m {
            let st: super::MarketplaceStats =
                serde_json::from_value(st.clone()).unwrap_or_default();
            let e = s.market(name);
            e.search_pages += st.search_pages;
            e.listing_pages += st.listing_pages;
            e.robots_blocked += st.robots_blocked;
            e.failures += st.failures;
            e.search_failures += st.search_failures;
            e.recheck_failures += st.recheck_failures;
            e.blocked += st.blocked;
            e.not_reached += st.not_reached;
            e.rechecks_gone += st.rechecks_gone;
            e.listings_in_results += st.listings_in_results;
            e.listings_disallowed += st.listings_disallowed;
            e.listings_ended += st.listings_ended;
            e.searches_cut += st.searches_cut;
            e.links_elsewhere += st.links_elsewhere;
            if e.link_elsewhere_example.is_none() {
                e.link_elsewhere_example = st.link_elsewhere_example.clone();
            }
            e.no_offer_pages += st.no_offer_pages;
            e.prices_in_cart += st.prices_in_cart;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marketplace_one_shard_could_not_look_at_is_not_looked_at_that_night() {
        let mut night = ScanSummary::default();
        let looked = serde_json::json!({"not_looked": [], "degraded": []});
        let blocked = serde_json::json!({"not_looked": ["tmart"], "degraded": ["tmart"]});
        add_counts(&mut night, Some(&looked));
        add_counts(&mut night, Some(&blocked));
        add_counts(&mut night, Some(&blocked));
        assert_eq!(night.not_looked, vec!["tmart".to_string()]);
        assert_eq!(night.degraded, vec!["tmart".to_string()]);
    }

    #[test]
    fn listings_a_shard_could_not_read_are_not_read_that_night() {
        let mut night = ScanSummary::default();
        let shard = serde_json::json!({
            "listings_not_looked": ["http://127.0.0.1/detail/7.html"],
            "marketplaces": {"tmart": {"listings_in_results": 9, "listings_disallowed": 3}}
        });
        add_counts(&mut night, Some(&shard));
        add_counts(&mut night, Some(&shard));
        assert_eq!(
            night.listings_not_looked,
            vec!["http://127.0.0.1/detail/7.html".to_string()]
        );
        let tmart = &night.marketplaces["tmart"];
        assert_eq!(
            (tmart.listings_in_results, tmart.listings_disallowed),
            (18, 6)
        );
    }
}
