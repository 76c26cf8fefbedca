//! robots.txt as RFC 9309 says to treat it, matched by the `robotstxt` crate (a port
//! of Google's reference parser and matcher: longest match, Allow wins ties, `*` and
//! `$`, case-insensitive product tokens). It passes all 142 of Google's own cases in
//! tests/peer_robots.rs, where `texting_robots` passed 93.

use std::sync::Arc;

use robotstxt::DefaultMatcher;
use url::Url;

use super::{FetchError, Page};

/// RFC 9309 §2.5: crawlers may stop reading after 500 KiB.
pub const MAX_BYTES: usize = 500 * 1024;

/// What a host's robots.txt lets us fetch.
#[derive(Clone)]
pub enum RobotsPolicy {
    /// 2xx: the file, matched for our product token (or `*`).
    Rules { token: Arc<str>, body: Arc<str> },
    /// 4xx (RFC 9309 §2.3.1.3: "unavailable"): everything may be crawled.
    AllowAll,
    /// 5xx or unreachable (§2.3.1.4: "unreachable"): nothing may be crawled.
    DisallowAll(String),
}

impl std::fmt::Debug for RobotsPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RobotsPolicy::Rules { body, .. } => write!(f, "Rules({} bytes)", body.len()),
            RobotsPolicy::AllowAll => f.write_str("AllowAll"),
            RobotsPolicy::DisallowAll(why) => write!(f, "DisallowAll({why})"),
        }
    }
}

impl RobotsPolicy {
    pub fn from_response(token: &str, result: Result<Page, FetchError>) -> RobotsPolicy {
        match result {
            Ok(p) if (200..300).contains(&p.status) => RobotsPolicy::parse(token, &p.body),
            Ok(p) if (400..500).contains(&p.status) => RobotsPolicy::AllowAll,
            Ok(p) => RobotsPolicy::DisallowAll(format!("robots.txt answered {}", p.status)),
            Err(e) => RobotsPolicy::DisallowAll(format!("robots.txt unreachable: {e}")),
        }
    }

    /// The policy of a robots.txt body (answered 2xx) for product token `token`.
    pub fn parse(token: &str, body: &[u8]) -> RobotsPolicy {
        RobotsPolicy::Rules {
            token: token.into(),
            // Non-UTF-8 bytes cannot match a rule; RFC 9309 §2.2 expects UTF-8.
            body: String::from_utf8_lossy(body).into(),
        }
    }

    /// The Crawl-delay our group asks for, if any. Read with `texting_robots` (which
    /// parses that extension; `robotstxt` does not).
    pub fn crawl_delay(&self) -> Option<std::time::Duration> {
        match self {
            RobotsPolicy::Rules { token, body } => {
                texting_robots::Robot::new(token, body.as_bytes())
                    .ok()
                    .and_then(|r| r.delay)
                    .filter(|d| d.is_finite() && *d > 0.0)
                    .map(|d| std::time::Duration::from_secs_f32(d.min(3600.0)))
            }
            _ => None,
        }
    }

    pub fn allows(&self, url: &Url) -> bool {
        self.allows_str(url.as_str())
    }

    /// [`allows`](Self::allows) for a URL as text.
    pub fn allows_str(&self, url: &str) -> bool {
        match self {
            // The matcher parses the file per call: robots.txt files are small and
            // capped at MAX_BYTES, and a check costs far less than the fetch it guards.
            RobotsPolicy::Rules { token, body } => {
                DefaultMatcher::default().one_agent_allowed_by_robots(body, token, url)
            }
            RobotsPolicy::AllowAll => true,
            RobotsPolicy::DisallowAll(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(robots: &str, url: &str) -> bool {
        RobotsPolicy::parse("FooBot", robots.as_bytes()).allows_str(url)
    }

    /// RFC 9309 §2.2.2: the longest match wins; on a tie, Allow.
    #[test]
    fn longest_match_and_ties() {
        let page = "http://foo.bar/x/page.html";
        assert!(!allowed(
            "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n",
            page
        ));
        assert!(allowed(
            "user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n",
            page
        ));
        assert!(!allowed(
            "user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n",
            "http://foo.bar/x/"
        ));
        assert!(allowed("user-agent: FooBot\ndisallow: /\nallow: /\n", page));
        assert!(allowed(
            "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n",
            page
        ));
        assert!(!allowed(
            "user-agent: FooBot\ndisallow: /x\nallow: /x/\n",
            "http://foo.bar/x"
        ));
        assert!(allowed(
            "user-agent: FooBot\ndisallow: /x\nallow: /x/\n",
            "http://foo.bar/x/"
        ));
        assert!(!allowed(
            "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n",
            "http://foo.bar/page.html"
        ));
        assert!(allowed(
            "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n",
            page
        ));
        // The most specific group: FooBot's own, not `*`'s.
        let groups = "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n";
        assert!(allowed(groups, "http://foo.bar/x/page"));
        assert!(!allowed(groups, "http://foo.bar/y/page"));
    }

    /// §2.2.3: `*` and `$`, `#` comments; percent-encoding of non-ASCII paths.
    #[test]
    fn special_characters_and_encoding() {
        let star = "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n";
        assert!(!allowed(star, "http://foo.bar/foo/bar/quz"));
        assert!(allowed(star, "http://foo.bar/foo/quz"));
        let dollar = "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n";
        assert!(!allowed(dollar, "http://foo.bar/foo/bar"));
        assert!(allowed(dollar, "http://foo.bar/foo/bar/baz"));
        let comment = "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n";
        assert!(allowed(comment, "http://foo.bar/foo/bar"));
        assert!(!allowed(comment, "http://foo.bar/foo/quz"));
        let utf8 = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n";
        assert!(allowed(utf8, "http://foo.bar/foo/bar/%E3%83%84"));
    }

    #[test]
    fn status_codes_decide_without_a_file() {
        let url = Url::parse("http://foo.bar/x").unwrap();
        let page = |status| {
            let mut p = Page::saved(url.clone(), b"User-agent: *\nDisallow: /\n".to_vec());
            p.status = status;
            Ok(p)
        };
        assert!(!RobotsPolicy::from_response("FooBot", page(200)).allows(&url));
        assert!(RobotsPolicy::from_response("FooBot", page(404)).allows(&url));
        assert!(!RobotsPolicy::from_response("FooBot", page(503)).allows(&url));
    }
}
