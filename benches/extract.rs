//! Extraction throughput (MB/s on one core) beside scraper's bare parse of the same
//! bytes. Run: `cargo bench --bench extract`.
//!
//! Goal (issue 4): extraction costs at most 30% more than parsing alone.
//! `capture_verdict` is the cost of judging a capture (captcha, challenge, shell,
//! soft 404) before it is read; goal (issue 17): under 5% of `extract_listing`.
//! `real_pages` are the ten captured marketplace pages (300 KB – 1.6 MB);
//! `demo_pages` the demo's light item pages (~1 KB), `demo_real_pages` and
//! `demo_heavy_pages` its pages of real (15–40 KB) and heavy (300 KB – 1.5 MB) weight.

use std::hint::black_box;
use std::path::Path;

use brandguard::config::Config;
use brandguard::crawl::Page;
use brandguard::demo::{Catalog, PageWeight, item_pages};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use url::Url;

/// The demo's item pages at `weight`, `per_site` listings a site.
fn corpus_demo(config: &Config, weight: PageWeight, per_site: usize) -> Vec<(String, Page)> {
    let catalog = Catalog::generate(42, per_site);
    item_pages(&catalog, weight)
        .into_iter()
        .map(|(site, path, body)| {
            let m = config.marketplace(site.name()).expect("demo marketplace");
            let url = m.base_url.join(&path).expect("item path");
            (m.name.clone(), Page::saved(url, body))
        })
        .collect()
}

fn corpus_samples() -> Vec<(String, Page)> {
    let dir = Path::new("tests/data/peer/html_samples/extruct");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("samples folder") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "html") {
            let body = std::fs::read(&p).expect("sample page");
            let url = Url::parse("https://shop.example/p/1").expect("url");
            out.push(("generic".to_string(), Page::saved(url, body)));
        }
    }
    out
}

fn corpus_real() -> Vec<(String, Page)> {
    use std::io::Read;
    let dir = Path::new("tests/data/peer/html_samples/product-extraction-benchmark");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("captured pages folder") {
        let p = e.expect("entry").path();
        if p.to_string_lossy().ends_with(".html.gz") {
            let mut body = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&p).expect("page"))
                .read_to_end(&mut body)
                .expect("gzip");
            let url = Url::parse("https://shop.example/p/1").expect("url");
            out.push(("generic".to_string(), Page::saved(url, body)));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let demo = Config::load(Path::new("targets/demo")).expect("demo targets");
    let generic = Config::load(Path::new("tests/data/generic")).expect("generic targets");
    for (name, config, pages) in [
        (
            "demo_pages",
            &demo,
            corpus_demo(&demo, PageWeight::Light, 24),
        ),
        (
            "demo_real_pages",
            &demo,
            corpus_demo(&demo, PageWeight::Real, 24),
        ),
        (
            "demo_heavy_pages",
            &demo,
            corpus_demo(&demo, PageWeight::Heavy, 4),
        ),
        ("sample_pages", &generic, corpus_samples()),
        ("real_pages", &generic, corpus_real()),
    ] {
        let rules = brandguard::crawl::verdict::Rules::default();
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
        g.bench_function("extract_listing", |b| {
            b.iter(|| {
                for (m, p) in &pages {
                    let m = config.marketplace(m).expect("marketplace");
                    black_box(brandguard::extract::listing(p, m));
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

criterion_group!(benches, bench);
criterion_main!(benches);
