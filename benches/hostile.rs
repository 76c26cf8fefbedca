//! What a hostile page costs to read, beside ordinary pages: CPU milliseconds per MiB
//! of extraction (decode, depth-capped parse, structured data, selectors) for each
//! page, measured in the thread's CPU time. Run: `cargo bench --bench hostile`.
//!
//! Goal (issue 18): every page's cost is linear in its bytes; the worst page costs at
//! most 5x the median ordinary page's cost per byte.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use brandguard::config::Config;
use brandguard::crawl::Page;
use brandguard::demo::hostile::Hostile;
use brandguard::demo::{Catalog, PageWeight, item_pages};
use brandguard::extract::html::thread_cpu_time;
use url::Url;

/// CPU time of the fastest of `runs` extractions of `page`.
fn cost(config: &Config, market: &str, page: &Page, runs: usize) -> (Duration, bool) {
    let m = config.marketplace(market).expect("marketplace");
    let mut best = Duration::MAX;
    let mut unreadable = false;
    for _ in 0..runs {
        let t = thread_cpu_time();
        let l = brandguard::extract::listing(page, m);
        best = best.min(thread_cpu_time() - t);
        unreadable = l.unreadable.is_some();
    }
    (best, unreadable)
}

fn real_pages() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new("tests/data/peer/html_samples/product-extraction-benchmark");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.to_string_lossy().ends_with(".html.gz") {
            let mut body = Vec::new();
            let f = std::fs::File::open(&p).expect("sample");
            flate2::read::GzDecoder::new(f)
                .read_to_end(&mut body)
                .expect("gzip");
            let name = p.file_name().unwrap_or_default().to_string_lossy()[..12].to_string();
            out.push((format!("real {name}"), body));
        }
    }
    out.sort();
    out
}

fn main() {
    let demo = Config::load(Path::new("targets/demo")).expect("demo targets");
    let generic = Config::load(Path::new("tests/data/generic")).expect("generic targets");
    let url = Url::parse("https://shop.example/p/1").expect("url");
    let mut ordinary: Vec<(String, &Config, String, Page)> = Vec::new();
    for (site, path, body) in item_pages(&Catalog::generate(42, 24), PageWeight::Light)
        .into_iter()
        .take(12)
    {
        let m = demo.marketplace(site.name()).expect("demo marketplace");
        let u = m.base_url.join(&path).expect("item path");
        ordinary.push((
            format!("demo {path}"),
            &demo,
            m.name.clone(),
            Page::saved(u, body),
        ));
    }
    for (name, body) in real_pages() {
        ordinary.push((
            name,
            &generic,
            "generic".into(),
            Page::saved(url.clone(), body),
        ));
    }
    let mut rows = Vec::new();
    let mut per_mib = Vec::new();
    println!(
        "{:<40} {:>10} {:>10} {:>12}",
        "page", "KiB", "CPU ms", "ms per MiB"
    );
    for (name, config, market, page) in &ordinary {
        let (t, _) = cost(config, market, page, 5);
        let mib = page.body.len() as f64 / (1024.0 * 1024.0);
        let r = t.as_secs_f64() * 1000.0 / mib;
        per_mib.push(r);
        println!(
            "{:<40} {:>10.1} {:>10.2} {:>12.1}",
            name,
            mib * 1024.0,
            t.as_secs_f64() * 1000.0,
            r
        );
    }
    per_mib.sort_by(f64::total_cmp);
    let median = per_mib[per_mib.len() / 2];
    println!("median ordinary page: {median:.1} CPU ms per MiB\n");
    let mut hostile: Vec<Hostile> = vec![
        Hostile::NestedDivs(10_000),
        Hostile::NestedDivs(100_000),
        Hostile::NestedDivs(280_000),
    ];
    hostile.extend(&Hostile::PLANTED[1..]);
    hostile.extend([Hostile::PriceAmounts(200), Hostile::PriceAmounts(100_000)]);
    println!(
        "{:<40} {:>10} {:>10} {:>12} {:>8}",
        "hostile page", "KiB", "CPU ms", "ms per MiB", "x median"
    );
    for h in hostile {
        let page = Page::saved(url.clone(), h.page().into_bytes());
        let (t, unreadable) = cost(&generic, "generic", &page, 2);
        let mib = page.body.len() as f64 / (1024.0 * 1024.0);
        let r = t.as_secs_f64() * 1000.0 / mib;
        println!(
            "{:<40} {:>10.1} {:>10.1} {:>12.1} {:>8.2}{}",
            h.name(),
            mib * 1024.0,
            t.as_secs_f64() * 1000.0,
            r,
            r / median,
            if unreadable {
                "  (given up: over budget)"
            } else {
                ""
            }
        );
        rows.push(r / median);
    }
    let worst = rows.iter().copied().fold(0.0, f64::max);
    println!(
        "\nworst hostile page: {worst:.2}x the median ordinary page's cost per byte (goal: at most 5x)"
    );
}
