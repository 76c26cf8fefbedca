//! The capture-verdict rules measured on a labelled set of saved pages: the demo's
//! walls (captcha, Cloudflare challenge, login wall, shell, soft 404) and ordinary
//! item pages with and without captcha widgets, fetched from the demo marketplace
//! by the crawler's own fetcher; challenge pages and look-alikes written from the
//! providers' public descriptions (tests/data/verdicts); the ten real captured
//! marketplace product pages and the extruct samples. Prints precision and recall
//! of `blocked` and the share of every label judged right; the cost per page is
//! measured by `cargo bench --bench extract -- verdict`.

use std::io::Read;
use std::path::Path;

use brandguard::crawl::{Fetcher, Page};
use brandguard::demo::{DemoOptions, DemoServer, Fault, Site, Wall};
use brandguard::verdict::{Rules, Verdict};
use url::Url;

#[derive(serde::Deserialize)]
struct Entry {
    file: String,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    url: Option<String>,
    label: String,
}

#[derive(serde::Deserialize)]
struct Entries {
    page: Vec<Entry>,
}

fn label(v: &Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Blocked { .. } => "blocked",
        Verdict::Shell => "shell",
        Verdict::Soft404 { .. } => "soft_404",
        Verdict::NoOffer { .. } => "no_offer",
    }
}

/// The hand-written challenge pages and look-alikes, as captured pages.
fn written() -> Vec<(String, &'static str, Page)> {
    let dir = Path::new("tests/data/verdicts");
    let entries: Entries =
        toml::from_str(&std::fs::read_to_string(dir.join("pages.toml")).unwrap()).unwrap();
    entries
        .page
        .into_iter()
        .map(|e| {
            let url = Url::parse(
                e.url
                    .as_deref()
                    .unwrap_or("https://www.shop.example/item/1"),
            )
            .unwrap();
            let mut page = Page::saved(url, std::fs::read(dir.join(&e.file)).unwrap());
            page.status = e.status.unwrap_or(200);
            page.headers = e.headers;
            let l: &'static str = match e.label.as_str() {
                "blocked" => "blocked",
                "ok" => "ok",
                "soft_404" => "soft_404",
                "shell" => "shell",
                "no_offer" => "no_offer",
                other => panic!("{}: unknown label {other}", e.file),
            };
            (e.file, l, page)
        })
        .collect()
}

/// Real captured product pages and the extruct samples: all `ok`, but amazon.com's
/// B07FW264WL, which shows "Currently unavailable" and no offer (its ground truth:
/// out of stock, no price).
fn real_pages() -> Vec<(String, &'static str, Page)> {
    let mut out = Vec::new();
    let url = Url::parse("https://www.shop.example/item/1").unwrap();
    for dir in [
        "tests/data/peer/html_samples/product-extraction-benchmark",
        "tests/data/peer/html_samples/extruct",
    ] {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let name = path.to_string_lossy().into_owned();
            let body = if name.ends_with(".html.gz") {
                let mut b = Vec::new();
                flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
                    .read_to_end(&mut b)
                    .unwrap();
                b
            } else if name.ends_with(".html") {
                std::fs::read(&path).unwrap()
            } else {
                continue;
            };
            let label = if name.contains("0094967f") {
                "no_offer"
            } else {
                "ok"
            };
            out.push((name, label, Page::saved(url.clone(), body)));
        }
    }
    out
}

/// Item pages of the demo marketplace behind each wall (every page walled) and
/// without, fetched by brandguard's fetcher as a scan fetches them.
async fn demo_pages(per_site: usize) -> Vec<(String, &'static str, Page)> {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let settings = brandguard::config::CrawlSettings {
        max_retries: 0,
        breaker_threshold: 1_000,
        ..Default::default()
    };
    let fetcher = Fetcher::new(&settings).unwrap();
    for (_, base) in server.base_urls() {
        fetcher.register_host(
            &Url::parse(&base).unwrap(),
            brandguard::config::RateLimit {
                per_second: 10_000.0,
                burst: 10_000,
            },
        );
    }
    let walls: [(Option<Wall>, &'static str); 8] = [
        (None, "ok"),
        (Some(Wall::Widget), "ok"),
        (Some(Wall::Captcha), "blocked"),
        (Some(Wall::Challenge), "blocked"),
        (Some(Wall::LoginWall), "blocked"),
        (Some(Wall::JsShell), "shell"),
        (Some(Wall::Soft404), "soft_404"),
        (Some(Wall::NoOffer), "no_offer"),
    ];
    let truth = server.ground_truth();
    let mut out = Vec::new();
    for (wall, l) in walls {
        let faults: Vec<(Site, Fault)> = match wall {
            Some(wall) => Site::ALL
                .into_iter()
                .map(|s| (s, Fault::Wall { wall, percent: 100 }))
                .collect(),
            None => Vec::new(),
        };
        server.set_faults(faults);
        for site in Site::ALL {
            let base = Url::parse(&server.base_url(site)).unwrap();
            let items = truth
                .listings
                .iter()
                .filter(|g| g.marketplace == site.name())
                .take(per_site);
            for g in items {
                let url = base.join(&g.path).unwrap();
                let page = fetcher.fetch(&url).await.expect("demo answers");
                out.push((format!("{wall:?} {url}"), l, page));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verdict_rules_on_a_labelled_set() {
    let rules = Rules::default();
    let mut set = demo_pages(6).await;
    set.extend(written());
    set.extend(real_pages());
    assert!(set.len() >= 100, "{} pages", set.len());

    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let mut wrong = Vec::new();
    let mut by_label: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (name, want, page) in &set {
        let v = rules.judge(page);
        let got = label(&v);
        let e = by_label.entry(want).or_default();
        e.1 += 1;
        if got == *want {
            e.0 += 1;
        } else {
            wrong.push(format!("{name}: labelled {want}, judged {v:?}"));
        }
        match (*want == "blocked", got == "blocked") {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            _ => {}
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "verdicts on {} labelled pages: blocked precision {precision:.3}, recall {recall:.3} ({tp} true, {fp} false positives, {fn_} missed)",
        set.len()
    );
    for (l, (right, all)) in &by_label {
        println!("  {l}: {right}/{all} judged right");
    }
    for w in &wrong {
        println!("  wrong: {w}");
    }
    assert!(precision >= 0.99, "precision {precision}: {wrong:#?}");
    assert!(recall >= 0.95, "recall {recall}: {wrong:#?}");
    assert!(wrong.is_empty(), "{wrong:#?}");
}
