//! Parsing a page into a DOM at a cost linear in its bytes, with a CPU budget.
//!
//! scraper's `Html::parse_document` hands the whole page to html5ever, whose tree
//! builder walks its stack of open elements for every start tag ("is there a `<p>` in
//! button scope?"). On a page of 100,000 nested `<div>`s that is quadratic: 81 CPU
//! seconds for 1.1 MB, hours for a page at the body cap. Browsers cap the depth of
//! the tree (Chromium and WebKit at 512: deeper elements become siblings), and so do
//! we: `DepthCap` sits between html5ever's tokenizer and its tree builder and drops
//! start tags (and their end tags) beyond [`MAX_DEPTH`] open elements, so their
//! content lands in the deepest element allowed. html5ever has no
//! such option, hence this filter; it is written against html5ever's public
//! `TokenSink` interface, the same one its own driver uses.
//!
//! The input is fed in chunks and the thread's CPU time is checked between them: a
//! page that still costs more than its [`Budget`] (one tag with half a million
//! attributes, say: html5ever checks each new attribute against all earlier ones)
//! is given up on with [`ParseError::OverBudget`], and the scan records it as
//! unreadable instead of stalling.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{LocalName, TokenizerResult, local_name as ln};
use scraper::{Html, HtmlTreeSink};

/// Deepest element nesting kept, as in Chromium and WebKit.
pub const MAX_DEPTH: usize = 512;

/// Bytes fed to the parser between two looks at the clock.
const CHUNK_BYTES: usize = 64 * 1024;

/// How many open elements an end tag is matched against: a stray `</span>` on a
/// deep page must not walk the whole stack (that would be quadratic again).
const END_TAG_REACH: usize = 32;

/// Why a page was not parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(
        "parsing took more than {limit_ms} ms of CPU (at byte {at} of {len}): the page is given up on"
    )]
    OverBudget {
        limit_ms: u64,
        at: usize,
        len: usize,
    },
}

/// CPU time a page's parse may take: a fixed allowance plus an allowance per MiB.
/// Measured in the parsing thread's CPU time, so a busy machine does not make pages
/// unreadable.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub base: Duration,
    pub per_mib: Duration,
}

impl Default for Budget {
    /// Ordinary pages parse at 20–50 MiB/s here (30–50 ms per MiB); the default
    /// allows several times that.
    fn default() -> Self {
        Budget {
            base: Duration::from_millis(500),
            per_mib: Duration::from_millis(400),
        }
    }
}

impl Budget {
    /// No limit (tests and tools that must read a page whatever it costs).
    pub fn unlimited() -> Budget {
        Budget {
            base: Duration::from_secs(u64::MAX / 4),
            per_mib: Duration::ZERO,
        }
    }

    fn for_len(&self, len: usize) -> Duration {
        let budget = self.base + self.per_mib.mul_f64(len as f64 / (1024.0 * 1024.0));
        // Unoptimised builds (the test suite) parse some 15 times slower.
        if cfg!(debug_assertions) {
            budget.saturating_mul(20)
        } else {
            budget
        }
    }
}

/// CPU time used by the calling thread so far.
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// Parses `text` as an HTML document, depth-capped, within `budget`.
pub fn parse(text: &str, budget: Budget) -> Result<Html, ParseError> {
    let started = thread_cpu_time();
    let text = &*cap_attributes(text);
    let limit = budget.for_len(text.len());
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    let tokenizer = Tokenizer::new(DepthCap::new(builder), TokenizerOpts::default());
    let input = BufferQueue::default();
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + CHUNK_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        input.push_back(StrTendril::from_slice(&text[at..end]));
        // `Script` results (a `</script>` was seen) only pause the tokenizer.
        while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
        at = end;
        if at < text.len() && thread_cpu_time().saturating_sub(started) > limit {
            return Err(ParseError::OverBudget {
                limit_ms: limit.as_millis() as u64,
                at,
                len: text.len(),
            });
        }
    }
    tokenizer.end();
    let DepthCap { inner, .. } = tokenizer.sink;
    Ok(inner.sink.finish())
}

/// Elements that never have content (no end tag, no depth).
fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        ln!("area")
            | ln!("base")
            | ln!("basefont")
            | ln!("bgsound")
            | ln!("br")
            | ln!("col")
            | ln!("embed")
            | ln!("frame")
            | ln!("hr")
            | ln!("img")
            | ln!("input")
            | ln!("keygen")
            | ln!("link")
            | ln!("meta")
            | ln!("param")
            | ln!("source")
            | ln!("track")
            | ln!("wbr")
            | ln!("html")
            | ln!("head")
            | ln!("body")
    )
}

/// Elements whose content is text, not markup: always passed on, so the tokenizer
/// switches state as the tree builder tells it (a dropped `<script>` would have its
/// body read as tags).
fn is_raw_text(name: &LocalName) -> bool {
    matches!(
        *name,
        ln!("script")
            | ln!("style")
            | ln!("textarea")
            | ln!("title")
            | ln!("xmp")
            | ln!("iframe")
            | ln!("noembed")
            | ln!("noframes")
            | ln!("noscript")
            | ln!("plaintext")
    )
}

/// Start tags that close an open element of the listed names first, as the tree
/// builder does (`<li>` after `<li>`, `<td>` after `<td>`): without this the depth
/// count of a list of 1,000 unclosed `<li>` would reach 1,000.
fn closes(new: &LocalName, open: &LocalName) -> bool {
    match *new {
        ln!("li") => *open == ln!("li"),
        ln!("dt") | ln!("dd") => matches!(*open, ln!("dt") | ln!("dd")),
        ln!("option") => *open == ln!("option"),
        ln!("optgroup") => matches!(*open, ln!("option") | ln!("optgroup")),
        ln!("td") | ln!("th") => matches!(*open, ln!("td") | ln!("th")),
        ln!("tr") => matches!(*open, ln!("td") | ln!("th") | ln!("tr")),
        ln!("tbody") | ln!("thead") | ln!("tfoot") => matches!(
            *open,
            ln!("td") | ln!("th") | ln!("tr") | ln!("tbody") | ln!("thead")
        ),
        ln!("rt") | ln!("rp") => matches!(*open, ln!("rt") | ln!("rp")),
        ln!("p")
        | ln!("div")
        | ln!("ul")
        | ln!("ol")
        | ln!("dl")
        | ln!("table")
        | ln!("h1")
        | ln!("h2")
        | ln!("h3")
        | ln!("h4")
        | ln!("h5")
        | ln!("h6")
        | ln!("section")
        | ln!("article")
        | ln!("header")
        | ln!("footer")
        | ln!("nav")
        | ln!("aside")
        | ln!("form")
        | ln!("pre")
        | ln!("blockquote")
        | ln!("figure")
        | ln!("main")
        | ln!("address")
        | ln!("fieldset")
        | ln!("details")
        | ln!("menu")
        | ln!("hr") => *open == ln!("p"),
        _ => false,
    }
}

/// A token filter that keeps the tree at most [`MAX_DEPTH`] elements deep: a start
/// tag beyond the cap is dropped (its text still lands in the deepest element
/// allowed), and so is its end tag when it comes. Browsers instead make such elements
/// siblings of the deepest one, but each of those costs the tree builder a walk of the
/// whole stack of open elements (a `<p>` in button scope?): 25x an ordinary page's
/// cost per byte at 100,000 nested `<div>`; dropping costs nothing. No real page nests
/// 512 deep, so nothing a shop shows is lost. The filter keeps its own, approximate,
/// stack of open elements (the tree builder's is private): close enough, since real
/// pages stay far below the cap.
struct DepthCap<S> {
    inner: S,
    open: RefCell<Vec<LocalName>>,
    /// Start tags dropped, by name, whose end tags are still to come.
    dropped: RefCell<HashMap<LocalName, usize>>,
}

impl<S> DepthCap<S> {
    fn new(inner: S) -> Self {
        DepthCap {
            inner,
            open: RefCell::new(Vec::new()),
            dropped: RefCell::new(HashMap::new()),
        }
    }

    /// Whether to pass a tag on, updating the stack of open elements.
    fn keep(&self, kind: TagKind, name: &LocalName, self_closing: bool) -> bool {
        let mut open = self.open.borrow_mut();
        match kind {
            TagKind::StartTag => {
                if is_void(name) {
                    return true;
                }
                while open.last().is_some_and(|top| closes(name, top)) {
                    open.pop();
                }
                // Raw-text elements always pass: the tree builder must switch the
                // tokenizer's state for them, or a script's body is read as tags.
                if open.len() >= MAX_DEPTH && !is_raw_text(name) {
                    // Elements whose end tag is optional (`<li>`, `<p>`) are often
                    // never closed: counting them would swallow later end tags.
                    if !self_closing && !closes(name, name) {
                        *self.dropped.borrow_mut().entry(name.clone()).or_default() += 1;
                    }
                    return false;
                }
                if !self_closing || is_raw_text(name) {
                    open.push(name.clone());
                }
                true
            }
            TagKind::EndTag => {
                // Dropped elements are the deepest: their end tags come first.
                if let Some(n) = self.dropped.borrow_mut().get_mut(name)
                    && *n > 0
                {
                    *n -= 1;
                    return false;
                }
                let reach = open.len().saturating_sub(END_TAG_REACH);
                if let Some(i) = open[reach..].iter().rposition(|n| n == name) {
                    open.truncate(reach + i);
                }
                true
            }
        }
    }
}

impl<S: TokenSink> TokenSink for DepthCap<S> {
    type Handle = S::Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<S::Handle> {
        if let Token::TagToken(tag) = &token
            && !self.keep(tag.kind, &tag.name, tag.self_closing)
        {
            return TokenSinkResult::Continue;
        }
        self.inner.process_token(token, line_number)
    }

    fn end(&self) {
        self.inner.end()
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// Most attributes kept on one tag. html5ever checks each new attribute of a tag
/// against all earlier ones (quadratic: one `<div>` with 5 MiB of `a0=1 a1=1 …`
/// cost 2.5 CPU s); real elements carry a few dozen.
pub const MAX_ATTRIBUTES: usize = 256;

/// Where the attributes of the tag whose name starts at `from` go beyond
/// [`MAX_ATTRIBUTES`], if they do, and where the tag ends: at its `>` outside quotes,
/// or at the end of the text. One walk over the tag's bytes counts attributes (a
/// space followed by a name) and jumps over quoted values with memchr: on the demo's
/// real-weight pages 0.83 ms for 72 pages against 1.22 for finding the end with
/// memchr first and counting only long tags (most tags are short, and a memchr call
/// per quote cost more than the bytes), 3.45 against 3.83 ms on the ten captured pages.
fn tag_cut_and_end(b: &[u8], from: usize) -> (Option<usize>, usize) {
    let (mut j, mut attrs, mut cut_at) = (from, 0usize, None);
    while let Some(&c) = b.get(j) {
        match c {
            b'>' => return (cut_at, j),
            b'"' | b'\'' => match memchr::memchr(c, &b[j + 1..]) {
                Some(close) => j += close + 1,
                None => return (cut_at, b.len()),
            },
            c if c.is_ascii_whitespace()
                && b.get(j + 1).is_some_and(|n| {
                    !n.is_ascii_whitespace() && !matches!(n, b'>' | b'/' | b'=')
                }) =>
            {
                attrs += 1;
                if attrs > MAX_ATTRIBUTES && cut_at.is_none() {
                    cut_at = Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    (cut_at, b.len())
}

/// `text` with every tag's attributes beyond [`MAX_ATTRIBUTES`] cut out, borrowed
/// when nothing is cut (every real page). html5ever offers no such limit, so this is
/// one linear pass over the bytes with a rough idea of tags (`<` and a letter up to
/// `>` outside quotes); a misreading can only matter for "tags" of hundreds of
/// space-separated words, and then only cuts them.
pub fn cap_attributes(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    // From `<` to `<` with memchr: the text between tags is most of a page's bytes.
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        i += k;
        if !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let (cut_at, end) = tag_cut_and_end(b, i + 1);
        if let Some(from) = cut_at {
            cuts.push((from, end));
        }
        i = end;
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (from, to) in cuts {
        // Both ends are ASCII bytes (a space, `>` or the end): char boundaries.
        out.push_str(&text[last..from]);
        last = to;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Selector;

    fn depth_of_deepest(doc: &Html) -> usize {
        doc.tree
            .nodes()
            .map(|n| n.ancestors().count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn ordinary_pages_parse_as_scraper_parses_them() {
        let html = r#"<!doctype html><html><head><title>t</title>
            <script type="application/ld+json">{"a": "<div>"}</script></head>
            <body><ul><li>one<li>two</ul><p>para<div class="x"><span>$5</span></div>
            <table><tr><td>a<td>b</table><select><option>1<option>2</select></body></html>"#;
        let ours = parse(html, Budget::unlimited()).unwrap();
        let theirs = Html::parse_document(html);
        assert_eq!(ours.html(), theirs.html());
    }

    #[test]
    fn deep_nesting_is_capped_and_its_text_kept() {
        let n = 20_000;
        let html = format!(
            "<html><body>{}<span class=p>$7.50</span>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let doc = parse(&html, Budget::unlimited()).unwrap();
        assert!(
            depth_of_deepest(&doc) <= MAX_DEPTH + 8,
            "{}",
            depth_of_deepest(&doc)
        );
        // The deep span's text is kept, in the deepest element allowed.
        assert!(doc.root_element().text().any(|t| t == "$7.50"));
        // What follows the deep part is still in the document.
        let after = format!("{html}<p id=after>after</p>");
        let doc = parse(&after, Budget::unlimited()).unwrap();
        assert!(
            doc.select(&Selector::parse("#after").unwrap())
                .next()
                .is_some()
        );
    }

    #[test]
    fn attributes_beyond_the_cap_are_cut_linearly() {
        let many: String = (0..1000).map(|i| format!(" a{i}=\"1 >\"")).collect();
        let html = format!("<p>a</p><div{many}>x</div><img src=y alt='b c'>");
        let capped = cap_attributes(&html);
        let doc = parse(&html, Budget::unlimited()).unwrap();
        let div = doc.select(&Selector::parse("div").unwrap()).next().unwrap();
        assert_eq!(div.value().attrs().count(), MAX_ATTRIBUTES);
        assert_eq!(div.text().collect::<String>(), "x");
        assert!(capped.ends_with(">x</div><img src=y alt='b c'>"));
        // Short unquoted attributes: 300 in a tag of ~1.5 KB are cut to the cap too.
        let short: String = (0..300).map(|i| format!(" b{i}")).collect();
        let doc = parse(&format!("<i{short}>y</i>"), Budget::unlimited()).unwrap();
        let i = doc.select(&Selector::parse("i").unwrap()).next().unwrap();
        assert_eq!(i.value().attrs().count(), MAX_ATTRIBUTES);
        // Ordinary markup comes back untouched, borrowed.
        let plain = "<a href=\"x\" class=y>t</a><script>if (a<b && c>d) {}</script>";
        assert!(matches!(
            cap_attributes(plain),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// The cut where the plainest reading puts it: each tag's end found first (`>`
    /// outside quotes), then its attributes counted byte by byte.
    #[test]
    fn attributes_are_cut_where_a_plain_count_cuts_them() {
        fn plain(text: &str) -> String {
            let b = text.as_bytes();
            let (mut out, mut i, mut last) = (String::new(), 0, 0);
            while i < b.len() {
                if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
                    i += 1;
                    continue;
                }
                let (mut j, mut quote, mut attrs, mut cut) = (i + 1, None, 0, None);
                while j < b.len() && (quote.is_some() || b[j] != b'>') {
                    match (quote, b[j]) {
                        (Some(q), c) if c == q => quote = None,
                        (None, c @ (b'"' | b'\'')) => quote = Some(c),
                        (None, c) if c.is_ascii_whitespace() => {
                            let next = b.get(j + 1).copied().unwrap_or(b' ');
                            if !next.is_ascii_whitespace() && !b">/=".contains(&next) {
                                attrs += 1;
                                if attrs == MAX_ATTRIBUTES + 1 {
                                    cut = Some(j);
                                }
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if let Some(from) = cut {
                    out.push_str(&text[last..from]);
                    last = j;
                }
                i = j;
            }
            out + &text[last..]
        }
        let n = |k: usize, each: &str| (0..k).map(|i| format!("{each}{i}")).collect::<String>();
        for html in [
            format!("<div{}>x</div>", n(256, " a")),
            format!("<div{}>x</div>", n(257, " a")),
            format!("<div{}>x</div>", n(400, "\n\tb='>'")),
            format!("<p a=\"{}\">y</p><i{}>z", n(300, " q"), n(300, " c")),
            format!("<span{} title=\"never closed>", n(300, " d")),
            format!("< div{}>1 <3 <{}>", n(300, " e"), n(300, " f")),
        ] {
            assert_eq!(cap_attributes(&html), plain(&html), "{html:.80}");
        }
    }

    #[test]
    fn a_page_over_its_budget_is_given_up_on() {
        let html = "<div>x</div>".repeat(100_000);
        let tight = Budget {
            base: Duration::from_millis(1),
            per_mib: Duration::ZERO,
        };
        assert!(matches!(
            parse(&html, tight),
            Err(ParseError::OverBudget { .. })
        ));
    }
}
