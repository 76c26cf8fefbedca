//! Rendered captures: a listing page as a buyer's browser shows it.
//!
//! Two needs, one browser: the legal team, the marketplaces' complaint forms and
//! courts look at what a buyer saw, a full-page screenshot beside the exact bytes
//! of every finding (`render = "findings"`, the default); and marketplaces whose
//! listing pages show price and seller only after scripts run are read from the
//! post-render DOM (`render = "always"`).
//!
//! A scan starts one [`Renderer`] (one Chromium, see `browser`) and renders at
//! most `[render] tabs` pages at once. Every request the page makes passes the
//! scan's [`Fetcher`]: the document is checked against robots.txt and waits for
//! its host's rate limit like any fetch; subresources wait for their own host's
//! (third-party CDNs get the default one request per second). A browser that
//! crashes or hangs costs the pages it was on ([`RenderError`]), never the scan.
//!
//! chromiumoxide is the DevTools-protocol crate: maintained, async on tokio, typed
//! CDP commands and events (Fetch interception, network events, screenshots)
//! without a WebDriver server in between; its browser fetcher is left off.

mod browser;
mod page;

use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::Browser;
use chromiumoxide::handler::HandlerConfig;
use chromiumoxide::handler::viewport::Viewport;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use url::Url;

use crate::config::RenderSettings;
use crate::crawl::Fetcher;

#[derive(Debug, Clone, thiserror::Error)]
pub enum RenderError {
    #[error(
        "no browser at {path}: install Debian's chromium (apt-get install chromium), set [render] browser in brand.toml, or scan with --render never"
    )]
    NoBrowser { path: String },
    #[error("the browser did not start: {0}")]
    Start(String),
    /// Chromium's sandbox cannot start here: not retried (nothing changes by a
    /// second try) and named apart, since the operator must choose what to do.
    #[error(
        "the browser did not start: {path} cannot start its sandbox here ({said}): set \
         BRANDGUARD_BROWSER_SANDBOX=off (--browser-sandbox off, or `[render] sandbox = false` in \
         brand.toml) where a container confines the browser, or give it user namespaces. \
         Chromium's sandbox needs them, and Docker's and Kubernetes' default seccomp profiles \
         refuse them to a non-root process (so can a kernel setting or AppArmor)"
    )]
    NoSandbox { path: String, said: String },
    #[error("the browser is gone (crashed or killed): {0}")]
    BrowserGone(String),
    #[error("rendering {url} took longer than {secs} s")]
    Timeout { url: Url, secs: u64 },
    #[error(
        "the tab rendering {url} crashed (a page whose scripts use more than [render] page_memory_mib = {mib} MiB is stopped so)"
    )]
    TabCrashed { url: Url, mib: u32 },
    #[error("robots.txt of {url}'s host does not allow it ({why})")]
    Robots { url: Url, why: String },
    #[error("rendering {url} failed: {message}")]
    Page { url: Url, message: String },
}

impl RenderError {
    /// A short reason for summaries (`render_REASON`).
    pub fn reason(&self) -> &'static str {
        match self {
            RenderError::NoBrowser { .. } => "no_browser",
            RenderError::Start(_) => "browser_start",
            RenderError::NoSandbox { .. } => "browser_sandbox",
            RenderError::BrowserGone(_) => "browser_gone",
            RenderError::Timeout { .. } => "timeout",
            RenderError::TabCrashed { .. } => "tab_crashed",
            RenderError::Robots { .. } => "robots",
            RenderError::Page { .. } => "page",
        }
    }
}

/// What a browser showed for one URL: the DOM after scripts ran, the full-page
/// screenshot, and how they were taken.
pub struct Rendered {
    /// `document.documentElement.outerHTML` with its doctype, UTF-8.
    pub dom: Vec<u8>,
    /// PNG, full page up to `[render] max_height`.
    pub png: Vec<u8>,
    pub meta: RenderMeta,
}

/// How a rendered capture was taken: what a court asks about a screenshot.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RenderMeta {
    /// The browser's product and version (`Chrome/148.0.7778.167`).
    pub browser: String,
    pub user_agent: String,
    /// CSS pixels.
    pub viewport_width: u32,
    pub viewport_height: u32,
    pub device_scale: u32,
    /// The URL asked for and where the browser ended up.
    pub url: Url,
    pub final_url: String,
    pub started_at: DateTime<Utc>,
    /// Milliseconds from the start to the load event, and to the network going quiet.
    pub loaded_ms: u64,
    pub settled_ms: u64,
    pub finished_at: DateTime<Utc>,
    /// The page's full height and the height the screenshot shows (CSS pixels).
    pub page_height: u32,
    pub captured_height: u32,
    /// The HTTP response the browser got for the document, when it got one.
    pub document: Option<DocumentResponse>,
    /// What was clicked before the capture (`[item] reveal` selectors that
    /// matched), in order.
    #[serde(default)]
    pub clicked: Vec<String>,
    /// Every request the page made, in order, with what came of it.
    pub requests: Vec<SubRequest>,
}

impl RenderMeta {
    /// Whether the page was taller than the screenshot.
    pub fn height_capped(&self) -> bool {
        self.page_height > self.captured_height
    }
}

/// The response to the document request as the browser received it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocumentResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub remote_addr: Option<String>,
}

/// One request of a rendered page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SubRequest {
    pub url: String,
    /// Document, Script, Image, Fetch, ...
    pub kind: String,
    pub status: Option<u16>,
    /// Why it got no response (network error, blocked by robots.txt).
    pub error: Option<String>,
}

/// One browser for a scan, rendering at most `tabs` pages at once.
pub struct Renderer {
    browser: Browser,
    process: tokio::sync::Mutex<browser::BrowserProcess>,
    handler: tokio::task::JoinHandle<()>,
    tabs: Semaphore,
    settings: RenderSettings,
    fetcher: Arc<Fetcher>,
    version: String,
    user_agent: String,
}

impl Renderer {
    /// Starts the browser. Every page request will pass `fetcher`'s robots.txt
    /// and rate limits, and the browser identifies as `fetcher`'s user agent.
    pub async fn start(
        settings: &RenderSettings,
        fetcher: Arc<Fetcher>,
    ) -> Result<Renderer, RenderError> {
        let process = browser::BrowserProcess::start(settings).await?;
        let config = HandlerConfig {
            // A certificate error is the marketplace's answer, not ours to hide.
            ignore_https_errors: false,
            viewport: Some(Viewport {
                width: settings.viewport_width,
                height: settings.viewport_height,
                device_scale_factor: Some(f64::from(settings.device_scale)),
                emulating_mobile: false,
                is_landscape: false,
                has_touch: false,
            }),
            request_timeout: Duration::from_secs(settings.timeout_secs),
            // Every request pauses for `page::admit` (robots.txt, rate limits).
            request_intercept: true,
            cache_enabled: false,
            ..HandlerConfig::default()
        };
        // Attaching and the first answer are bounded like the start: a browser killed
        // between printing its address and answering left this await, and every
        // page waiting on the browser's lock, hung for good (seen once in
        // `a_browser_that_keeps_dying_costs_its_pages_…`, 2026-12-03).
        let wait = Duration::from_secs(settings.start_timeout_secs.max(1));
        let (browser, mut events) = tokio::time::timeout(
            wait,
            Browser::connect_with_config(process.ws_url.clone(), config),
        )
        .await
        .map_err(|_| no_answer(wait))?
        .map_err(|e| RenderError::Start(format!("cannot attach to the browser: {e}")))?;
        let handler = tokio::spawn(async move {
            while let Some(event) = events.next().await {
                if event.is_err() {
                    // Errors of one message; the connection's end ends the stream.
                    continue;
                }
            }
        });
        let product = match answers(&browser, wait).await {
            Ok(product) => product,
            Err(e) => {
                handler.abort();
                return Err(e);
            }
        };
        Ok(Renderer {
            browser,
            process: tokio::sync::Mutex::new(process),
            handler,
            tabs: Semaphore::new(settings.tabs.max(1)),
            settings: settings.clone(),
            user_agent: fetcher.user_agent().to_string(),
            fetcher,
            version: product,
        })
    }

    /// The browser's product and version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The browser's process id.
    pub async fn pid(&self) -> Option<u32> {
        self.process.lock().await.pid()
    }

    /// Renders `url`: loads it in a fresh tab, waits for the network to go quiet,
    /// clicks what `reveal` names (when it is there), and takes its DOM and a
    /// full-page screenshot.
    pub async fn render(&self, url: &Url, reveal: &[String]) -> Result<Rendered, RenderError> {
        let _tab = self
            .tabs
            .acquire()
            .await
            .map_err(|_| RenderError::BrowserGone("renderer closed".into()))?;
        if self.gone().await {
            return Err(RenderError::BrowserGone("the browser process ended".into()));
        }
        // `page::render` gives the page up after `timeout_secs`; this bound is for a
        // browser that no longer answers at all (opening or closing a tab).
        let secs = self.settings.timeout_secs;
        let bound = Duration::from_secs(secs * 2 + 10);
        match tokio::time::timeout(bound, page::render(self, url, reveal)).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) if self.gone().await => Err(RenderError::BrowserGone(e.to_string())),
            Ok(Err(e)) => Err(e),
            Err(_) if self.gone().await => {
                Err(RenderError::BrowserGone("the browser process ended".into()))
            }
            Err(_) => Err(RenderError::Timeout {
                url: url.clone(),
                secs,
            }),
        }
    }

    async fn gone(&self) -> bool {
        self.handler.is_finished() || self.process.lock().await.exited()
    }

    /// Closes the browser politely, then makes sure no process of it is left.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.browser.close()).await;
        self.handler.abort();
        let process = self.process.into_inner();
        process.finish().await;
    }
}

/// A browser that has not answered within `wait`.
fn no_answer(wait: Duration) -> RenderError {
    RenderError::Start(format!(
        "the browser did not answer within {} s",
        wait.as_secs()
    ))
}

/// The browser's product and version, once it answers within `wait` and a tab of
/// it runs a script ([`runs_scripts`]).
async fn answers(browser: &Browser, wait: Duration) -> Result<String, RenderError> {
    let version = match tokio::time::timeout(wait, browser.version()).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            return Err(RenderError::Start(format!(
                "the browser does not answer: {e}"
            )));
        }
        Err(_) => return Err(no_answer(wait)),
    };
    if let Err(why) = runs_scripts(browser, wait).await {
        return Err(RenderError::Start(format!(
            "it came up, but its tabs run no script ({why}): their renderer \
             processes die as they start. Under systemd, `MemoryDenyWriteExecute=yes` \
             does this (JavaScript's engine makes the code it compiles executable): \
             `brandguard schedule` leaves it out where pages are rendered"
        )));
    }
    Ok(version.product)
}

/// Whether a tab of `browser` runs a script (`6 * 7` on a blank page), within
/// `wait`. A browser whose renderer processes die as they start (V8 refused
/// executable memory, as under systemd's `MemoryDenyWriteExecute=yes`) still starts
/// and answers: each listing then took the page timeout and more to fail, as
/// "took longer than 30 s", for every listing of the night.
async fn runs_scripts(browser: &Browser, wait: Duration) -> Result<(), String> {
    let check = async {
        let page = browser
            .new_page("about:blank")
            .await
            .map_err(|e| e.to_string())?;
        let answer = page.evaluate("6 * 7").await.map_err(|e| e.to_string());
        let _ = page.close().await;
        match answer?.into_value::<i64>() {
            Ok(42) => Ok(()),
            other => Err(format!("it answered {other:?}")),
        }
    };
    tokio::time::timeout(wait, check)
        .await
        .map_err(|_| format!("no answer within {} s", wait.as_secs()))?
}
