//! The desk's pages: the queue of findings, the cases, a case, the scans, the
//! distributors' scorecards, and the sandboxed viewer of captured pages.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{Actor, Desk, DeskError};
use crate::evidence::FindingRecord;
use crate::judge::FindingKind;
use crate::sanitize::terminal;
use axum::Extension;

/// Longest text of a page (seller name, title) shown in a cell; the rest is cut.
const CELL: usize = 200;

/// Listings of a case shown with their captures on its page; the rest are named.
const LISTINGS_SHOWN: usize = 40;

/// The queue's filters, from the query string.
#[derive(Debug, Default, Deserialize)]
pub(super) struct QueueFilter {
    #[serde(default)]
    marketplace: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    seller: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    distributor: String,
    /// `all` shows suspected findings too (default: confirmed and suspected).
    #[serde(default)]
    show: String,
}

impl QueueFilter {
    /// Whether finding `fi` (sold by `seller`, of `distributor`) passes the filters.
    fn admits(&self, fi: &crate::judge::Finding, seller: &str, distributor: Option<&str>) -> bool {
        let f = self;
        (f.marketplace.is_empty() || f.marketplace == fi.marketplace)
            && (f.kind.is_empty() || f.kind == fi.kind.as_str())
            && (f.sku.is_empty() || f.sku == fi.sku)
            && (f.seller.is_empty()
                || seller.to_lowercase().contains(&f.seller.to_lowercase())
                || fi.seller_id.as_deref() == Some(f.seller.as_str()))
            && (f.distributor.is_empty() || distributor == Some(f.distributor.as_str()))
    }
}

/// How much a kind of finding matters, most first: what the queue sorts by after
/// confirmation.
fn severity(k: FindingKind) -> u8 {
    match k {
        FindingKind::SuspectedCounterfeit => 0,
        FindingKind::UnauthorizedSeller => 1,
        FindingKind::UndeclaredShop => 2,
        FindingKind::TerritoryBreach => 3,
        FindingKind::BelowFloor => 4,
        FindingKind::PromotionOverrun => 5,
    }
}

/// Runs `f` on the desk off the async threads (a large store's walk must not
/// stall the scan's tasks).
pub(super) async fn blocking<T: Send + 'static>(
    d: &Arc<Desk>,
    f: impl FnOnce(&Desk) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, DeskError> {
    let desk = Arc::clone(d);
    tokio::task::spawn_blocking(move || f(&desk))
        .await
        .map_err(|e| DeskError::BadRequest(format!("the page's work failed: {e}")))?
}

/// The data of heavy page `key`, reused for [`super::PAGE_TTL`] (see
/// `Desk::cache`), else built by `f` off the async threads, one at a time.
async fn cached(
    d: &Arc<Desk>,
    key: String,
    f: impl FnOnce(&Desk) -> Result<serde_json::Value, DeskError> + Send + 'static,
) -> Result<serde_json::Value, DeskError> {
    if let Some(v) = d.cache.fresh(&key) {
        return Ok(v);
    }
    let _one = d.cache.building.lock().await;
    if let Some(v) = d.cache.fresh(&key) {
        return Ok(v);
    }
    let generation = d.cache.generation();
    let v = blocking(d, f).await?;
    d.cache.put(key, v.clone(), generation);
    Ok(v)
}

/// `/`: open findings, confirmed first, most severe and newest first.
pub(super) async fn queue(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Query(f): Query<QueueFilter>,
) -> Result<Html<String>, DeskError> {
    let key = format!("queue {f:?}");
    let ctx = cached(&d, key, move |desk| queue_rows(desk, &f)).await?;
    d.page(&actor, "queue.html", ctx)
}

fn queue_rows(d: &Desk, f: &QueueFilter) -> Result<serde_json::Value, DeskError> {
    let store = &d.store;
    let config = d.config();
    let confirm = &config.brand.confirm;
    // Finding key → its case, and the case's distributor.
    let mut case_of: HashMap<String, (String, Option<String>)> = HashMap::new();
    for c in crate::case::all(store)? {
        for k in &c.open_findings {
            case_of.insert(k.clone(), (c.id.clone(), c.authorized_seller.clone()));
        }
    }
    let shots = newest_screenshots(store)?;
    let mut rows: Vec<(bool, u8, chrono::DateTime<chrono::Utc>, serde_json::Value)> = Vec::new();
    let mut facets: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    for r in store.findings() {
        let r: FindingRecord = r?;
        if r.resolved.is_some() {
            continue;
        }
        let fi = &r.finding;
        let (case_id, distributor) = case_of.get(&r.key()).cloned().unwrap_or_default();
        let seller = fi
            .seller_name
            .clone()
            .or(fi.seller_id.clone())
            .unwrap_or_default();
        facets
            .entry("marketplace")
            .or_default()
            .insert(fi.marketplace.clone());
        facets
            .entry("kind")
            .or_default()
            .insert(fi.kind.as_str().into());
        if let Some(dist) = &distributor {
            facets
                .entry("distributor")
                .or_default()
                .insert(dist.clone());
        }
        if !f.admits(fi, &seller, distributor.as_deref()) {
            continue;
        }
        let confirmed = r.confirmed(confirm.captures, confirm.min_span());
        if f.show == "confirmed" && !confirmed {
            continue;
        }
        let shot = shots
            .get(&(fi.marketplace.clone(), fi.listing_id.clone()))
            .cloned();
        rows.push((
            confirmed,
            severity(fi.kind),
            r.last_seen,
            queue_row(
                &r,
                &seller,
                (&case_id, distributor.as_deref()),
                confirmed,
                shot,
            ),
        ));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
    let total = rows.len();
    // A queue of thousands is filtered, not scrolled: the page shows the first 500.
    let shown: Vec<_> = rows.into_iter().take(500).map(|r| r.3).collect();
    Ok(json!({
        "title": "Queue",
        "rows": shown,
        "total": total,
        "facets": facets,
        "filter": {
            "marketplace": f.marketplace, "kind": f.kind, "seller": f.seller,
            "sku": f.sku, "distributor": f.distributor, "show": f.show,
        },
    }))
}

/// One line of the queue: finding record `r` of `seller`, its case and
/// distributor, whether it is confirmed, its screenshot.
fn queue_row(
    r: &FindingRecord,
    seller: &str,
    (case_id, distributor): (&str, Option<&str>),
    confirmed: bool,
    shot: Option<Screenshot>,
) -> serde_json::Value {
    let fi = &r.finding;
    json!({
        "key": r.key(),
        "kind": fi.kind.as_str(),
        // A seller can be authorised from the queue when the page gave its id.
        "authorizable": fi.kind == FindingKind::UnauthorizedSeller && fi.seller_id.is_some(),
        "marketplace": fi.marketplace,
        "listing_id": terminal(&fi.listing_id, CELL),
        "url": fi.url,
        "seller": terminal(seller, CELL),
        "sku": terminal(&fi.sku, CELL),
        "price": fi.observed.as_ref().map(|m| m.to_string()),
        "floor": fi.floor.as_ref().map(|m| m.to_string()),
        "detail": terminal(&fi.detail, 400),
        "confirmed": confirmed,
        "times_seen": r.times_seen,
        "first_seen": r.first_seen.format("%Y-%m-%d").to_string(),
        "last_seen": r.last_seen.format("%Y-%m-%d").to_string(),
        "case": case_id,
        "distributor": distributor,
        "screenshot": shot,
    })
}

/// A listing's newest rendered capture as the desk shows it: its PNG, when it was
/// rendered, and how it shows otherwise than the page it renders (its price, its
/// seller), if it does.
#[derive(Debug, Clone, serde::Serialize)]
struct Screenshot {
    png: String,
    rendered: String,
    shows_otherwise: Vec<String>,
}

/// `(marketplace, listing id)` → its newest rendered capture. One that shows
/// otherwise than the page the findings were read from is shown all the same, with
/// how it differs: leaving it out showed the reviewer an older render that agreed,
/// or none, and hid that a buyer's browser showed another price or seller (the
/// packet refuses to file it; the reviewer deciding on the finding should see why).
fn newest_screenshots(
    store: &crate::evidence::Store,
) -> Result<HashMap<(String, String), Screenshot>, DeskError> {
    Ok(store
        .renders()?
        .into_iter()
        .map(|r| {
            let shot = Screenshot {
                png: r.png.sha256,
                rendered: r.meta.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                shows_otherwise: r.shows_otherwise.iter().map(|s| terminal(s, 600)).collect(),
            };
            ((r.marketplace, r.listing_id), shot)
        })
        .collect())
}

/// `/cases`: every case, one line each.
pub(super) async fn cases(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
) -> Result<Html<String>, DeskError> {
    let rows = blocking(&d, move |desk| {
        Ok(crate::case::all(&desk.store)?
            .into_iter()
            .map(|c| case_line(&c))
            .collect::<Vec<_>>())
    })
    .await?;
    d.page(
        &actor,
        "cases.html",
        json!({"title": "Cases", "cases": rows}),
    )
}

fn case_line(c: &crate::case::Case) -> serde_json::Value {
    json!({
        "id": c.id,
        "marketplace": c.marketplace,
        "state": c.state.as_str(),
        "path": c.path.path.as_str(),
        "priority": format!("{:?}", c.path.priority).to_lowercase(),
        "open": c.open_findings.len(),
        "seller": terminal(c.seller_name.as_deref().or(c.seller_id.as_deref()).unwrap_or("?"), CELL),
        "distributor": c.authorized_seller,
        "updated": c.updated_at.format("%Y-%m-%d %H:%M").to_string(),
    })
}

/// `/cases/ID`: the case's path and why, its findings with their captures, its
/// history, its packets, and the forms of every step.
pub(super) async fn case(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> Result<Html<String>, DeskError> {
    let ctx = blocking(&d, move |desk| case_context(desk, &id)).await?;
    d.page(&actor, "case.html", ctx)
}

fn case_context(d: &Desk, id: &str) -> Result<serde_json::Value, DeskError> {
    let store = &d.store;
    let c = crate::case::get(store, id)?;
    let shots = newest_screenshots(store)?;
    let out = listings_of(store, &c, &shots)?;
    let events: Vec<_> = c
        .events
        .iter()
        .rev()
        .map(|e| {
            json!({
                "at": e.at.format("%Y-%m-%d %H:%M UTC").to_string(),
                "action": e.action,
                "by": terminal(&e.by, CELL),
                "reason": e.reason.as_deref().map(|r| terminal(r, 2000)),
                "reference": e.reference.as_deref().map(|r| terminal(r, CELL)),
                "revision": e.revision,
            })
        })
        .collect();
    let packets: Vec<_> = c
        .packets
        .iter()
        .map(|p| {
            json!({
                "revision": p.revision, "format": p.format,
                "built_at": p.built_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                "manifest_sha256": p.manifest_sha256,
                "zip": super::actions::packet_zip_name(d, &c, p.revision),
            })
        })
        .collect();
    Ok(json!({
        "title": format!("Case {}", c.id),
        "case": case_line(&c),
        "reason": terminal(&c.path.reason, 2000),
        "seller_id": c.seller_id.as_deref().map(|s| terminal(s, CELL)),
        "listings": out,
        "events": events,
        "packets": packets,
        "grounds": c.grounds.iter().map(|g| json!({
            "listing": terminal(&g.listing, CELL), "kind": g.kind, "by": terminal(&g.by, CELL),
            "at": g.at.format("%Y-%m-%d").to_string(),
            "order_id": g.order_id.as_deref().map(|o| terminal(o, CELL)),
            "file_name": g.file_name.as_deref().map(|f| terminal(f, CELL)),
            "file_sha256": g.file_sha256,
        })).collect::<Vec<_>>(),
    }))
}

/// Each listing of case `c`: its kinds of finding (open or resolved), its newest
/// captures and its screenshot.
fn listings_of(
    store: &crate::evidence::Store,
    c: &crate::case::Case,
    shots: &HashMap<(String, String), Screenshot>,
) -> Result<Vec<serde_json::Value>, DeskError> {
    let mut listings: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for k in &c.findings {
        let mut parts = k.splitn(3, '/');
        if let (Some(m), Some(l), Some(kind)) = (parts.next(), parts.next(), parts.next()) {
            listings
                .entry((m.to_string(), l.to_string()))
                .or_default()
                .push(kind.to_string());
        }
    }
    // A case of hundreds of listings: the first LISTINGS_SHOWN in full, the rest
    // by name only (their captures are in the packet and `case show`).
    let wanted: std::collections::BTreeSet<(String, String)> =
        listings.keys().take(LISTINGS_SHOWN).cloned().collect();
    let mut histories = store.histories(&wanted)?;
    let mut out = Vec::new();
    for ((m, l), kinds) in listings {
        let shown = wanted.contains(&(m.clone(), l.clone()));
        let captures: Vec<_> = histories
            .remove(&(m.clone(), l.clone()))
            .unwrap_or_default()
            .into_iter()
            .rev()
            .take(20)
            .map(|o| {
                json!({
                    "at": o.page.received_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    "sha": o.snapshot.sha256,
                    "status": o.page.status,
                    "price": o.listing.price.as_ref().map(|p| p.to_string()),
                    "kinds": o.findings.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                    "seq": o.capture_log_seq,
                })
            })
            .collect();
        let open: Vec<_> = kinds
            .iter()
            .filter(|k| c.open_findings.contains(&format!("{m}/{l}/{k}")))
            .cloned()
            .collect();
        out.push(json!({
            "marketplace": m,
            "listing_id": terminal(&l, CELL),
            "kinds": kinds,
            "open": open,
            "shown": shown,
            "captures": captures,
            "screenshot": shots.get(&(m.clone(), l.clone())),
        }));
    }
    Ok(out)
}

/// A stored page or picture's SHA-256 from a path: 64 lowercase hex digits.
fn sha_of(s: &str) -> Result<String, DeskError> {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(DeskError::NotFound(format!(
            "no stored page {}",
            terminal(s, 80)
        )))
    }
}

/// `/capture/SHA`: the exact bytes of a captured page, shown as the page it was,
/// but sandboxed: `sandbox` without `allow-scripts` or `allow-same-origin` runs
/// no script and gives the page an opaque origin (no cookie of the desk, no
/// same-origin request), and `default-src 'none'` lets it fetch nothing (its
/// images and styles are not loaded; the page's own bytes are the evidence).
pub(super) async fn capture(
    State(d): State<Arc<Desk>>,
    Path(sha): Path<String>,
) -> Result<Response, DeskError> {
    let sha = sha_of(&sha)?;
    let key = sha.clone();
    let bytes = blocking(&d, move |desk| Ok(desk.store.snapshot(&key)?)).await?;
    let Some(bytes) = bytes else {
        return Err(DeskError::NotFound(format!("no stored page {sha}")));
    };
    Ok((
        [
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::CONTENT_TYPE, "text/html"),
            (header::CACHE_CONTROL, "private, max-age=86400, immutable"),
        ],
        bytes,
    )
        .into_response())
}

/// `/screenshot/SHA`: a rendered capture's PNG.
pub(super) async fn screenshot(
    State(d): State<Arc<Desk>>,
    Path(sha): Path<String>,
) -> Result<Response, DeskError> {
    let sha = sha_of(&sha)?;
    let key = sha.clone();
    let bytes = blocking(&d, move |desk| Ok(desk.store.snapshot(&key)?)).await?;
    match bytes {
        Some(b) if b.starts_with(b"\x89PNG") => Ok((
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "private, max-age=86400, immutable"),
            ],
            b,
        )
            .into_response()),
        _ => Err(DeskError::NotFound(format!("no screenshot {sha}"))),
    }
}

/// `/scans`: each scan's coverage, failures and cost, newest first; a button
/// starts one now.
pub(super) async fn scans(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
) -> Result<Html<String>, DeskError> {
    let rows = blocking(&d, move |desk| {
        let mut rows = Vec::new();
        for r in desk.store.scans() {
            let r = r?;
            let s = r.summary.unwrap_or_default();
            let n = |k: &str| s.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
            rows.push(json!({
                "id": r.scan_id,
                "started": r.started_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                "as_of": r.as_of.map(|a| a.format("%Y-%m-%d").to_string()),
                "finished": r.finished_at.map(|f| f.format("%Y-%m-%d %H:%M UTC").to_string()),
                "listings": n("listings_seen"),
                "pages": n("pages_fetched"),
                "findings": n("findings_new"),
                "robots": n("robots_blocked"),
                "unreadable": n("pages_unreadable"),
                "failures": s.get("failures").cloned().unwrap_or_default(),
                "not_looked": s.get("not_looked").cloned().unwrap_or_default(),
                "unmatched": s.get("adapter_unmatched").cloned().unwrap_or_default(),
                "secs": s.get("duration_secs").and_then(|v| v.as_f64()).map(|v| format!("{v:.1}")),
                "cpu": s.pointer("/usage/cpu_secs").and_then(|v| v.as_f64()).map(|v| format!("{v:.1}")),
            }));
        }
        rows.reverse();
        Ok(rows)
    })
    .await?;
    d.page(
        &actor,
        "scans.html",
        json!({"title": "Scans", "scans": rows}),
    )
}

/// The distributors page's month (`?period=2026-11`, default this month).
#[derive(Debug, Default, Deserialize)]
pub(super) struct PeriodQuery {
    #[serde(default)]
    period: String,
}

/// `/distributors`: each distributor's scorecard for a month, and its escalation step.
pub(super) async fn distributors(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<PeriodQuery>,
) -> Result<Html<String>, DeskError> {
    let label = if q.period.is_empty() {
        chrono::Utc::now().format("%Y-%m").to_string()
    } else {
        q.period.clone()
    };
    let period: crate::report::compliance::Period = label.parse().map_err(DeskError::BadRequest)?;
    let ctx = cached(&d, format!("distributors {label}"), move |desk| {
        let report = crate::report::compliance::build(&desk.config(), &desk.store, period, None)?;
        // Each distributor's price charts, drawn as the compliance report draws them.
        let charts: BTreeMap<&String, Vec<serde_json::Value>> = report
            .charts
            .iter()
            .map(|(id, cs)| {
                let views = cs
                    .iter()
                    .map(|c| crate::report::compliance::chart_view(c, period))
                    .collect();
                (id, views)
            })
            .collect();
        Ok(json!({
            "title": "Distributors",
            "period": report.period,
            "scans": report.scans,
            "scorecards": report.scorecards,
            "charts": charts,
        }))
    })
    .await?;
    d.page(&actor, "distributors.html", ctx)
}

/// `/distributors/ID/report?period=2026-11`: the report a channel manager sends
/// that distributor (only its listings, as `report compliance --distributor`
/// writes it), as a zip of report.html, the CSVs and the screenshots.
pub(super) async fn distributor_report(
    State(d): State<Arc<Desk>>,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, DeskError> {
    if !d.config().brand.sellers.iter().any(|s| s.id == id) {
        return Err(DeskError::NotFound(format!(
            "no distributor {} in brand.toml",
            terminal(&id, 80)
        )));
    }
    let period: crate::report::compliance::Period =
        q.period.parse().map_err(DeskError::BadRequest)?;
    let who = id.clone();
    let bytes = blocking(&d, move |desk| {
        let io = |e: std::io::Error| DeskError::BadRequest(format!("cannot write the report: {e}"));
        let tmp = tempfile::tempdir().map_err(io)?;
        let out = tmp.path().join("report");
        let r = crate::report::compliance::build(&desk.config(), &desk.store, period, Some(&who))?;
        crate::report::compliance::write(&desk.config(), &r, period, &out)?;
        crate::report::compliance::write_screenshots(&desk.store, &r, &out)?;
        let mut files = std::collections::BTreeMap::new();
        for e in walk(&out).map_err(io)? {
            let name = e
                .strip_prefix(&out)
                .unwrap_or(&e)
                .to_string_lossy()
                .to_string();
            files.insert(name, std::fs::read(&e).map_err(io)?);
        }
        let zip = tmp.path().join("report.zip");
        crate::report::packet::write_zip(&zip, &files)?;
        std::fs::read(&zip).map_err(io)
    })
    .await?;
    let name = format!(
        "report-{}-{}.zip",
        crate::sanitize::file_name(&id, 60),
        period.label()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Every file under `dir`, depth first.
fn walk(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            out.extend(walk(&p)?);
        } else {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// `/dismissals`: the false positives reviewers dismissed (the targets'
/// `dismissals.toml`), each with an Undo.
pub(super) async fn dismissals(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
) -> Result<Html<String>, DeskError> {
    let config = d.config();
    let all = crate::judge::dismissals::Dismissals::load(&config.dir)
        .map_err(|e| DeskError::BadRequest(e.to_string()))?;
    let rows: Vec<_> = all
        .0
        .iter()
        .enumerate()
        .map(|(n, x)| {
            json!({
                "n": n,
                "at": x.at.to_rfc3339(),
                "when": x.at.format("%Y-%m-%d %H:%M").to_string(),
                "finding": format!("{}/{}", x.marketplace, terminal(&x.listing_id, CELL)),
                "kind": x.kind.as_str(),
                "seller": terminal(&x.seller, CELL),
                "sku": terminal(&x.sku, CELL),
                "price": x.price,
                "title": terminal(&x.title, CELL),
                "reason": terminal(&x.reason, 400),
                "by": terminal(&x.by, 64),
            })
        })
        .collect();
    d.page(
        &actor,
        "dismissals.html",
        json!({"title": "Dismissed false positives", "dismissals": rows, "file": config.dir.join(crate::judge::dismissals::FILE).display().to_string()}),
    )
}
