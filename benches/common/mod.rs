//! Pages the extraction benches read: the demo's item pages at each weight, the
//! extruct samples and the ten captured marketplace pages.

use std::path::Path;

use brandguard::config::Config;
use brandguard::crawl::Page;
use brandguard::demo::{Catalog, PageWeight, item_pages};
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

/// The adapters the corpora are read with: the demo's, and the generic one the
/// captured pages and samples are read with.
pub fn configs() -> (Config, Config) {
    let demo = Config::load(Path::new("targets/demo")).expect("demo targets");
    let generic = Config::load(Path::new("tests/data/generic")).expect("generic targets");
    (demo, generic)
}

/// A corpus: its name, the configuration its pages are read with, and each page
/// with its marketplace's name.
pub type Corpus<'a> = (&'static str, &'a Config, Vec<(String, Page)>);

/// Every corpus.
pub fn corpora<'a>(demo: &'a Config, generic: &'a Config) -> Vec<Corpus<'a>> {
    vec![
        ("demo_pages", demo, corpus_demo(demo, PageWeight::Light, 24)),
        (
            "demo_real_pages",
            demo,
            corpus_demo(demo, PageWeight::Real, 24),
        ),
        (
            "demo_heavy_pages",
            demo,
            corpus_demo(demo, PageWeight::Heavy, 4),
        ),
        ("sample_pages", generic, corpus_samples()),
        ("real_pages", generic, corpus_real()),
    ]
}
