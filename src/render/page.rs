//! One page through the browser: every request admitted by the scan's fetcher,
//! the network log kept, the DOM and a full-page screenshot taken once the
//! network has gone quiet.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EventRequestPaused, FailRequestParams,
};
use chromiumoxide::cdp::browser_protocol::inspector::EventTargetCrashed;
use chromiumoxide::cdp::browser_protocol::network::{
    ErrorReason, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventResponseReceived, ResourceType,
};
use chromiumoxide::cdp::browser_protocol::page::{
    CaptureScreenshotFormat, CaptureScreenshotParams, Viewport,
};
use chrono::Utc;
use futures::StreamExt;
use url::Url;

use super::{DocumentResponse, RenderError, RenderMeta, Rendered, Renderer, SubRequest};
use crate::crawl::Fetcher;

/// The network is quiet when nothing has been in flight for this long.
const QUIET: Duration = Duration::from_millis(500);
/// Scripts that keep polling never go quiet: settle at most this long after load.
const MAX_SETTLE: Duration = Duration::from_secs(5);

/// The requests of one page as the browser reported them.
#[derive(Default)]
struct NetLog {
    order: Vec<String>,
    requests: HashMap<String, SubRequest>,
    in_flight: usize,
    last_change: Option<Instant>,
    document: Option<(String, DocumentResponse)>,
}

impl NetLog {
    fn touch(&mut self) {
        self.last_change = Some(Instant::now());
    }
}

type Shared = Arc<Mutex<NetLog>>;

fn lock(log: &Shared) -> std::sync::MutexGuard<'_, NetLog> {
    log.lock().unwrap_or_else(|p| p.into_inner())
}

/// Renders `url` in a fresh tab, given up after `[render] timeout_secs`; the tab
/// is closed whatever happened (a page given up on must not stay open, loading).
pub(super) async fn render(
    r: &Renderer,
    url: &Url,
    reveal: &[String],
) -> Result<Rendered, RenderError> {
    let robots = r.fetcher.robots(url).await;
    if !robots.allows(url) {
        // RFC 9309 §2.3.1.4: a robots.txt that cannot be reached disallows all.
        let why = match robots {
            crate::crawl::RobotsPolicy::DisallowAll(why) => {
                format!("{why}; RFC 9309: then nothing may be fetched")
            }
            _ => "a rule disallows it".to_string(),
        };
        return Err(RenderError::Robots {
            url: url.clone(),
            why,
        });
    }
    let err = |e: chromiumoxide::error::CdpError| RenderError::Page {
        url: url.clone(),
        message: e.to_string(),
    };
    let secs = r.settings.timeout_secs;
    let page = r.browser.new_page("about:blank").await.map_err(err)?;
    // A crashed tab (out of memory, see `page_memory_mib`) answers nothing more:
    // said at once, rather than as a timeout.
    let mut crashed = page
        .event_listener::<EventTargetCrashed>()
        .await
        .map_err(err)?;
    let outcome = tokio::select! {
        o = tokio::time::timeout(Duration::from_secs(secs), capture(r, &page, url, reveal)) => o,
        Some(_) = crashed.next() => Ok(Err(RenderError::TabCrashed {
            url: url.clone(),
            mib: r.settings.page_memory_mib,
        })),
    };
    // The crash may first show as a failed command of the capture.
    let crash = |url: &Url| RenderError::TabCrashed {
        url: url.clone(),
        mib: r.settings.page_memory_mib,
    };
    let outcome = match outcome {
        Ok(Err(RenderError::Page { url, message })) => {
            match tokio::time::timeout(Duration::from_secs(1), crashed.next()).await {
                Ok(Some(_)) => Ok(Err(crash(&url))),
                _ => Ok(Err(RenderError::Page { url, message })),
            }
        }
        o => o,
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), page.close()).await;
    match outcome {
        Ok(rendered) => rendered,
        Err(_) => Err(RenderError::Timeout {
            url: url.clone(),
            secs,
        }),
    }
}

/// Loads `url` in `page` and takes what a rendered capture keeps.
async fn capture(
    r: &Renderer,
    page: &Page,
    url: &Url,
    reveal: &[String],
) -> Result<Rendered, RenderError> {
    let err = |e: chromiumoxide::error::CdpError| RenderError::Page {
        url: url.clone(),
        message: e.to_string(),
    };
    page.set_user_agent(r.user_agent.as_str())
        .await
        .map_err(err)?;
    let log: Shared = Arc::default();
    let watchers = watch(page, &log, &r.fetcher).await.map_err(err)?;
    let started_at = Utc::now();
    let t0 = Instant::now();
    let loaded = page.goto(url.as_str()).await;
    let loaded_ms = t0.elapsed().as_millis() as u64;
    if let Err(e) = loaded {
        watchers.iter().for_each(|w| w.abort());
        return Err(err(e));
    }
    settle(&log).await;
    let clicked = click(page, reveal).await;
    if !clicked.is_empty() {
        settle(&log).await;
    }
    let settled_ms = t0.elapsed().as_millis() as u64;
    let shot = screenshot(r, page).await;
    watchers.iter().for_each(|w| w.abort());
    let (png, page_height, captured_height) = shot.map_err(err)?;
    let dom = page.content().await.map_err(err)?.into_bytes();
    let final_url = page
        .url()
        .await
        .map_err(err)?
        .unwrap_or_else(|| url.to_string());
    let mut log = std::mem::take(&mut *lock(&log));
    let requests = log
        .order
        .iter()
        .filter_map(|id| log.requests.remove(id))
        .collect();
    let s = &r.settings;
    Ok(Rendered {
        dom,
        png,
        meta: RenderMeta {
            browser: r.version.clone(),
            user_agent: r.user_agent.clone(),
            viewport_width: s.viewport_width,
            viewport_height: s.viewport_height,
            device_scale: s.device_scale,
            url: url.clone(),
            final_url,
            started_at,
            loaded_ms,
            settled_ms,
            finished_at: Utc::now(),
            page_height,
            captured_height,
            document: log.document.map(|(_, d)| d),
            clicked,
            requests,
        },
    })
}

/// Clicks the first element each selector of `reveal` matches, in order; returns
/// the selectors that matched and were clicked (a page without the button is read
/// as it is).
async fn click(page: &Page, reveal: &[String]) -> Vec<String> {
    let mut clicked = Vec::new();
    for sel in reveal {
        if let Ok(el) = page.find_element(sel.as_str()).await
            && el.click().await.is_ok()
        {
            clicked.push(sel.clone());
        }
    }
    clicked
}

/// Waits until nothing has been in flight for [`QUIET`], at most [`MAX_SETTLE`].
async fn settle(log: &Shared) {
    let until = Instant::now() + MAX_SETTLE;
    loop {
        let quiet = {
            let l = lock(log);
            l.in_flight == 0 && l.last_change.is_none_or(|t| t.elapsed() >= QUIET)
        };
        if quiet || Instant::now() >= until {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A full-page PNG up to `max_height`: the page's height, the screenshot's.
async fn screenshot(
    r: &Renderer,
    page: &Page,
) -> Result<(Vec<u8>, u32, u32), chromiumoxide::error::CdpError> {
    let s = &r.settings;
    let metrics = page.layout_metrics().await?;
    let page_height = metrics.css_content_size.height.ceil().max(1.0) as u32;
    let height = page_height.clamp(s.viewport_height, s.max_height);
    page.execute(SetDeviceMetricsOverrideParams::new(
        i64::from(s.viewport_width),
        i64::from(height),
        f64::from(s.device_scale),
        false,
    ))
    .await?;
    let shot = page
        .execute(CaptureScreenshotParams {
            format: Some(CaptureScreenshotFormat::Png),
            clip: Some(Viewport {
                x: 0.0,
                y: 0.0,
                width: f64::from(s.viewport_width),
                height: f64::from(height),
                scale: 1.0,
            }),
            capture_beyond_viewport: Some(true),
            from_surface: Some(true),
            // PNG is lossless at any zlib level: the same pixels, encoded faster into a
            // somewhat larger file (2026-12-02, `bench/render.sh` at 1,002 listings, one
            // run each: 22.4 → 20.2 and 24.6 → 21.5 CPU s for 79 and 82 renders).
            optimize_for_speed: Some(true),
            ..CaptureScreenshotParams::default()
        })
        .await?;
    let png = data_encoding::BASE64
        .decode(AsRef::<str>::as_ref(&shot.result.data).as_bytes())
        .map_err(|e| {
            chromiumoxide::error::CdpError::msg(format!("screenshot is not base64: {e}"))
        })?;
    Ok((
        png,
        page_height,
        height.min(page_height.max(s.viewport_height)),
    ))
}

/// Starts the tasks that admit each paused request and keep the network log.
async fn watch(
    page: &Page,
    log: &Shared,
    fetcher: &Arc<Fetcher>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, chromiumoxide::error::CdpError> {
    let mut paused = page.event_listener::<EventRequestPaused>().await?;
    let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
    let mut answered = page.event_listener::<EventResponseReceived>().await?;
    let mut finished = page.event_listener::<EventLoadingFinished>().await?;
    let mut failed = page.event_listener::<EventLoadingFailed>().await?;
    let mut tasks = Vec::new();
    let (p, f) = (page.clone(), fetcher.clone());
    tasks.push(tokio::spawn(async move {
        while let Some(ev) = paused.next().await {
            tokio::spawn(admit(p.clone(), f.clone(), ev));
        }
    }));
    let l = log.clone();
    tasks.push(tokio::spawn(async move {
        while let Some(ev) = sent.next().await {
            let mut log = lock(&l);
            let id = ev.request_id.inner().clone();
            if !log.requests.contains_key(&id) {
                log.in_flight += 1;
                log.order.push(id.clone());
            }
            log.requests.insert(
                id,
                SubRequest {
                    url: ev.request.url.clone(),
                    kind: ev
                        .r#type
                        .as_ref()
                        .map_or("Other", |t| t.as_ref())
                        .to_string(),
                    status: None,
                    error: None,
                },
            );
            log.touch();
        }
    }));
    let l = log.clone();
    tasks.push(tokio::spawn(async move {
        while let Some(ev) = answered.next().await {
            let mut log = lock(&l);
            let id = ev.request_id.inner().clone();
            let status = u16::try_from(ev.response.status).ok();
            if let Some(req) = log.requests.get_mut(&id) {
                req.status = status;
            }
            if ev.r#type == ResourceType::Document && log.document.is_none() {
                let doc =
                    DocumentResponse {
                        status: status.unwrap_or(0),
                        headers: header_pairs(ev.response.headers.inner()),
                        remote_addr: ev.response.remote_ip_address.as_ref().map(|ip| {
                            format!("{ip}:{}", ev.response.remote_port.unwrap_or_default())
                        }),
                    };
                log.document = Some((id, doc));
            }
            log.touch();
        }
    }));
    let l = log.clone();
    tasks.push(tokio::spawn(async move {
        while let Some(ev) = finished.next().await {
            done(&l, ev.request_id.inner(), None);
        }
    }));
    let l = log.clone();
    tasks.push(tokio::spawn(async move {
        while let Some(ev) = failed.next().await {
            done(&l, ev.request_id.inner(), Some(ev.error_text.clone()));
        }
    }));
    Ok(tasks)
}

/// A request ended (finished, or failed with `error`).
fn done(log: &Shared, id: &str, error: Option<String>) {
    let mut log = lock(log);
    if let Some(req) = log.requests.get_mut(id) {
        if error.is_some() && req.error.is_none() {
            req.error = error;
        }
        log.in_flight = log.in_flight.saturating_sub(1);
    }
    log.touch();
}

/// Lets a paused request go once the fetcher admits it: the document must be
/// allowed by robots.txt; every http(s) request waits for its host's turn; data
/// and blob URLs need no network; anything else is refused.
async fn admit(page: Page, fetcher: Arc<Fetcher>, ev: Arc<EventRequestPaused>) {
    let refuse = |page: Page, ev: Arc<EventRequestPaused>| async move {
        let _ = page
            .execute(FailRequestParams::new(
                ev.request_id.clone(),
                ErrorReason::BlockedByClient,
            ))
            .await;
    };
    let url = &ev.request.url;
    if url.starts_with("data:") || url.starts_with("blob:") {
        let _ = page
            .execute(ContinueRequestParams::new(ev.request_id.clone()))
            .await;
        return;
    }
    let parsed = match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => return refuse(page, ev).await,
    };
    if ev.resource_type == ResourceType::Document && !fetcher.robots(&parsed).await.allows(&parsed)
    {
        return refuse(page, ev).await;
    }
    fetcher.wait_turn(&parsed).await;
    let _ = page
        .execute(ContinueRequestParams::new(ev.request_id.clone()))
        .await;
}

/// Response headers as the browser reports them (a JSON object) as pairs, names
/// lower-cased, sorted.
fn header_pairs(headers: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = headers
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
