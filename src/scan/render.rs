//! The scan's browser ([`crate::render`]): started on the first page that needs
//! it, so a night without confirmed findings never starts one; started again when
//! it dies (at most [`RESTARTS`] times); closed (and every process of it killed)
//! when the scan finishes.
//!
//! `render = "findings"`: once a finding on a listing is confirmed (`[confirm]`),
//! the listing's page is rendered once per case revision: not again while the
//! case has no new packet, however the page's bytes change (real pages change on
//! every fetch); after a packet, once more when the page the findings rest on has
//! changed (a render is keyed by the SHA-256 of the bytes the finding was read
//! from, so the screenshot a packet shows is of the page the finding rests on). A render that fails (no browser, a crash, a hang) is counted
//! under `render_REASON` and tried again by the next scan, which finds no
//! rendered capture for that page.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use url::Url;

use super::{Run, ScanError, Stored};
use crate::config::{Config, Marketplace, RenderMode};
use crate::evidence::{RenderOf, Store};
use crate::judge::Finding;
use crate::render::{RenderError, Rendered, Renderer};

/// How many times a run starts its browser again after it died (a crash, the
/// out-of-memory killer): past that, the rest of the run's renders fail (the next
/// scan, or packet, makes them).
const RESTARTS: u32 = 2;

/// A run's browser (a scan's, or a packet's renders): started on first use,
/// started again when it dies.
pub(super) struct Browser {
    settings: crate::config::RenderSettings,
    fetcher: Arc<crate::crawl::Fetcher>,
    state: tokio::sync::Mutex<BrowserState>,
}

#[derive(Default)]
struct BrowserState {
    /// The running browser and its generation (1 for the first start).
    current: Option<(Arc<Renderer>, u32)>,
    generation: u32,
    /// Starts after a death so far.
    restarts: u32,
    /// Why no browser is to be had for the rest of the run: it is missing, it
    /// could not start, or it died more than [`RESTARTS`] times.
    given_up: Option<RenderError>,
}

impl Browser {
    pub(super) fn new(
        settings: &crate::config::RenderSettings,
        fetcher: Arc<crate::crawl::Fetcher>,
    ) -> Browser {
        Browser {
            settings: settings.clone(),
            fetcher,
            state: tokio::sync::Mutex::new(BrowserState::default()),
        }
    }

    /// Renders `url`. A browser that dies under the page is started again (at
    /// most [`RESTARTS`] times a run) and the page tried once more in the new one.
    pub(super) async fn render(
        &self,
        url: &Url,
        reveal: &[String],
    ) -> Result<Rendered, RenderError> {
        let mut tried = 0;
        loop {
            let (renderer, generation) = self.renderer().await?;
            match renderer.render(url, reveal).await {
                Err(RenderError::BrowserGone(why)) if tried == 0 => {
                    tried += 1;
                    self.died(generation, &why).await;
                }
                Err(RenderError::BrowserGone(why)) => {
                    self.died(generation, &why).await;
                    return Err(RenderError::BrowserGone(why));
                }
                other => return other,
            }
        }
    }

    /// The browser and its generation, started on first use and after a death
    /// ([`Browser::died`]); an error once it could not be started.
    async fn renderer(&self) -> Result<(Arc<Renderer>, u32), RenderError> {
        let mut b = self.state.lock().await;
        if let Some((r, generation)) = &b.current {
            return Ok((r.clone(), *generation));
        }
        if let Some(e) = &b.given_up {
            return Err(e.clone());
        }
        match Renderer::start(&self.settings, self.fetcher.clone()).await {
            Ok(r) => {
                tracing::info!(
                    browser = r.version(),
                    restarts = b.restarts,
                    "browser started for rendered captures"
                );
                b.generation += 1;
                let started = (Arc::new(r), b.generation);
                b.current = Some(started.clone());
                Ok(started)
            }
            Err(e) => {
                tracing::warn!(error = %e, "no rendered captures in the rest of this run");
                b.given_up = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The browser of `generation` died: dropped (which kills what is left of it),
    /// so the next page starts another, unless it died [`RESTARTS`] times already.
    /// Pages that saw the same death report it once: only the first one counts.
    async fn died(&self, generation: u32, why: &str) {
        let mut b = self.state.lock().await;
        if b.current.as_ref().is_none_or(|(_, g)| *g != generation) {
            return;
        }
        b.current = None;
        if b.restarts >= RESTARTS {
            tracing::warn!(
                error = why,
                "the browser died again; no rendered captures in the rest of this run"
            );
            b.given_up = Some(RenderError::BrowserGone(format!(
                "it died {} times in this run, the last time: {why}",
                b.restarts + 1
            )));
        } else {
            b.restarts += 1;
            tracing::warn!(
                error = why,
                restart = b.restarts,
                "the browser died; starting it again"
            );
        }
    }

    /// Closes the browser, if one is running (a dead one was dropped, which
    /// killed what was left of it).
    pub(super) async fn close(self) {
        if let Some((r, _)) = self.state.into_inner().current {
            match Arc::try_unwrap(r) {
                Ok(r) => r.close().await,
                // Still held (cannot be once the run's tasks ended): dropping the
                // last holder kills the browser's processes.
                Err(r) => drop(r),
            }
        }
    }
}

/// The browser of a scan and the pages already rendered.
pub(super) struct Renders {
    /// Made on the first page to render (the fetcher is the scan's).
    browser: std::sync::OnceLock<Browser>,
    /// `(marketplace, listing id, page SHA-256)` rendered before or in this scan.
    done: Mutex<HashSet<(String, String, String)>>,
    /// `(marketplace, listing id)` with a render in its case's current revision
    /// (made after the case's last packet, or the case has none): its page is not
    /// rendered again however its bytes change (real pages change on every fetch:
    /// tokens, counters, recommendations) until a packet starts a new revision.
    current: Mutex<HashSet<(String, String)>>,
}

impl Renders {
    /// The pages rendered so far, when any marketplace renders at all.
    pub(super) fn of(store: &Store, config: &Config) -> Result<Renders, ScanError> {
        let wanted = config
            .marketplaces
            .iter()
            .any(|m| config.render_mode(m) != RenderMode::Never);
        let (done, current) = if wanted {
            let renders = store.renders()?;
            let current = current_revision(&renders, &crate::case::all(store)?);
            (renders.iter().map(|r| r.page_key()).collect(), current)
        } else {
            (HashSet::new(), HashSet::new())
        };
        Ok(Renders {
            browser: std::sync::OnceLock::new(),
            done: Mutex::new(done),
            current: Mutex::new(current),
        })
    }

    fn current(&self) -> std::sync::MutexGuard<'_, HashSet<(String, String)>> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn done(&self) -> std::sync::MutexGuard<'_, HashSet<(String, String, String)>> {
        self.done.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Closes the browser, if one was started.
    pub(super) async fn close(self) {
        if let Some(b) = self.browser.into_inner() {
            b.close().await;
        }
    }
}

/// A listing page whose findings were just recorded.
pub(super) struct Judged<'a> {
    pub url: &'a Url,
    pub listing_id: &'a str,
    pub stored: &'a Stored,
    pub findings: &'a [Finding],
    /// The price and seller the findings were read from, which a render beside
    /// them must show.
    pub offer: crate::extract::Offer,
}

impl Run<'_> {
    /// Renders the listing's page if a finding on it is now confirmed and this
    /// content has not been rendered yet (`render = "findings"`).
    pub(super) async fn render_confirmed(
        &self,
        m: &Marketplace,
        judged: Judged<'_>,
    ) -> Result<(), ScanError> {
        if self.config.render_mode(m) != RenderMode::Findings || judged.findings.is_empty() {
            return Ok(());
        }
        let key = (
            m.name.clone(),
            judged.listing_id.to_string(),
            judged.stored.snapshot.sha256.clone(),
        );
        let listing = (key.0.clone(), key.1.clone());
        if self.renders.done().contains(&key)
            || self.renders.current().contains(&listing)
            || !self.any_confirmed(judged.findings)?
        {
            return Ok(());
        }
        // Claimed before rendering: a listing reached twice in a scan renders once.
        if !self.renders.done().insert(key.clone()) {
            return Ok(());
        }
        let rendered = self.render(judged.url, m).await;
        // The browser fetched the page again: what it was shown must be the listing
        // (not a captcha, a challenge or an error page) to stand beside the finding.
        let rendered = rendered.and_then(|r| self.shown_a_listing(judged.url, r));
        match rendered {
            Ok(r) => self.keep_confirmed_render(m, &judged, r).await?,
            Err(e) => {
                // Not rendered: the next scan tries again.
                self.renders.done().remove(&key);
                tracing::warn!(url = %judged.url, error = %e, "rendered capture failed");
                self.with(|s| s.fail_render(e.reason(), format!("{}: {e}", judged.url)));
            }
        }
        Ok(())
    }

    /// Records the render of a confirmed finding's page with how it shows otherwise
    /// than the fetched page ([`offer_of`]). One that shows the same is the
    /// listing's render for its case's revision; one that shows another price or
    /// seller is kept as evidence but counted as a failed render
    /// (`render_shows_otherwise`): a packet does not show it as what a buyer saw of
    /// the findings, and the next scan whose fetch of the page changed renders it again.
    async fn keep_confirmed_render(
        &self,
        m: &Marketplace,
        judged: &Judged<'_>,
        r: Rendered,
    ) -> Result<(), ScanError> {
        let (market, url, dom) = (self.shared(m), judged.url.clone(), r.dom.clone());
        let shown = self
            .off_the_loop(move || read_rendered(&market, &url, dom))
            .await
            .map(|l| offer_of(&self.config.brand, l))
            .unwrap_or_default();
        let otherwise = judged.offer.shown_otherwise(&shown);
        self.store.record_render(
            RenderOf {
                scan_id: self.scan_id,
                marketplace: &m.name,
                listing_id: judged.listing_id,
                capture_log_seq: judged.stored.capture_seq,
                snapshot_sha256: &judged.stored.snapshot.sha256,
                shows_otherwise: &otherwise,
            },
            r,
        )?;
        if otherwise.is_empty() {
            let listing = (m.name.clone(), judged.listing_id.to_string());
            self.renders.current().insert(listing);
            self.with(|s| s.pages_rendered += 1);
            return Ok(());
        }
        let why = shows_otherwise_sentence(&otherwise);
        tracing::warn!(url = %judged.url, %why, "the rendered page shows otherwise than the fetched one");
        self.with(|s| s.fail_render("shows_otherwise", format!("{}: {why}", judged.url)));
        Ok(())
    }

    /// `render = "always"`: the listing's page as the browser shows it (the DOM
    /// after scripts ran, UTF-8), with the render to record once the listing's id
    /// is read ([`Run::keep_render`]); other modes: `page` as fetched. `None` when
    /// the page could not be rendered or the rendered page is no listing (a
    /// captcha the script showed): counted as a failed listing page, so the
    /// marketplace was not looked at in full and nothing is concluded from it.
    pub(super) async fn as_rendered(
        &self,
        m: &Marketplace,
        url: &Url,
        page: crate::crawl::Page,
    ) -> Result<Option<(crate::crawl::Page, Option<Rendered>)>, ScanError> {
        if self.config.render_mode(m) != RenderMode::Always {
            return Ok(Some((page, None)));
        }
        let rendered = match self.render(url, m).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(%url, error = %e, "listing page could not be rendered");
                let reason = format!("render_{}", e.reason());
                self.with(|s| {
                    s.renders_failed += 1;
                    s.fail(&m.name, &reason, format!("{url}: {e}"));
                });
                return Ok(None);
            }
        };
        let mut shown = page;
        shown.body = rendered.dom.clone();
        if let Ok(u) = Url::parse(&rendered.meta.final_url) {
            shown.final_url = u;
        }
        // The DOM is UTF-8 whatever the fetched page's charset was.
        shown
            .headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
        shown
            .headers
            .push(("content-type".into(), "text/html; charset=utf-8".into()));
        let verdict = self.verdict_of(&shown).await;
        let status = rendered.meta.document.as_ref().map(|d| d.status);
        if !verdict.is_ok() || status != Some(200) {
            tracing::warn!(marketplace = %m.name, %url, ?verdict, ?status, "rendered page is no listing page");
            let reason = if verdict.is_ok() {
                format!("render_http_{}", status.unwrap_or(0))
            } else {
                verdict.reason()
            };
            self.with(|s| {
                s.fail(
                    &m.name,
                    &reason,
                    format!("{url} (rendered): {verdict}, {}", http_status(status)),
                )
            });
            return Ok(None);
        }
        Ok(Some((shown, Some(rendered))))
    }

    fn shown_a_listing(&self, url: &Url, r: Rendered) -> Result<Rendered, RenderError> {
        shown_a_listing(&self.verdicts, url, r)
    }

    /// Records the render a listing was read from (`render = "always"`), naming
    /// the capture of its fetched bytes.
    pub(super) fn keep_render(
        &self,
        m: &Marketplace,
        listing_id: &str,
        stored: &Stored,
        rendered: Option<Rendered>,
    ) -> Result<(), ScanError> {
        let Some(rendered) = rendered else {
            return Ok(());
        };
        self.store.record_render(
            RenderOf {
                scan_id: self.scan_id,
                marketplace: &m.name,
                listing_id,
                capture_log_seq: stored.capture_seq,
                snapshot_sha256: &stored.snapshot.sha256,
                // The listing was read from this render: nothing to compare.
                shows_otherwise: &[],
            },
            rendered,
        )?;
        self.with(|s| s.pages_rendered += 1);
        Ok(())
    }

    /// Whether any of `findings` is confirmed by now (`[confirm]`).
    fn any_confirmed(&self, findings: &[Finding]) -> Result<bool, ScanError> {
        let c = &self.config.brand.confirm;
        let span = chrono::Duration::hours(i64::from(c.min_span_hours));
        for f in findings {
            let key = crate::evidence::finding_key(f);
            if let Some(rec) = self.store.finding(&key)?
                && rec.confirmed(c.captures, span)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Renders `url` in the scan's browser ([`Browser::render`]).
    async fn render(&self, url: &Url, m: &Marketplace) -> Result<Rendered, RenderError> {
        self.renders
            .browser
            .get_or_init(|| Browser::new(&self.config.brand.render, self.fetcher.clone()))
            .render(url, &m.reveal)
            .await
    }
}

/// `r` if the browser was shown a listing page: the document answered 200 and
/// the DOM is no captcha, challenge, login wall or shell (the verdict rules of
/// fetched pages); else why not, as a render error.
fn shown_a_listing(
    verdicts: &crate::verdict::Rules,
    url: &Url,
    r: Rendered,
) -> Result<Rendered, RenderError> {
    let status = r.meta.document.as_ref().map(|d| d.status);
    let verdict = verdicts.judge(&rendered_page(url, r.dom.clone()));
    if status == Some(200) && verdict.is_ok() {
        return Ok(r);
    }
    Err(RenderError::Page {
        url: url.clone(),
        message: format!(
            "the browser was not shown the listing ({}, {verdict})",
            http_status(status)
        ),
    })
}

/// A rendered page's HTTP status as a message says it (it printed `HTTP Some(403)`).
fn http_status(status: Option<u16>) -> String {
    status.map_or_else(|| "no HTTP status".into(), |s| format!("HTTP {s}"))
}

/// A rendered DOM as a page to read: UTF-8, whatever the fetched page's charset.
fn rendered_page(url: &Url, dom: Vec<u8>) -> crate::crawl::Page {
    let mut page = crate::crawl::Page::saved(url.clone(), dom);
    page.headers
        .push(("content-type".into(), "text/html; charset=utf-8".into()));
    page
}

/// The listing the marketplace's adapter reads from a rendered DOM (parsed off
/// the runtime: see [`offer_of`]).
fn read_rendered(m: &Marketplace, url: &Url, dom: Vec<u8>) -> crate::extract::Listing {
    crate::extract::listing(&rendered_page(url, dom), m)
}

/// The price and seller of a listing read from a rendered DOM, as the scan reads
/// a fetched page's: without the offers of variants named as other things
/// ([`crate::judge::leave_out_other_variants`]), else a render of the very page the
/// findings were read from showed "another price".
fn offer_of(brand: &crate::config::Brand, mut l: crate::extract::Listing) -> crate::extract::Offer {
    crate::judge::leave_out_other_variants(brand, &mut l);
    l.offer()
}

/// How a render shows otherwise, as one sentence for a summary or a packet.
pub fn shows_otherwise_sentence(otherwise: &[String]) -> String {
    format!(
        "the page as the browser showed it differs from the page the findings were read from ({}): no screenshot of the findings until a render shows what they were read from (a page whose scripts change its price is read rendered with render = \"always\")",
        otherwise.join("; ")
    )
}

/// What rendering a packet's pages did (see [`render_pages`]).
#[derive(Debug, Default)]
pub struct PagesRendered {
    pub rendered: usize,
    /// Pages rendered and recorded, whose render shows another price or seller
    /// than the capture the findings were read from (`shows_otherwise_sentence`):
    /// the packet does not show them as what a buyer saw, and says so.
    pub shown_otherwise: Vec<(Url, String)>,
    /// Each page not rendered, and why.
    pub failed: Vec<(Url, String)>,
}

/// Renders `pages` (a packet's listings with no rendered capture yet) and records
/// each render beside the capture it renders again, outside any scan (`scan_id`
/// 0). The browser's requests are as polite as a scan's: robots.txt for the
/// document, each marketplace's rate limit for its host; a browser that dies is
/// started again, as a scan's is (`Browser`). A page that cannot be
/// rendered, or where the browser is not shown the listing (a captcha, an error
/// page), is named in `failed` and nothing is recorded for it: the packet is then
/// built without its screenshot, and its cover says so.
pub async fn render_pages(
    config: &Config,
    store: &Store,
    pages: &[crate::evidence::PageToRender],
) -> Result<PagesRendered, ScanError> {
    let mut out = PagesRendered::default();
    if pages.is_empty() {
        return Ok(out);
    }
    let verdicts = crate::verdict::Rules::load(&config.dir)?;
    let fetcher = crate::crawl::Fetcher::new(&config.brand.crawl)?;
    super::register_hosts(&fetcher, config, false)?;
    let browser = Browser::new(&config.brand.render, Arc::new(fetcher));
    for p in pages {
        let Some(m) = config.marketplaces.iter().find(|m| m.name == p.marketplace) else {
            let why = format!("marketplace {:?} is not in the targets", p.marketplace);
            out.failed.push((p.url.clone(), why));
            continue;
        };
        let rendered = browser
            .render(&p.url, &m.reveal)
            .await
            .and_then(|r| shown_a_listing(&verdicts, &p.url, r));
        match rendered {
            Ok(r) => {
                // Parsed off the runtime: the desk serves its pages from it.
                let (market, url, dom) = (m.clone(), p.url.clone(), r.dom.clone());
                let shown = tokio::task::spawn_blocking(move || read_rendered(&market, &url, dom))
                    .await
                    .map(|l| offer_of(&config.brand, l))
                    .unwrap_or_default();
                let otherwise = p.offer.shown_otherwise(&shown);
                store.record_render(p.of(0, &otherwise), r)?;
                if otherwise.is_empty() {
                    out.rendered += 1;
                } else {
                    let why = shows_otherwise_sentence(&otherwise);
                    tracing::warn!(url = %p.url, %why, "the rendered page shows otherwise than the fetched one");
                    out.shown_otherwise.push((p.url.clone(), why));
                }
            }
            Err(e) => {
                tracing::warn!(url = %p.url, error = %e, "rendered capture failed");
                out.failed.push((p.url.clone(), e.to_string()));
            }
        }
    }
    browser.close().await;
    Ok(out)
}

/// The listings whose latest render belongs to their case's current revision: made
/// at or after the log position of the case's last packet (a case with no packet is
/// in its first revision, so any render counts).
fn current_revision(
    renders: &[crate::evidence::RenderRecord],
    cases: &[crate::case::Case],
) -> HashSet<(String, String)> {
    let mut since: std::collections::HashMap<(String, String), u64> =
        std::collections::HashMap::new();
    for c in cases {
        let Some(last) = c.packets.last() else {
            continue;
        };
        for key in &c.findings {
            // A finding key is `marketplace/listing/kind`; the listing may hold '/'.
            let Some((m, rest)) = key.split_once('/') else {
                continue;
            };
            let Some((listing, _kind)) = rest.rsplit_once('/') else {
                continue;
            };
            let at = since
                .entry((m.to_string(), listing.to_string()))
                .or_default();
            *at = (*at).max(last.log_len);
        }
    }
    renders
        .iter()
        // A render that shows otherwise stands beside no finding: the listing
        // still wants one.
        .filter(|r| r.shows_otherwise.is_empty())
        .filter(|r| {
            let listing = (r.marketplace.clone(), r.listing_id.clone());
            r.log_seq >= since.get(&listing).copied().unwrap_or(0)
        })
        .map(|r| (r.marketplace.clone(), r.listing_id.clone()))
        .collect()
}
