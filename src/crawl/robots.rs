//! robots.txt as RFC 9309 says to read it: groups by product token, the longest
//! matching rule wins and Allow wins ties, `*` and `$` in patterns, a UTF-8 byte order
//! mark skipped, records other than groups' (Sitemap, unknown) never ending a group,
//! plus the Crawl-delay extension.
//!
//! Written here rather than taken from a crate because the two crates we used each got
//! part of it wrong on real files: `robotstxt` (a port of Google's parser) loses
//! candidate positions in its wildcard matcher (it inserts into the position list
//! where Google's code assigns), so eBay's `Disallow: /b/*_sop=` let
//! `/b/Wireless-Headphones/112529/bn_1?_sop=15` through; it also read a file starting
//! with a BOM as having no rules, and let a `Sitemap:` line end a group. And
//! `texting_robots` was kept only for Crawl-delay. The rules follow Google's reference
//! implementation (google/robotstxt robots.cc), which the public suites in
//! tests/peer_robots.rs are checked against: all RFC 9309 cases of its 545 pass.

use url::Url;

use super::{FetchError, Page};

/// RFC 9309 §2.5: crawlers may stop reading after 500 KiB.
pub const MAX_BYTES: usize = 500 * 1024;

/// Longest line read (Google's limit: 2,083 × 8 bytes).
const MAX_LINE: usize = 16_664;

/// What a host's robots.txt lets us fetch.
#[derive(Clone)]
pub enum RobotsPolicy {
    /// 2xx: the rules of the group(s) for our product token (or `*`).
    Rules(Rules),
    /// 4xx (RFC 9309 §2.3.1.3: "unavailable"): everything may be crawled.
    AllowAll,
    /// 5xx or unreachable (§2.3.1.4: "unreachable"): nothing may be crawled.
    DisallowAll(String),
}

/// The rules that apply to one product token, read from one robots.txt.
#[derive(Clone, Default)]
pub struct Rules {
    /// `(allow, pattern)`, patterns percent-encoded as URLs are.
    rules: Vec<(bool, Vec<u8>)>,
    crawl_delay: Option<f64>,
}

impl std::fmt::Debug for RobotsPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RobotsPolicy::Rules(r) => write!(f, "Rules({} rules)", r.rules.len()),
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
        RobotsPolicy::Rules(Rules::for_token(token, &body[..body.len().min(MAX_BYTES)]))
    }

    /// The Crawl-delay our group asks for, if any.
    pub fn crawl_delay(&self) -> Option<std::time::Duration> {
        match self {
            RobotsPolicy::Rules(r) => r
                .crawl_delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| std::time::Duration::from_secs_f64(d.min(3600.0))),
            _ => None,
        }
    }

    pub fn allows(&self, url: &Url) -> bool {
        self.allows_str(url.as_str())
    }

    /// [`allows`](Self::allows) for a URL as text.
    pub fn allows_str(&self, url: &str) -> bool {
        match self {
            RobotsPolicy::Rules(r) => r.allows(&path_params_query(url)),
            RobotsPolicy::AllowAll => true,
            RobotsPolicy::DisallowAll(_) => false,
        }
    }
}

/// The leading `[A-Za-z_-]` run of a user-agent value: what groups are matched by
/// (RFC 9309 §2.2.1; Google reads `FooBot/1.0` as `FooBot`).
fn product_token(s: &[u8]) -> &[u8] {
    let s = s.trim_ascii_start();
    let end = s
        .iter()
        .position(|b| !(b.is_ascii_alphabetic() || *b == b'_' || *b == b'-'))
        .unwrap_or(s.len());
    &s[..end]
}

/// One line's key and value: `key: value`, or Google's lenient `key value` when the
/// colon is missing. Comments are gone already.
fn key_value(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let line = line.trim_ascii();
    if line.is_empty() {
        return None;
    }
    if let Some(i) = line.iter().position(|&b| b == b':') {
        return Some((line[..i].trim_ascii(), line[i + 1..].trim_ascii()));
    }
    // No colon: two whitespace-separated words (`disallow /x`).
    let i = line.iter().position(u8::is_ascii_whitespace)?;
    let (k, v) = (line[..i].trim_ascii(), line[i..].trim_ascii());
    (!v.is_empty() && !v.iter().any(u8::is_ascii_whitespace)).then_some((k, v))
}

#[derive(PartialEq)]
enum Key {
    UserAgent,
    Allow,
    Disallow,
    CrawlDelay,
    /// Sitemap and anything unknown: neither starts nor ends a group.
    Other,
}

fn key_of(k: &[u8]) -> Key {
    let k = k.to_ascii_lowercase();
    match k.as_slice() {
        b"user-agent" | b"useragent" | b"user agent" => Key::UserAgent,
        b"allow" => Key::Allow,
        // Google accepts these misspellings; so do we.
        b"disallow" | b"dissallow" | b"dissalow" | b"disalow" | b"diasllow" | b"disallaw" => {
            Key::Disallow
        }
        b"crawl-delay" | b"crawldelay" | b"crawl delay" => Key::CrawlDelay,
        _ => Key::Other,
    }
}

/// `body` without a byte order mark, whole or cut short, at its very start.
fn skip_bom(body: &[u8]) -> &[u8] {
    for bom in [&b"\xEF\xBB\xBF"[..], &b"\xEF\xBB"[..], &b"\xEF"[..]] {
        if let Some(rest) = body.strip_prefix(bom) {
            return rest;
        }
    }
    body
}

fn number(v: &[u8]) -> Option<f64> {
    std::str::from_utf8(v).ok()?.trim().parse().ok()
}

/// What a robots.txt says to our token and to `*`, as its lines are read.
#[derive(Default)]
struct Groups {
    specific: Rules,
    global: Rules,
    specific_seen: bool,
    global_seen: bool,
    /// A user-agent line has been seen: a Crawl-delay before any group (ipwatchdog.com's
    /// file starts so) applies to everyone whose group does not set one.
    any_group: bool,
    preamble_delay: Option<f64>,
    /// The agents the current group is for, and whether its agent lines are over
    /// (a rule line was seen since).
    for_us: bool,
    for_all: bool,
    in_rules: bool,
}

impl Groups {
    fn read(&mut self, key: Key, v: &[u8], ours: &[u8]) {
        match key {
            Key::UserAgent => {
                self.any_group = true;
                if self.in_rules {
                    (self.for_us, self.for_all, self.in_rules) = (false, false, false);
                }
                let agent = product_token(v).to_ascii_lowercase();
                if v.trim_ascii().starts_with(b"*") && agent.is_empty() {
                    (self.for_all, self.global_seen) = (true, true);
                } else if !agent.is_empty() && agent == ours {
                    (self.for_us, self.specific_seen) = (true, true);
                }
            }
            Key::CrawlDelay if !self.any_group => self.preamble_delay = number(v),
            key @ (Key::Allow | Key::Disallow | Key::CrawlDelay) => {
                self.in_rules = true;
                let sets = [
                    (self.for_us, &mut self.specific),
                    (self.for_all, &mut self.global),
                ];
                for (_, set) in sets.into_iter().filter(|(applies, _)| *applies) {
                    match key {
                        Key::CrawlDelay => set.crawl_delay = set.crawl_delay.or(number(v)),
                        // An empty value matches nothing (RFC 9309 §2.2.2).
                        _ if v.is_empty() => {}
                        _ => set.rules.push((key == Key::Allow, escape_pattern(v))),
                    }
                }
            }
            Key::Other => {}
        }
    }

    /// The most specific group(s) for our token; else the `*` groups; else none.
    fn ours(self) -> Rules {
        let mut rules = if self.specific_seen {
            self.specific
        } else if self.global_seen {
            self.global
        } else {
            Rules::default()
        };
        rules.crawl_delay = rules.crawl_delay.or(self.preamble_delay);
        rules
    }
}

/// Non-ASCII bytes of a pattern percent-encoded, and `%aa` upper-cased to `%AA`, as
/// URLs are written (RFC 9309 §2.2.2).
fn escape_pattern(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        if b == b'%'
            && i + 2 < v.len()
            && v[i + 1].is_ascii_hexdigit()
            && v[i + 2].is_ascii_hexdigit()
        {
            out.push(b'%');
            out.push(v[i + 1].to_ascii_uppercase());
            out.push(v[i + 2].to_ascii_uppercase());
            i += 3;
            continue;
        }
        if b >= 0x80 {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
        i += 1;
    }
    out
}

impl Rules {
    fn for_token(token: &str, body: &[u8]) -> Rules {
        // A group's user-agent value is read up to its first character outside
        // `[A-Za-z_-]` and compared, ignoring case, with our whole token (as Google
        // does: `User-agent: AB42bot` is a group for `AB`, not for `AB42bot`).
        let ours = token.trim().as_bytes().to_ascii_lowercase();
        let mut groups = Groups::default();
        for line in skip_bom(body).split(|&b| b == b'\n' || b == b'\r') {
            // Google cuts lines at 16,664 bytes; so do we (it also bounds the cost of
            // matching a hostile pattern).
            let line = &line[..line.len().min(MAX_LINE)];
            let line = match line.iter().position(|&b| b == b'#') {
                Some(i) => &line[..i],
                None => line,
            };
            if let Some((k, v)) = key_value(line) {
                groups.read(key_of(k), v, &ours);
            }
        }
        groups.ours()
    }

    /// Longest match wins; Allow wins a tie; no match allows (RFC 9309 §2.2.2).
    fn allows(&self, path: &[u8]) -> bool {
        let (mut allow, mut disallow) = (None::<usize>, None::<usize>);
        for (is_allow, pattern) in &self.rules {
            if matches(path, pattern) {
                let best = if *is_allow { &mut allow } else { &mut disallow };
                *best = Some(best.map_or(pattern.len(), |b| b.max(pattern.len())));
            }
        }
        match (allow, disallow) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(d)) => a >= d,
        }
    }
}

/// Does `pattern` (with `*` for any run of bytes and a final `$` for the end) match
/// the start of `path`? Keeps every position the pattern could have reached so far
/// (Google's algorithm); a `*` opens every position from the earliest one on.
fn matches(path: &[u8], pattern: &[u8]) -> bool {
    let mut pos: Vec<usize> = vec![0];
    for (i, &c) in pattern.iter().enumerate() {
        if c == b'$' && i + 1 == pattern.len() {
            return pos.last() == Some(&path.len());
        }
        if c == b'*' {
            let from = pos[0];
            pos = (from..=path.len()).collect();
            continue;
        }
        let next: Vec<usize> = pos
            .iter()
            .filter(|&&p| p < path.len() && path[p] == c)
            .map(|&p| p + 1)
            .collect();
        if next.is_empty() {
            return false;
        }
        pos = next;
    }
    true
}

/// The part of a URL robots.txt rules match: path, params and query, without the
/// fragment; `/` when empty. Google's GetPathParamsQuery, step by step.
fn path_params_query(url: &str) -> Vec<u8> {
    let u = url.as_bytes();
    let find_any = |from: usize, set: &[u8]| {
        u.get(from..)
            .and_then(|rest| rest.iter().position(|b| set.contains(b)))
            .map(|i| from + i)
    };
    // Two leading slashes (a scheme-relative URL) are skipped.
    let search_start = if u.starts_with(b"//") { 2 } else { 0 };
    let early_path = find_any(search_start, b"/?;");
    let protocol_end = url
        .get(search_start..)
        .and_then(|rest| rest.find("://"))
        .map(|i| search_start + i)
        .filter(|&p| early_path.is_none_or(|e| e >= p))
        .map_or(search_start, |p| p + 3);
    let Some(path_start) = find_any(protocol_end, b"/?;") else {
        return b"/".to_vec();
    };
    let hash = find_any(search_start, b"#");
    if hash.is_some_and(|h| h < path_start) {
        return b"/".to_vec();
    }
    let path_end = hash.unwrap_or(u.len());
    let mut out = u[path_start..path_end].to_vec();
    if out.first() != Some(&b'/') {
        out.insert(0, b'/');
    }
    out
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

    /// The bugs that made us write this matcher, one test each.
    #[test]
    fn wildcards_keep_every_candidate_position() {
        // eBay's real file: `Disallow: /b/*_sop=` for `*`.
        let ebay = std::fs::read("tests/data/peer/robots_txt/ebay.robots.txt").unwrap();
        let p = RobotsPolicy::parse("brandguard", &ebay);
        assert!(!p.allows_str("https://www.ebay.com/b/Wireless-Headphones/112529/bn_1?_sop=15"));
        assert!(p.allows_str("https://www.ebay.com/b/Wireless-Headphones/112529/bn_1"));
        assert!(matches(b"/a/b_c/d_sop=1", b"/a/*_sop="));
        assert!(matches(b"/x/y.html", b"/*.html$"));
        assert!(!matches(b"/x/y.html?q", b"/*.html$"));
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_rules() {
        let body = b"\xEF\xBB\xBFUser-agent: *\nDisallow: /private\n";
        assert!(!RobotsPolicy::parse("FooBot", body).allows_str("http://x/private/1"));
        let cut = b"\xEF\xBBUser-agent: *\nDisallow: /private\n";
        assert!(!RobotsPolicy::parse("FooBot", cut).allows_str("http://x/private/1"));
    }

    #[test]
    fn a_sitemap_line_does_not_end_a_group() {
        let body =
            "User-agent: FooBot\nSitemap: http://x/sitemap.xml\nUser-agent: BarBot\nDisallow: /\n";
        assert!(!allowed(body, "http://foo.bar/page"));
        let body = "User-agent: FooBot\nDisallow: /a\nSitemap: http://x/s.xml\nDisallow: /b\n";
        assert!(!allowed(body, "http://foo.bar/b"));
    }

    #[test]
    fn crawl_delay_of_our_group_or_the_file_start() {
        let body =
            "Crawl-delay: 120\nUser-agent: ia_archiver\nDisallow: /\nUser-agent: *\nDisallow: /x\n";
        assert_eq!(
            RobotsPolicy::parse("FooBot", body.as_bytes()).crawl_delay(),
            Some(std::time::Duration::from_secs(120))
        );
        let body = "User-agent: FooBot\nCrawl-delay: 2.5\nUser-agent: *\nCrawl-delay: 9\n";
        assert_eq!(
            RobotsPolicy::parse("FooBot", body.as_bytes()).crawl_delay(),
            Some(std::time::Duration::from_millis(2500))
        );
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
