//! Extraction throughput (MB/s on one core) beside scraper's bare parse of the same
//! bytes. Run: `cargo bench --bench extract`.
//!
//! Goal (issue 4): extraction costs at most 30% more than parsing alone.
//! `judge_listing` judges the listings read from the pages (SKU, seller, floor).
//! `capture_verdict` is the cost of judging a capture (captcha, challenge, shell,
//! soft 404) before it is read; goal (issue 17): under 5% of `extract_listing`.
//! `real_pages` are the ten captured marketplace pages (300 KB – 1.6 MB);
//! `demo_pages` the demo's light item pages (~1 KB), `demo_real_pages` and
//! `demo_heavy_pages` its pages of real (15–40 KB) and heavy (300 KB – 1.5 MB) weight.
//!
//! Two rows bound what another design could reach (issue 22: a scan at 0.48 CPU s
//! per 1,000 pages needs extraction far below the parse): `html5ever_tokenize_only`
//! is html5ever's tokenizer with no tree (the floor of any extractor built on
//! html5ever, streaming or not), `lol_html_pass` one pass of lol_html's streaming
//! lexer with the handlers a tree-less extractor would need (JSON-LD text and its
//! JSON parse, meta tags, microdata/RDFa attributes, and the text or attribute of
//! every adapter selector lol_html can parse). Neither is an extractor: they read
//! the values, they do not pick among them. `html5gum_tokenize_only` is html5gum's
//! tokenizer (another WHATWG tokenizer, said to be several times faster than
//! html5ever's) with no tree: the floor of a parse that fed html5ever's tree builder
//! from it instead.

use std::hint::black_box;

use brandguard::config::Config;
use common::{configs, corpora};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod common;

/// The allocator brandguard runs with (`src/main.rs`): parse and extraction are
/// allocation-heavy, and glibc's malloc was ~10% of this bench's profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let (demo, generic) = configs();
    for (name, config, pages) in corpora(&demo, &generic) {
        let rules = brandguard::verdict::Rules::default();
        let bytes: usize = pages.iter().map(|(_, p)| p.body.len()).sum();
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("scraper_parse_only", |b| {
            b.iter(|| {
                for (_, p) in &pages {
                    // The same decoding extraction does, then the parse.
                    let text = brandguard::extract::decode(p).text;
                    black_box(scraper::Html::parse_document(&text));
                }
            })
        });
        g.bench_function("html5ever_tokenize_only", |b| {
            b.iter(|| {
                for (_, p) in &pages {
                    let text = brandguard::extract::decode(p).text;
                    black_box(tokenize(&text));
                }
            })
        });
        g.bench_function("html5gum_tokenize_only", |b| {
            b.iter(|| {
                for (_, p) in &pages {
                    let text = brandguard::extract::decode(p).text;
                    black_box(tokenize_html5gum(&text));
                }
            })
        });
        let selectors = adapter_selectors(config);
        g.bench_function("lol_html_pass", |b| {
            b.iter(|| {
                for (m, p) in &pages {
                    let text = brandguard::extract::decode(p).text;
                    black_box(lol_html_pass(&text, &selectors[m]));
                }
            })
        });
        g.bench_function("extract_listing", |b| {
            b.iter(|| {
                for (m, p) in &pages {
                    let m = config.marketplace(m).expect("marketplace");
                    black_box(brandguard::extract::listing(p, m));
                }
            })
        });
        // Judging what was read (the SKU, the seller, the price against the
        // floor): the step after extraction on every listing page of a scan.
        let listings: Vec<_> = pages
            .iter()
            .map(|(m, p)| {
                brandguard::extract::listing(p, config.marketplace(m).expect("marketplace"))
            })
            .collect();
        let at = chrono::Utc::now();
        g.bench_function("judge_listing", |b| {
            b.iter(|| {
                for l in &listings {
                    black_box(brandguard::judge::judge(&config.brand, l, at, None));
                }
            })
        });
        g.bench_function("capture_verdict", |b| {
            b.iter(|| {
                for (_, p) in &pages {
                    black_box(rules.judge(p));
                }
            })
        });
        g.finish();
    }
}

/// Tokens html5ever's tokenizer emits for `text`, with no tree built (raw-text
/// elements switched as the tree builder would, so scripts are read as text).
fn tokenize(text: &str) -> usize {
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
        states::RawKind,
    };
    struct Count(std::cell::Cell<usize>);
    impl TokenSink for Count {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            self.0.set(self.0.get() + 1);
            if let Token::TagToken(tag) = &token
                && tag.kind == TagKind::StartTag
            {
                let raw = match &*tag.name {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        Some(RawKind::Rawtext)
                    }
                    "title" | "textarea" => Some(RawKind::Rcdata),
                    _ => None,
                };
                if let Some(kind) = raw {
                    return TokenSinkResult::RawData(kind);
                }
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer = Tokenizer::new(Count(std::cell::Cell::new(0)), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html5ever::tendril::StrTendril::from_slice(text));
    while !matches!(tokenizer.feed(&input), html5ever::TokenizerResult::Done) {}
    tokenizer.end();
    tokenizer.sink.0.get()
}

/// Tokens html5gum's tokenizer emits for `text`, raw-text elements switched as in
/// [`tokenize`] (html5gum's own naive switching by tag name).
fn tokenize_html5gum(text: &str) -> usize {
    let mut emitter = html5gum::emitters::default::DefaultEmitter::default();
    emitter.naively_switch_states(true);
    html5gum::Tokenizer::new_with_emitter(text, emitter)
        .filter(|t| t.is_ok())
        .count()
}

/// Each marketplace's adapter selectors (every field rule) as lol_html parses
/// them, with the attribute a rule reads; rules lol_html cannot parse are left
/// out (and counted on stderr).
fn adapter_selectors(
    config: &Config,
) -> std::collections::HashMap<String, Vec<(lol_html::Selector, Option<String>)>> {
    let mut out = std::collections::HashMap::new();
    let mut skipped = 0;
    for m in &config.marketplaces {
        let f = &m.fields;
        let mut list = Vec::new();
        for rule in [
            &f.title,
            &f.price,
            &f.coupon_price,
            &f.currency,
            &f.seller,
            &f.seller_id,
            &f.listing_id,
            &f.brand,
            &f.gtin,
            &f.mpn,
        ]
        .into_iter()
        .flatten()
        {
            match rule.css.parse::<lol_html::Selector>() {
                Ok(sel) => list.push((sel, rule.attr.clone())),
                Err(_) => skipped += 1,
            }
        }
        out.insert(m.name.clone(), list);
    }
    if skipped > 0 {
        eprintln!("lol_html_pass: {skipped} adapter selectors lol_html cannot parse, left out");
    }
    out
}

/// One lol_html pass over `text` reading what a tree-less extractor needs (see
/// the file's comment); the bytes of values read.
fn lol_html_pass(text: &str, selectors: &[(lol_html::Selector, Option<String>)]) -> usize {
    use lol_html::html_content::{Element, TextChunk};
    use lol_html::{ElementContentHandlers, HtmlRewriter, Settings};
    use std::borrow::Cow;
    use std::cell::{Cell, RefCell};
    let read = &Cell::new(0usize);
    let json_ld = &RefCell::new(String::new());
    let fixed = |css: &str| Cow::Owned(css.parse::<lol_html::Selector>().expect("selector"));
    let attrs = move |e: &mut Element| {
        for a in e.attributes() {
            read.set(read.get() + a.value().len());
        }
        Ok(())
    };
    let mut settings = Settings::new()
        .append_element_content_handler((
            fixed("script[type=\"application/ld+json\"]"),
            ElementContentHandlers::default().text(move |t: &mut TextChunk| {
                let mut json = json_ld.borrow_mut();
                json.push_str(t.as_str());
                if t.last_in_text_node() {
                    // Each script's JSON parsed as the extractor would.
                    let parsed = serde_json::from_str::<serde_json::Value>(&json).is_ok();
                    read.set(read.get() + json.len() + usize::from(parsed));
                    json.clear();
                }
                Ok(())
            }),
        ))
        .append_element_content_handler((
            fixed("meta, [itemprop], [itemscope], [property], [typeof]"),
            ElementContentHandlers::default().element(attrs),
        ));
    for (sel, attr) in selectors {
        let handlers = match attr {
            Some(name) => ElementContentHandlers::default().element(move |e: &mut Element| {
                read.set(read.get() + e.get_attribute(name).map_or(0, |v| v.len()));
                Ok(())
            }),
            None => ElementContentHandlers::default().text(move |t: &mut TextChunk| {
                read.set(read.get() + t.as_str().len());
                Ok(())
            }),
        };
        settings = settings.append_element_content_handler((Cow::Borrowed(sel), handlers));
    }
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    if rewriter.write(text.as_bytes()).is_err() || rewriter.end().is_err() {
        return 0;
    }
    read.get()
}

criterion_group!(benches, bench);
criterion_main!(benches);
