//! Fetching pages politely: every request passes its host's rate limiter and its
//! robots.txt, with timeouts, a body size cap and a redirect limit always on.
//!
//! [`Fetcher::fetch`] is the only way the program fetches anything from a marketplace,
//! so none of those checks can be skipped.

mod robots;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

use crate::config::{CrawlSettings, RateLimit};

pub use robots::RobotsPolicy;

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
}

impl Page {
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
        }
    }
}

/// Why a fetch did not produce a page.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: disallowed by robots.txt")]
    RobotsDisallowed { url: Url },
    #[error("{url}: {message}")]
    Http { url: Url, message: String },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: Url, limit: usize },
    #[error("{url}: not an http(s) URL")]
    Scheme { url: Url },
}

impl FetchError {
    /// A short, stable name for summaries (`robots`, `http`, `redirects`, `scheme`).
    pub fn reason(&self) -> &'static str {
        match self {
            FetchError::RobotsDisallowed { .. } => "robots",
            FetchError::Http { .. } => "network",
            FetchError::TooManyRedirects { .. } => "redirects",
            FetchError::Scheme { .. } => "scheme",
        }
    }
}

/// Politeness state of one host (scheme, host and port).
struct Host {
    limiter: DefaultDirectRateLimiter,
    robots: OnceCell<RobotsPolicy>,
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
            .timeout(Duration::from_secs(settings.request_timeout_secs))
            // Redirects are followed by hand so each hop passes the limiter and robots.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| FetchError::Http {
                url: Url::parse("http://localhost/").expect("constant URL"),
                message: format!("cannot build HTTP client: {e}"),
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
        let host = Arc::new(Host {
            limiter: RateLimiter::direct(quota(rate)),
            robots: OnceCell::new(),
        });
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
                Arc::new(Host {
                    limiter: RateLimiter::direct(quota(RateLimit {
                        per_second: 1.0,
                        burst: 1,
                    })),
                    robots: OnceCell::new(),
                })
            })
            .clone()
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
                RobotsPolicy::from_response(&self.settings.user_agent_token, result)
            })
            .await
            .clone()
    }

    /// Fetches `url`: robots check, rate limit, size cap, redirects (each hop checked).
    pub async fn fetch(&self, url: &Url) -> Result<Page, FetchError> {
        let sent_at = Utc::now();
        let mut current = url.clone();
        for _ in 0..=self.settings.max_redirects {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::Scheme { url: current });
            }
            if !self.robots(&current).await.allows(&current) {
                return Err(FetchError::RobotsDisallowed { url: current });
            }
            let host = self.host(&current);
            let mut page = self
                .raw_get(&host, &current, self.settings.max_body_bytes)
                .await?;
            if (300..400).contains(&page.status)
                && let Some(loc) = page.header("location")
            {
                current = current.join(loc).map_err(|e| FetchError::Http {
                    url: current.clone(),
                    message: format!("bad redirect Location `{loc}`: {e}"),
                })?;
                continue;
            }
            page.url = url.clone();
            page.sent_at = sent_at;
            return Ok(page);
        }
        Err(FetchError::TooManyRedirects {
            url: url.clone(),
            limit: self.settings.max_redirects,
        })
    }

    /// One GET, after the host's limiter, reading at most `max_bytes`.
    async fn raw_get(&self, host: &Host, url: &Url, max_bytes: usize) -> Result<Page, FetchError> {
        host.limiter.until_ready().await;
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|_| FetchError::Http {
                url: url.clone(),
                message: "fetcher closed".into(),
            })?;
        let sent_at = Utc::now();
        let err = |e: reqwest::Error| FetchError::Http {
            url: url.clone(),
            message: describe(&e),
        };
        let mut resp = self.client.get(url.clone()).send().await.map_err(err)?;
        let status = resp.status().as_u16();
        let remote_addr = resp.remote_addr().map(|a| a.to_string());
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
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
        Ok(Page {
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
        })
    }
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
