//! Capture verdicts: what a fetched page is, before anything is read from it. A
//! marketplace that answers the crawler with a captcha, a challenge, a login wall,
//! an empty JavaScript shell or a "no longer available" page with status 200 has not
//! shown the listing: nothing may be concluded from such a capture (no observation,
//! finding, resolution), and it counts as not looked at.
//!
//! The rules are data (`rules/verdicts.toml`, shipped in the binary; a targets
//! folder's `verdicts.toml` replaces it), matched with plain substring tests: a
//! rule names the provider and what the challenge itself carries (status, a
//! header, its URL, markers in its body), never a widget an ordinary page embeds.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::crawl::Page;

/// The rules shipped with brandguard.
const BUILT_IN: &str = include_str!("../rules/verdicts.toml");

/// What a capture is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// A page to read.
    Ok,
    /// The marketplace refused the crawler: captcha, challenge, login wall.
    Blocked { provider: String, rule: String },
    /// No content without JavaScript (an application shell).
    Shell,
    /// A 200 page saying the listing does not exist.
    #[serde(rename = "soft_404")]
    Soft404 { rule: String },
    /// A 200 page showing the listing with nothing to buy: Amazon's "Currently
    /// unavailable. We don't know when or if this item will be back in stock.",
    /// what its product page shows once the seller's offer is removed (the page of
    /// the product stays). On the recheck of a listing search results no longer
    /// bring, that is the takedown; any other such page is read as it is (an item
    /// out of stock is no failure of the scan).
    NoOffer { rule: String },
}

impl Verdict {
    pub fn is_ok(&self) -> bool {
        *self == Verdict::Ok
    }

    /// The failure reason a capture with this verdict is counted under.
    pub fn reason(&self) -> String {
        match self {
            Verdict::Ok => "ok".into(),
            Verdict::Blocked { provider, .. } => format!("blocked_{provider}"),
            Verdict::Shell => "js_shell".into(),
            Verdict::Soft404 { .. } => "soft_404".into(),
            Verdict::NoOffer { .. } => "no_offer".into(),
        }
    }
}

/// A verdict as the night's failures list and the logs say it: what the page
/// was, and the rule that said so (it printed as `Blocked { provider: "alibaba",
/// rule: "slider captcha page" }`).
impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Ok => f.write_str("a page to read"),
            Verdict::Blocked { provider, rule } if provider == "generic" => {
                write!(f, "blocked ({rule}), not the listing")
            }
            Verdict::Blocked { provider, rule } => {
                write!(f, "blocked by {provider} ({rule}), not the listing")
            }
            Verdict::Shell => f.write_str("an application shell: no listing without JavaScript"),
            Verdict::Soft404 { rule } => {
                write!(f, "a page saying the listing does not exist ({rule})")
            }
            Verdict::NoOffer { rule } => {
                write!(f, "the listing with nothing to buy ({rule})")
            }
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Blocked,
    #[serde(rename = "soft_404")]
    Soft404,
    NoOffer,
}

impl Kind {
    /// A rule of this kind fires only on markers the page shows ([`Rule::shown`]):
    /// a live listing carries "no longer available" in scripts and hidden elements.
    fn shown_only(&self) -> bool {
        matches!(self, Kind::Soft404 | Kind::NoOffer)
    }
}

/// One rule of the rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    provider: String,
    name: String,
    verdict: Kind,
    #[serde(default)]
    status: Vec<u16>,
    header: Option<String>,
    header_value: Option<String>,
    url: Option<String>,
    #[serde(default)]
    body_all: Vec<String>,
    #[serde(default)]
    body_any: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RulesFile {
    rule: Vec<Rule>,
}

/// The verdict rules in force.
#[derive(Debug, Clone)]
pub struct Rules {
    rules: Vec<Rule>,
    /// Every body marker of every rule in one automaton, so a page's body is
    /// searched once, whatever the number of rules (was one pass per marker:
    /// about 10% of extraction's cost per page).
    markers: Option<Arc<Automaton>>,
    /// The markers as written (UTF-8), by index.
    patterns: Vec<String>,
    /// Marker → its index, to map a rule's markers to indexes.
    marker_ids: HashMap<String, usize>,
    /// By index: the marker belongs to a rule checked against the page's shown
    /// text (`soft_404`, `no_offer`), and is searched in the whole body.
    anywhere: Vec<bool>,
    /// The automaton over the markers encoded in each legacy encoding a page has
    /// declared so far (by name): a GBK page says 商品已下架 or 安全验证 in GBK
    /// bytes, which the UTF-8 markers never match. Built on first need.
    encoded: Arc<ByEncoding>,
}

/// Encoding name → the markers' automaton in it (`None`: it could not be built).
type ByEncoding = Mutex<HashMap<&'static str, Option<Arc<Automaton>>>>;

/// Markers in one encoding and their automaton; index `i` is `Rules::patterns[i]`.
#[derive(Debug)]
struct Automaton {
    search: aho_corasick::AhoCorasick,
    bytes: Vec<Vec<u8>>,
}

impl Automaton {
    /// Leftmost-first, so the automaton may skip ahead with its SIMD prefilter
    /// (Teddy, for up to 64 markers): an overlapping search cannot, and walked
    /// every byte at one DFA lookup each (~2 ns a byte, a quarter of a
    /// real-weight page's extraction cost). What leftmost-first would hide, a
    /// marker overlapping another's match, `Rules::found` recovers by checking
    /// every marker at each match and searching on from the next byte.
    fn of(bytes: Vec<Vec<u8>>) -> Result<Automaton, String> {
        let search = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&bytes)
            .map_err(|e| e.to_string())?;
        Ok(Automaton { search, bytes })
    }
}

/// A rules file that does not parse: where, and why.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct RulesError {
    pub path: String,
    pub message: String,
}

/// Bodies are searched in their first and last bytes only: challenge markers sit
/// in a page's head and its first elements, and a huge page must not cost more.
const SEARCHED: usize = 256 * 1024;

impl Default for Rules {
    fn default() -> Self {
        // The built-in file is tested to parse (`the_built_in_rules_parse`); were it
        // not to, no rule at all is the fallback, never a panic.
        Self::parse(BUILT_IN, "built-in rules/verdicts.toml").unwrap_or(Rules {
            rules: Vec::new(),
            markers: None,
            patterns: Vec::new(),
            marker_ids: Default::default(),
            anywhere: Vec::new(),
            encoded: Default::default(),
        })
    }
}

impl Rules {
    /// The targets folder's `verdicts.toml` if it has one, else the built-in rules.
    pub fn load(targets: &Path) -> Result<Rules, RulesError> {
        let own = targets.join("verdicts.toml");
        match std::fs::read_to_string(&own) {
            Ok(text) => Self::parse(&text, &own.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Rules::default()),
            Err(e) => Err(RulesError {
                path: own.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    fn parse(text: &str, path: &str) -> Result<Rules, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| RulesError {
            path: path.into(),
            message: e.to_string(),
        })?;
        Self::of(file.rule).map_err(|message| RulesError {
            path: path.into(),
            message,
        })
    }

    /// The rules with their markers' automaton.
    fn of(rules: Vec<Rule>) -> Result<Rules, String> {
        let mut marker_ids = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        for m in rules
            .iter()
            .flat_map(|r| r.body_all.iter().chain(&r.body_any))
        {
            if !marker_ids.contains_key(m) {
                marker_ids.insert(m.clone(), patterns.len());
                patterns.push(m.clone());
            }
        }
        let markers = Automaton::of(patterns.iter().map(|p| p.as_bytes().to_vec()).collect())?;
        let mut anywhere = vec![false; patterns.len()];
        for r in rules.iter().filter(|r| r.verdict.shown_only()) {
            for m in r.body_all.iter().chain(&r.body_any) {
                anywhere[marker_ids[m]] = true;
            }
        }
        Ok(Rules {
            rules,
            markers: Some(Arc::new(markers)),
            patterns,
            marker_ids,
            anywhere,
            encoded: Default::default(),
        })
    }

    /// The automaton for the page's bytes: the UTF-8 one, unless the page declares
    /// a legacy encoding (GBK, Shift_JIS, …) and some marker is not ASCII, which
    /// such an encoding spells in other bytes. A page that declares nothing is
    /// searched as UTF-8; so is a UTF-16 one (rare on the web), matching nothing.
    fn automaton_for(&self, page: &Page) -> Option<Arc<Automaton>> {
        let utf8 = self.markers.clone()?;
        if self.patterns.iter().all(|p| p.is_ascii()) {
            return Some(utf8);
        }
        let Some((enc, _)) = crate::extract::charset::declared(&page.body, page.content_type())
        else {
            return Some(utf8);
        };
        if enc.output_encoding() == encoding_rs::UTF_8 {
            return Some(utf8);
        }
        let mut encoded = self.encoded.lock().unwrap_or_else(|p| p.into_inner());
        encoded
            .entry(enc.name())
            .or_insert_with(|| {
                // A marker the encoding cannot spell stays in UTF-8: it cannot be
                // on such a page, and its index must stay in place.
                let bytes = self
                    .patterns
                    .iter()
                    .map(|p| match enc.encode(p) {
                        (b, _, false) => b.into_owned(),
                        _ => p.as_bytes().to_vec(),
                    })
                    .collect();
                Automaton::of(bytes).ok().map(Arc::new)
            })
            .clone()
            .or(Some(utf8))
    }

    /// Which markers the body holds: in its first and last [`SEARCHED`] bytes, and
    /// for the markers of rules checked against the shown text ([`Kind::shown_only`]),
    /// anywhere. A takedown's message stands where the buy box stood, deep in a real
    /// product page (850 KB into the 1.4 MB amazon.com capture B07FW264WL), where
    /// the first and last bytes never reached it.
    fn found(&self, page: &Page) -> Vec<bool> {
        let Some(markers) = self.automaton_for(page) else {
            return Vec::new();
        };
        let body = &page.body[..];
        let mut found = vec![false; markers.bytes.len()];
        let mut scan = |part: &[u8], only_anywhere: bool| {
            let mut at = 0;
            while let Some(m) = markers
                .search
                .find(aho_corasick::Input::new(part).span(at..part.len()))
            {
                let p = m.start();
                for (i, marker) in markers.bytes.iter().enumerate() {
                    if (!only_anywhere || self.anywhere.get(i) == Some(&true))
                        && part[p..].starts_with(marker)
                    {
                        found[i] = true;
                    }
                }
                at = p + 1;
            }
        };
        if body.len() <= 2 * SEARCHED {
            scan(body, false);
        } else {
            scan(&body[..SEARCHED], false);
            scan(&body[body.len() - SEARCHED..], false);
            if self.anywhere.contains(&true) {
                scan(body, true);
            }
        }
        found
    }

    /// The verdict on a fetched page (any status: challenges come as 200, 403, 503).
    /// A page whose bytes hold a soft-404 or no-offer marker is parsed, to test that
    /// it shows the marker: CPU work the scan does off its loop
    /// ([`Rules::judge_unparsed`] tells it when).
    pub fn judge(&self, page: &Page) -> Verdict {
        // The text is always given, so the verdict always comes.
        self.judge_with(page, &mut || Some(shown_text(page)))
            .unwrap_or(Verdict::Ok)
    }

    /// The verdict where it needs no parse of the page; `None` where a rule asks
    /// whether the page shows its markers (then [`Rules::judge`], off the loop).
    pub fn judge_unparsed(&self, page: &Page) -> Option<Verdict> {
        self.judge_with(page, &mut || None)
    }

    /// The verdict with the page's visible text from `visible` (`Some(None)`: the
    /// page cannot be parsed and shows nothing a rule may conclude from), asked at
    /// most once and only for a page whose bytes hold a soft-404 marker; `None` if
    /// `visible` gives nothing where it is needed.
    pub fn judge_with(
        &self,
        page: &Page,
        visible: &mut dyn FnMut() -> Option<Option<String>>,
    ) -> Option<Verdict> {
        let found = self.found(page);
        let has = |m: &String| {
            self.marker_ids
                .get(m)
                .is_some_and(|i| found.get(*i).copied().unwrap_or(false))
        };
        let url = page.final_url.as_str();
        let mut shown: Option<Option<String>> = None;
        for r in &self.rules {
            if !r.matches(page, url, &has) {
                continue;
            }
            if r.verdict.shown_only() {
                let text = match &mut shown {
                    Some(text) => text,
                    empty => empty.insert(visible()?),
                };
                if !r.shown(text) {
                    continue;
                }
            }
            return Some(match r.verdict {
                Kind::Blocked => Verdict::Blocked {
                    provider: r.provider.clone(),
                    rule: r.name.clone(),
                },
                Kind::Soft404 => Verdict::Soft404 {
                    rule: r.name.clone(),
                },
                Kind::NoOffer => Verdict::NoOffer {
                    rule: r.name.clone(),
                },
            });
        }
        if page.status == 200 && is_shell(&page.body) {
            return Some(Verdict::Shell);
        }
        Some(Verdict::Ok)
    }
}

/// Does a marker after `before` (the text of its line before it) open a message of
/// the page's, not a sentence quoting it: first on its line, or at most a few
/// words into its sentence (`Sorry! `, `Currently unavailable. We don't know `),
/// in a line's first 200 characters? A review saying "I wanted the blue one but
/// This item is no longer available in blue" made a live listing a soft 404.
fn a_message(before: &str) -> bool {
    let sentence = before
        .rsplit(['.', '!', '?', ':', '。', '！', '？', '：'])
        .next()
        .unwrap_or(before);
    sentence.trim().chars().count() <= 15 && before.chars().count() <= 200
}

/// Do the words after a marker, in its sentence, say in what or where else the
/// item is no longer to be had (`This product is no longer available in Black.`,
/// `… in your country`, `… nicht mehr verfügbar in Schwarz`, `… n'est plus disponible
/// en noir`)? That is a live page's note on a variant or a region, no takedown: read
/// as one, the listing was gone and its findings resolved. Where the sentence names
/// the shop (`… in our store`, `… in unserem Shop`), the item is gone from it.
fn qualified(after: &str) -> bool {
    const SHOP: &[&str] = &[
        "store",
        "shop",
        "marketplace",
        "catalog",
        "catalogue",
        "site",
        "website",
        "boutique",
        "tienda",
        "loja",
        "negozio",
        "winkel",
        "sortiment",
        "range",
    ];
    let Some(rest) = after.strip_prefix(' ') else {
        return false;
    };
    // A sentence's first words are enough: a hostile line is not lower-cased whole.
    let rest = rest
        .char_indices()
        .nth(200)
        .map_or(rest, |(at, _)| &rest[..at]);
    let sentence = rest
        .split(['.', '!', '?', '。', '！', '？'])
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let mut words = sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or_default();
    ["in", "en", "em", "na", "no", "nel", "nella"].contains(&first)
        && !words.any(|w| SHOP.contains(&w))
}

/// The page's visible text ([`crate::extract::visible_text`]), or `None` when the
/// page cannot be parsed within the usual budget.
fn shown_text(page: &Page) -> Option<String> {
    let text = crate::extract::decode(page).text;
    let doc = crate::extract::html::parse(&text, crate::extract::html::Budget::default()).ok()?;
    Some(crate::extract::visible_text(&doc))
}

impl Rule {
    /// Whether a soft-404 rule's body markers are in what the page shows, not only
    /// in its bytes: a live listing whose scripts or hidden elements carry "this
    /// item is no longer available" is no takedown. (The markers must still be in
    /// the bytes as written, [`Rules::found`]: only such pages are parsed.) A page
    /// that cannot be parsed shows nothing a rule may conclude from.
    fn shown(&self, visible: &Option<String>) -> bool {
        if self.body_all.is_empty() && self.body_any.is_empty() {
            return true;
        }
        let Some(text) = visible else {
            return false;
        };
        let has = |m: &String| {
            let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
            // Only a line's first 800 bytes can hold 200 characters before it: a
            // hostile line of the marker a million times is read in linear time.
            text.lines().any(|line| {
                (line.match_indices(&m))
                    .take_while(|(at, _)| *at <= 800)
                    .any(|(at, _)| a_message(&line[..at]) && !qualified(&line[at + m.len()..]))
            })
        };
        self.body_all.iter().all(has) && (self.body_any.is_empty() || self.body_any.iter().any(has))
    }

    fn matches(&self, page: &Page, url: &str, has: &impl Fn(&String) -> bool) -> bool {
        (self.status.is_empty() || self.status.contains(&page.status))
            && self.header.as_deref().is_none_or(|h| {
                page.header(h).is_some_and(|v| {
                    self.header_value.as_deref().is_none_or(|want| {
                        v.to_ascii_lowercase().contains(&want.to_ascii_lowercase())
                    })
                })
            })
            && self.url.as_deref().is_none_or(|u| url.contains(u))
            && self.body_all.iter().all(has)
            && (self.body_any.is_empty() || self.body_any.iter().any(has))
    }
}

/// An application shell: scripts, no structured data, and almost no text outside
/// them. Measured on the bytes (tags, scripts and styles skipped), not a parse: it
/// runs on every page, so it stops at the 40th visible character (every real page
/// has that much in its first menu) and never decodes: on GBK pages a lossy UTF-8
/// copy of the body was a tenth of a scan's verdict cost.
fn is_shell(body: &[u8]) -> bool {
    /// Visible characters that make a page more than a shell.
    const ENOUGH: usize = 40;
    if body.len() > 64 * 1024 || find_ci(body, b"<script").is_none() {
        return false;
    }
    // Structured data is content a crawler reads without running anything. One
    // automaton for the four markers, one pass: searched one by one, each marker's
    // common first letter ('a', 'i', 'p') stopped the scan at most bytes of a page
    // without them (1.5% of a real-weight scan's CPU).
    const STRUCTURED: [&str; 4] = [
        "application/ld+json",
        "itemprop=",
        "property=\"og:",
        "property=\"product:",
    ];
    static MARKERS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(STRUCTURED)
                .ok()
        });
    let structured = match MARKERS.as_ref() {
        Some(ac) => ac.is_match(body),
        None => STRUCTURED
            .iter()
            .any(|m| find_ci(body, m.as_bytes()).is_some()),
    };
    if structured {
        return false;
    }
    // Characters, not bytes: UTF-8 continuation bytes are not counted.
    let visible = |b: &[u8]| {
        b.iter()
            .filter(|c| !c.is_ascii_whitespace() && (**c & 0xC0) != 0x80)
            .count()
    };
    let (mut seen, mut rest) = (0usize, body);
    while let Some(lt) = memchr::memchr(b'<', rest) {
        seen += visible(&rest[..lt]);
        if seen >= ENOUGH {
            return false;
        }
        rest = &rest[lt..];
        let starts =
            |tag: &[u8]| rest.len() >= tag.len() && rest[..tag.len()].eq_ignore_ascii_case(tag);
        let skip_to: &[u8] = if starts(b"<script") {
            b"</script>"
        } else if starts(b"<style") {
            b"</style>"
        } else if starts(b"<title") {
            b"</title>"
        } else if starts(b"<noscript") {
            b"</noscript>"
        } else {
            b">"
        };
        match find_ci(rest, skip_to) {
            Some(end) => rest = &rest[end + skip_to.len()..],
            None => return seen < ENOUGH,
        }
    }
    seen + visible(rest) < ENOUGH
}

/// Where `needle` (ASCII) first occurs in `hay`, ignoring ASCII case: a memchr on
/// the first byte's two cases, then a compare.
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, tail) = needle.split_first()?;
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut from = 0;
    while let Some(i) = memchr::memchr2(lo, up, &hay[from..]) {
        let at = from + i;
        let end = at + needle.len();
        if end <= hay.len() && hay[at + 1..end].eq_ignore_ascii_case(tail) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(status: u16, headers: &[(&str, &str)], url: &str, body: &str) -> Page {
        let mut p = Page::saved(url::Url::parse(url).unwrap(), body.as_bytes().to_vec());
        p.status = status;
        p.headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        p
    }

    /// A verdict is said in words in the night's failures (it printed as `Blocked {
    /// provider: "alibaba", rule: "slider captcha page" }`).
    #[test]
    fn a_verdict_is_said_in_words() {
        let blocked = |provider: &str| Verdict::Blocked {
            provider: provider.into(),
            rule: "slider captcha page".into(),
        };
        assert_eq!(
            blocked("alibaba").to_string(),
            "blocked by alibaba (slider captcha page), not the listing"
        );
        assert_eq!(
            blocked("generic").to_string(),
            "blocked (slider captcha page), not the listing"
        );
        for v in [
            Verdict::Ok,
            Verdict::Shell,
            Verdict::Soft404 { rule: "r".into() },
            Verdict::NoOffer { rule: "r".into() },
        ] {
            let said = v.to_string();
            assert!(!said.contains('{') && !said.contains("Some("), "{said}");
        }
    }

    #[test]
    fn the_built_in_rules_parse() {
        let rules = Rules::parse(BUILT_IN, "built-in").expect("rules/verdicts.toml parses");
        assert!(rules.rules.len() >= 10);
    }

    #[test]
    fn challenges_are_blocked_and_widgets_are_not() {
        let rules = Rules::default();
        let blocked = |p: &Page| !rules.judge(p).is_ok();
        let item = "http://shop.example/item/1";
        assert!(blocked(&page(
            403,
            &[("cf-mitigated", "challenge")],
            item,
            ""
        )));
        assert!(blocked(&page(
            503,
            &[],
            item,
            "<html><head><title>Just a moment...</title>"
        )));
        assert!(blocked(&page(
            200,
            &[],
            "https://detail.tmall.com/punish?x5secdata=abc",
            ""
        )));
        assert!(blocked(&page(
            200,
            &[],
            item,
            "<div id=\"nc_1_n1z\"></div>请完成验证 punish"
        )));
        assert!(blocked(&page(
            200,
            &[],
            item,
            "<title dir=\"ltr\">Robot Check</title>"
        )));
        assert!(blocked(&page(
            200,
            &[],
            item,
            "<title>Sign in</title><input type=\"password\">"
        )));
        // Ordinary product pages carrying captcha widgets and bot sensors.
        let product = "<html><head><title>Acme X1 Headphones</title>\
            <script src=\"https://www.google.com/recaptcha/api.js\" async></script>\
            <script src=\"https://challenges.cloudflare.com/turnstile/v0/api.js\"></script>\
            <script src=\"https://turing.captcha.qcloud.com/TCaptcha.js\"></script></head>\
            <body><h1>Acme X1 Wireless Headphones</h1><div class=\"g-recaptcha\"></div>\
            <span class=\"price\">$199.00</span><p>Sold by Northwind Audio. Noise cancelling,\
            30 hours of battery, folds flat for travel.</p></body></html>";
        assert_eq!(rules.judge(&page(200, &[], item, product)), Verdict::Ok);
    }

    #[test]
    fn markers_inside_other_markers_are_found() {
        let rules = Rules::default();
        // "验证" lies inside the match of "<title>验证码</title>"; "nc_1_n1z" follows.
        let body = "<html><head><title>验证码</title></head><body><div id=\"nc_1_n1z\"></div></body></html>";
        let found = rules.found(&page(200, &[], "http://shop.example/item/1", body));
        for m in ["<title>验证码</title>", "验证", "nc_1_n1z"] {
            assert!(found[rules.marker_ids[m]], "{m} not found");
        }
        assert!(!found[rules.marker_ids["punish"]]);
        assert!(matches!(
            rules.judge(&page(200, &[], "http://shop.example/item/1", body)),
            Verdict::Blocked { .. }
        ));
    }

    #[test]
    fn shells_and_soft_404s() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        let shell = "<html><head><script src=\"/app.js\"></script></head><body><div id=\"root\"></div></body></html>";
        assert_eq!(rules.judge(&page(200, &[], item, shell)), Verdict::Shell);
        // Case does not hide a script, and a page with text is no shell.
        let upper = "<HTML><HEAD><SCRIPT SRC=\"/app.js\"></SCRIPT></HEAD><BODY><DIV ID=\"root\"></DIV></BODY></HTML>";
        assert_eq!(rules.judge(&page(200, &[], item, upper)), Verdict::Shell);
        let texty = "<html><head><script>var a = '<b>';</script></head><body><p>Acme X1 Wireless \
            Headphones, noise cancelling, 30 hours of battery</p></body></html>";
        assert_eq!(rules.judge(&page(200, &[], item, texty)), Verdict::Ok);
        // Text inside scripts, styles and the title is not visible text.
        let hidden = "<html><head><title>A long title of a shell page that says a lot</title>\
            <style>body { font-family: system-ui; margin: 0; padding: 0 }</style></head>\
            <body><script>window.__STATE__ = {\"a\": \"many many words inside a script\"}</script>\
            <div id=app></div></body></html>";
        assert_eq!(rules.judge(&page(200, &[], item, hidden)), Verdict::Shell);
        // Structured data is content, whatever its case: such a page is no shell.
        for data in [
            "<script type=\"APPLICATION/LD+JSON\">{\"@type\": \"Product\"}</script>",
            "<div ItemProp=\"name\"></div>",
            "<meta PROPERTY=\"og:title\" content=\"x\">",
            "<meta property=\"product:price:amount\" content=\"1\">",
        ] {
            let with = shell.replace("<div id=\"root\">", &format!("{data}<div id=\"root\">"));
            assert_eq!(
                rules.judge(&page(200, &[], item, &with)),
                Verdict::Ok,
                "{data}"
            );
        }
        assert_eq!(find_ci(b"xx<ScRiPt", b"<script"), Some(2));
        assert_eq!(find_ci(b"<scrip", b"<script"), None);
    }

    /// The scan parses a page for its verdict off its loop, and only where a rule
    /// needs it: `judge_unparsed` says which pages those are, and what the others are.
    #[test]
    fn only_a_page_with_a_soft_404_marker_waits_for_a_parse() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        let gone = "<html><body><h1>This item is no longer available</h1></body></html>";
        let captcha = "<html><head><title>Just a moment...</title>";
        let live = "<html><body><h1>Acme TX-500 cordless drill, 18 V, two batteries</h1>\
            <p>$199.00</p></body></html>";
        assert_eq!(rules.judge_unparsed(&page(200, &[], item, gone)), None);
        let blocked = rules.judge_unparsed(&page(503, &[], item, captcha));
        assert!(
            matches!(blocked, Some(Verdict::Blocked { .. })),
            "{blocked:?}"
        );
        assert_eq!(
            rules.judge_unparsed(&page(200, &[], item, live)),
            Some(Verdict::Ok)
        );
        // Unparsable, the page shows no marker: it is no soft 404.
        let unread = rules.judge_with(&page(200, &[], item, gone), &mut || Some(None));
        assert_eq!(unread, Some(Verdict::Ok));
        assert!(matches!(
            rules.judge(&page(200, &[], item, gone)),
            Verdict::Soft404 { .. }
        ));
    }

    /// A soft-404 marker counts where the page shows it as a message: first in its
    /// block, after a few words or a sentence; not quoted inside a buyer's review.
    #[test]
    fn a_marker_quoted_in_a_sentence_is_no_message() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        let body = |block: &str| {
            format!(
                "<html><body><h1>Acme TX-500 drill</h1><p>$199.00</p><div class=content>{block}</div></body></html>"
            )
        };
        let live = body(
            "<p>Great drill. I wanted the blue one but This item is no longer available \
             in blue, so I got black.</p>",
        );
        assert_eq!(rules.judge(&page(200, &[], item, &live)), Verdict::Ok);
        // A live page's note on a variant or a region, first on its line.
        for live in [
            "<p>This product is no longer available in Black.</p>",
            "<p>This item is no longer available in your country.</p>",
            "<p>Dieser Artikel ist nicht mehr verfügbar in Schwarz.</p>",
        ] {
            assert_eq!(
                rules.judge(&page(200, &[], item, &body(live))),
                Verdict::Ok,
                "{live}"
            );
        }
        // Gone from the shop, whose name the sentence gives.
        for gone in [
            "<p>This item is no longer available in our store.</p>",
            "<p>Dieser Artikel ist nicht mehr verfügbar in unserem Shop.</p>",
        ] {
            assert!(
                matches!(
                    rules.judge(&page(200, &[], item, &body(gone))),
                    Verdict::Soft404 { .. }
                ),
                "{gone}"
            );
        }
        for gone in [
            "<h2>This item is no longer available</h2>",
            "<p>Sorry! This item is no longer available.</p>",
            "<p>We looked everywhere.<br>This item is no longer available.</p>",
            "<p>We're sorry, the page you asked for is gone. This item is no longer available.</p>",
        ] {
            assert!(
                matches!(
                    rules.judge(&page(200, &[], item, &body(gone))),
                    Verdict::Soft404 { .. }
                ),
                "{gone}"
            );
        }
        // Amazon's no-offer line with its two sentences on one line.
        let none = body(
            "<div><span>Currently unavailable.</span> <span>We don't know when or if this item \
             will be back in stock.</span></div>",
        );
        assert!(matches!(
            rules.judge(&page(200, &[], item, &none)),
            Verdict::NoOffer { .. }
        ));
    }

    /// What visitors wrote is theirs, whatever it quotes: a review saying the item
    /// had been delisted before (`上次买的时候商品已下架`, short enough to pass for a
    /// message) made a live listing a soft 404, its findings unmade. The same words
    /// as the page's own message, outside a review, still end the listing; and a
    /// frame's class (`<body class="reviews-enabled">`) hides nothing.
    #[test]
    fn what_visitors_wrote_is_no_message_of_the_page() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        let body = |attrs: &str, block: &str| {
            format!(
                "<html><head><meta charset=\"utf-8\"></head><body{attrs}><h1>Acme X1 耳机</h1>\
                 <p>¥999</p>{block}</body></html>"
            )
        };
        for live in [
            "<div class=\"comment-item\"><p>上次买的时候商品已下架，这次终于买到了</p></div>",
            "<ul id=\"reviews\"><li>上次买的时候商品已下架</li></ul>",
            "<div itemprop=\"review\"><p>This item is no longer available. Got it elsewhere</p></div>",
        ] {
            assert_eq!(
                rules.judge(&page(200, &[], item, &body("", live))),
                Verdict::Ok,
                "{live}"
            );
        }
        for gone in [
            body("", "<div class=\"notice\">商品已下架</div>"),
            body("", "<div class=\"preview\">该商品已下架</div>"),
            body("", "<div class=\"qa-error-message\">该商品已下架</div>"),
            body(" class=\"reviews-enabled\"", "<div>该商品已下架</div>"),
        ] {
            assert!(
                matches!(
                    rules.judge(&page(200, &[], item, &gone)),
                    Verdict::Soft404 { .. }
                ),
                "{gone}"
            );
        }
    }

    /// A hostile page of the marker 100,000 times on one line is judged (each
    /// occurrence once counted the whole line before it: quadratic); a marker
    /// past the line's first 200 characters is no message.
    #[test]
    fn a_line_of_markers_is_judged_in_linear_time() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        let line = "I wanted the blue one but This item is no longer available; ".repeat(100_000);
        let live = format!("<html><body><h1>Acme TX-500 drill</h1><p>{line}</p></body></html>");
        assert_eq!(rules.judge(&page(200, &[], item, &live)), Verdict::Ok);
    }

    /// Bot checks of more vendors are blocks (each was `ok`, and read as a listing
    /// page with nothing on it): Imperva's block page, Yandex's SmartCaptcha and
    /// Shopee's traffic verification, where a crawler is sent; a page carrying
    /// Imperva's script stays a page to read.
    #[test]
    fn bot_checks_of_more_vendors_are_blocks() {
        let rules = Rules::default();
        let provider = |url: &str, body: &str| match rules.judge(&page(200, &[], url, body)) {
            Verdict::Blocked { provider, .. } => provider,
            other => format!("{other:?}"),
        };
        let incapsula = "<html><head><META NAME=\"robots\" CONTENT=\"noindex,nofollow\"></head>\
            <body><iframe src=\"/_Incapsula_Resource?CWUDNSAI=9\">Request unsuccessful. \
            Incapsula incident ID: 1035000110123456789-123456789012345678</iframe></body></html>";
        let item = "https://shop.example/item/1";
        assert_eq!(provider(item, incapsula), "imperva");
        let yandex = "https://market.yandex.ru/showcaptcha?cc=1&retpath=https%3A//market.yandex.ru/product--x1/1";
        let smart =
            "<html><head><title>Вы не робот?</title></head><body><form></form></body></html>";
        assert_eq!(provider(yandex, smart), "yandex");
        let shopee =
            "https://shopee.co.id/verify/traffic/error?home_url=https%3A%2F%2Fshopee.co.id%2F";
        let login =
            "<html><head><title>Shopee</title></head><body><p>Login Required</p></body></html>";
        assert_eq!(provider(shopee, login), "shopee");
        let live = "<html><head><script src=\"/_Incapsula_Resource?SWJIYLWA=719d34\"></script></head>\
            <body><h1>Acme X1 Headphones, wireless, noise cancelling</h1><p>$199.00</p></body></html>";
        assert_eq!(rules.judge(&page(200, &[], item, live)), Verdict::Ok);
    }

    /// Ended listings in other words and languages keep their last price in view;
    /// a live page that names them only in a hidden span is no soft 404, and a
    /// paused listing is one with nothing to buy.
    #[test]
    fn ended_listings_in_more_words_and_languages() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        let judge = |notice: &str, hidden: bool| {
            let attr = if hidden { " hidden" } else { "" };
            let body = format!(
                "<html><head><meta charset=\"utf-8\"></head><body><h1>Acme X1 Headphones</h1>\
                 <div class=\"notice\"{attr}>{notice}</div><span class=\"price\">€ 59,00</span>\
                 </body></html>"
            );
            rules.judge(&page(200, &[], item, &body))
        };
        for ended in [
            "This listing ended on Thu, Dec 3 at 3:14 PM.",
            "The listing you're looking for has ended.",
            "This auction has ended.",
            "Dieses Angebot wurde beendet.",
            "Diese Auktion ist beendet.",
            "L'inserzione è terminata.",
            "Questo oggetto non è più disponibile.",
            "Cette annonce est terminée.",
            "Publicación finalizada",
            "Este anúncio foi finalizado",
            "Oferta zakończona",
            "该商品已下柜，欢迎挑选其他商品！",
            "このオークションは終了しています",
            "판매종료된 상품입니다",
            "Объявление снято с публикации",
            "此宝贝已下架",
            "Dieser Artikel ist nicht mehr verfügbar.",
            "Cet objet n’est plus disponible.",
            "Este artículo ya no está disponible",
            "Dit artikel is niet meer beschikbaar",
            "この商品は販売終了しました",
            "판매중지된 상품입니다",
            "Sorry, this item is no longer available.",
            "This product is no longer available.",
            "We're sorry, this product is no longer available",
            "该商品已失效",
            "很抱歉，您查看的商品找不到了！",
        ] {
            assert!(
                matches!(judge(ended, false), Verdict::Soft404 { .. }),
                "{ended}"
            );
            assert_eq!(judge(ended, true), Verdict::Ok, "hidden: {ended}");
        }
        for nothing_to_buy in [
            "Publicación pausada",
            "Attualmente non disponibile. Non sappiamo se e quando questo articolo tornerà disponibile.",
        ] {
            assert!(
                matches!(judge(nothing_to_buy, false), Verdict::NoOffer { .. }),
                "{nothing_to_buy}"
            );
        }
        for live in [
            "Angebot endet in 2 Tagen",
            "L'inserzione termina tra 3 giorni",
            "Oferta kończy się za 2 dni",
            "판매자 정보",
            "Auction ends in 2h 14m",
            "販売終了まで残り3日",
        ] {
            assert_eq!(judge(live, false), Verdict::Ok, "{live}");
        }
    }

    #[test]
    fn soft_404s_must_be_shown() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        let gone = "<html><body><h1>This item is no longer available</h1></body></html>";
        assert!(matches!(
            rules.judge(&page(200, &[], item, gone)),
            Verdict::Soft404 { .. }
        ));
        // An ended eBay listing that sold, or whose bidding closed, shows its last
        // price: no listing on sale.
        for ended in [
            "<div class=\"ux-message\">This listing sold on Thu, Dec 3 at 3:14 PM.</div><div class=\"x-price\">Sold for US $50.00</div>",
            "<span>Bidding has ended on this item.</span><span>Winning bid: US $50.00</span>",
        ] {
            let body = format!("<html><body><h1>Acme X1 Headphones</h1>{ended}</body></html>");
            assert!(
                matches!(
                    rules.judge(&page(200, &[], item, &body)),
                    Verdict::Soft404 { .. }
                ),
                "{ended}"
            );
        }
        // What a live page carries but does not show is no soft 404: a message table
        // in a script, a hidden countdown span, a comment, an attribute.
        for live in [
            "<script type=\"json/i18n\">{\"gone\":\"This item is no longer available\"}</script>",
            "<span id=\"vi-listing-ended\" class=\"hide\">This listing has ended</span>",
            "<div hidden><p>This item is no longer available</p></div>",
            "<div aria-hidden=\"true\">This listing has ended</div>",
            "<p style=\"DISPLAY: none\">This listing has ended</p>",
            "<!-- This item is no longer available -->",
            "<a title=\"This item is no longer available\">more like this</a>",
            "<template><h1>This item is no longer available</h1></template>",
        ] {
            let body = format!(
                "<html><head><title>Acme TX-500</title></head><body><h1>Acme TX-500 cordless drill, 18 V, two batteries</h1>{live}<p>$199.00</p></body></html>"
            );
            assert_eq!(
                rules.judge(&page(200, &[], item, &body)),
                Verdict::Ok,
                "{live}"
            );
        }
        // Shown, it is one, though a script carries it too.
        let shown = "<html><body><script>var m = \"This item is no longer available\";</script>\
            <div class=\"notice\"><h1>This item is no longer available</h1></div></body></html>";
        assert!(matches!(
            rules.judge(&page(200, &[], item, shown)),
            Verdict::Soft404 { .. }
        ));
        // A 410 is a real answer, read as gone by the scan, not a soft 404.
        assert!(rules.judge(&page(410, &[], item, gone)).is_ok());
    }

    #[test]
    fn legacy_encoded_pages_are_searched_in_their_encoding() {
        let rules = Rules::default();
        let item = "http://shop.example/item/1";
        // A GBK page says it in GBK bytes: its takedown notice and its security
        // check are known (they matched nothing while the markers were UTF-8 only).
        let gbk = |html: &str, ct: &str| {
            let mut p = Page::saved(
                url::Url::parse(item).unwrap(),
                encoding_rs::GBK.encode(html).0.into_owned(),
            );
            p.headers = vec![("content-type".into(), ct.into())];
            p
        };
        let removed =
            "<html><body><div class=\"error\"><h1>很抱歉，该商品已下架</h1></div></body></html>";
        for ct in ["text/html; charset=GBK", "text/html"] {
            let declared = if ct.contains("GBK") {
                removed.to_string()
            } else {
                removed.replace("<html>", "<html><head><meta charset=\"gbk\"></head>")
            };
            assert!(
                matches!(rules.judge(&gbk(&declared, ct)), Verdict::Soft404 { .. }),
                "{ct}"
            );
        }
        let check = "<html><head><title>安全验证</title></head><body><div id=\"nc_1_n1z\"></div></body></html>";
        assert!(matches!(
            rules.judge(&gbk(check, "text/html; charset=gbk")),
            Verdict::Blocked { .. }
        ));
        // A GBK listing page is none of these.
        let listing = "<html><body><h1>华强电子旗舰店 ACME 无线耳机 正品行货 全国联保</h1><p>¥1,299.00</p></body></html>";
        assert_eq!(
            rules.judge(&gbk(listing, "text/html; charset=gbk")),
            Verdict::Ok
        );
    }
}
