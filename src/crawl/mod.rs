//! Fetching pages politely: every request passes its host's rate limiter and its
//! robots.txt, with timeouts, a body size cap and a redirect limit always on.
//!
//! [`Fetcher::fetch`] is the only way the program fetches anything from a marketplace,
//! so none of those checks can be skipped.

mod robots;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

use crate::config::{CrawlSettings, RateLimit};

pub use robots::RobotsPolicy;

/// URL identity for de-duplication. The url crate already lower-cases the host,
/// drops default ports and resolves dot segments; on top of that the fragment and
/// tracking parameters (`utm_*`, `gclid`, `fbclid`) go, and query pairs are sorted.
pub fn canonical(mut u: Url) -> Url {
    u.set_fragment(None);
    if u.query().is_some() {
        let mut pairs: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| !k.starts_with("utm_") && k != "gclid" && k != "fbclid")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        if pairs.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
    }
    u
}

/// One HTTP response, exactly as received.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    /// The URL we asked for.
    pub url: Url,
    /// The URL that answered, after redirects.
    pub final_url: Url,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The exact bytes of the body (cut at the size cap when `truncated`).
    #[serde(skip)]
    pub body: Vec<u8>,
    pub truncated: bool,
    /// When the first request was sent (UTC).
    pub sent_at: DateTime<Utc>,
    /// When the last byte arrived (UTC).
    pub received_at: DateTime<Utc>,
    /// The server address the connection went to.
    pub remote_addr: Option<String>,
    pub user_agent: String,
    /// The request's headers as sent, besides `Host` (user agent, accept, the
    /// conditional headers of a revalidation): the WARC request record replays them.
    /// Empty in records written before they were kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<(String, String)>,
    /// The answer's HTTP version (`HTTP/1.1`, `HTTP/2.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// The redirects answered before `final_url`, in order: the WARC export writes
    /// each as its own request and response, so the capture replays as it happened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<RedirectHop>,
}

/// One redirect on the way to a page: what was asked and what answered, exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedirectHop {
    pub url: Url,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub sent_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub remote_addr: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_version: Option<String>,
    /// The redirect's body, base64: a few hundred bytes of "Moved" as a rule, kept
    /// whole up to [`RedirectHop::MAX_BODY`] (`body_truncated` beyond).
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub body_truncated: bool,
}

impl RedirectHop {
    pub const MAX_BODY: usize = 64 * 1024;

    fn of(page: &Page) -> RedirectHop {
        let cut = page.body.len().min(Self::MAX_BODY);
        RedirectHop {
            url: page.url.clone(),
            status: page.status,
            headers: page.headers.clone(),
            sent_at: page.sent_at,
            received_at: page.received_at,
            remote_addr: page.remote_addr.clone(),
            request_headers: page.request_headers.clone(),
            http_version: page.http_version.clone(),
            body: data_encoding::BASE64.encode(&page.body[..cut]),
            body_truncated: page.truncated || cut < page.body.len(),
        }
    }

    /// The hop as a page of its own (for the WARC export): its body decoded.
    pub fn as_page(&self, user_agent: &str) -> Page {
        Page {
            url: self.url.clone(),
            final_url: self.url.clone(),
            status: self.status,
            headers: self.headers.clone(),
            body: data_encoding::BASE64
                .decode(self.body.as_bytes())
                .unwrap_or_default(),
            truncated: self.body_truncated,
            sent_at: self.sent_at,
            received_at: self.received_at,
            remote_addr: self.remote_addr.clone(),
            user_agent: user_agent.to_string(),
            request_headers: self.request_headers.clone(),
            http_version: self.http_version.clone(),
            redirects: Vec::new(),
        }
    }
}

impl Page {
    /// Everything about the page but its bytes: what a capture record keeps (the
    /// bytes are a snapshot of their own). Copying the body only to serialize the
    /// rest cost a scan a copy of every page. Every field is named, so a new one
    /// is not left out unnoticed.
    pub fn without_body(&self) -> Page {
        let Page {
            url,
            final_url,
            status,
            headers,
            body: _,
            truncated,
            sent_at,
            received_at,
            remote_addr,
            user_agent,
            request_headers,
            http_version,
            redirects,
        } = self;
        Page {
            url: url.clone(),
            final_url: final_url.clone(),
            status: *status,
            headers: headers.clone(),
            body: Vec::new(),
            truncated: *truncated,
            sent_at: *sent_at,
            received_at: *received_at,
            remote_addr: remote_addr.clone(),
            user_agent: user_agent.clone(),
            request_headers: request_headers.clone(),
            http_version: http_version.clone(),
            redirects: redirects.clone(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// A page saved earlier (a file), as if just fetched with status 200: for
    /// `brandguard extract` and tests. No headers, so the charset comes from the bytes.
    pub fn saved(url: Url, body: Vec<u8>) -> Page {
        let now = Utc::now();
        Page {
            final_url: url.clone(),
            url,
            status: 200,
            headers: Vec::new(),
            body,
            truncated: false,
            sent_at: now,
            received_at: now,
            remote_addr: None,
            user_agent: String::new(),
            request_headers: Vec::new(),
            http_version: None,
            redirects: Vec::new(),
        }
    }
}

/// What an earlier response said to check freshness with (ETag, Last-Modified).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    /// The validators of a response, if it gave any.
    pub fn of(page: &Page) -> Option<Validators> {
        let v = Validators {
            etag: page.header("etag").map(str::to_string),
            last_modified: page.header("last-modified").map(str::to_string),
        };
        (v.etag.is_some() || v.last_modified.is_some()).then_some(v)
    }
}

/// Why a fetch did not produce a page.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: disallowed by robots.txt")]
    RobotsDisallowed { url: Url },
    /// RFC 9309 §2.3.1.4: robots.txt unreachable (5xx, network) means nothing may be
    /// fetched; that is the host failing, not its rules.
    #[error("{url}: not fetched, {reason} (RFC 9309: crawl nothing)")]
    RobotsUnreachable { url: Url, reason: String },
    #[error("{url}: {message}")]
    Http {
        url: Url,
        message: String,
        /// A timeout or a connection failure (worth retrying), not a bad request.
        transient: bool,
    },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: Url, limit: usize },
    #[error("{url}: not an http(s) URL")]
    Scheme { url: Url },
    #[error("{url}: host cut off for this scan after repeated refusals")]
    HostCutOff { url: Url },
}

impl FetchError {
    /// A short, stable name for summaries (`robots`, `http`, `redirects`, `scheme`).
    pub fn reason(&self) -> &'static str {
        match self {
            FetchError::RobotsDisallowed { .. } => "robots",
            FetchError::RobotsUnreachable { .. } => "robots_unreachable",
            FetchError::Http { .. } => "network",
            FetchError::TooManyRedirects { .. } => "redirects",
            FetchError::Scheme { .. } => "scheme",
            FetchError::HostCutOff { .. } => "host_cut_off",
        }
    }

    /// Worth another try: timeouts, connection failures.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::Http {
                transient: true,
                ..
            }
        )
    }
}

/// Politeness state of one host (scheme, host and port).
struct Host {
    limiter: DefaultDirectRateLimiter,
    robots: OnceCell<RobotsPolicy>,
    /// Refusals (403, 429, 503, network failures) in a row, after retries.
    refusals: AtomicU32,
    /// Set by the circuit breaker: no more requests to this host in this scan.
    cut_off: AtomicBool,
    /// robots.txt's Crawl-delay, once known: a minimum gap between requests on top of
    /// the rate limiter (it can only slow the host down).
    crawl_delay: std::sync::OnceLock<Duration>,
    /// When the next request may start under the Crawl-delay or the slowdown.
    next_slot: tokio::sync::Mutex<tokio::time::Instant>,
    /// The rate configured for the host.
    rate: RateLimit,
    /// How far 429s and 503s have slowed the host down.
    slowdown: Mutex<Slowdown>,
}

/// Adaptive politeness: a 429 or 503 is the host saying "slower", not only "retry
/// this one later". Each one doubles the minimum gap between requests to the host
/// (the first one sets it to twice the configured period: half the rate), down to a
/// sixteenth of the configured rate and never slower than one request per
/// [`MAX_GAP`]; after [`CLEAN_ANSWERS`] good answers in a row (at the slower pace,
/// which makes the clean window as long as the slowdown is deep) the gap halves
/// again, until the configured rate is back. A 503 with `Retry-After: 0` says "try
/// again now": it slows nothing.
#[derive(Debug, Default)]
struct Slowdown {
    gap: Duration,
    last_change: Option<std::time::Instant>,
    good_since_change: u32,
    slowdowns: u32,
    /// The longest gap of the scan.
    widest: Duration,
}

/// Longest gap a slowdown imposes between two requests to one host.
const MAX_GAP: Duration = Duration::from_secs(60);
/// Deepest slowdown, as a multiple of the configured period (1/16 of the rate).
const MAX_SLOWDOWN: u32 = 16;
/// Good answers in a row before a slowed-down host may speed up again.
const CLEAN_ANSWERS: u32 = 10;

/// A host's rate as configured and as the scan left it (in the summary).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct HostRate {
    pub configured_per_second: f64,
    /// The rate at the end of the scan, after slowdowns and recovery.
    pub effective_per_second: f64,
    /// The lowest rate the host was slowed to.
    pub lowest_per_second: f64,
    /// 429/503 answers that slowed the host down.
    pub slowdowns: u32,
}

impl Host {
    fn new(rate: RateLimit) -> Host {
        Host {
            limiter: RateLimiter::direct(quota(rate)),
            robots: OnceCell::new(),
            refusals: AtomicU32::new(0),
            cut_off: AtomicBool::new(false),
            crawl_delay: std::sync::OnceLock::new(),
            next_slot: tokio::sync::Mutex::new(tokio::time::Instant::now()),
            rate,
            slowdown: Mutex::new(Slowdown::default()),
        }
    }

    fn period(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.rate.per_second.max(0.001))
    }

    fn slowdown(&self) -> std::sync::MutexGuard<'_, Slowdown> {
        match self.slowdown.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        }
    }

    /// Notes an answer: 429/503 slow the host down, others may let it recover.
    fn answered(&self, page: &Page, key: &str) {
        let status = page.status;
        let mut s = self.slowdown();
        let now = std::time::Instant::now();
        let now_is_fine = retry_after(page).is_some_and(|d| d.is_zero());
        if matches!(status, 429 | 503) && !now_is_fine {
            // Answers to requests sent before the last slowdown took effect say
            // nothing new: one halving per gap.
            if s.last_change.is_some_and(|t| now - t < s.gap) {
                s.slowdowns += 1;
                return;
            }
            let deepest = (self.period() * MAX_SLOWDOWN).min(MAX_GAP);
            let gap = (s.gap * 2).max(self.period() * 2).min(deepest);
            if gap != s.gap {
                tracing::info!(host = %key, per_second = 1.0 / gap.as_secs_f64(), "host answered {status}: slowing down");
            }
            s.gap = gap;
            s.widest = s.widest.max(gap);
            s.slowdowns += 1;
            s.last_change = Some(now);
            s.good_since_change = 0;
        } else if !s.gap.is_zero() && !matches!(status, 429 | 503) {
            s.good_since_change += 1;
            if s.good_since_change >= CLEAN_ANSWERS {
                s.gap /= 2;
                if s.gap <= self.period() {
                    s.gap = Duration::ZERO;
                }
                s.last_change = Some(now);
                s.good_since_change = 0;
                tracing::info!(host = %key, "no 429/503 for a while: speeding up again");
            }
        }
    }

    /// Waits until a request to the host may start: its rate limit, then the gap a
    /// Crawl-delay or slowdown asks for.
    async fn wait_turn(&self) {
        self.limiter.until_ready().await;
        let gap = self.gap();
        if !gap.is_zero() {
            let mut next = self.next_slot.lock().await;
            tokio::time::sleep_until(*next).await;
            *next = tokio::time::Instant::now() + self.gap().max(gap);
        }
    }

    /// The minimum gap between two requests now: Crawl-delay or slowdown.
    fn gap(&self) -> Duration {
        let delay = self.crawl_delay.get().copied().unwrap_or(Duration::ZERO);
        delay.max(self.slowdown().gap)
    }

    fn rate_report(&self) -> HostRate {
        let s = self.slowdown();
        let per = |gap: Duration| {
            if gap.is_zero() {
                self.rate.per_second
            } else {
                self.rate.per_second.min(1.0 / gap.as_secs_f64())
            }
        };
        HostRate {
            configured_per_second: self.rate.per_second,
            effective_per_second: per(s.gap),
            lowest_per_second: per(s.widest),
            slowdowns: s.slowdowns,
        }
    }
}

/// One try's outcome that may be retried.
enum Attempt {
    /// 429, 500, 502, 503, 504: the page as answered.
    Status(Box<Page>),
    Failed(FetchError),
}

impl Attempt {
    fn describe(&self) -> String {
        match self {
            Attempt::Status(p) => format!("HTTP {}", p.status),
            Attempt::Failed(e) => e.to_string(),
        }
    }
}

fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// The Retry-After of a 429 or 503, in seconds or as an HTTP date.
pub fn retry_after(p: &Page) -> Option<Duration> {
    if !matches!(p.status, 429 | 503) {
        return None;
    }
    let v = p.header("retry-after")?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((when - p.received_at).to_std().unwrap_or(Duration::ZERO))
}

/// The one HTTP client of a scan.
pub struct Fetcher {
    client: reqwest::Client,
    settings: CrawlSettings,
    user_agent: String,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    /// Requests in flight over all hosts.
    in_flight: Semaphore,
}

/// The key of a host's politeness state: `scheme://host:port`.
pub fn host_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn quota(rate: RateLimit) -> Quota {
    let period = Duration::from_secs_f64(1.0 / rate.per_second.max(0.001));
    let burst = NonZeroU32::new(rate.burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Fetcher {
    pub fn new(settings: &CrawlSettings) -> Result<Fetcher, FetchError> {
        let user_agent = settings.user_agent();
        let client = reqwest::Client::builder()
            .user_agent(&user_agent)
            .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
            // A server that stops sending mid-body is given up on this long after its
            // last byte, well before the whole-request timeout.
            .read_timeout(Duration::from_secs(settings.connect_timeout_secs.max(5)))
            .timeout(Duration::from_secs(settings.request_timeout_secs))
            // Redirects are followed by hand so each hop passes the limiter and robots.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| FetchError::Http {
                // A constant, valid URL: parsing it cannot fail.
                url: Url::parse("http://localhost/").expect("constant URL"),
                message: format!("cannot build HTTP client: {e}"),
                transient: false,
            })?;
        Ok(Fetcher {
            client,
            settings: settings.clone(),
            user_agent,
            hosts: Mutex::new(HashMap::new()),
            in_flight: Semaphore::new(settings.concurrency.max(1)),
        })
    }

    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Sets the rate limit of the host serving `base`. Hosts never registered get one
    /// request per second.
    pub fn register_host(&self, base: &Url, rate: RateLimit) {
        let host = Arc::new(Host::new(rate));
        if let Ok(mut hosts) = self.hosts.lock() {
            hosts.insert(host_key(base), host);
        }
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let key = host_key(url);
        let mut hosts = match self.hosts.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Host::new(RateLimit {
                    per_second: 1.0,
                    burst: 1,
                }))
            })
            .clone()
    }

    /// Waits until a request another client sends to `url`'s host may start (a
    /// browser's document and subresource requests): the host's limiter counts it
    /// like one of ours. Hosts never registered get one request per second.
    pub async fn wait_turn(&self, url: &Url) {
        self.host(url).wait_turn().await;
    }

    /// The robots.txt policy of `url`'s host, fetched once per scan.
    pub async fn robots(&self, url: &Url) -> RobotsPolicy {
        let host = self.host(url);
        host.robots
            .get_or_init(|| async {
                let robots_url = match url.join("/robots.txt") {
                    Ok(u) => u,
                    Err(_) => return RobotsPolicy::DisallowAll("no robots.txt URL".into()),
                };
                // RFC 9309 §2.3.1.2: follow at least five redirects for robots.txt.
                let mut target = robots_url;
                let mut result = self.raw_get(&host, &target, robots::MAX_BYTES).await;
                for _ in 0..5 {
                    let next = match &result {
                        Ok(p) if (300..400).contains(&p.status) => {
                            p.header("location").and_then(|l| target.join(l).ok())
                        }
                        _ => None,
                    };
                    let Some(next) = next else { break };
                    target = next;
                    result = self
                        .raw_get(&self.host(&target), &target, robots::MAX_BYTES)
                        .await;
                }
                let policy = RobotsPolicy::from_response(&self.settings.user_agent_token, result);
                let delay = policy.crawl_delay().unwrap_or(Duration::ZERO);
                if !delay.is_zero() {
                    tracing::info!(host = %host_key(url), delay_ms = delay.as_millis() as u64, "robots.txt Crawl-delay slows this host");
                }
                let _ = host.crawl_delay.set(delay);
                policy
            })
            .await
            .clone()
    }

    /// Fetches `url`: robots check, rate limit, size cap, redirects (each hop checked).
    pub async fn fetch(&self, url: &Url) -> Result<Page, FetchError> {
        self.fetch_conditional(url, None).await
    }

    /// [`fetch`](Self::fetch) with the validators of an earlier response: an
    /// unchanged page answers 304 and costs no body.
    pub async fn fetch_conditional(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Page, FetchError> {
        let sent_at = Utc::now();
        let mut current = url.clone();
        let mut hops = Vec::new();
        for _ in 0..=self.settings.max_redirects {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::Scheme { url: current });
            }
            match self.robots(&current).await {
                RobotsPolicy::DisallowAll(reason) => {
                    return Err(FetchError::RobotsUnreachable {
                        url: current,
                        reason,
                    });
                }
                p if !p.allows(&current) => {
                    return Err(FetchError::RobotsDisallowed { url: current });
                }
                _ => {}
            }
            let host = self.host(&current);
            // Validators belong to the URL asked for, not to where it redirects.
            let conditional = validators.filter(|_| current == *url);
            let mut page = self.get_with_retries(&host, &current, conditional).await?;
            if (300..400).contains(&page.status)
                && let Some(loc) = page.header("location")
            {
                let next = current.join(loc).map_err(|e| FetchError::Http {
                    url: current.clone(),
                    message: format!("bad redirect Location `{loc}`: {e}"),
                    transient: false,
                })?;
                hops.push(RedirectHop::of(&page));
                current = next;
                continue;
            }
            page.url = url.clone();
            // The first request's time, unless redirects came first: then each hop
            // keeps its own, and the page the time its own request went out.
            if hops.is_empty() {
                page.sent_at = sent_at;
            }
            page.redirects = hops;
            return Ok(page);
        }
        Err(FetchError::TooManyRedirects {
            url: url.clone(),
            limit: self.settings.max_redirects,
        })
    }

    /// One GET with retries: 429 and 503 wait for their Retry-After (seconds or an
    /// HTTP date, capped); other 5xx, timeouts and connection errors back off
    /// exponentially with jitter; other 4xx are final. A host that keeps refusing is
    /// cut off for the rest of the scan (circuit breaker), so the others carry on.
    async fn get_with_retries(
        &self,
        host: &Host,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Page, FetchError> {
        use backon::{ExponentialBuilder, Retryable};
        if host.cut_off.load(Ordering::Relaxed) {
            return Err(FetchError::HostCutOff { url: url.clone() });
        }
        let s = &self.settings;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(s.retry_base_millis))
            .with_max_delay(Duration::from_secs(s.retry_max_secs))
            .with_max_times(s.max_retries)
            .with_jitter();
        let max_wait = Duration::from_secs(s.max_retry_after_secs);
        let attempt = || async {
            match self
                .raw_get_with(host, url, s.max_body_bytes, validators)
                .await
            {
                Ok(p) if retryable_status(p.status) => Err(Attempt::Status(Box::new(p))),
                Ok(p) => Ok(p),
                Err(e) => Err(Attempt::Failed(e)),
            }
        };
        let result = attempt
            .retry(backoff)
            .when(|a| match a {
                Attempt::Status(p) => retry_after(p).is_none_or(|d| d <= max_wait),
                Attempt::Failed(e) => e.is_transient(),
            })
            // Retry-After, when given, replaces the computed delay if it is longer.
            .adjust(|a, computed| match a {
                Attempt::Status(p) => match (retry_after(p), computed) {
                    (Some(ra), Some(c)) => Some(ra.max(c)),
                    (_, c) => c,
                },
                Attempt::Failed(_) => computed,
            })
            .notify(|a, wait| tracing::info!(%url, wait_ms = wait.as_millis() as u64, reason = a.describe(), "retrying"))
            .await;
        let outcome = match result {
            Ok(p) => Ok(p),
            // Retries spent on a status: the last answer is the page (the caller
            // records it as a failure with its status).
            Err(Attempt::Status(p)) => Ok(*p),
            Err(Attempt::Failed(e)) => Err(e),
        };
        let refused = match &outcome {
            Ok(p) => matches!(p.status, 403 | 429 | 503),
            Err(e) => e.is_transient(),
        };
        if refused {
            let n = host.refusals.fetch_add(1, Ordering::Relaxed) + 1;
            if n >= s.breaker_threshold && !host.cut_off.swap(true, Ordering::Relaxed) {
                tracing::warn!(host = %host_key(url), refusals = n, "host keeps refusing: cut off for the rest of this scan");
            }
        } else {
            host.refusals.store(0, Ordering::Relaxed);
        }
        outcome
    }

    /// Every host's rate as configured and as 429/503 answers left it, by host key.
    pub fn host_rates(&self) -> std::collections::BTreeMap<String, HostRate> {
        let hosts = match self.hosts.lock() {
            Ok(h) => h,
            Err(p) => p.into_inner(),
        };
        hosts
            .iter()
            .map(|(k, h)| (k.clone(), h.rate_report()))
            .collect()
    }

    /// Hosts cut off by the circuit breaker in this scan.
    pub fn hosts_cut_off(&self) -> Vec<String> {
        let hosts = match self.hosts.lock() {
            Ok(h) => h,
            Err(p) => p.into_inner(),
        };
        let mut out: Vec<String> = hosts
            .iter()
            .filter(|(_, h)| h.cut_off.load(Ordering::Relaxed))
            .map(|(k, _)| k.clone())
            .collect();
        out.sort();
        out
    }

    /// One GET, after the host's limiter, reading at most `max_bytes`.
    async fn raw_get(&self, host: &Host, url: &Url, max_bytes: usize) -> Result<Page, FetchError> {
        self.raw_get_with(host, url, max_bytes, None).await
    }

    /// The GET request for `url` (conditional when `validators` are given), and the
    /// headers it sends besides `Host`: the client's user agent, reqwest's default
    /// `accept: */*` and the conditional ones, kept with the capture.
    fn request(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> (reqwest::RequestBuilder, Vec<(String, String)>) {
        let mut request = self.client.get(url.clone());
        let mut sent = vec![
            ("user-agent".to_string(), self.user_agent.clone()),
            ("accept".to_string(), "*/*".to_string()),
        ];
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(reqwest::header::IF_NONE_MATCH, etag);
                sent.push(("if-none-match".into(), etag.clone()));
            }
            if let Some(lm) = &v.last_modified {
                request = request.header(reqwest::header::IF_MODIFIED_SINCE, lm);
                sent.push(("if-modified-since".into(), lm.clone()));
            }
        }
        (request, sent)
    }

    async fn raw_get_with(
        &self,
        host: &Host,
        url: &Url,
        max_bytes: usize,
        validators: Option<&Validators>,
    ) -> Result<Page, FetchError> {
        host.wait_turn().await;
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|_| FetchError::Http {
                url: url.clone(),
                message: "fetcher closed".into(),
                transient: false,
            })?;
        // Looked at again after the wait: requests queued behind the host's rate
        // limit when the breaker tripped must not go out to a host now cut off.
        if host.cut_off.load(Ordering::Relaxed) {
            return Err(FetchError::HostCutOff { url: url.clone() });
        }
        let sent_at = Utc::now();
        let err = |e: reqwest::Error| FetchError::Http {
            url: url.clone(),
            message: describe(&e),
            transient: e.is_timeout() || e.is_connect() || e.is_request() || e.is_body(),
        };
        let (request, request_headers) = self.request(url, validators);
        let mut resp = request.send().await.map_err(err)?;
        let http_version = Some(format!("{:?}", resp.version()));
        let status = resp.status().as_u16();
        let remote_addr = resp.remote_addr().map(|a| a.to_string());
        let headers = header_pairs(resp.headers());
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = resp.chunk().await.map_err(err)? {
            let room = max_bytes.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let page = Page {
            url: url.clone(),
            final_url: url.clone(),
            status,
            headers,
            body,
            truncated,
            sent_at,
            received_at: Utc::now(),
            remote_addr,
            user_agent: self.user_agent.clone(),
            request_headers,
            http_version,
            redirects: Vec::new(),
        };
        host.answered(&page, &host_key(url));
        Ok(page)
    }
}

/// Response headers as name/value text (values not valid UTF-8 kept lossily).
fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// reqwest's error with its causes, which say what actually happened.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut msg = kind.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, retry_after: &str) -> Page {
        let mut p = Page::saved(Url::parse("http://x/").unwrap(), Vec::new());
        p.status = status;
        p.headers.push(("Retry-After".into(), retry_after.into()));
        p
    }

    #[test]
    fn a_page_without_its_body_keeps_everything_else() {
        let mut p = answer(200, "1");
        p.body = b"<html>page</html>".to_vec();
        p.request_headers.push(("accept".into(), "*/*".into()));
        p.http_version = Some("HTTP/2.0".into());
        let head = p.without_body();
        assert!(head.body.is_empty());
        assert_eq!(
            serde_json::to_value(&head).unwrap(),
            serde_json::to_value(&p).unwrap()
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date() {
        assert_eq!(retry_after(&answer(429, "7")), Some(Duration::from_secs(7)));
        let mut p = answer(503, "");
        p.received_at = DateTime::parse_from_rfc2822("Sun, 22 Nov 2026 20:00:00 GMT")
            .unwrap()
            .with_timezone(&Utc);
        p.headers[0].1 = "Sun, 22 Nov 2026 20:01:30 GMT".into();
        assert_eq!(retry_after(&p), Some(Duration::from_secs(90)));
        // A date in the past: go now. Garbage or another status: no Retry-After.
        p.headers[0].1 = "Sun, 22 Nov 2026 19:00:00 GMT".into();
        assert_eq!(retry_after(&p), Some(Duration::ZERO));
        assert_eq!(retry_after(&answer(429, "soon")), None);
        assert_eq!(retry_after(&answer(500, "7")), None);
    }
}
